import AdiabatCore
import Foundation
import Landscapes
import Quantum

/// Score → Hamiltonian: the Score Hamiltonian `H = −∇² + V`, `V = ¼|s|² + ½∇·s` (docs/theory.md
/// (1), §2.1), sampled on grids.
///
/// Two discretisations of `V` (``PotentialForm``):
/// - `analytic`: the formula at every node, from the landscape's exact score and divergence.
///   Then `H_h√p = O(hᵖ)` for stencil order `p`, and the lowest level is `O(hᵖ)` from 0.
/// - `discrete`: `V_i = (∇ₕ²√p)_i/√p_i` with the same stencil `∇ₕ²` as `H_h` (values beyond
///   the walls 0), computed from `log p` as `Σ w_j e^{φ_{i±j} − φ_i}` (φ = ½ log p), so deep
///   tails neither underflow nor lose digits. Then `H_h√p = 0` to rounding: `√p` sampled at
///   the nodes is the exact discrete ground state with energy 0 (Perron–Frobenius for the
///   second-order stencil, whose off-diagonals are ≤ 0). This is the form for densities known
///   only on the grid (``Landscapes/GridDensity``), where no exact `∇·s` exists.
///
/// `automatic` picks `discrete` for a grid density tabulated on the same grid, `analytic`
/// otherwise.
public enum ScoreHamiltonian {
    public enum PotentialForm: String, Sendable, CaseIterable, Codable {
        case automatic
        case analytic
        case discrete
    }

    /// `V` at every node of `grid` for the landscape as it is (one diffusion time).
    ///
    /// - Throws: if the dimensions differ, or if `V` is not finite at a node (a singular
    ///   score, e.g. hydrogen's at the origin: solve such landscapes on a radial grid).
    public static func potential(
        of landscape: any Landscape, on grid: UniformGrid, order: LaplacianOrder = .second, form: PotentialForm = .automatic
    ) throws -> [Double] {
        guard landscape.dimension == grid.dimension else {
            throw InputError(
                "grid", "is \(grid.dimension)-D but the landscape is \(landscape.dimension)-D",
                hint: landscape is any RadialLandscape ? "this landscape is radial: give [grid] r_max and points" : "")
        }
        let resolved: PotentialForm
        switch form {
        case .automatic:
            if let g = landscape as? GridDensity, g.grid == grid { resolved = .discrete } else { resolved = .analytic }
        default: resolved = form
        }
        let values: [Double]
        if resolved == .discrete {
            values = discretePotential(
                halfLogDensity: try logDensity(of: landscape, on: grid).map { 0.5 * $0 }, grid: grid, order: order)
        } else {
            values = analyticPotential(landscape, grid: grid)
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            var x = [Double](repeating: 0, count: grid.dimension)
            grid.point(i, into: &x)
            throw InputError(
                "grid", "the Score-Hamiltonian potential is \(values[i]) at the node x = \(x)",
                hint: landscape is any RadialLandscape
                    ? "the score of this radial landscape is singular at the origin; solve it on a radial grid (r_max, points)"
                    : "the score or its divergence is singular there; move the grid or regularise the landscape")
        }
        return values
    }

    /// `V_t` at every node at diffusion time `t` of `process` (the landscape's forward
    /// marginal, then ``potential(of:on:order:form:)``). This is the potential a real-time
    /// Schrödinger evolution along the diffusion path needs at each `t`.
    public static func potential(
        of landscape: any Landscape, on grid: UniformGrid, time t: Double, process: ForwardProcess = .ou,
        order: LaplacianOrder = .second, form: PotentialForm = .automatic
    ) throws -> [Double] {
        try potential(of: try landscape.marginal(time: t, process: process), on: grid, order: order, form: form)
    }

    /// `V(r)` at the interior nodes of a radial grid (the centrifugal term `l(l+1)/r²` is
    /// not included: ``Quantum/RadialHamiltonian`` adds it per channel).
    public static func potential(of landscape: any RadialLandscape, on grid: RadialGrid) throws -> [Double] {
        var values = [Double](repeating: 0, count: grid.points)
        values.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)  // safe: a radial grid has ≥ 3 points
            Parallel.forEachChunk(count: grid.points, minimumChunk: 256) { range in
                for i in range { out[i] = landscape.radialPotential(grid.radius(i)) }
            }
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw InputError("grid", "the Score-Hamiltonian potential is \(values[i]) at r = \(grid.radius(i))")
        }
        return values
    }

    /// The Hamiltonian `−∇² + V` on a uniform grid.
    public static func hamiltonian(
        of landscape: any Landscape, on grid: UniformGrid, order: LaplacianOrder = .second, form: PotentialForm = .automatic
    ) throws -> GridHamiltonian {
        try GridHamiltonian(grid: grid, potential: try potential(of: landscape, on: grid, order: order, form: form), order: order)
    }

    /// The radial Hamiltonian of channel `l`.
    public static func hamiltonian(of landscape: any RadialLandscape, on grid: RadialGrid, angularMomentum l: Int) throws
        -> RadialHamiltonian
    {
        try RadialHamiltonian(grid: grid, potential: try potential(of: landscape, on: grid), angularMomentum: l)
    }

    /// `log p` at every node.
    public static func logDensity(of landscape: any Landscape, on grid: UniformGrid) throws -> [Double] {
        if let g = landscape as? GridDensity, g.grid == grid { return g.logValues }
        let d = grid.dimension
        let values = tabulate(on: grid, minimumChunk: 2048) { landscape.logDensity(at: $0) }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            var x = [Double](repeating: 0, count: d)
            grid.point(i, into: &x)
            throw InputError(
                "grid", "log p is \(values[i]) at the node x = \(x)", hint: "the density must be positive on the grid")
        }
        return values
    }

    /// `√p` at every node, normalised on the grid (`Σ p ΔV = 1`): the zero-energy ground
    /// state of the Score Hamiltonian, the initial state of an evolution from the noise end
    /// and the target of its fidelity (docs/theory.md §5).
    public static func groundStateAmplitude(of landscape: any Landscape, on grid: UniformGrid) throws -> [Double] {
        let logP = try logDensity(of: landscape, on: grid)
        let peak = logP.max() ?? 0
        var mass = 0.0
        for l in logP { mass += exp(l - peak) }
        let logNorm = peak + log(mass * grid.cellVolume)
        return logP.map { exp(0.5 * ($0 - logNorm)) }
    }

    /// `u(r) = r√p(r)` at the radial nodes, normalised so that `Σ u² h = 1`: the channel-0
    /// ground state.
    public static func groundStateAmplitude(of landscape: any RadialLandscape, on grid: RadialGrid) -> [Double] {
        let logU2 = grid.radii.map { 2 * log($0) + landscape.radialLogDensity($0) }
        let peak = logU2.max() ?? 0
        var mass = 0.0
        for l in logU2 { mass += exp(l - peak) }
        let logNorm = peak + log(mass * grid.spacing)
        return logU2.map { exp(0.5 * ($0 - logNorm)) }
    }

    // MARK: Discretisations

    static func analyticPotential(_ landscape: any Landscape, grid: UniformGrid) -> [Double] {
        tabulate(on: grid, minimumChunk: 1024) { landscape.potential(at: $0) }
    }

    /// `f(x_k)` at every node `k` of `grid`, in parallel chunks of at least `minimumChunk`
    /// nodes (one coordinate buffer per chunk).
    static func tabulate(on grid: UniformGrid, minimumChunk: Int, _ f: @Sendable (UnsafeBufferPointer<Double>) -> Double)
        -> [Double]
    {
        let d = grid.dimension
        var values = [Double](repeating: 0, count: grid.count)
        values.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)  // safe: a grid has ≥ 3 nodes
            Parallel.forEachChunk(count: grid.count, minimumChunk: minimumChunk) { range in
                var x = [Double](repeating: 0, count: d)
                for k in range {
                    grid.point(k, into: &x)
                    out[k] = x.withUnsafeBufferPointer(f)
                }
            }
        }
        return values
    }

    /// `V_i = (∇ₕ²e^φ)_i / e^{φ_i} = −Σ_axes [w₀ + Σ_j w_j (e^{φ_{i+j}−φ_i} + e^{φ_{i−j}−φ_i})]/h²`
    /// with `w` the weights of `−∂²` and neighbours beyond the walls omitted (Dirichlet).
    static func discretePotential(halfLogDensity phi: [Double], grid: UniformGrid, order: LaplacianOrder) -> [Double] {
        let strides = grid.strides
        let spacing = grid.spacing
        let w = order.weights
        var values = [Double](repeating: 0, count: grid.count)
        phi.withUnsafeBufferPointer { pBuffer in
            values.withUnsafeMutableBufferPointer { vBuffer in
                let p = SharedReadPointer(pBuffer.baseAddress!)  // safe: a grid has ≥ 3 nodes
                let out = SharedPointer(vBuffer.baseAddress!)  // safe: as above
                Parallel.forEachChunk(count: grid.count, minimumChunk: 4096) { range in
                    for k in range {
                        var total = 0.0
                        grid.forEachAxis(ofNode: k) { a, i in
                            let m = grid.points[a]
                            let s = strides[a]
                            var axis = w[0]
                            for j in 1..<w.count {
                                if i + j < m { axis += w[j] * exp(p[k + j * s] - p[k]) }
                                if i - j >= 0 { axis += w[j] * exp(p[k - j * s] - p[k]) }
                            }
                            total -= axis / (spacing[a] * spacing[a])
                        }
                        out[k] = total
                    }
                }
            }
        }
        return values
    }
}
