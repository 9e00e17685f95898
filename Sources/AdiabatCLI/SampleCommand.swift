import ArgumentParser
import Bridge
import Foundation

/// A `--sampler` value: a name of the library's sampler registry (so `--help` lists them all
/// and a typo is refused with the list).
struct SamplerChoice: ExpressibleByArgument, Sendable {
    var name: String

    init?(argument: String) {
        guard SamplerRegistry.named(argument) != nil else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { SamplerRegistry.names }
}

/// `adiabat sample PROBLEM --sampler NAME …`: diffusion-side sampling along the problem's path
/// (landscapes: measured against p₀; annealing problems: the ground-state probability).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract:
            "Run a sampler on a problem: reverse diffusion (or its Fokker–Planck law) on a landscape, flip chains, simulated or path-integral annealing on spins.",
        discussion: """
            Landscapes: particle samplers start from the prior at t_max (OU: N(0, I)) and walk the \
            path t_k = t_max(1 − u(k/N)) with exact scores (plus ε·δ with --score-error). TV and \
            fidelity come from a histogram with automatic (Freedman–Diaconis) binning, with \
            delta-method standard errors and the noise floor of exact samples; 1-D runs add W₁, \
            2-D runs the energy distance. --sampler fokker-planck evolves the reverse SDE's law \
            on the problem's grid (no sampling noise; tv_stderr = 0). See docs/diffusion.md.
            Annealing problems: flip-chain is the chain with rates A(s)·ψ₀(xⁱ)/ψ₀(x) along the \
            problem's path and schedule (the same s(τ/T) as 'evolve'), from ψ₀(s(0))², simulated \
            exactly for rates interpolated between --steps grid points. reverse-flip is the exact \
            time reversal of independent spin flips at rate γ (--flip-rate), targeting the \
            Boltzmann law at --beta or the uniform law on the ground states of H_P. \
            simulated-annealing: Metropolis sweeps with a linear or geometric β schedule. \
            path-integral: simulated quantum annealing, M Trotter slices at inverse temperature β \
            along the problem's path and schedule. All report ground_state_probability; the \
            classical ones also ground_energy_source (exact up to 24 spins | file | best-found), \
            residual_energy_per_spin and tts99 with a bootstrap interval. See docs/discrete.md, \
            docs/sqa.md. Schedules: docs/schedules.md.
            """)

    /// `--dynamics` for the Fokker–Planck sampler.
    enum Dynamics: String, CaseIterable, ExpressibleByArgument {
        case reverseSDE = "reverse-sde"
        case annealedLangevin = "annealed-langevin"
    }

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "The sampler.")
    var sampler: SamplerChoice

    @Option(
        name: .long, parsing: .unconditional,
        help: "Landscape samplers: path steps N (levels for annealed Langevin); required.")
    var steps: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: "flip-chain and reverse-flip: cells of the grid their rates are interpolated on (default 100).")
    var cells: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Number of samples M: particles (landscape particle samplers: required) or reads (spin samplers: default 1000).")
    var samples: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Schedule (default: linear on landscapes, Karras levels for annealed-langevin (t_max capped at their noise end), the problem's own on spins); reverse-flip: where the grid sits in t. \(ScheduleOption.help.abstract)"
        ))
    var schedule: ScheduleOption?

    @OptionGroup var scheduleParameters: ScheduleParameterOptions

    @Option(
        name: .long,
        help: """
            reverse-sde and predictor-corrector: euler-maruyama, exponential, heun (default); \
            probability-flow: euler, heun, rk4 (default); fokker-planck: implicit-euler (default), tr-bdf2.
            """)
    var integrator: SamplerIntegrator?

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "Langevin steps per level (annealed-langevin: default ⌈Λ/(steps·η)⌉ with Λ = 500·√(samples/1e5),"
                + " at least 100, docs/diffusion.md; predictor-corrector: corrector steps, default 1; fokker-planck: 10)."))
    var langevinSteps: Int?

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp(
            "Langevin step size η in units of the level variance, in (0, 1] (annealed-langevin: default"
                + " 0.05·√(1e5/samples), at most 0.1; corrector 0.05; fokker-planck 0.02)."))
    var stepSize: Double?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Data length scale ℓ for Langevin steps (default: the narrowest local width of p₀).")
    var dataScale: Double?

    @Option(name: .long, help: "The law --sampler fokker-planck evolves.")
    var dynamics: Dynamics = .reverseSDE

    @OptionGroup var horizon: DiffusionHorizonOption

    @Option(name: .long, parsing: .unconditional, help: "RMS score error ε injected as ε·δ/‖δ‖ under p_t.")
    var scoreError: Double = 0

    @Option(
        name: .long,
        help:
            "Write the samples to FILE: spin reads as .json (a dimod SampleSet), .csv or .npy; landscape samples (fokker-planck: the density on the grid) as .csv or .npy (docs/data-out.md)."
    )
    var output: String?

    @Option(
        name: .long, parsing: .unconditional,
        help: "simulated-annealing and path-integral: Metropolis sweeps per read (default 1000).")
    var sweeps: Int?

    @OptionGroup var anneal: TotalTimeOption

    @OptionGroup var flipDiffusion: FlipDiffusionOptions

    @Option(
        name: .customLong("trotter-slices"), parsing: .unconditional,
        help: "path-integral: Trotter slices M ≥ 2 (default 32).")
    var trotterSlices: Int?

    @Option(
        name: .customLong("trotter-boundary"),
        help: "path-integral: periodic (the thermal trace, default) or open (free ends in imaginary time).")
    var trotterBoundary: TrotterBoundary?

    @Option(name: .long, help: "reverse-flip: start from the exact marginal or the uniform law.")
    var prior: ReverseFlipDiffusion.Prior = .marginal

    @Option(
        name: .customLong("beta-schedule"),
        help: "simulated-annealing: linear or geometric β (its own ramp; with --schedule, β follows the schedule instead).")
    var betaSchedule: BetaScheduleKind = .geometric

    @Option(
        name: .customLong("beta-range"), parsing: .unconditional,
        help: "simulated-annealing: β_hot,β_cold (default: dwave-samplers' rule).")
    var betaRange: CommaList<Double>?

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    func parsedBetaRange() throws -> (Double, Double)? {
        guard let values = betaRange?.values else { return nil }
        guard values.count == 2 else {
            throw ValidationError("--beta-range takes two numbers β_hot,β_cold (got \(values.count))")
        }
        return (values[0], values[1])
    }

    func validate() throws {
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        _ = try parsedBetaRange()
    }

    /// The request the flags make.
    func request() throws -> SampleRequest {
        var r = SampleRequest(sampler: sampler.name, seed: common.seed)
        r.steps = steps
        r.cells = cells
        r.samples = samples
        r.schedule = try schedule?.request(order: scheduleParameters.order)
        r.integrator = integrator
        r.langevinSteps = langevinSteps
        r.stepSize = stepSize
        r.dataScale = dataScale
        r.fokkerPlanckLangevin = dynamics == .annealedLangevin
        r.tMax = horizon.tMax
        r.scoreError = scoreError
        r.sweeps = sweeps
        r.totalTime = anneal.totalTime
        r.beta = flipDiffusion.beta
        r.flipRate = flipDiffusion.flipRate
        r.prior = prior
        r.betaSchedule = betaSchedule
        r.betaRange = try parsedBetaRange().map { (hot: $0.0, cold: $0.1) }
        r.trotterSlices = trotterSlices
        r.trotterBoundary = trotterBoundary
        r.outputFile = output
        r.maxWork = common.maxWork
        r.gapSamples = scheduleParameters.gapSamples
        return r
    }

    func run() throws {
        let request = try request()
        _ = try request.validated()
        let name = sampler.name
        let solution = try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype).sample(
            request, progress: { done, total in Output.progress("\(name): step \(done)/\(total)") })
        Output.endProgress()
        // The library has written --output (atomically) during the run.
        let json = common.json ? try Output.encodeJSON(solution) : nil
        switch solution {
        case .landscape(let problem, let outcome, _):
            if let json { Output.emit(json) } else { print(outcome.report, problem: problem) }
        case .spins(let problem, let result):
            if let json { Output.emit(json) } else { print(result, problem: problem) }
        }
    }

    private func print(_ result: SpinSampleResult, problem: String) {
        Output.line("problem    \(problem) (\(result.qubits) qubits), sampler \(result.sampler)")
        for key in result.settings.keys.sorted() {
            Output.line(
                "  \(key.padding(toLength: 22, withPad: " ", startingAt: 0)) \(result.settings[key].map { "\($0)" } ?? "")")
        }
        Output.line("samples    \(result.samples)")
        Output.line(
            "P(ground)  \(result.groundStateProbability) ± \(result.groundStateStderr)  (E₀ = \(result.groundEnergy.map { "\($0)" } ?? "?"), \(result.groundEnergySource?.rawValue ?? (result.groundEnergyExact ? "exact" : "best-found")))"
        )
        if let r = result.residualEnergyPerSpin {
            Output.line("residual   \(r) ± \(result.residualEnergyPerSpinStderr ?? 0) per spin  (⟨E⟩ − E₀)/n")
        }
        if let t = result.timeToSolution {
            func f(_ x: Double?) -> String { x.map { String(format: "%.4g", $0) } ?? "∞" }
            Output.line(
                "TTS₉₉      \(f(t.sweeps)) sweeps, 95% [\(f(t.low)), \(f(t.high))]  (τ = \(f(t.sweepsPerRead)); \(t.note))")
        }
        if let p = result.targetGroundStateProbability { Output.line("  target   \(p) (exact law)") }
        if let tv = result.targetTotalVariation {
            Output.line("TV(target) \(tv) (histogram vs the exact target, includes sampling noise)")
        }
        Output.line("⟨E⟩        \(result.meanEnergy), min \(result.minimumEnergy)")
        if let rate = result.sweepsPerSecond { Output.line("speed      \(String(format: "%.4g", rate)) sweeps/s") }
        Output.line("time       \(String(format: "%.3f", result.statistics.seconds)) s")
    }

    private func print(_ r: SamplingReport, problem: String) {
        func f(_ x: Double) -> String { String(format: "%.6f", x) }
        Output.line("problem   \(problem)   (\(r.process), t_max = \(r.tMax), schedule \(r.schedule), \(r.steps) steps)")
        Output.line(
            "sampler   \(r.method)\(r.samples.map { ", \($0) samples" } ?? ""), seed \(r.seed)\(r.scoreError > 0 ? ", score error ε = \(r.scoreError)" : "")"
        )
        if let tMin = r.tMin, let target = r.target {
            Output.line("field     tabulated score from t = \(r.tMax) to t = \(tMin); metrics against \(target)")
            if let n = r.priorRedrawn, n > 0 { Output.line("prior     \(n) draws outside the field's box were drawn again") }
            if let n = r.leftBox, n > 0 {
                Output.line(
                    "left box  \(n) particles left the field's box and were dropped (not extrapolated); the metrics use the \(r.samples ?? 0) kept"
                )
            }
        }
        if r.samples != nil {
            Output.line(
                "TV        \(f(r.tv)) ± \(f(r.tvStderr))   (noise floor \(f(r.tvNoiseFloor ?? 0)) ± \(f(r.tvNoiseFloorSD ?? 0)), \(r.bins ?? 0) bins)"
            )
            Output.line("fidelity  \(f(r.fidelity)) ± \(f(r.fidelityStderr))")
            if let kl = r.kl { Output.line("KL        \(f(kl)) ± \(f(r.klStderr ?? 0))") }
            if let w = r.wasserstein1 { Output.line("W1        \(f(w)) ± \(f(r.wasserstein1Stderr ?? 0))") }
            if let e = r.energyDistance {
                Output.line("energy    \(f(e)) ± \(f(r.energyDistanceStderr ?? 0))   (squared energy distance to exact draws)")
            }
        } else {
            Output.line("TV        \(f(r.tv))   (exact on the grid)")
            Output.line("fidelity  \(f(r.fidelity))")
            if let kl = r.kl { Output.line("KL        \(f(kl))") }
            Output.line("mass error \(r.massError ?? 0), minimum density \(r.minimumDensity ?? 0)")
        }
        Output.line("cost      \(r.scoreEvaluations) score evaluations, \(String(format: "%.2f", r.seconds)) s")
    }
}

extension SampleCommand: Exemplified {
    static let examples = [
        "adiabat sample double-well --sampler reverse-sde --steps 100 --samples 20000",
        "adiabat sample sk10 --sampler simulated-annealing --sweeps 1000",
        "adiabat sample sk10 --sampler flip-chain --cells 50 --samples 500",
    ]
}
