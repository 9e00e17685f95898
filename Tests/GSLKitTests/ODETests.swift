import Foundation
import GSLKit
import Testing

/// Exact test problems for the ODE driver. Every problem carries its Jacobian so every
/// stepper (explicit and implicit) runs on the same problem.
enum ExactProblem: String, CaseIterable, Sendable {
    /// y' = −λ y, y(0) = 1: y(t) = e^{−λt}, λ = 1.5.
    case exponentialDecay
    /// x'' = −ω² x with x(0) = 1, x'(0) = 0: x = cos ωt, v = −ω sin ωt, ω = 2.
    case harmonicOscillator
    /// i ψ' = (Ω/2) σx ψ, ψ(0) = |0⟩: |ψ₀|² = cos²(Ωt/2), norm 1, Ω = 3. State (Re ψ₀, Im ψ₀, Re ψ₁, Im ψ₁).
    case rabi

    var endTime: Double { 2.0 }

    var problem: ODEProblem {
        switch self {
        case .exponentialDecay:
            return ODEProblem(
                initialTime: 0, initialState: [1],
                rightHandSide: { _, y, f in f[0] = -1.5 * y[0] },
                jacobian: { _, _, j, dt in
                    j[0] = -1.5
                    dt[0] = 0
                })
        case .harmonicOscillator:
            return ODEProblem(
                initialTime: 0, initialState: [1, 0],
                rightHandSide: { _, y, f in
                    f[0] = y[1]
                    f[1] = -4 * y[0]
                },
                jacobian: { _, _, j, dt in
                    j[0] = 0; j[1] = 1; j[2] = -4; j[3] = 0
                    dt[0] = 0; dt[1] = 0
                })
        case .rabi:
            // ψ' = −i (Ω/2) σx ψ: ψ₀' = −i(Ω/2)ψ₁, ψ₁' = −i(Ω/2)ψ₀; with ψ = a + ib, −i(a+ib) = b − ia.
            let half = 1.5
            return ODEProblem(
                initialTime: 0, initialState: [1, 0, 0, 0],
                rightHandSide: { _, y, f in
                    f[0] = half * y[3]
                    f[1] = -half * y[2]
                    f[2] = half * y[1]
                    f[3] = -half * y[0]
                },
                jacobian: { _, _, j, dt in
                    for i in 0..<16 { j[i] = 0 }
                    j[0 * 4 + 3] = half
                    j[1 * 4 + 2] = -half
                    j[2 * 4 + 1] = half
                    j[3 * 4 + 0] = -half
                    for i in 0..<4 { dt[i] = 0 }
                })
        }
    }

    func exact(_ t: Double) -> [Double] {
        switch self {
        case .exponentialDecay: return [exp(-1.5 * t)]
        case .harmonicOscillator: return [cos(2 * t), -2 * sin(2 * t)]
        case .rabi: return [cos(1.5 * t), 0, 0, -sin(1.5 * t)]
        }
    }
}

func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

@Suite("ODE steppers against exact solutions")
struct ODEAccuracyTests {
    static let cases: [(ODEMethod, ExactProblem)] = ODEMethod.allCases.flatMap { m in
        ExactProblem.allCases.map { (m, $0) }
    }

    /// Adaptive mode: GSL's controller keeps each step's local error below
    /// `atol + rtol·|y|`. These problems do not amplify errors (|λ|T, ωT = O(1), the Rabi
    /// evolution is unitary), so the global error is at most the sum of the local errors:
    /// `steps × (atol + rtol·max|y|)`. A factor 4 allows for GSL estimating the error of the
    /// embedded lower-order solution while the error of the order-p solution is what counts.
    @Test("adaptive integration meets the global error bound", arguments: cases)
    func adaptive(method: ODEMethod, exact: ExactProblem) throws {
        let options = ODEOptions(rtol: 1e-8, atol: 1e-10)
        let solution = try ODEIntegrator.solve(exact.problem, method: method, to: exact.endTime, options: options)
        #expect(solution.status == .success, "\(method): \(solution.status)")
        let reference = exact.exact(exact.endTime)
        let scale = reference.map(abs).max() ?? 1
        let bound = 4 * Double(solution.statistics.steps) * (options.atol + options.rtol * max(scale, 1))
        let error = maxAbsDifference(solution.finalState, reference)
        #expect(error <= bound, "\(method) on \(exact): error \(error) > bound \(bound) after \(solution.statistics.steps) steps")
        #expect(solution.statistics.evaluations > 0)
        if method.requiresJacobian {
            #expect(solution.statistics.jacobianEvaluations > 0, "\(method) never called the Jacobian")
        }
        if exact == .rabi {
            let y = solution.finalState
            let norm = y.reduce(0) { $0 + $1 * $1 }
            #expect(abs(norm - 1) <= bound * 2, "\(method): norm drifted to \(norm)")
        }
    }

    /// Fixed steps: the global error of an order-p method falls as h^p, so halving h divides
    /// it by 2^p. We measure the exponent on the oscillator between h = T/64 and T/128
    /// (T = 2), in the asymptotic range for every method, and for rk8pd between T/320 and
    /// T/640 (T = 40), before round-off. It must be at least p − 0.35; a linear problem may
    /// show up to one order more (its stability polynomial can match e^z beyond p).
    @Test("fixed-step convergence order", arguments: [ODEMethod.rk2, .rk4, .rkf45, .rkck, .rk8pd, .rk1imp, .rk2imp, .rk4imp])
    func order(method: ODEMethod) throws {
        let exact = ExactProblem.harmonicOscillator
        let (end, n0) = method == .rk8pd ? (40.0, 320) : (2.0, 64)
        func error(_ n: Int) throws -> Double {
            let options = ODEOptions(rtol: 1e-13, atol: 1e-15, fixedStep: end / Double(n))
            let solution = try ODEIntegrator.solve(exact.problem, method: method, to: end, options: options)
            #expect(solution.status == .success)
            #expect(solution.statistics.steps == n)
            return maxAbsDifference(solution.finalState, exact.exact(end))
        }
        let observed = log2(try error(n0) / error(2 * n0))
        let p = Double(method.order)
        #expect(observed > p - 0.35 && observed < p + 1.35, "\(method): observed order \(observed), expected \(method.order)")
    }

    @Test("step-by-step use lands exactly on the end time and agrees with advance(to:)")
    func stepwise() throws {
        let exact = ExactProblem.harmonicOscillator
        let integrator = try ODEIntegrator(problem: exact.problem, method: .rk8pd, options: ODEOptions(rtol: 1e-10, atol: 1e-12))
        var steps = 0
        while integrator.time < 1.0 {
            #expect(try integrator.step(toward: 1.0) == .success)
            steps += 1
        }
        #expect(integrator.time == 1.0)
        #expect(steps == integrator.statistics.steps)
        #expect(maxAbsDifference(integrator.state, exact.exact(1.0)) < 1e-8)
        // Continue backwards to 0.
        #expect(try integrator.advance(to: 0) == .success)
        #expect(maxAbsDifference(integrator.state, [1, 0]) < 1e-8)
    }

    @Test("saveAt records the requested times")
    func saveAt() throws {
        let exact = ExactProblem.exponentialDecay
        let times = [0.25, 0.5, 1.0, 1.5]
        let solution = try ODEIntegrator.solve(
            exact.problem, method: .rkck, to: 2, options: ODEOptions(rtol: 1e-10, atol: 1e-12), saveAt: times)
        #expect(solution.times == times + [2])
        for (t, y) in zip(solution.times, solution.states) {
            #expect(abs(y[0] - exp(-1.5 * t)) < 1e-8)
        }
    }
}

struct CallbackFailure: Error, Equatable {
    let at: Double
}

@Suite("ODE failures are reported, never fatal")
struct ODEFailureTests {
    @Test("a NaN right-hand side gives a failure status and keeps the partial result")
    func nanRightHandSide() throws {
        let problem = ODEProblem(
            initialTime: 0, initialState: [1],
            rightHandSide: { t, y, f in f[0] = t > 0.5 ? .nan : -y[0] })
        let solution = try ODEIntegrator.solve(problem, method: .rkf45, to: 1)
        guard case .nonFiniteDerivative(let t) = solution.status else {
            Issue.record("expected nonFiniteDerivative, got \(solution.status)")
            return
        }
        #expect(t > 0.5)
        #expect(solution.times.last! <= 0.5 + 1e-12)
        #expect(!solution.status.hint.isEmpty)
    }

    @Test("an error thrown by the right-hand side is re-thrown by the solver", arguments: [ODEMethod.rk4, .msadams, .msbdf])
    func thrownError(method: ODEMethod) throws {
        let problem = ODEProblem(
            initialTime: 0, initialState: [1],
            rightHandSide: { t, y, f in
                if t > 0.3 { throw CallbackFailure(at: t) }
                f[0] = -y[0]
            },
            jacobian: { _, _, j, dt in
                j[0] = -1
                dt[0] = 0
            })
        #expect(throws: CallbackFailure.self) {
            _ = try ODEIntegrator.solve(problem, method: method, to: 1)
        }
    }

    @Test("an implicit method without a Jacobian is rejected before allocation, listing alternatives")
    func missingJacobian() {
        let problem = ODEProblem(initialTime: 0, initialState: [1], rightHandSide: { _, y, f in f[0] = -y[0] })
        for method in ODEMethod.allCases where method.requiresJacobian {
            do {
                _ = try ODEIntegrator(problem: problem, method: method)
                Issue.record("\(method) accepted a problem without a Jacobian")
            } catch let error as GSLError {
                #expect(error.description.contains("Jacobian"))
                #expect(error.hint.contains("rkf45"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("invalid options and states are rejected")
    func invalidInput() {
        let rhs: ODEProblem.RightHandSide = { _, y, f in f[0] = -y[0] }
        #expect(throws: GSLError.self) {
            _ = try ODEIntegrator(problem: ODEProblem(initialTime: 0, initialState: [], rightHandSide: rhs), method: .rk4)
        }
        #expect(throws: GSLError.self) {
            _ = try ODEIntegrator(problem: ODEProblem(initialTime: 0, initialState: [.nan], rightHandSide: rhs), method: .rk4)
        }
        #expect(throws: GSLError.self) {
            _ = try ODEIntegrator(
                problem: ODEProblem(initialTime: 0, initialState: [1], rightHandSide: rhs), method: .rk4,
                options: ODEOptions(rtol: -1))
        }
        #expect(throws: GSLError.self) {
            _ = try ODEIntegrator(
                problem: ODEProblem(initialTime: 0, initialState: [1], rightHandSide: rhs), method: .rk4,
                options: ODEOptions(rtol: 0, atol: 0))
        }
    }

    @Test("maxSteps stops the integration with a status")
    func maxSteps() throws {
        let problem = ODEProblem(initialTime: 0, initialState: [1], rightHandSide: { _, y, f in f[0] = -y[0] })
        let solution = try ODEIntegrator.solve(problem, method: .rk2, to: 10, options: ODEOptions(rtol: 1e-12, maxSteps: 5))
        #expect(solution.status == .maxStepsReached)
        #expect(solution.statistics.steps == 5)
    }

    @Test("a stiff problem with an explicit method hits the step limit; an implicit one succeeds")
    func stiff() throws {
        // y' = −1e4 (y − cos t): explicit stability needs h < 2e-4.
        let problem = ODEProblem(
            initialTime: 0, initialState: [0],
            rightHandSide: { t, y, f in f[0] = -1e4 * (y[0] - cos(t)) },
            jacobian: { t, _, j, dt in
                j[0] = -1e4
                dt[0] = -1e4 * sin(t)
            })
        let explicit = try ODEIntegrator.solve(problem, method: .rkf45, to: 10, options: ODEOptions(rtol: 1e-6, maxSteps: 2000))
        #expect(explicit.status == .maxStepsReached)
        let implicit = try ODEIntegrator.solve(problem, method: .msbdf, to: 10, options: ODEOptions(rtol: 1e-6, maxSteps: 2000))
        #expect(implicit.status == .success)
        #expect(abs(implicit.finalState[0] - cos(10.0)) < 1e-3)
    }
}
