#!/usr/bin/env python3
"""Writes the small fixtures the Swift tests compare Adiabat's writers against, with the real
tools (NumPy, dimod). Run once (tools/interop/.venv/bin/python tools/interop/make_fixtures.py);
the files are committed under Tests/BridgeTests/Fixtures/DataOut.
"""
import json, os
import numpy as np
import dimod
import dimod.serialization.coo as coo

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "BridgeTests", "Fixtures", "DataOut")
os.makedirs(OUT, exist_ok=True)

# NumPy .npy files (format 1.0) of each dtype Adiabat writes.
np.save(os.path.join(OUT, "float64_2x3.npy"), np.array([[1.5, -2.0, 0.1], [3.0, 1e-300, -0.0]], dtype="<f8"))
np.save(os.path.join(OUT, "complex128_4.npy"), np.array([1 + 2j, -0.5j, 0.25, -1 - 1j], dtype="<c16"))
np.save(os.path.join(OUT, "int8_3x2.npy"), np.array([[1, -1], [-1, -1], [1, 1]], dtype="i1"))
np.save(os.path.join(OUT, "int64_5.npy"), np.array([1, 2, 3, -4, 5], dtype="<i8"))
np.save(os.path.join(OUT, "float64_2x1x3.npy"), np.arange(6, dtype="<f8").reshape(2, 1, 3))

# A BQM with string labels and an offset, as dimod serialises it, and as dimod's default
# COO dump writes an integer-labelled one (no vartype header).
bqm = dimod.BinaryQuadraticModel({"q0": 0.5, "q1": -1.0, "b": 0.25}, {("q0", "q1"): -0.75, ("q1", "b"): 1.5}, 0.125, "SPIN")
with open(os.path.join(OUT, "bqm_strings.json"), "w") as f:
    json.dump(bqm.to_serializable(), f, indent=1)
ibqm = dimod.BinaryQuadraticModel({0: 0.5, 1: -1.0, 2: 0.25}, {(0, 1): -0.75, (1, 2): 1.5}, 0.0, "BINARY")
with open(os.path.join(OUT, "bqm_noheader.coo"), "w") as f:
    coo.dump(ibqm, f)

# A SampleSet of that BQM (unpacked samples, as Adiabat writes them) with dimod's energies.
samples = [{"q0": 1, "q1": -1, "b": 1}, {"q0": -1, "q1": -1, "b": 1}, {"q0": 1, "q1": 1, "b": -1}]
ss = dimod.SampleSet.from_samples_bqm(samples, bqm)
with open(os.path.join(OUT, "sampleset_strings.json"), "w") as f:
    json.dump(ss.to_serializable(pack_samples=False), f, indent=1)
print("fixtures written to", OUT)
