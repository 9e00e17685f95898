import AdiabatCore
import Foundation
import GSLKit
import Landscapes

/// What to sample: a score, a path, a particle count and a seed (plain data).
public struct SamplingProblem: Sendable {
    public var score: any ScoreModel
    public var path: DiffusionPath
    public var particles: Int
    public var seed: UInt64
    /// Initial particles at `t_max` (point-major), or nil for the path's prior
    /// (``DiffusionPath/priorVariance``).
    public var initialParticles: [Double]?
    /// Drop a particle whose score is not finite (a tabulated field outside its box) instead of
    /// stopping the run: it becomes NaN, is carried along (each particle's arithmetic is its
    /// own, and it draws its random numbers as before, so the others do not change), and is
    /// left out of the samples, counted in ``SamplingSolution/dropped``.
    public var absorbing = false

    /// The largest particle count accepted (10⁸).
    public static let maximumParticles = 100_000_000

    public init(score: any ScoreModel, path: DiffusionPath, particles: Int, seed: UInt64, initialParticles: [Double]? = nil) {
        self.score = score
        self.path = path
        self.particles = particles
        self.seed = seed
        self.initialParticles = initialParticles
    }

    public var dimension: Int { score.dimension }

    public func validate() throws {
        guard (1...3).contains(score.dimension) else {
            throw InputError("score", "dimension must be 1, 2 or 3 (got \(score.dimension))")
        }
        guard particles >= 1 else { throw InputError("samples", "must be at least 1 (got \(particles))") }
        guard particles <= Self.maximumParticles else {
            throw InputError("samples", "\(particles) exceeds the limit of \(Self.maximumParticles)")
        }
        if let initial = initialParticles {
            guard initial.count == particles * score.dimension else {
                throw InputError(
                    "initial particles", "has \(initial.count) numbers, expected \(particles) × \(score.dimension)")
            }
            try Check.finite(initial, "initial particles")
        }
    }
}

/// Counts of a sampler run.
public struct SamplingStatistics: Sendable, Equatable, Codable {
    /// Path steps taken.
    public var steps: Int
    /// Score evaluations (points × evaluations).
    public var scoreEvaluations: Int
    /// Gaussian draws.
    public var gaussianDraws: Int
    /// Wall-clock seconds.
    public var seconds: Double
}

/// The samples at `t = 0` (point-major), the method, and statistics.
public struct SamplingSolution: Sendable {
    public let samples: [Double]
    public let dimension: Int
    public let method: SamplerMethod
    public let path: DiffusionPath
    public let seed: UInt64
    /// With ``SamplingProblem/absorbing``: the particles dropped (left out of ``samples``).
    public var dropped = 0
    public let statistics: SamplingStatistics

    public var count: Int { samples.count / max(dimension, 1) }
}

/// A numerical failure inside a run (not bad input): a non-finite score, or particles that
/// diverged. Carries what was computed up to the failure.
public struct DiffusionFailure: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var hint: String
    /// The particles (sampler) or density values (Fokker–Planck) at the failure.
    public var partialResult: [Double]

    public var description: String { hint.isEmpty ? message : "\(message); \(hint)" }
}

/// Reverse-time particle samplers (docs/theory.md §3) on many particles at once.
///
/// Particles are stored point-major in one contiguous buffer and processed in fixed blocks
/// of ``blockSize`` on all cores. Block `b` draws its random numbers from its own
/// stream (``AdiabatCore/Xoshiro256``, Gaussians by its ziggurat) seeded with
/// `derivedSeed(seed, stream: b)` and used in a fixed order,
/// so the samples depend on the seed only, never on the number of threads. The hot loops
/// allocate nothing: scores and Runge–Kutta stages live in buffers allocated once per run.
public enum ParticleSampler {
    /// Particles per random stream and per parallel task.
    public static let blockSize = 1024

    /// Runs `method` on `problem`.
    ///
    /// - Throws: ``InputError`` for bad settings (zero steps, absurd step sizes, …) before
    ///   anything is allocated; ``DiffusionFailure`` when the score returns a non-finite
    ///   value or a particle diverges (with the particles at that step).
    public static func run(
        _ problem: SamplingProblem, method: SamplerMethod, progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> SamplingSolution {
        try problem.validate()
        try method.validate(on: problem.path)
        let start = DispatchTime.now()
        let path = problem.path
        let n = problem.particles
        let d = problem.dimension
        let blocks = (n + blockSize - 1) / blockSize
        let streams = StreamTable(seed: problem.seed, count: blocks)
        let state = ParticleState(count: n, dimension: d, method: method)
        state.absorbing = problem.absorbing

        // Initial law at t_max.
        if let initial = problem.initialParticles {
            state.x.update(from: initial, count: n * d)
        } else {
            let sigma = path.priorVariance.squareRoot()
            let x = SharedPointer(state.x)
            Parallel.forEachTask(blocks) { b in
                let lo = b * blockSize
                let m = min(blockSize, n - lo)
                var rng = streams[b]
                let xb = x.base + lo * d
                for i in 0..<(m * d) { xb[i] = sigma * rng.gaussian() }
                streams[b] = rng
            }
        }
        var draws = problem.initialParticles == nil ? n * d : 0
        var evaluations = 0

        for k in 0..<path.steps {
            let t0 = path.times[k]
            let t1 = path.times[k + 1]
            let h = t0 - t1
            switch method {
            case .reverseSDE(let scheme):
                if h > 0 {
                    try reverseSDEStep(state, streams, problem.score, scheme, path.linearDrift, t0, t1, k)
                    evaluations += n * scheme.stages
                    draws += n * d
                }
            case .probabilityFlow(let scheme):
                if h > 0 {
                    try probabilityFlowStep(state, problem.score, scheme, path.linearDrift, t0, t1, k)
                    evaluations += n * scheme.stages
                }
            case .annealedLangevin(let settings):
                let field = try problem.score.field(at: t1)
                let eta = settings.stepSize(at: t1, path: path)
                for _ in 0..<settings.stepsPerLevel {
                    try langevinStep(state, streams, field, eta, k, t1)
                }
                evaluations += n * settings.stepsPerLevel
                draws += n * d * settings.stepsPerLevel
            case .predictorCorrector(let pc):
                if h > 0 {
                    try reverseSDEStep(state, streams, problem.score, pc.predictor, path.linearDrift, t0, t1, k)
                    evaluations += n * pc.predictor.stages
                    draws += n * d
                }
                let corrector = try problem.score.field(at: t1)
                let eta = pc.corrector.stepSize(at: t1, path: path)
                for _ in 0..<pc.corrector.stepsPerLevel {
                    try langevinStep(state, streams, corrector, eta, k, t1)
                }
                evaluations += n * pc.corrector.stepsPerLevel
                draws += n * d * pc.corrector.stepsPerLevel
            }
            progress?(k + 1, path.steps)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) * 1e-9
        var samples = state.samples()
        var dropped = 0
        if problem.absorbing {
            var kept: [Double] = []
            kept.reserveCapacity(samples.count)
            for p in 0..<n {
                let particle = samples[(p * d)..<((p + 1) * d)]
                if particle.allSatisfy({ $0.isFinite }) { kept += particle } else { dropped += 1 }
            }
            samples = kept
        }
        return SamplingSolution(
            samples: samples, dimension: d, method: method, path: path, seed: problem.seed, dropped: dropped,
            statistics: SamplingStatistics(
                steps: path.steps, scoreEvaluations: evaluations, gaussianDraws: draws, seconds: seconds))
    }

    // MARK: Steps

    /// One reverse-SDE step for every block.
    private static func reverseSDEStep(
        _ state: ParticleState, _ streams: StreamTable, _ score: any ScoreModel, _ scheme: ReverseSDEScheme,
        _ lambda: Double, _ t0: Double, _ t1: Double, _ step: Int
    ) throws {
        let h = t0 - t1
        let field = try score.field(at: t0)
        if scheme == .heun {
            try stochasticHeunStep(state, streams, field, try score.field(at: t1), lambda, h, step, t0)
            return
        }
        // x ← A·x + B·s + C·z
        let a: Double
        let b: Double
        let c: Double
        switch scheme {
        case .eulerMaruyama, .heun:
            a = 1 + lambda * h
            b = 2 * h
            c = (2 * h).squareRoot()
        case .exponential:
            if lambda == 0 {
                a = 1
                b = 2 * h
                c = (2 * h).squareRoot()
            } else {
                a = exp(lambda * h)
                b = 2 * expm1(lambda * h) / lambda
                c = (expm1(2 * lambda * h) / lambda).squareRoot()
            }
        }
        try affineStep(state, streams, field, a: a, b: b, c: c, step, t0)
    }

    /// `x ← A·x + B·s(x) + C·z` for every block (Euler–Maruyama, the exponential integrator,
    /// and a Langevin step with A = 1, B = η, C = √(2η)).
    private static func affineStep(
        _ state: ParticleState, _ streams: StreamTable, _ field: any ScoreField, a: Double, b: Double, c: Double,
        _ step: Int, _ t: Double
    ) throws {
        let d = state.dimension
        let x = SharedPointer(state.x)
        let s = SharedPointer(state.score)
        let failures = SharedPointer(state.failures)
        forEachBlock(state.count) { block, lo, m in
            let xb = x.base + lo * d
            let sb = s.base + lo * d
            field.evaluate(points: xb, count: m, into: sb)
            if !state.absorbing, let bad = firstNonFinite(sb, m * d) {
                failures[block] = Failure(kind: .score, particle: lo + bad / d)
                return
            }
            var rng = streams[block]
            var finite = true
            for i in 0..<(m * d) {
                let v = a * xb[i] + b * sb[i] + c * rng.gaussian()
                xb[i] = v
                finite = finite && v.isFinite
            }
            streams[block] = rng
            if !finite, !state.absorbing, let bad = firstNonFinite(xb, m * d) {
                failures[block] = Failure(kind: .position, particle: lo + bad / d)
            }
        }
        try state.checkFailures(step: step, time: t)
    }

    /// One stochastic Heun step: `x̃ = x + h·f₀ + √(2h) z`, `x ← x̃ + ½h·(f̃ − f₀)` (which
    /// equals `x + ½h(f₀ + f̃) + √(2h) z`), `f = λx + 2s`.
    private static func stochasticHeunStep(
        _ state: ParticleState, _ streams: StreamTable, _ f0: any ScoreField, _ f1: any ScoreField,
        _ lambda: Double, _ h: Double, _ step: Int, _ t: Double
    ) throws {
        let d = state.dimension
        let x = SharedPointer(state.x)
        let s = SharedPointer(state.score)
        let xs = SharedPointer(state.stage!)  // safe: allocated for the Heun scheme (ParticleState.init)
        let acc = SharedPointer(state.accumulator!)  // safe: as above
        let failures = SharedPointer(state.failures)
        let c = (2 * h).squareRoot()
        forEachBlock(state.count) { block, lo, m in
            let n = m * d
            let xb = x.base + lo * d
            let sb = s.base + lo * d
            let tb = xs.base + lo * d
            let ab = acc.base + lo * d
            f0.evaluate(points: xb, count: m, into: sb)
            if !state.absorbing, let bad = firstNonFinite(sb, n) {
                failures[block] = Failure(kind: .score, particle: lo + bad / d); return
            }
            var rng = streams[block]
            for i in 0..<n {
                let f = lambda * xb[i] + 2 * sb[i]
                ab[i] = f
                tb[i] = xb[i] + h * f + c * rng.gaussian()
            }
            streams[block] = rng
            f1.evaluate(points: tb, count: m, into: sb)
            if !state.absorbing, let bad = firstNonFinite(sb, n) {
                failures[block] = Failure(kind: .score, particle: lo + bad / d); return
            }
            for i in 0..<n { xb[i] = tb[i] + 0.5 * h * (lambda * tb[i] + 2 * sb[i] - ab[i]) }
            if !state.absorbing, let bad = firstNonFinite(xb, n) {
                failures[block] = Failure(kind: .position, particle: lo + bad / d)
            }
        }
        try state.checkFailures(step: step, time: t)
    }

    /// One Langevin step `x ← x + ηs + √(2η) z` for every block.
    private static func langevinStep(
        _ state: ParticleState, _ streams: StreamTable, _ field: any ScoreField, _ eta: Double, _ step: Int, _ t: Double
    ) throws {
        try affineStep(state, streams, field, a: 1, b: eta, c: (2 * eta).squareRoot(), step, t)
    }

    /// One Runge–Kutta step of the probability-flow ODE `dx/dτ = λx + s_t(x)`, from `t0` to
    /// `t1 = t0 − h`.
    private static func probabilityFlowStep(
        _ state: ParticleState, _ score: any ScoreModel, _ scheme: ProbabilityFlowScheme, _ lambda: Double,
        _ t0: Double, _ t1: Double, _ step: Int
    ) throws {
        let h = t0 - t1
        let d = state.dimension
        let x = SharedPointer(state.x)
        let k = SharedPointer(state.score)
        let failures = SharedPointer(state.failures)
        switch scheme {
        case .euler:
            let f0 = try score.field(at: t0)
            forEachBlock(state.count) { block, lo, m in
                let xb = x.base + lo * d
                let kb = k.base + lo * d
                f0.evaluate(points: xb, count: m, into: kb)
                if !state.absorbing, let bad = firstNonFinite(kb, m * d) {
                    failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                }
                for i in 0..<(m * d) { xb[i] += h * (lambda * xb[i] + kb[i]) }
                if !state.absorbing, let bad = firstNonFinite(xb, m * d) {
                    failures[block] = Failure(kind: .position, particle: lo + bad / d)
                }
            }
        case .heun:
            let f0 = try score.field(at: t0)
            let f1 = try score.field(at: t1)
            // safe: the Heun and RK4 schemes allocate both stage buffers (ParticleState.init)
            let xs = SharedPointer(state.stage!)
            let acc = SharedPointer(state.accumulator!)
            forEachBlock(state.count) { block, lo, m in
                let xb = x.base + lo * d
                let kb = k.base + lo * d
                let sb = xs.base + lo * d
                let ab = acc.base + lo * d
                f0.evaluate(points: xb, count: m, into: kb)
                if !state.absorbing, let bad = firstNonFinite(kb, m * d) {
                    failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                }
                for i in 0..<(m * d) {
                    let k1 = lambda * xb[i] + kb[i]
                    ab[i] = k1
                    sb[i] = xb[i] + h * k1
                }
                f1.evaluate(points: sb, count: m, into: kb)
                if !state.absorbing, let bad = firstNonFinite(kb, m * d) {
                    failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                }
                for i in 0..<(m * d) {
                    let k2 = lambda * sb[i] + kb[i]
                    xb[i] += 0.5 * h * (ab[i] + k2)
                }
                if !state.absorbing, let bad = firstNonFinite(xb, m * d) {
                    failures[block] = Failure(kind: .position, particle: lo + bad / d)
                }
            }
        case .rk4:
            let f0 = try score.field(at: t0)
            let fm = try score.field(at: t0 - 0.5 * h)
            let f1 = try score.field(at: t1)
            let xs = SharedPointer(state.stage!)  // safe: allocated for RK schemes
            let acc = SharedPointer(state.accumulator!)  // safe: allocated for RK schemes
            forEachBlock(state.count) { block, lo, m in
                let xb = x.base + lo * d
                let kb = k.base + lo * d
                let sb = xs.base + lo * d
                let ab = acc.base + lo * d
                let n = m * d
                // k1 at (t0, x)
                f0.evaluate(points: xb, count: m, into: kb)
                if !state.absorbing, let bad = firstNonFinite(kb, n) {
                    failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                }
                for i in 0..<n {
                    let k1 = lambda * xb[i] + kb[i]
                    ab[i] = k1
                    sb[i] = xb[i] + 0.5 * h * k1
                }
                // k2 at (t0 − h/2, x + h/2·k1), then k3 at (t0 − h/2, x + h/2·k2); each enters the
                // sum twice and sets the next stage point (k3's: x + h·k3, for k4).
                for stage in 2...3 {
                    let next = stage == 2 ? 0.5 * h : h
                    fm.evaluate(points: sb, count: m, into: kb)
                    if !state.absorbing, let bad = firstNonFinite(kb, n) {
                        failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                    }
                    for i in 0..<n {
                        let kj = lambda * sb[i] + kb[i]
                        ab[i] += 2 * kj
                        sb[i] = xb[i] + next * kj
                    }
                }
                // k4 at (t1, x + h·k3)
                f1.evaluate(points: sb, count: m, into: kb)
                if !state.absorbing, let bad = firstNonFinite(kb, n) {
                    failures[block] = Failure(kind: .score, particle: lo + bad / d); return
                }
                for i in 0..<n {
                    let k4 = lambda * sb[i] + kb[i]
                    xb[i] += h / 6 * (ab[i] + k4)
                }
                if !state.absorbing, let bad = firstNonFinite(xb, n) {
                    failures[block] = Failure(kind: .position, particle: lo + bad / d)
                }
            }
        }
        try state.checkFailures(step: step, time: t0)
    }

    /// Calls `body(block, firstParticle, particlesInBlock)` for every block, concurrently.
    @inline(__always)
    static func forEachBlock(_ count: Int, _ body: @Sendable (Int, Int, Int) -> Void) {
        let blocks = (count + blockSize - 1) / blockSize
        Parallel.forEachTask(blocks) { b in
            let lo = b * blockSize
            body(b, lo, min(blockSize, count - lo))
        }
    }

    @inline(__always)
    static func firstNonFinite(_ p: UnsafeMutablePointer<Double>, _ n: Int) -> Int? {
        var all = true
        for i in 0..<n { all = all && p[i].isFinite }
        if all { return nil }
        for i in 0..<n where !p[i].isFinite { return i }
        return nil
    }
}

/// One random stream per block of particles (each used by one task at a time): block `b`'s
/// ``AdiabatCore/Xoshiro256`` is seeded with `derivedSeed(seed, stream: b)`. A task copies
/// its stream into a local (registers) for the block's loop and stores it back.
final class StreamTable: @unchecked Sendable {
    private let streams: UnsafeMutablePointer<Xoshiro256>
    private let count: Int
    init(seed: UInt64, count: Int) {
        self.count = count
        streams = .allocate(capacity: max(count, 1))
        for b in 0..<count {
            (streams + b).initialize(to: Xoshiro256(splitMixSeed: RandomStream.derivedSeed(seed, stream: UInt64(b))))
        }
    }
    deinit {
        streams.deinitialize(count: count)
        streams.deallocate()
    }
    subscript(b: Int) -> Xoshiro256 {
        get { streams[b] }
        set { streams[b] = newValue }
    }
}

struct Failure: Sendable {
    enum Kind: Sendable { case none, score, position }
    var kind: Kind
    var particle: Int
    static let none = Failure(kind: .none, particle: -1)
}

/// Particle buffers for one run, allocated once.
final class ParticleState: @unchecked Sendable {
    let count: Int
    let dimension: Int
    let x: UnsafeMutablePointer<Double>
    let score: UnsafeMutablePointer<Double>
    let stage: UnsafeMutablePointer<Double>?
    let accumulator: UnsafeMutablePointer<Double>?
    let failures: UnsafeMutablePointer<Failure>
    let blocks: Int
    /// ``SamplingProblem/absorbing``: non-finite scores and positions are not failures.
    var absorbing = false

    init(count: Int, dimension: Int, method: SamplerMethod) {
        self.count = count
        self.dimension = dimension
        let n = count * dimension
        x = .allocate(capacity: n)
        x.initialize(repeating: 0, count: n)
        score = .allocate(capacity: n)
        score.initialize(repeating: 0, count: n)
        var needsStages = false
        switch method {
        case .probabilityFlow(let s): needsStages = s != .euler
        case .reverseSDE(let s): needsStages = s == .heun
        case .predictorCorrector(let pc): needsStages = pc.predictor == .heun
        case .annealedLangevin: needsStages = false
        }
        if needsStages {
            let st = UnsafeMutablePointer<Double>.allocate(capacity: n)
            st.initialize(repeating: 0, count: n)
            let acc = UnsafeMutablePointer<Double>.allocate(capacity: n)
            acc.initialize(repeating: 0, count: n)
            stage = st
            accumulator = acc
        } else {
            stage = nil
            accumulator = nil
        }
        blocks = (count + ParticleSampler.blockSize - 1) / ParticleSampler.blockSize
        failures = .allocate(capacity: blocks)
        failures.initialize(repeating: .none, count: blocks)
    }

    deinit {
        x.deallocate()
        score.deallocate()
        stage?.deallocate()
        accumulator?.deallocate()
        failures.deallocate()
    }

    func samples() -> [Double] { Array(UnsafeBufferPointer(start: x, count: count * dimension)) }

    /// Throws a ``DiffusionFailure`` naming the first failing block's particle.
    func checkFailures(step: Int, time: Double) throws {
        for b in 0..<blocks where failures[b].kind != .none {
            let f = failures[b]
            let position = (0..<dimension).map { x[f.particle * dimension + $0] }
            switch f.kind {
            case .score:
                throw DiffusionFailure(
                    message:
                        "the score is not finite at step \(step + 1) (t = \(time)) for particle \(f.particle) at \(position)",
                    hint: "check the score model (a learned score may be undefined far from its data)", partialResult: samples())
            case .position:
                throw DiffusionFailure(
                    message: "particle \(f.particle) diverged at step \(step + 1) (t = \(time))",
                    hint:
                        "the step is too large for this score's stiffness: use more steps or a schedule with small steps near t = 0 (e.g. cosine)",
                    partialResult: samples())
            case .none:
                break
            }
        }
    }
}

extension DiffusionFailure: AdiabatError {}
