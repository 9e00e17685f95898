extension UnsafeMutablePointer where Pointee == Double {
    /// Stores `z = re + i·im` at complex index `k` of an interleaved vector (`[re₀, im₀, re₁,
    /// …]`), or `−i·z = im − i·re` with `timesMinusI`: the last step of a Schrödinger
    /// right-hand side `−iHψ` after `Hψ` was accumulated.
    @inlinable @inline(__always)
    public func storeComplex(at k: Int, _ re: Double, _ im: Double, timesMinusI: Bool) {
        if timesMinusI {
            self[2 * k] = im
            self[2 * k + 1] = -re
        } else {
            self[2 * k] = re
            self[2 * k + 1] = im
        }
    }

    /// Multiplies the first `count` complex numbers of an interleaved vector by `−i` in place,
    /// `(re, im) → (im, −re)`: `Hψ` into the Schrödinger right-hand side `−iHψ`.
    @inlinable
    public func multiplyByMinusI(count: Int) {
        for k in 0..<count { storeComplex(at: k, self[2 * k], self[2 * k + 1], timesMinusI: true) }
    }
}
