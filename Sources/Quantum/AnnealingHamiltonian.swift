import AdiabatCore
import Foundation
import GSLKit

/// The annealing Hamiltonian `H(s) = −A(s) Σσxᵢ + B(s) H_P` of an Ising model on a path,
/// with its spectrum: lowest levels, ground space and gap profile.
///
/// `H(s)` is real symmetric (and stoquastic for `A ≥ 0`), so its levels come from ARPACK's
/// symmetric Lanczos (``GSLKit/LanczosEigensolver``) on the matrix-free operator, or from
/// GSL's dense solver for registers of at most ``denseLimit`` states. When every `hᵢ = 0`
/// the global spin flip commutes with `H(s)`: the two sectors are solved separately (half
/// the size each), which also resolves the exact two-fold degeneracy of `H_P`.
public struct AnnealingHamiltonian: Sendable {
    public let model: IsingModel
    public let path: AnnealingPath
    /// The full-register operator.
    public let register: TransverseFieldOperator
    /// Even and odd sector operators when the model has the spin-flip symmetry.
    public let sectors: (even: TransverseFieldOperator, odd: TransverseFieldOperator)?
    /// Exact ground energy of `H_P` and its ground states (basis indices).
    public let problemGround: (energy: Double, states: [Int])

    /// Registers up to this many states use the dense solver.
    public static let denseLimit = 256

    public init(model: IsingModel, path: AnnealingPath = .linear) throws {
        try QubitRegister.validate(qubits: model.qubits)
        let diagonal = try model.diagonal()
        self.model = model
        self.path = path
        register = try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal)
        if model.hasSpinFlipSymmetry && model.qubits >= 2 {
            sectors = (
                try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal, sector: .even),
                try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal, sector: .odd)
            )
        } else {
            sectors = nil
        }
        // Ground states from the diagonal (already computed): minimum within 1e-9·scale.
        let tol = 1e-9 * max(model.energyScale, 1e-300)
        var best = Double.infinity
        for e in diagonal where e < best { best = e }
        var states: [Int] = []
        for (k, e) in diagonal.enumerated() where e <= best + tol { states.append(k) }
        problemGround = (best, states)
    }

    public var qubits: Int { model.qubits }

    /// The sector the evolution from the uniform superposition stays in.
    public var evolutionSector: SpinFlipSector { sectors == nil ? .full : .even }

    /// Number of ground states of `H_P` inside `sector` (pairs `k, k̄` give one state each
    /// in the even and in the odd sector).
    public func problemDegeneracy(in sector: SpinFlipSector) -> Int {
        sector == .full ? problemGround.states.count : max(1, problemGround.states.count / 2)
    }

    func operatorFor(_ sector: SpinFlipSector) -> TransverseFieldOperator {
        switch sector {
        case .full: return register
        case .even: return sectors?.even ?? register
        case .odd: return sectors?.odd ?? register
        }
    }

    /// The `count` lowest eigenpairs of `H` with coefficients `(a, b)` in one sector.
    /// Eigenvectors (on request) are sector vectors; see ``embed(_:sector:)``.
    public func levels(a: Double, b: Double, count: Int, sector: SpinFlipSector = .full, vectors: Bool = false) throws
        -> Eigensystem
    {
        try Check.finite(a, "A(s)")
        try Check.finite(b, "B(s)")
        let op = operatorFor(sector)
        let n = op.dimension
        let k = min(count, n)
        guard k >= 1 else { throw InputError("levels", "must be at least 1 (got \(count))") }
        if n <= Self.denseLimit || k >= n {
            var matrix = [Double](repeating: 0, count: n * n)
            var column = [Double](repeating: 0, count: n)
            var unit = [Double](repeating: 0, count: n)
            for j in 0..<n {
                unit[j] = 1
                unit.withUnsafeBufferPointer { u in column.withUnsafeMutableBufferPointer { op.apply(a: a, b: b, u, into: $0) } }
                unit[j] = 0
                for i in 0..<n { matrix[i * n + j] = column[i] }
            }
            let full = try SymmetricEigensolver.solve(matrix: matrix, dimension: n, vectors: vectors)
            return Eigensystem(
                values: Array(full.values.prefix(k)), vectors: full.vectors.map { Array($0.prefix(k * n)) }, dimension: n)
        }
        // ARPACK keeps ncv Lanczos vectors of length n: beyond 2²⁰ states keep ncv small
        // (2k + 6 vectors, 1.9 GB at 24 qubits and k = 4) at the price of a few more restarts.
        // Ritz values to 1e-10 relative: the eigenvalue error is about the squared residual
        // over the gap, far below what gaps and fidelities need, and ~25% fewer iterations
        // than 1e-12.
        let ncv = n > 1 << 20 ? min(n - 1, 2 * k + 6) : nil
        let result = try LanczosEigensolver.lowest(
            count: k, dimension: n, vectors: vectors, options: LanczosOptions(tolerance: 1e-10, krylovDimension: ncv)
        ) { x, y in
            op.apply(a: a, b: b, x, into: y)
        }
        return result.eigensystem
    }

    /// A sector vector as a full-register vector: `(|k⟩ ± |k̄⟩)/√2` for each sector index `k`.
    public func embed(_ v: ArraySlice<Double>, sector: SpinFlipSector) -> [Double] {
        if sector == .full { return Array(v) }
        let n = qubits
        let all = (1 << n) - 1
        var out = [Double](repeating: 0, count: 1 << n)
        let sign: Double = sector == .even ? 1 : -1
        let r = 1 / 2.0.squareRoot()
        for (offset, value) in v.enumerated() {
            out[offset] = value * r
            out[offset ^ all] = sign * value * r
        }
        return out
    }

    /// The lowest `count` levels of the whole register at `s` (both sectors merged when
    /// the model has the flip symmetry).
    public func spectrum(at s: Double, count: Int) throws -> [Double] {
        let (a, b) = path.coefficients(at: s)
        if sectors != nil {
            let even = try levels(a: a, b: b, count: count, sector: .even).values
            let odd = try levels(a: a, b: b, count: count, sector: .odd).values
            return Array((even + odd).sorted().prefix(count))
        }
        return try levels(a: a, b: b, count: count).values
    }

    /// The gap that governs adiabatic transport to the ground space of `H_P`:
    /// `E_d − E_0` in the evolution sector, where `d` is the number of ground states of
    /// `H_P` in that sector (levels that merge into the final ground space may cross or
    /// mix without changing the ground-state probability).
    public func adiabaticGap(at s: Double) throws -> Double {
        let sector = evolutionSector
        let d = problemDegeneracy(in: sector)
        guard d < 32 else {
            throw InputError(
                "model",
                "H_P has \(problemGround.states.count) degenerate ground states; the adiabatic gap above so many is not computed",
                hint: "use a fixed schedule (linear, cosine, boundary-cancelling)")
        }
        let (a, b) = path.coefficients(at: s)
        let values = try levels(a: a, b: b, count: d + 1, sector: sector).values
        guard values.count > d else { return .infinity }
        return values[d] - values[0]
    }

    /// The ground space of `H(a, b)`, as orthonormal full-register real vectors with their
    /// energy. Exact from the diagonal when `a = 0`; otherwise from the lowest levels of each
    /// sector, keeping those within `1e-8 × scale` of the lowest.
    public func groundSpace(a: Double, b: Double) throws -> (energy: Double, vectors: [[Double]], diagonalStates: [Int]?) {
        if a == 0 {
            let diag = register.diagonal
            if b == 0 { return (0, [], Array(0..<diag.count)) }
            let tol = 1e-9 * max(model.energyScale, 1e-300)
            let target = b > 0 ? diag.min() ?? 0 : diag.max() ?? 0
            let states = diag.indices.filter { abs(diag[$0] - target) <= tol }
            return (b * target, [], states)
        }
        let scale = abs(a) * Double(qubits) + abs(b) * model.energyScale
        let tol = 1e-8 * max(scale, 1e-300)
        var candidates: [(Double, [Double])] = []
        let sectorsToUse: [SpinFlipSector] = sectors == nil ? [.full] : [.even, .odd]
        for sector in sectorsToUse {
            var count = min(4, operatorFor(sector).dimension)
            while true {
                let system = try levels(a: a, b: b, count: count, sector: sector, vectors: true)
                let e0 = system.values[0]
                let inGround = system.values.filter { $0 <= e0 + tol }.count
                if inGround < system.values.count || count >= operatorFor(sector).dimension {
                    for k in 0..<inGround {
                        if let v = system.vector(k) { candidates.append((system.values[k], embed(v, sector: sector))) }
                    }
                    break
                }
                count = min(2 * count, operatorFor(sector).dimension)
            }
        }
        let e0 = candidates.map(\.0).min() ?? 0
        let vectors = candidates.filter { $0.0 <= e0 + tol }.map(\.1)
        return (e0, vectors, nil)
    }
}

/// One point of a spectrum profile along the path.
public struct SpectrumPoint: Sendable, Codable, Equatable {
    public var s: Double
    /// Lowest levels of `H(s)`, ascending (whole register).
    public var energies: [Double]
    /// `E₁ − E₀` (whole register).
    public var gap: Double
    /// The gap above the levels that end in `H_P`'s ground space, in the evolution's sector
    /// (see ``AnnealingHamiltonian/adiabaticGap(at:)``); nil when not computed.
    public var adiabaticGap: Double?

    enum CodingKeys: String, CodingKey {
        case s, energies, gap
        case adiabaticGap = "adiabatic_gap"
    }
}

/// The `adiabat spectrum` computation for an annealing problem: levels at one `s`, and
/// optionally a profile along the whole path. One call for the CLI.
public struct AnnealingSpectrumReport: Sendable, Codable {
    public var qubits: Int
    public var s: Double
    public var energies: [Double]
    public var gap: Double
    public var adiabaticGap: Double?
    public var groundEnergy: Double
    public var groundStates: Int
    public var symmetry: String
    public var profile: [SpectrumPoint]?
    public var minGap: Double?
    public var at: Double?
    public var minAdiabaticGap: Double?
    public var adiabaticAt: Double?

    enum CodingKeys: String, CodingKey {
        case qubits, s, energies, gap, profile, at, symmetry
        case adiabaticGap = "adiabatic_gap"
        case groundEnergy = "ground_energy"
        case groundStates = "ground_states"
        case minGap = "min_gap"
        case minAdiabaticGap = "min_adiabatic_gap"
        case adiabaticAt = "adiabatic_at"
    }

    /// Levels at `s` (`levels` of them, at least 2) and, with `profile ≥ 2`, at `profile`
    /// equally spaced `s` from 0 to 1. Profile points run on all cores (ARPACK itself is
    /// serialised, the operator inside uses the cores).
    public static func compute(hamiltonian: AnnealingHamiltonian, s: Double, levels: Int = 4, profile: Int? = nil) throws
        -> AnnealingSpectrumReport
    {
        try Check.inUnitInterval(s, "--s")
        guard levels >= 2 else { throw InputError("--levels", "must be at least 2 to give a gap (got \(levels))") }
        let point = try spectrumPoint(hamiltonian, s: s, levels: levels, adiabatic: true)
        var report = AnnealingSpectrumReport(
            qubits: hamiltonian.qubits, s: s, energies: point.energies, gap: point.gap, adiabaticGap: point.adiabaticGap,
            groundEnergy: hamiltonian.problemGround.energy, groundStates: hamiltonian.problemGround.states.count,
            symmetry: hamiltonian.sectors == nil ? "none" : "spin-flip", profile: nil, minGap: nil, at: nil,
            minAdiabaticGap: nil, adiabaticAt: nil)
        if let samples = profile {
            guard samples >= 2, samples <= 100_000 else {
                throw InputError("--profile", "must be between 2 and 100000 points (got \(samples))")
            }
            let points = try gapProfile(hamiltonian, samples: samples, levels: levels)
            report.profile = points
            if let m = points.min(by: { $0.gap < $1.gap }) {
                report.minGap = m.gap
                report.at = m.s
            }
            let withGap = points.compactMap { p in p.adiabaticGap.map { (p.s, $0) } }
            if let m = withGap.min(by: { $0.1 < $1.1 }) {
                report.minAdiabaticGap = m.1
                report.adiabaticAt = m.0
            }
        }
        return report
    }

    /// One Lanczos solve per sector serves both the levels and the adiabatic gap.
    static func spectrumPoint(_ h: AnnealingHamiltonian, s: Double, levels: Int, adiabatic: Bool) throws -> SpectrumPoint {
        let (a, b) = h.path.coefficients(at: s)
        let d = h.problemDegeneracy(in: h.evolutionSector)
        let wantGap = adiabatic && d < 32
        let primaryCount = wantGap ? max(levels, d + 1) : levels
        let primary = try h.levels(a: a, b: b, count: primaryCount, sector: h.evolutionSector).values
        var all = primary
        if h.sectors != nil { all += try h.levels(a: a, b: b, count: levels, sector: .odd).values }
        let energies = Array(all.sorted().prefix(levels))
        let gap = energies.count > 1 ? energies[1] - energies[0] : .infinity
        let adiabaticGap: Double? = wantGap ? (primary.count > d ? primary[d] - primary[0] : .infinity) : nil
        return SpectrumPoint(s: s, energies: energies, gap: gap, adiabaticGap: adiabaticGap)
    }

    /// Spectrum points at `samples` equally spaced `s ∈ [0, 1]`.
    public static func gapProfile(_ h: AnnealingHamiltonian, samples: Int, levels: Int) throws -> [SpectrumPoint] {
        try (0..<samples).map { j in
            try spectrumPoint(h, s: Double(j) / Double(samples - 1), levels: levels, adiabatic: true)
        }
    }
}

extension Schedule {
    /// Roland–Cerf's local adiabatic schedule for an annealing Hamiltonian: `ds/dτ ∝ g(s)²`
    /// with `g` the adiabatic gap (``AnnealingHamiltonian/adiabaticGap(at:)``) sampled at
    /// `samples` equally spaced `s` and interpolated linearly.
    public static func rolandCerf(for hamiltonian: AnnealingHamiltonian, samples: Int = 41) throws -> Schedule {
        guard samples >= 3 else { throw InputError("gap samples", "needs at least 3 points (got \(samples))") }
        let s = (0..<samples).map { Double($0) / Double(samples - 1) }
        let g = try s.map { try hamiltonian.adiabaticGap(at: $0) }
        return try Schedule.gapAdaptive(progress: s, gaps: g, power: 2, name: "roland-cerf")
    }
}
