import AdiabatCore
import Foundation
import Problems
import Quantum

/// The exact time reversal of independent spin flips at rate γ (`flip_rate`), toward the
/// Boltzmann law at `beta` or the uniform law on the ground states of `H_P`; rates on a grid of
/// `cells` cells placed by the schedule in diffusion time (docs/discrete.md).
public enum ReverseFlipSampler: SpinSampler {
    public static let name = "reverse-flip"
    public static let summary = "the exact reverse of independent spin flips, toward e^{−βH_P} or the ground states"
    public static let parameters: Set<SamplerParameter> = [.cells, .samples, .schedule, .beta, .tMax, .flipRate, .prior, .output]

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let model = loaded.spec.model.ising
        try QubitRegister.validate(qubits: model.qubits, vectors: 2, for: "the reverse flip chain")
        let h = try loaded.spec.hamiltonian()
        let target: SpinDistribution = try o.beta.map { try .boltzmann(model, beta: $0) } ?? .groundStates(of: model)
        // The diffusion's own schedule: flip:NAME is NAME on the flip diffusion; anneal:NAME an
        // annealing schedule carried over; a plain name is read as u with t = t_max(1 − u).
        var request = o.schedule ?? ScheduleRequest(.problem)
        if request.direction == .toAnnealing { request.direction = nil }
        let library = try ScheduleLibrary(
            context: .annealing(loaded.spec, h), gapSamples: o.gapSamples ?? 41, flipRate: o.flipRate, flipTMax: o.tMax,
            flipBeta: o.beta, maxWork: o.maxWork, scope: "sample")
        let schedule = try library.schedule(request)
        // Default t_max: the uniform law is within TV (n/2)e^{−2γt} ≤ 1e-4 of p_tmax (or the
        // noise end of a diffusion schedule that ends first).
        let tMax = library.diffusionHorizon(for: request.name?.noiseSchedule).tMax
        let samples = o.samples ?? 1000
        let cells = o.cells ?? 100
        let flips = Double(model.qubits) * o.flipRate * tMax
        try o.checkWork(
            Double(samples) * (flips + Double(cells)) * 15 * Double(model.qubits)
                + Double(cells) * Foundation.pow(2.0, Double(model.qubits)),
            what: "the reverse flip chain on \(loaded.spec.name)",
            estimate: String(format: "%d samples × about %.2g flips (n·γ·t_max) and %d cells", samples, flips, cells),
            reduce: .samples)
        let diffusion = try ReverseFlipDiffusion(
            target: target, rate: o.flipRate, maximumTime: tMax, schedule: schedule, prior: o.prior)
        return try ReverseFlipChain.run(
            diffusion, options: ReverseFlipChainOptions(samples: o.samples ?? 1000, cells: o.cells ?? 100, seed: o.seed),
            energies: h.register.diagonal, groundStates: h.problemGround.states, groundEnergy: h.problemGround.energy)
    }
}
