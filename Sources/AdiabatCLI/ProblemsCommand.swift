import ArgumentParser
import Bridge
import Foundation

/// `adiabat problems`: the bundled problems, one line each.
struct ProblemsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "problems",
        abstract: "List the bundled problems (problems/ of the source tree, ./problems, or $ADIABAT_PROBLEMS).")

    @OptionGroup var common: CommonOptions

    func run() throws {
        let entries = ProblemCatalog.summaries().map(Self.catalogEntry)  // catalysed files: below
        if common.json {
            struct Listing: Encodable { var problems: [ProblemSummary] }
            try Output.json(Listing(problems: entries))
            return
        }
        guard !entries.isEmpty else {
            Output.line(
                "no bundled problems found (looked in: \(ProblemLocator.bundledDirectories().map(\.path).joined(separator: ", ")))"
            )
            return
        }
        let width = max(entries.map(\.name.count).max() ?? 4, 4)
        Output.line("\("name".padding(toLength: width, withPad: " ", startingAt: 0))  kind        size   summary")
        for e in entries {
            let size = e.dimension.map { "\($0)-D" } ?? e.qubits.map { "\($0) q" } ?? "–"
            Output.line(
                "\(e.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(e.kind.padding(toLength: 10, withPad: " ", startingAt: 0))  \(size.padding(toLength: 5, withPad: " ", startingAt: 0))  \(e.summary)"
            )
        }
    }
}

extension ProblemsCommand {
    /// `adiabat problems`: the annealing reader refuses a `[catalyst]` section (so code that
    /// does not know catalysts fails loudly); fill in such entries from the catalysed reader.
    static func catalogEntry(_ entry: ProblemSummary) -> ProblemSummary {
        guard entry.kind == ProblemKind.annealing.rawValue, entry.file.lowercased().hasSuffix(".toml"),
            entry.summary.hasPrefix("unreadable"),
            let loaded = try? SpinProblem.load(URL(fileURLWithPath: entry.file)), let catalyst = loaded.catalyst
        else { return entry }
        var e = entry
        e.qubits = loaded.spec.model.variableCount
        e.summary = (loaded.spec.summary ?? loaded.spec.name) + " (\(catalyst.couplings.count) XX catalyst terms)"
        return e
    }
}

extension ProblemsCommand: Exemplified {
    static let examples = [
        "adiabat problems",
        "adiabat problems --json",
    ]
}
