import AdiabatCore
import Diffusion
import Foundation
import Landscapes
import Problems
import Quantum

/// Every sampler `sample` offers, on landscapes and on spins: the one list the command line,
/// its help and its checks read.
public enum SamplerName: String, CaseIterable, Sendable {
    case reverseSDE = "reverse-sde"
    case probabilityFlow = "probability-flow"
    case annealedLangevin = "annealed-langevin"
    case predictorCorrector = "predictor-corrector"
    case fokkerPlanck = "fokker-planck"
    case flipChain = "flip-chain"
    case reverseFlip = "reverse-flip"
    case simulatedAnnealing = "simulated-annealing"

    /// The landscape sampler, or nil for a spin sampler.
    public var landscape: SamplerKind? { SamplerKind(rawValue: rawValue) }
    /// Whether it samples the spins of an annealing problem.
    public var samplesSpins: Bool { landscape == nil }
    /// The spin samplers, by name (for messages).
    public static let spinNames = allCases.filter(\.samplesSpins).map(\.rawValue)
    /// The landscape samplers, by name (for messages).
    public static let landscapeNames = allCases.filter { !$0.samplesSpins }.map(\.rawValue)
}

/// A time integrator of a landscape sampler (`integrator`).
public enum SamplerIntegrator: String, CaseIterable, Sendable {
    case eulerMaruyama = "euler-maruyama"
    case exponential
    case heun
    case euler
    case rk4
    case implicitEuler = "implicit-euler"
    case trBDF2 = "tr-bdf2"

    /// The integrators `sampler` accepts.
    public static func allowed(for sampler: SamplerName) -> [SamplerIntegrator] {
        switch sampler {
        case .reverseSDE, .predictorCorrector: return [.eulerMaruyama, .exponential, .heun]
        case .probabilityFlow: return [.euler, .heun, .rk4]
        case .fokkerPlanck: return [.implicitEuler, .trBDF2]
        case .annealedLangevin, .flipChain, .reverseFlip, .simulatedAnnealing: return []
        }
    }
}

/// What `sample` asks of a problem (docs/diffusion.md, docs/discrete.md). Lengths have one
/// meaning each: `steps` are path steps of a landscape sampler (levels for annealed Langevin),
/// `cells` the rate-grid cells of the spin chains, `sweeps` simulated annealing's Metropolis
/// sweeps; `samples` is the number of draws (particles on landscapes, reads on spins).
public struct SampleRequest: Sendable {
    public var sampler: SamplerName
    public var steps: Int?
    public var cells: Int?
    public var samples: Int?
    /// nil: linear on landscapes, the problem's own on spins.
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
    public var seed: UInt64

    public init(sampler: SamplerName, seed: UInt64) {
        self.sampler = sampler
        self.seed = seed
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
        switch self {
        case .landscape(let problem):
            guard let kind = request.sampler.landscape else {
                throw InputError(
                    "sample.sampler",
                    "'\(problem.name)' is a landscape problem; \(request.sampler.rawValue) samples the spins of an annealing problem",
                    hint: "use \(SamplerName.landscapeNames.joined(separator: ", "))")
            }
            return try Self.sample(problem, kind: kind, request, progress: progress)
        case .annealing(let problem):
            guard request.sampler.samplesSpins else {
                throw InputError(
                    "sample.sampler",
                    "'\(problem.spec.name)' is an annealing problem; \(request.sampler.rawValue) runs on landscapes",
                    hint: "spins: \(SamplerName.spinNames.joined(separator: ", "))")
            }
            return .spins(problem: problem.spec.name, result: try Self.sampleSpins(problem, request))
        }
    }

    static func sample(
        _ loaded: LandscapeProblem, kind: SamplerKind, _ o: SampleRequest, progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> SampleSolution {
        guard case let .grid(grid, _) = loaded.discretisation else {
            throw InputError(
                "PROBLEM", "'\(loaded.name)' is a radial (3-D) problem; sampling needs a uniform grid for its metrics",
                hint: "use a 1-D or 2-D problem")
        }
        guard let steps = o.steps else {
            throw InputError("sample.steps", "is required for the landscape sampler \(o.sampler.rawValue)")
        }
        if kind != .fokkerPlanck && o.samples == nil {
            throw InputError("sample.samples", "is required for the particle sampler \(o.sampler.rawValue)")
        }
        let landscape = try loaded.resolvedLandscape()
        let horizon = o.tMax ?? loaded.tMax
        let landscapePath = try LandscapePath(
            landscape: landscape, discretisation: loaded.discretisation, process: loaded.process, tMax: horizon)
        let shape = try ScheduleLibrary(context: .landscape(landscapePath)).schedule(o.schedule ?? ScheduleRequest(.linear))
        let path = try DiffusionPath(process: loaded.process, tMax: horizon, schedule: shape, steps: steps)
        var run = SamplingRun(
            landscape: landscape, reference: loaded.reference, grid: grid, path: path, sampler: kind,
            particles: o.samples ?? 0, seed: o.seed, scoreError: o.scoreError)
        let scale = try o.dataScale ?? LangevinSettings.dataScale(of: landscape, on: grid)
        func scheme(_ i: SamplerIntegrator?) -> ReverseSDEScheme {
            switch i {
            case .eulerMaruyama: return .eulerMaruyama
            case .exponential: return .exponential
            default: return .heun
            }
        }
        switch kind {
        case .reverseSDE:
            run.method = .reverseSDE(scheme(o.integrator))
        case .probabilityFlow:
            run.method = .probabilityFlow(o.integrator == .euler ? .euler : (o.integrator == .heun ? .heun : .rk4))
        case .annealedLangevin:
            run.method = .annealedLangevin(
                LangevinSettings(stepsPerLevel: o.langevinSteps ?? 10, stepSize: o.stepSize ?? 0.02, dataScale: scale))
        case .predictorCorrector:
            run.method = .predictorCorrector(
                PredictorCorrectorSettings(
                    predictor: scheme(o.integrator),
                    corrector: LangevinSettings(
                        stepsPerLevel: o.langevinSteps ?? 1, stepSize: o.stepSize ?? 0.05, dataScale: scale)))
        case .fokkerPlanck:
            run.fokkerPlanckMethod = o.integrator == .trBDF2 ? .trBDF2 : .implicitEuler
            if o.fokkerPlanckLangevin {
                run.fokkerPlanckLangevin = LangevinSettings(
                    stepsPerLevel: o.langevinSteps ?? 10, stepSize: o.stepSize ?? 0.02, dataScale: scale)
            }
        }
        return .landscape(problem: loaded.name, outcome: try run.run(progress: progress), grid: grid)
    }

    static func sampleSpins(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let samples = o.samples ?? 1000
        switch o.sampler {
        case .flipChain:
            let annealing = try loaded.annealing()
            let run = try loaded.spec.problem(hamiltonian: annealing.hamiltonian, totalTime: o.totalTime, schedule: nil)
            let schedule =
                try o.schedule.map { try annealingSchedule($0, spec: loaded.spec, hamiltonian: annealing.hamiltonian) }
                ?? run.schedule
            let start = try run.initialSpins.map { try annealing.hamiltonian.model.state(of: $0) }
            let chain = try FlipChainAnnealingProblem(
                annealing: annealing, schedule: schedule, totalTime: run.totalTime, initialState: start)
            return try AnnealedFlipChain.run(
                chain, options: AnnealedFlipChainOptions(samples: samples, cells: o.cells ?? 100, seed: o.seed))
        case .reverseFlip:
            let model = loaded.spec.model.ising
            let h = try loaded.spec.hamiltonian()
            let target: SpinDistribution = try o.beta.map { try .boltzmann(model, beta: $0) } ?? .groundStates(of: model)
            // The diffusion's own schedule: flip:NAME is NAME on the flip diffusion; anneal:NAME an
            // annealing schedule carried over; a plain name is read as u with t = t_max(1 − u).
            var request = o.schedule ?? ScheduleRequest(.problem)
            if request.direction == .toAnnealing { request.direction = nil }
            let library = try ScheduleLibrary(
                context: .annealing(loaded.spec, h), flipRate: o.flipRate, flipTMax: o.tMax, flipBeta: o.beta)
            let schedule = try library.schedule(request)
            // Default t_max: the uniform law is within TV (n/2)e^{−2γt} ≤ 1e-4 of p_tmax (or the
            // noise end of a diffusion schedule that ends first).
            let tMax = library.diffusionHorizon(for: request.name?.noiseSchedule).tMax
            let diffusion = try ReverseFlipDiffusion(
                target: target, rate: o.flipRate, maximumTime: tMax, schedule: schedule, prior: o.prior)
            return try ReverseFlipChain.run(
                diffusion, options: ReverseFlipChainOptions(samples: samples, cells: o.cells ?? 100, seed: o.seed),
                energies: h.register.diagonal, groundStates: h.problemGround.states, groundEnergy: h.problemGround.energy)
        case .simulatedAnnealing:
            let options = SimulatedAnnealingOptions(
                samples: samples, sweeps: o.sweeps ?? 1000, schedule: o.betaSchedule, betaRange: o.betaRange, seed: o.seed)
            return try SimulatedAnnealing.run(loaded.spec.model.ising, options: options)
        case .reverseSDE, .probabilityFlow, .annealedLangevin, .predictorCorrector, .fokkerPlanck:
            throw InputError("sample.sampler", "\(o.sampler.rawValue) runs on landscapes")
        }
    }
}
