import CGSL

/// In-place complex discrete Fourier transforms of one length (`gsl_fft_complex`).
///
/// Data are interleaved `(re₀, im₀, re₁, im₁, …)`, length `2n`. `forward` computes
/// `X_k = Σ_j x_j e^{−2πi jk/n}`, `backward` the same with `+i`, and `inverse` is
/// `backward / n`. Powers of two use the radix-2 code; other lengths the mixed-radix code
/// with a precomputed wavetable. An instance holds a workspace, so use one per thread.
public final class ComplexFFT {
    public let count: Int
    private let isPowerOfTwo: Bool
    private let wavetable: UnsafeMutablePointer<gsl_fft_complex_wavetable>?
    private let workspace: UnsafeMutablePointer<gsl_fft_complex_workspace>?

    public init(count n: Int) throws {
        GSLRuntime.ensureReady()
        try Validate.positive(n, "ComplexFFT", "count")
        count = n
        isPowerOfTwo = n & (n - 1) == 0
        if isPowerOfTwo {
            wavetable = nil
            workspace = nil
        } else {
            guard let table = gsl_fft_complex_wavetable_alloc(n), let work = gsl_fft_complex_workspace_alloc(n) else {
                throw GSLError(code: Status.noMemory, routine: "gsl_fft_complex_wavetable_alloc", message: "allocation failed")
            }
            wavetable = table
            workspace = work
        }
    }

    deinit {
        if let wavetable { gsl_fft_complex_wavetable_free(wavetable) }
        if let workspace { gsl_fft_complex_workspace_free(workspace) }
    }

    private func transform(_ data: UnsafeMutableBufferPointer<Double>, stride: Int, sign: gsl_fft_direction, _ routine: String)
        throws
    {
        guard let base = data.baseAddress, data.count >= 2 * count * stride - 2 * (stride - 1) else {
            throw GSLError.invalidArgument(routine, "buffer holds \(data.count) doubles, needs \(2 * count) interleaved values")
        }
        let status: Int32
        if isPowerOfTwo {
            status = gsl_fft_complex_radix2_transform(base, stride, count, sign)
        } else {
            status = gsl_fft_complex_transform(base, stride, count, wavetable, workspace, sign)
        }
        try check(status, routine)
    }

    /// Forward transform (`e^{−2πi jk/n}`), unnormalised, in place. `stride` counts complex
    /// elements (1: contiguous; `m`: every m-th element, as for a column of a 2-D array).
    public func forward(_ data: UnsafeMutableBufferPointer<Double>, stride: Int = 1) throws {
        try transform(data, stride: stride, sign: gsl_fft_forward, "ComplexFFT.forward")
    }

    /// Backward transform (`e^{+2πi jk/n}`), unnormalised, in place.
    public func backward(_ data: UnsafeMutableBufferPointer<Double>, stride: Int = 1) throws {
        try transform(data, stride: stride, sign: gsl_fft_backward, "ComplexFFT.backward")
    }

    /// Inverse transform: backward divided by `n`, so `inverse(forward(x)) = x`.
    public func inverse(_ data: UnsafeMutableBufferPointer<Double>, stride: Int = 1) throws {
        try backward(data, stride: stride)
        let scale = 1.0 / Double(count)
        for j in 0..<count {
            data[2 * j * stride] *= scale
            data[2 * j * stride + 1] *= scale
        }
    }

    /// Convenience over arrays.
    public func forward(_ data: inout [Double]) throws {
        try data.withUnsafeMutableBufferPointer { try forward($0) }
    }

    /// Convenience over arrays.
    public func inverse(_ data: inout [Double]) throws {
        try data.withUnsafeMutableBufferPointer { try inverse($0) }
    }
}
