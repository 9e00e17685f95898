import AdiabatCore
import Foundation

/// The variable type of a binary quadratic model (dimod's `Vartype`).
public enum Vartype: String, Sendable, Codable, CaseIterable {
    /// Variables `zᵢ ∈ {−1, +1}`.
    case spin = "SPIN"
    /// Variables `xᵢ ∈ {0, 1}`.
    case binary = "BINARY"
}

/// One quadratic term `value · vᵢ vⱼ` of a model, with `i < j` after normalisation.
public struct Coupling: Sendable, Equatable, Codable {
    public var i: Int
    public var j: Int
    public var value: Double
    public init(_ i: Int, _ j: Int, _ value: Double) {
        self.i = i
        self.j = j
        self.value = value
    }
}

/// A binary quadratic model in either vartype, as dimod writes it:
/// `E(v) = Σ linearᵢ vᵢ + Σ_{i<j} quadraticᵢⱼ vᵢ vⱼ + offset`.
///
/// This is the file-level object (labels, vartype, biases as written). ``ising`` converts
/// it exactly to the spin form every solver uses.
public struct BinaryQuadraticModel: Sendable, Equatable {
    public var labels: [String]
    public var vartype: Vartype
    public var linear: [Double]
    /// Distinct pairs with `i < j` (duplicates in a file are summed, as dimod does).
    public var quadratic: [Coupling]
    public var offset: Double
    /// Labels that a BQM JSON file gives as strings although they read as integers (`"5"`,
    /// not `5`): dimod tells them apart, so the JSON writer writes them back as strings.
    public var textLabels: Set<String> = []

    /// Validates and normalises: one finite bias per label, indices in range, no self-loops,
    /// `i < j`, duplicates summed, pairs sorted by `(i, j)`.
    public init(labels: [String], vartype: Vartype, linear: [Double], quadratic: [Coupling], offset: Double = 0) throws {
        guard linear.count == labels.count else {
            throw InputError("model", "has \(labels.count) labels but \(linear.count) linear biases")
        }
        guard Set(labels).count == labels.count else {
            let seen = Dictionary(grouping: labels, by: { $0 }).first { $0.value.count > 1 }?.key ?? "?"
            throw InputError("model", "variable label '\(seen)' appears twice")
        }
        try Check.finite(linear, "linear biases")
        for (i, b) in linear.enumerated() { try Check.coefficient(b, "linear biases[\(i)]") }
        try Check.finite(offset, "offset")
        var merged: [Int: Double] = [:]
        let n = labels.count
        for (k, c) in quadratic.enumerated() {
            guard c.i >= 0, c.i < n, c.j >= 0, c.j < n else {
                throw InputError("quadratic[\(k)]", "refers to variable \(max(c.i, c.j)) but the model has \(n) variables")
            }
            guard c.i != c.j else {
                throw InputError(
                    "quadratic[\(k)]", "couples variable '\(labels[c.i])' to itself",
                    hint:
                        "a self-coupling is a linear term for BINARY (x² = x) and a constant for SPIN (z² = 1); write it as such")
            }
            try Check.coefficient(c.value, "quadratic[\(k)]")
            let key = min(c.i, c.j) * n + max(c.i, c.j)
            merged[key, default: 0] += c.value
        }
        self.labels = labels
        self.vartype = vartype
        self.linear = linear
        self.quadratic = merged.keys.sorted().map { Coupling($0 / n, $0 % n, merged[$0] ?? 0) }
        self.offset = offset
    }

    public var variableCount: Int { labels.count }

    /// The energy of an assignment (spins ±1 or binaries 0/1, by ``vartype``).
    public func energy(_ values: [Int]) -> Double {
        var e = offset
        for i in 0..<min(values.count, linear.count) { e += linear[i] * Double(values[i]) }
        for c in quadratic { e += c.value * Double(values[c.i] * values[c.j]) }
        return e
    }

    /// The exact spin form (dimod's convention `x = (1 + z)/2` for BINARY → SPIN):
    /// `hᵢ = Qᵢᵢ/2 + Σⱼ Qᵢⱼ/4`, `Jᵢⱼ = Qᵢⱼ/4`, `offset' = offset + Σᵢ Qᵢᵢ/2 + Σ_{i<j} Qᵢⱼ/4`.
    /// Energies agree configuration by configuration.
    public var ising: IsingModel {
        switch vartype {
        case .spin:
            // safe: validated by this type's initialiser
            return IsingModel(validatedLabels: labels, h: linear, couplings: quadratic, offset: offset)
        case .binary:
            var h = linear.map { 0.5 * $0 }
            var offset = self.offset + linear.reduce(0, +) / 2
            var couplings: [Coupling] = []
            couplings.reserveCapacity(quadratic.count)
            for c in quadratic {
                let q = 0.25 * c.value
                h[c.i] += q
                h[c.j] += q
                offset += q
                couplings.append(Coupling(c.i, c.j, q))
            }
            return IsingModel(validatedLabels: labels, h: h, couplings: couplings, offset: offset)
        }
    }

    /// The same model in the other vartype (exact): SPIN → BINARY uses `z = 2x − 1`.
    public func converted(to target: Vartype) -> BinaryQuadraticModel {
        if target == vartype { return self }
        if target == .spin {
            let m = ising
            return BinaryQuadraticModel(
                uncheckedLabels: labels, vartype: .spin, linear: m.h, quadratic: m.couplings, offset: m.offset)
        }
        // E = Σ hᵢ(2xᵢ − 1) + Σ Jᵢⱼ(2xᵢ − 1)(2xⱼ − 1) + c
        var q = linear.map { 2 * $0 }
        var offset = self.offset - linear.reduce(0, +)
        var couplings: [Coupling] = []
        for c in quadratic {
            couplings.append(Coupling(c.i, c.j, 4 * c.value))
            q[c.i] -= 2 * c.value
            q[c.j] -= 2 * c.value
            offset += c.value
        }
        return BinaryQuadraticModel(uncheckedLabels: labels, vartype: .binary, linear: q, quadratic: couplings, offset: offset)
    }

    private init(uncheckedLabels: [String], vartype: Vartype, linear: [Double], quadratic: [Coupling], offset: Double) {
        self.labels = uncheckedLabels
        self.vartype = vartype
        self.linear = linear
        self.quadratic = quadratic
        self.offset = offset
    }
}

/// An Ising model `E(z) = Σ hᵢzᵢ + Σ_{i<j} Jᵢⱼzᵢzⱼ + offset`, `zᵢ = ±1` (dimod's convention).
///
/// On a qubit register, variable `i` is qubit `i` and bit `i` of the basis index
/// `k = Σᵢ bᵢ 2ⁱ`; `bᵢ = 0` is `|0⟩`, spin `zᵢ = +1` (`σz|0⟩ = |0⟩`), and `bᵢ = 1` is spin −1.
/// So `zᵢ(k) = 1 − 2·bitᵢ(k)` and `H_P = diag(E(z(k)))`.
public struct IsingModel: Sendable, Equatable {
    public let labels: [String]
    public let h: [Double]
    /// Couplings with `i < j`, sorted, no duplicates.
    public let couplings: [Coupling]
    public let offset: Double

    /// Registers up to this size can be enumerated (`2^n` energies).
    public static let maximumEnumerableQubits = 34

    /// Validates like ``BinaryQuadraticModel`` (duplicates summed, `i < j`).
    public init(labels: [String]? = nil, h: [Double], couplings: [Coupling], offset: Double = 0) throws {
        let names = labels ?? (0..<h.count).map(String.init)
        let model = try BinaryQuadraticModel(labels: names, vartype: .spin, linear: h, quadratic: couplings, offset: offset)
        self.init(validatedLabels: model.labels, h: model.linear, couplings: model.quadratic, offset: model.offset)
    }

    init(validatedLabels: [String], h: [Double], couplings: [Coupling], offset: Double) {
        self.labels = validatedLabels
        self.h = h
        self.couplings = couplings
        self.offset = offset
    }

    public var qubits: Int { h.count }

    /// The model as a SPIN BQM (for writing files).
    public var bqm: BinaryQuadraticModel {
        // safe: an IsingModel is always valid BQM data
        (try? BinaryQuadraticModel(labels: labels, vartype: .spin, linear: h, quadratic: couplings, offset: offset))
            ?? BinaryQuadraticModel.emptySpin
    }

    /// Whether every field `hᵢ` vanishes: then `E(z) = E(−z)` and the global spin flip is a
    /// symmetry of the whole annealing path (every level of `H_P` is at least doubly degenerate).
    public var hasSpinFlipSymmetry: Bool { h.allSatisfy { $0 == 0 } }

    /// `Σ|hᵢ| + Σ|Jᵢⱼ| + |offset|`: a bound on `|E|`, used to scale tolerances.
    public var energyScale: Double {
        h.reduce(0) { $0 + abs($1) } + couplings.reduce(0) { $0 + abs($1.value) } + abs(offset)
    }

    /// The energy of spins `z` (±1).
    public func energy(spins z: [Int]) -> Double {
        var e = offset
        for i in 0..<h.count { e += h[i] * Double(z[i]) }
        for c in couplings { e += c.value * Double(z[c.i] * z[c.j]) }
        return e
    }

    /// The energy of basis state `k` (bit `i` set ↔ `zᵢ = −1`).
    public func energy(state k: Int) -> Double { energy(spins: spins(of: k)) }

    /// The spins of basis state `k`.
    public func spins(of k: Int) -> [Int] { (0..<qubits).map { (k >> $0) & 1 == 0 ? 1 : -1 } }

    /// The basis index of spins `z` (±1).
    public func state(of spins: [Int]) throws -> Int {
        guard spins.count == qubits else {
            throw InputError("spins", "has \(spins.count) values for \(qubits) variables")
        }
        var k = 0
        for (i, z) in spins.enumerated() {
            guard z == 1 || z == -1 else { throw InputError("spins[\(i)]", "must be +1 or −1 (got \(z))") }
            if z == -1 { k |= 1 << i }
        }
        return k
    }

    /// Neighbour lists: for each variable, the couplings to lower-indexed variables.
    private func lowerNeighbours() -> [[(Int, Double)]] {
        var lower = [[(Int, Double)]](repeating: [], count: qubits)
        for c in couplings { lower[c.j].append((c.i, c.value)) }
        return lower
    }

    /// All `2^n` energies `E(z(k))`, offset included: the diagonal of `H_P`.
    ///
    /// Built bit by bit: for `k < 2^m` (spins above `m` all +1),
    /// `E(k + 2^m) = E(k) − 2(hₘ + Σ_{j<m} Jⱼₘ zⱼ(k) + Σ_{j>m} Jₘⱼ)` (flipping spin m from +1
    /// to −1), so the work is `O(2^n · degree)`, on all cores.
    public func diagonal() throws -> [Double] {
        let n = qubits
        try QubitRegister.validate(qubits: n, vectors: 0, for: "the energy table")
        let size = 1 << n
        var e = [Double](repeating: 0, count: size)
        let lower = lowerNeighbours()
        var base = offset
        for hi in h { base += hi }  // all spins +1
        for c in couplings { base += c.value }
        e.withUnsafeMutableBufferPointer { buffer in
            let p = SharedPointer(buffer.baseAddress!)  // safe: size ≥ 1
            p[0] = base
            for m in 0..<n {
                let half = 1 << m
                // spins above m are still +1: their couplings to m enter with z = +1
                var upper = h[m]
                for c in couplings where c.i == m { upper += c.value }
                let hm = upper
                let neighbours = lower[m]
                Parallel.forEachChunk(count: half, minimumChunk: 1 << 14) { range in
                    let e = p.base
                    for k in range {
                        var field = hm
                        for (j, jv) in neighbours { field += (k >> j) & 1 == 0 ? jv : -jv }
                        e[k + half] = e[k] - 2 * field
                    }
                }
            }
        }
        return e
    }

    /// The exact ground energy and every ground state (basis indices, ascending), by
    /// enumeration of all `2^n` configurations on all cores, without storing them.
    ///
    /// States whose energy lies within `tolerance` of the minimum count as ground states
    /// (default: `1e-9 × energyScale`, far above the rounding of the sums and far below any
    /// physical splitting).
    public func groundStates(tolerance: Double? = nil) throws -> (energy: Double, states: [Int]) {
        let n = qubits
        guard n <= Self.maximumEnumerableQubits else {
            throw InputError(
                "model", "has \(n) variables; exact enumeration stops at \(Self.maximumEnumerableQubits)",
                hint: "use a heuristic solver for larger problems")
        }
        let tol = tolerance ?? 1e-9 * max(energyScale, 1e-300)
        // Enumerate in blocks of 2^b low bits: the energy of the high part and the fields it
        // induces on the low spins are computed once per block; inside a block the low part
        // is enumerated with a Gray code (one spin flip per state).
        let b = min(n, 16)
        let blocks = 1 << (n - b)
        let lowCount = 1 << b
        // J restricted: low-low couplings, and each low spin's couplings to high spins.
        var lowLow = [[(Int, Double)]](repeating: [], count: b)
        var lowHigh = [[(Int, Double)]](repeating: [], count: b)
        var highHigh: [Coupling] = []
        for c in couplings {
            if c.j < b {
                lowLow[c.i].append((c.j, c.value))
                lowLow[c.j].append((c.i, c.value))
            } else if c.i < b {
                lowHigh[c.i].append((c.j, c.value))
            } else {
                highHigh.append(c)
            }
        }
        let hh = h
        let off = offset
        let tasks = min(blocks, 64 * Parallel.workers)
        let results = ResultSlots<(Double, [Int])>(count: tasks)
        // Low-low couplings as contiguous neighbour lists (CSR): the Gray-code loop below
        // runs 2ᵇ times per block and must not touch nested arrays.
        var llOffsets = [Int](repeating: 0, count: b + 1)
        for i in 0..<b { llOffsets[i + 1] = llOffsets[i] + lowLow[i].count }
        let llNeighbours = lowLow.flatMap { $0.map(\.0) }
        let llValues = lowLow.flatMap { $0.map(\.1) }
        let llOffsetsC = llOffsets
        let lowLowC = lowLow
        let lowHighC = lowHigh
        let highHighC = highHigh
        Parallel.forEachTask(tasks) { task in
            var best = Double.infinity
            var found: [Int] = []
            llOffsetsC.withUnsafeBufferPointer { llo in
                llNeighbours.withUnsafeBufferPointer { lln in
                    llValues.withUnsafeBufferPointer { llv in
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(3 * b, 3)) { scratch in
                            let z = scratch.baseAddress!  // safe: capacity ≥ 3
                            let field = z + b
                            let local = z + 2 * b
                            var blk = task
                            while blk < blocks {
                                // High part energy and fields on low spins.
                                var eHigh = off
                                for i in b..<n { eHigh += hh[i] * ((blk >> (i - b)) & 1 == 0 ? 1 : -1) }
                                for c in highHighC {
                                    let zi: Double = (blk >> (c.i - b)) & 1 == 0 ? 1 : -1
                                    let zj: Double = (blk >> (c.j - b)) & 1 == 0 ? 1 : -1
                                    eHigh += c.value * zi * zj
                                }
                                for i in 0..<b {
                                    var f = hh[i]
                                    for (j, v) in lowHighC[i] { f += v * ((blk >> (j - b)) & 1 == 0 ? 1 : -1) }
                                    field[i] = f
                                    z[i] = 1
                                }
                                // Local fields including low-low couplings, all low spins +1.
                                for i in 0..<b {
                                    var f = field[i]
                                    for k in llo[i]..<llo[i + 1] { f += llv[k] * z[lln[k]] }
                                    local[i] = f
                                }
                                var e = eHigh
                                for i in 0..<b { e += field[i] }
                                for i in 0..<b {
                                    for (j, v) in lowLowC[i] where j > i { e += v }
                                }
                                var gray = 0
                                for step in 0..<lowCount {
                                    if step > 0 {
                                        let flip = (step & -step).trailingZeroBitCount
                                        // E changes by −2 zᵢ · localᵢ
                                        e -= 2 * z[flip] * local[flip]
                                        let zf = -z[flip]
                                        z[flip] = zf
                                        for k in llo[flip]..<llo[flip + 1] { local[lln[k]] += 2 * llv[k] * zf }
                                        gray ^= 1 << flip
                                    }
                                    if e < best - tol {
                                        best = e
                                        found.removeAll(keepingCapacity: true)
                                        found.append(blk << b | gray)
                                    } else if e <= best + tol {
                                        found.append(blk << b | gray)
                                    }
                                }
                                blk += tasks
                            }
                        }
                    }
                }
            }
            results.store(task, (best, found))
        }
        var best = Double.infinity
        for (e, _) in results.values where e < best { best = e }
        var states: [Int] = []
        for (e, s) in results.values where e <= best + tol { states.append(contentsOf: s) }
        // Drop states that were within tol of a task-local minimum but not of the global one,
        // by recomputing their energies exactly (few states).
        states = states.filter { energy(state: $0) <= best + tol }.sorted()
        let exact = states.map { energy(state: $0) }.min() ?? best
        return (exact, states)
    }
}

extension BinaryQuadraticModel {
    static let emptySpin = BinaryQuadraticModel(uncheckedLabels: [], vartype: .spin, linear: [], quadratic: [], offset: 0)
}
