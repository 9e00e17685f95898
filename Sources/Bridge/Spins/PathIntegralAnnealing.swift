import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The boundary condition of the slices in imaginary time.
public enum TrotterBoundary: String, Sendable, CaseIterable, Codable {
    /// `z^{M+1} = z¹`: the trace `Tr e^{−βH}`, the thermal state at `β` (the default).
    case periodic
    /// Free ends: `⟨+|e^{−βH}|+⟩` with the trial state `|+⟩^⊗n` (the ground state at `s = 0`),
    /// `M − 1` imaginary-time bonds; the slices far from the ends sample the ground state as
    /// `β` grows (open-boundary path-integral Monte Carlo).
    case open
}

/// Settings of ``PathIntegralAnnealing``.
public struct PathIntegralOptions: Sendable, Equatable {
    /// Independent runs (reads).
    public var samples: Int = 1000
    /// Sweeps per read. One sweep is a Metropolis pass over all `n·M` slice spins, then one
    /// world-line cluster update of each of the `n` spins.
    public var sweeps: Int = 1000
    /// Trotter slices `M` (nil: ``PathIntegralAnnealing/defaultSlices``).
    public var slices: Int? = nil
    /// Inverse temperature `β` (nil: ``PathIntegralAnnealing/defaultBeta(_:finalB:slices:)``).
    public var beta: Double? = nil
    public var boundary: TrotterBoundary = .periodic
    public var seed: UInt64 = 20_260_605

    public init(
        samples: Int = 1000, sweeps: Int = 1000, slices: Int? = nil, beta: Double? = nil, boundary: TrotterBoundary = .periodic,
        seed: UInt64 = 20_260_605
    ) {
        self.boundary = boundary
        self.samples = samples
        self.sweeps = sweeps
        self.slices = slices
        self.beta = beta
        self.seed = seed
    }

    func validate() throws {
        try Check.sampleCount(samples)
        try Check.positive(sweeps, "sample.sweeps")
        try Self.validate(slices: slices, beta: beta)
    }

    /// The checks of the optional Trotter slices and `β`, also the sampler's request check
    /// (``PathIntegralSampler``), so that a bad value is refused before any work.
    static func validate(slices: Int?, beta: Double?) throws {
        if let m = slices {
            guard m >= 2 else {
                throw InputError(
                    "sample.trotter_slices", "must be at least 2 (got \(m))",
                    hint: "the Trotter decomposition needs M ≥ 2 slices; its error falls as 1/M²")
            }
            guard m <= 65_536 else { throw InputError("sample.trotter_slices", "must be at most 65536 (got \(m))") }
        }
        if let b = beta, !(b.isFinite && b > 0) {
            throw InputError(
                "sample.beta", "must be a finite number > 0 (got \(b))",
                hint: "β is the inverse temperature of the quantum system")
        }
    }
}

/// Path-integral (simulated quantum) annealing: the transverse-field path
/// `H(s) = −A(s)Σσxᵢ + B(s)H_P` at inverse temperature `β`, Suzuki–Trotter decomposed into
/// `M` coupled classical slices, and sampled by Monte Carlo while `s` follows the schedule
/// (docs/sqa.md derives every formula here).
///
/// **The classical system.** With `ε = βA/M`, `⟨z|e^{εσx}|z'⟩ = C e^{K⊥ z z'}`,
/// `K⊥ = −½ ln tanh ε`, so
///
///     Z = Tr e^{−βH} ≈ C^{nM} Σ_{z¹…zᴹ} exp(−(β/M) Σₖ B E(zᵏ) + K⊥ Σᵢₖ zᵢᵏ zᵢᵏ⁺¹),  z^{M+1} = z¹ ,
///
/// that is `e^{−βH_eff}` with `H_eff = Σₖ (B/M) E(zᵏ) − J⊥ Σᵢₖ zᵢᵏzᵢᵏ⁺¹`, `J⊥ = K⊥/β`: each slice
/// carries the couplings `B·J/M`, and each spin's world line is a periodic ferromagnetic chain
/// in imaginary time. The error of observables is `O((β/M)²)` (the trace makes the splitting
/// symmetric).
///
/// **Moves.** A sweep is (1) Metropolis single-spin flips of every slice spin in order,
/// `ΔH_eff = −2zᵢᵏ[(B/M)fᵢᵏ − J⊥(zᵢᵏ⁻¹ + zᵢᵏ⁺¹)]` with `fᵢᵏ = hᵢ + Σⱼ Jᵢⱼ zⱼᵏ` kept up to date;
/// then (2) for each spin a Swendsen–Wang update of its world line: each satisfied
/// imaginary-time bond is frozen with probability `1 − e^{−2K⊥} = 1 − tanh ε`, and each
/// segment between broken bonds is flipped with the Metropolis probability of its classical
/// energy change `Σₖ (B/M)(−2zᵢᵏfᵢᵏ)`. Near the end of the anneal `K⊥` is large, single flips
/// inside a world line are frozen, and only the cluster move turns whole world lines.
///
/// **Reads.** Each read starts from independent random slices (or, for a reverse anneal,
/// every slice in the initial state), makes `sweeps` sweeps with sweep `t` at
/// `s = s((t + ½)/sweeps)`, and reports its lowest-energy slice.
public enum PathIntegralAnnealing {
    /// Default Trotter slices. With the default `β ∝ M` it sets the temperature `B·J_rms/M` of
    /// the quantum system: at 32, a bias-sized excitation weighs `e^{−64}` at the end of the
    /// anneal, while a sweep costs `32n` spin updates (docs/sqa.md).
    public static let defaultSlices = 32

    /// Default `β = M/(B_end·J_rms)`: each slice sits at temperature `B_end·J_rms` (`P·T = 1`
    /// in units of the typical bias, Martoňák–Santoro–Tosatti's choice for the ±J glass), where
    /// `J_rms` is the root mean square of the non-zero `hᵢ` and `Jᵢⱼ` and `B_end = B(s_end)`.
    public static func defaultBeta(_ model: IsingModel, finalB: Double, slices: Int) -> Double {
        var sum = 0.0
        var count = 0
        for x in model.h where x != 0 {
            sum += x * x
            count += 1
        }
        for c in model.couplings where c.value != 0 {
            sum += c.value * c.value
            count += 1
        }
        let rms = count > 0 ? (sum / Double(count)).squareRoot() : 1
        let scale = rms * abs(finalB)
        return Double(slices) / (scale > 0 ? scale : 1)
    }

    /// `K⊥ = βJ⊥ = −½ ln tanh(βA/M)` (dimensionless), capped at 1e300 when `A → 0`.
    public static func trotterCoupling(a: Double, beta: Double, slices: Int) -> Double {
        let epsilon = beta * a / Double(slices)
        guard epsilon > 0 else { return 1e300 }
        let k = -0.5 * log(tanh(epsilon))
        return k.isFinite ? min(k, 1e300) : 1e300
    }

    /// Runs path-integral annealing along `path` with `schedule`.
    ///
    /// - Parameters:
    ///   - groundEnergy: the known ground energy (a file's `ground_energy`); nil: exact
    ///     enumeration up to ``SpinReadout/enumerationLimit`` spins, else the best read.
    ///   - initialSpins: a classical start for every slice (a reverse anneal).
    /// - Throws: for `M < 2`, `β ≤ 0`, a transverse field that does not vanish at the end of the
    ///   schedule, or an instance too large for memory.
    public static func run(
        _ model: IsingModel, path: AnnealingPath, schedule: Schedule, options: PathIntegralOptions = PathIntegralOptions(),
        groundEnergy: Double? = nil, initialSpins: [Int]? = nil
    ) throws -> SpinSampleResult {
        try options.validate()
        let n = model.qubits
        guard n >= 1 else { throw InputError("model", "has no variables") }
        guard path.driver == .transverseField else {
            throw InputError(
                "PROBLEM",
                "path-integral annealing needs the transverse-field driver (this path's driver is \(path.driver.rawValue))")
        }
        let slices = options.slices ?? defaultSlices
        try SpinReadout.checkMemory(qubits: n, couplings: model.couplings.count, reads: options.samples, slices: slices)
        let sEnd = schedule.progress(at: 1)
        let (aEnd, bEnd) = path.coefficients(at: sEnd)
        let aStart = path.coefficients(at: schedule.progress(at: 0)).a
        let aScale = max(aStart, path.coefficients(at: 0).a, 1e-300)
        guard aEnd <= 1e-3 * aScale else {
            throw InputError(
                "schedule",
                "the transverse field does not vanish at the end of the anneal: A(s = \(format(sEnd))) = \(format(aEnd)) (A at the start: \(format(aScale)))",
                hint: "the slices would not end in classical states; use a path with A(1) = 0 and a schedule that ends at s = 1")
        }
        if let z = initialSpins {
            guard z.count == n, z.allSatisfy({ $0 == 1 || $0 == -1 }) else {
                throw InputError("initial_state", "must hold \(n) spins ±1")
            }
        }
        let beta = options.beta ?? defaultBeta(model, finalB: bEnd, slices: slices)
        let sweeps = options.sweeps
        // Coefficients of every sweep, at the midpoint of its time step.
        var plan: [(bcl: Double, kp: Double, bond: Double)] = []
        plan.reserveCapacity(sweeps)
        for t in 0..<sweeps {
            let s = schedule.progress(at: (Double(t) + 0.5) / Double(sweeps))
            let (a, b) = path.coefficients(at: s)
            let kp = trotterCoupling(a: a, beta: beta, slices: slices)
            plan.append((beta * b / Double(slices), kp, -expm1(-2 * kp)))
        }
        let steps = plan
        let graph = CSRGraph(model)
        let samples = options.samples
        let start = initialSpins.map { $0.map { Int8($0) } }
        let open = options.boundary == .open
        let reads = try SpinReads(
            samples: samples, qubits: n, seed: options.seed, blockSize: 4,
            scratch: { TrotterReplica(graph: graph, slices: slices, open: open) }
        ) { replica, rng, out in
            replica.initialise(start, rng: &rng)
            for step in steps { replica.sweep(bcl: step.bcl, kp: step.kp, bond: step.bond, rng: &rng) }
            let (k, energy) = replica.lowestSlice()
            replica.copySlice(k, to: out)
            return energy
        }
        let elapsed = reads.statistics.seconds
        let sweepRate = elapsed > 0 ? Double(sweeps) * Double(samples) / elapsed : nil
        var settings: [String: SettingValue] = [
            "sweeps": SettingValue(sweeps), "trotter_slices": SettingValue(slices), "beta": SettingValue(beta),
            "boundary": .text(options.boundary.rawValue), "readout": "lowest-energy slice", "schedule": .text(schedule.name),
            "trotter_coupling_start": SettingValue(plan.first?.kp ?? 0), "trotter_coupling_end": SettingValue(plan.last?.kp ?? 0),
        ]
        if let rate = sweepRate { settings["spin_updates_per_second"] = SettingValue(rate * Double(n * slices)) }
        return try SpinReadout.summarise(
            sampler: "path-integral", model: model, energies: reads.energies,
            states: SpinReadout.basisStates(reads.spins, qubits: n, reads: samples), reference: groundEnergy,
            sweepsPerRead: Double(sweeps), seed: options.seed, settings: settings, statistics: reads.statistics,
            sweepsPerSecond: sweepRate)
    }

    /// Equilibrium estimates of the Trotterised thermal state of `H = −aΣσx + b·H_P` at `β`.
    public struct Equilibrium: Sendable {
        /// `⟨H_P⟩` (slice average) and its standard error over reads.
        public var problemEnergy: Double
        public var problemEnergyStderr: Double
        /// `⟨Σᵢσxᵢ⟩` from the imaginary-time bonds (`tanh ε` per aligned, `coth ε` per broken bond).
        public var transverse: Double
        public var transverseStderr: Double
        /// `⟨H⟩ = b⟨H_P⟩ − a⟨Σσx⟩`, with its standard error over reads.
        public var energy: Double
        public var energyStderr: Double
        /// `⟨σzᵢσzⱼ⟩` (row-major `n × n`) and standard errors.
        public var correlations: [Double]
        public var correlationStderrs: [Double]
    }

    /// Samples the Trotterised thermal state at fixed `(a, b)`: `reads` independent replicas,
    /// each `burnIn` sweeps from random slices, then `measurements` sweeps with the estimators
    /// taken after each. Standard errors come from the spread of the reads' means.
    public static func equilibrium(
        _ model: IsingModel, a: Double, b: Double, beta: Double, slices: Int, reads: Int, burnIn: Int, measurements: Int,
        boundary: TrotterBoundary = .periodic, seed: UInt64
    ) throws -> Equilibrium {
        try PathIntegralOptions(samples: reads, sweeps: burnIn + measurements, slices: slices, beta: beta).validate()
        guard a > 0 else { throw InputError("a", "must be positive (got \(a))") }
        let n = model.qubits
        let graph = CSRGraph(model)
        let kp = trotterCoupling(a: a, beta: beta, slices: slices)
        let bcl = beta * b / Double(slices)
        let bond = -expm1(-2 * kp)
        let epsilon = beta * a / Double(slices)
        let (tanhE, cothE) = (tanh(epsilon), 1 / tanh(epsilon))
        let width = 2 + n * n
        let results = ResultSlots<[Double]>(count: reads)
        let streams = try SampleStreams(seed: seed, samples: reads, blockSize: 8)
        Parallel.forEachTask(streams.blocks) { block in
            var rng = Xoshiro256(seed: streams.stream(block))
            var replica = TrotterReplica(graph: graph, slices: slices, open: boundary == .open)
            for r in streams.range(block, samples: reads) {
                replica.initialise(nil, rng: &rng)
                for _ in 0..<burnIn { replica.sweep(bcl: bcl, kp: kp, bond: bond, rng: &rng) }
                var sums = [Double](repeating: 0, count: width)
                for _ in 0..<measurements {
                    replica.sweep(bcl: bcl, kp: kp, bond: bond, rng: &rng)
                    replica.accumulate(into: &sums, tanhE: tanhE, cothE: cothE)
                }
                results.store(r, sums.map { $0 / Double(measurements) })
            }
        }
        let rows = results.values
        func stats(_ values: [Double]) -> (Double, Double) {
            let m = values.reduce(0, +) / Double(values.count)
            let v = values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(values.count - 1, 1))
            return (m, (v / Double(values.count)).squareRoot())
        }
        let hp = stats(rows.map { $0[0] })
        let sx = stats(rows.map { $0[1] })
        let h = stats(rows.map { b * $0[0] - a * $0[1] })
        var corr = [Double](repeating: 0, count: n * n)
        var corrErr = [Double](repeating: 0, count: n * n)
        for k in 0..<(n * n) {
            let c = stats(rows.map { $0[2 + k] })
            corr[k] = c.0
            corrErr[k] = c.1
        }
        return Equilibrium(
            problemEnergy: hp.0, problemEnergyStderr: hp.1, transverse: sx.0, transverseStderr: sx.1, energy: h.0,
            energyStderr: h.1, correlations: corr, correlationStderrs: corrErr)
    }
}

/// One Trotter replica: `M` slices of `n` spins (slice-major) with their classical local
/// fields, and the two moves of ``PathIntegralAnnealing``.
struct TrotterReplica {
    let graph: CSRGraph
    let n: Int
    let m: Int
    /// Open boundaries: no bond between slice `M − 1` and slice 0.
    let open: Bool
    var z: [Int8]
    var f: [Double]
    /// Scratch: which imaginary-time bonds of one world line are broken.
    var broken: [Bool]

    init(graph: CSRGraph, slices: Int, open: Bool = false) {
        self.graph = graph
        self.open = open
        n = graph.n
        m = slices
        z = [Int8](repeating: 1, count: n * slices)
        f = [Double](repeating: 0, count: n * slices)
        broken = [Bool](repeating: false, count: slices)
    }

    /// Random independent slices, or every slice in `start`; then the local fields.
    mutating func initialise(_ start: [Int8]?, rng: inout Xoshiro256) {
        let (n, m, graph) = (n, m, graph)
        z.withUnsafeMutableBufferPointer { zp in
            f.withUnsafeMutableBufferPointer { fp in
                for k in 0..<m {
                    for i in 0..<n { zp[k * n + i] = start?[i] ?? (rng.uniform() < 0.5 ? 1 : -1) }
                    graph.localFields(zp.baseAddress! + k * n, into: fp.baseAddress! + k * n)  // safe: n·m ≥ 2
                }
            }
        }
    }

    /// One sweep: Metropolis over every slice spin, then a world-line cluster update per spin.
    /// `bcl = βB/M`, `kp = K⊥`, `bond = 1 − e^{−2K⊥}`.
    @inline(__always)
    mutating func sweep(bcl: Double, kp: Double, bond: Double, rng: inout Xoshiro256) {
        let (n, m, open) = (n, m, open)
        let threshold = 44.0  // e^{−44} < 1e−19: below the resolution of a uniform draw
        graph.offsets.withUnsafeBufferPointer { op in
            graph.neighbours.withUnsafeBufferPointer { np in
                graph.couplings.withUnsafeBufferPointer { cp in
                    z.withUnsafeMutableBufferPointer { zb in
                        f.withUnsafeMutableBufferPointer { fb in
                            broken.withUnsafeMutableBufferPointer { bb in
                                let z = zb.baseAddress!  // safe: n·m ≥ 2
                                let f = fb.baseAddress!  // safe: n·m ≥ 2
                                let br = bb.baseAddress!  // safe: m ≥ 2
                                @inline(__always) func flip(_ k: Int, _ i: Int) {
                                    let idx = k * n + i
                                    let change = -2 * Double(z[idx])
                                    z[idx] = -z[idx]
                                    let fk = f + k * n
                                    for q in Int(op[i])..<Int(op[i + 1]) { fk[Int(np[q])] += cp[q] * change }
                                }
                                // (1) Metropolis single-spin moves.
                                for k in 0..<m {
                                    let base = k * n
                                    let up = (k + 1 == m ? 0 : k + 1) * n
                                    let down = (k == 0 ? m - 1 : k - 1) * n
                                    let wUp = open && k + 1 == m ? 0 : 1
                                    let wDown = open && k == 0 ? 0 : 1
                                    for i in 0..<n {
                                        let s = Double(z[base + i])
                                        let neighbours = Double(wUp * Int(z[up + i]) + wDown * Int(z[down + i]))
                                        let x = -2 * s * (bcl * f[base + i] - kp * neighbours)
                                        var accept = x <= 0
                                        if !accept && x < threshold { accept = rng.uniform() < exp(-x) }
                                        if accept { flip(k, i) }
                                    }
                                }
                                // (2) Swendsen–Wang segments along each world line.
                                for i in 0..<n {
                                    var first = -1
                                    for k in 0..<m {
                                        let next = k + 1 == m ? 0 : k + 1
                                        let frozen =
                                            !(open && next == 0) && z[k * n + i] == z[next * n + i]
                                            && (bond >= 1 || rng.uniform() < bond)
                                        br[k] = !frozen
                                        if !frozen && first < 0 { first = k }
                                    }
                                    if first < 0 {
                                        // One cluster: the whole world line.
                                        var delta = 0.0
                                        for k in 0..<m { delta -= 2 * Double(z[k * n + i]) * f[k * n + i] }
                                        let x = bcl * delta
                                        if x <= 0 || (x < threshold && rng.uniform() < exp(-x)) {
                                            for k in 0..<m { flip(k, i) }
                                        }
                                        continue
                                    }
                                    // Segments start after a broken bond; walk once around the ring.
                                    var start = first + 1 == m ? 0 : first + 1
                                    var walked = 0
                                    while walked < m {
                                        var delta = 0.0
                                        var length = 0
                                        var k = start
                                        while true {
                                            delta -= 2 * Double(z[k * n + i]) * f[k * n + i]
                                            length += 1
                                            if br[k] { break }
                                            k = k + 1 == m ? 0 : k + 1
                                        }
                                        let x = bcl * delta
                                        if x <= 0 || (x < threshold && rng.uniform() < exp(-x)) {
                                            var q = start
                                            for _ in 0..<length {
                                                flip(q, i)
                                                q = q + 1 == m ? 0 : q + 1
                                            }
                                        }
                                        walked += length
                                        start = k + 1 == m ? 0 : k + 1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The slice of lowest classical energy and that energy.
    mutating func lowestSlice() -> (Int, Double) {
        let (n, m, graph) = (n, m, graph)
        return z.withUnsafeMutableBufferPointer { zp in
            var best = (0, Double.infinity)
            for k in 0..<m {
                let e = graph.energy(zp.baseAddress! + k * n)  // safe: n·m ≥ 2
                if e < best.1 { best = (k, e) }
            }
            return best
        }
    }

    func copySlice(_ k: Int, to out: UnsafeMutablePointer<Int8>) {
        for i in 0..<n { out[i] = z[k * n + i] }
    }

    /// Adds `⟨H_P⟩` (slice average), `Σᵢ⟨σxᵢ⟩` (bond estimator) and `⟨zᵢzⱼ⟩` (slice average).
    mutating func accumulate(into sums: inout [Double], tanhE: Double, cothE: Double) {
        let (n, m, graph) = (n, m, graph)
        var energy = 0.0
        z.withUnsafeMutableBufferPointer { zp in
            for k in 0..<m { energy += graph.energy(zp.baseAddress! + k * n) }  // safe: n·m ≥ 2
        }
        sums[0] += energy / Double(m)
        var sx = 0.0
        let bonds = open ? m - 1 : m
        for i in 0..<n {
            for k in 0..<bonds {
                let next = k + 1 == m ? 0 : k + 1
                sx += z[k * n + i] == z[next * n + i] ? tanhE : cothE
            }
        }
        sums[1] += sx / Double(bonds)
        for k in 0..<m {
            for i in 0..<n {
                let zi = Double(z[k * n + i])
                for j in 0..<n { sums[2 + i * n + j] += zi * Double(z[k * n + j]) / Double(m) }
            }
        }
    }
}
