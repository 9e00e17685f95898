import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

@Suite("register kernels: cache-blocked sweeps and in-place step doubling")
struct RegisterKernelTests {
    /// With `H_P = 0` every factor of a split step commutes, and the split4 weights integrate the
    /// linear `A(s) = 1 − s` exactly, so from `|0…0⟩` the state is exactly
    /// `Πᵢ(cos α + i sin α σxᵢ)|0…0⟩` with `α = ∫A dτ = T/2`: amplitude
    /// `cos^{n−w}α·(i sin α)^w` for a basis state of `w` flipped spins. On 21 qubits the 9 high
    /// qubits take two cache-blocked sweeps (5 + 4), so every group and block offset is checked.
    @Test("a field-free register rotates exactly through two high-qubit sweeps (21 qubits)")
    func fieldFreeRotation() throws {
        let n = 21
        let path = AnnealingPath.linear
        #expect(path.coefficients(at: 0.25) == (a: 0.75, b: 0.25))
        let model = try IsingModel(h: [Double](repeating: 0, count: n), couplings: [])
        let T = 1.3
        let problem = try AnnealingProblem(
            hamiltonian: try AnnealingHamiltonian(model: model, path: path), totalTime: T,
            initialSpins: [Int](repeating: 1, count: n))
        let result = try AnnealingEvolution.run(problem, method: .split4, options: EvolutionOptions(steps: 3))
        let alpha = T / 2
        let (c, s) = (cos(alpha), sin(alpha))
        // (i s)^w = s^w · i^w
        var worst = 0.0
        for k in 0..<(1 << n) {
            let w = k.nonzeroBitCount
            let magnitude = pow(c, Double(n - w)) * pow(s, Double(w))
            let (re, im): (Double, Double) =
                switch w % 4 {
                case 0: (magnitude, 0)
                case 1: (0, magnitude)
                case 2: (-magnitude, 0)
                default: (0, -magnitude)
                }
            worst = max(worst, abs(result.finalState[2 * k] - re), abs(result.finalState[2 * k + 1] - im))
        }
        // amplitudes ≤ cos^21(0.65) ≈ 0.01; ~30 rounded factors per amplitude
        #expect(worst < 1e-14, "largest amplitude error \(worst)")
    }

    /// Step doubling keeps the half steps in place and undoes a rejected step by the inverse of
    /// the big step; the run must still match a tight GSL reference (the same bound as the
    /// 14-qubit comparison: state difference below 1e-6 at split rtol 1e-9), and it must reject.
    @Test("rejected steps are undone in place: split4 with rejections matches rk8pd")
    func rejectionsUndone() throws {
        let model = try spinGlass(qubits: 8, seed: 8)
        let problem = try AnnealingProblem(hamiltonian: try AnnealingHamiltonian(model: model), totalTime: 4)
        var options = EvolutionOptions(rtol: 1e-9, atol: 0)
        options.inPlaceStepDoublingFrom = 0  // in place at any size (by default from 2^20 amplitudes)
        let a = try AnnealingEvolution.run(problem, method: .split4, options: options)
        let b = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13))
        #expect(a.statistics.rejectedSteps > 0)
        var diff = 0.0
        for i in 0..<a.finalState.count { diff += pow(a.finalState[i] - b.finalState[i], 2) }
        #expect(diff.squareRoot() < 1e-6, "state difference \(diff.squareRoot())")
        #expect(a.normError < 1e-12)
    }
}
