import Foundation
import TestSupport
import Testing

/// Splits one CSV line written by `CSVTable` (fields quoted only when they hold a comma or
/// a quote).
private func csvFields(_ line: Substring) -> [String] {
    var fields: [String] = []
    var current = ""
    var quoted = false
    var chars = Array(line)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < chars.count && chars[i + 1] == "\"" {
                    current.append("\"")
                    i += 1
                } else {
                    quoted = false
                }
            } else {
                current.append(c)
            }
        } else if c == "\"" {
            quoted = true
        } else if c == "," {
            fields.append(current)
            current = ""
        } else {
            current.append(c)
        }
        i += 1
    }
    fields.append(current)
    chars.removeAll()
    return fields
}

private func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// A row of results.json, decoded with JSONDecoder (exact doubles; JSONSerialization on
/// Linux may round the last digit).
private struct Row: Decodable, Equatable {
    var side: String
    var method: String
    var schedule: String
    var axis: String
    var value: Double
    var fidelity: Double?
    var fidelity_stderr: Double?
    var tv: Double?
    var tv_stderr: Double?
    var tv_noise_floor: Double?
    var ground_state_probability: Double?
    var ground_state_stderr: Double?
    var evaluations: Int?
    var seconds: Double
    var status: String
    var residual_energy_per_spin: Double?
    var residual_energy_per_spin_stderr: Double?
    var tts99_sweeps: Double?
    var tts99_low: Double?
    var tts99_high: Double?
    var reference_energy: Double?
    var reference_source: String?
    var left_box: Int?

    /// The column's text as results.csv writes it (Swift's shortest round-trip form).
    func field(_ name: String) -> String? {
        func d(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        switch name {
        case "side": return side
        case "method": return method
        case "schedule": return schedule
        case "axis": return axis
        case "value": return d(value)
        case "fidelity": return d(fidelity)
        case "fidelity_stderr": return d(fidelity_stderr)
        case "tv": return d(tv)
        case "tv_stderr": return d(tv_stderr)
        case "tv_noise_floor": return d(tv_noise_floor)
        case "ground_state_probability": return d(ground_state_probability)
        case "ground_state_stderr": return d(ground_state_stderr)
        case "evaluations": return evaluations.map(String.init) ?? ""
        case "seconds": return d(seconds)
        case "status": return status
        case "residual_energy_per_spin": return d(residual_energy_per_spin)
        case "residual_energy_per_spin_stderr": return d(residual_energy_per_spin_stderr)
        case "tts99_sweeps": return d(tts99_sweeps)
        case "tts99_low": return d(tts99_low)
        case "tts99_high": return d(tts99_high)
        case "reference_energy": return d(reference_energy)
        case "reference_source": return reference_source ?? ""
        case "left_box": return left_box.map(String.init) ?? ""
        default: return nil
        }
    }

    /// Everything but the timing.
    var figures: [String] {
        ["method", "schedule", "value", "fidelity", "tv", "tv_stderr", "ground_state_probability", "evaluations", "status"]
            .map { field($0) ?? "" }
    }
}

private struct Results: Decodable { var rows: [Row] }

@Suite("adiabat compare and adiabat schedule", .serialized)
struct CompareCommandTests {
    /// A small 1-D mixture on a coarse grid: every landscape cell kind, in a few seconds.
    static let landscapeProblem = ComparisonProblems.mixture(
        name: "tiny-mix", description: "½N(−1.5, 0.6²) + ½N(1.5, 0.6²) on a coarse grid (compare test)")

    /// Three spins, one coupling: every annealing cell kind.
    static let annealingProblem = ComparisonProblems.spins(
        name: "tiny-spins", description: "3 spins, fields and one coupling (compare test)", extra: "total_time = 4.0")

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Checks the three files of a report directory and that results.csv and results.json
    /// hold the same rows, value for value; returns the rows.
    fileprivate static func checkFiles(_ dir: URL, expectedRows: Int, plots: Int = 4) throws -> [Row] {
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= plots)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="))
        let data = try Data(contentsOf: dir.appendingPathComponent("results.json"))
        let rows = try JSONDecoder().decode(Results.self, from: data).rows
        #expect(rows.count == expectedRows)
        // Every row has every key, null where a figure is absent (as the CSV has every column).
        let raw = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for row in try #require(raw["rows"] as? [[String: Any]]) { #expect(row.count == 23) }
        let csv = try String(contentsOf: dir.appendingPathComponent("results.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == rows.count + 1)
        let header = csvFields(lines[0])
        #expect(header.count == 23)
        for (line, row) in zip(lines.dropFirst(), rows) {
            let fields = csvFields(line)
            #expect(fields.count == header.count)
            for (name, field) in zip(header, fields) {
                #expect(row.field(name) == field, "\(name): csv '\(field)', json '\(row.field(name) ?? "?")'")
            }
        }
        return rows
    }

    @Test("landscape: files written, CSV = JSON, a rerun reuses every cell, an interrupted store resumes")
    func landscape() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let problem = dir.appendingPathComponent("tiny-mix.toml")
        try Self.landscapeProblem.write(to: problem, atomically: true, encoding: .utf8)
        let report = dir.appendingPathComponent("out")
        let args = [
            "compare", problem.path, "--schedules", "linear,ddpm-cosine,gap-adaptive", "--times", "1,3", "--steps", "16,32",
            "--samples", "3000", "--samplers", "reverse-sde", "--gap-samples", "11", "--report", report.path, "--json",
        ]
        // 3 schedules × (2 quantum + 2 Langevin + 2 Fokker–Planck + 2 reverse-SDE) = 24 cells.
        let first = try adiabat(args)
        #expect(first.status == 0, "\(first.stderr)")
        let summary = try object(first.stdout)
        let cells = try #require(summary["cells"] as? [String: Int])
        #expect(cells["total"] == 24 && cells["computed"] == 24 && cells["reused"] == 0)
        let rows = try Self.checkFiles(report, expectedRows: 24)
        #expect(rows.allSatisfy { $0.status == "success" })
        // The page explains itself: dimensionless units, the x → −x symmetry of the mixture
        // with its even-sector gap, a generated ranking per section (docs/compare.md).
        let page = try String(contentsOf: report.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("Units: dimensionless.") && page.contains("total time T (dimensionless)"))
        #expect(page.contains("commutes with the reflection x → −x") && page.contains(">E₂ − E₀ (even)<"))
        #expect(page.components(separatedBy: "<strong>What this shows.</strong>").count - 1 == 4)
        // Quantum and Langevin fidelities improve with T on every schedule (adiabatic limit).
        for method in ["quantum", "langevin-path"] {
            for s in ["linear", "ddpm-cosine", "gap-adaptive"] {
                let f = rows.filter { $0.method == method && $0.schedule == s }.compactMap(\.fidelity)
                #expect(f.count == 2 && f[1] > f[0] && f[1] <= 1 + 1e-9, "\(method) \(s): \(f)")
            }
        }
        let storeLines = try String(contentsOf: report.appendingPathComponent("cells.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(storeLines.count == 24)

        // Same settings again: nothing recomputed, the same figures.
        let second = try adiabat(args)
        #expect(second.status == 0)
        let again = try #require(try object(second.stdout)["cells"] as? [String: Int])
        #expect(again["computed"] == 0 && again["reused"] == 24)
        let rows2 = try Self.checkFiles(report, expectedRows: 24)
        #expect(rows2.map(\.figures) == rows.map(\.figures))

        // An interruption: only 10 cells made it to the store, the 11th is torn.
        let kept = storeLines.prefix(10).joined(separator: "\n") + "\n" + storeLines[10].prefix(30)
        try kept.write(to: report.appendingPathComponent("cells.jsonl"), atomically: true, encoding: .utf8)
        let third = try adiabat(args)
        #expect(third.status == 0)
        let resumed = try #require(try object(third.stdout)["cells"] as? [String: Int])
        #expect(resumed["reused"] == 10 && resumed["computed"] == 14)
        let rows3 = try Self.checkFiles(report, expectedRows: 24)
        // Seeded and thread-count independent: the recomputed cells reproduce the first run.
        #expect(rows3.map(\.figures) == rows.map(\.figures))

        // A changed parameter is a different cell: more samples redo the sampler cells only.
        var more = args
        more[more.firstIndex(of: "3000")!] = "4000"
        let fourth = try adiabat(more)
        let changed = try #require(try object(fourth.stdout)["cells"] as? [String: Int])
        #expect(changed["computed"] == 6 && changed["reused"] == 18)
    }

    @Test("annealing: quantum annealing, flip chain, reverse flips and simulated annealing on one page")
    func annealing() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let problem = dir.appendingPathComponent("tiny-spins.toml")
        try Self.annealingProblem.write(to: problem, atomically: true, encoding: .utf8)
        let report = dir.appendingPathComponent("out")
        let run = try adiabat([
            "compare", problem.path, "--schedules", "linear,flip:ddpm-cosine", "--times", "2,16", "--cells", "10",
            "--sweeps", "10,100", "--samples", "400", "--gap-samples", "11", "--report", report.path, "--json",
        ])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        // 2 schedules × (2 quantum + 2 flip-chain + 1 reverse-flip) + 2 SA (its own β ramp)
        // + 2 schedules × 2 SA on β(s(τ)) = 16 rows.
        let rows = try Self.checkFiles(report, expectedRows: 16)
        #expect(rows.allSatisfy { $0.status == "success" })
        for s in ["", "linear", "flip:ddpm-cosine"] {
            #expect(rows.filter { $0.method == "simulated-annealing" && $0.schedule == s }.map(\.value) == [10, 100], "SA \(s)")
        }
        for r in rows {
            let p = try #require(r.ground_state_probability)
            #expect(p >= 0 && p <= 1 + 1e-12)
        }
        // A slower anneal ends closer to the ground state, on both sides of the bridge (the
        // flip chain by more than 4 standard errors).
        for s in ["linear", "flip:ddpm-cosine"] {
            let q = rows.filter { $0.method == "quantum" && $0.schedule == s }.compactMap(\.ground_state_probability)
            #expect(q.count == 2 && q[1] > q[0], "quantum \(s): \(q)")
            let c = rows.filter { $0.method == "flip-chain" && $0.schedule == s }
            guard c.count == 2, let p0 = c[0].ground_state_probability, let p1 = c[1].ground_state_probability,
                let e0 = c[0].ground_state_stderr, let e1 = c[1].ground_state_stderr
            else {
                Issue.record("flip chain \(s): missing rows")
                continue
            }
            #expect(p1 - p0 > 4 * (e0 * e0 + e1 * e1).squareRoot(), "flip chain \(s): \(p0) → \(p1)")
        }
        let json = try object(run.stdout)
        #expect((json["notes"] as? [String])?.contains { $0.contains("not exact") } == true)
    }

    @Test(
        "at scale: a 64-spin planted glass skips the exact side (memory budget), runs SA and SQA against sweeps with the planted reference"
    )
    func atScale() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let problem = dir.appendingPathComponent("g8.toml")
        let made = try adiabat([
            "instance", "glass2d", "--planted", "--size", "8", "--seed", "5", "--output", problem.path,
        ])
        #expect(made.status == 0, "\(made.stderr)")
        // The planted energy as the file states it (the reference the rows must carry).
        let text = try String(contentsOf: problem, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ground_energy") })
        let planted = try #require(
            Double(line.split(separator: "=")[1].split(separator: "#")[0].trimmingCharacters(in: .whitespaces)))
        let report = dir.appendingPathComponent("out")
        let run = try adiabat([
            "compare", problem.path, "--schedules", "linear,roland-cerf", "--sweeps", "5,40", "--samples", "30",
            "--report", report.path, "--json",
        ])
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        // roland-cerf needs the register and is left out: 2 SA + 1 schedule × (2 SA + 2 SQA) rows.
        // The schedules, residual energy and P(ground) against sweeps: no gap plot.
        let rows = try Self.checkFiles(report, expectedRows: 6, plots: 3)
        #expect(rows.filter { $0.method == "simulated-annealing" }.map(\.value) == [5, 40, 5, 40])
        #expect(rows.filter { $0.method == "simulated-annealing" }.map(\.schedule) == ["", "", "linear", "linear"])
        #expect(rows.filter { $0.method == "path-integral" }.map(\.schedule) == ["linear", "linear"])
        #expect(!rows.contains { ["quantum", "flip-chain", "reverse-flip"].contains($0.method) })
        for r in rows {
            #expect(r.status == "success", "\(r.method) \(r.value): \(r.status)")
            #expect(r.reference_energy == planted && r.reference_source == "file", "\(r.method) \(r.value)")
            let p = try #require(r.ground_state_probability)
            let e = try #require(r.residual_energy_per_spin)
            // The planted energy is the ground energy: no read is below it, and ⟨E⟩ = E₀ iff every read hits.
            #expect(e >= -1e-12 && (e == 0) == (p == 1), "\(r.method) \(r.value): residual \(e), P \(p)")
            #expect(r.residual_energy_per_spin_stderr != nil)
            if p > 0 {
                let t = try #require(r.tts99_sweeps)
                let low = try #require(r.tts99_low)
                #expect(t >= r.value - 1e-9 && low <= t + 1e-9 && (r.tts99_high ?? .infinity) >= t - 1e-9)
            } else {
                #expect(r.tts99_sweeps == nil)
            }
        }
        let json = try object(run.stdout)
        let notes = try #require(json["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("The exact side is skipped") && $0.contains("memory") }, "\(notes)")
        #expect(notes.contains { $0.contains("Left out: roland-cerf") })
        let gaps = try #require(json["gap_profile"] as? [String: Any])
        #expect((gaps["unusable"] as? String)?.contains("2^64 amplitudes") == true)
        let page = try String(contentsOf: report.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("Residual energy per spin against sweeps") && page.contains("Time to solution"))
        #expect(page.contains("The gap profile is not computed"))
        // Only register-free schedules: a flip: schedule alone is refused with one line.
        let refused = try adiabat([
            "compare", problem.path, "--schedules", "flip:ddpm-cosine", "--sweeps", "5", "--report",
            dir.appendingPathComponent("no").path,
        ])
        #expect(refused.status != 0 && refused.stderr.hasPrefix("error: ") && refused.stderr.split(separator: "\n").count == 1)

        // Without ground_energy: every classical cell against the best energy any cell found,
        // and the default reads at this size (the exact side skipped) are 100, said in a note.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let bare = dir.appendingPathComponent("bare.toml")
        try lines.filter { !$0.hasPrefix("ground_energy") }.joined(separator: "\n").write(
            to: bare, atomically: true, encoding: .utf8)
        let shared = try adiabat([
            "compare", bare.path, "--schedules", "linear", "--sweeps", "2,40", "--report",
            dir.appendingPathComponent("bare").path, "--json",
        ])
        #expect(shared.status == 0 && shared.stderr.isEmpty, "\(shared.stderr)")
        let sharedJSON = try object(shared.stdout)
        #expect((sharedJSON["settings"] as? [String: Any])?["samples"] as? Int == 100)
        #expect((sharedJSON["notes"] as? [String])?.contains { $0.hasPrefix("Reads: 100 per cell") } == true)
        let found = try Self.checkFiles(dir.appendingPathComponent("bare"), expectedRows: 6, plots: 3)
        let reference = try #require(found.first?.reference_energy)
        #expect(reference >= planted - 1e-9)
        #expect(found.contains { ($0.ground_state_probability ?? 0) > 0 })
        for r in found {
            #expect(r.reference_source == "best-found" && r.reference_energy == reference, "\(r.method) \(r.value)")
            let p = try #require(r.ground_state_probability)
            let e = try #require(r.residual_energy_per_spin)
            #expect(e >= -1e-12 && (p == 0) == (r.tts99_sweeps == nil), "\(r.method) \(r.schedule) \(r.value)")
        }
        // The 2-sweep cells cannot all reach what the 40-sweep cells found: some cell sits at P = 0.
        #expect(found.contains { $0.ground_state_probability == 0 && ($0.residual_energy_per_spin ?? 0) > 0 })

        // A file ground_energy above an energy a read finds: one error line naming it.
        let wrong = dir.appendingPathComponent("wrong.toml")
        try lines.map { $0.hasPrefix("ground_energy") ? "ground_energy = \(planted + 40)" : String($0) }
            .joined(separator: "\n").write(to: wrong, atomically: true, encoding: .utf8)
        let bad = try adiabat([
            "compare", wrong.path, "--schedules", "linear", "--sweeps", "40", "--samples", "10", "--report",
            dir.appendingPathComponent("wrong").path,
        ])
        #expect(bad.status != 0 && bad.stderr.hasPrefix("error: ") && bad.stderr.split(separator: "\n").count == 1)
        #expect(bad.stderr.contains("problem.ground_energy"), "\(bad.stderr)")
    }

    @Test("sk10-dwave: the page takes its units from the GHz table (T in ns, gaps in GHz) and names the spin-flip symmetry")
    func dwaveUnits() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try adiabat(
            [
                "compare", "sk10-dwave", "--schedules", "linear", "--times", "2,8", "--steps", "5", "--sweeps", "10",
                "--samples", "100", "--gap-samples", "11", "--report", dir.path, "--json",
            ], in: packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        // --steps on spins: the deprecated spelling of --cells still works, with one warning line
        let warnings = run.stderr.split(separator: "\n")
        #expect(warnings.count == 1 && warnings.first?.hasPrefix("warning: --steps") == true, "\(run.stderr)")
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("Units: run times T in ns; gaps as frequencies Δ/h in GHz."))
        #expect(page.contains("total time T (ns)") && page.contains("gap Δ/h (GHz)"))
        #expect(!page.contains("(dimensionless)"))
        #expect(page.contains("at T = 8 ns (the largest)"))
        #expect(page.contains("commutes with the global spin flip Πσxᵢ"))
        #expect(page.contains("axis clipped at"))
        #expect(page.contains("The reverse flip chain is an oracle baseline"))
        #expect(!page.contains("_{") && !page.contains("^{"))
        #expect(page.range(of: #"\\[A-Za-z]+"#, options: .regularExpression) == nil)
        let json = try object(run.stdout)
        let context = try #require(json["context"] as? [String: Any])
        #expect(context["time_unit"] as? String == "ns" && context["energy_unit"] as? String == "GHz")
    }

    @Test("bad input: one error line")
    func badInput() throws {
        for args in [
            ["compare", "double-well", "--schedules", "cosin"],
            ["compare", "double-well", "--times", "1,x"],
            ["compare", "double-well", "--schedules", "flip:linear"],
            ["compare", "hydrogen-1s"],
            ["compare", "sk10", "--samplers", "reverse-sde"],
            ["compare", "double-well", "--cells", "5"],
            ["compare", "sk10", "--cells", "5", "--steps", "5"],
        ] {
            let run = try adiabat(args, in: packageRoot)
            #expect(run.status != 0, "\(args)")
            #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.hasPrefix("error: "), "\(args): \(run.stderr)")
        }
    }

    @Test("a bad cell count names --cells, a bad step count --steps")
    func countFlags() throws {
        let cells = try adiabat(["compare", "sk10", "--cells", "5,0", "--report", "/nonexistent/r"], in: packageRoot)
        #expect(cells.status != 0 && cells.stderr.split(separator: "\n").count == 1, "\(cells.stderr)")
        #expect(cells.stderr.hasPrefix("error: --cells (compare.cells): must lie in 1…10⁶ (got 0)"), "\(cells.stderr)")
        let steps = try adiabat(["compare", "double-well", "--steps", "0", "--report", "/nonexistent/r"], in: packageRoot)
        #expect(steps.status != 0 && steps.stderr.split(separator: "\n").count == 1, "\(steps.stderr)")
        #expect(steps.stderr.hasPrefix("error: --steps (compare.steps): must lie in 1…10⁶ (got 0)"), "\(steps.stderr)")
    }

    @Test("schedule: table, CSV and SVG export; flip: reports exactness")
    func schedule() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let csv = dir.appendingPathComponent("s.csv")
        let svg = dir.appendingPathComponent("s.svg")
        let run = try adiabat(
            ["schedule", "ddpm-cosine", "double-well", "--steps", "20", "--output", csv.path, "--plot", svg.path, "--json"],
            in: packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let json = try object(run.stdout)
        #expect(json["columns"] as? [String] == ["r", "u", "rate", "v", "t", "alpha_bar"])
        let rows = try #require(json["rows"] as? [[Double]])
        #expect(rows.count == 21 && rows[0][4] == 3 && rows[20][4] == 0)
        let text = try String(contentsOf: csv, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 22 && text.hasPrefix("r,u,rate,v,t,alpha_bar\n"))
        #expect(try String(contentsOf: svg, encoding: .utf8).hasPrefix("<svg"))
        // the old spelling --samples still works, warns once, and tabulates the same rows
        let old = try adiabat(["schedule", "ddpm-cosine", "double-well", "--samples", "20", "--json"], in: packageRoot)
        #expect(old.status == 0 && old.stderr.contains("warning: schedule --samples is deprecated; use --steps"))
        #expect(try object(old.stdout)["rows"] as? [[Double]] == rows)
        let flip = try object(try adiabat(["schedule", "flip:linear", "--field-scale", "0.5", "--json"]).stdout)
        #expect(flip["exact"] as? Bool == true)
        #expect((flip["columns"] as? [String])?.contains("B") == true)
    }

    /// A diffusion schedule carried to the annealing path, exported as an A(s), B(s) table:
    /// a problem file that reads the table and runs it with the linear schedule evolves through
    /// the same Hamiltonians as `--schedule flip:ddpm-cosine` on the original problem. The
    /// table is interpolated (Steffen) between 401 rows; near s = 1 the carried schedule has a
    /// square-root end (s ≈ 1 − 2ε√t), which the spline misses by up to ~c√h ≈ 0.08 in s over
    /// the last row interval (a run time T/400 = 0.015): an amplitude error ≲ 0.08·0.015 ≈ 1e-3,
    /// which bounds the fidelity difference (measured: 5e-6).
    @Test("schedule --path-output: a flip: schedule as an A(s), B(s) table reproduces the evolution")
    func pathTable() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let spin = dir.appendingPathComponent("spin.toml")
        try """
        name = "spin"
        kind = "annealing"
        [problem]
        h = [0.8]
        [schedule]
        type = "linear"
        total_time = 6.0
        """.write(to: spin, atomically: true, encoding: .utf8)
        let table = dir.appendingPathComponent("path.csv")
        let export = try adiabat(["schedule", "flip:ddpm-cosine", spin.path, "--steps", "400", "--path-output", table.path])
        #expect(export.status == 0, "\(export.stderr)")
        let tabled = dir.appendingPathComponent("tabled.toml")
        try """
        name = "spin-tabled"
        kind = "annealing"
        [problem]
        h = [0.8]
        [schedule]
        type = "table"
        file = "path.csv"
        energy_unit = "native"
        total_time = 6.0
        """.write(to: tabled, atomically: true, encoding: .utf8)
        let direct = try object(try adiabat(["evolve", spin.path, "--schedule", "flip:ddpm-cosine", "--json"]).stdout)
        let viaTable = try object(try adiabat(["evolve", tabled.path, "--schedule", "linear", "--json"]).stdout)
        let f1 = try #require(direct["fidelity"] as? Double)
        let f2 = try #require(viaTable["fidelity"] as? Double)
        #expect(f1 < 0.999)  // a visibly non-adiabatic run, so the comparison means something
        #expect(abs(f1 - f2) < 1e-3, "direct \(f1), via the table \(f2)")
    }
}
