import AdiabatCore
import Foundation
import Quantum

extension Comparison {
    /// The estimated work of every cell not yet stored (docs/conventions.md#limits): quantum
    /// cells as ``Quantum/AnnealingEvolution/estimate(_:method:options:)`` or
    /// ``LandscapeEvolution/estimate(path:totalTime:method:options:)``, flip chains as
    /// ``FlipChainSampler/work(qubits:samples:cells:totalTime:maximumDriver:)``, particle
    /// samplers as samples × steps × dimension × 100 (a score evaluation), Fokker–Planck
    /// cells as nodes × steps × 50, simulated annealing as reads × sweeps × spins × terms,
    /// path-integral annealing as reads × sweeps × spins × slices × (terms + 3).
    public func estimatedWork(skipping done: Set<ComparisonCell> = []) throws -> Double {
        var total = 0.0
        let samples = Double(settings.samples)
        switch subject {
        case .annealing(let a):
            let n = a.qubits
            let path = a.spec.path
            let maxA = (0...32).map { abs(path.coefficients(at: Double($0) / 32).a) }.max() ?? 1
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            let degree = 1 + 2 * Double(a.model.couplings.count) / Double(max(1, n))
            for cell in cells where !done.contains(cell) {
                switch cell.method {
                case .quantum:
                    guard let h = a.hamiltonian else { continue }
                    let p = try AnnealingProblem(hamiltonian: h, totalTime: cell.value, initialSpins: a.spec.initialSpins)
                    total += AnnealingEvolution.estimate(p, method: .split4, options: options).work
                case .flipChain:
                    total += FlipChainSampler.work(
                        qubits: n, samples: settings.samples, cells: 100, totalTime: cell.value, maximumDriver: maxA)
                case .simulatedAnnealing:
                    total += samples * cell.value * Double(n) * degree
                case .pathIntegral:
                    // M slices per spin, each with its couplings, its two imaginary-time bonds
                    // and the cluster pass's draw per bond.
                    total += samples * cell.value * Double(n * PathIntegralAnnealing.defaultSlices) * (degree + 3)
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
        case .scoreField(let f):
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            let span = try ScoreFieldSpan(f.problem, start: nil, parameter: "compare", purpose: "compare")
            for cell in cells where !done.contains(cell) {
                switch cell.method {
                case .quantum:
                    total +=
                        try Problem.scoreFieldEvolutionEstimate(
                            f.problem, span: span, totalTime: cell.value, method: .split4, options: options
                        )
                        .work
                case .fokkerPlanck:
                    total += Double(f.grid.count) * cell.value * 50
                default:
                    total += samples * cell.value * Double(f.grid.dimension) * 100
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

    /// State vectors the exact side holds at its peak in ``exactSideLimit(qubits:memory:)``:
    /// the state, the split-operator integrator's workspaces and the gap profile's Lanczos
    /// vectors, with two quantum cells side by side.
    public static let exactSideVectors = 8.0

    /// Why the exact side (the `2ⁿ`-amplitude register of quantum annealing, the flip chains
    /// and the gap profile) cannot run on `qubits` spins, in words; nil when it can. The
    /// limit is the memory budget (``AdiabatCore/MemoryBudget``: the register's tables and
    /// ``exactSideVectors`` state vectors, ``Quantum/QubitRegister/bytes(qubits:vectors:)``)
    /// and the register's index range, not a fixed count; the classical samplers run anyway.
    public static func exactSideLimit(qubits n: Int, memory: MemoryBudget = .system) -> String? {
        let need = QubitRegister.bytes(qubits: n, vectors: exactSideVectors)
        if !need.isFinite {
            // 2ⁿ beyond a Double (n ≳ 1000): say the size as a power of two.
            let perAmplitude = Int(16 * exactSideVectors + 16)
            return
                "the exact side on \(n) qubits (2^\(n) amplitudes, \(Int(exactSideVectors)) state vectors) needs 2^\(n) × \(perAmplitude) bytes of memory; \(formatBytes(memory.available * MemoryBudget.usableFraction)) is usable (80% of the \(memory.source), \(formatBytes(memory.available)))"
        }
        do {
            // Memory first (the reason a person can act on), then the register's index range.
            try memory.require(
                QubitRegister.bytes(qubits: n, vectors: exactSideVectors),
                for: "the exact side on \(n) qubits (2^\(n) amplitudes, \(Int(exactSideVectors)) state vectors)",
                parameter: "model", hint: "")
            try QubitRegister.validate(qubits: n, vectors: exactSideVectors, for: "the exact side", memory: memory)
            return nil
        } catch let e as InputError {
            return e.message
        } catch {
            return "\(error)"
        }
    }
}
