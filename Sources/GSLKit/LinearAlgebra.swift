import CGSL

/// The result of a linear least-squares fit `y ≈ X c`.
public struct LeastSquaresFit: Sendable, Equatable {
    /// The fitted coefficients `c` (length p).
    public var coefficients: [Double]
    /// Their covariance matrix, row-major `p × p` (scaled by the residual variance when the
    /// fit was unweighted, by the given weights otherwise, as GSL does).
    public var covariance: [Double]
    /// The weighted sum of squared residuals.
    public var chiSquared: Double
    /// The effective rank of the design matrix after truncating tiny singular values.
    public var rank: Int
}

/// Small dense linear algebra from GSL: least squares and linear solves.
public enum LinearAlgebra {
    private static func matrix(_ values: [Double], rows: Int, columns: Int) throws -> UnsafeMutablePointer<gsl_matrix> {
        guard let m = gsl_matrix_alloc(rows, columns) else {
            throw GSLError(code: Status.noMemory, routine: "gsl_matrix_alloc", message: "allocation of \(rows)×\(columns) failed")
        }
        for i in 0..<rows {
            for j in 0..<columns { gsl_matrix_set(m, i, j, values[i * columns + j]) }
        }
        return m
    }

    private static func vector(_ values: [Double]) throws -> UnsafeMutablePointer<gsl_vector> {
        guard let v = gsl_vector_alloc(values.count) else {
            throw GSLError(code: Status.noMemory, routine: "gsl_vector_alloc", message: "allocation failed")
        }
        for (i, x) in values.enumerated() { gsl_vector_set(v, i, x) }
        return v
    }

    private static func array(_ v: UnsafeMutablePointer<gsl_vector>, _ n: Int) -> [Double] {
        (0..<n).map { gsl_vector_get(v, $0) }
    }

    /// Calls `body(j, A e_j)` for each column `j` of a matrix-free operator on `n` unknowns,
    /// in order (the column buffer is reused: copy what you keep).
    ///
    /// - Parameter apply: writes `A x` into the second buffer.
    public static func forEachColumn(
        dimension n: Int, apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void,
        _ body: (Int, [Double]) -> Void
    ) {
        var unit = [Double](repeating: 0, count: n)
        var column = [Double](repeating: 0, count: n)
        for j in 0..<n {
            unit[j] = 1
            unit.withUnsafeBufferPointer { u in column.withUnsafeMutableBufferPointer { apply(u, $0) } }
            unit[j] = 0
            body(j, column)
        }
    }

    /// The row-major `n × n` matrix of a matrix-free operator (column `j` is `A e_j`).
    public static func denseMatrix(
        dimension n: Int, apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) -> [Double] {
        var matrix = [Double](repeating: 0, count: n * n)
        forEachColumn(dimension: n, apply: apply) { j, column in
            for i in 0..<n { matrix[i * n + j] = column[i] }
        }
        return matrix
    }

    /// Least squares `min_c Σᵢ wᵢ (yᵢ − (X c)ᵢ)²` by SVD (`gsl_multifit_linear_tsvd` /
    /// `gsl_multifit_wlinear_tsvd`), robust to a rank-deficient design.
    ///
    /// - Parameters:
    ///   - design: `X`, row-major, `rows × columns`, rows ≥ columns.
    ///   - weights: optional non-negative weights (default all 1).
    public static func leastSquares(
        design: [Double], rows n: Int, columns p: Int, observations y: [Double], weights: [Double]? = nil
    ) throws -> LeastSquaresFit {
        GSLRuntime.ensureReady()
        let routine = "LinearAlgebra.leastSquares"
        try Validate.positive(p, routine, "columns")
        guard n >= p else {
            throw GSLError.invalidArgument(routine, "need at least as many observations (\(n)) as coefficients (\(p))")
        }
        try Validate.count(design.count, n * p, routine, "design")
        try Validate.count(y.count, n, routine, "observations")
        try Validate.finite(design, routine, "design")
        try Validate.finite(y, routine, "observations")
        if let weights {
            try Validate.count(weights.count, n, routine, "weights")
            try Validate.finite(weights, routine, "weights")
            if weights.contains(where: { $0 < 0 }) { throw GSLError.invalidArgument(routine, "weights must be non-negative") }
        }
        let X = try matrix(design, rows: n, columns: p)
        let Y = try vector(y)
        defer {
            gsl_matrix_free(X)
            gsl_vector_free(Y)
        }
        guard let c = gsl_vector_alloc(p), let cov = gsl_matrix_alloc(p, p), let work = gsl_multifit_linear_alloc(n, p)
        else {
            throw GSLError(code: Status.noMemory, routine: "gsl_multifit_linear_alloc", message: "allocation failed")
        }
        defer {
            gsl_vector_free(c)
            gsl_matrix_free(cov)
            gsl_multifit_linear_free(work)
        }
        var chisq = 0.0
        var rank = 0
        if let weights {
            let W = try vector(weights)
            defer { gsl_vector_free(W) }
            try check(gsl_multifit_wlinear_tsvd(X, W, Y, 1e-12, c, cov, &chisq, &rank, work), "gsl_multifit_wlinear_tsvd")
        } else {
            try check(gsl_multifit_linear_tsvd(X, Y, 1e-12, c, cov, &chisq, &rank, work), "gsl_multifit_linear_tsvd")
        }
        var covariance = [Double](repeating: 0, count: p * p)
        for i in 0..<p {
            for j in 0..<p { covariance[i * p + j] = gsl_matrix_get(cov, i, j) }
        }
        return LeastSquaresFit(coefficients: array(c, p), covariance: covariance, chiSquared: chisq, rank: rank)
    }

    /// Solves `A x = b` for symmetric positive-definite `A` (row-major `n × n`) by Cholesky.
    ///
    /// - Throws: if `A` is not positive definite (Status.domain), with a hint.
    public static func solveSymmetricPositiveDefinite(_ a: [Double], dimension n: Int, rhs b: [Double]) throws -> [Double] {
        try withSquareSystem(a, dimension: n, rhs: b, routine: "LinearAlgebra.solveSymmetricPositiveDefinite") { A, B, x in
            try check(
                gsl_linalg_cholesky_decomp1(A), "gsl_linalg_cholesky_decomp1",
                hint: "the matrix is not positive definite; the basis may be linearly dependent on the data")
            try check(gsl_linalg_cholesky_solve(A, B, x), "gsl_linalg_cholesky_solve")
        }
    }

    /// Solves a general square system `A x = b` by LU with partial pivoting.
    public static func solve(_ a: [Double], dimension n: Int, rhs b: [Double]) throws -> [Double] {
        let routine = "LinearAlgebra.solve"
        return try withSquareSystem(a, dimension: n, rhs: b, routine: routine) { A, B, x in
            guard let perm = gsl_permutation_alloc(n) else {
                throw GSLError(code: Status.noMemory, routine: "gsl_permutation_alloc", message: "allocation failed")
            }
            defer { gsl_permutation_free(perm) }
            var signum: Int32 = 0
            try check(gsl_linalg_LU_decomp(A, perm, &signum), "gsl_linalg_LU_decomp")
            for i in 0..<n where gsl_matrix_get(A, i, i) == 0 {
                throw GSLError(
                    code: Status.singular, routine: routine, message: "the matrix is singular (zero pivot at row \(i))")
            }
            try check(gsl_linalg_LU_solve(A, perm, B, x), "gsl_linalg_LU_solve")
        }
    }

    /// The checks and GSL storage of a square system `A x = b` (row-major `n × n`): validates the
    /// sizes and values, copies `A` and `b` into GSL, runs `solve(A, b, x)` and returns `x`;
    /// everything allocated is freed on every path.
    private static func withSquareSystem(
        _ a: [Double], dimension n: Int, rhs b: [Double], routine: String,
        _ solve: (UnsafeMutablePointer<gsl_matrix>, UnsafeMutablePointer<gsl_vector>, UnsafeMutablePointer<gsl_vector>) throws
            -> Void
    ) throws -> [Double] {
        GSLRuntime.ensureReady()
        try Validate.positive(n, routine, "dimension")
        try Validate.count(a.count, n * n, routine, "matrix")
        try Validate.count(b.count, n, routine, "rhs")
        try Validate.finite(a, routine, "matrix")
        try Validate.finite(b, routine, "rhs")
        let A = try matrix(a, rows: n, columns: n)
        defer { gsl_matrix_free(A) }
        let B = try vector(b)
        defer { gsl_vector_free(B) }
        guard let x = gsl_vector_alloc(n) else {
            throw GSLError(code: Status.noMemory, routine: "gsl_vector_alloc", message: "allocation failed")
        }
        defer { gsl_vector_free(x) }
        try solve(A, B, x)
        return array(x, n)
    }
}
