import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// One off-diagonal term `c · Π_{i∈T} σxᵢ` (an X-string) of a spin Hamiltonian.
///
/// On the computational basis `X_T|x⟩ = |x ⊕ T⟩`: the term couples each basis state to the
/// state with the qubits of `T` flipped, with matrix element `c`.
public struct FlipTerm: Sendable, Equatable, Hashable {
    /// The flipped qubits `T` as a bit mask (bit `i` ↔ qubit `i`).
    public var mask: Int
    /// The matrix element `⟨x ⊕ T|H|x⟩`.
    public var coefficient: Double

    public init(mask: Int, coefficient: Double) {
        self.mask = mask
        self.coefficient = coefficient
    }

    /// The qubits in `T`, ascending.
    public var qubits: [Int] { (0..<Int.bitWidth).filter { (mask >> $0) & 1 == 1 } }

    /// `X0X3`-style label.
    public var label: String { qubits.map { "X\($0)" }.joined() }

    /// The same with the problem's variable labels (`X(q0)X(q3)`); qubit indices where
    /// `labels` is too short.
    public func label(with labels: [String]) -> String {
        qubits.map { "X(\($0 < labels.count ? labels[$0] : String($0)))" }.joined()
    }
}

/// A real Hamiltonian on `n` qubits whose off-diagonal part is a sum of X-strings with
/// constant coefficients: `H = diag(d) + Σ_T c_T X_T`.
///
/// This one shape covers every Hamiltonian of the discrete bridge (docs/theory.md §4):
/// - the transverse-field path `−A Σσxᵢ + B·diag(E)` (single-flip terms `c = −A`);
/// - the same path with an XX catalyst `+C Σ Kᵢⱼ σxᵢσxⱼ` (pair terms `c = C·Kᵢⱼ`);
/// - the Score Hamiltonian (4) `−Γ Σσxᵢ + diag(Γ Σᵢ √(p(xⁱ)/p(x)))`.
///
/// `H` is stoquastic when every `c_T ≤ 0`. Every X-string commutes with the global spin flip
/// `P = Π σxᵢ`, so when `d(x) = d(x̄)` the two `P`-sectors can be solved separately
/// (``hasSpinFlipSymmetry``). The operator is applied matrix-free on contiguous buffers, on
/// all cores for large registers.
public struct SpinFlipHamiltonian: Sendable {
    /// Physical qubits.
    public let qubits: Int
    /// `d(x)` for every basis state `x` (length `2ⁿ`).
    public let diagonal: [Double]
    /// Off-diagonal terms: distinct non-zero masks, non-zero coefficients, sorted by mask.
    public let terms: [FlipTerm]
    /// Whether `d(x) = d(x̄)` for every `x` (then `H` commutes with `P = Π σxᵢ`).
    public let hasSpinFlipSymmetry: Bool

    /// Validates and normalises: `2ⁿ` finite diagonal entries, masks inside the register,
    /// finite coefficients; duplicate masks are summed and zero terms dropped.
    public init(qubits n: Int, diagonal: [Double], terms: [FlipTerm]) throws {
        try QubitRegister.validate(qubits: n)
        guard diagonal.count == 1 << n else {
            throw InputError("diagonal", "has \(diagonal.count) entries for \(n) qubits (needs \(1 << n))")
        }
        try Check.finite(diagonal, "diagonal")
        var merged: [Int: Double] = [:]
        for (k, t) in terms.enumerated() {
            guard t.mask > 0, t.mask < 1 << n else {
                throw InputError("terms[\(k)]", "flips qubits outside the \(n)-qubit register (mask \(t.mask))")
            }
            try Check.finite(t.coefficient, "terms[\(k)]")
            merged[t.mask, default: 0] += t.coefficient
        }
        self.qubits = n
        self.diagonal = diagonal
        self.terms = merged.keys.sorted().compactMap { m in
            let c = merged[m] ?? 0
            return c == 0 ? nil : FlipTerm(mask: m, coefficient: c)
        }
        self.hasSpinFlipSymmetry = n >= 2 && Self.isFlipSymmetric(diagonal)
    }

    private init(unchecked n: Int, diagonal: [Double], terms: [FlipTerm], symmetric: Bool) {
        self.qubits = n
        self.diagonal = diagonal
        self.terms = terms
        self.hasSpinFlipSymmetry = symmetric
    }

    /// `−Σᵢ aᵢ σxᵢ + b·diag(E) + Σ_{i<j} cᵢⱼ σxᵢσxⱼ`: the annealing Hamiltonian at one point
    /// of its path (`aᵢ = A(s)·wᵢ`, `cᵢⱼ = C(s)·Kᵢⱼ`).
    public static func transverseField(
        energies: [Double], qubits n: Int, driver: [Double], problemScale b: Double, pairs: [Coupling] = []
    ) throws -> SpinFlipHamiltonian {
        guard driver.count == n else {
            throw InputError("driver", "has \(driver.count) amplitudes for \(n) qubits")
        }
        try Check.finite(driver, "driver")
        try Check.finite(b, "B(s)")
        var terms = (0..<n).map { FlipTerm(mask: 1 << $0, coefficient: -driver[$0]) }
        for (k, p) in pairs.enumerated() {
            guard p.i >= 0, p.j >= 0, p.i < n, p.j < n, p.i != p.j else {
                throw InputError(
                    "catalyst couplings[\(k)]", "must couple two different qubits of 0…\(n - 1) (got \(p.i), \(p.j))")
            }
            terms.append(FlipTerm(mask: (1 << p.i) | (1 << p.j), coefficient: p.value))
        }
        return try SpinFlipHamiltonian(qubits: n, diagonal: b == 1 ? energies : energies.map { b * $0 }, terms: terms)
    }

    static func isFlipSymmetric(_ d: [Double]) -> Bool {
        let all = d.count - 1
        let scale = d.reduce(0) { max($0, abs($1)) }
        let tol = 1e-13 * max(scale, 1e-300)
        for k in 0..<(d.count / 2) where abs(d[k] - d[k ^ all]) > tol { return false }
        return true
    }

    /// Vector length of the full register.
    public var dimension: Int { diagonal.count }

    /// `max|d| + Σ|c_T|`: a bound on `‖H‖`, used to scale tolerances.
    public var scale: Double {
        diagonal.reduce(0) { max($0, abs($1)) } + terms.reduce(0) { $0 + abs($1.coefficient) }
    }

    /// Whether every off-diagonal element is `≤ 0` as written.
    public var isStoquasticAsWritten: Bool { terms.allSatisfy { $0.coefficient <= 0 } }

    /// The same Hamiltonian with the diagonal shifted by `shift` (`H + shift·I`).
    public func shifted(by shift: Double) -> SpinFlipHamiltonian {
        SpinFlipHamiltonian(
            unchecked: qubits, diagonal: diagonal.map { $0 + shift }, terms: terms, symmetric: hasSpinFlipSymmetry)
    }

    /// `G H G` for the diagonal sign change `G = diag(g)`: each term picks up `g(x)g(x ⊕ T)`.
    public func gauged(_ g: SpinGauge) -> SpinFlipHamiltonian {
        let t = terms.map { FlipTerm(mask: $0.mask, coefficient: g.relativeSign(of: $0.mask) * $0.coefficient) }
        return SpinFlipHamiltonian(unchecked: qubits, diagonal: diagonal, terms: t, symmetric: hasSpinFlipSymmetry)
    }

    // MARK: Application

    /// `y = H x` on the full register (real vectors of length ``dimension``).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        let masks = terms.map(\.mask)
        let coefficients = terms.map(\.coefficient)
        FlipKernel.apply(
            diagonal: diagonal, diagonalScale: 1, masks: masks, coefficients: coefficients, x, y, sector: .full,
            qubits: qubits, complex: false, minusI: false)
    }

    /// `y = H x` on one spin-flip sector (vectors of length ``dimension(of:)``).
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>, sector: SpinFlipSector) {
        let masks = terms.map(\.mask)
        let coefficients = terms.map(\.coefficient)
        FlipKernel.apply(
            diagonal: diagonal, diagonalScale: 1, masks: masks, coefficients: coefficients, x, y, sector: sector,
            qubits: qubits, complex: false, minusI: false)
    }

    /// States in a sector: `2ⁿ` for the full register, `2ⁿ⁻¹` for a `P`-sector.
    public func dimension(of sector: SpinFlipSector) -> Int { sector == .full ? dimension : dimension / 2 }

    /// The dense matrix of one sector (row-major), for small registers and tests.
    public func denseMatrix(sector: SpinFlipSector = .full) -> [Double] {
        LinearAlgebra.denseMatrix(dimension: dimension(of: sector)) { apply($0, into: $1, sector: sector) }
    }

    // MARK: Spectrum

    /// Sectors up to this many states use GSL's dense solver; larger ones ARPACK's Lanczos
    /// (GSL's `symmv` takes ~0.2 s at 256 states where ARPACK needs ~1 ms for a few levels).
    public static let denseLimit = 32

    /// The `count` lowest eigenpairs in one sector (eigenvectors are sector vectors; see
    /// ``SpinFlipSector/embed(_:qubits:)``).
    public func lowest(
        count: Int, sector: SpinFlipSector = .full, vectors: Bool = false,
        options: LanczosOptions = LanczosOptions(tolerance: 0)
    ) throws -> Eigensystem {
        if sector != .full && !hasSpinFlipSymmetry {
            throw InputError("sector", "the diagonal is not symmetric under the global spin flip, so the sectors do not decouple")
        }
        let n = dimension(of: sector)
        let k = min(count, n)
        guard k >= 1 else { throw InputError("levels", "must be at least 1 (got \(count))") }
        if n <= Self.denseLimit || k >= n {
            return try SymmetricEigensolver.lowest(count: k, dimension: n, vectors: vectors) {
                apply($0, into: $1, sector: sector)
            }
        }
        let result = try LanczosEigensolver.lowest(count: k, dimension: n, vectors: vectors, options: options) { x, y in
            apply(x, into: y, sector: sector)
        }
        return result.eigensystem
    }

    /// The `count` lowest levels of the whole register (both sectors merged when the
    /// spin flip is a symmetry: this also resolves levels that are degenerate across sectors).
    public func spectrum(count: Int, options: LanczosOptions = LanczosOptions(tolerance: 0)) throws -> [Double] {
        if hasSpinFlipSymmetry {
            let even = try lowest(count: count, sector: .even, options: options).values
            let odd = try lowest(count: count, sector: .odd, options: options).values
            return Array((even + odd).sorted().prefix(count))
        }
        return try lowest(count: count, options: options).values
    }
}

/// The gather kernel shared by every X-string operator:
/// `y[k] = s·d[k]·x[k] + Σ_T c_T · x[k ⊕ T]` on the full register, and on a `P`-sector with
/// `k ⊕ T` folded back to the sector index (`r(j) = j` if its top bit is clear, else `j̄`,
/// with a sign `−1` in the odd sector).
enum FlipKernel {
    static func apply(
        diagonal: [Double], diagonalScale: Double, masks: [Int], coefficients: [Double], _ x: UnsafeBufferPointer<Double>,
        _ y: UnsafeMutableBufferPointer<Double>, sector: SpinFlipSector, qubits: Int, complex: Bool, minusI: Bool
    ) {
        let states = sector == .full ? diagonal.count : diagonal.count / 2
        let shift = complex ? 1 : 0
        precondition(x.count >= states << shift && y.count >= states << shift, "FlipKernel: buffer too short")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let termCount = masks.count
        // Never-read placeholders keep the buffers non-empty when there are no terms.
        let maskStorage = masks.isEmpty ? [0] : masks
        let coefficientStorage = coefficients.isEmpty ? [0] : coefficients
        let top = sector == .full ? 0 : 1 << (qubits - 1)
        let all = diagonal.count - 1
        let foldSign: Double = sector == .odd ? -1 : 1
        diagonal.withUnsafeBufferPointer { dp in
            maskStorage.withUnsafeBufferPointer { mp in
                coefficientStorage.withUnsafeBufferPointer { cp in
                    let d = SharedReadPointer(dp.baseAddress!)  // safe: 2ⁿ ≥ 2 entries
                    let m = SharedReadPointer(mp.baseAddress!)  // safe: at least one entry
                    let c = SharedReadPointer(cp.baseAddress!)  // safe: at least one entry
                    Parallel.forEachChunk(count: states, minimumChunk: 8192) { range in
                        if complex {
                            for k in range {
                                let dk = diagonalScale * d[k]
                                var re = dk * src[2 * k]
                                var im = dk * src[2 * k + 1]
                                for t in 0..<termCount {
                                    var j = k ^ m[t]
                                    var w = c[t]
                                    if j & top != 0 {
                                        j ^= all
                                        w *= foldSign
                                    }
                                    re += w * src[2 * j]
                                    im += w * src[2 * j + 1]
                                }
                                dst.base.storeComplex(at: k, re, im, timesMinusI: minusI)
                            }
                        } else if top == 0 {
                            // Blocks of 2048 states, one pass per term: x[k ⊕ T] is a permutation
                            // inside the block (low bits of T) of a contiguous partner block.
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let end = min(range.upperBound, start + 2048)
                                for k in start..<end { dst[k] = diagonalScale * d[k] * src[k] }
                                for t in 0..<termCount {
                                    let mask = m[t]
                                    let coefficient = c[t]
                                    for k in start..<end { dst[k] += coefficient * src[k ^ mask] }
                                }
                                start = end
                            }
                        } else {
                            for k in range {
                                var acc = diagonalScale * d[k] * src[k]
                                for t in 0..<termCount {
                                    let j = k ^ m[t]
                                    if j & top != 0 {
                                        acc += foldSign * c[t] * src[j ^ all]
                                    } else {
                                        acc += c[t] * src[j]
                                    }
                                }
                                dst[k] = acc
                            }
                        }
                    }
                }
            }
        }
    }
}
