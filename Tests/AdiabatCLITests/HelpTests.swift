import Foundation
import Testing

/// Every subcommand's help ends with examples that run as written on the bundled problems,
/// and reads cleanly: no doubled defaults, no stray spaces inside sentences.
@Suite("help texts and their examples")
struct HelpTests {
    static let commands = [
        "", "problems", "spectrum", "translate", "evolve", "sample", "schedule", "compare", "sweep", "merge", "reproduce",
        "instance",
    ]

    /// The campaign spec the sweep and merge examples name (docs/campaigns.md shows its keys).
    static let campaign = """
        problems = ["maxcut6", "sk10"]
        schedules = ["linear", "cosine"]
        times = [2, 8]
        steps = [5]
        sweeps = [10, 100]
        samples = 200
        gap_samples = 9
        """

    func help(_ command: String) throws -> String {
        let run = try adiabat((command.isEmpty ? [] : [command]) + ["--help"])
        #expect(run.status == 0)
        return run.stdout
    }

    /// The examples: the lines after the last `EXAMPLES:` heading.
    func examples(_ text: String) -> [String] {
        guard let range = text.range(of: "\nEXAMPLES:\n", options: .backwards) else { return [] }
        return text[range.upperBound...].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    @Test("every help ends with two or three examples, and each runs as written", arguments: commands)
    func examplesRun(_ command: String) throws {
        let text = try help(command)
        let lines = examples(text)
        #expect((2...3).contains(lines.count), "\(command): \(lines)")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-help-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        if command == "sweep" || command == "merge" {
            try Self.campaign.write(to: scratch.appendingPathComponent("campaign.toml"), atomically: true, encoding: .utf8)
        }
        if command == "merge" {
            let run = try adiabat(["sweep", "campaign.toml", "--report", "report/campaign"], in: scratch)
            #expect(run.status == 0, "the sweep the merge examples read: \(run.stderr)")
        }
        for line in lines {
            let words = line.split(separator: " ").map(String.init)
            #expect(words.first == "adiabat", "\(line)")
            if !command.isEmpty { #expect(words.dropFirst().first == command, "\(line)") }
            let run = try adiabat(Array(words.dropFirst()), in: scratch)
            #expect(run.status == 0, "\(line): \(run.stderr)")
            #expect(!run.stdout.isEmpty, "\(line) printed nothing")
        }
    }

    @Test("no option states its default twice, no sentence has doubled spaces", arguments: commands)
    func clean(_ command: String) throws {
        let text = try help(command)
        // options: one paragraph per flag, joined
        var paragraphs: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  -") || paragraphs.isEmpty {
                paragraphs.append(String(line))
            } else {
                paragraphs[paragraphs.count - 1] += " " + line
            }
        }
        for p in paragraphs {
            let flat = p.split(separator: " ").joined(separator: " ")
            let defaults = flat.components(separatedBy: "(default").count - 1
            // the per-sampler list of --integrator names one default per sampler family
            if !flat.contains("--integrator") { #expect(defaults <= 1, "\(command): \(flat)") }
        }
        for line in text.split(separator: "\n") where !line.hasPrefix("  -") && !line.hasPrefix("  <") {
            var body = line.trimmingCharacters(in: .whitespaces)
            // a two-column line (a subcommand and its abstract): check the abstract
            if line.hasPrefix("  "), let gap = body.range(of: "  ") {
                body = body[gap.upperBound...].trimmingCharacters(in: .whitespaces)
            }
            #expect(!body.contains("  "), "\(command): '\(line)'")
        }
    }
}
