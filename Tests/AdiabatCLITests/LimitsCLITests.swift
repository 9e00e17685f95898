import Foundation
import Testing

/// Issue 20: crashes, allocation failures, hangs and silent non-finite results, by class
/// (docs/conventions.md#limits). Every case must be refused quickly with one `error:` line (or,
/// for a degenerate result, answered with a sentence), never trap, hang or print inf/NaN.
@Suite("limits: checked conversions, memory and work budgets, non-finite results")
struct LimitsCLITests {
    /// A scratch directory with `files` written into it.
    func scratch(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// Runs `arguments`, checks it fails with exactly one `error:` line within `seconds`, and
    /// returns that line.
    func refused(_ arguments: [String], in directory: URL? = nil, within seconds: Double = 5) throws -> String {
        let start = Date()
        let run = try adiabat(arguments, in: directory ?? packageRoot)
        #expect(Date().timeIntervalSince(start) < seconds, "\(arguments) took too long")
        #expect(run.status != 0, "\(arguments) succeeded: \(run.stdout)")
        let lines = run.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count == 1, "\(arguments): \(run.stderr)")
        #expect(lines.first?.hasPrefix("error: ") == true, "\(arguments): \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Swift runtime failure"))
        return String(lines.first ?? "")
    }

    @Test("an index of 1e19 in an annealing TOML is a range error, not a trap")
    func hugeIndex() throws {
        let dir = try scratch([
            "j19.toml": """
            name = "j19"
            kind = "annealing"
            [problem]
            h = [0.0, 0.0]
            J = [[0, 1e19, 1.0]]
            """
        ])
        let line = try refused(["spectrum", dir.appendingPathComponent("j19.toml").path])
        #expect(line.contains("j19.toml:5"))
        #expect(line.contains("whole number") && line.contains("1e+19"))
    }

    @Test("huge but finite run lengths are refused before they start, with the estimate and --max-work")
    func workBudget() throws {
        for arguments in [
            ["evolve", "sk10", "--total-time", "1e12"],
            ["sample", "sk10", "--sampler", "flip-chain", "--total-time", "2147483648"],
            [
                "compare", "sk10", "--times", "1e12", "--report",
                FileManager.default.temporaryDirectory.path + "/adiabat-limits-compare",
            ],
            ["sample", "sk10", "--sampler", "simulated-annealing", "--samples", "100000", "--sweeps", "100000000"],
        ] {
            let line = try refused(arguments)
            #expect(line.contains("work units") && line.contains("--max-work"), "\(arguments): \(line)")
        }
        let line = try refused(["evolve", "sk10", "--total-time", "1e12"])
        #expect(line.contains("--total-time (evolve.total_time)") && line.contains("spectral radius"))
        // A fixed step count beyond the integrators' cap is a range error.
        let steps = try refused(["evolve", "sk10", "--steps", "1000000000"])
        #expect(steps.contains("--steps") && steps.contains("10000000"))
        // The budget is an option: a smaller one refuses the bundled default run.
        let small = try refused(["evolve", "sk10", "--max-work", "1000"])
        #expect(small.contains("beyond the budget of 1e+03"))
        let bad = try refused(["evolve", "sk10", "--max-work", "-1"])
        #expect(bad.contains("--max-work"))
    }

    @Test("gap profiles, spectra and translations beyond the budget are refused up front, naming --max-work")
    func spectrumBudget() throws {
        for (arguments, option) in [
            (["schedule", "roland-cerf", "coupled-oscillator", "--max-work", "1e6"], "--gap-samples"),
            (["spectrum", "coupled-oscillator", "--profile", "5", "--max-work", "1e6"], "--profile"),
            (["spectrum", "sk10", "--profile", "11", "--max-work", "1000"], "--profile"),
            (["translate", "coupled-oscillator", "--to", "score", "--max-work", "1e6"], "--time"),
        ] {
            let line = try refused(arguments)
            #expect(line.hasPrefix("error: \(option)"), "\(arguments): \(line)")
            #expect(line.contains("work units") && line.contains("raise the budget with --max-work"), "\(arguments): \(line)")
        }
    }

    /// `evolve` and `sample` build roland-cerf and gap-adaptive from a gap profile too: the
    /// budget refusal names their own `--gap-samples`, which takes 3…2001 and lowers the cost.
    @Test("evolve and sample take --gap-samples for gap-built schedules, and their budget refusal names it")
    func gapSamplesOnEvolveAndSample() throws {
        let evolve = ["evolve", "coupled-oscillator", "--schedule", "roland-cerf", "--total-time", "1", "--max-work", "1e6"]
        let sample = [
            "sample", "coupled-oscillator", "--sampler", "reverse-sde", "--steps", "20", "--samples", "100", "--schedule",
            "gap-adaptive", "--max-work", "1e6",
        ]
        for arguments in [evolve, sample] {
            let line = try refused(arguments)
            #expect(line.hasPrefix("error: --gap-samples"), "\(arguments): \(line)")
            let estimate = { (text: String) -> Double? in
                guard let r = text.range(of: "estimated at ") else { return nil }
                return Double(text[r.upperBound...].prefix { !$0.isWhitespace })
            }
            let fewer = try refused(arguments + ["--gap-samples", "5"])
            // 5 points instead of 41: the estimate falls (by about 8×, less the fixed costs)
            if let many = estimate(line), let few = estimate(fewer) {
                #expect(few < many / 4, "\(few) vs \(many)")
            } else {
                Issue.record("no estimate in '\(line)' or '\(fewer)'")
            }
            #expect(try refused(arguments + ["--gap-samples", "2"]).contains("3…2001"))
        }
        // Simulated annealing takes a schedule (its β(s)), so its gap-built schedules take --gap-samples too.
        #expect(
            try refused([
                "sample", "sk10", "--sampler", "simulated-annealing", "--schedule", "roland-cerf", "--gap-samples", "2",
            ]).contains("3…2001"))
    }

    @Test("sizes beyond their stated limits are refused up front")
    func sizeLimits() throws {
        let sweeps = try refused(["sample", "sk10", "--sampler", "simulated-annealing", "--sweeps", "1000000000000"])
        #expect(sweeps.contains("--sweeps") && sweeps.contains("100000000"))
        let samples = try refused(["sample", "sk10", "--sampler", "flip-chain", "--samples", "1000000000"])
        #expect(samples.contains("--samples"))
        // 1e8 samples fit the stated limit; the memory estimate or the work budget decides, before allocating.
        let big = try refused(
            ["sample", "sk10", "--sampler", "flip-chain", "--samples", "100000000", "--max-work", "1e9"])
        #expect(big.contains("work units") || big.contains("of memory"))
    }

    @Test("a problem without couplings gets a sentence, not 'adiabatic gap inf' (text and JSON)")
    func zeroCouplings() throws {
        let dir = try scratch(["zero.coo": "# vartype=SPIN\n0 1 0.0\n1 2 0.0\n0 2 0.0\n"])
        let path = dir.appendingPathComponent("zero.coo").path
        let text = try adiabat(["spectrum", path])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(!text.stdout.contains("inf") && !text.stdout.lowercased().contains("nan"))
        #expect(text.stdout.contains("every one of the 2^3 states is a ground state"))
        let json = try adiabat(["spectrum", path, "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["note"] as? String)?.contains("no adiabatic gap") == true)
        #expect(object?["adiabatic_gap"] == nil)
    }

    @Test("a flip schedule beyond its horizon is refused, not a table of -nan")
    func nanSchedule() throws {
        let line = try refused(["schedule", "flip:ddpm-cosine", "--field-scale", "1", "--t-max", "1e12"])
        #expect(line.contains("horizon"))
        let reverse = try refused(["sample", "sk10", "--sampler", "reverse-flip", "--t-max", "1e12"])
        #expect(reverse.contains("horizon"))
    }

    @Test("one grid validation: spectrum, evolve and sample refuse the same special grids alike")
    func oneGridValidation() throws {
        func file(_ lower: String, _ upper: String, _ tMax: String) -> String {
            """
            name = "g"
            kind = "landscape"
            [landscape]
            type = "gaussian"
            mean = [0.0]
            stddev = 1.0
            [grid]
            lower = [\(lower)]
            upper = [\(upper)]
            points = [101]
            [diffusion]
            t_max = \(tMax)
            """
        }
        let dir = try scratch([
            "nomass.toml": file("1000.0", "1010.0", "3.0"), "narrow.toml": file("0.0", "1e-13", "3.0"),
            "longt.toml": file("-7.0", "7.0", "1e300"),
        ])
        for (name, phrase) in [("nomass", "does not hold the density"), ("narrow", "spacing"), ("longt", "horizon")] {
            let path = dir.appendingPathComponent("\(name).toml").path
            var lines: [String] = []
            for arguments in [
                ["spectrum", path], ["evolve", path, "--total-time", "1"],
                ["sample", path, "--sampler", "reverse-sde", "--steps", "10", "--samples", "100"],
            ] {
                let line = try refused(arguments)
                #expect(line.contains(phrase), "\(arguments): \(line)")
                lines.append(line)
            }
            #expect(Set(lines).count == 1, "\(name): \(lines)")
        }
    }
}
