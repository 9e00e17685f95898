import AdiabatCore
import Foundation
import Problems
import Quantum

/// `spectrum` on a score field (issue 17, docs/score-fields.md): the levels and gap of
/// `H_S = −∇² + ¼|S|² + ½∇·S` at one tabulated (or interpolated) time, and how far the field is
/// from a score: its ground energy `λθ` with a discretisation-error estimate, the RMS curl, the
/// Helmholtz–Hodge remainder, the terminal penalty `√(2λθ/Δ)`, and, with a reference density in
/// the file, the score error `ε` and the floor `ε/√Δ` (docs/theory.md §7).
public struct ScoreFieldSpectrumReport: Sendable, Encodable {
    public struct ProfilePoint: Sendable, Encodable {
        public var time: Double
        public var energies: [Double]
        public var gap: Double
        public var lambdaTheta: Double
        /// `√(2 max(λθ, 0)/Δ)` at this time (as the report's ``terminalPenalty``).
        public var terminalPenalty: Double?
        public var scoreError: Double?
        public var floor: Double?
    }

    public var problem: String
    public var grid: String
    /// The diffusion time (`nil` for a field with one table and no time).
    public var time: Double?
    /// Whether `time` lies between two tables (the field interpolated linearly in `t`).
    public var interpolated: Bool
    public var energies: [Double]
    public var gap: Double?
    public var method: String
    public var unknowns: Int
    /// `λθ = E₀`: 0 for a gradient field (up to the discretisation), > 0 otherwise.
    public var lambdaTheta: Double
    /// The discretisation error of `λθ` estimated from the grid with spacing `2h` (every other
    /// node): `|E₀(2h) − E₀(h)|/3` for a second-order method (`nil` if the grid is too small).
    public var lambdaThetaError: Double?
    /// `E₀` on the `2h` grid.
    public var coarseGroundEnergy: Double?
    /// The RMS of `|∇×S|` weighted by the ground state's density `ψ₀²` (2-D and 3-D).
    public var curlRMS: Double?
    /// `‖r‖/‖S‖` of the Helmholtz–Hodge split `S = ∇φ + r` in `L²(ψ₀²)` (`nil` for a radial
    /// field, which is a gradient: ``note``).
    public var hodgeRemainder: Double?
    /// The same on the box with uniform weight (no-flux walls).
    public var hodgeRemainderUniform: Double?
    public var hodgeIterations: Int?
    /// A radial field (`f(r) r̂`, solved in channels on a radial grid): its channel `l`
    /// (`energies` and `gap` are this channel's; `λθ` and the terminal penalty are channel 0's,
    /// where the 3-D ground state lies).
    public var radial: Bool?
    public var angularMomentum: Int?
    /// What the report leaves out and why (a radial field's curl and Hodge remainder).
    public var note: String?
    /// `√(2 max(λθ, 0)/Δ)`, the terminal penalty (docs/score-fields.md).
    public var terminalPenalty: Double?
    /// With a reference density: the `p`-weighted RMS score error `ε` and the floor `ε/√Δ`.
    public var scoreError: Double?
    public var floor: Double?
    /// With a reference density: the levels of its own Score Hamiltonian on the same grid (the
    /// density route, `V = ∇ₕ²√p/√p`), and the field's levels minus them.
    public var referenceEnergies: [Double]?
    public var referenceDifferences: [Double]?
    public var profile: [ProfilePoint]?
    public var minGap: Double?
    public var at: Double?
    public var seconds: Double

    /// The lowest `levels` levels (and ground state) of the field's Score Hamiltonian.
    public static func levels(_ score: [Double], grid: UniformGrid, levels: Int, vectors: Bool = false) throws -> Spectrum {
        try ScoreFieldHamiltonian.hamiltonian(score, grid: grid).lowestLevels(levels, vectors: vectors)
    }

    /// Solves at `time` (a tabulated time, or one between two tables; `nil` for the first table)
    /// and, with `profilePoints`, at up to that many of the tabulated times.
    /// `angularMomentum` is the channel of a radial field (an error for a field on a grid).
    public static func compute(
        problem: ScoreFieldProblem, time: Double?, levels: Int, profilePoints: Int?, angularMomentum: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> ScoreFieldSpectrumReport {
        let start = Date()
        let field = problem.field
        let grid = field.grid
        guard levels >= 2 else { throw InputError("spectrum.levels", "must be at least 2 for a score field (got \(levels))") }
        if field.radial {
            return try computeRadial(
                problem: problem, time: time, levels: levels, profilePoints: profilePoints,
                angularMomentum: angularMomentum ?? 0, start: start, progress: progress)
        }
        if angularMomentum != nil {
            throw InputError(
                "spectrum.angular_momentum", "applies to radial problems; \(problem.name) is a score field on a grid",
                hint: "a radial field names its axis r (docs/score-fields.md)")
        }
        let location = try field.locate(time: time, field: "spectrum.time")
        let t = time ?? field.times?.first
        let score = try field.score(atTime: time, field: "spectrum.time")
        let spectrum = try Self.levels(score, grid: grid, levels: levels, vectors: true)
        guard let state = spectrum.state(0) else { throw InputError("spectrum", "the solver returned no ground state") }
        let density = state.map { $0 * $0 }
        let e0 = spectrum.energies[0]
        let gap = spectrum.gap
        var report = ScoreFieldSpectrumReport(
            problem: problem.name, grid: Self.describe(grid), time: t, interpolated: location.lower != location.upper,
            energies: spectrum.energies, gap: gap, method: spectrum.method.rawValue, unknowns: spectrum.dimension,
            lambdaTheta: e0, lambdaThetaError: nil, coarseGroundEnergy: nil, curlRMS: nil, hodgeRemainder: 0,
            hodgeRemainderUniform: 0, hodgeIterations: 0, radial: nil, angularMomentum: nil, note: nil, terminalPenalty: nil,
            scoreError: nil, floor: nil, referenceEnergies: nil, referenceDifferences: nil, profile: nil, minGap: nil, at: nil,
            seconds: 0)
        if let (coarseScore, coarseGrid) = ScoreFieldHamiltonian.coarsened(score, grid: grid) {
            // Two levels: the Lanczos filter places its cut above the wanted levels, and a cut
            // between E₀ and E₁ is better separated than one above E₀ alone. An estimate that
            // cannot be made leaves the error out rather than failing the report.
            if let coarse = try? Self.levels(coarseScore, grid: coarseGrid, levels: 2) {
                report.coarseGroundEnergy = coarse.energies[0]
                report.lambdaThetaError = abs(coarse.energies[0] - e0) / 3
            }
        }
        if let curl = ScoreFieldHamiltonian.curl(score, grid: grid) {
            report.curlRMS = ScoreFieldHamiltonian.weightedRMS(curl, weight: density)
        }
        let weighted = ScoreFieldHamiltonian.hodge(score, grid: grid, weight: density)
        let uniform = ScoreFieldHamiltonian.hodge(score, grid: grid)
        report.hodgeRemainder = weighted.remainderRatio
        report.hodgeRemainderUniform = uniform.remainderRatio
        report.hodgeIterations = weighted.iterations + uniform.iterations
        if let gap, gap > 0 { report.terminalPenalty = (2 * max(e0, 0) / gap).squareRoot() }
        if let logP = try field.logDensity(atTime: time, field: "spectrum.time") {
            let epsilon = ScoreFieldHamiltonian.scoreError(score, logDensity: logP, grid: grid)
            report.scoreError = epsilon
            if let gap, gap > 0 { report.floor = epsilon / gap.squareRoot() }
            let v = ScoreHamiltonian.discretePotential(halfLogDensity: logP.map { 0.5 * $0 }, grid: grid, order: .second)
            // The discrete potential of a density that still reaches the walls is deeply
            // negative there (down to −1/h² per axis, compensating the missing neighbour), which
            // misleads the coarse-grid estimate the Lanczos filter places its cut with; the
            // field's own levels are a better estimate. A reference that still cannot be solved
            // is left out rather than failing the report.
            let options = SpectrumOptions(levelEstimates: spectrum.energies)
            if let reference = try? GridHamiltonian(grid: grid, potential: v, order: .second).lowestLevels(
                levels, options: options
            ).energies {
                report.referenceEnergies = reference
                report.referenceDifferences = zip(spectrum.energies, reference).map { $0 - $1 }
            }
        }
        if let profilePoints {
            try report.addProfile(field, problem: problem.name, points: profilePoints, progress: progress) { k in
                let s = try Self.levels(field.scores[k], grid: grid, levels: 2)
                let epsilon = field.logDensities.map {
                    ScoreFieldHamiltonian.scoreError(field.scores[k], logDensity: $0[k], grid: grid)
                }
                return (s.energies, s.energies[0], s.energies[1] - s.energies[0], epsilon)
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// A radial field in channel `l`: its levels and gap, `λθ` (channel 0) with the error from the
    /// `2h` axis, the terminal penalty and, with a reference density, `ε`, the floor and the
    /// density route's levels; no curl or Hodge split (a radial field is a gradient).
    static func computeRadial(
        problem: ScoreFieldProblem, time: Double?, levels: Int, profilePoints: Int?, angularMomentum l: Int,
        start: Date, progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> ScoreFieldSpectrumReport {
        let field = problem.field
        let axis = field.grid
        let location = try field.locate(time: time, field: "spectrum.time")
        let f = try field.score(atTime: time, field: "spectrum.time")
        let (radialGrid, _) = try RadialScoreFieldHamiltonian.radialGrid(axis)
        guard levels <= radialGrid.points else {
            throw InputError(
                "spectrum.levels", "must be at most the \(radialGrid.points) radial nodes of \(problem.name) (got \(levels))")
        }
        /// Channel `l`'s levels, channel 0's ground energy and channel 0's gap.
        func solve(_ f: [Double], _ axis: UniformGrid, count: Int) throws -> (levels: Spectrum, e0: Double, gap0: Double) {
            let s = try RadialScoreFieldHamiltonian.hamiltonian(f, axis: axis, angularMomentum: l).lowestLevels(count)
            if l == 0 { return (s, s.energies[0], s.energies[1] - s.energies[0]) }
            let s0 = try RadialScoreFieldHamiltonian.hamiltonian(f, axis: axis).lowestLevels(2)
            return (s, s0.energies[0], s0.energies[1] - s0.energies[0])
        }
        let (spectrum, e0, gap0) = try solve(f, axis, count: levels)
        let gap = spectrum.energies[1] - spectrum.energies[0]
        var report = ScoreFieldSpectrumReport(
            problem: problem.name, grid: "radial, r ≤ \(radialGrid.rMax), \(radialGrid.points) points, Laplacian order 2",
            time: time ?? field.times?.first, interpolated: location.lower != location.upper, energies: spectrum.energies,
            gap: gap, method: spectrum.method.rawValue, unknowns: spectrum.dimension, lambdaTheta: e0,
            lambdaThetaError: nil, coarseGroundEnergy: nil, curlRMS: nil, hodgeRemainder: nil, hodgeRemainderUniform: nil,
            hodgeIterations: nil, radial: true, angularMomentum: l,
            note:
                "a radial field f(r) r̂ is the gradient of ∫f dr: its curl and Hodge remainder vanish identically, so λθ ≠ 0 comes from the discretisation and the box wall only",
            terminalPenalty: nil, scoreError: nil, floor: nil, referenceEnergies: nil, referenceDifferences: nil,
            profile: nil, minGap: nil, at: nil, seconds: 0)
        if let (coarseF, coarseAxis) = RadialScoreFieldHamiltonian.coarsened(f, axis: axis),
            let coarse = try? RadialScoreFieldHamiltonian.hamiltonian(coarseF, axis: coarseAxis).lowestLevels(1)
        {
            report.coarseGroundEnergy = coarse.energies[0]
            report.lambdaThetaError = abs(coarse.energies[0] - e0) / 3
        }
        if gap0 > 0 { report.terminalPenalty = (2 * max(e0, 0) / gap0).squareRoot() }
        if let logP = try field.logDensity(atTime: time, field: "spectrum.time") {
            let epsilon = RadialScoreFieldHamiltonian.scoreError(f, logDensity: logP, axis: axis)
            report.scoreError = epsilon
            if gap0 > 0 { report.floor = epsilon / gap0.squareRoot() }
            let reference = try RadialScoreFieldHamiltonian.referenceHamiltonian(
                logDensity: logP, axis: axis, angularMomentum: l
            ).lowestLevels(levels).energies
            report.referenceEnergies = reference
            report.referenceDifferences = zip(spectrum.energies, reference).map { $0 - $1 }
        }
        if let profilePoints {
            try report.addProfile(field, problem: problem.name, points: profilePoints, progress: progress) { k in
                let (s, e0, gap0) = try solve(field.scores[k], axis, count: 2)
                let epsilon = field.logDensities.map {
                    RadialScoreFieldHamiltonian.scoreError(field.scores[k], logDensity: $0[k], axis: axis)
                }
                return (s.energies, e0, gap0, epsilon)
            }
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// The profile along the tabulated times (up to `points` of them, ``profileIndices``) and
    /// its smallest gap. `solve(k)` gives table `k`'s channel levels, `λθ`, the ground channel's
    /// gap `Δ₀` (which sets the terminal penalty `√(2 max(λθ, 0)/Δ₀)` and the floor `ε/√Δ₀`) and,
    /// with a reference density, the score error `ε`.
    mutating func addProfile(
        _ field: Problems.ScoreField, problem: String, points: Int, progress: (@Sendable (Int, Int) -> Void)?,
        solve: (Int) throws -> (energies: [Double], lambdaTheta: Double, groundGap: Double, scoreError: Double?)
    ) throws {
        guard let times = field.times, times.count >= 2 else {
            throw InputError(
                "spectrum.profile", "needs a field tabulated at several times; \(problem) has one table",
                hint: "export the field at several diffusion times with a 't' array")
        }
        let indices = Self.profileIndices(count: times.count, points: points)
        var profile: [ProfilePoint] = []
        for (done, k) in indices.enumerated() {
            let (energies, lambdaTheta, gap0, epsilon) = try solve(k)
            var point = ProfilePoint(
                time: times[k], energies: energies, gap: energies[1] - energies[0], lambdaTheta: lambdaTheta)
            if gap0 > 0 { point.terminalPenalty = (2 * max(lambdaTheta, 0) / gap0).squareRoot() }
            if let epsilon {
                point.scoreError = epsilon
                point.floor = gap0 > 0 ? epsilon / gap0.squareRoot() : nil
            }
            profile.append(point)
            progress?(done + 1, indices.count)
        }
        self.profile = profile
        if let m = profile.min(by: { $0.gap < $1.gap }) {
            minGap = m.gap
            at = m.time
        }
    }

    /// Up to `points` table indices, evenly spread, always the first and the last.
    static func profileIndices(count: Int, points: Int) -> [Int] {
        if points >= count { return Array(0..<count) }
        var out: [Int] = []
        for j in 0..<points {
            let k = Int((Double(j) * Double(count - 1) / Double(points - 1)).rounded())
            if out.last != k { out.append(k) }
        }
        return out
    }

    static func describe(_ grid: UniformGrid) -> String {
        (0..<grid.dimension).map { "[\(grid.lower[$0]), \(grid.upper[$0])]×\(grid.points[$0])" }.joined(separator: " ")
            + ", Laplacian order 2"
    }
}
