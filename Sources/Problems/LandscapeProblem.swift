import AdiabatCore
import Foundation
import Landscapes
import Quantum

/// A landscape problem file (TOML, `kind = "landscape"`), read and validated: the density, its
/// grid, and its forward process. See `docs/problem-files.md` for the format.
///
///     name = "double-well"
///     kind = "landscape"
///     description = "½N(−2, 0.5²) + ½N(2, 0.5²): two wells, a tunnelling gap"
///
///     [landscape]
///     type = "gaussian-mixture"
///     weights = [0.5, 0.5]
///     means = [[-2.0], [2.0]]
///     stddevs = [0.5, 0.5]
///
///     [grid]
///     lower = [-7.0]
///     upper = [7.0]
///     points = [1401]
///
///     [diffusion]
///     process = "ou"
///     t_max = 3.0
///
/// Every error names the file and line and says what to do; unknown keys are refused.
public struct LandscapeProblem: Sendable {
    /// What defines the density.
    public enum Source: Sendable {
        /// A landscape with its score (analytic, tabulated, Boltzmann, or learned).
        case landscape(any Landscape)
        /// A potential `V` at every node of the grid: the density is the ground state of
        /// `−∇² + V` (Hamiltonian → score, done by the Bridge module).
        case potential([Double])
    }

    /// The landscape types a problem file may name.
    public static let types = [
        "gaussian", "gaussian-mixture", "two-moons", "hydrogen", "boltzmann", "tabulated", "ground-state", "samples",
    ]

    public var name: String
    public var description: String
    public var file: URL
    /// The `[landscape] type`.
    public var type: String
    public var source: Source
    /// For `type = "samples"` drawn from an exact landscape: that landscape (the reference
    /// for the learned score's spectrum).
    public var reference: (any Landscape)?
    public var discretisation: Discretisation
    public var process: ForwardProcess
    public var tMax: Double

    /// The dimension of the density (3 for radial problems).
    public var dimension: Int {
        switch discretisation {
        case .grid(let g, _): return g.dimension
        case .radial: return 3
        }
    }

    /// Reads a problem file. `seed` drives any random draw the file asks for (`draw = N`).
    public static func load(contentsOf url: URL, seed: UInt64 = 20_260_605) throws -> LandscapeProblem {
        let root = try TOMLSection.load(contentsOf: url)
        return try read(root, file: url, seed: seed)
    }

    /// Parses problem text; `file` names it in errors and anchors relative paths.
    public static func parse(_ text: String, file: URL, seed: UInt64 = 20_260_605) throws -> LandscapeProblem {
        try read(try TOMLSection.parse(text, file: file.path), file: file, seed: seed)
    }

    /// Reads a parsed problem file (`kind = "landscape"`); `file` anchors relative paths.
    public static func read(_ root: TOMLSection, file: URL, seed: UInt64) throws -> LandscapeProblem {
        let kind = try root.string("kind")
        guard let kind else {
            throw InputError(root.location(), "missing key 'kind'", hint: "set kind = \"landscape\"")
        }
        guard kind == "landscape" else {
            if kind == "annealing" {
                throw root.error("kind", "is \"annealing\": this file is an annealing problem, not a landscape")
            }
            throw root.error("kind", "is \"\(kind)\"; expected \"landscape\" or \"annealing\"")
        }
        if ScoreFieldProblem.isScoreField(root) {
            throw InputError(
                try root.requireSection("landscape").location("type"),
                "type = \"score-field\": a tabulated score field has no density, so this command cannot use it",
                hint: "score fields take spectrum, translate --to hamiltonian, evolve and sample (docs/score-fields.md)")
        }
        let name = try root.string("name") ?? file.deletingPathExtension().lastPathComponent
        let description = try root.string("description") ?? ""
        try root.checkTables(allowed: ["landscape", "grid", "diffusion"])
        let landscapeSection = try root.requireSection("landscape")
        let gridSection = try root.requireSection("grid")
        let diffusion = try root.section("diffusion")
        try root.finish()

        let type = try landscapeSection.requireString("type")
        guard types.contains(type) else {
            throw landscapeSection.error("type", "is \"\(type)\"; expected one of: \(types.joined(separator: ", "))")
        }
        let directory = file.deletingLastPathComponent()
        let discretisation = try readGrid(gridSection, radialAllowed: type == "hydrogen" || type == "samples")
        var process = ForwardProcess.ou
        var tMax = 3.0
        if let diffusion {
            let text = try diffusion.choice("process", ForwardProcess.allCases.map(\.rawValue), default: "ou") ?? "ou"
            process = ForwardProcess(rawValue: text) ?? .ou
            tMax = try diffusion.double("t_max", default: 3)
            guard tMax > 0 else { throw diffusion.error("t_max", "must be positive (got \(tMax))") }
            try diffusion.finish()
        }
        var reference: (any Landscape)? = nil
        let source = try readLandscape(
            landscapeSection, type: type, discretisation: discretisation, gridSection: gridSection, directory: directory,
            seed: seed,
            reference: &reference)
        try landscapeSection.finish()
        // The grid must fit the density.
        if case .landscape(let l) = source {
            switch discretisation {
            case .grid(let g, _):
                guard g.dimension == l.dimension else {
                    throw InputError(
                        gridSection.location(), "[grid] has \(g.dimension) axes but the \(type) landscape is \(l.dimension)-D",
                        hint: l is any RadialLandscape
                            ? "a radial landscape takes r_max and points"
                            : "give \(l.dimension) entries in lower, upper and points")
                }
            case .radial:
                guard l is any RadialLandscape else {
                    throw InputError(
                        gridSection.location(), "a radial grid (r_max) needs a radial landscape",
                        hint: "use lower, upper and points, or basis = \"radial\" for samples")
                }
            }
        }
        return LandscapeProblem(
            name: name, description: description, file: file, type: type, source: source, reference: reference,
            discretisation: discretisation, process: process, tMax: tMax)
    }

    // MARK: Sections

    static func readGrid(_ s: TOMLSection, radialAllowed: Bool) throws -> Discretisation {
        if s.has("r_max") {
            guard radialAllowed else {
                throw s.error("r_max", "gives a radial grid, which only radial landscapes (hydrogen, radial samples) use")
            }
            let rMax = try s.requireDouble("r_max")
            guard let points = try s.int("points") else {
                throw InputError(s.location(), "missing key 'points' in [grid] (the number of radial nodes)")
            }
            guard rMax > 0 else { throw s.error("r_max", "must be positive (got \(rMax))") }
            let grid = try located(s, "points") { try RadialGrid(rMax: rMax, points: points) }
            try s.finish()
            return .radial(grid)
        }
        let lower = try s.requireDoubles("lower")
        let upper = try s.requireDoubles("upper")
        guard let points = try s.ints("points") else {
            throw InputError(s.location(), "missing key 'points' in [grid] (nodes per axis, e.g. points = [801])")
        }
        let orderValue = try s.int("laplacian_order", default: 2)
        guard let order = LaplacianOrder(rawValue: orderValue) else {
            throw s.error("laplacian_order", "is \(orderValue); expected 2, 4 or 6")
        }
        let grid = try located(s, "points") { try UniformGrid(lower: lower, upper: upper, points: points) }
        for a in 0..<grid.dimension where grid.points[a] <= order.reach {
            throw s.error("points", "needs more than \(order.reach) nodes per axis for the order-\(order.rawValue) stencil")
        }
        try s.finish()
        return .grid(grid, order: order)
    }

    /// Runs `body`, re-throwing an `InputError` with the key's `file:line`.
    static func located<T>(_ s: TOMLSection, _ key: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as InputError {
            throw InputError(s.location(key), e.location.isEmpty ? e.message : "\(e.location): \(e.message)", hint: e.hint)
        }
    }

    static func readLandscape(
        _ s: TOMLSection, type: String, discretisation: Discretisation, gridSection: TOMLSection, directory: URL, seed: UInt64,
        reference: inout (any Landscape)?
    ) throws -> Source {
        switch type {
        case "gaussian", "gaussian-mixture", "two-moons", "hydrogen":
            return .landscape(try readExact(s, type: type))
        case "boltzmann":
            guard case .grid(let grid, _) = discretisation else {
                throw InputError(
                    gridSection.location(), "a Boltzmann density is tabulated on a uniform grid (lower, upper, points)")
            }
            let temperature = try s.double("temperature", default: 1)
            guard temperature > 0 else { throw s.error("temperature", "must be positive (got \(temperature))") }
            let energy = try readField(s, formulaKey: "energy", grid: grid, directory: directory)
            return .landscape(
                try located(s, "energy") { try GridDensity.boltzmann(grid: grid, energy: energy, temperature: temperature) })
        case "tabulated":
            guard case .grid(let grid, _) = discretisation else {
                throw InputError(gridSection.location(), "a tabulated density needs a uniform grid (lower, upper, points)")
            }
            if s.has("log_density") {
                let values = try readField(s, formulaKey: "log_density", grid: grid, directory: directory)
                return .landscape(try located(s, "log_density") { try GridDensity(grid: grid, logDensity: values) })
            }
            let column = try s.choice("column", ["density", "log-density"], default: "density") ?? "density"
            let values = try readField(s, formulaKey: "density", grid: grid, directory: directory)
            if column == "log-density" {
                return .landscape(try located(s, "file") { try GridDensity(grid: grid, logDensity: values) })
            }
            let key = s.has("file") ? "file" : "density"
            return .landscape(try located(s, key) { try GridDensity(grid: grid, density: values) })
        case "ground-state":
            guard case .grid(let grid, _) = discretisation else {
                throw InputError(gridSection.location(), "a ground-state landscape needs a uniform grid (lower, upper, points)")
            }
            return .potential(try readField(s, formulaKey: "potential", grid: grid, directory: directory))
        default:  // samples
            return .landscape(
                try readSamples(s, discretisation: discretisation, directory: directory, seed: seed, reference: &reference))
        }
    }

    /// gaussian, gaussian-mixture, two-moons, hydrogen (also as a `[landscape.source]`).
    static func readExact(_ s: TOMLSection, type: String) throws -> any Landscape {
        switch type {
        case "gaussian":
            let mean = try s.requireDoubles("mean")
            let d = mean.count
            guard (1...3).contains(d) else { throw s.error("mean", "must have 1, 2 or 3 coordinates (got \(d))") }
            var covariance: [Double]
            if let rows = try s.doubleRows("covariance") {
                guard rows.count == d, rows.allSatisfy({ $0.count == d }) else {
                    throw s.error("covariance", "must be a \(d)×\(d) matrix (rows of \(d) numbers)")
                }
                covariance = rows.flatMap { $0 }
                if s.has("stddev") { throw s.error("stddev", "conflicts with covariance; give one of them") }
            } else if let sd = try s.double("stddev") {
                guard sd > 0 else { throw s.error("stddev", "must be positive (got \(sd))") }
                covariance = [Double](repeating: 0, count: d * d)
                for a in 0..<d { covariance[a * d + a] = sd * sd }
            } else {
                try s.finish()  // a misspelt key is the likelier mistake: name it first
                throw InputError(s.location(), "a gaussian needs covariance = [[…]] or stddev = …")
            }
            return try located(s, "covariance") { try GaussianMixture.gaussian(mean: mean, covariance: covariance) }
        case "gaussian-mixture":
            let weights = try s.requireDoubles("weights")
            guard let means = try s.doubleRows("means") else {
                _ = try s.doubleMatrices("covariances")
                _ = try s.doubles("stddevs")
                try s.finish()
                throw InputError(
                    s.location(), "missing key 'means' in [landscape] (one point per component, e.g. [[-2.0], [2.0]])")
            }
            guard means.count == weights.count else {
                throw s.error("means", "has \(means.count) components but weights has \(weights.count)")
            }
            if let matrices = try s.doubleMatrices("covariances") {
                if s.has("stddevs") { throw s.error("stddevs", "conflicts with covariances; give one of them") }
                guard matrices.count == weights.count else {
                    throw s.error("covariances", "has \(matrices.count) matrices for \(weights.count) components")
                }
                var components: [GaussianMixture.Component] = []
                for k in weights.indices {
                    let d = means[k].count
                    guard matrices[k].count == d, matrices[k].allSatisfy({ $0.count == d }) else {
                        throw s.error("covariances", "entry \(k) must be a \(d)×\(d) matrix")
                    }
                    components.append(.init(weight: weights[k], mean: means[k], covariance: matrices[k].flatMap { $0 }))
                }
                return try located(s, "covariances") { try GaussianMixture(components: components) }
            }
            guard let sds = try s.doubles("stddevs") else {
                try s.finish()
                throw InputError(s.location(), "a gaussian-mixture needs stddevs = […] (isotropic) or covariances = [[[…]], …]")
            }
            return try located(s, "means") { try GaussianMixture(weights: weights, means: means, standardDeviations: sds) }
        case "two-moons":
            let n = try s.int("components_per_arc", default: 16)
            let sd = try s.double("stddev", default: 0.1)
            return try located(s, "stddev") { try GaussianMixture.twoMoons(componentsPerArc: n, standardDeviation: sd) }
        default:  // hydrogen
            let a = try s.double("bohr_radius", default: 1)
            return try located(s, "bohr_radius") { try HydrogenOrbital(bohrRadius: a) }
        }
    }

    /// A field on the grid from a formula key, or from `file = "…csv"` (one row per node:
    /// the node's coordinates, then the value).
    static func readField(_ s: TOMLSection, formulaKey: String, grid: UniformGrid, directory: URL) throws -> [Double] {
        let formula = try s.string(formulaKey)
        let file = try s.string("file")
        switch (formula, file) {
        case (let f?, nil):
            let parsed = try Formula(f, dimension: grid.dimension, location: s.location(formulaKey))
            return try located(s, formulaKey) { try parsed.sample(on: grid, field: formulaKey) }
        case (nil, let path?):
            return try GridTable.read(directory.appendingPathComponent(path), grid: grid, origin: s.location("file"))
        case (.some, .some):
            throw s.error("file", "conflicts with \(formulaKey); give a formula or a file, not both")
        case (nil, nil):
            try s.finish()
            throw InputError(
                s.location(), "missing key '\(formulaKey)' (a formula such as \"x^4 - 2*x^2\") or 'file' (a CSV table)")
        }
    }

    /// `type = "samples"`: a samples file or `draw = N` from a `[landscape.source]`, fitted
    /// by score matching with a radial or polynomial basis.
    static func readSamples(
        _ s: TOMLSection, discretisation: Discretisation, directory: URL, seed: UInt64, reference: inout (any Landscape)?
    ) throws -> any Landscape {
        let basis = try s.choice("basis", ["radial", "polynomial"], default: nil)
        let dimension: Int
        switch discretisation {
        case .radial: dimension = 3
        case .grid(let g, _): dimension = g.dimension
        }
        let resolvedBasis = basis ?? (discretisation.isRadial ? "radial" : "polynomial")
        if resolvedBasis == "radial" && !discretisation.isRadial {
            throw s.error("basis", "is \"radial\": give the radial grid ([grid] r_max and points)")
        }
        if resolvedBasis == "polynomial" && discretisation.isRadial {
            throw s.error("basis", "is \"polynomial\": a radial grid needs basis = \"radial\"")
        }
        let samples: [Double]
        let draw = try s.int("draw")
        let file = try s.string("file")
        let sourceSection = try s.section("source")
        switch (draw, file) {
        case (let n?, nil):
            guard n >= 10, n <= 50_000_000 else { throw s.error("draw", "must be between 10 and 50000000 (got \(n))") }
            guard let sourceSection else {
                throw InputError(
                    s.location("draw"), "draw = \(n) needs a [landscape.source] table naming the landscape to sample")
            }
            let sourceType = try sourceSection.requireString("type")
            let sampleable = ["gaussian", "gaussian-mixture", "two-moons", "hydrogen"]
            guard sampleable.contains(sourceType) else {
                throw sourceSection.error(
                    "type", "is \"\(sourceType)\"; samples can be drawn from: \(sampleable.joined(separator: ", "))")
            }
            guard let exact = try readExact(sourceSection, type: sourceType) as? any SampleableLandscape else {
                throw sourceSection.error("type", "cannot be sampled")
            }
            try sourceSection.finish()
            guard exact.dimension == dimension else {
                throw sourceSection.error("type", "is \(exact.dimension)-D but the grid is \(dimension)-D")
            }
            samples = exact.sample(count: n, stream: try RandomSource(seed: seed))
            reference = exact
        case (nil, let path?):
            if sourceSection != nil { throw s.error("source", "is only used with draw = N") }
            samples = try SampleTable.read(
                directory.appendingPathComponent(path), dimension: dimension, origin: s.location("file"))
        case (.some, .some):
            throw s.error("file", "conflicts with draw; give a samples file or draw = N, not both")
        case (nil, nil):
            for key in ["basis_size", "length_scale", "degree"] { _ = s.has(key) }
            try s.finish()
            throw InputError(
                s.location(), "a samples landscape needs file = \"samples.csv\" or draw = N with a [landscape.source]")
        }
        if resolvedBasis == "radial" {
            let size = try s.int("basis_size", default: 4)
            let length = try s.double("length_scale")
            return try located(s, "type") {
                try LearnedRadialScore(samples: samples, basisSize: size, lengthScale: length, seed: seed)
            }
        }
        let degree = try s.int("degree", default: 4)
        return try located(s, "type") { try LearnedScore(samples: samples, dimension: dimension, degree: degree, seed: seed) }
    }
}

extension Discretisation {
    var isRadial: Bool {
        if case .radial = self { return true }
        return false
    }
}

/// CSV tables of grid values: one row per node, the node's coordinates then the value; `#`
/// comments, blank lines and one header row are allowed; every node exactly once.
enum GridTable {
    static func read(_ url: URL, grid: UniformGrid, origin: String) throws -> [Double] {
        let rows = try CSVRows.read(url, columns: grid.dimension + 1, origin: origin)
        var values = [Double](repeating: .nan, count: grid.count)
        let spacing = grid.spacing
        let strides = grid.strides
        for (line, row) in rows {
            var index = 0
            for a in 0..<grid.dimension {
                let f = (row[a] - grid.lower[a]) / spacing[a]
                let i = f.isFinite && abs(f) < 1e15 ? Int(f.rounded()) : -1
                guard i >= 0, i < grid.points[a], abs(f - Double(i)) < 1e-6 else {
                    throw InputError(
                        "\(url.path):\(line)",
                        "coordinate \(row[a]) is not a node of grid axis \(a) (\(grid.lower[a]) to \(grid.upper[a]), \(grid.points[a]) points)"
                    )
                }
                index += i * strides[a]
            }
            guard values[index].isNaN else {
                throw InputError("\(url.path):\(line)", "node \(Array(row.prefix(grid.dimension))) appears twice")
            }
            values[index] = row[grid.dimension]
        }
        if let missing = values.firstIndex(where: { $0.isNaN }) {
            var x = [Double](repeating: 0, count: grid.dimension)
            grid.point(missing, into: &x)
            throw InputError(
                url.path, "has no row for the node \(x) (\(values.filter(\.isNaN).count) of \(grid.count) nodes missing)")
        }
        return values
    }
}

/// CSV files of samples: one sample per row, `dimension` numbers.
enum SampleTable {
    static func read(_ url: URL, dimension: Int, origin: String) throws -> [Double] {
        try CSVRows.read(url, columns: dimension, origin: origin).flatMap { $0.1 }
    }
}

enum CSVRows {
    /// (line number, numbers) for every data row.
    static func read(_ url: URL, columns: Int, origin: String) throws -> [(Int, [Double])] {
        let text: String
        do {
            text = try InputFile.readText(url, what: "CSV table")
        } catch let e as InputError {
            throw InputError(origin, "\(e.location): \(e.message)", hint: "paths are relative to the problem file")
        }
        var rows: [(Int, [Double])] = []
        var sawHeader = false
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let cells = trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = cells.map { Double($0) }
            if numbers.contains(where: { $0 == nil }) {
                if rows.isEmpty && !sawHeader {
                    sawHeader = true
                    continue
                }
                throw InputError("\(url.path):\(offset + 1)", "'\(trimmed)' is not a row of numbers")
            }
            guard cells.count == columns else {
                throw InputError("\(url.path):\(offset + 1)", "has \(cells.count) columns, expected \(columns)")
            }
            let values = numbers.map { $0 ?? .nan }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw InputError("\(url.path):\(offset + 1)", "column \(bad + 1) is not finite")
            }
            rows.append((offset + 1, values))
        }
        guard !rows.isEmpty else { throw InputError(url.path, "has no data rows") }
        return rows
    }
}
