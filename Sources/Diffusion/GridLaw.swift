import AdiabatCore
import Foundation
import Landscapes

/// A probability density evaluated pointwise (normalised on ℝᵈ): the reference `p₀` of a
/// histogram comparison, a landscape, or a density on a grid.
public protocol DensityFunction: Sendable {
    var dimension: Int { get }
    func density(at x: UnsafePointer<Double>) -> Double
}

/// A landscape's density `exp(log p)`; the landscape must be normalised (Gaussian mixtures
/// are).
public struct LandscapeDensity: DensityFunction {
    public let landscape: any Landscape
    public init(_ landscape: any Landscape) { self.landscape = landscape }
    public var dimension: Int { landscape.dimension }
    public func density(at x: UnsafePointer<Double>) -> Double {
        exp(landscape.logDensity(at: UnsafeBufferPointer(start: x, count: landscape.dimension)))
    }
}

/// A probability density on the nodes of a ``UniformGrid``, normalised so that
/// `Σᵢ ρᵢ ΔV = 1` (each node owns a cell of volume `ΔV`).
///
/// Between nodes it reads as the multilinear interpolant (zero outside the grid). The
/// comparisons follow docs/theory.md §6: `TV = ½Σ|ρ − p|ΔV`, fidelity `F = (Σ√(ρp) ΔV)²`.
public struct GridLaw: DensityFunction, Equatable {
    public let grid: UniformGrid
    public let values: [Double]

    /// Normalises `values` (non-negative, finite, positive total) on `grid`.
    public init(grid: UniformGrid, values: [Double]) throws {
        guard values.count == grid.count else {
            throw InputError("density", "has \(values.count) values for a grid of \(grid.count) nodes")
        }
        var total = 0.0
        for (i, v) in values.enumerated() {
            guard v.isFinite, v >= 0 else {
                throw InputError("density[\(i)]", "must be finite and ≥ 0 (got \(v))")
            }
            total += v
        }
        total *= grid.cellVolume
        guard total > 0, total.isFinite else { throw InputError("density", "has no mass on the grid") }
        self.grid = grid
        self.values = values.map { $0 / total }
    }

    /// Wraps values already normalised (internal: the Fokker–Planck solver keeps its own
    /// invariants and reports its own mass error).
    init(uncheckedGrid grid: UniformGrid, values: [Double]) {
        self.grid = grid
        self.values = values
    }

    public var dimension: Int { grid.dimension }

    /// `p` of a landscape on the nodes, normalised on the grid.
    ///
    /// Throws when the grid cuts off the density: the largest value on a wall node must be
    /// below `wallTolerance` (default 1e-5) times the peak, i.e. a Gaussian reaches ≈ 4.8σ
    /// inside every wall.
    public static func tabulate(_ landscape: any Landscape, on grid: UniformGrid, wallTolerance: Double = 1e-5) throws
        -> GridLaw
    {
        guard landscape.dimension == grid.dimension else {
            throw InputError("grid", "has dimension \(grid.dimension), the landscape \(landscape.dimension)")
        }
        var logs = [Double](repeating: 0, count: grid.count)
        let d = grid.dimension
        logs.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)  // safe: grid.count ≥ 3
            Parallel.forEachChunk(count: grid.count, minimumChunk: 1024) { range in
                var x = [Double](repeating: 0, count: d)
                for k in range {
                    grid.point(k, into: &x)
                    out[k] = landscape.logDensity(x)
                }
            }
        }
        let peak = logs.max() ?? -.infinity
        guard peak.isFinite else {
            throw InputError("landscape", "log-density is not finite on the grid (max \(peak))")
        }
        if let bad = logs.firstIndex(where: { $0.isNaN }) {
            throw InputError("landscape", "log-density is NaN at grid node \(bad)")
        }
        let values = logs.map { exp($0 - peak) }
        let density = try GridLaw(grid: grid, values: values)
        let ratio = density.wallRatio
        if ratio > wallTolerance {
            throw InputError(
                "grid", "cuts off the density: its value on a wall is \(ratio) of the peak (allowed \(wallTolerance))",
                hint: "widen the grid (lower/upper) so the density decays inside it")
        }
        return density
    }

    /// The largest value on a wall node divided by the peak value.
    public var wallRatio: Double {
        let peak = values.max() ?? 0
        guard peak > 0 else { return 0 }
        var wall = 0.0
        let strides = grid.strides
        for k in 0..<grid.count {
            var onWall = false
            for a in 0..<grid.dimension {
                let i = (k / strides[a]) % grid.points[a]
                if i == 0 || i == grid.points[a] - 1 { onWall = true }
            }
            if onWall { wall = max(wall, values[k]) }
        }
        return wall / peak
    }

    /// The multilinear interpolant at `x` (zero outside the grid).
    public func density(at x: UnsafePointer<Double>) -> Double {
        let d = grid.dimension
        var base = 0
        var fractions = (0.0, 0.0, 0.0)
        var strides = (0, 0, 0)
        let s = grid.strides
        for a in 0..<d {
            let h = (grid.upper[a] - grid.lower[a]) / Double(grid.points[a] - 1)
            let u = (x[a] - grid.lower[a]) / h
            guard u >= 0, u <= Double(grid.points[a] - 1) else { return 0 }
            let i = min(Int(u), grid.points[a] - 2)
            let f = u - Double(i)
            base += i * s[a]
            switch a {
            case 0:
                fractions.0 = f
                strides.0 = s[a]
            case 1:
                fractions.1 = f
                strides.1 = s[a]
            default:
                fractions.2 = f
                strides.2 = s[a]
            }
        }
        var total = 0.0
        for corner in 0..<(1 << d) {
            var w = 1.0
            var index = base
            for a in 0..<d {
                let bit = (corner >> a) & 1
                let f = a == 0 ? fractions.0 : (a == 1 ? fractions.1 : fractions.2)
                let st = a == 0 ? strides.0 : (a == 1 ? strides.1 : strides.2)
                w *= bit == 1 ? f : 1 - f
                index += bit * st
            }
            if w != 0 { total += w * values[index] }
        }
        return total
    }

    private func checkSameGrid(_ other: GridLaw) throws {
        guard other.grid == grid else {
            throw InputError("density comparison", "the densities live on different grids (\(grid) and \(other.grid))")
        }
    }

    /// `TV = ½Σ|ρ − p|ΔV`.
    public func totalVariation(to other: GridLaw) throws -> Double {
        try checkSameGrid(other)
        var sum = 0.0
        for k in values.indices { sum += abs(values[k] - other.values[k]) }
        return 0.5 * sum * grid.cellVolume
    }

    /// `F = (Σ√(ρ p) ΔV)²`.
    public func fidelity(to other: GridLaw) throws -> Double {
        try checkSameGrid(other)
        var sum = 0.0
        for k in values.indices { sum += (values[k] * other.values[k]).squareRoot() }
        let bc = sum * grid.cellVolume
        return bc * bc
    }

    /// `KL(ρ‖p) = Σρ log(ρ/p) ΔV`, or nil when it is infinite (ρ > 0 where p = 0).
    public func klDivergence(to other: GridLaw) throws -> Double? {
        try checkSameGrid(other)
        var sum = 0.0
        for k in values.indices where values[k] > 0 {
            guard other.values[k] > 0 else { return nil }
            sum += values[k] * log(values[k] / other.values[k])
        }
        return max(0, sum * grid.cellVolume)
    }

    /// TV, fidelity and KL against a reference on the same grid.
    public func compare(to reference: GridLaw) throws -> DensityComparison {
        DensityComparison(
            totalVariation: try totalVariation(to: reference), fidelity: try fidelity(to: reference),
            klDivergence: try klDivergence(to: reference), reverseKLDivergence: try reference.klDivergence(to: self))
    }

    /// The mean `Σ x ρ ΔV`.
    public var mean: [Double] {
        let d = grid.dimension
        var m = [Double](repeating: 0, count: d)
        var x = [Double](repeating: 0, count: d)
        for k in values.indices {
            grid.point(k, into: &x)
            for a in 0..<d { m[a] += x[a] * values[k] }
        }
        return m.map { $0 * grid.cellVolume }
    }

    /// The marginal density along `axis` at that axis's nodes (the other axes summed with
    /// their spacings).
    public func marginal(axis a: Int) -> [Double] {
        let strides = grid.strides
        var out = [Double](repeating: 0, count: grid.points[a])
        for k in values.indices { out[(k / strides[a]) % grid.points[a]] += values[k] }
        let others = grid.cellVolume / grid.spacing[a]
        return out.map { $0 * others }
    }

    /// The smallest value (negative values can only come from a higher-order time stepper).
    public var minimum: Double { values.min() ?? 0 }
}

/// Distances between two densities on one grid (no sampling error).
public struct DensityComparison: Sendable, Equatable, Codable {
    /// `½Σ|ρ − p|ΔV`.
    public var totalVariation: Double
    /// `(Σ√(ρp)ΔV)²`.
    public var fidelity: Double
    /// `KL(ρ‖p)`, nil when infinite.
    public var klDivergence: Double?
    /// `KL(p‖ρ)`, nil when infinite.
    public var reverseKLDivergence: Double?
}
