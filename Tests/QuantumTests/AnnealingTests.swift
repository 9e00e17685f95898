import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

/// A Sherrington–Kirkpatrick instance: `Jᵢⱼ ~ N(0, 1/n)` on all pairs, fields `hᵢ ~ N(0, σ_h²)`.
func spinGlass(qubits n: Int, seed: UInt64, fieldScale: Double = 0.5) throws -> IsingModel {
    let rng = try RandomStream(seed: seed)
    let h = (0..<n).map { _ in fieldScale * rng.gaussian() }
    var couplings: [Coupling] = []
    for i in 0..<n {
        for j in (i + 1)..<n { couplings.append(Coupling(i, j, rng.gaussian() / Double(n).squareRoot())) }
    }
    return try IsingModel(h: h, couplings: couplings, offset: 0.25)
}

/// Brute-force energy from the definition, for cross-checks.
func bruteEnergy(_ m: IsingModel, _ k: Int) -> Double {
    var e = m.offset
    let z = (0..<m.qubits).map { (k >> $0) & 1 == 0 ? 1.0 : -1.0 }
    for i in 0..<m.qubits { e += m.h[i] * z[i] }
    for c in m.couplings { e += c.value * z[c.i] * z[c.j] }
    return e
}

@Suite("Ising models and the qubit register")
struct IsingModelTests {
    @Test("QUBO → Ising is exact on every configuration, offset included")
    func quboToIsing() throws {
        let q = try BinaryQuadraticModel(
            labels: ["a", "b", "c", "d"], vartype: .binary, linear: [1.5, -2, 0.25, 3],
            quadratic: [Coupling(0, 1, -1), Coupling(1, 2, 2.5), Coupling(3, 0, 0.75), Coupling(0, 1, 0.5)], offset: -1.25)
        #expect(q.quadratic.count == 3)  // (0,1) merged
        let ising = q.ising
        for k in 0..<16 {
            let z = ising.spins(of: k)
            let x = z.map { ($0 + 1) / 2 }  // dimod: x = (1 + z)/2
            #expect(abs(q.energy(x) - ising.energy(spins: z)) < 1e-13)
        }
        // and back
        let back = q.ising.bqm.converted(to: .binary)
        for k in 0..<16 {
            let x = (0..<4).map { (k >> $0) & 1 }
            #expect(abs(back.energy(x) - q.energy(x)) < 1e-13)
        }
    }

    @Test("the register diagonal and the Gray-code enumeration match the definition")
    func diagonalAndGround() throws {
        for seed in [1, 2, 3] as [UInt64] {
            let m = try spinGlass(qubits: 11, seed: seed)
            let d = try m.diagonal()
            var worst = 0.0
            for k in 0..<d.count { worst = max(worst, abs(d[k] - bruteEnergy(m, k))) }
            #expect(worst < 1e-12)
            let g = try m.groundStates()
            let minimum = d.min()!
            #expect(abs(g.energy - minimum) < 1e-12)
            #expect(g.states == d.indices.filter { d[$0] <= minimum + 1e-9 * m.energyScale })
        }
        // 18 qubits: several Gray-code blocks, both cores
        let big = try spinGlass(qubits: 18, seed: 7)
        let d = try big.diagonal()
        let g = try big.groundStates()
        #expect(abs(g.energy - d.min()!) < 1e-12)
        #expect(g.states.count == 1)
        #expect(abs(bruteEnergy(big, g.states[0]) - g.energy) < 1e-12)
    }

    @Test("a symmetric model has paired ground states")
    func symmetricGround() throws {
        let ferro = try IsingModel(h: [0, 0, 0, 0], couplings: [Coupling(0, 1, -1), Coupling(1, 2, -1), Coupling(2, 3, -1)])
        let g = try ferro.groundStates()
        #expect(g.energy == -3)
        #expect(g.states == [0, 15])
    }

    @Test("the matrix-free operator equals the dense matrix, in every sector")
    func operatorMatchesDense() throws {
        let n = 7
        let m = try spinGlass(qubits: n, seed: 11, fieldScale: 0)
        let d = try m.diagonal()
        let (a, b) = (0.37, 1.21)
        let op = try TransverseFieldOperator(model: m)
        let dim = 1 << n
        let rng = try RandomStream(seed: 5)
        let x = (0..<(2 * dim)).map { _ in rng.gaussian() }
        var y = [Double](repeating: 0, count: 2 * dim)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { op.applyComplex(a: a, b: b, xp, into: $0) } }
        for k in 0..<dim {
            var re = b * d[k] * x[2 * k]
            var im = b * d[k] * x[2 * k + 1]
            for q in 0..<n {
                re -= a * x[2 * (k ^ (1 << q))]
                im -= a * x[2 * (k ^ (1 << q)) + 1]
            }
            #expect(abs(re - y[2 * k]) < 1e-12 && abs(im - y[2 * k + 1]) < 1e-12)
        }
        // sectors: the spectra of even ∪ odd equal the full spectrum
        let h = try AnnealingHamiltonian(model: m)
        let full = try h.levels(a: a, b: b, count: dim).values
        let even = try h.levels(a: a, b: b, count: dim / 2, sector: .even).values
        let odd = try h.levels(a: a, b: b, count: dim / 2, sector: .odd).values
        let merged = (even + odd).sorted()
        for i in 0..<dim { #expect(abs(merged[i] - full[i]) < 1e-10) }
    }

    @Test("ARPACK levels match the dense solver on 10 qubits")
    func lanczosMatchesDense() throws {
        let m = try spinGlass(qubits: 10, seed: 3)
        let h = try AnnealingHamiltonian(model: m)
        let (a, b) = (0.6, 0.4)
        let lanczos = try h.levels(a: a, b: b, count: 4).values
        var matrix = [Double](repeating: 0, count: 1024 * 1024)
        let d = try m.diagonal()
        for k in 0..<1024 {
            matrix[k * 1024 + k] = b * d[k]
            for q in 0..<10 { matrix[k * 1024 + (k ^ (1 << q))] = -a }
        }
        let dense = try SymmetricEigensolver.solve(matrix: matrix, dimension: 1024).values
        for i in 0..<4 { #expect(abs(lanczos[i] - dense[i]) < 1e-9) }
    }

    @Test("fast sincos is within a few ulp of libm")
    func fastTrig() throws {
        let rng = try RandomStream(seed: 9)
        var worst = 0.0
        for _ in 0..<200_000 {
            let x = (rng.uniform() - 0.5) * 2000
            let (s, c) = FastTrig.sinCos(x)
            worst = max(worst, abs(s - sin(x)), abs(c - cos(x)))
        }
        for x in [0.0, -0.0, .pi / 4, .pi / 2, .pi, 1e5, -1e5 + 0.3] {
            let (s, c) = FastTrig.sinCos(x)
            worst = max(worst, abs(s - sin(x)), abs(c - cos(x)))
        }
        #expect(worst < 1e-15)
    }

    @Test("D-Wave units: A_GHz/2 of h·GHz is π·A_GHz rad/ns")
    func dwaveUnits() throws {
        let path = try AnnealingPath.dwave(s: [0, 0.5, 1], a: [4, 1, 0], b: [0.1, 2, 6], timeUnit: .us)
        let (a, b) = path.coefficients(at: 0.5)
        #expect(abs(a - 1000 * Double.pi * 1) < 1e-9)
        #expect(abs(b - 1000 * Double.pi * 2) < 1e-9)
    }
}

@Suite("Annealing evolution")
struct AnnealingEvolutionTests {
    /// Landau–Zener: `H(τ) = −(Δ/2)σx + (vτ/2)σz` for `τ ∈ [−τ_w, τ_w]` (one qubit, h = 1,
    /// a table path with constant A = Δ/2 and B linear), started in the ground state.
    /// For the infinite sweep the probability of leaving the ground state is
    /// `P = exp(−πΔ²/(2v))`.
    ///
    /// Finite-window error: in the adiabatic basis the coupling is `θ̇/2` with
    /// `tan θ = Δ/(vτ)`, `θ̇/2 ≈ Δ/(2vτ²)`, and the level splitting is `ω ≈ vτ`. The tail
    /// `|τ| > τ_w` changes the transition amplitude by `|∫ (θ̇/2)e^{i∫ω}| ≤ 2·(θ̇/2)/ω =
    /// Δ/(v²τ_w³)` (one integration by parts; `θ̇/ω` is monotone there), per end. So
    /// `|P_w − P| ≤ 2√P·δ + δ²`, `δ = 2Δ/(v²τ_w³)`. With `Δ = v = 1`, `τ_w = 100`:
    /// `δ = 2e-6`, bound `1.83e-6`. The integration adds ≲ 1e-8 at the tolerances used.
    @Test(
        "Landau–Zener sweep matches exp(−πΔ²/(2v)) within the finite-window bound",
        arguments: [EvolutionMethod.split4, .gsl(.rk8pd)])
    func landauZener(method: EvolutionMethod) throws {
        for (delta, v) in [(1.0, 1.0), (1.0, 3.0)] {
            let window = 100.0
            let s = (0...20).map { Double($0) / 20 }
            let path = try AnnealingPath.table(
                s: s, a: s.map { _ in delta / 2 }, b: s.map { v * (-window + 2 * window * $0) / 2 }, name: "landau-zener")
            let model = try IsingModel(h: [1], couplings: [])
            let h = try AnnealingHamiltonian(model: model, path: path)
            let problem = try AnnealingProblem(hamiltonian: h, totalTime: 2 * window)
            let result = try AnnealingEvolution.run(problem, method: method, options: .init(rtol: 1e-11, atol: 1e-12))
            #expect(result.succeeded)
            let exact = exp(-Double.pi * delta * delta / (2 * v))
            let d = 2 * delta / (v * v * pow(window, 3))
            let bound = 2 * exact.squareRoot() * d + d * d + 1e-8
            let observed = 1 - result.fidelity
            #expect(abs(observed - exact) < bound, "Δ=\(delta) v=\(v): 1−F = \(observed), LZ = \(exact), bound \(bound)")
        }
    }

    /// The propagators solve the same equation; each is run well inside its tolerance, so
    /// fidelities must agree to 1e-6 (the criterion), with margin.
    @Test("GSL steppers and split-operator propagators agree on 10 qubits")
    func propagatorsAgree() throws {
        let model = try spinGlass(qubits: 10, seed: 42)
        let h = try AnnealingHamiltonian(model: model)
        let problem = try AnnealingProblem(hamiltonian: h, totalTime: 8)
        let reference = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13))
        #expect(reference.succeeded)
        #expect(reference.normError < 1e-8)
        let cases: [(EvolutionMethod, EvolutionOptions)] = [
            (.split4, .init(rtol: 1e-10, atol: 0)),
            (.yoshida4, .init(rtol: 1e-10, atol: 0)),
            (.suzuki4, .init(rtol: 1e-10, atol: 0)),
            (.split2, .init(rtol: 1e-9, atol: 0)),
            (.gsl(.msadams), .init(rtol: 1e-10, atol: 1e-12)),
            (.gsl(.rkck), .init(rtol: 1e-10, atol: 1e-12)),
        ]
        for (method, options) in cases {
            let r = try AnnealingEvolution.run(problem, method: method, options: options)
            #expect(r.succeeded, "\(method)")
            #expect(abs(r.fidelity - reference.fidelity) < 1e-6, "\(method): \(r.fidelity) vs \(reference.fidelity)")
            #expect(abs(r.groundStateProbability - reference.groundStateProbability) < 1e-6)
            #expect(abs(r.finalEnergy - reference.finalEnergy) < 1e-5)
        }
        // A fidelity far from 0 and 1 makes the comparison meaningful.
        #expect(reference.fidelity > 0.05 && reference.fidelity < 0.99)
    }

    /// Registers above 2¹² amplitudes run the chunked kernels' high-qubit passes (and an
    /// odd number of them at 15 qubits): the split propagator must still match GSL.
    @Test("high-qubit passes: split4 matches rk8pd on 14 and 15 qubits", arguments: [14, 15])
    func largeRegister(qubits: Int) throws {
        let model = try spinGlass(qubits: qubits, seed: UInt64(qubits))
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), totalTime: 1.5)
        let a = try AnnealingEvolution.run(problem, method: .split4, options: .init(rtol: 1e-9, atol: 0))
        let b = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-10, atol: 1e-12))
        var diff = 0.0
        for i in 0..<a.finalState.count { diff += pow(a.finalState[i] - b.finalState[i], 2) }
        #expect(diff.squareRoot() < 1e-6, "state difference \(diff.squareRoot())")
        #expect(abs(a.fidelity - b.fidelity) < 1e-7)
    }

    @Test("the split-operator propagators converge at their order")
    func splitOrder() throws {
        let model = try spinGlass(qubits: 6, seed: 8)
        let h = try AnnealingHamiltonian(model: model)
        let problem = try AnnealingProblem(hamiltonian: h, schedule: .cosine, totalTime: 5)
        let reference = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-12, atol: 1e-14))
            .finalState
        for method in [EvolutionMethod.split2, .split4, .suzuki4, .yoshida4] {
            var errors: [Double] = []
            for steps in [40, 80] {
                let psi = try AnnealingEvolution.run(problem, method: method, options: .init(steps: steps)).finalState
                var e = 0.0
                for i in 0..<psi.count { e += (psi[i] - reference[i]) * (psi[i] - reference[i]) }
                errors.append(e.squareRoot())
            }
            let observed = log2(errors[0] / errors[1])
            #expect(abs(observed - Double(method.order)) < 0.3, "\(method): observed order \(observed)")
        }
    }

    @Test("implicit GSL steppers run on small registers and are refused on large ones")
    func implicitMethods() throws {
        let model = try spinGlass(qubits: 4, seed: 2)
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), totalTime: 3)
        let reference = try AnnealingEvolution.run(problem, method: .split4, options: .init(rtol: 1e-11, atol: 0))
        for method in [EvolutionMethod.gsl(.rk4imp), .gsl(.bsimp), .gsl(.msbdf)] {
            let r = try AnnealingEvolution.run(problem, method: method, options: .init(rtol: 1e-10, atol: 1e-12))
            #expect(abs(r.fidelity - reference.fidelity) < 1e-6, "\(method)")
        }
        let big = try AnnealingProblem(
            hamiltonian: try AnnealingHamiltonian(model: try spinGlass(qubits: 10, seed: 1)), totalTime: 1)
        #expect {
            _ = try AnnealingEvolution.run(big, method: .gsl(.bsimp))
        } throws: { error in
            guard let e = error as? InputError else { return false }
            return e.description.contains("bsimp") && e.description.contains("split4") && e.description.contains("rk8pd")
                && !e.hint.contains("msbdf")
        }
    }

    /// On a gapped instance the adiabatic theorem gives `1 − F = O((‖∂ₛH‖/(g²T))²)`.
    @Test("fidelity rises to 1 as the total time grows on a gapped instance")
    func adiabaticLimit() throws {
        // A ferromagnetic chain in a uniform field: unique ground state, gap open along the path.
        let n = 6
        let model = try IsingModel(
            h: [Double](repeating: -0.3, count: n), couplings: (0..<(n - 1)).map { Coupling($0, $0 + 1, -1) })
        let h = try AnnealingHamiltonian(model: model)
        let gap = try (0...20).map { try h.adiabaticGap(at: Double($0) / 20) }.min()!
        #expect(gap > 0.2)
        var infidelities: [Double] = []
        for T in [1.0, 4, 16, 64, 256] {
            let problem = try AnnealingProblem(hamiltonian: h, schedule: try .boundaryCancelling(order: 1), totalTime: T)
            let r = try AnnealingEvolution.run(problem, method: .split4, options: .init(rtol: 1e-10, atol: 0))
            infidelities.append(1 - r.fidelity)
            #expect(abs(r.fidelity - r.groundStateProbability) < 1e-12)  // A(1) = 0: same projector
        }
        for k in 1..<infidelities.count { #expect(infidelities[k] < infidelities[k - 1], "\(infidelities)") }
        #expect(infidelities.last! < 1e-4, "\(infidelities)")
        #expect(infidelities.first! > 0.1)
    }

    @Test("a symmetric spin glass keeps the spin-flip sector; its gap profile stays open")
    func symmetricInstance() throws {
        let model = try spinGlass(qubits: 8, seed: 4, fieldScale: 0)
        let h = try AnnealingHamiltonian(model: model)
        #expect(h.sectors != nil)
        #expect(h.problemGround.states.count == 2)
        let report = try AnnealingSpectrumReport.compute(hamiltonian: h, s: 1, levels: 3, profile: 11)
        #expect(report.gap < 1e-9)  // the exact pair at s = 1
        #expect((report.minAdiabaticGap ?? 0) > 0.01)
        let rc = try Schedule.rolandCerf(for: h, samples: 11)
        let problem = try AnnealingProblem(hamiltonian: h, schedule: rc, totalTime: 20)
        let a = try AnnealingEvolution.run(problem, method: .split4, options: .init(rtol: 1e-10, atol: 0))
        let b = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13))
        #expect(abs(a.fidelity - b.fidelity) < 1e-6)
    }

    /// With every hᵢ = 0 the run uses the even spin-flip sector (half the amplitudes, the
    /// top qubit's σx as the flip of all others). It must reproduce the full-register run.
    @Test("evolution in the even spin-flip sector equals the full-register evolution", arguments: [5, 15])
    func sectorEvolution(qubits: Int) throws {
        let model = try spinGlass(qubits: qubits, seed: 21, fieldScale: 0)
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), schedule: .cosine, totalTime: 3)
        for method in [EvolutionMethod.split4, .gsl(.rk8pd)] + (qubits <= 8 ? [EvolutionMethod.gsl(.rk4imp)] : []) {
            var options = EvolutionOptions(rtol: 1e-10, atol: 1e-12, trajectorySamples: 3)
            let sector = try AnnealingEvolution.run(problem, method: method, options: options)
            options.useSymmetry = false
            let full = try AnnealingEvolution.run(problem, method: method, options: options)
            #expect(sector.sector == "even" && full.sector == "full")
            var diff = 0.0
            for i in 0..<full.finalState.count { diff += pow(full.finalState[i] - sector.finalState[i], 2) }
            #expect(diff.squareRoot() < 1e-7, "\(method): \(diff.squareRoot())")
            #expect(abs(full.fidelity - sector.fidelity) < 1e-8)
            #expect(abs(full.finalEnergy - sector.finalEnergy) < 1e-7)
            for (a, b) in zip(full.trajectory!, sector.trajectory!) { #expect(abs(a.energy - b.energy) < 1e-7) }
        }
    }

    @Test("reverse annealing from a classical state; trajectory records each sample")
    func reverseAnneal() throws {
        let model = try spinGlass(qubits: 5, seed: 12)
        let h = try AnnealingHamiltonian(model: model)
        let schedule = try Schedule.piecewiseLinear(r: [0, 0.3, 0.7, 1], u: [1, 0.45, 0.45, 1], name: "reverse")
        let start = model.spins(of: h.problemGround.states[0] ^ 1)  // an excited classical state
        let problem = try AnnealingProblem(hamiltonian: h, schedule: schedule, totalTime: 30, initialSpins: start)
        let options = EvolutionOptions(rtol: 1e-10, atol: 0, trajectorySamples: 10, trajectorySpectrum: true)
        let a = try AnnealingEvolution.run(problem, method: .split4, options: options)
        let b = try AnnealingEvolution.run(
            problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13, trajectorySamples: 10))
        #expect(a.trajectory?.count == 11)
        #expect(abs(a.fidelity - b.fidelity) < 1e-6)
        #expect(a.trajectory?.first?.targetProbability == 0)
        for (p, q) in zip(a.trajectory!, b.trajectory!) { #expect(abs(p.targetProbability - q.targetProbability) < 1e-6) }
        #expect(a.trajectory!.allSatisfy { $0.gap != nil && $0.instantaneousFidelity != nil })
    }
}

@Suite("Hamiltonian coefficients are bounded")
struct CoefficientBoundTests {
    @Test("a field or coupling beyond ±1e15 is refused, naming it; ±1e15 itself is accepted")
    func bound() throws {
        #expect(throws: InputError.self) { _ = try IsingModel(h: [0, 0], couplings: [Coupling(0, 1, -1e308)]) }
        #expect(throws: InputError.self) { _ = try IsingModel(h: [1e16, 0], couplings: [Coupling(0, 1, 1)]) }
        _ = try IsingModel(h: [1e15, 0], couplings: [Coupling(0, 1, -1e15)])
        do {
            _ = try IsingModel(h: [0, 0], couplings: [Coupling(0, 1, 2e15)])
        } catch let e as InputError {
            #expect(e.location == "quadratic[0]" && e.hint.contains("rescale"))
        }
    }
}
