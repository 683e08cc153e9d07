"""Exact arrangement counts (Zaslavsky) and the upper bounds of Montúfar and Serra et al."""

import itertools
import json
from math import comb, prod
from pathlib import Path

import numpy as np
import pytest

import plregions as plr

CASES = json.loads((Path(__file__).parent / "data" / "ground_truth.json").read_text())["cases"]
ARRANGEMENTS = [c for c in CASES if c["family"].startswith("arrangement") and c["domain"] is None]


# -- general position --------------------------------------------------------------------
@pytest.mark.parametrize(("n", "d", "expected"), [
    (0, 3, 1), (1, 1, 2), (4, 1, 5), (3, 2, 7), (5, 2, 16), (5, 3, 26), (6, 4, 57),
    (7, 3, 64), (3, 5, 8), (8, 4, 163),
])
def test_general_position_bound_hand_values(n, d, expected):
    assert plr.general_position_bound(n, d) == expected


def test_general_position_bound_recursion():
    # adding one hyperplane adds as many regions as it is cut into: r(n, d) = r(n-1, d) +
    # r(n-1, d-1)
    for n in range(1, 12):
        for d in range(1, 7):
            assert plr.general_position_bound(n, d) == (plr.general_position_bound(n - 1, d)
                                                        + plr.general_position_bound(n - 1, d - 1))


# -- Zaslavsky ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", ARRANGEMENTS, ids=[c["name"] for c in ARRANGEMENTS])
def test_zaslavsky_matches_published_arrangements(case):
    layer = case["layers"][0]
    expected = case["expected"]
    assert plr.zaslavsky_count(layer["weight"], layer["bias"]) == expected["activation_regions"]
    assert plr.zaslavsky_bounded_count(layer["weight"], layer["bias"]) == \
        expected["bounded_regions"]


def test_characteristic_polynomial_of_braid_arrangement():
    # x_i = x_j in R^4: chi(t) = t (t - 1) (t - 2) (t - 3) = t^4 - 6 t^3 + 11 t^2 - 6 t
    W = [np.eye(4)[i] - np.eye(4)[j] for i, j in itertools.combinations(range(4), 2)]
    assert plr.characteristic_polynomial(W, np.zeros(6)) == (0, -6, 11, -6, 1)
    assert plr.zaslavsky_count(W, np.zeros(6)) == 24


@pytest.mark.parametrize(("W", "b", "regions", "bounded"), [
    ([[1.0, 0.0]], [0.0], 2, 0),                                         # one line
    ([[1.0, 0.0], [-2.0, 0.0], [3.0, 0.0]], [1.0, -2.0, 3.0], 2, 0),     # coincident, +-
    ([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]], [0.0, -1.0, -2.0], 4, 0),     # parallel
    ([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, -1.0]], [0.0] * 4, 8, 0),  # central pencil
    ([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [0.0, 0.0, -1.0], 7, 1),       # generic
    ([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], [0.0, 0.0, 5.0], 4, 0),        # zero row: none
    ([[0.0, 0.0]], [1.0], 1, 0),                                           # no hyperplane
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]],
     [0.0, 0.0, 0.0, -1.0], 15, 1),                                        # simplex cut
])
def test_zaslavsky_degenerate_arrangements(W, b, regions, bounded):
    assert plr.zaslavsky_count(W, b) == regions
    assert plr.zaslavsky_bounded_count(W, b) == bounded


def test_zaslavsky_ignores_row_order_and_scaling():
    rng = np.random.default_rng(3)
    W = rng.normal(size=(6, 3))
    b = rng.normal(size=6)
    W[5], b[5] = W[0], b[0] + 1.0              # a hyperplane parallel to the first
    reference = plr.characteristic_polynomial(W, b)
    order = rng.permutation(6)
    factors = rng.uniform(0.1, 10.0, size=6) * rng.choice([-1.0, 1.0], size=6)
    assert plr.characteristic_polynomial(W[order] * factors[order, None],
                                         b[order] * factors[order]) == reference


@pytest.mark.parametrize(("d", "m", "seed"), [(1, 4, 0), (2, 5, 1), (2, 7, 2), (3, 6, 3)])
def test_zaslavsky_equals_exact_count_of_one_layer_network(d, m, seed):
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(m, d)), rng.normal(size=m)
    net = plr.from_arrays([W, rng.normal(size=(1, m))], [b, np.zeros(1)])
    part = plr.partition(net)
    assert plr.zaslavsky_count(W, b) == len(part) == plr.general_position_bound(m, d)
    assert plr.zaslavsky_bounded_count(W, b) == part.n_bounded_regions == comb(m - 1, d)


def test_zaslavsky_equals_exact_count_with_central_and_parallel_hyperplanes():
    # x = 0, y = 0, x + y = 0 through the origin (mu = 2); x = 1 and x + y = 3/2 parallel
    # to two of them; 5 double points: chi(t) = t^2 - 5 t + 7, r = 13, b = chi(1) = 3
    W = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [2.0, 2.0]]
    b = [0.0, 0.0, 0.0, -1.0, -3.0]
    net = plr.from_arrays([W, [[1.0] * 5]], [b, [0.0]])
    part = plr.partition(net)
    assert plr.zaslavsky_count(W, b) == len(part) == 13
    assert plr.characteristic_polynomial(W, b) == (7, -5, 1)
    assert plr.zaslavsky_bounded_count(W, b) == part.n_bounded_regions == 3


@pytest.mark.parametrize(("W", "b"), [
    ([1.0, 2.0], [0.0]),                 # 1-D weights
    ([[1.0, 2.0]], [0.0, 1.0]),          # one bias too many
    ([[np.nan, 2.0]], [0.0]),
])
def test_zaslavsky_rejects_bad_input(W, b):
    with pytest.raises(plr.InvalidNetworkError):
        plr.zaslavsky_count(W, b)


# -- deep bounds -------------------------------------------------------------------------
def serra_by_enumeration(widths, n_in):
    """Theorem 1 of Serra et al. (2018) summed term by term over J."""
    total = 0
    for js in itertools.product(*(range(n + 1) for n in widths)):
        cap, ok = n_in, True
        for n, j in zip(widths, js):
            if j > min(cap, n):
                ok = False
                break
            cap = min(cap, n - j)
        if ok:
            total += prod(comb(n, j) for n, j in zip(widths, js))
    return total


def test_montufar_hand_values():
    assert plr.montufar_bound([2, 2], 2) == 4 * 4
    assert plr.montufar_bound([8, 8], 4) == 163 * 163
    assert plr.montufar_bound([3, 1, 3], 2) == 7 * 2 * 4     # d_3 = min(2, 3, 1) = 1
    assert plr.montufar_bound([5], 3) == plr.general_position_bound(5, 3) == 26
    assert plr.montufar_bound([], 3) == 1


def test_serra_hand_values():
    # n0 = 2, widths (2, 2): j1 = 0 -> 1 * 4, j1 = 1 -> 2 * 3, j1 = 2 -> 1 * 1
    assert plr.serra_bound([2, 2], 2) == 11
    assert plr.serra_bound([3, 3], 1) == 16                   # n0 = 1: prod (n_l + 1)
    assert plr.serra_bound([2, 3, 4], 1) == 3 * 4 * 5
    assert plr.serra_bound([6], 3) == plr.general_position_bound(6, 3)
    assert plr.serra_bound([], 3) == 1


@pytest.mark.parametrize("widths", [(1,), (3, 2), (2, 2, 2), (4, 3, 5), (5, 1, 4), (3, 6, 2, 4)])
@pytest.mark.parametrize("n_in", [1, 2, 3, 4])
def test_serra_equals_term_by_term_sum(widths, n_in):
    assert plr.serra_bound(widths, n_in) == serra_by_enumeration(widths, n_in)


def test_bounds_ordering():
    rng = np.random.default_rng(7)
    for _ in range(200):
        n_in = int(rng.integers(1, 7))
        widths = [int(w) for w in rng.integers(1, 13, size=rng.integers(1, 5))]
        serra = plr.serra_bound(widths, n_in)
        montufar = plr.montufar_bound(widths, n_in)
        per_layer = prod(plr.general_position_bound(n, n_in) for n in widths)
        assert serra <= montufar <= per_layer <= 2 ** sum(widths)


def test_bounds_are_exact_python_ints():
    big = plr.serra_bound([64] * 6, 32)
    assert type(big) is int and big > 2 ** 64
    assert type(plr.montufar_bound([64] * 6, 32)) is int


@pytest.mark.parametrize(("widths", "n_in"), [([2, 0], 2), ([2.5], 2), ([2], 0), ("22", 2),
                                              ([True], 2)])
def test_bounds_reject_bad_widths(widths, n_in):
    with pytest.raises(plr.InvalidNetworkError):
        plr.montufar_bound(widths, n_in)
    with pytest.raises(plr.InvalidNetworkError):
        plr.serra_bound(widths, n_in)


# -- exact counts never exceed the bounds ------------------------------------------------
def random_network(rng, dims):
    weights = [rng.normal(size=(dims[i + 1], dims[i])) for i in range(len(dims) - 1)]
    biases = [rng.normal(size=dims[i + 1]) for i in range(len(dims) - 1)]
    return plr.from_arrays(weights, biases)


@pytest.mark.parametrize(("dims", "seed"), [
    ((1, 3, 3, 1), 0), ((2, 3, 3, 1), 1), ((2, 4, 3, 2), 2), ((2, 5, 5, 1), 3),
    ((3, 4, 4, 1), 4), ((2, 2, 2, 2, 1), 5), ((3, 3, 2, 3, 1), 6), ((4, 5, 3, 2), 7),
])
def test_exact_counts_within_bounds(dims, seed):
    net = random_network(np.random.default_rng(seed), dims)
    part = plr.partition(net)
    b = plr.region_bounds(net)
    assert b.widths == dims[1:-1] and b.n_in == dims[0]
    assert b.first_layer <= len(part) <= b.serra <= b.montufar <= b.patterns
    assert part.n_linear_regions <= len(part)
    assert plr.count_regions(net) == len(part)


def test_serra_bound_attained_in_one_dimension():
    case = next(c for c in CASES if c["name"] == "serra_1d_w3_L2_R")
    net = plr.from_arrays([layer["weight"] for layer in case["layers"]],
                          [layer["bias"] for layer in case["layers"]])
    assert plr.count_regions(net) == plr.serra_bound(net.widths, 1) == 16


def test_region_bounds_by_activation():
    W, b = [[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, -1.0]], [[1.0, 1.0]]], \
        [[0.0, 0.0], [-1.0, 0.0], [0.0]]
    leaky = plr.region_bounds(plr.from_arrays(W, b, [("leaky_relu", 0.1), "relu"]))
    assert leaky.serra is None and leaky.montufar == 16       # Serra's proof needs ReLU
    mixed = plr.region_bounds(plr.from_arrays(W, b, [("prelu", [0.0, 1.0]), "relu"]))
    assert mixed.widths == (1, 2) and mixed.montufar is None and mixed.serra is None
    assert mixed.patterns == 2 ** 3 and mixed.first_layer == 2
