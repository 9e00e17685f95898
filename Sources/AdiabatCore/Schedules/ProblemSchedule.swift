/// `problem`: the problem file's own schedule (annealing: its `[schedule]`; landscapes: linear).
public enum ProblemSchedule: NamedSchedule {
    public static let name = "problem"
    public static let summary = "the problem file's own schedule (points, tables; landscapes: linear)"
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule { try context.problemSchedule() }
}
