import AdiabatCore
import Bridge
import Foundation
import Landscapes
import NPYTestSupport
import Problems
import Quantum
import TestSupport
import Testing

/// The `r` axis `0, h, …, rMax` (`fromOrigin`) or `h, 2h, …, rMax`.
func radialAxis(rMax: Double, intervals: Int, fromOrigin: Bool = true) -> UniformGrid {
    let h = rMax / Double(intervals)
    // safe in tests: fixed valid inputs
    return try! UniformGrid(lower: [fromOrigin ? 0 : h], upper: [rMax], points: [fromOrigin ? intervals + 1 : intervals])
}

func radii(_ axis: UniformGrid) -> [Double] { (0..<axis.count).map { axis.lower[0] + Double($0) * axis.spacing[0] } }

/// docs/score-fields.md "Radial fields".
@Suite("Radial score fields: f(r) r̂ in angular-momentum channels")
struct RadialScoreFieldTests {
    @Test("the 3-D Gaussian f = −r/σ²: levels (2n_r + l)/σ² at O(h²), λθ at the floor, the same from r = h")
    func gaussian() throws {
        // p ∝ exp(−r²/2σ²): V = r²/4σ⁴ − 3/2σ², the 3-D oscillator shifted to 0; levels
        // (2n_r + l)/σ² (docs/score-fields.md). σ = 0.7, r ≤ 6 (8.6σ: the wall is invisible).
        let sigma = 0.7
        let s2 = sigma * sigma
        let exact = [[0, 2 / s2, 4 / s2], [1 / s2, 3 / s2, 5 / s2]]
        var errors: [[[Double]]] = []
        var e0: [Double] = []
        for intervals in [120, 240] {
            let axis = radialAxis(rMax: 6, intervals: intervals)
            let f = radii(axis).map { -$0 / s2 }
            // f is linear: f' + 2f/r is exact, so V is the analytic V at the nodes.
            let v = try RadialScoreFieldHamiltonian.potential(f, axis: axis)
            let (grid, first) = try RadialScoreFieldHamiltonian.radialGrid(axis)
            #expect(first == 1 && grid.points == intervals - 1 && abs(grid.spacing - axis.spacing[0]) < 1e-15)
            for (i, r) in grid.radii.enumerated() { #expect(abs(v[i] - (r * r / (4 * s2 * s2) - 1.5 / s2)) < 1e-12) }
            var perChannel: [[Double]] = []
            for l in 0...1 {
                let levels = try RadialScoreFieldHamiltonian.hamiltonian(f, axis: axis, angularMomentum: l).lowestLevels(3)
                perChannel.append(zip(levels.energies, exact[l]).map { $0 - $1 })
            }
            errors.append(perChannel)
            // The same field from r = h: the same interior nodes and, f being linear, the same V.
            let fromH = radialAxis(rMax: 6, intervals: intervals, fromOrigin: false)
            let g = radii(fromH).map { -$0 / s2 }
            let again = try RadialScoreFieldHamiltonian.hamiltonian(g, axis: fromH).lowestLevels(3).energies
            for k in 0..<3 { #expect(abs(again[k] - exact[0][k] - perChannel[0][k]) < 1e-10) }
            // The report: λθ = E₀ with its 2h estimate, no curl or Hodge split (a gradient).
            let problem = ScoreFieldProblem(
                name: "gauss", description: "", file: URL(fileURLWithPath: "/g.toml"),
                dataFile: URL(fileURLWithPath: "/g.npz"),
                field: ScoreField(
                    grid: axis, times: nil, scores: [f], logDensities: [radii(axis).map { -$0 * $0 / (2 * s2) }],
                    radial: true))
            let r = try ScoreFieldSpectrumReport.compute(problem: problem, time: nil, levels: 3, profilePoints: nil)
            e0.append(r.lambdaTheta)
            #expect(r.radial == true && r.angularMomentum == 0 && r.curlRMS == nil && r.hodgeRemainder == nil)
            #expect(r.note?.contains("gradient") == true)
            #expect(abs(r.gap! - 2 / s2) < 0.01)
            let estimate = try #require(r.lambdaThetaError)
            #expect(estimate > 0.7 * abs(r.lambdaTheta) && estimate < 1.5 * abs(r.lambdaTheta))
            // The reference log p: its discrete ground state is u = r√p exactly (E₀ = 0), ε = 0
            // (log p quadratic, its differences exact), and the field's levels match to O(h²).
            #expect(abs(r.referenceEnergies![0]) < 1e-9 && r.scoreError! < 1e-10)
            #expect(abs(r.referenceDifferences![1]) < 0.01)
            let p1 = try ScoreFieldSpectrumReport.compute(
                problem: problem, time: nil, levels: 2, profilePoints: nil, angularMomentum: 1)
            #expect(abs(p1.energies[0] - 1 / s2) < 0.01 && abs(p1.lambdaTheta - r.lambdaTheta) < 1e-12)
        }
        for l in 0...1 {
            for k in 0..<3 {
                let p = order(errors[0][l][k], errors[1][l][k])
                #expect(p > 1.9 && p < 2.1, "l = \(l), level \(k): order \(p)")
            }
        }
        #expect(abs(e0[1]) < 1e-3 && order(e0[0], e0[1]) > 1.9)
    }

    @Test("hydrogen's f = −2: the radial landscape route's levels to rounding; 1 − 1/n² at O(h²)")
    func hydrogen() throws {
        let orbital = try HydrogenOrbital()
        var errors: [Double] = []
        for intervals in [400, 800] {
            let axis = radialAxis(rMax: 40, intervals: intervals)
            let f = [Double](repeating: -2, count: axis.count)
            let field = try RadialScoreFieldHamiltonian.hamiltonian(f, axis: axis).lowestLevels(3).energies
            let (grid, _) = try RadialScoreFieldHamiltonian.radialGrid(axis)
            let density = try ScoreHamiltonian.hamiltonian(of: orbital, on: grid, angularMomentum: 0).lowestLevels(3).energies
            for k in 0..<3 { #expect(abs(field[k] - density[k]) < 1e-10) }
            errors.append(field[1] - 0.75)
        }
        let p = order(errors[0], errors[1])
        #expect(p > 1.8 && p < 2.2, "order \(p)")
    }

    @Test("from a file: profile along the times, translate, and sample/evolve/compare/eigenvectors refused")
    func fromFile() throws {
        let folder = try NPYTestFiles.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Gaussians of variance σ² = 1 + t at t = 0, 1, 3: the s-wave gap 2/(1 + t).
        let axis = radialAxis(rMax: 12, intervals: 240)
        let r = radii(axis)
        let times = [0.0, 1.0, 3.0]
        let f = times.flatMap { t in r.map { -$0 / (1 + t) } }
        try NPYTestFiles.write(
            try NPYTestFiles.npz([("score", f, [3, r.count]), ("r", r, [r.count]), ("t", times, [3])]), "g.npz", in: folder)
        let problem = try Problem.load(folder.appendingPathComponent("g.npz").path, seed: 1)
        var request = SpectrumRequest()
        request.profile = 3
        guard case .scoreField(let report) = try problem.spectrum(request) else {
            Issue.record("not a score-field spectrum")
            return
        }
        let profile = try #require(report.profile)
        for (point, t) in zip(profile, times) { #expect(abs(point.gap - 2 / (1 + t)) < 2e-3, "t = \(t): \(point.gap)") }
        #expect(report.minGap == profile[2].gap && report.at == 3)
        guard case .scoreField(let field) = problem else { return }
        let (translation, table) = try ScoreFieldTranslation.run(problem: field, time: 1, roundTrip: true)
        #expect(table.columns == ["r", "f", "div_S", "V"] && table.values[0].count == 239)
        // V = r²/4σ⁴ − 3/2σ² with σ² = 2 at t = 1, exactly (f linear).
        for (ri, v) in zip(table.values[0], table.values[3]) { #expect(abs(v - (ri * ri / 16 - 0.75)) < 1e-12) }
        #expect(abs(translation.groundEnergy!) < 1e-3 && translation.rmsError! < 1e-2)
        request.profile = nil
        request.eigenvectors = folder.appendingPathComponent("e.npy").path
        #expect(inputError { _ = try problem.spectrum(request) }?.contains("is a radial field") == true)
        var evolve = EvolveRequest()
        evolve.totalTime = 1
        #expect(inputError { _ = try problem.evolve(evolve) }?.contains("is a radial field f(r) r̂") == true)
        var sample = SampleRequest(sampler: "reverse-sde", seed: 7)
        sample.steps = 10
        sample.samples = 100
        let refusal = inputError { _ = try problem.sample(sample) }
        #expect(refusal?.contains("sample runs on fields tabulated on a grid") == true, "\(refusal ?? "no error")")
        let settings = ComparisonSettings(
            schedules: ["linear"], times: [1], steps: [10], samples: 100, samplers: ["reverse-sde"], sweeps: [], seed: 1)
        let compared = inputError { _ = try Comparison(problem: problem, settings: settings) }
        #expect(compared?.contains("compare runs on fields tabulated on a 1-D or 2-D grid") == true, "\(compared ?? "no error")")
    }
}
