import ArgumentParser
import Bridge
import Foundation

/// `adiabat evolve`: real-time Schrödinger evolution along the problem's path.
struct EvolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Evolve i∂ψ/∂τ = H(u(τ/T))ψ along the path and report the adiabatic fidelity.",
        discussion: """
            Annealing problems (.coo, .json, .qubo, or TOML kind = "annealing") run \
            H(s) = −A(s)Σσx + B(s)H_P from the ground state of H(u(0)) (the uniform superposition \
            on the default path A = 1 − s, B = s). The split-operator methods (split4, the default; \
            yoshida4; split2) are exact in each factor and fastest; the GSL steppers (rk8pd, msadams, \
            …) integrate the same equation in real form. Implicit GSL steppers need a dense \
            Jacobian and are offered only for small registers. See docs/evolution.md.
            """)

    @Argument(help: "Problem file (.toml, .coo, .json, .qubo) or bundled problem name.")
    var problem: String

    @OptionGroup var anneal: TotalTimeOption

    @Option(name: .long, help: ScheduleOption.help)
    var schedule = ScheduleOption("problem")

    @OptionGroup var scheduleParameters: ScheduleParameterOptions

    @Option(
        name: .long,
        help:
            "Integrator (default split4; rk8pd on a path with a catalyst). \(EvolutionMethodRegistry.help)."
    )
    var method: EvolutionMethod?

    @Option(
        name: .long, parsing: .unconditional,
        help: "Relative local tolerance (default: 1e-7 of the state's 2-norm for split methods, 1e-8 per component for GSL).")
    var rtol: Double?

    @Option(
        name: .long, parsing: .unconditional, help: "Absolute local tolerance (default: 0 for split methods, 1e-10 for GSL).")
    var atol: Double?

    @Option(name: .long, parsing: .unconditional, help: "Fixed number of steps instead of adaptive steps.")
    var steps: Int?

    @Option(name: .long, parsing: .unconditional, help: "Record the trajectory at N + 1 equally spaced times.")
    var trajectory: Int = 0

    @Flag(
        name: .long, help: "With --trajectory: also the instantaneous ground-state fidelity and gap (a Lanczos solve per point).")
    var instantaneous = false

    @Option(
        name: .customLong("save-state"),
        help:
            "Write ψ(T) to FILE.npy (complex128; registers in tensor-product order, qubit 0 the most significant bit; grids with the grid's shape) and FILE.npy.json (docs/data-out.md)."
    )
    var saveState: String?

    @Option(
        name: .customLong("save-state-times"),
        help: "end: ψ(T) only (default); trajectory: ψ at the --trajectory times, shape (N+1, …).")
    var saveStateTimes: EvolveRequest.SaveStateTimes = .end

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    /// The request the flags make.
    func request() throws -> EvolveRequest {
        var request = EvolveRequest()
        request.totalTime = anneal.totalTime
        request.schedule = try schedule.request(order: scheduleParameters.order)
        request.method = method
        request.rtol = rtol
        request.atol = atol
        request.steps = steps
        request.trajectory = trajectory
        request.instantaneous = instantaneous
        request.saveState = saveState
        request.saveStateTimes = saveStateTimes
        request.maxWork = common.maxWork
        request.gapSamples = scheduleParameters.gapSamples
        request.progress = { event in
            switch event {
            case .estimate(_, let seconds, let summary): Output.announce(seconds: seconds, summary: summary)
            case .fraction(let f): Output.progress(String(format: "evolve: %.0f%%", 100 * f))
            }
        }
        return request
    }

    func run() throws {
        let solution = try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype).evolve(try request())
        Output.endProgress()
        if common.json {
            try Output.json(solution)
        } else {
            print(solution)
            if let saveState { Output.line("state written to \(saveState) (and \(saveState).json: basis order, times)") }
        }
        if !solution.succeeded { throw CommandFailure(message: "the evolution stopped early: \(solution.status)") }
    }

    private func print(_ solution: EvolveSolution) {
        switch solution {
        case .annealing(let name, let result):
            Output.line(
                "problem          \(name) (\(result.qubits) qubits, path \(result.path), schedule \(result.schedule))")
            Output.line("total time       \(result.totalTime)\(result.timeUnit.map { " " + $0 } ?? "")")
            if result.sector == "even" {
                Output.line(
                    "symmetry         all hᵢ = 0: evolved in the even spin-flip sector (2^\(result.qubits - 1) amplitudes)")
            }
            Output.line(methodLine(result.method, result.statistics))
            Output.line("fidelity         \(result.fidelity)")
            Output.line(
                "P(ground of H_P) \(result.groundStateProbability)  (\(result.groundStates) ground state\(result.groundStates == 1 ? "" : "s"), E₀ = \(result.groundEnergy))"
            )
            Output.line("⟨H_P⟩ at the end \(result.finalEnergy)")
            if let points = result.trajectory {
                Output.line("")
                Output.line("τ            s          ⟨H⟩            P(ground)     F(inst)       gap")
                for p in points {
                    let head = String(
                        format: "%-12.5g %-10.5f %-14.8g %-13.8f ", p.time, p.progress, p.energy, p.targetProbability)
                    let fidelity = p.instantaneousFidelity.map { String(format: "%.8f", $0) } ?? "-"
                    let gap = p.gap.map { String(format: "%.6g", $0) } ?? "-"
                    Output.line(head + fidelity.padding(toLength: 14, withPad: " ", startingAt: 0) + gap)
                }
            }
        case .catalysed(let name, let result):
            Output.line(
                "problem          \(name) (\(result.qubits) qubits, \(result.catalystTerms) XX catalyst terms, schedule \(result.schedule))"
            )
            Output.line("total time       \(result.totalTime)")
            Output.line(methodLine(result.method, result.statistics))
            Output.line("fidelity         \(result.fidelity)")
            Output.line("P(ground of H_P) \(result.groundStateProbability)")
            Output.line("⟨H_P⟩ at the end \(result.finalEnergy)")
        case .landscape(let name, let tMax, let schedule, let result):
            printGrid(
                result, problem: "\(name) (landscape, t_max = \(tMax), schedule \(schedule))", target: "√p₀", column: "F(√p₀)")
        case .scoreField(let name, let tMax, let tMin, let schedule, let target, let result):
            printGrid(
                result, problem: "\(name) (score field, t = \(tMax) → \(tMin), schedule \(schedule))", target: "√ of \(target)",
                column: "F(target)")
        }
        if !solution.succeeded { Output.line("status           \(solution.status)") }
    }

    /// The method and what the run cost.
    private func methodLine(_ method: EvolutionMethod, _ s: SolutionStatistics) -> String {
        "method           \(method): \(s.steps) steps, \(s.evaluations) evaluations, \(String(format: "%.3f", s.seconds)) s"
    }

    /// A grid evolution (landscape or score field): fidelity with `target`, and the trajectory
    /// with that fidelity in `column`.
    private func printGrid(_ result: GridEvolutionResult, problem: String, target: String, column: String) {
        Output.line("problem          \(problem)")
        Output.line("total time       \(result.totalTime)")
        Output.line(methodLine(result.method, result.statistics))
        Output.line("fidelity         \(result.fidelity.map { "\($0)" } ?? "-")  (with \(target))")
        if let points = result.trajectory {
            Output.line("")
            Output.line("τ            u          ⟨H⟩            \(column)")
            for p in points {
                Output.line(String(format: "%-12.5g %-10.5f %-14.8g %.8f", p.time, p.progress, p.energy, p.targetProbability))
            }
        }
    }
}

extension EvolveCommand: Exemplified {
    static let examples = [
        "adiabat evolve landau-zener",
        "adiabat evolve sk10 --total-time 20 --schedule roland-cerf",
        "adiabat evolve double-well --total-time 1 --trajectory 4",
    ]
}
