#if canImport(Glibc)
    import Glibc
#endif

/// CPU time, for the statistics of solves whose cost is compared in CPU seconds (the
/// benchmarks compare work per sweep or per step, which wall time hides on a busy machine).
public enum CPUTime {
    /// CPU seconds the process has used so far, over all its threads
    /// (`CLOCK_PROCESS_CPUTIME_ID`); nil where the clock is unavailable.
    public static func process() -> Double? {
        var ts = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 else { return nil }
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// CPU seconds used since `start` (a ``process()`` reading); nil if either is missing.
    public static func since(_ start: Double?) -> Double? {
        guard let start, let now = process() else { return nil }
        return now - start
    }
}
