import AdiabatCore
import Diffusion
import Foundation
import Landscapes
import Quantum
import Reports

/// What the report needs besides the rows to explain its numbers: the units of the problem
/// and the symmetry of its path (docs/compare.md, "The page").
public struct ComparisonContext: Sendable, Codable, Equatable {
    /// Unit of the run times `T` (`ns`, `us`); nil: dimensionless.
    public var timeUnit: String?
    /// Unit of the gaps as frequencies `Δ/h` (`GHz`, `MHz`); nil: dimensionless.
    public var energyUnit: String?
    /// A gap in the path's units divided by this is in ``energyUnit`` (2π: from the angular
    /// frequency of `ħ = 1` to `Δ/h`); 1 when dimensionless.
    public var energyDivisor: Double
    /// Where the units come from, in words.
    public var unitSource: String?
    /// The symmetry of the path, in words (nil: none found).
    public var symmetry: String?
    /// How the symmetry was established, in words.
    public var symmetryEvidence: String?
    /// 1-D landscapes symmetric under `x → −x`: `E₂ − E₀` of `H_t` at every gap-profile point,
    /// the gap within the even sector (in 1-D the levels alternate in parity, so `E₁` is odd
    /// and `E₂` the first even excited level).
    public var sectorGap: [Double]?

    enum CodingKeys: String, CodingKey {
        case symmetry
        case timeUnit = "time_unit"
        case energyUnit = "energy_unit"
        case energyDivisor = "energy_divisor"
        case unitSource = "unit_source"
        case symmetryEvidence = "symmetry_evidence"
        case sectorGap = "sector_gap"
    }

    public init(
        timeUnit: String? = nil, energyUnit: String? = nil, energyDivisor: Double = 1, unitSource: String? = nil,
        symmetry: String? = nil, symmetryEvidence: String? = nil, sectorGap: [Double]? = nil
    ) {
        self.timeUnit = timeUnit
        self.energyUnit = energyUnit
        self.energyDivisor = energyDivisor
        self.unitSource = unitSource
        self.symmetry = symmetry
        self.symmetryEvidence = symmetryEvidence
        self.sectorGap = sectorGap
    }

    /// The symmetry of a landscape path under `x → −x`: `p₀` and `p(t_max)` on the grid
    /// against their mirror images (the grid must be symmetric about 0). Returns the largest
    /// relative mismatch, or nil when the grid is not symmetric.
    static func mirrorMismatch(_ values: [Double], grid: UniformGrid) -> Double? {
        for (lo, hi) in zip(grid.lower, grid.upper) where abs(lo + hi) > 1e-12 * max(abs(lo), abs(hi)) { return nil }
        let n = values.count
        guard n > 1, let top = values.map(abs).max(), top > 0 else { return nil }
        var worst = 0.0
        for k in 0..<(n / 2) { worst = max(worst, abs(values[k] - values[n - 1 - k])) }
        return worst / top
    }
}

extension Comparison {
    /// Units and symmetry of the problem, with the gap within the symmetry sector where it
    /// can be had cheaply (1-D landscapes).
    func context(gaps: PathGaps) -> ComparisonContext {
        switch subject {
        case .scoreField: return ComparisonContext()
        case .annealing(let a):
            var c = ComparisonContext()
            guard let h = a.hamiltonian else { return c }
            if let unit = h.path.timeUnit {
                c.timeUnit = unit.rawValue
                c.energyUnit = unit == .ns ? "GHz" : "MHz"
                c.energyDivisor = 2 * Double.pi
                c.unitSource =
                    "the problem's A(s), B(s) table \(h.path.name) in GHz, read as H/h = −A(s)/2 Σσxᵢ + B(s)/2 Hₚ"
            }
            if h.sectors != nil && a.spec.initialSpins == nil {
                c.symmetry = "the global spin flip Πσxᵢ"
                c.symmetryEvidence = "every field hᵢ of the \(h.qubits)-spin problem is 0"
            }
            return c
        case .landscape(let l):
            var c = ComparisonContext()
            guard let p0 = try? GridLaw.tabulate(l.landscape, on: l.grid),
                let start = try? GridLaw.tabulate(l.landscape.marginal(time: l.path.tMax, process: l.path.process), on: l.grid),
                let m0 = ComparisonContext.mirrorMismatch(p0.values, grid: l.grid),
                let m1 = ComparisonContext.mirrorMismatch(start.values, grid: l.grid)
            else { return c }
            let mismatch = max(m0, m1)
            guard mismatch <= 1e-9 else { return c }
            c.symmetry = l.grid.dimension == 1 ? "the reflection x → −x" : "the inversion x → −x"
            c.symmetryEvidence =
                "p₀ and p(tₘₐₓ) on the grid equal their mirror images to \(mismatch == 0 ? "the last bit" : scientific(mismatch, digits: 1)) (relative)"
            if l.grid.dimension == 1 {
                var sector: [Double] = []
                for t in gaps.parameter {
                    guard let e = try? l.path.spectrum(atTime: t, levels: 3).energies, e.count >= 3 else { break }
                    sector.append(e[2] - e[0])
                }
                if sector.count == gaps.parameter.count { c.sectorGap = sector }
            }
            return c
        }
    }
}
