import Foundation

/// xoshiro256 (Blackman & Vigna, 2018): a small, fast generator whose 256-bit state lives in
/// registers, so hot loops (Metropolis sweeps, particle updates) inline every draw; a GSL
/// stream costs a C call per draw and GSL's Gaussian ziggurat another, which made them most
/// of a reverse-SDE run's time.
///
/// Two output functions over the same state: ``nextPlus()`` (xoshiro256+, whose top 53 bits
/// are used for uniform doubles: ``uniform()``) and ``nextPlusPlus()`` (xoshiro256++, every
/// bit of good quality, used where low bits matter: the ziggurat's layer and sign). A stream
/// is seeded from one 64-bit value by SplitMix64, the expansion the authors recommend; one
/// stream per block of work (seeded with a derived seed) keeps results independent of the
/// number of threads. Not cryptographic.
@frozen public struct Xoshiro256: @unchecked Sendable {  // the table pointer is immutable and shared
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64
    /// The ziggurat's table (``GaussianZiggurat``), held here so the hot loop reads it
    /// without a lazy-global check.
    @usableFromInline let table: UnsafePointer<Double>

    /// A stream whose state is SplitMix64's first four outputs from `seed`.
    public init(splitMixSeed seed: UInt64) {
        var x = seed
        func splitMix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(&x)
        s1 = splitMix(&x)
        s2 = splitMix(&x)
        s3 = splitMix(&x)
        table = GaussianZiggurat.table
    }

    @inlinable @inline(__always)
    mutating func advance() {
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
    }

    /// xoshiro256+: `s0 + s3`. Its low bits are weak; use the top bits only.
    @inlinable @inline(__always)
    public mutating func nextPlus() -> UInt64 {
        let result = s0 &+ s3
        advance()
        return result
    }

    /// xoshiro256++: `rotl(s0 + s3, 23) + s0`. Every bit is usable.
    @inlinable @inline(__always)
    public mutating func nextPlusPlus() -> UInt64 {
        let sum = s0 &+ s3
        let result = ((sum << 23) | (sum >> 41)) &+ s0
        advance()
        return result
    }

    /// Uniform on [0, 1), spacing 2⁻⁵³ (the top 53 bits of ``nextPlus()``; below 2⁵³, so the
    /// signed conversion is exact and one instruction).
    @inlinable @inline(__always)
    public mutating func uniform() -> Double { Double(Int64(bitPattern: nextPlus() >> 11)) * 0x1.0p-53 }

    /// Uniform on (0, 1] (never 0: safe for logarithms).
    @inlinable @inline(__always)
    public mutating func uniformPositive() -> Double { Double(Int64(bitPattern: (nextPlus() >> 11) + 1)) * 0x1.0p-53 }

    /// A standard Gaussian draw by the ziggurat method (Marsaglia & Tsang 2000, 256 layers).
    ///
    /// One 64-bit draw gives the layer (bits 0–7), the sign (bit 8) and the abscissa's
    /// uniform (bits 11–63), so they are independent (the correlation Doornik (2005) found
    /// in the original, which took the layer from the same bits as the abscissa, cannot
    /// arise). About 99% of draws end at the first comparison; the rest test the curve
    /// (one `exp`) or sample the tail beyond `R` exactly (Marsaglia's method).
    @inlinable @inline(__always)
    public mutating func gaussian() -> Double {
        let x = table
        while true {
            let bits = nextPlusPlus()
            let i = Int(truncatingIfNeeded: bits & 0xFF)
            let sign = (bits & 0x100) << 55  // bit 8 → the sign bit
            let z = Double(Int64(bitPattern: bits >> 11)) * 0x1.0p-53 * x[i]
            if z < x[i + 1] { return Double(bitPattern: z.bitPattern | sign) }
            // The slow path works on a copy, so the fast path's state can stay in registers
            // (an out-of-line mutating call would pin `self` to memory for the whole loop).
            var slow = self
            let accepted = slow.gaussianEdge(layer: i, z)
            self = slow
            if let accepted { return Double(bitPattern: accepted.bitPattern | sign) }
        }
    }

    /// The ziggurat's slow path: the tail (layer 0) or the curved edge of layer `i`; nil:
    /// rejected, draw again.
    @usableFromInline @inline(never)
    mutating func gaussianEdge(layer i: Int, _ z: Double) -> Double? {
        let r = GaussianZiggurat.r
        if i == 0 {
            while true {
                let a = -log(uniformPositive()) / r
                let b = -log(uniformPositive())
                if 2 * b > a * a { return r + a }
            }
        }
        let f = table + GaussianZiggurat.layers + 1  // f[i] = e^{−x[i]²/2}
        let y = f[i] + uniform() * (f[i + 1] - f[i])
        return y < exp(-0.5 * z * z) ? z : nil
    }
}

/// The 256-layer ziggurat for the standard normal density `f(x) = e^{−x²/2}` (unnormalised).
///
/// Layers of equal area `V` (`x[0] = V/f(R)`, `x[1] = R`,
/// `x[i+1] = f⁻¹(f(x[i]) + V/x[i])`, `x[256] = 0`) with Marsaglia & Tsang's constants
/// `R = 3.6541528853610088`, `V = 4.92867323399·10⁻³`; the table holds `x[0…256]` then
/// `f(x[0…256])`. Computed once from the formulas (not copied): the recursion closing at
/// `x[256] ≈ 0` checks the constants (``closure``).
public enum GaussianZiggurat {
    public static let layers = 256
    public static let r = 3.6541528853610088
    public static let v = 4.92867323399e-3

    /// `x[0…256]`, then `f(x[0…256])`.
    nonisolated(unsafe) public static let table: UnsafePointer<Double> = {  // immutable after its one-time set-up
        let n = layers
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 2 * (n + 1))  // lives as long as the process
        let f = { (x: Double) in exp(-0.5 * x * x) }
        p[0] = v / f(r)
        p[1] = r
        for i in 1..<(n - 1) { p[i + 1] = (-2 * log(v / p[i] + f(p[i]))).squareRoot() }
        p[n] = 0
        for i in 0...n { p[n + 1 + i] = f(p[i]) }
        return UnsafePointer(p)
    }()

    /// `f(x[255]) + V/x[255] − 1`: zero when the layers close exactly at the top (`x[256] = 0`).
    public static var closure: Double {
        let x = table[layers - 1]
        return exp(-0.5 * x * x) + v / x - 1
    }
}
