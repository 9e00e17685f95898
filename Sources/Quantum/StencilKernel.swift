import AdiabatCore

extension GridHamiltonian {
    /// `y = α·(H x) + β·x + γ·z` in one pass over memory (`z` may be nil when `γ = 0`).
    ///
    /// This is the kernel of polynomial filters (a Chebyshev step is
    /// `T_{j+1} = (2/e)(H − c)T_j − T_{j−1}`) and of shifted operators. It works row by row
    /// along the last (contiguous) axis: the diagonal and the last-axis stencil first, then
    /// the other axes as whole shifted rows, so the inner loops have no branches and
    /// vectorise. Rows are shared out over all cores.
    public func apply(
        _ x: UnsafeBufferPointer<Double>, alpha: Double, beta: Double, gamma: Double = 0, z: UnsafeBufferPointer<Double>? = nil,
        into y: UnsafeMutableBufferPointer<Double>
    ) {
        let n = grid.count
        guard let xb = x.baseAddress, let yb = y.baseAddress, x.count >= n, y.count >= n else { return }
        let zb = gamma == 0 ? nil : z?.baseAddress
        let src = SharedReadPointer(xb)
        let dst = SharedPointer(yb)
        let extra = zb.map { SharedReadPointer($0) }
        let points = grid.points
        let d = points.count
        let rowLength = points[d - 1]
        let rows = n / rowLength
        let strides = grid.strides
        let reach = order.reach
        let spacing = grid.spacing
        let weights = spacing.map { h in order.weights.map { $0 / (h * h) } }
        let minimumRows = max(1, 16_384 / rowLength)
        diagonal.withUnsafeBufferPointer { diagBuffer in
            let diag = SharedReadPointer(diagBuffer.baseAddress!)  // safe: grid.count ≥ 3
            Parallel.forEachChunk(count: rows, minimumChunk: minimumRows) { range in
                for row in range {
                    let start = row * rowLength
                    let xr = src.base + start
                    let yr = dst.base + start
                    let dr = diag.base + start
                    // Diagonal and the last axis.
                    let wl = weights[d - 1]
                    for q in 0..<rowLength { yr[q] = dr[q] * xr[q] }
                    for j in 1...reach where j < rowLength {
                        let w = wl[j]
                        for q in 0..<(rowLength - j) {
                            yr[q] += w * xr[q + j]
                            yr[q + j] += w * xr[q]
                        }
                    }
                    // The other axes: whole shifted rows, when the neighbour row exists.
                    var rest = row
                    for a in stride(from: d - 2, through: 0, by: -1) {
                        let ia = rest % points[a]
                        rest /= points[a]
                        let s = strides[a]
                        let wa = weights[a]
                        for j in 1...reach {
                            let w = wa[j]
                            if ia + j < points[a] {
                                let xn = xr + j * s
                                for q in 0..<rowLength { yr[q] += w * xn[q] }
                            }
                            if ia - j >= 0 {
                                let xn = xr - j * s
                                for q in 0..<rowLength { yr[q] += w * xn[q] }
                            }
                        }
                    }
                    // Affine combination.
                    if let extra {
                        let zr = extra.base + start
                        for q in 0..<rowLength { yr[q] = alpha * yr[q] + beta * xr[q] + gamma * zr[q] }
                    } else if alpha != 1 || beta != 0 {
                        for q in 0..<rowLength { yr[q] = alpha * yr[q] + beta * xr[q] }
                    }
                }
            }
        }
    }

    /// An upper bound on the largest eigenvalue (Gershgorin): `max V + Σ_axes Σ_j |w_j|/h²`.
    public var spectralUpperBound: Double {
        // Row sum of |entries|: the centre w₀ once and each of the 2·reach neighbours per axis.
        let w = order.weights
        let perAxis = w[0] + 2 * w.dropFirst().reduce(0) { $0 + abs($1) }
        return (potential.max() ?? 0) + grid.spacing.reduce(0) { $0 + perAxis / ($1 * $1) }
    }

    /// A lower bound on the lowest eigenvalue: `min V` (the discrete `−∇²` with Dirichlet
    /// walls is positive semi-definite for every stencil order here: its symbol is ≥ 0).
    public var spectralLowerBound: Double { potential.min() ?? 0 }
}
