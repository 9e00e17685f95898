import AdiabatCore
import Foundation
import Problems
import Quantum
import Testing

/// The bundled `problems/` folder, two levels above `Tests/ProblemsTests`.
private let problemsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("problems")

private func parse(_ text: String) throws -> AnnealingSpec {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gallery-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("p.toml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return try AnnealingSpec.load(url)
}

@Suite("Problem gallery: search problems, drivers, the bundled instances")
struct GalleryTests {
    @Test("type = \"search\" builds 1 − |m⟩⟨m|; marked spins and marked_index agree")
    func searchProblem() throws {
        let bySpins = try parse(
            """
            kind = "annealing"
            [problem]
            type = "search"
            qubits = 4
            marked = [1, -1, -1, 1]
            [schedule]
            driver = "projector"
            type = "roland-cerf"
            gap_tolerance = 0.02
            """)
        let byIndex = try parse(
            """
            kind = "annealing"
            [problem]
            type = "search"
            qubits = 4
            marked_index = 6
            """)
        #expect(bySpins.diagonalTerms == [DiagonalTerm(state: 6, value: -1)])  // bits 1, 2 set ⇔ spins 1, 2 are −1
        #expect(byIndex.diagonalTerms == bySpins.diagonalTerms)
        #expect(bySpins.path.driver == .projector && byIndex.path.driver == .transverseField)
        #expect(bySpins.schedule == .rolandCerf(samples: 41, tolerance: 0.02))
        let h = try bySpins.hamiltonian()
        #expect(h.register.diagonal == (0..<16).map { $0 == 6 ? 0 : 1 })
        #expect(h.problemGround.states == [6])
    }

    @Test(
        "malformed search problems and driver keys are refused with the key named",
        arguments: [
            ("[problem]\ntype = \"search\"\nmarked_index = 1", "qubits"),
            ("[problem]\ntype = \"search\"\nqubits = 3\nmarked_index = 1\nmarked = [1, 1, 1]", "marked"),
            ("[problem]\ntype = \"search\"\nqubits = 3\nmarked_index = 8", "marked_index"),
            ("[problem]\ntype = \"search\"\nqubits = 3\nmarked = [1, 0, 1]", "marked"),
            ("[problem]\ntype = \"search\"\nqubits = 3\nmarked_index = 2\nh = [0, 0, 0]", "h"),
            ("[problem]\nh = [0.5]\n[schedule]\ndriver = \"sideways\"", "driver"),
            ("[problem]\nh = [0.5]\n[schedule]\ntype = \"linear\"\ngap_tolerance = 0.1", "gap_tolerance"),
            ("[problem]\nh = [0.5]\n[schedule]\ntype = \"roland-cerf\"\ngap_tolerance = 0", "gap_tolerance"),
        ])
    func malformed(body: String, key: String) throws {
        do {
            _ = try parse("kind = \"annealing\"\n" + body)
            Issue.record("accepted: \(body)")
        } catch let error as InputError {
            #expect(error.description.contains(key), "\(error)")
        }
    }

    /// Every bundled annealing instance loads, and the gallery's new ones have the ground
    /// states their comments state.
    @Test("the bundled gallery instances load and have the stated ground states")
    func bundled() throws {
        let grover = try AnnealingSpec.load(problemsFolder.appendingPathComponent("grover8.toml"))
        let hg = try grover.hamiltonian()
        #expect(hg.path.driver == .projector && hg.problemGround.states == [173] && hg.problemGround.energy == 0)

        // (Σ aᵢzᵢ)²/Σaᵢ²: zero for the perfect split {4, 7, 22, 31} | {9, 12, 15, 26} and its flip.
        let partition = try AnnealingSpec.load(problemsFolder.appendingPathComponent("partition8.toml"))
        let hp = try partition.hamiltonian()
        let a = [4.0, 7, 9, 12, 15, 22, 26, 31]
        let s = a.reduce(0) { $0 + $1 * $1 }
        for k in [0, 37, 200, 255] {
            let z = (0..<8).map { (k >> $0) & 1 == 0 ? 1.0 : -1.0 }
            let r = zip(a, z).reduce(0) { $0 + $1.0 * $1.1 }
            #expect(abs(hp.register.diagonal[k] - r * r / s) < 1e-12)
        }
        #expect(abs(hp.problemGround.energy) < 1e-12 && hp.problemGround.states.count == 2)
        let split = hp.problemGround.states[0]
        let side = (0..<8).filter { (split >> $0) & 1 == 0 }.map { a[$0] }
        #expect(side.reduce(0, +) == 63)

        let maxcut = try AnnealingSpec.load(problemsFolder.appendingPathComponent("maxcut6.toml"))
        #expect(try maxcut.hamiltonian().problemGround.energy == -6)

        let dwave = try AnnealingSpec.load(problemsFolder.appendingPathComponent("sk10-dwave.toml"))
        #expect(dwave.path.timeUnit == .ns && dwave.totalTime == 20)
        // A(0) = 6.1 GHz → π·6.1 rad/ns; A(1) = 0; B(1) = 11.57 GHz.
        let (a0, b0) = dwave.path.coefficients(at: 0)
        let (a1, b1) = dwave.path.coefficients(at: 1)
        #expect(abs(a0 - Double.pi * 6.1) < 1e-9 && abs(b0 - Double.pi * 0.07) < 1e-9)
        #expect(abs(a1) < 1e-12 && abs(b1 - Double.pi * 11.57) < 1e-9)
    }
}
