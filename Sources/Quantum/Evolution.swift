import AdiabatCore
import Foundation
import GSLKit

/// How to integrate `i∂τψ = H(τ)ψ`: one of GSL's steppers on the real form of the equation,
/// or a structure-aware split-operator propagator.
///
/// The split-operator methods write `H(τ) = P(τ) + Q(τ)` with two exactly exponentiable
/// parts (qubits: the Ising phase and the transverse rotation; grids: kinetic and
/// potential). Time is made a variable that advances with the first part, so every
/// splitting keeps its classical order on time-dependent paths:
/// - `split2`: Strang, 2nd order.
/// - `split4`: Blanes–Moan's 6-stage symmetric method (S6 of their 2002 paper), 4th order
///   with error constants far below the classical compositions: the default.
/// - `suzuki4`: Suzuki's 5-stage fractal composition of Strang steps, 4th order.
/// - `yoshida4`: Yoshida's 3-stage composition, 4th order (one negative stage, larger error).
/// - the GSL names (`rk8pd`, `msadams`, …): GSL's `gsl_odeiv2` steppers on the `2N` real
///   components. The implicit ones (`rk1imp`, `rk2imp`, `rk4imp`, `bsimp`, `msbdf`) need a
///   dense `2N × 2N` Jacobian and are offered only while that is affordable.
public enum EvolutionMethod: Sendable, Hashable {
    case split2
    case split4
    case suzuki4
    case yoshida4
    /// One of GSL's steppers on the real form of the equation.
    case gsl(ODEMethod)

    /// The split-operator propagators, in the order the command line lists them.
    public static let splitOperatorMethods: [EvolutionMethod] = [.split2, .split4, .suzuki4, .yoshida4]

    /// The GSL stepper, for GSL methods.
    public var odeMethod: ODEMethod? {
        if case let .gsl(ode) = self { return ode }
        return nil
    }

    public var isSplitOperator: Bool { odeMethod == nil }

    /// Global order of accuracy (GSL: ``GSLKit/ODEMethod/order``).
    public var order: Int {
        switch self {
        case .split2: return 2
        case .split4, .suzuki4, .yoshida4: return 4
        case let .gsl(ode): return ode.order
        }
    }

    /// The splitting coefficients of a split-operator method.
    var scheme: SplittingScheme {
        switch self {
        case .split4: return .blanesMoan6
        case .suzuki4:
            let p = 1 / (4 - pow(4, 1.0 / 3))
            return .composition([p, p, 1 - 4 * p, p, p])
        case .yoshida4:
            let w1 = 1 / (2 - pow(2, 1.0 / 3))
            return .composition([w1, 1 - 2 * w1, w1])
        case .split2, .gsl: return .composition([1])
        }
    }
}

/// The command-line names: `split2`, `split4`, `suzuki4`, `yoshida4`, and GSL's own names
/// (``GSLKit/ODEMethod``'s raw values) for its steppers.
extension EvolutionMethod: CaseIterable, RawRepresentable, Codable, CustomStringConvertible {
    /// Every method: the split-operator propagators, then every GSL stepper.
    public static let allCases: [EvolutionMethod] = splitOperatorMethods + ODEMethod.allCases.map { .gsl($0) }

    public init?(rawValue: String) {
        if let ode = ODEMethod(rawValue: rawValue) {
            self = .gsl(ode)
        } else if let split = Self.splitOperatorMethods.first(where: { $0.rawValue == rawValue }) {
            self = split
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .split2: return "split2"
        case .split4: return "split4"
        case .suzuki4: return "suzuki4"
        case .yoshida4: return "yoshida4"
        case let .gsl(ode): return ode.rawValue
        }
    }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let method = EvolutionMethod(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown evolution method '\(name)'"))
        }
        self = method
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A splitting `e^{a₀hP} e^{b₀hQ} e^{a₁hP} … e^{b_{J−1}hQ} e^{a_J hP}` of one step, where the
/// first part `P` carries the time (its flow advances τ by `aᵢh`) and `Q` is frozen at the
/// time reached. `Σaᵢ = Σbⱼ = 1`.
struct SplittingScheme: Sendable {
    let a: [Double]
    let b: [Double]

    /// A composition of Strang steps `P(w/2) Q(w) P(w/2)` with weights `wⱼ`; adjacent
    /// half-steps of `P` merge.
    static func composition(_ w: [Double]) -> SplittingScheme {
        var a: [Double] = [0.5 * w[0]]
        for j in 1..<max(w.count, 1) { a.append(0.5 * (w[j - 1] + w[j])) }
        a.append(0.5 * w[w.count - 1])
        return SplittingScheme(a: a, b: w)
    }

    /// Blanes & Moan (J. Comput. Appl. Math. 142, 2002), symmetric 6-stage order-4 method.
    static let blanesMoan6: SplittingScheme = {
        let a1 = 0.0792036964311957
        let a2 = 0.353172906049774
        let a3 = -0.0420650803577195
        let a4 = 1 - 2 * (a1 + a2 + a3)
        let b1 = 0.209515106613362
        let b2 = -0.143851773179818
        let b3 = 0.5 - (b1 + b2)
        return SplittingScheme(a: [a1, a2, a3, a4, a3, a2, a1], b: [b1, b2, b3, b3, b2, b1])
    }()
}

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

    /// Default tolerances per method family. GSL bounds each of the `2N` components by
    /// `atol + rtol·|yᵢ|` (rtol 1e-8, atol 1e-10). The split-operator controller bounds the
    /// 2-norm of the whole step's error by `rtol·‖ψ‖` (rtol 1e-7, atol 0). That is already
    /// stricter than GSL's per-component bound once `N` exceeds ~100 (√N·1e-8 > 1e-7), and
    /// it gives fidelity errors near 1e-8 on 12–16-qubit glasses (docs/evolution.md).
    public static func recommended(for method: EvolutionMethod) -> EvolutionOptions {
        method.isSplitOperator ? EvolutionOptions(rtol: 1e-7, atol: 0) : EvolutionOptions(rtol: 1e-8, atol: 1e-10)
    }

    func validate() throws {
        guard rtol.isFinite, rtol >= 0, atol.isFinite, atol >= 0, rtol + atol > 0 else {
            throw InputError("evolve.rtol", "and evolve.atol must be finite, ≥ 0 and not both 0 (got \(rtol), \(atol))")
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
        try c.encode(method, forKey: .method)
        try c.encode(totalTime, forKey: .totalTime)
        try c.encode(normError, forKey: .normError)
        try c.encode(status, forKey: .status)
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
        try c.encode(qubits, forKey: .qubits)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(path, forKey: .path)
        try c.encode(fidelity, forKey: .fidelity)
        try c.encode(groundStateProbability, forKey: .groundStateProbability)
        try c.encode(finalEnergy, forKey: .finalEnergy)
    }
}
