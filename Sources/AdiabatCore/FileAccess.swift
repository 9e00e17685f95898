import Foundation
import Glibc

/// Reading input files: every problem file, CSV table and stored cell file goes through
/// ``read(_:limit:what:)``.
///
/// Only regular files are read: a folder, a named pipe (FIFO), a device or a socket is refused
/// with an ``InputError`` that says which it is (reading `/dev/zero` would never end, a FIFO
/// would block). Files above `limit` bytes are refused with the limit in the message. System
/// errors are named in plain words ("does not exist", "permission denied"), never as a
/// Foundation error code.
public enum InputFile {
    /// The default size limit for an input file: 256 MiB.
    public static let defaultLimit = 256 << 20

    /// The bytes of the regular file at `url`. `what` names the file in errors
    /// ("schedule table", "problem file").
    public static func read(_ url: URL, limit: Int = defaultLimit, what: String = "input file") throws -> Data {
        let path = url.path
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileErrno.error(errno, path: path, reading: true, what: what) }
        try requireRegular(info, path: path, what: what)
        // O_NONBLOCK: if the path was swapped for a FIFO since the stat, open does not hang.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileErrno.error(errno, path: path, reading: true, what: what) }
        defer { _ = close(fd) }
        guard fstat(fd, &info) == 0 else { throw FileErrno.error(errno, path: path, reading: true, what: what) }
        try requireRegular(info, path: path, what: what)
        try requireSize(Int(info.st_size), limit: limit, path: path, what: what)
        var data = Data()
        data.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileErrno.error(errno, path: path, reading: true, what: what)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            try requireSize(data.count, limit: limit, path: path, what: what)
        }
        return data
    }

    /// The UTF-8 text of the regular file at `url` (see ``read(_:limit:what:)``).
    public static func readText(_ url: URL, limit: Int = defaultLimit, what: String = "input file") throws -> String {
        let data = try read(url, limit: limit, what: what)
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(url.path, "the \(what) is not UTF-8 text", hint: "save it as UTF-8 (plain text)")
        }
        return text
    }

    static func requireRegular(_ info: stat, path: String, what: String) throws {
        let type = info.st_mode & S_IFMT
        guard type != S_IFREG else { return }
        throw InputError(
            path, "is \(FileErrno.kind(type)), not a regular file; the \(what) must be a regular file",
            hint: type == S_IFDIR ? "name a file inside the folder" : "copy the data into a file first")
    }

    static func requireSize(_ size: Int, limit: Int, path: String, what: String) throws {
        guard size > limit else { return }
        throw InputError(
            path, "the \(what) is larger than the \(FileErrno.bytes(limit)) limit for input files (\(FileErrno.bytes(size)))")
    }
}

/// Writing output files: every result file goes through ``write(_:to:)`` or
/// ``writeTogether(_:)``.
///
/// - A new path or an existing regular file is written atomically: a temporary file in the
///   same folder, flushed to disk, then renamed into place, so the file is complete or absent
///   (an existing file is left untouched on failure).
/// - An existing character device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written
///   directly: it is never renamed over.
/// - A folder, block device or socket is refused.
/// - A symbolic link is followed: its target is written, the link stays.
///
/// Failures are ``InputError``s naming the cause in plain words (the folder does not exist,
/// no permission to write in it, no space left on the device).
public enum OutputFile {
    /// Writes `data` to `url` (see the type's description).
    public static func write(_ data: Data, to url: URL) throws {
        try writeTogether([(url, data)])
    }

    /// Writes several files so that either all regular files are replaced or none is: every
    /// temporary file is written first, and only when all are complete are they renamed into
    /// place. Special files (devices, FIFOs) are written last, directly.
    public static func writeTogether(_ files: [(URL, Data)]) throws {
        var staged: [(temporary: String, target: String)] = []
        var direct: [(String, Data)] = []
        do {
            for (url, data) in files {
                let target = resolve(url.path)
                var info = stat()
                if stat(target, &info) == 0 {
                    let type = info.st_mode & S_IFMT
                    if type == S_IFCHR || type == S_IFIFO {
                        direct.append((target, data))
                        continue
                    }
                    guard type == S_IFREG else {
                        throw InputError(url.path, "is \(FileErrno.kind(type)); cannot write an output file there")
                    }
                    staged.append((try stage(data, for: target, mode: info.st_mode & 0o7777), target))
                } else if errno == ENOENT {
                    staged.append((try stage(data, for: target, mode: nil), target))
                } else {
                    throw FileErrno.error(errno, path: url.path, reading: false, what: "output file")
                }
            }
            while let (temporary, target) = staged.first {
                guard rename(temporary, target) == 0 else {
                    throw FileErrno.error(errno, path: target, reading: false, what: "output file")
                }
                staged.removeFirst()
            }
        } catch {
            for (temporary, _) in staged { unlink(temporary) }
            throw error
        }
        for (target, data) in direct { try writeDirectly(data, to: target) }
    }

    /// Creates the folder `url` and its parents if needed, with plain-word errors.
    public static func createFolder(_ url: URL) throws {
        let path = url.standardizedFileURL.path
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            var info = stat()
            if stat(prefix, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else {
                    throw InputError(url.path, "cannot create the folder: \(prefix) is \(FileErrno.kind(info.st_mode & S_IFMT))")
                }
                continue
            }
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                throw InputError(url.path, "cannot create the folder: \(FileErrno.words(errno)) (at \(prefix))")
            }
        }
    }

    /// The path a write lands on: a symbolic link's target (the link itself stays).
    static func resolve(_ path: String) -> String {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK, let real = realpath(path, nil) else { return path }
        defer { free(real) }
        return String(cString: real)
    }

    /// Writes `data` to a new temporary file beside `target`, flushed to disk; returns its path.
    static func stage(_ data: Data, for target: String, mode: mode_t?) throws -> String {
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        var info = stat()
        guard stat(folder, &info) == 0 else {
            let e = errno
            if e == ENOENT { throw InputError(target, "cannot write: the folder \(folder) does not exist") }
            throw InputError(target, "cannot write: \(FileErrno.words(e)) (folder \(folder))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw InputError(target, "cannot write: \(folder) is \(FileErrno.kind(info.st_mode & S_IFMT)), not a folder")
        }
        let temporary = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            let e = errno
            if e == EACCES || e == EPERM {
                throw InputError(target, "cannot write: no permission to create files in the folder \(folder)")
            }
            throw InputError(target, "cannot write: \(FileErrno.words(e)) (folder \(folder))")
        }
        do {
            if let mode { _ = fchmod(fd, mode) }
            try writeAll(fd, data, path: target)
            guard fsync(fd) == 0 else { throw FileErrno.error(errno, path: target, reading: false, what: "output file") }
            let status = close(fd)
            guard status == 0 else { throw FileErrno.error(errno, path: target, reading: false, what: "output file") }
        } catch {
            _ = close(fd)
            unlink(temporary)
            throw error
        }
        return temporary
    }

    /// Writes to an existing device or FIFO without renaming anything.
    static func writeDirectly(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileErrno.error(errno, path: path, reading: false, what: "output file") }
        defer { _ = close(fd) }
        try writeAll(fd, data, path: path)
    }

    /// `write(2)` until every byte is out; any failure (a full disk, an I/O error) throws.
    public static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileErrno.error(errno, path: path, reading: false, what: "output file")
                }
                guard n > 0 else { throw InputError(path, "cannot write: the device accepted no data") }
                offset += n
            }
        }
    }
}

/// System errors in plain words.
public enum FileErrno {
    /// `errno` as a short phrase ("no space left on the device").
    public static func words(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "it does not exist"
        case EACCES, EPERM: return "permission denied"
        case EISDIR: return "it is a folder"
        case ENOTDIR: return "a part of the path is not a folder"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "the disk quota is exceeded"
        case EROFS: return "the file system is read-only"
        case EFBIG: return "the file is too large for this system's limit"
        case EIO: return "the device reported an input/output error"
        case ENAMETOOLONG: return "the path is too long"
        case ELOOP: return "too many symbolic links (a link loop?)"
        case ENXIO: return "no process is reading the named pipe or the device is absent"
        case EPIPE: return "the reader of the pipe went away"
        case EMFILE, ENFILE: return "too many open files"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// An ``InputError`` for `code` at `path`.
    public static func error(_ code: Int32, path: String, reading: Bool, what: String) -> InputError {
        if code == ENOENT {
            return reading
                ? InputError(path, "the \(what) does not exist", hint: "check the path")
                : InputError(path, "cannot write: the folder does not exist")
        }
        return InputError(path, "cannot \(reading ? "read" : "write") the \(what): \(words(code))")
    }

    /// What kind of file `type` (`st_mode & S_IFMT`) is, with its article.
    public static func kind(_ type: mode_t) -> String {
        switch type {
        case S_IFREG: return "a regular file"
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "a special file"
        }
    }

    static func bytes(_ n: Int) -> String {
        if n >= 1 << 30 { return String(format: "%.1f GiB", Double(n) / Double(1 << 30)) }
        if n >= 1 << 20 { return String(format: "%.0f MiB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return String(format: "%.0f KiB", Double(n) / Double(1 << 10)) }
        return "\(n) bytes"
    }
}
