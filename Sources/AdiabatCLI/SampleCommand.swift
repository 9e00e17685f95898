import AdiabatCore
import ArgumentParser
import Bridge
import Diffusion
import Foundation
import Problems

extension SamplerKind: ExpressibleByArgument {}
extension FokkerPlanckMethod: ExpressibleByArgument {}

/// Every `--sampler`: the diffusion samplers run on landscape problems, the spin samplers on
/// annealing problems.
enum SamplerName: String, CaseIterable, ExpressibleByArgument {
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

/// `adiabat sample PROBLEM --sampler NAME …`: the diffusion side of a path, measured against
/// its target. Landscapes: reverse-diffusion samplers (or their Fokker–Planck law) against p₀,
/// with TV and fidelity. Annealing problems: the annealed flip chain, the reverse flip chain and
/// simulated annealing, with the ground-state probability.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample along the problem's path: reverse-diffusion samplers on landscapes, flip chains and simulated annealing on spins.",
        discussion: """
            Landscape problems (reverse-sde, probability-flow, annealed-langevin, predictor-corrector, \
            fokker-planck): particle samplers start from the prior at t_max (OU: N(0, I)) and walk the \
            path t_k = t_max(1 − u(k/N)) with exact scores (plus ε·δ with --score-error). TV and \
            fidelity come from a histogram with automatic (Freedman–Diaconis) binning, with \
            delta-method standard errors and the noise floor of exact samples; 1-D runs add W₁, 2-D \
            runs the energy distance. fokker-planck evolves the reverse SDE's law on the problem's grid \
            (no sampling noise; tv_stderr = 0). See docs/diffusion.md.
            Annealing problems (flip-chain, reverse-flip, simulated-annealing): flip-chain is the chain \
            with rates A(s)·ψ₀(xⁱ)/ψ₀(x) along the problem's path and schedule (the same s(τ/T) as \
            'evolve'), simulated exactly for rates interpolated between --steps grid points; \
            reverse-flip is the exact time reversal of independent spin flips at rate γ (--flip-rate), \
            targeting the Boltzmann law at --beta or the uniform law on the ground states of H_P; \
            simulated-annealing runs Metropolis sweeps with a linear or geometric β schedule. All \
            report ground_state_probability. See docs/discrete.md.
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

    @Argument(help: "Problem file (.toml, .coo, .json, .qubo) or bundled problem name (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "The sampler (the first five for landscapes, the last three for annealing problems).")
    var sampler: SamplerName

    @Option(name: .long, help: "Path steps N (landscapes: required; annealed-langevin: levels). Flip chains: grid cells of the rates (default 100).")
    var steps: Int?

    @Option(name: .long, help: "Number of samples M (landscape particle samplers: required; spins: chains or reads, default 1000).")
    var samples: Int?

    @Option(
        name: .long,
        help: "Schedule u(r) of the path: problem (the file's own; linear for landscapes), linear, cosine, boundary-cancelling, roland-cerf (annealing).")
    var schedule: ScheduleChoice = .problem

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

    @Option(name: .customLong("t-max"), help: "Landscapes: diffusion time at the noise end (default: the problem's t_max). reverse-flip: start time (default: (n/2)e^{−2γ t_max} = 1e-4).")
    var tMax: Double?

    @Option(name: .long, help: "RMS score error ε injected as ε·δ/‖δ‖ under p_t (default 0).")
    var scoreError: Double = 0

    @Option(name: .long, help: "Write the samples (or, for fokker-planck, the density on the grid) to this CSV file.")
    var output: String?

    @Option(name: .long, help: "simulated-annealing: Metropolis sweeps per read (default 1000).")
    var sweeps: Int?

    @Option(name: .long, help: "flip-chain: total run time T of the annealed chain (default: the problem's total_time).")
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
        if let s = steps, s < 1 { throw ValidationError("--steps must be at least 1 (got \(s))") }
        if let s = samples, s < 1 { throw ValidationError("--samples must be at least 1 (got \(s))") }
        if let t = tMax, !(t.isFinite && t > 0) { throw ValidationError("--t-max must be a positive number (got \(t))") }
        guard (0...12).contains(order) else { throw ValidationError("--order must be between 0 and 12 (got \(order))") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if let kind = sampler.landscape {
            try validateLandscape(kind)
        } else if let spin = sampler.spin {
            try validateSpin(spin)
        }
    }

    private func validateLandscape(_ kind: SamplerKind) throws {
        let spinFlags: [(Bool, String)] = [
            (sweeps != nil, "--sweeps"), (totalTime != nil, "--total-time"), (beta != nil, "--beta"),
            (betaRange != nil, "--beta-range"), (flipRate != 1, "--flip-rate"),
        ]
        if let (_, flag) = spinFlags.first(where: { $0.0 }) {
            throw ValidationError("\(flag) is a spin-sampler option; \(kind.rawValue) runs on landscape problems")
        }
        guard let steps else { throw ValidationError("--steps N is required for \(kind.rawValue)") }
        _ = steps
        if kind == .fokkerPlanck {
            if let integrator, integrator != .implicitEuler && integrator != .trBDF2 {
                throw ValidationError(
                    "--integrator \(integrator.rawValue) does not apply to fokker-planck; use implicit-euler or tr-bdf2")
            }
        } else {
            guard samples != nil else {
                throw ValidationError("--samples M is required for the particle sampler \(kind.rawValue)")
            }
            if dynamics != .reverseSDE { throw ValidationError("--dynamics applies only to --sampler fokker-planck") }
        }
        if let integrator {
            let allowed: [Integrator]
            switch kind {
            case .reverseSDE, .predictorCorrector: allowed = [.eulerMaruyama, .exponential, .heun]
            case .probabilityFlow: allowed = [.euler, .heun, .rk4]
            case .fokkerPlanck: allowed = [.implicitEuler, .trBDF2]
            case .annealedLangevin: allowed = []
            }
            guard allowed.contains(integrator) else {
                let list =
                    allowed.isEmpty ? "none (it has no integrator choice)" : allowed.map(\.rawValue).joined(separator: ", ")
                throw ValidationError(
                    "--integrator \(integrator.rawValue) does not apply to \(kind.rawValue); it takes \(list)")
            }
        }
        let langevin =
            kind == .annealedLangevin || kind == .predictorCorrector
            || (kind == .fokkerPlanck && dynamics == .annealedLangevin)
        if !langevin && (langevinSteps != nil || stepSize != nil || dataScale != nil) {
            throw ValidationError(
                "--langevin-steps, --step-size and --data-scale apply to annealed-langevin and predictor-corrector")
        }
        guard scoreError.isFinite, scoreError >= 0 else { throw ValidationError("--score-error must be a finite number ≥ 0") }
        if schedule == .rolandCerf {
            throw ValidationError("--schedule roland-cerf is built from an annealing problem's gap; use linear, cosine or boundary-cancelling on landscapes")
        }
    }

    private func validateSpin(_ spin: SpinSamplerChoice) throws {
        let landscapeFlags: [(Bool, String)] = [
            (integrator != nil, "--integrator"), (langevinSteps != nil, "--langevin-steps"), (stepSize != nil, "--step-size"),
            (dataScale != nil, "--data-scale"), (dynamics != .reverseSDE, "--dynamics"), (scoreError != 0, "--score-error"),
            (output != nil, "--output"),
        ]
        if let (_, flag) = landscapeFlags.first(where: { $0.0 }) {
            throw ValidationError("\(flag) is a landscape-sampler option; \(spin.rawValue) runs on annealing problems")
        }
        if let t = totalTime, !(t.isFinite && t > 0) { throw ValidationError("--total-time must be positive (got \(t))") }
        if let b = beta, !(b.isFinite && b >= 0) { throw ValidationError("--beta must be finite and ≥ 0 (got \(b))") }
        guard flipRate.isFinite, flipRate > 0 else { throw ValidationError("--flip-rate must be positive (got \(flipRate))") }
        _ = try parsedBetaRange()
        let isSA = spin == .simulatedAnnealing
        if !isSA && (sweeps != nil || betaRange != nil) {
            throw ValidationError("--sweeps and --beta-range are simulated-annealing options; the chains take --steps")
        }
        if isSA && (steps != nil || totalTime != nil) {
            throw ValidationError("simulated annealing counts --sweeps, not --steps or --total-time")
        }
        if spin != .reverseFlip && (beta != nil || tMax != nil) {
            throw ValidationError("--beta and --t-max set the reverse-flip target; other samplers anneal to the ground state")
        }
        if spin != .flipChain && totalTime != nil { throw ValidationError("--total-time is the flip-chain's anneal time") }
    }

    func run() throws {
        let location = try ProblemLocator.locate(problem)
        switch (location.kind, sampler.landscape, sampler.spin) {
        case (.landscape, let kind?, _):
            try runLandscape(location, kind)
        case (.annealing, _, let spin?):
            let settings = SpinCommands.SampleSettings(
                sampler: spin, samples: samples ?? 1000, steps: steps, sweeps: sweeps, totalTime: totalTime,
                schedule: schedule, order: order, beta: beta, flipRate: flipRate, maximumTime: tMax, prior: prior,
                betaSchedule: betaSchedule, betaRange: try parsedBetaRange(), seed: common.seed)
            try SpinCommands.sample(problem: problem, settings: settings, json: common.json)
        case (.landscape, _, _):
            throw InputError(
                location.name, "is a landscape problem; --sampler \(sampler.rawValue) samples spins",
                hint: "use reverse-sde, probability-flow, annealed-langevin, predictor-corrector or fokker-planck")
        case (.annealing, _, _):
            throw InputError(
                location.name, "is an annealing problem; --sampler \(sampler.rawValue) samples continuous landscapes",
                hint: "use flip-chain, reverse-flip or simulated-annealing")
        }
    }

    private func runLandscape(_ location: ProblemLocation, _ kind: SamplerKind) throws {
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
        let shape: Schedule
        switch schedule {
        case .problem, .linear: shape = .linear
        case .cosine: shape = .cosine
        case .boundaryCancelling: shape = try .boundaryCancelling(order: order)
        case .rolandCerf:
            throw InputError("--schedule", "roland-cerf applies to annealing problems")
        }
        let path = try DiffusionPath(process: loaded.process, tMax: tMax ?? loaded.tMax, schedule: shape, steps: steps ?? 1)
        var request = SamplingRun(
            landscape: landscape, reference: loaded.reference, grid: grid, path: path, sampler: kind,
            particles: samples ?? 0, seed: common.seed, scoreError: scoreError)
        try configure(&request, kind: kind, grid: grid)
        let outcome = try request.run(progress: { done, total in Output.progress("\(kind.rawValue): step \(done)/\(total)") })
        Output.endProgress()
        if let output { try write(outcome, grid: grid, to: output) }
        if common.json {
            try Output.json(outcome.report)
            return
        }
        print(outcome.report, problem: loaded.name)
    }

    /// Fills in the method settings from the flags.
    private func configure(_ request: inout SamplingRun, kind sampler: SamplerKind, grid: UniformGrid) throws {
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
