import AdiabatCore
import Diffusion
import Foundation
import Problems
import Quantum
import Reports

/// The reads of a spin sampler as a dimod `SampleSet` (docs/data-out.md#spin-samples): one row
/// per read, the values in the problem's own vartype (SPIN ±1, or BINARY 0/1 with dimod's
/// `x = (1 + z)/2`), the variables in the problem's order with its own labels, and each read's
/// energy under the problem's BQM, offset included (dimod's `bqm.energies`).
public struct SpinSampleSet: Sendable {
    public var labels: [String]
    /// Labels that are strings although they read as integers (``BinaryQuadraticModel/textLabels``).
    public var textLabels: Set<String> = []
    public var vartype: Vartype
    /// Row-major `reads × variables`, values in ``vartype``.
    public var samples: [Int8]
    public var energies: [Double]
    /// `sampler`, `schedule`, `seed` and the sampler's settings (numbers as numbers).
    public var info: [String: SettingValue]

    public var reads: Int { energies.count }
    public var variables: Int { labels.count }

    /// The reads of `result` (basis indices of the problem's register: bit `i` set ↔ `zᵢ = −1`).
    public init(result: SpinSampleResult, spec: AnnealingSpec, seed: UInt64) throws {
        guard spec.diagonalTerms.isEmpty else {
            throw InputError(
                "sample.output",
                "'\(spec.name)' is a search problem (an oracle, not a quadratic model); its reads have no dimod energies",
                hint: "write the reads of an Ising or QUBO problem")
        }
        var info = result.settings
        info["sampler"] = .text(result.sampler)
        info["seed"] = .number(Double(seed))
        if info["schedule"] == nil, let beta = result.settings["beta_schedule"] { info["schedule"] = beta }
        self.init(states: result.states, model: spec.model, info: info)
    }

    /// Reads given as basis indices of `model`'s register (bit `i` set ↔ `zᵢ = −1`).
    public init(states: [Int], model: BinaryQuadraticModel, info: [String: SettingValue] = [:]) {
        let n = model.variableCount
        labels = model.labels
        textLabels = model.textLabels
        vartype = model.vartype
        var values = [Int8](repeating: 0, count: states.count * n)
        var energies = [Double](repeating: 0, count: states.count)
        var row = [Int](repeating: 0, count: n)
        for (r, k) in states.enumerated() {
            for i in 0..<n {
                let z = (k >> i) & 1 == 0 ? 1 : -1
                row[i] = model.vartype == .spin ? z : (1 + z) / 2
                values[r * n + i] = Int8(row[i])
            }
            energies[r] = model.energy(row)
        }
        samples = values
        self.energies = energies
        self.info = info
    }

    /// A label as dimod writes it: decimal integers as JSON integers, anything else a string.
    static func jsonLabel(_ label: String, text: Set<String> = []) -> Any {
        if !text.contains(label), let v = Int(label), String(v) == label { return v }
        return label
    }

    static func jsonValue(_ value: SettingValue) -> Any {
        switch value {
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? Int(x) as Any : x as Any
        case .text(let s): return s
        }
    }

    /// dimod's serialisable form (`SampleSet.to_serializable(pack_samples=False)`, schema
    /// 3.2.0): `dimod.SampleSet.from_serializable(json.load(f))` reads it.
    public func serializable() throws -> Data {
        func array(_ data: Any, _ type: String, _ shape: [Int]) -> [String: Any] {
            ["type": "array", "data": data, "data_type": type, "shape": shape, "use_bytes": false]
        }
        let rows = (0..<reads).map { r in (0..<variables).map { Int(samples[r * variables + $0]) } }
        let object: [String: Any] = [
            "type": "SampleSet",
            "version": ["sampleset_schema": "3.2.0"],
            "num_variables": variables,
            "num_rows": reads,
            "sample_data": array(rows, "int8", [reads, variables]),
            "sample_type": "int8",
            "sample_packed": false,
            "vectors": [
                "energy": array(energies, "float64", [reads]),
                "num_occurrences": array([Int](repeating: 1, count: reads), "int64", [reads]),
            ],
            "variable_labels": labels.map { Self.jsonLabel($0, text: textLabels) },
            "variable_type": vartype.rawValue,
            "info": info.mapValues(Self.jsonValue),
        ]
        return try DataFile.json(object)
    }

    /// CSV: a header of the labels then `energy,num_occurrences`; one line per read.
    public func csv() -> Data {
        var text = (labels.map(Self.csvField) + ["energy", "num_occurrences"]).joined(separator: ",") + "\n"
        for r in 0..<reads {
            text += (0..<variables).map { "\(samples[r * variables + $0])" }.joined(separator: ",")
            text += ",\(energies[r]),1\n"
        }
        return Data(text.utf8)
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// `.npy`: the samples as `int8`, shape `(reads, variables)`; the companion JSON holds the
    /// labels, vartype, energies and info.
    public func npy() throws -> (array: Data, companion: Data) {
        let array = NPYWriter.int8(samples, shape: [reads, variables])
        let companion: [String: Any] = [
            "format": "adiabat spin samples",
            "array": ["dtype": "int8", "shape": [reads, variables], "rows": "reads", "columns": "variables"],
            "variable_labels": labels.map { Self.jsonLabel($0, text: textLabels) },
            "variable_type": vartype.rawValue,
            "energy": energies,
            "num_occurrences": [Int](repeating: 1, count: reads),
            "info": info.mapValues(Self.jsonValue),
        ]
        return (array, try DataFile.json(companion))
    }

    /// Writes to `path` by its suffix (`.json`, `.csv`, `.npy` with its companion JSON).
    public func write(to path: String, parameter: String = "sample.output") throws {
        switch DataFile.suffix(of: path) {
        case "json": try DataFile.write(try serializable(), to: path, parameter: parameter)
        case "csv": try DataFile.write(csv(), to: path, parameter: parameter)
        default:
            let (array, companion) = try npy()
            try DataFile.writeArray(array, companion: companion, to: path, parameter: parameter)
        }
    }

    public static let suffixes = ["json", "csv", "npy"]
}

/// The output of a landscape sampler: the samples (`.csv`: `x[,y[,z]]` per row; `.npy`:
/// float64 `(M, d)`) or, for the Fokker–Planck sampler, the density on the grid (`.csv`:
/// `x[,y],density`; `.npy`: float64 of the grid's shape, last axis fastest, with the axes in
/// the companion JSON).
public enum LandscapeSampleFile {
    public static let suffixes = ["csv", "npy"]

    public static func write(_ outcome: SamplingOutcome, grid: UniformGrid, to path: String, parameter: String = "sample.output")
        throws
    {
        let d = grid.dimension
        let names = ["x", "y", "z"].prefix(d)
        if DataFile.suffix(of: path) == "npy" {
            if let samples = outcome.samples {
                let companion: [String: Any] = [
                    "format": "adiabat landscape samples", "array": ["dtype": "float64", "shape": [samples.count / d, d]],
                    "columns": Array(names),
                ]
                try DataFile.writeArray(
                    NPYWriter.float64(samples, shape: [samples.count / d, d]), companion: companion, to: path,
                    parameter: parameter)
            } else if let density = outcome.density {
                try DataFile.writeArray(
                    NPYWriter.float64(density.values, shape: grid.points),
                    companion: GridFiles.companion(grid, format: "adiabat density on a grid", dtype: "float64"), to: path,
                    parameter: parameter)
            }
            return
        }
        var text = ""
        if let samples = outcome.samples {
            text.reserveCapacity(samples.count * 22)
            text += names.joined(separator: ",") + "\n"
            for i in 0..<(samples.count / d) {
                text += (0..<d).map { "\(samples[i * d + $0])" }.joined(separator: ",") + "\n"
            }
        } else if let density = outcome.density {
            text += names.joined(separator: ",") + ",density\n"
            var x = [Double](repeating: 0, count: d)
            for k in 0..<grid.count {
                grid.point(k, into: &x)
                text += x.map { "\($0)" }.joined(separator: ",") + ",\(density.values[k])\n"
            }
        }
        try DataFile.write(Data(text.utf8), to: path, parameter: parameter)
    }
}

/// Companion JSON of an array on a uniform grid.
enum GridFiles {
    static func companion(_ grid: UniformGrid, format: String, dtype: String, leading: [Int] = [], extra: [String: Any] = [:])
        -> [String: Any]
    {
        var object: [String: Any] = [
            "format": format,
            "array": ["dtype": dtype, "shape": leading + grid.points, "order": "C (last axis fastest)"],
            "grid": [
                "lower": grid.lower, "upper": grid.upper, "points": grid.points,
                "spacing": grid.spacing,
                "normalisation": "sum |psi|^2 * prod(spacing) = 1 (wave functions)",
            ],
        ]
        for (k, v) in extra { object[k] = v }
        return object
    }
}
