import Foundation

/// The schedules every `--schedule` option and a problem file's `[schedule] type` know by
/// name (docs/schedules.md): the one name set of the schedule library (Bridge's
/// `ScheduleLibrary` builds them).
///
/// A schedule is always a map `r = τ/T ↦ u ∈ [0, 1]`; on a landscape (and a flip diffusion)
/// `t = t_max(1 − u)`, on an annealing path `s = u`.
public enum ScheduleName: String, CaseIterable, Sendable, Codable {
    /// The problem file's own schedule (annealing: its `[schedule]`; landscapes: linear).
    case problem
    case linear
    /// `u = (1 − cos πr)/2` (the annealing cosine; the diffusion one is `ddpm-cosine`).
    case cosine
    case boundaryCancelling = "boundary-cancelling"
    /// `du/dτ ∝ g²` from the measured gap profile (Roland–Cerf; real time).
    case rolandCerf = "roland-cerf"
    /// `du/dτ ∝ g` (equivalently `dt/dτ ∝ g`) from the measured gap profile (diffusion side).
    case gapAdaptive = "gap-adaptive"
    /// DDPM's linear β (1e-4 … 0.02 over 1000 steps), truncated at `t_max`.
    case ddpmLinear = "ddpm-linear"
    /// Nichol–Dhariwal's cosine ᾱ, truncated at `t_max`.
    case ddpmCosine = "ddpm-cosine"
    /// Song et al.'s VP-SDE β(v) = 0.1 + 19.9v, truncated at `t_max`.
    case vpSDE = "vp-sde"
    /// Karras et al.'s σ (0.002 … 80, ρ = 7), truncated at `t_max`.
    case karras

    /// One line for `--help` and docs.
    public var summary: String {
        switch self {
        case .problem: return "the problem file's own schedule (points, tables; landscapes: linear)"
        case .linear: return "u = r"
        case .cosine: return "u = (1 − cos πr)/2, zero rate at both ends"
        case .boundaryCancelling: return "I_r(k+1, k+1): first k derivatives vanish at both ends (order k)"
        case .rolandCerf: return "du/dτ ∝ g² from the measured gap (Roland–Cerf, real time)"
        case .gapAdaptive: return "du/dτ ∝ g from the measured gap (dt/dτ ∝ g, diffusion side)"
        case .ddpmLinear: return "DDPM linear β 1e-4…0.02 over 1000 steps, truncated at t_max"
        case .ddpmCosine: return "Nichol–Dhariwal cosine ᾱ(v) = f(v)/f(0), truncated at t_max"
        case .vpSDE: return "VP-SDE β(v) = 0.1 + 19.9v, truncated at t_max"
        case .karras: return "Karras σ 0.002…80, ρ = 7 (t = σ²/2 on VE, ½log(1+σ²) on OU), truncated at t_max"
        }
    }

    /// The practitioner's noise schedule behind a diffusion name.
    public var noiseSchedule: NoiseSchedule? {
        switch self {
        case .ddpmLinear: return .ddpm
        case .ddpmCosine: return .nicholDhariwal
        case .vpSDE: return .songVP
        case .karras: return .karrasEDM
        default: return nil
        }
    }

    /// Whether the schedule is built from a measured gap profile.
    public var needsGapProfile: Bool { self == .rolandCerf || self == .gapAdaptive }
}
