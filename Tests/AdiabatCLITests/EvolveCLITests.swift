import Foundation
import Testing

/// One JSON object from stdout.
func jsonObject(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any])
}

@Suite("adiabat evolve and spectrum (annealing)")
struct EvolveCLITests {
    let problems = packageRoot.appendingPathComponent("problems")

    @Test("evolve prints one JSON object with the contract's keys; split4 and rk8pd agree")
    func evolveJSON() throws {
        var fidelities: [Double] = []
        for method in ["split4", "rk8pd"] {
            let run = try adiabat([
                "evolve", problems.appendingPathComponent("sk10.toml").path, "--method", method, "--rtol", "1e-10", "--json",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let object = try jsonObject(run.stdout)
            for key in ["fidelity", "ground_state_probability", "final_energy", "method", "steps", "evaluations"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            #expect(object["method"] as? String == method)
            fidelities.append(try #require(object["fidelity"] as? Double))
        }
        #expect(abs(fidelities[0] - fidelities[1]) < 1e-6)
    }

    @Test("evolve takes a .qubo path directly, with a trajectory")
    func evolveQUBO() throws {
        let run = try adiabat([
            "evolve", problems.appendingPathComponent("maxcut6.qubo").path, "--total-time", "5", "--trajectory", "4",
            "--instantaneous", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let object = try jsonObject(run.stdout)
        let trajectory = try #require(object["trajectory"] as? [[String: Any]])
        #expect(trajectory.count == 5)
        #expect(trajectory.allSatisfy { $0["gap"] != nil && $0["instantaneous_fidelity"] != nil })
    }

    @Test("bad input gives one error line: a malformed file, a refused implicit method, a missing total time")
    func evolveErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let bad = folder.appendingPathComponent("bad.coo")
        try "# vartype=SPIN\n0 1 x\n".write(to: bad, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["evolve", bad.path, "--total-time", "1"], "bad.coo:2"),
            (["evolve", problems.appendingPathComponent("sk10.toml").path, "--method", "bsimp"], "split4"),
            (["evolve", problems.appendingPathComponent("maxcut6.qubo").path], "--total-time"),
            (["evolve", problems.appendingPathComponent("sk10-pause.toml").path, "--total-time", "3"], "points schedule"),
        ]
        for (arguments, fragment) in cases {
            let run = try adiabat(arguments)
            #expect(run.status != 0)
            let lines = run.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(fragment), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }

    @Test("evolve on a landscape: the Score-Hamiltonian path from t_max to 0, fidelity with √p₀")
    func evolveLandscape() throws {
        let run = try adiabat(["evolve", "double-well", "--total-time", "1", "--steps", "20", "--json"], in: packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try jsonObject(run.stdout)
        let fidelity = try #require(object["fidelity"] as? Double)
        #expect(fidelity > 0 && fidelity <= 1 + 1e-12)
        #expect(object["method"] as? String == "split4" && object["steps"] as? Int == 20 && object["evaluations"] != nil)
        #expect(object["t_max"] != nil && object["ground_state_probability"] == nil)
    }

    @Test("spectrum: levels, gap and a profile for a bundled annealing problem")
    func spectrum() throws {
        let run = try adiabat(["spectrum", "sk10", "--s", "0.6", "--levels", "3", "--profile", "5", "--json"], in: packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try jsonObject(run.stdout)
        let energies = try #require(object["energies"] as? [Double])
        #expect(energies.count == 3 && energies == energies.sorted())
        #expect(abs((object["gap"] as? Double ?? .nan) - (energies[1] - energies[0])) < 1e-12)
        let profile = try #require(object["profile"] as? [[String: Any]])
        #expect(profile.count == 5)
        #expect(object["min_gap"] != nil && object["at"] != nil)
    }
}
