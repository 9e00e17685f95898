import AdiabatCore
import Foundation
import Landscapes

/// The score `s_t(x)` at one diffusion time, ready for batch evaluation.
///
/// ``evaluate(points:count:into:)`` is serial: samplers and the Fokker–Planck solver call it
/// concurrently on disjoint blocks of points, so an implementation must not mutate shared
/// state. Layout is point-major (`count × dimension`).
public protocol ScoreField: Sendable {
    var dimension: Int { get }

    /// Writes the scores of `count` points (point-major) into `scores` (same layout).
    func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>)
}

/// A time-dependent score `t ↦ s_t`, the input of every reverse-time sampler and of the
/// Fokker–Planck solver.
///
/// This is the plug-in point for learned scores: anything that can hand out the score field
/// at a diffusion time conforms (see ``ExactScore``, ``TimeIndependentScore`` and
/// ``ScoreFamily`` for a closure).
public protocol ScoreModel: Sendable {
    var dimension: Int { get }
    /// A short name for reports ("exact", "learned", …).
    var name: String { get }
    /// The score field at diffusion time `t ≥ 0`.
    func field(at t: Double) throws -> any ScoreField
}

extension ScoreField {
    /// Evaluates `count` points on all cores, in blocks of `blockSize`.
    public func evaluateInParallel(
        points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>, blockSize: Int = 1024
    ) {
        let d = dimension
        let source = SharedReadPointer(points)
        let target = SharedPointer(scores)
        let blocks = (count + blockSize - 1) / blockSize
        Parallel.forEachTask(blocks) { b in
            let start = b * blockSize
            let n = min(blockSize, count - start)
            self.evaluate(points: source.base + start * d, count: n, into: target.base + start * d)
        }
    }

    /// The score at one point (allocates; for tests and set-up).
    public func score(_ x: [Double]) -> [Double] {
        var s = [Double](repeating: 0, count: dimension)
        x.withUnsafeBufferPointer { xp in
            s.withUnsafeMutableBufferPointer { sp in
                // safe: both arrays have `dimension` ≥ 1 elements
                evaluate(points: xp.baseAddress!, count: 1, into: sp.baseAddress!)
            }
        }
        return s
    }
}

// MARK: - Score models

/// The exact score of a landscape's forward marginals: `s_t = ∇log p_t` with `p_t` from
/// ``Landscape/marginal(time:process:)`` (exact at every `t` for Gaussian mixtures, which
/// get the fast ``GaussianMixtureScoreField``).
public struct ExactScore: ScoreModel {
    public let landscape: any Landscape
    public let process: ForwardProcess

    public init(_ landscape: any Landscape, process: ForwardProcess = .ou) {
        self.landscape = landscape
        self.process = process
    }

    public var dimension: Int { landscape.dimension }
    public var name: String { "exact" }

    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        if let mixture = landscape as? GaussianMixture {
            return GaussianMixtureScoreField(try mixture.pushedForward(time: t, process: process))
        }
        return LandscapeScoreField(try landscape.marginal(time: t, process: process))
    }

    /// The marginal `p_t` itself (for densities and metrics).
    public func marginal(at t: Double) throws -> any Landscape {
        try landscape.marginal(time: t, process: process)
    }
}

/// One landscape's score used at every diffusion time: plain Langevin dynamics on a fixed
/// target, or a learned score that was fitted at one noise level.
public struct TimeIndependentScore: ScoreModel {
    public let landscape: any Landscape
    public init(_ landscape: any Landscape) { self.landscape = landscape }
    public var dimension: Int { landscape.dimension }
    public var name: String { "time-independent" }
    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        if let mixture = landscape as? GaussianMixture { return GaussianMixtureScoreField(mixture) }
        return LandscapeScoreField(landscape)
    }
}

/// A score family given by a closure `t ↦ landscape snapshot` (e.g. a learned score with one
/// fit per noise level, or a network wrapped as a ``Landscape``).
public struct ScoreFamily: ScoreModel {
    public let dimension: Int
    public let name: String
    private let snapshot: @Sendable (Double) throws -> any Landscape

    public init(dimension: Int, name: String = "score family", snapshot: @escaping @Sendable (Double) throws -> any Landscape) {
        self.dimension = dimension
        self.name = name
        self.snapshot = snapshot
    }

    public func field(at t: Double) throws -> any ScoreField {
        try ForwardProcess.checkTime(t)
        let landscape = try snapshot(t)
        guard landscape.dimension == dimension else {
            throw InputError(
                "score", "the snapshot at t = \(t) has dimension \(landscape.dimension), expected \(dimension)")
        }
        if let mixture = landscape as? GaussianMixture { return GaussianMixtureScoreField(mixture) }
        return LandscapeScoreField(landscape)
    }
}

// MARK: - Fields

/// Any ``Landscape``'s score, evaluated point by point.
public struct LandscapeScoreField: ScoreField {
    public let landscape: any Landscape
    public init(_ landscape: any Landscape) { self.landscape = landscape }
    public var dimension: Int { landscape.dimension }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        let d = dimension
        for k in 0..<count {
            landscape.score(
                at: UnsafeBufferPointer(start: points + k * d, count: d),
                into: UnsafeMutableBufferPointer(start: scores + k * d, count: d))
        }
    }
}

/// The score of a Gaussian mixture through its fast batch kernel
/// (``Landscapes/GaussianMixture/scoreBatchSerial(points:count:into:)``): flat per-component
/// constants, unrolled quadratic forms for d = 1 and d = 2, one log-sum-exp per point, no
/// allocation per point.
public struct GaussianMixtureScoreField: ScoreField {
    public let mixture: GaussianMixture
    public var dimension: Int { mixture.dimension }
    public var componentCount: Int { mixture.components.count }

    public init(_ mixture: GaussianMixture) { self.mixture = mixture }

    public func evaluate(points: UnsafePointer<Double>, count: Int, into scores: UnsafeMutablePointer<Double>) {
        mixture.scoreBatchSerial(points: points, count: count, into: scores)
    }
}
