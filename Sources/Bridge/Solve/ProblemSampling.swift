import AdiabatCore
import Diffusion
import Foundation
import Landscapes
import Problems
import Quantum

/// What `sample` asks of a problem (docs/diffusion.md, docs/discrete.md). Lengths have one
/// meaning each: `steps` are path steps of a landscape sampler (levels for annealed Langevin),
/// `cells` the rate-grid cells of the spin chains, `sweeps` simulated annealing's Metropolis
/// sweeps; `samples` is the number of draws (particles on landscapes, reads on spins).
public struct SampleRequest: Sendable {
    /// The sampler's name (``SamplerRegistry``).
    public var sampler: String
    public var steps: Int?
    public var cells: Int?
    public var samples: Int?
    /// nil: the landscape sampler's ``LandscapeSampler/defaultSchedule`` (linear; Karras for
    /// annealed Langevin), the problem's own on spins.
    public var schedule: ScheduleRequest?
    public var integrator: SamplerIntegrator?
    public var langevinSteps: Int?
    public var stepSize: Double?
    public var dataScale: Double?
    /// The law the Fokker–Planck sampler evolves: annealed Langevin's instead of the reverse SDE's.
    public var fokkerPlanckLangevin = false
    public var tMax: Double?
    public var scoreError: Double = 0
    public var sweeps: Int?
    public var totalTime: Double?
    public var beta: Double?
    public var flipRate: Double = 1
    public var prior: ReverseFlipDiffusion.Prior = .marginal
    public var betaSchedule: BetaScheduleKind = .geometric
    public var betaRange: (hot: Double, cold: Double)?
    /// Trotter slices `M` of the path-integral sampler.
    public var trotterSlices: Int?
    /// Imaginary-time boundary of the path-integral sampler (nil: periodic).
    public var trotterBoundary: TrotterBoundary?
    public var seed: UInt64
    /// Whether the samples (or the density) will be written out.
    public var output = false
    /// Where ``Problem/sample(_:progress:)`` writes them (`output`; docs/data-out.md): spin
    /// reads to `.json` (a dimod SampleSet), `.csv` or `.npy`; landscape samples or the
    /// Fokker–Planck density to `.csv` or `.npy`. Setting it sets ``output``.
    public var outputFile: String? {
        didSet { output = outputFile != nil }
    }

    /// The work budget (`run.max_work`, in ``AdiabatCore/WorkBudget`` units); nil: the default.
    public var maxWork: Double?
    /// Points of the gap profile behind `roland-cerf` and `gap-adaptive` (`sample.gap_samples`,
    /// 3…2001); nil: 41.
    public var gapSamples: Int?

    /// The most samples, cells, steps and sweeps a request may ask for (docs/conventions.md#limits).
    public static let maximumSamples = 100_000_000
    public static let maximumCells = 1_000_000
    public static let maximumSteps = 10_000_000
    public static let maximumSweeps = 100_000_000

    public init(sampler: String, seed: UInt64) {
        self.sampler = sampler
        self.seed = seed
    }
}

extension SampleRequest {
    /// Refuses `work` units beyond the request's budget (`reduce`: the parameter that lowers it).
    func checkWork(_ work: Double, what: String, estimate: String, reduce: SamplerParameter) throws {
        try WorkBudget.check(
            work, maximum: maxWork, what: what, estimate: estimate, parameter: "sample.\(reduce.rawValue)",
            reduce: "sample.\(reduce.rawValue)")
    }

    /// The settings given (set to anything but their defaults).
    public var given: [SamplerParameter] {
        let flags: [(Bool, SamplerParameter)] = [
            (steps != nil, .steps), (cells != nil, .cells), (samples != nil, .samples), (schedule != nil, .schedule),
            (integrator != nil, .integrator), (langevinSteps != nil, .langevinSteps), (stepSize != nil, .stepSize),
            (dataScale != nil, .dataScale), (fokkerPlanckLangevin, .dynamics), (tMax != nil, .tMax),
            (scoreError != 0, .scoreError), (sweeps != nil, .sweeps), (totalTime != nil, .totalTime), (beta != nil, .beta),
            (flipRate != 1, .flipRate), (prior != .marginal, .prior), (betaSchedule != .geometric, .betaSchedule),
            (betaRange != nil, .betaRange), (trotterSlices != nil, .trotterSlices),
            (trotterBoundary != nil, .trotterBoundary), (output, .output),
        ]
        return flags.filter(\.0).map(\.1)
    }

    /// Checks the request against its sampler, before any problem is read: every setting given
    /// must be one the sampler reads, the integrator one it accepts, and the sampler's own
    /// checks must pass.
    public func validated() throws -> any Sampler.Type {
        let sampler = try SamplerRegistry.sampler(self.sampler)
        if let p = given.first(where: { !sampler.parameters.contains($0) }) {
            let takes = SamplerParameter.allCases.filter { sampler.parameters.contains($0) }.map { "sample.\($0.rawValue)" }
            throw InputError(
                "sample.\(p.rawValue)", "does not apply to \(sampler.name)",
                hint: "\(sampler.name) takes: \(takes.joined(separator: ", "))")
        }
        if let integrator, !sampler.integrators.contains(integrator) {
            let list =
                sampler.integrators.isEmpty
                ? "none (it has no integrator choice)" : sampler.integrators.map(\.rawValue).joined(separator: ", ")
            throw InputError(
                "sample.integrator", "\(integrator.rawValue) does not apply to \(sampler.name); it takes \(list)")
        }
        try WorkBudget.validate(maxWork)
        if let g = gapSamples {
            guard sampler.parameters.contains(.schedule) else {
                throw InputError("sample.gap_samples", "does not apply to \(sampler.name), which takes no schedule")
            }
            guard GapProfile.sampleRange.contains(g) else {
                throw InputError(
                    "sample.gap_samples",
                    "must lie in \(GapProfile.sampleRange.lowerBound)…\(GapProfile.sampleRange.upperBound) (got \(g))")
            }
        }
        for (value, parameter, limit) in [
            (steps, SamplerParameter.steps, Self.maximumSteps), (cells, .cells, Self.maximumCells),
            (samples, .samples, Self.maximumSamples), (sweeps, .sweeps, Self.maximumSweeps),
        ] {
            if let value, value < 1 { throw InputError("sample.\(parameter.rawValue)", "must be positive (got \(value))") }
            if let value { _ = try Checked.count(value, "sample.\(parameter.rawValue)", in: 1...limit) }
        }
        if let t = tMax, !(t.isFinite && t > 0) { throw InputError("sample.t_max", "must be a positive number (got \(t))") }
        if !(scoreError.isFinite && scoreError >= 0) {
            throw InputError("sample.score_error", "must be a finite number ≥ 0 (got \(scoreError))")
        }
        if let b = beta, !(b.isFinite && b >= 0) { throw InputError("sample.beta", "must be finite and ≥ 0 (got \(b))") }
        if !(flipRate.isFinite && flipRate > 0) { throw InputError("sample.flip_rate", "must be positive (got \(flipRate))") }
        // The flip diffusion's horizon, here where the command names it, before the sampler builds its library.
        if let t = tMax, sampler.parameters.contains(.flipRate) {
            try ScheduleLibrary.checkFlipHorizon(t, rate: flipRate, parameter: "sample.t_max")
        }
        if let t = totalTime, !(t.isFinite && t > 0) {
            throw InputError("sample.total_time", "must be a positive number (got \(t))")
        }
        if let landscape = sampler as? any LandscapeSampler.Type {
            if steps == nil { throw InputError("sample.steps", "is required for the landscape sampler \(sampler.name)") }
            if landscape.drawsParticles && samples == nil {
                throw InputError("sample.samples", "is required for the particle sampler \(sampler.name)")
            }
        }
        try sampler.validate(self)
        return sampler
    }
}

/// The solution of ``Problem/sample(_:progress:)``.
public enum SampleSolution: Sendable, Encodable {
    /// A landscape sampler: the report, the samples or the density, and the grid.
    case landscape(problem: String, outcome: SamplingOutcome, grid: UniformGrid)
    /// A spin sampler.
    case spins(problem: String, result: SpinSampleResult)

    enum CodingKeys: String, CodingKey { case problem }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .landscape(_, let outcome, _): try outcome.report.encode(to: encoder)
        case .spins(let problem, let result):
            try result.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(problem, forKey: .problem)
        }
    }
}

extension Problem {
    /// Runs a sampler on the problem: reverse diffusion (or its Fokker–Planck law) on a
    /// landscape, flip chains or simulated annealing on spins.
    public func sample(_ request: SampleRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SampleSolution {
        let sampler = try request.validated()
        switch self {
        case .landscape(let problem):
            let landscape = try Self.landscapeSampler(sampler, "'\(problem.name)' is a landscape problem")
            return try Self.writingSamples(request) {
                try Self.sample(problem, sampler: landscape, request, progress: progress)
            }
        case .annealing(let problem):
            guard let spins = sampler as? any SpinSampler.Type else {
                throw InputError(
                    "sample.sampler", "'\(problem.spec.name)' is an annealing problem; \(sampler.name) runs on landscapes",
                    hint: "spins: \(SamplerRegistry.names(in: .spins).joined(separator: ", "))")
            }
            if let file = request.outputFile {
                try DataFile.check(file, parameter: "sample.output", suffixes: SpinSampleSet.suffixes)
                if !problem.spec.diagonalTerms.isEmpty {
                    throw InputError(
                        "sample.output",
                        "'\(problem.spec.name)' is a search problem (an oracle, not a quadratic model); its reads have no dimod energies",
                        hint: "write the reads of an Ising or QUBO problem")
                }
            }
            let result = try spins.run(problem, request)
            if let file = request.outputFile {
                try SpinSampleSet(result: result, spec: problem.spec, seed: request.seed).write(to: file)
            }
            return .spins(problem: problem.spec.name, result: result)
        case .scoreField(let problem):
            let landscape = try Self.landscapeSampler(sampler, "'\(problem.name)' is a score field (a landscape)")
            return try Self.writingSamples(request) {
                try Self.sample(problem, sampler: landscape, request, progress: progress)
            }
        }
    }

    /// `sampler` as a landscape sampler, or the refusal that says what the problem is.
    static func landscapeSampler(_ sampler: any Sampler.Type, _ problem: String) throws -> any LandscapeSampler.Type {
        guard let landscape = sampler as? any LandscapeSampler.Type else {
            throw InputError(
                "sample.sampler", "\(problem); \(sampler.name) samples the spins of an annealing problem",
                hint: "use \(SamplerRegistry.names(in: .landscape).joined(separator: ", "))")
        }
        return landscape
    }

    /// Runs a landscape sampler with `request`'s output file checked before and written after.
    static func writingSamples(_ request: SampleRequest, _ run: () throws -> SampleSolution) throws -> SampleSolution {
        if let file = request.outputFile {
            try DataFile.check(file, parameter: "sample.output", suffixes: LandscapeSampleFile.suffixes)
        }
        let solution = try run()
        if let file = request.outputFile, case .landscape(_, let outcome, let grid) = solution {
            try LandscapeSampleFile.write(outcome, grid: grid, to: file)
        }
        return solution
    }

    /// The problem's `t_max`, lowered to the noise end of a sampler's default diffusion
    /// schedule (Karras reaches t ≈ 4.38 on the OU clock) when that schedule was not asked for.
    static func defaultHorizon(_ loaded: LandscapeProblem, schedule defaulted: ScheduleName?) -> Double {
        guard let defaulted, let noise = defaulted.noiseSchedule else { return loaded.tMax }
        return min(loaded.tMax, noise.timeRange(clock: loaded.process.clock).upperBound)
    }

    static func sample(
        _ loaded: LandscapeProblem, sampler: any LandscapeSampler.Type, _ o: SampleRequest,
        progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> SampleSolution {
        guard case let .grid(grid, _) = loaded.discretisation else {
            throw InputError(
                "PROBLEM", "'\(loaded.name)' is a radial (3-D) problem; sampling needs a uniform grid for its metrics",
                hint: "use a 1-D or 2-D problem")
        }
        guard let steps = o.steps else { throw InputError("sample.steps", "is required for \(sampler.name)") }
        let landscape = try loaded.resolvedLandscape()
        let schedule = o.schedule ?? ScheduleRequest(sampler.defaultSchedule)
        let horizon = o.tMax ?? defaultHorizon(loaded, schedule: o.schedule == nil ? sampler.defaultSchedule : nil)
        let landscapePath = try LandscapePath(
            landscape: landscape, discretisation: loaded.discretisation, process: loaded.process, tMax: horizon)
        let shape = try ScheduleLibrary(
            context: .landscape(landscapePath), gapSamples: o.gapSamples ?? 41, maxWork: o.maxWork, scope: "sample"
        ).schedule(schedule)
        let path = try DiffusionPath(process: loaded.process, tMax: horizon, schedule: shape, steps: steps)
        var run = SamplingRun(
            landscape: landscape, reference: loaded.reference, grid: grid, path: path, sampler: sampler.kind,
            particles: o.samples ?? 0, seed: o.seed, scoreError: o.scoreError)
        try sampler.configure(
            &run, o, dataScale: try o.dataScale ?? LangevinSettings.dataScale(of: landscape, on: grid))
        return .landscape(problem: loaded.name, outcome: try run.run(progress: progress), grid: grid)
    }
}
