import AdiabatCore
import Foundation
import Problems
import Testing

/// A misspelt table header must be named as such, on its own line, with the tables that are
/// allowed, before the reader notices that a required table is missing (issue 22: `[landscap]`
/// was reported as "missing table [landscape]" on line 1).
@Suite("Unknown tables in problem files")
struct UnknownTableTests {
    @Test("landscape file: [landscap] is an unknown table at its line, listing the allowed tables")
    func landscapeTypo() {
        let text = minimal.replacingOccurrences(of: "[landscape]", with: "[landscap]")
        #expect(
            problemError(text)
                == "/tmp/test.toml:4: unknown table [landscap]; allowed tables: [landscape], [grid], [diffusion]")
        // An optional table misspelt, and a misspelt table before a good one: the first by line.
        let diffusion = minimal + "\n\n[diffusoin]\nt_max = 2.0\n"
        #expect(problemError(diffusion)?.hasPrefix("/tmp/test.toml:14: unknown table [diffusoin]; allowed tables:") == true)
        let two = minimal.replacingOccurrences(of: "[grid]", with: "[gird]") + "\n[extra]\nx = 1\n"
        #expect(problemError(two)?.hasPrefix("/tmp/test.toml:9: unknown table [gird];") == true, "\(problemError(two) ?? "")")
        // A table that is really missing is still reported as missing.
        let missing = minimal.components(separatedBy: "[grid]")[0]
        #expect(problemError(missing)?.contains("missing table [grid]") == true)
    }

    @Test("annealing file: [problme] is an unknown table at its line, listing the allowed tables")
    func annealingTypo() throws {
        let url = try temporaryFile("typo.toml", "kind = \"annealing\"\n\n[problme]\nh = [0.5]\n[schedule]\ntype = \"linear\"\n")
        expectInputError(line: 3, containing: "unknown table [problme]; allowed tables: [problem], [schedule]") {
            _ = try AnnealingSpec.load(url)
        }
    }
}
