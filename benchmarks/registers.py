"""The `registers` row of benchmarks/bench.py: large qubit registers against the machine's
streaming bandwidth, measured in the same run.

For 20, 22 and 24 qubits (26 with --registers-26) a spin glass (the `growth` row's instances)
runs a fixed number of split4 steps; then the default adaptive anneal at 24 qubits, T = 20,
against a run at a ten times tighter tolerance (its error is the accuracy stated). Reported:
wall and CPU time, evaluations (exponential factors), peak RSS and bytes per amplitude above
the process's fixed RSS, the bytes the kernel moves per evaluation, and that traffic at the
STREAM triad bandwidth of benchmarks/stream.swift as a lower bound on the time.

Bytes moved per evaluation, from the kernel (Sources/Quantum/QubitRegister.swift,
RegisterKernels.phaseThenRotate): each pass reads and writes the state once, 32 B per amplitude.
A factor with a rotation makes 1 chunk pass (the phase and the 12 low qubits in 2^12-amplitude
chunks) plus one sweep per group of up to 8 high qubits, ceil((n - 12) / 8); the last factor of
a step is a phase alone (1 pass). split4 (Blanes-Moan, 6 stages) has 6 rotating factors and 1
phase per step, so a step moves (6 (1 + sweeps) + 1) x 32 x 2^n bytes.

    benchmarks/run --rows registers            (or: python3 benchmarks/bench.py --rows registers)

--registers-no-anneal leaves out the 24-qubit anneal and its reference (about 10 minutes of
the row on a quiet 2-core machine, far more under load); --registers-26 adds 26 qubits.
"""

import math
import os

import qutip_evolve

LOW_QUBITS = 12  # RegisterKernels.chunkBits: qubits rotated inside the chunk pass
SWEEP_QUBITS = 8  # RegisterKernels.maximumSweepQubits: high qubits per streaming sweep
STAGES = 6  # split4: rotating factors per step (plus one phase-only factor)


def sweeps(n):
    return max(0, math.ceil((n - LOW_QUBITS) / SWEEP_QUBITS))


def bytes_per_step(n):
    """Bytes the split4 kernel moves per fixed step on n qubits (full register)."""
    passes = STAGES * (1 + sweeps(n)) + 1
    return passes * 32 * (1 << n)


def uptime():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def run(bench, adiabat, stream_bandwidth, adiabat_baseline_rss):
    """Runs the row; bench provides log(), args (quick), tmp, binary and details."""
    bench.log("[registers] memory bandwidth (STREAM triad, Swift), load " + uptime())
    bw = stream_bandwidth(bench.tmp)
    triad = bw["two_threads"]["bytes_per_second"]
    bench.log(f"  triad, two threads: {triad / 1e9:.1f} GB/s (one thread {bw['one_thread']['bytes_per_second'] / 1e9:.1f})")
    base = adiabat_baseline_rss(bench.binary, bench.tmp)
    out = {"bandwidth": bw, "baseline_rss": base, "load_start": uptime(), "fixed": [], "anneal": None}

    sizes = {20: 8, 22: 4, 24: 2}  # qubits: fixed steps
    if bench.args.quick:
        sizes = {18: 4, 20: 2}
    if getattr(bench.args, "registers_26", False):
        sizes[26] = 1
    for n, steps in sorted(sizes.items()):
        h, J = qutip_evolve.spin_glass(n, 1000 + n)
        path = os.path.join(bench.tmp, f"r{n}.coo")
        qutip_evolve.write_coo(path, h, J)
        r = adiabat(bench.binary, ["evolve", path, "--total-time", "10", "--steps", str(steps)])
        moved = bytes_per_step(n) * steps
        row = {"qubits": n, "steps": steps, "evaluations": r["evaluations"], "seconds": r["seconds"], "wall": r["_wall"],
               "cpu": r["_cpu"], "rss": r["_rss"], "bytes_per_amplitude": (r["_rss"] - base) / (1 << n) if r["_rss"] else None,
               "sweeps": sweeps(n), "bytes_per_evaluation": moved / r["evaluations"],
               "bandwidth_bound_seconds": moved / triad, "ratio_to_bound": r["seconds"] * triad / moved,
               "load": uptime()}
        out["fixed"].append(row)
        bench.log(f"  {n} qubits, {steps} steps: {row['seconds']:.2f} s solve ({row['cpu']:.2f} s CPU), "
                  f"{row['evaluations']} evaluations, {row['bytes_per_evaluation'] / 2**20:.0f} MiB moved per evaluation, "
                  f"bound {row['bandwidth_bound_seconds']:.2f} s -> {row['ratio_to_bound']:.2f}x the bound; "
                  f"peak RSS {row['rss'] / 2**20:.0f} MiB = {row['bytes_per_amplitude']:.1f} B per amplitude; load {row['load']}")

    if not bench.args.quick and not getattr(bench.args, "registers_no_anneal", False):
        n = 24
        path = os.path.join(bench.tmp, f"r{n}.coo")
        runs = {}
        for rtol in ("1e-7", "1e-8"):  # the default tolerance, and a reference ten times tighter
            runs[rtol] = adiabat(bench.binary, ["evolve", path, "--total-time", "20", "--rtol", rtol])
        r, ref = runs["1e-7"], runs["1e-8"]
        error = max(abs(r["fidelity"] - ref["fidelity"]), abs(r["ground_state_probability"] - ref["ground_state_probability"]))
        out["anneal"] = {"qubits": n, "total_time": 20, "seconds": r["seconds"], "wall": r["_wall"], "cpu": r["_cpu"],
                         "evaluations": r["evaluations"], "steps": r["steps"], "rejected_steps": r["rejected_steps"],
                         "rss": r["_rss"], "bytes_per_amplitude": (r["_rss"] - base) / (1 << n) if r["_rss"] else None,
                         "fidelity": r["fidelity"], "reference_fidelity": ref["fidelity"], "error": error,
                         "reference_seconds": ref["seconds"], "load": uptime()}
        a = out["anneal"]
        bench.log(f"  24 qubits, T = 20, default tolerance: {a['seconds']:.0f} s ({a['cpu']:.0f} s CPU), {a['steps']} steps, "
                  f"{a['evaluations']} evaluations, fidelity {a['fidelity']:.6f}, error {a['error']:.1e} against rtol 1e-8; "
                  f"peak RSS {a['rss'] / 2**20:.0f} MiB = {a['bytes_per_amplitude']:.1f} B per amplitude; load {a['load']}")
    out["load_end"] = uptime()
    bench.details["registers"] = out
