import AdiabatCore
import Bridge
import Foundation
import Problems
import Quantum
import Reports
import Testing

/// The data-out formats (docs/data-out.md) against fixtures written once by NumPy and dimod
/// (tools/interop/make_fixtures.py; Tests/BridgeTests/Fixtures/DataOut).
@Suite("Data out: .npy, dimod SampleSet and BQM files against NumPy's and dimod's own")
struct DataOutTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/DataOut")

    static func fixture(_ name: String) throws -> Data { try Data(contentsOf: fixtures.appendingPathComponent(name)) }

    static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A fresh folder under the system's temporary folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("adiabat-dataout-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: .npy

    @Test("NPYWriter writes byte for byte what numpy.save writes (every dtype, 1-3 axes)")
    func npyBytes() throws {
        #expect(
            NPYWriter.float64([1.5, -2.0, 0.1, 3.0, 1e-300, -0.0], shape: [2, 3]) == (try Self.fixture("float64_2x3.npy")))
        #expect(
            NPYWriter.complex128(interleaved: [1, 2, -0.0, -0.5, 0.25, 0, -1, -1], shape: [4])  // NumPy: -0.5j = (-0 - 0.5j)
                == (try Self.fixture("complex128_4.npy")))
        #expect(NPYWriter.int8([1, -1, -1, -1, 1, 1], shape: [3, 2]) == (try Self.fixture("int8_3x2.npy")))
        #expect(NPYWriter.int64([1, 2, 3, -4, 5], shape: [5]) == (try Self.fixture("int64_5.npy")))
        #expect(NPYWriter.float64([0, 1, 2, 3, 4, 5], shape: [2, 1, 3]) == (try Self.fixture("float64_2x1x3.npy")))
    }

    @Test("NPY headers end in a newline and put the data at a multiple of 64 bytes")
    func npyAlignment() {
        for shape in [[1], [7, 3], [1024], [3, 5, 7], [100_000, 1024]] {
            let h = NPYWriter.header(.complex128, shape: shape)
            #expect(h.count % 64 == 0)
            #expect(h.last == 0x0A)
            #expect(Int(h[8]) + Int(h[9]) << 8 == h.count - 10)
        }
    }

    // MARK: register order

    @Test("register files are in tensor-product order: qubit 0 is the most significant bit")
    func registerOrder() {
        #expect(StateFiles.fileIndex(1, qubits: 3) == 4)  // qubit 0 flipped: |100⟩
        #expect(StateFiles.fileIndex(4, qubits: 3) == 1)  // qubit 2 flipped: |001⟩
        #expect(StateFiles.fileIndex(6, qubits: 3) == 3)
        let psi: [Double] = [1, 0, 2, 0, 3, 0, 4, 0]  // amplitudes of k = 0…3 on 2 qubits
        #expect(StateFiles.fileOrder(psi, qubits: 2, components: 2) == [1, 0, 3, 0, 2, 0, 4, 0])
    }

    // MARK: dimod

    @Test("a dimod BQM with string labels and an offset round-trips through Adiabat's BQM JSON")
    func bqmRoundTrip() throws {
        let text = String(decoding: try Self.fixture("bqm_strings.json"), as: UTF8.self)
        let model = try AnnealingFormats.parseJSON(text, file: "bqm_strings.json")
        #expect(model.labels == ["b", "q0", "q1"])  // dimod's order, kept
        #expect(model.offset == 0.125)
        let written = try AnnealingFormats.writeJSON(model)
        #expect(try AnnealingFormats.parseJSON(written, file: "out.json") == model)
        let ours = try Self.object(Data(written.utf8))
        let theirs = try Self.object(try Self.fixture("bqm_strings.json"))
        #expect(Set(ours.keys) == Set(theirs.keys))
        #expect(ours["variable_labels"] as? [String] == theirs["variable_labels"] as? [String])
        #expect(ours["variable_type"] as? String == "SPIN")
    }

    @Test("a label \"5\" stays a string and every bias reads back bit for bit")
    func exactJSON() throws {
        let text = """
            {"type": "BinaryQuadraticModel", "version": {"bqm_schema": "3.0.0"}, "use_bytes": false,
             "index_type": "int32", "bias_type": "float64", "num_variables": 2, "num_interactions": 1,
             "variable_labels": ["5", 7], "variable_type": "SPIN", "offset": -0.22630550150394949, "info": {},
             "linear_biases": [-0.22630550150394949, 0.12142495353950104], "quadratic_biases": [-0.4014184679914383],
             "quadratic_head": [0], "quadratic_tail": [1]}
            """
        let model = try AnnealingFormats.parseJSON(text, file: "x.json")
        #expect(model.linear == [-0.22630550150394949, 0.12142495353950104])
        #expect(model.quadratic[0].value == -0.4014184679914383)
        #expect(model.offset == -0.22630550150394949)
        let written = try Self.object(Data(try AnnealingFormats.writeJSON(model).utf8))
        let labels = try #require(written["variable_labels"] as? [Any])
        #expect(labels[0] as? String == "5")
        #expect(labels[1] as? Int == 7)
        #expect(try AnnealingFormats.parseJSON(try AnnealingFormats.writeJSON(model), file: "y.json") == model)
    }

    @Test("dimod's default COO dump (no vartype header) is read with --vartype, refused without it")
    func headerlessCOO() throws {
        let text = String(decoding: try Self.fixture("bqm_noheader.coo"), as: UTF8.self)
        let model = try AnnealingFormats.parseCOO(text, file: "x.coo", vartype: .binary)
        #expect(model.vartype == .binary)
        #expect(model.labels == ["0", "1", "2"])
        #expect(model.linear == [0.5, -1.0, 0.25])
        do {
            _ = try AnnealingFormats.parseCOO(text, file: "x.coo")
            Issue.record("a header-less COO file was read without a vartype")
        } catch let e as InputError {
            #expect(e.hint.contains("--vartype"))
        }
        // Written back, it carries the header and reads back the same.
        let back = try AnnealingFormats.parseCOO(try AnnealingFormats.writeCOO(model), file: "y.coo")
        #expect(back == model)
    }

    @Test("Adiabat's SampleSet has dimod's keys and dimod's energies (offset included)")
    func sampleSet() throws {
        let bqmText = String(decoding: try Self.fixture("bqm_strings.json"), as: UTF8.self)
        let model = try AnnealingFormats.parseJSON(bqmText, file: "bqm_strings.json")
        let theirs = try Self.object(try Self.fixture("sampleset_strings.json"))
        let theirLabels = try #require(theirs["variable_labels"] as? [String])
        let sampleData = try #require(theirs["sample_data"] as? [String: Any])
        let rows = try #require(sampleData["data"] as? [[Int]])
        let vectors = try #require(theirs["vectors"] as? [String: Any])
        let energy = try #require(vectors["energy"] as? [String: Any])
        let theirEnergies = try #require(energy["data"] as? [Double])
        // The same reads as basis indices of our register (bit i set ↔ z_i = −1).
        let states = rows.map { row -> Int in
            var k = 0
            for (column, label) in theirLabels.enumerated() {
                let i = model.labels.firstIndex(of: label) ?? 0
                if row[column] == -1 { k |= 1 << i }
            }
            return k
        }
        let set = SpinSampleSet(states: states, model: model, info: ["sampler": "test", "seed": .number(7)])
        for (a, b) in zip(set.energies, theirEnergies) { #expect(abs(a - b) < 1e-12) }
        let ours = try Self.object(try set.serializable())
        #expect(Set(ours.keys) == Set(theirs.keys))
        for key in ["type", "sample_type", "variable_type"] { #expect(ours[key] as? String == theirs[key] as? String) }
        #expect(ours["sample_packed"] as? Bool == false)
        #expect((ours["version"] as? [String: String]) == (theirs["version"] as? [String: String]))
        let info = try #require(ours["info"] as? [String: Any])
        #expect(info["seed"] as? Int == 7)
        let csv = String(decoding: set.csv(), as: UTF8.self).split(separator: "\n")
        #expect(csv[0] == "b,q0,q1,energy,num_occurrences")
        #expect(csv.count == rows.count + 1)
    }

    @Test("BINARY reads use dimod's x = (1 + z)/2 and the BQM's own energies")
    func binaryReads() throws {
        let model = try BinaryQuadraticModel(
            labels: ["a", "b"], vartype: .binary, linear: [1, -2], quadratic: [Coupling(0, 1, 3)], offset: 0.5)
        let set = SpinSampleSet(states: [0, 1, 2, 3], model: model)
        #expect(set.samples == [1, 1, 0, 1, 1, 0, 0, 0])
        #expect(set.energies == [model.energy([1, 1]), model.energy([0, 1]), model.energy([1, 0]), 0.5])
    }

    // MARK: files

    @Test("output paths: a missing folder, an unknown suffix refused before any work; writes leave no temporary file")
    func files() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: InputError.self) {
            try DataFile.check(dir.appendingPathComponent("missing/x.npy").path, parameter: "p.q", suffixes: ["npy"])
        }
        do {
            try DataFile.check(dir.appendingPathComponent("x.txt").path, parameter: "sample.output", suffixes: ["npy", "csv"])
            Issue.record("a .txt output was accepted")
        } catch let e as InputError {
            #expect(e.location == "sample.output")
            #expect(e.hint.contains(".npy"))
        }
        let path = dir.appendingPathComponent("x.npy").path
        try DataFile.write(Data([1, 2, 3]), to: path, parameter: "p.q")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data([1, 2, 3]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["x.npy"])
        #expect(throws: InputError.self) {
            try DataFile.checkSize(1 << 40, parameter: "evolve.save_state", what: "a state")
        }
    }

    @Test("evolve saves ψ(T) as complex128 of 2ⁿ amplitudes with unit norm, and refuses a state above the limit first")
    func savedState() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("psi.npy").path
        var request = EvolveRequest()
        request.totalTime = 5
        request.saveState = path
        let problem = try Problem.load("maxcut6", seed: 1)
        guard case .annealing(_, let result) = try problem.evolve(request) else {
            Issue.record("maxcut6 is an annealing problem")
            return
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let header = NPYWriter.header(.complex128, shape: [64])
        #expect(data.prefix(header.count) == header)
        let values = data.dropFirst(header.count).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
        #expect(values.count == 128)
        #expect(abs(values.reduce(0) { $0 + $1 * $1 } - 1) < 1e-8)
        #expect(values == StateFiles.fileOrder(result.finalState, qubits: 6, components: 2))
        let companion = try Self.object(try Data(contentsOf: URL(fileURLWithPath: path + ".json")))
        let basis = try #require(companion["basis"] as? [String: Any])
        #expect((basis["order"] as? String)?.contains("most significant") == true)
        // Trajectory states without a trajectory: refused before the run.
        request.saveStateTimes = .trajectory
        #expect(throws: InputError.self) { _ = try problem.evolve(request) }
    }
}

@Suite("Schedule exports: D-Wave's anneal_schedule rules and diffusers' sigmas and timesteps")
struct ScheduleExportTests {
    static func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return ""
        } catch let e as InputError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    @Test("a valid forward anneal passes; each broken rule is one error that names it")
    func dwaveRules() throws {
        let rules = ScheduleExport.DWaveRules()
        #expect(try ScheduleExport.dwavePoints(.linear, totalTime: 20) == [[0, 0], [20, 1]])
        let pause = try Schedule.piecewiseLinear(r: [0, 1.0 / 3, 5.0 / 6, 1], u: [0, 0.45, 0.45, 1], name: "points")
        #expect(try ScheduleExport.dwavePoints(pause, totalTime: 12) == [[0, 0], [4, 0.45], [10, 0.45], [12, 1]])
        let cases: [([[Double]], String)] = [
            ([[0, 0], [0.2, 1]], "slope"),
            ([[1, 0], [20, 1]], "starts at t = 0"),
            ([[0, 0], [5, 0.5], [5, 1]], "times increase"),
            ([[0, 0], [20, 0.9]], "forward anneal ends at s = 1"),
            ([[0, 0.3], [20, 1]], "reverse anneal at s = 1"),
            ([[0, 0], [3000, 1]], "2000"),
            ((0..<13).map { [Double($0) * 10, Double($0) / 12] }, "at most 12 points"),
            ([[0, 1], [10, 0.5], [20, 1]], "initial state"),
        ]
        for (points, rule) in cases {
            let text = Self.message {
                try ScheduleExport.checkDWave(points, rules: rules, initialState: nil, requireState: true)
            }
            #expect(text.contains(rule), "\(points): \(text)")
        }
        // A reverse anneal with its initial state passes.
        try ScheduleExport.checkDWave(
            [[0, 1], [10, 0.5], [20, 0.5], [30, 1]], rules: rules, initialState: [1, -1], requireState: true)
    }

    @Test("diffusers: sigma = √((1 − ᾱ)/ᾱ) and timesteps on the default DDPM scale invert ᾱ_k")
    func diffusers() throws {
        let table = ScheduleExport.ddpmLinearAlphasCumprod()
        #expect(table.count == 1000)
        #expect(abs(table[0] - (1 - 1e-4)) < 1e-15)
        let export = try ScheduleExport.diffusers(.linear, tMax: 3, process: .ou, steps: 10)
        let alphaBar = try #require(export["alphas_cumprod"] as? [Double])
        let sigmas = try #require(export["sigmas"] as? [Double])
        let timesteps = try #require(export["timesteps"] as? [Double])
        #expect(alphaBar.count == 10)
        #expect(abs(alphaBar[0] - exp(-6)) < 1e-15)
        for (a, s) in zip(alphaBar, sigmas) { #expect(abs(s - ((1 - a) / a).squareRoot()) < 1e-12 * max(s, 1)) }
        for (a, k) in zip(alphaBar, timesteps) where k > 0 && k < 999 {
            let lo = Int(k)
            let f = k - Double(lo)
            let interpolated = exp((1 - f) * log(table[lo]) + f * log(table[lo + 1]))
            #expect(abs(interpolated - a) < 1e-12)
        }
        let ve = try ScheduleExport.diffusers(.linear, tMax: 2, process: .ve, steps: 4)
        #expect((ve["sigmas"] as? [Double])?.first == 2)
    }
}

@Suite("diffusers scheduler_config.json read as a schedule")
struct DiffusersConfigTests {
    static func config(_ json: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("scheduler-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        return url
    }

    @Test("scaled_linear (Stable Diffusion) is β linear in √β: λ(1) = −Σ log(1 − β_j)")
    func scaledLinear() throws {
        let url = try Self.config(
            #"{"_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear", "num_train_timesteps": 1000}"#
        )
        defer { try? FileManager.default.removeItem(at: url) }
        let noise = try DiffusersSchedulerConfig.read(url)
        var sum = 0.0
        for j in 0..<1000 {
            let root = 0.00085.squareRoot() + Double(j) / 999 * (0.012.squareRoot() - 0.00085.squareRoot())
            sum -= log1p(-root * root)
        }
        #expect(abs(noise.noiseLevel(at: 1) - sum) < 1e-12 * sum)
        #expect(noise.name == "ddpm-scaled-linear")
    }

    @Test("linear, cosine, Karras σ (EDM keys or use_karras_sigmas), and a refusal naming the key")
    func kinds() throws {
        let linear = try Self.config(#"{"beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}"#)
        let cosine = try Self.config(#"{"beta_schedule": "squaredcos_cap_v2"}"#)
        let edm = try Self.config(#"{"_class_name": "EDMEulerScheduler", "sigma_min": 0.002, "sigma_max": 80.0, "rho": 7.0}"#)
        let karras = try Self.config(#"{"beta_schedule": "linear", "use_karras_sigmas": true}"#)
        let bad = try Self.config(#"{"beta_schedule": "exp"}"#)
        defer { for u in [linear, cosine, edm, karras, bad] { try? FileManager.default.removeItem(at: u) } }
        #expect(try DiffusersSchedulerConfig.read(linear) == NoiseSchedule.ddpm)
        #expect(try DiffusersSchedulerConfig.read(cosine) == NoiseSchedule.nicholDhariwal)
        #expect(try DiffusersSchedulerConfig.read(edm) == NoiseSchedule.karrasEDM)
        let k = try DiffusersSchedulerConfig.read(karras)
        guard case let .karras(s0, s1, rho) = k.kind else {
            Issue.record("use_karras_sigmas gave \(k)")
            return
        }
        // diffusers: σ = √((1 − ᾱ)/ᾱ) at the first and last of the 1000 DDPM steps.
        #expect(abs(s0 - (1e-4 / (1 - 1e-4)).squareRoot()) < 1e-12)
        #expect(abs(s1 - 157.4) < 0.1)
        #expect(rho == 7)
        #expect(throws: InputError.self) { _ = try DiffusersSchedulerConfig.read(bad) }
    }
}
