import AdiabatCore
import Foundation
import Landscapes
import Quantum

/// Glue for real-time evolution along a landscape's Score-Hamiltonian path (THEORY.md §4):
/// from the noise end `t_max` to the data end `t = 0`, starting in `√p_{t_max}` normalised
/// on the grid, fidelity against `√p₀`.
///
/// Self-contained until the Bridge module (the translators) lands on main; then this file
/// should move there and use Bridge's public Score-Hamiltonian potential on a grid. It uses
/// only the `Landscape` protocol: `V_t = ¼|s_t|² + ½∇·s_t` of the exact marginal `p_t`.
public enum LandscapeEvolution {
    /// `V_t` at every node of `grid` for the marginal of `landscape` at diffusion time `t`.
    public static func potential(_ landscape: any Landscape, process: ForwardProcess, time t: Double, grid: UniformGrid) throws
        -> [Double]
    {
        guard landscape.dimension == grid.dimension else {
            throw InputError("grid", "has \(grid.dimension) axes for a \(landscape.dimension)-D landscape")
        }
        let marginal = t == 0 ? landscape : try landscape.marginal(time: t, process: process)
        var x = [Double](repeating: 0, count: grid.dimension)
        var v = [Double](repeating: 0, count: grid.count)
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            v[k] = marginal.potential(x)
        }
        return v
    }

    /// `√p_t` on the grid, normalised so that `Σ p ΔV = 1` (real).
    public static func groundState(_ landscape: any Landscape, process: ForwardProcess, time t: Double, grid: UniformGrid) throws
        -> [Double]
    {
        let marginal = t == 0 ? landscape : try landscape.marginal(time: t, process: process)
        var x = [Double](repeating: 0, count: grid.dimension)
        var logs = [Double](repeating: 0, count: grid.count)
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            logs[k] = marginal.logDensity(x)
        }
        let top = logs.max() ?? 0
        var psi = logs.map { exp(0.5 * ($0 - top)) }
        let norm = (psi.reduce(0) { $0 + $1 * $1 } * grid.cellVolume).squareRoot()
        guard norm > 0, norm.isFinite else { throw InputError("landscape", "its density vanishes on the whole grid") }
        psi = psi.map { $0 / norm }
        return psi
    }

    /// The evolution problem: `τ ∈ [0, T]`, `t(τ) = t_max·(1 − u(τ/T))`, `V(τ) = V_{t(τ)}`,
    /// initial state `√p_{t_max}`; and the target `√p₀`.
    public static func problem(
        landscape: any Landscape, process: ForwardProcess = .ou, grid: UniformGrid, tMax: Double, schedule: Schedule = .linear,
        totalTime: Double
    ) throws -> (problem: GridEvolutionProblem, target: [Double]) {
        try Check.positive(tMax, "t_max")
        let start = try groundState(landscape, process: process, time: tMax, grid: grid)
        var initial = [Double](repeating: 0, count: 2 * grid.count)
        for k in 0..<grid.count { initial[2 * k] = start[k] }
        let target = try groundState(landscape, process: process, time: 0, grid: grid)
        let problem = try GridEvolutionProblem(
            grid: grid, totalTime: totalTime, initialState: initial, breakpoints: schedule.breakpoints.map { $0 * totalTime }
        ) { tau in
            try potential(landscape, process: process, time: schedule.diffusionTime(at: tau / totalTime, tMax: tMax), grid: grid)
        }
        return (problem, target)
    }
}
