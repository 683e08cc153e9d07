"""Regions at initialisation: He against Glorot against LeCun, and the scale of the biases.

For random ReLU networks of a fixed width and growing depth, the script measures exactly

- the density of activation regions in the box [-1, 1]^d (regions per unit volume),
- the density of region boundaries along random lines: each line is a segment of length 2
  through a uniform point of the box in a uniform direction (``plr.Segment``); its
  pieces are counted exactly, and (pieces - 1) / length is its number of transitions
  per unit length,

and writes them next to the number of neurons. Hanin and Rolnick (2019) showed that at
initialisation these densities grow with the number of neurons (like N^d and N), not
exponentially with depth as the upper bounds do.

Weights are Gaussian with the scheme's standard deviation (He sqrt(2 / fan_in), Glorot
sqrt(2 / (fan_in + fan_out)), LeCun sqrt(1 / fan_in)) and biases Gaussian with standard
deviation ``bias_scale``. The three schemes use the same underlying draws, so with zero
biases they differ only by a positive factor per layer and give the same partition (a
ReLU network without biases is positively homogeneous): the script asserts it.

Settings
--------
default (about 15 s on 2 cores): d = 2, width 8, depths 1 .. 6, bias scales 0, 0.1, 1,
    3 seeds, 10 lines per network.
--full (about 30 s): d = 2, width 16, depths 1 .. 8, bias scales 0, 0.1, 0.3, 1,
    5 seeds, 30 lines. The same as ``--dim 2 --width 16 --depths 1 2 3 4 5 6 7 8
    --bias-scales 0 0.1 0.3 1 --seeds 5 --lines 30``. Add ``--dim 3`` for the same sweep
    in three dimensions (several minutes).

Usage::

    python benchmarks/expressivity/initialization.py [--full] [--out CSV] [--plot PNG]
"""

from __future__ import annotations

import sys
import time

import common
import numpy as np

import plregions as plr

COLUMNS = ["init", "bias_scale", "d", "depth", "width", "n_neurons", "seed", "n_regions_box",
           "box_volume", "regions_per_volume", "n_lines", "line_length",
           "transitions_per_length", "max_pieces_on_line", "serra_bound", "serra_bound_line",
           "seconds"]


def parse(argv=None):
    parser = common.make_parser("initialization", __doc__)
    parser.add_argument("--dim", type=int, default=None, help="input dimension d")
    parser.add_argument("--width", type=int, default=None, help="neurons per hidden layer")
    parser.add_argument("--depths", type=int, nargs="+", default=None)
    parser.add_argument("--bias-scales", type=float, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None)
    parser.add_argument("--lines", type=int, default=None, help="random lines per network")
    args = parser.parse_args(argv)
    full = dict(dim=2, width=16, depths=[1, 2, 3, 4, 5, 6, 7, 8],
                bias_scales=[0.0, 0.1, 0.3, 1.0], seeds=5, lines=30)
    small = dict(dim=2, width=8, depths=[1, 2, 3, 4, 5, 6], bias_scales=[0.0, 0.1, 1.0],
                 seeds=3, lines=10)
    for key, value in (full if args.full else small).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def run(args):
    d = args.dim
    box = plr.Box(-np.ones(d), np.ones(d))
    volume = 2.0 ** d
    half = 1.0
    rows = []
    total = len(args.bias_scales) * len(args.depths) * args.seeds
    progress = common.Progress(total, "initialization", quiet=args.quiet)
    for bias_scale in args.bias_scales:
        for L in args.depths:
            for s in range(args.seeds):
                try:
                    rows += compare_inits(args, bias_scale, L, s, box, volume, half)
                except plr.SolverError as err:
                    common.skip(f"bias {bias_scale} L={L} seed {s}", err)
                progress.step(f"bias {bias_scale} L={L} seed {s}")
    return rows


def compare_inits(args, bias_scale, L, s, box, volume, half):
    """Rows of one setting: the three schemes on the same underlying draws."""
    d, w = args.dim, args.width
    widths = [w] * L
    serra, serra_line = plr.serra_bound(widths, d), plr.serra_bound(widths, 1)
    rows = []
    counts = {}
    for init in common.INITS:
        # the same draws for every scheme: only the per-layer scale differs
        rng = np.random.default_rng([args.seed, L, s])
        weights, biases = common.random_network(d, widths, rng, init=init,
                                                bias_scale=bias_scale)
        start = time.perf_counter()
        net = plr.from_arrays(weights, biases)
        n = plr.count_regions(net, box)
        common.check_bounds(n, widths, d, what=f"{init} L={L} seed {s}")
        line_rng = np.random.default_rng([args.seed, L, s, 1])
        pieces = []
        for _ in range(args.lines):
            a, b = common.random_segment(d, line_rng, half_length=half)
            k = common.count_on_segment(net, a, b)
            common.check_bounds(k, widths, 1, what="line")
            pieces.append(k)
        counts[init] = n
        rows.append(dict(
            init=init, bias_scale=bias_scale, d=d, depth=L, width=w,
            n_neurons=L * w, seed=s, n_regions_box=n, box_volume=volume,
            regions_per_volume=n / volume, n_lines=args.lines,
            line_length=2 * half,
            transitions_per_length=float(np.mean(pieces) - 1) / (2 * half),
            max_pieces_on_line=max(pieces), serra_bound=serra,
            serra_bound_line=serra_line, seconds=time.perf_counter() - start))
    if bias_scale == 0:
        assert len(set(counts.values())) == 1, (
            f"zero biases: the schemes differ only by positive layer scales, "
            f"yet the counts differ: {counts}")
    return rows


def plot(table, fig=None):
    """Region density and boundary density against the number of neurons."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 3.7), layout="constrained")
    axes = fig.subplots(1, 3)
    d = int(table["d"][0])
    scales = sorted(set(table["bias_scale"].tolist()))
    colors = {"he": "tab:blue", "glorot": "tab:orange", "lecun": "tab:green"}
    styles = dict(zip([v for v in scales if v != 0], ["--", ":", "-.", (0, (5, 1))]))
    curves = [("he", 0.0, "black", "-", "any scheme, bias 0 (identical)")] if 0 in scales else []
    curves += [(init, scale, color, styles[scale], f"{init}, bias sd {scale:g}")
               for init, color in colors.items() for scale in scales if scale != 0]
    for init, scale, color, style, label in curves:
        sel = (table["init"] == init) & (table["bias_scale"] == scale)
        if not sel.any():
            continue
        N = np.array(sorted(set(table["n_neurons"][sel].tolist())))
        dens = np.array([table["regions_per_volume"][sel & (table["n_neurons"] == n)]
                         .mean() for n in N])
        trans = np.array([table["transitions_per_length"][sel & (table["n_neurons"] == n)]
                          .mean() for n in N])
        axes[0].plot(N, dens, linestyle=style, color=color, marker="o", ms=3, label=label)
        axes[1].plot(N, trans, linestyle=style, color=color, marker="o", ms=3, label=label)
        axes[2].plot(N // int(table["width"][0]), trans / N, linestyle=style, color=color,
                     marker="o", ms=3, label=label)
    N = np.array(sorted(set(table["n_neurons"].tolist())))
    ref = table["regions_per_volume"][table["n_neurons"] == N[0]].mean()
    axes[0].plot(N, ref * (N / N[0]) ** d, color="grey", lw=3, alpha=0.35,
                 label=f"$\\propto N^{d}$")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("neurons N")
    axes[0].set_ylabel(f"regions per unit volume in $[-1,1]^{d}$")
    ref = table["transitions_per_length"][table["n_neurons"] == N[0]].mean()
    axes[1].plot(N, ref * N / N[0], color="grey", lw=3, alpha=0.35, label="$\\propto N$")
    axes[1].set_xlabel("neurons N")
    axes[1].set_ylabel("transitions per unit length (random lines)")
    axes[2].set_xlabel(f"hidden layers (width {int(table['width'][0])})")
    axes[2].set_ylabel("transitions per unit length / N")
    axes[2].set_ylim(bottom=0)
    for ax in axes:
        ax.grid(alpha=0.3)
    handles = {}
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="outside right center",
               fontsize=8)
    return fig


def main(argv=None) -> int:
    return common.finish(parse(argv), run, plot, COLUMNS)


if __name__ == "__main__":
    sys.exit(main())
