import AdiabatCore
import ArgumentParser
import Foundation
import GSLKit

/// The `adiabat` command: lists its subcommands and turns every error into one line.
@main
struct Adiabat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adiabat",
        abstract: "Translate annealing Hamiltonians into diffusion samplers and back, measure adiabatic fidelity, and compare both sides on one landscape and schedule.",
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
        } catch let error as InputError {
            fail("\(error)")
        } catch let error as GSLError {
            fail("\(error)")
        } catch let error as CommandFailure {
            fail(error.message, code: error.exitCode)
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is CleanExit {
                exit(withError: error)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
            fail("\(text) (see 'adiabat --help')", code: code.rawValue == 0 ? 64 : code.rawValue)
        }
    }

    static func fail(_ message: String, code: Int32 = 1) -> Never {
        var line = message.replacingOccurrences(of: "\n", with: " ")
        if line.hasPrefix("error: ") { line.removeFirst(7) }
        FileHandle.standardError.write(Data("error: \(line)\n".utf8))
        Foundation.exit(code)
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
    ]
}
