import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Problems
import Quantum
import Testing

@Suite("Spin samplers at any size: reference energy, residual energy, time to solution")
struct SpinReadoutTests {
    @Test("TTS₉₉ = τ·ln(0.01)/ln(1 − p); infinite at p = 0, one read at p ≥ 0.99; the bootstrap interval brackets it")
    func timeToSolution() throws {
        #expect(TimeToSolution.sweeps(probability: 0, sweepsPerRead: 100) == nil)
        #expect(TimeToSolution.sweeps(probability: 0.995, sweepsPerRead: 100) == 100)
        let half = TimeToSolution.sweeps(probability: 0.5, sweepsPerRead: 100)!
        #expect(abs(half - 100 * log(0.01) / log(0.5)) < 1e-9)  // 664.4 sweeps
        let t = try TimeToSolution.estimate(hits: 120, reads: 1000, sweepsPerRead: 50, seed: 3)
        let value = try #require(t.sweeps)
        let (low, high) = (try #require(t.low), try #require(t.high))
        #expect(low < value && value < high)
        // p̂ = 0.12 ± 0.0103: the 95% interval of p is about ±0.020, so TTS ∈ [≈ 1.63, ≈ 2.23]·10³
        #expect(abs(low - 50 * log(0.01) / log(1 - 0.1402)) < 60)
        #expect(abs(high - 50 * log(0.01) / log(1 - 0.0999)) < 90)
        let none = try TimeToSolution.estimate(hits: 0, reads: 100, sweepsPerRead: 50, seed: 3)
        #expect(none.sweeps == nil && none.low == nil && none.high == nil)
        #expect(none.note.contains("infinite"))
        // infinite values are JSON null
        let json = String(decoding: try JSONEncoder().encode(none), as: UTF8.self)
        #expect(json.contains("\"sweeps\":null"))
    }

    @Test("the reference: the file's ground energy, exact enumeration up to 24 spins, else the best found")
    func referenceRule() throws {
        let small = try sherringtonKirkpatrick(qubits: 8, seed: 5)
        let exact = try small.groundStates().energy
        let r1 = try SpinReadout.reference(model: small, best: exact + 1, given: nil)
        #expect(r1.source == .exact && r1.energy == exact)
        let r2 = try SpinReadout.reference(model: small, best: exact, given: exact - 0.5)
        #expect(r2.source == .file && r2.energy == exact - 0.5)
        // a file's energy above the best found is wrong: one error naming the key
        #expect(throws: InputError.self) { try SpinReadout.reference(model: small, best: exact, given: exact + 0.1) }
        do {
            _ = try SpinReadout.reference(model: small, best: exact, given: exact + 0.1)
        } catch let e as InputError {
            #expect(e.location == "problem.ground_energy")
        }
        // 25 spins: no enumeration (it would take 2²⁵ states), the best found is the reference
        let large = try SpinGlassInstances.squareGlass(side: 5, seed: 2).ising
        let r3 = try SpinReadout.reference(model: large, best: -30, given: nil)
        #expect(r3.source == .bestFound && r3.energy == -30)
        #expect(SpinReadout.enumerationLimit == 24)
    }

    /// 10⁴ spins of a 2-D ±J glass: no 2ⁿ allocation on the path (it would abort), the
    /// reference is the best found, and the reads are real states of the model.
    @Test("simulated and path-integral annealing run on a sparse 10⁴-spin glass")
    func largeInstance() throws {
        let bqm = try SpinGlassInstances.squareGlass(side: 100, seed: 7)
        let model = bqm.ising
        #expect(model.qubits == 10_000 && model.couplings.count == 20_000)
        let sa = try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(samples: 4, sweeps: 200, seed: 1))
        #expect(sa.groundEnergySource == .bestFound)
        #expect(sa.states.isEmpty)
        // a ±J torus has E ≥ −2L² = −20000; annealing gets within 10% of the ground (≈ −1.40 per spin)
        #expect(sa.minimumEnergy > -20_000 && sa.minimumEnergy < -12_000, "\(sa.minimumEnergy)")
        #expect(sa.residualEnergyPerSpin! >= 0)
        let sqa = try PathIntegralAnnealing.run(
            model, path: .linear, schedule: .linear, options: PathIntegralOptions(samples: 2, sweeps: 20, slices: 4, seed: 1))
        #expect(sqa.groundEnergySource == .bestFound)
        #expect(sqa.minimumEnergy > -20_000 && sqa.minimumEnergy < -10_000, "\(sqa.minimumEnergy)")
        // the file's ground energy becomes the reference
        let withFile = try SimulatedAnnealing.run(
            model, options: SimulatedAnnealingOptions(samples: 2, sweeps: 20, seed: 1), groundEnergy: -20_000)
        #expect(withFile.groundEnergySource == .file && withFile.groundStateProbability == 0)
        #expect(withFile.timeToSolution?.sweeps == nil)
    }

    @Test("too large for memory: the size comes first, in one error")
    func memory() {
        do {
            try SpinReadout.checkMemory(qubits: 1_000_000, couplings: 2_000_000, reads: 100_000, slices: 32)
            Issue.record("accepted 3·10¹² bytes")
        } catch let e as InputError {
            #expect(e.message.hasPrefix("1000000 spins × 32 slices × 100000 reads need"), "\(e.message)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test("the instance generators: sizes, energies and reproducibility")
    func instances() throws {
        let mc = try SpinGlassInstances.maxCut3Regular(vertices: 12, seed: 4)
        #expect(mc.quadratic.count == 18)  // 3n/2 edges
        var degree = [Int](repeating: 0, count: 12)
        for c in mc.quadratic {
            degree[c.i] += 1
            degree[c.j] += 1
        }
        #expect(degree.allSatisfy { $0 == 3 })
        // energy = −cut: all spins equal cuts nothing
        #expect(mc.ising.energy(spins: [Int](repeating: 1, count: 12)) == 0)
        let sk = try SpinGlassInstances.sherringtonKirkpatrick(spins: 10, seed: 1)
        #expect(sk.quadratic.count == 45)
        #expect(try SpinGlassInstances.sherringtonKirkpatrick(spins: 10, seed: 1) == sk)
        let glass = try SpinGlassInstances.squareGlass(side: 4, seed: 3)
        #expect(glass.quadratic.count == 32 && glass.quadratic.allSatisfy { abs($0.value) == 1 })
        // written as dimod BQM JSON and read back: the same model
        let text = try AnnealingFormats.writeJSON(glass)
        #expect(try AnnealingFormats.parseJSON(text, file: "g.json") == glass)
    }
}
