import AdiabatCore
import Foundation
import Quantum

extension Comparison {
    /// The estimated work of every cell not yet stored (docs/conventions.md#limits): quantum
    /// cells as ``Quantum/AnnealingEvolution/estimate(_:method:options:)`` or
    /// ``LandscapeEvolution/estimate(path:totalTime:method:options:)``, flip chains as
    /// ``FlipChainSampler/work(qubits:samples:cells:totalTime:maximumDriver:)``, particle
    /// samplers as samples × steps × dimension × 100 (a score evaluation), Fokker–Planck
    /// cells as nodes × steps × 50, simulated annealing as reads × sweeps × spins × terms.
    public func estimatedWork(skipping done: Set<ComparisonCell> = []) throws -> Double {
        var total = 0.0
        let samples = Double(settings.samples)
        switch subject {
        case .annealing(let a):
            let h = a.hamiltonian
            let n = h.qubits
            let maxA = (0...32).map { abs(h.path.coefficients(at: Double($0) / 32).a) }.max() ?? 1
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            for cell in cells where !done.contains(cell) {
                switch cell.method {
                case .quantum:
                    let p = try AnnealingProblem(hamiltonian: h, totalTime: cell.value, initialSpins: a.spec.initialSpins)
                    total += AnnealingEvolution.estimate(p, method: .split4, options: options).work
                case .flipChain:
                    total += FlipChainSampler.work(
                        qubits: n, samples: settings.samples, cells: 100, totalTime: cell.value, maximumDriver: maxA)
                case .simulatedAnnealing:
                    let degree = 1 + 2 * Double(h.model.couplings.count) / Double(max(1, n))
                    total += samples * cell.value * Double(n) * degree
                default:
                    total += samples * (cell.value + 50 * Double(n))
                }
            }
        case .landscape(let l):
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            var perTime: [Double: Double] = [:]
            for cell in cells where !done.contains(cell) {
                switch cell.method {
                case .quantum, .langevinPath:
                    if perTime[cell.value] == nil {
                        perTime[cell.value] =
                            try LandscapeEvolution.estimate(
                                path: l.path, totalTime: cell.value, method: .split4, options: options
                            )
                            .work
                    }
                    total += perTime[cell.value] ?? 0
                case .fokkerPlanck:
                    total += Double(l.grid.count) * cell.value * 50
                default:
                    total += samples * cell.value * Double(l.grid.dimension) * 100
                }
            }
        }
        return total
    }

    /// Refuses a comparison whose remaining cells are estimated beyond `maxWork` (nil: the default budget).
    public func checkWork(maxWork: Double?, skipping done: Set<ComparisonCell> = []) throws {
        try WorkBudget.validate(maxWork)
        let work = try estimatedWork(skipping: done)
        let longest = settings.times.max() ?? 0
        try WorkBudget.check(
            work, maximum: maxWork, what: "the comparison of \(name) (\(cells.count) cells)",
            estimate: "run times up to T = \(Comparison.format(longest)), \(settings.samples) samples",
            parameter: "compare.times", reduce: "compare.times, compare.steps or compare.samples")
    }
}
