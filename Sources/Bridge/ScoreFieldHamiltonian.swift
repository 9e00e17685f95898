import AdiabatCore
import Foundation
import Quantum

/// The Score Hamiltonian of any vector field `S` on a grid, conservative or not (issue 17,
/// docs/score-fields.md):
///
///     H_S = −∇² + V,   V = ¼|S|² + ½∇·S .
///
/// `H_S = A*A` with `A = ∇ − S/2` holds for every `S` (the derivation of docs/theory.md §2.1
/// never uses `S = ∇log p`), so `H_S ≥ 0`; its ground energy `λθ = E₀` is 0 exactly when `S` is a
/// gradient `2∇log ψ` of a normalisable `ψ`, and otherwise measures how far `S` is from every
/// score: `λθ = ¼ min_q E_q|S − ∇log q|²` over densities `q` (docs/score-fields.md).
///
/// Derivatives are second-order finite differences, the order of the Laplacian of `H_S`:
/// central in the interior, one-sided (three nodes) on the walls.
public enum ScoreFieldHamiltonian {
    /// `∂f/∂x_a` at every node of `grid` for the scalar nodal field `f` (component `c` of a
    /// field with `components` per node).
    static func derivative(
        _ f: UnsafeBufferPointer<Double>, components: Int, component c: Int, axis a: Int, grid: UniformGrid,
        into out: inout [Double]
    ) {
        let m = grid.points[a]
        let s = grid.strides[a]
        let h = grid.spacing[a]
        let below = grid.count / (s * m)
        for block in 0..<below {
            for inner in 0..<s {
                let base = block * s * m + inner
                for i in 0..<m {
                    let k = base + i * s
                    let v: Double
                    if i == 0 {
                        v =
                            (-3 * f[k * components + c] + 4 * f[(k + s) * components + c] - f[(k + 2 * s) * components + c])
                            / (2 * h)
                    } else if i == m - 1 {
                        v =
                            (3 * f[k * components + c] - 4 * f[(k - s) * components + c] + f[(k - 2 * s) * components + c])
                            / (2 * h)
                    } else {
                        v = (f[(k + s) * components + c] - f[(k - s) * components + c]) / (2 * h)
                    }
                    out[k] = v
                }
            }
        }
    }

    /// `∂_a S_c` at every node (point-major field `S`, `d` components).
    public static func partial(_ score: [Double], grid: UniformGrid, component c: Int, axis a: Int) -> [Double] {
        var out = [Double](repeating: 0, count: grid.count)
        score.withUnsafeBufferPointer {
            derivative($0, components: grid.dimension, component: c, axis: a, grid: grid, into: &out)
        }
        return out
    }

    /// The gradient of a nodal scalar, point-major.
    public static func gradient(_ f: [Double], grid: UniformGrid) -> [Double] {
        let d = grid.dimension
        var g = [Double](repeating: 0, count: grid.count * d)
        var part = [Double](repeating: 0, count: grid.count)
        for a in 0..<d {
            f.withUnsafeBufferPointer { derivative($0, components: 1, component: 0, axis: a, grid: grid, into: &part) }
            for k in 0..<grid.count { g[k * d + a] = part[k] }
        }
        return g
    }

    /// `∇·S` at every node.
    public static func divergence(_ score: [Double], grid: UniformGrid) -> [Double] {
        var total = [Double](repeating: 0, count: grid.count)
        for a in 0..<grid.dimension {
            let p = partial(score, grid: grid, component: a, axis: a)
            for k in 0..<grid.count { total[k] += p[k] }
        }
        return total
    }

    /// `|∇×S|` at every node: `|∂₀S₁ − ∂₁S₀|` in 2-D, the length of the curl vector in 3-D,
    /// `nil` in 1-D (every 1-D field is a gradient).
    public static func curl(_ score: [Double], grid: UniformGrid) -> [Double]? {
        let d = grid.dimension
        guard d >= 2 else { return nil }
        func rot(_ i: Int, _ j: Int) -> [Double] {
            let a = partial(score, grid: grid, component: j, axis: i)
            let b = partial(score, grid: grid, component: i, axis: j)
            return zip(a, b).map { $0 - $1 }
        }
        if d == 2 { return rot(0, 1).map(abs) }
        let w0 = rot(1, 2)
        let w1 = rot(2, 0)
        let w2 = rot(0, 1)
        var out = [Double](repeating: 0, count: grid.count)
        for k in 0..<grid.count {
            let q: Double = w0[k] * w0[k] + w1[k] * w1[k] + w2[k] * w2[k]
            out[k] = q.squareRoot()
        }
        return out
    }

    /// `V = ¼|S|² + ½∇·S` at every node.
    public static func potential(_ score: [Double], grid: UniformGrid) throws -> [Double] {
        let d = grid.dimension
        guard score.count == grid.count * d else {
            throw InputError("score", "has \(score.count) values for \(grid.count) nodes × \(d) components")
        }
        let divergence = divergence(score, grid: grid)
        var v = [Double](repeating: 0, count: grid.count)
        for k in 0..<grid.count {
            var s2 = 0.0
            for a in 0..<d { s2 += score[k * d + a] * score[k * d + a] }
            v[k] = 0.25 * s2 + 0.5 * divergence[k]
        }
        if let i = v.firstIndex(where: { !$0.isFinite }) {
            var x = [Double](repeating: 0, count: d)
            grid.point(i, into: &x)
            throw InputError("score", "gives a potential \(v[i]) at x = \(x)", hint: "the field must be finite on the grid")
        }
        return v
    }

    /// The Hamiltonian `−∇² + ¼|S|² + ½∇·S` (second-order Laplacian, Dirichlet walls).
    public static func hamiltonian(_ score: [Double], grid: UniformGrid) throws -> GridHamiltonian {
        try GridHamiltonian(grid: grid, potential: try potential(score, grid: grid), order: .second)
    }

    /// The field on every other node per axis (the grid with spacing `2h`), for the
    /// discretisation-error estimate; `nil` when an axis would keep fewer than 3 nodes.
    public static func coarsened(_ score: [Double], grid: UniformGrid) -> (score: [Double], grid: UniformGrid)? {
        let d = grid.dimension
        let points = grid.points.map { ($0 + 1) / 2 }
        guard points.allSatisfy({ $0 >= 3 }) else { return nil }
        let upper = (0..<d).map { grid.lower[$0] + Double(2 * (points[$0] - 1)) * grid.spacing[$0] }
        guard let coarse = try? UniformGrid(lower: grid.lower, upper: upper, points: points) else { return nil }
        var out = [Double](repeating: 0, count: coarse.count * d)
        let strides = grid.strides
        for k in 0..<coarse.count {
            var fine = 0
            coarse.forEachAxis(ofNode: k) { a, i in fine += 2 * i * strides[a] }
            for c in 0..<d { out[k * d + c] = score[fine * d + c] }
        }
        return (out, coarse)
    }

    // MARK: Helmholtz–Hodge

    /// The weighted Helmholtz–Hodge split `S = ∇φ + r` on the grid: `∇φ` is the projection of
    /// `S` onto discrete gradients in `L²(w)`, the minimiser of `Σ_e w_e (D_eφ − S_e)²` over the
    /// grid's edges `e` (`D_e` the difference quotient along the edge, `S_e` the edge's
    /// component of `S` averaged over its two nodes, `w_e` the average weight). The normal
    /// equations `DᵀWD φ = DᵀW S` (a weighted Poisson equation `∇·(w∇φ) = ∇·(wS)` with no-flux
    /// walls) are solved by conjugate gradients with a Jacobi preconditioner.
    public struct HodgeSplit: Sendable {
        /// The potential `φ` at every node (mean zero).
        public var potential: [Double]
        /// `‖r‖_w / ‖S‖_w`: 0 for a gradient field, 1 for a field orthogonal to all gradients.
        public var remainderRatio: Double
        public var iterations: Int
        /// The final relative residual of the normal equations.
        public var residual: Double
    }

    /// The split with weights `w` at the nodes (`w ≡ 1`: the unweighted split on the box, with
    /// no-flux walls). Weights are floored at `1e-10·max w` so that the system stays definite.
    public static func hodge(
        _ score: [Double], grid: UniformGrid, weight: [Double]? = nil, tolerance: Double = 1e-9,
        maxIterations: Int = 20_000
    ) -> HodgeSplit {
        let d = grid.dimension
        let n = grid.count
        let strides = grid.strides
        let spacing = grid.spacing
        let peak = weight?.max() ?? 1
        let w = (weight ?? [Double](repeating: 1, count: n)).map { max($0 / peak, 1e-10) }
        // Edges per axis: (node k, weight, S component at the edge).
        var edgeNodes: [[Int]] = Array(repeating: [], count: d)
        var edgeWeights: [[Double]] = Array(repeating: [], count: d)
        var edgeField: [[Double]] = Array(repeating: [], count: d)
        for a in 0..<d {
            let s = strides[a]
            let m = grid.points[a]
            for k in 0..<n where (k / s) % m < m - 1 {
                edgeNodes[a].append(k)
                edgeWeights[a].append(0.5 * (w[k] + w[k + s]))
                edgeField[a].append(0.5 * (score[k * d + a] + score[(k + s) * d + a]))
            }
        }
        func apply(_ phi: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: n)
            for a in 0..<d {
                let s = strides[a]
                let h2 = spacing[a] * spacing[a]
                let nodes = edgeNodes[a]
                let we = edgeWeights[a]
                for e in 0..<nodes.count {
                    let k = nodes[e]
                    let f = we[e] * (phi[k + s] - phi[k]) / h2
                    out[k] -= f
                    out[k + s] += f
                }
            }
            return out
        }
        var b = [Double](repeating: 0, count: n)
        var diagonal = [Double](repeating: 0, count: n)
        for a in 0..<d {
            let s = strides[a]
            let h = spacing[a]
            for e in 0..<edgeNodes[a].count {
                let k = edgeNodes[a][e]
                let g = edgeWeights[a][e] * edgeField[a][e] / h
                b[k] -= g
                b[k + s] += g
                let dw = edgeWeights[a][e] / (h * h)
                diagonal[k] += dw
                diagonal[k + s] += dw
            }
        }
        // The equations hold with a sign: DᵀWDφ = DᵀWS, and apply() computes DᵀWDφ, b = DᵀWS.
        var phi = [Double](repeating: 0, count: n)
        var r = b
        let bNorm = max(b.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-300)
        var z = zip(r, diagonal).map { $0 / $1 }
        var p = z
        var rz = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
        var iterations = 0
        var residual = 1.0
        while iterations < maxIterations {
            let ap = apply(p)
            let pap = zip(p, ap).reduce(0) { $0 + $1.0 * $1.1 }
            guard pap > 0 else { break }
            let alpha = rz / pap
            for k in 0..<n {
                phi[k] += alpha * p[k]
                r[k] -= alpha * ap[k]
            }
            iterations += 1
            residual = r.reduce(0) { $0 + $1 * $1 }.squareRoot() / bNorm
            if residual < tolerance { break }
            for k in 0..<n { z[k] = r[k] / diagonal[k] }
            let rzNext = zip(r, z).reduce(0) { $0 + $1.0 * $1.1 }
            let beta = rzNext / rz
            rz = rzNext
            for k in 0..<n { p[k] = z[k] + beta * p[k] }
        }
        let mean = phi.reduce(0, +) / Double(n)
        phi = phi.map { $0 - mean }
        var rr = 0.0
        var ss = 0.0
        for a in 0..<d {
            let s = strides[a]
            let h = spacing[a]
            for e in 0..<edgeNodes[a].count {
                let k = edgeNodes[a][e]
                let grad = (phi[k + s] - phi[k]) / h
                let rem = edgeField[a][e] - grad
                rr += edgeWeights[a][e] * rem * rem
                ss += edgeWeights[a][e] * edgeField[a][e] * edgeField[a][e]
            }
        }
        return HodgeSplit(
            potential: phi, remainderRatio: ss > 0 ? (rr / ss).squareRoot() : 0, iterations: iterations, residual: residual)
    }

    /// The `w`-weighted RMS of a nodal field: `(Σ w f² / Σ w)^{1/2}`.
    public static func weightedRMS(_ f: [Double], weight w: [Double]) -> Double {
        var num = 0.0
        var den = 0.0
        for k in f.indices {
            num += w[k] * f[k] * f[k]
            den += w[k]
        }
        return den > 0 ? (num / den).squareRoot() : .nan
    }

    /// The `p`-weighted RMS of `S − ∇log p` (score error `ε` against a reference density given as
    /// `log p` on the grid; `∇log p` by the same second-order differences).
    public static func scoreError(_ score: [Double], logDensity: [Double], grid: UniformGrid) -> Double {
        let d = grid.dimension
        let g = gradient(logDensity, grid: grid)
        let peak = logDensity.max() ?? 0
        var num = 0.0
        var den = 0.0
        for k in 0..<grid.count {
            let p = exp(logDensity[k] - peak)
            var e2 = 0.0
            for a in 0..<d {
                let e = score[k * d + a] - g[k * d + a]
                e2 += e * e
            }
            num += p * e2
            den += p
        }
        return (num / den).squareRoot()
    }
}
