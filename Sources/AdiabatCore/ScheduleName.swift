import Foundation

/// The name of a schedule of the library: the one name set every `--schedule` option and a
/// problem file's `[schedule] type` know (docs/schedules.md). The names are those of
/// ``ScheduleRegistry/all``, each a type that declares its settings, help and construction;
/// Bridge's `ScheduleLibrary` builds them for a problem.
///
/// A schedule is always a map `r = τ/T ↦ u ∈ [0, 1]`; on a landscape (and a flip diffusion)
/// `t = t_max(1 − u)`, on an annealing path `s = u`.
public struct ScheduleName: RawRepresentable, Hashable, CaseIterable, Sendable, Codable, CustomStringConvertible {
    /// The registered name.
    public let rawValue: String

    /// The schedule called `rawValue`, or nil if none is registered under it.
    public init?(rawValue: String) {
        guard ScheduleRegistry.named(rawValue) != nil else { return nil }
        self.rawValue = rawValue
    }

    /// The name of a registered schedule type.
    public init(_ family: any NamedSchedule.Type) { rawValue = family.name }

    /// Every registered name, in the registry's order.
    public static var allCases: [ScheduleName] { ScheduleRegistry.all.map { ScheduleName($0) } }

    /// The registered type behind the name.
    public var family: any NamedSchedule.Type { ScheduleRegistry.named(rawValue) ?? LinearSchedule.self }

    public var description: String { rawValue }

    /// One line for `--help` and docs.
    public var summary: String { family.summary }

    /// The practitioner's noise schedule behind a diffusion name.
    public var noiseSchedule: NoiseSchedule? { family.noiseSchedule }

    /// Whether the schedule is built from a measured gap profile.
    public var needsGapProfile: Bool { family.parameters.contains(.gapSamples) }

    // The names the library's own code refers to.
    public static let problem = ScheduleName(ProblemSchedule.self)
    public static let linear = ScheduleName(LinearSchedule.self)
    public static let cosine = ScheduleName(CosineSchedule.self)
    public static let boundaryCancelling = ScheduleName(BoundaryCancellingSchedule.self)
    public static let rolandCerf = ScheduleName(RolandCerfSchedule.self)
    public static let gapAdaptive = ScheduleName(GapAdaptiveSchedule.self)
    public static let karras = ScheduleName(KarrasSchedule.self)
}
