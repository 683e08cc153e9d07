"""Benchmark of the exact 2-D engine (issue 3: slices, lines and pictures).

Reports, per case: activation regions, the best of several runs of ``plr.partition``
(polygons, patterns, region graph, Euler check) and of ``plr.count_regions``, as wall and
CPU seconds and regions per CPU second; the general-dimension engine
(``method="layerwise"``) on the same case in the same run and the ratio of the two; and
peak memory (resident set size). A separate process partitions a slice with about a
million regions and reports its peak resident memory.

Usage::

    python benchmarks/bench_slices.py               # about a minute and a half
    python benchmarks/bench_slices.py --no-million  # skip the million-region slice
    python benchmarks/bench_slices.py --json

Everything runs on one core (BLAS threads are limited to one). The peer network is read
from ``../shared/cases/peer_bench`` next to the repository, or from ``--peer-dir``. The
first call of the 2-D engine in a process loads its compiled kernels (or compiles them,
once per machine); it is timed separately and excluded from the rates.

Profiles: py-spy on ``plr.partition`` puts the time in the compiled kernels; perf on
the kernels (symbols and source lines from gdb on a ``NUMBA_DEBUGINFO=1`` build, or the
addresses of the compiled functions read from numba's code library in the profiled
process) showed, in turn: half of it in numba's atomic reference counting
(``NRT_incref``/``NRT_decref``), paid on every iteration of a loop that reassigns an
array variable and for every view taken in a loop (the search now never replaces an
array and takes no views: 2-64-64-64 from 58-63 ms to 34-37 ms for ``partition``); then,
on the million-region 2-800-800 slice, the recomputation of a child's forms from its
cell's base every 64 siblings (now when the updates outnumber the rows it sums), a scan
of every crossing neuron per child (now an XOR of the siblings' bits), and testing each
of 800 lines against every part of the first cell (now coarse parts with their own
lines): ``count_regions`` there went from 5.8 s to 1.7 s.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import plregions as plr  # noqa: E402
from plregions.network import load_npz  # noqa: E402

HERE = Path(__file__).resolve().parent


def random_network(sizes, seed, bias_std=0.01):
    """He-initialised ReLU MLP: weights N(0, 2/fan_in), biases N(0, bias_std^2), drawn in
    the order W0, b0, W1, b1, ... from numpy's default_rng(seed) (as the peer networks)."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)))
        biases.append(rng.normal(0, bias_std, size=n_out))
    return plr.from_arrays(weights, biases)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(fn, repeat):
    """``(result, best wall seconds, best CPU seconds)`` over ``repeat`` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, min(walls), min(cpus)


def measure(name, net, domain, repeat, expected=None, general=True):
    part, wall, cpu = best_of(lambda: plr.partition(net, domain), repeat)
    count, cwall, ccpu = best_of(lambda: plr.count_regions(net, domain), repeat)
    n = len(part)
    V, E, F = part.polygons.euler
    row = {"case": name, "method": part.method, "regions": n,
           "adjacent_pairs": int(part.edges.shape[0]), "euler_V_E_F": [V, E, F],
           "partition_ms": round(1e3 * wall, 2), "partition_cpu_ms": round(1e3 * cpu, 2),
           "partition_regions_per_s": round(n / cpu),
           "count_ms": round(1e3 * cwall, 2), "count_cpu_ms": round(1e3 * ccpu, 2),
           "count_regions_per_s": round(count / ccpu)}
    if domain is None:
        row["bounded_regions"] = part.n_bounded_regions
    if expected is not None:
        row["exact"] = n == expected == count
    if general:
        start = time.process_time()
        reference = plr.count_regions(net, domain, method="layerwise")
        seconds = time.process_time() - start
        row["layerwise_cpu_s"] = round(seconds, 3)
        row["layerwise_regions"] = reference
        row["speedup_vs_layerwise"] = round(seconds / max(ccpu, 1e-9), 1)
    row["peak_rss_mb_so_far"] = round(peak_rss_mb(), 1)
    return row


MILLION_CODE = """
import json, resource, time, sys
sys.path.insert(0, {here!r})
from bench_slices import random_network
import plregions as plr
small = random_network([2, 4, 1], 0)
plr.partition(small, plr.Box([-1, -1], [1, 1]))        # load the compiled kernels
net = random_network([2, 800, 800, 1], 0, bias_std=1.0)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
part = plr.partition(net, plr.Box([-{lim}, -{lim}], [{lim}, {lim}]))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
V, E, F = part.polygons.euler
print(json.dumps({{"case": "random 2-800-800 (1600 neurons) in [-{lim},{lim}]^2, seed 0",
                   "regions": len(part), "adjacent_pairs": int(part.edges.shape[0]),
                   "euler_V_E_F": [V, E, F], "seconds": round(seconds, 2),
                   "regions_per_s": round(len(part) / seconds),
                   "pattern_mb": round(part.patterns.nbytes / 2**20, 1),
                   "polygon_vertex_mb": round(part.polygons.vertices.nbytes / 2**20, 1),
                   "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1)}}))
"""


def million_region_slice(lim: float = 4.5):
    """Partition (everything stored) a slice with about a million regions, in a fresh
    process so that its peak resident memory is its own."""
    code = MILLION_CODE.format(here=str(HERE), lim=lim)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-dir", default=str(HERE.parent.parent / "shared" / "cases"
                                                  / "peer_bench"))
    parser.add_argument("--repeat", type=int, default=7, help="runs per timing (best kept)")
    parser.add_argument("--no-million", action="store_true",
                        help="skip the million-region slice (about a minute)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    results = {"cases": []}

    def report(row):
        results["cases"].append(row)
        if not args.json:
            print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)

    start = time.perf_counter()
    plr.partition(random_network([2, 4, 1], 0), plr.Box([-1, -1], [1, 1]))
    results["first_call_s"] = round(time.perf_counter() - start, 2)
    if not args.json:
        print(f"first call (loads or compiles the kernels): {results['first_call_s']} s")
    peer = Path(args.peer_dir) / "mlp_2-16-16-16-1_seed0.npz"
    if peer.exists():
        net = load_npz(peer)
        report(measure("peer 2-16-16-16 in [-1,1]^2 (expect 930)", net,
                       plr.Box([-1, -1], [1, 1]), args.repeat, expected=930))
        report(measure("peer 2-16-16-16 in R^2 (expect 1044)", net, None, args.repeat,
                       expected=1044))
    else:
        print(f"peer network not found at {peer}; skipped", file=sys.stderr)
    net = random_network([2, 64, 64, 64, 1], 0)
    report(measure("random 2-64-64-64 in [-3,3]^2, seed 0", net, plr.Box([-3, -3], [3, 3]),
                   args.repeat))
    deep = random_network([784, 64, 64, 64, 10], 0, bias_std=0.1)
    points = np.random.default_rng(1).uniform(0, 1, size=(3, 784))
    report(measure("plane through 3 random inputs of 784-64-64-64-10", deep,
                   plr.Plane.through(*points, margin=0.25), args.repeat))
    X, y, _ = plr.load_digits()
    through = [X[np.flatnonzero(y == d)[0]] for d in (0, 6, 8)]
    report(measure("digits 64-64-64-64-10, plane through a 0, a 6 and an 8 (expect 2272)",
                   plr.digits_network(), plr.Plane.through(*through, margin=0.25),
                   args.repeat, expected=2272))
    if not args.no_million:
        row = million_region_slice()
        results["million"] = row
        if not args.json:
            print(" | ".join(f"{k}: {v}" for k, v in row.items()), flush=True)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
