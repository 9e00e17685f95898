import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Problems
import Quantum
import Testing

/// Exact values of a small register: the thermal state `e^{−βH}` by dense diagonalisation, and
/// the Trotterised partition function `Tr (e^{−εB H_P} e^{εA Σσx})^M` by dense matrix powers.
private struct SmallRegister {
    let n: Int
    let energies: [Double]
    let model: IsingModel

    init(_ model: IsingModel) {
        self.model = model
        n = model.qubits
        energies = (0..<(1 << model.qubits)).map { model.energy(state: $0) }
    }

    var size: Int { 1 << n }

    func z(_ k: Int, _ i: Int) -> Double { (k >> i) & 1 == 0 ? 1 : -1 }

    /// `⟨H_P⟩`, `⟨H⟩` and `⟨zᵢzⱼ⟩` of `e^{−βH}` with `H = −aΣσx + b·diag(E)`.
    func thermal(a: Double, b: Double, beta: Double) throws -> (problem: Double, energy: Double, zz: [Double]) {
        let d = size
        var h = [Double](repeating: 0, count: d * d)
        for k in 0..<d {
            h[k * d + k] = b * energies[k]
            for i in 0..<n { h[k * d + (k ^ (1 << i))] -= a }
        }
        let eig = try SymmetricEigensolver.solve(matrix: h, dimension: d, vectors: true)
        let e0 = eig.values[0]
        var zSum = 0.0
        var problem = 0.0
        var energy = 0.0
        var zz = [Double](repeating: 0, count: n * n)
        for (level, value) in eig.values.enumerated() {
            let w = exp(-beta * (value - e0))
            zSum += w
            energy += w * value
            let v = eig.vector(level)!
            let base = v.startIndex
            for k in 0..<d {
                let p = w * v[base + k] * v[base + k]
                problem += p * energies[k]
                for i in 0..<n { for j in 0..<n { zz[i * n + j] += p * z(k, i) * z(k, j) } }
            }
        }
        return (problem / zSum, energy / zSum, zz.map { $0 / zSum })
    }

    /// The same figures of the Trotterised law with `M` slices (the MC's exact target).
    func trotter(a: Double, b: Double, beta: Double, slices m: Int) -> (problem: Double, energy: Double, zz: [Double]) {
        let d = size
        let eps = beta / Double(m)
        // K = ⊗(cosh εa + sinh εa σx), X·K, D = e^{−εb E}
        var k = [Double](repeating: 0, count: d * d)
        var xk = [Double](repeating: 0, count: d * d)
        for x in 0..<d {
            for y in 0..<d {
                let flips = (x ^ y).nonzeroBitCount
                k[x * d + y] = pow(sinh(eps * a), Double(flips)) * pow(cosh(eps * a), Double(n - flips))
            }
        }
        for x in 0..<d { for y in 0..<d { for i in 0..<n { xk[x * d + y] += k[(x ^ (1 << i)) * d + y] } } }
        func multiply(_ p: [Double], _ q: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: d * d)
            for i in 0..<d {
                for l in 0..<d where p[i * d + l] != 0 { for j in 0..<d { r[i * d + j] += p[i * d + l] * q[l * d + j] } }
            }
            return r
        }
        let weights = energies.map { exp(-eps * b * $0) }
        let t = (0..<(d * d)).map { weights[$0 / d] * k[$0] }
        var power = t  // T^{M−1} then T^M
        for _ in 0..<(m - 2) { power = multiply(power, t) }
        let full = multiply(t, power)
        let dxk = (0..<(d * d)).map { weights[$0 / d] * xk[$0] }
        let sxm = multiply(dxk, power)
        var zSum = 0.0
        var problem = 0.0
        var sx = 0.0
        var zz = [Double](repeating: 0, count: n * n)
        for x in 0..<d {
            let w = full[x * d + x]
            zSum += w
            problem += w * energies[x]
            sx += sxm[x * d + x]
            for i in 0..<n { for j in 0..<n { zz[i * n + j] += w * z(x, i) * z(x, j) } }
        }
        return (problem / zSum, b * problem / zSum - a * sx / zSum, zz.map { $0 / zSum })
    }
}

extension SmallRegister {
    /// `⟨H_P⟩` averaged over the `M` slices of the open chain
    /// `Σ Πₖ e^{−εB E(zᵏ)} Π_{k<M} ⟨zᵏ|e^{εAΣσx}|zᵏ⁺¹⟩` (free ends).
    func openChain(a: Double, b: Double, beta: Double, slices m: Int) -> Double {
        let d = size
        let eps = beta / Double(m)
        var k = [Double](repeating: 0, count: d * d)
        for x in 0..<d {
            for y in 0..<d {
                let flips = (x ^ y).nonzeroBitCount
                k[x * d + y] = pow(sinh(eps * a), Double(flips)) * pow(cosh(eps * a), Double(n - flips))
            }
        }
        let w = energies.map { exp(-eps * b * $0) }
        // left[k](x): weight of slices 1…k−1 ending next to x; right[k](x): slices k+1…M.
        var left = [[Double]](repeating: [Double](repeating: 1, count: d), count: m)
        var right = [[Double]](repeating: [Double](repeating: 1, count: d), count: m)
        for s in 1..<m {
            for y in 0..<d { left[s][y] = (0..<d).reduce(0) { $0 + left[s - 1][$1] * w[$1] * k[$1 * d + y] } }
        }
        for s in stride(from: m - 2, through: 0, by: -1) {
            for x in 0..<d { right[s][x] = (0..<d).reduce(0) { $0 + k[x * d + $1] * w[$1] * right[s + 1][$1] } }
        }
        var total = 0.0
        for s in 0..<m {
            var z = 0.0
            var e = 0.0
            for x in 0..<d {
                let p = left[s][x] * w[x] * right[s][x]
                z += p
                e += p * energies[x]
            }
            total += e / z
        }
        return total / Double(m)
    }
}

@Suite("Path-integral (simulated quantum) annealing")
struct PathIntegralAnnealingTests {
    /// A 4-spin frustrated model with fields (no symmetry), at s = 0.5 of the linear path.
    static func model() throws -> IsingModel {
        try IsingModel(
            h: [0.3, -0.2, 0.1, 0],
            couplings: [Coupling(0, 1, -1), Coupling(1, 2, 0.7), Coupling(2, 3, -0.5), Coupling(0, 3, 0.4), Coupling(0, 2, 0.25)])
    }

    @Test("J⊥ = −(1/2β) ln tanh(βΓ/M): the dimensionless K⊥ = βJ⊥, capped when Γ → 0")
    func trotterCoupling() {
        let k = PathIntegralAnnealing.trotterCoupling(a: 0.5, beta: 4, slices: 8)
        #expect(abs(k - (-0.5 * log(tanh(0.25)))) < 1e-15)
        #expect(PathIntegralAnnealing.trotterCoupling(a: 0, beta: 4, slices: 8) == 1e300)
        // e^{−2K⊥} = tanh ε: the probability that a satisfied imaginary-time bond is not frozen
        #expect(abs(exp(-2 * k) - tanh(0.25)) < 1e-15)
    }

    /// The Monte Carlo samples the Trotterised law exactly (at every M, within 4σ), the
    /// Trotterised law converges to the thermal state e^{−βH(s)} as 1/M², and at M = 32 the
    /// MC matches the thermal state within its error bars plus the (exactly known) Trotter
    /// bias. At M = 4 the bias (−0.25 in ⟨H_P⟩) is tens of σ: the comparison has power.
    @Test("slice statistics match the thermal state of H(s) within error bars; the error falls as 1/M²")
    func thermalState() throws {
        let model = try Self.model()
        let exact = SmallRegister(model)
        let (a, b, beta) = (0.5, 0.5, 4.0)
        let thermal = try exact.thermal(a: a, b: b, beta: beta)
        var errors: [Int: (Double, Double)] = [:]
        for m in [4, 8, 16, 32] {
            let mc = try PathIntegralAnnealing.equilibrium(
                model, a: a, b: b, beta: beta, slices: m, reads: 2000, burnIn: 60, measurements: 120, seed: UInt64(m))
            let trotter = exact.trotter(a: a, b: b, beta: beta, slices: m)
            #expect(
                abs(mc.problemEnergy - trotter.problem) < 4 * mc.problemEnergyStderr,
                "M = \(m): ⟨H_P⟩ \(mc.problemEnergy) ± \(mc.problemEnergyStderr) vs \(trotter.problem)")
            #expect(
                abs(mc.energy - trotter.energy) < 4 * mc.energyStderr,
                "M = \(m): ⟨H⟩ \(mc.energy) ± \(mc.energyStderr) vs \(trotter.energy)")
            for i in 0..<4 {
                for j in (i + 1)..<4 {
                    let c = mc.correlations[i * 4 + j]
                    let s = mc.correlationStderrs[i * 4 + j]
                    #expect(
                        abs(c - trotter.zz[i * 4 + j]) < 4.5 * s, "M = \(m): ⟨z\(i)z\(j)⟩ \(c) ± \(s) vs \(trotter.zz[i * 4 + j])"
                    )
                    if m == 32 {
                        let bias = abs(trotter.zz[i * 4 + j] - thermal.zz[i * 4 + j])
                        #expect(abs(c - thermal.zz[i * 4 + j]) < 4.5 * s + bias, "⟨z\(i)z\(j)⟩ vs thermal")
                    }
                }
            }
            errors[m] = (mc.problemEnergy - thermal.problem, mc.problemEnergyStderr)
            print(
                "M = \(m): ⟨H_P⟩ = \(mc.problemEnergy) ± \(mc.problemEnergyStderr) (Trotter \(trotter.problem), thermal \(thermal.problem)); ⟨H⟩ = \(mc.energy) ± \(mc.energyStderr) (Trotter \(trotter.energy), thermal \(thermal.energy))"
            )
        }
        // At M = 32: thermal within the error bar plus the exact Trotter bias (4.5e-3).
        let (e32, s32) = errors[32]!
        let bias32 = abs(exact.trotter(a: a, b: b, beta: beta, slices: 32).problem - thermal.problem)
        #expect(abs(e32) < 4 * s32 + bias32)
        // At M = 4 the MC is far from the thermal state: the test can tell.
        let (e4, s4) = errors[4]!
        #expect(abs(e4) > 20 * s4)
        // Trotter order: log₂(err(M)/err(2M)) ≈ 2 (exact values: 1.87 from 4 to 8, 1.97 from 8 to 16).
        for (m1, m2) in [(4, 8), (8, 16)] {
            let (x1, s1) = errors[m1]!
            let (x2, s2) = errors[m2]!
            let order = log2(x1 / x2)
            let sigma = (pow(s1 / x1, 2) + pow(s2 / x2, 2)).squareRoot() / log(2)
            #expect(abs(order - 2) < max(0.2, 4 * sigma), "order \(order) ± \(sigma) from M = \(m1) to \(m2)")
        }
    }

    /// Open boundaries sample the free-ended chain `⟨+|e^{−βH}|+⟩` (exact by transfer
    /// matrices); it differs from the periodic (thermal) value by far more than the error bar.
    @Test("open boundaries in imaginary time sample the free-ended chain exactly")
    func openBoundaries() throws {
        let model = try Self.model()
        let exact = SmallRegister(model)
        let (a, b, beta, m) = (0.5, 0.5, 4.0, 8)
        let mc = try PathIntegralAnnealing.equilibrium(
            model, a: a, b: b, beta: beta, slices: m, reads: 2000, burnIn: 60, measurements: 120, boundary: .open, seed: 11)
        let open = exact.openChain(a: a, b: b, beta: beta, slices: m)
        let periodic = exact.trotter(a: a, b: b, beta: beta, slices: m).problem
        print("open M = \(m): ⟨H_P⟩ = \(mc.problemEnergy) ± \(mc.problemEnergyStderr) (open chain \(open), periodic \(periodic))")
        #expect(abs(mc.problemEnergy - open) < 4 * mc.problemEnergyStderr)
        #expect(abs(open - periodic) > 10 * mc.problemEnergyStderr)
    }

    @Test("annealing finds the ground state of an 18-spin glass; the outputs are those of the other spin samplers")
    func findsGround() throws {
        let model = try sherringtonKirkpatrick(qubits: 18, seed: 29)
        let result = try PathIntegralAnnealing.run(
            model, path: .linear, schedule: .linear, options: PathIntegralOptions(samples: 100, sweeps: 300, slices: 16, seed: 4))
        #expect(result.groundEnergySource == .exact)
        #expect(abs(result.groundEnergy! - (try model.groundStates().energy)) < 1e-12)
        #expect(result.groundStateProbability > 0.8, "P = \(result.groundStateProbability)")
        #expect(result.residualEnergyPerSpin! > -1e-12)
        let tts = try #require(result.timeToSolution)
        #expect(tts.sweepsPerRead == 300)
        // the reported energies are the model's energies of the returned states
        #expect(abs(result.minimumEnergy - result.states.map { model.energy(state: $0) }.min()!) < 1e-12)
        // one sweep on two slices is a quench: it does worse
        let short = try PathIntegralAnnealing.run(
            model, path: .linear, schedule: .linear, options: PathIntegralOptions(samples: 100, sweeps: 1, slices: 2, seed: 4))
        #expect(short.groundStateProbability < result.groundStateProbability)
        #expect(short.residualEnergyPerSpin! > result.residualEnergyPerSpin! + 0.01)
    }

    @Test("bad input: M < 2, β ≤ 0 or not finite, a transverse field that never vanishes")
    func refusals() throws {
        let model = try Self.model()
        func location(_ body: () throws -> Void) -> String? {
            do {
                try body()
                return nil
            } catch let e as InputError {
                return e.location
            } catch {
                return "\(error)"
            }
        }
        let run = { (o: PathIntegralOptions, path: AnnealingPath, schedule: Schedule) in
            _ = try PathIntegralAnnealing.run(model, path: path, schedule: schedule, options: o)
        }
        #expect(
            location { try run(PathIntegralOptions(samples: 2, sweeps: 2, slices: 1), .linear, .linear) }
                == "sample.trotter_slices")
        #expect(location { try run(PathIntegralOptions(samples: 2, sweeps: 2, beta: 0), .linear, .linear) } == "sample.beta")
        #expect(location { try run(PathIntegralOptions(samples: 2, sweeps: 2, beta: .nan), .linear, .linear) } == "sample.beta")
        #expect(location { try run(PathIntegralOptions(samples: 2, sweeps: 2, beta: -1), .linear, .linear) } == "sample.beta")
        let constantField = try AnnealingPath.table(s: [0, 0.5, 1], a: [1, 1, 1], b: [0, 0.5, 1])
        #expect(location { try run(PathIntegralOptions(samples: 2, sweeps: 2), constantField, .linear) } == "schedule")
        // a schedule that stops at s = 0.5 of the linear path: A = 0.5 at the end
        let halfway = try Schedule.piecewiseLinear(r: [0, 1], u: [0, 0.5])
        #expect(location { try run(PathIntegralOptions(samples: 2, sweeps: 2), .linear, halfway) } == "schedule")
    }
}
