import AdiabatCore
import Foundation
import Problems
import Quantum

/// The annealed flip chain with rates `A(s)·ψ₀(xⁱ)/ψ₀(x)` along the problem's own path and
/// schedule (the same `s(τ/T)` as `evolve`), from `ψ₀(s(0))²`, simulated exactly for rates
/// interpolated on a grid of `cells` cells (docs/discrete.md).
public enum FlipChainSampler: SpinSampler {
    public static let name = "flip-chain"
    public static let summary = "the annealed flip chain with rates A(s)ψ₀(xⁱ)/ψ₀(x) along the annealing path"
    public static let parameters: Set<SamplerParameter> = [.cells, .samples, .schedule, .totalTime]

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let annealing = try loaded.annealing()
        let run = try loaded.spec.run(hamiltonian: annealing.hamiltonian, totalTime: o.totalTime)
        let schedule =
            try o.schedule.map { try Problem.annealingSchedule($0, spec: loaded.spec, hamiltonian: annealing.hamiltonian) }
            ?? run.schedule
        let start = try run.initialSpins.map { try annealing.hamiltonian.model.state(of: $0) }
        let chain = try FlipChainAnnealingProblem(
            annealing: annealing, schedule: schedule, totalTime: run.totalTime, initialState: start)
        return try AnnealedFlipChain.run(
            chain, options: AnnealedFlipChainOptions(samples: o.samples ?? 1000, cells: o.cells ?? 100, seed: o.seed))
    }
}
