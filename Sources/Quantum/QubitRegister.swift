import AdiabatCore
import Foundation

/// Limits and conventions of the matrix-free qubit register.
///
/// A state of `n` qubits is `2^n` amplitudes; basis index `k = Σᵢ bᵢ 2ⁱ` with `bᵢ = 1` for
/// `|1⟩` on qubit `i` (spin `zᵢ = −1`). Complex vectors are interleaved `(re, im)`, so the
/// real index of amplitude `k` is `2k + part`: a Pauli `σxᵢ` is then the XOR of the real
/// index with `2^{i+1}`, and real and complex kernels share one code path.
public enum QubitRegister {
    /// The largest register the index arithmetic allows. The binding limit is memory: every
    /// command estimates its peak (``bytes(qubits:vectors:)``) and checks it against
    /// ``AdiabatCore/MemoryBudget/system`` before it allocates.
    public static let maximumQubits = 40

    /// The bytes of `vectors` complex state vectors of `n` qubits plus the register's own
    /// table (the diagonal, 8 B per amplitude, which the spin-flip sectors share), in `Double`
    /// so no size overflows.
    public static func bytes(qubits n: Int, vectors: Double) -> Double {
        let dim = Foundation.pow(2.0, Double(n))
        return dim * 16 * vectors + dim * 8
    }

    /// Checks a register size: at least one qubit, at most ``maximumQubits``, and the
    /// register's tables plus `vectors` state vectors within `memory`.
    public static func validate(
        qubits n: Int, vectors: Double = 1, for purpose: String = "the register", memory: MemoryBudget = .system
    ) throws {
        guard n >= 1 else { throw InputError("model", "has no variables") }
        guard n <= maximumQubits else {
            throw InputError(
                "model", "has \(n) variables; the register holds at most \(maximumQubits) qubits",
                hint: "2^\(n) amplitudes would need \(formatBytes(bytes(qubits: n, vectors: 1))) per state vector")
        }
        try memory.require(
            bytes(qubits: n, vectors: vectors), for: "\(purpose) on \(n) qubits (2^\(n) amplitudes)", parameter: "model",
            hint: "use fewer variables (each one doubles the memory), or run on a machine with more memory")
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
    /// `E(k)` for every basis state of the whole register (offset included); a sector uses
    /// the first ``dimension`` entries (its basis states have the top qubit in `|0⟩`). The
    /// sectors share this array with the full-register operator: no copies.
    public let diagonal: [Double]
    /// The driver that `a` multiplies: `−Σσx` (default) or the projector `1 − |+⟩⟨+|`.
    public let driver: AnnealingPath.Driver

    /// Vector length in amplitudes.
    public var dimension: Int { 1 << freeQubits }

    /// - Parameter diagonal: the `2^n` energies of ``IsingModel/diagonal()`` (for a sector,
    ///   only the first half is used; the caller guarantees the flip symmetry).
    /// - Parameter driver: `−Σσx` (default) or `1 − |+⟩⟨+|` (``AnnealingPath/Driver``).
    public init(
        qubits n: Int, diagonal: [Double], sector: SpinFlipSector = .full, driver: AnnealingPath.Driver = .transverseField
    ) throws {
        try QubitRegister.validate(qubits: n)
        guard diagonal.count == 1 << n else {
            throw InputError("diagonal", "has \(diagonal.count) entries for \(n) qubits (needs \(1 << n))")
        }
        if sector != .full && n < 2 {
            throw InputError("sector", "a spin-flip sector needs at least 2 qubits")
        }
        self.qubits = n
        self.sector = sector
        self.diagonal = diagonal
        self.driver = driver
    }

    /// The amplitude of `|+⟩` on each vector entry: `2^{−n/2}` on the whole register, and in
    /// the even sector (basis `(|k⟩ + |k̄⟩)/√2`) `√2·2^{−n/2}`, uniform over the `2^{n−1}`
    /// entries; 0 in the odd sector, which is orthogonal to `|+⟩`.
    var plusAmplitude: Double {
        switch sector {
        case .full: return 1 / Double(dimension).squareRoot()
        case .even: return 1 / Double(dimension).squareRoot()
        case .odd: return 0
        }
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
        if driver == .projector {
            projectorKernel(a: a, b: b, xb, yb, shift: shift, minusI: minusI)
            return
        }
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

    /// `y = b·E⊙x + a·(x − ⟨u|x⟩u)` with `u` the (sector's) `|+⟩`: the projector driver.
    /// Two passes (the overlap, then the update), each over both cores for large registers.
    private func projectorKernel(
        a: Double, b: Double, _ xb: UnsafePointer<Double>, _ yb: UnsafeMutablePointer<Double>, shift: Int, minusI: Bool
    ) {
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let amplitudes = dimension
        let u = plusAmplitude
        // ⟨u|x⟩ (real and imaginary parts; imaginary only for complex x), in fixed chunks so
        // the sum does not depend on the thread count.
        var overlap = (re: 0.0, im: 0.0)
        if u != 0 {
            let parts = (0...shift).map { part in
                Parallel.sum(count: amplitudes, chunkSize: 1 << 14) { range in
                    var acc = 0.0
                    for k in range { acc += src.base[(k << shift) + part] }
                    return acc
                }
            }
            overlap = (u * parts[0], shift == 1 ? u * parts[1] : 0)
        }
        let (cr, ci) = (a * u * overlap.re, a * u * overlap.im)
        diagonal.withUnsafeBufferPointer { dp in
            let d = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 1
            balancedFor(count: amplitudes, grain: 1 << 14) { range in
                let xs = src.base
                let ys = dst.base
                for k in range {
                    let w = b * d.base[k] + a
                    if shift == 1 {
                        ys.storeComplex(at: k, w * xs[2 * k] - cr, w * xs[2 * k + 1] - ci, timesMinusI: minusI)
                    } else {
                        ys[k] = w * xs[k] - cr
                    }
                }
            }
        }
    }

    /// `⟨x|H|x⟩` for complex interleaved `x` (not normalised), without a second vector:
    /// `b·Σ E_k|x_k|² − a·Σ_q Σ_k Re(x̄_k x_{k⊕2^q})` (and the sector's flip term), or for the
    /// projector `b·Σ E_k|x_k|² + a·(‖x‖² − |⟨u|x⟩|²)`; on both cores in fixed chunks (the sum
    /// does not depend on the thread count).
    public func expectation(a: Double, b: Double, _ x: [Double]) -> Double {
        let amplitudes = dimension
        precondition(x.count >= 2 * amplitudes, "TransverseFieldOperator: buffer too short")
        let free = freeQubits
        let flipSign: Double = sector == .odd ? -1 : 1
        let flipMask = sector == .full ? 0 : (1 << (qubits - 1)) - 1
        let projector = driver == .projector
        return x.withUnsafeBufferPointer { xp in
            diagonal.withUnsafeBufferPointer { dp in
                let xs = SharedReadPointer(xp.baseAddress!)  // safe: dimension ≥ 1
                let d = SharedReadPointer(dp.baseAddress!)
                let energy = Parallel.sum(count: amplitudes, chunkSize: 1 << 14) { range in
                    var acc = 0.0
                    for k in range {
                        let re = xs[2 * k]
                        let im = xs[2 * k + 1]
                        var e = b * d[k] * (re * re + im * im)
                        if !projector {
                            var hop = 0.0
                            for q in 0..<free {
                                let p = 2 * (k ^ (1 << q))
                                hop += re * xs[p] + im * xs[p + 1]
                            }
                            if flipMask != 0 {
                                let p = 2 * (k ^ flipMask)
                                hop += flipSign * (re * xs[p] + im * xs[p + 1])
                            }
                            e -= a * hop
                        } else {
                            e += a * (re * re + im * im)
                        }
                        acc += e
                    }
                    return acc
                }
                guard projector else { return energy }
                let u = plusAmplitude
                let sums = (0...1).map { part in
                    Parallel.sum(count: amplitudes, chunkSize: 1 << 14) { range in
                        var acc = 0.0
                        for k in range { acc += xs[2 * k + part] }
                        return acc
                    }
                }
                return energy - a * u * u * (sums[0] * sums[0] + sums[1] * sums[1])
            }
        }
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

extension TransverseFieldOperator {
    /// `ψ ← e^{−iαD} e^{−iβE} ψ` in place (`D` the driver: `−Σσx`, or `1 − |+⟩⟨+|`): one factor of
    /// a split-operator step, applied by the production kernels (``RegisterKernels``: the chunked
    /// phase and low-qubit rotations, the cache-blocked high-qubit sweeps, the sector's flip).
    /// With `model` (whose energies the diagonal holds) the phase uses the factorised form of
    /// ``PhaseStructure``, as the evolution does. `psi` is complex interleaved, `2·dimension` reals.
    public func splitFactor(_ psi: inout [Double], beta: Double, alpha: Double, model: IsingModel? = nil) {
        precondition(psi.count == 2 * dimension, "splitFactor: the state needs 2·dimension reals")
        let kernels = RegisterKernels(self, model: model)
        psi.withUnsafeMutableBufferPointer { buffer in
            if kernels.projectorAmplitude != nil {
                kernels.phaseThenRotate(buffer, beta: beta, alpha: 0)
                kernels.projectorExponential(buffer, theta: alpha)
            } else {
                kernels.phaseThenRotate(buffer, beta: beta, alpha: alpha)
            }
        }
    }
}

/// The split-operator primitives on complex interleaved register states (full register):
/// a diagonal phase `e^{−iβE}` and the transverse rotation `e^{+iαΣσx} = Πᵢ(cos α + i sin α σxᵢ)`,
/// exact for any `α`, `β`.
///
/// Memory traffic decides the speed, so the work is fused: one pass over cache-sized
/// chunks applies the phase and the rotations of the low qubits (three qubits at a time, on
/// octuples of amplitudes), then one cache-blocked sweep per group of up to 8 high qubits
/// (``sweepGroups(qubits:lowQubits:)``); all on every core. The passes are compute-bound on
/// SSE2 (x86-64's baseline), so the arithmetic per amplitude is kept small: an amplitude is one
/// vector `(re, im)` in the rotations, and the phase's products run on planes.
struct RegisterKernels: Sendable {
    /// Bits of the vector index (`n`, or `n − 1` in a spin-flip sector).
    let qubits: Int
    let diagonal: [Double]
    /// Largest `|E|` (decides whether the fast sincos is accurate).
    let maxAbsEnergy: Double
    /// In a sector, `±1`: the top qubit's `σx` acts as `±` the flip of all vector bits.
    let flipSign: Double
    /// The amplitude of `|+⟩` per vector entry when the driver is the projector
    /// `1 − |+⟩⟨+|` (see ``TransverseFieldOperator/plusAmplitude``); nil for `−Σσx`.
    var projectorAmplitude: Double? = nil

    init(qubits: Int, diagonal: [Double], flipSign: Double = 0) {
        self.qubits = qubits
        self.diagonal = diagonal
        self.maxAbsEnergy = diagonal.reduce(0) { max($0, abs($1)) }
        self.flipSign = flipSign
    }

    /// The factorised phase (nil: phases from the diagonal with one sincos per amplitude).
    var structure: PhaseStructure? = nil

    /// The kernels of an operator (full register or one sector); with the model, phases use
    /// the factorised form of ``PhaseStructure``.
    init(_ op: TransverseFieldOperator, model: IsingModel? = nil) {
        let sectorSign: Double = op.sector == .full ? 0 : (op.sector == .even ? 1 : -1)
        self.init(qubits: op.freeQubits, diagonal: op.diagonal, flipSign: sectorSign)
        if op.driver == .projector { projectorAmplitude = op.plusAmplitude }
        if let model, model.qubits == op.qubits {
            structure = PhaseStructure(model: model, vectorBits: op.freeQubits, lowBits: chunkBits, topFixed: op.sector != .full)
        }
    }

    /// `ψ ← e^{−iθ(1 − P)}ψ = e^{−iθ}ψ + (1 − e^{−iθ})⟨u|ψ⟩u`, `P = |u⟩⟨u|` the projector
    /// on `|+⟩`: exact for any `θ` (the projector driver's factor of a split step). Two
    /// passes: the overlap (fixed chunks, so the sum does not depend on the thread count),
    /// then the update.
    func projectorExponential(_ psi: UnsafeMutableBufferPointer<Double>, theta: Double) {
        guard let u = projectorAmplitude, theta != 0, let base = psi.baseAddress else { return }
        let p = SharedPointer(base)
        let length = 1 << qubits
        var cr = 0.0
        var ci = 0.0
        if u != 0 {
            cr =
                u
                * Parallel.sum(count: length, chunkSize: 1 << 14) { range in
                    var acc = 0.0
                    for k in range { acc += p.base[2 * k] }
                    return acc
                }
            ci =
                u
                * Parallel.sum(count: length, chunkSize: 1 << 14) { range in
                    var acc = 0.0
                    for k in range { acc += p.base[2 * k + 1] }
                    return acc
                }
        }
        // e^{−iθ} = (c, −s); (1 − e^{−iθ})·⟨u|ψ⟩·u = ((1 − c) + i s)(cr + i ci)·u.
        let c = cos(theta)
        let s = sin(theta)
        let addRe = u * ((1 - c) * cr - s * ci)
        let addIm = u * ((1 - c) * ci + s * cr)
        balancedFor(count: length, grain: 1 << 14) { range in
            for k in range {
                let re = p.base[2 * k]
                let im = p.base[2 * k + 1]
                p.base[2 * k] = c * re + s * im + addRe
                p.base[2 * k + 1] = c * im - s * re + addIm
            }
        }
    }

    /// Amplitudes per chunk: 2^12 (64 KiB), within L2.
    var chunkBits: Int { min(12, qubits) }

    /// `ψ ← e^{+iα Σσx} e^{−iβ E} ψ` (the phase first). `β = 0` skips the phase, `α = 0` the rotation.
    ///
    /// For `|cos α| ≥ 1/4` each rotation is applied as `cos α·(1 + i tan α σx)`: the pairs see
    /// `u + i t w` (4 multiplications instead of 8), and the common factor `cosⁿα` joins
    /// the phase multiplication. This is as accurate as the rotation itself for any `t`: each
    /// `(1 + i t σx)` is `sec α` times a unitary, so the rounding it adds is `O(ε)` relative to
    /// the vector's norm, which grows by exactly `sec α` per qubit and is scaled back by
    /// `cosⁿα`. The bound on `|cos α|` keeps that growth (`≤ 4ⁿ`, 2⁸⁰ at 40 qubits) and the
    /// scale far inside the range of `Double`.
    func phaseThenRotate(_ psi: UnsafeMutableBufferPointer<Double>, beta: Double, alpha: Double) {
        guard let base = psi.baseAddress else { return }
        let p = SharedPointer(base)
        let cb = chunkBits
        let chunk = 1 << cb
        let chunks = (1 << qubits) >> cb
        let doRotate = alpha != 0
        let c = cos(alpha)
        let tangentForm = doRotate && abs(c) >= 0.25
        let s = sin(alpha)
        let t = tangentForm ? s / c : 0
        let sines = rotationSines(tangentForm ? t : s)
        let scale = tangentForm ? pow(c, Double(qubits + (flipSign != 0 ? 1 : 0))) : 1
        let doPhase = beta != 0 || scale != 1
        let fast = abs(beta) * maxAbsEnergy <= FastTrig.maximumArgument
        let lowQubits = cb
        // Factorised phases: the 2^cb low-part phasors once per pass, shared by all chunks.
        var lowPhaseStorage: UnsafeMutablePointer<Double>? = nil
        if doPhase, let structure {
            lowPhaseStorage = structure.lowPhases(beta: beta)
        }
        defer { lowPhaseStorage?.deallocate() }
        let lowPhase = lowPhaseStorage.map { SharedReadPointer(UnsafePointer($0)) }
        diagonal.withUnsafeBufferPointer { dp in
            let dBase = SharedReadPointer(dp.baseAddress!)  // safe: dimension ≥ 2
            balancedFor(count: chunks, grain: max(1, 4096 >> cb)) { range in
                let d = dBase.base
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 2 * chunk + 256)
                defer { scratch.deallocate() }
                for ci in range {
                    let k0 = ci << cb
                    let v = p.base + 2 * k0
                    // qubits the phase's rows rotate while the row is in L1 (whole octuples, so the
                    // qubits are grouped as in the chunk-wide loop below and the roundings agree)
                    var rowRotated = 0
                    if doPhase, let structure, let lowPhase {
                        let rowQubits = doRotate ? structure.rowBits / 3 * 3 : 0
                        structure.applyChunk(v, high: ci, beta: beta, scale: scale, lowPhase: lowPhase.base, scratch: scratch) {
                            row, length in
                            if rowQubits == 0 { return }
                            if tangentForm {
                                rotateLowQubits(row, 0..<rowQubits, amplitudes: length, 1, sines)
                            } else {
                                rotateLowQubits(row, 0..<rowQubits, amplitudes: length, c, sines)
                            }
                        }
                        rowRotated = rowQubits
                    } else if doPhase {
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
                        if tangentForm {
                            rotateLowQubits(v, rowRotated..<lowQubits, amplitudes: chunk, 1, sines)
                        } else {
                            rotateLowQubits(v, rowRotated..<lowQubits, amplitudes: chunk, c, sines)
                        }
                    }
                }
            }
        }
        guard doRotate else { return }
        if flipSign != 0 {
            // σx of the top qubit in a sector: ±(flip of all bits), pairs (k, L − 1 − k)
            let length = 1 << qubits
            let flipSines = rotationSines(flipSign * (tangentForm ? t : s))
            let cf = tangentForm ? 1 : c
            balancedFor(count: length / 2, grain: 4096) { range in
                for k in range {
                    let u = p.base + 2 * k
                    let w = p.base + 2 * (length - 1 - k)
                    let a = loadAmplitude(u)
                    let b = loadAmplitude(w)
                    storeAmplitude(u, rotated(a, b, cf, flipSines))
                    storeAmplitude(w, rotated(b, a, cf, flipSines))
                }
            }
        }
        guard qubits > lowQubits else { return }
        highSweeps(p, lowQubits: lowQubits, tangentForm: tangentForm, t: t, c: c, s: s)
    }

    /// Bits of the working set of one high-qubit block: 2^16 amplitudes (1 MiB, half of a
    /// core's L2).
    static let blockBits = 16
    /// The most high qubits one sweep takes: blocks of 2^g runs of `2^(16−g)` amplitudes,
    /// so runs stay ≥ 2^8 amplitudes (4 KiB, a page) and stream through the prefetcher.
    static let maximumSweepQubits = 8

    /// The high qubits' groups, one sweep each: `⌈high/8⌉` groups of nearly equal size,
    /// lowest qubits first (e.g. 24 qubits: low 12 in the chunk pass, then 6 + 6).
    static func sweepGroups(qubits: Int, lowQubits: Int) -> [(first: Int, count: Int)] {
        let high = qubits - lowQubits
        guard high > 0 else { return [] }
        let sweeps = (high + maximumSweepQubits - 1) / maximumSweepQubits
        var groups: [(first: Int, count: Int)] = []
        var q = lowQubits
        for k in 0..<sweeps {
            let g = high / sweeps + (k < high % sweeps ? 1 : 0)
            groups.append((q, g))
            q += g
        }
        return groups
    }

    /// The rotations of the high qubits (`q ≥ lowQubits`), one streaming pass per group of
    /// up to 8: a block is the `2^g` runs of `T = 2^(16−g)` consecutive amplitudes that the
    /// group's bits connect (runs `2^{q₀}` amplitudes apart); the group's rotations act on the
    /// block in cache, three qubits at a time on octuples of runs (then two, or one).
    private func highSweeps(
        _ p: SharedPointer<Double>, lowQubits: Int, tangentForm: Bool, t: Double, c: Double, s: Double
    ) {
        let sines = rotationSines(tangentForm ? t : s)
        for (q0, g) in Self.sweepGroups(qubits: qubits, lowQubits: lowQubits) {
            let inner = 1 << q0  // amplitudes below the group's lowest bit
            let run = min(inner, 1 << max(0, Self.blockBits - g))
            let tilesPerOuter = inner / run
            let outers = 1 << (qubits - q0 - g)
            balancedFor(count: outers * tilesPerOuter, grain: 1) { range in
                for task in range {
                    let outer = task / tilesPerOuter
                    let offset = (task % tilesPerOuter) * run
                    let base = p.base + 2 * ((outer << (q0 + g)) + offset)
                    var j = 0
                    while j < g {
                        let width = min(3, g - j)  // qubits j..<j + width at once
                        let member = inner << j  // amplitudes between partners of qubit q0 + j
                        let stride = 1 << width
                        // runs m with bits j..<j + width clear
                        var m = 0
                        while m < (1 << g) {
                            let u = base + 2 * (m << q0)
                            switch (width, tangentForm) {
                            case (3, true): rotateOctuples(u, member: member, count: run, step: 1, 1, sines)
                            case (3, false): rotateOctuples(u, member: member, count: run, step: 1, c, sines)
                            case (2, true): rotateRun(u, member: member, count: run, 1, sines)
                            case (2, false): rotateRun(u, member: member, count: run, c, sines)
                            case (_, true): rotatePairs(u, mask: member, range: 0..<run, 1, sines)
                            case (_, false): rotatePairs(u, mask: member, range: 0..<run, c, sines)
                            }
                            m += 1
                            if m & ((1 << j) - 1) == 0 { m += (stride - 1) << j }
                        }
                        j += width
                    }
                }
            }
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

/// Calls `body(start, count)` for the runs of consecutive groups in `range` (group `g` of
/// `2^shift` members `mask` apart starts at amplitude `(g mod mask) + 2^shift·mask·⌊g/mask⌋`;
/// a run is a stretch of groups with consecutive starts).
@inline(__always)
func forEachGroupRun(_ range: Range<Int>, mask m: Int, shift: Int, _ body: (_ start: Int, _ count: Int) -> Void) {
    var g = range.lowerBound
    while g < range.upperBound {
        let low = g & (m - 1)
        let run = min(m - low, range.upperBound - g)
        body((g - low) << shift | low, run)
        g += run
    }
}

/// The sine of a rotation as the vector `(−s, s)`, so that `c·u + i s·w` on an amplitude
/// `(re, im)` is `c·u + (−s, s)·(w_im, w_re)`: one swap, two multiplications and one addition,
/// with the roundings of the scalar form (`a − b·x = a + (−b)·x` exactly). Not inlined on
/// purpose: where the optimiser sees that the lanes are `±s` it rewrites the product as a
/// subtraction and an addition blended lane by lane, which on SSE2 (no `addsubpd`) costs
/// three more instructions per amplitude.
@inline(never)
func rotationSines(_ s: Double) -> SIMD2<Double> { SIMD2(-s, s) }

/// `c·u + i s·w` on one amplitude (`sv` from ``rotationSines(_:)``); `c` the literal 1 folds away.
@inline(__always)
func rotated(_ u: SIMD2<Double>, _ w: SIMD2<Double>, _ c: Double, _ sv: SIMD2<Double>) -> SIMD2<Double> {
    c * u + sv * SIMD2(w.y, w.x)
}

/// One amplitude `(re, im)` at `p` as a vector (no alignment needed).
@inline(__always)
func loadAmplitude(_ p: UnsafeMutablePointer<Double>) -> SIMD2<Double> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD2<Double>.self)
}

@inline(__always)
func storeAmplitude(_ p: UnsafeMutablePointer<Double>, _ v: SIMD2<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD2<Double>.self)
}

/// `count` consecutive quadruples `(u, u+M, u+2M, u+3M)` (`M = member` amplitudes) under
/// the rotations `(cos α, sin α) = (c, s)` of two qubits (`sv = rotationSines(s)`; the
/// tangent form `1 + i t σx` is `c = 1`, `s = t`).
@inline(__always)
func rotateRun(_ start: UnsafeMutablePointer<Double>, member: Int, count: Int, _ c: Double, _ sv: SIMD2<Double>) {
    rotateQuadruples(start, member: member, count: count, step: 1, c, sv)
}

/// `count` quadruples `(u, u+M, u+2M, u+3M)` whose first members are `step` amplitudes
/// apart. Each amplitude is one SSE2 vector.
@inline(__always)
func rotateQuadruples(
    _ start: UnsafeMutablePointer<Double>, member: Int, count: Int, step: Int, _ c: Double, _ sv: SIMD2<Double>
) {
    let m2 = 2 &* member
    var u = start
    let end = start + 2 &* step &* count
    while u < end {
        let w = u + m2
        let x = w + m2
        let y = x + m2
        let a = loadAmplitude(u), b = loadAmplitude(w), e = loadAmplitude(x), f = loadAmplitude(y)
        // qubit q: (u, w) and (x, y)
        let a1 = rotated(a, b, c, sv), b1 = rotated(b, a, c, sv)
        let e1 = rotated(e, f, c, sv), f1 = rotated(f, e, c, sv)
        // qubit q+1: (u, x) and (w, y)
        storeAmplitude(u, rotated(a1, e1, c, sv))
        storeAmplitude(x, rotated(e1, a1, c, sv))
        storeAmplitude(w, rotated(b1, f1, c, sv))
        storeAmplitude(y, rotated(f1, b1, c, sv))
        u += 2 &* step
    }
}

/// The rotation of one qubit on the pair `(x, y)` (`sv` from ``rotationSines(_:)``).
@inline(__always)
func rotatePair(_ x: inout SIMD2<Double>, _ y: inout SIMD2<Double>, _ c: Double, _ sv: SIMD2<Double>) {
    let x1 = rotated(x, y, c, sv)
    y = rotated(y, x, c, sv)
    x = x1
}

/// `count` octuples `(u + j·M)`, `j = 0…7` (`M = member` amplitudes), whose first members are
/// `step` amplitudes apart, under the rotations of three qubits: one load and one store per
/// amplitude for three qubits (a quadruple takes two).
@inline(__always)
func rotateOctuples(
    _ start: UnsafeMutablePointer<Double>, member: Int, count: Int, step: Int, _ c: Double, _ sv: SIMD2<Double>
) {
    let m2 = 2 &* member
    var u = start
    let end = start + 2 &* step &* count
    while u < end {
        var a0 = loadAmplitude(u), a1 = loadAmplitude(u + m2)
        var a2 = loadAmplitude(u + 2 &* m2), a3 = loadAmplitude(u + 3 &* m2)
        var a4 = loadAmplitude(u + 4 &* m2), a5 = loadAmplitude(u + 5 &* m2)
        var a6 = loadAmplitude(u + 6 &* m2), a7 = loadAmplitude(u + 7 &* m2)
        // qubit q
        rotatePair(&a0, &a1, c, sv)
        rotatePair(&a2, &a3, c, sv)
        rotatePair(&a4, &a5, c, sv)
        rotatePair(&a6, &a7, c, sv)
        // qubit q + 1
        rotatePair(&a0, &a2, c, sv)
        rotatePair(&a1, &a3, c, sv)
        rotatePair(&a4, &a6, c, sv)
        rotatePair(&a5, &a7, c, sv)
        // qubit q + 2
        rotatePair(&a0, &a4, c, sv)
        rotatePair(&a1, &a5, c, sv)
        rotatePair(&a2, &a6, c, sv)
        rotatePair(&a3, &a7, c, sv)
        storeAmplitude(u, a0)
        storeAmplitude(u + m2, a1)
        storeAmplitude(u + 2 &* m2, a2)
        storeAmplitude(u + 3 &* m2, a3)
        storeAmplitude(u + 4 &* m2, a4)
        storeAmplitude(u + 5 &* m2, a5)
        storeAmplitude(u + 6 &* m2, a6)
        storeAmplitude(u + 7 &* m2, a7)
        u += 2 &* step
    }
}

/// Rotations of the `k` qubits `q … q+k−1` (`mask = 2^q`; `k` = 3: octuples, 2: quadruples)
/// on all the groups of `2^k` amplitudes at `v` (a multiple of `2^k·m`): blocks of `2^k·m`
/// amplitudes, each `m` groups in a run; for `m = 1` one loop over the consecutive groups.
/// `k` is a literal at every call, so the branch folds away when this is inlined.
@inline(__always)
func rotateBlockGroups(
    _ v: UnsafeMutablePointer<Double>, mask m: Int, qubits k: Int, amplitudes: Int, _ c: Double, _ sv: SIMD2<Double>
) {
    @inline(__always)
    func groups(_ start: UnsafeMutablePointer<Double>, member: Int, count: Int, step: Int) {
        if k == 3 {
            rotateOctuples(start, member: member, count: count, step: step, c, sv)
        } else {
            rotateQuadruples(start, member: member, count: count, step: step, c, sv)
        }
    }
    if m == 1 {
        groups(v, member: 1, count: amplitudes >> k, step: 1 << k)
        return
    }
    var block = v
    let end = v + 2 &* amplitudes
    while block < end {
        groups(block, member: m, count: m, step: 1)
        block += (2 << k) &* m
    }
}

/// The rotations of `qubits` on the block of `amplitudes` at `v` (a multiple of
/// `2^qubits.upperBound`): three qubits at a time from the lowest, then two or one.
@inline(__always)
func rotateLowQubits(
    _ v: UnsafeMutablePointer<Double>, _ qubits: Range<Int>, amplitudes: Int, _ c: Double, _ sv: SIMD2<Double>
) {
    var q = qubits.lowerBound
    while q + 2 < qubits.upperBound {
        rotateBlockGroups(v, mask: 1 << q, qubits: 3, amplitudes: amplitudes, c, sv)
        q += 3
    }
    if q + 1 < qubits.upperBound {
        rotateBlockGroups(v, mask: 1 << q, qubits: 2, amplitudes: amplitudes, c, sv)
        q += 2
    }
    if q < qubits.upperBound {
        rotatePairs(v, mask: 1 << q, range: 0..<(amplitudes >> 1), c, sv)
    }
}

/// Rotation of qubit `q` (`mask = 2^q`) on the pairs `t ∈ range` (`sv = rotationSines(s)`).
@inline(__always)
func rotatePairs(_ v: UnsafeMutablePointer<Double>, mask m: Int, range: Range<Int>, _ c: Double, _ sv: SIMD2<Double>) {
    forEachGroupRun(range, mask: m, shift: 1) { start, run in
        var u = v + 2 &* start
        let end = u + 2 &* run
        while u < end {
            let w = u + 2 &* m
            let a = loadAmplitude(u), b = loadAmplitude(w)
            storeAmplitude(u, rotated(a, b, c, sv))
            storeAmplitude(w, rotated(b, a, c, sv))
            u += 2
        }
    }
}

/// The Ising phase `e^{−iβE(k)}` without one `sincos` per amplitude.
///
/// Split `k = (hi, lo)` with `lo` the `b` chunk bits. Then
/// `E = E_lo(lo) + E_hi(hi) + Σ_{i<b} zᵢ(lo) Fᵢ(hi)` with `Fᵢ(hi) = Σ_{j≥b} Jᵢⱼ zⱼ(hi)`, so
/// `e^{−iβE} = P_lo(lo) · e^{−iβE_hi} · Π_{i<b} fᵢ^{zᵢ}`, `fᵢ = e^{−iβFᵢ}`. Per pass the 2^b
/// phasors `P_lo` are computed once; per chunk the product over the low spins is built by
/// doubling (2 complex multiplications per amplitude) from `b + 1` sincos. The products
/// carry at most ~2b roundings (≈ 3e-15). In a sector the top qubit is fixed at `z = +1`.
struct PhaseStructure: Sendable {
    let lowBits: Int
    let lowEnergy: [Double]
    let highEnergy: [Double]
    /// `fields[hi·b + i] = Fᵢ(hi)`.
    let fields: [Double]
    /// `Σ|h| + Σ|J| + |offset|`: bounds every partial energy (fast-sincos range check).
    let bound: Double

    init(model: IsingModel, vectorBits: Int, lowBits b: Int, topFixed: Bool) {
        let n = model.qubits
        lowBits = b
        bound = model.energyScale
        let highCount = 1 << (vectorBits - b)
        // spins of the high part (vector bits b..<vectorBits, and the fixed top qubit)
        func highSpin(_ hi: Int, _ j: Int) -> Double {
            if j >= vectorBits { return 1 }  // topFixed: qubit n − 1 is +1 in the even/odd basis
            return (hi >> (j - b)) & 1 == 0 ? 1 : -1
        }
        var low = [Double](repeating: model.offset, count: 1 << b)
        var lowPairs: [Coupling] = []
        var crossPairs: [Coupling] = []
        var highPairs: [Coupling] = []
        for c in model.couplings {
            if c.j < b { lowPairs.append(c) } else if c.i < b { crossPairs.append(c) } else { highPairs.append(c) }
        }
        for lo in 0..<(1 << b) {
            var e = low[lo]
            for i in 0..<b { e += model.h[i] * ((lo >> i) & 1 == 0 ? 1 : -1) }
            for c in lowPairs { e += c.value * (((lo >> c.i) ^ (lo >> c.j)) & 1 == 0 ? 1 : -1) }
            low[lo] = e
        }
        var high = [Double](repeating: 0, count: highCount)
        var f = [Double](repeating: 0, count: highCount * b)
        let top = topFixed ? n : vectorBits
        for hi in 0..<highCount {
            var e = 0.0
            for j in b..<top { e += model.h[j] * highSpin(hi, j) }
            for c in highPairs { e += c.value * highSpin(hi, c.i) * highSpin(hi, c.j) }
            high[hi] = e
            for c in crossPairs { f[hi * b + c.i] += c.value * highSpin(hi, c.j) }
        }
        lowEnergy = low
        highEnergy = high
        fields = f
    }

    /// `P_lo(lo) = e^{−iβE_lo(lo)}`, 2^b complex as two planes: the real parts, then the
    /// imaginary parts (caller deallocates).
    func lowPhases(beta: Double) -> UnsafeMutablePointer<Double> {
        let count = 1 << lowBits
        let out = UnsafeMutablePointer<Double>.allocate(capacity: 2 * count)
        let fast = abs(beta) * bound <= FastTrig.maximumArgument
        let target = SharedPointer(out)
        // One sincos per entry, on both cores: at 14 qubits this table is a quarter of the
        // register, and serially it cost ~15% of a split pass.
        lowEnergy.withUnsafeBufferPointer { energies in
            let e = SharedReadPointer(energies.baseAddress!)  // safe: count = 2^b ≥ 1
            Parallel.forEachChunk(count: count, minimumChunk: 1024) { range in
                for lo in range {
                    let x = beta * e[lo]
                    let (sn, cs) = fast ? FastTrig.sinCos(x) : (sin(x), cos(x))
                    target[lo] = cs
                    target[count + lo] = -sn
                }
            }
        }
        return out
    }

    /// Multiplies the chunk `high` (2^b amplitudes at `v`) by `scale·e^{−iβE}`.
    ///
    /// With all low spins up the phase is `g₀ = e^{−iβ(E_hi + Σᵢ Fᵢ)}`; flipping spin `i`
    /// multiplies it by `dᵢ = conj(fᵢ)² = e^{2iβFᵢ}`. So `Π fᵢ^{zᵢ} · e^{−iβE_hi} = g_A(lo_A)·g_B(lo_B)`
    /// with `lo_A` the low ⌈b/2⌉ bits and `lo_B` the rest: two tables of 2^{b/2} entries built
    /// by doubling (one multiplication per entry), and per amplitude three complex
    /// multiplications (`g_A·g_B`, `·P_lo`, `·ψ`) on planes that vectorise. `scratch` holds
    /// at least `2(2^{⌈b/2⌉} + 2^{⌊b/2⌋})` values. `afterRow` runs on each row (the `2^{⌈b/2⌉}`
    /// amplitudes of one `lo_B`) just after its phase, while the row is in L1.
    /// Bits of a row: the chunk is multiplied row by row, `2^rowBits` amplitudes each.
    var rowBits: Int { (lowBits + 1) / 2 }

    @inline(__always)
    func applyChunk(
        _ v: UnsafeMutablePointer<Double>, high hi: Int, beta: Double, scale: Double, lowPhase: UnsafePointer<Double>,
        scratch g: UnsafeMutablePointer<Double>,
        afterRow: (_ row: UnsafeMutablePointer<Double>, _ amplitudes: Int) -> Void = { _, _ in }
    ) {
        let b = lowBits
        let fast = abs(beta) * bound <= FastTrig.maximumArgument
        func phasor(_ x: Double) -> (Double, Double) {
            let (sn, cs) = fast ? FastTrig.sinCos(x) : (sin(x), cos(x))
            return (cs, -sn)
        }
        let bitsA = rowBits
        let countA = 1 << bitsA
        let countB = 1 << (b - bitsA)
        // planes: g_A re, g_A im, g_B re, g_B im
        let aRe = g, aIm = g + countA, bRe = g + 2 * countA, bIm = bRe + countB
        fields.withUnsafeBufferPointer { fp in
            let f = fp.baseAddress! + hi * b  // safe: b ≥ 1
            var sum = highEnergy[hi]
            for i in 0..<b { sum += f[i] }
            let (g0r, g0i) = phasor(beta * sum)
            aRe[0] = scale * g0r
            aIm[0] = scale * g0i
            bRe[0] = 1
            bIm[0] = 0
            for i in 0..<b {
                let (fr, fi) = phasor(beta * f[i])
                // d = conj(f)²
                let dr = fr * fr - fi * fi
                let di = -2 * fr * fi
                let (re, im, half) = i < bitsA ? (aRe, aIm, 1 << i) : (bRe, bIm, 1 << (i - bitsA))
                for lo in 0..<half {
                    let gr = re[lo]
                    let gi = im[lo]
                    re[lo + half] = gr * dr - gi * di
                    im[lo + half] = gr * di + gi * dr
                }
            }
        }
        let count = 1 << b
        for r in 0..<countB {
            let br = bRe[r]
            let bi = bIm[r]
            let base = r << bitsA
            let lRe = lowPhase + base
            let lIm = lowPhase + count + base
            let w = v + 2 * base
            for k in 0..<countA {
                let tr = aRe[k] * br - aIm[k] * bi
                let ti = aRe[k] * bi + aIm[k] * br
                let pr = lRe[k] * tr - lIm[k] * ti
                let pi = lRe[k] * ti + lIm[k] * tr
                let re = w[2 * k]
                let im = w[2 * k + 1]
                w[2 * k] = re * pr - im * pi
                w[2 * k + 1] = re * pi + im * pr
            }
            afterRow(w, countA)
        }
    }
}
