import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("Grid evolution")
struct GridEvolutionTests {
    /// With V = 0 a sine mode `sin(πjk/(N+1))` of the 3-point Laplacian only acquires the
    /// phase `e^{−iλ_kτ}`: the sine-transform propagator is exact for any step, so the
    /// error is rounding (≈ 1e-13 after a few hundred transforms).
    @Test("the kinetic factor is exact on the discrete sine modes (1-D and 2-D)")
    func kineticExact() throws {
        for points in [[63], [31, 23]] {
            let grid = try UniformGrid(lower: points.map { _ in -3 }, upper: points.map { _ in 4 }, points: points)
            let modes = points.map { _ in 3 }
            var psi = [Double](repeating: 0, count: 2 * grid.count)
            var lambda = 0.0
            for a in 0..<grid.dimension {
                let n = Double(points[a])
                let h = grid.spacing[a]
                lambda += (2 - 2 * cos(Double.pi * Double(modes[a]) / (n + 1))) / (h * h)
            }
            let strides = grid.strides
            for k in 0..<grid.count {
                var value = 1.0
                for a in 0..<grid.dimension {
                    let j = (k / strides[a]) % points[a] + 1
                    value *= sin(Double.pi * Double(j * modes[a]) / Double(points[a] + 1))
                }
                psi[2 * k] = value
            }
            let T = 2.7
            let problem = try GridEvolutionProblem(grid: grid, totalTime: T, initialState: psi) { _ in
                [Double](repeating: 0, count: grid.count)
            }
            let r = try GridEvolution.run(problem, method: .split4, options: .init(steps: 3))
            var worst = 0.0
            let c = cos(lambda * T)
            let s = -sin(lambda * T)
            for k in 0..<grid.count {
                worst = max(worst, abs(r.finalState[2 * k] - psi[2 * k] * c), abs(r.finalState[2 * k + 1] - psi[2 * k] * s))
            }
            #expect(worst < 1e-12, "\(points): \(worst)")
        }
    }

    /// A Gaussian packet in a moving, breathing harmonic well: the sine-transform split
    /// propagators and GSL's rk8pd on the matrix-free `GridHamiltonian` solve the same
    /// semi-discrete equation, so they agree to their tolerances (≪ 1e-7).
    @Test("split-operator sine propagator and GSL agree on a driven well")
    func splitMatchesGSL() throws {
        let grid = try UniformGrid(lower: -10, upper: 10, points: 255)
        let x = grid.axis(0)
        var psi = [Double](repeating: 0, count: 2 * grid.count)
        for k in 0..<grid.count { psi[2 * k] = exp(-0.25 * (x[k] + 1) * (x[k] + 1)) }
        let T = 4.0
        let problem = try GridEvolutionProblem(grid: grid, totalTime: T, initialState: psi) { tau in
            let centre = 1.5 * sin(tau)
            let k = 0.25 * (1 + 0.5 * tau / T)
            return x.map { k * ($0 - centre) * ($0 - centre) }
        }
        let target = x.map { exp(-0.05 * $0 * $0) }
        let reference = try GridEvolution.run(
            problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13), target: target)
        #expect(reference.succeeded)
        for method in [EvolutionMethod.split4, .suzuki4, .split2] {
            let r = try GridEvolution.run(
                problem, method: method, options: .init(rtol: method == .split2 ? 1e-9 : 1e-10, atol: 0), target: target)
            var diff = 0.0
            var norm = 0.0
            for i in 0..<psi.count {
                diff += pow(r.finalState[i] - reference.finalState[i], 2)
                norm += pow(reference.finalState[i], 2)
            }
            #expect((diff / norm).squareRoot() < 1e-6, "\(method): relative state error \((diff / norm).squareRoot())")
            #expect(abs(r.fidelity! - reference.fidelity!) < 1e-7)
            #expect(r.normError < 1e-10)
        }
    }

    @Test("a higher-order stencil is refused by the sine propagator with the reason")
    func stencilMismatch() throws {
        let grid = try UniformGrid(lower: -1, upper: 1, points: 31)
        let problem = try GridEvolutionProblem(
            grid: grid, totalTime: 1, initialState: [Double](repeating: 0.1, count: 62), order: .fourth
        ) { _ in [Double](repeating: 0, count: 31) }
        #expect(throws: InputError.self) { _ = try GridEvolution.run(problem, method: .split4) }
    }
}
