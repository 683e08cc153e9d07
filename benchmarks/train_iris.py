"""Train the bundled Iris network and save it as ``plregions/data/iris_mlp.npz``.

A 4-8-8-3 ReLU multilayer perceptron is fitted to all 150 flowers of Fisher's Iris data
by full-batch Adam on the mean cross-entropy, with numpy only. Training runs on
standardised measurements; the standardisation is then folded into the first layer, so
the saved network takes the raw measurements in cm. Everything is seeded: running the
script again rewrites the same file.

Usage::

    python benchmarks/train_iris.py [--out PATH] [--seed N] [--steps N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import plregions as plr
from plregions.datasets import load_iris

WIDTHS = (4, 8, 8, 3)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "plregions" / "data" / "iris_mlp.npz"


def init_params(rng: np.random.Generator, widths=WIDTHS):
    """He-initialised weights (n_out, n_in) and zero biases."""
    params = []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in))
        params.append([W, np.zeros(n_out)])
    return params


def forward(params, X):
    """Logits and the per-layer inputs and pre-activations kept for backpropagation."""
    h, cache = X, []
    for index, (W, b) in enumerate(params):
        z = h @ W.T + b
        cache.append((h, z))
        h = z if index == len(params) - 1 else np.maximum(z, 0.0)
    return h, cache


def loss_and_grads(params, X, y, weight_decay: float = 0.0):
    """Mean cross-entropy of softmax(logits) plus ``weight_decay / 2 * sum ||W||^2``,
    and its gradient for every parameter."""
    logits, cache = forward(params, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = X.shape[0]
    loss = -log_p[np.arange(n), y].mean()
    loss += weight_decay / 2 * sum(float(np.sum(W * W)) for W, _ in params)
    delta = np.exp(log_p)
    delta[np.arange(n), y] -= 1.0
    delta /= n
    grads = [None] * len(params)
    for index in range(len(params) - 1, -1, -1):
        h, z = cache[index]
        if index < len(params) - 1:
            delta = delta * (z > 0)
        W = params[index][0]
        grads[index] = [delta.T @ h + weight_decay * W, delta.sum(axis=0)]
        delta = delta @ W
    return loss, grads


def train(X, y, *, seed: int = 0, steps: int = 2000, lr: float = 0.01,
          weight_decay: float = 1e-3):
    """Full-batch Adam (beta1 = 0.9, beta2 = 0.999) from a seeded initialisation."""
    rng = np.random.default_rng(seed)
    params = init_params(rng)
    m = [[np.zeros_like(p) for p in layer] for layer in params]
    v = [[np.zeros_like(p) for p in layer] for layer in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    loss = np.inf
    for step in range(1, steps + 1):
        loss, grads = loss_and_grads(params, X, y, weight_decay)
        for layer, glayer, mlayer, vlayer in zip(params, grads, m, v):
            for k in range(2):
                mlayer[k] = beta1 * mlayer[k] + (1 - beta1) * glayer[k]
                vlayer[k] = beta2 * vlayer[k] + (1 - beta2) * glayer[k] ** 2
                mhat = mlayer[k] / (1 - beta1 ** step)
                vhat = vlayer[k] / (1 - beta2 ** step)
                layer[k] = layer[k] - lr * mhat / (np.sqrt(vhat) + eps)
    return params, float(loss)


def fold_standardisation(params, mean, std):
    """Weights and biases of the same network taking raw inputs ``x``.

    The first layer saw ``(x - mean) / std``: ``W ((x - mean) / std) + b`` equals
    ``(W / std) x + (b - W (mean / std))``.
    """
    (W1, b1), *rest = params
    weights = [W1 / std, *(W for W, _ in rest)]
    biases = [b1 - W1 @ (mean / std), *(b for _, b in rest)]
    return weights, biases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to save the .npz")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--weight-decay", type=float, default=1e-3)
    args = parser.parse_args(argv)

    X, y, species = load_iris()
    mean, std = X.mean(axis=0), X.std(axis=0)
    params, loss = train((X - mean) / std, y, seed=args.seed, steps=args.steps,
                         weight_decay=args.weight_decay)
    weights, biases = fold_standardisation(params, mean, std)
    net = plr.from_arrays(weights, biases)
    accuracy = float((net(X).argmax(axis=1) == y).mean())
    logits_std, _ = forward(params, (X - mean) / std)
    fold_error = float(np.abs(net(X) - logits_std).max())
    print(f"network {net.architecture}, {net.n_neurons} ReLU neurons, seed {args.seed}, "
          f"{args.steps} Adam steps, weight decay {args.weight_decay:g}")
    print(f"final objective {loss:.4f}, training accuracy {accuracy:.4f} "
          f"({int(round(accuracy * len(y)))}/{len(y)}), species {', '.join(species)}")
    print(f"largest change of a logit from folding the standardisation: {fold_error:.2e}")
    if accuracy < 0.95:
        print("training accuracy below 0.95: not saving")
        return 1
    plr.save_network(net, args.out)
    print(f"saved {args.out.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
