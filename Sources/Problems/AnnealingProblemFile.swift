import AdiabatCore
import Foundation
import Quantum

/// The shape `s(τ/T)` of an annealing schedule as a problem file gives it.
public enum AnnealingScheduleSpec: Sendable, Equatable {
    case linear
    case cosine
    /// `I_r(k+1, k+1)`: first `k` derivatives vanish at both ends.
    case boundaryCancelling(order: Int)
    /// Roland–Cerf local adiabatic schedule from the gap profile at `samples` points, refined
    /// adaptively to `tolerance` when given (``AnnealingHamiltonian/adiabaticGapProfile(samples:relativeTolerance:maximumSamples:)``).
    case rolandCerf(samples: Int, tolerance: Double? = nil)
    /// D-Wave-style `(time, s)` points joined linearly: pauses, quenches, reverse anneals.
    case points(times: [Double], s: [Double])
    /// A schedule of the shared library that this reader does not build itself (the
    /// gap-adaptive and diffusion names, carried to the annealing path): Bridge's
    /// `ScheduleLibrary` builds it, with `order` and `gapSamples`.
    case library(ScheduleName, order: Int, gapSamples: Int)

    /// Names accepted by `[schedule] type`: every name of the schedule library (the same as
    /// `--schedule`), plus `points` and `table`.
    public static let names = ScheduleName.allCases.filter { $0 != .problem }.map(\.rawValue) + ["points", "table"]

    /// The fixed duration of a `points` schedule.
    public var fixedDuration: Double? {
        if case let .points(times, _) = self { return times.last }
        return nil
    }

    /// The normalised schedule for `hamiltonian` (Roland–Cerf computes its gap profile).
    public func schedule(for hamiltonian: AnnealingHamiltonian) throws -> Schedule {
        switch self {
        case .linear: return .linear
        case .cosine: return .cosine
        case .boundaryCancelling(let k): return try .boundaryCancelling(order: k)
        case let .rolandCerf(samples, tolerance):
            return try .rolandCerf(for: hamiltonian, samples: samples, relativeTolerance: tolerance)
        case let .points(times, s):
            let total = times[times.count - 1]
            return try .piecewiseLinear(r: times.map { $0 / total }, u: s, name: "points")
        case .library(let name, _, _):
            throw InputError(
                "anneal.schedule", "\(name.rawValue) is built by the schedule library (Bridge's ScheduleLibrary), not here",
                hint: "load the problem through Bridge's Problem")
        }
    }

    /// Validates `(time, s)` points: times strictly increasing from 0, every `s` in [0, 1].
    public static func points(times: [Double], s: [Double], location: String) throws -> AnnealingScheduleSpec {
        guard times.count >= 2, times.count == s.count else {
            throw InputError(location, "a points schedule needs at least 2 (time, s) pairs")
        }
        try Check.finite(times, "\(location) time")
        try Check.finite(s, "\(location) s")
        guard times[0] == 0 else { throw InputError(location, "the first point must be at time 0 (got \(times[0]))") }
        for i in 1..<times.count where !(times[i] > times[i - 1]) {
            throw InputError(location, "times must increase strictly (point \(i + 1): \(times[i]) after \(times[i - 1]))")
        }
        if let i = s.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw InputError(location, "s must lie in [0, 1] (point \(i + 1): \(s[i]))")
        }
        return .points(times: times, s: s)
    }
}

/// An annealing problem as read from a file: the model, the path `A(s), B(s)`, the
/// schedule shape, and defaults for the run.
public struct AnnealingSpec: Sendable {
    public var name: String
    public var file: String
    public var summary: String?
    public var model: BinaryQuadraticModel
    /// Energies added to single configurations of `model` (basis indices, docs/problem-files.md):
    /// `[problem] type = "search"` is the zero model with offset 1 plus `−|m⟩⟨m|`, Grover's
    /// oracle. Empty for plain Ising/QUBO problems; classical solvers that read `model`'s
    /// biases must refuse a problem where this is not empty.
    public var diagonalTerms: [DiagonalTerm] = []
    public var path: AnnealingPath
    public var schedule: AnnealingScheduleSpec
    /// Default total time (from `total_time`, or the last point of a `points` schedule).
    public var totalTime: Double?
    /// Classical initial state in spins (±1), e.g. for reverse annealing.
    public var initialSpins: [Int]?
    /// The known ground energy of `H_P` (`[problem] ground_energy`, offset included): the
    /// spin samplers' reference for instances too large to enumerate (docs/sqa.md).
    public var groundEnergy: Double? = nil

    /// Reads a TOML problem file (`kind = "annealing"`) or a `.coo` / `.json` / `.qubo` file
    /// (which gets the default linear path and schedule). `vartype` (the command line's
    /// `--vartype`) says the vartype of a header-less COO file, as dimod's default
    /// `coo.dump(bqm, f)` writes it; given for a file that states its own vartype, it must agree.
    public static func load(_ url: URL, vartype: Vartype? = nil) throws -> AnnealingSpec {
        let ext = url.pathExtension.lowercased()
        if ProblemLocator.annealingExtensions.contains(ext) {
            let model = try AnnealingFormats.read(url, vartype: ext == "coo" ? vartype : nil)
            if let v = vartype, model.vartype != v {
                throw InputError(
                    "problem.vartype", "is \(v.rawValue) but \(url.lastPathComponent) holds a \(model.vartype.rawValue) model",
                    hint: "drop --vartype: only a COO file without a '# vartype=' header needs it")
            }
            return AnnealingSpec(
                name: url.deletingPathExtension().lastPathComponent, file: url.path, summary: nil, model: model, path: .linear,
                schedule: .linear, totalTime: nil, initialSpins: nil)
        }
        if vartype != nil {
            throw InputError(
                "problem.vartype", "applies to a .coo file given on the command line; \(url.lastPathComponent) is a TOML problem",
                hint: "set vartype = \"spin\" or \"binary\" in its [problem] table")
        }
        let root = try TOMLSection.load(contentsOf: url)
        return try parse(root, directory: url.deletingLastPathComponent())
    }

    /// Parses the TOML of an annealing problem.
    public static func parse(_ root: TOMLSection, directory: URL) throws -> AnnealingSpec {
        let kind = try root.requireString("kind")
        guard kind == "annealing" else { throw root.error("kind", "is \"\(kind)\"; this reader handles kind = \"annealing\"") }
        let name = try root.string("name") ?? URL(fileURLWithPath: root.file).deletingPathExtension().lastPathComponent
        let summary = try root.string("summary") ?? root.string("description")

        // (A [catalyst] is read by Bridge's SpinProblem before this, which marks it as known.)
        try root.checkTables(allowed: ["problem", "schedule"])
        let problem = try root.requireSection("problem")
        let problemType = try problem.choice("type", ["ising", "search"], default: "ising") ?? "ising"
        let vartypeName = try problem.choice("vartype", ["spin", "binary", "SPIN", "BINARY"])
        let vartype = vartypeName.map { Vartype(rawValue: $0.uppercased()) ?? .spin }
        var model: BinaryQuadraticModel
        var diagonalTerms: [DiagonalTerm] = []
        if problemType == "search" {
            (model, diagonalTerms) = try searchModel(problem)
        } else if let file = try problem.string("file") {
            for key in ["h", "J", "offset", "labels"] where problem.has(key) {
                throw problem.error(
                    key, "cannot be combined with file = \"\(file)\"", hint: "give the model inline or in a file, not both")
            }
            let url = resolve(file, directory)
            guard ProblemLocator.annealingExtensions.contains(url.pathExtension.lowercased()) else {
                throw problem.error("file", "must be a .coo, .json or .qubo file (got \"\(file)\")")
            }
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw problem.error("file", "\"\(file)\" does not exist (looked for \(url.path))")
            }
            model = try AnnealingFormats.read(url, vartype: url.pathExtension.lowercased() == "coo" ? vartype : nil)
            if let v = vartype, model.vartype != v, url.pathExtension.lowercased() != "coo" {
                throw problem.error("vartype", "is \(v.rawValue) but \(file) holds a \(model.vartype.rawValue) model")
            }
        } else {
            model = try inlineModel(problem, vartype: vartype ?? .spin)
        }
        let groundEnergy = try problem.double("ground_energy")
        if let g = groundEnergy, !g.isFinite { throw problem.error("ground_energy", "must be a finite number (got \(g))") }
        try problem.finish()

        var path = AnnealingPath.linear
        var driver = AnnealingPath.Driver.transverseField
        var spec = AnnealingScheduleSpec.linear
        var totalTime: Double? = nil
        var initialSpins: [Int]? = nil
        if let schedule = try root.section("schedule") {
            let type = try schedule.choice("type", AnnealingScheduleSpec.names, default: "linear") ?? "linear"
            let unitName = try schedule.choice("time_unit", TimeUnit.allCases.map(\.rawValue))
            let energyUnit = try schedule.choice("energy_unit", ["GHz", "native"], default: "GHz") ?? "GHz"
            if let file = try schedule.string("file") {
                let url = resolve(file, directory)
                let rows = try AnnealingFormats.readCSV(url, columns: 3, what: "schedule table (s, A, B)")
                let s = rows.map { $0[0] }
                let a = rows.map { $0[1] }
                let b = rows.map { $0[2] }
                do {
                    if energyUnit == "GHz" {
                        guard let unitName, let unit = TimeUnit(rawValue: unitName) else {
                            throw schedule.error(
                                "file", "gives A, B in GHz, so the time unit must be set",
                                hint: "add time_unit = \"us\" or \"ns\" (or energy_unit = \"native\")")
                        }
                        path = try .dwave(s: s, a: a, b: b, timeUnit: unit, name: url.deletingPathExtension().lastPathComponent)
                    } else {
                        path = try .table(s: s, a: a, b: b, name: url.deletingPathExtension().lastPathComponent)
                    }
                } catch let e as InputError where !e.location.contains(":") {
                    throw InputError(url.path, e.message, hint: e.hint)
                }
            } else if type == "table" {
                throw schedule.error("type", "is \"table\" but no file = \"….csv\" with columns s, A(s), B(s) is given")
            }
            if let name = try schedule.choice("driver", AnnealingPath.Driver.allCases.map(\.rawValue)) {
                driver = AnnealingPath.Driver(rawValue: name) ?? .transverseField
            }
            let order = try schedule.int("order", default: 2)
            let samples = try schedule.int("gap_samples", default: 41)
            func checkGapSamples() throws {
                let r = GapProfile.sampleRange
                guard r.contains(samples) else {
                    throw schedule.error("gap_samples", "must be \(r.lowerBound)…\(r.upperBound) (got \(samples))")
                }
            }
            let gapTolerance = try schedule.double("gap_tolerance")
            if let g = gapTolerance, !(g > 0 && g < 1) {
                throw schedule.error(
                    "gap_tolerance", "must lie in (0, 1) (got \(g))", hint: "0.02 resolves narrow avoided crossings")
            }
            if gapTolerance != nil && type != "roland-cerf" {
                throw schedule.error("gap_tolerance", "applies to type = \"roland-cerf\" only (this schedule is \"\(type)\")")
            }
            switch type {
            case "linear", "table": spec = .linear
            case "cosine": spec = .cosine
            case "boundary-cancelling":
                guard (0...12).contains(order) else { throw schedule.error("order", "must be 0…12 (got \(order))") }
                spec = .boundaryCancelling(order: order)
            case "roland-cerf":
                try checkGapSamples()
                spec = .rolandCerf(samples: samples, tolerance: gapTolerance)
            case _ where type != "points":
                guard let name = ScheduleName(rawValue: type) else { throw schedule.error("type", "is \"\(type)\"") }
                try checkGapSamples()
                spec = .library(name, order: order, gapSamples: samples)
            default:  // points
                var pairs: [[Double]]
                if let rows = try schedule.doubleRows("points") {
                    pairs = rows
                    if let i = rows.firstIndex(where: { $0.count != 2 }) {
                        throw schedule.error("points", "entry \(i + 1) must be a [time, s] pair")
                    }
                } else if let file = try schedule.string("points_file") {
                    pairs = try AnnealingFormats.readCSV(resolve(file, directory), columns: 2, what: "schedule points (time, s)")
                } else {
                    throw schedule.error("type", "is \"points\" but neither points = [[time, s], …] nor points_file is given")
                }
                spec = try .points(times: pairs.map { $0[0] }, s: pairs.map { $0[1] }, location: schedule.location("points"))
            }
            totalTime = try schedule.double("total_time")
            if let t = totalTime {
                guard t > 0 else { throw schedule.error("total_time", "must be positive (got \(t))") }
                if let fixed = spec.fixedDuration, abs(fixed - t) > 1e-12 * fixed {
                    throw schedule.error("total_time", "is \(t) but the points schedule lasts \(fixed)", hint: "drop total_time")
                }
            }
            if totalTime == nil { totalTime = spec.fixedDuration }
            if let values = try schedule.ints("initial_state") {
                guard values.count == model.variableCount else {
                    throw schedule.error("initial_state", "has \(values.count) values for \(model.variableCount) variables")
                }
                if model.vartype == .binary {
                    guard values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
                        throw schedule.error("initial_state", "must hold 0/1 values for a BINARY model")
                    }
                    initialSpins = values.map { 2 * $0 - 1 }  // dimod: z = 2x − 1
                } else {
                    guard values.allSatisfy({ $0 == 1 || $0 == -1 }) else {
                        throw schedule.error("initial_state", "must hold ±1 values for a SPIN model")
                    }
                    initialSpins = values
                }
            }
            try schedule.finish()
        }
        try root.finish()
        return AnnealingSpec(
            name: name, file: root.file, summary: summary, model: model, diagonalTerms: diagonalTerms,
            path: path.with(driver: driver), schedule: spec, totalTime: totalTime, initialSpins: initialSpins,
            groundEnergy: groundEnergy)
    }

    /// `[problem] type = "search"`: Grover's oracle `H_P = 1 − |m⟩⟨m|` on `qubits` qubits,
    /// the marked configuration given as `marked = [±1, …]` (spins) or `marked_index = k`
    /// (basis index, bit `i` set ⇔ spin `i` is −1). Built as the zero model with offset 1 and
    /// the diagonal term `−|m⟩⟨m|`: no quadratic model can express a single marked state.
    static func searchModel(_ problem: TOMLSection) throws -> (BinaryQuadraticModel, [DiagonalTerm]) {
        for key in ["file", "h", "J", "offset", "labels", "vartype"] where problem.has(key) {
            throw problem.error(key, "does not apply to type = \"search\" (its H_P is 1 − |m⟩⟨m|)")
        }
        guard let n = try problem.int("qubits") else {
            throw problem.error("qubits", "is required for type = \"search\"", hint: "e.g. qubits = 8")
        }
        guard (1...QubitRegister.maximumQubits).contains(n) else {
            throw problem.error("qubits", "must be 1…\(QubitRegister.maximumQubits) (got \(n))")
        }
        let spins = try problem.ints("marked")
        let index = try problem.int("marked_index")
        let state: Int
        switch (spins, index) {
        case (let z?, nil):
            guard z.count == n else { throw problem.error("marked", "has \(z.count) spins for \(n) qubits") }
            guard z.allSatisfy({ $0 == 1 || $0 == -1 }) else { throw problem.error("marked", "must hold ±1 spins") }
            state = z.enumerated().reduce(0) { $0 | ($1.element == -1 ? 1 << $1.offset : 0) }
        case (nil, let k?):
            guard k >= 0, k < 1 << n else { throw problem.error("marked_index", "must lie in 0…\((1 << n) - 1) (got \(k))") }
            state = k
        default:
            throw problem.error(
                "marked", "give exactly one of marked = [±1, …] or marked_index = k", hint: "the marked configuration")
        }
        let model = try BinaryQuadraticModel(
            labels: (0..<n).map(String.init), vartype: .spin, linear: [Double](repeating: 0, count: n), quadratic: [], offset: 1)
        return (model, [DiagonalTerm(state: state, value: -1)])
    }

    static func resolve(_ file: String, _ directory: URL) -> URL {
        file.hasPrefix("/") ? URL(fileURLWithPath: file) : directory.appendingPathComponent(file)
    }

    /// Inline `h` / `J` / `offset` / `labels`. `h` is an array (one bias per variable) or a
    /// table `label = bias`; `J` an array of `[i, j, J]` triples (indices) or a table
    /// `"u,v" = J` (labels).
    static func inlineModel(_ problem: TOMLSection, vartype: Vartype) throws -> BinaryQuadraticModel {
        var labels = try problem.strings("labels")
        var linear: [Double] = []
        if problem.has("h"), let table = try? problem.section("h") {
            let keys = table.table.keys
            if labels == nil { labels = keys }
            guard let names = labels else { throw problem.error("h", "is empty") }
            linear = [Double](repeating: 0, count: names.count)
            for key in keys {
                guard let i = names.firstIndex(of: key) else {
                    throw table.error(key, "label out of range: '\(key)' is not one of labels")
                }
                linear[i] = try table.requireDouble(key)
            }
        } else if let values = try problem.doubles("h") {
            linear = values
        }
        var quadratic: [Coupling] = []
        if problem.has("J"), let table = try? problem.section("J") {
            for key in table.table.keys {
                let parts = key.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
                guard parts.count == 2 else { throw table.error(key, "must name two variables as \"u,v\"") }
                if labels == nil { labels = (0..<linear.count).map(String.init) }
                var names = labels ?? []
                var idx: [Int] = []
                for p in parts {
                    if let i = names.firstIndex(of: p) {
                        idx.append(i)
                    } else if linear.isEmpty || problem.table["h"] == nil {
                        names.append(p)
                        linear.append(0)
                        idx.append(names.count - 1)
                    } else {
                        throw table.error(key, "label out of range: '\(p)' has no entry in h or labels")
                    }
                }
                labels = names
                quadratic.append(Coupling(idx[0], idx[1], try table.requireDouble(key)))
            }
        } else if let rows = try problem.doubleRows("J") {
            for (k, row) in rows.enumerated() {
                guard row.count == 3 else {
                    throw problem.error("J", "entry \(k + 1) must be [i, j, J] (got \(row.count) numbers)")
                }
                let n = max(linear.count, labels?.count ?? 0)
                let i: Int
                let j: Int
                do {
                    i = try Checked.integer(row[0], "i", in: 0...Checked.maximumIndex)
                    j = try Checked.integer(row[1], "j", in: 0...Checked.maximumIndex)
                } catch let e as InputError {
                    throw problem.error("J", "entry \(k + 1): \(e.location) \(e.message)", hint: "i and j are variable indices")
                }
                guard i < n, j < n else {
                    throw problem.error(
                        "J", "entry \(k + 1): label out of range: variable \(max(i, j)) but h has \(n) entries",
                        hint: "extend h (use 0 for no field)")
                }
                quadratic.append(Coupling(i, j, row[2]))
            }
        }
        let offset = try problem.double("offset", default: 0)
        let names = labels ?? (0..<linear.count).map(String.init)
        if linear.isEmpty && !names.isEmpty { linear = [Double](repeating: 0, count: names.count) }
        guard !names.isEmpty else {
            throw InputError(
                problem.location(), "[problem] defines no variables",
                hint: "give file = \"x.coo\" or inline h = [...] and J = [[i, j, J], ...]")
        }
        guard names.count == linear.count else {
            throw problem.error("labels", "wrong count: \(names.count) labels for \(linear.count) entries of h")
        }
        do {
            return try BinaryQuadraticModel(labels: names, vartype: vartype, linear: linear, quadratic: quadratic, offset: offset)
        } catch let e as InputError {
            throw InputError(problem.location(), "\(e.location) \(e.message)", hint: e.hint)
        }
    }

    /// The annealing Hamiltonian (spin form of the model on the path).
    public func hamiltonian() throws -> AnnealingHamiltonian {
        try AnnealingHamiltonian(model: model.ising, path: path, diagonalTerms: diagonalTerms)
    }

    /// The total run time: `requested`, or the file's `total_time`; an error naming
    /// `anneal.total_time` when neither is given.
    public func totalTime(_ requested: Double?) throws -> Double {
        guard let T = requested ?? totalTime else {
            throw InputError("anneal.total_time", "is required: \(name) sets no total_time", hint: "give the total run time T")
        }
        return T
    }

    /// A runnable problem: `totalTime` overrides the file's default (a `points` schedule has
    /// a fixed duration that it must then match); `schedule` overrides the file's shape.
    public func problem(
        hamiltonian h: AnnealingHamiltonian, totalTime requested: Double?, schedule override: AnnealingScheduleSpec? = nil
    )
        throws -> AnnealingProblem
    {
        let shape = override ?? schedule
        let T: Double
        if let fixed = shape.fixedDuration {
            if let t = requested, abs(t - fixed) > 1e-12 * fixed {
                throw InputError(
                    "anneal.total_time", "is \(t) but the problem's points schedule lasts \(fixed)",
                    hint: "leave the total time out, or edit the schedule points")
            }
            T = fixed
        } else {
            T = try totalTime(requested)
        }
        return try AnnealingProblem(
            hamiltonian: h, schedule: try shape.schedule(for: h), totalTime: T, initialSpins: initialSpins)
    }
}
