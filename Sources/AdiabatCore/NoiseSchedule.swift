import Foundation

/// How a forward process's time `t` relates to the noise-to-signal ratio `σ²` of its
/// marginal `x_t = a(t)(x₀ + σz)` (docs/theory.md §3; `Landscapes.ForwardProcess.clock`).
///
/// Write `λ = log(1 + σ²)` (so `ᾱ = e^{−λ}` for a variance-preserving schedule):
/// - `ou`: `dx = −x dt + √2 dW`, `x_t = e^{−t}x₀ + √(1 − e^{−2t}) z`, so `ᾱ = e^{−2t}` and
///   `t = λ/2`;
/// - `ve`: `dx = √2 dW`, `x_t = x₀ + √(2t) z`, so `σ² = 2t` and `t = (e^λ − 1)/2`.
///
/// The two processes at times related this way have the same law up to the scale `a(t)`
/// (Karras et al.'s observation that every VP schedule is a scaled VE one), which is what
/// lets every schedule below run on either process.
public enum DiffusionClock: String, Sendable, Codable, CaseIterable {
    case ou
    case ve

    /// `t(λ)`.
    public func time(noiseLevel lambda: Double) -> Double {
        switch self {
        case .ou: return 0.5 * lambda
        case .ve: return 0.5 * expm1(lambda)
        }
    }

    /// `dt/dλ`.
    public func timeDerivative(noiseLevel lambda: Double) -> Double {
        switch self {
        case .ou: return 0.5
        case .ve: return 0.5 * exp(lambda)
        }
    }

    /// `λ(t)`, the inverse of ``time(noiseLevel:)``.
    public func noiseLevel(time t: Double) -> Double {
        switch self {
        case .ou: return 2 * t
        case .ve: return log1p(2 * t)
        }
    }
}

/// A diffusion model's noise schedule as practitioners define it, on its native parameter
/// `v ∈ [0, 1]` (`v = 0` the data end, `v = 1` the noise end; a sampler with `N` steps visits
/// `v = 1, 1 − 1/N, …, 0`).
///
/// Every schedule is stored as the noise level `λ(v) = log(1 + σ²(v)) = −log ᾱ(v)`, which a
/// ``DiffusionClock`` turns into the time of a forward process (OU: `t = λ/2`; VE:
/// `t = (e^λ − 1)/2`). The kinds (docs/theory.md §3):
///
/// - `ddpmLinear` (Ho et al.): `β_j` equally spaced from `β_start` to `β_end`, `j = 1…N`;
///   `ᾱ_i = Π_{j ≤ i}(1 − β_j)` at `v = i/N`, exactly (the discrete product, summed as
///   `−Σ log(1 − β_j)`), and `λ` linear in `v` between these points.
/// - `cosine` (Nichol & Dhariwal): `ᾱ(v) = f(v)/f(0)`, `f(v) = cos²(((v + s)/(1 + s))·π/2)`,
///   `s = 0.008`; `λ(1) = ∞` (their clipping of β at 0.999 is replaced by the truncation of
///   ``Schedule/diffusion(_:tMax:clock:)``).
/// - `vpSDE` (Song et al.): `β(v) = β_min + v(β_max − β_min)`, `λ(v) = ∫₀ᵛ β = β_min v +
///   ½(β_max − β_min)v²` (the continuous limit of DDPM with `β_min = Nβ_start`, `β_max = Nβ_end`).
/// - `karras` (Karras et al., EDM): `σ(v) = (σ_min^{1/ρ} + v(σ_max^{1/ρ} − σ_min^{1/ρ}))^ρ`,
///   the continuous form of `σᵢ = (σ_max^{1/ρ} + i/(N−1)(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ` at
///   `v = 1 − i/(N−1)`; `λ = log(1 + σ²)`. On the VE clock `t = σ²/2`.
public struct NoiseSchedule: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case ddpmLinear(betaStart: Double, betaEnd: Double, steps: Int)
        /// diffusers' `scaled_linear` (Stable Diffusion): `β_j = (√β_start + j/(N−1)(√β_end − √β_start))²`.
        case ddpmScaledLinear(betaStart: Double, betaEnd: Double, steps: Int)
        case cosine(offset: Double)
        case vpSDE(betaMin: Double, betaMax: Double)
        case karras(sigmaMin: Double, sigmaMax: Double, rho: Double)
    }

    public let kind: Kind
    /// DDPM only: `λ_i = −Σ_{j ≤ i} log(1 − β_j)`, `i = 0…N`.
    private let table: [Double]

    public static func == (a: NoiseSchedule, b: NoiseSchedule) -> Bool { a.kind == b.kind }

    private init(kind: Kind, table: [Double] = []) {
        self.kind = kind
        self.table = table
    }

    /// DDPM's linear β: `β_start`, `β_end` in (0, 1), `β_start ≤ β_end`, 2…10⁶ steps.
    public static func ddpmLinear(betaStart: Double = 1e-4, betaEnd: Double = 0.02, steps: Int = 1000) throws -> NoiseSchedule {
        try Check.positive(betaStart, "beta_start")
        try Check.positive(betaEnd, "beta_end")
        guard betaStart <= betaEnd, betaEnd < 1 else {
            throw InputError("beta", "needs 0 < β_start ≤ β_end < 1 (got \(betaStart), \(betaEnd))")
        }
        guard (2...1_000_000).contains(steps) else {
            throw InputError("steps", "a DDPM schedule needs 2…10⁶ steps (got \(steps))")
        }
        return makeDDPM(betaStart, betaEnd, steps)
    }

    /// The DDPM table for validated parameters (`scaled`: β linear in √β, diffusers'
    /// `scaled_linear`).
    private static func makeDDPM(_ betaStart: Double, _ betaEnd: Double, _ steps: Int, scaled: Bool = false)
        -> NoiseSchedule
    {
        var table = [Double](repeating: 0, count: steps + 1)
        var sum = 0.0
        for j in 1...steps {
            let f = Double(j - 1) / Double(steps - 1)
            let beta: Double
            if scaled {
                let root = betaStart.squareRoot() + f * (betaEnd.squareRoot() - betaStart.squareRoot())
                beta = root * root
            } else {
                beta = betaStart + f * (betaEnd - betaStart)
            }
            sum -= log1p(-beta)
            table[j] = sum
        }
        let kind: Kind =
            scaled
            ? .ddpmScaledLinear(betaStart: betaStart, betaEnd: betaEnd, steps: steps)
            : .ddpmLinear(betaStart: betaStart, betaEnd: betaEnd, steps: steps)
        return NoiseSchedule(kind: kind, table: table)
    }

    /// diffusers' `scaled_linear` β (Stable Diffusion: 0.00085 … 0.012 over 1000 steps).
    public static func ddpmScaledLinear(betaStart: Double = 0.00085, betaEnd: Double = 0.012, steps: Int = 1000) throws
        -> NoiseSchedule
    {
        _ = try ddpmLinear(betaStart: betaStart, betaEnd: betaEnd, steps: steps)  // the same checks
        return makeDDPM(betaStart, betaEnd, steps, scaled: true)
    }

    /// Nichol–Dhariwal's cosine schedule with offset `s ≥ 0` (0.008).
    public static func cosine(offset s: Double = 0.008) throws -> NoiseSchedule {
        try Check.nonNegative(s, "offset")
        guard s < 1 else { throw InputError("offset", "the cosine schedule's offset must be < 1 (got \(s))", hint: "use 0.008") }
        return NoiseSchedule(kind: .cosine(offset: s))
    }

    /// The VP-SDE's linear `β(v)`: `0 ≤ β_min ≤ β_max`, `β_max > 0` (0.1, 20).
    public static func vpSDE(betaMin: Double = 0.1, betaMax: Double = 20) throws -> NoiseSchedule {
        try Check.nonNegative(betaMin, "beta_min")
        try Check.positive(betaMax, "beta_max")
        guard betaMin <= betaMax else { throw InputError("beta", "needs β_min ≤ β_max (got \(betaMin), \(betaMax))") }
        return NoiseSchedule(kind: .vpSDE(betaMin: betaMin, betaMax: betaMax))
    }

    /// Karras et al.'s σ schedule: `0 < σ_min < σ_max`, `ρ > 0` (0.002, 80, 7).
    public static func karras(sigmaMin: Double = 0.002, sigmaMax: Double = 80, rho: Double = 7) throws -> NoiseSchedule {
        try Check.positive(sigmaMin, "sigma_min")
        try Check.positive(sigmaMax, "sigma_max")
        try Check.positive(rho, "rho")
        guard sigmaMin < sigmaMax else { throw InputError("sigma", "needs σ_min < σ_max (got \(sigmaMin), \(sigmaMax))") }
        return NoiseSchedule(kind: .karras(sigmaMin: sigmaMin, sigmaMax: sigmaMax, rho: rho))
    }

    /// The practitioners' defaults: DDPM (1e-4 … 0.02, 1000 steps), cosine (s = 0.008),
    /// VP-SDE (0.1, 20), Karras (0.002, 80, ρ = 7).
    public static let ddpm = makeDDPM(1e-4, 0.02, 1000)
    public static let nicholDhariwal = NoiseSchedule(kind: .cosine(offset: 0.008))
    public static let songVP = NoiseSchedule(kind: .vpSDE(betaMin: 0.1, betaMax: 20))
    public static let karrasEDM = NoiseSchedule(kind: .karras(sigmaMin: 0.002, sigmaMax: 80, rho: 7))

    /// The library name: `ddpm-linear`, `ddpm-cosine`, `vp-sde`, `karras`.
    public var name: String {
        switch kind {
        case .ddpmLinear: return "ddpm-linear"
        case .ddpmScaledLinear: return "ddpm-scaled-linear"
        case .cosine: return "ddpm-cosine"
        case .vpSDE: return "vp-sde"
        case .karras: return "karras"
        }
    }

    public var description: String {
        switch kind {
        case let .ddpmLinear(b0, b1, n): return "ddpm-linear(β \(b0)…\(b1), \(n) steps)"
        case let .ddpmScaledLinear(b0, b1, n): return "ddpm-scaled-linear(β \(b0)…\(b1), \(n) steps)"
        case .cosine(let s): return "ddpm-cosine(s = \(s))"
        case let .vpSDE(b0, b1): return "vp-sde(β \(b0)…\(b1))"
        case let .karras(s0, s1, rho): return "karras(σ \(s0)…\(s1), ρ = \(rho))"
        }
    }

    /// The noise level `λ(v) = −log ᾱ(v) = log(1 + σ²(v))`; `v` is clamped to [0, 1].
    public func noiseLevel(at v: Double) -> Double {
        let x = min(max(v, 0), 1)
        switch kind {
        case .ddpmLinear(_, _, let n), .ddpmScaledLinear(_, _, let n):
            let position = x * Double(n)
            let i = min(Int(position), n - 1)
            let w = position - Double(i)
            return table[i] + w * (table[i + 1] - table[i])
        case .cosine(let s):
            // f(1) = cos²(π/2) = 0 exactly (cos of the rounded π/2 would give 6e-17).
            guard x < 1 else { return .infinity }
            let a0 = 0.5 * Double.pi * s / (1 + s)
            let a = 0.5 * Double.pi * (x + s) / (1 + s)
            let c = cos(a)
            guard c > 0 else { return .infinity }
            return 2 * (log(cos(a0)) - log(c))
        case let .vpSDE(b0, b1):
            return b0 * x + 0.5 * (b1 - b0) * x * x
        case let .karras(s0, s1, rho):
            let sigma = Self.karrasSigma(x, s0, s1, rho)
            return log1p(sigma * sigma)
        }
    }

    /// `dλ/dv` (for DDPM the slope of the segment holding `v`, from the right at knots).
    public func noiseLevelDerivative(at v: Double) -> Double {
        let x = min(max(v, 0), 1)
        switch kind {
        case .ddpmLinear(_, _, let n), .ddpmScaledLinear(_, _, let n):
            let i = min(Int(x * Double(n)), n - 1)
            return (table[i + 1] - table[i]) * Double(n)
        case .cosine(let s):
            guard x < 1 else { return .infinity }
            let a = 0.5 * Double.pi * (x + s) / (1 + s)
            return Double.pi / (1 + s) * tan(a)
        case let .vpSDE(b0, b1):
            return b0 + (b1 - b0) * x
        case let .karras(s0, s1, rho):
            let a = pow(s0, 1 / rho)
            let b = pow(s1, 1 / rho)
            let base = a + x * (b - a)
            let sigma = pow(base, rho)
            let dsigma = rho * (b - a) * pow(base, rho - 1)
            return 2 * sigma * dsigma / (1 + sigma * sigma)
        }
    }

    /// `ᾱ(v) = e^{−λ(v)}`.
    public func alphaBar(at v: Double) -> Double { exp(-noiseLevel(at: v)) }

    /// The VE noise scale `σ(v) = √(e^{λ(v)} − 1)`.
    public func sigma(at v: Double) -> Double {
        if case let .karras(s0, s1, rho) = kind { return Self.karrasSigma(min(max(v, 0), 1), s0, s1, rho) }
        return expm1(noiseLevel(at: v)).squareRoot()
    }

    /// The forward-process time at `v` on `clock`.
    public func time(at v: Double, clock: DiffusionClock) -> Double { clock.time(noiseLevel: noiseLevel(at: v)) }

    /// `dt/dv` on `clock`.
    public func timeDerivative(at v: Double, clock: DiffusionClock) -> Double {
        clock.timeDerivative(noiseLevel: noiseLevel(at: v)) * noiseLevelDerivative(at: v)
    }

    /// The time range `[t(0), t(1)]` the schedule covers on `clock` (`t(1) = ∞` for cosine).
    public func timeRange(clock: DiffusionClock) -> ClosedRange<Double> {
        time(at: 0, clock: clock)...time(at: 1, clock: clock)
    }

    /// The parameter `v` with `λ(v) = lambda` (closed forms; DDPM by bisection of its table),
    /// or nil when `lambda` lies outside `[λ(0), λ(1)]`.
    public func parameter(atNoiseLevel lambda: Double) -> Double? {
        guard lambda.isFinite, lambda >= noiseLevel(at: 0), lambda <= noiseLevel(at: 1) else { return nil }
        let v: Double
        switch kind {
        case .ddpmLinear(_, _, let n), .ddpmScaledLinear(_, _, let n):
            var lo = 0
            var hi = n
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if table[mid] <= lambda { lo = mid } else { hi = mid }
            }
            let span = table[hi] - table[lo]
            v = (Double(lo) + (span > 0 ? (lambda - table[lo]) / span : 0)) / Double(n)
        case .cosine(let s):
            let a0 = 0.5 * Double.pi * s / (1 + s)
            let a = acos(min(cos(a0) * exp(-0.5 * lambda), 1))
            v = a * 2 * (1 + s) / Double.pi - s
        case let .vpSDE(b0, b1):
            let b = b1 - b0
            v = b == 0 ? lambda / b0 : 2 * lambda / (b0 + (b0 * b0 + 2 * b * lambda).squareRoot())
        case let .karras(s0, s1, rho):
            let sigma = expm1(lambda).squareRoot()
            let a = pow(s0, 1 / rho)
            let b = pow(s1, 1 / rho)
            v = (pow(sigma, 1 / rho) - a) / (b - a)
        }
        return min(max(v, 0), 1)
    }

    /// The parameter `v` at which the schedule reaches time `t` on `clock`, or nil outside
    /// its range.
    public func parameter(atTime t: Double, clock: DiffusionClock) -> Double? {
        guard t.isFinite, t >= 0 else { return nil }
        return parameter(atNoiseLevel: clock.noiseLevel(time: t))
    }

    private static func karrasSigma(_ v: Double, _ s0: Double, _ s1: Double, _ rho: Double) -> Double {
        let a = pow(s0, 1 / rho)
        let b = pow(s1, 1 / rho)
        return pow(a + v * (b - a), rho)
    }
}
