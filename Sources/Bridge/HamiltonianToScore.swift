import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Quantum

/// The score of a Hamiltonian's ground state on a uniform grid: `E₀`, `ψ₀ > 0`, `p = ψ₀²`
/// (a ``Landscapes/GridDensity``) and `s = 2∇log ψ₀` (docs/theory.md (2)).
public struct GroundStateScore: Sendable {
    public let grid: UniformGrid
    /// The ground energy `E₀`.
    public let energy: Double
    /// `E₁ − E₀`.
    public let gap: Double
    /// `ψ₀` at every node, positive, `Σψ₀²ΔV = 1`.
    public let amplitude: [Double]
    /// `p = ψ₀²` as a landscape (its nodal score is `2∇log ψ₀` by fourth-order differences).
    public let density: GridDensity
    /// Nodes where the eigen-solver's vector was below its accuracy and `log ψ₀` was
    /// continued by the WKB decay law `|∇log ψ₀| = √(V − E₀)` (0 in 1-D second order, where
    /// inverse iteration resolves every node).
    public let continuedNodes: Int
    /// The solver that found `E₀`.
    public let method: SpectrumMethod

    /// `log p` at every node.
    public var logDensity: [Double] { density.logValues }
    /// The score at every node, point-major (`count × d`).
    public var score: [Double] { density.nodalScore }
}

/// The score of a radial Hamiltonian's ground state (channel 0): `u₀ = r√(4π p)`,
/// `p = u₀²/(4πr²)`, `f = ∂_r log p = 2∂_r log(u₀/r)`.
public struct RadialGroundStateScore: Sendable {
    public let grid: RadialGrid
    public let energy: Double
    public let gap: Double
    /// `u₀` at the interior nodes, positive, `Σu₀²h = 1`.
    public let amplitude: [Double]
    /// `log p(rᵢ)` (normalised: `∫4πr²p dr = 1` on the grid).
    public let logDensity: [Double]
    /// `f(rᵢ) = ∂_r log p` by central differences of `2 log(u₀/r)` (one-sided at the ends).
    public let score: [Double]
}

/// Hamiltonian → score (docs/theory.md §2.4): the ground state `ψ₀ > 0`, `p = ψ₀²` and
/// `s = 2∇log ψ₀`, for which `¼|s|² + ½∇·s = V − E₀`.
///
/// Accuracy in the tails matters, since `s` involves `log ψ₀` where `ψ₀` is 1e-30 of its
/// peak. Eigen-solvers give vectors with an *absolute* error near machine precision, so:
/// - for tridiagonal matrices (1-D second order, radial), `ψ₀` is refined by inverse
///   iteration with the shift just below `E₀`. `H − σ` is then a positive-definite M-matrix,
///   and its `LDLᵀ` solve (LAPACK `dptsv`) adds only positive terms: every component comes
///   out with a small relative error, down to the underflow threshold;
/// - elsewhere (Lanczos vectors, banded stencils), nodes below 1e-8 of the peak are not
///   trusted, and `log ψ₀` is continued there from the resolved region by the WKB decay law
///   `|∇log ψ₀| = √(V − E₀)` (a shortest-path sweep over the grid).
///
/// A ground state with a node has no score: the translation is refused when the lowest
/// eigenvector changes sign, when the two lowest levels are degenerate to solver precision
/// (the wells are disconnected at this resolution), or when `ψ₀` vanishes in a classically
/// allowed region (`V < E₀`).
public enum HamiltonianToScore {
    public static func translate(_ hamiltonian: GridHamiltonian, options: SpectrumOptions = SpectrumOptions()) throws
        -> GroundStateScore
    {
        let grid = hamiltonian.grid
        let n = grid.count
        var local = options
        local.tolerance = min(options.tolerance, 1e-12)
        let spectrum = try hamiltonian.lowestLevels(2, vectors: true, options: local)
        guard let raw = spectrum.state(0) else {
            throw InputError("hamiltonian", "the eigen-solver returned no ground state")
        }
        let e0 = spectrum.energies[0]
        let gap = spectrum.energies[1] - e0
        try checkNondegenerate(e0: e0, gap: gap, scale: hamiltonian.spectralUpperBound - hamiltonian.spectralLowerBound)
        var psi = Array(raw)
        let peak = psi.max() ?? 0
        try checkNoNode(psi, peak: peak) { i in
            var x = [Double](repeating: 0, count: grid.dimension)
            grid.point(i, into: &x)
            return "x = \(x)"
        }
        var logPsi = [Double](repeating: .nan, count: n)
        var continued = 0
        if let (d, e) = hamiltonian.tridiagonal {
            psi = try refine(diagonal: d, offDiagonal: e, e0: e0, gap: gap, start: psi)
            let top = psi.max() ?? 1
            for i in 0..<n where psi[i] > top * 1e-300 { logPsi[i] = log(psi[i] / top) }
        } else {
            for i in 0..<n where psi[i] > 1e-8 * peak { logPsi[i] = log(psi[i] / peak) }
        }
        let missing = logPsi.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
        if missing > 0 {
            continued = missing
            try continueByWKB(&logPsi, potential: hamiltonian.potential, e0: e0, grid: grid)
        }
        let density = try GridDensity(grid: grid, logDensity: logPsi.map { 2 * $0 })
        let amplitude = density.logValues.map { exp(0.5 * $0) }
        return GroundStateScore(
            grid: grid, energy: e0, gap: gap, amplitude: amplitude, density: density, continuedNodes: continued,
            method: spectrum.method)
    }

    /// Channel 0 of a radial Hamiltonian (the ground state of the 3-D operator lies there:
    /// the centrifugal term only raises the other channels).
    public static func translate(_ hamiltonian: RadialHamiltonian) throws -> RadialGroundStateScore {
        guard hamiltonian.angularMomentum == 0 else {
            throw InputError(
                "angular-momentum", "the ground state lives in channel l = 0 (got l = \(hamiltonian.angularMomentum))",
                hint: "states with l > 0 carry the angular nodes of Y_lm and have no score; drop spectrum.angular_momentum")
        }
        let grid = hamiltonian.grid
        let n = grid.points
        let spectrum = try hamiltonian.lowestLevels(2, vectors: true)
        guard let raw = spectrum.state(0) else { throw InputError("hamiltonian", "the eigen-solver returned no ground state") }
        let e0 = spectrum.energies[0]
        let gap = spectrum.energies[1] - e0
        let (d, e) = hamiltonian.tridiagonal
        try checkNondegenerate(e0: e0, gap: gap, scale: 4 / (grid.spacing * grid.spacing))
        let start = Array(raw)
        try checkNoNode(start, peak: start.max() ?? 0) { "r = \(grid.radius($0))" }
        var u = try refine(diagonal: d, offDiagonal: e, e0: e0, gap: gap, start: start)
        var norm = 0.0
        for v in u { norm += v * v * grid.spacing }
        u = u.map { $0 / norm.squareRoot() }
        if let i = u.firstIndex(where: { !($0 > 0) }) {
            throw InputError(
                "hamiltonian", "the ground state underflows to 0 at r = \(grid.radius(i))",
                hint: "shrink r_max: the density there is below 1e-300 of its peak")
        }
        let logRatio = (0..<n).map { log(u[$0] / grid.radius($0)) }
        let logP = logRatio.map { 2 * $0 - log(4 * Double.pi) }
        let h = grid.spacing
        var score = [Double](repeating: 0, count: n)
        for i in 0..<n {
            if i == 0 {
                score[i] = 2 * (-3 * logRatio[0] + 4 * logRatio[1] - logRatio[2]) / (2 * h)
            } else if i == n - 1 {
                score[i] = 2 * (3 * logRatio[i] - 4 * logRatio[i - 1] + logRatio[i - 2]) / (2 * h)
            } else {
                score[i] = 2 * (logRatio[i + 1] - logRatio[i - 1]) / (2 * h)
            }
        }
        return RadialGroundStateScore(grid: grid, energy: e0, gap: gap, amplitude: u, logDensity: logP, score: score)
    }

    // MARK: Checks and refinements

    static func checkNondegenerate(e0: Double, gap: Double, scale: Double) throws {
        guard gap > 1e-10 * max(1, abs(e0), min(scale, 1e6)) else {
            throw InputError(
                "hamiltonian", "the two lowest levels are degenerate to solver precision (E₀ = \(e0), E₁ − E₀ = \(gap))",
                hint:
                    "the ground state is not unique, so it can have a node and has no score: the wells are disconnected at this resolution (lower the barrier or widen the grid)"
            )
        }
    }

    static func checkNoNode(_ psi: [Double], peak: Double, where describe: (Int) -> String) throws {
        guard peak > 0, let i = psi.indices.min(by: { psi[$0] < psi[$1] }) else {
            throw InputError("hamiltonian", "the eigen-solver returned a zero ground state")
        }
        if psi[i] < -1e-6 * peak {
            throw InputError(
                "hamiltonian", "the lowest eigenvector changes sign (ψ₀ = \(psi[i] / peak) of its peak at \(describe(i)))",
                hint:
                    "a ground state with a node has no score (log ψ₀ is undefined at the node); for −∇² + V this means the lowest level is numerically degenerate"
            )
        }
    }

    /// Inverse iteration `(T − σ)x_{k+1} = x_k`, `σ = E₀ − gap/1000`, started from the
    /// eigenvector with its sub-1e-10 components zeroed (the rest of it is accurate), until
    /// every component changes by less than 1e-13 relative (at most 60 steps).
    static func refine(diagonal: [Double], offDiagonal: [Double], e0: Double, gap: Double, start: [Double]) throws -> [Double] {
        let sigma = e0 - max(gap * 1e-3, 1e-12 * max(1, abs(e0)))
        let shifted = diagonal.map { $0 - sigma }
        let peak = start.max() ?? 1
        var x = start.map { $0 > 1e-10 * peak ? $0 / peak : 0 }
        for _ in 0..<60 {
            var y = try TridiagonalSystem.solvePositiveDefinite(diagonal: shifted, offDiagonal: offDiagonal, rhs: x)
            let top = y.max() ?? 1
            guard top > 0, top.isFinite else { break }
            for i in y.indices { y[i] /= top }
            var change = 0.0
            for i in y.indices where y[i] > 0 { change = max(change, abs(y[i] - x[i]) / y[i]) }
            x = y
            if change < 1e-13 { break }
        }
        return x
    }

    /// Fills the NaN entries of `logPsi` by the WKB decay law from the finite ones: a
    /// Dijkstra sweep over the grid with its diagonal neighbours, in which a step of length ℓ
    /// from node j to node i lowers log ψ by `ℓ·½(√(V_i − E₀) + √(V_j − E₀))` (Agmon's
    /// distance, to ≤ 8% in 2-D).
    static func continueByWKB(_ logPsi: inout [Double], potential: [Double], e0: Double, grid: UniformGrid) throws {
        let n = grid.count
        let d = grid.dimension
        let strides = grid.strides
        let spacing = grid.spacing
        let decay = potential.map { max($0 - e0, 0).squareRoot() }
        // A missing node in an allowed region (V < E₀, beyond rounding) means ψ₀ vanished
        // where it should oscillate: the density is disconnected.
        for i in 0..<n where logPsi[i].isNaN && potential[i] - e0 < -1e-8 * max(1, abs(e0)) {
            var x = [Double](repeating: 0, count: d)
            grid.point(i, into: &x)
            throw InputError(
                "hamiltonian", "the ground state is numerically zero at x = \(x), where V − E₀ = \(potential[i] - e0) < 0",
                hint:
                    "the density is disconnected there (a barrier the ground state cannot tunnel through at double precision); lower the barrier or shrink the grid"
            )
        }
        var heap = MaxHeap()
        for i in 0..<n where !logPsi[i].isNaN { heap.push(logPsi[i], i) }
        let fixed = logPsi.map { !$0.isNaN }
        // Neighbours: every offset in {−1, 0, 1}ᵈ but 0 (8 in 2-D, 26 in 3-D), so that path
        // lengths overestimate Euclidean distances by at most 8% (2-D) rather than √2.
        var offsets: [[Int]] = [[]]
        for _ in 0..<d { offsets = offsets.flatMap { o in [-1, 0, 1].map { o + [$0] } } }
        offsets.removeAll { $0.allSatisfy { $0 == 0 } }
        let lengths = offsets.map { o in
            (0..<d).reduce(0.0) { $0 + Double(o[$1] * o[$1]) * spacing[$1] * spacing[$1] }.squareRoot()
        }
        var done = [Bool](repeating: false, count: n)
        var index = [Int](repeating: 0, count: d)
        while let (value, i) = heap.pop() {
            if done[i] || value < logPsi[i] { continue }
            done[i] = true
            grid.forEachAxis(ofNode: i) { a, ia in index[a] = ia }
            for (o, offset) in offsets.enumerated() {
                var j = i
                var inside = true
                for a in 0..<d {
                    let ia = index[a] + offset[a]
                    if ia < 0 || ia >= grid.points[a] {
                        inside = false
                        break
                    }
                    j += offset[a] * strides[a]
                }
                if !inside || done[j] || fixed[j] { continue }
                let candidate = value - lengths[o] * 0.5 * (decay[i] + decay[j])
                if logPsi[j].isNaN || candidate > logPsi[j] {
                    logPsi[j] = candidate
                    heap.push(candidate, j)
                }
            }
        }
    }
}

/// A binary max-heap of (value, index) for the WKB sweep.
struct MaxHeap {
    private var items: [(Double, Int)] = []

    mutating func push(_ value: Double, _ index: Int) {
        items.append((value, index))
        var c = items.count - 1
        while c > 0 {
            let p = (c - 1) / 2
            if items[p].0 >= items[c].0 { break }
            items.swapAt(p, c)
            c = p
        }
    }

    mutating func pop() -> (Double, Int)? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var p = 0
            while true {
                let l = 2 * p + 1
                let r = l + 1
                var best = p
                if l < items.count && items[l].0 > items[best].0 { best = l }
                if r < items.count && items[r].0 > items[best].0 { best = r }
                if best == p { break }
                items.swapAt(p, best)
                p = best
            }
        }
        return top
    }
}
