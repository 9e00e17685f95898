import ArgumentParser

/// A comma-separated list option (`--times 1,2,4`), parsed by the argument parser itself: a
/// value that is not a list of `Element`s is refused at parse time with the option's name.
struct CommaList<Element: LosslessStringConvertible & Sendable>: ExpressibleByArgument, Sendable {
    var values: [Element]

    init?(argument: String) {
        let parts = argument.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let values = parts.compactMap { Element($0) }
        guard !parts.isEmpty, values.count == parts.count else { return nil }
        self.values = values
    }

    var defaultValueDescription: String { values.map(\.description).joined(separator: ",") }
}
