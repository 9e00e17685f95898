import Foundation
import Testing

/// The repository root: three levels above this file (`Tests/DocsTests/DocLinkTests.swift`).
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A Markdown page: its path from the root, its lines, and its headings.
private struct Page {
    var path: String
    var url: URL
    var text: String
    /// GitHub anchors of the headings (duplicates numbered `-1`, `-2`, … as GitHub does).
    var anchors: Set<String>
    /// Section numbers of numbered headings: `## §6 …`, `### §6.2 …`, `## 3. …` give 6, 6.2, 3.
    var sections: Set<String>

    init(path: String) throws {
        self.path = path
        url = root.appendingPathComponent(path)
        text = try String(contentsOf: url, encoding: .utf8)
        var anchors: Set<String> = []
        var sections: Set<String> = []
        var counts: [String: Int] = [:]
        for heading in Self.headings(text) {
            let slug = Self.slug(heading)
            let n = counts[slug, default: 0]
            counts[slug] = n + 1
            anchors.insert(n == 0 ? slug : "\(slug)-\(n)")
            if let m = heading.firstMatch(of: /^§?(\d+(?:\.\d+)*)\.?\s/) { sections.insert(String(m.1)) }
        }
        self.anchors = anchors
        self.sections = sections
    }

    /// ATX headings outside fenced code blocks, without their `#`s.
    static func headings(_ text: String) -> [String] {
        var out: [String] = []
        var fenced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                fenced.toggle()
                continue
            }
            guard !fenced, let m = line.firstMatch(of: /^#{1,6}\s+(.*?)\s*#*\s*$/) else { continue }
            out.append(String(m.1))
        }
        return out
    }

    /// GitHub's anchor for a heading: lower case; letters, marks, decimal and letter numbers,
    /// `_` and `-` kept, spaces become `-`, everything else (punctuation, symbols, `§`, `½`,
    /// backticks) dropped. Inline links keep their text.
    static func slug(_ heading: String) -> String {
        let plain = heading.replacing(/\[([^\]]*)\]\([^)]*\)/) { String($0.1) }
        var out = ""
        for scalar in plain.lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .nonspacingMark,
                .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .connectorPunctuation:
                out.unicodeScalars.append(scalar)
            default:
                if scalar == " " { out.append("-") } else if scalar == "-" { out.append("-") }
            }
        }
        return out
    }
}

/// README.md and every page in docs/.
private func pages() throws -> [Page] {
    let docs = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
        .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
    return try (["README.md"] + docs).map { try Page(path: $0) }
}

/// Text with fenced code blocks and inline code spans blanked out (links there are not links).
private func prose(_ text: String) -> String {
    var lines: [Substring] = []
    var fenced = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        if line.hasPrefix("```") || line.hasPrefix("~~~") {
            fenced.toggle()
            lines.append("")
            continue
        }
        lines.append(fenced ? "" : line)
    }
    return lines.joined(separator: "\n").replacing(/`[^`\n]*`/, with: "")
}

/// The problems a set of pages has with its links: a missing file, or an anchor that no heading
/// of the target page produces. Exposed for the self-check below.
private func linkProblems(in page: Page, pages: [String: Page]) -> [String] {
    var problems: [String] = []
    let body = prose(page.text)
    var targets: [String] = body.matches(of: /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/).map { String($0.1) }
    targets += body.matches(of: /(?m)^\s*\[[^\]]+\]:\s*(\S+)/).map { String($0.1) }
    for target in targets {
        if target.contains("://") || target.hasPrefix("mailto:") { continue }
        let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let file = String(parts[0])
        let fragment = parts.count > 1 ? String(parts[1]) : nil
        let destination: URL
        if file.isEmpty {
            destination = page.url
        } else {
            destination = page.url.deletingLastPathComponent().appendingPathComponent(file).standardizedFileURL
            guard FileManager.default.fileExists(atPath: destination.path) else {
                problems.append("\(page.path): link to \(target): \(file) does not exist")
                continue
            }
        }
        guard let fragment, !fragment.isEmpty else { continue }
        let relative = destination.path.replacingOccurrences(of: root.standardizedFileURL.path + "/", with: "")
        guard let linked = pages[relative] else {
            problems.append("\(page.path): link to \(target): an anchor into \(relative), which is not a checked page")
            continue
        }
        let anchor = fragment.removingPercentEncoding ?? fragment
        if !linked.anchors.contains(anchor) {
            problems.append("\(page.path): link to \(target): no heading of \(relative) has the anchor #\(anchor)")
        }
    }
    return problems
}

/// `NAME.md §N` references (lists such as `§2, §5–§7` included) and `theory.md (N)` equation
/// references in `text`, checked against the pages' numbered headings and theory.md's equation
/// labels.
private func referenceProblems(in text: String, at place: String, pages: [String: Page]) -> [String] {
    var problems: [String] = []
    let byName = Dictionary(pages.values.map { (URL(fileURLWithPath: $0.path).lastPathComponent, $0) }) { a, _ in a }
    for m in text.matches(of: /([A-Za-z0-9_.-]+\.md)\)?\s+((?:§\d+(?:\.\d+)*)(?:\s*(?:,|–|-|and)\s*§\d+(?:\.\d+)*)*)/) {
        let name = URL(fileURLWithPath: String(m.1)).lastPathComponent
        guard let page = byName[name] else {
            problems.append("\(place): '\(m.0)' cites \(name), which is not in README.md or docs/")
            continue
        }
        for section in String(m.2).matches(of: /§(\d+(?:\.\d+)*)/).map({ String($0.1) })
        where !page.sections.contains(section) {
            problems.append("\(place): '\(m.0)': \(page.path) has no section §\(section)")
        }
    }
    if let theory = byName["theory.md"] {
        for m in text.matches(of: /theory\.md \((\d+)\)/) {
            let label = "(\(m.1))"
            let labelled = theory.text.split(separator: "\n").contains { $0.hasSuffix(label) && $0.hasPrefix("    ") }
            if !labelled { problems.append("\(place): '\(m.0)': theory.md has no equation \(label)") }
        }
    }
    return problems
}

@Suite("Documentation links and references")
struct DocLinkTests {
    @Test("every relative link in README.md and docs/*.md exists, and every #anchor matches a heading")
    func links() throws {
        let all = try pages()
        let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
        #expect(byPath["docs/theory.md"] != nil)
        let problems = all.flatMap { linkProblems(in: $0, pages: byPath) }
        #expect(problems.isEmpty, "\(problems.count) broken links:\n\(problems.joined(separator: "\n"))")
    }

    @Test("every 'NAME.md §N' and 'theory.md (N)' in the docs, sources, tests and problems names an existing section")
    func sectionReferences() throws {
        let all = try pages()
        let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
        var problems: [String] = []
        var count = 0
        for page in all {
            count += page.text.matches(of: /\.md\)?\s+§\d/).count
            problems += referenceProblems(in: page.text, at: page.path, pages: byPath)
        }
        // The same references in code comments, report strings and problem files.
        for folder in ["Sources", "Tests", "problems", "benchmarks"] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker
            where ["swift", "toml", "md", "py", "csv"].contains(url.pathExtension) && !url.path.contains("/.")
                && !url.path.contains("/DocsTests/")  // this file's own examples of broken references
            {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                let place = url.path.replacingOccurrences(of: root.path + "/", with: "")
                count += text.matches(of: /\.md\)?\s+§\d/).count
                problems += referenceProblems(in: text, at: place, pages: byPath)
            }
        }
        #expect(count > 50, "only \(count) section references found: is the scan looking in the right place?")
        #expect(problems.isEmpty, "\(problems.count) dangling references:\n\(problems.joined(separator: "\n"))")
    }

    @Test("the repository stands alone: no reference to the team's notes outside it")
    func standsAlone() throws {
        // Spelled in pieces so that this file does not match itself.
        let forbidden = ["THEO" + "RY.md", "../sha" + "red/", "sha" + "red/docs", "sha" + "red/background"]
        var hits: [String] = []
        for folder in ["Sources", "Tests", "problems", "benchmarks", "docs"] {
            guard
                let walker = FileManager.default.enumerator(
                    at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            else { continue }
            for case let url as URL in walker where !url.path.contains("/.") {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                for word in forbidden where text.contains(word) { hits.append("\(url.lastPathComponent): \(word)") }
            }
        }
        for file in ["README.md", "Makefile", "Package.swift"] {
            let text = (try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)) ?? ""
            for word in forbidden where text.contains(word) { hits.append("\(file): \(word)") }
        }
        #expect(hits.isEmpty, "\(hits)")
    }

    /// The checker itself: GitHub's anchors for headings like ours, and a broken link and a
    /// dangling section reference are caught.
    @Test("the checker: GitHub slugs, and a broken link or a missing section is reported")
    func checker() throws {
        #expect(Page.slug("§6.2 Classical fidelity: both bounds hold") == "62-classical-fidelity-both-bounds-hold")
        #expect(Page.slug("Where Adiabat is not ahead, and the plan") == "where-adiabat-is-not-ahead-and-the-plan")
        #expect(Page.slug("`adiabat compare`: both sides on one page") == "adiabat-compare-both-sides-on-one-page")
        #expect(Page.slug("The sign of `½∇·s` (snake_case)") == "the-sign-of-s-snake_case")
        let all = try pages()
        let byPath = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
        var fake = try #require(byPath["docs/tutorial.md"])
        fake.text = "[a](theory.md#no-such-heading) [b](nowhere.md) [c](theory.md#6-metrics-and-the-inequalities-between-them)"
        let problems = linkProblems(in: fake, pages: byPath)
        #expect(problems.count == 2, "\(problems)")
        #expect(referenceProblems(in: "see theory.md §6.2 and theory.md §2, §42", at: "x", pages: byPath).count == 1)
        #expect(referenceProblems(in: "theory.md (4) and theory.md (9)", at: "x", pages: byPath).count == 1)
        #expect(referenceProblems(in: "nosuch.md §1", at: "x", pages: byPath).count == 1)
    }
}
