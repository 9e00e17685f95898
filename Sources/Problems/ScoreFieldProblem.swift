import AdiabatCore
import Foundation
import Landscapes

/// A vector field `S` tabulated on a uniform grid at one or several diffusion times: the
/// output of a user's trained score model (issue 17). It need not be the gradient of anything.
public struct ScoreField: Sendable {
    public var grid: UniformGrid
    /// The diffusion times of the tables, increasing (`nil`: one table without a time).
    public var times: [Double]?
    /// `S` at every node per time, point-major (`grid.count × d`, last grid axis fastest).
    public var scores: [[Double]]
    /// A reference `log p` per time on the same grid (from `log_density` or `density`), if
    /// the file has one.
    public var logDensities: [[Double]]?
    /// A radially symmetric 3-D field `S(x) = f(|x|) x/|x|` (the file's axis is `r`, not
    /// `axis0`): `grid` is then the 1-D `r` axis, starting at 0 or at its spacing `h`, `scores`
    /// hold `f(rᵢ)` (one value per node) and `logDensities` the 3-D `log p(rᵢ)`
    /// (docs/score-fields.md, "Radial fields").
    public var radial: Bool

    /// The dimension of the field's space (3 for a radial field).
    public var dimension: Int { radial ? 3 : grid.dimension }
    /// How many tables.
    public var tableCount: Int { scores.count }

    public init(
        grid: UniformGrid, times: [Double]?, scores: [[Double]], logDensities: [[Double]]? = nil, radial: Bool = false
    ) {
        self.grid = grid
        self.times = times
        self.scores = scores
        self.logDensities = logDensities
        self.radial = radial
    }

    /// Where `t` falls among the tabulated times: a table index, or two neighbours and the
    /// weight of the second (linear interpolation). `field` names the parameter in errors.
    public func locate(time t: Double?, field: String) throws -> (lower: Int, upper: Int, weight: Double) {
        guard let t else { return (0, 0, 0) }
        guard let times else {
            throw InputError(
                field, "is \(t), but this score field has one table and no times (no 't' array in the file)",
                hint: "drop the time")
        }
        guard t.isFinite else { throw InputError(field, "must be finite (got \(t))") }
        let tolerance = 1e-9 * max(1, abs(times.last!))
        if let k = times.firstIndex(where: { abs($0 - t) <= tolerance }) { return (k, k, 0) }
        guard t > times.first!, t < times.last! else {
            throw InputError(
                field, "is \(t), outside the tabulated times [\(times.first!), \(times.last!)]",
                hint: "give a time between the first and last table (times between tables are interpolated linearly)")
        }
        let upper = times.firstIndex(where: { $0 > t })!  // safe: t < times.last
        let lower = upper - 1
        return (lower, upper, (t - times[lower]) / (times[upper] - times[lower]))
    }

    /// `S` at time `t` (a table, or linear interpolation between the two around it).
    public func score(atTime t: Double?, field: String = "time") throws -> [Double] {
        let (a, b, w) = try locate(time: t, field: field)
        if a == b || w == 0 { return scores[a] }
        return zip(scores[a], scores[b]).map { (1 - w) * $0 + w * $1 }
    }

    /// The reference `log p` at time `t`, interpolated like the score (`nil` without one).
    public func logDensity(atTime t: Double?, field: String = "time") throws -> [Double]? {
        guard let logDensities else { return nil }
        let (a, b, w) = try locate(time: t, field: field)
        if a == b || w == 0 { return logDensities[a] }
        return zip(logDensities[a], logDensities[b]).map { (1 - w) * $0 + w * $1 }
    }
}

/// A score-field problem file: `kind = "landscape"` with `[landscape] type = "score-field"` and
/// `file = "S.npz"` (relative to the TOML), read by ``read(_:file:)``. See
/// `docs/problem-files.md` ("Score fields") for the arrays the archive holds.
///
///     name = "my-model"
///     kind = "landscape"
///     [landscape]
///     type = "score-field"
///     file = "my-model.npz"
public struct ScoreFieldProblem: Sendable {
    public var name: String
    public var description: String
    /// The TOML file.
    public var file: URL
    /// The `.npz`/`.npy` file.
    public var dataFile: URL
    public var field: ScoreField
    /// The forward process whose diffusion times the tables are at (`[landscape] process`,
    /// default OU): the drift of the reverse process `sample` runs.
    public var process: ForwardProcess

    public init(
        name: String, description: String, file: URL, dataFile: URL, field: ScoreField, process: ForwardProcess = .ou
    ) {
        self.name = name
        self.description = description
        self.file = file
        self.dataFile = dataFile
        self.field = field
        self.process = process
    }

    /// Whether a parsed landscape file is a score field (`[landscape] type = "score-field"`).
    public static func isScoreField(_ root: TOMLSection) -> Bool {
        if case .table(let landscape)? = root.table["landscape"]?.value, case .string(let type)? = landscape["type"]?.value {
            return type == "score-field"
        }
        return false
    }

    /// Reads a parsed problem file (`kind = "landscape"`, `type = "score-field"`); the data file
    /// is relative to `file`. `byteLimit` caps the archive's uncompressed size.
    public static func read(_ root: TOMLSection, file: URL, byteLimit: UInt64 = NumPyReader.defaultByteLimit) throws
        -> ScoreFieldProblem
    {
        let name = try root.string("name") ?? file.deletingPathExtension().lastPathComponent
        let description = try root.string("description") ?? ""
        _ = try root.string("kind")
        if root.has("grid") {
            throw root.error("grid", "is not used by a score field: its grid is the file's axis0, axis1, axis2 arrays")
        }
        try root.checkTables(allowed: ["landscape"])
        let s = try root.requireSection("landscape")
        try root.finish()
        _ = try s.requireString("type")
        let path = try s.requireString("file")
        let processName = try s.choice("process", ForwardProcess.allCases.map(\.rawValue), default: "ou") ?? "ou"
        let process = ForwardProcess(rawValue: processName) ?? .ou
        // A bare .npy carries only the score; its grid and times come from here.
        let lower = try s.doubles("lower")
        let upper = try s.doubles("upper")
        let times = try s.doubles("times")
        let location = s.location("file")
        try s.finish()
        let url = file.deletingLastPathComponent().appendingPathComponent(path)
        var arrays: [String: NumPyArray]
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InputError(location, "names \(url.path), which does not exist", hint: "paths are relative to the problem file")
        }
        if url.pathExtension.lowercased() == "csv" {
            if lower != nil || upper != nil || times != nil {
                throw InputError(
                    location, "is a CSV field: its x and t columns give the grid and times", hint: "drop lower, upper and times")
            }
            arrays = try csvArrays(
                try InputFile.readText(url, limit: Int(min(byteLimit, UInt64(Int.max))), what: "score-field file"),
                origin: url.path)
        } else {
            arrays = try NumPyReader.read(url, byteLimit: byteLimit)
        }
        if url.pathExtension.lowercased() == "npy" {
            arrays = try bareArrays(arrays, lower: lower, upper: upper, times: times, origin: location)
        } else if lower != nil || upper != nil || times != nil {
            throw InputError(
                location, "is an .npz archive: its grid and times are its axis0…axis2 and t arrays",
                hint: "drop lower, upper and times from [landscape] (they go with a bare .npy score)")
        }
        let field = try parse(arrays, origin: url.path)
        return ScoreFieldProblem(
            name: name, description: description, file: file, dataFile: url, field: field, process: process)
    }

    /// The arrays of a bare `.npy` score: the grid from `lower`/`upper` (one per axis, the
    /// points from the array's shape, ends included) and the times from `times` (then the
    /// array's first axis is time).
    static func bareArrays(
        _ arrays: [String: NumPyArray], lower: [Double]?, upper: [Double]?, times: [Double]?, origin: String
    ) throws -> [String: NumPyArray] {
        guard let score = arrays.values.first, arrays.count == 1 else {
            throw InputError(origin, "is not a single .npy array")
        }
        guard let lower, let upper else {
            throw InputError(
                origin, "is a bare .npy score: [landscape] needs lower and upper (one value per axis) for its grid",
                hint: "or save the grid with the score: np.savez(file, score=S, axis0=x, …)")
        }
        let first = times == nil ? 0 : 1
        let d = score.shape.count - 1 - first
        guard d >= 1, lower.count == d, upper.count == d, score.shape.last == d else {
            let shape = score.shape.map(String.init).joined(separator: ", ")
            let expected = times == nil ? "(N0, …, N_{d−1}, d)" : "(Nt, N0, …, N_{d−1}, d)"
            throw InputError(
                origin,
                "has shape (\(shape)); with \(lower.count) lower and \(upper.count) upper values it should be \(expected) with d = \(lower.count)"
            )
        }
        var result = ["score": score]
        for k in 0..<d {
            let n = score.shape[first + k]
            guard n >= 3, lower[k].isFinite, upper[k].isFinite, upper[k] > lower[k] else {
                throw InputError(
                    origin, "axis \(k): needs at least 3 points and lower < upper (got \(n) points, \(lower[k])…\(upper[k]))")
            }
            let values = (0..<n).map { lower[k] + (upper[k] - lower[k]) * Double($0) / Double(n - 1) }
            result["axis\(k)"] = NumPyArray(shape: [n], values: values)
        }
        if let times { result["t"] = NumPyArray(shape: [times.count], values: times) }
        return result
    }

    /// The arrays of a 1-D field in CSV: a header `x,score` (one table) or `t,x,score` (a table
    /// per time, each on the same x, in increasing t), with an optional last column
    /// `log_density`; one row per node. A radial 3-D field (``ScoreField/radial``) names its
    /// first column `r`, not `x`.
    static func csvArrays(_ text: String, origin: String) throws -> [String: NumPyArray] {
        var lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        lines.removeAll { $0.isEmpty || $0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw InputError(origin, "is empty", hint: "a 1-D CSV field starts with a header x,score or t,x,score")
        }
        let known = [["x", "score"], ["x", "score", "log_density"], ["t", "x", "score"], ["t", "x", "score", "log_density"]]
        // A radial 3-D field f(r) names its column r instead of x.
        let radial = header.contains("r")
        guard known.contains(header.map { $0 == "r" ? "x" : $0 }) else {
            throw InputError(
                "\(origin):1",
                "header '\(header.joined(separator: ","))' is not one of x,score / t,x,score (with an optional log_density; r for x: a radial field)"
            )
        }
        let timed = header.first == "t"
        var rows: [[Double]] = []
        for (i, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let values = fields.map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard values.count == header.count, values.allSatisfy({ $0 != nil }) else {
                throw InputError("\(origin):\(i + 2)", "needs \(header.count) numbers (\(header.joined(separator: ",")))")
            }
            rows.append(values.map { $0! })  // safe: all non-nil, checked above
        }
        guard !rows.isEmpty else { throw InputError(origin, "has a header but no rows") }
        let xColumn = timed ? 1 : 0
        var times: [Double] = []
        var x: [Double] = []
        for row in rows {
            if timed, times.last != row[0] { times.append(row[0]) }
            if times.count <= 1 { x.append(row[xColumn]) }
        }
        let n = x.count
        guard rows.count == max(times.count, 1) * n else {
            throw InputError(origin, "has \(rows.count) rows: every time needs the same \(n) x values")
        }
        for (k, row) in rows.enumerated() where row[xColumn] != x[k % n] {
            throw InputError("\(origin):\(k + 2)", "x = \(row[xColumn]) differs from the first table's x = \(x[k % n])")
        }
        var arrays: [String: NumPyArray] = [
            "score": NumPyArray(shape: (timed ? [times.count] : []) + [n, 1], values: rows.map { $0[xColumn + 1] }),
            (radial ? "r" : "axis0"): NumPyArray(shape: [n], values: x),
        ]
        if timed { arrays["t"] = NumPyArray(shape: [times.count], values: times) }
        if header.last == "log_density" {
            arrays["log_density"] = NumPyArray(
                shape: (timed ? [times.count] : []) + [n], values: rows.map { $0[xColumn + 2] })
        }
        return arrays
    }

    /// An `.npz` archive given directly (no TOML): named after the file.
    public static func read(archive url: URL, byteLimit: UInt64 = NumPyReader.defaultByteLimit) throws -> ScoreFieldProblem {
        let field = try parse(try NumPyReader.read(url, byteLimit: byteLimit), origin: url.path)
        return ScoreFieldProblem(
            name: url.deletingPathExtension().lastPathComponent, description: "", file: url, dataFile: url, field: field)
    }

    /// Builds the field from the arrays of an archive (`origin` names it in errors).
    public static func parse(_ arrays: [String: NumPyArray], origin: String) throws -> ScoreField {
        let known = ["score", "axis0", "axis1", "axis2", "r", "t", "log_density", "density"]
        if let extra = arrays.keys.sorted().first(where: { !known.contains($0) }) {
            throw InputError(
                origin, "has an array '\(extra)' this reader does not know",
                hint: "a score-field archive holds: \(known.joined(separator: ", "))")
        }
        guard var score = arrays["score"] else {
            throw InputError(origin, "has no array 'score'", hint: "save the field as np.savez(file, score=S, axis0=x, …)")
        }
        let timeArray = arrays["t"]
        // A radial field: an 'r' axis and f(r) for the score, with or without a last axis of 1.
        let radial = arrays["r"] != nil
        if radial {
            if let a = (0..<3).first(where: { arrays["axis\($0)"] != nil }) {
                throw InputError(
                    origin, "has both 'r' (a radial field f(r) r̂) and 'axis\(a)' (a field on a grid); keep one",
                    hint: "a radial 3-D field holds score = f(r) and r; a field on a grid holds axis0, axis1, …")
            }
            let shapeText = "(\(score.shape.map(String.init).joined(separator: ", ")))"
            let leading = timeArray == nil ? 0 : 1
            if score.shape.count == leading + 1 {
                score = NumPyArray(shape: score.shape + [1], values: score.values, descr: score.descr)
            }
            guard score.shape.count == leading + 2, score.shape.last == 1 else {
                throw InputError(
                    "\(origin):score",
                    "has shape \(shapeText); a radial field (an 'r' array) takes f(r) of shape \(timeArray == nil ? "(Nr,) or (Nr, 1)" : "(Nt, Nr) or (Nt, Nr, 1) with its 't' array")"
                )
            }
        }
        let rank = score.shape.count
        let d = rank - (timeArray == nil ? 1 : 2)
        let shapeText = "(\(score.shape.map(String.init).joined(separator: ", ")))"
        guard (1...3).contains(d), score.shape.last == d else {
            throw InputError(
                "\(origin):score",
                "has shape \(shapeText); expected (N0, …, N_{d−1}, d) for one time, or (Nt, N0, …, N_{d−1}, d) with a 't' array, d = 1, 2 or 3",
                hint: timeArray == nil ? "with several times, save the times as 't'" : "")
        }
        // Axes.
        var lower: [Double] = []
        var upper: [Double] = []
        var points: [Int] = []
        for a in 0..<d {
            let key = radial ? "r" : "axis\(a)"
            guard let axis = arrays[key] else {
                throw InputError(
                    origin, "has no array 'axis\(a)' (the coordinates of grid axis \(a) of the \(d)-D field)",
                    hint: "save the grid's coordinates as axis0, axis1, … (np.linspace)")
            }
            let x = axis.values
            guard axis.shape.count == 1 else {
                throw InputError("\(origin):\(key)", "must be 1-D (has shape \(axis.shape))")
            }
            guard x.count >= 3 else {
                throw InputError("\(origin):\(key)", "has \(x.count) points; an axis needs at least 3")
            }
            if let i = x.firstIndex(where: { !$0.isFinite }) {
                throw InputError("\(origin):\(key)", "entry \(i) is \(x[i])")
            }
            let n = x.count
            let h = (x[n - 1] - x[0]) / Double(n - 1)
            for i in 1..<n where !(x[i] > x[i - 1]) {
                throw InputError(
                    "\(origin):\(key)", "is not increasing: entry \(i) (\(x[i])) ≤ entry \(i - 1) (\(x[i - 1]))",
                    hint: "the axis must run upward (np.linspace(lo, hi, n))")
            }
            let tolerance = 1e-5 * h + 1e-6 * max(abs(x[0]), abs(x[n - 1]))
            for i in 0..<n where abs(x[i] - (x[0] + Double(i) * h)) > tolerance {
                throw InputError(
                    "\(origin):\(key)",
                    "is not uniform: entry \(i) is \(x[i]) but a uniform axis from \(x[0]) to \(x[n - 1]) has \(x[0] + Double(i) * h) there",
                    hint: "export the field on a uniform grid (np.linspace)")
            }
            guard score.shape[rank - 1 - d + a] == n else {
                throw InputError(
                    "\(origin):score",
                    "has shape \(shapeText) but \(key) has \(n) points (grid axis \(a) is dimension \(rank - 1 - d + a) of score)",
                    hint: "score[…, i0, i1, …, :] must be the field at (axis0[i0], axis1[i1], …)")
            }
            lower.append(x[0])
            upper.append(x[n - 1])
            points.append(n)
        }
        if let extra = (d..<3).first(where: { arrays["axis\($0)"] != nil }) {
            throw InputError(origin, "has axis\(extra) but the score field is \(d)-D (its last dimension is \(d))")
        }
        if radial { try checkRadialAxis(lower: lower[0], upper: upper[0], points: points[0], origin: origin) }
        let grid = try UniformGrid(lower: lower, upper: upper, points: points)
        // Times.
        var times: [Double]? = nil
        let tables: Int
        if let timeArray {
            let t = timeArray.values
            guard timeArray.shape.count == 1, t.count == score.shape[0] else {
                throw InputError(
                    "\(origin):t", "has \(t.count) times (shape \(timeArray.shape)) but score has \(score.shape[0]) tables",
                    hint: "t[k] is the diffusion time of score[k]")
            }
            if let i = t.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
                throw InputError("\(origin):t", "entry \(i) is \(t[i]); times must be finite and ≥ 0")
            }
            for i in 1..<max(t.count, 1) where !(t[i] > t[i - 1]) {
                throw InputError(
                    "\(origin):t", "is not increasing: t[\(i)] = \(t[i]) ≤ t[\(i - 1)] = \(t[i - 1])",
                    hint: "sort the tables by time")
            }
            times = t
            tables = t.count
        } else {
            tables = 1
        }
        // The score, per table; NaN/Inf located.
        let n = grid.count
        var scores: [[Double]] = []
        scores.reserveCapacity(tables)
        for k in 0..<tables {
            let table = Array(score.values[(k * n * d)..<((k + 1) * n * d)])
            if let i = table.firstIndex(where: { !$0.isFinite }) {
                throw InputError(
                    "\(origin):score",
                    "is \(table[i]) \(where_(k: k, times: times, node: i / d, grid: grid)), component \(i % d)",
                    hint: "the model must give a finite score at every node; shrink the grid to where it was trained")
            }
            scores.append(table)
        }
        // The reference density.
        var logDensities: [[Double]]? = nil
        if arrays["log_density"] != nil && arrays["density"] != nil {
            throw InputError(origin, "has both 'log_density' and 'density'; keep one")
        }
        for key in ["log_density", "density"] {
            guard let ref = arrays[key] else { continue }
            let expected = (times == nil ? [] : [tables]) + points
            let single = ref.shape == points
            guard ref.shape == expected || single else {
                throw InputError(
                    "\(origin):\(key)",
                    "has shape \(ref.shape); expected \(expected) (the score's grid\(times == nil ? "" : " and times"))")
            }
            var list: [[Double]] = []
            for k in 0..<tables {
                let offset = single ? 0 : k * n
                let values = Array(ref.values[offset..<(offset + n)])
                let logs = key == "density" ? values.map { $0 > 0 ? log($0) : -.infinity } : values
                if let i = logs.firstIndex(where: { !$0.isFinite }) {
                    throw InputError(
                        "\(origin):\(key)", "is \(values[i]) \(where_(k: k, times: times, node: i, grid: grid))",
                        hint: key == "density" ? "a reference density must be positive and finite" : "log p must be finite")
                }
                list.append(logs)
            }
            logDensities = list
        }
        return ScoreField(grid: grid, times: times, scores: scores, logDensities: logDensities, radial: radial)
    }

    /// A radial field's `r` axis (already checked finite, increasing and uniform): it starts at
    /// the origin or one spacing from it, so that the origin is a node of the grid, where the
    /// radial function `u = rψ` vanishes; and it has at least 5 points.
    static func checkRadialAxis(lower: Double, upper: Double, points: Int, origin: String) throws {
        let h = (upper - lower) / Double(points - 1)
        let tolerance = 1e-5 * h
        guard lower >= -tolerance else {
            throw InputError(
                "\(origin):r", "starts at \(lower); a radius is never negative",
                hint: "export f on r = np.linspace(0, r_max, n)")
        }
        guard abs(lower) <= tolerance || abs(lower - h) <= tolerance else {
            throw InputError(
                "\(origin):r",
                "starts at \(lower), which is neither 0 nor its spacing \(h); the origin must be a grid node (u = rψ vanishes there)",
                hint: "export f on r = np.linspace(0, r_max, n), or on r = h, 2h, …, r_max")
        }
        guard points >= 5 else {
            throw InputError("\(origin):r", "has \(points) points; a radial field needs at least 5")
        }
    }

    /// "at time index k (t = …), grid point (i, j) x = (…)".
    static func where_(k: Int, times: [Double]?, node: Int, grid: UniformGrid) -> String {
        var x = [Double](repeating: 0, count: grid.dimension)
        grid.point(node, into: &x)
        var index: [Int] = []
        var rest = node
        for a in stride(from: grid.dimension - 1, through: 0, by: -1) {
            index.insert(rest % grid.points[a], at: 0)
            rest /= grid.points[a]
        }
        let time = times.map { "at time index \(k) (t = \($0[k])), " } ?? "at "
        return
            "\(time)grid point (\(index.map(String.init).joined(separator: ", "))) x = (\(x.map { String($0) }.joined(separator: ", ")))"
    }
}
