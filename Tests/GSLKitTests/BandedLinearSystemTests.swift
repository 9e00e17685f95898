import GSLKit
import Testing

@Suite("Banded LU (LAPACK dgbsv)")
struct BandedLinearSystemTests {
    /// A random non-symmetric band matrix (diagonally dominant, so well conditioned) against
    /// GSL's dense LU: the solutions agree to round-off (1e-12 relative for n = 40).
    @Test("banded solve equals the dense solve; the residual is at round-off")
    func againstDense() throws {
        let n = 40
        let kl = 3
        let ku = 5
        let stream = try RandomStream(seed: 8)
        var banded = try BandedMatrix(size: n, lowerBandwidth: kl, upperBandwidth: ku)
        var dense = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in max(0, i - kl)...min(n - 1, i + ku) {
                let v = i == j ? 10 + stream.uniform() : stream.uniform() - 0.5
                banded[i, j] = v
                dense[i * n + j] = v
            }
        }
        let b = (0..<n).map { _ in stream.gaussian() }
        let x = try banded.solve(b)
        let reference = try LinearAlgebra.solve(dense, dimension: n, rhs: b)
        for i in 0..<n { #expect(abs(x[i] - reference[i]) < 1e-12 * max(1, abs(reference[i]))) }
        let residual = zip(try banded.multiply(x), b).map { abs($0 - $1) }.max() ?? 1
        #expect(residual < 1e-12)
        #expect(banded[0, n - 1] == 0)
    }

    @Test("singular and malformed systems throw instead of aborting")
    func errors() throws {
        var singular = try BandedMatrix(size: 3, lowerBandwidth: 1, upperBandwidth: 1)
        singular[0, 0] = 1
        singular[1, 1] = 0
        singular[2, 2] = 1
        #expect(throws: GSLError.self) { try singular.solve([1, 1, 1]) }
        #expect(throws: GSLError.self) { try singular.solve([1, 1]) }
        #expect(throws: GSLError.self) { try singular.solve([1, .nan, 1]) }
        #expect(throws: GSLError.self) { try BandedMatrix(size: 0, lowerBandwidth: 0, upperBandwidth: 0) }
        #expect(throws: GSLError.self) { try BandedMatrix(size: 4, lowerBandwidth: 4, upperBandwidth: 0) }
        #expect(throws: GSLError.self) { try BandedMatrix(size: 1 << 24, lowerBandwidth: 100, upperBandwidth: 100) }
    }
}
