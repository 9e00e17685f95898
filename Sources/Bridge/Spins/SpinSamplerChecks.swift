import AdiabatCore

/// The limits every spin sampler puts on its run size, with the errors naming the request field.
extension Check {
    /// Independent chains or reads: 1…1e8 (`sample.samples`).
    static func sampleCount(_ samples: Int) throws {
        guard samples >= 1, samples <= 100_000_000 else { throw InputError("sample.samples", "must be 1…1e8 (got \(samples))") }
    }

    /// Rate-grid cells of a flip chain: 1…1e6 (`sample.cells`).
    static func gridCells(_ cells: Int) throws {
        guard cells >= 1, cells <= 1_000_000 else { throw InputError("sample.cells", "must be 1…1e6 grid cells (got \(cells))") }
    }
}
