// STREAM-like triad a[i] = b[i] + s·c[i] on arrays far larger than the caches, with one and
// with two threads (each thread owns a contiguous half). Bytes counted as STREAM does: 24 per
// element (two loads, one store; the write-allocate read is not counted). Best of 10 runs.
// Built by benchmarks/bench.py with `swiftc -O`; prints one JSON object with --json.
import Dispatch
import Foundation

let n = 1 << 25  // 32 Mi doubles = 256 MiB per array, 768 MiB in all
let a = UnsafeMutablePointer<Double>.allocate(capacity: n)
let b = UnsafeMutablePointer<Double>.allocate(capacity: n)
let c = UnsafeMutablePointer<Double>.allocate(capacity: n)
DispatchQueue.concurrentPerform(iterations: 2) { part in  // first touch by the threads that use it
    let lo = part * n / 2, hi = (part + 1) * n / 2
    for i in lo..<hi { a[i] = 0; b[i] = 1; c[i] = 2 }
}

func triad(threads: Int) -> Double {
    var best = Double.infinity
    for _ in 0..<10 {
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            let lo = part * n / threads, hi = (part + 1) * n / threads
            let s = 3.0
            for i in lo..<hi { a[i] = b[i] + s * c[i] }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        best = min(best, elapsed)
    }
    return best
}

let one = triad(threads: 1)
let two = triad(threads: 2)
var check = 0.0
for i in stride(from: 0, to: n, by: 4096) { check += a[i] }
let bytes = 24.0 * Double(n)
let json = """
    {"elements": \(n), "bytes": \(bytes), "check": \(check), \
    "one_thread": {"seconds": \(one), "bytes_per_second": \(bytes / one)}, \
    "two_threads": {"seconds": \(two), "bytes_per_second": \(bytes / two)}}
    """
print(json)
