import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// Discrete diffusion on spins (docs/theory.md §4): the forward process flips each spin
/// independently at rate `γ`, `p_t = p₀ ∗ k_t`; its exact time reversal flips spin `i` at rate
/// `γ p_t(xⁱ)/p_t(x)` (the reverse-time generator `p_t(y)Q(y,x)/p_t(x)` of the symmetric
/// forward generator `Q`), run from `t_max` down to 0.
public struct ReverseFlipDiffusion: Sendable {
    /// The data law `p₀` (zeros allowed: then `p_t` is positive only for `t > 0`).
    public var target: SpinDistribution
    /// Forward flip rate `γ`.
    public var rate: Double
    /// `t_max`: where the reverse chain starts.
    public var maximumTime: Double
    /// Places the grid: run time `r ∈ [0, 1]` ↦ diffusion time `t = t_max(1 − u(r))`
    /// (``Schedule/diffusionTime(at:tMax:)``), the same schedule library as the quantum side.
    public var schedule: Schedule
    /// Where the reverse chain starts.
    public var prior: Prior

    public enum Prior: String, Sendable, CaseIterable, Codable {
        /// Exact draws from `p_{t_max}` (then the whole sampler is exact up to the rate
        /// interpolation).
        case marginal
        /// The uniform law, the `t_max → ∞` limit (error `TV(p_{t_max}, uniform) ≤
        /// (n/2)·e^{−2γ t_max}` on top).
        case uniform
    }

    public init(
        target: SpinDistribution, rate: Double = 1, maximumTime: Double = 3, schedule: Schedule = .linear,
        prior: Prior = .marginal
    )
        throws
    {
        try Check.positive(rate, "rate γ")
        try Check.positive(maximumTime, "t_max")
        guard schedule.isMonotone, abs(schedule.progress(at: 0)) < 1e-12, abs(schedule.progress(at: 1) - 1) < 1e-12 else {
            throw InputError(
                "sample.schedule",
                "\(schedule.name) must increase monotonically from u = 0 to u = 1 for a diffusion (got u(0) = \(schedule.progress(at: 0)), u(1) = \(schedule.progress(at: 1)))"
            )
        }
        self.target = target
        self.rate = rate
        self.maximumTime = maximumTime
        self.schedule = schedule
        self.prior = prior
    }
}

/// Settings of ``ReverseFlipChain``.
public struct ReverseFlipChainOptions: Sendable {
    public var samples: Int = 1000
    /// Grid cells (marginals `p_t` are computed at `cells + 1` schedule times).
    public var cells: Int = 100
    public var seed: UInt64 = 20_260_605

    public init(samples: Int = 1000, cells: Int = 100, seed: UInt64 = 20_260_605) {
        self.samples = samples
        self.cells = cells
        self.seed = seed
    }

    func validate() throws {
        try Check.sampleCount(samples)
        try Check.gridCells(cells)
    }
}

/// The reverse flip chain, simulated exactly for its interpolated rates.
///
/// **Grid and interpolation.** Marginals `log p_{t_k}` are computed exactly (product-kernel
/// convolution, ``SpinDistribution/diffused(rate:time:)``) at the schedule's times
/// `t_k = t_max(1 − u(k/cells))`. A cell `[t_{k+1}, t_k]` with `t_{k+1} > 0` is traversed in
/// `θ = log t`: the rate per unit `θ` is `γ t · p_t(xⁱ)/p_t(x)`, with `γt = γe^θ` exact
/// (geometric weights) and `log p_t` interpolated linearly in `θ` (the natural variable:
/// `log p_t` varies like `d(x)·log t` near the end when `p₀` has zeros). The last cell
/// `[0, t₁]`: if `p₀ > 0` it is traversed in `t` with rate `γ`; if `p₀` has zeros the rates
/// diverge like `1/t` there, and the cell is replaced by the **exact** reverse transition
/// `P(x₀ = y | x_{t₁} = x) = p₀(y) k_{t₁}(y, x) / p_{t₁}(x)`, sampled over the support of
/// `p₀` (once per distinct state). Each cell is simulated exactly by thinning
/// (``FlipChainEngine``).
public enum ReverseFlipChain {
    /// Grid times `t_0 = t_max > t_1 > … > t_m = 0` (duplicates from flat schedule parts
    /// removed).
    public static func gridTimes(_ d: ReverseFlipDiffusion, cells: Int) -> [Double] {
        var times: [Double] = []
        for k in 0...cells {
            let t = k == cells ? 0 : d.schedule.diffusionTime(at: Double(k) / Double(cells), tMax: d.maximumTime)
            if let last = times.last, !(t < last) { continue }
            times.append(max(t, 0))
        }
        if times.last != 0 { times.append(0) }
        return times
    }

    /// Runs the reverse chain; `groundStates` and `energies` (if given) summarise the result
    /// for an Ising problem.
    public static func run(
        _ d: ReverseFlipDiffusion, options: ReverseFlipChainOptions = ReverseFlipChainOptions(), energies: [Double]? = nil,
        groundStates: [Int]? = nil, groundEnergy: Double? = nil
    ) throws -> SpinSampleResult {
        try options.validate()
        let started = ContinuousClock.now
        let n = d.target.qubits
        let times = gridTimes(d, cells: options.cells)
        let moves = ConcreteScore.singleFlips(qubits: n)
        var statistics = FlipChainStatistics()
        let positive = d.target.isPositive
        // Start.
        var current = try d.target.diffused(rate: d.rate, time: times[0])
        statistics.tables = 1
        let startLaw = d.prior == .marginal ? current : try SpinDistribution.uniform(qubits: n)
        var states = startLaw.sample(
            count: options.samples, stream: try RandomStream(seed: RandomStream.derivedSeed(options.seed, stream: 1 << 40)))
        let streams = try SampleStreams(seed: options.seed, samples: options.samples)
        for k in 1..<times.count {
            let t0 = times[k - 1]
            let t1 = times[k]
            if t1 == 0 && !positive {
                states = try posteriorStep(
                    states, target: d.target, marginal: current, rate: d.rate, time: t0, seed: options.seed)
                statistics.cells += 1
                break
            }
            let next = t1 == 0 ? d.target : try d.target.diffused(rate: d.rate, time: t1)
            statistics.tables += 1
            let cell: FlipChainCell
            if t1 > 0 {
                cell = FlipChainCell(
                    moves: moves, startTable: current.logProbabilities, endTable: next.logProbabilities,
                    startWeights: [Double](repeating: d.rate * t0, count: n),
                    endWeights: [Double](repeating: d.rate * t1, count: n),
                    geometricWeights: true, length: log(t0 / t1), homogeneous: false)
            } else {
                cell = FlipChainCell(
                    moves: moves, startTable: current.logProbabilities, endTable: next.logProbabilities,
                    startWeights: [Double](repeating: d.rate, count: n), endWeights: [Double](repeating: d.rate, count: n),
                    geometricWeights: false, length: t0, homogeneous: false)
            }
            statistics.add(try FlipChainEngine.advance(&states, cell: cell, streams: streams))
            statistics.cells += 1
            current = next
        }
        statistics.seconds = seconds(since: started)
        let e = energies ?? [Double](repeating: 0, count: d.target.dimension)
        var result = SpinSampleResult.summarise(
            sampler: "reverse-flip", qubits: n, states: states, energies: e, groundStates: Set(groundStates ?? []),
            groundEnergy: groundEnergy ?? 0, target: d.target,
            settings: [
                "schedule": .text(d.schedule.name), "rate": SettingValue(d.rate), "t_max": SettingValue(d.maximumTime),
                "prior": .text(d.prior.rawValue), "cells": SettingValue(statistics.cells),
                "final_step": positive ? "thinning" : "exact posterior",
            ], statistics: statistics)
        if groundEnergy == nil { result.groundEnergy = nil }
        return result
    }

    /// The exact reverse transition from time `t` to 0: `x₀ ~ p₀(y) k_t(y, x)/p_t(x)`, with
    /// `k_t(y, x) = k_keep^{n−d} k_flip^{d}`, `d` the Hamming distance; enumerated over the
    /// support of `p₀` once per distinct state.
    static func posteriorStep(
        _ states: [Int], target: SpinDistribution, marginal: SpinDistribution, rate: Double, time t: Double, seed: UInt64
    )
        throws -> [Int]
    {
        let support = target.support
        let flip = -0.5 * expm1(-2 * rate * t)
        let logRatio = log(flip) - log1p(-flip)  // log(k_flip/k_keep)
        let logPrior = support.map { target.logProbabilities[$0] }
        var cumulativeFor: [Int: [Double]] = [:]
        var out = states
        let rng = try RandomStream(seed: RandomStream.derivedSeed(seed, stream: 1 << 41))
        for (i, x) in states.enumerated() {
            if cumulativeFor[x] == nil {
                var logw = [Double](repeating: 0, count: support.count)
                for (j, y) in support.enumerated() {
                    logw[j] = logPrior[j] + Double((x ^ y).nonzeroBitCount) * logRatio
                }
                let top = logw.max() ?? 0
                var c = [Double](repeating: 0, count: support.count)
                var s = 0.0
                for j in 0..<support.count {
                    s += exp(logw[j] - top)
                    c[j] = s
                }
                cumulativeFor[x] = c
            }
            let c = cumulativeFor[x] ?? [1]
            out[i] = support[SpinDistribution.draw(c, rng.uniform())]
        }
        return out
    }
}
