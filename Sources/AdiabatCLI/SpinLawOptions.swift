import ArgumentParser
import Bridge
import Foundation

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

    /// `--beta` (implies `--law boltzmann`) and `--flip-rate`, the rate of `--diffusion-time`'s flips.
    @OptionGroup var flipDiffusion: FlipDiffusionOptions

    var beta: Double? { flipDiffusion.beta }

    @Option(
        name: .customLong("law-file"),
        help: "A law given as a table: CSV with one weight per basis state (one column, or a column named p).")
    var lawFile: String?

    @Option(
        name: .customLong("diffusion-time"), parsing: .unconditional,
        help: "Diffuse the law by independent spin flips for time t first (p_t = p₀ ∗ k_t).")
    var diffusionTime: Double?

    @Option(name: .long, parsing: .unconditional, help: "Rate scale Γ of the Score Hamiltonian −ΓΣσx + diag(ΓΣ√ratio).")
    var gamma: Double = 1

    /// The library's request.
    var request: SpinLawRequest {
        var r = SpinLawRequest()
        r.beta = beta
        r.groundStates = law == .groundStates
        r.lawFile = lawFile
        r.diffusionTime = diffusionTime
        r.flipRate = flipDiffusion.flipRate
        r.gamma = gamma
        return r
    }

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
        let flipRate = flipDiffusion.flipRate
        guard flipRate.isFinite, flipRate > 0 else { throw ValidationError("--flip-rate must be positive (got \(flipRate))") }
        guard gamma.isFinite, gamma > 0 else { throw ValidationError("--gamma must be positive (got \(gamma))") }
    }
}
