import AdiabatCore
import Foundation
import Quantum

/// The Score Hamiltonian of a radial 3-D field `S(x) = f(r) r̂`, `r = |x|` (issue 17,
/// docs/score-fields.md "Radial fields"), solved in its angular-momentum channels on a
/// ``RadialGrid`` rather than on a 3-D grid.
///
/// `∇·(f r̂) = f' + 2f/r`, so `V(r) = ¼f² + ½(f' + 2f/r)`; with `ψ = u(r)/r · Y_lm` channel `l`
/// is `−u'' + (l(l+1)/r² + V) u = E u`, `u(0) = u(r_max) = 0` (``Quantum/RadialHamiltonian``).
/// The 3-D ground state lies in channel 0. `f'` is a second-order difference (central; forward
/// on three nodes at the first node when the file's axis starts at `h`), the order of the
/// radial Laplacian.
///
/// The file's `r` axis (a uniform ``UniformGrid`` in one dimension) starts at 0 or at its
/// spacing `h` (``Problems/ScoreFieldProblem``): its last node is the wall `r_max`, and the
/// radial grid's interior nodes are the file's nodes strictly between the origin and the wall.
public enum RadialScoreFieldHamiltonian {
    /// The radial grid of a field's `r` axis and the file index of its first interior node
    /// (1 when the axis starts at the origin, 0 when it starts at `h`).
    public static func radialGrid(_ axis: UniformGrid) throws -> (grid: RadialGrid, first: Int) {
        let n = axis.points[0]
        let first = axis.lower[0] < 0.5 * axis.spacing[0] ? 1 : 0
        return (try RadialGrid(rMax: axis.upper[0], points: n - 1 - first), first)
    }

    /// `∇·S = f' + 2f/r` at the radial grid's interior nodes.
    public static func divergence(_ f: [Double], axis: UniformGrid) throws -> [Double] {
        let (grid, first) = try radialGrid(axis)
        let h = axis.spacing[0]
        return (0..<grid.points).map { i in
            let j = i + first
            let slope = j == 0 ? (-3 * f[0] + 4 * f[1] - f[2]) / (2 * h) : (f[j + 1] - f[j - 1]) / (2 * h)
            return slope + 2 * f[j] / grid.radius(i)
        }
    }

    /// `V = ¼f² + ½(f' + 2f/r)` at the radial grid's interior nodes (the centrifugal term is
    /// added per channel by ``Quantum/RadialHamiltonian``).
    public static func potential(_ f: [Double], axis: UniformGrid) throws -> [Double] {
        guard f.count == axis.count else {
            throw InputError("score", "has \(f.count) values for \(axis.count) radii")
        }
        let (grid, first) = try radialGrid(axis)
        let divergence = try divergence(f, axis: axis)
        let v = (0..<grid.points).map { i in 0.25 * f[i + first] * f[i + first] + 0.5 * divergence[i] }
        if let i = v.firstIndex(where: { !$0.isFinite }) {
            throw InputError(
                "score", "gives a potential \(v[i]) at r = \(grid.radius(i))", hint: "the field must be finite on the grid")
        }
        return v
    }

    /// Channel `l` of the field's Score Hamiltonian.
    public static func hamiltonian(_ f: [Double], axis: UniformGrid, angularMomentum l: Int = 0) throws
        -> RadialHamiltonian
    {
        try RadialHamiltonian(grid: try radialGrid(axis).grid, potential: try potential(f, axis: axis), angularMomentum: l)
    }

    /// The density route's channel-`l` Hamiltonian for a reference `log p(r)` on the same axis:
    /// `V = Δₕu/u` with `u = r√p` at the interior nodes and `u = 0` at the origin and the wall,
    /// so that `u` is the discrete channel-0 ground state with energy 0 exactly (the radial
    /// counterpart of ``ScoreHamiltonian/discretePotential(halfLogDensity:grid:order:)``).
    public static func referenceHamiltonian(logDensity: [Double], axis: UniformGrid, angularMomentum l: Int = 0) throws
        -> RadialHamiltonian
    {
        let (grid, first) = try radialGrid(axis)
        let h2 = grid.spacing * grid.spacing
        let n = grid.points
        let logU = (0..<n).map { log(grid.radius($0)) + 0.5 * logDensity[$0 + first] }
        let v = (0..<n).map { i -> Double in
            var neighbours = 0.0
            if i > 0 { neighbours += exp(logU[i - 1] - logU[i]) }
            if i < n - 1 { neighbours += exp(logU[i + 1] - logU[i]) }
            return (neighbours - 2) / h2
        }
        return try RadialHamiltonian(grid: grid, potential: v, angularMomentum: l)
    }

    /// The field on every other node (spacing `2h`), keeping the nodes at even multiples of `h`
    /// so that the coarse axis again starts at 0 or at its spacing; `nil` below 5 nodes.
    public static func coarsened(_ f: [Double], axis: UniformGrid) -> (f: [Double], axis: UniformGrid)? {
        let h = axis.spacing[0]
        let start = axis.lower[0] < 0.5 * h ? 0 : 1
        let picked = Array(stride(from: start, to: f.count, by: 2))
        guard picked.count >= 5, let last = picked.last else { return nil }
        guard
            let coarse = try? UniformGrid(
                lower: [axis.lower[0] + Double(start) * h], upper: [axis.lower[0] + Double(last) * h],
                points: [picked.count])
        else { return nil }
        return (picked.map { f[$0] }, coarse)
    }

    /// The score error `ε` against a reference `log p(r)`: the RMS of `f − ∂_r log p` weighted
    /// by the radial mass `r²p` (the 3-D `p`-weighted RMS of `S − ∇log p`), `∂_r` by the same
    /// second-order differences.
    public static func scoreError(_ f: [Double], logDensity: [Double], axis: UniformGrid) -> Double {
        let g = ScoreFieldHamiltonian.gradient(logDensity, grid: axis)
        let peak = logDensity.max() ?? 0
        var num = 0.0
        var den = 0.0
        for j in 0..<axis.count {
            let r = axis.lower[0] + Double(j) * axis.spacing[0]
            let w = r * r * exp(logDensity[j] - peak)
            let e = f[j] - g[j]
            num += w * e * e
            den += w
        }
        return (num / den).squareRoot()
    }
}
