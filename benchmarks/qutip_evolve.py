#!/usr/bin/env python3
"""Side-by-side: `adiabat evolve` against QuTiP 5 `sesolve` on the same annealing run.

For each register size n this script
  1. draws a random spin glass (fields h_i ~ N(0, 0.5^2), couplings J_ij ~ N(0, 1/n) on all
     pairs, seeded), writes it as a dimod COO file;
  2. runs `adiabat evolve FILE --total-time T --json` (default method split4, default
     tolerances, or as given) and takes the process's wall-clock time;
  3. builds the same H(t) = -(1 - t/T) sum_i sigma^x_i + (t/T) diag(E) in QuTiP with sparse
     (CSR) operators, starts in the uniform superposition, and runs `sesolve` with the adams
     method and tight tolerances (atol 1e-10, rtol 1e-8 by default);
  4. prints fidelity (= probability of the ground states of H_P, since A(1) = 0), both
     times and the speed-up, one row per n, and a JSON line per n on request.

Basis convention (same as adiabat): basis index k = sum_i b_i 2^i, b_i = 1 <-> spin z_i = -1.
Fidelities do not depend on the ordering, but the diagonal must match the COO file exactly.

Usage:
  benchmarks/qutip_evolve.py [--qubits 6 8 10 12 14 16] [--total-time 10] [--seed 1]
                             [--adiabat .build/release/adiabat] [--method split4]
                             [--qutip-atol 1e-10] [--qutip-rtol 1e-8] [--json]
Python is used only here, in benchmarks/, never in the tests.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import scipy.sparse as sp


def spin_glass(n, seed):
    rng = np.random.default_rng(seed)
    h = rng.normal(0.0, 0.5, n)
    J = {}
    for i in range(n):
        for j in range(i + 1, n):
            J[(i, j)] = rng.normal(0.0, 1.0) / math.sqrt(n)
    return h, J


def write_coo(path, h, J):
    with open(path, "w") as f:
        f.write("# vartype=SPIN\n")
        for i, v in enumerate(h):
            f.write(f"{i} {i} {float(v)!r}\n")
        for (i, j), v in J.items():
            f.write(f"{i} {j} {float(v)!r}\n")


def diagonal(n, h, J):
    k = np.arange(1 << n)
    z = np.array([1 - 2 * ((k >> i) & 1) for i in range(n)], dtype=float)  # z_i(k)
    e = np.zeros(1 << n)
    for i in range(n):
        e += h[i] * z[i]
    for (i, j), v in J.items():
        e += v * z[i] * z[j]
    return e


def sigma_x_sum(n):
    dim = 1 << n
    k = np.arange(dim)
    rows = np.concatenate([k for _ in range(n)])
    cols = np.concatenate([k ^ (1 << i) for i in range(n)])
    data = np.ones(n * dim)
    return sp.csr_matrix((data, (rows, cols)), shape=(dim, dim))


def run_qutip(n, h, J, T, atol, rtol):
    import qutip

    dims = [[2] * n, [2] * n]
    e = diagonal(n, h, J)
    X = qutip.Qobj(sigma_x_sum(n), dims=dims).to("csr")
    D = qutip.Qobj(sp.diags(e, format="csr"), dims=dims).to("csr")
    H = qutip.QobjEvo([[-X, lambda t: 1.0 - t / T], [D, lambda t: t / T]])
    psi0 = qutip.Qobj(np.full(1 << n, 1.0 / math.sqrt(1 << n), dtype=complex), dims=[[2] * n, [1] * n])
    options = {"method": "adams", "atol": atol, "rtol": rtol, "nsteps": 10**8, "store_final_state": True,
               "store_states": False, "progress_bar": False}
    start = time.perf_counter()
    result = qutip.sesolve(H, psi0, [0.0, T], options=options)
    elapsed = time.perf_counter() - start
    psi = result.final_state.full().ravel()
    emin = e.min()
    ground = np.where(e <= emin + 1e-9 * (np.abs(h).sum() + sum(abs(v) for v in J.values())))[0]
    p = float(np.sum(np.abs(psi[ground]) ** 2))
    return {"fidelity": p, "ground_state_probability": p, "seconds": elapsed,
            "final_energy": float(np.sum(np.abs(psi) ** 2 * e))}


def run_adiabat(binary, path, T, method, extra):
    cmd = [binary, "evolve", path, "--total-time", repr(T), "--method", method, "--json"] + extra
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    data = json.loads(out.stdout)
    data["wall_seconds"] = elapsed
    return data


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qubits", type=int, nargs="+", default=[6, 8, 10, 12, 14])
    parser.add_argument("--total-time", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--adiabat", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "adiabat"))
    parser.add_argument("--method", default="split4")
    parser.add_argument("--rtol", type=float, default=None, help="adiabat --rtol (default: its own)")
    parser.add_argument("--atol", type=float, default=None, help="adiabat --atol (default: its own)")
    parser.add_argument("--qutip-atol", type=float, default=1e-10)
    parser.add_argument("--qutip-rtol", type=float, default=1e-8)
    parser.add_argument("--skip-qutip-above", type=int, default=99, help="run only adiabat above this size")
    parser.add_argument("--json", action="store_true", help="print one JSON object per size")
    args = parser.parse_args()

    extra = []
    if args.rtol is not None:
        extra += ["--rtol", repr(args.rtol)]
    if args.atol is not None:
        extra += ["--atol", repr(args.atol)]

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.json:
            print(f"{'n':>3} {'F adiabat':>14} {'F qutip':>14} {'|dF|':>9} {'adiabat s':>10} {'qutip s':>9} {'speed-up':>8}")
        for n in args.qubits:
            h, J = spin_glass(n, args.seed * 1000 + n)
            path = os.path.join(tmp, f"sg{n}.coo")
            write_coo(path, h, J)
            a = run_adiabat(args.adiabat, path, args.total_time, args.method, extra)
            q = None
            if n <= args.skip_qutip_above:
                q = run_qutip(n, h, J, args.total_time, args.qutip_atol, args.qutip_rtol)
            row = {"qubits": n, "total_time": args.total_time, "adiabat": {
                "method": a["method"], "fidelity": a["fidelity"], "ground_state_probability": a["ground_state_probability"],
                "wall_seconds": a["wall_seconds"], "integration_seconds": a["seconds"], "steps": a["steps"]}}
            if q is not None:
                row["qutip"] = q
                row["fidelity_difference"] = abs(a["fidelity"] - q["fidelity"])
                row["ground_state_probability_difference"] = abs(a["ground_state_probability"] - q["ground_state_probability"])
                row["speedup"] = q["seconds"] / a["wall_seconds"]
            rows.append(row)
            if args.json:
                print(json.dumps(row))
            else:
                if q is None:
                    print(f"{n:>3} {a['fidelity']:>14.10f} {'-':>14} {'-':>9} {a['wall_seconds']:>10.3f} {'-':>9} {'-':>8}")
                else:
                    print(f"{n:>3} {a['fidelity']:>14.10f} {q['fidelity']:>14.10f} {row['fidelity_difference']:>9.2e} "
                          f"{a['wall_seconds']:>10.3f} {q['seconds']:>9.3f} {row['speedup']:>7.1f}x")
            sys.stdout.flush()
    worst = max((r.get("fidelity_difference", 0.0) for r in rows), default=0.0)
    if not args.json:
        print(f"largest |dF| = {worst:.2e} (criterion 1e-5)")


if __name__ == "__main__":
    main()
