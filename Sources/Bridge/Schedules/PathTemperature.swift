import AdiabatCore
import Foundation
import Quantum

/// Simulated annealing's inverse temperature along a transverse-field path: the same `s(τ)`
/// that sets SQA's `Γ = A(s)` and the exact evolution's `H(s)` sets SA's `β(s)`, through the
/// flip-diffusion ⇄ transverse-field map (derivation: docs/sqa.md#simulated-annealing-driven-by-the-schedule).
///
/// For one spin in a field `ε`, the ground state of `−A σx + B ε σz` squared is the Boltzmann
/// law at `β` with `sinh(βε) = εB/A` (the map's `R = B/A = sinh(β_t ε)/ε`); for a product law
/// with a common `|hᵢ| = ε` this holds spin by spin, so `|ψ₀(s)|²` *is* the Boltzmann law of
/// `H_P` at
///
///     β(s) = asinh(ε·B(s)/A(s)) / ε ,
///
/// which rises from 0 (`B = 0`: the uniform law) and diverges where `A` vanishes. SA's
/// Metropolis chain at `β(s)` has that law as its stationary law, so an SA run that follows
/// `β(s(τ))` slowly walks the very laws the quantum ground state passes through. Beyond
/// product laws the map is a mean-field reading (``FlipDiffusionMap``), with `ε` the RMS local
/// field (``fieldScale(_:)``). SA needs a finite end: `β` is clipped to `[β_hot, β_cold]`
/// (default `[0, β_cold]` with dwave-samplers' `β_cold`), so a slow run ends in the Boltzmann
/// law at `β_cold`, not in the ground state.
public struct PathTemperature: Sendable {
    public let path: AnnealingPath
    public let schedule: Schedule
    /// ε of the map.
    public let fieldScale: Double
    /// True when the map is exact (no couplings, one common `|hᵢ|`).
    public let exact: Bool
    /// The clip `[β_hot, β_cold]`.
    public let range: (hot: Double, cold: Double)

    /// The map for `model` along `path` and `schedule`, clipped to `range`.
    ///
    /// - Throws: for a path whose driver is not the transverse field (the map is about `σx`).
    public init(model: IsingModel, path: AnnealingPath, schedule: Schedule, range: (hot: Double, cold: Double)) throws {
        guard path.driver == .transverseField else {
            throw InputError(
                "PROBLEM",
                "simulated annealing follows a schedule through the transverse-field map; this path's driver is \(path.driver.rawValue)",
                hint: "run simulated annealing without --schedule (its own β schedule)")
        }
        guard range.hot.isFinite, range.cold.isFinite, range.hot >= 0, range.cold > 0, range.hot <= range.cold else {
            throw InputError("sample.beta_range", "needs finite 0 ≤ β_hot ≤ β_cold, β_cold > 0 (got \(range.hot), \(range.cold))")
        }
        let (scale, exact) = Self.fieldScale(model)
        self.path = path
        self.schedule = schedule
        self.fieldScale = scale
        self.exact = exact
        self.range = range
    }

    /// `asinh(εR)/ε` for `R = B/A` (∞ for `R = ∞`; `R` as `ε → 0`).
    public static func beta(ratio r: Double, fieldScale e: Double) -> Double {
        guard r > 0 else { return 0 }
        guard r.isFinite else { return .infinity }
        return e > 0 ? asinh(e * r) / e : r
    }

    /// The unclipped `β(s)` of the map.
    public func mapBeta(at s: Double) -> Double {
        let (a, b) = path.coefficients(at: s)
        guard b > 0 else { return 0 }
        return Self.beta(ratio: a > 0 ? b / a : .infinity, fieldScale: fieldScale)
    }

    /// `β` at anneal fraction `s`, clipped to ``range``.
    public func beta(at s: Double) -> Double {
        min(max(mapBeta(at: s), range.hot), range.cold)
    }

    /// `β` of each of `steps` schedule steps: step `k` at `s((k + ½)/K)`, as SQA's sweeps.
    public func betas(steps: Int) -> [Double] {
        let k = max(steps, 1)
        return (0..<k).map { beta(at: schedule.progress(at: (Double($0) + 0.5) / Double(k))) }
    }

    /// ε: the common `|hᵢ|` where the map is exact (no couplings, one non-zero `|hᵢ|`);
    /// otherwise the RMS local field under the uniform law, `√(mean_i (hᵢ² + Σⱼ Jᵢⱼ²))`, the
    /// law the anneal starts from, which needs no ground state and so exists at any size
    /// (flip: schedules read ε at a ground state instead, which needs the register); 1 for a
    /// model without fields or couplings.
    public static func fieldScale(_ model: IsingModel) -> (scale: Double, exact: Bool) {
        let couplings = model.couplings.filter { $0.value != 0 }
        let fields = model.h.map { abs($0) }.filter { $0 > 0 }
        if couplings.isEmpty, let first = fields.first, fields.allSatisfy({ abs($0 - first) <= 1e-12 * first }) {
            return (first, true)
        }
        var squares = model.h.reduce(0) { $0 + $1 * $1 }
        for c in couplings { squares += 2 * c.value * c.value }
        let rms = (squares / Double(max(model.qubits, 1))).squareRoot()
        return (rms > 0 ? rms : 1, false)
    }

    /// How the map was read, for settings and notes.
    public var note: String {
        let e = String(format: "%.6g", fieldScale)
        return exact
            ? "β(s) = asinh(ε·B/A)/ε with ε = \(e), exact: |ψ₀(s)|² is the Boltzmann law at β(s) (a product law)"
            : "β(s) = asinh(ε·B/A)/ε with ε = \(e), the RMS local field under the uniform law (mean-field reading: H_P has couplings or unequal fields)"
    }
}
