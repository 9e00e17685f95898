import AdiabatCore
import Foundation
import Landscapes
import Problems
import Quantum

/// Path-integral (simulated quantum) annealing on the problem's own path and schedule (the
/// same `A(s)`, `B(s)` and `s(τ/T)` as `evolve`): `M` Trotter slices (`trotter_slices`) at
/// inverse temperature `β` (`beta`), Metropolis moves plus world-line cluster moves, `sweeps`
/// sweeps per read (docs/sqa.md).
public enum PathIntegralSampler: SpinSampler {
    public static let name = "path-integral"
    public static let summary = "simulated quantum annealing: Suzuki–Trotter slices at β with world-line cluster moves"
    public static let parameters: Set<SamplerParameter> = [
        .samples, .sweeps, .schedule, .beta, .trotterSlices, .trotterBoundary,
    ]

    public static func validate(_ request: SampleRequest) throws {
        try PathIntegralOptions.validate(slices: request.trotterSlices, beta: request.beta)
    }

    public static func run(_ loaded: SpinProblem, _ o: SampleRequest) throws -> SpinSampleResult {
        let model = try loaded.classicalModel(for: name)
        if loaded.catalyst != nil {
            throw InputError(
                "PROBLEM",
                "'\(loaded.spec.name)' has a [catalyst]; path-integral annealing samples the transverse-field path only",
                hint: "use flip-chain or evolve for catalysed paths")
        }
        let schedule = try annealingSchedule(loaded.spec, request: o.schedule)
        let options = PathIntegralOptions(
            samples: o.samples ?? 1000, sweeps: o.sweeps ?? 1000, slices: o.trotterSlices, beta: o.beta,
            boundary: o.trotterBoundary ?? .periodic, seed: o.seed)
        return try PathIntegralAnnealing.run(
            model, path: loaded.spec.path, schedule: schedule, options: options, groundEnergy: loaded.spec.groundEnergy,
            initialSpins: loaded.spec.initialSpins)
    }

    /// The schedule of `request` (nil: the problem's own), built without the register when the
    /// name does not need the gap or the flip diffusion, so any instance size works; the
    /// others build `H(s)` on the register (at most 26 qubits, and the error says so), unless
    /// `registerAllowed` is false (then they are refused).
    static func annealingSchedule(_ spec: AnnealingSpec, request: ScheduleRequest?, registerAllowed: Bool = true) throws
        -> Schedule
    {
        let request = request ?? ScheduleRequest(.problem)
        if request.direction == nil {
            switch request.source {
            case .table, .diffusers:
                return try ScheduleLibrary(context: .free(process: .ou, tMax: 1, map: nil)).schedule(request)
            case .named(let name):
                switch name {
                case .linear: return .linear
                case .cosine: return .cosine
                case .boundaryCancelling: return try .boundaryCancelling(order: request.order)
                case .problem:
                    switch spec.schedule {
                    case .linear: return .linear
                    case .cosine: return .cosine
                    case .boundaryCancelling(let k): return try .boundaryCancelling(order: k)
                    case let .points(times, s):
                        return try .piecewiseLinear(r: times.map { $0 / times[times.count - 1] }, u: s, name: "points")
                    case .rolandCerf, .library: break
                    }
                default: break
                }
            }
        }
        let n = spec.model.variableCount
        guard registerAllowed, n <= QubitRegister.maximumQubits else {
            throw InputError(
                "sample.schedule",
                "\(request) is built from the gap or the flip diffusion on the register, which holds at most \(QubitRegister.maximumQubits) qubits; '\(spec.name)' has \(n) spins",
                hint: "use linear, cosine, boundary-cancelling, a points schedule or a FILE.csv table at this size")
        }
        return try Problem.annealingSchedule(
            request, spec: spec, hamiltonian: try spec.hamiltonian(), parameter: "sample.schedule")
    }
}
