import Foundation

/// A scratch folder for one test, removed afterwards, with any tmpfs mounted in it unmounted
/// first (shared by the file-access and cell-store tests).
open class ScratchFolder {
    public let url: URL
    private var mounts: [String] = []

    public init(prefix: String = "adiabat-scratch") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        for m in mounts.reversed() { _ = ScratchFolder.run("/bin/umount", [m]) }
        // Twice: the first pass can stop at a folder that was a mount point a moment ago.
        for _ in 0..<2 { try? FileManager.default.removeItem(at: url) }
    }

    /// The path of `name` inside the folder.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// A tmpfs of `size` mounted at the folder `name`, or nil when mounting is not permitted.
    public func tmpfs(_ name: String, size: String, readOnly: Bool = false) -> URL? {
        let p = path(name)
        try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
        guard ScratchFolder.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size)\(readOnly ? ",ro" : "")", "tmpfs", p]) == 0
        else { return nil }
        mounts.append(p)
        return URL(fileURLWithPath: p)
    }

    /// Runs `tool` with `arguments` (stderr discarded) and returns its exit status (-1: did not start).
    public static func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
