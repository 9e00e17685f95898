import Foundation

/// The lowest eigenvalues of a symmetric tridiagonal matrix by Newton's method on its
/// characteristic polynomial, safeguarded by Sturm counts (no eigenvectors).
///
/// One pass over the matrix at a shift `x` runs the LDLᵀ pivot recurrence (or its determinant
/// form, below)
///
///     q₁ = a₁ − x,   qᵢ = aᵢ − x − bᵢ₋₁²/qᵢ₋₁ ,
///
/// whose negative pivots count the eigenvalues below `x` (Sylvester's law of inertia: the
/// Sturm count `dstebz` bisects on), and the derivative recurrence
/// `qᵢ' = −1 + bᵢ₋₁² qᵢ₋₁'/qᵢ₋₁²`, which gives the log-derivative of the characteristic
/// polynomial `p(x) = det(T − x) = Π qᵢ` as `Σ qᵢ'/qᵢ`. For the `j`-th eigenvalue the
/// polynomial is deflated by the `j` already found, `r(x) = p(x)/Π_{m<j}(x − λₘ)`, whose
/// smallest root is `λⱼ`. All roots of `r` are real, so Newton's step from any `x < λⱼ`,
/// `x − r/r' = x + 1/Σᵢ 1/(λᵢ − x)`, never passes `λⱼ` (in exact arithmetic): the iteration
/// climbs monotonically and converges quadratically once `x` is closer to `λⱼ` than to
/// `λⱼ₊₁`. While it is not, it halves the distance per pass, so a near-degenerate pair at
/// distance `d` with splitting `δ` costs about `log₂(d/δ)` extra passes.
///
/// Every pass also updates a bracket `[lo, hi]` with `count(lo) ≤ j < count(hi)`. A step
/// that leaves the bracket, a non-finite derivative (a pivot that hit `pivmin`), or a shift
/// within `1024·tolerance` of a found root (where the deflation cancels) falls back to
/// bisection, so the method is never worse than bisection. Once a step is below half the
/// tolerance `2ε‖T‖`, one more Sturm count `2·tolerance` beyond the estimate must land on
/// the other side of `λⱼ`: the result then lies in a counted bracket of width `≤ 2.5·tolerance
/// = 5ε‖T‖`. That is the accuracy of `dstebz` with `abstol = 0` up to a small factor, and
/// of any backward-stable solver: the eigenvalues of `T` are not defined more closely than a
/// few `ε‖T‖`. A gap profile needs only the two lowest values: about 25 passes instead of
/// bisection's ~2 × 53, each pass a chain of two multiply-adds per row (the determinant
/// form; the pivot form's division chain takes about twice as long).
///
/// Tested against LAPACK's `dstevr` (``TridiagonalEigensolver``) on random, clustered,
/// exactly degenerate, graded, extreme-scale and Schrödinger-type matrices. Pure Swift: no C
/// call, so it sits in GSLKit only beside the LAPACK solver it replaces for values.
public enum TridiagonalNewton {
    /// The statistics of one solve.
    public struct Statistics: Sendable, Equatable {
        /// Passes over the matrix (one recurrence each).
        public var passes = 0
        /// Passes whose Newton step was rejected in favour of bisection.
        public var bisections = 0
    }

    /// The `count` lowest eigenvalues (ascending) of the symmetric tridiagonal matrix with
    /// main diagonal `diagonal` (length n) and off-diagonal `offDiagonal` (length n − 1).
    public static func lowest(diagonal: [Double], offDiagonal: [Double], count k: Int) throws -> [Double] {
        try lowestWithStatistics(diagonal: diagonal, offDiagonal: offDiagonal, count: k).values
    }

    /// ``lowest(diagonal:offDiagonal:count:)`` with the number of passes it took.
    public static func lowestWithStatistics(
        diagonal: [Double], offDiagonal: [Double], count k: Int
    ) throws -> (values: [Double], statistics: Statistics) {
        let routine = "TridiagonalNewton.lowest"
        let n = diagonal.count
        try Validate.tridiagonal(diagonal: diagonal, offDiagonal: offDiagonal, count: k, routine)

        // Scale by a power of two (exact) so the largest entry is in [1, 2): squares of the
        // off-diagonal and the Gershgorin sums can then neither overflow nor underflow.
        let largest = max(diagonal.lazy.map(abs).max() ?? 0, offDiagonal.lazy.map(abs).max() ?? 0)
        if largest == 0 { return ([Double](repeating: 0, count: k), Statistics()) }
        let exponent = largest.exponent
        if exponent != 0 {
            let down = Double(sign: .plus, exponent: -exponent, significand: 1)
            let result = try lowestWithStatistics(
                diagonal: diagonal.map { $0 * down }, offDiagonal: offDiagonal.map { $0 * down }, count: k)
            let up = Double(sign: .plus, exponent: exponent, significand: 1)
            return (result.values.map { $0 * up }, result.statistics)
        }

        // Gershgorin interval [gl, gu] and the norm that sets the absolute tolerance.
        var gl = Double.infinity
        var gu = -Double.infinity
        var maxB2 = 0.0
        for i in 0..<n {
            let left = i > 0 ? abs(offDiagonal[i - 1]) : 0
            let right = i < n - 1 ? abs(offDiagonal[i]) : 0
            gl = min(gl, diagonal[i] - left - right)
            gu = max(gu, diagonal[i] + left + right)
            if i < n - 1 { maxB2 = max(maxB2, offDiagonal[i] * offDiagonal[i]) }
        }
        let tnorm = max(abs(gl), abs(gu))
        let ulp = Double.ulpOfOne
        // LAPACK's pivmin (dstebz): the smallest pivot allowed before it is replaced.
        let pivmin = Double.leastNormalMagnitude * max(1, maxB2)
        let tolerance = max(2 * ulp * tnorm, pivmin)
        // Widen the Gershgorin interval as dstebz does, so the counts at its ends are exact.
        let pad = 2.1 * ulp * tnorm * Double(n) + 4 * pivmin
        gl -= pad
        gu += pad
        if tnorm == 0 { return ([Double](repeating: 0, count: k), Statistics()) }

        let b2 = (0..<max(n - 1, 0)).map { offDiagonal[$0] * offDiagonal[$0] }
        var stats = Statistics()
        var found: [Double] = []
        found.reserveCapacity(k)
        // Probes already made: the tightest lower and upper bounds for each index come from them.
        var probes: [(x: Double, count: Int)] = [(gl, 0), (gu, n)]

        func pass(_ x: Double) -> (count: Int, logDerivative: Double) {
            stats.passes += 1
            if let fast = productPass(x) { return fast }
            return ratioPass(x)
        }

        // Entries (scaled to a largest of ~1) all above 2⁻³⁰⁰ or zero: a pivot cannot then be
        // smaller than ~2⁻³⁵³ short of an exact zero, so a pair kept within 2^±400 every row
        // never underflows in one step. Matrices with tinier entries use the pivot form only.
        let smallest = min(
            diagonal.lazy.filter { $0 != 0 }.map(abs).min() ?? 1, b2.lazy.filter { $0 != 0 }.map { $0.squareRoot() }.min() ?? 1)
        let productFormSafe = smallest > 0x1p-300

        // The determinant form of the recurrence: pᵢ = (aᵢ − x)pᵢ₋₁ − bᵢ₋₁²pᵢ₋₂ (pᵢ = Π_{m≤i} qₘ),
        // pᵢ' = −pᵢ₋₁ + (aᵢ − x)pᵢ₋₁' − bᵢ₋₁²pᵢ₋₂'. Its dependency chain is a multiply-add
        // instead of a division, so a pass takes about half the time of the pivot form on this
        // latency-bound loop. Sign changes of p₀ = 1, p₁, …, pₙ count the eigenvalues below x
        // (Wilkinson, The Algebraic Eigenvalue Problem, §5.37–5.39: the computed sequence is
        // exact for a matrix with small relative perturbations, as for the pivot form). The
        // pair (pᵢ₋₁, pᵢ) and its derivatives are rescaled by a power of two whenever they leave
        // 2^±400 (the check is off the dependency chain); p'/p is unchanged by the scaling. A
        // zero pair (a zero off-diagonal at an exact eigenvalue) or a non-finite value returns
        // nil, and the pivot form is used.
        func productPass(_ x: Double) -> (count: Int, logDerivative: Double)? {
            if !productFormSafe { return nil }
            return diagonal.withUnsafeBufferPointer { a in
                b2.withUnsafeBufferPointer { b in
                    var previous = 1.0
                    var p = a[0] - x
                    var dPrevious = 0.0
                    var dp = -1.0
                    var negatives = p < 0 ? 1 : 0
                    var i = 1
                    while i < n {
                        let c = a[i] - x
                        let next = c * p - b[i - 1] * previous
                        let dNext = c * dp - p - b[i - 1] * dPrevious
                        if (next < 0) != (p < 0) { negatives += 1 }
                        previous = p
                        p = next
                        dPrevious = dp
                        dp = dNext
                        let m = max(abs(p), abs(previous))
                        if !(m > 0x1p-400 && m < 0x1p400) {
                            if m == 0 || !m.isFinite { return nil }
                            let scale = Double(sign: .plus, exponent: -m.exponent, significand: 1)
                            p *= scale
                            previous *= scale
                            dp *= scale
                            dPrevious *= scale
                        }
                        i += 1
                    }
                    guard p != 0 || previous != 0, p.isFinite, dp.isFinite else { return nil }
                    return (negatives, dp / p)
                }
            }
        }

        // The pivot (LDLᵀ) form with LAPACK's pivmin guard.
        func ratioPass(_ x: Double) -> (count: Int, logDerivative: Double) {
            diagonal.withUnsafeBufferPointer { a in
                b2.withUnsafeBufferPointer { b in
                    var q = a[0] - x
                    if abs(q) < pivmin { q = -pivmin }
                    var dq = -1.0
                    var inverse = 1 / q
                    var negatives = q < 0 ? 1 : 0
                    var sum = dq * inverse
                    var i = 1
                    while i < n {
                        let t = b[i - 1] * inverse
                        q = a[i] - x - t
                        if abs(q) < pivmin { q = -pivmin }
                        dq = -1 + t * inverse * dq
                        inverse = 1 / q
                        if q < 0 { negatives += 1 }
                        sum += dq * inverse
                        i += 1
                    }
                    return (negatives, sum)
                }
            }
        }

        for j in 0..<k {
            var lo = gl
            var hi = gu
            for probe in probes {
                if probe.count <= j { lo = max(lo, probe.x) } else { hi = min(hi, probe.x) }
            }
            // Deflating by a root that x is within a few ε‖T‖ of cancels catastrophically (the
            // found root carries an error of that size), so Newton steps are taken only at least
            // `separation` away from every found root; closer in, bisection works alone.
            let separation = 1024 * tolerance
            var x = lo
            if let last = found.last, x < last + 8 * separation {
                x = last + 8 * separation < hi ? last + 8 * separation : 0.5 * (lo + hi)
            }
            var result: Double? = nil
            var iterations = 0
            while result == nil {
                iterations += 1
                if hi - lo <= tolerance {
                    result = 0.5 * (lo + hi)
                    break
                }
                let (c, logDerivative) = pass(x)
                probes.append((x, c))
                if c <= j { lo = max(lo, x) } else { hi = min(hi, x) }
                var next = 0.5 * (lo + hi)
                var newton = false
                // After 100 passes (never seen in practice), plain bisection finishes the job.
                if iterations <= 100 && !found.contains(where: { abs(x - $0) < separation }) {
                    var deflated = logDerivative
                    for root in found { deflated -= 1 / (x - root) }
                    let step = -1 / deflated
                    let target = x + step
                    if step.isFinite && abs(step) <= 0.5 * tolerance {
                        // Converged. Rounding moves the computed polynomial's root by a few
                        // ε‖T‖ from the Sturm counts' transition, so confirm the far side of the
                        // bracket with one count at 2·tolerance (the near side is x itself).
                        let check = c <= j ? target + 2 * tolerance : target - 2 * tolerance
                        if (c <= j && check >= hi) || (c > j && check <= lo) {
                            result = min(max(target, lo), hi)
                            break
                        }
                        let (confirm, _) = pass(check)
                        probes.append((check, confirm))
                        if confirm <= j { lo = max(lo, check) } else { hi = min(hi, check) }
                        if (c <= j) == (confirm > j) {
                            result = min(max(target, lo), hi)
                            break
                        }
                        next = check
                        newton = true
                    } else if step.isFinite && target > lo && target < hi {
                        // From the left (count ≤ j) the step is positive and never passes λⱼ
                        // in exact arithmetic; from the right it moves left. Either way it
                        // must stay inside the bracket, or bisection takes over.
                        next = target
                        newton = true
                    }
                }
                if !newton { stats.bisections += 1 }
                x = next
            }
            found.append(result ?? 0.5 * (lo + hi))  // safe: the loop only exits with result set
        }
        return (found, stats)
    }
}
