import AdiabatCore
import Foundation
import Landscapes
import Problems
import Quantum
import Testing

let problemsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("problems")

/// Parses `text` as if it were the file `/tmp/test.toml`; returns the error's text.
func problemError(_ text: String, directory: URL = URL(fileURLWithPath: "/tmp")) -> String? {
    do {
        _ = try LandscapeProblem.parse(text, file: directory.appendingPathComponent("test.toml"))
        return nil
    } catch let error as InputError {
        return "\(error)"
    } catch {
        return "unexpected \(error)"
    }
}

let minimal = """
    name = "m"
    kind = "landscape"

    [landscape]
    type = "gaussian"
    mean = [0.0]
    stddev = 1.0

    [grid]
    lower = [-8.0]
    upper = [8.0]
    points = [161]
    """

@Suite("Landscape problem files")
struct LandscapeProblemTests {
    @Test("every bundled landscape problem loads, with the grid its landscape needs")
    func bundled() throws {
        let expected: [String: (type: String, dimension: Int)] = [
            "double-well": ("gaussian-mixture", 1), "coupled-oscillator": ("gaussian", 2), "two-moons": ("two-moons", 2),
            "hydrogen-1s": ("hydrogen", 3), "hydrogen-learned": ("samples", 3), "quartic-well": ("ground-state", 1),
        ]
        for (name, want) in expected {
            let p = try LandscapeProblem.load(contentsOf: problemsDirectory.appendingPathComponent("\(name).toml"))
            #expect(p.name == name)
            #expect(p.type == want.type)
            #expect(p.dimension == want.dimension)
            #expect(!p.description.isEmpty)
            #expect(p.process == .ou && p.tMax == 3)
        }
        let coupled = try LandscapeProblem.load(contentsOf: problemsDirectory.appendingPathComponent("coupled-oscillator.toml"))
        guard case .landscape(let l) = coupled.source, let g = l as? GaussianMixture else {
            Issue.record("coupled-oscillator is not a Gaussian")
            return
        }
        #expect(g.components[0].covariance == [1, 0.8, 0.8, 1])
        let hydrogen = try LandscapeProblem.load(contentsOf: problemsDirectory.appendingPathComponent("hydrogen-1s.toml"))
        guard case .radial(let r) = hydrogen.discretisation else {
            Issue.record("hydrogen-1s is not radial")
            return
        }
        #expect(r.rMax == 80 && r.points == 7999)
    }

    @Test("errors name the file, the line and the key")
    func errors() {
        // An unknown key (a typo) is refused with its line.
        let typo = minimal.replacingOccurrences(of: "stddev = 1.0", with: "stdev = 1.0")
        let e1 = problemError(typo)
        #expect(e1?.contains("/tmp/test.toml:7") == true && e1?.contains("unknown key 'landscape.stdev'") == true, "\(e1 ?? "")")
        // A wrong type.
        let e2 = problemError(minimal.replacingOccurrences(of: "points = [161]", with: "points = 161"))
        #expect(e2?.contains(":12") == true && e2?.contains("grid.points") == true, "\(e2 ?? "")")
        // A missing table.
        let e3 = problemError(String(minimal.prefix(upTo: minimal.range(of: "[grid]")!.lowerBound)))
        #expect(e3?.contains("missing table [grid]") == true, "\(e3 ?? "")")
        // An unknown landscape type lists the choices.
        let e4 = problemError(minimal.replacingOccurrences(of: "type = \"gaussian\"", with: "type = \"gausian\""))
        #expect(e4?.contains("expected one of") == true && e4?.contains(":5") == true, "\(e4 ?? "")")
        // A grid of the wrong dimension.
        let e5 = problemError(
            minimal.replacingOccurrences(of: "lower = [-8.0]", with: "lower = [-8.0, -8.0]")
                .replacingOccurrences(of: "upper = [8.0]", with: "upper = [8.0, 8.0]")
                .replacingOccurrences(of: "points = [161]", with: "points = [161, 161]"))
        #expect(e5?.contains("2 axes") == true, "\(e5 ?? "")")
        // An impossible grid keeps its line.
        let e6 = problemError(minimal.replacingOccurrences(of: "points = [161]", with: "points = [2]"))
        #expect(e6?.contains("test.toml:12") == true && e6?.contains("at least 3") == true, "\(e6 ?? "")")
        // An annealing problem is not a landscape.
        let e7 = problemError(minimal.replacingOccurrences(of: "kind = \"landscape\"", with: "kind = \"annealing\""))
        #expect(e7?.contains("annealing problem") == true, "\(e7 ?? "")")
        // A non-positive-definite covariance.
        let e8 = problemError(
            minimal.replacingOccurrences(
                of: "mean = [0.0]\nstddev = 1.0", with: "mean = [0.0, 0.0]\ncovariance = [[1.0, 2.0], [2.0, 1.0]]"))
        #expect(e8?.contains("positive definite") == true, "\(e8 ?? "")")
        // A radial grid for a landscape that is not radial.
        let e9 = problemError(
            minimal.replacingOccurrences(of: "lower = [-8.0]\nupper = [8.0]\npoints = [161]", with: "r_max = 10.0\npoints = 100"))
        #expect(e9?.contains("r_max") == true, "\(e9 ?? "")")
    }

    @Test("formulas: precedence, names, functions, and errors with the column")
    func formulas() throws {
        let f = try Formula("-x^2 + 2^3^2/512 + 3*sin(pi/2) - max(y, 1) + sqrt(r*r)", dimension: 2)
        // −9 + 1 + 3 − 1 + 5 at (3, 4)
        #expect(abs(f.evaluate([3, 4]) - (-9 + 1 + 3 - 4 + 5)) < 1e-12)
        #expect(abs(try Formula("1.5e-1 * exp(0) + atan2(1, 1)", dimension: 1).evaluate([0]) - (0.15 + Double.pi / 4)) < 1e-14)
        for (text, fragment) in [
            ("x +", "ends too early"), ("2*y", "unknown name 'y'"), ("foo(x)", "unknown function"), ("(x", "expected ')'"),
            ("x $ 2", "unexpected '$'"), ("min(x)", "two arguments"),
        ] {
            do {
                _ = try Formula(text, dimension: 1, location: "f.toml:3")
                Issue.record("\(text) was accepted")
            } catch let error as InputError {
                #expect(error.location == "f.toml:3" && error.message.contains(fragment), "\(text): \(error)")
                #expect(error.message.contains("column"))
            }
        }
    }

    @Test("boltzmann, tabulated, ground-state and samples landscapes from formulas and CSV files")
    func fieldsAndFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-problems-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let grid = """
            [grid]
            lower = [-4.0]
            upper = [4.0]
            points = [81]
            """
        // Boltzmann from a formula: U = x²/2 at T = 1 gives the score −x.
        let b = try LandscapeProblem.parse(
            "kind = \"landscape\"\n[landscape]\ntype = \"boltzmann\"\nenergy = \"x^2/2\"\n" + grid,
            file: directory.appendingPathComponent("b.toml"))
        guard case .landscape(let bl) = b.source, let bd = bl as? GridDensity else {
            Issue.record("boltzmann is not a grid density")
            return
        }
        #expect(abs(bd.nodalScore[60] - (-2.0)) < 1e-10)
        // Tabulated from a CSV file with a header, in shuffled order.
        var rows = ["x,density"]
        for i in (0..<81).reversed() {
            let x = -4 + Double(i) * 0.1
            rows.append("\(x),\(exp(-x * x / 2))")
        }
        try rows.joined(separator: "\n").write(to: directory.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let t = try LandscapeProblem.parse(
            "kind = \"landscape\"\n[landscape]\ntype = \"tabulated\"\nfile = \"p.csv\"\n" + grid,
            file: directory.appendingPathComponent("t.toml"))
        guard case .landscape(let tl) = t.source, let td = tl as? GridDensity else {
            Issue.record("tabulated is not a grid density")
            return
        }
        #expect(abs(td.nodalScore[20] - 2.0) < 1e-6)
        // A table missing a node is refused, naming the node.
        try rows.dropLast().joined(separator: "\n").write(
            to: directory.appendingPathComponent("q.csv"), atomically: true, encoding: .utf8)
        let missing = problemError(
            "kind = \"landscape\"\n[landscape]\ntype = \"tabulated\"\nfile = \"q.csv\"\n" + grid, directory: directory)
        #expect(missing?.contains("no row for the node") == true, "\(missing ?? "")")
        // Ground state: the potential is kept for the Hamiltonian → score translator.
        let g = try LandscapeProblem.parse(
            "kind = \"landscape\"\n[landscape]\ntype = \"ground-state\"\npotential = \"x^2/4 - 0.5\"\n" + grid,
            file: directory.appendingPathComponent("g.toml"))
        guard case .potential(let v) = g.source else {
            Issue.record("ground-state has no potential")
            return
        }
        #expect(v.count == 81 && abs(v[40] + 0.5) < 1e-15)
        // Samples from a file, polynomial basis.
        let stream = try RandomSource(seed: 3)
        let samples = (0..<2000).map { _ in "\(stream.gaussian())" }
        try samples.joined(separator: "\n").write(
            to: directory.appendingPathComponent("s.csv"), atomically: true, encoding: .utf8)
        let s = try LandscapeProblem.parse(
            "kind = \"landscape\"\n[landscape]\ntype = \"samples\"\nfile = \"s.csv\"\ndegree = 2\n" + grid,
            file: directory.appendingPathComponent("s.toml"))
        guard case .landscape(let sl) = s.source else {
            Issue.record("samples gave no landscape")
            return
        }
        #expect(abs(sl.score([1.0])[0] + 1) < 0.2)
        #expect(s.reference == nil)
        let bad = problemError("kind = \"landscape\"\n[landscape]\ntype = \"samples\"\ndraw = 100\n" + grid)
        #expect(bad?.contains("[landscape.source]") == true, "\(bad ?? "")")
    }
}
