"""Dying ReLUs and sparsity: dead neurons after training with a large learning rate.

ReLU classifiers 4 - widths - 3 are trained on Iris (standardised) with plain mini-batch
SGD at several learning rates. For each trained network (and its initialisation) the
script partitions the data's bounding box exactly and reports

- the neurons dead on the box (``plr.dead_neurons``: off in every activation region of
  the box), those off on every flower, and those always on (``plr.always_active_neurons``),
- the activation regions in the box, and again after deleting the dead neurons (with
  their outgoing weights): the count must not change (asserted), since a neuron that is
  off on the whole domain contributes neither a boundary nor a value there,
- sparsity: the fraction of active neurons in every region (its distribution over the
  regions, each region counted once, and ``plr.mean_active_fraction``), and the mean
  fraction at uniform random points of the box (volume-weighted), against the 50 %
  expected at initialisation when every pre-activation is symmetric about 0.

Counts are asserted to be within the Serra et al. (2018) bound, and the neurons dead on the
box to be among those off on every flower (the flowers lie inside the box).

Settings
--------
default (about 15 s on 2 cores): widths 8 8, learning rates 0.03, 0.3, 3, 10, 100 epochs
    (batches of 16), 2 seeds.
--full (about 12 min): widths 16 16, learning rates 0.01 .. 10 (7 values), 200 epochs,
    5 seeds. The same as ``--widths 16 16 --lrs 0.01 0.03 0.1 0.3 1 3 10 --epochs 200
    --seeds 5``.

Usage::

    python benchmarks/expressivity/dead_neurons.py [--full] [--out CSV] [--plot PNG]
"""

from __future__ import annotations

import sys
import time

import common
import numpy as np

import plregions as plr

BINS = 8
# regions_active_bin{k}: regions whose fraction of active neurons lies in [k/8, (k+1)/8)
# (the last bin includes 1); eighths fit the default 16 and the full 32 neurons evenly
HIST = [f"regions_active_bin{k}" for k in range(BINS)]
COLUMNS = ["condition", "lr", "seed", "epochs", "loss", "accuracy", "n_neurons",
           "n_dead_box", "n_dead_data", "n_always_active_box", "n_regions_box",
           "n_regions_pruned", "mean_active_regions", "mean_active_points", *HIST,
           "serra_bound", "seconds"]
N_POINTS = 20000
BATCH = 16


def parse(argv=None):
    parser = common.make_parser("dead_neurons", __doc__)
    parser.add_argument("--widths", type=int, nargs="+", default=None)
    parser.add_argument("--lrs", type=float, nargs="+", default=None, help="learning rates")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seeds", type=int, default=None)
    args = parser.parse_args(argv)
    full = dict(widths=[16, 16], lrs=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0], epochs=200,
                seeds=5)
    small = dict(widths=[8, 8], lrs=[0.03, 0.3, 3.0, 10.0], epochs=100, seeds=2)
    for key, value in (full if args.full else small).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def prune(weights, biases, dead):
    """Delete the given global neuron indices (and their outgoing weights).

    A layer whose every unit is deleted keeps one unit with zero weights and bias -1:
    always off, no hyperplane (from_arrays needs at least one unit per layer).
    """
    weights = [W.copy() for W in weights]
    biases = [b.copy() for b in biases]
    dead = set(int(i) for i in dead)
    offset = 0
    for layer in range(len(weights) - 1):
        width = weights[layer].shape[0]
        keep = [k for k in range(width) if offset + k not in dead]
        offset += width
        if not keep:
            keep = [0]
            weights[layer][0] = 0.0
            biases[layer][0] = -1.0
        weights[layer] = weights[layer][keep]
        biases[layer] = biases[layer][keep]
        weights[layer + 1] = weights[layer + 1][:, keep]
    return weights, biases


def measure(weights, biases, X, box, widths, rng):
    """Partition the box and gather the statistics of one network."""
    net = plr.from_arrays(weights, biases)
    part = plr.partition(net, box)
    n = len(part)
    common.check_bounds(n, widths, X.shape[1], what="box")
    dead = plr.dead_neurons(part)
    dead_data = np.flatnonzero(~net.activation_patterns(X).any(axis=0))
    assert set(dead.tolist()) <= set(dead_data.tolist()), (dead, dead_data)
    pruned = n
    if dead.size:
        pruned = plr.count_regions(plr.from_arrays(*prune(weights, biases, dead)), box)
        assert pruned == n, f"pruning {dead.size} dead neurons changed {n} regions to {pruned}"
    fractions = part.activation_patterns.mean(axis=1)
    hist = np.bincount(np.minimum((fractions * BINS).astype(int), BINS - 1), minlength=BINS)
    points = rng.uniform(box.lower, box.upper, (N_POINTS, X.shape[1]))
    row = dict(n_neurons=net.n_neurons, n_dead_box=dead.size, n_dead_data=dead_data.size,
               n_always_active_box=plr.always_active_neurons(part).size, n_regions_box=n,
               n_regions_pruned=pruned, mean_active_regions=plr.mean_active_fraction(part),
               mean_active_points=float(net.activation_patterns(points).mean()),
               serra_bound=plr.serra_bound(widths, X.shape[1]))
    row.update(zip(HIST, hist.tolist()))
    return row


def run(args):
    X, y, _, _, _ = common.iris_standardised()
    box = common.data_box(X)
    widths = list(args.widths)
    rows = []
    progress = common.Progress(args.seeds * (len(args.lrs) + 1), "dead_neurons",
                               quiet=args.quiet)
    for s in range(args.seeds):
        for lr in args.lrs:
            rng = np.random.default_rng([args.seed, s])      # same initialisation per lr
            for epoch, weights, biases, loss, acc in common.train_mlp(
                    X, y, widths, epochs=args.epochs, lr=lr, rng=rng, optimizer="sgd",
                    batch_size=BATCH, checkpoints=[0, args.epochs]):
                if epoch == 0 and lr != args.lrs[0]:
                    continue
                start = time.perf_counter()
                try:
                    row = measure(weights, biases, X, box, widths,
                                  np.random.default_rng([args.seed, s, 2]))
                except plr.SolverError as err:
                    common.skip(f"seed {s} lr {lr} epoch {epoch}", err)
                    progress.step("skipped")
                    continue
                row.update(condition="init" if epoch == 0 else "trained",
                           lr=0.0 if epoch == 0 else lr, seed=s, epochs=epoch, loss=loss,
                           accuracy=acc, seconds=time.perf_counter() - start)
                rows.append(row)
                progress.step(f"seed {s} lr {lr} epoch {epoch}: {row['n_dead_box']} dead")
    return rows


def plot(table, fig=None):
    """Dead neurons and regions against the learning rate; the distribution of the
    fraction of active neurons over the regions."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    trained = table["condition"] == "trained"
    lrs = np.array(sorted(set(table["lr"][trained].tolist())))

    def mean(column, sel=trained):
        return np.array([table[column][sel & (table["lr"] == v)].mean() for v in lrs])

    n_neurons = int(table["n_neurons"][0])
    axes[0].plot(lrs, mean("n_dead_box"), "o-", label="dead on the data box")
    axes[0].plot(lrs, mean("n_dead_data"), "s--", label="off on every flower")
    axes[0].plot(lrs, mean("n_always_active_box"), "^:", label="always on in the box")
    axes[0].set_ylim(-0.5, n_neurons + 0.5)
    axes[0].set_ylabel(f"neurons (of {n_neurons})")
    twin = axes[0].twinx()
    twin.plot(lrs, mean("accuracy"), "x-", color="grey", alpha=0.7, label="accuracy")
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("training accuracy", color="grey")
    axes[0].legend(fontsize=8, loc="center left")
    axes[1].plot(lrs, mean("n_regions_box"), "o-", label="trained network")
    axes[1].plot(lrs, mean("n_regions_pruned"), "x", ms=9, color="black",
                 label="dead neurons deleted (equal)")
    init = table["condition"] == "init"
    axes[1].axhline(table["n_regions_box"][init].mean(), color="grey", ls=":",
                    label="at initialisation")
    axes[1].set_yscale("log")
    axes[1].set_ylabel("activation regions in the data box")
    axes[1].legend(fontsize=8)
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_xlabel("SGD learning rate")
        ax.grid(alpha=0.3)
    centres = (np.arange(BINS) + 0.5) / BINS
    groups = [("initialisation", init, "grey")]
    groups += [(f"trained, lr {v:g}", trained & (table["lr"] == v), c)
               for v, c in ((lrs[0], "tab:blue"), (lrs[-1], "tab:red"))]
    for label, sel, color in groups:
        hist = np.array([table[h][sel].sum() for h in HIST])
        axes[2].step(centres, hist / hist.sum(), where="mid", color=color, label=label)
        axes[2].axvline(table["mean_active_points"][sel].mean(), color=color, ls="--", lw=1)
    axes[2].axvline(0.5, color="black", lw=0.8)
    axes[2].set_xlabel("fraction of neurons active in a region")
    axes[2].set_ylabel("share of regions")
    axes[2].set_title("dashed: mean at random points of the box", fontsize=9)
    axes[2].legend(fontsize=8)
    axes[2].grid(alpha=0.3)
    return fig


def main(argv=None) -> int:
    return common.finish(parse(argv), run, plot, COLUMNS)


if __name__ == "__main__":
    sys.exit(main())
