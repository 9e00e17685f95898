import AdiabatCore
import Foundation
import Landscapes
import Quantum

/// The levels of one Score Hamiltonian against a reference (a learned score against the
/// exact one, say): the paper's measure of how far a learned score is from the truth.
public struct SpectrumComparison: Sendable, Codable, Equatable {
    /// The levels of the Score Hamiltonian under test, ascending.
    public var levels: [Double]
    /// The reference levels, ascending.
    public var reference: [Double]
    /// `levels − reference`.
    public var differences: [Double]
    /// `|levels − reference| / |reference|` where the reference is not 0 (nil for a zero
    /// reference level, such as a Score Hamiltonian's ground level).
    public var relativeErrors: [Double?]

    public init(levels: [Double], reference: [Double]) {
        self.levels = levels
        self.reference = reference
        differences = zip(levels, reference).map { $0 - $1 }
        relativeErrors = zip(levels, reference).map { abs($1) > 1e-12 ? abs($0 - $1) / abs($1) : nil }
    }
}

extension SpectrumComparison {
    /// Both landscapes' Score Hamiltonians on one radial grid, channel `l`.
    public static func radial(
        _ landscape: any RadialLandscape, reference: any RadialLandscape, grid: RadialGrid, angularMomentum l: Int = 0,
        levels: Int = 4
    ) throws -> SpectrumComparison {
        let a = try ScoreHamiltonian.hamiltonian(of: landscape, on: grid, angularMomentum: l).lowestLevels(levels).energies
        let b = try ScoreHamiltonian.hamiltonian(of: reference, on: grid, angularMomentum: l).lowestLevels(levels).energies
        return SpectrumComparison(levels: a, reference: b)
    }

    /// Both landscapes' Score Hamiltonians on one uniform grid.
    public static func grid(
        _ landscape: any Landscape, reference: any Landscape, grid: UniformGrid, order: LaplacianOrder = .second, levels: Int = 4
    ) throws -> SpectrumComparison {
        let a = try ScoreHamiltonian.hamiltonian(of: landscape, on: grid, order: order).lowestLevels(levels).energies
        let b = try ScoreHamiltonian.hamiltonian(of: reference, on: grid, order: order).lowestLevels(levels).energies
        return SpectrumComparison(levels: a, reference: b)
    }
}
