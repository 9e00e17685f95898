import AdiabatCore

/// The finite-difference order of the Laplacian, per axis.
///
/// Weights of `−∂²/∂x²` (times h²), centre first:
/// - `second`: 3 points `[2, −1]`
/// - `fourth`: 5 points `[5/2, −4/3, 1/12]`
/// - `sixth`: 7 points `[49/18, −3/2, 3/20, −1/90]`
/// Values beyond the walls are 0 (Dirichlet), so the higher orders keep their order in
/// the interior and drop near a wall; densities that vanish at the walls do not notice.
public enum LaplacianOrder: Int, CaseIterable, Sendable, Codable {
    case second = 2
    case fourth = 4
    case sixth = 6

    /// The stencil weights of −∂² (centre, then offsets 1, 2, …), before dividing by h².
    public var weights: [Double] {
        switch self {
        case .second: return [2, -1]
        case .fourth: return [5.0 / 2, -4.0 / 3, 1.0 / 12]
        case .sixth: return [49.0 / 18, -3.0 / 2, 3.0 / 20, -1.0 / 90]
        }
    }

    /// Half-width of the stencil.
    public var reach: Int { weights.count - 1 }
}

/// `H = −∇² + V` on a ``UniformGrid``, applied matrix-free.
///
/// The operator is real symmetric (in the Euclidean inner product; the grid's cell volume
/// is a constant factor). ``apply(_:into:)`` acts on real vectors; ``applyComplex(_:into:)``
/// on complex vectors stored interleaved (re, im) as the propagators use them. Large grids
/// are processed on all cores by rows of the first axis.
public struct GridHamiltonian: Sendable {
    public let grid: UniformGrid
    /// `V` at every node (flat, last axis fastest).
    public let potential: [Double]
    public let order: LaplacianOrder
    /// Per axis: stencil weights divided by h², centre first.
    private let scaled: [[Double]]
    /// `V + Σ_axes w₀/h²`: the diagonal.
    private let diagonalValues: [Double]

    /// - Throws: if `potential` does not have one finite value per node.
    public init(grid: UniformGrid, potential: [Double], order: LaplacianOrder = .second) throws {
        try grid.checkNodeValues(
            potential, "potential",
            hint: "the score is singular or the density vanishes there; shrink the grid or regularise the landscape")
        for a in 0..<grid.dimension where grid.points[a] <= order.reach {
            throw InputError("grid.points[\(a)]", "needs more than \(order.reach) points for a \(order.rawValue)-order Laplacian")
        }
        self.grid = grid
        self.potential = potential
        self.order = order
        let spacing = grid.spacing
        scaled = spacing.map { h in order.weights.map { $0 / (h * h) } }
        let centre = scaled.reduce(0) { $0 + $1[0] }
        diagonalValues = potential.map { $0 + centre }
    }

    public var dimension: Int { grid.count }

    /// The diagonal of the matrix (`V` plus the stencil centre).
    public var diagonal: [Double] { diagonalValues }

    /// For a 1-D grid with the second-order stencil: the symmetric tridiagonal matrix
    /// (diagonal, off-diagonal), ready for ``GSLKit/TridiagonalEigensolver``; nil otherwise.
    public var tridiagonal: (diagonal: [Double], offDiagonal: [Double])? {
        guard grid.dimension == 1, order == .second else { return nil }
        return (diagonalValues, [Double](repeating: scaled[0][1], count: grid.count - 1))
    }

    /// `y = H x` for real `x`.
    public func apply(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        applyComponents(x, y, components: 1)
    }

    /// `y = H x` for complex `x` stored interleaved (length 2·``dimension``).
    public func applyComplex(_ x: UnsafeBufferPointer<Double>, into y: UnsafeMutableBufferPointer<Double>) {
        applyComponents(x, y, components: 2)
    }

    /// Array convenience (allocates).
    public func apply(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in y.withUnsafeMutableBufferPointer { apply(xp, into: $0) } }
        return y
    }

    /// The energy `⟨x|H|x⟩/⟨x|x⟩` of a real vector.
    public func rayleighQuotient(_ x: [Double]) -> Double {
        Self.dot(x, apply(x)) / Self.dot(x, x)
    }

    /// `‖Hψ‖ / ‖ψ‖` (grid norms): how far `ψ` is from a zero-energy state.
    public func relativeResidual(_ psi: [Double]) -> Double {
        let hpsi = apply(psi)
        return (Self.dot(hpsi, hpsi) / Self.dot(psi, psi)).squareRoot()
    }

    /// `Σᵢ aᵢbᵢ`, summed in index order.
    private static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }

    private func applyComponents(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeMutableBufferPointer<Double>, components c: Int) {
        guard let xb = x.baseAddress, let yb = y.baseAddress else { return }
        precondition(x.count >= c * grid.count && y.count >= c * grid.count, "GridHamiltonian.apply: buffer too short")
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let n = grid.points
        let strides = grid.strides
        let rows = n[0]
        let rowLength = grid.count / rows
        let minimumRows = max(1, 32_768 / max(rowLength, 1))
        Parallel.forEachChunk(count: rows, minimumChunk: minimumRows) { range in
            self.applyRows(range, src, dst, n, strides, c)
        }
    }

    /// Gathers `y[k] = diag[k] x[k] + Σ_axes Σ_j w_j (x[k + j s] + x[k − j s])` for every node
    /// whose first-axis index lies in `rows`.
    @inline(__always)
    private func applyRows(
        _ rows: Range<Int>, _ x: SharedReadPointer<Double>, _ y: SharedPointer<Double>, _ n: [Int], _ s: [Int], _ c: Int
    ) {
        let d = n.count
        let reach = order.reach
        let n1 = d > 1 ? n[1] : 1
        let n2 = d > 2 ? n[2] : 1
        scaled.withUnsafeBufferPointer { w in
            diagonalValues.withUnsafeBufferPointer { diag in
                for i0 in rows {
                    for i1 in 0..<n1 {
                        for i2 in 0..<n2 {
                            let k = i0 * s[0] + (d > 1 ? i1 * s[1] : 0) + (d > 2 ? i2 * s[2] : 0)
                            let idx = (i0, i1, i2)
                            for m in 0..<c {
                                var acc = diag[k] * x[c * k + m]
                                for a in 0..<d {
                                    let ia = a == 0 ? idx.0 : (a == 1 ? idx.1 : idx.2)
                                    let stride = s[a]
                                    let wa = w[a]
                                    for j in 1...reach {
                                        if ia + j < n[a] { acc += wa[j] * x[c * (k + j * stride) + m] }
                                        if ia - j >= 0 { acc += wa[j] * x[c * (k - j * stride) + m] }
                                    }
                                }
                                y[c * k + m] = acc
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The radial Hamiltonian of channel `l` for a spherically symmetric potential:
/// `−u'' + (l(l+1)/r² + V(r)) u` on a ``RadialGrid`` with `u(0) = u(r_max) = 0`,
/// where `ψ(r) = u(r)/r · Y_lm`. Second-order 3-point stencil: symmetric tridiagonal.
public struct RadialHamiltonian: Sendable {
    public let grid: RadialGrid
    public let angularMomentum: Int
    /// `V(rᵢ)` at the interior nodes.
    public let potential: [Double]

    public init(grid: RadialGrid, potential: [Double], angularMomentum l: Int) throws {
        guard potential.count == grid.points else {
            throw InputError("potential", "has \(potential.count) values for \(grid.points) radial nodes")
        }
        try Check.finite(potential, "potential")
        guard l >= 0, l <= 1000 else { throw InputError("angular-momentum", "must be between 0 and 1000 (got \(l))") }
        self.grid = grid
        self.potential = potential
        self.angularMomentum = l
    }

    /// (diagonal, off-diagonal) of the symmetric tridiagonal matrix.
    public var tridiagonal: (diagonal: [Double], offDiagonal: [Double]) {
        let h = grid.spacing
        let l = Double(angularMomentum)
        let diag = (0..<grid.points).map { i -> Double in
            let r = grid.radius(i)
            return 2 / (h * h) + l * (l + 1) / (r * r) + potential[i]
        }
        return (diag, [Double](repeating: -1 / (h * h), count: grid.points - 1))
    }
}
