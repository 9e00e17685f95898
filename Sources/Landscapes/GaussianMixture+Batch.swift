import AdiabatCore
import Foundation

extension GaussianMixture {
    /// Scores of `count` points stored point-major in `points`, on all cores (blocks of 1024
    /// points through ``scoreBatchSerial(points:count:into:)``).
    public func scoreBatch(points: UnsafeBufferPointer<Double>, count: Int, into scores: UnsafeMutableBufferPointer<Double>) {
        guard let source = points.baseAddress, let target = scores.baseAddress, count > 0 else { return }
        let d = dimension
        let src = SharedReadPointer(source)
        let dst = SharedPointer(target)
        Parallel.forEachChunk(count: count, minimumChunk: 1024) { range in
            self.scoreBatchSerial(
                points: src.base + range.lowerBound * d, count: range.count, into: dst.base + range.lowerBound * d)
        }
    }

    /// Scores of `count` points (point-major), on the calling thread: the hot loop of every
    /// particle sampler. `s(x) = Σₖ e^{lₖ−m} gₖ / Σₖ e^{lₖ−m}` with
    /// `lₖ = log wₖ − ½log det(2πΣₖ) − ½(x−μₖ)ᵀPₖ(x−μₖ)`, `gₖ = −Pₖ(x−μₖ)`, `m = maxₖ lₖ`
    /// (exact and overflow-free); quadratic forms are unrolled for d = 1 and d = 2.
    public func scoreBatchSerial(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let K = components.count
        logNormaliser.withUnsafeBufferPointer { cst in
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
                let a = p[4 * k]
                let b = p[4 * k + 1]
                let cc = p[4 * k + 3]
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
                let a = p[4 * k]
                let b = p[4 * k + 1]
                let cc = p[4 * k + 3]
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
private let negligibleLog = -40.0
