import AdiabatCore

extension ForwardProcess {
    /// The clock that turns a noise schedule's `λ = log(1 + σ²)` into this process's time
    /// (OU: `t = λ/2`; VE: `t = (e^λ − 1)/2`).
    public var clock: DiffusionClock {
        switch self {
        case .ou: return .ou
        case .ve: return .ve
        }
    }
}
