import AdiabatCore
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Problems
import Quantum
import Reports

/// Both sides on one problem and the same schedules (docs/compare.md): the comparator
/// behind `adiabat compare`.
///
/// Landscapes: real-time evolution along the Score-Hamiltonian path (fidelity and TV of
/// `|ψ|²` against `T`), the Fokker–Planck law of continuous annealed Langevin on the same
/// schedule (against the same `T`), the Fokker–Planck law of the reverse SDE and the particle
/// samplers (TV against steps, with standard errors). Annealing problems: quantum annealing
/// and the annealed flip chain (ground-state probability against `T`), the reverse flip
/// chain (against its grid cells) and simulated annealing (against sweeps).
///
/// Every cell is independent; ``run(store:progress:)`` skips cells a ``Reports/CellStore``
/// already holds (the key encodes the problem's content and every parameter of the cell),
/// runs the cells that use one core side by side and the ensemble cells (which use every
/// core) one after another.
public final class Comparison: @unchecked Sendable {
    /// A landscape problem on the comparison's grid.
    public struct LandscapeSubject: Sendable {
        public let problem: LandscapeProblem
        /// The resolved landscape (a ground-state problem's density).
        public let landscape: any Landscape
        /// `p₀` for every metric (the exact law behind a learned score).
        public let reference: any Landscape
        /// The grid of every landscape cell (``automaticPoints(_:dimension:)``).
        public let grid: UniformGrid
        public let path: LandscapePath
        /// `p₀` tabulated and normalised on ``grid``.
        public let target: GridLaw
    }

    /// An annealing problem.
    public struct AnnealingSubject: Sendable {
        public let spec: AnnealingSpec
        /// The path on the register; nil when the exact side is skipped (``exactSkipped``).
        public let annealing: CatalysedAnnealing?
        /// Why the exact side (the register: quantum annealing, the flip chains, the gap
        /// profile) does not run, in words; nil when it runs.
        public let exactSkipped: String?
        /// The Ising model of the classical samplers (neighbour lists, no `2ⁿ` table).
        public let model: IsingModel
        public var hamiltonian: AnnealingHamiltonian? { annealing?.hamiltonian }
        public var qubits: Int { model.qubits }
    }

    /// A tabulated score field (docs/score-fields.md) on its own grid: the quantum side is
    /// `evolve`'s Score-Hamiltonian path along the tabulated times, the classical side `sample`'s
    /// runs on the interpolated field, both measured against the same target at `t₀`.
    public struct ScoreFieldSubject: Sendable {
        public let problem: ScoreFieldProblem
        public var grid: UniformGrid { problem.field.grid }
        /// The last table (where the runs start) and the first, `t₀` (where they are measured).
        public let start: Double
        public let end: Double
        /// The target law tabulated and normalised on ``grid`` (``ScoreFieldTarget``).
        public let target: GridLaw
        /// Which law the target is, in words (the file's density or `|ψ₀|²`).
        public let targetDescription: String
    }

    public enum Subject: Sendable {
        case landscape(LandscapeSubject)
        case annealing(AnnealingSubject)
        case scoreField(ScoreFieldSubject)
    }

    public let name: String
    public let summary: String
    public let subject: Subject
    public let settings: ComparisonSettings
    public let library: ScheduleLibrary
    public let requests: [ScheduleRequest]
    /// The schedules, keyed by their request's spelling.
    public let schedules: [String: Schedule]
    /// Content fingerprint of the problem (part of every cell key).
    public let fingerprint: String
    /// Schedules of the settings left out because they need the register and the exact side
    /// is skipped (the notes say so).
    public let droppedSchedules: [String]

    /// Version of the cell computations; bump it when a cell's numerics change so stored
    /// cells are recomputed.
    public static let cellVersion = "compare-1"

    /// Per-axis grid nodes for the landscape cells when `--points` is not given: the
    /// largest `N ≤ min(problem's nodes, 511 in 1-D / 127 in 2-D)` with `N + 1` 5-smooth,
    /// so the sine transform of the split-operator evolution has only small prime factors
    /// (docs/evolution.md) and a cell stays well under a second.
    public static func automaticPoints(_ points: Int, dimension: Int) -> Int {
        let cap = dimension == 1 ? 511 : (dimension == 2 ? 127 : 63)
        var n = min(points, cap)
        func smooth(_ m: Int) -> Bool {
            var k = m
            for p in [2, 3, 5] { while k % p == 0 { k /= p } }
            return k == 1
        }
        while n > 16 && !smooth(n + 1) { n -= 1 }
        return n
    }

    /// Loads the problem at `location` and builds the schedules.
    public convenience init(location: ProblemLocation, settings: ComparisonSettings) throws {
        try self.init(problem: try Problem.load(url: location.url, seed: settings.seed), settings: settings)
    }

    /// Builds the schedules of `problem`.
    public init(problem loadedProblem: Problem, settings: ComparisonSettings) throws {
        try settings.validate(annealing: loadedProblem.kind == .annealing)
        self.settings = settings
        var print = Fingerprint()
        print.add(Self.cellVersion)
        print.add(Array(try InputFile.read(loadedProblem.file, what: "problem file")))
        switch loadedProblem {
        case .landscape(let problem):
            guard case let .grid(original, _) = problem.discretisation else {
                throw InputError(
                    problem.file.path, "is a radial problem; compare needs a uniform grid for its metrics",
                    hint: "use a 1-D or 2-D landscape")
            }
            guard original.dimension <= 2 else {
                throw InputError(problem.file.path, "is \(original.dimension)-D; compare runs on 1-D and 2-D landscapes")
            }
            let grid = try UniformGrid(
                lower: original.lower, upper: original.upper,
                points: original.points.map {
                    settings.points ?? min($0, Self.automaticPoints($0, dimension: original.dimension))
                })
            let landscape = try problem.resolvedLandscape()
            let reference = problem.reference ?? landscape
            let path = try LandscapePath(
                landscape: landscape, discretisation: .grid(grid, order: .second), process: problem.process, tMax: problem.tMax)
            let target = try GridLaw.tabulate(reference, on: grid)
            subject = .landscape(
                LandscapeSubject(
                    problem: problem, landscape: landscape, reference: reference, grid: grid, path: path, target: target))
            name = problem.name
            summary = problem.description
            print.add("grid \(grid.points) seed \(settings.seed)")
            library = try ScheduleLibrary(context: .landscape(path), gapSamples: settings.gapSamples, scope: "compare")
        case .scoreField(let field):
            guard !field.field.radial else {
                throw InputError(
                    "PROBLEM", "'\(field.name)' is a radial field f(r) r̂; compare runs on fields tabulated on a 1-D or 2-D grid",
                    hint: "read its levels and gap with spectrum (--profile, --angular-momentum)")
            }
            let d = field.field.dimension
            guard d <= 2 else {
                throw InputError(field.file.path, "is a \(d)-D score field; compare runs on 1-D and 2-D fields")
            }
            if let p = settings.points {
                throw InputError(
                    "compare.points",
                    "is \(p), but a score field runs on its own grid (\(field.field.grid.points.map(String.init).joined(separator: "×")) nodes)",
                    hint: "leave it out, or export the field on the grid you want")
            }
            let span = try ScoreFieldSpan(field, start: nil, parameter: "compare", purpose: "compare")
            let target = try ScoreFieldTarget.at(field.field, time: span.end)
            subject = .scoreField(
                ScoreFieldSubject(
                    problem: field, start: span.start, end: span.end,
                    target: try GridLaw.tabulate(target.law, on: field.field.grid), targetDescription: target.description))
            name = field.name
            summary = field.description
            print.add(Array(try InputFile.read(field.dataFile, what: "score field file")))
            print.add("seed \(settings.seed)")
            library = try ScheduleLibrary(
                context: .free(process: field.process, tMax: span.length, map: nil), gapSamples: settings.gapSamples,
                scope: "compare")
        case .annealing(let loaded):
            if loaded.catalyst != nil {
                throw InputError(
                    loaded.spec.file, "has a [catalyst]; compare runs the transverse-field path only",
                    hint: "compare the problem without its catalyst, or use 'evolve' for the catalysed path")
            }
            let skipped = Self.exactSideLimit(qubits: loaded.spec.model.variableCount)
            let annealing = skipped == nil ? try loaded.annealing() : nil
            let model = annealing?.hamiltonian.model ?? loaded.spec.model.ising
            subject = .annealing(
                AnnealingSubject(spec: loaded.spec, annealing: annealing, exactSkipped: skipped, model: model))
            name = loaded.spec.name
            summary = loaded.spec.summary ?? "\(model.qubits)-spin annealing problem"
            // The model and path by value (a referenced .coo or table file may change alone).
            for x in model.h { print.add(x) }
            for c in model.couplings { print.add("\(c.i),\(c.j)"); print.add(c.value) }
            print.add(model.offset)
            for j in 0...100 {
                let (a, b) = loaded.spec.path.coefficients(at: Double(j) / 100)
                print.add(a)
                print.add(b)
            }
            print.add("\(loaded.spec.schedule) \(loaded.spec.initialSpins ?? [])")
            if let g = loaded.spec.groundEnergy { print.add("ground_energy \(g)") }
            if let h = annealing?.hamiltonian {
                library = try ScheduleLibrary(
                    context: .annealing(loaded.spec, h), gapSamples: settings.gapSamples, scope: "compare")
            } else {
                library = try ScheduleLibrary(
                    context: .free(process: .ou, tMax: 1, map: nil), gapSamples: settings.gapSamples, scope: "compare")
            }
        }
        fingerprint = print.hex
        var parsed = try settings.schedules.map { try ScheduleRequest.parse($0, parameter: "compare.schedules") }
        var dropped: [String] = []
        if case .annealing(let a) = subject, a.exactSkipped != nil {
            // Without the register, gap-driven and flip: schedules cannot be built.
            parsed = parsed.filter { r in
                let free = (try? PathIntegralSampler.annealingSchedule(a.spec, request: r, registerAllowed: false)) != nil
                if !free { dropped.append(r.description) }
                return free
            }
            guard !parsed.isEmpty else {
                throw InputError(
                    "compare.schedules",
                    "\(dropped.joined(separator: ", ")) need\(dropped.count == 1 ? "s" : "") the register (the gap or the flip diffusion), and the exact side is skipped on '\(a.spec.name)'",
                    hint: "use linear, cosine, boundary-cancelling, problem or a FILE.csv table at this size")
            }
        }
        if case .scoreField = subject {
            // evolve and sample on a field run the linear schedule in t only (ScoreFieldSpan).
            if let r = parsed.first(where: { $0.direction != nil }) {
                throw InputError(
                    "compare.schedules", "\(r) carries a schedule between spins and an annealing path; this is a score field")
            }
            parsed = parsed.filter { r in
                let usable = (try? ScoreFieldSpan.schedule(r, parameter: "compare.schedules")) != nil
                if !usable { dropped.append(r.description) }
                return usable
            }
            guard !parsed.isEmpty else {
                throw InputError(
                    "compare.schedules",
                    "\(dropped.joined(separator: ", ")) \(dropped.count == 1 ? "is" : "are") not available on a score field; its runs use the linear schedule in t",
                    hint: "use --schedules linear")
            }
        }
        droppedSchedules = dropped
        requests = parsed
        var built: [String: Schedule] = [:]
        for r in requests {
            if case .landscape = subject, r.direction != nil {
                throw InputError(
                    "compare.schedules", "\(r) carries a schedule between spins and an annealing path; this is a landscape")
            }
            if r.direction == .toDiffusion {
                throw InputError(
                    "compare.schedules",
                    "\(r): anneal: schedules drive the flip diffusion only; compare runs every schedule on both sides",
                    hint: "use flip:NAME to put a diffusion schedule on the annealing path")
            }
            let s: Schedule
            if case .scoreField = subject {
                s = try ScoreFieldSpan.schedule(r, parameter: "compare.schedules")
            } else if case .annealing(let a) = subject, a.exactSkipped != nil {
                s = try PathIntegralSampler.annealingSchedule(a.spec, request: r, registerAllowed: false)
            } else {
                s = try library.schedule(r)
            }
            guard s.isMonotone else {
                throw InputError("compare.schedules", "\(r) goes back somewhere; the samplers need a monotone schedule")
            }
            built[r.description] = s
        }
        schedules = built
        let particleSamplers = SamplerRegistry.particleSamplers.map { $0.name }
        for sampler in settings.samplers where !particleSamplers.contains(sampler) {
            throw InputError(
                "compare.samplers", "unknown particle sampler '\(sampler)'",
                hint: "use \(particleSamplers.joined(separator: ", "))")
        }
    }

    /// Every cell, in report order.
    public var cells: [ComparisonCell] {
        var out: [ComparisonCell] = []
        let names = requests.map(\.description)
        let steps = settings.steps.map(Double.init)
        let sweeps = settings.sweeps.map(Double.init)
        /// `method` on every schedule, at every value.
        func onEverySchedule(_ method: ComparisonMethod, _ values: [Double]) {
            for s in names { for v in values { out.append(ComparisonCell(method: method, schedule: s, value: v)) } }
        }
        /// The Fokker–Planck reference and the particle samplers, on every schedule and step count.
        func fokkerPlanckAndSamplers() {
            onEverySchedule(.fokkerPlanck, steps)
            for sampler in settings.samplers {
                guard let m = ComparisonMethod(rawValue: sampler) else { continue }
                onEverySchedule(m, steps)
            }
        }
        switch subject {
        case .landscape:
            onEverySchedule(.quantum, settings.times)
            onEverySchedule(.langevinPath, settings.times)
            fokkerPlanckAndSamplers()
        case .scoreField:
            // No annealed-Langevin twin: its Fokker–Planck run starts from the landscape's exact
            // marginal at t_max and uses its exact score.
            onEverySchedule(.quantum, settings.times)
            fokkerPlanckAndSamplers()
        case .annealing(let a):
            let exact = a.exactSkipped == nil
            if exact {
                onEverySchedule(.quantum, settings.times)
                onEverySchedule(.flipChain, settings.times)
                onEverySchedule(.reverseFlip, steps)
            }
            for n in sweeps { out.append(ComparisonCell(method: .simulatedAnnealing, schedule: "", value: n)) }
            // SA on every schedule too: β(s(τ)) through the flip-diffusion map (PathTemperature).
            if a.spec.path.driver == .transverseField { onEverySchedule(.simulatedAnnealing, sweeps) }
            if settings.pathIntegral ?? !exact { onEverySchedule(.pathIntegral, sweeps) }
        }
        return out
    }

    /// The store key of `cell`: the problem's fingerprint, the cell, and every setting the
    /// cell depends on.
    public func key(for cell: ComparisonCell) -> String {
        let s = settings
        var parts = [
            Self.cellVersion, name, fingerprint, cell.method.rawValue, "schedule=\(cell.schedule)", "value=\(cell.value)",
        ]
        if let r = requests.first(where: { $0.description == cell.schedule }), r.name?.needsGapProfile == true {
            parts.append("gap_samples=\(s.gapSamples)")
        }
        switch cell.method {
        case .quantum: parts.append("rtol=\(s.rtol),method=split4")
        case .langevinPath, .fokkerPlanck: break
        case .simulatedAnnealing, .pathIntegral:
            // readout: the cell carries the residual energy, TTS₉₉ and the reference.
            parts.append("samples=\(s.samples),seed=\(s.seed),readout=1")
        default:  // the samplers
            parts.append("samples=\(s.samples),seed=\(s.seed)")
        }
        return parts.joined(separator: "|")
    }

    /// Runs one cell; a failure becomes the cell's status.
    public func run(_ cell: ComparisonCell) -> CellResult { attempt(cell).result }

    /// Runs one cell; a failure becomes the cell's status, and a file `ground_energy` above an
    /// energy a read found (bad input, not a failed cell) is also handed back to stop the run.
    func attempt(_ cell: ComparisonCell) -> (result: CellResult, badInput: InputError?) {
        let start = Date()
        do {
            var result = try compute(cell)
            if result.seconds == 0 { result.seconds = Date().timeIntervalSince(start) }
            return (result, nil)
        } catch let e as InputError where e.location == SpinReadout.fileReferenceLocation {
            return (CellResult(seconds: Date().timeIntervalSince(start), status: "error: \(e)"), e)
        } catch {
            return (CellResult(seconds: Date().timeIntervalSince(start), status: "error: \(error)"), nil)
        }
    }

    private func schedule(_ cell: ComparisonCell) throws -> Schedule {
        guard let s = schedules[cell.schedule] else {
            throw InputError("schedule", "'\(cell.schedule)' is not in this comparison")
        }
        return s
    }

    private func compute(_ cell: ComparisonCell) throws -> CellResult {
        switch subject {
        case .landscape(let l): return try computeLandscape(cell, l)
        case .annealing(let a): return try computeAnnealing(cell, a)
        case .scoreField(let f): return try computeScoreField(cell, f)
        }
    }

    private func request(_ cell: ComparisonCell) throws -> ScheduleRequest {
        guard let r = requests.first(where: { $0.description == cell.schedule }) else {
            throw InputError("schedule", "'\(cell.schedule)' is not in this comparison")
        }
        return r
    }

    // MARK: score-field cells

    /// A score field's cells run `evolve` and `sample` on the field (docs/score-fields.md):
    /// the same code, the same target; only the metrics are taken here, as on landscapes.
    private func computeScoreField(_ cell: ComparisonCell, _ f: ScoreFieldSubject) throws -> CellResult {
        let problem = Problem.scoreField(f.problem)
        switch cell.method {
        case .quantum:
            var evolve = EvolveRequest()
            evolve.totalTime = cell.value
            evolve.schedule = try request(cell)
            evolve.method = .split4
            evolve.rtol = settings.rtol
            guard case .scoreField(_, _, _, _, _, let r) = try problem.evolve(evolve) else {
                throw InputError("method", "evolve returned no score-field solution")
            }
            let (fidelity, tv) = Self.stateMetrics(r.finalState, target: f.target)
            return CellResult(
                fidelity: fidelity, tv: tv, evaluations: r.statistics.evaluations, seconds: r.statistics.seconds,
                status: r.status.description)
        case .langevinPath, .flipChain, .reverseFlip, .simulatedAnnealing, .pathIntegral:
            throw InputError("method", "\(cell.method.rawValue) does not run on a score field")
        default:  // the Fokker–Planck law and the particle samplers, as `sample` runs them
            let kind = cell.method.particleSampler?.kind ?? .fokkerPlanck
            var sample = SampleRequest(sampler: cell.method.rawValue, seed: settings.seed)
            sample.steps = Int(cell.value)
            if kind != .fokkerPlanck { sample.samples = settings.samples }
            sample.schedule = try request(cell)
            guard case .landscape(_, let outcome, _) = try problem.sample(sample) else {
                throw InputError("method", "sample returned no landscape solution")
            }
            let r = outcome.report
            let sampled = kind != .fokkerPlanck
            return CellResult(
                fidelity: r.fidelity, fidelityStderr: sampled ? r.fidelityStderr : nil, tv: r.tv,
                tvStderr: sampled ? r.tvStderr : nil, tvNoiseFloor: r.tvNoiseFloor, evaluations: r.scoreEvaluations,
                seconds: r.seconds, status: "success", leftBox: sampled ? r.leftBox : nil)
        }
    }

    // MARK: landscape cells

    private func computeLandscape(_ cell: ComparisonCell, _ l: LandscapeSubject) throws -> CellResult {
        switch cell.method {
        case .quantum:
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            let r = try LandscapeEvolution.run(
                path: l.path, schedule: try schedule(cell), totalTime: cell.value, method: .split4, options: options)
            let (f, tv) = Self.stateMetrics(r.finalState, target: l.target)
            return CellResult(
                fidelity: f, tv: tv, evaluations: r.statistics.evaluations, seconds: r.statistics.seconds,
                status: r.status.description)
        case .langevinPath:
            let total = cell.value
            let steps = min(20_000, max(400, Int((50 * total).rounded(.up))))
            let dpath = try DiffusionPath(
                process: l.path.process, tMax: l.path.tMax, schedule: try schedule(cell), steps: steps)
            let start = try GridLaw.tabulate(try l.landscape.marginal(time: l.path.tMax, process: l.path.process), on: l.grid)
            let solution = try FokkerPlanckSolver.run(
                FokkerPlanckProblem(
                    grid: l.grid, score: ExactScore(l.landscape, process: l.path.process), path: dpath,
                    dynamics: .langevinPath(totalTime: total), initial: start), method: .trBDF2)
            let c = try solution.density.compare(to: l.target)
            return CellResult(
                fidelity: c.fidelity, tv: c.totalVariation, evaluations: solution.statistics.scoreEvaluations,
                seconds: solution.statistics.seconds, status: "success")
        case .flipChain, .reverseFlip, .simulatedAnnealing, .pathIntegral:
            throw InputError("method", "\(cell.method.rawValue) runs on annealing problems")
        default:  // the Fokker–Planck law and the particle samplers
            let kind = cell.method.particleSampler?.kind ?? .fokkerPlanck
            let dpath = try DiffusionPath(
                process: l.path.process, tMax: l.path.tMax, schedule: try schedule(cell), steps: Int(cell.value))
            let request = SamplingRun(
                landscape: l.landscape, reference: l.reference, grid: l.grid, path: dpath, sampler: kind,
                particles: kind == .fokkerPlanck ? 0 : settings.samples, seed: settings.seed)
            let r = try request.run().report
            let sampled = kind != .fokkerPlanck
            return CellResult(
                fidelity: r.fidelity, fidelityStderr: sampled ? r.fidelityStderr : nil, tv: r.tv,
                tvStderr: sampled ? r.tvStderr : nil, tvNoiseFloor: r.tvNoiseFloor, evaluations: r.scoreEvaluations,
                seconds: r.seconds, status: "success")
        }
    }

    /// `F = |⟨√p₀|ψ⟩|²/‖ψ‖²` and `TV = ½Σ||ψ|²/‖ψ‖² − p₀|ΔV` of an interleaved complex state on
    /// the grid of `target` (docs/theory.md §6; `p₀` normalised on the grid).
    static func stateMetrics(_ psi: [Double], target: GridLaw) -> (fidelity: Double?, tv: Double?) {
        let n = target.values.count
        guard psi.count == 2 * n else { return (nil, nil) }
        let dv = target.grid.cellVolume
        var norm = 0.0
        var re = 0.0
        var im = 0.0
        for k in 0..<n {
            let a = psi[2 * k]
            let b = psi[2 * k + 1]
            norm += (a * a + b * b) * dv
            let w = target.values[k].squareRoot() * dv
            re += w * a
            im += w * b
        }
        guard norm > 0 else { return (nil, nil) }
        var tv = 0.0
        for k in 0..<n {
            let rho = (psi[2 * k] * psi[2 * k] + psi[2 * k + 1] * psi[2 * k + 1]) / norm
            tv += abs(rho - target.values[k])
        }
        return ((re * re + im * im) / norm, 0.5 * tv * dv)
    }

    // MARK: annealing cells

    /// The flip diffusion's schedule for a request: `flip:NAME` is NAME on the flip diffusion
    /// (the reverse chain then walks the very laws whose Score Hamiltonians the annealing path
    /// visits, exactly for product laws); a plain name is read as `u` with `t = t_max(1 − u)`.
    func flipDiffusionSchedule(_ request: ScheduleRequest) throws -> (schedule: Schedule, tMax: Double) {
        var base = request
        base.direction = nil
        let s = try library.schedule(base)
        return (s, library.diffusionHorizon(for: base.name?.noiseSchedule).tMax)
    }

    /// The reference energy of the classical samplers' `P(ground)` and residual energy: the
    /// register's exact ground energy when the exact side runs; otherwise the file's
    /// `ground_energy` (nil: the sampler enumerates up to 24 spins or takes the best read).
    func classicalReference(_ a: AnnealingSubject) -> (energy: Double?, exact: Bool) {
        if let h = a.hamiltonian { return (h.problemGround.energy, true) }
        return (a.spec.groundEnergy, false)
    }

    private func computeAnnealing(_ cell: ComparisonCell, _ a: AnnealingSubject) throws -> CellResult {
        let seed = settings.seed
        let reference = classicalReference(a)
        switch cell.method {
        case .simulatedAnnealing:
            var options = SimulatedAnnealingOptions(samples: settings.samples, sweeps: Int(cell.value), seed: seed)
            // "" is SA's own geometric β ramp; a schedule drives β(s(τ)) along the problem's path.
            if !cell.schedule.isEmpty { options.follow = (a.spec.path, try schedule(cell)) }
            let r = try SimulatedAnnealing.run(a.model, options: options, groundEnergy: reference.energy)
            return Self.spinResult(r, exactReference: reference.exact)
        case .pathIntegral:
            guard a.spec.diagonalTerms.isEmpty else {
                throw InputError(
                    "PROBLEM",
                    "'\(a.spec.name)' has single-state energy terms; path-integral annealing samples quadratic models only")
            }
            let r = try PathIntegralAnnealing.run(
                a.model, path: a.spec.path, schedule: try schedule(cell),
                options: PathIntegralOptions(samples: settings.samples, sweeps: Int(cell.value), seed: seed),
                groundEnergy: reference.energy, initialSpins: a.spec.initialSpins)
            return Self.spinResult(r, exactReference: reference.exact)
        default: break
        }
        guard let h = a.hamiltonian else {
            throw InputError("method", "\(cell.method.rawValue) needs the register: \(a.exactSkipped ?? "")")
        }
        switch cell.method {
        case .quantum:
            var options = EvolutionOptions.recommended(for: .split4)
            options.rtol = settings.rtol
            let problem = try AnnealingProblem(
                hamiltonian: h, schedule: try schedule(cell), totalTime: cell.value, initialSpins: a.spec.initialSpins)
            let r = try AnnealingEvolution.run(problem, method: .split4, options: options)
            return CellResult(
                fidelity: r.fidelity, groundStateProbability: r.groundStateProbability, evaluations: r.statistics.evaluations,
                seconds: r.statistics.seconds, status: r.status.description)
        case .flipChain:
            let start = try a.spec.initialSpins.map { try h.model.state(of: $0) }
            guard let annealing = a.annealing else { throw InputError("method", "flip-chain needs the register") }
            let chain = try FlipChainAnnealingProblem(
                annealing: annealing, schedule: try schedule(cell), totalTime: cell.value, initialState: start)
            let r = try AnnealedFlipChain.run(
                chain, options: AnnealedFlipChainOptions(samples: settings.samples, cells: 100, seed: seed))
            return Self.spinResult(r)
        case .reverseFlip:
            guard let request = requests.first(where: { $0.description == cell.schedule }) else {
                throw InputError("schedule", "'\(cell.schedule)' is not in this comparison")
            }
            let (s, tMax) = try flipDiffusionSchedule(request)
            let diffusion = try ReverseFlipDiffusion(
                target: try .groundStates(of: h.model), rate: library.flipRate, maximumTime: tMax, schedule: s, prior: .marginal)
            let r = try ReverseFlipChain.run(
                diffusion, options: ReverseFlipChainOptions(samples: settings.samples, cells: Int(cell.value), seed: seed),
                energies: h.register.diagonal, groundStates: h.problemGround.states, groundEnergy: h.problemGround.energy)
            return Self.spinResult(r)
        default:
            throw InputError("method", "\(cell.method.rawValue) runs on landscapes")
        }
    }

    /// Where no exact or file reference exists, each simulated- or path-integral-annealing cell
    /// measured `P(ground)`, residual energy and TTS₉₉ against the best energy *it* found; this
    /// puts every such cell against the best energy found by *any* cell of the comparison (the
    /// same instance), so cells compare: a cell whose best read lies above it reached it in no
    /// read (`P = 0`, TTS₉₉ infinite) and its residual energy rises by the difference per spin.
    /// Exact from the cells' summaries (no reads needed), and redone on every run, so resumed and
    /// merged runs agree.
    func shareBestFound(_ results: inout [ComparisonCell: CellResult]) throws {
        guard case .annealing(let a) = subject else { return }
        let own = results.filter {
            ($0.key.method == .simulatedAnnealing || $0.key.method == .pathIntegral)
                && $0.value.referenceSource == GroundEnergySource.bestFound.rawValue && $0.value.referenceEnergy != nil
        }
        guard let best = own.compactMap({ $0.value.referenceEnergy }).min() else { return }
        let tolerance = SpinReadout.tolerance(a.model)
        let n = Double(max(a.qubits, 1))
        for (cell, var r) in own {
            guard let mine = r.referenceEnergy else { continue }
            if mine > best + tolerance {
                r.residualEnergyPerSpin = r.residualEnergyPerSpin.map { $0 + (mine - best) / n }
                r.groundStateProbability = 0
                r.groundStateStderr = 0
                let tts = try TimeToSolution.estimate(
                    hits: 0, reads: settings.samples, sweepsPerRead: cell.value, seed: settings.seed)
                r.tts99 = tts.sweeps
                r.tts99Low = tts.low
                r.tts99High = tts.high
            }
            r.referenceEnergy = best
            results[cell] = r
        }
    }

    /// The cell of a spin sampler's result; `exactReference`: the reference given to the
    /// sampler is the register's exact ground energy (not a file's).
    static func spinResult(_ r: SpinSampleResult, exactReference: Bool = false) -> CellResult {
        var c = CellResult(
            groundStateProbability: r.groundStateProbability, groundStateStderr: r.groundStateStderr,
            evaluations: r.statistics.candidates, seconds: r.statistics.seconds, status: r.status.description)
        guard let tts = r.timeToSolution else { return c }
        c.residualEnergyPerSpin = r.residualEnergyPerSpin
        c.residualEnergyPerSpinStderr = r.residualEnergyPerSpinStderr
        c.tts99 = tts.sweeps
        c.tts99Low = tts.low
        c.tts99High = tts.high
        c.referenceEnergy = r.groundEnergy
        c.referenceSource = exactReference ? GroundEnergySource.exact.rawValue : r.groundEnergySource?.rawValue
        return c
    }

    // MARK: the sweep

    /// Runs every cell not yet in `store` (nil: all), records each finished cell there, and
    /// returns the report. `progress(done, total, label)` follows the cells computed.
    public func run(
        store: CellStore<CellResult>? = nil, progress: (@Sendable (Int, Int, String) -> Void)? = nil
    ) throws -> ComparisonReport {
        var record: (@Sendable (CellResult, String) throws -> Void)? = nil
        if let store { record = { value, key in try store.record(value, for: key) } }
        return try run(stored: { key in store?.value(for: key) }, record: record, computing: nil, progress: progress)
    }

    /// Runs the cells `computing` selects (nil: every cell) that `stored` does not hold, hands
    /// each finished one to `record` (with its key), and returns the report of every cell that
    /// is stored or computed (a campaign shard computes its own share; a merge computes none).
    public func run(
        stored: (String) -> CellResult?, record: (@Sendable (CellResult, String) throws -> Void)?,
        computing: ((ComparisonCell) -> Bool)?, progress: (@Sendable (Int, Int, String) -> Void)? = nil
    ) throws -> ComparisonReport {
        let started = Date()
        let gaps: PathGaps
        if case .annealing(let a) = subject, let why = a.exactSkipped {
            gaps = PathGaps(parameterName: "s", parameter: [], progress: [], gap: [], unusable: why)
        } else if case .scoreField = subject {
            gaps = PathGaps(
                parameterName: "time", parameter: [], progress: [], gap: [],
                unusable: "on a score field the gap profile is spectrum --profile's (docs/score-fields.md)")
        } else {
            gaps = try library.gaps()
        }
        let all = cells
        var results: [ComparisonCell: CellResult] = [:]
        var pending: [ComparisonCell] = []
        for c in all {
            if let done = stored(key(for: c)) {
                results[c] = done
            } else if computing?(c) ?? true {
                pending.append(c)
            }
        }
        let reused = results.count
        let lock = NSLock()
        let counter = SharedCounter()
        let total = pending.count
        let box = ResultBox()
        let finish: @Sendable (ComparisonCell, CellResult) -> Void = { [self] cell, result in
            // Failed cells are not stored: a rerun tries them again. A failed append (a full disk)
            // stops the sweep: the cells still pending are skipped and the error is thrown below.
            if result.status.hasPrefix("error") == false, let record {
                do { try record(result, self.key(for: cell)) } catch { box.fail(error, lock: lock) }
            }
            let done = counter.increment()
            progress?(done, total, "\(cell.method.rawValue) \(cell.schedule) \(cell.method.axis)=\(Self.format(cell.value))")
        }
        var collected: [(ComparisonCell, CellResult)] = []
        // Single-core cells side by side, longest first; ensemble cells one at a time.
        let single = pending.filter { !$0.method.usesAllCores }.sorted { $0.value > $1.value }
        let multi = pending.filter { $0.method.usesAllCores }
        Parallel.forEachTask(single.count) { i in
            if box.failure(lock: lock) != nil { return }
            let (r, bad) = self.attempt(single[i])
            if let bad { box.fail(bad, lock: lock) }
            box.append(single[i], r, lock: lock)
            finish(single[i], r)
        }
        for c in multi {
            if box.failure(lock: lock) != nil { break }
            let (r, bad) = attempt(c)
            if let bad { box.fail(bad, lock: lock) }
            box.append(c, r, lock: lock)
            finish(c, r)
        }
        if let error = box.failure(lock: lock) { throw error }
        collected = box.items
        for (c, r) in collected { results[c] = r }
        try shareBestFound(&results)
        let rows = all.compactMap { c in results[c].map { ComparisonRow(cell: c, result: $0) } }
        return ComparisonReport(
            problem: name, summary: summary,
            kind: {
                switch subject {
                case .landscape: return "landscape"
                case .scoreField: return "score-field"
                case .annealing: return "annealing"
                }
            }(),
            settings: settings, grid: gridDescription, gaps: gaps, schedules: scheduleCurves(), rows: rows,
            cells: .init(total: all.count, computed: total, reused: reused), seconds: Date().timeIntervalSince(started),
            notes: notes(), context: context(gaps: gaps))
    }

    /// How the landscape cells were discretised, or the register size.
    public var gridDescription: String {
        switch subject {
        case .landscape(let l):
            let original: String
            if case .grid(let g, _) = l.problem.discretisation {
                original = g.points.map(String.init).joined(separator: "×")
            } else {
                original = "?"
            }
            return
                "\(l.grid.points.map(String.init).joined(separator: "×")) nodes on \(l.grid) (problem file: \(original); 3-point stencil), \(l.path.process.rawValue), t_max = \(l.path.tMax)"
        case .annealing(let a):
            return "\(a.qubits) qubits, path \(a.spec.path.name)"
        case .scoreField(let f):
            return
                "\(f.grid.points.map(String.init).joined(separator: "×")) nodes on \(f.grid) (the score field's own grid; 3-point stencil), \(f.problem.process.rawValue), tables from t = \(Self.format(f.start)) down to t₀ = \(Self.format(f.end)); target: \(f.targetDescription)"
        }
    }

    /// `u(r)` of every schedule at 101 run times, for the schedule plot.
    func scheduleCurves() -> [Curve] {
        let r = (0...100).map { Double($0) / 100 }
        return requests.compactMap { req in
            schedules[req.description].map { s in
                Curve(label: req.description, x: r, y: r.map { s.progress(at: $0) })
            }
        }
    }

    /// Plain-language notes for the report (the cross-domain map's exactness, …).
    func notes() -> [String] {
        var out: [String] = []
        if case .scoreField(let f) = subject {
            out.append(
                "Score field: both sides run from the last table t = \(Self.format(f.start)) to the first, t₀ = \(Self.format(f.end)), and are measured against the same target law, \(f.targetDescription). The quantum side is evolve's Score-Hamiltonian path H_S(t) (linear in t between tables), started in the ground state of H_S at the last table; the classical side is sample's reverse SDE (its Fokker–Planck law) and particle samplers on the interpolated field (Catmull–Rom in space, linear in t), from the prior restricted to the box; particles that leave the box are dropped."
            )
            out.append(
                "Annealed Langevin's Fokker–Planck twin is not run on a score field (it needs a landscape's exact marginals), and the gap profile is not computed here (use spectrum --profile)."
            )
            if !droppedSchedules.isEmpty {
                out.append(
                    "Left out: \(droppedSchedules.joined(separator: ", ")); runs on a score field use the linear schedule in t.")
            }
        }
        if case .annealing(let a) = subject {
            if let why = a.exactSkipped {
                out.append(
                    "The exact side is skipped: \(why). Quantum annealing, the annealed flip chain, the reverse flip chain and the gap profile need the 2ⁿ-amplitude register; simulated annealing and path-integral annealing run on neighbour lists."
                )
                if !droppedSchedules.isEmpty {
                    out.append(
                        "Left out: \(droppedSchedules.joined(separator: ", ")), built from the gap or the flip diffusion on the register."
                    )
                }
                out.append(
                    "Reads: \(settings.samples) per cell (the default where the exact side is skipped is \(ComparisonSettings.readsAtScale), 2000 otherwise; --samples sets it). At 100 reads TTS₉₉'s 95% interval spans about ×0.6–2.1 of its value at P(ground) = 0.1 (docs/compare.md#defaults)."
                )
            }
            if settings.pathIntegral ?? (a.exactSkipped != nil) {
                out.append(
                    "Path-integral annealing (SQA) runs on the problem's path H(s) = −A(s)Σσxᵢ + B(s)Hₚ with each schedule, sweep t of N at s = s((t + ½)/N), \(PathIntegralAnnealing.defaultSlices) Trotter slices at β = M/(B(1)·J_rms) (docs/sqa.md); its reads are its lowest-energy slices."
                )
                let r = classicalReference(a)
                out.append(
                    r.exact
                        ? "P(ground), residual energy per spin and TTS₉₉ of the classical samplers are against the exact ground energy of Hₚ."
                        : r.energy != nil
                            ? "P(ground), residual energy per spin and TTS₉₉ of the classical samplers are against the file's ground_energy."
                            : a.qubits <= SpinReadout.enumerationLimit
                                ? "P(ground), residual energy per spin and TTS₉₉ of the classical samplers are against the ground energy found by enumeration."
                                : "The file gives no ground_energy: P(ground), residual energy and TTS₉₉ of the classical cells are against the best energy found by any cell of this comparison (reference_energy; reference_source says best-found), so the cells compare; P(ground) is then an upper bound."
                )
            }
            if a.exactSkipped == nil, requests.contains(where: { $0.direction == .toAnnealing }), let map = try? library.flipMap()
            {
                out.append("flip: schedules are carried to the annealing path by the flip-diffusion correspondence: \(map.note).")
            }
            if a.exactSkipped == nil {
                out.append(
                    "The reverse flip chain runs the flip diffusion of the uniform law on the ground states: flip:NAME uses NAME's own diffusion times; a plain schedule is read as u with t = t_max(1 − u)."
                )
            }
            if a.spec.path.driver == .transverseField {
                let cold = SimulatedAnnealing.defaultBetaRange(a.model).cold
                let map = try? PathTemperature(model: a.model, path: a.spec.path, schedule: .linear, range: (0, cold))
                out.append(
                    "Simulated annealing runs with its own geometric β ramp (dwave-samplers' default range; the row 'geometric β', the same for every schedule) and on each schedule, with β following s(τ) through the flip-diffusion map: \(map?.note ?? "β(s) = asinh(ε·B/A)/ε"), clipped at β_cold = \(String(format: "%.4g", cold)) where A(s) → 0, sweep t of N at s((t + ½)/N) (docs/sqa.md)."
                )
            } else {
                out.append(
                    "Simulated annealing has its own geometric β schedule (dwave-samplers' default range); it is the same in every row."
                )
            }
        }
        return out
    }

    public static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(format: "%g", x)
    }
}

/// Results gathered from concurrent cells.
final class ResultBox: @unchecked Sendable {
    private(set) var items: [(ComparisonCell, CellResult)] = []
    private var error: Error?
    func fail(_ e: Error, lock: NSLock) {
        lock.lock()
        if error == nil { error = e }
        lock.unlock()
    }
    func failure(lock: NSLock) -> Error? {
        lock.lock()
        defer { lock.unlock() }
        return error
    }
    func append(_ c: ComparisonCell, _ r: CellResult, lock: NSLock) {
        lock.lock()
        items.append((c, r))
        lock.unlock()
    }
}
