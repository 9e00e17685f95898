import Foundation
import Reports
import Testing

@Suite("Reports: page layout, Unicode math, shared axes, plot notes")
struct PageTests {
    @Test("TeX in running text becomes Unicode")
    func unicode() {
        #expect(unicodeMath("√p_{t_max} of H_{t_max}") == "√p(tₘₐₓ) of H(tₘₐₓ)")
        #expect(unicodeMath("p ∝ e^{−2r}") == "p ∝ e⁻²ʳ")
        #expect(unicodeMath("H_P has couplings, so p_t is not") == "Hₚ has couplings, so pₜ is not")
        #expect(unicodeMath("x_{ab} and \\alpha \\le 1") == "x(ab) and α ≤ 1")
        #expect(unicodeMath("t_max = 3.0, s_{t(τ)}") == "tₘₐₓ = 3.0, s(t(τ))")
        // Plain identifiers with more than one letter after the underscore stay.
        #expect(unicodeMath("gap_samples and time_unit") == "gap_samples and time_unit")
    }

    @Test("numbers for running text: plain in 10⁻³…10⁴, Unicode powers of ten outside")
    func numbers() {
        #expect(scientific(7.5e-5) == "7.5×10⁻⁵")
        #expect(scientific(0.0025) == "0.0025")
        #expect(scientific(16) == "16")
        #expect(scientific(1.04e-15, digits: 1) == "10⁻¹⁵")
        #expect(scientific(9.96e-6) == "1.0×10⁻⁵")
        #expect(scientific(23_000) == "2.3×10⁴")
        #expect(superscript(-12) == "⁻¹²")
    }

    @Test("log axes are labelled in Unicode powers of ten, never 1e-5")
    func tickLabels() {
        var plot = SVGPlot(title: "t", xLabel: "T", yLabel: "1 − F", xScale: .log, yScale: .log)
        plot.series = [PlotSeries(label: "a", x: [1, 10, 100], y: [1e-2, 1e-5, 1e-8])]
        let svg = plot.render()
        #expect(svg.contains(">10⁻⁵<") && svg.contains(">10⁻⁸<"))
        #expect(!svg.contains(">1e-"))
    }

    @Test("plots of a row share one y range in whole decades")
    func sharedRange() throws {
        var a = SVGPlot(title: "a", xLabel: "T", yLabel: "1 − F", xScale: .log, yScale: .log)
        a.series = [PlotSeries(label: "s", x: [1, 2], y: [0.3, 2e-3])]
        var b = SVGPlot(title: "b", xLabel: "T", yLabel: "1 − F", xScale: .log, yScale: .log)
        b.series = [PlotSeries(label: "s", x: [1, 2], y: [0.05, 4e-6], errors: [0.01, 1e-6])]
        var plots = [a, b]
        SVGPlot.shareYRange(&plots)
        let range = try #require(plots[0].yRange)
        #expect(abs(log10(range.lowerBound) + 6) < 1e-12 && abs(range.upperBound - 1) < 1e-12)
        #expect(plots[1].yRange == plots[0].yRange)
    }

    @Test("a note is drawn under the title; every plot has its own clip path")
    func noteAndClip() {
        var a = SVGPlot(title: "Gap", xLabel: "s", yLabel: "gap", yScale: .log)
        a.series = [PlotSeries(label: "g", x: [0, 1], y: [1, 1e-15])]
        a.yRange = 1e-3...10
        a.note = "axis clipped at 0.001"
        var b = a
        b.title = "Other"
        b.note = nil
        let (sa, sb) = (a.render(), b.render())
        #expect(sa.contains(">axis clipped at 0.001</text>"))
        #expect(!sb.contains("axis clipped"))
        let id = { (svg: String) in svg.components(separatedBy: "<clipPath id=\"")[1].prefix { $0 != "\"" } }
        #expect(id(sa) != id(sb))
        #expect(sa.contains("clip-path=\"url(#\(id(sa)))\""))
    }

    @Test("page: a section per level-2 heading, two plots a row from 1200 px, print rules, callouts")
    func layout() {
        var page = HTMLReport(title: "t")
        page.paragraph("intro")
        page.heading("One")
        page.callout("What this shows.", ["first <a>", "second"])
        var p = SVGPlot(title: "p", xLabel: "x", yLabel: "y")
        p.series = [PlotSeries(label: "s", x: [0, 1], y: [0, 1])]
        page.plots([p, p])
        page.heading("Sub", level: 3)
        page.heading("Two")
        page.table(header: ["a"], rows: [["1"]])
        let html = page.render()
        #expect(html.components(separatedBy: "<section>").count - 1 == 2)
        #expect(html.components(separatedBy: "</section>").count - 1 == 2)
        #expect(html.contains("@media (min-width: 1200px)"))
        #expect(html.contains("grid-template-columns: repeat(2, minmax(0, 1fr))"))
        #expect(html.contains("@media print") && html.contains("break-before: page"))
        #expect(html.components(separatedBy: "<figure>").count - 1 == 2)
        #expect(
            html.contains(
                "<div class=\"callout\">\n<p><strong>What this shows.</strong> first &lt;a&gt;</p>\n<p>second</p>\n</div>"))
        #expect(html.contains("<div class=\"table\"><table>"))
        #expect(!html.contains("<script"))
    }
}
