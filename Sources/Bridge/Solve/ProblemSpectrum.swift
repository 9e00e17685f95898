import AdiabatCore
import Foundation
import GSLKit
import Problems
import Quantum
import Reports

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
    /// Write the eigenvectors of the `levels` lowest levels to this `.npy` file
    /// (`eigenvectors`; docs/data-out.md): `(levels, 2ⁿ)` float64 on registers (tensor-product
    /// order, qubit 0 the most significant bit), `(levels, *grid.points)` on grids.
    public var eigenvectors: String?
    /// The work budget (`run.max_work`, in ``AdiabatCore/WorkBudget`` units); nil: the default.
    public var maxWork: Double?
    /// Called before a run estimated at more than 5 s starts: (seconds, how the estimate came about).
    public var announce: (@Sendable (Double, String) -> Void)?

    public init() {}

    /// The checks that need no problem: ranges, and options that exclude each other.
    public func validate() throws {
        if time != nil && s != nil {
            throw InputError(
                "spectrum.time", "cannot be given with spectrum.s", hint: "give time (landscapes) or s (annealing)")
        }
        if let time { try Check.nonNegative(time, "spectrum.time") }
        _ = try Checked.count(levels, "spectrum.levels", in: 1...1000)
        if let profile {
            _ = try Checked.count(profile, "spectrum.profile", in: 2...100_000)
            guard levels >= 2 else { throw InputError("spectrum.levels", "must be at least 2 for a gap profile (got \(levels))") }
        }
        if let angularMomentum { _ = try Checked.count(angularMomentum, "spectrum.angular_momentum", in: 0...1000) }
        if law.isSet && (time != nil || s != nil || profile != nil) {
            throw InputError(
                "spectrum.law", "gives a law on the spins, whose spectrum has no time, s or profile",
                hint: "drop time, s and profile")
        }
    }

    /// Refuses `estimate` beyond the budget (naming `--profile` for a profile, `--levels`
    /// otherwise) and announces a long run.
    func checkWork(_ estimate: SpectrumWorkEstimate, problem: String) throws {
        let parameter = profile != nil ? "spectrum.profile" : "spectrum.levels"
        try estimate.check(
            maxWork: maxWork,
            what: profile.map { "the gap profile of \(problem) at \($0) points" } ?? "the spectrum of \(problem)",
            parameter: parameter, reduce: profile != nil ? "spectrum.profile or spectrum.levels" : "spectrum.levels")
        if estimate.seconds > 5 { announce?(estimate.seconds, estimate.summary) }
    }
}

/// The solution of ``Problem/spectrum(_:progress:)``.
public enum SpectrumSolution: Sendable, Encodable {
    case landscape(SpectrumReport)
    case annealing(problem: String, report: AnnealingSpectrumReport)
    case catalysed(problem: String, report: CatalysedSpectrumReport)
    /// The Score Hamiltonian of a law on the problem's spins.
    case law(problem: String, report: SpinLawTranslationReport)
    /// The Score Hamiltonian of a tabulated vector field and its non-conservativity report.
    case scoreField(ScoreFieldSpectrumReport)

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .landscape(let r): try r.encode(to: encoder)
        case .scoreField(let r): try r.encode(to: encoder)
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
        try request.validate()
        guard let file = request.eigenvectors else { return try spectrumOnly(request, progress: progress) }
        let parameter = "spectrum.eigenvectors"
        try DataFile.check(file, parameter: parameter, suffixes: StateFiles.suffixes)
        if request.law.isSet { throw InputError(parameter, "is available for the problem's own Hamiltonian, not a law") }
        switch self {
        case .annealing(let p):
            if p.catalyst != nil { throw InputError(parameter, "is not available on a catalysed path") }
            let n = p.spec.model.variableCount
            try DataFile.checkSize(
                request.levels * (8 << n), parameter: parameter, what: "\(request.levels) eigenvectors of \(n) qubits")
        case .landscape(let p):
            guard case .grid(let grid, _) = p.discretisation else {
                throw InputError(parameter, "'\(p.name)' is on a radial grid; eigenvectors are saved on uniform grids only")
            }
            try DataFile.checkSize(
                request.levels * 8 * grid.count, parameter: parameter,
                what: "\(request.levels) eigenvectors on \(grid.count) grid nodes")
        case .scoreField(let p):
            if p.field.radial {
                throw InputError(parameter, "'\(p.name)' is a radial field; eigenvectors are saved on uniform grids only")
            }
            let grid = p.field.grid
            try DataFile.checkSize(
                request.levels * 8 * grid.count, parameter: parameter,
                what: "\(request.levels) eigenvectors on \(grid.count) grid nodes")
        }
        let solution = try spectrumOnly(request, progress: progress)
        switch self {
        case .annealing(let p):
            let h = try p.spec.hamiltonian()
            let s = request.s ?? 0.5
            let (a, b) = h.path.coefficients(at: s)
            let system = try h.levels(a: a, b: b, count: request.levels, sector: .full, vectors: true)
            let n = h.qubits
            let dim = 1 << n
            let vectors = system.vectors ?? []
            var flat: [Double] = []
            for k in 0..<system.values.count {
                flat += StateFiles.fileOrder(Array(vectors[(k * dim)..<((k + 1) * dim)]), qubits: n, components: 1)
            }
            let shape = [system.values.count, dim]
            let companion: [String: Any] = [
                "format": "adiabat eigenvectors", "array": ["dtype": "float64", "shape": shape, "rows": "levels"],
                "basis": StateFiles.registerBasis(labels: p.spec.model.labels, textLabels: p.spec.model.textLabels),
                "problem": p.spec.name, "s": s,
                "a": a, "b": b, "energies": system.values,
                "hamiltonian": "H = -a sum_i sigma_x^i + b H_P (docs/annealing.md)",
            ]
            try DataFile.writeArray(NPYWriter.float64(flat, shape: shape), companion: companion, to: file, parameter: parameter)
        case .landscape(let p):
            guard case .grid(let grid, _) = p.discretisation else { break }
            let time = request.time ?? 0
            let spectrum = try LandscapePath(problem: p).spectrum(atTime: time, levels: request.levels, vectors: true)
            let states = spectrum.states ?? []
            let count = states.count / max(grid.count, 1)
            let companion = GridFiles.companion(
                grid, format: "adiabat eigenvectors on a grid", dtype: "float64", leading: [count],
                extra: ["problem": p.name, "time": time, "energies": Array(spectrum.energies.prefix(count))])
            try DataFile.writeArray(
                NPYWriter.float64(states, shape: [count] + grid.points), companion: companion, to: file, parameter: parameter)
        case .scoreField(let p):
            let grid = p.field.grid
            // The same time as the report: the given one, or the first table.
            let time = request.time ?? p.field.times?.first
            let score = try p.field.score(atTime: request.time, field: "spectrum.time")
            let spectrum = try ScoreFieldSpectrumReport.levels(score, grid: grid, levels: request.levels, vectors: true)
            let states = spectrum.states ?? []
            let count = states.count / max(grid.count, 1)
            var extra: [String: Any] = [
                "problem": p.name, "energies": Array(spectrum.energies.prefix(count)),
                "hamiltonian": "H_S = -laplacian + |S|^2/4 + div(S)/2 of the tabulated field (docs/score-fields.md)",
            ]
            if let time { extra["time"] = time }
            let companion = GridFiles.companion(
                grid, format: "adiabat eigenvectors on a grid", dtype: "float64", leading: [count], extra: extra)
            try DataFile.writeArray(
                NPYWriter.float64(states, shape: [count] + grid.points), companion: companion, to: file, parameter: parameter)
        }
        return solution
    }

    func spectrumOnly(_ request: SpectrumRequest, progress: (@Sendable (Int, Int) -> Void)?) throws -> SpectrumSolution {
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
            try WorkBudget.validate(request.maxWork)
            // One spectrum at the requested time (twice with a reference landscape), then the profile.
            let path = try LandscapePath(problem: problem)
            let solves = (problem.reference != nil ? 2 : 1) + (request.profile ?? 0)
            try request.checkWork(try path.spectrumWork(points: solves, levels: max(request.levels, 2)), problem: problem.name)
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
            try WorkBudget.validate(request.maxWork)
            let hamiltonian = try problem.spec.hamiltonian()
            try request.checkWork(hamiltonian.spectrumWork(points: 1 + (request.profile ?? 0)), problem: problem.spec.name)
            if problem.catalyst != nil {
                return .catalysed(
                    problem: problem.spec.name,
                    report: try CatalysedSpectrumReport.compute(
                        try problem.annealing(), s: s, levels: request.levels, profile: request.profile))
            }
            return .annealing(
                problem: problem.spec.name,
                report: try AnnealingSpectrumReport.compute(
                    hamiltonian: hamiltonian, s: s, levels: request.levels, profile: request.profile, progress: progress))
        case .scoreField(let problem):
            if request.s != nil {
                throw InputError(
                    "spectrum.s", "applies to annealing problems; \(problem.name) is a score field",
                    hint: "give a diffusion time (one of the tabulated times, or between two)")
            }
            if request.law.isSet { throw InputError("spectrum.law", "is a law on spins; \(problem.name) is a score field") }
            return .scoreField(
                try ScoreFieldSpectrumReport.compute(
                    problem: problem, time: request.time, levels: request.levels, profilePoints: request.profile,
                    angularMomentum: request.angularMomentum, progress: progress))
        }
    }
}
