import AdiabatCore
import Bridge
import Foundation
import NPYTestSupport
import Problems
import TestSupport
import Testing

/// `compare` on a score field (docs/score-fields.md, docs/compare.md): the exact OU score of
/// data `N(0, s0²)` tabulated on a 1-D grid, written as an `.npz` with a TOML beside it.
@Suite("Score fields: compare runs both sides against the field's target")
struct ScoreFieldCompareTests {
    static let times = [0.05, 0.3, 0.6, 1.0, 1.5, 2.0]

    /// Writes the field (with its exact `log_density` when `density`) and loads the problem.
    func problem(density: Bool, in folder: URL, half: Double = 6, points n: Int = 97) throws -> Problem {
        let s0 = 0.5
        let axis = (0..<n).map { -half + 2 * half * Double($0) / Double(n - 1) }
        func variance(_ t: Double) -> Double { s0 * s0 * exp(-2 * t) + 1 - exp(-2 * t) }
        let scores = Self.times.flatMap { t in axis.map { -$0 / variance(t) } }
        let logP = Self.times.flatMap { t in
            axis.map { x in -0.5 * x * x / variance(t) - 0.5 * log(2 * Double.pi * variance(t)) }
        }
        var members = [
            ("score.npy", NPYTestFiles.npy(scores, shape: [Self.times.count, n, 1])),
            ("axis0.npy", NPYTestFiles.npy(axis, shape: [n])),
            ("t.npy", NPYTestFiles.npy(Self.times, shape: [Self.times.count])),
        ]
        if density { members.append(("log_density.npy", NPYTestFiles.npy(logP, shape: [Self.times.count, n]))) }
        try NPYTestFiles.write(try NPYTestFiles.zip(members), "g.npz", in: folder)
        let toml = "name = \"g\"\nkind = \"landscape\"\n[landscape]\ntype = \"score-field\"\nfile = \"g.npz\"\n"
        return try Problem.load(try NPYTestFiles.write(Data(toml.utf8), "g.toml", in: folder).path, seed: 1)
    }

    func settings() -> ComparisonSettings {
        ComparisonSettings(
            schedules: ["linear", "cosine"], times: [1, 30], steps: [100], samples: 4000, samplers: ["reverse-sde"],
            sweeps: [], seed: 7)
    }

    @Test("quantum and classical rows against the file's density at t₀; schedules it cannot run are left out with a note")
    func withDensity() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let comparison = try Comparison(problem: try problem(density: true, in: folder), settings: settings())
        let report = try comparison.run()
        #expect(report.kind == "score-field")
        #expect(report.grid.contains("t₀ = 0.05") && report.grid.contains("the file's density at t = 0.05"), "\(report.grid)")
        #expect(report.notes.contains { $0.contains("Left out: cosine") })
        #expect(report.rows.allSatisfy { $0.schedule == "linear" && $0.status == "success" })
        let quantum = report.rows.filter { $0.method == "quantum" }
        let fp = report.rows.filter { $0.method == "fokker-planck" }
        let sde = report.rows.filter { $0.method == "reverse-sde" }
        #expect(quantum.count == 2 && fp.count == 1 && sde.count == 1)
        #expect(!report.rows.contains { $0.method == "langevin-path" })
        // Adiabatic at T = 30: the ground state of H_S(t₀) is √p₀ up to the O(h²) grid error.
        let slow = try #require(quantum.last?.fidelity)
        let fast = try #require(quantum.first?.fidelity)
        #expect(slow > 0.999 && fast < slow, "F(T=1) \(fast), F(T=30) \(slow)")
        #expect((quantum.last?.tv ?? 1) < 0.02)
        // The reverse SDE's law on the exact score: the path's discretisation error only.
        let fpTV = try #require(fp.first?.tv)
        #expect(fpTV.isFinite && fpTV < 0.05, "Fokker–Planck TV \(fpTV)")
        // Particles: at the noise floor of exact samples within a few standard errors.
        let row = try #require(sde.first)
        let tv = try #require(row.tv)
        let floor = try #require(row.tvNoiseFloor)
        let se = try #require(row.tvStderr)
        #expect(tv.isFinite && abs(tv - floor) < 3 * se + 0.01, "TV \(tv) ± \(se), floor \(floor)")
        #expect((row.fidelity ?? 0) > 0.95 && (row.fidelity ?? 2) <= 1)
        // The particles dropped at the walls are counted on particle rows only.
        #expect(row.leftBox != nil && quantum.allSatisfy { $0.leftBox == nil } && fp.allSatisfy { $0.leftBox == nil })
    }

    @Test("particle rows carry the count dropped at the box walls, as sample reports it; old cells decode without it")
    func leftBox() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A box of ±2.8 around N(0, 1) at the last table: the reverse SDE's noise carries
        // some particles out.
        let problem = try problem(density: true, in: folder, half: 2.8, points: 57)
        var s = settings()
        s.schedules = ["linear"]
        s.times = [1]
        s.samples = 2000
        let report = try Comparison(problem: problem, settings: s).run()
        let row = try #require(report.rows.first { $0.method == "reverse-sde" })
        var sample = SampleRequest(sampler: "reverse-sde", seed: 7)
        sample.steps = 100
        sample.samples = 2000
        guard case .landscape(_, let outcome, _) = try problem.sample(sample) else {
            Issue.record("not a landscape sample")
            return
        }
        let dropped = try #require(outcome.report.leftBox)
        #expect(dropped > 0 && row.leftBox == dropped, "compare \(row.leftBox ?? -1), sample \(dropped)")
        #expect(outcome.report.samples == 2000 - dropped)
        // results.csv and results.json carry it; a row or cell stored without it decodes as absent.
        let header = ComparisonRow.csvHeader
        #expect(row.csvFields[header.firstIndex(of: "left_box")!] == "\(dropped)")
        let json = try JSONEncoder().encode(row)
        #expect(try JSONDecoder().decode(ComparisonRow.self, from: json) == row)
        var old = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        old["left_box"] = nil
        let legacy = try JSONDecoder().decode(ComparisonRow.self, from: try JSONSerialization.data(withJSONObject: old))
        #expect(legacy.leftBox == nil && legacy.tv == row.tv)
        let cell = try JSONDecoder().decode(CellResult.self, from: Data(#"{"seconds":1,"status":"success","tv":0.5}"#.utf8))
        #expect(cell.leftBox == nil && cell.tv == 0.5)
    }

    @Test("without a density the target is the Score Hamiltonian's ground state at t₀, and compare says so")
    func withoutDensity() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var s = settings()
        s.schedules = ["linear"]
        s.times = [30]
        s.samplers = []
        let report = try Comparison(problem: try problem(density: false, in: folder), settings: s).run()
        #expect(report.grid.contains("ground state |ψ₀|²"), "\(report.grid)")
        #expect(report.notes.first?.contains("ground state |ψ₀|²") == true)
        let f = try #require(report.rows.first { $0.method == "quantum" }?.fidelity)
        #expect(f > 0.999, "F \(f)")
        // ψ₀² is the density whose score is this field: the Fokker–Planck law lands on it too.
        let tv = try #require(report.rows.first { $0.method == "fokker-planck" }?.tv)
        #expect(tv < 0.05, "TV \(tv)")
    }

    @Test("--points and schedules a field cannot run are refused with one line")
    func refusals() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let p = try problem(density: true, in: folder)
        var s = settings()
        s.points = 31
        #expect(inputError { _ = try Comparison(problem: p, settings: s) }?.contains("own grid") == true)
        s.points = nil
        s.schedules = ["gap-adaptive"]
        #expect(inputError { _ = try Comparison(problem: p, settings: s) }?.contains("linear schedule") == true)
    }
}
