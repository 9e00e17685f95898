import AdiabatCore
import Foundation
import GSLKit

/// The run times where an evolution stops: the path's kinks, the trajectory samples and the
/// end, ascending and without repeats.
struct EvolutionStops {
    /// Every stop in `(0, T]`.
    let times: [Double]
    /// The stops where the trajectory is recorded (with `0`, recorded before the run).
    let samples: Set<Double>
    /// The end, `T`.
    let totalTime: Double

    init(totalTime T: Double, breakpoints: [Double], samples n: Int) {
        totalTime = T
        let sampleTimes = n > 0 ? (0...n).map { Double($0) * T / Double(n) } : []
        times = Array(Set((breakpoints + sampleTimes + [T]).filter { $0 > 0 && $0 <= T })).sorted()
        samples = Set(sampleTimes)
    }

    /// The step `T/steps` of a fixed-step run; nil for adaptive steps.
    func fixedStep(_ options: EvolutionOptions) -> Double? { options.steps.map { totalTime / Double($0) } }
}

/// The stepping loop that both engines (registers and grids) share: `method` checks and runs
/// `system` from `psi` at `τ = 0` through `stops`, calling `sampled(state, τ)` at each
/// trajectory sample; `psi` then holds the final state, or the state reached when the status is
/// a failure (the partial result).
enum EvolutionLoop {
    static func run(
        _ psi: inout [Double], method: EvolutionMethod, options: EvolutionOptions, stops: EvolutionStops,
        system: EvolutionSystem, sampled: ([Double], Double) throws -> Void
    ) throws -> (statistics: SolutionStatistics, status: SolutionStatus) {
        var statistics = SolutionStatistics()
        let started = ContinuousClock.now
        let status = try method.integrator.integrate(
            &psi, on: system, options: options, stops: stops, statistics: &statistics, sampled: sampled)
        statistics.seconds = (ContinuousClock.now - started).inSeconds
        return (statistics, status)
    }

    /// Fills the dense real-form Jacobian `∂f/∂y` of `f = −iHψ` (`∂f_re/∂ψ_im = H`,
    /// `∂f_im/∂ψ_re = −H`, row-major, `2n × 2n`) from `apply(e_l) = H e_l`, column by column.
    static func fillDenseJacobian(
        _ dfdy: UnsafeMutableBufferPointer<Double>, dimension n: Int,
        apply: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void
    ) {
        let m = 2 * n
        for i in 0..<(m * m) { dfdy[i] = 0 }
        LinearAlgebra.forEachColumn(dimension: n, apply: apply) { l, column in
            for k in 0..<n where column[k] != 0 {
                dfdy[(2 * k) * m + (2 * l + 1)] = column[k]
                dfdy[(2 * k + 1) * m + (2 * l)] = -column[k]
            }
        }
    }
}
