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

    /// Chunked gather: for each chunk of `2^cb` amplitudes, `y = b·E⊙x − a·Σ_{low q} x[k ⊕ 2^q]`
    /// in one pass (the partners of the low qubits lie in the chunk), then `−a·x[k ⊕ 2^q]`
    /// for each high qubit from the partner chunk (contiguous), then the spin-flip partner
    /// (sectors) and the `−i` (evolution). Raw pointers only: no per-element calls.
    private func kernel(
        a: Double, b: Double, _ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>, shift: Int,
        minusI: Bool
    ) {
        let length = dimension << shift
        precondition(x.count >= length && y.count >= length, "TransverseFieldOperator: buffer too short")
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let free = freeQubits
        let amplitudes = dimension
        let cb = min(11, log2Int(amplitudes))
        let chunk = 1 << cb
        let chunks = amplitudes >> cb
        let lowQubits = min(free, cb)
        let flipSign: Double = sector == .odd ? -1 : 1
        let flipMask = sector == .full ? 0 : (1 << (qubits - 1)) - 1
        diagonal.withUnsafeBufferPointer { dp in
            let dBase = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 1
            balancedFor(count: chunks, grain: max(1, 8192 >> cb)) { range in
                let d = dBase.base
                let xs = src.base
                let ys = dst.base
                for c in range {
                    let k0 = c << cb
                    if shift == 1 {
                        for j in 0..<chunk {
                            let k = k0 + j
                            var re = 0.0
                            var im = 0.0
                            for q in 0..<lowQubits {
                                let p = 2 * (k ^ (1 << q))
                                re += xs[p]
                                im += xs[p + 1]
                            }
                            let bd = b * d[k]
                            ys[2 * k] = bd * xs[2 * k] - a * re
                            ys[2 * k + 1] = bd * xs[2 * k + 1] - a * im
                        }
                    } else {
                        for j in 0..<chunk {
                            let k = k0 + j
                            var acc = 0.0
                            for q in 0..<lowQubits { acc += xs[k ^ (1 << q)] }
                            ys[k] = b * d[k] * xs[k] - a * acc
                        }
                    }
                    let width = chunk << shift
                    let yc = ys + (k0 << shift)
                    if lowQubits < free {
                        for q in lowQubits..<free {
                            let xp = xs + ((k0 ^ (1 << q)) << shift)
                            for j in 0..<width { yc[j] -= a * xp[j] }
                        }
                    }
                    if flipMask != 0 {
                        let fa = flipSign * a
                        if shift == 1 {
                            for j in 0..<chunk {
                                let p = 2 * ((k0 + j) ^ flipMask)
                                yc[2 * j] -= fa * xs[p]
                                yc[2 * j + 1] -= fa * xs[p + 1]
                            }
                        } else {
                            for j in 0..<chunk { yc[j] -= fa * xs[(k0 + j) ^ flipMask] }
                        }
                    }
                    if minusI {
                        // (re, im) → (im, −re)
                        for j in 0..<chunk {
                            let re = yc[2 * j]
                            yc[2 * j] = yc[2 * j + 1]
                            yc[2 * j + 1] = -re
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

/// `body(range)` over `0..<count` in up to `8 × workers` pieces of at least `grain`, handed
/// out dynamically: when another process holds a core, the free thread takes more pieces
/// instead of waiting (a static split would idle the finished thread). The pieces are
/// disjoint, so results do not depend on the schedule.
func balancedFor(count: Int, grain: Int, _ body: @Sendable (Range<Int>) -> Void) {
    guard count > 0 else { return }
    let pieces = min(8 * Parallel.workers, max(1, count / max(grain, 1)))
    if pieces == 1 || Parallel.workers == 1 {
        body(0..<count)
        return
    }
    Parallel.forEachTask(pieces) { k in
        let base = count / pieces
        let extra = count % pieces
        let start = k * base + min(k, extra)
        body(start..<(start + base + (k < extra ? 1 : 0)))
    }
}

/// The split-operator primitives on complex interleaved register states (full register):
/// a diagonal phase `e^{−iβE}` and the transverse rotation `e^{+iαΣσx} = Πᵢ(cos α + i sin α σxᵢ)`,
/// exact for any `α`, `β`.
///
/// Memory traffic decides the speed, so the work is fused: one pass over cache-sized
/// chunks applies the phase and the rotations of the low qubits (two qubits at a time, on
/// quadruples of amplitudes), then one pass per pair of high qubits; all on every core.
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

    /// Amplitudes per chunk: 2^12 (64 KiB), within L2.
    var chunkBits: Int { min(12, qubits) }

    /// `ψ ← e^{+iα Σσx} e^{−iβ E} ψ` (the phase first). `β = 0` skips the phase, `α = 0` the rotation.
    ///
    /// For `|α| ≤ π/8` each rotation is applied as `cos α·(1 + i tan α σx)`: the pairs see
    /// `u + i t w` (4 multiplications instead of 8), and the common factor `cosⁿα` joins
    /// the phase multiplication.
    func phaseThenRotate(_ psi: UnsafeMutableBufferPointer<Double>, beta: Double, alpha: Double) {
        guard let base = psi.baseAddress else { return }
        let p = SharedPointer(base)
        let cb = chunkBits
        let chunk = 1 << cb
        let chunks = (1 << qubits) >> cb
        let doRotate = alpha != 0
        let tangentForm = doRotate && abs(alpha) <= Double.pi / 8
        let c = cos(alpha)
        let s = sin(alpha)
        let t = tangentForm ? s / c : 0
        let scale = tangentForm ? pow(c, Double(qubits)) : 1
        let doPhase = beta != 0 || scale != 1
        let fast = abs(beta) * maxAbsEnergy <= FastTrig.maximumArgument
        let lowQubits = cb
        diagonal.withUnsafeBufferPointer { dp in
            let dBase = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 2
            balancedFor(count: chunks, grain: max(1, 4096 >> cb)) { range in
                let d = dBase.base
                for ci in range {
                    let k0 = ci << cb
                    let v = p.base + 2 * k0
                    if doPhase {
                        let e = d + k0
                        if fast {
                            var j = 0
                            while j + 1 < chunk {
                                let theta = SIMD2<Double>(e[j], e[j + 1]) * beta
                                let (sn2, cs2) = FastTrig.sinCos(theta)
                                let sn = sn2 * scale
                                let cs = cs2 * scale
                                let a0 = v[2 * j], b0 = v[2 * j + 1], a1 = v[2 * j + 2], b1 = v[2 * j + 3]
                                v[2 * j] = a0 * cs[0] + b0 * sn[0]
                                v[2 * j + 1] = b0 * cs[0] - a0 * sn[0]
                                v[2 * j + 2] = a1 * cs[1] + b1 * sn[1]
                                v[2 * j + 3] = b1 * cs[1] - a1 * sn[1]
                                j += 2
                            }
                            if j < chunk { phaseOne(v + 2 * j, beta * e[j], scale) }
                        } else {
                            for j in 0..<chunk { phaseOne(v + 2 * j, beta * e[j], scale) }
                        }
                    }
                    if doRotate {
                        var q = 0
                        while q + 1 < lowQubits {
                            if tangentForm {
                                tangentQuads(v, mask: 1 << q, range: 0..<(chunk >> 2), t)
                            } else {
                                rotateQuads(v, mask: 1 << q, range: 0..<(chunk >> 2), c, s)
                            }
                            q += 2
                        }
                        if q < lowQubits {
                            if tangentForm {
                                tangentPairs(v, mask: 1 << q, range: 0..<(chunk >> 1), t)
                            } else {
                                rotatePairs(v, mask: 1 << q, range: 0..<(chunk >> 1), c, s)
                            }
                        }
                    }
                }
            }
        }
        guard doRotate else { return }
        var q = lowQubits
        while q < qubits {
            let pair = q + 1 < qubits
            let groups = (1 << qubits) >> (pair ? 2 : 1)
            let m = 1 << q
            balancedFor(count: groups, grain: 2048) { range in
                switch (pair, tangentForm) {
                case (true, true): tangentQuads(p.base, mask: m, range: range, t)
                case (true, false): rotateQuads(p.base, mask: m, range: range, c, s)
                case (false, true): tangentPairs(p.base, mask: m, range: range, t)
                case (false, false): rotatePairs(p.base, mask: m, range: range, c, s)
                }
            }
            q += pair ? 2 : 1
        }
    }
}

/// One amplitude times `scale·e^{−iθ}` (libm trigonometry, any `θ`).
@inline(__always)
func phaseOne(_ v: UnsafeMutablePointer<Double>, _ theta: Double, _ scale: Double) {
    let sn = scale * sin(theta)
    let cs = scale * cos(theta)
    let re = v[0]
    let im = v[1]
    v[0] = re * cs + im * sn
    v[1] = im * cs - re * sn
}

/// `(1 + i t σx)` on qubits `q` and `q+1` (`mask = 2^q`) for the quadruples `t ∈ range`.
@inline(__always)
func tangentQuads(_ v: UnsafeMutablePointer<Double>, mask m: Int, range: Range<Int>, _ t: Double) {
    let m2 = 2 * m
    var g = range.lowerBound
    while g < range.upperBound {
        let low = g & (m - 1)
        let start = (g - low) << 2 | low
        let run = min(m - low, range.upperBound - g)
        var u = v + 2 * start
        for _ in 0..<run {
            let w = u + m2
            let x = u + 2 * m2
            let y = u + 3 * m2
            let ur = u[0] - t * w[1], ui = u[1] + t * w[0]
            let wr = w[0] - t * u[1], wi = w[1] + t * u[0]
            let xr = x[0] - t * y[1], xi = x[1] + t * y[0]
            let yr = y[0] - t * x[1], yi = y[1] + t * x[0]
            u[0] = ur - t * xi
            u[1] = ui + t * xr
            x[0] = xr - t * ui
            x[1] = xi + t * ur
            w[0] = wr - t * yi
            w[1] = wi + t * yr
            y[0] = yr - t * wi
            y[1] = yi + t * wr
            u += 2
        }
        g += run
    }
}

/// `(1 + i t σx)` on qubit `q` for the pairs `t ∈ range`.
@inline(__always)
func tangentPairs(_ v: UnsafeMutablePointer<Double>, mask m: Int, range: Range<Int>, _ t: Double) {
    var g = range.lowerBound
    while g < range.upperBound {
        let low = g & (m - 1)
        let start = (g - low) << 1 | low
        let run = min(m - low, range.upperBound - g)
        var u = v + 2 * start
        for _ in 0..<run {
            let w = u + 2 * m
            let ur = u[0], ui = u[1], wr = w[0], wi = w[1]
            u[0] = ur - t * wi
            u[1] = ui + t * wr
            w[0] = wr - t * ui
            w[1] = wi + t * ur
            u += 2
        }
        g += run
    }
}

/// Rotations of qubits `q` and `q+1` (`mask = 2^q`) on the quadruples `t ∈ range`: quadruple
/// `t` starts at amplitude `(t mod m) + 4m·⌊t/m⌋`, its members are `+0, +m, +2m, +3m`.
@inline(__always)
func rotateQuads(_ v: UnsafeMutablePointer<Double>, mask m: Int, range: Range<Int>, _ c: Double, _ s: Double) {
    let m2 = 2 * m  // doubles per amplitude offset m
    var t = range.lowerBound
    while t < range.upperBound {
        let low = t & (m - 1)
        let start = (t - low) << 2 | low
        let run = min(m - low, range.upperBound - t)
        var u = v + 2 * start
        for _ in 0..<run {
            let w = u + m2
            let x = u + 2 * m2
            let y = u + 3 * m2
            // qubit q: (u, w) and (x, y)
            let ur = c * u[0] - s * w[1], ui = c * u[1] + s * w[0]
            let wr = c * w[0] - s * u[1], wi = c * w[1] + s * u[0]
            let xr = c * x[0] - s * y[1], xi = c * x[1] + s * y[0]
            let yr = c * y[0] - s * x[1], yi = c * y[1] + s * x[0]
            // qubit q+1: (u, x) and (w, y)
            u[0] = c * ur - s * xi
            u[1] = c * ui + s * xr
            x[0] = c * xr - s * ui
            x[1] = c * xi + s * ur
            w[0] = c * wr - s * yi
            w[1] = c * wi + s * yr
            y[0] = c * yr - s * wi
            y[1] = c * yi + s * wr
            u += 2
        }
        t += run
    }
}

/// Rotation of qubit `q` (`mask = 2^q`) on the pairs `t ∈ range`.
@inline(__always)
func rotatePairs(_ v: UnsafeMutablePointer<Double>, mask m: Int, range: Range<Int>, _ c: Double, _ s: Double) {
    var t = range.lowerBound
    while t < range.upperBound {
        let low = t & (m - 1)
        let start = (t - low) << 1 | low
        let run = min(m - low, range.upperBound - t)
        var u = v + 2 * start
        for _ in 0..<run {
            let w = u + 2 * m
            let ur = u[0], ui = u[1], wr = w[0], wi = w[1]
            u[0] = c * ur - s * wi
            u[1] = c * ui + s * wr
            w[0] = c * wr - s * ui
            w[1] = c * wi + s * ur
            u += 2
        }
        t += run
    }
}
