import AdiabatCore
import Foundation
import GSLKit

/// Counts kept by a flip-chain simulation.
public struct FlipChainStatistics: Sendable, Equatable, Encodable {
    /// Candidate events drawn (thinning proposals; every event in a homogeneous cell).
    public var candidates = 0
    /// Accepted flips.
    public var flips = 0
    /// Rate-table cells the samples went through.
    public var cells = 0
    /// Ground-state (or marginal) tables computed.
    public var tables = 0
    /// Wall-clock seconds.
    public var seconds = 0.0
    /// CPU seconds of the run, all threads (simulated annealing and path-integral annealing;
    /// nil where not measured).
    public var cpuSeconds: Double?

    public init() {}

    /// Rejected thinning proposals.
    public var rejected: Int { candidates - flips }

    mutating func add(_ other: FlipChainStatistics) {
        candidates += other.candidates
        flips += other.flips
    }
}

/// One cell of a (possibly time-inhomogeneous) flip chain: over the cell, the rate of move
/// `T` from state `x` is
///
///     r_T(x, λ) = w_T(λ) · exp(Δ_T(x, λ)),   Δ_T(x, λ) = (1−λ)·Δ⁰_T(x) + λ·Δ¹_T(x),
///     Δ^k_T(x) = L_k(x ⊕ T) − L_k(x),
///
/// for `λ ∈ [0, 1]` across the cell, where `L₀`, `L₁` are log-amplitude tables at the two
/// ends (`log ψ₀` for the annealed chain, `log p_t` for the reverse chain) and `w_T(λ)`
/// interpolates the move weights linearly or geometrically. The cell lasts `length` units of
/// the chain's own time.
struct FlipChainCell: Sendable {
    var moves: [Int]
    var startTable: [Double]
    var endTable: [Double]
    var startWeights: [Double]
    var endWeights: [Double]
    /// `w(λ) = w₀^{1−λ} w₁^λ` instead of `(1−λ)w₀ + λw₁`.
    var geometricWeights: Bool
    var length: Double
    /// Same tables and weights at both ends (then every proposal is accepted: Gillespie).
    var homogeneous: Bool

    /// A time-homogeneous cell.
    static func homogeneous(moves: [Int], table: [Double], weights: [Double], length: Double) -> FlipChainCell {
        FlipChainCell(
            moves: moves, startTable: table, endTable: table, startWeights: weights, endWeights: weights, geometricWeights: false,
            length: length, homogeneous: true)
    }
}

/// Exact simulation of flip chains cell by cell.
///
/// **Method.** Inside a cell each move's rate is bounded by
/// `b_T(x) = max(w₀, w₁) · exp(max(Δ⁰_T, Δ¹_T))`: `Δ_T` is linear in `λ` and both weight
/// interpolations are monotone, so the maximum sits at an end. Candidate events come from a
/// Poisson process of rate `Σ_T b_T(x)` (Lewis–Shedler thinning); a candidate picks `T` with
/// probability `b_T/Σb` and is accepted with probability `r_T(x, λ)/b_T(x)`. This simulates
/// the chain with the cell's rates exactly — no time step — and needs the bounds again only
/// after an accepted flip. In a homogeneous cell `b = r` and it is Gillespie's direct method.
/// Memorylessness lets a sample cross a cell boundary by discarding the pending candidate.
enum FlipChainEngine {
    /// Advances one sample through `cell`. Returns false if a rate overflowed (a table with
    /// `−∞` or values so extreme that `exp` overflows).
    static func advance(
        _ x: inout Int, cell: FlipChainCell, start: UnsafePointer<Double>, end: UnsafePointer<Double>, rng: RandomStream,
        scratch: UnsafeMutablePointer<Double>, statistics: inout FlipChainStatistics
    ) -> Bool {
        let m = cell.moves.count
        guard cell.length > 0, m > 0 else { return true }
        let deltaStart = scratch
        let deltaEnd = scratch + m
        let bound = scratch + 2 * m
        var lambda = 0.0
        var total = 0.0
        var stale = true
        while true {
            if stale {
                let fa = start[x]
                let fb = end[x]
                total = 0
                for t in 0..<m {
                    let y = x ^ cell.moves[t]
                    let da = start[y] - fa
                    let db = end[y] - fb
                    deltaStart[t] = da
                    deltaEnd[t] = db
                    let w = max(cell.startWeights[t], cell.endWeights[t])
                    let b = w > 0 ? w * exp(max(da, db)) : 0
                    bound[t] = b
                    total += b
                }
                stale = false
                guard total.isFinite else { return false }
                guard total > 0 else { return true }  // no move possible in this cell
            }
            lambda += -log(rng.uniformPositive()) / (total * cell.length)
            if lambda >= 1 { return true }
            var u = rng.uniform() * total
            var t = 0
            while t < m - 1 && u >= bound[t] {
                u -= bound[t]
                t += 1
            }
            statistics.candidates += 1
            if !cell.homogeneous {
                let w0 = cell.startWeights[t]
                let w1 = cell.endWeights[t]
                let w = cell.geometricWeights ? (w0 > 0 && w1 > 0 ? w0 * pow(w1 / w0, lambda) : 0) : w0 + lambda * (w1 - w0)
                let rate = w * exp(deltaStart[t] + lambda * (deltaEnd[t] - deltaStart[t]))
                if rng.uniform() * bound[t] >= rate { continue }
            }
            x ^= cell.moves[t]
            statistics.flips += 1
            stale = true
        }
    }

    /// Advances every sample through `cell`, in fixed blocks of samples, each with its own
    /// persistent stream (reproducible for any number of threads).
    static func advance(_ states: inout [Int], cell: FlipChainCell, streams: SampleStreams) throws -> FlipChainStatistics {
        let blocks = streams.blocks
        let results = ResultSlots<(FlipChainStatistics, Bool)>(count: blocks)
        let m = cell.moves.count
        states.withUnsafeMutableBufferPointer { sp in
            let s = SharedPointer(sp.baseAddress!)  // safe: samples ≥ 1
            let count = sp.count
            cell.startTable.withUnsafeBufferPointer { ap in
                cell.endTable.withUnsafeBufferPointer { bp in
                    let a = SharedReadPointer(ap.baseAddress!)  // safe: 2ⁿ entries
                    let b = SharedReadPointer(bp.baseAddress!)  // safe: 2ⁿ entries
                    Parallel.forEachTask(blocks) { block in
                        let rng = streams.stream(block)
                        var stats = FlipChainStatistics()
                        var ok = true
                        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 3 * max(m, 1))
                        defer { scratch.deallocate() }
                        for i in streams.range(block, samples: count) {
                            var x = s[i]
                            if !advance(
                                &x, cell: cell, start: a.base, end: b.base, rng: rng, scratch: scratch, statistics: &stats)
                            {
                                ok = false
                            }
                            s[i] = x
                        }
                        results.store(block, (stats, ok))
                    }
                }
            }
        }
        var total = FlipChainStatistics()
        for (stats, ok) in results.values {
            guard ok else {
                throw InputError(
                    "flip chain", "a rate overflowed: the law gives some state probability 0 or ratios beyond 1e308",
                    hint: "use a positive law (e.g. a diffused marginal) or a finer grid")
            }
            total.add(stats)
        }
        total.cells = 1
        return total
    }
}

/// One random stream per fixed block of samples, kept for a whole run.
final class SampleStreams: @unchecked Sendable {
    let blockSize: Int
    private let streams: [RandomStream]

    init(seed: UInt64, samples: Int, blockSize: Int = 64, stream offset: UInt64 = 0) throws {
        self.blockSize = blockSize
        let count = (samples + blockSize - 1) / blockSize
        streams = try (0..<count).map { try RandomStream(seed: RandomStream.derivedSeed(seed, stream: offset + UInt64($0))) }
    }

    var blocks: Int { streams.count }
    func stream(_ block: Int) -> RandomStream { streams[block] }
    func range(_ block: Int, samples: Int) -> Range<Int> { (block * blockSize)..<min(samples, (block + 1) * blockSize) }
}
