import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Problems
import Quantum

/// The law a run on a score field is measured against at the end of its path (the first
/// tabulated time `t₀`): the file's `density`/`log_density` there when it has one, else the
/// ground state `|ψ₀|²` of the field's Score Hamiltonian at `t₀` (a field with curl has no
/// density of its own; `ψ₀²` is the density whose score is closest to it, docs/score-fields.md).
public struct ScoreFieldTarget: Sendable {
    /// The law on the field's grid (a landscape for the samplers' metrics).
    public var law: GridDensity
    /// `√law`, normalised on the grid (`Σ a² ΔV = 1`): the target state of `evolve`.
    public var amplitude: [Double]
    /// Which law, in words (printed and in the JSON as `target`).
    public var description: String

    /// The target at the field's time `t` (a tabulated time or one between tables).
    public static func at(_ field: Problems.ScoreField, time t: Double?) throws -> ScoreFieldTarget {
        guard !field.radial else {
            throw InputError("score field", "is radial (f(r) r̂); its runs need a field on a grid (axis0, axis1, axis2)")
        }
        let grid = field.grid
        let when = t.map { " at t = \(Comparison.format($0))" } ?? ""
        if let logP = try field.logDensity(atTime: t) {
            let law = try GridDensity(grid: grid, logDensity: logP)
            let peak = logP.max() ?? 0
            var amplitude = logP.map { exp(0.5 * ($0 - peak)) }
            normalise(&amplitude, grid: grid)
            return ScoreFieldTarget(law: law, amplitude: amplitude, description: "the file's density\(when)")
        }
        let score = try field.score(atTime: t)
        let spectrum = try ScoreFieldSpectrumReport.levels(score, grid: grid, levels: 2, vectors: true)
        guard var psi = spectrum.state(0).map(Array.init) else {
            throw InputError("score field", "the solver returned no ground state")
        }
        // ψ₀ is positive inside (a Schrödinger ground state); rounding can leave tiny negative
        // values near the Dirichlet walls, where the law is floored.
        let peak = psi.map(abs).max() ?? 1
        let density = psi.map { max($0 * $0, 1e-300 * peak * peak) }
        normalise(&psi, grid: grid)
        return ScoreFieldTarget(
            law: try GridDensity(grid: grid, density: density), amplitude: psi,
            description: "the ground state |ψ₀|² of the field's Score Hamiltonian\(when) (the file has no density)")
    }

    static func normalise(_ a: inout [Double], grid: UniformGrid) {
        var norm = 0.0
        for v in a { norm += v * v }
        let scale = 1 / (norm * grid.cellVolume).squareRoot()
        for k in a.indices { a[k] *= scale }
    }
}

extension ScoreFieldProblem {
    /// An error for a radial field (``Problems/ScoreField/radial``) where `purpose` (sample,
    /// evolve, compare) needs a field on a Cartesian grid: particles move in 3-D and the grid
    /// evolution runs on uniform grids, neither on the radial channels.
    func requireGrid(for purpose: String) throws {
        guard field.radial else { return }
        throw InputError(
            "PROBLEM",
            "'\(name)' is a radial field f(r) r̂, solved in angular-momentum channels; \(purpose) runs on fields tabulated on a grid",
            hint:
                "a radial field takes spectrum (levels, gap, --profile, --angular-momentum) and translate --to hamiltonian; for \(purpose), export S on a 3-D grid (axis0, axis1, axis2)"
        )
    }
}

/// The times a run on a score field goes through: from `start` (default the last table) down to
/// the first table `end`; a path of length `start − end` (``TabulatedScore`` shifts its time).
struct ScoreFieldSpan {
    var start: Double
    var end: Double
    var length: Double { start - end }

    init(_ problem: ScoreFieldProblem, start requested: Double?, parameter: String, purpose: String) throws {
        try problem.requireGrid(for: purpose)
        guard let times = problem.field.times, times.count >= 2 else {
            throw InputError(
                "PROBLEM",
                "'\(problem.name)' holds one table of its score field; \(purpose) runs along the diffusion times and needs several (a 't' array in the file)",
                hint: "export the field at several times (docs/score-fields.md)")
        }
        end = times.first!
        let last = times.last!
        start = requested ?? last
        guard start > end, start <= last * (1 + 1e-12) else {
            throw InputError(
                parameter,
                "is \(start), but '\(problem.name)' has tables from t = \(Comparison.format(end)) to \(Comparison.format(last)) only",
                hint: "give a time in (\(Comparison.format(end)), \(Comparison.format(last))], or leave it out for the last table"
            )
        }
        start = min(start, last)
    }

    /// The schedule shape: only the linear one (the others are built on a landscape's path or
    /// from its gap; a score field's profile is `spectrum --profile`).
    static func schedule(_ request: ScheduleRequest?, parameter: String) throws -> Schedule {
        guard let request else { return .linear }
        if request.direction != nil {
            throw InputError(
                parameter, "\(request) carries a schedule between spins and an annealing path; this is a score field")
        }
        if case .named(let name) = request.source, name == .problem || name == .linear { return .linear }
        throw InputError(
            parameter, "\(request) is not available on a score field yet; its runs use the linear schedule in t",
            hint: "leave the schedule out (or give 'linear')")
    }
}

extension Problem {
    /// `sample` on a score field: the particle samplers and the Fokker–Planck solver run on the
    /// interpolated field (``TabulatedScore``) from the last table to the first, and are measured
    /// against ``ScoreFieldTarget`` at the first table.
    static func sample(
        _ loaded: ScoreFieldProblem, sampler: any LandscapeSampler.Type, _ o: SampleRequest,
        progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> SampleSolution {
        try loaded.requireGrid(for: "sample")
        guard let steps = o.steps else { throw InputError("sample.steps", "is required for \(sampler.name)") }
        if o.scoreError != 0 {
            throw InputError(
                "sample.score_error", "perturbs a landscape's exact score; a score field is already the model's own",
                hint: "leave it out")
        }
        let field = loaded.field
        let grid = field.grid
        let span = try ScoreFieldSpan(loaded, start: o.tMax, parameter: "sample.t_max", purpose: "sample")
        let shape = try ScoreFieldSpan.schedule(o.schedule, parameter: "sample.schedule")
        let path = try DiffusionPath(process: loaded.process, tMax: span.length, schedule: shape, steps: steps)
        let target = try ScoreFieldTarget.at(field, time: span.end)
        var run = SamplingRun(
            landscape: target.law, grid: grid, path: path, sampler: sampler.kind, particles: o.samples ?? 0, seed: o.seed)
        run.score = TabulatedScore(field, offset: span.end)
        // The prior at the start (N(0, I) on OU, N(0, 2t) on VE), restricted to the box, where
        // the field is defined.
        let variance = loaded.process == .ou ? 1 : loaded.process.noiseVariance(at: span.start)
        var redrawn = 0
        if sampler.kind == .fokkerPlanck {
            var values = [Double](repeating: 0, count: grid.count)
            var x = [Double](repeating: 0, count: grid.dimension)
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                values[k] = exp(-0.5 * x.reduce(0) { $0 + $1 * $1 } / variance)
            }
            run.initialDensity = try GridLaw(grid: grid, values: values)
        } else {
            let n = o.samples ?? 0
            let (particles, rejected) = try Self.boxPrior(count: n, grid: grid, variance: variance, seed: o.seed)
            run.initialParticles = particles
            redrawn = rejected
        }
        try sampler.configure(&run, o, dataScale: try o.dataScale ?? LangevinSettings.dataScale(of: target.law, on: grid))
        run.absorbing = true
        var outcome = try run.run(progress: progress)
        outcome.report.tMax = span.start
        outcome.report.tMin = span.end
        outcome.report.target = target.description
        outcome.report.priorRedrawn = sampler.kind == .fokkerPlanck ? nil : redrawn
        return .landscape(problem: loaded.name, outcome: outcome, grid: grid)
    }

    /// `count` draws of `N(0, variance·I)` inside the grid's box (draws outside are drawn
    /// again; their number is returned), from a stream of its own derived from `seed`.
    static func boxPrior(count n: Int, grid: UniformGrid, variance: Double, seed: UInt64) throws -> ([Double], Int) {
        let d = grid.dimension
        let stream = try RandomStream(seed: RandomStream.derivedSeed(seed, stream: 0x5C0E_F1E1D))
        let sigma = variance.squareRoot()
        var out = [Double](repeating: 0, count: n * d)
        var rejected = 0
        var x = [Double](repeating: 0, count: d)
        for p in 0..<n {
            while true {
                var inside = true
                for a in 0..<d {
                    x[a] = stream.gaussian(standardDeviation: sigma)
                    if x[a] < grid.lower[a] || x[a] > grid.upper[a] { inside = false }
                }
                if inside { break }
                rejected += 1
                if rejected > 100 * n + 1000 {
                    throw InputError(
                        "PROBLEM",
                        "the field's box holds almost none of the prior N(0, \(Comparison.format(variance))·I) the samplers start from",
                        hint: "export the field on a box around the origin that holds the prior")
                }
            }
            for a in 0..<d { out[p * d + a] = x[a] }
        }
        return (out, rejected)
    }
}

// MARK: - evolve

extension Problem {
    /// The work of `evolve` on a score field to `T` (``checkWork(_:_:what:)`` and compare's
    /// budget): steps from the potential's range at both ends of the span, each a few sine
    /// transforms of the grid.
    static func scoreFieldEvolutionEstimate(
        _ loaded: ScoreFieldProblem, span: ScoreFieldSpan, totalTime T: Double, method: EvolutionMethod,
        options: EvolutionOptions
    ) throws -> EvolutionWorkEstimate {
        let field = loaded.field
        let grid = field.grid
        let first = try ScoreFieldHamiltonian.potential(try field.score(atTime: span.start), grid: grid)
        let last = try ScoreFieldHamiltonian.potential(try field.score(atTime: span.end), grid: grid)
        var rho = 0.0
        for v in [first, last] { rho = max(rho, (v.max() ?? 0) - (v.min() ?? 0)) }
        if method.resolvesWholeSpectrum { rho += grid.spacing.reduce(0) { $0 + 4 / ($1 * $1) } }
        let n = Double(grid.count)
        return EvolutionWorkEstimate(
            totalTime: T, spectralRadius: rho, named: "potential range", fixedSteps: options.steps,
            workPerStep: 40 * (4 * n * Foundation.log2(max(2, n)) + 2 * n), on: "\(grid.count) grid nodes")
    }

    /// `evolve` on a score field: the Score-Hamiltonian path `H_S(t)` from the last table to the
    /// first (interpolated linearly in `t` between tables), started in the ground state of
    /// `H_S(t_last)`, with the fidelity measured against ``ScoreFieldTarget`` at the first table.
    static func evolve(_ loaded: ScoreFieldProblem, _ request: EvolveRequest) throws -> EvolveSolution {
        try loaded.requireGrid(for: "evolve")
        let T = try request.givenTotalTime(for: "a score field (a problem file sets no total time)")
        let field = loaded.field
        let grid = field.grid
        let span = try ScoreFieldSpan(loaded, start: nil, parameter: "evolve", purpose: "evolve")
        let shape = try ScoreFieldSpan.schedule(request.schedule, parameter: "evolve.schedule")
        let method = request.method ?? .split4
        let options = request.options(for: method)
        let estimate = try scoreFieldEvolutionEstimate(loaded, span: span, totalTime: T, method: method, options: options)
        try checkWork(estimate, request, what: "evolving \(loaded.name) to T = \(Comparison.format(T))")
        let startSpectrum = try ScoreFieldSpectrumReport.levels(
            try field.score(atTime: span.start), grid: grid, levels: 2, vectors: true)
        guard let psi = startSpectrum.state(0).map(Array.init) else {
            throw InputError("score field", "the solver returned no ground state")
        }
        var initial = [Double](repeating: 0, count: 2 * grid.count)
        for k in 0..<grid.count { initial[2 * k] = psi[k] }
        let target = try ScoreFieldTarget.at(field, time: span.end)
        let length = span.length
        let end = span.end
        let problem = try GridEvolutionProblem(
            grid: grid, totalTime: T, initialState: initial, order: .second,
            breakpoints: shape.breakpoints.map { $0 * T }
        ) { tau in
            let t = end + shape.diffusionTime(at: tau / T, tMax: length)
            return try ScoreFieldHamiltonian.potential(try field.score(atTime: min(max(t, end), end + length)), grid: grid)
        }
        let result = try withProgress(request, totalTime: T) {
            try GridEvolution.run(problem, method: method, options: options, target: target.amplitude)
        }
        return .scoreField(
            problem: loaded.name, tMax: span.start, tMin: span.end, schedule: shape.name, target: target.description,
            result: result)
    }
}
