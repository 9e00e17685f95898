import AdiabatCore
import Foundation

/// A propagator that advances a state by one step of a ``SplittingScheme`` in place.
protocol CompositionStepper {
    /// Advances `psi` from `t` by `h` with the given splitting; returns the number of
    /// exponential passes applied.
    func step(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int

    /// Whether ``undo(_:from:size:scheme:)`` is available: every factor is an exact
    /// exponential, so the step's inverse is the factors in reverse order with negated angles.
    var isReversible: Bool { get }

    /// `psi ← S(t, h)⁻¹ psi`, the inverse of ``step(_:from:size:scheme:)`` with the same
    /// arguments (to rounding); returns the passes applied. Only called when ``isReversible``.
    func undo(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int
}

extension CompositionStepper {
    var isReversible: Bool { false }
    func undo(_ psi: UnsafeMutableBufferPointer<Double>, from t: Double, size h: Double, scheme: SplittingScheme) throws -> Int {
        preconditionFailure("undo on a stepper that is not reversible")
    }
}

/// Drives a ``CompositionStepper`` over `[t0, t1]` with a fixed step count or with local
/// error control by step doubling.
///
/// Step doubling: one step of `h` and two of `h/2` from the same state; for a method of
/// order `p` the local error of the two half steps is `‖ψ_h − ψ_{h/2,h/2}‖/(2^p − 1)` (Euclidean
/// norm of the stored components). The step is accepted when that is at most
/// `atol + rtol·‖ψ‖`, the two half steps are kept
/// (no extrapolation, so the propagator stays unitary), and the next `h` is
/// `h·min(4, max(0.2, 0.9·(tol/err)^{1/(p+1)}))`.
///
/// Memory: with `inPlace` (a reversible stepper on a large state) step doubling needs no
/// second vector. The big step runs in place and leaves a sketch of its result (``StateSketch``:
/// 64 random buckets), the inverse of the big step restores `ψ(t)` (exact to rounding),
/// the two half steps run in place and are sketched with the same probes, and the distance
/// is estimated from the two sketches. A rejected step is undone by the inverses of the two
/// half steps. Every step thus costs one step more (the undo; its passes count as
/// evaluations), and the state needs no copy. Otherwise the big step runs on a copy
/// (`scratch`), the half steps on a third vector (`half`), and a rejection keeps `psi` to the bit.
/// Progress of a running evolution, for a front end that shows signs of life: the run time `τ`
/// reached, reported every 64 steps by the split-operator driver (and, for GSL steppers, at
/// each stop) to the reporter bound on the calling thread with ``withReporter(_:_:)``. Bound
/// per thread, so that the result types and options stay plain data and parallel runs on other
/// threads are not reported.
public enum EvolutionProgress {
    private final class Box {
        let reporter: (Double) -> Void
        init(_ reporter: @escaping (Double) -> Void) { self.reporter = reporter }
    }
    private static let key = "adiabat.evolution.progress"

    /// Runs `body` with `reporter` receiving the run time reached, on this thread.
    public static func withReporter<R>(_ reporter: @escaping (Double) -> Void, _ body: () throws -> R) rethrows -> R {
        let dictionary = Thread.current.threadDictionary
        let saved = dictionary[key]
        dictionary[key] = Box(reporter)
        defer { dictionary[key] = saved }
        return try body()
    }

    static func report(_ time: Double) {
        (Thread.current.threadDictionary[key] as? Box)?.reporter(time)
    }
}

struct SplitOperatorDriver {
    let scheme: SplittingScheme
    let order: Int
    let options: EvolutionOptions
    /// Fixed step size, when the run uses a fixed step count.
    let fixedStep: Double?
    /// Step doubling in place on `psi` with sketched distances, no second vector (the stepper
    /// must be reversible).
    var inPlace = false

    /// Advances `psi` to `t1`; `h` carries the step-size guess across calls.
    func advance(
        _ stepper: CompositionStepper, _ psi: inout [Double], scratch: inout [Double], half: inout [Double],
        from t0: Double, to t1: Double, h: inout Double, statistics: inout SolutionStatistics
    ) throws -> SolutionStatus {
        let span = t1 - t0
        guard span > 0 else { return .success }
        if let fixed = fixedStep {
            let n = max(1, Int((span / fixed - 1e-9).rounded(.up)))
            let size = span / Double(n)
            for k in 0..<n {
                if statistics.steps >= options.maxSteps { return .maxStepsReached(time: t0 + Double(k) * size) }
                statistics.evaluations += try psi.withUnsafeMutableBufferPointer {
                    try stepper.step($0, from: t0 + Double(k) * size, size: size, scheme: scheme)
                }
                statistics.steps += 1
                if statistics.steps & 63 == 0 { EvolutionProgress.report(t0 + Double(k + 1) * size) }
            }
            return .success
        }
        var t = t0
        if !(h > 0) { h = span / 8 }
        let norm = psi.withUnsafeBufferPointer { normSquared($0) }.squareRoot()
        let tol = options.atol + options.rtol * norm
        let exponent = 1.0 / Double(order + 1)
        let denominator = Double((1 << order) - 1)
        while t < t1 {
            if statistics.steps >= options.maxSteps { return .maxStepsReached(time: t) }
            var size = min(h, t1 - t)
            let last = size >= t1 - t
            if last { size = t1 - t }
            let err: Double
            if inPlace {
                // big step in place, its sketch; back to ψ(t); the half steps in place, their sketch
                let seed = StateSketch.seed(t, size)
                var passes = try psi.withUnsafeMutableBufferPointer { try stepper.step($0, from: t, size: size, scheme: scheme) }
                let big = psi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed) }
                passes += try psi.withUnsafeMutableBufferPointer { p in
                    let back = try stepper.undo(p, from: t, size: size, scheme: scheme)
                    let first = try stepper.step(p, from: t, size: 0.5 * size, scheme: scheme)
                    return back + first + (try stepper.step(p, from: t + 0.5 * size, size: 0.5 * size, scheme: scheme))
                }
                statistics.evaluations += passes
                let halves = psi.withUnsafeBufferPointer { StateSketch.project($0, seed: seed) }
                err = StateSketch.distance(big, halves) / denominator
            } else {
                // one big step into scratch, the half steps into half
                copy(psi, into: &scratch)
                statistics.evaluations += try scratch.withUnsafeMutableBufferPointer {
                    try stepper.step($0, from: t, size: size, scheme: scheme)
                }
                copy(psi, into: &half)
                statistics.evaluations += try half.withUnsafeMutableBufferPointer { buffer in
                    let a = try stepper.step(buffer, from: t, size: 0.5 * size, scheme: scheme)
                    return a + (try stepper.step(buffer, from: t + 0.5 * size, size: 0.5 * size, scheme: scheme))
                }
                err = scratch.withUnsafeBufferPointer { s in half.withUnsafeBufferPointer { distance(s, $0) } } / denominator
            }
            guard err.isFinite else { return .nonFinite(time: t) }
            let factor = err > 0 ? min(4, max(0.2, 0.9 * pow(tol / err, exponent))) : 4
            if err <= tol {
                if !inPlace { swap(&psi, &half) }
                t = last ? t1 : t + size
                statistics.steps += 1
                if statistics.steps & 63 == 0 { EvolutionProgress.report(t) }
                if !last || factor < 1 { h = size * factor }
            } else {
                statistics.rejectedSteps += 1
                if inPlace {
                    // ψ(t) = S(t, h/2)⁻¹ S(t + h/2, h/2)⁻¹ of the half steps' result
                    statistics.evaluations += try psi.withUnsafeMutableBufferPointer { p in
                        let second = try stepper.undo(p, from: t + 0.5 * size, size: 0.5 * size, scheme: scheme)
                        return second + (try stepper.undo(p, from: t, size: 0.5 * size, scheme: scheme))
                    }
                }
                h = size * factor
                if h < 1e-14 * max(abs(t), abs(t1), 1) { return .stepSizeTooSmall(time: t) }
            }
        }
        return .success
    }
}

/// A random sketch of a complex interleaved state (a CountSketch): step doubling's error
/// estimate without a second vector.
///
/// Each amplitude goes to one of `M = 64` buckets, `z_m = Σ_{k: β(k) = m} r(k) ψ_k`, with the
/// bucket `β(k)` uniform and `r(k) = (a + i b)/√2`, `a, b = ±1` uniform, all independent (bits of
/// a hash of the seed and `k`). For any vector `d`, `Σ_m|z_m(d)|² = Σ_k|d_k|² + Σ_{k≠l}[β(k) = β(l)]
/// r(k) r̄(l) d_k d̄_l`, and `r(k) r̄(l)` is uniform on `{±1, ±i}` for `k ≠ l`, so
/// `E Σ_m|z_m(d)|² = ‖d‖²` and `Var Σ_m|z_m(d)|² = (1/M)·(‖d‖⁴ − Σ_k|d_k|⁴) ≤ ‖d‖⁴/64`: an unbiased
/// estimate of `‖d‖²` with relative standard deviation at most `1/8` (about 6% on the norm, which
/// moves the next step size by ~1% through the exponent `1/(p+1)`), and exact when `d` has one
/// non-zero amplitude. The sketch is linear, so the sketches of two states give that of their
/// difference: the estimator keeps the order of step doubling (it estimates the same
/// `O(h^{p+1})` distance). Cost: one hash and one complex multiply-add per amplitude (a dense
/// Gaussian-style sketch with the same variance would need `M` of them). Rounding: each `z_m` is
/// a sum of ~`2ⁿ/M` terms of size `|ψ_k|`, accurate to ~1e-16·‖ψ‖, far below any usable tolerance.
///
/// Sums run in fixed blocks of 2¹⁴ amplitudes, so the result does not depend on the thread count.
public enum StateSketch {
    /// Buckets per sketch.
    public static let probes = 64
    static let block = 1 << 14

    /// A seed per step attempt (fresh buckets and signs for every step, reproducible run to run).
    static func seed(_ t: Double, _ h: Double) -> UInt64 {
        mix(t.bitPattern &+ mix(h.bitPattern))
    }

    /// SplitMix64's finaliser: a bijection of `UInt64` whose output bits are near-independent.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The sketch `[re₀ … re₆₃, im₀ … im₆₃]` of the state `x` (`2·2ⁿ` reals), unnormalised: with
    /// `r = a + i b` instead of `(a + ib)/√2` (``distance(_:_:)`` divides by 2).
    public static func project(_ x: UnsafeBufferPointer<Double>, seed: UInt64) -> [Double] {
        let amplitudes = x.count / 2
        let width = 2 * probes
        guard amplitudes > 0, let xb = x.baseAddress else { return [Double](repeating: 0, count: width) }
        let blocks = (amplitudes + block - 1) / block
        var partial = [Double](repeating: 0, count: blocks * width)
        partial.withUnsafeMutableBufferPointer { pp in
            let out = SharedPointer(pp.baseAddress!)  // safe: blocks ≥ 1
            let src = SharedReadPointer(xb)
            balancedFor(count: blocks, grain: 1) { range in
                for b in range {
                    let start = b * block
                    accumulate(src.base, start..<min(amplitudes, start + block), seed, into: out.base + b * width)
                }
            }
        }
        var z = [Double](repeating: 0, count: width)
        for b in 0..<blocks {
            for j in 0..<width { z[j] += partial[b * width + j] }
        }
        return z
    }

    /// Adds the sketch of amplitudes `range` to `out` (`2·probes` values).
    @inline(__always)
    private static func accumulate(
        _ x: UnsafePointer<Double>, _ range: Range<Int>, _ seed: UInt64, into out: UnsafeMutablePointer<Double>
    ) {
        let signBit: UInt64 = 1 << 63
        for k in range {
            let hash = mix(seed ^ UInt64(truncatingIfNeeded: k))
            let m = Int(truncatingIfNeeded: hash & 63)
            // a = ±1 from bit 6, b = ±1 from bit 7, as sign flips of x and y
            let flipA = (hash << 57) & signBit
            let flipB = (hash << 56) & signBit
            let re = x[2 * k]
            let im = x[2 * k + 1]
            // (a + ib)(re + i im) = (a·re − b·im) + i(a·im + b·re)
            out[m] += Double(bitPattern: re.bitPattern ^ flipA) - Double(bitPattern: im.bitPattern ^ flipB)
            out[probes + m] += Double(bitPattern: im.bitPattern ^ flipA) + Double(bitPattern: re.bitPattern ^ flipB)
        }
    }

    /// The estimate of `‖ψ − φ‖` from the sketches of `ψ` and `φ`: `√(Σ_m|Δz_m|²/2)` (the 2 for
    /// the unnormalised `a + ib`).
    public static func distance(_ z: [Double], _ w: [Double]) -> Double {
        var sum = 0.0
        for j in 0..<(2 * probes) {
            let d = z[j] - w[j]
            sum += d * d
        }
        return (sum / 2).squareRoot()
    }
}

/// `target[0..<source.count] = source` (a block copy).
private func copy(_ source: [Double], into target: inout [Double]) {
    source.withUnsafeBufferPointer { s in
        target.withUnsafeMutableBufferPointer { t in
            guard let from = s.baseAddress, let to = t.baseAddress else { return }
            to.update(from: from, count: s.count)
        }
    }
}
