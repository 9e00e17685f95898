import AdiabatCore
import Foundation
import Problems
import Quantum

/// An annealing problem file with its optional XX catalyst: the annealing reader's
/// ``Problems/AnnealingSpec`` plus a `[catalyst]` TOML section.
///
///     [catalyst]
///     couplings = [[0, 1, 0.5], [1, 2, -0.3]]   # [i, j, K]: + C(s) Σ Kᵢⱼ σxᵢσxⱼ
///     profile = "bump"                          # C(s) = 4s(1 − s) (default) | "points"
///     points = [[0.0, 0.0], [0.5, 1.0], [1.0, 0.0]]   # profile = "points": (s, C), s from 0 to 1
///     driver_weights = [1.0, 1.0, 1.0, 0.0]     # optional wᵢ: driver −A(s) Σ wᵢ σxᵢ
///
/// Indices refer to the model's variables in order (as `J` triples do).
public struct SpinProblem: Sendable {
    public var spec: AnnealingSpec
    public var catalyst: XXCatalyst?

    /// Reads a TOML problem file (`kind = "annealing"`, optional `[catalyst]`) or a `.coo` /
    /// `.json` / `.qubo` file.
    public static func load(_ url: URL) throws -> SpinProblem {
        guard url.pathExtension.lowercased() == "toml" else {
            return SpinProblem(spec: try AnnealingSpec.load(url), catalyst: nil)
        }
        return try parse(try TOMLSection.load(contentsOf: url), file: url)
    }

    /// Reads a parsed TOML problem file (`kind = "annealing"`, optional `[catalyst]`); `file`
    /// anchors relative paths.
    public static func parse(_ root: TOMLSection, file url: URL) throws -> SpinProblem {
        // Reading the section first marks `catalyst` as known, so the annealing reader's
        // check for unknown keys accepts it.
        let section = try root.section("catalyst")
        let spec = try AnnealingSpec.parse(root, directory: url.deletingLastPathComponent())
        guard let section else { return SpinProblem(spec: spec, catalyst: nil) }
        return SpinProblem(spec: spec, catalyst: try parseCatalyst(section, qubits: spec.model.variableCount))
    }

    static func parseCatalyst(_ section: TOMLSection, qubits n: Int) throws -> XXCatalyst {
        guard let rows = try section.doubleRows("couplings") else {
            throw InputError(section.location(), "[catalyst] needs couplings = [[i, j, K], …]")
        }
        var couplings: [Coupling] = []
        for (k, row) in rows.enumerated() {
            guard row.count == 3 else {
                throw section.error("couplings", "entry \(k + 1) must be [i, j, K] (got \(row.count) numbers)")
            }
            guard row[0] == row[0].rounded(), row[1] == row[1].rounded(), row[0] >= 0, row[1] >= 0, row[0] < Double(n),
                row[1] < Double(n)
            else {
                throw section.error(
                    "couplings", "entry \(k + 1): i and j must be variable indices 0…\(n - 1) (got \(row[0]), \(row[1]))")
            }
            guard row[0] != row[1] else {
                throw section.error("couplings", "entry \(k + 1) couples variable \(Int(row[0])) to itself")
            }
            couplings.append(Coupling(Int(row[0]), Int(row[1]), row[2]))
        }
        let profileName = try section.choice("profile", ["bump", "points"], default: "bump") ?? "bump"
        var profile = CatalystProfile.bump
        if profileName == "points" {
            guard let points = try section.doubleRows("points") else {
                throw section.error("profile", "is \"points\" but no points = [[s, C], …] are given")
            }
            if let i = points.firstIndex(where: { $0.count != 2 }) {
                throw section.error("points", "entry \(i + 1) must be an [s, C] pair")
            }
            profile = .table(s: points.map { $0[0] }, c: points.map { $0[1] })
        } else if section.has("points") {
            throw section.error("points", "needs profile = \"points\"")
        }
        let weights = try section.doubles("driver_weights")
        try section.finish()
        do {
            return try XXCatalyst(couplings: couplings, profile: profile, driverWeights: weights, qubits: n)
        } catch let e as InputError {
            throw InputError(section.location(), "\(e.location) \(e.message)", hint: e.hint)
        }
    }

    /// The path with its catalyst.
    public func annealing() throws -> CatalysedAnnealing {
        try CatalysedAnnealing(hamiltonian: try spec.hamiltonian(), catalyst: catalyst)
    }
}

extension SpinDistribution {
    /// Reads a law from a CSV file: either one weight per row, or a table with a header row
    /// whose column `p` holds the weights (e.g. the table `adiabat translate --output` writes).
    /// Rows are basis states `0…2ⁿ−1` in order; `#` comments and blank lines are skipped.
    public static func load(csv url: URL) throws -> SpinDistribution {
        let text = try InputFile.readText(url, what: "CSV file")
        return try parse(csv: text, file: url.path)
    }

    /// Parses the CSV of ``load(csv:)``; `file` names it in errors.
    public static func parse(csv text: String, file: String) throws -> SpinDistribution {
        var column: Int? = nil
        var weights: [Double] = []
        var sawHeader = false
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            if !sawHeader && weights.isEmpty && Double(cells[0]) == nil {
                guard let p = cells.firstIndex(of: "p") else {
                    throw InputError(
                        "\(file):\(number + 1)", "the header has no column named p",
                        hint: "name the weight column p, or give one number per row")
                }
                column = p
                sawHeader = true
                continue
            }
            let index = column ?? 0
            if column == nil && cells.count != 1 {
                throw InputError("\(file):\(number + 1)", "has \(cells.count) values; without a header each row holds one weight")
            }
            guard index < cells.count, let w = Double(cells[index]) else {
                throw InputError("\(file):\(number + 1)", "has no number in column \(index + 1)")
            }
            guard w.isFinite, w >= 0 else {
                throw InputError("\(file):\(number + 1)", "weight must be finite and ≥ 0 (got \(w))")
            }
            weights.append(w)
        }
        guard weights.count >= 2, weights.count & (weights.count - 1) == 0 else {
            throw InputError(file, "has \(weights.count) weights; a law on n spins needs 2ⁿ (one per basis state, in order)")
        }
        do {
            return try table(weights)
        } catch let e as InputError {
            throw InputError(file, "\(e.location) \(e.message)", hint: e.hint)
        }
    }
}
