import CGSL

/// The interpolation schemes offered by ``CubicSpline``.
public enum SplineKind: String, CaseIterable, Sendable, Codable {
    /// Natural cubic spline (second derivative zero at both ends).
    case natural
    /// Periodic cubic spline (first and last values must agree).
    case periodic
    /// Steffen's monotone cubic: no overshoot between data points.
    case steffen
    /// Piecewise linear.
    case linear

    var minimumPoints: Int {
        switch self {
        case .natural, .steffen: return 3
        case .periodic: return 2
        case .linear: return 2
        }
    }
}

/// A cubic spline through tabulated points (`gsl_spline`).
///
/// Evaluation uses no accelerator, so one spline can be read from several threads at once.
public final class CubicSpline: @unchecked Sendable {
    public let kind: SplineKind
    public let x: [Double]
    public let y: [Double]
    /// The interval on which the spline is defined.
    public var domain: ClosedRange<Double> { x[0]...x[x.count - 1] }
    private let spline: UnsafeMutablePointer<gsl_spline>

    /// - Throws: if the abscissae are not strictly increasing, values are not finite, the
    ///   counts differ, or there are too few points for `kind`.
    public init(x: [Double], y: [Double], kind: SplineKind = .natural) throws {
        GSLRuntime.ensureReady()
        let routine = "CubicSpline"
        try Validate.count(y.count, x.count, routine, "y")
        guard x.count >= kind.minimumPoints else {
            throw GSLError.invalidArgument(
                routine, "a \(kind.rawValue) spline needs at least \(kind.minimumPoints) points (got \(x.count))")
        }
        try Validate.finite(x, routine, "x")
        try Validate.finite(y, routine, "y")
        for i in 1..<x.count where !(x[i] > x[i - 1]) {
            throw GSLError.invalidArgument(
                routine, "x must be strictly increasing, but x[\(i)] = \(x[i]) ≤ x[\(i - 1)] = \(x[i - 1])")
        }
        if kind == .periodic, y[0] != y[y.count - 1] {
            throw GSLError.invalidArgument(routine, "a periodic spline needs y[0] == y[last] (got \(y[0]) and \(y[y.count - 1]))")
        }
        let type: UnsafePointer<gsl_interp_type>
        switch kind {
        case .natural: type = cgsl_interp_cspline()
        case .periodic: type = cgsl_interp_cspline_periodic()
        case .steffen: type = cgsl_interp_steffen()
        case .linear: type = cgsl_interp_linear()
        }
        guard let s = gsl_spline_alloc(type, x.count) else {
            throw GSLError(code: Status.noMemory, routine: "gsl_spline_alloc", message: "allocation failed")
        }
        let status = gsl_spline_init(s, x, y, x.count)
        if status != Status.success {
            gsl_spline_free(s)
            try check(status, "gsl_spline_init")
        }
        self.kind = kind
        self.x = x
        self.y = y
        self.spline = s
    }

    deinit { gsl_spline_free(spline) }

    private func inDomain(_ t: Double, _ routine: String) throws {
        guard t >= x[0], t <= x[x.count - 1] else {
            throw GSLError(
                code: Status.domain, routine: routine, message: "\(t) lies outside the table [\(x[0]), \(x[x.count - 1])]",
                hint: "extend the table or evaluate inside it")
        }
    }

    /// The spline's value at `t` (inside ``domain``).
    public func value(at t: Double) throws -> Double {
        try inDomain(t, "CubicSpline.value")
        return gsl_spline_eval(spline, t, nil)
    }

    /// The first derivative at `t`.
    public func derivative(at t: Double) throws -> Double {
        try inDomain(t, "CubicSpline.derivative")
        return gsl_spline_eval_deriv(spline, t, nil)
    }

    /// The second derivative at `t`.
    public func secondDerivative(at t: Double) throws -> Double {
        try inDomain(t, "CubicSpline.secondDerivative")
        return gsl_spline_eval_deriv2(spline, t, nil)
    }

    /// The integral from `a` to `b` (both inside the domain, `a ≤ b`).
    public func integral(from a: Double, to b: Double) throws -> Double {
        try inDomain(a, "CubicSpline.integral")
        try inDomain(b, "CubicSpline.integral")
        guard a <= b else { return -(try integral(from: b, to: a)) }
        return gsl_spline_eval_integ(spline, a, b, nil)
    }
}
