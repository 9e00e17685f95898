import Foundation
import Reports

/// The outcome of a comparison: every row, the gap profile, the schedules, and renderings
/// as results.csv, results.json and a self-contained report.html (docs/compare.md).
public struct ComparisonReport: Sendable, Codable {
    /// How many cells the sweep has, how many this run computed, how many came from the store.
    public struct CellCounts: Sendable, Codable, Equatable {
        public var total: Int
        public var computed: Int
        public var reused: Int

        public init(total: Int, computed: Int, reused: Int) {
            self.total = total
            self.computed = computed
            self.reused = reused
        }
    }

    public var problem: String
    public var summary: String
    /// `landscape` or `annealing`.
    public var kind: String
    public var settings: ComparisonSettings
    public var grid: String
    public var gaps: PathGaps
    /// Each schedule's `u(r)`, labelled by its spelling.
    public var schedules: [Curve]
    public var rows: [ComparisonRow]
    public var cells: CellCounts
    public var seconds: Double
    public var notes: [String]
    /// Units and symmetry of the problem (nil: dimensionless, no symmetry known).
    public var context: ComparisonContext?

    enum CodingKeys: String, CodingKey {
        case problem, summary, kind, settings, grid, schedules, rows, cells, seconds, notes, context
        case gaps = "gap_profile"
    }

    public init(
        problem: String, summary: String, kind: String, settings: ComparisonSettings, grid: String, gaps: PathGaps,
        schedules: [Curve], rows: [ComparisonRow], cells: CellCounts, seconds: Double, notes: [String],
        context: ComparisonContext? = nil
    ) {
        self.problem = problem
        self.summary = summary
        self.kind = kind
        self.settings = settings
        self.grid = grid
        self.gaps = gaps
        self.schedules = schedules
        self.rows = rows
        self.cells = cells
        self.seconds = seconds
        self.notes = notes
        self.context = context
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

    // MARK: units

    private var annealing: Bool { kind == "annealing" }

    /// The unit of run times as written on the page (`ns`, `µs`), nil when dimensionless.
    var timeUnit: String? { context?.timeUnit.map { $0 == "us" ? "µs" : $0 } }

    /// " ns" after a run time, or nothing.
    private var timeSuffix: String { timeUnit.map { " " + $0 } ?? "" }

    /// The label of a run-time axis.
    func timeAxis(_ name: String = "total time T") -> String {
        name + (timeUnit.map { " (\($0))" } ?? " (dimensionless)")
    }

    /// " GHz" after a gap, or nothing.
    private var gapSuffix: String { context?.energyUnit.map { " " + $0 } ?? "" }

    /// A gap of the path's units in the page's (`Δ/h` in GHz for D-Wave tables).
    private func gapValue(_ g: Double) -> Double { g / (context?.energyDivisor ?? 1) }

    /// The units paragraph at the top of the page.
    func unitsText() -> String {
        if let t = timeUnit, let e = context?.energyUnit {
            return
                "Units: run times T in \(t); gaps as frequencies Δ/h in \(e). They come from \(context?.unitSource ?? "the problem's schedule table"). Steps, grid cells and sweeps are counts; fidelities and probabilities are pure numbers."
        }
        if annealing {
            return
                "Units: dimensionless. ħ = 1 and the path's A(s), B(s) are pure numbers (no GHz table), so run times T are in units of 1/A(0) and gaps in units of A(0). Steps, grid cells and sweeps are counts."
        }
        return
            "Units: dimensionless. ħ = 1; the landscape's coordinates and the forward process's diffusion time t are pure numbers, so run times T, diffusion times and gaps carry no unit. Steps are counts."
    }

    // MARK: numbers in words

    /// A figure in running text.
    static func number(_ x: Double) -> String { scientific(x, digits: 2) }

    /// A probability in running text (three digits), with its standard error when sampled.
    static func probability(_ p: Double, _ error: Double?) -> String {
        let text = p == 1 ? "1" : (p > 0.999 ? "1 − \(scientific(1 - p, digits: 2))" : String(format: "%.3g", p))
        guard let error, error > 0 else { return text }
        return text + " ± " + scientific(error, digits: 1)
    }

    /// How many times larger `x` is than `best`, in words.
    static func ratio(_ x: Double, over best: Double) -> String {
        guard best > 0, x.isFinite else { return "" }
        let r = x / best
        if r < 1.05 { return "about the same" }
        if r < 10 { return String(format: "%.1f× larger", r) }
        if r < 1000 { return String(format: "%.0f× larger", r) }
        return "\(scientific(r, digits: 2))× larger"
    }

    /// An axis value in words: `T = 16 ns`, `200 steps`, `1000 sweeps`.
    private func at(_ axis: String, _ value: Double) -> String {
        axis == "T" ? "T = \(Comparison.format(value))\(timeSuffix)" : "\(Comparison.format(value)) \(axis)"
    }

    /// The schedules of `method`, ranked by `figure` (smaller is better) at the largest value
    /// of its axis where every schedule has a finite figure; with the figures' standard errors.
    func ranking(_ method: ComparisonMethod, _ figure: (ComparisonRow) -> Double?, error: ((ComparisonRow) -> Double?)? = nil)
        -> (value: Double, ranked: [(schedule: String, figure: Double, error: Double)])?
    {
        let selected = rows(method)
        var names: [String] = []
        // Schedules with no figure at all (every cell failed) are left out; the page lists them.
        for r in selected where !names.contains(r.schedule) && figure(r).map(\.isFinite) == true { names.append(r.schedule) }
        guard !names.isEmpty else { return nil }
        let values = Set(selected.map(\.value)).sorted(by: >)
        for v in values {
            let at = names.compactMap { name -> (String, Double, Double)? in
                guard let r = selected.first(where: { $0.schedule == name && $0.value == v }), let y = figure(r), y.isFinite
                else { return nil }
                return (name, y, error?(r) ?? 0)
            }
            if at.count == names.count { return (v, at.sorted { $0.1 < $1.1 }) }
        }
        return nil
    }

    /// "On the quantum side at T = 16 (the largest), ddpm-cosine is best with 1 − F = 7.5×10⁻⁵;
    /// then cosine (2.3× larger), …".
    func rankingSentence(
        _ side: String, _ method: ComparisonMethod, metric: String, _ figure: (ComparisonRow) -> Double?,
        error: ((ComparisonRow) -> Double?)? = nil
    ) -> String? {
        guard let (value, ranked) = ranking(method, figure, error: error), let best = ranked.first else { return nil }
        let place = "\(side), at \(at(method.axis, value))\(value == rows(method).map(\.value).max() ? " (the largest)" : "")"
        func pm(_ e: Double) -> String { e > 0 ? " ± \(Self.number(e))" : "" }
        guard ranked.count > 1 else {
            return
                "\(place): \(displayName(best.schedule, method)) reaches \(metric) = \(Self.number(best.figure))\(pm(best.error))."
        }
        if let last = ranked.last, last.figure == best.figure {
            return
                "\(place): \(ranked.count == 2 ? "both" : "all \(ranked.count)") schedules reach \(metric) = \(Self.number(best.figure))."
        }
        let rest = ranked.dropFirst().map { r -> String in
            var words = best.figure > 0 ? Self.ratio(r.figure, over: best.figure) : "\(metric) = \(Self.number(r.figure))"
            if r.error > 0 || best.error > 0,
                r.figure - best.figure < 2 * (r.error * r.error + best.error * best.error).squareRoot()
            {
                words += ", within two standard errors"
            }
            return "\(displayName(r.schedule, method)) (\(words))"
        }
        return
            "\(place): \(displayName(best.schedule, method)) is best with \(metric) = \(Self.number(best.figure))\(pm(best.error)); then \(rest.joined(separator: ", "))."
    }

    /// A row's schedule as the page names it: "" is simulated annealing's own geometric β ramp.
    func displayName(_ schedule: String, _ method: ComparisonMethod) -> String {
        guard schedule.isEmpty else { return schedule }
        return method == .simulatedAnnealing ? "geometric β" : method.rawValue
    }

    /// The shortest run of each schedule that reaches `figure ≤ threshold`, grouped:
    /// "ddpm-cosine and gap-adaptive at T = 4, cosine at T = 16; linear not by T = 16".
    func thresholdClause(_ method: ComparisonMethod, threshold: Double, _ figure: (ComparisonRow) -> Double?) -> String? {
        let selected = rows(method)
        var names: [String] = []
        for r in selected where !names.contains(r.schedule) { names.append(r.schedule) }
        guard !names.isEmpty, let largest = selected.map(\.value).max() else { return nil }
        var reached: [Double: [String]] = [:]
        var missed: [String] = []
        for name in names {
            let hit = selected.filter { $0.schedule == name }.sorted { $0.value < $1.value }
                .first { r in figure(r).map { $0 <= threshold } ?? false }
            if let hit { reached[hit.value, default: []].append(name) } else { missed.append(name) }
        }
        func list(_ n: [String]) -> String {
            n.count == names.count && n.count > 2
                ? "all \(n.count)"
                : n.count <= 2 ? n.joined(separator: " and ") : n.dropLast().joined(separator: ", ") + " and " + n.last!
        }
        var parts = reached.keys.sorted().map { "\(list(reached[$0]!)) at \(at(method.axis, $0))" }.joined(separator: ", ")
        if missed.count == names.count {
            parts = "none by \(at(method.axis, largest))"
        } else if !missed.isEmpty {
            parts += ", \(list(missed)) not even at \(at(method.axis, largest))"
        }
        return parts
    }

    /// "The shortest run with 1 − F ≤ 0.001: quantum side, …; classical side, …."
    func thresholdSentence(
        metric: String, threshold: Double, _ sides: [(String, ComparisonMethod)], _ figure: (ComparisonRow) -> Double?
    ) -> String? {
        let parts = sides.compactMap { name, m in thresholdClause(m, threshold: threshold, figure).map { "\(name) \($0)" } }
        guard !parts.isEmpty else { return nil }
        return "The shortest run with \(metric) ≤ \(Self.number(threshold)): \(parts.joined(separator: "; "))."
    }

    static func ordinal(_ k: Int) -> String { k == 1 ? "1st" : k == 2 ? "2nd" : k == 3 ? "3rd" : "\(k)th" }

    /// Where two rankings of the same schedules disagree, in words.
    func agreementSentence(
        _ a: (name: String, method: ComparisonMethod), _ b: (name: String, method: ComparisonMethod),
        _ figure: (ComparisonRow) -> Double?
    ) -> String? {
        guard let ra = ranking(a.method, figure)?.ranked.map(\.schedule),
            let rb = ranking(b.method, figure)?.ranked.map(\.schedule), ra.count > 1, Set(ra) == Set(rb)
        else { return nil }
        for m in [a.method, b.method] {
            if let f = ranking(m, figure)?.ranked.map(\.figure), f.first == f.last { return nil }
        }
        let n = ra.count
        if ra[0] == rb[0] { return "Both sides rank \(ra[0]) first." }
        let pa = (rb.firstIndex(of: ra[0]) ?? 0) + 1
        let pb = (ra.firstIndex(of: rb[0]) ?? 0) + 1
        return
            "The sides disagree: \(ra[0]) is best on the \(a.name) side but \(Self.ordinal(pa)) of \(n) on the \(b.name) side; \(rb[0]) is best on the \(b.name) side but \(Self.ordinal(pb)) of \(n) on the \(a.name) side."
    }

    /// "Near the minimum" of a gap profile: below this factor × its minimum (10, or less when
    /// the gap varies by less than 100×: the square root of its range, at least 1.5).
    static func nearFactor(_ gap: [Double]) -> Double {
        let g = gap.filter { $0 > 0 && $0.isFinite }
        guard let lo = g.min(), let hi = g.max() else { return 10 }
        return (min(10, max(1.5, (hi / lo).squareRoot())) * 10).rounded() / 10
    }

    /// The fraction of the run a schedule spends where `gap` is below `factor` × its minimum.
    func fractionNearMinimum(_ schedule: String, gap: [Double], factor: Double? = nil) -> Double? {
        let factor = factor ?? Self.nearFactor(gap)
        guard let curve = schedules.first(where: { $0.label == schedule }), curve.y.count > 1,
            let minimum = gap.filter({ $0 > 0 }).min(), gaps.progress.count == gap.count
        else { return nil }
        let pairs = zip(gaps.progress, gap).sorted { $0.0 < $1.0 }
        func gapAt(_ u: Double) -> Double {
            guard let hi = pairs.firstIndex(where: { $0.0 >= u }) else { return pairs.last!.1 }
            if hi == 0 { return pairs[0].1 }
            let (u0, g0) = pairs[hi - 1]
            let (u1, g1) = pairs[hi]
            return u1 > u0 ? g0 + (g1 - g0) * (u - u0) / (u1 - u0) : g1
        }
        var inside = 0.0
        var total = 0.0
        for k in 1..<curve.y.count {
            let dr = curve.x[k] - curve.x[k - 1]
            total += dr
            if gapAt(0.5 * (curve.y[k] + curve.y[k - 1])) < factor * minimum { inside += dr }
        }
        return total > 0 ? inside / total : nil
    }

    /// The symmetry paragraph of a landscape's first section, or nil without a symmetry.
    func landscapeSymmetryText() -> String? {
        guard let c = context, let symmetry = c.symmetry else { return nil }
        var text =
            "Symmetry: \(c.symmetryEvidence ?? "the problem is symmetric"), so every H(t) commutes with \(symmetry) and the real-time evolution from the even √p(tₘₐₓ) stays in the even sector."
        guard let sector = c.sectorGap, sector.count == gaps.gap.count,
            let (gMin, gAt) = zip(gaps.gap, gaps.parameter).min(by: { $0.0 < $1.0 }),
            let (sMin, sAt) = zip(sector, gaps.parameter).min(by: { $0.0 < $1.0 })
        else { return text }
        text +=
            " E₁ − E₀, the gap the gap-driven schedules follow (gap-adaptive ∝ g, roland-cerf ∝ g²), is here the splitting of the even–odd pair, down to \(Self.number(gMin)) at t = \(Self.number(gAt)); the evolution never couples to the odd level. Within the even sector the gap is E₂ − E₀, never below \(Self.number(sMin)) (at t = \(Self.number(sAt))), \(Self.ratio(sMin, over: gMin)) than the pair's splitting."
        let driven = schedules.map(\.label).filter { $0 == "gap-adaptive" || $0 == "roland-cerf" }
        let quantum = ranking(.quantum, { $0.fidelity.map { 1 - $0 } })?.ranked.map(\.schedule) ?? []
        for name in driven where quantum.count > 1 && quantum.first != name {
            let place = (quantum.firstIndex(of: name) ?? 0) + 1
            var sentence =
                " That is why \(name) ranks \(Self.ordinal(place)) of \(quantum.count) on the quantum side: it slows down for a gap the evolution does not see"
            if let f = fractionNearMinimum(name, gap: gaps.gap) {
                sentence +=
                    ", spending \(Int((100 * f).rounded()))% of the run where E₁ − E₀ is below \(Comparison.format(Self.nearFactor(gaps.gap)))× its minimum"
                if name != "linear", let lin = fractionNearMinimum("linear", gap: gaps.gap) {
                    sentence += " (linear: \(Int((100 * lin).rounded()))%)"
                }
            }
            text += sentence + ", and rushes the rest of the path."
        }
        if !driven.isEmpty {
            text +=
                " The annealed-Langevin side's adiabatic condition goes with the gap's first power, not its square (docs/theory.md §5)."
        }
        return text
    }

    /// The symmetry paragraph of an annealing problem's first section, or nil without one.
    func annealingSymmetryText() -> String? {
        guard let c = context, let symmetry = c.symmetry else { return nil }
        var text =
            "Symmetry: \(c.symmetryEvidence ?? "the problem is symmetric"), so H(s) commutes with \(symmetry) and the evolution from |+⟩ⁿ stays in its even sector."
        if let full = gaps.fullGap, let (fMin, fAt) = zip(full, gaps.parameter).min(by: { $0.0 < $1.0 }),
            let (aMin, aAt) = zip(gaps.gap, gaps.parameter).min(by: { $0.0 < $1.0 }), full != gaps.gap
        {
            text +=
                " E₁ − E₀ of the whole register falls to \(fMin < 1e-10 * (full.max() ?? 1) ? "numerical zero (below 10⁻¹⁰ of its largest value)" : Self.number(gapValue(fMin)) + gapSuffix) at s = \(Self.number(fAt)): the splitting between flipped partners (one even, one odd state), which the evolution never couples. The gap that sets the adiabatic condition is the adiabatic gap within the even sector, above the ground states the anneal ends in: minimum \(Self.number(gapValue(aMin)))\(gapSuffix) at s = \(Self.number(aAt))."
            if schedules.contains(where: { $0.label == "roland-cerf" }) {
                text += " roland-cerf (ds/dτ ∝ g²) follows that gap, not E₁ − E₀."
            }
        }
        return text
    }

    // MARK: plots

    private func rows(_ method: ComparisonMethod) -> [ComparisonRow] { rows.filter { $0.method == method.rawValue } }

    /// One series per schedule of `method`'s rows, `y` from `value` (nil points dropped).
    private func series(
        _ method: ComparisonMethod, y value: (ComparisonRow) -> Double?, error: ((ComparisonRow) -> Double?)? = nil,
        suffix: String = "", label fixed: String? = nil
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
                label: name.isEmpty ? (fixed ?? method.rawValue + suffix) : name + suffix, x: points.map(\.0), y: points.map(\.1),
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
        if yLog {
            let zero = series.reduce(0) { $0 + $1.curve.y.filter { !($0 > 0) }.count }
            if zero > 0 {
                p.note =
                    "\(zero) point\(zero == 1 ? "" : "s") at \(y.components(separatedBy: ",").first ?? y) = 0 not drawn (log axis)"
            }
        }
        return p
    }

    /// A plot of a probability on a linear axis from 0 to just above 1.
    private func probabilityPlot(_ title: String, x: String, y: String, _ series: [PlotSeries]) -> SVGPlot {
        var p = plot(title, x: x, y: y, series, yLog: false)
        p.yRange = 0...1.05
        return p
    }

    /// The gap profile (log scale, in the problem's units) with the gap that does not govern
    /// the evolution dashed, and the axis clipped two decades below the smallest gap that
    /// does (or at 10⁻¹⁰ of the largest, numerical noise); the plot says where it clips.
    func gapPlot() -> SVGPlot {
        let x = gaps.parameter
        let g = gaps.gap.map(gapValue)
        var series: [PlotSeries] = []
        var interest: [Double]
        var interestName: String
        if annealing {
            series.append(
                PlotSeries(label: "adiabatic gap", x: x, y: g, markers: false))
            interest = g
            interestName = "adiabatic gap"
            if let full = gaps.fullGap, full != gaps.gap {
                series.append(
                    PlotSeries(label: "E₁ − E₀", x: x, y: full.map(gapValue), dashed: true, markers: false))
            }
        } else if let sector = context?.sectorGap, sector.count == x.count {
            let s = sector.map(gapValue)
            series.append(PlotSeries(label: "E₂ − E₀ (even)", x: x, y: s, markers: false))
            series.append(PlotSeries(label: "E₁ − E₀ (pair)", x: x, y: g, dashed: true, markers: false))
            interest = s + g
            interestName = "gap"
        } else {
            series.append(PlotSeries(label: "gap E₁ − E₀", x: x, y: g, markers: false))
            interest = g
            interestName = "gap"
        }
        let unit = context?.energyUnit
        var p = plot(
            "Gap along the path", x: annealing ? "anneal fraction s" : "diffusion time t (noise end tₘₐₓ → data end 0)",
            y: unit.map { "gap Δ/h (\($0))" } ?? "gap (dimensionless)", series, xLog: false, yLog: true)
        let drawn = series.flatMap(\.curve.y).filter { $0.isFinite && $0 > 0 }
        if let top = drawn.max(), let low = drawn.min() {
            let noise = 1e-10 * top
            if let smallest = interest.filter({ $0 > noise }).min() {
                let floor = max(pow(10, (log10(smallest)).rounded(.down) - 2), noise)
                if low < floor || series.contains(where: { $0.curve.y.contains { !($0 > 0) } }) {
                    p.yRange = floor...pow(10, log10(top).rounded(.up))
                    p.note =
                        "axis clipped at \(scientific(floor, digits: 1)) (2 decades below the smallest \(interestName)); the dashed curve falls to \(low < noise ? "numerical zero" : Self.number(low))"
                }
            }
        }
        return p
    }

    func schedulePlot() -> SVGPlot {
        var p = plot(
            "Schedules u(τ/T)", x: "run time r = τ/T (fraction of the run)",
            y: annealing ? "anneal fraction s" : "progress u = 1 − t/tₘₐₓ",
            schedules.map { PlotSeries(curve: $0, markers: false) }, xLog: false, yLog: false)
        p.yRange = 0...1
        return p
    }

    /// A section of the page: a heading, the caption (what is plotted), the generated
    /// "what this shows" paragraph, the plots, and remarks after them.
    struct Section {
        var title: String
        var caption: String
        var shows: [String]
        var plots: [SVGPlot]
    }

    /// Sentences joined into one paragraph (nil when there are none).
    static func paragraph(_ sentences: [String?]) -> String? {
        let s = sentences.compactMap { $0 }
        return s.isEmpty ? nil : s.joined(separator: " ")
    }

    /// Whether every reverse-flip cell ended in a ground state (then its panel would be a
    /// flat line at 1 and is left out).
    private var reverseFlipIsFlat: Bool {
        let p = rows(.reverseFlip).filter { $0.status == "success" }.compactMap(\.groundStateProbability)
        return !p.isEmpty && p.allSatisfy { $0 >= 1 - 1e-12 }
    }

    /// Every plot of the page, in sections.
    func sections() -> [Section] {
        if annealing { return annealingSections() }
        func miss(_ r: ComparisonRow) -> Double? { r.fidelity.map { 1 - $0 } }
        var twins = [
            plot(
                "Real-time evolution (quantum overlap)", x: timeAxis(), y: "1 − F,  F = |⟨√p₀|ψ(T)⟩|²",
                series(.quantum, y: miss)),
            plot(
                "Annealed Langevin (Fokker–Planck law)", x: timeAxis("total Langevin time T"), y: "1 − F,  F = BC(ρ(T), p₀)²",
                series(.langevinPath, y: miss)),
        ]
        // A score field has no annealed-Langevin twin (Comparison.notes()).
        let field = kind == "score-field"
        if field { twins.removeLast() }
        SVGPlot.shareYRange(&twins)
        let sides: [(String, ComparisonMethod)] = [("on the quantum side", .quantum), ("on the classical side", .langevinPath)]
        let first = [
            Self.paragraph([
                rankingSentence("On the quantum side", .quantum, metric: "1 − F", miss),
                rankingSentence("On the classical side", .langevinPath, metric: "1 − F", miss),
                agreementSentence(("quantum", .quantum), ("classical", .langevinPath), miss),
            ]),
            thresholdSentence(metric: "1 − F", threshold: 1e-3, sides, miss),
            landscapeSymmetryText(),
        ].compactMap { $0 }
        var tv = [
            plot("Real-time evolution: TV of |ψ(T)|²", x: timeAxis(), y: "TV = ½Σ||ψ|² − p₀|ΔV", series(.quantum, y: { $0.tv })),
            plot(
                "Annealed Langevin: TV of ρ(T)", x: timeAxis("total Langevin time T"), y: "TV = ½Σ|ρ − p₀|ΔV",
                series(.langevinPath, y: { $0.tv })),
        ]
        if field { tv.removeLast() }
        SVGPlot.shareYRange(&tv)
        let second = [
            Self.paragraph([
                rankingSentence("On the quantum side", .quantum, metric: "TV", { $0.tv }),
                rankingSentence("On the classical side", .langevinPath, metric: "TV", { $0.tv }),
                agreementSentence(("quantum", .quantum), ("classical", .langevinPath), { $0.tv }),
            ]),
            thresholdSentence(metric: "TV", threshold: 0.01, sides, { $0.tv }),
        ].compactMap { $0 }
        var out = [
            Section(
                title: field
                    ? "Quantum evolution along the score field, against run time T"
                    : "Quantum evolution and its classical twin, against run time T",
                caption: field
                    ? "Real-time Schrödinger evolution (split4) along the Score-Hamiltonian path H_S(t) of the field, from the ground state of H_S at the last table to t₀; F = |⟨√p₀|ψ(T)⟩|², the overlap of the final state with the target state √p₀ (p₀ the target law named above). Exact on the grid: no error bars."
                    : "Both start in the ground state √p(tₘₐₓ) of H(tₘₐₓ) and follow the same schedule to t = 0. Left: real-time Schrödinger evolution (split4); F = |⟨√p₀|ψ(T)⟩|², the overlap of the final state with the target state √p₀. Right: continuous annealed Langevin dx = s(x, t(τ)) dτ + √2 dW, its law ρ(T) by Fokker–Planck on the grid; F = BC(ρ(T), p₀)² = (Σ√(ρ p₀) ΔV)², the squared Bhattacharyya coefficient of the two densities (the same number as the overlap when ψ = √ρ; docs/theory.md §6). Both plots share their y axis. Exact on the grid: no error bars.",
                shows: first, plots: twins),
            Section(
                title: "Total variation to p₀",
                caption: field
                    ? "TV = ½Σ|ρ − p₀|ΔV of ρ = |ψ(T)|² against T: the same runs as above, in the metric the samplers are judged by; TV ≤ √(1 − F) (docs/theory.md §6)."
                    : "TV = ½Σ|ρ − p₀|ΔV of ρ = |ψ(T)|² (left) and of the annealed-Langevin law ρ(T) (right), against T: the same runs as above, in the metric the samplers are judged by. Both obey TV ≤ √(1 − F); the lower bound 1 − √F ≤ TV holds for the classical F only, since the quantum overlap also counts the phases of ψ, which lower F without changing |ψ|² (docs/theory.md §6). Both plots share their y axis.",
                shows: second, plots: tv),
        ]
        var particlePlots: [SVGPlot] = [
            plot(
                "Reverse SDE, Fokker–Planck law", x: "steps N", y: "TV = ½Σ|ρ − p₀|ΔV", series(.fokkerPlanck, y: { $0.tv }))
        ]
        var third: [String] = []
        if let s = rankingSentence("The reverse SDE's Fokker–Planck law", .fokkerPlanck, metric: "TV", { $0.tv }) {
            third.append(s)
        }
        for sampler in settings.samplers {
            guard let m = ComparisonMethod(rawValue: sampler) else { continue }
            let floor = rows(m).compactMap(\.tvNoiseFloor)
            let mean = floor.isEmpty ? nil : floor.reduce(0, +) / Double(floor.count)
            particlePlots.append(
                plot(
                    "\(sampler) (\(settings.samples) samples)", x: "steps N", y: "TV of the histogram",
                    series(m, y: { $0.tv }, error: { $0.tvStderr }),
                    reference: mean.map { [($0, "noise floor")] } ?? []))
            if var s = rankingSentence(sampler, m, metric: "TV", { $0.tv }, error: { $0.tvStderr }) {
                if let mean, let (v, ranked) = ranking(m, { $0.tv }, error: { $0.tvStderr }) {
                    let onFloor = ranked.filter { $0.figure - mean <= 2 * $0.error }.count
                    s +=
                        " At \(Comparison.format(v)) steps \(onFloor) of \(ranked.count) schedules are within two standard errors of the noise floor \(Self.number(mean)), the TV of exact samples: those cannot be told apart from exact sampling."
                }
                third.append(s)
            }
        }
        SVGPlot.shareYRange(&particlePlots)
        let failed = rows.filter { $0.status != "success" }.count
        if failed > 0 {
            third.append("\(failed) cell\(failed == 1 ? "" : "s") did not run; they are listed under “Cells that did not run”.")
        }
        out.append(
            Section(
                title: "Samplers against steps",
                caption: (field
                    ? "On a score field the path runs from the last table to t₀ on the interpolated field, and the samplers start from the prior restricted to the box; particles that leave the box are dropped and the metrics use the others (how many left: the left-box column of the table below); p₀ is the target law named above. "
                    : "")
                    + "First: the law of the reverse SDE dx = (x + 2s(x, t)) dτ + √2 dW by Fokker–Planck (implicit Euler, one step per path step) on the schedule's step grid t(k) = tₘₐₓ(1 − u(k/N)), from the prior N(0, I): its TV to p₀ is the schedule's discretisation error alone, without sampling noise. Then the particle samplers: TV between a histogram of the samples and p₀ (automatic binning); error bars are one standard error (delta method); the dotted line is the TV that exact samples show with the same binning. Every cell uses the same seed, so the schedules share their random numbers. All plots of this section share their y axis.",
                shows: third, plots: particlePlots))
        return out
    }

    private func annealingSections() -> [Section] {
        func miss(_ r: ComparisonRow) -> Double? { r.groundStateProbability.map { 1 - $0 } }
        var twins = [
            plot(
                "Quantum annealing", x: timeAxis(), y: "1 − P(ground),  P from |ψ(T)|²", series(.quantum, y: miss)),
            plot(
                "Annealed flip chain", x: timeAxis(), y: "1 − P(ground),  P = fraction of chains",
                series(.flipChain, y: miss, error: { $0.groundStateStderr })),
        ]
        SVGPlot.shareYRange(&twins)
        let first = [
            Self.paragraph([
                rankingSentence("On the quantum side", .quantum, metric: "1 − P(ground)", miss),
                rankingSentence(
                    "On the classical side (flip chain)", .flipChain, metric: "1 − P(ground)", miss,
                    error: { $0.groundStateStderr }),
                agreementSentence(("quantum", .quantum), ("classical", .flipChain), miss),
            ]),
            thresholdSentence(
                metric: "1 − P(ground)", threshold: 0.01, [("on the quantum side", .quantum), ("on the flip chain", .flipChain)],
                miss),
            annealingSymmetryText(),
        ].compactMap { $0 }
        var out: [Section] = []
        if !rows(.quantum).isEmpty || !rows(.flipChain).isEmpty {
            out.append(
                Section(
                    title: "Quantum annealing and its classical twin, against run time T",
                    caption:
                        "Left: real-time evolution i∂ψ/∂τ = H(s(τ/T))ψ from the ground state of H(s(0)); P(ground) = Σ|ψ(T)|² over the ground states of Hₚ, exact. Right: the annealed flip chain with rates A(s)·ψ₀(xⁱ)/ψ₀(x) on the same path and schedule, whose law is ψ₀(s)² when it keeps up; P(ground) is the fraction of \(settings.samples) chains that end in a ground state, error bars one standard error. The same quantity on both sides; both plots share their y axis.",
                    shows: first, plots: twins))
        }
        var plots: [SVGPlot] = []
        var shows: [String] = []
        let reverse = rows(.reverseFlip).filter { $0.status == "success" }
        let oracle =
            "The reverse flip chain is an oracle baseline: it is given the ground states of Hₚ as its target (the uniform law on them), and its rates into them diverge as t → 0"
        if reverseFlipIsFlat {
            let cells = Set(reverse.map(\.value)).sorted().map(Comparison.format)
            shows.append(
                "\(oracle), so it ends in a ground state in every cell: P(ground) = 1 in all \(reverse.count) of its rows (\(cells.joined(separator: ", ")) grid cells). It is not plotted; its rows are in the table below."
            )
        } else if !reverse.isEmpty {
            plots.append(
                probabilityPlot(
                    "Reverse flip chain: oracle baseline", x: "rate-grid cells", y: "P(ground), fraction of chains",
                    series(.reverseFlip, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }, suffix: " (oracle)")))
            shows.append("\(oracle): it is not a sampler one could run without knowing the answer.")
        }
        let geometric = series(
            .simulatedAnnealing, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }, label: "geometric β")
        plots.append(probabilityPlot("Simulated annealing", x: "sweeps", y: "P(ground), fraction of reads", geometric))
        let runs = rows(.simulatedAnnealing).filter {
            $0.schedule.isEmpty && $0.status == "success" && $0.groundStateProbability != nil
        }
        .sorted { $0.value < $1.value }
        if let lo = runs.first, let hi = runs.last, let p0 = lo.groundStateProbability, let p1 = hi.groundStateProbability {
            var s =
                "Simulated annealing (geometric β) reaches P(ground) = \(Self.probability(p1, hi.groundStateStderr)) at \(Comparison.format(hi.value)) sweeps"
            if runs.count > 1 { s += ", from \(Self.probability(p0, nil)) at \(Comparison.format(lo.value))" }
            s += "."
            var best: [String] = []
            for (name, m) in [("quantum annealing", ComparisonMethod.quantum), ("the flip chain", .flipChain)] {
                if let (v, ranked) = ranking(m, miss), let b = ranked.first {
                    best.append("\(name) \(Self.probability(1 - b.figure, nil)) (\(b.schedule), \(at("T", v)))")
                }
            }
            if !best.isEmpty { s += " For scale, the best P(ground) above: \(best.joined(separator: "; "))." }
            shows.append(s)
        }
        // Without the exact side its simulated-annealing panel repeats the section below.
        if !rows(.quantum).isEmpty || !rows(.reverseFlip).isEmpty {
            out.append(
                Section(
                    title: "Diffusion-side samplers",
                    caption:
                        "Simulated annealing: Metropolis with its own geometric β schedule (dwave-samplers' default range, 'geometric β') and with β(s(τ)) of each schedule through the flip-diffusion map, against sweeps; P(ground) is the fraction of \(settings.samples) reads that end in a ground state, one standard error. The reverse flip chain of independent spin flips (rate 1) toward the uniform law on the ground states runs against its rate-grid cells; the schedule moves its grid, not its end point.",
                    shows: shows, plots: plots))
        }
        if let scale = annealingAtScaleSection() { out.append(scale) }
        return out
    }

    /// Whether the page has the section of simulated against path-integral annealing (when
    /// SQA ran, or the exact side was skipped).
    var hasAnnealingAtScale: Bool { !rows(.pathIntegral).isEmpty || (annealing && rows(.quantum).isEmpty) }

    /// Residual energy per spin and P(ground) against sweeps, simulated annealing beside
    /// path-integral annealing on each schedule (docs/compare.md).
    func annealingAtScaleSection() -> Section? {
        guard hasAnnealingAtScale else { return nil }
        let sa = "SA (geometric β)"
        var residual = series(
            .simulatedAnnealing, y: { $0.residualEnergyPerSpin }, error: { $0.residualEnergyPerSpinStderr }, suffix: " (SA)",
            label: sa)
        residual += series(
            .pathIntegral, y: { $0.residualEnergyPerSpin }, error: { $0.residualEnergyPerSpinStderr }, suffix: " (SQA)")
        var ground = series(
            .simulatedAnnealing, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }, suffix: " (SA)", label: sa)
        ground += series(.pathIntegral, y: { $0.groundStateProbability }, error: { $0.groundStateStderr }, suffix: " (SQA)")
        let plots = [
            plot("Residual energy per spin against sweeps", x: "sweeps per read", y: "(⟨E⟩ − E_ref)/n", residual),
            probabilityPlot("P(ground) against sweeps", x: "sweeps per read", y: "P(ground), fraction of reads", ground),
        ]
        var shows: [String] = []
        let sources = Set((rows(.simulatedAnnealing) + rows(.pathIntegral)).compactMap(\.referenceSource))
        let reference = (rows(.simulatedAnnealing) + rows(.pathIntegral)).compactMap(\.referenceEnergy).first
        if let reference, sources.count == 1, let source = sources.first {
            let words =
                source == "exact"
                ? "the exact ground energy"
                : source == "file"
                    ? "the problem file's ground_energy"
                    : "the best energy found by any cell of this comparison, shared by every cell so they compare (an upper bound on P(ground))"
            shows.append(
                "Reference energy E_ref = \(Self.number(reference)) (\(source): \(words)).")
        } else if sources.contains("best-found") {
            shows.append(
                "Reference energy: the best energy each cell found (best-found), so P(ground) is an upper bound and cells are compared against different references."
            )
        }
        for (name, m) in [
            ("Simulated annealing", ComparisonMethod.simulatedAnnealing), ("Path-integral annealing", .pathIntegral),
        ] {
            if let s = rankingSentence(
                name, m, metric: "residual energy per spin", { $0.residualEnergyPerSpin },
                error: { $0.residualEnergyPerSpinStderr })
            {
                shows.append(s)
            }
        }
        return Section(
            title: "Simulated and path-integral annealing against sweeps",
            caption:
                "Simulated annealing (Metropolis; 'geometric β' is its own ramp, the same for every schedule, and 'NAME (SA)' follows β(s(τ)) of the schedule through the flip-diffusion map) and path-integral annealing (SQA: \(PathIntegralAnnealing.defaultSlices) Trotter slices at β = M/(B(1)·J_rms), the transverse field A(s) of the problem's path driven by each schedule, sweep t of N at s = s((t + ½)/N)), \(settings.samples) reads per cell. Left: residual energy per spin (⟨E⟩ − E_ref)/n with one standard error (log scale; zero is not drawn). Right: P(ground), the fraction of reads within 10⁻⁹ of E_ref. TTS₉₉ = τ·ln(0.01)/ln(1 − p) in sweeps with its 95% bootstrap interval is in the table below. One SQA sweep updates n·M slice spins, one SA sweep n spins.",
            shows: shows, plots: plots)
    }

    /// The rows of the table of simulated and path-integral annealing: TTS₉₉ with its interval.
    func annealingAtScaleTable() -> [[String]] {
        func f(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "" }
        func tts(_ r: ComparisonRow) -> String {
            guard r.status == "success", r.residualEnergyPerSpin != nil else { return "" }
            guard let t = r.tts99 else { return "∞ (no read reached E_ref)" }
            return "\(f(t)) [\(f(r.tts99Low)), \(r.tts99High.map { String(format: "%.4g", $0) } ?? "∞")]"
        }
        return (rows(.simulatedAnnealing) + rows(.pathIntegral)).map {
            [
                $0.method, $0.schedule.isEmpty ? "geometric β" : $0.schedule, Comparison.format($0.value),
                f($0.groundStateProbability), f($0.residualEnergyPerSpin), f($0.residualEnergyPerSpinStderr), tts($0),
                f($0.referenceEnergy), $0.referenceSource ?? "",
            ]
        }
    }

    /// The "what this shows" paragraph of the path section: the smallest gap and how long
    /// each schedule lingers near it.
    func pathText() -> String {
        let m = gaps.minimum
        let name = annealing ? "adiabatic gap" : (context?.sectorGap != nil ? "gap E₁ − E₀" : "gap")
        var text =
            "The \(name) is smallest at \(gaps.parameterName == "time" ? "t" : gaps.parameterName) = \(Self.number(m.parameter)): \(Self.number(gapValue(m.gap)))\(gapSuffix) (\(gaps.parameter.count) points along the path)."
        let shares = schedules.compactMap { c in
            fractionNearMinimum(c.label, gap: gaps.gap).map { (c.label, $0) }
        }
        if !shares.isEmpty {
            text +=
                " Share of the run each schedule spends where it is below \(Comparison.format(Self.nearFactor(gaps.gap)))× that minimum: "
                + shares.map { "\($0.0) \(Int((100 * $0.1).rounded()))%" }.joined(separator: ", ") + "."
        }
        if let why = gaps.unusable { text += " Gap-driven schedules cannot use this gap: \(unicodeMath(why))." }
        return text
    }

    /// report.html: self-contained (inline SVG, embedded CSS, no scripts or links).
    public func html() -> String {
        var page = HTMLReport(title: "Adiabat compare: \(problem)")
        page.paragraph(unicodeMath(summary))
        page.paragraph(
            "\(unicodeMath(grid)). Schedules: \(settings.schedules.joined(separator: ", ")). \(cells.total) cells (\(cells.computed) computed in this run, \(cells.reused) reused from earlier runs); \(String(format: "%.1f", seconds)) s. Seed \(settings.seed)."
        )
        page.paragraph(unitsText())
        for note in notes { page.paragraph(unicodeMath(note)) }
        page.heading("The path and the schedules")
        if gaps.parameter.isEmpty {
            page.paragraph(
                "Each schedule's progress against the fraction of the run. The gap profile is not computed: \(unicodeMath(gaps.unusable ?? "the exact side did not run"))."
            )
            page.plots([schedulePlot()])
        } else {
            page.paragraph(
                "Left: the gap of the path's Hamiltonian, log scale\(annealing ? "; solid the adiabatic gap (above the ground states the anneal ends in), dashed E₁ − E₀ where it differs" : (context?.sectorGap != nil ? "; solid the gap within the even sector, dashed E₁ − E₀" : "")). Right: each schedule's progress against the fraction of the run. Gap-adaptive schedules slow down where the gap is small: roland-cerf as g², gap-adaptive as g."
            )
            page.callout("What this shows.", [pathText()])
            let gap = gapPlot()
            if let note = gap.note { page.paragraph("Gap plot: \(note).") }
            page.plots([gap, schedulePlot()])
        }
        for section in sections() {
            page.heading(section.title)
            page.paragraph(section.caption)
            if !section.shows.isEmpty { page.callout("What this shows.", section.shows) }
            if !section.plots.isEmpty { page.plots(section.plots) }
        }
        if hasAnnealingAtScale {
            page.heading("Time to solution")
            page.paragraph(
                "TTS₉₉ in sweeps [95% bootstrap interval] of simulated (SA) and path-integral (SQA) annealing against the reference energy E_ref and its source (exact, the file's ground_energy, or best-found); ∞ where no read, or no bootstrap resample, reached E_ref."
            )
            page.table(
                header: [
                    "method", "schedule", "sweeps", "P(ground)", "residual / spin", "± ", "TTS₉₉ [low, high]", "E_ref", "source",
                ],
                rows: annealingAtScaleTable())
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
                        k, g.map { "\($0.axis)=\(Comparison.format($0.value))" }.joined(separator: ", "),
                        unicodeMath(g.first?.status ?? ""),
                    ]
                })
        }
        page.heading("All results")
        var allText =
            "The same rows as results.csv and results.json (columns in docs/compare.md)\(timeUnit.map { "; T in \($0)" } ?? "")."
        if !rows(.reverseFlip).isEmpty { allText += " The reverse-flip rows are an oracle baseline: it knows the ground states." }
        page.paragraph(allText)
        func f(_ x: Double?) -> String { x.map { String(format: "%.6g", $0) } ?? "" }
        // Particle samplers on a score field drop the particles that leave the box: the column
        // says how many, so a TV of a thinned sample shows as such.
        let leftBox = rows.contains { $0.leftBox != nil }
        page.table(
            header: [
                "side", "method", "schedule", "axis", "value", "fidelity", "± ", "TV", "± ", "P(ground)", "± ", "evaluations",
                "s", "status",
            ] + (leftBox ? ["left box"] : []),
            rows: rows.map {
                [
                    $0.side, $0.method, $0.schedule, $0.axis, f($0.value), f($0.fidelity), f($0.fidelityStderr), f($0.tv),
                    f($0.tvStderr),
                    f($0.groundStateProbability), f($0.groundStateStderr), $0.evaluations.map(String.init) ?? "",
                    String(format: "%.3f", $0.seconds), unicodeMath($0.status),
                ] + (leftBox ? [$0.leftBox.map(String.init) ?? ""] : [])
            })
        return page.render()
    }

    /// The plots of the page as stand-alone SVG documents (name, SVG), e.g. to render to PNG.
    public func svgFiles() -> [(name: String, svg: String)] {
        var out = [("schedules.svg", schedulePlot().render())]
        if !gaps.parameter.isEmpty { out.insert(("gap.svg", gapPlot().render()), at: 0) }
        var k = 0
        for section in sections() {
            for p in section.plots {
                k += 1
                out.append((String(format: "plot-%02d.svg", k), p.render()))
            }
        }
        return out
    }
}
