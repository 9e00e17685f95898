import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum

/// A Sherrington–Kirkpatrick instance: `Jᵢⱼ ~ N(0, 1/n)` on all pairs, `hᵢ ~ N(0, σ_h²)`.
func sherringtonKirkpatrick(qubits n: Int, seed: UInt64, fieldScale: Double = 0.5) throws -> IsingModel {
    let rng = try RandomStream(seed: seed)
    let h = (0..<n).map { _ in fieldScale * rng.gaussian() }
    var couplings: [Coupling] = []
    for i in 0..<n {
        for j in (i + 1)..<n { couplings.append(Coupling(i, j, rng.gaussian() / Double(n).squareRoot())) }
    }
    return try IsingModel(h: h, couplings: couplings, offset: 0.25)
}

/// Upper quantile of χ²_k at tail probability α (Wilson–Hilferty; relative error below 1%
/// for k ≥ 10 at α ≥ 1e-6, which only moves the stated confidence level, not the test's power).
func chiSquaredCritical(degreesOfFreedom k: Int, tail alpha: Double) -> Double {
    // z_α from the normal tail by bisection on erfc.
    var lo = 0.0
    var hi = 10.0
    for _ in 0..<100 {
        let mid = 0.5 * (lo + hi)
        if 0.5 * erfc(mid / 2.0.squareRoot()) > alpha { lo = mid } else { hi = mid }
    }
    let z = 0.5 * (lo + hi)
    let kk = Double(k)
    let c = 2 / (9 * kk)
    return kk * pow(1 - c + z * c.squareRoot(), 3)
}

/// Dense `H` of a SpinFlipHamiltonian built by hand from the definition (for cross-checks).
func denseFromDefinition(_ h: SpinFlipHamiltonian) -> [Double] {
    let n = h.dimension
    var m = [Double](repeating: 0, count: n * n)
    for x in 0..<n {
        m[x * n + x] += h.diagonal[x]
        for t in h.terms { m[x * n + (x ^ t.mask)] += t.coefficient }
    }
    return m
}
