import AdiabatCore
import Bridge
import Foundation
import GSLKit
import Landscapes
import Quantum
import TestSupport
import Testing

@Suite("Schedules across domains: the flip-diffusion map and the name library")
struct ScheduleLibraryTests {
    /// The law of one spin after independent flips at rate γ for time t, from p₀ ∝ e^{−βhz}
    /// (β = nil: the ground state z = −sign h): p_t(z) = k_same p₀(z) + k_flip p₀(−z).
    static func singleSpinLaw(h: Double, beta: Double?, rate: Double, time t: Double) -> (plus: Double, minus: Double) {
        let p0: (plus: Double, minus: Double)
        if let beta {
            let w = exp(-2 * beta * h)  // p₀(+1)/p₀(−1)
            p0 = (w / (1 + w), 1 / (1 + w))
        } else {
            p0 = h > 0 ? (0, 1) : (1, 0)
        }
        let same = 0.5 * (1 + exp(-2 * rate * t))
        let flip = 1 - same
        return (same * p0.plus + flip * p0.minus, same * p0.minus + flip * p0.plus)
    }

    /// The exact single-spin case (docs/theory.md §4): the Score Hamiltonian (4) of p_t with Γ = 1,
    /// `[[√(p₋/p₊), −1], [−1, √(p₊/p₋)]]` in the basis (z = +1, z = −1), is `−σx + R·hσz`
    /// plus a multiple of the identity, and the ground state of `−(1 − s)σx + s·hσz` at the
    /// mapped `s(t)` is `√p_t`. Both to rounding (1e-12): the map is exact here.
    @Test("single spin: the Score Hamiltonian of p_t is −σx + R(t)hσz + c, ground state √p_t at s(t)")
    func singleSpin() throws {
        for h in [0.7, -0.7, 2.5] {
            for beta in [nil, 1.3, 0.2] as [Double?] {
                for rate in [1.0, 0.4] {
                    let model = try IsingModel(h: [h], couplings: [])
                    let map = try FlipDiffusionMap.forModel(model, beta: beta, rate: rate)
                    #expect(map.exact)
                    for t in [0.02, 0.3, 1.0, 2.5] {
                        let p = Self.singleSpinLaw(h: h, beta: beta, rate: rate, time: t)
                        let d0 = (p.minus / p.plus).squareRoot()
                        let d1 = (p.plus / p.minus).squareRoot()
                        let r = map.correspondence.fieldRatio(atTime: t)
                        // d0 − R h = d1 + R h: the difference is the identity's multiple.
                        #expect(
                            abs((d0 - r * h) - (d1 + r * h)) < 1e-12 * max(1, d0 + d1),
                            "h \(h) β \(String(describing: beta)) t \(t)")
                        let s = map.correspondence.annealFraction(atTime: t)
                        let matrix = [s * h, -(1 - s), -(1 - s), -s * h]
                        let eig = try SymmetricEigensolver.solve(matrix: matrix, dimension: 2, vectors: true)
                        let v = try #require(eig.vectors)
                        #expect(abs(v[0] * v[0] - p.plus) < 1e-12)
                        #expect(abs(v[1] * v[1] - p.minus) < 1e-12)
                    }
                }
            }
        }
    }

    /// Three spins with |hᵢ| = 0.5 and mixed signs: still a product law, so the ground state
    /// of the full 8×8 `H(s(t))` squared is `p_t` on every configuration.
    @Test("product law with equal |h|: H(s(t))'s ground state is √p_t on the whole register")
    func productLaw() throws {
        let h = [0.5, -0.5, 0.5]
        let model = try IsingModel(h: h, couplings: [])
        let map = try FlipDiffusionMap.forModel(model)
        #expect(map.exact)
        let n = 8
        for t in [0.05, 0.4, 1.5] {
            let s = map.correspondence.annealFraction(atTime: t)
            var matrix = [Double](repeating: 0, count: n * n)
            for k in 0..<n {
                let z = model.spins(of: k)
                matrix[k * n + k] = s * zip(h, z).reduce(0) { $0 + $1.0 * Double($1.1) }
                for i in 0..<3 { matrix[k * n + (k ^ (1 << i))] = -(1 - s) }
            }
            let eig = try SymmetricEigensolver.solve(matrix: matrix, dimension: n, vectors: true)
            let v = try #require(eig.vectors)
            for k in 0..<n {
                let z = model.spins(of: k)
                var p = 1.0
                for i in 0..<3 {
                    let law = Self.singleSpinLaw(h: h[i], beta: nil, rate: 1, time: t)
                    p *= z[i] == 1 ? law.plus : law.minus
                }
                #expect(abs(v[k] * v[k] - p) < 1e-12, "t \(t), state \(k)")
            }
        }
    }

    @Test("couplings or unequal fields: no exact map; ε is the RMS ground-state local field")
    func notExact() throws {
        // E = 0.3 z₀ − z₀z₁: ground state (−1, −1); local fields 0.3 + 1 and 1: RMS √((1.69 + 1)/2).
        let coupled = try IsingModel(h: [0.3, 0], couplings: [Coupling(0, 1, -1)])
        let map = try FlipDiffusionMap.forModel(coupled)
        #expect(!map.exact)
        #expect(abs(map.correspondence.fieldScale - ((1.69 + 1) / 2).squareRoot()) < 1e-12)
        #expect(map.note.contains("not exact"))
        let unequal = try IsingModel(h: [0.3, 1], couplings: [])
        #expect(!(try FlipDiffusionMap.forModel(unequal)).exact)
        #expect(throws: InputError.self) { _ = try FlipDiffusionMap.forModel(try IsingModel(h: [0, 0], couplings: [])) }
    }

    @Test("the schedule registry: one name each, every name parses and is a TOML type, declared settings match")
    func registry() throws {
        let names = ScheduleRegistry.all.map { $0.name }
        #expect(Set(names).count == names.count)
        #expect(ScheduleName.allCases.map(\.rawValue) == names)
        for family in ScheduleRegistry.all {
            let name = try #require(ScheduleName(rawValue: family.name))
            #expect(try ScheduleRequest.parse(family.name).name == name)
            // a diffusion name reads t_max and has a noise schedule; a gap-driven one reads gap_samples
            #expect((family.noiseSchedule != nil) == family.parameters.contains(.tMax), "\(family.name)")
            #expect(name.needsGapProfile == family.parameters.contains(.gapSamples))
        }
        #expect(ScheduleName(rawValue: "nope") == nil)
        #expect(ScheduleName.rolandCerf.needsGapProfile && !ScheduleName.cosine.needsGapProfile)
    }

    @Test("request syntax: names, boundary-cancelling-K, tables, flip:/anneal:, lists")
    func requests() throws {
        #expect(try ScheduleRequest.parse("ddpm-cosine").name == ScheduleName(DDPMCosineSchedule.self))
        let bc = try ScheduleRequest.parse("boundary-cancelling-3")
        #expect(bc.name == .boundaryCancelling && bc.order == 3 && bc.description == "boundary-cancelling-3")
        #expect(try ScheduleRequest.parse("boundary-cancelling", order: 4).description == "boundary-cancelling-4")
        let flip = try ScheduleRequest.parse("flip:vp-sde")
        #expect(
            flip.direction == .toAnnealing && flip.name == ScheduleName(VPSDESchedule.self) && flip.description == "flip:vp-sde")
        #expect(try ScheduleRequest.parse("my.csv").source == .table(path: "my.csv"))
        #expect(throws: InputError.self) { _ = try ScheduleRequest.parse("cosin") }
        #expect(throws: InputError.self) { _ = try ScheduleRequest.parse("boundary-cancelling-13") }
        let list = try ScheduleRequest.parseList("linear, cosine,linear,roland-cerf")
        #expect(list.map(\.description) == ["linear", "cosine", "roland-cerf"])
    }

    @Test("library on a landscape: every name builds; gap schedules reuse one profile; diffusion names keep native t")
    func landscapeLibrary() throws {
        let landscape = try GaussianMixture(weights: [0.5, 0.5], means: [[-2.5], [2.5]], standardDeviations: [0.5, 0.5])
        let grid = try UniformGrid(lower: -8, upper: 8, points: 255)
        let path = try LandscapePath(landscape: landscape, discretisation: .grid(grid, order: .second), tMax: 3)
        let library = try ScheduleLibrary(context: .landscape(path), gapSamples: 21)
        for name in ScheduleName.allCases {
            let s = try library.schedule(ScheduleRequest(name))
            #expect(abs(s.progress(at: 0)) < 1e-12 && abs(s.progress(at: 1) - 1) < 1e-12, "\(name)")
        }
        // Roland–Cerf from the library equals the landscape evolution's own (same 21 samples).
        let rc = try library.schedule(named: "roland-cerf")
        let reference = try LandscapeEvolution.rolandCerf(path: path, samples: 21)
        for r in stride(from: 0.0, through: 1, by: 0.1) { #expect(abs(rc.progress(at: r) - reference.progress(at: r)) < 1e-12) }
        // gap-adaptive (power 1) lies between linear and Roland–Cerf where the gap closes (u → 1).
        let ga = try library.schedule(named: "gap-adaptive")
        #expect(ga.rate(at: 0.99) < 1 && ga.rate(at: 0.99) > rc.rate(at: 0.99))
        // ddpm-cosine on the path: the sampler's times are the cosine schedule's own.
        let cosine = try library.schedule(named: "ddpm-cosine")
        let vStar = try #require(NoiseSchedule.nicholDhariwal.parameter(atTime: 3, clock: .ou))
        for k in 0...10 {
            let r = Double(k) / 10
            let native = NoiseSchedule.nicholDhariwal.time(at: vStar * (1 - r), clock: .ou)
            #expect(abs(cosine.diffusionTime(at: r, tMax: 3) - native) < 1e-12)
        }
        #expect(throws: InputError.self) { _ = try library.schedule(named: "flip:linear") }
        // The exported table: r, u, rate, t, alpha_bar (+ v for a diffusion schedule).
        let table = try ScheduleTable.make(schedule: cosine, request: try .parse("ddpm-cosine"), library: library, steps: 10)
        #expect(table.columns == ["r", "u", "rate", "v", "t", "alpha_bar"])
        #expect(table.rows.count == 11 && abs(table.rows[0][4] - 3) < 1e-12 && table.rows[10][4] == 0)
        #expect(abs(table.rows[3][5] - exp(-2 * table.rows[3][4])) < 1e-15)
    }

    @Test("a bad schedule spelling is named by the caller's parameter (compare.schedules for lists)")
    func spellingNames() {
        let order = inputError { _ = try ScheduleRequest.parse("boundary-cancelling-20", parameter: "evolve.schedule") }
        #expect(order?.hasPrefix("evolve.schedule: boundary-cancelling order must be 0…12 (got 20)") == true)
        #expect(
            inputError { _ = try ScheduleRequest.parseList("linear,nope") }?.hasPrefix(
                "compare.schedules: unknown schedule 'nope'") == true)
    }

    @Test("a horizon past the diffusion's reach is named by the parameter of the command that set it")
    func horizonNames() throws {
        let free = inputError { _ = try ScheduleLibrary(context: .free(process: .ou, tMax: 60, map: nil)) }
        #expect(free?.hasPrefix("schedule.t_max: 60.0 is beyond the OU process's horizon") == true, "\(free ?? "")")
        let compare = inputError {
            _ = try ScheduleLibrary(context: .free(process: .ou, tMax: 60, map: nil), scope: "compare")
        }
        #expect(compare?.hasPrefix("compare.t_max:") == true)
        #expect(
            inputError { try ScheduleLibrary.checkFlipHorizon(60, rate: 1, parameter: "schedule.t_max") }?.hasPrefix(
                "schedule.t_max: 60.0 is beyond the flip diffusion's horizon") == true)
        // The reverse flip chain's t_max is refused as sample.t_max before any library is built.
        var request = SampleRequest(sampler: "reverse-flip", seed: 1)
        request.tMax = 30
        request.flipRate = 2
        let sample = inputError { _ = try Problem.load("maxcut6", seed: 1).sample(request) }
        #expect(sample?.hasPrefix("sample.t_max: 30.0 is beyond the flip diffusion's horizon: γ·t_max = 60.0") == true)
    }
}

@Suite("a file's [schedule] type from the library runs as --schedule does")
struct FileScheduleTests {
    @Test("type = \"gap-adaptive\" and \"ddpm-cosine\" in a file evolve exactly as --schedule NAME")
    func sameAsFlag() throws {
        for name in ["gap-adaptive", "ddpm-cosine"] {
            let text = """
                kind = "annealing"
                [problem]
                J = [[0, 1, -1.0], [1, 2, 0.5], [0, 2, 0.7]]
                h = [0.1, 0.0, -0.2]
                [schedule]
                type = "\(name)"
                total_time = 4.0
                """
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("sched-\(UUID().uuidString).toml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let problem = try Problem.load(url: file, seed: 1)
            let own = try problem.evolve(EvolveRequest())
            var request = EvolveRequest()
            request.schedule = try ScheduleRequest.parse(name)
            let flag = try problem.evolve(request)
            guard case .annealing(_, let a) = own, case .annealing(_, let b) = flag else {
                Issue.record("not an annealing solution")
                continue
            }
            #expect(a.schedule == name)
            #expect(abs(a.fidelity - b.fidelity) <= 1e-12, "\(name): \(a.fidelity) vs \(b.fidelity)")
            #expect(a.fidelity > 0 && a.fidelity < 1)
        }
    }
}
