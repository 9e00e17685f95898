import AdiabatCore
import Foundation

/// Typed, validated reading of one TOML table, with errors that give `file:line`.
///
/// Each getter marks its key as known; ``finish()`` then rejects every key that no getter
/// asked for, naming it, its line and the keys that are allowed (a typo must never silently
/// change the physics).
public final class TOMLSection {
    public let file: String
    /// Dotted path of this table (`""` for the root).
    public let path: String
    public let table: TOMLTable
    private var known: [String] = []

    public init(table: TOMLTable, file: String, path: String = "") {
        self.table = table
        self.file = file
        self.path = path
    }

    /// Parses a whole file.
    public static func load(contentsOf url: URL) throws -> TOMLSection {
        let text = try InputFile.readText(url, what: "problem file")
        return try parse(text, file: url.path)
    }

    /// Parses TOML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> TOMLSection {
        do {
            return TOMLSection(table: try TOMLParser.parse(text, file: file), file: file)
        } catch let error as TOMLSyntaxError {
            throw InputError("\(error.file):\(error.line)", error.message)
        }
    }

    private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The `file:line` location of a key (or of this table when the key is absent).
    public func location(_ key: String? = nil) -> String {
        if let key, let node = table[key] { return "\(file):\(node.line)" }
        return "\(file):\(table.line)"
    }

    /// An error at a key, naming it.
    public func error(_ key: String, _ message: String, hint: String = "") -> InputError {
        InputError(location(key), "\(name(key)) \(message)", hint: hint)
    }

    private func node(_ key: String) -> TOMLNode? {
        if !known.contains(key) { known.append(key) }
        return table[key]
    }

    public func has(_ key: String) -> Bool {
        if !known.contains(key) { known.append(key) }
        return table[key] != nil
    }

    private func typeError(_ key: String, _ node: TOMLNode, _ expected: String) -> InputError {
        InputError("\(file):\(node.line)", "\(name(key)) must be \(expected), not \(node.typeName)")
    }

    // MARK: Scalars

    /// The value at `key` as `read` takes it, nil when the key is absent; a value `read` turns
    /// down (nil) is an error that says the key must be `expected`.
    private func scalar<T>(_ key: String, _ expected: String, _ read: (TOMLNode.Value) -> T?) throws -> T? {
        guard let n = node(key) else { return nil }
        guard let v = read(n.value) else { throw typeError(key, n, expected) }
        return v
    }

    /// `value`, or the error that the key (`expected`) is missing.
    private func required<T>(_ key: String, _ expected: String, _ value: T?) throws -> T {
        guard let value else { throw missing(key, expected) }
        return value
    }

    public func string(_ key: String) throws -> String? {
        try scalar(key, "a string") { if case .string(let s) = $0 { s } else { nil } }
    }

    public func string(_ key: String, default value: String) throws -> String { try string(key) ?? value }

    public func requireString(_ key: String) throws -> String { try required(key, "a string", string(key)) }

    /// A string from a fixed set; the error lists the choices.
    public func choice(_ key: String, _ choices: [String], default value: String? = nil) throws -> String? {
        guard let s = try string(key) else { return value }
        guard choices.contains(s) else {
            throw error(key, "is \"\(s)\"; expected one of: \(choices.joined(separator: ", "))")
        }
        return s
    }

    /// A finite number (integers are accepted).
    public func double(_ key: String) throws -> Double? {
        let number = try scalar(key, "a number") { value -> Double? in
            switch value {
            case .float(let x): x
            case .integer(let i): Double(i)
            default: nil
            }
        }
        guard let v = number else { return nil }
        guard v.isFinite else { throw error(key, "must be finite (got \(v))") }
        return v
    }

    public func double(_ key: String, default value: Double) throws -> Double { try double(key) ?? value }

    public func requireDouble(_ key: String) throws -> Double { try required(key, "a number", double(key)) }

    public func int(_ key: String) throws -> Int? {
        try scalar(key, "an integer") { if case .integer(let i) = $0 { i } else { nil } }
    }

    public func int(_ key: String, default value: Int) throws -> Int { try int(key) ?? value }

    public func requireInt(_ key: String) throws -> Int { try required(key, "an integer", int(key)) }

    public func bool(_ key: String) throws -> Bool? {
        try scalar(key, "true or false") { if case .bool(let b) = $0 { b } else { nil } }
    }

    // MARK: Arrays

    private func items(_ key: String) throws -> (TOMLNode, [TOMLNode])? {
        guard let n = node(key) else { return nil }
        guard case .array(let items) = n.value else { throw typeError(key, n, "an array") }
        return (n, items)
    }

    /// The array at `key` with every element as `read` takes it, nil when the key is absent;
    /// an element `read` turns down is an error at its own line (`key[i] must be expected`).
    private func elements<T>(_ key: String, _ expected: String, _ read: (TOMLNode.Value) -> T?) throws -> [T]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { i, n in
            guard let v = read(n.value) else {
                throw InputError("\(file):\(n.line)", "\(name(key))[\(i)] must be \(expected), not \(n.typeName)")
            }
            return v
        }
    }

    private func number(_ node: TOMLNode, _ label: String) throws -> Double {
        switch node.value {
        case .float(let x) where x.isFinite: return x
        case .integer(let i): return Double(i)
        case .float(let x): throw InputError("\(file):\(node.line)", "\(label) must be finite (got \(x))")
        default: throw InputError("\(file):\(node.line)", "\(label) must be a number, not \(node.typeName)")
        }
    }

    /// An array of finite numbers.
    public func doubles(_ key: String) throws -> [Double]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { try number($1, "\(name(key))[\($0)]") }
    }

    public func requireDoubles(_ key: String) throws -> [Double] { try required(key, "an array of numbers", doubles(key)) }

    /// An array of integers.
    public func ints(_ key: String) throws -> [Int]? {
        try elements(key, "an integer") { if case .integer(let v) = $0 { v } else { nil } }
    }

    /// An array of arrays of finite numbers (rows may differ in length; callers check).
    public func doubleRows(_ key: String) throws -> [[Double]]? {
        let rows = try elements(key, "an array") { if case .array(let cells) = $0 { cells } else { nil } }
        return try rows?.enumerated().map { i, cells in
            try cells.enumerated().map { try number($1, "\(name(key))[\(i)][\($0)]") }
        }
    }

    /// An array of matrices (array of arrays of arrays of numbers).
    public func doubleMatrices(_ key: String) throws -> [[[Double]]]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { k, matrix in
            guard case .array(let rows) = matrix.value else {
                throw InputError("\(file):\(matrix.line)", "\(name(key))[\(k)] must be a matrix (array of rows)")
            }
            return try rows.enumerated().map { i, row in
                guard case .array(let cells) = row.value else {
                    throw InputError("\(file):\(row.line)", "\(name(key))[\(k)][\(i)] must be an array of numbers")
                }
                return try cells.enumerated().map { try number($1, "\(name(key))[\(k)][\(i)][\($0)]") }
            }
        }
    }

    /// An array of strings.
    public func strings(_ key: String) throws -> [String]? {
        try elements(key, "a string") { if case .string(let s) = $0 { s } else { nil } }
    }

    // MARK: Tables

    /// A sub-table (a `[header]` table, a dotted key or an inline table).
    public func section(_ key: String) throws -> TOMLSection? {
        let table = try scalar(key, "a table") { if case .table(let t) = $0 { t } else { nil } }
        return table.map { TOMLSection(table: $0, file: file, path: name(key)) }
    }

    public func requireSection(_ key: String) throws -> TOMLSection {
        guard let s = try section(key) else {
            throw InputError(location(), "missing table [\(name(key))]")
        }
        return s
    }

    /// An array of tables (`[[key]]`).
    public func sections(_ key: String) throws -> [TOMLSection]? {
        let tables = try elements(key, "a table") { if case .table(let t) = $0 { t } else { nil } }
        return tables?.enumerated().map { TOMLSection(table: $1, file: file, path: "\(name(key))[\($0)]") }
    }

    /// Rejects any table of this section (a `[header]`, an inline or a dotted-key table) whose
    /// name is neither in `allowed` nor already asked for, with its own line:
    /// `file:line: unknown table [landscap]; allowed tables: landscape, grid, diffusion`.
    /// Call it before the first ``requireSection(_:)``, so that a misspelt header is named as
    /// such rather than reported as a missing table.
    public func checkTables(allowed: [String]) throws {
        var names = allowed
        for key in known where !names.contains(key) {
            if let n = table[key], case .table = n.value { names.append(key) }
        }
        let unknown = table.keys.filter { key in
            guard !names.contains(key), let n = table[key], case .table = n.value else { return false }
            return true
        }
        guard let first = unknown.min(by: { (table[$0]?.line ?? 0) < (table[$1]?.line ?? 0) }) else { return }
        throw InputError(
            location(first), "unknown table [\(name(first))]",
            hint: "allowed tables: \(names.map { "[\(name($0))]" }.joined(separator: ", "))")
    }

    /// Rejects any key not asked for by a getter, naming it and the allowed keys.
    public func finish() throws {
        for key in table.keys where !known.contains(key) {
            let allowed = known.isEmpty ? "none" : known.joined(separator: ", ")
            throw InputError(
                location(key), "unknown key '\(name(key))'",
                hint: "allowed here: \(allowed) (a misspelt key would silently change the problem)")
        }
    }

    private func missing(_ key: String, _ what: String) -> InputError {
        let here = path.isEmpty ? "" : " in [\(path)]"
        return InputError(location(), "missing key '\(key)'\(here) (\(what))")
    }
}
