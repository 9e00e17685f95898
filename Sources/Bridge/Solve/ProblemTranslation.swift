import AdiabatCore
import Foundation
import Problems

/// What `translate` asks of a problem (docs/translators.md, docs/discrete.md):
/// - a landscape: `to` hamiltonian (the potential `V_t` on the grid) or score (`p`, `log p`, `s`
///   from the ground state) at diffusion time `time`;
/// - a score field: `to` hamiltonian at `time`;
/// - an annealing problem: H(s) → the law `ψ₀(s)²` and its concrete score at `s` (`to` score,
///   the default), a law on its spins → its Score Hamiltonian (`to` hamiltonian with ``law``),
///   or its model as a BQM file (`to` bqm with ``output``).
public struct TranslateRequest: Sendable {
    public enum Target: String, Sendable, CaseIterable, Codable {
        case hamiltonian
        case score
        case bqm
    }

    /// What to translate to (`to`; required for landscapes, default score on annealing problems).
    public var to: Target?
    /// Diffusion time `t` (`time`; landscapes and score fields).
    public var time: Double?
    /// Anneal fraction `s` (`s`; annealing problems).
    public var s: Double?
    /// Translate there and back and report the difference (`round_trip`).
    public var roundTrip = false
    /// A law on an annealing problem's spins (`to` hamiltonian).
    public var law = SpinLawRequest()
    /// Where the table (or, with `to` bqm, the model) is written (`output`): CSV, or JSON for a
    /// `.json` name; atomically, and only once the solution is complete.
    public var output: String?
    /// Whether the solution's JSON carries the table itself (columns and rows).
    public var includeTable = false
    /// The work budget (`run.max_work`); nil: the default.
    public var maxWork: Double?

    public init() {}

    /// Checks the request's own values, before any problem is read.
    public func validate() throws {
        if let time, !(time.isFinite && time >= 0) {
            throw InputError("translate.time", "must be a finite number ≥ 0 (got \(time))")
        }
        if let s, !(s.isFinite && s >= 0 && s <= 1) { throw InputError("translate.s", "must lie in [0, 1] (got \(s))") }
        if let output, output.isEmpty { throw InputError("translate.output", "needs a file name") }
    }
}

/// The solution of ``Problem/translate(_:)``: the translator's report (and its table), how the
/// run ended and what it took.
public struct TranslateSolution: Solution, Encodable {
    public enum Result: Sendable {
        /// A landscape or a score field: the report and the nodal table.
        case grid(TranslationReport, TranslationTable)
        /// An annealing problem: H(s) → score, or a law → Score Hamiltonian.
        case spins(SpinTranslateReport)
        /// An annealing problem's model written as a BQM file.
        case bqm(BQMReport)
    }

    public var result: Result
    /// Translations are direct (no stepping): `success` whenever a solution is returned.
    public var status: SolutionStatus = .success
    /// The wall time of the translation in `seconds` (no steps or evaluations to count).
    public var statistics = SolutionStatistics()

    enum CodingKeys: String, CodingKey { case status, seconds }

    public func encode(to encoder: Encoder) throws {
        switch result {
        case .grid(let report, _): try report.encode(to: encoder)
        case .spins(let report): try report.encode(to: encoder)
        case .bqm(let report): try report.encode(to: encoder)
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(status, forKey: .status)
        try c.encode(statistics.seconds, forKey: .seconds)
    }
}

/// JSON of `translate --to bqm`.
public struct BQMReport: Sendable, Encodable {
    public var problem: String
    public var to: String
    public var output: String
    public var vartype: String
    public var variables: Int
    public var interactions: Int
    public var offset: Double
    public var labels: [String]
}

/// `translate` on an annealing problem: H(s) → score (``translation``) or a law → Score
/// Hamiltonian (``law``), and the table when asked for.
public struct SpinTranslateReport: Sendable, Encodable {
    public var problem: String
    public var to: String
    public var output: String?
    public var translation: SpinRoundTripReport?
    public var law: SpinLawTranslationReport?
    /// Whether the path carries an XX catalyst.
    public var catalysed = false
    /// The table (columns, and rows of `%.17g` numbers and spin strings); in the JSON only when
    /// the request asked for it.
    public var table: SpinTable?

    public struct SpinTable: Sendable {
        public var columns: [String]
        public var rows: [[String]]
    }

    enum Keys: String, CodingKey { case problem, to, output, spectrum, columns, rows }

    public func encode(to encoder: Encoder) throws {
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
        if let table {
            try c.encode(table.columns, forKey: .columns)
            let rows = table.rows.map { row in
                row.enumerated().map { i, cell -> SettingValue in
                    if i != 1, let v = Double(cell), v.isFinite { return .number(v) }
                    return .text(cell)
                }
            }
            try c.encode(rows, forKey: .rows)
        }
    }

    enum LawKeys: String, CodingKey {
        case qubits, law, gamma, energies, gap
        case groundEnergy = "ground_energy"
        case maxAbsError = "max_abs_error"
    }
}

extension SpinTranslateReport.SpinTable {
    /// CSV, or JSON (`{"columns": […], "rows": [[…]]}`, numbers as numbers; a non-finite one,
    /// e.g. an overflowed ratio, stays text) for a `.json` name.
    func data(for path: String) throws -> Data {
        guard path.lowercased().hasSuffix(".json") else {
            var text = columns.joined(separator: ",") + "\n"
            for row in rows { text += row.joined(separator: ",") + "\n" }
            return Data(text.utf8)
        }
        let object: [String: Any] = [
            "columns": columns,
            "rows": rows.map { row in
                row.enumerated().map { i, cell -> Any in
                    if i != 1, let v = Double(cell), v.isFinite { return v }
                    return cell
                }
            },
        ]
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}

extension Problem {
    /// Score ⇄ Hamiltonian on the problem (docs/translators.md, docs/discrete.md). With
    /// `output` the table (or the model) is written once the solution is complete and known to
    /// encode as JSON: a failing translation writes nothing.
    public func translate(_ request: TranslateRequest) throws -> TranslateSolution {
        let clock = ContinuousClock()
        let start = clock.now
        try request.validate()
        let (result, file) = try translateUnwritten(request)
        var solution = TranslateSolution(result: result)
        solution.statistics.seconds = (clock.now - start).inSeconds
        if let file, let output = request.output {
            // A result that cannot be encoded fails before any file is touched.
            try Self.checkEncodable(solution)
            try DataFile.write(file, to: output, parameter: "translate.output")
        }
        return solution
    }

    static func checkEncodable(_ solution: TranslateSolution) throws {
        do {
            _ = try JSONEncoder().encode(solution)
        } catch {
            throw InputError(
                "translate.output", "the result contains a non-finite number and cannot be written as JSON (\(error))")
        }
    }

    /// The solution and the bytes of its output file (nil without `output`, and for `bqm`,
    /// which is written here).
    func translateUnwritten(_ request: TranslateRequest) throws -> (TranslateSolution.Result, Data?) {
        switch self {
        case .annealing(let spins) where request.to == .bqm:
            guard let output = request.output else {
                throw InputError("translate.output", "is required with --to bqm", hint: "give FILE.json, FILE.coo or FILE.qubo")
            }
            try ProblemFiles.write(spins.spec, to: output)
            let model = spins.spec.model
            return (
                .bqm(
                    BQMReport(
                        problem: spins.spec.name, to: "bqm", output: output, vartype: model.vartype.rawValue,
                        variables: model.variableCount, interactions: model.quadratic.count, offset: model.offset,
                        labels: model.labels)), nil
            )
        case .annealing(let spins):
            guard request.time == nil else {
                throw InputError(spins.spec.file, "is an annealing problem; use --s (not --time)")
            }
            var report: SpinTranslateReport
            if request.to == .hamiltonian || request.law.isSet {
                report = try Self.translateLaw(spins, request)
            } else {
                report = try Self.translateHamiltonian(spins, request)
            }
            report.output = request.output
            let file = try request.output.map { try report.table?.data(for: $0) ?? Data() }
            if !request.includeTable { report.table = nil }
            return (.spins(report), file)
        case .landscape(let problem):
            guard request.s == nil, !request.law.isSet else {
                throw InputError(problem.file.path, "is a landscape problem; use --time (not --s or a law on spins)")
            }
            guard let to = request.to else {
                throw InputError("translate.to", "is required for a landscape problem", hint: "--to hamiltonian or --to score")
            }
            guard let target = Translation.Target(rawValue: to.rawValue) else {
                throw InputError("translate.to", "bqm writes an annealing problem's model; \(problem.name) is a landscape")
            }
            let (report, table) = try Translation.run(
                problem: problem, to: target, time: request.time ?? 0, roundTrip: request.roundTrip,
                maxWork: request.maxWork)
            return try Self.grid(report, table, request)
        case .scoreField(let field):
            guard request.s == nil, !request.law.isSet else {
                throw InputError(field.file.path, "is a score field; use --time (not --s or a law on spins)")
            }
            guard request.to == .hamiltonian else {
                throw InputError(
                    "translate.to",
                    "\(request.to == nil ? "is required" : "is \(request.to!.rawValue), but '\(field.name)' is already a score field")",
                    hint: "--to hamiltonian gives V = ¼|S|² + ½∇·S; --round-trip compares S with the score of H_S's ground state")
            }
            let (report, table) = try ScoreFieldTranslation.run(
                problem: field, time: request.time, roundTrip: request.roundTrip)
            return try Self.grid(report, table, request)
        }
    }

    /// A grid translation with its output (CSV, or JSON for a `.json` name) and, when asked
    /// for, its rows in the report.
    static func grid(_ report: TranslationReport, _ table: TranslationTable, _ request: TranslateRequest) throws
        -> (TranslateSolution.Result, Data?)
    {
        var report = report
        var file: Data?
        if let output = request.output {
            file = output.lowercased().hasSuffix(".json") ? try table.json() : table.csv()
            report.output = output
        }
        if request.includeTable { report.rows = table.rows }
        return (.grid(report, table), file)
    }

    /// H(s) → the law ψ₀(s)² and its concrete score ψ₀(x⊕T)²/ψ₀(x)² (docs/discrete.md).
    static func translateHamiltonian(_ loaded: SpinProblem, _ request: TranslateRequest) throws -> SpinTranslateReport {
        guard let s = request.s else {
            throw InputError(
                "translate.s", "is required for an annealing problem (Hamiltonian H(s) → score)", hint: "e.g. --s 0.5")
        }
        let annealing = try loaded.annealing()
        let translation = try SpinTranslation.translate(annealing, at: s, options: GroundStateOptions(gap: true))
        let summary = try translation.report(
            roundTrip: request.roundTrip, problemGround: annealing.hamiltonian.problemGround.states)
        var report = SpinTranslateReport(
            problem: loaded.spec.name, to: "score", output: nil, translation: summary, law: nil,
            catalysed: annealing.catalyst != nil)
        if request.output != nil || request.includeTable {
            let moves = translation.score.moves
            let columns =
                ["state", "spins", "p"]
                + moves.map { "ratio_\(FlipTerm(mask: $0, coefficient: 0).label(with: loaded.spec.model.labels))" }
            let law = try translation.law()
            let rows = (0..<law.dimension).map { x -> [String] in
                [String(x), spinString(x, qubits: law.qubits), number(law.probability(x))]
                    + moves.indices.map { number(translation.score.ratio(x, move: $0)) }
            }
            report.table = .init(columns: columns, rows: rows)
        }
        return report
    }

    /// A law on the problem's spins → its Score Hamiltonian (docs/discrete.md).
    static func translateLaw(_ loaded: SpinProblem, _ request: TranslateRequest) throws -> SpinTranslateReport {
        guard request.law.isSet else {
            throw InputError(
                "translate.to", "hamiltonian needs a law on spins",
                hint: "give --beta β (Boltzmann), --law ground-states with --diffusion-time t, or --law-file FILE")
        }
        let (law, name) = try request.law.law(for: loaded.spec.model.ising)
        let gamma = request.law.gamma
        let summary = try SpinLawTranslationReport.compute(law: law, name: name, gamma: gamma, roundTrip: request.roundTrip)
        var report = SpinTranslateReport(
            problem: loaded.spec.name, to: "hamiltonian", output: nil, translation: nil, law: summary)
        if request.output != nil || request.includeTable {
            let score = try SpinScoreHamiltonian(law: law, gamma: gamma)
            let rows = (0..<law.dimension).map { x -> [String] in
                [String(x), spinString(x, qubits: law.qubits), number(law.probability(x)), number(score.potential[x])]
            }
            report.table = .init(columns: ["state", "spins", "p", "V"], rows: rows)
        }
        return report
    }

    /// `+-+…` for spins z₀ z₁ … (bit set ↔ −).
    static func spinString(_ x: Int, qubits: Int) -> String {
        String((0..<qubits).map { (x >> $0) & 1 == 0 ? "+" : "-" })
    }

    static func number(_ x: Double) -> String { String(format: "%.17g", x) }
}
