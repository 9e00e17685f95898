import AdiabatCore
import Foundation
import NPYTestSupport
import Problems
import TestSupport
import Testing

/// A 2-D field on [−2, 2]×[−1, 1] (5×3 nodes) at `times` (or one table), S = (−x, −2y) + k.
func fieldArrays(times: [Double]? = nil, nx: Int = 5, ny: Int = 3) -> [String: NumPyArray] {
    let x = (0..<nx).map { -2 + 4 * Double($0) / Double(nx - 1) }
    let y = (0..<ny).map { -1 + 2 * Double($0) / Double(ny - 1) }
    var s: [Double] = []
    for k in 0..<(times?.count ?? 1) {
        for i in 0..<nx { for j in 0..<ny { s += [-x[i] + Double(k), -2 * y[j]] } }
    }
    var arrays: [String: NumPyArray] = [
        "score": NumPyArray(shape: (times == nil ? [] : [times!.count]) + [nx, ny, 2], values: s),
        "axis0": NumPyArray(shape: [nx], values: x), "axis1": NumPyArray(shape: [ny], values: y),
    ]
    if let times { arrays["t"] = NumPyArray(shape: [times.count], values: times) }
    return arrays
}

func fieldError(_ arrays: [String: NumPyArray]) -> String? {
    inputError { _ = try ScoreFieldProblem.parse(arrays, origin: "S.npz") }
}

@Suite("Score-field problem files")
struct ScoreFieldProblemTests {
    @Test("one table and several: grid, times, interpolation between tables")
    func reads() throws {
        let one = try ScoreFieldProblem.parse(fieldArrays(), origin: "S.npz")
        #expect(one.grid.points == [5, 3] && one.grid.lower == [-2, -1] && one.grid.upper == [2, 1])
        #expect(one.times == nil && one.tableCount == 1)
        #expect(one.scores[0][0] == 2 && one.scores[0][1] == 2)  // node (−2, −1)
        #expect(one.scores[0][3 * 2 + 1] == 2)  // node (−1, −1): S_y = 2
        let many = try ScoreFieldProblem.parse(fieldArrays(times: [0, 0.5, 2]), origin: "S.npz")
        #expect(many.times == [0, 0.5, 2])
        let mid = try many.score(atTime: 1.25)  // halfway from table 1 (k = 1) to table 2 (k = 2)
        #expect(abs(mid[0] - (2 + 1.5)) < 1e-12)
        #expect(try many.score(atTime: 0.5) == many.scores[1])
        #expect(
            inputError { _ = try many.score(atTime: 3, field: "spectrum.time") }?.contains(
                "outside the tabulated times [0.0, 2.0]") == true)
        #expect(inputError { _ = try one.score(atTime: 1, field: "spectrum.time") }?.contains("one table and no times") == true)
    }

    @Test("validation: one line per mistake, naming the array and where")
    func validation() throws {
        var a = fieldArrays()
        a["axis1"] = nil
        #expect(fieldError(a)?.contains("has no array 'axis1'") == true)
        a = fieldArrays()
        a["score"] = nil
        #expect(fieldError(a)?.contains("has no array 'score'") == true)
        a = fieldArrays()
        a["axis0"] = NumPyArray(shape: [4], values: [-2, -1, 0, 1])
        #expect(fieldError(a)?.contains("axis0 has 4 points") == true)
        a = fieldArrays()
        a["axis0"] = NumPyArray(shape: [5], values: [-2, -1, 0.2, 1, 2])
        #expect(fieldError(a)?.contains("S.npz:axis0: is not uniform: entry 2 is 0.2") == true)
        a = fieldArrays()
        a["axis0"] = NumPyArray(shape: [5], values: [2, 1, 0, -1, -2])
        #expect(fieldError(a)?.contains("is not increasing") == true)
        a = fieldArrays(nx: 5, ny: 2)
        #expect(fieldError(a)?.contains("S.npz:axis1: has 2 points; an axis needs at least 3") == true)
        a = fieldArrays(times: [0, 1, 0.5])
        #expect(fieldError(a)?.contains("S.npz:t: is not increasing: t[2] = 0.5 ≤ t[1] = 1.0") == true)
        a = fieldArrays(times: [0, 1])
        a["t"] = nil
        #expect(fieldError(a)?.contains("expected (N0, …, N_{d−1}, d)") == true)
        a = fieldArrays(times: [0, 1])
        var s = a["score"]!
        s.values[(15 + 7) * 2 + 1] = .nan  // table 1, node 7 = (i 2, j 1), component 1
        a["score"] = s
        #expect(
            fieldError(a)?.contains("is nan at time index 1 (t = 1.0), grid point (2, 1) x = (0.0, 0.0), component 1") == true)
        a = fieldArrays()
        s = a["score"]!
        s.values[0] = .infinity
        a["score"] = s
        #expect(fieldError(a)?.contains("is inf at grid point (0, 0)") == true)
        a = fieldArrays()
        a["extra"] = NumPyArray(shape: [1], values: [0])
        #expect(fieldError(a)?.contains("an array 'extra'") == true)
        a = fieldArrays()
        a["density"] = NumPyArray(shape: [5, 3], values: [Double](repeating: 1, count: 14) + [0])
        #expect(fieldError(a)?.contains("S.npz:density: is 0.0 at grid point (4, 2)") == true)
        a["density"] = NumPyArray(shape: [5, 4], values: [Double](repeating: 1, count: 20))
        #expect(fieldError(a)?.contains("expected [5, 3]") == true)
    }

    @Test("the TOML file: the archive relative to it, unknown keys and a [grid] refused")
    func tomlFile() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let arrays = fieldArrays(times: [0, 1])
        try NPYTestFiles.write(
            try NPYTestFiles.npz(["score", "axis0", "axis1", "t"].map { ($0, arrays[$0]!.values, arrays[$0]!.shape) }),
            "S.npz", in: folder)
        func load(_ text: String) throws -> ScoreFieldProblem {
            let url = folder.appendingPathComponent("p.toml")
            try Data(text.utf8).write(to: url)
            return try ScoreFieldProblem.read(try TOMLSection.load(contentsOf: url), file: url)
        }
        let head = "name = \"f\"\nkind = \"landscape\"\n[landscape]\ntype = \"score-field\"\n"
        let p = try load(head + "file = \"S.npz\"\n")
        #expect(p.name == "f" && p.field.times == [0, 1] && p.dataFile.lastPathComponent == "S.npz")
        #expect(
            inputError { _ = try load(head + "file = \"S.npz\"\nfiel = 1\n") }?.contains("unknown key 'landscape.fiel'") == true)
        #expect(inputError { _ = try load(head + "file = \"T.npz\"\n") }?.contains("which does not exist") == true)
        #expect(inputError { _ = try load(head) }?.contains("missing key 'file'") == true)
        #expect(
            inputError { _ = try load(head + "file = \"S.npz\"\n[grid]\nlower = [0.0]\n") }?.contains(
                "its grid is the file's axis0") == true)
        // A bare .npy score: the grid from lower/upper, the times from times; the same field as
        // the archive's.
        let archive = p.field
        try NPYTestFiles.write(NPYTestFiles.npy(arrays["score"]!.values, shape: arrays["score"]!.shape), "S.npy", in: folder)
        let bare = try load(head + "file = \"S.npy\"\nlower = [-2.0, -1.0]\nupper = [2.0, 1.0]\ntimes = [0.0, 1.0]\n")
        #expect(bare.field.times == archive.times && bare.field.grid.points == archive.grid.points)
        #expect(bare.field.grid.lower == archive.grid.lower && bare.field.grid.upper == archive.grid.upper)
        #expect(try bare.field.score(atTime: 0.5) == archive.score(atTime: 0.5))
        #expect(
            inputError { _ = try load(head + "file = \"S.npy\"\ntimes = [0.0, 1.0]\n") }?.contains(
                "needs lower and upper") == true)
        #expect(
            inputError { _ = try load(head + "file = \"S.npy\"\nlower = [-2.0]\nupper = [2.0]\ntimes = [0.0, 1.0]\n") }?
                .contains("should be (Nt, N0, …, N_{d−1}, d) with d = 1") == true)
        #expect(
            inputError { _ = try load(head + "file = \"S.npz\"\nlower = [-2.0, -1.0]\nupper = [2.0, 1.0]\n") }?.contains(
                "is an .npz archive") == true)
        // A 1-D field in CSV: S = −x at t = 0 and −x/2 at t = 1 on 5 nodes of [−2, 2].
        var csv = "t,x,score\n"
        for t in [0.0, 1.0] {
            for i in 0..<5 {
                let x = -2 + Double(i)
                csv += "\(t),\(x),\(-x / (1 + t))\n"
            }
        }
        try NPYTestFiles.write(Data(csv.utf8), "S.csv", in: folder)
        let line = try load(head + "file = \"S.csv\"\n")
        #expect(line.field.times == [0, 1] && line.field.grid.points == [5] && line.field.grid.lower == [-2])
        #expect(try line.field.score(atTime: 1) == [2, 1, 0, -1, -2].map { $0 / 2 })
        try NPYTestFiles.write(Data("x,score\n0,1\n1,2\n2\n".utf8), "bad.csv", in: folder)
        #expect(inputError { _ = try load(head + "file = \"bad.csv\"\n") }?.contains("bad.csv:4") == true)
        try NPYTestFiles.write(Data("t,x,score\n0,0,1\n0,1,1\n0,2,1\n1,0,1\n1,1.5,1\n1,2,1\n".utf8), "shift.csv", in: folder)
        #expect(inputError { _ = try load(head + "file = \"shift.csv\"\n") }?.contains("differs from the first table") == true)
        // The landscape reader refuses a score field with a pointer to the commands that take it.
        #expect(
            inputError {
                _ = try LandscapeProblem.parse(head + "file = \"S.npz\"\n", file: folder.appendingPathComponent("p.toml"))
            }?
            .contains("has no density") == true)
    }

    @Test("radial fields: an 'r' axis from 0 or from its spacing, f(r) with or without a last axis of 1; bad input")
    func radial() throws {
        let r = (0..<6).map { 0.5 * Double($0) }  // 0, 0.5, …, 2.5
        let f = r.map { -$0 }
        func arrays(score: NumPyArray, r: [Double] = r, times: [Double]? = nil) -> [String: NumPyArray] {
            var a = ["score": score, "r": NumPyArray(shape: [r.count], values: r)]
            if let times { a["t"] = NumPyArray(shape: [times.count], values: times) }
            return a
        }
        let flat = try ScoreFieldProblem.parse(arrays(score: NumPyArray(shape: [6], values: f)), origin: "S.npz")
        #expect(flat.radial && flat.dimension == 3 && flat.grid.points == [6] && flat.scores == [f])
        let column = try ScoreFieldProblem.parse(arrays(score: NumPyArray(shape: [6, 1], values: f)), origin: "S.npz")
        #expect(column.radial && column.scores == [f])
        let timed = try ScoreFieldProblem.parse(
            arrays(score: NumPyArray(shape: [2, 6], values: f + f.map { $0 / 2 }), times: [0, 1]), origin: "S.npz")
        #expect(timed.radial && timed.times == [0, 1] && timed.scores[1] == f.map { $0 / 2 })
        let fromH = try ScoreFieldProblem.parse(
            arrays(score: NumPyArray(shape: [5], values: Array(f.dropFirst())), r: Array(r.dropFirst())), origin: "S.npz")
        #expect(fromH.radial && fromH.grid.lower == [0.5])
        // Bad input: one line each.
        func error(_ a: [String: NumPyArray]) -> String? { fieldError(a) }
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: f), r: r.map { $0 - 0.5 }))?.hasPrefix(
                "S.npz:r: starts at -0.5; a radius is never negative") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: f), r: r.map { $0 + 0.2 }))?.contains(
                "starts at 0.2, which is neither 0 nor its spacing 0.5") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: f), r: [0, 0.5, 1.2, 1.5, 2, 2.5]))?.contains(
                "S.npz:r: is not uniform: entry 2 is 1.2") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: f), r: [0, 0.5, 1, 0.9, 2, 2.5]))?.contains(
                "S.npz:r: is not increasing") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [4], values: [0, 1, 2, 3]), r: [0, 1, 2, 3]))?.hasPrefix(
                "S.npz:r: has 4 points; a radial field needs at least 5") == true)
        var nan = f
        nan[0] = .nan
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: nan)))?.contains("S.npz:score: is nan at grid point (0)") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [6, 2], values: f + f)))?.contains(
                "a radial field (an 'r' array) takes f(r) of shape (Nr,) or (Nr, 1)") == true)
        #expect(
            error(arrays(score: NumPyArray(shape: [6], values: f), times: [0, 1]))?.contains(
                "(Nt, Nr) or (Nt, Nr, 1) with its 't' array") == true)
        #expect(error(arrays(score: NumPyArray(shape: [7], values: f + [0])))?.contains("but r has 6 points") == true)
        var both = arrays(score: NumPyArray(shape: [6], values: f))
        both["axis0"] = NumPyArray(shape: [6], values: r)
        #expect(error(both)?.contains("has both 'r' (a radial field f(r) r̂) and 'axis0'") == true)
        // CSV: the column is named r.
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = "r,score\n" + zip(r, f).map { "\($0),\($1)" }.joined(separator: "\n")
        try NPYTestFiles.write(Data(csv.utf8), "S.csv", in: folder)
        let url = try NPYTestFiles.write(
            Data("name = \"f\"\nkind = \"landscape\"\n[landscape]\ntype = \"score-field\"\nfile = \"S.csv\"\n".utf8), "p.toml",
            in: folder)
        let fromCSV = try ScoreFieldProblem.read(try TOMLSection.load(contentsOf: url), file: url).field
        #expect(fromCSV.radial && fromCSV.scores == [f] && fromCSV.grid.upper == [2.5])
    }
}
