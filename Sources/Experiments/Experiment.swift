import AdiabatCore
import Foundation
import GSLKit
import Reports

/// The paper's experiments (Halmos & Hanin, docs/theory.md §2, §5, §7) and the Grover-scaling check,
/// as bundled runs: `adiabat reproduce NAME` (docs/experiments.md).
public enum ExperimentName: String, CaseIterable, Sendable, Codable {
    /// The hydrogen orbital: Score-Hamiltonian levels from the exact and a learned score against `1 − 1/n²`.
    case hydrogen
    /// The error bound: stationary TV of Langevin with a perturbed score against `ε/√gap`.
    case errorBound = "error-bound"
    /// The gap-designed schedule: sample quality against step count for several schedules.
    case gapSchedule = "gap-schedule"
    /// Grover-style search: Roland–Cerf time to fidelity 0.9 ∝ √N, linear ∝ N.
    case grover
    /// Santoro et al. (2002): residual energy per spin of SA and SQA against annealing time on a 2-D ±J glass.
    case santoro
    case eigenmodes
}

/// How much work a run does: `full` is the documented reproduction, `quick` a few-second
/// version with the same code path (smaller grids, fewer points), used by the tests.
public enum ExperimentSize: String, Sendable, Codable {
    case full
    case quick
}

/// Everything a finished experiment writes: a self-contained HTML page with its figures,
/// the figures alone (SVG), its tables (CSV), the whole result (JSON), and the headline
/// numbers the command prints.
public struct ExperimentArtefacts: Sendable {
    public var name: String
    public var report: HTMLReport
    /// `(file stem, plot)`: written as `STEM.svg`.
    public var figures: [(String, SVGPlot)]
    /// `(file stem, table)`: written as `STEM.csv`.
    public var tables: [(String, CSVTable)]
    /// `(file stem, heat maps)`: written as `STEM.svg`.
    public var heatmaps: [(String, SVGHeatmap)] = []
    /// The full result, pretty-printed JSON.
    public var json: Data
    /// `(label, value)` lines for the terminal.
    public var headline: [(String, String)]
}

/// A finished experiment.
public protocol ExperimentResult: Encodable, Sendable {
    func artefacts() throws -> ExperimentArtefacts
}

extension ExperimentResult {
    /// The result as pretty-printed JSON with sorted keys in snake case (`maxRatio` →
    /// `max_ratio`), so the result types need `CodingKeys` only to leave a property out or to
    /// spell a key otherwise (dictionary keys are written as they are).
    public func encodedJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(self)
    }
}

/// A straight-line fit `y = a + b x` by least squares (GSL), with the slope's standard error.
public struct LineFit: Sendable, Codable, Equatable {
    public var intercept: Double
    public var slope: Double
    /// The slope's standard error from the residual scatter (0 for two points).
    public var slopeStandardError: Double
    public var points: Int

    public init(x: [Double], y: [Double]) throws {
        guard x.count == y.count, x.count >= 2 else {
            throw InputError("fit", "needs at least two (x, y) points (got \(x.count), \(y.count))")
        }
        let fit = try LinearAlgebra.leastSquares(
            design: x.flatMap { [1, $0] }, rows: x.count, columns: 2, observations: y)
        intercept = fit.coefficients[0]
        slope = fit.coefficients[1]
        points = x.count
        // For an unweighted fit GSL's covariance is already σ²(XᵀX)⁻¹ with σ² estimated from
        // the residuals (chi²/(n − 2)), so its diagonal is the variance of the coefficients.
        slopeStandardError = x.count > 2 ? fit.covariance[3].squareRoot() : 0
    }

    /// The log-log fit `log y = a + b log x` (both positive).
    public static func logLog(x: [Double], y: [Double]) throws -> LineFit {
        guard x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }) else {
            throw InputError("fit", "a log-log fit needs positive values")
        }
        return try LineFit(x: x.map { log($0) }, y: y.map { log($0) })
    }
}

/// Summary statistics of a set of positive numbers (the spread of a ratio).
public struct Spread: Sendable, Codable, Equatable {
    public var count: Int
    public var minimum: Double
    public var maximum: Double
    public var mean: Double
    /// Standard deviation over the mean.
    public var coefficientOfVariation: Double
    /// `maximum / minimum`.
    public var ratio: Double

    public init(_ values: [Double]) {
        count = values.count
        minimum = values.min() ?? .nan
        maximum = values.max() ?? .nan
        let m = values.reduce(0, +) / Double(max(values.count, 1))
        mean = m
        let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(values.count - 1, 1))
        coefficientOfVariation = m != 0 ? v.squareRoot() / abs(m) : .nan
        ratio = minimum > 0 ? maximum / minimum : .nan
    }
}

/// Number formatting for tables and headlines.
enum Format {
    static func sci(_ v: Double, _ digits: Int = 3) -> String {
        v.isFinite ? String(format: "%.\(digits)e", v) : "\(v)"
    }

    static func fixed(_ v: Double, _ digits: Int = 4) -> String {
        v.isFinite ? String(format: "%.\(digits)f", v) : "\(v)"
    }

    static func general(_ v: Double, _ digits: Int = 4) -> String {
        v.isFinite ? String(format: "%.\(digits)g", v) : "\(v)"
    }
}
