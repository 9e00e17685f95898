import Foundation
import ZIPFoundation

/// Test helper: the bytes of `.npy` arrays and `.npz` archives, made in Swift (the format of
/// Sources/Problems/NPYReader.swift: magic `\x93NUMPY`, version, little-endian header length,
/// a Python dict literal header padded to a multiple of 64 bytes with `\n` last, raw data).
/// One copy for every test target (the `NPYTestSupport` target, used by tests only).
public enum NPYTestFiles {
    /// `values` in C order, written as `descr` (`<f8`, `<f4`, `>f8`, `>f4`), in Fortran order
    /// if asked (the values are then transposed on writing), with header format `version`.
    public static func npy(
        _ values: [Double], shape: [Int], descr: String = "<f8", fortran: Bool = false, version: UInt8 = 1,
        header override: String? = nil
    ) -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(\(shape.map(String.init).joined(separator: ", ")))"
        var header =
            override ?? "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shapeText), }"
        let prefix = version == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0])
        let length = header.utf8.count
        if version == 1 {
            data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            data.append(contentsOf: (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) })
        }
        data.append(contentsOf: Array(header.utf8))
        var ordered = values
        if fortran && shape.count > 1 {
            // C index → Fortran position.
            var out = [Double](repeating: 0, count: values.count)
            var cStrides = [Int](repeating: 1, count: shape.count)
            for a in stride(from: shape.count - 2, through: 0, by: -1) { cStrides[a] = cStrides[a + 1] * shape[a + 1] }
            for c in 0..<values.count {
                var f = 0
                var scale = 1
                for a in 0..<shape.count {
                    f += ((c / cStrides[a]) % shape[a]) * scale
                    scale *= shape[a]
                }
                out[f] = values[c]
            }
            ordered = out
        }
        let big = descr.hasPrefix(">")
        for v in ordered {
            if descr.hasSuffix("f4") {
                var bits = Float(v).bitPattern
                if big { bits = bits.byteSwapped }
                data.append(contentsOf: (0..<4).map { UInt8((bits >> (8 * UInt32($0))) & 0xFF) })
            } else {
                var bits = v.bitPattern
                if big { bits = bits.byteSwapped }
                data.append(contentsOf: (0..<8).map { UInt8((bits >> (8 * UInt64($0))) & 0xFF) })
            }
        }
        return data
    }

    /// A zip archive of the members (`name` → bytes), stored or deflated.
    public static func zip(_ members: [(String, Data)], deflate: Bool = false) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        for (name, bytes) in members {
            try archive.addEntry(
                with: name, type: .file, uncompressedSize: Int64(bytes.count), compressionMethod: deflate ? .deflate : .none,
                provider: { position, size in bytes.subdata(in: Int(position)..<(Int(position) + size)) })
        }
        return archive.data ?? Data()
    }

    /// An `.npz`: each array as `KEY.npy`.
    public static func npz(_ arrays: [(String, [Double], [Int])], deflate: Bool = false) throws -> Data {
        try zip(arrays.map { ("\($0.0).npy", npy($0.1, shape: $0.2)) }, deflate: deflate)
    }

    /// A fresh temporary folder.
    public static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `data` to `name` in `folder` and returns its URL.
    @discardableResult
    public static func write(_ data: Data, _ name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }
}
