import AdiabatCore
import Bridge
import Foundation
import Testing

@Suite("compare at scale: the exact side's limit")
struct ComparisonAtScaleTests {
    @Test("the exact side is skipped by the memory budget, not a fixed count")
    func memoryBudgetDecides() throws {
        // 10 qubits: 8 vectors of 2¹⁰ amplitudes and the tables, about 160 KiB.
        let bytes = 1024.0 * (16 * Comparison.exactSideVectors + 16)
        let roomy = MemoryBudget(available: 1.5 * bytes / MemoryBudget.usableFraction, source: "test")
        let tight = MemoryBudget(available: 0.5 * bytes / MemoryBudget.usableFraction, source: "test")
        #expect(Comparison.exactSideLimit(qubits: 10, memory: roomy) == nil)
        let why = try #require(Comparison.exactSideLimit(qubits: 10, memory: tight))
        #expect(why.contains("2^10 amplitudes") && why.contains("usable"), "\(why)")
        // One more qubit doubles the need: 11 qubits no longer fit where 10 did.
        #expect(Comparison.exactSideLimit(qubits: 11, memory: roomy) != nil)
    }

    @Test("beyond a Double's range the size is said as a power of two, not 'inf'")
    func hugeRegister() throws {
        let why = try #require(Comparison.exactSideLimit(qubits: 1024))
        #expect(why.contains("2^1024 × 144 bytes") && !why.contains("inf"), "\(why)")
    }
}
