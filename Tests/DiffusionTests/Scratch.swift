import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Testing

@Test func scratchMoonsFP() throws {
    let moons = try GaussianMixture.twoMoons()
    let grid = try UniformGrid(lower: [-5, -5], upper: [5, 5], points: [201, 201])
    let score = ExactScore(moons)
    let f = try score.field(at: 0.3)
    let pts = grid.allPoints()
    var out = [Double](repeating: 0, count: pts.count)
    var t0 = DispatchTime.now()
    for _ in 0..<10 {
    pts.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { o in f.evaluateInParallel(points: p.baseAddress!, count: grid.count, into: o.baseAddress!) } }
    }
    print("eval x10", Double(DispatchTime.now().uptimeNanoseconds - t0.uptimeNanoseconds) * 1e-9)
    t0 = DispatchTime.now()
    let path = try DiffusionPath(tMax: 7, schedule: .cosine, steps: 20)
    let sol = try FokkerPlanckSolver.run(FokkerPlanckProblem(grid: grid, score: score, path: path, dynamics: .reverseSDE), method: .implicitEuler)
    print("IE 20 steps", sol.statistics.seconds, sol.statistics.scoreEvaluations)
}
