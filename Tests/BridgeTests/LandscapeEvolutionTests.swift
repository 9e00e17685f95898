import AdiabatCore
import Bridge
import Foundation
import Landscapes
import Quantum
import Testing

@Suite("Landscape evolution (Score-Hamiltonian path)")
struct LandscapeEvolutionTests {
    @Test("a split method on a 4th-order stencil is refused as a method, before the work estimate")
    func methodBeforeBudget() throws {
        // two-moons: 401² nodes, 4th-order stencil; at T = 4 its GSL evolution is far beyond the
        // default budget, so a budget error here would hide that split4 cannot run at all.
        var request = EvolveRequest()
        request.totalTime = 4
        do {
            _ = try Problem.load("two-moons", seed: 1).evolve(request)
            Issue.record("the evolution ran")
        } catch let error as InputError {
            #expect(error.location == "evolve.method" && error.message.contains("5-point (order 4)"), "\(error)")
        }
        request.method = .gsl(.rk8pd)
        do {
            _ = try Problem.load("two-moons", seed: 1).evolve(request)
            Issue.record("the evolution ran")
        } catch let error as InputError {
            #expect(error.location == "evolve.total_time" && error.message.contains("work units"), "\(error)")
        }
    }

    /// Along the OU path a Gaussian stays Gaussian and every Score Hamiltonian has gap
    /// ≥ min(1, 1/σ²); the adiabatic theorem makes `1 − F` fall like `T⁻²` (observed: 0.30,
    /// 0.23, 0.029, 1.5e-3, ≈1e-4 for T = 0.5 … 128). At the data end
    /// `√p₀` is the ground state (energy 0), so fidelity → 1.
    @Test("on a Gaussian path the fidelity rises to 1 as T grows; split and GSL agree")
    func gaussianPath() throws {
        let landscape = try GaussianMixture.gaussian(mean: [1.0], covariance: [0.5])
        let grid = try UniformGrid(lower: -8, upper: 8, points: 255)
        var infidelities: [Double] = []
        for T in [0.5, 2, 8, 32, 128] {
            let path = try LandscapePath(landscape: landscape, discretisation: .grid(grid, order: .second), tMax: 3)
            let (problem, target) = try LandscapeEvolution.problem(path: path, totalTime: T)
            let r = try GridEvolution.run(problem, method: .split4, options: .init(rtol: 1e-9, atol: 0), target: target)
            infidelities.append(1 - r.fidelity!)
        }
        for k in 1..<infidelities.count { #expect(infidelities[k] < infidelities[k - 1], "\(infidelities)") }
        // asymptotic regime: 4× the time divides 1 − F by ≈ 16 (T⁻²); demand more than 10
        #expect(infidelities[3] / infidelities[4] > 10, "\(infidelities)")
        #expect(infidelities.last! < 2e-4, "\(infidelities)")
        let path = try LandscapePath(landscape: landscape, discretisation: .grid(grid, order: .second), tMax: 3)
        let (problem, target) = try LandscapeEvolution.problem(path: path, totalTime: 2)
        let a = try GridEvolution.run(problem, method: .split4, options: .init(rtol: 1e-10, atol: 0), target: target)
        let b = try GridEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-10, atol: 1e-12), target: target)
        #expect(abs(a.fidelity! - b.fidelity!) < 1e-6)
    }

    @Test("the start state is the ground state of the first Hamiltonian: H√p ≈ 0 on the grid")
    func startIsGround() throws {
        let landscape = try GaussianMixture(weights: [0.3, 0.7], means: [[-2.0], [1.5]], standardDeviations: [0.5, 0.8])
        let grid = try UniformGrid(lower: -9, upper: 9, points: 511)
        let path = try LandscapePath(landscape: landscape, discretisation: .grid(grid, order: .second), tMax: 0.5)
        let (problem, _) = try LandscapeEvolution.problem(path: path, totalTime: 1)
        let psi = (0..<grid.count).map { problem.initialState[2 * $0] }
        let h = try path.hamiltonian(atTime: 0.5)
        // second-order stencil: the Rayleigh quotient of √p is O(h²) (h = 0.035 here)
        #expect(h.rayleighQuotient(psi) < 1e-3)
    }

    @Test("Roland–Cerf on a landscape path: slow where the gap is small, same end points")
    func rolandCerfPath() throws {
        let landscape = try GaussianMixture(weights: [0.5, 0.5], means: [[-2.5], [2.5]], standardDeviations: [0.5, 0.5])
        let grid = try UniformGrid(lower: -8, upper: 8, points: 255)
        let path = try LandscapePath(landscape: landscape, discretisation: .grid(grid, order: .second), tMax: 3)
        let schedule = try LandscapeEvolution.rolandCerf(path: path, samples: 21)
        #expect(abs(schedule.progress(at: 0)) < 1e-12 && abs(schedule.progress(at: 1) - 1) < 1e-12)
        // the bimodal data end has the smallest gap: the schedule slows down there (u → 1)
        #expect(schedule.rate(at: 0.98) < schedule.rate(at: 0.02))
        let r = try LandscapeEvolution.run(path: path, schedule: schedule, totalTime: 4)
        #expect(r.succeeded && r.fidelity! > 0 && r.fidelity! <= 1 + 1e-12)
    }
}
