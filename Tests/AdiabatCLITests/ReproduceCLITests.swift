import Foundation
import Testing

@Suite("adiabat reproduce")
struct ReproduceCLITests {
    @Test("reproduce grover --quick writes the page, JSON, CSV and SVG and prints one JSON object")
    func groverQuick() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("reproduce-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try adiabat(["reproduce", "grover", "--quick", "--output", directory.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect(object?["experiment"] as? String == "grover")
        #expect((object?["files"] as? [String])?.count == 4)
        let result = object?["result"] as? [String: Any]
        let fit = result?["roland_cerf_fit"] as? [String: Any]
        #expect(abs((fit?["slope"] as? Double ?? 0) - 0.5) < 0.05)
        for file in ["grover.html", "grover.json", "grover.csv", "grover-scaling.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(file).path), "\(file)")
        }
        let html = try String(contentsOf: directory.appendingPathComponent("grover.html"), encoding: .utf8)
        // Self-contained: inline SVG, no scripts, nothing fetched from the network.
        #expect(html.contains("<svg") && !html.contains("<script"))
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
    }

    @Test("an unknown experiment is one error: line listing the valid names")
    func unknownExperiment() throws {
        let run = try adiabat(["reproduce", "tomography"])
        #expect(run.status != 0)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("hydrogen") && run.stderr.contains("gap-schedule"))
    }

    @Test("--paper is santoro's alone and excludes --quick: one error: line each")
    func paperFlag() throws {
        for (arguments, fragment) in [
            (["reproduce", "grover", "--paper"], "santoro only"), (["reproduce", "santoro", "--paper", "--quick"], "not both"),
        ] {
            let run = try adiabat(arguments)
            let lines = run.stderr.split(separator: "\n")
            #expect(run.status != 0 && lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(fragment))
        }
    }
}
