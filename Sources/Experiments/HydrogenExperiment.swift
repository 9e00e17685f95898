import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Landscapes
import Quantum
import Reports

/// Experiment 1 of Halmos & Hanin (docs/theory.md §2.5): the Score Hamiltonian of the hydrogen 1s
/// orbital `p ∝ e^{−2r}` is the hydrogen Hamiltonian shifted by its ground energy, with levels
/// `1 − 1/n²` in every angular-momentum channel `l` (`n = l+1, l+2, …`). The experiment
/// computes those levels (a) from the exact score `s = −2r̂` and (b) from scores learned from
/// `samples` exact samples of the orbital (``LearnedRadialScore``, score matching with a
/// cross-validated ridge), over `replicas` independent sample sets, in channels `l = 0, 1`.
///
/// What it measures: the discretisation error (exact score against the closed form, on the
/// same radial grid) and the statistical error (learned against exact, same grid), so the
/// two are not confused.
public struct HydrogenExperiment: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// Radial grid: `r_max` and interior nodes (`h = r_max/(points+1)`).
        public var rMax: Double
        public var points: Int
        /// Channels and how many levels per channel.
        public var channels: [Int]
        public var levels: Int
        /// Samples per learned score and the number of independent sample sets.
        public var samples: Int
        public var replicas: Int
        /// Basis functions of the learned radial score.
        public var basisSize: Int
        public var seed: UInt64

        public static func preset(_ size: ExperimentSize, seed: UInt64) -> Settings {
            switch size {
            // r_max = 150 holds n ≤ 6 (⟨r⟩ = 1.5n² = 54, tail e^{−r/n}); h = 0.01.
            case .full:
                return Settings(
                    rMax: 150, points: 14_999, channels: [0, 1], levels: 5, samples: 100_000, replicas: 8, basisSize: 4,
                    seed: seed)
            case .quick:
                return Settings(
                    rMax: 100, points: 4999, channels: [0, 1], levels: 4, samples: 100_000, replicas: 2, basisSize: 4, seed: seed
                )
            }
        }
    }

    /// One level in one channel.
    public struct Level: Sendable, Codable, Equatable {
        public var channel: Int
        /// Principal quantum number `n`.
        public var n: Int
        /// `1 − 1/n²`.
        public var closedForm: Double
        /// The exact score's Score Hamiltonian on the grid.
        public var exactScore: Double
        /// The learned scores' levels: one per replica, their mean and standard deviation.
        public var learned: [Double]
        public var learnedMean: Double
        public var learnedStandardDeviation: Double
        /// `|exact − closed form| / closed form` (discretisation).
        public var exactRelativeError: Double
        /// `|learned mean − exact| / exact` (statistics of the learned score).
        public var learnedRelativeError: Double
        /// The same basis fitted without the ridge (plain score matching, `λ = 0`).
        public var unregularised: [Double]
        public var unregularisedMean: Double
        public var unregularisedStandardDeviation: Double
        public var unregularisedRelativeError: Double

        enum CodingKeys: String, CodingKey {
            case channel, n, closedForm, exactScore, learned, learnedMean, exactRelativeError, learnedRelativeError
            case unregularised, unregularisedMean, unregularisedRelativeError
            // The standard deviations are abbreviated (the rest is the encoder's snake case).
            case learnedStandardDeviation = "learned_sd"
            case unregularisedStandardDeviation = "unregularised_sd"
        }
    }

    /// One learned score: its coefficients and the radial score sampled for the figure.
    public struct LearnedFit: Sendable, Codable, Equatable {
        public var replica: Int
        public var seed: UInt64
        public var coefficients: [Double]
        public var ridge: Double
        /// `f(r) = ∂_r log p` at ``Result/radii`` (exact: −2).
        public var radialScore: [Double]
        /// The unregularised fit on the same samples.
        public var unregularisedCoefficients: [Double]
        public var unregularisedRadialScore: [Double]
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var levels: [Level]
        public var fits: [LearnedFit]
        public var radii: [Double]
        /// Largest `exactRelativeError` over the levels with `n > 1` (n = 1 is 0 exactly).
        public var maxExactRelativeError: Double
        /// Largest `learnedRelativeError` (n > 1).
        public var maxLearnedRelativeError: Double
        /// Largest `unregularisedRelativeError` (n > 1).
        public var maxUnregularisedRelativeError: Double
        /// RMS over replicas of the learned first excited level's relative error, `E₁ = 0.75`.
        public var learnedE1RMSRelativeError: Double
        /// Largest |learned mean − exact| in units of its standard error (sd/√replicas); nil
        /// with fewer than 4 replicas.
        public var maxDeviationInStandardErrors: Double?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case settings, levels, fits, radii, seconds, maxDeviationInStandardErrors
            case maxExactRelativeError, maxLearnedRelativeError, maxUnregularisedRelativeError
            // Snake case alone would run the acronyms together (`learned_e1rms_…`).
            case learnedE1RMSRelativeError = "learned_e1_rms_relative_error"
        }
    }

    public var settings: Settings

    public init(settings: Settings) throws {
        guard settings.replicas >= 1, settings.replicas <= 1000 else {
            throw InputError("replicas", "must be 1…1000 (got \(settings.replicas))")
        }
        guard settings.levels >= 2, settings.levels <= 20 else {
            throw InputError("levels", "must be 2…20 (got \(settings.levels))")
        }
        guard !settings.channels.isEmpty, settings.channels.allSatisfy({ (0...5).contains($0) }) else {
            throw InputError("channels", "must be a non-empty list of l in 0…5")
        }
        _ = try RadialGrid(rMax: settings.rMax, points: settings.points)
        self.settings = settings
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let s = settings
        let grid = try RadialGrid(rMax: s.rMax, points: s.points)
        let orbital = try HydrogenOrbital()
        var exact: [Int: [Double]] = [:]
        for l in s.channels {
            exact[l] = try ScoreHamiltonian.hamiltonian(of: orbital, on: grid, angularMomentum: l).lowestLevels(s.levels).energies
        }
        var learnedLevels: [Int: [[Double]]] = [:]  // channel → replica → levels
        var freeLevels: [Int: [[Double]]] = [:]  // the same without the ridge
        var fits: [LearnedFit] = []
        let radii = (0...60).map { 0.25 * Double($0) }
        for r in 0..<s.replicas {
            progress?("hydrogen: learned score \(r + 1)/\(s.replicas)")
            let seed = RandomStream.derivedSeed(s.seed, stream: UInt64(r))
            let samples = orbital.sample(count: s.samples, stream: try RandomStream(seed: seed))
            let learned = try LearnedRadialScore(samples: samples, basisSize: s.basisSize, seed: seed)
            let free = try LearnedRadialScore(samples: samples, basisSize: s.basisSize, seed: seed, regularised: false)
            for l in s.channels {
                learnedLevels[l, default: []].append(
                    try ScoreHamiltonian.hamiltonian(of: learned, on: grid, angularMomentum: l).lowestLevels(s.levels).energies)
                freeLevels[l, default: []].append(
                    try ScoreHamiltonian.hamiltonian(of: free, on: grid, angularMomentum: l).lowestLevels(s.levels).energies)
            }
            fits.append(
                LearnedFit(
                    replica: r, seed: seed, coefficients: learned.coefficients, ridge: learned.fit.ridge,
                    radialScore: radii.map { learned.radialScore($0) }, unregularisedCoefficients: free.coefficients,
                    unregularisedRadialScore: radii.map { free.radialScore($0) }))
        }
        var levels: [Level] = []
        for l in s.channels {
            let closed = orbital.exactLevels(angularMomentum: l, count: s.levels)
            func moments(_ values: [Double]) -> (Double, Double) {
                let mean = values.reduce(0, +) / Double(values.count)
                let sd =
                    values.count > 1
                    ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot() : 0
                return (mean, sd)
            }
            for k in 0..<s.levels {
                let values = (learnedLevels[l] ?? []).map { $0[k] }
                let freeValues = (freeLevels[l] ?? []).map { $0[k] }
                let (mean, sd) = moments(values)
                let (freeMean, freeSD) = moments(freeValues)
                let e = exact[l]?[k] ?? .nan
                levels.append(
                    Level(
                        channel: l, n: l + 1 + k, closedForm: closed[k], exactScore: e, learned: values, learnedMean: mean,
                        learnedStandardDeviation: sd,
                        exactRelativeError: closed[k] > 0 ? abs(e - closed[k]) / closed[k] : abs(e),
                        learnedRelativeError: e > 0 ? abs(mean - e) / e : abs(mean - e), unregularised: freeValues,
                        unregularisedMean: freeMean, unregularisedStandardDeviation: freeSD,
                        unregularisedRelativeError: e > 0 ? abs(freeMean - e) / e : abs(freeMean - e)))
            }
        }
        let excited = levels.filter { $0.n > 1 }
        let e1 = (learnedLevels[s.channels.contains(0) ? 0 : s.channels[0]] ?? []).map { $0[s.channels.contains(0) ? 1 : 0] }
        let e1Exact = 0.75
        let rms = (e1.reduce(0) { $0 + pow(($1 - e1Exact) / e1Exact, 2) } / Double(max(e1.count, 1))).squareRoot()
        var deviation: Double? = nil
        if s.replicas >= 4 {  // a standard deviation from fewer sets says little
            deviation = excited.map {
                abs($0.learnedMean - $0.exactScore) / ($0.learnedStandardDeviation / Double(s.replicas).squareRoot())
            }
            .max()
        }
        return Result(
            settings: s, levels: levels, fits: fits, radii: radii,
            maxExactRelativeError: excited.map(\.exactRelativeError).max() ?? 0,
            maxLearnedRelativeError: excited.map(\.learnedRelativeError).max() ?? 0,
            maxUnregularisedRelativeError: excited.map(\.unregularisedRelativeError).max() ?? 0, learnedE1RMSRelativeError: rms,
            maxDeviationInStandardErrors: deviation, seconds: Date().timeIntervalSince(start))
    }
}

extension HydrogenExperiment.Result {
    public func artefacts() throws -> ExperimentArtefacts {
        let s = settings
        // Figure 1: binding energies 1 − E_n against n (log-log): the Rydberg series 1/n².
        var levelsPlot = SVGPlot(
            title: "Rydberg series of the Score Hamiltonian", xLabel: "n", yLabel: "1 − E_n", xScale: .log, yScale: .log)
        let nMax = (levels.map(\.n).max() ?? 6)
        let dense = stride(from: 1.6, through: Double(nMax) + 0.4, by: 0.05).map { $0 }
        levelsPlot.series.append(
            PlotSeries(label: "1/n² (exact)", x: dense, y: dense.map { 1 / ($0 * $0) }, dashed: true, markers: false))
        for l in s.channels {
            let rows = levels.filter { $0.channel == l && $0.n > 1 }
            levelsPlot.series.append(
                PlotSeries(label: "exact s, l=\(l)", x: rows.map { Double($0.n) }, y: rows.map { 1 - $0.exactScore }))
            levelsPlot.series.append(
                PlotSeries(
                    label: "learned, l=\(l)", x: rows.map { Double($0.n) * 1.015 }, y: rows.map { 1 - $0.learnedMean },
                    errors: rows.map(\.learnedStandardDeviation)))
        }
        // Figure 2: relative errors against n.
        var errorPlot = SVGPlot(title: "Relative error of the levels", xLabel: "n", yLabel: "relative error", yScale: .log)
        for l in s.channels {
            let rows = levels.filter { $0.channel == l && $0.n > 1 }
            errorPlot.series.append(
                PlotSeries(
                    label: "grid, l=\(l)", x: rows.map { Double($0.n) }, y: rows.map { max($0.exactRelativeError, 1e-16) }))
            errorPlot.series.append(
                PlotSeries(label: "learned, l=\(l)", x: rows.map { Double($0.n) }, y: rows.map(\.learnedRelativeError)))
            errorPlot.series.append(
                PlotSeries(
                    label: "learned λ=0, l=\(l)", x: rows.map { Double($0.n) }, y: rows.map(\.unregularisedRelativeError),
                    dashed: true))
        }
        // Figure 3: the learned radial scores.
        var scorePlot = SVGPlot(title: "Learned radial score f(r) = ∂r log p", xLabel: "r (Bohr radii)", yLabel: "f(r)")
        scorePlot.series.append(PlotSeries(label: "exact: −2", x: radii, y: radii.map { _ in -2 }, dashed: true, markers: false))
        for fit in fits.prefix(3) {
            scorePlot.series.append(
                PlotSeries(label: "CV ridge, set \(fit.replica)", x: radii, y: fit.radialScore, markers: false))
            scorePlot.series.append(
                PlotSeries(label: "λ=0, set \(fit.replica)", x: radii, y: fit.unregularisedRadialScore, markers: false))
        }

        var table = CSVTable(
            header: [
                "channel", "n", "closed_form", "exact_score", "learned_mean", "learned_sd", "unregularised_mean",
                "unregularised_sd", "exact_relative_error", "learned_relative_error", "unregularised_relative_error",
            ])
        for row in levels {
            table.append([
                "\(row.channel)", "\(row.n)", Format.general(row.closedForm, 12), Format.general(row.exactScore, 12),
                Format.general(row.learnedMean, 12), Format.general(row.learnedStandardDeviation, 6),
                Format.general(row.unregularisedMean, 8), Format.general(row.unregularisedStandardDeviation, 6),
                Format.sci(row.exactRelativeError), Format.sci(row.learnedRelativeError),
                Format.sci(row.unregularisedRelativeError),
            ])
        }

        var report = HTMLReport(title: "Experiment 1 — hydrogen: Score-Hamiltonian levels against 1 − 1/n²")
        report.paragraph(
            "The Score Hamiltonian H = −∇² + ¼|s|² + ½∇·s of the 1s orbital p ∝ e^{−2r} is the hydrogen Hamiltonian (Rydberg units) shifted by 1: levels 1 − 1/n² in every channel l, n = l+1, l+2, … (docs/theory.md §2.5). Levels from the exact score s = −2r̂ and from scores learned from \(s.samples) samples (\(s.replicas) independent sample sets; radial score-matching basis f(r) = θ₀ + Σ θ_k e^{−kr/ℓ} of \(s.basisSize) functions, with the cross-validated ridge on the decaying terms and, for comparison, without it, λ = 0), on one radial grid (r ≤ \(Format.general(s.rMax)), h = \(Format.general(s.rMax / Double(s.points + 1))))."
        )
        report.plots([levelsPlot, errorPlot])
        report.plot(scorePlot)
        report.table(header: table.header, rows: table.rows)
        report.paragraph(
            "Discretisation: max relative error of the exact-score levels (n > 1) \(Format.sci(maxExactRelativeError, 2)). Learned: max relative error \(Format.sci(maxLearnedRelativeError, 2)) with the ridge (cross-validation keeps only θ₀, and the exact score −2 lies in that one-parameter family, so the learned spectrum is the exact one scaled by (θ₀/2)²: the error is the statistical error of θ₀), \(Format.sci(maxUnregularisedRelativeError, 2)) without it (the decaying terms then absorb sampling noise near the origin, and the far-tail rate θ₀ that sets the excited levels, which live where the 1s density is 1e-4 of its peak, is poorly determined), RMS over replicas of E₁'s relative error \(Format.sci(learnedE1RMSRelativeError, 2))\(maxDeviationInStandardErrors.map { "; the largest deviation of a learned mean from the exact level is \(Format.fixed($0, 2)) standard errors" } ?? "")."
        )
        var headline: [(String, String)] = [
            ("levels", "channels \(s.channels.map(String.init).joined(separator: ", ")), n up to \(nMax)"),
            ("exact score vs 1 − 1/n²", "max relative error \(Format.sci(maxExactRelativeError, 2)) (grid)"),
            (
                "learned vs exact score",
                "max relative error \(Format.sci(maxLearnedRelativeError, 2)) (\(s.replicas) × \(s.samples) samples)"
            ),
            ("learned, no ridge (λ = 0)", "max relative error \(Format.sci(maxUnregularisedRelativeError, 2))"),
            ("learned E₁ (0.75)", "RMS relative error \(Format.sci(learnedE1RMSRelativeError, 2))"),
        ]
        if let d = maxDeviationInStandardErrors {
            headline.append(("largest deviation", "\(Format.fixed(d, 2)) standard errors"))
        }
        return ExperimentArtefacts(
            name: ExperimentName.hydrogen.rawValue, report: report,
            figures: [("hydrogen-levels", levelsPlot), ("hydrogen-errors", errorPlot), ("hydrogen-learned-score", scorePlot)],
            tables: [("hydrogen", table)], json: try encodedJSON(), headline: headline)
    }
}
