import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("Distribution → Score Hamiltonian (docs/theory.md (4)), discrete diffusion marginals")
struct SpinScoreHamiltonianTests {
    @Test("p_t = p₀ ∗ k_t equals the brute-force convolution, zeros included")
    func diffusionMarginal() throws {
        let n = 4
        let model = try sherringtonKirkpatrick(qubits: n, seed: 3)
        for base in [try SpinDistribution.boltzmann(model, beta: 2), try SpinDistribution.groundStates(of: model)] {
            let (gamma, t) = (0.7, 0.45)
            let pt = try base.diffused(rate: gamma, time: t)
            let keep = (1 + exp(-2 * gamma * t)) / 2
            let flip = (1 - exp(-2 * gamma * t)) / 2
            var worst = 0.0
            for y in 0..<(1 << n) {
                var s = 0.0
                for x in 0..<(1 << n) {
                    let d = (x ^ y).nonzeroBitCount
                    s += base.probability(x) * pow(keep, Double(n - d)) * pow(flip, Double(d))
                }
                worst = max(worst, abs(s - pt.probability(y)))
            }
            #expect(worst < 1e-15)
            #expect(pt.isPositive)
        }
        // t = 0 is the identity; t → ∞ the uniform law
        let b = try SpinDistribution.boltzmann(model, beta: 1)
        #expect(try b.diffused(rate: 1, time: 0).totalVariation(to: b) == 0)
        #expect(try b.diffused(rate: 1, time: 20).totalVariation(to: try .uniform(qubits: n)) < 1e-15)
    }

    /// For independent spins, (4) is a sum of one-qubit Hamiltonians
    /// `−Γσx + diag(Γ√(q̄/q), Γ√(q/q̄))` with levels 0 and `Γ/√(q q̄)`: the spectrum is every
    /// subset sum of `{Γ/√(qᵢ(1−qᵢ))}` (uniform law: 2Γk). A diffused product law stays a
    /// product with `qᵢ(t) = k_keep qᵢ + k_flip (1 − qᵢ)`.
    @Test("product laws: exact spectra before and after diffusion")
    func productSpectrum() throws {
        let q = [0.9, 0.3, 0.6, 0.15, 0.5, 0.72, 0.4]
        let gamma = 1.3
        for t in [0.0, 0.2] {
            let flip = (1 - exp(-2 * t)) / 2
            let qt = q.map { (1 - flip) * $0 + flip * (1 - $0) }
            let law = try SpinDistribution.product(upProbabilities: q).diffused(rate: 1, time: t)
            let levels = qt.map { gamma / ($0 * (1 - $0)).squareRoot() }
            var exact: [Double] = []
            for subset in 0..<(1 << q.count) {
                exact.append((0..<q.count).reduce(0) { (subset >> $1) & 1 == 1 ? $0 + levels[$1] : $0 })
            }
            exact.sort()
            let spectrum = try SpinScoreHamiltonian(law: law, gamma: gamma).spectrum(levels: 6)
            for k in 0..<6 { #expect(abs(spectrum.energies[k] - exact[k]) < 1e-10) }
            #expect(abs(spectrum.gap - levels.min()!) < 1e-10)
            #expect(spectrum.groundResidual < 1e-13)
        }
        let uniform = try SpinScoreHamiltonian(law: try .uniform(qubits: 5), gamma: 0.5).spectrum(levels: 3)
        #expect(abs(uniform.gap - 1) < 1e-12)  // 2Γ
    }

    @Test("a Boltzmann law: √p is the ground state at energy 0, and the round trip recovers p")
    func boltzmannRoundTrip() throws {
        let model = try sherringtonKirkpatrick(qubits: 10, seed: 19)
        let law = try SpinDistribution.boltzmann(model, beta: 2)
        let report = try SpinLawTranslationReport.compute(law: law, name: "boltzmann", gamma: 1)
        #expect(abs(report.spectrum.energies[0]) < 1e-11)
        #expect(abs(try #require(report.groundEnergy)) < 1e-11)
        #expect(report.spectrum.groundResidual < 1e-12)
        #expect(try #require(report.maxAbsError) < 1e-12)
        #expect(report.spectrum.gap > 0)
        // the concrete score is consistent: r(x, i)·r(xⁱ, i) = 1
        let score = try ConcreteScore(law: law)
        let table = score.table()
        var worst = 0.0
        for x in 0..<law.dimension {
            for i in 0..<10 { worst = max(worst, abs(table[x * 10 + i] * table[(x ^ (1 << i)) * 10 + i] - 1)) }
        }
        #expect(worst < 1e-12)
        // a law with zeros has no concrete score
        #expect(throws: InputError.self) { try ConcreteScore(law: try .groundStates(of: model)) }
    }

    /// A discrete diffusion defines an annealing path that starts at the transverse-field
    /// driver: the Score Hamiltonian of p_t tends to −ΓΣσx + nΓ (gap 2Γ) as t grows, and its
    /// gap at t → 0 is that of the data law.
    @Test("the Score Hamiltonians of p_t interpolate from the data law to the driver")
    func diffusionPath() throws {
        let model = try sherringtonKirkpatrick(qubits: 8, seed: 23)
        let p0 = try SpinDistribution.boltzmann(model, beta: 3)
        var gaps: [Double] = []
        for t in [0.0, 0.5, 8] {
            gaps.append(try SpinScoreHamiltonian(law: try p0.diffused(rate: 1, time: t), gamma: 1).spectrum(levels: 2).gap)
        }
        #expect(abs(gaps.last! - 2) < 1e-6)
        #expect(gaps.first! < 0.5)  // a β = 3 spin glass mixes slowly
    }
}
