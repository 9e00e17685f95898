/// `linear`: `u = r`.
public enum LinearSchedule: NamedSchedule {
    public static let name = "linear"
    public static let summary = "u = r"
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule { .linear }
}
