import AdiabatCore
import Foundation
import GSLKit

/// The eigen-solver used for the lowest levels of a grid or radial Hamiltonian.
///
/// - `tridiagonal`: LAPACK's MRRR solver `dstevr` on the symmetric tridiagonal matrix of a
///   1-D second-order or radial Hamiltonian: `O(n·k)`, thousands of points in milliseconds.
/// - `banded`: LAPACK's `dsbevx` on the band matrix of a 1-D fourth- or sixth-order stencil
///   (bandwidth 2 or 3): band-to-tridiagonal reduction and bisection, `O(n)` memory.
/// - `lanczos`: ARPACK's implicitly restarted Lanczos (`dsaupd`), matrix-free, for 2-D and
///   3-D grids; the operator is applied on all cores.
/// - `dense`: GSL's dense symmetric solver on the assembled matrix, for small grids (and
///   as a reference in tests).
public enum SpectrumMethod: String, Sendable, Codable, CaseIterable {
    case tridiagonal
    case banded
    case lanczos
    case dense
}

/// Options for the lowest-levels solvers.
public struct SpectrumOptions: Sendable, Equatable {
    /// The solver; `nil` chooses from the operator (see ``GridHamiltonian/automaticMethod``).
    public var method: SpectrumMethod?
    /// Lanczos only: relative residual tolerance of the Ritz values of the shifted operator
    /// `H − min V + 1` (whose spectrum starts at ≥ 1, so the tolerance is also roughly
    /// absolute). The eigenvalue error is about tolerance² / gap.
    public var tolerance: Double
    /// Lanczos only: Krylov subspace size (ARPACK's `ncv`); default `max(2k + 8, 24)`.
    public var krylovDimension: Int?
    /// Lanczos only: starting vector (e.g. the ground state of a neighbouring point of a
    /// path); a fixed seed otherwise.
    public var initialVector: [Double]?
    /// Lanczos only: accelerate large grids with a Chebyshev filter (see
    /// ``GridHamiltonian/filteredLanczos``); on by default.
    public var chebyshevFilter: Bool
    /// Lanczos with the filter: approximate lowest levels (e.g. from a neighbouring point of
    /// a path) used to place the filter's cut; a coarse-grid solve otherwise.
    public var levelEstimates: [Double]?
    /// Lanczos only: the work limit in operator applications, over every try of the filtered
    /// solve and its plain fallback; nil for ``defaultApplicationLimit(unknowns:)``. A solve
    /// that reaches it throws ``SpectrumWorkLimitReached`` instead of running on.
    public var maxOperatorApplications: Int?

    /// The default work limit: `max(20 000, 5·10⁹ / n)` applications of an `n`-node operator,
    /// i.e. 5·10⁹ node updates, about a minute on two cores (the bundled 401² two-moons
    /// spectrum takes 3480 applications, 11% of its limit of 31 095).
    public static func defaultApplicationLimit(unknowns n: Int) -> Int { max(20_000, Int(5e9 / Double(max(n, 1)))) }

    public init(
        method: SpectrumMethod? = nil, tolerance: Double = 1e-10, krylovDimension: Int? = nil, initialVector: [Double]? = nil,
        chebyshevFilter: Bool = true, levelEstimates: [Double]? = nil, maxOperatorApplications: Int? = nil
    ) {
        self.method = method
        self.tolerance = tolerance
        self.krylovDimension = krylovDimension
        self.initialVector = initialVector
        self.chebyshevFilter = chebyshevFilter
        self.levelEstimates = levelEstimates
        self.maxOperatorApplications = maxOperatorApplications
    }
}

/// A Lanczos spectrum solve reached its work limit
/// (``SpectrumOptions/maxOperatorApplications``) before the levels converged. This happens
/// when the wanted gaps are tiny against the grid's spectral width `≈ 4d/h²` (a nearly
/// closed gap on a fine grid).
public struct SpectrumWorkLimitReached: Error, CustomStringConvertible, Sendable {
    public var levels: Int
    public var unknowns: Int
    public var statistics: SpectrumStatistics
    public var limit: Int
    public var description: String {
        "the Lanczos solve for \(levels) levels on \(unknowns) grid nodes did not converge within its work limit of \(limit) operator applications (filter degree \(statistics.filterDegree), \(statistics.krylovSteps) Lanczos steps); the gap is probably tiny compared with the grid's spectral width 4d/h²: use a coarser grid or fewer levels (API: SpectrumOptions.maxOperatorApplications raises the limit)"
    }
}

/// Work done by a spectrum solve.
public struct SpectrumStatistics: Sendable, Codable, Equatable {
    /// The number of unknowns.
    public var dimension: Int
    /// Matrix-free operator applications (Lanczos; 0 for the direct solvers).
    public var operatorApplications = 0
    /// Implicit restarts (Lanczos; 0 otherwise).
    public var restarts = 0
    /// Lanczos steps (ARPACK operator calls; each applies the filter polynomial once).
    public var krylovSteps = 0
    /// The degree of the Chebyshev filter (0: none).
    public var filterDegree = 0
}

/// The lowest levels of a Hamiltonian: energies (ascending), the gap `E₁ − E₀`, the solver
/// and its statistics, and on request the states.
public struct Spectrum: Sendable {
    /// The lowest energies, ascending.
    public var energies: [Double]
    /// The method that computed them.
    public var method: SpectrumMethod
    public var statistics: SpectrumStatistics
    /// On request: the states, one after another (state `k` at `k·n ..< (k+1)·n`), each
    /// normalised on the grid (`Σ|ψ|² ΔV = 1`, `ΔV` the cell volume or the radial spacing)
    /// and with its largest component positive.
    public var states: [Double]?

    public init(energies: [Double], method: SpectrumMethod, statistics: SpectrumStatistics, states: [Double]? = nil) {
        self.energies = energies
        self.method = method
        self.statistics = statistics
        self.states = states
    }

    /// `E₁ − E₀`, or nil with fewer than two levels.
    public var gap: Double? { energies.count >= 2 ? energies[1] - energies[0] : nil }

    /// The number of unknowns per state.
    public var dimension: Int { statistics.dimension }

    /// State `k` (requires states).
    public func state(_ k: Int) -> ArraySlice<Double>? {
        guard let states, k >= 0, k < energies.count else { return nil }
        return states[(k * dimension)..<((k + 1) * dimension)]
    }
}

extension GridHamiltonian {
    /// For a 1-D grid: the band of the symmetric matrix (`bands[0]` the diagonal, `bands[j]`
    /// the j-th off-diagonal); nil for 2-D and 3-D grids.
    public var bands: [[Double]]? {
        guard grid.dimension == 1 else { return nil }
        let h = grid.spacing[0]
        let n = grid.count
        var out = [diagonal]
        for j in 1...order.reach { out.append([Double](repeating: order.weights[j] / (h * h), count: n - j)) }
        return out
    }

    /// The solver chosen when none is given: `tridiagonal` for 1-D second order, `banded` for
    /// 1-D higher orders, `dense` below 200 unknowns in 2-D/3-D, `lanczos` otherwise.
    public var automaticMethod: SpectrumMethod {
        if grid.dimension == 1 { return order == .second ? .tridiagonal : .banded }
        return grid.count < 200 ? .dense : .lanczos
    }

    /// The `count` lowest levels (and states on request) with the solver that fits the
    /// operator, or the one in `options`.
    ///
    /// - Throws: `InputError` for an impossible request (count out of range, a tridiagonal
    ///   or banded solve asked of a 2-D grid); `GSLError` when the solver fails.
    public func lowestLevels(_ count: Int, vectors: Bool = false, options: SpectrumOptions = SpectrumOptions()) throws -> Spectrum
    {
        let n = dimension
        guard count >= 1, count <= n else {
            throw InputError("levels", "must be between 1 and the number of grid nodes \(n) (got \(count))")
        }
        let method = options.method ?? automaticMethod
        let normalisation = 1 / grid.cellVolume.squareRoot()
        switch method {
        case .tridiagonal:
            guard let (d, e) = tridiagonal else {
                throw InputError(
                    "method", "the tridiagonal solver needs a 1-D grid with the second-order stencil",
                    hint: "use banded (1-D higher order) or lanczos (2-D, 3-D)")
            }
            // Values only (gap profiles): Newton on the characteristic polynomial with Sturm-count
            // safeguards, ~25 O(n) passes for two levels against dstevr's ~105 bisection counts.
            if !vectors {
                let values = try TridiagonalNewton.lowest(diagonal: d, offDiagonal: e, count: count)
                return Spectrum(
                    energies: values, method: .tridiagonal, statistics: SpectrumStatistics(dimension: n), states: nil)
            }
            let system = try TridiagonalEigensolver.lowest(diagonal: d, offDiagonal: e, count: count, vectors: vectors)
            return Spectrum(
                energies: system.values, method: .tridiagonal, statistics: SpectrumStatistics(dimension: n),
                states: system.vectors.map { GridSpectrumSupport.orient($0, n: n, scale: normalisation) })
        case .banded:
            guard let bands else {
                throw InputError("method", "the banded solver needs a 1-D grid", hint: "use lanczos for 2-D and 3-D grids")
            }
            let system = try BandedEigensolver.lowest(bands: bands, count: count, vectors: vectors)
            return Spectrum(
                energies: system.values, method: .banded, statistics: SpectrumStatistics(dimension: n),
                states: system.vectors.map { GridSpectrumSupport.orient($0, n: n, scale: normalisation) })
        case .dense:
            guard n <= 4096 else {
                throw InputError(
                    "method", "the dense solver is limited to 4096 unknowns (this grid has \(n))", hint: "use lanczos")
            }
            let system = try SymmetricEigensolver.lowest(count: count, dimension: n, vectors: vectors) { apply($0, into: $1) }
            return Spectrum(
                energies: system.values, method: .dense, statistics: SpectrumStatistics(dimension: n),
                states: system.vectors.map { GridSpectrumSupport.orient($0, n: n, scale: normalisation) })
        case .lanczos:
            guard count < n else {
                throw InputError(
                    "levels", "Lanczos computes at most \(n - 1) levels of a \(n)-node grid", hint: "use method dense")
            }
            if options.chebyshevFilter, n > GridSpectrumSupport.filterThreshold, 2 * count < n / 4 {
                return try filteredLanczos(count, vectors: vectors, options: options)
            }
            return try plainLanczos(count, vectors: vectors, options: options)
        }
    }

    /// ARPACK on `H − min V + 1`. The shift puts the spectrum at ≥ 1: ARPACK's stopping test
    /// is relative to |Ritz value|, which would be unreachable for levels near 0.
    ///
    /// `used` applications of the work limit are already spent (by a filtered try).
    func plainLanczos(_ count: Int, vectors: Bool, options: SpectrumOptions, used: Int = 0, filterDegree: Int = 0) throws
        -> Spectrum
    {
        let n = dimension
        let shift = spectralLowerBound - 1
        let limit = options.maxOperatorApplications ?? SpectrumOptions.defaultApplicationLimit(unknowns: n)
        guard limit > used else {
            throw SpectrumWorkLimitReached(
                levels: count, unknowns: n,
                statistics: SpectrumStatistics(dimension: n, operatorApplications: used, filterDegree: filterDegree), limit: limit
            )
        }
        let lanczos = LanczosOptions(
            tolerance: options.tolerance, maxRestarts: 20_000,
            krylovDimension: min(n, options.krylovDimension ?? max(2 * count + 8, 24)),
            initialVector: options.initialVector, maxOperatorApplications: limit - used)
        let system: Eigensystem
        let stats: LanczosStatistics
        do {
            (system, stats) = try LanczosEigensolver.lowest(count: count, dimension: n, vectors: vectors, options: lanczos) {
                x, y in
                self.apply(x, alpha: 1, beta: -shift, into: y)
            }
        } catch let stop as LanczosWorkLimitReached {
            throw SpectrumWorkLimitReached(
                levels: count, unknowns: n,
                statistics: SpectrumStatistics(
                    dimension: n, operatorApplications: used + stop.operatorApplications,
                    krylovSteps: stop.operatorApplications, filterDegree: filterDegree), limit: limit)
        }
        return Spectrum(
            energies: system.values.map { $0 + shift }, method: .lanczos,
            statistics: SpectrumStatistics(
                dimension: n, operatorApplications: stats.operatorApplications, restarts: stats.restarts,
                krylovSteps: stats.operatorApplications),
            states: system.vectors.map { GridSpectrumSupport.orient($0, n: n, scale: 1 / grid.cellVolume.squareRoot()) })
    }

    /// ARPACK on a Chebyshev polynomial filter of `H` (ARPACK users' guide §4.5, polynomial
    /// acceleration).
    ///
    /// The spectrum of `H` lies in `[min V, b]` with `b` the Gershgorin bound, ≈ 4d/h².
    /// Plain Lanczos needs ~1000 steps on a 256² grid because the wanted gaps are ~1e-4 of
    /// that width, and each step re-orthogonalises against up to ncv long vectors with BLAS-2
    /// calls, which then dominate the time. Here ARPACK works on
    /// `q(H) = (−1)^m T_m((H − c)/e)`, `c ± e` spanning `[a, b]`: every level above the cut
    /// `a` maps into `[−1, 1]`, and the levels below it to `cosh(m·acosh|x|) > 1`, in the same
    /// order. ARPACK then converges in a few dozen steps; the `m` operator applications per
    /// step are matrix-free and use every core. The energies are the Rayleigh quotients of
    /// the converged vectors.
    ///
    /// The cut `a` comes from estimated levels (a coarse-grid solve, or
    /// ``SpectrumOptions/levelEstimates``). The result is checked, not trusted: the k-th
    /// value of `q` must exceed 1, which proves that the k vectors are the k lowest levels
    /// (`q` is decreasing below `a` and ≤ 1 above it); otherwise `a` is raised and the solve
    /// repeated, and after 6 tries plain Lanczos is used. All tries and the fallback share
    /// one work limit (``SpectrumOptions/maxOperatorApplications``).
    func filteredLanczos(_ count: Int, vectors: Bool, options: SpectrumOptions) throws -> Spectrum {
        let n = dimension
        let lower = spectralLowerBound
        let upper = spectralUpperBound
        let limit = options.maxOperatorApplications ?? SpectrumOptions.defaultApplicationLimit(unknowns: n)
        var estimates: [Double]
        if let given = options.levelEstimates, given.count >= count {
            estimates = given
        } else {
            estimates = try coarseLevelEstimates(min(2 * count, 64))
        }
        estimates.sort()
        let spread = max(estimates[estimates.count - 1] - estimates[0], 1e-6 * (upper - lower))
        var cut = estimates[estimates.count - 1] + 0.5 * spread
        var applications = 0
        var steps = 0
        var restarts = 0
        let x = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let previous = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let next = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer {
            x.deallocate()
            previous.deallocate()
            next.deallocate()
        }
        for _ in 0..<6 {
            guard cut < upper else { break }
            let c = 0.5 * (cut + upper)
            let e = 0.5 * (upper - cut)
            let degree = Self.filterDegree(
                target: estimates[min(count, estimates.count) - 1], centre: c, halfWidth: e, lower: lower)
            let sign: Double = degree % 2 == 0 ? -1 : 1
            let m = degree
            // Each ARPACK step applies the operator m times.
            let stepsLeft = (limit - applications) / m
            guard stepsLeft >= 1 else {
                throw SpectrumWorkLimitReached(
                    levels: count, unknowns: n,
                    statistics: SpectrumStatistics(
                        dimension: n, operatorApplications: applications, restarts: restarts, krylovSteps: steps,
                        filterDegree: m), limit: limit)
            }
            let lanczos = LanczosOptions(
                tolerance: options.tolerance, maxRestarts: 5000,
                krylovDimension: min(n, options.krylovDimension ?? max(2 * count + 8, 16)),
                initialVector: options.initialVector, maxOperatorApplications: stepsLeft)
            let system: Eigensystem
            let stats: LanczosStatistics
            do {
                (system, stats) = try LanczosEigensolver.lowest(count: count, dimension: n, vectors: true, options: lanczos) {
                    v, y in
                    // previous = T₀ v = v; x = T₁ v; then T_{j+1} = 2·X·T_j − T_{j−1}.
                    _ = previous.update(fromContentsOf: v)
                    self.apply(v, alpha: 1 / e, beta: -c / e, into: x)
                    var current = x
                    var before = previous
                    var spare = next
                    if m >= 2 {
                        for _ in 2...m {
                            self.apply(
                                UnsafeBufferPointer(current), alpha: 2 / e, beta: -2 * c / e, gamma: -1,
                                z: UnsafeBufferPointer(before), into: spare)
                            let oldBefore = before
                            before = current
                            current = spare
                            spare = oldBefore
                        }
                    }
                    for i in 0..<n { y[i] = sign * current[i] }
                }
            } catch let stop as LanczosWorkLimitReached {
                throw SpectrumWorkLimitReached(
                    levels: count, unknowns: n,
                    statistics: SpectrumStatistics(
                        dimension: n, operatorApplications: applications + stop.operatorApplications * m, restarts: restarts,
                        krylovSteps: steps + stop.operatorApplications, filterDegree: m), limit: limit)
            }
            applications += stats.operatorApplications * m
            steps += stats.operatorApplications
            restarts += stats.restarts
            // The k-th value of −q must lie below −1 (with room for ARPACK's tolerance).
            let kth = system.values[count - 1]
            if kth < -1 - 1e-6 {
                guard let raw = system.vectors else { break }
                var energies = [Double](repeating: 0, count: count)
                var states = raw
                raw.withUnsafeBufferPointer { all in
                    for k in 0..<count {
                        let v = UnsafeBufferPointer(rebasing: all[(k * n)..<((k + 1) * n)])
                        self.apply(v, alpha: 1, beta: 0, into: x)
                        var num = 0.0
                        var den = 0.0
                        for i in 0..<n {
                            num += v[i] * x[i]
                            den += v[i] * v[i]
                        }
                        energies[k] = num / den
                    }
                }
                let order = (0..<count).sorted { energies[$0] < energies[$1] }
                if order != Array(0..<count) {
                    var sorted = states
                    for (slot, k) in order.enumerated() {
                        for i in 0..<n { sorted[slot * n + i] = states[k * n + i] }
                    }
                    states = sorted
                }
                return Spectrum(
                    energies: order.map { energies[$0] }, method: .lanczos,
                    statistics: SpectrumStatistics(
                        dimension: n, operatorApplications: applications, restarts: restarts, krylovSteps: steps, filterDegree: m),
                    states: vectors ? GridSpectrumSupport.orient(states, n: n, scale: 1 / grid.cellVolume.squareRoot()) : nil)
            }
            cut += 2 * (cut - lower) + spread
        }
        var plain = try plainLanczos(count, vectors: vectors, options: options, used: applications)
        plain.statistics.operatorApplications += applications
        plain.statistics.krylovSteps += steps
        return plain
    }

    /// The Chebyshev filter's degree: amplify the estimated k-th level `target` to ≈ 8
    /// (cosh 2.77), at most 1000 and without overflow at the lowest possible energy.
    static func filterDegree(target: Double, centre c: Double, halfWidth e: Double, lower: Double) -> Int {
        let xTarget = max((c - target) / e, 1 + 1e-12)
        let xLowest = max((c - lower) / e, 1 + 1e-12)
        var degree = Int((2.77 / acosh(xTarget)).rounded(.up))
        degree = min(max(degree, 4), 1000, Int(600 / acosh(xLowest)))
        return max(degree, 2)
    }

    /// Work units (``AdiabatCore/WorkBudget``) of one cold ``lowestLevels(_:vectors:options:)``
    /// solve for `count` levels, estimated before it runs (docs/conventions.md#limits).
    ///
    /// Lanczos with the Chebyshev filter: the filter degree of its first try, from the same
    /// coarse-grid level estimates the solver uses, times ``lanczosStepsPerSolve`` Lanczos
    /// steps, each applying the operator `degree` times at ``unitsPerNodeApplication`` units per
    /// node; capped at the solver's own application limit. Plain Lanczos (small grids):
    /// ``plainApplicationsPerLevel`` applications per level. Direct solvers: 25 passes per level
    /// over the tridiagonal or band matrix; dense: `n³`.
    public func estimatedSolveWork(levels count: Int, options: SpectrumOptions = SpectrumOptions()) throws -> Double {
        let n = Double(dimension)
        let perApplication = n * unitsPerNodeApplication
        switch options.method ?? automaticMethod {
        case .tridiagonal: return 25 * Double(count) * 3 * n
        case .banded: return 25 * Double(count) * Double(2 * order.reach + 1) * n + 20 * n * Double(order.reach * order.reach)
        case .dense: return n * n * n
        case .lanczos:
            let limit = Double(options.maxOperatorApplications ?? SpectrumOptions.defaultApplicationLimit(unknowns: dimension))
            guard options.chebyshevFilter, dimension > GridSpectrumSupport.filterThreshold, 2 * count < dimension / 4 else {
                return min(limit, Self.plainApplicationsPerLevel * Double(count)) * perApplication
            }
            var estimates = options.levelEstimates ?? []
            if estimates.count < count { estimates = try coarseLevelEstimates(min(2 * count, 64)) }
            estimates.sort()
            let lower = spectralLowerBound
            let upper = spectralUpperBound
            let spread = max(estimates[estimates.count - 1] - estimates[0], 1e-6 * (upper - lower))
            let cut = min(estimates[estimates.count - 1] + 0.5 * spread, upper)
            let degree = Self.filterDegree(
                target: estimates[min(count, estimates.count) - 1], centre: 0.5 * (cut + upper), halfWidth: 0.5 * (upper - cut),
                lower: lower)
            return min(limit, Self.lanczosStepsPerSolve * Double(degree)) * perApplication
        }
    }

    /// Work units per grid node of one operator application: `(1 + 2·d·reach)` stencil terms
    /// at 0.2 units each. Measured (user CPU time of `adiabat spectrum --levels 2`, one
    /// solve, 2.5 ns per unit): 4.2 ns per node application on two-moons (401², fourth order,
    /// 9 terms: 1.7 units), 4.9 ns on it at 201², 3.6 ns on a 3-D Gaussian at 61³ (second
    /// order, 7 terms: 1.4 units).
    public var unitsPerNodeApplication: Double { 0.2 * Double(1 + 2 * grid.dimension * order.reach) }

    /// Lanczos steps of a filtered solve, measured: 44 on two-moons at t = 0 (401² and 201²,
    /// degree 170: 7436 and 7524 applications), 17–30 elsewhere (coupled-oscillator, a 3-D
    /// Gaussian at 61³, two-moons at t = 0.75 and 3).
    public static let lanczosStepsPerSolve = 44.0

    /// Applications per level of a plain Lanczos solve (grids of at most 8192 nodes).
    public static let plainApplicationsPerLevel = 300.0

    /// Approximate lowest levels from the same operator on a coarse grid of about 2048
    /// nodes (the potential interpolated multilinearly), solved by plain Lanczos.
    func coarseLevelEstimates(_ count: Int) throws -> [Double] {
        let d = grid.dimension
        let factor = pow(Double(grid.count) / 2048, 1 / Double(d))
        let points = grid.points.map { max(Int((Double($0) / factor).rounded()), 2 * order.reach + 3) }
        let coarse = try UniformGrid(lower: grid.lower, upper: grid.upper, points: points)
        var v = [Double](repeating: 0, count: coarse.count)
        var xc = [Double](repeating: 0, count: d)
        for k in 0..<coarse.count {
            coarse.point(k, into: &xc)
            v[k] = GridSpectrumSupport.interpolate(potential, grid: grid, at: xc)
        }
        let h = try GridHamiltonian(grid: coarse, potential: v, order: order)
        let levels = min(count, coarse.count - 2)
        if coarse.count < 200 { return try h.lowestLevels(levels, options: SpectrumOptions(method: .dense)).energies }
        return try h.plainLanczos(levels, vectors: false, options: SpectrumOptions(tolerance: 1e-6)).energies
    }
}

extension RadialHamiltonian {
    /// The `count` lowest levels of the channel (LAPACK `dstevr` on the tridiagonal matrix),
    /// with the radial functions `u(rᵢ)` on request, normalised so that `Σ u² h = 1`.
    public func lowestLevels(_ count: Int, vectors: Bool = false) throws -> Spectrum {
        let n = grid.points
        guard count >= 1, count <= n else {
            throw InputError("levels", "must be between 1 and the number of radial nodes \(n) (got \(count))")
        }
        let (d, e) = tridiagonal
        let system = try TridiagonalEigensolver.lowest(diagonal: d, offDiagonal: e, count: count, vectors: vectors)
        return Spectrum(
            energies: system.values, method: .tridiagonal, statistics: SpectrumStatistics(dimension: n),
            states: system.vectors.map { GridSpectrumSupport.orient($0, n: n, scale: 1 / grid.spacing.squareRoot()) })
    }

    /// `(H u)ᵢ` at the interior nodes (the walls `u(0) = u(r_max) = 0`).
    public func apply(_ u: [Double]) -> [Double] {
        let (d, e) = tridiagonal
        let n = u.count
        return (0..<n).map { i in
            var y = d[i] * u[i]
            if i > 0 { y += e[i - 1] * u[i - 1] }
            if i < n - 1 { y += e[i] * u[i + 1] }
            return y
        }
    }
}

enum GridSpectrumSupport {
    /// Grids above this many nodes use the Chebyshev-filtered Lanczos solver.
    static let filterThreshold = 8192

    /// Multilinear interpolation of nodal values at `x` (clamped to the grid).
    static func interpolate(_ values: [Double], grid: UniformGrid, at x: [Double]) -> Double {
        let d = grid.dimension
        let strides = grid.strides
        var base = 0
        var fractions = [Double](repeating: 0, count: d)
        var steps = [Int](repeating: 0, count: d)
        for a in 0..<d {
            let h = (grid.upper[a] - grid.lower[a]) / Double(grid.points[a] - 1)
            let f = min(max((x[a] - grid.lower[a]) / h, 0), Double(grid.points[a] - 1))
            let i = min(Int(f), grid.points[a] - 2)
            fractions[a] = f - Double(i)
            base += i * strides[a]
            steps[a] = strides[a]
        }
        var total = 0.0
        for corner in 0..<(1 << d) {
            var weight = 1.0
            var index = base
            for a in 0..<d {
                if corner & (1 << a) != 0 {
                    weight *= fractions[a]
                    index += steps[a]
                } else {
                    weight *= 1 - fractions[a]
                }
            }
            if weight != 0 { total += weight * values[index] }
        }
        return total
    }

    /// Scales each of the contiguous vectors and flips its sign so that its largest
    /// component is positive (the ground state of a grid Hamiltonian is then ≥ 0).
    static func orient(_ vectors: [Double], n: Int, scale: Double) -> [Double] {
        var out = vectors
        let count = vectors.count / n
        for k in 0..<count {
            var largest = k * n
            for i in (k * n)..<((k + 1) * n) where abs(out[i]) > abs(out[largest]) { largest = i }
            let sign: Double = out[largest] < 0 ? -scale : scale
            for i in (k * n)..<((k + 1) * n) { out[i] *= sign }
        }
        return out
    }
}

extension SpectrumWorkLimitReached: AdiabatError {}
