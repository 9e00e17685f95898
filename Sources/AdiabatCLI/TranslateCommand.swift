import AdiabatCore
import ArgumentParser
import Foundation

/// `adiabat translate` (annealing branch; the landscape branch is merged in by the
/// integrator): Hamiltonian H(s) → concrete score and back, or a law on spins → its Score
/// Hamiltonian. The work is in `SpinCommands.translate`.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Hamiltonian → score (the law ψ₀(s)² and its concrete score) or law → Score Hamiltonian, with round trips.",
        discussion: """
            Annealing problems: --s s translates H(s) = −A(s)Σσx + B(s)H_P (+ an XX catalyst) into \
            the law ψ₀² and the concrete score ψ₀(x⊕T)²/ψ₀(x)²; --round-trip rebuilds the Score \
            Hamiltonian from the score and reports max_abs_error against H(s) − E₀. A non-stoquastic \
            catalyst that no σz gauge removes is refused (sign problem). --to hamiltonian with \
            --beta β or --law ground-states (and --diffusion-time t) builds the Score Hamiltonian of \
            that law. --output writes the table (CSV, or JSON for a .json name). See docs/discrete.md.
            """)

    enum Target: String, CaseIterable, ExpressibleByArgument {
        case hamiltonian
        case score
    }

    @Argument(help: "Problem file (.toml, .coo, .json, .qubo) or bundled problem name.")
    var problem: String

    @Option(name: .long, help: "What to translate to (annealing default: score).")
    var to: Target?

    @Option(name: .customLong("s"), help: "Anneal fraction s in [0, 1] (annealing problems).")
    var annealFraction: Double?

    @Option(name: .long, help: "Write the table here (.csv or .json).")
    var output: String?

    @Flag(name: .long, help: "Translate there and back and report max_abs_error.")
    var roundTrip = false

    @OptionGroup var law: SpinLawOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let s = annealFraction, !(s.isFinite && s >= 0 && s <= 1) { throw ValidationError("--s must lie in [0, 1] (got \(s))") }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if to == .score && law.isSet { throw ValidationError("--beta/--law/--diffusion-time define a law: use --to hamiltonian") }
        if to == .hamiltonian && annealFraction != nil {
            throw ValidationError("--s goes with --to score (H(s) → score); --to hamiltonian takes a law (--beta or --law)")
        }
    }

    func run() throws {
        try SpinCommands.translate(
            problem: problem, s: annealFraction, toHamiltonian: to == .hamiltonian, roundTrip: roundTrip, output: output, law: law,
            json: common.json)
    }
}
