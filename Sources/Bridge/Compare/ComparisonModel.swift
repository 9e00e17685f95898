import AdiabatCore
import Foundation

/// What `adiabat compare` runs (docs/compare.md): schedules, run times, step counts and
/// sample sizes. Plain data; ``defaults(annealing:)`` gives the defaults.
public struct ComparisonSettings: Sendable, Codable, Equatable {
    /// Schedule spellings (``ScheduleRequest``), in plot order.
    public var schedules: [String]
    /// Total run times `T` of the real-time evolution, the Langevin path and the annealed
    /// flip chain.
    public var times: [Double]
    /// Step counts of the samplers (landscapes: path steps; spins: the reverse-flip chain's
    /// rate-grid cells).
    public var steps: [Int]
    /// The reverse-flip chain's rate-grid cells on an annealing problem: ``steps`` under its
    /// own name (`compare.cells` in errors), kept under the report's `steps` key.
    public var cells: [Int] {
        get { steps }
        set { steps = newValue }
    }
    /// Particles (landscapes) or reads (spins) per sampler cell.
    public var samples: Int
    /// Landscape particle samplers (``Diffusion/SamplerKind`` raw values, not fokker-planck).
    public var samplers: [String]
    /// Metropolis sweeps of simulated annealing (spins).
    public var sweeps: [Int]
    public var seed: UInt64
    /// Gap-profile points (the gap plot and the gap-adaptive schedules).
    public var gapSamples: Int
    /// Grid nodes per axis for the landscape cells (nil: automatic, see ``LandscapeComparison``).
    public var points: Int?
    /// Relative tolerance of the real-time evolution (split4, 2-norm per step).
    public var rtol: Double
    /// Path-integral (simulated quantum) annealing cells on every schedule over ``sweeps``
    /// (spins). nil: automatic, on exactly when the exact side is skipped (docs/compare.md).
    public var pathIntegral: Bool?

    enum CodingKeys: String, CodingKey {
        case schedules, times, steps, samples, samplers, sweeps, seed, points, rtol
        case gapSamples = "gap_samples"
        case pathIntegral = "path_integral"
    }

    public init(
        schedules: [String], times: [Double], steps: [Int], samples: Int, samplers: [String], sweeps: [Int], seed: UInt64,
        gapSamples: Int = 41, points: Int? = nil, rtol: Double = 1e-5, pathIntegral: Bool? = nil
    ) {
        self.pathIntegral = pathIntegral
        self.schedules = schedules
        self.times = times
        self.steps = steps
        self.samples = samples
        self.samplers = samplers
        self.sweeps = sweeps
        self.seed = seed
        self.gapSamples = gapSamples
        self.points = points
        self.rtol = rtol
    }

    /// The defaults: a useful page in well under a minute on two cores for the bundled
    /// 1-D landscapes and the 10-spin glass (measured in docs/compare.md).
    /// The defaults for `problem`: a score field runs the linear schedule only (its runs have
    /// no landscape path to build the others on; docs/score-fields.md).
    public static func defaults(for problem: Problem, seed: UInt64 = 20_260_605) -> ComparisonSettings {
        var s = defaults(annealing: problem.kind == .annealing, seed: seed)
        if case .scoreField = problem { s.schedules = ["linear"] }
        if case .annealing(let loaded) = problem, Comparison.exactSideLimit(qubits: loaded.spec.model.variableCount) != nil {
            s.samples = readsAtScale
        }
        return s
    }

    /// Reads per cell by default where the exact side is skipped (instances beyond the memory
    /// budget): SQA on 1000+ spins at 2000 reads costs about 1.5 h per schedule; 100 reads cost
    /// 20× less and still bound TTS₉₉ within a factor 0.6–2.1 (95% bootstrap) at P(ground) = 0.1,
    /// 0.72–1.5 at 0.3 (docs/compare.md#defaults).
    public static let readsAtScale = 100

    public static func defaults(annealing: Bool, seed: UInt64 = 20_260_605) -> ComparisonSettings {
        if annealing {
            return ComparisonSettings(
                schedules: ["linear", "cosine", "roland-cerf", "flip:ddpm-cosine"], times: [1, 2, 4, 8, 16, 32],
                steps: [5, 10, 20, 50, 100], samples: 2000, samplers: [], sweeps: [10, 30, 100, 300, 1000], seed: seed)
        }
        return ComparisonSettings(
            schedules: ["linear", "cosine", "ddpm-cosine", "gap-adaptive"], times: [1, 2, 4, 8, 16],
            steps: [20, 50, 100, 200], samples: 20000, samplers: ["reverse-sde", "probability-flow"], sweeps: [], seed: seed)
    }

    /// Validates ranges (positive times, steps or cells ≥ 1, 1…10⁷ samples, rtol in (0, 1)); on an
    /// `annealing` problem the step counts are the chain's cells and named so.
    public func validate(annealing: Bool = false) throws {
        guard !schedules.isEmpty else { throw InputError("compare.schedules", "names no schedule") }
        for t in times { try Check.positive(t, "compare.times") }
        let counts = annealing ? "compare.cells" : "compare.steps"
        guard times.count <= 64, steps.count <= 64, sweeps.count <= 64 else {
            throw InputError("compare.times", "takes at most 64 values (and so do \(counts) and compare.sweeps)")
        }
        if let s = steps.first(where: { $0 < 1 || $0 > 1_000_000 }) {
            throw InputError(counts, "must lie in 1…10⁶ (got \(s))")
        }
        if let s = sweeps.first(where: { $0 < 1 || $0 > 10_000_000 }) {
            throw InputError("compare.sweeps", "must lie in 1…10⁷ (got \(s))")
        }
        guard (1...10_000_000).contains(samples) else {
            throw InputError("compare.samples", "must lie in 1…10⁷ (got \(samples))")
        }
        guard GapProfile.sampleRange.contains(gapSamples) else {
            throw InputError(
                "compare.gap_samples",
                "must lie in \(GapProfile.sampleRange.lowerBound)…\(GapProfile.sampleRange.upperBound) (got \(gapSamples))")
        }
        if let p = points, !(16...4095).contains(p) { throw InputError("compare.points", "must lie in 16…4095 (got \(p))") }
        guard rtol.isFinite, rtol > 0, rtol < 1 else { throw InputError("compare.rtol", "must lie in (0, 1) (got \(rtol))") }
    }
}

/// One method of the comparison, on one side: the comparator's own three (quantum evolution and
/// two Fokker–Planck laws) and the samplers of ``SamplerRegistry`` it runs. Its particle
/// samplers are every registered landscape sampler that draws particles, so adding one is a
/// registration in ``SamplerRegistry/all``, with no edit here.
public struct ComparisonMethod: RawRepresentable, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The method's name (a sampler's ``Sampler/name``).
    public let rawValue: String

    /// The method called `rawValue`, or nil if the comparator does not run it.
    public init?(rawValue: String) {
        guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ name: String) { rawValue = name }

    /// Real-time Schrödinger evolution along the path (quantum annealing), against `T`.
    public static let quantum = Self("quantum")
    /// The Fokker–Planck law of continuous annealed Langevin along the path, against `T`.
    public static let langevinPath = Self("langevin-path")
    /// The Fokker–Planck law of the reverse SDE on the schedule's step grid, against steps.
    public static let fokkerPlanck = Self(FokkerPlanckSampler.name)
    /// The annealed flip chain with rates `A(s)ψ₀(xⁱ)/ψ₀(x)`, against `T`.
    public static let flipChain = Self(FlipChainSampler.name)
    /// The exact reverse chain of the flip diffusion, against its rate-grid cells.
    public static let reverseFlip = Self(ReverseFlipSampler.name)
    /// Metropolis simulated annealing (its own β schedule), against sweeps.
    public static let simulatedAnnealing = Self(SimulatedAnnealingSampler.name)
    /// Path-integral (simulated quantum) annealing on the problem's path and each schedule,
    /// against sweeps.
    public static let pathIntegral = Self(PathIntegralSampler.name)

    /// The particle samplers (``SamplerRegistry/particleSamplers``), against steps.
    public static var particleSamplers: [ComparisonMethod] { SamplerRegistry.particleSamplers.map { Self($0.name) } }

    /// The particle sampler's type, for a particle-sampler method.
    public var particleSampler: (any LandscapeSampler.Type)? {
        SamplerRegistry.particleSamplers.first { $0.name == rawValue }
    }

    public static var allCases: [ComparisonMethod] {
        [.quantum, .langevinPath, .fokkerPlanck] + particleSamplers + [
            .flipChain, .reverseFlip, .simulatedAnnealing, .pathIntegral,
        ]
    }

    public var description: String { rawValue }

    /// `quantum` or `classical`.
    public var side: String { self == .quantum ? "quantum" : "classical" }

    /// The swept parameter: `T`, `steps` or `sweeps`.
    public var axis: String {
        switch self {
        case .quantum, .langevinPath, .flipChain: return "T"
        case .simulatedAnnealing, .pathIntegral: return "sweeps"
        default: return "steps"
        }
    }

    /// Whether one cell already keeps both cores busy (particle and chain ensembles run
    /// in blocks on every core); other cells run side by side.
    public var usesAllCores: Bool {
        switch self {
        case .quantum, .langevinPath, .fokkerPlanck, .flipChain: return false
        default: return true
        }
    }
}

/// One cell of the sweep: a method on a schedule at one value of its parameter.
public struct ComparisonCell: Sendable, Hashable, Codable {
    public var method: ComparisonMethod
    /// The schedule's spelling ("" for simulated annealing, which has its own β schedule).
    public var schedule: String
    /// `T`, steps or sweeps.
    public var value: Double

    public init(method: ComparisonMethod, schedule: String, value: Double) {
        self.method = method
        self.schedule = schedule
        self.value = value
    }
}

/// The figures of one cell. Sample-based figures carry standard errors; grid and
/// state-vector figures are exact (`stderr` nil).
public struct CellResult: Sendable, Codable, Equatable {
    public var fidelity: Double?
    public var fidelityStderr: Double?
    public var tv: Double?
    public var tvStderr: Double?
    /// The TV of exact samples with the same binning (landscape particle samplers).
    public var tvNoiseFloor: Double?
    public var groundStateProbability: Double?
    public var groundStateStderr: Double?
    /// Hamiltonian applications, score evaluations, or spin-flip candidates.
    public var evaluations: Int?
    public var seconds: Double
    /// `success`, or what went wrong (the figures are then partial or absent).
    public var status: String
    /// `(⟨E⟩ − E_ref)/n` over the reads (simulated and path-integral annealing), with its
    /// standard error.
    public var residualEnergyPerSpin: Double?
    public var residualEnergyPerSpinStderr: Double?
    /// TTS₉₉ in sweeps and its 95% bootstrap interval (docs/sqa.md); nil where infinite (no
    /// read reached the reference) or for methods without reads.
    public var tts99: Double?
    public var tts99Low: Double?
    public var tts99High: Double?
    /// The reference energy `E_ref` of `P(ground)` and the residual energy, and where it comes
    /// from: `exact` (the register or enumeration), `file` (`ground_energy`) or `best-found`.
    public var referenceEnergy: Double?
    public var referenceSource: String?
    /// Particle samplers on a score field: how many particles left the field's box and were
    /// dropped (absorbing walls, docs/score-fields.md), so that `tv` and `fidelity` are of the
    /// others. Absent elsewhere, and in cells stored before the field existed.
    public var leftBox: Int?

    public init(
        fidelity: Double? = nil, fidelityStderr: Double? = nil, tv: Double? = nil, tvStderr: Double? = nil,
        tvNoiseFloor: Double? = nil, groundStateProbability: Double? = nil, groundStateStderr: Double? = nil,
        evaluations: Int? = nil, seconds: Double, status: String, residualEnergyPerSpin: Double? = nil,
        residualEnergyPerSpinStderr: Double? = nil, tts99: Double? = nil, tts99Low: Double? = nil, tts99High: Double? = nil,
        referenceEnergy: Double? = nil, referenceSource: String? = nil, leftBox: Int? = nil
    ) {
        self.leftBox = leftBox
        self.residualEnergyPerSpin = residualEnergyPerSpin
        self.residualEnergyPerSpinStderr = residualEnergyPerSpinStderr
        self.tts99 = tts99
        self.tts99Low = tts99Low
        self.tts99High = tts99High
        self.referenceEnergy = referenceEnergy
        self.referenceSource = referenceSource
        self.fidelity = fidelity
        self.fidelityStderr = fidelityStderr
        self.tv = tv
        self.tvStderr = tvStderr
        self.tvNoiseFloor = tvNoiseFloor
        self.groundStateProbability = groundStateProbability
        self.groundStateStderr = groundStateStderr
        self.evaluations = evaluations
        self.seconds = seconds
        self.status = status
    }
}

/// One row of results.csv / results.json: a cell and its figures, flat (the figures of
/// ``CellResult`` read as the row's own: `row.tv`, `row.status`).
@dynamicMemberLookup
public struct ComparisonRow: Sendable, Codable, Equatable {
    public var side: String
    public var method: String
    public var schedule: String
    public var axis: String
    public var value: Double
    public var result: CellResult

    public subscript<T>(dynamicMember keyPath: KeyPath<CellResult, T>) -> T { result[keyPath: keyPath] }

    enum CodingKeys: String, CodingKey {
        case side, method, schedule, axis, value, fidelity, tv, evaluations, seconds, status
        case fidelityStderr = "fidelity_stderr"
        case tvStderr = "tv_stderr"
        case tvNoiseFloor = "tv_noise_floor"
        case groundStateProbability = "ground_state_probability"
        case groundStateStderr = "ground_state_stderr"
        case residualEnergyPerSpin = "residual_energy_per_spin"
        case residualEnergyPerSpinStderr = "residual_energy_per_spin_stderr"
        case tts99 = "tts99_sweeps"
        case tts99Low = "tts99_low"
        case tts99High = "tts99_high"
        case referenceEnergy = "reference_energy"
        case referenceSource = "reference_source"
        case leftBox = "left_box"
    }

    /// The CSV header, in the order of ``csvFields``.
    public static let csvHeader = [
        "side", "method", "schedule", "axis", "value", "fidelity", "fidelity_stderr", "tv", "tv_stderr", "tv_noise_floor",
        "ground_state_probability", "ground_state_stderr", "evaluations", "seconds", "status", "residual_energy_per_spin",
        "residual_energy_per_spin_stderr", "tts99_sweeps", "tts99_low", "tts99_high", "reference_energy", "reference_source",
        "left_box",
    ]

    public init(cell: ComparisonCell, result: CellResult) {
        side = cell.method.side
        method = cell.method.rawValue
        schedule = cell.schedule
        axis = cell.method.axis
        value = cell.value
        self.result = result
    }

    /// Every value with 17 significant digits (round-trips exactly), empty when absent.
    public var csvFields: [String] {
        func d(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        let r = result
        return [
            side, method, schedule, axis, d(value), d(r.fidelity), d(r.fidelityStderr), d(r.tv), d(r.tvStderr),
            d(r.tvNoiseFloor), d(r.groundStateProbability), d(r.groundStateStderr), r.evaluations.map(String.init) ?? "",
            d(r.seconds), r.status, d(r.residualEnergyPerSpin), d(r.residualEnergyPerSpinStderr), d(r.tts99),
            d(r.tts99Low), d(r.tts99High), d(r.referenceEnergy), r.referenceSource ?? "", r.leftBox.map(String.init) ?? "",
        ]
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        side = try c.decode(String.self, forKey: .side)
        method = try c.decode(String.self, forKey: .method)
        schedule = try c.decode(String.self, forKey: .schedule)
        axis = try c.decode(String.self, forKey: .axis)
        value = try c.decode(Double.self, forKey: .value)
        result = CellResult(
            fidelity: try c.decodeIfPresent(Double.self, forKey: .fidelity),
            fidelityStderr: try c.decodeIfPresent(Double.self, forKey: .fidelityStderr),
            tv: try c.decodeIfPresent(Double.self, forKey: .tv),
            tvStderr: try c.decodeIfPresent(Double.self, forKey: .tvStderr),
            tvNoiseFloor: try c.decodeIfPresent(Double.self, forKey: .tvNoiseFloor),
            groundStateProbability: try c.decodeIfPresent(Double.self, forKey: .groundStateProbability),
            groundStateStderr: try c.decodeIfPresent(Double.self, forKey: .groundStateStderr),
            evaluations: try c.decodeIfPresent(Int.self, forKey: .evaluations),
            seconds: try c.decode(Double.self, forKey: .seconds),
            status: try c.decode(String.self, forKey: .status),
            residualEnergyPerSpin: try c.decodeIfPresent(Double.self, forKey: .residualEnergyPerSpin),
            residualEnergyPerSpinStderr: try c.decodeIfPresent(Double.self, forKey: .residualEnergyPerSpinStderr),
            tts99: try c.decodeIfPresent(Double.self, forKey: .tts99),
            tts99Low: try c.decodeIfPresent(Double.self, forKey: .tts99Low),
            tts99High: try c.decodeIfPresent(Double.self, forKey: .tts99High),
            referenceEnergy: try c.decodeIfPresent(Double.self, forKey: .referenceEnergy),
            referenceSource: try c.decodeIfPresent(String.self, forKey: .referenceSource),
            leftBox: try c.decodeIfPresent(Int.self, forKey: .leftBox))
    }

    /// Encodes absent figures as JSON `null`, so every row has every key (as the CSV has
    /// every column).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(side, forKey: .side)
        try c.encode(method, forKey: .method)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(axis, forKey: .axis)
        try c.encode(value, forKey: .value)
        try c.encode(result.fidelity, forKey: .fidelity)
        try c.encode(result.fidelityStderr, forKey: .fidelityStderr)
        try c.encode(result.tv, forKey: .tv)
        try c.encode(result.tvStderr, forKey: .tvStderr)
        try c.encode(result.tvNoiseFloor, forKey: .tvNoiseFloor)
        try c.encode(result.groundStateProbability, forKey: .groundStateProbability)
        try c.encode(result.groundStateStderr, forKey: .groundStateStderr)
        try c.encode(result.evaluations, forKey: .evaluations)
        try c.encode(result.seconds, forKey: .seconds)
        try c.encode(result.status, forKey: .status)
        try c.encode(result.residualEnergyPerSpin, forKey: .residualEnergyPerSpin)
        try c.encode(result.residualEnergyPerSpinStderr, forKey: .residualEnergyPerSpinStderr)
        try c.encode(result.tts99, forKey: .tts99)
        try c.encode(result.tts99Low, forKey: .tts99Low)
        try c.encode(result.tts99High, forKey: .tts99High)
        try c.encode(result.referenceEnergy, forKey: .referenceEnergy)
        try c.encode(result.referenceSource, forKey: .referenceSource)
        try c.encode(result.leftBox, forKey: .leftBox)
    }
}

/// FNV-1a (64-bit) over bytes: a stable content fingerprint for cell keys (not a security hash).
struct Fingerprint {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            value ^= UInt64(b)
            value = value &* 0x0000_0100_0000_01B3
        }
    }

    mutating func add(_ text: String) { add(Array(text.utf8)) }

    mutating func add(_ x: Double) { add(withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) }) }

    var hex: String { String(value, radix: 16) }
}
