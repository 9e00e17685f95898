/// A uniform tensor-product grid in 1, 2 or 3 dimensions.
///
/// Axis `a` has `points[a]` nodes from `lower[a]` to `upper[a]` inclusive, spacing
/// `(upper − lower)/(points − 1)`. The wave function vanishes outside (Dirichlet walls), so
/// the end nodes are part of the domain but operators treat values beyond them as 0.
/// Flat index: the last axis varies fastest (`index = (i₀·n₁ + i₁)·n₂ + i₂`). Inner
/// products include the cell volume ``cellVolume``.
public struct UniformGrid: Sendable, Equatable, Codable, CustomStringConvertible {
    public let lower: [Double]
    public let upper: [Double]
    public let points: [Int]

    /// Validates: 1 to 3 axes, matching lengths, finite bounds with lower < upper, at least
    /// 3 points per axis, and at most 2²⁸ nodes in all.
    public init(lower: [Double], upper: [Double], points: [Int]) throws {
        guard (1...3).contains(points.count) else {
            throw InputError("grid", "must have 1, 2 or 3 axes (got \(points.count))")
        }
        guard lower.count == points.count, upper.count == points.count else {
            throw InputError(
                "grid",
                "lower, upper and points must have one entry per axis (got \(lower.count), \(upper.count), \(points.count))")
        }
        for a in 0..<points.count {
            try Check.finite(lower[a], "grid.lower[\(a)]")
            try Check.finite(upper[a], "grid.upper[\(a)]")
            guard upper[a] > lower[a] else {
                throw InputError("grid", "axis \(a): upper (\(upper[a])) must exceed lower (\(lower[a]))")
            }
            guard points[a] >= 3 else {
                throw InputError("grid.points[\(a)]", "needs at least 3 points (got \(points[a]))")
            }
        }
        let total = points.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard total <= 1 << 28, points.allSatisfy({ $0 <= 1 << 28 }) else {
            throw InputError("grid.points", "\(points) gives more than 2²⁸ nodes", hint: "use fewer points")
        }
        self.lower = lower
        self.upper = upper
        self.points = points
    }

    /// A 1-D grid.
    public init(lower: Double, upper: Double, points: Int) throws {
        try self.init(lower: [lower], upper: [upper], points: [points])
    }

    public var dimension: Int { points.count }
    /// Total number of nodes.
    public var count: Int { points.reduce(1, *) }
    /// Node spacing per axis.
    public var spacing: [Double] { (0..<dimension).map { (upper[$0] - lower[$0]) / Double(points[$0] - 1) } }
    /// The volume element of the grid's quadrature (product of spacings).
    public var cellVolume: Double { spacing.reduce(1, *) }

    /// Coordinate of node `i` on axis `a`.
    @inline(__always) public func coordinate(axis a: Int, _ i: Int) -> Double {
        lower[a] + Double(i) * (upper[a] - lower[a]) / Double(points[a] - 1)
    }

    /// All coordinates of axis `a`.
    public func axis(_ a: Int) -> [Double] { (0..<points[a]).map { coordinate(axis: a, $0) } }

    /// Strides of the flat index per axis.
    public var strides: [Int] {
        var s = [Int](repeating: 1, count: dimension)
        for a in stride(from: dimension - 2, through: 0, by: -1) { s[a] = s[a + 1] * points[a + 1] }
        return s
    }

    /// Calls `body(a, i)` for every axis `a` of flat node `index`, last axis first, with the
    /// node's index `i` along it: the one decomposition of a flat index (stencils, coordinates).
    @inlinable @inline(__always)
    public func forEachAxis(ofNode index: Int, _ body: (_ axis: Int, _ i: Int) throws -> Void) rethrows {
        var rest = index
        for a in stride(from: points.count - 1, through: 0, by: -1) {
            let m = points[a]
            try body(a, rest % m)
            rest /= m
        }
    }

    /// Writes the coordinates of flat node `index` into `x` (length ``dimension``).
    @inline(__always) public func point(_ index: Int, into x: inout [Double]) {
        forEachAxis(ofNode: index) { a, i in x[a] = coordinate(axis: a, i) }
    }

    /// The node coordinates, flat, `count × dimension` (point-major).
    public func allPoints() -> [Double] {
        var out = [Double](repeating: 0, count: count * dimension)
        var x = [Double](repeating: 0, count: dimension)
        for k in 0..<count {
            point(k, into: &x)
            for a in 0..<dimension { out[k * dimension + a] = x[a] }
        }
        return out
    }

    public var description: String {
        (0..<dimension).map { "[\(lower[$0]), \(upper[$0])]×\(points[$0])" }.joined(separator: " ⊗ ")
    }

    /// Throws unless `values` holds one finite number per node. The error names `parameter`
    /// and either the count or the first value that is not finite and its node
    /// (`parameter quantity is nan at x = [...]`, with `hint`).
    public func checkNodeValues(_ values: [Double], _ parameter: String, quantity: String = "", hint: String) throws {
        guard values.count == count else {
            throw InputError(parameter, "has \(values.count) values for a grid of \(count) nodes")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            var x = [Double](repeating: 0, count: dimension)
            point(i, into: &x)
            let subject = quantity.isEmpty ? "is" : "\(quantity) is"
            throw InputError(parameter, "\(subject) \(values[i]) at x = \(x)", hint: hint)
        }
    }
}

/// A radial grid for `u(r) = r R(r)` with `u(0) = 0` and `u(r_max) = 0`: interior nodes
/// `rᵢ = i·h`, `i = 1…points`, `h = rMax/(points + 1)`. The quadrature weight is `h`.
public struct RadialGrid: Sendable, Equatable, Codable {
    public let rMax: Double
    public let points: Int

    public init(rMax: Double, points: Int) throws {
        try Check.positive(rMax, "grid.r_max")
        guard points >= 3 else { throw InputError("grid.points", "needs at least 3 radial points (got \(points))") }
        guard points <= 1 << 26 else { throw InputError("grid.points", "too many radial points (\(points))") }
        self.rMax = rMax
        self.points = points
    }

    public var spacing: Double { rMax / Double(points + 1) }
    @inline(__always) public func radius(_ i: Int) -> Double { Double(i + 1) * spacing }
    public var radii: [Double] { (0..<points).map(radius) }
}
