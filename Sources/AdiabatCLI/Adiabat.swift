import ArgumentParser
import Bridge
import Foundation

/// The `adiabat` command: lists its subcommands and turns every error into one line.
@main
struct Adiabat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adiabat",
        abstract:
            "Translate annealing Hamiltonians into diffusion samplers and back, measure adiabatic fidelity, and compare both sides on one landscape and schedule.",
        discussion: """
            PROBLEM arguments take a TOML problem file, a dimod .coo / BQM .json / qbsolv .qubo \
            file, or the name of a bundled problem (see 'adiabat problems').
            Every subcommand takes --json and then prints exactly one JSON object on stdout.
            Documentation: docs/ in the source tree (start with docs/tutorial.md).
            """,
        version: AdiabatVersion.string,
        subcommands: AdiabatVersion.subcommands
    )

    /// Runs the command; errors become one `error: …` line on stderr and a non-zero exit.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as any AdiabatError {
            fail(error.describe(naming: ParameterFlags.flag(for:)))
        } catch let error as CommandFailure {
            fail(error.message, code: error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                let text = fullMessage(for: error)
                if text.contains("USAGE:") {
                    let examples = Self.examples(for: Array(CommandLine.arguments.dropFirst()))
                    print(
                        text.trimmingCharacters(in: .newlines) + "\n\nEXAMPLES:\n"
                            + examples.map { "  \($0)" }.joined(separator: "\n"))
                    Foundation.exit(0)
                }
                exit(withError: error)
            }
            fail(oneLine(parseError: error), code: code.rawValue == 0 ? 64 : code.rawValue)
        }
    }

    /// An argument-parser error as one line: every line of its message (for an invalid
    /// choice that includes the list of valid values), without the usage block, and a pointer
    /// to the help of the subcommand that was run.
    static func oneLine(parseError error: Error) -> String {
        var parts: [String] = []
        for raw in message(for: error).split(separator: "\n") {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("Usage:") || line.hasPrefix("See '") { continue }
            if line.hasPrefix("Error: ") { line.removeFirst(7) }
            if line.hasPrefix("- ") { line.removeFirst(2) }
            parts.append(line)
        }
        let text = parts.joined(separator: " ")
        let names = configuration.subcommands.map { $0._commandName }
        let arguments = CommandLine.arguments.dropFirst()
        let help = arguments.first.flatMap { names.contains($0) ? "adiabat \($0) --help" : nil } ?? "adiabat --help"
        return "\(text.isEmpty ? "\(error)" : text) (see '\(help)')"
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        var line = message.replacingOccurrences(of: "\n", with: " ")
        if line.hasPrefix("error: ") { line.removeFirst(7) }
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        Foundation.exit(code)
    }
}

/// A subcommand whose help ends with examples that run as written on the bundled problems
/// (a test runs every one).
protocol Exemplified {
    static var examples: [String] { get }
}

extension Adiabat: Exemplified {
    static let examples = ["adiabat problems", "adiabat spectrum sk10 --s 0.5", "adiabat compare double-well --times 1,4"]

    /// The examples of the subcommand named in `arguments` (`evolve --help`, `help evolve`),
    /// or the root's.
    static func examples(for arguments: [String]) -> [String] {
        for argument in arguments {
            if let command = configuration.subcommands.first(where: { $0._commandName == argument }),
                let exemplified = command as? any Exemplified.Type
            {
                return exemplified.examples
            }
        }
        return examples
    }
}

/// The library names the parameter a bad value belongs to by its field path (`evolve.method`,
/// `anneal.total_time`); only the command line knows which flag sets it. A dotted path of
/// lower-case words is a parameter; its last word, with `-` for `_`, is the flag.
enum ParameterFlags {
    /// Parameters whose flag is not their last word spelt with dashes.
    static let exceptions: [String: String] = [:]

    /// The commands whose parameters the library names.
    static let commands: Set<String> = [
        "anneal", "compare", "evolve", "problem", "run", "sample", "schedule", "spectrum", "sweep", "translate",
    ]

    /// Every flag some subcommand takes (read from their help, so it cannot drift).
    static let knownFlags: Set<String> = {
        var flags = Set<String>()
        for command in Adiabat.configuration.subcommands {
            for match in command.helpMessage(columns: 400).matches(of: /--[a-z][a-z0-9-]*/) {
                flags.insert(String(match.output))
            }
        }
        return flags
    }()

    /// The flag of a parameter path (`sample.cells` → `--cells`), or nil for another path
    /// (a problem file's `schedule.type`, a file name) and for a flag no subcommand has.
    static func flag(for path: String) -> String? {
        let parts = path.split(separator: ".")
        guard parts.count == 2, commands.contains(String(parts[0])) else { return nil }
        let flag = exceptions[path] ?? "--" + parts[1].replacingOccurrences(of: "_", with: "-")
        return knownFlags.contains(flag) ? flag : nil
    }
}

/// A failure of a command that is not bad input (e.g. a numerical failure status).
struct CommandFailure: Error {
    var message: String
    var exitCode: Int32 = 2
}

enum AdiabatVersion {
    static let string = "0.1.0"
    /// Subcommands, in the order `--help` lists them.
    static let subcommands: [ParsableCommand.Type] = [
        ProblemsCommand.self, SpectrumCommand.self, TranslateCommand.self, EvolveCommand.self, SampleCommand.self,
        ScheduleCommand.self, CompareCommand.self, SweepCommand.self, MergeCommand.self, ReproduceCommand.self,
        InstanceCommand.self,
    ]
}
