import AdiabatCore
import Bridge
import Foundation
import Quantum
import Testing

/// The checked conversion, the memory estimate and the work budget (docs/conventions.md#limits).
@Suite("budgets: checked integers, memory estimates, work estimates")
struct BudgetTests {
    @Test("Checked.integer refuses what Int(_:) would trap on, and accepts whole numbers in range")
    func checkedInteger() throws {
        for bad in [1e19, -1, 2.5, .nan, .infinity, 9.3e18] {
            #expect(throws: InputError.self) { try Checked.integer(bad, "i", in: 0...Checked.maximumIndex) }
        }
        #expect(try Checked.integer(7, "i", in: 0...10) == 7)
        #expect(throws: InputError.self) { try Checked.integer(Double(Int.max), "i", in: 0...Int.max) }
    }

    @Test("the memory check refuses a run beyond the usable memory, in GiB, without overflow")
    func memory() throws {
        let budget = MemoryBudget(available: 8 * 1024 * 1024 * 1024, source: "cgroup limit")
        // The issue's flip chain: 10⁸ samples need ~11 GiB; 8 GiB × 0.8 is usable.
        let bytes = FlipChainSampler.memory(qubits: 10, samples: 100_000_000)
        #expect(bytes > 10e9)
        do {
            try budget.require(bytes, for: "the flip chain", parameter: "sample.samples", hint: "lower sample.samples")
            Issue.record("10⁸ samples fit in 8 GiB")
        } catch let error as InputError {
            #expect(error.location == "sample.samples")
            #expect(error.message.contains("GiB") && error.message.contains("cgroup limit"))
        }
        // 24–26 qubits with an integrator's vectors do not fit in 8 GiB; 10 do.
        #expect(throws: InputError.self) { try QubitRegister.validate(qubits: 26, vectors: 6, memory: budget) }
        try QubitRegister.validate(qubits: 10, vectors: 6, memory: budget)
        // 89 variables: the message is a size, not -9223372036854775808 GiB.
        do {
            try QubitRegister.validate(qubits: 89, memory: budget)
            Issue.record("89 qubits accepted")
        } catch let error as InputError {
            #expect(!error.description.contains("-"), "\(error)")
            #expect(error.description.contains("bytes") || error.description.contains("EiB"), "\(error)")
        }
        #expect(formatBytes(Foundation.pow(2, 89) * 16).contains("bytes"))
        #expect(formatBytes(3 * 1024 * 1024 * 1024) == "3.0 GiB")
    }

    @Test("the system budget reads a positive, finite limit")
    func systemBudget() {
        #expect(MemoryBudget.system.available > 0)
        #expect(MemoryBudget.system.available.isFinite)
    }

    @Test("the work check names the estimate, the parameter and max_work")
    func work() throws {
        #expect(throws: Never.self) {
            try WorkBudget.check(1e9, maximum: nil, what: "x", estimate: "y", parameter: "evolve.total_time", reduce: "z")
        }
        do {
            try WorkBudget.check(1e15, maximum: 1e12, what: "x", estimate: "y", parameter: "evolve.total_time", reduce: "z")
            Issue.record("1e15 units accepted under a budget of 1e12")
        } catch let error as InputError {
            #expect(error.location == "evolve.total_time")
            #expect(error.message.contains("1e+15") && error.hint.contains("run.max_work"))
        }
        #expect(throws: InputError.self) { try WorkBudget.validate(-1) }
        #expect(throws: InputError.self) { try WorkBudget.validate(.nan) }
    }

    @Test("evolve refuses T = 1e12 on sk10 within the library, fast, and accepts the bundled T")
    func evolveEstimate() throws {
        let problem = try Problem.load(packageRoot.appendingPathComponent("problems/sk10.toml").path, seed: 1)
        var request = EvolveRequest()
        request.totalTime = 1e12
        let start = Date()
        #expect(throws: InputError.self) { _ = try problem.evolve(request) }
        #expect(Date().timeIntervalSince(start) < 2)
        request.totalTime = nil
        #expect(try problem.evolve(request).succeeded)
    }

    @Test("evolve reports its progress τ/T through the request, ending at 1")
    func progress() throws {
        let problem = try Problem.load(packageRoot.appendingPathComponent("problems/sk10.toml").path, seed: 1)
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var fractions: [Double] = []
        }
        let log = Log()
        var request = EvolveRequest()
        request.totalTime = 300
        request.progress = { event in
            if case .fraction(let f) = event {
                log.lock.lock()
                log.fractions.append(f)
                log.lock.unlock()
            }
        }
        #expect(try problem.evolve(request).succeeded)
        #expect(log.fractions.count >= 5)
        #expect(log.fractions == log.fractions.sorted())
        #expect((log.fractions.last ?? 0) > 0.9 && (log.fractions.last ?? 2) <= 1)
    }

    @Test("long legitimate runs stay within the default budget: the bundled quartic-well at T = 1")
    func legitimateRuns() throws {
        let problem = try Problem.load(packageRoot.appendingPathComponent("problems/quartic-well.toml").path, seed: 1)
        guard case .landscape(let loaded) = problem else {
            Issue.record("quartic-well is not a landscape")
            return
        }
        let path = try LandscapePath(problem: loaded)
        let estimate = try LandscapeEvolution.estimate(
            path: path, totalTime: 1, method: .split4, options: .recommended(for: .split4))
        #expect(estimate.work < WorkBudget.defaultMaximum, "\(estimate.summary)")
        #expect(estimate.work > 1e8, "\(estimate.summary)")
    }

    @Test("a cold Lanczos solve's estimate is within 5× of the operator applications it takes (a 2-D double well)")
    func lanczosEstimate() throws {
        // 121² nodes: above the Chebyshev filter's threshold of 8192, so the filtered solver runs.
        let grid = try UniformGrid(lower: [-3, -3], upper: [3, 3], points: [121, 121])
        var x = [0.0, 0.0]
        let potential = (0..<grid.count).map { k -> Double in
            grid.point(k, into: &x)
            return 4 * (x[0] * x[0] - 1) * (x[0] * x[0] - 1) + x[1] * x[1]
        }
        let h = try GridHamiltonian(grid: grid, potential: potential, order: .fourth)
        let estimate = try h.estimatedSolveWork(levels: 2)
        let spectrum = try h.lowestLevels(2)
        #expect(spectrum.method == .lanczos && spectrum.statistics.filterDegree > 0)
        let actual = Double(spectrum.statistics.operatorApplications) * Double(grid.count) * h.unitsPerNodeApplication
        #expect(estimate > actual / 5 && estimate < actual * 5, "estimate \(estimate), actual \(actual)")
    }

    @Test("gap profiles beyond the budget are refused before they are measured, naming the parameter")
    func gapProfileBudget() throws {
        let oscillator = try Problem.load(packageRoot.appendingPathComponent("problems/coupled-oscillator.toml").path, seed: 1)
        let library = try oscillator.scheduleLibrary(gapSamples: 41, maxWork: 1e6)
        let start = Date()
        do {
            _ = try library.gaps()
            Issue.record("a 41-point gap profile on 251² nodes was measured within 1e6 work units")
        } catch let error as InputError {
            #expect(error.location == "schedule.gap_samples")
            #expect(error.message.contains("41 spectra") && error.hint.contains("run.max_work"), "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 5)
        // More points cost more; the same profile fits the default budget.
        guard case .landscape(let loaded) = oscillator else { return }
        let path = try LandscapePath(problem: loaded)
        let few = try path.spectrumWork(points: 11, levels: 2)
        let many = try path.spectrumWork(points: 41, levels: 2)
        #expect(few.work < many.work && many.work < WorkBudget.defaultMaximum)

        let sk10 = try Problem.load(packageRoot.appendingPathComponent("problems/sk10.toml").path, seed: 1)
        var request = SpectrumRequest()
        request.profile = 11
        request.maxWork = 1000
        do {
            _ = try sk10.spectrum(request)
            Issue.record("an 11-point profile of sk10 ran within 1000 work units")
        } catch let error as InputError {
            #expect(error.location == "spectrum.profile" && error.message.contains("2^10 states"), "\(error)")
        }
        request.maxWork = nil
        _ = try sk10.spectrum(request)
    }
}

/// The package root: two levels above `Tests/BridgeTests`.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
