import AdiabatCore
import ArgumentParser
import Bridge
import Diffusion
import Foundation
import Problems

extension SamplerKind: ExpressibleByArgument {}
extension FokkerPlanckMethod: ExpressibleByArgument {}

/// `adiabat sample PROBLEM --sampler NAME --steps N --samples M`: diffusion-side sampling
/// along the problem's path, measured against p₀.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract:
            "Run a reverse-diffusion sampler (or its Fokker–Planck law) on a landscape problem and measure TV and fidelity to p₀.",
        discussion: """
            Particle samplers start from the prior at t_max (OU: N(0, I)) and walk the path \
            t_k = t_max(1 − u(k/N)) with exact scores (plus ε·δ with --score-error). TV and \
            fidelity come from a histogram with automatic (Freedman–Diaconis) binning, with \
            delta-method standard errors and the noise floor of exact samples; 1-D runs add W₁, \
            2-D runs the energy distance. --sampler fokker-planck evolves the reverse SDE's law \
            on the problem's grid (no sampling noise; tv_stderr = 0). The cosine schedule puts \
            small steps near t = 0, where narrow data makes the score stiff. See docs/diffusion.md.
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

    @Argument(help: "A landscape problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "The sampler.")
    var sampler: SamplerKind

    @Option(name: .long, help: "Path steps N (levels for annealed Langevin).")
    var steps: Int

    @Option(name: .long, help: "Number of samples M (particle samplers).")
    var samples: Int?

    @Option(name: .long, help: ScheduleOption.help)
    var schedule = ScheduleOption("linear")

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

    @Option(name: .long, help: "Diffusion time at the noise end (default: the problem's t_max).")
    var tMax: Double?

    @Option(name: .long, help: "RMS score error ε injected as ε·δ/‖δ‖ under p_t (default 0).")
    var scoreError: Double = 0

    @Option(name: .long, help: "Write the samples (or, for fokker-planck, the density on the grid) to this CSV file.")
    var output: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
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
            case .annealedLangevin: allowed = []
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

    func run() throws {
        let location = try ProblemLocator.locate(problem)
        guard location.kind == .landscape else {
            throw CommandFailure(
                message:
                    "'\(location.name)' is an annealing problem; 'sample' runs the diffusion samplers on landscape problems (flip-chain samplers for spins are not in this build)",
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
        let shape = try ScheduleLibrary(context: .landscape(landscapePath)).schedule(try schedule.request(order: order))
        let path = try DiffusionPath(process: loaded.process, tMax: horizon, schedule: shape, steps: steps)
        var request = SamplingRun(
            landscape: landscape, reference: loaded.reference, grid: grid, path: path, sampler: sampler,
            particles: samples ?? 0, seed: common.seed, scoreError: scoreError)
        try configure(&request, grid: grid)
        let outcome = try request.run(progress: { done, total in Output.progress("\(sampler.rawValue): step \(done)/\(total)") })
        Output.endProgress()
        if let output { try write(outcome, grid: grid, to: output) }
        if common.json {
            try Output.json(outcome.report)
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
