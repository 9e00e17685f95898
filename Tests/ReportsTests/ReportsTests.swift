import AdiabatCore
import Foundation
import Reports
import Testing

@Suite("Reports: SVG plots, HTML, CSV, resumable cells")
struct ReportsTests {
    @Test("a plot draws every series, its markers and a legend; log axes skip non-positive values")
    func plot() {
        var plot = SVGPlot(title: "Fidelity <vs> T", xLabel: "T", yLabel: "1 − F", xScale: .log, yScale: .log)
        plot.series = [
            PlotSeries(label: "linear", x: [1, 10, 100], y: [0.5, 0.05, 0.005]),
            PlotSeries(label: "roland-cerf", x: [1, 10, 100], y: [0.4, 0.0, 1e-4], dashed: true),
        ]
        plot.referenceLines = [(0.01, "target")]
        let svg = plot.render()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 2)
        // 3 markers for the first series, 2 for the second (y = 0 cannot be drawn on a log axis).
        #expect(svg.components(separatedBy: "<circle").count - 1 == 5)
        #expect(svg.contains("Fidelity &lt;vs&gt; T"))
        #expect(svg.contains(">roland-cerf<"))
        #expect(svg.contains(">0.01<") || svg.contains(">1e-2<"))
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }

    @Test("XML and JSON escapes: each its own table through one loop; other text, accents included, unchanged")
    func escapes() throws {
        #expect(escapeXML(#"a<b & "c" 'd'> é"#) == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt; é")
        let json = try JSONText.encode(["k": "q\"b\\n\nr\rt\t\u{1}é"], pretty: false)
        #expect(String(decoding: json, as: UTF8.self) == #"{"k":"q\"b\\n\nr\rt\t\u0001é"}"# + "\n")
        let back = try JSONSerialization.jsonObject(with: json) as? [String: String]
        #expect(back?["k"] == "q\"b\\n\nr\rt\t\u{1}é")
    }

    @Test("linear ticks are round numbers covering the data")
    func ticks() {
        var plot = SVGPlot(title: "t", xLabel: "x", yLabel: "y")
        plot.series = [PlotSeries(label: "a", x: [0, 0.5, 1], y: [3, 7, 12])]
        let svg = plot.render()
        for label in [">0<", ">0.2<", ">1<", ">4<", ">12<"] { #expect(svg.contains(label), "missing tick \(label)") }
    }

    @Test("HTML report is self-contained and escapes text")
    func html() {
        var report = HTMLReport(title: "Compare <double-well>")
        report.paragraph("a & b")
        report.table(header: ["schedule", "F"], rows: [["linear", "0.99"]])
        var plot = SVGPlot(title: "p", xLabel: "x", yLabel: "y")
        plot.series = [PlotSeries(label: "s", x: [0, 1], y: [0, 1])]
        report.plots([plot, plot])
        let html = report.render()
        #expect(html.contains("<title>Compare &lt;double-well&gt;</title>"))
        #expect(html.contains("a &amp; b"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)
        // Nothing to fetch: no scripts, no external images, stylesheets or links.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
    }

    @Test("CSV quotes fields with commas and quotes")
    func csv() {
        var table = CSVTable(header: ["name", "value"])
        table.append(["a,b", "say \"hi\""])
        #expect(table.render() == "name,value\n\"a,b\",\"say \"\"hi\"\"\"\n")
    }

    @Test("cell store resumes finished cells and survives a torn last line")
    func cellStore() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cells-\(UUID().uuidString).jsonl")
        defer {
            try? FileManager.default.removeItem(at: url)
            try? FileManager.default.removeItem(at: url.appendingPathExtension("lock"))
        }
        do {
            let store = try CellStore<Double>(url: url)
            try store.record(0.5, for: "linear/T=1")
            try store.record(0.75, for: "linear/T=2")
        }
        // Simulate a kill in the middle of writing a third line.
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"key\":\"linear/T=4\",\"val".utf8))
        try handle.close()
        let resumed = try CellStore<Double>(url: url, warn: { _ in })
        #expect(resumed.count == 2)
        #expect(resumed.value(for: "linear/T=2") == 0.75)
        #expect(resumed.value(for: "linear/T=4") == nil)
        try resumed.record(0.9, for: "linear/T=4")
        resumed.close()
        let again = try CellStore<Double>(url: url)
        #expect(again.count == 3)
        #expect(again.value(for: "linear/T=4") == 0.9)
    }
}
