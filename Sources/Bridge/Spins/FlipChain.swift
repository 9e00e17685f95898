import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The continuous-time flip chain of a concrete score: move `T` from state `x` at rate
/// `w_T · √(p(x ⊕ T)/p(x))`.
///
/// It is reversible with stationary law `p` (detailed balance:
/// `p(x) w √(p(y)/p(x)) = w √(p(x)p(y)) = p(y) w √(p(x)/p(y))`), and its generator conjugated by
/// `diag(√p)` is minus the Score Hamiltonian (4): the chain relaxes at the Score
/// Hamiltonian's gap. Built from a positive ground state it samples `ψ₀²` with rates
/// `|c_T| ψ₀(x⊕T)/ψ₀(x)` (`A(s)·√ratio` on the annealing path). Simulated exactly (Gillespie).
public struct FlipChain: Sendable {
    public let qubits: Int
    public let moves: [Int]
    public let weights: [Double]
    /// `log √p` up to a constant.
    public let logAmplitude: [Double]

    /// The chain of a Score Hamiltonian (same score, same weights).
    public init(_ score: SpinScoreHamiltonian) {
        qubits = score.score.qubits
        moves = score.score.moves
        weights = score.weights
        logAmplitude = score.score.logAmplitude
    }

    /// The chain of a positive ground state: it samples `ψ₀²`.
    public init(groundState g: PositiveGroundState) {
        qubits = g.qubits
        moves = g.moves
        weights = g.weights
        logAmplitude = g.logAmplitude
    }

    /// The chain that samples `ψ₀(s)²` on an annealing path (throws on a sign problem).
    public init(_ problem: CatalysedAnnealing, at s: Double) throws {
        self.init(groundState: try SpinTranslation.translate(problem, at: s).groundState)
    }

    /// The rates of every move out of `x`.
    public func rates(at x: Int) -> [Double] {
        moves.indices.map { weights[$0] * exp(logAmplitude[x ^ moves[$0]] - logAmplitude[x]) }
    }

    /// The law `p ∝ e^{2·logAmplitude}`.
    public func law() throws -> SpinDistribution {
        try SpinDistribution(qubits: qubits, logWeights: logAmplitude.map { 2 * $0 })
    }

    /// Runs every sample for chain time `time` from `states`.
    public func run(_ states: [Int], time: Double, seed: UInt64) throws -> (states: [Int], statistics: FlipChainStatistics) {
        try Check.nonNegative(time, "time")
        try validate(states)
        var x = states
        let streams = try SampleStreams(seed: seed, samples: states.count)
        let cell = FlipChainCell.homogeneous(moves: moves, table: logAmplitude, weights: weights, length: time)
        let stats = try FlipChainEngine.advance(&x, cell: cell, streams: streams)
        return (x, stats)
    }

    /// Records `observable(x(t))` at `times` (ascending, from 0) along each sample's path:
    /// row `i` holds sample `i`'s values, one per time.
    public func trajectories(from states: [Int], times: [Double], seed: UInt64, observable: [Double]) throws -> [[Double]] {
        try validate(states)
        guard observable.count == logAmplitude.count else {
            throw InputError("observable", "needs one value per basis state (\(logAmplitude.count))")
        }
        guard let first = times.first, first >= 0, zip(times, times.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw InputError("times", "must be non-negative and ascending")
        }
        var x = states
        let streams = try SampleStreams(seed: seed, samples: states.count)
        var rows = [[Double]](repeating: [], count: states.count)
        var now = 0.0
        for t in times {
            let cell = FlipChainCell.homogeneous(moves: moves, table: logAmplitude, weights: weights, length: t - now)
            _ = try FlipChainEngine.advance(&x, cell: cell, streams: streams)
            now = t
            for i in x.indices { rows[i].append(observable[x[i]]) }
        }
        return rows
    }

    private func validate(_ states: [Int]) throws {
        guard !states.isEmpty else { throw InputError("states", "is empty") }
        if let bad = states.first(where: { $0 < 0 || $0 >= logAmplitude.count }) {
            throw InputError("states", "state \(bad) is outside the \(qubits)-qubit register")
        }
    }
}

/// The outcome of a spin sampler (`adiabat sample` on an annealing problem).
public struct SpinSampleResult: Sendable, Encodable {
    public var sampler: String
    public var qubits: Int
    public var samples: Int
    /// Fraction of samples in a ground state of `H_P`.
    public var groundStateProbability: Double
    /// Its binomial standard error `√(p(1−p)/M)`.
    public var groundStateStderr: Double
    /// The reference ground energy (exact by enumeration when available).
    public var groundEnergy: Double?
    /// Whether ``groundEnergy`` is exact (false: the best energy any sample found).
    public var groundEnergyExact: Bool
    public var meanEnergy: Double
    public var minimumEnergy: Double
    /// Total variation between the samples' histogram and the sampler's exact target law,
    /// when it has one (biased up by sampling noise, about `Σₖ √(p(k)(1−p(k))/(2πM))·…`).
    public var targetTotalVariation: Double?
    /// The exact target probability of the ground states, when known.
    public var targetGroundStateProbability: Double?
    /// Sampler-specific settings (`schedule`, `total_time`, `beta_hot`, …): numbers are JSON
    /// numbers, names are strings.
    public var settings: [String: SettingValue]
    public var statistics: FlipChainStatistics
    /// Metropolis sweeps per second (simulated annealing).
    public var sweepsPerSecond: Double?
    /// Always `.success` (the samplers have no numerical failure mode); shared with the solvers.
    public var status: SolutionStatus
    /// The final states (basis indices), not encoded.
    public var states: [Int] = []
    /// Where ``groundEnergy`` comes from (classical samplers: exact, file or best-found).
    public var groundEnergySource: GroundEnergySource? = nil
    /// `(⟨E⟩ − E_ref)/n` and its standard error (classical samplers).
    public var residualEnergyPerSpin: Double? = nil
    public var residualEnergyPerSpinStderr: Double? = nil
    /// TTS₉₉ in sweeps with its bootstrap interval (classical samplers).
    public var timeToSolution: TimeToSolution? = nil

    enum CodingKeys: String, CodingKey {
        case sampler, qubits, samples, settings, statistics, status
        case groundStateProbability = "ground_state_probability"
        case groundStateStderr = "ground_state_stderr"
        case groundEnergy = "ground_energy"
        case groundEnergyExact = "ground_energy_exact"
        case meanEnergy = "mean_energy"
        case minimumEnergy = "minimum_energy"
        case targetTotalVariation = "target_tv"
        case targetGroundStateProbability = "target_ground_state_probability"
        case sweepsPerSecond = "sweeps_per_second"
        case groundEnergySource = "ground_energy_source"
        case residualEnergyPerSpin = "residual_energy_per_spin"
        case residualEnergyPerSpinStderr = "residual_energy_per_spin_stderr"
        case timeToSolution = "tts99"
    }

    /// Summarises `states` against the energies `energies[k]` (`2ⁿ`) and the ground states.
    static func summarise(
        sampler: String, qubits: Int, states: [Int], energies: [Double], groundStates: Set<Int>, groundEnergy: Double,
        target: SpinDistribution?, settings: [String: SettingValue], statistics: FlipChainStatistics
    ) -> SpinSampleResult {
        let m = Double(states.count)
        var hits = 0
        var sum = 0.0
        var lowest = Double.infinity
        for s in states {
            if groundStates.contains(s) { hits += 1 }
            sum += energies[s]
            lowest = min(lowest, energies[s])
        }
        let p = Double(hits) / m
        var tv: Double? = nil
        var targetGround: Double? = nil
        if let target {
            tv = SpinHistogram(qubits: qubits, states: states).totalVariation(to: target)
            targetGround = target.probability(of: Array(groundStates))
        }
        var result = SpinSampleResult(
            sampler: sampler, qubits: qubits, samples: states.count, groundStateProbability: p,
            groundStateStderr: (p * (1 - p) / m).squareRoot(), groundEnergy: groundEnergy, groundEnergyExact: true,
            meanEnergy: sum / m, minimumEnergy: lowest, targetTotalVariation: tv, targetGroundStateProbability: targetGround,
            settings: settings, statistics: statistics, sweepsPerSecond: nil, status: .success, states: states)
        result.groundEnergySource = .exact
        result.residualEnergyPerSpin = (sum / m - groundEnergy) / Double(max(qubits, 1))
        return result
    }
}

/// One sampler setting: a number (encoded as a JSON number) or a name (a JSON string).
public enum SettingValue: Sendable, Codable, Equatable, CustomStringConvertible, ExpressibleByStringLiteral {
    case number(Double)
    case text(String)

    public init(stringLiteral value: String) { self = .text(value) }

    public init(_ value: Int) { self = .number(Double(value)) }

    public init(_ value: Double) { self = .number(value) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let x = try? c.decode(Double.self) { self = .number(x) } else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x):
            if x == x.rounded(), abs(x) < 1e15 { try c.encode(Int(x)) } else { try c.encode(x) }
        case .text(let s): try c.encode(s)
        }
    }

    /// Numbers to 6 significant digits (the table `sample` prints), names as they are.
    public var description: String {
        switch self {
        case .number(let x): return String(format: "%.6g", x)
        case .text(let s): return s
        }
    }

    /// The number, if it is one.
    public var number: Double? {
        if case .number(let x) = self { return x }
        return nil
    }
}

/// Wall-clock seconds since `start`.
func seconds(since start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).inSeconds
}
