import CGSL

/// Every stepper of GSL's `gsl_odeiv2`, as a closed set.
///
/// The explicit Runge–Kutta methods need only the right-hand side. The implicit methods
/// (`rk1imp`, `rk2imp`, `rk4imp`, `bsimp`, `msbdf`) need the Jacobian `∂f/∂y` as well;
/// `msadams` is a variable-order explicit/implicit Adams method that uses functional
/// iteration and needs no Jacobian.
public enum ODEMethod: String, CaseIterable, Sendable, Codable {
    /// Explicit embedded Runge–Kutta (2, 3).
    case rk2
    /// Explicit 4th-order (classical) Runge–Kutta; error by step doubling.
    case rk4
    /// Explicit embedded Runge–Kutta–Fehlberg (4, 5).
    case rkf45
    /// Explicit embedded Runge–Kutta Cash–Karp (4, 5).
    case rkck
    /// Explicit embedded Runge–Kutta Prince–Dormand (8, 9).
    case rk8pd
    /// Implicit Gaussian first-order Runge–Kutta (implicit Euler).
    case rk1imp
    /// Implicit Gaussian second-order Runge–Kutta (implicit midpoint).
    case rk2imp
    /// Implicit Gaussian 4th-order Runge–Kutta (2-stage Gauss–Legendre).
    case rk4imp
    /// Implicit Bulirsch–Stoer method of Bader and Deuflhard.
    case bsimp
    /// Variable-coefficient linear multistep Adams method (orders 1–12).
    case msadams
    /// Variable-coefficient linear multistep backward differentiation formula (orders 1–5).
    case msbdf

    /// Whether GSL's stepper calls the Jacobian.
    public var requiresJacobian: Bool {
        switch self {
        case .rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf: return true
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd, .msadams: return false
        }
    }

    /// The order of the solution GSL propagates (for the multistep methods, the highest
    /// order they may use). GSL advances the embedded pairs with their higher-order
    /// solution (local extrapolation): rk2 propagates 3rd order, rkf45 and rkck 5th; the
    /// tests measure these orders on an exact solution. On linear problems rk8pd can show
    /// up to one order more than 8.
    public var order: Int {
        switch self {
        case .rk1imp: return 1
        case .rk2imp: return 2
        case .rk2: return 3
        case .rk4, .rk4imp: return 4
        case .rkf45, .rkck: return 5
        case .rk8pd: return 8
        case .bsimp: return 6
        case .msadams: return 12
        case .msbdf: return 5
        }
    }

    /// Whether the method is implicit (suited to stiff problems).
    public var isImplicit: Bool { requiresJacobian }

    var stepType: UnsafePointer<gsl_odeiv2_step_type>? {
        switch self {
        case .rk2: return cgsl_step_rk2()
        case .rk4: return cgsl_step_rk4()
        case .rkf45: return cgsl_step_rkf45()
        case .rkck: return cgsl_step_rkck()
        case .rk8pd: return cgsl_step_rk8pd()
        case .rk1imp: return cgsl_step_rk1imp()
        case .rk2imp: return cgsl_step_rk2imp()
        case .rk4imp: return cgsl_step_rk4imp()
        case .bsimp: return cgsl_step_bsimp()
        case .msadams: return cgsl_step_msadams()
        case .msbdf: return cgsl_step_msbdf()
        }
    }
}

/// An initial-value problem `dy/dt = f(t, y)`, `y(t₀) = y₀`, in plain data.
///
/// The right-hand side writes `f(t, y)` into `dydt`; it may throw, and the error is carried
/// out through GSL and re-thrown by the solver (never across a C frame). The optional
/// Jacobian writes `∂fᵢ/∂yⱼ` row-major into `dfdy` (`dimension × dimension`) and `∂f/∂t`
/// into `dfdt`.
public struct ODEProblem: Sendable {
    public typealias RightHandSide =
        @Sendable (
            _ t: Double, _ y: UnsafeBufferPointer<Double>, _ dydt: UnsafeMutableBufferPointer<Double>
        ) throws -> Void
    public typealias Jacobian =
        @Sendable (
            _ t: Double, _ y: UnsafeBufferPointer<Double>,
            _ dfdy: UnsafeMutableBufferPointer<Double>, _ dfdt: UnsafeMutableBufferPointer<Double>
        ) throws -> Void

    public var dimension: Int { initialState.count }
    public var initialTime: Double
    public var initialState: [Double]
    public var rightHandSide: RightHandSide
    public var jacobian: Jacobian?

    public init(
        initialTime: Double, initialState: [Double],
        rightHandSide: @escaping RightHandSide, jacobian: Jacobian? = nil
    ) {
        self.initialTime = initialTime
        self.initialState = initialState
        self.rightHandSide = rightHandSide
        self.jacobian = jacobian
    }
}

/// Step-size control and limits for ``ODEIntegrator``.
///
/// In adaptive mode GSL's standard control keeps the local error of each component below
/// `atol + rtol·|yᵢ|`. With `fixedStep` set, steps have that size (the last one is shortened
/// to land on the end time) and no error control is applied.
public struct ODEOptions: Sendable, Equatable {
    /// Relative tolerance of the local error (adaptive mode).
    public var rtol: Double = 1e-6
    /// Absolute tolerance of the local error (adaptive mode).
    public var atol: Double = 1e-9
    /// First trial step; default `1e-3 × |t₁ − t₀|` of the first advance (at most 1e-2).
    public var initialStep: Double? = nil
    /// Fixed step size: disables step-size control when set. (The implicit methods still use
    /// `rtol`/`atol` as the convergence criterion of their Newton iteration.)
    public var fixedStep: Double? = nil
    /// The integration stops with status `.maxStepsReached` after this many accepted steps.
    public var maxSteps: Int = 10_000_000
    /// The integration stops with `.stepSizeTooSmall` if the controller asks for less.
    public var minStep: Double = 0
    /// Upper bound on the step size.
    public var maxStep: Double = .infinity
    /// Check every right-hand-side evaluation for NaN/∞ (cheap; on by default).
    public var checkFinite: Bool = true

    public init(
        rtol: Double = 1e-6, atol: Double = 1e-9, initialStep: Double? = nil, fixedStep: Double? = nil,
        maxSteps: Int = 10_000_000, minStep: Double = 0, maxStep: Double = .infinity, checkFinite: Bool = true
    ) {
        self.rtol = rtol
        self.atol = atol
        self.initialStep = initialStep
        self.fixedStep = fixedStep
        self.maxSteps = maxSteps
        self.minStep = minStep
        self.maxStep = maxStep
        self.checkFinite = checkFinite
    }

    func validate() throws {
        let r = "ODEOptions"
        guard rtol.isFinite, rtol >= 0, atol.isFinite, atol >= 0 else {
            throw GSLError.invalidArgument(r, "rtol (\(rtol)) and atol (\(atol)) must be finite and non-negative")
        }
        if fixedStep == nil && rtol == 0 && atol == 0 {
            throw GSLError.invalidArgument(r, "rtol and atol are both 0", hint: "set a positive tolerance or a fixed step")
        }
        if rtol > 0 && rtol < 1e-15 {
            throw GSLError.invalidArgument(r, "rtol \(rtol) is below double precision", hint: "use rtol ≥ 1e-15")
        }
        if let h = initialStep, !(h.isFinite && h > 0) {
            throw GSLError.invalidArgument(r, "initialStep must be finite and positive (got \(h))")
        }
        if let h = fixedStep, !(h.isFinite && h > 0) {
            throw GSLError.invalidArgument(r, "fixedStep must be finite and positive (got \(h))")
        }
        if maxSteps <= 0 { throw GSLError.invalidArgument(r, "maxSteps must be positive (got \(maxSteps))") }
        if !(minStep >= 0 && minStep.isFinite) {
            throw GSLError.invalidArgument(r, "minStep must be finite and ≥ 0 (got \(minStep))")
        }
        if !(maxStep > 0) || maxStep.isNaN { throw GSLError.invalidArgument(r, "maxStep must be positive (got \(maxStep))") }
    }
}

/// Counts kept by an integration.
public struct ODEStatistics: Sendable, Equatable, Codable {
    /// Accepted steps.
    public var steps: Int = 0
    /// Rejected (retried) steps.
    public var rejectedSteps: Int = 0
    /// Right-hand-side evaluations.
    public var evaluations: Int = 0
    /// Jacobian evaluations.
    public var jacobianEvaluations: Int = 0

    public init() {}
}

/// How an integration ended. Anything but `.success` keeps the partial result.
public enum ODEStatus: Sendable, Equatable, CustomStringConvertible {
    case success
    /// `maxSteps` accepted steps were taken before reaching the end time.
    case maxStepsReached
    /// The controller asked for a step below `minStep` (or below machine resolution).
    case stepSizeTooSmall(time: Double, step: Double)
    /// The right-hand side or Jacobian produced NaN or ∞.
    case nonFiniteDerivative(time: Double)
    /// GSL reported another failure.
    case failed(code: Int32, message: String)

    public var isSuccess: Bool { self == .success }

    /// What to try next.
    public var hint: String {
        switch self {
        case .success: return ""
        case .maxStepsReached: return "raise maxSteps, loosen rtol/atol, or use a higher-order or implicit method"
        case .stepSizeTooSmall:
            return "the problem may be stiff or singular here; try an implicit method (msbdf, bsimp) or loosen the tolerances"
        case .nonFiniteDerivative: return "the right-hand side returned NaN or ∞; check the model's parameters and domain"
        case .failed: return "try a different method or smaller tolerances"
        }
    }

    public var description: String {
        switch self {
        case .success: return "success"
        case .maxStepsReached: return "maximum number of steps reached"
        case let .stepSizeTooSmall(t, h): return "step size \(h) too small at t = \(t)"
        case let .nonFiniteDerivative(t): return "non-finite derivative at t = \(t)"
        case let .failed(code, message): return "GSL failure \(code): \(message)"
        }
    }
}

/// The result of ``ODEIntegrator/solve(_:method:to:options:saveAt:)``.
public struct ODESolution: Sendable {
    public var method: ODEMethod
    public var times: [Double]
    /// `states[k]` is the state at `times[k]`.
    public var states: [[Double]]
    public var status: ODEStatus
    public var statistics: ODEStatistics

    /// The last state reached (the final one on success).
    public var finalState: [Double] { states.last ?? [] }
}

/// The Swift side of a GSL ODE system: the closures, counters and the first error raised.
final class ODECallbackContext {
    let rightHandSide: ODEProblem.RightHandSide
    let jacobian: ODEProblem.Jacobian?
    let dimension: Int
    let checkFinite: Bool
    var evaluations = 0
    var jacobianEvaluations = 0
    var thrown: Error?
    var nonFiniteAt: Double?

    init(problem: ODEProblem, checkFinite: Bool) {
        rightHandSide = problem.rightHandSide
        jacobian = problem.jacobian
        dimension = problem.dimension
        self.checkFinite = checkFinite
    }

    /// GSL's status for one callback `body` that fills `output` (and `extra`): an error it
    /// throws is kept for the caller, and with ``checkFinite`` an output value that is not
    /// finite notes `t` in ``nonFiniteAt``.
    func status(
        at t: Double, filling output: UnsafeMutableBufferPointer<Double>,
        and extra: UnsafeMutableBufferPointer<Double>? = nil, _ body: () throws -> Void
    ) -> Int32 {
        do {
            try body()
        } catch {
            thrown = error
            return Status.badFunction
        }
        if checkFinite && (output.contains { !$0.isFinite } || extra?.contains { !$0.isFinite } == true) {
            nonFiniteAt = t
            return Status.badFunction
        }
        return Status.success
    }
}

private func contextFrom(_ params: UnsafeMutableRawPointer?) -> ODECallbackContext? {
    guard let params else { return nil }
    return Unmanaged<ODECallbackContext>.fromOpaque(params).takeUnretainedValue()
}

private let odeFunctionTrampoline:
    @convention(c) (Double, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, UnsafeMutableRawPointer?) -> Int32 = {
        t, y, f, params in
        guard let context = contextFrom(params), let y, let f else { return Status.badFunction }
        context.evaluations += 1
        let n = context.dimension
        let output = UnsafeMutableBufferPointer(start: f, count: n)
        return context.status(at: t, filling: output) {
            try context.rightHandSide(t, UnsafeBufferPointer(start: y, count: n), output)
        }
    }

private let odeJacobianTrampoline:
    @convention(c) (
        Double, UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, UnsafeMutablePointer<Double>?,
        UnsafeMutableRawPointer?
    ) -> Int32 = { t, y, dfdy, dfdt, params in
        guard let context = contextFrom(params), let jacobian = context.jacobian, let y, let dfdy, let dfdt else {
            return Status.badFunction
        }
        context.jacobianEvaluations += 1
        let n = context.dimension
        let matrix = UnsafeMutableBufferPointer(start: dfdy, count: n * n)
        let timeDerivative = UnsafeMutableBufferPointer(start: dfdt, count: n)
        return context.status(at: t, filling: matrix, and: timeDerivative) {
            try jacobian(t, UnsafeBufferPointer(start: y, count: n), matrix, timeDerivative)
        }
    }

/// Integrates an ``ODEProblem`` with one GSL stepper, to a time or one step at a time.
///
/// The integrator owns GSL's driver, stepper, controller and evolution objects; they are
/// freed when it is released. It is not thread-safe: use one integrator per thread.
///
/// ```swift
/// let integrator = try ODEIntegrator(problem: decay, method: .rk8pd, options: .init(rtol: 1e-10))
/// let status = try integrator.advance(to: 2.0)
/// ```
public final class ODEIntegrator {
    public let method: ODEMethod
    public let options: ODEOptions
    public let dimension: Int
    /// The current time.
    public private(set) var time: Double
    /// The current state (a copy).
    public var state: [Double] { Array(UnsafeBufferPointer(start: y, count: dimension)) }
    /// Counts so far.
    public var statistics: ODEStatistics {
        var s = ODEStatistics()
        s.steps = acceptedSteps
        s.rejectedSteps = Int(driver.pointee.e.pointee.failed_steps)
        s.evaluations = context.evaluations
        s.jacobianEvaluations = context.jacobianEvaluations
        return s
    }

    private let context: ODECallbackContext
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>
    private let y: UnsafeMutablePointer<Double>
    private var h: Double
    private var hWasSet: Bool
    private var acceptedSteps = 0

    /// Rejects a method/problem mismatch and invalid options before allocating anything.
    public init(problem: ODEProblem, method: ODEMethod, options: ODEOptions = ODEOptions()) throws {
        GSLRuntime.ensureReady()
        let routine = "ODEIntegrator"
        guard problem.dimension > 0 else {
            throw GSLError.invalidArgument(routine, "the initial state is empty")
        }
        try Validate.finite(problem.initialTime, routine, "initialTime")
        try Validate.finite(problem.initialState, routine, "initialState")
        try options.validate()
        if method.requiresJacobian && problem.jacobian == nil {
            let usable = ODEMethod.allCases.filter { !$0.requiresJacobian }.map(\.rawValue).joined(separator: ", ")
            throw GSLError.invalidArgument(
                routine, "method \(method.rawValue) needs the Jacobian, and the problem has none",
                hint: "supply a Jacobian, or use one of: \(usable)")
        }
        self.method = method
        self.options = options
        self.dimension = problem.dimension
        self.time = problem.initialTime
        self.context = ODECallbackContext(problem: problem, checkFinite: options.checkFinite)
        self.h = options.fixedStep ?? options.initialStep ?? 1e-3
        self.hWasSet = options.fixedStep != nil || options.initialStep != nil

        system = .allocate(capacity: 1)
        system.initialize(
            to: gsl_odeiv2_system(
                function: odeFunctionTrampoline,
                jacobian: problem.jacobian == nil ? nil : odeJacobianTrampoline,
                dimension: problem.dimension,
                params: Unmanaged.passUnretained(context).toOpaque()))
        let stateStorage = UnsafeMutablePointer<Double>.allocate(capacity: problem.dimension)
        for (i, value) in problem.initialState.enumerated() { (stateStorage + i).initialize(to: value) }
        y = stateStorage
        guard
            let d = gsl_odeiv2_driver_alloc_y_new(
                system, method.stepType, h, options.atol, options.rtol)
        else {
            system.deallocate()
            y.deallocate()
            throw GSLError(code: Status.noMemory, routine: "gsl_odeiv2_driver_alloc_y_new", message: "allocation failed")
        }
        driver = d
    }

    deinit {
        gsl_odeiv2_driver_free(driver)
        system.deallocate()
        y.deallocate()
    }

    /// Reads the current state without copying.
    public func withState<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: y, count: dimension))
    }

    /// Replaces time and state (for restarts); the step-size history is reset.
    public func reset(time newTime: Double, state newState: [Double]) throws {
        try Validate.count(newState.count, dimension, "ODEIntegrator.reset", "state")
        try Validate.finite(newState, "ODEIntegrator.reset", "state")
        try Validate.finite(newTime, "ODEIntegrator.reset", "time")
        time = newTime
        for i in 0..<dimension { y[i] = newState[i] }
        gsl_odeiv2_driver_reset(driver)
    }

    /// Takes one accepted step towards `t1`, never past it.
    ///
    /// Returns `.success` after an accepted step (check ``time`` to see where it landed), or a
    /// failure status with the state left at the last accepted step. A Swift error thrown by
    /// the right-hand side is re-thrown here.
    @discardableResult
    public func step(toward t1: Double) throws -> ODEStatus {
        try Validate.finite(t1, "ODEIntegrator.step", "t1")
        if t1 == time { return .success }
        let direction: Double = t1 > time ? 1 : -1
        if !hWasSet {
            h = min(1e-2, 1e-3 * abs(t1 - time))
            hWasSet = true
        }
        h = direction * min(abs(h), options.maxStep)
        if acceptedSteps >= options.maxSteps { return .maxStepsReached }

        let status: Int32
        var t = time
        if let fixed = options.fixedStep {
            let stepSize = direction * min(fixed, abs(t1 - time))
            status = gsl_odeiv2_evolve_apply_fixed_step(driver.pointee.e, nil, driver.pointee.s, system, &t, stepSize, y)
        } else {
            status = gsl_odeiv2_evolve_apply(driver.pointee.e, driver.pointee.c, driver.pointee.s, system, &t, t1, &h, y)
        }
        if let error = context.thrown {
            context.thrown = nil
            throw error
        }
        if let at = context.nonFiniteAt {
            context.nonFiniteAt = nil
            return .nonFiniteDerivative(time: at)
        }
        if status != Status.success {
            if status == Status.failure { return .stepSizeTooSmall(time: time, step: h) }
            return .failed(code: status, message: gslDescription(status))
        }
        time = t
        acceptedSteps += 1
        if options.fixedStep == nil, abs(h) < options.minStep, time != t1 {
            return .stepSizeTooSmall(time: time, step: h)
        }
        return .success
    }

    /// Integrates to exactly `t1` (forwards or backwards).
    public func advance(to t1: Double) throws -> ODEStatus {
        try Validate.finite(t1, "ODEIntegrator.advance", "t1")
        while time != t1 {
            let status = try step(toward: t1)
            if status != .success { return status }
        }
        return .success
    }

    /// Convenience: integrates `problem` from its initial time to `t1` and records the state at
    /// each time in `saveAt` (ascending towards `t1`; default: only the end).
    public static func solve(
        _ problem: ODEProblem, method: ODEMethod, to t1: Double, options: ODEOptions = ODEOptions(),
        saveAt: [Double]? = nil
    ) throws -> ODESolution {
        let integrator = try ODEIntegrator(problem: problem, method: method, options: options)
        var marks = saveAt ?? [t1]
        if marks.last != t1 { marks.append(t1) }
        try Validate.finite(marks, "ODEIntegrator.solve", "saveAt")
        let direction: Double = t1 >= problem.initialTime ? 1 : -1
        for (a, b) in zip(marks, marks.dropFirst()) where (b - a) * direction < 0 {
            throw GSLError.invalidArgument(
                "ODEIntegrator.solve", "saveAt times must run monotonically from the initial time towards \(t1)")
        }
        if let first = marks.first, (first - problem.initialTime) * direction < 0 {
            throw GSLError.invalidArgument("ODEIntegrator.solve", "saveAt time \(first) lies before the initial time")
        }
        var times: [Double] = []
        var states: [[Double]] = []
        var status = ODEStatus.success
        for mark in marks {
            status = try integrator.advance(to: mark)
            if status != .success { break }
            times.append(integrator.time)
            states.append(integrator.state)
        }
        if status != .success {
            times.append(integrator.time)
            states.append(integrator.state)
        }
        return ODESolution(
            method: method, times: times, states: states, status: status, statistics: integrator.statistics)
    }
}
