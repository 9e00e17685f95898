import Foundation
import GSLKit

/// A schedule: a map from normalised run time `r = τ/T ∈ [0, 1]` to progress `u ∈ [0, 1]`
/// along a path of Hamiltonians.
///
/// The same type serves both sides (docs/theory.md §3, §5):
/// - on an annealing path `u` is the anneal fraction `s` of `H(s) = −A(s)Σσx + B(s)H_P`;
/// - on a landscape path `u` runs from the noise end to the data end, diffusion time
///   `t = t_max·(1 − u)` (see ``diffusionTime(at:tMax:)``).
///
/// Kinds:
/// - `linear`: `u = r`.
/// - `cosine`: `u = (1 − cos πr)/2`, zero rate at both ends.
/// - `boundaryCancelling(order: k)`: the regularised incomplete beta `I_r(k+1, k+1)`,
///   whose first `k` derivatives vanish at both ends (Rezakhani et al.); `k = 0` is linear.
/// - `piecewiseLinear`: user points `(rᵢ, uᵢ)` joined by straight lines, D-Wave's
///   semantics: flat segments pause, steep ones quench, decreasing ones reverse-anneal.
/// - `smooth`: a monotone C¹ (Steffen) spline through `(rᵢ, uᵢ)`; used for gap-adaptive
///   schedules.
/// - `diffusion`: a practitioner's noise schedule (``NoiseSchedule``: DDPM linear β, cosine,
///   VP-SDE, Karras σ) converted to the time of a forward process and truncated at `t_max`
///   (``diffusion(_:tMax:clock:)``).
public struct Schedule: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case linear
        case cosine
        case boundaryCancelling(order: Int)
        case piecewiseLinear(r: [Double], u: [Double])
        case smooth(r: [Double], u: [Double])
        /// `v(r) = v*(1 − r)` on the noise schedule, `t(v)` on the clock, and
        /// `u = (t* − t(v))/(t* − t₀)` with `t* = t(v*) = t_max`, `t₀ = t(0)`.
        case diffusion(NoiseSchedule, clock: DiffusionClock, noiseEnd: Double, tStart: Double, tEnd: Double)
        /// A schedule carried across domains by the flip-diffusion ⇄ transverse-field
        /// correspondence (``mapped(_:through:direction:tMax:)``).
        indirect case mapped(Schedule, FlipDiffusionCorrespondence, CorrespondenceDirection, tMax: Double)
    }

    public let name: String
    public let kind: Kind
    private let spline: CubicSpline?

    public static func == (a: Schedule, b: Schedule) -> Bool { a.name == b.name && a.kind == b.kind }

    public static let linear = Schedule(uncheckedName: "linear", kind: .linear)
    public static let cosine = Schedule(uncheckedName: "cosine", kind: .cosine)

    private init(uncheckedName: String, kind: Kind, spline: CubicSpline? = nil) {
        self.name = uncheckedName
        self.kind = kind
        self.spline = spline
    }

    /// `I_r(k+1, k+1)`: derivatives 1…k vanish at r = 0 and r = 1. Orders 0…12.
    public static func boundaryCancelling(order k: Int) throws -> Schedule {
        guard (0...12).contains(k) else {
            throw InputError("schedule.order", "boundary-cancelling order must be 0…12 (got \(k))")
        }
        return Schedule(uncheckedName: "boundary-cancelling-\(k)", kind: .boundaryCancelling(order: k))
    }

    /// Piecewise-linear points `(rᵢ, uᵢ)`: `r` strictly increasing from 0 to 1, every `u` in
    /// [0, 1]. `u` may pause, jump steeply or decrease (reverse annealing).
    public static func piecewiseLinear(r: [Double], u: [Double], name: String = "table") throws -> Schedule {
        try validateTable(r: r, u: u, monotone: false)
        return Schedule(uncheckedName: name, kind: .piecewiseLinear(r: r, u: u))
    }

    /// A monotone C¹ schedule through `(rᵢ, uᵢ)` (Steffen spline): `r` and `u` both
    /// non-decreasing from 0 to 1, at least 3 points.
    public static func smooth(r: [Double], u: [Double], name: String) throws -> Schedule {
        try validateTable(r: r, u: u, monotone: true)
        guard r.count >= 3 else { throw InputError("schedule", "a smooth schedule needs at least 3 points") }
        let spline = try CubicSpline(x: r, y: u, kind: .steffen)
        return Schedule(uncheckedName: name, kind: .smooth(r: r, u: u), spline: spline)
    }

    /// The gap-adaptive schedule `du/dr ∝ g(u)^power` from a measured gap profile
    /// `(uₖ, gₖ)`, `u` ascending from 0 to 1, all gaps positive.
    ///
    /// `power = 2` is Roland–Cerf's local adiabatic schedule for real time; `power = 1` the
    /// diffusion-side rule `dt/dτ ∝ g`. The gap is interpolated linearly between profile
    /// points; `r(u) = ∫₀ᵘ g⁻ᵖ / ∫₀¹ g⁻ᵖ` is integrated by the trapezoid rule on 64
    /// sub-intervals per profile interval and inverted with a monotone spline.
    public static func gapAdaptive(progress u: [Double], gaps g: [Double], power: Double, name: String? = nil) throws -> Schedule
    {
        guard u.count >= 2, u.count == g.count else {
            throw InputError("gap profile", "needs at least 2 points and one gap per point (got \(u.count) and \(g.count))")
        }
        try Check.finite(u, "gap profile u")
        try Check.finite(g, "gap profile gap")
        try Check.positive(power, "power")
        guard abs(u[0]) < 1e-12, abs(u[u.count - 1] - 1) < 1e-12 else {
            throw InputError("gap profile", "must cover u from 0 to 1 (got \(u[0]) … \(u[u.count - 1]))")
        }
        for i in 1..<u.count where !(u[i] > u[i - 1]) {
            throw InputError("gap profile", "u must increase strictly (u[\(i)] = \(u[i]) ≤ u[\(i - 1)] = \(u[i - 1]))")
        }
        if let i = g.firstIndex(where: { !($0 > 0) }) {
            throw InputError(
                "gap profile", "gap at u = \(u[i]) is \(g[i]); a gap-adaptive schedule needs a positive gap everywhere",
                hint: "a closing gap means the path has a level crossing; use a fixed schedule")
        }
        let sub = 64
        var us: [Double] = [0]
        var rs: [Double] = [0]
        var total = 0.0
        for k in 0..<(u.count - 1) {
            for j in 1...sub {
                let a = Double(j - 1) / Double(sub)
                let b = Double(j) / Double(sub)
                let ua = u[k] + a * (u[k + 1] - u[k])
                let ub = u[k] + b * (u[k + 1] - u[k])
                let ga = g[k] + a * (g[k + 1] - g[k])
                let gb = g[k] + b * (g[k + 1] - g[k])
                total += 0.5 * (ub - ua) * (pow(ga, -power) + pow(gb, -power))
                us.append(ub)
                rs.append(total)
            }
        }
        rs = rs.map { $0 / total }
        rs[rs.count - 1] = 1
        us[us.count - 1] = 1
        let label = name ?? (power == 2 ? "roland-cerf" : "gap-adaptive-\(power)")
        return try smooth(r: rs, u: us, name: label)
    }

    /// A diffusion model's noise schedule on a path that starts at diffusion time `t_max`:
    /// the schedule keeps its native spacing in `t` and is truncated where it reaches `t_max`.
    ///
    /// With `v* = v(t_max)` (``NoiseSchedule/parameter(atTime:clock:)``), run time `r` visits
    /// `v = v*(1 − r)`, so `t(r) = t_clock(v*(1 − r))`: "cosine" walks exactly the times a
    /// cosine-schedule sampler visits, only starting at `t_max` instead of at its own noise
    /// end. The progress is `u = (t_max − t(v))/(t_max − t(0))`; for the VP schedules
    /// `t(0) = 0`, so `t_max(1 − u) = t(v)` exactly; Karras ends at `t(0) = σ_min²/2` (VE) or
    /// `½log(1 + σ_min²)` (OU), ≈ 2·10⁻⁶, which the affine map closes (Karras et al. end with
    /// a step to σ = 0 as well).
    ///
    /// - Throws: when `t_max` lies beyond the schedule's noise end (DDPM reaches t ≈ 5.0 on
    ///   the OU clock, VP-SDE 5.0, Karras 4.4; cosine reaches every t).
    public static func diffusion(_ noise: NoiseSchedule, tMax: Double, clock: DiffusionClock = .ou) throws -> Schedule {
        try Check.positive(tMax, "t_max")
        let range = noise.timeRange(clock: clock)
        guard tMax > range.lowerBound else {
            throw InputError(
                "t_max", "\(tMax) is below the data end of \(noise.name) (t = \(range.lowerBound) on the \(clock.rawValue) clock)"
            )
        }
        guard let vStar = noise.parameter(atTime: tMax, clock: clock), tMax <= range.upperBound else {
            throw InputError(
                "schedule",
                "\(noise.name) reaches only t = \(String(format: "%.4g", range.upperBound)) on the \(clock.rawValue) clock (its noise end), below t_max = \(tMax)",
                hint:
                    "lower t_max to at most \(String(format: "%.4g", range.upperBound)), or use ddpm-cosine, which reaches every t"
            )
        }
        let tStart = noise.time(at: vStar, clock: clock)
        return Schedule(
            uncheckedName: noise.name,
            kind: .diffusion(noise, clock: clock, noiseEnd: vStar, tStart: tStart, tEnd: range.lowerBound))
    }

    /// Carries `base` across domains through the flip-diffusion ⇄ transverse-field
    /// correspondence (docs/theory.md §4, ``FlipDiffusionCorrespondence``):
    ///
    /// - `.toAnnealing`: `base` is a diffusion schedule on the flip clock, `t = t_max(1 − u)`;
    ///   the result is the anneal fraction `s(t)` of the path `A = 1 − s`, `B = s` whose ground
    ///   state is `√p_t`. It starts at `s(t_max) > 0` and ends at `s(0)` (1 for the ground-state
    ///   law).
    /// - `.toDiffusion`: `base` is an annealing schedule `s(r)`; the result is the diffusion
    ///   progress `u = 1 − min(t(s), t_max)/t_max`: the diffusion waits at `t_max` while the
    ///   anneal is still below `s(t_max)`, and stops at `t = 0` once `s ≥ s(0)`.
    ///
    /// The name is `base.name` prefixed with `flip:` (to annealing) or `anneal:` (to diffusion).
    public static func mapped(
        _ base: Schedule, through map: FlipDiffusionCorrespondence, direction: CorrespondenceDirection, tMax: Double
    ) throws -> Schedule {
        try Check.positive(tMax, "t_max")
        guard base.isMonotone else {
            throw InputError("schedule", "'\(base.name)' goes back somewhere; the cross-domain map needs a monotone schedule")
        }
        let prefix = direction == .toAnnealing ? "flip:" : "anneal:"
        return Schedule(uncheckedName: prefix + base.name, kind: .mapped(base, map, direction, tMax: tMax))
    }

    /// The native parameter `v` of a diffusion schedule at run time `r` (nil for other kinds).
    public func noiseParameter(at r: Double) -> Double? {
        guard case let .diffusion(_, _, vStar, _, _) = kind else { return nil }
        return vStar * (1 - min(max(r, 0), 1))
    }

    private static func validateTable(r: [Double], u: [Double], monotone: Bool) throws {
        guard r.count >= 2, r.count == u.count else {
            throw InputError("schedule", "needs at least 2 points with one u per r (got \(r.count) and \(u.count))")
        }
        try Check.finite(r, "schedule r")
        try Check.finite(u, "schedule u")
        try Check.unitRange(r, "schedule", variable: "normalised time", first: 0)
        if let i = u.firstIndex(where: { $0 < 0 || $0 > 1 }) {
            throw InputError("schedule", "progress must lie in [0, 1] (point \(i): \(u[i]))")
        }
        for i in 1..<r.count where !((u[i] - u[i - 1]) / (r[i] - r[i - 1])).isFinite {
            throw InputError(
                "schedule",
                "the step from point \(i - 1) to point \(i) changes u by \(u[i] - u[i - 1]) over r = \(r[i - 1]) … \(r[i]), a slope too steep to represent as a number",
                hint: "space the points further apart in r")
        }
        if monotone {
            for i in 1..<u.count where u[i] < u[i - 1] {
                throw InputError("schedule", "progress must not decrease (point \(i): \(u[i]) after \(u[i - 1]))")
            }
        }
    }

    /// Progress `u(r)`; `r` is clamped to [0, 1].
    public func progress(at r: Double) -> Double {
        let x = min(max(r, 0), 1)
        switch kind {
        case .linear: return x
        case .cosine: return 0.5 * (1 - cospi(x))
        case .boundaryCancelling(let k): return Self.incompleteBeta(x, k)
        case let .piecewiseLinear(rs, us):
            let i = Self.segment(rs, x)
            let w = (x - rs[i]) / (rs[i + 1] - rs[i])
            return us[i] + w * (us[i + 1] - us[i])
        case .smooth:
            return min(max((try? spline?.value(at: x)) ?? x, 0), 1)
        case let .diffusion(noise, clock, vStar, tStart, tEnd):
            if x == 0 { return 0 }
            if x == 1 { return 1 }
            let t = noise.time(at: vStar * (1 - x), clock: clock)
            return min(max((tStart - t) / (tStart - tEnd), 0), 1)
        case let .mapped(base, map, direction, tMax):
            let u = base.progress(at: x)
            switch direction {
            case .toAnnealing: return map.annealFraction(atTime: tMax * (1 - u))
            case .toDiffusion: return 1 - min(map.time(atAnnealFraction: u), tMax) / tMax
            }
        }
    }

    /// The rate `du/dr` at `r` (one-sided at table knots, from the right).
    public func rate(at r: Double) -> Double {
        let x = min(max(r, 0), 1)
        switch kind {
        case .linear: return 1
        case .cosine: return 0.5 * Double.pi * sinpi(x)
        case .boundaryCancelling(let k):
            return Self.binomial(2 * k + 1, k) * Double(k + 1) * pow(x, Double(k)) * pow(1 - x, Double(k))
        case let .piecewiseLinear(rs, us):
            let i = Self.segment(rs, x)
            return (us[i + 1] - us[i]) / (rs[i + 1] - rs[i])
        case .smooth:
            return (try? spline?.derivative(at: x)) ?? 1
        case let .diffusion(noise, clock, vStar, tStart, tEnd):
            return vStar * noise.timeDerivative(at: vStar * (1 - x), clock: clock) / (tStart - tEnd)
        case let .mapped(base, map, direction, tMax):
            // The exact rate diverges like (1 − r)^{−1/2} at r = 1 for the ground-state law:
            // evaluate just inside so integrators that use it (implicit Jacobians) stay finite.
            let y = min(x, 1 - 1e-12)
            let u = base.progress(at: y)
            let du = base.rate(at: y)
            switch direction {
            case .toAnnealing:
                return -tMax * map.annealFractionDerivative(atTime: tMax * (1 - u)) * du
            case .toDiffusion:
                let t = map.time(atAnnealFraction: u)
                return t >= tMax ? 0 : -map.timeDerivative(atAnnealFraction: u) / tMax * du
            }
        }
    }

    /// Whether `u` never decreases.
    public var isMonotone: Bool {
        if case let .piecewiseLinear(_, us) = kind { return zip(us, us.dropFirst()).allSatisfy { $0 <= $1 } }
        if case let .mapped(base, _, _, _) = kind { return base.isMonotone }
        return true
    }

    /// The knots where `u(r)` has a kink (piecewise-linear tables); integrators should
    /// stop there so each step sees a smooth Hamiltonian.
    public var breakpoints: [Double] {
        if case let .piecewiseLinear(rs, _) = kind { return Array(rs.dropFirst().dropLast()) }
        if case let .mapped(base, _, _, _) = kind { return base.breakpoints }
        return []
    }

    /// Diffusion time on a landscape path: `t = t_max·(1 − u(r))`, from `t_max` at r = 0 to
    /// 0 at r = 1 (docs/theory.md §5).
    public func diffusionTime(at r: Double, tMax: Double) -> Double { tMax * (1 - progress(at: r)) }

    /// `n + 1` equally spaced samples `(r, u, du/dr)` for export and plotting.
    public func tabulate(samples n: Int = 200) -> [(r: Double, u: Double, rate: Double)] {
        let m = max(n, 1)
        return (0...m).map { j in
            let r = Double(j) / Double(m)
            return (r, progress(at: r), rate(at: r))
        }
    }

    public var description: String { name }

    private static func segment(_ rs: [Double], _ x: Double) -> Int {
        var lo = 0
        var hi = rs.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if rs[mid] <= x { lo = mid } else { hi = mid }
        }
        return lo
    }

    private static func binomial(_ n: Int, _ k: Int) -> Double {
        var c = 1.0
        for j in 0..<k { c = c * Double(n - j) / Double(j + 1) }
        return c
    }

    /// `I_x(k+1, k+1) = Σ_{j=k+1}^{2k+1} C(2k+1, j) x^j (1−x)^{2k+1−j}`.
    private static func incompleteBeta(_ x: Double, _ k: Int) -> Double {
        let n = 2 * k + 1
        var total = 0.0
        for j in (k + 1)...n {
            total += binomial(n, j) * pow(x, Double(j)) * pow(1 - x, Double(n - j))
        }
        return total
    }
}

private func cospi(_ x: Double) -> Double { cos(Double.pi * x) }
private func sinpi(_ x: Double) -> Double { sin(Double.pi * x) }
