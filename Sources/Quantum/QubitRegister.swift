import AdiabatCore
import Foundation

/// Limits and conventions of the matrix-free qubit register.
///
/// A state of `n` qubits is `2^n` amplitudes; basis index `k = Σᵢ bᵢ 2ⁱ` with `bᵢ = 1` for
/// `|1⟩` on qubit `i` (spin `zᵢ = −1`). Complex vectors are interleaved `(re, im)`, so the
/// real index of amplitude `k` is `2k + part`: a Pauli `σxᵢ` is then the XOR of the real
/// index with `2^{i+1}`, and real and complex kernels share one code path.
public enum QubitRegister {
    /// The largest register: `2^26` amplitudes are 1 GiB as complex doubles, and an
    /// adaptive integrator keeps several such vectors.
    public static let maximumQubits = 26

    /// Checks a register size.
    public static func validate(qubits n: Int) throws {
        guard n >= 1 else { throw InputError("model", "has no variables") }
        guard n <= maximumQubits else {
            throw InputError(
                "model", "has \(n) variables; the register holds at most \(maximumQubits) qubits",
                hint: "2^\(n) amplitudes would need \(1 << max(0, n - 26)) GiB per state vector")
        }
    }
}

/// A sector of the global spin flip `P = Π σxᵢ` (a symmetry of the path when every `hᵢ = 0`).
public enum SpinFlipSector: String, Sendable, Codable, CaseIterable {
    /// The whole register.
    case full
    /// `P = +1`: the uniform superposition and everything the path reaches from it.
    case even
    /// `P = −1`.
    case odd
}

/// `H(a, b) = −a Σᵢ σxᵢ + b · diag(E)` on a qubit register (or one spin-flip sector of it),
/// applied matrix-free on contiguous buffers, on all cores for large registers.
///
/// Sectors: with `hᵢ = 0`, `E(k) = E(k̄)` (`k̄` all spins flipped). The states
/// `(|k⟩ ± |k̄⟩)/√2` with qubit `n−1` in `|0⟩` form a basis of the `P = ±1` sector, of size
/// `2^{n−1}`. There `σxᵢ` (`i < n−1`) acts as usual on the low `n−1` bits, and `σx_{n−1}`
/// becomes `±` the flip of all `n−1` low bits (`σx_{n−1}|k⟩ = |k̄ ⊕ 2^{n−1}−1⟩`).
public struct TransverseFieldOperator: Sendable {
    /// Physical qubits.
    public let qubits: Int
    public let sector: SpinFlipSector
    /// `E(k)` for every basis state of the sector (offset included).
    public let diagonal: [Double]

    /// Vector length in amplitudes.
    public var dimension: Int { diagonal.count }

    /// - Parameter diagonal: the `2^n` energies of ``IsingModel/diagonal()`` (for a sector,
    ///   only the first half is kept; the caller guarantees the flip symmetry).
    public init(qubits n: Int, diagonal: [Double], sector: SpinFlipSector = .full) throws {
        try QubitRegister.validate(qubits: n)
        guard diagonal.count == 1 << n else {
            throw InputError("diagonal", "has \(diagonal.count) entries for \(n) qubits (needs \(1 << n))")
        }
        if sector != .full && n < 2 {
            throw InputError("sector", "a spin-flip sector needs at least 2 qubits")
        }
        self.qubits = n
        self.sector = sector
        self.diagonal = sector == .full ? diagonal : Array(diagonal.prefix(1 << (n - 1)))
    }

    /// The operator of an Ising model (computes its diagonal).
    public init(model: IsingModel, sector: SpinFlipSector = .full) throws {
        if sector != .full && !model.hasSpinFlipSymmetry {
            throw InputError("sector", "the model has non-zero fields hᵢ, so the spin flip is not a symmetry")
        }
        try self.init(qubits: model.qubits, diagonal: try model.diagonal(), sector: sector)
    }

    /// Qubits whose `σx` acts bit-wise inside the vector.
    var freeQubits: Int { sector == .full ? qubits : qubits - 1 }

    /// `y = H x` for real `x` (length ``dimension``).
    public func apply(a: Double, b: Double, _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        kernel(a: a, b: b, x, y, shift: 0, minusI: false)
    }

    /// `y = H x` for complex interleaved `x` (length 2·``dimension``).
    public func applyComplex(a: Double, b: Double, _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        kernel(a: a, b: b, x, y, shift: 1, minusI: false)
    }

    /// `y = −i H x` for complex interleaved `x`: the right-hand side of `i∂ψ = Hψ`.
    public func applyMinusI(a: Double, b: Double, _ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        kernel(a: a, b: b, x, y, shift: 1, minusI: true)
    }

    /// Chunked gather: for each chunk of `L` reals, `y = b·E⊙x`, then `−a·x[e ⊕ m]` for every
    /// qubit mask `m` (inside the chunk while `m < L`, from the partner chunk otherwise).
    private func kernel(
        a: Double, b: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>, shift: Int,
        minusI: Bool
    ) {
        let length = dimension << shift
        precondition(x.count >= length && y.count >= length, "TransverseFieldOperator: buffer too short")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let chunkBits = min(12, log2Int(length))
        let chunk = 1 << chunkBits
        let chunks = length >> chunkBits
        let free = freeQubits
        let flipSign: Double = sector == .odd ? -1 : 1
        let flipMask = sector == .full ? 0 : ((1 << (qubits - 1)) - 1) << shift
        diagonal.withUnsafeBufferPointer { dp in
            let d = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 1
            Parallel.forEachChunk(count: chunks, minimumChunk: max(1, 16384 >> chunkBits)) { range in
                for c in range {
                    let base = c << chunkBits
                    let yc = dst.base + base
                    let xc = src.base + base
                    for j in 0..<chunk { yc[j] = b * d[(base + j) >> shift] * xc[j] }
                    for q in 0..<free {
                        let m = 1 << (q + shift)
                        if m < chunk {
                            var start = 0
                            while start < chunk {
                                for j in start..<(start + m) {
                                    yc[j] -= a * xc[j + m]
                                    yc[j + m] -= a * xc[j]
                                }
                                start += 2 * m
                            }
                        } else {
                            let xp = src.base + (base ^ m)
                            for j in 0..<chunk { yc[j] -= a * xp[j] }
                        }
                    }
                    if flipMask != 0 {
                        let fa = flipSign * a
                        for j in 0..<chunk { yc[j] -= fa * src[(base + j) ^ flipMask] }
                    }
                    if minusI {
                        // (re, im) → (im, −re)
                        var j = 0
                        while j < chunk {
                            let re = yc[j]
                            yc[j] = yc[j + 1]
                            yc[j + 1] = -re
                            j += 2
                        }
                    }
                }
            }
        }
    }

    /// `⟨x|H|x⟩` for complex interleaved `x` (not normalised), with a scratch buffer.
    public func expectation(a: Double, b: Double, _ x: [Double]) -> Double {
        var y = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { applyComplex(a: a, b: b, xp, into: $0) } }
        var s = 0.0
        for i in 0..<x.count { s += x[i] * y[i] }
        return s
    }
}

@inline(__always) func log2Int(_ n: Int) -> Int { Int.bitWidth - 1 - n.leadingZeroBitCount }

/// The split-operator primitives on complex interleaved register states (full register):
/// a diagonal phase `e^{−iβE}` and the transverse rotation `e^{+iαΣσx} = Πᵢ(cos α + i sin α σxᵢ)`,
/// exact for any `α`, `β`. Work runs on cache-sized chunks (the phase and the low qubits'
/// rotations in one pass), then one pass per high qubit, on all cores.
struct RegisterKernels: Sendable {
    let qubits: Int
    let diagonal: [Double]
    /// Largest `|E|` (decides whether the fast sincos is accurate).
    let maxAbsEnergy: Double

    init(qubits: Int, diagonal: [Double]) {
        self.qubits = qubits
        self.diagonal = diagonal
        self.maxAbsEnergy = diagonal.reduce(0) { max($0, abs($1)) }
    }

    var chunkBits: Int { min(13, qubits + 1) }

    /// `ψ ← e^{+iα Σσx} e^{−iβ E} ψ` (the phase first). `β = 0` skips the phase, `α = 0` the rotation.
    func phaseThenRotate(_ psi: UnsafeMutableBufferPointer<Double>, beta: Double, alpha: Double) {
        guard let base = psi.baseAddress else { return }
        let p = SharedPointer(base)
        let cb = chunkBits
        let chunk = 1 << cb
        let chunks = (2 << qubits) >> cb
        let c = cos(alpha)
        let s = sin(alpha)
        let doPhase = beta != 0
        let doRotate = alpha != 0
        let fast = abs(beta) * maxAbsEnergy <= FastTrig.maximumArgument
        let lowQubits = min(qubits, cb - 1)
        diagonal.withUnsafeBufferPointer { dp in
            let d = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 2
            Parallel.forEachChunk(count: chunks, minimumChunk: max(1, 8192 >> cb)) { range in
                for ci in range {
                    let start = ci << cb
                    let v = p.base + start
                    if doPhase {
                        let e0 = start >> 1
                        if fast {
                            for j in 0..<(chunk >> 1) {
                                let (sn, cs) = FastTrig.sinCos(beta * d[e0 + j])
                                let re = v[2 * j]
                                let im = v[2 * j + 1]
                                v[2 * j] = re * cs + im * sn
                                v[2 * j + 1] = im * cs - re * sn
                            }
                        } else {
                            for j in 0..<(chunk >> 1) {
                                let theta = beta * d[e0 + j]
                                let sn = sin(theta)
                                let cs = cos(theta)
                                let re = v[2 * j]
                                let im = v[2 * j + 1]
                                v[2 * j] = re * cs + im * sn
                                v[2 * j + 1] = im * cs - re * sn
                            }
                        }
                    }
                    if doRotate {
                        for q in 0..<lowQubits {
                            let m = 2 << q
                            var blk = 0
                            while blk < chunk {
                                var j = blk
                                while j < blk + m {
                                    rotatePair(v + j, v + j + m, c, s)
                                    j += 2
                                }
                                blk += 2 * m
                            }
                        }
                    }
                }
            }
        }
        if doRotate {
            for q in lowQubits..<qubits {
                let m = 2 << q
                // pairs of chunks (start, start + m) with start's bit m clear
                let pairs = chunks / 2
                Parallel.forEachChunk(count: pairs, minimumChunk: max(1, 8192 >> cb)) { range in
                    for pi in range {
                        // the pi-th chunk index with bit (m >> cb) clear
                        let mc = m >> cb
                        let lowPart = pi & (mc - 1)
                        let highPart = (pi & ~(mc - 1)) << 1
                        let start = (highPart | lowPart) << cb
                        let u = p.base + start
                        let w = u + m
                        var j = 0
                        while j < chunk {
                            rotatePair(u + j, w + j, c, s)
                            j += 2
                        }
                    }
                }
            }
        }
    }

    /// `(u, w) ← (c u + i s w, c w + i s u)` for one pair of complex amplitudes.
    @inline(__always)
    private func rotatePair(_ u: UnsafeMutablePointer<Double>, _ w: UnsafeMutablePointer<Double>, _ c: Double, _ s: Double) {
        let ur = u[0]
        let ui = u[1]
        let wr = w[0]
        let wi = w[1]
        u[0] = c * ur - s * wi
        u[1] = c * ui + s * wr
        w[0] = c * wr - s * ui
        w[1] = c * wi + s * ur
    }
}
