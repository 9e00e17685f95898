import AdiabatCore
import Foundation
import Reports

/// A shard of a campaign: number `index` (1…`count`) of `count`.
public struct Shard: Sendable, Codable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// `K/N` with 1 ≤ K ≤ N ≤ 10000 (`sweep.shard`).
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw InputError("sweep.shard", "'\(text)' is not K/N", hint: "e.g. 3/8: the third of eight shards (K from 1 to N)")
        }
        guard (1...10_000).contains(n) else { throw InputError("sweep.shard", "N must lie in 1…10000 (got \(n))") }
        guard (1...n).contains(k) else {
            throw InputError("sweep.shard", "shard \(k) of \(n) does not exist", hint: "K runs from 1 to N (here 1…\(n))")
        }
        return Shard(index: k, count: n)
    }

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public var description: String { "\(index)/\(count)" }
    /// `cells-K-of-N.jsonl`: the shard's own cell store (one writer).
    public var cellFile: String { "cells-\(index)-of-\(count).jsonl" }
    /// `cells-K-of-N.done.json`: written when the shard has run every cell of its share.
    public var doneFile: String { "cells-\(index)-of-\(count).done.json" }
}

/// What a campaign folder records about its campaign (`DIR/campaign.json`).
public struct CampaignManifest: Sendable, Codable, Equatable {
    public var version = Campaign.version
    /// FNV-1a of every problem's name, content fingerprint and settings.
    public var fingerprint: String
    public var spec: CampaignSpec
    /// Number of shards, nil for a one-machine run.
    public var shards: Int?
    /// Cells of each shard (index 0 is shard 1), or `[total]` for a one-machine run.
    public var shardCells: [Int]
    public var totalCells: Int
    /// Estimated cost of each shard in seconds on one core (a rough model; docs/campaigns.md).
    public var shardSeconds: [Double]

    enum CodingKeys: String, CodingKey {
        case version, fingerprint, spec, shards
        case shardCells = "shard_cells"
        case totalCells = "total_cells"
        case shardSeconds = "shard_seconds"
    }

    public static let file = "campaign.json"

    public static func read(_ directory: URL) throws -> CampaignManifest {
        let url = directory.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw InputError(
                directory.path, "holds no campaign (no \(file))",
                hint: "run 'adiabat sweep SPEC.toml --report \(directory.path)' first")
        }
        do {
            return try JSONDecoder().decode(CampaignManifest.self, from: try InputFile.read(url, what: "campaign manifest"))
        } catch let e as InputError {
            throw e
        } catch {
            throw InputError(url.path, "is not a campaign manifest of this version (\(error))")
        }
    }
}

/// The marker a shard writes when its share is done: the campaign's fingerprint and the
/// cells that failed (they are not stored, so a rerun retries them; the merge reports them).
public struct ShardDone: Sendable, Codable, Equatable {
    public var fingerprint: String
    public var shard: Shard
    public var cells: Int
    public var failed: [String: CellResult]
}

/// A campaign: one spec over a set of problems, run on one machine or in shards
/// (docs/campaigns.md).
public final class Campaign: @unchecked Sendable {
    public static let version = "campaign-1"

    /// One cell of the campaign: a problem's comparison cell with its store key.
    public struct Cell: Sendable {
        public var problem: Int
        public var cell: ComparisonCell
        public var key: String
        /// Estimated cost in seconds on one core (for balancing shards).
        public var cost: Double
    }

    public let spec: CampaignSpec
    public let comparisons: [Comparison]
    /// Deprecated spellings the spec uses (one line each, for the command to print as warnings).
    public private(set) var deprecations: [String] = []
    public let cells: [Cell]
    public let fingerprint: String

    /// Loads every problem of `spec` once and builds its comparison. Two problems with the
    /// same name are refused at the spec line that named the second.
    public init(spec: CampaignSpec) throws {
        self.spec = spec
        var built: [Comparison] = []
        var seen: [String: String] = [:]
        for entry in spec.problems {
            let settings0 = spec.overrides
            let problem = try Problem.load(url: URL(fileURLWithPath: entry.path), seed: settings0.seed ?? 20_260_605)
            let comparison: Comparison
            do {
                comparison = try Comparison(problem: problem, settings: spec.settings(annealing: problem.kind == .annealing))
            } catch {
                throw spec.locate(error)
            }
            if let other = seen[comparison.name] {
                throw InputError(
                    "\(spec.file):\(entry.line)", "two problems are named '\(comparison.name)' (\(other) and \(entry.path))",
                    hint: "every problem of a campaign needs its own name (its file's name, or a TOML file's name key)")
            }
            seen[comparison.name] = entry.path
            built.append(comparison)
        }
        comparisons = built
        let annealing = built.contains { if case .annealing = $0.subject { true } else { false } }
        if annealing && spec.overrides.steps != nil && spec.overrides.cells == nil {
            deprecations.append(
                "\(spec.file):\(spec.lines["steps"] ?? 1): steps sets the reverse-flip chain's cells on annealing problems, a deprecated spelling; use cells"
            )
        }
        var all: [Cell] = []
        var print = Fingerprint()
        print.add(Self.version)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for (i, c) in built.enumerated() {
            print.add("\(c.name)|\(c.fingerprint)|")
            print.add(Array((try? encoder.encode(c.settings)) ?? Data()))
            let size = Self.size(c)
            for cell in c.cells {
                all.append(
                    Cell(problem: i, cell: cell, key: c.key(for: cell), cost: Self.cost(cell, size: size, settings: c.settings)))
            }
        }
        cells = all
        fingerprint = print.hex
    }

    /// State-vector length (annealing; spins when the exact side is skipped) or grid nodes (landscapes).
    static func size(_ c: Comparison) -> Double {
        switch c.subject {
        case .annealing(let a): return a.exactSkipped == nil ? pow(2, Double(a.qubits)) : Double(a.qubits)
        case .landscape(let l): return Double(l.grid.count)
        case .scoreField(let f): return Double(f.grid.count)
        }
    }

    /// A rough cost model in seconds on one core (calibrated on sk10 and double-well on the
    /// development machine; only the ratios matter for balancing).
    static func cost(_ cell: ComparisonCell, size: Double, settings: ComparisonSettings) -> Double {
        let v = cell.value
        let samples = Double(settings.samples)
        switch cell.method {
        case .quantum: return 2e-7 * size * max(1, v) * 50 + 1e-3
        case .langevinPath: return 2e-7 * size * max(400, 50 * v) + 1e-3
        case .fokkerPlanck: return 2e-7 * size * v + 1e-3
        case .flipChain: return 1e-6 * size * max(1, v) * samples / 100 + 0.05
        case .reverseFlip: return 1e-7 * samples * v * log2(size) + 1e-3
        case .simulatedAnnealing: return 2e-8 * samples * v * log2(size) * log2(size) + 1e-3
        default: return 5e-8 * samples * v + 1e-3  // the particle samplers
        }
    }

    /// The shard (0-based) of every cell: longest processing time first, each cell to the
    /// least-loaded shard (ties: the lower shard), in a fixed order (cost, then campaign order).
    /// It depends on the spec and `count` alone.
    public func partition(_ count: Int) -> [Int] {
        var load = [Double](repeating: 0, count: count)
        var out = [Int](repeating: 0, count: cells.count)
        let order = cells.indices.sorted { cells[$0].cost != cells[$1].cost ? cells[$0].cost > cells[$1].cost : $0 < $1 }
        for i in order {
            var best = 0
            for k in 1..<max(1, count) where load[k] < load[best] { best = k }
            out[i] = best
            load[best] += cells[i].cost
        }
        return out
    }

    /// The manifest of this campaign split into `shards` (nil: one machine).
    public func manifest(shards: Int?) -> CampaignManifest {
        let n = shards ?? 1
        let p = partition(n)
        var counts = [Int](repeating: 0, count: n)
        var seconds = [Double](repeating: 0, count: n)
        for (i, k) in p.enumerated() {
            counts[k] += 1
            seconds[k] += cells[i].cost
        }
        return CampaignManifest(
            fingerprint: fingerprint, spec: spec, shards: shards, shardCells: counts, totalCells: cells.count,
            shardSeconds: seconds)
    }

    /// What a run did.
    public struct Outcome: Sendable {
        public var computed: Int
        public var reused: Int
        public var failed: Int
        /// The merged report, when this run wrote it (a one-machine run, or the last shard).
        public var report: CampaignReport?
        /// Shards still missing before a merge (empty once merged).
        public var waitingFor: [Int]
    }

    /// Checks `directory`'s manifest against this campaign (or writes it): another spec, or
    /// another shard count, is refused before anything runs.
    public func claim(_ directory: URL, shards: Int?) throws -> CampaignManifest {
        try OutputFile.createFolder(directory)
        let mine = manifest(shards: shards)
        let url = directory.appendingPathComponent(CampaignManifest.file)
        if FileManager.default.fileExists(atPath: url.path) {
            let stored = try CampaignManifest.read(directory)
            guard stored.fingerprint == fingerprint else {
                throw InputError(
                    shards == nil ? "sweep.report" : "sweep.shard",
                    "\(directory.path) holds another campaign (spec \(stored.spec.file), fingerprint \(stored.fingerprint); this spec: \(fingerprint))",
                    hint: "give this campaign its own folder")
            }
            guard stored.shards == shards else {
                let was = stored.shards.map { "split into \($0) shards" } ?? "run on one machine"
                throw InputError(
                    "sweep.shard", "\(directory.path) holds this campaign \(was)",
                    hint: stored.shards.map { "run --shard K/\($0), or use another folder" }
                        ?? "run without shards, or use another folder")
            }
            return stored
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputFile.write(try encoder.encode(mine), to: url)
        return mine
    }

    /// Runs the campaign on one machine (`shard` nil) or one shard of it, into `directory`.
    /// A one-machine run and the shard that completes the set write the report.
    public func run(
        directory: URL, shard: Shard?, fresh: Bool = false, warn: @escaping (String) -> Void = Warning.standardError,
        progress: (@Sendable (Int, Int, String) -> Void)? = nil
    ) throws -> Outcome {
        _ = try claim(directory, shards: shard?.count)
        let storeURL = directory.appendingPathComponent(shard?.cellFile ?? "cells.jsonl")
        let store = try CellStore<CellResult>(url: storeURL, fresh: fresh, warn: warn)
        defer { store.close() }
        let mine: Set<String>
        if let shard {
            let p = partition(shard.count)
            mine = Set(cells.indices.filter { p[$0] == shard.index - 1 }.map { cells[$0].key })
        } else {
            mine = Set(cells.map(\.key))
        }
        let reusedBefore = mine.filter { store.value(for: $0) != nil }.count
        let total = mine.count - reusedBefore
        let counter = SharedCounter()
        var reports: [ComparisonReport] = []
        var failed: [String: CellResult] = [:]
        for c in comparisons {
            // A shard skips the problems it has no cell of (their gap profiles are the merge's).
            if shard != nil && !c.cells.contains(where: { mine.contains(c.key(for: $0)) }) { continue }
            let report = try c.run(
                stored: { store.value(for: $0) }, record: { try store.record($0, for: $1) },
                computing: { mine.contains(c.key(for: $0)) },
                progress: { _, _, label in
                    let done = counter.increment()
                    progress?(done, total, "\(c.name) \(label)")
                })
            for row in report.rows where row.status.hasPrefix("error") {
                let cell = ComparisonCell(
                    method: ComparisonMethod(rawValue: row.method) ?? .quantum, schedule: row.schedule, value: row.value)
                failed[c.key(for: cell)] = row.result
            }
            reports.append(report)
        }
        let computed = total
        guard let shard else {
            let report = CampaignReport(campaign: self, reports: reports, shards: nil)
            try report.write(to: directory)
            return Outcome(computed: computed, reused: reusedBefore, failed: failed.count, report: report, waitingFor: [])
        }
        let done = ShardDone(fingerprint: fingerprint, shard: shard, cells: mine.count, failed: failed)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputFile.write(try encoder.encode(done), to: directory.appendingPathComponent(shard.doneFile))
        store.close()
        let status = try CampaignStatus.read(directory)
        let waiting = status.shards.filter { !$0.complete }.map(\.shard)
        guard waiting.isEmpty else {
            return Outcome(computed: computed, reused: reusedBefore, failed: failed.count, report: nil, waitingFor: waiting)
        }
        let report = try Self.merge(directory: directory, campaign: self, warn: warn)
        return Outcome(computed: computed, reused: reusedBefore, failed: failed.count, report: report, waitingFor: [])
    }

    /// Merges the shards of the campaign in `directory` and writes report.html, results.csv and
    /// results.json. Refuses shards of another spec and a merge with shards missing.
    @discardableResult
    public static func merge(
        directory: URL, campaign given: Campaign? = nil, warn: @escaping (String) -> Void = Warning.standardError
    ) throws -> CampaignReport {
        let manifest = try CampaignManifest.read(directory)
        let status = try CampaignStatus.read(directory, manifest: manifest, warn: warn)
        if let other = status.shards.first(where: { $0.foreignFingerprint != nil }) {
            throw InputError(
                directory.path,
                "shard \(other.shard) was written by another campaign (fingerprint \(other.foreignFingerprint ?? "")); this folder's is \(manifest.fingerprint)",
                hint: "merge only the shards of one spec: move the other campaign's cell files to their own folder")
        }
        let missing = status.shards.filter { !$0.complete }
        if !missing.isEmpty {
            let list = missing.map { "\($0.shard) (\($0.done) of \($0.cells) cells)" }.joined(separator: ", ")
            throw InputError(
                directory.path, "cannot merge: \(missing.count) of \(status.shards.count) shards are not complete: \(list)",
                hint: "rerun those shards (adiabat sweep SPEC --report DIR --shard K/N) and merge again")
        }
        let campaign = try given ?? Campaign(spec: manifest.spec)
        guard campaign.fingerprint == manifest.fingerprint else {
            throw InputError(
                manifest.spec.file,
                "the spec or a problem file changed since the campaign started (fingerprint \(campaign.fingerprint), stored \(manifest.fingerprint))",
                hint: "restore the files, or run the campaign again in a new folder")
        }
        var stored: [String: CellResult] = [:]
        let n = manifest.shards ?? 1
        for k in 1...n {
            let shard = Shard(index: k, count: n)
            let file = manifest.shards == nil ? "cells.jsonl" : shard.cellFile
            stored.merge(try CellStore<CellResult>.read(url: directory.appendingPathComponent(file), warn: warn)) { a, _ in a }
            if manifest.shards != nil, let done = try? readDone(directory, shard) {
                stored.merge(done.failed) { a, _ in a }
            }
        }
        let lookup = stored
        var reports: [ComparisonReport] = []
        for c in campaign.comparisons {
            reports.append(try c.run(stored: { lookup[$0] }, record: nil, computing: { _ in false }))
        }
        let report = CampaignReport(campaign: campaign, reports: reports, shards: manifest.shards)
        try report.write(to: directory)
        return report
    }

    static func readDone(_ directory: URL, _ shard: Shard) throws -> ShardDone? {
        let url = directory.appendingPathComponent(shard.doneFile)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try JSONDecoder().decode(ShardDone.self, from: try InputFile.read(url, what: "shard marker"))
    }
}

/// How far a campaign has got, read from its folder without computing anything.
public struct CampaignStatus: Sendable, Codable {
    public struct ShardState: Sendable, Codable {
        public var shard: Int
        public var cells: Int
        /// Cells stored (and, for a finished shard, cells that failed).
        public var done: Int
        public var failed: Int
        public var complete: Bool
        public var foreignFingerprint: String?

        enum CodingKeys: String, CodingKey {
            case shard, cells, done, failed, complete
            case foreignFingerprint = "foreign_fingerprint"
        }
    }

    public var fingerprint: String
    public var totalCells: Int
    public var shardCount: Int?
    public var shards: [ShardState]
    public var done: Int { shards.reduce(0) { $0 + $1.done } }

    enum CodingKeys: String, CodingKey {
        case fingerprint, shards
        case totalCells = "total_cells"
        case shardCount = "shard_count"
    }

    public static func read(_ directory: URL, manifest given: CampaignManifest? = nil, warn: (String) -> Void = { _ in }) throws
        -> CampaignStatus
    {
        let manifest = try given ?? CampaignManifest.read(directory)
        let n = manifest.shards ?? 1
        var states: [ShardState] = []
        for k in 1...n {
            let shard = Shard(index: k, count: n)
            let file = manifest.shards == nil ? "cells.jsonl" : shard.cellFile
            let stored = try CellStore<CellResult>.read(url: directory.appendingPathComponent(file), warn: warn).count
            let done = manifest.shards == nil ? nil : try Campaign.readDone(directory, shard)
            let failed = done?.failed.count ?? 0
            let foreign = done.flatMap { $0.fingerprint == manifest.fingerprint ? nil : $0.fingerprint }
            let cells = manifest.shardCells[k - 1]
            let complete: Bool
            if manifest.shards == nil {
                complete = stored >= cells
            } else {
                complete = done != nil && foreign == nil && stored + failed >= cells
            }
            states.append(
                ShardState(
                    shard: k, cells: cells, done: min(cells, stored + failed), failed: failed, complete: complete,
                    foreignFingerprint: foreign))
        }
        return CampaignStatus(
            fingerprint: manifest.fingerprint, totalCells: manifest.totalCells, shardCount: manifest.shards, shards: states)
    }
}
