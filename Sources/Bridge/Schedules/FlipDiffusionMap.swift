import AdiabatCore
import Foundation
import Quantum

/// The flip-diffusion ⇄ transverse-field correspondence for an Ising problem: where it is
/// exact, and what is used where it is not (docs/schedules.md).
///
/// **Exact** when `H_P` has no couplings and every non-zero `|hᵢ|` is the same ε: the law
/// `p ∝ e^{−βH_P}` (or uniform on the ground states) is a product, each spin diffuses on its
/// own, and the Score Hamiltonian of `p_t` is `−Σσx + R(t)H_P + const`, i.e. the point
/// `s(t) = R/(1 + R)` of the default path (``AdiabatCore/FlipDiffusionCorrespondence``).
///
/// **Not exact** otherwise: with couplings (or unequal fields) the Score Hamiltonian of `p_t`
/// has the diagonal `Σᵢ √(p_t(zⁱ)/p_t(z))`, which is not an affine function of `H_P`, so no
/// point of `−AΣσx + BH_P` has `√p_t` as its ground state and no exact map `t ↔ s` exists.
/// The tool then uses the product-law map with ε set to the root-mean-square *local field* at
/// a ground state `z*`, `fᵢ = hᵢ + Σⱼ Jᵢⱼz*ⱼ` (half the energy of flipping spin i; it equals the
/// common `|hᵢ|` of an exact case). This is a mean-field reading: each spin is treated as if
/// it sat alone in the field its neighbours exert at the ground state. ``exact`` is false
/// and ``note`` says so; the schedule it produces is a reasonable cross-domain translation,
/// not a statement that both sides traverse the same Hamiltonians.
public struct FlipDiffusionMap: Sendable {
    public let correspondence: FlipDiffusionCorrespondence
    public let exact: Bool
    /// Why the map is exact or how ε was chosen.
    public let note: String

    /// The map for `model`'s law at inverse temperature `beta` (nil: uniform on the ground
    /// states), flipping each spin at `rate`.
    public static func forModel(_ model: IsingModel, beta: Double? = nil, rate: Double = 1) throws -> FlipDiffusionMap {
        let fields = model.h.map { abs($0) }.filter { $0 > 0 }
        let couplings = model.couplings.filter { $0.value != 0 }
        if couplings.isEmpty, let first = fields.first {
            let uniform = fields.allSatisfy { abs($0 - first) <= 1e-12 * first }
            if uniform {
                return FlipDiffusionMap(
                    correspondence: try FlipDiffusionCorrespondence(fieldScale: first, beta: beta, rate: rate), exact: true,
                    note: "exact: a product law with |h| = \(first) on every biased spin")
            }
        }
        guard model.qubits <= IsingModel.maximumEnumerableQubits else {
            throw InputError("model", "has \(model.qubits) spins; the local-field scale needs its ground state (≤ 34 spins)")
        }
        let ground = try model.groundStates()
        guard let state = ground.states.first else { throw InputError("model", "has no ground state") }
        let z = model.spins(of: state)
        var local = model.h
        for c in model.couplings {
            local[c.i] += c.value * Double(z[c.j])
            local[c.j] += c.value * Double(z[c.i])
        }
        let rms = (local.reduce(0) { $0 + $1 * $1 } / Double(max(local.count, 1))).squareRoot()
        guard rms > 0 else {
            throw InputError(
                "model", "has no field and no coupling felt at its ground state; the flip diffusion has no energy scale",
                hint: "give the problem a non-zero h or J")
        }
        let why =
            couplings.isEmpty
            ? "the fields |hᵢ| differ, so p_t is a product of different laws"
            : "H_P has couplings, so the Score Hamiltonian of p_t is not on the transverse-field path"
        return FlipDiffusionMap(
            correspondence: try FlipDiffusionCorrespondence(fieldScale: rms, beta: beta, rate: rate), exact: false,
            note:
                "not exact (\(why)); ε = \(String(format: "%.6g", rms)), the RMS local field at a ground state (mean-field reading)"
        )
    }

    /// The default diffusion horizon of a flip diffusion on `qubits` spins: the uniform law
    /// is within TV `(n/2)e^{−2γt} = 10⁻⁴` of `p_t` (the reverse-flip sampler's default).
    public static func defaultTMax(qubits: Int, rate: Double) -> Double {
        log(Double(max(qubits, 1)) / 2 / 1e-4) / (2 * rate)
    }
}
