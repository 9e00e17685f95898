import AdiabatCore
import Foundation
import Landscapes
import Quantum
import Reports

/// A schedule tabulated at equally spaced run times, with the path coordinates it implies
/// (the export of `adiabat schedule`; columns in docs/schedules.md).
///
/// Columns: `r, u, rate` (`du/dr`) always; `v` (the native parameter) for a diffusion
/// schedule; on a landscape `t` and `alpha_bar = e^{−2t}` (OU) or `sigma = √(2t)` (VE); on an
/// annealing path `s, A, B`; for a schedule carried across domains also the flip-diffusion
/// time `t` (to annealing) or the anneal fraction `s` it came from (to diffusion).
public struct ScheduleTable: Sendable, Encodable {
    public var schedule: String
    public var context: String
    public var columns: [String]
    public var rows: [[Double]]
    /// The diffusion horizon (landscapes, flip diffusions, diffusion schedules).
    public var tMax: Double?
    public var clock: String?
    /// A diffusion schedule's native parameter at `r = 0` (where it was truncated).
    public var noiseEnd: Double?
    /// For `flip:`/`anneal:` schedules: whether the correspondence is exact, and why.
    public var exact: Bool?
    public var note: String?

    /// The checks of `adiabat schedule`'s settings, before anything is built: table rows, gap
    /// points, the horizon, the field scale, β and the flip rate (errors name `schedule.*`).
    public static func validate(
        steps: Int, gapSamples: Int, tMax: Double?, fieldScale: Double?, beta: Double?, flipRate: Double
    ) throws {
        _ = try Checked.count(steps, "schedule.steps", in: stepRange)
        _ = try Checked.count(gapSamples, "schedule.gap_samples", in: GapProfile.sampleRange)
        if let tMax { try Check.positive(tMax, "schedule.t_max") }
        if let fieldScale { try Check.positive(fieldScale, "schedule.field_scale") }
        if let beta { try Check.positive(beta, "schedule.beta") }
        try Check.positive(flipRate, "schedule.flip_rate")
    }

    /// The table's steps `N` (`N + 1` rows).
    static let stepRange = 1...1_000_000

    /// Tabulates `schedule` (built by `library` for `request`) at `steps + 1` run times.
    public static func make(schedule: Schedule, request: ScheduleRequest, library: ScheduleLibrary, steps: Int = 200) throws
        -> ScheduleTable
    {
        _ = try Checked.count(steps, "schedule.steps", in: stepRange)
        let rs = (0...steps).map { Double($0) / Double(steps) }
        var columns = ["r", "u", "rate"]
        var values: [[Double]] = rs.map { [$0, schedule.progress(at: $0), schedule.rate(at: $0)] }
        func add(_ name: String, _ f: (Double, Double) -> Double) {
            columns.append(name)
            for i in values.indices { values[i].append(f(values[i][0], values[i][1])) }
        }
        var table = ScheduleTable(
            schedule: request.description, context: "", columns: [], rows: [], tMax: nil, clock: nil, noiseEnd: nil, exact: nil,
            note: nil)
        if case .diffusion = schedule.kind {
            add("v") { r, _ in schedule.noiseParameter(at: r) ?? .nan }
            table.noiseEnd = schedule.noiseParameter(at: 0)
        }
        let horizon = library.diffusionHorizon(for: request.name?.noiseSchedule)
        var mappedBase: Schedule? = nil
        if case let .mapped(base, _, _, tMax) = schedule.kind {
            mappedBase = base
            table.tMax = tMax
            let map = try library.flipMap()
            table.exact = map.exact
            table.note = map.note
            table.clock = "flip (rate \(map.correspondence.rate))"
        }
        switch library.context {
        case .landscape(let path):
            table.context = "landscape"
            table.tMax = path.tMax
            table.clock = path.process.rawValue
            addDiffusionColumns(tMax: path.tMax, process: path.process, add: add)
        case .free(let process, let tMax, _) where request.direction == nil:
            table.context = "diffusion"
            table.tMax = tMax
            table.clock = process.rawValue
            addDiffusionColumns(tMax: tMax, process: process, add: add)
        default:
            if request.direction == .toDiffusion {
                table.context = "flip diffusion"
                let tMax = table.tMax ?? horizon.tMax
                add("t") { _, u in tMax * (1 - u) }
                if let base = mappedBase { add("s") { r, _ in base.progress(at: r) } }
                break
            }
            table.context = "annealing"
            if let base = mappedBase, let tMax = table.tMax { add("t") { r, _ in tMax * (1 - base.progress(at: r)) } }
            let path: AnnealingPath
            if case .annealing(_, let h) = library.context { path = h.path } else { path = .linear }
            add("s") { _, u in u }
            add("A") { _, u in path.coefficients(at: u).a }
            add("B") { _, u in path.coefficients(at: u).b }
            if request.direction == nil, case .diffusion = schedule.kind {
                table.tMax = horizon.tMax
                table.clock = "flip (rate \(library.flipRate)); the schedule's shape is used as s = u"
            }
        }
        // A table is written to files and JSON: every value must be a finite number.
        for row in values {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw InputError(
                    "schedule \(request.description)",
                    "its \(columns[j]) at r = \(row[0]) is \(row[j]), not a finite number, so the table cannot be written",
                    hint: columns[j] == "rate" ? "a schedule table needs points far enough apart for a finite slope" : "")
            }
        }
        table.columns = columns
        table.rows = values
        return table
    }

    private static func addDiffusionColumns(
        tMax: Double, process: ForwardProcess, add: (String, (Double, Double) -> Double) -> Void
    ) {
        add("t") { _, u in tMax * (1 - u) }
        switch process {
        case .ou: add("alpha_bar") { _, u in exp(-2 * tMax * (1 - u)) }
        case .ve: add("sigma") { _, u in (2 * tMax * (1 - u)).squareRoot() }
        }
    }

    /// The table as CSV (`%.12g` per value).
    public var csv: String {
        var text = columns.joined(separator: ",") + "\n"
        for row in rows { text += row.map { String(format: "%.12g", $0) }.joined(separator: ",") + "\n" }
        return text
    }

    /// The path table `s, A, B` (`%.12g`), for a schedule on an annealing path: the
    /// `--path-output` file that `[path] type = "table"` reads back.
    public func pathCSV() throws -> String {
        guard let a = columns.firstIndex(of: "A"), let b = columns.firstIndex(of: "B") else {
            throw InputError(
                "schedule.path_output", "applies to schedules on an annealing path (this one is a \(context) schedule)",
                hint: "name an annealing problem, or use flip:NAME with a field scale")
        }
        var text = "s,A,B\n"
        for row in rows { text += String(format: "%.12g,%.12g,%.12g\n", row[0], row[a], row[b]) }
        return text
    }

    /// `u(r)`, with the schedule it was carried from (dashed, `1 − t/t_max`) for `flip:`/`anneal:`.
    public func plot() -> SVGPlot {
        var plot = SVGPlot(title: "schedule \(schedule)", xLabel: "run time r = τ/T", yLabel: "progress u")
        let r = rows.map { $0[0] }
        plot.series.append(
            PlotSeries(label: context == "annealing" ? "s(r)" : "u(r)", x: r, y: rows.map { $0[1] }, markers: false))
        if let tMax, let t = columns.firstIndex(of: "t"), context != "landscape", context != "diffusion" {
            plot.series.append(
                PlotSeries(label: "1 − t/t_max", x: r, y: rows.map { 1 - $0[t] / tMax }, dashed: true, markers: false))
        }
        plot.yRange = 0...1
        return plot
    }
}
