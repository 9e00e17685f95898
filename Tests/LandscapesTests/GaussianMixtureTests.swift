import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Testing

/// Central differences with step h have error h²/6·f''' ; with h = 1e-4 and O(1–100)
/// third derivatives on these landscapes that is ≤ 2e-7, well above round-off
/// (ε·|f|/h ≈ 1e-11).
let fdStep = 1e-4
let fdTolerance = 2e-6

func gradientFD(_ f: ([Double]) -> Double, _ x: [Double]) -> [Double] {
    (0..<x.count).map { a in
        var xp = x
        var xm = x
        xp[a] += fdStep
        xm[a] -= fdStep
        return (f(xp) - f(xm)) / (2 * fdStep)
    }
}

let mixtures: [(String, GaussianMixture)] = {
    // safe in tests: these constructions are valid by inspection and a failure shows as a crash in the test only
    var list: [(String, GaussianMixture)] = []
    list.append(("coupled oscillator", try! .gaussian(mean: [0, 0], covariance: [1, 0.8, 0.8, 1])))
    list.append(("double well", try! GaussianMixture(weights: [0.5, 0.5], means: [[-2], [2]], standardDeviations: [0.5, 0.5])))
    list.append(
        (
            "tri-mix",
            try! GaussianMixture(weights: [0.2, 0.5, 0.3], means: [[-3], [0.5], [2.5]], standardDeviations: [0.4, 0.7, 0.3])
        ))
    list.append(("two moons", try! .twoMoons(componentsPerArc: 8, standardDeviation: 0.2)))
    list.append(
        (
            "3-D pair",
            try! GaussianMixture(components: [
                .init(weight: 1, mean: [0, 0, 0], covariance: [1, 0.3, 0, 0.3, 1, 0.2, 0, 0.2, 0.5]),
                .init(weight: 2, mean: [1, -1, 0.5], covariance: [0.6, 0, 0, 0, 0.6, 0, 0, 0, 0.6]),
            ])
        ))
    return list
}()

let probePoints: [[Double]] = [[0.3], [-1.7], [2.2], [0.1, -0.4], [1.2, 0.5], [-0.7, 0.9], [0.2, -0.3, 0.4], [1, 0.5, -0.5]]

@Suite("Gaussian mixtures: exact score, divergence and Score-Hamiltonian potential")
struct GaussianMixtureTests {
    @Test("score = ∇log p and divergence = ∇·s, against finite differences", arguments: mixtures.indices)
    func scoreAndDivergence(index: Int) {
        let (name, p) = mixtures[index]
        for x in probePoints where x.count == p.dimension {
            let s = p.score(x)
            let fd = gradientFD({ p.logDensity($0) }, x)
            for a in 0..<x.count { #expect(abs(s[a] - fd[a]) < fdTolerance, "\(name) ∂\(a)log p at \(x)") }
            var div = 0.0
            for a in 0..<x.count { div += gradientFD({ p.score($0)[a] }, x)[a] }
            #expect(abs(p.divergence(x) - div) < fdTolerance * 10, "\(name) ∇·s at \(x)")
        }
    }

    /// `V = ¼|s|² + ½∇·s` must equal `∇²√p / √p` (then `(−∇² + V)√p = 0`). The method card's
    /// `¼|s|² − ½∇·s` differs by `∇·s`, which is far from 0 at these points, so the test
    /// pins the sign.
    @Test("V = ∇²√p/√p pointwise (pins the + sign of ½∇·s)", arguments: mixtures.indices)
    func potentialSign(index: Int) {
        let (name, p) = mixtures[index]
        let h = 1e-3
        for x in probePoints where x.count == p.dimension {
            let psi = { (y: [Double]) in exp(0.5 * p.logDensity(y)) }
            var lap = 0.0
            for a in 0..<x.count {
                var xp = x
                var xm = x
                xp[a] += h
                xm[a] -= h
                lap += (psi(xp) - 2 * psi(x) + psi(xm)) / (h * h)
            }
            let ratio = lap / psi(x)
            let v = p.potential(x)
            #expect(abs(v - ratio) < 1e-4 * max(1, abs(v)), "\(name) at \(x): V = \(v), ∇²√p/√p = \(ratio)")
            let cardSign = v - p.divergence(x)
            #expect(abs(p.divergence(x)) < 1e-3 || abs(cardSign - ratio) > 1e-3)
        }
    }

    @Test("OU and VE marginals of a Gaussian are Gaussian with the exact covariance")
    func marginals() throws {
        let p = try GaussianMixture.gaussian(mean: [1, -1], covariance: [1, 0.8, 0.8, 1])
        for t in [0.0, 0.3, 1.5] {
            let ou = try p.pushedForward(time: t, process: .ou)
            let a = exp(-t)
            let v = 1 - exp(-2 * t)
            #expect(abs(ou.mean[0] - a) < 1e-15 && abs(ou.mean[1] + a) < 1e-15)
            let expected = [a * a + v, 0.8 * a * a, 0.8 * a * a, a * a + v]
            for i in 0..<4 { #expect(abs(ou.covariance[i] - expected[i]) < 1e-14) }
            let ve = try p.pushedForward(time: t, process: .ve)
            #expect(abs(ve.covariance[0] - (1 + 2 * t)) < 1e-14)
        }
        // At large t the OU marginal tends to N(0, I).
        let far = try p.pushedForward(time: 20, process: .ou)
        #expect(abs(far.covariance[0] - 1) < 1e-12 && abs(far.covariance[1]) < 1e-12)
        #expect(throws: InputError.self) { _ = try p.marginal(time: -1, process: .ou) }
        #expect(throws: InputError.self) { _ = try p.marginal(time: .nan, process: .ou) }
    }

    @Test("invalid mixtures are rejected with the field named")
    func invalid() {
        #expect(throws: InputError.self) { _ = try GaussianMixture.gaussian(mean: [0, 0], covariance: [1, 2, 2, 1]) }
        #expect(throws: InputError.self) { _ = try GaussianMixture.gaussian(mean: [0, 0], covariance: [1, 0.5, 0.4, 1]) }
        #expect(throws: InputError.self) {
            _ = try GaussianMixture(weights: [1, -1], means: [[0], [1]], standardDeviations: [1, 1])
        }
        #expect(throws: InputError.self) { _ = try GaussianMixture(weights: [1], means: [[.nan]], standardDeviations: [1]) }
        #expect(throws: InputError.self) {
            _ = try GaussianMixture(weights: [1], means: [[0, 0, 0, 0]], standardDeviations: [1])
        }
        do {
            _ = try GaussianMixture(weights: [1], means: [[0]], standardDeviations: [0])
            Issue.record("zero stddev accepted")
        } catch let error as InputError {
            #expect(error.location == "landscape.stddevs[0]")
        } catch { Issue.record("\(error)") }
    }

    @Test("exact samples have the mixture's mean and covariance (5 standard errors)")
    func sampling() throws {
        let p = try GaussianMixture.gaussian(mean: [0.5, -0.5], covariance: [1, 0.8, 0.8, 1])
        let n = 200_000
        let xs = p.sample(count: n, stream: try RandomStream(seed: 3))
        var m = [0.0, 0.0]
        var c01 = 0.0
        for i in 0..<n {
            m[0] += xs[2 * i]
            m[1] += xs[2 * i + 1]
        }
        m = m.map { $0 / Double(n) }
        for i in 0..<n { c01 += (xs[2 * i] - m[0]) * (xs[2 * i + 1] - m[1]) }
        c01 /= Double(n - 1)
        #expect(abs(m[0] - 0.5) < 5 / Double(n).squareRoot())
        // Var of the sample covariance of a bivariate normal: (1 + ρ²)/n.
        #expect(abs(c01 - 0.8) < 5 * (1.64 / Double(n)).squareRoot())
    }
}

@Suite("Gaussian mixtures: the batch kernel")
struct GaussianMixtureBatchTests {
    /// The shared mixtures plus 2 × 150 components, for which the kernel's chunk shrinks
    /// below 64 points (4096 / K = 13).
    // safe in tests: valid by inspection
    static let cases: [(String, GaussianMixture)] =
        mixtures + [("two moons, 300 components", try! .twoMoons(componentsPerArc: 150, standardDeviation: 0.05))]

    /// The batch kernel (unrolled for d = 1, 2; libmvec's `exp`, ≤ 4 ulp; weights below
    /// e^{−700} of the largest clamped there) must agree with the pointwise score; both are
    /// exact log-sum-exp forms, so they differ only by rounding (a few ulp per weight). 5000
    /// points leave a partial chunk at the end of every parallel block.
    @Test("scoreBatch equals the pointwise score in 1, 2 and 3 dimensions", arguments: cases.indices)
    func batchMatchesPointwise(index: Int) throws {
        let (name, p) = Self.cases[index]
        let d = p.dimension
        let stream = try RandomStream(seed: 11)
        let count = 5000  // several parallel chunks
        let points = (0..<(count * d)).map { _ in 3 * stream.gaussian() }
        var batch = [Double](repeating: .nan, count: count * d)
        points.withUnsafeBufferPointer { x in
            batch.withUnsafeMutableBufferPointer { p.scoreBatch(points: x, count: count, into: $0) }
        }
        var worst = 0.0
        for i in 0..<count {
            let s = p.score(Array(points[(i * d)..<((i + 1) * d)]))
            for a in 0..<d { worst = max(worst, abs(batch[i * d + a] - s[a]) / max(1, abs(s[a]))) }
        }
        #expect(worst < 1e-12, "\(name): largest relative difference \(worst)")
    }

    /// A NaN coordinate gives a NaN score for that point only (the samplers report it as a
    /// non-finite score); its neighbours in the same chunk are unaffected.
    @Test("a NaN point gives a NaN score and leaves its chunk's other points exact", arguments: cases.indices)
    func nanPoint(index: Int) {
        let (name, p) = Self.cases[index]
        let d = p.dimension
        let count = 7
        var points = (0..<(count * d)).map { 0.1 * Double($0) - 0.3 }
        points[3 * d] = .nan
        var batch = [Double](repeating: 0, count: count * d)
        points.withUnsafeBufferPointer { x in
            batch.withUnsafeMutableBufferPointer { p.scoreBatch(points: x, count: count, into: $0) }
        }
        for i in 0..<count {
            let s = p.score(Array(points[(i * d)..<((i + 1) * d)]))
            for a in 0..<d {
                if i == 3 {
                    #expect(batch[i * d + a].isNaN, "\(name)")
                } else {
                    #expect(abs(batch[i * d + a] - s[a]) <= 1e-12 * max(1, abs(s[a])), "\(name), point \(i)")
                }
            }
        }
    }
}
