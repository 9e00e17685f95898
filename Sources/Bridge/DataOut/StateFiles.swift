import AdiabatCore
import Foundation
import Quantum
import Reports

/// States and eigenvectors as `.npy` files (docs/data-out.md#states-and-eigenvectors).
///
/// **Register basis order in files.** Inside Adiabat qubit `i` is bit `i` of the basis index
/// (qubit 0 the least significant bit, docs/theory.md §1). Files are written in the order of
/// a tensor product `q₀ ⊗ q₁ ⊗ … ⊗ q_{n−1}` instead, as QuTiP's `tensor` and NumPy's `kron`
/// build it: **qubit 0 is the most significant bit** of the file's index, so
/// `Qobj(np.load(f), dims=[[2]*n, [1]*n])` is the state with qubit `i` the `i`-th factor.
/// `|0⟩` is spin `zᵢ = +1` (`σz|0⟩ = |0⟩`). The companion JSON (`FILE.npy.json`) says so, and
/// lists the variable label of each qubit.
public enum StateFiles {
    public static let suffixes = ["npy"]

    /// The file index of internal basis index `k` on `n` qubits (bit reversal).
    public static func fileIndex(_ k: Int, qubits n: Int) -> Int {
        var j = 0
        var k = k
        for _ in 0..<n {
            j = (j << 1) | (k & 1)
            k >>= 1
        }
        return j
    }

    /// `values` (one number per basis state, `components` numbers each: 2 for interleaved
    /// complex, 1 for real) permuted from Adiabat's order to the file's order.
    public static func fileOrder(_ values: [Double], qubits n: Int, components: Int) -> [Double] {
        var out = [Double](repeating: 0, count: values.count)
        for k in 0..<(1 << n) {
            let j = fileIndex(k, qubits: n)
            for c in 0..<components { out[j * components + c] = values[k * components + c] }
        }
        return out
    }

    /// The companion's description of a register basis.
    public static func registerBasis(labels: [String], textLabels: Set<String> = []) -> [String: Any] {
        [
            "qubits": labels.count,
            "labels": labels.map { SpinSampleSet.jsonLabel($0, text: textLabels) },
            "order":
                "tensor-product (QuTiP, numpy.kron) order: qubit 0 (labels[0]) is the most significant bit of the index",
            "zero": "|0> is spin z = +1 (sigma_z|0> = |0>); |1> is z = -1; BINARY x = (1 + z)/2, so x = 1 is |0>",
            "qutip": "Qobj(np.load(f), dims=[[2]*n, [1]*n])",
        ]
    }

    /// The bytes a complex128 array of `count` elements takes, checked against the limit
    /// before any work (`parameter` names the option).
    public static func checkComplex(elements: Int, parameter: String, what: String) throws {
        try DataFile.checkSize(elements * 16, parameter: parameter, what: what)
    }

    /// Writes register states (interleaved complex, Adiabat's order) as complex128: shape
    /// `(2ⁿ,)` for one state, `(N, 2ⁿ)` for several, in the file's basis order.
    public static func writeRegister(
        _ states: [[Double]], single: Bool, labels: [String], extra: [String: Any], to path: String, parameter: String
    ) throws {
        let n = labels.count
        let dim = 1 << n
        var flat: [Double] = []
        flat.reserveCapacity(states.count * 2 * dim)
        for s in states { flat += fileOrder(s, qubits: n, components: 2) }
        let shape = single ? [dim] : [states.count, dim]
        let array = NPYWriter.complex128(interleaved: flat, shape: shape)
        var companion: [String: Any] = [
            "format": "adiabat register state", "array": ["dtype": "complex128", "shape": shape],
            "basis": registerBasis(labels: labels),
        ]
        for (k, v) in extra { companion[k] = v }
        try DataFile.writeArray(array, companion: companion, to: path, parameter: parameter)
    }

    /// Writes grid states (interleaved complex, last axis fastest) as complex128 of shape
    /// `grid.points` (one state) or `(N, *grid.points)`.
    public static func writeGrid(
        _ states: [[Double]], single: Bool, grid: UniformGrid, extra: [String: Any], to path: String, parameter: String
    ) throws {
        let flat = states.flatMap { $0 }
        let leading = single ? [] : [states.count]
        let array = NPYWriter.complex128(interleaved: flat, shape: leading + grid.points)
        var companion = GridFiles.companion(
            grid, format: "adiabat wave function on a grid", dtype: "complex128", leading: leading)
        for (k, v) in extra { companion[k] = v }
        try DataFile.writeArray(array, companion: companion, to: path, parameter: parameter)
    }
}
