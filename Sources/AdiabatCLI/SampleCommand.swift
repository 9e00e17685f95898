import AdiabatCore
import ArgumentParser
import Bridge
import Foundation

/// `adiabat sample` (annealing branch; the landscape samplers are merged in by the
/// integrator): the flip-chain counterpart of a quantum anneal, the exact reverse chain of a
/// discrete diffusion, and simulated annealing. The work is in `SpinCommands.sample`.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample an annealing problem's spins: annealed flip chain, reverse flip chain, or simulated annealing.",
        discussion: """
            flip-chain: the chain with rates A(s)·ψ₀(xⁱ)/ψ₀(x) along the problem's path and schedule \
            (the same s(τ/T) as 'evolve'), from ψ₀(s(0))², simulated exactly for rates interpolated \
            between --steps grid points. reverse-flip: the exact time reversal of independent spin \
            flips at rate γ (--flip-rate), targeting the Boltzmann law at --beta or the uniform law on \
            the ground states of H_P. simulated-annealing: Metropolis sweeps with a linear or \
            geometric β schedule. All report ground_state_probability. See docs/discrete.md.
            """)

    @Argument(help: "Problem file (.toml, .coo, .json, .qubo) or bundled problem name.")
    var problem: String

    @Option(name: .long, help: "Sampler: \(SpinSamplerChoice.allCases.map(\.rawValue).joined(separator: ", ")).")
    var sampler: SpinSamplerChoice

    @Option(name: .long, help: "Number of independent samples (chains or reads).")
    var samples: Int = 1000

    @Option(name: .long, help: "Grid cells of the chain's rates (flip-chain, reverse-flip; default 100).")
    var steps: Int?

    @Option(name: .long, help: "Metropolis sweeps per read (simulated-annealing; default 1000).")
    var sweeps: Int?

    @Option(name: .long, help: "Total run time T of the annealed flip chain (default: the problem's total_time).")
    var totalTime: Double?

    @Option(
        name: .long,
        help:
            "Schedule: \(ScheduleChoice.allCases.map(\.rawValue).joined(separator: ", ")) (reverse-flip: where the grid sits in t)."
    )
    var schedule: ScheduleChoice = .problem

    @Option(name: .long, help: "Order of the boundary-cancelling schedule.")
    var order: Int = 2

    @Option(name: .long, help: "reverse-flip: target the Boltzmann law at this β (default: uniform on the ground states).")
    var beta: Double?

    @Option(name: .customLong("flip-rate"), help: "reverse-flip: forward flip rate γ.")
    var flipRate: Double = 1

    @Option(name: .customLong("t-max"), help: "reverse-flip: start time t_max (default: (n/2)e^{−2γ t_max} = 1e-4).")
    var maximumTime: Double?

    @Option(name: .long, help: "reverse-flip: start from the exact marginal or the uniform law.")
    var prior: ReverseFlipDiffusion.Prior = .marginal

    @Option(name: .customLong("beta-schedule"), help: "simulated-annealing: linear or geometric β.")
    var betaSchedule: BetaScheduleKind = .geometric

    @Option(name: .customLong("beta-range"), help: "simulated-annealing: β_hot,β_cold (default: dwave-samplers' rule).")
    var betaRange: String?

    @OptionGroup var common: CommonOptions

    func parsedBetaRange() throws -> (Double, Double)? {
        guard let text = betaRange else { return nil }
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let hot = parts[0], let cold = parts[1] else {
            throw ValidationError("--beta-range takes two numbers β_hot,β_cold (got \(text))")
        }
        return (hot, cold)
    }

    func validate() throws {
        guard samples >= 1 else { throw ValidationError("--samples must be positive (got \(samples))") }
        if let s = steps, s < 1 { throw ValidationError("--steps must be positive (got \(s))") }
        if let s = sweeps, s < 1 { throw ValidationError("--sweeps must be positive (got \(s))") }
        if let t = totalTime, !(t.isFinite && t > 0) { throw ValidationError("--total-time must be positive (got \(t))") }
        if let b = beta, !(b.isFinite && b >= 0) { throw ValidationError("--beta must be finite and ≥ 0 (got \(b))") }
        guard flipRate.isFinite, flipRate > 0 else { throw ValidationError("--flip-rate must be positive (got \(flipRate))") }
        if let t = maximumTime, !(t.isFinite && t > 0) { throw ValidationError("--t-max must be positive (got \(t))") }
        _ = try parsedBetaRange()
        let isSA = sampler == .simulatedAnnealing
        if !isSA && (sweeps != nil || betaRange != nil) {
            throw ValidationError("--sweeps and --beta-range are simulated-annealing options; the chains take --steps")
        }
        if isSA && (steps != nil || totalTime != nil) {
            throw ValidationError("simulated annealing counts --sweeps, not --steps or --total-time")
        }
        if sampler != .reverseFlip && (beta != nil || maximumTime != nil) {
            throw ValidationError("--beta and --t-max set the reverse-flip target; other samplers anneal to the ground state")
        }
        if sampler != .flipChain && totalTime != nil { throw ValidationError("--total-time is the flip-chain's anneal time") }
    }

    func run() throws {
        let settings = SpinCommands.SampleSettings(
            sampler: sampler, samples: samples, steps: steps, sweeps: sweeps, totalTime: totalTime, schedule: schedule,
            order: order,
            beta: beta, flipRate: flipRate, maximumTime: maximumTime, prior: prior, betaSchedule: betaSchedule,
            betaRange: try parsedBetaRange(), seed: common.seed)
        try SpinCommands.sample(problem: problem, settings: settings, json: common.json)
    }
}
