import AdiabatCore
import Foundation
import GSLKit

/// A term `value·|state⟩⟨state|` added to the problem Hamiltonian: an energy on one
/// configuration (basis index `state`, bit `i` set ⇔ spin `i` is −1). With the zero model of
/// offset 1 and the term `−|m⟩⟨m|` it gives Grover's oracle `H_P = 1 − |m⟩⟨m|`, which no
/// quadratic Ising model can express.
public struct DiagonalTerm: Sendable, Equatable, Codable {
    public var state: Int
    public var value: Double
    public init(state: Int, value: Double) {
        self.state = state
        self.value = value
    }
}

/// The annealing Hamiltonian `H(s) = −A(s) Σσxᵢ + B(s) H_P` of an Ising model on a path,
/// with its spectrum: lowest levels, ground space and gap profile. With the projector driver
/// (``AnnealingPath/Driver/projector``) the first term is `A(s)(1 − |+⟩⟨+|)`; with
/// ``diagonalTerms``, `H_P` is the model's energy plus those terms.
///
/// `H(s)` is real symmetric (and stoquastic for `A ≥ 0`), so its levels come from ARPACK's
/// symmetric Lanczos (``GSLKit/LanczosEigensolver``) on the matrix-free operator, or from
/// GSL's dense solver for registers of at most ``denseLimit`` states. When every `hᵢ = 0`
/// the global spin flip commutes with `H(s)`: the two sectors are solved separately (half
/// the size each), which also resolves the exact two-fold degeneracy of `H_P`.
public struct AnnealingHamiltonian: Sendable {
    public let model: IsingModel
    /// Terms added to the model's diagonal (empty for a plain Ising problem). Classical
    /// solvers that use the model's fields and couplings must check that this is empty.
    public let diagonalTerms: [DiagonalTerm]
    public let path: AnnealingPath
    /// The full-register operator.
    public let register: TransverseFieldOperator
    /// Even and odd sector operators when the model has the spin-flip symmetry.
    public let sectors: (even: TransverseFieldOperator, odd: TransverseFieldOperator)?
    /// `Σ|h| + Σ|J| + |offset| + Σ|terms|`: bounds `|H_P|` (sets tolerances).
    public let problemScale: Double
    /// Exact ground energy of `H_P` and its ground states (basis indices).
    public let problemGround: (energy: Double, states: [Int])

    /// Registers up to this many states use the dense solver.
    public static let denseLimit = 256

    /// - Parameter diagonalTerms: energies added to single configurations (states in
    ///   `0..<2ⁿ`, finite values); the spin-flip sectors are then not used.
    public init(model: IsingModel, path: AnnealingPath = .linear, diagonalTerms: [DiagonalTerm] = []) throws {
        try QubitRegister.validate(qubits: model.qubits)
        var diagonal = try model.diagonal()
        for (k, term) in diagonalTerms.enumerated() {
            guard term.state >= 0, term.state < diagonal.count else {
                throw InputError(
                    "diagonal term \(k + 1)", "state \(term.state) is outside the register (0…\(diagonal.count - 1))")
            }
            try Check.finite(term.value, "diagonal term \(k + 1)")
            diagonal[term.state] += term.value
        }
        self.model = model
        self.diagonalTerms = diagonalTerms
        self.path = path
        register = try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal, driver: path.driver)
        if model.hasSpinFlipSymmetry && diagonalTerms.isEmpty && model.qubits >= 2 {
            sectors = (
                try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal, sector: .even, driver: path.driver),
                try TransverseFieldOperator(qubits: model.qubits, diagonal: diagonal, sector: .odd, driver: path.driver)
            )
        } else {
            sectors = nil
        }
        // Ground states from the diagonal (already computed): minimum within 1e-9·scale.
        problemScale = model.energyScale + diagonalTerms.reduce(0) { $0 + abs($1.value) }
        let tol = 1e-9 * max(problemScale, 1e-300)
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
    /// Eigenvectors (on request) are sector vectors; see ``SpinFlipSector/embed(_:qubits:)``.
    public func levels(a: Double, b: Double, count: Int, sector: SpinFlipSector = .full, vectors: Bool = false) throws
        -> Eigensystem
    {
        try Check.finite(a, "A(s)")
        try Check.finite(b, "B(s)")
        let op = operatorFor(sector)
        let n = op.dimension
        let k = min(count, n)
        guard k >= 1 else { throw InputError("levels", "must be at least 1 (got \(count))") }
        if a == 0 {
            // Diagonal: the levels are the k smallest b·E(k), exactly. (Lanczos from a random
            // start can miss a level here: with few distinct energies its Krylov space breaks
            // down, as for the Grover oracle at s = 1.)
            var order: [Int] = []  // the k smallest b·E so far, ascending (ties: lower index first)
            order.reserveCapacity(k + 1)
            for state in 0..<n {
                let e = b * op.diagonal[state]
                if order.count == k, let last = order.last, e >= b * op.diagonal[last] { continue }
                var at = order.count
                while at > 0, b * op.diagonal[order[at - 1]] > e { at -= 1 }
                order.insert(state, at: at)
                if order.count > k { order.removeLast() }
            }
            var vectorsOut: [Double]? = nil
            if vectors {
                var v = [Double](repeating: 0, count: k * n)
                for (j, state) in order.enumerated() { v[j * n + state] = 1 }
                vectorsOut = v
            }
            return Eigensystem(values: order.map { b * op.diagonal[$0] }, vectors: vectorsOut, dimension: n)
        }
        if n <= Self.denseLimit || k >= n {
            return try SymmetricEigensolver.lowest(count: k, dimension: n, vectors: vectors) {
                op.apply(a: a, b: b, $0, into: $1)
            }
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

    /// The degenerate case of the adiabatic gap in words: every state of the evolution sector is
    /// a ground state of `H_P`, so no level lies above the final ground space.
    public var degenerateSentence: String {
        let all = problemGround.states.count == (1 << qubits)
        return
            (all
            ? "every one of the 2^\(qubits) states is a ground state of H_P (the problem has no couplings or fields)"
            : "every state the evolution reaches is a ground state of H_P")
            + ", so no level lies above the final ground space and there is no adiabatic gap"
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
        guard values.count > d else { throw InputError("model", degenerateSentence) }
        return values[d] - values[0]
    }

    /// The ground space of `H(a, b)`, as orthonormal full-register real vectors with their
    /// energy. Exact from the diagonal when `a = 0`; otherwise from the lowest levels of each
    /// sector, keeping those within `1e-8 × scale` of the lowest.
    public func groundSpace(a: Double, b: Double) throws -> (energy: Double, vectors: [[Double]], diagonalStates: [Int]?) {
        if a == 0 {
            let diag = register.diagonal
            if b == 0 { return (0, [], Array(0..<diag.count)) }
            let tol = 1e-9 * max(problemScale, 1e-300)
            let target = b > 0 ? diag.min() ?? 0 : diag.max() ?? 0
            let states = diag.indices.filter { abs(diag[$0] - target) <= tol }
            return (b * target, [], states)
        }
        let scale = abs(a) * Double(qubits) + abs(b) * problemScale
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
                        if let v = system.vector(k) { candidates.append((system.values[k], sector.embed(v, qubits: qubits))) }
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
public struct SpectrumPoint: Sendable, Encodable, Equatable {
    public var s: Double
    /// Lowest levels of `H(s)`, ascending (whole register).
    public var energies: [Double]
    /// `E₁ − E₀` (whole register).
    public var gap: Double
    /// The gap above the levels that end in `H_P`'s ground space, in the evolution's sector
    /// (see ``AnnealingHamiltonian/adiabaticGap(at:)``); nil when not computed.
    public var adiabaticGap: Double?
}

/// The `adiabat spectrum` computation for an annealing problem: levels at one `s`, and
/// optionally a profile along the whole path. One call for the CLI.
public struct AnnealingSpectrumReport: Sendable, Encodable {
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
    /// A degenerate case in words (e.g. every state a ground state), instead of an infinite gap.
    public var note: String?

    /// Levels at `s` (`levels` of them, at least 2) and, with `profile ≥ 2`, at `profile`
    /// equally spaced `s` from 0 to 1. Profile points run on all cores (ARPACK itself is
    /// serialised, the operator inside uses the cores).
    public static func compute(
        hamiltonian: AnnealingHamiltonian, s: Double, levels: Int = 4, profile: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> AnnealingSpectrumReport {
        try Check.inUnitInterval(s, "--s")
        guard levels >= 2 else { throw InputError("spectrum.levels", "must be at least 2 to give a gap (got \(levels))") }
        let point = try spectrumPoint(hamiltonian, s: s, levels: levels, adiabatic: true)
        var report = AnnealingSpectrumReport(
            qubits: hamiltonian.qubits, s: s, energies: point.energies, gap: point.gap, adiabaticGap: point.adiabaticGap,
            groundEnergy: hamiltonian.problemGround.energy, groundStates: hamiltonian.problemGround.states.count,
            symmetry: hamiltonian.sectors == nil ? "none" : "spin-flip", profile: nil, minGap: nil, at: nil,
            minAdiabaticGap: nil, adiabaticAt: nil)
        if hamiltonian.problemDegeneracy(in: hamiltonian.evolutionSector) < 32 && point.adiabaticGap == nil {
            report.note = hamiltonian.degenerateSentence
        }
        if let samples = profile {
            guard samples >= 2, samples <= 100_000 else {
                throw InputError("spectrum.profile", "must be between 2 and 100000 points (got \(samples))")
            }
            let points = try gapProfile(hamiltonian, samples: samples, levels: levels, progress: progress)
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
        guard energies.count > 1 else {
            throw InputError("spectrum.levels", "the register has a single level; there is no gap")
        }
        let gap = energies[1] - energies[0]
        let adiabaticGap: Double? = wantGap && primary.count > d ? primary[d] - primary[0] : nil
        return SpectrumPoint(s: s, energies: energies, gap: gap, adiabaticGap: adiabaticGap)
    }

    /// Spectrum points at `samples` equally spaced `s ∈ [0, 1]`.
    /// `progress(done, samples)` is called after each point.
    public static func gapProfile(
        _ h: AnnealingHamiltonian, samples: Int, levels: Int, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [SpectrumPoint] {
        try (0..<samples).map { j in
            let point = try spectrumPoint(h, s: Double(j) / Double(samples - 1), levels: levels, adiabatic: true)
            progress?(j + 1, samples)
            return point
        }
    }
}

extension AnnealingHamiltonian {
    /// The adiabatic gap at `samples` equally spaced `s`, then refined where linear
    /// interpolation of `g` is not good to `relativeTolerance`: an interval `[a, b]` is split
    /// while `|g(m) − (g(a) + g(b))/2| > relativeTolerance·g(m)` at its midpoint `m`, until
    /// `maximumSamples` points. A narrow avoided crossing that equal spacing steps over (the
    /// Grover search's gap `≈ 1/√N` over a width `≈ 1/√N`) is resolved this way with a few
    /// dozen extra Lanczos solves.
    public func adiabaticGapProfile(samples: Int = 41, relativeTolerance: Double? = nil, maximumSamples: Int = 4001) throws
        -> (s: [Double], gap: [Double])
    {
        guard samples >= 3 else { throw InputError("gap samples", "needs at least 3 points (got \(samples))") }
        var s = (0..<samples).map { Double($0) / Double(samples - 1) }
        var g = try s.map { try adiabaticGap(at: $0) }
        guard let tol = relativeTolerance else { return (s, g) }
        guard tol > 0, tol.isFinite else {
            throw InputError("gap tolerance", "must be a positive number (got \(tol))", hint: "0.02 resolves narrow crossings")
        }
        var pending = Array(0..<(s.count - 1))  // left ends of intervals to check
        while let i = pending.popLast(), s.count < maximumSamples {
            let (a, b) = (s[i], s[i + 1])
            guard b - a > 1e-9 else { continue }
            let m = 0.5 * (a + b)
            let gm = try adiabaticGap(at: m)
            guard abs(gm - 0.5 * (g[i] + g[i + 1])) > tol * gm else { continue }
            s.insert(m, at: i + 1)
            g.insert(gm, at: i + 1)
            // indices above i shifted by one; check both halves next
            pending = pending.map { $0 > i ? $0 + 1 : $0 }
            pending.append(i + 1)
            pending.append(i)
        }
        return (s, g)
    }
}

extension Schedule {
    /// Roland–Cerf's local adiabatic schedule for an annealing Hamiltonian: `ds/dτ ∝ g(s)²`
    /// with `g` the adiabatic gap (``AnnealingHamiltonian/adiabaticGap(at:)``) sampled at
    /// `samples` equally spaced `s` and interpolated linearly; with `relativeTolerance`, the
    /// profile is refined adaptively first (``AnnealingHamiltonian/adiabaticGapProfile(samples:relativeTolerance:maximumSamples:)``).
    public static func rolandCerf(for hamiltonian: AnnealingHamiltonian, samples: Int = 41, relativeTolerance: Double? = nil)
        throws -> Schedule
    {
        let profile = try hamiltonian.adiabaticGapProfile(samples: samples, relativeTolerance: relativeTolerance)
        return try Schedule.gapAdaptive(progress: profile.s, gaps: profile.gap, power: 2, name: "roland-cerf")
    }
}
