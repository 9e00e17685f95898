import AdiabatCore
import Foundation
import Landscapes

/// The score `s_t(x)` at one diffusion time, ready for batch evaluation.
///
/// ``evaluate(points:count:into:)`` is serial: samplers and the Fokker–Planck solver call it
/// concurrently on disjoint blocks of points, so an implementation must not mutate shared
/// state. Layout is point-major (`count × dimension`).
public protocol ScoreField: Sendable {
    var dimension: Int { get }

    /// Writes the scores of `count` points (point-major) into `scores` (same layout).
    func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>)
}

/// A time-dependent score `t ↦ s_t`, the input of every reverse-time sampler and of the
/// Fokker–Planck solver.
///
/// This is the plug-in point for learned scores: anything that can hand out the score field
/// at a diffusion time conforms (see ``ExactScore``, ``TimeIndependentScore`` and
/// ``ScoreFamily`` for a closure).
public protocol ScoreModel: Sendable {
    var dimension: Int { get }
    /// A short name for reports ("exact", "learned", …).
    var name: String { get }
    /// The score field at diffusion time `t ≥ 0`.
    func field(at t: Double) throws -> any ScoreField
}

extension ScoreField {
    /// Evaluates `count` points on all cores, in blocks of `blockSize`.
    public func evaluateInParallel(
        points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>, blockSize: Int = 1024
    ) {
        let d = dimension
        let source = SharedReadPointer(points)
        let target = SharedPointer(scores)
        let blocks = (count + blockSize - 1) / blockSize
        Parallel.forEachTask(blocks) { b in
            let start = b * blockSize
            let n = min(blockSize, count - start)
            self.evaluate(points: source.base + start * d, count: n, into: target.base + start * d)
        }
    }

    /// The score at one point (allocates; for tests and set-up).
    public func score(_ x: [Double]) -> [Double] {
        var s = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in
            s.withUnsafeMutableBufferPointer { sp in
                // safe: both arrays have `dimension` ≥ 1 elements
                evaluate(points: xp.baseAddress!, count: 1, into: sp.baseAddress!)
            }
        }
        return s
    }
}

// MARK: - Score models

/// The exact score of a landscape's forward marginals: `s_t = ∇log p_t` with `p_t` from
/// ``Landscape/marginal(time:process:)`` (exact at every `t` for Gaussian mixtures, which
/// get the fast ``GaussianMixtureScoreField``).
public struct ExactScore: ScoreModel {
    public let landscape: any Landscape
    public let process: ForwardProcess

    public init(_ landscape: any Landscape, process: ForwardProcess = .ou) {
        self.landscape = landscape
        self.process = process
    }

    public var dimension: Int { landscape.dimension }
    public var name: String { "exact" }

    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        if let mixture = landscape as? GaussianMixture {
            return GaussianMixtureScoreField(try mixture.pushedForward(time: t, process: process))
        }
        return LandscapeScoreField(try landscape.marginal(time: t, process: process))
    }

    /// The marginal `p_t` itself (for densities and metrics).
    public func marginal(at t: Double) throws -> any Landscape {
        try landscape.marginal(time: t, process: process)
    }
}

/// One landscape's score used at every diffusion time: plain Langevin dynamics on a fixed
/// target, or a learned score that was fitted at one noise level.
public struct TimeIndependentScore: ScoreModel {
    public let landscape: any Landscape
    public init(_ landscape: any Landscape) { self.landscape = landscape }
    public var dimension: Int { landscape.dimension }
    public var name: String { "time-independent" }
    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        if let mixture = landscape as? GaussianMixture { return GaussianMixtureScoreField(mixture) }
        return LandscapeScoreField(landscape)
    }
}

/// A score family given by a closure `t ↦ landscape snapshot` (e.g. a learned score with one
/// fit per noise level, or a network wrapped as a ``Landscape``).
public struct ScoreFamily: ScoreModel {
    public let dimension: Int
    public let name: String
    private let snapshot: @Sendable (Double) throws -> any Landscape

    public init(dimension: Int, name: String = "score family", snapshot: @escaping @Sendable (Double) throws -> any Landscape) {
        self.dimension = dimension
        self.name = name
        self.snapshot = snapshot
    }

    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        let landscape = try snapshot(t)
        guard landscape.dimension == dimension else {
            throw InputError(
                "score", "the snapshot at t = \(t) has dimension \(landscape.dimension), expected \(dimension)")
        }
        if let mixture = landscape as? GaussianMixture { return GaussianMixtureScoreField(mixture) }
        return LandscapeScoreField(landscape)
    }
}

// MARK: - Fields

/// Any ``Landscape``'s score, evaluated point by point.
public struct LandscapeScoreField: ScoreField {
    public let landscape: any Landscape
    public init(_ landscape: any Landscape) { self.landscape = landscape }
    public var dimension: Int { landscape.dimension }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let d = dimension
        for k in 0..<count {
            landscape.score(
                at: UnsafeBufferPointer(start: points + k * d, count: d),
                into: UnsafeMutableBufferPointer(start: scores + k * d, count: d))
        }
    }
}

/// The score of a Gaussian mixture, specialised for speed: flat per-component constants,
/// unrolled quadratic forms for d = 1 and d = 2, one log-sum-exp per point, no allocation
/// per point.
///
/// With `lₖ = log wₖ − ½log det(2πΣₖ) − ½(x−μₖ)ᵀPₖ(x−μₖ)` and `gₖ = −Pₖ(x−μₖ)`:
/// `s(x) = Σₖ e^{lₖ−m} gₖ / Σₖ e^{lₖ−m}`, `m = maxₖ lₖ` (exact, overflow-free).
public struct GaussianMixtureScoreField: ScoreField {
    public let dimension: Int
    public let componentCount: Int
    private let constants: [Double]  // log wₖ − ½ log det(2πΣₖ)
    private let means: [Double]  // K × d
    private let precisions: [Double]  // K × d × d (for d = 2: packed a, b, c of [[a, b], [b, c]])

    public init(_ mixture: GaussianMixture) {
        let d = mixture.dimension
        dimension = d
        componentCount = mixture.components.count
        var constants: [Double] = []
        var means: [Double] = []
        var precisions: [Double] = []
        for c in mixture.components {
            // safe: GaussianMixture validated every covariance as symmetric positive definite
            let (inverse, det) = symmetricInverse(c.covariance, d) ?? (c.covariance, 1)
            constants.append(log(c.weight) - 0.5 * (Double(d) * log(2 * Double.pi) + log(det)))
            means += c.mean
            if d == 2 {
                precisions += [inverse[0], inverse[1], inverse[3]]
            } else {
                precisions += inverse
            }
        }
        self.constants = constants
        self.means = means
        self.precisions = precisions
    }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let K = componentCount
        constants.withUnsafeBufferPointer { cst in
            means.withUnsafeBufferPointer { mu in
                precisions.withUnsafeBufferPointer { prec in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: K) { logs in
                        // safe: the buffers are non-empty (K ≥ 1 components)
                        let c = cst.baseAddress!
                        let m = mu.baseAddress!
                        let p = prec.baseAddress!
                        let l = logs.baseAddress!
                        switch dimension {
                        case 1: Self.evaluate1(points, count, scores, K, c, m, p, l)
                        case 2: Self.evaluate2(points, count, scores, K, c, m, p, l)
                        default: Self.evaluateGeneral(points, count, scores, K, dimension, c, m, p, l)
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func evaluate1(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ logs: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let xi = x[i]
            var m = -Double.infinity
            for k in 0..<K {
                let d = xi - mu[k]
                let l = c[k] - 0.5 * p[k] * d * d
                logs[k] = l
                if l > m { m = l }
            }
            var total = 0.0
            var acc = 0.0
            for k in 0..<K {
                let z = logs[k] - m
                if z < negligibleLog { continue }
                let e = exp(z)
                total += e
                acc -= e * p[k] * (xi - mu[k])
            }
            s[i] = acc / total
        }
    }

    @inline(__always)
    private static func evaluate2(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ logs: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let x0 = x[2 * i]
            let x1 = x[2 * i + 1]
            var m = -Double.infinity
            for k in 0..<K {
                let d0 = x0 - mu[2 * k]
                let d1 = x1 - mu[2 * k + 1]
                let a = p[3 * k]
                let b = p[3 * k + 1]
                let cc = p[3 * k + 2]
                let l = c[k] - 0.5 * (a * d0 * d0 + 2 * b * d0 * d1 + cc * d1 * d1)
                logs[k] = l
                if l > m { m = l }
            }
            var total = 0.0
            var s0 = 0.0
            var s1 = 0.0
            for k in 0..<K {
                let z = logs[k] - m
                if z < negligibleLog { continue }
                let e = exp(z)
                let d0 = x0 - mu[2 * k]
                let d1 = x1 - mu[2 * k + 1]
                let a = p[3 * k]
                let b = p[3 * k + 1]
                let cc = p[3 * k + 2]
                total += e
                s0 -= e * (a * d0 + b * d1)
                s1 -= e * (b * d0 + cc * d1)
            }
            let inv = 1 / total
            s[2 * i] = s0 * inv
            s[2 * i + 1] = s1 * inv
        }
    }

    private static func evaluateGeneral(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int, _ d: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ logs: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let xi = x + i * d
            let si = s + i * d
            var m = -Double.infinity
            for k in 0..<K {
                var q = 0.0
                for a in 0..<d {
                    var row = 0.0
                    for b in 0..<d { row += p[k * d * d + a * d + b] * (xi[b] - mu[k * d + b]) }
                    q += (xi[a] - mu[k * d + a]) * row
                }
                let l = c[k] - 0.5 * q
                logs[k] = l
                if l > m { m = l }
            }
            for a in 0..<d { si[a] = 0 }
            var total = 0.0
            for k in 0..<K {
                let z = logs[k] - m
                if z < negligibleLog { continue }
                let e = exp(z)
                total += e
                for a in 0..<d {
                    var g = 0.0
                    for b in 0..<d { g -= p[k * d * d + a * d + b] * (xi[b] - mu[k * d + b]) }
                    si[a] += e * g
                }
            }
            for a in 0..<d { si[a] /= total }
        }
    }
}

/// Components whose log-weight lies more than 40 below the largest contribute less than
/// `e^{−40} ≈ 4·10⁻¹⁸` of it each and are skipped (relative effect below 1e-16 for up to
/// 25 components, 1e-15 for 250).
let negligibleLog = -40.0

/// Inverse and determinant of a symmetric positive-definite `d × d` matrix (d ≤ 3) by
/// Cholesky, or nil when it is not positive definite.
func symmetricInverse(_ m: [Double], _ d: Int) -> (inverse: [Double], determinant: Double)? {
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
    var det = 1.0
    for a in 0..<d { det *= l[a * d + a] * l[a * d + a] }
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
