import AdiabatCore
import Foundation
import Glibc
import Problems

/// A campaign spec (docs/campaigns.md): the problems of a sweep and the `compare` settings
/// they all run with.
///
///     problems = ["instances/*.coo", "sk10"]   # files, globs (relative to the spec), bundled names
///     times = [1, 4, 16]                       # every other key is a compare option, same meaning
///     sweeps = [10, 100]
///
/// Each problem runs with `compare`'s defaults for its kind, overridden by the spec's keys;
/// `samplers`, `steps` and `points` apply to landscapes, `cells` and `sweeps` to annealing
/// problems (where `steps` without `cells` is the deprecated spelling of `cells`).
public struct CampaignSpec: Sendable, Codable, Equatable {
    /// One problem of the campaign: its resolved file.
    public struct Entry: Sendable, Codable, Equatable {
        /// The problem file (absolute path).
        public var path: String
        /// The spec's line that named it.
        public var line: Int
    }

    /// The compare options a spec may set (absent: compare's default for the problem's kind).
    public struct Overrides: Sendable, Codable, Equatable {
        public var schedules: [String]?
        public var times: [Double]?
        /// Path steps of the landscape samplers; on annealing problems without ``cells``, the
        /// deprecated spelling of ``cells``.
        public var steps: [Int]?
        /// Rate-grid cells of the reverse-flip chain (annealing problems).
        public var cells: [Int]?
        public var samplers: [String]?
        public var sweeps: [Int]?
        public var samples: Int?
        public var seed: UInt64?
        public var gapSamples: Int?
        public var rtol: Double?
        public var points: Int?

        enum CodingKeys: String, CodingKey {
            case schedules, times, steps, cells, samplers, sweeps, samples, seed, rtol, points
            case gapSamples = "gap_samples"
        }

        public init() {}
    }

    /// The keys a spec may hold.
    public static let keys = [
        "problems", "schedules", "times", "steps", "cells", "samplers", "sweeps", "samples", "seed", "gap_samples", "rtol",
        "points",
    ]

    /// The spec file (absolute path), for messages.
    public var file: String
    public var problems: [Entry]
    public var overrides: Overrides
    /// The line of every key, for errors found after parsing (`compare.times` → `file:line`).
    public var lines: [String: Int] = [:]

    public init(file: String, problems: [Entry], overrides: Overrides) {
        self.file = file
        self.problems = problems
        self.overrides = overrides
    }

    /// An error about a compare setting (`compare.times`) moved to the spec line that set it;
    /// other errors unchanged.
    public func locate(_ error: Error) -> Error {
        guard let e = error as? InputError, e.location.hasPrefix("compare.") else { return error }
        let key = String(e.location.dropFirst("compare.".count))
        guard let line = lines[key] else { return error }
        return InputError("\(file):\(line)", "\(key) \(e.message)", hint: e.hint)
    }

    /// Reads and checks a spec file: unknown keys, globs that match nothing and bad values
    /// are one `InputError` at `file:line`.
    public static func load(_ url: URL) throws -> CampaignSpec {
        let url = url.standardizedFileURL
        let text = try InputFile.readText(url, what: "campaign spec")
        return try parse(text, file: url.path, base: url.deletingLastPathComponent())
    }

    /// Parses spec text; `base` is the folder relative paths and globs are read from.
    public static func parse(_ text: String, file: String, base: URL) throws -> CampaignSpec {
        let root = try TOMLSection.parse(text, file: file)
        for key in root.table.keys where !keys.contains(key) {
            throw InputError(
                root.location(key), "unknown key '\(key)'",
                hint: "a campaign spec takes: \(keys.joined(separator: ", ")) (every key but problems is a compare option)")
        }
        guard let names = try root.strings("problems"), let node = root.table["problems"] else {
            throw InputError("\(file):1", "missing key 'problems'", hint: "list problem files, globs or bundled names")
        }
        guard !names.isEmpty else { throw InputError("\(file):\(node.line)", "problems names no problem") }
        var items: [TOMLNode] = []
        if case .array(let a) = node.value { items = a }
        var entries: [Entry] = []
        for (i, name) in names.enumerated() {
            let line = i < items.count ? items[i].line : node.line
            for path in try resolve(name, base: base, at: "\(file):\(line)") {
                entries.append(Entry(path: path, line: line))
            }
        }
        var o = Overrides()
        o.schedules = try root.strings("schedules")
        o.times = try root.doubles("times")
        o.steps = try root.ints("steps")
        o.cells = try root.ints("cells")
        o.samplers = try root.strings("samplers")
        o.sweeps = try root.ints("sweeps")
        o.samples = try root.int("samples")
        if let s = try root.int("seed") {
            guard s >= 0 else { throw root.error("seed", "must be ≥ 0 (got \(s))") }
            o.seed = UInt64(s)
        }
        o.gapSamples = try root.int("gap_samples")
        o.rtol = try root.double("rtol")
        o.points = try root.int("points")
        if let schedules = o.schedules {
            do {
                o.schedules = try ScheduleRequest.parseList(schedules.joined(separator: ",")).map(\.description)
            } catch let e as InputError {
                throw InputError(root.location("schedules"), e.message, hint: e.hint)
            }
        }
        var spec = CampaignSpec(file: file, problems: entries, overrides: o)
        for key in root.table.keys { spec.lines[key] = root.table[key]?.line }
        return spec
    }

    /// The files one `problems` item names: a glob (relative to `base`), a file, or a bundled name.
    static func resolve(_ item: String, base: URL, at location: String) throws -> [String] {
        let trimmed = item.trimmingCharacters(in: .whitespaces)
        let absolute = trimmed.hasPrefix("/") ? trimmed : base.appendingPathComponent(trimmed).path
        if trimmed.contains(where: { "*?[".contains($0) }) {
            var g = glob_t()
            defer { globfree(&g) }
            guard Glibc.glob(absolute, 0, nil, &g) == 0, g.gl_pathc > 0 else {
                throw InputError(
                    location, "the glob '\(trimmed)' matches no file (looked in \(base.path))",
                    hint: "globs are relative to the spec's folder")
            }
            return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
        }
        if FileManager.default.fileExists(atPath: absolute) { return [URL(fileURLWithPath: absolute).standardizedFileURL.path] }
        do {
            return [try ProblemLocator.resolve(trimmed).standardizedFileURL.path]
        } catch let e as InputError {
            throw InputError(location, "'\(trimmed)': \(e.message)", hint: e.hint)
        }
    }

    /// The settings of one problem: compare's defaults for its kind, then the spec's keys.
    public func settings(annealing: Bool) -> ComparisonSettings {
        let o = overrides
        var s = ComparisonSettings.defaults(annealing: annealing, seed: o.seed ?? 20_260_605)
        if let v = o.schedules { s.schedules = v }
        if let v = o.times { s.times = v }
        // Spins: the reverse-flip chain's cells (`steps` is their deprecated spelling there).
        if let v = annealing ? o.cells ?? o.steps : o.steps { s.steps = v }
        if let v = o.samples { s.samples = v }
        if let v = o.samplers, !annealing { s.samplers = v }
        if let v = o.sweeps, annealing { s.sweeps = v }
        if let v = o.gapSamples { s.gapSamples = v }
        if let v = o.rtol { s.rtol = v }
        if let v = o.points, !annealing { s.points = v }
        return s
    }
}
