import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

/// The evolution contract: every ``EvolutionMethod`` (the four split-operator propagators and
/// all eleven GSL steppers), on registers and on grids, against exact solutions, in one table.
///
/// | problem | engine | exact solution | methods |
/// |---|---|---|---|
/// | `rabi` | register, 1 qubit, constant `A = 0.6`, `B = 0.8`, `T = 3` | `e^{−iHT}|0⟩ = cos ωT|0⟩ − i sin ωT·H|0⟩/ω` | all 15 |
/// | `independent-qubits` | register, 4 uncoupled qubits (fields 1, ½, −0.7, 0.3) | the product of 4 Rabi states | all 15 |
/// | `landau-zener` | register, 1 qubit, `B` swept over `τ ∈ [−30, 30]` | `1 − F = e^{−πΔ²/(2v)}` within the finite-window bound 6.8e-5 | order ≥ 4 |
/// | `time-independent-grid` | grid, 31 nodes of `[−5, 5]`, `V = x²/2`, `T = 0.5` | `Σₖ e^{−iλₖT}vₖ⟨vₖ|ψ₀⟩` (dense eigen-decomposition) | all 15 |
///
/// **Tolerances.** Each method runs adaptively at a tolerance set by its order
/// (``settings(for:)``): rtol 1e-10 for order ≥ 4, 1e-8 for orders 2–3 (`split2`, `rk2`,
/// `rk2imp`), 1e-6 for implicit Euler (`rk1imp`); GSL's atol is rtol/100 per component, the
/// split controller's atol 0 (it bounds the step's 2-norm). The allowed global state error
/// (``allowance(_:_:components:)``) is what those settings promise: each accepted step adds at
/// most the local bound in 2-norm (split: `atol + rtol‖ψ‖`; GSL's per-component
/// `atol + rtol|yᵢ|` on a unit state of `2N` reals: `√(2N)·atol + rtol`), the propagators are
/// unitary or contractive so earlier errors do not grow, and a factor 2 covers the error
/// estimators' slack. Measured errors sit 3× (split2, msbdf) to 1000× (rk8pd) inside it. The
/// allowance must also stay below 0.05, so a wrong propagator (an O(1) error) cannot pass.
/// The implicit steppers are offered while their dense `2N × 2N` Jacobian is at most 1024
/// wide: every problem here is within that, so every method runs on every row it is listed on.
///
/// Landau–Zener needs `1 − F` to ~1e-4 over `T = 60` with `|H|` up to 15; first- to third-order
/// methods would need 10⁵–10⁶ steps there, so that row takes the methods of order ≥ 4
/// (``AnnealingEvolutionTests/landauZener(method:)`` checks split4 and rk8pd on the longer
/// window, to 1.8e-6). The whole table runs in about 2 s in release.
@Suite("evolution contract: every method against exact solutions")
struct EvolutionContractTests {
    enum Problem: String, CaseIterable, Sendable {
        case rabi
        case independentQubits = "independent-qubits"
        case landauZener = "landau-zener"
        case timeIndependentGrid = "time-independent-grid"
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var method: EvolutionMethod
        var problem: Problem
        var testDescription: String { "\(method) on \(problem.rawValue)" }
    }

    static let cases: [Case] = Problem.allCases.flatMap { problem in
        EvolutionMethod.allCases.filter { problem != .landauZener || $0.order >= 4 }.map {
            Case(method: $0, problem: problem)
        }
    }

    /// Adaptive tolerances by order (see the suite's comment).
    static func settings(for method: EvolutionMethod) -> EvolutionOptions {
        let rtol = method.order >= 4 ? 1e-10 : method.order >= 2 ? 1e-8 : 1e-6
        return EvolutionOptions(rtol: rtol, atol: method.isSplitOperator ? 0 : rtol / 100)
    }

    /// The global state error the settings promise after `statistics.steps` accepted steps on a
    /// unit state of `components` reals.
    static func allowance(_ method: EvolutionMethod, _ statistics: SolutionStatistics, components: Int) -> Double {
        let options = settings(for: method)
        let local =
            method.isSplitOperator
            ? options.atol + options.rtol : Double(components).squareRoot() * options.atol + options.rtol
        return 2 * Double(statistics.steps) * local
    }

    @Test("each method meets its exact solution within its tolerance", arguments: cases)
    func contract(_ c: Case) throws {
        let options = Self.settings(for: c.method)
        let outcome: (state: [Double], exact: [Double], statistics: SolutionStatistics, succeeded: Bool)
        switch c.problem {
        case .rabi:
            outcome = try Self.independentQubits(fields: [1], a: 0.6, b: 0.8, time: 3, method: c.method, options: options)
        case .independentQubits:
            outcome = try Self.independentQubits(
                fields: [1, 0.5, -0.7, 0.3], a: 0.6, b: 0.8, time: 3, method: c.method, options: options)
        case .landauZener:
            try Self.landauZener(c.method, options: options)
            return
        case .timeIndependentGrid:
            outcome = try Self.timeIndependentGrid(c.method, options: options)
        }
        #expect(outcome.succeeded, "\(c.testDescription)")
        let allowed = Self.allowance(c.method, outcome.statistics, components: outcome.state.count)
        #expect(allowed < 0.05, "\(c.testDescription): the settings promise only \(allowed)")
        var error = 0.0
        for i in outcome.state.indices { error += pow(outcome.state[i] - outcome.exact[i], 2) }
        error = error.squareRoot()
        #expect(
            error <= allowed,
            "\(c.testDescription): ‖ψ − ψ_exact‖ = \(error), allowed \(allowed) after \(outcome.statistics.steps) steps")
    }

    /// `EvolutionMethod` is built on GSLKit's `ODEMethod`; the command line still sees the 15
    /// names it always had, in the same order, and each one round-trips.
    @Test("method names: the split propagators, then GSL's own names; each round-trips")
    func methodNames() throws {
        let names = EvolutionMethod.allCases.map(\.rawValue)
        #expect(names == ["split2", "split4", "suzuki4", "yoshida4"] + ODEMethod.allCases.map(\.rawValue))
        for method in EvolutionMethod.allCases {
            #expect(EvolutionMethod(rawValue: method.rawValue) == method)
            #expect("\(method)" == method.rawValue)
            #expect(try JSONDecoder().decode(EvolutionMethod.self, from: JSONEncoder().encode(method)) == method)
        }
        #expect(Set(names).count == names.count)
        for method in EvolutionMethod.allCases { #expect(!method.summary.isEmpty && method.order >= 1, "\(method)") }
        // the registry offers an implicit stepper only while its dense Jacobian is affordable
        let implicit = Set(ODEMethod.allCases.filter(\.requiresJacobian).map(\.rawValue))
        let options = EvolutionOptions()
        #expect(EvolutionMethodRegistry.available(components: 1024, options: options).map(\.rawValue) == names)
        #expect(
            EvolutionMethodRegistry.available(components: 1026, options: options).map(\.rawValue)
                == names.filter { !implicit.contains($0) })
        #expect(EvolutionMethod(rawValue: "rk9") == nil)
        #expect(EvolutionMethod(rawValue: "rk8pd") == .gsl(.rk8pd))
    }

    /// A failure is a status, not a throw: a run that exhausts `maxSteps` returns the state it
    /// reached (still a unit state: the propagators are unitary to their tolerance), its
    /// statistics, and a status that says where it stopped and what to try. In JSON the status
    /// stays one string beside the flat statistics.
    @Test(
        "a run that runs out of steps returns its partial result and a status with a hint",
        arguments: [EvolutionMethod.split4, .gsl(.rk8pd)])
    func partialResult(_ method: EvolutionMethod) throws {
        var options = Self.settings(for: method)
        options.maxSteps = 5
        let path = try AnnealingPath.table(s: [0, 0.5, 1], a: [0.6, 0.6, 0.6], b: [0.8, 0.8, 0.8], name: "constant")
        let h = try AnnealingHamiltonian(model: try IsingModel(h: [1], couplings: []), path: path)
        let r = try AnnealingEvolution.run(
            try AnnealingProblem(hamiltonian: h, totalTime: 3, initialSpins: [1]), method: method, options: options)
        guard case .maxStepsReached(let time) = r.status else {
            Issue.record("\(method): expected maxStepsReached, got \(r.status)")
            return
        }
        #expect(!r.succeeded && time > 0 && time < 3)
        #expect(r.statistics.steps == 5)
        #expect(r.finalState.count == 4)
        #expect(abs(r.finalState.reduce(0) { $0 + $1 * $1 } - 1) < 1e-6)
        #expect(!r.status.hint.isEmpty && r.status.description == "\(r.status.reason); \(r.status.hint)")
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        #expect(json["status"] as? String == r.status.description)
        #expect(json["steps"] as? Int == 5)
        #expect(json["method"] as? String == method.rawValue)
    }

    /// `n` uncoupled qubits under `H = −aΣσx + bΣhᵢσzᵢ` (constant path), from `|0…0⟩`. Each
    /// qubit rotates on its own, `ψᵢ(T) = (cos ωᵢT − i(bhᵢ/ωᵢ) sin ωᵢT)|0⟩ + i(a/ωᵢ) sin ωᵢT|1⟩`
    /// with `ωᵢ = √(a² + b²hᵢ²)` (bit 0 is `z = +1`, energy `+hᵢ`), and the register state is
    /// their product: amplitude `k` is `Πᵢ ψᵢ(bitᵢ(k))`.
    static func independentQubits(
        fields: [Double], a: Double, b: Double, time T: Double, method: EvolutionMethod, options: EvolutionOptions
    ) throws -> (state: [Double], exact: [Double], statistics: SolutionStatistics, succeeded: Bool) {
        let n = fields.count
        let path = try AnnealingPath.table(s: [0, 0.5, 1], a: [a, a, a], b: [b, b, b], name: "constant")
        let h = try AnnealingHamiltonian(model: try IsingModel(h: fields, couplings: []), path: path)
        let spins = [Int](repeating: 1, count: n)
        #expect(try h.model.state(of: spins) == 0)
        let problem = try AnnealingProblem(hamiltonian: h, totalTime: T, initialSpins: spins)
        #expect(AnnealingEvolution.availableMethods(qubits: n, options: options).contains(method))
        let r = try AnnealingEvolution.run(problem, method: method, options: options)
        let single: [[(re: Double, im: Double)]] = fields.map { f in
            let omega = (a * a + b * b * f * f).squareRoot()
            let (sn, cs) = (sin(omega * T), cos(omega * T))
            return [(cs, -b * f / omega * sn), (0, a / omega * sn)]
        }
        var exact = [Double](repeating: 0, count: 2 << n)
        for k in 0..<(1 << n) {
            var re = 1.0
            var im = 0.0
            for i in 0..<n {
                let z = single[i][(k >> i) & 1]
                (re, im) = (re * z.re - im * z.im, re * z.im + im * z.re)
            }
            exact[2 * k] = re
            exact[2 * k + 1] = im
        }
        return (r.finalState, exact, r.statistics, r.succeeded)
    }

    /// Landau–Zener as in ``AnnealingEvolutionTests/landauZener(method:)``, on a shorter
    /// window: `H(τ) = −(Δ/2)σx + (vτ/2)σz`, `τ ∈ [−τ_w, τ_w]`, `Δ = v = 1`, `τ_w = 30`.
    /// `|P_w − P| ≤ 2√P·δ + δ²` with `δ = 2Δ/(v²τ_w³)` = 7.4e-5, plus twice the state
    /// allowance (`|F − F'| ≤ 2‖ψ − ψ'‖` for unit states).
    static func landauZener(_ method: EvolutionMethod, options: EvolutionOptions) throws {
        let (delta, v, window) = (1.0, 1.0, 30.0)
        let s = (0...20).map { Double($0) / 20 }
        let path = try AnnealingPath.table(
            s: s, a: s.map { _ in delta / 2 }, b: s.map { v * (-window + 2 * window * $0) / 2 }, name: "landau-zener")
        let h = try AnnealingHamiltonian(model: try IsingModel(h: [1], couplings: []), path: path)
        let r = try AnnealingEvolution.run(
            try AnnealingProblem(hamiltonian: h, totalTime: 2 * window), method: method, options: options)
        #expect(r.succeeded, "\(method)")
        let exact = exp(-Double.pi * delta * delta / (2 * v))
        let d = 2 * delta / (v * v * pow(window, 3))
        let allowed = 2 * exact.squareRoot() * d + d * d + 2 * allowance(method, r.statistics, components: 4)
        #expect(allowed < 1e-3, "\(method): the settings promise only \(allowed)")
        #expect(abs(1 - r.fidelity - exact) <= allowed, "\(method): 1 − F = \(1 - r.fidelity), LZ \(exact), allowed \(allowed)")
    }

    /// `i∂τψ = (−∂² + x²/2)ψ` on 63 nodes of `[−6, 6]` (3-point stencil, Dirichlet walls), from a
    /// displaced Gaussian of unit Euclidean norm, to `T = 0.5`. The exact solution of the
    /// semi-discrete equation is `Σₖ e^{−iλₖT}vₖ⟨vₖ|ψ₀⟩` with the eigenpairs of the same
    /// discrete operator (dense, from `GridHamiltonian` applied to unit vectors).
    static func timeIndependentGrid(
        _ method: EvolutionMethod, options: EvolutionOptions
    ) throws -> (state: [Double], exact: [Double], statistics: SolutionStatistics, succeeded: Bool) {
        let grid = try UniformGrid(lower: -5, upper: 5, points: 31)
        let n = grid.count
        let x = grid.axis(0)
        let potential = x.map { 0.5 * $0 * $0 }
        var psi = [Double](repeating: 0, count: 2 * n)
        for k in 0..<n { psi[2 * k] = exp(-0.5 * (x[k] - 1) * (x[k] - 1)) }
        let norm = psi.reduce(0) { $0 + $1 * $1 }.squareRoot()
        psi = psi.map { $0 / norm }
        let T = 0.5
        #expect(2 * n <= options.maximumDenseJacobian)  // every GSL stepper is offered here
        let problem = try GridEvolutionProblem(grid: grid, totalTime: T, initialState: psi) { _ in potential }
        let r = try GridEvolution.run(problem, method: method, options: options)

        let hamiltonian = try GridHamiltonian(grid: grid, potential: potential)
        var matrix = [Double](repeating: 0, count: n * n)
        for l in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[l] = 1
            let column = hamiltonian.apply(unit)
            for k in 0..<n { matrix[k * n + l] = column[k] }
        }
        let eigen = try SymmetricEigensolver.solve(matrix: matrix, dimension: n, vectors: true)
        var exact = [Double](repeating: 0, count: 2 * n)
        for m in 0..<n {
            guard let v = eigen.vector(m) else { continue }
            let base = v.startIndex
            var c = 0.0
            for k in 0..<n { c += v[base + k] * psi[2 * k] }
            let (re, im) = (c * cos(eigen.values[m] * T), -c * sin(eigen.values[m] * T))
            for k in 0..<n {
                exact[2 * k] += re * v[base + k]
                exact[2 * k + 1] += im * v[base + k]
            }
        }
        return (r.finalState, exact, r.statistics, r.succeeded)
    }
}
