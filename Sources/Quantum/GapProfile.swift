import AdiabatCore
import Foundation

/// The coordinate along a path of Hamiltonians, and its map to the progress `u ∈ [0, 1]`
/// that a ``AdiabatCore/Schedule`` runs through.
///
/// - `diffusionTime(tMax:)`: a landscape path; evolution runs from the noise end to the data
///   end, `u = 1 − t/t_max` (docs/theory.md §5).
/// - `annealFraction`: an annealing path `H(s)`, `u = s`.
public enum PathCoordinate: Sendable, Equatable, Codable {
    case diffusionTime(tMax: Double)
    case annealFraction

    /// The progress `u` of a path parameter.
    public func progress(_ parameter: Double) -> Double {
        switch self {
        case .diffusionTime(let tMax): return 1 - parameter / tMax
        case .annealFraction: return parameter
        }
    }

    /// The path parameter at progress `u`.
    public func parameter(atProgress u: Double) -> Double {
        switch self {
        case .diffusionTime(let tMax): return tMax * (1 - u)
        case .annealFraction: return u
        }
    }

    /// The name of the parameter (`time` or `s`), as JSON output uses it.
    public var parameterName: String {
        switch self {
        case .diffusionTime: return "time"
        case .annealFraction: return "s"
        }
    }
}

/// The lowest levels and the gap `g = E₁ − E₀` at points along a path of Hamiltonians, with
/// the minimum gap and where it occurs.
///
/// Points are kept in order of progress `u` (for a landscape path: from `t_max` down to 0).
/// ``schedule(power:name:)`` turns the profile into a gap-adaptive ``AdiabatCore/Schedule``
/// (`power = 2`: Roland–Cerf's local adiabatic schedule, `du/dτ ∝ g²`; `power = 1`: the
/// diffusion-side rule `dt/dτ ∝ g`).
public struct GapProfile: Sendable, Codable {
    /// The points a profile may have, wherever `gap_samples` is given: at least 3 to place a
    /// minimum, at most 2001 (each point is a spectrum solve).
    public static let sampleRange = 3...2001

    public struct Point: Sendable, Codable, Equatable {
        /// The path parameter (diffusion time `t` or anneal fraction `s`).
        public var parameter: Double
        /// The lowest energies at this point, ascending.
        public var energies: [Double]
        /// `E₁ − E₀`.
        public var gap: Double

        public init(parameter: Double, energies: [Double], gap: Double) {
            self.parameter = parameter
            self.energies = energies
            self.gap = gap
        }
    }

    public let coordinate: PathCoordinate
    /// The points, in order of increasing progress `u`.
    public let points: [Point]

    /// Validates the points (finite energies, at least two levels each, distinct
    /// parameters) and sorts them by progress.
    public init(coordinate: PathCoordinate, points: [Point]) throws {
        guard !points.isEmpty else { throw InputError("gap profile", "needs at least one point") }
        if case .diffusionTime(let tMax) = coordinate { try Check.positive(tMax, "t_max") }
        for p in points {
            try Check.finite(p.parameter, "gap profile \(coordinate.parameterName)")
            try Check.finite(p.energies, "gap profile energies at \(coordinate.parameterName) = \(p.parameter)")
            guard p.energies.count >= 2 else {
                throw InputError(
                    "gap profile", "needs at least two levels per point to define a gap", hint: "ask for 2 or more levels")
            }
        }
        let sorted = points.sorted { coordinate.progress($0.parameter) < coordinate.progress($1.parameter) }
        for i in 1..<sorted.count where sorted[i].parameter == sorted[i - 1].parameter {
            throw InputError("gap profile", "has two points at \(coordinate.parameterName) = \(sorted[i].parameter)")
        }
        self.coordinate = coordinate
        self.points = sorted
    }

    /// The parameters of the points (in order of progress).
    public var parameters: [Double] { points.map(\.parameter) }
    /// The progress `u` of each point.
    public var progress: [Double] { points.map { coordinate.progress($0.parameter) } }
    /// The gap at each point.
    public var gaps: [Double] { points.map(\.gap) }

    /// The smallest sampled gap.
    public var minGap: Double { points.map(\.gap).min() ?? .nan }

    /// The parameter (`t` or `s`) of the point with the smallest sampled gap (the first
    /// one along the path on a tie).
    public var minGapAt: Double {
        var best = 0
        for i in points.indices where points[i].gap < points[best].gap { best = i }
        return points[best].parameter
    }

    /// A gap-adaptive schedule from this profile: `du/dr ∝ g(u)^power`. The profile must
    /// cover the whole path (`u` from 0 to 1) with a positive gap everywhere.
    public func schedule(power: Double, name: String? = nil) throws -> Schedule {
        try Schedule.gapAdaptive(progress: progress, gaps: gaps, power: power, name: name)
    }

    /// How the points of ``compute(coordinate:parameters:mode:spectrum:)`` are solved.
    public enum Mode: Sendable {
        /// All points concurrently on every core (direct solvers: tridiagonal, banded).
        case parallel
        /// One point after another in order of progress, each getting the previous point's
        /// ground state as a warm start (Lanczos: ARPACK is serialised, and a nearby ground
        /// state cuts its iterations; the operator apply itself uses every core).
        case sequential
    }

    /// Computes the profile: `spectrum(parameter, previous)` returns the levels at one point
    /// (at least two); `previous` is the spectrum of the preceding point in `.sequential`
    /// mode (for a warm start: its ground state as the Lanczos start vector, its energies as
    /// ``SpectrumOptions/levelEstimates``), nil otherwise.
    ///
    /// `progress(done, total)` is called after each point (from worker threads in parallel
    /// mode), e.g. to show progress on a terminal.
    public static func compute(
        coordinate: PathCoordinate, parameters: [Double], mode: Mode, progress: (@Sendable (Int, Int) -> Void)? = nil,
        spectrum: @Sendable (Double, Spectrum?) throws -> Spectrum
    ) throws -> GapProfile {
        guard !parameters.isEmpty else { throw InputError("profile", "needs at least one point") }
        let ordered = parameters.sorted { coordinate.progress($0) < coordinate.progress($1) }
        var results = [Result<Spectrum, any Error>?](repeating: nil, count: ordered.count)
        switch mode {
        case .parallel:
            let counter = SharedCounter()
            results.withUnsafeMutableBufferPointer { buffer in
                let out = SharedPointer(buffer.baseAddress!)  // safe: ordered is non-empty
                Parallel.forEachTask(ordered.count) { i in
                    out[i] = Result { try spectrum(ordered[i], nil) }
                    progress?(counter.increment(), ordered.count)
                }
            }
        case .sequential:
            var previous: Spectrum? = nil
            for (i, t) in ordered.enumerated() {
                let result = Result { try spectrum(t, previous) }
                if case .success(let s) = result { previous = s }
                results[i] = result
                progress?(i + 1, ordered.count)
            }
        }
        var points: [Point] = []
        for (i, result) in results.enumerated() {
            guard let result else { continue }
            let s = try result.get()
            guard let gap = s.gap else {
                throw InputError("profile", "needs at least two levels per point (got \(s.energies.count) at \(ordered[i]))")
            }
            points.append(Point(parameter: ordered[i], energies: s.energies, gap: gap))
        }
        return try GapProfile(coordinate: coordinate, points: points)
    }
}
