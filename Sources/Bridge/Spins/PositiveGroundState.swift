import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// Accuracy controls of ``SpinFlipHamiltonian/positiveGroundState(context:options:)``.
public struct GroundStateOptions: Sendable, Equatable {
    /// Stop refining when the eigen-equation residual (see ``PositiveGroundState/residual``)
    /// is below `tolerance × scale` (`scale` = ``SpinFlipHamiltonian/scale``).
    public var tolerance: Double = 1e-14
    /// Maximum refinement sweeps; nil: `8n + 64`.
    public var maxSweeps: Int? = nil
    /// Lanczos settings. ARPACK's relative tolerance 1e-14 (not 0, i.e. machine epsilon, which
    /// costs ~3× the restarts): the refinement restores full precision componentwise.
    public var lanczos: LanczosOptions = LanczosOptions(tolerance: 1e-14)
    /// Also compute the gap `E₁ − E₀` (one more level per sector).
    public var gap: Bool = false
    /// A starting guess `log ψ` (full register, e.g. the ground state at a nearby point of a
    /// path): it starts the Lanczos iteration, which then needs far fewer restarts.
    public var start: [Double]? = nil

    public init(
        tolerance: Double = 1e-14, maxSweeps: Int? = nil, lanczos: LanczosOptions = LanczosOptions(tolerance: 1e-14),
        gap: Bool = false
    ) {
        self.tolerance = tolerance
        self.maxSweeps = maxSweeps
        self.lanczos = lanczos
        self.gap = gap
    }
}

/// The positive ground state `ψ₀ > 0` of a stoquastic (in some gauge) spin Hamiltonian,
/// stored as `log ψ₀` with every component accurate *relative to itself*.
///
/// The amplitudes of an annealing ground state span hundreds of orders of magnitude near the
/// end of the path (`ψ₀(x) ~ (A/ΔE)^{d(x)}` at Hamming distance `d` from the classical ground
/// state). A Lanczos vector is accurate only to `ε·‖ψ₀‖` in each component, so its small
/// components — and the concrete score built from them — would be noise. The refinement
/// below restores componentwise relative accuracy.
public struct PositiveGroundState: Sendable {
    public let qubits: Int
    /// `E₀ = d_min + E₀'`.
    public var energy: Double { energyShift + relativeEnergy }
    /// `d_min`, the smallest diagonal entry.
    public let energyShift: Double
    /// `E₀' = E₀ − d_min ≤ 0`, held with relative precision (``energy`` rounds it to the
    /// precision of `d_min`).
    public let relativeEnergy: Double
    /// `log ψ̃₀(x)` with `ψ̃₀ = G ψ₀ > 0` the ground state in the stoquastic gauge `G`,
    /// normalised `Σ ψ̃₀² = 1`.
    public let logAmplitude: [Double]
    /// The gauge `G` (identity when `H` is stoquastic as written).
    public let gauge: SpinGauge
    /// Move masks `T` and weights `|c_T|` of the Hamiltonian's off-diagonal terms.
    public let moves: [Int]
    public let weights: [Double]
    /// `max_x |Σ_T |c_T| ψ̃₀(x⊕T)/ψ̃₀(x) − (d(x) − E₀)|`: how well `ψ̃₀` solves its own
    /// eigen-equation, state by state. This is exactly the round-trip error of
    /// `H → concrete score → Score Hamiltonian` against `H − E₀` (docs/theory.md §4).
    public let residual: Double
    /// Refinement sweeps used.
    public let sweeps: Int
    /// `E₁ − E₀` (whole register) when requested.
    public let gap: Double?
    /// The sector the Lanczos solve used (`even` when the spin flip is a symmetry).
    public let sector: SpinFlipSector

    /// The law `p = ψ₀²` (gauge-invariant).
    public func law() throws -> SpinDistribution {
        try SpinDistribution(qubits: qubits, logWeights: logAmplitude.map { 2 * $0 })
    }

    /// `ψ₀(x)` in the original frame (`g(x)·ψ̃₀(x)`).
    public func amplitude(_ x: Int) -> Double { gauge.sign(of: x) * exp(logAmplitude[x]) }
}

extension SpinFlipHamiltonian {
    /// The positive ground state, via an exact eigen-solve and a componentwise refinement.
    ///
    /// 1. The gauge `G` from ``stoquasticGauge(context:)`` (throws on a sign problem or a
    ///    disconnected register) turns `H` into `H̃ = GHG` with every `c̃_T = −|c_T|`.
    /// 2. The diagonal is shifted by its minimum `d_min` (`d' = d − d_min ≥ 0`, so that
    ///    `E₀' = E₀ − d_min` is small and held with relative precision near the end of an
    ///    anneal, where `d'(x_g) − E₀' ~ A²` at the classical ground state `x_g`).
    /// 3. The lowest eigenpair of `H̃'` from GSL (dense, ≤ 256 states) or ARPACK, in the even
    ///    spin-flip sector when the diagonal is flip-symmetric (the positive ground state is
    ///    flip-even by Perron–Frobenius, and the sector solve cannot confuse it with the odd
    ///    level that becomes exponentially close at the end of an anneal).
    /// 4. Refinement: the eigen-equation of a positive ground state is the fixed point
    ///    `ψ(x) = Σ_T |c_T| ψ(x ⊕ T) / (d'(x) − E₀')`, a map with positive entries
    ///    (`d'(x) > E₀'` for every `x` since `ψ > 0`). Iterated in log space it involves only
    ///    sums of positive numbers, so every component converges to full *relative*
    ///    accuracy: in relative terms each sweep averages a state's error over its
    ///    neighbours, and accuracy spreads from the large components one flip per sweep.
    ///    After each sweep `E₀'` is re-estimated by the Rayleigh quotient
    ///    `(Σ d'ψ² − Σ_x ψ(x) Σ_T |c_T| ψ(x⊕T)) / Σ ψ²`, whose sums are positive and of the
    ///    size of `E₀'` itself. This matters: the map's Perron root moves with `E₀'` at the
    ///    rate `1/⟨ψ|d' − E₀'|ψ⟩ ~ 1/A²`, so an `E₀` good only to `ε·‖H‖` (any eigen-solver's
    ///    absolute accuracy) would leave a residual `~ ε‖H‖/A²` at the end of the path.
    ///    Sweeps stop at `tolerance × scale` or when the residual stops decreasing; the best
    ///    iterate is kept and its residual reported.
    public func positiveGroundState(context: String, options: GroundStateOptions = GroundStateOptions()) throws
        -> PositiveGroundState
    {
        let gauge = try stoquasticGauge(context: context)
        let dMin = diagonal.min() ?? 0
        let stoquastic = gauged(gauge).shifted(by: -dMin)
        let sector: SpinFlipSector = hasSpinFlipSymmetry ? .even : .full
        let count = options.gap && !hasSpinFlipSymmetry ? 2 : 1
        var lanczos = options.lanczos
        if let start = options.start, start.count == dimension, start.allSatisfy({ $0.isFinite }) {
            let top = start.max() ?? 0
            let full = start.map { exp($0 - top) }
            lanczos.initialVector = sector == .full ? full : Array(full.prefix(dimension / 2))
        }
        let system = try stoquastic.lowest(count: count, sector: sector, vectors: true, options: lanczos)
        guard let slice = system.vector(0) else {
            throw GSLError(code: -1, routine: "positiveGroundState", message: "the eigen-solver returned no vector")
        }
        var gap: Double? = nil
        if options.gap {
            if hasSpinFlipSymmetry {
                let even = try stoquastic.lowest(count: 2, sector: .even, options: options.lanczos).values
                let odd = try stoquastic.lowest(count: 1, sector: .odd, options: options.lanczos).values
                gap = min(even.count > 1 ? even[1] : .infinity, odd[0]) - even[0]
            } else if system.values.count > 1 {
                gap = system.values[1] - system.values[0]
            }
        }
        var v = sector.embed(slice, qubits: stoquastic.qubits)
        if v.reduce(0, +) < 0 { v = v.map { -$0 } }
        let top = v.reduce(0) { max($0, abs($1)) }
        // Start from |v| (components lost in rounding get a tiny placeholder; refinement
        // replaces them from their neighbours).
        let floor = top * 1e-300
        var phi = v.map { log(max(abs($0), floor)) }

        let moves = stoquastic.terms.map(\.mask)
        let weights = stoquastic.terms.map { abs($0.coefficient) }
        var e0 = system.values[0]
        let refined = Self.refine(
            phi: &phi, energy: &e0, shiftedDiagonal: stoquastic.diagonal, moves: moves, weights: weights,
            tolerance: options.tolerance * scale, maxSweeps: options.maxSweeps ?? (8 * qubits + 64))
        // Normalise Σψ² = 1.
        let m = phi.max() ?? 0
        var s = 0.0
        for x in phi { s += exp(2 * (x - m)) }
        let shift = m + 0.5 * log(s)
        for i in phi.indices { phi[i] -= shift }
        return PositiveGroundState(
            qubits: qubits, energyShift: dMin, relativeEnergy: e0, logAmplitude: phi, gauge: gauge, moves: moves,
            weights: weights, residual: refined.residual, sweeps: refined.sweeps, gap: gap, sector: sector)
    }

    /// The refinement sweeps of ``positiveGroundState(context:options:)`` on the shifted
    /// diagonal `d' ≥ 0`. On return `phi` and `e0` hold the iterate with the smallest residual.
    static func refine(
        phi: inout [Double], energy e0: inout Double, shiftedDiagonal diagonal: [Double], moves: [Int], weights: [Double],
        tolerance: Double, maxSweeps: Int
    ) -> (residual: Double, sweeps: Int) {
        let size = phi.count
        var next = [Double](repeating: 0, count: size)
        var best = phi
        var bestEnergy = e0
        var bestResidual = Double.infinity
        var stalled = 0
        var sweeps = 0
        var mixed = false
        let termCount = moves.count
        let chunkSize = 1 << 13
        let chunks = (size + chunkSize - 1) / chunkSize
        // Per chunk: max residual, Σ d'ψ², Σ ψ·Wψ, Σ ψ² (ψ = e^{φ − max φ}).
        var partial = [Double](repeating: 0, count: 4 * chunks)
        while true {
            let energy = e0
            // d'(x) − E₀' > 0 in exact arithmetic; guard against rounding when the driver is tiny.
            let gapFloor = 1e-300 + 4 * Double.ulpOfOne * abs(energy)
            let top = phi.max() ?? 0
            phi.withUnsafeBufferPointer { pp in
                next.withUnsafeMutableBufferPointer { np in
                    diagonal.withUnsafeBufferPointer { dp in
                        moves.withUnsafeBufferPointer { mp in
                            weights.withUnsafeBufferPointer { wp in
                                partial.withUnsafeMutableBufferPointer { sp in
                                    let p = SharedReadPointer(pp.baseAddress!)  // safe: 2ⁿ ≥ 2 entries
                                    let out = SharedPointer(np.baseAddress!)  // safe: same size
                                    let d = SharedReadPointer(dp.baseAddress!)  // safe: 2ⁿ entries
                                    let m = SharedReadPointer(mp.baseAddress!)  // safe: connected ⇒ ≥ 1 term
                                    let w = SharedReadPointer(wp.baseAddress!)  // safe: as above
                                    let sums = SharedPointer(sp.baseAddress!)  // safe: 4 per chunk
                                    Parallel.forEachTask(chunks) { c in
                                        var worst = 0.0
                                        var dpsi2 = 0.0
                                        var psiWpsi = 0.0
                                        var psi2 = 0.0
                                        for x in (c * chunkSize)..<min(size, (c + 1) * chunkSize) {
                                            var nb = -Double.infinity
                                            for t in 0..<termCount { nb = max(nb, p[x ^ m[t]]) }
                                            var sum = 0.0
                                            for t in 0..<termCount { sum += w[t] * exp(p[x ^ m[t]] - nb) }
                                            let logW = nb + log(sum)  // log Σ_T w_T ψ(x⊕T)
                                            // V(x) = Σ w ψ(x⊕T)/ψ(x): the Score-Hamiltonian potential
                                            let v = exp(logW - p[x])
                                            let r = abs(v - (d[x] - energy))
                                            if !(r <= worst) { worst = r.isNaN ? .infinity : r }
                                            out[x] = logW - log(max(d[x] - energy, gapFloor))
                                            let q = exp(2 * (p[x] - top))
                                            psi2 += q
                                            dpsi2 += d[x] * q
                                            psiWpsi += exp(p[x] + logW - 2 * top)
                                        }
                                        sums[4 * c] = worst
                                        sums[4 * c + 1] = dpsi2
                                        sums[4 * c + 2] = psiWpsi
                                        sums[4 * c + 3] = psi2
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var residual = 0.0
            var dpsi2 = 0.0
            var psiWpsi = 0.0
            var psi2 = 0.0
            for c in 0..<chunks {
                let r = partial[4 * c]
                if !(r <= residual) { residual = r.isNaN ? .infinity : r }
                dpsi2 += partial[4 * c + 1]
                psiWpsi += partial[4 * c + 2]
                psi2 += partial[4 * c + 3]
            }
            if residual < bestResidual {
                if residual < 0.9 * bestResidual { stalled = 0 } else { stalled += 1 }
                bestResidual = residual
                best = phi
                bestEnergy = energy
            } else {
                stalled += 1
            }
            if bestResidual <= tolerance || sweeps >= maxSweeps || !residual.isFinite { break }
            if !mixed && stalled >= 3 {
                // Plain sweeps have stalled: alternate lazy and plain ones (see below).
                mixed = true
                stalled = 0
            } else if mixed && stalled >= 8 {
                break
            }
            let lazy = mixed && sweeps % 2 == 0
            // Rayleigh quotient of the current iterate (positive sums of the size of E₀').
            let rayleigh = (dpsi2 - psiWpsi) / psi2
            if rayleigh.isFinite && rayleigh < 0 { e0 = rayleigh }
            // The hypercube is bipartite, so the plain map also has the eigenvalue −1 (the
            // Perron vector with signs alternating by parity): a relative error
            // b·(−1)^{|x|} inherited from the eigen-solver never decays and leaves a residual
            // ~2b·V(x); near the end of an anneal, where the walk bounces between the classical
            // ground state and its neighbours, eigenvalues close to −1 do the same. A lazy
            // sweep (the geometric mean of ψ and Mψ, eigenvalues (1+λ)/2) removes them, and
            // alternating lazy and plain sweeps contracts every mode by |λ(1+λ)/2| per pair.
            if lazy {
                for x in 0..<size { next[x] = 0.5 * (next[x] + phi[x]) }
            }
            // Renormalise (the map's Perron root is 1 only up to the error in E₀').
            let mx = next.max() ?? 0
            for x in 0..<size { next[x] -= mx }
            swap(&phi, &next)
            sweeps += 1
        }
        phi = best
        e0 = bestEnergy
        return (bestResidual, sweeps)
    }
}
