import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// How `β` moves from `β_hot` to `β_cold` over the sweeps.
public enum BetaScheduleKind: String, Sendable, CaseIterable, Codable {
    /// `β_k = β_hot + k(β_cold − β_hot)/(K−1)`.
    case linear
    /// `β_k = β_hot (β_cold/β_hot)^{k/(K−1)}` (dwave-samplers' default).
    case geometric
}

/// Settings of ``SimulatedAnnealing``.
public struct SimulatedAnnealingOptions: Sendable, Equatable {
    /// Independent runs (reads).
    public var samples: Int = 1000
    /// Metropolis sweeps per run (one sweep proposes a flip of every spin once, in order).
    public var sweeps: Int = 1000
    /// Sweeps at each `β` (the schedule has `sweeps / sweepsPerBeta` values).
    public var sweepsPerBeta: Int = 1
    public var schedule: BetaScheduleKind = .geometric
    /// `(β_hot, β_cold)`; nil: ``SimulatedAnnealing/defaultBetaRange(_:)``.
    public var betaRange: (hot: Double, cold: Double)? = nil
    public var seed: UInt64 = 20_260_605
    /// `β` follows an annealing schedule along a transverse-field path through the
    /// flip-diffusion map (``PathTemperature``) instead of ``schedule``; nil: ``schedule``.
    public var follow: (path: AnnealingPath, schedule: Schedule)? = nil

    public init(
        samples: Int = 1000, sweeps: Int = 1000, sweepsPerBeta: Int = 1, schedule: BetaScheduleKind = .geometric,
        betaRange: (hot: Double, cold: Double)? = nil, seed: UInt64 = 20_260_605,
        follow: (path: AnnealingPath, schedule: Schedule)? = nil
    ) {
        self.follow = follow
        self.samples = samples
        self.sweeps = sweeps
        self.sweepsPerBeta = sweepsPerBeta
        self.schedule = schedule
        self.betaRange = betaRange
        self.seed = seed
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.samples == b.samples && a.sweeps == b.sweeps && a.sweepsPerBeta == b.sweepsPerBeta && a.schedule == b.schedule
            && a.betaRange?.hot == b.betaRange?.hot && a.betaRange?.cold == b.betaRange?.cold && a.seed == b.seed
            && a.follow?.schedule == b.follow?.schedule && a.follow?.path.description == b.follow?.path.description
    }

    func validate() throws {
        try Check.sampleCount(samples)
        try Check.positive(sweeps, "sample.sweeps")
        guard sweepsPerBeta >= 1, sweepsPerBeta <= sweeps else {
            throw InputError("sweeps per beta", "must be 1…\(sweeps) (got \(sweepsPerBeta))")
        }
        if let r = betaRange {
            guard r.hot.isFinite, r.cold.isFinite, r.hot >= 0, r.cold > 0 else {
                throw InputError("sample.beta_range", "needs finite β_hot ≥ 0 and β_cold > 0 (got \(r.hot), \(r.cold))")
            }
            if follow == nil && schedule == .geometric && r.hot == 0 {
                throw InputError(
                    "sample.beta_range", "a geometric schedule needs β_hot > 0",
                    hint: "use the linear β schedule to start at β = 0")
            }
        }
    }
}

/// The classical baseline: simulated annealing with single-spin Metropolis updates, in sweeps,
/// as in dwave-samplers' `SimulatedAnnealingSampler` (sequential sweeps over the variables,
/// random initial states, linear or geometric `β` schedules, the same default `β` range).
///
/// **Speed.** The model is flattened to CSR neighbour lists (`Int32` indices, `Double`
/// couplings) and every spin's local field `fᵢ = hᵢ + Σⱼ Jᵢⱼ zⱼ` is kept up to date, so a
/// proposal costs one comparison (`ΔE = −2zᵢfᵢ`), a uniform draw only when `0 < βΔE < 44`
/// (beyond, `e^{−βΔE} < 10⁻¹⁹` is below the uniform draw's resolution), an exponential only
/// when the draw falls between the bounds `1 − x ≤ e^{−x} ≤ 1/(1 + x + x²/2)` and, on acceptance,
/// `deg(i)` field updates. Runs are independent and spread over all cores in fixed blocks
/// with their own streams.
public enum SimulatedAnnealing {
    /// dwave-samplers' default `(β_hot, β_cold)`: at `β_hot` the spin with the largest possible
    /// energy change `2 max_i(|hᵢ| + Σⱼ|Jᵢⱼ|)` still flips with probability ½; at `β_cold` the
    /// smallest non-zero bias `b_min` gives each of the `N_min` spins carrying it an
    /// excitation probability 1% (`β_cold = ln(N_min/0.01)/(2 b_min)`).
    public static func defaultBetaRange(_ model: IsingModel) -> (hot: Double, cold: Double) {
        let n = model.qubits
        var sum = model.h.map { abs($0) }
        var smallest = model.h.map { $0 == 0 ? Double.infinity : abs($0) }
        for c in model.couplings {
            sum[c.i] += abs(c.value)
            sum[c.j] += abs(c.value)
            if c.value != 0 {
                smallest[c.i] = min(smallest[c.i], abs(c.value))
                smallest[c.j] = min(smallest[c.j], abs(c.value))
            }
        }
        let finite = smallest.filter { $0.isFinite }
        guard n > 0, let minimum = finite.min() else { return (0.1, 1) }
        let maxField = sum.max() ?? 0
        let hot = maxField > 0 ? log(2) / (2 * maxField) : 1
        let count = Double(finite.filter { $0 == minimum }.count)
        let cold = log(count / 0.01) / (2 * minimum)
        return (hot, cold)
    }

    /// The `β` of each schedule step.
    public static func betas(_ options: SimulatedAnnealingOptions, range: (hot: Double, cold: Double)) -> [Double] {
        let steps = max(1, options.sweeps / options.sweepsPerBeta)
        if steps == 1 { return [range.cold] }
        return (0..<steps).map { k in
            let f = Double(k) / Double(steps - 1)
            switch options.schedule {
            case .linear: return range.hot + f * (range.cold - range.hot)
            case .geometric: return range.hot * pow(range.cold / range.hot, f)
            }
        }
    }

    /// Runs simulated annealing on `model`, on instances of any size: the model is kept as
    /// neighbour lists and the reads as `samples × n` spins; nothing of size `2ⁿ` is built.
    ///
    /// - Parameter groundEnergy: the ground energy if known (a problem file's
    ///   `ground_energy`); nil: exact enumeration for up to ``SpinReadout/enumerationLimit``
    ///   spins, otherwise the best energy found (`ground_energy_source` says which).
    public static func run(
        _ model: IsingModel, options: SimulatedAnnealingOptions = SimulatedAnnealingOptions(), groundEnergy: Double? = nil
    )
        throws -> SpinSampleResult
    {
        try options.validate()
        let n = model.qubits
        guard n >= 1 else { throw InputError("model", "has no variables") }
        try SpinReadout.checkMemory(qubits: n, couplings: model.couplings.count, reads: options.samples, slices: 1)
        let range: (hot: Double, cold: Double)
        let schedule: [Double]
        var followed: PathTemperature? = nil
        if let follow = options.follow {
            // The schedule's β(s) through the flip-diffusion map, from β = 0 unless a range is given.
            range = options.betaRange ?? (0, defaultBetaRange(model).cold)
            let map = try PathTemperature(model: model, path: follow.path, schedule: follow.schedule, range: range)
            schedule = map.betas(steps: max(1, options.sweeps / options.sweepsPerBeta))
            followed = map
        } else {
            range = options.betaRange ?? defaultBetaRange(model)
            schedule = betas(options, range: range)
        }
        let graph = CSRGraph(model)
        let samples = options.samples
        let perBeta = options.sweepsPerBeta
        let reads = try SpinReads(
            samples: samples, qubits: n, seed: options.seed, blockSize: 16,
            scratch: { [Double](repeating: 0, count: n) }
        ) { field, rng, zr in
            for i in 0..<n { zr[i] = rng.uniform() < 0.5 ? 1 : -1 }
            field.withUnsafeMutableBufferPointer { fp in
                let f = fp.baseAddress!  // safe: n ≥ 1
                graph.localFields(zr, into: f)
                for beta in schedule {
                    for _ in 0..<perBeta { graph.sweep(zr, fields: f, beta: beta, rng: &rng) }
                }
            }
            return graph.energy(zr)
        }
        let elapsed = reads.statistics.seconds
        var settings: [String: SettingValue] = [
            "sweeps": SettingValue(options.sweeps), "sweeps_per_beta": SettingValue(perBeta),
            "beta_schedule": .text(options.schedule.rawValue), "beta_hot": SettingValue(range.hot),
            "beta_cold": SettingValue(range.cold),
        ]
        if let map = followed {
            settings["beta_schedule"] = .text("path")
            settings["schedule"] = .text(map.schedule.name)
            settings["field_scale"] = SettingValue(map.fieldScale)
            settings["beta_map"] = .text(map.note)
            settings["beta_start"] = SettingValue(schedule.first ?? 0)
            settings["beta_end"] = SettingValue(schedule.last ?? 0)
        }
        return try SpinReadout.summarise(
            sampler: "simulated-annealing", model: model, energies: reads.energies,
            states: SpinReadout.basisStates(reads.spins, qubits: n, reads: samples), reference: groundEnergy,
            sweepsPerRead: Double(options.sweeps), seed: options.seed, settings: settings, statistics: reads.statistics,
            sweepsPerSecond: elapsed > 0 ? Double(options.sweeps) * Double(samples) / elapsed : nil)
    }

    /// Largest model whose ground energy is found by enumeration when not given.
    public static let enumerationLimit = SpinReadout.enumerationLimit
}

/// An Ising model as contiguous neighbour lists, with the Metropolis sweep.
struct CSRGraph: @unchecked Sendable {
    let n: Int
    let h: [Double]
    let offsets: [Int32]
    let neighbours: [Int32]
    let couplings: [Double]
    let offset: Double

    init(_ model: IsingModel) {
        n = model.qubits
        h = model.h
        offset = model.offset
        var degree = [Int](repeating: 0, count: n)
        for c in model.couplings {
            degree[c.i] += 1
            degree[c.j] += 1
        }
        var off = [Int32](repeating: 0, count: n + 1)
        for i in 0..<n { off[i + 1] = off[i] + Int32(degree[i]) }
        var fill = off.map { Int($0) }
        var nb = [Int32](repeating: 0, count: Int(off[n]))
        var w = [Double](repeating: 0, count: Int(off[n]))
        for c in model.couplings {
            nb[fill[c.i]] = Int32(c.j)
            w[fill[c.i]] = c.value
            fill[c.i] += 1
            nb[fill[c.j]] = Int32(c.i)
            w[fill[c.j]] = c.value
            fill[c.j] += 1
        }
        offsets = off
        neighbours = nb
        couplings = w
    }

    /// `fᵢ = hᵢ + Σⱼ Jᵢⱼ zⱼ`.
    func localFields(_ z: UnsafeMutablePointer<Int8>, into f: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var s = h[i]
            for k in Int(offsets[i])..<Int(offsets[i + 1]) { s += couplings[k] * Double(z[Int(neighbours[k])]) }
            f[i] = s
        }
    }

    /// `E(z)`, offset included.
    func energy(_ z: UnsafeMutablePointer<Int8>) -> Double {
        var e = offset
        for i in 0..<n {
            let zi = Double(z[i])
            e += h[i] * zi
            for k in Int(offsets[i])..<Int(offsets[i + 1]) where Int(neighbours[k]) > i {
                e += couplings[k] * zi * Double(z[Int(neighbours[k])])
            }
        }
        return e
    }

    /// One Metropolis sweep at `β` over spins `0…n−1` in order.
    @inline(__always)
    func sweep(_ z: UnsafeMutablePointer<Int8>, fields f: UnsafeMutablePointer<Double>, beta: Double, rng: inout Xoshiro256) {
        offsets.withUnsafeBufferPointer { op in
            neighbours.withUnsafeBufferPointer { np in
                couplings.withUnsafeBufferPointer { cp in
                    let threshold = 44.0  // e^{−44} < 1e−19: below the resolution of a uniform draw
                    for i in 0..<n {
                        let zi = Double(z[i])
                        let delta = -2 * zi * f[i]  // E(z with zᵢ flipped) − E(z)
                        let x = beta * delta
                        var flip = x <= 0
                        if !flip && x < threshold {
                            // u < e^{−x}, with the exponential only where the bounds
                            // 1 − x ≤ e^{−x} ≤ 1/(1 + x + x²/2) leave the draw undecided
                            let u = rng.uniform()
                            if u < 1 - x {
                                flip = true
                            } else if u * (1 + x * (1 + 0.5 * x)) < 1 {
                                flip = u < exp(-x)
                            }
                        }
                        if flip {
                            z[i] = -z[i]
                            let change = -2 * zi  // new zᵢ − old zᵢ
                            for k in Int(op[i])..<Int(op[i + 1]) {
                                f[Int(np[k])] += cp[k] * change
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Xoshiro256 {
    /// A stream seeded from a GSL stream (two uniforms give the 64-bit SplitMix64 seed), so
    /// the spin samplers stay reproducible from `--seed`. The spin samplers draw their
    /// uniforms from the xoshiro256+ output (``Xoshiro256/uniform()``).
    init(seed stream: RandomStream) {
        let x = UInt64(stream.uniform() * 9_007_199_254_740_992) ^ (UInt64(stream.uniform() * 9_007_199_254_740_992) << 11)
        self.init(splitMixSeed: x)
    }
}
