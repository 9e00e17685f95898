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

    init(totalTime T: Double, breakpoints: [Double], samples n: Int) {
        let sampleTimes = n > 0 ? (0...n).map { Double($0) * T / Double(n) } : []
        times = Array(Set((breakpoints + sampleTimes + [T]).filter { $0 > 0 && $0 <= T })).sorted()
        samples = Set(sampleTimes)
    }
}

/// The stepping loop that both engines (registers and grids) share: it runs `method` from
/// `psi` at `τ = 0` through `stops`, calls `sampled(state, τ)` at each trajectory sample, and
/// returns with `psi` holding the final state, or the state reached when the status is a
/// failure (the partial result).
///
/// A GSL method gets its right-hand side (and, for an implicit stepper, its Jacobian) from
/// `system`; a split-operator method gets its propagator from `splitStepper`.
enum EvolutionLoop {
    static func run(
        _ psi: inout [Double], method: EvolutionMethod, options: EvolutionOptions, totalTime T: Double, stops: EvolutionStops,
        system: (ODEMethod) throws -> (ODEProblem.RightHandSide, ODEProblem.Jacobian?),
        splitStepper: () throws -> any CompositionStepper,
        sampled: ([Double], Double) throws -> Void
    ) throws -> (statistics: SolutionStatistics, status: SolutionStatus) {
        var statistics = SolutionStatistics()
        var status = SolutionStatus.success
        let started = ContinuousClock.now
        let fixedStep = options.steps.map { T / Double($0) }
        if let ode = method.odeMethod {
            let (rhs, jacobian) = try system(ode)
            let integrator = try ODEIntegrator(
                problem: ODEProblem(initialTime: 0, initialState: psi, rightHandSide: rhs, jacobian: jacobian), method: ode,
                options: ODEOptions(rtol: options.rtol, atol: options.atol, fixedStep: fixedStep, maxSteps: options.maxSteps))
            status = try integrator.advance(through: stops.times) { stop in
                EvolutionProgress.report(stop)
                if stops.samples.contains(stop) { try sampled(integrator.state, stop) }
            }
            psi = integrator.state
            statistics = SolutionStatistics(integrator.statistics)
        } else {
            let stepper = try splitStepper()
            // Fixed steps run in place, and so does step doubling on a large register (sketched
            // distances, SplitOperatorDriver); otherwise it needs the big step's vector and a third
            // for the half steps.
            let adaptive = options.steps == nil
            let inPlace = stepper.isReversible && psi.count >= options.inPlaceStepDoublingFrom
            var scratch = adaptive && !inPlace ? [Double](repeating: 0, count: psi.count) : []
            var half = adaptive && !inPlace ? [Double](repeating: 0, count: psi.count) : []
            let driver = SplitOperatorDriver(
                scheme: method.scheme, order: method.order, options: options, fixedStep: fixedStep, inPlace: inPlace)
            var guess = 0.0
            var t = 0.0
            for stop in stops.times {
                status = try driver.advance(
                    stepper, &psi, scratch: &scratch, half: &half, from: t, to: stop, h: &guess, statistics: &statistics)
                if status != .success { break }
                t = stop
                if stops.samples.contains(stop) { try sampled(psi, stop) }
            }
        }
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
        var unit = [Double](repeating: 0, count: n)
        var column = [Double](repeating: 0, count: n)
        for l in 0..<n {
            unit[l] = 1
            unit.withUnsafeBufferPointer { u in column.withUnsafeMutableBufferPointer { apply(u, $0) } }
            unit[l] = 0
            for k in 0..<n where column[k] != 0 {
                dfdy[(2 * k) * m + (2 * l + 1)] = column[k]
                dfdy[(2 * k + 1) * m + (2 * l)] = -column[k]
            }
        }
    }
}
