import Foundation
import Testing

/// The bundled score field (problems/score-fields/two-moons-field.toml, written by
/// tools/train_score_field.py): the CLI reads the .npz, prints the report, and refuses what it
/// cannot do with one error line.
@Suite("spectrum, translate, evolve and sample on a score field")
struct ScoreFieldCLITests {
    let field = "problems/score-fields/two-moons-field.toml"

    @Test("spectrum --json: levels, λθ with its error, curl, Hodge remainder, ε and the floor; a profile over the tables")
    func spectrum() throws {
        let run = try adiabat(["spectrum", field, "--levels", "2", "--json"], in: packageRoot)
        #expect(run.status == 0, "\(run.stderr)")
        let o = try jsonObject(run)
        #expect(o["time"] as? Double == 0.05 && o["interpolated"] as? Bool == false)
        let lambda = try #require(o["lambda_theta"] as? Double)
        let error = try #require(o["lambda_theta_error"] as? Double)
        // The model is conservative within this grid's discretisation error (docs/score-fields.md).
        #expect(abs(lambda) < 2 * error && error < 0.02)
        #expect(abs((o["score_error"] as? Double ?? 0) - 0.3871) < 1e-3)
        #expect((o["curl_rms"] as? Double ?? 0) > 0.1)
        #expect((o["hodge_remainder"] as? Double ?? 1) < 0.05)
        let profile = try jsonObject(
            try adiabat(["spectrum", field, "--profile", "4", "--levels", "2", "--json"], in: packageRoot))
        let points = profile["profile"] as? [[String: Any]] ?? []
        #expect(points.count == 4 && points.first?["time"] as? Double == 0.05 && points.last?["time"] as? Double == 1.5)
        let text = try adiabat(["spectrum", field, "--time", "0.3"], in: packageRoot)
        #expect(text.status == 0 && text.stdout.contains("interpolated") && text.stdout.contains("λθ = E0"))
    }

    @Test("sample and evolve run on the interpolated field and say what they measure against")
    func sampleAndEvolve() throws {
        let s = try adiabat(["sample", field, "--sampler", "reverse-sde", "--steps", "20", "--samples", "500"], in: packageRoot)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("tabulated score from t = 1.5 to t = 0.05; metrics against the file's density at t = 0.05"))
        let json = try jsonObject(
            try adiabat(["sample", field, "--sampler", "fokker-planck", "--steps", "20", "--json"], in: packageRoot))
        #expect(json["t_min"] as? Double == 0.05 && (json["tv"] as? Double ?? 1) < 0.2)
        let e = try adiabat(["evolve", field, "--total-time", "0.2", "--json"], in: packageRoot)
        #expect(e.status == 0, "\(e.stderr)")
        let o = try jsonObject(e)
        #expect(o["t_max"] as? Double == 1.5 && o["t_min"] as? Double == 0.05)
        #expect((o["target"] as? String)?.contains("the file's density") == true && (o["fidelity"] as? Double ?? 0) > 0)
    }

    @Test("translate --to hamiltonian writes V with ∇·S and the curl; the rest is refused with one line")
    func refusals() throws {
        let t = try adiabat(["translate", field, "--to", "hamiltonian", "--json"], in: packageRoot)
        #expect(t.status == 0, "\(t.stderr)")
        #expect((try jsonObject(t)["columns"] as? [String]) == ["x", "y", "S_x", "S_y", "div_S", "curl_S", "V"])
        for args in [
            ["translate", field, "--to", "score"], ["evolve", field, "--total-time", "1", "--schedule", "cosine"],
            ["spectrum", field, "--time", "9"], ["compare", field, "--schedules", "cosine"],
        ] {
            let run = try adiabat(args, in: packageRoot)
            #expect(run.status != 0, "\(args)")
            #expect(run.stderr.hasPrefix("error: ") && run.stderr.split(separator: "\n").count == 1, "\(args): \(run.stderr)")
        }
    }

    @Test("a radial field f(r) in CSV: channel spectra with a note instead of curl and Hodge; runs on a grid refused")
    func radial() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-radial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // The 3-D Gaussian σ = 1: f = −r; levels 2n_r + l (docs/score-fields.md "Radial fields").
        let rows = (0...200).map { i -> String in
            let r = 0.05 * Double(i)
            return "\(r),\(-r)"
        }
        let file = dir.appendingPathComponent("g.csv")
        try Data(("r,score\n" + rows.joined(separator: "\n") + "\n").utf8).write(to: file)
        let toml = dir.appendingPathComponent("g.toml")
        try Data("name = \"g\"\nkind = \"landscape\"\n[landscape]\ntype = \"score-field\"\nfile = \"g.csv\"\n".utf8).write(
            to: toml)
        let text = try adiabat(["spectrum", toml.path, "--levels", "3"], in: packageRoot)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("radial, r ≤ 10.0, 199 points") && text.stdout.contains("channel   l = 0"))
        #expect(text.stdout.contains("note: a radial field") && !text.stdout.contains("Hodge ‖r‖/‖S‖"))
        let p = try jsonObject(try adiabat(["spectrum", toml.path, "--angular-momentum", "1", "--json"], in: packageRoot))
        let energies = try #require(p["energies"] as? [Double])
        #expect(abs(energies[0] - 1) < 2e-3 && abs(energies[1] - 3) < 5e-3, "\(energies)")
        #expect(p["angular_momentum"] as? Int == 1 && p["curl_rms"] == nil)
        for args in [
            ["sample", toml.path, "--sampler", "reverse-sde", "--steps", "10", "--samples", "10"],
            ["evolve", toml.path, "--total-time", "1"], ["compare", toml.path],
            ["spectrum", toml.path, "--eigenvectors", dir.appendingPathComponent("e.npy").path],
        ] {
            let run = try adiabat(args, in: packageRoot)
            #expect(run.status != 0, "\(args)")
            #expect(run.stderr.hasPrefix("error: ") && run.stderr.split(separator: "\n").count == 1, "\(args): \(run.stderr)")
        }
    }
}
