import AdiabatCore
import Foundation
import GSLKit
import Problems
import Quantum

/// Where the reference energy of a spin sampler's `P(ground)` comes from (docs/sqa.md).
public enum GroundEnergySource: String, Sendable, Codable, CaseIterable {
    /// Exact enumeration of all `2ⁿ` states (only up to ``SpinReadout/enumerationLimit`` spins).
    case exact
    /// The problem file's `[problem] ground_energy`.
    case file
    /// The lowest energy any read found: `P(ground)` is then the probability of matching the
    /// best read, an upper bound on the true ground-state probability.
    case bestFound = "best-found"
}

/// Time to solution with 99% confidence, `TTS₉₉ = τ·ln(0.01)/ln(1 − p)`, with `τ` the sweeps
/// per read and `p` the fraction of reads at the reference energy.
///
/// Cases: `p = 0` has no finite TTS (``sweeps`` is nil: infinite); `p ≥ 0.99` gives one read,
/// `TTS = τ` (the formula would give less than one read). The interval is a percentile
/// bootstrap: the number of hits is redrawn from `Binomial(R, p̂)` (the same as resampling
/// the `R` reads with replacement), and since TTS decreases with `p`, the 2.5% and 97.5%
/// quantiles of `p*` give the upper and lower ends. A nil end is infinite.
public struct TimeToSolution: Sendable, Codable, Equatable {
    /// `τ`, the sweeps of one read.
    public var sweepsPerRead: Double
    /// TTS₉₉ in sweeps; nil: infinite (no read reached the reference).
    public var sweeps: Double?
    /// Lower end of the 95% bootstrap interval (nil: infinite).
    public var low: Double?
    /// Upper end of the 95% bootstrap interval (nil: infinite).
    public var high: Double?
    /// Bootstrap resamples.
    public var resamples: Int
    /// What the numbers mean in this run (infinite cases, one-read floor, reference).
    public var note: String

    enum CodingKeys: String, CodingKey {
        case sweepsPerRead = "sweeps_per_read"
        case sweeps, low, high, resamples, note
    }

    /// Infinite values are written as `null` (JSON has no infinity); ``note`` says why.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sweepsPerRead, forKey: .sweepsPerRead)
        try c.encode(sweeps, forKey: .sweeps)
        try c.encode(low, forKey: .low)
        try c.encode(high, forKey: .high)
        try c.encode(resamples, forKey: .resamples)
        try c.encode(note, forKey: .note)
    }

    /// `τ·ln(0.01)/ln(1 − p)`, floored at one read; nil for `p = 0`.
    public static func sweeps(probability p: Double, sweepsPerRead tau: Double) -> Double? {
        guard p > 0 else { return nil }
        if p >= 0.99 { return tau }
        return tau * log(0.01) / log1p(-p)
    }

    /// TTS₉₉ of `hits` out of `reads`, with a percentile-bootstrap 95% interval.
    public static func estimate(hits: Int, reads: Int, sweepsPerRead tau: Double, seed: UInt64, resamples: Int = 2000)
        throws -> TimeToSolution
    {
        let p = reads > 0 ? Double(hits) / Double(reads) : 0
        let stream = try RandomStream(seed: RandomStream.derivedSeed(seed, stream: 0x7715))
        var draws = (0..<resamples).map { _ in Double(stream.binomial(trials: reads, probability: p)) / Double(reads) }
        draws.sort()
        func quantile(_ q: Double) -> Double {
            let x = q * Double(draws.count - 1)
            let i = Int(x.rounded(.down))
            let j = min(i + 1, draws.count - 1)
            return draws[i] + (x - Double(i)) * (draws[j] - draws[i])
        }
        let pLow = quantile(0.025)
        let pHigh = quantile(0.975)
        var note: String
        if hits == 0 {
            note = "infinite: no read reached the reference energy"
        } else if p >= 0.99 {
            note = "p ≥ 0.99: one read (τ) suffices"
        } else {
            note = "τ·ln(0.01)/ln(1 − p) in sweeps"
        }
        if hits > 0 && pLow == 0 { note += "; the interval's upper end is infinite (p* = 0 in over 2.5% of resamples)" }
        return TimeToSolution(
            sweepsPerRead: tau, sweeps: sweeps(probability: p, sweepsPerRead: tau),
            low: sweeps(probability: pHigh, sweepsPerRead: tau), high: sweeps(probability: pLow, sweepsPerRead: tau),
            resamples: resamples, note: note)
    }
}

/// The figures every classical spin sampler reports from its reads: the reference energy
/// (exact, from the file, or the best found), `P(ground)`, the residual energy per spin and
/// TTS₉₉. Nothing here allocates `2ⁿ` of anything above ``enumerationLimit`` spins.
public enum SpinReadout {
    /// Largest model whose ground energy is found by exact enumeration when the file gives
    /// none: the `2²⁴` states of a dense 24-spin SK glass take 0.9 s of CPU (30 spins took 20 s).
    public static let enumerationLimit = 24

    /// The reference energy: `given` (the file's, checked against the reads), exact
    /// enumeration up to ``enumerationLimit`` spins, otherwise the best read.
    ///
    /// - Throws: when a read found an energy below `given` (the file's value is wrong).
    /// Where a file's reference energy is named in errors.
    public static let fileReferenceLocation = "problem.ground_energy"

    public static func reference(
        model: IsingModel, best: Double, given: Double?, givenLocation: String = fileReferenceLocation
    ) throws -> (energy: Double, source: GroundEnergySource) {
        let tol = tolerance(model)
        if let given {
            guard best >= given - tol else {
                throw InputError(
                    givenLocation, "is \(given), but a read found the energy \(best) below it",
                    hint: "the reference must be the ground energy; correct it or remove it (then the best energy found is used)")
            }
            return (given, .file)
        }
        if model.qubits <= enumerationLimit { return (try model.groundStates().energy, .exact) }
        return (best, .bestFound)
    }

    /// Memory a classical sampler may use: half the machine's physical memory, at most 8 GiB.
    public static var memoryBudget: Int {
        min(Int(ProcessInfo.processInfo.physicalMemory / 2), 8 << 30)
    }

    /// Refuses a run whose reads (`reads × slices × n` spins as bytes), per-worker fields
    /// (`slices × n` doubles) and neighbour lists (`2 × couplings` entries of 12 bytes) would
    /// not fit in ``memoryBudget``; the message gives the size first.
    public static func checkMemory(qubits n: Int, couplings: Int, reads: Int, slices: Int) throws {
        let (spins, o1) = reads.multipliedReportingOverflow(by: n)
        let (all, o2) = spins.multipliedReportingOverflow(by: slices)
        let fields = 8 * slices * n * max(Parallel.workers, 1) * 2
        let bytes = o1 || o2 ? Int.max : all &+ fields &+ 24 * couplings &+ 16 * reads
        guard bytes <= memoryBudget else {
            let gib = Double(bytes) / Double(1 << 30)
            throw InputError(
                "sample.samples",
                "\(n) spins × \(slices) slice\(slices == 1 ? "" : "s") × \(reads) reads need \(String(format: "%.1f", gib)) GiB; the budget is \(memoryBudget >> 30) GiB",
                hint: "use fewer reads (or Trotter slices) per run and run several times with different seeds")
        }
    }

    /// Basis indices of the reads (bit `i` set ↔ spin `i` is −1) when `n ≤ 62`; empty otherwise.
    static func basisStates(_ spins: [Int8], qubits n: Int, reads: Int) -> [Int] {
        guard n <= 62 else { return [] }
        var states: [Int] = []
        states.reserveCapacity(reads)
        for r in 0..<reads {
            var k = 0
            for i in 0..<n where spins[r * n + i] < 0 { k |= 1 << i }
            states.append(k)
        }
        return states
    }

    /// Energies within this of the reference count as ground states.
    static func tolerance(_ model: IsingModel) -> Double { 1e-9 * max(model.energyScale, 1e-300) }

    /// The result of a classical sampler from its reads' energies (and basis states when
    /// `n ≤ 62`; empty otherwise).
    static func summarise(
        sampler: String, model: IsingModel, energies: [Double], states: [Int], reference given: Double?,
        sweepsPerRead: Double, seed: UInt64, settings: [String: SettingValue], statistics: FlipChainStatistics,
        sweepsPerSecond: Double?
    ) throws -> SpinSampleResult {
        let reads = energies.count
        let best = energies.min() ?? 0
        let (ref, source) = try reference(model: model, best: best, given: given)
        let tol = tolerance(model)
        var hits = 0
        var sum = 0.0
        var squares = 0.0
        for e in energies {
            if e <= ref + tol { hits += 1 }
            sum += e
        }
        let mean = sum / Double(max(reads, 1))
        for e in energies { squares += (e - mean) * (e - mean) }
        let sd = reads > 1 ? (squares / Double(reads - 1)).squareRoot() : 0
        let n = Double(max(model.qubits, 1))
        let p = Double(hits) / Double(max(reads, 1))
        var tts = try TimeToSolution.estimate(hits: hits, reads: reads, sweepsPerRead: sweepsPerRead, seed: seed)
        if source == .bestFound { tts.note += "; against the best energy found, not a known ground energy" }
        var result = SpinSampleResult(
            sampler: sampler, qubits: model.qubits, samples: reads, groundStateProbability: p,
            groundStateStderr: (p * (1 - p) / Double(max(reads, 1))).squareRoot(), groundEnergy: ref,
            groundEnergyExact: source == .exact, meanEnergy: mean, minimumEnergy: best, targetTotalVariation: nil,
            targetGroundStateProbability: nil, settings: settings, statistics: statistics, sweepsPerSecond: sweepsPerSecond,
            status: .success, states: states)
        result.groundEnergySource = source
        result.residualEnergyPerSpin = (mean - ref) / n
        result.residualEnergyPerSpinStderr = sd / Double(max(reads, 1)).squareRoot() / n
        result.timeToSolution = tts
        return result
    }
}

extension SpinProblem {
    /// The Ising model a classical sampler runs on; refuses a problem whose `H_P` is not a
    /// quadratic model (`type = "search"` adds single-state energies a sampler would miss).
    public func classicalModel(for sampler: String) throws -> IsingModel {
        guard spec.diagonalTerms.isEmpty else {
            throw InputError(
                "PROBLEM",
                "'\(spec.name)' has single-state energy terms (type = \"search\"); \(sampler) samples quadratic models only",
                hint: "use flip-chain, or evolve, on this problem")
        }
        return spec.model.ising
    }
}
