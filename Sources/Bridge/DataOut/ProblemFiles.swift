import AdiabatCore
import Foundation
import Problems
import Quantum

/// An annealing problem's model written back in the formats it can be read from
/// (docs/data-out.md#problems): dimod BQM JSON (`.json`, `bqm_schema` 3.0.0, the problem's own
/// labels, vartype and offset; `dimod.BinaryQuadraticModel.from_serializable` reads it), dimod
/// COO (`.coo`, with a `# vartype=` header; integer labels only) or qbsolv `.qubo`.
public enum ProblemFiles {
    public static let suffixes = ["json", "coo", "qubo"]

    /// The bytes of `spec`'s model in the format of `path`'s suffix.
    public static func encode(_ spec: AnnealingSpec, as suffix: String, parameter: String) throws -> Data {
        guard spec.diagonalTerms.isEmpty else {
            throw InputError(
                parameter, "'\(spec.name)' is a search problem (an oracle on basis states), not a quadratic model",
                hint: "write an Ising or QUBO problem")
        }
        let model = spec.model
        do {
            switch suffix {
            case "json": return Data(try AnnealingFormats.writeJSON(model).utf8)
            case "coo": return Data(try AnnealingFormats.writeCOO(model).utf8)
            default: return Data(try AnnealingFormats.writeQUBO(model).utf8)
            }
        } catch let e as InputError {
            throw InputError(parameter, e.message, hint: e.hint)
        }
    }

    /// Writes `spec`'s model to `path` (checked first; atomically).
    public static func write(_ spec: AnnealingSpec, to path: String, parameter: String = "translate.output") throws {
        let suffix = try DataFile.check(path, parameter: parameter, suffixes: suffixes)
        try DataFile.write(try encode(spec, as: suffix, parameter: parameter), to: path, parameter: parameter)
    }
}
