"""Depth against width at a fixed neuron budget: exact region counts next to the bounds.

For a budget of N ReLU neurons split into L hidden layers of width N / L, in input
dimension d, the script counts exactly

- the activation regions of He-initialised random networks (several seeds) in all of
  R^d and in the box [-1, 1]^d,
- the activation and linear regions, on the box [0, 1]^d, of the lower-bound
  constructions of Montúfar et al. (2014) and Serra et al. (2018) for the same
  architecture (each must reach its exact count: asserted), and of Telgarsky's sawtooth
  (2^L pieces on [0, 1], asserted),

and writes them beside the first layer's Zaslavsky count (a lower bound in R^d), the
general-position maximum of one layer of N neurons, and the upper bounds of Montúfar
(2017) and Serra et al. (2018). Every count is asserted to lie within its bounds.

Settings
--------
default (about 15 s on 2 cores): N = 12, d = 1, 2, 3, depths 1, 2, 3, 4, 6, 3 seeds,
    sawtooth depths 1 .. 8.
--full (about 4 min): N = 24, d = 1, 2, 3, 4, depths 1, 2, 3, 4, 6, 5 seeds, sawtooth
    depths 1 .. 12. The same as
    ``--neurons 24 --dims 1 2 3 4 --depths 1 2 3 4 6 --seeds 5 --sawtooth 12``.

Usage::

    python benchmarks/expressivity/depth_vs_width.py [--full] [--out CSV] [--plot PNG]
"""

from __future__ import annotations

import sys
import time

import common
import numpy as np

import plregions as plr

COLUMNS = ["family", "d", "depth", "width", "n_neurons", "seed", "domain", "n_regions",
           "n_linear_regions", "expected", "first_layer", "general_position",
           "montufar_bound", "serra_bound", "seconds"]
LINEAR_LIMIT = 60000          # linear regions (one LP per candidate facet) up to this count


def parse(argv=None):
    parser = common.make_parser("depth_vs_width", __doc__)
    parser.add_argument("--neurons", type=int, default=None, help="neuron budget N")
    parser.add_argument("--dims", type=int, nargs="+", default=None, help="input dimensions")
    parser.add_argument("--depths", type=int, nargs="+", default=None,
                        help="numbers of hidden layers (each must divide N)")
    parser.add_argument("--seeds", type=int, default=None, help="random networks per setting")
    parser.add_argument("--sawtooth", type=int, default=None,
                        help="largest depth of Telgarsky's sawtooth")
    args = parser.parse_args(argv)
    full = dict(neurons=24, dims=[1, 2, 3, 4], depths=[1, 2, 3, 4, 6], seeds=5, sawtooth=12)
    small = dict(neurons=12, dims=[1, 2, 3], depths=[1, 2, 3, 4, 6], seeds=3, sawtooth=8)
    for key, value in (full if args.full else small).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    bad = [L for L in args.depths if args.neurons % L]
    if bad:
        parser.error(f"depths {bad} do not divide the neuron budget {args.neurons}")
    return args


def bound_columns(widths, d):
    return dict(general_position=plr.general_position_bound(sum(widths), d),
                montufar_bound=plr.montufar_bound(widths, d),
                serra_bound=plr.serra_bound(widths, d))


def run(args):
    rows = []
    archs = [(d, L, args.neurons // L) for d in args.dims for L in args.depths]
    n_constructions = sum(2 for d, L, w in archs if common.construction_applies(d, [w] * L))
    total = len(archs) * args.seeds + n_constructions + args.sawtooth
    progress = common.Progress(total, "depth_vs_width", quiet=args.quiet)
    for d, L, w in archs:
        widths = [w] * L
        bounds = bound_columns(widths, d)
        base = dict(d=d, depth=L, width=w, n_neurons=L * w, **bounds)
        for s in range(args.seeds):
            rng = np.random.default_rng([args.seed, d, L, s])
            weights, biases = common.random_network(d, widths, rng, init="he",
                                                    bias_scale=0.1)
            net = plr.from_arrays(weights, biases)
            first = plr.region_bounds(net).first_layer
            pair = []
            try:
                for domain, dom in ((None, "R^d"), (plr.Box(-np.ones(d), np.ones(d)), "box")):
                    start = time.perf_counter()
                    n = plr.count_regions(net, domain)
                    pair.append(dict(base, family="random", seed=s, domain=dom, n_regions=n,
                                     first_layer=first, seconds=time.perf_counter() - start))
                    # the first layer's count is a lower bound in R^d only
                    common.check_bounds(n, widths, d, lower=first if domain is None else 1,
                                        what=f"random d={d} {L}x{w} seed {s} {dom}")
            except plr.SolverError as err:
                common.skip(f"random d={d} {L}x{w} seed {s}", err)
                pair = []
            if pair:
                assert pair[1]["n_regions"] <= pair[0]["n_regions"], "box count above R^d"
            rows += pair
            progress.step(f"d={d} {L}x{w}")
        if not common.construction_applies(d, widths):
            continue
        for kind in ("montufar", "serra"):
            rng = np.random.default_rng([args.seed, d, L, 1000])
            weights, biases, expected = common.fold_network(d, widths, rng, kind=kind)
            rows.append(count_construction(kind, weights, biases, expected, d, base))
            progress.step(f"{kind} d={d} {L}x{w}")
    for L in range(1, args.sawtooth + 1):
        weights, biases = common.sawtooth_network(L)
        widths = [2] * L
        base = dict(d=1, depth=L, width=2, n_neurons=2 * L, **bound_columns(widths, 1))
        rows.append(count_construction("telgarsky", weights, biases, 2 ** L, 1, base))
        progress.step(f"sawtooth L={L}")
    return rows


def count_construction(kind, weights, biases, expected, d, base):
    """Partition [0, 1]^d and assert the construction's exact counts."""
    net = plr.from_arrays(weights, biases)
    widths = [base["width"]] * base["depth"]
    start = time.perf_counter()
    part = plr.partition(net, plr.Box(np.zeros(d), np.ones(d)))
    n = len(part)
    assert n == expected, f"{kind} d={d} {widths}: {n} regions, expected exactly {expected}"
    common.check_bounds(n, widths, d, what=f"{kind} d={d} {widths}")
    n_linear = part.n_linear_regions if n <= LINEAR_LIMIT else None
    if n_linear is not None:
        assert n_linear <= n
        # the output weights are generic: every fold and every hyperplane is a kink, except
        # where a last layer of n_L <= d units has a region with every unit off
        if kind == "telgarsky" or base["width"] > d or d == 1:
            assert n_linear == expected, f"{kind} d={d} {widths}: {n_linear} linear regions"
    return dict(base, family=kind, seed=0, domain="unit box", n_regions=n,
                n_linear_regions=n_linear, expected=expected,
                seconds=time.perf_counter() - start)


NAMES = {"montufar": "Montúfar", "serra": "Serra"}


def plot(table, fig=None):
    """A panel for Telgarsky's sawtooth, then one per input dimension: counts against
    depth at the fixed neuron budget, with the bounds."""
    import matplotlib.pyplot as plt

    fam, dom = table["family"], table["domain"]
    dims = sorted({int(v) for v in table["d"][fam == "random"]})
    saw = fam == "telgarsky"
    n_panels = len(dims) + int(saw.any())
    if fig is None:
        fig = plt.figure(figsize=(3.3 * n_panels, 3.7), layout="constrained")
    axes = list(fig.subplots(1, n_panels, squeeze=False)[0])
    if saw.any():
        ax = axes.pop(0)
        order = np.argsort(table["depth"][saw])
        L = table["depth"][saw][order]
        ax.plot(L, table["n_regions"][saw][order], "d-", color="tab:purple", ms=4,
                label="Telgarsky sawtooth (width 2), $[0,1]$")
        ax.plot(L, table["serra_bound"][saw][order], "k--", lw=1.2)
        ax.plot(L, table["montufar_bound"][saw][order], "k:", lw=1.2)
        ax.set_yscale("log")
        ax.set_xlabel("hidden layers L (width 2)")
        ax.set_ylabel("activation regions")
        ax.set_title("sawtooth: $2^L$ pieces", fontsize=10)
        ax.grid(alpha=0.3)
    for ax, d in zip(axes, dims):
        at_d = table["d"] == d
        rand = at_d & (fam == "random")
        depths = sorted({int(v) for v in table["depth"][rand]})
        for where, label, style in (("R^d", "random (He), $\\mathbb{R}^d$", "o-"),
                                    ("box", "random (He), $[-1,1]^d$", "s-")):
            sel = rand & (dom == where)
            vals = [table["n_regions"][sel & (table["depth"] == L)] for L in depths]
            mean = np.array([v.mean() for v in vals])
            err = [mean - [v.min() for v in vals], [v.max() for v in vals] - mean]
            ax.errorbar(depths, mean, yerr=err, fmt=style, ms=4, capsize=2, label=label)
        first = rand & (dom == "R^d")
        for column, label, style in (("serra_bound", "Serra et al. 2018 bound", "k--"),
                                     ("montufar_bound", "Montúfar 2017 bound", "k:")):
            vals = [table[column][first & (table["depth"] == L)][0] for L in depths]
            ax.plot(depths, vals, style, lw=1.2, label=label)
        zas = [table["first_layer"][first & (table["depth"] == L)].mean() for L in depths]
        ax.plot(depths, zas, "x", color="grey", label="first layer alone (Zaslavsky), mean")
        for kind, color in (("montufar", "tab:green"), ("serra", "tab:red")):
            sel = at_d & (fam == kind)
            if sel.any():
                order = np.argsort(table["depth"][sel])
                ax.plot(table["depth"][sel][order], table["n_regions"][sel][order], "^-",
                        color=color, ms=5, label=f"{NAMES[kind]} construction, $[0,1]^d$")
        widths = [int(table["width"][first & (table["depth"] == L)][0]) for L in depths]
        n = int(table["n_neurons"][rand][0])
        ax.set_xticks(depths, [f"{L}×{w}" for L, w in zip(depths, widths)], fontsize=8)
        ax.set_yscale("log")
        ax.set_xlabel("hidden layers × width")
        ax.set_title(f"d = {d}, {n} neurons", fontsize=10)
        ax.grid(alpha=0.3)
    if not saw.any():
        axes[0].set_ylabel("activation regions")
    handles = {}
    for ax in fig.axes:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="outside lower center",
               ncol=4, fontsize=8)
    return fig


def main(argv=None) -> int:
    args = parse(argv)
    return common.finish(args, run, plot, COLUMNS)


if __name__ == "__main__":
    sys.exit(main())
