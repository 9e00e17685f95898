import CGSL

/// The generator algorithms offered (all from GSL).
public enum RandomAlgorithm: String, CaseIterable, Sendable, Codable {
    /// Mersenne Twister MT19937 (GSL's default): fast, period 2¹⁹⁹³⁷ − 1. Seeds use 32 bits.
    case mt19937
    /// RANLUX, double precision, luxury level 2: slow, of the highest statistical quality.
    case ranlxd2
    /// L'Ecuyer's maximally equidistributed Tausworthe generator: very fast, small state.
    case taus2
}

/// A seeded, reproducible stream of random numbers (`gsl_rng`).
///
/// A stream is not thread-safe; for parallel work derive one stream per chunk of work with
/// ``derivedSeed(_:stream:)``, so the result does not depend on how many threads ran.
public final class RandomStream {
    public let seed: UInt64
    public let algorithm: RandomAlgorithm
    private let rng: UnsafeMutablePointer<gsl_rng>

    /// - Throws: ``GSLError`` when GSL cannot allocate the generator's state (out of memory).
    public init(seed: UInt64, algorithm: RandomAlgorithm = .mt19937) throws {
        GSLRuntime.ensureReady()
        self.seed = seed
        self.algorithm = algorithm
        let type: UnsafePointer<gsl_rng_type>
        switch algorithm {
        case .mt19937: type = cgsl_rng_mt19937()
        case .ranlxd2: type = cgsl_rng_ranlxd2()
        case .taus2: type = cgsl_rng_taus2()
        }
        guard let state = gsl_rng_alloc(type) else {
            throw GSLError(
                code: Status.noMemory, routine: "gsl_rng_alloc", message: "cannot allocate a random stream (out of memory)",
                hint: "use fewer samples, or run on a machine with more memory")
        }
        rng = state
        gsl_rng_set(rng, UInt(truncatingIfNeeded: seed))
    }

    deinit { gsl_rng_free(rng) }

    /// A well-mixed seed for sub-stream `stream` of `seed` (SplitMix64 finaliser), so that
    /// nearby seeds and stream indices give unrelated streams.
    public static func derivedSeed(_ seed: UInt64, stream: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (stream &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform draw in [0, 1).
    @inline(__always) public func uniform() -> Double { gsl_rng_uniform(rng) }

    /// A uniform draw in (0, 1) (never 0; safe for logarithms).
    @inline(__always) public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

    /// A uniform integer in 0..<n (n ≥ 1).
    @inline(__always) public func uniformInt(below n: Int) -> Int {
        precondition(n >= 1, "uniformInt(below:) needs n ≥ 1")
        return Int(gsl_rng_uniform_int(rng, UInt(n)))
    }

    /// A Gaussian draw with mean 0 and the given standard deviation (ziggurat method).
    @inline(__always) public func gaussian(standardDeviation sigma: Double = 1) -> Double {
        gsl_ran_gaussian_ziggurat(rng, sigma)
    }

    /// An exponential draw with the given mean.
    @inline(__always) public func exponential(mean: Double) -> Double { gsl_ran_exponential(rng, mean) }

    /// A binomial draw: successes in `trials` independent trials of probability `p`
    /// (`0 ≤ p ≤ 1`, `trials < 2³²`).
    public func binomial(trials: Int, probability p: Double) -> Int {
        precondition(trials >= 0 && trials <= Int(UInt32.max), "binomial(trials:) needs 0 ≤ trials < 2^32")
        return Int(gsl_ran_binomial(rng, min(max(p, 0), 1), UInt32(trials)))
    }

    /// Fills `buffer` with independent standard Gaussian draws times `sigma`.
    public func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>, standardDeviation sigma: Double = 1) {
        for i in buffer.indices { buffer[i] = gsl_ran_gaussian_ziggurat(rng, sigma) }
    }

    /// Fills `buffer` with independent uniform draws in [0, 1).
    public func fillUniform(_ buffer: UnsafeMutableBufferPointer<Double>) {
        for i in buffer.indices { buffer[i] = gsl_rng_uniform(rng) }
    }

    /// Draws an index with probability proportional to `weights` (non-negative, positive sum).
    public func categorical(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var u = uniform() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }
}
