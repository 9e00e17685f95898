import Foundation
import Testing

@Suite("adiabat sample")
struct SampleCommandTests {
    /// The double well's prior mismatch at the problem's t_max = 3 is second order (the
    /// mixture is symmetric), so 100 cosine Heun steps sit at the noise floor for 2·10⁴
    /// samples: TV ≤ floor + 4 sd (false alarm ≈ 3e-5).
    @Test("reverse SDE on the double well: JSON with tv, fidelity, tv_stderr at the noise floor")
    func reverseSDE() throws {
        let run = try adiabat([
            "sample", "double-well", "--sampler", "reverse-sde", "--steps", "100", "--samples", "20000", "--schedule", "cosine",
            "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try jsonObject(run)
        let tv = try #require(json["tv"] as? Double)
        let stderr = try #require(json["tv_stderr"] as? Double)
        let floor = try #require(json["tv_noise_floor"] as? Double)
        let sd = try #require(json["tv_noise_floor_sd"] as? Double)
        #expect(tv <= floor + 4 * sd, "TV \(tv), floor \(floor) ± \(sd)")
        #expect(stderr > 0 && stderr < 0.01)
        #expect((json["fidelity"] as? Double ?? 0) > 0.99)
        #expect(json["wasserstein1"] is Double)
        #expect(json["samples"] as? Int == 20000 && json["method"] as? String == "reverse-sde/heun")
    }

    /// The Fokker–Planck law has no sampling error; with the score error ε = 0.3 it moves
    /// away from p₀ (the perturbed law's TV grows with ε).
    @Test("fokker-planck: exact figures (tv_stderr = 0); a score error raises TV")
    func fokkerPlanck() throws {
        func tv(_ extra: [String]) throws -> (Double, [String: Any]) {
            let run = try adiabat(["sample", "double-well", "--sampler", "fokker-planck", "--steps", "200", "--json"] + extra)
            #expect(run.status == 0, "\(run.stderr)")
            let json = try jsonObject(run)
            return (try #require(json["tv"] as? Double), json)
        }
        let (exact, json) = try tv(["--integrator", "tr-bdf2", "--schedule", "cosine"])
        #expect(json["tv_stderr"] as? Double == 0)
        #expect(exact < 0.01)
        let (perturbed, _) = try tv(["--integrator", "tr-bdf2", "--schedule", "cosine", "--score-error", "0.3"])
        #expect(perturbed > exact + 0.02)
    }

    @Test("the same seed writes the same samples; the CSV is complete")
    func reproducibleOutput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var files: [String] = []
        for name in ["a.csv", "b.csv"] {
            let path = directory.appendingPathComponent(name).path
            let run = try adiabat([
                "sample", "two-moons", "--sampler", "annealed-langevin", "--steps", "10", "--samples", "3000", "--seed", "17",
                "--output", path,
            ])
            #expect(run.status == 0, "\(run.stderr)")
            files.append(try String(contentsOfFile: path, encoding: .utf8))
        }
        #expect(files[0] == files[1])
        let lines = files[0].split(separator: "\n")
        #expect(lines.count == 3001 && lines[0] == "x,y")
    }

    @Test(
        "bad input gives one error line",
        arguments: [
            ["sample", "double-well", "--sampler", "reverse-sde", "--steps", "10"],
            ["sample", "double-well", "--sampler", "reverse-sde", "--steps", "0", "--samples", "10"],
            [
                "sample", "double-well", "--sampler", "probability-flow", "--steps", "10", "--samples", "10", "--integrator",
                "heun2",
            ],
            [
                "sample", "double-well", "--sampler", "probability-flow", "--steps", "10", "--samples", "10", "--integrator",
                "exponential",
            ],
            ["sample", "double-well", "--sampler", "reverse-sde", "--steps", "10", "--samples", "10", "--step-size", "0.1"],
            ["sample", "double-well", "--sampler", "annealed-langevin", "--steps", "10", "--samples", "10", "--step-size", "5"],
            ["sample", "double-well", "--sampler", "reverse-sde", "--steps", "2", "--samples", "10"],
            ["sample", "double-well", "--sampler", "reverse-sde", "--steps", "20", "--samples", "10", "--score-error", "-1"],
            ["sample", "hydrogen-1s", "--sampler", "reverse-sde", "--steps", "20", "--samples", "10"],
            ["sample", "no-such-problem", "--sampler", "reverse-sde", "--steps", "20", "--samples", "10"],
            [
                "sample", "double-well", "--sampler", "reverse-sde", "--steps", "20", "--samples", "10", "--output",
                "/no/such/dir/x.csv",
            ],
        ])
    func errors(arguments: [String]) throws {
        let run = try adiabat(arguments)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("error: ") == true, "\(arguments): \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }

    @Test("an annealing problem gets a clear error for now")
    func annealingProblem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pair.coo")
        try "# vartype=SPIN\n0 1 -1.0\n".write(to: file, atomically: true, encoding: .utf8)
        let run = try adiabat(["sample", file.path, "--sampler", "reverse-sde", "--steps", "20", "--samples", "10"])
        #expect(run.status != 0)
        #expect(run.stderr.hasPrefix("error: ") && run.stderr.contains("annealing problem"), "\(run.stderr)")
    }
}
