import AdiabatCore
import Foundation
import GSLKit
import Quantum

/// A real-time run along a catalysed annealing path: `i∂τψ = H(s(τ/T))ψ` with
/// `H(s) = −A(s)Σwᵢσxᵢ + B(s)H_P + C(s)ΣKᵢⱼσxᵢσxⱼ` (docs/theory.md §4–§5). Non-stoquastic
/// catalysts are fine here: real-time evolution has no sign problem.
public struct CatalysedAnnealingRun: Sendable {
    public var annealing: CatalysedAnnealing
    public var schedule: Schedule
    public var totalTime: Double

    public init(annealing: CatalysedAnnealing, schedule: Schedule = .linear, totalTime: Double) throws {
        try Check.positive(totalTime, "total time")
        self.annealing = annealing
        self.schedule = schedule
        self.totalTime = totalTime
    }
}

/// The solution of ``CatalysedEvolution/run(_:method:rtol:atol:maxSteps:)``: the figures at
/// the end of the run (or, on failure, where it stopped), the statistics and the status.
public struct CatalysedEvolutionResult: RegisterEvolutionSolution {
    /// `.gsl(stepper)`: the catalysed runs use GSL's explicit steppers.
    public var method: EvolutionMethod
    public var qubits: Int
    public var totalTime: Double
    public var schedule: String
    public var path: String
    public var catalystTerms: Int
    /// `‖P₀ψ(T)‖²`, `P₀` the projector on the ground space of `H(s(1))`.
    public var fidelity: Double
    /// Probability of measuring a ground state of `H_P`.
    public var groundStateProbability: Double
    /// `⟨ψ(T)|H_P|ψ(T)⟩`.
    public var finalEnergy: Double
    /// `|‖ψ(T)‖² − 1|`.
    public var normError: Double
    public var statistics: SolutionStatistics
    public var status: SolutionStatus
    /// The final state (interleaved complex), not encoded.
    public var finalState: [Double] = []

    enum CodingKeys: String, CodingKey { case catalystTerms = "catalyst_terms" }

    /// Flat JSON: the register keys (``Quantum/RegisterEvolutionSolution/encodeRegisterKeys(to:)``)
    /// and the number of catalyst terms.
    public func encode(to encoder: Encoder) throws {
        try encodeRegisterKeys(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(catalystTerms, forKey: .catalystTerms)
    }
}

/// Real-time evolution with a catalyst, on GSL's explicit `gsl_odeiv2` steppers applied to the
/// real form of the Schrödinger equation (`2·2ⁿ` components), with the matrix-free X-string
/// kernel. (The split-operator propagators of ``Quantum/AnnealingEvolution`` factor
/// `e^{iAΣσx}` into single-qubit rotations; with XX terms that factorisation no longer holds,
/// so the adaptive Runge–Kutta steppers are the general tool here. Without a catalyst use
/// `AnnealingEvolution`, which is faster.)
public enum CatalysedEvolution {
    /// Explicit GSL steppers (the implicit ones need a dense Jacobian).
    public static let methods: [ODEMethod] = ODEMethod.allCases.filter { !$0.requiresJacobian }

    public static func run(
        _ run: CatalysedAnnealingRun, method: ODEMethod = .rk8pd, rtol: Double = 1e-8, atol: Double = 1e-10,
        maxSteps: Int = 10_000_000
    ) throws -> CatalysedEvolutionResult {
        guard methods.contains(method) else {
            throw InputError(
                "evolve.method", "\(method.rawValue) is implicit and needs a dense Jacobian",
                hint: "use one of: \(methods.map(\.rawValue).joined(separator: ", "))")
        }
        guard rtol.isFinite, atol.isFinite, rtol >= 0, atol >= 0, rtol + atol > 0 else {
            throw InputError("evolve.rtol", "and evolve.atol must be finite, ≥ 0 and not both 0 (got \(rtol), \(atol))")
        }
        let annealing = run.annealing
        let n = annealing.qubits
        let T = run.totalTime
        let schedule = run.schedule
        let weights = annealing.catalyst?.driverWeights ?? [Double](repeating: 1, count: n)
        let pairs = annealing.catalyst?.couplings ?? []
        let masks = (0..<n).map { 1 << $0 } + pairs.map { (1 << $0.i) | (1 << $0.j) }
        let energies = annealing.hamiltonian.register.diagonal
        let coefficients: @Sendable (Double) -> (b: Double, c: [Double]) = { tau in
            let (a, b, c) = annealing.coefficients(at: schedule.progress(at: tau / T))
            return (b, weights.map { -a * $0 } + pairs.map { c * $0.value })
        }
        let psi0 = try initialState(run)
        let rhs: ODEProblem.RightHandSide = { tau, y, dydt in
            let (b, c) = coefficients(tau)
            FlipKernel.apply(
                diagonal: energies, diagonalScale: b, masks: masks, coefficients: c, y, dydt, sector: .full, qubits: n,
                complex: true, minusI: true)
        }
        let started = ContinuousClock.now
        let integrator = try ODEIntegrator(
            problem: ODEProblem(initialTime: 0, initialState: psi0, rightHandSide: rhs), method: method,
            options: ODEOptions(rtol: rtol, atol: atol, maxSteps: maxSteps, checkFinite: false))
        var marks = schedule.breakpoints.map { $0 * T }.filter { $0 > 0 && $0 < T }
        marks.append(T)
        let status = try integrator.advance(through: marks.sorted())
        let psi = integrator.state
        var statistics = SolutionStatistics(integrator.statistics)
        statistics.seconds = seconds(since: started)
        // Diagnostics at the end of the path.
        let end = try annealing.operatorAt(schedule.progress(at: 1))
        let fidelity = AnnealingEvolution.weight(in: try groundSpace(end), of: psi)
        var norm2 = 0.0
        var problemEnergy = 0.0
        for k in 0..<energies.count {
            let p = psi[2 * k] * psi[2 * k] + psi[2 * k + 1] * psi[2 * k + 1]
            norm2 += p
            problemEnergy += p * energies[k]
        }
        return CatalysedEvolutionResult(
            method: .gsl(method), qubits: n, totalTime: T, schedule: schedule.name, path: annealing.path.name,
            catalystTerms: pairs.count, fidelity: fidelity,
            groundStateProbability: AnnealingEvolution.probability(of: annealing.hamiltonian.problemGround.states, in: psi),
            finalEnergy: problemEnergy, normError: abs(norm2 - 1), statistics: statistics, status: status, finalState: psi)
    }

    /// The ground state of `H(s(0))` (interleaved complex, real, sign fixed so `Σψ > 0`).
    /// - Throws: when that ground state is degenerate (the start would be ambiguous).
    public static func initialState(_ run: CatalysedAnnealingRun) throws -> [Double] {
        let h = try run.annealing.operatorAt(run.schedule.progress(at: 0))
        let space = try groundSpace(h)
        guard space.count == 1, let v = space.first else {
            throw InputError(
                "schedule",
                "H(s = \(format(run.schedule.progress(at: 0)))) has a \(space.count)-fold degenerate ground space, so the initial state is ambiguous",
                hint: "start the schedule where the driver A(s) > 0 lifts the degeneracy")
        }
        let sign: Double = v.reduce(0, +) < 0 ? -1 : 1
        var psi = [Double](repeating: 0, count: 2 * v.count)
        for k in 0..<v.count { psi[2 * k] = sign * v[k] }
        return psi
    }

    /// Orthonormal real vectors spanning the ground space of `h` (levels within `1e-8 × scale`
    /// of the lowest).
    static func groundSpace(_ h: SpinFlipHamiltonian) throws -> [[Double]] {
        let tol = 1e-8 * max(h.scale, 1e-300)
        if h.terms.isEmpty {
            let m = h.diagonal.min() ?? 0
            return h.diagonal.indices.filter { h.diagonal[$0] <= m + tol }.map { k in
                var e = [Double](repeating: 0, count: h.dimension)
                e[k] = 1
                return e
            }
        }
        var count = min(4, h.dimension - 1)
        while true {
            let system = try h.lowest(count: count, vectors: true)
            let e0 = system.values[0]
            let inGround = system.values.filter { $0 <= e0 + tol }.count
            if inGround < system.values.count || count >= h.dimension - 1 {
                return (0..<inGround).compactMap { system.vector($0).map(Array.init) }
            }
            count = min(2 * count, h.dimension - 1)
        }
    }
}
