import AdiabatCore
import Bridge
import Diffusion
import Foundation
import NPYTestSupport
import Problems
import TestSupport
import Testing

/// The OU marginal variance of data `N(0, s0²)` at time `t`: `s0² e^{−2t} + 1 − e^{−2t}`.
private func ouVariance(_ t: Double, data s0: Double) -> Double {
    s0 * s0 * exp(-2 * t) + 1 - exp(-2 * t)
}

/// A 1-D score-field problem: the exact OU score `−x/v(t)` of data `N(0, s0²)` on `[−L, L]`
/// at `times`, with the exact `log p_t` when `density` is set.
private func gaussianField(
    half: Double = 6, points: Int = 97, times: [Double], data s0: Double = 0.5, density: Bool = true
) throws -> Problem {
    let grid = try UniformGrid(lower: -half, upper: half, points: points)
    let axis = grid.axis(0)
    let scores = times.map { t in axis.map { -$0 / ouVariance(t, data: s0) } }
    let logs = times.map { t in
        axis.map { x in
            let v = ouVariance(t, data: s0)
            return -0.5 * x * x / v - 0.5 * log(2 * Double.pi * v)
        }
    }
    let field = Problems.ScoreField(grid: grid, times: times, scores: scores, logDensities: density ? logs : nil)
    let url = URL(fileURLWithPath: "/nonexistent/gaussian.npz")
    return .scoreField(ScoreFieldProblem(name: "gaussian", description: "", file: url, dataFile: url, field: field))
}

/// The sampler and evolution of docs/score-fields.md ("Sampling and evolving a field").
@Suite("Score fields: sampling and evolving a tabulated field")
struct ScoreFieldRunTests {
    /// The largest interpolation error of `f` tabulated on `n`² nodes of `[−2, 2]²`, over the
    /// points a quarter of the way into every cell along each axis (a fixed place in the cell,
    /// so that the largest error scales cleanly; the first and last cells included).
    func interpolationError(_ n: Int, _ f: @escaping ([Double]) -> [Double]) -> Double {
        let grid = squareGrid(2, n)
        let snapshot = TabulatedScoreSnapshot(grid: grid, first: tabulate(grid, f))
        let h = 4 / Double(n - 1)
        var worst = 0.0
        for i in 0..<(n - 1) {
            for j in 0..<(n - 1) {
                let x = [-2 + (Double(i) + 0.25) * h, -2 + (Double(j) + 0.25) * h]
                let s = snapshot.score(x)
                let exact = f(x)
                worst = max(worst, abs(s[0] - exact[0]), abs(s[1] - exact[1]))
            }
        }
        return worst
    }

    @Test("Catmull–Rom interpolation: exact on the Gaussian score, order 3 on a smooth field, NaN outside the box")
    func interpolation() throws {
        // −x/σ² (σ² = 0.7, 0.3) is linear: reproduced to rounding, walls included.
        let gaussian: ([Double]) -> [Double] = { x in [-x[0] / 0.7, -x[1] / 0.3] }
        #expect(interpolationError(9, gaussian) < 1e-12)
        // Quadratic in each coordinate separately (x²y²): still exact, through the ghost nodes.
        let quadratic: ([Double]) -> [Double] = { x in [x[0] * x[0] * x[1] * x[1], x[0] * x[1] * x[1] - x[0]] }
        #expect(interpolationError(9, quadratic) < 1e-12)
        // A field with curl and no polynomial part: the error falls as h³.
        let smooth: ([Double]) -> [Double] = { x in [sin(1.3 * x[0]) * cos(x[1]), exp(0.4 * x[0]) * sin(0.9 * x[1])] }
        let coarse = interpolationError(41, smooth)
        let fine = interpolationError(81, smooth)
        let measured = order(coarse, fine)
        #expect(measured > 2.8 && measured < 3.3, "order \(measured) (errors \(coarse), \(fine))")
        let snapshot = TabulatedScoreSnapshot(grid: squareGrid(2, 9), first: tabulate(squareGrid(2, 9), gaussian))
        let wall = snapshot.score([2.0, -2.0])
        let outside = snapshot.score([2.001, 0])
        let notANumber = snapshot.score([0, .nan])
        #expect(wall.allSatisfy { $0.isFinite } && abs(wall[0] + 2 / 0.7) < 1e-12)
        #expect(outside.allSatisfy { $0.isNaN } && notANumber.allSatisfy { $0.isNaN })
    }

    @Test("In time: linear between the two tables around t, shifted to the first table")
    func timeInterpolation() throws {
        let grid = try UniformGrid(lower: -1, upper: 1, points: 5)
        let field = Problems.ScoreField(
            grid: grid, times: [0.5, 1.5], scores: [grid.axis(0).map { 2 * $0 }, grid.axis(0).map { 4 * $0 }])
        let model = TabulatedScore(field, offset: 0.5)
        // Model time 0.25 is the field's 0.75: weight ¼ on the second table.
        #expect(abs(try model.field(at: 0.25).score([0.6])[0] - 0.6 * 2.5) < 1e-14)
        #expect(abs(try model.field(at: 1).score([0.6])[0] - 0.6 * 4) < 1e-14)
        #expect(throws: InputError.self) { _ = try model.field(at: 1.1) }
    }

    @Test("sample: the reverse SDE and Fokker–Planck on an exact tabulated Gaussian score reach p(t₀)")
    func sampleGaussian() throws {
        let times = (0...24).map { 0.05 * pow(40, Double($0) / 24) }  // 0.05 … 2, geometric
        let problem = try gaussianField(times: times)
        var request = SampleRequest(sampler: "reverse-sde", seed: 7)
        request.steps = 200
        request.samples = 20000
        guard case .landscape(_, let outcome, _) = try problem.sample(request) else {
            Issue.record("not a landscape outcome")
            return
        }
        let r = outcome.report
        #expect(r.tMax == 2 && r.tMin == 0.05 && r.target?.contains("the file's density at t = 0.05") == true)
        #expect(r.priorRedrawn == 0)
        // A correct score gives TV at the histogram's noise floor; the prior N(0, 1) against the
        // true p(2) (variance 0.9863) adds e^{−2·2}·… ≈ 1e-3. A sign or time error gives ≫ 0.05.
        #expect(r.tv < r.tvNoiseFloor! + 4 * r.tvNoiseFloorSD! + 0.01, "TV \(r.tv), floor \(r.tvNoiseFloor!)")
        // Fokker–Planck: the law on the grid, against the same target.
        var fp = SampleRequest(sampler: "fokker-planck", seed: 7)
        fp.steps = 200
        guard case .landscape(_, let law, _) = try problem.sample(fp) else { return }
        #expect(law.report.tv < 0.01, "TV \(law.report.tv)")
        // Without a density in the file the target is ψ₀² of H_S(t₀), which for a gradient field
        // is p(t₀) to O(h²).
        let bare = try gaussianField(times: times, density: false)
        guard case .landscape(_, let ground, _) = try bare.sample(fp) else { return }
        #expect(ground.report.target?.contains("ground state") == true)
        #expect(abs(ground.report.tv - law.report.tv) < 2e-3)
        // A schedule the field cannot build, and a start outside the tables, are refused.
        fp.schedule = ScheduleRequest(.gapAdaptive)
        #expect(inputError { _ = try problem.sample(fp) }?.contains("not available on a score field") == true)
        fp.schedule = nil
        fp.tMax = 3
        #expect(inputError { _ = try problem.sample(fp) }?.contains("sample.t_max: is 3") == true)
    }

    @Test("sample: particles that leave the field's box are dropped and counted, not extrapolated")
    func leavingTheBox() throws {
        // The box [−2.8, 2.8] holds the target p(0.05) (σ = 0.57) and all but 0.5% of the prior
        // N(0, 1); near its walls the noise takes particles out.
        let problem = try gaussianField(half: 2.8, points: 57, times: [0.05, 0.5, 1])
        var request = SampleRequest(sampler: "reverse-sde", seed: 3)
        request.steps = 50
        request.samples = 4000
        guard case .landscape(_, let outcome, _) = try problem.sample(request) else { return }
        let r = outcome.report
        let left = try #require(r.leftBox)
        let redrawn = try #require(r.priorRedrawn)
        // P(|z| > 2.8) = 0.0051: about 20 ± 4.5 redraws for 4000 draws.
        #expect(redrawn >= 5 && redrawn <= 40, "\(redrawn)")
        #expect(left > 0 && r.samples == 4000 - left && (outcome.samples?.count ?? 0) == r.samples)
        #expect(outcome.samples?.allSatisfy { $0.isFinite } == true)
        // A box that holds nothing of the prior is refused before the run.
        let far = Problems.ScoreField(
            grid: try UniformGrid(lower: 20, upper: 22, points: 5), times: [0.1, 1],
            scores: [[Double](repeating: -1, count: 5), [Double](repeating: -1, count: 5)])
        let url = URL(fileURLWithPath: "/nonexistent/far.npz")
        let farProblem = Problem.scoreField(ScoreFieldProblem(name: "far", description: "", file: url, dataFile: url, field: far))
        #expect(inputError { _ = try farProblem.sample(request) }?.contains("holds almost none of the prior") == true)
    }

    @Test("evolve: the sudden limit is the overlap of the end states; a slow run follows the ground state")
    func evolveGaussian() throws {
        let times = (0...24).map { 0.05 * pow(40, Double($0) / 24) }
        let problem = try gaussianField(points: 121, times: times)
        var request = EvolveRequest()
        // T → 0: ψ(T) = ψ₀(t_last) = √p(2), so F = ⟨√p(0.05), √p(2)⟩² = 2√(v₀v₁)/(v₀ + v₁) in 1-D.
        request.totalTime = 1e-7
        let sudden = try problem.evolve(request)
        guard case .scoreField(_, let tMax, let tMin, _, let target, let result) = sudden else {
            Issue.record("not a score-field solution")
            return
        }
        let v0 = ouVariance(0.05, data: 0.5)
        let v1 = ouVariance(2, data: 0.5)
        let closed = 2 * (v0 * v1).squareRoot() / (v0 + v1)
        #expect(tMax == 2 && tMin == 0.05 && target.contains("density"))
        // O(h²) on 121 nodes of [−6, 6] (h = 0.1): 1e-3.
        #expect(abs(result.fidelity! - closed) < 1e-3, "F \(result.fidelity!) against \(closed)")
        request.totalTime = 40
        guard case .scoreField(_, _, _, _, _, let slow) = try problem.evolve(request) else { return }
        #expect(slow.succeeded && slow.fidelity! > 0.999, "F \(slow.fidelity!)")
        // One table only: no path.
        let one = try gaussianField(times: [0.1])
        #expect(inputError { _ = try one.evolve(request) }?.contains("needs several") == true)
    }

    @Test("spectrum --eigenvectors writes the field's lowest states on its grid")
    func eigenvectors() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let problem = try gaussianField(points: 61, times: [0.1, 1])
        var request = SpectrumRequest()
        request.time = 1
        request.levels = 3
        let file = folder.appendingPathComponent("psi.npy").path
        request.eigenvectors = file
        guard case .scoreField(let report) = try problem.spectrum(request) else {
            Issue.record("not a score-field spectrum")
            return
        }
        let arrays = try NumPyReader.read(URL(fileURLWithPath: file))
        let psi = try #require(arrays["psi"])
        #expect(psi.shape == [3, 61])
        // Normalised on the grid, ground state positive, and it is the report's: E₀ = ⟨ψ₀, Hψ₀⟩.
        let h = 12.0 / 60
        let ground = Array(psi.values[0..<61])
        #expect(abs(ground.reduce(0) { $0 + $1 * $1 } * h - 1) < 1e-10)
        #expect(ground.allSatisfy { $0 > -1e-12 })
        let companion =
            try JSONSerialization.jsonObject(
                with: try Data(contentsOf: URL(fileURLWithPath: file + ".json"))) as? [String: Any]
        let energies = try #require(companion?["energies"] as? [Double])
        #expect(abs(energies[0] - report.energies[0]) < 1e-12 && companion?["time"] as? Double == 1)
    }
}
