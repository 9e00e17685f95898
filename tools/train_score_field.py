#!/usr/bin/env python3
"""Train a small score network on two-moons and export it as a score field (docs/score-fields.md).

NumPy only (no PyTorch): a 2-hidden-layer MLP trained by denoising score matching on the OU
forward process of Adiabat (dx = -x dt + sqrt(2) dW, so x_t = e^{-t} x_0 + sqrt(1 - e^{-2t}) z),
with hand-written backpropagation and Adam. The data are drawn from the same Gaussian mixture
as Adiabat's `two-moons` landscape (16 Gaussians of standard deviation 0.1 along each arc;
docs/theory.md §2.5), so the exact marginal log-density is known at every time and is exported
beside the learned score as the reference (`log_density`).

    python3 tools/train_score_field.py                      # writes problems/score-fields/two-moons-field.npz
    python3 tools/train_score_field.py --steps 200 --out /tmp/f.npz   # a quick smoke run

The archive holds `score` (Nt, N0, N1, 2) float32, `axis0`, `axis1`, `t` and `log_density`
(Nt, N0, N1) float32: the format of docs/problem-files.md ("Score fields").
"""
import argparse

import numpy as np

ARC = 16
SD = 0.1


def moon_means():
    theta = np.linspace(0.0, np.pi, ARC)
    upper = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    lower = np.stack([1.0 - np.cos(theta), 0.5 - np.sin(theta)], axis=1)
    return np.concatenate([upper, lower])


def sample_data(rng, n):
    means = moon_means()
    k = rng.integers(0, len(means), size=n)
    return means[k] + SD * rng.standard_normal((n, 2))


def marginal_log_density(points, t):
    """log p_t of the mixture under OU: components N(e^{-t} mu, (e^{-2t} SD^2 + 1 - e^{-2t}) I)."""
    means = moon_means() * np.exp(-t)
    var = np.exp(-2 * t) * SD**2 + 1 - np.exp(-2 * t)
    d2 = ((points[:, None, :] - means[None, :, :]) ** 2).sum(-1)
    logs = -d2 / (2 * var) - np.log(2 * np.pi * var)
    peak = logs.max(axis=1, keepdims=True)
    return (peak[:, 0] + np.log(np.exp(logs - peak).mean(axis=1)))


def sigma(t):
    return np.sqrt(1 - np.exp(-2 * t))


def features(x, t):
    """Input: x, and a Fourier embedding of log t."""
    lt = np.log(t)[:, None]
    freqs = np.array([[0.5, 1.0, 2.0]])
    return np.concatenate([x, np.sin(lt * freqs), np.cos(lt * freqs)], axis=1)


class MLP:
    def __init__(self, rng, sizes):
        self.W = [rng.standard_normal((a, b)) * np.sqrt(2.0 / a) for a, b in zip(sizes[:-1], sizes[1:])]
        self.b = [np.zeros(b) for b in sizes[1:]]
        self.m = [np.zeros_like(p) for p in self.W + self.b]
        self.v = [np.zeros_like(p) for p in self.W + self.b]
        self.step = 0

    def forward(self, h):
        self.cache = [h]
        for i, (W, b) in enumerate(zip(self.W, self.b)):
            z = h @ W + b
            if i < len(self.W) - 1:
                h = z * (1 / (1 + np.exp(-z)))  # SiLU
                self.cache.append((z, h))
            else:
                h = z
        return h

    def backward(self, grad):
        gW, gb = [None] * len(self.W), [None] * len(self.b)
        for i in reversed(range(len(self.W))):
            h_in = self.cache[0] if i == 0 else self.cache[i][1]
            gW[i] = h_in.T @ grad
            gb[i] = grad.sum(axis=0)
            if i > 0:
                z, _ = self.cache[i]
                s = 1 / (1 + np.exp(-z))
                grad = (grad @ self.W[i].T) * (s * (1 + z * (1 - s)))
        return gW + gb

    def adam(self, grads, lr, b1=0.9, b2=0.999, eps=1e-8):
        self.step += 1
        params = self.W + self.b
        for j, (p, g) in enumerate(zip(params, grads)):
            self.m[j] = b1 * self.m[j] + (1 - b1) * g
            self.v[j] = b2 * self.v[j] + (1 - b2) * g * g
            mh = self.m[j] / (1 - b1**self.step)
            vh = self.v[j] / (1 - b2**self.step)
            p -= lr * mh / (np.sqrt(vh) + eps)


def score(net, x, t):
    """s(x, t) = -eps_hat / sigma_t (the network predicts the noise)."""
    return -net.forward(features(x, t)) / sigma(t)[:, None]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--seed", type=int, default=20260605)
    ap.add_argument("--times", type=int, default=20)
    ap.add_argument("--t-min", type=float, default=0.05)
    ap.add_argument("--t-max", type=float, default=1.5)
    ap.add_argument("--out", default="problems/score-fields/two-moons-field.npz")
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    net = MLP(rng, [8, args.hidden, args.hidden, 2])
    for step in range(args.steps):
        x0 = sample_data(rng, args.batch)
        t = np.exp(rng.uniform(np.log(0.02), np.log(2.0), args.batch))
        z = rng.standard_normal(x0.shape)
        xt = np.exp(-t)[:, None] * x0 + sigma(t)[:, None] * z
        pred = net.forward(features(xt, t))
        # Denoising score matching with weight sigma_t^2: |eps_hat - z|^2.
        grad = 2 * (pred - z) / args.batch
        lr = 2e-3 * (0.5 * (1 + np.cos(np.pi * step / args.steps)) + 0.02)
        net.adam(net.backward(grad), lr)
        if step % 1000 == 0 or step == args.steps - 1:
            loss = ((pred - z) ** 2).sum(1).mean()
            print(f"step {step:6d}  loss {loss:.4f}")

    axis0 = np.linspace(-3.5, 4.5, 97)
    axis1 = np.linspace(-3.5, 4.0, 91)
    X, Y = np.meshgrid(axis0, axis1, indexing="ij")
    points = np.stack([X.ravel(), Y.ravel()], axis=1)
    times = np.geomspace(args.t_min, args.t_max, args.times)
    S = np.empty((len(times), len(axis0), len(axis1), 2))
    L = np.empty((len(times), len(axis0), len(axis1)))
    for k, tk in enumerate(times):
        S[k] = score(net, points, np.full(len(points), tk)).reshape(len(axis0), len(axis1), 2)
        L[k] = marginal_log_density(points, tk).reshape(len(axis0), len(axis1))
        # The p-weighted RMS error of the learned score against the exact one (by differences).
        p = np.exp(L[k] - L[k].max())
        g0, g1 = np.gradient(L[k], axis0, axis1)
        err = np.sqrt((p * ((S[k, ..., 0] - g0) ** 2 + (S[k, ..., 1] - g1) ** 2)).sum() / p.sum())
        print(f"t = {tk:.4f}: p-weighted RMS score error {err:.4f}")
    np.savez_compressed(
        args.out, score=S.astype(np.float32), axis0=axis0, axis1=axis1, t=times, log_density=L.astype(np.float32))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
