import AdiabatCore
import Foundation
import GSLKit
import Landscapes

/// The stationary law of Langevin dynamics `dx = b(x) dτ + √2 dW` on a grid with zero-flux
/// walls, in the same Scharfetter–Gummel discretisation as the time-dependent solver.
public struct StationarySolution: Sendable {
    public let density: GridLaw
    /// `max|Lρ| / max|diag(L)·ρ|`: how exactly `ρ` solves the discrete stationary equation.
    public let relativeResidual: Double
    /// "zero-flux recurrence" (1-D) or "banded LU" (2-D).
    public let method: String
}

/// Stationary Fokker–Planck solutions `∇·(∇ρ − bρ) = 0`, `∫ρ = 1`.
///
/// - 1-D: every drift is a gradient, and the stationary state has zero flux through every
///   face, so `ρᵢ₊₁/ρᵢ = B(−P)/B(P) = e^{P}`: the exact null vector of the discrete
///   operator, by a recurrence in `O(n)` (evaluated in log space).
/// - 2-D: a non-gradient drift (a perturbed score) leaves circulating flux, and no closed
///   form exists. The null vector of the 5-point operator is found directly: one row is
///   replaced by `ρ_{r} = 1` (at a node `r` inside the mass) and the banded system is solved
///   by LAPACK's LU with partial pivoting (`dgbsv`, bandwidth = the shorter grid side). The
///   other rows then force `Lρ = 0` everywhere, since the columns of `L` sum to zero. A
///   direct solve is used rather than long implicit time stepping because ADI splitting
///   has a splitting error at steady state, and rather than an unpreconditioned Krylov
///   method because the operator's condition number grows like `n²`.
public enum StationaryFokkerPlanck {
    /// The stationary law of `dx = s(x) dτ + √2 dW` for the score field `field`.
    public static func solve(grid: UniformGrid, field: any ScoreField) throws -> StationarySolution {
        guard (1...2).contains(grid.dimension) else {
            throw InputError("grid", "the stationary Fokker–Planck solver works on 1-D and 2-D grids (got \(grid.dimension)-D)")
        }
        guard field.dimension == grid.dimension else {
            throw InputError("grid", "has dimension \(grid.dimension) but the score has \(field.dimension)")
        }
        let op = FluxOperator(grid: grid)
        let n = grid.count
        let d = grid.dimension
        var alpha = Array(repeating: [Double](repeating: 0, count: n), count: d)
        var beta = alpha
        var scratch = [Double](repeating: 0, count: n * d)
        for a in 0..<d {
            let bad = alpha[a].withUnsafeMutableBufferPointer { al in
                beta[a].withUnsafeMutableBufferPointer { be in
                    scratch.withUnsafeMutableBufferPointer { sc in
                        // safe: buffers have n ≥ 3 entries
                        op.coefficients(
                            axis: a, field: field, linear: 0, scoreWeight: 1, alpha: al.baseAddress!, beta: be.baseAddress!,
                            scratch: sc.baseAddress!)
                    }
                }
            }
            if let f = bad {
                throw DiffusionFailure(
                    message: "the score is not finite at the grid point \(op.facePoint(axis: a, f))",
                    hint: "check the score model on the whole grid", partialResult: [])
            }
        }
        let values: [Double]
        let method: String
        if d == 1 {
            values = recurrence1D(alpha: alpha[0], beta: beta[0], n: n)
            method = "zero-flux recurrence"
        } else {
            values = try bandedSolve2D(op: op, alpha: alpha, beta: beta)
            method = "banded LU"
        }
        let residual = relativeResidual(op: op, alpha: alpha, beta: beta, rho: values)
        return StationarySolution(density: try GridLaw(grid: grid, values: values), relativeResidual: residual, method: method)
    }

    /// The stationary law of Langevin dynamics with the score model's field at time `t`.
    public static func solve(grid: UniformGrid, score: any ScoreModel, time t: Double) throws -> StationarySolution {
        try solve(grid: grid, field: try score.field(at: t))
    }

    /// `log ρᵢ₊₁ = log ρᵢ + log(αᵢ/βᵢ)`, i.e. `+ Pᵢ`, exactly.
    private static func recurrence1D(alpha: [Double], beta: [Double], n: Int) -> [Double] {
        var logs = [Double](repeating: 0, count: n)
        for i in 0..<(n - 1) { logs[i + 1] = logs[i] + log(alpha[i]) - log(beta[i]) }
        let peak = logs.max() ?? 0
        return logs.map { exp($0 - peak) }
    }

    private static func bandedSolve2D(op: FluxOperator, alpha: [[Double]], beta: [[Double]]) throws -> [Double] {
        let grid = op.grid
        let n0 = grid.points[0]
        let n1 = grid.points[1]
        let n = grid.count
        // Order unknowns so that the bandwidth is the shorter side.
        let transposed = n0 < n1
        let bandwidth = transposed ? n0 : n1
        @inline(__always) func position(_ k: Int) -> Int {
            transposed ? (k % n1) * n0 + k / n1 : k
        }
        // Pick the pinned node inside the mass: a few split implicit-Euler steps from the
        // uniform density locate it (only its rough position matters).
        let pinned = position(roughMaximum(op: op, alpha: alpha, beta: beta))
        var matrix = try BandedMatrix(size: n, lowerBandwidth: bandwidth, upperBandwidth: bandwidth)
        let strides = grid.strides
        for a in 0..<2 {
            let st = strides[a]
            for k in 0..<n {
                let i = (k / st) % grid.points[a]
                guard i < grid.points[a] - 1 else { continue }
                let left = position(k)
                let right = position(k + st)
                let al = alpha[a][k]
                let be = beta[a][k]
                // −L: the flux from `left` to `right` is α·ρ_left − β·ρ_right.
                if left != pinned {
                    matrix.add(al, at: left, left)
                    matrix.add(-be, at: left, right)
                }
                if right != pinned {
                    matrix.add(be, at: right, right)
                    matrix.add(-al, at: right, left)
                }
            }
        }
        matrix[pinned, pinned] = 1
        var rhs = [Double](repeating: 0, count: n)
        rhs[pinned] = 1
        let solution = try matrix.solve(rhs)
        var values = [Double](repeating: 0, count: n)
        var peak = 0.0
        for k in 0..<n {
            values[k] = solution[position(k)]
            peak = max(peak, values[k])
        }
        guard peak > 0, peak.isFinite else {
            throw DiffusionFailure(
                message: "the stationary solve returned no positive density (peak \(peak))",
                hint: "the drift may not confine the density on this grid", partialResult: values)
        }
        // The exact null vector of an irreducible M-matrix operator is positive; rounding may
        // leave values of order 1e-16·peak of either sign where the density is negligible.
        for k in 0..<n where values[k] < 0 {
            guard values[k] > -1e-10 * peak else {
                throw DiffusionFailure(
                    message: "the stationary solve returned a negative density (\(values[k] / peak) of the peak)",
                    hint: "the linear solve lost accuracy; use a smaller grid", partialResult: values)
            }
            values[k] = 0
        }
        return values
    }

    /// The node of largest density after 40 split implicit-Euler steps (Δ = 0.5) from the
    /// uniform density.
    private static func roughMaximum(op: FluxOperator, alpha: [[Double]], beta: [[Double]]) -> Int {
        var rho = [Double](repeating: 1, count: op.grid.count)
        rho.withUnsafeMutableBufferPointer { r in
            for _ in 0..<40 {
                for a in 0..<op.grid.dimension {
                    alpha[a].withUnsafeBufferPointer { al in
                        beta[a].withUnsafeBufferPointer { be in
                            // safe: non-empty buffers
                            op.solveLines(
                                axis: a, alpha: al.baseAddress!, beta: be.baseAddress!, c: 0.5, rhs: r.baseAddress!,
                                into: r.baseAddress!)
                        }
                    }
                }
            }
        }
        var best = 0
        for k in rho.indices where rho[k] > rho[best] { best = k }
        return best
    }

    private static func relativeResidual(op: FluxOperator, alpha: [[Double]], beta: [[Double]], rho: [Double]) -> Double {
        let n = op.grid.count
        var out = [Double](repeating: 0, count: n)
        var scale = 0.0
        let strides = op.grid.strides
        for k in 0..<n {
            var diag = 0.0
            for a in 0..<op.grid.dimension {
                let st = strides[a]
                let i = (k / st) % op.grid.points[a]
                if i < op.grid.points[a] - 1 { diag += alpha[a][k] }
                if i > 0 { diag += beta[a][k - st] }
            }
            scale = max(scale, diag * rho[k])
        }
        rho.withUnsafeBufferPointer { r in
            out.withUnsafeMutableBufferPointer { o in
                for a in 0..<op.grid.dimension {
                    alpha[a].withUnsafeBufferPointer { al in
                        beta[a].withUnsafeBufferPointer { be in
                            // safe: non-empty buffers
                            op.applyAdd(
                                axis: a, alpha: al.baseAddress!, beta: be.baseAddress!, c: 1, r.baseAddress!, into: o.baseAddress!
                            )
                        }
                    }
                }
            }
        }
        var worst = 0.0
        for v in out { worst = max(worst, abs(v)) }
        return scale > 0 ? worst / scale : 0
    }
}
