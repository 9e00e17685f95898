"""The `scorefield` row of bench.py: a tabulated score field against the density route.

A user who has a trained model exports its score on a grid at several diffusion times (an
.npz, docs/score-fields.md) and asks adiabat for the Score Hamiltonian's spectrum along those
times. This row measures that route on a field whose answer is known: the exact score of the
3-component 2-D mixture of the reverse-SDE row (benchmarks/problems/mixture-2d.toml) under the
OU process, tabulated on 512 x 512 nodes of [-6, 6]^2 at 20 times in [0.05, 2], with the exact
log-density as the reference. The density route is adiabat's own analytic landscape (the same
mixture, the same grid), one `spectrum --time t_k --levels 2` per time.

Reported: the field route's time (one `spectrum FIELD --profile 20` run: the 20 spectra plus
the non-conservativity report) and the density route's (the sum of the 20 runs), and the
largest difference of the gap E1 - E0 between the routes over the 20 times (both are the same
finite-difference operator up to how V = |s|^2/4 + div(s)/2 is formed: the field route takes
the divergence by finite differences of the tabulated s, the density route analytically).
"""

import math
import os

import numpy as np

NODES = 512
TIMES = 20
BOX = 6.0


def mixture(problem):
    land = problem["landscape"]
    return (np.array(land["weights"], float), np.array(land["means"], float),
            np.array(land["covariances"], float))


def field_at(w, mu, cov, t, x, y):
    """Score and log-density of the OU-noised mixture p_t on the grid (x, y): component c is
    N(a mu_c, a^2 Sigma_c + (1 - a^2) I), a = e^{-t}."""
    a = math.exp(-t)
    logs, grads = [], []
    for c in range(len(w)):
        S = a * a * cov[c] + (1 - a * a) * np.eye(2)
        P = np.linalg.inv(S)
        dx, dy = x - a * mu[c][0], y - a * mu[c][1]
        q = P[0, 0] * dx * dx + 2 * P[0, 1] * dx * dy + P[1, 1] * dy * dy
        logs.append(math.log(w[c]) - 0.5 * math.log(np.linalg.det(2 * math.pi * S)) - 0.5 * q)
        grads.append((-(P[0, 0] * dx + P[0, 1] * dy), -(P[1, 0] * dx + P[1, 1] * dy)))
    L = np.stack(logs)
    top = L.max(axis=0)
    r = np.exp(L - top)
    total = r.sum(axis=0)
    s0 = sum(r[c] * grads[c][0] for c in range(len(w))) / total
    s1 = sum(r[c] * grads[c][1] for c in range(len(w))) / total
    return np.stack([s0, s1], axis=-1), top + np.log(total)


def write_field(problem, directory):
    """Writes field.npz and field.toml (a score-field problem) and mix.toml (the same mixture as
    an analytic landscape on the same grid); returns (field.toml, mix.toml, times)."""
    w, mu, cov = mixture(problem)
    axis = np.linspace(-BOX, BOX, NODES)
    x, y = np.meshgrid(axis, axis, indexing="ij")
    times = np.linspace(0.05, 2.0, TIMES)
    score = np.empty((TIMES, NODES, NODES, 2))
    logp = np.empty((TIMES, NODES, NODES))
    for k, t in enumerate(times):
        score[k], logp[k] = field_at(w, mu, cov, float(t), x, y)
    np.savez(os.path.join(directory, "field.npz"), score=score, axis0=axis, axis1=axis, t=times,
             log_density=logp)
    with open(os.path.join(directory, "field.toml"), "w") as f:
        f.write('name = "mixture-2d-field"\nkind = "landscape"\n'
                'description = "the exact OU score of the 2-D mixture, 20 times on 512x512 nodes"\n\n'
                '[landscape]\ntype = "score-field"\nfile = "field.npz"\n')
    with open(os.path.join(directory, "mix.toml"), "w") as f:
        f.write('name = "mixture-2d-512"\nkind = "landscape"\n\n[landscape]\ntype = "gaussian-mixture"\n')
        f.write(f"weights = {w.tolist()}\nmeans = {mu.tolist()}\ncovariances = {cov.tolist()}\n\n")
        f.write(f"[grid]\nlower = [{-BOX}, {-BOX}]\nupper = [{BOX}, {BOX}]\npoints = [{NODES}, {NODES}]\n\n")
        f.write('[diffusion]\nprocess = "ou"\n')
    return os.path.join(directory, "field.toml"), os.path.join(directory, "mix.toml"), times.tolist()
