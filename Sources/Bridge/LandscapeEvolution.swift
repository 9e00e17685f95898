import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Quantum

/// Real-time evolution along a landscape's Score-Hamiltonian path (docs/theory.md §5): from the
/// noise end `t_max` to the data end `t = 0`, starting in `√p_{t_max}` normalised on the
/// grid, with fidelity against `√p₀`.
///
/// Run time `τ ∈ [0, T]` maps to diffusion time `t(τ) = t_max·(1 − u(τ/T))` through a
/// ``AdiabatCore/Schedule``; the potential at each `τ` is ``LandscapePath/potential(atTime:)``.
/// The propagators are ``Quantum/GridEvolution``'s (sine-transform split operator or GSL).
public enum LandscapeEvolution {
    /// The evolution problem and its target `√p₀` (uniform grids only).
    public static func problem(path: LandscapePath, schedule: Schedule = .linear, totalTime: Double) throws
        -> (problem: GridEvolutionProblem, target: [Double])
    {
        guard case let .grid(grid, order) = path.discretisation else {
            throw InputError(
                "grid", "real-time evolution runs on uniform grids; this problem is radial",
                hint: "give [grid] lower, upper and points")
        }
        let start = try path.groundStateAmplitude(atTime: path.tMax)
        var initial = [Double](repeating: 0, count: 2 * grid.count)
        for k in 0..<grid.count { initial[2 * k] = start[k] }
        let target = try path.groundStateAmplitude(atTime: 0)
        let tMax = path.tMax
        let problem = try GridEvolutionProblem(
            grid: grid, totalTime: totalTime, initialState: initial, order: order,
            breakpoints: schedule.breakpoints.map { $0 * totalTime }
        ) { tau in
            try path.potential(atTime: schedule.diffusionTime(at: tau / totalTime, tMax: tMax))
        }
        return (problem, target)
    }

    /// Roland–Cerf's schedule on the landscape path: `du/dτ ∝ g(t(u))²`, from the gap
    /// profile at `samples` diffusion times (progress `u = 1 − t/t_max`).
    public static func rolandCerf(path: LandscapePath, samples: Int = 41) throws -> Schedule {
        let profile = try path.gapProfile(points: samples)
        let pairs = profile.points.map { (1 - $0.parameter / path.tMax, $0.gap) }.sorted { $0.0 < $1.0 }
        return try Schedule.gapAdaptive(progress: pairs.map(\.0), gaps: pairs.map(\.1), power: 2, name: "roland-cerf")
    }

    /// Evolves along the path and measures the fidelity with `√p₀`.
    public static func run(
        path: LandscapePath, schedule: Schedule = .linear, totalTime: Double, method: EvolutionMethod = .split4,
        options: EvolutionOptions? = nil
    ) throws -> GridEvolutionResult {
        let (problem, target) = try self.problem(path: path, schedule: schedule, totalTime: totalTime)
        return try GridEvolution.run(problem, method: method, options: options ?? .recommended(for: method), target: target)
    }

    /// The work of an evolution of length `T` (docs/conventions.md#limits): steps from `T` and
    /// the range of the potential at both ends of the path (`0.3·T·ρ`, or the fixed count), each
    /// ~40 evaluations of the potential (its cost timed once here, mid-path) and of the kinetic factor
    /// (`N log₂N` per sine transform, four per evaluation).
    public static func estimate(path: LandscapePath, totalTime T: Double, method: EvolutionMethod, options: EvolutionOptions)
        throws -> EvolutionWorkEstimate
    {
        guard case let .grid(grid, order) = path.discretisation else {
            throw InputError(
                "grid", "real-time evolution runs on uniform grids; this problem is radial",
                hint: "give [grid] lower, upper and points")
        }
        try GridEvolution.checkMethod(method, order: order)
        // Timed in the middle of the path, where a convolved density costs the most.
        let started = ContinuousClock.now
        _ = try path.potential(atTime: 0.5 * path.tMax)
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let end = try path.potential(atTime: 0)
        let start = try path.potential(atTime: path.tMax)
        var rho = 0.0
        for v in [end, start] {
            guard let lo = v.min(), let hi = v.max(), lo.isFinite, hi.isFinite else {
                throw InputError(
                    "landscape", "the Score-Hamiltonian potential is not finite on the grid",
                    hint: "check the landscape and the grid")
            }
            rho = max(rho, hi - lo)
        }
        if method.resolvesWholeSpectrum {
            // Steppers on the real form resolve the kinetic term too: its largest eigenvalue is 4/h² per axis.
            rho += grid.spacing.reduce(0) { $0 + 4 / ($1 * $1) }
        }
        let n = Double(grid.count)
        // Measured on double-well (T = 10): ~40 evaluations per accepted step on a grid.
        let perEvaluation = 4 * n * Foundation.log2(max(2, n)) + max(n, seconds * WorkBudget.unitsPerSecond)
        return EvolutionWorkEstimate(
            totalTime: T, spectralRadius: rho, named: "potential range", fixedSteps: options.steps,
            workPerStep: 40 * perEvaluation, on: "\(grid.count) grid nodes")
    }
}
