import Foundation

/// A self-contained HTML report: headings, paragraphs, inline SVG plots and tables, with
/// embedded CSS and no scripts or external resources.
public struct HTMLReport: Sendable {
    public enum Block: Sendable {
        case heading(String, level: Int)
        case paragraph(String)
        case plot(SVGPlot)
        /// Plots side by side (a row).
        case plots([SVGPlot])
        case table(header: [String], rows: [[String]])
        case preformatted(String)
    }

    public var title: String
    public var blocks: [Block] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String, level: Int = 2) { blocks.append(.heading(text, level: level)) }
    public mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }
    public mutating func plot(_ plot: SVGPlot) { blocks.append(.plot(plot)) }
    public mutating func plots(_ plots: [SVGPlot]) { blocks.append(.plots(plots)) }
    public mutating func table(header: [String], rows: [[String]]) { blocks.append(.table(header: header, rows: rows)) }
    public mutating func preformatted(_ text: String) { blocks.append(.preformatted(text)) }

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escapeXML(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em; color: #222; }
            h1 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
            h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            th { background: #f3f6fa; }
            td:first-child, th:first-child { text-align: left; }
            .plots { display: flex; flex-wrap: wrap; gap: 12px; }
            pre { background: #f6f6f6; padding: .8em; overflow-x: auto; }
            </style>
            </head>
            <body>
            <h1>\(escapeXML(title))</h1>

            """
        for block in blocks {
            switch block {
            case let .heading(text, level):
                let l = min(max(level, 2), 4)
                html += "<h\(l)>\(escapeXML(text))</h\(l)>\n"
            case .paragraph(let text):
                html += "<p>\(escapeXML(text))</p>\n"
            case .plot(let plot):
                html += "<div class=\"plots\">\(plot.render())</div>\n"
            case .plots(let plots):
                html += "<div class=\"plots\">\n" + plots.map { $0.render() }.joined() + "</div>\n"
            case let .table(header, rows):
                html += "<table>\n<tr>" + header.map { "<th>\(escapeXML($0))</th>" }.joined() + "</tr>\n"
                for row in rows { html += "<tr>" + row.map { "<td>\(escapeXML($0))</td>" }.joined() + "</tr>\n" }
                html += "</table>\n"
            case .preformatted(let text):
                html += "<pre>\(escapeXML(text))</pre>\n"
            }
        }
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
