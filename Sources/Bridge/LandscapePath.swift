import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Quantum

/// The path of Score Hamiltonians `H_t = −∇² + V_t` of a landscape along its forward
/// (noising) process, `t ∈ [0, t_max]` (docs/theory.md §3, §5): potentials, ground states,
/// spectra and the gap profile.
///
/// Marginals `p_t` are exact for Gaussian mixtures, by radial quadrature for radial
/// landscapes, by convolution on the grid for grid densities, and by refitting for learned
/// scores.
public struct LandscapePath: Sendable {
    public let landscape: any Landscape
    public let discretisation: Discretisation
    public let process: ForwardProcess
    public let tMax: Double
    public let form: ScoreHamiltonian.PotentialForm

    /// - Throws: if the discretisation does not fit the landscape (dimension, or a radial
    ///   grid for a landscape that is not radial), or `t_max` is not positive.
    public init(
        landscape: any Landscape, discretisation: Discretisation, process: ForwardProcess = .ou, tMax: Double = 3,
        form: ScoreHamiltonian.PotentialForm = .automatic
    ) throws {
        try Check.positive(tMax, "diffusion.t_max")
        switch discretisation {
        case .grid(let g, _):
            guard g.dimension == landscape.dimension else {
                throw InputError(
                    "grid", "is \(g.dimension)-D but the landscape is \(landscape.dimension)-D",
                    hint: landscape is any RadialLandscape ? "this landscape is radial: give [grid] r_max and points" : "")
            }
        case .radial:
            guard landscape is any RadialLandscape else {
                throw InputError(
                    "grid", "a radial grid (r_max) needs a radial landscape (hydrogen, or samples with basis = \"radial\")",
                    hint: "give [grid] lower, upper and points")
            }
        }
        self.landscape = landscape
        self.discretisation = discretisation
        self.process = process
        self.tMax = tMax
        self.form = form
    }

    public var coordinate: PathCoordinate { .diffusionTime(tMax: tMax) }

    /// The landscape at diffusion time `t`.
    public func landscape(atTime t: Double) throws -> any Landscape {
        try ForwardProcess.checkTime(t)
        return try landscape.marginal(time: t, process: process)
    }

    /// `V_t` at every node of the discretisation (for a radial grid: at the interior radii,
    /// without the centrifugal term). The potential a real-time evolution needs at each `t`.
    public func potential(atTime t: Double) throws -> [Double] {
        let snapshot = try landscape(atTime: t)
        switch discretisation {
        case .grid(let g, let order):
            return try ScoreHamiltonian.potential(of: snapshot, on: g, order: order, form: form)
        case .radial(let r):
            guard let radial = snapshot as? any RadialLandscape else {
                throw InputError("landscape", "the marginal at t = \(t) is not radial")
            }
            return try ScoreHamiltonian.potential(of: radial, on: r)
        }
    }

    /// `H_t` on the uniform grid (nil-free: throws for a radial discretisation).
    public func hamiltonian(atTime t: Double) throws -> GridHamiltonian {
        guard case .grid(let g, let order) = discretisation else {
            throw InputError("grid", "this path is radial; use radialHamiltonian(atTime:angularMomentum:)")
        }
        return try GridHamiltonian(grid: g, potential: try potential(atTime: t), order: order)
    }

    /// `H_t` in channel `l` on the radial grid.
    public func radialHamiltonian(atTime t: Double, angularMomentum l: Int) throws -> RadialHamiltonian {
        guard case .radial(let r) = discretisation else {
            throw InputError("spectrum.angular_momentum", "applies to radial problems only (this one is on a uniform grid)")
        }
        return try RadialHamiltonian(grid: r, potential: try potential(atTime: t), angularMomentum: l)
    }

    /// `√p_t` at every node, normalised on the grid (for a radial grid: `u = r√p_t`, `Σu²h = 1`).
    public func groundStateAmplitude(atTime t: Double) throws -> [Double] {
        let snapshot = try landscape(atTime: t)
        switch discretisation {
        case .grid(let g, _):
            return try ScoreHamiltonian.groundStateAmplitude(of: snapshot, on: g)
        case .radial(let r):
            guard let radial = snapshot as? any RadialLandscape else {
                throw InputError("landscape", "the marginal at t = \(t) is not radial")
            }
            return ScoreHamiltonian.groundStateAmplitude(of: radial, on: r)
        }
    }

    /// The lowest `levels` energies of `H_t` (channel `angularMomentum` on a radial grid,
    /// which must be nil on a uniform grid; default 0).
    public func spectrum(
        atTime t: Double, levels: Int, angularMomentum l: Int? = nil, vectors: Bool = false,
        options: SpectrumOptions = SpectrumOptions()
    ) throws -> Spectrum {
        switch discretisation {
        case .grid:
            if let l {
                throw InputError(
                    "spectrum.angular_momentum", "applies to radial problems only (got \(l) for a problem on a uniform grid)",
                    hint: "drop spectrum.angular_momentum")
            }
            return try hamiltonian(atTime: t).lowestLevels(levels, vectors: vectors, options: options)
        case .radial:
            return try radialHamiltonian(atTime: t, angularMomentum: l ?? 0).lowestLevels(levels, vectors: vectors)
        }
    }

    /// The gap profile at `points` diffusion times equally spaced over `[0, t_max]`
    /// (both ends included). Direct solvers (1-D, radial) run the points concurrently;
    /// Lanczos runs them in order from the noise end, each warm-started from its neighbour.
    public func gapProfile(
        points: Int, levels: Int = 2, angularMomentum l: Int? = nil, options: SpectrumOptions = SpectrumOptions(),
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> GapProfile {
        guard points >= 2 else { throw InputError("profile", "needs at least 2 points (got \(points))") }
        guard points <= 100_000 else { throw InputError("profile", "at most 100000 points (got \(points))") }
        guard levels >= 2 else { throw InputError("levels", "a gap needs at least 2 levels (got \(levels))") }
        let times = (0..<points).map { tMax * Double($0) / Double(points - 1) }
        let mode: GapProfile.Mode
        switch discretisation {
        case .grid(let g, let order):
            let method = options.method ?? (g.dimension == 1 ? (order == .second ? .tridiagonal : .banded) : .lanczos)
            mode = method == .lanczos ? .sequential : .parallel
        case .radial:
            mode = .parallel
        }
        let path = self
        return try GapProfile.compute(coordinate: coordinate, parameters: times, mode: mode, progress: progress) { t, previous in
            var local = options
            if let previous, mode == .sequential {
                if let ground = previous.state(0) { local.initialVector = Array(ground) }
                local.levelEstimates = previous.energies
            }
            return try path.spectrum(atTime: t, levels: levels, angularMomentum: l, vectors: mode == .sequential, options: local)
        }
    }
}
