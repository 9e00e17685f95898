import AdiabatCore
import Foundation
import Landscapes

/// Integrators of the reverse SDE `dx = (λx + 2s_t(x)) dτ + √2 dW` (λ = 1 for OU, 0 for VE;
/// `τ = t_max − t`), each step from `t_k` to `t_{k+1}` with `h = t_k − t_{k+1}` and the score
/// frozen at `t_k`.
public enum ReverseSDEScheme: String, CaseIterable, Sendable, Codable {
    /// Euler–Maruyama: `x ← x + h(λx + 2s) + √(2h) z`. Weak order 1.
    case eulerMaruyama = "euler-maruyama"
    /// Exponential integrator: solves the linear part exactly with `s` frozen,
    /// `x ← e^{λh}x + 2·(e^{λh} − 1)/λ·s + √((e^{2λh} − 1)/λ) z` (for VE, λ → 0, it is
    /// Euler–Maruyama). Weak order 1, but exact for the OU prior itself and far more
    /// accurate at large `t` where the linear part dominates.
    case exponential
    /// Stochastic Heun (Kloeden–Platen's explicit weak order 2.0 scheme for additive noise):
    /// `x̃ = x + h·f(x, t_k) + √(2h) z`, `x ← x + ½h·(f(x, t_k) + f(x̃, t_{k+1})) + √(2h) z`
    /// with the same `z`, `f = λx + 2s`. Weak order 2 for this SDE (the noise is additive),
    /// at two score evaluations per step.
    case heun

    /// The weak order of the scheme.
    public var weakOrder: Int { self == .heun ? 2 : 1 }

    /// Score evaluations per particle per step.
    public var stages: Int { self == .heun ? 2 : 1 }
}

/// Fixed-step Runge–Kutta integrators of the probability-flow ODE `dx/dτ = λx + s_t(x)`,
/// batched over all particles (each stage evaluates every particle's score at one time).
public enum ProbabilityFlowScheme: String, CaseIterable, Sendable, Codable {
    /// Forward Euler, order 1.
    case euler
    /// Heun's method (explicit trapezoid), order 2; stages at `t_k` and `t_{k+1}`.
    case heun
    /// Classical Runge–Kutta, order 4; stages at `t_k`, `t_k − h/2` (twice) and `t_{k+1}`.
    case rk4

    /// The order of the global error.
    public var order: Int {
        switch self {
        case .euler: return 1
        case .heun: return 2
        case .rk4: return 4
        }
    }

    /// Score evaluations per particle per step.
    public var stages: Int {
        switch self {
        case .euler: return 1
        case .heun: return 2
        case .rk4: return 4
        }
    }
}

/// Unadjusted Langevin steps at one noise level, NCSN-style:
/// `x ← x + η_k s_{t_k}(x) + √(2η_k) z`, repeated ``stepsPerLevel`` times, with the step
/// size scaled to the level:
///
///     η_k = stepSize · (a(t_k)²ℓ² + v(t_k)),
///
/// i.e. ``stepSize`` times the variance `p_{t_k}` has per coordinate when the data has length
/// scale `ℓ` (``dataScale``; use the smallest feature width, e.g. a mixture component's
/// standard deviation). This is NCSN's `α_i ∝ σ_i²` rule, with the data width added so the
/// last level (`t = 0`, `σ = 0`) keeps a finite step.
///
/// On a Gaussian of variance σ² the chain with step `ησ²` is stable only for `η < 2` and
/// has stationary variance `σ²/(1 − η/2)`, so ``stepSize`` must lie in (0, 1]; 0.01–0.05
/// keeps that bias below a few per cent.
public struct LangevinSettings: Sendable, Equatable, Codable {
    public var stepsPerLevel: Int
    public var stepSize: Double
    public var dataScale: Double

    public init(stepsPerLevel: Int = 1, stepSize: Double = 0.02, dataScale: Double = 1) {
        self.stepsPerLevel = stepsPerLevel
        self.stepSize = stepSize
        self.dataScale = dataScale
    }

    public func validate() throws {
        guard (1...100_000).contains(stepsPerLevel) else {
            throw InputError("Langevin steps per level", "must lie in 1…100000 (got \(stepsPerLevel))")
        }
        guard stepSize.isFinite, stepSize > 0 else {
            throw InputError("Langevin step size", "must be a positive finite number (got \(stepSize))")
        }
        guard stepSize <= 1 else {
            throw InputError(
                "Langevin step size",
                "\(stepSize) is absurd: in units of the level variance, Langevin steps above 1 are unstable or grossly biased (unstable from 2 on a Gaussian)",
                hint: "use 0.01–0.05")
        }
        try Check.positive(dataScale, "Langevin data scale")
    }

    /// The defaults of annealed Langevin for `levels` levels and `samples` samples (either
    /// setting given overrides its default).
    ///
    /// The sampler's error has two parts (docs/diffusion.md §7–8): the chain's lag behind
    /// `p_t`, which falls like `1/Λ` with the Langevin time `Λ = levels · M · η` in units of the
    /// level variance, and the unadjusted chain's bias, `O(η)` (a TV of ≈ 0.12η per narrow
    /// direction on a Gaussian). Both must sit under the histogram noise floor, which falls
    /// like `n^{−1/2}`; measured at `n = 10⁵`, `Λ = 500` and `η = 0.05` reach it on the
    /// bundled mixtures and two-moons. So `η = 0.05·(10⁵/n)^{1/2}` (at most 0.1) and
    /// `Λ = 500·(n/10⁵)^{1/2}` (at least 100), `M = ⌈Λ/(levels·η)⌉`: the cost `levels·M ∝ n`,
    /// which is what reaching the floor costs this sampler.
    public static func defaults(
        levels: Int, samples: Int, dataScale: Double, stepSize: Double? = nil, stepsPerLevel: Int? = nil
    ) -> LangevinSettings {
        let n = Double(max(samples, 1))
        let eta = stepSize ?? min(0.1, 0.05 * (1e5 / n).squareRoot())
        let budget = max(100, 500 * (n / 1e5).squareRoot())
        let m = stepsPerLevel ?? Int(min(100_000, max(1, (budget / (Double(max(levels, 1)) * eta)).rounded(.up))))
        return LangevinSettings(stepsPerLevel: m, stepSize: eta, dataScale: dataScale)
    }

    /// `η_k` at diffusion time `t`.
    public func stepSize(at t: Double, path: DiffusionPath) -> Double {
        stepSize * path.levelVariance(at: t, dataScale: dataScale)
    }
}

/// Predictor–corrector (Song et al. 2021): one reverse-SDE step to `t_{k+1}`, then
/// ``corrector`` Langevin steps at `t_{k+1}`.
public struct PredictorCorrectorSettings: Sendable, Equatable, Codable {
    public var predictor: ReverseSDEScheme
    public var corrector: LangevinSettings

    public init(predictor: ReverseSDEScheme = .exponential, corrector: LangevinSettings = LangevinSettings()) {
        self.predictor = predictor
        self.corrector = corrector
    }
}

/// A particle sampler: the method half of problem → method → solution.
public enum SamplerMethod: Sendable, Equatable {
    case reverseSDE(ReverseSDEScheme)
    case probabilityFlow(ProbabilityFlowScheme)
    case annealedLangevin(LangevinSettings)
    case predictorCorrector(PredictorCorrectorSettings)

    /// A short name for reports.
    public var name: String {
        switch self {
        case .reverseSDE(let s): return "reverse-sde/\(s.rawValue)"
        case .probabilityFlow(let s): return "probability-flow/\(s.rawValue)"
        case .annealedLangevin(let l): return "annealed-langevin/M=\(l.stepsPerLevel),η=\(l.stepSize)"
        case .predictorCorrector(let pc):
            return
                "predictor-corrector/\(pc.predictor.rawValue)+\(pc.corrector.stepsPerLevel)×langevin(η=\(pc.corrector.stepSize))"
        }
    }

    /// Score evaluations per particle per path step.
    public var evaluationsPerStep: Int {
        switch self {
        case .reverseSDE(let s): return s.stages
        case .probabilityFlow(let s): return s.stages
        case .annealedLangevin(let l): return l.stepsPerLevel
        case .predictorCorrector(let pc): return pc.predictor.stages + pc.corrector.stepsPerLevel
        }
    }

    /// Whether the method draws random numbers after the initial draw.
    public var isStochastic: Bool {
        if case .probabilityFlow = self { return false }
        return true
    }

    /// What to do when a step of `path` is longer than the OU relaxation time 1: a step count
    /// that passes on this very schedule (searched, see
    /// ``DiffusionPath/steps(forLargestStep:)``), or a gentler schedule when none up to the limit
    /// does.
    static func stepAdvice(_ path: DiffusionPath) -> String {
        guard let (n, h) = path.steps(forLargestStep: 1) else {
            return "no step count up to \(DiffusionPath.maximumSteps) brings it to 1 or below on '\(path.schedule.name)'; "
                + "use a gentler schedule"
        }
        let largest = String(format: "%.4f", (h * 1e4).rounded(.down) / 1e4)  // rounded down: never shows 1 for 0.99996
        return "use \(n) steps (the largest step is then \(largest)) or a gentler schedule"
    }

    /// Rejects settings that cannot work on this path, before anything is allocated.
    public func validate(on path: DiffusionPath) throws {
        switch self {
        case .reverseSDE, .probabilityFlow:
            if path.process == .ou, path.largestStep > 1 {
                throw InputError(
                    "steps", "the largest step in diffusion time is \(path.largestStep), longer than the OU relaxation time 1",
                    hint: Self.stepAdvice(path))
            }
        case .annealedLangevin(let l):
            try l.validate()
        case .predictorCorrector(let pc):
            try pc.corrector.validate()
            if path.process == .ou, path.largestStep > 1 {
                throw InputError(
                    "steps",
                    "the largest predictor step in diffusion time is \(path.largestStep), longer than the OU relaxation time 1",
                    hint: Self.stepAdvice(path))
            }
        }
    }
}
