import AdiabatCore
import Problems
import Testing

@Suite("TOML reader with file:line errors")
struct TOMLTests {
    let sample = """
        # A problem file
        name = "tri-mix"
        kind = 'landscape'

        [landscape]
        type = "gaussian-mixture"
        weights = [0.2, 0.5, 0.3]
        means = [[-3.0], [0.5],
                 [2.5]]   # multi-line array
        covariances = [[[1, 0.5], [0.5, 1]]]
        stddevs = [4e-1, 7_0.0e-2, 0.3,]

        [grid]
        points = [801]
        inline = { a = 1, b = "x" }
        dotted.key = true

        [[layer]]
        n = 1
        [[layer]]
        n = 0x10
        """

    @Test("parses every construct problem files use")
    func parses() throws {
        let root = try TOMLSection.parse(sample, file: "p.toml")
        #expect(try root.requireString("name") == "tri-mix")
        #expect(try root.string("kind") == "landscape")
        let land = try root.requireSection("landscape")
        #expect(try land.requireDoubles("weights") == [0.2, 0.5, 0.3])
        #expect(try land.doubleRows("means") == [[-3], [0.5], [2.5]])
        #expect(try land.doubleMatrices("covariances") == [[[1, 0.5], [0.5, 1]]])
        #expect(try land.doubles("stddevs") == [0.4, 0.7, 0.3])
        let grid = try root.requireSection("grid")
        #expect(try grid.ints("points") == [801])
        #expect(try grid.requireSection("inline").requireInt("a") == 1)
        #expect(try grid.requireSection("dotted").bool("key") == true)
        let layers = try root.sections("layer") ?? []
        #expect(try layers.map { try $0.requireInt("n") } == [1, 16])
    }

    @Test("unknown keys are reported with their line and the allowed keys")
    func unknownKey() throws {
        let root = try TOMLSection.parse("name = \"x\"\nkidn = \"landscape\"\n", file: "p.toml")
        _ = try root.string("name")
        _ = try root.string("kind")
        do {
            try root.finish()
            Issue.record("unknown key accepted")
        } catch let error as InputError {
            #expect(error.location == "p.toml:2")
            #expect(error.message.contains("kidn"))
            #expect(error.hint.contains("kind"))
        }
    }

    @Test(
        "syntax and type errors name the file and line",
        arguments: [
            ("a = \n", 1, "expected a value"),
            ("a = 1\nb = [1, 2\n", 3, "unterminated array"),
            ("a = 1\na = 2\n", 2, "defined twice"),
            ("[t]\nx = 1\n[t]\n", 3, "defined twice"),
            ("a = \"open\n", 1, "unterminated string"),
            ("a = 1979-05-27\n", 1, "dates"),
            ("a = 1 2\n", 1, "unexpected"),
            ("a = hello\n", 1, "not a number"),
        ])
    func syntaxErrors(text: String, line: Int, fragment: String) {
        do {
            _ = try TOMLSection.parse(text, file: "bad.toml")
            Issue.record("accepted: \(text)")
        } catch let error as InputError {
            #expect(error.location == "bad.toml:\(line)", "\(error)")
            #expect(error.message.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("values of the wrong type or non-finite numbers are rejected at their line")
    func typeErrors() throws {
        let root = try TOMLSection.parse("a = \"x\"\nb = [1, \"two\"]\nc = nan\nd = [1, inf]\n", file: "t.toml")
        #expect(throws: InputError.self) { _ = try root.double("a") }
        do {
            _ = try root.doubles("b")
            Issue.record("mixed array accepted")
        } catch let error as InputError {
            #expect(error.location == "t.toml:2")
            #expect(error.message.contains("b[1]"))
        }
        #expect(throws: InputError.self) { _ = try root.double("c") }
        #expect(throws: InputError.self) { _ = try root.doubles("d") }
        #expect(throws: InputError.self) { _ = try root.requireSection("missing") }
        #expect(throws: InputError.self) { _ = try root.choice("a", ["y", "z"]) }
    }
}
