import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

@Suite("Score models and score-error injection")
struct ScoreModelTests {
    static let mixtures: [(String, GaussianMixture)] = [
        ("double well", doubleWell), ("tri-mix", triMixture), ("two-moons", twoMoons), ("coupled oscillator", coupledOscillator),
        (
            "3-D pair",
            try! GaussianMixture(components: [
                .init(weight: 1, mean: [0, 0, 0], covariance: [1, 0.3, 0, 0.3, 1, 0.2, 0, 0.2, 0.5]),
                .init(weight: 2, mean: [1, -1, 0.5], covariance: [0.6, 0, 0, 0, 0.6, 0, 0, 0, 0.6]),
            ])
        ),
    ]

    /// The fast mixture kernel and `Landscape.score` evaluate the same formula in a different
    /// order; both are accurate to a few ulps of the largest term, so 1e-11 relative (to
    /// max(|s|, 1)) is round-off with margin. Skipped components contribute < e^{−40}.
    @Test("the fast mixture kernel equals Landscape.score, at t = 0 and along the OU path", arguments: mixtures.indices)
    func kernelMatchesLandscape(index: Int) throws {
        let (name, p) = Self.mixtures[index]
        let stream = try RandomStream(seed: 11)
        for t in [0.0, 0.03, 0.7, 4.0] {
            let field = try ExactScore(p).field(at: t)
            #expect(field is GaussianMixtureScoreField)
            let pt = try p.pushedForward(time: t, process: .ou)
            for _ in 0..<200 {
                let x = (0..<p.dimension).map { _ in 4 * stream.gaussian() }
                let fast = field.score(x)
                let slow = pt.score(x)
                for a in 0..<p.dimension {
                    #expect(abs(fast[a] - slow[a]) <= 1e-11 * max(abs(slow[a]), 1), "\(name) t=\(t) x=\(x)")
                }
            }
        }
    }

    @Test("batch evaluation on all cores equals point-by-point evaluation")
    func parallelBatch() throws {
        let field = try ExactScore(twoMoons).field(at: 0.2)
        let n = 5000
        let x = twoMoons.sample(count: n, stream: try RandomStream(seed: 3))
        var batch = [Double](repeating: 0, count: 2 * n)
        x.withUnsafeBufferPointer { xp in
            batch.withUnsafeMutableBufferPointer { bp in
                field.evaluateInParallel(points: xp.baseAddress!, count: n, into: bp.baseAddress!, blockSize: 333)
            }
        }
        for i in stride(from: 0, to: n, by: 97) {
            let s = field.score([x[2 * i], x[2 * i + 1]])
            #expect(s[0] == batch[2 * i] && s[1] == batch[2 * i + 1])
        }
    }

    @Test("a generic landscape goes through LandscapeScoreField; bad times and dimensions are refused")
    func genericAndErrors() throws {
        let fixed = TimeIndependentScore(doubleWell)
        let a = try fixed.field(at: 0).score([0.7])
        let b = try fixed.field(at: 3).score([0.7])
        #expect(a == b && a == doubleWell.score([0.7]))
        #expect(throws: InputError.self) { try ExactScore(doubleWell).field(at: -1) }
        #expect(throws: InputError.self) { try ExactScore(doubleWell).field(at: .nan) }
        let family = ScoreFamily(dimension: 2, name: "wrong") { _ in doubleWell }
        #expect(throws: InputError.self) { try family.field(at: 0) }
        let generic = LandscapeScoreField(triMixture)
        #expect(generic.score([1.1]) == triMixture.score([1.1]))
    }

    /// The 2-D standard field must not be a gradient (else the perturbed stationary law
    /// would be `∝ exp∫(s + εδ)` and the 2-D stationary solver would not be exercised).
    /// Central differences with h = 1e-5 have error ~1e-10 here; the curl is O(1).
    @Test("the standard 2-D perturbation has non-zero curl and is bounded")
    func perturbationIsNotAGradient() throws {
        let delta = try ScorePerturbation.standard(dimension: 2)
        let h = 1e-5
        var maxCurl = 0.0
        for x in stride(from: -2.0, through: 2.0, by: 0.5) {
            for y in stride(from: -2.0, through: 2.0, by: 0.5) {
                let d2x = (delta.value([x + h, y])[1] - delta.value([x - h, y])[1]) / (2 * h)
                let d1y = (delta.value([x, y + h])[0] - delta.value([x, y - h])[0]) / (2 * h)
                maxCurl = max(maxCurl, abs(d2x - d1y))
                let v = delta.value([x, y])
                #expect(abs(v[0]) <= 1.5 && abs(v[1]) <= 1.5)
            }
        }
        #expect(maxCurl > 0.5)
        #expect(throws: InputError.self) { try ScorePerturbation.standard(dimension: 4) }
        #expect(throws: InputError.self) { try ScorePerturbation.standard(dimension: 1, lengthScale: 0) }
    }

    /// The RMS table is exact at its nodes and spline-interpolated between them; the
    /// interpolation error of a smooth function on 97 nodes in √t is far below 1e-5.
    @Test("RMS normalisation: ‖δ‖ under p_t from the table matches direct quadrature")
    func rmsTable() throws {
        let delta = try ScorePerturbation.standard(dimension: 1)
        let table = try RMSNormalisation.quadrature(of: delta, landscape: triMixture, process: .ou, grid: line, tMax: 5)
        for t in [0.0, 0.0123, 0.31, 1.7, 4.9, 5.0] {
            let direct = try delta.rms(under: try GridLaw.tabulate(try triMixture.marginal(time: t, process: .ou), on: line))
            #expect(abs(table.rms(at: t) / direct - 1) < 1e-5, "t = \(t)")
        }
        // The perturbed field is s + ε·δ/rms exactly.
        let model = try PerturbedScore(base: ExactScore(triMixture), perturbation: delta, epsilon: 0.3, normalisation: table)
        let t = 0.4
        let x = [0.9]
        let expected = try ExactScore(triMixture).field(at: t).score(x)[0] + 0.3 * delta.value(x)[0] / table.rms(at: t)
        #expect(abs(try model.field(at: t).score(x)[0] - expected) < 1e-14)
        #expect(throws: InputError.self) {
            try PerturbedScore(base: ExactScore(twoMoons), perturbation: delta, epsilon: 0.1, normalisation: table)
        }
        #expect(throws: InputError.self) { try RMSNormalisation.constant(0) }
    }

    /// Under p₀ the perturbation has RMS 1 after normalisation, so ε is the RMS score error.
    @Test("after normalisation the injected error has RMS ε under p_t")
    func injectedErrorHasRMSEpsilon() throws {
        let delta = try ScorePerturbation.standard(dimension: 2)
        let grid = try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [121, 121])
        let law = try GridLaw.tabulate(coupledOscillator, on: grid)
        let rms = try delta.rms(under: law)
        let model = try PerturbedScore(
            base: ExactScore(coupledOscillator), perturbation: delta, epsilon: 0.25, normalisation: .constant(rms))
        let perturbed = try model.field(at: 0)
        let exact = try ExactScore(coupledOscillator).field(at: 0)
        var sum = 0.0
        var x = [0.0, 0.0]
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            let a = perturbed.score(x)
            let b = exact.score(x)
            sum += law.values[k] * ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]))
        }
        #expect(abs((sum * grid.cellVolume).squareRoot() - 0.25) < 1e-12)
    }
}

@Suite("Sampling runs: defaults")
struct SamplingRunTests {
    /// `ℓ² = d / max(−∇·s)` over the mass: a mixture's narrowest component width (the
    /// maximum sits at a component centre, where other components add < 1e-3 of curvature).
    @Test("the default Langevin data scale is the narrowest component width")
    func dataScale() throws {
        #expect(abs(try LangevinSettings.dataScale(of: doubleWell, on: line) - 0.5) < 1e-3)
        #expect(abs(try LangevinSettings.dataScale(of: triMixture, on: line) - 0.3) < 1e-2)
        let grid = try UniformGrid(lower: [-2, -1.5], upper: [3, 2], points: [201, 141])
        #expect(abs(try LangevinSettings.dataScale(of: twoMoons, on: grid) - 0.1) < 5e-3)
    }

    /// The Langevin time `Λ = levels·M·η` and the step size scale with `√n` and `1/√n`, so the
    /// cost `levels·M ∝ n` (docs/diffusion.md §8); given settings override the defaults.
    @Test("annealed Langevin's defaults scale with the sample count; given settings win")
    func langevinDefaults() {
        for (n, levels) in [(100_000, 100), (1_000_000, 100), (400_000, 37), (10_000_000, 1000)] {
            let d = LangevinSettings.defaults(levels: levels, samples: n, dataScale: 0.3)
            let root = (Double(n) / 1e5).squareRoot()
            #expect(abs(d.stepSize - min(0.1, 0.05 / root)) < 1e-15)
            let lambda = Double(levels * d.stepsPerLevel) * d.stepSize
            #expect(lambda >= 500 * root * (1 - 1e-12) && lambda < 500 * root + Double(levels) * d.stepSize + 1e-9)
            #expect(d.dataScale == 0.3)
        }
        let atFloor = LangevinSettings.defaults(levels: 100, samples: 100_000, dataScale: 1)
        #expect(atFloor.stepsPerLevel == 100 && atFloor.stepSize == 0.05)
        let given = LangevinSettings.defaults(levels: 10, samples: 100, dataScale: 1, stepSize: 0.02, stepsPerLevel: 7)
        #expect(given.stepsPerLevel == 7 && given.stepSize == 0.02)
        // Few samples: the budget's floor of 100 and the step's cap of 0.1 hold.
        let few = LangevinSettings.defaults(levels: 10, samples: 100, dataScale: 1)
        #expect(few.stepSize == 0.1 && few.stepsPerLevel == 100)
    }

    @Test("a sampling run picks each sampler's default method and reports its figures")
    func defaults() throws {
        let path = try DiffusionPath(tMax: 5, schedule: .cosine, steps: 60)
        let expected: [SamplerKind: String] = [
            .reverseSDE: "reverse-sde/heun", .probabilityFlow: "probability-flow/rk4",
            // 2000 samples, 60 levels: η = min(0.1, 0.05·√(1e5/2000)) = 0.1, Λ = max(100, 500·√0.02) = 100,
            // M = ⌈100/(60·0.1)⌉ = 17 (LangevinSettings.defaults)
            .annealedLangevin: "annealed-langevin/M=17,η=0.1",
            .predictorCorrector: "predictor-corrector/heun+1×langevin(η=0.05)",
        ]
        for (kind, name) in expected {
            let run = SamplingRun(landscape: doubleWell, grid: line, path: path, sampler: kind, particles: 2000, seed: 3)
            #expect(try run.resolvedMethod()?.name == name)
        }
        let fp = try SamplingRun(landscape: doubleWell, grid: line, path: path, sampler: .fokkerPlanck, particles: 0, seed: 3)
            .run()
        // Implicit Euler (the default) is first order: 60 steps leave TV of a few 1e-2.
        #expect(fp.report.tvStderr == 0 && fp.density != nil && fp.samples == nil && fp.report.tv < 0.05)
        let particles = try SamplingRun(
            landscape: doubleWell, grid: line, path: path, sampler: .reverseSDE, particles: 2000, seed: 3
        ).run()
        #expect(particles.samples?.count == 2000 && particles.report.wasserstein1 != nil && particles.report.tvStderr > 0)
        #expect(throws: InputError.self) {
            try SamplingRun(
                landscape: doubleWell, grid: line, path: path, sampler: .fokkerPlanck, particles: 0, seed: 3, scoreError: -1
            ).run()
        }
    }
}
