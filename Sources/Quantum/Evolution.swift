import AdiabatCore
import Foundation
import GSLKit

/// How to integrate `i∂τψ = H(τ)ψ`: one of GSL's steppers on the real form of the equation,
/// or a structure-aware split-operator propagator.
///
/// - `split2`: Strang splitting, 2nd order, with `H` frozen at each step's midpoint.
/// - `split4`: Suzuki's 5-stage fractal composition of Strang steps, 4th order (the default:
///   unitary to rounding, exact for each part, cheapest per digit on annealing paths).
/// - `yoshida4`: Yoshida's 3-stage composition, 4th order (fewer stages, larger error constant).
/// - the GSL names (`rk8pd`, `msadams`, …): GSL's `gsl_odeiv2` steppers on the `2N` real
///   components. The implicit ones (`rk1imp`, `rk2imp`, `rk4imp`, `bsimp`, `msbdf`) need a
///   dense `2N × 2N` Jacobian and are offered only while that is affordable.
public enum EvolutionMethod: String, CaseIterable, Sendable, Codable {
    case split2
    case split4
    case yoshida4
    case rk2
    case rk4
    case rkf45
    case rkck
    case rk8pd
    case rk1imp
    case rk2imp
    case rk4imp
    case bsimp
    case msadams
    case msbdf

    /// The GSL stepper, for GSL methods.
    public var odeMethod: ODEMethod? { ODEMethod(rawValue: rawValue) }

    public var isSplitOperator: Bool { odeMethod == nil }

    /// Global order of accuracy.
    public var order: Int {
        switch self {
        case .split2: return 2
        case .split4, .yoshida4: return 4
        default: return odeMethod?.order ?? 0
        }
    }

    /// Stage weights of the composition of Strang steps (sum 1).
    var compositionWeights: [Double] {
        switch self {
        case .split2: return [1]
        case .split4:
            let p = 1 / (4 - pow(4, 1.0 / 3))
            return [p, p, 1 - 4 * p, p, p]
        case .yoshida4:
            let w1 = 1 / (2 - pow(2, 1.0 / 3))
            return [w1, 1 - 2 * w1, w1]
        default: return []
        }
    }
}

/// Tolerances and limits of an evolution.
public struct EvolutionOptions: Sendable, Equatable {
    /// Relative local tolerance (GSL: per component; split-operator: of the step's 2-norm error).
    public var rtol: Double = 1e-8
    /// Absolute local tolerance.
    public var atol: Double = 1e-10
    /// Fixed number of steps (split-operator and GSL fixed-step mode); nil = adaptive.
    public var steps: Int? = nil
    /// Accepted steps allowed before the run stops with `.maxStepsReached`.
    public var maxSteps: Int = 10_000_000
    /// Record this many equally spaced points of the trajectory (0: none; the end points
    /// are included, so `n` gives `n + 1` points).
    public var trajectorySamples: Int = 0
    /// With a trajectory: also the instantaneous ground-state fidelity and gap (a Lanczos
    /// solve per point).
    public var trajectorySpectrum: Bool = false
    /// Largest state dimension (real components) for which implicit GSL methods build their
    /// dense Jacobian.
    public var maximumDenseJacobian: Int = 1024

    public init(
        rtol: Double = 1e-8, atol: Double = 1e-10, steps: Int? = nil, maxSteps: Int = 10_000_000,
        trajectorySamples: Int = 0, trajectorySpectrum: Bool = false, maximumDenseJacobian: Int = 1024
    ) {
        self.rtol = rtol
        self.atol = atol
        self.steps = steps
        self.maxSteps = maxSteps
        self.trajectorySamples = trajectorySamples
        self.trajectorySpectrum = trajectorySpectrum
        self.maximumDenseJacobian = maximumDenseJacobian
    }

    func validate() throws {
        guard rtol.isFinite, rtol >= 0, atol.isFinite, atol >= 0, rtol + atol > 0 else {
            throw InputError("--rtol/--atol", "must be finite, ≥ 0 and not both 0 (got \(rtol), \(atol))")
        }
        if rtol > 0 && rtol < 1e-15 { throw InputError("--rtol", "is below double precision (got \(rtol)); use ≥ 1e-15") }
        if let s = steps, s < 1 { throw InputError("--steps", "must be positive (got \(s))") }
        guard maxSteps > 0 else { throw InputError("maxSteps", "must be positive") }
        guard trajectorySamples >= 0, trajectorySamples <= 100_000 else {
            throw InputError("--trajectory", "must be between 0 and 100000 points (got \(trajectorySamples))")
        }
    }
}

/// Counts kept by an evolution.
public struct EvolutionStatistics: Sendable, Equatable, Codable {
    /// Accepted steps.
    public var steps = 0
    /// Rejected steps.
    public var rejectedSteps = 0
    /// Applications of `H` (GSL) or of the exponential factors (split-operator: one
    /// phase-plus-rotation pass counts one).
    public var evaluations = 0
    /// Wall-clock seconds of the integration (not of the set-up).
    public var seconds = 0.0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case steps, evaluations, seconds
        case rejectedSteps = "rejected_steps"
    }
}

/// How an evolution ended; anything but `success` keeps the partial result.
public enum EvolutionStatus: Sendable, Equatable, CustomStringConvertible {
    case success
    case maxStepsReached(time: Double)
    case stepSizeTooSmall(time: Double)
    case failed(String)

    public var isSuccess: Bool { self == .success }

    public var description: String {
        switch self {
        case .success: return "success"
        case let .maxStepsReached(t): return "maximum number of steps reached at τ = \(t)"
        case let .stepSizeTooSmall(t): return "step size too small at τ = \(t)"
        case let .failed(m): return m
        }
    }

    init(_ ode: ODEStatus, time: Double) {
        switch ode {
        case .success: self = .success
        case .maxStepsReached: self = .maxStepsReached(time: time)
        case let .stepSizeTooSmall(t, _): self = .stepSizeTooSmall(time: t)
        case .nonFiniteDerivative, .failed: self = .failed("\(ode); \(ode.hint)")
        }
    }
}

/// One recorded point of an evolution.
public struct TrajectoryPoint: Sendable, Codable, Equatable {
    /// Run time τ.
    public var time: Double
    /// Progress `u(τ/T)` (anneal fraction `s`, or `1 − t/t_max` on a landscape path).
    public var progress: Double
    /// `⟨ψ|H(τ)|ψ⟩`.
    public var energy: Double
    /// Qubits: probability of measuring a ground state of `H_P`; grids: fidelity with the target.
    public var targetProbability: Double
    /// Fidelity with the instantaneous ground space (when requested).
    public var instantaneousFidelity: Double?
    /// Instantaneous adiabatic gap (when requested).
    public var gap: Double?

    enum CodingKeys: String, CodingKey {
        case time, progress, energy, gap
        case targetProbability = "target_probability"
        case instantaneousFidelity = "instantaneous_fidelity"
    }
}

/// The stage sequence of a composition of midpoint Strang steps for `H = P + Q(τ)`-type
/// splittings, shared by the qubit and grid propagators.
///
/// One step of size `h` from `τ` runs, for each weight `wⱼ`, a Strang sub-step of length
/// `wⱼh` with the Hamiltonian frozen at that sub-step's midpoint. Consecutive half-steps of
/// the outer factor merge, so the caller sees `J` inner factors and `J + 1` outer ones.
struct StrangComposition {
    let weights: [Double]

    /// Sub-step midpoints and lengths for a step `(τ, h)`.
    func stages(from t: Double, step h: Double) -> [(mid: Double, length: Double)] {
        var out: [(Double, Double)] = []
        out.reserveCapacity(weights.count)
        var start = t
        for w in weights {
            let len = w * h
            out.append((start + 0.5 * len, len))
            start += len
        }
        return out
    }
}

/// `‖x − y‖₂` of two interleaved vectors.
func distance(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
    let n = x.count
    let xs = SharedReadPointer(x.baseAddress!)  // safe: callers pass non-empty states
    let ys = SharedReadPointer(y.baseAddress!)  // safe: same length as x
    let s = Parallel.sum(count: n, chunkSize: 1 << 16) { range in
        var acc = 0.0
        let xb = xs.base
        let yb = ys.base
        for i in range {
            let d = xb[i] - yb[i]
            acc += d * d
        }
        return acc
    }
    return s.squareRoot()
}

/// `‖x‖₂²`.
func normSquared(_ x: UnsafeBufferPointer<Double>) -> Double {
    let xs = SharedReadPointer(x.baseAddress!)  // safe: callers pass non-empty states
    return Parallel.sum(count: x.count, chunkSize: 1 << 16) { range in
        var acc = 0.0
        let xb = xs.base
        for i in range { acc += xb[i] * xb[i] }
        return acc
    }
}
