import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

/// `−d²/dx² + x²/4 − 1/2`: the Score Hamiltonian of N(0, 1); levels exactly n = 0, 1, 2, …
func oscillator(points: Int, order: LaplacianOrder = .second) throws -> GridHamiltonian {
    let grid = try UniformGrid(lower: -12, upper: 12, points: points)
    let v = grid.axis(0).map { $0 * $0 / 4 - 0.5 }
    return try GridHamiltonian(grid: grid, potential: v, order: order)
}

func lowestLevels(_ h: GridHamiltonian, _ k: Int) throws -> [Double] {
    if let (d, e) = h.tridiagonal {
        return try TridiagonalEigensolver.lowest(diagonal: d, offDiagonal: e, count: k).values
    }
    return try LanczosEigensolver.lowest(count: k, dimension: h.dimension) { x, y in h.apply(x, into: y) }.eigensystem.values
}

@Suite("Grid Hamiltonians")
struct GridHamiltonianTests {
    /// The discretisation error of level n is C_n h^p; doubling the points (h → ≈h/2) must
    /// divide it by ≈ 2^p. We require the observed exponent within 0.25 of p, and the error on
    /// the finer grid below 5·(n+1)²·h^p (C_n grows like the level's curvature).
    @Test("oscillator levels converge at the stencil's order", arguments: [LaplacianOrder.second, .fourth, .sixth])
    func convergence(order: LaplacianOrder) throws {
        let coarse = try oscillator(points: 241, order: order)
        let fine = try oscillator(points: 481, order: order)
        let ec = try lowestLevels(coarse, 4)
        let ef = try lowestLevels(fine, 4)
        let h = fine.grid.spacing[0]
        let p = Double(order.rawValue)
        for n in 0..<4 {
            let errC = abs(ec[n] - Double(n))
            let errF = abs(ef[n] - Double(n))
            #expect(errF < 5 * pow(Double(n + 1), 2) * pow(h, p), "level \(n): error \(errF)")
            if errF > 1e-11 {
                let observed = log(errC / errF) / log(coarse.grid.spacing[0] / h)
                #expect(abs(observed - p) < 0.25, "level \(n): observed order \(observed)")
            }
        }
    }

    @Test("2-D apply is symmetric and equals the sum of 1-D operators on a product state")
    func twoDimensional() throws {
        let grid = try UniformGrid(lower: [-3, -2], upper: [3, 2], points: [41, 31])
        var v = [Double](repeating: 0, count: grid.count)
        var x = [0.0, 0.0]
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            v[k] = 0.3 * x[0] * x[0] + 0.1 * x[0] * x[1] + x[1]
        }
        let h = try GridHamiltonian(grid: grid, potential: v, order: .fourth)
        let stream = try RandomStream(seed: 1)
        let a = (0..<grid.count).map { _ in stream.gaussian() }
        let b = (0..<grid.count).map { _ in stream.gaussian() }
        let ha = h.apply(a)
        let hb = h.apply(b)
        let lhs = zip(b, ha).reduce(0) { $0 + $1.0 * $1.1 }
        let rhs = zip(hb, a).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(lhs - rhs) < 1e-10 * abs(lhs))
        // Complex apply = real apply on each part.
        var z = [Double](repeating: 0, count: 2 * grid.count)
        for k in 0..<grid.count {
            z[2 * k] = a[k]
            z[2 * k + 1] = b[k]
        }
        var hz = [Double](repeating: 0, count: 2 * grid.count)
        z.withUnsafeBufferPointer { zp in hz.withUnsafeMutableBufferPointer { h.applyComplex(zp, into: $0) } }
        for k in 0..<grid.count {
            #expect(hz[2 * k] == ha[k] && hz[2 * k + 1] == hb[k])
        }
        // Product of 1-D sine modes: the Laplacian part has eigenvalue Σ (2 − 2cos(π/(n+1)))/h².
        let zero = try GridHamiltonian(grid: grid, potential: [Double](repeating: 0, count: grid.count))
        var mode = [Double](repeating: 0, count: grid.count)
        for i in 0..<41 {
            for j in 0..<31 {
                mode[i * 31 + j] = sin(Double.pi * Double(i + 1) / 42) * sin(Double.pi * Double(j + 1) / 32)
            }
        }
        let s = grid.spacing
        let lambda = (2 - 2 * cos(Double.pi / 42)) / (s[0] * s[0]) + (2 - 2 * cos(Double.pi / 32)) / (s[1] * s[1])
        #expect(abs(zero.rayleighQuotient(mode) - lambda) < 1e-10)
        let hm = zero.apply(mode)
        #expect(zip(hm, mode).allSatisfy { abs($0 - lambda * $1) < 1e-9 })
    }

    /// Hydrogen in the radial channel l: `−u'' + (l(l+1)/r² + 1 − 2/r) u` has levels
    /// `1 − 1/n²`, n ≥ l + 1 (docs/theory.md §2.5). The 3-point stencil's error is O(h²); near
    /// r = 0 the Coulomb singularity keeps l = 0 at O(h²) with a larger constant.
    @Test("radial hydrogen levels 1 − 1/n² at O(h²)", arguments: [0, 1])
    func hydrogen(l: Int) throws {
        func levels(_ points: Int) throws -> [Double] {
            // r_max = 120: the n = 4 orbital (u ~ r⁴e^{−r/4}) is below 1e-7 of its peak there, so
            // the wall shifts its level by ≪ the O(h²) error (at r_max = 60 the shift is 2.5e-6).
            let grid = try RadialGrid(rMax: 120, points: points)
            let h = try RadialHamiltonian(grid: grid, potential: grid.radii.map { 1 - 2 / $0 }, angularMomentum: l)
            let (d, e) = h.tridiagonal
            return try TridiagonalEigensolver.lowest(diagonal: d, offDiagonal: e, count: 3).values
        }
        let coarse = try levels(3999)
        let fine = try levels(7999)
        for k in 0..<3 {
            let n = Double(k + l + 1)
            let exact = 1 - 1 / (n * n)
            let errF = abs(fine[k] - exact)
            let errC = abs(coarse[k] - exact)
            #expect(errF < 1e-4, "l=\(l) n=\(n): \(fine[k]) vs \(exact)")
            #expect(
                abs(errC / errF - 4) < 0.4, "l=\(l) n=\(n): error ratio \(errC / errF) (\(errC), \(errF)), expected 4 for O(h²)")
        }
    }

    @Test("bad potentials are rejected with the position")
    func invalid() throws {
        let grid = try UniformGrid(lower: -1, upper: 1, points: 11)
        var v = [Double](repeating: 0, count: 11)
        v[3] = .infinity
        #expect(throws: InputError.self) { _ = try GridHamiltonian(grid: grid, potential: v) }
        #expect(throws: InputError.self) { _ = try GridHamiltonian(grid: grid, potential: [0, 1]) }
        let tiny = try UniformGrid(lower: -1, upper: 1, points: 3)
        #expect(throws: InputError.self) { _ = try GridHamiltonian(grid: tiny, potential: [0, 0, 0], order: .sixth) }
    }
}
