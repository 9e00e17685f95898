import CGSL

/// The one place where GSL's global state is set up.
///
/// GSL's default error handler calls `abort()`. Adiabat switches it off exactly once, before
/// any other GSL call, so that every failing GSL routine returns its status code instead of
/// killing the process. Every public entry point of GSLKit calls ``ensureReady()`` first.
public enum GSLRuntime {
    private static let handlerOff: Void = {
        gsl_set_error_handler_off()
    }()

    /// Switches GSL's aborting error handler off (idempotent, thread-safe).
    public static func ensureReady() {
        _ = handlerOff
    }

    /// The version string of the GSL library this process linked against.
    public static var version: String {
        String(cString: cgsl_version())
    }
}

/// An error from a GSL (or LAPACK/ARPACK) routine, or input rejected before calling one.
///
/// `code` is the library's status (GSL's `GSL_E*` values; `0` for input rejected before the
/// call). `message` says what went wrong and `hint` what the caller can do about it.
public struct GSLError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The library's status code; 0 when the input was rejected before any C call.
    public let code: Int32
    /// The routine (or Swift API) that failed.
    public let routine: String
    /// What went wrong.
    public let message: String
    /// What to do about it.
    public let hint: String

    public init(code: Int32, routine: String, message: String, hint: String = "") {
        self.code = code
        self.routine = routine
        self.message = message
        self.hint = hint
    }

    /// Input rejected before any C call: names the argument and what is wrong with it.
    public static func invalidArgument(_ routine: String, _ message: String, hint: String = "") -> GSLError {
        GSLError(code: 0, routine: routine, message: message, hint: hint)
    }

    public var description: String {
        let base = "\(routine): \(message)"
        return hint.isEmpty ? base : "\(base); \(hint)"
    }
}

/// The choke point for GSL status codes: success passes, anything else becomes a `GSLError`
/// carrying GSL's own description of the code and a hint.
@inline(__always)
func check(_ status: Int32, _ routine: String, hint: String = "") throws {
    if status == Status.success { return }
    throw GSLError(
        code: status, routine: routine, message: gslDescription(status), hint: hint.isEmpty ? defaultHint(status) : hint)
}

func gslDescription(_ status: Int32) -> String {
    guard let text = gsl_strerror(status) else { return "GSL status \(status)" }
    return "\(String(cString: text)) (GSL status \(status))"
}

func defaultHint(_ status: Int32) -> String {
    switch status {
    case Status.noMemory: return "the problem is too large for the available memory"
    case Status.badFunction: return "a user function returned an error or a non-finite value"
    case Status.maxIterations: return "raise the iteration limit or loosen the tolerance"
    case Status.singular, Status.zeroDivision: return "the matrix is singular; check the input for duplicated or degenerate data"
    case Status.domain: return "an argument is outside the function's domain"
    case Status.badLength: return "the array lengths do not match"
    default: return ""
    }
}

/// Validation helpers shared by the wrappers (input is checked before any C call).
enum Validate {
    /// A symmetric tridiagonal matrix (diagonal n ≥ 1, off-diagonal n − 1, all finite) and a
    /// level count 1…n.
    static func tridiagonal(diagonal: [Double], offDiagonal: [Double], count k: Int, _ routine: String) throws {
        let n = diagonal.count
        try positive(n, routine, "diagonal count")
        try count(offDiagonal.count, max(n - 1, 0), routine, "offDiagonal")
        guard k >= 1, k <= n else {
            throw GSLError.invalidArgument(routine, "count must be between 1 and \(n) (got \(k))")
        }
        try finite(diagonal, routine, "diagonal")
        try finite(offDiagonal, routine, "offDiagonal")
    }

    static func finite(_ values: some Collection<Double>, _ routine: String, _ name: String) throws {
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            let offset = values.distance(from: values.startIndex, to: index)
            throw GSLError.invalidArgument(routine, "\(name)[\(offset)] is \(values[index]), not a finite number")
        }
    }

    static func finite(_ value: Double, _ routine: String, _ name: String) throws {
        if !value.isFinite {
            throw GSLError.invalidArgument(routine, "\(name) is \(value), not a finite number")
        }
    }

    static func positive(_ value: Int, _ routine: String, _ name: String) throws {
        if value <= 0 {
            throw GSLError.invalidArgument(routine, "\(name) must be positive (got \(value))")
        }
    }

    static func count(_ actual: Int, _ expected: Int, _ routine: String, _ name: String) throws {
        if actual != expected {
            throw GSLError.invalidArgument(routine, "\(name) has \(actual) entries, expected \(expected)")
        }
    }
}

/// GSL's status codes as `Int32` (the C enum imports as `Int`).
enum Status {
    static let success = Int32(GSL_SUCCESS)
    static let failure = Int32(GSL_FAILURE)
    static let domain = Int32(GSL_EDOM)
    static let noMemory = Int32(GSL_ENOMEM)
    static let badFunction = Int32(GSL_EBADFUNC)
    static let maxIterations = Int32(GSL_EMAXITER)
    static let singular = Int32(GSL_ESING)
    static let zeroDivision = Int32(GSL_EZERODIV)
    static let badLength = Int32(GSL_EBADLEN)
}
