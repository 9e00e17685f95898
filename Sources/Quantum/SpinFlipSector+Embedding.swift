import Foundation

extension SpinFlipSector {
    /// A real sector vector as a full-register vector: `(|k⟩ ± |k̄⟩)/√2` for each sector index
    /// `k` (`k̄` all spins flipped); the full register's vectors as they are.
    public func embed(_ v: ArraySlice<Double>, qubits: Int) -> [Double] {
        if self == .full { return Array(v) }
        let all = (1 << qubits) - 1
        var out = [Double](repeating: 0, count: 1 << qubits)
        let sign: Double = self == .even ? 1 : -1
        let r = 1 / 2.0.squareRoot()
        for (offset, value) in v.enumerated() {
            out[offset] = value * r
            out[offset ^ all] = sign * value * r
        }
        return out
    }
}
