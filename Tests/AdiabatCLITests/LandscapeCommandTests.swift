import Foundation
import Testing

func jsonObject(_ run: CLIRun) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    guard let dictionary = object as? [String: Any] else { throw CLIError.notAnObject(run.stdout) }
    return dictionary
}

enum CLIError: Error { case notAnObject(String) }

@Suite("problems, spectrum and translate on landscapes")
struct LandscapeCommandTests {
    @Test("problems lists the bundled landscapes with their dimensions")
    func problems() throws {
        let run = try adiabat(["problems", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let list = try jsonObject(run)["problems"] as? [[String: Any]] ?? []
        var dimensions: [String: Int] = [:]
        for entry in list {
            if let name = entry["name"] as? String, let d = entry["dimension"] as? Int { dimensions[name] = d }
            #expect(entry["kind"] as? String != nil && entry["summary"] as? String != nil)
        }
        #expect(dimensions["double-well"] == 1 && dimensions["coupled-oscillator"] == 2)
        #expect(dimensions["two-moons"] == 2 && dimensions["hydrogen-1s"] == 3)
        let table = try adiabat(["problems"])
        #expect(table.status == 0 && table.stdout.contains("hydrogen-1s"))
    }

    /// Coupled oscillator (bundled grid: h = 0.08, fourth order): levels within 1e-4 of
    /// 0, 5/9, 10/9; hydrogen channel l = 1 (h = 0.01): 0.75, 0.8889 within 1e-4.
    @Test("spectrum: the closed-form levels come out, in JSON")
    func spectrum() throws {
        let co = try jsonObject(try adiabat(["spectrum", "coupled-oscillator", "--levels", "3", "--json"]))
        let e = co["energies"] as? [Double] ?? []
        #expect(e.count == 3)
        for (k, exact) in [0.0, 5.0 / 9, 10.0 / 9].enumerated() where k < e.count {
            #expect(abs(e[k] - exact) < 1e-4, "level \(k): \(e[k])")
        }
        #expect(abs((co["gap"] as? Double ?? 0) - 5.0 / 9) < 1e-4)
        let h = try jsonObject(try adiabat(["spectrum", "hydrogen-1s", "--angular-momentum", "1", "--levels", "2", "--json"]))
        let eh = h["energies"] as? [Double] ?? []
        #expect(eh.count == 2 && abs(eh[0] - 0.75) < 1e-4 && abs(eh[1] - 8.0 / 9) < 1e-4, "\(eh)")
    }

    @Test("spectrum --profile: every point, the minimum gap and where it is")
    func profile() throws {
        let run = try adiabat(["spectrum", "double-well", "--profile", "20", "--levels", "2", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try jsonObject(run)
        let points = object["profile"] as? [[String: Any]] ?? []
        #expect(points.count == 20)
        #expect(object["at"] as? Double == 0)
        let gaps = points.compactMap { $0["gap"] as? Double }
        #expect(gaps.min() == object["min_gap"] as? Double)
        #expect((points.first?["time"] as? Double) == 3.0)
    }

    @Test("translate: tables written atomically, round trips reported")
    func translate() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-cli-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("score.csv").path
        let toScore = try jsonObject(
            try adiabat(["translate", "double-well", "--to", "score", "--round-trip", "--output", csv, "--json"]))
        #expect((toScore["max_abs_error"] as? Double ?? 1) < 1e-8)
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(lines.first == "x,p,log_p,s_x" && lines.count == 1402)
        // score → H → score: O(h²) on the bundled grid (h = 0.01): below 1e-2.
        let toH = try jsonObject(try adiabat(["translate", "double-well", "--to", "hamiltonian", "--round-trip", "--json"]))
        let error = toH["max_abs_error"] as? Double ?? 1
        #expect(error > 0 && error < 1e-2)
        let json = directory.appendingPathComponent("v.json").path
        let radial = try adiabat(["translate", "hydrogen-1s", "--to", "hamiltonian", "--output", json])
        #expect(radial.status == 0)
        let table = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        #expect((table?["columns"] as? [String]) == ["r", "V"])
        // An unwritable output leaves nothing behind and fails with one line.
        let bad = try adiabat([
            "translate", "double-well", "--to", "hamiltonian", "--output", directory.appendingPathComponent("no/such/v.csv").path,
        ])
        #expect(bad.status != 0 && bad.stderr.hasPrefix("error: ") && bad.stderr.split(separator: "\n").count == 1)
    }

    @Test(
        "bad requests get one error: line",
        arguments: [
            ["spectrum", "no-such-problem"], ["spectrum", "double-well", "--angular-momentum", "1"],
            ["spectrum", "double-well", "--s", "0.5"],
            ["spectrum", "double-well", "--time", "-1"], ["spectrum", "double-well", "--profile", "1"],
            ["translate", "double-well"],
            ["translate", "double-well", "--to", "score", "--time", "1", "--s", "0.2"],
        ])
    func errors(arguments: [String]) throws {
        let run = try adiabat(arguments)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}
