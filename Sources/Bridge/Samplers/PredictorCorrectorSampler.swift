import Diffusion

/// Predictor–corrector: a reverse-SDE predictor step (Heun by default) followed by
/// `langevin_steps` Langevin corrector steps (default one, of size 0.05).
public enum PredictorCorrectorSampler: LandscapeSampler {
    public static let name = "predictor-corrector"
    public static let summary = "a reverse-SDE predictor step and langevin-steps Langevin corrector steps per step"
    public static let kind = SamplerKind.predictorCorrector
    public static let parameters: Set<SamplerParameter> = [
        .steps, .samples, .schedule, .integrator, .langevinSteps, .stepSize, .dataScale, .tMax, .scoreError, .output,
    ]
    public static let integrators: [SamplerIntegrator] = [.heun, .eulerMaruyama, .exponential]

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        run.method = .predictorCorrector(
            PredictorCorrectorSettings(
                predictor: (request.integrator ?? .heun).reverseSDEScheme,
                corrector: LangevinSettings(
                    stepsPerLevel: request.langevinSteps ?? 1, stepSize: request.stepSize ?? 0.05, dataScale: dataScale)))
    }
}
