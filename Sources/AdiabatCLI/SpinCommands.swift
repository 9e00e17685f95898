import AdiabatCore
import ArgumentParser
import Bridge
import Foundation
import GSLKit
import Problems
import Quantum

// The annealing (spin) branches of `translate`, `sample`, `spectrum` and `evolve`: option
// groups and the functions the subcommands call. Numerics live in Bridge/Spins; this file
// only builds values from the library and prints them.

/// Which law on spins defines a Score Hamiltonian (`spectrum`, `translate --to hamiltonian`).
enum SpinLawChoice: String, CaseIterable, ExpressibleByArgument {
    case boltzmann
    case groundStates = "ground-states"
}

/// Options that select a law on spins from an annealing problem.
struct SpinLawOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "Law on spins whose Score Hamiltonian to build: \(SpinLawChoice.allCases.map(\.rawValue).joined(separator: ", ")) (boltzmann needs --beta)."
    )
    var law: SpinLawChoice?

    @Option(name: .long, help: "Inverse temperature β of the Boltzmann law p ∝ e^{−βE} (implies --law boltzmann).")
    var beta: Double?

    @Option(
        name: .customLong("law-file"),
        help: "A law given as a table: CSV with one weight per basis state (one column, or a column named p).")
    var lawFile: String?

    @Option(
        name: .customLong("diffusion-time"), help: "Diffuse the law by independent spin flips for time t first (p_t = p₀ ∗ k_t).")
    var diffusionTime: Double?

    @Option(name: .customLong("flip-rate"), help: "Flip rate γ of the discrete diffusion.")
    var flipRate: Double = 1

    @Option(name: .long, help: "Rate scale Γ of the Score Hamiltonian −ΓΣσx + diag(ΓΣ√ratio).")
    var gamma: Double = 1

    /// Whether any law option was given (then `spectrum`/`translate` build a Score Hamiltonian).
    var isSet: Bool { law != nil || beta != nil || diffusionTime != nil || lawFile != nil }

    func validate() throws {
        if let b = beta, !(b.isFinite && b >= 0) { throw ValidationError("--beta must be a finite number ≥ 0 (got \(b))") }
        if law == .groundStates && beta != nil { throw ValidationError("--beta goes with --law boltzmann, not ground-states") }
        if law == .boltzmann && beta == nil { throw ValidationError("--law boltzmann needs --beta β") }
        if lawFile != nil && (law != nil || beta != nil) {
            throw ValidationError("--law-file gives the law itself; drop --law/--beta")
        }
        if let t = diffusionTime, !(t.isFinite && t >= 0) {
            throw ValidationError("--diffusion-time must be finite and ≥ 0 (got \(t))")
        }
        guard flipRate.isFinite, flipRate > 0 else { throw ValidationError("--flip-rate must be positive (got \(flipRate))") }
        guard gamma.isFinite, gamma > 0 else { throw ValidationError("--gamma must be positive (got \(gamma))") }
    }

    func specification() -> SpinLawSpecification {
        let base: SpinLawSpecification = beta.map { .boltzmann(beta: $0) } ?? .groundStates
        guard let t = diffusionTime, t > 0 else { return base }
        return .diffused(base, rate: flipRate, time: t)
    }

    /// The law for `model` (from `--law-file`, or the specification) and its description.
    func law(for model: IsingModel) throws -> (SpinDistribution, String) {
        if let lawFile {
            var law = try SpinDistribution.load(csv: URL(fileURLWithPath: lawFile))
            var name = "table \(lawFile)"
            if let t = diffusionTime, t > 0 {
                law = try law.diffused(rate: flipRate, time: t)
                name += " diffused (γ = \(flipRate), t = \(t))"
            }
            return (law, name)
        }
        let spec = specification()
        return (try spec.law(for: model), spec.description)
    }
}

/// Samplers on spins.
enum SpinSamplerChoice: String, CaseIterable, ExpressibleByArgument {
    case flipChain = "flip-chain"
    case reverseFlip = "reverse-flip"
    case simulatedAnnealing = "simulated-annealing"
}

extension BetaScheduleKind: ExpressibleByArgument {}
extension ReverseFlipDiffusion.Prior: ExpressibleByArgument {}

enum SpinCommands {
    /// Loads an annealing PROBLEM (with its optional catalyst).
    static func load(_ problem: String) throws -> (location: ProblemLocation, problem: SpinProblem) {
        let location = try ProblemLocator.locate(problem)
        guard location.kind == .annealing else {
            throw InputError(
                location.url.path, "is a landscape problem; the spin translators and samplers need an annealing problem")
        }
        return (location, try SpinProblem.load(location.url))
    }

    /// A schedule of the shared library (docs/schedules.md) for an annealing method (evolve,
    /// flip chain): `flip:NAME` carries a flip-diffusion schedule onto the annealing path;
    /// `anneal:` is refused (it goes the other way).
    static func annealingSchedule(_ request: ScheduleRequest, spec: AnnealingSpec, hamiltonian: AnnealingHamiltonian) throws
        -> Schedule
    {
        if request.direction == .toDiffusion {
            throw InputError(
                "--schedule",
                "\(request) carries an annealing schedule to the flip diffusion; this method runs on the annealing path",
                hint: "drop the anneal: prefix (or use it with --sampler reverse-flip)")
        }
        return try ScheduleLibrary(context: .annealing(spec, hamiltonian)).schedule(request)
    }

    // MARK: spectrum

    /// `adiabat spectrum PROBLEM --beta β | --law ground-states [--diffusion-time t]`: the
    /// levels of the Score Hamiltonian (4) of a law on the problem's spins.
    static func scoreSpectrum(problem: String, law options: SpinLawOptions, levels: Int, json: Bool) throws {
        let (_, loaded) = try load(problem)
        let (law, name) = try options.law(for: loaded.spec.model.ising)
        let report = try SpinLawTranslationReport.compute(law: law, name: name, gamma: options.gamma, levels: levels)
        if json {
            try Output.json(SpinScoreSpectrumReport(problem: loaded.spec.name, report: report))
            return
        }
        Output.line("problem   \(loaded.spec.name) (\(report.qubits) qubits)")
        Output.line("law       \(report.law); Score Hamiltonian −ΓΣσx + diag(ΓΣ√(p(xⁱ)/p(x))), Γ = \(report.gamma)")
        Output.line("levels    \(report.spectrum.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
        Output.line("gap       \(report.spectrum.gap)  (the flip chain's relaxation rate)")
        Output.line("check     ‖H√p‖∞ = \(report.spectrum.groundResidual), round trip max |Δ√p| = \(report.maxAbsError ?? .nan)")
    }

    // MARK: translate

    /// `adiabat translate PROBLEM --s s [--to score] [--round-trip] [--output FILE]`, and
    /// `--to hamiltonian` with a law (`--beta`, `--law`, `--diffusion-time`).
    static func translate(
        problem: String, s: Double?, toHamiltonian: Bool, roundTrip: Bool, output: String?, law options: SpinLawOptions,
        json: Bool
    ) throws {
        let (_, loaded) = try load(problem)
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
        let (law, name) = try options.law(for: loaded.spec.model.ising)
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

    // MARK: sample

    struct SampleSettings {
        var sampler: SpinSamplerChoice
        var samples: Int
        var steps: Int?
        var sweeps: Int?
        var totalTime: Double?
        /// nil: the problem's own schedule.
        var schedule: ScheduleRequest?
        var beta: Double?
        var flipRate: Double
        var maximumTime: Double?
        var prior: ReverseFlipDiffusion.Prior
        var betaSchedule: BetaScheduleKind
        var betaRange: (Double, Double)?
        var seed: UInt64
    }

    /// `adiabat sample PROBLEM --sampler flip-chain|reverse-flip|simulated-annealing`.
    static func sample(problem: String, settings o: SampleSettings, json: Bool) throws {
        let (_, loaded) = try load(problem)
        let result: SpinSampleResult
        switch o.sampler {
        case .flipChain:
            let annealing = try loaded.annealing()
            let run = try loaded.spec.problem(
                hamiltonian: annealing.hamiltonian, totalTime: o.totalTime, schedule: nil)
            let schedule =
                try o.schedule.map { try Self.annealingSchedule($0, spec: loaded.spec, hamiltonian: annealing.hamiltonian) }
                ?? run.schedule
            let start = try run.initialSpins.map { try annealing.hamiltonian.model.state(of: $0) }
            let chain = try FlipChainAnnealingProblem(
                annealing: annealing, schedule: schedule, totalTime: run.totalTime, initialState: start)
            result = try AnnealedFlipChain.run(
                chain, options: AnnealedFlipChainOptions(samples: o.samples, cells: o.steps ?? 100, seed: o.seed))
        case .reverseFlip:
            let model = loaded.spec.model.ising
            let h = try loaded.spec.hamiltonian()
            let target: SpinDistribution = try o.beta.map { try .boltzmann(model, beta: $0) } ?? .groundStates(of: model)
            // The diffusion's own schedule: flip:NAME is NAME on the flip diffusion; anneal:NAME an
            // annealing schedule carried over; a plain name is read as u with t = t_max(1 − u).
            var request = o.schedule ?? ScheduleRequest(.problem)
            if request.direction == .toAnnealing { request.direction = nil }
            let library = try ScheduleLibrary(
                context: .annealing(loaded.spec, h), flipRate: o.flipRate, flipTMax: o.maximumTime, flipBeta: o.beta)
            let schedule = try library.schedule(request)
            // Default t_max: the uniform law is within TV (n/2)e^{−2γt} ≤ 1e-4 of p_tmax (or the
            // noise end of a diffusion schedule that ends first).
            let tMax = library.diffusionHorizon(for: request.name?.noiseSchedule).tMax
            let diffusion = try ReverseFlipDiffusion(
                target: target, rate: o.flipRate, maximumTime: tMax, schedule: schedule, prior: o.prior)
            result = try ReverseFlipChain.run(
                diffusion, options: ReverseFlipChainOptions(samples: o.samples, cells: o.steps ?? 100, seed: o.seed),
                energies: h.register.diagonal, groundStates: h.problemGround.states, groundEnergy: h.problemGround.energy)
        case .simulatedAnnealing:
            let options = SimulatedAnnealingOptions(
                samples: o.samples, sweeps: o.sweeps ?? 1000, schedule: o.betaSchedule,
                betaRange: o.betaRange.map { (hot: $0.0, cold: $0.1) },
                seed: o.seed)
            result = try SimulatedAnnealing.run(loaded.spec.model.ising, options: options)
        }
        if json {
            try Output.json(SpinSampleReport(problem: loaded.spec.name, result: result))
            return
        }
        Output.line("problem    \(loaded.spec.name) (\(result.qubits) qubits), sampler \(result.sampler)")
        for key in result.settings.keys.sorted() {
            Output.line("  \(key.padding(toLength: 22, withPad: " ", startingAt: 0)) \(result.settings[key] ?? "")")
        }
        Output.line("samples    \(result.samples)")
        Output.line(
            "P(ground)  \(result.groundStateProbability) ± \(result.groundStateStderr)  (E₀ = \(result.groundEnergy.map { "\($0)" } ?? "?")\(result.groundEnergyExact ? "" : ", best found"))"
        )
        if let p = result.targetGroundStateProbability { Output.line("  target   \(p) (exact law)") }
        if let tv = result.targetTotalVariation {
            Output.line("TV(target) \(tv) (histogram vs the exact target, includes sampling noise)")
        }
        Output.line("⟨E⟩        \(result.meanEnergy), min \(result.minimumEnergy)")
        if let rate = result.sweepsPerSecond { Output.line("speed      \(String(format: "%.4g", rate)) sweeps/s") }
        Output.line("time       \(String(format: "%.3f", result.statistics.seconds)) s")
    }

    // MARK: evolve with a catalyst

    /// Runs `adiabat evolve` on a problem with a `[catalyst]` section (GSL steppers; the
    /// split-operator methods fall back to rk8pd). Returns false when the problem has no
    /// catalyst, so the annealing branch runs as before.
    static func evolveIfCatalysed(
        location: ProblemLocation, totalTime: Double?, schedule request: ScheduleRequest, method: EvolutionMethod,
        rtol: Double?,
        atol: Double?, json: Bool
    ) throws -> Bool {
        guard location.url.pathExtension.lowercased() == "toml" else { return false }
        let loaded = try SpinProblem.load(location.url)
        guard loaded.catalyst != nil else { return false }
        let annealing = try loaded.annealing()
        let run = try loaded.spec.problem(hamiltonian: annealing.hamiltonian, totalTime: totalTime, schedule: nil)
        let schedule =
            request.name == .problem && request.direction == nil
            ? run.schedule : try Self.annealingSchedule(request, spec: loaded.spec, hamiltonian: annealing.hamiltonian)
        let ode = method.odeMethod ?? .rk8pd
        // the GSL family's default tolerances (per component)
        let defaults = EvolutionOptions.recommended(for: EvolutionMethod(rawValue: ode.rawValue) ?? .rk8pd)
        let result = try CatalysedEvolution.run(
            try CatalysedAnnealingRun(annealing: annealing, schedule: schedule, totalTime: run.totalTime), method: ode,
            rtol: rtol ?? defaults.rtol, atol: atol ?? defaults.atol)
        if json {
            try Output.json(CatalysedEvolveReport(problem: loaded.spec.name, result: result))
        } else {
            Output.line(
                "problem          \(loaded.spec.name) (\(result.qubits) qubits, \(result.catalystTerms) XX catalyst terms, schedule \(result.schedule))"
            )
            Output.line("total time       \(result.totalTime)")
            Output.line(
                "method           \(result.method): \(result.steps) steps, \(result.evaluations) evaluations, \(String(format: "%.3f", result.seconds)) s"
            )
            Output.line("fidelity         \(result.fidelity)")
            Output.line("P(ground of H_P) \(result.groundStateProbability)")
            Output.line("⟨H_P⟩ at the end \(result.finalEnergy)")
        }
        if result.status != "success" { throw CommandFailure(message: "the evolution stopped early: \(result.status)") }
        return true
    }

    // MARK: problems and spectrum on catalysed problems

    /// `adiabat problems`: the annealing reader refuses a `[catalyst]` section (so code that
    /// does not know catalysts fails loudly); fill in such entries from the catalysed reader.
    static func catalogEntry(_ entry: ProblemSummary) -> ProblemSummary {
        guard entry.kind == ProblemKind.annealing.rawValue, entry.file.lowercased().hasSuffix(".toml"),
            entry.summary.hasPrefix("unreadable"),
            let loaded = try? SpinProblem.load(URL(fileURLWithPath: entry.file)), let catalyst = loaded.catalyst
        else { return entry }
        var e = entry
        e.qubits = loaded.spec.model.variableCount
        e.summary = (loaded.spec.summary ?? loaded.spec.name) + " (\(catalyst.couplings.count) XX catalyst terms)"
        return e
    }

    /// `adiabat spectrum PROBLEM --s s` on a problem with a `[catalyst]`: the levels of the
    /// catalysed `H(s)`. Returns false when the problem has no catalyst.
    static func catalysedSpectrumIfNeeded(location: ProblemLocation, s: Double, levels: Int, profile: Int?, json: Bool) throws
        -> Bool
    {
        guard location.url.pathExtension.lowercased() == "toml" else { return false }
        let loaded = try SpinProblem.load(location.url)
        guard loaded.catalyst != nil else { return false }
        let report = try CatalysedSpectrumReport.compute(try loaded.annealing(), s: s, levels: levels, profile: profile)
        if json {
            try Output.json(report)
            return true
        }
        Output.line("problem   \(loaded.spec.name) (\(report.qubits) qubits, \(report.catalystTerms) XX catalyst terms)")
        Output.line("s = \(report.s): levels \(report.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
        Output.line("gap E₁ − E₀ = \(report.gap)")
        let gauge = report.gauge ?? []
        let verdict =
            !report.stoquastic
            ? "in no σz gauge (sign problem)"
            : gauge.isEmpty ? "as written" : "in the σz gauge on qubits \(gauge.map(String.init).joined(separator: ", "))"
        Output.line("stoquastic \(verdict)")
        if let points = report.profile {
            Output.line("")
            Output.line("s          gap            stoquastic")
            for p in points { Output.line(String(format: "%-10.5f %-14.8g ", p.s, p.gap) + (p.stoquastic ? "yes" : "no")) }
            if let m = report.minGap, let at = report.at { Output.line("min gap \(m) at s = \(at)") }
        }
        return true
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

/// JSON of `spectrum` with a law: the spectrum's keys at the top level (`energies`, `gap`).
struct SpinScoreSpectrumReport: Encodable {
    var problem: String
    var report: SpinLawTranslationReport

    enum CodingKeys: String, CodingKey {
        case problem, law, gamma, qubits, energies, gap, symmetry
        case groundResidual = "ground_residual"
        case maxAbsError = "max_abs_error"
        case hamiltonian
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problem, forKey: .problem)
        try c.encode(report.law, forKey: .law)
        try c.encode(report.gamma, forKey: .gamma)
        try c.encode(report.qubits, forKey: .qubits)
        try c.encode(report.spectrum.energies, forKey: .energies)
        try c.encode(report.spectrum.gap, forKey: .gap)
        try c.encode(report.spectrum.symmetry, forKey: .symmetry)
        try c.encode(report.spectrum.groundResidual, forKey: .groundResidual)
        try c.encodeIfPresent(report.maxAbsError, forKey: .maxAbsError)
        try c.encode("score", forKey: .hamiltonian)
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

/// JSON of `sample` on an annealing problem.
struct SpinSampleReport: Encodable {
    var problem: String
    var result: SpinSampleResult

    enum CodingKeys: String, CodingKey { case problem }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problem, forKey: .problem)
    }
}

/// JSON of `evolve` on a catalysed problem.
struct CatalysedEvolveReport: Encodable {
    var problem: String
    var result: CatalysedEvolutionResult

    enum CodingKeys: String, CodingKey { case problem }

    func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(problem, forKey: .problem)
    }
}
