import AdiabatCore
import Foundation

/// The Scharfetter–Gummel finite-volume discretisation of the Fokker–Planck operator
/// `Lρ = ∇·(∇ρ − bρ)` on a 1-D or 2-D ``UniformGrid`` with zero-flux walls.
///
/// Each node owns a cell of volume `ΔV`; the flux through the face between nodes `i` and
/// `i+1` along an axis with spacing `h` is
///
///     J = (1/h)·[B(−P)·ρᵢ − B(P)·ρᵢ₊₁],   P = b·h,   B(z) = z/(eᶻ − 1),
///
/// with `b` the drift component at the face midpoint. `J` is exact for constant drift (it
/// vanishes on `ρ ∝ e^{bx}`), becomes upwinding for large `|P|` and central differencing for
/// small `|P|`, and is second order in `h`. Writing `αᵢ = B(−P)/h²` (mass leaving node `i`
/// to the right) and `βᵢ = B(P)/h²` (node `i+1` to the left), both positive,
///
///     (Lρ)ᵢ = −(αᵢ + βᵢ₋₁)ρᵢ + βᵢρᵢ₊₁ + αᵢ₋₁ρᵢ₋₁,
///
/// so every column of `L` sums to zero (mass is conserved exactly) and `I − cL` is an
/// M-matrix for every `c > 0` (implicit Euler keeps densities positive at any step size).
struct FluxOperator: Sendable {
    let grid: UniformGrid
    /// Per axis: the flat index of each face's left node.
    let faceNodes: [[Int]]
    /// Per axis: the face midpoints, point-major.
    let facePoints: [[Double]]

    init(grid: UniformGrid) {
        self.grid = grid
        let d = grid.dimension
        let strides = grid.strides
        var nodes: [[Int]] = []
        var points: [[Double]] = []
        var x = [Double](repeating: 0, count: d)
        let h = grid.spacing
        for a in 0..<d {
            var list: [Int] = []
            var pts: [Double] = []
            list.reserveCapacity(grid.count)
            pts.reserveCapacity(grid.count * d)
            for k in 0..<grid.count {
                let i = (k / strides[a]) % grid.points[a]
                if i == grid.points[a] - 1 { continue }
                list.append(k)
                grid.point(k, into: &x)
                for c in 0..<d { pts.append(c == a ? x[c] + 0.5 * h[a] : x[c]) }
            }
            nodes.append(list)
            points.append(pts)
        }
        faceNodes = nodes
        facePoints = points
    }

    /// `B(z) = z/(eᶻ − 1)`, with its series near 0 (error below 1e-16 for |z| < 1e-4).
    @inline(__always) static func bernoulli(_ z: Double) -> Double {
        if abs(z) < 1e-4 { return 1 - z * (0.5 - z / 12) }
        return z / expm1(z)
    }

    /// The face coefficients `(α, β)` along `axis` for the drift `b = λx + c·s(x)`, with the
    /// score field `field`. `alpha`/`beta` are indexed by the face's left node (length
    /// `grid.count`; entries for nodes on the upper wall stay 0). Returns the index of a
    /// face where the score is not finite, if any.
    func coefficients(
        axis a: Int, field: any ScoreField, linear lambda: Double, scoreWeight c: Double,
        alpha: UnsafeMutablePointer<Double>, beta: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
    ) -> Int? {
        let d = grid.dimension
        let h = grid.spacing[a]
        let invH2 = 1 / (h * h)
        let count = faceNodes[a].count
        let blockSize = 2048
        let blocks = (count + blockSize - 1) / blockSize
        let al = SharedPointer(alpha)
        let be = SharedPointer(beta)
        let sc = SharedPointer(scratch)
        let badFace = UnsafeMutablePointer<Int>.allocate(capacity: max(blocks, 1))
        badFace.initialize(repeating: -1, count: max(blocks, 1))
        defer { badFace.deallocate() }
        let bad = SharedPointer(badFace)
        facePoints[a].withUnsafeBufferPointer { pts in
            faceNodes[a].withUnsafeBufferPointer { nodes in
                let p = SharedReadPointer(pts.baseAddress!)  // safe: every axis has ≥ 2 faces (≥ 3 points)
                let nd = SharedReadPointer(nodes.baseAddress!)
                Parallel.forEachTask(blocks) { b in
                    let lo = b * blockSize
                    let m = min(blockSize, count - lo)
                    field.evaluate(points: p.base + lo * d, count: m, into: sc.base + lo * d)
                    for f in lo..<(lo + m) {
                        let s = sc[f * d + a]
                        let drift = lambda * p[f * d + a] + c * s
                        guard drift.isFinite else {
                            if bad[b] < 0 { bad[b] = f }
                            continue
                        }
                        let peclet = drift * h
                        let k = nd[f]
                        al[k] = FluxOperator.bernoulli(-peclet) * invH2
                        be[k] = FluxOperator.bernoulli(peclet) * invH2
                    }
                }
            }
        }
        for b in 0..<blocks where badFace[b] >= 0 { return badFace[b] }
        return nil
    }

    /// The point of face `f` on `axis`.
    func facePoint(axis a: Int, _ f: Int) -> [Double] {
        let d = grid.dimension
        return Array(facePoints[a][(f * d)..<((f + 1) * d)])
    }

    /// `out += c·L_a ρ` (the axis-`a` part of the operator).
    func applyAdd(
        axis a: Int, alpha: UnsafePointer<Double>, beta: UnsafePointer<Double>, c: Double,
        _ rho: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>
    ) {
        let st = grid.strides[a]
        let n = grid.points[a]
        let r = SharedReadPointer(rho)
        let o = SharedPointer(out)
        let al = SharedReadPointer(alpha)
        let be = SharedReadPointer(beta)
        Parallel.forEachChunk(count: grid.count, minimumChunk: 8192) { range in
            for k in range {
                let i = (k / st) % n
                var v = 0.0
                if i < n - 1 { v += -al[k] * r[k] + be[k] * r[k + st] }
                if i > 0 { v += al[k - st] * r[k - st] - be[k - st] * r[k] }
                o[k] += c * v
            }
        }
    }

    /// Solves `(I − c·L_a) y = rhs` along every line of axis `a` (tridiagonal, Thomas
    /// algorithm; no pivoting is needed because the matrix is column diagonally dominant).
    /// `rhs` and `y` may be the same buffer.
    func solveLines(
        axis a: Int, alpha: UnsafePointer<Double>, beta: UnsafePointer<Double>, c: Double,
        rhs: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>
    ) {
        let st = grid.strides[a]
        let n = grid.points[a]
        let lines = grid.count / n
        let al = SharedReadPointer(alpha)
        let be = SharedReadPointer(beta)
        let r = SharedReadPointer(rhs)
        let out = SharedPointer(y)
        // Line `l` starts at the flat index with i_a = 0: decompose l over the other axes.
        let lineStart: @Sendable (Int) -> Int = { l in
            // index = (l / st)·(st·n) + (l % st): lines enumerate (outer, inner) pairs.
            (l / st) * st * n + (l % st)
        }
        let chunk = max(1, min(lines, 64))
        let tasks = (lines + chunk - 1) / chunk
        Parallel.forEachTask(tasks) { t in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * n) { work in
                let cp = work.baseAddress!  // safe: n ≥ 3
                let dp = cp + n
                for l in (t * chunk)..<min(lines, (t + 1) * chunk) {
                    let base = lineStart(l)
                    // Forward sweep: row i has lower −cα_{i−1}, diag 1 + c(α_i + β_{i−1}), upper −cβ_i.
                    var prevC = 0.0
                    var prevD = 0.0
                    for i in 0..<n {
                        let k = base + i * st
                        var diag = 1.0
                        var lower = 0.0
                        var upper = 0.0
                        if i < n - 1 {
                            diag += c * al[k]
                            upper = -c * be[k]
                        }
                        if i > 0 {
                            diag += c * be[k - st]
                            lower = -c * al[k - st]
                        }
                        let denom = diag - lower * prevC
                        let ci = upper / denom
                        let di = (r[k] - lower * prevD) / denom
                        cp[i] = ci
                        dp[i] = di
                        prevC = ci
                        prevD = di
                    }
                    // Back substitution.
                    var next = dp[n - 1]
                    out[base + (n - 1) * st] = next
                    for i in stride(from: n - 2, through: 0, by: -1) {
                        next = dp[i] - cp[i] * next
                        out[base + i * st] = next
                    }
                }
            }
        }
    }
}
