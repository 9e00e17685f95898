import AdiabatCore
import Foundation
import Testing

@Suite("Schedules")
struct ScheduleTests {
    @Test("fixed shapes start at 0, end at 1, and their rate is du/dr")
    func shapes() throws {
        let all: [Schedule] = [.linear, .cosine] + (try (0...4).map { try Schedule.boundaryCancelling(order: $0) })
        for s in all {
            #expect(s.progress(at: 0) == 0)
            #expect(abs(s.progress(at: 1) - 1) < 1e-14)
            for r in stride(from: 0.05, through: 0.95, by: 0.1) {
                let h = 1e-6
                let fd = (s.progress(at: r + h) - s.progress(at: r - h)) / (2 * h)
                #expect(abs(fd - s.rate(at: r)) < 1e-6, "\(s.name) at \(r)")
            }
        }
        // Boundary cancelling of order k: u(r) ~ r^{k+1} near 0.
        let bc = try Schedule.boundaryCancelling(order: 3)
        #expect(abs(log(bc.progress(at: 1e-3) / bc.progress(at: 2e-3)) / log(0.5) - 4) < 1e-2)
        #expect(abs(try Schedule.boundaryCancelling(order: 0).progress(at: 0.37) - 0.37) < 1e-15)
    }

    @Test("piecewise-linear tables pause, quench and reverse")
    func tables() throws {
        let s = try Schedule.piecewiseLinear(r: [0, 0.4, 0.6, 0.8, 1], u: [0, 0.5, 0.5, 0.3, 1])
        #expect(abs(s.progress(at: 0.2) - 0.25) < 1e-15)
        #expect(s.progress(at: 0.5) == 0.5)
        #expect(s.rate(at: 0.5) == 0)
        #expect(abs(s.progress(at: 0.7) - 0.4) < 1e-15)
        #expect(!s.isMonotone)
        #expect(s.breakpoints == [0.4, 0.6, 0.8])
        #expect(throws: InputError.self) { _ = try Schedule.piecewiseLinear(r: [0, 0.5, 0.5, 1], u: [0, 0.2, 0.3, 1]) }
        #expect(throws: InputError.self) { _ = try Schedule.piecewiseLinear(r: [0, 1], u: [0, 1.2]) }
        #expect(throws: InputError.self) { _ = try Schedule.piecewiseLinear(r: [0, 0.9], u: [0, 1]) }
    }

    @Test("gap-adaptive: constant gap gives linear; rate ∝ g^p elsewhere")
    func gapAdaptive() throws {
        let flat = try Schedule.gapAdaptive(progress: [0, 0.5, 1], gaps: [2, 2, 2], power: 2)
        for r in stride(from: 0.0, through: 1, by: 0.1) { #expect(abs(flat.progress(at: r) - r) < 1e-6) }
        // A gap dip at u = 0.5: the schedule slows there; rate(u) ∝ g(u)².
        let u = (0...20).map { Double($0) / 20 }
        let g = u.map { 0.1 + abs($0 - 0.5) }
        let rc = try Schedule.gapAdaptive(progress: u, gaps: g, power: 2)
        #expect(rc.name == "roland-cerf")
        let rMid = (0...10000).map { Double($0) / 10000 }.first { rc.progress(at: $0) >= 0.5 }!
        let rQuarter = (0...10000).map { Double($0) / 10000 }.first { rc.progress(at: $0) >= 0.2 }!
        let ratio = rc.rate(at: rMid) / rc.rate(at: rQuarter)
        let expected = pow(0.1 / 0.4, 2)
        #expect(abs(ratio / expected - 1) < 0.05, "rate ratio \(ratio), expected \(expected)")
        #expect(throws: InputError.self) { _ = try Schedule.gapAdaptive(progress: [0, 1], gaps: [1, 0], power: 2) }
        #expect(throws: InputError.self) { _ = try Schedule.gapAdaptive(progress: [0, 0.9], gaps: [1, 1], power: 2) }
    }

    @Test("diffusion time runs from t_max to 0")
    func diffusionTime() {
        #expect(Schedule.linear.diffusionTime(at: 0, tMax: 3) == 3)
        #expect(Schedule.linear.diffusionTime(at: 1, tMax: 3) == 0)
        #expect(abs(Schedule.cosine.diffusionTime(at: 0.5, tMax: 3) - 1.5) < 1e-15)
    }
}

@Suite("Grids and parallel loops")
struct GridTests {
    @Test("uniform grid geometry and validation")
    func grid() throws {
        let g = try UniformGrid(lower: [-1, 0], upper: [1, 2], points: [5, 3])
        #expect(g.count == 15)
        #expect(g.spacing == [0.5, 1])
        #expect(g.cellVolume == 0.5)
        #expect(g.strides == [3, 1])
        var x = [0.0, 0.0]
        g.point(7, into: &x)
        #expect(x == [0, 1])  // 7 = 2·3 + 1: i₀ = 2 (x = −1 + 2·0.5), i₁ = 1
        #expect(throws: InputError.self) { _ = try UniformGrid(lower: [0], upper: [0], points: [10]) }
        #expect(throws: InputError.self) { _ = try UniformGrid(lower: [0], upper: [1], points: [2]) }
        #expect(throws: InputError.self) { _ = try UniformGrid(lower: [.nan], upper: [1], points: [10]) }
        #expect(throws: InputError.self) { _ = try UniformGrid(lower: [0, 0], upper: [1], points: [10, 10]) }
        #expect(throws: InputError.self) { _ = try UniformGrid(lower: [0, 0], upper: [1, 1], points: [1 << 20, 1 << 20]) }
        let r = try RadialGrid(rMax: 10, points: 99)
        #expect(r.spacing == 0.1 && r.radius(0) == 0.1)
    }

    @Test("parallel sum is reproducible and equals the serial sum")
    func parallelSum() {
        let n = 1_000_003
        let serial = (0..<n).reduce(0.0) { $0 + 1 / Double($1 + 1) }
        let a = Parallel.sum(count: n) { range in range.reduce(0.0) { $0 + 1 / Double($1 + 1) } }
        let b = Parallel.sum(count: n) { range in range.reduce(0.0) { $0 + 1 / Double($1 + 1) } }
        #expect(a == b)
        #expect(abs(a - serial) < 1e-10)
        var out = [Int](repeating: 0, count: 100_000)
        out.withUnsafeMutableBufferPointer { buffer in
            let p = SharedPointer(buffer.baseAddress!)
            Parallel.forEachChunk(count: 100_000, minimumChunk: 1000) { range in for i in range { p[i] = i } }
        }
        #expect(out == Array(0..<100_000))
    }
}
