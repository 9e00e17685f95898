import ArgumentParser
import Bridge
import Testing

@testable import AdiabatCLI

/// In-process parse tests of every subcommand (as swift-argument-parser tests its own
/// commands): the flags land in the right fields and requests, lists and negative numbers are
/// parsed by the parser, and cross-flag checks refuse what they should. Bundled problems are
/// loaded only where the library does the check.
@Suite("parsing every subcommand in process")
struct ParseTests {
    @Test("the root lists every subcommand, each with examples in its help")
    func root() throws {
        let names = Adiabat.configuration.subcommands.map { $0._commandName }
        #expect(
            names == [
                "problems", "spectrum", "translate", "evolve", "sample", "schedule", "compare", "sweep", "merge", "reproduce",
                "instance",
            ])
    }

    @Test("sweep and merge: shards, Slurm options, and the checks between them")
    func sweep() throws {
        let c = try SweepCommand.parse(["c.toml", "--report", "r", "--shard", "2/4", "--json"])
        #expect(c.spec == "c.toml" && c.folder.report == "r" && c.shard == "2/4" && c.common.json && c.slurm == nil)
        let s = try SweepCommand.parse([
            "c.toml", "--slurm", "8", "--submit", "--partition", "short", "--time-limit", "1:00:00", "--mem", "4G",
            "--cpus-per-task", "4", "--account", "qa",
        ])
        #expect(s.slurm == 8 && s.submit && s.partition == "short" && s.timeLimit == "1:00:00" && s.mem == "4G")
        #expect(s.cpusPerTask == 4 && s.account == "qa")
        #expect(throws: (any Error).self) { try SweepCommand.parse(["c.toml", "--submit"]) }
        #expect(throws: (any Error).self) { try SweepCommand.parse(["c.toml", "--partition", "short"]) }
        // `--time` is the diffusion time elsewhere; on sweep it is the old spelling of --time-limit
        #expect(try SweepCommand.parse(["c.toml", "--slurm", "2", "--time", "0:10:00"]).deprecatedTime == "0:10:00")
        #expect(throws: (any Error).self) {
            try SweepCommand.parse(["c.toml", "--slurm", "2", "--time", "1", "--time-limit", "2"])
        }
        #expect(throws: (any Error).self) { try SweepCommand.parse(["c.toml", "--time-limit", "1:00:00"]) }
        #expect(ParameterFlags.flag(for: "sweep.time_limit") == "--time-limit")
        #expect(throws: (any Error).self) { try SweepCommand.parse(["c.toml", "--slurm", "4", "--shard", "1/4"]) }
        #expect(try SweepCommand.parse(["r", "--status"]).status)
        #expect(try MergeCommand.parse(["r", "--status"]).status)
        #expect(ParameterFlags.flag(for: "sweep.shard") == "--shard")
        #expect(ParameterFlags.flag(for: "sweep.cpus_per_task") == "--cpus-per-task")
    }

    @Test("evolve: flags become the request; negative numbers reach validation")
    func evolve() throws {
        let c = try EvolveCommand.parse([
            "sk10", "--total-time", "4", "--method", "rk8pd", "--rtol", "1e-9", "--steps", "50", "--trajectory", "3",
            "--instantaneous", "--schedule", "cosine", "--json", "--seed", "7",
        ])
        let r = try c.request()
        #expect(c.problem == "sk10" && c.common.json && c.common.seed == 7)
        #expect(r.totalTime == 4 && r.method == .gsl(.rk8pd) && r.rtol == 1e-9 && r.steps == 50)
        #expect(r.trajectory == 3 && r.instantaneous && r.schedule.description == "cosine")
        // every registered method is a --method choice, listed in the help with its line
        let help = EvolveCommand.helpMessage()
        for method in EvolutionMethodRegistry.all {
            #expect(try EvolveCommand.parse(["sk10", "--method", method.name]).request().method == method)
            #expect(EvolutionMethodRegistry.help.contains(method.name) && help.contains(method.name))
        }
        #expect(EvolutionMethodRegistry.help.contains("Blanes–Moan 6-stage splitting, order 4"))
        #expect(throws: (any Error).self) { try EvolveCommand.parse(["sk10", "--method", "rk9"]) }
        // no method given: the problem chooses (split4, or rk8pd with a catalyst)
        #expect(try EvolveCommand.parse(["sk10"]).request().method == nil)
        // a negative value is parsed (not "Missing value"); the library refuses it with the real
        // reason, naming the parameter, before anything is computed
        let negative = try EvolveCommand.parse(["sk10", "--total-time", "-5"]).request()
        #expect(negative.totalTime == -5)
        let problem = try Problem.load("landau-zener", seed: 1)
        #expect(throws: InputError.self) { _ = try problem.evolve(negative) }
        do {
            _ = try problem.evolve(negative)
        } catch let error as InputError {
            #expect(error.location == "evolve.total_time" && error.message.contains("positive"), "\(error)")
        }
        do {
            _ = try problem.evolve(try EvolveCommand.parse(["sk10", "--total-time", "1", "--instantaneous"]).request())
        } catch let error as InputError {
            #expect(error.location == "evolve.instantaneous", "\(error)")
        }
        #expect(throws: (any Error).self) { try EvolveCommand.parse(["sk10", "--method", "nope"]) }
    }

    @Test("spectrum: --s, --time, --profile and the law options")
    func spectrum() throws {
        let a = try SpectrumCommand.parse(["sk10", "--s", "0.3", "--levels", "6", "--profile", "9"]).request()
        #expect(a.s == 0.3 && a.levels == 6 && a.profile == 9 && a.time == nil && !a.law.isSet)
        let b = try SpectrumCommand.parse(["maxcut6", "--beta", "1.5", "--diffusion-time", "0.2", "--gamma", "2"]).request()
        #expect(b.law.beta == 1.5 && b.law.diffusionTime == 0.2 && b.law.gamma == 2 && b.law.isSet)
        // ranges and exclusions are the library's (SpectrumRequest.validate), named by parameter
        for (flags, parameter) in [
            (["--s", "0.3", "--time", "1"], "spectrum.time"), (["--levels", "0"], "spectrum.levels"),
            (["--profile", "1"], "spectrum.profile"), (["--profile", "5", "--levels", "1"], "spectrum.levels"),
            (["--beta", "1", "--s", "0.3"], "spectrum.law"),
        ] {
            let request = try SpectrumCommand.parse(["sk10"] + flags).request()
            do {
                try request.validate()
                Issue.record("\(flags) passed validation")
            } catch let error as InputError {
                #expect(error.location == parameter, "\(flags): \(error)")
            }
        }
        #expect(throws: (any Error).self) { try SpectrumCommand.parse(["sk10", "--law", "boltzmann"]) }
    }

    @Test("sample: one meaning per length flag, the registry's names, the request")
    func sample() throws {
        let c = try SampleCommand.parse([
            "double-well", "--sampler", "annealed-langevin", "--steps", "20", "--samples", "100", "--langevin-steps", "5",
            "--step-size", "0.1", "--t-max", "2",
        ])
        let r = try c.request()
        #expect(r.sampler == "annealed-langevin" && r.steps == 20 && r.samples == 100 && r.cells == nil)
        #expect(r.langevinSteps == 5 && r.stepSize == 0.1 && r.tMax == 2)
        #expect(try r.validated().name == "annealed-langevin")
        // spin chains count rate-grid cells with --cells; --steps is refused for them
        let chain = try SampleCommand.parse(["sk10", "--sampler", "flip-chain", "--cells", "40"]).request()
        #expect(chain.cells == 40 && chain.steps == nil)
        #expect(throws: InputError.self) {
            try SampleCommand.parse(["sk10", "--sampler", "flip-chain", "--steps", "40"]).request().validated()
        }
        // an option of another sampler is refused, naming the parameter
        do {
            _ = try SampleCommand.parse(["sk10", "--sampler", "simulated-annealing", "--cells", "4"]).request().validated()
            Issue.record("--cells was accepted by simulated-annealing")
        } catch let error as InputError {
            #expect(error.location == "sample.cells")
        }
        // --beta-range is a list parsed by the parser
        let sa = try SampleCommand.parse(["sk10", "--sampler", "simulated-annealing", "--beta-range", "0.1,3"]).request()
        #expect(sa.betaRange?.hot == 0.1 && sa.betaRange?.cold == 3)
        #expect(throws: (any Error).self) {
            try SampleCommand.parse(["sk10", "--sampler", "simulated-annealing", "--beta-range", "0.1,x"])
        }
        // every registered sampler is a valid --sampler and nothing else is
        for name in SamplerRegistry.names { #expect(SamplerChoice(argument: name) != nil) }
        #expect(SamplerChoice(argument: "nope") == nil)
        #expect(Set(SamplerChoice.allValueStrings) == Set(SamplerRegistry.names))
    }

    @Test("translate: --to, --s, --round-trip and --output")
    func translate() throws {
        let c = try TranslateCommand.parse(["double-well", "--to", "hamiltonian", "--time", "0.5", "--round-trip"])
        #expect(c.to == .hamiltonian && c.point.time == 0.5 && c.roundTrip)
        #expect(throws: (any Error).self) { try TranslateCommand.parse(["sk10", "--s", "1.5"]) }
        #expect(throws: (any Error).self) { try TranslateCommand.parse(["sk10", "--to", "hamiltonian", "--s", "0.5"]) }
    }

    @Test("compare: comma lists parsed once by the parser, negative values reach validation")
    func compare() throws {
        let c = try CompareCommand.parse([
            "sk10", "--times", "1,2,4", "--steps", "5,10", "--sweeps", "10,100", "--schedules", "linear,cosine",
        ])
        #expect(c.times?.values == [1, 2, 4] && c.steps?.values == [5, 10] && c.sweeps?.values == [10, 100])
        #expect(c.schedules?.values == ["linear", "cosine"])
        #expect(throws: (any Error).self) { try CompareCommand.parse(["sk10", "--times", "1,x"]) }
        #expect(throws: (any Error).self) { try CompareCommand.parse(["sk10", "--steps", "1.5"]) }
        // a negative time is a value (the library refuses it, naming compare.times)
        #expect(try CompareCommand.parse(["sk10", "--times", "-1,2"]).times?.values == [-1, 2])
    }

    @Test("schedule, problems and reproduce parse their flags")
    func others() throws {
        let s = try ScheduleCommand.parse(["cosine", "--steps", "10", "--t-max", "2"])
        #expect(s.steps == 10 && s.horizon.tMax == 2)
        // `--samples` is particles or reads elsewhere; on schedule it is the old spelling of --steps
        #expect(try ScheduleCommand.parse(["cosine", "--samples", "10"]).deprecatedSamples == 10)
        #expect(throws: (any Error).self) { try ScheduleCommand.parse(["cosine", "--samples", "10", "--steps", "10"]) }
        // negative values are parsed; the library refuses them, naming the parameter
        for (flags, parameter) in [
            (["--steps", "-2"], "schedule.steps"), (["--t-max", "-1"], "schedule.t_max"),
            (["--gap-samples", "2"], "schedule.gap_samples"), (["--flip-rate", "0"], "schedule.flip_rate"),
        ] {
            let c = try ScheduleCommand.parse(["cosine"] + flags)
            do {
                try ScheduleTable.validate(
                    steps: c.steps ?? 200, gapSamples: c.scheduleParameters.gapSamples ?? 41, tMax: c.horizon.tMax,
                    fieldScale: c.fieldScale, beta: c.flipDiffusion.beta, flipRate: c.flipDiffusion.flipRate)
                Issue.record("\(flags) passed validation")
            } catch let error as InputError {
                #expect(error.location == parameter, "\(flags): \(error)")
            }
        }
        #expect(try SampleCommand.parse(["double-well", "--sampler", "reverse-sde", "--t-max", "-1"]).horizon.tMax == -1)
        do {
            _ = try SpectrumCommand.parse(["maxcut6", "--diffusion-time", "-0.5"])
            Issue.record("a negative diffusion time was accepted")
        } catch {
            let text = SpectrumCommand.message(for: error)
            #expect(text.contains("≥ 0") && !text.contains("Missing value"), "\(text)")
        }
        _ = try ProblemsCommand.parse(["--json"])
        _ = try ReproduceCommand.parse(["hydrogen", "--quick"])
    }

    @Test("a flag several subcommands take has one help text in all of them (SharedOptions.swift)")
    func sharedFlags() throws {
        let shared: [(flag: String, commands: [ParsableCommand.Type])] = [
            ("--total-time", [EvolveCommand.self, SampleCommand.self, ScheduleCommand.self]),
            ("--t-max", [SampleCommand.self, ScheduleCommand.self]),
            ("--beta", [SampleCommand.self, ScheduleCommand.self, SpectrumCommand.self, TranslateCommand.self]),
            ("--flip-rate", [SampleCommand.self, ScheduleCommand.self, SpectrumCommand.self, TranslateCommand.self]),
            ("--time", [SpectrumCommand.self, TranslateCommand.self]),
            ("--s", [SpectrumCommand.self, TranslateCommand.self]),
            ("--gap-samples", [EvolveCommand.self, SampleCommand.self, ScheduleCommand.self, CompareCommand.self]),
            ("--report", [CompareCommand.self, SweepCommand.self]),
            ("--fresh", [CompareCommand.self, SweepCommand.self]),
        ]
        for (flag, commands) in shared {
            // the flag's line in each help, its padding folded (the columns follow the longest flag)
            let lines = commands.map { command in
                command.helpMessage(columns: 2000).split(separator: "\n").first { $0.hasPrefix("  \(flag) ") }
                    .map { $0.split(separator: " ").joined(separator: " ") }
            }
            #expect(!lines.contains(nil), "\(flag): \(lines)")
            #expect(Set(lines).count == 1, "\(flag): \(lines)")
        }
    }

    @Test("library errors name the parameter; the CLI spells the flag, also inside hints")
    func parameterFlags() throws {
        #expect(ParameterFlags.flag(for: "sample.langevin_steps") == "--langevin-steps")
        #expect(ParameterFlags.flag(for: "anneal.total_time") == "--total-time")
        #expect(ParameterFlags.flag(for: "theory.md") == nil)
        let error = InputError(
            "sample.cells", "does not apply", hint: "it takes: sample.samples, sample.sweeps; see docs/discrete.md")
        #expect(
            error.describe(naming: ParameterFlags.flag(for:))
                == "--cells (sample.cells): does not apply; it takes: --samples, --sweeps; see docs/discrete.md")
    }
}
