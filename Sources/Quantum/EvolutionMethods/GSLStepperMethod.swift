import AdiabatCore
import GSLKit

/// GSL's `gsl_odeiv2` steppers on the `2N` real components `d(re, im)/dτ = (H·im, −H·re)`, one
/// member per ``GSLKit/ODEMethod`` under GSL's own name (GSLKit owns the list). The implicit ones
/// (`rk1imp`, `rk2imp`, `rk4imp`, `bsimp`, `msbdf`) need a dense `2N × 2N` Jacobian and are
/// offered only while that is affordable (``EvolutionOptions/maximumDenseJacobian``).
struct GSLStepperMethod: EvolutionIntegrator {
    let stepper: ODEMethod

    static var members: [GSLStepperMethod] { ODEMethod.allCases.map(GSLStepperMethod.init) }

    var name: String { stepper.rawValue }
    var summary: String { "GSL's steppers on the real form (implicit ones on small systems only)" }
    /// ``GSLKit/ODEMethod/order``.
    var order: Int { stepper.order }
    /// GSL's per-component bound `atol + rtol·|yᵢ|`: rtol 1e-8, atol 1e-10.
    var recommendedOptions: EvolutionOptions { EvolutionOptions(rtol: 1e-8, atol: 1e-10) }
    var resolvesWholeSpectrum: Bool { true }
    /// The state and GSL's stage and work vectors (rk8pd: 13 stages).
    func registerVectors(components: Int, options: EvolutionOptions) -> Double { 20 }

    func isAvailable(components: Int, options: EvolutionOptions) -> Bool {
        !stepper.requiresJacobian || components <= options.maximumDenseJacobian
    }

    func validate(on system: EvolutionSystem, options: EvolutionOptions) throws {
        let m = system.components
        guard !isAvailable(components: m, options: options) else { return }
        let usable = EvolutionMethodRegistry.available(components: m, options: options).map(\.name)
        throw InputError(
            "evolve.method", "\(name) is implicit and needs a dense \(m)×\(m) Jacobian, too large for \(system.size)",
            hint:
                "implicit GSL steppers are offered up to \(options.maximumDenseJacobian) real components; use one of: \(usable.joined(separator: ", "))"
        )
    }

    func integrate(
        _ psi: inout [Double], on system: EvolutionSystem, options: EvolutionOptions, stops: EvolutionStops,
        statistics: inout SolutionStatistics, sampled: ([Double], Double) throws -> Void
    ) throws -> SolutionStatus {
        let (rhs, jacobian) = try system.equation(stepper.requiresJacobian)
        let integrator = try ODEIntegrator(
            problem: ODEProblem(initialTime: 0, initialState: psi, rightHandSide: rhs, jacobian: jacobian), method: stepper,
            options: ODEOptions(
                rtol: options.rtol, atol: options.atol, fixedStep: stops.fixedStep(options), maxSteps: options.maxSteps))
        let status = try integrator.advance(through: stops.times) { stop in
            EvolutionProgress.report(stop)
            if stops.samples.contains(stop) { try sampled(integrator.state, stop) }
        }
        psi = integrator.state
        statistics = SolutionStatistics(integrator.statistics)
        return status
    }
}

extension EvolutionMethod {
    /// GSL's stepper `stepper`.
    public static func gsl(_ stepper: ODEMethod) -> EvolutionMethod { EvolutionMethod(GSLStepperMethod(stepper: stepper)) }
}
