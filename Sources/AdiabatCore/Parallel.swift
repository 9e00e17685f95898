import Dispatch
import Foundation
import Synchronization

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
        // A few chunks per worker, handed out on demand: a worker whose core is shared with
        // another process takes fewer, instead of holding the others up at the join.
        let chunks = min(chunksPerWorker * workers, max(1, count / max(minimumChunk, 1)))
        if chunks == 1 || workers == 1 {
            body(0..<count)
            return
        }
        run(chunks) { c in body(chunkRange(c, of: chunks, count: count)) }
    }

    /// Chunks per worker in ``forEachChunk(count:minimumChunk:_:)`` (when the work allows).
    static let chunksPerWorker = 4

    /// Runs `body(0..<tasks)` on the ``WorkerPool`` (or, when the pool is already in use by
    /// an enclosing or concurrent loop, on Dispatch's threads).
    @inline(__always)
    static func run(_ tasks: Int, _ body: @Sendable (Int) -> Void) {
        if !WorkerPool.shared.run(tasks, body) {
            DispatchQueue.concurrentPerform(iterations: tasks, execute: body)
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
                run(chunks) { c in out[c] = term((c * chunkSize)..<min(count, (c + 1) * chunkSize)) }
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
            run(tasks, body)
        }
    }

    @inline(__always) static func chunkRange(_ c: Int, of chunks: Int, count: Int) -> Range<Int> {
        let base = count / chunks
        let extra = count % chunks
        let start = c * base + min(c, extra)
        return start..<(start + base + (c < extra ? 1 : 0))
    }
}

/// The worker threads behind ``Parallel``: `workers − 1` threads that stay alive for the
/// process, plus the calling thread, which always takes part.
///
/// A loop publishes its body and task count; every thread takes task indices from one
/// atomic counter until none are left, so a thread whose core is busy with another process
/// simply takes fewer tasks. Between loops an idle worker **spins briefly, then parks**: it
/// polls for the next loop for up to ``spinNanoseconds`` (the next loop of a time-stepping
/// method usually starts within microseconds, and a parked thread woken by the scheduler can
/// wait milliseconds for a core under load, which made the two workers wait on each other),
/// then sleeps on a condition variable until a loop is published. The caller waits for the
/// last task the same way (spin, then yield the core).
///
/// One loop at a time: a loop started while another runs (a nested loop inside a task, or a
/// loop on another thread) returns false from ``run(_:_:)`` and the caller uses Dispatch.
public final class WorkerPool: @unchecked Sendable {
    /// The process's pool (`Parallel.workers − 1` threads, started on first use).
    public static let shared = WorkerPool(threads: Parallel.workers - 1)

    /// How long an idle worker polls for the next loop before it parks.
    public static let spinNanoseconds: UInt64 = 50_000

    private let threads: Int
    private let busy = NSLock()
    private let condition = NSCondition()
    /// Bumped when a loop is published (under `condition`'s lock, with `current`).
    private let generation = Atomic<Int>(0)
    private var current: Job?  // guarded by `condition`
    private var sleepers = 0  // guarded by `condition`
    private var started = false  // guarded by `busy`

    /// One loop: its own task counters, so a worker that comes late to a finished loop finds
    /// no task left in it (and never touches a later loop's counters).
    final class Job: @unchecked Sendable {
        let tasks: Int
        let next = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        /// Set for the loop's lifetime; read only by a thread that holds an unfinished task,
        /// so never after the caller (who waits for every task) clears it.
        var body: ((Int) -> Void)?
        init(tasks: Int, body: @escaping (Int) -> Void) {
            self.tasks = tasks
            self.body = body
        }

        /// Takes tasks until none are left.
        func work() {
            while true {
                let k = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard k < tasks else { return }
                body!(k)  // safe: set until every task has finished, and task k has not
                finished.wrappingAdd(1, ordering: .releasing)
            }
        }
    }

    init(threads: Int) { self.threads = max(0, threads) }

    /// Runs `body(k)` for `k` in `0..<tasks` on the pool and the calling thread; returns
    /// after the last task has finished. Returns false, running nothing, when the pool is
    /// already running a loop (or has no threads).
    public func run(_ tasks: Int, _ body: @Sendable (Int) -> Void) -> Bool {
        guard threads > 0, tasks > 0, busy.try() else { return false }
        defer { busy.unlock() }
        if !started {
            started = true
            for _ in 0..<threads {
                let thread = Thread { [unowned self] in self.workerLoop() }
                thread.name = "adiabat-worker"
                thread.start()
            }
        }
        withoutActuallyEscaping(body) { escaping in
            let job = Job(tasks: tasks, body: escaping)
            condition.lock()
            current = job
            generation.wrappingAdd(1, ordering: .releasing)
            if sleepers > 0 { condition.broadcast() }
            condition.unlock()
            job.work()
            // Wait for tasks still running on other threads: spin, then give up the core.
            var polls = 0
            while job.finished.load(ordering: .acquiring) < tasks {
                polls += 1
                if polls > 4096 { sched_yield() }
            }
            condition.lock()
            current = nil
            condition.unlock()
            job.body = nil  // a late worker may still hold `job`, never the closure
        }
        return true
    }

    private func workerLoop() {
        var seen = 0
        while true {
            var latest = generation.load(ordering: .acquiring)
            if latest == seen {
                let deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
                var polls = 0
                while latest == seen {
                    polls += 1
                    if polls & 255 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                        condition.lock()
                        while generation.load(ordering: .acquiring) == seen {
                            sleepers += 1
                            condition.wait()
                            sleepers -= 1
                        }
                        condition.unlock()
                    }
                    latest = generation.load(ordering: .acquiring)
                }
            }
            seen = latest
            condition.lock()
            let job = current
            condition.unlock()
            job?.work()
        }
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
