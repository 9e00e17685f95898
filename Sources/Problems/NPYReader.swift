import AdiabatCore
import Foundation
import ZIPFoundation

/// One array read from a NumPy `.npy` file or an `.npz` member, converted to `Double`, in C
/// order (last axis fastest) whatever the file's order.
public struct NumPyArray: Sendable, Equatable {
    /// The array's shape (`[]` for a 0-d scalar).
    public var shape: [Int]
    /// The elements in C order.
    public var values: [Double]
    /// The file's `descr` (`<f8`, `<f4`, `>f8`, …).
    public var descr: String

    public init(shape: [Int], values: [Double], descr: String = "<f8") {
        self.shape = shape
        self.values = values
        self.descr = descr
    }
}

/// Reads NumPy's `.npy` arrays and `.npz` archives of them (issue 17: score fields exported from
/// a trained model).
///
/// **The `.npy` format** (NumPy's `numpy/lib/format.py`, "NEP 1"; the `.npy` writer of the
/// data export follows the same rules):
///
/// - bytes 0–5: the magic string `\x93NUMPY`; byte 6: major version (1, 2 or 3); byte 7: minor;
/// - version 1: the header length as a little-endian `u16` at bytes 8–9, header from byte 10;
///   versions 2 and 3: a little-endian `u32` at bytes 8–11, header from byte 12;
/// - the header is an ASCII (version 1, 2: latin-1; version 3: UTF-8) Python dict literal
///   `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`, padded with spaces and
///   ended by `\n` so that the data start on a multiple of 64 bytes (16 in old files);
/// - then the raw elements, `product(shape)` of them, in C order (last axis fastest) unless
///   `fortran_order` is `True` (first axis fastest). A 0-d array has `shape = ()` and one element.
///
/// `descr` is the dtype string: byte order (`<` little, `>` big, `=` native, `|` not applicable),
/// kind and item size. This reader takes `f8` and `f4` in either byte order and converts to
/// `Double`; Fortran-ordered arrays are transposed into C order. Anything else (integers,
/// complex, structured or object arrays, pickles) is refused with a hint to save float64.
///
/// **`.npz`** is a zip archive (stored or deflated) whose members are `.npy` files named
/// `KEY.npy` (`np.savez(file, score=…)` makes a member `score.npy`). The members' uncompressed
/// sizes are checked against a limit before anything is inflated.
///
/// Every failure is one ``AdiabatCore/InputError`` naming the file (and member).
public enum NumPyReader {
    /// The largest total uncompressed size read by default: 2 GiB.
    public static let defaultByteLimit: UInt64 = 2 << 30

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    static let zipMagic: [UInt8] = [0x50, 0x4B]  // PK

    // MARK: Files

    /// The arrays of an `.npz` file (keys without `.npy`), or of an `.npy` file (one array,
    /// keyed by the file name without extension). Only the members named in `members` are
    /// read when it is given; a missing one is an error that lists what the archive holds.
    public static func read(
        _ url: URL, members: [String]? = nil, byteLimit: UInt64 = defaultByteLimit
    ) throws -> [String: NumPyArray] {
        let origin = url.path
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InputError(origin, "no such file", hint: "paths are relative to the problem file")
        }
        // Every input file is read through InputFile (regular files only, size-limited); the
        // archive is then opened in memory. An archive's compressed size is at most its arrays'
        // size plus headers, so the same limit applies to the file.
        let data = try InputFile.read(url, limit: Int(min(byteLimit, UInt64(Int.max))), what: "score-field file")
        let head = [UInt8](data.prefix(8))
        if head.starts(with: magic) {
            let key = url.deletingPathExtension().lastPathComponent
            let array = try parse(data, origin: origin)
            if let members, let missing = members.first(where: { $0 != key }) {
                throw InputError(
                    origin, "is a single .npy array ('\(key)'); there is no array '\(missing)' in it",
                    hint: "save several arrays with np.savez(file, \(members.map { "\($0)=…" }.joined(separator: ", ")))")
            }
            return [key: array]
        }
        guard head.starts(with: zipMagic) else {
            throw InputError(
                origin, "is neither a NumPy .npy file (magic \\x93NUMPY) nor an .npz archive (a zip file)",
                hint: "write it with np.save or np.savez")
        }
        return try readArchive(data, origin: origin, members: members, byteLimit: byteLimit)
    }

    static func readArchive(_ bytes: Data, origin: String, members: [String]?, byteLimit: UInt64) throws -> [String: NumPyArray] {
        let archive: Archive
        do {
            archive = try Archive(data: bytes, accessMode: .read)
        } catch {
            throw InputError(origin, "is not a readable zip archive (\(error))", hint: "write it with np.savez")
        }
        var entries: [String: Entry] = [:]
        for entry in archive where entry.type == .file {
            entries[entry.path] = entry
        }
        let arrays = entries.keys.filter { $0.hasSuffix(".npy") }.sorted()
        guard !arrays.isEmpty else {
            let names = entries.keys.sorted().prefix(5).joined(separator: ", ")
            throw InputError(
                origin, "is a zip archive but not an .npz: it holds no .npy members (\(names.isEmpty ? "no files" : names))",
                hint: "write it with np.savez(file, score=…)")
        }
        let wanted = members ?? arrays.map { String($0.dropLast(4)) }
        var total: UInt64 = 0
        for key in wanted {
            guard let entry = entries["\(key).npy"] else {
                throw InputError(
                    origin, "has no array '\(key)' (it holds: \(arrays.map { String($0.dropLast(4)) }.joined(separator: ", ")))",
                    hint: "save it with np.savez(file, \(key)=…)")
            }
            total += entry.uncompressedSize
        }
        guard total <= byteLimit else { throw tooLarge(origin, total, byteLimit) }
        var result: [String: NumPyArray] = [:]
        for key in wanted {
            let entry = entries["\(key).npy"]!  // checked above
            var data = Data()
            data.reserveCapacity(Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry) { chunk in data.append(chunk) }
            } catch {
                throw InputError(
                    "\(origin):\(key)", "cannot be inflated (\(error))", hint: "the archive is damaged; write it again")
            }
            result[key] = try parse(data, origin: "\(origin):\(key)")
        }
        return result
    }

    static func tooLarge(_ origin: String, _ bytes: UInt64, _ limit: UInt64) -> InputError {
        InputError(
            origin, "holds \(byteDescription(bytes)) of arrays, more than the \(byteDescription(limit)) this reader accepts",
            hint: "export the field on a coarser grid or at fewer times")
    }

    static func byteDescription(_ bytes: UInt64) -> String {
        let b = Double(bytes)
        if b >= Double(1 << 30) { return String(format: "%.2f GiB", b / Double(1 << 30)) }
        if b >= Double(1 << 20) { return String(format: "%.1f MiB", b / Double(1 << 20)) }
        return "\(bytes) bytes"
    }

    // MARK: The .npy format

    /// Parses the bytes of one `.npy` array; `origin` names it in errors.
    public static func parse(_ data: Data, origin: String) throws -> NumPyArray {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw InputError(
                origin, "is not a NumPy .npy array (its first bytes are not the magic \\x93NUMPY)",
                hint: "write it with np.save / np.savez")
        }
        let major = bytes[6]
        let headerLength: Int
        let start: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw InputError(origin, "is truncated inside its header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw InputError(origin, "is .npy format version \(major).\(bytes[7]); this reader knows versions 1, 2 and 3")
        }
        guard start + headerLength <= bytes.count else {
            throw InputError(origin, "is truncated: the header says \(headerLength) bytes but the file ends first")
        }
        let headerBytes = bytes[start..<(start + headerLength)]
        guard
            let text = major == 3 ? String(bytes: headerBytes, encoding: .utf8) : String(bytes: headerBytes, encoding: .isoLatin1)
        else { throw InputError(origin, "has a header that is not valid text") }
        let header = try Header.parse(text, origin: origin)
        let count = header.shape.reduce(1, *)
        let item = header.itemSize
        let dataStart = start + headerLength
        let available = bytes.count - dataStart
        let needed = count * item
        guard available >= needed else {
            throw InputError(
                origin,
                "is truncated: shape \(header.shapeText) of \(header.descr) needs \(needed) bytes of data but only \(available) follow the header",
                hint: "the file was cut short; export it again")
        }
        guard available == needed else {
            throw InputError(
                origin, "has \(available - needed) bytes after the \(needed) bytes its shape \(header.shapeText) needs",
                hint: "the header does not describe the data; export it again")
        }
        var values = [Double](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { raw in
            let base = raw.baseAddress! + dataStart  // safe: bytes.count ≥ 10
            for i in 0..<count {
                let p = base + i * item
                if item == 8 {
                    var bits: UInt64 = 0
                    for j in 0..<8 { bits |= UInt64(p[j]) << (8 * UInt64(j)) }
                    if header.bigEndian { bits = bits.byteSwapped }
                    values[i] = Double(bitPattern: bits)
                } else {
                    var bits: UInt32 = 0
                    for j in 0..<4 { bits |= UInt32(p[j]) << (8 * UInt32(j)) }
                    if header.bigEndian { bits = bits.byteSwapped }
                    values[i] = Double(Float(bitPattern: bits))
                }
            }
        }
        if header.fortranOrder && header.shape.count > 1 { values = transposeFortran(values, shape: header.shape) }
        return NumPyArray(shape: header.shape, values: values, descr: header.descr)
    }

    /// Fortran order (first axis fastest) → C order (last axis fastest).
    static func transposeFortran(_ values: [Double], shape: [Int]) -> [Double] {
        let rank = shape.count
        var fStrides = [Int](repeating: 1, count: rank)
        for a in 1..<rank { fStrides[a] = fStrides[a - 1] * shape[a - 1] }
        var out = [Double](repeating: 0, count: values.count)
        var index = [Int](repeating: 0, count: rank)
        for c in 0..<values.count {
            var f = 0
            for a in 0..<rank { f += index[a] * fStrides[a] }
            out[c] = values[f]
            var a = rank - 1
            while a >= 0 {
                index[a] += 1
                if index[a] < shape[a] { break }
                index[a] = 0
                a -= 1
            }
        }
        return out
    }

    /// The header dict: `descr`, `fortran_order`, `shape`.
    struct Header {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
        var itemSize: Int
        var bigEndian: Bool

        var shapeText: String {
            shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        }

        static func parse(_ text: String, origin: String) throws -> Header {
            var parser = DictLiteral(text: Array(text.unicodeScalars))
            let dict: [String: DictLiteral.Value]
            do {
                dict = try parser.dictionary()
            } catch let DictLiteral.Failure.syntax(what) {
                throw InputError(
                    origin,
                    "has a header that is not a Python dict literal (\(what)): \(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(80))",
                    hint: "write it with np.save")
            }
            for key in ["descr", "fortran_order", "shape"] where dict[key] == nil {
                throw InputError(origin, "has no '\(key)' in its header", hint: "write it with np.save")
            }
            guard case .string(let descr)? = dict["descr"] else {
                throw InputError(
                    origin, "has a structured dtype (a list of fields); a score field needs a plain float64 or float32 array",
                    hint: "save arr.astype(np.float64)")
            }
            guard case .bool(let fortran)? = dict["fortran_order"] else {
                throw InputError(origin, "has a header whose 'fortran_order' is not True or False")
            }
            guard case .tuple(let shape)? = dict["shape"], shape.allSatisfy({ $0 >= 0 }) else {
                throw InputError(origin, "has a header whose 'shape' is not a tuple of non-negative integers")
            }
            let bigEndian: Bool
            let kind: Substring
            switch descr.first {
            case "<", "=", "|":
                bigEndian = false
                kind = descr.dropFirst()
            case ">":
                bigEndian = true
                kind = descr.dropFirst()
            default:
                bigEndian = false
                kind = Substring(descr)
            }
            let size: Int
            switch kind {
            case "f8": size = 8
            case "f4": size = 4
            default:
                throw InputError(
                    origin, "has dtype '\(descr)'; this reader takes float64 ('<f8') and float32 ('<f4') arrays",
                    hint: "save arr.astype(np.float64)")
            }
            return Header(descr: descr, fortranOrder: fortran, shape: shape, itemSize: size, bigEndian: bigEndian)
        }
    }

    /// A parser for the small Python literal grammar of `.npy` headers: a dict of string keys to
    /// strings, `True`/`False`, tuples of integers, or lists (structured dtypes, refused later).
    struct DictLiteral {
        enum Value {
            case string(String)
            case bool(Bool)
            case tuple([Int])
            case other
        }

        enum Failure: Error { case syntax(String) }

        var text: [Unicode.Scalar]
        var i = 0

        mutating func skip() { while i < text.count, text[i].properties.isWhitespace { i += 1 } }

        mutating func expect(_ c: Unicode.Scalar) throws {
            skip()
            guard i < text.count, text[i] == c else {
                throw Failure.syntax("expected '\(c)'\(i < text.count ? " at '\(text[i])'" : " at the end")")
            }
            i += 1
        }

        mutating func peek() -> Unicode.Scalar? {
            skip()
            return i < text.count ? text[i] : nil
        }

        mutating func dictionary() throws -> [String: Value] {
            try expect("{")
            var result: [String: Value] = [:]
            while true {
                if peek() == "}" {
                    i += 1
                    break
                }
                guard case .string(let key) = try value() else { throw Failure.syntax("a key is not a string") }
                try expect(":")
                result[key] = try value()
                if peek() == "," {
                    i += 1
                    continue
                }
                try expect("}")
                break
            }
            guard peek() == nil else { throw Failure.syntax("text after the closing '}'") }
            return result
        }

        mutating func value() throws -> Value {
            guard let c = peek() else { throw Failure.syntax("the header ends inside the dict") }
            switch c {
            case "'", "\"":
                i += 1
                var s = String.UnicodeScalarView()
                while i < text.count, text[i] != c {
                    s.append(text[i])
                    i += 1
                }
                guard i < text.count else { throw Failure.syntax("an unterminated string") }
                i += 1
                return .string(String(s))
            case "(":
                i += 1
                var items: [Int] = []
                while true {
                    if peek() == ")" {
                        i += 1
                        break
                    }
                    var digits = ""
                    while i < text.count, text[i].properties.numericType != nil || text[i] == "L" {
                        if text[i] != "L" { digits.unicodeScalars.append(text[i]) }
                        i += 1
                    }
                    guard let n = Int(digits) else { throw Failure.syntax("a shape entry is not an integer") }
                    items.append(n)
                    if peek() == "," {
                        i += 1
                        continue
                    }
                    try expect(")")
                    break
                }
                return .tuple(items)
            case "[":
                // A structured dtype's list of fields: skip to the matching bracket.
                var depth = 0
                while i < text.count {
                    if text[i] == "[" || text[i] == "(" { depth += 1 }
                    if text[i] == "]" || text[i] == ")" { depth -= 1 }
                    i += 1
                    if depth == 0 { return .other }
                }
                throw Failure.syntax("an unterminated list")
            default:
                var word = ""
                while i < text.count, text[i].properties.isAlphabetic || text[i].properties.numericType != nil {
                    word.unicodeScalars.append(text[i])
                    i += 1
                }
                switch word {
                case "True": return .bool(true)
                case "False": return .bool(false)
                case "": throw Failure.syntax("unexpected '\(c)'")
                default: return .other
                }
            }
        }
    }
}
