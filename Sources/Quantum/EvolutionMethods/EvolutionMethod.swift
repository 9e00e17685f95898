import AdiabatCore
import Foundation
import GSLKit

/// One way to integrate `i∂τψ = H(τ)ψ`: its name, one line of help, its order, its default
/// tolerances, its checks on a system and its run. Each family is one type in
/// `Sources/Quantum/EvolutionMethods/` (the split-operator propagators: Strang, Blanes–Moan,
/// and the symmetric compositions; GSL's steppers one type over ``GSLKit/ODEMethod``), registered once in
/// ``EvolutionMethodRegistry/all`` (docs/architecture.md shows how to add one).
///
/// The engines (``AnnealingEvolution``, ``GridEvolution``) describe their equation as an
/// ``EvolutionSystem``; the method decides what it needs of it.
protocol EvolutionIntegrator: Sendable {
    /// Every method of this type, in the order `--method` lists them.
    static var members: [Self] { get }
    /// The name users type (`--method NAME`) and results carry.
    var name: String { get }
    /// One line for `--help` and docs.
    var summary: String { get }
    /// Global order of accuracy.
    var order: Int { get }
    /// The tolerances it runs with unless told otherwise.
    var recommendedOptions: EvolutionOptions { get }
    /// Whether its steps must resolve the whole spectrum of `H` (a stepper on the real form of
    /// the equation), not only the part a splitting does not exponentiate exactly; the work
    /// estimates add the kinetic term's range for it.
    var resolvesWholeSpectrum: Bool { get }
    /// State vectors (of `components` reals) it holds at once with `options` (the memory check
    /// before a run).
    func registerVectors(components: Int, options: EvolutionOptions) -> Double
    /// Whether it runs on a state of `components` reals with `options` (implicit steppers:
    /// only while their dense Jacobian is affordable).
    func isAvailable(components: Int, options: EvolutionOptions) -> Bool
    /// Refuses, naming `evolve.method` and what works instead, a system it cannot run.
    func validate(on system: EvolutionSystem, options: EvolutionOptions) throws
    /// Runs from `psi` at `τ = 0` through `stops`, calls `sampled(state, τ)` at each trajectory
    /// sample and leaves in `psi` the final state, or the state reached on failure.
    func integrate(
        _ psi: inout [Double], on system: EvolutionSystem, options: EvolutionOptions, stops: EvolutionStops,
        statistics: inout SolutionStatistics, sampled: ([Double], Double) throws -> Void
    ) throws -> SolutionStatus
}

extension EvolutionIntegrator {
    func isAvailable(components: Int, options: EvolutionOptions) -> Bool { true }
}

/// What an engine offers a method: the equation in the forms the families use.
struct EvolutionSystem {
    /// Real components of the whole state (a register's, even when a symmetry sector halves
    /// what is evolved).
    let components: Int
    /// The state's size in words, for refusals ("12 qubits", "255 grid nodes").
    let size: String
    /// The real form `f = −iHψ` and, when asked for, its dense Jacobian (GSL's steppers).
    let equation: (_ withJacobian: Bool) throws -> (ODEProblem.RightHandSide, ODEProblem.Jacobian?)
    /// Refuses a splitting the system cannot exponentiate exactly or hold in memory (given the
    /// method's name), for the split-operator propagators.
    let checkSplitting: (_ method: String) throws -> Void
    /// The split-operator propagator of one step.
    let splitStepper: () throws -> any CompositionStepper
}

/// How to integrate `i∂τψ = H(τ)ψ`: one member of ``EvolutionMethodRegistry/all`` (the
/// split-operator propagators `split2`, `split4` (the default), `suzuki4`, `yoshida4`, then GSL's
/// steppers under GSL's own names). A value: it compares, hashes and encodes as its name.
public struct EvolutionMethod: Sendable {
    let integrator: any EvolutionIntegrator

    init(_ integrator: any EvolutionIntegrator) { self.integrator = integrator }

    /// The name users type.
    public var name: String { integrator.name }
    /// One line of help.
    public var summary: String { integrator.summary }
    /// Global order of accuracy.
    public var order: Int { integrator.order }
    /// The default tolerances of the method.
    public var recommendedOptions: EvolutionOptions { integrator.recommendedOptions }
    /// Whether its steps resolve the whole spectrum of `H` (GSL's steppers), for work estimates.
    public var resolvesWholeSpectrum: Bool { integrator.resolvesWholeSpectrum }
    /// State vectors it holds at once on an `n`-qubit register with `options`, for the memory
    /// check before a run.
    public func registerVectors(qubits n: Int, options: EvolutionOptions) -> Double {
        integrator.registerVectors(components: 2 << n, options: options)
    }
    /// A split-operator propagator (exact in each factor, 2-norm error control).
    public var isSplitOperator: Bool { integrator is any SplittingMethod }
    /// The GSL stepper, for GSL's methods.
    public var odeMethod: ODEMethod? { (integrator as? GSLStepperMethod)?.stepper }

    /// Whether it runs on a state of `components` reals with `options`.
    public func isAvailable(components: Int, options: EvolutionOptions) -> Bool {
        integrator.isAvailable(components: components, options: options)
    }
}

/// Every evolution method, in the order `--method` lists them. Adding a method is one new file
/// with its type and one line in ``types``.
public enum EvolutionMethodRegistry {
    static let types: [any EvolutionIntegrator.Type] = [
        StrangSplitting.self,
        BlanesMoanSplitting.self,
        SymmetricComposition.self,
        GSLStepperMethod.self,
    ]

    /// Every method, in order.
    public static let all: [EvolutionMethod] = types.flatMap { members(of: $0) }

    private static func members<M: EvolutionIntegrator>(of type: M.Type) -> [EvolutionMethod] {
        type.members.map { EvolutionMethod($0) }
    }

    /// The method called `name`.
    public static func named(_ name: String) -> EvolutionMethod? { all.first { $0.name == name } }

    /// The methods that run on `components` reals with `options`.
    public static func available(components: Int, options: EvolutionOptions) -> [EvolutionMethod] {
        all.filter { $0.isAvailable(components: components, options: options) }
    }

    /// `--method`'s help: every name with its line, the default first said.
    public static var help: String {
        var groups: [(summary: String, names: [String])] = []
        for method in all {
            if let last = groups.last, last.summary == method.summary {
                groups[groups.count - 1].names.append(method.name)
            } else {
                groups.append((method.summary, [method.name]))
            }
        }
        return groups.map { "\($0.names.joined(separator: ", ")): \($0.summary)" }.joined(separator: "; ")
    }
}

/// The command-line names, from the registry.
extension EvolutionMethod: CaseIterable, RawRepresentable, Hashable, Codable, CustomStringConvertible {
    public static var allCases: [EvolutionMethod] { EvolutionMethodRegistry.all }

    public init?(rawValue: String) {
        guard let method = EvolutionMethodRegistry.named(rawValue) else { return nil }
        self = method
    }

    public var rawValue: String { name }
    public var description: String { name }

    public static func == (a: EvolutionMethod, b: EvolutionMethod) -> Bool { a.name == b.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let method = EvolutionMethod(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "unknown evolution method '\(name)'"))
        }
        self = method
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
