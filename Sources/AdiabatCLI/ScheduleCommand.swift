import ArgumentParser
import Bridge
import Foundation

/// `adiabat schedule NAME [PROBLEM]`: tabulates, exports and plots a schedule.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Tabulate a schedule u(τ/T) (and the path point it implies), export it as CSV and plot it.",
        discussion: """
            Every --schedule name of evolve, sample and compare works here. With a landscape \
            PROBLEM the table adds the diffusion time t = t_max(1 − u) and ᾱ = e^{−2t} (OU) or \
            σ = √(2t) (VE); with an annealing PROBLEM the anneal fraction s = u and A(s), B(s). \
            Diffusion schedules (ddpm-linear, ddpm-cosine, vp-sde, karras) keep their native \
            spacing in t and are truncated at t_max. flip:NAME carries a flip-diffusion schedule \
            to the annealing path A = 1 − s, B = s by the correspondence of docs/theory.md §4 (exact \
            for product laws; the output says when it is not); anneal:NAME goes back. Without a \
            PROBLEM, --t-max (default 3) and --process set the diffusion, --field-scale the spin field of \
            flip:/anneal:. See docs/schedules.md.
            """)

    @Argument(help: ScheduleOption.help)
    var name: ScheduleOption

    @Argument(help: "A problem file or bundled problem name (optional).")
    var problem: String?

    @OptionGroup var scheduleParameters: ScheduleParameterOptions

    @Option(
        name: .long, parsing: .unconditional,
        help: "Steps N: tabulate at N + 1 equally spaced run times (--export diffusers: N inference steps; default 200).")
    var steps: Int?

    /// The spelling `--steps` had before every option got one meaning (`--samples` is
    /// particles or reads elsewhere); still read, with a warning.
    @Option(name: .customLong("samples"), parsing: .unconditional, help: .hidden)
    var deprecatedSamples: Int?

    static let stepsSpelling = OldSpelling(command: "schedule", flag: "--steps", old: "--samples", same: "the same number N")

    @OptionGroup var horizon: DiffusionHorizonOption

    @Option(name: .long, help: "Forward process without a problem: ou or ve.")
    var process: ForwardProcess = .ou

    @Option(
        name: .long, parsing: .unconditional,
        help: "Without a problem: the spin field scale ε for flip:/anneal: (a product law with |h| = ε).")
    var fieldScale: Double?

    @OptionGroup var flipDiffusion: FlipDiffusionOptions

    @Option(name: .long, help: "Write the table as CSV to this file (with --export: the export, JSON).")
    var output: String?

    @Option(
        name: .long,
        help:
            "Write the schedule for another tool to --output FILE.json: diffusers (sigmas, timesteps for set_timesteps; --steps N) or dwave (anneal_schedule [t_µs, s] checked against D-Wave's rules). See docs/data-out.md."
    )
    var export: ScheduleExport.Target?

    @OptionGroup var anneal: TotalTimeOption

    @Option(name: .long, help: "Draw u(r) as an SVG plot into this file.")
    var plot: String?

    @Option(
        name: .long,
        help: """
            Annealing schedules (e.g. flip:NAME): write the path as a table s,A,B with s = τ/T, for a problem \
            file's [schedule] type = "table" (energy_unit = "native") run with the linear schedule.
            """)
    var pathOutput: String?

    @OptionGroup var problemOptions: ProblemOptions

    @OptionGroup var common: CommonOptions

    func validate() throws {
        try Self.stepsSpelling.checkExclusive(steps, deprecatedSamples)
        if problem != nil, fieldScale != nil {
            throw ValidationError("--field-scale applies without a PROBLEM; a spin problem sets its own field scale")
        }
        if let output, output.isEmpty { throw ValidationError("--output needs a file name") }
        if let plot, plot.isEmpty { throw ValidationError("--plot needs a file name") }
        if let pathOutput, pathOutput.isEmpty { throw ValidationError("--path-output needs a file name") }
    }

    func run() throws {
        let steps = Self.stepsSpelling.resolve(self.steps, deprecatedSamples) ?? 200
        try ScheduleTable.validate(
            steps: steps, gapSamples: gapSamples, tMax: horizon.tMax, fieldScale: fieldScale, beta: flipDiffusion.beta,
            flipRate: flipDiffusion.flipRate)
        let request = try name.request(order: scheduleParameters.order)
        let library = try makeLibrary()
        let schedule = try library.schedule(request)
        if let export {
            guard let output else {
                throw InputError("schedule.output", "is required with --export", hint: "give FILE.json")
            }
            try ScheduleExport.write(
                export, schedule: schedule, library: library, totalTime: anneal.totalTime, steps: steps, to: output)
            if common.json {
                try Output.json(["export": export.rawValue, "output": output, "schedule": schedule.name])
            } else {
                Output.line("wrote     \(output) (\(export.rawValue) export of \(schedule.name))")
            }
            return
        }
        if anneal.totalTime != nil { throw InputError("schedule.total_time", "applies to --export dwave") }
        Output.endProgress()
        let table = try ScheduleTable.make(schedule: schedule, request: request, library: library, steps: steps)
        // Every output is built and checked before any file is written: a failing command
        // leaves no file behind.
        var files: [(String, Data)] = []
        if let output { files.append((output, Data(table.csv.utf8))) }
        if let plot { files.append((plot, Data(table.plot().render().utf8))) }
        if let pathOutput { files.append((pathOutput, Data(try table.pathCSV().utf8))) }
        let json = common.json ? try Output.encodeJSON(ScheduleReport(problem: problem, table: table)) : nil
        try OutputFile.writeTogether(files.map { (URL(fileURLWithPath: $0.0), $0.1) })
        if let json {
            Output.emit(json)
            return
        }
        Output.line(
            "schedule  \(table.schedule)   (\(table.context)\(table.tMax.map { ", t_max = \(String(format: "%.6g", $0))" } ?? "")\(table.clock.map { ", clock \($0)" } ?? ""))"
        )
        if let v = table.noiseEnd {
            Output.line("truncated at the native parameter v* = \(String(format: "%.6f", v)) (t(v*) = t_max)")
        }
        if let note = table.note { Output.line("map       \(note)") }
        Output.line("")
        Output.line(table.columns.map { $0.padding(toLength: 12, withPad: " ", startingAt: 0) }.joined())
        let stride = max(1, steps / 10)
        for (i, row) in table.rows.enumerated() where i % stride == 0 || i == table.rows.count - 1 {
            Output.line(row.map { String(format: "%-12.6g", $0) }.joined())
        }
        if let output { Output.line("\ntable written to \(output) (\(table.rows.count) rows)") }
        if let plot { Output.line("plot written to \(plot)") }
        if let pathOutput { Output.line("path table (s = τ/T, A, B) written to \(pathOutput)") }
    }

    /// The gap profile's points (41 unless given).
    private var gapSamples: Int { scheduleParameters.gapSamples ?? 41 }

    private func makeLibrary() throws -> ScheduleLibrary {
        guard let problem else {
            return try ScheduleLibrary.free(
                process: process, tMax: horizon.tMax, fieldScale: fieldScale, beta: flipDiffusion.beta,
                flipRate: flipDiffusion.flipRate, gapSamples: gapSamples)
        }
        return try Problem.load(problem, seed: common.seed, vartype: problemOptions.vartype).scheduleLibrary(
            gapSamples: gapSamples, flipRate: flipDiffusion.flipRate, tMax: horizon.tMax, beta: flipDiffusion.beta,
            maxWork: common.maxWork,
            progress: { done, total in Output.progress("gap profile: \(done)/\(total) points") },
            announce: { seconds, summary in Output.announce(seconds: seconds, summary: summary) })
    }
}

/// The JSON object of `adiabat schedule`.
struct ScheduleReport: Encodable {
    var problem: String?
    var table: ScheduleTable

    enum CodingKeys: String, CodingKey { case problem }

    func encode(to encoder: Encoder) throws {
        try table.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(problem, forKey: .problem)
    }
}

extension ScheduleCommand: Exemplified {
    static let examples = [
        "adiabat schedule karras --steps 10",
        "adiabat schedule gap-adaptive double-well --plot gap.svg",
        "adiabat schedule flip:ddpm-cosine sk10 --path-output path.csv",
    ]
}
