import Diffusion

/// The reverse SDE `dx = (x + 2s_t(x))dτ + √2 dW`, integrated by stochastic Heun (default),
/// Euler–Maruyama or the exponential integrator (docs/diffusion.md).
public enum ReverseSDESampler: LandscapeSampler {
    public static let name = "reverse-sde"
    public static let summary = "the reverse SDE dx = (x + 2s)dτ + √2 dW (stochastic Heun, Euler–Maruyama or exponential)"
    public static let kind = SamplerKind.reverseSDE
    public static let parameters: Set<SamplerParameter> = [
        .steps, .samples, .schedule, .integrator, .tMax, .scoreError, .output,
    ]
    public static let integrators: [SamplerIntegrator] = [.heun, .eulerMaruyama, .exponential]

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        run.method = .reverseSDE((request.integrator ?? .heun).reverseSDEScheme)
    }
}
