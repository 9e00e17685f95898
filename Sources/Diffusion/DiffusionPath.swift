import AdiabatCore
import Foundation
import Landscapes

/// The reverse-time path every sampler walks: a forward process, the noise end `t_max`, a
/// schedule and a step count, giving diffusion times
/// `t_k = t_max·(1 − u(k/N))`, `k = 0…N`, from `t_0 = t_max` down to `t_N = 0`
/// (docs/theory.md §5).
///
/// The initial law at `t_max` is the process's prior (``priorVariance``): OU's stationary
/// `N(0, I)`, VE's wide Gaussian `N(0, 2t_max·I)` (the noise alone; `σ_max = √(2t_max)`
/// should exceed the data's spread).
public struct DiffusionPath: Sendable, Equatable {
    public let process: ForwardProcess
    public let tMax: Double
    public let schedule: Schedule
    public let steps: Int
    /// `t_0 = t_max > … ≥ t_N = 0`.
    public let times: [Double]

    /// The largest step count accepted (10⁷).
    public static let maximumSteps = 10_000_000

    /// Validates `t_max` (positive, finite, ≤ 50 for OU, where `e^{−2t}` underflows the
    /// signal entirely beyond it), the step count (1…10⁷) and that the schedule never
    /// decreases (reverse-time samplers cannot run a forward step).
    public init(process: ForwardProcess = .ou, tMax: Double, schedule: Schedule = .linear, steps: Int) throws {
        try Check.positive(tMax, "t_max")
        if process == .ou, tMax > 50 {
            throw InputError(
                "t_max", "\(tMax) is absurdly long for the OU process (the data is forgotten by t ≈ 10)", hint: "use t_max ≤ 50")
        }
        guard steps >= 1 else {
            throw InputError("steps", "must be at least 1 (got \(steps))", hint: "a sampler needs at least one step; try 100")
        }
        guard steps <= Self.maximumSteps else {
            throw InputError("steps", "\(steps) exceeds the limit of \(Self.maximumSteps)")
        }
        guard schedule.isMonotone else {
            throw InputError(
                "schedule", "'\(schedule.name)' decreases somewhere; reverse-time samplers need a schedule that never goes back",
                hint: "use a monotone schedule (reverse annealing has no sampler analogue here)")
        }
        self.process = process
        self.tMax = tMax
        self.schedule = schedule
        self.steps = steps
        var times = (0...steps).map { schedule.diffusionTime(at: Double($0) / Double(steps), tMax: tMax) }
        times[0] = tMax
        times[steps] = 0
        for k in 1...steps where times[k] > times[k - 1] { times[k] = times[k - 1] }
        self.times = times
    }

    /// The per-coordinate variance of the prior at `t_max`: 1 for OU, `2t_max` for VE.
    public var priorVariance: Double {
        switch process {
        case .ou: return 1
        case .ve: return process.noiseVariance(at: tMax)
        }
    }

    /// The coefficient `λ` of the linear drift of the reverse dynamics in `τ = t_max − t`:
    /// `dx = (λx + 2s) dτ + √2 dW` (λ = 1 for OU, 0 for VE).
    public var linearDrift: Double {
        switch process {
        case .ou: return 1
        case .ve: return 0
        }
    }

    /// The largest step `t_k − t_{k+1}`.
    public var largestStep: Double {
        var h = 0.0
        for k in 0..<steps { h = max(h, times[k] - times[k + 1]) }
        return h
    }

    /// The largest step `t_k − t_{k+1}` of this path's schedule cut into `steps` steps (the
    /// times as ``init(process:tMax:schedule:steps:)`` computes them, without allocating).
    static func largestStep(schedule: Schedule, tMax: Double, steps: Int) -> Double {
        var h = 0.0
        var previous = tMax
        for k in 1...steps {
            let t = k == steps ? 0 : min(previous, schedule.diffusionTime(at: Double(k) / Double(steps), tMax: tMax))
            h = max(h, previous - t)
            previous = t
        }
        return h
    }

    /// A step count whose largest step in diffusion time is at most `limit` on this path's
    /// schedule, or nil when none up to ``maximumSteps`` is. Doubles the step count from
    /// ``steps`` until the limit holds, then bisects down toward the smallest count that still
    /// passes; the count returned always passes (it is checked, not extrapolated), which is
    /// what an error's advice needs.
    public func steps(forLargestStep limit: Double) -> (steps: Int, largestStep: Double)? {
        func h(_ n: Int) -> Double { Self.largestStep(schedule: schedule, tMax: tMax, steps: n) }
        var hi = max(1, steps)
        var hHi = h(hi)
        if hHi <= limit {
            return (hi, hHi)
        }
        var lo = hi  // fails
        while hHi > limit {
            guard hi < Self.maximumSteps else { return nil }
            lo = hi
            hi = min(Self.maximumSteps, 2 * hi)
            hHi = h(hi)
        }
        // lo fails, hi passes: bisect, keeping a passing upper end.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            let hMid = h(mid)
            if hMid <= limit {
                hi = mid
                hHi = hMid
            } else {
                lo = mid
            }
        }
        return (hi, hHi)
    }

    /// The variance of `p_t` per coordinate when the data has variance `ℓ²`:
    /// `a(t)²ℓ² + v(t)` (the level variance used to scale Langevin steps).
    public func levelVariance(at t: Double, dataScale: Double) -> Double {
        let a = process.scale(at: t)
        return a * a * dataScale * dataScale + process.noiseVariance(at: t)
    }
}
