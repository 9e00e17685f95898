import AdiabatCore
import Foundation

/// A TOML value with the line it was written on.
public struct TOMLNode: Sendable {
    public enum Value: Sendable {
        case string(String)
        case integer(Int)
        case float(Double)
        case bool(Bool)
        case array([TOMLNode])
        case table(TOMLTable)
    }

    public var value: Value
    /// 1-based line of the value (for tables: of their header).
    public var line: Int

    var typeName: String {
        switch value {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// A TOML table: keys in the order written, each with its node.
public final class TOMLTable: @unchecked Sendable {
    public private(set) var keys: [String] = []
    public private(set) var entries: [String: TOMLNode] = [:]
    /// Line of the header (or of the first key for the root / inline tables).
    public let line: Int
    /// True for tables created implicitly by a dotted key or a `[a.b]` header.
    var implicit: Bool
    /// True for `[header]` tables (may not be redefined).
    var explicitHeader = false
    var inline = false

    init(line: Int, implicit: Bool = false) {
        self.line = line
        self.implicit = implicit
    }

    public subscript(key: String) -> TOMLNode? { entries[key] }

    func set(_ key: String, _ node: TOMLNode) {
        if entries[key] == nil { keys.append(key) }
        entries[key] = node
    }
}

/// A TOML syntax error with its line.
public struct TOMLSyntaxError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
}

/// A parser for the TOML 1.0 used by problem files: tables, arrays of tables, dotted
/// keys, basic and literal strings (single- and multi-line), integers, floats (with `inf`
/// and `nan`, which validation then rejects where a finite number is needed), booleans,
/// arrays and inline tables. Dates and times are rejected with a clear message (no problem
/// key takes one). Every node keeps its line so that later errors can point at it.
public struct TOMLParser {
    private let file: String
    private let chars: [Character]
    private var pos = 0
    private var line = 1

    public static func parse(_ text: String, file: String) throws -> TOMLTable {
        var parser = TOMLParser(file: file, chars: Array(text))
        return try parser.document()
    }

    private init(file: String, chars: [Character]) {
        self.file = file
        self.chars = chars
    }

    private func fail(_ message: String, line: Int? = nil) -> TOMLSyntaxError {
        TOMLSyntaxError(file: file, line: line ?? self.line, message: message)
    }

    private var atEnd: Bool { pos >= chars.count }
    private var peek: Character? { pos < chars.count ? chars[pos] : nil }

    private mutating func advance() {
        if chars[pos] == "\n" { line += 1 }
        pos += 1
    }

    private mutating func skipSpaces() {
        while let c = peek, c == " " || c == "\t" { advance() }
    }

    private mutating func skipComment() {
        if peek == "#" { while let c = peek, c != "\n" { advance() } }
    }

    /// Skips whitespace, newlines and comments (inside arrays).
    private mutating func skipAll() {
        while let c = peek {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                advance()
            } else if c == "#" {
                skipComment()
            } else {
                break
            }
        }
    }

    private mutating func endOfLine() throws {
        skipSpaces()
        skipComment()
        if peek == "\r" { advance() }
        guard atEnd || peek == "\n" else {
            throw fail("unexpected '\(peek.map(String.init) ?? "")' after a value; put one key = value per line")
        }
        if !atEnd { advance() }
    }

    private mutating func document() throws -> TOMLTable {
        let root = TOMLTable(line: 1)
        var current = root
        while true {
            skipAll()
            guard let c = peek else { break }
            if c == "[" {
                let headerLine = line
                advance()
                let isArray = peek == "["
                if isArray { advance() }
                skipSpaces()
                let path = try keyPath()
                skipSpaces()
                guard peek == "]" else { throw fail("expected ']' to close the table header") }
                advance()
                if isArray {
                    guard peek == "]" else { throw fail("expected ']]' to close the array-of-tables header") }
                    advance()
                }
                try endOfLine()
                current = try isArray ? appendTableArray(root, path, headerLine) : defineTable(root, path, headerLine)
            } else {
                try keyValue(into: current)
                try endOfLine()
            }
        }
        return root
    }

    private mutating func descend(_ table: TOMLTable, _ key: String, _ at: Int) throws -> TOMLTable {
        if let node = table[key] {
            switch node.value {
            case .table(let t):
                if t.inline { throw fail("cannot extend inline table '\(key)'", line: at) }
                return t
            case .array(let items):
                if let last = items.last, case .table(let t) = last.value { return t }
                throw fail("'\(key)' is already a value (line \(node.line)), not a table", line: at)
            default:
                throw fail("'\(key)' is already a value (line \(node.line)), not a table", line: at)
            }
        }
        let t = TOMLTable(line: at, implicit: true)
        table.set(key, TOMLNode(value: .table(t), line: at))
        return t
    }

    /// The table that holds the last key of a dotted `path` (tables on the way are made as
    /// needed), and that key.
    private mutating func parent(of path: [String], in root: TOMLTable, _ at: Int) throws -> (TOMLTable, String) {
        var table = root
        for key in path.dropLast() { table = try descend(table, key, at) }
        return (table, path[path.count - 1])
    }

    private mutating func defineTable(_ root: TOMLTable, _ path: [String], _ at: Int) throws -> TOMLTable {
        let (table, last) = try parent(of: path, in: root, at)
        if let node = table[last] {
            guard case .table(let t) = node.value, !t.explicitHeader, !t.inline else {
                throw fail("table [\(path.joined(separator: "."))] is defined twice (first on line \(node.line))", line: at)
            }
            t.implicit = false
            t.explicitHeader = true
            return t
        }
        let t = TOMLTable(line: at)
        t.explicitHeader = true
        table.set(last, TOMLNode(value: .table(t), line: at))
        return t
    }

    private mutating func appendTableArray(_ root: TOMLTable, _ path: [String], _ at: Int) throws -> TOMLTable {
        let (table, last) = try parent(of: path, in: root, at)
        let t = TOMLTable(line: at)
        t.explicitHeader = true
        if let node = table[last] {
            guard case .array(var items) = node.value,
                items.allSatisfy({ if case .table = $0.value { return true } else { return false } })
            else {
                throw fail("'\(last)' is already defined (line \(node.line)) and is not an array of tables", line: at)
            }
            items.append(TOMLNode(value: .table(t), line: at))
            table.set(last, TOMLNode(value: .array(items), line: node.line))
        } else {
            table.set(last, TOMLNode(value: .array([TOMLNode(value: .table(t), line: at)]), line: at))
        }
        return t
    }

    private mutating func keyValue(into table: TOMLTable) throws {
        let at = line
        let path = try keyPath()
        skipSpaces()
        guard peek == "=" else { throw fail("expected '=' after key '\(path.joined(separator: "."))'") }
        advance()
        skipSpaces()
        let value = try parseValue()
        let (target, last) = try parent(of: path, in: table, at)
        if let existing = target[last] {
            throw fail("key '\(path.joined(separator: "."))' is defined twice (first on line \(existing.line))", line: at)
        }
        target.set(last, value)
    }

    private mutating func keyPath() throws -> [String] {
        var path: [String] = []
        while true {
            skipSpaces()
            path.append(try simpleKey())
            skipSpaces()
            if peek == "." {
                advance()
            } else {
                return path
            }
        }
    }

    private mutating func simpleKey() throws -> String {
        guard let c = peek else { throw fail("expected a key") }
        if c == "\"" || c == "'" { return try string(quote: c) }
        var key = ""
        while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "-" {
            key.append(c)
            advance()
        }
        if key.isEmpty { throw fail("expected a key, found '\(c)'") }
        return key
    }

    private mutating func parseValue() throws -> TOMLNode {
        let at = line
        guard let c = peek else { throw fail("expected a value") }
        switch c {
        case "\"", "'":
            let delimiter = String(repeating: c, count: 3)
            if matches(delimiter) { return TOMLNode(value: .string(try multilineString(delimiter)), line: at) }
            return TOMLNode(value: .string(try string(quote: c)), line: at)
        case "[":
            return TOMLNode(value: .array(try array()), line: at)
        case "{":
            return TOMLNode(value: .table(try inlineTable()), line: at)
        case "t", "f":
            if matches("true") {
                pos += 4
                return TOMLNode(value: .bool(true), line: at)
            }
            if matches("false") {
                pos += 5
                return TOMLNode(value: .bool(false), line: at)
            }
            throw fail("expected a value, found '\(token())'")
        default:
            return try number()
        }
    }

    private func matches(_ s: String) -> Bool {
        var i = pos
        for ch in s {
            guard i < chars.count, chars[i] == ch else { return false }
            i += 1
        }
        return true
    }

    private func token() -> String {
        var i = pos
        var s = ""
        while i < chars.count, !" \t\n\r,]}#".contains(chars[i]) {
            s.append(chars[i])
            i += 1
        }
        return s
    }

    private mutating func number() throws -> TOMLNode {
        let at = line
        let raw = token()
        guard !raw.isEmpty else { throw fail("expected a value") }
        pos += raw.count
        if raw.contains(":") || (raw.count >= 10 && raw.dropFirst(4).first == "-" && raw.first?.isNumber == true) {
            throw fail("dates and times are not used in problem files (got '\(raw)')", line: at)
        }
        let cleaned = raw.replacingOccurrences(of: "_", with: "")
        switch cleaned {
        case "inf", "+inf": return TOMLNode(value: .float(.infinity), line: at)
        case "-inf": return TOMLNode(value: .float(-.infinity), line: at)
        case "nan", "+nan", "-nan": return TOMLNode(value: .float(.nan), line: at)
        default: break
        }
        if let first = raw.first, first.isLetter {
            throw fail("'\(raw)' is not a number (strings need quotes)", line: at)
        }
        if raw.hasPrefix("_") || raw.hasSuffix("_") || raw.contains("__") {
            throw fail("'\(raw)' is not a valid number", line: at)
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where cleaned.hasPrefix(prefix) {
            guard let v = Int(cleaned.dropFirst(2), radix: radix) else { throw fail("'\(raw)' is not a valid integer", line: at) }
            return TOMLNode(value: .integer(v), line: at)
        }
        let isFloat = cleaned.contains(".") || cleaned.contains("e") || cleaned.contains("E")
        if !isFloat {
            guard let v = Int(cleaned) else {
                throw fail("'\(raw)' is not a number (strings need quotes)", line: at)
            }
            return TOMLNode(value: .integer(v), line: at)
        }
        let digits = cleaned.drop { $0 == "+" || $0 == "-" }
        guard let first = digits.first, first.isNumber, let v = Double(cleaned), cleaned.last?.isNumber == true else {
            throw fail("'\(raw)' is not a valid number", line: at)
        }
        return TOMLNode(value: .float(v), line: at)
    }

    private mutating func array() throws -> [TOMLNode] {
        advance()  // [
        var items: [TOMLNode] = []
        while true {
            skipAll()
            guard let c = peek else { throw fail("unterminated array: missing ']'") }
            if c == "]" {
                advance()
                return items
            }
            items.append(try parseValue())
            skipAll()
            if atEnd { throw fail("unterminated array: missing ']'") }
            if peek == "," {
                advance()
            } else if peek == "]" {
                continue
            } else {
                throw fail("expected ',' or ']' in array")
            }
        }
    }

    private mutating func inlineTable() throws -> TOMLTable {
        let table = TOMLTable(line: line)
        table.inline = true
        advance()  // {
        skipSpaces()
        if peek == "}" {
            advance()
            return table
        }
        while true {
            skipSpaces()
            try keyValue(into: table)
            skipSpaces()
            if peek == "," {
                advance()
            } else if peek == "}" {
                advance()
                return table
            } else {
                throw fail("expected ',' or '}' in inline table (inline tables must fit on one line)")
            }
        }
    }

    /// A one-line string from its opening quote: basic (`"`, with escapes) or literal (`'`).
    private mutating func string(quote: Character) throws -> String {
        advance()  // the opening quote
        var s = ""
        while true {
            guard let c = peek, c != "\n" else { throw fail("unterminated string") }
            advance()
            if c == quote { return s }
            if c == "\\" && quote == "\"" { s.append(try escape()) } else { s.append(c) }
        }
    }

    private mutating func escape() throws -> Character {
        guard let e = peek else { throw fail("unterminated escape") }
        advance()
        switch e {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let n = e == "u" ? 4 : 8
            var hex = ""
            for _ in 0..<n {
                guard let h = peek else { throw fail("short unicode escape") }
                hex.append(h)
                advance()
            }
            guard let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) else {
                throw fail("invalid unicode escape \\\(e)\(hex)")
            }
            return Character(scalar)
        default:
            throw fail("invalid escape '\\\(e)' in string")
        }
    }

    /// A multi-line string from its opening delimiter (`"""` basic, `'''` literal); a newline
    /// right after the delimiter is dropped. Basic strings take escapes, and in them a backslash
    /// before white space or a line end drops all white space up to the next text.
    private mutating func multilineString(_ delimiter: String) throws -> String {
        let basic = delimiter.first == "\""
        pos += 3
        if peek == "\n" { advance() }
        var s = ""
        while true {
            guard let c = peek else { throw fail("unterminated multi-line string") }
            if matches(delimiter) {
                pos += 3
                return s
            }
            advance()
            if basic && c == "\\" {
                if let n = peek, n == "\n" || n == " " || n == "\t" {
                    skipAll()
                } else {
                    s.append(try escape())
                }
            } else {
                s.append(c)
            }
        }
    }
}

extension TOMLSyntaxError: AdiabatError {}
