import AdiabatCore
import Foundation
import Glibc
import TestSupport
import Testing

/// Device nodes are made in a test's scratch folder (`mknod`, as root), never taken from the
/// system's /dev.
extension ScratchFolder {
    /// A character device node `name` with the given numbers (1,3: null; 1,5: zero; 1,7: full).
    func device(_ name: String, major: UInt32, minor: UInt32) -> String? {
        let p = path(name)
        return mknod(p, S_IFCHR | 0o666, dev_t(major) << 8 | dev_t(minor)) == 0 ? p : nil
    }

    func fifo(_ name: String) -> String? {
        let p = path(name)
        return mkfifo(p, 0o666) == 0 ? p : nil
    }
}

/// Bytes a reader thread received.
final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ b: ArraySlice<UInt8>) {
        lock.lock()
        bytes += b
        lock.unlock()
    }
    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

func fileType(_ path: String) -> mode_t {
    var info = stat()
    return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
}

func message(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch let e as InputError {
        return e.description
    } catch {
        return "not an InputError: \(error)"
    }
}

@Suite("Reading and writing files")
struct FileAccessTests {
    @Test("inputs must be regular files: folders, FIFOs and devices are refused by name, without blocking")
    func inputKinds() throws {
        let s = try ScratchFolder()
        try FileManager.default.createDirectory(atPath: s.path("table.csv"), withIntermediateDirectories: false)
        let folder = message { _ = try InputFile.read(URL(fileURLWithPath: s.path("table.csv")), what: "schedule table") }
        #expect(folder?.contains("is a folder, not a regular file") == true, "\(folder ?? "")")
        #expect(folder?.contains("NSCocoaErrorDomain") == false)
        let fifo = try #require(s.fifo("problem.toml"))
        let piped = message { _ = try InputFile.read(URL(fileURLWithPath: fifo)) }
        #expect(piped?.contains("named pipe (FIFO)") == true, "\(piped ?? "")")
        let zero = try #require(s.device("zero.toml", major: 1, minor: 5), "mknod needs root")
        let device = message { _ = try InputFile.read(URL(fileURLWithPath: zero)) }
        #expect(device?.contains("character device") == true, "\(device ?? "")")
        #expect(device?.contains("permission") == false)
        let missing = message { _ = try InputFile.read(URL(fileURLWithPath: s.path("nope.toml")), what: "problem file") }
        #expect(missing?.contains("the problem file does not exist") == true, "\(missing ?? "")")
    }

    @Test("inputs above the size limit are refused with the limit in the message; text must be UTF-8")
    func inputLimits() throws {
        let s = try ScratchFolder()
        let url = URL(fileURLWithPath: s.path("big.csv"))
        try Data(repeating: 65, count: 3000).write(to: url)
        #expect(try InputFile.read(url, limit: 3000).count == 3000)
        let big = message { _ = try InputFile.read(url, limit: 2048, what: "CSV table") }
        #expect(big?.contains("larger than the 2 KiB limit for input files") == true, "\(big ?? "")")
        try Data([0xff, 0xfe, 0x41]).write(to: url)
        let bad = message { _ = try InputFile.readText(url) }
        #expect(bad?.contains("not UTF-8 text") == true)
    }

    @Test("outputs: devices and FIFOs are written in place, never replaced by a regular file")
    func specialOutputs() throws {
        let s = try ScratchFolder()
        let null = try #require(s.device("null", major: 1, minor: 3), "mknod needs root")
        try OutputFile.write(Data("hello\n".utf8), to: URL(fileURLWithPath: null))
        #expect(fileType(null) == S_IFCHR)
        let full = try #require(s.device("full", major: 1, minor: 7))
        let failed = message { try OutputFile.write(Data("hello\n".utf8), to: URL(fileURLWithPath: full)) }
        #expect(failed?.contains("no space left on the device") == true, "\(failed ?? "")")
        #expect(fileType(full) == S_IFCHR)
        // A FIFO: a reader gets the bytes, and the FIFO stays a FIFO.
        let fifo = try #require(s.fifo("pipe"))
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        Thread {
            let fd = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 256)
            while fd >= 0 {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                received.append(buffer[0..<n])
            }
            if fd >= 0 { close(fd) }
            done.signal()
        }.start()
        try OutputFile.write(Data("through the pipe\n".utf8), to: URL(fileURLWithPath: fifo))
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(received.text == "through the pipe\n")
        #expect(fileType(fifo) == S_IFIFO)
        // No temporary file was left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: s.url.path).filter { $0.contains(".tmp-") }
        #expect(left.isEmpty)
    }

    @Test("outputs: plain words for a missing folder, a folder in the way and a read-only file system")
    func outputErrors() throws {
        let s = try ScratchFolder()
        let missing = message { try OutputFile.write(Data("x".utf8), to: URL(fileURLWithPath: s.path("no/such/x.csv"))) }
        #expect(missing?.contains("does not exist") == true, "\(missing ?? "")")
        try FileManager.default.createDirectory(atPath: s.path("out.csv"), withIntermediateDirectories: false)
        let folder = message { try OutputFile.write(Data("x".utf8), to: URL(fileURLWithPath: s.path("out.csv"))) }
        #expect(folder?.contains("is a folder") == true, "\(folder ?? "")")
        try Data("file".utf8).write(to: URL(fileURLWithPath: s.path("plain")))
        let parent = message { try OutputFile.createFolder(URL(fileURLWithPath: s.path("plain/report"))) }
        #expect(parent?.contains("is a regular file") == true, "\(parent ?? "")")
        if let ro = s.tmpfs("ro", size: "16k", readOnly: true) {
            let readOnly = message { try OutputFile.write(Data("x".utf8), to: ro.appendingPathComponent("x.csv")) }
            #expect(readOnly?.contains("read-only") == true, "\(readOnly ?? "")")
        }
        for text in [missing, folder, parent] { #expect(text?.contains("NSCocoaErrorDomain") == false) }
    }

    @Test("a symbolic link is followed: the target is replaced, the link stays")
    func symlink() throws {
        let s = try ScratchFolder()
        try Data("old".utf8).write(to: URL(fileURLWithPath: s.path("target.csv")))
        try FileManager.default.createSymbolicLink(atPath: s.path("link.csv"), withDestinationPath: s.path("target.csv"))
        try OutputFile.write(Data("new".utf8), to: URL(fileURLWithPath: s.path("link.csv")))
        #expect(fileType(s.path("link.csv")) == S_IFLNK)
        #expect(try String(contentsOfFile: s.path("target.csv"), encoding: .utf8) == "new")
    }

    @Test("files written together: when one cannot be written, none is replaced")
    func together() throws {
        let s = try ScratchFolder()
        let html = URL(fileURLWithPath: s.path("report.html"))
        let csv = URL(fileURLWithPath: s.path("results.csv"))
        try Data("old page".utf8).write(to: html)
        try FileManager.default.createDirectory(at: csv, withIntermediateDirectories: false)  // in the way
        #expect(message { try OutputFile.writeTogether([(html, Data("new page".utf8)), (csv, Data("a,b\n".utf8))]) } != nil)
        #expect(try String(contentsOf: html, encoding: .utf8) == "old page")
        // A full disk: the page fits, the table does not, so neither is replaced.
        guard let small = s.tmpfs("small", size: "16k") else {
            Issue.record("mount -t tmpfs is not permitted here: the full-disk half of this test did not run")
            return
        }
        let page = small.appendingPathComponent("report.html")
        try Data("old page".utf8).write(to: page)
        let failed = message {
            try OutputFile.writeTogether([
                (page, Data(repeating: 65, count: 4000)),
                (small.appendingPathComponent("results.csv"), Data(repeating: 66, count: 64_000)),
            ])
        }
        #expect(failed?.contains("no space left on the device") == true, "\(failed ?? "")")
        #expect(try String(contentsOf: page, encoding: .utf8) == "old page")
        #expect(try FileManager.default.contentsOfDirectory(atPath: small.path) == ["report.html"])
    }
}
