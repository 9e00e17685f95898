import AdiabatCore
import Foundation
import Landscapes

/// Which law the Fokker–Planck solver evolves, `∂ρ/∂τ = ∇·(∇ρ − bρ)` (unit diffusion;
/// every sampler here has noise `√2 dW`).
public enum FokkerPlanckDynamics: Sendable, Equatable {
    /// The reverse SDE's law: `b = λx + 2s_t`, `τ = t_max − t`, stepping through the
    /// path's times `t_k` (one implicit step per path step). With exact scores and the exact
    /// initial law it reproduces `p_t` at every `t_k` up to the discretisation error.
    case reverseSDE
    /// Annealed Langevin with levels, the `η → 0` law of the particle sampler with the same
    /// settings: at each level `t_{k+1}`, `b = s_{t_{k+1}}` for Langevin time
    /// `M·η_{k+1}`, split into `substeps` implicit steps.
    case annealedLangevin(LangevinSettings, substeps: Int)
    /// Annealed Langevin in continuous time (docs/theory.md §3): `b = s_{t(τ)}` for
    /// `τ ∈ [0, T]`, `t(τ) = t_max·(1 − u(τ/T))`, in `steps` equal steps of `T/steps`.
    case langevinPath(totalTime: Double)

    public var name: String {
        switch self {
        case .reverseSDE: return "reverse-sde"
        case .annealedLangevin: return "annealed-langevin"
        case .langevinPath: return "langevin-path"
        }
    }
}

/// Time steppers for the Fokker–Planck equation.
public enum FokkerPlanckMethod: String, CaseIterable, Sendable, Codable {
    /// Implicit Euler: first order, L-stable, and positivity-preserving at every step size
    /// (`I − ΔL` is an M-matrix). In 2-D, Lie splitting `(I − ΔL₂)⁻¹(I − ΔL₁)⁻¹`, which keeps
    /// both properties and the first order.
    case implicitEuler = "implicit-euler"
    /// TR-BDF2 (trapezoid to `γΔ`, then BDF2; `γ = 2 − √2`): second order, L-stable, mass
    /// conserving; positivity is not guaranteed (the minimum is reported). In 2-D, Strang
    /// splitting (half step on axis 1, full step on axis 2, half step on axis 1), which
    /// keeps the second order.
    case trBDF2 = "tr-bdf2"

    /// The order of the time discretisation.
    public var order: Int { self == .implicitEuler ? 1 : 2 }
}

/// A Fokker–Planck run: grid, score, path and dynamics (plain data).
public struct FokkerPlanckProblem: Sendable {
    public var grid: UniformGrid
    public var score: any ScoreModel
    public var path: DiffusionPath
    public var dynamics: FokkerPlanckDynamics
    /// The density at the start (on ``grid``), or nil for the path's prior
    /// `N(0, priorVariance·I)` tabulated on the grid.
    public var initial: GridLaw?

    public init(
        grid: UniformGrid, score: any ScoreModel, path: DiffusionPath, dynamics: FokkerPlanckDynamics, initial: GridLaw? = nil
    ) {
        self.grid = grid
        self.score = score
        self.path = path
        self.dynamics = dynamics
        self.initial = initial
    }

    public func validate() throws {
        guard (1...2).contains(grid.dimension) else {
            throw InputError(
                "grid", "the Fokker–Planck solver works on 1-D and 2-D grids (got \(grid.dimension)-D)",
                hint: "use the particle samplers in 3-D")
        }
        guard score.dimension == grid.dimension else {
            throw InputError("grid", "has dimension \(grid.dimension) but the score has \(score.dimension)")
        }
        if let initial {
            guard initial.grid == grid else {
                throw InputError("initial density", "lives on \(initial.grid), not on the problem grid \(grid)")
            }
        }
        switch dynamics {
        case .reverseSDE: break
        case let .annealedLangevin(settings, substeps):
            try settings.validate()
            guard (1...100_000).contains(substeps) else {
                throw InputError("Fokker–Planck substeps", "must lie in 1…100000 (got \(substeps))")
            }
        case .langevinPath(let total):
            try Check.positive(total, "total Langevin time")
            guard total <= 1e7 else { throw InputError("total Langevin time", "\(total) is absurdly long") }
        }
    }
}

/// Counts and invariants of a Fokker–Planck run.
public struct FokkerPlanckStatistics: Sendable, Equatable, Codable {
    /// Implicit time steps.
    public var steps: Int
    /// Tridiagonal line solves.
    public var lineSolves: Int
    /// Score evaluations (face points × evaluations).
    public var scoreEvaluations: Int
    /// `|Σρ ΔV − 1|` before the final renormalisation (round-off only; the scheme conserves mass).
    public var massError: Double
    /// The smallest density value met (negative only with TR-BDF2).
    public var minimumDensity: Double
    public var seconds: Double
}

/// The density at the end of the path.
public struct FokkerPlanckSolution: Sendable {
    public let density: GridLaw
    public let method: FokkerPlanckMethod
    public let dynamics: FokkerPlanckDynamics
    public let statistics: FokkerPlanckStatistics
}

/// Density evolution on a grid: the law of the samplers without sampling noise.
///
/// Space: Scharfetter–Gummel fluxes (see the internal `FluxOperator`), mass-conserving and,
/// with implicit Euler, positivity-preserving. Time: implicit Euler or TR-BDF2; in 2-D the
/// implicit steps are split by axis, so each is a set of independent tridiagonal solves
/// (`O(N)` per step, both cores) instead of a 2-D sparse solve per step.
public enum FokkerPlanckSolver {
    public static func run(
        _ problem: FokkerPlanckProblem, method: FokkerPlanckMethod = .implicitEuler,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> FokkerPlanckSolution {
        try problem.validate()
        let start = DispatchTime.now()
        let grid = problem.grid
        let path = problem.path
        let initial = try problem.initial ?? priorDensity(path: path, grid: grid)
        let engine = FokkerPlanckEngine(grid: grid, score: problem.score, method: method, initial: initial.values)

        switch problem.dynamics {
        case .reverseSDE:
            for k in 0..<path.steps {
                let t0 = path.times[k]
                let t1 = path.times[k + 1]
                let h = t0 - t1
                if h > 0 {
                    // θ = h lands exactly on t_{k+1}, so the next step reuses these coefficients.
                    try engine.step(duration: h, linear: path.linearDrift, scoreWeight: 2) { theta in
                        theta >= h ? t1 : max(t0 - theta, t1)
                    }
                }
                progress?(k + 1, path.steps)
            }
        case let .annealedLangevin(settings, substeps):
            for k in 0..<path.steps {
                let t1 = path.times[k + 1]
                let duration = Double(settings.stepsPerLevel) * settings.stepSize(at: t1, path: path)
                for _ in 0..<substeps {
                    try engine.step(duration: duration / Double(substeps), linear: 0, scoreWeight: 1) { _ in t1 }
                }
                progress?(k + 1, path.steps)
            }
        case .langevinPath(let total):
            let dt = total / Double(path.steps)
            for k in 0..<path.steps {
                let tau0 = Double(k) * dt
                try engine.step(duration: dt, linear: 0, scoreWeight: 1) { theta in
                    path.schedule.diffusionTime(at: (tau0 + theta) / total, tMax: path.tMax)
                }
                progress?(k + 1, path.steps)
            }
        }
        let (density, massError) = engine.result()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) * 1e-9
        return FokkerPlanckSolution(
            density: density, method: method, dynamics: problem.dynamics,
            statistics: FokkerPlanckStatistics(
                steps: engine.steps, lineSolves: engine.lineSolves, scoreEvaluations: engine.scoreEvaluations,
                massError: massError, minimumDensity: engine.minimumSeen, seconds: seconds))
    }

    /// The prior `N(0, priorVariance·I)` of `path`, tabulated and normalised on `grid`.
    public static func priorDensity(path: DiffusionPath, grid: UniformGrid) throws -> GridLaw {
        let variance = path.priorVariance
        let d = grid.dimension
        var values = [Double](repeating: 0, count: grid.count)
        var x = [Double](repeating: 0, count: d)
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            var r2 = 0.0
            for a in 0..<d { r2 += x[a] * x[a] }
            values[k] = exp(-0.5 * r2 / variance)
        }
        let density = try GridLaw(grid: grid, values: values)
        if density.wallRatio > 1e-5 {
            throw InputError(
                "grid", "cuts off the prior N(0, \(variance)·I): its value on a wall is \(density.wallRatio) of the peak",
                hint: "widen the grid to at least ±\(String(format: "%.1f", 4.8 * variance.squareRoot())) on every axis")
        }
        return density
    }
}

/// The mutable state of one Fokker–Planck run: the density and the face coefficients.
final class FokkerPlanckEngine {
    let grid: UniformGrid
    let score: any ScoreModel
    let method: FokkerPlanckMethod
    let op: FluxOperator
    var rho: [Double]
    var work: [Double]
    var previous: [Double]
    var scratch: [Double]
    /// Per axis: α, β at the start of the current step (valid when `startTime` matches).
    var alpha: [[Double]]
    var beta: [[Double]]
    var alphaNext: [[Double]]
    var betaNext: [[Double]]
    var cachedKey: [CoefficientKey?]
    var steps = 0
    var lineSolves = 0
    var scoreEvaluations = 0
    var minimumSeen = Double.infinity

    struct CoefficientKey: Equatable {
        var time: Double
        var linear: Double
        var weight: Double
    }

    init(grid: UniformGrid, score: any ScoreModel, method: FokkerPlanckMethod, initial: [Double]) {
        self.grid = grid
        self.score = score
        self.method = method
        self.op = FluxOperator(grid: grid)
        self.rho = initial
        let n = grid.count
        work = [Double](repeating: 0, count: n)
        previous = [Double](repeating: 0, count: n)
        scratch = [Double](repeating: 0, count: n * grid.dimension)
        alpha = Array(repeating: [Double](repeating: 0, count: n), count: grid.dimension)
        beta = alpha
        alphaNext = alpha
        betaNext = alpha
        cachedKey = Array(repeating: nil, count: grid.dimension)
        minimumSeen = initial.min() ?? 0
    }

    /// Fills `alpha[a]`/`beta[a]` for diffusion time `t` (reusing the cache when unchanged).
    private func coefficients(axis a: Int, time t: Double, linear: Double, weight: Double) throws {
        let key = CoefficientKey(time: t, linear: linear, weight: weight)
        if cachedKey[a] == key { return }
        let field = try score.field(at: t)
        let bad = alpha[a].withUnsafeMutableBufferPointer { al in
            beta[a].withUnsafeMutableBufferPointer { be in
                scratch.withUnsafeMutableBufferPointer { sc in
                    // safe: all three buffers have grid.count ≥ 3 entries
                    op.coefficients(
                        axis: a, field: field, linear: linear, scoreWeight: weight, alpha: al.baseAddress!, beta: be.baseAddress!,
                        scratch: sc.baseAddress!)
                }
            }
        }
        scoreEvaluations += op.faceNodes[a].count
        if let f = bad {
            cachedKey[a] = nil
            throw DiffusionFailure(
                message: "the score is not finite at t = \(t) at the grid point \(op.facePoint(axis: a, f))",
                hint: "check the score model on the whole grid, or shrink the grid to where the score is defined",
                partialResult: rho)
        }
        cachedKey[a] = key
    }

    /// `y ← (I − cL_a)⁻¹ rhs`.
    private func solve(axis a: Int, c: Double, rhs: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
        alpha[a].withUnsafeBufferPointer { al in
            beta[a].withUnsafeBufferPointer { be in
                op.solveLines(axis: a, alpha: al.baseAddress!, beta: be.baseAddress!, c: c, rhs: rhs, into: y)  // safe: non-empty
            }
        }
        lineSolves += grid.count / grid.points[a]
    }

    /// `out += c·L_a ρ`.
    private func applyAdd(axis a: Int, c: Double, _ x: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        alpha[a].withUnsafeBufferPointer { al in
            beta[a].withUnsafeBufferPointer { be in
                op.applyAdd(axis: a, alpha: al.baseAddress!, beta: be.baseAddress!, c: c, x, into: out)  // safe: non-empty
            }
        }
    }

    /// One time step of length `duration`; `time(θ)` gives the diffusion time at offset
    /// `θ ∈ [0, duration]` into the step.
    func step(duration: Double, linear: Double, scoreWeight: Double, time: (Double) -> Double) throws {
        switch method {
        case .implicitEuler:
            for a in 0..<grid.dimension {
                try coefficients(axis: a, time: time(duration), linear: linear, weight: scoreWeight)
                rho.withUnsafeMutableBufferPointer { r in
                    solve(axis: a, c: duration, rhs: r.baseAddress!, into: r.baseAddress!)  // safe: non-empty
                }
            }
        case .trBDF2:
            if grid.dimension == 1 {
                try trBDF2(axis: 0, from: 0, duration: duration, linear: linear, weight: scoreWeight, time: time)
            } else {
                let half = 0.5 * duration
                try trBDF2(axis: 0, from: 0, duration: half, linear: linear, weight: scoreWeight, time: time)
                try trBDF2(axis: 1, from: 0, duration: duration, linear: linear, weight: scoreWeight, time: time)
                try trBDF2(axis: 0, from: half, duration: half, linear: linear, weight: scoreWeight, time: time)
            }
        }
        steps += 1
        var m = Double.infinity
        for v in rho { m = min(m, v) }
        minimumSeen = min(minimumSeen, m)
        if !m.isFinite {
            throw DiffusionFailure(
                message: "the density became non-finite at step \(steps)", hint: "use smaller time steps", partialResult: rho)
        }
    }

    /// TR-BDF2 on axis `a` over `[θ₀, θ₀ + Δ]` of the current step.
    private func trBDF2(
        axis a: Int, from theta0: Double, duration dt: Double, linear: Double, weight: Double, time: (Double) -> Double
    )
        throws
    {
        let gamma = 2 - 2.0.squareRoot()
        let n = grid.count
        // Stage 1 (trapezoid to θ₀ + γΔ): (I − γΔ/2·L(θ₀+γΔ)) ρ* = (I + γΔ/2·L(θ₀)) ρ.
        try coefficients(axis: a, time: time(theta0), linear: linear, weight: weight)
        for k in 0..<n {  // copy in place: no allocation per step
            previous[k] = rho[k]
            work[k] = rho[k]
        }
        previous.withUnsafeBufferPointer { p in
            work.withUnsafeMutableBufferPointer { w in
                applyAdd(axis: a, c: 0.5 * gamma * dt, p.baseAddress!, into: w.baseAddress!)  // safe: non-empty
            }
        }
        try coefficients(axis: a, time: time(theta0 + gamma * dt), linear: linear, weight: weight)
        work.withUnsafeMutableBufferPointer { w in
            solve(axis: a, c: 0.5 * gamma * dt, rhs: w.baseAddress!, into: w.baseAddress!)  // safe: non-empty
        }
        // Stage 2 (BDF2 to θ₀ + Δ): (I − (1−γ)/(2−γ)·Δ·L(θ₀+Δ)) ρ' = (ρ* − (1−γ)²ρ)/(γ(2−γ)).
        let scale = 1 / (gamma * (2 - gamma))
        let back = (1 - gamma) * (1 - gamma)
        for k in 0..<n { work[k] = scale * (work[k] - back * previous[k]) }
        try coefficients(axis: a, time: time(theta0 + dt), linear: linear, weight: weight)
        work.withUnsafeBufferPointer { w in
            rho.withUnsafeMutableBufferPointer { r in
                solve(axis: a, c: (1 - gamma) / (2 - gamma) * dt, rhs: w.baseAddress!, into: r.baseAddress!)  // safe: non-empty
            }
        }
    }

    /// The final density (renormalised) and the mass error before renormalisation.
    func result() -> (GridLaw, Double) {
        var total = 0.0
        for v in rho { total += v }
        total *= grid.cellVolume
        let values = rho.map { max($0, 0) / total }
        var clipped = 0.0
        for v in values { clipped += v }
        clipped *= grid.cellVolume
        return (GridLaw(uncheckedGrid: grid, values: values.map { $0 / clipped }), abs(total - 1))
    }
}
