import Foundation

/// The exact correspondence between an independent-flip diffusion of a product law on
/// spins and the transverse-field annealing path `H(s) = −(1 − s)Σσx + s·H_P`
/// (docs/theory.md §4; derivation in docs/schedules.md).
///
/// Take `H_P = Σ hᵢzᵢ` with every non-zero `|hᵢ| = ε` (the *field scale*), the law
/// `p(z) ∝ e^{−βH_P}` (β = ∞: uniform on the ground states), and flip each spin independently
/// at rate γ. Per spin the magnetisation decays as `e^{−2γt}`, so `p_t ∝ e^{−β_t H_P}` with
/// `tanh(β_t ε) = y(t) = P·e^{−2γt}`, `P = tanh(βε)` (the *polarisation*; 1 for β = ∞). The
/// Score Hamiltonian (4) of `p_t` with `Γ = 1` is, spin by spin (`√(p_t(zⁱ)/p_t(z)) =
/// e^{β_t hᵢzᵢ} = cosh β_tε + zᵢhᵢ sinh(β_tε)/ε`),
///
///     H_t = −Σσx + R(t)·H_P + const,   R = sinh(β_t ε)/ε = y/(ε√(1 − y²)),
///
/// which is `H(s)/(1 − s)` up to a constant with `s = R/(1 + R) = y/(y + ε√(1 − y²))`. So the
/// diffusion time `t` and the anneal fraction `s` name the same Hamiltonian, and `√p_t` is the
/// ground state of `H(s(t))`. `s(t)` falls from `s(0) = P/(P + ε√(1 − P²))` (1 for β = ∞) to
/// `s(∞) = 0`; its inverse is `y(s) = εs/√((1 − s)² + ε²s²)`, `t = −log(y/P)/(2γ)`.
public struct FlipDiffusionCorrespondence: Sendable, Equatable, Codable {
    /// ε: the common `|hᵢ|`.
    public let fieldScale: Double
    /// `P = tanh(βε)` (1 for the ground-state law).
    public let polarisation: Double
    /// γ: the flip rate of each spin.
    public let rate: Double

    /// - Parameters: `fieldScale` ε > 0, `beta` β > 0 (nil or ∞: the ground-state law), `rate` γ > 0.
    public init(fieldScale: Double, beta: Double? = nil, rate: Double = 1) throws {
        try Check.positive(fieldScale, "field scale")
        try Check.positive(rate, "flip rate")
        if let beta, beta.isFinite {
            try Check.positive(beta, "beta")
            polarisation = tanh(beta * fieldScale)
        } else {
            polarisation = 1
        }
        self.fieldScale = fieldScale
        self.rate = rate
    }

    /// `y(t) = P e^{−2γt}` and `1 − y` (without cancellation).
    private func polarisation(atTime t: Double) -> (y: Double, oneMinusY: Double) {
        let e = exp(-2 * rate * t)
        let y = polarisation * e
        let oneMinus = polarisation == 1 ? -expm1(-2 * rate * t) : 1 - y
        return (y, oneMinus)
    }

    /// `B/A = R(t) = sinh(β_t ε)/ε` (∞ at `t = 0` for the ground-state law).
    public func fieldRatio(atTime t: Double) -> Double {
        let (y, q) = polarisation(atTime: max(t, 0))
        let w = (q * (1 + y)).squareRoot()
        return w > 0 ? y / (fieldScale * w) : .infinity
    }

    /// `s(t) = y/(y + ε√(1 − y²))`.
    public func annealFraction(atTime t: Double) -> Double {
        let (y, q) = polarisation(atTime: max(t, 0))
        let w = (q * (1 + y)).squareRoot()
        return y / (y + fieldScale * w)
    }

    /// `ds/dt = −2γεy/(w(y + εw)²)`, `w = √(1 − y²)` (−∞ at `t = 0` for the ground-state law).
    public func annealFractionDerivative(atTime t: Double) -> Double {
        let (y, q) = polarisation(atTime: max(t, 0))
        let w = (q * (1 + y)).squareRoot()
        guard w > 0 else { return -.infinity }
        let d = y + fieldScale * w
        return -2 * rate * fieldScale * y / (w * d * d)
    }

    /// The largest anneal fraction the diffusion reaches, `s(0)`.
    public var finalAnnealFraction: Double { annealFraction(atTime: 0) }

    /// `t(s)`: ∞ at `s = 0`, 0 for `s ≥ s(0)`.
    public func time(atAnnealFraction s: Double) -> Double {
        guard s > 0 else { return .infinity }
        if s >= finalAnnealFraction { return 0 }
        let q = ((1 - s) * (1 - s) + fieldScale * fieldScale * s * s).squareRoot()
        let y = fieldScale * s / q
        return max(-log(y / polarisation) / (2 * rate), 0)
    }

    /// `dt/ds = −(1 − s)/(2γ s q²)`, `q² = (1 − s)² + ε²s²` (0 beyond `s(0)`).
    public func timeDerivative(atAnnealFraction s: Double) -> Double {
        guard s > 0 else { return -.infinity }
        if s >= finalAnnealFraction { return 0 }
        let q2 = (1 - s) * (1 - s) + fieldScale * fieldScale * s * s
        return -(1 - s) / (2 * rate * s * q2)
    }
}

/// Which way a schedule is carried through a ``FlipDiffusionCorrespondence``.
public enum CorrespondenceDirection: String, Sendable, Equatable, Codable {
    /// The base schedule is a diffusion schedule (`t = t_max(1 − u)`); the result is the
    /// anneal fraction `s(t)`.
    case toAnnealing = "to-annealing"
    /// The base schedule is an annealing schedule (`s = u`); the result is the diffusion
    /// progress `1 − min(t(s), t_max)/t_max` (held at the noise end while `s < s(t_max)`).
    case toDiffusion = "to-diffusion"
}
