/// `vp-sde`: Song et al.'s VP-SDE β(v) = 0.1 + 19.9v, truncated at `t_max`.
public enum VPSDESchedule: DiffusionNamedSchedule {
    public static let name = "vp-sde"
    public static let summary = "VP-SDE β(v) = 0.1 + 19.9v, truncated at t_max"
    public static let noise = NoiseSchedule.songVP
}
