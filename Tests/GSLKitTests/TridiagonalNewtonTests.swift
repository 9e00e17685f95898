import Foundation
import GSLKit
import Testing

/// Both solvers return eigenvalues to within a few `ε‖T‖` of the exact ones (dstevr's
/// bisection stops at an interval of `2ulp·‖T‖`; the Newton solver at a step below `ε‖T‖`,
/// checked by a Sturm count; the Sturm count itself is exact for a matrix perturbed by
/// `O(ε)` relative to each entry, Kahan's result). So they agree to `16 ε‖T‖`.
private func tolerance(_ d: [Double], _ e: [Double]) -> Double {
    var norm = 0.0
    for i in d.indices {
        norm = max(norm, abs(d[i]) + (i > 0 ? abs(e[i - 1]) : 0) + (i < e.count ? abs(e[i]) : 0))
    }
    return 16 * Double.ulpOfOne * max(norm, Double.leastNormalMagnitude)
}

private func expectAgreement(_ d: [Double], _ e: [Double], count k: Int, _ comment: String) throws {
    let newton = try TridiagonalNewton.lowest(diagonal: d, offDiagonal: e, count: k)
    let lapack = try TridiagonalEigensolver.lowest(diagonal: d, offDiagonal: e, count: k).values
    let tol = tolerance(d, e)
    #expect(newton.count == k)
    for i in 0..<k {
        #expect(abs(newton[i] - lapack[i]) <= tol, "\(comment): level \(i): \(newton[i]) vs dstevr \(lapack[i]) (tol \(tol))")
    }
}

@Suite("Tridiagonal Newton–Sturm eigenvalues")
struct TridiagonalNewtonTests {
    @Test("random symmetric tridiagonal matrices of sizes 1 to 300 agree with dstevr")
    func randomMatrices() throws {
        let stream = try RandomStream(seed: 11)
        for n in [1, 2, 3, 5, 17, 64, 150, 300] {
            for trial in 0..<6 {
                let d = (0..<n).map { _ in 4 * stream.uniform() - 2 }
                let e = (0..<max(n - 1, 0)).map { _ in 2 * stream.uniform() - 1 }
                try expectAgreement(d, e, count: min(n, 1 + trial), "n = \(n), trial \(trial)")
            }
        }
    }

    @Test("the 3-point Laplacian: 2 − 2cos(πk/(n+1)) exactly")
    func laplacian() throws {
        let n = 1000
        let d = [Double](repeating: 2, count: n)
        let e = [Double](repeating: -1, count: n - 1)
        let values = try TridiagonalNewton.lowest(diagonal: d, offDiagonal: e, count: 4)
        for k in 1...4 {
            let exact = 2 - 2 * cos(Double.pi * Double(k) / Double(n + 1))
            // ‖T‖ = 4: the values are defined to ~16ε·4 absolutely.
            #expect(abs(values[k - 1] - exact) <= 64 * Double.ulpOfOne, "level \(k): \(values[k - 1]) vs \(exact)")
        }
    }

    @Test("a Schrödinger double well on 4000 nodes (gap 1e-3 of the level spacing) agrees with dstevr")
    func doubleWell() throws {
        let n = 4000
        let h = 14.0 / Double(n - 1)
        let x = (0..<n).map { -7 + Double($0) * h }
        // V = ¼s² + ½s' of ½N(−2, 0.5²) + ½N(2, 0.5²): two deep wells, a tunnelling pair.
        let d = x.map { x -> Double in
            let a = exp(-0.5 * (x + 2) * (x + 2) / 0.25)
            let b = exp(-0.5 * (x - 2) * (x - 2) / 0.25)
            let ra = a / (a + b)
            let sa = -(x + 2) / 0.25
            let sb = -(x - 2) / 0.25
            let s = ra * sa + (1 - ra) * sb
            let ds = -1 / 0.25 + ra * sa * sa + (1 - ra) * sb * sb - s * s
            return 2 / (h * h) + 0.25 * s * s + 0.5 * ds
        }
        let e = [Double](repeating: -1 / (h * h), count: n - 1)
        try expectAgreement(d, e, count: 4, "double well")
        let (values, stats) = try TridiagonalNewton.lowestWithStatistics(diagonal: d, offDiagonal: e, count: 2)
        #expect(values[1] - values[0] > 0 && values[1] - values[0] < 0.01, "tunnelling gap \(values[1] - values[0])")
        // Bisection alone needs ~log₂(‖T‖/(ε‖T‖)) ≈ 52 counts per level (dstebz: ~105 for two);
        // Newton from the Gershgorin bound takes ~20 for the pair's lower level (halving the
        // distance while it is far from the pair, then quadratic) and ~5 for the upper one.
        #expect(stats.passes < 40, "\(stats.passes) passes for two levels")
        #expect(stats.bisections < 5, "\(stats.bisections) bisection steps")
    }

    @Test("exactly degenerate and nearly degenerate pairs")
    func degenerate() throws {
        let stream = try RandomStream(seed: 5)
        let m = 40
        let block = (0..<m).map { _ in 3 * stream.uniform() }
        let offBlock = (0..<(m - 1)).map { _ in stream.uniform() - 0.5 }
        for coupling in [0.0, 1e-14, 1e-9, 1e-4] {
            let d = block + block
            let e = offBlock + [coupling] + offBlock
            try expectAgreement(d, e, count: 4, "two copies coupled by \(coupling)")
        }
        // A diagonal matrix with repeated entries (every off-diagonal zero).
        let d = [3.0, 1.0, 2.0, 1.0, 1.0, -5.0, 2.0]
        let values = try TridiagonalNewton.lowest(diagonal: d, offDiagonal: [Double](repeating: 0, count: 6), count: 5)
        let expected = [-5.0, 1.0, 1.0, 1.0, 2.0]
        for i in 0..<5 { #expect(abs(values[i] - expected[i]) <= 16 * Double.ulpOfOne * 5, "level \(i): \(values[i])") }
    }

    @Test("a graded matrix (entries spanning 12 decades) agrees with dstevr")
    func graded() throws {
        let n = 50
        let d = (0..<n).map { pow(10.0, -6 + 12 * Double($0) / Double(n - 1)) }
        let e = (0..<(n - 1)).map { 0.3 * pow(10.0, -6 + 12 * Double($0) / Double(n - 1)) }
        try expectAgreement(d, e, count: 3, "graded")
    }

    @Test("entries near overflow and underflow (the determinant form falls back to the pivot form)")
    func extremeScales() throws {
        let stream = try RandomStream(seed: 3)
        let d = (0..<80).map { _ in stream.uniform() + 1 }
        let e = (0..<79).map { _ in stream.uniform() - 0.5 }
        for scale in [1e150, 1e-150, 1e300, 1e-300] {
            try expectAgreement(d.map { $0 * scale }, e.map { $0 * scale }, count: 3, "scaled by \(scale)")
        }
        // Entries spanning 250 decades: the pivot form only.
        let wide = [1.0, 1e-250, 2e-250, 1e-250, 3.0]
        let couplings = [1e-130, 1e-251, 1e-251, 1e-130]
        try expectAgreement(wide, couplings, count: 5, "250 decades")
    }

    @Test("bad input is an error, not a crash")
    func badInput() {
        #expect(throws: GSLError.self) { try TridiagonalNewton.lowest(diagonal: [], offDiagonal: [], count: 1) }
        #expect(throws: GSLError.self) { try TridiagonalNewton.lowest(diagonal: [1, 2], offDiagonal: [1], count: 3) }
        #expect(throws: GSLError.self) { try TridiagonalNewton.lowest(diagonal: [1, .nan], offDiagonal: [1], count: 1) }
        #expect(throws: GSLError.self) { try TridiagonalNewton.lowest(diagonal: [1, 2], offDiagonal: [1, 2], count: 1) }
        #expect(throws: GSLError.self) { try TridiagonalNewton.lowest(diagonal: [1, 2], offDiagonal: [.infinity], count: 1) }
    }
}
