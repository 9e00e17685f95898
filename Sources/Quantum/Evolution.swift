import AdiabatCore
import Foundation
import GSLKit

/// `∫_{t0}^{t1} f` by 3-point Gauss–Legendre (exact for quintics; error O((t1 − t0)⁷)).
@inline(__always)
func gaussIntegral(_ t0: Double, _ t1: Double, _ f: (Double) -> Double) -> Double {
    let mid = 0.5 * (t0 + t1)
    let half = 0.5 * (t1 - t0)
    let x = 0.77459666924148337704 * half  // √(3/5)
    return half * (5.0 / 9 * (f(mid - x) + f(mid + x)) + 8.0 / 9 * f(mid))
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
    /// With a trajectory: also keep the state at each of its times (`trajectoryStates` of the
    /// result; for `evolve --save-state` with `--trajectory`).
    public var trajectoryStates: Bool = false
    /// Largest state dimension (real components) for which implicit GSL methods build their
    /// dense Jacobian.
    public var maximumDenseJacobian: Int = 1024
    /// Qubits: evolve in the even spin-flip sector (half the amplitudes) when every `hᵢ = 0`
    /// and the run starts in the ground state. The result is the same; off only for tests.
    public var useSymmetry: Bool = true
    /// Split-operator step doubling on a reversible stepper (qubits) without a second vector:
    /// every step in place, the big step undone by its inverse, the distance from sketches
    /// (SplitOperatorDriver; one step more per step, and the state after a rejection equals the
    /// old one to rounding, not to the bit). Used for states of at least this many real
    /// components: 2²¹, a register of 2²⁰ amplitudes (16 MiB per vector); smaller runs keep two
    /// exact copies. 0 in tests, to use it at any size.
    public var inPlaceStepDoublingFrom: Int = 1 << 21

    /// Whether split-operator step doubling on a state of `components` reals runs in place
    /// (adaptive steps from ``inPlaceStepDoublingFrom`` on): no copies, one undone step per step.
    public func stepDoublingInPlace(components: Int) -> Bool { steps == nil && components >= inPlaceStepDoublingFrom }

    /// The vectors a split-operator run keeps besides the state of `components` reals: the big
    /// step's and the half steps' for step doubling with copies, none in place or with fixed steps.
    public func splitCopies(components: Int) -> Double {
        steps == nil && !stepDoublingInPlace(components: components) ? 2 : 0
    }

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

    /// The method's default tolerances (``EvolutionMethod/recommendedOptions``; each family
    /// declares its own).
    public static func recommended(for method: EvolutionMethod) -> EvolutionOptions { method.recommendedOptions }

    /// Checks the tolerances, steps and trajectory (errors name `evolve.*`).
    public func validate() throws {
        try Check.nonNegative(rtol, "evolve.rtol")
        try Check.nonNegative(atol, "evolve.atol")
        guard rtol + atol > 0 else {
            throw InputError(
                "evolve.rtol", "is 0 and so is the absolute tolerance (evolve.atol)", hint: "give one of them a positive value")
        }
        if rtol > 0 && rtol < 1e-15 { throw InputError("evolve.rtol", "is below double precision (got \(rtol)); use ≥ 1e-15") }
        if let s = steps, s < 1 { throw InputError("evolve.steps", "must be positive (got \(s))") }
        guard maxSteps > 0 else { throw InputError("maxSteps", "must be positive") }
        guard trajectorySamples >= 0, trajectorySamples <= 100_000 else {
            throw InputError("evolve.trajectory", "must be between 0 and 100000 points (got \(trajectorySamples))")
        }
    }
}

/// One recorded point of an evolution.
public struct TrajectoryPoint: Sendable, Encodable, Equatable {
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

/// What every real-time evolution returns: its own figures, plus the method, the run time,
/// the unitarity defect, the final state, the ``AdiabatCore/SolutionStatistics`` and the
/// ``AdiabatCore/SolutionStatus``. On failure the figures and `finalState` are those of the
/// state reached when the run stopped (the partial result).
public protocol EvolutionSolution: Solution, Encodable {
    var method: EvolutionMethod { get }
    /// Total run time `T`.
    var totalTime: Double { get }
    /// `|‖ψ(T)‖² − ‖ψ(0)‖²|`: the propagator's unitarity defect.
    var normError: Double { get }
    /// The final state (interleaved complex), not encoded.
    var finalState: [Double] { get }
}

private enum EvolutionSolutionKeys: String, CodingKey {
    case method, status
    case totalTime = "total_time"
    case normError = "norm_error"
}

extension EvolutionSolution {
    /// Writes the keys every evolution shares into the solution's JSON object: `method`,
    /// `total_time`, `norm_error`, the statistics beside them (`steps`, `rejected_steps`,
    /// `evaluations`, `seconds`) and `status` (a string).
    public func encodeSolutionKeys(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: EvolutionSolutionKeys.self)
        try c.encodeFields([.method: method, .totalTime: totalTime, .normError: normError, .status: status])
        try statistics.encode(to: encoder)
    }
}

/// An evolution on a qubit register: the figures every register run reports besides the
/// shared keys (`qubits`, `schedule`, `path`, `fidelity`, `ground_state_probability`,
/// `final_energy`).
public protocol RegisterEvolutionSolution: EvolutionSolution {
    var qubits: Int { get }
    /// The schedule's name.
    var schedule: String { get }
    /// The path's name.
    var path: String { get }
    /// `‖P₀ψ(T)‖²`, `P₀` the projector on the ground space at the end of the path.
    var fidelity: Double { get }
    /// Probability of measuring a ground state of `H_P` at the end.
    var groundStateProbability: Double { get }
    /// `⟨ψ(T)|H_P|ψ(T)⟩` in the problem's energy units.
    var finalEnergy: Double { get }
}

private enum RegisterSolutionKeys: String, CodingKey {
    case qubits, schedule, path, fidelity
    case groundStateProbability = "ground_state_probability"
    case finalEnergy = "final_energy"
}

extension RegisterEvolutionSolution {
    /// Writes the shared keys (``EvolutionSolution/encodeSolutionKeys(to:)``) and the
    /// register's figures into the solution's JSON object.
    public func encodeRegisterKeys(to encoder: Encoder) throws {
        try encodeSolutionKeys(to: encoder)
        var c = encoder.container(keyedBy: RegisterSolutionKeys.self)
        try c.encodeFields([
            .qubits: qubits, .schedule: schedule, .path: path, .fidelity: fidelity,
            .groundStateProbability: groundStateProbability, .finalEnergy: finalEnergy,
        ])
    }
}
