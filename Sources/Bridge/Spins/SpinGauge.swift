import AdiabatCore
import Foundation

/// A diagonal sign change `G = diag(g)`, `g(x) = (−1)^{|S ∩ x|} = Π_{i∈S} zᵢ(x)`: a product of
/// `σz` on the qubits of `S`.
///
/// `G X_T G = (−1)^{|S ∩ T|} X_T`, so a gauge flips the sign of every X-string that meets `S`
/// an odd number of times and leaves the diagonal alone. It does not change `|ψ|²`: a
/// gauge-fixed ground state describes the same probability law.
public struct SpinGauge: Sendable, Equatable, Hashable {
    /// The set `S` as a bit mask.
    public let mask: Int

    public init(mask: Int) { self.mask = mask }

    /// No sign change.
    public static let identity = SpinGauge(mask: 0)

    /// The qubits of `S`, ascending.
    public var qubits: [Int] { (0..<Int.bitWidth).filter { (mask >> $0) & 1 == 1 } }

    /// `g(x)`.
    @inline(__always)
    public func sign(of state: Int) -> Double { (mask & state).nonzeroBitCount & 1 == 0 ? 1 : -1 }

    /// `g(x)·g(x ⊕ T) = (−1)^{|S ∩ T|}`, the same for every `x`.
    @inline(__always)
    public func relativeSign(of flipMask: Int) -> Double { (mask & flipMask).nonzeroBitCount & 1 == 0 ? 1 : -1 }
}

/// The sign structure of a ``SpinFlipHamiltonian``'s off-diagonal part.
///
/// **Criterion.** `H = diag(d) + Σ_T c_T X_T` is stoquastic in some diagonal ±1 gauge exactly
/// when the linear system over GF(2)
///
///     Σ_{i∈T} sᵢ = τ_T  (mod 2)  for every term T,   τ_T = 1 if c_T > 0, else 0,
///
/// has a solution `S = {i : sᵢ = 1}`; then `g(x) = (−1)^{|S ∩ x|}` makes every element `≤ 0`.
/// Derivation: a gauge must satisfy `g(x)g(x ⊕ T) = −sign(c_T)` on every edge of the graph of
/// non-zero off-diagonal elements. The X-strings commute and square to 1, so a closed walk is
/// a multiset of terms whose masks add to 0 (mod 2), and a consistent `g` exists iff the
/// product of `−sign(c_T)` is `+1` around every such walk, i.e. iff `T ↦ (−1)^{τ_T}` is a
/// character of the group the masks generate. Characters of GF(2)ⁿ are `x ↦ (−1)^{S·x}`,
/// which gives the linear system. Equivalently: every cycle of terms (masks adding to 0)
/// holds an even number of positive coefficients — a balanced signed graph.
///
/// For the transverse-field path `−A Σ wᵢσxᵢ + C Σ Kᵢⱼσxᵢσxⱼ + diag`: each driven qubit
/// (`A·wᵢ > 0`) pins `sᵢ = 0`, so while the field is on every qubit a catalyst term needs
/// `C·Kᵢⱼ ≤ 0` (the cycle `Xᵢ, XᵢXⱼ, Xⱼ`); a gauge only helps on undriven qubits, where the
/// XX couplings must be sign-consistent (no cycle with an odd number of positive ones).
///
/// The rank of the masks decides connectivity: with rank `n` the terms connect every basis
/// state to every other (Perron–Frobenius: a unique, positive ground state in the gauge);
/// with rank `< n` the register splits into `2^{n−rank}` blocks that never mix.
public struct SignStructure: Sendable, Equatable {
    /// A gauge that makes every off-diagonal element `≤ 0`, or nil (sign problem).
    public let gauge: SpinGauge?
    /// When there is none: terms whose masks add to 0 (mod 2) with an odd number of positive
    /// coefficients (a frustrated cycle).
    public let frustratedCycle: [FlipTerm]
    /// Rank over GF(2) of the term masks.
    public let rank: Int
    public let qubits: Int

    public var isStoquasticUnderGauge: Bool { gauge != nil }
    /// Whether the terms connect the whole register.
    public var isConnected: Bool { rank == qubits }

    /// Analyses `terms` on `qubits` qubits (zero coefficients must already be dropped).
    public init(terms: [FlipTerm], qubits: Int) {
        self.qubits = qubits
        let m = terms.count
        let words = (m + 63) / 64
        struct Row {
            var mask: Int
            var parity: Bool
            var combination: [UInt64]
        }
        // Reduced row echelon form keyed by pivot bit; each row remembers which terms it sums.
        var pivots: [(bit: Int, row: Row)] = []
        var cycle: [FlipTerm] = []
        for (t, term) in terms.enumerated() {
            var combination = [UInt64](repeating: 0, count: words)
            combination[t / 64] |= 1 << UInt64(t % 64)
            var row = Row(mask: term.mask, parity: term.coefficient > 0, combination: combination)
            for (bit, pivot) in pivots where row.mask & (1 << bit) != 0 {
                row.mask ^= pivot.mask
                row.parity = row.parity != pivot.parity
                for w in 0..<words { row.combination[w] ^= pivot.combination[w] }
            }
            if row.mask == 0 {
                if row.parity && cycle.isEmpty {
                    for (k, other) in terms.enumerated() where row.combination[k / 64] & (1 << UInt64(k % 64)) != 0 {
                        cycle.append(other)
                    }
                }
                continue
            }
            let bit = Int.bitWidth - 1 - row.mask.leadingZeroBitCount
            for p in pivots.indices where pivots[p].row.mask & (1 << bit) != 0 {
                pivots[p].row.mask ^= row.mask
                pivots[p].row.parity = pivots[p].row.parity != row.parity
                for w in 0..<words { pivots[p].row.combination[w] ^= row.combination[w] }
            }
            pivots.append((bit, row))
        }
        rank = pivots.count
        frustratedCycle = cycle
        if cycle.isEmpty {
            // Free variables 0: each pivot row (its pivot is its only pivot bit) fixes s_pivot.
            var s = 0
            for (bit, row) in pivots where row.parity { s |= 1 << bit }
            gauge = SpinGauge(mask: s)
        } else {
            gauge = nil
        }
    }

    /// A sentence naming the frustrated cycle, e.g. `X0 (−0.5), X0X1 (+0.25), X1 (−0.5)`.
    public var cycleDescription: String {
        frustratedCycle.map { t in
            let c = t.coefficient
            return "\(t.label) (\(c > 0 ? "+" : "")\(String(format: "%.6g", c)))"
        }.joined(separator: ", ")
    }
}

extension SpinFlipHamiltonian {
    /// The sign structure of the off-diagonal part (see ``SignStructure`` for the criterion).
    public var signStructure: SignStructure { SignStructure(terms: terms, qubits: qubits) }

    /// The gauge that makes `H` stoquastic, after checking that a flip chain can be built.
    ///
    /// - Parameter context: names the Hamiltonian in errors (e.g. `"H(s = 0.5)"`).
    /// - Throws: ``InputError`` naming the **sign problem** and a frustrated cycle when no
    ///   diagonal sign change makes every off-diagonal element `≤ 0`; and when the terms do
    ///   not connect the register (e.g. `A(s) = 0`), so that the ground state need not be
    ///   positive or unique and no flip chain is ergodic.
    public func stoquasticGauge(context: String) throws -> SpinGauge {
        let structure = signStructure
        guard let gauge = structure.gauge else {
            let positives = structure.frustratedCycle.filter { $0.coefficient > 0 }.count
            throw InputError(
                context,
                "is not stoquastic (sign problem): its off-diagonal terms \(structure.cycleDescription) multiply to the identity with \(positives) positive coefficient\(positives == 1 ? "" : "s") (an odd number), so no diagonal sign change (gauge) makes every off-diagonal element ≤ 0; the ground state need not be positive and has no probability law or score to sample",
                hint:
                    "real-time evolution still works (adiabat evolve); a catalyst stays stoquastic with C(s)·Kᵢⱼ ≤ 0 on driven qubits"
            )
        }
        guard structure.isConnected else {
            throw InputError(
                context,
                "has off-diagonal terms that flip only a rank-\(structure.rank) subspace of the \(qubits)-qubit register, so the register splits into \(1 << min(62, qubits - structure.rank)) blocks that never mix: the ground state need not be positive or unique and no flip chain is ergodic",
                hint:
                    "translate at an s where the transverse field A(s) > 0 on every qubit (or every undriven qubit is coupled by the catalyst)"
            )
        }
        return gauge
    }
}
