"""The 1-D engine (method="line", plr.affine_pieces) against the general engine and exact
answers."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import plregions as plr

DATA = pathlib.Path(__file__).parent / "data" / "ground_truth.json"
CASES = json.loads(DATA.read_text())["cases"]
ONE_D = [case for case in CASES if case["input_dim"] == 1]


def case_network(case):
    return plr.from_arrays([np.array(layer["weight"], dtype=float) for layer in case["layers"]],
                           [np.array(layer["bias"], dtype=float) for layer in case["layers"]])


def case_domain(case):
    if case["domain"] is None:
        return None
    box = case["domain"]["box"]
    return plr.Box(box["lower"], box["upper"])


def keys(part):
    return [row.tobytes() for row in part.patterns]


def assert_same_partition(part, reference):
    k, ref = keys(part), keys(reference)
    assert len(set(k)) == len(k)
    assert set(k) == set(ref)
    graph = {frozenset((k[i], k[j])) for i, j in part.edges.tolist()}
    ref_graph = {frozenset((ref[i], ref[j])) for i, j in reference.edges.tolist()}
    assert graph == ref_graph
    assert dict(zip(k, part.is_bounded.tolist())) == dict(zip(ref, reference.is_bounded.tolist()))


@pytest.mark.parametrize("case", ONE_D, ids=[case["name"] for case in ONE_D])
def test_ground_truth_cases(case):
    net, domain = case_network(case), case_domain(case)
    part = plr.partition(net, domain)
    assert part.method == "line"
    expected = case["expected"]
    assert len(part) == expected["activation_regions"]
    assert part.n_linear_regions == expected["linear_regions"]
    if expected.get("adjacency_edges") is not None:
        assert part.edges.shape[0] == expected["adjacency_edges"]
    if domain is None and expected.get("bounded_regions") is not None:
        assert part.n_bounded_regions == expected["bounded_regions"]
    assert_same_partition(part, plr.partition(net, domain, method="layerwise"))
    pieces = plr.affine_pieces(net, domain)
    assert len(pieces) == expected["activation_regions"]


def random_1d(seed):
    rng = np.random.default_rng(seed)
    kind = seed % 4
    widths = [1, int(rng.integers(2, 6)), int(rng.integers(2, 5)), 1]
    weights = [rng.normal(size=(b, a)) for a, b in zip(widths[:-1], widths[1:])]
    biases = [rng.normal(size=b) for b in widths[1:]]
    if kind == 1:      # coincident and opposite neurons, a dead one
        weights[0][1], biases[0][1] = 2 * weights[0][0], 2 * biases[0][0]
        weights[0][-1], biases[0][-1] = 0.0, -1.0
    elif kind == 2:    # roots at the box ends
        weights[0][0], biases[0][0] = [1.0], 1.0      # root at x = -1
        weights[0][1], biases[0][1] = [1.0], -1.0     # root at x = 1
    elif kind == 3:    # integer weights: shared breakpoints across layers
        weights = [rng.integers(-2, 3, size=w.shape).astype(float) for w in weights]
        biases = [rng.integers(-1, 2, size=b.shape).astype(float) for b in biases]
    return plr.from_arrays(weights, biases)


@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("bounded", [True, False], ids=["box", "R"])
def test_random_networks_agree_with_layerwise(seed, bounded):
    net = random_1d(seed)
    domain = plr.Box([-1.0], [1.0]) if bounded else None
    part = plr.partition(net, domain)
    assert part.method == "line"
    assert_same_partition(part, plr.partition(net, domain, method="layerwise"))
    assert plr.count_regions(net, domain) == len(part)


@pytest.mark.parametrize("seed", range(8))
def test_segments_in_higher_dimensions_agree_with_layerwise(seed):
    rng = np.random.default_rng(seed)
    d = 3 + seed % 3
    net = plr.from_arrays([rng.normal(size=(6, d)), rng.normal(size=(4, 6)),
                           rng.normal(size=(2, 4))],
                          [rng.normal(size=6), rng.normal(size=4), np.zeros(2)])
    segment = plr.Segment(rng.normal(size=d), rng.normal(size=d))
    part = plr.partition(net, segment)
    assert part.method == "line"
    assert_same_partition(part, plr.partition(net, segment, method="layerwise"))
    # Interior points map to input points with the same patterns.
    assert np.array_equal(net.activation_patterns(part.input_points), part.activation_patterns)


def test_affine_pieces_reproduce_the_network():
    rng = np.random.default_rng(7)
    net = plr.from_arrays([rng.normal(size=(8, 4)), rng.normal(size=(5, 8)),
                           rng.normal(size=(3, 5))],
                          [rng.normal(size=8), rng.normal(size=5), rng.normal(size=3)])
    a, b = rng.normal(size=4), rng.normal(size=4)
    pieces = plr.affine_pieces(net, plr.Segment(a, b))
    s = rng.uniform(0, 1, size=500)
    expected = net(a + s[:, None] * (b - a))
    assert np.allclose(pieces(s), expected, atol=1e-10)
    # Each piece's pattern is the pattern at its points; values are continuous at breakpoints.
    for piece in pieces:
        mid = (piece.lower + piece.upper) / 2
        assert np.array_equal(net.activation_patterns(a + mid * (b - a))[0], piece.pattern)
    for t, left, right in zip(pieces.breakpoints, list(pieces)[:-1], list(pieces)[1:]):
        assert np.allclose(left([t]), right([t]), atol=1e-10)
    assert np.allclose(pieces.input_breakpoints, a + pieces.breakpoints[:, None] * (b - a))
    assert pieces.bounds[0] == 0.0 and pieces.bounds[-1] == 1.0
    assert len(pieces) == plr.count_regions(net, plr.Segment(a, b))


def test_affine_pieces_on_the_sawtooth():
    # Telgarsky's tent map composed 3 times on [0, 1]: 8 pieces, breakpoints k / 8.
    layers = [([[2.0], [2.0]], [0.0, -1.0])] + [([[2.0, -4.0], [2.0, -4.0]], [0.0, -1.0])] * 2
    net = plr.from_arrays([w for w, _ in layers] + [[[1.0, -2.0]]],
                          [b for _, b in layers] + [[0.0]])
    pieces = plr.affine_pieces(net, plr.Box([0.0], [1.0]))
    assert np.allclose(pieces.breakpoints, np.arange(1, 8) / 8)
    assert np.allclose(np.abs(pieces.slopes.ravel()), 8.0)


def test_affine_pieces_in_all_of_r():
    net = plr.from_arrays([[[1.0], [1.0]], [[1.0, -2.0]]], [[0.0, -1.0], [0.0]])
    pieces = plr.affine_pieces(net)
    assert pieces.bounds.tolist() == [-np.inf, 0.0, 1.0, np.inf]
    assert pieces.slopes.ravel().tolist() == [0.0, 1.0, -1.0]
    assert pieces[0].lower == -np.inf and pieces[-1].upper == np.inf
    assert np.allclose(pieces([-3.0, 0.5, 4.0]), net([[-3.0], [0.5], [4.0]]))


def test_affine_pieces_errors():
    net2 = plr.from_arrays([np.ones((2, 2)), np.ones((1, 2))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(plr.InvalidDomainError, match="takes a Segment for a 2-input network"):
        plr.affine_pieces(net2, None)
    with pytest.raises(plr.InvalidDomainError, match="lies in R\\^3 but the network takes 2"):
        plr.affine_pieces(net2, plr.Segment([0, 0, 0], [1, 1, 1]))
    with pytest.raises(plr.InvalidDomainError, match="takes a Segment, a 1-D Box or None"):
        plr.affine_pieces(net2, plr.Plane([0, 0], [1, 0], [0, 1]))
    pieces = plr.affine_pieces(net2, plr.Segment([0, 0], [1, 1]))
    with pytest.raises(ValueError, match="outside the line's domain"):
        pieces([2.0])
    with pytest.raises(IndexError, match="out of range"):
        pieces[5]
