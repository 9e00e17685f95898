import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("Non-stoquastic catalysts: gauge criterion, refusal, evolution")
struct CatalystTests {
    @Test("the GF(2) gauge criterion agrees with brute force over every diagonal sign change")
    func gaugeCriterionBruteForce() throws {
        let rng = try RandomStream(seed: 3)
        let n = 5
        var agreed = 0
        var frustrated = 0
        for _ in 0..<400 {
            // random single and pair terms with random signs
            var terms: [FlipTerm] = []
            for i in 0..<n where rng.uniform() < 0.5 { terms.append(FlipTerm(mask: 1 << i, coefficient: rng.gaussian())) }
            for i in 0..<n {
                for j in (i + 1)..<n where rng.uniform() < 0.3 {
                    terms.append(FlipTerm(mask: (1 << i) | (1 << j), coefficient: rng.gaussian()))
                }
            }
            let structure = SignStructure(terms: terms, qubits: n)
            // brute force: every diagonal ±1 gauge g(x), up to a global sign: 2^(2^n − 1) is too
            // many, but on a connected term graph every gauge is a σz product; check all 2^n of
            // those, and the rank decides connectivity
            var exists = false
            for s in 0..<(1 << n) {
                let g = SpinGauge(mask: s)
                if terms.allSatisfy({ g.relativeSign(of: $0.mask) * $0.coefficient <= 0 }) { exists = true }
            }
            #expect(structure.isStoquasticUnderGauge == exists)
            if let g = structure.gauge {
                #expect(terms.allSatisfy { g.relativeSign(of: $0.mask) * $0.coefficient <= 0 })
            } else {
                frustrated += 1
                // the reported cycle: masks add to 0 and an odd number of positive coefficients
                let xor = structure.frustratedCycle.reduce(0) { $0 ^ $1.mask }
                #expect(xor == 0)
                #expect(structure.frustratedCycle.filter { $0.coefficient > 0 }.count % 2 == 1)
            }
            agreed += 1
        }
        #expect(agreed == 400)
        #expect(frustrated > 50 && frustrated < 350)  // both verdicts were exercised
    }

    /// A general diagonal gauge on a connected graph is a σz product: checked here on a small
    /// register by enumerating every g: {0,1}^3 → ±1.
    @Test("on a connected register every diagonal gauge is a product of σz")
    func gaugesAreZProducts() throws {
        let n = 3
        let terms = [
            FlipTerm(mask: 1, coefficient: 0.7), FlipTerm(mask: 0b110, coefficient: -0.2),
            FlipTerm(mask: 0b011, coefficient: 0.4),
        ]
        #expect(SignStructure(terms: terms, qubits: n).isConnected)
        var general = false
        for code in 0..<(1 << (1 << n)) {
            let g = (0..<(1 << n)).map { (code >> $0) & 1 == 0 ? 1.0 : -1.0 }
            var ok = true
            for x in 0..<(1 << n) {
                for t in terms where g[x] * g[x ^ t.mask] * t.coefficient > 0 { ok = false }
            }
            if ok { general = true }
        }
        #expect(general == SignStructure(terms: terms, qubits: n).isStoquasticUnderGauge)
    }

    @Test("a frustrated catalyst is refused with the sign-problem message")
    func frustratedRefused() throws {
        let n = 4
        let model = try sherringtonKirkpatrick(qubits: n, seed: 5)
        let h = try AnnealingHamiltonian(model: model)
        // antiferromagnetic XX on two driven qubits: the cycle X0, X0X1, X1 has one positive term
        let af = try CatalysedAnnealing(hamiltonian: h, catalyst: try XXCatalyst(couplings: [Coupling(0, 1, 0.5)], qubits: n))
        let error = #expect(throws: InputError.self) { try SpinTranslation.translate(af, at: 0.5) }
        #expect(error?.message.contains("sign problem") == true)
        #expect(error?.message.contains("X0X1 (+0.5)") == true)
        #expect(error?.message.contains("gauge") == true)
        // the flip chain refuses too, naming the point of the path
        let chain = try FlipChainAnnealingProblem(annealing: af, totalTime: 1)
        let chainError = #expect(throws: InputError.self) {
            try AnnealedFlipChain.run(chain, options: AnnealedFlipChainOptions(samples: 10, cells: 4))
        }
        #expect(chainError?.message.contains("sign problem") == true)
        // where C(s) = 0 (the ends of the bump) it is stoquastic again
        _ = try SpinTranslation.translate(af, at: 0)
        // a frustrated triangle on undriven qubits (w = 0), tied to a driven qubit
        let triangle = try XXCatalyst(
            couplings: [Coupling(0, 1, 0.3), Coupling(1, 2, 0.3), Coupling(0, 2, 0.3), Coupling(2, 3, -0.4)],
            driverWeights: [0, 0, 0, 1], qubits: n)
        let tri = try CatalysedAnnealing(hamiltonian: h, catalyst: triangle)
        let triError = #expect(throws: InputError.self) { try SpinTranslation.translate(tri, at: 0.5) }
        #expect(triError?.message.contains("sign problem") == true)
    }

    /// A catalyst whose signs a σz gauge absorbs: qubit 3 is undriven and coupled
    /// antiferromagnetically to two driven qubits (cycle X1, X1X3, X3X2, X2: two positive
    /// terms), so S = {3} makes everything ≤ 0. The law ψ₀² must be the gauge-invariant |ψ₀|²
    /// of the dense ground state, and the flip chain (with pair moves) must sample it.
    @Test("a gauge-removable catalyst is accepted; its law and chain are right")
    func gaugeRemovableAccepted() throws {
        let n = 4
        let model = try sherringtonKirkpatrick(qubits: n, seed: 6)
        let h = try AnnealingHamiltonian(model: model)
        let catalyst = try XXCatalyst(
            couplings: [Coupling(1, 3, 0.6), Coupling(2, 3, 0.4)], driverWeights: [1, 1, 1, 0], qubits: n)
        let problem = try CatalysedAnnealing(hamiltonian: h, catalyst: catalyst)
        let s = 0.5
        let op = try problem.operatorAt(s)
        #expect(!op.isStoquasticAsWritten)
        let t = try SpinTranslation.translate(problem, at: s, options: GroundStateOptions(gap: true))
        #expect(t.groundState.gauge.qubits == [3])
        let report = try t.roundTrip()
        #expect(try #require(report.maxAbsError) < 1e-12)
        #expect(report.gauge == [3])
        // gauge invariance: |dense ground state|² = ψ₀²
        let dense = try SymmetricEigensolver.solve(matrix: denseFromDefinition(op), dimension: 16, vectors: true)
        let v = try #require(dense.vector(0))
        let law = try t.law()
        let worst = (0..<16).reduce(0.0) { max($0, abs(v[v.startIndex + $1] * v[v.startIndex + $1] - law.probability($1))) }
        #expect(worst < 1e-12)
        #expect(abs(dense.values[0] - report.groundEnergy) < 1e-12)
        // the chain with single-flip and pair moves samples it
        let chain = FlipChain(groundState: t.groundState)
        #expect(chain.moves.contains(0b1010) && chain.moves.contains(0b1100))
        let gap = try #require(t.groundState.gap)
        let burn = (log(1e6) + 0.5 * log(1 / law.probability(0))) / gap
        let (states, _) = try chain.run([Int](repeating: 0, count: 20_000), time: burn, seed: 4)
        let (chi2, df) = SpinHistogram(qubits: n, states: states).chiSquared(against: law)
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: 1e-4), "χ² = \(chi2), df = \(df)")
        // a ferromagnetic catalyst is stoquastic as written (identity gauge)
        let ferro = try CatalysedAnnealing(hamiltonian: h, catalyst: try XXCatalyst(couplings: [Coupling(0, 1, -0.5)], qubits: n))
        #expect(try SpinTranslation.translate(ferro, at: 0.5).groundState.gauge == .identity)
    }

    @Test("a driver that vanishes is refused as disconnected, not as a sign problem")
    func disconnectedRefused() throws {
        let model = try sherringtonKirkpatrick(qubits: 4, seed: 5)
        let problem = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        let error = #expect(throws: InputError.self) { try SpinTranslation.translate(problem, at: 1) }
        #expect(error?.message.contains("rank-0") == true)
        // with a floor it is evaluated where A = floor instead
        let t = try SpinTranslation.translate(problem, at: 1, driverFloor: 1e-6)
        #expect(abs(t.a - 1e-6) < 1e-12)
    }

    /// Real-time evolution accepts the non-stoquastic catalyst. Exact check: with the schedule
    /// paused at s₀ (piecewise-linear u ≡ s₀) the Hamiltonian is constant and
    /// ψ(T) = Σₖ e^{−iEₖT}⟨vₖ|ψ₀⟩vₖ from the dense eigen-decomposition; rk8pd at rtol 1e-10
    /// must agree to 1e-8.
    @Test("evolution with a frustrated catalyst matches the exact propagator; without one it matches AnnealingEvolution")
    func evolution() throws {
        let n = 4
        let model = try sherringtonKirkpatrick(qubits: n, seed: 9)
        let h = try AnnealingHamiltonian(model: model)
        let catalyst = try XXCatalyst(couplings: [Coupling(0, 1, 0.8), Coupling(1, 2, 0.8), Coupling(0, 2, 0.8)], qubits: n)
        let problem = try CatalysedAnnealing(hamiltonian: h, catalyst: catalyst)
        let s0 = 0.4
        let paused = try Schedule.piecewiseLinear(r: [0, 1], u: [s0, s0], name: "pause")
        let T = 3.0
        let run = try CatalysedAnnealingRun(annealing: problem, schedule: paused, totalTime: T)
        let result = try CatalysedEvolution.run(run, method: .rk8pd, rtol: 1e-10, atol: 1e-12)
        #expect(result.succeeded)
        let psi0 = try CatalysedEvolution.initialState(run)
        let op = try problem.operatorAt(s0)
        let dense = try SymmetricEigensolver.solve(matrix: denseFromDefinition(op), dimension: 16, vectors: true)
        var exact = [Double](repeating: 0, count: 32)
        for k in 0..<16 {
            let v = dense.vector(k)!
            var overlap = 0.0
            for x in 0..<16 { overlap += v[v.startIndex + x] * psi0[2 * x] }
            let phase = -dense.values[k] * T
            for x in 0..<16 {
                exact[2 * x] += overlap * cos(phase) * v[v.startIndex + x]
                exact[2 * x + 1] += overlap * sin(phase) * v[v.startIndex + x]
            }
        }
        let worst = zip(exact, result.finalState).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst < 1e-8)
        // the initial state is the (here non-positive-definite-sign) ground state of H(s₀): the
        // evolution keeps it up to a phase
        #expect(abs(result.fidelity - 1) < 1e-8)
        // no catalyst term active (C ≡ 0): the same physics as the annealing helper's evolution
        let off = try XXCatalyst(couplings: [Coupling(0, 1, 0.8)], profile: .table(s: [0, 1], c: [0, 0]), qubits: n)
        let plain = try CatalysedEvolution.run(
            try CatalysedAnnealingRun(annealing: try CatalysedAnnealing(hamiltonian: h, catalyst: off), totalTime: 5),
            rtol: 1e-10,
            atol: 1e-12)
        let reference = try AnnealingEvolution.run(
            try AnnealingProblem(hamiltonian: h, totalTime: 5), method: .gsl(.rk8pd),
            options: EvolutionOptions(rtol: 1e-10, atol: 1e-12))
        #expect(abs(plain.groundStateProbability - reference.groundStateProbability) < 1e-7)
        #expect(abs(plain.fidelity - reference.fidelity) < 1e-7)
    }
}
