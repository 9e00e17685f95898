import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Checked conversions of numbers that become counts or indices (docs/conventions.md#limits).
///
/// A file or an option gives a `Double`; `Int(x)` traps when `x` is beyond `Int`'s range or not
/// a number. Every reader that turns a number into an index or a count goes through
/// ``integer(_:_:in:)``, which throws an ``InputError`` naming the field and the range instead.
public enum Checked {
    /// `value` as an `Int`, if it is a whole number in `range`; otherwise an error naming `field`.
    public static func integer(_ value: Double, _ field: String, in range: ClosedRange<Int>, hint: String = "") throws
        -> Int
    {
        guard value.isFinite, value == value.rounded(), value >= Double(range.lowerBound),
            value <= Double(range.upperBound)
        else {
            throw InputError(
                field, "must be a whole number in \(range.lowerBound)…\(range.upperBound) (got \(describe(value)))",
                hint: hint)
        }
        // Double(Int.max) rounds up to 2^63: the comparison above lets it through, Int(exactly:) does not.
        guard let i = Int(exactly: value) else {
            throw InputError(field, "must be a whole number in \(range.lowerBound)…\(range.upperBound) (got \(describe(value)))")
        }
        return i
    }

    /// `value` as an `Int` in `range`, or an error naming `field` (for sizes given as integers).
    public static func count(_ value: Int, _ field: String, in range: ClosedRange<Int>, hint: String = "") throws -> Int {
        guard range.contains(value) else {
            throw InputError(field, "must be \(range.lowerBound)…\(range.upperBound) (got \(value))", hint: hint)
        }
        return value
    }

    /// The largest index a file may give (2^40: far beyond any register, exact in a Double).
    public static let maximumIndex = 1 << 40

    static func describe(_ value: Double) -> String {
        value.isFinite && abs(value) < 1e15 && value == value.rounded() ? String(Int(value)) : "\(value)"
    }
}

/// Bytes as a person reads them (`3.2 GiB`), computed in `Double` so no size overflows.
public func formatBytes(_ bytes: Double) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = bytes
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if !value.isFinite || (unit == units.count - 1 && value >= 1024) { return String(format: "%.3g bytes", bytes) }
    return unit == 0 ? "\(Int(value)) bytes" : String(format: value < 10 ? "%.1f %@" : "%.0f %@", value, units[unit])
}

/// The memory a run may use, and the check of a run's peak-memory estimate against it.
///
/// `available` is the least of the machine's physical memory (`sysconf`), the cgroup's limit
/// (v2 `memory.max`, v1 `memory.limit_in_bytes`) and the address-space limit (`RLIMIT_AS`).
/// Each command estimates its peak (state vectors, workspaces, sample arrays, grids) before it
/// allocates, and ``require(_:for:parameter:hint:)`` refuses a run that cannot fit, with the
/// size it needs and what to change.
public struct MemoryBudget: Sendable {
    /// Bytes the process may use.
    public var available: Double
    /// Where the limit comes from (`physical memory`, `cgroup limit`, `RLIMIT_AS`).
    public var source: String

    public init(available: Double, source: String) {
        self.available = available
        self.source = source
    }

    /// The budget of this process (read once).
    public static let system: MemoryBudget = read()

    static func read() -> MemoryBudget {
        var best = (bytes: Double.infinity, source: "no limit found")
        func consider(_ bytes: Double?, _ source: String) {
            if let bytes, bytes > 0, bytes < best.bytes { best = (bytes, source) }
        }
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 { consider(Double(pages) * Double(size), "physical memory") }
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
                let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                consider(value, "cgroup limit")
            }
        }
        var limit = rlimit()
        #if os(Linux)
            let resource = __rlimit_resource_t(RLIMIT_AS.rawValue)
        #else
            let resource = RLIMIT_AS
        #endif
        if getrlimit(resource, &limit) == 0, limit.rlim_cur != rlim_t.max { consider(Double(limit.rlim_cur), "RLIMIT_AS") }
        return MemoryBudget(available: best.bytes, source: best.source)
    }

    /// The share of `available` a run may plan for (the rest: the process itself, the OS).
    public static let usableFraction = 0.8

    /// Refuses a run whose estimated peak `bytes` exceeds the usable memory: names `what`
    /// needs it, the sizes, and `hint` (what to change).
    public func require(_ bytes: Double, for what: String, parameter: String, hint: String) throws {
        let usable = available * Self.usableFraction
        guard bytes.isFinite, bytes <= usable else {
            throw InputError(
                parameter,
                "\(what) needs about \(formatBytes(bytes)) of memory; \(formatBytes(usable)) is usable (80% of the \(source), \(formatBytes(available)))",
                hint: hint)
        }
    }
}

/// A run's estimated work, checked before it starts against a budget (docs/conventions.md#limits).
///
/// Work is counted in *units*: one unit is about one update of one double (an amplitude's part,
/// a grid value, a particle coordinate, a spin) by one step. The default budget,
/// ``defaultMaximum``, is about seven hours on one core of a current machine (long legitimate
/// runs, such as the bundled quartic-well at T = 1, fit; absurd ones do not); a run estimated
/// beyond its budget is refused before it starts, with the estimate and the parameter
/// (`run.max_work`, the command line's `--max-work`) that raises it.
public enum WorkBudget {
    /// The default budget in work units (~7 hours on one core).
    public static let defaultMaximum: Double = 1e13

    /// Rough units per second on one core, for the time estimate printed before a long run.
    public static let unitsPerSecond: Double = 4e8

    /// Seconds a run of `work` units takes, roughly (one core).
    public static func seconds(_ work: Double) -> Double { work / unitsPerSecond }

    /// A duration as a person reads it.
    public static func formatSeconds(_ s: Double) -> String {
        if !s.isFinite { return "forever" }
        if s < 90 { return String(format: "%.0f s", max(1, s)) }
        if s < 5400 { return String(format: "%.0f min", s / 60) }
        if s < 172_800 { return String(format: "%.1f h", s / 3600) }
        if s < 3.2e7 { return String(format: "%.0f days", s / 86400) }
        return String(format: "%.2g years", s / 3.156e7)
    }

    /// Refuses `work` units beyond `maximum` (nil: the default): `what` is the run
    /// (`evolution of sk10 to T = 1e12`), `estimate` how the number came about, `reduce` the
    /// parameter that lowers it.
    public static func check(
        _ work: Double, maximum: Double?, what: String, estimate: String, parameter: String, reduce: String
    ) throws {
        let limit = maximum ?? defaultMaximum
        guard work.isFinite, work <= limit else {
            throw InputError(
                parameter,
                "\(what) is estimated at \(String(format: "%.2g", work)) work units (\(estimate); about \(formatSeconds(seconds(work))) on one core), beyond the budget of \(String(format: "%.2g", limit))",
                hint: "lower \(reduce), or raise the budget with run.max_work (at least \(String(format: "%.2g", work * 1.01)))")
        }
    }

    /// Checks a `max_work` value given by the user.
    public static func validate(_ maximum: Double?) throws {
        if let maximum, !(maximum.isFinite && maximum > 0) {
            throw InputError("run.max_work", "must be a positive number of work units (got \(maximum))")
        }
    }
}
