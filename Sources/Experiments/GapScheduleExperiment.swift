import AdiabatCore
import Bridge
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Quantum
import Reports

/// Experiment 3 of Halmos & Hanin (docs/theory.md §5): a noise schedule designed from the gap of
/// the Score Hamiltonian makes sample quality less sensitive to the number of steps.
///
/// Sample quality is the total variation to `p₀` of the sampler's law at the end of the
/// path, computed by the Fokker–Planck solver on a grid (``FokkerPlanckSolver``), so it has no
/// sampling noise. Two samplers, both with one implicit-Euler Fokker–Planck step per schedule
/// step:
///
/// - `annealed-langevin`: the adiabatic (imaginary-time) picture: at each level `t_k` of the
///   schedule one Langevin step `b = s_{t_k}` of length `η_k = η·Var_k` (NCSN's rule,
///   ``LangevinSettings``); the law lags behind `p_t` when the levels move faster than the
///   law relaxes, which is what a gap-designed schedule addresses.
/// - `reverse-sde`: `b = x + 2s_t`, one step per level; its error is the time discretisation.
///
/// Schedules (all map normalised run time to `t = t_max(1 − u)`): `linear`, `cosine`, and the
/// gap-designed ones from the gap profile `g(t) = E₁ − E₀` of `H_t` (``GapProfile``):
/// `gap` (`dt/dτ ∝ g`, the diffusion-side rule), `gap²` (`∝ g²`, Roland–Cerf's rule), and
/// `gap/speed` (`dt/dτ ∝ g/‖∂_t√p_t‖`): the first-order adiabatic condition
/// `|dt/dτ|·‖∂_tψ₀‖ ≪ g` with the path's speed `‖∂_tψ₀‖` in it, which the gap alone ignores.
///
/// Sensitivity to the number of steps `N` is measured by the steps needed to reach a TV
/// target (interpolated log-log between the sweep's points): the schedule needing the fewest
/// steps loses the least quality as `N` shrinks.
public struct GapScheduleExperiment: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// `double-well` and/or `two-moons`.
        public var landscapes: [String]
        public var steps: [Int]
        /// Steps for two-moons (2-D runs cost more).
        public var twoMoonsSteps: [Int]
        public var tMax: Double
        /// Gap-profile points (spaced in √t, where the profile changes fastest).
        public var profilePoints: Int
        /// Two-moons: nodes per axis of the Hamiltonian grid (4th order) and of the
        /// Fokker–Planck grid, both on [−5, 5]².
        public var twoMoonsHamiltonianPoints: Int
        public var twoMoonsFokkerPlanckPoints: Int
        /// Double well: Fokker–Planck nodes on [−7, 7] (the Hamiltonian grid is the bundled 1401).
        public var doubleWellFokkerPlanckPoints: Int
        /// Annealed Langevin step size η in units of the level variance.
        public var langevinStepSize: Double
        /// TV targets for the sensitivity measure.
        public var targets: [Double]

        public static func preset(_ size: ExperimentSize) -> Settings {
            switch size {
            case .full:
                return Settings(
                    landscapes: ["double-well", "two-moons"], steps: [4, 8, 16, 32, 64, 128, 256, 512],
                    twoMoonsSteps: [4, 8, 16, 32, 64, 128, 256], tMax: 3, profilePoints: 41, twoMoonsHamiltonianPoints: 121,
                    twoMoonsFokkerPlanckPoints: 201, doubleWellFokkerPlanckPoints: 701, langevinStepSize: 0.5,
                    targets: [0.05, 0.02])
            case .quick:
                return Settings(
                    landscapes: ["double-well", "two-moons"], steps: [8, 16, 32, 64, 128], twoMoonsSteps: [16, 32, 64],
                    tMax: 3, profilePoints: 21, twoMoonsHamiltonianPoints: 101, twoMoonsFokkerPlanckPoints: 121,
                    doubleWellFokkerPlanckPoints: 351, langevinStepSize: 0.5, targets: [0.05, 0.02])
            }
        }
    }

    /// The gap profile and path speed of one landscape, and the schedules built from them.
    public struct Profile: Sendable, Codable, Equatable {
        public var landscape: String
        /// Diffusion times, from t_max down to 0.
        public var times: [Double]
        public var gaps: [Double]
        /// `‖∂_t√p_t‖` (grid L² norm, central differences).
        public var speeds: [Double]
        /// Per schedule: `t` at 101 equally spaced `r = τ/T`.
        public var schedules: [String: [Double]]
    }

    /// TV against steps for one landscape, sampler and schedule.
    public struct Curve: Sendable, Codable, Equatable {
        public var landscape: String
        public var sampler: String
        public var schedule: String
        public var steps: [Int]
        public var tv: [Double]
        /// Steps to reach each target (nil: not reached within the sweep).
        public var stepsToTarget: [Double?]
        /// Mean of log10 TV over the sweep (lower: better over the whole range).
        public var meanLog10TV: Double
    }

    /// Which schedule is least sensitive, per landscape and sampler.
    public struct Verdict: Sendable, Codable, Equatable {
        public var landscape: String
        public var sampler: String
        /// The schedule with the fewest steps to the tightest target reached by any schedule.
        public var leastSensitive: String
        public var target: Double
        /// Steps to that target per schedule (nil: not reached).
        public var stepsToTarget: [String: Double?]
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var profiles: [Profile]
        public var curves: [Curve]
        public var verdicts: [Verdict]
        public var seconds: Double
    }

    public static let schedules = ["linear", "cosine", "gap", "gap²", "gap/speed"]
    public static let samplers = ["annealed-langevin", "reverse-sde"]

    public var settings: Settings

    public init(settings: Settings) throws {
        guard !settings.landscapes.isEmpty, settings.landscapes.allSatisfy({ ["double-well", "two-moons"].contains($0) }) else {
            throw InputError("landscapes", "must be double-well and/or two-moons")
        }
        guard settings.steps.count >= 2, settings.twoMoonsSteps.count >= 2,
            (settings.steps + settings.twoMoonsSteps).allSatisfy({ $0 >= 1 && $0 <= 100_000 })
        else { throw InputError("steps", "needs at least two step counts in 1…100000") }
        guard settings.profilePoints >= 5 else { throw InputError("profile_points", "needs at least 5") }
        try Check.positive(settings.tMax, "t_max")
        self.settings = settings
    }

    struct Setup {
        var name: String
        var landscape: GaussianMixture
        var hamiltonian: Discretisation
        var fokkerPlanck: UniformGrid
        var steps: [Int]
    }

    func setup(_ name: String) throws -> Setup {
        let s = settings
        if name == "double-well" {
            let p = try GaussianMixture(weights: [0.5, 0.5], means: [[-2], [2]], standardDeviations: [0.5, 0.5])
            return Setup(
                name: name, landscape: p, hamiltonian: .grid(try UniformGrid(lower: -7, upper: 7, points: 1401), order: .second),
                fokkerPlanck: try UniformGrid(lower: -7, upper: 7, points: s.doubleWellFokkerPlanckPoints), steps: s.steps)
        }
        let p = try GaussianMixture.twoMoons(componentsPerArc: 16, standardDeviation: 0.1)
        let nh = s.twoMoonsHamiltonianPoints
        let nf = s.twoMoonsFokkerPlanckPoints
        return Setup(
            name: name, landscape: p,
            hamiltonian: .grid(try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [nh, nh]), order: .fourth),
            fokkerPlanck: try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [nf, nf]), steps: s.twoMoonsSteps)
    }

    /// The gap profile at times spaced in √t, and the path speed `‖∂_t√p_t‖` there.
    static func profile(path: LandscapePath, points: Int) throws -> (GapProfile, [Double]) {
        let times = (0..<points).map { path.tMax * pow(Double($0) / Double(points - 1), 2) }
        let sequential: Bool
        if case .grid(let g, _) = path.discretisation { sequential = g.dimension > 1 } else { sequential = false }
        let gap = try GapProfile.compute(
            coordinate: path.coordinate, parameters: times, mode: sequential ? .sequential : .parallel
        ) { t, previous in
            var options = SpectrumOptions()
            if let previous, sequential {
                if let ground = previous.state(0) { options.initialVector = Array(ground) }
                options.levelEstimates = previous.energies
            }
            return try path.spectrum(atTime: t, levels: 2, vectors: sequential, options: options)
        }
        let cell: Double
        if case .grid(let g, _) = path.discretisation { cell = g.cellVolume } else { cell = 1 }
        var speeds: [Double] = []
        for t in gap.parameters {
            // Central differences, one-sided at t = 0; the step is small against the scale
            // on which p_t changes (σ_t² ≥ σ² near t = 0).
            let dt = max(1e-5, 1e-3 * t)
            let a = try path.groundStateAmplitude(atTime: min(t + dt, path.tMax))
            let b = try path.groundStateAmplitude(atTime: max(t - dt, 0))
            var norm2 = 0.0
            for i in a.indices { norm2 += (a[i] - b[i]) * (a[i] - b[i]) }
            speeds.append((norm2 * cell).squareRoot() / (min(t + dt, path.tMax) - max(t - dt, 0)))
        }
        return (gap, speeds)
    }

    /// Steps to reach `target`: the first crossing, interpolated linearly in log N – log TV.
    static func stepsToReach(_ target: Double, steps: [Int], tv: [Double]) -> Double? {
        guard let first = tv.firstIndex(where: { $0 <= target }) else { return nil }
        if first == 0 { return Double(steps[0]) }
        let (n0, n1) = (log(Double(steps[first - 1])), log(Double(steps[first])))
        let (v0, v1) = (log(tv[first - 1]), log(tv[first]))
        let w = (log(target) - v0) / (v1 - v0)
        return exp(n0 + w * (n1 - n0))
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let s = settings
        var profiles: [Profile] = []
        var curves: [Curve] = []
        for name in s.landscapes {
            let setup = try setup(name)
            progress?("gap schedule: \(name): gap profile")
            let path = try LandscapePath(
                landscape: setup.landscape, discretisation: setup.hamiltonian, process: .ou, tMax: s.tMax)
            let (gap, speeds) = try Self.profile(path: path, points: s.profilePoints)
            let u = gap.progress
            let schedules: [(String, Schedule)] = [
                ("linear", .linear), ("cosine", .cosine), ("gap", try gap.schedule(power: 1, name: "gap")),
                ("gap²", try gap.schedule(power: 2, name: "gap²")),
                (
                    "gap/speed",
                    try Schedule.gapAdaptive(
                        progress: u, gaps: zip(gap.gaps, speeds).map { $0 / max($1, 1e-300) }, power: 1, name: "gap/speed")
                ),
            ]
            var tables: [String: [Double]] = [:]
            for (label, schedule) in schedules {
                tables[label] = (0...100).map { schedule.diffusionTime(at: Double($0) / 100, tMax: s.tMax) }
            }
            profiles.append(Profile(landscape: name, times: gap.parameters, gaps: gap.gaps, speeds: speeds, schedules: tables))

            let grid = setup.fokkerPlanck
            let reference = try GridLaw.tabulate(setup.landscape, on: grid)
            let ell = try LangevinSettings.dataScale(of: setup.landscape, on: grid)
            let score = ExactScore(setup.landscape)
            struct Cell: Sendable {
                var sampler: Int
                var schedule: Int
                var steps: Int
            }
            var cells: [Cell] = []
            for a in Self.samplers.indices {
                for b in schedules.indices { for n in setup.steps { cells.append(Cell(sampler: a, schedule: b, steps: n)) } }
            }
            progress?("gap schedule: \(name): \(cells.count) Fokker–Planck runs")
            let cellList = cells
            let stepSize = s.langevinStepSize
            let tMax = s.tMax
            var results = [Swift.Result<Double, any Error>?](repeating: nil, count: cells.count)
            results.withUnsafeMutableBufferPointer { buffer in
                let out = SharedPointer(buffer.baseAddress!)  // safe: cells is non-empty
                Parallel.forEachTask(cellList.count) { k in
                    let cell = cellList[k]
                    out[k] = Swift.Result {
                        let diffusionPath = try DiffusionPath(
                            process: .ou, tMax: tMax, schedule: schedules[cell.schedule].1, steps: cell.steps)
                        let dynamics: FokkerPlanckDynamics =
                            cell.sampler == 0
                            ? .annealedLangevin(
                                LangevinSettings(stepsPerLevel: 1, stepSize: stepSize, dataScale: ell), substeps: 1)
                            : .reverseSDE
                        let law = try FokkerPlanckSolver.run(
                            FokkerPlanckProblem(grid: grid, score: score, path: diffusionPath, dynamics: dynamics))
                        return try law.density.totalVariation(to: reference)
                    }
                }
            }
            let tvs = try results.map { try $0?.get() ?? .nan }
            for a in Self.samplers.indices {
                for b in schedules.indices {
                    let tv = setup.steps.map { n in
                        tvs[cells.firstIndex { $0.sampler == a && $0.schedule == b && $0.steps == n } ?? 0]
                    }
                    curves.append(
                        Curve(
                            landscape: name, sampler: Self.samplers[a], schedule: schedules[b].0, steps: setup.steps, tv: tv,
                            stepsToTarget: s.targets.map { Self.stepsToReach($0, steps: setup.steps, tv: tv) },
                            meanLog10TV: tv.map { log10($0) }.reduce(0, +) / Double(tv.count)))
                }
            }
        }
        var verdicts: [Verdict] = []
        for name in s.landscapes {
            for sampler in Self.samplers {
                let group = curves.filter { $0.landscape == name && $0.sampler == sampler }
                // The tightest target some schedule reaches; rank by steps to it, then by mean log TV.
                let reached = s.targets.indices.filter { i in group.contains { $0.stepsToTarget[i] != nil } }
                let i = reached.max { s.targets[$0] > s.targets[$1] } ?? 0
                let best = group.min { a, b in
                    switch (a.stepsToTarget[i], b.stepsToTarget[i]) {
                    case let (x?, y?): return x < y
                    case (_?, nil): return true
                    case (nil, _?): return false
                    default: return a.meanLog10TV < b.meanLog10TV
                    }
                }
                var table: [String: Double?] = [:]
                for c in group { table[c.schedule] = c.stepsToTarget[i] }
                verdicts.append(
                    Verdict(
                        landscape: name, sampler: sampler, leastSensitive: best?.schedule ?? "", target: s.targets[i],
                        stepsToTarget: table))
            }
        }
        return Result(
            settings: s, profiles: profiles, curves: curves, verdicts: verdicts, seconds: Date().timeIntervalSince(start))
    }
}

extension GapScheduleExperiment.Result {
    public func artefacts() throws -> ExperimentArtefacts {
        var figures: [(String, SVGPlot)] = []
        var report = HTMLReport(title: "Experiment 3 — the gap-designed schedule: sample quality against steps")
        report.paragraph(
            "TV to p₀ of the sampler's law after N steps, from the Fokker–Planck solver (no sampling noise), for five schedules on the OU path (t_max = \(Format.general(settings.tMax))). gap: dt/dτ ∝ g; gap²: ∝ g² (Roland–Cerf's rule); gap/speed: ∝ g/‖∂t√p_t‖, the first-order adiabatic condition with the path's speed. The least sensitive schedule needs the fewest steps to reach a TV target."
        )
        for profile in profiles {
            report.heading(profile.landscape, level: 2)
            var gapPlot = SVGPlot(
                title: "\(profile.landscape): gap and path speed", xLabel: "diffusion time t", yLabel: "g(t), ‖∂t√p_t‖",
                yScale: .log)
            gapPlot.series.append(PlotSeries(label: "gap g", x: profile.times, y: profile.gaps))
            gapPlot.series.append(PlotSeries(label: "speed ‖∂t√p_t‖", x: profile.times, y: profile.speeds))
            gapPlot.series.append(
                PlotSeries(label: "g/speed", x: profile.times, y: zip(profile.gaps, profile.speeds).map { $0 / $1 }, dashed: true)
            )
            var schedulePlot = SVGPlot(
                title: "\(profile.landscape): schedules", xLabel: "normalised run time τ/T", yLabel: "diffusion time t")
            let r = (0...100).map { Double($0) / 100 }
            for name in GapScheduleExperiment.schedules {
                if let t = profile.schedules[name] {
                    schedulePlot.series.append(PlotSeries(label: name, x: r, y: t, markers: false))
                }
            }
            let stem = profile.landscape
            figures.append(("gap-schedule-\(stem)-profile", gapPlot))
            figures.append(("gap-schedule-\(stem)-schedules", schedulePlot))
            var row: [SVGPlot] = [gapPlot, schedulePlot]
            report.plots(row)
            row = []
            for sampler in GapScheduleExperiment.samplers {
                var plot = SVGPlot(
                    title: "\(profile.landscape): \(sampler)", xLabel: "steps N", yLabel: "TV to p₀", xScale: .log, yScale: .log)
                for c in curves where c.landscape == profile.landscape && c.sampler == sampler {
                    plot.series.append(PlotSeries(label: c.schedule, x: c.steps.map(Double.init), y: c.tv))
                }
                plot.referenceLines = settings.targets.map { ($0, "TV = \(Format.general($0))") }
                figures.append(("gap-schedule-\(stem)-\(sampler)", plot))
                row.append(plot)
            }
            report.plots(row)
            var rows: [[String]] = []
            for c in curves where c.landscape == profile.landscape {
                rows.append(
                    [c.sampler, c.schedule]
                        + c.stepsToTarget.map { $0.map { Format.general($0, 3) } ?? "> \(c.steps.last ?? 0)" }
                        + [Format.fixed(c.meanLog10TV, 2), Format.sci(c.tv.first ?? .nan, 2), Format.sci(c.tv.last ?? .nan, 2)])
            }
            report.table(
                header: ["sampler", "schedule"] + settings.targets.map { "steps to TV ≤ \(Format.general($0))" }
                    + [
                        "mean log10 TV", "TV at N = \(curves.first { $0.landscape == profile.landscape }?.steps.first ?? 0)",
                        "TV at N = \(curves.first { $0.landscape == profile.landscape }?.steps.last ?? 0)",
                    ],
                rows: rows)
        }
        var table = CSVTable(header: ["landscape", "sampler", "schedule", "steps", "tv"])
        for c in curves {
            for (n, tv) in zip(c.steps, c.tv) { table.append([c.landscape, c.sampler, c.schedule, "\(n)", Format.sci(tv, 6)]) }
        }
        var profileTable = CSVTable(header: ["landscape", "t", "gap", "speed"])
        for p in profiles {
            for i in p.times.indices {
                profileTable.append([
                    p.landscape, Format.general(p.times[i], 8), Format.sci(p.gaps[i], 6), Format.sci(p.speeds[i], 6),
                ])
            }
        }
        var headline: [(String, String)] = []
        for v in verdicts {
            let others = GapScheduleExperiment.schedules.map { name -> String in
                let n = v.stepsToTarget[name] ?? nil
                return "\(name) \(n.map { Format.general($0, 3) } ?? "—")"
            }.joined(separator: ", ")
            headline.append(
                (
                    "\(v.landscape), \(v.sampler)",
                    "least sensitive: \(v.leastSensitive); steps to TV ≤ \(Format.general(v.target)): \(others)"
                ))
        }
        return ExperimentArtefacts(
            name: ExperimentName.gapSchedule.rawValue, report: report, figures: figures,
            tables: [("gap-schedule", table), ("gap-schedule-profiles", profileTable)], json: try encodedJSON(),
            headline: headline)
    }
}
