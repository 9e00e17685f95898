import ArgumentParser
import Bridge
import Foundation

/// `adiabat sweep SPEC.toml --report DIR`: a campaign over a set of problems, on one machine,
/// one shard of it, or as Slurm scripts (docs/campaigns.md).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a campaign (compare over a set of problems) on one machine, as shards, or as a Slurm job array.",
        discussion: """
            SPEC.toml holds problems = [files, globs relative to the spec, bundled names] and any \
            compare option (schedules, times, steps, cells, samplers, sweeps, samples, seed, gap_samples, \
            rtol, points). DIR gets one cell store for the whole campaign, results.csv and \
            results.json with a problem column, and report.html with per-instance rows, medians \
            and 10–90 % bands across instances and the time to solution. --shard K/N (K from 1 \
            to N) runs one shard into DIR/cells-K-of-N.jsonl; the last shard to finish, or \
            'adiabat merge DIR', writes the report. 'adiabat sweep DIR --status' counts the \
            finished cells. See docs/campaigns.md.
            """)

    @Argument(help: "The campaign spec (TOML), or with --status the campaign folder.")
    var spec: String

    @OptionGroup var folder: ReportFolderOptions

    @Option(name: .long, help: "Run only shard K of N (K from 1 to N): K/N.")
    var shard: String?

    @Flag(name: .long, help: "Print how many cells are done, per shard, without computing anything.")
    var status = false

    @Option(name: .long, parsing: .unconditional, help: "Write DIR/sweep.sbatch (a job array of N tasks) and DIR/merge.sbatch.")
    var slurm: Int?

    @Flag(name: .long, help: "With --slurm: submit both scripts with sbatch (merge after the array).")
    var submit = false

    @Option(name: .long, help: "With --slurm: the Slurm partition.")
    var partition: String?

    @Option(
        name: .long,
        help: "With --slurm: time limit per task, as sbatch --time spells it (default: 3× the estimate, at least 10 minutes).")
    var timeLimit: String?

    /// The spelling `--time-limit` had before every option got one meaning (`--time` is the
    /// diffusion time of spectrum and translate); still read, with a warning.
    @Option(name: .customLong("time"), help: .hidden)
    var deprecatedTime: String?

    static let timeLimitSpelling = OldSpelling(command: "sweep", flag: "--time-limit", old: "--time", same: "the same Slurm time")

    @Option(name: .long, help: "With --slurm: memory per task (default 2G).")
    var mem: String?

    @Option(name: .long, parsing: .unconditional, help: "With --slurm: CPUs per task (default 2).")
    var cpusPerTask: Int?

    @Option(name: .long, help: "With --slurm: the Slurm account.")
    var account: String?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if submit && slurm == nil { throw ValidationError("--submit needs --slurm N") }
        if slurm != nil && shard != nil { throw ValidationError("--slurm writes the array of all shards; drop --shard") }
        try Self.timeLimitSpelling.checkExclusive(timeLimit, deprecatedTime)
        if slurm == nil
            && (partition != nil || timeLimit ?? deprecatedTime != nil || mem != nil || cpusPerTask != nil || account != nil)
        {
            throw ValidationError("--partition, --time-limit, --mem, --cpus-per-task and --account apply with --slurm N")
        }
    }

    func run() throws {
        if status {
            let directory = URL(fileURLWithPath: folder.report ?? spec)
            try MergeCommand.printStatus(try CampaignStatus.read(directory), directory: directory, json: common.json)
            return
        }
        let shard = try self.shard.map { try Shard.parse($0) }
        let specURL = URL(fileURLWithPath: spec).standardizedFileURL
        let loaded = try CampaignSpec.load(specURL)
        let campaign = try Campaign(spec: loaded)
        for line in campaign.deprecations { Output.warning(line) }
        let directory = URL(
            fileURLWithPath: folder.folder(default: specURL.deletingPathExtension().lastPathComponent)
        ).standardizedFileURL
        if let slurm {
            let plan = SlurmPlan(
                tasks: slurm, partition: partition, time: Self.timeLimitSpelling.resolve(timeLimit, deprecatedTime), memory: mem,
                cpusPerTask: cpusPerTask, account: account)
            try plan.validate()
            if submit { _ = try SlurmPlan.requireSbatch() }
            let manifest = try campaign.claim(directory, shards: slurm)
            try OutputFile.createFolder(directory.appendingPathComponent("slurm"))
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            let scripts = plan.scripts(executable: executable, spec: specURL.path, directory: directory.path, manifest: manifest)
            let sweepURL = directory.appendingPathComponent("sweep.sbatch")
            let mergeURL = directory.appendingPathComponent("merge.sbatch")
            try OutputFile.writeTogether([(sweepURL, Data(scripts.sweep.utf8)), (mergeURL, Data(scripts.merge.utf8))])
            var ids: (array: String, merge: String)?
            if submit { ids = try SlurmPlan.submit(sweep: sweepURL, merge: mergeURL) }
            if common.json {
                var object: [String: String] = ["sweep_script": sweepURL.path, "merge_script": mergeURL.path]
                if let ids {
                    object["array_job"] = ids.array
                    object["merge_job"] = ids.merge
                }
                try Output.json(object)
                return
            }
            Output.line("campaign  \(campaign.comparisons.count) problems, \(campaign.cells.count) cells in \(slurm) shards")
            Output.line("scripts   \(sweepURL.path), \(mergeURL.path)")
            if let ids {
                Output.line("submitted array job \(ids.array), merge job \(ids.merge) (after the array)")
            } else {
                Output.line("submit    sbatch \(sweepURL.path), then sbatch --dependency=afterany:<array id> \(mergeURL.path)")
            }
            return
        }
        let outcome = try campaign.run(
            directory: directory, shard: shard, fresh: folder.fresh,
            progress: { done, total, label in
                Output.progress("sweep: \(done)/\(total) cells  (\(label))")
            })
        Output.endProgress()
        if common.json {
            try Output.json(
                SweepJSON(
                    directory: directory.path, shard: shard?.description, computed: outcome.computed, reused: outcome.reused,
                    failed: outcome.failed, merged: outcome.report != nil, waitingFor: outcome.waitingFor))
            return
        }
        let name = shard.map { "shard \($0)" } ?? "campaign"
        Output.line(
            "\(name): \(outcome.computed) cells computed, \(outcome.reused) reused, \(outcome.failed) failed (\(campaign.comparisons.count) problems, \(campaign.cells.count) cells in all)"
        )
        if outcome.report != nil {
            Output.line("report    \(directory.appendingPathComponent("report.html").path)")
            Output.line(
                "data      \(directory.appendingPathComponent("results.csv").path), \(directory.appendingPathComponent("results.json").path)"
            )
        } else {
            Output.line(
                "waiting   for shards \(outcome.waitingFor.map(String.init).joined(separator: ", ")); the last one merges")
        }
    }
}

struct SweepJSON: Encodable {
    var directory: String
    var shard: String?
    var computed: Int
    var reused: Int
    var failed: Int
    var merged: Bool
    var waitingFor: [Int]

    enum CodingKeys: String, CodingKey {
        case shard, computed, reused, failed, merged
        case directory = "report_dir"
        case waitingFor = "waiting_for"
    }
}

/// `adiabat merge DIR`: the report of a sharded campaign from its shards' cell files.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shards of a campaign into report.html, results.csv and results.json (docs/campaigns.md).")

    @Argument(help: "The campaign folder (the --report DIR of 'adiabat sweep').")
    var directory: String

    @Flag(name: .long, help: "Print how many cells are done, per shard, without merging.")
    var status = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        if status {
            try Self.printStatus(try CampaignStatus.read(url), directory: url, json: common.json)
            return
        }
        let report = try Campaign.merge(directory: url)
        if common.json {
            try Output.json(
                MergeJSON(
                    reportHTML: url.appendingPathComponent("report.html").path, rows: report.rows.count,
                    problems: report.problems.count, shards: report.shards ?? 1))
            return
        }
        Output.line("merged    \(report.rows.count) cells of \(report.problems.count) problems from \(report.shards ?? 1) shards")
        Output.line("report    \(url.appendingPathComponent("report.html").path)")
    }

    static func printStatus(_ s: CampaignStatus, directory: URL, json: Bool) throws {
        if json {
            try Output.json(s)
            return
        }
        Output.line("campaign  \(directory.path): \(s.done)/\(s.totalCells) cells done (fingerprint \(s.fingerprint))")
        for shard in s.shards {
            let label = s.shardCount.map { "shard \(shard.shard)/\($0)" } ?? "one machine"
            Output.line(
                "\(label.padding(toLength: 14, withPad: " ", startingAt: 0)) \(shard.done)/\(shard.cells) cells"
                    + (shard.failed > 0 ? ", \(shard.failed) failed" : "") + (shard.complete ? ", complete" : ""))
        }
    }
}

extension SweepCommand: Exemplified {
    static let examples = [
        "adiabat sweep campaign.toml --report report/campaign",
        "adiabat sweep report/campaign --status",
        "adiabat sweep campaign.toml --report report/cluster --slurm 16 --partition short",
    ]
}

extension MergeCommand: Exemplified {
    static let examples = ["adiabat merge report/campaign", "adiabat merge report/campaign --status"]
}

struct MergeJSON: Encodable {
    var reportHTML: String
    var rows: Int
    var problems: Int
    var shards: Int
}
