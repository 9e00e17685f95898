import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// Hamiltonian → sampler at one point of an annealing path (docs/theory.md §4):
/// `H(s)` → positive ground state `ψ₀(s)` → law `p_s = ψ₀²` and concrete score
/// `(ψ₀(x⊕T)/ψ₀(x))²` → the flip chain with rates `|c_T| ψ₀(x⊕T)/ψ₀(x)` (`A(s)·√ratio` for
/// single flips), whose stationary law is `ψ₀²` and whose generator is `−(H̃ − E₀)` conjugated
/// by `diag(ψ̃₀)`.
public struct SpinTranslation: Sendable {
    public let s: Double
    /// The `s` where the path was evaluated (differs from `s` only where `A(s)` vanishes and
    /// a floor was requested).
    public let evaluatedAt: Double
    public let a: Double
    public let b: Double
    public let c: Double
    /// `H(s)` as translated.
    public let hamiltonian: SpinFlipHamiltonian
    public let groundState: PositiveGroundState
    public let score: ConcreteScore

    /// Translates `H(s)`.
    ///
    /// - Parameter driverFloor: if given, where `A(s)` is below it the path is evaluated at
    ///   the nearest `s` (towards `s = ½`) with `A = driverFloor` (see
    ///   ``CatalysedAnnealing/regularised(_:toward:floor:)``); nil refuses `A(s) = 0` with
    ///   the reason.
    /// - Throws: ``InputError`` for `s ∉ [0, 1]`, a sign problem (naming it) or a
    ///   disconnected register.
    public static func translate(
        _ problem: CatalysedAnnealing, at s: Double, driverFloor: Double? = nil,
        options: GroundStateOptions = GroundStateOptions()
    ) throws -> SpinTranslation {
        try Check.inUnitInterval(s, "--s")
        // The ground state's Lanczos workspace and the score tables: ~25 vectors.
        try QubitRegister.validate(qubits: problem.hamiltonian.qubits, vectors: 25, for: "translate")
        let at = driverFloor.map { problem.regularised(s, toward: 0.5, floor: $0) } ?? s
        let (a, b, c) = problem.coefficients(at: at)
        let h = try problem.operatorWith(a: a, b: b, c: c)
        let g = try h.positiveGroundState(context: "H(s = \(format(at)))", options: options)
        return SpinTranslation(
            s: s, evaluatedAt: at, a: a, b: b, c: c, hamiltonian: h, groundState: g, score: ConcreteScore(groundState: g))
    }

    /// The law `p_s = ψ₀(s)²`.
    public func law() throws -> SpinDistribution { try groundState.law() }

    /// The Score Hamiltonian of the concrete score with move weights `|c_T|` (in the
    /// stoquastic gauge): `−Σ|c_T|X_T + diag(Σ|c_T|√ratio)`.
    public func scoreHamiltonian() throws -> SpinScoreHamiltonian {
        try SpinScoreHamiltonian(score: score, weights: groundState.weights)
    }

    /// `H(s)` → concrete score → Score Hamiltonian, compared entry by entry with `H(s) − E₀`
    /// (after undoing the gauge): the round trip of docs/theory.md §4.
    public func roundTrip(problemGround: [Int]? = nil) throws -> SpinRoundTripReport {
        try report(roundTrip: true, problemGround: problemGround)
    }

    /// The translation's summary; with `roundTrip` also the round-trip errors.
    public func report(roundTrip: Bool, problemGround: [Int]? = nil) throws -> SpinRoundTripReport {
        let law = try self.law()
        var report = SpinRoundTripReport(
            qubits: hamiltonian.qubits, s: s, evaluatedAt: evaluatedAt, a: a, b: b, c: c, groundEnergy: groundState.energy,
            gap: groundState.gap, gauge: groundState.gauge.qubits, stoquasticAsWritten: hamiltonian.isStoquasticAsWritten,
            maxAbsError: nil, diagonalError: nil, offDiagonalError: nil, sweeps: groundState.sweeps,
            sector: groundState.sector.rawValue, problemGroundProbability: problemGround.map { law.probability(of: $0) },
            minimumProbability: law.logProbabilities.min().map { exp($0) } ?? 0, scale: hamiltonian.scale)
        guard roundTrip else { return report }
        let hs = try scoreHamiltonian().hamiltonian.gauged(groundState.gauge)  // back to the original frame
        let shift = groundState.energyShift
        let relative = groundState.relativeEnergy
        var diagonalError = 0.0
        for x in 0..<hs.dimension {
            // d(x) − E₀ = (d(x) − d_min) − E₀', the form that keeps E₀' exact
            let r = abs(hs.diagonal[x] - ((hamiltonian.diagonal[x] - shift) - relative))
            if !(r <= diagonalError) { diagonalError = r.isNaN ? .infinity : r }
        }
        var offDiagonalError = 0.0
        var original: [Int: Double] = [:]
        for t in hamiltonian.terms { original[t.mask] = t.coefficient }
        var seen = Set<Int>()
        for t in hs.terms {
            offDiagonalError = max(offDiagonalError, abs(t.coefficient - (original[t.mask] ?? 0)))
            seen.insert(t.mask)
        }
        for t in hamiltonian.terms where !seen.contains(t.mask) { offDiagonalError = max(offDiagonalError, abs(t.coefficient)) }
        report.maxAbsError = max(diagonalError, offDiagonalError)
        report.diagonalError = diagonalError
        report.offDiagonalError = offDiagonalError
        return report
    }
}

/// The result of `adiabat translate PROBLEM --s s --round-trip` on an annealing problem.
public struct SpinRoundTripReport: Sendable, Encodable, Equatable {
    public var qubits: Int
    public var s: Double
    public var evaluatedAt: Double
    public var a: Double
    public var b: Double
    public var c: Double
    /// `E₀(s)`.
    public var groundEnergy: Double
    /// `E₁ − E₀` when computed.
    public var gap: Double?
    /// Qubits whose `σz` the stoquastic gauge applies (empty: stoquastic as written).
    public var gauge: [Int]
    public var stoquasticAsWritten: Bool
    /// `max |(Score Hamiltonian) − (H(s) − E₀)|` over all matrix entries (round trip only).
    public var maxAbsError: Double?
    public var diagonalError: Double?
    public var offDiagonalError: Double?
    /// Refinement sweeps of the ground state.
    public var sweeps: Int
    public var sector: String
    /// `Σ_{x ∈ ground(H_P)} ψ₀(x)²`.
    public var problemGroundProbability: Double?
    /// `min_x ψ₀(x)²` (how far the law reaches).
    public var minimumProbability: Double
    /// `‖H(s)‖` bound used for tolerances.
    public var scale: Double
}

/// Which law on spins a problem defines, for Distribution → Hamiltonian.
public enum SpinLawSpecification: Sendable, Equatable {
    /// `p ∝ e^{−βE}` of the problem's Ising model.
    case boltzmann(beta: Double)
    /// Uniform on the ground states of `H_P` (not positive: only its diffused marginals
    /// have a Score Hamiltonian).
    case groundStates
    /// The discrete-diffusion marginal `p_t = p₀ ∗ k_t` of a base law under independent
    /// flips at rate `γ`.
    indirect case diffused(SpinLawSpecification, rate: Double, time: Double)

    /// The law for `model`.
    public func law(for model: IsingModel) throws -> SpinDistribution {
        switch self {
        case .boltzmann(let beta): return try .boltzmann(model, beta: beta)
        case .groundStates: return try .groundStates(of: model)
        case let .diffused(base, rate, time): return try base.law(for: model).diffused(rate: rate, time: time)
        }
    }

    public var description: String {
        switch self {
        case .boltzmann(let beta): return "boltzmann(β = \(format(beta)))"
        case .groundStates: return "ground-states"
        case let .diffused(base, rate, time): return "\(base.description) diffused (γ = \(format(rate)), t = \(format(time)))"
        }
    }
}

/// Distribution → Hamiltonian and back: law → Score Hamiltonian (4) → positive ground state →
/// law. The report carries the spectrum and the round-trip error of the amplitudes.
public struct SpinLawTranslationReport: Sendable, Encodable, Equatable {
    public var qubits: Int
    public var law: String
    public var gamma: Double
    public var spectrum: SpinScoreSpectrum
    /// `max_x |√p'(x) − √p(x)|` after law → Hamiltonian → ground state → law (round trip only).
    public var maxAbsError: Double?
    /// `E₀` found by the eigen-solver (0 in exact arithmetic; round trip only).
    public var groundEnergy: Double?

    /// Builds the Score Hamiltonian of `law` with rate `gamma`, its lowest `levels` levels,
    /// and (with `roundTrip`) the round trip of the amplitudes.
    public static func compute(law: SpinDistribution, name: String, gamma: Double, levels: Int = 4, roundTrip: Bool = true) throws
        -> SpinLawTranslationReport
    {
        let score = try SpinScoreHamiltonian(law: law, gamma: gamma)
        let spectrum = try score.spectrum(levels: levels)
        guard roundTrip else {
            return SpinLawTranslationReport(
                qubits: law.qubits, law: name, gamma: gamma, spectrum: spectrum, maxAbsError: nil, groundEnergy: nil)
        }
        let ground = try score.hamiltonian.positiveGroundState(context: "the Score Hamiltonian")
        var worst = 0.0
        for x in 0..<law.dimension {
            worst = max(worst, abs(exp(ground.logAmplitude[x]) - exp(0.5 * law.logProbabilities[x])))
        }
        return SpinLawTranslationReport(
            qubits: law.qubits, law: name, gamma: gamma, spectrum: spectrum, maxAbsError: worst, groundEnergy: ground.energy)
    }
}

/// `%.6g`.
func format(_ x: Double) -> String { String(format: "%.6g", x) }
