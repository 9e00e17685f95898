import GSLKit

/// How a run ended: one type for every solver and sampler that returns a solution.
///
/// Anything but ``success`` is a numerical failure, not an error: the solution that carries
/// it still holds the partial result (the state and figures at the time reached), and
/// ``hint`` says what to try. Bad input is a thrown ``InputError`` instead, before any work.
/// In JSON a status is the string ``description``: `"success"`, or what happened and what
/// to try, joined by `"; "`.
public enum SolutionStatus: Sendable, Equatable, CustomStringConvertible {
    case success
    /// The step budget (`maxSteps`) ran out at run time `time`.
    case maxStepsReached(time: Double)
    /// The step-size controller asked for a step below what `time` can resolve.
    case stepSizeTooSmall(time: Double)
    /// The state or its derivative became NaN or ∞ at `time`.
    case nonFinite(time: Double)
    /// Another failure: what happened, and what to try.
    case failed(String, hint: String)

    /// Whether the run reached its end.
    public var succeeded: Bool { self == .success }

    /// What happened (empty on success).
    public var reason: String {
        switch self {
        case .success: return ""
        case let .maxStepsReached(t): return "maximum number of steps reached at τ = \(t)"
        case let .stepSizeTooSmall(t): return "step size too small at τ = \(t)"
        case let .nonFinite(t): return "the state or its derivative became non-finite at τ = \(t)"
        case let .failed(message, _): return message
        }
    }

    /// What to try next (empty on success).
    public var hint: String {
        switch self {
        case .success: return ""
        case .maxStepsReached: return "raise maxSteps, loosen rtol/atol, or use a higher-order method"
        case .stepSizeTooSmall:
            return "the problem may be stiff or singular here; try an implicit method (msbdf, bsimp) or loosen the tolerances"
        case .nonFinite: return "check the path's coefficients and the model's parameters for NaN, ∞ or overflow"
        case let .failed(_, hint): return hint
        }
    }

    /// `success`, or `reason; hint`.
    public var description: String {
        if succeeded { return "success" }
        return hint.isEmpty ? reason : "\(reason); \(hint)"
    }

    /// The status of a GSL integration that stopped at `time`.
    public init(_ ode: ODEStatus, time: Double) {
        switch ode {
        case .success: self = .success
        case .maxStepsReached: self = .maxStepsReached(time: time)
        case let .stepSizeTooSmall(t, _): self = .stepSizeTooSmall(time: t)
        case let .nonFiniteDerivative(t): self = .nonFinite(time: t)
        case .failed: self = .failed(ode.description, hint: ode.hint)
        }
    }
}

extension SolutionStatus: Codable {
    /// Decodes the JSON string: `success`, or any other text as a failure with that text.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = text == "success" ? .success : .failed(text, hint: "")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// What a solver counted: one shape for every stepping solver.
///
/// In JSON the counts sit beside the solution's own figures (flat keys `steps`,
/// `rejected_steps`, `evaluations`, `seconds`), not in a nested object.
public struct SolutionStatistics: Sendable, Equatable, Encodable {
    /// Accepted steps.
    public var steps = 0
    /// Rejected (retried) steps.
    public var rejectedSteps = 0
    /// Applications of the right-hand side or operator (split-operator propagators: one
    /// exponential pass counts one).
    public var evaluations = 0
    /// Wall-clock seconds of the integration (not of the set-up).
    public var seconds = 0.0

    public init(steps: Int = 0, rejectedSteps: Int = 0, evaluations: Int = 0, seconds: Double = 0) {
        self.steps = steps
        self.rejectedSteps = rejectedSteps
        self.evaluations = evaluations
        self.seconds = seconds
    }

    /// The counts of a GSL integration (its wall time is the caller's to add).
    public init(_ ode: ODEStatistics) {
        self.init(steps: ode.steps, rejectedSteps: ode.rejectedSteps, evaluations: ode.evaluations)
    }
}

/// A solver's answer: the result (in the conforming type's own fields), how the run ended
/// and what it counted. On failure the fields hold the partial result at the time reached.
public protocol Solution: Sendable {
    var status: SolutionStatus { get }
    var statistics: SolutionStatistics { get }
}

extension Solution {
    /// Whether the run reached its end (`status == .success`).
    public var succeeded: Bool { status.succeeded }
}

extension ODEIntegrator {
    /// Advances through the ascending `stops`, calling `reached(stop)` after each one, and
    /// stops at the first failure with the time it reached.
    public func advance(through stops: [Double], reached: (Double) throws -> Void = { _ in }) throws -> SolutionStatus {
        for stop in stops {
            let s = try advance(to: stop)
            if s != .success { return SolutionStatus(s, time: time) }
            try reached(stop)
        }
        return .success
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
