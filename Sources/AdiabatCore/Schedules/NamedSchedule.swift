import Foundation

/// A setting a named schedule reads besides its name (docs/schedules.md).
public enum ScheduleParameter: String, CaseIterable, Sendable {
    /// The order `k` of `boundary-cancelling` (`boundary-cancelling-K`, `--order`).
    case order
    /// The gap-profile points a gap-driven schedule measures (`gap_samples`).
    case gapSamples = "gap_samples"
    /// The diffusion horizon a practitioner's noise schedule is truncated at (`t_max`).
    case tMax = "t_max"
}

/// What a named schedule may ask of the problem it is built for. Bridge's `ScheduleLibrary`
/// answers for a landscape, an annealing problem, or no problem at all.
public protocol ScheduleContext {
    /// The problem file's own schedule (annealing: its `[schedule]`; landscapes: linear).
    func problemSchedule() throws -> Schedule
    /// `du/dτ ∝ g^power` from the problem's measured gap profile, called `name`.
    func gapAdaptive(power: Double, name: String) throws -> Schedule
    /// `noise` converted to the context's diffusion clock and truncated at its horizon.
    func diffusion(_ noise: NoiseSchedule) throws -> Schedule
}

/// One schedule of the library: its name, the settings it reads, one line of help, and how
/// it is built. Every one is registered once in ``ScheduleRegistry/all``; ``ScheduleName``,
/// `--schedule`, a problem file's `[schedule] type` and the help texts all read the registry
/// (docs/architecture.md shows how to add one).
public protocol NamedSchedule: Sendable {
    /// The name users type (`--schedule NAME`, `[schedule] type = "NAME"`).
    static var name: String { get }
    /// One line for `--help` and docs.
    static var summary: String { get }
    /// The settings it reads (empty: none).
    static var parameters: Set<ScheduleParameter> { get }
    /// The practitioner's noise schedule behind a diffusion name (nil: none).
    static var noiseSchedule: NoiseSchedule? { get }
    /// The schedule for a problem (`order`: the boundary-cancelling order asked for).
    static func build(order: Int, in context: any ScheduleContext) throws -> Schedule
}

extension NamedSchedule {
    public static var parameters: Set<ScheduleParameter> { [] }
    public static var noiseSchedule: NoiseSchedule? { nil }
}

/// A practitioner's noise schedule, converted to the problem's diffusion clock and truncated
/// at its horizon `t_max`: a file declares only its name, help and ``noise``.
public protocol DiffusionNamedSchedule: NamedSchedule {
    static var noise: NoiseSchedule { get }
}

extension DiffusionNamedSchedule {
    public static var parameters: Set<ScheduleParameter> { [.tMax] }
    public static var noiseSchedule: NoiseSchedule? { noise }
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule {
        try context.diffusion(noise)
    }
}

/// `du/dτ ∝ g^power` from the problem's measured gap profile: a file declares only its name,
/// help and ``power``.
public protocol GapNamedSchedule: NamedSchedule {
    static var power: Double { get }
}

extension GapNamedSchedule {
    public static var parameters: Set<ScheduleParameter> { [.gapSamples] }
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule {
        try context.gapAdaptive(power: power, name: name)
    }
}

/// Every named schedule, in the order `--help` lists them. Adding a schedule is one new file
/// with its type and one line here.
public enum ScheduleRegistry {
    public static let all: [any NamedSchedule.Type] = [
        ProblemSchedule.self,
        LinearSchedule.self,
        CosineSchedule.self,
        BoundaryCancellingSchedule.self,
        RolandCerfSchedule.self,
        GapAdaptiveSchedule.self,
        DDPMLinearSchedule.self,
        DDPMCosineSchedule.self,
        VPSDESchedule.self,
        KarrasSchedule.self,
    ]

    /// The schedule called `name`.
    public static func named(_ name: String) -> (any NamedSchedule.Type)? { all.first { $0.name == name } }
}
