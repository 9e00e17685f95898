/// `karras`: Karras et al.'s σ (0.002 … 80, ρ = 7), truncated at `t_max`.
public enum KarrasSchedule: DiffusionNamedSchedule {
    public static let name = "karras"
    public static let summary = "Karras σ 0.002…80, ρ = 7 (t = σ²/2 on VE, ½log(1+σ²) on OU), truncated at t_max"
    public static let noise = NoiseSchedule.karrasEDM
}
