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

    public func string(_ key: String) throws -> String? {
        guard let n = node(key) else { return nil }
        guard case .string(let s) = n.value else { throw typeError(key, n, "a string") }
        return s
    }

    public func string(_ key: String, default value: String) throws -> String { try string(key) ?? value }

    public func requireString(_ key: String) throws -> String {
        guard let s = try string(key) else { throw missing(key, "a string") }
        return s
    }

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
        guard let n = node(key) else { return nil }
        let v: Double
        switch n.value {
        case .float(let x): v = x
        case .integer(let i): v = Double(i)
        default: throw typeError(key, n, "a number")
        }
        guard v.isFinite else { throw InputError("\(file):\(n.line)", "\(name(key)) must be finite (got \(v))") }
        return v
    }

    public func double(_ key: String, default value: Double) throws -> Double { try double(key) ?? value }

    public func requireDouble(_ key: String) throws -> Double {
        guard let v = try double(key) else { throw missing(key, "a number") }
        return v
    }

    public func int(_ key: String) throws -> Int? {
        guard let n = node(key) else { return nil }
        guard case .integer(let i) = n.value else { throw typeError(key, n, "an integer") }
        return i
    }

    public func int(_ key: String, default value: Int) throws -> Int { try int(key) ?? value }

    public func requireInt(_ key: String) throws -> Int {
        guard let v = try int(key) else { throw missing(key, "an integer") }
        return v
    }

    public func bool(_ key: String) throws -> Bool? {
        guard let n = node(key) else { return nil }
        guard case .bool(let b) = n.value else { throw typeError(key, n, "true or false") }
        return b
    }

    // MARK: Arrays

    private func items(_ key: String) throws -> (TOMLNode, [TOMLNode])? {
        guard let n = node(key) else { return nil }
        guard case .array(let items) = n.value else { throw typeError(key, n, "an array") }
        return (n, items)
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

    public func requireDoubles(_ key: String) throws -> [Double] {
        guard let v = try doubles(key) else { throw missing(key, "an array of numbers") }
        return v
    }

    /// An array of integers.
    public func ints(_ key: String) throws -> [Int]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { i, n in
            guard case .integer(let v) = n.value else {
                throw InputError("\(file):\(n.line)", "\(name(key))[\(i)] must be an integer, not \(n.typeName)")
            }
            return v
        }
    }

    /// An array of arrays of finite numbers (rows may differ in length; callers check).
    public func doubleRows(_ key: String) throws -> [[Double]]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { i, row in
            guard case .array(let cells) = row.value else {
                throw InputError("\(file):\(row.line)", "\(name(key))[\(i)] must be an array, not \(row.typeName)")
            }
            return try cells.enumerated().map { try number($1, "\(name(key))[\(i)][\($0)]") }
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
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { i, n in
            guard case .string(let s) = n.value else {
                throw InputError("\(file):\(n.line)", "\(name(key))[\(i)] must be a string, not \(n.typeName)")
            }
            return s
        }
    }

    // MARK: Tables

    /// A sub-table (a `[header]` table, a dotted key or an inline table).
    public func section(_ key: String) throws -> TOMLSection? {
        guard let n = node(key) else { return nil }
        guard case .table(let t) = n.value else { throw typeError(key, n, "a table") }
        return TOMLSection(table: t, file: file, path: name(key))
    }

    public func requireSection(_ key: String) throws -> TOMLSection {
        guard let s = try section(key) else {
            throw InputError(location(), "missing table [\(name(key))]")
        }
        return s
    }

    /// An array of tables (`[[key]]`).
    public func sections(_ key: String) throws -> [TOMLSection]? {
        guard let (_, items) = try items(key) else { return nil }
        return try items.enumerated().map { i, n in
            guard case .table(let t) = n.value else {
                throw InputError("\(file):\(n.line)", "\(name(key))[\(i)] must be a table, not \(n.typeName)")
            }
            return TOMLSection(table: t, file: file, path: "\(name(key))[\(i)]")
        }
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
