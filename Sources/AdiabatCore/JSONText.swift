import Foundation

/// JSON text for result files, with every `Double` written so that it reads back to the same
/// double (Swift's shortest round-trip form; Foundation's `JSONSerialization` on Linux rounds
/// to about 15 digits). Keys are sorted; arrays of numbers and strings sit on one line.
public enum JSONText {
    /// `value`: `String`, `Bool`, `Int` (any width), `Double`, `Float`, `[Any]`, `[String: Any]`
    /// or `NSNull`. A non-finite number throws.
    public static func encode(_ value: Any, pretty: Bool = true) throws -> Data {
        var out = ""
        try write(value, into: &out, indent: pretty ? 0 : nil)
        out += "\n"
        return Data(out.utf8)
    }

    static func write(_ value: Any, into out: inout String, indent: Int?) throws {
        switch value {
        case let s as String: out += quoted(s)
        case let b as Bool: out += b ? "true" : "false"
        case let i as Int: out += String(i)
        case let i as Int8: out += String(i)
        case let i as Int32: out += String(i)
        case let i as Int64: out += String(i)
        case let i as UInt64: out += String(i)
        case let x as Double: out += try number(x)
        case let x as Float: out += try number(Double(x))
        case is NSNull: out += "null"
        case let list as [Any]:
            let scalar = list.allSatisfy { !($0 is [Any]) && !($0 is [String: Any]) }
            if list.isEmpty {
                out += "[]"
            } else if scalar || indent == nil {
                out += "["
                for (k, v) in list.enumerated() {
                    if k > 0 { out += indent == nil ? "," : ", " }
                    try write(v, into: &out, indent: indent.map { _ in 0 })
                }
                out += "]"
            } else {
                let inner = (indent ?? 0) + 2
                out += "[\n"
                for (k, v) in list.enumerated() {
                    out += String(repeating: " ", count: inner)
                    try write(v, into: &out, indent: inner)
                    out += k == list.count - 1 ? "\n" : ",\n"
                }
                out += String(repeating: " ", count: indent ?? 0) + "]"
            }
        case let object as [String: Any]:
            if object.isEmpty {
                out += "{}"
                return
            }
            let keys = object.keys.sorted()
            guard let indent else {
                out += "{"
                for (k, key) in keys.enumerated() {
                    if k > 0 { out += "," }
                    out += quoted(key) + ":"
                    try write(object[key] as Any, into: &out, indent: nil)
                }
                out += "}"
                return
            }
            let inner = indent + 2
            out += "{\n"
            for (k, key) in keys.enumerated() {
                out += String(repeating: " ", count: inner) + quoted(key) + ": "
                try write(object[key] as Any, into: &out, indent: inner)
                out += k == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        default:
            throw InputError("JSON", "cannot write a value of type \(type(of: value))")
        }
    }

    /// The shortest decimal that reads back to `x` (`1e-300`, `0.1`, `3.0`).
    public static func number(_ x: Double) throws -> String {
        guard x.isFinite else {
            throw InputError("JSON", "the value \(x) is not a finite number and cannot be written as JSON")
        }
        return "\(x)"
    }

    /// JSON's escapes: the quote, the backslash, and every control character below U+0020
    /// (`\n`, `\r`, `\t` by name, the others as `\u00XX`).
    static let escapes: [Unicode.Scalar: String] = {
        var table: [Unicode.Scalar: String] = ["\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"]
        for value in UInt8(0)..<0x20 where table[Unicode.Scalar(value)] == nil {
            table[Unicode.Scalar(value)] = String(format: "\\u%04x", UInt32(value))
        }
        return table
    }()

    static func quoted(_ s: String) -> String { "\"" + s.escaped(by: escapes) + "\"" }
}
