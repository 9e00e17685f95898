import Foundation
import GSLKit
import Testing

@Suite("Banded eigen-solver and SPD tridiagonal solve")
struct BandedEigenTests {
    /// A random symmetric band matrix with bandwidth 3: the banded solver must agree with the
    /// dense GSL solver to a few ulps of the matrix norm, and its vectors satisfy A v = λ v.
    @Test("dsbevx lowest values and inverse-iteration vectors agree with the dense solver")
    func agreesWithDense() throws {
        let n = 60
        let kd = 3
        let stream = try RandomStream(seed: 7)
        var bands: [[Double]] = []
        for j in 0...kd { bands.append((0..<(n - j)).map { _ in stream.uniform() - 0.5 + (j == 0 ? 4 : 0) }) }
        var dense = [Double](repeating: 0, count: n * n)
        for j in 0...kd {
            for i in 0..<(n - j) {
                dense[i * n + i + j] = bands[j][i]
                dense[(i + j) * n + i] = bands[j][i]
            }
        }
        let reference = try SymmetricEigensolver.solve(matrix: dense, dimension: n).values
        let banded = try BandedEigensolver.lowest(bands: bands, count: 5, vectors: true)
        #expect(banded.values.count == 5)
        for k in 0..<5 {
            #expect(abs(banded.values[k] - reference[k]) < 1e-12, "level \(k)")
            let v = Array(banded.vector(k)!)
            var residual = 0.0
            for i in 0..<n {
                var av = 0.0
                for j in 0..<n { av += dense[i * n + j] * v[j] }
                residual = max(residual, abs(av - banded.values[k] * v[i]))
            }
            #expect(residual < 1e-10, "level \(k) residual \(residual)")
        }
    }

    @Test("banded solver rejects malformed bands")
    func rejects() {
        #expect(throws: GSLError.self) { _ = try BandedEigensolver.lowest(bands: [[1, 2, 3], [1]], count: 1) }
        #expect(throws: GSLError.self) { _ = try BandedEigensolver.lowest(bands: [[1, 2, 3], [1, .nan]], count: 1) }
        #expect(throws: GSLError.self) { _ = try BandedEigensolver.lowest(bands: [[1, 2, 3]], count: 4) }
    }

    /// tridiag(−1, 2 + σ, −1) x = 1: the solution must satisfy the system to rounding, and an
    /// indefinite matrix must be refused.
    @Test("dptsv solves an SPD tridiagonal system and refuses an indefinite one")
    func tridiagonalSolve() throws {
        let n = 50
        let d = [Double](repeating: 2.1, count: n)
        let e = [Double](repeating: -1, count: n - 1)
        let b = (0..<n).map { Double($0 % 7) + 1 }
        let x = try TridiagonalSystem.solvePositiveDefinite(diagonal: d, offDiagonal: e, rhs: b)
        for i in 0..<n {
            var ax = d[i] * x[i]
            if i > 0 { ax += e[i - 1] * x[i - 1] }
            if i < n - 1 { ax += e[i] * x[i + 1] }
            #expect(abs(ax - b[i]) < 1e-12)
        }
        #expect(throws: GSLError.self) {
            _ = try TridiagonalSystem.solvePositiveDefinite(diagonal: [1, 1], offDiagonal: [2], rhs: [1, 1])
        }
    }

    /// Relative accuracy in deep tails: for tridiag(−1, 2 + c, −1) with rhs e₀ the exact
    /// solution decays like ρⁱ, ρ = (2 + c − √((2+c)² − 4))/2; every component must match
    /// the closed form to 1e-12 relative, down to 1e-250.
    @Test("M-matrix solve keeps relative accuracy in a tail 200 decades down")
    func componentwiseAccuracy() throws {
        let n = 400
        let c = 2.0
        let a = 2 + c
        let rho = (a - (a * a - 4).squareRoot()) / 2
        var b = [Double](repeating: 0, count: n)
        b[0] = 1
        let x = try TridiagonalSystem.solvePositiveDefinite(
            diagonal: [Double](repeating: a, count: n), offDiagonal: [Double](repeating: -1, count: n - 1), rhs: b)
        // The finite system's solution is x_i ∝ ρ^i − ρ^{2n+2−i}: the ratio x_i/x_{i−1} is ρ up
        // to ρ^{2(n+1−i)}, below 1e-40 for i < n − 35.
        for i in 1..<(n - 35) {
            #expect(abs(x[i] / x[i - 1] - rho) < 1e-12 * rho, "ratio at \(i)")
        }
        #expect(x[200] > 0 && x[200] < 1e-100)
    }
}
