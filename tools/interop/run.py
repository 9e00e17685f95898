#!/usr/bin/env python3
"""`make interop`: load every kind of file Adiabat writes with the tool its users would load it
with (NumPy, dimod, QuTiP), and compare the values with the peer's own computation.

Checks (each prints one line, PASS or FAIL with the numbers; exit status 1 on any FAIL):
  1. spin samples: `sample --output` .json/.csv/.npy for every spin sampler on a BQM with
     string labels and an offset (SPIN) and on a BINARY one; dimod.SampleSet.from_serializable
     loads the JSON; its energies equal bqm.energies(sampleset); the labels are the BQM's own;
  2. problems: `translate --to bqm --output` .json (string labels) and .coo round trip through
     dimod (bqm == original); dimod's default header-less coo.dump is read with --vartype;
  3. states: `evolve --save-state` on a 10-qubit anneal against QuTiP's sesolve of the same
     H(t) built with QuTiP's own tensor products: |<psi_adiabat|psi_qutip>|^2 > 1 - 1e-6;
     the trajectory file (N+1, 2^n) against sesolve at the same times;
  4. eigenvectors: `spectrum --eigenvectors` against numpy.linalg.eigh of QuTiP's H(s);
  5. grids: `evolve --save-state` and `spectrum --eigenvectors` on a landscape load with
     numpy.load and have the grid's shape and unit norm (with the cell volume);
  6. landscape samples: `sample --output x.npy` equals the CSV of the same run;
  7. schedules: `schedule --export dwave` against D-Wave's published anneal_schedule rules
     (checked here independently), `--export diffusers` against diffusers' DDPM/Euler formulas
     by value (diffusers itself needs torch, so it is not installed).
Python is used here only (tools/), never in the Swift tests.
"""
import argparse, json, math, os, subprocess, sys, tempfile

import numpy as np
import dimod
import dimod.serialization.coo as coo

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FAILS = []


def check(name, ok, detail):
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")
    if not ok:
        FAILS.append(name)


def adiabat(binary, *args):
    run = subprocess.run([binary, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if run.returncode != 0:
        raise SystemExit(f"adiabat {' '.join(map(str, args))} failed: {run.stderr.strip()}")
    return run.stdout


def spin_glass(n, seed, labels, vartype="SPIN", offset=0.375):
    rng = np.random.default_rng(seed)
    lin = {labels[i]: float(rng.normal(0, 0.5)) for i in range(n)}
    quad = {(labels[i], labels[j]): float(rng.normal(0, 1) / math.sqrt(n)) for i in range(n) for j in range(i + 1, n)}
    return dimod.BinaryQuadraticModel(lin, quad, offset, vartype)


def samples_checks(binary, tmp):
    for vartype in ["SPIN", "BINARY"]:
        labels = [f"q{i}" for i in range(8)]
        bqm = spin_glass(8, 3, labels, vartype)
        path = os.path.join(tmp, f"bqm-{vartype}.json")
        with open(path, "w") as f:
            json.dump(bqm.to_serializable(), f)
        for sampler, extra in [("simulated-annealing", ["--sweeps", 200]), ("flip-chain", ["--total-time", 5]), ("reverse-flip", [])]:
            if sampler == "reverse-flip":
                extra = ["--beta", 1.0]
            out = os.path.join(tmp, f"{sampler}-{vartype}")
            for suffix in ["json", "csv", "npy"]:
                adiabat(binary, "sample", path, "--sampler", sampler, "--samples", 200, *extra, "--output", f"{out}.{suffix}")
            with open(out + ".json") as f:
                ss = dimod.SampleSet.from_serializable(json.load(f))
            dimod_e = bqm.energies(ss)
            err = float(np.max(np.abs(dimod_e - ss.record.energy)))
            check(f"SampleSet {sampler} {vartype}", err < 1e-12 and list(ss.variables) == list(bqm.variables)
                  and ss.vartype is bqm.vartype and len(ss) == 200,
                  f"max |E_adiabat - bqm.energies| = {err:.1e}, labels {list(ss.variables)[:3]}…, "
                  f"vartype {ss.vartype.name}, info sampler={ss.info.get('sampler')} seed={ss.info.get('seed')}")
            table = np.genfromtxt(out + ".csv", delimiter=",", names=True)
            csv_e = table["energy"]
            arr = np.load(out + ".npy")
            meta = json.load(open(out + ".npy.json"))
            npy_e = bqm.energies((arr, meta["variable_labels"]))
            check(f"CSV/NPY {sampler} {vartype}",
                  np.allclose(csv_e, dimod_e, rtol=0, atol=1e-12) and np.allclose(npy_e, dimod_e, rtol=0, atol=1e-12)
                  and arr.dtype == np.int8 and table.dtype.names[:8] == tuple(labels),
                  f"CSV and .npy energies = bqm.energies to {max(np.max(np.abs(csv_e - dimod_e)), np.max(np.abs(npy_e - dimod_e))):.1e}, "
                  f".npy {arr.dtype} {arr.shape}")


def bqm_checks(binary, tmp):
    labels = ["alpha", "beta", "gamma", "q3", "x_4", "5"]
    bqm = spin_glass(6, 9, labels, "SPIN", offset=-1.25)
    src = os.path.join(tmp, "strings.json")
    with open(src, "w") as f:
        json.dump(bqm.to_serializable(), f)
    out = os.path.join(tmp, "strings-out.json")
    adiabat(binary, "translate", src, "--to", "bqm", "--output", out)
    back = dimod.BinaryQuadraticModel.from_serializable(json.load(open(out)))
    dimod_order = list(dimod.BinaryQuadraticModel.from_serializable(bqm.to_serializable()).variables)
    exact = all(back.linear[v] == bqm.linear[v] for v in bqm.variables) and all(
        back.quadratic[k] == b for k, b in bqm.quadratic.items())
    check("BQM JSON round trip (string labels, '5' a string)",
          back == bqm and exact and list(back.variables) == dimod_order and "5" in back.variables and 5 not in back.variables,
          f"labels {list(back.variables)} (dimod's order), offset {back.offset}, every bias bit-identical: {exact}")
    ibqm = spin_glass(6, 10, list(range(6)), "BINARY", offset=0.0)
    raw = os.path.join(tmp, "noheader.coo")
    with open(raw, "w") as f:
        coo.dump(ibqm, f)  # dimod's default: no vartype header
    out = os.path.join(tmp, "noheader-out.coo")
    adiabat(binary, "translate", raw, "--vartype", "BINARY", "--to", "bqm", "--output", out)
    with open(out) as f:
        back = coo.load(f)
    with open(raw) as f:
        theirs = coo.load(f, vartype="BINARY")  # dimod's dump keeps 6 decimals: compare with what dimod reads
    check("COO: dimod's header-less dump read with --vartype, written back with a header", back == theirs,
          f"{len(back.variables)} variables, {len(back.quadratic)} interactions, vartype {back.vartype.name}")


def qutip_hamiltonian(bqm, n):
    import qutip
    z = [qutip.tensor([qutip.sigmaz() if k == i else qutip.qeye(2) for k in range(n)]) for i in range(n)]
    x = [qutip.tensor([qutip.sigmax() if k == i else qutip.qeye(2) for k in range(n)]) for i in range(n)]
    labels = list(bqm.variables)
    hp = bqm.offset * qutip.tensor([qutip.qeye(2)] * n)
    for v, b in bqm.linear.items():
        hp += b * z[labels.index(v)]
    for (u, v), b in bqm.quadratic.items():
        hp += b * z[labels.index(u)] * z[labels.index(v)]
    hx = -sum(x[1:], x[0])
    return hx, hp


def state_checks(binary, tmp):
    import qutip
    n, T = 10, 10.0
    labels = [f"q{i}" for i in range(n)]
    bqm = spin_glass(n, 5, labels, "SPIN", offset=0.0)
    src = os.path.join(tmp, "anneal10.json")
    with open(src, "w") as f:
        json.dump(bqm.to_serializable(), f)
    out = os.path.join(tmp, "psi.npy")
    traj = os.path.join(tmp, "psi-traj.npy")
    adiabat(binary, "evolve", src, "--total-time", T, "--rtol", 1e-10, "--atol", 1e-12, "--save-state", out)
    adiabat(binary, "evolve", src, "--total-time", T, "--trajectory", 4, "--save-state", traj, "--save-state-times", "trajectory")
    hx, hp = qutip_hamiltonian(bqm, n)
    H = [[hx, lambda t, args: 1 - t / T], [hp, lambda t, args: t / T]]
    plus = (qutip.basis(2, 0) + qutip.basis(2, 1)).unit()
    psi0 = qutip.tensor([plus] * n)
    times = np.linspace(0, T, 5)
    result = qutip.sesolve(H, psi0, times, options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 100000})
    mine = qutip.Qobj(np.load(out), dims=[[2] * n, [1] * n])
    overlap = abs(mine.overlap(result.states[-1])) ** 2
    check("QuTiP overlap, 10-qubit anneal (T = 10)", overlap > 1 - 1e-6,
          f"|<psi_adiabat|psi_qutip>|^2 = {overlap:.12f} (1 - overlap = {1 - overlap:.1e}), norm {mine.norm():.12f}")
    states = np.load(traj)
    worst = min(abs(qutip.Qobj(states[k], dims=[[2] * n, [1] * n]).overlap(result.states[k])) ** 2 for k in range(5))
    check("QuTiP overlap along the trajectory (5 times)", states.shape == (5, 1 << n) and worst > 1 - 1e-6,
          f"shape {states.shape}, worst overlap {worst:.12f}")
    # Eigenvectors of H(s) = -(1 - s) sum X + s H_P at s = 0.5.
    ev = os.path.join(tmp, "ev.npy")
    adiabat(binary, "spectrum", src, "--s", 0.5, "--levels", 3, "--eigenvectors", ev)
    vectors = np.load(ev)
    hs = (0.5 * hx + 0.5 * hp).full()
    w, v = np.linalg.eigh(hs)
    overlaps = [abs(np.vdot(v[:, k], vectors[k])) ** 2 for k in range(3)]
    meta = json.load(open(ev + ".json"))
    check("eigenvectors against numpy.linalg.eigh of QuTiP's H(0.5)",
          min(overlaps) > 1 - 1e-8 and np.allclose(meta["energies"], w[:3], atol=1e-9),
          f"overlaps {', '.join(f'{o:.10f}' for o in overlaps)}; energies {np.round(w[:3], 9).tolist()}")


def grid_checks(binary, tmp):
    psi = os.path.join(tmp, "grid-psi.npy")
    adiabat(binary, "evolve", "double-well", "--total-time", 2, "--save-state", psi)
    a = np.load(psi)
    meta = json.load(open(psi + ".json"))
    dv = np.prod(meta["grid"]["spacing"])
    norm = float(np.sum(np.abs(a) ** 2) * dv)
    check("grid state", a.shape == tuple(meta["grid"]["points"]) and a.dtype == np.complex128 and abs(norm - 1) < 1e-6,
          f"shape {a.shape}, sum|psi|^2 dV = {norm:.10f}")
    ev = os.path.join(tmp, "grid-ev.npy")
    adiabat(binary, "spectrum", "coupled-oscillator", "--levels", 2, "--eigenvectors", ev)
    v = np.load(ev)
    meta = json.load(open(ev + ".json"))
    dv = np.prod(meta["grid"]["spacing"])
    norms = [float(np.sum(v[k] ** 2) * dv) for k in range(v.shape[0])]
    check("grid eigenvectors (2-D)", v.shape == tuple([2] + meta["grid"]["points"]) and max(abs(x - 1) for x in norms) < 1e-6,
          f"shape {v.shape}, norms {norms}")
    out = os.path.join(tmp, "landscape")
    for suffix in ["csv", "npy"]:
        adiabat(binary, "sample", "double-well", "--sampler", "reverse-sde", "--steps", 50, "--samples", 500,
                "--output", f"{out}.{suffix}")
    x_csv = np.genfromtxt(out + ".csv", delimiter=",", names=True)["x"]
    x_npy = np.load(out + ".npy")
    check("landscape samples .npy = .csv", x_npy.shape == (500, 1) and np.array_equal(x_npy[:, 0], x_csv),
          f"shape {x_npy.shape}")


def schedule_checks(binary, tmp):
    # D-Wave: the published rules, checked independently of Adiabat's own check.
    for name, problem, total in [("linear", "sk10", 20), ("cosine", "sk10", 5), ("problem", "sk10-pause", None)]:
        out = os.path.join(tmp, f"dwave-{name}.json")
        args = ["schedule", name, problem, "--export", "dwave", "--output", out]
        if total is not None:
            args += ["--total-time", total]
        adiabat(binary, *args)
        pts = np.array(json.load(open(out))["anneal_schedule"])
        t, s = pts[:, 0], pts[:, 1]
        slope = np.max(np.abs(np.diff(s) / np.diff(t)))
        ok = (t[0] == 0 and np.all(np.diff(t) > 0) and np.all((s >= 0) & (s <= 1)) and slope <= 2.0 + 1e-12
              and len(pts) <= 12 and s[0] == 0 and s[-1] == 1 and t[-1] <= 2000)
        check(f"D-Wave anneal_schedule ({name} on {problem})", ok,
              f"{len(pts)} points, t_end {t[-1]} us, max slope {slope:.3g}/us")
    # diffusers (not installed: it needs torch): its formulas by value. DDPMScheduler's default
    # betas = linspace(1e-4, 0.02, 1000), alphas_cumprod = cumprod(1 - betas); EulerDiscreteScheduler's
    # sigmas = ((1 - alphas_cumprod) / alphas_cumprod) ** 0.5.
    out = os.path.join(tmp, "diffusers.json")
    adiabat(binary, "schedule", "karras", "--export", "diffusers", "--output", out, "--samples", 25)
    d = json.load(open(out))
    ac = np.cumprod(1 - np.linspace(1e-4, 0.02, 1000, dtype=np.float64))
    a = np.array(d["alphas_cumprod"])
    sig = np.array(d["sigmas"])
    ts = np.array(d["timesteps"])
    back = np.exp(np.interp(ts, np.arange(1000), np.log(ac)))
    inside = (ts > 0) & (ts < 999)
    err_sigma = float(np.max(np.abs(sig - np.sqrt((1 - a) / a)) / sig))
    err_t = float(np.max(np.abs(back[inside] - a[inside]) / a[inside]))
    check("diffusers sigmas and timesteps (karras, 25 steps) by value", err_sigma < 1e-12 and err_t < 1e-9,
          f"sigma rel. error {err_sigma:.1e}; alpha_bar(timestep) rel. error {err_t:.1e}; sigmas {sig[0]:.4g} … {sig[-1]:.4g}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--adiabat", default=os.path.join(ROOT, ".build", "release", "adiabat"))
    opts = ap.parse_args()
    import qutip
    print(f"numpy {np.__version__}, dimod {dimod.__version__}, qutip {qutip.__version__}")
    with tempfile.TemporaryDirectory() as tmp:
        samples_checks(opts.adiabat, tmp)
        bqm_checks(opts.adiabat, tmp)
        state_checks(opts.adiabat, tmp)
        grid_checks(opts.adiabat, tmp)
        schedule_checks(opts.adiabat, tmp)
    if FAILS:
        print(f"{len(FAILS)} check(s) failed: {', '.join(FAILS)}")
        sys.exit(1)
    print("all interop checks passed")


if __name__ == "__main__":
    main()
