import AdiabatCore
import ArgumentParser
import Bridge
import Foundation
import Problems
import Quantum

extension EvolutionMethod: ExpressibleByArgument {}

/// `--schedule` choices: the problem file's own schedule, or one from the library.
enum ScheduleChoice: String, CaseIterable, ExpressibleByArgument {
    case problem
    case linear
    case cosine
    case boundaryCancelling = "boundary-cancelling"
    case rolandCerf = "roland-cerf"
}

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

    @Option(name: .long, help: "Total run time T (default: the problem's total_time, or its points schedule).")
    var totalTime: Double?

    @Option(name: .long, help: "Schedule s(τ/T): \(ScheduleChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var schedule: ScheduleChoice = .problem

    @Option(name: .long, help: "Order of the boundary-cancelling schedule (derivatives vanishing at both ends).")
    var order: Int = 2

    @Option(name: .long, help: "Integrator: \(EvolutionMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
    var method: EvolutionMethod = .split4

    @Option(
        name: .long,
        help: "Relative local tolerance (default: 1e-7 of the state's 2-norm for split methods, 1e-8 per component for GSL).")
    var rtol: Double?

    @Option(name: .long, help: "Absolute local tolerance (default: 0 for split methods, 1e-10 for GSL).")
    var atol: Double?

    @Option(name: .long, help: "Fixed number of steps instead of adaptive steps.")
    var steps: Int?

    @Option(name: .long, help: "Record the trajectory at N + 1 equally spaced times.")
    var trajectory: Int = 0

    @Flag(
        name: .long, help: "With --trajectory: also the instantaneous ground-state fidelity and gap (a Lanczos solve per point).")
    var instantaneous = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let t = totalTime, !(t.isFinite && t > 0) {
            throw ValidationError("--total-time must be a positive number (got \(t))")
        }
        let defaults = EvolutionOptions.recommended(for: method)
        let (r, a) = (rtol ?? defaults.rtol, atol ?? defaults.atol)
        guard r.isFinite, r >= 0, a.isFinite, a >= 0, r + a > 0 else {
            throw ValidationError("--rtol and --atol must be finite, non-negative and not both zero")
        }
        if let s = steps, s < 1 { throw ValidationError("--steps must be positive (got \(s))") }
        guard trajectory >= 0 else { throw ValidationError("--trajectory must be ≥ 0 (got \(trajectory))") }
        if instantaneous && trajectory == 0 {
            throw ValidationError("--instantaneous needs --trajectory N")
        }
        guard (0...12).contains(order) else { throw ValidationError("--order must be between 0 and 12 (got \(order))") }
    }

    func run() throws {
        let location = try ProblemLocator.locate(problem)
        if location.kind == .landscape {
            try runLandscape(location)
            return
        }
        // A [catalyst] section runs through the catalysed evolution (SpinCommands.swift).
        if try SpinCommands.evolveIfCatalysed(
            location: location, totalTime: totalTime, schedule: schedule, order: order, method: method, rtol: rtol, atol: atol,
            json: common.json)
        {
            return
        }
        let spec = try AnnealingSpec.load(location.url)
        let hamiltonian = try spec.hamiltonian()
        let shape: AnnealingScheduleSpec?
        switch schedule {
        case .problem: shape = nil
        case .linear: shape = .linear
        case .cosine: shape = .cosine
        case .boundaryCancelling: shape = .boundaryCancelling(order: order)
        case .rolandCerf: shape = .rolandCerf(samples: 41)
        }
        let run = try spec.problem(hamiltonian: hamiltonian, totalTime: totalTime, schedule: shape)
        var options = EvolutionOptions.recommended(for: method)
        options.rtol = rtol ?? options.rtol
        options.atol = atol ?? options.atol
        options.steps = steps
        options.trajectorySamples = trajectory
        options.trajectorySpectrum = instantaneous
        let result = try AnnealingEvolution.run(run, method: method, options: options)
        if common.json {
            try Output.json(EvolveReport(problem: spec.name, result: result))
        } else {
            Output.line(
                "problem          \(spec.name) (\(result.qubits) qubits, path \(result.path), schedule \(result.schedule))")
            Output.line("total time       \(result.totalTime)\(result.timeUnit.map { " " + $0 } ?? "")")
            if result.sector == "even" {
                Output.line("symmetry         all hᵢ = 0: evolved in the even spin-flip sector (2^\(result.qubits - 1) amplitudes)")
            }
            Output.line(
                "method           \(result.method.rawValue): \(result.statistics.steps) steps, \(result.statistics.evaluations) evaluations, \(String(format: "%.3f", result.statistics.seconds)) s"
            )
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
            if !result.succeeded { Output.line("status           \(result.status)") }
        }
        if !result.succeeded {
            throw CommandFailure(message: "the evolution stopped early: \(result.status)")
        }
    }
}

extension EvolveCommand {
    /// A landscape problem: the Score-Hamiltonian path from `t_max` to 0, fidelity with `√p₀`.
    func runLandscape(_ location: ProblemLocation) throws {
        let loaded = try LandscapeProblem.load(contentsOf: location.url, seed: common.seed)
        let path = try LandscapePath(problem: loaded)
        guard let T = totalTime else {
            throw InputError("--total-time", "is required for a landscape problem", hint: "pass --total-time T")
        }
        let shape: Schedule
        switch schedule {
        case .problem, .linear: shape = .linear
        case .cosine: shape = .cosine
        case .boundaryCancelling: shape = try .boundaryCancelling(order: order)
        case .rolandCerf: shape = try LandscapeEvolution.rolandCerf(path: path)
        }
        var options = EvolutionOptions.recommended(for: method)
        options.rtol = rtol ?? options.rtol
        options.atol = atol ?? options.atol
        options.steps = steps
        options.trajectorySamples = trajectory
        if instantaneous {
            throw InputError("--instantaneous", "is available for annealing problems only")
        }
        let result = try LandscapeEvolution.run(path: path, schedule: shape, totalTime: T, method: method, options: options)
        if common.json {
            try Output.json(LandscapeEvolveReport(problem: loaded.name, tMax: path.tMax, schedule: shape.name, result: result))
        } else {
            Output.line("problem          \(loaded.name) (landscape, t_max = \(path.tMax), schedule \(shape.name))")
            Output.line("total time       \(T)")
            Output.line(
                "method           \(result.method.rawValue): \(result.statistics.steps) steps, \(result.statistics.evaluations) evaluations, \(String(format: "%.3f", result.statistics.seconds)) s"
            )
            Output.line("fidelity         \(result.fidelity.map { "\($0)" } ?? "-")  (with √p₀)")
            if let points = result.trajectory {
                Output.line("")
                Output.line("τ            u          ⟨H⟩            F(√p₀)")
                for p in points {
                    Output.line(String(format: "%-12.5g %-10.5f %-14.8g %.8f", p.time, p.progress, p.energy, p.targetProbability))
                }
            }
            if !result.succeeded { Output.line("status           \(result.status)") }
        }
        if !result.succeeded { throw CommandFailure(message: "the evolution stopped early: \(result.status)") }
    }
}

/// The JSON object of `adiabat evolve` on a landscape.
struct LandscapeEvolveReport: Encodable {
    var problem: String
    var tMax: Double
    var schedule: String
    var result: GridEvolutionResult

    enum CodingKeys: String, CodingKey {
        case problem, schedule
        case tMax = "t_max"
    }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problem, forKey: .problem)
        try c.encode(tMax, forKey: .tMax)
        try c.encode(schedule, forKey: .schedule)
    }
}

/// The JSON object of `adiabat evolve` (the result plus the problem's name).
struct EvolveReport: Encodable {
    var problem: String
    var result: AnnealingEvolutionResult

    enum CodingKeys: String, CodingKey { case problem }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problem, forKey: .problem)
    }
}
