import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("register kernels: cache-blocked sweeps and in-place step doubling")
struct RegisterKernelTests {
    /// With `H_P = 0` every factor of a split step commutes, and the split4 weights integrate the
    /// linear `A(s) = 1 − s` exactly, so from `|0…0⟩` the state is exactly
    /// `Πᵢ(cos α + i sin α σxᵢ)|0…0⟩` with `α = ∫A dτ = T/2`: amplitude
    /// `cos^{n−w}α·(i sin α)^w` for a basis state of `w` flipped spins. On 21 qubits the 9 high
    /// qubits take two cache-blocked sweeps (5 + 4), so every group and block offset is checked.
    @Test("a field-free register rotates exactly through two high-qubit sweeps (21 qubits)")
    func fieldFreeRotation() throws {
        let n = 21
        let path = AnnealingPath.linear
        #expect(path.coefficients(at: 0.25) == (a: 0.75, b: 0.25))
        let model = try IsingModel(h: [Double](repeating: 0, count: n), couplings: [])
        let T = 1.3
        let problem = try AnnealingProblem(
            hamiltonian: try AnnealingHamiltonian(model: model, path: path), totalTime: T,
            initialSpins: [Int](repeating: 1, count: n))
        let result = try AnnealingEvolution.run(problem, method: .split4, options: EvolutionOptions(steps: 3))
        let alpha = T / 2
        let (c, s) = (cos(alpha), sin(alpha))
        // (i s)^w = s^w · i^w
        var worst = 0.0
        for k in 0..<(1 << n) {
            let w = k.nonzeroBitCount
            let magnitude = pow(c, Double(n - w)) * pow(s, Double(w))
            let (re, im): (Double, Double) =
                switch w % 4 {
                case 0: (magnitude, 0)
                case 1: (0, magnitude)
                case 2: (-magnitude, 0)
                default: (0, -magnitude)
                }
            worst = max(worst, abs(result.finalState[2 * k] - re), abs(result.finalState[2 * k + 1] - im))
        }
        // amplitudes ≤ cos^21(0.65) ≈ 0.01; ~30 rounded factors per amplitude
        #expect(worst < 1e-14, "largest amplitude error \(worst)")
    }

    /// Step doubling keeps the half steps in place and undoes a rejected step by the inverse of
    /// the big step; the run must still match a tight GSL reference (the same bound as the
    /// 14-qubit comparison: state difference below 1e-6 at split rtol 1e-9), and it must reject.
    @Test("rejected steps are undone in place: split4 with rejections matches rk8pd")
    func rejectionsUndone() throws {
        let model = try spinGlass(qubits: 8, seed: 8)
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), totalTime: 4)
        var options = EvolutionOptions(rtol: 1e-9, atol: 0)
        options.inPlaceStepDoublingFrom = 0  // in place at any size (by default from 2^20 amplitudes)
        let a = try AnnealingEvolution.run(problem, method: .split4, options: options)
        let b = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13))
        #expect(a.statistics.rejectedSteps > 0)
        var diff = 0.0
        for i in 0..<a.finalState.count { diff += pow(a.finalState[i] - b.finalState[i], 2) }
        #expect(diff.squareRoot() < 1e-6, "state difference \(diff.squareRoot())")
        #expect(a.normError < 1e-12)
    }

    /// Step doubling on a large register keeps no second vector: the distance of the big step
    /// from the half steps comes from a 64-bucket random sketch (``StateSketch``). The run at the
    /// default tolerance must match the run that keeps the exact copies to the accuracy the
    /// tolerance asks for (both are within `rtol` per step of the exact propagator).
    @Test("sketched step doubling (no second vector) agrees with the exact-copy run")
    func sketchedAgreesWithCopies() throws {
        let model = try spinGlass(qubits: 10, seed: 3)
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), totalTime: 6)
        var sketched = EvolutionOptions(rtol: 1e-8, atol: 0)
        sketched.inPlaceStepDoublingFrom = 0
        var copies = sketched
        copies.inPlaceStepDoublingFrom = Int.max
        let a = try AnnealingEvolution.run(problem, method: .split4, options: sketched)
        let b = try AnnealingEvolution.run(problem, method: .split4, options: copies)
        let reference = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-12, atol: 1e-14))
        func distance(_ x: [Double], _ y: [Double]) -> Double {
            var d = 0.0
            for i in 0..<x.count { d += pow(x[i] - y[i], 2) }
            return d.squareRoot()
        }
        // the step counts come from estimates of the same quantity: within 20% of each other
        #expect(abs(Double(a.statistics.steps - b.statistics.steps)) <= 0.2 * Double(b.statistics.steps))
        // global error ≲ steps × rtol (each accepted step's local error ≤ rtol·‖ψ‖)
        let bound = Double(max(a.statistics.steps, b.statistics.steps)) * 1e-8
        #expect(distance(a.finalState, reference.finalState) < bound, "sketched: \(distance(a.finalState, reference.finalState))")
        #expect(distance(b.finalState, reference.finalState) < bound, "copies: \(distance(b.finalState, reference.finalState))")
        #expect(a.normError < 1e-12)
    }

    /// A difference on one amplitude lands in one bucket with `|r(k)|² = 2` (unnormalised
    /// `a + ib`), so the estimate is exact, whatever the bucket and the signs.
    @Test("the sketch of a one-amplitude difference gives its norm exactly")
    func sketchOneAmplitude() throws {
        let rng = try RandomStream(seed: 11)
        let psi = (0..<(2 * 1000)).map { _ in rng.gaussian() }
        for (k, seed) in [(0, UInt64(1)), (517, 2), (999, 3)] {
            var phi = psi
            phi[2 * k] += 3e-4
            phi[2 * k + 1] -= 4e-4
            let z = psi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed) }
            let w = phi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed) }
            let d = StateSketch.distance(z, w)
            // each z_m is a sum of 1000 terms of size ~1: rounding ~1e-13 against 5e-4
            #expect(abs(d - 5e-4) < 1e-9, "estimate \(d) for k = \(k)")
        }
    }

    /// A difference spread over every amplitude: over 200 seeds the mean squared estimate is
    /// `‖d‖²` within 4 standard deviations (relative at most 1/√(64·200)), and no single estimate
    /// is off by more than 40% (with 64 buckets of ~64 amplitudes each the squared ratio is about
    /// Gamma(64)/64: below 0.36 or above 1.96 with probability < 1e-9).
    @Test("the sketch estimates a spread difference without bias, within its variance")
    func sketchSpread() throws {
        let rng = try RandomStream(seed: 12)
        let count = 1 << 12
        let psi = (0..<(2 * count)).map { _ in rng.gaussian() / Double(count).squareRoot() }
        var phi = psi
        var norm2 = 0.0
        for i in 0..<phi.count {
            let d = 1e-7 * rng.gaussian() / Double(count).squareRoot() * (i % 3 == 0 ? 3 : 1)
            phi[i] += d
            norm2 += d * d
        }
        var mean = 0.0
        var worst = 0.0
        let seeds = 200
        for seed in 0..<UInt64(seeds) {
            let z = psi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed &* 7919) }
            let w = phi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed &* 7919) }
            let e = StateSketch.distance(z, w)
            mean += e * e / norm2 / Double(seeds)
            worst = max(worst, abs(e / norm2.squareRoot() - 1))
        }
        let sigma = 1 / Double(StateSketch.probes * seeds).squareRoot()
        #expect(abs(mean - 1) < 4 * sigma, "mean squared ratio \(mean)")
        #expect(worst < 0.4, "worst ratio off by \(worst)")
    }

    /// One split factor by the plainest route: `e^{−iβE_k}` with libm per amplitude, then
    /// `(cos α + i sin α σx)` qubit by qubit on every pair (in a sector the top qubit as `±` the
    /// flip of all vector bits), or for the projector `e^{−iα(1 − P)}` from its definition.
    static func referenceFactor(_ psi: [Double], _ op: TransverseFieldOperator, beta: Double, alpha: Double) -> [Double] {
        var v = psi
        let dim = op.dimension
        for k in 0..<dim {
            let (c, s) = (cos(beta * op.diagonal[k]), sin(beta * op.diagonal[k]))
            let (re, im) = (v[2 * k], v[2 * k + 1])
            v[2 * k] = re * c + im * s
            v[2 * k + 1] = im * c - re * s
        }
        if op.driver == .projector {
            // e^{−iα}ψ + (1 − e^{−iα})⟨u|ψ⟩u, u uniform (amplitude 2^{−n/2} per full-register entry)
            let u = 1 / Double(dim).squareRoot()
            var (or, oi) = (0.0, 0.0)
            for k in 0..<dim {
                or += u * v[2 * k]
                oi += u * v[2 * k + 1]
            }
            let (c, s) = (cos(alpha), sin(alpha))
            let (ar, ai) = ((1 - c) * or - s * oi, (1 - c) * oi + s * or)  // (1 − e^{−iα})⟨u|ψ⟩
            for k in 0..<dim {
                let (re, im) = (v[2 * k], v[2 * k + 1])
                v[2 * k] = c * re + s * im + u * ar
                v[2 * k + 1] = c * im - s * re + u * ai
            }
            return v
        }
        let (c, s) = (cos(alpha), sin(alpha))
        func rotate(_ a: Int, _ b: Int, _ sign: Double) {
            let (ur, ui, wr, wi) = (v[2 * a], v[2 * a + 1], v[2 * b], v[2 * b + 1])
            v[2 * a] = c * ur - sign * s * wi
            v[2 * a + 1] = c * ui + sign * s * wr
            v[2 * b] = c * wr - sign * s * ui
            v[2 * b + 1] = c * wi + sign * s * ur
        }
        let free = op.sector == .full ? op.qubits : op.qubits - 1
        for q in 0..<free {
            for k in 0..<dim where k & (1 << q) == 0 { rotate(k, k | (1 << q), 1) }
        }
        if op.sector != .full {
            for k in 0..<(dim / 2) { rotate(k, dim - 1 - k, op.sector == .even ? 1 : -1) }
        }
        return v
    }

    /// The production kernels (chunks of 2^12 amplitudes, two qubits at a time on quadruples,
    /// cache-blocked sweeps of up to 8 high qubits, the factorised phase) against the plain
    /// reference on a random normalised state: equal to rounding (each amplitude passes through
    /// ~n rotations and a few phase products, ~1e-15 each), for registers below, at and above
    /// the chunk size, odd and even, both rotation forms (tangent for |cos α| ≥ 1/4), the spin-flip
    /// sectors and the projector driver.
    @Test(
        "one split factor by the blocked kernels equals the plain reference on a random state",
        arguments: [1, 2, 5, 12, 13, 15, 21])
    func kernelsMatchReference(qubits n: Int) throws {
        let rng = try RandomStream(seed: UInt64(100 + n))
        let model = try spinGlass(qubits: n, seed: UInt64(n), fieldScale: n % 2 == 1 ? 0 : 0.5)
        var cases: [(TransverseFieldOperator, IsingModel?)] = [
            (try TransverseFieldOperator(model: model), nil), (try TransverseFieldOperator(model: model), model),
        ]
        if n >= 2 && n <= 15 && model.hasSpinFlipSymmetry {
            for sector in [SpinFlipSector.even, .odd] {
                cases.append((try TransverseFieldOperator(model: model, sector: sector), model))
            }
        }
        if n <= 13 {
            let diagonal = try model.diagonal()
            cases.append((try TransverseFieldOperator(qubits: n, diagonal: diagonal, driver: .projector), model))
        }
        for (op, phaseModel) in cases {
            var psi = (0..<(2 * op.dimension)).map { _ in rng.gaussian() }
            let norm = psi.reduce(0) { $0 + $1 * $1 }.squareRoot()
            psi = psi.map { $0 / norm }
            // tangent form for |cos α| ≥ 1/4 (0.3, 1.1, −0.2), the (c, s) form beyond (1.45)
            for (beta, alpha) in [(0.7, 0.3), (-1.3, 1.1), (0.0, -0.2), (0.45, 0.0), (0.2, 1.45)] {
                var fast = psi
                op.splitFactor(&fast, beta: beta, alpha: alpha, model: phaseModel)
                let slow = Self.referenceFactor(psi, op, beta: beta, alpha: alpha)
                var diff = 0.0
                for i in 0..<fast.count { diff += pow(fast[i] - slow[i], 2) }
                #expect(
                    diff.squareRoot() < 1e-13,
                    "n = \(n), \(op.sector), \(op.driver), factorised phase \(phaseModel != nil), β = \(beta), α = \(alpha): \(diff.squareRoot())"
                )
            }
        }
    }
}
