import Bridge
import Foundation
import Testing

/// Campaigns (docs/campaigns.md): the spec, the shard partition, shards merged against a
/// one-machine run, the refusals, the Slurm scripts.
@Suite("Campaigns: spec, shards, merge, Slurm scripts")
struct CampaignTests {
    /// A scratch folder with three 5-spin instances and a spec over them and a bundled problem.
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-campaign-\(UUID().uuidString)")
            let instances = url.appendingPathComponent("instances")
            try FileManager.default.createDirectory(at: instances, withIntermediateDirectories: true)
            for (k, signs) in [[1.0, -1, 1, 1, -1], [-1.0, -1, 1, -1, 1], [1.0, 1, 1, -1, -1]].enumerated() {
                var text = "# vartype=SPIN\n"
                var m = 0
                for i in 0..<5 {
                    for j in (i + 1)..<5 {
                        text += "\(i) \(j) \(signs[m % 5] * (m % 3 == 0 ? 0.5 : 1.0))\n"
                        m += 1
                    }
                }
                try Data(text.utf8).write(to: instances.appendingPathComponent("r\(k + 1).coo"))
            }
            try write(
                "spec.toml",
                """
                problems = ["instances/*.coo", "maxcut6"]
                schedules = ["linear", "cosine"]
                times = [1, 4]
                steps = [5]
                sweeps = [10, 100]
                samples = 200
                """)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: url.appendingPathComponent(name))
        }
        func spec(_ name: String = "spec.toml") throws -> CampaignSpec {
            try CampaignSpec.load(url.appendingPathComponent(name))
        }
        func folder(_ name: String) -> URL { url.appendingPathComponent(name) }
    }

    func error(_ body: () throws -> Void) -> InputError? {
        do {
            try body()
            return nil
        } catch let e as InputError {
            return e
        } catch {
            return InputError("?", "\(error)")
        }
    }

    static func quiet(_: String) {}

    @Test("the spec: globs relative to it, bundled names, compare's settings per kind")
    func spec() throws {
        let s = try Scratch()
        let spec = try s.spec()
        #expect(
            spec.problems.map { URL(fileURLWithPath: $0.path).lastPathComponent } == [
                "r1.coo", "r2.coo", "r3.coo", "maxcut6.toml",
            ])
        let settings = spec.settings(annealing: true)
        #expect(settings.times == [1, 4] && settings.sweeps == [10, 100] && settings.samples == 200)
        #expect(spec.settings(annealing: false).sweeps == [])
        let campaign = try Campaign(spec: spec)
        #expect(campaign.comparisons.map(\.name) == ["r1", "r2", "r3", "maxcut6"])
        // Per problem: 2 schedules × (2 quantum + 2 flip-chain + 1 reverse-flip), 2 SA on its own
        // β ramp and 2 schedules × 2 SA on β(s(τ)).
        #expect(campaign.cells.count == 4 * (2 * 2 + 2 * 2 + 2 * 1 + 2 + 2 * 2))
    }

    @Test("cells sets the reverse-flip chain's cells on spins; steps there is its deprecated spelling, with a warning")
    func cells() throws {
        let s = try Scratch()
        let base =
            "problems = [\"maxcut6\", \"double-well\"]\nschedules = [\"linear\"]\ntimes = [1]\nsweeps = [10]\nsamples = 100\n"
        try s.write("cells.toml", base + "steps = [7]\ncells = [3, 4]\n")
        let spec = try s.spec("cells.toml")
        #expect(spec.settings(annealing: true).steps == [3, 4] && spec.settings(annealing: false).steps == [7])
        #expect(try Campaign(spec: spec).deprecations.isEmpty)
        try s.write("steps.toml", base + "steps = [7]\n")
        let old = try s.spec("steps.toml")
        #expect(old.settings(annealing: true).steps == [7])
        let warnings = try Campaign(spec: old).deprecations
        #expect(warnings.count == 1 && warnings[0].contains("steps.toml:") && warnings[0].contains("use cells"))
    }

    @Test("bad specs: one error each, at file:line")
    func badSpecs() throws {
        let s = try Scratch()
        try s.write("a.toml", "problems = [\"maxcut6\"]\ntimez = [1]\n")
        let a = error { _ = try s.spec("a.toml") }
        #expect(a?.location.hasSuffix("a.toml:2") == true && a?.message.contains("unknown key 'timez'") == true)
        #expect(a?.hint.contains("schedules, times, steps") == true)
        try s.write("b.toml", "problems = [\"maxcut6\",\n  \"none/*.coo\"]\n")
        let b = error { _ = try s.spec("b.toml") }
        #expect(b?.location.hasSuffix("b.toml:2") == true && b?.message.contains("matches no file") == true)
        try FileManager.default.createDirectory(at: s.folder("d"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: s.folder("instances/r1.coo"), to: s.folder("d/r1.coo"))
        try s.write("c.toml", "problems = [\"instances/r1.coo\",\n  \"d/*.coo\"]\n")
        let c = error { _ = try Campaign(spec: try s.spec("c.toml")) }
        #expect(c?.location.hasSuffix("c.toml:2") == true && c?.message.contains("two problems are named 'r1'") == true)
        try s.write("e.toml", "problems = [\"maxcut6\"]\n\ntimes = [-1]\n")
        let e = error { _ = try Campaign(spec: try s.spec("e.toml")) }
        #expect(e?.location.hasSuffix("e.toml:3") == true && e?.message.hasPrefix("times") == true)
    }

    @Test("shards: K/N from 1 to N; a deterministic partition that covers every cell once, balanced by cost")
    func partition() throws {
        #expect(error { _ = try Shard.parse("3/2") }?.location == "sweep.shard")
        #expect(error { _ = try Shard.parse("0/2") }?.location == "sweep.shard")
        #expect(error { _ = try Shard.parse("x") }?.location == "sweep.shard")
        #expect(try Shard.parse("2/4") == Shard(index: 2, count: 4))
        let s = try Scratch()
        let campaign = try Campaign(spec: try s.spec())
        let p = campaign.partition(3)
        #expect(p == (try Campaign(spec: try s.spec())).partition(3))
        #expect(p.count == campaign.cells.count && Set(p) == [0, 1, 2])
        var load = [Double](repeating: 0, count: 3)
        for (i, k) in p.enumerated() { load[k] += campaign.cells[i].cost }
        let biggest = campaign.cells.map(\.cost).max()!
        #expect(load.max()! - load.min()! <= biggest + 1e-12)
    }

    /// Rows without their timings.
    func rows(_ url: URL) throws -> [[String: String]] {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url.appendingPathComponent("results.json")))
        let rows = (object as? [String: Any])?["rows"] as? [[String: Any]] ?? []
        return rows.map { row in row.filter { $0.key != "seconds" }.mapValues { "\($0)" } }
    }

    @Test("three shards merged give the rows and numbers of a one-machine run; the last shard merges")
    func shardsMatchOneMachine() throws {
        let s = try Scratch()
        let campaign = try Campaign(spec: try s.spec())
        let one = try campaign.run(directory: s.folder("one"), shard: nil, warn: Self.quiet)
        #expect(one.report != nil && one.computed == campaign.cells.count)
        for k in 1...3 {
            let outcome = try Campaign(spec: try s.spec()).run(
                directory: s.folder("three"), shard: Shard(index: k, count: 3), warn: Self.quiet)
            #expect((outcome.report != nil) == (k == 3))
            if k < 3 { #expect(outcome.waitingFor == Array((k + 1)...3)) }
        }
        let merged = try rows(s.folder("three"))
        #expect(merged.count == campaign.cells.count)
        #expect(merged == (try rows(s.folder("one"))))
        #expect(merged.allSatisfy { $0["problem"] != nil })
        // merge again: the same files
        try Campaign.merge(directory: s.folder("three"), warn: Self.quiet)
        #expect(try rows(s.folder("three")) == merged)
        let csv = try String(contentsOf: s.folder("three/results.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("problem,side,method"))
        let html = try String(contentsOf: s.folder("three/report.html"), encoding: .utf8)
        #expect(html.contains("Time to solution") && html.contains("across instances") && html.contains("<svg"))
        let status = try CampaignStatus.read(s.folder("three"))
        #expect(status.done == campaign.cells.count && status.shards.allSatisfy(\.complete))
    }

    @Test("merge refuses missing shards (naming them), another spec's shards, another spec's --shard")
    func refusals() throws {
        let s = try Scratch()
        let campaign = try Campaign(spec: try s.spec())
        _ = try campaign.run(directory: s.folder("x"), shard: Shard(index: 2, count: 3), warn: Self.quiet)
        let missing = error { try Campaign.merge(directory: s.folder("x"), warn: Self.quiet) }
        #expect(missing?.message.contains("2 of 3 shards are not complete: 1 (0 of") == true)
        #expect(missing?.message.contains(", 3 (0 of") == true)
        let status = try CampaignStatus.read(s.folder("x"))
        #expect(status.shards.map(\.complete) == [false, true, false])
        // another spec into the same folder
        try s.write("other.toml", "problems = [\"maxcut6\"]\ntimes = [1]\nsteps = [5]\nsweeps = [10]\nsamples = 100\n")
        let other = try Campaign(spec: try s.spec("other.toml"))
        let foreign = error { _ = try other.run(directory: s.folder("x"), shard: Shard(index: 1, count: 3), warn: Self.quiet) }
        #expect(foreign?.location == "sweep.shard" && foreign?.message.contains("holds another campaign") == true)
        let count = error { _ = try campaign.run(directory: s.folder("x"), shard: Shard(index: 1, count: 2), warn: Self.quiet) }
        #expect(count?.location == "sweep.shard" && count?.message.contains("split into 3 shards") == true)
        // a shard marker of another campaign copied in
        _ = try other.run(directory: s.folder("y"), shard: Shard(index: 1, count: 3), warn: Self.quiet)
        try FileManager.default.copyItem(at: s.folder("y/cells-1-of-3.done.json"), to: s.folder("x/cells-1-of-3.done.json"))
        let mixed = error { try Campaign.merge(directory: s.folder("x"), warn: Self.quiet) }
        #expect(mixed?.message.contains("written by another campaign") == true)
    }

    @Test("Slurm scripts: an array of N shard tasks and a merge; options pass through; defaults from the estimate")
    func slurmScripts() throws {
        let s = try Scratch()
        let campaign = try Campaign(spec: try s.spec())
        let manifest = campaign.manifest(shards: 4)
        let plan = SlurmPlan(tasks: 4, partition: "short", memory: "4G", cpusPerTask: 2, account: "qa")
        try plan.validate()
        let scripts = plan.scripts(executable: "/opt/adiabat", spec: "/c/spec.toml", directory: "/c/run", manifest: manifest)
        #expect(scripts.sweep.hasPrefix("#!/bin/bash\n"))
        for line in [
            "#SBATCH --array=1-4", "#SBATCH --partition=short", "#SBATCH --account=qa", "#SBATCH --mem=4G",
            "#SBATCH --cpus-per-task=2", "#SBATCH --output=/c/run/slurm/sweep-%A_%a.out",
            "exec '/opt/adiabat' sweep '/c/spec.toml' --report '/c/run' --shard \"$SLURM_ARRAY_TASK_ID/4\"",
        ] {
            #expect(scripts.sweep.contains(line + "\n"), "\(line)")
        }
        #expect(scripts.sweep.contains("#SBATCH --time=\(SlurmPlan.time(forSeconds: manifest.shardSeconds.max()!))\n"))
        #expect(scripts.merge.contains("exec '/opt/adiabat' merge '/c/run'\n"))
        #expect(scripts.merge.contains("#SBATCH --partition=short\n") && !scripts.merge.contains("--array"))
        #expect(SlurmPlan.time(forSeconds: 1) == "0:10:00")
        #expect(SlurmPlan.time(forSeconds: 3600) == "3:00:00")
        let timed = SlurmPlan(tasks: 2, time: "2:00:00").scripts(executable: "a b", spec: "s", directory: "d", manifest: manifest)
        #expect(timed.sweep.contains("#SBATCH --time=2:00:00\n") && timed.sweep.contains("exec 'a b' sweep"))
        #expect(error { try SlurmPlan(tasks: 2, partition: "a b").validate() }?.location == "sweep.partition")
        #expect(error { try SlurmPlan(tasks: 0).validate() }?.location == "sweep.slurm")
        #expect(SlurmPlan.findSbatch(path: "") == nil)
    }

    @Test("time to solution: T·ln(0.01)/ln(1 − p), T from p ≥ 0.99, ∞ at p = 0")
    func tts() {
        #expect(CampaignReport.tts(time: 2, probability: 0.995) == 2)
        #expect(CampaignReport.tts(time: 2, probability: 0) == .infinity)
        #expect(abs(CampaignReport.tts(time: 2, probability: 0.5) - 2 * log(0.01) / log(0.5)) < 1e-12)
    }
}
