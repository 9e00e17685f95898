import AdiabatCore
import Foundation
import Problems

/// Metropolis simulated annealing: `sweeps` sweeps per read on a linear or geometric β schedule
/// (default: geometric over dwave-samplers' β range); it keeps its own schedule, so it takes no
/// `schedule`, `cells` or `total_time` (docs/discrete.md). Runs on instances of any size;
/// `P(ground)` is measured against the file's `ground_energy`, exact enumeration up to 24
/// spins, or the best energy found (docs/sqa.md).
public enum SimulatedAnnealingSampler: SpinSampler {
    public static let name = "simulated-annealing"
    public static let summary = "Metropolis sweeps on a linear or geometric β schedule"
    public static let parameters: Set<SamplerParameter> = [.samples, .sweeps, .betaSchedule, .betaRange, .output]

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let options = SimulatedAnnealingOptions(
            samples: o.samples ?? 1000, sweeps: o.sweeps ?? 1000, schedule: o.betaSchedule, betaRange: o.betaRange,
            seed: o.seed)
        return try SimulatedAnnealing.run(
            try loaded.classicalModel(for: name), options: options, groundEnergy: loaded.spec.groundEnergy)
    }
}
