import AdiabatCore
import Diffusion
import Foundation
import Landscapes
import Problems
import Quantum

/// Where a sampler runs: on a landscape's grid, or on an annealing problem's spins.
public enum SamplerDomain: String, Sendable {
    case landscape
    case spins
}

/// A setting of ``SampleRequest`` a sampler may read. Its raw value is the parameter's name
/// (`sample.<name>` in errors); the command line spells it as a flag.
public enum SamplerParameter: String, CaseIterable, Sendable {
    case steps, cells, samples, schedule, integrator
    case langevinSteps = "langevin_steps"
    case stepSize = "step_size"
    case dataScale = "data_scale"
    case dynamics
    case tMax = "t_max"
    case scoreError = "score_error"
    case sweeps
    case totalTime = "total_time"
    case beta
    case flipRate = "flip_rate"
    case prior
    case betaSchedule = "beta_schedule"
    case betaRange = "beta_range"
    case trotterSlices = "trotter_slices"
    case trotterBoundary = "trotter_boundary"
    case output
}

/// One sampler of `sample` and `compare`: its name, where it runs, the settings it reads and
/// its own checks. Landscape samplers (``LandscapeSampler``) set up a ``Diffusion/SamplingRun``;
/// spin samplers (``SpinSampler``) run on an annealing problem. Every sampler is registered once
/// in ``SamplerRegistry/all``: the command line's `--sampler` choices and help, its checks of
/// which options apply, and the comparator's particle samplers all come from there
/// (docs/architecture.md shows how to add one).
public protocol Sampler: Sendable {
    /// The name users type (`--sampler NAME`, `samplers = [...]`).
    static var name: String { get }
    static var domain: SamplerDomain { get }
    /// One line for `--help` and docs.
    static var summary: String { get }
    /// The request settings it reads; a setting outside this set is refused, naming it.
    static var parameters: Set<SamplerParameter> { get }
    /// The integrators it accepts (the first is the default); empty: no choice.
    static var integrators: [SamplerIntegrator] { get }
    /// Checks of its own beyond "does this setting apply" (required settings, ranges).
    static func validate(_ request: SampleRequest) throws
}

extension Sampler {
    public static var integrators: [SamplerIntegrator] { [] }
    public static func validate(_ request: SampleRequest) throws {}
}

/// A sampler of a landscape: it fills in the method of a ``Diffusion/SamplingRun`` whose path,
/// grid and particles ``Problem/sample(_:progress:)`` has set up.
public protocol LandscapeSampler: Sampler {
    /// The Diffusion engine's sampler.
    static var kind: SamplerKind { get }
    /// Whether it draws particles (then `samples` is required and the metrics carry errors).
    static var drawsParticles: Bool { get }
    /// Sets the method from the request; `dataScale` is the Langevin length scale ℓ (the
    /// request's, or the narrowest local width of p₀).
    static func configure(_ run: inout SamplingRun, _ request: SampleRequest, dataScale: Double) throws
    /// The schedule when the request names none (linear; Karras levels for annealed Langevin).
    static var defaultSchedule: ScheduleName { get }
}

extension LandscapeSampler {
    public static var domain: SamplerDomain { .landscape }
    public static var drawsParticles: Bool { true }
    public static var defaultSchedule: ScheduleName { .linear }
}

/// A sampler of an annealing problem's spins.
public protocol SpinSampler: Sampler {
    static func run(_ problem: SpinProblem, _ request: SampleRequest) throws -> SpinSampleResult
}

extension SpinSampler {
    public static var domain: SamplerDomain { .spins }
}

/// Every sampler, in the order `--help` lists them. Adding a sampler is one new file with its
/// type and one line here.
public enum SamplerRegistry {
    public static let all: [any Sampler.Type] = [
        ReverseSDESampler.self,
        ProbabilityFlowSampler.self,
        AnnealedLangevinSampler.self,
        PredictorCorrectorSampler.self,
        FokkerPlanckSampler.self,
        FlipChainSampler.self,
        ReverseFlipSampler.self,
        SimulatedAnnealingSampler.self,
        PathIntegralSampler.self,
    ]

    /// Every name, in order.
    public static var names: [String] { all.map { $0.name } }

    /// The sampler called `name`.
    public static func named(_ name: String) -> (any Sampler.Type)? { all.first { $0.name == name } }

    /// The names of the samplers of one domain.
    public static func names(in domain: SamplerDomain) -> [String] { all.filter { $0.domain == domain }.map { $0.name } }

    /// The landscape samplers that draw particles (the comparator's `samplers`).
    public static var particleSamplers: [any LandscapeSampler.Type] {
        all.compactMap { $0 as? any LandscapeSampler.Type }.filter { $0.drawsParticles }
    }

    /// The sampler called `name`, or an error that lists the names.
    public static func sampler(_ name: String, parameter: String = "sample.sampler") throws -> any Sampler.Type {
        guard let s = named(name) else {
            throw InputError(parameter, "unknown sampler '\(name)'", hint: "use one of: \(names.joined(separator: ", "))")
        }
        return s
    }
}

/// A time integrator of a landscape sampler (`integrator`).
public enum SamplerIntegrator: String, CaseIterable, Sendable {
    case eulerMaruyama = "euler-maruyama"
    case exponential
    case heun
    case euler
    case rk4
    case implicitEuler = "implicit-euler"
    case trBDF2 = "tr-bdf2"

    /// The reverse-SDE scheme it names (Heun for anything else).
    var reverseSDEScheme: ReverseSDEScheme {
        switch self {
        case .eulerMaruyama: return .eulerMaruyama
        case .exponential: return .exponential
        default: return .heun
        }
    }
}
