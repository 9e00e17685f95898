import AdiabatCore
import Foundation
import GSLKit

/// Score matching with a linear model: the exponential family `log p_θ = Σ_k θ_k ψ_k(x) − log Z`,
/// whose score `s_θ = Σ θ_k ∇ψ_k` is linear in `θ`.
///
/// Hyvärinen's objective `J(θ) = E_p[½|s_θ|² + ∇·s_θ]` equals `½E|s_θ − s|²` up to a
/// constant (integrate `s·s_θ` by parts), and needs only samples of `p`. For the linear model
/// it is the quadratic `½θᵀGθ + bᵀθ` with `G_kl = E[∇ψ_k·∇ψ_l]` and `b_k = E[∇²ψ_k]`, so the
/// fit is one symmetric positive-definite solve `(G + λD)θ = −b` (GSL Cholesky), with sample
/// averages for `E`.
///
/// Regularisation: `D` is the diagonal of `G` on the *penalised* coefficients (0 on the
/// others), so the ridge `λ Σ G_kk θ_k²` does not depend on the features' scales. `λ` is
/// chosen by 5-fold cross-validation of the held-out objective over `λ ∈ {0, 10⁻⁶, …, 10⁴}`
/// with the one-standard-error rule (the largest `λ` whose held-out objective is within one
/// standard error of the best): flexible terms are kept only where the data support them.
/// This matters when the quantity of interest depends on the score where samples are
/// scarce (hydrogen's excited states live where the 1s density is 1e-4 of its peak). A ridge
/// of 1e-10·tr(G)/K is always added for numerical safety.
public enum ScoreMatching {
    /// The result of a fit.
    public struct Fit: Sendable, Equatable {
        public var coefficients: [Double]
        /// The empirical objective at the optimum on all samples, `½θᵀGθ + bᵀθ`.
        public var objective: Double
        public var sampleCount: Int
        /// The ridge `λ` chosen by cross-validation (0 without penalised coefficients).
        public var ridge: Double
    }

    static let ridgeGrid: [Double] = [0] + (-6...4).map { pow(10, Double($0)) }
    static let folds = 5

    /// Fits `θ` from `count` samples. `features(x, gradients, laplacians)` writes `∇ψ_k(x)`
    /// (K × d, feature-major) and `∇²ψ_k(x)` (K) for one point. `penalised[k]` marks the
    /// coefficients the cross-validated ridge applies to (nil: none).
    static func fit(
        samples: [Double], dimension d: Int, featureCount K: Int, penalised: [Bool]? = nil,
        features:
            @Sendable (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) ->
            Void
    ) throws -> Fit {
        let count = samples.count / d
        guard count >= 10 * K else {
            throw InputError(
                "samples", "\(count) samples are too few for \(K) basis functions",
                hint: "give at least \(10 * K) samples, or use a smaller basis")
        }
        try Check.finite(samples, "samples")
        // Fixed chunks (≥ 40 of them): sums are reproducible whatever the thread count, and
        // chunk c belongs to fold c mod 5.
        let chunk = min(4096, max(16, count / 40))
        let chunks = (count + chunk - 1) / chunk
        let stride = K * K + K
        var partial = [Double](repeating: 0, count: chunks * stride)
        samples.withUnsafeBufferPointer { sBuffer in
            partial.withUnsafeMutableBufferPointer { pBuffer in
                let source = SharedReadPointer(sBuffer.baseAddress!)  // safe: count ≥ 10
                let sums = SharedPointer(pBuffer.baseAddress!)  // safe: chunks ≥ 1
                Parallel.forEachTask(chunks) { c in
                    var grad = [Double](repeating: 0, count: K * d)
                    var lap = [Double](repeating: 0, count: K)
                    let base = c * stride
                    for i in (c * chunk)..<min(count, (c + 1) * chunk) {
                        grad.withUnsafeMutableBufferPointer { g in
                            lap.withUnsafeMutableBufferPointer { l in
                                features(UnsafeBufferPointer(start: source.base + i * d, count: d), g, l)
                            }
                        }
                        for k in 0..<K {
                            for l in k..<K {
                                var dot = 0.0
                                for a in 0..<d { dot += grad[k * d + a] * grad[l * d + a] }
                                sums[base + k * K + l] += dot
                            }
                            sums[base + K * K + k] += lap[k]
                        }
                    }
                }
            }
        }
        // Per-fold sums and counts.
        var foldSums = [[Double]](repeating: [Double](repeating: 0, count: stride), count: folds)
        var foldCounts = [Int](repeating: 0, count: folds)
        for c in 0..<chunks {
            let f = c % folds
            for j in 0..<stride { foldSums[f][j] += partial[c * stride + j] }
            foldCounts[f] += min(count, (c + 1) * chunk) - c * chunk
        }
        func system(_ included: (Int) -> Bool) -> (gram: [Double], b: [Double]) {
            var total = [Double](repeating: 0, count: stride)
            var n = 0
            for f in 0..<folds where included(f) {
                for j in 0..<stride { total[j] += foldSums[f][j] }
                n += foldCounts[f]
            }
            var gram = [Double](repeating: 0, count: K * K)
            var b = [Double](repeating: 0, count: K)
            for k in 0..<K {
                for l in k..<K {
                    gram[k * K + l] = total[k * K + l] / Double(max(n, 1))
                    gram[l * K + k] = gram[k * K + l]
                }
                b[k] = total[K * K + k] / Double(max(n, 1))
            }
            return (gram, b)
        }
        func solve(_ gram: [Double], _ b: [Double], ridge: Double) throws -> [Double] {
            try Check.finite(gram, "score-matching Gram matrix")
            var a = gram
            var trace = 0.0
            for k in 0..<K { trace += gram[k * K + k] }
            for k in 0..<K {
                a[k * K + k] += 1e-10 * trace / Double(K)
                if penalised?[k] == true { a[k * K + k] += ridge * gram[k * K + k] }
            }
            do {
                return try LinearAlgebra.solveSymmetricPositiveDefinite(a, dimension: K, rhs: b.map { -$0 })
            } catch {
                throw InputError(
                    "samples", "the score-matching system is singular (the basis is degenerate on these samples)",
                    hint: "use fewer basis functions or more varied samples")
            }
        }
        func objective(_ theta: [Double], _ gram: [Double], _ b: [Double]) -> Double {
            var j = 0.0
            for k in 0..<K {
                var row = 0.0
                for l in 0..<K { row += gram[k * K + l] * theta[l] }
                j += 0.5 * theta[k] * row + b[k] * theta[k]
            }
            return j
        }
        var ridge = 0.0
        if let penalised, penalised.contains(true), chunks >= folds {
            var means: [Double] = []
            var errors: [Double] = []
            for lambda in ridgeGrid {
                var scores: [Double] = []
                for f in 0..<folds {
                    let train = system { $0 != f }
                    let test = system { $0 == f }
                    let theta = try solve(train.gram, train.b, ridge: lambda)
                    scores.append(objective(theta, test.gram, test.b))
                }
                let mean = scores.reduce(0, +) / Double(folds)
                let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(folds - 1)
                means.append(mean)
                errors.append((variance / Double(folds)).squareRoot())
            }
            var best = 0
            for i in means.indices where means[i] < means[best] { best = i }
            var chosen = best
            for i in means.indices where ridgeGrid[i] > ridgeGrid[chosen] && means[i] <= means[best] + errors[best] { chosen = i }
            ridge = ridgeGrid[chosen]
        }
        let all = system { _ in true }
        let theta = try solve(all.gram, all.b, ridge: ridge)
        return Fit(coefficients: theta, objective: objective(theta, all.gram, all.b), sampleCount: count, ridge: ridge)
    }
}

/// A radial score in ℝ³ learned from samples by score matching (the paper's hydrogen
/// experiment: samples of the 1s orbital → a score → its Score Hamiltonian's levels).
///
/// Basis, for `f(r) = ∂_r log p` (the score is `f(r) r̂`):
///
///     f(r) = θ₀ + Σ_{k=1}^{K−1} θ_k e^{−k r/ℓ},
///
/// i.e. the log-density features `ψ₀ = r`, `ψ_k = −(ℓ/k) e^{−kr/ℓ}`, with `ℓ` the sample
/// mean radius unless given. Why this basis: (1) it is smooth and bounded on `[0, ∞)`, so the
/// learned potential keeps the Coulomb-type `f(0)/r` term near the origin that the levels
/// depend on; (2) `f → θ₀` as `r → ∞`: beyond the last samples the learned potential tends
/// to `θ₀²/4 + θ₀/r` instead of dropping to 0, so the continuum threshold (and the Rydberg
/// series below it) survives extrapolation, which is where compactly supported bases (splines,
/// bumps) fail; (3) the exact hydrogen score `f = −2/a` lies in the span (θ₀ = −2/a), so the
/// error is statistical only, and shrinks like `1/√n`. The fit is normalised by radial
/// quadrature; a fit whose `θ₀ ≥ 0` is not normalisable and is refused.
public struct LearnedRadialScore: RadialLandscape {
    public let coefficients: [Double]
    public let lengthScale: Double
    public let fit: ScoreMatching.Fit
    /// The samples (point-major n × 3), kept for refits at other noise levels.
    public let samples: [Double]
    /// Seed of the noise drawn for ``radialMarginal(time:process:)`` refits.
    public let seed: UInt64
    /// Whether the decaying terms carry the cross-validated ridge (the default); without it
    /// every coefficient is fitted freely (plain score matching, `λ = 0`).
    public let regularised: Bool
    private let logNormaliser: Double

    /// Fits a basis of `basisSize` functions to `samples` (point-major, `n × 3`); with
    /// `regularised = false` the decaying terms are fitted without the ridge.
    public init(
        samples: [Double], basisSize K: Int = 4, lengthScale: Double? = nil, seed: UInt64 = 1, regularised: Bool = true
    ) throws {
        guard samples.count % 3 == 0, !samples.isEmpty else {
            throw InputError("samples", "need 3 coordinates per sample (got \(samples.count) numbers)")
        }
        guard (1...12).contains(K) else { throw InputError("landscape.basis_size", "must be 1…12 (got \(K))") }
        let count = samples.count / 3
        var meanRadius = 0.0
        for i in 0..<count {
            let x = samples[3 * i]
            let y = samples[3 * i + 1]
            let z = samples[3 * i + 2]
            meanRadius += (x * x + y * y + z * z).squareRoot()
        }
        meanRadius /= Double(max(count, 1))
        let ell = lengthScale ?? meanRadius
        try Check.positive(ell, "landscape.length_scale")
        let penalised = regularised ? (0..<K).map { $0 > 0 } : nil
        let fit = try ScoreMatching.fit(samples: samples, dimension: 3, featureCount: K, penalised: penalised) { x, grad, lap in
            let r = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
            let rr = max(r, 1e-300)
            for k in 0..<K {
                // ∇ψ_k = b_k(r) r̂ with b₀ = 1, b_k = e^{−kr/ℓ}; ∇²ψ_k = b_k' + 2b_k/r.
                let decay = Double(k) / ell
                let b = k == 0 ? 1 : exp(-decay * r)
                for a in 0..<3 { grad[k * 3 + a] = b * x[a] / rr }
                lap[k] = -decay * b + 2 * b / rr
            }
        }
        guard fit.coefficients[0] < 0 else {
            throw InputError(
                "samples",
                "the fitted radial score tends to \(fit.coefficients[0]) ≥ 0 at large r: the learned density is not normalisable",
                hint: "use more samples or a smaller basis_size")
        }
        self.coefficients = fit.coefficients
        self.lengthScale = ell
        self.fit = fit
        self.samples = samples
        self.seed = seed
        self.regularised = regularised
        self.logNormaliser = Self.logNormaliser(coefficients: fit.coefficients, lengthScale: ell)
    }

    /// `Σ θ_k ψ_k(r)`.
    private static func exponent(_ theta: [Double], _ ell: Double, _ r: Double) -> Double {
        var e = theta[0] * r
        for k in 1..<theta.count { e -= theta[k] * ell / Double(k) * exp(-Double(k) * r / ell) }
        return e
    }

    /// `log ∫ 4πr² e^{Σθψ} dr` by Gauss–Legendre panels of width ℓ/8 out to where the
    /// integrand has fallen e^{−60} below its peak (the tail decays like e^{θ₀r}).
    private static func logNormaliser(coefficients theta: [Double], lengthScale ell: Double) -> Double {
        let rule = GaussLegendre.eight
        let rEnd = 60 / -theta[0] + 40 * ell
        let width = ell / 8
        let panels = Int((rEnd / width).rounded(.up))
        var shift = -Double.infinity
        var sum = 0.0
        for p in 0..<panels {
            for q in 0..<rule.nodes.count {
                let r = width * (Double(p) + 0.5 * (rule.nodes[q] + 1))
                let l = exponent(theta, ell, r) + 2 * log(r)
                if l > shift {
                    sum *= exp(shift - l)
                    shift = l
                }
                sum += 0.5 * width * rule.weights[q] * exp(l - shift)
            }
        }
        return shift + log(sum) + log(4 * Double.pi)
    }

    public func radialLogDensity(_ r: Double) -> Double { Self.exponent(coefficients, lengthScale, r) - logNormaliser }

    public func radialScore(_ r: Double) -> Double {
        var f = coefficients[0]
        for k in 1..<coefficients.count { f += coefficients[k] * exp(-Double(k) * r / lengthScale) }
        return f
    }

    public func radialDivergence(_ r: Double) -> Double {
        var derivative = 0.0
        for k in 1..<coefficients.count {
            let decay = Double(k) / lengthScale
            derivative -= coefficients[k] * decay * exp(-decay * r)
        }
        return derivative + 2 * radialScore(r) / r
    }

    public var radialScale: Double { lengthScale }

    /// A refit with the same basis on the samples pushed through the forward process
    /// (`a x + √v z`, noise from ``seed``): denoising-free score matching at noise level `t`.
    public func radialMarginal(time t: Double, process: ForwardProcess) throws -> any RadialLandscape {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        let noised = try noisedSamples(samples, time: t, process: process, seed: seed)
        return try LearnedRadialScore(samples: noised, basisSize: coefficients.count, seed: seed, regularised: regularised)
    }
}

/// A score on ℝᵈ (d = 1, 2, 3) learned from samples by score matching with a polynomial
/// log-density: `log p_θ = Σ_{1 ≤ |α| ≤ D} θ_α z^α − log Z`, `z = (x − m)/σ` (per-axis sample
/// mean and standard deviation, for conditioning). Degree 2 contains every Gaussian, so a
/// Gaussian's score is recovered up to sampling error; degree 4 captures double wells.
///
/// The density is not normalised (`log Z` is unknown; ``logDensity(at:)`` omits it). The top
/// degree must be even and its form negative in every direction (checked on 2000 directions),
/// or the fit is refused as not normalisable.
public struct LearnedScore: Landscape {
    public let dimension: Int
    public let degree: Int
    public let coefficients: [Double]
    public let fit: ScoreMatching.Fit
    public let center: [Double]
    public let spread: [Double]
    /// Exponents of the monomials, feature-major (K × d).
    public let exponents: [Int]
    public let samples: [Double]
    public let seed: UInt64

    public init(samples: [Double], dimension d: Int, degree D: Int, seed: UInt64 = 1) throws {
        guard (1...3).contains(d) else { throw InputError("samples", "dimension must be 1, 2 or 3 (got \(d))") }
        guard samples.count % d == 0, !samples.isEmpty else {
            throw InputError("samples", "need \(d) coordinates per sample (got \(samples.count) numbers)")
        }
        guard D >= 2, D <= 8, D % 2 == 0 else {
            throw InputError(
                "landscape.degree", "must be an even number from 2 to 8 (got \(D))",
                hint: "an odd top degree is never normalisable")
        }
        let n = samples.count / d
        var mean = [Double](repeating: 0, count: d)
        var sd = [Double](repeating: 0, count: d)
        for i in 0..<n { for a in 0..<d { mean[a] += samples[i * d + a] } }
        for a in 0..<d { mean[a] /= Double(max(n, 1)) }
        for i in 0..<n { for a in 0..<d { sd[a] += pow(samples[i * d + a] - mean[a], 2) } }
        for a in 0..<d {
            sd[a] = (sd[a] / Double(max(n - 1, 1))).squareRoot()
            guard sd[a] > 0, sd[a].isFinite else {
                throw InputError("samples", "coordinate \(a) does not vary across the samples")
            }
        }
        var exps: [Int] = []
        func build(_ prefix: [Int], _ remaining: Int) {
            if prefix.count == d {
                let total = prefix.reduce(0, +)
                if total >= 1 { exps += prefix }
                return
            }
            for e in 0...remaining { build(prefix + [e], remaining - e) }
        }
        build([], D)
        let K = exps.count / d
        let exponentsCopy = exps
        let m = mean
        let s = sd
        let penalised = (0..<K).map { k in (0..<d).reduce(0) { $0 + exponentsCopy[k * d + $1] } > 2 }
        let fit = try ScoreMatching.fit(samples: samples, dimension: d, featureCount: K, penalised: penalised) { x, grad, lap in
            LearnedScore.features(x, exponentsCopy, K, d, m, s, grad, lap)
        }
        self.dimension = d
        self.degree = D
        self.coefficients = fit.coefficients
        self.fit = fit
        self.center = mean
        self.spread = sd
        self.exponents = exps
        self.samples = samples
        self.seed = seed
        try checkNormalisable()
    }

    /// `∇ψ_k` and `∇²ψ_k` for the monomials `z^α`.
    static func features(
        _ x: UnsafeBufferPointer<Double>, _ exps: [Int], _ K: Int, _ d: Int, _ m: [Double], _ s: [Double],
        _ grad: UnsafeMutableBufferPointer<Double>, _ lap: UnsafeMutableBufferPointer<Double>
    ) {
        var z = (0.0, 0.0, 0.0)
        for a in 0..<d {
            let v = (x[a] - m[a]) / s[a]
            if a == 0 { z.0 = v } else if a == 1 { z.1 = v } else { z.2 = v }
        }
        @inline(__always) func zc(_ a: Int) -> Double { a == 0 ? z.0 : (a == 1 ? z.1 : z.2) }
        @inline(__always) func power(_ v: Double, _ e: Int) -> Double {
            var p = 1.0
            for _ in 0..<max(e, 0) { p *= v }
            return e < 0 ? 0 : p
        }
        for k in 0..<K {
            var l = 0.0
            for a in 0..<d {
                var g = 1.0
                var h = 1.0
                for b in 0..<d {
                    let eb = exps[k * d + b]
                    if b == a {
                        g *= Double(eb) * power(zc(b), eb - 1)
                        h *= Double(eb * (eb - 1)) * power(zc(b), eb - 2)
                    } else {
                        let p = power(zc(b), eb)
                        g *= p
                        h *= p
                    }
                }
                grad[k * d + a] = g / s[a]
                l += h / (s[a] * s[a])
            }
            lap[k] = l
        }
    }

    private func checkNormalisable() throws {
        let d = dimension
        let K = coefficients.count
        let stream = try RandomStream(seed: 0xD1EC)
        for _ in 0..<(d == 1 ? 2 : 2000) {
            var u = (0..<d).map { _ in stream.gaussian() }
            if d == 1 { u = [stream.uniform() < 0.5 ? -1 : 1] }
            let norm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
            u = u.map { $0 / norm }
            var top = 0.0
            for k in 0..<K where (0..<d).reduce(0, { $0 + exponents[k * d + $1] }) == degree {
                var p = coefficients[k]
                for a in 0..<d { p *= pow(u[a], Double(exponents[k * d + a])) }
                top += p
            }
            if !(top < 0) {
                throw InputError(
                    "samples", "the fitted degree-\(degree) log-density does not decay in direction \(u): not normalisable",
                    hint: "use more samples or a lower degree")
            }
        }
    }

    public func logDensity(at x: UnsafeBufferPointer<Double>) -> Double {
        var total = 0.0
        for k in 0..<coefficients.count {
            var p = coefficients[k]
            for a in 0..<dimension { p *= pow((x[a] - center[a]) / spread[a], Double(exponents[k * dimension + a])) }
            total += p
        }
        return total
    }

    private func evaluate(_ x: UnsafeBufferPointer<Double>, _ s: UnsafeMutableBufferPointer<Double>?) -> Double {
        let d = dimension
        let K = coefficients.count
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: K * d + K) { buffer in
            let grad = UnsafeMutableBufferPointer(rebasing: buffer[0..<(K * d)])
            let lap = UnsafeMutableBufferPointer(rebasing: buffer[(K * d)..<(K * d + K)])
            Self.features(x, exponents, K, d, center, spread, grad, lap)
            var div = 0.0
            if let s { for a in 0..<d { s[a] = 0 } }
            for k in 0..<K {
                div += coefficients[k] * lap[k]
                if let s { for a in 0..<d { s[a] += coefficients[k] * grad[k * d + a] } }
            }
            return div
        }
    }

    public func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) { _ = evaluate(x, s) }

    public func divergence(at x: UnsafeBufferPointer<Double>) -> Double { evaluate(x, nil) }

    /// A refit of the same degree on the samples pushed through the forward process.
    public func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        let noised = try noisedSamples(samples, time: t, process: process, seed: seed)
        return try LearnedScore(samples: noised, dimension: dimension, degree: degree, seed: seed)
    }
}

/// The samples pushed through the forward process to time `t`, `a(t)x + √v(t) z` coordinate
/// by coordinate, with the noise `z` drawn from a stream derived from `seed` and `t` (so a
/// refit at the same time is reproducible).
private func noisedSamples(_ samples: [Double], time t: Double, process: ForwardProcess, seed: UInt64) throws -> [Double] {
    let a = process.scale(at: t)
    let sd = process.noiseVariance(at: t).squareRoot()
    let stream = try RandomStream(seed: RandomStream.derivedSeed(seed, stream: t.bitPattern))
    return samples.map { a * $0 + sd * stream.gaussian() }
}
