import Foundation
import Glibc
import Testing

/// The built binary's path (as `adiabat(_:in:)` finds it).
var adiabatBinary: String {
    let buildDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let beside = buildDir.appendingPathComponent("adiabat")
    return FileManager.default.fileExists(atPath: beside.path)
        ? beside.path : buildDir.deletingLastPathComponent().appendingPathComponent("adiabat").path
}

/// Runs a shell script (for two processes at once, or a file-size limit); returns its status.
@discardableResult
func shell(_ script: String, in directory: URL) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.currentDirectoryURL = directory
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A scratch folder for one test; device nodes are made here, never taken from /dev.
final class CLIScratch {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-files-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func text(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }
}

/// stderr is exactly one `error:` line.
func oneErrorLine(_ run: CLIRun) -> Bool {
    let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.count == 2 && lines[0].hasPrefix("error: ") && lines[1].isEmpty
}

@Suite("adiabat files: inputs, outputs, the report folder")
struct FileSafetyTests {
    @Test("a schedule table with an unrepresentable slope is refused in words, and no output file is left")
    func steepTable() throws {
        let s = try CLIScratch()
        try Data("r,u\n0,0\n1e-320,0.5\n1,1\n".utf8).write(to: URL(fileURLWithPath: s.path("steep.csv")))
        let run = try adiabat(["schedule", "steep.csv", "double-well", "--output", "x.csv", "--json"], in: s.url)
        #expect(run.status == 1)
        #expect(oneErrorLine(run), "\(run.stderr)")
        #expect(run.stderr.contains("too steep"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.path("x.csv")))
        #expect(run.stdout.isEmpty)
    }

    @Test("inputs that are not regular files are named for what they are, in one error line")
    func inputs() throws {
        let s = try CLIScratch()
        #expect(mknod(s.path("zero.toml"), S_IFCHR | 0o666, 1 << 8 | 5) == 0, "mknod needs root")
        #expect(mkfifo(s.path("fifo.coo"), 0o666) == 0)
        try FileManager.default.createDirectory(atPath: s.path("table.csv"), withIntermediateDirectories: false)
        let cases: [([String], String)] = [
            (["spectrum", "zero.toml"], "is a character device"),
            (["spectrum", "fifo.coo"], "is a named pipe (FIFO)"),
            (["schedule", "table.csv"], "is a folder"),
        ]
        for (arguments, words) in cases {
            let run = try adiabat(arguments, in: s.url)
            #expect(run.status == 1, "\(arguments)")
            #expect(oneErrorLine(run), "\(arguments): \(run.stderr)")
            #expect(run.stderr.contains(words), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("permission") && !run.stderr.contains("NSCocoaErrorDomain"), "\(run.stderr)")
        }
    }

    @Test("--output onto a device node writes through it; a report folder that cannot be made is named")
    func outputs() throws {
        let s = try CLIScratch()
        #expect(mknod(s.path("null"), S_IFCHR | 0o666, 1 << 8 | 3) == 0, "mknod needs root")
        #expect(mknod(s.path("full"), S_IFCHR | 0o666, 1 << 8 | 7) == 0)
        let ok = try adiabat(["schedule", "linear", "--output", "null"], in: s.url)
        #expect(ok.status == 0, "\(ok.stderr)")
        var info = stat()
        #expect(lstat(s.path("null"), &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        let full = try adiabat(["schedule", "linear", "--output", "full"], in: s.url)
        #expect(full.status == 1 && oneErrorLine(full) && full.stderr.contains("no space left"), "\(full.stderr)")
        #expect(lstat(s.path("full"), &info) == 0 && info.st_mode & S_IFMT == S_IFCHR)
        try Data("x".utf8).write(to: URL(fileURLWithPath: s.path("plain")))
        let report = try adiabat(["compare", "sk10", "--times", "1", "--report", "plain/report"], in: s.url)
        #expect(report.status == 1 && oneErrorLine(report), "\(report.stderr)")
        #expect(report.stderr.contains("is a regular file") && !report.stderr.contains("NSCocoaErrorDomain"), "\(report.stderr)")
    }

    static let compareArguments = "compare double-well --times 1,2,4 --steps 20,50 --samples 2000 --report shared --json"

    /// Every line of cells.jsonl is a whole, checksummed JSON object; returns their keys.
    static func storedKeys(_ s: CLIScratch) throws -> [String] {
        let text = s.text("shared/cells.jsonl")
        #expect(text.isEmpty || text.hasSuffix("\n"))
        var keys: [String] = []
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix(#"{"sum":""#) && !line.contains("{{"), "\(line)")
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let cell = try #require(object?["cell"] as? [String: Any])
            keys.append(try #require(cell["key"] as? String))
        }
        return keys
    }

    @Test("two compare processes on one report folder: the second is refused as in use, or both finish; never a torn store")
    func twoProcesses() throws {
        for seeds in [("1", "1"), ("1", "2")] {
            let s = try CLIScratch()
            // Two processes at once (started from here: a shell `wait` can hang when the
            // test runner blocks SIGCHLD).
            let runs = try [seeds.0, seeds.1].enumerated().map { i, seed in
                let process = Process()
                process.executableURL = URL(fileURLWithPath: adiabatBinary)
                process.arguments = Self.compareArguments.split(separator: " ").map(String.init) + ["--seed", seed]
                process.currentDirectoryURL = s.url
                _ = FileManager.default.createFile(atPath: s.path("out\(i + 1)"), contents: nil)
                _ = FileManager.default.createFile(atPath: s.path("err\(i + 1)"), contents: nil)
                process.standardOutput = try FileHandle(forWritingTo: s.url.appendingPathComponent("out\(i + 1)"))
                process.standardError = try FileHandle(forWritingTo: s.url.appendingPathComponent("err\(i + 1)"))
                try process.run()
                return process
            }
            for r in runs { r.waitUntilExit() }
            let codes = runs.map { Optional($0.terminationStatus) }
            let errors = [s.text("err1"), s.text("err2")]
            for (code, err) in zip(codes, errors) {
                if code == 0 {
                    #expect(err.isEmpty, "\(err)")
                } else {
                    #expect(code == 1, "\(err)")
                    #expect(err.hasPrefix("error: ") && err.contains("is in use") && err.contains("pid "), "\(err)")
                    #expect(err.split(separator: "\n").count == 1)
                }
            }
            #expect(codes.contains(0))
            let keys = try Self.storedKeys(s)
            #expect(Set(keys).count == keys.count, "a cell stored twice")
            // Every successful run's cells are in the store: a rerun of each computes nothing.
            for (code, seed) in zip(codes, [seeds.0, seeds.1]) where code == 0 {
                let again = try adiabat(
                    Self.compareArguments.split(separator: " ").map(String.init) + ["--seed", seed], in: s.url)
                #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
                #expect(again.stdout.contains(#""computed" : 0"#), "seed \(seed)")
            }
        }
    }

    @Test("a full disk (a file-size limit) stops compare with one error line; the rerun resumes without warnings")
    func fullDisk() throws {
        let s = try CLIScratch()
        // `ulimit -f 4`: files may not grow past 2 KiB, so write(2) fails (EFBIG) once
        // cells.jsonl reaches it; SIGXFSZ is ignored so the failure is an error, not a signal.
        let status = try shell(
            """
            trap '' XFSZ; ulimit -f 4; exec "\(adiabatBinary)" \(Self.compareArguments) >out 2>err
            """, in: s.url)
        #expect(status == 1, "\(s.text("err"))")
        let err = s.text("err")
        #expect(err.hasPrefix("error: ") && err.split(separator: "\n").count == 1, "\(err)")
        #expect(err.contains("cannot store a finished cell"), "\(err)")
        let stored = try Self.storedKeys(s)
        #expect(!stored.isEmpty && stored.count < 48, "\(stored.count) cells stored")
        #expect(!FileManager.default.fileExists(atPath: s.path("shared/report.html")))
        let again = try adiabat(Self.compareArguments.split(separator: " ").map(String.init), in: s.url)
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        #expect(again.stdout.contains(#""reused" : \#(stored.count)"#), "\(again.stdout.prefix(200))")
    }
}
