import AdiabatCore
import Foundation

/// A split-operator propagator: `H(τ) = P(τ) + Q(τ)` with two exactly exponentiable parts
/// (qubits: the Ising phase and the transverse rotation; grids: kinetic and potential), one
/// step a ``SplittingScheme`` of their exponentials. Time is made a variable that advances
/// with the first part, so every splitting keeps its classical order on time-dependent paths.
/// A member declares its name, help line, order and scheme; the run (``SplitOperatorDriver``:
/// fixed steps, or step doubling with a 2-norm error bound) is shared.
protocol SplittingMethod: EvolutionIntegrator {
    /// The coefficients of one step.
    var scheme: SplittingScheme { get }
}

extension SplittingMethod {
    /// rtol 1e-7 of the state's 2-norm per step, atol 0: stricter than GSL's per-component
    /// 1e-8 once the state has more than ~100 components (√N·1e-8 > 1e-7), and fidelity
    /// errors near 1e-8 on 12–16-qubit glasses (docs/evolution.md).
    var recommendedOptions: EvolutionOptions { EvolutionOptions(rtol: 1e-7, atol: 0) }
    var resolvesWholeSpectrum: Bool { false }
    /// The state; step doubling below ``EvolutionOptions/inPlaceStepDoublingFrom`` components
    /// adds the big step's and the half steps' vectors, from there none (sketched distances,
    /// docs/evolution.md, "Memory").
    func registerVectors(components: Int, options: EvolutionOptions) -> Double {
        1 + options.splitCopies(components: components)
    }

    func validate(on system: EvolutionSystem, options: EvolutionOptions) throws {
        try system.checkSplitting(name)
    }

    func integrate(
        _ psi: inout [Double], on system: EvolutionSystem, options: EvolutionOptions, stops: EvolutionStops,
        statistics: inout SolutionStatistics, sampled: ([Double], Double) throws -> Void
    ) throws -> SolutionStatus {
        let stepper = try system.splitStepper()
        // Fixed steps run in place, and so does step doubling on a large register (sketched
        // distances, SplitOperatorDriver); otherwise it needs the big step's vector and a third
        // for the half steps.
        let adaptive = options.steps == nil
        let inPlace = stepper.isReversible && psi.count >= options.inPlaceStepDoublingFrom
        var scratch = adaptive && !inPlace ? [Double](repeating: 0, count: psi.count) : []
        var half = adaptive && !inPlace ? [Double](repeating: 0, count: psi.count) : []
        let driver = SplitOperatorDriver(
            scheme: scheme, order: order, options: options, fixedStep: stops.fixedStep(options), inPlace: inPlace)
        var guess = 0.0
        var t = 0.0
        var status = SolutionStatus.success
        for stop in stops.times {
            status = try driver.advance(
                stepper, &psi, scratch: &scratch, half: &half, from: t, to: stop, h: &guess, statistics: &statistics)
            if status != .success { break }
            t = stop
            if stops.samples.contains(stop) { try sampled(psi, stop) }
        }
        return status
    }
}

/// A splitting `e^{a₀hP} e^{b₀hQ} e^{a₁hP} … e^{b_{J−1}hQ} e^{a_J hP}` of one step, where the
/// first part `P` carries the time (its flow advances τ by `aᵢh`) and `Q` is frozen at the
/// time reached. `Σaᵢ = Σbⱼ = 1`.
struct SplittingScheme: Sendable {
    let a: [Double]
    let b: [Double]

    /// A composition of Strang steps `P(w/2) Q(w) P(w/2)` with weights `wⱼ`; adjacent
    /// half-steps of `P` merge.
    static func composition(_ w: [Double]) -> SplittingScheme {
        var a: [Double] = [0.5 * w[0]]
        for j in 1..<max(w.count, 1) { a.append(0.5 * (w[j - 1] + w[j])) }
        a.append(0.5 * w[w.count - 1])
        return SplittingScheme(a: a, b: w)
    }

    /// The symmetric 4th-order composition of `2m + 1` Strang steps: `m` of weight
    /// `w = 1/(2m − (2m)^{1/3})` on each side of one of weight `1 − 2m·w` (Yoshida's triple
    /// jump for `m = 1`, Suzuki's fractal for `m = 2`). The weights cancel the 3rd-order error:
    /// `2m·w³ + (1 − 2m·w)³ = 0`.
    static func symmetricComposition(copies m: Int) -> SplittingScheme {
        let w = 1 / (Double(2 * m) - pow(Double(2 * m), 1.0 / 3))
        let side = [Double](repeating: w, count: m)
        return composition(side + [1 - Double(2 * m) * w] + side)
    }
}
