import AdiabatCore
import Foundation
import Problems
import Quantum
import Testing

/// Writes `text` to a fresh temporary file with the given name.
func temporaryFile(_ name: String, _ text: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
}

/// Expects `body` to throw an `InputError` at `file:line` whose text contains `fragment`.
func expectInputError(
    line: Int, containing fragment: String, _ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        try body()
        Issue.record("no error thrown (expected line \(line): \(fragment))", sourceLocation: sourceLocation)
    } catch let error as InputError {
        #expect(
            error.location.hasSuffix(":\(line)"), "location \(error.location), expected line \(line)",
            sourceLocation: sourceLocation)
        #expect(error.description.contains(fragment), "\(error.description) lacks '\(fragment)'", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Annealing problem files")
struct AnnealingFileTests {
    // MARK: reading good files

    @Test("COO: SPIN header, linear and quadratic terms, round trip through the writer")
    func cooRoundTrip() throws {
        let text = "# vartype=SPIN\n0 0 0.5\n0 1 -1.25\n1 2 2.0\n2 2 -0.75\n0 1 0.25\n"
        let model = try AnnealingFormats.parseCOO(text, file: "a.coo")
        #expect(model.vartype == .spin)
        #expect(model.labels == ["0", "1", "2"])
        #expect(model.linear == [0.5, 0, -0.75])
        #expect(model.quadratic == [Coupling(0, 1, -1.0), Coupling(1, 2, 2.0)])  // duplicates summed
        let written = try AnnealingFormats.writeCOO(model)
        let again = try AnnealingFormats.parseCOO(written, file: "b.coo")
        #expect(again == model)
        // tiny values are written without an exponent (dimod's reader has none) and read back exactly
        let tiny = try BinaryQuadraticModel(
            labels: ["0", "1"], vartype: .binary, linear: [1.5e-9, -3], quadratic: [Coupling(0, 1, 1e-7 / 3)])
        let text2 = try AnnealingFormats.writeCOO(tiny)
        #expect(!text2.contains("e-"))
        #expect(try AnnealingFormats.parseCOO(text2, file: "t.coo") == tiny)
    }

    @Test("COO without a header needs the vartype; a conflicting one is refused")
    func cooVartype() throws {
        let text = "0 1 1.0\n"
        #expect(try AnnealingFormats.parseCOO(text, file: "x.coo", vartype: .binary).vartype == .binary)
        expectInputError(line: 1, containing: "vartype") { _ = try AnnealingFormats.parseCOO(text, file: "x.coo") }
        expectInputError(line: 1, containing: "BINARY") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n0 1 1\n", file: "x.coo", vartype: .binary)
        }
    }

    @Test("JSON: dimod's serializable BQM, with and without use_bytes")
    func jsonFormats() throws {
        let text = """
            {"type": "BinaryQuadraticModel", "version": {"bqm_schema": "3.0.0"}, "use_bytes": false,
             "index_type": "int32", "bias_type": "float64", "num_variables": 3, "num_interactions": 2,
             "variable_labels": ["a", 7, ["x", 1]], "variable_type": "BINARY", "offset": 1.5, "info": {},
             "linear_biases": [1.0, -2.0, 0.5], "quadratic_biases": [3.0, -1.0],
             "quadratic_head": [0, 1], "quadratic_tail": [1, 2]}
            """
        let model = try AnnealingFormats.parseJSON(text, file: "m.json")
        #expect(model.labels == ["a", "7", "[\"x\",1]"])
        #expect(model.vartype == .binary)
        #expect(model.offset == 1.5)
        #expect(model.quadratic == [Coupling(0, 1, 3), Coupling(1, 2, -1)])
        let round = try AnnealingFormats.parseJSON(try AnnealingFormats.writeJSON(model), file: "r.json")
        #expect(round == model)
        // use_bytes: little-endian float64 biases and int32 indices in base64
        func b64<T>(_ values: [T]) -> String { values.withUnsafeBytes { Data($0).base64EncodedString() } }
        let bytes = """
            {"type": "BinaryQuadraticModel", "version": {"bqm_schema": "3.0.0"}, "use_bytes": true,
             "index_type": "int32", "bias_type": "float64", "num_variables": 2, "num_interactions": 1,
             "variable_labels": [0, 1], "variable_type": "SPIN", "offset": 0.0, "info": {},
             "linear_biases": "\(b64([0.25, -0.5]))", "quadratic_biases": "\(b64([1.75]))",
             "quadratic_head": "\(b64([Int32(0)]))", "quadratic_tail": "\(b64([Int32(1)]))"}
            """
        let m2 = try AnnealingFormats.parseJSON(bytes, file: "b.json")
        #expect(m2.linear == [0.25, -0.5])
        #expect(m2.quadratic == [Coupling(0, 1, 1.75)])
    }

    @Test("qbsolv .qubo: nodes, couplers, comments; labels are the node numbers")
    func quboFormat() throws {
        let text = "c sample\np qubo 0 10 3 2\nc --\n0 0 3.4\n4 4 -2\n7 7 1\n0 4 2.2\n4 7 -1\n"
        let model = try AnnealingFormats.parseQUBO(text, file: "s.qubo")
        #expect(model.labels == ["0", "4", "7"])
        #expect(model.vartype == .binary)
        #expect(model.linear == [3.4, -2, 1])
        #expect(model.quadratic == [Coupling(0, 1, 2.2), Coupling(1, 2, -1)])
        let again = try AnnealingFormats.parseQUBO(try AnnealingFormats.writeQUBO(model), file: "w.qubo")
        #expect(again == model)
    }

    // MARK: each kind of malformed file

    @Test("malformed COO files: bad header, bad numbers, labels out of range, wrong counts")
    func malformedCOO() {
        expectInputError(line: 1, containing: "bad header") {
            _ = try AnnealingFormats.parseCOO("# vartype=QUBIT\n0 1 1\n", file: "c.coo")
        }
        expectInputError(line: 1, containing: "bad header") {
            _ = try AnnealingFormats.parseCOO("# vartype SPIN\n0 1 1\n", file: "c.coo")
        }
        expectInputError(line: 3, containing: "not a finite number") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n0 1 1\n1 2 abc\n", file: "c.coo")
        }
        expectInputError(line: 2, containing: "not a finite number") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n0 1 nan\n", file: "c.coo")
        }
        expectInputError(line: 2, containing: "out of range") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n-1 2 1.0\n", file: "c.coo")
        }
        expectInputError(line: 2, containing: "not an integer") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\na 2 1.0\n", file: "c.coo")
        }
        expectInputError(line: 3, containing: "3 fields") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n0 1 1\n0 1\n", file: "c.coo")
        }
        expectInputError(line: 2, containing: "3 fields") {
            _ = try AnnealingFormats.parseCOO("# vartype=SPIN\n0 1 1 5\n", file: "c.coo")
        }
    }

    @Test("malformed JSON files: bad header, bad numbers, labels out of range, wrong counts")
    func malformedJSON() {
        func bqm(_ replace: [String: String]) -> String {
            var fields: [(String, String)] = [
                ("type", "\"BinaryQuadraticModel\""), ("version", "{\"bqm_schema\": \"3.0.0\"}"), ("num_variables", "2"),
                ("num_interactions", "1"), ("variable_labels", "[0, 1]"), ("variable_type", "\"SPIN\""), ("offset", "0.0"),
                ("linear_biases", "[1.0, 2.0]"), ("quadratic_biases", "[0.5]"), ("quadratic_head", "[0]"),
                ("quadratic_tail", "[1]"),
            ]
            fields = fields.map { ($0.0, replace[$0.0] ?? $0.1) }
            return "{\n" + fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n}\n"
        }
        // line numbers: "{" is line 1, fields start at line 2 in the order above
        expectInputError(line: 3, containing: "bad header") {
            _ = try AnnealingFormats.parseJSON(bqm(["version": "{\"bqm_schema\": \"1.0.0\"}"]), file: "j.json")
        }
        expectInputError(line: 2, containing: "bad header") {
            _ = try AnnealingFormats.parseJSON(bqm(["type": "\"SampleSet\""]), file: "j.json")
        }
        expectInputError(line: 7, containing: "bad header") {
            _ = try AnnealingFormats.parseJSON(bqm(["variable_type": "\"INTEGER\""]), file: "j.json")
        }
        expectInputError(line: 9, containing: "bad number") {
            _ = try AnnealingFormats.parseJSON(bqm(["linear_biases": "[1.0, \"x\"]"]), file: "j.json")
        }
        expectInputError(line: 11, containing: "out of range") {
            _ = try AnnealingFormats.parseJSON(bqm(["quadratic_head": "[5]"]), file: "j.json")
        }
        expectInputError(line: 9, containing: "wrong count") {
            _ = try AnnealingFormats.parseJSON(bqm(["linear_biases": "[1.0]"]), file: "j.json")
        }
        expectInputError(line: 4, containing: "wrong count") {
            _ = try AnnealingFormats.parseJSON(bqm(["num_variables": "3"]), file: "j.json")
        }
        expectInputError(line: 11, containing: "wrong count") {
            _ = try AnnealingFormats.parseJSON(bqm(["quadratic_head": "[0, 1]"]), file: "j.json")
        }
        expectInputError(line: 3, containing: "bad JSON") {
            _ = try AnnealingFormats.parseJSON("{\n  \"a\": 1,\n  \"b\": ]\n}", file: "j.json")
        }
    }

    @Test("malformed .qubo files: bad header, bad numbers, labels out of range, wrong counts")
    func malformedQUBO() {
        expectInputError(line: 2, containing: "bad header") {
            _ = try AnnealingFormats.parseQUBO("c x\np qubo 0 4 1\n0 0 1\n", file: "q.qubo")
        }
        expectInputError(line: 1, containing: "bad header") {
            _ = try AnnealingFormats.parseQUBO("0 0 1\np qubo 0 4 1 0\n", file: "q.qubo")
        }
        expectInputError(line: 1, containing: "bad header") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 2 3 0\n", file: "q.qubo")
        }
        expectInputError(line: 1, containing: "no 'p qubo") {
            _ = try AnnealingFormats.parseQUBO("c only comments\n", file: "q.qubo")
        }
        expectInputError(line: 3, containing: "not a finite number") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 2 0\n0 0 1\n1 1 x\n", file: "q.qubo")
        }
        expectInputError(line: 2, containing: "not an integer") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 1 0\n0.5 0.5 1\n", file: "q.qubo")
        }
        expectInputError(line: 3, containing: "out of range") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 2 0\n0 0 1\n4 4 1\n", file: "q.qubo")
        }
        expectInputError(line: 3, containing: "wrong count") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 3 0\n0 0 1\n1 1 1\n", file: "q.qubo")
        }
        expectInputError(line: 4, containing: "wrong count") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 2 2\n0 0 1\n1 1 1\n0 1 1\n", file: "q.qubo")
        }
        expectInputError(line: 3, containing: "duplicate node") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 2 0\n0 0 1\n0 0 1\n", file: "q.qubo")
        }
        expectInputError(line: 3, containing: "i < j") {
            _ = try AnnealingFormats.parseQUBO("p qubo 0 4 1 1\n0 0 1\n1 0 1\n", file: "q.qubo")
        }
    }

    @Test("malformed schedule tables and TOML annealing problems")
    func malformedTablesAndTOML() throws {
        expectInputError(line: 3, containing: "not a finite number") {
            _ = try AnnealingFormats.parseCSV("s,A,B\n0,1,0\n0.5,x,1\n", file: "t.csv", columns: 3, what: "table")
        }
        expectInputError(line: 2, containing: "3 columns") {
            _ = try AnnealingFormats.parseCSV("s,A,B\n0,1\n", file: "t.csv", columns: 3, what: "table")
        }
        let coo = try temporaryFile("m.coo", "# vartype=SPIN\n0 1 -1\n")
        let folder = coo.deletingLastPathComponent()
        func toml(_ body: String) throws -> URL {
            let url = folder.appendingPathComponent("p\(UUID().uuidString.prefix(6)).toml")
            try body.write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        // a typo is an error naming the key and its line
        expectInputError(line: 4, containing: "unknown key 'problem.flie'") {
            _ = try AnnealingSpec.load(try toml("kind = \"annealing\"\n[problem]\nfile = \"m.coo\"\nflie = 2\n"))
        }
        // labels out of range in inline J
        expectInputError(line: 4, containing: "out of range") {
            _ = try AnnealingSpec.load(try toml("kind = \"annealing\"\n[problem]\nh = [0.0, 1.0]\nJ = [[0, 2, 1.0]]\n"))
        }
        // bad schedule points (s outside [0, 1])
        expectInputError(line: 6, containing: "s must lie in [0, 1]") {
            _ = try AnnealingSpec.load(
                try toml(
                    "kind = \"annealing\"\n[problem]\nfile = \"m.coo\"\n[schedule]\ntype = \"points\"\npoints = [[0, 0], [1, 1.5]]\n"
                ))
        }
        // a GHz table needs a time unit
        let csv = folder.appendingPathComponent("dw.csv")
        try "s,A,B\n0,5,0.1\n0.5,1,2\n1,0.01,6\n".write(to: csv, atomically: true, encoding: .utf8)
        expectInputError(line: 6, containing: "time unit") {
            _ = try AnnealingSpec.load(
                try toml("kind = \"annealing\"\n[problem]\nfile = \"m.coo\"\n[schedule]\ntype = \"table\"\nfile = \"dw.csv\"\n"))
        }
        // and with it, the table is converted to rad/µs
        let spec = try AnnealingSpec.load(
            try toml(
                "kind = \"annealing\"\n[problem]\nfile = \"m.coo\"\n[schedule]\ntype = \"table\"\nfile = \"dw.csv\"\ntime_unit = \"us\"\ntotal_time = 2.0\n"
            ))
        let (a, b) = spec.path.coefficients(at: 0.5)
        #expect(abs(a - 1000 * Double.pi) < 1e-9 && abs(b - 2000 * Double.pi) < 1e-9)
        #expect(spec.totalTime == 2.0)
    }

    @Test("a D-Wave-style reverse anneal: GHz table, (time, s) points, classical initial state")
    func reverseAnnealFile() throws {
        let folder = try temporaryFile("m.coo", "# vartype=BINARY\n0 0 -1\n1 1 -1\n0 1 2\n").deletingLastPathComponent()
        let csv = folder.appendingPathComponent("dw.csv")
        // a smooth synthetic table in GHz: A falls from 1 to 0, B rises from 0.01 to 1
        var rows = ["s,A(s) (GHz),B(s) (GHz)"]
        for k in 0...20 {
            let s = Double(k) / 20
            rows.append("\(s),\((1 - s) * (1 - s)),\(0.01 + 0.99 * s * s)")
        }
        try rows.joined(separator: "\n").write(to: csv, atomically: true, encoding: .utf8)
        let toml = folder.appendingPathComponent("r.toml")
        try """
        kind = "annealing"
        [problem]
        file = "m.coo"
        [schedule]
        type = "points"
        file = "dw.csv"
        time_unit = "ns"
        points = [[0.0, 1.0], [2.0, 0.6], [4.0, 0.6], [6.0, 1.0]]
        initial_state = [1, 1]
        """.write(to: toml, atomically: true, encoding: .utf8)
        let spec = try AnnealingSpec.load(toml)
        #expect(spec.totalTime == 6)
        #expect(spec.initialSpins == [1, 1])  // binary 1 → spin +1 (dimod: z = 2x − 1)
        let h = try spec.hamiltonian()
        let problem = try spec.problem(hamiltonian: h, totalTime: nil)
        #expect(problem.schedule.breakpoints == [2.0 / 6, 4.0 / 6])
        let a = try AnnealingEvolution.run(problem, method: .split4, options: .init(rtol: 1e-10, atol: 0))
        let b = try AnnealingEvolution.run(problem, method: .gsl(.rk8pd), options: .init(rtol: 1e-11, atol: 1e-13))
        #expect(abs(a.groundStateProbability - b.groundStateProbability) < 1e-7)
        // x = (1, 1) has energy −1 −1 + 2 = 0; the ground states (1,0), (0,1) have −1:
        // the reverse anneal must move probability away from the start state
        #expect(a.groundStateProbability > 1e-3)
        #expect(throws: InputError.self) { _ = try spec.problem(hamiltonian: h, totalTime: 5) }
    }

    @Test("inline h/J tables and arrays give the same model as the COO file")
    func inlineModels() throws {
        let folder = try temporaryFile("x.coo", "# vartype=SPIN\n0 0 0.5\n1 1 -0.5\n0 1 -1\n1 2 0.25\n")
            .deletingLastPathComponent()
        let arrays = folder.appendingPathComponent("a.toml")
        try "kind = \"annealing\"\n[problem]\nh = [0.5, -0.5, 0.0]\nJ = [[0, 1, -1.0], [1, 2, 0.25]]\n".write(
            to: arrays, atomically: true, encoding: .utf8)
        let tables = folder.appendingPathComponent("t.toml")
        try
            "kind = \"annealing\"\n[problem]\nlabels = [\"0\", \"1\", \"2\"]\n[problem.h]\n0 = 0.5\n1 = -0.5\n[problem.J]\n\"0,1\" = -1.0\n\"1,2\" = 0.25\n"
            .write(to: tables, atomically: true, encoding: .utf8)
        let wrapped = folder.appendingPathComponent("w.toml")
        try "kind = \"annealing\"\n[problem]\nfile = \"x.coo\"\n".write(to: wrapped, atomically: true, encoding: .utf8)
        let a = try AnnealingSpec.load(arrays).model
        let t = try AnnealingSpec.load(tables).model
        let w = try AnnealingSpec.load(wrapped).model
        #expect(a == w)
        #expect(t == w)
    }

    @Test("bundled annealing problems load; the Landau–Zener file reproduces the formula")
    func bundled() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("problems")
        for name in ["sk10.toml", "sk10-pause.toml", "landau-zener.toml", "maxcut6.qubo", "sk10.coo"] {
            let spec = try AnnealingSpec.load(root.appendingPathComponent(name))
            #expect(spec.model.variableCount > 0)
        }
        let maxcut = try AnnealingSpec.load(root.appendingPathComponent("maxcut6.qubo"))
        #expect(try maxcut.model.ising.groundStates().energy == -6)
        let lz = try AnnealingSpec.load(root.appendingPathComponent("landau-zener.toml"))
        let h = try lz.hamiltonian()
        let result = try AnnealingEvolution.run(
            try lz.problem(hamiltonian: h, totalTime: nil), method: .split4, options: .init(rtol: 1e-11, atol: 0))
        // window ±100, Δ = v = 1: |P_window − P| ≤ 1.83e-6 (see the Quantum Landau–Zener test)
        #expect(abs((1 - result.fidelity) - exp(-Double.pi / 2)) < 1.9e-6)
    }
}

@Suite("schedule names: one set for files and --schedule")
struct ScheduleNameTests {
    @Test("every library name is accepted as [schedule] type; a typo lists them")
    func names() throws {
        for name in ScheduleName.allCases where name != .problem {
            let text = """
                kind = "annealing"
                [problem]
                h = [0.0, 0.0]
                J = [[0, 1, -1.0]]
                [schedule]
                type = "\(name.rawValue)"
                total_time = 5.0
                """
            let spec = try AnnealingSpec.parse(try TOMLSection.parse(text, file: "s.toml"), directory: URL(fileURLWithPath: "/"))
            switch spec.schedule {
            case .library(let n, _, _): #expect(n == name)
            case .linear: #expect(name == .linear)
            case .cosine: #expect(name == .cosine)
            case .boundaryCancelling: #expect(name == .boundaryCancelling)
            case .rolandCerf: #expect(name == .rolandCerf)
            case .points: Issue.record("\(name) read as points")
            }
        }
        #expect(
            Set(AnnealingScheduleSpec.names)
                == Set(ScheduleName.allCases.filter { $0 != .problem }.map(\.rawValue) + ["points", "table"]))
        let typo = "kind = \"annealing\"\n[problem]\nh = [0.0, 0.0]\nJ = [[0, 1, -1.0]]\n[schedule]\ntype = \"gap-adaptiv\"\n"
        do {
            _ = try AnnealingSpec.parse(try TOMLSection.parse(typo, file: "s.toml"), directory: URL(fileURLWithPath: "/"))
            Issue.record("a misspelt schedule was accepted")
        } catch let e as InputError {
            #expect(e.description.contains("gap-adaptive") && e.description.contains("s.toml:6"), "\(e)")
        }
    }
}
