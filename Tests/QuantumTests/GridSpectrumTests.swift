import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Testing

/// The Score Hamiltonian of `N(0, diag(σ²))`: `V = Σ x_a²/(4σ_a⁴) − ½ Σ 1/σ_a²`, levels
/// `Σ n_a/σ_a²` (docs/theory.md §2.5).
func gaussianHamiltonian(_ grid: UniformGrid, variances: [Double], order: LaplacianOrder = .second) throws -> GridHamiltonian {
    var v = [Double](repeating: 0, count: grid.count)
    var x = [Double](repeating: 0, count: grid.dimension)
    let offset = variances.reduce(0) { $0 + 0.5 / $1 }
    for k in 0..<grid.count {
        grid.point(k, into: &x)
        var value = -offset
        for a in 0..<grid.dimension { value += x[a] * x[a] / (4 * variances[a] * variances[a]) }
        v[k] = value
    }
    return try GridHamiltonian(grid: grid, potential: v, order: order)
}

/// The sorted lowest `k` values of `Σ n_a/σ_a²`.
func gaussianLevels(_ variances: [Double], _ k: Int) -> [Double] {
    var levels: [Double] = [0]
    for s2 in variances {
        var next: [Double] = []
        for base in levels { for n in 0..<12 { next.append(base + Double(n) / s2) } }
        levels = next
    }
    return Array(levels.sorted().prefix(k))
}

@Suite("Lowest levels and gap profiles")
struct GridSpectrumTests {
    /// Every solver on the same 1-D oscillator (`σ² = 1`, levels n): the second-order
    /// solvers (tridiagonal, Lanczos, dense) must agree with each other to 1e-9 and with n
    /// to the O(h²) bound of GridHamiltonianTests (5(n+1)²h²); the fourth-order banded solve
    /// to 5(n+1)²h⁴.
    @Test("tridiagonal, banded, Lanczos and dense agree on the 1-D oscillator")
    func solversAgree() throws {
        let grid = try UniformGrid(lower: -10, upper: 10, points: 181)
        let h = grid.spacing[0]
        let second = try gaussianHamiltonian(grid, variances: [1])
        let tri = try second.lowestLevels(4, vectors: true)
        #expect(tri.method == .tridiagonal)
        let lanczos = try second.lowestLevels(4, options: SpectrumOptions(method: .lanczos))
        let dense = try second.lowestLevels(4, options: SpectrumOptions(method: .dense))
        for n in 0..<4 {
            #expect(abs(tri.energies[n] - Double(n)) < 5 * pow(Double(n + 1), 2) * h * h)
            #expect(abs(lanczos.energies[n] - tri.energies[n]) < 1e-9)
            #expect(abs(dense.energies[n] - tri.energies[n]) < 1e-9)
        }
        #expect(lanczos.statistics.operatorApplications > 0)
        let fourth = try gaussianHamiltonian(grid, variances: [1], order: .fourth)
        let banded = try fourth.lowestLevels(4, vectors: true)
        #expect(banded.method == .banded)
        for n in 0..<4 { #expect(abs(banded.energies[n] - Double(n)) < 5 * pow(Double(n + 1), 2) * pow(h, 4)) }
        // States: grid-normalised, ground state positive and equal to the analytic
        // (2π)^{-1/4} e^{-x²/4} to O(h²).
        for spectrum in [tri, banded] {
            let psi = Array(spectrum.state(0)!)
            #expect(abs(psi.reduce(0) { $0 + $1 * $1 } * h - 1) < 1e-12)
            let x = grid.axis(0)
            var worst = 0.0
            for i in x.indices { worst = max(worst, abs(psi[i] - pow(2 * Double.pi, -0.25) * exp(-x[i] * x[i] / 4))) }
            #expect(worst < 2 * h * h, "\(spectrum.method): ground state error \(worst)")
            #expect(psi.allSatisfy { $0 > -1e-14 })
        }
    }

    /// The 2-D coupled-oscillator spectrum in its principal axes (σ² = 1.8, 0.2): levels
    /// 0, 0.5556, 1.1111, 1.6667, 2.2222, 2.7778… with ARPACK, at O(h²); the error on the
    /// finer grid must be ≈ ¼ of the coarse one (second order).
    @Test("Lanczos on a 2-D anisotropic oscillator converges at O(h²)")
    func lanczos2D() throws {
        let variances = [1.8, 0.2]
        let exact = gaussianLevels(variances, 5)
        func levels(_ n: Int) throws -> (Spectrum, Double) {
            let grid = try UniformGrid(lower: [-9, -3.5], upper: [9, 3.5], points: [n, n])
            return (try gaussianHamiltonian(grid, variances: variances).lowestLevels(5, vectors: true), grid.spacing[1])
        }
        let (coarse, _) = try levels(61)
        let (fine, h) = try levels(121)
        #expect(fine.method == .lanczos)
        for k in 0..<5 {
            let errF = abs(fine.energies[k] - exact[k])
            let errC = abs(coarse.energies[k] - exact[k])
            // The y-axis (σ² = 0.2, curvature 1/σ⁴ = 25) dominates: constant ≈ 25(n+1)²/12·…;
            // 40·h² is a generous O(h²) bound at these sizes.
            #expect(errF < 40 * h * h, "level \(k): \(fine.energies[k]) vs \(exact[k])")
            if errF > 1e-6 { #expect(errC / errF > 3.2 && errC / errF < 4.8, "level \(k): ratio \(errC / errF)") }
        }
        let ground = Array(fine.state(0)!)
        #expect(ground.allSatisfy { $0 > -1e-8 })
    }

    /// `g(t) = 1/σ_t²` for `N(0, σ_t²)`, `σ_t² = e^{−2t}σ₀² + 1 − e^{−2t}` (OU path of a
    /// narrow Gaussian, σ₀² = 0.25): the gap falls from 4 at t = 0 to 1, monotone, so the
    /// minimum sits at t_max. Parallel and sequential profiles must agree, and the profile
    /// must yield a gap-adaptive schedule.
    @Test("gap profile along an OU path: values, minimum, order, schedule")
    func profile() throws {
        let grid = try UniformGrid(lower: -8, upper: 8, points: 801)
        let h = grid.spacing[0]
        let tMax = 2.0
        let times = (0...20).map { tMax * Double($0) / 20 }
        let spectrum: @Sendable (Double, Spectrum?) throws -> Spectrum = { t, _ in
            let s2 = exp(-2 * t) * 0.25 + 1 - exp(-2 * t)
            return try gaussianHamiltonian(grid, variances: [s2]).lowestLevels(3)
        }
        let parallel = try GapProfile.compute(
            coordinate: .diffusionTime(tMax: tMax), parameters: times, mode: .parallel, spectrum: spectrum)
        let sequential = try GapProfile.compute(
            coordinate: .diffusionTime(tMax: tMax), parameters: times.reversed(), mode: .sequential, spectrum: spectrum)
        #expect(parallel.points == sequential.points)
        #expect(parallel.points.first?.parameter == tMax)
        #expect(parallel.points.last?.parameter == 0)
        for p in parallel.points {
            let s2 = exp(-2 * p.parameter) * 0.25 + 1 - exp(-2 * p.parameter)
            // O(h²) with curvature 1/σ⁴ ≤ 16: bound 5·16·h².
            #expect(abs(p.gap - 1 / s2) < 80 * h * h, "t = \(p.parameter)")
        }
        #expect(parallel.minGapAt == tMax)
        #expect(abs(parallel.minGap - 1 / (exp(-4.0) * 0.25 + 1 - exp(-4.0))) < 80 * h * h)
        let schedule = try parallel.schedule(power: 2)
        // Slowest where the gap is smallest: near the noise end (u = 0) the rate du/dr is lower
        // than near the data end (gap 4 vs ≈1 → rate ratio ≈ 16 for power 2).
        #expect(schedule.rate(at: 0.02) < schedule.rate(at: 0.98))
    }

    /// The fused kernel `α·Hx + βx + γz` must equal the plain stencil apply combined by hand
    /// (to rounding) in 1-D, 2-D and 3-D for every stencil order.
    @Test("fused apply equals apply, every dimension and order", arguments: [LaplacianOrder.second, .fourth, .sixth])
    func fusedApply(order: LaplacianOrder) throws {
        let grids = [
            try UniformGrid(lower: [-2], upper: [3], points: [37]),
            try UniformGrid(lower: [-2, -1], upper: [3, 1], points: [17, 23]),
            try UniformGrid(lower: [-2, -1, 0], upper: [3, 1, 2], points: [9, 11, 13]),
        ]
        let stream = try RandomStream(seed: 3)
        for grid in grids {
            let v = (0..<grid.count).map { _ in stream.gaussian() }
            let h = try GridHamiltonian(grid: grid, potential: v, order: order)
            let x = (0..<grid.count).map { _ in stream.gaussian() }
            let z = (0..<grid.count).map { _ in stream.gaussian() }
            let hx = h.apply(x)
            var y = [Double](repeating: 0, count: grid.count)
            x.withUnsafeBufferPointer { xp in
                z.withUnsafeBufferPointer { zp in
                    y.withUnsafeMutableBufferPointer { h.apply(xp, alpha: 0.7, beta: -1.3, gamma: 0.4, z: zp, into: $0) }
                }
            }
            let scale = hx.reduce(0) { max($0, abs($1)) }
            for i in 0..<grid.count {
                #expect(abs(y[i] - (0.7 * hx[i] - 1.3 * x[i] + 0.4 * z[i])) < 1e-13 * scale, "\(grid) node \(i)")
            }
        }
    }

    /// A 2-D double well `V = (x² − 4)²/2 + y²/2` on 121×101 nodes (above the filter
    /// threshold): the Chebyshev-filtered solve and plain ARPACK must give the same lowest
    /// six levels (the nearly degenerate tunnelling pair included) to 1e-8, and the
    /// filtered solve must use far fewer Lanczos steps.
    @Test("Chebyshev-filtered Lanczos equals plain Lanczos, including a tunnelling pair")
    func filteredEqualsPlain() throws {
        let grid = try UniformGrid(lower: [-5, -4], upper: [5, 4], points: [121, 101])
        var v = [Double](repeating: 0, count: grid.count)
        var x = [0.0, 0.0]
        for k in 0..<grid.count {
            grid.point(k, into: &x)
            v[k] = pow(x[0] * x[0] - 4, 2) / 2 + x[1] * x[1] / 2
        }
        let h = try GridHamiltonian(grid: grid, potential: v)
        let filtered = try h.lowestLevels(6, vectors: true)
        let plain = try h.lowestLevels(6, options: SpectrumOptions(chebyshevFilter: false))
        #expect(filtered.statistics.filterDegree > 0)
        #expect(filtered.statistics.krylovSteps * 4 < plain.statistics.krylovSteps)
        for k in 0..<6 { #expect(abs(filtered.energies[k] - plain.energies[k]) < 1e-8, "level \(k)") }
        #expect(filtered.energies[1] - filtered.energies[0] < 0.1)  // the tunnelling pair
        // The states are eigenvectors: ‖Hψ − Eψ‖ small.
        for k in 0..<6 {
            let psi = Array(filtered.state(k)!)
            let hpsi = h.apply(psi)
            var r = 0.0
            for i in psi.indices { r += pow(hpsi[i] - filtered.energies[k] * psi[i], 2) }
            #expect((r * grid.cellVolume).squareRoot() < 1e-6, "level \(k) residual")
        }
    }

    @Test("bad requests are refused with InputError")
    func refusals() throws {
        let grid2 = try UniformGrid(lower: [-1, -1], upper: [1, 1], points: [9, 9])
        let h2 = try gaussianHamiltonian(grid2, variances: [1, 1])
        #expect(throws: InputError.self) { _ = try h2.lowestLevels(2, options: SpectrumOptions(method: .tridiagonal)) }
        #expect(throws: InputError.self) { _ = try h2.lowestLevels(0) }
        #expect(throws: InputError.self) { _ = try h2.lowestLevels(82) }
        #expect(throws: InputError.self) {
            _ = try GapProfile(coordinate: .annealFraction, points: [.init(parameter: 0, energies: [0], gap: 0)])
        }
    }

    /// A 2-D solve large enough for the Chebyshev-filtered Lanczos: with a work limit far
    /// below what it needs it stops with `SpectrumWorkLimitReached` carrying the work done
    /// (never more than the limit), for the filtered path and for plain Lanczos; with the
    /// default limit the same solve converges to the exact levels (so it is the limit that
    /// stopped it).
    @Test("the Lanczos work limit stops a solve with its statistics; the default limit does not")
    func workLimit() throws {
        let grid = try UniformGrid(lower: [-6, -6], upper: [6, 6], points: [121, 121])
        let h = try gaussianHamiltonian(grid, variances: [1, 0.5])
        for filter in [true, false] {
            let options = SpectrumOptions(method: .lanczos, chebyshevFilter: filter, maxOperatorApplications: 40)
            do {
                _ = try h.lowestLevels(3, options: options)
                Issue.record("filter \(filter): expected SpectrumWorkLimitReached")
            } catch let stop as SpectrumWorkLimitReached {
                #expect(stop.limit == 40)
                #expect(stop.statistics.operatorApplications <= 40, "filter \(filter)")
                #expect(stop.statistics.operatorApplications > 0, "filter \(filter)")
                #expect(stop.unknowns == grid.count && stop.levels == 3)
                #expect("\(stop)".contains("coarser grid"))
            }
            let full = try h.lowestLevels(3, options: SpectrumOptions(method: .lanczos, chebyshevFilter: filter))
            #expect(full.statistics.operatorApplications > 40)
            #expect(full.statistics.operatorApplications <= SpectrumOptions.defaultApplicationLimit(unknowns: grid.count))
            // Second-order stencil, h = 0.1: O(h²) level errors, ≤ 5(n+1)²h²·(1/σ²) here.
            let exact = gaussianLevels([1, 0.5], 3)
            #expect(zip(full.energies, exact).allSatisfy { abs($0 - $1) < 0.05 }, "\(full.energies) vs \(exact)")
        }
    }
}
