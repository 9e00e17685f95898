import AdiabatCore
import Foundation
import GSLKit
import Landscapes

/// A fixed smooth vector field `δ(x)` used to inject score error `s + ε·δ/‖δ‖_{p_t}`
/// (docs/theory.md §7).
///
/// ``standard(dimension:lengthScale:)`` is a documented low-order trigonometric field
/// (bounded, smooth, and in 2-D and 3-D *not* a gradient, so the perturbed Langevin
/// dynamics is not reversible and its stationary law is not `∝ exp ∫(s + εδ)`). With
/// `y = x/ℓ`:
///
/// - 1-D: `δ = sin(y + 0.3) + 0.5·cos(2y − 0.2)`;
/// - 2-D: `δ = (sin(y₂ + 0.3) + 0.5·cos(y₁ − 0.8y₂), −sin(y₁ − 0.2) + 0.5·cos(0.7y₁ + y₂))`;
/// - 3-D: `δ = (sin(y₂ + 0.3) + 0.5·cos(y₃ − y₁), sin(y₃ − 0.2) + 0.5·cos(y₁ + 0.5y₂),
///   sin(y₁ + 0.1) + 0.5·cos(y₂ − 0.7y₃))`.
///
/// A custom field can be given as a closure.
public struct ScorePerturbation: Sendable {
    public let dimension: Int
    public let name: String
    private let field: @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

    /// A custom field: `field(x, δ)` writes `δ(x)` (length `dimension`). It must be finite
    /// and smooth; normalisation is applied separately.
    public init(
        dimension: Int, name: String, field: @escaping @Sendable (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void
    ) throws {
        guard (1...3).contains(dimension) else {
            throw InputError("score perturbation", "dimension must be 1, 2 or 3 (got \(dimension))")
        }
        self.dimension = dimension
        self.name = name
        self.field = field
    }

    /// The standard trigonometric field (see the type's documentation) at length scale `ℓ`.
    public static func standard(dimension: Int, lengthScale: Double = 1) throws -> ScorePerturbation {
        try Check.positive(lengthScale, "score perturbation length scale")
        let inv = 1 / lengthScale
        switch dimension {
        case 1:
            return try ScorePerturbation(dimension: 1, name: "trigonometric") { x, d in
                let y = x[0] * inv
                d[0] = sin(y + 0.3) + 0.5 * cos(2 * y - 0.2)
            }
        case 2:
            return try ScorePerturbation(dimension: 2, name: "trigonometric") { x, d in
                let y1 = x[0] * inv
                let y2 = x[1] * inv
                d[0] = sin(y2 + 0.3) + 0.5 * cos(y1 - 0.8 * y2)
                d[1] = -sin(y1 - 0.2) + 0.5 * cos(0.7 * y1 + y2)
            }
        case 3:
            return try ScorePerturbation(dimension: 3, name: "trigonometric") { x, d in
                let y1 = x[0] * inv
                let y2 = x[1] * inv
                let y3 = x[2] * inv
                d[0] = sin(y2 + 0.3) + 0.5 * cos(y3 - y1)
                d[1] = sin(y3 - 0.2) + 0.5 * cos(y1 + 0.5 * y2)
                d[2] = sin(y1 + 0.1) + 0.5 * cos(y2 - 0.7 * y3)
            }
        default:
            throw InputError("score perturbation", "dimension must be 1, 2 or 3 (got \(dimension))")
        }
    }

    /// Writes `δ(x)` into `delta`.
    @inline(__always) public func evaluate(at x: UnsafePointer<Double>, into delta: UnsafeMutablePointer<Double>) {
        field(x, delta)
    }

    /// `δ(x)` (allocates; for tests).
    public func value(_ x: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in
            out.withUnsafeMutableBufferPointer { op in
                field(xp.baseAddress!, op.baseAddress!)  // safe: dimension ≥ 1
            }
        }
        return out
    }

    /// `√(Σᵢ ρᵢ|δ(xᵢ)|² ΔV)` for a density on a grid (the RMS of δ under that density).
    public func rms(under density: GridLaw) throws -> Double {
        guard density.grid.dimension == dimension else {
            throw InputError("score perturbation", "grid has dimension \(density.grid.dimension), the field \(dimension)")
        }
        let grid = density.grid
        let d = dimension
        let values = density.values
        let sum = Parallel.sum(count: grid.count, chunkSize: 4096) { range in
            var x = [Double](repeating: 0, count: d)
            var delta = [Double](repeating: 0, count: d)
            var acc = 0.0
            for k in range {
                grid.point(k, into: &x)
                x.withUnsafeBufferPointer { xp in
                    delta.withUnsafeMutableBufferPointer { dp in self.field(xp.baseAddress!, dp.baseAddress!) }  // safe: d ≥ 1
                }
                var n2 = 0.0
                for a in 0..<d { n2 += delta[a] * delta[a] }
                acc += values[k] * n2
            }
            return acc
        }
        return (sum * grid.cellVolume).squareRoot()
    }
}

/// The RMS `‖δ‖_{p_t} = (E_{p_t}|δ|²)^{1/2}` that normalises a score perturbation at each
/// diffusion time.
///
/// - ``constant(_:)``: a fixed number (e.g. measured once at `t = 0`).
/// - ``quadrature(of:landscape:process:grid:tMax:nodes:)``: `p_t` tabulated on a grid
///   (normalised there) at `nodes` times equally spaced in `√t` on `[0, t_max]`, where the
///   RMS is computed by grid quadrature; between nodes `log RMS` is interpolated by a natural
///   cubic spline in `√t`. Spacing in `√t` puts nodes where `p_t` changes fastest (near
///   `t = 0` the marginal's width grows like `√(σ² + 2t)`). The interpolation error is
///   measured by a test (relative error below 1e-5 on the bundled landscapes).
public struct RMSNormalisation: Sendable {
    private enum Storage: Sendable {
        case constant(Double)
        case table(tMax: Double, spline: CubicSpline)
    }

    private let storage: Storage

    /// A fixed RMS.
    public static func constant(_ rms: Double) throws -> RMSNormalisation {
        try Check.positive(rms, "score perturbation RMS")
        return RMSNormalisation(storage: .constant(rms))
    }

    /// A table of the RMS of `perturbation` under the marginals `p_t` of `landscape`.
    public static func quadrature(
        of perturbation: ScorePerturbation, landscape: any Landscape, process: ForwardProcess, grid: UniformGrid,
        tMax: Double, nodes: Int = 97
    ) throws -> RMSNormalisation {
        try Check.nonNegative(tMax, "t_max")
        guard nodes >= 4 else { throw InputError("RMS table nodes", "needs at least 4 (got \(nodes))") }
        if tMax == 0 {
            let p = try GridLaw.tabulate(landscape, on: grid)
            return try constant(try perturbation.rms(under: p))
        }
        var roots: [Double] = []
        var logs: [Double] = []
        for j in 0..<nodes {
            let root = tMax.squareRoot() * Double(j) / Double(nodes - 1)
            let t = j == nodes - 1 ? tMax : root * root
            let p = try GridLaw.tabulate(try landscape.marginal(time: t, process: process), on: grid)
            let rms = try perturbation.rms(under: p)
            guard rms > 0, rms.isFinite else {
                throw InputError("score perturbation", "δ has RMS \(rms) under p_t at t = \(t); it must not vanish on the mass")
            }
            roots.append(root)
            logs.append(log(rms))
        }
        let spline = try CubicSpline(x: roots, y: logs, kind: .natural)
        return RMSNormalisation(storage: .table(tMax: tMax, spline: spline))
    }

    /// The RMS at diffusion time `t` (clamped to the table's range).
    public func rms(at t: Double) -> Double {
        switch storage {
        case .constant(let value): return value
        case let .table(tMax, spline):
            let root = min(max(t, 0), tMax).squareRoot()
            // safe: root lies inside the spline's domain [0, √t_max]
            return exp((try? spline.value(at: min(root, spline.domain.upperBound))) ?? spline.y[0])
        }
    }
}

/// A score with injected error: `s_t + ε·δ/‖δ‖_{p_t}`, so that `ε` is the RMS score error
/// under `p_t` (docs/theory.md §7).
public struct PerturbedScore: ScoreModel {
    public let base: any ScoreModel
    public let perturbation: ScorePerturbation
    public let epsilon: Double
    public let normalisation: RMSNormalisation

    public init(base: any ScoreModel, perturbation: ScorePerturbation, epsilon: Double, normalisation: RMSNormalisation) throws {
        try Check.finite(epsilon, "score error ε")
        guard base.dimension == perturbation.dimension else {
            throw InputError(
                "score perturbation", "has dimension \(perturbation.dimension) but the score has \(base.dimension)")
        }
        self.base = base
        self.perturbation = perturbation
        self.epsilon = epsilon
        self.normalisation = normalisation
    }

    public var dimension: Int { base.dimension }
    public var name: String { "\(base.name) + ε·δ (ε = \(epsilon))" }

    public func field(at t: Double) throws -> any ScoreField {
        let inner = try base.field(at: t)
        return PerturbedScoreField(
            base: inner, perturbation: perturbation, amplitude: epsilon / normalisation.rms(at: t))
    }
}

/// `s(x) + amplitude·δ(x)`.
public struct PerturbedScoreField: ScoreField {
    public let base: any ScoreField
    public let perturbation: ScorePerturbation
    public let amplitude: Double

    public init(base: any ScoreField, perturbation: ScorePerturbation, amplitude: Double) {
        self.base = base
        self.perturbation = perturbation
        self.amplitude = amplitude
    }

    public var dimension: Int { base.dimension }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        base.evaluate(points: points, count: count, into: scores)
        guard amplitude != 0 else { return }
        let d = dimension
        withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { delta in
            let dp = delta.baseAddress!  // safe: d ≥ 1
            for k in 0..<count {
                perturbation.evaluate(at: points + k * d, into: dp)
                for a in 0..<d { scores[k * d + a] += amplitude * dp[a] }
            }
        }
    }
}
