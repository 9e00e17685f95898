// swift-tools-version: 6.0
// Adiabat: translates annealing Hamiltonians into diffusion samplers and back, measures
// adiabatic fidelity, and compares the two sides on one landscape and one schedule.
//
// Module graph (data flows one way; every edge below is a dependency; docs/architecture.md):
//   CGSL, CLinAlg, CVectorMath ─▶ GSLKit ─▶ AdiabatCore ─┬▶ Landscapes ─┬▶ Diffusion ─────────────┐
//                                                        └▶ Quantum ────┴▶ Problems ─▶ Bridge ◀───┘
//   Reports (HTML, SVG, cell store; no numerics) ─▶ Bridge;  Bridge ─▶ Experiments;  Bridge, Experiments ─▶ adiabat
import PackageDescription

let package = Package(
    name: "Adiabat",
    products: [
        .executable(name: "adiabat", targets: ["AdiabatCLI"]),
        .library(name: "GSLKit", targets: ["GSLKit"]),
        .library(name: "AdiabatCore", targets: ["AdiabatCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // .npz archives (zip, stored or deflated members) for tabulated score fields.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C: the GNU Scientific Library (Debian: libgsl-dev).
        .systemLibrary(
            name: "CGSL",
            pkgConfig: "gsl",
            providers: [.apt(["libgsl-dev"])]
        ),
        // C: LAPACK through LAPACKE and ARPACK-NG (Debian: liblapacke-dev, libarpack2-dev).
        .systemLibrary(
            name: "CLinAlg",
            pkgConfig: "lapacke",
            providers: [.apt(["liblapacke-dev", "libarpack2-dev"])]
        ),
        // C: glibc's vector math library libmvec (Debian: libc6-dev, already there with any C
        // toolchain): two- and four-lane `exp` for the mixture scores.
        .systemLibrary(name: "CVectorMath"),
        // The only module that calls C.
        .target(name: "GSLKit", dependencies: ["CGSL", "CLinAlg", "CVectorMath"]),
        // Shared vocabulary: grids, errors, schedules' common shape, parallel loops.
        .target(name: "AdiabatCore", dependencies: ["GSLKit"]),
        // Densities, scores, forward processes and noise schedules.
        .target(name: "Landscapes", dependencies: ["GSLKit", "AdiabatCore"]),
        // Grids and qubit registers: operators, spectra, Schrödinger evolution, fidelity.
        .target(name: "Quantum", dependencies: ["GSLKit", "AdiabatCore"]),
        // Reports: self-contained HTML with SVG plots, CSV, resumable sweep cells (no numerics).
        .target(name: "Reports", dependencies: ["AdiabatCore"]),
        // Problem files: TOML specs, dimod COO / BQM JSON, qbsolv .qubo, schedule tables.
        .target(
            name: "Problems",
            dependencies: [
                "GSLKit", "AdiabatCore", "Landscapes", "Quantum", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        // Reverse-diffusion samplers, Fokker–Planck density evolution, sample metrics.
        .target(name: "Diffusion", dependencies: ["GSLKit", "AdiabatCore", "Landscapes"]),
        // The translators: score ⇄ Hamiltonian (continuous and on spins), landscape paths, flip chains,
        // schedules across domains, the comparator and its reports.
        .target(
            name: "Bridge", dependencies: ["GSLKit", "AdiabatCore", "Landscapes", "Quantum", "Problems", "Diffusion", "Reports"]),
        // The paper's experiments and the Grover scaling as bundled runs (adiabat reproduce).
        .target(
            name: "Experiments",
            dependencies: ["GSLKit", "AdiabatCore", "Landscapes", "Quantum", "Problems", "Bridge", "Diffusion", "Reports"]),
        // The command line. Compiled for testing in every configuration (it holds no numerics, so
        // nothing is lost) so that its parse tests run in process against the optimised build.
        .executableTarget(
            name: "AdiabatCLI",
            dependencies: [
                "Bridge", "Experiments", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.unsafeFlags(["-enable-testing"])]
        ),
        // Test support only: the bytes of .npy/.npz files made in Swift, shared by the reader's and
        // the score-field tests.
        .target(
            name: "NPYTestSupport", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/Support/NPYTestSupport"),
        // Test support only: scratch folders (with tmpfs mounts) and the small comparison problems.
        .target(name: "TestSupport", dependencies: ["AdiabatCore"], path: "Tests/Support/TestSupport"),
        .testTarget(name: "GSLKitTests", dependencies: ["GSLKit"]),
        .testTarget(name: "AdiabatCLITests", dependencies: ["AdiabatCLI", "Bridge", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "AdiabatCoreTests", dependencies: ["AdiabatCore", "TestSupport"]),
        .testTarget(name: "QuantumTests", dependencies: ["Quantum", "AdiabatCore", "GSLKit"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "AdiabatCore", "TestSupport"]),
        .testTarget(
            name: "ProblemsTests",
            dependencies: [
                "Problems", "AdiabatCore", "Landscapes", "Quantum", "NPYTestSupport", "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .testTarget(name: "LandscapesTests", dependencies: ["Landscapes", "AdiabatCore", "GSLKit"]),
        .testTarget(
            name: "BridgeTests",
            dependencies: [
                "Bridge", "Landscapes", "Quantum", "Problems", "Diffusion", "AdiabatCore", "GSLKit", "Reports", "NPYTestSupport",
                "TestSupport",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // Files written once by NumPy and dimod (tools/interop/make_fixtures.py), read via #filePath.
            exclude: ["Fixtures"]),
        .testTarget(name: "DiffusionTests", dependencies: ["Diffusion", "Landscapes", "AdiabatCore", "GSLKit"]),
        .testTarget(
            name: "ExperimentsTests",
            dependencies: ["Experiments", "Quantum", "Problems", "Diffusion", "Landscapes", "AdiabatCore", "GSLKit"]),
        // README.md and docs/*.md: relative links, #anchors and `theory.md §N` references resolve (no module).
        .testTarget(name: "DocsTests"),
    ],
    swiftLanguageModes: [.v6]
)
