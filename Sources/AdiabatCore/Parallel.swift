import Dispatch
import Foundation

/// A pointer that may cross into concurrent work. The caller guarantees that concurrent
/// users touch disjoint elements (the parallel loops below hand out disjoint ranges).
public struct SharedPointer<Element>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public init(_ base: UnsafeMutablePointer<Element>) { self.base = base }
    @inline(__always) public subscript(i: Int) -> Element {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only pointer that may cross into concurrent work.
public struct SharedReadPointer<Element>: @unchecked Sendable {
    public let base: UnsafePointer<Element>
    public init(_ base: UnsafePointer<Element>) { self.base = base }
    @inline(__always) public subscript(i: Int) -> Element { base[i] }
}

/// A counter shared across threads (finished cells, profile points: progress reports).
public final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    /// Adds one and returns the new count.
    public func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}

/// Data-parallel loops over index ranges, on all cores.
///
/// Work is cut into contiguous chunks; each chunk runs on one thread. Below
/// `minimumChunk` elements per worker the loop runs inline, so small problems pay no
/// threading overhead. Results must not depend on the number of workers: reductions are
/// combined in chunk order.
public enum Parallel {
    /// The number of workers used (the active processor count, at least 1).
    public static let workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body(range)` for disjoint ranges covering `0..<count`, concurrently.
    public static func forEachChunk(
        count: Int, minimumChunk: Int = 4096, _ body: @Sendable (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let chunks = min(workers, max(1, count / max(minimumChunk, 1)))
        if chunks == 1 {
            body(0..<count)
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            body(chunkRange(c, of: chunks, count: count))
        }
    }

    /// A sum over `0..<count` computed in fixed chunks (chunk sizes do not depend on the
    /// number of workers, so the result is reproducible to the last bit).
    public static func sum(count: Int, chunkSize: Int = 16384, _ term: @Sendable (Range<Int>) -> Double) -> Double {
        guard count > 0 else { return 0 }
        let chunks = (count + chunkSize - 1) / chunkSize
        var partial = [Double](repeating: 0, count: chunks)
        partial.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)  // safe: chunks ≥ 1
            if chunks == 1 || workers == 1 {
                for c in 0..<chunks { out[c] = term((c * chunkSize)..<min(count, (c + 1) * chunkSize)) }
            } else {
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    out[c] = term((c * chunkSize)..<min(count, (c + 1) * chunkSize))
                }
            }
        }
        return partial.reduce(0, +)
    }

    /// Runs `body(k)` for `k` in `0..<tasks` concurrently (independent tasks, e.g. one per
    /// schedule or per seed block).
    public static func forEachTask(_ tasks: Int, _ body: @Sendable (Int) -> Void) {
        guard tasks > 0 else { return }
        if tasks == 1 || workers == 1 {
            for k in 0..<tasks { body(k) }
        } else {
            DispatchQueue.concurrentPerform(iterations: tasks, execute: body)
        }
    }

    @inline(__always) static func chunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks
        let extra = count % chunks
        let start = c * base + min(c, extra)
        return start..<(start + base + (c < extra ? 1 : 0))
    }
}

/// Per-task result slots written concurrently at disjoint indices (one per task or block of
/// a parallel loop); ``values`` lists the stored ones in index order.
public final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    public init(count: Int) { slots = Array(repeating: nil, count: count) }

    public func store(_ i: Int, _ value: T) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    public var values: [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
