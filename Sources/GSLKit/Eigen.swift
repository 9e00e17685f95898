import CGSL
import CLinAlg
import Foundation

/// Eigenvalues (ascending) and, on request, eigenvectors of a real symmetric operator.
///
/// Eigenvectors are stored contiguously one after another: vector `k` occupies
/// `vectors[k*dimension ..< (k+1)*dimension]`, normalised to unit Euclidean length.
public struct Eigensystem: Sendable, Equatable {
    public var values: [Double]
    public var vectors: [Double]?
    public var dimension: Int

    public init(values: [Double], vectors: [Double]?, dimension: Int) {
        self.values = values
        self.vectors = vectors
        self.dimension = dimension
    }

    /// Eigenvector `k` (requires vectors).
    public func vector(_ k: Int) -> ArraySlice<Double>? {
        guard let vectors, k >= 0, k < values.count else { return nil }
        return vectors[(k * dimension)..<((k + 1) * dimension)]
    }
}

/// Dense symmetric eigen-decomposition with GSL (`gsl_eigen_symm`, `gsl_eigen_symmv`).
///
/// Suited to matrices up to a few thousand rows; for tridiagonal matrices use
/// ``TridiagonalEigensolver`` and for large sparse operators ``LanczosEigensolver``.
public enum SymmetricEigensolver {
    /// All eigenvalues of the symmetric `n × n` row-major `matrix`, ascending.
    ///
    /// - Throws: when the matrix is not square, not finite, or not symmetric to 1e-12
    ///   relative to its largest entry (a non-symmetric input would give silently wrong
    ///   results, since GSL only reads the lower triangle).
    public static func solve(matrix: [Double], dimension n: Int, vectors wantVectors: Bool = false) throws -> Eigensystem {
        GSLRuntime.ensureReady()
        let routine = "SymmetricEigensolver.solve"
        try Validate.positive(n, routine, "dimension")
        try Validate.count(matrix.count, n * n, routine, "matrix")
        try Validate.finite(matrix, routine, "matrix")
        let scale = matrix.reduce(0) { max($0, abs($1)) }
        for i in 0..<n {
            for j in 0..<i where abs(matrix[i * n + j] - matrix[j * n + i]) > 1e-12 * max(scale, 1e-300) {
                throw GSLError.invalidArgument(
                    routine,
                    "matrix is not symmetric: entry (\(i), \(j)) = \(matrix[i * n + j]) but (\(j), \(i)) = \(matrix[j * n + i])")
            }
        }
        guard let a = gsl_matrix_alloc(n, n), let eval = gsl_vector_alloc(n) else {
            throw GSLError(code: Status.noMemory, routine: "gsl_matrix_alloc", message: "allocation of \(n)×\(n) failed")
        }
        defer {
            gsl_matrix_free(a)
            gsl_vector_free(eval)
        }
        matrix.withUnsafeBufferPointer { src in
            for i in 0..<n {
                for j in 0..<n { gsl_matrix_set(a, i, j, src[i * n + j]) }
            }
        }
        if wantVectors {
            guard let evec = gsl_matrix_alloc(n, n), let work = gsl_eigen_symmv_alloc(n) else {
                throw GSLError(code: Status.noMemory, routine: "gsl_eigen_symmv_alloc", message: "allocation failed")
            }
            defer {
                gsl_matrix_free(evec)
                gsl_eigen_symmv_free(work)
            }
            try check(gsl_eigen_symmv(a, eval, evec, work), "gsl_eigen_symmv")
            try check(gsl_eigen_symmv_sort(eval, evec, GSL_EIGEN_SORT_VAL_ASC), "gsl_eigen_symmv_sort")
            var values = [Double](repeating: 0, count: n)
            var vectors = [Double](repeating: 0, count: n * n)
            for k in 0..<n {
                values[k] = gsl_vector_get(eval, k)
                for i in 0..<n { vectors[k * n + i] = gsl_matrix_get(evec, i, k) }
            }
            return Eigensystem(values: values, vectors: vectors, dimension: n)
        } else {
            guard let work = gsl_eigen_symm_alloc(n) else {
                throw GSLError(code: Status.noMemory, routine: "gsl_eigen_symm_alloc", message: "allocation failed")
            }
            defer { gsl_eigen_symm_free(work) }
            try check(gsl_eigen_symm(a, eval, work), "gsl_eigen_symm")
            var values = (0..<n).map { gsl_vector_get(eval, $0) }
            values.sort()
            return Eigensystem(values: values, vectors: nil, dimension: n)
        }
    }

    /// The `count` lowest eigenpairs (`1 ≤ count ≤ n`) of a small matrix-free symmetric
    /// operator, from the dense decomposition of its matrix
    /// (``LinearAlgebra/denseMatrix(dimension:apply:)``): the
    /// fallback of Lanczos where the operator is too small for ARPACK (`count ≥ n`) or
    /// the dense solve is cheaper.
    public static func lowest(
        count k: Int, dimension n: Int, vectors wantVectors: Bool = false,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) throws -> Eigensystem {
        let full = try solve(matrix: LinearAlgebra.denseMatrix(dimension: n, apply: apply), dimension: n, vectors: wantVectors)
        return Eigensystem(
            values: Array(full.values.prefix(k)), vectors: full.vectors.map { Array($0.prefix(k * n)) }, dimension: n)
    }
}

/// Selected eigenpairs of a symmetric tridiagonal matrix with LAPACK's MRRR solver
/// (`dstevr`), in `O(n·k)` work for the `k` lowest pairs.
///
/// This is the solver for 1-D and radial grids: a 3-point Laplacian plus a potential is
/// tridiagonal, and thousands of points take milliseconds.
public enum TridiagonalEigensolver {
    /// The `count` lowest eigenvalues (ascending) of the matrix with main diagonal `diagonal`
    /// (length n) and off-diagonal `offDiagonal` (length n − 1), with eigenvectors on request.
    public static func lowest(
        diagonal: [Double], offDiagonal: [Double], count k: Int, vectors wantVectors: Bool = false
    ) throws -> Eigensystem {
        let routine = "TridiagonalEigensolver.lowest"
        let n = diagonal.count
        try Validate.tridiagonal(diagonal: diagonal, offDiagonal: offDiagonal, count: k, routine)
        var d = diagonal
        var e = offDiagonal + [0]  // dstevr wants length n workspace for e
        var m: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: wantVectors ? n * k : 1)
        var isuppz = [Int32](repeating: 0, count: 2 * max(k, 1))
        let info = LAPACKE_dstevr(
            LAPACK_COL_MAJOR, wantVectors ? Int8(UInt8(ascii: "V")) : Int8(UInt8(ascii: "N")),
            Int8(UInt8(ascii: "I")), Int32(n), &d, &e, 0, 0, Int32(1), Int32(k), 0, &m, &w, &z,
            Int32(wantVectors ? n : 1), &isuppz)
        if info != 0 {
            throw GSLError(
                code: Int32(info), routine: "LAPACKE_dstevr",
                message: info < 0 ? "argument \(-info) was invalid" : "internal error \(info) (no convergence)",
                hint: "check the matrix for extreme entries")
        }
        return Eigensystem(values: Array(w.prefix(Int(m))), vectors: wantVectors ? z : nil, dimension: n)
    }
}

/// Options for ``LanczosEigensolver``.
public struct LanczosOptions: Sendable, Equatable {
    /// Relative accuracy of the Ritz values (0: machine precision).
    public var tolerance: Double = 1e-12
    /// Maximum number of implicit restarts.
    public var maxRestarts: Int = 5000
    /// Krylov subspace size (ARPACK's `ncv`); default `max(2k + 1, 24)`, capped at the dimension.
    public var krylovDimension: Int? = nil
    /// Seed of the random starting vector (a fixed seed makes the result reproducible).
    public var seed: UInt64 = 0x5EED
    /// Starting vector (overrides the seed).
    public var initialVector: [Double]? = nil
    /// Work limit: the most operator applications before the solve stops with
    /// ``LanczosWorkLimitReached`` (nil: only ``maxRestarts`` bounds the work).
    public var maxOperatorApplications: Int? = nil

    public init(
        tolerance: Double = 1e-12, maxRestarts: Int = 5000, krylovDimension: Int? = nil, seed: UInt64 = 0x5EED,
        initialVector: [Double]? = nil, maxOperatorApplications: Int? = nil
    ) {
        self.tolerance = tolerance
        self.maxRestarts = maxRestarts
        self.krylovDimension = krylovDimension
        self.seed = seed
        self.initialVector = initialVector
        self.maxOperatorApplications = maxOperatorApplications
    }
}

/// A Lanczos solve stopped at ``LanczosOptions/maxOperatorApplications`` before its Ritz
/// values converged: the work done, so that callers can report it or go on with a budget.
public struct LanczosWorkLimitReached: Error, CustomStringConvertible, Sendable {
    /// Operator applications done (= the limit).
    public var operatorApplications: Int
    /// The wanted number of eigenvalues.
    public var count: Int
    public var description: String {
        "ARPACK stopped at its work limit of \(operatorApplications) operator applications before \(count) eigenvalues converged"
    }
}

/// Statistics of a Lanczos run.
public struct LanczosStatistics: Sendable, Equatable {
    public var restarts: Int
    public var operatorApplications: Int
    public var converged: Int
}

/// The lowest eigenpairs of a large symmetric operator given only by its action `y = A x`,
/// with ARPACK's implicitly restarted Lanczos method (`dsaupd`/`dseupd`, `which = "SA"`).
///
/// ARPACK keeps internal state in Fortran `SAVE` variables, so calls are serialised by a
/// process-wide lock; the operator itself may use several threads.
public enum LanczosEigensolver {
    private static let lock = NSLock()

    /// The `count` smallest eigenvalues of the `dimension × dimension` symmetric operator.
    ///
    /// - Parameter apply: writes `A x` into the second buffer. It may throw; the iteration
    ///   stops and the error is re-thrown (the next call starts ARPACK afresh with `ido = 0`).
    /// - Throws: ``LanczosWorkLimitReached`` when ``LanczosOptions/maxOperatorApplications``
    ///   is reached first; `GSLError` for bad arguments, `maxRestarts` without convergence or
    ///   a non-finite operator value.
    public static func lowest(
        count k: Int, dimension n: Int, vectors wantVectors: Bool = false, options: LanczosOptions = LanczosOptions(),
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void
    ) throws -> (eigensystem: Eigensystem, statistics: LanczosStatistics) {
        let routine = "LanczosEigensolver.lowest"
        try Validate.positive(n, routine, "dimension")
        guard k >= 1, k < n else {
            throw GSLError.invalidArgument(
                routine, "count must be between 1 and dimension − 1 = \(n - 1) (got \(k))",
                hint: "for tiny operators use SymmetricEigensolver on the dense matrix")
        }
        guard options.tolerance >= 0, options.tolerance.isFinite, options.maxRestarts > 0 else {
            throw GSLError.invalidArgument(routine, "tolerance must be ≥ 0 and maxRestarts positive")
        }
        if let limit = options.maxOperatorApplications, limit < 1 {
            throw GSLError.invalidArgument(routine, "maxOperatorApplications must be positive (got \(limit))")
        }
        let limit = options.maxOperatorApplications ?? Int.max
        let ncv = min(n, max(options.krylovDimension ?? max(2 * k + 1, 24), k + 2))
        guard ncv > k, ncv <= n else {
            throw GSLError.invalidArgument(routine, "krylovDimension must satisfy count < ncv ≤ dimension")
        }
        var resid = [Double](repeating: 0, count: n)
        if let v0 = options.initialVector {
            try Validate.count(v0.count, n, routine, "initialVector")
            try Validate.finite(v0, routine, "initialVector")
            resid = v0
        } else {
            let stream = try RandomStream(seed: options.seed)
            for i in 0..<n { resid[i] = stream.uniform() - 0.5 }
        }
        let lworkl = ncv * (ncv + 8)
        var v = [Double](repeating: 0, count: n * ncv)
        var workd = [Double](repeating: 0, count: 3 * n)
        var workl = [Double](repeating: 0, count: lworkl)
        var iparam = [Int32](repeating: 0, count: 11)
        var ipntr = [Int32](repeating: 0, count: 14)
        iparam[0] = 1
        iparam[2] = Int32(options.maxRestarts)
        iparam[6] = 1
        var ido: Int32 = 0
        var info: Int32 = 1
        var applications = 0

        lock.lock()
        defer { lock.unlock() }
        var thrown: Error?
        while true {
            dsaupd_c(
                &ido, "I", Int32(n), "SA", Int32(k), options.tolerance, &resid, Int32(ncv), &v, Int32(n), &iparam,
                &ipntr, &workd, &workl, Int32(lworkl), &info)
            if ido == -1 || ido == 1 {
                if applications >= limit {
                    thrown = LanczosWorkLimitReached(operatorApplications: applications, count: k)
                    break
                }
                let xStart = Int(ipntr[0]) - 1
                let yStart = Int(ipntr[1]) - 1
                do {
                    try workd.withUnsafeMutableBufferPointer { buffer in
                        let x = UnsafeBufferPointer(rebasing: buffer[xStart..<(xStart + n)])
                        let y = UnsafeMutableBufferPointer(rebasing: buffer[yStart..<(yStart + n)])
                        try apply(x, y)
                        for value in y where !value.isFinite {
                            throw GSLError(
                                code: Status.badFunction, routine: routine, message: "the operator produced a non-finite value",
                                hint: "check the operator's potential for NaN or ∞")
                        }
                    }
                } catch {
                    thrown = error
                    break
                }
                applications += 1
            } else {
                break
            }
        }
        if let thrown { throw thrown }
        if info < 0 {
            throw GSLError(code: Int32(info), routine: "dsaupd", message: "ARPACK rejected its input (info = \(info))")
        }
        if info == 1 {
            throw GSLError(
                code: Status.maxIterations, routine: "dsaupd",
                message: "no convergence after \(iparam[2]) restarts (\(iparam[4]) of \(k) values converged)",
                hint: "raise maxRestarts or krylovDimension, or loosen the tolerance")
        }
        if info != 0 {
            throw GSLError(code: Int32(info), routine: "dsaupd", message: "ARPACK failed (info = \(info))")
        }
        let converged = Int(iparam[4])
        var select = [Int32](repeating: 0, count: ncv)
        var d = [Double](repeating: 0, count: k)
        var z = [Double](repeating: 0, count: wantVectors ? n * k : 1)
        var einfo: Int32 = 0
        dseupd_c(
            wantVectors ? 1 : 0, "A", &select, &d, &z, Int32(wantVectors ? n : 1), 0, "I", Int32(n), "SA", Int32(k),
            options.tolerance, &resid, Int32(ncv), &v, Int32(n), &iparam, &ipntr, &workd, &workl, Int32(lworkl),
            &einfo)
        if einfo != 0 {
            throw GSLError(code: Int32(einfo), routine: "dseupd", message: "ARPACK post-processing failed (info = \(einfo))")
        }
        // Sort ascending (dseupd already does for "SA", but do not rely on it).
        let order = (0..<k).sorted { d[$0] < d[$1] }
        let values = order.map { d[$0] }
        var vectors: [Double]? = nil
        if wantVectors {
            var sorted = [Double](repeating: 0, count: n * k)
            for (slot, index) in order.enumerated() {
                for i in 0..<n { sorted[slot * n + i] = z[index * n + i] }
            }
            vectors = sorted
        }
        return (
            Eigensystem(values: values, vectors: vectors, dimension: n),
            LanczosStatistics(restarts: Int(iparam[2]), operatorApplications: applications, converged: converged)
        )
    }
}
