import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Problems
import Quantum
import Reports

/// Santoro, Martoňák, Tosatti and Car (Science 295, 2427, 2002): on a 2-D ±J spin glass the
/// residual energy per spin left by quantum annealing, simulated by path-integral Monte Carlo
/// (SQA), falls faster with the annealing time `τ` than that of simulated annealing (SA). They
/// fitted `ε_res(τ) ∝ (ln τ)^(−ζ)` and found `ζ_SA ≈ 2` (Huse–Fisher) and `ζ_QA ≈ 6` on an
/// 80×80 lattice with `τ` up to 10⁵–10⁶ Monte Carlo steps.
///
/// Here: a planted ±J torus (``SpinGlassInstances/plantedSquareGlass(side:frustratedFraction:seed:)``,
/// so `E₀` is exact at any size, where the paper took exact ground states from a solver), and for
/// each `τ` (sweeps) `reads` independent runs of
///
/// - SA: adiabat's simulated annealing with its default geometric β schedule and range (one
///   sweep = `n` Metropolis updates);
/// - SQA: adiabat's path-integral annealing on the linear path `H(s) = −(1 − s)Σσx + sH_P`
///   with `M` slices and the default `β = M/J_rms` (each slice at `T = 1`; one sweep = `nM`
///   updates plus the world-line cluster moves), each read reporting its lowest-energy slice.
///
/// `ε_res = (⟨E⟩ − E₀)/n` with the standard error over reads; `ζ` is the slope of the fit
/// `log ε_res = a − ζ log ln τ` (weighted equally), with its standard error.
public struct SantoroExperiment: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// The lattice side `L` (`L²` spins, even).
        public var side: Int
        /// Annealing times in sweeps.
        public var sweeps: [Int]
        /// Independent reads per point.
        public var reads: Int
        /// Trotter slices of SQA.
        public var slices: Int
        public var frustratedFraction: Double
        public var seed: UInt64

        public static func preset(_ size: ExperimentSize, seed: UInt64 = 1) -> Settings {
            switch size {
            case .full:
                return Settings(
                    side: 32, sweeps: [10, 30, 100, 300, 1000, 3000, 10000], reads: 16, slices: 20, frustratedFraction: 0.5,
                    seed: seed)
            case .quick:
                return Settings(side: 8, sweeps: [10, 30, 100, 300], reads: 64, slices: 8, frustratedFraction: 0.5, seed: seed)
            }
        }

        /// The paper's lattice, 80×80 (6400 spins), opt-in (`reproduce santoro --paper`): τ from 10
        /// to 10⁴ sweeps (the paper went to 10⁵–10⁶), 8 reads, 20 slices; measured in
        /// docs/experiments.md (5.9 min of CPU, 22.5 min of wall on the loaded machine; SQA's
        /// 10⁴ sweeps dominate).
        public static func paper(seed: UInt64 = 1) -> Settings {
            Settings(
                side: 80, sweeps: [10, 30, 100, 300, 1000, 3000, 10000], reads: 8, slices: 20, frustratedFraction: 0.5,
                seed: seed)
        }
    }

    public struct Point: Sendable, Codable, Equatable {
        public var method: String
        public var sweeps: Int
        public var residualEnergyPerSpin: Double
        public var stderr: Double
        /// Fraction of reads at the planted ground energy.
        public var groundStateProbability: Double
        public var seconds: Double
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var spins: Int
        public var groundEnergy: Double
        public var points: [Point]
        /// `ζ` of `ε_res ∝ (ln τ)^(−ζ)` per method, over the points with `ε_res > 0` (nil with fewer than two).
        public var zetaSA: LineFit?
        public var zetaSQA: LineFit?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case settings, spins, points, seconds, groundEnergy
            case zetaSA = "fit_sa"
            case zetaSQA = "fit_sqa"
        }
    }

    public var settings: Settings

    public init(settings: Settings) throws {
        guard settings.sweeps.count >= 2, settings.sweeps.allSatisfy({ $0 >= 2 }) else {
            throw InputError("sweeps", "needs at least two annealing times of at least 2 sweeps")
        }
        guard settings.reads >= 2 else { throw InputError("reads", "needs at least 2 reads per point") }
        self.settings = settings
    }

    /// `log ε = a + b log ln τ` over the points with `ε > 0`; `ζ = −b`.
    static func fit(_ points: [Point]) -> LineFit? {
        let usable = points.filter { $0.residualEnergyPerSpin > 0 }
        guard usable.count >= 2 else { return nil }
        return try? LineFit(
            x: usable.map { log(log(Double($0.sweeps))) }, y: usable.map { log($0.residualEnergyPerSpin) })
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let s = settings
        let glass = try SpinGlassInstances.plantedSquareGlass(
            side: s.side, frustratedFraction: s.frustratedFraction, seed: s.seed)
        let model = glass.model.ising
        var points: [Point] = []
        for (k, tau) in s.sweeps.enumerated() {
            let seed = s.seed &+ UInt64(k) &* 7919
            progress?("santoro: SA, \(tau) sweeps")
            var clock = Date()
            let sa = try SimulatedAnnealing.run(
                model, options: SimulatedAnnealingOptions(samples: s.reads, sweeps: tau, seed: seed),
                groundEnergy: glass.groundEnergy)
            points.append(Point(method: "SA", sweeps: tau, run: sa, since: clock))
            progress?("santoro: SQA, \(tau) sweeps, \(s.slices) slices")
            clock = Date()
            let sqa = try PathIntegralAnnealing.run(
                model, path: .linear, schedule: .linear,
                options: PathIntegralOptions(samples: s.reads, sweeps: tau, slices: s.slices, seed: seed &+ 1),
                groundEnergy: glass.groundEnergy)
            points.append(Point(method: "SQA", sweeps: tau, run: sqa, since: clock))
        }
        return Result(
            settings: s, spins: model.qubits, groundEnergy: glass.groundEnergy, points: points,
            zetaSA: Self.fit(points.filter { $0.method == "SA" }), zetaSQA: Self.fit(points.filter { $0.method == "SQA" }),
            seconds: Date().timeIntervalSince(start))
    }
}

extension SantoroExperiment.Result {
    func zeta(_ fit: LineFit?) -> String {
        guard let fit else { return "no fit (fewer than two points above the ground energy)" }
        return "ζ = \(Format.fixed(-fit.slope, 2)) ± \(Format.fixed(fit.slopeStandardError, 2))"
    }

    public func artefacts() throws -> ExperimentArtefacts {
        var plot = SVGPlot(
            title: "Residual energy per spin against annealing time, \(settings.side)×\(settings.side) planted ±J glass",
            xLabel: "τ (sweeps)", yLabel: "ε_res per spin", xScale: .log, yScale: .log)
        for method in ["SA", "SQA"] {
            let p = points.filter { $0.method == method && $0.residualEnergyPerSpin > 0 }
            plot.series.append(
                PlotSeries(label: method, x: p.map { Double($0.sweeps) }, y: p.map(\.residualEnergyPerSpin)))
        }
        var table = CSVTable(header: [
            "method", "sweeps", "residual_energy_per_spin", "stderr", "ground_state_probability", "seconds",
        ])
        for p in points {
            table.append([
                p.method, "\(p.sweeps)", Format.sci(p.residualEnergyPerSpin, 4), Format.sci(p.stderr, 2),
                Format.fixed(p.groundStateProbability, 3), Format.fixed(p.seconds, 2),
            ])
        }
        let s = settings
        var report = HTMLReport(title: "Santoro et al. (2002): residual energy of SA and SQA on a 2-D ±J glass")
        report.paragraph(
            "A planted ±J glass on a \(s.side)×\(s.side) torus (\(spins) spins, ground energy \(Format.general(groundEnergy, 8)) by construction, frustrated fraction \(Format.general(s.frustratedFraction)), seed \(s.seed)). For each annealing time τ (sweeps), \(s.reads) independent reads of simulated annealing (geometric β schedule, default range; a sweep is n updates) and of path-integral annealing on the linear path with M = \(s.slices) slices and β = M/J_rms (a sweep is nM updates and the world-line cluster moves). ε_res = (⟨E⟩ − E₀)/n ± its standard error over reads. Santoro et al. fitted ε_res ∝ (ln τ)^−ζ and found ζ ≈ 2 for SA and ≈ 6 for SQA on 80×80 with τ up to 10⁵–10⁶. Here: SA \(zeta(zetaSA)), SQA \(zeta(zetaSQA))."
        )
        report.plot(plot)
        report.table(header: table.header, rows: table.rows)
        return ExperimentArtefacts(
            name: ExperimentName.santoro.rawValue, report: report, figures: [("santoro-residual-energy", plot)],
            tables: [("santoro", table)], json: try encodedJSON(),
            headline: [
                ("instance", "\(s.side)×\(s.side) planted ±J torus, \(spins) spins, E₀ = \(Format.general(groundEnergy, 8))"),
                ("SA  ε_res ∝ (ln τ)^−ζ", zeta(zetaSA)),
                ("SQA ε_res ∝ (ln τ)^−ζ", zeta(zetaSQA)),
                (
                    "longest τ (\(s.sweeps.max() ?? 0) sweeps)",
                    points.filter { $0.sweeps == s.sweeps.max() }.map {
                        "\($0.method) \(Format.sci($0.residualEnergyPerSpin, 2)) ± \(Format.sci($0.stderr, 1))"
                    }.joined(separator: ", ")
                ),
            ])
    }
}

extension SantoroExperiment.Point {
    /// One sampler's run at `sweeps` sweeps per read, timed from `start` to now.
    init(method: String, sweeps: Int, run: SpinSampleResult, since start: Date) {
        self.init(
            method: method, sweeps: sweeps, residualEnergyPerSpin: run.residualEnergyPerSpin ?? .nan,
            stderr: run.residualEnergyPerSpinStderr ?? .nan, groundStateProbability: run.groundStateProbability,
            seconds: Date().timeIntervalSince(start))
    }
}
