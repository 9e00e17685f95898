import AdiabatCore
import Foundation

/// A probability density `p` on ℝᵈ (d = 1, 2, 3) with its exact score `s = ∇log p` and
/// the divergence `∇·s` (docs/theory.md §2).
///
/// A landscape is a snapshot at one diffusion time; ``marginal(time:process:)`` gives the
/// snapshot at time `t` of the forward process (exact for Gaussian mixtures, by convolution
/// on a grid otherwise). Evaluation takes buffers so that hot loops allocate nothing.
public protocol Landscape: Sendable {
    /// The dimension d of the space.
    var dimension: Int { get }

    /// `log p(x)`, normalised where the normalisation is known.
    func logDensity(at x: UnsafeBufferPointer<Double>) -> Double

    /// Writes `s(x) = ∇log p(x)` into `score` (length d).
    func score(at x: UnsafeBufferPointer<Double>, into score: UnsafeMutableBufferPointer<Double>)

    /// `∇·s(x) = ∇²log p(x)`.
    func divergence(at x: UnsafeBufferPointer<Double>) -> Double

    /// The law at diffusion time `t` of the forward process started from this landscape.
    func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape

    /// Scores of `count` points stored point-major in `points` (`count × d`), written to
    /// `scores` in the same layout. The default evaluates point by point on all cores.
    func scoreBatch(points: UnsafeBufferPointer<Double>, count: Int, into scores: UnsafeMutableBufferPointer<Double>)
}

extension Landscape {
    public func scoreBatch(points: UnsafeBufferPointer<Double>, count: Int, into scores: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        guard let pBase = points.baseAddress, let sBase = scores.baseAddress else { return }
        let source = SharedReadPointer(pBase)
        let target = SharedPointer(sBase)
        Parallel.forEachChunk(count: count, minimumChunk: 2048) { range in
            for k in range {
                self.score(
                    at: UnsafeBufferPointer(start: source.base + k * d, count: d),
                    into: UnsafeMutableBufferPointer(start: target.base + k * d, count: d))
            }
        }
    }

    /// The Score-Hamiltonian potential `V = ¼|s|² + ½∇·s` at `x` (docs/theory.md (1)), for
    /// which `(−∇² + V)√p = 0`.
    public func potential(at x: UnsafeBufferPointer<Double>) -> Double {
        withUnsafeTemporaryAllocation(of: Double.self, capacity: dimension) { s in
            score(at: x, into: s)
            var norm2 = 0.0
            for v in s { norm2 += v * v }
            return 0.25 * norm2 + 0.5 * divergence(at: x)
        }
    }

    // Array conveniences (allocate; for tests and set-up, not hot loops).

    public func logDensity(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { logDensity(at: $0) } }

    public func score(_ x: [Double]) -> [Double] {
        var s = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in s.withUnsafeMutableBufferPointer { score(at: xp, into: $0) } }
        return s
    }

    public func divergence(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { divergence(at: $0) } }

    public func potential(_ x: [Double]) -> Double { x.withUnsafeBufferPointer { potential(at: $0) } }
}

/// The forward (noising) process of a diffusion model.
///
/// Both are written `x_t = a(t)·x₀ + √v(t)·z`, `z ~ N(0, I)`:
/// - `ou`: Ornstein–Uhlenbeck `dx = −x dt + √2 dW`, `a = e^{−t}`, `v = 1 − e^{−2t}`,
///   stationary law `N(0, I)` (docs/theory.md (3)); variance-preserving schedules
///   reparametrise it with `ᾱ = e^{−2t}`.
/// - `ve`: variance exploding `dx = √2 dW`, `a = 1`, `v = 2t` (noise level `σ = √(2t)`,
///   so Karras' `σ` corresponds to `t = σ²/2`).
public enum ForwardProcess: String, Sendable, Codable, CaseIterable {
    case ou
    case ve

    /// The mean scale `a(t)`.
    public func scale(at t: Double) -> Double {
        switch self {
        case .ou: return exp(-t)
        case .ve: return 1
        }
    }

    /// The added noise variance `v(t)` (per coordinate).
    public func noiseVariance(at t: Double) -> Double {
        switch self {
        case .ou: return -expm1(-2 * t)
        case .ve: return 2 * t
        }
    }

    /// Validates a diffusion time.
    public static func checkTime(_ t: Double) throws {
        guard t.isFinite, t >= 0 else {
            throw InputError("time", "diffusion time must be finite and ≥ 0 (got \(t))")
        }
    }
}
