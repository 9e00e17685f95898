import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum
import Testing

/// Statistical tests: fixed seeds; each χ² test rejects at tail probability α = 1e-4 (for a
/// correct sampler and a random seed it would fail once in 10⁴ runs), degrees of freedom
/// after pooling cells with expected count < 5.
@Suite("Flip chains: stationary laws, reverse diffusion, annealing, relaxation rates")
struct FlipChainTests {
    static let alpha = 1e-4

    /// Done-when: the flip chain's empirical law at fixed s matches ψ₀² within its statistical
    /// error. Independent replicas (no autocorrelation between samples) start from one state
    /// and run for a burn-in `t_b` with `½√(1/p(x₀) − 1)·e^{−g t_b} ≤ 10⁻⁶` (the total-variation
    /// bias of a reversible chain with gap g), far below what 20 000 draws can resolve.
    @Test("the flip chain of H(s) samples ψ₀(s)² (χ², α = 1e-4), and a wrong chain is rejected")
    func stationaryLaw() throws {
        let n = 6
        let model = try sherringtonKirkpatrick(qubits: n, seed: 31)
        let problem = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        let s = 0.5
        let translation = try SpinTranslation.translate(problem, at: s, options: GroundStateOptions(gap: true))
        let law = try translation.law()
        let chain = FlipChain(groundState: translation.groundState)
        // the chain's rates are A(s)·ψ₀(xⁱ)/ψ₀(x)
        let a = problem.coefficients(at: s).a
        let r = chain.rates(at: 5)
        for i in 0..<n {
            #expect(
                abs(r[i] - a * exp(translation.groundState.logAmplitude[5 ^ (1 << i)] - translation.groundState.logAmplitude[5]))
                    < 1e-14)
        }
        let gap = try #require(translation.groundState.gap)
        let start = 0
        let burn = (log(1e6) + 0.5 * log(1 / law.probability(start))) / gap
        let replicas = 20_000
        let (states, stats) = try chain.run([Int](repeating: start, count: replicas), time: burn, seed: 11)
        #expect(stats.flips > replicas)
        let hist = SpinHistogram(qubits: n, states: states)
        let (chi2, df) = hist.chiSquared(against: law)
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: Self.alpha), "χ² = \(chi2), df = \(df)")
        // power: the same samples against the law of a neighbouring s are rejected
        let other = try SpinTranslation.translate(problem, at: 0.6).law()
        let (chi2Other, dfOther) = hist.chiSquared(against: other)
        #expect(chi2Other > chiSquaredCritical(degreesOfFreedom: dfOther, tail: Self.alpha))
    }

    /// Done-when: the reverse flip chain hits its target law the same way. The target is the
    /// Boltzmann law at β = 1.5; with 64 cells the interpolation error of the rates leaves a
    /// TV error below 1e-3 (checked exactly on the master equation below), under the
    /// resolution of 20 000 draws.
    @Test("the reverse flip chain samples the Boltzmann law (χ², α = 1e-4)")
    func reverseChainBoltzmann() throws {
        let n = 6
        let model = try sherringtonKirkpatrick(qubits: n, seed: 8)
        let target = try SpinDistribution.boltzmann(model, beta: 1.5)
        let diffusion = try ReverseFlipDiffusion(target: target, rate: 1, maximumTime: 3, schedule: .cosine)
        let result = try ReverseFlipChain.run(diffusion, options: ReverseFlipChainOptions(samples: 20_000, cells: 64, seed: 5))
        let hist = SpinHistogram(qubits: n, states: result.states)
        let (chi2, df) = hist.chiSquared(against: target)
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: Self.alpha), "χ² = \(chi2), df = \(df)")
        #expect(result.statistics.rejected > 0)  // thinning was exercised
        // from the uniform prior the extra error is TV(p_3, uniform) ≤ (n/2)e^{−6} ≈ 7e-3
        let uniform = try ReverseFlipDiffusion(target: target, rate: 1, maximumTime: 3, schedule: .cosine, prior: .uniform)
        let u = try ReverseFlipChain.run(uniform, options: ReverseFlipChainOptions(samples: 20_000, cells: 64, seed: 6))
        let (chi2u, dfu) = SpinHistogram(qubits: n, states: u.states).chiSquared(against: target)
        #expect(chi2u < chiSquaredCritical(degreesOfFreedom: dfu, tail: Self.alpha), "χ² = \(chi2u), df = \(dfu)")
    }

    @Test("the reverse flip chain to the ground states of H_P lands on them, uniformly")
    func reverseChainGroundStates() throws {
        let n = 8
        let model = try sherringtonKirkpatrick(qubits: n, seed: 12, fieldScale: 0)  // h = 0: ground states come in pairs
        let target = try SpinDistribution.groundStates(of: model)
        let ground = model.groundStatesOrEmpty
        #expect(ground.count == 2)
        let diffusion = try ReverseFlipDiffusion(target: target, rate: 1, maximumTime: 4, schedule: .linear, prior: .uniform)
        let m = 10_000
        let result = try ReverseFlipChain.run(
            diffusion, options: ReverseFlipChainOptions(samples: m, cells: 40, seed: 3), energies: try model.diagonal(),
            groundStates: ground, groundEnergy: try model.groundStates().energy)
        #expect(result.groundStateProbability == 1)
        // the two ground states are equally likely: binomial, 4σ
        let first = result.states.filter { $0 == ground[0] }.count
        #expect(abs(Double(first) - Double(m) / 2) < 4 * (Double(m) / 4).squareRoot())
        // and the chain did the work: before the exact final step most samples were already there
        #expect(result.statistics.flips > m)
    }

    /// The interpolated reverse generator's exact law at t = 0, by integrating its master
    /// equation cell by cell (GSL rk8pd, tolerance 1e-11): this isolates the interpolation
    /// error from the sampling noise.
    @Test("the interpolated reverse generator transports p_tmax to p₀ with TV < 1e-3, converging with the grid")
    func reverseInterpolationError() throws {
        let model = try sherringtonKirkpatrick(qubits: 5, seed: 21)
        let target = try SpinDistribution.boltzmann(model, beta: 1.5)
        let fine = try interpolatedReverseLaw(target, cells: 64)
        let coarse = try interpolatedReverseLaw(target, cells: 16)
        #expect(fine < 1e-3, "TV = \(fine)")
        // second order in the cell width: 4× the cells, ≈ 16× smaller (allow 6×)
        #expect(fine < coarse / 6, "TV(64 cells) = \(fine), TV(16 cells) = \(coarse)")
    }

    /// TV between p₀ and the exact t = 0 law of the reverse chain with interpolated rates.
    func interpolatedReverseLaw(_ target: SpinDistribution, cells: Int) throws -> Double {
        let n = target.qubits
        let d = try ReverseFlipDiffusion(target: target, rate: 1, maximumTime: 3, schedule: .cosine)
        let times = ReverseFlipChain.gridTimes(d, cells: cells)
        var rho = try target.diffused(rate: 1, time: times[0]).probabilities
        for k in 1..<times.count {
            let a = try target.diffused(rate: 1, time: times[k - 1]).logProbabilities
            let b = try target.diffused(rate: 1, time: times[k]).logProbabilities
            let t0 = times[k - 1]
            let t1 = times[k]
            // rates per unit θ = log t (per unit t in the last cell), as the sampler uses
            let length = t1 > 0 ? log(t0 / t1) : t0
            rho = try integrateMasterEquation(rho, qubits: n, length: length) { lambda, x, i in
                let w = t1 > 0 ? t0 * pow(t1 / t0, lambda) : 1
                let da = a[x ^ (1 << i)] - a[x]
                let db = b[x ^ (1 << i)] - b[x]
                return w * exp(da + lambda * (db - da))
            }
        }
        return 0.5 * zip(rho, target.probabilities).reduce(0) { $0 + abs($1.0 - $1.1) }
    }

    /// The annealed chain is simulated exactly for its interpolated rates: its histogram at
    /// the end matches the law from the master equation of the same interpolated generator.
    @Test("the annealed flip chain matches the master equation of its interpolated generator (χ², α = 1e-4)")
    func annealedChainExact() throws {
        let n = 4
        let model = try sherringtonKirkpatrick(qubits: n, seed: 17)
        let annealing = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        // stop at s = 0.7 (a kink at r = ½) so the final law is spread over many states
        let schedule = try Schedule.piecewiseLinear(r: [0, 0.5, 1], u: [0, 0.3, 0.7])
        let problem = try FlipChainAnnealingProblem(annealing: annealing, schedule: schedule, totalTime: 2)
        let options = AnnealedFlipChainOptions(samples: 20_000, cells: 12, seed: 9)
        let result = try AnnealedFlipChain.run(problem, options: options)
        // exact law of the interpolated chain
        let moves = AnnealedFlipChain.moves(annealing)
        let points = try AnnealedFlipChain.grid(problem, options: options)
        #expect(points.count - 1 == result.statistics.cells)
        #expect(points.contains { abs($0.tau - 1) < 1e-12 })  // the kink is a grid time
        var rho = points[0].logAmplitude.map { exp(2 * $0) }
        for k in 1..<points.count {
            let (a, b) = (points[k - 1], points[k])
            rho = try integrateMasterEquation(rho, qubits: n, length: b.tau - a.tau) { lambda, x, i in
                AnnealedFlipChain.interpolatedRates(a, b, moves: moves, tau: a.tau + lambda * (b.tau - a.tau), state: x)[i]
            }
        }
        let law = try SpinDistribution.table(rho)
        #expect(law.logProbabilities.max()! < log(0.6))  // not concentrated: the χ² test has cells to test
        let (chi2, df) = SpinHistogram(qubits: n, states: result.states).chiSquared(against: law)
        #expect(df >= 8)
        #expect(chi2 < chiSquaredCritical(degreesOfFreedom: df, tail: Self.alpha), "χ² = \(chi2), df = \(df)")
    }

    @Test("a classical start is kept by a short chain; a state outside the register is refused")
    func annealedChainInitialState() throws {
        let model = try sherringtonKirkpatrick(qubits: 5, seed: 4)
        let annealing = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        // a reverse anneal that barely moves: every chain is still in its start state
        let schedule = try Schedule.piecewiseLinear(r: [0, 1], u: [0.9, 0.9], name: "hold")
        let problem = try FlipChainAnnealingProblem(annealing: annealing, schedule: schedule, totalTime: 1e-9, initialState: 13)
        let result = try AnnealedFlipChain.run(problem, options: AnnealedFlipChainOptions(samples: 200, cells: 2, seed: 1))
        #expect(result.states.allSatisfy { $0 == 13 })
        // held long enough at s = 0.9 the same chains spread out over ψ₀(0.9)²
        let long = try FlipChainAnnealingProblem(annealing: annealing, schedule: schedule, totalTime: 50, initialState: 13)
        let spread = try AnnealedFlipChain.run(long, options: AnnealedFlipChainOptions(samples: 200, cells: 2, seed: 1))
        #expect(Set(spread.states).count > 1)
        #expect(throws: InputError.self) { try FlipChainAnnealingProblem(annealing: annealing, totalTime: 1, initialState: 32) }
    }

    @Test("a slow annealed flip chain ends in the ground state; a fast one does not")
    func annealedChainAdiabatic() throws {
        let model = try sherringtonKirkpatrick(qubits: 8, seed: 2)
        let annealing = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
        let slow = try AnnealedFlipChain.run(
            try FlipChainAnnealingProblem(annealing: annealing, totalTime: 200),
            options: AnnealedFlipChainOptions(samples: 2000, cells: 40, seed: 1))
        let fast = try AnnealedFlipChain.run(
            try FlipChainAnnealingProblem(annealing: annealing, totalTime: 0.5),
            options: AnnealedFlipChainOptions(samples: 2000, cells: 40, seed: 1))
        #expect(slow.groundStateProbability > 0.9)
        #expect(fast.groundStateProbability < slow.groundStateProbability - 10 * slow.groundStateStderr)
        #expect(slow.meanEnergy < fast.meanEnergy)
    }

    /// Done-when: the gap of the Score Hamiltonian equals the chain's relaxation rate,
    /// measured from the decay of an autocorrelation. The observable `f = φ₁/√p` (φ₁ the
    /// first excited state) is an eigenfunction of the chain's generator, so from a
    /// stationary start `C(τ) = E[f(X₀)f(X_τ)] = e^{−gτ}` exactly. `C` is estimated from
    /// independent replicas in 20 batches; each batch fits `log(Ĉ(τ)/Ĉ(0)) = −gτ` by least
    /// squares through the origin over lags up to `1.5/g`; the batch estimates give the
    /// mean and its standard error σ. The test asks |ĝ − g| < 4σ (two-sided tail 6e-5 for a
    /// Gaussian mean) and σ < 5% of g, so a rate off by 20% cannot pass.
    @Test("the Score Hamiltonian's gap is the flip chain's relaxation rate", arguments: ["boltzmann", "annealing"])
    func gapIsRelaxationRate(kind: String) throws {
        let n = 6
        let model = try sherringtonKirkpatrick(qubits: n, seed: 44)
        let score: SpinScoreHamiltonian
        if kind == "boltzmann" {
            score = try SpinScoreHamiltonian(law: try .boltzmann(model, beta: 1), gamma: 1)
        } else {
            let problem = try CatalysedAnnealing(hamiltonian: try AnnealingHamiltonian(model: model))
            score = try SpinTranslation.translate(problem, at: 0.6).scoreHamiltonian()
        }
        let system = try score.hamiltonian.lowest(count: 2, vectors: true)
        let g = system.values[1] - system.values[0]
        #expect(abs(system.values[0]) < 1e-12)
        let phi1 = try #require(system.vector(1))
        let phi = score.score.logAmplitude
        let norm = 0.5 * log(phi.reduce(0) { $0 + exp(2 * $1) })
        let f = (0..<(1 << n)).map { phi1[phi1.startIndex + $0] / exp(phi[$0] - norm) }
        let law = try score.score.law()
        let chain = FlipChain(score)
        let batches = 20
        let perBatch = 4000
        let lags = (0...6).map { Double($0) * 0.25 / g }
        let starts = law.sample(count: batches * perBatch, stream: try RandomStream(seed: 77))
        let rows = try chain.trajectories(from: starts, times: lags, seed: 78, observable: f)
        var estimates: [Double] = []
        for b in 0..<batches {
            var c = [Double](repeating: 0, count: lags.count)
            for i in (b * perBatch)..<((b + 1) * perBatch) {
                for j in lags.indices { c[j] += rows[i][0] * rows[i][j] }
            }
            var num = 0.0
            var den = 0.0
            for j in 1..<lags.count {
                num += lags[j] * log(c[j] / c[0])
                den += lags[j] * lags[j]
            }
            estimates.append(-num / den)
        }
        let mean = estimates.reduce(0, +) / Double(batches)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(batches - 1)
        let sigma = (variance / Double(batches)).squareRoot()
        #expect(abs(mean - g) < 4 * sigma, "rate \(mean) ± \(sigma), gap \(g)")
        #expect(sigma < 0.05 * g, "σ = \(sigma) is too large to test the rate")
    }
}

/// Integrates the master equation `dρ(y)/dλ = Σ_x ρ(x) r(x→y) − ρ(y) Σ r(y→·)` over a cell of
/// chain-time `length` (λ ∈ [0, 1] across it), with single-flip rates `rate(λ, x, i)`.
func integrateMasterEquation(
    _ rho: [Double], qubits n: Int, length: Double, rate: @escaping @Sendable (Double, Int, Int) -> Double
) throws -> [Double] {
    let size = 1 << n
    let problem = ODEProblem(initialTime: 0, initialState: rho) { lambda, p, dp in
        for y in 0..<size { dp[y] = 0 }
        for x in 0..<size {
            for i in 0..<n {
                let flow = length * p[x] * rate(lambda, x, i)
                dp[x] -= flow
                dp[x ^ (1 << i)] += flow
            }
        }
    }
    let integrator = try ODEIntegrator(problem: problem, method: .rk8pd, options: ODEOptions(rtol: 1e-11, atol: 1e-14))
    let status = try integrator.advance(to: 1)
    #expect(status == .success)
    return integrator.state
}

extension IsingModel {
    var groundStatesOrEmpty: [Int] { (try? groundStates().states) ?? [] }
}
