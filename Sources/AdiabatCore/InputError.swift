/// Bad input: names what is wrong and what to do about it.
///
/// Every layer throws this for input it rejects (a malformed file, a NaN, an impossible
/// grid, an unphysical schedule). The CLI prints it as one `error:` line.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Where the problem is: a field name, or `file:line` for file input.
    public var location: String
    /// What is wrong.
    public var message: String
    /// What to do about it (may be empty).
    public var hint: String

    public init(_ location: String, _ message: String, hint: String = "") {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let head = location.isEmpty ? message : "\(location): \(message)"
        return hint.isEmpty ? head : "\(head); \(hint)"
    }
}

/// Checks shared by every module; each throws an ``InputError`` naming the field.
public enum Check {
    public static func finite(_ value: Double, _ field: String) throws {
        guard value.isFinite else { throw InputError(field, "must be a finite number (got \(value))") }
    }

    public static func finite(_ values: [Double], _ field: String) throws {
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw InputError("\(field)[\(i)]", "must be a finite number (got \(values[i]))")
        }
    }

    /// `values` runs from exactly 0 to exactly 1 and increases strictly: a normalised time or path
    /// parameter. `variable` names it in the message; entries are called `item`, numbered from
    /// `first` (0 where the file's format counts from 0, 1 for rows of a table).
    public static func unitRange(
        _ values: [Double], _ field: String, variable: String, item: String = "point", first: Int = 1
    ) throws {
        guard let lo = values.first, let hi = values.last, lo == 0, hi == 1 else {
            let range = values.isEmpty ? "no values" : "\(values[0]) … \(values[values.count - 1])"
            throw InputError(field, "\(variable) must run from 0 to 1 (got \(range))")
        }
        for i in 1..<values.count where !(values[i] > values[i - 1]) {
            throw InputError(
                field, "\(variable) must increase strictly (\(item) \(i + first): \(values[i]) after \(values[i - 1]))")
        }
    }

    /// The largest magnitude a Hamiltonian coefficient may have: beyond it every term of order
    /// one is lost to rounding against it, and sums over a register overflow sooner.
    public static let maximumCoefficient = 1e15

    /// A Hamiltonian coefficient (a field, a coupling, a catalyst term): finite and at most
    /// ``maximumCoefficient`` in magnitude.
    public static func coefficient(_ value: Double, _ field: String) throws {
        try finite(value, field)
        guard abs(value) <= maximumCoefficient else {
            throw InputError(
                field, "is \(value), beyond ±1e15: the other terms of the Hamiltonian would be lost to rounding against it",
                hint: "rescale the problem (divide every coefficient by a common factor)")
        }
    }

    public static func positive(_ value: Double, _ field: String) throws {
        guard value.isFinite, value > 0 else { throw InputError(field, "must be a positive finite number (got \(value))") }
    }

    public static func positive(_ value: Int, _ field: String) throws {
        guard value > 0 else { throw InputError(field, "must be positive (got \(value))") }
    }

    public static func nonNegative(_ value: Double, _ field: String) throws {
        guard value.isFinite, value >= 0 else { throw InputError(field, "must be a finite number ≥ 0 (got \(value))") }
    }

    public static func inUnitInterval(_ value: Double, _ field: String) throws {
        guard value.isFinite, value >= 0, value <= 1 else { throw InputError(field, "must lie in [0, 1] (got \(value))") }
    }
}
