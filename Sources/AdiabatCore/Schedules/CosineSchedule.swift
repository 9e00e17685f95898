/// `cosine`: `u = (1 − cos πr)/2` (the annealing cosine; the diffusion one is `ddpm-cosine`).
public enum CosineSchedule: NamedSchedule {
    public static let name = "cosine"
    public static let summary = "u = (1 − cos πr)/2, zero rate at both ends"
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule { .cosine }
}
