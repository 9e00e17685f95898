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

    /// A 2-D ±J glass with a planted ground state: ``squareGlass(side:seed:)``'s torus and bond
    /// values, built from edge-disjoint frustrated or unfrustrated plaquettes ("tile planting",
    /// after Hamze et al.) and then gauge-transformed by a random planted state `z*`.
    public struct PlantedGlass: Sendable {
        /// The instance, couplings `±1` on the `2L²` torus bonds, no fields.
        public var model: BinaryQuadraticModel
        /// The planted ground state, `±1` per spin (spin `(x, y)` is entry `x + L·y`).
        public var state: [Int]
        /// Its energy, the ground energy: `−2L² + 2f` with `f` frustrated tiles.
        public var groundEnergy: Double
        /// The number of frustrated tiles `f` (of `L²/2`).
        public var frustratedTiles: Int
    }

    /// The planted ±J glass on an `L×L` torus (`L` even, 4…2048).
    ///
    /// Why the planted state is a ground state (docs/sqa.md#planted-ground-states): colour the
    /// plaquettes as a checkerboard. With `L` even the colouring is consistent around the
    /// torus, and every bond borders one plaquette of each colour, so the `L²/2` black
    /// plaquettes (tiles) cover every bond exactly once and `H = Σ_tiles H_tile`. In the gauge
    /// where `z*` is all up, each tile is either ferromagnetic (four bonds `J = −1`, minimum
    /// `−4`, reached by all up) or, with probability `frustratedFraction`, has one bond chosen
    /// uniformly flipped to `+1` (a frustrated 4-loop: at least one bond is broken, minimum
    /// `−2`, reached by all up, which breaks only that bond). Since all up minimises every
    /// term at once, `min H ≥ Σ min H_tile = H(all up)`: all up is a ground state, with
    /// energy `−4(L²/2 − f) − 2f = −2L² + 2f`. The gauge `Jᵢⱼ → Jᵢⱼ zᵢ* zⱼ*` (with `z*`
    /// uniform) maps all up to `z*` and leaves every energy spectrum the same.
    public static func plantedSquareGlass(side l: Int, frustratedFraction p: Double, seed: UInt64) throws -> PlantedGlass {
        guard (4...2048).contains(l), l % 2 == 0 else {
            throw InputError(
                "size", "a planted glass needs an even lattice side L in 4…2048 (got \(l))",
                hint: "the checkerboard of tiles closes around the torus only for even L")
        }
        guard p.isFinite, (0...1).contains(p) else {
            throw InputError("frustrated_fraction", "must be a fraction in [0, 1] (got \(p))")
        }
        let rng = try RandomStream(seed: seed)
        let n = l * l
        // bond 2i: site i to its right neighbour; bond 2i + 1: site i to the one below
        var gauge = [Double](repeating: -1, count: 2 * n)
        var frustrated = 0
        for y in 0..<l {
            for x in 0..<l where (x + y) % 2 == 0 {
                let site = { (dx: Int, dy: Int) in (x + dx) % l + l * ((y + dy) % l) }
                let bonds = [2 * site(0, 0), 2 * site(0, 1), 2 * site(0, 0) + 1, 2 * site(1, 0) + 1]
                if rng.uniform() < p {
                    gauge[bonds[rng.uniformInt(below: 4)]] = 1
                    frustrated += 1
                }
            }
        }
        let state = (0..<n).map { _ in rng.uniform() < 0.5 ? 1 : -1 }
        var couplings: [Coupling] = []
        couplings.reserveCapacity(2 * n)
        for y in 0..<l {
            for x in 0..<l {
                let i = x + l * y
                for (k, j) in [(x + 1) % l + l * y, x + l * ((y + 1) % l)].enumerated() {
                    couplings.append(Coupling(i, j, gauge[2 * i + k] * Double(state[i] * state[j])))
                }
            }
        }
        return PlantedGlass(
            model: try model(n, couplings, offset: 0), state: state, groundEnergy: Double(-2 * n + 2 * frustrated),
            frustratedTiles: frustrated)
    }

    static func model(_ n: Int, _ couplings: [Coupling], offset: Double) throws -> BinaryQuadraticModel {
        try BinaryQuadraticModel(
            labels: (0..<n).map(String.init), vartype: .spin, linear: [Double](repeating: 0, count: n), quadratic: couplings,
            offset: offset)
    }
}
