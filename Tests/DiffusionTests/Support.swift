import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

// Landscapes of the "Done when" (safe in tests: valid by inspection; a failure would
// show as a test crash, never on a user path).

/// ½N(−2, 0.5²) + ½N(2, 0.5²).
let doubleWell = try! GaussianMixture(weights: [0.5, 0.5], means: [[-2], [2]], standardDeviations: [0.5, 0.5])
/// Weights 0.2, 0.5, 0.3; means −3, 0.5, 2.5; standard deviations 0.4, 0.7, 0.3.
let triMixture = try! GaussianMixture(
    weights: [0.2, 0.5, 0.3], means: [[-3], [0.5], [2.5]], standardDeviations: [0.4, 0.7, 0.3])
/// The default two-moons mixture: 16 components per arc, σ = 0.1.
let twoMoons = try! GaussianMixture.twoMoons()
/// The coupled oscillator `N(0, [[1, .8], [.8, 1]])` (docs/theory.md §2.5).
let coupledOscillator = try! GaussianMixture.gaussian(mean: [0, 0], covariance: [1, 0.8, 0.8, 1])

/// A 1-D grid that holds the OU prior N(0, 1) and both 1-D mixtures (wall values < 1e-12).
let line = try! UniformGrid(lower: -8, upper: 8, points: 801)
/// A 2-D box around two-moons for the histogram range (the binning needs only its quantiles).
let moonsBox = try! UniformGrid(lower: [-2, -1.5], upper: [3, 2], points: [101, 71])

/// `Φ(z)`.
func normalCDF(_ z: Double) -> Double { 0.5 * SpecialFunctions.erfc(-z / 2.0.squareRoot()) }

/// The CDF of a 1-D Gaussian mixture.
func mixtureCDF(_ p: GaussianMixture, _ x: Double) -> Double {
    p.components.reduce(0) { $0 + $1.weight * normalCDF((x - $1.mean[0]) / $1.covariance[0].squareRoot()) }
}

/// The quantile of a 1-D mixture by bisection to 1e-14.
func mixtureQuantile(_ p: GaussianMixture, _ q: Double) -> Double {
    var lo = -50.0
    var hi = 50.0
    for _ in 0..<200 {
        let mid = 0.5 * (lo + hi)
        if mixtureCDF(p, mid) < q { lo = mid } else { hi = mid }
        if hi - lo < 1e-14 { break }
    }
    return 0.5 * (lo + hi)
}

/// The histogram comparison of samples against `p₀` with the automatic binning.
func compareToReference(
    _ samples: [Double], _ p0: GaussianMixture, box: UniformGrid, reference: (any DensityFunction)? = nil
) throws -> HistogramComparison {
    let n = samples.count / p0.dimension
    let binning = try HistogramBinning.automatic(reference: try GridLaw.tabulate(p0, on: box), samples: n)
    let histogram = try Histogram(samples: samples, binning: binning)
    return try histogram.compare(to: reference ?? LandscapeDensity(p0))
}

/// "At the histogram-noise floor": TV no more than 4 standard deviations of the floor above
/// the floor (one-sided; for exact samples the chance to exceed it is ≈ 3e-5).
func expectAtFloor(_ c: HistogramComparison, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(
        c.totalVariation <= c.noiseFloor + 4 * c.noiseFloorStandardDeviation,
        "\(label): TV \(c.totalVariation) vs floor \(c.noiseFloor) ± \(c.noiseFloorStandardDeviation) (excess \(c.excessOverFloor) sd)",
        sourceLocation: sourceLocation)
}
