import AdiabatCore
import Foundation
import GSLKit

/// A transverse-field annealing run: `i∂τψ = H(u(τ/T))ψ`, `τ ∈ [0, T]`, with
/// `H(s) = −A(s)Σσx + B(s)H_P` (docs/theory.md §5), in plain data.
public struct AnnealingProblem: Sendable {
    public var hamiltonian: AnnealingHamiltonian
    /// `r = τ/T ↦ s`.
    public var schedule: Schedule
    /// Total run time `T` (in the path's time unit; dimensionless for the default path).
    public var totalTime: Double
    /// A classical initial state (spins ±1), e.g. for reverse annealing; nil: the ground
    /// state of `H(u(0))` (the uniform superposition on the default path).
    public var initialSpins: [Int]?

    public init(hamiltonian: AnnealingHamiltonian, schedule: Schedule = .linear, totalTime: Double, initialSpins: [Int]? = nil)
        throws
    {
        try Check.positive(totalTime, "total time")
        if let z = initialSpins { _ = try hamiltonian.model.state(of: z) }
        self.hamiltonian = hamiltonian
        self.schedule = schedule
        self.totalTime = totalTime
        self.initialSpins = initialSpins
    }

    /// `(A, B)` at run time `τ`.
    @inline(__always)
    func coefficients(at tau: Double) -> (a: Double, b: Double) {
        hamiltonian.path.coefficients(at: schedule.progress(at: tau / totalTime))
    }
}

/// The solution of an annealing evolution: the figures at the end of the run (or, on
/// failure, where it stopped), the statistics and the status.
public struct AnnealingEvolutionResult: RegisterEvolutionSolution {
    public var method: EvolutionMethod
    public var qubits: Int
    public var totalTime: Double
    public var schedule: String
    public var path: String
    public var timeUnit: String?
    /// Final progress `u(1)` (1 unless the schedule ends elsewhere).
    public var finalProgress: Double
    /// `‖P₀ψ(T)‖²`, `P₀` the projector on the ground space of `H(u(1))` (docs/theory.md §5; for
    /// a degenerate ground space the whole space counts).
    public var fidelity: Double
    /// Probability of measuring a ground state of `H_P` at the end.
    public var groundStateProbability: Double
    /// `⟨ψ(T)|H_P|ψ(T)⟩` in the problem's energy units (offset included).
    public var finalEnergy: Double
    /// `⟨ψ(T)|H(u(1))|ψ(T)⟩`.
    public var finalPathEnergy: Double
    /// Exact ground energy of `H_P` and how many ground states it has.
    public var groundEnergy: Double
    public var groundStates: Int
    /// `|‖ψ(T)‖² − 1|`: the propagator's unitarity defect (split methods: rounding only).
    public var normError: Double
    /// `full`, or `even` when the run used the spin-flip symmetry (half the amplitudes).
    public var sector: String = "full"
    public var statistics: SolutionStatistics
    public var status: SolutionStatus
    public var trajectory: [TrajectoryPoint]?
    /// The final state (interleaved complex, whole register), not encoded.
    public var finalState: [Double] = []
    /// The states at the trajectory's times (interleaved complex, whole register) when
    /// ``EvolutionOptions/trajectoryStates`` is set; not encoded.
    public var trajectoryStates: [[Double]]? = nil

    enum CodingKeys: String, CodingKey {
        case trajectory, sector
        case timeUnit = "time_unit"
        case finalProgress = "final_progress"
        case finalPathEnergy = "final_path_energy"
        case groundEnergy = "ground_energy"
        case groundStates = "ground_states"
    }

    /// Flat JSON: the register keys (``RegisterEvolutionSolution/encodeRegisterKeys(to:)``)
    /// beside the annealing figures.
    public func encode(to encoder: Encoder) throws {
        try encodeRegisterKeys(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeFields([
            .timeUnit: timeUnit, .finalProgress: finalProgress, .finalPathEnergy: finalPathEnergy,
            .groundEnergy: groundEnergy, .groundStates: groundStates, .sector: sector, .trajectory: trajectory,
        ])
    }
}

/// Real-time evolution along an annealing path, with GSL's steppers or the split-operator
/// propagators.
public enum AnnealingEvolution {
    /// The methods that can run on `qubits` qubits with `options` (implicit GSL steppers
    /// only while their dense Jacobian is affordable).
    public static func availableMethods(qubits: Int, options: EvolutionOptions = EvolutionOptions()) -> [EvolutionMethod] {
        EvolutionMethodRegistry.available(components: 2 << qubits, options: options)
    }

    /// Runs `problem` with `method`.
    ///
    /// - Throws: ``InputError`` for an unusable method/size pair (naming the methods that
    ///   work), a bad initial state or bad options. Numerical failures are a status.
    public static func run(
        _ problem: AnnealingProblem, method: EvolutionMethod = .split4, options: EvolutionOptions = EvolutionOptions()
    ) throws -> AnnealingEvolutionResult {
        try options.validate()
        let h = problem.hamiltonian
        let n = h.qubits
        let sector: SpinFlipSector = options.useSymmetry && h.sectors != nil && problem.initialSpins == nil ? .even : .full
        let T = problem.totalTime
        let system = equation(problem, sector: sector, options: options)
        try method.integrator.validate(on: system, options: options)
        var psi = sector == .full ? try initialState(problem) : try initialEvenState(problem)
        // Stops: schedule kinks, trajectory samples, the end.
        let samples = options.trajectorySamples
        let stops = EvolutionStops(totalTime: T, breakpoints: problem.schedule.breakpoints.map { $0 * T }, samples: samples)
        var trajectory: [TrajectoryPoint] = []
        var states: [[Double]] = []
        func whole(_ state: [Double]) -> [Double] { sector == .full ? state : embed(state, qubits: n) }
        func sample(_ state: [Double], _ tau: Double) throws {
            let full = whole(state)
            trajectory.append(try record(problem, full, at: tau, spectrum: options.trajectorySpectrum))
            if options.trajectoryStates { states.append(full) }
        }
        if samples > 0 { try sample(psi, 0) }
        let (statistics, status) = try EvolutionLoop.run(
            &psi, method: method, options: options, stops: stops, system: system, sampled: sample)

        if sector != .full { embedInPlace(&psi, qubits: n) }
        var result = try summarise(
            problem, psi, method: method, statistics: statistics, status: status,
            trajectory: samples > 0 ? trajectory : nil)
        result.sector = sector.rawValue
        if options.trajectoryStates && samples > 0 { result.trajectoryStates = states }
        return result
    }

    /// The register's equation for the methods: the real form on the transverse-field operator
    /// of `sector` (with a dense Jacobian for implicit steppers), and the register splitting,
    /// whose vectors must fit in memory.
    static func equation(_ problem: AnnealingProblem, sector: SpinFlipSector, options: EvolutionOptions) -> EvolutionSystem {
        let h = problem.hamiltonian
        let n = h.qubits
        let op = h.operatorFor(sector)
        let T = problem.totalTime
        let path = h.path
        let schedule = problem.schedule
        return EvolutionSystem(
            components: 2 << n, size: "\(n) qubits",
            equation: { withJacobian in
                let rhs: ODEProblem.RightHandSide = { t, y, dydt in
                    let (a, b) = path.coefficients(at: schedule.progress(at: t / T))
                    op.applyMinusI(a: a, b: b, y, into: dydt)
                }
                return (rhs, withJacobian ? denseJacobian(problem, op) : nil)
            },
            checkSplitting: { _ in
                // the state (the whole register's at the end); step doubling below
                // inPlaceStepDoublingFrom real components keeps two more vectors, from there none
                // (SplitOperatorDriver); a sector's vectors are half as long
                let length = sector == .full ? 2 << n : 1 << n
                let vectors = 1 + options.splitCopies(components: length) * Double(length) / Double(2 << n)
                try QubitRegister.validate(qubits: n, vectors: vectors, for: "the evolution")
            },
            splitStepper: {
                // The factorised Ising phase needs H_P to be the model's energy; with extra
                // diagonal terms the phases come from the diagonal itself.
                RegisterSplitStepper(
                    problem: problem, kernels: RegisterKernels(op, model: h.diagonalTerms.isEmpty ? h.model : nil))
            })
    }

    /// The even-sector components `c_k = (ψ_k + ψ_k̄)/√2` (`k` with the top qubit in `|0⟩`).
    static func project(_ psi: [Double], qubits n: Int) -> [Double] {
        let half = 1 << (n - 1)
        let all = (1 << n) - 1
        let r = 1 / 2.0.squareRoot()
        var c = [Double](repeating: 0, count: 2 * half)
        for k in 0..<half {
            c[2 * k] = r * (psi[2 * k] + psi[2 * (k ^ all)])
            c[2 * k + 1] = r * (psi[2 * k + 1] + psi[2 * (k ^ all) + 1])
        }
        return c
    }

    /// The initial state in the even sector, with room for the whole register reserved (the
    /// upper half is not touched, so it costs no memory until ``embedInPlace(_:qubits:)``).
    static func initialEvenState(_ problem: AnnealingProblem) throws -> [Double] {
        let n = problem.hamiltonian.qubits
        let half = 1 << (n - 1)
        var c: [Double] = []
        c.reserveCapacity(4 * half)
        let (a, b) = problem.coefficients(at: 0)
        if b == 0 && a > 0 {
            // the uniform superposition: (|k⟩ + |k̄⟩)/√2 components √2·2^{−n/2}, rounded as
            // project(_:qubits:) rounds them
            let whole = 1 / Double(2 * half).squareRoot()
            let amplitude = 1 / 2.0.squareRoot() * (whole + whole)
            for _ in 0..<half {
                c.append(amplitude)
                c.append(0)
            }
        } else {
            c.append(contentsOf: project(try initialState(problem), qubits: n))
        }
        return c
    }

    /// `c` (even-sector components) becomes the whole-register state, in place: the buffer
    /// grows within its reserved capacity, and entry `k̄` (upper half) is written from `k`.
    static func embedInPlace(_ c: inout [Double], qubits n: Int) {
        let half = 1 << (n - 1)
        let all = (1 << n) - 1
        let r = 1 / 2.0.squareRoot()
        c.append(contentsOf: repeatElement(0, count: 2 * half))
        c.withUnsafeMutableBufferPointer { p in
            for k in 0..<half {
                let re = r * p[2 * k]
                let im = r * p[2 * k + 1]
                p[2 * k] = re
                p[2 * k + 1] = im
                p[2 * (k ^ all)] = re
                p[2 * (k ^ all) + 1] = im
            }
        }
    }

    /// The whole-register state of even-sector components.
    static func embed(_ c: [Double], qubits n: Int) -> [Double] {
        var psi: [Double] = []
        psi.reserveCapacity(2 * c.count)
        psi.append(contentsOf: c)
        embedInPlace(&psi, qubits: n)
        return psi
    }

    /// The initial state (interleaved complex, unit norm).
    public static func initialState(_ problem: AnnealingProblem) throws -> [Double] {
        let h = problem.hamiltonian
        let dim = 1 << h.qubits
        var psi = [Double](repeating: 0, count: 2 * dim)
        if let spins = problem.initialSpins {
            psi[2 * (try h.model.state(of: spins))] = 1
            return psi
        }
        let (a, b) = problem.coefficients(at: 0)
        if b == 0 && a > 0 {
            let amplitude = 1 / Double(dim).squareRoot()
            for k in 0..<dim { psi[2 * k] = amplitude }
            return psi
        }
        let ground = try h.groundSpace(a: a, b: b)
        if let states = ground.diagonalStates {
            guard states.count == 1 else {
                throw InputError(
                    "schedule",
                    "H(s = \(problem.schedule.progress(at: 0))) has \(states.count) degenerate classical ground states at the start",
                    hint: "give the initial spins (initial_state in [schedule]) for a reverse anneal")
            }
            psi[2 * states[0]] = 1
            return psi
        }
        guard ground.vectors.count == 1, let v = ground.vectors.first else {
            throw InputError(
                "schedule", "H at the start has a \(ground.vectors.count)-fold degenerate ground space",
                hint: "give the initial spins (initial_state in [schedule])")
        }
        let sign: Double = v.reduce(0, +) < 0 ? -1 : 1
        for k in 0..<dim { psi[2 * k] = sign * v[k] }
        return psi
    }

    /// The dense Jacobian of `f = −iHψ` in real form: `∂f_re/∂ψ_im = H`, `∂f_im/∂ψ_re = −H`,
    /// and `∂f/∂τ = −i (∂H/∂τ) ψ` with `∂H/∂τ = H(A'·u̇, B'·u̇)`, `u̇ = rate/T`.
    static func denseJacobian(_ problem: AnnealingProblem, _ op: TransverseFieldOperator) -> ODEProblem.Jacobian {
        let path = problem.hamiltonian.path
        let schedule = problem.schedule
        let T = problem.totalTime
        let n = op.dimension
        return { t, y, dfdy, dfdt in
            let r = t / T
            let u = schedule.progress(at: r)
            let (a, b) = path.coefficients(at: u)
            let (da, db) = path.derivatives(at: u)
            let rate = schedule.rate(at: r) / T
            EvolutionLoop.fillDenseJacobian(dfdy, dimension: n) { op.apply(a: a, b: b, $0, into: $1) }
            op.applyMinusI(a: da * rate, b: db * rate, y, into: dfdt)
        }
    }

    /// One trajectory point.
    static func record(_ problem: AnnealingProblem, _ psi: [Double], at tau: Double, spectrum: Bool) throws -> TrajectoryPoint {
        let h = problem.hamiltonian
        let u = problem.schedule.progress(at: tau / problem.totalTime)
        let (a, b) = h.path.coefficients(at: u)
        let energy = h.register.expectation(a: a, b: b, psi) / max(psi.withUnsafeBufferPointer { normSquared($0) }, 1e-300)
        var point = TrajectoryPoint(
            time: tau, progress: u, energy: energy, targetProbability: probability(of: h.problemGround.states, in: psi),
            instantaneousFidelity: nil, gap: nil)
        if spectrum {
            point.instantaneousFidelity = try fidelity(h, psi, a: a, b: b)
            if h.problemDegeneracy(in: h.evolutionSector) < 32 { point.gap = try h.adiabaticGap(at: u) }
        }
        return point
    }

    /// `Σ_{k ∈ states} |ψ_k|²`: the probability of measuring one of the basis `states`.
    public static func probability(of states: [Int], in psi: [Double]) -> Double {
        var p = 0.0
        for k in states { p += psi[2 * k] * psi[2 * k] + psi[2 * k + 1] * psi[2 * k + 1] }
        return p
    }

    /// `Σᵥ |⟨v|ψ⟩|²`: the weight of `psi` (interleaved complex) in the span of the orthonormal
    /// real `vectors` (a ground space).
    public static func weight(in vectors: [[Double]], of psi: [Double]) -> Double {
        var total = 0.0
        for v in vectors {
            var re = 0.0
            var im = 0.0
            for k in 0..<v.count {
                re += v[k] * psi[2 * k]
                im += v[k] * psi[2 * k + 1]
            }
            total += re * re + im * im
        }
        return total
    }

    /// `‖P₀ψ‖²` for the ground space of `H(a, b)`.
    static func fidelity(_ h: AnnealingHamiltonian, _ psi: [Double], a: Double, b: Double) throws -> Double {
        let ground = try h.groundSpace(a: a, b: b)
        if let states = ground.diagonalStates { return probability(of: states, in: psi) }
        return weight(in: ground.vectors, of: psi)
    }

    static func summarise(
        _ problem: AnnealingProblem, _ psi: [Double], method: EvolutionMethod, statistics: SolutionStatistics,
        status: SolutionStatus, trajectory: [TrajectoryPoint]?
    ) throws -> AnnealingEvolutionResult {
        let h = problem.hamiltonian
        let uEnd = problem.schedule.progress(at: 1)
        let (a, b) = h.path.coefficients(at: uEnd)
        let norm2 = psi.withUnsafeBufferPointer { normSquared($0) }
        var problemEnergy = 0.0
        let diag = h.register.diagonal
        for k in 0..<diag.count { problemEnergy += (psi[2 * k] * psi[2 * k] + psi[2 * k + 1] * psi[2 * k + 1]) * diag[k] }
        return AnnealingEvolutionResult(
            method: method, qubits: h.qubits, totalTime: problem.totalTime, schedule: problem.schedule.name,
            path: h.path.description,
            timeUnit: h.path.timeUnit?.rawValue, finalProgress: uEnd, fidelity: try fidelity(h, psi, a: a, b: b),
            groundStateProbability: probability(of: h.problemGround.states, in: psi), finalEnergy: problemEnergy,
            finalPathEnergy: h.register.expectation(a: a, b: b, psi), groundEnergy: h.problemGround.energy,
            groundStates: h.problemGround.states.count, normError: abs(norm2 - 1), statistics: statistics,
            status: status, trajectory: trajectory, finalState: psi)
    }
}

/// The split-operator step on a register: the time-carrying part is the Ising phase,
/// `e^{−i(∫B dτ)E}` over each `P` sub-step (3-point Gauss–Legendre for the integral), the
/// frozen part the rotation `e^{+iA(τ)ℓΣσx}` at the time reached. A phase and the rotation
/// that follows it share one pass over the state. With the projector driver the frozen part
/// is `e^{−iA(τ)ℓ(1 − |+⟩⟨+|)}`, also exact (``RegisterKernels/projectorExponential``).
struct RegisterSplitStepper: CompositionStepper {
    let problem: AnnealingProblem
    let kernels: RegisterKernels

    init(problem: AnnealingProblem, kernels: RegisterKernels) {
        self.problem = problem
        self.kernels = kernels
    }

    /// The step's factors in order: `(β, α)` = the phase `e^{−iβE}`, then the driver factor
    /// of angle `α` (the last has `α = 0`).
    func factors(from t: Double, size h: Double, scheme: SplittingScheme) -> [(beta: Double, alpha: Double)] {
        var time = t
        let problem = self.problem
        var out: [(beta: Double, alpha: Double)] = []
        out.reserveCapacity(scheme.a.count)
        for j in 0..<scheme.b.count {
            let next = time + scheme.a[j] * h
            let beta = gaussIntegral(time, next) { problem.coefficients(at: $0).b }
            time = next
            out.append((beta, problem.coefficients(at: time).a * scheme.b[j] * h))
        }
        let last = time + scheme.a[scheme.a.count - 1] * h
        out.append((gaussIntegral(time, last) { problem.coefficients(at: $0).b }, 0))
        return out
    }

    func step(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int {
        let steps = factors(from: t, size: h, scheme: scheme)
        for (beta, alpha) in steps {
            if kernels.projectorAmplitude != nil {
                // projector driver: e^{−iα(1 − |+⟩⟨+|)}, exact (docs/annealing.md)
                kernels.phaseThenRotate(psi, beta: beta, alpha: 0)
                kernels.projectorExponential(psi, theta: alpha)
            } else {
                kernels.phaseThenRotate(psi, beta: beta, alpha: alpha)
            }
        }
        return steps.count
    }

    var isReversible: Bool { true }

    /// The factors in reverse order with negated angles. A phase and the rotation before it
    /// (in the forward order) share a pass: `(e^{−iβⱼE})⁻¹` then `(e^{iαⱼ₋₁Σσx})⁻¹`.
    func undo(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int {
        let steps = factors(from: t, size: h, scheme: scheme)
        if kernels.projectorAmplitude != nil {
            for (beta, alpha) in steps.reversed() {
                kernels.projectorExponential(psi, theta: -alpha)
                kernels.phaseThenRotate(psi, beta: -beta, alpha: 0)
            }
            return steps.count
        }
        for j in stride(from: steps.count - 1, through: 0, by: -1) {
            kernels.phaseThenRotate(psi, beta: -steps[j].beta, alpha: j > 0 ? -steps[j - 1].alpha : 0)
        }
        return steps.count
    }
}

/// A run's work estimated before it starts (docs/conventions.md#limits).
public struct EvolutionWorkEstimate: Sendable, Equatable {
    /// Estimated steps to reach the end time.
    public var steps: Double
    /// Estimated work units (``AdiabatCore/WorkBudget``).
    public var work: Double
    /// How the estimate came about, in words (for the refusal and the time estimate).
    public var summary: String

    /// The estimate of a run of length `T` on a Hamiltonian whose spectrum spans `rho` (named
    /// `radius` in the summary): ``steps(totalTime:spectralRadius:fixed:)`` steps of
    /// `workPerStep` units each, on a state described by `size`.
    public init(
        totalTime T: Double, spectralRadius rho: Double, named radius: String, fixedSteps: Int?, workPerStep: Double,
        on size: String
    ) {
        steps = Self.steps(totalTime: T, spectralRadius: rho, fixed: fixedSteps)
        work = steps * workPerStep
        let how =
            fixedSteps != nil
            ? "\(Int(steps)) fixed steps"
            : String(format: "about %.2g steps for T = %g and a \(radius) of %.3g", steps, T, rho)
        summary = "\(how), on \(size)"
    }

    /// Right-hand-side evaluations per accepted step, as measured on the bundled problems
    /// (split4: ~21 exponential factors with its embedded error estimate; rk8pd: 13 stages).
    public static let evaluationsPerStep = 21.0

    /// The same for split-operator step doubling in place (from
    /// ``EvolutionOptions/inPlaceStepDoublingFrom``): the big step is undone before the half
    /// steps, 28 passes per step instead of 21 (docs/evolution.md, "Memory").
    public static let inPlaceEvaluationsPerStep = 28.0

    /// Accepted adaptive steps per unit of `T·ρ` (`ρ` the spectral radius bound of `H`), as
    /// measured on sk10 at the default tolerance (4.3 steps per unit of T, `ρ ≈ 10.8`).
    public static let stepsPerPhase = 0.3

    /// Steps for a run of length `T` on a Hamiltonian of spectral radius at most `rho`:
    /// the fixed count when given, else the adaptive estimate `0.3·T·ρ` (at least 10).
    public static func steps(totalTime: Double, spectralRadius rho: Double, fixed: Int?) -> Double {
        if let fixed { return Double(fixed) }
        return max(10, stepsPerPhase * totalTime * rho)
    }
}

extension AnnealingEvolution {
    /// The spectral-radius bound `max_s A(s)·‖D‖ + |B(s)|·Σ|terms|` of the path's `H(s)` (33
    /// points along `s`; `‖D‖ = n` for the transverse field, 1 for the projector).
    public static func spectralRadius(_ h: AnnealingHamiltonian) -> Double {
        let driver = h.path.driver == .transverseField ? Double(h.qubits) : 1
        var rho = 0.0
        for k in 0...32 {
            let (a, b) = h.path.coefficients(at: Double(k) / 32)
            rho = max(rho, abs(a) * driver + abs(b) * h.problemScale)
        }
        return rho
    }

    /// Work units per amplitude and per qubit of one evaluation: `0.2·(n + 2)` per amplitude.
    /// Measured (user CPU time of `evolve --total-time 100` on sk16 and `--total-time 10` on
    /// maxcut3-20, 2.5 ns per unit): 9.3 ns per amplitude and evaluation at 16 spins, 10.1 ns at
    /// 20 (`(n + 2)` units, the constant before, was 5× high on both; sk10 had set it, where the
    /// start-up dominates).
    public static let unitsPerAmplitudeQubit = 0.2

    /// The work of evolving `problem` with `method` and `options`: steps × evaluations per
    /// step × amplitudes × 0.2·(n + 2) units per amplitude.
    public static func estimate(_ problem: AnnealingProblem, method: EvolutionMethod, options: EvolutionOptions)
        -> EvolutionWorkEstimate
    {
        let h = problem.hamiltonian
        let n = h.qubits
        let rho = spectralRadius(h)
        let evolved = h.sectors != nil && problem.initialSpins == nil ? n - 1 : n
        let amplitudes = Foundation.pow(2.0, Double(evolved))
        let components = evolved < Int.bitWidth - 2 ? 2 << evolved : .max
        let inPlace = method.isSplitOperator && options.stepDoublingInPlace(components: components)
        let evaluations =
            inPlace ? EvolutionWorkEstimate.inPlaceEvaluationsPerStep : EvolutionWorkEstimate.evaluationsPerStep
        return EvolutionWorkEstimate(
            totalTime: problem.totalTime, spectralRadius: rho, named: "spectral radius", fixedSteps: options.steps,
            workPerStep: evaluations * amplitudes * unitsPerAmplitudeQubit * Double(n + 2),
            on: "2^\(Int(Foundation.log2(amplitudes))) amplitudes")
    }
}
