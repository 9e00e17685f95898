import Foundation

/// A row of signed 2-D fields drawn as heat maps (e.g. eigenfunctions ψ₀…ψ₃ on a grid), one
/// panel each, red positive, blue negative, white zero, each panel scaled to its own largest
/// `|value|`. Cells below 2% of that largest value are left white and not drawn, which keeps a
/// localised field's SVG small.
public struct SVGHeatmap: Sendable {
    /// One field: `values[i * ny + j]` at `(x_i, y_j)`, `x` the first axis (left to right) and
    /// `y` the second (bottom to top).
    public struct Panel: Sendable {
        public var title: String
        public var values: [Double]
        public init(title: String, values: [Double]) {
            self.title = title
            self.values = values
        }
    }

    public var title: String
    public var nx: Int
    public var ny: Int
    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>
    public var panels: [Panel]
    /// The width of one panel in pixels (its height follows the box's aspect ratio).
    public var panelWidth: Double = 220

    public init(title: String, nx: Int, ny: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, panels: [Panel]) {
        self.title = title
        self.nx = nx
        self.ny = ny
        self.xRange = xRange
        self.yRange = yRange
        self.panels = panels
    }

    /// The fill of `v` in `[−1, 1]`: white to red (#D55E00-like) or to blue (#0072B2-like).
    static func colour(_ v: Double) -> String {
        let a = min(1, abs(v))
        let (r, g, b) = v >= 0 ? (213.0, 94.0, 0.0) : (0.0, 114.0, 178.0)
        func mix(_ c: Double) -> Int { Int((255 - a * (255 - c)).rounded()) }
        return String(format: "#%02X%02X%02X", mix(r), mix(g), mix(b))
    }

    public func render() -> String {
        let gap = 16.0
        let top = 44.0
        let bottom = 24.0
        let aspect = (yRange.upperBound - yRange.lowerBound) / max(xRange.upperBound - xRange.lowerBound, 1e-300)
        let w = panelWidth
        let h = w * aspect
        let width = Double(panels.count) * (w + gap) + gap
        let height = top + h + bottom
        let cw = w / Double(max(nx, 1))
        let ch = h / Double(max(ny, 1))
        var svg = String(
            format: "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\">\n",
            width, height, width, height)
        svg += "<text x=\"\(gap)\" y=\"18\" font-size=\"14\" font-family=\"sans-serif\">\(escapeXML(title))</text>\n"
        for (p, panel) in panels.enumerated() {
            let x0 = gap + Double(p) * (w + gap)
            let peak = panel.values.map(abs).max() ?? 0
            svg += "<text x=\"\(String(format: "%.1f", x0))\" y=\"38\" font-size=\"12\" font-family=\"sans-serif\">"
            svg += "\(escapeXML(panel.title))</text>\n"
            svg += String(
                format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"white\" stroke=\"#888\"/>\n", x0, top,
                w, h)
            guard peak > 0, panel.values.count == nx * ny else { continue }
            for i in 0..<nx {
                for j in 0..<ny {
                    let v = panel.values[i * ny + j] / peak
                    guard abs(v) >= 0.02 else { continue }
                    // y grows upwards: row j from the bottom.
                    svg += String(
                        format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" ",
                        x0 + Double(i) * cw, top + h - Double(j + 1) * ch, cw + 0.1, ch + 0.1)
                    svg += "fill=\"\(Self.colour(v))\"/>\n"
                }
            }
        }
        svg += String(
            format:
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" font-family=\"sans-serif\" fill=\"#555\">x ∈ [%g, %g], y ∈ [%g, %g]; red > 0, blue < 0, each panel scaled to its largest |ψ|</text>\n",
            gap, height - 6, xRange.lowerBound, xRange.upperBound, yRange.lowerBound, yRange.upperBound)
        svg += "</svg>\n"
        return svg
    }
}
