import Foundation
import GSLKit
import Testing

/// Eigenvalues of the n×n tridiagonal matrix tridiag(−1, 2, −1): 2 − 2cos(kπ/(n+1)).
func laplacianEigenvalue(_ k: Int, _ n: Int) -> Double {
    2 - 2 * cos(Double(k) * Double.pi / Double(n + 1))
}

@Suite("Eigen-solvers on matrices with known spectra")
struct EigenTests {
    @Test("dense symmetric: values and vectors of a 3×3 and the 1-D Laplacian")
    func dense() throws {
        // [[2,1,0],[1,2,1],[0,1,2]]: 2 − √2, 2, 2 + √2.
        let a: [Double] = [2, 1, 0, 1, 2, 1, 0, 1, 2]
        let result = try SymmetricEigensolver.solve(matrix: a, dimension: 3, vectors: true)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        #expect(maxAbsDifference(result.values, expected) < 1e-14)
        for k in 0..<3 {
            let v = Array(result.vector(k)!)
            for i in 0..<3 {
                let av = (0..<3).reduce(0) { $0 + a[i * 3 + $1] * v[$1] }
                #expect(abs(av - result.values[k] * v[i]) < 1e-13)
            }
        }
        let n = 40
        var lap = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            lap[i * n + i] = 2
            if i > 0 { lap[i * n + i - 1] = -1; lap[(i - 1) * n + i] = -1 }
        }
        let values = try SymmetricEigensolver.solve(matrix: lap, dimension: n).values
        #expect(maxAbsDifference(values, (1...n).map { laplacianEigenvalue($0, n) }) < 1e-12)
    }

    @Test("a matrix-free operator: its dense matrix column by column, and its lowest pairs by the dense solver")
    func matrixFree() throws {
        // The 1-D Laplacian as a stencil: y_i = 2x_i − x_{i−1} − x_{i+1}.
        let n = 12
        let stencil: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void = { x, y in
            for i in 0..<n { y[i] = 2 * x[i] - (i > 0 ? x[i - 1] : 0) - (i < n - 1 ? x[i + 1] : 0) }
        }
        let matrix = LinearAlgebra.denseMatrix(dimension: n, apply: stencil)
        for i in 0..<n {
            for j in 0..<n { #expect(matrix[i * n + j] == (i == j ? 2 : abs(i - j) == 1 ? -1 : 0)) }
        }
        let lowest = try SymmetricEigensolver.lowest(count: 3, dimension: n, vectors: true, apply: stencil)
        #expect(lowest.values.count == 3 && lowest.vectors?.count == 3 * n)
        #expect(maxAbsDifference(lowest.values, (1...3).map { laplacianEigenvalue($0, n) }) < 1e-13)
        // Ground state: sin(π(i+1)/(n+1)) up to sign and normalisation.
        let v = Array(lowest.vector(0)!)
        let exact = (0..<n).map { sin(Double.pi * Double($0 + 1) / Double(n + 1)) }
        let norm = exact.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let sign: Double = v[0] > 0 ? 1 : -1
        #expect(maxAbsDifference(v.map { sign * $0 }, exact.map { $0 / norm }) < 1e-13)
    }

    @Test("dense symmetric rejects a non-symmetric or non-finite matrix")
    func denseRejects() {
        #expect(throws: GSLError.self) { _ = try SymmetricEigensolver.solve(matrix: [1, 2, 3, 4], dimension: 2) }
        #expect(throws: GSLError.self) { _ = try SymmetricEigensolver.solve(matrix: [1, .nan, .nan, 4], dimension: 2) }
        #expect(throws: GSLError.self) { _ = try SymmetricEigensolver.solve(matrix: [1, 2, 3], dimension: 2) }
    }

    @Test("tridiagonal (LAPACK dstevr): lowest levels of a 5000-point Laplacian, with vectors")
    func tridiagonal() throws {
        let n = 5000
        let result = try TridiagonalEigensolver.lowest(
            diagonal: [Double](repeating: 2, count: n), offDiagonal: [Double](repeating: -1, count: n - 1), count: 6,
            vectors: true)
        #expect(result.values.count == 6)
        for k in 0..<6 {
            #expect(abs(result.values[k] - laplacianEigenvalue(k + 1, n)) < 1e-13)
        }
        // Eigenvector k is sin((k+1)πj/(n+1)) up to sign and normalisation.
        let v = Array(result.vector(0)!)
        let norm = v.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-12)
        let sign: Double = v[n / 2] > 0 ? 1 : -1
        let scale = (2.0 / Double(n + 1)).squareRoot()
        let err = (0..<n).reduce(0.0) { max($0, abs(sign * v[$1] - scale * sin(Double($1 + 1) * .pi / Double(n + 1)))) }
        #expect(err < 1e-10)
    }

    @Test("tridiagonal rejects wrong sizes and NaN before calling LAPACK")
    func tridiagonalRejects() {
        #expect(throws: GSLError.self) { _ = try TridiagonalEigensolver.lowest(diagonal: [1, 2, 3], offDiagonal: [1], count: 1) }
        #expect(throws: GSLError.self) { _ = try TridiagonalEigensolver.lowest(diagonal: [1, .nan], offDiagonal: [1], count: 1) }
        #expect(throws: GSLError.self) { _ = try TridiagonalEigensolver.lowest(diagonal: [1, 2], offDiagonal: [1], count: 3) }
    }

    @Test("Lanczos (ARPACK): lowest levels of a 2-D Laplacian, with vectors, reproducibly")
    func lanczos() throws {
        // 2-D Dirichlet Laplacian on an m×m grid: λ = μ_a + μ_b with μ the 1-D values.
        let m = 60
        let n = m * m
        let apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void = { x, y in
            for i in 0..<m {
                for j in 0..<m {
                    let k = i * m + j
                    var s = 4 * x[k]
                    if i > 0 { s -= x[k - m] }
                    if i < m - 1 { s -= x[k + m] }
                    if j > 0 { s -= x[k - 1] }
                    if j < m - 1 { s -= x[k + 1] }
                    y[k] = s
                }
            }
        }
        let (result, stats) = try LanczosEigensolver.lowest(count: 4, dimension: n, vectors: true, apply: apply)
        let mu = (1...4).map { laplacianEigenvalue($0, m) }
        let expected = [mu[0] + mu[0], mu[0] + mu[1], mu[1] + mu[0], mu[1] + mu[1]]
        #expect(maxAbsDifference(result.values, expected) < 1e-10)
        #expect(stats.converged >= 4)
        let v = Array(result.vector(0)!)
        var av = [Double](repeating: 0, count: n)
        v.withUnsafeBufferPointer { x in av.withUnsafeMutableBufferPointer { y in apply(x, y) } }
        let residual = (0..<n).reduce(0.0) { max($0, abs(av[$1] - result.values[0] * v[$1])) }
        #expect(residual < 1e-9)
        let again = try LanczosEigensolver.lowest(count: 4, dimension: n, apply: apply).eigensystem.values
        #expect(again == result.values)
    }

    /// The work limit stops the iteration at exactly that many applications, and the next
    /// call (without a limit) starts ARPACK afresh and converges.
    @Test("Lanczos stops at its work limit with the work done, then recovers")
    func lanczosWorkLimit() throws {
        let n = 400
        let apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void = { x, y in
            for i in 0..<n { y[i] = Double(i + 1) * x[i] }
        }
        var applied = 0
        do {
            _ = try LanczosEigensolver.lowest(count: 3, dimension: n, options: LanczosOptions(maxOperatorApplications: 10)) {
                x, y in
                applied += 1
                apply(x, y)
            }
            Issue.record("expected LanczosWorkLimitReached")
        } catch let stop as LanczosWorkLimitReached {
            #expect(stop.operatorApplications == 10)
            #expect(applied == 10)
            #expect(stop.count == 3)
        }
        #expect(throws: GSLError.self) {
            _ = try LanczosEigensolver.lowest(
                count: 3, dimension: n, options: LanczosOptions(maxOperatorApplications: 0), apply: apply)
        }
        let (result, stats) = try LanczosEigensolver.lowest(count: 3, dimension: n, apply: apply)
        #expect(maxAbsDifference(result.values, [1, 2, 3]) < 1e-9)
        #expect(stats.operatorApplications > 10)
    }

    @Test("Lanczos re-throws an operator error and recovers for the next call")
    func lanczosThrows() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            _ = try LanczosEigensolver.lowest(count: 2, dimension: 50) { _, _ in throw Boom() }
        }
        #expect(throws: GSLError.self) {
            _ = try LanczosEigensolver.lowest(count: 2, dimension: 50) { _, y in
                for i in y.indices { y[i] = .nan }
            }
        }
        let ok = try LanczosEigensolver.lowest(count: 1, dimension: 50) { x, y in
            for i in 0..<50 { y[i] = Double(i + 1) * x[i] }
        }
        #expect(abs(ok.eigensystem.values[0] - 1) < 1e-10)
    }
}

@Suite("Linear algebra, splines, FFT and special functions")
struct NumericsTests {
    @Test("least squares recovers a polynomial exactly and weights are honoured")
    func leastSquares() throws {
        let xs = (0..<20).map { Double($0) / 4 }
        let design: [Double] = xs.flatMap { x -> [Double] in [1, x, x * x] }
        let y = xs.map { 1.5 - 2 * $0 + 0.25 * $0 * $0 }
        let fit = try LinearAlgebra.leastSquares(design: design, rows: 20, columns: 3, observations: y)
        #expect(maxAbsDifference(fit.coefficients, [1.5, -2, 0.25]) < 1e-12)
        #expect(fit.chiSquared < 1e-20)
        #expect(fit.rank == 3)
        let weighted = try LinearAlgebra.leastSquares(
            design: design, rows: 20, columns: 3, observations: y, weights: [Double](repeating: 2, count: 20))
        #expect(maxAbsDifference(weighted.coefficients, [1.5, -2, 0.25]) < 1e-12)
        #expect(throws: GSLError.self) {
            _ = try LinearAlgebra.leastSquares(design: design, rows: 20, columns: 3, observations: [1, 2])
        }
    }

    @Test("Cholesky and LU solves; GSL's own error (not positive definite) comes back as a Swift error")
    func solves() throws {
        let a: [Double] = [4, 1, 1, 3]
        let x = try LinearAlgebra.solveSymmetricPositiveDefinite(a, dimension: 2, rhs: [1, 2])
        #expect(abs(4 * x[0] + x[1] - 1) < 1e-14 && abs(x[0] + 3 * x[1] - 2) < 1e-14)
        let lu = try LinearAlgebra.solve([0, 1, 1, 0], dimension: 2, rhs: [3, 5])
        #expect(lu == [5, 3])
        // GSL raises GSL_EDOM inside gsl_linalg_cholesky_decomp1 here: with the default
        // handler this would abort the process.
        #expect(throws: GSLError.self) {
            _ = try LinearAlgebra.solveSymmetricPositiveDefinite([1, 2, 2, 1], dimension: 2, rhs: [1, 1])
        }
        #expect(throws: GSLError.self) { _ = try LinearAlgebra.solve([1, 2, 2, 4], dimension: 2, rhs: [1, 1]) }
    }

    @Test("natural cubic spline of sin: error at the h⁴ level inside, derivatives, integral, domain")
    func spline() throws {
        let n = 101
        let xs = (0..<n).map { Double($0) * Double.pi / Double(n - 1) }
        let spline = try CubicSpline(x: xs, y: xs.map(sin))
        let h = xs[1]
        var worst = 0.0
        for t in stride(from: 0.3, through: 2.8, by: 0.01) { worst = max(worst, abs(try spline.value(at: t) - sin(t))) }
        #expect(worst < h * h * h * h)
        #expect(abs(try spline.derivative(at: 1) - cos(1.0)) < 10 * h * h * h)
        #expect(abs(try spline.integral(from: 0, to: .pi) - 2) < 1e-6)
        #expect(throws: GSLError.self) { _ = try spline.value(at: 4) }
        #expect(throws: GSLError.self) { _ = try CubicSpline(x: [0, 2, 1], y: [0, 1, 2]) }
        #expect(throws: GSLError.self) { _ = try CubicSpline(x: [0, 1, 2], y: [0, 1]) }
    }

    @Test("FFT: a delta transforms to ones; round trips for radix-2 and mixed-radix lengths", arguments: [16, 12, 15])
    func fft(n: Int) throws {
        let fft = try ComplexFFT(count: n)
        var delta = [Double](repeating: 0, count: 2 * n)
        delta[0] = 1
        try fft.forward(&delta)
        for k in 0..<n {
            #expect(abs(delta[2 * k] - 1) < 1e-14 && abs(delta[2 * k + 1]) < 1e-14)
        }
        // e^{2πi·3j/n} has its whole weight at k = 3.
        var wave = (0..<n).flatMap { j in
            let phase = 2 * Double.pi * 3 * Double(j) / Double(n)
            return [cos(phase), sin(phase)]
        }
        let original = wave
        try fft.forward(&wave)
        #expect(abs(wave[6] - Double(n)) < 1e-12)
        try fft.inverse(&wave)
        #expect(maxAbsDifference(wave, original) < 1e-13)
        var short = [1.0, 2.0]
        #expect(throws: GSLError.self) { try fft.forward(&short) }
    }

    @Test("hydrogenic radial functions: closed forms and normalisation")
    func hydrogenic() throws {
        for r in [0.0, 0.5, 1, 3] {
            #expect(abs(try SpecialFunctions.hydrogenicRadial(n: 1, l: 0, r: r) - 2 * exp(-r)) < 1e-14)
            // R_21 = r e^{−r/2} / (2√6)
            #expect(
                abs(try SpecialFunctions.hydrogenicRadial(n: 2, l: 1, r: r) - r * exp(-r / 2) / (2 * 6.0.squareRoot())) < 1e-14)
        }
        let rs = (0...4000).map { Double($0) * 0.02 }  // to r = 80: the tail beyond is below 1e-15
        let density = try rs.map { r in pow(try SpecialFunctions.hydrogenicRadial(n: 3, l: 1, r: r), 2) * r * r }
        let norm = try CubicSpline(x: rs, y: density).integral(from: 0, to: 80)
        #expect(abs(norm - 1) < 1e-6)
        #expect(throws: GSLError.self) { _ = try SpecialFunctions.hydrogenicRadial(n: 1, l: 1, r: 1) }
    }
}

@Suite("Random streams")
struct RandomTests {
    @Test("a fixed seed reproduces the stream; another seed does not")
    func reproducible() throws {
        for algorithm in RandomAlgorithm.allCases {
            let a = try RandomStream(seed: 42, algorithm: algorithm)
            let b = try RandomStream(seed: 42, algorithm: algorithm)
            let c = try RandomStream(seed: 43, algorithm: algorithm)
            let xa = (0..<1000).map { _ in a.gaussian() }
            let xb = (0..<1000).map { _ in b.gaussian() }
            let xc = (0..<1000).map { _ in c.gaussian() }
            #expect(xa == xb)
            #expect(xa != xc)
        }
    }

    /// Mean and variance of 10⁶ Gaussian draws: standard errors 1e-3 and √2·1e-3; we allow
    /// 5 standard errors (a false alarm has probability < 1e-6 with the fixed seed anyway).
    @Test("Gaussian and uniform moments within 5 standard errors")
    func moments() throws {
        let stream = try RandomStream(seed: 7)
        let n = 1_000_000
        var buffer = [Double](repeating: 0, count: n)
        buffer.withUnsafeMutableBufferPointer { stream.fillGaussian($0, standardDeviation: 2) }
        let mean = buffer.reduce(0, +) / Double(n)
        let variance = buffer.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        #expect(abs(mean) < 5 * 2 / Double(n).squareRoot())
        #expect(abs(variance - 4) < 5 * 4 * (2.0 / Double(n)).squareRoot())
        buffer.withUnsafeMutableBufferPointer { stream.fillUniform($0) }
        let umean = buffer.reduce(0, +) / Double(n)
        #expect(abs(umean - 0.5) < 5 * (1.0 / 12 / Double(n)).squareRoot())
        #expect(buffer.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test("derived seeds differ for each stream index")
    func derived() {
        let seeds = Set((0..<1000).map { RandomStream.derivedSeed(1, stream: UInt64($0)) })
        #expect(seeds.count == 1000)
    }
}
