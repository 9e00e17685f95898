import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// A probability law on the `2ⁿ` spin configurations of a register, stored as `log p`.
///
/// Basis index `k` follows the register's convention (``Quantum/IsingModel``): bit `i` set ↔
/// spin `zᵢ = −1`. Logarithms keep very uneven laws exact (Boltzmann weights at large β,
/// ground states far from the bulk); `log p = −∞` marks states outside the support.
public struct SpinDistribution: Sendable {
    public let qubits: Int
    /// `log p(k)`, normalised so that `Σₖ p(k) = 1`; `−∞` where `p(k) = 0`.
    public let logProbabilities: [Double]

    /// Normalises `log` weights (any finite offset; `−∞` for zero weight).
    ///
    /// - Throws: unless there are `2ⁿ` entries (`1 ≤ n ≤ 26`), none is NaN or `+∞`, and at
    ///   least one is finite.
    public init(qubits n: Int, logWeights: [Double]) throws {
        try QubitRegister.validate(qubits: n)
        guard logWeights.count == 1 << n else {
            throw InputError("law", "has \(logWeights.count) entries for \(n) qubits (needs \(1 << n))")
        }
        if let i = logWeights.firstIndex(where: { $0.isNaN || $0 == .infinity }) {
            throw InputError("law[\(i)]", "must be a finite log-weight or −∞ (got \(logWeights[i]))")
        }
        let top = logWeights.max() ?? -.infinity
        guard top.isFinite else { throw InputError("law", "has no state with positive probability") }
        let shifted = logWeights.map { $0 - top }
        let total = Parallel.sum(count: shifted.count) { range in
            var s = 0.0
            for k in range { s += exp(shifted[k]) }
            return s
        }
        let logZ = log(total)
        qubits = n
        logProbabilities = shifted.map { $0 - logZ }
    }

    /// A table of `2ⁿ` non-negative weights (normalised here).
    public static func table(_ weights: [Double], qubits n: Int? = nil) throws -> SpinDistribution {
        let count = weights.count
        guard count >= 2, count & (count - 1) == 0 else {
            throw InputError("law", "needs 2ⁿ weights, one per spin configuration (got \(count))")
        }
        let m = n ?? (Int.bitWidth - 1 - count.leadingZeroBitCount)
        if let i = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw InputError("law[\(i)]", "must be a finite weight ≥ 0 (got \(weights[i]))")
        }
        return try SpinDistribution(qubits: m, logWeights: weights.map { $0 > 0 ? log($0) : -.infinity })
    }

    /// The uniform law on the register.
    public static func uniform(qubits n: Int) throws -> SpinDistribution {
        try SpinDistribution(qubits: n, logWeights: [Double](repeating: 0, count: 1 << n))
    }

    /// The uniform law on `states` (basis indices).
    public static func uniform(on states: [Int], qubits n: Int) throws -> SpinDistribution {
        try QubitRegister.validate(qubits: n)
        guard !states.isEmpty else { throw InputError("states", "is empty") }
        var w = [Double](repeating: -.infinity, count: 1 << n)
        for s in states {
            guard s >= 0, s < 1 << n else { throw InputError("states", "state \(s) is outside the \(n)-qubit register") }
            w[s] = 0
        }
        return try SpinDistribution(qubits: n, logWeights: w)
    }

    /// The Boltzmann law `p ∝ e^{−βE}` of an Ising model (`β ≥ 0`; `β = 0` is uniform).
    public static func boltzmann(_ model: IsingModel, beta: Double) throws -> SpinDistribution {
        try Check.nonNegative(beta, "beta")
        let e = try model.diagonal()
        return try SpinDistribution(qubits: model.qubits, logWeights: e.map { -beta * $0 })
    }

    /// The uniform law on the ground states of an Ising model (the `β → ∞` limit).
    public static func groundStates(of model: IsingModel) throws -> SpinDistribution {
        let e = try model.diagonal()
        let tol = 1e-9 * max(model.energyScale, 1e-300)
        let best = e.min() ?? 0
        return try uniform(on: e.indices.filter { e[$0] <= best + tol }, qubits: model.qubits)
    }

    /// Independent spins with `P(zᵢ = +1) = qᵢ` (each `0 < qᵢ < 1`).
    public static func product(upProbabilities q: [Double]) throws -> SpinDistribution {
        let n = q.count
        try QubitRegister.validate(qubits: n)
        if let i = q.firstIndex(where: { !($0 > 0 && $0 < 1) }) {
            throw InputError("q[\(i)]", "must lie strictly between 0 and 1 (got \(q[i]))")
        }
        var w = [Double](repeating: 0, count: 1 << n)
        for k in w.indices {
            var s = 0.0
            for i in 0..<n { s += (k >> i) & 1 == 0 ? log(q[i]) : log1p(-q[i]) }
            w[k] = s
        }
        return try SpinDistribution(qubits: n, logWeights: w)
    }

    // MARK: Reading

    public var dimension: Int { logProbabilities.count }

    /// `p(k)`.
    @inline(__always)
    public func probability(_ k: Int) -> Double { exp(logProbabilities[k]) }

    /// All `2ⁿ` probabilities.
    public var probabilities: [Double] { logProbabilities.map { exp($0) } }

    /// Whether every configuration has positive probability (needed for a concrete score).
    public var isPositive: Bool { logProbabilities.allSatisfy { $0 > -.infinity } }

    /// The states with positive probability.
    public var support: [Int] { logProbabilities.indices.filter { logProbabilities[$0] > -.infinity } }

    /// `Σₖ p(k) f(k)`.
    public func expectation(_ f: (Int) -> Double) -> Double {
        var s = 0.0
        for k in logProbabilities.indices where logProbabilities[k] > -.infinity { s += exp(logProbabilities[k]) * f(k) }
        return s
    }

    /// Total probability of `states`.
    public func probability(of states: [Int]) -> Double { states.reduce(0) { $0 + probability($1) } }

    /// Total variation `½ Σ |p − q|` (docs/theory.md §6).
    public func totalVariation(to other: SpinDistribution) -> Double {
        var s = 0.0
        for k in logProbabilities.indices { s += abs(probability(k) - other.probability(k)) }
        return 0.5 * s
    }

    /// Fidelity `(Σ √(p q))²` (squared Bhattacharyya coefficient, docs/theory.md §6).
    public func fidelity(with other: SpinDistribution) -> Double {
        var s = 0.0
        for k in logProbabilities.indices { s += exp(0.5 * (logProbabilities[k] + other.logProbabilities[k])) }
        return s * s
    }

    // MARK: Discrete diffusion

    /// The marginal `p_t = p ∗ k_t` of independent spin flips at rate `γ` after time `t`:
    /// each spin keeps its value with probability `k_t(same) = (1 + e^{−2γt})/2` and flips
    /// with `k_t(flip) = (1 − e^{−2γt})/2` (docs/theory.md §4), independently.
    ///
    /// The product kernel is applied one qubit at a time in log space (`O(n·2ⁿ)`), so laws
    /// with zeros (e.g. uniform on ground states) become positive for every `t > 0`.
    public func diffused(rate gamma: Double, time t: Double) throws -> SpinDistribution {
        try Check.positive(gamma, "rate γ")
        try Check.nonNegative(t, "time t")
        if t == 0 { return self }
        let flip = -0.5 * expm1(-2 * gamma * t)  // (1 − e^{−2γt})/2 without cancellation
        let logFlip = log(flip)
        let logKeep = log1p(-flip)
        var lp = logProbabilities
        let n = qubits
        lp.withUnsafeMutableBufferPointer { buffer in
            let p = SharedPointer(buffer.baseAddress!)  // safe: 2ⁿ ≥ 2 entries
            for i in 0..<n {
                let bit = 1 << i
                Parallel.forEachChunk(count: buffer.count / 2, minimumChunk: 1 << 14) { range in
                    for h in range {
                        // the h-th state with bit i clear
                        let x = ((h >> i) << (i + 1)) | (h & (bit - 1))
                        let a = p[x]
                        let b = p[x | bit]
                        p[x] = logAddExp(logKeep + a, logFlip + b)
                        p[x | bit] = logAddExp(logKeep + b, logFlip + a)
                    }
                }
            }
        }
        return try SpinDistribution(qubits: n, logWeights: lp)
    }

    // MARK: Sampling

    /// Cumulative probabilities for inverse-CDF sampling.
    func cumulative() -> [Double] {
        var c = [Double](repeating: 0, count: dimension)
        var s = 0.0
        for k in 0..<dimension {
            s += probability(k)
            c[k] = s
        }
        return c
    }

    /// `count` independent exact draws (inverse CDF with binary search).
    public func sample(count: Int, stream: RandomStream) -> [Int] {
        let c = cumulative()
        return (0..<count).map { _ in Self.draw(c, stream.uniform()) }
    }

    /// The state whose cumulative interval holds `u ∈ [0, 1)` (states of zero probability
    /// are never returned).
    static func draw(_ cumulative: [Double], _ u: Double) -> Int {
        let target = u * (cumulative.last ?? 1)
        var lo = 0
        var hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] > target { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

/// `log(eˣ + eʸ)`, exact for `−∞` arguments.
@inline(__always)
func logAddExp(_ x: Double, _ y: Double) -> Double {
    if x == -.infinity { return y }
    if y == -.infinity { return x }
    return x > y ? x + log1p(exp(y - x)) : y + log1p(exp(x - y))
}

/// An empirical law: counts of sampled basis states.
public struct SpinHistogram: Sendable, Equatable {
    public let qubits: Int
    public private(set) var counts: [Int]
    public private(set) var total: Int

    public init(qubits: Int, states: [Int]) {
        self.qubits = qubits
        var c = [Int](repeating: 0, count: 1 << qubits)
        for s in states { c[s] += 1 }
        counts = c
        total = states.count
    }

    /// Empirical frequency of state `k`.
    public func frequency(_ k: Int) -> Double { total == 0 ? 0 : Double(counts[k]) / Double(total) }

    /// Pearson's `χ² = Σ (Oₖ − Eₖ)²/Eₖ` against `law`, with cells of expected count below
    /// `minimumExpected` pooled into one; returns the statistic and its degrees of freedom.
    public func chiSquared(against law: SpinDistribution, minimumExpected: Double = 5) -> (
        statistic: Double, degreesOfFreedom: Int
    ) {
        var stat = 0.0
        var cells = 0
        var pooledObserved = 0.0
        var pooledExpected = 0.0
        for k in counts.indices {
            let e = law.probability(k) * Double(total)
            let o = Double(counts[k])
            if e >= minimumExpected {
                stat += (o - e) * (o - e) / e
                cells += 1
            } else {
                pooledObserved += o
                pooledExpected += e
            }
        }
        if pooledExpected > 0 {
            stat += (pooledObserved - pooledExpected) * (pooledObserved - pooledExpected) / pooledExpected
            cells += 1
        } else if pooledObserved > 0 {
            return (.infinity, max(cells - 1, 1))
        }
        return (stat, max(cells - 1, 1))
    }

    /// Total variation to `law` (biased upwards by the sampling noise, ~`Σ√(p/M)`).
    public func totalVariation(to law: SpinDistribution) -> Double {
        var s = 0.0
        for k in counts.indices { s += abs(frequency(k) - law.probability(k)) }
        return 0.5 * s
    }
}
