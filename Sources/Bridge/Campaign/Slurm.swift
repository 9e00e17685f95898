import AdiabatCore
import Foundation

/// Slurm job scripts for a campaign: a job array of one task per shard and a merge job
/// (docs/campaigns.md).
public struct SlurmPlan: Sendable, Equatable {
    /// Number of array tasks (= shards).
    public var tasks: Int
    public var partition: String?
    /// sbatch's `--time` (`sweep --time-limit`), as Slurm spells it (`HH:MM:SS`, `D-HH:MM`, minutes).
    public var time: String?
    /// `--mem` (`4G`, `500M`).
    public var memory: String?
    public var cpusPerTask: Int?
    public var account: String?

    public init(
        tasks: Int, partition: String? = nil, time: String? = nil, memory: String? = nil, cpusPerTask: Int? = nil,
        account: String? = nil
    ) {
        self.tasks = tasks
        self.partition = partition
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.account = account
    }

    /// Checks the values that would make a broken script (`sweep.slurm`, `sweep.time_limit`, …).
    public func validate() throws {
        guard (1...10_000).contains(tasks) else { throw InputError("sweep.slurm", "must lie in 1…10000 tasks (got \(tasks))") }
        if let c = cpusPerTask, !(1...1024).contains(c) {
            throw InputError("sweep.cpus_per_task", "must lie in 1…1024 (got \(c))")
        }
        for (name, value) in [
            ("sweep.partition", partition), ("sweep.time_limit", time), ("sweep.mem", memory), ("sweep.account", account),
        ] {
            if let v = value, v.isEmpty || v.contains(where: { $0.isWhitespace || "'\"`$\\;".contains($0) }) {
                throw InputError(name, "'\(v)' is not a Slurm value (no spaces or shell characters)")
            }
        }
    }

    /// Slurm's `--time` for an estimated number of seconds per task: three times the estimate,
    /// at least 10 minutes, in whole minutes.
    public static func time(forSeconds seconds: Double) -> String {
        let minutes = max(10, Int((3 * seconds / 60).rounded(.up)))
        return String(format: "%d:%02d:00", minutes / 60, minutes % 60)
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The two scripts: `sweep.sbatch` (the array) and `merge.sbatch`. `executable`, `spec` and
    /// `directory` should be absolute paths; `manifest` gives the defaults.
    public func scripts(executable: String, spec: String, directory: String, manifest: CampaignManifest) -> (
        sweep: String, merge: String
    ) {
        let longest = manifest.shardSeconds.max() ?? 0
        var head: [String] = []
        head.append("#SBATCH --time=\(time ?? Self.time(forSeconds: longest))")
        head.append("#SBATCH --cpus-per-task=\(cpusPerTask ?? 2)")
        head.append("#SBATCH --mem=\(memory ?? "2G")")
        if let partition { head.append("#SBATCH --partition=\(partition)") }
        if let account { head.append("#SBATCH --account=\(account)") }
        let logs = directory + "/slurm"
        let sweep = """
            #!/bin/bash
            # adiabat campaign \(manifest.fingerprint): \(manifest.totalCells) cells in \(tasks) shards (written by adiabat sweep --slurm)
            #SBATCH --job-name=adiabat-sweep
            #SBATCH --array=1-\(tasks)
            #SBATCH --output=\(logs)/sweep-%A_%a.out
            \(head.joined(separator: "\n"))
            set -euo pipefail
            exec \(Self.quote(executable)) sweep \(Self.quote(spec)) --report \(Self.quote(directory)) --shard "$SLURM_ARRAY_TASK_ID/\(tasks)"

            """
        var mergeHead = ["#SBATCH --time=0:30:00", "#SBATCH --cpus-per-task=1", "#SBATCH --mem=\(memory ?? "2G")"]
        if let partition { mergeHead.append("#SBATCH --partition=\(partition)") }
        if let account { mergeHead.append("#SBATCH --account=\(account)") }
        let merge = """
            #!/bin/bash
            # merges the shards of adiabat campaign \(manifest.fingerprint) (submitted after the array, afterany)
            #SBATCH --job-name=adiabat-merge
            #SBATCH --output=\(logs)/merge-%j.out
            \(mergeHead.joined(separator: "\n"))
            set -euo pipefail
            exec \(Self.quote(executable)) merge \(Self.quote(directory))

            """
        return (sweep, merge)
    }

    /// `sbatch` on PATH, or nil.
    public static func findSbatch(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        for folder in (path ?? "").split(separator: ":") {
            let candidate = "\(folder)/sbatch"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// `sbatch` on PATH, or an error that says it is missing (checked before any script is written).
    public static func requireSbatch() throws -> String {
        guard let sbatch = findSbatch() else {
            throw InputError(
                "sweep.submit", "sbatch is not on PATH, so the jobs cannot be submitted (nothing was written)",
                hint: "run on a Slurm login node, or without sweep.submit to write the scripts only")
        }
        return sbatch
    }

    /// Submits the array, then the merge with `--dependency=afterany:<array id>`; returns both ids.
    public static func submit(sweep: URL, merge: URL) throws -> (array: String, merge: String) {
        let sbatch = try requireSbatch()
        let array = try run(sbatch, ["--parsable", sweep.path])
        let merged = try run(sbatch, ["--parsable", "--dependency=afterany:\(array)", merge.path])
        return (array, merged)
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, !text.isEmpty else {
            let message = String(decoding: errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw InputError(
                "sweep.submit",
                "sbatch \(arguments.joined(separator: " ")) failed: \(message.isEmpty ? "exit \(process.terminationStatus)" : message)"
            )
        }
        // --parsable prints "jobid[;cluster]".
        return String(text.split(separator: ";").first ?? Substring(text))
    }
}
