import AdiabatCore
import Foundation

/// Writing result files (docs/data-out.md): every file is checked before any work (its folder
/// exists and is writable, its suffix is one the command can write) and then written
/// atomically: a temporary file in the same folder, renamed into place when complete, so a file
/// is complete or absent. Errors name the request's parameter (`sample.output`), which the
/// command line maps to its flag.
public enum DataFile {
    /// The lowercased suffix of `path` (without the dot).
    public static func suffix(of path: String) -> String {
        URL(fileURLWithPath: path).pathExtension.lowercased()
    }

    /// Checks, before any work, that `path` can be written: a file name, a suffix in
    /// `suffixes`, a folder that exists and is writable. Returns the suffix.
    @discardableResult
    public static func check(_ path: String, parameter: String, suffixes: [String]) throws -> String {
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw InputError(parameter, "needs a file name (got '\(path)')")
        }
        let ext = suffix(of: path)
        guard suffixes.contains(ext) else {
            throw InputError(
                parameter, "cannot write a '\(ext.isEmpty ? "(no suffix)" : "." + ext)' file (\(path))",
                hint: "use one of: \(suffixes.map { "." + $0 }.joined(separator: ", "))")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(
                parameter, "cannot write \(path): the folder \(directory.path) does not exist", hint: "create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory.path) else {
            throw InputError(parameter, "cannot write \(path): the folder \(directory.path) is not writable")
        }
        return ext
    }

    /// Writes `data` to `path` as ``write(_:parameter:)`` does (atomically for a regular file;
    /// never renamed over a device). On failure nothing is left behind and the error names
    /// `parameter`.
    public static func write(_ data: Data, to path: String, parameter: String) throws {
        try write([(path, data)], parameter: parameter)
    }

    /// Writes several files together through ``AdiabatCore/OutputFile``: every regular file or
    /// new path to a temporary beside it first, all renamed into place only when all are
    /// complete; an existing device or FIFO written directly, never renamed over. A failure
    /// names the parameter.
    public static func write(_ files: [(path: String, data: Data)], parameter: String) throws {
        do {
            try OutputFile.writeTogether(files.map { (URL(fileURLWithPath: $0.path), $0.data) })
        } catch let e as InputError {
            throw InputError(parameter, e.description)
        }
    }

    /// Writes a `.npy` array and its companion JSON (``companion(of:)``) together, through one
    /// ``AdiabatCore/OutputFile/writeTogether(_:)``: both files are complete, or neither is there.
    public static func writeArray(_ array: Data, companion: Data, to path: String, parameter: String) throws {
        try write([(path, array), (self.companion(of: path), companion)], parameter: parameter)
    }

    /// ``writeArray(_:companion:to:parameter:)`` with the companion as a JSON object.
    public static func writeArray(_ array: Data, companion: [String: Any], to path: String, parameter: String) throws {
        try writeArray(array, companion: try json(companion), to: path, parameter: parameter)
    }

    /// The companion JSON of a `.npy` file: the same path with `.json` appended
    /// (`psi.npy` → `psi.npy.json`), which never collides with another output.
    public static func companion(of path: String) -> String { path + ".json" }

    /// Pretty-printed JSON with sorted keys (numbers as numbers), ending in a newline.
    /// Every double reads back exactly (``AdiabatCore/JSONText``).
    public static func json(_ object: Any) throws -> Data {
        try JSONText.encode(object)
    }

    /// Refuses an array of `bytes` bytes above `limit` before any work, saying its size.
    public static func checkSize(_ bytes: Int, limit: Int = 1 << 31, parameter: String, what: String) throws {
        guard bytes <= limit else {
            throw InputError(
                parameter,
                "\(what) would take \(byteCount(bytes)), above the \(byteCount(limit)) a saved array may take",
                hint: "save fewer qubits, fewer trajectory times or a coarser grid")
        }
    }

    /// `1.5 GiB`, `3.0 MiB`, `512 B`.
    public static func byteCount(_ bytes: Int) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f ", value) + units[unit]
    }
}
