import AdiabatCore
import Foundation
import GSLKit

/// The time unit of an annealing run whose energies come from a hardware table.
public enum TimeUnit: String, Sendable, Codable, CaseIterable {
    case ns
    case us

    /// Nanoseconds per unit.
    public var nanoseconds: Double { self == .ns ? 1 : 1000 }
}

/// The energy scales `A(s)`, `B(s)` of the annealing path `H(s) = −A(s) Σσxᵢ + B(s) H_P`.
///
/// Units: ħ = 1, so `A` and `B` are angular frequencies in inverse units of the run time
/// (`H_P` carries the problem's own dimensionless biases). The default path is
/// dimensionless: `A = 1 − s`, `B = s`, time in units of `1/A(0)`.
///
/// **D-Wave tables.** D-Wave publishes `A(s)`, `B(s)` in GHz for
/// `H/h = −A(s)/2 Σσxᵢ + B(s)/2 (Σ hᵢσzᵢ + Σ Jᵢⱼσzᵢσzⱼ)`. With `E = h·f`,
/// `H/ħ = 2π·H/h`, so in our convention `A_ours = 2π · A_GHz/2 = π·A_GHz` rad/ns, and
/// `π·A_GHz·1000` rad/µs (the same for `B`). ``dwave(s:a:b:timeUnit:)`` applies exactly this
/// factor; the run time is then in ns or µs.
public struct AnnealingPath: Sendable, CustomStringConvertible {
    /// The driver `D` that `A(s)` multiplies: `H(s) = A(s)·D + B(s)·H_P`.
    ///
    /// - `transverseField`: `D = −Σσxᵢ` (the default; ground state `|+⟩^⊗n` at energy `−n`).
    /// - `projector`: `D = 1 − |+⟩⟨+|` with `|+⟩ = 2^{−n/2} Σ_k |k⟩` (Roland & Cerf 2002, the
    ///   adiabatic Grover search; ground state `|+⟩` at energy 0, every other level at 1). It
    ///   is a rank-one driver: applied matrix-free as `x − ⟨+|x⟩|+⟩`, and exponentiated exactly,
    ///   `e^{−iθ(1 − P)}ψ = e^{−iθ}ψ + (1 − e^{−iθ})⟨+|ψ⟩|+⟩`. It commutes with the global spin
    ///   flip (`|+⟩` is flip-invariant), so the spin-flip sectors still apply. Stoquastic
    ///   (off-diagonal elements `−A/2ⁿ ≤ 0`).
    public enum Driver: String, Sendable, Codable, CaseIterable {
        case transverseField = "transverse-field"
        case projector
    }

    public enum Kind: Sendable, Equatable {
        /// `A = 1 − s`, `B = s`.
        case linear
        /// Tabulated `A(s)`, `B(s)` (already in our units), interpolated with Steffen's
        /// monotone cubic (C¹, no overshoot: `A` and `B` stay within the table's range).
        case table(s: [Double], a: [Double], b: [Double])
    }

    public let kind: Kind
    /// The driver (``Driver/transverseField`` unless ``with(driver:)`` says otherwise).
    public private(set) var driver: Driver = .transverseField
    /// The time unit the energies assume (`nil`: dimensionless path).
    public let timeUnit: TimeUnit?
    public let name: String
    private let splineA: CubicSpline?
    private let splineB: CubicSpline?

    public static let linear = AnnealingPath(kind: .linear, timeUnit: nil, name: "linear", splineA: nil, splineB: nil)

    private init(kind: Kind, timeUnit: TimeUnit?, name: String, splineA: CubicSpline?, splineB: CubicSpline?) {
        self.kind = kind
        self.timeUnit = timeUnit
        self.name = name
        self.splineA = splineA
        self.splineB = splineB
    }

    /// A tabulated path in our units (angular frequency per unit time).
    ///
    /// - Throws: unless `s` increases strictly from 0 to 1 with at least 3 points, every
    ///   value is finite and `A ≥ 0` (a negative `A` would make the driver non-stoquastic;
    ///   `B` may take either sign, e.g. for a Landau–Zener sweep through `B = 0`).
    public static func table(s: [Double], a: [Double], b: [Double], timeUnit: TimeUnit? = nil, name: String = "table") throws
        -> AnnealingPath
    {
        guard s.count >= 3, a.count == s.count, b.count == s.count else {
            throw InputError(
                "schedule table", "needs at least 3 rows with s, A and B each (got \(s.count), \(a.count), \(b.count))")
        }
        try Check.finite(s, "schedule table s")
        try Check.finite(a, "schedule table A")
        try Check.finite(b, "schedule table B")
        try Check.unitRange(s, "schedule table", variable: "s", item: "row")
        if let i = a.firstIndex(where: { $0 < 0 }) {
            throw InputError("schedule table", "A(s) must be ≥ 0 (row \(i + 1): \(a[i]))")
        }
        let sa = try CubicSpline(x: s, y: a, kind: .steffen)
        let sb = try CubicSpline(x: s, y: b, kind: .steffen)
        return AnnealingPath(kind: .table(s: s, a: a, b: b), timeUnit: timeUnit, name: name, splineA: sa, splineB: sb)
    }

    /// The factor from a D-Wave energy in GHz to our angular frequency per `unit`:
    /// `π` per ns (`2π` for `E = h·f`, times the Hamiltonian's `½`), `1000π` per µs.
    public static func dwaveFactor(_ unit: TimeUnit) -> Double { Double.pi * unit.nanoseconds }

    /// A D-Wave table: `A`, `B` in GHz for `H/h = −A/2 Σσx + B/2 H_P`, converted to our units
    /// with ``dwaveFactor(_:)``; run times are then in `timeUnit`.
    public static func dwave(s: [Double], a aGHz: [Double], b bGHz: [Double], timeUnit: TimeUnit, name: String = "dwave")
        throws -> AnnealingPath
    {
        let f = dwaveFactor(timeUnit)
        return try table(s: s, a: aGHz.map { $0 * f }, b: bGHz.map { $0 * f }, timeUnit: timeUnit, name: name)
    }

    /// The same `A(s)`, `B(s)` multiplying another driver.
    public func with(driver: Driver) -> AnnealingPath {
        var copy = self
        copy.driver = driver
        return copy
    }

    /// `(A(s), B(s))`; `s` is clamped to [0, 1].
    @inline(__always)
    public func coefficients(at s: Double) -> (a: Double, b: Double) {
        let x = min(max(s, 0), 1)
        switch kind {
        case .linear: return (1 - x, x)
        case .table:
            let a = (try? splineA?.value(at: x)) ?? 0
            let b = (try? splineB?.value(at: x)) ?? 0
            return (max(a, 0), b)
        }
    }

    /// `(dA/ds, dB/ds)`.
    public func derivatives(at s: Double) -> (a: Double, b: Double) {
        let x = min(max(s, 0), 1)
        switch kind {
        case .linear: return (-1, 1)
        case .table:
            return ((try? splineA?.derivative(at: x)) ?? 0, (try? splineB?.derivative(at: x)) ?? 0)
        }
    }

    public var description: String { driver == .transverseField ? name : "\(name) (\(driver.rawValue) driver)" }
}
