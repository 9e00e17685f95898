import AdiabatCore
import Foundation
import Problems

/// Metropolis simulated annealing: `sweeps` sweeps per read on a linear or geometric β schedule
/// (default: geometric over dwave-samplers' β range), or, with `schedule`, on `β(s(τ))`: the
/// annealing schedule carried along the problem's transverse-field path through the
/// flip-diffusion map (``PathTemperature``, docs/sqa.md); it takes no `cells` or `total_time`
/// (docs/discrete.md). Runs on instances of any size;
/// `P(ground)` is measured against the file's `ground_energy`, exact enumeration up to 24
/// spins, or the best energy found (docs/sqa.md).
public enum SimulatedAnnealingSampler: SpinSampler {
    public static let name = "simulated-annealing"
    public static let summary =
        "Metropolis sweeps on a linear or geometric β schedule, or on β(s) of an annealing schedule (--schedule)"
    public static let parameters: Set<SamplerParameter> = [
        .samples, .sweeps, .schedule, .betaSchedule, .betaRange, .output,
    ]

    public static func validate(_ request: SampleRequest) throws {
        if let r = request.schedule, request.betaSchedule != .geometric {
            throw InputError(
                "sample.beta_schedule", "\(request.betaSchedule.rawValue) and the schedule \(r) both set β",
                hint: "give --beta-schedule (SA's own β ramp) or --schedule (β(s) of an annealing schedule), not both")
        }
    }

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let model = loaded.spec.model.ising
        let n = Double(model.qubits)
        let samples = o.samples ?? 1000
        let sweeps = o.sweeps ?? 1000
        // Memory: the spins (1 byte each), energies, the β schedule and the streams.
        try MemoryBudget.system.require(
            Double(samples) * (n + 100) + Double(sweeps) * 8, for: "simulated annealing with \(samples) reads",
            parameter: "sample.samples", hint: "lower sample.samples or sample.sweeps")
        // Work: every sweep visits every spin and its couplings.
        let degree = 1 + 2 * Double(model.couplings.count) / max(1, n)
        try o.checkWork(
            Double(samples) * Double(sweeps) * n * degree, what: "simulated annealing on \(loaded.spec.name)",
            estimate: "\(samples) reads × \(sweeps) sweeps × \(Int(n)) spins × \(String(format: "%.2g", degree)) terms",
            reduce: o.sweeps != nil ? .sweeps : .samples)
        var options = SimulatedAnnealingOptions(
            samples: o.samples ?? 1000, sweeps: o.sweeps ?? 1000, schedule: o.betaSchedule, betaRange: o.betaRange,
            seed: o.seed)
        if let request = o.schedule {
            if loaded.catalyst != nil {
                throw InputError(
                    "PROBLEM",
                    "'\(loaded.spec.name)' has a [catalyst]; simulated annealing follows a schedule along the transverse-field path only",
                    hint: "run simulated annealing without --schedule (its own β schedule)")
            }
            options.follow = (
                loaded.spec.path, try PathIntegralSampler.annealingSchedule(loaded.spec, request: request)
            )
        }
        return try SimulatedAnnealing.run(
            try loaded.classicalModel(for: name), options: options, groundEnergy: loaded.spec.groundEnergy)
    }
}
