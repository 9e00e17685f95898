import AdiabatCore
import Foundation
import Problems
import Quantum

/// `translate --to hamiltonian` on a score field (docs/score-fields.md): the potential
/// `V = ¼|S|² + ½∇·S` of the field at one time, with `∇·S` and (2-D, 3-D) `|∇×S|` beside it.
///
/// With `roundTrip`: field → `H_S` → its ground state `ψ₀` → the score `2∇log ψ₀`, compared with
/// the field. For a gradient field this returns the field (docs/theory.md §2.4); for a
/// non-conservative one the difference is the part no density's score can carry, and its
/// `ψ₀²`-weighted RMS is at least `2√λθ` (docs/score-fields.md).
public enum ScoreFieldTranslation {
    public static func run(problem: ScoreFieldProblem, time: Double?, roundTrip: Bool) throws
        -> (report: TranslationReport, table: TranslationTable)
    {
        let field = problem.field
        if field.radial { return try radial(problem: problem, time: time, roundTrip: roundTrip) }
        let grid = field.grid
        let score = try field.score(atTime: time, field: "translate.time")
        let d = grid.dimension
        let v = try ScoreFieldHamiltonian.potential(score, grid: grid)
        let divergence = ScoreFieldHamiltonian.divergence(score, grid: grid)
        let names = Translation.axisNames(d)
        var columns = names + names.map { "S_\($0)" } + ["div_S"]
        var values =
            Translation.coordinates(grid) + (0..<d).map { a in (0..<grid.count).map { score[$0 * d + a] } } + [divergence]
        if let curl = ScoreFieldHamiltonian.curl(score, grid: grid) {
            columns.append("curl_S")
            values.append(curl)
        }
        columns.append("V")
        values.append(v)
        var report = TranslationReport(
            problem: problem.name, to: "hamiltonian", time: time ?? field.times?.first ?? 0,
            grid: ScoreFieldSpectrumReport.describe(grid), nodes: grid.count, columns: columns)
        if roundTrip {
            let result = try HamiltonianToScore.translate(try GridHamiltonian(grid: grid, potential: v, order: .second))
            report.groundEnergy = result.energy
            report.gap = result.gap
            let back = result.score
            report.recordRoundTrip(weight: result.density.density) { k in
                var e2 = 0.0
                var largest = 0.0
                for a in 0..<d {
                    let e = back[k * d + a] - score[k * d + a]
                    e2 += e * e
                    largest = max(largest, abs(e))
                }
                return (e2, largest)
            }
        }
        report.columns = columns
        return (report, TranslationTable(columns: columns, values: values))
    }

    /// A radial field (docs/score-fields.md, "Radial fields"): `r`, `f`, `∇·S = f' + 2f/r` and
    /// `V` at the radial grid's interior nodes (the curl of `f(r) r̂` is 0). With `roundTrip`:
    /// `f` of channel 0's ground state against the field's, weighted by the radial mass `u₀²`.
    static func radial(problem: ScoreFieldProblem, time: Double?, roundTrip: Bool) throws
        -> (report: TranslationReport, table: TranslationTable)
    {
        let field = problem.field
        let f = try field.score(atTime: time, field: "translate.time")
        let (grid, first) = try RadialScoreFieldHamiltonian.radialGrid(field.grid)
        let v = try RadialScoreFieldHamiltonian.potential(f, axis: field.grid)
        let divergence = try RadialScoreFieldHamiltonian.divergence(f, axis: field.grid)
        let nodal = Array(f[first..<(first + grid.points)])
        let columns = ["r", "f", "div_S", "V"]
        var report = TranslationReport(
            problem: problem.name, to: "hamiltonian", time: time ?? field.times?.first ?? 0,
            grid: "radial, r ≤ \(grid.rMax), \(grid.points) points, Laplacian order 2", nodes: grid.points,
            columns: columns)
        if roundTrip {
            let result = try HamiltonianToScore.translate(try RadialHamiltonian(grid: grid, potential: v, angularMomentum: 0))
            report.groundEnergy = result.energy
            report.gap = result.gap
            report.recordRoundTrip(weight: result.amplitude.map { $0 * $0 }) { i in
                let e = result.score[i] - nodal[i]
                return (e * e, abs(e))
            }
        }
        return (report, TranslationTable(columns: columns, values: [grid.radii, nodal, divergence, v]))
    }
}

extension TranslationReport {
    /// The score → Hamiltonian → score round trip's error, over the nodes whose weight (the
    /// ground state's density) is at least 1e-6 of its peak: the largest component error and
    /// the weighted RMS. `nodeError(k)` gives node `k`'s squared error and largest component.
    mutating func recordRoundTrip(weight: [Double], nodeError: (Int) -> (squared: Double, largest: Double)) {
        let peak = weight.max() ?? 1
        var maxError = 0.0
        var num = 0.0
        var den = 0.0
        var compared = 0
        for k in weight.indices where weight[k] >= 1e-6 * peak {
            let (e2, largest) = nodeError(k)
            maxError = max(maxError, largest)
            num += weight[k] * e2
            den += weight[k]
            compared += 1
        }
        roundTrip = RoundTripReport.Direction.scoreToHamiltonianToScore.rawValue
        maxAbsError = maxError
        rmsError = den > 0 ? (num / den).squareRoot() : .nan
        comparedNodes = compared
    }
}
