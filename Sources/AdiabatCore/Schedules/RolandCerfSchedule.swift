/// `roland-cerf`: `du/dτ ∝ g²` from the measured gap profile (Roland–Cerf; real time).
public enum RolandCerfSchedule: GapNamedSchedule {
    public static let name = "roland-cerf"
    public static let summary = "du/dτ ∝ g² from the measured gap (Roland–Cerf, real time)"
    public static let power = 2.0
}
