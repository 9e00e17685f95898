import AdiabatCore
import Foundation

/// One line of `adiabat problems`.
public struct ProblemSummary: Sendable, Codable, Equatable {
    public var name: String
    public var kind: String
    /// The landscape's dimension (landscape problems).
    public var dimension: Int?
    /// The register size (annealing problems; filled in where the annealing reader is built).
    public var qubits: Int?
    /// The `[landscape] type` (landscape problems).
    public var type: String?
    /// The problem's one-line description, or what is wrong with the file.
    public var summary: String
    public var file: String
}

/// The bundled problems, summarised from their headers without building them (no samples
/// drawn, no scores fitted): fast, and a broken file shows up as one line instead of failing
/// the listing.
public enum ProblemCatalog {
    public static func summaries() -> [ProblemSummary] {
        ProblemLocator.catalog().map(summary(of:))
    }

    public static func summary(of location: ProblemLocation) -> ProblemSummary {
        var entry = ProblemSummary(
            name: location.name, kind: location.kind.rawValue, dimension: nil, qubits: nil, type: nil, summary: "",
            file: location.url.path)
        guard location.url.pathExtension.lowercased() == "toml" else {
            entry.summary = "\(location.url.pathExtension) annealing file"
            entry.qubits = try? AnnealingSpec.load(location.url).model.variableCount
            return entry
        }
        do {
            let root = try TOMLSection.load(contentsOf: location.url)
            if case .string(let name)? = root.table["name"]?.value { entry.name = name }
            if case .string(let text)? = root.table["description"]?.value { entry.summary = text }
            if location.kind == .landscape, case .table(let landscape)? = root.table["landscape"]?.value,
                case .table(let grid)? = root.table["grid"]?.value
            {
                if case .string(let type)? = landscape["type"]?.value { entry.type = type }
                if grid["r_max"] != nil {
                    entry.dimension = 3
                } else if case .array(let lower)? = grid["lower"]?.value {
                    entry.dimension = lower.count
                }
            }
        } catch {
            entry.summary = "unreadable: \(error)"
        }
        if location.kind == .annealing {
            do {
                entry.qubits = try AnnealingSpec.load(location.url).model.variableCount
            } catch {
                entry.summary = "unreadable: \(error)"
            }
        }
        return entry
    }
}
