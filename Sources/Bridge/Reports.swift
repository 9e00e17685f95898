import AdiabatCore
import Foundation
import GSLKit
import Landscapes
import Problems
import Quantum

/// What `adiabat spectrum` reports for a landscape problem (JSON keys in snake case).
public struct SpectrumReport: Sendable, Encodable {
    public struct ProfilePoint: Sendable, Encodable {
        public var time: Double
        public var energies: [Double]
        public var gap: Double
    }

    public var problem: String
    public var grid: String
    public var time: Double
    public var angularMomentum: Int?
    /// The lowest levels at `time`, ascending.
    public var energies: [Double]
    /// `E₁ − E₀` at `time` (absent with one level).
    public var gap: Double?
    public var method: String
    public var unknowns: Int
    public var operatorApplications: Int
    public var filterDegree: Int
    /// Exact levels where they are known in closed form (coupled oscillators, hydrogen).
    public var exactEnergies: [Double]?
    /// For a learned score drawn from a known landscape: that landscape's levels on the same
    /// grid, and the learned levels' differences from them.
    public var referenceEnergies: [Double]?
    public var referenceDifferences: [Double]?
    /// With a profile: the points from the noise end (t_max) to the data end (0).
    public var profile: [ProfilePoint]?
    public var minGap: Double?
    /// The diffusion time of the smallest sampled gap.
    public var at: Double?
    public var seconds: Double

    /// Solves the problem's Score Hamiltonian at diffusion time `time` (and, with
    /// `profilePoints`, along the whole path).
    public static func compute(
        problem: LandscapeProblem, time: Double, levels: Int, angularMomentum l: Int?, profilePoints: Int?,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> SpectrumReport {
        let start = Date()
        try ForwardProcess.checkTime(time)
        if let l, !(problem.discretisation.isRadialGrid) {
            throw InputError(
                "angular-momentum", "applies to radial problems only (got \(l); \(problem.name) is on a uniform grid)")
        }
        let path = try LandscapePath(problem: problem)
        let spectrum = try path.spectrum(atTime: time, levels: levels, angularMomentum: l)
        var report = SpectrumReport(
            problem: problem.name, grid: problem.discretisation.summary, time: time, angularMomentum: l,
            energies: spectrum.energies,
            gap: spectrum.gap, method: spectrum.method.rawValue, unknowns: spectrum.dimension,
            operatorApplications: spectrum.statistics.operatorApplications, filterDegree: spectrum.statistics.filterDegree,
            exactEnergies: nil, referenceEnergies: nil, referenceDifferences: nil, profile: nil, minGap: nil, at: nil, seconds: 0)
        report.exactEnergies = exactLevels(problem, path: path, time: time, levels: levels, angularMomentum: l ?? 0)
        if let reference = problem.reference {
            let exactPath = try LandscapePath(
                landscape: reference, discretisation: problem.discretisation, process: problem.process, tMax: problem.tMax)
            let exact = try exactPath.spectrum(atTime: time, levels: levels, angularMomentum: l).energies
            report.referenceEnergies = exact
            report.referenceDifferences = zip(spectrum.energies, exact).map { $0 - $1 }
        }
        if let points = profilePoints {
            let profile = try path.gapProfile(points: points, levels: max(levels, 2), angularMomentum: l, progress: progress)
            report.profile = profile.points.map { ProfilePoint(time: $0.parameter, energies: $0.energies, gap: $0.gap) }
            report.minGap = profile.minGap
            report.at = profile.minGapAt
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Closed-form levels: a single Gaussian `Σ nᵢ/σᵢ²(t)`; hydrogen at t = 0 `(1 − 1/n²)/a²`.
    static func exactLevels(_ problem: LandscapeProblem, path: LandscapePath, time: Double, levels: Int, angularMomentum l: Int)
        -> [Double]?
    {
        guard case .landscape(let l0) = problem.source else { return nil }
        if let g = l0 as? GaussianMixture, g.components.count == 1,
            let pushed = try? g.pushedForward(time: time, process: problem.process),
            let variances = try? SymmetricEigensolver.solve(matrix: pushed.components[0].covariance, dimension: g.dimension)
                .values
        {
            var all: [Double] = [0]
            for v in variances {
                all = all.flatMap { base in (0..<(levels + 1)).map { base + Double($0) / v } }
            }
            return Array(all.sorted().prefix(levels))
        }
        if let h = l0 as? HydrogenOrbital, time == 0 { return h.exactLevels(angularMomentum: l, count: levels) }
        return nil
    }
}

/// What `adiabat translate` reports; the table itself goes to `--output`.
public struct TranslationReport: Sendable, Encodable {
    public var problem: String
    public var to: String
    public var time: Double
    public var grid: String
    public var nodes: Int
    /// H → score: the ground energy `E₀` and gap of the translated Hamiltonian.
    public var groundEnergy: Double?
    public var gap: Double?
    /// H → score: nodes continued by the WKB law below the eigen-solver's accuracy.
    public var continuedNodes: Int?
    /// With `--round-trip`.
    public var roundTrip: String?
    public var maxAbsError: Double?
    public var rmsError: Double?
    public var comparedNodes: Int?
    public var output: String?
    public var columns: [String]
    /// The table itself, one row per node in ``columns``' order (`translate --json`); a
    /// non-finite value is null.
    public var rows: [[Double?]]?
}

/// A table of nodal values (the translator's output): named columns, one row per node.
public struct TranslationTable: Sendable {
    public var columns: [String]
    /// Column-major values: `values[c][row]`.
    public var values: [[Double]]

    /// CSV with a header row, full precision (`%.17g`).
    public func csv() -> Data {
        var text = columns.joined(separator: ",") + "\n"
        let rows = values.first?.count ?? 0
        text.reserveCapacity(rows * columns.count * 24)
        for r in 0..<rows {
            text += values.map { String(format: "%.17g", $0[r]) }.joined(separator: ",")
            text += "\n"
        }
        return Data(text.utf8)
    }

    /// The rows (one per node), a non-finite value as nil (JSON null).
    public var rows: [[Double?]] {
        (0..<(values.first?.count ?? 0)).map { r in values.map { $0[r].isFinite ? $0[r] : nil } }
    }

    /// JSON: `{"columns": [...], "rows": [[...], ...]}`.
    public func json() throws -> Data {
        struct Body: Encodable {
            var columns: [String]
            var rows: [[Double]]
        }
        let rows = (0..<(values.first?.count ?? 0)).map { r in values.map { $0[r] } }
        let encoder = JSONEncoder()
        do {
            return try encoder.encode(Body(columns: columns, rows: rows))
        } catch {
            throw InputError(
                "output", "the table has a non-finite value and cannot be written as JSON", hint: "write CSV instead")
        }
    }
}

/// The two translators as `adiabat translate` runs them.
public enum Translation {
    public enum Target: String, Sendable, CaseIterable, Codable {
        case hamiltonian
        case score
    }

    /// Runs the translator `to` at diffusion time `time`, optionally with its round trip.
    public static func run(problem: LandscapeProblem, to target: Target, time: Double, roundTrip: Bool, maxWork: Double? = nil)
        throws -> (report: TranslationReport, table: TranslationTable)
    {
        try ForwardProcess.checkTime(time)
        try WorkBudget.validate(maxWork)
        /// The ground-state solve on a grid, checked against the budget before it starts.
        func checkWork(_ h: GridHamiltonian) throws {
            let work = try h.estimatedSolveWork(levels: 2)
            try SpectrumWorkEstimate(work: work, summary: "one spectrum of 2 levels on \(h.grid.count) grid nodes").check(
                maxWork: maxWork, what: "the ground state of \(problem.name) at t = \(time)", parameter: "translate.time",
                reduce: "the grid's points")
        }
        let path = try LandscapePath(problem: problem)
        var report = TranslationReport(
            problem: problem.name, to: target.rawValue, time: time, grid: problem.discretisation.summary,
            nodes: problem.discretisation.nodeCount, columns: [])
        var table: TranslationTable
        switch (target, problem.discretisation) {
        case let (.hamiltonian, .grid(grid, order)):
            let v = try path.potential(atTime: time)
            table = TranslationTable(columns: axisNames(grid.dimension) + ["V"], values: coordinates(grid) + [v])
            if roundTrip {
                try checkWork(try GridHamiltonian(grid: grid, potential: v, order: order))
                let snapshot = try path.landscape(atTime: time)
                let r = try RoundTrip.scoreToHamiltonianToScore(snapshot, grid: grid, order: order)
                report.fill(r)
            }
        case let (.hamiltonian, .radial(grid)):
            let v = try path.potential(atTime: time)
            table = TranslationTable(columns: ["r", "V"], values: [grid.radii, v])
            if roundTrip, let snapshot = try path.landscape(atTime: time) as? any RadialLandscape {
                report.fill(try RoundTrip.scoreToHamiltonianToScore(snapshot, grid: grid))
            }
        case let (.score, .grid(grid, order)):
            let h: GridHamiltonian
            if time == 0, case .potential(let v) = problem.source {
                h = try GridHamiltonian(grid: grid, potential: v, order: order)
            } else {
                h = try path.hamiltonian(atTime: time)
            }
            try checkWork(h)
            let result = try HamiltonianToScore.translate(h)
            report.groundEnergy = result.energy
            report.gap = result.gap
            report.continuedNodes = result.continuedNodes
            let d = grid.dimension
            let score = result.score
            let scoreColumns = (0..<d).map { a in (0..<grid.count).map { score[$0 * d + a] } }
            table = TranslationTable(
                columns: axisNames(d) + ["p", "log_p"] + axisNames(d).map { "s_\($0)" },
                values: coordinates(grid) + [result.density.density, result.logDensity] + scoreColumns)
            if roundTrip { report.fill(try RoundTrip.hamiltonianToScoreToHamiltonian(h)) }
        case let (.score, .radial(grid)):
            let h = try path.radialHamiltonian(atTime: time, angularMomentum: 0)
            let result = try HamiltonianToScore.translate(h)
            report.groundEnergy = result.energy
            report.gap = result.gap
            report.continuedNodes = 0
            table = TranslationTable(
                columns: ["r", "p", "log_p", "s_r"],
                values: [grid.radii, result.logDensity.map { exp($0) }, result.logDensity, result.score])
            if roundTrip { report.fill(try RoundTrip.hamiltonianToScoreToHamiltonian(h)) }
        }
        report.columns = table.columns
        return (report, table)
    }

    static func axisNames(_ d: Int) -> [String] { Array(["x", "y", "z"].prefix(d)) }

    static func coordinates(_ grid: UniformGrid) -> [[Double]] {
        var columns = [[Double]](repeating: [Double](repeating: 0, count: grid.count), count: grid.dimension)
        var x = [Double](repeating: 0, count: grid.dimension)
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            for a in 0..<grid.dimension { columns[a][k] = x[a] }
        }
        return columns
    }
}

extension TranslationReport {
    mutating func fill(_ r: RoundTripReport) {
        roundTrip = r.direction.rawValue
        maxAbsError = r.maxAbsError
        rmsError = r.rmsError
        comparedNodes = r.comparedNodes
        if groundEnergy == nil { groundEnergy = r.groundEnergy }
    }
}

extension Discretisation {
    var isRadialGrid: Bool {
        if case .radial = self { return true }
        return false
    }
}
