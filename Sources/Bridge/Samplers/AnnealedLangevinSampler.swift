import Diffusion

/// Annealed Langevin dynamics (NCSN-style): at each level `t_k`, `langevin_steps` steps of
/// `x ← x + η s + √(2η) z` with steps `η_k = step_size·(level variance)`. Defaults
/// (``Diffusion/LangevinSettings/defaults(levels:samples:dataScale:)``): Karras σ levels,
/// the step size and steps per level that bring the lag and the chain's bias under the
/// sampling noise of the requested sample count.
public enum AnnealedLangevinSampler: LandscapeSampler {
    public static let name = "annealed-langevin"
    public static let summary =
        "annealed Langevin: langevin-steps Langevin steps at each of the steps noise levels"
        + " (default: Karras levels, steps per level and step size set from the sample count)"
    public static let kind = SamplerKind.annealedLangevin
    public static let parameters: Set<SamplerParameter> = [
        .steps, .samples, .schedule, .langevinSteps, .stepSize, .dataScale, .tMax, .scoreError, .output,
    ]

    public static let defaultSchedule = ScheduleName.karras

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        run.method = .annealedLangevin(
            LangevinSettings.defaults(
                levels: run.path.steps, samples: run.particles, dataScale: dataScale, stepSize: request.stepSize,
                stepsPerLevel: request.langevinSteps))
    }
}
