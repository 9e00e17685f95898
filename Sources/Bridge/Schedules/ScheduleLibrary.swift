import AdiabatCore
import Foundation
import Landscapes
import Problems
import Quantum

/// A parsed `--schedule` value: a library name (with the boundary-cancelling order), a CSV
/// table of `(r, u)` points, optionally carried across domains.
///
/// Syntax: `NAME`, `boundary-cancelling-K`, `FILE.csv` (rows `r, u`, joined by straight lines:
/// pauses, quenches), and the prefixes `flip:` (a diffusion schedule of the problem's flip
/// diffusion, carried to the annealing path by the exact correspondence) and `anneal:` (an
/// annealing schedule carried to the flip diffusion).
public struct ScheduleRequest: Sendable, Hashable, CustomStringConvertible {
    public enum Source: Sendable, Hashable {
        case named(ScheduleName)
        case table(path: String)
        /// A diffusers `scheduler_config.json` (docs/data-out.md#schedules).
        case diffusers(path: String)
    }

    public var source: Source
    /// The order of `boundary-cancelling`.
    public var order: Int
    /// A cross-domain conversion (nil: none).
    public var direction: CorrespondenceDirection?

    public init(_ name: ScheduleName, order: Int = 2, direction: CorrespondenceDirection? = nil) {
        self.source = .named(name)
        self.order = order
        self.direction = direction
    }

    /// Every spelling the parser accepts, for help texts.
    public static var spellings: [String] {
        ScheduleName.allCases.map(\.rawValue) + [
            "boundary-cancelling-K", "FILE.csv", "scheduler_config.json", "flip:NAME", "anneal:NAME",
        ]
    }

    /// Parses `text`; `order` is the default boundary-cancelling order (`--order`); errors name
    /// `parameter` (`evolve.schedule`, `compare.schedules`; bare `schedule` when the caller
    /// does not say).
    public static func parse(_ text: String, order: Int = 2, parameter: String = "schedule") throws -> ScheduleRequest {
        var body = text.trimmingCharacters(in: .whitespaces)
        var direction: CorrespondenceDirection? = nil
        if body.hasPrefix("flip:") {
            direction = .toAnnealing
            body.removeFirst(5)
        } else if body.hasPrefix("anneal:") {
            direction = .toDiffusion
            body.removeFirst(7)
        }
        guard (0...12).contains(order) else { throw InputError("schedule.order", "must be 0…12 (got \(order))") }
        if body.lowercased().hasSuffix(".csv") {
            return ScheduleRequest(source: .table(path: body), order: order, direction: direction)
        }
        if body.lowercased().hasSuffix(".json") {
            return ScheduleRequest(source: .diffusers(path: body), order: order, direction: direction)
        }
        if let name = ScheduleName(rawValue: body) {
            return ScheduleRequest(source: .named(name), order: order, direction: direction)
        }
        let prefix = "boundary-cancelling-"
        if body.hasPrefix(prefix), let k = Int(body.dropFirst(prefix.count)) {
            guard (0...12).contains(k) else {
                throw InputError(parameter, "boundary-cancelling order must be 0…12 (got \(k))")
            }
            return ScheduleRequest(source: .named(.boundaryCancelling), order: k, direction: direction)
        }
        throw InputError(
            parameter, "unknown schedule '\(text)'",
            hint:
                "use one of \(ScheduleName.allCases.map(\.rawValue).joined(separator: ", ")), boundary-cancelling-K, a FILE.csv of r,u rows, or flip:NAME / anneal:NAME"
        )
    }

    /// Parses a comma-separated list (`--schedules a,b`); a `.csv` path may not contain commas.
    public static func parseList(
        _ text: String, order: Int = 2, parameter: String = "compare.schedules"
    ) throws -> [ScheduleRequest] {
        let parts = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw InputError(parameter, "names no schedule") }
        var out: [ScheduleRequest] = []
        for p in parts {
            let r = try parse(p, order: order, parameter: parameter)
            if !out.contains(r) { out.append(r) }
        }
        return out
    }

    private init(source: Source, order: Int, direction: CorrespondenceDirection?) {
        self.source = source
        self.order = order
        self.direction = direction
    }

    /// The canonical spelling (the schedule's label in reports and cell keys).
    public var description: String {
        let body: String
        switch source {
        case .named(.boundaryCancelling): body = "boundary-cancelling-\(order)"
        case .named(let n): body = n.rawValue
        case .table(let path): body = path
        case .diffusers(let path): body = path
        }
        switch direction {
        case .toAnnealing: return "flip:" + body
        case .toDiffusion: return "anneal:" + body
        case nil: return body
        }
    }

    /// The library name, if any.
    public var name: ScheduleName? {
        if case .named(let n) = source { return n }
        return nil
    }
}

/// A gap profile reduced to what schedules and plots need: progress `u`, the path
/// parameter (`t` or `s`), and the gap a gap-adaptive schedule uses (the adiabatic gap on
/// annealing paths).
public struct PathGaps: Sendable, Codable, Equatable {
    /// `time` (landscapes) or `s` (annealing).
    public var parameterName: String
    public var parameter: [Double]
    public var progress: [Double]
    public var gap: [Double]
    /// `E₁ − E₀` where it differs from ``gap`` (annealing: the whole register's gap).
    public var fullGap: [Double]?
    /// Why ``gap`` cannot drive a schedule (nil: it can). On annealing paths whose `H_P` has
    /// 32 or more degenerate ground states the adiabatic gap is not computed and ``gap``
    /// holds `E₁ − E₀`, which closes at the end.
    public var unusable: String?

    public init(
        parameterName: String, parameter: [Double], progress: [Double], gap: [Double], fullGap: [Double]? = nil,
        unusable: String? = nil
    ) {
        self.parameterName = parameterName
        self.parameter = parameter
        self.progress = progress
        self.gap = gap
        self.fullGap = fullGap
        self.unusable = unusable
    }

    public init(_ profile: GapProfile) {
        self.init(
            parameterName: profile.coordinate.parameterName, parameter: profile.parameters, progress: profile.progress,
            gap: profile.gaps)
    }

    /// results.json's `gap_profile` keys are snake case like every other key.
    enum CodingKeys: String, CodingKey {
        case parameter, progress, gap, unusable
        case parameterName = "parameter_name"
        case fullGap = "full_gap"
    }

    /// The camel-case keys results.json carried before they were snake case.
    private enum EarlierKeys: String, CodingKey {
        case parameterName, fullGap
    }

    /// Reads the snake-case keys, and the camel-case ones of reports written before.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let earlier = try decoder.container(keyedBy: EarlierKeys.self)
        self.init(
            parameterName: try c.decodeIfPresent(String.self, forKey: .parameterName)
                ?? earlier.decode(String.self, forKey: .parameterName),
            parameter: try c.decode([Double].self, forKey: .parameter),
            progress: try c.decode([Double].self, forKey: .progress), gap: try c.decode([Double].self, forKey: .gap),
            fullGap: try c.decodeIfPresent([Double].self, forKey: .fullGap)
                ?? earlier.decodeIfPresent([Double].self, forKey: .fullGap),
            unusable: try c.decodeIfPresent(String.self, forKey: .unusable))
    }

    /// The smallest gap and where it is.
    public var minimum: (gap: Double, parameter: Double) {
        var best = 0
        for i in gap.indices where gap[i] < gap[best] { best = i }
        return gap.isEmpty ? (.nan, .nan) : (gap[best], parameter[best])
    }

    /// `du/dr ∝ g^power`.
    public func schedule(power: Double, name: String) throws -> Schedule {
        if let unusable {
            throw InputError(
                "schedule", "\(name) needs the adiabatic gap: \(unusable)",
                hint: "use a fixed schedule (linear, cosine, boundary-cancelling)")
        }
        return try Schedule.gapAdaptive(progress: progress, gaps: gap, power: power, name: name)
    }
}

/// Builds schedules by name for one problem, so that `evolve`, `sample`, `schedule` and
/// `compare` agree on what each name means (docs/schedules.md).
///
/// The gap profile behind `roland-cerf` and `gap-adaptive` is measured once, on first use,
/// at ``gapSamples`` equally spaced points of the path (or given), and cached.
public final class ScheduleLibrary: @unchecked Sendable {
    public enum Context: Sendable {
        /// A landscape's Score-Hamiltonian path: `t = t_max(1 − u)` on its process's clock.
        case landscape(LandscapePath)
        /// An annealing problem: `s = u`; its own `[schedule]`; its flip diffusion for
        /// `flip:`/`anneal:` and for the diffusion names' horizon.
        case annealing(AnnealingSpec, AnnealingHamiltonian)
        /// No problem: a diffusion horizon and clock (and, for `flip:`, a field scale).
        case free(process: ForwardProcess, tMax: Double, map: FlipDiffusionMap?)
    }

    public let context: Context
    public let gapSamples: Int
    /// The flip diffusion's rate γ and horizon on annealing problems (nil: the default
    /// ``FlipDiffusionMap/defaultTMax(qubits:rate:)``).
    public let flipRate: Double
    public let flipTMax: Double?
    /// The flip diffusion's target law on annealing problems: `e^{−βH_P}` (nil: uniform on
    /// the ground states).
    public let flipBeta: Double?
    /// The work budget of the gap profile (`run.max_work`; nil: the default), checked before
    /// it is measured (``SpectrumWorkEstimate``).
    public let maxWork: Double?
    /// Called with (points done, points) while the gap profile is measured, and (0, points)
    /// after the estimate is announced through ``announce``.
    public let progress: (@Sendable (Int, Int) -> Void)?
    /// Called before a gap profile estimated at more than 5 s starts: (seconds, summary).
    public let announce: (@Sendable (Double, String) -> Void)?
    /// The section whose parameters the library's errors name: `schedule` (`schedule.t_max`),
    /// `sample`, `evolve` or `compare`, after the command that asked for the schedules.
    public let scope: String
    private let lock = NSLock()
    private var cachedGaps: PathGaps?
    private var cachedMap: FlipDiffusionMap?

    /// The library with no problem behind it (`adiabat schedule NAME` alone): a diffusion of
    /// `process` to `tMax` (default 3), and, with a field scale `ε`, the exact flip-diffusion map
    /// of a product law with `|h| = ε` (targeting `e^{−βH_P}` when `beta` is given) for `flip:` and
    /// `anneal:` schedules.
    public static func free(
        process: ForwardProcess, tMax: Double?, fieldScale: Double?, beta: Double?, flipRate: Double, gapSamples: Int
    ) throws -> ScheduleLibrary {
        let map = try fieldScale.map {
            FlipDiffusionMap(
                correspondence: try FlipDiffusionCorrespondence(fieldScale: $0, beta: beta, rate: flipRate), exact: true,
                note: "exact: a product law with |h| = \($0)")
        }
        return try ScheduleLibrary(
            context: .free(process: process, tMax: tMax ?? 3, map: map), gapSamples: gapSamples, flipRate: flipRate,
            flipTMax: tMax)
    }

    public init(
        context: Context, gapSamples: Int = 41, gaps: PathGaps? = nil, flipRate: Double = 1, flipTMax: Double? = nil,
        flipBeta: Double? = nil, maxWork: Double? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
        announce: (@Sendable (Double, String) -> Void)? = nil, scope: String = "schedule"
    ) throws {
        try WorkBudget.validate(maxWork)
        _ = try Checked.count(gapSamples, "\(scope).gap_samples", in: GapProfile.sampleRange)
        try Check.positive(flipRate, "\(scope).flip_rate")
        if let t = flipTMax { try Self.checkFlipHorizon(t, rate: flipRate, parameter: "\(scope).t_max") }
        if case .free(let process, let tMax, _) = context {
            try Check.positive(tMax, "\(scope).t_max")
            let horizon = process == .ou ? 50.0 : 1e6
            guard tMax <= horizon else {
                throw InputError(
                    "\(scope).t_max",
                    "\(tMax) is beyond the \(process.rawValue.uppercased()) process's horizon of \(Comparison.format(horizon))",
                    hint: process == .ou ? "the OU process forgets the data by t ≈ 10; use t_max ≤ 50" : "use t_max ≤ 1e6")
            }
        }
        self.context = context
        self.gapSamples = gapSamples
        self.cachedGaps = gaps
        self.flipRate = flipRate
        self.flipTMax = flipTMax
        self.flipBeta = flipBeta
        self.maxWork = maxWork
        self.progress = progress
        self.announce = announce
        self.scope = scope
        if case .free(_, _, let map) = context { cachedMap = map }
    }

    /// Refuses a flip-diffusion horizon `t` (named `parameter`) that is not positive or lies
    /// past the diffusion's reach at rate `rate`.
    public static func checkFlipHorizon(_ t: Double, rate: Double, parameter: String) throws {
        try Check.positive(t, parameter)
        // The flip diffusion's clock is OU's at rate γ: past γ·t ≈ 50 the data is erased and
        // e^{−2γt} underflows, so every rate would be 0/0 (the horizon OU landscapes share).
        guard t * rate <= 50 else {
            throw InputError(
                parameter,
                "\(t) is beyond the flip diffusion's horizon: γ·t_max = \(t * rate) exceeds 50 (the spins are uniform by γt ≈ 10 and e^{−2γt} underflows past 350)",
                hint: "use t_max ≤ \(Comparison.format(50 / rate))")
        }
    }

    /// The measured gap profile (computed on first use).
    public func gaps(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PathGaps {
        lock.lock()
        defer { lock.unlock() }
        if let cachedGaps { return cachedGaps }
        let result: PathGaps
        let progress = progress ?? self.progress
        switch context {
        case .landscape(let path):
            try checkWork(try path.spectrumWork(points: gapSamples, levels: 2), what: "the gap profile of the landscape path")
            result = PathGaps(try path.gapProfile(points: gapSamples, progress: progress))
        case .annealing(let spec, let h):
            try checkWork(h.spectrumWork(points: gapSamples), what: "the gap profile of \(spec.name)")
            let points = try AnnealingSpectrumReport.gapProfile(h, samples: gapSamples, levels: 2, progress: progress)
            let adiabatic = points.map { $0.adiabaticGap ?? $0.gap }
            let missing = points.contains { $0.adiabaticGap == nil }
            result = PathGaps(
                parameterName: "s", parameter: points.map(\.s), progress: points.map(\.s), gap: adiabatic,
                fullGap: points.map(\.gap),
                unusable: missing
                    ? "H_P has \(h.problemGround.states.count) degenerate ground states; the gap above so many is not computed"
                    : nil)
        case .free:
            throw InputError("schedule", "gap-adaptive schedules need a problem to measure the gap of", hint: "name a PROBLEM")
        }
        cachedGaps = result
        return result
    }

    /// Refuses a gap profile estimated beyond ``maxWork`` (naming `--gap-samples`) and
    /// announces a long one.
    private func checkWork(_ estimate: SpectrumWorkEstimate, what: String) throws {
        try estimate.check(
            maxWork: maxWork, what: "\(what) at \(gapSamples) points (for roland-cerf and gap-adaptive)",
            parameter: "\(scope).gap_samples", reduce: "\(scope).gap_samples (or use a fixed schedule)")
        if estimate.seconds > 5 { announce?(estimate.seconds, estimate.summary) }
    }

    /// The flip-diffusion map of an annealing problem (or the one given with a free context).
    public func flipMap() throws -> FlipDiffusionMap {
        lock.lock()
        defer { lock.unlock() }
        if let cachedMap { return cachedMap }
        switch context {
        case .annealing(_, let h):
            let map = try FlipDiffusionMap.forModel(h.model, beta: flipBeta, rate: flipRate)
            cachedMap = map
            return map
        case .landscape:
            throw InputError(
                "schedule", "flip: and anneal: carry schedules between a spin problem's flip diffusion and its annealing path",
                hint: "use them with an annealing problem; a landscape's schedule already is its diffusion schedule")
        case .free:
            throw InputError(
                "schedule", "flip: and anneal: need a spin problem or a field scale",
                hint: "name an annealing PROBLEM or give schedule.field_scale")
        }
    }

    /// The diffusion horizon the diffusion names are truncated at, and the clock:
    /// landscapes: the path's `t_max` and process; annealing: the flip diffusion's horizon
    /// (γt on the OU clock: the flip retention `e^{−2γt}` plays `ᾱ`).
    public func diffusionHorizon(for noise: NoiseSchedule? = nil) -> (tMax: Double, clock: DiffusionClock, scale: Double) {
        switch context {
        case .landscape(let path):
            return (path.tMax, path.process.clock, 1)
        case .free(let process, let tMax, _):
            return (tMax, process.clock, 1)
        case .annealing(_, let h):
            if let t = flipTMax { return (t, .ou, flipRate) }
            var t = FlipDiffusionMap.defaultTMax(qubits: h.qubits, rate: flipRate)
            // A schedule whose noise end comes first runs over its whole native range.
            if let noise {
                let end = noise.timeRange(clock: .ou).upperBound / flipRate
                if end.isFinite, end < t { t = end * (1 - 1e-12) }
            }
            return (t, .ou, flipRate)
        }
    }

    /// The schedule for `request`.
    public func schedule(_ request: ScheduleRequest) throws -> Schedule {
        let base = try baseSchedule(request)
        guard let direction = request.direction else { return base }
        let map = try flipMap()
        let horizon = diffusionHorizon(for: request.name?.noiseSchedule)
        return try Schedule.mapped(base, through: map.correspondence, direction: direction, tMax: horizon.tMax)
    }

    /// The schedule for a `--schedule` value.
    public func schedule(named text: String, order: Int = 2) throws -> Schedule {
        try schedule(try ScheduleRequest.parse(text, order: order))
    }

    private func baseSchedule(_ request: ScheduleRequest) throws -> Schedule {
        switch request.source {
        case .table(let path):
            let url = URL(fileURLWithPath: path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw InputError(path, "schedule table not found", hint: "give a CSV file with rows r, u (r from 0 to 1)")
            }
            let rows = try AnnealingFormats.readCSV(url, columns: 2, what: "schedule table (r, u)")
            do {
                return try Schedule.piecewiseLinear(
                    r: rows.map { $0[0] }, u: rows.map { $0[1] }, name: url.deletingPathExtension().lastPathComponent)
            } catch let e as InputError {
                throw InputError(path, e.message, hint: e.hint)
            }
        case .diffusers(let path):
            return try diffusion(try DiffusersSchedulerConfig.read(URL(fileURLWithPath: path)))
        case .named(let name):
            return try name.family.build(order: request.order, in: self)
        }
    }
}

/// What the named schedules (``AdiabatCore/ScheduleRegistry``) ask of the problem.
extension ScheduleLibrary: ScheduleContext {
    public func problemSchedule() throws -> Schedule {
        guard case let .annealing(spec, h) = context else { return .linear }
        // a file that names a schedule of this library gets it built here
        if case let .library(name, order, samples) = spec.schedule {
            let library =
                samples == gapSamples
                ? self
                : try ScheduleLibrary(
                    context: context, gapSamples: samples, flipRate: flipRate, flipTMax: flipTMax, flipBeta: flipBeta,
                    scope: scope)
            return try library.schedule(ScheduleRequest(name, order: order))
        }
        return try spec.schedule.schedule(for: h)
    }

    public func gapAdaptive(power: Double, name: String) throws -> Schedule {
        try gaps().schedule(power: power, name: name)
    }

    public func diffusion(_ noise: NoiseSchedule) throws -> Schedule {
        let h = diffusionHorizon(for: noise)
        return try Schedule.diffusion(noise, tMax: h.tMax * h.scale, clock: h.clock)
    }
}
