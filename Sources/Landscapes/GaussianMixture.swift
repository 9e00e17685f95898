import AdiabatCore
import Foundation

/// A Gaussian mixture `p = Σₖ wₖ N(μₖ, Σₖ)` in 1, 2 or 3 dimensions, with exact score and
/// divergence, and exact marginals under both forward processes.
///
/// Special cases: one component is a Gaussian (the "coupled harmonic oscillator" of
/// docs/theory.md §2.5 with a full covariance); ``twoMoons(componentsPerArc:standardDeviation:)``
/// places components along the two arcs of the two-moons data set.
///
/// With `gₖ = −Pₖ(x − μₖ)` (`Pₖ = Σₖ⁻¹`) and responsibilities `rₖ(x)`:
/// `s = Σ rₖ gₖ`, `∇·s = Σ rₖ (|gₖ|² − tr Pₖ) − |s|²`.
public struct GaussianMixture: Landscape, Equatable {
    public struct Component: Sendable, Equatable, Codable {
        public var weight: Double
        public var mean: [Double]
        /// Row-major `d × d`, symmetric positive definite.
        public var covariance: [Double]

        public init(weight: Double, mean: [Double], covariance: [Double]) {
            self.weight = weight
            self.mean = mean
            self.covariance = covariance
        }
    }

    public let dimension: Int
    public let components: [Component]
    // Flat per-component data for the hot loops (also read by GaussianMixture+Batch.swift).
    let logNormaliser: [Double]  // log wₖ − ½ log det(2π Σₖ)
    let means: [Double]  // K × d
    let precisions: [Double]  // K × d × d
    private let precisionTraces: [Double]

    /// Validates weights (positive; normalised here), dimensions, and that every covariance
    /// is symmetric positive definite.
    public init(components: [Component]) throws {
        guard let first = components.first else { throw InputError("landscape", "a mixture needs at least one component") }
        let d = first.mean.count
        guard (1...3).contains(d) else { throw InputError("landscape.means", "dimension must be 1, 2 or 3 (got \(d))") }
        var total = 0.0
        for (k, c) in components.enumerated() {
            guard c.mean.count == d else {
                throw InputError("landscape.means[\(k)]", "has \(c.mean.count) coordinates, expected \(d)")
            }
            guard c.covariance.count == d * d else {
                throw InputError("landscape.covariances[\(k)]", "needs \(d)×\(d) entries (got \(c.covariance.count))")
            }
            try Check.finite(c.mean, "landscape.means[\(k)]")
            try Check.finite(c.covariance, "landscape.covariances[\(k)]")
            try Check.positive(c.weight, "landscape.weights[\(k)]")
            total += c.weight
        }
        var normalised = components
        for k in normalised.indices { normalised[k].weight /= total }
        var logNorm: [Double] = []
        var means: [Double] = []
        var precisions: [Double] = []
        var traces: [Double] = []
        for (k, c) in normalised.enumerated() {
            guard let (inverse, det) = Self.invertSPD(c.covariance, d) else {
                throw InputError(
                    "landscape.covariances[\(k)]", "is not symmetric positive definite",
                    hint: "a covariance needs positive variances and |correlation| < 1")
            }
            logNorm.append(log(c.weight) - 0.5 * (Double(d) * log(2 * Double.pi) + log(det)))
            means += c.mean
            precisions += inverse
            traces.append((0..<d).reduce(0) { $0 + inverse[$1 * d + $1] })
        }
        self.dimension = d
        self.components = normalised
        self.logNormaliser = logNorm
        self.means = means
        self.precisions = precisions
        self.precisionTraces = traces
    }

    /// A mixture of isotropic components: `means[k]` with standard deviation `stddevs[k]`.
    public init(weights: [Double], means: [[Double]], standardDeviations: [Double]) throws {
        guard weights.count == means.count, weights.count == standardDeviations.count else {
            throw InputError(
                "landscape",
                "weights, means and stddevs need one entry per component (got \(weights.count), \(means.count), \(standardDeviations.count))"
            )
        }
        var comps: [Component] = []
        for k in weights.indices {
            try Check.positive(standardDeviations[k], "landscape.stddevs[\(k)]")
            let d = means[k].count
            var cov = [Double](repeating: 0, count: d * d)
            for a in 0..<d { cov[a * d + a] = standardDeviations[k] * standardDeviations[k] }
            comps.append(Component(weight: weights[k], mean: means[k], covariance: cov))
        }
        try self.init(components: comps)
    }

    /// A single Gaussian `N(μ, Σ)`.
    public static func gaussian(mean: [Double], covariance: [Double]) throws -> GaussianMixture {
        try GaussianMixture(components: [Component(weight: 1, mean: mean, covariance: covariance)])
    }

    /// Two-moons as a mixture (docs/theory.md §2.5): `componentsPerArc` equal-weight isotropic
    /// components at equally spaced `θ ∈ [0, π]` on the upper arc `(cos θ, sin θ)` and the
    /// lower arc `(1 − cos θ, ½ − sin θ)`.
    public static func twoMoons(componentsPerArc n: Int = 16, standardDeviation sigma: Double = 0.1) throws -> GaussianMixture {
        guard n >= 2, n <= 10_000 else {
            throw InputError(
                "landscape.components_per_arc", "must be 2…10000 (got \(n))",
                hint: "every density and score evaluation visits each component; 16 already draws smooth arcs")
        }
        try Check.positive(sigma, "landscape.stddev")
        var means: [[Double]] = []
        for j in 0..<n {
            let theta = Double.pi * Double(j) / Double(n - 1)
            means.append([cos(theta), sin(theta)])
            means.append([1 - cos(theta), 0.5 - sin(theta)])
        }
        return try GaussianMixture(
            weights: [Double](repeating: 1, count: 2 * n), means: means,
            standardDeviations: [Double](repeating: sigma, count: 2 * n))
    }

    /// The mean of the mixture.
    public var mean: [Double] {
        (0..<dimension).map { a in components.reduce(0) { $0 + $1.weight * $1.mean[a] } }
    }

    /// The covariance of the mixture (row-major d × d).
    public var covariance: [Double] {
        let d = dimension
        let m = mean
        var cov = [Double](repeating: 0, count: d * d)
        for c in components {
            for a in 0..<d {
                for b in 0..<d {
                    cov[a * d + b] += c.weight * (c.covariance[a * d + b] + (c.mean[a] - m[a]) * (c.mean[b] - m[b]))
                }
            }
        }
        return cov
    }

    /// Exact: weights unchanged, means `a·μₖ`, covariances `a²Σₖ + v·I`.
    public func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape {
        try pushedForward(time: t, process: process)
    }

    /// The same as ``marginal(time:process:)``, typed.
    public func pushedForward(time t: Double, process: ForwardProcess) throws -> GaussianMixture {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        let a = process.scale(at: t)
        let v = process.noiseVariance(at: t)
        let d = dimension
        let comps = components.map { c -> Component in
            var cov = c.covariance.map { a * a * $0 }
            for i in 0..<d { cov[i * d + i] += v }
            return Component(weight: c.weight, mean: c.mean.map { a * $0 }, covariance: cov)
        }
        return try GaussianMixture(components: comps)
    }

    /// Draws `count` exact samples (point-major `count × d`).
    public func sample(count: Int, stream: RandomSource) -> [Double] {
        let d = dimension
        var out = [Double](repeating: 0, count: count * d)
        let weights = components.map(\.weight)
        let factors = components.map { Self.cholesky($0.covariance, d) ?? $0.covariance }
        var z = [Double](repeating: 0, count: d)
        for i in 0..<count {
            let k = stream.categorical(weights)
            for a in 0..<d { z[a] = stream.gaussian() }
            for a in 0..<d {
                var v = components[k].mean[a]
                for b in 0...a { v += factors[k][a * d + b] * z[b] }
                out[i * d + a] = v
            }
        }
        return out
    }

    // MARK: Evaluation

    @inline(__always)
    private func componentLogs(_ x: UnsafeBufferPointer<Double>, into logs: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = dimension
        var maxLog = -Double.infinity
        for k in 0..<components.count {
            var q = 0.0
            let m = k * d
            let p = k * d * d
            for a in 0..<d {
                var row = 0.0
                for b in 0..<d { row += precisions[p + a * d + b] * (x[b] - means[m + b]) }
                q += (x[a] - means[m + a]) * row
            }
            let l = logNormaliser[k] - 0.5 * q
            logs[k] = l
            maxLog = max(maxLog, l)
        }
        return maxLog
    }

    public func logDensity(at x: UnsafeBufferPointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: components.count) { logs in
            let m = componentLogs(x, into: logs)
            var sum = 0.0
            for l in logs { sum += exp(l - m) }
            return m + log(sum)
        }
    }

    public func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) {
        _ = evaluate(x, s, wantDivergence: false)
    }

    public func divergence(at x: UnsafeBufferPointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { s in
            evaluate(x, s, wantDivergence: true)
        }
    }

    /// Writes the score into `s` and returns the divergence (0 when not wanted).
    @inline(__always)
    private func evaluate(_ x: UnsafeBufferPointer<Double>, _ s: UnsafeMutableBufferPointer<Double>, wantDivergence: Bool)
        -> Double
    {
        let d = dimension
        let K = components.count
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: K) { logs in
            let m = componentLogs(x, into: logs)
            var total = 0.0
            for k in 0..<K {
                logs[k] = exp(logs[k] - m)
                total += logs[k]
            }
            for a in 0..<d { s[a] = 0 }
            var weightedSquares = 0.0
            for k in 0..<K {
                let r = logs[k] / total
                if r == 0 { continue }
                var g2 = 0.0
                for a in 0..<d {
                    var g = 0.0
                    for b in 0..<d { g -= precisions[k * d * d + a * d + b] * (x[b] - means[k * d + b]) }
                    s[a] += r * g
                    g2 += g * g
                }
                if wantDivergence { weightedSquares += r * (g2 - precisionTraces[k]) }
            }
            guard wantDivergence else { return 0 }
            var s2 = 0.0
            for a in 0..<d { s2 += s[a] * s[a] }
            return weightedSquares - s2
        }
    }

    // MARK: Small dense helpers (d ≤ 3)

    /// Inverse and determinant of a symmetric positive-definite d × d matrix, or nil.
    static func invertSPD(_ m: [Double], _ d: Int) -> (inverse: [Double], determinant: Double)? {
        for a in 0..<d {
            for b in 0..<a where abs(m[a * d + b] - m[b * d + a]) > 1e-12 * max(abs(m[a * d + b]), 1) { return nil }
        }
        guard let l = cholesky(m, d) else { return nil }
        var det = 1.0
        for a in 0..<d { det *= l[a * d + a] * l[a * d + a] }
        // Invert L (lower triangular), then P = L⁻ᵀ L⁻¹.
        var li = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            li[a * d + a] = 1 / l[a * d + a]
            for b in 0..<a {
                var sum = 0.0
                for c in b..<a { sum += l[a * d + c] * li[c * d + b] }
                li[a * d + b] = -sum / l[a * d + a]
            }
        }
        var inv = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in 0..<d {
                var sum = 0.0
                for c in max(a, b)..<d { sum += li[c * d + a] * li[c * d + b] }
                inv[a * d + b] = sum
            }
        }
        return (inv, det)
    }

    /// Lower Cholesky factor, or nil if not positive definite.
    static func cholesky(_ m: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in 0...a {
                var sum = m[a * d + b]
                for c in 0..<b { sum -= l[a * d + c] * l[b * d + c] }
                if a == b {
                    guard sum > 0, sum.isFinite else { return nil }
                    l[a * d + a] = sum.squareRoot()
                } else {
                    l[a * d + b] = sum / l[b * d + b]
                }
            }
        }
        return l
    }
}
