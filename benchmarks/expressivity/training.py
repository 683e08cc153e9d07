"""Regions during training: a small ReLU network learns Iris, epoch by epoch.

A ReLU classifier 4 - widths - 3 is trained with numpy (full-batch Adam on the softmax
cross-entropy, seeded) on Fisher's Iris data (``plr.load_iris()``, each measurement
standardised). At every checkpoint the script counts exactly

- the activation regions in the data's bounding box (enlarged by 10 % per side) and how
  many of them hold at least one flower (``plr.occupied_regions``),
- the activation regions on a 2-D slice (``plr.Plane``): the plane through the three
  species' mean flowers, over the rectangle that holds the projected data,
- the pieces along lines through the data: segments (``plr.Segment``) joining random
  pairs of flowers of different species,

next to the loss and the training accuracy. Every count is asserted to be within the
Serra et al. (2018) bound of its dimension (4 for the box, 2 for the slice, 1 for lines).

Settings
--------
default (about 15 s on 2 cores): widths 8 8, checkpoints at epochs 0, 1, 2, 5, 10, 20,
    50, 100, 200, 400, 1 seed, 20 lines.
--full (about 7 min): widths 16 16, checkpoints up to epoch 2000, 3 seeds, 50 lines.
    The same as ``--widths 16 16 --epochs 2000 --seeds 3 --lines 50``.

Usage::

    python benchmarks/expressivity/training.py [--full] [--out CSV] [--plot PNG]
"""

from __future__ import annotations

import sys
import time

import common
import numpy as np

import plregions as plr

COLUMNS = ["seed", "epoch", "loss", "accuracy", "n_regions_box", "n_occupied_regions",
           "n_points", "n_points_alone", "n_regions_slice", "n_lines", "mean_pieces_line",
           "transitions_per_length", "serra_bound_box", "serra_bound_slice",
           "serra_bound_line", "seconds"]
LR = 0.01


def parse(argv=None):
    parser = common.make_parser("training", __doc__)
    parser.add_argument("--widths", type=int, nargs="+", default=None,
                        help="hidden layer widths")
    parser.add_argument("--epochs", type=int, default=None, help="last epoch")
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--lines", type=int, default=None, help="lines through data")
    args = parser.parse_args(argv)
    full = dict(widths=[16, 16], epochs=2000, seeds=3, lines=50)
    small = dict(widths=[8, 8], epochs=400, seeds=1, lines=20)
    for key, value in (full if args.full else small).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def checkpoints(last: int) -> list[int]:
    """0, 1, 2, 5, 10, 20, 50, ... up to ``last`` (and ``last`` itself)."""
    marks = {0, last}
    for decade in (1, 10, 100, 1000, 10000):
        marks.update(m * decade for m in (1, 2, 5) if m * decade <= last)
    if last >= 400:
        marks.add(400)
    return sorted(marks)


def centroid_plane(X, y):
    """The plane through the three class means (``plr.Plane``, orthonormal coordinates
    centred on their mean), bounded to hold the projected flowers with a 10 % margin."""
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    origin = means.mean(axis=0)
    basis, _ = np.linalg.qr((means[1:] - means[0]).T)
    coords = (X - origin) @ basis
    box = common.data_box(coords)
    return plr.Plane(origin, basis[:, 0], basis[:, 1],
                     bounds=np.stack([box.lower, box.upper], axis=1))


def run(args):
    X, y, _, _, _ = common.iris_standardised()
    box = common.data_box(X)
    plane = centroid_plane(X, y)
    widths = list(args.widths)
    marks = checkpoints(args.epochs)
    bounds = dict(serra_bound_box=plr.serra_bound(widths, 4),
                  serra_bound_slice=plr.serra_bound(widths, 2),
                  serra_bound_line=plr.serra_bound(widths, 1))
    rows = []
    progress = common.Progress(len(marks) * args.seeds, "training", quiet=args.quiet)
    for s in range(args.seeds):
        rng = np.random.default_rng([args.seed, s])
        line_rng = np.random.default_rng([args.seed, s, 1])
        pairs = []
        while len(pairs) < args.lines:
            i, j = line_rng.integers(0, len(X), 2)
            if y[i] != y[j]:
                pairs.append((i, j))
        for epoch, weights, biases, loss, acc in common.train_mlp(
                X, y, widths, epochs=args.epochs, lr=LR, rng=rng, checkpoints=marks):
            start = time.perf_counter()
            net = plr.from_arrays(weights, biases)
            try:
                part = plr.partition(net, box)
            except plr.SolverError as err:
                common.skip(f"seed {s} epoch {epoch}", err)
                progress.step("skipped")
                continue
            found = part.find(X)
            occupied, per_region = np.unique(found[found >= 0], return_counts=True)
            common.check_bounds(len(part), widths, 4, what=f"box epoch {epoch}")
            assert occupied.size <= min(len(part), len(X))
            n_slice = plr.count_regions(net, plane)
            common.check_bounds(n_slice, widths, 2, what=f"slice epoch {epoch}")
            pieces, lengths = [], []
            for i, j in pairs:
                k = common.count_on_segment(net, X[i], X[j])
                common.check_bounds(k, widths, 1, what="line")
                pieces.append(k)
                lengths.append(np.linalg.norm(X[j] - X[i]))
            rows.append(dict(
                seed=s, epoch=epoch, loss=loss, accuracy=acc, n_regions_box=len(part),
                n_occupied_regions=occupied.size, n_points=len(X),
                n_points_alone=int(np.count_nonzero(per_region == 1)),
                n_regions_slice=n_slice, n_lines=len(pairs),
                mean_pieces_line=float(np.mean(pieces)),
                transitions_per_length=float((np.sum(pieces) - len(pieces)) / np.sum(lengths)),
                seconds=time.perf_counter() - start, **bounds))
            progress.step(f"seed {s} epoch {epoch}: {len(part)} regions")
    return rows


def plot(table, fig=None):
    """Counts, occupied regions and accuracy against the epoch."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 3.5), layout="constrained")
    axes = fig.subplots(1, 3)
    epochs = np.array(sorted(set(table["epoch"].tolist())))

    def mean(column):
        return np.array([table[column][table["epoch"] == e].mean() for e in epochs])

    x = epochs + 1
    axes[0].plot(x, mean("n_regions_box"), "o-", ms=3, label="in the data box ($\\mathbb{R}^4$)")
    axes[0].plot(x, mean("n_occupied_regions"), "s-", ms=3, label="holding a flower")
    axes[0].plot(x, mean("n_points_alone"), "^-", ms=3, label="holding exactly one flower")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("activation regions")
    axes[1].plot(x, mean("n_regions_slice"), "o-", ms=3, color="tab:purple",
                 label="on the plane of the class means")
    axes[1].set_ylabel("regions on the slice", color="tab:purple")
    twin = axes[1].twinx()
    twin.plot(x, mean("mean_pieces_line"), "s--", ms=3, color="tab:brown",
              label="pieces per line between flowers")
    twin.set_ylabel("pieces per line between flowers", color="tab:brown")
    axes[2].plot(x, mean("accuracy"), "o-", ms=3, color="tab:green", label="accuracy")
    axes[2].set_ylabel("training accuracy", color="tab:green")
    twin2 = axes[2].twinx()
    twin2.plot(x, mean("loss"), "s--", ms=3, color="tab:red", label="loss")
    twin2.set_ylabel("cross-entropy", color="tab:red")
    for ax in axes:
        ax.set_xscale("log")
        ax.set_xlabel("epoch + 1")
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=8)
    n_seeds = len(set(table["seed"].tolist()))
    fig.suptitle(f"Iris, ReLU network, full-batch Adam (mean of {n_seeds} seed(s))",
                 fontsize=10)
    return fig


def main(argv=None) -> int:
    return common.finish(parse(argv), run, plot, COLUMNS)


if __name__ == "__main__":
    sys.exit(main())
