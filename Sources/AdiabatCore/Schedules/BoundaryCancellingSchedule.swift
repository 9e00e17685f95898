/// `boundary-cancelling` (`boundary-cancelling-K`): `I_r(k+1, k+1)`, whose first `k`
/// derivatives vanish at both ends (Rezakhani et al.).
public enum BoundaryCancellingSchedule: NamedSchedule {
    public static let name = "boundary-cancelling"
    public static let summary = "I_r(k+1, k+1): first k derivatives vanish at both ends (order k)"
    public static let parameters: Set<ScheduleParameter> = [.order]
    public static func build(order: Int, in context: any ScheduleContext) throws -> Schedule {
        try .boundaryCancelling(order: order)
    }
}
