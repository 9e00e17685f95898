import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

/// A landscape whose score is NaN right of x = 1 (a learned score gone wrong).
struct BrokenLandscape: Landscape {
    var dimension: Int { 1 }
    func logDensity(at x: UnsafeBufferPointer<Double>) -> Double { -0.5 * x[0] * x[0] }
    func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) { s[0] = x[0] > 1 ? .nan : -x[0] }
    func divergence(at x: UnsafeBufferPointer<Double>) -> Double { -1 }
    func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape { self }
}

/// A landscape whose score is the largest finite double (finite, but any step overflows).
struct HugeScoreLandscape: Landscape {
    var dimension: Int { 1 }
    func logDensity(at x: UnsafeBufferPointer<Double>) -> Double { 0 }
    func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) { s[0] = .greatestFiniteMagnitude }
    func divergence(at x: UnsafeBufferPointer<Double>) -> Double { 0 }
    func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape { self }
}

/// Mean and variance of 1-D samples.
func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(x.count)
    let mean = x.reduce(0, +) / n
    var v = 0.0
    for value in x { v += (value - mean) * (value - mean) }
    return (mean, v / (n - 1))
}

@Suite("Particle samplers: exact laws of the discrete schemes, reproducibility, errors")
struct SamplerTests {
    static let sigma0Squared = 0.25
    static let gaussianData = try! GaussianMixture.gaussian(mean: [0], covariance: [sigma0Squared])

    /// `σ_t²` of the OU marginal of N(0, σ₀²).
    static func variance(_ t: Double) -> Double { exp(-2 * t) * sigma0Squared - expm1(-2 * t) }

    /// The exact law of each discrete scheme on Gaussian data: it stays N(0, v_k) with a
    /// linear recursion `v ← A²v + C²` (derived in docs/diffusion.md). Returns `v_N`.
    static func recursion(_ method: SamplerMethod, _ path: DiffusionPath) -> Double {
        var v = path.priorVariance
        func predictor(_ scheme: ReverseSDEScheme, _ t0: Double, _ t1: Double) {
            let h = t0 - t1
            let k0 = 1 - 2 / variance(t0)
            let k1 = 1 - 2 / variance(t1)
            switch scheme {
            case .eulerMaruyama: v = (1 + h * k0) * (1 + h * k0) * v + 2 * h
            case .exponential:
                let a = exp(h) - 2 * expm1(h) / variance(t0)
                v = a * a * v + expm1(2 * h)
            case .heun:
                let a = (1 + 0.5 * h * k1) * (1 + h * k0) - 0.5 * h * k0
                let c = (1 + 0.5 * h * k1)
                v = a * a * v + c * c * 2 * h
            }
        }
        func langevin(_ settings: LangevinSettings, _ t: Double) {
            let eta = settings.stepSize(at: t, path: path)
            let a = 1 - eta / variance(t)
            for _ in 0..<settings.stepsPerLevel { v = a * a * v + 2 * eta }
        }
        for k in 0..<path.steps {
            let t0 = path.times[k]
            let t1 = path.times[k + 1]
            switch method {
            case .reverseSDE(let s): predictor(s, t0, t1)
            case .annealedLangevin(let l): langevin(l, t1)
            case .predictorCorrector(let pc):
                predictor(pc.predictor, t0, t1)
                langevin(pc.corrector, t1)
            case .probabilityFlow: break
            }
        }
        return v
    }

    static let stochasticMethods: [SamplerMethod] = [
        .reverseSDE(.eulerMaruyama), .reverseSDE(.exponential), .reverseSDE(.heun),
        .annealedLangevin(LangevinSettings(stepsPerLevel: 3, stepSize: 0.2, dataScale: 0.5)),
        .predictorCorrector(
            PredictorCorrectorSettings(
                predictor: .eulerMaruyama, corrector: LangevinSettings(stepsPerLevel: 2, stepSize: 0.1, dataScale: 0.5))),
    ]

    /// With 2·10⁵ particles the sample variance has standard error `v·√(2/n)` ≈ 0.32 %;
    /// 5 standard errors is the tolerance. The coarse path (8 linear steps) makes each
    /// scheme's law differ from σ₀² = 0.25 by far more than that, so the test pins the
    /// discrete law, not just the target.
    @Test("on Gaussian data each stochastic scheme's samples follow its exact discrete law", arguments: stochasticMethods.indices)
    func discreteLawOnGaussianData(index: Int) throws {
        let method = Self.stochasticMethods[index]
        let path = try DiffusionPath(tMax: 3, schedule: .linear, steps: 8)
        let n = 200_000
        let solution = try ParticleSampler.run(
            SamplingProblem(score: ExactScore(Self.gaussianData), path: path, particles: n, seed: 42), method: method)
        let (mean, variance) = moments(solution.samples)
        let expected = Self.recursion(method, path)
        let se = expected * (2.0 / Double(n)).squareRoot()
        #expect(abs(variance - expected) < 5 * se, "\(method.name): variance \(variance), recursion \(expected)")
        #expect(abs(mean) < 5 * (expected / Double(n)).squareRoot(), "\(method.name): mean \(mean)")
        #expect(abs(expected - Self.sigma0Squared) > 10 * se, "\(method.name): the coarse path should be visibly biased")
        #expect(solution.statistics.scoreEvaluations == n * path.steps * method.evaluationsPerStep)
    }

    /// The recursion gives each scheme's weak error without sampling noise: as steps double,
    /// the error in the final variance falls by 2 (Euler–Maruyama, exponential) or 4
    /// (stochastic Heun). Ratios are checked to ±15 % at step counts in the asymptotic range.
    @Test("weak order of the reverse-SDE schemes from their exact discrete laws")
    func weakOrder() throws {
        for (scheme, ratio) in [(ReverseSDEScheme.eulerMaruyama, 2.0), (.exponential, 2.0), (.heun, 4.0)] {
            var errors: [Double] = []
            for steps in [200, 400, 800] {
                let path = try DiffusionPath(tMax: 8, schedule: .linear, steps: steps)
                // Start from the exact p_{t_max} variance so only the time discretisation remains.
                var v = Self.variance(8)
                for k in 0..<steps {
                    let t0 = path.times[k]
                    let t1 = path.times[k + 1]
                    let h = t0 - t1
                    let k0 = 1 - 2 / Self.variance(t0)
                    let k1 = 1 - 2 / Self.variance(t1)
                    switch scheme {
                    case .eulerMaruyama: v = (1 + h * k0) * (1 + h * k0) * v + 2 * h
                    case .exponential:
                        let a = exp(h) - 2 * expm1(h) / Self.variance(t0)
                        v = a * a * v + expm1(2 * h)
                    case .heun:
                        let a = (1 + 0.5 * h * k1) * (1 + h * k0) - 0.5 * h * k0
                        let c = 1 + 0.5 * h * k1
                        v = a * a * v + c * c * 2 * h
                    }
                }
                errors.append(abs(v - Self.sigma0Squared))
            }
            for i in 1..<errors.count {
                let observed = errors[i - 1] / errors[i]
                #expect(abs(observed / ratio - 1) < 0.15, "\(scheme): error ratio \(observed), expected \(ratio)")
            }
        }
    }

    /// Probability flow on Gaussian data: the exact flow maps x(t_max) to x·σ₀/σ_{t_max}.
    /// The RK schemes are deterministic, so their global errors show their orders exactly:
    /// ratios 2, 4, 16 per doubling, checked to ±20 %.
    @Test("probability-flow orders 1, 2, 4 against the exact Gaussian flow map")
    func probabilityFlowOrderGaussian() throws {
        let start: [Double] = stride(from: -3.0, through: 3.0, by: 0.5).map { $0 }
        let tMax = 4.0
        let scale = Self.sigma0Squared.squareRoot() / Self.variance(tMax).squareRoot()
        for scheme in ProbabilityFlowScheme.allCases {
            var errors: [Double] = []
            for steps in [40, 80, 160] {
                let path = try DiffusionPath(tMax: tMax, schedule: .linear, steps: steps)
                let solution = try ParticleSampler.run(
                    SamplingProblem(
                        score: ExactScore(Self.gaussianData), path: path, particles: start.count, seed: 1, initialParticles: start
                    ),
                    method: .probabilityFlow(scheme))
                errors.append(zip(solution.samples, start).map { abs($0 - $1 * scale) }.max() ?? 0)
            }
            let ratio = pow(2.0, Double(scheme.order))
            for i in 1..<errors.count {
                #expect(abs(errors[i - 1] / errors[i] / ratio - 1) < 0.2, "\(scheme): errors \(errors)")
            }
        }
    }

    /// On the tri-mix the exact probability-flow map from p_{t_max} is the monotone transport
    /// `F₀⁻¹∘F_{t_max}` (1-D flows preserve order), computed from the mixtures' CDFs by
    /// bisection to 1e-14. RK4 must converge to it at order 4 (ratio 16 ± 25 % per doubling,
    /// the tolerance allowing for the pre-asymptotic stiffness of the σ = 0.3 component).
    @Test("RK4 probability flow converges at order 4 to the exact transport map of the tri-mix")
    func probabilityFlowTransportMap() throws {
        let tMax = 5.0
        let pT = try triMixture.pushedForward(time: tMax, process: .ou)
        let start = stride(from: 0.02, through: 0.98, by: 0.06).map { mixtureQuantile(pT, $0) }
        let exact = start.map { mixtureQuantile(triMixture, mixtureCDF(pT, $0)) }
        var errors: [Double] = []
        for steps in [40, 80, 160] {
            let path = try DiffusionPath(tMax: tMax, schedule: .cosine, steps: steps)
            let solution = try ParticleSampler.run(
                SamplingProblem(
                    score: ExactScore(triMixture), path: path, particles: start.count, seed: 1, initialParticles: start),
                method: .probabilityFlow(.rk4))
            errors.append(zip(solution.samples, exact).map { abs($0 - $1) }.max() ?? 0)
        }
        #expect(errors[2] < 1e-5, "errors \(errors)")
        for i in 1..<errors.count {
            #expect(abs(errors[i - 1] / errors[i] / 16 - 1) < 0.25, "errors \(errors)")
        }
    }

    @Test("the same seed gives the same samples, bit for bit; another seed does not")
    func reproducible() throws {
        let path = try DiffusionPath(tMax: 3, schedule: .cosine, steps: 30)
        for method in Self.stochasticMethods + [.probabilityFlow(.heun)] {
            let problem = SamplingProblem(score: ExactScore(twoMoons), path: path, particles: 5000, seed: 2026)
            let a = try ParticleSampler.run(problem, method: method)
            let b = try ParticleSampler.run(problem, method: method)
            let same = a.samples == b.samples
            #expect(same, "\(method.name)")
            var other = problem
            other.seed = 2027
            let differs = try ParticleSampler.run(other, method: method).samples != a.samples
            #expect(differs, "\(method.name)")
        }
    }

    /// Randomness is tied to fixed blocks of 1024 particles, not to threads: the first block's
    /// particles are the same whether the run has 1500 or 5000 particles (different task
    /// counts and schedules on the cores). (Later blocks differ: a block's stream serves the
    /// particles it holds, and the last block of the small run is shorter.)
    @Test("samples do not depend on how the work is split")
    func independentOfSplit() throws {
        let path = try DiffusionPath(tMax: 3, schedule: .linear, steps: 20)
        let method = SamplerMethod.reverseSDE(.heun)
        let small = try ParticleSampler.run(
            SamplingProblem(score: ExactScore(doubleWell), path: path, particles: 1500, seed: 9), method: method)
        let large = try ParticleSampler.run(
            SamplingProblem(score: ExactScore(doubleWell), path: path, particles: 5000, seed: 9), method: method)
        let same =
            Array(small.samples.prefix(ParticleSampler.blockSize)) == Array(large.samples.prefix(ParticleSampler.blockSize))
        #expect(same)
    }

    /// Prior draws: OU N(0, 1) and VE N(0, 2t_max). With 10⁵ draws the standard errors of
    /// mean and variance are √(v/n) and v√(2/n); 5 of them is the tolerance.
    @Test("the initial law is the process's prior")
    func prior() throws {
        let n = 100_000
        for (process, tMax) in [(ForwardProcess.ou, 3.0), (.ve, 8.0)] {
            let path = try DiffusionPath(process: process, tMax: tMax, schedule: .linear, steps: 1)
            // A zero-length Langevin run leaves the prior untouched: one level with a tiny step.
            let zero = ScoreFamily(dimension: 1, name: "zero") { _ in try GaussianMixture.gaussian(mean: [0], covariance: [1e12])
            }
            let solution = try ParticleSampler.run(
                SamplingProblem(score: zero, path: path, particles: n, seed: 5),
                method: .annealedLangevin(LangevinSettings(stepsPerLevel: 1, stepSize: 1e-12, dataScale: 1e-6)))
            let (mean, variance) = moments(solution.samples)
            let v = path.priorVariance
            #expect(abs(mean) < 5 * (v / Double(n)).squareRoot())
            #expect(abs(variance - v) < 5 * v * (2 / Double(n)).squareRoot(), "\(process): variance \(variance) vs \(v)")
        }
    }

    /// VE reverse SDE from the exact p_{t_max} (its prior N(0, 2t_max) would need a far larger
    /// t_max to match the data spread): the samples reach the histogram floor at n = 2·10⁴.
    @Test("the VE process samples the double well")
    func varianceExploding() throws {
        let n = 20_000
        let tMax = 12.0
        let pT = try doubleWell.pushedForward(time: tMax, process: .ve)
        let start = pT.sample(count: n, stream: try RandomStream(seed: 77))
        let path = try DiffusionPath(process: .ve, tMax: tMax, schedule: .cosine, steps: 300)
        let solution = try ParticleSampler.run(
            SamplingProblem(
                score: ExactScore(doubleWell, process: .ve), path: path, particles: n, seed: 78, initialParticles: start),
            method: .reverseSDE(.heun))
        expectAtFloor(try compareToReference(solution.samples, doubleWell, box: line), "VE reverse SDE")
    }

    @Test("bad settings are refused with one clear error before any work")
    func inputErrors() throws {
        let score = ExactScore(doubleWell)
        #expect(throws: InputError.self) { try DiffusionPath(tMax: 3, steps: 0) }
        #expect(throws: InputError.self) { try DiffusionPath(tMax: 0, steps: 10) }
        #expect(throws: InputError.self) { try DiffusionPath(tMax: .infinity, steps: 10) }
        #expect(throws: InputError.self) { try DiffusionPath(tMax: 500, steps: 10) }
        let reverse = try Schedule.piecewiseLinear(r: [0, 0.5, 1], u: [0, 0.8, 0.6])
        #expect(throws: InputError.self) { try DiffusionPath(tMax: 3, schedule: reverse, steps: 10) }
        let coarse = try DiffusionPath(tMax: 6, steps: 3)
        do {
            _ = try ParticleSampler.run(
                SamplingProblem(score: score, path: coarse, particles: 10, seed: 1), method: .reverseSDE(.eulerMaruyama))
            Issue.record("a step of 2 in diffusion time must be refused")
        } catch let error as InputError {
            #expect(error.description.contains("longer than the OU relaxation time"))
        }
        let path = try DiffusionPath(tMax: 3, steps: 30)
        for bad in [
            LangevinSettings(stepsPerLevel: 0), LangevinSettings(stepSize: 0), LangevinSettings(stepSize: 5),
            LangevinSettings(stepSize: .nan), LangevinSettings(dataScale: -1),
        ] {
            #expect(throws: InputError.self) {
                try ParticleSampler.run(
                    SamplingProblem(score: score, path: path, particles: 10, seed: 1), method: .annealedLangevin(bad))
            }
        }
        #expect(throws: InputError.self) {
            try ParticleSampler.run(SamplingProblem(score: score, path: path, particles: 0, seed: 1), method: .reverseSDE(.heun))
        }
        #expect(throws: InputError.self) {
            try ParticleSampler.run(
                SamplingProblem(score: score, path: path, particles: 2, seed: 1, initialParticles: [0, .nan]),
                method: .reverseSDE(.heun))
        }
        #expect(throws: InputError.self) {
            try ParticleSampler.run(
                SamplingProblem(score: score, path: path, particles: 2, seed: 1, initialParticles: [0]),
                method: .reverseSDE(.heun))
        }
    }

    @Test("a non-finite score and diverging particles stop the run with a clear failure")
    func numericalFailures() throws {
        let path = try DiffusionPath(tMax: 3, steps: 30)
        do {
            _ = try ParticleSampler.run(
                SamplingProblem(score: TimeIndependentScore(BrokenLandscape()), path: path, particles: 4000, seed: 1),
                method: .reverseSDE(.eulerMaruyama))
            Issue.record("a NaN score must fail the run")
        } catch let failure as DiffusionFailure {
            #expect(failure.message.contains("score is not finite"))
            #expect(failure.partialResult.count == 4000)
        }
        let oneStep = try DiffusionPath(tMax: 1, steps: 1)
        do {
            _ = try ParticleSampler.run(
                SamplingProblem(score: TimeIndependentScore(HugeScoreLandscape()), path: oneStep, particles: 10, seed: 1),
                method: .reverseSDE(.eulerMaruyama))
            Issue.record("an overflowing step must fail the run")
        } catch let failure as DiffusionFailure {
            #expect(failure.message.contains("diverged"))
            #expect(failure.hint.contains("step"))
        }
    }
}
