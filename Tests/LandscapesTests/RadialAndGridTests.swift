import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Testing

/// An isotropic Gaussian `N(0, s²I)` in ℝ³ written as a radial landscape: its Gaussian
/// convolution is known exactly (`N(0, (a²s² + v)I)`), which pins the radial quadrature.
struct RadialGaussian: RadialLandscape {
    let variance: Double
    func radialLogDensity(_ r: Double) -> Double { -r * r / (2 * variance) - 1.5 * log(2 * Double.pi * variance) }
    func radialScore(_ r: Double) -> Double { -r / variance }
    func radialDivergence(_ r: Double) -> Double { -3 / variance }
    var radialScale: Double { variance.squareRoot() * 1.6 }
    func radialMarginal(time t: Double, process: ForwardProcess) throws -> any RadialLandscape {
        try RadialGaussianConvolution(prior: self, scale: process.scale(at: t), variance: process.noiseVariance(at: t))
    }
}

/// `∫₀^R 4πr² p(r) dr` by the trapezoid rule on 20000 panels (error ~ R²/20000²·max|∂²| ≪ 1e-6).
func radialMass(_ p: any RadialLandscape, upTo rMax: Double) -> Double {
    let n = 20000
    let h = rMax / Double(n)
    var total = 0.0
    for i in 1...n {
        let r = Double(i) * h
        total += (i == n ? 0.5 : 1) * 4 * Double.pi * r * r * exp(p.radialLogDensity(r)) * h
    }
    return total
}

@Suite("Hydrogen orbital, radial convolution, grid-tabulated densities")
struct RadialAndGridTests {
    @Test("hydrogen 1s: normalised, score and divergence against finite differences, V = 1 − 2/r")
    func hydrogen() throws {
        let p = try HydrogenOrbital()
        #expect(abs(radialMass(p, upTo: 40) - 1) < 1e-6)
        for x in [[0.3, -0.2, 0.5], [1.5, 0.7, -2.0], [-3.0, 1.0, 0.2]] {
            let s = p.score(x)
            let fd = gradientFD({ p.logDensity($0) }, x)
            for a in 0..<3 { #expect(abs(s[a] - fd[a]) < fdTolerance) }
            var div = 0.0
            for a in 0..<3 { div += gradientFD({ p.score($0)[a] }, x)[a] }
            #expect(abs(p.divergence(x) - div) < 1e-5)
            let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
            #expect(abs(p.potential(x) - (1 - 2 / r)) < 1e-14)
        }
        let b2 = try HydrogenOrbital(bohrRadius: 2)
        #expect(abs(b2.radialPotential(3) - (0.25 - 1.0 / 3)) < 1e-14)
        #expect(throws: InputError.self) { _ = try HydrogenOrbital(bohrRadius: -1) }
    }

    /// r ~ Gamma(3, ½): E r = 3/2 (sd √3/2), E 1/r = 1 (sd 1); directions isotropic
    /// (E x_a = 0, sd r/√3 ≈ 1). With 10⁵ samples the standard errors are ≤ 0.0032; the
    /// bounds are 5 standard errors.
    @Test("hydrogen samples have the Gamma(3, ½) radius and isotropic directions")
    func hydrogenSamples() throws {
        let n = 100_000
        let x = try HydrogenOrbital().sample(count: n, stream: try RandomStream(seed: 11))
        var meanR = 0.0
        var meanInv = 0.0
        var meanX = [0.0, 0.0, 0.0]
        for i in 0..<n {
            let r = (x[3 * i] * x[3 * i] + x[3 * i + 1] * x[3 * i + 1] + x[3 * i + 2] * x[3 * i + 2]).squareRoot()
            meanR += r / Double(n)
            meanInv += 1 / r / Double(n)
            for a in 0..<3 { meanX[a] += x[3 * i + a] / Double(n) }
        }
        #expect(abs(meanR - 1.5) < 5 * 0.866 / Double(n).squareRoot())
        #expect(abs(meanInv - 1) < 5 / Double(n).squareRoot())
        for a in 0..<3 { #expect(abs(meanX[a]) < 5 * 1.0 / Double(n).squareRoot()) }
    }

    /// The quadrature against the exact convolution of a radial Gaussian (s² = 0.3) at
    /// three noise levels, including a kernel much narrower than the prior (v = 1e-3):
    /// log p_t, f_t and ∇·s_t to 1e-9 relative.
    @Test("radial Gaussian convolution is exact for a Gaussian prior", arguments: [0.0005, 0.05, 1.0])
    func radialConvolutionExact(t: Double) throws {
        let prior = RadialGaussian(variance: 0.3)
        let process = ForwardProcess.ou
        let marginal = try prior.radialMarginal(time: t, process: process) as! RadialGaussianConvolution  // safe: the type above
        let a = process.scale(at: t)
        let s2 = a * a * 0.3 + process.noiseVariance(at: t)
        for rho in [0.0, 1e-4, 0.2, 0.9, 2.5, 5.0] {
            let e = marginal.radialEvaluation(rho)
            let logExact = -rho * rho / (2 * s2) - 1.5 * log(2 * Double.pi * s2)
            #expect(abs(e.logDensity - logExact) < 1e-9 * max(1, abs(logExact)), "ρ = \(rho): log p")
            #expect(abs(e.score + rho / s2) < 1e-9 * max(1, rho / s2), "ρ = \(rho): f")
            #expect(abs(e.divergence + 3 / s2) < 1e-8 * 3 / s2, "ρ = \(rho): ∇·s")
        }
    }

    /// Hydrogen's marginals: normalised, f = ∂ρ log p_t and ∇·s = f' + 2f/ρ (finite
    /// differences, step 1e-4: error ~1e-8·|f'''|), f(0) = 0 for t > 0 (smooth at the
    /// origin), and at t = 6 the law is N(0, I) to within e^{−6}·(scale of the orbital).
    @Test("hydrogen marginals: normalised, consistent derivatives, approach N(0, I)")
    func hydrogenMarginal() throws {
        let p = try HydrogenOrbital()
        for t in [0.02, 0.3] {
            let m = try p.radialMarginal(time: t, process: .ou)
            #expect(abs(radialMass(m, upTo: 30) - 1) < 1e-6, "t = \(t) mass")
            for rho in [0.05, 0.7, 2.0, 6.0] {
                let step = 1e-4
                let fd = (m.radialLogDensity(rho + step) - m.radialLogDensity(rho - step)) / (2 * step)
                #expect(abs(m.radialScore(rho) - fd) < 1e-6 * max(1, abs(fd)), "t = \(t) ρ = \(rho): f")
                let fprime = (m.radialScore(rho + step) - m.radialScore(rho - step)) / (2 * step)
                let div = fprime + 2 * m.radialScore(rho) / rho
                #expect(abs(m.radialDivergence(rho) - div) < 1e-5 * max(1, abs(div)), "t = \(t) ρ = \(rho): ∇·s")
            }
            #expect(abs(m.radialScore(1e-7)) < 1e-5)
        }
        let late = try p.radialMarginal(time: 6, process: .ou)
        for rho in [0.5, 1.5, 3.0] {
            #expect(abs(late.radialScore(rho) + rho) < 0.02, "ρ = \(rho)")
        }
    }

    /// A tabulated double well: halving h must divide the nodal score and divergence errors
    /// by ≈ 16 (fourth order; > 12 required) and the interpolated score between nodes by
    /// ≈ 8 (third order; > 6 required). The grid density is normalised on the grid.
    @Test("grid density: nodal derivatives and interpolation converge")
    func gridDensity() throws {
        let exact = try GaussianMixture(weights: [0.5, 0.5], means: [[-2], [2]], standardDeviations: [0.5, 0.5])
        func errors(_ n: Int) throws -> (score: Double, div: Double, between: Double, h: Double) {
            let grid = try UniformGrid(lower: -6, upper: 6, points: n)
            let x = grid.axis(0)
            let g = try GridDensity(grid: grid, logDensity: x.map { exact.logDensity([$0]) })
            var es = 0.0
            var ed = 0.0
            var eb = 0.0
            for i in 2..<(n - 2) where abs(x[i]) < 4 {
                es = max(es, abs(g.nodalScore[i] - exact.score([x[i]])[0]))
                ed = max(ed, abs(g.nodalDivergence[i] - exact.divergence([x[i]])))
                let mid = x[i] + 0.37 * grid.spacing[0]
                eb = max(eb, abs(g.score([mid])[0] - exact.score([mid])[0]))
            }
            return (es, ed, eb, grid.spacing[0])
        }
        let coarse = try errors(241)
        let fine = try errors(481)
        #expect(coarse.score / fine.score > 12, "score order: ratio \(coarse.score / fine.score)")
        #expect(coarse.div / fine.div > 12, "divergence order: ratio \(coarse.div / fine.div)")
        #expect(coarse.between / fine.between > 6, "interpolation order: ratio \(coarse.between / fine.between)")
        let grid = try UniformGrid(lower: -6, upper: 6, points: 101)
        let g = try GridDensity(grid: grid, density: grid.axis(0).map { exp(-$0 * $0) * 7 })
        #expect(abs(g.density.reduce(0, +) * grid.spacing[0] - 1) < 1e-12)
        #expect(throws: InputError.self) { _ = try GridDensity(grid: grid, density: [Double](repeating: 0, count: 101)) }
        // Outside the grid the score pulls back.
        #expect(g.score([7.0])[0] < 0 && g.score([-7.0])[0] > 0)
    }

    /// Convolution on the grid against the exact mixture marginal, 1-D and 2-D, at a noise
    /// level narrower than the grid spacing (refinement path) and at wider ones. The grid
    /// density is zero beyond the walls, so nodes within reach of the walls legitimately
    /// differ from the unbounded mixture; the comparison covers the bulk, where the exact
    /// p_t ≥ 1e-6·max, on boxes wide enough that the walls' share there is < e^{−30}. The
    /// remaining error is the Catmull–Rom interpolation's (O(h³) when refining) and the
    /// sum's (spectrally small otherwise).
    @Test("grid convolution equals the exact mixture marginal", arguments: [1e-5, 0.05, 0.8])
    func convolution(t: Double) throws {
        let cases: [(GaussianMixture, UniformGrid)] = [
            (
                try GaussianMixture(weights: [0.3, 0.7], means: [[-1.5], [1]], standardDeviations: [0.4, 0.6]),
                try UniformGrid(lower: -9, upper: 9, points: 1801)
            ),
            (
                try .gaussian(mean: [0.2, -0.1], covariance: [1, 0.8, 0.8, 1]),
                try UniformGrid(lower: [-10, -10], upper: [10, 10], points: [201, 201])
            ),
        ]
        for (mixture, grid) in cases {
            var x = [Double](repeating: 0, count: grid.dimension)
            var values = [Double](repeating: 0, count: grid.count)
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                values[k] = mixture.logDensity(x)
            }
            let tabulated = try GridDensity(grid: grid, logDensity: values)
            let pushed = try tabulated.pushedForward(time: t, process: .ou)
            let exact = try mixture.pushedForward(time: t, process: .ou)
            let peak = pushed.logValues.max() ?? 0
            var worst = 0.0
            for k in 0..<grid.count where pushed.logValues[k] > peak + log(1e-6) {
                grid.point(k, into: &x)
                worst = max(worst, abs(pushed.logValues[k] - exact.logDensity(x)))
            }
            let tolerance = grid.dimension == 1 ? 1e-6 : 1e-5
            #expect(worst < tolerance, "\(grid) t = \(t): max |Δ log p| = \(worst)")
        }
    }

    @Test("Boltzmann density e^{−U/T} of U = x²/2 is N(0, T)")
    func boltzmann() throws {
        let grid = try UniformGrid(lower: -8, upper: 8, points: 801)
        let x = grid.axis(0)
        let b = try GridDensity.boltzmann(grid: grid, energy: x.map { $0 * $0 / 2 }, temperature: 2)
        for i in stride(from: 50, to: 750, by: 50) {
            #expect(abs(b.nodalScore[i] + x[i] / 2) < 1e-10)
            #expect(abs(b.nodalDivergence[i] + 0.5) < 1e-9)
        }
        #expect(throws: InputError.self) { _ = try GridDensity.boltzmann(grid: grid, energy: x, temperature: 0) }
    }

    /// Degree-2 score matching on N(μ, Σ) samples recovers s = −Σ⁻¹(x − μ): the precision
    /// entries have sampling error ~ √(2/n)·|P| (≈ 0.02 at n = 2·10⁴); the bound is 5×.
    @Test("polynomial score matching recovers a Gaussian's score")
    func polynomialScoreMatching() throws {
        let g = try GaussianMixture.gaussian(mean: [0.5, -1], covariance: [1, 0.8, 0.8, 1])
        let samples = g.sample(count: 20_000, stream: try RandomStream(seed: 5))
        let learned = try LearnedScore(samples: samples, dimension: 2, degree: 2)
        // Precision of Σ = [[1, .8], [.8, 1]]: [[2.78, −2.22], [−2.22, 2.78]], |P| ≈ 5.
        let tolerance = 5 * (2.0 / 20_000).squareRoot() * 5
        for x in [[0.5, -1.0], [1.0, 0.0], [-0.5, -1.5]] {
            let s = learned.score(x)
            let e = g.score(x)
            for a in 0..<2 { #expect(abs(s[a] - e[a]) < tolerance * (1 + abs(x[0]) + abs(x[1])), "\(x)") }
            #expect(abs(learned.divergence(x) - g.divergence(x)) < 2 * tolerance)
        }
        #expect(throws: InputError.self) { _ = try LearnedScore(samples: samples, dimension: 2, degree: 3) }
        #expect(throws: InputError.self) { _ = try LearnedScore(samples: Array(samples.prefix(20)), dimension: 2, degree: 4) }
    }

    /// Radial score matching on hydrogen samples: θ₀ → −2 (the exact f) with the other
    /// coefficients → 0; with 10⁵ samples f(r) is within 0.1 of −2 on the bulk r ∈ [0.3, 5].
    @Test("radial score matching on hydrogen samples recovers f = −2")
    func radialScoreMatching() throws {
        let samples = try HydrogenOrbital().sample(count: 100_000, stream: try RandomStream(seed: 21))
        let learned = try LearnedRadialScore(samples: samples, basisSize: 4)
        for r in [0.3, 1.0, 2.0, 5.0] { #expect(abs(learned.radialScore(r) + 2) < 0.1, "r = \(r): \(learned.radialScore(r))") }
        #expect(abs(radialMass(learned, upTo: 60) - 1) < 1e-6)
        let one = try LearnedRadialScore(samples: samples, basisSize: 1)
        // With one basis function the estimate is θ₀ = −2·mean(1/r)⁻¹… exactly −E[2/r]/E[1].
        var meanInv = 0.0
        for i in 0..<100_000 {
            meanInv +=
                1
                / (samples[3 * i] * samples[3 * i] + samples[3 * i + 1] * samples[3 * i + 1] + samples[3 * i + 2]
                * samples[3 * i + 2]).squareRoot()
        }
        meanInv /= 100_000
        #expect(abs(one.coefficients[0] + 2 * meanInv) < 1e-6)
    }
}
