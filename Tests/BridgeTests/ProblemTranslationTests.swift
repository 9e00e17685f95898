import AdiabatCore
import Bridge
import Foundation
import Testing

/// `Problem.translate`: the typed request and solution behind `adiabat translate`.
@Suite("Problem.translate: request, solution, table and refusals")
struct ProblemTranslationTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-translate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("H(s) → score on spins: the written table is the law (p sums to 1) with one ratio column per move")
    func spins() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("score.csv").path
        var request = TranslateRequest()
        request.s = 0.4
        request.output = file
        request.includeTable = true
        let solution = try Problem.load("maxcut6", seed: 1).translate(request)
        #expect(solution.succeeded)
        guard case .spins(let report) = solution.result, let table = report.table, let summary = report.translation else {
            Issue.record("not a spin translation")
            return
        }
        #expect(summary.qubits == 6 && table.rows.count == 64 && report.output == file)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 65 && lines[0] == table.columns.joined(separator: ","))
        // The file holds the same cells as the solution's table.
        #expect(lines.dropFirst().map(String.init) == table.rows.map { $0.joined(separator: ",") })
        let p = table.rows.map { Double($0[2]) ?? .nan }
        #expect(abs(p.reduce(0, +) - 1) < 1e-12)
        #expect(table.columns.count > 3 && table.columns.dropFirst(3).allSatisfy { $0.hasPrefix("ratio_") })
    }

    @Test("a law → its Score Hamiltonian: table of p and V; without includeTable the JSON has no rows")
    func law() throws {
        var request = TranslateRequest()
        request.to = .hamiltonian
        request.law.beta = 1
        request.roundTrip = true
        let solution = try Problem.load("maxcut6", seed: 1).translate(request)
        guard case .spins(let report) = solution.result, let law = report.law else {
            Issue.record("not a law translation")
            return
        }
        #expect(report.table == nil && law.qubits == 6)
        let error = try #require(law.maxAbsError)
        #expect(error < 1e-8)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(solution)) as? [String: Any]
        #expect(json?["rows"] == nil && json?["status"] as? String == "success")
    }

    @Test("refusals name the request's parameter and write nothing")
    func refusals() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.csv").path
        let spins = try Problem.load("sk10", seed: 1)
        let landscape = try Problem.load("double-well", seed: 1)
        func parameter(_ problem: Problem, _ change: (inout TranslateRequest) -> Void) -> String? {
            var request = TranslateRequest()
            request.output = file
            change(&request)
            do {
                _ = try problem.translate(request)
                return nil
            } catch let e as InputError {
                return e.location
            } catch {
                return "\(error)"
            }
        }
        #expect(parameter(spins) { $0.s = 1.5 } == "translate.s")
        #expect(parameter(spins) { _ in } == "translate.s")  // H(s) → score needs s
        #expect(parameter(spins) { $0.to = .hamiltonian } == "translate.to")  // needs a law
        #expect(parameter(landscape) { _ in } == "translate.to")
        #expect(parameter(landscape) { $0.to = .bqm } == "translate.to")
        #expect(parameter(landscape) { $0.time = -1 } == "translate.time")
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("a landscape: the grid table and its rows on request")
    func landscape() throws {
        var request = TranslateRequest()
        request.to = .hamiltonian
        request.includeTable = true
        let solution = try Problem.load("double-well", seed: 1).translate(request)
        guard case .grid(let report, let table) = solution.result else {
            Issue.record("not a grid translation")
            return
        }
        #expect(report.rows?.count == report.nodes && table.columns == report.columns && report.columns.last == "V")
    }
}
