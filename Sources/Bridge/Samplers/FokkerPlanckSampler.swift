import AdiabatCore
import Diffusion

/// The exact law of a sampler on the problem's grid: the Fokker–Planck equation of the reverse
/// SDE (default) or of annealed Langevin (`dynamics`), by implicit Euler (default) or TR-BDF2.
/// No particles, no sampling noise.
public enum FokkerPlanckSampler: LandscapeSampler {
    public static let name = "fokker-planck"
    public static let summary = "the sampler's law on the grid by its Fokker–Planck equation (no sampling noise)"
    public static let kind = SamplerKind.fokkerPlanck
    public static let drawsParticles = false
    public static let parameters: Set<SamplerParameter> = [
        .steps, .schedule, .integrator, .dynamics, .langevinSteps, .stepSize, .dataScale, .tMax, .scoreError, .output,
    ]
    public static let integrators: [SamplerIntegrator] = [.implicitEuler, .trBDF2]

    public static func validate(_ request: SampleRequest) throws {
        if !request.fokkerPlanckLangevin {
            for (given, parameter) in [
                (request.langevinSteps != nil, SamplerParameter.langevinSteps), (request.stepSize != nil, .stepSize),
                (request.dataScale != nil, .dataScale),
            ] where given {
                throw InputError(
                    "sample.\(parameter.rawValue)", "sets Langevin steps; the reverse SDE's Fokker–Planck law has none",
                    hint: "evolve the annealed-Langevin law (sample.dynamics annealed-langevin) or drop it")
            }
        }
    }

    public static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws {
        run.fokkerPlanckMethod = request.integrator == .trBDF2 ? .trBDF2 : .implicitEuler
        if request.fokkerPlanckLangevin {
            run.fokkerPlanckLangevin = LangevinSettings(
                stepsPerLevel: request.langevinSteps ?? 10, stepSize: request.stepSize ?? 0.02, dataScale: dataScale)
        }
    }
}
