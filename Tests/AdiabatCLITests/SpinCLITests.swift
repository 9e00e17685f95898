import Foundation
import Testing

@Suite("adiabat translate, sample, spectrum and evolve on spins")
struct SpinCLITests {
    let problems = packageRoot.appendingPathComponent("problems")

    func object(_ arguments: [String]) throws -> [String: Any] {
        let run = try adiabat(arguments, in: packageRoot)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return try jsonObject(run.stdout)
    }

    @Test("translate --s --round-trip reports max_abs_error below 1e-9")
    func translateRoundTrip() throws {
        for s in ["0.3", "0.9"] {
            let o = try object(["translate", "sk10", "--s", s, "--round-trip", "--json"])
            let error = try #require(o["max_abs_error"] as? Double)
            #expect(error < 1e-9)
            #expect(o["ground_energy"] != nil && o["gauge"] != nil)
        }
        // without --round-trip there is no max_abs_error
        let plain = try object(["translate", "sk10", "--s", "0.5", "--json"])
        #expect(plain["max_abs_error"] == nil)
        // the concrete-score table is written
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-spin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("score.csv")
        _ = try object(["translate", "catalyst-gauge", "--s", "0.5", "--output", csv.path, "--json"])
        let lines = try String(contentsOf: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 17)
        #expect(lines[0] == "state,spins,p,ratio_X(0),ratio_X(1),ratio_X(2),ratio_X(1)X(3),ratio_X(2)X(3)")
    }

    @Test("a frustrated catalyst is refused with the sign problem; evolve runs it")
    func catalystCLI() throws {
        let run = try adiabat(["translate", "catalyst-frustrated", "--s", "0.5", "--json"], in: packageRoot)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains("sign problem"), "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let chain = try adiabat(["sample", "catalyst-frustrated", "--sampler", "flip-chain", "--samples", "10"], in: packageRoot)
        #expect(chain.status != 0 && chain.stderr.contains("sign problem"))
        let evolved = try object(["evolve", "catalyst-frustrated", "--json"])
        #expect(evolved["catalyst_terms"] as? Int == 3)
        let p = try #require(evolved["ground_state_probability"] as? Double)
        #expect(p > 0 && p < 1)
        // the gauge-removable one translates
        let gauge = try object(["translate", "catalyst-gauge", "--s", "0.5", "--round-trip", "--json"])
        #expect(gauge["gauge"] as? [Int] == [3])
        // spectrum includes the catalyst: its ground energy is the translation's E₀
        let levels = try object(["spectrum", "catalyst-gauge", "--s", "0.5", "--json"])
        let energies = try #require(levels["energies"] as? [Double])
        #expect(abs(energies[0] - (gauge["ground_energy"] as? Double ?? .nan)) < 1e-10)
        #expect(levels["stoquastic"] as? Bool == true)
        let frustrated = try object(["spectrum", "catalyst-frustrated", "--s", "0.5", "--json"])
        #expect(frustrated["stoquastic"] as? Bool == false)
        // and the catalog lists both files
        let listing = try object(["problems", "--json"])
        let entries = try #require(listing["problems"] as? [[String: Any]])
        for name in ["catalyst-frustrated", "catalyst-gauge"] {
            let entry = try #require(entries.first { $0["name"] as? String == name })
            #expect(entry["qubits"] as? Int == 4)
            #expect((entry["summary"] as? String)?.hasPrefix("unreadable") == false)
        }
    }

    @Test("sample: each spin sampler reports ground_state_probability, reproducibly")
    func samplers() throws {
        let cases: [[String]] = [
            ["--sampler", "flip-chain", "--samples", "300", "--cells", "20"],
            ["--sampler", "reverse-flip", "--samples", "300", "--cells", "20"],
            ["--sampler", "reverse-flip", "--samples", "300", "--beta", "2", "--prior", "uniform"],
            ["--sampler", "simulated-annealing", "--samples", "300", "--sweeps", "200", "--beta-schedule", "linear"],
        ]
        for c in cases {
            let a = try object(["sample", "sk10"] + c + ["--seed", "5", "--json"])
            let b = try object(["sample", "sk10"] + c + ["--seed", "5", "--json"])
            let p = try #require(a["ground_state_probability"] as? Double)
            #expect(p >= 0 && p <= 1)
            #expect(a["ground_state_stderr"] != nil)
            #expect(a["ground_state_probability"] as? Double == b["ground_state_probability"] as? Double)
            #expect(a["mean_energy"] as? Double == b["mean_energy"] as? Double)
        }
        // the reverse chain to the ground states is exact: every sample is a ground state
        let exact = try object(["sample", "sk10", "--sampler", "reverse-flip", "--samples", "200", "--json"])
        #expect(exact["ground_state_probability"] as? Double == 1)
    }

    @Test("spectrum --beta: the Score Hamiltonian of the Boltzmann law, ground level 0")
    func scoreSpectrum() throws {
        let o = try object(["spectrum", "sk10", "--beta", "1", "--levels", "3", "--json"])
        let energies = try #require(o["energies"] as? [Double])
        #expect(energies.count == 3 && abs(energies[0]) < 1e-10)
        #expect(abs((o["gap"] as? Double ?? .nan) - (energies[1] - energies[0])) < 1e-12)
        let diffused = try object(["spectrum", "sk10", "--law", "ground-states", "--diffusion-time", "0.5", "--json"])
        #expect((diffused["gap"] as? Double ?? 0) > 0)
    }

    /// The law ψ₀(s)² written by translate, read back as a table: its Score Hamiltonian with
    /// Γ = A(s) is H(s) − E₀, so it has the same gap (17 significant digits in the CSV).
    @Test("spectrum --law-file of ψ₀(s)² with Γ = A(s) has the gap of H(s)")
    func lawFileSpectrum() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-spin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let csv = folder.appendingPathComponent("law.csv")
        let t = try object(["translate", "sk10", "--s", "0.5", "--output", csv.path, "--json"])
        let a = try #require(t["a"] as? Double)
        let gap = try #require(t["gap"] as? Double)
        let o = try object(["spectrum", "sk10", "--law-file", csv.path, "--gamma", "\(a)", "--json"])
        #expect(abs((o["gap"] as? Double ?? .nan) - gap) < 1e-10)
        // a table that is not 2ⁿ long is refused with one error line
        let bad = folder.appendingPathComponent("bad.csv")
        try "0.5\n0.5\n0.25\n".write(to: bad, atomically: true, encoding: .utf8)
        let run = try adiabat(["spectrum", "sk10", "--law-file", bad.path])
        #expect(run.status != 0 && run.stderr.contains("2ⁿ"))
    }

    @Test("bad combinations give one error line")
    func errors() throws {
        let cases: [([String], String)] = [
            (["sample", "sk10", "--sampler", "flip-chain", "--sweeps", "10"], "--sweeps"),
            (["sample", "sk10", "--sampler", "simulated-annealing", "--beta-range", "1"], "--beta-range"),
            (["translate", "sk10", "--round-trip"], "--s"),
            (["translate", "sk10", "--to", "hamiltonian"], "law"),
            (["spectrum", "sk10", "--law", "boltzmann"], "--beta"),
        ]
        for (arguments, fragment) in cases {
            let run = try adiabat(arguments, in: packageRoot)
            #expect(run.status != 0, "\(arguments)")
            let lines = run.stderr.split(separator: "\n")
            #expect(
                lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains(fragment), "\(arguments): \(run.stderr)")
        }
    }
}
