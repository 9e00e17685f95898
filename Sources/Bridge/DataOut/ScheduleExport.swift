import AdiabatCore
import Foundation
import Landscapes
import Problems
import Quantum

/// A schedule exported for another tool (`schedule NAME --export diffusers|dwave --output
/// FILE.json`, docs/data-out.md#schedules).
public enum ScheduleExport {
    public enum Target: String, Sendable, CaseIterable {
        case diffusers
        case dwave
    }

    /// D-Wave's published rules for `anneal_schedule` (Advantage systems' solver properties:
    /// `max_anneal_schedule_points` 12, `annealing_time_range` [0.5, 2000] µs, so a slope of at
    /// most 1/0.5 µs⁻¹ in s).
    public struct DWaveRules: Sendable {
        public var maximumPoints = 12
        public var minimumAnnealingTime = 0.5
        public var maximumTime = 2000.0
        public init() {}
        public var maximumSlope: Double { 1 / minimumAnnealingTime }
    }

    /// `[t_µs, s]` points of `schedule` over `totalTime` µs: the schedule's own knots when it
    /// is piecewise linear (pauses, quenches, reverse anneals), else `rules.maximumPoints`
    /// equally spaced times. Checked against every rule; a broken rule is one error naming it.
    public static func dwavePoints(_ schedule: Schedule, totalTime: Double, rules: DWaveRules = DWaveRules()) throws
        -> [[Double]]
    {
        let parameter = "schedule.export"
        guard totalTime.isFinite, totalTime > 0 else {
            throw InputError(parameter, "needs a positive total anneal time in µs (got \(totalTime))")
        }
        let knots = schedule.breakpoints
        let rs: [Double]
        if case .piecewiseLinear = schedule.kind {
            rs = [0] + knots + [1]
        } else if schedule.name == "linear" {
            rs = [0, 1]
        } else {
            let p = rules.maximumPoints
            rs = (0..<p).map { Double($0) / Double(p - 1) }
        }
        let points = rs.map { [totalTime * $0, schedule.progress(at: $0)] }
        try checkDWave(points, rules: rules, initialState: nil, requireState: false)
        return points
    }

    /// Checks `[t, s]` points against D-Wave's rules: starts at t = 0, times increasing, s in
    /// [0, 1], slope at most `rules.maximumSlope`, at most `rules.maximumPoints` points, the
    /// last time within `rules.maximumTime`; a forward anneal starts at s = 0 and ends at s = 1;
    /// a reverse anneal starts at s = 1 (with an initial state, when `requireState`) and ends at
    /// s = 1.
    public static func checkDWave(_ points: [[Double]], rules: DWaveRules, initialState: [Int]?, requireState: Bool)
        throws
    {
        func broken(_ rule: String, _ detail: String, hint: String = "") -> InputError {
            InputError("schedule.export", "breaks D-Wave's rule '\(rule)': \(detail)", hint: hint)
        }
        guard points.count >= 2 else { throw broken("at least 2 points", "\(points.count) point(s)") }
        guard points.count <= rules.maximumPoints else {
            throw broken(
                "at most \(rules.maximumPoints) points (max_anneal_schedule_points)", "\(points.count) points",
                hint: "use a piecewise-linear schedule with fewer knots")
        }
        guard points[0][0] == 0 else { throw broken("starts at t = 0", "the first time is \(points[0][0]) µs") }
        for k in 1..<points.count {
            let (t0, s0, t1, s1) = (points[k - 1][0], points[k - 1][1], points[k][0], points[k][1])
            guard t1 > t0 else { throw broken("times increase", "point \(k + 1) at \(t1) µs after \(t0) µs") }
            let slope = abs(s1 - s0) / (t1 - t0)
            guard slope <= rules.maximumSlope * (1 + 1e-12) else {
                throw broken(
                    "slope |Δs/Δt| ≤ 1/\(rules.minimumAnnealingTime) µs⁻¹",
                    "between \(t0) and \(t1) µs the slope is \(slope) µs⁻¹", hint: "give a longer --total-time")
            }
        }
        if let k = points.firstIndex(where: { !($0[1] >= 0 && $0[1] <= 1) }) {
            throw broken("s in [0, 1]", "point \(k + 1) has s = \(points[k][1])")
        }
        guard let last = points.last, last[0] <= rules.maximumTime else {
            throw broken(
                "total time ≤ \(rules.maximumTime) µs", "the schedule ends at \(points.last?[0] ?? 0) µs")
        }
        switch points[0][1] {
        case 0:
            guard last[1] == 1 else { throw broken("a forward anneal ends at s = 1", "it ends at s = \(last[1])") }
        case 1:
            guard last[1] == 1 else { throw broken("a reverse anneal ends at s = 1", "it ends at s = \(last[1])") }
            if requireState && initialState == nil {
                throw broken(
                    "a reverse anneal starts from an initial state", "the problem sets no initial state",
                    hint: "set initial_state in the problem's [schedule] table")
            }
        default:
            throw broken(
                "a forward anneal starts at s = 0, a reverse anneal at s = 1", "it starts at s = \(points[0][1])")
        }
    }

    /// The D-Wave export of an annealing problem's schedule: `anneal_schedule` and, for a
    /// reverse anneal, `initial_state` (labels → ±1 or 0/1 in the problem's vartype) and
    /// `reinitialize_state`.
    public static func dwave(
        _ schedule: Schedule, totalTime: Double, spec: AnnealingSpec?, rules: DWaveRules = DWaveRules()
    ) throws -> [String: Any] {
        let points = try dwavePoints(schedule, totalTime: totalTime, rules: rules)
        var object: [String: Any] = [
            "format": "D-Wave sampler parameters (docs/data-out.md#schedules)",
            "schedule": schedule.name, "anneal_schedule": points,
            "rules": [
                "max_anneal_schedule_points": rules.maximumPoints, "max_slope_per_us": rules.maximumSlope,
                "max_time_us": rules.maximumTime,
            ],
        ]
        if points[0][1] == 1 {
            guard let spins = spec?.initialSpins, let model = spec?.model else {
                try checkDWave(points, rules: rules, initialState: nil, requireState: true)
                return object
            }
            var state: [String: Any] = [:]
            for (i, z) in spins.enumerated() where i < model.labels.count {
                state[model.labels[i]] = model.vartype == .spin ? z : (1 + z) / 2
            }
            object["initial_state"] = state
            object["reinitialize_state"] = true
        }
        return object
    }

    /// The diffusers export of a diffusion schedule on the OU (VP) or VE process: `sigmas`
    /// (noise end first, without the final 0 that diffusers appends), `alphas_cumprod` (OU),
    /// and `timesteps` on the default DDPM training scale (1000 steps, β linear from 1e-4 to
    /// 0.02): the fractional index whose ᾱ equals the schedule's, clamped to [0, 999].
    public static func diffusers(_ schedule: Schedule, tMax: Double, process: ForwardProcess, steps: Int) throws
        -> [String: Any]
    {
        guard steps >= 1 else { throw InputError("schedule.steps", "must be at least 1 (got \(steps))") }
        let rs = (0..<steps).map { Double($0) / Double(steps) }
        let times = rs.map { schedule.diffusionTime(at: $0, tMax: tMax) }
        var object: [String: Any] = [
            "format": "diffusers set_timesteps arguments (docs/data-out.md#schedules)",
            "schedule": schedule.name, "process": process.rawValue, "t_max": tMax, "num_inference_steps": steps,
            "t": times,
        ]
        switch process {
        case .ou:
            let alphaBar = times.map { exp(-2 * $0) }
            object["alphas_cumprod"] = alphaBar
            object["sigmas"] = alphaBar.map { ((1 - $0) / $0).squareRoot() }
            let trained = ddpmLinearAlphasCumprod()
            object["timesteps"] = alphaBar.map { fractionalIndex(of: $0, in: trained) }
            object["timesteps_training"] = [
                "num_train_timesteps": 1000, "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02,
            ]
        case .ve:
            object["sigmas"] = times.map { (2 * $0).squareRoot() }
        }
        return object
    }

    /// ᾱ_k of diffusers' default DDPMScheduler (β linear from 1e-4 to 0.02 over 1000 steps).
    public static func ddpmLinearAlphasCumprod(steps: Int = 1000, start: Double = 1e-4, end: Double = 0.02) -> [Double] {
        var product = 1.0
        return (0..<steps).map { k in
            let beta = start + (end - start) * Double(k) / Double(steps - 1)
            product *= 1 - beta
            return product
        }
    }

    /// The fractional index `k` with `ᾱ_k = a` (ᾱ decreasing), linear in log ᾱ between
    /// neighbours, clamped to the table.
    static func fractionalIndex(of a: Double, in table: [Double]) -> Double {
        if a >= table[0] { return 0 }
        if a <= table[table.count - 1] { return Double(table.count - 1) }
        var lo = 0
        var hi = table.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid] >= a { lo = mid } else { hi = mid }
        }
        let f = (log(table[lo]) - log(a)) / (log(table[lo]) - log(table[hi]))
        return Double(lo) + f
    }
}

extension ScheduleExport {
    /// Writes `schedule` (built by `library`) for `target` to `path` (`.json`; checked first,
    /// written atomically). `totalTime` is the D-Wave anneal time in µs (default: the problem's
    /// `total_time`, converted from ns when its time unit is ns); `steps` the diffusers
    /// inference steps.
    public static func write(
        _ target: Target, schedule: Schedule, library: ScheduleLibrary, totalTime: Double?, steps: Int, to path: String
    ) throws {
        let parameter = "schedule.output"
        try DataFile.check(path, parameter: parameter, suffixes: ["json"])
        let object: [String: Any]
        switch target {
        case .dwave:
            var spec: AnnealingSpec? = nil
            var microseconds = totalTime
            if case .annealing(let s, let h) = library.context {
                spec = s
                if microseconds == nil, let t = s.totalTime {
                    microseconds = h.path.timeUnit == .ns ? t / 1000 : t
                }
            }
            guard let T = microseconds else {
                throw InputError(
                    "schedule.total_time", "is required for --export dwave (the anneal time in µs)",
                    hint: "give --total-time, or a problem with total_time")
            }
            object = try dwave(schedule, totalTime: T, spec: spec)
        case .diffusers:
            switch library.context {
            case .landscape(let p): object = try diffusers(schedule, tMax: p.tMax, process: p.process, steps: steps)
            case .free(let process, let tMax, _):
                object = try diffusers(schedule, tMax: tMax, process: process, steps: steps)
            case .annealing:
                throw InputError(
                    "schedule.export", "diffusers takes a diffusion schedule; this one runs on an annealing path",
                    hint: "drop the annealing PROBLEM, or name a landscape problem")
            }
        }
        try DataFile.write(try DataFile.json(object), to: path, parameter: parameter)
    }
}
