import AdiabatCore
import Bridge
import Foundation
import Problems
import Quantum
import Testing

/// The planted 2-D ±J glass (docs/sqa.md#planted-ground-states): the planted state has the
/// stated energy, and exact enumeration of all 2¹⁶ states of a 4×4 torus finds no lower one.
@Suite("planted ±J glasses: the planted state is a ground state")
struct PlantedGlassTests {
    @Test("exact enumeration agrees with the planted energy on 4×4 tori", arguments: [0.25, 0.5, 0.75, 1.0])
    func enumeration(fraction: Double) throws {
        for seed: UInt64 in 1...3 {
            let glass = try SpinGlassInstances.plantedSquareGlass(side: 4, frustratedFraction: fraction, seed: seed)
            let model = glass.model.ising
            #expect(glass.model.quadratic.count == 32 && glass.model.quadratic.allSatisfy { abs($0.value) == 1 })
            #expect((0...8).contains(glass.frustratedTiles))
            #expect(glass.groundEnergy == Double(-32 + 2 * glass.frustratedTiles))
            #expect(model.energy(spins: glass.state) == glass.groundEnergy)
            let exact = try model.groundStates()
            #expect(exact.energy == glass.groundEnergy, "seed \(seed), fraction \(fraction), \(glass.frustratedTiles) tiles")
        }
        // every tile frustrated: −2L² + 2·L²/2 = −L²
        let all = try SpinGlassInstances.plantedSquareGlass(side: 4, frustratedFraction: 1, seed: 9)
        #expect(all.frustratedTiles == 8 && all.groundEnergy == -16)
    }

    @Test("no frustration: a gauge-transformed ferromagnet, two ground states (z* and −z*)")
    func ferromagnet() throws {
        let glass = try SpinGlassInstances.plantedSquareGlass(side: 4, frustratedFraction: 0, seed: 5)
        #expect(glass.frustratedTiles == 0 && glass.groundEnergy == -32)
        let exact = try glass.model.ising.groundStates()
        #expect(exact.energy == -32 && exact.states.count == 2)
        #expect(glass.model.ising.energy(spins: glass.state.map { -$0 }) == -32)
        // the gauge is not the identity: the couplings are not all ferromagnetic
        #expect(glass.model.quadratic.contains { $0.value > 0 })
    }

    @Test("larger planted glasses: the stated energy, and annealing never goes below it")
    func larger() throws {
        let glass = try SpinGlassInstances.plantedSquareGlass(side: 8, frustratedFraction: 0.5, seed: 2)
        let model = glass.model.ising
        #expect(model.energy(spins: glass.state) == glass.groundEnergy)
        let sa = try SimulatedAnnealing.run(
            model, options: SimulatedAnnealingOptions(samples: 20, sweeps: 500, seed: 1), groundEnergy: glass.groundEnergy)
        #expect(sa.groundEnergySource == .file && sa.minimumEnergy >= glass.groundEnergy)
        #expect(sa.groundStateProbability > 0, "500 sweeps find the 64-spin ground state in some of 20 reads")
    }

    @Test("odd or too small sides and fractions outside [0, 1] are refused")
    func refusals() {
        for (side, fraction) in [(5, 0.5), (2, 0.5), (4, 1.5), (4, -0.1), (4, .nan)] {
            #expect(throws: InputError.self) {
                _ = try SpinGlassInstances.plantedSquareGlass(side: side, frustratedFraction: fraction, seed: 1)
            }
        }
    }
}
