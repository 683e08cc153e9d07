"""Benchmark of the general-dimension engine (issue: exact region analysis in any dimension).

Reports, per network: activation regions, wall and CPU seconds, regions per second, LPs
per region and peak traced memory, and the ratio to a naive baseline run in the same
process: breadth-first layer-wise splitting with one scipy/HiGHS LP per (cell, neuron,
side) and no shortcuts, the approach of the slowest exact tools measured in
``../shared/cases/peer_bench/README.md``.

Usage::

    python benchmarks/bench_general.py            # default: about a minute
    python benchmarks/bench_general.py --baseline-all   # baseline on every network (slow)

The peer networks are read from ``../shared/cases/peer_bench`` next to the repository,
or from ``--peer-dir``.
"""

from __future__ import annotations

import argparse
import json
import time
import tracemalloc
from pathlib import Path

import numpy as np
from scipy.optimize import linprog

import plregions as plr
from plregions.network import load_npz

HERE = Path(__file__).resolve().parent


def random_network(sizes, seed):
    """He-initialised ReLU MLP, weights N(0, 2/fan_in), biases N(0, 0.01)."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)))
        biases.append(rng.normal(0, 0.1, size=n_out))
    return plr.from_arrays(weights, biases)


def naive_count(net, lower=None, upper=None, time_limit=600.0):
    """Breadth-first baseline: one scipy LP per cell, neuron and side. Returns (count, LPs)."""
    d = net.n_in
    if lower is not None:
        A0 = np.vstack([np.eye(d), -np.eye(d)])
        b0 = np.concatenate([upper, -np.asarray(lower)])
    else:
        A0, b0 = np.zeros((0, d)), np.zeros(0)
    lps = 0
    start = time.perf_counter()

    def feasible(A, b):
        nonlocal lps
        lps += 1
        if time.perf_counter() - start > time_limit:
            raise TimeoutError
        norms = np.linalg.norm(A, axis=1)
        res = linprog(np.r_[np.zeros(d), -1.0], A_ub=np.hstack([A, norms[:, None]]), b_ub=b,
                      bounds=[(None, None)] * d + [(None, 1.0)], method="highs")
        return res.status == 0 and -res.fun > 1e-9

    cells = [(A0, b0, np.eye(d), np.zeros(d))]
    for layer in net.hidden:
        new_cells = []
        for A, b, M, c in cells:
            W, cz = layer.weight @ M, layer.weight @ c + layer.bias
            parts = [(A, b, np.ones(layer.n_out))]
            for i in range(layer.n_out):
                split = []
                for Ap, bp, slope in parts:
                    for active in (True, False):
                        sign = -1.0 if active else 1.0
                        A2 = np.vstack([Ap, sign * W[i]])
                        b2 = np.append(bp, -sign * cz[i])
                        if np.linalg.norm(W[i]) == 0:
                            if (cz[i] > 0) != active:
                                continue
                            A2, b2 = Ap, bp
                        elif not feasible(A2, b2):
                            continue
                        s2 = slope.copy()
                        s2[i] = 1.0 if active else 0.0
                        split.append((A2, b2, s2))
                parts = split
            for Ap, bp, slope in parts:
                new_cells.append((Ap, bp, slope[:, None] * W, slope * cz))
        cells = new_cells
    return len(cells), lps


def measure(net, domain):
    wall, cpu = time.perf_counter(), time.process_time()
    part = plr.partition(net, domain)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    tracemalloc.start()
    plr.partition(net, domain)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n = len(part)
    return {"regions": n, "seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
            "regions_per_second": round(n / cpu), "lps_per_region": round(
                part.lp_stats.total / max(n, 1), 2), "lp_fallbacks": part.lp_stats.fallbacks,
            "peak_traced_mb": round(peak / 2**20, 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-dir", default=str(HERE.parent.parent / "shared" / "cases"
                                                  / "peer_bench"))
    parser.add_argument("--baseline-all", action="store_true",
                        help="run the naive baseline on every network (tens of minutes)")
    parser.add_argument("--baseline-limit", type=float, default=600.0,
                        help="seconds after which a baseline run is abandoned")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    peer = Path(args.peer_dir)
    cases = []
    if peer.is_dir():
        net2 = load_npz(peer / "mlp_2-16-16-16-1_seed0.npz")
        net4 = load_npz(peer / "mlp_4-16-16-1_seed0.npz")
        cases += [("peer 2-16-16-16 in [-1,1]^2 (expect 930)", net2,
                   plr.Box([-1] * 2, [1] * 2), 930),
                  ("peer 2-16-16-16 in R^2 (expect 1044)", net2, None, 1044),
                  ("peer 4-16-16 in [-1,1]^4 (expect 25009)", net4, plr.Box([-1] * 4, [1] * 4),
                   25009)]
    cases += [("random 6-12-12 in [-1,1]^6, seed 0", random_network([6, 12, 12, 1], 0),
               plr.Box([-1] * 6, [1] * 6), None),
              ("random 6-20 in R^6, seed 0", random_network([6, 20, 1], 0), None, None),
              ("random 3-8-8 in [-1,1]^3, seed 1", random_network([3, 8, 8, 1], 1),
               plr.Box([-1] * 3, [1] * 3), None)]
    results = []
    for name, net, domain, expected in cases:
        row = {"network": name, **measure(net, domain)}
        if expected is not None:
            row["exact"] = row["regions"] == expected
        small = net.n_neurons <= 16 and net.n_in <= 3 or args.baseline_all
        if small:
            lo = None if domain is None else domain.lower
            hi = None if domain is None else domain.upper
            start = time.process_time()
            try:
                count, lps = naive_count(net, lo, hi, time_limit=args.baseline_limit)
                base = time.process_time() - start
                row["baseline_regions"] = count
                row["baseline_cpu_seconds"] = round(base, 3)
                row["baseline_lps_per_region"] = round(lps / max(count, 1), 2)
                row["speedup_vs_baseline"] = round(base / max(row["cpu_seconds"], 1e-9), 1)
            except TimeoutError:
                row["baseline_cpu_seconds"] = f"> {args.baseline_limit:.0f}"
        results.append(row)
        if not args.json:
            print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
