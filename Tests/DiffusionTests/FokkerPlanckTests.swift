import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

@Suite("Fokker–Planck density evolution")
struct FokkerPlanckTests {
    /// Implicit Euler's matrix `I − ΔL` is an M-matrix and the columns of `L` sum to zero:
    /// every density value stays ≥ 0 and the mass stays 1 up to round-off (1e-12 over a few
    /// hundred steps of sums of ~10³ terms).
    @Test("implicit Euler conserves mass and positivity in 1-D and 2-D")
    func massAndPositivity() throws {
        let path = try DiffusionPath(tMax: 5, schedule: .linear, steps: 40)
        let oneD = try FokkerPlanckSolver.run(
            FokkerPlanckProblem(grid: line, score: ExactScore(triMixture), path: path, dynamics: .reverseSDE))
        #expect(oneD.statistics.minimumDensity >= 0)
        #expect(oneD.statistics.massError < 1e-12)
        let grid = try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [51, 61])
        let twoD = try FokkerPlanckSolver.run(
            FokkerPlanckProblem(grid: grid, score: ExactScore(coupledOscillator), path: path, dynamics: .reverseSDE))
        #expect(twoD.statistics.minimumDensity >= 0)
        #expect(twoD.statistics.massError < 1e-12)
        #expect(twoD.statistics.lineSolves == 40 * (51 + 61))
    }

    /// The reverse-SDE law started from the exact p_{t_max} is p_t at every step of the exact
    /// equation, so its distance to p₀ is the discretisation error. On 1601 points the
    /// spatial (Scharfetter–Gummel, O(h²)) error of the transient is ~2e-5 (measured: it stops
    /// TR-BDF2's convergence at 800 steps; on 801 points already at 400), below the time
    /// error at 100–400 steps, so the error falls at the time stepper's order: ratio 2 per
    /// doubling for implicit Euler, 4 for TR-BDF2 (±15 %: measured 1.87–1.93 and 3.87–3.89).
    @Test("1-D: the discretisation error falls at the method's order as steps double (no sampling noise)")
    func timeOrder1D() throws {
        let tMax = 5.0
        let fine = try UniformGrid(lower: -8, upper: 8, points: 1601)
        let start = try GridLaw.tabulate(try doubleWell.marginal(time: tMax, process: .ou), on: fine)
        let reference = try GridLaw.tabulate(doubleWell, on: fine)
        for method in FokkerPlanckMethod.allCases {
            var errors: [Double] = []
            for steps in [100, 200, 400] {
                let path = try DiffusionPath(tMax: tMax, schedule: .linear, steps: steps)
                let solution = try FokkerPlanckSolver.run(
                    FokkerPlanckProblem(
                        grid: fine, score: ExactScore(doubleWell), path: path, dynamics: .reverseSDE, initial: start),
                    method: method)
                errors.append(try solution.density.totalVariation(to: reference))
            }
            let ratio = pow(2.0, Double(method.order))
            for i in 1..<errors.count {
                #expect(abs(errors[i - 1] / errors[i] / ratio - 1) < 0.15, "\(method): TV errors \(errors)")
            }
        }
    }

    /// In 2-D the steps are split by axis (Lie for implicit Euler, Strang for TR-BDF2), which
    /// must keep orders 1 and 2. The time error is measured against a 16× finer TR-BDF2 run
    /// on the same grid (so the spatial error cancels); ratios 2 and 4 per doubling, ±20 %.
    @Test("2-D: split implicit steps keep orders 1 (Lie) and 2 (Strang)")
    func timeOrder2D() throws {
        let grid = try UniformGrid(lower: [-6, -6], upper: [6, 6], points: [61, 61])
        let tMax = 3.0
        let start = try GridLaw.tabulate(try coupledOscillator.marginal(time: tMax, process: .ou), on: grid)
        func run(_ steps: Int, _ method: FokkerPlanckMethod) throws -> GridLaw {
            let path = try DiffusionPath(tMax: tMax, schedule: .linear, steps: steps)
            return try FokkerPlanckSolver.run(
                FokkerPlanckProblem(
                    grid: grid, score: ExactScore(coupledOscillator), path: path, dynamics: .reverseSDE, initial: start),
                method: method
            ).density
        }
        let reference = try run(800, .trBDF2)
        for method in FokkerPlanckMethod.allCases {
            let errors = try [25, 50].map { try run($0, method).totalVariation(to: reference) }
            let ratio = pow(2.0, Double(method.order))
            #expect(abs(errors[0] / errors[1] / ratio - 1) < 0.2, "\(method): errors \(errors)")
        }
    }

    /// From the prior N(0, 1) at t_max = 7 the initial mismatch is ~e^{−7}·|mean|, and
    /// TR-BDF2 with 400 steps has time error ~1e-4: the law ends within 1e-3 of p₀.
    @Test("the reverse-SDE law from the prior reaches p₀")
    func reachesTarget() throws {
        let path = try DiffusionPath(tMax: 7, schedule: .cosine, steps: 400)
        for p0 in [doubleWell, triMixture] {
            let solution = try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: line, score: ExactScore(p0), path: path, dynamics: .reverseSDE), method: .trBDF2)
            let comparison = try solution.density.compare(to: try GridLaw.tabulate(p0, on: line))
            #expect(comparison.totalVariation < 1e-3)
            #expect(comparison.fidelity > 1 - 1e-6)
            #expect((comparison.klDivergence ?? 1) < 1e-5)
        }
    }

    /// Continuous-time annealed Langevin: the lag behind p_t falls like 1/T (T the total
    /// Langevin time); measured TV 1.8e-2, 9.5e-4, 5.9e-5 at T = 10, 40, 160.
    @Test("annealed Langevin in continuous time converges to p₀ as the total time grows")
    func langevinPath() throws {
        let path = try DiffusionPath(tMax: 3, schedule: .cosine, steps: 200)
        let reference = try GridLaw.tabulate(doubleWell, on: line)
        let errors = try [10.0, 40.0, 160.0].map { total in
            try FokkerPlanckSolver.run(
                FokkerPlanckProblem(
                    grid: line, score: ExactScore(doubleWell), path: path, dynamics: .langevinPath(totalTime: total)),
                method: .trBDF2
            ).density.totalVariation(to: reference)
        }
        #expect(errors[0] > 4 * errors[1] && errors[1] > 4 * errors[2], "errors \(errors)")
        #expect(errors[2] < 2e-4)
    }

    /// With the exact score the stationary law is p on the grid up to the O(h²) error of the
    /// midpoint drift (ratio 4 ± 10 % per halving of h). For a Gaussian the drift is linear,
    /// the midpoint rule is exact and so is the discrete stationary law (TV at round-off).
    @Test("stationary law with the exact score: second order in h; exact for a Gaussian")
    func stationaryExact() throws {
        var errors: [Double] = []
        for n in [401, 801] {
            let grid = try UniformGrid(lower: -6, upper: 6, points: n)
            let solution = try StationaryFokkerPlanck.solve(grid: grid, score: ExactScore(triMixture), time: 0)
            #expect(solution.method == "zero-flux recurrence")
            #expect(solution.relativeResidual < 1e-12)
            errors.append(try solution.density.totalVariation(to: try GridLaw.tabulate(triMixture, on: grid)))
        }
        #expect(abs(errors[0] / errors[1] / 4 - 1) < 0.1, "errors \(errors)")
        let moons = try GaussianMixture.twoMoons(componentsPerArc: 6, standardDeviation: 0.3)
        var errors2: [Double] = []
        for (nx, ny) in [(61, 46), (121, 91)] {
            let grid = try UniformGrid(lower: [-2.5, -2], upper: [3.5, 2.5], points: [nx, ny])
            let solution = try StationaryFokkerPlanck.solve(grid: grid, score: ExactScore(moons), time: 0)
            #expect(solution.method == "banded LU")
            #expect(solution.relativeResidual < 1e-11)
            errors2.append(try solution.density.totalVariation(to: try GridLaw.tabulate(moons, on: grid)))
        }
        #expect(abs(errors2[0] / errors2[1] / 4 - 1) < 0.1, "2-D errors \(errors2)")
        let grid = try UniformGrid(lower: [-6, -6], upper: [6, 6], points: [41, 45])
        let gaussian = try StationaryFokkerPlanck.solve(grid: grid, score: ExactScore(coupledOscillator), time: 0)
        #expect(try gaussian.density.totalVariation(to: try GridLaw.tabulate(coupledOscillator, on: grid)) < 1e-12)
    }

    static let perturbed: [(String, GaussianMixture, UniformGrid)] = [
        ("double well", doubleWell, try! UniformGrid(lower: -6, upper: 6, points: 801)),
        ("coupled oscillator", coupledOscillator, try! UniformGrid(lower: [-6, -6], upper: [6, 6], points: [81, 81])),
        (
            "two-moons σ=0.2", try! GaussianMixture.twoMoons(componentsPerArc: 8, standardDeviation: 0.2),
            try! UniformGrid(lower: [-2, -2], upper: [3, 2.5], points: [81, 73])
        ),
    ]

    /// docs/theory.md §7: with s + εδ (δ of unit RMS under p) the stationary law moves linearly in
    /// ε. A least-squares fit of log TV on log ε over ε = 1e-3…1.6e-2 must give slope 1: the
    /// first-order term dominates there (the measured second-order correction changes TV by
    /// < 0.5 % at ε = 0.016), so ±0.01 on the slope. In 2-D δ is not a gradient, so this runs
    /// the banded stationary solver, not the closed form.
    @Test("with a perturbed score the stationary TV grows linearly in ε (fitted slope 1)", arguments: perturbed.indices)
    func perturbedStationarySlope(index: Int) throws {
        let (name, p, grid) = Self.perturbed[index]
        let delta = try ScorePerturbation.standard(dimension: p.dimension)
        let rms = try delta.rms(under: try GridLaw.tabulate(p, on: grid))
        let base = try StationaryFokkerPlanck.solve(grid: grid, score: ExactScore(p), time: 0).density
        var logEps: [Double] = []
        var logTV: [Double] = []
        for eps in [0.001, 0.002, 0.004, 0.008, 0.016] {
            let model = try PerturbedScore(base: ExactScore(p), perturbation: delta, epsilon: eps, normalisation: .constant(rms))
            let law = try StationaryFokkerPlanck.solve(grid: grid, score: model, time: 0)
            #expect(law.relativeResidual < 1e-10)
            logEps.append(log(eps))
            logTV.append(log(try law.density.totalVariation(to: base)))
        }
        let fit = try LinearAlgebra.leastSquares(
            design: logEps.flatMap { [1, $0] }, rows: logEps.count, columns: 2, observations: logTV)
        #expect(abs(fit.coefficients[1] - 1) < 0.01, "\(name): slope \(fit.coefficients[1])")
    }

    @Test("bad Fokker–Planck input gets one clear error")
    func inputErrors() throws {
        let path = try DiffusionPath(tMax: 3, steps: 10)
        let cube = try UniformGrid(lower: [-5, -5, -5], upper: [5, 5, 5], points: [5, 5, 5])
        #expect(throws: InputError.self) {
            try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: cube, score: ExactScore(doubleWell), path: path, dynamics: .reverseSDE))
        }
        let narrow = try UniformGrid(lower: -2, upper: 2, points: 101)
        do {
            _ = try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: narrow, score: ExactScore(doubleWell), path: path, dynamics: .reverseSDE))
            Issue.record("a grid that cuts off the prior must be refused")
        } catch let error as InputError {
            #expect(error.description.contains("widen the grid"))
        }
        let plane = try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [21, 21])
        #expect(throws: InputError.self) {
            try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: plane, score: ExactScore(doubleWell), path: path, dynamics: .reverseSDE))
        }
        #expect(throws: InputError.self) {
            try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: line, score: ExactScore(doubleWell), path: path, dynamics: .langevinPath(totalTime: 0)))
        }
        #expect(throws: InputError.self) {
            try FokkerPlanckSolver.run(
                FokkerPlanckProblem(
                    grid: line, score: ExactScore(doubleWell), path: path,
                    dynamics: .annealedLangevin(LangevinSettings(), substeps: 0)))
        }
        do {
            _ = try FokkerPlanckSolver.run(
                FokkerPlanckProblem(grid: line, score: TimeIndependentScore(BrokenLandscape()), path: path, dynamics: .reverseSDE)
            )
            Issue.record("a NaN score must fail the run")
        } catch let failure as DiffusionFailure {
            #expect(failure.message.contains("not finite"))
        }
        #expect(throws: InputError.self) { try GridLaw(grid: line, values: [Double](repeating: 0, count: line.count)) }
        #expect(throws: InputError.self) { try GridLaw(grid: line, values: [1, 2]) }
    }
}
