import AdiabatCore
import Foundation
import Landscapes
import Problems
import Quantum

extension LandscapeProblem {
    /// The problem's landscape, translating a `ground-state` problem's potential into its
    /// ground-state density first (Hamiltonian → score).
    public func resolvedLandscape(options: SpectrumOptions = SpectrumOptions()) throws -> any Landscape {
        switch source {
        case .landscape(let l):
            return l
        case .potential(let v):
            guard case let .grid(grid, order) = discretisation else {
                throw InputError(file.path, "a ground-state landscape needs a uniform grid")
            }
            return try HamiltonianToScore.translate(try GridHamiltonian(grid: grid, potential: v, order: order), options: options)
                .density
        }
    }

    /// The Hamiltonian the problem defines at `t = 0`: `−∇² + V` for a `ground-state` problem,
    /// the Score Hamiltonian of the density otherwise.
    public func hamiltonian() throws -> GridHamiltonian {
        guard case let .grid(grid, order) = discretisation else {
            throw InputError(file.path, "this problem is radial; use its radial channels")
        }
        switch source {
        case .potential(let v): return try GridHamiltonian(grid: grid, potential: v, order: order)
        case .landscape(let l): return try ScoreHamiltonian.hamiltonian(of: l, on: grid, order: order)
        }
    }
}

extension LandscapePath {
    /// The path of the problem's landscape along its forward process, on its grid.
    public init(problem: LandscapeProblem, options: SpectrumOptions = SpectrumOptions()) throws {
        try self.init(
            landscape: try problem.resolvedLandscape(options: options), discretisation: problem.discretisation,
            process: problem.process, tMax: problem.tMax)
    }
}
