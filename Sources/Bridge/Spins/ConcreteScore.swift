import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The concrete score of a positive law on spins: the ratios `p(x ⊕ T)/p(x)` for a set of
/// moves `T` (single spin flips `xⁱ` by default), docs/theory.md §4.
///
/// It is stored as `φ = ½ log p` up to an additive constant, so every ratio
/// `exp(2(φ(x ⊕ T) − φ(x)))` keeps full relative accuracy however small `p` gets; the
/// full table (``table()``, `2ⁿ × moves`) is built only on request.
public struct ConcreteScore: Sendable {
    public let qubits: Int
    /// Move masks `T` (bit `i` ↔ qubit `i`).
    public let moves: [Int]
    /// `φ(x) = ½ log p(x) + const`.
    public let logAmplitude: [Double]

    /// The single-flip moves `1, 2, 4, …, 2ⁿ⁻¹`.
    public static func singleFlips(qubits n: Int) -> [Int] { (0..<n).map { 1 << $0 } }

    /// The concrete score of a positive law.
    ///
    /// - Throws: if some configuration has probability 0 (its ratios are undefined; diffuse
    ///   the law first, ``SpinDistribution/diffused(rate:time:)``).
    public init(law: SpinDistribution, moves: [Int]? = nil) throws {
        guard law.isPositive else {
            let zero = law.logProbabilities.firstIndex { $0 == -.infinity } ?? 0
            throw InputError(
                "law", "gives probability 0 to state \(zero); the concrete score p(xⁱ)/p(x) is undefined there",
                hint: "use a positive law, e.g. the discrete-diffusion marginal p_t at some t > 0")
        }
        let m = moves ?? Self.singleFlips(qubits: law.qubits)
        try Self.validate(moves: m, qubits: law.qubits)
        qubits = law.qubits
        self.moves = m
        logAmplitude = law.logProbabilities.map { 0.5 * $0 }
    }

    /// The concrete score of `ψ₀²` for a positive ground state, on the moves of its
    /// Hamiltonian's off-diagonal terms.
    public init(groundState g: PositiveGroundState) {
        qubits = g.qubits
        moves = g.moves
        logAmplitude = g.logAmplitude
    }

    static func validate(moves: [Int], qubits n: Int) throws {
        guard !moves.isEmpty else { throw InputError("moves", "is empty") }
        if let bad = moves.first(where: { $0 <= 0 || $0 >= 1 << n }) {
            throw InputError("moves", "mask \(bad) flips qubits outside the \(n)-qubit register")
        }
    }

    /// `p(x ⊕ T)/p(x)` for move number `move`.
    @inline(__always)
    public func ratio(_ x: Int, move: Int) -> Double { exp(2 * (logAmplitude[x ^ moves[move]] - logAmplitude[x])) }

    /// `√(p(x ⊕ T)/p(x)) = ψ(x ⊕ T)/ψ(x)`, evaluated as `exp(φ(x ⊕ T) − φ(x))` (the same
    /// number as `ratio(x, move:).squareRoot()`, without overflow for extreme ratios).
    @inline(__always)
    public func amplitudeRatio(_ x: Int, move: Int) -> Double { exp(logAmplitude[x ^ moves[move]] - logAmplitude[x]) }

    /// Every ratio, state-major: entry `x·moves.count + t` is `p(x ⊕ T_t)/p(x)`.
    public func table() -> [Double] {
        let m = moves.count
        var out = [Double](repeating: 0, count: logAmplitude.count * m)
        for x in logAmplitude.indices {
            for t in 0..<m { out[x * m + t] = ratio(x, move: t) }
        }
        return out
    }

    /// The law `p ∝ e^{2φ}` the score comes from.
    public func law() throws -> SpinDistribution {
        try SpinDistribution(qubits: qubits, logWeights: logAmplitude.map { 2 * $0 })
    }
}

/// The Score Hamiltonian (4) of a concrete score:
///
///     H = −Σ_T w_T X_T + diag( Σ_T w_T √(p(x ⊕ T)/p(x)) ),
///
/// with `w_T = Γ` on single flips for docs/theory.md (4). It is the generator of the flip chain
/// with rates `w_T √(p(x⊕T)/p(x))` conjugated by `diag(√p)`, so it is stoquastic,
/// non-negative, and `√p` is its ground state at energy exactly 0; its gap is the chain's
/// relaxation rate.
public struct SpinScoreHamiltonian: Sendable {
    /// The operator.
    public let hamiltonian: SpinFlipHamiltonian
    /// `w_T`, one per move of the score.
    public let weights: [Double]
    /// The score it was built from.
    public let score: ConcreteScore

    /// `Γ` on every move (docs/theory.md (4) for single flips).
    public init(score: ConcreteScore, gamma: Double) throws {
        try Check.positive(gamma, "Γ")
        try self.init(score: score, weights: [Double](repeating: gamma, count: score.moves.count))
    }

    /// General move weights `w_T ≥ 0`.
    public init(score: ConcreteScore, weights: [Double]) throws {
        guard weights.count == score.moves.count else {
            throw InputError("weights", "has \(weights.count) entries for \(score.moves.count) moves")
        }
        if let i = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw InputError("weights[\(i)]", "must be finite and ≥ 0 (got \(weights[i]))")
        }
        let size = score.logAmplitude.count
        var v = [Double](repeating: 0, count: size)
        let m = score.moves.count
        v.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)  // safe: 2ⁿ ≥ 2 entries
            Parallel.forEachChunk(count: size, minimumChunk: 1 << 13) { range in
                for x in range {
                    var s = 0.0
                    for t in 0..<m { s += weights[t] * score.amplitudeRatio(x, move: t) }
                    out[x] = s
                }
            }
        }
        let terms = zip(score.moves, weights).map { FlipTerm(mask: $0, coefficient: -$1) }
        hamiltonian = try SpinFlipHamiltonian(qubits: score.qubits, diagonal: v, terms: terms)
        self.weights = weights
        self.score = score
    }

    /// The Score Hamiltonian of a positive law with single-flip rate scale `Γ`.
    public init(law: SpinDistribution, gamma: Double) throws {
        try self.init(score: try ConcreteScore(law: law), gamma: gamma)
    }

    /// `V(x) = Σ_T w_T √(p(x⊕T)/p(x))`, the diagonal.
    public var potential: [Double] { hamiltonian.diagonal }

    /// The lowest `levels` energies, the gap, and how well `√p` solves `H√p = 0`.
    public func spectrum(levels: Int = 4, options: LanczosOptions = LanczosOptions(tolerance: 0)) throws -> SpinScoreSpectrum {
        guard levels >= 2 else { throw InputError("spectrum.levels", "must be at least 2 to give a gap (got \(levels))") }
        let energies = try hamiltonian.spectrum(count: levels, options: options)
        // ‖H√p‖_∞ relative to ‖√p‖_∞ · scale: zero up to rounding.
        let phi = score.logAmplitude
        let top = phi.max() ?? 0
        let root = phi.map { exp($0 - top) }
        var y = [Double](repeating: 0, count: root.count)
        root.withUnsafeBufferPointer { r in y.withUnsafeMutableBufferPointer { hamiltonian.apply(r, into: $0) } }
        let residual = y.reduce(0) { max($0, abs($1)) }
        return SpinScoreSpectrum(
            qubits: hamiltonian.qubits, energies: energies, gap: energies.count > 1 ? energies[1] - energies[0] : .infinity,
            groundResidual: residual, symmetry: hamiltonian.hasSpinFlipSymmetry ? "spin-flip" : "none",
            moves: score.moves.count, rateScale: weights.max() ?? 0)
    }
}

/// Levels of a Score Hamiltonian (JSON for `adiabat spectrum`).
public struct SpinScoreSpectrum: Sendable, Encodable, Equatable {
    public var qubits: Int
    /// Lowest levels, ascending (`energies[0] = 0` up to rounding).
    public var energies: [Double]
    /// `E₁ − E₀`: the relaxation rate of the flip chain.
    public var gap: Double
    /// `max_x |(H√p)(x)|` with `max √p = 1`: zero up to rounding.
    public var groundResidual: Double
    public var symmetry: String
    public var moves: Int
    /// Largest move weight (`Γ`).
    public var rateScale: Double
}
