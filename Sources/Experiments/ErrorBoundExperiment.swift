import AdiabatCore
import Bridge
import Diffusion
import Foundation
import GSLKit
import Landscapes
import Quantum
import Reports

/// Experiment 2 of Halmos & Hanin (docs/theory.md §7): with a score error `ε` (RMS under `p`) the
/// sampling error is bounded by a constant times `ε/√g`, `g` the spectral gap.
///
/// The sampler's limit law is computed exactly on a grid: the stationary law `ρ_ε` of Langevin
/// dynamics `dx = (s + εδ) dτ + √2 dW` (``StationaryFokkerPlanck``), with `δ` a fixed field of
/// unit RMS under `p`, and `TV(ρ_ε, ρ₀)` against the unperturbed law on the same grid (so the
/// grid's own `O(h²)` error does not enter). Landscapes: coupled oscillators `N(0, Σ)` of
/// several condition numbers (gap `1/λ_max(Σ)` exactly) and two-moons at several noise levels
/// σ (gap from the Score Hamiltonian's spectrum, Lanczos, fourth-order stencil).
///
/// **The constant.** To first order `ρ_ε = p(1 + εu)`, where `u` solves `Lu = −∇·(pδ)/p`; only
/// the gradient part `∇U` of `δ` (its projection in `L²(p)`) enters, `u = U − E_pU`, with
/// `‖∇U‖ ≤ ‖δ‖ = 1`. Then `TV = ½ε E_p|U − E_pU| + O(ε²) ≤ ½ε sd_p(U) ≤ ½ε‖∇U‖/√g`
/// (Poincaré), so `TV·√g/ε ≤ ½`: the bound with constant ½. Equality needs `U` to be the slow
/// eigenfunction (and `|U − EU|` of constant size). So the collapse of `TV√g/ε` onto one value
/// is expected only for perturbations aligned with the slow mode; that is what the three
/// perturbation families test:
///
/// - `slow`: aligned with the slowest mode, `δ ∝ ∇φ₁`. Gaussians: `φ₁` is linear, so the
///   constant field `δ = v_max` (the principal axis of Σ); then `ρ_ε = N(ελ_max v, Σ)` and
///   `TV = 2Φ(ε/(2√g)) − 1` exactly, i.e. `TV√g/ε → 1/√(2π) ≈ 0.399`. Two-moons: `φ₁ = ψ₁/ψ₀`
///   from the Score Hamiltonian's eigenvectors on the grid (``slowModeField(grid:ground:excited:)``);
///   then `TV√g/ε → ½E|φ₁|/‖φ₁‖`, a shape factor between 0.399 (Gaussian-distributed φ₁) and ½
///   (φ₁ = ±1).
/// - `fast`: Gaussians only, `δ = v_min`: `TV√g/ε → √(λ_min/λ_max)/√(2π)`, which spreads
///   with the condition number by construction.
/// - `generic`: the standard trigonometric field of ``ScorePerturbation/standard(dimension:lengthScale:)``
///   (ℓ = 1, not a gradient), the same δ on every landscape.
public struct ErrorBoundExperiment: Sendable {
    /// A landscape of the sweep.
    public struct Case: Sendable, Codable, Equatable {
        public var name: String
        /// `gaussian` (with `covariance`, row-major 2×2) or `two-moons` (with `sigma`).
        public var kind: String
        public var covariance: [Double]?
        public var sigma: Double?

        public static func gaussian(_ name: String, _ covariance: [Double]) -> Case {
            Case(name: name, kind: "gaussian", covariance: covariance, sigma: nil)
        }

        public static func twoMoons(_ sigma: Double) -> Case {
            Case(name: "two-moons σ=\(Format.general(sigma, 3))", kind: "two-moons", covariance: nil, sigma: sigma)
        }
    }

    public struct Settings: Sendable, Codable, Equatable {
        public var cases: [Case]
        /// Score errors ε (RMS under p).
        public var epsilons: [Double]
        /// The linear regime: ε up to this value enter the slope fits and the collapse statistics.
        public var linearLimit: Double
        /// Grid spacing in units of the narrowest width (√λ_min, or σ for two-moons).
        public var spacingPerWidth: Double
        /// Box half-width in units of the widest marginal standard deviation (Gaussians) or
        /// margin around the arcs in units of σ (two-moons).
        public var boxWidths: Double

        public static func preset(_ size: ExperimentSize) -> Settings {
            switch size {
            case .full:
                return Settings(
                    cases: [
                        .gaussian("Σ = I", [1, 0, 0, 1]),
                        .gaussian("Σ = [[2, 0], [0, .5]]", [2, 0, 0, 0.5]),
                        .gaussian("Σ = [[1, .8], [.8, 1]]", [1, 0.8, 0.8, 1]),
                        .gaussian("Σ = [[4, 1.5], [1.5, 1]]", [4, 1.5, 1.5, 1]),
                        .gaussian("Σ = [[6, 2], [2, 1]]", [6, 2, 2, 1]),
                        // Not σ = 0.06: there the arcs' exchange gap collapses (≈ 0.02 on a coarser grid,
                        // against 0.27 at σ = 0.08) and the filtered Lanczos solve for it on the h = σ/4
                        // grid did not finish in 9 minutes, stalling the whole run (docs/experiments.md).
                        .twoMoons(0.08), .twoMoons(0.1), .twoMoons(0.15), .twoMoons(0.2), .twoMoons(0.3),
                    ],
                    epsilons: [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256], linearLimit: 0.016,
                    spacingPerWidth: 0.25, boxWidths: 6)
            case .quick:
                return Settings(
                    cases: [
                        .gaussian("Σ = I", [1, 0, 0, 1]), .gaussian("Σ = [[4, 1.5], [1.5, 1]]", [4, 1.5, 1.5, 1]),
                        .twoMoons(0.2), .twoMoons(0.3),
                    ],
                    epsilons: [0.004, 0.008, 0.016], linearLimit: 0.016, spacingPerWidth: 0.4, boxWidths: 5)
            }
        }
    }

    /// One stationary solve.
    public struct Point: Sendable, Codable, Equatable {
        public var epsilon: Double
        /// `TV(ρ_ε, ρ₀)` on the grid.
        public var tv: Double
        /// `TV·√g/ε`.
        public var ratio: Double
        /// The closed form `2Φ(d/2) − 1` for a Gaussian with a constant δ (nil otherwise).
        public var exactTV: Double?
        public var relativeResidual: Double
    }

    /// One landscape with one perturbation family.
    public struct Series: Sendable, Codable, Equatable {
        public var landscape: String
        public var family: String
        public var gap: Double
        public var grid: [Int]
        public var points: [Point]
        /// Log-log slope of TV in ε over the linear regime.
        public var slope: LineFit
    }

    /// The collapse statistics of one family: the spread of `TV√g/ε` over the linear regime.
    public struct Collapse: Sendable, Codable, Equatable {
        public var family: String
        public var ratio: Spread
        /// Over Gaussians only and over two-moons only (nil when the family has none).
        public var gaussians: Spread?
        public var twoMoons: Spread?
    }

    public struct Result: ExperimentResult, Equatable {
        public var settings: Settings
        public var series: [Series]
        public var collapse: [Collapse]
        /// Over every series: the smallest and largest fitted slope.
        public var slopeRange: [Double]
        /// The largest `TV√g/ε` in the linear regime (the first-order bound is ½).
        public var maxRatio: Double
        /// Gaussians with constant δ: the largest relative deviation of the solver's TV from
        /// the closed form.
        public var maxClosedFormDeviation: Double?
        public var seconds: Double
    }

    public var settings: Settings

    public init(settings: Settings) throws {
        guard !settings.cases.isEmpty else { throw InputError("cases", "needs at least one landscape") }
        guard settings.epsilons.count >= 2, settings.epsilons.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw InputError("epsilons", "needs at least two positive score errors")
        }
        guard settings.epsilons.filter({ $0 <= settings.linearLimit }).count >= 2 else {
            throw InputError("linear_limit", "must leave at least two ε in the linear regime")
        }
        for c in settings.cases {
            switch c.kind {
            case "gaussian":
                guard let cov = c.covariance, cov.count == 4, cov[1] == cov[2], cov[0] > 0, cov[0] * cov[3] > cov[1] * cov[1]
                else { throw InputError("case \(c.name)", "needs a symmetric positive-definite 2×2 covariance") }
            case "two-moons":
                guard let s = c.sigma, s > 0.02, s < 2 else { throw InputError("case \(c.name)", "needs σ in (0.02, 2)") }
            default:
                throw InputError("case \(c.name)", "kind must be gaussian or two-moons (got \(c.kind))")
            }
        }
        self.settings = settings
    }

    /// A prepared landscape: density, grid, gap and perturbation fields.
    struct Prepared: Sendable {
        var landscape: GaussianMixture
        var grid: UniformGrid
        var gap: Double
        var families: [(String, ScorePerturbation, exact: (@Sendable (Double) -> Double)?)]
    }

    func prepare(_ c: Case) throws -> Prepared {
        let s = settings
        if c.kind == "gaussian", let cov = c.covariance {
            let p = try GaussianMixture.gaussian(mean: [0, 0], covariance: cov)
            let eigen = try SymmetricEigensolver.solve(matrix: cov, dimension: 2, vectors: true)
            let (lmin, lmax) = (eigen.values[0], eigen.values[1])
            guard let vmin = eigen.vector(0), let vmax = eigen.vector(1) else {
                throw InputError("case \(c.name)", "eigenvectors of Σ are missing")
            }
            let h = s.spacingPerWidth * lmin.squareRoot()
            let half = (0..<2).map { s.boxWidths * cov[3 * $0].squareRoot() }
            let points = (0..<2).map { Int((2 * half[$0] / h).rounded(.up)) + 1 }
            let grid = try UniformGrid(lower: half.map { -$0 }, upper: half, points: points)
            let gap = 1 / lmax
            let slow = Array(vmax)
            let fast = Array(vmin)
            // Constant fields: |δ| = 1 everywhere, so RMS 1 under p; ρ_ε = N(ελΣ-axis, Σ).
            let slowField = try ScorePerturbation(dimension: 2, name: "slow") { _, d in
                d[0] = slow[0]
                d[1] = slow[1]
            }
            let fastField = try ScorePerturbation(dimension: 2, name: "fast") { _, d in
                d[0] = fast[0]
                d[1] = fast[1]
            }
            func exact(_ lambda: Double) -> @Sendable (Double) -> Double {
                { eps in 2 * Self.normalCDF(0.5 * eps * lambda.squareRoot()) - 1 }
            }
            return Prepared(
                landscape: p, grid: grid, gap: gap,
                families: [
                    ("slow", slowField, exact(lmax)), ("fast", fastField, exact(lmin)),
                    ("generic", try ScorePerturbation.standard(dimension: 2, lengthScale: 1), nil),
                ])
        }
        guard let sigma = c.sigma else { throw InputError("case \(c.name)", "needs σ") }
        let p = try GaussianMixture.twoMoons(componentsPerArc: 16, standardDeviation: sigma)
        let margin = s.boxWidths * sigma
        let lower = [-1 - margin, -0.5 - margin]
        let upper = [2 + margin, 1 + margin]
        let h = s.spacingPerWidth * sigma
        let points = (0..<2).map { Int(((upper[$0] - lower[$0]) / h).rounded(.up)) + 1 }
        let grid = try UniformGrid(lower: lower, upper: upper, points: points)
        let spectrum = try ScoreHamiltonian.hamiltonian(of: p, on: grid, order: .fourth).lowestLevels(2, vectors: true)
        guard let gap = spectrum.gap, gap > 0, let psi0 = spectrum.state(0), let psi1 = spectrum.state(1) else {
            throw InputError("case \(c.name)", "the Score Hamiltonian's gap is not positive on this grid")
        }
        let slowField = try Self.slowModeField(grid: grid, ground: Array(psi0), excited: Array(psi1))
        return Prepared(
            landscape: p, grid: grid, gap: gap,
            families: [("slow", slowField, nil), ("generic", try ScorePerturbation.standard(dimension: 2, lengthScale: 1), nil)])
    }

    /// `δ = ∇φ₁` for the slowest mode `φ₁ = ψ₁/ψ₀` of the Langevin generator (ψ the Score
    /// Hamiltonian's eigenvectors on `grid`; `−L` and `H` share their spectrum, docs/theory.md §2.3).
    /// `φ₁` is trusted where `ψ₀ ≥ 10⁻⁶·max ψ₀` (Lanczos vectors carry an absolute error) and
    /// clamped elsewhere to the range it takes there, so the field stays bounded in the tails
    /// where `p` carries no weight. The gradient is taken by central differences at the nodes
    /// and interpolated bilinearly between them (the stationary solver asks for face midpoints).
    static func slowModeField(grid: UniformGrid, ground: [Double], excited: [Double]) throws -> ScorePerturbation {
        let (nx, ny) = (grid.points[0], grid.points[1])
        let sign: Double = (ground.reduce(0, +) < 0) ? -1 : 1
        let peak = ground.map { abs($0) }.max() ?? 1
        var phi = [Double](repeating: .nan, count: grid.count)
        var lo = Double.infinity
        var hi = -Double.infinity
        for k in 0..<grid.count where sign * ground[k] >= 1e-6 * peak {
            phi[k] = excited[k] / ground[k]
            lo = min(lo, phi[k])
            hi = max(hi, phi[k])
        }
        guard lo < hi else { throw InputError("slow mode", "the first excited state is flat on the grid") }
        for k in 0..<grid.count where phi[k].isNaN {
            phi[k] = excited[k] * sign >= 0 ? hi : lo
        }
        let (hx, hy) = (grid.spacing[0], grid.spacing[1])
        var gx = [Double](repeating: 0, count: grid.count)
        var gy = [Double](repeating: 0, count: grid.count)
        for i in 0..<nx {
            for j in 0..<ny {
                let k = i * ny + j
                let (il, ir) = (max(i - 1, 0), min(i + 1, nx - 1))
                let (jl, jr) = (max(j - 1, 0), min(j + 1, ny - 1))
                gx[k] = (phi[ir * ny + j] - phi[il * ny + j]) / (Double(ir - il) * hx)
                gy[k] = (phi[i * ny + jr] - phi[i * ny + jl]) / (Double(jr - jl) * hy)
            }
        }
        let (x0, y0) = (grid.lower[0], grid.lower[1])
        let (gxs, gys) = (gx, gy)
        return try ScorePerturbation(dimension: 2, name: "slow mode") { x, d in
            let fx = min(max((x[0] - x0) / hx, 0), Double(nx - 1) - 1e-9)
            let fy = min(max((x[1] - y0) / hy, 0), Double(ny - 1) - 1e-9)
            let (i, j) = (Int(fx), Int(fy))
            let (u, v) = (fx - Double(i), fy - Double(j))
            let k00 = i * ny + j
            let k10 = k00 + ny
            let (w00, w01, w10, w11) = ((1 - u) * (1 - v), (1 - u) * v, u * (1 - v), u * v)
            d[0] = w00 * gxs[k00] + w01 * gxs[k00 + 1] + w10 * gxs[k10] + w11 * gxs[k10 + 1]
            d[1] = w00 * gys[k00] + w01 * gys[k00 + 1] + w10 * gys[k10] + w11 * gys[k10 + 1]
        }
    }

    /// Φ, the standard normal CDF.
    static func normalCDF(_ x: Double) -> Double { 0.5 * SpecialFunctions.erfc(-x / 2.0.squareRoot()) }

    public func run(progress: (@Sendable (String) -> Void)? = nil) throws -> Result {
        let start = Date()
        let s = settings
        var allSeries: [Series] = []
        for (ci, c) in s.cases.enumerated() {
            progress?("error bound: \(c.name) (\(ci + 1)/\(s.cases.count))")
            let prepared = try prepare(c)
            let p = prepared.landscape
            let grid = prepared.grid
            let reference = try GridLaw.tabulate(p, on: grid)
            let base = try StationaryFokkerPlanck.solve(grid: grid, score: ExactScore(p), time: 0).density
            for (family, field, exact) in prepared.families {
                let rms = try field.rms(under: reference)
                let eps = s.epsilons
                var results = [Swift.Result<Point, any Error>?](repeating: nil, count: eps.count)
                let gap = prepared.gap
                // Two independent banded solves at a time (LAPACK dgbsv is re-entrant).
                results.withUnsafeMutableBufferPointer { buffer in
                    let out = SharedPointer(buffer.baseAddress!)  // safe: epsilons is non-empty
                    Parallel.forEachTask(eps.count) { k in
                        out[k] = Swift.Result {
                            let model = try PerturbedScore(
                                base: ExactScore(p), perturbation: field, epsilon: eps[k], normalisation: .constant(rms))
                            let law = try StationaryFokkerPlanck.solve(grid: grid, score: model, time: 0)
                            let tv = try law.density.totalVariation(to: base)
                            return Point(
                                epsilon: eps[k], tv: tv, ratio: tv * gap.squareRoot() / eps[k], exactTV: exact.map { $0(eps[k]) },
                                relativeResidual: law.relativeResidual)
                        }
                    }
                }
                let points = try results.map { try $0?.get() }
                let done = points.compactMap { $0 }
                let linear = done.filter { $0.epsilon <= s.linearLimit }
                let fit = try LineFit.logLog(x: linear.map(\.epsilon), y: linear.map(\.tv))
                allSeries.append(
                    Series(landscape: c.name, family: family, gap: prepared.gap, grid: grid.points, points: done, slope: fit))
            }
        }
        let families = ["slow", "generic", "fast"].filter { f in allSeries.contains { $0.family == f } }
        func ratios(_ series: [Series]) -> [Double] {
            series.flatMap { $0.points.filter { $0.epsilon <= s.linearLimit }.map(\.ratio) }
        }
        let gaussianNames = Set(s.cases.filter { $0.kind == "gaussian" }.map(\.name))
        let collapse = families.map { f -> Collapse in
            let inFamily = allSeries.filter { $0.family == f }
            let g = inFamily.filter { gaussianNames.contains($0.landscape) }
            let m = inFamily.filter { !gaussianNames.contains($0.landscape) }
            return Collapse(
                family: f, ratio: Spread(ratios(inFamily)), gaussians: g.isEmpty ? nil : Spread(ratios(g)),
                twoMoons: m.isEmpty ? nil : Spread(ratios(m)))
        }
        let slopes = allSeries.map(\.slope.slope)
        let closed = allSeries.flatMap { $0.points.compactMap { p in p.exactTV.map { abs(p.tv - $0) / $0 } } }
        return Result(
            settings: s, series: allSeries, collapse: collapse, slopeRange: [slopes.min() ?? .nan, slopes.max() ?? .nan],
            maxRatio: ratios(allSeries).max() ?? .nan, maxClosedFormDeviation: closed.max(),
            seconds: Date().timeIntervalSince(start))
    }
}

extension ErrorBoundExperiment.Result {
    public func artefacts() throws -> ExperimentArtefacts {
        let familyTitles = [
            "slow": "δ aligned with the slow mode", "generic": "generic δ (trigonometric, not a gradient)",
            "fast": "δ along the fast axis (Gaussians)",
        ]
        var figures: [(String, SVGPlot)] = []
        let families = collapse.map(\.family)
        // Short legend labels (the legend column is 160 px wide): a Gaussian by the condition
        // number κ = λ_max/λ_min of Σ, two-moons by σ, each with its gap.
        func legend(_ s: ErrorBoundExperiment.Series) -> String {
            let g = Format.general(s.gap, 3)
            guard let c = settings.cases.first(where: { $0.name == s.landscape }) else { return s.landscape }
            if let cov = c.covariance, cov.count == 4 {
                let mean = 0.5 * (cov[0] + cov[3])
                let r = (0.25 * (cov[0] - cov[3]) * (cov[0] - cov[3]) + cov[1] * cov[1]).squareRoot()
                return "κ=\(Format.general((mean + r) / (mean - r), 3)) g=\(g)"
            }
            if let sigma = c.sigma { return "σ=\(Format.general(sigma, 2)) g=\(g)" }
            return s.landscape
        }
        let gaussianNames = Set(settings.cases.filter { $0.kind == "gaussian" }.map(\.name))
        let allX = series.flatMap { s in s.points.map { $0.epsilon / s.gap.squareRoot() } }
        let xs = stride(from: log10(allX.min() ?? 1e-3), through: log10(allX.max() ?? 1), by: 0.05).map { pow(10, $0) }
        for family in families {
            var plot = SVGPlot(
                title: "TV against ε/√g: \(familyTitles[family] ?? family)", xLabel: "ε/√gap", yLabel: "TV(ρ_ε, ρ₀)",
                xScale: .log, yScale: .log)
            plot.width = 720
            plot.height = 460
            plot.series.append(PlotSeries(label: "bound ½ε/√g", x: xs, y: xs.map { 0.5 * $0 }, dashed: true, markers: false))
            if family == "slow" {
                plot.series.append(
                    PlotSeries(
                        label: "Gaussian exact", x: xs, y: xs.map { 2 * ErrorBoundExperiment.normalCDF(0.5 * $0) - 1 },
                        dashed: true, markers: false))
            }
            for s in series where s.family == family {
                plot.series.append(
                    PlotSeries(
                        label: legend(s),
                        x: s.points.map { $0.epsilon / s.gap.squareRoot() }, y: s.points.map(\.tv)))
            }
            figures.append(("error-bound-\(family)", plot))
        }
        var ratioPlot = SVGPlot(
            title: "Collapse: TV·√g/ε in the linear regime", xLabel: "gap g", yLabel: "TV·√g/ε", xScale: .log, yScale: .log)
        ratioPlot.referenceLines = [(0.5, "first-order bound ½"), (1 / (2 * Double.pi).squareRoot(), "1/√(2π)")]
        let limit = settings.linearLimit
        // One line per family and kind of landscape: the Gaussians and the two-moons are
        // different shapes, so a line through both would suggest a trend in g that is not there.
        for family in families {
            for (kind, isGaussian) in [("Gaussians", true), ("two-moons", false)] {
                let rows = series.filter { $0.family == family && gaussianNames.contains($0.landscape) == isGaussian }
                    .sorted { $0.gap < $1.gap }
                let small = rows.compactMap { s in s.points.filter { $0.epsilon <= limit }.first.map { (s.gap, $0.ratio) } }
                guard !small.isEmpty else { continue }
                ratioPlot.series.append(PlotSeries(label: "\(family), \(kind)", x: small.map(\.0), y: small.map(\.1)))
            }
        }
        figures.append(("error-bound-collapse", ratioPlot))

        var table = CSVTable(header: [
            "landscape", "family", "gap", "epsilon", "eps_over_sqrt_gap", "tv", "ratio", "exact_tv", "residual",
        ])
        for s in series {
            for p in s.points {
                table.append([
                    s.landscape, s.family, Format.general(s.gap, 8), Format.general(p.epsilon, 6),
                    Format.general(p.epsilon / s.gap.squareRoot(), 6), Format.sci(p.tv, 6), Format.general(p.ratio, 6),
                    p.exactTV.map { Format.sci($0, 6) } ?? "", Format.sci(p.relativeResidual, 2),
                ])
            }
        }
        var slopes = CSVTable(header: ["landscape", "family", "gap", "grid", "slope", "slope_stderr"])
        for s in series {
            slopes.append([
                s.landscape, s.family, Format.general(s.gap, 6), s.grid.map(String.init).joined(separator: "x"),
                Format.fixed(s.slope.slope, 4), Format.sci(s.slope.slopeStandardError, 1),
            ])
        }
        var collapseTable: [[String]] = []
        for c in collapse {
            func cell(_ s: Spread?) -> String {
                guard let s else { return "—" }
                return
                    "\(Format.fixed(s.minimum, 3))…\(Format.fixed(s.maximum, 3)) (×\(Format.fixed(s.ratio, 2)), CV \(Format.fixed(s.coefficientOfVariation, 3)))"
            }
            collapseTable.append([c.family, cell(c.ratio), cell(c.gaussians), cell(c.twoMoons)])
        }

        var report = HTMLReport(title: "Experiment 2 — the error bound: sampling error against ε/√gap")
        report.paragraph(
            "Stationary law ρ_ε of Langevin dynamics with the score s + εδ (δ of unit RMS under p), solved exactly on the grid (stationary Fokker–Planck, Scharfetter–Gummel, banded LU); TV against the unperturbed law on the same grid. Gaussians: gap 1/λ_max(Σ) exactly; two-moons: gap E₁ − E₀ of the Score Hamiltonian (Lanczos, 4th-order stencil). To first order TV·√g/ε ≤ ½ for every δ (Poincaré; docs/experiments.md), with equality approached only when δ is aligned with the slow mode. Legends: a Gaussian by the condition number κ of Σ, two-moons by σ, each with its gap g."
        )
        report.plots(figures.map(\.1))
        report.heading("Slope of log TV against log ε (ε ≤ \(Format.general(limit)))", level: 3)
        report.table(header: slopes.header, rows: slopes.rows)
        report.heading("Collapse: spread of TV·√g/ε in the linear regime", level: 3)
        report.table(header: ["family", "all", "Gaussians", "two-moons"], rows: collapseTable)
        var headline: [(String, String)] = [
            (
                "slope in ε",
                "\(Format.fixed(slopeRange[0], 4))…\(Format.fixed(slopeRange[1], 4)) over \(series.count) series (ε ≤ \(Format.general(limit)))"
            ),
            ("max TV·√g/ε", "\(Format.fixed(maxRatio, 4)) (first-order bound 0.5)"),
        ]
        for c in collapse {
            headline.append(
                (
                    "collapse, \(c.family) δ",
                    "TV·√g/ε in \(Format.fixed(c.ratio.minimum, 3))…\(Format.fixed(c.ratio.maximum, 3)) (max/min \(Format.fixed(c.ratio.ratio, 2)), CV \(Format.fixed(c.ratio.coefficientOfVariation, 3)))"
                ))
        }
        if let d = maxClosedFormDeviation {
            headline.append(("Gaussian closed form", "max relative deviation \(Format.sci(d, 2))"))
        }
        return ExperimentArtefacts(
            name: ExperimentName.errorBound.rawValue, report: report, figures: figures,
            tables: [("error-bound", table), ("error-bound-slopes", slopes)], json: try encodedJSON(), headline: headline)
    }
}
