import AdiabatCore
import Foundation
import GSLKit

/// Real-time evolution on a grid, `i∂τψ = (−∇² + V(τ))ψ`, Dirichlet walls, in plain data.
///
/// The potential is supplied per run time (`τ ↦ V(τ)` on the grid nodes), so any path can
/// drive it: a landscape's Score-Hamiltonian path composes its schedule and diffusion time
/// into this closure. States are complex interleaved, normalised with the cell volume
/// (`Σ|ψ|²ΔV = 1`).
public struct GridEvolutionProblem: Sendable {
    public var grid: UniformGrid
    public var totalTime: Double
    /// Interleaved complex initial state (length `2·grid.count`).
    public var initialState: [Double]
    /// `V(τ)` at every node (flat, last axis fastest).
    public var potential: @Sendable (Double) throws -> [Double]
    /// Stencil of `−∇²` (the GSL path uses it exactly; the split-operator path uses its
    /// symbol on the sine basis, identical for `.second`).
    public var order: LaplacianOrder
    /// Run times where the potential has a kink (integrators stop there).
    public var breakpoints: [Double]

    public init(
        grid: UniformGrid, totalTime: Double, initialState: [Double], order: LaplacianOrder = .second, breakpoints: [Double] = [],
        potential: @escaping @Sendable (Double) throws -> [Double]
    ) throws {
        try Check.positive(totalTime, "total time")
        guard initialState.count == 2 * grid.count else {
            throw InputError("initial state", "has \(initialState.count) reals for \(grid.count) complex amplitudes")
        }
        try Check.finite(initialState, "initial state")
        self.grid = grid
        self.totalTime = totalTime
        self.initialState = initialState
        self.order = order
        self.breakpoints = breakpoints.filter { $0 > 0 && $0 < totalTime }.sorted()
        self.potential = potential
    }
}

/// The solution of a grid evolution: the fidelity with the target at the end of the run
/// (or, on failure, where it stopped), the statistics and the status.
public struct GridEvolutionResult: EvolutionSolution {
    public var method: EvolutionMethod
    public var totalTime: Double
    /// `|⟨target|ψ(T)⟩|²` with the cell volume (nil without a target).
    public var fidelity: Double?
    /// `|‖ψ(T)‖² − ‖ψ(0)‖²|` (cell-volume norm).
    public var normError: Double
    public var statistics: SolutionStatistics
    public var status: SolutionStatus
    public var trajectory: [TrajectoryPoint]?
    /// The final state (interleaved complex), not encoded.
    public var finalState: [Double] = []
    /// The states at the trajectory's times when ``EvolutionOptions/trajectoryStates`` is set;
    /// not encoded.
    public var trajectoryStates: [[Double]]? = nil

    enum CodingKeys: String, CodingKey { case fidelity, trajectory }

    /// Flat JSON: the shared keys (``EvolutionSolution/encodeSolutionKeys(to:)``) and the fidelity.
    public func encode(to encoder: Encoder) throws {
        try encodeSolutionKeys(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeFields([.fidelity: fidelity, .trajectory: trajectory])
    }
}

/// Time-dependent Schrödinger evolution on grids: GSL's steppers on the matrix-free
/// ``GridHamiltonian``, or the split-operator sine-transform propagator.
///
/// **Why a sine transform.** The 3-point Laplacian with Dirichlet walls is diagonalised
/// exactly by the type-I discrete sine transform (eigenvalues `(2 − 2cos(πk/(N+1)))/h²`), so
/// the kinetic factor `e^{−iKτ}` is exact for the same discrete operator the GSL path and
/// the eigensolvers use, and the only error is the splitting error (2nd or 4th order). A
/// periodic FFT would put the walls in the wrong place; Crank–Nicolson would add its own
/// 2nd-order error to the kinetic part and needs an ADI or sparse solve in 2-D and 3-D. The
/// DST-I of length N is a complex FFT of length `2(N+1)` of the odd extension: choose
/// `points` with `N + 1` a product of small primes (e.g. 255, 511, 1023 points) for speed.
public enum GridEvolution {
    /// Runs `problem`; `target` (real or complex interleaved, any normalisation) gives the
    /// fidelity `|⟨target|ψ⟩|²/(‖target‖²‖ψ‖²)` at the end and on the trajectory.
    public static func run(
        _ problem: GridEvolutionProblem, method: EvolutionMethod = .split4, options: EvolutionOptions = EvolutionOptions(),
        target: [Double]? = nil
    ) throws -> GridEvolutionResult {
        try options.validate()
        let grid = problem.grid
        let n = grid.count
        if let target {
            guard target.count == n || target.count == 2 * n else {
                throw InputError("target", "has \(target.count) values for \(n) nodes")
            }
        }
        let T = problem.totalTime
        let system = equation(problem)
        try method.integrator.validate(on: system, options: options)
        let samples = options.trajectorySamples
        let stops = EvolutionStops(totalTime: T, breakpoints: problem.breakpoints, samples: samples)
        let volume = grid.cellVolume
        let initialNorm = problem.initialState.withUnsafeBufferPointer { normSquared($0) } * volume

        var psi = problem.initialState
        var trajectory: [TrajectoryPoint] = []
        var states: [[Double]] = []
        func record(_ state: [Double], _ tau: Double) throws {
            if options.trajectoryStates { states.append(state) }
            let v = try problem.potential(tau)
            let h = try GridHamiltonian(grid: grid, potential: v, order: problem.order)
            var hy = [Double](repeating: 0, count: state.count)
            state.withUnsafeBufferPointer { s in hy.withUnsafeMutableBufferPointer { h.applyComplex(s, into: $0) } }
            var e = 0.0
            var norm = 0.0
            for i in 0..<state.count {
                e += state[i] * hy[i]
                norm += state[i] * state[i]
            }
            trajectory.append(
                TrajectoryPoint(
                    time: tau, progress: tau / T, energy: e / max(norm, 1e-300),
                    targetProbability: target.map { overlap($0, state) } ?? 0, instantaneousFidelity: nil, gap: nil))
        }
        if samples > 0 { try record(psi, 0) }
        let (statistics, status) = try EvolutionLoop.run(
            &psi, method: method, options: options, stops: stops, system: system, sampled: record)
        let finalNorm = psi.withUnsafeBufferPointer { normSquared($0) } * volume
        var result = GridEvolutionResult(
            method: method, totalTime: T, fidelity: target.map { overlap($0, psi) }, normError: abs(finalNorm - initialNorm),
            statistics: statistics, status: status, trajectory: samples > 0 ? trajectory : nil, finalState: psi)
        if options.trajectoryStates && samples > 0 { result.trajectoryStates = states }
        return result
    }

    /// The grid's equation for the methods: the real form on the matrix-free
    /// ``GridHamiltonian`` (with a dense Jacobian for implicit steppers), and the sine-transform
    /// splitting, which needs the 3-point stencil.
    static func equation(_ problem: GridEvolutionProblem) -> EvolutionSystem {
        let grid = problem.grid
        let n = grid.count
        let T = problem.totalTime
        let order = problem.order
        let potential = problem.potential
        return EvolutionSystem(
            components: 2 * n, size: "\(n) grid nodes",
            equation: { withJacobian in
                let rhs: ODEProblem.RightHandSide = { t, y, dydt in
                    let h = try GridHamiltonian(grid: grid, potential: try potential(t), order: order)
                    h.applyComplex(y, into: dydt)
                    dydt.baseAddress!.multiplyByMinusI(count: n)  // safe: a grid has nodes
                }
                guard withJacobian else { return (rhs, nil) }
                let jacobian: ODEProblem.Jacobian = { t, y, dfdy, dfdt in
                    let h = try GridHamiltonian(grid: grid, potential: try potential(t), order: order)
                    EvolutionLoop.fillDenseJacobian(dfdy, dimension: n) { h.apply($0, into: $1) }
                    // ∂f/∂τ = −i V̇ ψ, V̇ by a centred difference (step ~ ε^{1/3}·T)
                    let dt = 1e-5 * max(T, 1)
                    let vp = try potential(t + dt)
                    let vm = try potential(t - dt)
                    for k in 0..<n {
                        let vdot = (vp[k] - vm[k]) / (2 * dt)
                        dfdt[2 * k] = vdot * y[2 * k + 1]
                        dfdt[2 * k + 1] = -vdot * y[2 * k]
                    }
                }
                return (rhs, jacobian)
            },
            checkSplitting: { name in try checkSplitting(name, order: order) },
            splitStepper: { try SineSplitStepper(grid: grid, potential: potential) })
    }

    /// Refuses a split-operator method on a stencil other than the 3-point one, which its sine
    /// transform diagonalises exactly (GSL's steppers run on any stencil): callers check this
    /// before estimating the work, so a method that cannot run is named first.
    public static func checkMethod(_ method: EvolutionMethod, order: LaplacianOrder) throws {
        if method.isSplitOperator { try checkSplitting(method.name, order: order) }
    }

    static func checkSplitting(_ name: String, order: LaplacianOrder) throws {
        guard order == .second else {
            throw InputError(
                "evolve.method",
                "\(name) diagonalises the 3-point Laplacian exactly; this problem uses the \(order.rawValue + 1)-point (order \(order.rawValue)) stencil",
                hint: "use the second-order stencil, or a GSL method (rk8pd, msadams, …)")
        }
    }

    /// `|⟨a|b⟩|²/(‖a‖²‖b‖²)` for `a` real (length n) or complex, `b` complex (length 2n).
    public static func overlap(_ a: [Double], _ b: [Double]) -> Double {
        let n = b.count / 2
        var re = 0.0
        var im = 0.0
        var na = 0.0
        var nb = 0.0
        if a.count == n {
            for k in 0..<n {
                re += a[k] * b[2 * k]
                im += a[k] * b[2 * k + 1]
                na += a[k] * a[k]
            }
        } else {
            for k in 0..<n {
                re += a[2 * k] * b[2 * k] + a[2 * k + 1] * b[2 * k + 1]
                im += a[2 * k] * b[2 * k + 1] - a[2 * k + 1] * b[2 * k]
                na += a[2 * k] * a[2 * k] + a[2 * k + 1] * a[2 * k + 1]
            }
        }
        for v in b { nb += v * v }
        return (re * re + im * im) / max(na * nb, 1e-300)
    }
}

/// The split-operator step on a grid: kinetic part `e^{−iKτ}` (time-carrying, exact through
/// the sine transform, axis by axis) and potential part `e^{−iV(τ)ℓ}` frozen at the time
/// reached (one potential evaluation per stage).
final class SineSplitStepper: CompositionStepper, @unchecked Sendable {
    let grid: UniformGrid
    let potential: @Sendable (Double) throws -> [Double]
    /// Per axis: the eigenvalues `λ_k` (k = 1…N) of the 3-point `−∂²`.
    let symbols: [[Double]]
    /// Per worker and axis: an FFT of length `2(N+1)` and its scratch.
    let transforms: [[ComplexFFT]]
    let workers: Int

    init(grid: UniformGrid, potential: @escaping @Sendable (Double) throws -> [Double]) throws {
        self.grid = grid
        self.potential = potential
        symbols = (0..<grid.dimension).map { a in
            let n = grid.points[a]
            let h = grid.spacing[a]
            return (1...n).map { k in (2 - 2 * cos(Double.pi * Double(k) / Double(n + 1))) / (h * h) }
        }
        let lines = grid.dimension == 1 ? 1 : grid.count / grid.points.min()!  // safe: dimension ≥ 1
        workers = max(1, min(Parallel.workers, lines))
        transforms = try (0..<workers).map { _ in try grid.points.map { try ComplexFFT(count: 2 * ($0 + 1)) } }
    }

    func step(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int {
        var time = t
        var passes = 0
        for j in 0..<scheme.b.count {
            try kinetic(psi, tau: scheme.a[j] * h)
            time += scheme.a[j] * h
            try potentialPhase(psi, v: try potential(time), theta: scheme.b[j] * h)
            passes += 2
        }
        try kinetic(psi, tau: scheme.a[scheme.a.count - 1] * h)
        return passes + 1
    }

    private func potentialPhase(_ psi: UnsafeMutableBufferPointer<Double>, v: [Double], theta: Double) throws {
        guard v.count == grid.count else {
            throw InputError("potential", "has \(v.count) values for \(grid.count) grid nodes")
        }
        for k in 0..<v.count {
            let x = theta * v[k]
            let (sn, cs) = abs(x) < FastTrig.maximumArgument ? FastTrig.sinCos(x) : (sin(x), cos(x))
            let re = psi[2 * k]
            let im = psi[2 * k + 1]
            psi[2 * k] = re * cs + im * sn
            psi[2 * k + 1] = im * cs - re * sn
        }
    }

    /// `ψ ← e^{−iKτ}ψ`, `K = Σ_axes −∂²_a` (the axis factors commute).
    private func kinetic(_ psi: UnsafeMutableBufferPointer<Double>, tau: Double) throws {
        guard let base = psi.baseAddress else { return }
        let p = SharedPointer(base)
        let strides = grid.strides
        for a in 0..<grid.dimension {
            let n = grid.points[a]
            let stride = strides[a]
            let lines = grid.count / n
            // phases e^{−iλ_k τ} and the normalisation −1/(2(N+1)) of the two transforms
            let norm = -1.0 / Double(2 * (n + 1))
            let phase = symbols[a].map { (cos($0 * tau) * norm, -sin($0 * tau) * norm) }
            let failures = ResultSlots<any Error>(count: workers)
            Parallel.forEachTask(workers) { w in
                let fft = self.transforms[w][a]
                let m = 2 * (n + 1)
                var buffer = [Double](repeating: 0, count: 2 * m)
                var z = [Double](repeating: 0, count: 2 * n)
                let range = chunk(w, of: self.workers, count: lines)
                do {
                    try buffer.withUnsafeMutableBufferPointer { b in
                        for line in range {
                            // first node of the line: split the flat index around axis a
                            let outer = line / stride
                            let inner = line % stride
                            let start = outer * stride * n + inner
                            oddExtension(b, m: m, n: n) { j in
                                (p.base[2 * (start + j * stride)], p.base[2 * (start + j * stride) + 1])
                            }
                            try fft.forward(b)
                            // Z_k = Y_k·e^{−iλτ}·norm for k = 1…N, then odd-extend Z and transform again
                            for k in 1...n {
                                let (c, s) = phase[k - 1]
                                let yr = b[2 * k]
                                let yi = b[2 * k + 1]
                                z[2 * (k - 1)] = yr * c - yi * s
                                z[2 * (k - 1) + 1] = yr * s + yi * c
                            }
                            oddExtension(b, m: m, n: n) { j in (z[2 * j], z[2 * j + 1]) }
                            try fft.forward(b)
                            for j in 0..<n {
                                let k = 2 * (start + j * stride)
                                p.base[k] = b[2 * (j + 1)]
                                p.base[k + 1] = b[2 * (j + 1) + 1]
                            }
                        }
                    }
                } catch {
                    failures.store(w, error)
                }
            }
            if let failure = failures.values.first { throw failure }
        }
    }
}

/// `[0, x₁…x_N, 0, −x_N…−x₁]` (complex interleaved) into `b` of `m = 2(N+1)` complex slots.
@inline(__always)
private func oddExtension(_ b: UnsafeMutableBufferPointer<Double>, m: Int, n: Int, _ value: (Int) -> (Double, Double)) {
    b[0] = 0
    b[1] = 0
    b[2 * (n + 1)] = 0
    b[2 * (n + 1) + 1] = 0
    for j in 0..<n {
        let (re, im) = value(j)
        b[2 * (j + 1)] = re
        b[2 * (j + 1) + 1] = im
        b[2 * (m - 1 - j)] = -re
        b[2 * (m - 1 - j) + 1] = -im
    }
}

/// The `c`-th of `chunks` near-equal ranges of `0..<count`.
private func chunk(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
    let base = count / chunks
    let extra = count % chunks
    let start = c * base + min(c, extra)
    return start..<(start + base + (c < extra ? 1 : 0))
}
