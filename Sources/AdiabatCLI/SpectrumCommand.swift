import ArgumentParser
import Bridge
import Foundation

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
            space. See docs/annealing.md. With --beta, --law or --law-file: the Score Hamiltonian of \
            that law on the problem's spins (docs/discrete.md).
            """)

    @Argument(help: "A problem file or the name of a bundled problem (see 'adiabat problems').")
    var problem: String

    @OptionGroup var point: PathPointOptions

    @Option(name: .long, parsing: .unconditional, help: "How many of the lowest levels to compute.")
    var levels: Int = 4

    @Option(
        name: .long, parsing: .unconditional,
        help: "Angular-momentum channel l (radial problems: hydrogen-1s, radial score fields).")
    var angularMomentum: Int?

    @Option(
        name: .long, parsing: .unconditional, help: "Also sample the whole path at N equally spaced times in [0, t_max].")
    var profile: Int?

    @Option(
        name: .long,
        help:
            "Write the eigenvectors of the --levels lowest levels to FILE.npy (float64; registers in tensor-product order, qubit 0 the most significant bit; grids with the grid's shape) and FILE.npy.json (docs/data-out.md)."
    )
    var eigenvectors: String?

    /// A law on spins (`--beta`, `--law`, `--law-file`): then the levels of its Score Hamiltonian
    /// −ΓΣσx + diag(ΓΣ√(p(xⁱ)/p(x))) on the problem's spins (SpinLawOptions.swift, docs/discrete.md).
    @OptionGroup var law: SpinLawOptions

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    /// The request the flags make.
    func request() -> SpectrumRequest {
        var request = SpectrumRequest()
        request.time = point.time
        request.s = point.annealFraction
        request.levels = levels
        request.angularMomentum = angularMomentum
        request.profile = profile
        request.law = law.request
        request.eigenvectors = eigenvectors
        request.maxWork = common.maxWork
        request.announce = { seconds, summary in Output.announce(seconds: seconds, summary: summary) }
        return request
    }

    func run() throws {
        let request = request()
        try request.validate()  // before the problem is read
        let solution = try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype).spectrum(
            request, progress: { done, total in Output.progress("profile: \(done)/\(total) points") })
        Output.endProgress()
        if common.json {
            try Output.json(solution)
            return
        }
        defer {
            if let eigenvectors {
                Output.line("eigenvectors written to \(eigenvectors) (and \(eigenvectors).json: basis order, energies)")
            }
        }
        switch solution {
        case .landscape(let report): print(report)
        case .scoreField(let report): print(report)
        case .annealing(let name, let report): print(report, name: name)
        case .catalysed(let name, let report): print(report, name: name)
        case .law(let name, let report):
            Output.line("problem   \(name) (\(report.qubits) qubits)")
            Output.line("law       \(report.law); Score Hamiltonian −ΓΣσx + diag(ΓΣ√(p(xⁱ)/p(x))), Γ = \(report.gamma)")
            Output.line("levels    \(report.spectrum.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
            Output.line("gap       \(report.spectrum.gap)  (the flip chain's relaxation rate)")
            Output.line(
                "check     ‖H√p‖∞ = \(report.spectrum.groundResidual), round trip max |Δ√p| = \(report.maxAbsError ?? .nan)")
        }
    }

    private func print(_ report: SpectrumReport) {
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

    private func print(_ report: ScoreFieldSpectrumReport) {
        Output.line("problem   \(report.problem)  (score field, \(report.grid))")
        Output.line(
            "time      \(report.time.map { "\($0)\(report.interpolated ? " (between two tables, interpolated linearly)" : "")" } ?? "(one table)")"
        )
        Output.line("solver    \(report.method), \(report.unknowns) unknowns, \(String(format: "%.3f", report.seconds)) s")
        if let l = report.angularMomentum {
            Output.line("channel   l = \(l) (levels and gap of this channel; λθ and √(2λθ/Δ) from channel 0)")
        }
        var header = "level  energy"
        if report.referenceEnergies != nil { header += "              reference density  difference" }
        Output.line(header)
        for (k, e) in report.energies.enumerated() {
            var line = "\(String(k).padding(toLength: 5, withPad: " ", startingAt: 0))  \(Self.number(e))"
            if let reference = report.referenceEnergies, k < reference.count, let d = report.referenceDifferences {
                line += "  \(Self.number(reference[k]))  \(Self.number(d[k]))"
            }
            Output.line(line)
        }
        if let gap = report.gap { Output.line("gap    \(Self.number(gap))") }
        Output.line("")
        Output.line("non-conservativity (docs/score-fields.md)")
        let error =
            report.lambdaThetaError.map {
                String(format: " ± %.2e (discretisation, from the 2h grid: E0 = %.6e)", $0, report.coarseGroundEnergy ?? .nan)
            } ?? ""
        Output.line("λθ = E0           \(String(format: "%.6e", report.lambdaTheta))\(error)")
        if let curl = report.curlRMS { Output.line("RMS |curl S|      \(String(format: "%.6e", curl))  (ψ0²-weighted)") }
        if let hodge = report.hodgeRemainder, let uniform = report.hodgeRemainderUniform {
            Output.line(
                "Hodge ‖r‖/‖S‖     \(String(format: "%.6e", hodge))  (in L²(ψ0²); on the box, uniform weight: \(String(format: "%.4e", uniform)))"
            )
        }
        if let note = report.note { Output.line("note: \(note)") }
        if let penalty = report.terminalPenalty {
            Output.line("√(2λθ/Δ)          \(String(format: "%.6e", penalty))  (terminal penalty)")
        }
        if let epsilon = report.scoreError {
            Output.line("score error ε     \(String(format: "%.6e", epsilon))  (p-weighted RMS of S − ∇log p, reference density)")
            if let floor = report.floor { Output.line("floor ε/√Δ        \(String(format: "%.6e", floor))  (docs/theory.md §7)") }
        }
        if let profile = report.profile, let minGap = report.minGap, let at = report.at {
            Output.line("")
            let withError = profile.contains { $0.scoreError != nil }
            let first = (report.angularMomentum ?? 0) > 0 ? "E0 (l = \(report.angularMomentum!))  " : "E0 = λθ           "
            Output.line(
                "time        \(first)  E1                  gap" + (withError ? "                 ε           ε/√Δ" : "")
            )
            for p in profile {
                var line =
                    "\(String(format: "%-10.4f", p.time))  \(Self.number(p.energies[0]))  \(Self.number(p.energies[1]))  \(Self.number(p.gap))"
                if let e = p.scoreError { line += String(format: "  %.4e  %.4e", e, p.floor ?? .nan) }
                Output.line(line)
            }
            Output.line("min gap \(Self.number(minGap)) at t = \(at)")
        }
    }

    private func print(_ report: AnnealingSpectrumReport, name: String) {
        Output.line("problem   \(name) (\(report.qubits) qubits, symmetry: \(report.symmetry))")
        Output.line(
            "H_P       ground energy \(report.groundEnergy), \(report.groundStates) ground state\(report.groundStates == 1 ? "" : "s")"
        )
        Output.line("s = \(report.s): levels \(report.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
        Output.line("gap E₁ − E₀ = \(report.gap)\(report.adiabaticGap.map { ", adiabatic gap \($0)" } ?? "")")
        if let note = report.note { Output.line("note: \(note)") }
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

    private func print(_ report: CatalysedSpectrumReport, name: String) {
        Output.line("problem   \(name) (\(report.qubits) qubits, \(report.catalystTerms) XX catalyst terms)")
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
    }

    static func number(_ x: Double) -> String { String(format: "% .10e", x).padding(toLength: 18, withPad: " ", startingAt: 0) }
}

extension SpectrumCommand: Exemplified {
    static let examples = [
        "adiabat spectrum coupled-oscillator",
        "adiabat spectrum sk10 --s 0.5 --profile 21",
        "adiabat spectrum maxcut6 --beta 1",
    ]
}
