import Foundation
import Testing

/// Runs the built `adiabat` binary (it sits beside the test bundle in the build folder).
struct CLIRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

func adiabat(_ arguments: [String], in directory: URL? = nil) throws -> CLIRun {
    let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    var binary = buildDir.appendingPathComponent("adiabat")
    if !FileManager.default.fileExists(atPath: binary.path) {
        binary = buildDir.deletingLastPathComponent().appendingPathComponent("adiabat")
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CLIRun(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

/// The package root (for bundled problems): two levels above `Tests/AdiabatCLITests`.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite("adiabat command line")
struct CLITests {
    @Test("--version and --help succeed")
    func versionAndHelp() throws {
        let version = try adiabat(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try adiabat(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("adiabat"))
    }

    @Test("an invalid choice is one error: line that lists the valid values and names the subcommand's help")
    func invalidChoice() throws {
        let run = try adiabat(["evolve", "sk10", "--total-time", "1", "--method", "nope"], in: packageRoot)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("split4") == true && lines.first?.contains("rk8pd") == true)
        #expect(lines.first?.hasSuffix("(see 'adiabat evolve --help')") == true)
    }

    @Test("an unknown option gives one error: line and a non-zero exit")
    func unknownOption() throws {
        let run = try adiabat(["--no-such-flag"])
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("error: ") == true)
    }
}
