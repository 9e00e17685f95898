import AdiabatCore
import Foundation
import GSLKit

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
    ///
    /// Points go in chunks of ``chunkPoints(components:)``: one pass writes `lₖ − m` for the
    /// whole chunk (clamped at −700, where `e^{−700} ≈ 10⁻³⁰⁴` is below any weight that can
    /// matter, so no exponent reaches libmvec's slow subnormal path), one
    /// ``GSLKit/VectorMath/exp(_:into:count:)`` call exponentiates them 2 or 4 at a time,
    /// and a last pass forms the weighted sums. A non-finite coordinate gives a NaN score
    /// (the samplers report it).
    public func scoreBatchSerial(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let K = components.count
        let chunk = Self.chunkPoints(components: K)
        logNormaliser.withUnsafeBufferPointer { cst in
            means.withUnsafeBufferPointer { mu in
                precisions.withUnsafeBufferPointer { prec in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: chunk * K) { weights in
                        // safe: the buffers are non-empty (K ≥ 1 components)
                        let c = cst.baseAddress!
                        let m = mu.baseAddress!
                        let p = prec.baseAddress!
                        let w = weights.baseAddress!
                        let d = dimension
                        var lo = 0
                        while lo < count {
                            let n = min(chunk, count - lo)
                            let x = points + lo * d
                            let s = scores + lo * d
                            switch d {
                            case 1: Self.evaluate1(x, n, s, K, c, m, p, w)
                            case 2: Self.evaluate2(x, n, s, K, c, m, p, w)
                            default: Self.evaluateGeneral(x, n, s, K, d, c, m, p, w)
                            }
                            lo += n
                        }
                    }
                }
            }
        }
    }

    /// Points per vector-`exp` call: 64, fewer for large mixtures so that the chunk's
    /// `K`-wide weight rows stay within 32 KiB (L1).
    static func chunkPoints(components K: Int) -> Int { max(1, min(64, 4096 / max(K, 1))) }

    /// `w[k] ← max(w[k] − m, −700)` for one point's row of the general kernel (NaN stays NaN).
    @inline(__always)
    private static func shiftRow(_ w: UnsafeMutablePointer<Double>, _ K: Int, _ m: Double) {
        for k in 0..<K {
            let z = w[k] - m
            w[k] = z < lowestLog ? lowestLog : z
        }
    }

    // d = 1 and d = 2 run across the chunk's points in the inner loops (the chunk's
    // coordinates, running maxima and sums are stored per point, `w[k·n + j]` holds point `j`'s
    // weight for component `k`), so every inner loop is elementwise and vectorises; the
    // general kernel keeps one row of `K` weights per point.

    @inline(__always)
    private static func evaluate1(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * n) { scratch in
            let m = scratch.baseAddress!  // safe: capacity 3n ≥ 3
            let total = m + n
            let acc = m + 2 * n
            for j in 0..<n { m[j] = -Double.infinity }
            for k in 0..<K {
                let row = w + k * n
                let ck = c[k]
                let hk = 0.5 * p[k]
                let mk = mu[k]
                for j in 0..<n {
                    let d = x[j] - mk
                    let l = ck - hk * d * d
                    row[j] = l
                    m[j] = l > m[j] ? l : m[j]
                }
            }
            exponentiateShifted(w, n, K, m)
            for j in 0..<n {
                total[j] = 0
                acc[j] = 0
            }
            for k in 0..<K {
                let row = w + k * n
                let pk = p[k]
                let mk = mu[k]
                for j in 0..<n {
                    let e = row[j]
                    total[j] += e
                    acc[j] -= e * pk * (x[j] - mk)
                }
            }
            for j in 0..<n { s[j] = acc[j] / total[j] }
        }
    }

    @inline(__always)
    private static func evaluate2(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>
    ) {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 6 * n) { scratch in
            let x0 = scratch.baseAddress!  // safe: capacity 6n ≥ 6
            let x1 = x0 + n
            let m = x0 + 2 * n
            let total = x0 + 3 * n
            let s0 = x0 + 4 * n
            let s1 = x0 + 5 * n
            for j in 0..<n {
                x0[j] = x[2 * j]
                x1[j] = x[2 * j + 1]
                m[j] = -Double.infinity
            }
            for k in 0..<K {
                let row = w + k * n
                let ck = c[k]
                let m0 = mu[2 * k]
                let m1 = mu[2 * k + 1]
                let a = 0.5 * p[4 * k]
                let b = p[4 * k + 1]
                let cc = 0.5 * p[4 * k + 3]
                for j in 0..<n {
                    let d0 = x0[j] - m0
                    let d1 = x1[j] - m1
                    let l = ck - (a * d0 * d0 + b * d0 * d1 + cc * d1 * d1)
                    row[j] = l
                    m[j] = l > m[j] ? l : m[j]
                }
            }
            exponentiateShifted(w, n, K, m)
            for j in 0..<n {
                total[j] = 0
                s0[j] = 0
                s1[j] = 0
            }
            for k in 0..<K {
                let row = w + k * n
                let m0 = mu[2 * k]
                let m1 = mu[2 * k + 1]
                let a = p[4 * k]
                let b = p[4 * k + 1]
                let cc = p[4 * k + 3]
                for j in 0..<n {
                    let e = row[j]
                    let d0 = x0[j] - m0
                    let d1 = x1[j] - m1
                    total[j] += e
                    s0[j] -= e * (a * d0 + b * d1)
                    s1[j] -= e * (b * d0 + cc * d1)
                }
            }
            for j in 0..<n {
                let inv = 1 / total[j]
                s[2 * j] = s0[j] * inv
                s[2 * j + 1] = s1[j] * inv
            }
        }
    }

    /// `w[k·n + j] ← exp(max(w[k·n + j] − m[j], −700))` (NaN stays NaN); a point whose every
    /// log-weight is −∞ (a coordinate so large the quadratic form overflows) is shifted by 0.
    @inline(__always)
    private static func exponentiateShifted(
        _ w: UnsafeMutablePointer<Double>, _ n: Int, _ K: Int, _ m: UnsafeMutablePointer<Double>
    ) {
        for j in 0..<n where !m[j].isFinite { m[j] = 0 }
        for k in 0..<K {
            let row = w + k * n
            for j in 0..<n {
                let z = row[j] - m[j]
                row[j] = z < lowestLog ? lowestLog : z
            }
        }
        VectorMath.exp(w, into: w, count: n * K)
    }

    private static func evaluateGeneral(
        _ x: UnsafePointer<Double>, _ n: Int, _ s: UnsafeMutablePointer<Double>, _ K: Int, _ d: Int,
        _ c: UnsafePointer<Double>, _ mu: UnsafePointer<Double>, _ p: UnsafePointer<Double>, _ w: UnsafeMutablePointer<Double>
    ) {
        for i in 0..<n {
            let xi = x + i * d
            let row = w + i * K
            var m = -Double.infinity
            for k in 0..<K {
                var q = 0.0
                for a in 0..<d {
                    var r = 0.0
                    for b in 0..<d { r += p[k * d * d + a * d + b] * (xi[b] - mu[k * d + b]) }
                    q += (xi[a] - mu[k * d + a]) * r
                }
                let l = c[k] - 0.5 * q
                row[k] = l
                m = l > m ? l : m
            }
            shiftRow(row, K, m.isFinite ? m : 0)
        }
        VectorMath.exp(w, into: w, count: n * K)
        for i in 0..<n {
            let xi = x + i * d
            let si = s + i * d
            let row = w + i * K
            for a in 0..<d { si[a] = 0 }
            var total = 0.0
            for k in 0..<K {
                let e = row[k]
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

/// Shifted log-weights are clamped here before the `exp`: a component this far below the
/// largest weighs `e^{−700} ≈ 10⁻³⁰⁴` of it, far below rounding, and the clamp keeps every
/// argument in libmvec's fast range (its subnormal results take a scalar path).
private let lowestLog = -700.0
