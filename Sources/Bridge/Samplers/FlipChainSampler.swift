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
    public static let parameters: Set<SamplerParameter> = [.cells, .samples, .schedule, .totalTime, .output]

    /// Bytes per sample: its state, its statistics and its share of a random stream (one
    /// ~5 KB MT19937 state per block of 64 samples).
    public static let bytesPerSample = 120.0

    /// The peak memory of a run: the register's tables, two ground-state tables and the
    /// Lanczos workspace (~12 real vectors as complex-vector equivalents), and the samples.
    public static func memory(qubits n: Int, samples: Int) -> Double {
        QubitRegister.bytes(qubits: n, vectors: 12) + Double(samples) * bytesPerSample
    }

    /// The work of a run: each sample makes about `T·n·max A` flips and visits every cell, each
    /// costing ~`15·n` units (its `n` rates; measured on sk10: 10⁵ samples of 100 cells and ~100
    /// flips take ~8 s); each of the `cells + 1` ground states costs ~100 matrix–vector products
    /// of `2ⁿ·(n + 2)`.
    public static func work(qubits n: Int, samples: Int, cells: Int, totalTime: Double, maximumDriver: Double) -> Double {
        let flips = totalTime * Double(n) * max(1, maximumDriver)
        let groundStates = Double(cells + 1) * 100 * Foundation.pow(2.0, Double(n)) * Double(n + 2)
        return Double(samples) * (flips + Double(cells)) * 15 * Double(n) + groundStates
    }

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let n = loaded.spec.model.labels.count
        let samples = o.samples ?? 1000
        let cells = o.cells ?? 100
        try QubitRegister.validate(qubits: n, vectors: 0, for: "the flip chain")
        try MemoryBudget.system.require(
            memory(qubits: n, samples: samples), for: "the flip chain with \(samples) samples on \(n) qubits",
            parameter: "sample.samples", hint: "lower sample.samples (\(Int(bytesPerSample)) bytes each)")
        let annealing = try loaded.annealing()
        let run = try loaded.spec.run(hamiltonian: annealing.hamiltonian, totalTime: o.totalTime)
        let schedule =
            try o.schedule.map {
                try Problem.annealingSchedule(
                    $0, spec: loaded.spec, hamiltonian: annealing.hamiltonian, gapSamples: o.gapSamples, maxWork: o.maxWork,
                    parameter: "sample.schedule")
            }
            ?? run.schedule
        let maximumDriver = (0...32).map { abs(annealing.hamiltonian.path.coefficients(at: Double($0) / 32).a) }.max() ?? 1
        try o.checkWork(
            work(qubits: n, samples: samples, cells: cells, totalTime: run.totalTime, maximumDriver: maximumDriver),
            what: "the flip chain on \(loaded.spec.name) to T = \(Comparison.format(run.totalTime))",
            estimate: String(
                format: "%d samples × about %.2g flips (T·n·max A) and %d cells", samples,
                run.totalTime * Double(n) * max(1, maximumDriver), cells),
            reduce: o.totalTime != nil || o.samples == nil ? .totalTime : .samples)
        let start = try run.initialSpins.map { try annealing.hamiltonian.model.state(of: $0) }
        let chain = try FlipChainAnnealingProblem(
            annealing: annealing, schedule: schedule, totalTime: run.totalTime, initialState: start)
        return try AnnealedFlipChain.run(
            chain, options: AnnealedFlipChainOptions(samples: samples, cells: cells, seed: o.seed))
    }
}
