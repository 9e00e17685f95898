import Foundation

/// Branch-free `sin`/`cos` for the phase loops of the split-operator propagators.
///
/// The diagonal phase `e^{−iθₖ}` must be evaluated for every amplitude at every step, so
/// `sincos` dominates a step unless it vectorises. This version reduces `θ` by `π/2` with a
/// three-part Cody–Waite constant (Cephes' `DP1..3`, doubled: exact products for
/// `|q| < 2²⁹`) and evaluates Cephes' minimax polynomials on `[−π/4, π/4]`; both are
/// straight-line code the compiler vectorises. Accuracy: within 2 ulp of libm for
/// `|θ| ≤ 10⁶` (tested against `Foundation.sin`/`cos`); callers fall back to libm beyond.
public enum FastTrig {
    /// Largest `|θ|` the reduction handles at full accuracy.
    public static let maximumArgument = 1.0e6

    @inline(__always)
    public static func sinCos(_ theta: Double) -> (sin: Double, cos: Double) {
        let (q, sinZ, cosZ) = reduced(theta)
        let quadrant = Int(truncatingIfNeeded: Int64(q)) & 3
        let swap = quadrant & 1 == 1
        let sBase = swap ? cosZ : sinZ
        let cBase = swap ? sinZ : cosZ
        let sinSign: Double = quadrant >= 2 ? -1 : 1
        let cosSign: Double = (quadrant == 1 || quadrant == 2) ? -1 : 1
        return (sinSign * sBase, cosSign * cBase)
    }
}

extension FastTrig {
    /// Two arguments at once (one SSE2 register); the same arithmetic as the scalar version.
    @inline(__always)
    public static func sinCos(_ theta: SIMD2<Double>) -> (sin: SIMD2<Double>, cos: SIMD2<Double>) {
        let (q, sinZ, cosZ) = reduced(theta)
        // q mod 4 in floating point (no integer conversion, which has no SSE2 vector form):
        // for integer q, q/4 − 3/8 has fractional part ±1/8 or ±3/8, so rounding it is floor(q/4).
        let floorQuarter = ((q * 0.25 - 0.375) + roundingShift) - roundingShift
        let quadrant = q - 4 * floorQuarter
        let swap = (quadrant .== 1) .| (quadrant .== 3)
        let sBase = sinZ.replacing(with: cosZ, where: swap)
        let cBase = cosZ.replacing(with: sinZ, where: swap)
        let sinNegative = quadrant .>= 2
        let cosNegative = (quadrant .== 1) .| (quadrant .== 2)
        return (sBase.replacing(with: -sBase, where: sinNegative), cBase.replacing(with: -cBase, where: cosNegative))
    }
}

extension FastTrig {
    /// Adding and subtracting 1.5·2⁵² rounds to the nearest integer (exact for |x| < 2⁵¹, and a
    /// plain add where `roundsd` is unavailable, so it vectorises).
    @inline(__always) static var roundingShift: Double { 6755399441055744.0 }

    /// `θ = q·π/2 + z` with integer `q` and `|z| ≤ π/4`, and Cephes' minimax polynomials for
    /// `sin z` and `cos z`: the same operations for one argument and for each lane of two.
    @inline(__always)
    static func reduced<T: FastTrigArgument>(_ theta: T) -> (q: T, sinZ: T, cosZ: T) {
        let q = (theta * 0.63661977236758134308 + roundingShift) - roundingShift
        let z = ((theta - q * 1.57079625129699707031) - q * 7.54978941586159635336e-8) - q * 5.39030285815811905290e-15
        let zz = z * z
        var s = zz * 1.58962301576546568060e-10 - 2.50507477628578072866e-8
        s = s * zz + 2.75573136213857245213e-6
        s = s * zz - 1.98412698295895385996e-4
        s = s * zz + 8.33333333332211858878e-3
        s = s * zz - 1.66666666666666307295e-1
        let sinZ = z + z * zz * s
        var c = zz * -1.13585365213876817300e-11 + 2.08757008419747316778e-9
        c = c * zz - 2.75573141792967388112e-7
        c = c * zz + 2.48015872888517045348e-5
        c = c * zz - 1.38888888888730564116e-3
        c = c * zz + 4.16666666666665929218e-2
        let cosZ = 1 - 0.5 * zz + zz * zz * c
        return (q, sinZ, cosZ)
    }
}

/// The arithmetic of ``FastTrig/reduced(_:)``: `Double`, and `SIMD2<Double>` lane by lane.
protocol FastTrigArgument {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func + (lhs: Self, rhs: Double) -> Self
    static func - (lhs: Self, rhs: Double) -> Self
    static func * (lhs: Self, rhs: Double) -> Self
    static func * (lhs: Double, rhs: Self) -> Self
    static func - (lhs: Double, rhs: Self) -> Self
}

extension Double: FastTrigArgument {}
extension SIMD2: FastTrigArgument where Scalar == Double {}
