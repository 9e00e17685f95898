import AdiabatCore
import Foundation
import NPYTestSupport
import Problems
import TestSupport
import Testing

@Suite("NumPy .npy/.npz reader")
struct NPYReaderTests {
    let values: [Double] = [1.5, -2.25, 3e-300, 4e200, 0, -0.0]

    @Test("float64 and float32, little- and big-endian, header versions 1-3")
    func dtypesAndVersions() throws {
        for descr in ["<f8", ">f8", "=f8"] {
            for version: UInt8 in [1, 2, 3] {
                let a = try NumPyReader.parse(
                    NPYTestFiles.npy(values, shape: [2, 3], descr: descr, version: version), origin: "x.npy")
                #expect(a.shape == [2, 3])
                #expect(a.values == values)
            }
        }
        let small: [Double] = [1.5, -2.25, 0.1, 7]
        for descr in ["<f4", ">f4"] {
            let a = try NumPyReader.parse(NPYTestFiles.npy(small, shape: [4], descr: descr), origin: "x.npy")
            #expect(a.values == small.map { Double(Float($0)) })
        }
    }

    @Test("Fortran order is transposed into C order; 0-d arrays have shape ()")
    func fortranAndScalar() throws {
        let c = (0..<24).map(Double.init)
        let a = try NumPyReader.parse(NPYTestFiles.npy(c, shape: [2, 3, 4], fortran: true), origin: "f.npy")
        #expect(a.shape == [2, 3, 4])
        #expect(a.values == c)
        // The raw Fortran bytes are not C order (the test would pass vacuously otherwise).
        let raw = try NumPyReader.parse(
            NPYTestFiles.npy(
                c, shape: [2, 3, 4], fortran: true, header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 4), }"),
            origin: "f.npy")
        #expect(raw.values != c)
        let s = try NumPyReader.parse(
            NPYTestFiles.npy([2.5], shape: [], header: "{'descr': '<f8', 'fortran_order': False, 'shape': (), }"), origin: "s.npy"
        )
        #expect(s.shape == [] && s.values == [2.5])
    }

    @Test(".npz archives with stored and deflated members; .npy files by name")
    func archives() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let big = (0..<5000).map { sin(Double($0)) }
        for deflate in [false, true] {
            let url = try NPYTestFiles.write(
                try NPYTestFiles.npz([("score", big, [50, 100]), ("t", [0, 1], [2])], deflate: deflate), "a\(deflate).npz",
                in: folder)
            let arrays = try NumPyReader.read(url)
            #expect(Set(arrays.keys) == ["score", "t"])
            #expect(arrays["score"]?.values == big)
            #expect(arrays["score"]?.shape == [50, 100])
            #expect(try NumPyReader.read(url, members: ["t"]).keys.sorted() == ["t"])
        }
        let single = try NPYTestFiles.write(NPYTestFiles.npy(values, shape: [6]), "field.npy", in: folder)
        #expect(try NumPyReader.read(single)["field"]?.values == values)
    }

    @Test("bad input: one clear error each")
    func errors() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var good = NPYTestFiles.npy(values, shape: [6])
        // Wrong magic.
        var bad = good
        bad[1] = 0x41
        #expect(inputError { _ = try NumPyReader.parse(bad, origin: "x.npy") }?.contains("magic \\x93NUMPY") == true)
        let text = try NPYTestFiles.write(Data("hello, world".utf8), "t.npz", in: folder)
        #expect(inputError { _ = try NumPyReader.read(text) }?.contains("neither a NumPy .npy file") == true)
        // Header not a dict.
        let list = NPYTestFiles.npy(values, shape: [6], header: "[('descr', '<f8')]")
        #expect(inputError { _ = try NumPyReader.parse(list, origin: "x.npy") }?.contains("not a Python dict literal") == true)
        let open = NPYTestFiles.npy(values, shape: [6], header: "{'descr': '<f8', 'shape': (6,)")
        #expect(inputError { _ = try NumPyReader.parse(open, origin: "x.npy") }?.contains("not a Python dict literal") == true)
        // Unsupported dtypes.
        let ints = NPYTestFiles.npy(values, shape: [6], header: "{'descr': '<i8', 'fortran_order': False, 'shape': (6,), }")
        #expect(inputError { _ = try NumPyReader.parse(ints, origin: "x.npy") }?.contains("dtype '<i8'") == true)
        let structured = NPYTestFiles.npy(
            values, shape: [6], header: "{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (3,), }")
        #expect(inputError { _ = try NumPyReader.parse(structured, origin: "x.npy") }?.contains("structured dtype") == true)
        // Truncated data, and data beyond the shape.
        let cut = good.prefix(good.count - 3)
        let e = inputError { _ = try NumPyReader.parse(Data(cut), origin: "x.npy") }
        #expect(e?.contains("truncated") == true && e?.contains("48 bytes") == true && e?.contains("45") == true)
        good.append(0)
        #expect(inputError { _ = try NumPyReader.parse(good, origin: "x.npy") }?.contains("1 bytes after") == true)
        // A zip that is not an npz; a missing member; a damaged member.
        let notNPZ = try NPYTestFiles.write(try NPYTestFiles.zip([("readme.txt", Data("hi".utf8))]), "z.npz", in: folder)
        #expect(inputError { _ = try NumPyReader.read(notNPZ) }?.contains("not an .npz") == true)
        let npz = try NPYTestFiles.write(try NPYTestFiles.npz([("axis0", [0, 1, 2], [3])]), "m.npz", in: folder)
        let missing = inputError { _ = try NumPyReader.read(npz, members: ["score"]) }
        #expect(missing?.contains("no array 'score'") == true && missing?.contains("axis0") == true)
        let damaged = try NPYTestFiles.write(try NPYTestFiles.zip([("score.npy", Data("not numpy".utf8))]), "d.npz", in: folder)
        #expect(inputError { _ = try NumPyReader.read(damaged) }?.contains("d.npz:score: is not a NumPy .npy array") == true)
        // Too large: refused from the central directory's sizes, before inflating.
        let large = try NPYTestFiles.write(
            try NPYTestFiles.npz([("score", [Double](repeating: 1, count: 4000), [4000])], deflate: true), "l.npz", in: folder)
        let refused = inputError { _ = try NumPyReader.read(large, byteLimit: 10_000) }
        #expect(refused?.contains("holds 32128 bytes of arrays, more than the 10000 bytes") == true)
        #expect(NumPyReader.defaultByteLimit == 2 << 30)
        #expect(
            inputError { _ = try NumPyReader.read(folder.appendingPathComponent("none.npz")) }?.contains("no such file") == true)
    }
}
