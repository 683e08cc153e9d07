"""Property tests of the partition's invariants (STYLE.md habit 10).

Hypothesis draws the structure of small networks (input dimension, widths, activations,
integer or Gaussian weights, domain) and a seed; the values come from
``numpy.random.default_rng(seed)``. Points are sampled at random, never on a grid.
"""

from __future__ import annotations

import os
from math import comb

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull, HalfspaceIntersection

import plregions as plr

# PLREGIONS_SLOW=1 (the exhaustive run) tries ten times as many examples.
SCALE = 10 if os.environ.get("PLREGIONS_SLOW") == "1" else 1
SETTINGS = settings(derandomize=True, deadline=None, max_examples=20 * SCALE, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

ACTIVATIONS = st.sampled_from(["relu", "relu", "leaky", "leaky_big", "leaky_neg", "prelu",
                               "mixed", "identity"])


def make_activation(kind, width, rng):
    if kind == "relu":
        return "relu"
    if kind == "leaky":
        return ("leaky_relu", 0.1)
    if kind == "leaky_big":
        return ("leaky_relu", 2.5)
    if kind == "leaky_neg":
        return ("leaky_relu", -0.7)
    if kind == "prelu":
        return ("prelu", rng.choice([0.0, 0.2, 1.0, 3.0, -1.0], size=width))
    if kind == "mixed":
        return ("prelu", np.where(rng.random(width) < 0.4, 1.0, 0.0))
    return "identity"


@st.composite
def cases(draw, max_dim=3, max_width=4, max_depth=2, domains=("none", "box", "polytope"),
          wide=False):
    """(net, domain, spec): a small random network and domain.

    With ``wide``, first-layer rows and biases are scaled by 10^U(-3, 3): hyperplanes from
    1e-6 to 1e6 away from the origin.
    """
    d = draw(st.integers(1, max_dim))
    depth = draw(st.integers(1, max_depth))
    widths = [draw(st.integers(1, max_width)) for _ in range(depth)]
    kinds = [draw(ACTIVATIONS) for _ in range(depth)]
    integer = draw(st.booleans())
    domain_kind = draw(st.sampled_from(domains))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    sizes = [d, *widths, 2]
    weights, biases = [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if integer:
            weights.append(rng.choice([-1.0, 0.0, 1.0, 2.0], size=(n_out, n_in)))
            biases.append(rng.choice([-1.0, 0.0, 1.0], size=n_out))
        else:
            weights.append(rng.normal(size=(n_out, n_in)))
            biases.append(rng.normal(size=n_out) * 0.5)
    if wide:
        weights[0] = weights[0] * 10 ** rng.uniform(-3, 3, size=(widths[0], 1))
        biases[0] = biases[0] * 10 ** rng.uniform(-3, 3, size=widths[0])
    activations = [make_activation(k, w, rng) for k, w in zip(kinds, widths)]
    net = plr.from_arrays(weights, biases, activations)
    domain = make_domain(domain_kind, d, rng)
    return net, domain, (weights, biases, activations)


def make_domain(kind, d, rng):
    if kind == "none":
        return None
    if kind == "box":
        lower = rng.uniform(-2.0, -0.2, size=d)
        return plr.Box(lower, rng.uniform(0.2, 2.0, size=d))
    # A polytope: the box [-1.5, 1.5]^d cut by a few random halfspaces through the margin.
    normals = rng.normal(size=(3, d))
    offsets = rng.uniform(0.3, 1.0, size=3) * np.linalg.norm(normals, axis=1)
    A = np.vstack([np.eye(d), -np.eye(d), normals])
    b = np.concatenate([np.full(2 * d, 1.5), offsets])
    return plr.Polytope(A, b)


def sample_points(domain, d, rng, n=400):
    """Random points of the domain (rejection sampling for a polytope)."""
    if domain is None:
        return np.vstack([rng.normal(size=(n // 2, d)) * 2.0,
                          rng.normal(size=(n - n // 2, d)) * 50.0])
    if isinstance(domain, plr.Box):
        return rng.uniform(domain.lower, domain.upper, size=(n, d))
    A, b = domain.halfspaces()
    X = rng.uniform(-1.5, 1.5, size=(20 * n, d))
    return X[np.all(X @ A.T < b, axis=1)][:n]


def pattern_set(part):
    return {tuple(bool(v) for v in p) for p in part.activation_patterns}


# ----------------------------------------------------------------------------------------
# Points, patterns, local maps
# ----------------------------------------------------------------------------------------
@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_every_point_lies_in_exactly_one_region(case, seed):
    net, domain, _ = case
    part = plr.partition(net, domain)
    rng = np.random.default_rng(seed)
    X = sample_points(domain, net.n_in, rng)
    assert len(pattern_set(part)) == len(part)  # one region per pattern
    patterns = net.activation_patterns(X)
    index = np.array([part.index_of(p) for p in patterns])
    assert np.all(index >= 0), "a random point's pattern is no region's pattern"
    assert np.array_equal(part.activation_patterns[index], patterns)
    # net(x) is the region's affine map there, and x lies in the region's closure.
    Y = net(X)
    for i in np.unique(index):
        inside = index == i
        assert np.allclose(part[i](X[inside]), Y[inside], rtol=1e-9, atol=1e-9)
        assert np.all(part[i].contains(X[inside]))



@SETTINGS
@given(cases(), st.integers(0, 2**32 - 1))
def test_find_locates_random_points(case, seed):
    net, domain, _ = case
    part = plr.partition(net, domain)
    X = sample_points(domain, net.n_in, np.random.default_rng(seed))
    expected = np.array([part.index_of(p) for p in net.activation_patterns(X)])
    assert np.array_equal(part.find(X), expected)


def test_find_with_an_identically_zero_neuron():
    # Layer 2 computes -relu(x): identically zero for x < 0, so it is inactive there and
    # the two regions are x < 0 and x > 0.
    net = plr.from_arrays([[[1.0]], [[-1.0]], [[1.0]]], [[0.0], [0.0], [0.0]])
    part = plr.partition(net)
    assert len(part) == 2
    left = part.index_of([False, False])
    assert part.find([[-1.0], [1.0]]).tolist() == [left, part.index_of([True, False])]
    assert plr.region_at(net, [-1.0]).pattern.tolist() == [False, False]


def test_find_with_a_dead_neuron():
    # Neuron 0 has zero weights and zero bias: it is inactive everywhere.
    net = plr.from_arrays([[[0.0, 0.0], [1.0, 0.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    part = plr.partition(net)
    assert len(part) == 2
    X = np.random.default_rng(0).normal(size=(50, 2))
    assert np.all(part.find(X) >= 0)
    assert plr.region_at(net, [1.0, 2.0]).pattern.tolist() == [False, True]


@SETTINGS
@given(st.booleans().flatmap(lambda wide: cases(wide=wide)), st.integers(0, 2**32 - 1))
def test_interior_points_and_balls(case, seed):
    net, domain, _ = case
    part = plr.partition(net, domain)
    rng = np.random.default_rng(seed)
    d = net.n_in
    for region in part:
        A, b = region.halfspaces
        x, r = region.interior_point, region.radius
        slack = (b - A @ x).min(initial=np.inf)
        assert r > 0
        assert slack > 0, "interior point not strictly inside its region"
        assert slack >= r * (1 - 1e-9), "interior ball leaves the region"
        # Random points of the certified ball share the region's pattern and map.
        u = rng.normal(size=(20, d))
        u *= (0.999 * r * rng.random((20, 1)) ** (1 / d)) / np.linalg.norm(u, axis=1,
                                                                          keepdims=True)
        X = np.vstack([x, x + u])
        assert np.all(region.contains(X))
        pats = net.activation_patterns(X)
        assert np.all(pats == region.pattern)
        A_map, c_map = region.local_map
        assert np.allclose(X @ A_map.T + c_map, net(X), rtol=1e-9, atol=1e-9)
        assert [part.index_of(p) for p in pats] == [region.index] * len(X)


# ----------------------------------------------------------------------------------------
# Invariance under neuron permutation and positive rescaling
# ----------------------------------------------------------------------------------------
def summary(part):
    return len(part), part.n_linear_regions, plr.region_graph(part).number_of_edges()


@SETTINGS
@given(cases(max_depth=3), st.integers(0, 2**32 - 1))
def test_permuting_neurons_changes_nothing(case, seed):
    net, domain, (weights, biases, activations) = case
    rng = np.random.default_rng(seed)
    layer = int(rng.integers(len(weights) - 1))
    perm = rng.permutation(weights[layer].shape[0])
    W2, b2, act2 = [w.copy() for w in weights], [b.copy() for b in biases], list(activations)
    W2[layer], b2[layer] = weights[layer][perm], biases[layer][perm]
    W2[layer + 1] = weights[layer + 1][:, perm]
    if isinstance(act2[layer], tuple) and act2[layer][0] == "prelu":
        act2[layer] = ("prelu", np.asarray(act2[layer][1])[perm])
    net2 = plr.from_arrays(W2, b2, act2)
    X = sample_points(domain, net.n_in, rng, 50)
    assert np.allclose(net(X), net2(X))
    part, part2 = plr.partition(net, domain), plr.partition(net2, domain)
    assert summary(part) == summary(part2)
    # Same regions: the pattern (under the original network) of every interior point.
    assert pattern_set(part) == {tuple(p) for p in
                                 net.activation_patterns(part2.interior_points).tolist()}


@SETTINGS
@given(cases(max_depth=3), st.integers(0, 2**32 - 1),
       st.floats(0.01, 100.0, allow_nan=False))
def test_rescaling_a_neuron_changes_nothing(case, seed, c):
    net, domain, (weights, biases, activations) = case
    rng = np.random.default_rng(seed)
    layer = int(rng.integers(len(weights) - 1))
    unit = int(rng.integers(weights[layer].shape[0]))
    W2, b2 = [w.copy() for w in weights], [b.copy() for b in biases]
    W2[layer][unit] *= c
    b2[layer][unit] *= c
    W2[layer + 1][:, unit] /= c
    net2 = plr.from_arrays(W2, b2, activations)
    part, part2 = plr.partition(net, domain), plr.partition(net2, domain)
    assert summary(part) == summary(part2)
    assert pattern_set(part) == pattern_set(part2)


# ----------------------------------------------------------------------------------------
# LP backends
# ----------------------------------------------------------------------------------------
def edge_set(part):
    """Edges as pairs of patterns (region order may differ between runs)."""
    patterns = [tuple(bool(v) for v in p) for p in part.activation_patterns]
    return {frozenset((patterns[i], patterns[j])) for i, j in part.edges.tolist()}


@SETTINGS
@given(cases())
def test_daqp_and_highs_agree(case):
    net, domain, _ = case
    daqp = plr.partition(net, domain, backend="daqp")
    highs = plr.partition(net, domain, backend="highs")
    assert len(daqp) == len(highs)
    assert pattern_set(daqp) == pattern_set(highs)
    assert edge_set(daqp) == edge_set(highs)
    assert summary(daqp) == summary(highs)
    if domain is None:
        assert daqp.n_bounded_regions == highs.n_bounded_regions
    assert plr.count_regions(net, domain, backend="highs") == len(daqp)


@settings(SETTINGS, max_examples=4 * SCALE)
@given(cases(max_dim=2, max_width=2, max_depth=2))
def test_cvxpy_agrees_on_tiny_cases(case):
    net, domain, _ = case
    daqp = plr.partition(net, domain, backend="daqp")
    cvx = plr.partition(net, domain, backend="cvxpy")
    assert pattern_set(daqp) == pattern_set(cvx)
    assert edge_set(daqp) == edge_set(cvx)
    assert summary(daqp) == summary(cvx)


@pytest.mark.parametrize("backend", ["daqp", "highs", "cvxpy"])
@pytest.mark.parametrize("method", ["auto", "brute"])
def test_every_backend_on_a_known_case(backend, method):
    """Five lines in general position: 16 regions, 6 bounded, 25 edges, with every backend."""
    rng = np.random.default_rng(5)
    W = rng.normal(size=(5, 2))
    net = plr.from_arrays([W, np.ones((1, 5))], [rng.normal(size=5), [0.0]])
    part = plr.partition(net, method=method, backend=backend)
    assert len(part) == 16
    assert part.n_bounded_regions == 6
    assert plr.region_graph(part).number_of_edges() == 25


# ----------------------------------------------------------------------------------------
# Counts, graph
# ----------------------------------------------------------------------------------------
@SETTINGS
@given(cases(max_depth=3))
def test_count_inequalities_and_graph(case):
    net, domain, _ = case
    part = plr.partition(net, domain)
    n = len(part)
    assert n >= 1
    assert 1 <= part.n_linear_regions <= n
    assert part.n_bounded_regions <= n
    assert plr.count_regions(net, domain) == n
    graph = plr.region_graph(part)
    assert sorted(graph.nodes) == list(range(n))
    assert nx.is_connected(graph), "the region graph of a convex domain is connected"
    patterns = part.activation_patterns
    for i, j, data in graph.edges(data=True):
        assert data["neurons"] == tuple(np.flatnonzero(patterns[i] != patterns[j]).tolist())
        assert len(data["neurons"]) >= 1
    # Adjacency arrays: symmetric CSR, degrees sum to 2E.
    adj = part.adjacency
    edges = part.edges
    assert edges.shape == (graph.number_of_edges(), 2)
    assert np.all(edges[:, 0] < edges[:, 1])
    assert len({tuple(e) for e in edges.tolist()}) == len(edges)
    neighbors = {i: set(adj.neighbors[adj.indptr[i]:adj.indptr[i + 1]].tolist())
                 for i in range(n)}
    assert all(i in neighbors[j] for i in range(n) for j in neighbors[i])
    assert sum(len(v) for v in neighbors.values()) == 2 * len(edges)
    assert sum(dict(graph.degree).values()) == 2 * graph.number_of_edges()
    assert {tuple(sorted(e)) for e in graph.edges} == {tuple(e) for e in edges.tolist()}
    # Linear regions: every label class is connected through equal-map edges.
    labels = part.linear_region_labels
    assert labels.shape == (n,)
    assert set(labels.tolist()) == set(range(part.n_linear_regions))


@SETTINGS
@given(cases(max_dim=3, domains=("box", "polytope")))
def test_region_volumes_sum_to_the_domain(case):
    """Region volumes (from their halfspaces, by scipy) add up to the domain's volume."""
    net, domain, _ = case
    if net.n_in == 1:
        total = sum(_volume_1d(region) for region in plr.partition(net, domain))
    else:
        total = sum(_volume(region) for region in plr.partition(net, domain))
    if isinstance(domain, plr.Box):
        expected = domain.volume()
    else:
        A, b = domain.halfspaces()
        x0 = domain.center
        expected = _volume_of(A, b, x0) if net.n_in > 1 else _volume_1d_of(A, b)
    assert total == pytest.approx(expected, rel=1e-9)


def _volume_1d_of(A, b):
    hi = min(bi / ai for ai, bi in zip(A[:, 0], b) if ai > 0)
    lo = max(bi / ai for ai, bi in zip(A[:, 0], b) if ai < 0)
    return hi - lo


def _volume_1d(region):
    return _volume_1d_of(*region.halfspaces)


def _volume_of(A, b, x0):
    hs = HalfspaceIntersection(np.hstack([A, -b[:, None]]), x0)
    return ConvexHull(hs.intersections).volume


def _volume(region):
    A, b = region.halfspaces
    return _volume_of(A, b, region.interior_point)


# ----------------------------------------------------------------------------------------
# Hyperplane arrangements (one hidden layer): Zaslavsky's counts
# ----------------------------------------------------------------------------------------
@SETTINGS
@given(st.integers(1, 4), st.integers(1, 7), st.integers(0, 2**32 - 1),
       st.sampled_from(["plain", "duplicated", "opposite"]))
def test_general_position_arrangement(d, n, seed, twist):
    """n generic hyperplanes in R^d: sum_{k<=d} C(n, k) regions, C(n-1, d) bounded, and
    n * sum_{k<d} C(n-1, k) facets. Coincident or opposite copies change nothing."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(n, d)), rng.normal(size=n)
    if twist != "plain":  # append copies of some neurons, scaled by c > 0 or c < 0
        k = int(rng.integers(1, n + 1))
        c = rng.uniform(0.2, 3.0, size=k) * (1.0 if twist == "duplicated" else -1.0)
        W, b = np.vstack([W, c[:, None] * W[:k]]), np.concatenate([b, c * b[:k]])
    net = plr.from_arrays([W, rng.normal(size=(1, len(b)))], [b, [0.0]])
    part = plr.partition(net)
    assert len(part) == sum(comb(n, k) for k in range(d + 1))
    assert part.n_bounded_regions == comb(n - 1, d)
    assert plr.region_graph(part).number_of_edges() == n * sum(comb(n - 1, k)
                                                               for k in range(d))
    assert plr.count_regions(net) == len(part)


@SETTINGS
@given(st.integers(2, 4), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_central_arrangement(d, n, seed):
    """n generic hyperplanes through one point of R^d (d >= 2): 2 sum_{k<d} C(n-1, k)
    regions, none bounded."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n, d))
    center = rng.normal(size=d)
    net = plr.from_arrays([W, np.ones((1, n))], [-W @ center, [0.0]])
    part = plr.partition(net)
    assert len(part) == 2 * sum(comb(n - 1, k) for k in range(d))
    assert part.n_bounded_regions == 0
    # Each hyperplane is cut by the n - 1 others into a central arrangement in R^(d-1).
    edges = n * (2 * sum(comb(n - 2, k) for k in range(d - 1)) if n >= 2 else 1)
    assert plr.region_graph(part).number_of_edges() == edges


@SETTINGS
@given(st.integers(1, 3), st.integers(1, 6), st.integers(0, 2**32 - 1))
def test_linear_regions_of_an_arrangement(d, n, seed):
    """With output weights zero on k neurons, those hyperplanes make no kink: the linear
    regions are the regions of the other n - k hyperplanes."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(n, d)), rng.normal(size=n)
    out = rng.normal(size=(1, n))
    k = int(rng.integers(0, n + 1))
    out[0, :k] = 0.0
    net = plr.from_arrays([W, out], [b, [0.0]])
    part = plr.partition(net)
    assert len(part) == sum(comb(n, j) for j in range(d + 1))
    assert part.n_linear_regions == sum(comb(n - k, j) for j in range(d + 1))


def test_unbounded_polytope_domain():
    net = plr.from_arrays([[[1.0, 0.0]], [[1.0]]], [[0.0], [0.0]])
    try:
        half_plane = plr.Polytope([[1.0, 0.0]], [1.0])
    except plr.InvalidDomainError:
        return  # refusing an unbounded "polytope" is a correct answer too
    part = plr.partition(net, half_plane)
    assert len(part) == 2  # 0 < x0 < 1 and x0 < 0, both unbounded in x1
    assert part.n_bounded_regions == 0


# ----------------------------------------------------------------------------------------
# Facets and region_at
# ----------------------------------------------------------------------------------------
@SETTINGS
@given(cases(max_depth=2))
def test_facets_agree_with_the_graph(case):
    net, domain, _ = case
    part = plr.partition(net, domain)
    graph = plr.region_graph(part)
    patterns = part.activation_patterns
    for region in part:
        facets = region.facets
        A, b = region.halfspaces
        neighbors = {f.neighbor for f in facets if f.neighbor >= 0}
        assert neighbors == set(graph.neighbors(region.index))
        assert len(neighbors) == sum(f.neighbor >= 0 for f in facets)  # one facet per neighbor
        for f in facets:
            assert np.isclose(np.linalg.norm(f.normal), 1.0)
            assert np.isclose(f.normal @ f.point, f.offset, atol=1e-9)
            assert np.all(A @ f.point <= b + 1e-9), "facet point outside the region's closure"
            if f.neighbor >= 0:
                flipped = np.flatnonzero(patterns[region.index] != patterns[f.neighbor])
                assert f.neurons == tuple(flipped.tolist())
                assert graph.edges[region.index, f.neighbor]["neurons"] == f.neurons
            else:
                assert domain is not None, "a boundary facet in all of R^d"
        if domain is None:
            assert all(f.neighbor >= 0 for f in facets)


@SETTINGS
@given(cases(max_depth=2), st.integers(0, 2**32 - 1))
def test_region_at_matches_the_partition(case, seed):
    net, domain, _ = case
    part = plr.partition(net, domain)
    rng = np.random.default_rng(seed)
    for x in sample_points(domain, net.n_in, rng, 5):
        if any(np.any(z == 0) for z in net.preactivations(x)):
            continue  # identically-zero neurons: see test_find_with_an_identically_zero_neuron
        i = part.index_of(net.activation_patterns(x)[0])
        region = plr.region_at(net, x, domain)
        assert np.array_equal(region.pattern, part[i].pattern)
        assert region.is_bounded == part[i].is_bounded
        for A, B in zip(region.local_map, part[i].local_map):
            assert np.array_equal(A, B)
        assert region.radius > 0
        assert np.all(region.contains(x))


def test_region_at_facets():
    # Three lines in general position; the point lies in the bounded triangle.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                          [[0.0, 0.0, -1.0], [0.0]])
    region = plr.region_at(net, [0.3, 0.3])
    assert region.is_bounded
    assert sorted(f.neurons for f in region.facets) == [(0,), (1,), (2,)]


# ----------------------------------------------------------------------------------------
# More invariances
# ----------------------------------------------------------------------------------------
@SETTINGS
@given(cases(max_depth=3, domains=("none",)), st.integers(0, 2**32 - 1))
def test_affine_change_of_input_coordinates_changes_nothing(case, seed):
    """x = M u + t with M invertible: the network u -> net(M u + t) on all of R^d has the
    same regions (counts, bounded, linear, edges)."""
    net, _, (weights, biases, activations) = case
    rng = np.random.default_rng(seed)
    d = net.n_in
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    M = Q @ np.diag(rng.uniform(0.5, 2.0, size=d))
    t = rng.normal(size=d)
    W2, b2 = [w.copy() for w in weights], [b.copy() for b in biases]
    W2[0], b2[0] = weights[0] @ M, weights[0] @ t + biases[0]
    net2 = plr.from_arrays(W2, b2, activations)
    part, part2 = plr.partition(net), plr.partition(net2)
    assert summary(part) == summary(part2)
    assert part.n_bounded_regions == part2.n_bounded_regions
    assert pattern_set(part) == pattern_set(part2)


@SETTINGS
@given(cases(max_depth=3))
def test_zero_output_makes_one_linear_region(case):
    net, domain, (weights, biases, activations) = case
    flat = plr.from_arrays([*weights[:-1], np.zeros_like(weights[-1])], biases, activations)
    part = plr.partition(flat, domain)
    assert len(part) == len(plr.partition(net, domain))
    assert part.n_linear_regions == 1


@SETTINGS
@given(cases(max_depth=3))
def test_linear_regions_do_not_depend_on_the_graph_being_built_first(case):
    net, domain, _ = case
    first = plr.partition(net, domain)
    n_linear = first.n_linear_regions
    second = plr.partition(net, domain)
    plr.region_graph(second)
    assert second.n_linear_regions == n_linear
    assert np.array_equal(first.linear_region_labels, second.linear_region_labels)


@SETTINGS
@given(cases(max_depth=3, domains=("box", "none")), st.integers(0, 2**32 - 1),
       st.sampled_from([1e2, 1e4, 1e6]))
def test_translating_far_away_changes_nothing(case, seed, distance):
    """net2(u) = net(u - t) on domain + t has the same regions, even for |t| >> the domain
    size (tolerances follow the domain's size, not its distance from the origin). In all of
    R^d the shift is kept to 1e2."""
    net, domain, (weights, biases, activations) = case
    rng = np.random.default_rng(seed)
    d = net.n_in
    if domain is None:
        distance = 1e2
    t = rng.normal(size=d)
    t *= distance / np.linalg.norm(t)
    b2 = [biases[0] - weights[0] @ t, *biases[1:]]
    net2 = plr.from_arrays(weights, b2, activations)
    domain2 = None if domain is None else plr.Box(domain.lower + t, domain.upper + t)
    part, part2 = plr.partition(net, domain), plr.partition(net2, domain2)
    assert pattern_set(part) == pattern_set(part2)
    assert summary(part) == summary(part2)
    assert np.array_equal(net2.activation_patterns(part2.interior_points),
                          part2.activation_patterns)


@SETTINGS
@given(cases(max_depth=3, domains=("box", "polytope", "none")),
       st.sampled_from([1e-6, 1e-3, 1e3, 1e6]))
def test_zooming_changes_nothing(case, s):
    """net2(u) = net(u / s) on s * domain has the same regions (s = 1e-6 .. 1e6 for a box or
    polytope; 1e-3 .. 1e3 in all of R^d)."""
    net, domain, (weights, biases, activations) = case
    if domain is None and s in (1e-6, 1e6):
        s = 1e-3 if s < 1 else 1e3
    net2 = plr.from_arrays([weights[0] / s, *weights[1:]], biases, activations)
    if isinstance(domain, plr.Box):
        domain2 = plr.Box(domain.lower * s, domain.upper * s)
    elif isinstance(domain, plr.Polytope):
        A, b = domain.halfspaces()
        domain2 = plr.Polytope(A, b * s)
    else:
        domain2 = None
    part, part2 = plr.partition(net, domain), plr.partition(net2, domain2)
    assert pattern_set(part) == pattern_set(part2)
    assert summary(part) == summary(part2)
    if domain is None:
        assert part.n_bounded_regions == part2.n_bounded_regions
    assert np.all(part2.radii > 0)
    assert np.array_equal(net2.activation_patterns(part2.interior_points),
                          part2.activation_patterns)


@SETTINGS
@given(cases(max_dim=3, domains=("box", "polytope")).filter(lambda c: c[0].n_in >= 2))
def test_vertices_of_bounded_regions(case):
    """Vertices lie in the region's closure, span its volume, and in 2-D a polygon has as
    many vertices as facets; the volumes add up to the domain's."""
    net, domain, _ = case
    part = plr.partition(net, domain)
    total = 0.0
    for region in part:
        V = region.vertices()
        A, b = region.halfspaces
        assert V.ndim == 2 and V.shape[1] == net.n_in
        assert np.all(V @ A.T <= b + 1e-9)
        volume = ConvexHull(V).volume
        assert volume == pytest.approx(_volume(region), rel=1e-9)
        if net.n_in == 2:
            assert len(V) == len(region.facets)
        total += volume
    expected = domain.volume() if isinstance(domain, plr.Box) else _volume_of(
        *domain.halfspaces(), domain.center)
    assert total == pytest.approx(expected, rel=1e-9)


def test_vertices_of_an_unbounded_region_are_refused():
    part = plr.partition(plr.from_arrays([[[1.0, 0.0]], [[1.0]]], [[0.0], [0.0]]))
    with pytest.raises(plr.PLRegionsError, match="unbounded"):
        part[0].vertices()


@SETTINGS
@given(cases(max_depth=3), st.sampled_from([1e-6, -1.0, 1e6]))
def test_output_scale_changes_nothing(case, factor):
    """y -> factor * y changes no region, linear region or edge."""
    net, domain, (weights, biases, activations) = case
    net2 = plr.from_arrays([*weights[:-1], factor * weights[-1]],
                           [*biases[:-1], factor * biases[-1]], activations)
    assert summary(plr.partition(net, domain)) == summary(plr.partition(net2, domain))



@SETTINGS
@given(cases(max_depth=3), st.floats(-1e4, 1e4), st.sampled_from([1e-6, 1.0]))
def test_output_offset_changes_nothing(case, offset, factor):
    """y -> factor * y + offset changes no region, linear region or edge."""
    net, domain, (weights, biases, activations) = case
    net2 = plr.from_arrays([*weights[:-1], factor * weights[-1]],
                           [*biases[:-1], factor * biases[-1] + offset], activations)
    assert summary(plr.partition(net, domain)) == summary(plr.partition(net2, domain))


@pytest.mark.parametrize("offset", [1e9, -1e12])
def test_large_output_offset_keeps_linear_regions(offset):
    net = plr.from_arrays([[[1.0]], [[1.0]]], [[0.0], [offset]])  # relu(x) + offset
    part = plr.partition(net)
    assert (len(part), part.n_linear_regions) == (2, 2)
    box = plr.partition(net, plr.Box([-1.0], [1.0]))
    assert (len(box), box.n_linear_regions) == (2, 2)



def test_find_ignores_rounding_noise_of_an_identically_zero_neuron():
    net = plr.from_arrays([[[1.0], [1.0], [1.0]], [[3.0, -1.0, -2.0]], [[1.0]]],
                          [[0.0, 0.0, 0.0], [0.0], [0.0]])
    part = plr.partition(net)
    assert part.activation_patterns.astype(int).tolist() == [[0, 0, 0, 0], [1, 1, 1, 0]]
    assert part.find([[0.1], [-0.1]]).tolist() == [1, 0]
    assert plr.region_at(net, [0.1]).pattern.astype(int).tolist() == [1, 1, 1, 0]


@SETTINGS
@given(cases(domains=("polytope",)), st.integers(0, 2**32 - 1))
def test_polytope_row_order_and_scale_change_nothing(case, seed):
    net, domain, _ = case
    rng = np.random.default_rng(seed)
    A, b = domain.halfspaces()
    order = rng.permutation(len(b))
    c = 10 ** rng.uniform(-3, 3, size=len(b))
    domain2 = plr.Polytope(c[:, None] * A[order], c * b[order])
    part, part2 = plr.partition(net, domain), plr.partition(net, domain2)
    assert pattern_set(part) == pattern_set(part2)
    assert summary(part) == summary(part2)
