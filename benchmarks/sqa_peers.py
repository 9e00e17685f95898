#!/usr/bin/env python3
"""Path-integral annealing: adiabat vs OpenJij's SQASampler and dwave-samplers'
PathIntegralAnnealingSampler on one instance (docs/sqa.md#peers).

Same instance (a BQM JSON file), reads and sweeps for all three. Adiabat and OpenJij run the
same model, H(s) = -(1-s) sum sx + s H_P (OpenJij: gamma = 1) at the same beta and Trotter
slices M, on OpenJij's default schedule s(r) = r^4 (35 - 84 r + 70 r^2 - 20 r^3) (Morita and
Nishimori), which is adiabat's boundary-cancelling-3; dwave-samplers' sampler runs with its defaults (its own
beta and field schedules). Residual energy per spin is measured against the lowest energy
any of them found. Usage:

    python sqa_peers.py ADIABAT_BINARY INSTANCE.json --reads 10 --sweeps 200 --slices 16 --beta 16
"""
import argparse, json, subprocess, time

import dimod
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("adiabat")
    ap.add_argument("instance")
    ap.add_argument("--reads", type=int, default=10)
    ap.add_argument("--sweeps", type=int, default=200)
    ap.add_argument("--slices", type=int, default=16)
    ap.add_argument("--beta", type=float, default=16.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--schedule", default="boundary-cancelling-3", help="adiabat's schedule (OpenJij's default quartic)")
    a = ap.parse_args()
    with open(a.instance) as f:
        bqm = dimod.BinaryQuadraticModel.from_serializable(json.load(f))
    n = bqm.num_variables
    rows = {}

    t = time.perf_counter()
    out = subprocess.run([a.adiabat, "sample", a.instance, "--sampler", "path-integral", "--samples", str(a.reads),
                          "--sweeps", str(a.sweeps), "--trotter-slices", str(a.slices), "--beta", str(a.beta),
                          "--schedule", a.schedule, "--seed", str(a.seed), "--json"], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t
    o = json.loads(out.stdout)
    rows["adiabat path-integral"] = (o["mean_energy"], o["minimum_energy"], wall, "–")  # energies not in its JSON

    import openjij as oj
    t = time.perf_counter()
    s = oj.SQASampler().sample(bqm, beta=a.beta, gamma=1.0, trotter=a.slices, num_sweeps=a.sweeps,
                               num_reads=a.reads)  # with a seed, OpenJij 0.12 repeats one read num_reads times
    wall = time.perf_counter() - t
    e = np.array(s.record.energy)
    rows["OpenJij SQASampler"] = (float(e.mean()), float(e.min()), wall, len(set(map(float, e))))

    from dwave.samplers import PathIntegralAnnealingSampler
    t = time.perf_counter()
    s = PathIntegralAnnealingSampler().sample(bqm, num_reads=a.reads, num_sweeps=a.sweeps, seed=a.seed)
    wall = time.perf_counter() - t
    e = np.array(s.record.energy)
    rows["dwave-samplers PathIntegralAnnealingSampler (defaults)"] = (float(e.mean()), float(e.min()), wall, len(set(map(float, e))))

    best = min(r[1] for r in rows.values())
    print(f"instance {a.instance}: {n} spins; {a.reads} reads x {a.sweeps} sweeps, M = {a.slices}, beta = {a.beta}, schedule {a.schedule}")
    print("| sampler | residual energy per spin | best energy | distinct energies | wall time |")
    print("|---|---|---|---|---|")
    for name, (mean, low, wall, distinct) in rows.items():
        print(f"| {name} | {(mean - best) / n:.4f} | {low:g} | {distinct} | {wall:.2f} s |")


if __name__ == "__main__":
    main()
