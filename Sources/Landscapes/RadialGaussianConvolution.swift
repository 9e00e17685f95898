import AdiabatCore
import Foundation
import GSLKit

/// The law of `Y = aX + √v Z` for a radial `X` (on ℝ³) and `Z ~ N(0, I)`: the forward-process
/// marginal of a radial landscape, computed by one-dimensional quadrature in the radius.
///
/// With `W = aX` (radial density `q(r) = a⁻³p(r/a)`), `ρ = |y|` and `κ = ρr/v`, the angular
/// integral is done in closed form (`∫₋₁¹ e^{κμ} dμ = 2 sinh κ/κ`):
///
///     p_t(ρ) = (2πv)^{−3/2} 4π ∫₀^∞ w(r) dr,
///     w(r) = q(r) r² e^{−(ρ−r)²/(2v)} (1 − e^{−2κ})/(2κ)
///
/// (the form that neither overflows nor cancels). The score and its divergence follow from
/// Tweedie's formulas, `s = (E[W|y] − y)/v` and `∇·s = (tr Cov[W|y]/v − 3)/v`, with the
/// posterior moments `E[W·ŷ|y] = ⟨r L(κ)⟩`, `E|W|² = ⟨r²⟩` under the weight `w` (`L(κ) =
/// coth κ − 1/κ`, the Langevin function, is the mean of `cos θ` given `r`). This is exact up
/// to the quadrature: composite 8-point Gauss–Legendre on panels no wider than `√v/2` and
/// `a·scale/4`, over the window outside which `w` is provably below e^{−50} of its peak.
public struct RadialGaussianConvolution: RadialLandscape {
    public let prior: any RadialLandscape
    /// `a(t)`.
    public let scale: Double
    /// `v(t)`.
    public let variance: Double
    /// max over r of log(q(r) r²), for the quadrature window.
    private let peakLog: Double

    public init(prior: any RadialLandscape, scale a: Double, variance v: Double) throws {
        try Check.positive(a, "scale")
        try Check.positive(v, "variance")
        self.prior = prior
        self.scale = a
        self.variance = v
        // Scan log(q r²) on a geometric grid spanning 1e-6…200 scales of W's radius.
        let length = a * prior.radialScale
        var peak = -Double.infinity
        for i in 0...4000 {
            let r = length * 1e-6 * pow(2e8, Double(i) / 4000)
            peak = max(peak, prior.radialLogDensity(r / a) - 3 * log(a) + 2 * log(r))
        }
        self.peakLog = peak + 1  // slack for the scan's resolution
    }

    public var radialScale: Double {
        // Mean radius of W grows into the noise's: a rough scale is enough for quadrature.
        (scale * scale * prior.radialScale * prior.radialScale + 3 * variance).squareRoot()
    }

    /// The posterior sums at radius ρ: log of ∫w (with its shift), ⟨rL(κ)⟩ − ρ and
    /// ⟨r² − ρ²⟩ (centred, to avoid cancellation).
    private func moments(_ rho: Double) -> (logMass: Double, firstCentred: Double, secondCentred: Double) {
        let a = scale
        let v = variance
        let sv = v.squareRoot()
        let logA3 = 3 * log(a)
        @inline(__always) func logWeight(_ r: Double) -> Double {
            let kappa = rho * r / v
            let d = rho - r
            let angular: Double = kappa < 1e-8 ? -kappa : log(-expm1(-2 * kappa) / (2 * kappa))
            return prior.radialLogDensity(r / a) - logA3 + 2 * log(r) - d * d / (2 * v) + angular
        }
        // Lower bound of the peak of log w: its value near r = ρ.
        let probe = max(rho, min(sv, a * prior.radialScale))
        let reference = logWeight(probe)
        let reach = (2 * v * max(peakLog - reference + 50, 50)).squareRoot()
        let start = max(0, rho - reach)
        let end = rho + reach
        let panelWidth = min(sv / 2, a * prior.radialScale / 4)
        let panels = max(1, Int(((end - start) / panelWidth).rounded(.up)))
        let width = (end - start) / Double(panels)
        let rule = GaussLegendre.eight
        var shift = -Double.infinity
        var mass = 0.0
        var first = 0.0
        var second = 0.0
        for p in 0..<panels {
            let left = start + Double(p) * width
            for q in 0..<rule.nodes.count {
                let r = left + 0.5 * width * (rule.nodes[q] + 1)
                guard r > 0 else { continue }
                let lw = logWeight(r)
                guard lw.isFinite else { continue }
                // Online log-sum-exp: rescale the running sums when a new maximum appears.
                if lw > shift {
                    let factor = shift == -Double.infinity ? 0 : exp(shift - lw)
                    mass *= factor
                    first *= factor
                    second *= factor
                    shift = lw
                }
                let weight = 0.5 * width * rule.weights[q] * exp(lw - shift)
                let kappa = rho * r / v
                let langevin: Double
                if kappa < 1e-3 {
                    langevin = kappa / 3 - kappa * kappa * kappa / 45
                } else {
                    langevin = (1 + exp(-2 * kappa)) / (-expm1(-2 * kappa)) - 1 / kappa
                }
                mass += weight
                first += weight * (r * langevin - rho)
                second += weight * (r - rho) * (r + rho)
            }
        }
        return (shift + log(mass), first / mass, second / mass)
    }

    public func radialLogDensity(_ r: Double) -> Double {
        let m = moments(r)
        return m.logMass + log(4 * Double.pi) - 1.5 * log(2 * Double.pi * variance)
    }

    /// `f = (⟨rL⟩ − ρ)/v`.
    public func radialScore(_ r: Double) -> Double { moments(r).firstCentred / variance }

    /// `(⟨r²⟩ − ⟨rL⟩²)/v² − 3/v`, written with centred moments.
    public func radialDivergence(_ r: Double) -> Double {
        let m = moments(r)
        let m1 = m.firstCentred
        let trace = m.secondCentred - 2 * r * m1 - m1 * m1
        return trace / (variance * variance) - 3 / variance
    }

    /// All three at once (one quadrature): log p, f, ∇·s.
    public func radialEvaluation(_ r: Double) -> (logDensity: Double, score: Double, divergence: Double) {
        let m = moments(r)
        let m1 = m.firstCentred
        let trace = m.secondCentred - 2 * r * m1 - m1 * m1
        return (
            m.logMass + log(4 * Double.pi) - 1.5 * log(2 * Double.pi * variance), m1 / variance,
            trace / (variance * variance) - 3 / variance
        )
    }

    /// The potential `¼f² + ½∇·s` from one quadrature.
    public func radialPotential(_ r: Double) -> Double {
        let e = radialEvaluation(r)
        return 0.25 * e.score * e.score + 0.5 * e.divergence
    }

    /// Further along the process: `a → a·a(t)`, `v → a(t)²v + v(t)` (the Markov property).
    public func radialMarginal(time t: Double, process: ForwardProcess) throws -> any RadialLandscape {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        let a = process.scale(at: t)
        return try RadialGaussianConvolution(prior: prior, scale: scale * a, variance: a * a * variance + process.noiseVariance(at: t))
    }
}

/// Gauss–Legendre rules on [−1, 1], computed by the Golub–Welsch algorithm (the nodes are
/// the eigenvalues of the Jacobi matrix of the Legendre polynomials, the weights twice the
/// squared first components of its eigenvectors) with LAPACK's tridiagonal solver.
struct GaussLegendre: Sendable {
    let nodes: [Double]
    let weights: [Double]

    init(order n: Int) {
        let off = (1..<n).map { k -> Double in
            let k = Double(k)
            return k / (4 * k * k - 1).squareRoot()
        }
        // safe: a fixed, valid Jacobi matrix (n ≥ 1, finite entries)
        let system = try? TridiagonalEigensolver.lowest(
            diagonal: [Double](repeating: 0, count: n), offDiagonal: off, count: n, vectors: true)
        nodes = system?.values ?? []
        weights = (0..<n).map { k in
            let first = system?.vector(k)?.first ?? 0
            return 2 * first * first
        }
    }

    static let eight = GaussLegendre(order: 8)
}
