import Foundation

/// A resumable store for the cells of a long sweep.
///
/// Each finished cell is appended as one JSON line (`{"key": …, "value": …}`) to a file and
/// flushed, so an interrupted sweep loses at most the cells in flight. On the next run the
/// store loads the file, and ``value(for:)`` returns the finished cells, which the sweep
/// skips. A torn last line (from a kill mid-write) is ignored. Keys should encode every
/// parameter of the cell (problem, schedule, method, size, seed) so a changed sweep does not
/// reuse stale cells.
public final class CellStore<Value: Codable & Sendable>: @unchecked Sendable {
    public let url: URL
    private var values: [String: Value] = [:]
    private let lock = NSLock()
    private let handle: FileHandle

    private struct Line: Codable {
        var key: String
        var value: Value
    }

    /// Opens (or creates) the store at `url`, loading the cells already finished.
    public init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) {
            let data = try Data(contentsOf: url)
            let decoder = JSONDecoder()
            var validLength = 0
            var offset = 0
            for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                defer { offset += line.count + 1 }
                guard !line.isEmpty, let entry = try? decoder.decode(Line.self, from: Data(line)) else { continue }
                values[entry.key] = entry.value
                validLength = min(offset + line.count + 1, data.count)
            }
            // Drop a torn trailing line so appends start on a clean line.
            if validLength < data.count {
                let kept = data.prefix(validLength)
                let fixed = kept.isEmpty || kept.last == UInt8(ascii: "\n") ? Data(kept) : Data(kept) + Data("\n".utf8)
                try fixed.write(to: url, options: .atomic)
            }
        } else {
            guard fm.createFile(atPath: url.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Number of finished cells.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return values.count
    }

    /// The finished value for `key`, if any.
    public func value(for key: String) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return values[key]
    }

    /// Records a finished cell (thread-safe) and flushes it to disk.
    public func record(_ value: Value, for key: String) throws {
        var data = try JSONEncoder().encode(Line(key: key, value: value))
        data.append(UInt8(ascii: "\n"))
        lock.lock()
        defer { lock.unlock() }
        values[key] = value
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}
