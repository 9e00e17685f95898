import ArgumentParser
import Bridge
import Foundation

/// `adiabat compare PROBLEM`: both sides on one problem and the same schedules, with a
/// self-contained HTML report, results.csv and results.json (docs/compare.md).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract:
            "Run quantum evolution and diffusion-side samplers on one problem and the same schedules; write an HTML report.",
        discussion: """
            Landscapes: real-time evolution (1 − F and TV against T), the Fokker–Planck law of \
            annealed Langevin on the same schedule (against the same T), the reverse SDE's \
            Fokker–Planck law and the particle samplers (TV against steps, with standard errors). \
            Score fields (a trained model's .npz): the same rows as evolve and sample run them on \
            the field, linear schedule only, against the file's density (or |ψ₀|²) at the first \
            table. Annealing problems: quantum annealing and the annealed flip chain (ground-state \
            probability against T), the reverse flip chain (against its grid cells) and simulated \
            annealing (against sweeps), and path-integral annealing (SQA, against sweeps) with \
            --path-integral or when the exact side is skipped: on instances whose 2ⁿ-amplitude \
            register does not fit the memory budget, only the classical samplers run, with \
            P(ground), residual energy per spin and TTS₉₉ against the exact, the file's or the \
            best-found ground energy. The gap profile heads the page. DIR gets report.html \
            (inline SVG, no network), results.csv, results.json and cells.jsonl, the finished \
            cells: a rerun with the same settings skips them (--fresh starts over). Cells that \
            use one core run side by side. See docs/compare.md and docs/tutorial.md.
            """)

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(
        name: .long,
        help:
            "Comma-separated schedules (default: linear,cosine,ddpm-cosine,gap-adaptive on landscapes; linear,cosine,roland-cerf,flip:ddpm-cosine on spins; linear, the only one, on score fields). Names: docs/schedules.md."
    )
    var schedules: CommaList<String>?

    @Option(
        name: .long, parsing: .unconditional, help: "Comma-separated total run times T (default 1,2,4,8,16; spins 1,2,4,8,16,32)."
    )
    var times: CommaList<Double>?

    @Option(
        name: .long,
        help:
            "Comma-separated sampler path steps (landscapes; default 20,50,100,200). On annealing problems a deprecated alias of --cells."
    )
    var steps: CommaList<Int>?

    @Option(
        name: .long,
        help: "Comma-separated rate-grid cells of the reverse-flip chain (annealing problems; default 5,10,20,50,100).")
    var cells: CommaList<Int>?

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Particles (landscapes, default 20000) or reads (spins, default 2000; 100 where the exact side is skipped) per sampler cell."
    )
    var samples: Int?

    @Option(
        name: .long,
        help:
            "Comma-separated particle samplers (default reverse-sde,probability-flow; also annealed-langevin, predictor-corrector)."
    )
    var samplers: CommaList<String>?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Comma-separated simulated-annealing sweeps (spins; default 10,30,100,300,1000).")
    var sweeps: CommaList<Int>?

    @Flag(
        inversion: .prefixedNo,
        help:
            "Path-integral (simulated quantum) annealing cells on every schedule over --sweeps (spins; default: on when the exact side is skipped, i.e. the register does not fit the memory budget)."
    )
    var pathIntegral: Bool?

    @OptionGroup var gap: GapSamplesOption

    @Option(
        name: .long, parsing: .unconditional,
        help: "Grid nodes per axis for landscapes (default: ≤ 511 in 1-D, ≤ 127 in 2-D, N + 1 5-smooth).")
    var points: Int?

    @Option(name: .long, parsing: .unconditional, help: "Relative tolerance of the real-time evolution.")
    var rtol: Double = 1e-5

    @OptionGroup var folder: ReportFolderOptions

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    func run() throws {
        let loaded = try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype)
        let annealing = loaded.kind == .annealing
        var settings = ComparisonSettings.defaults(for: loaded, seed: common.seed)
        if let schedules {
            settings.schedules = try ScheduleRequest.parseList(schedules.values.joined(separator: ",")).map(\.description)
        }
        if let times { settings.times = times.values }
        if let cells {
            guard annealing else {
                throw ValidationError("--cells applies to annealing problems (the reverse-flip chain); landscapes take --steps")
            }
            settings.cells = cells.values
        }
        if let steps {
            if annealing {
                guard cells == nil else { throw ValidationError("give --cells only (--steps is its deprecated alias on spins)") }
                Output.warning("--steps on an annealing problem is deprecated; use --cells (the reverse-flip chain's grid cells)")
                settings.cells = steps.values
            } else {
                settings.steps = steps.values
            }
        }
        if let samples { settings.samples = samples }
        if let samplers {
            guard !annealing else {
                throw ValidationError(
                    "--samplers applies to landscapes (spins run flip-chain, reverse-flip and simulated-annealing)")
            }
            settings.samplers = samplers.values
        }
        if let sweeps {
            guard annealing else { throw ValidationError("--sweeps applies to annealing problems (simulated annealing)") }
            settings.sweeps = sweeps.values
        }
        if let pathIntegral {
            guard annealing else { throw ValidationError("--path-integral applies to annealing problems") }
            settings.pathIntegral = pathIntegral
        }
        if let gapSamples = gap.gapSamples { settings.gapSamples = gapSamples }
        settings.points = points
        settings.rtol = rtol
        if points != nil && annealing { throw ValidationError("--points applies to landscapes") }

        let comparison = try Comparison(problem: loaded, settings: settings)
        try comparison.checkWork(maxWork: common.maxWork)
        let directory = URL(fileURLWithPath: folder.folder(default: comparison.name))
        try OutputFile.createFolder(directory)
        // The store holds the folder's lock until the result files are written.
        let store = try CellStore<CellResult>(url: directory.appendingPathComponent("cells.jsonl"), fresh: folder.fresh)
        defer { store.close() }
        let result = try comparison.run(store: store) { done, total, label in
            Output.progress("compare \(comparison.name): \(done)/\(total) cells  (\(label))")
        }
        Output.endProgress()
        let files = [
            ("report.html", Data(result.html().utf8)), ("results.csv", Data(result.csv.utf8)),
            ("results.json", try result.json()),
        ]
        let htmlPath = directory.appendingPathComponent("report.html").path
        // Everything is encoded before any file is written: a failing command writes nothing.
        let json =
            common.json ? try Output.encodeJSON(CompareJSON(report: result, directory: directory.path, html: htmlPath)) : nil
        try OutputFile.writeTogether(files.map { (directory.appendingPathComponent($0.0), $0.1) })
        if let json {
            Output.emit(json)
            return
        }
        Output.line("problem   \(result.problem) (\(result.kind)): \(result.summary)")
        Output.line("setup     \(result.grid)")
        Output.line(
            "cells     \(result.cells.total) (\(result.cells.computed) computed, \(result.cells.reused) reused) in \(String(format: "%.1f", result.seconds)) s"
        )
        let failed = result.rows.filter { $0.status != "success" }
        if !failed.isEmpty { Output.line("status    \(failed.count) cells did not succeed (see the status column)") }
        Output.line("")
        Output.line(
            "method".padding(toLength: 21, withPad: " ", startingAt: 0)
                + "schedule".padding(toLength: 21, withPad: " ", startingAt: 0)
                + "at".padding(toLength: 13, withPad: " ", startingAt: 0)
                + "fidelity".padding(toLength: 20, withPad: " ", startingAt: 0)
                + "TV".padding(toLength: 20, withPad: " ", startingAt: 0) + "P(ground)")
        // The largest T / steps / sweeps of each method and schedule.
        var last: [String: ComparisonRow] = [:]
        var order: [String] = []
        for row in result.rows {
            let k = row.method + "|" + row.schedule
            if last[k] == nil { order.append(k) }
            // The largest value that succeeded (or, if none did, the largest).
            let ok = row.status == "success"
            if let current = last[k] {
                let better = ok && (current.status != "success" || row.value >= current.value)
                if better || (!ok && current.status != "success" && row.value >= current.value) { last[k] = row }
            } else {
                last[k] = row
            }
        }
        func f(_ x: Double?, _ e: Double?) -> String {
            guard let x else { return "-" }
            return e.map { String(format: "%.5g ± %.2g", x, $0) } ?? String(format: "%.6g", x)
        }
        for k in order {
            guard let r = last[k] else { continue }
            let head =
                r.method.padding(toLength: 21, withPad: " ", startingAt: 0)
                + (r.schedule.isEmpty ? "-" : r.schedule).padding(toLength: 21, withPad: " ", startingAt: 0)
                + "\(r.axis)=\(Comparison.format(r.value))".padding(toLength: 13, withPad: " ", startingAt: 0)
            if r.status != "success" {
                Output.line(head + r.status)
                continue
            }
            Output.line(
                head + f(r.fidelity, r.fidelityStderr).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + f(r.tv, r.tvStderr).padding(toLength: 20, withPad: " ", startingAt: 0)
                    + f(r.groundStateProbability, r.groundStateStderr))
        }
        Output.line("")
        Output.line("report    \(htmlPath)")
        Output.line(
            "data      \(directory.appendingPathComponent("results.csv").path), \(directory.appendingPathComponent("results.json").path)"
        )
    }
}

/// The JSON object of `adiabat compare --json`: the report plus where it was written.
struct CompareJSON: Encodable {
    var report: ComparisonReport
    var directory: String
    var html: String

    enum CodingKeys: String, CodingKey {
        case directory = "report_dir"
        case html = "report_html"
    }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(directory, forKey: .directory)
        try c.encode(html, forKey: .html)
    }
}

extension CompareCommand: Exemplified {
    static let examples = [
        "adiabat compare sk10 --times 2,8 --cells 5,20 --sweeps 10,100 --samples 500 --report report/sk10",
        "adiabat compare double-well --schedules linear,gap-adaptive --times 1,4 --steps 20,50 --samples 4000 --report report/double-well",
    ]
}
