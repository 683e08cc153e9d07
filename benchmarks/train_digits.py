"""Train the bundled digits network and save it as ``plregions/data/digits_mlp.npz``.

A 64-64-64-64-10 ReLU multilayer perceptron (scikit-learn's ``MLPClassifier``: Adam,
L2 penalty ``alpha``, seeded by ``random_state``) is fitted to a stratified 75 % of the
1,797 8x8 handwritten digits of :func:`plregions.datasets.load_digits`, the other 25 %
held out. Training runs on pixels scaled to [0, 1]; the scaling is folded into the first
layer, so the saved network takes the raw pixels 0..16 of a flattened image. The
network is read from the fitted estimator with :func:`plregions.from_sklearn` and
checked against ``predict_proba`` before it is saved.

Needs scikit-learn: ``pip install 'plregions[sklearn]'``. Running the script again with
the same scikit-learn version rewrites the same weights (up to the last bits of the
BLAS's floating-point sums).

Usage::

    python benchmarks/train_digits.py [--out PATH] [--seed N]
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np

import plregions as plr
from plregions.datasets import load_digits

HIDDEN = (64, 64, 64)
PIXEL_MAX = 16.0
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "plregions" / "data" / "digits_mlp.npz"


def split(y: np.ndarray, seed: int, test_fraction: float = 0.25):
    """Stratified train/test indices: ``test_fraction`` of every digit held out."""
    rng = np.random.default_rng(seed)
    train, test = [], []
    for digit in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == digit))
        n_test = int(round(test_fraction * members.size))
        test.append(members[:n_test])
        train.append(members[n_test:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to save the .npz")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alpha", type=float, default=1e-3, help="L2 penalty")
    parser.add_argument("--max-iter", type=int, default=500)
    args = parser.parse_args(argv)
    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        print("train_digits.py needs scikit-learn: pip install 'plregions[sklearn]'")
        return 2

    X, y, _ = load_digits()
    train, test = split(y, args.seed)
    clf = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam",
                        alpha=args.alpha, max_iter=args.max_iter, random_state=args.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            clf.fit(X[train] / PIXEL_MAX, y[train])
        except ConvergenceWarning:
            print(f"Adam did not converge in {args.max_iter} epochs: not saving")
            return 1
    scaled = plr.from_sklearn(clf)
    # Fold x / 16 into the first layer: W (x / 16) + b = (W / 16) x + b.
    layers = [*scaled.hidden, scaled.output]
    weights = [layer.weight.copy() for layer in layers]
    biases = [layer.bias.copy() for layer in layers]
    weights[0] /= PIXEL_MAX
    net = plr.from_arrays(weights, biases)

    proba_error = float(np.abs(softmax(net(X)) - clf.predict_proba(X / PIXEL_MAX)).max())
    accuracy = {name: float((net(X[idx]).argmax(axis=1) == y[idx]).mean())
                for name, idx in (("train", train), ("test", test))}
    print(f"network {net.architecture}, {net.n_neurons} ReLU neurons, seed {args.seed}, "
          f"{clf.n_iter_} Adam epochs, alpha {args.alpha:g}")
    print(f"accuracy: train {accuracy['train']:.4f} ({train.size} images), "
          f"test {accuracy['test']:.4f} ({test.size} images)")
    print(f"largest difference from predict_proba: {proba_error:.2e}")
    if proba_error > 1e-9:
        print("the imported network does not reproduce predict_proba: not saving")
        return 1
    if accuracy["test"] < 0.95:
        print("test accuracy below 0.95: not saving")
        return 1
    plr.save_network(net, args.out)
    print(f"saved {args.out.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
