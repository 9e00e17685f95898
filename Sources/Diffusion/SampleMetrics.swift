import AdiabatCore
import Foundation
import GSLKit
import Landscapes

/// Every sample-based figure for one sample set against `p₀`, each with its standard error.
public struct SampleQuality: Sendable, Codable {
    /// TV, fidelity and KL of the histogram (automatic binning), with the noise floor.
    public var histogram: HistogramComparison
    /// Exact 1-D Wasserstein-1 (1-D only).
    public var wasserstein1: SampleDistance?
    /// Energy distance against exact draws of `p₀` (2-D and 3-D, when `p₀` can be sampled
    /// exactly, i.e. a Gaussian mixture).
    public var energyDistance: SampleDistance?
}

/// One call for the comparisons a report needs.
public enum SampleMetrics {
    /// Compares `samples` (point-major) with the landscape `p₀`.
    ///
    /// - The histogram uses ``HistogramBinning/automatic(reference:samples:)`` from `p₀`
    ///   tabulated on `grid`. Bin probabilities come from `p₀`'s own normalised density for
    ///   Gaussian mixtures, and from the grid tabulation (normalised there, read as its
    ///   multilinear interpolant) for other landscapes, whose log-density may lack its
    ///   normalising constant.
    /// - W₁ (1-D) uses the same reference density's CDF on `grid`'s range.
    /// - The energy distance (2-D/3-D) uses `min(n, 4000)`-point subsets of the samples and of
    ///   exact draws of `p₀` (seeded by `seed`).
    public static func evaluate(samples: [Double], reference p0: any Landscape, grid: UniformGrid, seed: UInt64 = 1) throws
        -> SampleQuality
    {
        let d = p0.dimension
        guard grid.dimension == d else {
            throw InputError("grid", "has dimension \(grid.dimension), the landscape \(d)")
        }
        guard samples.count % d == 0, samples.count >= d else {
            throw InputError("samples", "\(samples.count) numbers do not make at least one \(d)-D point")
        }
        let n = samples.count / d
        let law = try GridLaw.tabulate(p0, on: grid)
        let density: any DensityFunction = p0 is GaussianMixture ? LandscapeDensity(p0) : law
        let binning = try HistogramBinning.automatic(reference: law, samples: n)
        let histogram = try Histogram(samples: samples, binning: binning).compare(to: density)
        var quality = SampleQuality(histogram: histogram, wasserstein1: nil, energyDistance: nil)
        if d == 1 {
            quality.wasserstein1 = try SampleDistances.wasserstein1(
                samples: samples, reference: density, lower: grid.lower[0], upper: grid.upper[0])
        } else if let mixture = p0 as? GaussianMixture, n >= 20 {
            let m = min(n, 4000)
            let exact = mixture.sample(count: m, stream: try RandomStream(seed: RandomStream.derivedSeed(seed, stream: 0xE)))
            quality.energyDistance = try SampleDistances.energyDistance(samples, exact, dimension: d, maxPoints: m, seed: seed)
        }
        return quality
    }
}
