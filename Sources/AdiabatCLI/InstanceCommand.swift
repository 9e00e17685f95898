import ArgumentParser
import Bridge
import Foundation

/// `adiabat instance KIND --size N --output FILE`: writes a benchmark instance (SK, 3-regular
/// Max-Cut, 2-D ±J glass) as dimod BQM JSON or COO, reproducible from `--seed`.
struct InstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract:
            "Write a benchmark spin-glass instance (sk, maxcut3, glass2d) as dimod BQM JSON (.json), COO (.coo) or a TOML problem file (.toml).",
        discussion: """
            sk: Sherrington–Kirkpatrick, J_ij ~ N(0, 1/n), --size spins. maxcut3: Max-Cut of a random \
            3-regular graph, --size vertices (even), energy = −cut. glass2d: ±J on an L×L torus, \
            --size L. With --size small enough (at most 24 spins) the exact ground energy is \
            computed and printed, ready for a TOML file's [problem] ground_energy. glass2d --planted \
            (even L ≥ 4) plants a ground state: edge-disjoint ferromagnetic or frustrated plaquettes \
            (--frustrated-fraction of them frustrated), gauge-transformed by a random state, so the \
            ground energy −2L² + 2·(frustrated tiles) is known at any size. With --output FILE.toml the \
            instance goes to FILE.json beside it and the TOML file wraps it, with the ground energy \
            (planted or exact) as [problem] ground_energy, the reference of the spin samplers. See \
            docs/sqa.md.
            """)

    @Argument(help: "sk | maxcut3 | glass2d")
    var kind: SpinGlassInstances.Kind

    @Option(name: .long, parsing: .unconditional, help: "Spins (sk), vertices (maxcut3) or the lattice side L (glass2d).")
    var size: Int

    @Option(name: .long, help: "The file to write: .json (dimod BQM), .coo, or .toml (a problem file and the .json beside it).")
    var output: String

    @Flag(name: .long, help: "glass2d only: plant a ground state of known energy (even L ≥ 4).")
    var planted = false

    @Option(
        name: .long, parsing: .unconditional,
        help: "With --planted: the fraction of tiles that are frustrated (0 = a gauge-transformed ferromagnet; default 0.5).")
    var frustratedFraction: Double?

    @OptionGroup var common: CommonOptions

    func run() throws {
        let url = URL(fileURLWithPath: output)
        let ext = url.pathExtension.lowercased()
        guard ext == "json" || ext == "coo" || ext == "toml" else {
            throw ValidationError("--output must end in .json (dimod BQM), .coo or .toml (got \(output))")
        }
        guard !planted || kind == .glass2d else {
            throw ValidationError("--planted plants a ground state in glass2d instances only (got \(kind.rawValue))")
        }
        guard planted || frustratedFraction == nil else {
            throw ValidationError("--frustrated-fraction needs --planted")
        }
        try Output.checkWritable(output)
        let model: BinaryQuadraticModel
        var plantedGlass: SpinGlassInstances.PlantedGlass? = nil
        if planted {
            let glass = try SpinGlassInstances.plantedSquareGlass(
                side: size, frustratedFraction: frustratedFraction ?? 0.5, seed: common.seed)
            model = glass.model
            plantedGlass = glass
        } else {
            model = try SpinGlassInstances.make(kind, size: size, seed: common.seed)
        }
        var ground = plantedGlass?.groundEnergy
        var source = plantedGlass == nil ? nil : "planted"
        if ground == nil, model.variableCount <= SpinReadout.enumerationLimit {
            ground = try model.ising.groundStates().energy
            source = "exact"
        }
        let name = kind.rawValue + (planted ? "-planted" : "")
        var files: [(URL, Data)] = []
        var written = output
        if ext == "toml" {
            let data = url.deletingPathExtension().appendingPathExtension("json")
            written = data.path
            let stem = url.deletingPathExtension().lastPathComponent
            let tiles = plantedGlass.map { ", \($0.frustratedTiles) frustrated tiles" } ?? ""
            var lines = [
                "name = \"\(stem)\"",
                "kind = \"annealing\"",
                "description = \"\(name) instance, --size \(size), seed \(common.seed)\(tiles) (adiabat instance)\"",
                "",
                "[problem]",
                "file = \"\(data.lastPathComponent)\"",
            ]
            if let ground, let source {
                let why = source == "planted" ? "the planted ground state" : "exact enumeration"
                lines.append("ground_energy = \(ground)   # \(why)")
            }
            lines += ["", "[schedule]", "type = \"linear\"", "total_time = 10.0", ""]
            files.append((data, Data(try AnnealingFormats.writeJSON(model).utf8)))
            files.append((url, Data(lines.joined(separator: "\n").utf8)))
        } else {
            let text = ext == "json" ? try AnnealingFormats.writeJSON(model) : try AnnealingFormats.writeCOO(model)
            files.append((url, Data(text.utf8)))
        }
        try OutputFile.writeTogether(files)
        struct Summary: Encodable {
            var kind: String
            var spins: Int
            var couplings: Int
            var seed: UInt64
            var file: String
            var problemFile: String?
            var groundEnergy: Double?
            var groundEnergySource: String?
            var frustratedTiles: Int?
            var plantedState: [Int]?
        }
        let summary = Summary(
            kind: name, spins: model.variableCount, couplings: model.quadratic.count, seed: common.seed,
            file: written, problemFile: ext == "toml" ? output : nil, groundEnergy: ground, groundEnergySource: source,
            frustratedTiles: plantedGlass?.frustratedTiles, plantedState: plantedGlass?.state)
        if common.json {
            try Output.json(summary)
        } else {
            Output.line(
                "wrote \(written): \(name), \(model.variableCount) spins, \(model.quadratic.count) couplings, seed \(common.seed)"
            )
            if ext == "toml" { Output.line("wrote \(output): the problem file") }
            if let ground, let source {
                Output.line(
                    "ground energy \(ground) ("
                        + (source == "planted"
                            ? "planted: \(plantedGlass!.frustratedTiles) of \(model.variableCount / 2) tiles frustrated)"
                            : "exact enumeration)"))
            }
        }
    }
}

extension InstanceCommand: Exemplified {
    static let examples = [
        "adiabat instance glass2d --size 4 --output glass.json",
        "adiabat instance maxcut3 --size 20 --seed 3 --output maxcut.coo",
        "adiabat instance glass2d --planted --size 16 --output planted16.toml",
    ]
}
