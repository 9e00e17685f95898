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
/// Memory: with `undoRejected` (a reversible stepper on a large state) the two half steps run
/// in place on `psi` and only the big step needs a second vector (`scratch`); a rejected step
/// restores `psi` as `S(t, h)⁻¹` of the big step's result (exact to rounding, one step's
/// passes, not counted as evaluations). Otherwise the half steps need a third vector (`half`)
/// and a rejection keeps `psi` to the bit.
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
    /// Half steps in place on `psi`, a rejected step undone (the stepper must be reversible).
    var undoRejected = false

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
            // one big step into scratch
            copy(psi, into: &scratch)
            statistics.evaluations += try scratch.withUnsafeMutableBufferPointer {
                try stepper.step($0, from: t, size: size, scheme: scheme)
            }
            let inPlace = undoRejected
            if !inPlace { copy(psi, into: &half) }
            let twoHalves = { (buffer: UnsafeMutableBufferPointer<Double>) throws -> Int in
                let a = try stepper.step(buffer, from: t, size: 0.5 * size, scheme: scheme)
                return a + (try stepper.step(buffer, from: t + 0.5 * size, size: 0.5 * size, scheme: scheme))
            }
            statistics.evaluations +=
                try inPlace
                ? psi.withUnsafeMutableBufferPointer { try twoHalves($0) }
                : half.withUnsafeMutableBufferPointer { try twoHalves($0) }
            let err =
                scratch.withUnsafeBufferPointer { s in
                    (inPlace ? psi : half).withUnsafeBufferPointer { distance(s, $0) }
                } / denominator
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
                    // ψ(t) = S(t, h)⁻¹ of the big step's result
                    copy(scratch, into: &psi)
                    _ = try psi.withUnsafeMutableBufferPointer { try stepper.undo($0, from: t, size: size, scheme: scheme) }
                }
                h = size * factor
                if h < 1e-14 * max(abs(t), abs(t1), 1) { return .stepSizeTooSmall(time: t) }
            }
        }
        return .success
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
