import AdiabatCore
import Foundation
import Glibc

/// A resumable store for the cells of a long sweep.
///
/// **Format.** One line per finished cell:
///
///     {"sum":"<16 hex digits>","cell":{"key":…,"value":…}}
///
/// where `sum` is the FNV-1a 64-bit hash of the exact bytes of the `cell` object. A line whose
/// sum does not match (a flipped bit), that does not decode, or that is torn (no final newline:
/// a write interrupted by a kill or a full disk) is dropped with a `warning:` and its cell is
/// computed again. Lines of the older format `{"key":…,"value":…}` (no sum) are read as legacy:
/// kept only if they decode and hold no key the value type does not know (a bit flip in a key
/// name is caught), and rewritten with sums.
///
/// **One writer.** Opening a store takes an exclusive `flock(2)` on `<file>.lock` beside it and
/// writes the holder's pid, host and start time there; a second store on the same file (another
/// process, or another handle in this one) fails at once with an error naming the holder. The
/// kernel drops the lock when the holder exits, however it exits. A later sharded layout (one
/// cell file per writer) keeps this shape: one lock per file.
///
/// **Appends.** ``record(_:for:)`` writes each line with one `write(2)` on an `O_APPEND`
/// descriptor (a second one only after a short write, to learn why), checks that every byte
/// went out and that the file grew by exactly the line,
/// and flushes it (`fdatasync`). A failed or short write is cut back off the file and thrown:
/// a full disk stops the sweep instead of computing cells that are never stored.
///
/// Keys should encode every parameter of the cell (problem, schedule, method, size, seed) so a
/// changed sweep does not reuse stale cells.
public final class CellStore<Value: Codable & Sendable>: @unchecked Sendable {
    public let url: URL
    /// The lock file: `<url>.lock`.
    public let lockURL: URL
    private var values: [String: Value] = [:]
    private let lock = NSLock()
    private var fd: Int32 = -1
    private var lockFD: Int32 = -1
    private var size: off_t = 0

    private struct Line: Codable {
        var key: String
        var value: Value
    }

    /// Opens (or creates) the store at `url`, takes its lock and loads the cells already
    /// finished. `fresh` discards them (under the lock). `warn` receives every warning
    /// (dropped lines, legacy lines rewritten).
    public init(url: URL, fresh: Bool = false, warn: (String) -> Void = Warning.standardError) throws {
        self.url = url
        self.lockURL = url.appendingPathExtension("lock")
        try takeLock()
        do {
            try load(fresh: fresh, warn: warn)
            fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
            guard fd >= 0 else {
                throw FileErrno.error(errno, path: url.path, reading: false, what: "cell store")
            }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw FileErrno.error(errno, path: url.path, reading: false, what: "cell store") }
            size = info.st_size
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Releases the lock and closes the file (also done when the store is released).
    public func close() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 {
            _ = Glibc.close(fd)
            fd = -1
        }
        if lockFD >= 0 {
            _ = ftruncate(lockFD, 0)
            _ = flock(lockFD, LOCK_UN)
            _ = Glibc.close(lockFD)
            lockFD = -1
        }
    }

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

    /// Records a finished cell (thread-safe): one checked append, flushed to disk. Throws an
    /// `InputError` naming the cause (e.g. no space left on the device); the file is then as
    /// it was before the call.
    public func record(_ value: Value, for key: String) throws {
        let data = try Self.encodeLine(key: key, value: value)
        lock.lock()
        defer { lock.unlock() }
        guard fd >= 0 else { throw InputError(url.path, "the cell store is closed") }
        let before = size
        // One write(2) of the whole line. A short write (the disk filled up mid-line) is
        // followed by a write of the rest, which either completes the line or reports why not.
        var written = 0
        var code: Int32 = 0
        while written < data.count {
            let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                code = n < 0 ? errno : ENOSPC
                break
            }
            written += n
        }
        var info = stat()
        let grown = fstat(fd, &info) == 0 ? info.st_size : -1
        guard written == data.count, grown == before + off_t(data.count) else {
            // Cut a partial line back off, so the file ends on a whole line.
            if grown > before { _ = ftruncate(fd, before) }
            let cause =
                written < data.count
                ? FileErrno.words(code) + (written > 0 ? " (\(written) of \(data.count) bytes written, cut back)" : "")
                : "the file changed size during the append (another writer?)"
            throw InputError(url.path, "cannot store a finished cell: \(cause)", hint: "free space or choose another folder")
        }
        guard fdatasync(fd) == 0 else {
            let e = errno
            _ = ftruncate(fd, before)
            throw InputError(url.path, "cannot store a finished cell: flushing it to disk failed (\(FileErrno.words(e)))")
        }
        size = before + off_t(data.count)
        values[key] = value
    }

    // MARK: format

    static var prefix: [UInt8] { Array(#"{"sum":""#.utf8) }
    static var middle: [UInt8] { Array(#"","cell":"#.utf8) }

    /// FNV-1a, 64 bits: any change of a single byte changes it.
    static func checksum(_ bytes: some Collection<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    static func hex(_ v: UInt64) -> [UInt8] {
        let s = String(v, radix: 16)
        return Array((String(repeating: "0", count: 16 - s.count) + s).utf8)
    }

    /// The line for one cell, with its newline.
    static func encodeLine(key: String, value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let cell = try encoder.encode(Line(key: key, value: value))
        var line = Data(prefix)
        line.append(contentsOf: hex(checksum(cell)))
        line.append(contentsOf: middle)
        line.append(cell)
        line.append(contentsOf: Array("}\n".utf8))
        return line
    }

    private enum Parsed {
        case cell(String, Value)
        case legacy(String, Value)
        case bad(String)
    }

    /// One line without its newline.
    private static func parse(_ line: ArraySlice<UInt8>) -> Parsed {
        let decoder = JSONDecoder()
        let bytes = Array(line)
        let head = prefix.count + 16 + middle.count
        if bytes.starts(with: prefix) {
            guard bytes.count > head + 1, Array(bytes[(prefix.count + 16)..<head]) == middle, bytes.last == UInt8(ascii: "}")
            else { return .bad("malformed") }
            let sum = String(decoding: bytes[prefix.count..<(prefix.count + 16)], as: UTF8.self)
            let cell = bytes[head..<(bytes.count - 1)]
            guard UInt64(sum, radix: 16) == checksum(cell) else { return .bad("checksum mismatch") }
            guard let entry = try? decoder.decode(Line.self, from: Data(cell)) else { return .bad("does not decode") }
            return .cell(entry.key, entry.value)
        }
        // Legacy line (no checksum): it must decode and hold no key the value type drops.
        guard let entry = try? decoder.decode(Line.self, from: Data(bytes)) else { return .bad("does not decode") }
        guard let original = try? JSONSerialization.jsonObject(with: Data(bytes)),
            let again = try? JSONEncoder().encode(entry), let canonical = try? JSONSerialization.jsonObject(with: again),
            keyPaths(original) == keyPaths(canonical)
        else { return .bad("holds unknown keys") }
        return .legacy(entry.key, entry.value)
    }

    /// Every key path of a JSON object tree (`value.tv`, …).
    private static func keyPaths(_ object: Any, _ prefix: String = "") -> Set<String> {
        var out: Set<String> = []
        if let d = object as? [String: Any] {
            for (k, v) in d {
                out.insert(prefix + k)
                out.formUnion(keyPaths(v, prefix + k + "."))
            }
        } else if let a = object as? [Any] {
            for v in a { out.formUnion(keyPaths(v, prefix + "[].")) }
        }
        return out
    }

    // MARK: opening

    private func takeLock() throws {
        lockFD = open(lockURL.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard lockFD >= 0 else {
            let e = errno
            throw InputError(
                url.deletingLastPathComponent().path,
                "cannot create the lock file \(lockURL.lastPathComponent): \(FileErrno.words(e))")
        }
        while flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            if e == EINTR { continue }
            // The holder writes its line just after taking the lock: give it a moment.
            var holder = ""
            for _ in 0..<50 {
                holder = ((try? InputFile.readText(lockURL, limit: 4096, what: "lock file")) ?? "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                if !holder.isEmpty || e != EWOULDBLOCK { break }
                usleep(10_000)
            }
            _ = Glibc.close(lockFD)
            lockFD = -1
            if e == EWOULDBLOCK {
                throw InputError(
                    url.deletingLastPathComponent().path,
                    "is in use: another run holds the lock on \(url.lastPathComponent)"
                        + (holder.isEmpty ? "" : " (\(holder))"),
                    hint: "wait for it to finish, or give this run another folder")
            }
            throw InputError(lockURL.path, "cannot lock the cell store: \(FileErrno.words(e))")
        }
        var host = [CChar](repeating: 0, count: 256)
        _ = gethostname(&host, host.count - 1)
        let stamp = ISO8601DateFormatter().string(from: Date())
        let text =
            "pid \(getpid()) on host \(String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)), since \(stamp)\n"
        _ = pwrite(lockFD, text, text.utf8.count, 0)
        _ = ftruncate(lockFD, off_t(text.utf8.count))
    }

    private func load(fresh: Bool, warn: (String) -> Void) throws {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileErrno.error(errno, path: path, reading: true, what: "cell store")
        }
        if fresh {
            guard truncate(path, 0) == 0 else { throw FileErrno.error(errno, path: path, reading: false, what: "cell store") }
            return
        }
        let data = [UInt8](try InputFile.read(url, limit: 1 << 30, what: "cell store"))
        var kept: [(String, Value)] = []
        var rewrite = false
        var bad: [Int] = []
        var legacy = 0
        var start = 0
        var number = 0
        while start < data.count {
            number += 1
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n"))
            let line = data[start..<(end ?? data.count)]
            defer { start = (end ?? data.count) + 1 }
            guard end != nil else {
                warn(
                    "\(path): line \(number) is torn (an interrupted write, \(line.count) bytes); discarded, its cell will be recomputed"
                )
                rewrite = true
                continue
            }
            if line.isEmpty {
                rewrite = true
                continue
            }
            switch Self.parse(line) {
            case .cell(let k, let v): kept.append((k, v))
            case .legacy(let k, let v):
                kept.append((k, v))
                legacy += 1
                rewrite = true
            case .bad:
                bad.append(number)
                rewrite = true
            }
        }
        if !bad.isEmpty {
            let list = bad.prefix(8).map(String.init).joined(separator: ", ") + (bad.count > 8 ? ", …" : "")
            warn(
                "\(path): \(bad.count) stored cell\(bad.count == 1 ? "" : "s") failed the checksum or schema check (line\(bad.count == 1 ? "" : "s") \(list)); discarded, \(bad.count == 1 ? "it" : "they") will be recomputed"
            )
        }
        if legacy > 0 {
            warn(
                "\(path): \(legacy) cell\(legacy == 1 ? "" : "s") in the older format without checksums; checked and rewritten with checksums"
            )
        }
        for (k, v) in kept { values[k] = v }
        guard rewrite else { return }
        var out = Data()
        for (k, v) in kept { out.append(try Self.encodeLine(key: k, value: v)) }
        try OutputFile.write(out, to: url)
    }
}

/// Warnings for the user.
public enum Warning {
    /// Writes `message` as one `warning: …` line on stderr.
    public static func standardError(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }
}
