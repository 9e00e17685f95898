import AdiabatCore
import Foundation

/// An axis scale.
public enum AxisScale: String, Sendable, Codable {
    case linear
    case log
}

/// A labelled curve `(x, y)`: the data of a plot series, and what a report keeps of it (a
/// compare report's schedules `u(r)`; JSON keys `label`, `x`, `y`).
public struct Curve: Sendable, Codable, Equatable {
    public var label: String
    public var x: [Double]
    public var y: [Double]

    public init(label: String, x: [Double], y: [Double]) {
        self.label = label
        self.x = x
        self.y = y
    }
}

/// One line (and optional markers) on a plot: a ``Curve`` and how it is drawn.
public struct PlotSeries: Sendable {
    public var curve: Curve
    /// Optional ± error bars (same length as y).
    public var errors: [Double]?
    public var dashed: Bool
    public var markers: Bool
    /// The palette entry to draw with (nil: the series' position), so related series (a median
    /// and its band) can share a colour.
    public var colour: Int? = nil

    public init(curve: Curve, errors: [Double]? = nil, dashed: Bool = false, markers: Bool = true) {
        self.curve = curve
        self.errors = errors
        self.dashed = dashed
        self.markers = markers
    }

    public init(label: String, x: [Double], y: [Double], errors: [Double]? = nil, dashed: Bool = false, markers: Bool = true) {
        self.init(curve: Curve(label: label, x: x, y: y), errors: errors, dashed: dashed, markers: markers)
    }
}

/// A self-contained SVG line plot: axes with "nice" ticks (linear or decade), grid lines,
/// series with markers and error bars, a legend. No scripts, no external resources, so a
/// report opens in any browser without a network.
public struct SVGPlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: AxisScale = .linear
    public var yScale: AxisScale = .linear
    public var series: [PlotSeries] = []
    /// Horizontal reference lines (value, label).
    public var referenceLines: [(value: Double, label: String)] = []
    public var width: Double = 640
    public var height: Double = 400
    /// Fixed y range (otherwise from the data).
    public var yRange: ClosedRange<Double>? = nil
    /// A short remark drawn under the title (e.g. that the axis is clipped).
    public var note: String? = nil

    public init(title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear, yScale: AxisScale = .linear) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
    }

    /// Every finite y value a plot draws (error-bar ends included) and its reference lines.
    public var drawnY: [Double] {
        series.flatMap { s -> [Double] in
            guard let e = s.errors else { return s.curve.y }
            return zip(s.curve.y, e).flatMap { [$0 - $1, $0 + $1] } + s.curve.y
        } + referenceLines.map(\.value)
    }

    /// Gives `plots` one y range, whole decades on log axes, so plots read side by side share
    /// their axes. Plots with a fixed ``yRange`` keep it in the union.
    public static func shareYRange(_ plots: inout [SVGPlot]) {
        guard let scale = plots.first?.yScale, plots.allSatisfy({ $0.yScale == scale }) else { return }
        var values = plots.flatMap(\.drawnY).filter { $0.isFinite && (scale == .linear || $0 > 0) }
        for p in plots { if let r = p.yRange { values += [r.lowerBound, r.upperBound] } }
        guard var lo = values.min(), var hi = values.max() else { return }
        if scale == .log {
            lo = pow(10, floor(log10(lo)))
            hi = pow(10, ceil(log10(hi)))
            if hi <= lo { hi = lo * 10 }
        } else if hi - lo < 1e-12 {
            lo -= 0.5
            hi += 0.5
        } else {
            let pad = 0.04 * (hi - lo)
            lo -= pad
            hi += pad
        }
        for k in plots.indices { plots[k].yRange = lo...hi }
    }

    /// Colour-blind-safe palette (Okabe–Ito).
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    private func transform(_ v: Double, _ scale: AxisScale) -> Double? {
        switch scale {
        case .linear: return v.isFinite ? v : nil
        case .log: return v > 0 && v.isFinite ? log10(v) : nil
        }
    }

    /// The data range on a (transformed) axis, padded; a degenerate range is widened.
    private func range(_ values: [Double], _ scale: AxisScale) -> (Double, Double) {
        let t = values.compactMap { transform($0, scale) }
        guard var lo = t.min(), var hi = t.max() else { return (0, 1) }
        if hi - lo < 1e-12 {
            let pad = scale == .log ? 0.5 : max(abs(lo) * 0.1, 0.5)
            lo -= pad
            hi += pad
        } else if scale == .linear {
            let pad = 0.04 * (hi - lo)
            lo -= pad
            hi += pad
        } else {
            let pad = max(0.08, 0.04 * (hi - lo))
            lo = floor((lo - pad) * 4) / 4
            hi = ceil((hi + pad) * 4) / 4
        }
        return (lo, hi)
    }

    /// Tick positions (in transformed units) and labels.
    static func ticks(_ lo: Double, _ hi: Double, _ scale: AxisScale) -> [(Double, String)] {
        switch scale {
        case .log:
            let first = Int(ceil(lo - 1e-9))
            let last = Int(floor(hi + 1e-9))
            var out: [(Double, String)] = []
            let step = max(1, (last - first + 1) / 8 + ((last - first + 1) % 8 == 0 ? 0 : 1))
            var e = first
            while e <= last {
                out.append((Double(e), decadeLabel(e)))
                e += step
            }
            if out.count < 3 {
                // Less than a decade: label a few mantissas.
                for m in [1.0, 2, 5] {
                    for e in (Int(floor(lo)) - 1)...(Int(ceil(hi)) + 1) {
                        let v = log10(m) + Double(e)
                        if v >= lo - 1e-9, v <= hi + 1e-9, !out.contains(where: { abs($0.0 - v) < 1e-9 }) {
                            out.append((v, format(m * pow(10, Double(e)))))
                        }
                    }
                }
                out.sort { $0.0 < $1.0 }
            }
            return out
        case .linear:
            let span = hi - lo
            let raw = span / 6
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
            var v = ceil(lo / step) * step
            var out: [(Double, String)] = []
            while v <= hi + 1e-9 * step {
                out.append((v, format(abs(v) < 1e-12 * step ? 0 : v)))
                v += step
            }
            return out
        }
    }

    static func decadeLabel(_ e: Int) -> String {
        switch e {
        case 0: return "1"
        case 1: return "10"
        case 2: return "100"
        case -1: return "0.1"
        case -2: return "0.01"
        default: return "10" + superscript(e)
        }
    }

    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e5 || a < 1e-3 {
            let e = Int(floor(log10(a)))
            let m = (v / pow(10, Double(e))).rounded()
            return (m == 1 ? "" : (m == -1 ? "−" : "\(Int(m))×")) + "10" + superscript(e)
        }
        if v == v.rounded() { return String(format: "%.0f", v) }
        var s = String(format: "%.4g", v)
        if s.contains("."), !s.contains("e") {
            while s.hasSuffix("0") { s.removeLast() }
        }
        return s
    }

    /// The SVG document.
    public func render() -> String {
        let left = 70.0
        let right = 160.0
        let top = 46.0  // room for a note under the title, so plots of a row line up
        let bottom = 52.0
        let plotW = width - left - right
        let plotH = height - top - bottom
        let allX = series.flatMap(\.curve.x)
        let allY = drawnY
        let (x0, x1) = range(allX, xScale)
        var (y0, y1) = range(allY, yScale)
        if let yRange, let lo = transform(yRange.lowerBound, yScale), let hi = transform(yRange.upperBound, yScale) {
            (y0, y1) = (lo, hi)
        }
        func px(_ v: Double) -> Double? { transform(v, xScale).map { left + ($0 - x0) / (x1 - x0) * plotW } }
        func py(_ v: Double) -> Double? { transform(v, yScale).map { top + plotH - ($0 - y0) / (y1 - y0) * plotH } }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        // Several plots share one page: each needs its own clip path id.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(title)|\(xLabel)|\(yLabel)|\(note ?? "")|\(series.map(\.curve.label))".utf8 {
            hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3
        }
        let clipID = "plotarea-" + String(hash, radix: 16)

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" font-family="sans-serif" font-size="12">
            <rect x="0" y="0" width="\(f(width))" height="\(f(height))" fill="white"/>
            <text x="\(f(left + plotW / 2))" y="20" text-anchor="middle" font-size="14" font-weight="bold">\(escapeXML(title))</text>

            """
        if let note {
            svg +=
                "<text x=\"\(f(width / 2))\" y=\"36\" text-anchor=\"middle\" font-size=\"11\" font-style=\"italic\" fill=\"#555\">\(escapeXML(note))</text>\n"
        }
        // Grid and ticks.
        for (t, label) in Self.ticks(x0, x1, xScale) {
            let x = left + (t - x0) / (x1 - x0) * plotW
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(escapeXML(label))</text>\n"
        }
        for (t, label) in Self.ticks(y0, y1, yScale) {
            let y = top + plotH - (t - y0) / (y1 - y0) * plotH
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e5e5e5\"/>\n"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(escapeXML(label))</text>\n"
        }
        svg +=
            "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"#444\"/>\n"
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escapeXML(xLabel))</text>\n"
        svg +=
            "<text x=\"16\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(top + plotH / 2)))\">\(escapeXML(yLabel))</text>\n"
        svg +=
            "<clipPath id=\"\(clipID)\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\"/></clipPath>\n"
        svg += "<g clip-path=\"url(#\(clipID))\">\n"
        for (value, label) in referenceLines {
            guard let y = py(value) else { continue }
            svg +=
                "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#888\" stroke-dasharray=\"2,3\"/>\n"
            svg +=
                "<text x=\"\(f(left + plotW - 4))\" y=\"\(f(y - 4))\" text-anchor=\"end\" fill=\"#666\">\(escapeXML(label))</text>\n"
        }
        for (k, s) in series.enumerated() {
            let colour = Self.palette[(series[k].colour ?? k) % Self.palette.count]
            let points = zip(s.curve.x, s.curve.y).compactMap { x, y -> (Double, Double)? in
                guard let a = px(x), let b = py(y) else { return nil }
                return (a, b)
            }
            if points.count > 1 {
                let list = points.map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
                let dash = s.dashed ? " stroke-dasharray=\"6,4\"" : ""
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash) points=\"\(list)\"/>\n"
            }
            if let errors = s.errors {
                let c = s.curve
                for i in c.x.indices where i < errors.count {
                    guard let x = px(c.x[i]), let lo = py(c.y[i] - errors[i]) ?? py(c.y[i]), let hi = py(c.y[i] + errors[i])
                    else { continue }
                    svg += "<line x1=\"\(f(x))\" y1=\"\(f(lo))\" x2=\"\(f(x))\" y2=\"\(f(hi))\" stroke=\"\(colour)\"/>\n"
                }
            }
            if s.markers {
                for (x, y) in points { svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"3\" fill=\"\(colour)\"/>\n" }
            }
        }
        svg += "</g>\n"
        // Legend.
        for (k, s) in series.enumerated() {
            let colour = Self.palette[(series[k].colour ?? k) % Self.palette.count]
            let y = top + 10 + Double(k) * 18
            let x = left + plotW + 12
            let dash = s.dashed ? " stroke-dasharray=\"6,4\"" : ""
            svg +=
                "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 22))\" y2=\"\(f(y))\" stroke=\"\(colour)\" stroke-width=\"2\"\(dash)/>\n"
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(y + 4))\">\(escapeXML(s.curve.label))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}

/// Escapes text for XML/HTML content and attributes.
public func escapeXML(_ s: String) -> String { s.escaped(by: xmlEscapes) }

private let xmlEscapes: [Unicode.Scalar: String] = [
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;",
]

/// `n` in Unicode superscript digits (`−5` → `⁻⁵`), for labels like `10⁻⁵`.
public func superscript(_ n: Int) -> String {
    let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
    return (n < 0 ? "⁻" : "") + String(abs(n)).map { digits[Int(String($0))!] }
}

/// A number for running text in Unicode: `0.0123`, `4.56`, `7.5×10⁻⁵`, `2.3×10⁶`
/// (three significant digits).
public func scientific(_ x: Double, digits: Int = 2) -> String {
    guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "∞" : "−∞") }
    if x == 0 { return "0" }
    let a = abs(x)
    if a >= 1e-3 && a < 1e4 {
        var s = String(format: "%.\(digits)g", x)
        if s.contains("e") { s = String(format: "%.\(max(0, digits - 1 - Int(floor(log10(a)))))f", x) }
        return s.replacingOccurrences(of: "-", with: "−")
    }
    var e = Int(floor(log10(a)))
    var m = x / pow(10, Double(e))
    let rounded = (m * pow(10, Double(digits - 1))).rounded() / pow(10, Double(digits - 1))
    if abs(rounded) >= 10 {
        e += 1
        m /= 10
    }
    let mantissa = String(format: "%.\(digits - 1)f", m).replacingOccurrences(of: "-", with: "−")
    return (mantissa == "1" ? "" : mantissa + "×") + "10" + superscript(e)
}

/// Rewrites TeX-style math in running text as Unicode: `x_{ab}` → `xₐᵦ`-style subscripts
/// (or `x(ab)` when a character has no subscript form), `e^{−2r}` → `e⁻²ʳ`-style
/// superscripts (or `e^(−2r)`), `t_max` → `tₘₐₓ`, a single-letter `_t` or `_P` →
/// `ₜ`, `ₚ`, and `\alpha`-style commands → their symbols (unknown ones lose the backslash).
public func unicodeMath(_ text: String) -> String {
    let sub: [Character: Character] = [
        "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉", "a": "ₐ",
        "e": "ₑ", "h": "ₕ", "i": "ᵢ", "j": "ⱼ", "k": "ₖ", "l": "ₗ", "m": "ₘ", "n": "ₙ", "o": "ₒ", "p": "ₚ", "r": "ᵣ",
        "s": "ₛ", "t": "ₜ", "u": "ᵤ", "v": "ᵥ", "x": "ₓ", "P": "ₚ", "+": "₊", "−": "₋", "-": "₋", "(": "₍", ")": "₎",
        "=": "₌",
    ]
    let sup: [Character: Character] = [
        "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "+": "⁺",
        "−": "⁻", "-": "⁻", "n": "ⁿ", "i": "ⁱ", "(": "⁽", ")": "⁾", "=": "⁼", "a": "ᵃ", "b": "ᵇ", "d": "ᵈ", "e": "ᵉ",
        "k": "ᵏ", "m": "ᵐ", "o": "ᵒ", "p": "ᵖ", "r": "ʳ", "s": "ˢ", "t": "ᵗ", "u": "ᵘ", "x": "ˣ", "T": "ᵀ",
    ]
    let commands: [String: String] = [
        "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "sigma": "σ",
        "tau": "τ", "psi": "ψ", "phi": "φ", "pi": "π", "omega": "ω", "lambda": "λ", "mu": "μ", "rho": "ρ", "theta": "θ",
        "Delta": "Δ", "Sigma": "Σ", "Gamma": "Γ", "Omega": "Ω", "sqrt": "√", "cdot": "·", "times": "×", "le": "≤",
        "leq": "≤", "ge": "≥", "geq": "≥", "to": "→", "infty": "∞", "langle": "⟨", "rangle": "⟩", "nabla": "∇",
        "partial": "∂", "approx": "≈", "propto": "∝", "sum": "Σ", "int": "∫", "hbar": "ħ", "pm": "±", "ne": "≠",
        "left": "", "right": "", "mathrm": "", "text": "", "mathbf": "",
    ]
    var s = text.replacingOccurrences(of: "t_max", with: "tₘₐₓ")
    var out = ""
    var chars = Array(s)
    var i = 0
    func word(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    while i < chars.count {
        let c = chars[i]
        if (c == "_" || c == "^") && i + 1 < chars.count && chars[i + 1] == "{" {
            var j = i + 2
            var depth = 1
            var inner = ""
            while j < chars.count {
                if chars[j] == "{" { depth += 1 }
                if chars[j] == "}" {
                    depth -= 1
                    if depth == 0 { break }
                }
                inner.append(chars[j])
                j += 1
            }
            let body = unicodeMath(inner)
            let table = c == "_" ? sub : sup
            if body.allSatisfy({ table[$0] != nil }) {
                out += String(body.map { table[$0]! })
            } else {
                out += (c == "_" ? "(" : "^(") + body + ")"
            }
            i = j + 1
            continue
        }
        if c == "_", i > 0, word(chars[i - 1]), i + 1 < chars.count, let m = sub[chars[i + 1]],
            i + 2 >= chars.count || !word(chars[i + 2])
        {
            out.append(m)
            i += 2
            continue
        }
        if c == "\\", i + 1 < chars.count, chars[i + 1].isLetter {
            var j = i + 1
            var name = ""
            while j < chars.count && chars[j].isLetter {
                name.append(chars[j])
                j += 1
            }
            out += commands[name] ?? name
            i = j
            continue
        }
        out.append(c)
        i += 1
    }
    s = out
    chars.removeAll()
    return s
}
