"""ReLU against LeakyReLU against PReLU: activation regions and linear regions.

The same random weights and biases are used with every activation, and the script counts
exactly, in the box [-1, 1]^d and in all of R^d,

- the activation regions (one per feasible activation pattern),
- the linear regions (maximal connected sets where the network is affine: facet-adjacent
  activation regions with equal affine maps merged).

A ReLU outputs 0 when it is off, so a region where a whole layer is off has a constant
output, and neighbouring such regions merge into one linear region: ReLU networks have
fewer linear regions than activation regions, the more so when they are narrow and deep.
A LeakyReLU or PReLU unit keeps a slope on both sides, so its network keeps every kink.
Stacks of identity layers are one region (asserted). Counts are asserted to be within the
Montúfar (2017) bound (and, for ReLU, the Serra et al. 2018 bound, which does not hold
for LeakyReLU), and linear regions never to exceed activation regions.

Settings
--------
default (about 10 s on 2 cores): d = 2, width 4, depths 1 .. 5, 4 seeds.
--full (about 30 s): d = 2, width 4, depths 1 .. 8, 10 seeds. The same as
    ``--dims 2 --widths 4 --depths 1 2 3 4 5 6 7 8 --seeds 10``. Three inputs are much
    dearer (``--dims 3 --depths 1 2 3 4 --seeds 5``: several minutes); the figure shows the
    first dimension and width of the CSV.

Usage::

    python benchmarks/expressivity/activations.py [--full] [--out CSV] [--plot PNG]
"""

from __future__ import annotations

import sys
import time

import common
import numpy as np

import plregions as plr

COLUMNS = ["activation", "d", "depth", "width", "n_neurons", "seed", "domain", "n_regions",
           "n_linear_regions", "montufar_bound", "serra_bound", "seconds"]
ACTIVATIONS = ("relu", "leaky_relu 0.01", "leaky_relu 0.2", "prelu U(0,0.5)", "identity")
BIAS_SCALE = 0.3


def parse(argv=None):
    parser = common.make_parser("activations", __doc__)
    parser.add_argument("--dims", type=int, nargs="+", default=None)
    parser.add_argument("--widths", type=int, nargs="+", default=None)
    parser.add_argument("--depths", type=int, nargs="+", default=None)
    parser.add_argument("--seeds", type=int, default=None)
    args = parser.parse_args(argv)
    full = dict(dims=[2], widths=[4], depths=[1, 2, 3, 4, 5, 6, 7, 8], seeds=10)
    small = dict(dims=[2], widths=[4], depths=[1, 2, 3, 4, 5], seeds=4)
    for key, value in (full if args.full else small).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def activation_specs(name: str, widths, rng):
    """The ``activations`` argument of ``plr.from_arrays`` for one of ``ACTIVATIONS``."""
    if name == "relu":
        return ["relu"] * len(widths)
    if name.startswith("leaky_relu"):
        return [("leaky_relu", float(name.split()[1]))] * len(widths)
    if name.startswith("prelu"):
        return [("prelu", rng.uniform(0.0, 0.5, w)) for w in widths]
    if name == "identity":
        return ["identity"] * len(widths)
    raise ValueError(name)


def run(args):
    rows = []
    settings = [(d, w, L, s) for d in args.dims for w in args.widths for L in args.depths
                for s in range(args.seeds)]
    progress = common.Progress(len(settings), "activations", quiet=args.quiet)
    for d, w, L, s in settings:
        widths = [w] * L
        rng = np.random.default_rng([args.seed, d, w, L, s])
        weights, biases = common.random_network(d, widths, rng, bias_scale=BIAS_SCALE)
        montufar = plr.montufar_bound(widths, d)
        serra = plr.serra_bound(widths, d)
        try:
            rows += compare(d, w, L, s, weights, biases, rng, montufar, serra)
        except plr.SolverError as err:        # keep the comparison paired: drop all
            common.skip(f"d={d} {L}x{w} seed {s}", err)
        progress.step(f"d={d} {L}x{w} seed {s}")
    return rows


def compare(d, w, L, s, weights, biases, rng, montufar, serra):
    """Rows of one setting: every activation on the same weights, box and R^d."""
    widths = [w] * L
    rows = []
    for name in ACTIVATIONS:
        net = plr.from_arrays(weights, biases, activation_specs(name, widths, rng))
        for domain, where in ((plr.Box(-np.ones(d), np.ones(d)), "box"), (None, "R^d")):
            start = time.perf_counter()
            part = plr.partition(net, domain)
            n, n_lin = len(part), part.n_linear_regions
            what = f"{name} d={d} {L}x{w} seed {s} {where}"
            assert 1 <= n_lin <= n <= montufar, (what, n_lin, n, montufar)
            if name == "relu":
                common.check_bounds(n, widths, d, what=what)
            if name == "identity":
                assert n == n_lin == 1, f"{what}: a stack of affine layers is one region"
            rows.append(dict(activation=name, d=d, depth=L, width=w, n_neurons=L * w,
                             seed=s, domain=where, n_regions=n, n_linear_regions=n_lin,
                             montufar_bound=montufar,
                             serra_bound=serra if name == "relu" else None,
                             seconds=time.perf_counter() - start))
    return rows


def plot(table, fig=None):
    """Activation (solid) and linear (dashed) regions against depth, per domain, and the
    fraction of activation regions merged into larger linear regions."""
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(11, 3.6), layout="constrained")
    axes = fig.subplots(1, 3)
    d, w = int(table["d"][0]), int(table["width"][0])
    base = (table["d"] == d) & (table["width"] == w)
    colors = dict(zip(ACTIVATIONS, ["tab:blue", "tab:orange", "tab:red", "tab:green",
                                    "grey"]))
    depths = np.array(sorted(set(table["depth"][base].tolist())))
    for ax, where, title in ((axes[0], "box", f"$[-1,1]^{d}$"),
                             (axes[1], "R^d", f"$\\mathbb{{R}}^{d}$")):
        for name, color in colors.items():
            sel = base & (table["activation"] == name) & (table["domain"] == where)
            act = [table["n_regions"][sel & (table["depth"] == L)].mean() for L in depths]
            lin = [table["n_linear_regions"][sel & (table["depth"] == L)].mean()
                   for L in depths]
            ax.plot(depths, act, "o-", color=color, ms=3, label=name)
            ax.plot(depths, lin, "s--", color=color, ms=3, alpha=0.8)
        ax.set_yscale("log")
        ax.set_title(f"{title}: activation (—) and linear (- -) regions", fontsize=9)
        ax.set_xlabel(f"hidden layers (width {w})")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("regions (mean over seeds)")
    for name, color in colors.items():
        sel = base & (table["activation"] == name) & (table["domain"] == "R^d")
        frac = [1 - (table["n_linear_regions"][sel & (table["depth"] == L)].sum()
                     / table["n_regions"][sel & (table["depth"] == L)].sum()) for L in depths]
        axes[2].plot(depths, frac, "o-", color=color, ms=3, label=name)
    axes[2].set_title(f"activation regions merged, $\\mathbb{{R}}^{d}$", fontsize=9)
    axes[2].set_ylabel("1 − linear / activation regions")
    axes[2].set_xlabel(f"hidden layers (width {w})")
    axes[2].grid(alpha=0.3)
    axes[2].legend(fontsize=8)
    return fig


def main(argv=None) -> int:
    return common.finish(parse(argv), run, plot, COLUMNS)


if __name__ == "__main__":
    sys.exit(main())
