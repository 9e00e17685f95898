import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("Simulated annealing baseline")
struct SimulatedAnnealingTests {
    @Test("the default β range follows dwave-samplers' rule")
    func defaultRange() throws {
        let model = try IsingModel(h: [1, 0, -0.25], couplings: [Coupling(0, 1, 0.5), Coupling(1, 2, -2)])
        let (hot, cold) = SimulatedAnnealing.defaultBetaRange(model)
        // largest |h| + Σ|J|: spin 1 with 0.5 + 2 = 2.5; smallest non-zero bias 0.25 (spin 2 only)
        #expect(abs(hot - log(2) / 5) < 1e-15)
        #expect(abs(cold - log(1 / 0.01) / 0.5) < 1e-13)
        let betas = SimulatedAnnealing.betas(SimulatedAnnealingOptions(sweeps: 5), range: (0.1, 10))
        #expect(betas.count == 5)
        #expect(abs(betas[2] - 1) < 1e-12)  // geometric midpoint
        let linear = SimulatedAnnealing.betas(SimulatedAnnealingOptions(sweeps: 3, schedule: .linear), range: (0, 2))
        #expect(linear == [0, 1, 2])
    }

    /// At a fixed β the sequential Metropolis sweep leaves the Boltzmann law invariant (each
    /// single-spin update satisfies detailed balance); 300 sweeps from random starts
    /// equilibrate a 6-spin glass at β = 1 (its Score-Hamiltonian gap, a comparable rate per
    /// spin flip, is ~0.3), so the reads must pass a χ² test at α = 1e-4. A sign error in ΔE
    /// would sample e^{+βE} and fail it.
    @Test("at fixed β, Metropolis sweeps sample the Boltzmann law (χ², α = 1e-4)")
    func metropolisEquilibrium() throws {
        let model = try sherringtonKirkpatrick(qubits: 6, seed: 13)
        let options = SimulatedAnnealingOptions(samples: 20_000, sweeps: 300, schedule: .linear, betaRange: (1, 1), seed: 2)
        let result = try SimulatedAnnealing.run(model, options: options)
        let law = try SpinDistribution.boltzmann(model, beta: 1)
        let (chi2, df) = SpinHistogram(qubits: 6, states: result.states).chiSquared(against: law)
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: 1e-4), "χ² = \(chi2), df = \(df)")
        // the energies it reports are the model's energies of the returned states
        let energies = result.states.map { model.energy(state: $0) }
        #expect(abs(result.minimumEnergy - energies.min()!) < 1e-12)
        #expect(abs(result.meanEnergy - energies.reduce(0, +) / Double(energies.count)) < 1e-12)
    }

    @Test("annealing finds the ground state of a 16-spin glass; more sweeps do better")
    func findsGround() throws {
        let model = try sherringtonKirkpatrick(qubits: 16, seed: 29)
        let long = try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(samples: 400, sweeps: 1000, seed: 1))
        let short = try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(samples: 400, sweeps: 2, seed: 1))
        #expect(long.groundEnergyExact)
        #expect(abs(long.groundEnergy! - (try model.groundStates().energy)) < 1e-12)
        #expect(long.groundStateProbability > 0.5)
        #expect(short.groundStateProbability < long.groundStateProbability - 5 * long.groundStateStderr)
        #expect(long.sweepsPerSecond! > 0)
        let linear = try SimulatedAnnealing.run(
            model, options: SimulatedAnnealingOptions(samples: 200, sweeps: 1000, schedule: .linear, seed: 3))
        #expect(linear.groundStateProbability > short.groundStateProbability + 5 * linear.groundStateStderr)
        // reproducible
        let again = try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(samples: 400, sweeps: 1000, seed: 1))
        #expect(again.states == long.states)
    }

    @Test("bad settings are refused")
    func validation() throws {
        let model = try sherringtonKirkpatrick(qubits: 4, seed: 1)
        #expect(throws: InputError.self) { try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(sweeps: 0)) }
        #expect(throws: InputError.self) {
            try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(betaRange: (0, 1)))  // geometric from 0
        }
        #expect(throws: InputError.self) {
            try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(betaRange: (.nan, 1)))
        }
    }
}
