import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// The classical counterpart of a quantum anneal (docs/theory.md §4): the flip chain whose rates
/// follow the path, `r_T(x, τ) = |c_T(s(τ))| · ψ₀(x⊕T; s(τ))/ψ₀(x; s(τ))` (`A(s)·√ratio` on the
/// transverse-field path), run for time `T` with the schedule `s(τ/T)` the quantum side uses,
/// from `ψ₀(s(0))²` (the uniform law on the default path) or from a classical state (the
/// problem's `initial_state`, as the quantum evolution does for a reverse anneal).
public struct FlipChainAnnealingProblem: Sendable {
    public var annealing: CatalysedAnnealing
    /// `r = τ/T ↦ s`.
    public var schedule: Schedule
    /// Total run time `T` (same units as the quantum evolution).
    public var totalTime: Double
    /// A classical start (basis index), e.g. for a reverse anneal; nil: exact draws from
    /// `ψ₀(s(0))²`.
    public var initialState: Int?

    public init(annealing: CatalysedAnnealing, schedule: Schedule = .linear, totalTime: Double, initialState: Int? = nil) throws {
        try Check.positive(totalTime, "total time")
        if let k = initialState, k < 0 || k >= 1 << annealing.qubits {
            throw InputError("initial state", "\(k) is outside the \(annealing.qubits)-qubit register")
        }
        self.annealing = annealing
        self.schedule = schedule
        self.totalTime = totalTime
        self.initialState = initialState
    }
}

/// Settings of ``AnnealedFlipChain``.
public struct AnnealedFlipChainOptions: Sendable {
    /// Independent chains.
    public var samples: Int = 1000
    /// Grid cells over `[0, T]` (the ground state is computed at `cells + 1` times plus the
    /// schedule's kinks).
    public var cells: Int = 100
    public var seed: UInt64 = 20_260_605
    /// Where `A(s)` falls below `driverFloor × max A`, the path is evaluated at the nearest
    /// `s` with `A = driverFloor × max A` (see ``CatalysedAnnealing/regularised(_:toward:floor:)``).
    public var driverFloor: Double = 1e-6
    /// A cell is halved (down to `10⁻⁹ T`) while some log-rate changes by more than this
    /// across it; nil keeps the uniform grid.
    public var maximumLogRateJump: Double? = 0.5
    /// Ground states to a residual of `1e-10 ×` scale: the rates' relative accuracy.
    public var groundState = GroundStateOptions(tolerance: 1e-10, lanczos: LanczosOptions(tolerance: 1e-12))

    public init(
        samples: Int = 1000, cells: Int = 100, seed: UInt64 = 20_260_605, driverFloor: Double = 1e-6,
        maximumLogRateJump: Double? = 0.5
    ) {
        self.samples = samples
        self.cells = cells
        self.seed = seed
        self.driverFloor = driverFloor
        self.maximumLogRateJump = maximumLogRateJump
    }

    func validate() throws {
        try Check.sampleCount(samples)
        try Check.gridCells(cells)
        guard driverFloor > 0, driverFloor < 1 else {
            throw InputError("driver floor", "must lie in (0, 1) (got \(driverFloor))")
        }
        if let j = maximumLogRateJump, !(j > 0 && j.isFinite) {
            throw InputError("maximum log-rate jump", "must be positive (got \(j))")
        }
    }
}

/// One point of the annealed chain's rate grid: the positive ground state at `s(τ)`, with the
/// move weights `|c_T(s)|` on the chain's fixed move list.
public struct FlipChainGridPoint: Sendable {
    public var tau: Double
    /// `s(τ/T)`.
    public var s: Double
    /// Where the path was evaluated (differs from `s` only where `A(s)` is below the floor).
    public var evaluatedAt: Double
    /// `|c_T|` per move (0 for a term absent at this `s`).
    public var weights: [Double]
    /// `log ψ₀` at this point (normalised).
    public var logAmplitude: [Double]
    /// Eigen-equation residual of the ground state.
    public var residual: Double
}

/// The annealed flip chain, simulated exactly for its interpolated rates.
///
/// **Approximation (the only one).** The ground state is computed at grid times `τ_k`
/// (`cells + 1` equally spaced times and the schedule's kinks, with a cell halved while some
/// log-rate `log ψ₀(x⊕T) − log ψ₀(x)` changes by more than `maximumLogRateJump` across it);
/// between them `log ψ₀` and the weights `|c_T|` are interpolated linearly in `τ`. The chain with these interpolated rates
/// is then simulated *exactly* by thinning (``FlipChainEngine``): no time step, no
/// discretisation error beyond the interpolation, which is `O(Δτ²)` in the log-rates for a
/// smooth path. The result's `maximum_log_rate_jump` says how much the log-rates change
/// across one cell; lower the limit or add cells to check convergence.
///
/// Cells are processed for all samples in lock step, so only two ground-state tables are
/// held at a time (memory `O(2ⁿ + samples)`); samples run on all cores in fixed blocks with
/// their own streams.
public enum AnnealedFlipChain {
    /// The chain's move list: every single flip and every catalyst pair (fixed along the path).
    public static func moves(_ annealing: CatalysedAnnealing) -> [Int] {
        var masks = (0..<annealing.qubits).map { 1 << $0 }
        for c in annealing.catalyst?.couplings ?? [] { masks.append((1 << c.i) | (1 << c.j)) }
        return masks
    }

    /// Grid times: `cells + 1` equally spaced times on `[0, T]` and the schedule's kinks.
    public static func gridTimes(_ problem: FlipChainAnnealingProblem, cells: Int) -> [Double] {
        let t = problem.totalTime
        var times = (0...cells).map { Double($0) * t / Double(cells) }
        times += problem.schedule.breakpoints.map { $0 * t }
        return Array(Set(times)).sorted()
    }

    /// The ground state at run time `tau`.
    public static func gridPoint(
        _ problem: FlipChainAnnealingProblem, tau: Double, options: AnnealedFlipChainOptions = AnnealedFlipChainOptions(),
        near: FlipChainGridPoint? = nil
    ) throws -> FlipChainGridPoint {
        let s = problem.schedule.progress(at: tau / problem.totalTime)
        let floor = options.driverFloor * max(problem.annealing.driverScale, 1e-300)
        var groundOptions = options.groundState
        groundOptions.start = near?.logAmplitude
        let translation = try SpinTranslation.translate(
            problem.annealing, at: s, driverFloor: floor, options: groundOptions)
        let g = translation.groundState
        let list = moves(problem.annealing)
        var weights = [Double](repeating: 0, count: list.count)
        for (mask, w) in zip(g.moves, g.weights) {
            if let i = list.firstIndex(of: mask) { weights[i] = w }
        }
        return FlipChainGridPoint(
            tau: tau, s: s, evaluatedAt: translation.evaluatedAt, weights: weights, logAmplitude: g.logAmplitude,
            residual: g.residual)
    }

    /// The interpolated rates out of state `x` at run time `tau` between two grid points
    /// (what the simulation uses; for tests that integrate the master equation).
    public static func interpolatedRates(
        _ a: FlipChainGridPoint, _ b: FlipChainGridPoint, moves: [Int], tau: Double, state x: Int
    )
        -> [Double]
    {
        let lambda = b.tau > a.tau ? (tau - a.tau) / (b.tau - a.tau) : 0
        return moves.indices.map { t in
            let w = a.weights[t] + lambda * (b.weights[t] - a.weights[t])
            let da = a.logAmplitude[x ^ moves[t]] - a.logAmplitude[x]
            let db = b.logAmplitude[x ^ moves[t]] - b.logAmplitude[x]
            return w * exp(da + lambda * (db - da))
        }
    }

    /// The grid the run uses: the base times, with cells halved where a log-rate would jump
    /// by more than ``AnnealedFlipChainOptions/maximumLogRateJump``. Calls `body(a, b)` for
    /// each cell in order, holding only the two end points.
    static func forEachCell(
        _ problem: FlipChainAnnealingProblem, options: AnnealedFlipChainOptions, moves list: [Int],
        _ body: (FlipChainGridPoint, FlipChainGridPoint) throws -> Void
    ) throws -> (tables: Int, worstResidual: Double, maximumJump: Double) {
        let times = gridTimes(problem, cells: options.cells)
        var previous = try gridPoint(problem, tau: times[0], options: options)
        var tables = 1
        var worst = previous.residual
        var maximumJump = 0.0
        let minimumWidth = 1e-9 * problem.totalTime
        for k in 1..<times.count {
            var pending: [FlipChainGridPoint] = []
            var right = try gridPoint(problem, tau: times[k], options: options, near: previous)
            tables += 1
            while true {
                if let limit = options.maximumLogRateJump {
                    while logRateJump(previous, right, moves: list) > limit && right.tau - previous.tau > minimumWidth {
                        pending.append(right)
                        right = try gridPoint(problem, tau: 0.5 * (previous.tau + right.tau), options: options, near: previous)
                        tables += 1
                    }
                }
                worst = max(worst, right.residual)
                maximumJump = max(maximumJump, logRateJump(previous, right, moves: list))
                try body(previous, right)
                previous = right
                guard let next = pending.popLast() else { break }
                right = next
            }
        }
        return (tables, worst, maximumJump)
    }

    /// Runs the annealed chain and summarises the final states.
    public static func run(_ problem: FlipChainAnnealingProblem, options: AnnealedFlipChainOptions = AnnealedFlipChainOptions())
        throws -> SpinSampleResult
    {
        try options.validate()
        let started = ContinuousClock.now
        let list = moves(problem.annealing)
        var statistics = FlipChainStatistics()
        var states: [Int] = []
        let streams = try SampleStreams(seed: options.seed, samples: options.samples)
        let grid = try forEachCell(problem, options: options, moves: list) { a, b in
            if states.isEmpty, let k = problem.initialState {
                states = [Int](repeating: k, count: options.samples)
            } else if states.isEmpty {
                // Exact draws from ψ₀(s(0))².
                let initial = try SpinDistribution(qubits: problem.annealing.qubits, logWeights: a.logAmplitude.map { 2 * $0 })
                states = initial.sample(
                    count: options.samples,
                    stream: try RandomStream(seed: RandomStream.derivedSeed(options.seed, stream: 1 << 40)))
            }
            let cell = FlipChainCell(
                moves: list, startTable: a.logAmplitude, endTable: b.logAmplitude, startWeights: a.weights,
                endWeights: b.weights, geometricWeights: false, length: b.tau - a.tau, homogeneous: false)
            statistics.add(try FlipChainEngine.advance(&states, cell: cell, streams: streams))
            statistics.cells += 1
        }
        statistics.tables = grid.tables
        statistics.seconds = seconds(since: started)
        let h = problem.annealing.hamiltonian
        return SpinSampleResult.summarise(
            sampler: "flip-chain", qubits: h.qubits, states: states, energies: h.register.diagonal,
            groundStates: Set(h.problemGround.states), groundEnergy: h.problemGround.energy, target: nil,
            settings: [
                "schedule": .text(problem.schedule.name), "path": .text(h.path.name),
                "total_time": SettingValue(problem.totalTime), "cells": SettingValue(statistics.cells),
                "maximum_log_rate_jump": SettingValue(grid.maximumJump),
                "ground_state_residual": SettingValue(grid.worstResidual),
                "catalyst": problem.annealing.catalyst == nil
                    ? "none" : .text("\(problem.annealing.catalyst?.couplings.count ?? 0) XX terms"),
            ], statistics: statistics)
    }

    /// The cells' end points the run would use (for inspection and tests; holds them all).
    public static func grid(_ problem: FlipChainAnnealingProblem, options: AnnealedFlipChainOptions = AnnealedFlipChainOptions())
        throws -> [FlipChainGridPoint]
    {
        var points: [FlipChainGridPoint] = []
        _ = try forEachCell(problem, options: options, moves: moves(problem.annealing)) { a, b in
            if points.isEmpty { points.append(a) }
            points.append(b)
        }
        return points
    }

    /// `max_{x,T} |Δ¹_T(x) − Δ⁰_T(x)|`: how much a log-rate changes across a cell.
    static func logRateJump(_ a: FlipChainGridPoint, _ b: FlipChainGridPoint, moves: [Int]) -> Double {
        var worst = 0.0
        let la = a.logAmplitude
        let lb = b.logAmplitude
        for x in la.indices {
            for m in moves {
                let j = abs((lb[x ^ m] - lb[x]) - (la[x ^ m] - la[x]))
                if j > worst { worst = j }
            }
        }
        return worst
    }
}
