"""Cross-checks of the enumeration engines against each other and an independent oracle.

1. ``plr.partition(net, domain)`` (methods ``"auto"`` and ``"layerwise"``) and
   ``plr.count_regions`` must give exactly the activation patterns of ``method="brute"``
   on seeded random small networks, many of them deliberately degenerate.
2. An oracle written here, sharing no code with plregions' engines or LP layer, enumerates
   the regions of small 1-D and 2-D networks: in 1-D from the exact breakpoints, layer by
   layer; in 2-D (and 1-D) by trying all 2^n patterns with one HiGHS LP each
   (``scipy.optimize.linprog``). plregions must agree with it exactly.

Every random number comes from ``numpy.random.default_rng(seed)``; points are sampled at
random, never on a grid.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
from scipy.optimize import linprog

import plregions as plr

N_CASES = 240  # the full cross-check (slow); a seeded sample of them runs by default
DEFAULT_SAMPLE = sorted(np.random.default_rng(2024).choice(N_CASES, size=40, replace=False))

LEAKY_SLOPES = (0.01, 0.5, 2.0, 3.0, -0.5, -1.0)
PRELU_SLOPES = (0.0, 0.25, 1.0, 2.5, -1.0, -0.3)


# ----------------------------------------------------------------------------------------
# Random, deliberately degenerate small networks
# ----------------------------------------------------------------------------------------
def _activation(rng, width):
    kind = rng.choice(["relu", "relu", "leaky", "prelu", "mixed", "identity"],
                      p=[0.3, 0.15, 0.15, 0.15, 0.15, 0.1])
    if kind == "relu":
        return "relu"
    if kind == "leaky":
        return ("leaky_relu", float(rng.choice(LEAKY_SLOPES)))
    if kind == "prelu":
        return ("prelu", rng.choice(PRELU_SLOPES, size=width))
    if kind == "mixed":  # some pass-through units (slope 1) among ReLU units
        slopes = np.where(rng.random(width) < 0.4, 1.0, 0.0)
        return ("prelu", slopes)
    return "identity"


def _domain(rng, d):
    kind = rng.choice(["none", "box", "int_box", "polytope"])
    if kind == "none":
        return None
    if kind == "box":
        lower = rng.uniform(-2.0, 0.0, size=d)
        return plr.Box(lower, lower + rng.uniform(0.5, 3.0, size=d))
    if kind == "int_box":  # integer box: integer hyperplanes hit its corners and faces
        lower = rng.integers(-2, 0, size=d).astype(float)
        return plr.Box(lower, lower + rng.integers(1, 4, size=d))
    # A random polytope around a random centre: d + 1 + k random halfspaces.
    center = rng.normal(size=d) * 0.5
    m = d + 1 + int(rng.integers(0, 4))
    normals = rng.normal(size=(m, d))
    normals[: d + 1] = np.vstack([np.eye(d), -np.ones((1, d))])[: d + 1]
    offsets = normals @ center + rng.uniform(0.5, 2.0, size=m)
    return plr.Polytope(normals, offsets)


def random_case(seed: int):
    """A seeded random small network, a domain, and a description of its oddities."""
    rng = np.random.default_rng(seed)
    d = int(rng.integers(1, 5))
    depth = int(rng.integers(1, 4))
    max_width = 8 if depth == 1 else 6 if depth == 2 else 4
    widths = [int(rng.integers(1 if rng.random() < 0.1 else 2, max_width + 1))
              for _ in range(depth)]
    integer = rng.random() < 0.5
    sizes = [d, *widths, int(rng.integers(1, 3))]
    weights, biases, notes = [], [], []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if integer:
            W = rng.choice([-1.0, 0.0, 1.0, 2.0], size=(n_out, n_in))
            b = rng.choice([-1.0, 0.0, 0.0, 1.0], size=n_out)
        else:
            W = rng.normal(size=(n_out, n_in))
            b = rng.normal(size=n_out) * 0.5
        weights.append(W)
        biases.append(b)
    # Degeneracies in the hidden layers.
    for W, b in zip(weights[:-1], biases[:-1]):
        n_out = W.shape[0]
        if n_out >= 2 and rng.random() < 0.3:  # duplicated neuron, scaled (maybe negatively)
            i, j = rng.choice(n_out, size=2, replace=False)
            c = float(rng.choice([1.0, 2.0, -1.0, -0.5]))
            W[j], b[j] = c * W[i], c * b[i]
            notes.append(f"dup{c:+g}")
        if rng.random() < 0.15:  # dead neuron: all-zero row
            i = rng.integers(n_out)
            W[i], b[i] = 0.0, float(rng.choice([-1.0, 0.0]))
            notes.append("dead")
        if rng.random() < 0.15:  # bias-only neuron: zero weights, positive bias
            i = rng.integers(n_out)
            W[i], b[i] = 0.0, 1.0
            notes.append("bias-only")
    if rng.random() < 0.2:  # zero output weights
        weights[-1][:, rng.random(weights[-1].shape[1]) < 0.5] = 0.0
        notes.append("zero-out")
    domain = _domain(rng, d)
    if isinstance(domain, plr.Box) and rng.random() < 0.5:
        # First-layer hyperplanes through a box corner or on a box face.
        W, b = weights[0], biases[0]
        i = rng.integers(W.shape[0])
        if rng.random() < 0.5:
            corner = np.where(rng.random(d) < 0.5, domain.lower, domain.upper)
            W[i] = rng.choice([-1.0, 1.0, 2.0], size=d)
            b[i] = -W[i] @ corner
            notes.append("corner")
        else:
            k = rng.integers(d)
            W[i] = 0.0
            W[i, k] = float(rng.choice([1.0, -2.0]))
            b[i] = -W[i, k] * float(rng.choice([domain.lower[k], domain.upper[k]]))
            notes.append("face")
    activations = [_activation(rng, w) for w in widths]
    net = plr.from_arrays(weights, biases, activations)
    return net, domain, notes


def pattern_set(part) -> set[tuple[bool, ...]]:
    return {tuple(bool(v) for v in p) for p in part.activation_patterns}


def patterns_with_noise(net, X, rel=1e-12):
    """Activation patterns of points, and which pre-activations are 0 up to rounding.

    A pre-activation within ``rel`` times the size of the terms summed to make it is
    rounding noise around 0 (an identically-zero neuron evaluated in floats).
    """
    h, mag = np.asarray(X, dtype=float), np.abs(np.asarray(X, dtype=float))
    active, zero = [], []
    for layer in net.hidden:
        z = h @ layer.weight.T + layer.bias
        size = mag @ np.abs(layer.weight).T + np.abs(layer.bias)
        active.append((z > 0)[:, layer.is_neuron])
        zero.append((np.abs(z) <= rel * size)[:, layer.is_neuron])
        slope = np.where(z > 0, 1.0, layer.negative_slope)
        h, mag = slope * z, np.abs(slope) * size
    if not active:
        return np.zeros((len(h), 0), dtype=bool), np.zeros((len(h), 0), dtype=bool)
    return np.hstack(active), np.hstack(zero)


def check_interior_points(net, domain, part):
    """Every region's interior point has the region's pattern and lies in the domain.

    At the centre of a ball inside a region a pre-activation that is 0 up to rounding is
    identically 0 there, so the region must have that neuron inactive.
    """
    if len(part) == 0:
        return
    X = part.interior_points
    active, zero = patterns_with_noise(net, X)
    assert np.array_equal(np.where(zero, False, active), part.activation_patterns)
    assert np.all(part.radii > 0)
    if domain is not None:
        A, b = domain.halfspaces()
        assert np.all(X @ A.T < b)


# ----------------------------------------------------------------------------------------
# Engines against brute force
# ----------------------------------------------------------------------------------------
def _graph_summary(part, domain):
    bounded = part.n_bounded_regions if domain is None else None
    return edge_set(part), part.n_linear_regions, bounded


def _check_against_brute(seed):
    net, domain, notes = random_case(seed)
    brute = plr.partition(net, domain, method="brute")
    expected = pattern_set(brute)
    assert len(expected) == len(brute), "brute force returned a pattern twice"
    assert len(brute) >= 1
    check_interior_points(net, domain, brute)
    graph = _graph_summary(brute, domain)
    methods = ["auto", "layerwise"]
    if not isinstance(domain, plr.Polytope):  # the 1-D and 2-D engines take boxes and R^d
        methods += {1: ["line"], 2: ["plane"]}.get(net.n_in, [])
    for method in methods:
        part = plr.partition(net, domain, method=method)
        got = pattern_set(part)
        assert len(got) == len(part), f"{method}: a pattern appears twice ({notes})"
        assert got == expected, (
            f"seed {seed} {net!r} {domain!r} {notes}: {method} has {len(part)} regions, brute "
            f"{len(brute)}; missing {sorted(expected - got)[:3]}, "
            f"extra {sorted(got - expected)[:3]}")
        check_interior_points(net, domain, part)
        assert _graph_summary(part, domain) == graph, f"{method}: edges/linear/bounded differ"
        assert plr.count_regions(net, domain, method=method) == len(brute)
    assert plr.count_regions(net, domain) == len(brute)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(N_CASES))
def test_engines_match_brute_force_all(seed):
    _check_against_brute(seed)


@pytest.mark.parametrize("seed", DEFAULT_SAMPLE)
def test_engines_match_brute_force(seed):
    _check_against_brute(seed)


def test_random_cases_cover_the_degeneracies():
    """The generator really produces the degenerate families the cross-check is about."""
    notes, kinds, dims, depths, domains = set(), set(), set(), set(), set()
    for seed in range(N_CASES):
        net, domain, case_notes = random_case(seed)
        notes.update(n.rstrip("+-0123456789.") for n in case_notes)
        kinds.update(layer.kind for layer in net.hidden)
        dims.add(net.n_in)
        depths.add(len(net.hidden))
        domains.add(type(domain).__name__)
    assert {"dup", "dead", "bias-only", "zero-out", "corner", "face"} <= notes
    assert {"relu", "leaky_relu", "prelu", "identity"} <= kinds
    assert dims == {1, 2, 3, 4}
    assert depths == {1, 2, 3}
    assert domains == {"NoneType", "Box", "Polytope"}


# Hand-made degenerate cases, each with its exact count.
DEGENERATE = [
    # name, weights, biases, activations, domain, activation regions
    ("coincident_opposite_1d", [[[1.0], [-1.0], [2.0], [-3.0]], [[1.0, 1.0, 1.0, 1.0]]],
     [[0.0, 0.0, 0.0, 0.0], [0.0]], None, None, 2),
    ("central_three_lines", [[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
     [[0.0, 0.0, 0.0], [0.0]], None, None, 6),
    ("corner_touching_line", [[[1.0, 1.0]], [[1.0]]], [[-2.0], [0.0]], None,
     plr.Box([-1.0, -1.0], [1.0, 1.0]), 1),
    ("face_line", [[[1.0, 0.0]], [[1.0]]], [[-1.0], [0.0]], None,
     plr.Box([-1.0, -1.0], [1.0, 1.0]), 1),
    ("face_line_negative", [[[0.0, -2.0]], [[1.0]]], [[-2.0], [0.0]], None,
     plr.Box([-1.0, -1.0], [1.0, 1.0]), 1),
    ("diagonal_through_corners", [[[1.0, -1.0]], [[1.0]]], [[0.0], [0.0]], None,
     plr.Box([-1.0, -1.0], [1.0, 1.0]), 2),
    ("all_dead", [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]], None, None, 1),
    ("bias_only_active", [[[0.0, 0.0], [1.0, 0.0]], [[1.0, 1.0]]], [[1.0, 0.0], [0.0]], None,
     None, 2),
    ("leaky_above_one", [[[1.0], [1.0]], [[1.0, -1.0]]], [[0.0, -1.0], [0.0]],
     [("leaky_relu", 3.0)], None, 3),
    ("negative_leaky", [[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]],
     [("leaky_relu", -1.0)], None, 3),
    # relu(x) then relu(-h): identically zero on both sides, never a boundary.
    ("relu_of_negated_relu", [[[1.0]], [[-1.0]], [[1.0]]], [[0.0], [0.0], [0.0]], None, None, 2),
    # Second layer neuron h1 - h2 where h1 = h2 = relu(x): identically zero.
    ("cancelling_second_layer", [[[1.0], [1.0]], [[1.0, -1.0]], [[1.0]]],
     [[0.0, 0.0], [0.0], [0.0]], None, None, 2),
    # Identity first layer, so the second layer's neurons are plain hyperplanes.
    ("identity_then_relu", [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]],
                            [[1.0, 1.0, 1.0]]],
     [[0.0, 0.0], [0.0, 0.0, -1.0], [0.0]], ["identity", "relu"], None, 7),
    # A second-layer hyperplane that coincides with a first-layer one inside x > 0.
    ("deep_coincident", [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0]], [[1.0]]],
     [[0.0, 0.0], [0.0], [0.0]], None, None, 4),
    # The triangle x, y >= 0, x + y <= 1 (with redundant and rescaled copies of its rows):
    # lines along two edges (one twice), x = y through a vertex and the opposite edge, and
    # x + y = 0 touching only a vertex: 2 regions.
    ("triangle_edges_and_vertices",
     [[[1.0, 1.0], [-1.0, 0.0], [2.0, 2.0], [1.0, -1.0], [1.0, 1.0]], np.ones((1, 5))],
     [[-1.0, 0.0, -2.0, 0.0, 0.0], [0.0]], None,
     plr.Polytope([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0], [3.0, 3.0], [1.0, 0.0]],
                  [0.0, 0.0, 1.0, 3.0, 5.0]), 2),
    # A second-layer neuron whose bent hyperplane runs along the triangle's edge x + y = 1.
    ("deep_line_on_polytope_edge", [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]], [[1.0]]],
     [[0.0, 0.0], [-1.0], [0.0]], None,
     plr.Polytope([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]], [0.0, 0.0, 1.0]), 1),
    # Parallel lines x = 0, 1, 2 in the plane.
    ("parallel_lines", [[[1.0, 0.0], [2.0, 0.0], [-1.0, 0.0]], [[1.0, 1.0, 1.0]]],
     [[0.0, -2.0, 2.0], [0.0]], None, None, 4),
]


@pytest.mark.parametrize("method", ["auto", "brute"])
@pytest.mark.parametrize("case", DEGENERATE, ids=[c[0] for c in DEGENERATE])
def test_degenerate_cases_exact(case, method):
    name, weights, biases, activations, domain, expected = case
    net = plr.from_arrays(weights, biases, activations)
    part = plr.partition(net, domain, method=method)
    assert len(part) == expected
    assert plr.count_regions(net, domain, method=method) == expected
    check_interior_points(net, domain, part)


# ----------------------------------------------------------------------------------------
# The independent oracle (no plregions engine, no plregions LP layer)
# ----------------------------------------------------------------------------------------
def _arrays(net):
    """Plain arrays of a network: [(W, b, negative_slope)], (W_out, b_out)."""
    hidden = [(np.array(layer.weight), np.array(layer.bias), np.array(layer.negative_slope))
              for layer in net.hidden]
    return hidden, (np.array(net.output.weight), np.array(net.output.bias))


def _oracle_forward(hidden, out, x, zero_tol):
    """Pattern (neurons only), output, and output slope of a single point (forward mode).

    Returns (pattern, y, dy/dx) with dy/dx of shape (n_out, d).
    """
    h, dh = np.array(x, dtype=float), np.eye(len(x))
    bits = []
    for W, b, slope in hidden:
        z = W @ h + b
        dz = W @ dh
        active = z > zero_tol
        s = np.where(active, 1.0, slope)
        bits.extend(bool(a) for a, sl in zip(active, slope) if sl != 1.0)
        h, dh = s * z, s[:, None] * dz
    return tuple(bits), out[0] @ h + out[1], out[0] @ dh


def oracle_1d(net, domain):
    """Exact regions of a 1-D network from its breakpoints, found layer by layer.

    Within an interval free of earlier breakpoints every pre-activation of the next layer
    is affine; its zero (if strictly inside) is a new breakpoint.

    Returns (patterns, n_linear, n_bounded, n_edges) with patterns in left-to-right order.
    """
    hidden, out = _arrays(net)
    lo, hi = (-np.inf, np.inf) if domain is None else (float(domain.lower[0]),
                                                       float(domain.upper[0]))
    breaks = np.array([], dtype=float)
    zero_tol = 1e-9

    def probe(a, b):
        """A point strictly inside (a, b)."""
        if np.isinf(a) and np.isinf(b):
            return 0.0
        if np.isinf(a):
            return b - 1.0
        if np.isinf(b):
            return a + 1.0
        return (a + b) / 2

    for depth in range(len(hidden)):
        edges = np.concatenate([[lo], breaks, [hi]])
        new = []
        for a, b in zip(edges[:-1], edges[1:]):
            m = probe(a, b)
            h, dh = np.array([m]), np.eye(1)
            for W, bias, slope in hidden[:depth]:
                z, dz = W @ h + bias, W @ dh
                s = np.where(z > zero_tol, 1.0, slope)
                h, dh = s * z, s[:, None] * dz
            W, bias, slope = hidden[depth]
            z, g = W @ h + bias, (W @ dh)[:, 0]
            for zi, gi, si in zip(z, g, slope):
                if si == 1.0 or abs(gi) <= 1e-12:
                    continue
                root = m - zi / gi
                if a + 1e-9 < root < b - 1e-9:
                    new.append(root)
        breaks = np.unique(np.round(np.concatenate([breaks, new]), 10))
    edges = np.concatenate([[lo], breaks, [hi]])
    runs = []  # (pattern, slope, intercept) per maximal run of one pattern
    for a, b in zip(edges[:-1], edges[1:]):
        m = probe(a, b)
        pattern, y, dy = _oracle_forward(hidden, out, [m], zero_tol)
        affine = np.concatenate([dy[:, 0], y - dy[:, 0] * m])
        if runs and runs[-1][0] == pattern:
            continue
        runs.append((pattern, affine))
    patterns = [r[0] for r in runs]
    n_linear = 1 + sum(1 for r, s in zip(runs[:-1], runs[1:])
                       if not np.allclose(r[1], s[1], rtol=1e-9, atol=1e-9))
    n_bounded = max(len(runs) - 2, 0) if domain is None else None
    return patterns, n_linear, n_bounded, len(runs) - 1


def _pattern_rows(hidden, pattern, d):
    """Affine forms (a, c) of every neuron's pre-activation under ``pattern``."""
    M, c = np.eye(d), np.zeros(d)
    forms, k = [], 0
    for W, b, slope in hidden:
        A, cz = W @ M, W @ c + b
        s = slope.copy()
        for u in range(len(slope)):
            if slope[u] != 1.0:
                forms.append((A[u], cz[u], pattern[k]))
                s[u] = 1.0 if pattern[k] else slope[u]
                k += 1
        M, c = s[:, None] * A, s * cz
    return forms


def _chebyshev(rows, rhs, d, equality=None):
    """max t s.t. rows [x; t] <= rhs (t <= 1), optionally a [x] = beta: (t, x) or None."""
    cost = np.zeros(d + 1)
    cost[-1] = -1.0
    A_eq = b_eq = None
    if equality is not None:
        A_eq, b_eq = np.append(equality[0], 0.0)[None, :], [equality[1]]
    res = linprog(cost, A_ub=np.array(rows).reshape(-1, d + 1) if len(rows) else None,
                  b_ub=np.array(rhs) if len(rows) else None, A_eq=A_eq, b_eq=b_eq,
                  bounds=[(None, None)] * d + [(None, 1.0)], method="highs")
    assert res.status in (0, 2), res.message
    return (-res.fun, res.x[:d]) if res.status == 0 else None


def oracle_lp(net, domain, min_radius=1e-7):
    """Exact regions by trying all 2^n patterns, one HiGHS LP (scipy) per pattern.

    A pattern is a region iff its polyhedron holds a ball of radius > ``min_radius``.

    Returns
    -------
    dict pattern -> (A, b, is_domain_row, center): the region's closure ``A x <= b`` with
    unit-norm rows, which rows come from the domain, and its Chebyshev centre.
    """
    hidden, _ = _arrays(net)
    d = net.n_in
    n = sum(int(np.sum(s != 1.0)) for _, _, s in hidden)
    assert n <= 8, "the oracle tries all 2^n patterns"
    if domain is None:
        A0, b0 = np.zeros((0, d)), np.zeros(0)
    else:
        A0, b0 = domain.halfspaces()
    found = {}
    for pattern in itertools.product([False, True], repeat=n):
        rows, rhs, feasible = [], [], True
        for a, c, active in _pattern_rows(hidden, pattern, d):
            norm = np.linalg.norm(a)
            if norm <= 1e-12 * max(1.0, np.abs(a).max()):
                # Constant pre-activation: active iff the constant is > 0.
                if active != (c > 1e-12):
                    feasible = False
                    break
                continue
            sign = -1.0 if active else 1.0  # active: -(a x + c) <= 0
            rows.append(sign * a / norm)
            rhs.append(-sign * c / norm)
        if not feasible:
            continue
        is_domain = np.r_[np.zeros(len(rows), dtype=bool), np.ones(len(b0), dtype=bool)]
        A = np.vstack([np.array(rows).reshape(-1, d), A0 / np.linalg.norm(A0, axis=1)[:, None]])
        b = np.concatenate([rhs, b0 / np.linalg.norm(A0, axis=1)])
        best = _chebyshev(np.hstack([A, np.ones((len(b), 1))]), b, d)
        if best is not None and best[0] > min_radius:
            found[pattern] = (A, b, is_domain, best[1])
    return found


def oracle_graph(net, domain, regions, min_margin=1e-7):
    """Edges, linear regions and bounded regions of the oracle's regions.

    A region's row is a facet when a point of its hyperplane satisfies every row not on
    that hyperplane with margin (one LP); the region across is read off by evaluating the
    network a small step outside that point.

    Returns (edges as a set of frozenset pattern pairs, n_linear, n_bounded or None for
    a box).
    """
    hidden, out = _arrays(net)
    d = net.n_in
    edges = set()
    for pattern, (A, b, is_domain, _) in regions.items():
        key = np.hstack([A, b[:, None]])
        for k in range(len(b)):
            same = np.max(np.abs(key - key[k]), axis=1) <= 1e-9
            if np.any(same & is_domain):
                continue  # on the domain's boundary
            others = ~same
            rows = np.hstack([A[others], np.ones((others.sum(), 1))])
            best = _chebyshev(rows, b[others], d, equality=(A[k], b[k]))
            if best is None or best[0] <= min_margin:
                continue
            t, point = best
            # Step across; the region there must have the facet point in its closure (a
            # step too long could jump over a thin sliver), else step shorter.
            for step in min(t, 1.0) * 10.0 ** -np.arange(3, 10):
                across = _oracle_forward(hidden, out, point + A[k] * step, 0.0)[0]
                if across in regions and across != pattern:
                    A2, b2 = regions[across][:2]
                    if np.all(A2 @ point <= b2 + 1e-9 + 1e-12 * np.abs(point).max()):
                        break
            else:
                raise AssertionError("oracle: no region across a facet")
            edges.add(frozenset((pattern, across)))
    # Linear regions: merge facet-adjacent regions with equal affine output maps.
    maps = {}
    for pattern, (*_, center) in regions.items():
        _, y, J = _oracle_forward(hidden, out, center, 0.0)
        maps[pattern] = np.concatenate([J.ravel(), y - J @ center])
    parent = {p: p for p in regions}

    def root(p):
        while parent[p] != p:
            p = parent[p]
        return p

    for edge in edges:
        p, q = tuple(edge)
        if np.allclose(maps[p], maps[q], rtol=1e-9, atol=1e-9):
            parent[root(p)] = root(q)
    n_linear = len({root(p) for p in regions})
    if isinstance(domain, plr.Box):
        return edges, n_linear, None
    # Bounded iff the recession cone {y : A y <= 0} is {0}: max |y_k| over it, |y| <= 1.
    n_bounded = 0
    for A, b, _, _ in regions.values():
        bounded = len(b) > 0
        for k in range(2 * d if bounded else 0):
            cost = np.zeros(d)
            cost[k % d] = -1.0 if k < d else 1.0
            res = linprog(cost, A_ub=A, b_ub=np.zeros(len(b)), bounds=[(-1.0, 1.0)] * d,
                          method="highs")
            assert res.status == 0, res.message
            bounded &= -res.fun <= 1e-9
        n_bounded += bounded
    return edges, n_linear, n_bounded


def edge_set(part):
    patterns = [tuple(bool(v) for v in p) for p in part.activation_patterns]
    return {frozenset((patterns[i], patterns[j])) for i, j in part.edges.tolist()}


def _oracle_case(seed):
    """A small 1-D, 2-D or 3-D network (n <= 8 neurons) for the oracle, often degenerate."""
    rng = np.random.default_rng(10_000 + seed)
    d = 1 + seed % 3
    while True:
        net, _, _ = random_case(int(rng.integers(1_000_000)))
        if net.n_in == d and 4 <= net.n_neurons <= 8:
            break
    domain = None if rng.random() < 0.5 else plr.Box([-1.5] * d, [1.0] * d)
    return net, domain


def test_oracle_cases_are_varied():
    nets = [_oracle_case(seed) for seed in range(30)]
    assert {net.n_in for net, _ in nets} == {1, 2, 3}
    assert sum(domain is None for _, domain in nets) >= 8
    assert sum(len(plr.partition(net, domain)) >= 8 for net, domain in nets) >= 10


@pytest.mark.parametrize("seed", range(30))
def test_against_lp_oracle(seed):
    net, domain = _oracle_case(seed)
    regions = oracle_lp(net, domain)
    part = plr.partition(net, domain)
    assert pattern_set(part) == set(regions)
    assert len(part) == len(regions)
    edges, n_linear, n_bounded = oracle_graph(net, domain, regions)
    assert edge_set(part) == edges
    assert part.n_linear_regions == n_linear
    if domain is None:
        assert part.n_bounded_regions == n_bounded


@pytest.mark.parametrize("seed", range(30))
def test_against_breakpoint_oracle_1d(seed):
    rng = np.random.default_rng(20_000 + seed)
    while True:
        net, _, notes = random_case(int(rng.integers(1_000_000)))
        if net.n_in == 1 and net.n_neurons >= 1:
            break
    domain = None if seed % 2 else plr.Box([-2.0], [1.5])
    patterns, n_linear, n_bounded, n_edges = oracle_1d(net, domain)
    assert len(set(patterns)) == len(patterns), "a 1-D region must be one interval"
    part = plr.partition(net, domain)
    assert pattern_set(part) == set(patterns)
    assert len(part) == len(patterns)
    assert part.n_linear_regions == n_linear
    assert plr.region_graph(part).number_of_edges() == n_edges
    if domain is None:
        assert part.n_bounded_regions == n_bounded


def test_oracles_agree_with_each_other_1d():
    """The two oracles agree on 1-D networks (a check of the oracles themselves)."""
    rng = np.random.default_rng(7)
    checked = 0
    while checked < 5:
        net, _, _ = random_case(int(rng.integers(1_000_000)))
        if net.n_in != 1 or not 1 <= net.n_neurons <= 8:
            continue
        for domain in (None, plr.Box([-1.0], [2.0])):
            patterns, n_linear, n_bounded, n_edges = oracle_1d(net, domain)
            regions = oracle_lp(net, domain)
            assert set(patterns) == set(regions)
            edges, *counts = oracle_graph(net, domain, regions)
            assert (len(edges), *counts) == (n_edges, n_linear, n_bounded)
        checked += 1


def test_oracle_knows_the_textbook_cases():
    """The oracles get hand-derived answers right."""
    # Three lines in general position: 7 regions; through one point: 6.
    general = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                              [[0.0, 0.0, -1.0], [0.0]])
    central = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                              [[0.0, 0.0, 0.0], [0.0]])
    assert len(oracle_lp(general, None)) == 7
    assert len(oracle_lp(central, None)) == 6
    # relu(x) - relu(-x) = x: 2 activation regions, 1 linear region; |x|: 2 and 2.
    cancel = plr.from_arrays([[[1.0], [-1.0]], [[1.0, -1.0]]], [[0.0, 0.0], [0.0]])
    absolute = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    assert oracle_1d(cancel, None)[:3] == ([(False, True), (True, False)], 1, 0)
    assert oracle_1d(absolute, None)[:3] == ([(False, True), (True, False)], 2, 0)


# ----------------------------------------------------------------------------------------
# Resolution: small regions must not depend on where other hyperplanes lie
# ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["auto", "brute"])
def test_a_far_hyperplane_does_not_blur_near_ones_1d(method):
    # Breakpoints at 0, 1e-3 and -1e6 (the last from a neuron with weight 1e-6, bias 1):
    # four intervals. Without the far neuron, plregions finds the three intervals of 0, 1e-3.
    net = plr.from_arrays([[[1.0], [1.0], [1e-6]], [[1.0, 1.0, 1.0]]],
                          [[0.0, -1e-3, 1.0], [0.0]])
    assert len(plr.partition(net, method=method)) == 4


def test_a_far_hyperplane_does_not_blur_near_ones_2d():
    # Lines x = 0, x = 1e-4, y = 0 and the far line y = -1e6: 3 x 3 = 9 regions.
    net = plr.from_arrays([[[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1e-6]],
                           [[1.0, 1.0, 1.0, 1.0]]], [[0.0, -1e-4, 0.0, 1.0], [0.0]])
    assert len(plr.partition(net)) == 9




@pytest.mark.parametrize("box, expected, method", [
    pytest.param(plr.Box([0.0, 0.0], [1e-10, 1e-10]), 1, "auto", id="tiny_corner-auto"),
    pytest.param(plr.Box([0.0, 0.0], [1e-10, 1e-10]), 1, "brute", id="tiny_corner-brute"),
    pytest.param(plr.Box([-1e-10, -1e-10], [1e-10, 1e-10]), 2, "auto", id="tiny_centred-auto"),
    pytest.param(plr.Box([-1e-10, -1e-10], [1e-10, 1e-10]), 2, "brute",
                 id="tiny_centred-brute"),
    pytest.param(plr.Box([1e6, 0.0], [1e6 + 1e-4, 1.0]), 1, "auto", id="thin_far-auto"),
    pytest.param(plr.Box([1e6, 0.0], [1e6 + 1e-4, 1.0]), 1, "brute", id="thin_far-brute"),
])
def test_small_boxes_keep_their_regions(box, expected, method):
    # relu(x0): the line x0 = 0 crosses only the centred box.
    net = plr.from_arrays([[[1.0, 0.0]], [[1.0]]], [[0.0], [0.0]])
    assert len(plr.partition(net, box, method=method)) == expected
    assert plr.count_regions(net, box, method=method) == expected


@pytest.mark.xfail(strict=True, reason="BUG: in all of R^d the tolerance is absolute (scale 1 "
                   "whatever the weights), so zooming the input (first-layer weights times "
                   "1e9) loses regions that a Box around them keeps")
def test_zoomed_hat_in_all_of_r_d():
    # relu(x/s) - 2 relu(x/s - 1) + relu(x/s - 2): breakpoints 0, s, 2s; a hat on [0, 2s].
    s = 1e-9
    net = plr.from_arrays([[[1 / s], [1 / s], [1 / s]], [[1.0, -2.0, 1.0]]],
                          [[0.0, -1.0, -2.0], [0.0]])
    assert len(plr.partition(net, plr.Box([-5 * s], [5 * s]))) == 4  # holds today
    part = plr.partition(net)
    assert (len(part), part.n_bounded_regions, part.n_linear_regions) == (4, 2, 4)


@pytest.mark.parametrize("weights, biases, activations, expected", [
    ([[[1.0]], [[1.0]], [[1.0]]], [[0.0], [0.0], [0.0]], ["identity", "relu"], 2),
    ([[[0.0]], [[1.0]], [[1.0]]], [[1.0], [0.0], [0.0]], None, 1),
], ids=["identity_then_relu", "constant_then_relu"])
def test_1d_layer_without_breakpoints(weights, biases, activations, expected):
    net = plr.from_arrays(weights, biases, activations)
    assert len(plr.partition(net)) == expected
    assert plr.count_regions(net) == expected


@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("bounded", [False, True], ids=["R^d", "box"])
def test_result_shapes(d, bounded):
    rng = np.random.default_rng(d)
    net = plr.from_arrays([rng.normal(size=(4, d)), rng.normal(size=(2, 4))],
                          [rng.normal(size=4), np.zeros(2)])
    domain = plr.Box([-2.0] * d, [2.0] * d) if bounded else None
    part = plr.partition(net, domain)
    n = len(part)
    assert n >= 2
    assert part.interior_points.shape == (n, d)
    assert part.radii.shape == (n,)
    assert part.patterns.shape == (n, 1) and part.patterns.dtype == np.uint8
    assert part.activation_patterns.shape == (n, 4)
    assert part[0].interior_point.shape == (d,)
    A, b = part[0].halfspaces
    assert A.ndim == 2 and A.shape[1] == d and b.shape == (A.shape[0],)
    A_map, c_map = part[0].local_map
    assert A_map.shape == (2, d) and c_map.shape == (2,)
    assert part.edges.ndim == 2 and part.edges.shape[1] == 2
    assert np.array_equal(net.activation_patterns(part.interior_points), part.activation_patterns)


# ----------------------------------------------------------------------------------------
# Widely scaled weights: hyperplanes from 1e-6 to 1e6 away, regions far from the origin
# ----------------------------------------------------------------------------------------
def wide_case(seed):
    """A small network whose first-layer rows and biases are scaled by 10^U(-3, 3)."""
    rng = np.random.default_rng(seed)
    d = 2 if seed % 3 else 3
    w1, w2 = int(rng.integers(2, 5)), int(rng.integers(1, 4))
    W0 = rng.normal(size=(w1, d)) * 10 ** rng.uniform(-3, 3, size=(w1, 1))
    b0 = rng.normal(size=w1) * 10 ** rng.uniform(-3, 3, size=w1)
    W1, b1 = rng.normal(size=(w2, w1)), rng.normal(size=w2)
    return plr.from_arrays([W0, W1, np.ones((1, w2))], [b0, b1, [0.0]])


WIDE_BUGS: dict[tuple[int, str], str] = {}


def _wide_params(seeds):
    return [pytest.param(seed, method, id=f"{seed}-{method}",
                         marks=[pytest.mark.xfail(strict=True, reason=WIDE_BUGS[seed, method])]
                         if (seed, method) in WIDE_BUGS else [])
            for seed in seeds for method in ("auto", "layerwise")]


@functools.cache
def _wide_oracle(seed):
    net = wide_case(seed)
    regions = oracle_lp(net, None)
    return (net, regions, *oracle_graph(net, None, regions))


def _check_wide(seed, method):
    net, regions, edges, n_linear, n_bounded = _wide_oracle(seed)
    part = plr.partition(net, method=method)
    assert pattern_set(part) == set(regions)
    assert edge_set(part) == edges
    assert part.n_linear_regions == n_linear
    assert part.n_bounded_regions == n_bounded


@pytest.mark.parametrize("seed, method", _wide_params(range(12)))
def test_wide_scales_against_lp_oracle(seed, method):
    _check_wide(seed, method)


@pytest.mark.slow
@pytest.mark.parametrize("seed, method", _wide_params(range(12, 40)))
def test_wide_scales_against_lp_oracle_all(seed, method):
    _check_wide(seed, method)


# A 2-2-2-1 network with a region whose points all lie ~1e6 from the origin (pattern 1101).
FAR_REGION_NET = (
    [[[0.0016680700323339847, 0.0002881689929166811], [-69.13151703034353, 5.467463705450937]],
     [[-0.016111082805851815, 2.4387058312696266], [1.0948981886035902, 0.8904387141346845]],
     [[1.0, 1.0]]],
    [[-0.007660518505956317, -15.93376168076644], [0.5024721669981611, -0.233435260229981],
     [0.0]])


@pytest.mark.parametrize("backend", ["daqp", "highs", "cvxpy"])
@pytest.mark.parametrize("method", ["layerwise", "brute"])
def test_far_region_is_found_with_every_backend(backend, method):
    net = plr.from_arrays(*FAR_REGION_NET)
    far = np.array([[3958255.8162055407, 50048858.006465256]])
    assert net.activation_patterns(far).astype(int).tolist() == [[1, 1, 0, 1]]
    part = plr.partition(net, method=method, backend=backend)
    assert len(part) == 9
    assert part.index_of([True, True, False, True]) >= 0


def test_far_region_is_found_by_the_plane_engine():
    assert len(plr.partition(plr.from_arrays(*FAR_REGION_NET), method="plane")) == 9


# A 2-3-1-1 network with a long thin bounded triangle, x in [-2217, -36], y in [159, 9702].
THIN_TRIANGLE_NET = (
    [[[-66.43971642880655, -15.184345296073634], [0.16298143417633823, -0.09761430463850711],
      [6.838820889962872e-06, 0.0017660982944844197]],
     [[1.3340758540824735, -0.7983688704063043, 0.13768619764306997]], [[1.0]]],
    [[1.1493064431455444, 21.47917665417845, 0.0024904538871902498], [-2.357491762863048],
     [0.0]])


@pytest.mark.parametrize("backend", ["daqp", "highs", "cvxpy"])
def test_long_thin_region_is_bounded(backend):
    net = plr.from_arrays(*THIN_TRIANGLE_NET)
    part = plr.partition(net, method="layerwise", backend=backend)
    assert len(part) == 12
    region = part[part.index_of([True, False, True, False])]
    assert region.is_bounded
    assert part.n_bounded_regions == 4


@pytest.mark.parametrize("offset", [
    pytest.param(1e5, id="1e5"),
    pytest.param(1e7, id="1e7")])
def test_plane_engine_edges_of_a_far_triangle(offset):
    # Lines x = D, y = D, x + y = 2D + 1: three lines in general position, 9 facets.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
                          [[-offset, -offset, -2 * offset - 1], [0.0]])
    for method in ("plane", "layerwise"):
        part = plr.partition(net, method=method)
        assert (len(part), part.n_bounded_regions) == (7, 1)
        assert plr.region_graph(part).number_of_edges() == 9, method


def test_plane_engine_no_edge_at_a_vertex():
    # Regions 110 and 011 meet only at the point (-165.2778, 183.5004).
    net = plr.from_arrays(
        [[[504.34116771654317, 454.25878009699545],
          [-0.001350066148642712, -0.0007883068226385111]],
         [[-0.09643216015562055, 0.6803784532741461]], [[1.0]]],
        [[-0.3019875494549759, 0.12223985839217535], [-0.13656633397682774], [0.0]])
    for method in ("layerwise", "plane"):
        part = plr.partition(net, method=method)
        assert len(part) == 6
        i, j = part.index_of([True, True, False]), part.index_of([False, True, True])
        assert not plr.region_graph(part).has_edge(i, j), method
        assert part.edges.shape[0] == 7, method


# ----------------------------------------------------------------------------------------
# Slices (planes and segments) against brute force on a hand-restricted network
# ----------------------------------------------------------------------------------------
def _restricted(net, M, c):
    """p -> net(M p + c), built here by hand (not with plregions' restriction)."""
    hidden = net.hidden
    W0, b0 = hidden[0].weight, hidden[0].bias
    weights = [W0 @ M] + [layer.weight for layer in hidden[1:]] + [net.output.weight]
    biases = [W0 @ c + b0] + [layer.bias for layer in hidden[1:]] + [net.output.bias]
    activations = [("prelu", layer.negative_slope) for layer in hidden]
    return plr.from_arrays(weights, biases, activations)


def _slice_case(seed):
    rng = np.random.default_rng(30_000 + seed)
    while True:
        net, _, _ = random_case(int(rng.integers(1_000_000)))
        if net.n_in >= 2 and net.hidden and net.n_neurons >= 2:
            break
    d = net.n_in
    if seed % 2:  # axis-aligned through an integer point: often along hyperplanes
        i, j = rng.choice(d, size=2, replace=False)
        u, v = np.eye(d)[i], np.eye(d)[j]
        origin = rng.integers(-1, 2, size=d).astype(float)
    else:
        u, v, origin = rng.normal(size=d), rng.normal(size=d), rng.normal(size=d) * 0.5
    bounds = None if seed % 3 == 0 else ((-1.5, 1.0), (-1.0, 2.0))
    return net, plr.Plane(origin, u, v, bounds), plr.Segment(origin - u - 0.5 * v, origin + u)


@pytest.mark.parametrize("seed", range(12))
def test_slices_match_brute_force(seed):
    net, plane, segment = _slice_case(seed)
    M, c = np.stack([plane.u, plane.v], axis=1), plane.origin
    box = None if plane.bounds is None else plr.Box(plane.bounds[:, 0], plane.bounds[:, 1])
    expected = pattern_set(plr.partition(_restricted(net, M, c), box, method="brute"))
    part = plr.partition(net, plane)
    assert pattern_set(part) == expected
    assert len(part) == len(expected)
    assert plr.count_regions(net, plane) == len(expected)
    direction = (segment.end - segment.start)[:, None]
    expected = pattern_set(plr.partition(_restricted(net, direction, segment.start),
                                         plr.Box([0.0], [1.0]), method="brute"))
    part = plr.partition(net, segment)
    assert pattern_set(part) == expected
    assert plr.count_regions(net, segment) == len(expected)


@pytest.mark.parametrize("seed", range(8))
def test_unbounded_polytopes_against_lp_oracle(seed):
    """Domains with fewer than d + 1 halfspaces are unbounded; bounded regions are counted."""
    rng = np.random.default_rng(40_000 + seed)
    while True:
        net, _, _ = random_case(int(rng.integers(1_000_000)))
        if 2 <= net.n_in <= 3 and 2 <= net.n_neurons <= 8:
            break
    d = net.n_in
    k = int(rng.integers(1, d + 1))
    domain = plr.Polytope(rng.normal(size=(k, d)), rng.uniform(0.2, 1.0, size=k))
    regions = oracle_lp(net, domain)
    edges, n_linear, n_bounded = oracle_graph(net, domain, regions)
    part = plr.partition(net, domain)
    assert pattern_set(part) == set(regions)
    assert edge_set(part) == edges
    assert (part.n_linear_regions, part.n_bounded_regions) == (n_linear, n_bounded)


# Found by a fuzz of deep 2-D networks (minimised): on the region around (0.42, -0.83)
# both units of layer 3 are inactive, so the last neuron (-h_a + h_b) is identically zero
# there and must be inactive (the 2-D engine reported it active before 01ba829).
ZERO_DEEP_NET = (
    [[[0.0, 1.0], [1.0, 0.0], [0.0, 2.0]], [[2.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]],
     [[0.0, 2.0, 2.0], [2.0, 0.0, 0.0]], [[-1.0, 1.0]], [[1.0]]],
    [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [-1.0, -1.0], [0.0], [0.0]],
    [("leaky_relu", 0.1), "relu", "relu", "relu"])


@pytest.mark.parametrize("method", ["plane", "layerwise", "brute"])
def test_identically_zero_deep_neuron_in_2d(method):
    net = plr.from_arrays(*ZERO_DEEP_NET)
    domain = plr.Box([-2.0, -2.0], [2.0, 2.0])
    part = plr.partition(net, domain, method=method)
    assert len(part) == 14
    x = np.array([[5 / 12, -5 / 6]])
    assert net.activation_patterns(x).astype(int).tolist() == [[0, 1, 0, 1, 1, 1, 0, 0, 0]]
    assert part.index_of(net.activation_patterns(x)[0]) >= 0
    check_interior_points(net, domain, part)


def deep_case(seed):
    """A deep narrow network (4 to 6 hidden layers, at most 20 neurons) and a domain."""
    rng = np.random.default_rng(50_000 + seed)
    d, depth = int(rng.integers(1, 4)), int(rng.integers(4, 7))
    widths = [int(rng.integers(2, 5)) for _ in range(depth)]
    while sum(widths) > 20:
        widths[int(rng.integers(depth))] -= 1
    sizes = [d, *widths, 1]
    integer = rng.random() < 0.5
    weights = [rng.choice([-1.0, 0.0, 1.0, 2.0], size=(o, i)) if integer
               else rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [rng.choice([-1.0, 0.0, 1.0], size=o) if integer else rng.normal(size=o) * 0.5
              for o in sizes[1:]]
    activations = [("leaky_relu", float(rng.choice([0.1, 2.0, -0.5]))) if rng.random() < 0.3
                   else "relu" for _ in widths]
    domain = None if rng.random() < 0.5 else plr.Box([-2.0] * d, [2.0] * d)
    return plr.from_arrays(weights, biases, activations), domain


DEEP_BUGS = {}


def _check_deep(seed):
    net, domain = deep_case(seed)
    brute = plr.partition(net, domain, method="brute")
    check_interior_points(net, domain, brute)
    expected = (pattern_set(brute), *_graph_summary(brute, domain))
    for method in ("auto", "layerwise"):
        part = plr.partition(net, domain, method=method)
        check_interior_points(net, domain, part)
        assert (pattern_set(part), *_graph_summary(part, domain)) == expected, method


@pytest.mark.parametrize("seed", [pytest.param(s, marks=[pytest.mark.xfail(
    strict=True, reason=DEEP_BUGS[s])] if s in DEEP_BUGS else []) for s in range(10)])
def test_deep_networks_match_brute_force(seed):
    _check_deep(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [pytest.param(s, marks=[pytest.mark.xfail(
    strict=True, reason=DEEP_BUGS[s])] if s in DEEP_BUGS else []) for s in range(10, 120)])
def test_deep_networks_match_brute_force_all(seed):
    _check_deep(seed)


# Found by a fuzz of deep 2-D networks: neurons 11 and 12 (last hidden layer) are
# identically zero on two regions (the 2-D engine marked them active and reported 20
# regions in R^2 where there are 18 before 01ba829).
ZERO_DEEP_NET_2 = (
    [[[1.0, 2.0], [1.0, 0.0], [0.0, 2.0]], [[-1.0, 0.0, 0.0], [-1.0, 2.0, 1.0]],
     [[1.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]],
     [[0.0, 1.0, -1.0, 2.0], [2.0, 0.0, 1.0, -1.0], [0.0, 2.0, 0.0, 1.0], [1.0, 2.0, 1.0, 1.0],
      [2.0, 2.0, 0.0, 0.0]], [[-1.0, -1.0, 2.0, -1.0, 0.0]]],
    [[1.0, 0.0, -1.0], [0.0, 1.0], [-1.0, 0.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0, 0.0], [0.0]],
    [("prelu", [0.5, 2.0, 1.0]), ("leaky_relu", 0.1), "relu", ("leaky_relu", 0.1)])


@pytest.mark.parametrize("method", ["plane", "layerwise", "brute"])
def test_identically_zero_deep_neurons_change_the_count(method):
    net = plr.from_arrays(*ZERO_DEEP_NET_2)
    part = plr.partition(net, method=method)
    assert len(part) == 18
    check_interior_points(net, None, part)
