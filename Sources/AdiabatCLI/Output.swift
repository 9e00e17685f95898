import Bridge
import Foundation

/// Writing results: one JSON object (sorted keys) or human-readable text.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        emit(try encodeJSON(value))
    }

    /// The JSON object `json(_:)` prints, without printing it: commands that also write files
    /// encode first, so a result that cannot be written fails before any file is touched.
    /// One key policy for every `--json` object: property names in snake case
    /// (`groundStateProbability` → `ground_state_probability`); a type spells a key itself
    /// only where it differs from that (`CodingKeys`); dictionary keys are written as they are.
    static func encodeJSON<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw CommandFailure(message: "the result contains a non-finite number and cannot be written as JSON (\(error))")
        }
        return data
    }

    /// Prints an encoded JSON object and its newline on stdout.
    static func emit(_ data: Data) {
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func line(_ text: String) {
        print(text)
    }

    /// One `warning: …` line on stderr (a deprecated spelling, say); stdout stays one JSON object.
    static func warning(_ text: String) {
        FileHandle.standardError.write(Data("warning: \(text)\n".utf8))
    }

    /// Progress on stderr, only when stderr is a terminal.
    static func progress(_ text: String) {
        guard isatty(2) != 0 else { return }
        FileHandle.standardError.write(Data("\r\(text)\u{1B}[K".utf8))
    }

    /// A line on stderr before a long run starts (only when stderr is a terminal).
    static func announce(seconds: Double, summary: String) {
        guard isatty(2) != 0 else { return }
        let time = seconds < 90 ? String(format: "%.0f s", seconds) : String(format: "%.0f min", seconds / 60)
        FileHandle.standardError.write(Data("estimated \(time) on one core (\(summary))\n".utf8))
    }

    static func endProgress() {
        guard isatty(2) != 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// Checks, before any work, that `path`'s folder exists (so a long run does not end in an
    /// unwritable output).
    static func checkWritable(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure(message: "cannot write \(path): directory \(directory.path) does not exist", exitCode: 1)
        }
    }

    /// Writes `data` to `path` through the library's writer (`OutputFile.write`): atomically for
    /// a regular file or a new path, directly for a device or FIFO; errors in plain words.
    static func writeAtomically(_ data: Data, to path: String) throws {
        try OutputFile.write(data, to: URL(fileURLWithPath: path))
    }
}
