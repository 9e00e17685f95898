import CLinAlg
import Foundation

/// Selected eigenpairs of a real symmetric band matrix with LAPACK (`dsbevx`), for 1-D grid
/// Hamiltonians with a wider-than-3-point stencil (4th order: 5 points, 6th order: 7 points).
///
/// `dsbevx` reduces the band to tridiagonal form in `O(n·kd²)` work and then computes the
/// requested eigenvalues by bisection. Its eigenvectors would need the dense `n × n`
/// transformation matrix (`n²` memory), so eigenvectors are computed instead by inverse
/// iteration with LAPACK's banded LU solver (`dgbsv`), which needs `O(n·kd)` memory.
public enum BandedEigensolver {
    /// The `count` lowest eigenvalues (ascending), and eigenvectors on request.
    ///
    /// - Parameter bands: `bands[0]` is the main diagonal (length n); `bands[j]` the j-th
    ///   super-diagonal (length n − j), equal to the j-th sub-diagonal.
    public static func lowest(bands: [[Double]], count k: Int, vectors wantVectors: Bool = false) throws -> Eigensystem {
        let routine = "BandedEigensolver.lowest"
        guard let diagonal = bands.first else { throw GSLError.invalidArgument(routine, "needs at least the main diagonal") }
        let n = diagonal.count
        try Validate.positive(n, routine, "diagonal count")
        let kd = bands.count - 1
        guard kd < n else { throw GSLError.invalidArgument(routine, "bandwidth \(kd) must be below the dimension \(n)") }
        for j in 0...kd {
            try Validate.count(bands[j].count, n - j, routine, "bands[\(j)]")
            try Validate.finite(bands[j], routine, "bands[\(j)]")
        }
        guard k >= 1, k <= n else { throw GSLError.invalidArgument(routine, "count must be between 1 and \(n) (got \(k))") }
        // Column-major upper band storage: ab[kd + i − j + j·ldab] = A[i][j] for i ≤ j.
        let ldab = kd + 1
        var ab = [Double](repeating: 0, count: ldab * n)
        for j in 0..<n {
            for off in 0...min(kd, j) { ab[(kd - off) + j * ldab] = bands[off][j - off] }
        }
        var m: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var z = [Double](repeating: 0, count: 1)
        var q = [Double](repeating: 0, count: 1)
        var ifail = [Int32](repeating: 0, count: n)
        let abstol = 2 * LAPACKE_dlamch(Int8(UInt8(ascii: "S")))  // most accurate bisection
        let info = LAPACKE_dsbevx(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "I")), Int8(UInt8(ascii: "U")), Int32(n), Int32(kd),
            &ab, Int32(ldab), &q, 1, 0, 0, 1, Int32(k), abstol, &m, &w, &z, 1, &ifail)
        if info != 0 {
            throw GSLError(
                code: Int32(info), routine: "LAPACKE_dsbevx",
                message: info < 0 ? "argument \(-info) was invalid" : "\(info) eigenvalues failed to converge",
                hint: "check the matrix for extreme entries")
        }
        let values = Array(w.prefix(Int(m)))
        guard wantVectors else { return Eigensystem(values: values, vectors: nil, dimension: n) }
        let vectors = try inverseIteration(bands: bands, values: values)
        return Eigensystem(values: values, vectors: vectors, dimension: n)
    }

    /// Eigenvectors for known eigenvalues: three steps of inverse iteration with the shift
    /// just below each eigenvalue, Gram–Schmidt against the previous vectors (which matters
    /// only for near-degenerate levels), unit Euclidean length, largest component positive.
    static func inverseIteration(bands: [[Double]], values: [Double]) throws -> [Double] {
        let n = bands[0].count
        let kd = bands.count - 1
        let scale = bands.reduce(0.0) { acc, band in band.reduce(acc) { max($0, abs($1)) } }
        var out = [Double](repeating: 0, count: n * values.count)
        let stream = try RandomStream(seed: 0xBA4D)
        // General band storage for dgbsv (column-major, kl = ku = kd, ldab = 3kd + 1).
        let ldab = 3 * kd + 1
        for (slot, lambda) in values.enumerated() {
            let shift = lambda - 1e-10 * max(scale, 1)
            var x = (0..<n).map { _ in stream.uniform() - 0.5 }
            for _ in 0..<3 {
                var ab = [Double](repeating: 0, count: ldab * n)
                for j in 0..<n {
                    for i in max(0, j - kd)...min(n - 1, j + kd) {
                        let off = abs(i - j)
                        var a = bands[off][min(i, j)]
                        if i == j { a -= shift }
                        ab[(2 * kd + i - j) + j * ldab] = a
                    }
                }
                var ipiv = [Int32](repeating: 0, count: n)
                let info = LAPACKE_dgbsv(
                    LAPACK_COL_MAJOR, Int32(n), Int32(kd), Int32(kd), 1, &ab, Int32(ldab), &ipiv, &x, Int32(n))
                if info < 0 {
                    throw GSLError(code: Int32(info), routine: "LAPACKE_dgbsv", message: "argument \(-info) was invalid")
                }
                // info > 0: an exact zero pivot, i.e. the shift hit an eigenvalue exactly; the
                // solution is then still dominated by the wanted eigenvector after one more step.
                for prev in 0..<slot {
                    var dot = 0.0
                    for i in 0..<n { dot += x[i] * out[prev * n + i] }
                    for i in 0..<n { x[i] -= dot * out[prev * n + i] }
                }
                var norm = 0.0
                for v in x { norm += v * v }
                norm = norm.squareRoot()
                guard norm.isFinite, norm > 0 else {
                    throw GSLError(
                        code: Status.singular, routine: "BandedEigensolver",
                        message: "inverse iteration broke down at level \(slot)")
                }
                for i in 0..<n { x[i] /= norm }
            }
            var largest = 0
            for i in 1..<n where abs(x[i]) > abs(x[largest]) { largest = i }
            let sign: Double = x[largest] < 0 ? -1 : 1
            for i in 0..<n { out[slot * n + i] = sign * x[i] }
        }
        return out
    }
}

/// Linear systems with a symmetric positive-definite tridiagonal matrix (LAPACK `dptsv`,
/// an `LDLᵀ` factorisation in `O(n)`).
public enum TridiagonalSystem {
    /// Solves `A x = b` for the SPD tridiagonal `A` with main diagonal `diagonal` (length n)
    /// and off-diagonal `offDiagonal` (length n − 1).
    ///
    /// When `A` is also an M-matrix (off-diagonals ≤ 0, as in `H − σ` for a 3-point grid
    /// Hamiltonian with `σ` below its lowest level) and `b > 0`, every step of the `LDLᵀ`
    /// solve adds positive numbers, so each component of `x` carries a small *relative*
    /// error, even where it is 1e-200 of the largest. Inverse iteration for ground states
    /// relies on this to resolve deep tails.
    ///
    /// - Throws: if `A` is not positive definite (a leading minor ≤ 0).
    public static func solvePositiveDefinite(diagonal: [Double], offDiagonal: [Double], rhs: [Double]) throws -> [Double] {
        let routine = "TridiagonalSystem.solvePositiveDefinite"
        let n = diagonal.count
        try Validate.positive(n, routine, "diagonal count")
        try Validate.count(offDiagonal.count, n - 1, routine, "offDiagonal")
        try Validate.count(rhs.count, n, routine, "rhs")
        try Validate.finite(diagonal, routine, "diagonal")
        try Validate.finite(offDiagonal, routine, "offDiagonal")
        try Validate.finite(rhs, routine, "rhs")
        var d = diagonal
        var e = offDiagonal + [0]
        var b = rhs
        let info = LAPACKE_dptsv(LAPACK_COL_MAJOR, Int32(n), 1, &d, &e, &b, Int32(n))
        if info > 0 {
            throw GSLError(
                code: Int32(info), routine: "LAPACKE_dptsv",
                message: "the matrix is not positive definite (leading minor \(info))",
                hint: "shift below the lowest eigenvalue")
        }
        if info < 0 { throw GSLError(code: Int32(info), routine: "LAPACKE_dptsv", message: "argument \(-info) was invalid") }
        return b
    }
}
