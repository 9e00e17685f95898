import AdiabatCore
import Diffusion
import Foundation
import Landscapes
import Problems
import Quantum

/// One problem, of any kind, loaded once.
///
/// Every subcommand starts from a `Problem`: ``load(_:seed:)`` turns a PROBLEM argument (a
/// path, or the name of a bundled problem) into one of the closed cases below, reading and
/// parsing its file once. A command then asks the problem for what it needs (its landscape
/// path, its annealing Hamiltonian, a law on its spins) instead of working out the kind of file
/// on its own.
///
/// - `landscape`: a density on a grid or in radial channels (TOML `kind = "landscape"`);
/// - `annealing`: an Ising/QUBO problem on a register with its path and schedule, and an
///   optional XX catalyst (TOML `kind = "annealing"`, dimod `.coo`, BQM `.json`, qbsolv
///   `.qubo`). A law on its spins (Boltzmann at β, the ground states, a table) is a question
///   asked of an annealing problem (``SpinLawSpecification``), not a file of its own.
///
/// - `scoreField`: a vector field tabulated on a grid at one or several diffusion times, a
///   user's trained score model (TOML `kind = "landscape"` with `[landscape] type =
///   "score-field"` and an `.npz` file; docs/score-fields.md). It need not be the gradient of
///   anything, so it has no density: `spectrum`, `translate --to hamiltonian`, `evolve` (its
///   Score-Hamiltonian path) and `sample` (on the interpolated field, ``TabulatedScore``) take
///   it, measuring against the file's density or the ground state of its Score Hamiltonian.
///
/// New kinds of problem are new cases here: the compiler then lists every command that must say
/// what it does with them.
public enum Problem: Sendable {
    case landscape(LandscapeProblem)
    case annealing(SpinProblem)
    case scoreField(ScoreFieldProblem)

    /// The problem's name (the file's `name`, or the file name without its extension).
    public var name: String {
        switch self {
        case .landscape(let p): return p.name
        case .annealing(let p): return p.spec.name
        case .scoreField(let p): return p.name
        }
    }

    /// The kind, as the problem files spell it.
    public var kind: ProblemKind {
        switch self {
        case .landscape, .scoreField: return .landscape
        case .annealing: return .annealing
        }
    }

    /// The file the problem was read from.
    public var file: URL {
        switch self {
        case .landscape(let p): return p.file
        case .annealing(let p): return URL(fileURLWithPath: p.spec.file)
        case .scoreField(let p): return p.file
        }
    }

    /// Loads PROBLEM: a path, or the name of a bundled problem (``ProblemLocator``). The file is
    /// read once; `seed` drives any random draw a landscape file asks for (`draw = N`).
    /// `vartype` (`--vartype`) is the vartype of a header-less dimod COO file.
    public static func load(_ argument: String, seed: UInt64, vartype: Vartype? = nil) throws -> Problem {
        try load(url: try ProblemLocator.resolve(argument), seed: seed, vartype: vartype)
    }

    /// Loads the problem file at `url` (read once).
    public static func load(url: URL, seed: UInt64, vartype: Vartype? = nil) throws -> Problem {
        if url.pathExtension.lowercased() == "npz" { return .scoreField(try ScoreFieldProblem.read(archive: url)) }
        guard url.pathExtension.lowercased() == "toml" else {
            return .annealing(SpinProblem(spec: try AnnealingSpec.load(url, vartype: vartype), catalyst: nil))
        }
        if vartype != nil {
            throw InputError(
                "problem.vartype", "applies to a .coo file given on the command line; \(url.lastPathComponent) is a TOML problem",
                hint: "set vartype = \"spin\" or \"binary\" in its [problem] table")
        }
        let root = try TOMLSection.load(contentsOf: url)
        switch try ProblemLocator.kind(of: root) {
        case .landscape:
            if ScoreFieldProblem.isScoreField(root) { return .scoreField(try ScoreFieldProblem.read(root, file: url)) }
            let problem = try LandscapeProblem.read(root, file: url, seed: seed)
            try validate(problem)
            return .landscape(problem)
        case .annealing: return .annealing(try SpinProblem.parse(root, file: url))
        }
    }

    /// The one validation of a landscape's grid and horizon that every command sees
    /// (docs/problem-files.md): `t_max` within the process's horizon (OU ≤ 50, where `e^{−2t}`
    /// has erased the data; VE ≤ 10⁶), a grid spacing of at least 10⁻⁶ (the Laplacian's `4/h²`
    /// stays below 4·10¹²), and the density's mass inside the box (its value on every wall
    /// below 10⁻⁵ of its peak, as the samplers' metrics need).
    public static func validate(_ problem: LandscapeProblem) throws {
        let where_ = problem.file.path
        let horizon = problem.process == .ou ? 50.0 : 1e6
        guard problem.tMax.isFinite, problem.tMax > 0, problem.tMax <= horizon else {
            throw InputError(
                "\(where_): t_max",
                "\(problem.tMax) is beyond the \(problem.process.rawValue.uppercased()) process's horizon of \(Comparison.format(horizon))",
                hint: problem.process == .ou
                    ? "the OU process forgets the data by t ≈ 10; use t_max ≤ 50" : "use t_max ≤ 1e6")
        }
        guard case let .grid(grid, _) = problem.discretisation else { return }
        for (a, h) in grid.spacing.enumerated() where !(h >= 1e-6) {
            throw InputError(
                "\(where_): grid",
                "axis \(a) has a spacing of \(h) (\(grid.points[a]) points on [\(grid.lower[a]), \(grid.upper[a])]); the smallest is 1e-6",
                hint: "widen the box or use fewer points")
        }
        if case .landscape(let density) = problem.source {
            do {
                _ = try GridLaw.tabulate(density, on: grid)
            } catch let error as InputError {
                throw InputError(
                    "\(where_): grid", "does not hold the density: \(error.message)",
                    hint: error.hint.isEmpty ? "move or widen the box so it holds the density's mass" : error.hint)
            }
        }
    }

    /// The landscape, or an error that says this command needs one.
    public func landscape(for purpose: String) throws -> LandscapeProblem {
        switch self {
        case .landscape(let p): return p
        case .annealing(let p):
            throw InputError(
                "PROBLEM", "'\(p.spec.name)' is an annealing problem; \(purpose) needs a landscape",
                hint: "give a landscape problem (see 'adiabat problems')")
        case .scoreField(let p):
            throw InputError(
                "PROBLEM",
                "'\(p.name)' is a tabulated score field, which has no density; \(purpose) needs a landscape with a density",
                hint: "score fields take spectrum, translate --to hamiltonian, evolve and sample (docs/score-fields.md)")
        }
    }

    /// The annealing problem, or an error that says this command needs one.
    public func annealing(for purpose: String) throws -> SpinProblem {
        switch self {
        case .annealing(let p): return p
        case .landscape, .scoreField:
            throw InputError(
                "PROBLEM", "'\(name)' is a landscape problem; \(purpose) needs an annealing problem",
                hint: "give an annealing problem (see 'adiabat problems')")
        }
    }
}

extension Problem {
    /// The schedule library on the problem's path (docs/schedules.md): a landscape's
    /// Score-Hamiltonian path up to `tMax` (default: the file's `t_max`), or an annealing path
    /// with its flip diffusion (rate `flipRate`, horizon `tMax`, target `e^{−βH_P}` with `beta`).
    public func scheduleLibrary(
        gapSamples: Int, flipRate: Double = 1, tMax: Double? = nil, beta: Double? = nil, maxWork: Double? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil, announce: (@Sendable (Double, String) -> Void)? = nil
    ) throws -> ScheduleLibrary {
        switch self {
        case .landscape(let loaded):
            let path = try LandscapePath(
                landscape: try loaded.resolvedLandscape(), discretisation: loaded.discretisation, process: loaded.process,
                tMax: tMax ?? loaded.tMax)
            return try ScheduleLibrary(
                context: .landscape(path), gapSamples: gapSamples, maxWork: maxWork, progress: progress, announce: announce)
        case .annealing(let loaded):
            if loaded.catalyst != nil {
                throw InputError(
                    "PROBLEM", "'\(loaded.spec.name)' has a [catalyst]; schedules are tabulated on the transverse-field path",
                    hint: "use the problem without its catalyst")
            }
            return try ScheduleLibrary(
                context: .annealing(loaded.spec, try loaded.spec.hamiltonian()), gapSamples: gapSamples, flipRate: flipRate,
                flipTMax: tMax, flipBeta: beta, maxWork: maxWork, progress: progress, announce: announce)
        case .scoreField(let field):
            throw InputError(
                "PROBLEM",
                "'\(field.name)' is a tabulated score field; schedules are built on a landscape's or an annealing problem's path, not on a table of times",
                hint: "the field's gap profile: 'adiabat spectrum \(field.file.lastPathComponent) --profile N'")
        }
    }
}

extension AnnealingSpec {
    /// A runnable problem on the file's own schedule: `requested` overrides the file's total
    /// time. A schedule the file names from the shared library (`gap-adaptive`, `ddpm-cosine`,
    /// …; ``AnnealingScheduleSpec/library(_:order:gapSamples:)``) is built by
    /// ``ScheduleLibrary`` on this problem's path.
    public func run(hamiltonian h: AnnealingHamiltonian, totalTime requested: Double?) throws -> AnnealingProblem {
        guard case .library = schedule else { return try problem(hamiltonian: h, totalTime: requested, schedule: nil) }
        let library = try ScheduleLibrary(context: .annealing(self, h))
        return try AnnealingProblem(
            hamiltonian: h, schedule: try library.schedule(ScheduleRequest(.problem)), totalTime: try totalTime(requested),
            initialSpins: initialSpins)
    }
}
