import AdiabatCore
import Diffusion
import Foundation
import Problems

/// A tabulated score field as a ``Diffusion/ScoreModel``: the score between the grid's nodes
/// and between the tabulated times, for the particle samplers and the Fokker–Planck solver
/// (docs/score-fields.md, "Sampling and evolving a field").
///
/// In space: the tensor product of Catmull–Rom cubics on the uniform grid. On an axis with
/// spacing `h`, for `x = x_i + u·h`, `0 ≤ u ≤ 1`,
///
///     S(x) ≈ w₋₁(u) S_{i−1} + w₀(u) S_i + w₁(u) S_{i+1} + w₂(u) S_{i+2},
///     w₋₁ = (−u³ + 2u² − u)/2,  w₀ = (3u³ − 5u² + 2)/2,  w₁ = (−3u³ + 4u² + u)/2,  w₂ = (u³ − u²)/2,
///
/// the cubic Hermite interpolant with central-difference slopes `(S_{i+1} − S_{i−1})/2h`. It
/// interpolates the nodes, is C¹, and reproduces quadratics exactly (the central slope of a
/// quadratic is exact), so its error is `O(h³)`. In the first and last cell the missing node is
/// the quadratic extrapolation `S_{−1} = 3S₀ − 3S₁ + S₂` (exact on quadratics, so the order
/// stays 3 up to the walls). A tensor product of such interpolants is exact on polynomials of
/// degree ≤ 2 in each coordinate separately and `O(h³)` in general.
///
/// In time: linear between the two tables around `t` (as `spectrum --time` does), `O(Δt²)`.
///
/// Outside the grid's box the field is not defined and is not extrapolated: a point outside
/// gets a NaN score, which the samplers stop on (``ScoreFieldSampling`` then names the
/// particles that left). The model's time is shifted: its `t = 0` is the field's first
/// tabulated time `t₀`, so a path of length `t_last − t₀` runs the reverse process from the
/// last table to the first (the OU and VE processes are time-homogeneous, so the shift is
/// exact).
public struct TabulatedScore: ScoreModel {
    public let table: Problems.ScoreField
    /// The field's time at the model's `t = 0`.
    public let offset: Double

    public init(_ table: Problems.ScoreField, offset: Double = 0) {
        self.table = table
        self.offset = offset
    }

    public var dimension: Int { table.dimension }
    public var name: String { "tabulated" }

    public func field(at t: Double) throws -> any Diffusion.ScoreField {
        let time: Double? = table.times == nil ? nil : offset + t
        let (a, b, w) = try table.locate(time: time, field: "time")
        let blend = a == b ? 0 : w
        return TabulatedScoreSnapshot(grid: table.grid, first: table.scores[a], second: table.scores[b], weight: blend)
    }
}

/// The field at one time: `(1 − w)·I(S_a) + w·I(S_b)` with `I` the tensor-product Catmull–Rom
/// interpolant (``TabulatedScore``). NaN outside the box.
public struct TabulatedScoreSnapshot: Diffusion.ScoreField {
    public let grid: UniformGrid
    let first: [Double]
    let second: [Double]
    let weight: Double
    let lower: [Double]
    let inverseSpacing: [Double]
    let nodes: [Int]
    let strides: [Int]

    public init(grid: UniformGrid, first: [Double], second: [Double]? = nil, weight: Double = 0) {
        self.grid = grid
        self.first = first
        self.second = second ?? first
        self.weight = second == nil ? 0 : weight
        lower = grid.lower
        inverseSpacing = grid.spacing.map { 1 / $0 }
        nodes = grid.points
        strides = grid.strides
    }

    public var dimension: Int { grid.dimension }

    /// The Catmull–Rom weights of `u ∈ [0, 1]` for the nodes `i − 1 … i + 2`.
    @inline(__always)
    static func catmullRom(_ u: Double) -> (Double, Double, Double, Double) {
        let u2 = u * u
        let u3 = u2 * u
        return (
            0.5 * (-u3 + 2 * u2 - u), 0.5 * (3 * u3 - 5 * u2 + 2), 0.5 * (-3 * u3 + 4 * u2 + u), 0.5 * (u3 - u2)
        )
    }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let d = dimension
        let w = weight
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * d) { index in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * d + 2 * d) { buffer in
                let coefficient = buffer.baseAddress!  // safe: capacity ≥ 6
                let sumA = coefficient + 4 * d
                let sumB = sumA + d
                first.withUnsafeBufferPointer { fa in
                    second.withUnsafeBufferPointer { fb in
                        for k in 0..<count {
                            let x = points + k * d
                            let out = scores + k * d
                            var inside = true
                            for a in 0..<d {
                                let m = nodes[a]
                                let u = (x[a] - lower[a]) * inverseSpacing[a]
                                // 1e-9 of a cell: the walls themselves are inside despite rounding.
                                guard u >= -1e-9, u <= Double(m - 1) + 1e-9 else {
                                    inside = false
                                    break
                                }
                                let i = min(max(Int(u.rounded(.down)), 0), m - 2)
                                let f = min(max(u - Double(i), 0), 1)
                                var (w0, w1, w2, w3) = Self.catmullRom(f)
                                var n0 = i - 1
                                var n3 = i + 2
                                if i == 0 {  // ghost S₋₁ = 3S₀ − 3S₁ + S₂
                                    w1 += 3 * w0
                                    w2 -= 3 * w0
                                    w3 += w0
                                    w0 = 0
                                    n0 = 0
                                }
                                if i + 2 == m {  // ghost S_m = 3S_{m−1} − 3S_{m−2} + S_{m−3}
                                    w2 += 3 * w3
                                    w1 -= 3 * w3
                                    w0 += w3
                                    w3 = 0
                                    n3 = m - 1
                                }
                                let s = strides[a]
                                index[4 * a] = n0 * s
                                index[4 * a + 1] = i * s
                                index[4 * a + 2] = (i + 1) * s
                                index[4 * a + 3] = n3 * s
                                coefficient[4 * a] = w0
                                coefficient[4 * a + 1] = w1
                                coefficient[4 * a + 2] = w2
                                coefficient[4 * a + 3] = w3
                            }
                            guard inside else {
                                for c in 0..<d { out[c] = .nan }
                                continue
                            }
                            for c in 0..<d {
                                sumA[c] = 0
                                sumB[c] = 0
                            }
                            // Every combination of one of the 4 stencil nodes per axis (4^d terms).
                            let terms = 1 << (2 * d)
                            for combination in 0..<terms {
                                var node = 0
                                var product = 1.0
                                var code = combination
                                for a in 0..<d {
                                    let j = 4 * a + (code & 3)
                                    code >>= 2
                                    node += index[j]
                                    product *= coefficient[j]
                                }
                                if product == 0 { continue }
                                for c in 0..<d {
                                    sumA[c] += product * fa[node * d + c]
                                    sumB[c] += product * fb[node * d + c]
                                }
                            }
                            for c in 0..<d { out[c] = w == 0 ? sumA[c] : (1 - w) * sumA[c] + w * sumB[c] }
                        }
                    }
                }
            }
        }
    }
}
