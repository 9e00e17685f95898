import ArgumentParser
import Bridge

// Options that mean one thing in every subcommand that takes them ("every option has one
// meaning everywhere"): each is declared once here, with one help text, and a command takes it
// as an `@OptionGroup`. The flags, their defaults and their parsing are those the commands
// declared one by one before; the library checks the ranges and names the parameter.

/// Flags every subcommand shares.
struct CommonOptions: ParsableArguments {
    @Flag(name: .long, help: "Print exactly one JSON object on stdout instead of tables.")
    var json = false

    @Option(name: .long, parsing: .unconditional, help: "Seed for every random number (reproducible results).")
    var seed: UInt64 = 20_260_605

    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Work budget in work units (default 1e13, about seven hours on one core): a run estimated beyond it is refused before it starts. See docs/conventions.md#limits."
    )
    var maxWork: Double?
}

/// `--vartype`, for the subcommands that read a PROBLEM.
struct ProblemOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "SPIN or BINARY: the vartype of a dimod .coo PROBLEM without a '# vartype=' header (dimod's default coo.dump).")
    var vartype: Vartype?
}

/// `--total-time`: the total run time T of the anneal (`evolve`; `sample`'s flip chain;
/// `schedule --export dwave`, which reads it in µs).
struct TotalTimeOption: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Total run time T of the anneal (default: the problem's total_time, or its points schedule; a D-Wave export reads it in µs)."
    )
    var totalTime: Double?
}

/// `--t-max`: the diffusion horizon, the noise end of the path (`sample`, `schedule`).
struct DiffusionHorizonOption: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Diffusion horizon t_max, the noise end (default: the problem's t_max; on spins the flip diffusion's, (n/2)e^{−2γ t_max} = 1e-4)."
    )
    var tMax: Double?
}

/// The flip diffusion on spins: its target law (`--beta`) and its rate (`--flip-rate`), in
/// `sample` (reverse-flip; path-integral's β), `schedule` (flip:/anneal:) and the spin-law
/// options of `spectrum` and `translate` (SpinLawOptions).
struct FlipDiffusionOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Inverse temperature β of the target Boltzmann law p ∝ e^{−βH_P} on the spins (a target law without β: uniform on the ground states; path-integral: M/(B(1)·J_rms) unless given)."
    )
    var beta: Double?

    @Option(
        name: .customLong("flip-rate"), parsing: .unconditional,
        help: "Flip rate γ of the discrete diffusion (independent spin flips).")
    var flipRate: Double = 1
}

/// Where on the path a problem is looked at: `--time` on landscapes, `--s` on annealing
/// problems (`spectrum`, `translate`).
struct PathPointOptions: ParsableArguments {
    @Option(name: .long, parsing: .unconditional, help: "Diffusion time t (landscape problems; default 0, the data end).")
    var time: Double?

    @Option(
        name: .customLong("s"), parsing: .unconditional,
        help: "Anneal fraction s in [0, 1] (annealing problems; spectrum's default 0.5, the middle of the path).")
    var annealFraction: Double?
}

/// `--gap-samples`: the points of the gap profile behind the gap-driven schedules
/// (`evolve`, `sample`, `schedule` through ScheduleParameterOptions; `compare`).
struct GapSamplesOption: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help:
            "Points of the gap profile behind the roland-cerf and gap-adaptive schedules (and compare's gap plot), 3…2001 (default 41)."
    )
    var gapSamples: Int?
}

/// The folder of a run made of cells (`compare`, `sweep`): `--report DIR` and `--fresh`.
struct ReportFolderOptions: ParsableArguments {
    @Option(name: .long, help: "Report folder (default: report/ and the PROBLEM's or the SPEC's name).")
    var report: String?

    @Flag(name: .long, help: "Recompute this run's cells (discard its cell file in the report folder).")
    var fresh = false

    func validate() throws {
        if let report, report.isEmpty { throw ValidationError("--report needs a directory") }
    }

    /// The folder: `--report`, or `report/NAME`.
    func folder(default name: String) -> String { report ?? "report/\(name)" }
}

/// A flag still read under the spelling it had before every option got one meaning
/// (`schedule --samples` is `--steps`, `sweep --time` is `--time-limit`): the old spelling is a
/// hidden option; both at once are refused, and the old one alone works with one warning.
struct OldSpelling {
    var command: String
    var flag: String
    var old: String
    /// What stays the same under the new name (`the same number N`).
    var same: String

    /// For `validate()`: refuses the two spellings together.
    func checkExclusive<T>(_ value: T?, _ oldValue: T?) throws {
        if value != nil, oldValue != nil {
            throw ValidationError("give \(flag) only (\(old) is its deprecated spelling on \(command))")
        }
    }

    /// For `run()`: the value given by either spelling, warning once for the old one.
    func resolve<T>(_ value: T?, _ oldValue: T?) -> T? {
        if oldValue != nil { Output.warning("\(command) \(old) is deprecated; use \(flag) (\(same))") }
        return value ?? oldValue
    }
}
