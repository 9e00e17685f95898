/// `ddpm-cosine`: Nichol–Dhariwal's cosine ᾱ, truncated at `t_max`.
public enum DDPMCosineSchedule: DiffusionNamedSchedule {
    public static let name = "ddpm-cosine"
    public static let summary = "Nichol–Dhariwal cosine ᾱ(v) = f(v)/f(0), truncated at t_max"
    public static let noise = NoiseSchedule.nicholDhariwal
}
