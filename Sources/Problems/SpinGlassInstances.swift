import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The benchmark instances the annealing literature uses, as SPIN models that write to dimod's
/// COO and BQM JSON (``AnnealingFormats/writeJSON(_:)``), so other tools read the same
/// instances (docs/sqa.md). Each is reproducible from its seed.
public enum SpinGlassInstances {
    public enum Kind: String, Sendable, CaseIterable {
        /// Sherrington–Kirkpatrick: all pairs, `Jᵢⱼ ~ N(0, 1/n)`, no fields.
        case sk
        /// Max-Cut of a random 3-regular graph: `E = ½Σ_{(ij)∈E} zᵢzⱼ − |E|/2 = −cut`.
        case maxcut3 = "maxcut3"
        /// 2-D ±J glass on an `L×L` torus: nearest-neighbour `Jᵢⱼ = ±1` with probability ½.
        case glass2d = "glass2d"
    }

    /// The instance of `kind` with `size` spins (`glass2d`: the side `L`, `L²` spins).
    public static func make(_ kind: Kind, size: Int, seed: UInt64) throws -> BinaryQuadraticModel {
        switch kind {
        case .sk: return try sherringtonKirkpatrick(spins: size, seed: seed)
        case .maxcut3: return try maxCut3Regular(vertices: size, seed: seed)
        case .glass2d: return try squareGlass(side: size, seed: seed)
        }
    }

    /// Sherrington–Kirkpatrick glass: `Jᵢⱼ ~ N(0, 1/n)` for every pair `i < j`, no fields.
    public static func sherringtonKirkpatrick(spins n: Int, seed: UInt64) throws -> BinaryQuadraticModel {
        guard (2...4096).contains(n) else { throw InputError("size", "an SK glass needs 2…4096 spins (got \(n))") }
        let rng = try RandomStream(seed: seed)
        var couplings: [Coupling] = []
        couplings.reserveCapacity(n * (n - 1) / 2)
        let sigma = 1 / Double(n).squareRoot()
        for i in 0..<n { for j in (i + 1)..<n { couplings.append(Coupling(i, j, rng.gaussian(standardDeviation: sigma))) } }
        return try model(n, couplings, offset: 0)
    }

    /// Max-Cut of a uniformly random simple 3-regular graph on `n` vertices (`n` even, ≥ 4),
    /// drawn by the configuration model with rejection of loops and double edges. Each edge
    /// is `½zᵢzⱼ` and the offset is `−|E|/2`, so the energy is minus the cut size.
    public static func maxCut3Regular(vertices n: Int, seed: UInt64) throws -> BinaryQuadraticModel {
        guard n >= 4, n % 2 == 0, n <= 10_000_000 else {
            throw InputError("size", "a 3-regular graph needs an even number of vertices ≥ 4 (got \(n))")
        }
        let rng = try RandomStream(seed: seed)
        for _ in 0..<10_000 {
            var stubs = (0..<(3 * n)).map { $0 / 3 }
            for i in stride(from: stubs.count - 1, to: 0, by: -1) { stubs.swapAt(i, rng.uniformInt(below: i + 1)) }
            var edges = Set<Int>()
            var simple = true
            for e in 0..<(stubs.count / 2) {
                let (u, v) = (min(stubs[2 * e], stubs[2 * e + 1]), max(stubs[2 * e], stubs[2 * e + 1]))
                if u == v || !edges.insert(u * n + v).inserted {
                    simple = false
                    break
                }
            }
            guard simple else { continue }
            let couplings = edges.sorted().map { Coupling($0 / n, $0 % n, 0.5) }
            return try model(n, couplings, offset: -Double(couplings.count) / 2)
        }
        throw InputError("size", "no simple 3-regular graph found on \(n) vertices after 10000 draws")
    }

    /// 2-D ±J glass on an `L×L` square lattice with periodic boundaries (a torus, `2L²` bonds;
    /// `L ≥ 3`), spin `(x, y)` is variable `x + L·y`.
    public static func squareGlass(side l: Int, seed: UInt64) throws -> BinaryQuadraticModel {
        guard (3...2048).contains(l) else { throw InputError("size", "the lattice side L must be 3…2048 (got \(l))") }
        let rng = try RandomStream(seed: seed)
        var couplings: [Coupling] = []
        couplings.reserveCapacity(2 * l * l)
        for y in 0..<l {
            for x in 0..<l {
                let i = x + l * y
                for j in [(x + 1) % l + l * y, x + l * ((y + 1) % l)] {
                    couplings.append(Coupling(i, j, rng.uniform() < 0.5 ? 1 : -1))
                }
            }
        }
        return try model(l * l, couplings, offset: 0)
    }

    static func model(_ n: Int, _ couplings: [Coupling], offset: Double) throws -> BinaryQuadraticModel {
        try BinaryQuadraticModel(
            labels: (0..<n).map(String.init), vartype: .spin, linear: [Double](repeating: 0, count: n), quadratic: couplings,
            offset: offset)
    }
}
