import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The strength profile `C(s)` of an XX catalyst.
public enum CatalystProfile: Sendable, Equatable {
    /// `C(s) = 4s(1 − s)`: off at both ends of the anneal, 1 at `s = ½`.
    case bump
    /// `C(s)` tabulated at `s` from 0 to 1 (any sign), interpolated with Steffen's monotone
    /// cubic (no overshoot between the points).
    case table(s: [Double], c: [Double])
}

/// A non-stoquastic-capable catalyst `+C(s) Σ_{i<j} Kᵢⱼ σxᵢσxⱼ` for an annealing path, with
/// optional per-qubit driver weights `wᵢ` (the driver becomes `−A(s) Σ wᵢ σxᵢ`).
///
/// Signs: with `C·Kᵢⱼ < 0` (ferromagnetic XX) the Hamiltonian stays stoquastic; `C·Kᵢⱼ > 0`
/// on two driven qubits is non-stoquastic in every diagonal gauge (``SignStructure``).
/// Driver weights `wᵢ = 0` leave qubit `i` undriven and `wᵢ < 0` write its driver in the
/// rotated frame; there a gauge can absorb the signs.
public struct XXCatalyst: Sendable {
    /// `Kᵢⱼ`, `i < j`, duplicates summed.
    public let couplings: [Coupling]
    public let profile: CatalystProfile
    /// `wᵢ` (nil: all 1).
    public let driverWeights: [Double]?
    private let spline: CubicSpline?

    /// - Throws: for couplings outside `0..<qubits`, self-couplings, non-finite values, a
    ///   table whose `s` does not increase strictly from 0 to 1, or driver weights of the
    ///   wrong length.
    public init(couplings: [Coupling], profile: CatalystProfile = .bump, driverWeights: [Double]? = nil, qubits: Int) throws {
        guard !couplings.isEmpty else {
            throw InputError("catalyst.couplings", "is empty", hint: "give [[i, j, K], …] pairs")
        }
        var merged: [Int: Double] = [:]
        for (k, c) in couplings.enumerated() {
            guard c.i >= 0, c.j >= 0, c.i < qubits, c.j < qubits else {
                throw InputError("catalyst.couplings[\(k)]", "refers to qubit \(max(c.i, c.j)) but the problem has \(qubits)")
            }
            guard c.i != c.j else {
                throw InputError("catalyst.couplings[\(k)]", "couples qubit \(c.i) to itself (σxᵢσxᵢ = 1 is a constant)")
            }
            try Check.coefficient(c.value, "catalyst.couplings[\(k)]")
            merged[min(c.i, c.j) * qubits + max(c.i, c.j), default: 0] += c.value
        }
        self.couplings = merged.keys.sorted().map { Coupling($0 / qubits, $0 % qubits, merged[$0] ?? 0) }
        if let w = driverWeights {
            guard w.count == qubits else {
                throw InputError("catalyst.driver_weights", "has \(w.count) entries for \(qubits) qubits")
            }
            try Check.finite(w, "catalyst.driver_weights")
        }
        self.driverWeights = driverWeights
        self.profile = profile
        switch profile {
        case .bump:
            spline = nil
        case let .table(s, c):
            guard s.count >= 2, s.count == c.count else {
                throw InputError("catalyst.points", "needs at least 2 (s, C) pairs")
            }
            try Check.finite(s, "catalyst.points s")
            try Check.finite(c, "catalyst.points C")
            try Check.unitRange(s, "catalyst.points", variable: "s")
            spline = s.count >= 3 ? try CubicSpline(x: s, y: c, kind: .steffen) : nil
        }
    }

    /// `C(s)`, `s` clamped to [0, 1].
    public func strength(at s: Double) -> Double {
        let x = min(max(s, 0), 1)
        switch profile {
        case .bump: return 4 * x * (1 - x)
        case let .table(ss, cs):
            if let spline { return (try? spline.value(at: x)) ?? 0 }
            return cs[0] + (x - ss[0]) / (ss[1] - ss[0]) * (cs[1] - cs[0])  // two points: linear
        }
    }
}

/// An annealing path with an optional catalyst:
///
///     H(s) = −A(s) Σᵢ wᵢ σxᵢ + B(s) H_P + C(s) Σ_{i<j} Kᵢⱼ σxᵢσxⱼ ,
///
/// (`wᵢ = 1`, `C = 0` without a catalyst: docs/theory.md §4's transverse-field path). It builds the
/// ``SpinFlipHamiltonian`` at any `s`, for the translators, the flip chains and the evolution.
public struct CatalysedAnnealing: Sendable {
    public let hamiltonian: AnnealingHamiltonian
    public let catalyst: XXCatalyst?

    public init(hamiltonian: AnnealingHamiltonian, catalyst: XXCatalyst? = nil) throws {
        if let c = catalyst {
            if let w = c.driverWeights, w.count != hamiltonian.qubits {
                throw InputError("catalyst.driver_weights", "has \(w.count) entries for \(hamiltonian.qubits) qubits")
            }
            if let bad = c.couplings.first(where: { $0.j >= hamiltonian.qubits }) {
                throw InputError("catalyst.couplings", "refers to qubit \(bad.j) but the problem has \(hamiltonian.qubits)")
            }
        }
        self.hamiltonian = hamiltonian
        self.catalyst = catalyst
    }

    public var qubits: Int { hamiltonian.qubits }
    public var path: AnnealingPath { hamiltonian.path }

    /// `(A(s), B(s), C(s))`.
    public func coefficients(at s: Double) -> (a: Double, b: Double, c: Double) {
        let (a, b) = hamiltonian.path.coefficients(at: s)
        return (a, b, catalyst?.strength(at: s) ?? 0)
    }

    /// `H(s)` as an X-string Hamiltonian.
    public func operatorAt(_ s: Double) throws -> SpinFlipHamiltonian {
        let (a, b, c) = coefficients(at: s)
        return try operatorWith(a: a, b: b, c: c)
    }

    /// `H` with explicit coefficients.
    public func operatorWith(a: Double, b: Double, c: Double) throws -> SpinFlipHamiltonian {
        let n = qubits
        let w = catalyst?.driverWeights ?? [Double](repeating: 1, count: n)
        let pairs = c == 0 ? [] : (catalyst?.couplings ?? []).map { Coupling($0.i, $0.j, c * $0.value) }
        return try SpinFlipHamiltonian.transverseField(
            energies: hamiltonian.register.diagonal, qubits: n, driver: w.map { a * $0 }, problemScale: b, pairs: pairs)
    }

    /// The largest `A(s)` on a fine grid of the path (the scale of the driver).
    public var driverScale: Double {
        var m = 0.0
        for j in 0...256 { m = max(m, hamiltonian.path.coefficients(at: Double(j) / 256).a) }
        return m
    }

    /// The point where a flip chain or a translation evaluates the path near `s`: `s` itself
    /// while `A(s) ≥ floor`, otherwise the `s'` between `toward` and `s` where `A(s') = floor`
    /// (bisection). `A(s) → 0` at the end of an anneal makes the off-diagonal part vanish
    /// (no positive ground state, no ergodic chain); there the rates of the chain tend to
    /// finite limits that `A = floor` reproduces to `O(floor)`.
    public func regularised(_ s: Double, toward: Double, floor: Double) -> Double {
        let path = hamiltonian.path
        if path.coefficients(at: s).a >= floor { return s }
        var good = toward
        var bad = s
        guard path.coefficients(at: good).a >= floor else { return s }
        for _ in 0..<80 {
            let mid = 0.5 * (good + bad)
            if path.coefficients(at: mid).a >= floor { good = mid } else { bad = mid }
        }
        return good
    }
}

/// One point of a catalysed spectrum.
public struct CatalysedSpectrumPoint: Sendable, Codable, Equatable {
    public var s: Double
    public var energies: [Double]
    public var gap: Double
    /// Whether `H(s)` is stoquastic in some σz gauge (and the qubits of that gauge).
    public var stoquastic: Bool
    public var gauge: [Int]?
}

/// `adiabat spectrum` on a problem with a catalyst: the lowest levels of
/// `H(s) = −A Σwᵢσxᵢ + B H_P + C ΣKᵢⱼσxᵢσxⱼ` (both spin-flip sectors merged when `hᵢ = 0`),
/// whether it is stoquastic under a gauge, and optionally a gap profile.
public struct CatalysedSpectrumReport: Sendable, Encodable, Equatable {
    public var qubits: Int
    public var catalystTerms: Int
    public var s: Double
    public var energies: [Double]
    public var gap: Double
    public var stoquastic: Bool
    public var gauge: [Int]?
    public var profile: [CatalysedSpectrumPoint]?
    public var minGap: Double?
    public var at: Double?

    public static func point(_ annealing: CatalysedAnnealing, s: Double, levels: Int) throws -> CatalysedSpectrumPoint {
        let h = try annealing.operatorAt(s)
        let energies = try h.spectrum(count: levels, options: LanczosOptions(tolerance: 1e-12))
        let structure = h.signStructure
        return CatalysedSpectrumPoint(
            s: s, energies: energies, gap: energies.count > 1 ? energies[1] - energies[0] : .infinity,
            stoquastic: structure.isStoquasticUnderGauge, gauge: structure.gauge?.qubits)
    }

    public static func compute(_ annealing: CatalysedAnnealing, s: Double, levels: Int = 4, profile: Int? = nil) throws
        -> CatalysedSpectrumReport
    {
        try Check.inUnitInterval(s, "--s")
        guard levels >= 2 else { throw InputError("spectrum.levels", "must be at least 2 to give a gap (got \(levels))") }
        let p = try point(annealing, s: s, levels: levels)
        var report = CatalysedSpectrumReport(
            qubits: annealing.qubits, catalystTerms: annealing.catalyst?.couplings.count ?? 0, s: s, energies: p.energies,
            gap: p.gap,
            stoquastic: p.stoquastic, gauge: p.gauge, profile: nil, minGap: nil, at: nil)
        if let samples = profile {
            guard samples >= 2, samples <= 100_000 else {
                throw InputError("spectrum.profile", "must be between 2 and 100000 points (got \(samples))")
            }
            let points = try (0..<samples).map { try point(annealing, s: Double($0) / Double(samples - 1), levels: levels) }
            report.profile = points
            if let m = points.min(by: { $0.gap < $1.gap }) {
                report.minGap = m.gap
                report.at = m.s
            }
        }
        return report
    }
}
