import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

@Suite("Sample metrics: histogram TV and fidelity, noise floor, W₁, energy distance")
struct MetricsTests {
    /// A histogram with counts placed by hand: TV, F and KL by their definitions.
    @Test("TV, fidelity and KL of a known histogram")
    func knownHistogram() throws {
        let binning = try HistogramBinning(lower: [0], upper: [2], bins: [2])
        let histogram = try Histogram(samples: [0.5, 0.5, 0.5, 1.5], binning: binning)
        #expect(histogram.counts == [3, 1] && histogram.outside == 0)
        let c = try histogram.compare(toProbabilities: [0.5, 0.5])
        #expect(abs(c.totalVariation - 0.25) < 1e-15)
        let bc = (0.75 * 0.5).squareRoot() + (0.25 * 0.5).squareRoot()
        #expect(abs(c.fidelity - bc * bc) < 1e-15)
        #expect(abs((c.klDivergence ?? -1) - (0.75 * log(1.5) + 0.25 * log(0.5))) < 1e-15)
        // A sample in a cell the reference gives no mass: KL is infinite.
        let outside = try Histogram(samples: [0.5, 3], binning: binning)
        #expect(outside.outside == 1)
        #expect(try outside.compare(toProbabilities: [0.5, 0.5]).klDivergence == nil)
        // The upper edge belongs to the last bin.
        #expect(try Histogram(samples: [2.0], binning: binning).counts == [0, 1])
    }

    /// The floor uses de Moivre's closed form for the binomial mean absolute deviation; with
    /// two cells of probability p and 1 − p it is E|X − np|/n, compared with the direct sum.
    @Test("the noise floor equals the exact binomial mean absolute deviation")
    func deMoivre() throws {
        let binning = try HistogramBinning(lower: [0], upper: [2], bins: [2])
        for (n, p) in [(17, 0.3), (40, 0.5), (9, 0.05)] {
            let samples = [Double](repeating: 0.5, count: n)
            let c = try Histogram(samples: samples, binning: binning).compare(toProbabilities: [p, 1 - p])
            var direct = 0.0
            for k in 0...n {
                let logChoose =
                    (try SpecialFunctions.logGamma(Double(n + 1))) - (try SpecialFunctions.logGamma(Double(k + 1)))
                    - (try SpecialFunctions.logGamma(Double(n - k + 1)))
                direct += exp(logChoose + Double(k) * log(p) + Double(n - k) * log(1 - p)) * abs(Double(k) - Double(n) * p)
            }
            #expect(abs(c.noiseFloor - direct / Double(n)) < 1e-12, "n = \(n), p = \(p)")
        }
    }

    /// Exact samples over 40 seeds: the mean TV must match the predicted floor within 4
    /// standard errors of the mean (sd/√40), and the observed spread must match the predicted
    /// one within a factor 1.5 (the prediction neglects the weak negative cell covariances).
    @Test("exact samples sit at the predicted floor with the predicted spread")
    func floorOfExactSamples() throws {
        let n = 10_000
        var tvs: [Double] = []
        var floor = 0.0
        var sd = 0.0
        for seed in 1...40 {
            let samples = triMixture.sample(count: n, stream: try RandomStream(seed: UInt64(seed)))
            let c = try compareToReference(samples, triMixture, box: line)
            tvs.append(c.totalVariation)
            floor = c.noiseFloor
            sd = c.noiseFloorStandardDeviation
        }
        let (mean, variance) = moments(tvs)
        #expect(abs(mean - floor) < 4 * sd / 40.0.squareRoot(), "mean TV \(mean), floor \(floor)")
        #expect(variance.squareRoot() > sd / 1.5 && variance.squareRoot() < sd * 1.5, "sd \(variance.squareRoot()) vs \(sd)")
    }

    /// Far above the floor the delta-method errors describe the run-to-run scatter: samples of
    /// N(0.3, 1) against N(0, 1) (TV ≈ 0.12) over 40 seeds; observed sd within a factor 1.5.
    @Test("delta-method standard errors of TV and fidelity match the scatter over seeds")
    func standardErrors() throws {
        let shifted = try GaussianMixture.gaussian(mean: [0.3], covariance: [1])
        let target = try GaussianMixture.gaussian(mean: [0], covariance: [1])
        var tvs: [Double] = []
        var fs: [Double] = []
        var tvSE = 0.0
        var fSE = 0.0
        for seed in 1...40 {
            let c = try compareToReference(
                shifted.sample(count: 20_000, stream: try RandomStream(seed: UInt64(100 + seed))), target, box: line)
            tvs.append(c.totalVariation)
            fs.append(c.fidelity)
            tvSE = c.totalVariationStandardError
            fSE = c.fidelityStandardError
        }
        let tvSD = moments(tvs).variance.squareRoot()
        let fSD = moments(fs).variance.squareRoot()
        #expect(tvSD > tvSE / 1.5 && tvSD < tvSE * 1.5, "TV sd \(tvSD) vs SE \(tvSE)")
        #expect(fSD > fSE / 1.5 && fSD < fSE * 1.5, "F sd \(fSD) vs SE \(fSE)")
    }

    /// One sample at `a` against N(0, 1): W₁ = E|X − a| = 2φ(a) + a(2Φ(a) − 1) exactly; the
    /// tabulated CDF (2¹⁴ intervals on [−8, 8]) is accurate to ~1e-8.
    @Test("W₁ is exact for a single sample and unbiased for a shifted Gaussian")
    func wasserstein() throws {
        for a in [-1.3, 0.0, 0.4, 2.5] {
            let w = try SampleDistances.wasserstein1(samples: [a], cdf: normalCDF, lower: -8, upper: 8)
            let exact = 2 * exp(-0.5 * a * a) / (2 * Double.pi).squareRoot() + a * (2 * normalCDF(a) - 1)
            #expect(abs(w.value - exact) < 1e-7, "a = \(a): \(w.value) vs \(exact)")
        }
        // Samples of N(0.5, 1): population W₁ to N(0, 1) is 0.5; the estimate's bias is
        // O(n^{−1/2}) well below 5 standard errors here, whose size is ~1/√n.
        let samples = try GaussianMixture.gaussian(mean: [0.5], covariance: [1]).sample(
            count: 100_000, stream: try RandomStream(seed: 3))
        let w = try SampleDistances.wasserstein1(samples: samples, cdf: normalCDF, lower: -8, upper: 8)
        #expect(abs(w.value - 0.5) < 5 * w.standardError && w.standardError < 0.01, "W1 \(w.value) ± \(w.standardError)")
        // From a density by quadrature: the same number.
        let viaDensity = try SampleDistances.wasserstein1(
            samples: samples, reference: LandscapeDensity(try GaussianMixture.gaussian(mean: [0], covariance: [1])), lower: -8,
            upper: 8)
        #expect(abs(viaDensity.value - w.value) < 1e-6)
        #expect(throws: InputError.self) { try SampleDistances.wasserstein1(samples: [], cdf: normalCDF, lower: -8, upper: 8) }
        #expect(throws: InputError.self) {
            try SampleDistances.wasserstein1(samples: [.nan], cdf: normalCDF, lower: -8, upper: 8)
        }
    }

    /// The energy statistic against its O(n²) definition (U-statistic) on small sets: exact in
    /// 1-D (sorting) and in 2-D when every point is used; then its behaviour on large sets.
    @Test("energy distance: exact against the pairwise definition; ≈ 0 for one law, > 0 for two")
    func energyDistance() throws {
        func brute(_ x: [Double], _ y: [Double], _ d: Int) -> Double {
            func dist(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
                zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            }
            let n = x.count / d
            let m = y.count / d
            var xy = 0.0
            var xx = 0.0
            var yy = 0.0
            for i in 0..<n { for j in 0..<m { xy += dist(x[(i * d)..<((i + 1) * d)], y[(j * d)..<((j + 1) * d)]) } }
            for i in 0..<n { for j in 0..<n where i != j { xx += dist(x[(i * d)..<((i + 1) * d)], x[(j * d)..<((j + 1) * d)]) } }
            for i in 0..<m { for j in 0..<m where i != j { yy += dist(y[(i * d)..<((i + 1) * d)], y[(j * d)..<((j + 1) * d)]) } }
            return 2 * xy / Double(n * m) - xx / Double(n * (n - 1)) - yy / Double(m * (m - 1))
        }
        let x1 = doubleWell.sample(count: 50, stream: try RandomStream(seed: 1))
        let y1 = triMixture.sample(count: 60, stream: try RandomStream(seed: 2))
        #expect(abs(try SampleDistances.energyDistance(x1, y1, dimension: 1).value - brute(x1, y1, 1)) < 1e-12)
        let x2 = twoMoons.sample(count: 40, stream: try RandomStream(seed: 3))
        let y2 = coupledOscillator.sample(count: 45, stream: try RandomStream(seed: 4))
        #expect(abs(try SampleDistances.energyDistance(x2, y2, dimension: 2).value - brute(x2, y2, 2)) < 1e-12)
        // Same law: within 4 standard errors of 0. Different laws: many standard errors above.
        let a = twoMoons.sample(count: 20_000, stream: try RandomStream(seed: 5))
        let b = twoMoons.sample(count: 20_000, stream: try RandomStream(seed: 6))
        let same = try SampleDistances.energyDistance(a, b, dimension: 2, maxPoints: 3000)
        #expect(abs(same.value) < 4 * same.standardError && same.samplesUsed == 3000)
        // Two-moons shifted by 0.3 along x: D² ≈ 0.05, against a standard error ~2e-3.
        let shifted = twoMoons.sample(count: 20_000, stream: try RandomStream(seed: 7)).enumerated().map {
            $0.offset % 2 == 0 ? $0.element + 0.3 : $0.element
        }
        let different = try SampleDistances.energyDistance(shifted, b, dimension: 2, maxPoints: 3000)
        #expect(different.value > 4 * different.standardError)
        // The group standard error describes the scatter over subsamples (12 subsample seeds;
        // the observed sd must lie within a factor 2 of the reported error).
        let values = try (1...12).map {
            try SampleDistances.energyDistance(shifted, b, dimension: 2, maxPoints: 3000, seed: UInt64($0)).value
        }
        let sd = moments(values).variance.squareRoot()
        #expect(sd > different.standardError / 2 && sd < different.standardError * 2, "sd \(sd) vs SE \(different.standardError)")
        #expect(throws: InputError.self) { try SampleDistances.energyDistance([1, 2, 3], b, dimension: 2) }
    }

    @Test("automatic binning holds the reference mass and follows Freedman–Diaconis")
    func automaticBinning() throws {
        let law = try GridLaw.tabulate(doubleWell, on: line)
        let binning = try HistogramBinning.automatic(reference: law, samples: 100_000)
        let mass = try binning.probabilities(of: LandscapeDensity(doubleWell)).reduce(0, +)
        #expect(abs(mass - (1 - 1e-4)) < 2e-6)
        // IQR of the double well: quartiles at ±2 (to 1e-3), so h ≈ 2·4·n^{−1/3} ≈ 0.172.
        #expect(abs(binning.widths[0] - 8 * pow(100_000, -1.0 / 3)) < 0.01)
        let fewer = try HistogramBinning.automatic(reference: law, samples: 1000)
        #expect(fewer.count < binning.count)
    }

    /// `SampleMetrics.evaluate` bundles the figures: exact draws of p₀ sit at the floor, with
    /// W₁ in 1-D and the energy distance (against independent exact draws) in 2-D within 4
    /// standard errors of their sampling scale.
    @Test("SampleMetrics.evaluate: histogram, W₁ (1-D) and energy distance (2-D) for exact draws")
    func evaluateBundle() throws {
        let oneD = try SampleMetrics.evaluate(
            samples: triMixture.sample(count: 50_000, stream: try RandomStream(seed: 61)), reference: triMixture, grid: line)
        expectAtFloor(oneD.histogram, "tri-mix exact draws")
        let w = try #require(oneD.wasserstein1)
        #expect(w.value < 0.02 && oneD.energyDistance == nil)
        let twoD = try SampleMetrics.evaluate(
            samples: twoMoons.sample(count: 50_000, stream: try RandomStream(seed: 62)), reference: twoMoons, grid: moonsBox)
        expectAtFloor(twoD.histogram, "two-moons exact draws")
        let e = try #require(twoD.energyDistance)
        #expect(abs(e.value) < 4 * e.standardError && twoD.wasserstein1 == nil)
        #expect(throws: InputError.self) {
            try SampleMetrics.evaluate(samples: [0.1, 0.2, 0.3], reference: twoMoons, grid: moonsBox)
        }
    }

    @Test("bad histogram input gets one clear error")
    func inputErrors() throws {
        #expect(throws: InputError.self) { try HistogramBinning(lower: [0], upper: [1], bins: [0]) }
        #expect(throws: InputError.self) { try HistogramBinning(lower: [1], upper: [1], bins: [3]) }
        #expect(throws: InputError.self) { try HistogramBinning(lower: [0, 0, 0, 0], upper: [1, 1, 1, 1], bins: [2, 2, 2, 2]) }
        let binning = try HistogramBinning(lower: [0], upper: [1], bins: [4])
        #expect(throws: InputError.self) { try Histogram(samples: [], binning: binning) }
        #expect(throws: InputError.self) { try Histogram(samples: [.infinity], binning: binning) }
        let h = try Histogram(samples: [0.1, 0.2], binning: binning)
        #expect(throws: InputError.self) { try h.compare(toProbabilities: [0.5, 0.5]) }
        #expect(throws: InputError.self) { try h.compare(toProbabilities: [0.5, 0.5, 0.5, 0.5]) }
        #expect(throws: InputError.self) { try h.compare(to: LandscapeDensity(twoMoons)) }
        #expect(throws: InputError.self) {
            try HistogramBinning.automatic(reference: try GridLaw.tabulate(doubleWell, on: line), samples: 0)
        }
    }
}
