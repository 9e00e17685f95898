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
/// `a·scale/4`, laid outward from the peak of `w` until `w` has fallen e^{−60} below it, inside
/// the window outside which `w` is provably below e^{−50} of its peak. Locating the peak by a
/// scan assumes `w` is unimodal in `r`, as it is for log-concave radial priors (hydrogen).
public struct RadialGaussianConvolution: RadialLandscape {
    public let prior: any RadialLandscape
    /// `a(t)`.
    public let scale: Double
    /// `v(t)`.
    public let variance: Double
    /// max over r of log(q(r) r²), for the quadrature window.
    private let peakLog: Double
    /// Where the prior's radial mass density p(r)r² peaks (radius of X, before scaling).
    private let priorPeak: Double

    public init(prior: any RadialLandscape, scale a: Double, variance v: Double) throws {
        try Check.positive(a, "scale")
        try Check.positive(v, "variance")
        self.prior = prior
        self.scale = a
        self.variance = v
        // Scan log(q r²) on a geometric grid spanning 1e-6…200 scales of W's radius.
        let length = a * prior.radialScale
        var peak = -Double.infinity
        var at = length
        for i in 0...4000 {
            let r = length * 1e-6 * pow(2e8, Double(i) / 4000)
            let value = prior.radialLogDensity(r / a) - 3 * log(a) + 2 * log(r)
            if value > peak {
                peak = value
                at = r
            }
        }
        self.peakLog = peak + 1  // slack for the scan's resolution
        self.priorPeak = at / a
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
        // The window outside which w is provably below e^{−50} of its peak: the prior part
        // log(q r²) never exceeds peakLog, and w near r = ρ bounds the peak from below.
        let probe = max(rho, min(sv, a * prior.radialScale))
        let reference = logWeight(probe)
        let reach = (2 * v * max(peakLog - reference + 50, 50)).squareRoot()
        let lower = max(0, rho - reach)
        let upper = rho + reach
        // Locate the peak of log w (unimodal for log-concave radial priors): a scan of 64
        // points plus ρ and the prior's own peak, then panels outward from it until log w has
        // fallen 60 below the peak on both sides (or the window ends).
        var peakR = probe
        var peakValue = reference
        for candidate in [min(max(a * priorPeak, lower), upper)] + (0...64).map({ lower + (upper - lower) * Double($0) / 64 }) {
            guard candidate > 0 else { continue }
            let value = logWeight(candidate)
            if value > peakValue {
                peakValue = value
                peakR = candidate
            }
        }
        let rule = GaussLegendre.eight
        var shift = -Double.infinity
        var mass = 0.0
        var first = 0.0
        var second = 0.0
        func panel(_ left: Double, _ w: Double) {
            for q in 0..<rule.nodes.count {
                let r = left + 0.5 * w * (rule.nodes[q] + 1)
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
                let weight = 0.5 * w * rule.weights[q] * exp(lw - shift)
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
        // Panels outward from the peak, each as wide as the integrand allows: ≤ √v/2, ≤ 2/|g'|
        // (e^g changes by ≤ e² across it) and ≤ ½/√|g''| (a Gaussian of that width gets ≥ 2
        // panels), with g = log w; slope and curvature come from the panel edges already
        // evaluated.
        func width(_ slope: Double, _ curvature: Double, _ r: Double) -> Double {
            var w = sv / 2
            if abs(slope) > 0 { w = min(w, 2 / abs(slope)) }
            if abs(curvature) > 0 { w = min(w, 0.5 / abs(curvature).squareRoot()) }
            return max(w, 1e-12 * (1 + r))
        }
        let h0 = min(sv, max(peakR, 1e-300)) * 1e-3
        let gl = logWeight(max(peakR - h0, peakR * 0.5))
        let gr = logWeight(peakR + h0)
        let curvaturePeak = (gl + gr - 2 * peakValue) / (h0 * h0)
        for direction in [1.0, -1.0] {
            var edge = peakR
            var value = peakValue
            var slope = 0.0
            var curvature = curvaturePeak.isFinite ? curvaturePeak : 0
            while direction > 0 ? edge < upper : edge > lower {
                var w = width(slope, curvature, edge)
                w = direction > 0 ? min(w, upper - edge) : min(w, edge - lower)
                panel(direction > 0 ? edge : edge - w, w)
                let next = edge + direction * w
                let nextValue = next > 0 ? logWeight(next) : -Double.infinity
                let newSlope = (nextValue - value) / w
                if nextValue.isFinite, value.isFinite { curvature = slope == 0 ? curvature : (newSlope - slope) / w }
                slope = newSlope.isFinite ? newSlope : slope
                edge = next
                value = nextValue
                if !(value >= peakValue - 60) { break }
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
        return try RadialGaussianConvolution(
            prior: prior, scale: scale * a, variance: a * a * variance + process.noiseVariance(at: t))
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
