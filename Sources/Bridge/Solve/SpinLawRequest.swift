import AdiabatCore
import Foundation
import Quantum

/// A law on an annealing problem's spins, whose Score Hamiltonian `spectrum` and `translate`
/// build (docs/discrete.md): the Boltzmann law at `beta`, the uniform law on the ground states,
/// or a table (`law_file`), optionally diffused by independent spin flips for `diffusion_time`
/// at `flip_rate`; `gamma` scales the Score Hamiltonian `−ΓΣσx + diag(ΓΣ√ratio)`.
public struct SpinLawRequest: Sendable {
    public var beta: Double?
    public var groundStates = false
    public var lawFile: String?
    public var diffusionTime: Double?
    public var flipRate: Double = 1
    public var gamma: Double = 1

    public init() {}

    /// Whether a law was asked for at all.
    public var isSet: Bool { beta != nil || groundStates || diffusionTime != nil || lawFile != nil }

    /// The law's specification (without a table).
    public var specification: SpinLawSpecification {
        let base: SpinLawSpecification = beta.map { .boltzmann(beta: $0) } ?? .groundStates
        guard let t = diffusionTime, t > 0 else { return base }
        return .diffused(base, rate: flipRate, time: t)
    }

    /// The law on `model`'s spins and its description.
    public func law(for model: IsingModel) throws -> (SpinDistribution, String) {
        if let lawFile {
            var law = try SpinDistribution.load(csv: URL(fileURLWithPath: lawFile))
            var name = "table \(lawFile)"
            if let t = diffusionTime, t > 0 {
                law = try law.diffused(rate: flipRate, time: t)
                name += " diffused (γ = \(flipRate), t = \(t))"
            }
            return (law, name)
        }
        return (try specification.law(for: model), specification.description)
    }
}
