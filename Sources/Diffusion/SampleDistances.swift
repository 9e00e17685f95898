import AdiabatCore
import Foundation
import GSLKit

/// A sample-based distance with its standard error.
public struct SampleDistance: Sendable, Equatable, Codable {
    public var value: Double
    public var standardError: Double
    /// The number of sample points the estimate used (after any subsampling).
    public var samplesUsed: Int
}

/// Distances between samples and a reference that need no binning.
public enum SampleDistances {
    // MARK: Wasserstein-1 in 1-D

    /// `W₁ = ∫|F_n(x) − F₀(x)| dx` for 1-D samples against a reference CDF, exactly for the
    /// empirical CDF `F_n` and the reference CDF tabulated at `nodes` equally spaced points on
    /// `[lower, upper]` and interpolated linearly (error `O(h²·max|p₀'|)`, below 1e-7 with the
    /// default 2¹⁴ intervals on typical landscapes). `cdf` must rise from ≈ 0 at `lower` to
    /// ≈ 1 at `upper`; it is rescaled to exactly 0 and 1 there, and taken as 0 / 1 beyond.
    ///
    /// The standard error is the delta-method (influence-function) estimate
    /// `sd_i(G(Xᵢ))/√n`, `G(x) = ∫_{−∞}^{x} sgn(F_n − F₀)`: the scatter of W₁ over repeated
    /// runs when W₁ is well above its sampling floor (which scales like `n^{−1/2}`).
    public static func wasserstein1(
        samples: [Double], cdf: (Double) -> Double, lower: Double, upper: Double, nodes: Int = 16_385
    ) throws -> SampleDistance {
        try Check.finite(lower, "lower")
        try Check.finite(upper, "upper")
        guard upper > lower else { throw InputError("W1 range", "upper (\(upper)) must exceed lower (\(lower))") }
        guard nodes >= 3 else { throw InputError("W1 nodes", "needs at least 3 (got \(nodes))") }
        let h = (upper - lower) / Double(nodes - 1)
        let xs = (0..<nodes).map { lower + Double($0) * h }
        var fs = xs.map(cdf)
        try Check.finite(fs, "reference CDF")
        let f0 = fs[0]
        let f1 = fs[nodes - 1]
        guard f1 > f0 else { throw InputError("reference CDF", "does not increase on [\(lower), \(upper)]") }
        for i in 0..<nodes { fs[i] = (fs[i] - f0) / (f1 - f0) }
        for i in 1..<nodes where fs[i] < fs[i - 1] { fs[i] = fs[i - 1] }  // round-off only
        return try wasserstein1(samples: samples, nodes: xs, cdf: fs)
    }

    /// `W₁` against a 1-D reference density, whose CDF is the trapezoid integral on `nodes`
    /// points of `[lower, upper]`.
    public static func wasserstein1(
        samples: [Double], reference: any DensityFunction, lower: Double, upper: Double, nodes: Int = 16_385
    ) throws -> SampleDistance {
        guard reference.dimension == 1 else { throw InputError("W1", "needs a 1-D reference (got \(reference.dimension)-D)") }
        try Check.finite(lower, "lower")
        try Check.finite(upper, "upper")
        guard upper > lower, nodes >= 3 else { throw InputError("W1 range", "needs upper > lower and at least 3 nodes") }
        let h = (upper - lower) / Double(nodes - 1)
        let xs = (0..<nodes).map { lower + Double($0) * h }
        let density = xs.map { x in [x].withUnsafeBufferPointer { reference.density(at: $0.baseAddress!) } }  // safe: one element
        try Check.finite(density, "reference density")
        let cdf = HistogramBinning.cumulative(density, spacing: h)
        guard cdf[nodes - 1] > 0 else { throw InputError("reference", "has no mass on [\(lower), \(upper)]") }
        return try wasserstein1(samples: samples, nodes: xs, cdf: cdf)
    }

    private static func wasserstein1(samples: [Double], nodes xs: [Double], cdf fs: [Double]) throws -> SampleDistance {
        guard !samples.isEmpty else { throw InputError("samples", "W1 needs at least one sample") }
        try Check.finite(samples, "samples")
        let y = samples.sorted()
        let n = y.count
        let nd = Double(n)
        var total = 0.0
        var gCumulative = 0.0
        var gAtSamples = [Double](repeating: 0, count: n)
        // Sweep over the merged breakpoints.
        let start = min(xs[0], y[0])
        var position = start
        var fAt = 0.0  // F₀(position)
        var count = 0  // samples ≤ position (already passed)
        var nodeIndex = 0  // next node with xs[nodeIndex] > position (or == and not yet used)
        while nodeIndex < xs.count, xs[nodeIndex] <= position {
            fAt = fs[nodeIndex]
            nodeIndex += 1
        }
        if position < xs[0] { fAt = 0 }
        var sampleIndex = 0
        while sampleIndex < n, y[sampleIndex] <= position {
            gAtSamples[sampleIndex] = 0
            sampleIndex += 1
            count += 1
        }
        let end = max(xs[xs.count - 1], y[n - 1])
        while position < end {
            let nextNode = nodeIndex < xs.count ? xs[nodeIndex] : Double.infinity
            let nextSample = sampleIndex < n ? y[sampleIndex] : Double.infinity
            let next = min(min(nextNode, nextSample), end)
            // F₀ at `next`: linear between nodes, 0/1 outside the table.
            let fNext: Double
            if next <= xs[0] {
                fNext = 0
            } else if next >= xs[xs.count - 1] {
                fNext = 1
            } else if next == nextNode {
                fNext = fs[nodeIndex]
            } else {
                let j = nodeIndex  // xs[j−1] ≤ position < next < xs[j]
                let w = (next - xs[j - 1]) / (xs[j] - xs[j - 1])
                fNext = fs[j - 1] + w * (fs[j] - fs[j - 1])
            }
            let length = next - position
            if length > 0 {
                let c = Double(count) / nd
                let a = c - fAt
                let b = c - fNext
                if a * b >= 0 {
                    total += length * 0.5 * abs(a + b)
                    let s = a + b > 0 ? 1.0 : (a + b < 0 ? -1.0 : 0.0)
                    gCumulative += s * length
                } else {
                    let w = a / (a - b)
                    total += length * (w * abs(a) + (1 - w) * abs(b)) * 0.5
                    gCumulative += length * (w * (a > 0 ? 1 : -1) + (1 - w) * (b > 0 ? 1 : -1))
                }
            }
            position = next
            fAt = fNext
            while nodeIndex < xs.count, xs[nodeIndex] <= position { nodeIndex += 1 }
            while sampleIndex < n, y[sampleIndex] <= position {
                gAtSamples[sampleIndex] = gCumulative
                sampleIndex += 1
                count += 1
            }
        }
        let mean = gAtSamples.reduce(0, +) / nd
        var variance = 0.0
        for g in gAtSamples { variance += (g - mean) * (g - mean) }
        variance /= max(nd - 1, 1)
        return SampleDistance(value: total, standardError: (variance / nd).squareRoot(), samplesUsed: n)
    }

    // MARK: Energy distance

    /// The squared energy distance `D² = 2E|X−Y| − E|X−X'| − E|Y−Y'|` between two sample
    /// sets (point-major, `dimension` per point), as a U-statistic (unbiased: its mean is 0
    /// when both sets come from one law, so small negative values occur).
    ///
    /// - 1-D: exact in `O(n log n)` on all points (sorting and prefix sums).
    /// - 2-D and 3-D: `O(m²)` on seeded random subsets of `m = min(n, maxPoints)` points of
    ///   each set (default 4000: 1.6·10⁷ pairs). The subsampling is part of the stated error.
    ///
    /// The standard error comes from `B = 10` disjoint groups of the points used: each group
    /// gives an estimate of variance ≈ `B·Var(D²)`, so `SE = sd(groups)/√B`.
    public static func energyDistance(
        _ x: [Double], _ y: [Double], dimension d: Int, maxPoints: Int = 4000, seed: UInt64 = 0xE7E
    ) throws -> SampleDistance {
        guard (1...3).contains(d) else { throw InputError("energy distance", "dimension must be 1, 2 or 3 (got \(d))") }
        guard x.count % d == 0, y.count % d == 0 else {
            throw InputError("energy distance", "the sample arrays do not hold whole \(d)-D points")
        }
        try Check.finite(x, "samples")
        try Check.finite(y, "reference samples")
        let groups = 10
        guard x.count / d >= 2 * groups, y.count / d >= 2 * groups else {
            throw InputError("energy distance", "needs at least \(2 * groups) points in each set")
        }
        guard maxPoints >= 2 * groups else { throw InputError("energy distance", "maxPoints must be at least \(2 * groups)") }
        let a: [Double]
        let b: [Double]
        if d == 1 {
            a = x
            b = y
        } else {
            let stream = try RandomStream(seed: seed)
            a = subsample(x, dimension: d, count: min(x.count / d, maxPoints), stream: stream)
            b = subsample(y, dimension: d, count: min(y.count / d, maxPoints), stream: stream)
        }
        let value = energy(a, b, d)
        // Disjoint groups (the subsets are already in random order for d > 1; for d = 1 take
        // interleaved groups, which are random subsets when the samples are exchangeable).
        var estimates: [Double] = []
        let na = a.count / d
        let nb = b.count / d
        for g in 0..<groups {
            var ga: [Double] = []
            var gb: [Double] = []
            for i in stride(from: g, to: na, by: groups) { ga += a[(i * d)..<((i + 1) * d)] }
            for i in stride(from: g, to: nb, by: groups) { gb += b[(i * d)..<((i + 1) * d)] }
            estimates.append(energy(ga, gb, d))
        }
        let mean = estimates.reduce(0, +) / Double(groups)
        var variance = 0.0
        for e in estimates { variance += (e - mean) * (e - mean) }
        variance /= Double(groups - 1)
        return SampleDistance(value: value, standardError: (variance / Double(groups)).squareRoot(), samplesUsed: min(na, nb))
    }

    /// A uniformly random subset of `count` points (partial Fisher–Yates), in random order.
    static func subsample(_ x: [Double], dimension d: Int, count m: Int, stream: RandomStream) -> [Double] {
        let n = x.count / d
        var order = Array(0..<n)
        for i in 0..<m {
            let j = i + stream.uniformInt(below: n - i)
            order.swapAt(i, j)
        }
        var out = [Double](repeating: 0, count: m * d)
        for i in 0..<m {
            for c in 0..<d { out[i * d + c] = x[order[i] * d + c] }
        }
        return out
    }

    private static func energy(_ a: [Double], _ b: [Double], _ d: Int) -> Double {
        if d == 1 {
            let sa = a.sorted()
            let sb = b.sorted()
            return 2 * crossMean1D(sa, sb) - withinMean1D(sa) - withinMean1D(sb)
        }
        return 2 * crossMean(a, b, d) - withinMean(a, d) - withinMean(b, d)
    }

    /// Mean of |xᵢ − xⱼ| over ordered pairs i ≠ j of sorted values.
    private static func withinMean1D(_ s: [Double]) -> Double {
        let n = s.count
        var sum = 0.0
        for (i, v) in s.enumerated() { sum += Double(2 * (i + 1) - n - 1) * v }
        return 2 * sum / Double(n * (n - 1))
    }

    /// Mean of |xᵢ − yⱼ| over all pairs, both sorted.
    private static func crossMean1D(_ x: [Double], _ y: [Double]) -> Double {
        let total = y.reduce(0, +)
        var below = 0
        var belowSum = 0.0
        var sum = 0.0
        for v in x {
            while below < y.count, y[below] <= v {
                belowSum += y[below]
                below += 1
            }
            sum += v * Double(below) - belowSum + (total - belowSum) - v * Double(y.count - below)
        }
        return sum / Double(x.count * y.count)
    }

    /// Mean distance over the distinct pairs of one sample, `d` coordinates a point.
    private static func withinMean(_ a: [Double], _ d: Int) -> Double {
        let n = a.count / d
        return 2 * distanceSum(a, a, d, distinctPairsOnly: true) / Double(n * (n - 1))
    }

    /// Mean distance over all pairs of two samples.
    private static func crossMean(_ a: [Double], _ b: [Double], _ d: Int) -> Double {
        distanceSum(a, b, d, distinctPairsOnly: false) / Double((a.count / d) * (b.count / d))
    }

    /// `Σᵢ Σⱼ ‖aᵢ − bⱼ‖`, over `j > i` only with `distinctPairsOnly` (then `b` is `a`).
    private static func distanceSum(_ a: [Double], _ b: [Double], _ d: Int, distinctPairsOnly: Bool) -> Double {
        let n = a.count / d
        let m = b.count / d
        return a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                let p = SharedReadPointer(ap.baseAddress!)  // safe: n ≥ 2
                let q = SharedReadPointer(bp.baseAddress!)  // safe: m ≥ 2
                return Parallel.sum(count: n, chunkSize: 64) { range in
                    var acc = 0.0
                    for i in range {
                        for j in (distinctPairsOnly ? i + 1 : 0)..<m {
                            var r2 = 0.0
                            for c in 0..<d {
                                let diff = p[i * d + c] - q[j * d + c]
                                r2 += diff * diff
                            }
                            acc += r2.squareRoot()
                        }
                    }
                    return acc
                }
            }
        }
    }
}
