import AdiabatCore
import Foundation
import GSLKit

/// A spherically symmetric density on ℝ³, `p(x) = p(r)`, `r = |x|`.
///
/// Its score is radial, `s(x) = f(r)·x/r` with `f = ∂_r log p`, and `∇·s = f' + 2f/r`. The
/// Score Hamiltonian `−∇² + V(r)` separates in spherical harmonics: with `ψ = u(r)/r·Y_lm`,
/// channel `l` is `−u'' + (l(l+1)/r² + V(r)) u = E u`, `u(0) = 0` (docs/theory.md §2.5), and its
/// ground state in channel 0 is `u = r√p`. Radial landscapes are solved on a ``RadialGrid``
/// in these channels rather than on a 3-D grid.
public protocol RadialLandscape: Landscape {
    /// `log p(r)`, normalised so that `∫ 4πr² p(r) dr = 1`.
    func radialLogDensity(_ r: Double) -> Double
    /// `f(r) = ∂_r log p(r)`; the score is `f(r) r̂`.
    func radialScore(_ r: Double) -> Double
    /// `∇·s = f'(r) + 2f(r)/r`.
    func radialDivergence(_ r: Double) -> Double
    /// A typical radius of the density (its mean radius, say): quadratures take their step
    /// and extent from it.
    var radialScale: Double { get }
    /// The law at diffusion time `t`, again radial.
    func radialMarginal(time t: Double, process: ForwardProcess) throws -> any RadialLandscape
    /// The Score-Hamiltonian potential `V(r) = ¼f² + ½∇·s` (docs/theory.md (1)); a requirement
    /// so that a landscape evaluating both at once (a quadrature) can do so.
    func radialPotential(_ r: Double) -> Double
}

extension RadialLandscape {
    public var dimension: Int { 3 }

    @inline(__always) static func radius(_ x: UnsafeBufferPointer<Double>) -> Double {
        (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
    }

    public func logDensity(at x: UnsafeBufferPointer<Double>) -> Double { radialLogDensity(Self.radius(x)) }

    /// `f(r)·x/r`; at `r = 0` the direction is undefined and the score is set to 0.
    public func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) {
        let r = Self.radius(x)
        guard r > 0 else {
            for a in 0..<3 { s[a] = 0 }
            return
        }
        let f = radialScore(r) / r
        for a in 0..<3 { s[a] = f * x[a] }
    }

    public func divergence(at x: UnsafeBufferPointer<Double>) -> Double { radialDivergence(Self.radius(x)) }

    public func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape {
        try radialMarginal(time: t, process: process)
    }

    /// The Score-Hamiltonian potential `V(r) = ¼f² + ½∇·s` (docs/theory.md (1)).
    public func radialPotential(_ r: Double) -> Double {
        let f = radialScore(r)
        return 0.25 * f * f + 0.5 * radialDivergence(r)
    }
}

/// The hydrogen 1s orbital as a density: `p = e^{−2r/a}/(πa³)` (`a` the Bohr radius, 1 by
/// default).
///
/// Score `s = −(2/a) r̂`, `∇·s = −4/(a r)`, so `V = 1/a² − 2/(a r)`: the hydrogen Hamiltonian
/// (Rydberg units for `a = 1`) shifted up by its ground energy, with levels
/// `(1 − 1/n²)/a²` and the `l`-degeneracy (docs/theory.md §2.5). The radial law is
/// `r ~ Gamma(3, a/2)`, which ``sample(count:stream:)`` draws exactly.
public struct HydrogenOrbital: RadialLandscape, SampleableLandscape, Equatable {
    public let bohrRadius: Double

    public init(bohrRadius: Double = 1) throws {
        try Check.positive(bohrRadius, "landscape.bohr_radius")
        self.bohrRadius = bohrRadius
    }

    public func radialLogDensity(_ r: Double) -> Double {
        -2 * r / bohrRadius - log(Double.pi) - 3 * log(bohrRadius)
    }

    public func radialScore(_ r: Double) -> Double { -2 / bohrRadius }

    public func radialDivergence(_ r: Double) -> Double { -4 / (bohrRadius * r) }

    /// The mean radius `3a/2`.
    public var radialScale: Double { 1.5 * bohrRadius }

    /// The exact levels of the Score Hamiltonian in channel `l`: `(1 − 1/n²)/a²`,
    /// `n = l + 1, l + 2, …`.
    public func exactLevels(angularMomentum l: Int, count: Int) -> [Double] {
        (0..<count).map { k in
            let n = Double(l + 1 + k)
            return (1 - 1 / (n * n)) / (bohrRadius * bohrRadius)
        }
    }

    /// Exact when `t = 0`; otherwise the Gaussian convolution by radial quadrature
    /// (``RadialGaussianConvolution``).
    public func radialMarginal(time t: Double, process: ForwardProcess) throws -> any RadialLandscape {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        return try RadialGaussianConvolution(prior: self, scale: process.scale(at: t), variance: process.noiseVariance(at: t))
    }

    /// Exact samples (point-major `count × 3`): `r` as a sum of three exponentials of mean
    /// `a/2` (Gamma(3, a/2)), the direction uniform on the sphere (a normalised Gaussian).
    public func sample(count: Int, stream: RandomSource) -> [Double] {
        var out = [Double](repeating: 0, count: 3 * count)
        for i in 0..<count {
            let r =
                stream.exponential(mean: bohrRadius / 2) + stream.exponential(mean: bohrRadius / 2)
                + stream.exponential(mean: bohrRadius / 2)
            var g = (stream.gaussian(), stream.gaussian(), stream.gaussian())
            var n = (g.0 * g.0 + g.1 * g.1 + g.2 * g.2).squareRoot()
            while n < 1e-12 {
                g = (stream.gaussian(), stream.gaussian(), stream.gaussian())
                n = (g.0 * g.0 + g.1 * g.1 + g.2 * g.2).squareRoot()
            }
            out[3 * i] = r * g.0 / n
            out[3 * i + 1] = r * g.1 / n
            out[3 * i + 2] = r * g.2 / n
        }
        return out
    }
}

/// A landscape that can draw exact samples of itself.
public protocol SampleableLandscape: Landscape {
    /// `count` independent samples, point-major (`count × dimension`).
    func sample(count: Int, stream: RandomSource) -> [Double]
}

extension GaussianMixture: SampleableLandscape {}
