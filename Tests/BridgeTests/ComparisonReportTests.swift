import Bridge
import Foundation
import TestSupport
import Testing

/// The compare page's generated text, units and plots, on reports built from known rows.
@Suite("Compare report: generated text, units, axes")
struct ComparisonReportTests {
    static let schedules = ["linear", "cosine", "ddpm-cosine", "gap-adaptive"]

    static func row(
        _ method: ComparisonMethod, _ schedule: String, _ value: Double, fidelity: Double? = nil, tv: Double? = nil,
        p: Double? = nil, stderr: Double? = nil
    ) -> ComparisonRow {
        ComparisonRow(
            cell: ComparisonCell(method: method, schedule: schedule, value: value),
            result: CellResult(
                fidelity: fidelity, tv: tv, groundStateProbability: p, groundStateStderr: stderr, seconds: 0.1,
                status: "success"))
    }

    @Test("the comparator's methods: its own three, every particle sampler of the registry, the spin samplers")
    func methods() throws {
        let names = ComparisonMethod.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for sampler in SamplerRegistry.particleSamplers {
            let method = try #require(ComparisonMethod(rawValue: sampler.name))
            #expect(method.particleSampler?.name == sampler.name && method.axis == "steps" && method.usesAllCores)
        }
        // path-integral annealing is a spin method of the comparator (against sweeps, on every core)
        let sqa = try #require(ComparisonMethod(rawValue: "path-integral"))
        #expect(sqa == .pathIntegral && sqa.axis == "sweeps" && sqa.usesAllCores && sqa.side == "classical")
        #expect(ComparisonMethod(rawValue: "nope") == nil && ComparisonMethod(rawValue: "reverse-sde/heun") == nil)
        #expect(ComparisonMethod.quantum.particleSampler == nil && ComparisonMethod.simulatedAnnealing.axis == "sweeps")
        // cell keys (cells.jsonl) keep the plain name
        let data = try JSONEncoder().encode(ComparisonCell(method: .reverseFlip, schedule: "linear", value: 5))
        #expect(String(decoding: data, as: UTF8.self).contains("\"method\":\"reverse-flip\""))
        #expect(try JSONDecoder().decode(ComparisonCell.self, from: data).method == .reverseFlip)
    }

    /// `u(r)` curves: linear, and one that reaches the data end early (the gap-adaptive shape).
    static func curves(_ names: [String]) -> [Curve] {
        let r = (0...100).map { Double($0) / 100 }
        return names.map { name in
            Curve(
                label: name, x: r, y: r.map { name == "gap-adaptive" ? 1 - pow(1 - $0, 6) : $0 })
        }
    }

    /// A symmetric double well: quantum 1 − F at T = 16 ranks ddpm-cosine, cosine (2.3×),
    /// gap-adaptive (70×), linear (160×); the Langevin side ranks gap-adaptive first.
    static func landscape(quantumAt16: [String: Double], symmetric: Bool = true) -> ComparisonReport {
        let langevin = ["gap-adaptive": 1.6e-6, "ddpm-cosine": 3.36e-6, "cosine": 6.4e-5, "linear": 1.4e-2]
        var rows: [ComparisonRow] = []
        for s in schedules {
            rows.append(row(.quantum, s, 1, fidelity: 0.5, tv: 0.4))
            rows.append(row(.quantum, s, 16, fidelity: 1 - quantumAt16[s]!, tv: quantumAt16[s]!.squareRoot()))
        }
        for s in schedules {
            rows.append(row(.langevinPath, s, 1, fidelity: 0.6, tv: 0.3))
            rows.append(row(.langevinPath, s, 16, fidelity: 1 - langevin[s]!, tv: langevin[s]!.squareRoot()))
        }
        for s in schedules { rows.append(row(.fokkerPlanck, s, 20, fidelity: 0.99, tv: s == "linear" ? 0.062 : 0.022)) }
        let gaps = PathGaps(
            parameterName: "time", parameter: [0, 1, 2, 3], progress: [1, 2.0 / 3, 1.0 / 3, 0], gap: [0.0025, 0.5, 0.9, 1])
        let context = ComparisonContext(
            symmetry: symmetric ? "the reflection x → −x" : nil,
            symmetryEvidence: symmetric ? "p₀ and p(tₘₐₓ) mirror exactly" : nil,
            sectorGap: symmetric ? [4, 2, 1.5, 1.6] : nil)
        let settings = ComparisonSettings(
            schedules: schedules, times: [1, 16], steps: [20], samples: 1000, samplers: [], sweeps: [], seed: 1)
        return ComparisonReport(
            problem: "double-well", summary: "two wells, p ∝ e^{−x²}", kind: "landscape", settings: settings,
            grid: "511 nodes, t_max = 3.0", gaps: gaps, schedules: curves(schedules), rows: rows,
            cells: .init(total: rows.count, computed: rows.count, reused: 0), seconds: 1, notes: [], context: context)
    }

    static let quantum = ["ddpm-cosine": 7.5e-5, "cosine": 1.725e-4, "gap-adaptive": 5.25e-3, "linear": 1.2e-2]

    /// Fails on TeX left in the page: `_{`, `^{` or a `\command`.
    static func expectNoTeX(_ html: String) {
        #expect(!html.contains("_{") && !html.contains("^{"))
        #expect(html.range(of: #"\\[A-Za-z]+"#, options: .regularExpression) == nil)
    }

    /// The y tick labels of an SVG (right-aligned text left of the axis).
    static func yTicks(_ svg: String) -> [String] {
        svg.components(separatedBy: "text-anchor=\"end\">").dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test("landscape: rankings, ratios and the disagreement from the rows; the symmetry explains gap-adaptive")
    func landscapeText() {
        let html = Self.landscape(quantumAt16: Self.quantum).html()
        #expect(
            html.contains(
                "On the quantum side, at T = 16 (the largest): ddpm-cosine is best with 1 − F = 7.5×10⁻⁵; then cosine (2.3× larger), gap-adaptive (70× larger), linear (160× larger)."
            ))
        #expect(html.contains("On the classical side, at T = 16 (the largest): gap-adaptive is best with 1 − F = 1.6×10⁻⁶"))
        #expect(
            html.contains(
                "The sides disagree: ddpm-cosine is best on the quantum side but 2nd of 4 on the classical side; gap-adaptive is best on the classical side but 3rd of 4 on the quantum side."
            ))
        #expect(html.contains("commutes with the reflection x → −x"))
        #expect(html.contains("down to 0.0025 at t = 0"))
        #expect(html.contains("Within the even sector the gap is E₂ − E₀, never below 1.5 (at t = 2), 600× larger"))
        #expect(html.contains("That is why gap-adaptive ranks 3rd of 4 on the quantum side"))
        #expect(
            html.contains(
                "The shortest run with 1 − F ≤ 0.001: on the quantum side cosine and ddpm-cosine at T = 16, linear and gap-adaptive not even at T = 16;"
            ))
        // Units: none, and the page says so.
        #expect(html.contains("Units: dimensionless."))
        #expect(html.contains("total time T (dimensionless)"))
        #expect(html.contains("gap (dimensionless)"))
        // Two definitions of F, each on its own axis label.
        #expect(html.contains("1 − F,  F = |⟨√p₀|ψ(T)⟩|²"))
        #expect(html.contains("1 − F,  F = BC(ρ(T), p₀)²"))
        // The even-sector gap is plotted beside E₁ − E₀.
        #expect(html.contains(">E₂ − E₀ (even)<") && html.contains(">E₁ − E₀ (pair)<"))
        // TeX from the problem file and the grid line is rewritten.
        #expect(html.contains("p ∝ e⁻ˣ²") || html.contains("p ∝ e^(−x²)"))
        #expect(html.contains("tₘₐₓ = 3.0"))
        Self.expectNoTeX(html)
    }

    @Test("landscape: no symmetry, no reason; a winning gap-adaptive gets no 'that is why'")
    func landscapeCounterfactual() {
        let plain = Self.landscape(quantumAt16: Self.quantum, symmetric: false).html()
        #expect(!plain.contains("x → −x") && !plain.contains("That is why"))
        var q = Self.quantum
        q["gap-adaptive"] = 1e-6
        let wins = Self.landscape(quantumAt16: q).html()
        #expect(wins.contains("gap-adaptive is best with 1 − F = 1.0×10⁻⁶"))
        #expect(wins.contains("Both sides rank gap-adaptive first."))
        #expect(!wins.contains("That is why"))
    }

    @Test("landscape: the quantum and Langevin plots of a row share their y axis")
    func sharedAxes() {
        let files = Self.landscape(quantumAt16: Self.quantum).svgFiles()
        let q = Self.yTicks(files[2].svg)
        let c = Self.yTicks(files[3].svg)
        #expect(!q.isEmpty && q == c)
        #expect(q.contains("10⁻⁶"))
    }

    static func annealing(reverseFlip: [Double]) -> ComparisonReport {
        let names = ["linear", "roland-cerf"]
        var rows: [ComparisonRow] = []
        for s in names {
            rows.append(row(.quantum, s, 2, fidelity: 0.5, p: 0.5))
            rows.append(row(.quantum, s, 32, fidelity: 0.99, p: s == "linear" ? 0.93 : 0.996))
        }
        for s in names {
            rows.append(row(.flipChain, s, 2, p: 0.4, stderr: 0.01))
            rows.append(row(.flipChain, s, 32, p: s == "linear" ? 0.94 : 0.993, stderr: 0.002))
        }
        for s in names {
            for (k, p) in reverseFlip.enumerated() { rows.append(row(.reverseFlip, s, Double(5 * (k + 1)), p: p, stderr: 0)) }
        }
        rows.append(row(.simulatedAnnealing, "", 10, p: 0.78, stderr: 0.01))
        rows.append(row(.simulatedAnnealing, "", 1000, p: 1, stderr: 0))
        let twoPi = 2 * Double.pi
        let gaps = PathGaps(
            parameterName: "s", parameter: [0, 0.5, 1], progress: [0, 0.5, 1], gap: [10 * twoPi, 0.9 * twoPi, 5 * twoPi],
            fullGap: [8 * twoPi, 0.5 * twoPi, 1e-15])
        let context = ComparisonContext(
            timeUnit: "ns", energyUnit: "GHz", energyDivisor: twoPi, unitSource: "a GHz table",
            symmetry: "the global spin flip Πσxᵢ", symmetryEvidence: "every field hᵢ is 0")
        let settings = ComparisonSettings(
            schedules: names, times: [2, 32], steps: [5], samples: 500, samplers: [], sweeps: [10, 1000], seed: 1)
        return ComparisonReport(
            problem: "sk10-dwave", summary: "sk10 on a GHz table", kind: "annealing", settings: settings,
            grid: "10 qubits", gaps: gaps, schedules: curves(names), rows: rows,
            cells: .init(total: rows.count, computed: rows.count, reused: 0), seconds: 1,
            notes: ["not exact (H_P has couplings, so p_t is not a product)"], context: context)
    }

    @Test("annealing on a GHz table: times in ns, gaps in GHz, the gap axis clipped and said so, flips as an oracle")
    func annealingText() {
        let html = Self.annealing(reverseFlip: [1, 1]).html()
        #expect(html.contains("Units: run times T in ns; gaps as frequencies Δ/h in GHz."))
        #expect(html.contains("total time T (ns)"))
        #expect(!html.contains("(dimensionless)"))
        #expect(html.contains("gap Δ/h (GHz)"))
        #expect(html.contains("The adiabatic gap is smallest at s = 0.5: 0.9 GHz"))
        #expect(html.contains("minimum 0.9 GHz at s = 0.5"))
        #expect(html.contains("On the quantum side, at T = 32 ns (the largest): roland-cerf is best with 1 − P(ground) = 0.004"))
        #expect(html.contains("falls to numerical zero"))
        // Gap axis: two decades below the smallest adiabatic gap (0.9 GHz), and the plot says so.
        #expect(html.contains("axis clipped at 0.001 (2 decades below the smallest adiabatic gap)"))
        // The reverse flip chain ends in a ground state everywhere: named an oracle, not plotted.
        #expect(html.contains("The reverse flip chain is an oracle baseline"))
        #expect(html.contains("P(ground) = 1 in all 4 of its rows"))
        #expect(!html.contains("Reverse flip chain: oracle baseline"))
        #expect(html.contains("Simulated annealing (geometric β) reaches P(ground) = 1 at 1000 sweeps, from 0.78 at 10."))
        #expect(html.contains("Hₚ has couplings, so pₜ is not a product"))
        Self.expectNoTeX(html)
    }

    @Test("annealing: a reverse flip chain that misses is plotted, marked as an oracle in title and legend")
    func oraclePlotted() {
        let html = Self.annealing(reverseFlip: [0.9, 1]).html()
        #expect(html.contains("Reverse flip chain: oracle baseline"))
        #expect(html.contains(">linear (oracle)<") && html.contains(">roland-cerf (oracle)<"))
    }

    @Test("annealing at scale: no gap plot, residual energy and P(ground) against sweeps for SA and SQA, TTS₉₉ with ∞")
    func atScale() {
        func spin(_ m: ComparisonMethod, _ schedule: String, _ sweeps: Double, p: Double, residual: Double, tts: Double?)
            -> ComparisonRow
        {
            var r = CellResult(groundStateProbability: p, groundStateStderr: 0.01, seconds: 0.1, status: "success")
            r.residualEnergyPerSpin = residual
            r.residualEnergyPerSpinStderr = 0.001
            r.tts99 = tts
            r.tts99Low = tts.map { $0 / 2 }
            r.tts99High = nil
            r.referenceEnergy = -92
            r.referenceSource = "file"
            return ComparisonRow(cell: ComparisonCell(method: m, schedule: schedule, value: sweeps), result: r)
        }
        let rows = [
            spin(.simulatedAnnealing, "", 10, p: 0, residual: 0.1, tts: nil),
            spin(.simulatedAnnealing, "", 100, p: 0.2, residual: 0.02, tts: 2064),
            spin(.pathIntegral, "linear", 10, p: 0.1, residual: 0.05, tts: 437),
            spin(.pathIntegral, "linear", 100, p: 0.5, residual: 0.004, tts: 664),
        ]
        let why = "the exact side on 64 qubits (2^64 amplitudes, 8 state vectors) needs about 2.66e+21 bytes of memory"
        let report = ComparisonReport(
            problem: "g8", summary: "planted 8×8 glass", kind: "annealing",
            settings: ComparisonSettings(
                schedules: ["linear"], times: [1], steps: [5], samples: 100, samplers: [], sweeps: [10, 100], seed: 1),
            grid: "64 qubits, path linear",
            gaps: PathGaps(parameterName: "s", parameter: [], progress: [], gap: [], unusable: why),
            schedules: Self.curves(["linear"]), rows: rows, cells: .init(total: 4, computed: 4, reused: 0), seconds: 1,
            notes: ["The exact side is skipped: \(why)."])
        let html = report.html()
        #expect(html.contains("The gap profile is not computed: \(why)"))
        #expect(!html.contains("Gap along the path") && !html.contains("Quantum annealing and its classical twin"))
        #expect(html.contains("Residual energy per spin against sweeps") && html.contains("P(ground) against sweeps"))
        #expect(html.contains(">SA (geometric β)<") && html.contains(">linear (SQA)<"))
        #expect(html.contains("Reference energy E_ref = −92 (file: the problem file&#39;s ground_energy)"))
        #expect(
            html.contains("Path-integral annealing, at 100 sweeps (the largest): linear reaches residual energy per spin = 0.004")
        )
        #expect(html.contains("∞ (no read reached E_ref)") && html.contains("664 [332, ∞]"))
        #expect(!report.svgFiles().contains { $0.name == "gap.svg" })
        Self.expectNoTeX(html)
    }

    @Test("settings: a bad count is named compare.steps on a landscape and compare.cells on an annealing problem")
    func countNames() {
        var spins = ComparisonSettings.defaults(annealing: true)
        spins.cells = [5, 0]
        #expect(spins.steps == [5, 0])
        #expect(inputError { try spins.validate(annealing: true) }?.hasPrefix("compare.cells: must lie in 1…10⁶ (got 0)") == true)
        var landscape = ComparisonSettings.defaults(annealing: false)
        landscape.steps = [0]
        #expect(inputError { try landscape.validate() }?.hasPrefix("compare.steps: must lie in 1…10⁶ (got 0)") == true)
        spins.cells = Array(1...65)
        #expect(inputError { try spins.validate(annealing: true) }?.contains("compare.cells and compare.sweeps") == true)
    }
    @Test("results.json: gap_profile keys are snake case; a report with the earlier camel-case keys still loads")
    func gapProfileKeys() throws {
        let report = Self.landscape(quantumAt16: Self.quantum)
        let json = try report.json()
        let profile = try #require(
            (try JSONSerialization.jsonObject(with: json) as? [String: Any])?["gap_profile"] as? [String: Any])
        #expect(Set(profile.keys) == ["parameter_name", "parameter", "progress", "gap"])
        #expect(try JSONDecoder().decode(ComparisonReport.self, from: json).gaps == report.gaps)
        // A results.json written before: camelCase parameterName and fullGap.
        let earlier = Data(
            #"{"parameterName": "s", "parameter": [0, 1], "progress": [0, 1], "gap": [2, 1], "fullGap": [2, 0.5]}"#.utf8)
        let gaps = try JSONDecoder().decode(PathGaps.self, from: earlier)
        #expect(gaps == PathGaps(parameterName: "s", parameter: [0, 1], progress: [0, 1], gap: [2, 1], fullGap: [2, 0.5]))
        let written = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(gaps)) as? [String: Any]
        #expect(written?["full_gap"] != nil && written?["fullGap"] == nil)
    }
}
