import ArgumentParser
import Bridge
import Foundation

extension SpinGlassInstances.Kind: ExpressibleByArgument {}

/// `adiabat instance KIND --size N --output FILE`: writes a benchmark instance (SK, 3-regular
/// Max-Cut, 2-D ±J glass) as dimod BQM JSON or COO, reproducible from `--seed`.
struct InstanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "instance",
        abstract: "Write a benchmark spin-glass instance (sk, maxcut3, glass2d) as dimod BQM JSON (.json) or COO (.coo).",
        discussion: """
            sk: Sherrington–Kirkpatrick, J_ij ~ N(0, 1/n), --size spins. maxcut3: Max-Cut of a random \
            3-regular graph, --size vertices (even), energy = −cut. glass2d: ±J on an L×L torus, \
            --size L. With --size small enough (at most 24 spins) the exact ground energy is \
            computed and printed, ready for a TOML file's [problem] ground_energy. See docs/sqa.md.
            """)

    @Argument(help: "sk | maxcut3 | glass2d")
    var kind: SpinGlassInstances.Kind

    @Option(name: .long, parsing: .unconditional, help: "Spins (sk), vertices (maxcut3) or the lattice side L (glass2d).")
    var size: Int

    @Option(name: .long, help: "The file to write: .json (dimod BQM) or .coo.")
    var output: String

    @OptionGroup var common: CommonOptions

    func run() throws {
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        guard ext == "json" || ext == "coo" else {
            throw ValidationError("--output must end in .json (dimod BQM) or .coo (got \(output))")
        }
        try Output.checkWritable(output)
        let model = try SpinGlassInstances.make(kind, size: size, seed: common.seed)
        let text = ext == "json" ? try AnnealingFormats.writeJSON(model) : try AnnealingFormats.writeCOO(model)
        var ground: Double? = nil
        if model.variableCount <= SpinReadout.enumerationLimit { ground = try model.ising.groundStates().energy }
        try Output.writeAtomically(Data(text.utf8), to: output)
        struct Summary: Encodable {
            var kind: String
            var spins: Int
            var couplings: Int
            var seed: UInt64
            var file: String
            var groundEnergy: Double?
            enum CodingKeys: String, CodingKey {
                case kind, spins, couplings, seed, file
                case groundEnergy = "ground_energy"
            }
        }
        let summary = Summary(
            kind: kind.rawValue, spins: model.variableCount, couplings: model.quadratic.count, seed: common.seed,
            file: output, groundEnergy: ground)
        if common.json {
            try Output.json(summary)
        } else {
            Output.line(
                "wrote \(output): \(kind.rawValue), \(model.variableCount) spins, \(model.quadratic.count) couplings, seed \(common.seed)"
            )
            if let ground { Output.line("ground energy \(ground) (exact enumeration)") }
        }
    }
}

extension InstanceCommand: Exemplified {
    static let examples = [
        "adiabat instance glass2d --size 4 --output glass.json",
        "adiabat instance maxcut3 --size 20 --seed 3 --output maxcut.coo",
    ]
}
