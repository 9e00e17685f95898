import AdiabatCore
import Bridge
import Foundation
import Quantum
import Testing

@Suite("Simulated annealing's β(s) from the flip-diffusion map")
struct PathTemperatureTests {
    /// One spin in a field ε: the ground state of `−Aσx + Bεσz` has `ψ₋/ψ₊ = (Bε + √(A² +
    /// B²ε²))/A`, so `|ψ₀|²` is the Boltzmann law at β with `e^{βε} = ψ₋/ψ₊`; and along the flip
    /// diffusion of the ground-state law, `tanh(β_t ε) = e^{−2γt}` at `s(t)` of
    /// ``FlipDiffusionCorrespondence``. β(s) must reproduce both.
    @Test("β(s) is the Boltzmann β of the ground state of H(s) for one spin, and the flip diffusion's β_t at s(t)")
    func singleSpin() throws {
        for eps in [0.3, 1.0, 2.5] {
            let model = try IsingModel(h: [eps, -eps, eps], couplings: [])
            let map = try PathTemperature(model: model, path: .linear, schedule: .linear, range: (0, 1e9))
            #expect(map.exact && map.fieldScale == eps)
            for s in [0.05, 0.3, 0.5, 0.8, 0.97] {
                let (a, b) = AnnealingPath.linear.coefficients(at: s)
                let ratio = (b * eps + (a * a + b * b * eps * eps).squareRoot()) / a
                let beta = map.beta(at: s)
                #expect(abs(beta - log(ratio) / eps) < 1e-12 * max(1, beta), "ε \(eps), s \(s)")
            }
            let flip = try FlipDiffusionCorrespondence(fieldScale: eps, rate: 1)
            for t in [0.01, 0.2, 1.0, 3.0] {
                let s = flip.annealFraction(atTime: t)
                let betaT = atanh(exp(-2 * t)) / eps
                #expect(abs(map.beta(at: s) - betaT) < 1e-9 * max(1, betaT), "ε \(eps), t \(t)")
            }
        }
    }

    @Test("β(s): 0 at s = 0, ∞ where A vanishes (clipped at β_cold), increasing; the weak-field limit is B/A")
    func endsAndMonotone() throws {
        let model = try sherringtonKirkpatrick(qubits: 8, seed: 3)
        for schedule in [Schedule.linear, .cosine, try .boundaryCancelling(order: 2)] {
            let map = try PathTemperature(model: model, path: .linear, schedule: schedule, range: (0, 7))
            #expect(!map.exact)
            #expect(map.beta(at: 0) == 0 && map.mapBeta(at: 1) == .infinity && map.beta(at: 1) == 7)
            let betas = map.betas(steps: 400)
            #expect(betas.count == 400)
            #expect(zip(betas, betas.dropFirst()).allSatisfy { $0 <= $1 }, "\(schedule.name)")
            #expect(betas.first! > 0 && betas.first! < 0.01 && betas.last! == 7)
        }
        // β = asinh(εR)/ε → R as ε → 0, and lies below R.
        #expect(abs(PathTemperature.beta(ratio: 2, fieldScale: 1e-9) - 2) < 1e-12)
        #expect(PathTemperature.beta(ratio: 2, fieldScale: 1) < 2)
        // ε off the exact case: the RMS local field under the uniform law, √(mean(h² + ΣJ²)).
        let small = try IsingModel(h: [1, 0], couplings: [Coupling(0, 1, 2)])
        #expect(abs(PathTemperature.fieldScale(small).scale - ((1 + 4 + 4) / 2.0).squareRoot()) < 1e-15)
        // A driver other than the transverse field has no such map.
        #expect(throws: InputError.self) {
            _ = try PathTemperature(
                model: small, path: AnnealingPath.linear.with(driver: .projector), schedule: .linear, range: (0, 1))
        }
    }

    /// A slow run along the path ends at β_cold (clipped) with time to equilibrate there: the
    /// reads must pass a χ² test (α = 1e-4) against the Boltzmann law at β_cold, enumerated
    /// exactly, and fail it against a neighbouring β (the test can tell temperatures apart).
    @Test("a slow schedule ends in the Boltzmann law at β_cold (χ² against exact enumeration)")
    func slowReachesBoltzmann() throws {
        let model = try sherringtonKirkpatrick(qubits: 6, seed: 13)
        var options = SimulatedAnnealingOptions(samples: 20_000, sweeps: 400, betaRange: (0, 1), seed: 4)
        options.follow = (.linear, .linear)
        let result = try SimulatedAnnealing.run(model, options: options)
        #expect(result.settings["beta_schedule"] == .text("path") && result.settings["beta_end"] == .number(1))
        let histogram = SpinHistogram(qubits: 6, states: result.states)
        let (chi2, df) = histogram.chiSquared(against: try SpinDistribution.boltzmann(model, beta: 1))
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: 1e-4), "χ² = \(chi2), df = \(df)")
        let (other, _) = histogram.chiSquared(against: try SpinDistribution.boltzmann(model, beta: 1.3))
        #expect(other > chiSquaredCritical(degreesOfFreedom: df, tail: 1e-4), "β = 1.3: χ² = \(other)")
    }

    /// The schedule drives β: a schedule that lingers near s = 0 (β ≈ 0) and quenches at the
    /// end leaves far more energy than the linear one at equal sweeps.
    @Test("the schedule sets SA's results; without a schedule SA keeps its own β ramp")
    func scheduleMatters() throws {
        let model = try sherringtonKirkpatrick(qubits: 8, seed: 21)
        let lingering = try Schedule.piecewiseLinear(r: [0, 0.9, 1], u: [0, 0.05, 1], name: "linger")
        func run(_ schedule: Schedule?) throws -> SpinSampleResult {
            var o = SimulatedAnnealingOptions(samples: 2000, sweeps: 30, seed: 9)
            o.follow = schedule.map { (.linear, $0) }
            return try SimulatedAnnealing.run(model, options: o)
        }
        let linear = try run(.linear)
        let linger = try run(lingering)
        let residual = try #require(linger.residualEnergyPerSpin)
        let base = try #require(linear.residualEnergyPerSpin)
        let error = (pow(linger.residualEnergyPerSpinStderr ?? 0, 2) + pow(linear.residualEnergyPerSpinStderr ?? 0, 2))
            .squareRoot()
        #expect(residual - base > 5 * error, "linger \(residual), linear \(base) ± \(error)")
        let own = try run(nil)
        #expect(own.settings["beta_schedule"] == .text("geometric"))
        let again = try SimulatedAnnealing.run(model, options: SimulatedAnnealingOptions(samples: 2000, sweeps: 30, seed: 9))
        #expect(again.states == own.states)
    }
}
