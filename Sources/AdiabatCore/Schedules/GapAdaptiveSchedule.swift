/// `gap-adaptive`: `du/dτ ∝ g` (equivalently `dt/dτ ∝ g`) from the measured gap profile
/// (diffusion side).
public enum GapAdaptiveSchedule: GapNamedSchedule {
    public static let name = "gap-adaptive"
    public static let summary = "du/dτ ∝ g from the measured gap (dt/dτ ∝ g, diffusion side)"
    public static let power = 1.0
}
