import AdiabatCore
import Foundation
import GSLKit
import Landscapes

/// The samplers a user can name (the `--sampler` of `adiabat sample`).
public enum SamplerKind: String, CaseIterable, Sendable, Codable {
    case reverseSDE = "reverse-sde"
    case probabilityFlow = "probability-flow"
    case annealedLangevin = "annealed-langevin"
    case predictorCorrector = "predictor-corrector"
    case fokkerPlanck = "fokker-planck"
}

/// A complete sampling run on a landscape: the plain-data request behind `adiabat sample`.
///
/// Defaults (documented in docs/diffusion.md): reverse SDE with stochastic Heun, probability
/// flow with RK4, annealed Langevin with ``LangevinSettings/defaults(levels:samples:dataScale:stepSize:stepsPerLevel:)``, predictor–corrector
/// with a Heun predictor and one corrector step of η = 0.05, the Fokker–Planck law of the
/// reverse SDE with implicit Euler; the Langevin data scale from
/// ``LangevinSettings/dataScale(of:on:)``.
public struct SamplingRun: Sendable {
    public var landscape: any Landscape
    /// The reference `p₀` for the metrics (default: the landscape itself; for a learned
    /// score, the exact law its samples came from).
    public var reference: (any Landscape)?
    public var grid: UniformGrid
    public var path: DiffusionPath
    public var sampler: SamplerKind
    /// The particle sampler's settings (nil: the sampler's default).
    public var method: SamplerMethod?
    public var fokkerPlanckMethod: FokkerPlanckMethod
    /// For `.fokkerPlanck`: evolve the annealed-Langevin law (with ``method``'s Langevin
    /// settings) instead of the reverse SDE's.
    public var fokkerPlanckLangevin: LangevinSettings?
    public var particles: Int
    public var seed: UInt64
    /// The RMS score error ε injected along the path (0: exact score).
    public var scoreError: Double
    /// A score model to run instead of the landscape's exact marginals (a tabulated field; the
    /// landscape is then only the law the metrics compare with and the Langevin data scale).
    public var score: (any ScoreModel)?
    /// The particles at `t_max` (point-major), instead of draws from the path's prior.
    public var initialParticles: [Double]?
    /// The Fokker–Planck law at `t_max`, instead of the path's prior tabulated on the grid.
    public var initialDensity: GridLaw?
    /// Particle samplers: drop particles whose score is not finite (a tabulated field outside
    /// its box; ``SamplingProblem/absorbing``) and measure the rest, reporting the count.
    public var absorbing = false

    public init(
        landscape: any Landscape, reference: (any Landscape)? = nil, grid: UniformGrid, path: DiffusionPath, sampler: SamplerKind,
        method: SamplerMethod? = nil, fokkerPlanckMethod: FokkerPlanckMethod = .implicitEuler,
        fokkerPlanckLangevin: LangevinSettings? = nil, particles: Int, seed: UInt64, scoreError: Double = 0
    ) {
        self.landscape = landscape
        self.reference = reference
        self.grid = grid
        self.path = path
        self.sampler = sampler
        self.method = method
        self.fokkerPlanckMethod = fokkerPlanckMethod
        self.fokkerPlanckLangevin = fokkerPlanckLangevin
        self.particles = particles
        self.seed = seed
        self.scoreError = scoreError
    }

    /// The particle method used for `sampler` (the given one, or the default).
    public func resolvedMethod() throws -> SamplerMethod? {
        let scale = try LangevinSettings.dataScale(of: landscape, on: grid)
        switch sampler {
        case .reverseSDE:
            if let method, case .reverseSDE = method { return method }
            return .reverseSDE(.heun)
        case .probabilityFlow:
            if let method, case .probabilityFlow = method { return method }
            return .probabilityFlow(.rk4)
        case .annealedLangevin:
            if let method, case .annealedLangevin = method { return method }
            return .annealedLangevin(LangevinSettings.defaults(levels: path.steps, samples: particles, dataScale: scale))
        case .predictorCorrector:
            if let method, case .predictorCorrector = method { return method }
            return .predictorCorrector(
                PredictorCorrectorSettings(
                    predictor: .heun, corrector: LangevinSettings(stepsPerLevel: 1, stepSize: 0.05, dataScale: scale)))
        case .fokkerPlanck:
            return nil
        }
    }

    /// The score model: exact marginals of the landscape, plus ε·δ/‖δ‖_{p_t} when
    /// ``scoreError`` ≠ 0 (the standard field, RMS by quadrature on ``grid``).
    public func scoreModel() throws -> any ScoreModel {
        if let score {
            guard scoreError == 0 else {
                throw InputError("score error", "applies to a landscape's exact score, not to a given score model")
            }
            return score
        }
        let exact = ExactScore(landscape, process: path.process)
        guard scoreError != 0 else { return exact }
        try Check.finite(scoreError, "score error")
        guard scoreError > 0 else { throw InputError("score error", "must be ≥ 0 (got \(scoreError))") }
        let delta = try ScorePerturbation.standard(dimension: landscape.dimension)
        let rms = try RMSNormalisation.quadrature(
            of: delta, landscape: landscape, process: path.process, grid: grid, tMax: path.tMax)
        return try PerturbedScore(base: exact, perturbation: delta, epsilon: scoreError, normalisation: rms)
    }

    /// Runs the sampler and measures the result against `p₀`.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> SamplingOutcome {
        guard landscape.dimension == grid.dimension else {
            throw InputError("grid", "has dimension \(grid.dimension), the landscape \(landscape.dimension)")
        }
        let p0 = reference ?? landscape
        let score = try scoreModel()
        if sampler == .fokkerPlanck {
            let dynamics: FokkerPlanckDynamics = fokkerPlanckLangevin.map { .annealedLangevin($0, substeps: 4) } ?? .reverseSDE
            let solution = try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: grid, score: score, path: path, dynamics: dynamics, initial: initialDensity),
                method: fokkerPlanckMethod,
                progress: progress)
            let comparison = try solution.density.compare(to: try GridLaw.tabulate(p0, on: grid))
            return SamplingOutcome(
                report: SamplingReport(
                    sampler: sampler.rawValue, method: "\(dynamics.name)/\(fokkerPlanckMethod.rawValue)", steps: path.steps,
                    samples: nil, schedule: path.schedule.name, tMax: path.tMax, process: path.process.rawValue,
                    scoreError: scoreError, seed: seed, tv: comparison.totalVariation, tvStderr: 0,
                    fidelity: comparison.fidelity, fidelityStderr: 0, kl: comparison.klDivergence, klStderr: nil,
                    tvNoiseFloor: nil, tvNoiseFloorSD: nil, bins: nil, wasserstein1: nil, wasserstein1Stderr: nil,
                    energyDistance: nil, energyDistanceStderr: nil, scoreEvaluations: solution.statistics.scoreEvaluations,
                    massError: solution.statistics.massError, minimumDensity: solution.statistics.minimumDensity,
                    seconds: solution.statistics.seconds),
                samples: nil, density: solution.density)
        }
        guard let method = try resolvedMethod() else { throw InputError("sampler", "no particle method for \(sampler.rawValue)") }
        var problem = SamplingProblem(
            score: score, path: path, particles: particles, seed: seed, initialParticles: initialParticles)
        problem.absorbing = absorbing
        let solution = try ParticleSampler.run(problem, method: method, progress: progress)
        if solution.count == 0 {
            throw DiffusionFailure(
                message:
                    "all \(particles) particles were dropped: their score stopped being finite (they left a tabulated field's box)",
                hint: "export the field on a wider box, or use more steps", partialResult: [])
        }
        let quality = try SampleMetrics.evaluate(samples: solution.samples, reference: p0, grid: grid, seed: seed)
        let h = quality.histogram
        var outcome = SamplingOutcome(
            report: SamplingReport(
                sampler: sampler.rawValue, method: method.name, steps: path.steps, samples: solution.count,
                schedule: path.schedule.name, tMax: path.tMax, process: path.process.rawValue, scoreError: scoreError, seed: seed,
                tv: h.totalVariation, tvStderr: h.totalVariationStandardError, fidelity: h.fidelity,
                fidelityStderr: h.fidelityStandardError, kl: h.klDivergence, klStderr: h.klStandardError,
                tvNoiseFloor: h.noiseFloor, tvNoiseFloorSD: h.noiseFloorStandardDeviation, bins: h.cells - 1,
                wasserstein1: quality.wasserstein1?.value, wasserstein1Stderr: quality.wasserstein1?.standardError,
                energyDistance: quality.energyDistance?.value, energyDistanceStderr: quality.energyDistance?.standardError,
                scoreEvaluations: solution.statistics.scoreEvaluations, massError: nil, minimumDensity: nil,
                seconds: solution.statistics.seconds),
            samples: solution.samples, density: nil)
        if absorbing { outcome.report.leftBox = solution.dropped }
        return outcome
    }
}

/// What a sampling run returns: the report, and the samples or the density.
public struct SamplingOutcome: Sendable {
    public var report: SamplingReport
    /// Particle samplers: the samples at `t = 0`, point-major.
    public var samples: [Double]?
    /// Fokker–Planck: the law at `t = 0` on the grid.
    public var density: GridLaw?
}

/// The figures of one run (the JSON object of `adiabat sample --json`). Sample-based
/// figures carry standard errors; Fokker–Planck figures are exact on the grid
/// (`tv_stderr = 0`).
public struct SamplingReport: Sendable, Encodable, Equatable {
    public var sampler: String
    public var method: String
    public var steps: Int
    public var samples: Int?
    public var schedule: String
    public var tMax: Double
    public var process: String
    public var scoreError: Double
    public var seed: UInt64
    public var tv: Double
    public var tvStderr: Double
    public var fidelity: Double
    public var fidelityStderr: Double
    public var kl: Double?
    public var klStderr: Double?
    public var tvNoiseFloor: Double?
    public var tvNoiseFloorSD: Double?
    public var bins: Int?
    public var wasserstein1: Double?
    public var wasserstein1Stderr: Double?
    public var energyDistance: Double?
    public var energyDistanceStderr: Double?
    public var scoreEvaluations: Int
    public var massError: Double?
    public var minimumDensity: Double?
    public var seconds: Double
    /// A tabulated score field's run (docs/score-fields.md): the path ends at `t_min` (the
    /// first table) instead of 0,
    public var tMin: Double? = nil
    /// the law the metrics compare with (the file's density at `t_min`, or the ground state of
    /// the Score Hamiltonian there),
    public var target: String? = nil
    /// how many prior draws fell outside the field's box and were drawn again,
    public var priorRedrawn: Int? = nil
    /// and how many particles left the box during the run and were dropped (``samples``
    /// counts the particles kept, which the metrics measure).
    public var leftBox: Int? = nil
}

extension LangevinSettings {
    /// The default data scale `ℓ` for Langevin step sizes: the narrowest local width of
    /// `p₀`, `ℓ² = d / max(−∇·s)` over the grid nodes where `p₀` exceeds 10⁻³ of its peak
    /// (`−∇·s = Σ 1/σᵢ²` at the centre of a Gaussian component, so a mixture gets its
    /// narrowest component's σ: 0.5 on the double well, 0.1 on two-moons). Falls back to 1
    /// when the density is nowhere curved downwards.
    public static func dataScale(of landscape: any Landscape, on grid: UniformGrid) throws -> Double {
        let law = try GridLaw.tabulate(landscape, on: grid, wallTolerance: 1)
        let peak = law.values.max() ?? 0
        let d = grid.dimension
        var curvature = 0.0
        var x = [Double](repeating: 0, count: d)
        for k in 0..<grid.count where law.values[k] >= 1e-3 * peak {
            grid.point(k, into: &x)
            let c = -landscape.divergence(x)
            if c.isFinite { curvature = max(curvature, c) }
        }
        return curvature > 0 ? (Double(d) / curvature).squareRoot() : 1
    }
}
