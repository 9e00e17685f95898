import CVectorMath

/// Elementwise functions on contiguous buffers through glibc's vector math library
/// (libmvec): the `exp` of the Gaussian-mixture log-sum-exp, two or four lanes per call.
///
/// libmvec is the library compilers call when they vectorise a loop over `exp`; Swift does
/// not vectorise calls, so this calls it directly. The four-lane AVX2 variant runs when the
/// CPU has AVX2 (checked once per process); otherwise the two-lane SSE2 variant, which every
/// x86-64 CPU has. Elsewhere it falls back to scalar `exp`. glibc states a maximum error of
/// 4 ulp for both variants (scalar `exp`: below 1 ulp); the tests check ≤ 4 ulp against
/// scalar `exp` over the range the scores use.
public enum VectorMath {
    /// Whether the AVX2 variant is in use.
    public static let usesAVX2: Bool = {
        #if arch(x86_64)
            return cvm_has_avx2() != 0
        #else
            return false
        #endif
    }()

    /// `y[i] = exp(x[i])` for `i < count`. `x` and `y` may be the same buffer. Arguments
    /// below −708 give subnormal results through libmvec's scalar fallback (slow, still
    /// correct); callers that only need relative weights should clamp first.
    @inline(__always)
    public static func exp(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, count: Int) {
        cvm_exp(x, y, count, wide)
    }

    private static let wide: Int32 = usesAVX2 ? 1 : 0
}
