import ArgumentParser
import Bridge

/// A `--schedule` value: any name of the schedule library, shared by `evolve`, `sample`,
/// `schedule` and `compare` (docs/schedules.md). Parsed once here so a typo fails with the
/// list of names; `--order` fills in `boundary-cancelling` without `-K`.
struct ScheduleOption: ExpressibleByArgument, Sendable, CustomStringConvertible {
    var text: String

    init(_ text: String) { self.text = text }

    init?(argument: String) {
        guard (try? ScheduleRequest.parse(argument)) != nil else { return nil }
        text = argument
    }

    static var allValueStrings: [String] { ScheduleRequest.spellings }
    var defaultValueDescription: String { text }
    var description: String { text }

    /// The request, with `order` for a bare `boundary-cancelling`.
    func request(order: Int) throws -> ScheduleRequest { try ScheduleRequest.parse(text, order: order) }

    /// Help text listing every name.
    static let help = ArgumentHelp(
        "Schedule u(τ/T): \(ScheduleName.allCases.map(\.rawValue).joined(separator: ", ")); boundary-cancelling-K; a FILE.csv of r,u rows; a diffusers scheduler_config.json; flip:NAME / anneal:NAME (across domains). See docs/schedules.md."
    )
}

/// The parameters of the named schedules that take one (`evolve`, `sample`, `schedule`): `--order`,
/// the order of a bare `boundary-cancelling`, and `--gap-samples`, the gap profile's points behind
/// the gap-driven schedules.
struct ScheduleParameterOptions: ParsableArguments {
    @Option(
        name: .long, parsing: .unconditional,
        help: "Order K of a bare boundary-cancelling schedule (its first K derivatives vanish at both ends).")
    var order: Int = 2

    @OptionGroup var gap: GapSamplesOption

    /// `--gap-samples` (nil: the library's 41).
    var gapSamples: Int? { gap.gapSamples }

    func validate() throws {
        guard (0...12).contains(order) else { throw ValidationError("--order must be between 0 and 12 (got \(order))") }
    }
}
