import AdiabatCore

/// How a continuous Hamiltonian `−∇² + V` is put on a computer.
public enum Discretisation: Sendable, Equatable {
    /// A uniform 1–3-D grid with Dirichlet walls and a Laplacian stencil order.
    case grid(UniformGrid, order: LaplacianOrder)
    /// A radial grid for a spherically symmetric 3-D potential, solved per angular-momentum
    /// channel `l` (``RadialHamiltonian``).
    case radial(RadialGrid)

    /// The number of unknowns.
    public var nodeCount: Int {
        switch self {
        case .grid(let g, _): return g.count
        case .radial(let r): return r.points
        }
    }

    /// A one-line description (`[-7.0, 7.0]×1401, order 2` or `radial r ≤ 60.0, 3000 points`).
    public var summary: String {
        switch self {
        case let .grid(g, order): return "\(g), Laplacian order \(order.rawValue)"
        case .radial(let r): return "radial, r ≤ \(r.rMax), \(r.points) points"
        }
    }
}
