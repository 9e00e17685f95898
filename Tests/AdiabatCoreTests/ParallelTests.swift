import AdiabatCore
import Dispatch
import Foundation
import Testing

/// The worker pool behind every parallel loop: each index runs exactly once, loops nest and
/// run from several threads at once without deadlock, and reductions do not depend on the
/// threads.
@Suite("Parallel loops and the worker pool")
struct ParallelTests {
    /// Counts how often each index ran.
    final class Tally: @unchecked Sendable {
        let counts: UnsafeMutablePointer<Int>
        let size: Int
        let lock = NSLock()
        init(_ size: Int) {
            self.size = size
            counts = .allocate(capacity: size)
            counts.initialize(repeating: 0, count: size)
        }
        deinit { counts.deallocate() }
        func hit(_ i: Int) {
            lock.lock()
            counts[i] += 1
            lock.unlock()
        }
        var exactlyOnce: Bool { (0..<size).allSatisfy { counts[$0] == 1 } }
    }

    @Test("many short loops in a row: every task runs exactly once (workers that come late find nothing)")
    func manyLoops() {
        for round in 0..<3000 {
            let tasks = 1 + round % 37
            let tally = Tally(tasks)
            Parallel.forEachTask(tasks) { tally.hit($0) }
            if !tally.exactlyOnce {
                Issue.record("round \(round): a task ran \((0..<tasks).map { tally.counts[$0] }) times")
                return
            }
        }
    }

    @Test("chunked loops cover 0..<count exactly once, for counts around the chunk sizes")
    func chunks() {
        for count in [1, 4095, 4096, 8193, 100_000, 1_000_003] {
            let tally = Tally(count)
            Parallel.forEachChunk(count: count, minimumChunk: 4096) { range in
                for i in range { tally.counts[i] += 1 }  // disjoint ranges: no lock needed
            }
            #expect(tally.exactlyOnce, "count \(count)")
        }
    }

    @Test("a loop inside a loop's task, and loops started from several threads at once, all finish")
    func nestedAndConcurrent() {
        let outer = 8
        let inner = 50
        let tally = Tally(outer * inner)
        Parallel.forEachTask(outer) { i in
            Parallel.forEachTask(inner) { j in tally.hit(i * inner + j) }
        }
        #expect(tally.exactlyOnce)
        let callers = 6
        let concurrent = Tally(callers * 200)
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for r in 0..<20 {
                Parallel.forEachTask(10) { k in concurrent.hit(c * 200 + r * 10 + k) }
            }
        }
        #expect(concurrent.exactlyOnce)
    }

    @Test("a parallel sum equals the same fixed-chunk sum taken serially, to the bit")
    func reproducibleSum() {
        let n = 1_000_003
        let values = (0..<n).map { sin(Double($0)) * 1e3 }
        let parallel = values.withUnsafeBufferPointer { v in
            let p = SharedReadPointer(v.baseAddress!)
            return Parallel.sum(count: n) { range in range.reduce(0.0) { $0 + p[$1] } }
        }
        var serial = 0.0
        var chunkSums: [Double] = []
        for lo in stride(from: 0, to: n, by: 16384) {
            chunkSums.append(values[lo..<min(n, lo + 16384)].reduce(0.0, +))
        }
        serial = chunkSums.reduce(0, +)
        #expect(parallel == serial)
    }
}
