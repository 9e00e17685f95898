/// `ddpm-linear`: DDPM's linear β (1e-4 … 0.02 over 1000 steps), truncated at `t_max`.
public enum DDPMLinearSchedule: DiffusionNamedSchedule {
    public static let name = "ddpm-linear"
    public static let summary = "DDPM linear β 1e-4…0.02 over 1000 steps, truncated at t_max"
    public static let noise = NoiseSchedule.ddpm
}
