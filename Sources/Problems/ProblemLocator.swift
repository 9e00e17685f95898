import AdiabatCore
import Foundation

/// The two kinds of problem (ARCHITECTURE.md).
public enum ProblemKind: String, Sendable, Codable, CaseIterable {
    /// A continuous density on a grid (TOML `kind = "landscape"`).
    case landscape
    /// An Ising/QUBO problem on a qubit register (TOML `kind = "annealing"`, or a dimod
    /// `.coo` / BQM `.json` / qbsolv `.qubo` file).
    case annealing
}

/// A problem file found on disk, with its kind.
public struct ProblemLocation: Sendable, Equatable {
    public var url: URL
    public var kind: ProblemKind
    /// The file name without its extension.
    public var name: String { url.deletingPathExtension().lastPathComponent }
}

/// Turns a PROBLEM argument into a file: a path, or the name of a bundled problem.
///
/// Bundled problems are looked up, in order, in `$ADIABAT_PROBLEMS`, `./problems`, and the
/// `problems/` folder of the source tree the running `adiabat` was built in (found by
/// walking up from the executable to a folder holding `Package.swift` and `problems/`).
public enum ProblemLocator {
    /// File extensions read as annealing problems directly.
    public static let annealingExtensions = ["coo", "json", "qubo"]

    /// The folders searched for bundled problems (existing ones only).
    public static func bundledDirectories() -> [URL] {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["ADIABAT_PROBLEMS"], !env.isEmpty {
            candidates.append(URL(fileURLWithPath: env))
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("problems"))
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0..<6 {
            let problems = folder.appendingPathComponent("problems")
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
                FileManager.default.fileExists(atPath: problems.path)
            {
                candidates.append(problems)
                break
            }
            folder = folder.deletingLastPathComponent()
        }
        var seen = Set<String>()
        return candidates.filter { url in
            var isDirectory: ObjCBool = false
            let path = url.standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
                !seen.contains(path)
            else { return false }
            seen.insert(path)
            return true
        }
    }

    /// Resolves `argument` (a path, or a bundled name with or without extension) and reads the
    /// file's kind.
    public static func locate(_ argument: String) throws -> ProblemLocation {
        let url = try resolve(argument)
        return ProblemLocation(url: url, kind: try kind(of: url))
    }

    /// The file `argument` names (a path, or a bundled name with or without extension), without
    /// reading it.
    public static func resolve(_ argument: String) throws -> URL {
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw InputError("PROBLEM", "is empty", hint: "give a problem file or a bundled name (see 'adiabat problems')")
        }
        let direct = URL(fileURLWithPath: trimmed)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: direct.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw InputError(trimmed, "is a directory, not a problem file") }
            return direct
        }
        if !trimmed.contains("/") {
            for folder in bundledDirectories() {
                for candidate in [trimmed, "\(trimmed).toml"] + annealingExtensions.map({ "\(trimmed).\($0)" }) {
                    let url = folder.appendingPathComponent(candidate)
                    if FileManager.default.fileExists(atPath: url.path) { return url }
                }
            }
        }
        let names = catalog().map(\.name)
        let suggestion = names.isEmpty ? "no bundled problems were found" : "bundled problems: \(names.joined(separator: ", "))"
        throw InputError(trimmed, "no such problem file or bundled problem", hint: suggestion)
    }

    /// The kind of a problem file: from its extension, or from the TOML `kind` key.
    public static func kind(of url: URL) throws -> ProblemKind {
        let ext = url.pathExtension.lowercased()
        if annealingExtensions.contains(ext) { return .annealing }
        guard ext == "toml" else {
            throw InputError(
                url.path, "unknown problem file type '.\(ext)'",
                hint: "use a TOML problem file (.toml) or a dimod .coo / BQM .json / qbsolv .qubo file")
        }
        return try kind(of: try TOMLSection.load(contentsOf: url))
    }

    /// The kind a parsed TOML problem file declares (`kind = "landscape"` or `"annealing"`).
    public static func kind(of root: TOMLSection) throws -> ProblemKind {
        guard let text = try root.string("kind") else {
            throw InputError(root.location(), "missing key 'kind'", hint: "set kind = \"landscape\" or kind = \"annealing\"")
        }
        guard let kind = ProblemKind(rawValue: text) else {
            throw root.error("kind", "is \"\(text)\"; expected \"landscape\" or \"annealing\"")
        }
        return kind
    }

    /// Every bundled problem (TOML files first folder wins on name clashes), sorted by name.
    /// Files that cannot be classified are skipped.
    public static func catalog() -> [ProblemLocation] {
        var found: [String: ProblemLocation] = [:]
        for folder in bundledDirectories() {
            let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
            for url in files where ["toml"].contains(url.pathExtension.lowercased()) {
                let name = url.deletingPathExtension().lastPathComponent
                if found[name] == nil, let kind = try? kind(of: url) {
                    found[name] = ProblemLocation(url: url, kind: kind)
                }
            }
        }
        return found.values.sorted { $0.name < $1.name }
    }
}
