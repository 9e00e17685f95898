import ArgumentParser
import Bridge
import Foundation
import Problems

/// `adiabat translate PROBLEM --to hamiltonian|score`: runs a translator and writes its table.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract:
            "Score → Hamiltonian (the potential V_t on the grid) or Hamiltonian → score (p, log p, s from the ground state).",
        discussion: """
            --output writes the table (CSV, or JSON for a .json file name) atomically. \
            --round-trip maps there and back and reports max_abs_error on the bulk of the density \
            (p ≥ 1e-6 max p). See docs/translators.md.
            """)

    enum Target: String, CaseIterable, ExpressibleByArgument {
        case hamiltonian
        case score
    }

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "What to translate to.")
    var to: Target

    @Option(name: .long, help: "Diffusion time t (landscape problems).")
    var time: Double?

    @Option(name: .customLong("s"), help: "Anneal fraction s (annealing problems).")
    var annealFraction: Double?

    @Option(name: .long, help: "Write the table here (.csv or .json).")
    var output: String?

    @Flag(name: .long, help: "Translate there and back and report the difference.")
    var roundTrip = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if time != nil && annealFraction != nil { throw ValidationError("give --time (landscapes) or --s (annealing), not both") }
        if let time, !(time.isFinite && time >= 0) { throw ValidationError("--time must be a finite number ≥ 0") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
    }

    func run() throws {
        let location = try ProblemLocator.locate(problem)
        guard location.kind == .landscape, annealFraction == nil else {
            throw CommandFailure(
                message:
                    "annealing problems (--s) are not supported by 'translate' in this build: the annealing side is built in its own branch and arrives with it",
                exitCode: 1)
        }
        let loaded = try LandscapeProblem.load(contentsOf: location.url, seed: common.seed)
        var (report, table) = try Translation.run(
            problem: loaded, to: Translation.Target(rawValue: to.rawValue) ?? .hamiltonian, time: time ?? 0, roundTrip: roundTrip)
        if let output {
            let data = output.lowercased().hasSuffix(".json") ? try table.json() : table.csv()
            try Output.writeAtomically(data, to: output)
            report.output = output
        }
        if common.json {
            try Output.json(report)
            return
        }
        Output.line("problem   \(report.problem)  (\(report.grid))")
        Output.line(
            "translate \(report.to == "hamiltonian" ? "score → Hamiltonian" : "Hamiltonian → score") at t = \(report.time), \(report.nodes) nodes"
        )
        if let e0 = report.groundEnergy { Output.line("E0        \(e0)") }
        if let gap = report.gap { Output.line("gap       \(gap)") }
        if let continued = report.continuedNodes, continued > 0 {
            Output.line("tails     \(continued) nodes continued by the WKB law")
        }
        if let direction = report.roundTrip, let e = report.maxAbsError, let rms = report.rmsError, let n = report.comparedNodes {
            Output.line("round trip \(direction): max |error| = \(e), p-weighted RMS = \(rms) over \(n) nodes (p ≥ 1e-6 max p)")
        }
        if let output {
            Output.line("wrote     \(output) (columns: \(report.columns.joined(separator: ", ")))")
        } else {
            Output.line("columns   \(report.columns.joined(separator: ", ")) (give --output FILE to write the table)")
        }
    }
}
