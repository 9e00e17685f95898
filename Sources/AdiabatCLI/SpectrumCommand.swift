import AdiabatCore
import ArgumentParser
import Foundation
import Problems
import Quantum

/// `adiabat spectrum` (annealing branch): the lowest levels of `H(s)` and, with
/// `--profile N`, the gap along the whole path. The landscape branch lives with the
/// landscape subcommands; both share this file name and are merged by the integrator.
struct SpectrumCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spectrum",
        abstract: "Lowest levels of H(s) = −A(s)Σσx + B(s)H_P, and the gap profile along the path.",
        discussion: """
            Levels come from ARPACK's Lanczos method on the matrix-free register (GSL's dense \
            solver for at most 256 states). With all fields hᵢ = 0 the global spin flip is a \
            symmetry; both sectors are solved and merged, and 'adiabatic_gap' is the gap above the \
            levels that end in H_P's ground space within the sector the evolution stays in.
            """)

    @Argument(help: "Problem file (.toml, .coo, .json, .qubo) or bundled problem name.")
    var problem: String

    @Option(name: .long, help: "Anneal fraction s in [0, 1].")
    var s: Double = 0.5

    @Option(name: .long, help: "Number of levels (at least 2).")
    var levels: Int = 4

    @Option(name: .long, help: "Sample the whole path at N equally spaced s.")
    var profile: Int?

    /// A law on spins (`--beta`, `--law`, `--diffusion-time`): then the levels of its Score
    /// Hamiltonian instead of H(s) (SpinCommands.swift).
    @OptionGroup var law: SpinLawOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard s.isFinite, s >= 0, s <= 1 else { throw ValidationError("--s must lie in [0, 1] (got \(s))") }
        guard levels >= 2 else { throw ValidationError("--levels must be at least 2 (got \(levels))") }
        if let p = profile, p < 2 { throw ValidationError("--profile needs at least 2 points (got \(p))") }
    }

    func run() throws {
        if law.isSet {
            try SpinCommands.scoreSpectrum(problem: problem, law: law, levels: levels, json: common.json)
            return
        }
        let location = try ProblemLocator.locate(problem)
        guard location.kind == .annealing else {
            throw InputError(location.url.path, "is a landscape problem; this build's 'spectrum' handles annealing problems")
        }
        let spec = try AnnealingSpec.load(location.url)
        let report = try AnnealingSpectrumReport.compute(hamiltonian: try spec.hamiltonian(), s: s, levels: levels, profile: profile)
        if common.json {
            try Output.json(report)
            return
        }
        Output.line("problem   \(spec.name) (\(report.qubits) qubits, symmetry: \(report.symmetry))")
        Output.line("H_P       ground energy \(report.groundEnergy), \(report.groundStates) ground state\(report.groundStates == 1 ? "" : "s")")
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
}
