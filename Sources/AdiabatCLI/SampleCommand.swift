import AdiabatCore
import ArgumentParser
import Bridge
import Diffusion
import Foundation
import Problems

extension SamplerKind: ExpressibleByArgument {}
extension FokkerPlanckMethod: ExpressibleByArgument {}

/// Every `--sampler`: the landscape samplers (Diffusion) and the spin samplers (Bridge/Spins).
enum SampleSampler: String, CaseIterable, ExpressibleByArgument {
    case reverseSDE = "reverse-sde"
    case probabilityFlow = "probability-flow"
    case annealedLangevin = "annealed-langevin"
    case predictorCorrector = "predictor-corrector"
    case fokkerPlanck = "fokker-planck"
    case flipChain = "flip-chain"
    case reverseFlip = "reverse-flip"
    case simulatedAnnealing = "simulated-annealing"

    /// The landscape sampler, or nil for a spin sampler.
    var landscape: SamplerKind? { SamplerKind(rawValue: rawValue) }
    /// The spin sampler, or nil for a landscape sampler.
    var spin: SpinSamplerChoice? { SpinSamplerChoice(rawValue: rawValue) }
}

/// `adiabat sample PROBLEM --sampler NAME …`: diffusion-side sampling along the problem's path
/// (landscapes: measured against p₀; annealing problems: the ground-state probability).
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract:
            "Run a sampler on a problem: reverse diffusion (or its Fokker–Planck law) on a landscape, flip chains or simulated annealing on spins.",
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
            simulated-annealing: Metropolis sweeps with a linear or geometric β schedule. All \
            report ground_state_probability. See docs/discrete.md. Schedules: docs/schedules.md.
            """)

    /// `--integrator` choices (each sampler accepts some of them).
    enum Integrator: String, CaseIterable, ExpressibleByArgument {
        case eulerMaruyama = "euler-maruyama"
        case exponential
        case heun
        case euler
        case rk4
        case implicitEuler = "implicit-euler"
        case trBDF2 = "tr-bdf2"
    }

    /// `--dynamics` for the Fokker–Planck sampler.
    enum Dynamics: String, CaseIterable, ExpressibleByArgument {
        case reverseSDE = "reverse-sde"
        case annealedLangevin = "annealed-langevin"
    }

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "The sampler.")
    var sampler: SampleSampler

    @Option(
        name: .long,
        help: "Path steps N (levels for annealed Langevin); flip-chain and reverse-flip: grid cells of the rates (default 100).")
    var steps: Int?

    @Option(name: .long, help: "Number of samples M (landscape particle samplers: required; spin samplers: default 1000).")
    var samples: Int?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Schedule (default: linear on landscapes, the problem's own on spins); reverse-flip: where the grid sits in t. \(ScheduleOption.help.abstract)"
        ))
    var schedule: ScheduleOption?

    @Option(name: .long, help: "Order of the boundary-cancelling schedule.")
    var order: Int = 2

    @Option(
        name: .long,
        help: """
            reverse-sde and predictor-corrector: euler-maruyama, exponential, heun (default); \
            probability-flow: euler, heun, rk4 (default); fokker-planck: implicit-euler (default), tr-bdf2.
            """)
    var integrator: Integrator?

    @Option(
        name: .long,
        help: "Langevin steps per level (annealed-langevin, default 10) or corrector steps (predictor-corrector, default 1).")
    var langevinSteps: Int?

    @Option(name: .long, help: "Langevin step size η in units of the level variance, in (0, 1] (default 0.02; corrector 0.05).")
    var stepSize: Double?

    @Option(name: .long, help: "Data length scale ℓ for Langevin steps (default: the narrowest local width of p₀).")
    var dataScale: Double?

    @Option(name: .long, help: "The law --sampler fokker-planck evolves.")
    var dynamics: Dynamics = .reverseSDE

    @Option(
        name: .long,
        help: "Diffusion time at the noise end (default: the problem's t_max; reverse-flip: (n/2)e^{−2γ t_max} = 1e-4).")
    var tMax: Double?

    @Option(name: .long, help: "RMS score error ε injected as ε·δ/‖δ‖ under p_t (default 0).")
    var scoreError: Double = 0

    @Option(name: .long, help: "Write the samples (or, for fokker-planck, the density on the grid) to this CSV file.")
    var output: String?

    @Option(name: .long, help: "simulated-annealing: Metropolis sweeps per read (default 1000).")
    var sweeps: Int?

    @Option(name: .long, help: "flip-chain: total run time T of the annealed flip chain (default: the problem's total_time).")
    var totalTime: Double?

    @Option(name: .long, help: "reverse-flip: target the Boltzmann law at this β (default: uniform on the ground states).")
    var beta: Double?

    @Option(name: .customLong("flip-rate"), help: "reverse-flip: forward flip rate γ.")
    var flipRate: Double = 1

    @Option(name: .long, help: "reverse-flip: start from the exact marginal or the uniform law.")
    var prior: ReverseFlipDiffusion.Prior = .marginal

    @Option(name: .customLong("beta-schedule"), help: "simulated-annealing: linear or geometric β.")
    var betaSchedule: BetaScheduleKind = .geometric

    @Option(name: .customLong("beta-range"), help: "simulated-annealing: β_hot,β_cold (default: dwave-samplers' rule).")
    var betaRange: String?

    @OptionGroup var common: CommonOptions

    func parsedBetaRange() throws -> (Double, Double)? {
        guard let text = betaRange else { return nil }
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let hot = parts[0], let cold = parts[1] else {
            throw ValidationError("--beta-range takes two numbers β_hot,β_cold (got \(text))")
        }
        return (hot, cold)
    }

    func validate() throws {
        if let spin = sampler.spin {
            try validateSpin(spin)
            return
        }
        let spinOnly: [(Bool, String)] = [
            (sweeps != nil, "--sweeps"), (totalTime != nil, "--total-time"), (beta != nil, "--beta"),
            (flipRate != 1, "--flip-rate"), (prior != .marginal, "--prior"), (betaSchedule != .geometric, "--beta-schedule"),
            (betaRange != nil, "--beta-range"),
        ]
        if let (_, flag) = spinOnly.first(where: { $0.0 }) {
            throw ValidationError("\(flag) applies to the spin samplers (flip-chain, reverse-flip, simulated-annealing)")
        }
        guard let steps else { throw ValidationError("--steps N is required for the landscape sampler \(sampler.rawValue)") }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1 (got \(steps))") }
        if sampler == .fokkerPlanck {
            if let integrator, integrator != .implicitEuler && integrator != .trBDF2 {
                throw ValidationError(
                    "--integrator \(integrator.rawValue) does not apply to fokker-planck; use implicit-euler or tr-bdf2")
            }
        } else {
            guard let samples else {
                throw ValidationError("--samples M is required for the particle sampler \(sampler.rawValue)")
            }
            guard samples >= 1 else { throw ValidationError("--samples must be at least 1 (got \(samples))") }
            if dynamics != .reverseSDE { throw ValidationError("--dynamics applies only to --sampler fokker-planck") }
        }
        if let integrator {
            let allowed: [Integrator]
            switch sampler {
            case .reverseSDE, .predictorCorrector: allowed = [.eulerMaruyama, .exponential, .heun]
            case .probabilityFlow: allowed = [.euler, .heun, .rk4]
            case .fokkerPlanck: allowed = [.implicitEuler, .trBDF2]
            case .annealedLangevin, .flipChain, .reverseFlip, .simulatedAnnealing: allowed = []
            }
            guard allowed.contains(integrator) else {
                let list =
                    allowed.isEmpty ? "none (it has no integrator choice)" : allowed.map(\.rawValue).joined(separator: ", ")
                throw ValidationError(
                    "--integrator \(integrator.rawValue) does not apply to \(sampler.rawValue); it takes \(list)")
            }
        }
        let langevin =
            sampler == .annealedLangevin || sampler == .predictorCorrector
            || (sampler == .fokkerPlanck && dynamics == .annealedLangevin)
        if !langevin && (langevinSteps != nil || stepSize != nil || dataScale != nil) {
            throw ValidationError(
                "--langevin-steps, --step-size and --data-scale apply to annealed-langevin and predictor-corrector")
        }
        if let t = tMax, !(t.isFinite && t > 0) { throw ValidationError("--t-max must be a positive number (got \(t))") }
        guard scoreError.isFinite, scoreError >= 0 else { throw ValidationError("--score-error must be a finite number ≥ 0") }
        guard (0...12).contains(order) else { throw ValidationError("--order must be between 0 and 12 (got \(order))") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
    }

    /// Cross-flag checks of the spin samplers.
    private func validateSpin(_ spin: SpinSamplerChoice) throws {
        let landscapeOnly: [(Bool, String)] = [
            (integrator != nil, "--integrator"), (langevinSteps != nil, "--langevin-steps"), (stepSize != nil, "--step-size"),
            (dataScale != nil, "--data-scale"), (dynamics != .reverseSDE, "--dynamics"), (scoreError != 0, "--score-error"),
            (output != nil, "--output"),
        ]
        if let (_, flag) = landscapeOnly.first(where: { $0.0 }) {
            throw ValidationError("\(flag) applies to the landscape samplers, not to \(spin.rawValue)")
        }
        if let s = samples, s < 1 { throw ValidationError("--samples must be positive (got \(s))") }
        if let s = steps, s < 1 { throw ValidationError("--steps must be positive (got \(s))") }
        if let s = sweeps, s < 1 { throw ValidationError("--sweeps must be positive (got \(s))") }
        if let t = totalTime, !(t.isFinite && t > 0) { throw ValidationError("--total-time must be positive (got \(t))") }
        if let b = beta, !(b.isFinite && b >= 0) { throw ValidationError("--beta must be finite and ≥ 0 (got \(b))") }
        guard flipRate.isFinite, flipRate > 0 else { throw ValidationError("--flip-rate must be positive (got \(flipRate))") }
        if let t = tMax, !(t.isFinite && t > 0) { throw ValidationError("--t-max must be positive (got \(t))") }
        guard (0...12).contains(order) else { throw ValidationError("--order must be between 0 and 12 (got \(order))") }
        _ = try parsedBetaRange()
        let isSA = spin == .simulatedAnnealing
        if !isSA && (sweeps != nil || betaRange != nil || betaSchedule != .geometric) {
            throw ValidationError(
                "--sweeps, --beta-range and --beta-schedule are simulated-annealing options; the chains take --steps")
        }
        if isSA && (steps != nil || totalTime != nil || schedule != nil) {
            throw ValidationError(
                "simulated annealing counts --sweeps on its own β schedule, not --steps, --total-time or --schedule")
        }
        if spin != .reverseFlip && (beta != nil || tMax != nil || flipRate != 1 || prior != .marginal) {
            throw ValidationError(
                "--beta, --t-max, --flip-rate and --prior set the reverse-flip diffusion; other samplers anneal to the ground state"
            )
        }
        if spin != .flipChain && totalTime != nil { throw ValidationError("--total-time is the flip-chain's anneal time") }
    }

    func run() throws {
        let location = try ProblemLocator.locate(problem)
        if let spin = sampler.spin {
            guard location.kind == .annealing else {
                throw CommandFailure(
                    message:
                        "'\(location.name)' is a landscape problem; \(spin.rawValue) samples the spins of an annealing problem (use reverse-sde, probability-flow, annealed-langevin, predictor-corrector or fokker-planck)",
                    exitCode: 1)
            }
            let settings = SpinCommands.SampleSettings(
                sampler: spin, samples: samples ?? 1000, steps: steps, sweeps: sweeps, totalTime: totalTime,
                schedule: try schedule?.request(order: order), beta: beta, flipRate: flipRate, maximumTime: tMax, prior: prior,
                betaSchedule: betaSchedule, betaRange: try parsedBetaRange(), seed: common.seed)
            try SpinCommands.sample(problem: problem, settings: settings, json: common.json)
            return
        }
        guard let kind = sampler.landscape, let steps else { return }  // safe: validate() required --steps for these
        guard location.kind == .landscape else {
            throw CommandFailure(
                message:
                    "'\(location.name)' is an annealing problem; \(sampler.rawValue) runs on landscapes (spins: flip-chain, reverse-flip, simulated-annealing)",
                exitCode: 1)
        }
        let loaded = try LandscapeProblem.load(contentsOf: location.url, seed: common.seed)
        guard case let .grid(grid, _) = loaded.discretisation else {
            throw CommandFailure(
                message:
                    "'\(loaded.name)' is a radial (3-D) problem; 'sample' needs a uniform grid for its metrics (use a 1-D or 2-D problem)",
                exitCode: 1)
        }
        if let output {
            let directory = URL(fileURLWithPath: output).deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure(message: "cannot write \(output): directory \(directory.path) does not exist", exitCode: 1)
            }
        }
        let landscape = try loaded.resolvedLandscape()
        let horizon = tMax ?? loaded.tMax
        let landscapePath = try LandscapePath(
            landscape: landscape, discretisation: loaded.discretisation, process: loaded.process, tMax: horizon)
        let shape = try ScheduleLibrary(context: .landscape(landscapePath)).schedule(
            try (schedule ?? ScheduleOption("linear")).request(order: order))
        let path = try DiffusionPath(process: loaded.process, tMax: horizon, schedule: shape, steps: steps)
        var request = SamplingRun(
            landscape: landscape, reference: loaded.reference, grid: grid, path: path, sampler: kind,
            particles: samples ?? 0, seed: common.seed, scoreError: scoreError)
        try configure(&request, grid: grid)
        let outcome = try request.run(progress: { done, total in Output.progress("\(sampler.rawValue): step \(done)/\(total)") })
        Output.endProgress()
        // Encoded before the file is written: a failing command writes nothing.
        let json = common.json ? try Output.encodeJSON(outcome.report) : nil
        if let output { try write(outcome, grid: grid, to: output) }
        if let json {
            Output.emit(json)
            return
        }
        print(outcome.report, problem: loaded.name)
    }

    /// Fills in the method settings from the flags.
    private func configure(_ request: inout SamplingRun, grid: UniformGrid) throws {
        let scale = try dataScale ?? LangevinSettings.dataScale(of: request.landscape, on: grid)
        func scheme(_ i: Integrator?) -> ReverseSDEScheme {
            switch i {
            case .eulerMaruyama: return .eulerMaruyama
            case .exponential: return .exponential
            default: return .heun
            }
        }
        switch sampler {
        case .reverseSDE:
            request.method = .reverseSDE(scheme(integrator))
        case .probabilityFlow:
            request.method = .probabilityFlow(integrator == .euler ? .euler : (integrator == .heun ? .heun : .rk4))
        case .annealedLangevin:
            request.method = .annealedLangevin(
                LangevinSettings(stepsPerLevel: langevinSteps ?? 10, stepSize: stepSize ?? 0.02, dataScale: scale))
        case .predictorCorrector:
            request.method = .predictorCorrector(
                PredictorCorrectorSettings(
                    predictor: scheme(integrator),
                    corrector: LangevinSettings(stepsPerLevel: langevinSteps ?? 1, stepSize: stepSize ?? 0.05, dataScale: scale)))
        case .fokkerPlanck:
            request.fokkerPlanckMethod = integrator == .trBDF2 ? .trBDF2 : .implicitEuler
            if dynamics == .annealedLangevin {
                request.fokkerPlanckLangevin = LangevinSettings(
                    stepsPerLevel: langevinSteps ?? 10, stepSize: stepSize ?? 0.02, dataScale: scale)
            }
        case .flipChain, .reverseFlip, .simulatedAnnealing:
            break  // spin samplers run through SpinCommands.sample
        }
    }

    /// Writes samples (`x[,y[,z]]` per row) or the density (`x[,y],density`) as CSV.
    private func write(_ outcome: SamplingOutcome, grid: UniformGrid, to path: String) throws {
        let d = grid.dimension
        let names = ["x", "y", "z"].prefix(d)
        var text = ""
        if let samples = outcome.samples {
            text.reserveCapacity(samples.count * 22)
            text += names.joined(separator: ",") + "\n"
            for i in 0..<(samples.count / d) {
                text += (0..<d).map { "\(samples[i * d + $0])" }.joined(separator: ",") + "\n"
            }
        } else if let density = outcome.density {
            text += names.joined(separator: ",") + ",density\n"
            var x = [Double](repeating: 0, count: d)
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                text += x.map { "\($0)" }.joined(separator: ",") + ",\(density.values[k])\n"
            }
        }
        try Output.writeAtomically(Data(text.utf8), to: path)
    }

    private func print(_ r: SamplingReport, problem: String) {
        func f(_ x: Double) -> String { String(format: "%.6f", x) }
        Output.line("problem   \(problem)   (\(r.process), t_max = \(r.tMax), schedule \(r.schedule), \(r.steps) steps)")
        Output.line(
            "sampler   \(r.method)\(r.samples.map { ", \($0) samples" } ?? ""), seed \(r.seed)\(r.scoreError > 0 ? ", score error ε = \(r.scoreError)" : "")"
        )
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
