"""The 1-D engine (method="line", plr.affine_pieces) against the general engine and exact
answers."""

from __future__ import annotations

import numpy as np
import pytest
from ground_truth_cases import CASES, case_domain, case_network

import plregions as plr

ONE_D = [case for case in CASES if case["input_dim"] == 1]


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


# --- roots closer together than the resolution ---------------------------------------------

W = 2e-9    # the shortest piece in all of R or in [-1, 1]: 2 * Tolerance.radius * scale 1


def roots_network(roots, slopes=None):
    """relu(a_k (x - r_k)) summed: breakpoints exactly at the roots."""
    roots = np.asarray(roots, dtype=float)
    a = np.ones(roots.size) if slopes is None else np.asarray(slopes, dtype=float)
    return plr.from_arrays([a[:, None], np.ones((1, roots.size))], [-a * roots, [0.0]])


def lipschitz_bound(net):
    """max |W_out| |W_L| ... |W_1| (a 1-input ReLU network)."""
    product = np.ones((1, 1))
    for layer in net.hidden:
        product = np.abs(layer.weight) @ product
    return float((np.abs(net.output.weight) @ product).max())


@pytest.mark.parametrize("spacing", [0.8e-9, 2e-9, 0.3e-9])
def test_a_run_of_close_roots_is_never_one_breakpoint(spacing):
    # 200 roots spaced below the resolution span 160 W or more: they used to merge in a
    # chain into one breakpoint, and the function was 30 times off across the run.
    n = 200
    roots = np.arange(n) * spacing
    net = roots_network(roots)
    pieces = plr.affine_pieces(net)
    lengths = np.diff(pieces.bounds)
    assert np.all(lengths > W)                          # every piece holds a region's ball
    assert np.all(np.isin(pieces.breakpoints, roots))   # breakpoints are roots
    assert np.all(lengths[1:-1] <= (W + spacing) * (1 + 1e-6))   # no wider span merged
    s = np.random.default_rng(0).uniform(-10 * W, roots[-1] + 10 * W, size=2000)
    error = np.abs(pieces(s) - net(s[:, None])).max()
    assert error <= 2 * W * lipschitz_bound(net)
    # partition(method="line") counts these pieces.
    with pytest.warns(plr.ResolutionWarning):
        part = plr.partition(net, method="line")
    assert len(part) == len(pieces)
    assert np.array_equal(part.activation_patterns, pieces.activation_patterns)


def test_a_short_piece_between_close_roots_is_no_region():
    # Roots 0, 1.5e-9 and 3e-9: the two intervals between them are 1.5e-9 long, hold no
    # ball of radius 1e-9 and are no regions; 0 and 3e-9 are W apart and more.
    pieces = plr.affine_pieces(roots_network([0.0, 1.5e-9, 3.0e-9]))
    assert pieces.breakpoints.tolist() == [0.0, 3.0e-9]
    assert plr.affine_pieces(roots_network([0.0, 1.5e-9])).breakpoints.tolist() == [0.0]
    # A root within W of the domain's end splits nothing.
    pieces = plr.affine_pieces(roots_network([1.0 - 1.5e-9, 0.5]), plr.Box([-1.0], [1.0]))
    assert pieces.breakpoints.tolist() == [0.5]


def clustered_network(seed, depth):
    """Three clusters of ten first-layer roots spaced uniformly in [0, 3 W], then random
    layers."""
    rng = np.random.default_rng(seed)
    roots = np.concatenate([c + np.cumsum(rng.uniform(0, 3 * W, size=10))
                            for c in rng.uniform(-0.8, 0.8, size=3)])
    a = rng.choice([-1.0, 1.0], size=roots.size) * rng.uniform(0.5, 2.0, size=roots.size)
    weights, biases, width = [a[:, None]], [-a * roots], roots.size
    for _ in range(depth - 1):
        weights.append(rng.normal(size=(12, width)))
        biases.append(0.1 * rng.normal(size=12))
        width = 12
    weights.append(rng.normal(size=(2, width)))
    biases.append(rng.normal(size=2))
    return plr.from_arrays(weights, biases), roots


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_clustered_roots_keep_the_function_and_every_region(seed, depth):
    net, roots = clustered_network(seed, depth)
    box = plr.Box([-1.0], [1.0])
    pieces = plr.affine_pieces(net, box)
    assert np.all(np.diff(pieces.bounds) > W)
    # The function along the line, up to the resolution (module docstring's bound).
    rng = np.random.default_rng(seed)
    s = np.concatenate([rng.uniform(-1, 1, size=500),
                        (roots[:, None] + rng.uniform(-5 * W, 5 * W, size=(30, 40))).ravel()])
    error = np.abs(pieces(s) - net(s[:, None])).max()
    assert error <= 2 * depth * W * lipschitz_bound(net)
    # The exact intervals of constant pattern, at a resolution far below the roots' spacing
    # (checked against the network's own patterns).
    exact = plr.affine_pieces(net, box, tolerance=plr.Tolerance(radius=1e-15, parallel=1e-15))
    middles = (exact.bounds[:-1] + exact.bounds[1:]) / 2
    assert np.array_equal(net.activation_patterns(middles[:, None]), exact.activation_patterns)
    # Every one longer than 2 W is a piece with its pattern, within depth * W of its ends.
    long = np.diff(exact.bounds) > 2 * W
    index = pieces.piece_index(middles[long])
    assert np.array_equal(pieces.activation_patterns[index], exact.activation_patterns[long])
    assert np.all(pieces.bounds[index] <= exact.bounds[:-1][long] + depth * W)
    assert np.all(pieces.bounds[index + 1] >= exact.bounds[1:][long] - depth * W)
    # Below the resolution the engines may cut differently (the general engine's cells
    # depend on the order it inserts the hyperplanes), but both find all those regions.
    wanted = {row.tobytes() for row in exact.patterns[long]}
    with pytest.warns(plr.ResolutionWarning):
        line = plr.partition(net, box, method="line")
    with pytest.warns(plr.ResolutionWarning):
        general = plr.partition(net, box, method="layerwise")
    assert np.array_equal(line.activation_patterns, pieces.activation_patterns)
    assert wanted <= set(keys(line)) and wanted <= set(keys(general))


# --- segments far from the origin or short -------------------------------------------------

@pytest.mark.parametrize("start, end", [
    ([1e12, 0.0, 0.0, 0.0], [1e12 + 100, 0.0, 0.0, 0.0]),
    ([0.0], [1e-10]),
    ([1e6, 1e6, 0.0], [1e6 + 2e-4, 1e6, 0.0]),
    ([-3.0, 5e5, 1e-170], [-3.0 + 1e-3, 5e5 - 1e-3, 1e-170]),
], ids=["far", "short", "short-and-far", "diagonal"])
def test_breakpoints_along_segments_at_any_scale(start, end):
    start, end = np.array(start), np.array(end)
    step = end - start
    direction = step / np.linalg.norm(step)
    where = np.array([0.25, 0.5, 0.75])
    points = start + where[:, None] * step
    # Neuron k is relu(direction . (x - points[k])): its root is at s = where[k].
    net = plr.from_arrays([np.tile(direction, (3, 1)), [[1.0, 2.0, 4.0]]],
                          [-(points @ direction), [0.0]])
    pieces = plr.affine_pieces(net, plr.Segment(start, end))
    assert len(pieces) == 4
    # Right up to the rounding of the coordinates (their float64 spacing) along the segment.
    resolution = 4 * np.spacing(np.abs(points).max()) / np.linalg.norm(step)
    assert np.allclose(pieces.breakpoints, where, rtol=0, atol=max(resolution, 1e-12))
    s = np.random.default_rng(0).uniform(0, 1, size=50)
    expected = net(start + s[:, None] * step)
    assert np.allclose(pieces(s), expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())


def test_segments_float64_cannot_resolve_are_refused_as_such():
    net = roots_network([1.0])
    with pytest.raises(plr.InvalidDomainError, match="too short for float64 to resolve"):
        plr.affine_pieces(net, plr.Segment([1.9], [1.9 + 2.2e-16]))
    with pytest.raises(plr.InvalidDomainError, match="below the smallest normal float64"):
        plr.affine_pieces(net, plr.Segment([0.0], [5e-324]))
    with pytest.raises(plr.InvalidDomainError, match="too short for float64 to resolve"):
        plr.affine_pieces(net, plr.Box([1.9], [1.9 + 2.2e-16]))


def test_a_segment_inside_a_neurons_hyperplane():
    # Neuron 0 is x1 - 2, zero all along the segment x1 = 2: inactive, no breakpoint;
    # neuron 1 (x0) crosses at s = 1/2.
    net = plr.from_arrays([[[0.0, 1.0], [1.0, 0.0]], [[1.0, 1.0]]], [[-2.0, 0.0], [0.0]])
    pieces = plr.affine_pieces(net, plr.Segment([-1.0, 2.0], [1.0, 2.0]))
    assert pieces.breakpoints.tolist() == [0.5]
    assert pieces.activation_patterns.tolist() == [[False, False], [False, True]]


def test_pieces_refuse_nan_and_non_integer_indices():
    pieces = plr.affine_pieces(roots_network([0.0, 1.0]))
    with pytest.raises(plr.InvalidArgumentError, match="contain NaN"):
        pieces([0.5, np.nan])
    with pytest.raises(plr.InvalidArgumentError, match="contain NaN"):
        pieces.piece_index([np.nan])
    with pytest.raises(plr.InvalidArgumentError, match="NaN or infinite"):
        pieces([np.inf])
    with pytest.raises(plr.InvalidArgumentError, match="indexed by an integer, got 1.5"):
        pieces[1.5]
    with pytest.raises(plr.InvalidArgumentError, match="indexed by an integer"):
        pieces["1"]
    assert pieces[np.int64(1)].lower == 0.0 and pieces[-1].lower == 1.0
    bounded = plr.affine_pieces(roots_network([0.0]), plr.Box([-1.0], [1.0]))
    with pytest.raises(plr.InvalidArgumentError, match="outside the line's domain"):
        bounded([0.0, 3.0])
