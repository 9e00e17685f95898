import ArgumentParser
import Bridge
import Foundation

/// `adiabat translate PROBLEM`: parses a ``TranslateRequest``, asks the problem for it
/// (`Problem.translate`, which also writes `--output`) and prints the solution. Landscapes:
/// score → Hamiltonian or back (issue 3). Annealing problems: H(s) → the law ψ₀(s)² and its
/// concrete score, or a law on spins → its Score Hamiltonian (printed by
/// TranslateCommand+Spins.swift).

struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Score ⇄ Hamiltonian: landscapes on their grid, annealing Hamiltonians ⇄ concrete scores on spins.",
        discussion: """
            Landscapes: --to hamiltonian (the potential V_t on the grid) or --to score (p, log p, s \
            from the ground state); --round-trip reports max_abs_error on the bulk of the density \
            (p ≥ 1e-6 max p); see docs/translators.md. Annealing problems: --s s translates \
            H(s) = −A(s)Σσx + B(s)H_P (+ an XX catalyst) into the law ψ₀² and the concrete score \
            ψ₀(x⊕T)²/ψ₀(x)² (the default --to score); --round-trip rebuilds the Score Hamiltonian \
            and reports max_abs_error against H(s) − E₀. A non-stoquastic catalyst that no σz gauge \
            removes is refused (sign problem). --to hamiltonian with --beta, --law or --law-file \
            builds the Score Hamiltonian of that law on the spins; see docs/discrete.md. \
            --output writes the table (CSV, or JSON for a .json file name) atomically; --json \
            carries the table too (columns and rows). --to bqm --output FILE writes an annealing \
            problem's model as dimod BQM JSON (.json, its own labels), dimod COO (.coo, integer \
            labels) or qbsolv .qubo (docs/data-out.md).
            """)

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(
        name: .long,
        help: "What to translate to (required for landscapes; annealing default: score; bqm: the problem's model, with --output)."
    )
    var to: TranslateRequest.Target?

    @OptionGroup var point: PathPointOptions

    @Option(name: .long, help: "Write the table here (.csv or .json).")
    var output: String?

    @Flag(name: .long, help: "Translate there and back and report the difference.")
    var roundTrip = false

    /// A law on spins for `--to hamiltonian` on an annealing problem.
    @OptionGroup var law: SpinLawOptions

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if point.time != nil && point.annealFraction != nil {
            throw ValidationError("give --time (landscapes) or --s (annealing), not both")
        }
        if to == .score && law.isSet { throw ValidationError("--beta/--law/--law-file define a law: use --to hamiltonian") }
        if to == .hamiltonian && point.annealFraction != nil {
            throw ValidationError(
                "--s goes with --to score (H(s) → score); --to hamiltonian takes a law (--beta, --law or --law-file)")
        }
        do {
            try request.validate()
        } catch let e as InputError {
            throw ValidationError(e.describe(naming: ParameterFlags.flag(for:)))
        }
    }

    /// The library's request.
    var request: TranslateRequest {
        var request = TranslateRequest()
        request.to = to
        request.time = point.time
        request.s = point.annealFraction
        request.roundTrip = roundTrip
        request.law = law.request
        request.output = output
        request.includeTable = common.json
        request.maxWork = common.maxWork
        return request
    }

    func run() throws {
        let solution = try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype).translate(request)
        if common.json {
            try Output.json(solution)
            return
        }
        switch solution.result {
        case .bqm(let r):
            Output.line(
                "wrote     \(r.output) (\(r.variables) variables, \(r.interactions) interactions, \(r.vartype), offset \(r.offset))"
            )
        case .spins(let report): Self.print(report)
        case .grid(let report, _): Self.print(report)
        }
    }

    /// A landscape's or a score field's report in words.
    static func print(_ report: TranslationReport) {
        Output.line("problem   \(report.problem)  (\(report.grid))")
        Output.line(
            "translate \(report.to == "hamiltonian" ? "score → Hamiltonian" : "Hamiltonian → score") at t = \(report.time), \(report.nodes) nodes"
        )
        if let e0 = report.groundEnergy { Output.line("E0        \(e0)") }
        if let gap = report.gap { Output.line("gap       \(gap)") }
        if let continued = report.continuedNodes, continued > 0 {
            Output.line("tails     \(continued) nodes continued by the WKB law")
        }
        if let direction = report.roundTrip, let e = report.maxAbsError, let rms = report.rmsError, let n = report.comparedNodes {
            Output.line("round trip \(direction): max |error| = \(e), p-weighted RMS = \(rms) over \(n) nodes (p ≥ 1e-6 max p)")
        }
        if let output = report.output {
            Output.line("wrote     \(output) (columns: \(report.columns.joined(separator: ", ")))")
        } else {
            Output.line("columns   \(report.columns.joined(separator: ", ")) (give --output FILE to write the table)")
        }
    }
}

extension TranslateCommand: Exemplified {
    static let examples = [
        "adiabat translate double-well --to hamiltonian --round-trip",
        "adiabat translate sk10 --s 0.5 --round-trip",
        "adiabat translate double-well --to score --output score.csv",
    ]
}
