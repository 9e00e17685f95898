import Foundation
import Testing

/// The golden set (Golden/cases.txt): the `--json` output of every bundled problem through each
/// subcommand that takes it, recorded by `tools/golden.py` from the build before the one-problem
/// redesign. Each case runs again here and must agree:
/// - a success stays a success, and every value of the recorded JSON object is still there:
///   numbers to 1e-10 relative (the runs are deterministic at a fixed seed, so in practice they
///   agree to the bit), strings and booleans exactly; timings (`seconds`, `…_seconds`,
///   `…per_second`) are ignored, keys added since are allowed;
/// - a refusal stays a refusal: a non-zero exit, nothing on stdout, exactly one `error:` line
///   on stderr whose first clause (up to the first "; " or ". ": what is wrong, naming the
///   parameter) is the recorded one; the hints after it may improve without a new recording.
@Suite("golden set: outputs agree with the recorded ones")
struct GoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var testDescription: String { name }
    }

    static let folder = packageRoot.appendingPathComponent("Tests/AdiabatCLITests/Golden")

    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("cases.txt"), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { raw in
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), let bar = line.firstIndex(of: "|") else { return nil }
            let name = line[..<bar].trimmingCharacters(in: .whitespaces)
            let arguments = line[line.index(after: bar)...].split(separator: " ").map(String.init)
            return Case(name: name, arguments: arguments)
        }
    }()

    @Test("the case list is read and every case has a recording")
    func caseList() throws {
        #expect(Self.cases.count >= 90)
        for c in Self.cases {
            #expect(
                FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("\(c.name).json").path), "\(c.name)")
        }
    }

    @Test("a refusal's first clause ends at its first '; ' or '. '")
    func firstClause() {
        #expect(
            Self.firstClause("error: --steps (evolve.steps): must be 1…10 (got -3); the integrators stop\n")
                == "error: --steps (evolve.steps): must be 1…10 (got -3)")
        #expect(
            Self.firstClause("error: The value 'x' is invalid for '--method <method>'. Please provide one of: a; b")
                == "error: The value 'x' is invalid for '--method <method>'")
        #expect(
            Self.firstClause("error: --law boltzmann needs --beta β (got 1.5)\n")
                == "error: --law boltzmann needs --beta β (got 1.5)")
    }

    @Test("each case agrees with its recording", arguments: cases)
    func agrees(_ c: Case) throws {
        let recorded = try JSONSerialization.jsonObject(
            with: Data(contentsOf: Self.folder.appendingPathComponent("\(c.name).json")), options: [.fragmentsAllowed])
        let record = try #require(recorded as? [String: Any])
        let status = try #require(record["status"] as? Int)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("golden-\(c.name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let arguments = c.arguments.map { $0.replacingOccurrences(of: "$TMP", with: scratch.path) }
        let run = try adiabat(arguments, in: packageRoot)
        if status != 0 {
            #expect(run.status != 0, "\(c.name): was refused, now exits 0")
            #expect(run.stdout.isEmpty, "\(c.name): a refusal printed on stdout")
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(c.name): \(run.stderr)")
            let stderr = run.stderr.replacingOccurrences(of: scratch.path, with: "$TMP")
                .replacingOccurrences(of: packageRoot.path, with: "$ROOT")
            let recordedStderr = try #require(record["stderr"] as? String)
            #expect(
                Self.firstClause(stderr) == Self.firstClause(recordedStderr),
                "\(c.name): the refusal now says '\(stderr.trimmingCharacters(in: .newlines))'")
            return
        }
        #expect(run.status == 0, "\(c.name): \(run.stderr)")
        let stdout = run.stdout.replacingOccurrences(of: scratch.path, with: "$TMP")
            .replacingOccurrences(of: packageRoot.path, with: "$ROOT")
        let now = try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
        var differences: [String] = []
        Self.compare(record["stdout"] as Any, now, path: "", into: &differences)
        #expect(differences.isEmpty, "\(c.name): \(differences.prefix(8).joined(separator: "; "))")
    }

    /// A refusal's first clause: its line up to the first "; " or ". " (all of it without one).
    static func firstClause(_ line: String) -> String {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        let cuts = ["; ", ". "].compactMap { text.range(of: $0)?.lowerBound }
        return cuts.min().map { String(text[..<$0]) } ?? text
    }

    static func isTiming(_ key: String) -> Bool {
        key == "seconds" || key.hasSuffix("_seconds") || key.contains("per_second")
    }

    /// Every value of `old` must be in `new`: numbers to 1e-10 relative.
    static func compare(_ old: Any, _ new: Any, path: String, into differences: inout [String]) {
        switch old {
        case let dictionary as [String: Any]:
            guard let other = new as? [String: Any] else {
                differences.append("\(path): not an object")
                return
            }
            for (key, value) in dictionary where !isTiming(key) {
                guard let next = other[key] else {
                    differences.append("\(path)/\(key): missing")
                    continue
                }
                compare(value, next, path: "\(path)/\(key)", into: &differences)
            }
        case let array as [Any]:
            guard let other = new as? [Any], other.count == array.count else {
                differences.append("\(path): not an array of \(array.count)")
                return
            }
            for (i, (a, b)) in zip(array, other).enumerated() { compare(a, b, path: "\(path)[\(i)]", into: &differences) }
        case let number as NSNumber:
            guard let other = new as? NSNumber else {
                differences.append("\(path): \(number) became \(new)")
                return
            }
            let (a, b) = (number.doubleValue, other.doubleValue)
            if a != b && !(abs(a - b) <= 1e-10 * max(abs(a), abs(b))) {
                differences.append("\(path): \(a) became \(b)")
            }
        default:
            if "\(old)" != "\(new)" { differences.append("\(path): \(old) became \(new)") }
        }
    }
}
