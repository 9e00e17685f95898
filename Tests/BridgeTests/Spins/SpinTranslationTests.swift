import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("Discrete translators: Hamiltonian ⇄ concrete score")
struct SpinTranslationTests {
    @Test("the X-string operator equals its dense definition, in every sector")
    func operatorMatchesDefinition() throws {
        let n = 5
        let model = try sherringtonKirkpatrick(qubits: n, seed: 4, fieldScale: 0)
        let ah = try AnnealingHamiltonian(model: model)
        let problem = try CatalysedAnnealing(
            hamiltonian: ah, catalyst: try XXCatalyst(couplings: [Coupling(0, 1, -0.7), Coupling(2, 4, 0.4)], qubits: n))
        let h = try problem.operatorAt(0.4)
        #expect(h.hasSpinFlipSymmetry)
        #expect(h.terms.count == n + 2)
        let dense = denseFromDefinition(h)
        #expect(h.denseMatrix() == dense)
        // even ∪ odd spectra = full spectrum
        let full = try SymmetricEigensolver.solve(matrix: dense, dimension: 32).values
        let even = try h.lowest(count: 16, sector: .even).values
        let odd = try h.lowest(count: 16, sector: .odd).values
        let merged = (even + odd).sorted()
        #expect(zip(merged, full).allSatisfy { abs($0 - $1) < 1e-12 })
        // Lanczos on a register above the dense limit agrees with the dense solver
        let big = try sherringtonKirkpatrick(qubits: 9, seed: 2)
        let hb = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: big)).operatorAt(0.6)
        let lanczos = try hb.lowest(count: 3).values
        let exact = try SymmetricEigensolver.solve(matrix: denseFromDefinition(hb), dimension: 512).values
        for i in 0..<3 { #expect(abs(lanczos[i] - exact[i]) < 1e-10) }
    }

    /// Done-when: H(s) → concrete score → Score Hamiltonian equals H(s) − E₀(s) to 1e-9 on
    /// 6- to 14-qubit instances at several s. The error is the eigen-equation residual of the
    /// refined ground state, state by state; double precision allows ~1e-14·‖H‖.
    @Test("round trip H(s) → score → Score Hamiltonian = H(s) − E₀ to 1e-9, 6–14 qubits, several s", arguments: [6, 10, 14])
    func roundTrip(qubits n: Int) throws {
        let model = try sherringtonKirkpatrick(qubits: n, seed: UInt64(100 + n))
        let problem = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        for s in [0.1, 0.5, 0.9, 0.99] {
            let t = try SpinTranslation.translate(problem, at: s)
            let report = try t.roundTrip(problemGround: problem.hamiltonian.problemGround.states)
            let error = try #require(report.maxAbsError)
            #expect(error < 1e-9, "n = \(n), s = \(s): \(error) after \(report.sweeps) sweeps")
            #expect(report.offDiagonalError == 0)
            // the law is ψ₀², normalised, and its ground energy is the Lanczos one
            let law = try t.law()
            #expect(abs(law.probabilities.reduce(0, +) - 1) < 1e-12)
            let levels = try t.hamiltonian.lowest(count: 1).values
            #expect(abs(levels[0] - report.groundEnergy) < 1e-10 * t.hamiltonian.scale)
        }
    }

    @Test("a symmetric problem near s = 1 keeps a positive, flip-even ground state")
    func symmetricNearEnd() throws {
        let model = try sherringtonKirkpatrick(qubits: 10, seed: 77, fieldScale: 0)
        let problem = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        let t = try SpinTranslation.translate(problem, at: 0.999)
        let r = try t.roundTrip(problemGround: problem.hamiltonian.problemGround.states)
        #expect(r.sector == "even")
        #expect(try #require(r.maxAbsError) < 1e-9)
        #expect(r.problemGroundProbability! > 0.99)
        let phi = t.groundState.logAmplitude
        let all = phi.count - 1
        let asymmetry = phi.indices.reduce(0.0) { max($0, abs(phi[$1] - phi[$1 ^ all])) }
        #expect(asymmetry < 1e-9)
    }
}
