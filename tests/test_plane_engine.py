"""The 2-D engine (method="plane") against the general engine and against invariants.

Exact agreement with method="layerwise" means: the same set of activation patterns and the
same region graph (edges compared through the patterns of their ends), and in all of R^2
the same bounded regions. A seeded sample of the random networks runs by default; the
exhaustive set (>= 200 networks) is marked slow.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import warnings

import numpy as np
import pytest
from ground_truth_cases import CASES, case_domain, case_network

import plregions as plr


def pattern_keys(part):
    return [row.tobytes() for row in part.patterns]


def graph_by_patterns(part):
    keys = pattern_keys(part)
    return {frozenset((keys[i], keys[j])) for i, j in part.edges.tolist()}


def assert_same_partition(part, reference, bounded=False):
    """Same patterns and same region graph (and boundedness in all of R^d)."""
    keys, ref_keys = pattern_keys(part), pattern_keys(reference)
    assert len(set(keys)) == len(keys), "a pattern appears twice"
    assert set(keys) == set(ref_keys)
    assert graph_by_patterns(part) == graph_by_patterns(reference)
    if bounded:
        mine = dict(zip(keys, part.is_bounded.tolist()))
        theirs = dict(zip(ref_keys, reference.is_bounded.tolist()))
        assert mine == theirs


# --- random 2-D networks, degenerate ones included ---------------------------------------------

def _mlp(rng, widths, integer=False):
    weights, biases = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        if integer:
            weights.append(rng.integers(-2, 3, size=(n_out, n_in)).astype(float))
            biases.append(rng.integers(-1, 2, size=n_out).astype(float))
        else:
            weights.append(rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)))
            biases.append(rng.normal(0, 0.3, size=n_out))
    return weights, biases


def random_case(seed: int):
    """A seeded 2-input network and a domain; the kind cycles through degeneracies."""
    rng = np.random.default_rng(seed)
    kind = seed % 9
    box = plr.Box([-1.0, -1.0], [1.0, 1.0])
    activations = None
    if kind == 0:      # generic
        weights, biases = _mlp(rng, [2, int(rng.integers(3, 7)), int(rng.integers(2, 5)), 1])
    elif kind == 1:    # concurrent lines and lines through box corners
        weights, biases = _mlp(rng, [2, 5, 3, 1])
        weights[0][:3] = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
        biases[0][:3] = 0.0
        weights[0][3], biases[0][3] = [1.0, -1.0], 0.0        # through (1, 1) and (-1, -1)
        weights[0][4], biases[0][4] = [1.0, 1.0], -2.0        # touches only the corner (1, 1)
    elif kind == 2:    # coincident and opposite neurons, in one layer and across layers
        weights, biases = _mlp(rng, [2, 4, 3, 1])
        weights[0][1], biases[0][1] = 2.5 * weights[0][0], 2.5 * biases[0][0]
        weights[0][2], biases[0][2] = -weights[0][0], -biases[0][0]
        weights[1][1] = 3.0 * weights[1][0]
        biases[1][1] = 3.0 * biases[1][0]
    elif kind == 3:    # dead neurons: zero rows, constant signs, a line on the box boundary
        weights, biases = _mlp(rng, [2, 5, 4, 1])
        weights[0][0], biases[0][0] = 0.0, 0.7
        weights[0][1], biases[0][1] = 0.0, -0.7
        weights[0][2], biases[0][2] = [1.0, 0.0], -1.0        # on the face x = 1
        weights[1][0], biases[1][0] = 0.0, 0.0                 # identically zero
        weights[1][1] = 0.0
        biases[1][1] = 0.5
    elif kind == 4:    # small integer weights: many parallel and concurrent lines
        weights, biases = _mlp(rng, [2, 5, 4, 1], integer=True)
        box = plr.Box([-2.0, -2.0], [2.0, 2.0])
    elif kind == 5:    # leaky, PReLU and pass-through units
        weights, biases = _mlp(rng, [2, 4, 4, 1])
        activations = [("leaky_relu", float(rng.choice([0.1, -0.5, 2.0]))),
                       ("prelu", [0.0, 1.0, 0.3, -1.0])]
    elif kind == 6:    # three hidden layers, off-centre and non-square box
        weights, biases = _mlp(rng, [2, 4, 3, 3, 2])
        box = plr.Box([0.5, -3.0], [2.5, -2.0])
    elif kind == 8:    # no biases: every line through the origin, dead cones
        weights, biases = _mlp(rng, [2, 6, 5, 4, 1])
        biases = [np.zeros_like(b) for b in biases]
    else:              # a second-layer neuron through a first-layer vertex
        weights, biases = _mlp(rng, [2, 4, 3, 1])
        weights[0][:2] = [[1.0, 0.0], [0.0, 1.0]]
        biases[0][:2] = 0.0
        # z = relu(x) + relu(y) - ... passes through the vertex (0, 0) of the first layer.
        weights[1][0] = [1.0, -1.0, 0.0, 0.0]
        biases[1][0] = 0.0
    net = plr.from_arrays(weights, biases, activations)
    return net, box


SAMPLE = list(range(40))
EXHAUSTIVE = list(range(40, 240))


def check_random(seed, domain_none=False):
    net, box = random_case(seed)
    domain = None if domain_none else box
    part = plr.partition(net, domain)
    assert part.method == "plane"
    reference = plr.partition(net, domain, method="layerwise")
    assert_same_partition(part, reference, bounded=domain_none)
    assert plr.count_regions(net, domain) == len(part)
    V, E, F = part.polygons.euler
    assert V - E + F == 1 and F == len(part)
    if not domain_none:
        assert np.isclose(part.polygons.areas().sum(), box.volume(), rtol=1e-9)


@pytest.mark.parametrize("seed", SAMPLE)
def test_random_networks_agree_with_layerwise(seed):
    check_random(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", EXHAUSTIVE)
def test_random_networks_agree_with_layerwise_exhaustive(seed):
    check_random(seed)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 13, 15])
def test_random_networks_in_all_of_r2(seed):
    check_random(seed, domain_none=True)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(16, 80))
def test_random_networks_in_all_of_r2_exhaustive(seed):
    check_random(seed, domain_none=True)


# --- ground truth ------------------------------------------------------------------------------

TWO_D = [case for case in CASES if case["input_dim"] == 2]


@pytest.mark.parametrize("case", TWO_D, ids=[case["name"] for case in TWO_D])
def test_ground_truth_cases(case):
    net, domain = case_network(case), case_domain(case)
    part = plr.partition(net, domain)
    assert part.method == "plane"
    expected = case["expected"]
    assert len(part) == expected["activation_regions"]
    assert part.n_linear_regions == expected["linear_regions"]
    if expected.get("adjacency_edges") is not None:
        assert plr.region_graph(part).number_of_edges() == expected["adjacency_edges"]
    if domain is None and expected.get("bounded_regions") is not None:
        assert part.n_bounded_regions == expected["bounded_regions"]
    assert_same_partition(part, plr.partition(net, domain, method="layerwise"),
                          bounded=domain is None)


def test_peer_network():
    path = pathlib.Path(__file__).parents[2] / "shared" / "cases" / "peer_bench" \
        / "mlp_2-16-16-16-1_seed0.npz"
    if not path.exists():
        pytest.skip("peer benchmark network not available")
    net = plr.load_network(path)
    box = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    assert len(box) == 930 and box.edges.shape == (1813, 2)
    whole = plr.partition(net)
    assert len(whole) == 1044
    assert plr.count_regions(net) == 1044


# --- invariants ---------------------------------------------------------------------------------

def point_in_polygon(points, polygon, slack):
    """Whether each point lies inside a convex counter-clockwise polygon (margin slack)."""
    edges = np.roll(polygon, -1, axis=0) - polygon
    rel = points[:, None, :] - polygon[None, :, :]
    cross = edges[None, :, 0] * rel[:, :, 1] - edges[None, :, 1] * rel[:, :, 0]
    lengths = np.linalg.norm(edges, axis=1)
    ok = lengths > 0
    return np.all(cross[:, ok] / lengths[ok] > slack, axis=1)


@pytest.mark.parametrize("seed", [0, 1, 4, 6])
def test_random_points_lie_in_exactly_one_polygon_with_their_pattern(seed):
    net, box = random_case(seed)
    part = plr.partition(net, box)
    rng = np.random.default_rng(100 + seed)
    X = rng.uniform(box.lower, box.upper, size=(2000, 2))
    patterns = np.packbits(net.activation_patterns(X), axis=1)
    inside = np.array([point_in_polygon(X, part.polygons[i], 1e-12) for i in range(len(part))])
    # Points on no polygon's interior lie within rounding of an edge: there are few.
    counts = inside.sum(axis=0)
    assert np.all(counts <= 1)
    assert np.mean(counts == 1) > 0.99
    holder = inside.argmax(axis=0)
    for p in np.flatnonzero(counts == 1):
        assert part.patterns[holder[p]].tobytes() == patterns[p].tobytes()
    # Every point's pattern is the pattern of exactly one region.
    found = part.find(X)
    assert np.all(found[counts == 1] == holder[counts == 1])


@pytest.mark.parametrize("seed", [0, 5, 6])
def test_network_equals_the_local_map_inside_each_region(seed):
    net, box = random_case(seed)
    part = plr.partition(net, box)
    rng = np.random.default_rng(seed)
    A, c = part.output_maps
    for i in range(len(part)):
        poly = part.polygons[i]
        weights = rng.dirichlet(np.ones(len(poly)), size=5)
        X = weights @ poly                       # convex combinations: inside the polygon
        assert np.allclose(net(X), X @ A[i].T + c[i], atol=1e-9)


def test_polygons_are_convex_counter_clockwise_and_inside_the_box():
    net, box = random_case(6)
    part = plr.partition(net, box)
    for i in range(len(part)):
        poly = part.polygons[i]
        assert np.all(poly >= box.lower - 1e-12) and np.all(poly <= box.upper + 1e-12)
        edges = np.roll(poly, -1, axis=0) - poly
        turn = edges[:, 0] * np.roll(edges[:, 1], -1) - edges[:, 1] * np.roll(edges[:, 0], -1)
        assert np.all(turn > -1e-15)
        assert point_in_polygon(part.interior_points[i:i + 1], poly, 0.0)[0]
        assert part.radii[i] > 0
    assert np.array_equal(part[0].vertices(), part.polygons[0])


def test_unbounded_regions_in_r2_are_the_ones_touching_the_window():
    # Three lines in general position: 7 regions, 1 bounded.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                          [[0.0, 0.0, -1.0], [0.0]])
    part = plr.partition(net)
    assert part.method == "plane"
    assert (len(part), part.n_bounded_regions) == (7, 1)
    window = part.polygons.window
    bounded = np.flatnonzero(part.is_bounded)[0]
    assert np.all(part.polygons[bounded] > window[:, 0]) and np.all(
        part.polygons[bounded] < window[:, 1])


def test_far_vertices_grow_the_window():
    # Two nearly parallel lines meet far away (at x = 1000); the window must hold it.
    net = plr.from_arrays([[[0.0, 1.0], [-0.001, 1.0]], [[1.0, 1.0]]], [[0.0, 1.0], [0.0]])
    part = plr.partition(net)
    assert (len(part), part.n_bounded_regions) == (4, 0)
    assert part.polygons.window[0, 1] > 1000
    reference = plr.partition(net, method="layerwise")
    assert_same_partition(part, reference, bounded=True)


def test_second_layer_vertex_outside_the_first_window():
    # Layer 1 lines x = 0 and y = 0; a second-layer line bends and meets another far out.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]],
                           [[1.0, 0.01], [1.0, -0.01]], [[1.0, 1.0]]],
                          [[0.0, 0.0], [-50.0, -40.0], [0.0]])
    part = plr.partition(net)
    assert_same_partition(part, plr.partition(net, method="layerwise"), bounded=True)


def test_affine_network_is_one_region():
    net = plr.from_arrays([[[1.0, 2.0]]], [[0.5]])
    for domain in (None, plr.Box([0, 0], [1, 1])):
        part = plr.partition(net, domain)
        assert len(part) == 1 and part.method == "plane"
    assert plr.partition(net).n_bounded_regions == 0


def test_count_only_equals_partition_length():
    net, box = random_case(8)
    assert plr.count_regions(net, box) == len(plr.partition(net, box))


def test_method_plane_refuses_other_domains():
    net3 = plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(2), np.zeros(1)])
    with pytest.raises(plr.InvalidArgumentError, match="method='plane' needs a 2-D domain"):
        plr.partition(net3, plr.Box([0, 0, 0], [1, 1, 1]), method="plane")


def test_pure_python_kernels_give_the_same_partition():
    """Without compilation (NUMBA_DISABLE_JIT=1) the kernels run as Python, same result."""
    code = (
        "import numpy as np, plregions as plr, json\n"
        "rng = np.random.default_rng(3)\n"
        "net = plr.from_arrays([rng.normal(size=(5, 2)), rng.normal(size=(3, 5)),"
        " rng.normal(size=(1, 3))], [rng.normal(size=5), rng.normal(size=3), np.zeros(1)])\n"
        "part = plr.partition(net, plr.Box([-2, -2], [2, 2]))\n"
        "print(json.dumps([part.method, sorted(r.tobytes().hex() for r in part.patterns),"
        " part.edges.tolist()]))\n"
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True)
    method, patterns, edges = json.loads(out.stdout)
    rng = np.random.default_rng(3)
    net = plr.from_arrays([rng.normal(size=(5, 2)), rng.normal(size=(3, 5)),
                           rng.normal(size=(1, 3))],
                          [rng.normal(size=5), rng.normal(size=3), np.zeros(1)])
    part = plr.partition(net, plr.Box([-2, -2], [2, 2]))
    assert method == "plane"
    assert patterns == sorted(r.tobytes().hex() for r in part.patterns)
    assert edges == part.edges.tolist()


@pytest.mark.parametrize("width", [64, 100])
def test_wide_single_layer_grows_every_buffer(width):
    # Thousands of parts in one cell: every work buffer of the kernel has to grow.
    rng = np.random.default_rng(width)
    net = plr.from_arrays([rng.normal(size=(width, 2)), rng.normal(size=(1, width))],
                          [rng.normal(0, 0.5, size=width), np.zeros(1)])
    box = plr.Box([-3, -3], [3, 3])
    part = plr.partition(net, box)
    V, E, F = part.polygons.euler
    assert V - E + F == 1
    assert np.isclose(part.polygons.areas().sum(), 36.0)
    assert len(part) == plr.count_regions(net, box)
    assert len(part) == plr.count_regions(net, box, method="layerwise")


def test_deep_wide_network_is_consistent():
    rng = np.random.default_rng(0)
    sizes = [2, 48, 48, 48, 1]
    net = plr.from_arrays([rng.normal(0, np.sqrt(2 / a), size=(b, a))
                           for a, b in zip(sizes[:-1], sizes[1:])],
                          [rng.normal(0, 0.1, size=b) for b in sizes[1:]])
    box = plr.Box([-2, -2], [2, 2])
    part = plr.partition(net, box)
    V, E, F = part.polygons.euler
    assert V - E + F == 1 and F == len(part) > 2000
    assert np.isclose(part.polygons.areas().sum(), 16.0)
    assert len({r.tobytes() for r in part.patterns}) == len(part)
    assert np.array_equal(net.activation_patterns(part.interior_points), part.activation_patterns)


@pytest.mark.parametrize("seed", range(6))
def test_positive_layer_scales_change_nothing(seed):
    """Without biases a ReLU network is positively homogeneous: scaling each layer by a
    positive factor (or each neuron, with the next layer divided) keeps the partition.
    All lines pass through the origin and whole cones are dead: a hard degenerate case."""
    rng = np.random.default_rng(seed)
    sizes = [2, 8, 8, 8, 1]
    weights = [rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    biases = [np.zeros(b) for b in sizes[1:]]
    box = plr.Box([-1, -1], [1, 1])
    reference = plr.partition(plr.from_arrays(weights, biases), box)
    for factors in ([0.3, 2.0, 7.0, 1.0], [1.7, 0.05, 1.3, 4.0]):
        scaled = [f * w for f, w in zip(factors, weights)]
        part = plr.partition(plr.from_arrays(scaled, biases), box)
        assert_same_partition(part, reference)
    assert_same_partition(reference, plr.partition(plr.from_arrays(weights, biases), box,
                                                   method="layerwise"))


# --- adjacency: a shared piece of a line, not a shared vertex ------------------------------------

def test_regions_meeting_in_a_vertex_far_out_are_not_adjacent():
    # Lines x = D, y = D and x + y = 2D + 1: regions on opposite sides of the vertices
    # (D + 1, D) and (D, D + 1) meet there only. 13 vertices and 19 edges in the window.
    for offset in (1e3, 1e7, 3e7):
        net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                              [[-offset, -offset, -2 * offset - 1], [0.0]])
        part = plr.partition(net)
        assert part.method == "plane"
        assert part.edges.shape == (9, 2)
        assert part.polygons.euler == (13, 19, 7)
        assert_same_partition(part, plr.partition(net, method="layerwise"), bounded=True)


def test_bent_line_crossing_at_a_shallow_angle_makes_no_edge():
    # The second-layer line bends on x-line 0 to run nearly along it on one side, so the
    # vertex where it crosses is uncertain along the line by ~1e-8: regions 110 and 011
    # meet in that vertex only.
    net = plr.from_arrays(
        [[[504.34116771654317, 454.25878009699545],
          [-0.001350066148642712, -0.0007883068226385111]],
         [[-0.09643216015562055, 0.6803784532741461]], [[1.0]]],
        [[-0.3019875494549759, 0.12223985839217535], [-0.13656633397682774], [0.0]])
    part = plr.partition(net)
    assert part.method == "plane"
    i, j = part.index_of([True, True, False]), part.index_of([False, True, True])
    assert not plr.region_graph(part).has_edge(i, j)
    assert part.polygons.euler == (12, 17, 6)
    assert_same_partition(part, plr.partition(net, method="layerwise"), bounded=True)


def far_case(seed: int):
    """A small 2-input network in all of R^2 with hyperplanes at widely different scales,
    its geometry far from the origin.

    Even seeds: every first-layer line passes near a centre 10^U(3, 8) away, rows and
    biases around it scaled by 10^U(-2, 2). Odd seeds: lines near the origin and one more
    10^U(4, 7.3) away, so that the window reaches far out while most vertices stay near
    the origin. Returns the network and the distance of the far geometry.
    """
    rng = np.random.default_rng(50_000 + seed)
    w1, w2 = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    if seed % 2 == 0:
        W0 = rng.normal(size=(w1, 2)) * 10 ** rng.uniform(-2, 2, size=(w1, 1))
        centre = rng.normal(size=2)
        distance = 10 ** rng.uniform(3, 8)
        centre *= distance / np.linalg.norm(centre)
        b0 = rng.normal(size=w1) * 10 ** rng.uniform(-2, 2, size=w1) - W0 @ centre
    else:
        far_row = rng.normal(size=2)
        distance = 10 ** rng.uniform(4, 7.3)
        W0 = np.vstack([rng.normal(size=(w1, 2)), far_row / np.linalg.norm(far_row)])
        b0 = np.append(rng.normal(size=w1), distance)
        w1 += 1
    W1, b1 = rng.normal(size=(w2, w1)), rng.normal(size=w2)
    return plr.from_arrays([W0, W1, np.ones((1, w2))], [b0, b1, [0.0]]), distance


def _declines(net) -> bool:
    """The 2-D engine declines all of R^2 (vertices too far out for a safe window)."""
    from plregions.engines.plane import WindowTooLarge, enumerate_plane

    try:
        enumerate_plane(net, 1.0, plr.Tolerance(), store=False)
    except WindowTooLarge:
        return True
    return False


def check_far(seed):
    net, _ = far_case(seed)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        part = plr.partition(net)
    fell_back = [w for w in caught if issubclass(w.category, plr.EngineFallbackWarning)]
    # The only fallback allowed (method="auto") is a window too large for the engine, and
    # it is announced.
    assert (part.method == "layerwise") == _declines(net) == bool(fell_back)
    if fell_back:
        assert "too far from the domain's scale" in str(fell_back[0].message)
    if part.method == "plane":
        assert_same_partition(part, plr.partition(net, method="layerwise"), bounded=True)
        V, E, F = part.polygons.euler
        assert V - E + F == 1 and F == len(part)


FAR_SAMPLE = list(range(16))


@pytest.mark.filterwarnings("ignore::plregions.EngineFallbackWarning")
def test_far_cases_are_varied():
    cases = [far_case(seed) for seed in FAR_SAMPLE]
    distances = np.array([distance for _, distance in cases])
    assert distances.min() < 1e4 and distances.max() > 3e7
    assert sum(plr.partition(net).method == "plane" for net, _ in cases) >= 12


@pytest.mark.parametrize("seed", FAR_SAMPLE)
def test_far_and_widely_scaled_networks_agree_with_layerwise(seed):
    check_far(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(16, 400))
def test_far_and_widely_scaled_networks_agree_with_layerwise_exhaustive(seed):
    check_far(seed)


@pytest.mark.parametrize("delta, expected", [
    pytest.param(1.7e-9, 6, id="inradius-5e-10"),   # thinner than Tolerance.radius: no region
    pytest.param(6.8e-9, 7, id="inradius-2e-9"),
])
def test_a_triangle_thinner_than_the_tolerance_is_no_region(delta, expected):
    # Lines x = 0, y = 0 and x + y = delta bound a triangle of inradius 0.29 delta. The
    # 2-D engine cuts a cell only when both halves hold a ball of radius above the
    # tolerance, as the general engine splits one: both find the same regions, and the
    # subdivision stays a cell complex (V - E + F = 1).
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                          [[0.0, 0.0, -delta], [0.0]])
    box = plr.Box([-1, -1], [1, 1])
    plane = plr.partition(net, box, method="plane")
    layerwise = plr.partition(net, box, method="layerwise")
    assert len(plane) == len(layerwise) == expected
    assert plane.method == "plane"
    V, E, F = plane.polygons.euler
    assert V - E + F == 1
    assert {p.tobytes() for p in plane.patterns} == {p.tobytes() for p in layerwise.patterns}


def test_explicit_plane_method_says_why_it_cannot_run(monkeypatch):
    # method="auto" falls back to the general engine when the 2-D engine declines;
    # method="plane" asked for by name raises with the engine's reason instead.
    from plregions.engines import plane as plane_module

    def declines(*args, **kwargs):
        raise plane_module.EulerCheckError("V - E + F = 2 != 1")

    monkeypatch.setattr(plane_module, "enumerate_polygons", declines)
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    box = plr.Box([-1, -1], [1, 1])
    with pytest.warns(plr.EngineFallbackWarning, match="V - E \\+ F = 2 != 1.*general engine"):
        assert plr.partition(net, box).method == "layerwise"
    with pytest.warns(plr.EngineFallbackWarning):
        assert plr.count_regions(net, box) == 4
    with pytest.raises(plr.SolverError, match="method='plane' cannot partition"):
        plr.partition(net, box, method="plane")
    with pytest.raises(plr.SolverError, match="V - E \\+ F = 2"):
        plr.count_regions(net, box, method="plane")


def test_when_both_engines_fail_the_error_gives_both_reasons(monkeypatch):
    # The 2-D engine declines, the general engine then cannot certify a region: the
    # SolverError the user sees says why each engine failed.
    from plregions.engines import plane as plane_module
    from plregions.partition import api

    def declines(*args, **kwargs):
        raise plane_module.WindowTooLarge("vertices of the partition lie beyond 1e+19")

    def cannot_certify(*args, **kwargs):
        raise plr.SolverError("no LP backend could decide whether a region exists")

    monkeypatch.setattr(plane_module, "enumerate_plane", declines)
    monkeypatch.setattr(api, "_iter_leaves", cannot_certify)
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    both = "could decide.*the exact 2-D engine, tried first, declined: vertices.*1e\\+19"
    warnings.simplefilter("ignore", plr.EngineFallbackWarning)
    with pytest.raises(plr.SolverError, match=both):
        plr.partition(net)
    with pytest.raises(plr.SolverError, match=both):
        plr.count_regions(net)
    # A bounded domain the 2-D engine accepts never reaches the general engine.
    assert plr.count_regions(net, plr.Box([-1, -1], [1, 1])) == 4


@pytest.mark.parametrize("method", ["auto", "layerwise"])
def test_a_whole_plane_has_the_same_regions_however_long_u_and_v_are(method):
    # The tolerance of a whole plane is measured in the input space: scaling u and v
    # rescales the coordinates (s, t) and nothing else. (With a tolerance fixed in
    # (s, t), u and v a million times longer lost two regions of radius 2.5e-4.)
    rng = np.random.default_rng(0)
    net = plr.from_arrays([rng.normal(size=(8, 3)), rng.normal(size=(8, 8)),
                           rng.normal(size=(1, 8))],
                          [rng.normal(size=8), rng.normal(size=8), rng.normal(size=1)])
    o, u, v = rng.normal(size=3), rng.normal(size=3), rng.normal(size=3)
    parts = {k: plr.partition(net, plr.Plane(o, k * u, k * v), method=method)
             for k in (1e-6, 1.0, 1e6)}
    one = parts[1.0]
    assert len(one) == 149 and int(one.is_bounded.sum()) == 121
    order = np.lexsort(one.patterns.T[::-1])
    for k, part in parts.items():
        assert part.method == ("plane" if method == "auto" else "layerwise")
        assert np.array_equal(np.sort(part.is_bounded), np.sort(one.is_bounded))
        same = np.lexsort(part.patterns.T[::-1])
        assert np.array_equal(part.patterns[same], one.patterns[order]), k
        assert len(part.edges) == len(one.edges) == 282
        # The same input points, up to the coordinates' scale.
        assert np.allclose(part.input_points[same], one.input_points[order], atol=1e-6)


def test_a_domain_much_larger_than_the_regions_warns_that_it_resolves_less():
    # The Iris network on the plane through the species' means: all 151 regions of the
    # whole plane are found in a window of margin 100, but the tolerance grows with the
    # window, and with a margin of 1e6 six regions are below the resolution. Most of those
    # left are close to it, which the warning reports (the tests fail on any warning, so
    # every other partition in them is a case that does not warn).
    X, y, _ = plr.load_iris()
    net = plr.default_network()
    means = [X[y == k].mean(axis=0) for k in range(3)]
    assert len(plr.partition(net, plr.Plane.through(*means, margin=100))) == 151
    assert len(plr.partition(net, plr.Plane(means[0], means[1] - means[0],
                                            means[2] - means[0]))) == 151
    with pytest.warns(plr.ResolutionWarning, match="of the 145 activation regions hold no "
                      "ball of radius 100 times the resolution.*Partition a smaller domain"):
        assert len(plr.partition(net, plr.Plane.through(*means, margin=1e6))) == 145
