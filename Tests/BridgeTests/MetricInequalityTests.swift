import AdiabatCore
import Bridge
import Foundation
import Problems
import TestSupport
import Testing

/// A row of results.json, as a user's script reads it.
fileprivate struct Row: Decodable {
    var side: String
    var method: String
    var schedule: String
    var value: Double
    var fidelity: Double?
    var tv: Double?
    var ground_state_probability: Double?
    var status: String

    var label: String { "\(side) \(method) \(schedule) \(value)" }
}

fileprivate struct Results: Decodable {
    var kind: String
    var rows: [Row]
}

/// Every inequality docs/theory.md §6 states between the metrics of a comparison, checked on
/// every row of `adiabat compare`'s results.json (run in-process through `Comparison`, the code
/// behind the command), so that a false statement cannot come back unnoticed:
///
/// - quantum rows (`F = |⟨√p₀|ψ⟩|²`, phases count): `TV ≤ √(1 − F)` only (§6.3);
/// - classical rows (`F` the squared Bhattacharyya coefficient): `1 − √F ≤ TV ≤ √(1 − F)` (§6.2),
///   sampled rows included (§6.5: the bounds hold exactly for the binned laws);
/// - annealing quantum rows on a path ending at `A = 0`: `F = P(ground)` (§6.4);
/// - every figure in `[0, 1]`.
@Suite("The metric inequalities of theory.md §6 on every row of compare's results")
struct MetricInequalityTests {
    /// Rounding slack: F and TV are sums over a few hundred nodes.
    static let slack = 1e-9

    fileprivate static func run(_ text: String, name: String, settings: ComparisonSettings) throws -> Results {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("\(name).toml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let report = try Comparison(location: try ProblemLocator.locate(file.path), settings: settings).run()
        return try JSONDecoder().decode(Results.self, from: try report.json())
    }

    fileprivate static func checkRanges(_ r: Row) {
        #expect(r.status == "success", "\(r.label): \(r.status)")
        if let f = r.fidelity { #expect(f >= -slack && f <= 1 + slack, "\(r.label): F = \(f)") }
        if let tv = r.tv { #expect(tv >= -slack && tv <= 1 + slack, "\(r.label): TV = \(tv)") }
        if let p = r.ground_state_probability { #expect(p >= -slack && p <= 1 + slack, "\(r.label): P = \(p)") }
    }

    @Test("landscape: quantum rows TV ≤ √(1 − F_q); classical rows 1 − √F_c ≤ TV ≤ √(1 − F_c)")
    func landscape() throws {
        let problem = ComparisonProblems.mixture(
            name: "metric-mix", description: "½N(−1.5, 0.6²) + ½N(1.5, 0.6²) on a coarse grid (metric test)")
        // T = 1 is far from adiabatic (F visibly below 1), T = 4 closer: both regimes.
        let settings = ComparisonSettings(
            schedules: ["linear", "cosine"], times: [1, 4], steps: [16, 32], samples: 2000, samplers: ["reverse-sde"],
            sweeps: [], seed: 7, gapSamples: 11)
        let results = try Self.run(problem, name: "metric-mix", settings: settings)
        #expect(results.kind == "landscape")
        // 2 schedules × (2 quantum + 2 Langevin + 2 Fokker–Planck + 2 reverse-SDE) = 16 rows.
        #expect(results.rows.count == 16)
        var quantum = 0
        var classical = 0
        for r in results.rows {
            Self.checkRanges(r)
            guard let f = r.fidelity, let tv = r.tv else {
                Issue.record("\(r.label): a landscape row without F or TV")
                continue
            }
            let upper = max(0, 1 - f).squareRoot()
            #expect(tv <= upper + Self.slack, "\(r.label): TV = \(tv) > √(1 − F) = \(upper)")
            if r.side == "quantum" {
                quantum += 1
            } else {
                classical += 1
                let lower = 1 - max(0, f).squareRoot()
                #expect(tv >= lower - Self.slack, "\(r.label): TV = \(tv) < 1 − √F = \(lower)")
            }
        }
        #expect(quantum == 4 && classical == 12)
    }

    @Test("annealing: F = P(ground) on quantum rows (the path ends at A = 0); every probability in [0, 1]")
    func annealing() throws {
        let problem = ComparisonProblems.spins(
            name: "metric-spins", description: "3 spins, fields and one coupling (metric test)")
        let settings = ComparisonSettings(
            schedules: ["linear", "cosine"], times: [1, 8], steps: [10], samples: 300, samplers: [], sweeps: [10], seed: 7,
            gapSamples: 11)
        let results = try Self.run(problem, name: "metric-spins", settings: settings)
        #expect(results.kind == "annealing")
        // 2 schedules × (2 quantum + 2 flip-chain + 1 reverse-flip) + 1 simulated annealing on its
        // own β ramp + 2 on the schedules' β(s) = 13 rows.
        #expect(results.rows.count == 13)
        var quantum = 0
        for r in results.rows {
            Self.checkRanges(r)
            #expect(r.ground_state_probability != nil, "\(r.label): no P(ground)")
            if r.side == "quantum" {
                quantum += 1
                let f = try #require(r.fidelity)
                let p = try #require(r.ground_state_probability)
                #expect(abs(f - p) <= 1e-9, "\(r.label): F = \(f), P(ground) = \(p)")
            }
        }
        #expect(quantum == 4)
    }

    /// The counterexample of §6.3 in numbers: a phase lowers the overlap, not the TV.
    @Test("§6.3's two-point counterexample: TV = 0 < 1 − √F_q")
    func counterexample() {
        let p0 = [0.5, 0.5]
        let psi: [(re: Double, im: Double)] = [(0.5.squareRoot(), 0), (0, 0.5.squareRoot())]
        var re = 0.0
        var im = 0.0
        var tv = 0.0
        var bc = 0.0
        for k in 0..<2 {
            re += p0[k].squareRoot() * psi[k].re
            im += p0[k].squareRoot() * psi[k].im
            let rho = psi[k].re * psi[k].re + psi[k].im * psi[k].im
            tv += 0.5 * abs(rho - p0[k])
            bc += (rho * p0[k]).squareRoot()
        }
        let fq = re * re + im * im
        #expect(abs(fq - 0.5) < 1e-15 && abs(tv) < 1e-15)
        #expect(tv < 1 - fq.squareRoot())  // the lower bound fails for F_q …
        #expect(tv >= 1 - bc - 1e-15 && tv <= (1 - bc * bc).squareRoot() + 1e-15)  // … and holds for F_c = BC²
        #expect(fq <= bc * bc + 1e-15)  // √F_q ≤ BC (triangle inequality)
    }
}
