import AdiabatCore
import Foundation

/// The reads of a classical spin sampler (``SimulatedAnnealing``, ``PathIntegralAnnealing``):
/// `samples` independent reads run on all cores in fixed blocks, one random stream per block
/// (so a seed gives the same reads on any number of cores), each read leaving its `n` final
/// spins and their energy; with the run's wall-clock and CPU seconds.
struct SpinReads {
    /// Read `r`'s spins at `r·n ..< (r + 1)·n`.
    var spins: [Int8]
    var energies: [Double]
    /// Seconds and CPU seconds of the reads.
    var statistics = FlipChainStatistics()

    /// Runs the reads.
    ///
    /// - Parameters:
    ///   - scratch: makes the working state one block reuses for its reads.
    ///   - read: runs one read with the block's stream, writes its `n` spins through the
    ///     pointer and returns its energy.
    init<Scratch>(
        samples: Int, qubits n: Int, seed: UInt64, blockSize: Int, scratch: @Sendable () -> Scratch,
        read: @Sendable (inout Scratch, inout Xoshiro256, UnsafeMutablePointer<Int8>) -> Double
    ) throws {
        let streams = try SampleStreams(seed: seed, samples: samples, blockSize: blockSize)
        spins = [Int8](repeating: 0, count: samples * n)
        energies = [Double](repeating: 0, count: samples)
        let started = ContinuousClock.now
        let cpuStart = CPUTime.process()
        spins.withUnsafeMutableBufferPointer { sp in
            energies.withUnsafeMutableBufferPointer { ep in
                let z = SharedPointer(sp.baseAddress!)  // safe: samples·n ≥ 1
                let e = SharedPointer(ep.baseAddress!)  // safe: samples ≥ 1
                Parallel.forEachTask(streams.blocks) { block in
                    var rng = Xoshiro256(seed: streams.stream(block))
                    var state = scratch()
                    for r in streams.range(block, samples: samples) { e[r] = read(&state, &rng, z.base + r * n) }
                }
            }
        }
        statistics.seconds = seconds(since: started)
        statistics.cpuSeconds = CPUTime.since(cpuStart)
    }
}
