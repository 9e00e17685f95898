import AdiabatCore
import Foundation
import GSLKit

/// Rectangular bins on a box `[lower, upper]` in 1–3 dimensions, plus one "outside" cell for
/// everything beyond the box.
public struct HistogramBinning: Sendable, Equatable, Codable {
    public let lower: [Double]
    public let upper: [Double]
    public let bins: [Int]

    /// The largest number of bins accepted (10⁷).
    public static let maximumBins = 10_000_000

    public init(lower: [Double], upper: [Double], bins: [Int]) throws {
        guard (1...3).contains(bins.count), lower.count == bins.count, upper.count == bins.count else {
            throw InputError("histogram", "needs 1–3 axes with one lower, upper and bin count each")
        }
        for a in bins.indices {
            try Check.finite(lower[a], "histogram.lower[\(a)]")
            try Check.finite(upper[a], "histogram.upper[\(a)]")
            guard upper[a] > lower[a] else {
                throw InputError("histogram", "axis \(a): upper (\(upper[a])) must exceed lower (\(lower[a]))")
            }
            guard bins[a] >= 1 else { throw InputError("histogram.bins[\(a)]", "must be at least 1 (got \(bins[a]))") }
        }
        let total = bins.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard total <= Self.maximumBins, bins.allSatisfy({ $0 <= Self.maximumBins }) else {
            throw InputError("histogram.bins", "\(bins) gives more than \(Self.maximumBins) bins")
        }
        self.lower = lower
        self.upper = upper
        self.bins = bins
    }

    public var dimension: Int { bins.count }
    /// Bins inside the box.
    public var count: Int { bins.reduce(1, *) }
    public var widths: [Double] { (0..<dimension).map { (upper[$0] - lower[$0]) / Double(bins[$0]) } }
    public var binVolume: Double { widths.reduce(1, *) }

    /// The flat bin index of `x` (last axis fastest), or nil outside the box.
    @inline(__always) public func index(of x: UnsafePointer<Double>) -> Int? {
        var index = 0
        for a in 0..<dimension {
            let u = (x[a] - lower[a]) / (upper[a] - lower[a]) * Double(bins[a])
            guard u >= 0, u < Double(bins[a]) else {
                if u == Double(bins[a]) {  // the upper edge belongs to the last bin
                    index = index * bins[a] + bins[a] - 1
                    continue
                }
                return nil
            }
            index = index * bins[a] + Int(u)
        }
        return index
    }

    /// The automatic binning used for comparisons against a reference `p₀` tabulated on a
    /// grid (documented in docs/diffusion.md):
    ///
    /// - range per axis: from the `τ/2` to the `1 − τ/2` quantile of `p₀`'s marginal,
    ///   `τ = 10⁻⁴/d` (the rest is the outside cell, compared like any bin);
    /// - bin width per axis: Freedman–Diaconis, `h = 2·IQR·n^{−1/(d+2)}` for `n` samples
    ///   (the MISE-optimal rate in `d` dimensions), at least 4 and at most 1000 bins per axis.
    ///
    /// The binning depends on `p₀` and `n` only, never on the samples, so the reference bin
    /// probabilities carry no sample-dependent bias.
    public static func automatic(reference: GridLaw, samples n: Int) throws -> HistogramBinning {
        guard n >= 1 else { throw InputError("samples", "a histogram needs at least one sample (got \(n))") }
        let grid = reference.grid
        let d = grid.dimension
        let tail = 1e-4 / Double(d)
        var lower: [Double] = []
        var upper: [Double] = []
        var bins: [Int] = []
        for a in 0..<d {
            let marginal = reference.marginal(axis: a)
            let xs = grid.axis(a)
            let cdf = cumulative(marginal, spacing: grid.spacing[a])
            let lo = quantile(cdf, xs, 0.5 * tail)
            let hi = quantile(cdf, xs, 1 - 0.5 * tail)
            let iqr = quantile(cdf, xs, 0.75) - quantile(cdf, xs, 0.25)
            let width = 2 * max(iqr, (hi - lo) * 1e-3) * pow(Double(n), -1 / Double(d + 2))
            let count = min(1000, max(4, Int(((hi - lo) / width).rounded(.up))))
            lower.append(lo)
            upper.append(hi > lo ? hi : lo + grid.spacing[a])
            bins.append(count)
        }
        return try HistogramBinning(lower: lower, upper: upper, bins: bins)
    }

    /// Trapezoid CDF of node values with the given spacing, normalised to end at 1.
    static func cumulative(_ values: [Double], spacing h: Double) -> [Double] {
        var cdf = [Double](repeating: 0, count: values.count)
        for i in 1..<values.count { cdf[i] = cdf[i - 1] + 0.5 * h * (values[i - 1] + values[i]) }
        let total = cdf[cdf.count - 1]
        return total > 0 ? cdf.map { $0 / total } : cdf
    }

    /// The `q`-quantile of a piecewise-linear CDF tabulated at `xs`.
    static func quantile(_ cdf: [Double], _ xs: [Double], _ q: Double) -> Double {
        guard let j = cdf.firstIndex(where: { $0 >= q }) else { return xs[xs.count - 1] }
        if j == 0 { return xs[0] }
        let f0 = cdf[j - 1]
        let f1 = cdf[j]
        let w = f1 > f0 ? (q - f0) / (f1 - f0) : 0
        return xs[j - 1] + w * (xs[j] - xs[j - 1])
    }

    /// `∫_bin p` for every bin by tensor Gauss–Legendre quadrature with 6 nodes per axis
    /// (exact for polynomials of degree 11 per axis; for a Gaussian whose width is at least
    /// the bin width the relative error is below 1e-9).
    public func probabilities(of density: any DensityFunction) throws -> [Double] {
        guard density.dimension == dimension else {
            throw InputError("histogram", "has \(dimension) axes, the reference density \(density.dimension)")
        }
        let nodes = GaussLegendre.nodes6
        let weights = GaussLegendre.weights6
        let q = nodes.count
        let d = dimension
        let w = widths
        let binCount = count
        let lower = self.lower
        let bins = self.bins
        var out = [Double](repeating: 0, count: binCount)
        out.withUnsafeMutableBufferPointer { buffer in
            let target = SharedPointer(buffer.baseAddress!)  // safe: ≥ 1 bin
            Parallel.forEachChunk(count: binCount, minimumChunk: 64) { range in
                var x = [Double](repeating: 0, count: d)
                var corner = [Double](repeating: 0, count: d)
                var ids = [Int](repeating: 0, count: d)
                for b in range {
                    var rest = b
                    for a in stride(from: d - 1, through: 0, by: -1) {
                        corner[a] = lower[a] + Double(rest % bins[a]) * w[a]
                        rest /= bins[a]
                    }
                    var total = 0.0
                    let points = Int(pow(Double(q), Double(d)))
                    for p in 0..<points {
                        var r = p
                        var weight = 1.0
                        for a in 0..<d {
                            ids[a] = r % q
                            r /= q
                            x[a] = corner[a] + 0.5 * w[a] * (1 + nodes[ids[a]])
                            weight *= 0.5 * w[a] * weights[ids[a]]
                        }
                        total += weight * x.withUnsafeBufferPointer { density.density(at: $0.baseAddress!) }  // safe: d ≥ 1
                    }
                    target[b] = total
                }
            }
        }
        return out
    }
}

/// Gauss–Legendre rules on [−1, 1].
enum GaussLegendre {
    static let nodes6: [Double] = [
        -0.932_469_514_203_152_0, -0.661_209_386_466_264_5, -0.238_619_186_083_196_9,
        0.238_619_186_083_196_9, 0.661_209_386_466_264_5, 0.932_469_514_203_152_0,
    ]
    static let weights6: [Double] = [
        0.171_324_492_379_170_3, 0.360_761_573_048_138_6, 0.467_913_934_572_691_0,
        0.467_913_934_572_691_0, 0.360_761_573_048_138_6, 0.171_324_492_379_170_3,
    ]
}

/// Bin counts of a sample set.
public struct Histogram: Sendable, Equatable {
    public let binning: HistogramBinning
    public let counts: [Int]
    /// Samples outside the box.
    public let outside: Int
    public var total: Int { counts.reduce(0, +) + outside }

    /// Counts `samples` (point-major, `binning.dimension` per point) on all cores.
    public init(samples: [Double], binning: HistogramBinning) throws {
        let d = binning.dimension
        guard samples.count % d == 0 else {
            throw InputError("samples", "\(samples.count) numbers do not make whole \(d)-D points")
        }
        let n = samples.count / d
        guard n >= 1 else { throw InputError("samples", "a histogram needs at least one sample") }
        try Check.finite(samples, "samples")
        let chunk = 65_536
        let chunks = (n + chunk - 1) / chunk
        let bins = binning.count
        var partial = [Int](repeating: 0, count: chunks * (bins + 1))
        samples.withUnsafeBufferPointer { sp in
            partial.withUnsafeMutableBufferPointer { pp in
                let src = SharedReadPointer(sp.baseAddress!)  // safe: n ≥ 1
                let out = SharedPointer(pp.baseAddress!)
                Parallel.forEachTask(chunks) { c in
                    let base = c * (bins + 1)
                    for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                        if let b = binning.index(of: src.base + i * d) { out[base + b] += 1 } else { out[base + bins] += 1 }
                    }
                }
            }
        }
        var counts = [Int](repeating: 0, count: bins)
        var outside = 0
        for c in 0..<chunks {
            for b in 0..<bins { counts[b] += partial[c * (bins + 1) + b] }
            outside += partial[c * (bins + 1) + bins]
        }
        self.binning = binning
        self.counts = counts
        self.outside = outside
    }

    /// Compares against reference bin probabilities `P_b` (the outside cell gets
    /// `max(0, 1 − ΣP)`).
    public func compare(toProbabilities reference: [Double]) throws -> HistogramComparison {
        guard reference.count == counts.count else {
            throw InputError("reference", "has \(reference.count) bin probabilities for \(counts.count) bins")
        }
        try Check.finite(reference, "reference probabilities")
        guard reference.allSatisfy({ $0 >= 0 }) else {
            throw InputError("reference", "bin probabilities must be ≥ 0")
        }
        let sum = reference.reduce(0, +)
        guard sum <= 1 + 1e-6 else {
            throw InputError(
                "reference", "bin probabilities sum to \(sum) > 1", hint: "the reference density is not normalised")
        }
        let p = reference + [max(0, 1 - sum)]
        let c = counts + [outside]
        return HistogramComparison(counts: c, reference: p)
    }

    /// Compares against a reference density, integrated over each bin.
    public func compare(to reference: any DensityFunction) throws -> HistogramComparison {
        try compare(toProbabilities: try binning.probabilities(of: reference))
    }
}

/// A histogram against reference cell probabilities (the last cell is "outside the box"),
/// with standard errors and the sampling-noise floor.
///
/// Definitions (cells `i` with sample fractions `ρᵢ = cᵢ/n` and reference `Pᵢ`):
/// `TV = ½Σ|ρᵢ − Pᵢ|`, `F = (Σ√(ρᵢPᵢ))²`, `KL = Σρᵢ log(ρᵢ/Pᵢ)`.
///
/// Standard errors are delta-method (multinomial) estimates of the spread of each figure
/// over repeated runs: `Var TV ≈ (1/4n)(1 − (Σρᵢ sgnᵢ)²)`, `Var BC ≈ (1/4n)(Σ_{ρᵢ>0}Pᵢ − BC²)`
/// (`F = BC²`), `Var KL ≈ (1/n)(Σρᵢℓᵢ² − KL²)`, `ℓᵢ = log(ρᵢ/Pᵢ)`. They describe the
/// figure's own scatter; near the noise floor TV is biased upwards by sampling noise, which
/// is what ``noiseFloor`` measures.
///
/// ``noiseFloor`` is the exact expected TV of `n` exact samples,
/// `½Σᵢ E|cᵢ − nPᵢ|/n`, with de Moivre's closed form for the binomial mean absolute
/// deviation `E|X − nP| = 2m·C(n, m)·Pᵐ(1−P)^{n−m+1}`, `m = ⌊nP⌋ + 1`; for `nPᵢ ≫ 1` it is
/// `Σ√(Pᵢ(1−Pᵢ)/(2πn))`. ``noiseFloorStandardDeviation`` is its spread,
/// `½(Σᵢ Var|cᵢ/n − Pᵢ|)^{1/2}` (cell covariances neglected; a test checks it against
/// repeated exact draws).
public struct HistogramComparison: Sendable, Equatable, Codable {
    public var samples: Int
    public var cells: Int
    public var totalVariation: Double
    public var totalVariationStandardError: Double
    public var noiseFloor: Double
    public var noiseFloorStandardDeviation: Double
    public var fidelity: Double
    public var fidelityStandardError: Double
    /// `KL(ρ‖P)`, nil when infinite (a sample in a cell of zero reference probability).
    public var klDivergence: Double?
    public var klStandardError: Double?
    /// The plug-in KL's expected value for exact samples, `(cells with P > 0 − 1)/(2n)`.
    public var klNoiseFloor: Double
    /// The fraction of samples outside the box, and the reference's mass there.
    public var outsideFraction: Double
    public var referenceOutsideMass: Double

    init(counts: [Int], reference p: [Double]) {
        let n = counts.reduce(0, +)
        let nd = Double(n)
        samples = n
        cells = counts.count
        var tv = 0.0
        var signed = 0.0
        var bc = 0.0
        var support = 0.0
        var kl = 0.0
        var kl2 = 0.0
        var klFinite = true
        var floor = 0.0
        var floorVar = 0.0
        var positiveCells = 0
        for i in counts.indices {
            let r = Double(counts[i]) / nd
            let q = p[i]
            let diff = r - q
            tv += abs(diff)
            if diff != 0 { signed += r * (diff > 0 ? 1 : -1) }
            bc += (r * q).squareRoot()
            if r > 0 {
                support += q
                if q > 0 {
                    let l = log(r / q)
                    kl += r * l
                    kl2 += r * l * l
                } else {
                    klFinite = false
                }
            }
            if q > 0 { positiveCells += 1 }
            let mad = Self.binomialMeanAbsoluteDeviation(n: n, p: q) / nd
            floor += mad
            floorVar += max(0, q * (1 - q) / nd - mad * mad)
        }
        totalVariation = 0.5 * tv
        totalVariationStandardError = 0.5 * (max(0, 1 - signed * signed) / nd).squareRoot()
        noiseFloor = 0.5 * floor
        noiseFloorStandardDeviation = 0.5 * floorVar.squareRoot()
        fidelity = bc * bc
        let bcSE = (max(0, support - bc * bc) / (4 * nd)).squareRoot()
        fidelityStandardError = 2 * bc * bcSE
        klDivergence = klFinite ? max(0, kl) : nil
        klStandardError = klFinite ? (max(0, kl2 - kl * kl) / nd).squareRoot() : nil
        klNoiseFloor = Double(max(positiveCells - 1, 0)) / (2 * nd)
        outsideFraction = Double(counts[counts.count - 1]) / nd
        referenceOutsideMass = p[p.count - 1]
    }

    /// How many noise-floor standard deviations the TV lies above the floor.
    public var excessOverFloor: Double {
        noiseFloorStandardDeviation > 0 ? (totalVariation - noiseFloor) / noiseFloorStandardDeviation : 0
    }

    /// `E|X − nP|` for `X ~ Binomial(n, P)` (de Moivre), computed in log space.
    static func binomialMeanAbsoluteDeviation(n: Int, p: Double) -> Double {
        guard n > 0, p > 0, p < 1 else { return 0 }
        let m = Int((Double(n) * p).rounded(.down)) + 1
        guard m <= n else { return 0 }
        let nd = Double(n)
        let md = Double(m)
        let logChoose = lgammaValue(nd + 1) - lgammaValue(md + 1) - lgammaValue(nd - md + 1)
        let logValue = log(2 * md) + logChoose + md * log(p) + (nd - md + 1) * log1p(-p)
        return exp(logValue)
    }
}

/// `log Γ(x)` for x > 0 (GSL).
@inline(__always) func lgammaValue(_ x: Double) -> Double {
    (try? SpecialFunctions.logGamma(x)) ?? .nan
}
