import Foundation
import Reports

/// The outcome of a comparison: every row, the gap profile, the schedules, and renderings
/// as results.csv, results.json and a self-contained report.html (docs/compare.md).
public struct ComparisonReport: Sendable, Codable {
    /// A curve `(x, y)` with a label (the schedules' `u(r)`).
    public struct Curve: Sendable, Codable, Equatable {
        public var label: String
        public var x: [Double]
        public var y: [Double]
    }

    /// How many cells the sweep has, how many this run computed, how many came from the store.
    public struct CellCounts: Sendable, Codable, Equatable {
        public var total: Int
        public var computed: Int
        public var reused: Int
    }

    public var problem: String
    public var summary: String
    /// `landscape` or `annealing`.
    public var kind: String
    public var settings: ComparisonSettings
    public var grid: String
    public var gaps: PathGaps
    public var schedules: [Curve]
    public var rows: [ComparisonRow]
    public var cells: CellCounts
    public var seconds: Double
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case problem, summary, kind, settings, grid, schedules, rows, cells, seconds, notes
        case gaps = "gap_profile"
    }

    /// results.csv: one line per row, the columns of ``ComparisonRow/csvHeader``.
    public var csv: String {
        var table = CSVTable(header: ComparisonRow.csvHeader)
        for row in rows { table.append(row.csvFields) }
        return table.render()
    }

    /// results.json: the whole report (sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    // MARK: plots

    private func rows(_ method: ComparisonMethod) -> [ComparisonRow] { rows.filter { $0.method == method.rawValue } }

    /// One series per schedule of `method`'s rows, `y` from `value` (nil points dropped).
    private func series(
        _ method: ComparisonMethod, y value: (ComparisonRow) -> Double?, error: ((ComparisonRow) -> Double?)? = nil
    ) -> [PlotSeries] {
        let selected = rows(method)
        var order: [String] = []
        for r in selected where !order.contains(r.schedule) { order.append(r.schedule) }
        return order.map { name in
            let points = selected.filter { $0.schedule == name }.compactMap { r -> (Double, Double, Double)? in
                guard let y = value(r), y.isFinite else { return nil }
                return (r.value, y, error?(r) ?? 0)
            }
            return PlotSeries(
                label: name.isEmpty ? method.rawValue : name, x: points.map(\.0), y: points.map(\.1),
                errors: error == nil ? nil : points.map(\.2))
        }
    }

    private func plot(
        _ title: String, x: String, y: String, _ series: [PlotSeries], xLog: Bool = true, yLog: Bool = true,
        reference: [(Double, String)] = []
    ) -> SVGPlot {
        var p = SVGPlot(title: title, xLabel: x, yLabel: y, xScale: xLog ? .log : .linear, yScale: yLog ? .log : .linear)
        p.series = series
        p.referenceLines = reference
        return p
    }

    /// The gap profile (log scale), with `E₁ − E₀` dashed where it differs.
    func gapPlot() -> SVGPlot {
        let x = gaps.parameter
        var series = [
            PlotSeries(
                label: kind == "annealing" ? "adiabatic gap" : "gap E₁ − E₀", x: x, y: gaps.gap, markers: false)
        ]
        if let full = gaps.fullGap, full != gaps.gap {
            series.append(PlotSeries(label: "E₁ − E₀", x: x, y: full, dashed: true, markers: false))
        }
        let xLabel = kind == "annealing" ? "anneal fraction s" : "diffusion time t (noise end t_max → data end 0)"
        return plot("Gap along the path", x: xLabel, y: "gap", series, xLog: false, yLog: true)
    }

    func schedulePlot() -> SVGPlot {
        var p = plot(
            "Schedules u(τ/T)", x: "run time r = τ/T", y: kind == "annealing" ? "anneal fraction s" : "progress u = 1 − t/t_max",
            schedules.map { PlotSeries(label: $0.label, x: $0.x, y: $0.y, markers: false) }, xLog: false, yLog: false)
        p.yRange = 0...1
        return p
    }

    /// Every plot of the page, in sections.
    func sections() -> [(title: String, text: String, plots: [SVGPlot])] {
        if kind == "annealing" {
            func miss(_ r: ComparisonRow) -> Double? { r.groundStateProbability.map { 1 - $0 } }
            return [
                (
                    "Quantum annealing and its classical twin, against run time T",
                    "Left: real-time evolution i∂ψ/∂τ = H(s(τ/T))ψ from the ground state of H(s(0)); 1 − P(ground state of H_P) at τ = T. Right: the annealed flip chain with rates A(s)·ψ₀(xⁱ)/ψ₀(x) on the same path and schedule, whose law is ψ₀(s)² when it keeps up; error bars are one standard error.",
                    [
                        plot("Quantum annealing", x: "total time T", y: "1 − P(ground)", series(.quantum, y: miss)),
                        plot(
                            "Annealed flip chain", x: "total time T", y: "1 − P(ground)",
                            series(.flipChain, y: miss, error: { $0.groundStateStderr })),
                    ]
                ),
                (
                    "Diffusion-side samplers",
                    "Left: the exact reverse chain of independent spin flips (rate 1) toward the uniform law on the ground states, against its rate-grid cells; its rates into the ground states diverge as t → 0, so it ends in a ground state at any resolution and P(ground) stays at 1 (the schedule moves the grid, not the end point). Right: simulated annealing (geometric β, the same in every row), against sweeps. One standard error.",
                    [
                        {
                            var p = plot(
                                "Reverse flip chain", x: "rate-grid cells", y: "P(ground)",
                                series(.reverseFlip, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }),
                                yLog: false)
                            p.yRange = 0...1.05
                            return p
                        }(),
                        {
                            var p = plot(
                                "Simulated annealing", x: "sweeps", y: "P(ground)",
                                series(.simulatedAnnealing, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }),
                                yLog: false)
                            p.yRange = 0...1.05
                            return p
                        }(),
                    ]
                ),
            ]
        }
        var out: [(String, String, [SVGPlot])] = [
            (
                "Quantum evolution and its classical twin, against run time T",
                "Both start in the ground state √p_{t_max} of H_{t_max} and follow the same schedule to t = 0. Left: real-time Schrödinger evolution (split4), 1 − F with F = |⟨√p₀|ψ(T)⟩|². Right: continuous annealed Langevin dx = s_{t(τ)}dτ + √2dW, its law by Fokker–Planck on the grid, 1 − F with F the squared Bhattacharyya coefficient (docs/theory.md §6 in the Adiabat sources). Exact on the grid: no error bars.",
                [
                    plot(
                        "Real-time evolution", x: "total time T", y: "1 − F", series(.quantum, y: { $0.fidelity.map { 1 - $0 } })),
                    plot(
                        "Annealed Langevin (Fokker–Planck law)", x: "total Langevin time T", y: "1 − F",
                        series(.langevinPath, y: { $0.fidelity.map { 1 - $0 } })),
                ]
            ),
            (
                "Total variation to p₀",
                "TV = ½Σ|ρ − p₀|ΔV of |ψ(T)|² (left) and of the annealed-Langevin law (right), against T: the same runs as above, in the metric the samplers use. Both obey TV ≤ √(1 − F). The lower bound TV ≥ 1 − √F holds for the classical F only: the quantum overlap also counts the phases of ψ, which lower F without changing |ψ|² (docs/theory.md §6).",
                [
                    plot("Real-time evolution: TV of |ψ|²", x: "total time T", y: "TV", series(.quantum, y: { $0.tv })),
                    plot("Annealed Langevin: TV", x: "total Langevin time T", y: "TV", series(.langevinPath, y: { $0.tv })),
                ]
            ),
        ]
        var particlePlots: [SVGPlot] = [
            plot("Reverse SDE, Fokker–Planck law", x: "steps", y: "TV", series(.fokkerPlanck, y: { $0.tv }))
        ]
        for sampler in settings.samplers {
            guard let m = ComparisonMethod(rawValue: sampler) else { continue }
            let floor = rows(m).compactMap(\.tvNoiseFloor)
            let reference = floor.isEmpty ? [] : [(floor.reduce(0, +) / Double(floor.count), "noise floor")]
            particlePlots.append(
                plot(
                    "\(sampler) (\(settings.samples) samples)", x: "steps", y: "TV",
                    series(m, y: { $0.tv }, error: { $0.tvStderr }),
                    reference: reference))
        }
        out.append(
            (
                "Samplers against steps",
                "First: the law of the reverse SDE dx = (x + 2s_t)dτ + √2dW by Fokker–Planck (implicit Euler, one step per path step) on the schedule's step grid t_k = t_max(1 − u(k/N)), from the prior N(0, I): its TV to p₀ is the schedule's discretisation error alone, without sampling noise. Then the particle samplers: TV between a histogram of the samples and p₀ (automatic binning); error bars are one standard error (delta method); the dotted line is the TV that exact samples show with the same binning. Every cell uses the same seed, so the schedules share their random numbers.",
                particlePlots
            ))
        return out
    }

    /// report.html: self-contained (inline SVG, embedded CSS, no scripts or links).
    public func html() -> String {
        var page = HTMLReport(title: "Adiabat compare: \(problem)")
        page.paragraph(summary)
        page.paragraph(
            "\(grid). Schedules: \(settings.schedules.joined(separator: ", ")). \(cells.total) cells (\(cells.computed) computed in this run, \(cells.reused) reused from earlier runs); \(String(format: "%.1f", seconds)) s. Seed \(settings.seed)."
        )
        for note in notes { page.paragraph(note) }
        page.heading("The path and the schedules")
        let m = gaps.minimum
        page.paragraph(
            "Minimum \(kind == "annealing" ? "adiabatic gap" : "gap") \(String(format: "%.4g", m.gap)) at \(gaps.parameterName) = \(String(format: "%.4g", m.parameter)) (\(gaps.parameter.count) points). Gap-adaptive schedules slow down where it is small: roland-cerf as g², gap-adaptive as g."
        )
        page.plots([gapPlot(), schedulePlot()])
        for (title, text, plots) in sections() {
            page.heading(title)
            page.paragraph(text)
            page.plots(plots)
        }
        let failed = rows.filter { $0.status != "success" }
        if !failed.isEmpty {
            page.heading("Cells that did not run")
            var groups: [String: [ComparisonRow]] = [:]
            var order: [String] = []
            for r in failed {
                let k = "\(r.method) on \(r.schedule.isEmpty ? "its own schedule" : r.schedule)"
                if groups[k] == nil { order.append(k) }
                groups[k, default: []].append(r)
            }
            page.table(
                header: ["cells", "at", "first reason"],
                rows: order.map { k in
                    let g = groups[k] ?? []
                    return [
                        k, g.map { "\($0.axis)=\(Comparison.format($0.value))" }.joined(separator: ", "), g.first?.status ?? "",
                    ]
                })
        }
        page.heading("All results")
        page.paragraph("The same rows as results.csv and results.json (columns in docs/compare.md).")
        func f(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        page.table(
            header: [
                "side", "method", "schedule", "axis", "value", "fidelity", "± ", "TV", "± ", "P(ground)", "± ", "evaluations",
                "s", "status",
            ],
            rows: rows.map {
                [
                    $0.side, $0.method, $0.schedule, $0.axis, f($0.value), f($0.fidelity), f($0.fidelityStderr), f($0.tv),
                    f($0.tvStderr),
                    f($0.groundStateProbability), f($0.groundStateStderr), $0.evaluations.map(String.init) ?? "",
                    String(format: "%.3f", $0.seconds), $0.status,
                ]
            })
        return page.render()
    }

    /// The plots of the page as stand-alone SVG documents (name, SVG), e.g. to render to PNG.
    public func svgFiles() -> [(name: String, svg: String)] {
        var out = [("gap.svg", gapPlot().render()), ("schedules.svg", schedulePlot().render())]
        var k = 0
        for (_, _, plots) in sections() {
            for p in plots {
                k += 1
                out.append((String(format: "plot-%02d.svg", k), p.render()))
            }
        }
        return out
    }
}
