import ArgumentParser
import Bridge
import Experiments

// The library's types that flags and arguments take, made parsable in one place: their
// choices (and so `--help`'s lists and the refusal of a typo) are the library's raw values.

extension BetaScheduleKind: ExpressibleByArgument {}
extension EvolutionMethod: ExpressibleByArgument {}
extension EvolveRequest.SaveStateTimes: ExpressibleByArgument {}
extension ExperimentName: ExpressibleByArgument {}
extension ForwardProcess: ExpressibleByArgument {}
extension ReverseFlipDiffusion.Prior: ExpressibleByArgument {}
extension SamplerIntegrator: ExpressibleByArgument {}
extension ScheduleExport.Target: ExpressibleByArgument {}
extension SpinGlassInstances.Kind: ExpressibleByArgument {}
extension TranslateRequest.Target: ExpressibleByArgument {}
extension TrotterBoundary: ExpressibleByArgument {}

/// `--vartype` takes SPIN or BINARY in any case.
extension Vartype: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}
