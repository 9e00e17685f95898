import AdiabatCore
import Foundation
import Problems
import Quantum

/// What `spectrum` asks of a problem: its lowest levels and gap at one point of its path, or a
/// gap profile along it; on an annealing problem with a law, the levels of that law's Score
/// Hamiltonian.
public struct SpectrumRequest: Sendable {
    /// Diffusion time `t` (`time`; landscapes, default 0).
    public var time: Double?
    /// Anneal fraction `s` (`s`; annealing problems, default 0.5, the middle of the path).
    public var s: Double?
    /// How many of the lowest levels (`levels`).
    public var levels = 4
    /// Angular-momentum channel `l` (`angular_momentum`; radial problems).
    public var angularMomentum: Int?
    /// Gap-profile points along the whole path (`profile`).
    public var profile: Int?
    /// A law on the spins (annealing problems).
    public var law = SpinLawRequest()

    public init() {}
}

/// The solution of ``Problem/spectrum(_:progress:)``.
public enum SpectrumSolution: Sendable, Encodable {
    case landscape(SpectrumReport)
    case annealing(problem: String, report: AnnealingSpectrumReport)
    case catalysed(problem: String, report: CatalysedSpectrumReport)
    /// The Score Hamiltonian of a law on the problem's spins.
    case law(problem: String, report: SpinLawTranslationReport)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .landscape(let r): try r.encode(to: encoder)
        case .annealing(_, let r): try r.encode(to: encoder)
        case .catalysed(_, let r): try r.encode(to: encoder)
        case .law(let problem, let report):
            var c = encoder.container(keyedBy: LawKeys.self)
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

    enum LawKeys: String, CodingKey {
        case problem, law, gamma, qubits, energies, gap, symmetry
        case groundResidual = "ground_residual"
        case maxAbsError = "max_abs_error"
        case hamiltonian
    }
}

extension Problem {
    /// The lowest levels and gap (docs/spectra.md, docs/annealing.md, docs/discrete.md).
    public func spectrum(_ request: SpectrumRequest, progress: (@Sendable (Int, Int) -> Void)? = nil) throws
        -> SpectrumSolution
    {
        switch self {
        case .landscape(let problem):
            if request.s != nil {
                throw InputError(
                    "spectrum.s", "applies to annealing problems; \(problem.name) is a landscape",
                    hint: "give a diffusion time instead")
            }
            if request.law.isSet {
                throw InputError("spectrum.law", "is a law on spins; \(problem.name) is a landscape")
            }
            return .landscape(
                try SpectrumReport.compute(
                    problem: problem, time: request.time ?? 0, levels: request.levels, angularMomentum: request.angularMomentum,
                    profilePoints: request.profile, progress: progress))
        case .annealing(let problem):
            if request.law.isSet {
                let (law, name) = try request.law.law(for: problem.spec.model.ising)
                let report = try SpinLawTranslationReport.compute(
                    law: law, name: name, gamma: request.law.gamma, levels: request.levels)
                return .law(problem: problem.spec.name, report: report)
            }
            guard request.time == nil, request.angularMomentum == nil else {
                throw InputError(
                    request.time != nil ? "spectrum.time" : "spectrum.angular_momentum",
                    "applies to landscape problems; \(problem.spec.name) is an annealing problem",
                    hint: "give an anneal fraction s instead")
            }
            let s = request.s ?? 0.5
            guard s.isFinite, s >= 0, s <= 1 else { throw InputError("spectrum.s", "must lie in [0, 1] (got \(s))") }
            guard request.levels >= 2 else {
                throw InputError("spectrum.levels", "must be at least 2 for an annealing spectrum (got \(request.levels))")
            }
            // Lanczos keeps ~40 real Krylov vectors plus the levels (half as many complex vectors).
            try QubitRegister.validate(
                qubits: problem.spec.model.labels.count, vectors: Double(request.levels + 40) / 2, for: "spectrum")
            if problem.catalyst != nil {
                return .catalysed(
                    problem: problem.spec.name,
                    report: try CatalysedSpectrumReport.compute(
                        try problem.annealing(), s: s, levels: request.levels, profile: request.profile))
            }
            return .annealing(
                problem: problem.spec.name,
                report: try AnnealingSpectrumReport.compute(
                    hamiltonian: try problem.spec.hamiltonian(), s: s, levels: request.levels, profile: request.profile))
        }
    }
}
