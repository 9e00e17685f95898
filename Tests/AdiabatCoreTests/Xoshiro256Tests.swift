import AdiabatCore
import Foundation
import Testing

/// The generator behind the particle samplers' Gaussian draws and the spin samplers'
/// uniforms. Tolerances are 5 standard errors of each statistic at the sample size (the
/// seed is fixed, so a run is deterministic; a correct generator fails a 5σ check for a
/// random seed with probability below 10⁻⁵ per check).
@Suite("Xoshiro256 and its Gaussian ziggurat")
struct Xoshiro256Tests {
    static let draws = 2_000_000

    @Test("the ziggurat's layers close at the top: the constants R and V are consistent")
    func layersClose() {
        #expect(abs(GaussianZiggurat.closure) < 1e-9)
        let x = GaussianZiggurat.table
        for i in 0..<GaussianZiggurat.layers { #expect(x[i] > x[i + 1]) }
        // every layer has area V: x[i]·(f(x[i+1]) − f(x[i])) for i ≥ 1, x[0]·f(R) for the base
        let f = { (z: Double) in exp(-0.5 * z * z) }
        #expect(abs(x[0] * f(GaussianZiggurat.r) - GaussianZiggurat.v) < 1e-15)
        for i in 1..<(GaussianZiggurat.layers - 1) {
            #expect(abs(x[i] * (f(x[i + 1]) - f(x[i])) - GaussianZiggurat.v) < 1e-12 * GaussianZiggurat.v)
        }
    }

    @Test("Gaussian draws: mean, variance, fourth moment and the tail beyond R match N(0, 1)")
    func gaussianMoments() {
        var rng = Xoshiro256(splitMixSeed: 2026)
        let n = Double(Self.draws)
        var s1 = 0.0
        var s2 = 0.0
        var s4 = 0.0
        var tail = 0
        var positive = 0
        for _ in 0..<Self.draws {
            let z = rng.gaussian()
            s1 += z
            s2 += z * z
            s4 += z * z * z * z
            if abs(z) > GaussianZiggurat.r { tail += 1 }
            if z > 0 { positive += 1 }
        }
        #expect(abs(s1 / n) < 5 / n.squareRoot())
        #expect(abs(s2 / n - 1) < 5 * (2 / n).squareRoot())
        #expect(abs(s4 / n - 3) < 5 * (96 / n).squareRoot())
        let p = erfc(GaussianZiggurat.r / 2.0.squareRoot())  // P(|z| > R) ≈ 2.6e-4
        #expect(abs(Double(tail) / n - p) < 5 * (p / n).squareRoot())
        #expect(abs(Double(positive) / n - 0.5) < 5 * (0.25 / n).squareRoot())
    }

    @Test("Gaussian draws: the Kolmogorov–Smirnov distance to Φ is at the sampling level")
    func gaussianKolmogorovSmirnov() {
        var rng = Xoshiro256(splitMixSeed: 7)
        let m = 500_000
        var z = (0..<m).map { _ in rng.gaussian() }
        z.sort()
        var d = 0.0
        for (k, v) in z.enumerated() {
            let phi = 0.5 * erfc(-v / 2.0.squareRoot())
            d = max(d, abs(Double(k + 1) / Double(m) - phi), abs(phi - Double(k) / Double(m)))
        }
        // P(√m·D > 1.95) ≈ 0.001 for a correct generator
        #expect(d * Double(m).squareRoot() < 1.95, "KS statistic √m·D = \(d * Double(m).squareRoot())")
    }

    @Test("uniforms lie in [0, 1) and (0, 1], with mean ½ and variance 1/12")
    func uniforms() {
        var rng = Xoshiro256(splitMixSeed: 1)
        let n = Double(Self.draws)
        var s1 = 0.0
        var s2 = 0.0
        var inRange = true
        for _ in 0..<Self.draws {
            let u = rng.uniform()
            let w = rng.uniformPositive()
            inRange = inRange && u >= 0 && u < 1 && w > 0 && w <= 1
            s1 += u
            s2 += u * u
        }
        #expect(inRange)
        #expect(abs(s1 / n - 0.5) < 5 * (1 / (12 * n)).squareRoot())
        #expect(abs(s2 / n - 1.0 / 3) < 5 * (4.0 / 45 / n).squareRoot())
    }

    @Test("a seed fixes the stream; nearby seeds give unrelated streams")
    func reproducible() {
        var a = Xoshiro256(splitMixSeed: 42)
        var b = Xoshiro256(splitMixSeed: 42)
        var c = Xoshiro256(splitMixSeed: 43)
        let sa = (0..<100).map { _ in a.gaussian() }
        let sb = (0..<100).map { _ in b.gaussian() }
        let sc = (0..<100).map { _ in c.gaussian() }
        #expect(sa == sb)
        #expect(zip(sa, sc).filter { $0 == $1 }.isEmpty)
    }
}
