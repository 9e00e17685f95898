import AdiabatCore
import Foundation

/// A density tabulated on a ``AdiabatCore/UniformGrid``: `log p` at every node, normalised
/// on the grid (`Σ p ΔV = 1`).
///
/// This is the landscape of a density given as a table, of a Boltzmann density `p ∝ e^{−U/T}`
/// with `U` given on the grid, of a Hamiltonian's ground state (`p = ψ₀²`), and of the
/// forward-process marginals of all of these (by convolution on the grid).
///
/// Derivatives at the nodes are finite differences of `log p`: fourth-order central
/// differences in the interior, second order next to the walls (one-sided on them), for the
/// score and for `∇·s = ∇²log p`. Between nodes each of `log p`, the score components and
/// the divergence is interpolated by tensor-product Catmull–Rom (Keys) cubic convolution:
/// C¹, third-order accurate, and equal to the nodal values at the nodes. Beyond the walls the
/// density continues as a Gaussian tail of width 2h per axis (the score pulls back toward the
/// box), so that samplers stepping outside are returned rather than lost.
///
/// The Score Hamiltonian of a tabulated density on its own grid is best built from the
/// nodal `log p` directly (Bridge does: `V = (∇ₕ²√p)/√p`, which makes `H√p = 0` exactly).
public struct GridDensity: Landscape {
    public let grid: UniformGrid
    /// `log p` at every node (flat, last axis fastest), normalised on the grid.
    public let logValues: [Double]
    /// The score at every node, point-major (`count × d`).
    public let nodalScore: [Double]
    /// `∇·s` at every node.
    public let nodalDivergence: [Double]

    public var dimension: Int { grid.dimension }

    /// From `log p` (any additive constant) at every node; every value must be finite (a
    /// zero density has no score: give a tiny positive floor instead).
    public init(grid: UniformGrid, logDensity: [Double]) throws {
        try grid.checkNodeValues(
            logDensity, "landscape", quantity: "log-density",
            hint: "a tabulated density must be positive and finite at every node (its score is ∇log p)")
        let peak = logDensity.max() ?? 0
        var mass = 0.0
        for l in logDensity { mass += exp(l - peak) }
        let logNorm = peak + log(mass * grid.cellVolume)
        let values = logDensity.map { $0 - logNorm }
        self.grid = grid
        self.logValues = values
        (nodalScore, nodalDivergence) = GridDifferences.derivatives(values, grid: grid)
    }

    /// From the density `p ≥ 0` at every node (any normalisation); zero or negative values
    /// are refused.
    public init(grid: UniformGrid, density: [Double]) throws {
        if let i = density.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            var x = [Double](repeating: 0, count: grid.dimension)
            if i < grid.count { grid.point(i, into: &x) }
            throw InputError(
                "landscape.density", "is \(density[i]) at x = \(x)",
                hint: "the density must be positive and finite at every node; floor it (e.g. at 1e-300) if it vanishes")
        }
        try self.init(grid: grid, logDensity: density.map { log($0) })
    }

    /// The Boltzmann density `p ∝ e^{−U/T}` for the energy `U` at every node.
    public static func boltzmann(grid: UniformGrid, energy: [Double], temperature: Double = 1) throws -> GridDensity {
        try Check.positive(temperature, "landscape.temperature")
        if let i = energy.firstIndex(where: { !$0.isFinite }) {
            throw InputError("landscape.energy", "is \(energy[i]) at node \(i)", hint: "the energy must be finite at every node")
        }
        return try GridDensity(grid: grid, logDensity: energy.map { -$0 / temperature })
    }

    /// The density at every node (normalised).
    public var density: [Double] { logValues.map { exp($0) } }

    // MARK: Pointwise evaluation (interpolation)

    public func logDensity(at x: UnsafeBufferPointer<Double>) -> Double {
        let st = GridInterpolation.stencil(grid: grid, at: x)
        return GridInterpolation.scalar(logValues, grid: grid, stencil: st) + st.tail
    }

    public func score(at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) {
        let st = GridInterpolation.stencil(grid: grid, at: x)
        nodalScore.withUnsafeBufferPointer { f in
            GridInterpolation.evaluate(f, components: dimension, grid: grid, stencil: st, into: s)
        }
        GridInterpolation.addTailScore(grid: grid, at: x, into: s)
    }

    public func divergence(at x: UnsafeBufferPointer<Double>) -> Double {
        let st = GridInterpolation.stencil(grid: grid, at: x)
        return GridInterpolation.scalar(nodalDivergence, grid: grid, stencil: st)
            + GridInterpolation.tailDivergence(grid: grid, at: x)
    }

    // MARK: Forward process

    /// `p_t(y) = ∫ p(x) N(y; a x, v I) dx` on the same grid, by separable convolution in
    /// log space (see ``GridConvolution``); mass carried beyond the walls is dropped and
    /// `p_t` renormalised on the grid.
    public func marginal(time t: Double, process: ForwardProcess) throws -> any Landscape {
        try pushedForward(time: t, process: process)
    }

    /// The same as ``marginal(time:process:)``, typed.
    public func pushedForward(time t: Double, process: ForwardProcess) throws -> GridDensity {
        try ForwardProcess.checkTime(t)
        if t == 0 { return self }
        let values = GridConvolution.logConvolve(
            logValues, grid: grid, scale: process.scale(at: t), variance: process.noiseVariance(at: t))
        return try GridDensity(grid: grid, logDensity: values)
    }
}

/// Finite differences of nodal values on a uniform grid.
enum GridDifferences {
    /// The gradient (point-major) and Laplacian of `f` at every node: fourth-order central
    /// differences where two neighbours exist on each side, second order otherwise
    /// (one-sided at the walls).
    static func derivatives(_ f: [Double], grid: UniformGrid) -> (gradient: [Double], laplacian: [Double]) {
        let d = grid.dimension
        let n = grid.count
        let strides = grid.strides
        let spacing = grid.spacing
        var gradient = [Double](repeating: 0, count: n * d)
        var laplacian = [Double](repeating: 0, count: n)
        gradient.withUnsafeMutableBufferPointer { gBuffer in
            laplacian.withUnsafeMutableBufferPointer { lBuffer in
                f.withUnsafeBufferPointer { fBuffer in
                    let g = SharedPointer(gBuffer.baseAddress!)  // safe: n ≥ 3
                    let l = SharedPointer(lBuffer.baseAddress!)  // safe: n ≥ 3
                    let v = SharedReadPointer(fBuffer.baseAddress!)  // safe: n ≥ 3
                    Parallel.forEachChunk(count: n, minimumChunk: 8192) { range in
                        for k in range {
                            var lap = 0.0
                            grid.forEachAxis(ofNode: k) { a, i in
                                let m = grid.points[a]
                                let s = strides[a]
                                let h = spacing[a]
                                let first: Double
                                let second: Double
                                if i >= 2 && i <= m - 3 {
                                    let fm2 = v[k - 2 * s]
                                    let fm1 = v[k - s]
                                    let f0 = v[k]
                                    let fp1 = v[k + s]
                                    let fp2 = v[k + 2 * s]
                                    first = (fm2 - 8 * fm1 + 8 * fp1 - fp2) / (12 * h)
                                    second = (-fm2 + 16 * fm1 - 30 * f0 + 16 * fp1 - fp2) / (12 * h * h)
                                } else if i >= 1 && i <= m - 2 {
                                    first = (v[k + s] - v[k - s]) / (2 * h)
                                    second = (v[k + s] - 2 * v[k] + v[k - s]) / (h * h)
                                } else if i == 0 {
                                    first = (-3 * v[k] + 4 * v[k + s] - v[k + 2 * s]) / (2 * h)
                                    second =
                                        m >= 4
                                        ? (2 * v[k] - 5 * v[k + s] + 4 * v[k + 2 * s] - v[k + 3 * s]) / (h * h)
                                        : (v[k] - 2 * v[k + s] + v[k + 2 * s]) / (h * h)
                                } else {
                                    first = (3 * v[k] - 4 * v[k - s] + v[k - 2 * s]) / (2 * h)
                                    second =
                                        m >= 4
                                        ? (2 * v[k] - 5 * v[k - s] + 4 * v[k - 2 * s] - v[k - 3 * s]) / (h * h)
                                        : (v[k] - 2 * v[k - s] + v[k - 2 * s]) / (h * h)
                                }
                                g[k * d + a] = first
                                lap += second
                            }
                            l[k] = lap
                        }
                    }
                }
            }
        }
        return (gradient, laplacian)
    }
}

/// Tensor-product cubic convolution (Keys, a = −½, i.e. Catmull–Rom) of nodal fields.
///
/// Next to a wall the missing neighbour is the linear extrapolation `2f₀ − f₁`; that
/// extrapolation is folded into the weights of four real nodes per axis, so evaluation is a
/// plain weighted sum over 4ᵈ nodes with no allocation.
enum GridInterpolation {
    /// Keys' kernel weights for the four nodes around a point at fraction `u ∈ [0, 1)`.
    @inline(__always) static func weights(_ u: Double) -> (Double, Double, Double, Double) {
        let u2 = u * u
        let u3 = u2 * u
        return (
            -0.5 * u3 + u2 - 0.5 * u,
            1.5 * u3 - 2.5 * u2 + 1,
            -1.5 * u3 + 2 * u2 + 0.5 * u,
            0.5 * u3 - 0.5 * u2
        )
    }

    /// The nodes and weights of the interpolation at one point.
    struct Stencil {
        /// First of the four nodes per axis (axes beyond the dimension: 0).
        var start: SIMD3<Int> = .zero
        /// Weights of the four nodes per axis.
        var weights: (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>) = (.zero, .zero, .zero)
        /// −Σ (x − x_c)²/(2σ²), σ = 2h, over the axes on which x lies outside the grid.
        var tail = 0.0
    }

    @inline(__always) static func stencil(grid: UniformGrid, at x: UnsafeBufferPointer<Double>) -> Stencil {
        var st = Stencil()
        for a in 0..<grid.dimension {
            let m = grid.points[a]
            let h = (grid.upper[a] - grid.lower[a]) / Double(m - 1)
            let clamped = min(max(x[a], grid.lower[a]), grid.upper[a])
            let excess = x[a] - clamped
            st.tail -= excess * excess / (8 * h * h)
            let f = (clamped - grid.lower[a]) / h
            let i = min(max(Int(f.rounded(.down)), 0), m - 2)
            let w = weights(f - Double(i))
            let raw = SIMD4(w.0, w.1, w.2, w.3)
            let start = max(0, min(i - 1, m - 4))
            var eff = SIMD4<Double>.zero
            for j in 0..<4 {
                let node = i - 1 + j
                if node < 0 {
                    eff[0 - start] += 2 * raw[j]
                    eff[1 - start] -= raw[j]
                } else if node >= m {
                    eff[m - 1 - start] += 2 * raw[j]
                    eff[m - 2 - start] -= raw[j]
                } else {
                    eff[node - start] += raw[j]
                }
            }
            st.start[a] = start
            switch a {
            case 0: st.weights.0 = eff
            case 1: st.weights.1 = eff
            default: st.weights.2 = eff
            }
        }
        return st
    }

    /// Writes the interpolated `components` values of a field (`components` per node) at the
    /// stencil into `out`.
    @inline(__always) static func evaluate(
        _ field: UnsafeBufferPointer<Double>, components c: Int, grid: UniformGrid, stencil st: Stencil,
        into out: UnsafeMutableBufferPointer<Double>
    ) {
        let d = grid.dimension
        let s = grid.strides
        for q in 0..<c { out[q] = 0 }
        let r1 = d > 1 ? 4 : 1
        let r2 = d > 2 ? 4 : 1
        for j0 in 0..<4 {
            let w0 = st.weights.0[j0]
            if w0 == 0 { continue }
            let k0 = (st.start[0] + j0) * s[0]
            for j1 in 0..<r1 {
                let w01 = d > 1 ? w0 * st.weights.1[j1] : w0
                if w01 == 0 { continue }
                let k1 = d > 1 ? k0 + (st.start[1] + j1) * s[1] : k0
                for j2 in 0..<r2 {
                    let w = d > 2 ? w01 * st.weights.2[j2] : w01
                    if w == 0 { continue }
                    let k = d > 2 ? k1 + (st.start[2] + j2) * s[2] : k1
                    for q in 0..<c { out[q] += w * field[k * c + q] }
                }
            }
        }
    }

    /// One interpolated scalar.
    @inline(__always) static func scalar(_ field: [Double], grid: UniformGrid, stencil st: Stencil) -> Double {
        field.withUnsafeBufferPointer { f in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 1) { out in
                evaluate(f, components: 1, grid: grid, stencil: st, into: out)
                return out[0]
            }
        }
    }

    /// Adds the tail's pull `−(x − x_c)/σ²` (σ = 2h) on the axes where `x` is outside.
    static func addTailScore(grid: UniformGrid, at x: UnsafeBufferPointer<Double>, into s: UnsafeMutableBufferPointer<Double>) {
        for a in 0..<grid.dimension {
            let h = (grid.upper[a] - grid.lower[a]) / Double(grid.points[a] - 1)
            let clamped = min(max(x[a], grid.lower[a]), grid.upper[a])
            s[a] -= (x[a] - clamped) / (4 * h * h)
        }
    }

    /// `−1/σ²` per axis on which `x` is outside the grid.
    static func tailDivergence(grid: UniformGrid, at x: UnsafeBufferPointer<Double>) -> Double {
        var total = 0.0
        for a in 0..<grid.dimension where x[a] < grid.lower[a] || x[a] > grid.upper[a] {
            let h = (grid.upper[a] - grid.lower[a]) / Double(grid.points[a] - 1)
            total -= 1 / (4 * h * h)
        }
        return total
    }
}

/// Gaussian convolution of a log-density on a uniform grid: `p_t(y) = ∫ p(x) N(y; a x, v I) dx`
/// for the forward process `x_t = a x₀ + √v z`.
///
/// The kernel factorises over axes, so the d-dimensional convolution is d one-dimensional
/// passes, each over every grid line of one axis (lines in parallel). Each pass works in log
/// space (a running log-sum-exp), so tails keep their relative accuracy down to e^{−700}
/// and beyond. When the kernel is narrower than the grid (`√v < 1.5·a·h`), `log p` is first
/// interpolated (Catmull–Rom) onto a finer line with spacing ≤ `√v/(1.5a)`, which keeps the
/// aliasing error of the sum below e^{−2π²·2.25} ≈ 1e-19. For each output node only the
/// source window on which the term can be within e^{−50} of the largest one is summed.
public enum GridConvolution {
    public static func logConvolve(_ logValues: [Double], grid: UniformGrid, scale a: Double, variance v: Double) -> [Double] {
        var current = logValues
        let d = grid.dimension
        let strides = grid.strides
        for axis in 0..<d {
            let m = grid.points[axis]
            let lines = grid.count / m
            let s = strides[axis]
            let lower = grid.lower[axis]
            let h = grid.spacing[axis]
            var next = [Double](repeating: 0, count: grid.count)
            current.withUnsafeBufferPointer { inBuffer in
                next.withUnsafeMutableBufferPointer { outBuffer in
                    let input = SharedReadPointer(inBuffer.baseAddress!)  // safe: grid.count ≥ 3
                    let output = SharedPointer(outBuffer.baseAddress!)  // safe: grid.count ≥ 3
                    Parallel.forEachChunk(count: lines, minimumChunk: 1) { range in
                        var line = [Double](repeating: 0, count: m)
                        var result = [Double](repeating: 0, count: m)
                        for l in range {
                            // The line's first node: decompose l over the other axes.
                            var base = 0
                            var rest = l
                            for b in stride(from: d - 1, through: 0, by: -1) where b != axis {
                                base += (rest % grid.points[b]) * strides[b]
                                rest /= grid.points[b]
                            }
                            for i in 0..<m { line[i] = input[base + i * s] }
                            convolveLine(line, lower: lower, spacing: h, scale: a, variance: v, into: &result)
                            for i in 0..<m { output[base + i * s] = result[i] }
                        }
                    }
                }
            }
            current = next
        }
        return current
    }

    /// One axis: `out[j] = log Σ_i δ·exp(L(x_i) − (y_j − a x_i)²/(2v)) − ½log(2πv)`.
    static func convolveLine(
        _ values: [Double], lower: Double, spacing h: Double, scale a: Double, variance v: Double, into out: inout [Double]
    ) {
        let m = values.count
        let sv = v.squareRoot()
        let refine = min(256, max(1, Int((1.5 * a * h / sv).rounded(.up))))
        let delta = h / Double(refine)
        let count = (m - 1) * refine + 1
        var fine = [Double](repeating: 0, count: count)
        if refine == 1 {
            fine = values
        } else {
            for i in 0..<(m - 1) {
                let f = (i - 1 >= 0) ? values[i - 1] : 2 * values[0] - values[1]
                let g = values[i]
                let p = values[i + 1]
                let q = (i + 2 < m) ? values[i + 2] : 2 * values[m - 1] - values[m - 2]
                for r in 0..<refine {
                    let w = GridInterpolation.weights(Double(r) / Double(refine))
                    fine[i * refine + r] = w.0 * f + w.1 * g + w.2 * p + w.3 * q
                }
            }
            fine[count - 1] = values[m - 1]
        }
        let peak = fine.max() ?? 0
        let logNorm = log(delta) - 0.5 * log(2 * Double.pi * v)
        for j in 0..<m {
            let y = lower + Double(j) * h
            // The nearest source point to y/a gives a lower bound of the largest term.
            let centre = (y / a - lower) / delta
            let nearest = min(max(Int(centre.rounded()), 0), count - 1)
            let xn = lower + Double(nearest) * delta
            let dn = y - a * xn
            let reference = fine[nearest] - dn * dn / (2 * v)
            let reach = (2 * v * (peak - reference + 50)).squareRoot() / a
            let from = max(0, Int(((y - reach * a) / a - lower) / delta) - 1)
            let to = min(count - 1, Int(((y + reach * a) / a - lower) / delta) + 1)
            var shift = -Double.infinity
            var sum = 0.0
            if from <= to {
                for i in from...to {
                    let x = lower + Double(i) * delta
                    let dd = y - a * x
                    let term = fine[i] - dd * dd / (2 * v)
                    if term > shift {
                        sum = sum * exp(shift - term) + 1
                        shift = term
                    } else {
                        sum += exp(term - shift)
                    }
                }
            }
            out[j] = shift + log(sum) + logNorm
        }
    }
}
