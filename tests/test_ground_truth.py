"""Every published or hand-derived count of ``tests/data/ground_truth.json`` must come out exact.

The file is a verbatim copy of the shared ``cases/ground_truth.json``: each case carries its
network, its domain, its expected counts (activation regions, linear regions, bounded
regions for all of R^d, adjacency edges) and the source of each count.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import plregions as plr
from plregions.network import load_npz

DATA = Path(__file__).parent / "data" / "ground_truth.json"
PEER_BENCH = Path(__file__).resolve().parents[2] / "shared" / "cases" / "peer_bench"
CASES = json.loads(DATA.read_text())["cases"]


def build(case):
    weights = [layer["weight"] for layer in case["layers"]]
    biases = [layer["bias"] for layer in case["layers"]]
    net = plr.from_arrays(weights, biases)
    domain = case["domain"]
    if domain is not None:
        domain = plr.Box(domain["box"]["lower"], domain["box"]["upper"])
    return net, domain


def test_the_file_is_complete():
    assert len(CASES) >= 28
    names = [case["name"] for case in CASES]
    assert len(set(names)) == len(names)
    for case in CASES:
        net, domain = build(case)
        assert net.n_in == case["input_dim"]
        assert net.n_neurons == case["n_neurons"]
        assert case["expected"]["activation_regions"] is not None
        assert case["source"]


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_ground_truth(case):
    net, domain = build(case)
    expected = case["expected"]
    part = plr.partition(net, domain)
    got = {
        "activation_regions": len(part),
        "linear_regions": part.n_linear_regions,
        "bounded_regions": part.n_bounded_regions if domain is None else None,
        "adjacency_edges": plr.region_graph(part).number_of_edges(),
    }
    want = {key: expected[key] for key in got}
    if domain is not None:
        want["bounded_regions"] = None
    assert got == want, case["derivation"]
    assert plr.count_regions(net, domain) == expected["activation_regions"]


@pytest.mark.parametrize("case", [c for c in CASES if c["n_neurons"] <= 12],
                         ids=[c["name"] for c in CASES if c["n_neurons"] <= 12])
def test_ground_truth_brute_force(case):
    """The brute-force oracle agrees on every case small enough for it."""
    net, domain = build(case)
    part = plr.partition(net, domain, method="brute")
    assert len(part) == case["expected"]["activation_regions"]


def _peer(name):
    path = PEER_BENCH / name
    if not path.exists():
        pytest.skip(f"shared peer benchmark {name} not found")
    return load_npz(path)


@pytest.mark.parametrize("domain, expected", [(plr.Box([-1.0, -1.0], [1.0, 1.0]), 930),
                                              (None, 1044)], ids=["box", "R2"])
def test_peer_bench_2d(domain, expected):
    net = _peer("mlp_2-16-16-16-1_seed0.npz")
    assert net.architecture == "2-16-16-16-1"
    part = plr.partition(net, domain)
    assert len(part) == expected
    assert len({p.tobytes() for p in part.patterns}) == expected
    assert plr.count_regions(net, domain) == expected


@pytest.mark.slow
def test_peer_bench_4d():
    net = _peer("mlp_4-16-16-1_seed0.npz")
    assert net.architecture == "4-16-16-1"
    assert plr.count_regions(net, plr.Box([-1.0] * 4, [1.0] * 4)) == 25009
