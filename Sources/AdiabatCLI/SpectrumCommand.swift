import AdiabatCore
import ArgumentParser
import Bridge
import Foundation
import Problems
import Quantum

/// `adiabat spectrum PROBLEM`: the lowest levels and the gap of the Score Hamiltonian at one
/// diffusion time, or along the whole path; for annealing problems, of `H(s)` at one anneal
/// fraction `s` or along the path (`AnnealingSpectrumReport`, docs/annealing.md).
struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrum",
        abstract:
            "Lowest levels and gap of the Score Hamiltonian at diffusion time t (or of H(s) for annealing problems), or a gap profile over the path.",
        discussion: """
            Solvers: LAPACK's tridiagonal MRRR solver on 1-D and radial grids, LAPACK's band \
            solver for 1-D higher-order stencils, ARPACK's Lanczos (Chebyshev-accelerated) on 2-D \
            and 3-D grids. See docs/spectra.md. Annealing problems: ARPACK's Lanczos on the \
            matrix-free register (GSL's dense solver up to 256 states), both spin-flip sectors when \
            every hᵢ = 0; 'adiabatic_gap' is the gap above the levels that end in H_P's ground \
            space. See docs/annealing.md. With --beta, --law or --law-file: the Score Hamiltonian of             that law on the problem's spins (docs/discrete.md).
            """)

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @Option(name: .long, help: "Diffusion time t (landscape problems).")
    var time: Double?

    @Option(name: .customLong("s"), help: "Anneal fraction s (annealing problems).")
    var annealFraction: Double?

    @Option(name: .long, help: "How many of the lowest levels to compute.")
    var levels: Int = 4

    @Option(name: .long, help: "Angular-momentum channel l (radial problems such as hydrogen-1s).")
    var angularMomentum: Int?

    @Option(name: .long, help: "Also sample the whole path at N equally spaced times in [0, t_max].")
    var profile: Int?

    /// A law on spins (`--beta`, `--law`, `--law-file`): then the levels of its Score Hamiltonian
    /// −ΓΣσx + diag(ΓΣ√(p(xⁱ)/p(x))) on the problem's spins (SpinCommands.swift, docs/discrete.md).
    @OptionGroup var law: SpinLawOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if time != nil && annealFraction != nil { throw ValidationError("give --time (landscapes) or --s (annealing), not both") }
        if let time, !(time.isFinite && time >= 0) { throw ValidationError("--time must be a finite number ≥ 0") }
        if levels < 1 || levels > 1000 { throw ValidationError("--levels must be between 1 and 1000") }
        if let profile, profile < 2 || profile > 100_000 { throw ValidationError("--profile needs between 2 and 100000 points") }
        if profile != nil && levels < 2 { throw ValidationError("a gap profile needs --levels 2 or more") }
        if let l = angularMomentum, l < 0 || l > 1000 { throw ValidationError("--angular-momentum must be between 0 and 1000") }
        if law.isSet && (time != nil || annealFraction != nil || profile != nil) {
            throw ValidationError("--beta/--law/--law-file give a law on spins; drop --time, --s and --profile")
        }
    }

    func run() throws {
        if law.isSet {
            try SpinCommands.scoreSpectrum(problem: problem, law: law, levels: levels, json: common.json)
            return
        }
        let location = try ProblemLocator.locate(problem)
        if location.kind == .annealing {
            try runAnnealing(location)
            return
        }
        guard annealFraction == nil else {
            throw InputError("--s", "applies to annealing problems; \(location.name) is a landscape", hint: "use --time t")
        }
        let loaded = try LandscapeProblem.load(contentsOf: location.url, seed: common.seed)
        let report = try SpectrumReport.compute(
            problem: loaded, time: time ?? 0, levels: levels, angularMomentum: angularMomentum, profilePoints: profile,
            progress: { done, total in Output.progress("profile: \(done)/\(total) points") })
        Output.endProgress()
        if common.json {
            try Output.json(report)
            return
        }
        Output.line("problem   \(report.problem)  (\(report.grid))")
        Output.line("time      \(report.time)\(report.angularMomentum.map { "   channel l = \($0)" } ?? "")")
        Output.line(
            "solver    \(report.method), \(report.unknowns) unknowns\(report.filterDegree > 0 ? ", Chebyshev filter degree \(report.filterDegree)" : ""), \(String(format: "%.3f", report.seconds)) s"
        )
        var header = "level  energy"
        if report.exactEnergies != nil { header += "              exact" }
        if report.referenceEnergies != nil { header += "              reference          difference" }
        Output.line(header)
        for (k, e) in report.energies.enumerated() {
            var line = "\(String(k).padding(toLength: 5, withPad: " ", startingAt: 0))  \(Self.number(e))"
            if let exact = report.exactEnergies, k < exact.count { line += "  \(Self.number(exact[k]))" }
            if let reference = report.referenceEnergies, k < reference.count, let d = report.referenceDifferences {
                line += "  \(Self.number(reference[k]))  \(Self.number(d[k]))"
            }
            Output.line(line)
        }
        if let gap = report.gap { Output.line("gap    \(Self.number(gap))") }
        if let profile = report.profile, let minGap = report.minGap, let at = report.at {
            Output.line("")
            Output.line("time        E0                  E1                  gap")
            for p in profile {
                Output.line(
                    "\(String(format: "%-10.4f", p.time))  \(Self.number(p.energies[0]))  \(Self.number(p.energies[1]))  \(Self.number(p.gap))"
                )
            }
            Output.line("min gap \(Self.number(minGap)) at t = \(at)")
        }
    }

    /// The annealing branch: levels of `H(s)` and, with `--profile`, the gap along the path.
    func runAnnealing(_ location: ProblemLocation) throws {
        guard time == nil, angularMomentum == nil else {
            throw InputError(
                "--time", "applies to landscape problems; \(location.name) is an annealing problem", hint: "use --s s")
        }
        let s = annealFraction ?? 0.5
        guard s.isFinite, s >= 0, s <= 1 else { throw InputError("--s", "must lie in [0, 1] (got \(s))") }
        guard levels >= 2 else { throw InputError("--levels", "must be at least 2 for an annealing spectrum (got \(levels))") }
        // A [catalyst] section: the levels of the catalysed H(s) (SpinCommands.swift).
        if try SpinCommands.catalysedSpectrumIfNeeded(
            location: location, s: s, levels: levels, profile: profile, json: common.json)
        {
            return
        }
        let spec = try AnnealingSpec.load(location.url)
        let report = try AnnealingSpectrumReport.compute(
            hamiltonian: try spec.hamiltonian(), s: s, levels: levels, profile: profile)
        if common.json {
            try Output.json(report)
            return
        }
        Output.line("problem   \(spec.name) (\(report.qubits) qubits, symmetry: \(report.symmetry))")
        Output.line(
            "H_P       ground energy \(report.groundEnergy), \(report.groundStates) ground state\(report.groundStates == 1 ? "" : "s")"
        )
        Output.line("s = \(report.s): levels \(report.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
        Output.line("gap E₁ − E₀ = \(report.gap)\(report.adiabaticGap.map { ", adiabatic gap \($0)" } ?? "")")
        if let points = report.profile {
            Output.line("")
            Output.line("s          gap            adiabatic gap")
            for p in points {
                Output.line(
                    String(format: "%-10.5f %-14.8g ", p.s, p.gap) + (p.adiabaticGap.map { String(format: "%.8g", $0) } ?? "-"))
            }
            if let m = report.minGap, let at = report.at { Output.line("min gap \(m) at s = \(at)") }
            if let m = report.minAdiabaticGap, let at = report.adiabaticAt { Output.line("min adiabatic gap \(m) at s = \(at)") }
        }
    }

    static func number(_ x: Double) -> String { String(format: "% .10e", x).padding(toLength: 18, withPad: " ", startingAt: 0) }
}
