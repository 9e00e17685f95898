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
        "Schedule u(τ/T): \(ScheduleName.allCases.map(\.rawValue).joined(separator: ", ")); boundary-cancelling-K; a FILE.csv of r,u rows; flip:NAME / anneal:NAME (across domains). See docs/schedules.md."
    )
}
