import AdiabatCore
import Foundation
import Reports

/// The merged results of a campaign: every problem's rows with a `problem` column, the
/// aggregates across instances and the time to solution (docs/campaigns.md).
public struct CampaignReport: Sendable, Codable {
    public struct ProblemInfo: Sendable, Codable {
        public var name: String
        public var kind: String
        public var summary: String
        public var grid: String
        public var settings: ComparisonSettings
        public var cells: Int
        public var failed: Int
    }

    /// One row of results.csv / results.json: the problem and its compare row.
    public struct Row: Sendable, Codable, Equatable {
        public var problem: String
        public var row: ComparisonRow

        public func encode(to encoder: Encoder) throws {
            try row.encode(to: encoder)
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(problem, forKey: Key(stringValue: "problem")!)
        }

        public init(from decoder: Decoder) throws {
            row = try ComparisonRow(from: decoder)
            problem = try decoder.container(keyedBy: Key.self).decode(String.self, forKey: Key(stringValue: "problem")!)
        }

        public init(problem: String, row: ComparisonRow) {
            self.problem = problem
            self.row = row
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The spread across instances of one method and schedule at one `T`.
    public struct Aggregate: Sendable, Codable, Equatable {
        public var kind: String
        public var method: String
        public var schedule: String
        /// `fidelity` (landscapes) or `ground_state_probability` (annealing).
        public var figure: String
        public var value: Double
        public var instances: Int
        public var median: Double
        public var p10: Double
        public var p90: Double
    }

    /// Time to solution `TTS₉₉ = T·ln(0.01)/ln(1 − p)` (`T` when `p ≥ 0.99`), its median across
    /// instances and a bootstrap 95 % interval of that median (nil: infinite, some `p = 0`).
    public struct TimeToSolution: Sendable, Codable, Equatable {
        public var method: String
        public var schedule: String
        public var value: Double
        public var instances: Int
        public var median: Double?
        public var low: Double?
        public var high: Double?
    }

    public var version = Campaign.version
    public var fingerprint: String
    public var spec: String
    public var shards: Int?
    public var problems: [ProblemInfo]
    public var rows: [Row]
    public var aggregates: [Aggregate]
    public var tts: [TimeToSolution]

    enum CodingKeys: String, CodingKey {
        case version, fingerprint, spec, shards, problems, rows, aggregates
        case tts = "time_to_solution"
    }

    public init(campaign: Campaign, reports: [ComparisonReport], shards: Int?) {
        fingerprint = campaign.fingerprint
        spec = campaign.spec.file
        self.shards = shards
        problems = reports.map {
            ProblemInfo(
                name: $0.problem, kind: $0.kind, summary: $0.summary, grid: $0.grid, settings: $0.settings, cells: $0.rows.count,
                failed: $0.rows.filter { $0.status != "success" }.count)
        }
        rows = reports.flatMap { r in r.rows.map { Row(problem: r.problem, row: $0) } }
        let kinds = Dictionary(uniqueKeysWithValues: reports.map { ($0.problem, $0.kind) })
        aggregates = Self.aggregate(rows, kinds: kinds)
        tts = Self.timeToSolution(rows, kinds: kinds, seed: reports.first?.settings.seed ?? 0)
    }

    // MARK: statistics

    /// The `q`-quantile of sorted values (linear interpolation between order statistics).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard sorted.count > 1 else { return sorted.first ?? .nan }
        let x = q * Double(sorted.count - 1)
        let i = Int(x.rounded(.down))
        let f = x - Double(i)
        return i + 1 < sorted.count ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[i]
    }

    static func aggregate(_ rows: [Row], kinds: [String: String]) -> [Aggregate] {
        var groups: [String: [Double]] = [:]
        var order: [(String, String, String, String, Double)] = []
        for r in rows where r.row.axis == "T" && r.row.status == "success" {
            let kind = kinds[r.problem] ?? ""
            let figure = kind == "annealing" ? "ground_state_probability" : "fidelity"
            guard let y = kind == "annealing" ? r.row.groundStateProbability : r.row.fidelity, y.isFinite else { continue }
            let key = "\(kind)|\(r.row.method)|\(r.row.schedule)|\(r.row.value)"
            if groups[key] == nil { order.append((kind, r.row.method, r.row.schedule, figure, r.row.value)) }
            groups[key, default: []].append(y)
        }
        return order.map { kind, method, schedule, figure, value in
            let ys = groups["\(kind)|\(method)|\(schedule)|\(value)"]!.sorted()
            return Aggregate(
                kind: kind, method: method, schedule: schedule, figure: figure, value: value, instances: ys.count,
                median: quantile(ys, 0.5), p10: quantile(ys, 0.1), p90: quantile(ys, 0.9))
        }
    }

    /// `T·ln(0.01)/ln(1 − p)`, `T` when `p ≥ 0.99`, infinite when `p = 0`.
    public static func tts(time: Double, probability p: Double) -> Double {
        if p >= 0.99 { return time }
        if p <= 0 { return .infinity }
        return time * log(0.01) / log(1 - p)
    }

    /// A small deterministic generator for the bootstrap (SplitMix64).
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func timeToSolution(_ rows: [Row], kinds: [String: String], seed: UInt64) -> [TimeToSolution] {
        var groups: [String: [Double]] = [:]
        var order: [(String, String, Double)] = []
        for r in rows where kinds[r.problem] == "annealing" && r.row.axis == "T" && r.row.status == "success" {
            guard let p = r.row.groundStateProbability else { continue }
            let key = "\(r.row.method)|\(r.row.schedule)|\(r.row.value)"
            if groups[key] == nil { order.append((r.row.method, r.row.schedule, r.row.value)) }
            groups[key, default: []].append(tts(time: r.row.value, probability: p))
        }
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        return order.map { method, schedule, value in
            let xs = groups["\(method)|\(schedule)|\(value)"]!
            var rng = SplitMix(state: seed ^ UInt64(truncatingIfNeeded: Int(value * 1000)) ^ 0x5EED)
            var medians: [Double] = []
            for _ in 0..<1000 {
                let sample = (0..<xs.count).map { _ in xs[Int(rng.next() % UInt64(xs.count))] }.sorted()
                medians.append(quantile(sample, 0.5))
            }
            medians.sort()
            return TimeToSolution(
                method: method, schedule: schedule, value: value, instances: xs.count, median: finite(quantile(xs.sorted(), 0.5)),
                low: finite(quantile(medians, 0.025)), high: finite(quantile(medians, 0.975)))
        }
    }

    // MARK: files

    /// results.csv: `problem` and then compare's columns.
    public var csv: String {
        var table = CSVTable(header: ["problem"] + ComparisonRow.csvHeader)
        for r in rows { table.append([r.problem] + r.row.csvFields) }
        return table.render()
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Writes report.html, results.csv and results.json together.
    public func write(to directory: URL) throws {
        let files = [
            ("report.html", Data(html().utf8)), ("results.csv", Data(csv.utf8)), ("results.json", try json()),
        ]
        try OutputFile.writeTogether(files.map { (directory.appendingPathComponent($0.0), $0.1) })
    }

    // MARK: page

    public func html() -> String {
        var page = HTMLReport(title: "Campaign: \(problems.count) problems")
        page.paragraph(
            "Spec \(escapeXML(spec)), fingerprint \(fingerprint); \(rows.count) cells"
                + (shards.map { ", merged from \($0) shards" } ?? ", run on one machine") + ".")
        page.heading("Instances")
        page.table(
            header: ["problem", "kind", "setup", "cells", "failed", "best at largest T"],
            rows: problems.map { p in
                [p.name, p.kind, p.grid, String(p.cells), String(p.failed), bestText(p)]
            })
        let kindsPresent = Array(Set(aggregates.map(\.kind))).sorted()
        for kind in kindsPresent {
            let figureLabel = kind == "annealing" ? "P(ground)" : "fidelity F"
            page.heading("Across instances: \(kind) problems")
            page.paragraph(
                "Median (solid) and 10–90 % band (dashed) of \(figureLabel) across the instances, against the total run time T, per schedule."
            )
            var plots: [SVGPlot] = []
            for method in orderedUnique(aggregates.filter { $0.kind == kind }.map(\.method)) {
                var plot = SVGPlot(
                    title: "\(method): \(figureLabel) across instances", xLabel: "total time T", yLabel: figureLabel,
                    xScale: .log, yScale: .linear)
                for (index, schedule) in orderedUnique(
                    aggregates.filter { $0.kind == kind && $0.method == method }.map(\.schedule)
                )
                .enumerated() {
                    let a = aggregates.filter { $0.kind == kind && $0.method == method && $0.schedule == schedule }
                        .sorted { $0.value < $1.value }
                    let x = a.map(\.value)
                    let label = schedule.isEmpty ? method : schedule
                    var median = PlotSeries(label: "\(label) median", x: x, y: a.map(\.median))
                    var low = PlotSeries(label: "\(label) 10 %", x: x, y: a.map(\.p10), dashed: true, markers: false)
                    var high = PlotSeries(label: "\(label) 90 %", x: x, y: a.map(\.p90), dashed: true, markers: false)
                    median.colour = index
                    low.colour = index
                    high.colour = index
                    plot.series += [median, low, high]
                }
                plots.append(plot)
            }
            for pair in stride(from: 0, to: plots.count, by: 2) { page.plots(Array(plots[pair..<min(pair + 2, plots.count)])) }
        }
        if !tts.isEmpty {
            page.heading("Time to solution")
            page.paragraph(
                "TTS₉₉ = T·ln(0.01)/ln(1 − p) per instance (T when p ≥ 0.99; ∞ when p = 0), its median across instances and a bootstrap 95 % interval of the median (1000 resamples of the instances)."
            )
            func f(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "∞" }
            page.table(
                header: ["method", "schedule", "T", "instances", "median TTS₉₉", "95 % interval"],
                rows: tts.map { t in
                    [
                        t.method, t.schedule, Comparison.format(t.value), String(t.instances), f(t.median),
                        "\(f(t.low)) – \(f(t.high))",
                    ]
                })
            var best: [String] = []
            for key in orderedUnique(tts.map { "\($0.method)|\($0.schedule)" }) {
                let ts = tts.filter { "\($0.method)|\($0.schedule)" == key }.compactMap { t in t.median.map { (t, $0) } }
                if let b = ts.min(by: { $0.1 < $1.1 }) {
                    best.append(
                        "\(b.0.method) \(b.0.schedule.isEmpty ? "" : b.0.schedule + " "): lowest median TTS₉₉ \(f(b.1)) at T = \(Comparison.format(b.0.value))"
                    )
                }
            }
            if !best.isEmpty { page.callout("Optimal T.", best) }
        }
        page.heading("Every cell")
        func d(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        page.table(
            header: ["problem", "method", "schedule", "axis", "value", "fidelity", "TV", "P(ground)", "status"],
            rows: rows.map { r in
                [
                    r.problem, r.row.method, r.row.schedule, r.row.axis, Comparison.format(r.row.value), d(r.row.fidelity),
                    d(r.row.tv),
                    d(r.row.groundStateProbability), r.row.status,
                ]
            })
        return page.render()
    }

    private func orderedUnique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }

    /// The quantum side's best schedule at the largest T of a problem.
    private func bestText(_ p: ProblemInfo) -> String {
        let q = rows.filter { $0.problem == p.name && $0.row.method == "quantum" && $0.row.status == "success" }
        guard let top = q.map(\.row.value).max() else { return "" }
        let at = q.filter { $0.row.value == top }
        let figure: (Row) -> Double? = { p.kind == "annealing" ? $0.row.groundStateProbability : $0.row.fidelity }
        guard let best = at.max(by: { (figure($0) ?? -1) < (figure($1) ?? -1) }), let y = figure(best) else { return "" }
        return
            "quantum \(best.row.schedule) at T = \(Comparison.format(top)): \(p.kind == "annealing" ? "P(ground)" : "F") = \(String(format: "%.4g", y))"
    }
}
