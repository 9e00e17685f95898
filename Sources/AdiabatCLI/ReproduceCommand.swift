import ArgumentParser
import Bridge
import Experiments
import Foundation

/// `adiabat reproduce NAME`: one of the paper's experiments (or the Grover scaling) as a
/// bundled run that writes its figures, tables and a self-contained HTML page.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract:
            "Reproduce one of the paper's experiments (hydrogen, error-bound, gap-schedule, eigenmodes), the Grover scaling or Santoro et al.'s SA vs SQA, with figures.",
        discussion: """
            hydrogen: Score-Hamiltonian levels from the exact and from learned scores against 1 − 1/n². \
            error-bound: stationary TV of Langevin with a perturbed score against ε/√gap (slope in ε, \
            collapse). gap-schedule: TV against steps for linear, cosine and gap-designed schedules \
            on the double well and two-moons. grover: Roland–Cerf time to fidelity 0.9 ∝ √N, linear ∝ N. \
            santoro: residual energy per spin of simulated and path-integral annealing against the \
            annealing time on a planted 32×32 ±J glass (Santoro et al., Science 2002; a few minutes \
            on 2 cores; --quick 8×8; --paper the paper's 80×80, τ to 10⁴ sweeps, about 6 min of CPU). \
            eigenmodes: ψ₀…ψ₃ of the Score Hamiltonian of the bundled trained two-moons score field at \
            several times along its path. \
            Writes NAME.html (figures inline, no network needed), NAME.json, CSV tables and one SVG \
            per figure into --output. --quick runs a few-second version on smaller grids. \
            See docs/experiments.md for what each shows and where it differs from the paper.
            """)

    @Argument(help: "The experiment.")
    var name: ExperimentName

    @Option(name: .long, help: "Directory for the report, tables and figures (created if missing).")
    var output: String = "reproduce"

    @Flag(name: .long, help: "Smaller grids and fewer points: seconds instead of minutes.")
    var quick = false

    @Flag(
        name: .long,
        help: "santoro only: the paper's 80×80 lattice (τ to 10⁴ sweeps, 8 reads; about 6 min of CPU, 3 min on 2 free cores)."
    )
    var paper = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if paper && name != .santoro { throw ValidationError("--paper applies to santoro only") }
        if paper && quick { throw ValidationError("give --paper or --quick, not both") }
    }

    struct Summary: Encodable {
        var experiment: String
        var size: String
        var output: String
        var files: [String]
        var headline: [String: String]
        var seconds: Double
        var result: AnyEncodable
    }

    struct AnyEncodable: Encodable {
        let value: any Encodable
        func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
    }

    func run() throws {
        let size: ExperimentSize = quick ? .quick : .full
        let sizeName = paper ? "paper" : size.rawValue
        let start = Date()
        let report: @Sendable (String) -> Void = { Output.progress($0) }
        let result: any ExperimentResult
        switch name {
        case .hydrogen:
            result = try HydrogenExperiment(settings: .preset(size, seed: common.seed)).run(progress: report)
        case .errorBound:
            result = try ErrorBoundExperiment(settings: .preset(size)).run(progress: report)
        case .gapSchedule:
            result = try GapScheduleExperiment(settings: .preset(size)).run(progress: report)
        case .grover:
            result = try GroverExperiment(settings: .preset(size)).run(progress: report)
        case .santoro:
            let settings: SantoroExperiment.Settings = paper ? .paper(seed: common.seed) : .preset(size, seed: common.seed)
            result = try SantoroExperiment(settings: settings).run(progress: report)
        case .eigenmodes:
            result = try EigenmodesExperiment(settings: .preset(size)).run(progress: report)
        }
        Output.endProgress()
        let artefacts = try result.artefacts()
        let directory = URL(fileURLWithPath: output)
        var staged: [(URL, Data)] = []
        func add(_ data: Data, _ file: String) { staged.append((directory.appendingPathComponent(file), data)) }
        add(Data(artefacts.report.render().utf8), "\(artefacts.name).html")
        add(artefacts.json, "\(artefacts.name).json")
        for (stem, table) in artefacts.tables { add(Data(table.render().utf8), "\(stem).csv") }
        for (stem, plot) in artefacts.figures { add(Data(plot.render().utf8), "\(stem).svg") }
        for (stem, map) in artefacts.heatmaps { add(Data(map.render().utf8), "\(stem).svg") }
        let files = staged.map(\.0.path)
        let seconds = Date().timeIntervalSince(start)
        // Encoded before any file is written: a failing command writes nothing.
        let json =
            common.json
            ? try Output.encodeJSON(
                Summary(
                    experiment: name.rawValue, size: sizeName, output: directory.path, files: files,
                    headline: Dictionary(artefacts.headline, uniquingKeysWith: { a, _ in a }), seconds: seconds,
                    result: AnyEncodable(value: result))) : nil
        try OutputFile.createFolder(directory)
        try OutputFile.writeTogether(staged)
        if let json {
            Output.emit(json)
            return
        }
        Output.line("experiment  \(name.rawValue) (\(sizeName), \(String(format: "%.1f", seconds)) s)")
        let width = min(40, artefacts.headline.map(\.0.count).max() ?? 0)
        for (label, value) in artefacts.headline {
            Output.line("  \(label.padding(toLength: max(width, label.count), withPad: " ", startingAt: 0))  \(value)")
        }
        Output.line("report      \(directory.appendingPathComponent("\(artefacts.name).html").path)")
        Output.line("files       \(files.count) (JSON, CSV, SVG) in \(directory.path)")
    }
}

extension ReproduceCommand: Exemplified {
    static let examples = [
        "adiabat reproduce hydrogen --quick --output out/hydrogen",
        "adiabat reproduce grover --quick --output out/grover",
        "adiabat reproduce santoro --quick --output out/santoro",
    ]
}
