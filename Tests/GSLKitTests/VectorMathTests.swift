import Foundation
import GSLKit
import Testing

@Suite("VectorMath: libmvec exp")
struct VectorMathTests {
    /// Units in the last place between `a` and the correctly rounded-ish scalar `exp` `b`.
    static func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    /// Every length from 0 to 19 (the 4-, 2- and 1-lane tails), in and out of place, over the
    /// range the mixture scores use ([−700, 0]) and beyond (to +700): within glibc's stated
    /// 4 ulp of scalar `exp` (itself < 1 ulp), and bit-equal for 0 (exp 0 = 1).
    @Test("matches scalar exp within 4 ulp on every tail length, in place and out of place")
    func matchesScalar() {
        var worst = 0.0
        for n in 0..<20 {
            for lo in stride(from: -700.0, through: 600, by: 100) {
                let x: [Double] = (0..<n).map { (i: Int) -> Double in
                    let spread: Double = 100 * Double(i) / Double(max(n, 1))
                    return lo + spread + 0.123 * Double(i % 3)
                }
                var y = [Double](repeating: .nan, count: n)
                x.withUnsafeBufferPointer { xs in
                    y.withUnsafeMutableBufferPointer { ys in
                        if let xb = xs.baseAddress, let yb = ys.baseAddress { VectorMath.exp(xb, into: yb, count: n) }
                    }
                }
                var inPlace = x
                inPlace.withUnsafeMutableBufferPointer { b in
                    if let p = b.baseAddress { VectorMath.exp(p, into: p, count: n) }
                }
                for i in 0..<n {
                    let reference = Foundation.exp(x[i])
                    worst = max(worst, Self.ulps(y[i], reference))
                    #expect(inPlace[i] == y[i])
                }
            }
        }
        #expect(worst <= 4, "largest error \(worst) ulp")
        var one = [0.0, 0.0, 0.0, 0.0, 0.0]
        one.withUnsafeMutableBufferPointer { VectorMath.exp($0.baseAddress!, into: $0.baseAddress!, count: 5) }
        #expect(one == [1, 1, 1, 1, 1])
    }

    /// NaN stays NaN, −∞ gives 0 and +∞ gives +∞ (the mixture kernel relies on NaN passing
    /// through to report a non-finite score).
    @Test("special values: NaN, ±∞")
    func specialValues() {
        var x: [Double] = [.nan, -.infinity, .infinity, -1000, 1000, .nan, 0, 1]
        let n = x.count
        x.withUnsafeMutableBufferPointer { VectorMath.exp($0.baseAddress!, into: $0.baseAddress!, count: n) }
        #expect(x[0].isNaN && x[5].isNaN)
        #expect(x[1] == 0 && x[3] == 0)
        #expect(x[2] == .infinity && x[4] == .infinity)
        #expect(x[6] == 1)
        #expect(abs(x[7] - M_E) <= 4 * M_E.ulp)
    }
}
