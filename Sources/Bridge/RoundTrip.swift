import AdiabatCore
import Foundation
import Landscapes
import Quantum

/// The result of a translation there and back (docs/theory.md §2.4: score → H → score is the
/// identity, H → score → H returns `H − E₀`).
public struct RoundTripReport: Sendable, Codable, Equatable {
    public enum Direction: String, Sendable, Codable {
        case scoreToHamiltonianToScore = "score-hamiltonian-score"
        case hamiltonianToScoreToHamiltonian = "hamiltonian-score-hamiltonian"
    }

    public var direction: Direction
    /// The largest difference over the compared nodes: of a score component (score → H →
    /// score) or of the potential against `V − E₀` (H → score → H).
    public var maxAbsError: Double
    /// The root-mean-square difference weighted by `p` over the compared nodes.
    public var rmsError: Double
    /// How many nodes were compared: those where `p ≥ densityThreshold·max p` (for a radial
    /// grid, the radial mass density `4πr²p`).
    public var comparedNodes: Int
    public var densityThreshold: Double
    /// The ground energy `E₀` of the discrete Hamiltonian on the way (≈ 0 for a Score
    /// Hamiltonian, at the discretisation's order).
    public var groundEnergy: Double
}

/// Round trips through the two translators. Errors are measured on the bulk of the density,
/// `p ≥ 1e-6·max p`: beyond it a score is a ratio of numbers the grid resolves only
/// relatively, and the density there carries no weight in any fidelity or sample statistic.
public enum RoundTrip {
    public static let densityThreshold = 1e-6

    /// Landscape score → `H_h` (``ScoreHamiltonian``) → ground state → score, against the
    /// landscape's own score at every node. The error is the discretisation's: `O(hᵖ)` for
    /// the analytic potential of order-`p` stencils, rounding for the discrete form.
    public static func scoreToHamiltonianToScore(
        _ landscape: any Landscape, grid: UniformGrid, order: LaplacianOrder = .second,
        form: ScoreHamiltonian.PotentialForm = .automatic, options: SpectrumOptions = SpectrumOptions()
    ) throws -> RoundTripReport {
        let h = try ScoreHamiltonian.hamiltonian(of: landscape, on: grid, order: order, form: form)
        let recovered = try HamiltonianToScore.translate(h, options: options)
        let d = grid.dimension
        let logP = try ScoreHamiltonian.logDensity(of: landscape, on: grid)
        var exact = [Double](repeating: 0, count: grid.count * d)
        if let g = landscape as? GridDensity, g.grid == grid {
            exact = g.nodalScore
        } else {
            var x = [Double](repeating: 0, count: d)
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                let s = landscape.score(x)
                for a in 0..<d { exact[k * d + a] = s[a] }
            }
        }
        let score = recovered.score
        return report(
            .scoreToHamiltonianToScore, logWeights: logP, energy: recovered.energy,
            difference: { k in (0..<d).reduce(0) { max($0, abs(score[k * d + $1] - exact[k * d + $1])) } })
    }

    /// The radial version: `f(rᵢ)` recovered from the channel-0 ground state against the
    /// landscape's `f`.
    public static func scoreToHamiltonianToScore(_ landscape: any RadialLandscape, grid: RadialGrid) throws -> RoundTripReport {
        let h = try ScoreHamiltonian.hamiltonian(of: landscape, on: grid, angularMomentum: 0)
        let recovered = try HamiltonianToScore.translate(h)
        let radii = grid.radii
        let weights = radii.map { 2 * log($0) + landscape.radialLogDensity($0) }
        return report(
            .scoreToHamiltonianToScore, logWeights: weights, energy: recovered.energy,
            difference: { i in abs(recovered.score[i] - landscape.radialScore(radii[i])) })
    }

    /// `H` → score → the score's Hamiltonian (discrete form on the same grid and stencil),
    /// against `V − E₀`.
    public static func hamiltonianToScoreToHamiltonian(_ h: GridHamiltonian, options: SpectrumOptions = SpectrumOptions()) throws
        -> RoundTripReport
    {
        let recovered = try HamiltonianToScore.translate(h, options: options)
        let back = try ScoreHamiltonian.potential(of: recovered.density, on: h.grid, order: h.order, form: .discrete)
        let e0 = recovered.energy
        return report(
            .hamiltonianToScoreToHamiltonian, logWeights: recovered.logDensity, energy: e0,
            difference: { k in abs(back[k] - (h.potential[k] - e0)) })
    }

    /// The radial version (channel 0): `V'ᵢ = (u_{i+1} − 2uᵢ + u_{i−1})/(h²uᵢ)` from the
    /// recovered `u = r√(4πp)` against `V − E₀`.
    public static func hamiltonianToScoreToHamiltonian(_ h: RadialHamiltonian) throws -> RoundTripReport {
        let recovered = try HamiltonianToScore.translate(h)
        let grid = h.grid
        let n = grid.points
        let step = grid.spacing
        // u from log p: u = r·√(4π p) (the translator's own u, rebuilt to show p carries it).
        let logU = (0..<n).map { 0.5 * (recovered.logDensity[$0] + log(4 * Double.pi)) + log(grid.radius($0)) }
        let e0 = recovered.energy
        let weights = (0..<n).map { 2 * logU[$0] }
        return report(
            .hamiltonianToScoreToHamiltonian, logWeights: weights, energy: e0,
            difference: { i in
                let up = i + 1 < n ? exp(logU[i + 1] - logU[i]) : 0
                let down = i > 0 ? exp(logU[i - 1] - logU[i]) : 0
                let back = (up - 2 + down) / (step * step)
                return abs(back - (h.potential[i] - e0))
            })
    }

    static func report(
        _ direction: RoundTripReport.Direction, logWeights: [Double], energy: Double, difference: (Int) -> Double
    ) -> RoundTripReport {
        let peak = logWeights.max() ?? 0
        let cut = peak + log(densityThreshold)
        var worst = 0.0
        var sum = 0.0
        var weight = 0.0
        var count = 0
        for k in logWeights.indices where logWeights[k] >= cut {
            let e = difference(k)
            let w = exp(logWeights[k] - peak)
            worst = max(worst, e)
            sum += w * e * e
            weight += w
            count += 1
        }
        return RoundTripReport(
            direction: direction, maxAbsError: worst, rmsError: (sum / max(weight, 1e-300)).squareRoot(), comparedNodes: count,
            densityThreshold: densityThreshold, groundEnergy: energy)
    }
}
