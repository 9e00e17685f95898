import ArgumentParser
import Bridge
import Foundation

// The annealing (spin) printing of `translate` (the numerics are `Problem.translate`).

/// The annealing (spin) branch of `translate`: the report in words.
extension TranslateCommand {
    static func print(_ report: SpinTranslateReport) {
        if let r = report.translation {
            Output.line("problem   \(report.problem) (\(r.qubits) qubits)\(report.catalysed ? ", XX catalyst" : "")")
            Output.line("H(s)      s = \(r.s): A = \(r.a), B = \(r.b)\(r.c != 0 ? ", C = \(r.c)" : "")")
            Output.line("E₀        \(r.groundEnergy)\(r.gap.map { ", gap \($0)" } ?? "")")
            Output.line(
                "gauge     \(r.gauge.isEmpty ? "none (stoquastic as written)" : "σz on qubits \(r.gauge.map(String.init).joined(separator: ", "))")"
            )
            if let pg = r.problemGroundProbability { Output.line("ψ₀²       puts \(pg) on the ground states of H_P") }
            if let e = r.maxAbsError {
                Output.line("round trip H(s) → score → Score Hamiltonian vs H(s) − E₀: max |error| = \(e)")
            }
            if let output = report.output { Output.line("wrote     \(output) (concrete score p(x⊕T)/p(x) per move)") }
        }
        if let law = report.law {
            Output.line("problem   \(report.problem) (\(law.qubits) qubits)")
            Output.line("law       \(law.law) → Score Hamiltonian, Γ = \(law.gamma)")
            Output.line("levels    \(law.spectrum.energies.map { String(format: "%.10g", $0) }.joined(separator: "  "))")
            Output.line("gap       \(law.spectrum.gap)")
            if let e = law.maxAbsError { Output.line("round trip law → H → ground state → law: max |Δ√p| = \(e)") }
            if let output = report.output { Output.line("wrote     \(output)") }
        }
    }
}
