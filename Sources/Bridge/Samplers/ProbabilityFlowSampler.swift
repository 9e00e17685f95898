import Diffusion

/// The probability-flow ODE `dx/dτ = x + s_t(x)`, integrated by RK4 (default), Heun or Euler.
public enum ProbabilityFlowSampler: LandscapeSampler {
    public static let name = "probability-flow"
    public static let summary = "the probability-flow ODE dx/dτ = x + s (RK4, Heun or Euler)"
    public static let kind = SamplerKind.probabilityFlow
    public static let parameters: Set<SamplerParameter> = [
        .steps, .samples, .schedule, .integrator, .tMax, .scoreError, .output,
    ]
    public static let integrators: [SamplerIntegrator] = [.rk4, .heun, .euler]

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        switch request.integrator {
        case .euler: run.method = .probabilityFlow(.euler)
        case .heun: run.method = .probabilityFlow(.heun)
        default: run.method = .probabilityFlow(.rk4)
        }
    }
}
