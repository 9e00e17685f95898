import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

/// The Grover oracle `1 − |m⟩⟨m|` on `n` qubits with the projector driver on the linear path.
func groverHamiltonian(qubits n: Int, marked: Int) throws -> AnnealingHamiltonian {
    try AnnealingHamiltonian(
        model: try IsingModel(h: [Double](repeating: 0, count: n), couplings: [], offset: 1),
        path: AnnealingPath.linear.with(driver: .projector), diagonalTerms: [DiagonalTerm(state: marked, value: -1)])
}

/// Roland & Cerf's gap of the search Hamiltonian, `√(1 − 4(1 − 1/N)s(1 − s))`.
func groverGap(_ s: Double, states N: Double) -> Double { (1 - 4 * (1 - 1 / N) * s * (1 - s)).squareRoot() }

@Suite("Projector driver 1 − |+⟩⟨+| and diagonal terms")
struct ProjectorDriverTests {
    /// The matrix-free apply against the dense matrix `a(1 − |+⟩⟨+|) + b·diag(E)` built from
    /// its definition, on the whole register and (for a flip-symmetric model) on both sectors,
    /// where `|+⟩` is the uniform even-sector vector and the odd sector does not see it.
    /// Rounding only: 1e-12.
    @Test("the matrix-free projector driver equals its dense matrix, full register and sectors")
    func applyAgainstDense() throws {
        let model = try spinGlass(qubits: 5, seed: 3, fieldScale: 0)
        let h = try AnnealingHamiltonian(model: model, path: AnnealingPath.linear.with(driver: .projector))
        #expect(h.sectors != nil)
        let (a, b) = (0.7, 0.45)
        let diagonal = try model.diagonal()
        let n = diagonal.count
        let rng = try RandomStream(seed: 11)
        let x = (0..<n).map { _ in rng.gaussian() }
        let mean = x.reduce(0, +) / Double(n)
        // a(x − ⟨+|x⟩|+⟩) + b E x, ⟨+|x⟩|+⟩ = mean(x)·1
        let expected = (0..<n).map { a * (x[$0] - mean) + b * diagonal[$0] * x[$0] }
        var y = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { h.register.apply(a: a, b: b, xp, into: $0) } }
        #expect(zip(y, expected).map { abs($0 - $1) }.max()! < 1e-12)
        // Complex apply and −iH on interleaved vectors.
        let z = (0..<(2 * n)).map { _ in rng.gaussian() }
        var w = [Double](repeating: 0, count: 2 * n)
        var v = w
        z.withUnsafeBufferPointer { zp in
            w.withUnsafeMutableBufferPointer { h.register.applyComplex(a: a, b: b, zp, into: $0) }
            v.withUnsafeMutableBufferPointer { h.register.applyMinusI(a: a, b: b, zp, into: $0) }
        }
        for part in 0..<2 {
            let xs = (0..<n).map { z[2 * $0 + part] }
            let m = xs.reduce(0, +) / Double(n)
            for k in 0..<n {
                let e = a * (xs[k] - m) + b * diagonal[k] * xs[k]
                #expect(abs(w[2 * k + part] - e) < 1e-12)
            }
        }
        for k in 0..<n {  // −i(re + i im) = im − i re
            #expect(abs(v[2 * k] - w[2 * k + 1]) < 1e-12 && abs(v[2 * k + 1] + w[2 * k]) < 1e-12)
        }
        // Sectors: the even and odd levels together are the register's.
        let full = try h.levels(a: a, b: b, count: n).values
        let even = try h.levels(a: a, b: b, count: n / 2, sector: .even).values
        let odd = try h.levels(a: a, b: b, count: n / 2, sector: .odd).values
        #expect(zip(full, (even + odd).sorted()).map { abs($0 - $1) }.max()! < 1e-11)
    }

    /// Roland & Cerf: the two levels in span{|m⟩, |+⟩} are `(1 ± g(s))/2` and every other
    /// level is `A + B = 1`. Dense (n = 6) and Lanczos (n = 10) solves must give them to
    /// 1e-9 (ARPACK's tolerance 1e-10 relative); at s = 1 (A = 0) the levels are exact.
    @Test("Grover levels are (1 ± g(s))/2 with g = √(1 − 4(1 − 1/N)s(1 − s))", arguments: [6, 10])
    func groverLevels(qubits n: Int) throws {
        let h = try groverHamiltonian(qubits: n, marked: 5)
        let N = Double(1 << n)
        for s in [0.0, 0.2, 0.5, 0.73, 0.95, 1.0] {
            let levels = try h.spectrum(at: s, count: 3)
            let g = groverGap(s, states: N)
            #expect(abs(levels[0] - (1 - g) / 2) < 1e-9, "n = \(n), s = \(s): \(levels)")
            #expect(abs(levels[1] - (1 + g) / 2) < 1e-9, "n = \(n), s = \(s): \(levels)")
            #expect(abs(levels[2] - 1) < 1e-9, "n = \(n), s = \(s): \(levels)")
            #expect(abs(try h.adiabaticGap(at: s) - g) < 1e-9)
        }
    }

    /// The split-operator step uses the exact exponential of the projector; the GSL stepper
    /// integrates the same equation with the matrix-free apply. They must agree to the
    /// tolerance of the comparison in docs/evolution.md (1e-6 in fidelity), stay unitary, and
    /// both leave the uniform superposition's probability of `m` at 1/N for T → 0.
    @Test("split4 and rk8pd agree on a projector-driver run, and split4 is unitary")
    func splitAgainstGSL() throws {
        let h = try groverHamiltonian(qubits: 6, marked: 41)
        let problem = try AnnealingProblem(hamiltonian: h, schedule: .linear, totalTime: 30)
        let split = try AnnealingEvolution.run(problem, method: .split4, options: EvolutionOptions(rtol: 1e-9, atol: 0))
        let gsl = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: EvolutionOptions(rtol: 1e-10, atol: 1e-12))
        #expect(split.succeeded && gsl.succeeded)
        #expect(abs(split.fidelity - gsl.fidelity) < 1e-6, "\(split.fidelity) vs \(gsl.fidelity)")
        #expect(split.normError < 1e-12)
        #expect(split.fidelity > 0.2 && split.fidelity < 0.99)  // a non-trivial run
        let instant = try AnnealingEvolution.run(
            AnnealingProblem(hamiltonian: h, schedule: .linear, totalTime: 1e-6), method: .split4)
        #expect(abs(instant.fidelity - 1.0 / 64) < 1e-9)
    }

    /// The flip-symmetric spin glass with the projector driver: evolution in the even sector
    /// (|+⟩ lies there) equals the full-register run.
    @Test("projector driver in the even spin-flip sector equals the full register")
    func sectorEvolution() throws {
        let h = try AnnealingHamiltonian(
            model: try spinGlass(qubits: 6, seed: 5, fieldScale: 0), path: AnnealingPath.linear.with(driver: .projector))
        let problem = try AnnealingProblem(hamiltonian: h, schedule: .cosine, totalTime: 12)
        let sector = try AnnealingEvolution.run(problem, method: .split4, options: EvolutionOptions(rtol: 1e-9, atol: 0))
        var fullOptions = EvolutionOptions(rtol: 1e-9, atol: 0)
        fullOptions.useSymmetry = false
        let full = try AnnealingEvolution.run(problem, method: .split4, options: fullOptions)
        #expect(sector.sector == "even" && full.sector == "full")
        #expect(abs(sector.fidelity - full.fidelity) < 1e-7)
    }

    /// With 8 equally spaced samples s = 0.5 is not a sample point; the refinement must find
    /// the Grover minimum 1/√N (within the 2% interpolation tolerance) and match the closed
    /// form at every point it sampled.
    @Test("the adaptively refined gap profile resolves Grover's narrow minimum")
    func refinedProfile() throws {
        let n = 10
        let h = try groverHamiltonian(qubits: n, marked: 300)
        let N = Double(1 << n)
        let coarse = try h.adiabaticGapProfile(samples: 8)
        #expect(coarse.gap.min()! > 3 / N.squareRoot())  // the coarse grid misses the dip
        let refined = try h.adiabaticGapProfile(samples: 8, relativeTolerance: 0.02)
        #expect(refined.s.count > coarse.s.count)
        #expect(refined.gap.min()! < 1.05 / N.squareRoot())
        for (s, g) in zip(refined.s, refined.gap) { #expect(abs(g - groverGap(s, states: N)) < 1e-9) }
        let schedule = try Schedule.rolandCerf(for: h, samples: 8, relativeTolerance: 0.02)
        // ds/dr ∝ g²: the rate at s = ½ is (g_min/g(0))² = 1/N times the rate at the start
        // (up to the 2% interpolation error in g, 4% in g²).
        let r0 = schedule.rate(at: 0)
        let rMid = schedule.rate(at: 0.5)
        #expect(rMid / r0 < 1.1 / N)
    }

    @Test("diagonal terms: added to H_P, switch the sectors off, and bad terms are refused")
    func diagonalTerms() throws {
        let model = try spinGlass(qubits: 4, seed: 2, fieldScale: 0)
        let plain = try AnnealingHamiltonian(model: model)
        let marked = try AnnealingHamiltonian(model: model, diagonalTerms: [DiagonalTerm(state: 6, value: -10)])
        #expect(plain.sectors != nil && marked.sectors == nil)
        #expect(marked.problemGround.states == [6])
        #expect(abs(marked.register.diagonal[6] - (plain.register.diagonal[6] - 10)) < 1e-12)
        #expect(throws: InputError.self) {
            try AnnealingHamiltonian(model: model, diagonalTerms: [DiagonalTerm(state: 16, value: 1)])
        }
        #expect(throws: InputError.self) {
            try AnnealingHamiltonian(model: model, diagonalTerms: [DiagonalTerm(state: 1, value: .nan)])
        }
        // A = 0: levels straight from the diagonal (with vectors), lowest first, ties by index.
        let levels = try marked.levels(a: 0, b: 2, count: 3, vectors: true)
        let sorted = marked.register.diagonal.map { 2 * $0 }.sorted()
        #expect(zip(levels.values, sorted.prefix(3)).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(levels.vector(0)?[6] == 1)
    }
}
