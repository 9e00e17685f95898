import AdiabatCore
import Foundation
import GSLKit
import Quantum
import Reports

/// The Grover-style search of Roland & Cerf (Phys. Rev. A 65, 042308, 2002): find one marked
/// configuration `m` among `N = 2ⁿ` with
///
///     H(s) = (1 − s)(1 − |+⟩⟨+|) + s(1 − |m⟩⟨m|),
///
/// the projector driver (``AnnealingPath/Driver/projector``) and the oracle `1 − |m⟩⟨m|`
/// (a ``DiagonalTerm`` on the zero model with offset 1). The gap is
/// `g(s) = √(1 − 4(1 − 1/N)s(1 − s))`, `1/√N` at `s = ½`. A linear schedule must cross the
/// minimum slowly everywhere: `T ∝ N`. Roland–Cerf's local schedule `ds/dτ ∝ g²` spends its
/// time at the crossing: `T ∝ √N`, Grover's speed-up.
///
/// For each `n` the experiment finds `T₀.₉`, the shortest total time at which the fidelity
/// (probability of `m`) reaches 0.9: a geometric scan in `T` (factor 1.25) to the first point
/// at or above 0.9, then bisection inside that bracket to a relative width of 1e-3. The
/// Roland–Cerf schedule comes from the adiabatic gap profile computed by the toolkit (21
/// equally spaced `s`, refined adaptively to 2% relative interpolation error), not from the
/// closed form; the closed form checks it. The evolution is the split-operator propagator
/// (`split4`, the projector's exponential exact). The exponents are log-log fits of `T₀.₉`
/// against `N`.
public struct GroverExperiment: Sendable {
    public struct Settings: Sendable, Codable, Equatable {
        /// Register sizes for Roland–Cerf and for the linear schedule (the linear runs cost
        /// `∝ N` in time and `∝ N` per step).
        public var rolandCerfQubits: [Int]
        public var linearQubits: [Int]
        public var targetFidelity: Double
        /// Split-operator tolerance (relative local error of the state's 2-norm).
        public var rtol: Double

        public static func preset(_ size: ExperimentSize) -> Settings {
            switch size {
            case .full:
                return Settings(rolandCerfQubits: Array(4...14), linearQubits: Array(4...12), targetFidelity: 0.9, rtol: 1e-7)
            case .quick:
                return Settings(rolandCerfQubits: Array(4...10), linearQubits: Array(4...8), targetFidelity: 0.9, rtol: 1e-6)
            }
        }
    }

    public struct Point: Sendable, Codable, Equatable {
        public var qubits: Int
        public var states: Int
        public var schedule: String
        /// The shortest total time with fidelity ≥ target.
        public var time: Double
        public var fidelity: Double
        /// Fidelity evaluations spent on the search.
        public var evaluations: Int
        /// Roland–Cerf: points of the refined gap profile and its largest deviation from
        /// `√(1 − 4(1 − 1/N)s(1 − s))`.
        public var profilePoints: Int?
        public var profileError: Double?
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var points: [Point]
        /// Log-log fits of `T₀.₉` against `N`: slope ½ (Roland–Cerf) and 1 (linear) expected.
        public var rolandCerfFit: LineFit
        public var linearFit: LineFit
        public var seconds: Double
    }

    public var settings: Settings

    public init(settings: Settings) throws {
        guard settings.rolandCerfQubits.count >= 2, settings.linearQubits.count >= 2,
            (settings.rolandCerfQubits + settings.linearQubits).allSatisfy({ (2...20).contains($0) })
        else { throw InputError("qubits", "needs at least two register sizes in 2…20 per schedule") }
        guard settings.targetFidelity > 0, settings.targetFidelity < 1 else {
            throw InputError("target fidelity", "must lie in (0, 1)")
        }
        self.settings = settings
    }

    /// The search Hamiltonian on `n` qubits; the marked state is `⌊N/3⌋` (any state gives the
    /// same spectrum and dynamics: the driver and `|+⟩` are symmetric under bit flips).
    public static func hamiltonian(qubits n: Int) throws -> AnnealingHamiltonian {
        let model = try IsingModel(h: [Double](repeating: 0, count: n), couplings: [], offset: 1)
        return try AnnealingHamiltonian(
            model: model, path: AnnealingPath.linear.with(driver: .projector),
            diagonalTerms: [DiagonalTerm(state: (1 << n) / 3, value: -1)])
    }

    /// The shortest `T` with fidelity ≥ `target` (scan by 1.25, then bisection to 1e-3).
    static func timeToFidelity(
        _ target: Double, hamiltonian h: AnnealingHamiltonian, schedule: Schedule, start: Double, options: EvolutionOptions
    ) throws -> (time: Double, fidelity: Double, evaluations: Int) {
        var evaluations = 0
        func fidelity(_ T: Double) throws -> Double {
            evaluations += 1
            let run = try AnnealingEvolution.run(
                AnnealingProblem(hamiltonian: h, schedule: schedule, totalTime: T), options: options)
            guard run.succeeded else {
                throw InputError("evolution", "did not finish at T = \(T) (\(run.status))", hint: "loosen the tolerance")
            }
            return run.fidelity
        }
        var hi = start
        var fHi = try fidelity(hi)
        var lo = hi
        while fHi < target {
            lo = hi
            hi *= 1.25
            fHi = try fidelity(hi)
            guard hi < 1e9 else { throw InputError("Grover search", "fidelity \(target) was not reached by T = 1e9") }
        }
        if lo == hi {
            // Already above the target at the first guess: scan downwards.
            while true {
                let next = lo / 1.25
                let f = try fidelity(next)
                if f < target {
                    lo = next
                    break
                }
                hi = next
                fHi = f
                guard next > 1e-6 else { return (hi, fHi, evaluations) }
            }
        }
        while hi - lo > 1e-3 * hi {
            let mid = 0.5 * (lo + hi)
            let f = try fidelity(mid)
            if f >= target {
                hi = mid
                fHi = f
            } else {
                lo = mid
            }
        }
        return (hi, fHi, evaluations)
    }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let s = settings
        let options = EvolutionOptions(rtol: s.rtol, atol: 0)
        var points: [Point] = []
        for n in s.rolandCerfQubits {
            progress?("grover: Roland–Cerf, n = \(n)")
            let h = try Self.hamiltonian(qubits: n)
            let N = Double(1 << n)
            let profile = try h.adiabaticGapProfile(samples: 21, relativeTolerance: 0.02)
            var error = 0.0
            for (x, g) in zip(profile.s, profile.gap) {
                error = max(error, abs(g - (1 - 4 * (1 - 1 / N) * x * (1 - x)).squareRoot()))
            }
            let schedule = try Schedule.gapAdaptive(progress: profile.s, gaps: profile.gap, power: 2, name: "roland-cerf")
            let found = try Self.timeToFidelity(
                s.targetFidelity, hamiltonian: h, schedule: schedule, start: 2 * N.squareRoot(), options: options)
            points.append(
                Point(
                    qubits: n, states: 1 << n, schedule: "roland-cerf", time: found.time, fidelity: found.fidelity,
                    evaluations: found.evaluations, profilePoints: profile.s.count, profileError: error))
        }
        for n in s.linearQubits {
            progress?("grover: linear, n = \(n)")
            let h = try Self.hamiltonian(qubits: n)
            let found = try Self.timeToFidelity(
                s.targetFidelity, hamiltonian: h, schedule: .linear, start: 0.5 * Double(1 << n), options: options)
            points.append(
                Point(
                    qubits: n, states: 1 << n, schedule: "linear", time: found.time, fidelity: found.fidelity,
                    evaluations: found.evaluations, profilePoints: nil, profileError: nil))
        }
        let rc = points.filter { $0.schedule == "roland-cerf" }
        let lin = points.filter { $0.schedule == "linear" }
        return Result(
            settings: s, points: points,
            rolandCerfFit: try LineFit.logLog(x: rc.map { Double($0.states) }, y: rc.map(\.time)),
            linearFit: try LineFit.logLog(x: lin.map { Double($0.states) }, y: lin.map(\.time)),
            seconds: Date().timeIntervalSince(start))
    }
}

extension GroverExperiment.Result {
    public func artefacts() throws -> ExperimentArtefacts {
        var plot = SVGPlot(
            title: "Grover search: time to fidelity \(Format.general(settings.targetFidelity))", xLabel: "N = 2ⁿ",
            yLabel: "T₀.₉", xScale: .log, yScale: .log)
        let rc = points.filter { $0.schedule == "roland-cerf" }
        let lin = points.filter { $0.schedule == "linear" }
        plot.series.append(PlotSeries(label: "Roland–Cerf", x: rc.map { Double($0.states) }, y: rc.map(\.time)))
        plot.series.append(PlotSeries(label: "linear", x: lin.map { Double($0.states) }, y: lin.map(\.time)))
        // Each fit is drawn over the sizes it was fitted to (no extrapolation).
        let rcN = [Double(rc.first?.states ?? 16), Double(rc.last?.states ?? 16)]
        let linN = [Double(lin.first?.states ?? 16), Double(lin.last?.states ?? 16)]
        plot.series.append(
            PlotSeries(
                label: "fit ∝ N^\(Format.fixed(rolandCerfFit.slope, 3))", x: rcN,
                y: rcN.map { exp(rolandCerfFit.intercept + rolandCerfFit.slope * log($0)) }, dashed: true, markers: false))
        plot.series.append(
            PlotSeries(
                label: "fit ∝ N^\(Format.fixed(linearFit.slope, 3))", x: linN,
                y: linN.map { exp(linearFit.intercept + linearFit.slope * log($0)) }, dashed: true, markers: false))
        var table = CSVTable(header: [
            "schedule", "qubits", "N", "T_0.9", "fidelity", "evaluations", "profile_points", "profile_error",
        ])
        for p in points {
            table.append([
                p.schedule, "\(p.qubits)", "\(p.states)", Format.general(p.time, 6), Format.fixed(p.fidelity, 5),
                "\(p.evaluations)",
                p.profilePoints.map(String.init) ?? "", p.profileError.map { Format.sci($0, 1) } ?? "",
            ])
        }
        var report = HTMLReport(title: "Grover-style search: Roland–Cerf √N against linear N")
        report.paragraph(
            "H(s) = (1 − s)(1 − |+⟩⟨+|) + s(1 − |m⟩⟨m|) on n qubits (projector driver, Grover oracle). T₀.₉ is the shortest total time at which the probability of the marked state reaches \(Format.general(settings.targetFidelity)) (scan and bisection to 1e-3). Roland–Cerf: ds/dτ ∝ g² from the toolkit's adaptively refined gap profile. Log-log fits of T₀.₉ against N: Roland–Cerf slope \(Format.fixed(rolandCerfFit.slope, 3)) ± \(Format.fixed(rolandCerfFit.slopeStandardError, 3)) (theory ½), linear slope \(Format.fixed(linearFit.slope, 3)) ± \(Format.fixed(linearFit.slopeStandardError, 3)) (theory 1)."
        )
        report.plot(plot)
        report.table(header: table.header, rows: table.rows)
        let worstProfile = rc.compactMap(\.profileError).max() ?? 0
        return ExperimentArtefacts(
            name: ExperimentName.grover.rawValue, report: report, figures: [("grover-scaling", plot)],
            tables: [("grover", table)],
            json: try encodedJSON(),
            headline: [
                (
                    "Roland–Cerf T₀.₉ ∝ N^a",
                    "a = \(Format.fixed(rolandCerfFit.slope, 3)) ± \(Format.fixed(rolandCerfFit.slopeStandardError, 3)) (n = \(rc.first?.qubits ?? 0)…\(rc.last?.qubits ?? 0); theory 0.5)"
                ),
                (
                    "linear T₀.₉ ∝ N^b",
                    "b = \(Format.fixed(linearFit.slope, 3)) ± \(Format.fixed(linearFit.slopeStandardError, 3)) (n = \(lin.first?.qubits ?? 0)…\(lin.last?.qubits ?? 0); theory 1)"
                ),
                ("gap profile vs closed form", "max deviation \(Format.sci(worstProfile, 1))"),
            ])
    }
}
