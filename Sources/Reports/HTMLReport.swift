import Foundation

/// A self-contained HTML report: headings, paragraphs, inline SVG plots and tables, with
/// embedded CSS and no scripts or external resources.
///
/// Each level-2 heading opens a `<section>` that runs to the next one. Plots of a row stand
/// two a row on viewports from 1200 px wide and one a row below; printed, each section
/// starts a page and every plot is scaled to the page, never clipped.
public struct HTMLReport: Sendable {
    public enum Block: Sendable {
        case heading(String, level: Int)
        case paragraph(String)
        /// A highlighted box of paragraphs, the first with a bold lead (e.g. "What this shows.").
        case callout(lead: String, paragraphs: [String])
        case plot(SVGPlot)
        /// Plots side by side (a row).
        case plots([SVGPlot])
        case table(header: [String], rows: [[String]])
        case preformatted(String)
        /// A row of heat maps (one figure, full width).
        case heatmap(SVGHeatmap)
    }

    public var title: String
    public var blocks: [Block] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String, level: Int = 2) { blocks.append(.heading(text, level: level)) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    public mutating func callout(_ lead: String, _ paragraphs: [String]) {
        blocks.append(.callout(lead: lead, paragraphs: paragraphs))
    }
    public mutating func plot(_ plot: SVGPlot) { blocks.append(.plot(plot)) }
    public mutating func plots(_ plots: [SVGPlot]) { blocks.append(.plots(plots)) }
    public mutating func table(header: [String], rows: [[String]]) { blocks.append(.table(header: header, rows: rows)) }
    public mutating func preformatted(_ text: String) { blocks.append(.preformatted(text)) }
    public mutating func heatmap(_ map: SVGHeatmap) { blocks.append(.heatmap(map)) }

    /// The embedded style sheet.
    public static let css = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
        h1 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
        h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
        th { background: #f3f6fa; }
        td:first-child, th:first-child { text-align: left; }
        .plots { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; align-items: start; margin: 1em 0; }
        .plots figure { margin: 0; }
        .plots svg { display: block; width: 100%; max-width: 800px; height: auto; }
        .callout { background: #f2f7fb; border-left: 4px solid #0072B2; padding: .1em .9em; margin: 1em 0; }
        .callout p { margin: .5em 0; }
        .table { overflow-x: auto; }
        pre { background: #f6f6f6; padding: .8em; overflow-x: auto; }
        @media (min-width: 1200px) {
          .plots { grid-template-columns: repeat(2, minmax(0, 1fr)); }
        }
        @media print {
          body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
          section { break-before: page; }
          section:first-of-type { break-before: auto; }
          h2 { break-after: avoid; }
          .plots { grid-template-columns: minmax(0, 1fr); }
          .plots figure { break-inside: avoid; }
          .plots svg { max-width: 100%; max-height: 11cm; }
          .callout { border-left-width: 2px; }
          .table { overflow: visible; }
          table { font-size: 7pt; width: 100%; }
          th, td { padding: 1px 3px; overflow-wrap: anywhere; }
          tr { break-inside: avoid; }
        }
        """

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escapeXML(title))</title>
            <style>
            \(Self.css)
            </style>
            </head>
            <body>
            <h1>\(escapeXML(title))</h1>

            """
        var open = false
        func figure(_ plot: SVGPlot) -> String { "<figure>" + plot.render() + "</figure>\n" }
        for block in blocks {
            switch block {
            case let .heading(text, level):
                let l = min(max(level, 2), 4)
                if l == 2 {
                    if open { html += "</section>\n" }
                    html += "<section>\n"
                    open = true
                }
                html += "<h\(l)>\(escapeXML(text))</h\(l)>\n"
            case .paragraph(let text):
                html += "<p>\(escapeXML(text))</p>\n"
            case let .callout(lead, paragraphs):
                html += "<div class=\"callout\">\n"
                for (k, text) in paragraphs.enumerated() {
                    html += "<p>" + (k == 0 ? "<strong>\(escapeXML(lead))</strong> " : "") + escapeXML(text) + "</p>\n"
                }
                html += "</div>\n"
            case .plot(let plot):
                html += "<div class=\"plots\">\n" + figure(plot) + "</div>\n"
            case .plots(let plots):
                html += "<div class=\"plots\">\n" + plots.map(figure).joined() + "</div>\n"
            case let .table(header, rows):
                html += "<div class=\"table\"><table>\n<tr>" + header.map { "<th>\(escapeXML($0))</th>" }.joined() + "</tr>\n"
                for row in rows { html += "<tr>" + row.map { "<td>\(escapeXML($0))</td>" }.joined() + "</tr>\n" }
                html += "</table></div>\n"
            case .preformatted(let text):
                html += "<pre>\(escapeXML(text))</pre>\n"
            case .heatmap(let map):
                html += "<div class=\"table\"><figure>" + map.render() + "</figure></div>\n"
            }
        }
        if open { html += "</section>\n" }
        html += "</body>\n</html>\n"
        return html
    }
}

/// A CSV table with RFC 4180 quoting.
public struct CSVTable: Sendable {
    public var header: [String]
    public var rows: [[String]] = []

    public init(header: [String]) { self.header = header }

    public mutating func append(_ row: [String]) { rows.append(row) }

    static func quote(_ field: String) -> String {
        if field.contains(",") || field.contains("\"") || field.contains("\n") {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    public func render() -> String {
        ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
