import CLinAlg

/// A square banded matrix in LAPACK's general-band storage, solved by LU with partial
/// pivoting (`dgbsv`).
///
/// Entry `(i, j)` may be non-zero only when `−lowerBandwidth ≤ j − i ≤ upperBandwidth`.
/// Storage is column-major with `2·kl + ku + 1` rows per column: the top `kl` rows hold the
/// fill-in that pivoting creates, so memory is `n·(2kl + ku + 1)` doubles and the solve costs
/// `O(n·kl·(kl + ku))`. This is the direct solver for 2-D grid operators (5-point stencils
/// have `kl = ku =` the shorter grid side), where it beats iterative methods in robustness
/// for grids up to a few hundred points per side.
public struct BandedMatrix: Sendable, Equatable {
    public let size: Int
    public let lowerBandwidth: Int
    public let upperBandwidth: Int
    /// LAPACK band storage, `leadingDimension × size`, column-major.
    public private(set) var storage: [Double]

    /// Rows per stored column: `2·kl + ku + 1`.
    public var leadingDimension: Int { 2 * lowerBandwidth + upperBandwidth + 1 }

    /// The largest storage (in doubles) accepted: 2²⁷ (1 GiB).
    public static let maximumStorage = 1 << 27

    /// A zero `size × size` band matrix.
    public init(size n: Int, lowerBandwidth kl: Int, upperBandwidth ku: Int) throws {
        let routine = "BandedMatrix"
        try Validate.positive(n, routine, "size")
        guard kl >= 0, ku >= 0, kl <= n - 1, ku <= n - 1 else {
            throw GSLError.invalidArgument(routine, "bandwidths must lie in 0..<\(n) (got kl = \(kl), ku = \(ku))")
        }
        let ld = 2 * kl + ku + 1
        let (total, overflow) = ld.multipliedReportingOverflow(by: n)
        guard !overflow, total <= Self.maximumStorage else {
            throw GSLError.invalidArgument(
                routine, "a \(n)×\(n) band matrix with bandwidths \(kl)/\(ku) needs more than 2²⁷ stored entries (1 GiB)",
                hint: "use a coarser grid")
        }
        self.size = n
        self.lowerBandwidth = kl
        self.upperBandwidth = ku
        self.storage = [Double](repeating: 0, count: total)
    }

    @inline(__always) private func offset(_ i: Int, _ j: Int) -> Int {
        (lowerBandwidth + upperBandwidth + i - j) + j * leadingDimension
    }

    /// Whether `(i, j)` lies inside the band.
    @inline(__always) public func inBand(_ i: Int, _ j: Int) -> Bool {
        i >= 0 && j >= 0 && i < size && j < size && j - i <= upperBandwidth && i - j <= lowerBandwidth
    }

    /// Entry `(i, j)`; reads outside the band return 0, writes outside the band are a
    /// programming error (precondition).
    public subscript(i: Int, j: Int) -> Double {
        get { inBand(i, j) ? storage[offset(i, j)] : 0 }
        set {
            precondition(inBand(i, j), "BandedMatrix: (\(i), \(j)) lies outside the band")
            storage[offset(i, j)] = newValue
        }
    }

    /// Adds `value` to entry `(i, j)` (inside the band).
    @inline(__always) public mutating func add(_ value: Double, at i: Int, _ j: Int) {
        precondition(inBand(i, j), "BandedMatrix: (\(i), \(j)) lies outside the band")
        storage[offset(i, j)] += value
    }

    /// `y = A x` (for residual checks).
    public func multiply(_ x: [Double]) throws -> [Double] {
        try Validate.count(x.count, size, "BandedMatrix.multiply", "x")
        var y = [Double](repeating: 0, count: size)
        for j in 0..<size {
            let lo = max(0, j - upperBandwidth)
            let hi = min(size - 1, j + lowerBandwidth)
            if lo > hi { continue }
            for i in lo...hi { y[i] += storage[offset(i, j)] * x[j] }
        }
        return y
    }

    /// Solves `A x = b` by banded LU with partial pivoting (LAPACK `dgbsv`). The matrix is
    /// consumed (factorised in a copy); `b` holds one right-hand side of length `size`.
    ///
    /// Throws when an entry or `b` is not finite, or when `A` is exactly singular (LAPACK's
    /// `info > 0`: a zero pivot).
    public func solve(_ b: [Double]) throws -> [Double] {
        GSLRuntime.ensureReady()
        let routine = "BandedMatrix.solve"
        try Validate.count(b.count, size, routine, "right-hand side")
        try Validate.finite(b, routine, "right-hand side")
        try Validate.finite(storage, routine, "matrix")
        guard size <= Int(Int32.max), leadingDimension <= Int(Int32.max) else {
            throw GSLError.invalidArgument(routine, "the system is too large for LAPACK's 32-bit indices")
        }
        var ab = storage
        var x = b
        var pivots = [Int32](repeating: 0, count: size)
        let info = ab.withUnsafeMutableBufferPointer { abp in
            x.withUnsafeMutableBufferPointer { xp in
                pivots.withUnsafeMutableBufferPointer { pp in
                    LAPACKE_dgbsv(
                        LAPACK_COL_MAJOR, Int32(size), Int32(lowerBandwidth), Int32(upperBandwidth), 1,
                        abp.baseAddress, Int32(leadingDimension), pp.baseAddress, xp.baseAddress, Int32(size))
                }
            }
        }
        if info < 0 {
            throw GSLError(code: Int32(info), routine: "LAPACKE_dgbsv", message: "argument \(-info) was invalid")
        }
        if info > 0 {
            throw GSLError(
                code: Int32(info), routine: "LAPACKE_dgbsv",
                message: "the matrix is singular (zero pivot in column \(info))",
                hint: "the linear system has no unique solution; check the operator's boundary rows")
        }
        return x
    }
}
