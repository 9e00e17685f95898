import Diffusion

/// Annealed Langevin dynamics (NCSN-style): at each level `t_k`, `langevin_steps` steps of
/// `x ← x + η s + √(2η) z` with `η = step_size·ℓ²`-scaled steps (defaults 10 and 0.02).
public enum AnnealedLangevinSampler: LandscapeSampler {
    public static let name = "annealed-langevin"
    public static let summary = "annealed Langevin: langevin-steps Langevin steps at each of the steps noise levels"
    public static let kind = SamplerKind.annealedLangevin
    public static let parameters: Set<SamplerParameter> = [
        .steps, .samples, .schedule, .langevinSteps, .stepSize, .dataScale, .tMax, .scoreError, .output,
    ]

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        run.method = .annealedLangevin(
            LangevinSettings(
                stepsPerLevel: request.langevinSteps ?? 10, stepSize: request.stepSize ?? 0.02, dataScale: dataScale))
    }
}
