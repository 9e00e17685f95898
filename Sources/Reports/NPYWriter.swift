import Foundation

/// Writes NumPy `.npy` files, format version 1.0 (numpy/lib/format.py, NEP 1).
///
/// The file is the magic string `\x93NUMPY`, the version bytes `1 0`, a little-endian `uint16`
/// header length, then an ASCII header: a Python dict literal
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and ended
/// by `\n`, so that the data starts at a multiple of 64 bytes; then the data in C order
/// (last axis fastest), little-endian. `numpy.load` reads it back as written. The reader of
/// `.npy` files lives apart (Problems); this file only writes.
public enum NPYWriter {
    /// The element types written here (NumPy `descr`).
    public enum DType: String, Sendable {
        case float64 = "<f8"
        case complex128 = "<c16"
        case int8 = "|i1"
        case int64 = "<i8"

        public var size: Int {
            switch self {
            case .float64, .int64: return 8
            case .complex128: return 16
            case .int8: return 1
            }
        }
    }

    /// The size in bytes of the data block of an array (without the header).
    public static func dataSize(_ dtype: DType, shape: [Int]) -> Int {
        shape.reduce(1, *) * dtype.size
    }

    /// The header (magic, version, length and the padded dict) for `dtype` and `shape`.
    public static func header(_ dtype: DType, shape: [Int]) -> Data {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let prefix = 10  // magic (6) + version (2) + header length (2)
        let unpadded = prefix + dict.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(dict.utf8.count)
        data.append(UInt8(length & 0xFF))
        data.append(UInt8(length >> 8))
        data.append(contentsOf: Array(dict.utf8))
        return data
    }

    /// A `float64` array of `shape` (C order); `values.count` must be the product of `shape`.
    public static func float64(_ values: [Double], shape: [Int]) -> Data {
        precondition(values.count == shape.reduce(1, *), "NPY: \(values.count) values for shape \(shape)")
        var data = header(.float64, shape: shape)
        append(values, to: &data)
        return data
    }

    /// A `complex128` array of `shape` from interleaved `(re, im)` pairs (the layout of every
    /// state vector in Adiabat, which is NumPy's own complex layout).
    public static func complex128(interleaved values: [Double], shape: [Int]) -> Data {
        precondition(values.count == 2 * shape.reduce(1, *), "NPY: \(values.count / 2) complex values for shape \(shape)")
        var data = header(.complex128, shape: shape)
        append(values, to: &data)
        return data
    }

    /// An `int8` array of `shape` (spins ±1, bits 0/1).
    public static func int8(_ values: [Int8], shape: [Int]) -> Data {
        precondition(values.count == shape.reduce(1, *), "NPY: \(values.count) values for shape \(shape)")
        var data = header(.int8, shape: shape)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// An `int64` array of `shape`.
    public static func int64(_ values: [Int64], shape: [Int]) -> Data {
        precondition(values.count == shape.reduce(1, *), "NPY: \(values.count) values for shape \(shape)")
        var data = header(.int64, shape: shape)
        let little = values.map { $0.littleEndian }
        little.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    private static func append(_ values: [Double], to data: inout Data) {
        #if _endian(big)
            let bits = values.map { $0.bitPattern.littleEndian }
            bits.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
            values.withUnsafeBytes { data.append(contentsOf: $0) }
        #endif
    }
}
