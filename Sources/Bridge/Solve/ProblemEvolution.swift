import AdiabatCore
import Foundation
import GSLKit
import Problems
import Quantum

/// What `evolve` asks of a problem: real-time Schrödinger evolution along its path.
///
/// Every field is optional where the problem has a default; ``Problem/evolve(_:)`` fills them
/// in from the problem (its `total_time`, its own schedule, the method that suits its kind) and
/// refuses, naming the parameter, what the problem cannot honour.
public struct EvolveRequest: Sendable {
    /// Total run time `T` (`total_time`); default: the problem file's.
    public var totalTime: Double?
    /// The schedule (`schedule`); `.problem` keeps the file's own.
    public var schedule: ScheduleRequest = ScheduleRequest(.problem)
    /// The method (`method`); default: `split4`, or `rk8pd` on a catalysed path, whose XX terms
    /// have no exact split-operator factor.
    public var method: EvolutionMethod?
    /// Local tolerances (`rtol`, `atol`); default: the method's recommended ones.
    public var rtol: Double?
    public var atol: Double?
    /// A fixed number of steps (`steps`) instead of adaptive steps.
    public var steps: Int?
    /// Record the trajectory at N + 1 equally spaced times (`trajectory`).
    public var trajectory: Int = 0
    /// With a trajectory: the instantaneous ground-state fidelity and gap (`instantaneous`).
    public var instantaneous = false
    /// Write ψ(T) (or ψ at the trajectory's times) to this `.npy` file (`save_state`;
    /// docs/data-out.md): complex128, on registers in tensor-product order (qubit 0 the most
    /// significant bit), on grids with the grid's shape; a companion `FILE.npy.json`.
    public var saveState: String?
    /// Which states `saveState` holds (`save_state_times`).
    public var saveStateTimes: SaveStateTimes = .end

    /// The states `evolve` saves: the final one, or one per trajectory time.
    public enum SaveStateTimes: String, Sendable, CaseIterable {
        case end
        case trajectory
    }

    /// The work budget (`run.max_work`, in ``AdiabatCore/WorkBudget`` units); nil: the default.
    public var maxWork: Double?
    /// Points of the gap profile behind `roland-cerf` and `gap-adaptive` (`schedule.gap_samples`,
    /// 3…2001); nil: 41.
    public var gapSamples: Int?
    /// Called before a long run starts with the estimate, and then with the progress `τ/T`.
    public var progress: (@Sendable (EvolveProgress) -> Void)?

    /// The most fixed steps a run may ask for (the integrators stop at ``EvolutionOptions/maxSteps``).
    public static let maximumSteps = 10_000_000

    public init() {}

    /// The method's options with the request's overrides.
    func options(for method: EvolutionMethod) -> EvolutionOptions {
        var options = EvolutionOptions.recommended(for: method)
        options.rtol = rtol ?? options.rtol
        options.atol = atol ?? options.atol
        options.steps = steps
        options.trajectorySamples = trajectory
        options.trajectorySpectrum = instantaneous
        options.trajectoryStates = saveState != nil && saveStateTimes == .trajectory
        return options
    }

    /// The total time on a problem whose file sets none (`problem`: a landscape, a score field,
    /// said in the error), where the instantaneous spectrum is not available either.
    func givenTotalTime(for problem: String) throws -> Double {
        guard let totalTime else {
            throw InputError("evolve.total_time", "is required for \(problem)", hint: "give the total run time T")
        }
        if instantaneous { throw InputError("evolve.instantaneous", "is available for annealing problems only") }
        return totalTime
    }
}

/// What a long evolution reports while it runs.
public enum EvolveProgress: Sendable {
    /// Before the run: the estimated work and seconds (one core).
    case estimate(work: Double, seconds: Double, summary: String)
    /// The fraction `τ/T` of the run done.
    case fraction(Double)
}

/// The solution of ``Problem/evolve(_:)``: the engine's result for the problem's kind.
public enum EvolveSolution: Sendable, Encodable {
    /// Along a landscape's Score-Hamiltonian path, fidelity with `√p₀`.
    case landscape(problem: String, tMax: Double, schedule: String, result: GridEvolutionResult)
    /// Along a transverse-field annealing path.
    case annealing(problem: String, result: AnnealingEvolutionResult)
    /// Along a catalysed annealing path (GSL steppers).
    case catalysed(problem: String, result: CatalysedEvolutionResult)
    /// Along a score field's Score-Hamiltonian path from its table at `tMax` to the one at
    /// `tMin`, fidelity with `target` (docs/score-fields.md).
    case scoreField(
        problem: String, tMax: Double, tMin: Double, schedule: String, target: String, result: GridEvolutionResult)

    /// The engine's solution (its figures, statistics and status).
    public var solution: any EvolutionSolution {
        switch self {
        case .landscape(_, _, _, let r): return r
        case .annealing(_, let r): return r
        case .catalysed(_, let r): return r
        case .scoreField(_, _, _, _, _, let r): return r
        }
    }

    /// Whether the run reached the end time.
    public var succeeded: Bool { solution.succeeded }

    /// How the run ended (its description is the status in words, with a hint on failure).
    public var status: SolutionStatus { solution.status }

    enum CodingKeys: String, CodingKey {
        case problem, schedule, target
        case tMax = "t_max"
        case tMin = "t_min"
    }

    /// The engine's JSON object plus the problem's name (and, on landscapes, `t_max` and the
    /// schedule's name).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .landscape(let problem, let tMax, let schedule, let result):
            try result.encode(to: encoder)
            try c.encode(problem, forKey: .problem)
            try c.encode(tMax, forKey: .tMax)
            try c.encode(schedule, forKey: .schedule)
        case .annealing(let problem, let result):
            try result.encode(to: encoder)
            try c.encode(problem, forKey: .problem)
        case .catalysed(let problem, let result):
            try result.encode(to: encoder)
            try c.encode(problem, forKey: .problem)
        case .scoreField(let problem, let tMax, let tMin, let schedule, let target, let result):
            try result.encode(to: encoder)
            try c.encode(problem, forKey: .problem)
            try c.encode(tMax, forKey: .tMax)
            try c.encode(tMin, forKey: .tMin)
            try c.encode(schedule, forKey: .schedule)
            try c.encode(target, forKey: .target)
        }
    }
}

extension Problem {
    /// Real-time evolution along the problem's path (docs/evolution.md, docs/annealing.md).
    public func evolve(_ request: EvolveRequest) throws -> EvolveSolution {
        try WorkBudget.validate(request.maxWork)
        if let g = request.gapSamples, !GapProfile.sampleRange.contains(g) {
            throw InputError(
                "evolve.gap_samples",
                "must lie in \(GapProfile.sampleRange.lowerBound)…\(GapProfile.sampleRange.upperBound) (got \(g))")
        }
        if let T = request.totalTime { try Check.positive(T, "evolve.total_time") }
        if let steps = request.steps {
            _ = try Checked.count(
                steps, "evolve.steps", in: 1...EvolveRequest.maximumSteps, hint: "the integrators stop at 10⁷ steps")
        }
        // The tolerances the run will use (the method's defaults where not given).
        try request.options(for: request.method ?? .split4).validate()
        if request.instantaneous && request.trajectory == 0 {
            throw InputError("evolve.instantaneous", "needs a trajectory", hint: "give the number of trajectory intervals N")
        }
        if let file = request.saveState {
            try DataFile.check(file, parameter: "evolve.save_state", suffixes: StateFiles.suffixes)
            if request.saveStateTimes == .trajectory && request.trajectory < 1 {
                throw InputError(
                    "evolve.save_state_times", "is 'trajectory' but no trajectory is recorded",
                    hint: "give the number of trajectory intervals N (N + 1 states are saved)")
            }
        } else if request.saveStateTimes != .end {
            throw InputError("evolve.save_state_times", "applies with save_state only", hint: "give the file to write")
        }
        if request.saveState != nil {
            let count = Self.savedStates(request)
            switch self {
            case .annealing(let p):
                let n = p.spec.model.variableCount
                try StateFiles.checkComplex(
                    elements: count << n, parameter: "evolve.save_state", what: "\(count) state(s) of \(n) qubits")
            case .landscape(let p):
                guard case .grid(let grid, _) = p.discretisation else {
                    throw InputError(
                        "evolve.save_state", "'\(p.name)' is on a radial grid; states are saved on uniform grids only")
                }
                try StateFiles.checkComplex(
                    elements: count * grid.count, parameter: "evolve.save_state",
                    what: "\(count) state(s) on \(grid.count) grid nodes")
            case .scoreField(let p):
                try StateFiles.checkComplex(
                    elements: count * p.field.grid.count, parameter: "evolve.save_state",
                    what: "\(count) state(s) on \(p.field.grid.count) grid nodes")
            }
            if case .annealing(let p) = self, p.catalyst != nil, request.saveStateTimes == .trajectory {
                throw InputError(
                    "evolve.save_state_times", "is 'trajectory', but a catalysed path keeps only the final state",
                    hint: "save the final state (end)")
            }
        }
        let solution = try evolveUnsaved(request)
        if let file = request.saveState { try save(solution, request, to: file) }
        return solution
    }

    func evolveUnsaved(_ request: EvolveRequest) throws -> EvolveSolution {
        switch self {
        case .landscape(let problem): return try Self.evolve(problem, request)
        case .annealing(let problem) where problem.catalyst != nil: return try Self.evolveCatalysed(problem, request)
        case .annealing(let problem): return try Self.evolve(problem, request)
        case .scoreField(let problem): return try Self.evolve(problem, request)
        }
    }

    /// The number of states `request` saves.
    static func savedStates(_ request: EvolveRequest) -> Int {
        request.saveStateTimes == .trajectory ? request.trajectory + 1 : 1
    }

    /// Writes the states of `solution` to `file` (after the run; the size was checked before).
    func save(_ solution: EvolveSolution, _ request: EvolveRequest, to file: String) throws {
        let parameter = "evolve.save_state"
        let single = request.saveStateTimes == .end
        var extra: [String: Any] = [
            "status": solution.status.succeeded ? "success" : "\(solution.status)"
        ]
        switch solution {
        case .annealing(let problem, let r):
            let states = Self.saved(
                r, problem: problem, trajectory: r.trajectory, states: r.trajectoryStates, single: single, into: &extra)
            extra["schedule"] = r.schedule
            extra["path"] = r.path
            if !single { extra["s"] = r.trajectory?.map(\.progress) ?? [] }
            try StateFiles.writeRegister(
                states, single: single, labels: try annealing(for: "saving a register state").spec.model.labels, extra: extra,
                to: file, parameter: parameter)
        case .catalysed(let problem, let r):
            let states = Self.saved(r, problem: problem, trajectory: nil, states: nil, single: true, into: &extra)
            extra["schedule"] = r.schedule
            try StateFiles.writeRegister(
                states, single: true, labels: try annealing(for: "saving a register state").spec.model.labels,
                extra: extra, to: file, parameter: parameter)
        case .landscape(let problem, let tMax, let schedule, let r),
            .scoreField(let problem, let tMax, _, let schedule, _, let r):
            let grid: UniformGrid
            if case .scoreField(let field) = self {
                grid = field.field.grid
            } else {
                guard case .grid(let g, _) = try landscape(for: "saving a grid state").discretisation else { return }
                grid = g
            }
            let states = Self.saved(
                r, problem: problem, trajectory: r.trajectory, states: r.trajectoryStates, single: single, into: &extra)
            extra["t_max"] = tMax
            extra["schedule"] = schedule
            try StateFiles.writeGrid(states, single: single, grid: grid, extra: extra, to: file, parameter: parameter)
        }
    }

    /// The keys every saved evolution carries (`problem`, `total_time`, `method`, and `time`, or
    /// the trajectory's `times`) into `extra`, and the states to save: ψ(T), or ψ at each
    /// trajectory time.
    private static func saved(
        _ r: some EvolutionSolution, problem: String, trajectory: [TrajectoryPoint]?, states: [[Double]]?, single: Bool,
        into extra: inout [String: Any]
    ) -> [[Double]] {
        extra["problem"] = problem
        extra["total_time"] = r.totalTime
        extra["method"] = r.method.rawValue
        if single {
            extra["time"] = r.totalTime
        } else {
            extra["times"] = trajectory?.map(\.time) ?? []
        }
        return single ? [r.finalState] : (states ?? [])
    }

    static func evolve(_ loaded: LandscapeProblem, _ request: EvolveRequest) throws -> EvolveSolution {
        let T = try request.givenTotalTime(for: "a landscape problem (a landscape file sets no total time)")
        let path = try LandscapePath(problem: loaded)
        let shape = try ScheduleLibrary(
            context: .landscape(path), gapSamples: request.gapSamples ?? 41, maxWork: request.maxWork, scope: "evolve"
        ).schedule(request.schedule)
        let method = request.method ?? .split4
        let options = request.options(for: method)
        let estimate = try LandscapeEvolution.estimate(path: path, totalTime: T, method: method, options: options)
        try checkWork(estimate, request, what: "evolving \(loaded.name) to T = \(Comparison.format(T))")
        let result = try withProgress(request, totalTime: T) {
            try LandscapeEvolution.run(path: path, schedule: shape, totalTime: T, method: method, options: options)
        }
        return .landscape(problem: loaded.name, tMax: path.tMax, schedule: shape.name, result: result)
    }

    static func evolve(_ loaded: SpinProblem, _ request: EvolveRequest) throws -> EvolveSolution {
        let spec = loaded.spec
        let method0 = request.method ?? .split4
        // the vectors the method holds at once (docs/evolution.md, "Memory")
        try QubitRegister.validate(
            qubits: spec.model.labels.count,
            vectors: method0.registerVectors(qubits: spec.model.labels.count, options: request.options(for: method0)),
            for: "evolve (\(method0.rawValue))")
        let hamiltonian = try spec.hamiltonian()
        let run: AnnealingProblem
        if request.schedule.name == .problem && request.schedule.direction == nil {
            run = try spec.run(hamiltonian: hamiltonian, totalTime: request.totalTime)
        } else {
            run = try AnnealingProblem(
                hamiltonian: hamiltonian,
                schedule: try annealingSchedule(
                    request.schedule, spec: spec, hamiltonian: hamiltonian, gapSamples: request.gapSamples,
                    maxWork: request.maxWork),
                totalTime: try spec.totalTime(request.totalTime), initialSpins: spec.initialSpins)
        }
        let method = request.method ?? .split4
        let options = request.options(for: method)
        let estimate = AnnealingEvolution.estimate(run, method: method, options: options)
        try checkWork(estimate, request, what: "evolving \(spec.name) to T = \(Comparison.format(run.totalTime))")
        let result = try withProgress(request, totalTime: run.totalTime) {
            try AnnealingEvolution.run(run, method: method, options: options)
        }
        return .annealing(problem: spec.name, result: result)
    }

    /// A catalysed path runs on GSL's explicit steppers (``CatalysedEvolution``); what that
    /// engine does not offer is refused rather than ignored.
    static func evolveCatalysed(_ loaded: SpinProblem, _ request: EvolveRequest) throws -> EvolveSolution {
        let method = request.method ?? .gsl(.rk8pd)
        guard let ode = method.odeMethod, CatalysedEvolution.methods.contains(ode) else {
            throw InputError(
                "evolve.method",
                "\(method.rawValue) is not available on a catalysed path (its XX terms have no exact split-operator factor, and implicit steppers need a dense Jacobian)",
                hint: "use one of: \(CatalysedEvolution.methods.map(\.rawValue).joined(separator: ", ")) (default rk8pd)")
        }
        if request.steps != nil {
            throw InputError(
                "evolve.steps", "is not available on a catalysed path: its GSL steppers choose their steps adaptively",
                hint: "set the accuracy with rtol and atol")
        }
        if request.trajectory != 0 || request.instantaneous {
            throw InputError(
                request.trajectory != 0 ? "evolve.trajectory" : "evolve.instantaneous",
                "is not recorded on a catalysed path (only the final state is kept)",
                hint: "drop it, or evolve the problem without its [catalyst]")
        }
        let annealing = try loaded.annealing()
        let run = try loaded.spec.run(hamiltonian: annealing.hamiltonian, totalTime: request.totalTime)
        let schedule =
            request.schedule.name == .problem && request.schedule.direction == nil
            ? run.schedule
            : try annealingSchedule(
                request.schedule, spec: loaded.spec, hamiltonian: annealing.hamiltonian, gapSamples: request.gapSamples,
                maxWork: request.maxWork)
        let defaults = EvolutionOptions.recommended(for: method)
        let result = try CatalysedEvolution.run(
            try CatalysedAnnealingRun(annealing: annealing, schedule: schedule, totalTime: run.totalTime), method: ode,
            rtol: request.rtol ?? defaults.rtol, atol: request.atol ?? defaults.atol)
        return .catalysed(problem: loaded.spec.name, result: result)
    }

    /// A schedule of the shared library (docs/schedules.md) for a method that runs on the
    /// annealing path (evolve, flip chain): `flip:NAME` carries a flip-diffusion schedule onto
    /// the path; `anneal:` goes the other way and is refused (an error naming `parameter`).
    static func annealingSchedule(
        _ request: ScheduleRequest, spec: AnnealingSpec, hamiltonian: AnnealingHamiltonian, gapSamples: Int? = nil,
        maxWork: Double? = nil, parameter: String = "evolve.schedule"
    ) throws -> Schedule {
        if request.direction == .toDiffusion {
            throw InputError(
                parameter,
                "\(request) carries an annealing schedule to the flip diffusion; this method runs on the annealing path",
                hint: "drop the anneal: prefix (or use it with the reverse-flip sampler)")
        }
        return try ScheduleLibrary(
            context: .annealing(spec, hamiltonian), gapSamples: gapSamples ?? 41, maxWork: maxWork,
            scope: String(parameter.prefix { $0 != "." })
        ).schedule(request)
    }
}

extension Problem {
    /// Refuses an evolution estimated beyond the request's budget (naming the parameter that
    /// sets its length), and announces a long one through the progress callback.
    /// Runs `body` with the request's progress callback receiving `τ/T`.
    static func withProgress<R>(_ request: EvolveRequest, totalTime T: Double, _ body: () throws -> R) rethrows -> R {
        guard let progress = request.progress else { return try body() }
        return try EvolutionProgress.withReporter({ tau in progress(.fraction(min(1, tau / T))) }) { try body() }
    }

    static func checkWork(_ estimate: EvolutionWorkEstimate, _ request: EvolveRequest, what: String) throws {
        let reduce = request.steps != nil ? "evolve.steps" : "evolve.total_time"
        try WorkBudget.check(
            estimate.work, maximum: request.maxWork, what: what, estimate: estimate.summary, parameter: reduce,
            reduce: reduce)
        let seconds = WorkBudget.seconds(estimate.work)
        if seconds > 5 { request.progress?(.estimate(work: estimate.work, seconds: seconds, summary: estimate.summary)) }
    }
}
