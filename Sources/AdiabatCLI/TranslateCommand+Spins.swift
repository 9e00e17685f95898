import ArgumentParser
import Bridge
import Foundation

// The annealing (spin) branches of `translate`, `sample`, `spectrum` and `evolve`: option
// groups and the functions the subcommands call. Numerics live in Bridge/Spins; this file
// only builds values from the library and prints them.

extension BetaScheduleKind: ExpressibleByArgument {}
extension ReverseFlipDiffusion.Prior: ExpressibleByArgument {}

/// The annealing (spin) branch of `translate`.
extension TranslateCommand {
    // MARK: translate

    /// `adiabat translate PROBLEM --s s [--to score] [--round-trip] [--output FILE]`, and
    /// `--to hamiltonian` with a law (`--beta`, `--law`, `--diffusion-time`).
    static func translate(
        _ loaded: SpinProblem, s: Double?, toHamiltonian: Bool, roundTrip: Bool, output: String?, law options: SpinLawOptions,
        json: Bool
    ) throws {
        if toHamiltonian || options.isSet {
            guard options.isSet else {
                throw InputError(
                    "--to hamiltonian", "needs a law on spins",
                    hint: "give --beta β (Boltzmann), --law ground-states with --diffusion-time t, or --law-file FILE")
            }
            try translateLaw(loaded, options: options, roundTrip: roundTrip, output: output, json: json)
            return
        }
        guard let s else {
            throw InputError("--s", "is required for an annealing problem (Hamiltonian H(s) → score)", hint: "e.g. --s 0.5")
        }
        let annealing = try loaded.annealing()
        let translation = try SpinTranslation.translate(annealing, at: s, options: GroundStateOptions(gap: true))
        let summary = try translation.report(roundTrip: roundTrip, problemGround: annealing.hamiltonian.problemGround.states)
        var report = SpinTranslateReport(problem: loaded.spec.name, to: "score", output: nil, translation: summary, law: nil)
        if let output {
            let moves = translation.score.moves
            let columns = ["state", "spins", "p"] + moves.map { "ratio_\(FlipTerm(mask: $0, coefficient: 0).label)" }
            let law = try translation.law()
            let table = (0..<law.dimension).map { x -> [String] in
                [String(x), spinString(x, qubits: law.qubits), number(law.probability(x))]
                    + moves.indices.map { number(translation.score.ratio(x, move: $0)) }
            }
            report.output = output
            // Encoded before the file is written: a failing command writes nothing.
            let encoded = json ? try Output.encodeJSON(report) : nil
            try write(table, columns: columns, to: output)
            if let encoded {
                Output.emit(encoded)
                return
            }
        }
        if json {
            try Output.json(report)
            return
        }
        let r = summary
        Output.line("problem   \(loaded.spec.name) (\(r.qubits) qubits)\(annealing.catalyst == nil ? "" : ", XX catalyst")")
        Output.line("H(s)      s = \(r.s): A = \(r.a), B = \(r.b)\(r.c != 0 ? ", C = \(r.c)" : "")")
        Output.line("E₀        \(r.groundEnergy)\(r.gap.map { ", gap \($0)" } ?? "")")
        Output.line(
            "gauge     \(r.gauge.isEmpty ? "none (stoquastic as written)" : "σz on qubits \(r.gauge.map(String.init).joined(separator: ", "))")"
        )
        if let pg = r.problemGroundProbability { Output.line("ψ₀²       puts \(pg) on the ground states of H_P") }
        if let e = r.maxAbsError {
            Output.line("round trip H(s) → score → Score Hamiltonian vs H(s) − E₀: max |error| = \(e)")
        }
        if let output { Output.line("wrote     \(output) (concrete score p(x⊕T)/p(x) per move)") }
    }

    static func translateLaw(_ loaded: SpinProblem, options: SpinLawOptions, roundTrip: Bool, output: String?, json: Bool) throws
    {
        let (law, name) = try options.request.law(for: loaded.spec.model.ising)
        let report = try SpinLawTranslationReport.compute(law: law, name: name, gamma: options.gamma, roundTrip: roundTrip)
        var out = SpinTranslateReport(problem: loaded.spec.name, to: "hamiltonian", output: nil, translation: nil, law: report)
        if let output {
            let score = try SpinScoreHamiltonian(law: law, gamma: options.gamma)
            let columns = ["state", "spins", "p", "V"]
            let table = (0..<law.dimension).map { x -> [String] in
                [String(x), spinString(x, qubits: law.qubits), number(law.probability(x)), number(score.potential[x])]
            }
            out.output = output
            // Encoded before the file is written: a failing command writes nothing.
            let encoded = json ? try Output.encodeJSON(out) : nil
            try write(table, columns: columns, to: output)
            if let encoded {
                Output.emit(encoded)
                return
            }
        }
        if json {
            try Output.json(out)
            return
        }
        Output.line("problem   \(loaded.spec.name) (\(report.qubits) qubits)")
        Output.line("law       \(report.law) → Score Hamiltonian, Γ = \(report.gamma)")
        Output.line("levels    \(report.spectrum.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
        Output.line("gap       \(report.spectrum.gap)")
        if let e = report.maxAbsError { Output.line("round trip law → H → ground state → law: max |Δ√p| = \(e)") }
        if let output { Output.line("wrote     \(output)") }
    }

    // MARK: helpers

    /// `+-+…` for spins z₀ z₁ … (bit set ↔ −).
    static func spinString(_ x: Int, qubits: Int) -> String {
        String((0..<qubits).map { (x >> $0) & 1 == 0 ? "+" : "-" })
    }

    static func number(_ x: Double) -> String { String(format: "%.17g", x) }

    /// Writes a table as CSV, or as JSON (`{"columns": […], "rows": [[…]]}`) for a `.json` name.
    static func write(_ rows: [[String]], columns: [String], to path: String) throws {
        let data: Data
        if path.lowercased().hasSuffix(".json") {
            let object: [String: Any] = [
                "columns": columns,
                "rows": rows.map { row in
                    row.enumerated().map { i, cell -> Any in
                        // numbers as numbers (non-finite ones, e.g. an overflowed ratio, stay text)
                        if i != 1, let v = Double(cell), v.isFinite { return v }
                        return cell
                    }
                },
            ]
            data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        } else {
            var text = columns.joined(separator: ",") + "\n"
            for row in rows { text += row.joined(separator: ",") + "\n" }
            data = Data(text.utf8)
        }
        try Output.writeAtomically(data, to: path)
    }
}

/// JSON of `translate` on an annealing problem.
struct SpinTranslateReport: Encodable {
    var problem: String
    var to: String
    var output: String?
    var translation: SpinRoundTripReport?
    var law: SpinLawTranslationReport?

    enum Keys: String, CodingKey { case problem, to, output, spectrum }

    func encode(to encoder: Encoder) throws {
        try translation?.encode(to: encoder)
        if let law {
            var c = encoder.container(keyedBy: LawKeys.self)
            try c.encode(law.qubits, forKey: .qubits)
            try c.encode(law.law, forKey: .law)
            try c.encode(law.gamma, forKey: .gamma)
            try c.encode(law.spectrum.energies, forKey: .energies)
            try c.encode(law.spectrum.gap, forKey: .gap)
            try c.encodeIfPresent(law.groundEnergy, forKey: .groundEnergy)
            try c.encodeIfPresent(law.maxAbsError, forKey: .maxAbsError)
        }
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(problem, forKey: .problem)
        try c.encode(to, forKey: .to)
        try c.encodeIfPresent(output, forKey: .output)
    }

    enum LawKeys: String, CodingKey {
        case qubits, law, gamma, energies, gap
        case groundEnergy = "ground_energy"
        case maxAbsError = "max_abs_error"
    }
}
