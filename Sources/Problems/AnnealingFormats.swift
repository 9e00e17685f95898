import AdiabatCore
import Foundation
import Quantum

/// Reading and writing the annealing problem formats of the D-Wave ecosystem.
///
/// - dimod COO text (`.coo`): one `u v bias` line per term, `u = v` for a linear bias,
///   optional `# vartype=SPIN|BINARY` header; labels are non-negative integers.
/// - dimod BQM serializable JSON (`.json`, `bqm_schema` 3.0.0, as written by
///   `bqm.to_serializable()`), with `use_bytes` false or true.
/// - qbsolv `.qubo`: `c` comment lines, one `p qubo topology maxNodes nNodes nCouplers`
///   line, then `nNodes` lines `i i weight` and `nCouplers` lines `i j weight` (`i < j`).
///
/// Every malformed file raises an ``InputError`` at `file:line` saying what is wrong.
public enum AnnealingFormats {
    // MARK: Dispatch

    /// Reads a `.coo`, `.json` or `.qubo` file (by extension). `vartype` is needed for a COO
    /// file without a header (and must agree with one if present).
    public static func read(_ url: URL, vartype: Vartype? = nil) throws -> BinaryQuadraticModel {
        let text = try readText(url)
        switch url.pathExtension.lowercased() {
        case "coo": return try parseCOO(text, file: url.path, vartype: vartype)
        case "json": return try parseJSON(text, file: url.path)
        case "qubo": return try parseQUBO(text, file: url.path)
        default:
            throw InputError(url.path, "unknown annealing file type '.\(url.pathExtension)'", hint: "use .coo, .json or .qubo")
        }
    }

    static func readText(_ url: URL, what: String = "annealing file") throws -> String {
        try InputFile.readText(url, what: what)
    }

    /// A finite number, or an error naming the line.
    static func number(_ token: Substring, _ file: String, _ line: Int, _ what: String) throws -> Double {
        guard let v = Double(token), v.isFinite else {
            throw InputError("\(file):\(line)", "\(what) '\(token)' is not a finite number")
        }
        return v
    }

    static func integer(_ token: Substring, _ file: String, _ line: Int, _ what: String) throws -> Int {
        guard let v = Int(token) else {
            throw InputError("\(file):\(line)", "\(what) '\(token)' is not an integer")
        }
        return v
    }

    // MARK: COO

    /// Parses dimod COO text.
    public static func parseCOO(_ text: String, file: String, vartype given: Vartype? = nil) throws -> BinaryQuadraticModel {
        var vartype = given
        var terms: [(Int, Int, Double, Int)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if content.isEmpty { continue }
            if content.hasPrefix("#") {
                if let range = content.range(of: "vartype", options: .caseInsensitive) {
                    var rest = content[range.upperBound...].drop { $0 == " " || $0 == "\t" }
                    guard let sep = rest.first, sep == "=" || sep == ":" else {
                        throw InputError(
                            "\(file):\(line)", "bad header '\(content)'", hint: "write '# vartype=SPIN' or '# vartype=BINARY'")
                    }
                    rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                    let word = rest.prefix { !$0.isWhitespace }.uppercased()
                    guard let header = Vartype(rawValue: word) else {
                        throw InputError("\(file):\(line)", "bad header: vartype '\(word)' is neither SPIN nor BINARY")
                    }
                    if let v = vartype, v != header {
                        throw InputError(
                            "\(file):\(line)", "the header says vartype=\(header.rawValue) but \(v.rawValue) was requested",
                            hint: "drop the vartype setting or fix the header")
                    }
                    vartype = header
                }
                continue
            }
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 3 else {
                throw InputError("\(file):\(line)", "expected 'u v bias' (3 fields), found \(fields.count): '\(content)'")
            }
            let u = try label(fields[0], file, line)
            let v = try label(fields[1], file, line)
            let bias = try number(fields[2], file, line, "bias")
            terms.append((u, v, bias, line))
        }
        guard let vt = vartype else {
            throw InputError(
                "\(file):1", "no vartype: the COO file has no '# vartype=SPIN|BINARY' header",
                hint: "add the header, or set vartype in a TOML problem file")
        }
        let variables = Array(Set(terms.flatMap { [$0.0, $0.1] })).sorted()
        guard !variables.isEmpty else { throw InputError("\(file):1", "the file defines no terms") }
        var index: [Int: Int] = [:]
        for (i, v) in variables.enumerated() { index[v] = i }
        var linear = [Double](repeating: 0, count: variables.count)
        var quadratic: [Coupling] = []
        for (u, v, bias, _) in terms {
            // safe: every label was inserted above
            let iu = index[u] ?? 0
            let iv = index[v] ?? 0
            if u == v { linear[iu] += bias } else { quadratic.append(Coupling(iu, iv, bias)) }
        }
        return try BinaryQuadraticModel(labels: variables.map(String.init), vartype: vt, linear: linear, quadratic: quadratic)
    }

    /// COO labels are non-negative integers (dimod's rule); a large label would allocate
    /// nothing here, but we refuse labels above 2³¹ as certainly broken.
    private static func label(_ token: Substring, _ file: String, _ line: Int) throws -> Int {
        guard let v = Int(token) else {
            throw InputError(
                "\(file):\(line)", "variable label '\(token)' is not an integer", hint: "COO labels are non-negative integers")
        }
        guard v >= 0, v < 1 << 31 else {
            throw InputError("\(file):\(line)", "variable label \(v) is out of range (COO labels are 0 … 2³¹−1)")
        }
        return v
    }

    /// Writes dimod COO text with a vartype header. Labels must be non-negative integers.
    /// Biases are written in plain decimal notation (dimod's reader accepts no exponent)
    /// with enough digits to read back the same double.
    public static func writeCOO(_ model: BinaryQuadraticModel) throws -> String {
        let numeric = try model.labels.map { label -> Int in
            guard let v = Int(label), v >= 0 else {
                throw InputError(
                    "COO", "label '\(label)' is not a non-negative integer; COO needs integer labels", hint: "write JSON instead")
            }
            return v
        }
        var lines = ["# vartype=\(model.vartype.rawValue)"]
        var entries: [(Int, Int, Double)] = []
        for (i, bias) in model.linear.enumerated() where bias != 0 { entries.append((numeric[i], numeric[i], bias)) }
        for c in model.quadratic {
            let (a, b) = (numeric[c.i], numeric[c.j])
            entries.append((min(a, b), max(a, b), c.value))
        }
        entries.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        for (u, v, bias) in entries { lines.append("\(u) \(v) \(plainDecimal(bias))") }
        if model.offset != 0 {
            lines.insert("# offset=\(plainDecimal(model.offset)) (not part of the COO format; dimod ignores it)", at: 1)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A decimal without exponent that reads back to the same double.
    public static func plainDecimal(_ x: Double) -> String {
        let shortest = "\(x)"
        if !shortest.contains("e") && !shortest.contains("E") { return shortest }
        let magnitude = x == 0 ? 0 : Int(floor(log10(abs(x))))
        let digits = max(1, min(340, 17 - magnitude))
        var s = String(format: "%.\(digits)f", x)
        while s.contains(".") && (s.hasSuffix("0")) { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    // MARK: JSON

    /// Parses dimod's BQM serializable JSON (`bqm_schema` 3.0.0).
    public static func parseJSON(_ text: String, file: String) throws -> BinaryQuadraticModel {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? error.localizedDescription
            var line = 1
            if let r = detail.range(of: "line "), let n = Int(detail[r.upperBound...].prefix { $0.isNumber }) {
                line = n
            } else if let r = detail.range(of: "character "), let n = Int(detail[r.upperBound...].prefix { $0.isNumber }) {
                line = 1 + Array(text.utf8.prefix(n)).filter { $0 == UInt8(ascii: "\n") }.count
            }
            throw InputError("\(file):\(line)", "bad JSON: \(detail)")
        }
        func lineOf(_ key: String) -> Int {
            guard let r = text.range(of: "\"\(key)\"") else { return 1 }
            return text[..<r.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        }
        func fail(_ key: String, _ message: String, hint: String = "") -> InputError {
            InputError("\(file):\(lineOf(key))", message, hint: hint)
        }
        guard let root = object as? [String: Any] else {
            throw InputError("\(file):1", "bad header: the top level must be a JSON object (a dimod BQM)")
        }
        if let type = root["type"] as? String, type != "BinaryQuadraticModel" {
            throw fail("type", "bad header: type is '\(type)', expected 'BinaryQuadraticModel'")
        }
        if let basetype = root["basetype"] as? String, basetype != "BinaryQuadraticModel" {
            throw fail("basetype", "bad header: basetype is '\(basetype)', expected 'BinaryQuadraticModel'")
        }
        guard let version = root["version"] as? [String: Any], let schema = version["bqm_schema"] as? String else {
            throw fail(
                "version", "bad header: missing version.bqm_schema", hint: "write the file with dimod's bqm.to_serializable()")
        }
        guard schema.hasPrefix("3.") else {
            throw fail("bqm_schema", "bad header: bqm_schema \(schema) is not supported (only 3.x)")
        }
        guard let vtName = root["variable_type"] as? String, let vartype = Vartype(rawValue: vtName.uppercased()) else {
            throw fail("variable_type", "bad header: variable_type must be \"SPIN\" or \"BINARY\"")
        }
        guard let rawLabels = root["variable_labels"] as? [Any] else {
            throw fail("variable_labels", "missing or malformed variable_labels (an array)")
        }
        let labels = try rawLabels.enumerated().map { i, value -> String in
            if let s = value as? String { return s }
            if let n = value as? NSNumber {
                let d = n.doubleValue
                if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
                return "\(d)"
            }
            if value is [Any], let data = try? JSONSerialization.data(withJSONObject: value),
                let s = String(data: data, encoding: .utf8)
            {
                return s
            }
            throw fail("variable_labels", "variable_labels[\(i)] is not a string, number or list")
        }
        let offset: Double
        if let n = root["offset"] as? NSNumber {
            offset = n.doubleValue
        } else if root["offset"] == nil {
            offset = 0
        } else {
            throw fail("offset", "bad number: offset is not a number")
        }
        guard offset.isFinite else { throw fail("offset", "bad number: offset is not finite") }
        let useBytes = (root["use_bytes"] as? Bool) ?? false
        let biasType = (root["bias_type"] as? String) ?? "float64"
        let indexType = (root["index_type"] as? String) ?? "int32"
        func doubles(_ key: String) throws -> [Double] {
            guard let raw = root[key] else { throw fail(key, "missing key '\(key)'") }
            if useBytes {
                guard let s = raw as? String, let data = Data(base64Encoded: s) else {
                    throw fail(key, "bad number: \(key) is not base64 data although use_bytes is true")
                }
                return try decode(data, type: biasType, key: key, fail: fail).map { $0 }
            }
            guard let list = raw as? [Any] else { throw fail(key, "\(key) must be an array of numbers") }
            return try list.enumerated().map { i, v in
                guard let n = v as? NSNumber, !isJSONBoolean(v), n.doubleValue.isFinite else {
                    throw fail(key, "bad number: \(key)[\(i)] = \(v) is not a finite number")
                }
                return n.doubleValue
            }
        }
        func indices(_ key: String) throws -> [Int] {
            guard let raw = root[key] else { throw fail(key, "missing key '\(key)'") }
            if useBytes {
                guard let s = raw as? String, let data = Data(base64Encoded: s) else {
                    throw fail(key, "\(key) is not base64 data although use_bytes is true")
                }
                return try decode(data, type: indexType, key: key, fail: fail).map { value in
                    guard value == value.rounded(), abs(value) < 1e15 else {
                        throw fail(key, "bad number: \(key) holds \(value)")
                    }
                    return Int(value)
                }
            }
            guard let list = raw as? [Any] else { throw fail(key, "\(key) must be an array of integers") }
            return try list.enumerated().map { i, v in
                guard let n = v as? NSNumber, !isJSONBoolean(v), n.doubleValue == n.doubleValue.rounded(),
                    abs(n.doubleValue) < 1e15
                else {
                    throw fail(key, "bad number: \(key)[\(i)] = \(v) is not an integer")
                }
                return Int(n.doubleValue)
            }
        }
        let linear = try doubles("linear_biases")
        let biases = try doubles("quadratic_biases")
        let head = try indices("quadratic_head")
        let tail = try indices("quadratic_tail")
        let n = labels.count
        if let declared = root["num_variables"] as? NSNumber, declared.intValue != n {
            throw fail("num_variables", "wrong count: num_variables is \(declared.intValue) but variable_labels has \(n)")
        }
        guard linear.count == n else {
            throw fail("linear_biases", "wrong count: linear_biases has \(linear.count) values for \(n) variables")
        }
        guard head.count == biases.count, tail.count == biases.count else {
            throw fail(
                "quadratic_head",
                "wrong count: quadratic_head (\(head.count)), quadratic_tail (\(tail.count)) and quadratic_biases (\(biases.count)) must have equal length"
            )
        }
        if let declared = root["num_interactions"] as? NSNumber, declared.intValue != biases.count {
            throw fail(
                "num_interactions", "wrong count: num_interactions is \(declared.intValue) but \(biases.count) biases are listed")
        }
        for (key, list) in [("quadratic_head", head), ("quadratic_tail", tail)] {
            if let i = list.firstIndex(where: { $0 < 0 || $0 >= n }) {
                throw fail(key, "label out of range: \(key)[\(i)] = \(list[i]) but there are \(n) variables (indices 0…\(n - 1))")
            }
        }
        if let i = (0..<head.count).first(where: { head[$0] == tail[$0] }) {
            throw fail("quadratic_head", "quadratic term \(i) couples variable \(head[i]) to itself")
        }
        let couplings = (0..<biases.count).map { Coupling(head[$0], tail[$0], biases[$0]) }
        do {
            return try BinaryQuadraticModel(
                labels: labels, vartype: vartype, linear: linear, quadratic: couplings, offset: offset)
        } catch let e as InputError {
            throw InputError("\(file):1", "\(e.location): \(e.message)", hint: e.hint)
        }
    }

    /// JSON `true`/`false` arrive as NSNumber too; they are not numbers here.
    private static func isJSONBoolean(_ value: Any) -> Bool {
        value is Bool && String(describing: type(of: value)).contains("Boolean")
    }

    private static func decode(_ data: Data, type: String, key: String, fail: (String, String, String) -> InputError) throws
        -> [Double]
    {
        let bytes = [UInt8](data)
        func read<T>(_: T.Type, _ convert: (T) -> Double) throws -> [Double] {
            let size = MemoryLayout<T>.size
            guard bytes.count % size == 0 else {
                throw fail(key, "wrong count: \(bytes.count) bytes is not a whole number of \(type)", "")
            }
            return bytes.withUnsafeBytes { raw in
                (0..<(bytes.count / size)).map { convert(raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
            }
        }
        switch type {
        case "float64": return try read(Double.self) { $0 }
        case "float32": return try read(Float.self) { Double($0) }
        case "int8": return try read(Int8.self) { Double($0) }
        case "int16": return try read(Int16.self) { Double($0) }
        case "int32": return try read(Int32.self) { Double($0) }
        case "int64": return try read(Int64.self) { Double($0) }
        case "uint8": return try read(UInt8.self) { Double($0) }
        case "uint16": return try read(UInt16.self) { Double($0) }
        case "uint32": return try read(UInt32.self) { Double($0) }
        case "uint64": return try read(UInt64.self) { Double($0) }
        default: throw fail(key, "bad header: unknown dtype '\(type)'", "")
        }
    }

    /// Writes dimod's BQM serializable JSON (schema 3.0.0, `use_bytes` false). Labels that
    /// are decimal integers are written as JSON integers.
    public static func writeJSON(_ model: BinaryQuadraticModel) throws -> String {
        let labels: [Any] = model.labels.map { Int($0).map { $0 as Any } ?? $0 }
        let root: [String: Any] = [
            "type": "BinaryQuadraticModel",
            "version": ["bqm_schema": "3.0.0"],
            "use_bytes": false,
            "index_type": "int32",
            "bias_type": "float64",
            "num_variables": model.variableCount,
            "num_interactions": model.quadratic.count,
            "variable_labels": labels,
            "variable_type": model.vartype.rawValue,
            "offset": model.offset,
            "info": [String: Any](),
            "linear_biases": model.linear,
            "quadratic_biases": model.quadratic.map(\.value),
            "quadratic_head": model.quadratic.map(\.i),
            "quadratic_tail": model.quadratic.map(\.j),
        ]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: qbsolv

    /// Parses a qbsolv `.qubo` file. The variables are the node numbers that occur (in node
    /// or coupler lines), sorted, labelled by their numbers.
    public static func parseQUBO(_ text: String, file: String) throws -> BinaryQuadraticModel {
        var header: (maxNodes: Int, nodes: Int, couplers: Int, line: Int)? = nil
        var nodeLines: [(Int, Double)] = []
        var couplerLines: [(Int, Int, Double)] = []
        var seenNodes = Set<Int>()
        var seenCouplers = Set<Int>()
        var lastLine = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if content.isEmpty || content.hasPrefix("c") { continue }
            lastLine = line
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.first == "p" {
                guard header == nil else { throw InputError("\(file):\(line)", "bad header: a second 'p' line") }
                guard fields.count == 6, fields[1] == "qubo" else {
                    throw InputError(
                        "\(file):\(line)", "bad header '\(content)'", hint: "expected 'p qubo topology maxNodes nNodes nCouplers'"
                    )
                }
                let maxNodes = try integer(fields[3], file, line, "maxNodes")
                let nodes = try integer(fields[4], file, line, "nNodes")
                let couplers = try integer(fields[5], file, line, "nCouplers")
                guard maxNodes > 0, nodes >= 0, couplers >= 0 else {
                    throw InputError("\(file):\(line)", "bad header: maxNodes must be positive and the counts non-negative")
                }
                guard nodes <= maxNodes else {
                    throw InputError("\(file):\(line)", "bad header: nNodes = \(nodes) exceeds maxNodes = \(maxNodes)")
                }
                header = (maxNodes, nodes, couplers, line)
                continue
            }
            guard let h = header else {
                throw InputError(
                    "\(file):\(line)", "bad header: data before the 'p qubo …' line", hint: "the program line comes first")
            }
            guard fields.count == 3 else {
                throw InputError("\(file):\(line)", "expected 'i j weight' (3 fields), found \(fields.count)")
            }
            let i = try integer(fields[0], file, line, "node")
            let j = try integer(fields[1], file, line, "node")
            let w = try number(fields[2], file, line, "weight")
            for node in [i, j] where node < 0 || node >= h.maxNodes {
                throw InputError(
                    "\(file):\(line)",
                    "label out of range: node \(node) is outside 0…\(h.maxNodes - 1) (maxNodes = \(h.maxNodes))")
            }
            if i == j {
                guard couplerLines.isEmpty else {
                    throw InputError(
                        "\(file):\(line)", "node line '\(content)' after the coupler lines",
                        hint: "list the nNodes node lines first")
                }
                guard seenNodes.insert(i).inserted else { throw InputError("\(file):\(line)", "duplicate node \(i)") }
                nodeLines.append((i, w))
            } else {
                guard i < j else {
                    throw InputError("\(file):\(line)", "coupler \(i) \(j) must be written with i < j (\(j) \(i))")
                }
                guard seenCouplers.insert(i * h.maxNodes + j).inserted else {
                    throw InputError("\(file):\(line)", "duplicate coupler \(i) \(j)")
                }
                couplerLines.append((i, j, w))
            }
        }
        guard let h = header else {
            throw InputError("\(file):1", "bad header: no 'p qubo topology maxNodes nNodes nCouplers' line")
        }
        guard nodeLines.count == h.nodes else {
            throw InputError(
                "\(file):\(max(lastLine, h.line))",
                "wrong count: the header (line \(h.line)) declares \(h.nodes) nodes but \(nodeLines.count) node lines follow")
        }
        guard couplerLines.count == h.couplers else {
            throw InputError(
                "\(file):\(max(lastLine, h.line))",
                "wrong count: the header (line \(h.line)) declares \(h.couplers) couplers but \(couplerLines.count) coupler lines follow"
            )
        }
        let variables = Array(seenNodes.union(couplerLines.flatMap { [$0.0, $0.1] })).sorted()
        guard !variables.isEmpty else { throw InputError("\(file):\(h.line)", "the problem has no nodes") }
        var index: [Int: Int] = [:]
        for (k, v) in variables.enumerated() { index[v] = k }
        var linear = [Double](repeating: 0, count: variables.count)
        for (i, w) in nodeLines { linear[index[i] ?? 0] = w }  // safe: every node is in the index
        let quadratic = couplerLines.map { Coupling(index[$0.0] ?? 0, index[$0.1] ?? 0, $0.2) }
        return try BinaryQuadraticModel(
            labels: variables.map(String.init), vartype: .binary, linear: linear, quadratic: quadratic)
    }

    /// Writes a qbsolv `.qubo` file (the model converted to BINARY; integer labels). The
    /// offset has no place in the format and is written as a comment.
    public static func writeQUBO(_ model: BinaryQuadraticModel) throws -> String {
        let q = model.converted(to: .binary)
        let numeric = try q.labels.map { label -> Int in
            guard let v = Int(label), v >= 0 else { throw InputError(".qubo", "label '\(label)' is not a non-negative integer") }
            return v
        }
        let maxNodes = (numeric.max() ?? 0) + 1
        var lines = ["c written by adiabat", "c offset \(plainDecimal(q.offset))"]
        lines.append("p qubo 0 \(maxNodes) \(q.variableCount) \(q.quadratic.count)")
        for (i, w) in q.linear.enumerated() { lines.append("\(numeric[i]) \(numeric[i]) \(plainDecimal(w))") }
        for c in q.quadratic {
            let (a, b) = (numeric[c.i], numeric[c.j])
            lines.append("\(min(a, b)) \(max(a, b)) \(plainDecimal(c.value))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: CSV tables

    /// Reads numeric CSV rows with at least `columns` fields (extra columns ignored). `#`
    /// comments and blank lines are skipped; one non-numeric first row is a header.
    public static func readCSV(_ url: URL, columns: Int, what: String) throws -> [[Double]] {
        try parseCSV(try readText(url, what: what), file: url.path, columns: columns, what: what)
    }

    public static func parseCSV(_ text: String, file: String, columns: Int, what: String) throws -> [[Double]] {
        var rows: [[Double]] = []
        var sawData = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.trimmingCharacters(in: .whitespaces.union(.init(charactersIn: "\r")))
            if content.isEmpty || content.hasPrefix("#") { continue }
            let fields = content.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if !sawData && Double(fields[0]) == nil {
                sawData = true  // header row
                continue
            }
            sawData = true
            guard fields.count >= columns else {
                throw InputError("\(file):\(line)", "a \(what) row needs \(columns) columns, found \(fields.count)")
            }
            rows.append(try (0..<columns).map { try number(Substring(fields[$0]), file, line, "value") })
        }
        guard !rows.isEmpty else { throw InputError("\(file):1", "the \(what) has no rows") }
        return rows
    }
}
