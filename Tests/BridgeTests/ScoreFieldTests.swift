import AdiabatCore
import Bridge
import Foundation
import Landscapes
import NPYTestSupport
import Problems
import Quantum
import TestSupport
import Testing

/// `S(x)` at every node of `grid`, point-major.
func tabulate(_ grid: UniformGrid, _ field: ([Double]) -> [Double]) -> [Double] {
    var out: [Double] = []
    out.reserveCapacity(grid.count * grid.dimension)
    var x = [Double](repeating: 0, count: grid.dimension)
    for k in 0..<grid.count {
        grid.point(k, into: &x)
        out += field(x)
    }
    return out
}

/// The isotropic rotational field S = −x + εJx, J = [[0, −1], [1, 0]].
func rotational(_ epsilon: Double) -> ([Double]) -> [Double] {
    { x in [-x[0] - epsilon * x[1], -x[1] + epsilon * x[0]] }
}

func squareGrid(_ half: Double, _ points: Int) -> UniformGrid {
    // safe in tests: fixed valid inputs
    try! UniformGrid(lower: [-half, -half], upper: [half, half], points: [points, points])
}

/// log₂ of the ratio of two errors at spacings h and h/2: the measured order.
func order(_ coarse: Double, _ fine: Double) -> Double { log2(abs(coarse) / abs(fine)) }

/// docs/score-fields.md "Exact checks".
@Suite("Score fields: the Score Hamiltonian of a tabulated vector field")
struct ScoreFieldTests {
    @Test("a tabulated Gaussian score: the density route's levels to rounding, the exact levels to O(h²)")
    func gaussian() throws {
        // N(0, diag(1, 0.49)): levels n₀ + n₁/0.49 (theory.md §2.5): 0, 1, 2, 2.0408, 3, …
        let gaussian = try GaussianMixture.gaussian(mean: [0, 0], covariance: [1, 0, 0, 0.49])
        let exact = [0, 1, 2, 1 / 0.49]
        var errors: [[Double]] = []
        for points in [57, 113] {
            let grid = squareGrid(7, points)
            let score = tabulate(grid) { gaussian.score($0) }
            let field = try ScoreFieldSpectrumReport.levels(score, grid: grid, levels: 4).energies
            let density = try ScoreHamiltonian.hamiltonian(of: gaussian, on: grid, form: .analytic).lowestLevels(4).energies
            // A linear score: the second-order divergence is exact, so V is the analytic V.
            for k in 0..<4 { #expect(abs(field[k] - density[k]) < 1e-9) }
            errors.append(zip(field, exact).map { $0 - $1 })
        }
        for k in 0..<4 {
            let p = order(errors[0][k], errors[1][k])
            #expect(p > 1.9 && p < 2.1, "level \(k): order \(p)")
        }
        #expect(abs(errors[1][0]) < 0.1 * 0.125 * 0.125)
    }

    @Test("the double well's tabulated score: levels converge to the density route's at order 2")
    func doubleWell() throws {
        let well = try GaussianMixture(weights: [0.5, 0.5], means: [[-2], [2]], standardDeviations: [0.5, 0.5])
        func fieldLevels(_ points: Int) throws -> [Double] {
            let grid = try UniformGrid(lower: [-7], upper: [7], points: [points])
            return try ScoreFieldSpectrumReport.levels(tabulate(grid) { well.score($0) }, grid: grid, levels: 4).energies
        }
        func densityLevels(_ points: Int) throws -> [Double] {
            let grid = try UniformGrid(lower: [-7], upper: [7], points: [points])
            return try ScoreHamiltonian.hamiltonian(of: well, on: grid, form: .analytic).lowestLevels(4).energies
        }
        // Reference: the density route on h/16 and h/32, Richardson-extrapolated.
        let fine = try densityLevels(2241)
        let finer = try densityLevels(4481)
        let reference = zip(fine, finer).map { (4 * $1 - $0) / 3 }
        let coarse = zip(try fieldLevels(141), reference).map { $0 - $1 }
        let half = zip(try fieldLevels(281), reference).map { $0 - $1 }
        for k in [0, 2, 3] {
            let p = order(coarse[k], half[k])
            #expect(p > 1.8 && p < 2.2, "level \(k): order \(p), errors \(coarse[k]), \(half[k])")
        }
        #expect(abs(half[1]) < 1e-3 && abs(reference[1] - 0.00245) < 5e-5)
    }

    @Test("S = −x + εJx: E₀ = √(1+ε²) − 1, gap √(1+ε²), curl 2ε, Hodge remainder ε/√(1+ε²), at order h²")
    func rotation() throws {
        for epsilon in [0.5, 1.0] {
            let closed = (1 + epsilon * epsilon).squareRoot() - 1
            var e0: [Double] = []
            for points in [61, 121] {
                let grid = squareGrid(6, points)
                let problem = ScoreFieldProblem(
                    name: "rot", description: "", file: URL(fileURLWithPath: "/tmp/rot.toml"),
                    dataFile: URL(fileURLWithPath: "/tmp/rot.npz"),
                    field: ScoreField(grid: grid, times: nil, scores: [tabulate(grid, rotational(epsilon))]))
                let r = try ScoreFieldSpectrumReport.compute(problem: problem, time: nil, levels: 3, profilePoints: nil)
                e0.append(r.lambdaTheta)
                let h = grid.spacing[0]
                #expect(abs(r.lambdaTheta - closed) < 0.15 * h * h, "E₀ \(r.lambdaTheta) vs \(closed)")
                #expect(abs(r.gap! - (1 + epsilon * epsilon).squareRoot()) < 0.3 * h * h)
                #expect(abs(r.curlRMS! - 2 * epsilon) < 1e-9)
                let ratio = epsilon / (1 + epsilon * epsilon).squareRoot()
                #expect(abs(r.hodgeRemainder! - ratio) < 0.01 * ratio, "‖r‖/‖S‖ \(r.hodgeRemainder!) vs \(ratio)")
                // The 2h estimate of the discretisation error brackets the true error.
                let error = abs(r.lambdaTheta - closed)
                #expect(r.lambdaThetaError! > 0.7 * error && r.lambdaThetaError! < 1.5 * error)
                #expect(abs(r.terminalPenalty! - (2 * r.lambdaTheta / r.gap!).squareRoot()) < 1e-12)
            }
            let p = order(e0[0] - closed, e0[1] - closed)
            #expect(p > 1.9 && p < 2.1, "ε = \(epsilon): order \(p)")
        }
    }

    @Test("a gradient field that is not Gaussian: λθ, curl and Hodge remainder at the discretisation floor")
    func gradientField() throws {
        let mixture = try GaussianMixture(
            weights: [0.4, 0.6], means: [[-1.5, 0], [1.5, 0.5]], standardDeviations: [0.7, 0.9])
        var floors: [Double] = []
        for points in [61, 121] {
            let grid = squareGrid(6, points)
            let problem = ScoreFieldProblem(
                name: "grad", description: "", file: URL(fileURLWithPath: "/tmp/g.toml"),
                dataFile: URL(fileURLWithPath: "/tmp/g.npz"),
                field: ScoreField(grid: grid, times: nil, scores: [tabulate(grid) { mixture.score($0) }]))
            let r = try ScoreFieldSpectrumReport.compute(problem: problem, time: nil, levels: 2, profilePoints: nil)
            let h2 = grid.spacing[0] * grid.spacing[0]
            #expect(abs(r.lambdaTheta) < 0.2 * h2 && abs(r.lambdaTheta) < 3 * r.lambdaThetaError!)
            #expect(r.curlRMS! < 0.5 * h2)
            #expect(r.hodgeRemainder! < 0.5 * h2)
            floors.append(r.lambdaTheta)
        }
        let p = order(floors[0], floors[1])
        #expect(p > 1.8 && p < 2.2, "λθ of a gradient field: order \(p)")
    }

    @Test("from files: TOML + .npz with times and a reference density; spectrum, profile, interpolation, ε and floor")
    func fromFiles() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Rotational fields with ε = 0.5·k at times k = 0, 1, 2; reference N(0, I) at every time.
        let grid = squareGrid(6, 61)
        let times = [0.0, 1.0, 2.0]
        let scores = times.map { tabulate(grid, rotational(0.5 * $0)) }
        let axis = grid.axis(0)
        var logP: [Double] = []
        var x = [0.0, 0.0]
        for _ in times {
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                logP.append(-0.5 * (x[0] * x[0] + x[1] * x[1]))
            }
        }
        let npz = try NPYTestFiles.zip(
            [
                ("score.npy", NPYTestFiles.npy(scores.flatMap { $0 }, shape: [3, 61, 61, 2], descr: "<f4")),
                ("axis0.npy", NPYTestFiles.npy(axis, shape: [61])), ("axis1.npy", NPYTestFiles.npy(axis, shape: [61])),
                ("t.npy", NPYTestFiles.npy(times, shape: [3])),
                ("log_density.npy", NPYTestFiles.npy(logP, shape: [3, 61, 61])),
            ], deflate: true)
        try NPYTestFiles.write(npz, "rot.npz", in: folder)
        let toml = "name = \"rot\"\nkind = \"landscape\"\n[landscape]\ntype = \"score-field\"\nfile = \"rot.npz\"\n"
        let url = try NPYTestFiles.write(Data(toml.utf8), "rot.toml", in: folder)
        let problem = try Problem.load(url.path, seed: 1)
        guard case .scoreField(let field) = problem else {
            Issue.record("not a score field")
            return
        }
        #expect(field.field.times == times)
        // The archive given directly is the same problem, named after the file.
        guard case .scoreField(let direct) = try Problem.load(folder.appendingPathComponent("rot.npz").path, seed: 1) else {
            Issue.record("the .npz is not read as a score field")
            return
        }
        #expect(direct.name == "rot" && direct.field.scores == field.field.scores)
        var request = SpectrumRequest()
        request.time = 1
        request.profile = 3
        guard case .scoreField(let r) = try problem.spectrum(request) else {
            Issue.record("not a score-field spectrum")
            return
        }
        #expect(r.time == 1 && !r.interpolated)
        #expect(abs(r.lambdaTheta - (1.25.squareRoot() - 1)) < 3e-3)
        // ε = ‖εJx‖ under N(0, I) = ε√2 (float32 tables: 1e-6).
        #expect(abs(r.scoreError! - 0.5 * 2.0.squareRoot()) < 1e-4)
        #expect(abs(r.floor! - r.scoreError! / r.gap!.squareRoot()) < 1e-12)
        // λθ = ¼ min_q E_q|S − ∇log q|² bounds every density's score error: ε ≥ 2√λθ.
        #expect(r.scoreError! >= 2 * r.lambdaTheta.squareRoot())
        // The reference density's own levels: 0, 1, 1, 2 (the density route), to O(h²).
        #expect(abs(r.referenceEnergies![0]) < 1e-9 && abs(r.referenceEnergies![1] - 1) < 0.01)
        let profile = try #require(r.profile)
        #expect(profile.map(\.time) == times)
        #expect(abs(profile[0].lambdaTheta) < 3e-3 && abs(profile[0].scoreError!) < 1e-4)
        #expect(abs(profile[2].lambdaTheta - (2.0.squareRoot() - 1)) < 6e-3)
        // The terminal penalty √(2λθ/Δ) per time: √(2(√2 − 1)/√2) = 0.7654 at t = 2 (ε = 1).
        let penalty = try #require(profile[2].terminalPenalty)
        #expect(abs(penalty - (2 * profile[2].lambdaTheta / profile[2].gap).squareRoot()) < 1e-12)
        #expect(abs(penalty - (2 * (2.0.squareRoot() - 1) / 2.0.squareRoot()).squareRoot()) < 5e-3)
        #expect(r.minGap == profile[0].gap && r.at == 0)
        // Between tables: interpolated (ε = 0.25 at t = 0.5).
        request.time = 0.5
        request.profile = nil
        guard case .scoreField(let mid) = try problem.spectrum(request) else { return }
        #expect(mid.interpolated && abs(mid.lambdaTheta - (1.0625.squareRoot() - 1)) < 3e-3)
        request.time = 2.5
        #expect(inputError { _ = try problem.spectrum(request) }?.contains("spectrum.time: is 2.5, outside") == true)
        // evolve needs a total time; translate gives V and the round trip's difference.
        #expect(inputError { _ = try problem.evolve(EvolveRequest()) }?.contains("evolve.total_time: is required") == true)
        let (report, table) = try ScoreFieldTranslation.run(problem: field, time: 1, roundTrip: true)
        #expect(table.columns == ["x", "y", "S_x", "S_y", "div_S", "curl_S", "V"])
        #expect(abs(report.groundEnergy! - r.lambdaTheta) < 1e-6)
        // The score of H_S's ground state is the gradient part −x·√(1+ε²)/… : it misses εJx.
        #expect(report.rmsError! > 0.3)
    }
}
