import AdiabatCore
import Bridge
import Foundation
import Problems
import Reports

/// The paper's eigenmode figure, from a field: the four lowest eigenfunctions ψ₀…ψ₃ of the
/// Score Hamiltonian `H_S = −∇² + ¼|S|² + ½∇·S` of a tabulated score field at several diffusion
/// times along its path (docs/experiments.md, docs/score-fields.md).
///
/// The field is the bundled two-moons model (`problems/score-fields/two-moons-field.toml`, a
/// NumPy MLP trained by denoising score matching, 20 OU times in [0.05, 1.5] on 97×91 nodes).
/// At small `t` the ground state sits on the two moons (`ψ₀ ≈ √p`) and ψ₁ is its tunnelling
/// partner, one sign on each moon, with a small gap; as `t` grows the moons merge into one
/// Gaussian and the modes become those of a harmonic oscillator (ψ₁, ψ₂ with one nodal line,
/// gap → 1). The full run solves on the field's own grid at 5 of its times; `--quick` on the
/// grid of every other node (49×46) at 3 times.
public struct EigenmodesExperiment: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// Indices of the tabulated times to solve at.
        public var tableIndices: [Int]
        /// Solve on every other node (spacing 2h).
        public var coarsen: Bool
        public var levels: Int

        public static func preset(_ size: ExperimentSize) -> Settings {
            switch size {
            case .full: return Settings(tableIndices: [0, 5, 10, 15, 19], coarsen: false, levels: 4)
            case .quick: return Settings(tableIndices: [0, 10, 19], coarsen: true, levels: 4)
            }
        }
    }

    public struct Snapshot: Sendable, Encodable, Equatable {
        public var time: Double
        public var energies: [Double]
        public var gap: Double
        /// ψ₀…ψ₃ on the grid (`grid.count` values each, axis 1 fastest), normalised on the grid;
        /// in the SVG figures, not in the JSON.
        public var states: [[Double]]

        enum CodingKeys: String, CodingKey { case time, energies, gap }
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var problem: String
        public var grid: UniformGrid
        public var snapshots: [Snapshot]
        public var seconds: Double
    }

    public var settings: Settings

    public init(settings: Settings) throws {
        guard (2...6).contains(settings.levels), !settings.tableIndices.isEmpty else {
            throw InputError("eigenmodes", "needs 2 to 6 levels and at least one time")
        }
        self.settings = settings
    }

    /// The bundled field's problem file (in a sub-folder of the bundled problems).
    public static func bundledField() throws -> URL {
        for folder in ProblemLocator.bundledDirectories() {
            let url = folder.appendingPathComponent("score-fields/two-moons-field.toml")
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw InputError(
            "eigenmodes", "cannot find the bundled field problems/score-fields/two-moons-field.toml",
            hint: "run from the repository, or set the bundled problems folder (see 'adiabat problems')")
    }

    public func run(field url: URL? = nil, progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        guard case .scoreField(let problem) = try Problem.load(url: try url ?? Self.bundledField(), seed: 1) else {
            throw InputError("eigenmodes", "the problem is not a score field")
        }
        let field = problem.field
        guard field.dimension == 2 else { throw InputError("eigenmodes", "draws 2-D fields only") }
        let times = field.times ?? [0]
        var snapshots: [Snapshot] = []
        var grid = field.grid
        for (n, k) in settings.tableIndices.enumerated() {
            guard k >= 0, k < field.tableCount else {
                throw InputError("eigenmodes", "table \(k) does not exist (the field has \(field.tableCount))")
            }
            progress?("eigenmodes: t = \(Format.general(times[k])) (\(n + 1)/\(settings.tableIndices.count))")
            var score = field.scores[k]
            grid = field.grid
            if settings.coarsen, let coarse = ScoreFieldHamiltonian.coarsened(score, grid: grid) {
                score = coarse.score
                grid = coarse.grid
            }
            let spectrum = try ScoreFieldSpectrumReport.levels(score, grid: grid, levels: settings.levels, vectors: true)
            let states = (0..<min(settings.levels, spectrum.energies.count)).compactMap { spectrum.state($0).map(Array.init) }
            snapshots.append(
                Snapshot(
                    time: times[k], energies: spectrum.energies, gap: spectrum.gap ?? .nan, states: states))
        }
        return Result(
            settings: settings, problem: problem.name, grid: grid, snapshots: snapshots,
            seconds: Date().timeIntervalSince(start))
    }
}

extension EigenmodesExperiment.Result {
    public func artefacts() throws -> ExperimentArtefacts {
        let name = ExperimentName.eigenmodes.rawValue
        let nx = grid.points[0]
        let ny = grid.points[1]
        var maps: [(String, SVGHeatmap)] = []
        var table = CSVTable(header: ["t"] + (0..<settings.levels).map { "E\($0)" } + ["gap"])
        var levels = SVGPlot(title: "Levels of H_S along the path", xLabel: "t", yLabel: "E_k", xScale: .log)
        for k in 0..<settings.levels {
            levels.series.append(
                PlotSeries(
                    label: "E\(k)", x: snapshots.map(\.time), y: snapshots.map { $0.energies.count > k ? $0.energies[k] : .nan }))
        }
        for (n, s) in snapshots.enumerated() {
            table.append([Format.general(s.time, 6)] + s.energies.map { Format.sci($0, 6) } + [Format.sci(s.gap, 6)])
            let panels = s.states.enumerated().map { k, psi in
                SVGHeatmap.Panel(title: "ψ\(k)   E\(k) = \(Format.general(s.energies[k], 4))", values: psi)
            }
            maps.append(
                (
                    "eigenmodes-\(n)",
                    SVGHeatmap(
                        title: "t = \(Format.general(s.time, 4)): gap \(Format.general(s.gap, 4))", nx: nx, ny: ny,
                        xRange: grid.lower[0]...grid.upper[0], yRange: grid.lower[1]...grid.upper[1], panels: panels)
                ))
        }
        var report = HTMLReport(title: "Eigenmodes of a learned score's Hamiltonian along the path (\(problem))")
        report.paragraph(
            "ψ₀…ψ\(settings.levels - 1) of H_S = −∇² + ¼|S|² + ½∇·S, S the tabulated score field '\(problem)' at \(snapshots.count) of its diffusion times, on \(nx)×\(ny) nodes\(settings.coarsen ? " (every other node of the field's grid)" : ""), second-order differences with Dirichlet walls (docs/score-fields.md). Each panel is scaled to its own largest |ψ|; red positive, blue negative."
        )
        report.plot(levels)
        for (_, map) in maps { report.heatmap(map) }
        report.table(header: table.header, rows: table.rows)
        let first = snapshots.first
        let last = snapshots.last
        return ExperimentArtefacts(
            name: name, report: report, figures: [("eigenmodes-levels", levels)], tables: [("eigenmodes", table)],
            heatmaps: maps, json: try encodedJSON(),
            headline: [
                ("field", "\(problem), \(nx)×\(ny) nodes, \(snapshots.count) times"),
                (
                    "gap at first / last time",
                    "\(Format.general(first?.gap ?? .nan, 4)) at t = \(Format.general(first?.time ?? .nan, 3)), \(Format.general(last?.gap ?? .nan, 4)) at t = \(Format.general(last?.time ?? .nan, 3))"
                ),
                ("E0 = λθ (first time)", Format.sci(first?.energies.first ?? .nan, 3)),
            ])
    }
}
