import AdiabatCore
import Foundation
import Quantum

/// Work estimates of spectra and gap profiles, checked before they start
/// (docs/conventions.md#limits): a gap profile on a 2-D or 3-D grid or a large register can
/// run for minutes, and a run estimated beyond its budget is refused up front with the
/// estimate and the parameter that raises it (`run.max_work`, `--max-work`).
public struct SpectrumWorkEstimate: Sendable, Equatable {
    /// Estimated work units (``AdiabatCore/WorkBudget``).
    public var work: Double
    /// How the estimate came about, in words.
    public var summary: String

    public init(work: Double, summary: String) {
        self.work = work
        self.summary = summary
    }

    /// Seconds on one core (``AdiabatCore/WorkBudget/seconds(_:)``).
    public var seconds: Double { WorkBudget.seconds(work) }

    /// A warm-started Lanczos point of a profile (previous ground state and levels) costs this
    /// share of a cold solve. Measured on two-moons (401², `schedule roland-cerf`, 41 points):
    /// 116 s of CPU against 41 × 5.1 s for cold solves at t = 0, i.e. 0.55.
    public static let warmShare = 0.5

    /// Operator applications per point of a register's gap profile (both spin-flip sectors, the
    /// levels up to the adiabatic gap), each costing `2ⁿ·(n + 2)` units. Measured (user CPU
    /// time of `spectrum --profile 11`, 2.5 ns per unit): 153 on sk16, 190 on glass2d-L4 (16
    /// spins).
    public static let registerApplicationsPerPoint = 200.0

    /// Refuses the estimate beyond `maxWork` (nil: the default budget): `what` is the run,
    /// `parameter` the option that sets its size.
    public func check(maxWork: Double?, what: String, parameter: String, reduce: String) throws {
        try WorkBudget.validate(maxWork)
        try WorkBudget.check(work, maximum: maxWork, what: what, estimate: summary, parameter: parameter, reduce: reduce)
    }
}

extension LandscapePath {
    /// The work of spectra at `points` diffusion times (1: one spectrum at `t = 0`, the data
    /// end, where gaps are smallest): the potential at each point (one evaluation timed here,
    /// mid-path, where a convolved density costs the most) and the solve: a cold solve
    /// (``Quantum/GridHamiltonian/estimatedSolveWork(levels:options:)`` on `H₀`) for the first
    /// point, ``SpectrumWorkEstimate/warmShare`` of it for each warm-started Lanczos point.
    public func spectrumWork(points: Int, levels: Int) throws -> SpectrumWorkEstimate {
        let started = ContinuousClock.now
        _ = try potential(atTime: 0.5 * tMax)
        let elapsed = ContinuousClock.now - started
        let potentialWork =
            (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) * WorkBudget.unitsPerSecond
        let count = Double(points)
        switch discretisation {
        case .radial(let r):
            let n = Double(r.points)
            return SpectrumWorkEstimate(
                work: count * (potentialWork + 75 * Double(levels) * n),
                summary: "\(points) spectra on \(r.points) radial nodes")
        case .grid(let grid, _):
            let h = try hamiltonian(atTime: 0)
            let cold = try h.estimatedSolveWork(levels: levels)
            let lanczos = h.automaticMethod == .lanczos
            let solves = lanczos ? 1 + SpectrumWorkEstimate.warmShare * (count - 1) : count
            let what = points == 1 ? "one spectrum" : "\(points) spectra"
            return SpectrumWorkEstimate(
                work: count * potentialWork + solves * cold,
                summary: String(
                    format: "%@ of %d levels on %d grid nodes (%@), about %.2g units per cold solve", what, levels,
                    grid.count, h.automaticMethod.rawValue, cold))
        }
    }
}

extension AnnealingHamiltonian {
    /// The work of spectra at `points` anneal fractions: ``SpectrumWorkEstimate/registerApplicationsPerPoint``
    /// applications of `H(s)` per point at `2ⁿ·(n + 2)` units each (`2ⁿ⁻¹` per sector when
    /// the spin-flip symmetry splits the register).
    public func spectrumWork(points: Int) -> SpectrumWorkEstimate {
        let n = qubits
        let states = Foundation.pow(2.0, Double(n))
        let work = Double(points) * SpectrumWorkEstimate.registerApplicationsPerPoint * states * Double(n + 2)
        return SpectrumWorkEstimate(
            work: work, summary: "\(points == 1 ? "one spectrum" : "\(points) spectra") of 2^\(n) states")
    }
}
