import ArgumentParser
import Bridge
import Foundation

/// `adiabat translate PROBLEM`: runs a translator and writes its table. Landscapes:
/// score → Hamiltonian or back (issue 3). Annealing problems: H(s) → the law ψ₀(s)² and its
/// concrete score, or a law on spins → its Score Hamiltonian (TranslateCommand+Spins.swift).
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

    enum Target: String, CaseIterable, ExpressibleByArgument {
        case hamiltonian
        case score
        case bqm
    }

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(
        name: .long,
        help: "What to translate to (required for landscapes; annealing default: score; bqm: the problem's model, with --output)."
    )
    var to: Target?

    @Option(name: .long, parsing: .unconditional, help: "Diffusion time t (landscape problems).")
    var time: Double?

    @Option(name: .customLong("s"), parsing: .unconditional, help: "Anneal fraction s in [0, 1] (annealing problems).")
    var annealFraction: Double?

    @Option(name: .long, help: "Write the table here (.csv or .json).")
    var output: String?

    @Flag(name: .long, help: "Translate there and back and report the difference.")
    var roundTrip = false

    /// A law on spins for `--to hamiltonian` on an annealing problem.
    @OptionGroup var law: SpinLawOptions

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if time != nil && annealFraction != nil { throw ValidationError("give --time (landscapes) or --s (annealing), not both") }
        if let time, !(time.isFinite && time >= 0) { throw ValidationError("--time must be a finite number ≥ 0") }
        if let s = annealFraction, !(s.isFinite && s >= 0 && s <= 1) {
            throw ValidationError("--s must lie in [0, 1] (got \(s))")
        }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if to == .score && law.isSet { throw ValidationError("--beta/--law/--law-file define a law: use --to hamiltonian") }
        if to == .hamiltonian && annealFraction != nil {
            throw ValidationError(
                "--s goes with --to score (H(s) → score); --to hamiltonian takes a law (--beta, --law or --law-file)")
        }
    }

    func run() throws {
        let loaded: LandscapeProblem
        switch try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype) {
        case .annealing(let spins) where to == .bqm:
            guard let output else {
                throw InputError("translate.output", "is required with --to bqm", hint: "give FILE.json, FILE.coo or FILE.qubo")
            }
            try ProblemFiles.write(spins.spec, to: output)
            let model = spins.spec.model
            let report = BQMReport(
                problem: spins.spec.name, to: "bqm", output: output, vartype: model.vartype.rawValue,
                variables: model.variableCount, interactions: model.quadratic.count, offset: model.offset,
                labels: model.labels)
            if common.json {
                try Output.json(report)
            } else {
                Output.line(
                    "wrote     \(output) (\(model.variableCount) variables, \(model.quadratic.count) interactions, \(model.vartype.rawValue), offset \(model.offset))"
                )
            }
            return
        case .annealing(let spins):
            guard time == nil else { throw InputError(spins.spec.file, "is an annealing problem; use --s (not --time)") }
            try Self.translate(
                spins, s: annealFraction, toHamiltonian: to == .hamiltonian, roundTrip: roundTrip, output: output,
                law: law,
                json: common.json)
            return
        case .landscape(let problem): loaded = problem
        case .scoreField(let field):
            guard annealFraction == nil, !law.isSet else {
                throw InputError(field.file.path, "is a score field; use --time (not --s or a law on spins)")
            }
            guard to == .hamiltonian else {
                throw InputError(
                    "--to", "\(to == nil ? "is required" : "is score, but '\(field.name)' is already a score field")",
                    hint: "--to hamiltonian gives V = ¼|S|² + ½∇·S; --round-trip compares S with the score of H_S's ground state")
            }
            var (report, table) = try ScoreFieldTranslation.run(problem: field, time: time, roundTrip: roundTrip)
            try finish(&report, table)
            return
        }
        guard annealFraction == nil, !law.isSet else {
            throw InputError(loaded.file.path, "is a landscape problem; use --time (not --s or a law on spins)")
        }
        guard let to else {
            throw InputError("--to", "is required for a landscape problem", hint: "--to hamiltonian or --to score")
        }
        if to == .bqm {
            throw InputError("translate.to", "bqm writes an annealing problem's model; \(loaded.name) is a landscape")
        }
        var (report, table) = try Translation.run(
            problem: loaded, to: Translation.Target(rawValue: to.rawValue) ?? .hamiltonian, time: time ?? 0, roundTrip: roundTrip,
            maxWork: common.maxWork)
        try finish(&report, table)
    }

    /// Writes `--output` and prints the report.
    private func finish(_ report: inout TranslationReport, _ table: TranslationTable) throws {
        var file: Data?
        if let output {
            file = output.lowercased().hasSuffix(".json") ? try table.json() : table.csv()
            report.output = output
        }
        if common.json { report.rows = table.rows }
        // Encoded before the file is written: a failing command writes nothing.
        let json = common.json ? try Output.encodeJSON(report) : nil
        if let output, let file { try Output.writeAtomically(file, to: output) }
        if let json {
            Output.emit(json)
            return
        }
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
        if let output {
            Output.line("wrote     \(output) (columns: \(report.columns.joined(separator: ", ")))")
        } else {
            Output.line("columns   \(report.columns.joined(separator: ", ")) (give --output FILE to write the table)")
        }
    }
}

/// JSON of `translate --to bqm`.
struct BQMReport: Encodable {
    var problem: String
    var to: String
    var output: String
    var vartype: String
    var variables: Int
    var interactions: Int
    var offset: Double
    var labels: [String]
}

extension TranslateCommand: Exemplified {
    static let examples = [
        "adiabat translate double-well --to hamiltonian --round-trip",
        "adiabat translate sk10 --s 0.5 --round-trip",
        "adiabat translate double-well --to score --output score.csv",
    ]
}
