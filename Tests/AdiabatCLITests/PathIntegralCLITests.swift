import Foundation
import Testing

@Suite("adiabat sample --sampler path-integral, reference energies, adiabat instance")
struct PathIntegralCLITests {
    func object(_ arguments: [String]) throws -> [String: Any] {
        let run = try adiabat(arguments, in: packageRoot)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        return try jsonObject(run.stdout)
    }

    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-sqa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("path-integral reports the spin samplers' keys plus TTS, reproducibly")
    func keys() throws {
        let arguments = [
            "sample", "sk10", "--sampler", "path-integral", "--samples", "100", "--sweeps", "100", "--trotter-slices", "8",
            "--seed", "3", "--json",
        ]
        let a = try object(arguments)
        let b = try object(arguments)
        #expect(a["sampler"] as? String == "path-integral")
        #expect(a["ground_energy_source"] as? String == "exact")
        #expect((a["ground_state_probability"] as? Double ?? -1) > 0.5)
        #expect(a["residual_energy_per_spin"] != nil && a["mean_energy"] as? Double == b["mean_energy"] as? Double)
        let tts = try #require(a["tts99"] as? [String: Any])
        #expect(tts["sweeps_per_read"] as? Double == 100)
        // settings are JSON numbers where they are numbers (docs/data-out.md)
        let settings = try #require(a["settings"] as? [String: Any])
        #expect(settings["trotter_slices"] as? Double == 8 && settings["boundary"] as? String == "periodic")
    }

    @Test("the file's ground_energy is the reference; one above the best found is one error line")
    func fileReference() throws {
        let folder = try scratch()
        let instance = folder.appendingPathComponent("g.json")
        let made = try object(["instance", "glass2d", "--size", "4", "--seed", "1", "--output", instance.path, "--json"])
        #expect(made["ground_energy"] as? Double == -24 && made["spins"] as? Int == 16)
        for (energy, ok) in [(-24.0, true), (-23.0, false)] {
            let toml = folder.appendingPathComponent("g\(Int(-energy)).toml")
            try """
            name = "g"
            kind = "annealing"
            [problem]
            file = "g.json"
            ground_energy = \(energy)
            """.write(to: toml, atomically: true, encoding: .utf8)
            for sampler in ["simulated-annealing", "path-integral"] {
                let run = try adiabat(
                    ["sample", toml.path, "--sampler", sampler, "--samples", "50", "--sweeps", "200", "--json"], in: packageRoot)
                if ok {
                    let o = try jsonObject(run.stdout)
                    #expect(o["ground_energy_source"] as? String == "file")
                } else {
                    let lines = run.stderr.split(separator: "\n")
                    #expect(run.status != 0 && run.stdout.isEmpty)
                    #expect(
                        lines.count == 1 && lines[0].hasPrefix("error: ") && lines[0].contains("ground_energy"), "\(run.stderr)")
                }
            }
        }
    }

    @Test("instance glass2d --planted --output X.toml: the planted energy becomes the samplers' reference")
    func planted() throws {
        let folder = try scratch()
        let toml = folder.appendingPathComponent("p.toml")
        let made = try object([
            "instance", "glass2d", "--planted", "--size", "6", "--seed", "2", "--output", toml.path, "--json",
        ])
        let ground = try #require(made["ground_energy"] as? Double)
        let tiles = try #require(made["frustrated_tiles"] as? Int)
        #expect(made["ground_energy_source"] as? String == "planted" && made["spins"] as? Int == 36)
        #expect(ground == Double(-72 + 2 * tiles))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
        for sampler in ["simulated-annealing", "path-integral"] {
            let slices = sampler == "path-integral" ? ["--trotter-slices", "8"] : []
            let o = try object(
                ["sample", toml.path, "--sampler", sampler, "--samples", "20", "--sweeps", "300", "--json"] + slices)
            #expect(o["ground_energy_source"] as? String == "file")
            #expect((o["minimum_energy"] as? Double ?? -.infinity) >= ground)
            #expect((o["ground_state_probability"] as? Double ?? 0) > 0, "\(sampler) finds the 36-spin planted ground")
        }
    }

    @Test("a bundled 1024-spin glass runs with best-found reference")
    func bundledLarge() throws {
        let o = try object([
            "sample", "problems/instances/glass2d-L32.toml", "--sampler", "simulated-annealing", "--samples", "4", "--sweeps",
            "100", "--json",
        ])
        #expect(o["ground_energy_source"] as? String == "best-found" && o["qubits"] as? Int == 1024)
    }

    @Test("simulated-annealing --schedule: β follows the schedule through the flip-diffusion map")
    func annealingSchedule() throws {
        let base = ["sample", "sk10", "--sampler", "simulated-annealing", "--samples", "200", "--sweeps", "30", "--json"]
        let own = try object(base)
        let linear = try object(base + ["--schedule", "linear"])
        let cosine = try object(base + ["--schedule", "cosine"])
        let settings = try #require(linear["settings"] as? [String: Any])
        #expect(settings["beta_schedule"] as? String == "path" && settings["schedule"] as? String == "linear")
        // ε = √(mean(Σⱼ Jᵢⱼ²)) of sk10 (no fields); the last of 30 sweeps at s = 1 − 1/60.
        let eps = try #require(settings["field_scale"] as? Double)
        #expect(abs(eps - 0.930523) < 1e-6)
        #expect(abs((settings["beta_end"] as? Double ?? 0) - asinh(eps * 59) / eps) < 1e-9)
        #expect((own["settings"] as? [String: Any])?["beta_schedule"] as? String == "geometric")
        #expect(linear["mean_energy"] as? Double != cosine["mean_energy"] as? Double)
    }

    @Test("bad input gives one error line naming the flag")
    func errors() throws {
        let cases: [([String], String)] = [
            (["sample", "sk10", "--sampler", "path-integral", "--trotter-slices", "1"], "--trotter-slices"),
            (["sample", "sk10", "--sampler", "path-integral", "--beta", "0"], "--beta"),
            (["sample", "sk10", "--sampler", "path-integral", "--beta", "nan"], "--beta"),
            (["sample", "landau-zener", "--sampler", "path-integral"], "does not vanish"),
            (["sample", "grover8", "--sampler", "path-integral"], "search"),
            (["sample", "sk10", "--sampler", "simulated-annealing", "--trotter-slices", "4"], "--trotter-slices"),
            (["instance", "maxcut3", "--size", "7", "--output", "/tmp/x.json"], "even"),
            (["instance", "sk", "--planted", "--size", "8", "--output", "/tmp/x.json"], "glass2d"),
            (["instance", "glass2d", "--planted", "--size", "5", "--output", "/tmp/x.json"], "even"),
            (["instance", "glass2d", "--size", "6", "--frustrated-fraction", "0.3", "--output", "/tmp/x.json"], "--planted"),
            (["instance", "glass2d", "--size", "6", "--output", "/tmp/x.txt"], ".toml"),
            (["sample", "sk10", "--sampler", "simulated-annealing", "--trotter-boundary", "open"], "--trotter-boundary"),
            (
                ["sample", "sk10", "--sampler", "simulated-annealing", "--schedule", "cosine", "--beta-schedule", "linear"],
                "both set β"
            ),
            (
                ["sample", "problems/instances/glass2d-L32.toml", "--sampler", "path-integral", "--schedule", "roland-cerf"],
                "1024 spins"
            ),
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
