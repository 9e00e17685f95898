import AdiabatCore
import Bridge
import Diffusion
import Foundation
import Problems
import Testing

/// The samplers refuse an OU step longer than the relaxation time 1; their advice must name a
/// step count that passes on the schedule actually asked for (issue 22: roland-cerf on a
/// three-well landscape with 20 steps advised "at least 12 steps"; 40 work).
@Suite("The sampler's step-count advice")
struct StepAdviceTests {
    /// The tutorial's three wells (docs/tutorial.md §5).
    static let threeWells = """
        name = "three-wells"
        kind = "landscape"
        description = "three unequal wells"

        [landscape]
        type = "gaussian-mixture"
        weights = [0.2, 0.5, 0.3]
        means = [[-3.0], [0.5], [2.5]]
        stddevs = [0.4, 0.7, 0.3]

        [grid]
        lower = [-8.0]
        upper = [8.0]
        points = [511]

        [diffusion]
        process = "ou"
        t_max = 3.0
        """

    /// The step count in the hint "use N steps …", or nil.
    static func advised(_ error: InputError) -> Int? {
        guard let range = error.hint.range(of: #"use \d+ steps"#, options: .regularExpression) else { return nil }
        return Int(error.hint[range].dropFirst(4).dropLast(6))
    }

    @Test("roland-cerf on three wells with 20 steps: the advised count passes and one fewer does not")
    func rolandCerf() throws {
        let problem = try LandscapeProblem.parse(Self.threeWells, file: URL(fileURLWithPath: "/tmp/three-wells.toml"))
        let landscape = try problem.resolvedLandscape()
        let path = try LandscapePath(
            landscape: landscape, discretisation: problem.discretisation, process: problem.process, tMax: problem.tMax)
        let schedule = try ScheduleLibrary(context: .landscape(path)).schedule(named: "roland-cerf")
        func diffusionPath(_ steps: Int) throws -> DiffusionPath {
            try DiffusionPath(process: problem.process, tMax: problem.tMax, schedule: schedule, steps: steps)
        }
        for method in [SamplerMethod.reverseSDE(.eulerMaruyama), .probabilityFlow(.heun), .predictorCorrector(.init())] {
            do {
                try method.validate(on: try diffusionPath(20))
                Issue.record("\(method.name): 20 steps passed; the issue's case should be refused")
            } catch let error as InputError {
                let n = try #require(Self.advised(error), "no step count in '\(error)'")
                #expect(n > 20 && n <= 40, "\(method.name): advised \(n)")
                #expect(throws: Never.self, "\(method.name): the advised \(n) steps fail") {
                    try method.validate(on: try diffusionPath(n))
                }
                #expect(throws: InputError.self, "\(method.name): \(n - 1) steps pass, so \(n) is not the least") {
                    try method.validate(on: try diffusionPath(n - 1))
                }
            }
        }
        // The old advice (4·t_max = 12 steps) was refused itself.
        #expect(throws: InputError.self) { try SamplerMethod.reverseSDE(.eulerMaruyama).validate(on: try diffusionPath(12)) }
    }

    @Test("steps(forLargestStep:) on the linear schedule: ⌈t_max⌉ from below, the given count when it already passes")
    func linear() throws {
        for (tMax, start, expected) in [(2.5, 2, 3), (2.9, 1, 3), (9.5, 3, 10), (3.0, 50, 50)] {
            let path = try DiffusionPath(process: .ou, tMax: tMax, schedule: .linear, steps: start)
            let found = try #require(path.steps(forLargestStep: 1))
            #expect(found.steps == expected, "t_max \(tMax) from \(start): \(found.steps)")
            #expect(found.largestStep <= 1)
        }
    }
}
