"""Partition statistics and the analyze() report."""

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

import plregions as plr

CASES = {c["name"]: c for c in json.loads(
    (Path(__file__).parent / "data" / "ground_truth.json").read_text())["cases"]}

THREE_LINES = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 0.0]]],
                              [[0.0, 0.0, -1.0], [0.0]])


def case_network(name):
    layers = CASES[name]["layers"]
    return plr.from_arrays([la["weight"] for la in layers], [la["bias"] for la in layers])


def test_dead_and_always_active_constant_neurons():
    # neuron 3 has W = 0, b = -1 (never fires); neuron 4 has W = 0, b = 2 (always fires)
    part = plr.partition(case_network("dead_constant_neurons_d2"))
    assert plr.dead_neurons(part).tolist() == [3]
    assert plr.always_active_neurons(part).tolist() == [4]


def test_dead_and_always_active_depend_on_the_domain():
    whole = plr.partition(THREE_LINES)
    assert plr.dead_neurons(whole).size == 0 and plr.always_active_neurons(whole).size == 0
    corner = plr.partition(THREE_LINES, plr.Box([0.1, 0.1], [0.4, 0.4]))
    assert len(corner) == 1
    assert plr.dead_neurons(corner).tolist() == [2]
    assert plr.always_active_neurons(corner).tolist() == [0, 1]


def test_dead_neurons_agree_with_random_points():
    rng = np.random.default_rng(11)
    net = plr.from_arrays([rng.normal(size=(5, 2)), rng.normal(size=(4, 5)) - 1.0,
                           rng.normal(size=(1, 4))],
                          [rng.normal(size=5), rng.normal(size=4) - 1.0, np.zeros(1)])
    box = plr.Box([-1.0, -1.0], [1.0, 1.0])
    part = plr.partition(net, box)
    X = rng.uniform(-1.0, 1.0, size=(4000, 2))
    fired = net.activation_patterns(X)
    dead, always = plr.dead_neurons(part), plr.always_active_neurons(part)
    assert not fired[:, dead].any()          # a dead neuron fires at no sampled point
    assert fired[:, always].all()
    # the regions' own interior points show every pattern, hence the same neurons
    own = net.activation_patterns(part.interior_points)
    assert set(np.flatnonzero(~own.any(axis=0))) == set(dead.tolist())
    assert set(np.flatnonzero(own.all(axis=0))) == set(always.tolist())


def test_mean_active_fraction_hand_values():
    # regions of x = 0, y = 0, x + y = 1 with patterns 000 100 010 110 111 101 011
    assert plr.mean_active_fraction(plr.partition(THREE_LINES)) == pytest.approx(11 / 21)
    abs_net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    assert plr.mean_active_fraction(plr.partition(abs_net)) == 0.5


def test_occupied_regions():
    part = plr.partition(THREE_LINES)                     # 7 regions
    X = [[-1.0, -1.0], [-2.0, -1.0],                      # one region twice
         [0.2, 0.2],                                      # one more
         [0.0, 5.0], [0.5, 0.5]]                          # on region boundaries
    assert part.find(X)[3:].tolist() == [-1, -1]          # in no open region
    # A point on a boundary counts in the lowest-indexed region whose closure holds it:
    # (0, 5) touches the regions 011 and 111 (x > 0, y > 0, x + y > 1), (0.5, 0.5) 110, 111.
    touched = [min(part.index_of(a), part.index_of(b))
               for a, b in (([0, 1, 1], [1, 1, 1]), ([1, 1, 0], [1, 1, 1]))]
    inside = set(part.find(X)[:3].tolist())
    assert inside == {part.index_of([0, 0, 0]), part.index_of([1, 1, 0])}
    assert touched[0] not in inside                       # counted for (0, 5) alone
    assert plr.occupied_regions(part, X).tolist() == sorted(inside | set(touched))
    for index, point in zip(touched, X[3:]):
        assert part[index].contains([point])[0]


def test_occupied_regions_count_points_on_the_domain_boundary_and_warn_about_outsiders():
    boxed = plr.partition(THREE_LINES, plr.Box([-0.5, -0.5], [0.5, 0.5]))
    X = [[0.2, 0.2], [0.5, 0.5], [0.5, -0.25], [2.0, 2.0], [3.0, 3.0], [0.0, 5.0]]
    # (0.5, 0.5) is a corner of the box, (0.5, -0.25) on an edge: both in a closed region
    assert boxed.find(X)[1:3].tolist() == [-1, -1]
    with pytest.warns(UserWarning, match="3 of the 6 points lie outside the partition's "
                                         "domain and are in no region"):
        occupied = plr.occupied_regions(boxed, X)
    assert occupied.tolist() == sorted({boxed.index_of([1, 1, 0]), boxed.index_of([1, 0, 0])})


def test_occupied_regions_of_iris_in_its_bounding_box_agree_with_analyze():
    """13 flowers lie on the boundary of the box they span; they used to be dropped."""
    X, _, _ = plr.load_iris()
    net = plr.default_network()
    box = plr.Box(X.min(axis=0), X.max(axis=0))
    boxed = plr.partition(net, box)
    assert int(np.count_nonzero(boxed.find(X) < 0)) == 13
    occupied = plr.occupied_regions(boxed, X)            # no warning: all in the box
    report = plr.analyze(net, box=box, data=X)
    assert len(occupied) == report.n_occupied_regions == 48
    assert len(plr.occupied_regions(plr.partition(net), X)) == 48
    # every flower lies in the closure of the region it was counted in
    for index in occupied:
        assert boxed[int(index)].contains(X).any()


def test_occupied_regions_of_a_slice_take_its_coordinates():
    plane = plr.Plane([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], bounds=((-0.5, 0.5), (-0.5, 0.5)))
    part = plr.partition(THREE_LINES, plane)
    assert plr.occupied_regions(part, [[0.5, 0.5], [0.2, 0.2]]).tolist() == \
        [part.index_of([1, 1, 0])]


def test_statistics_reject_a_network():
    with pytest.raises(plr.PLRegionsError, match="Partition"):
        plr.dead_neurons(THREE_LINES)


# -- analyze -----------------------------------------------------------------------------
def test_analyze_matches_the_library():
    rng = np.random.default_rng(5)
    net = plr.from_arrays([rng.normal(size=(4, 2)), rng.normal(size=(3, 4)),
                           rng.normal(size=(2, 3))],
                          [rng.normal(size=4), rng.normal(size=3), rng.normal(size=2)])
    box = plr.Box([-1.5, -1.0], [1.0, 2.0])
    X = rng.normal(size=(200, 2))
    report = plr.analyze(net, box=box, data=X)
    whole, boxed = plr.partition(net), plr.partition(net, box)
    assert report.architecture == "2-4-3-2" and report.activations == ("relu", "relu")
    assert (report.n_in, report.n_neurons) == (2, 7)
    assert report.n_regions == len(whole) == plr.count_regions(net)
    assert report.n_linear_regions == whole.n_linear_regions
    assert report.n_bounded_regions == whole.n_bounded_regions
    assert (report.box_lower, report.box_upper) == ((-1.5, -1.0), (1.0, 2.0))
    assert report.n_regions_box == len(boxed)
    assert report.n_linear_regions_box == boxed.n_linear_regions
    assert report.n_points == 200 and report.n_points_on_boundary == 0
    assert report.n_occupied_regions == len(plr.occupied_regions(whole, X))
    labels = whole.linear_region_labels[plr.occupied_regions(whole, X)]
    assert report.n_occupied_linear_regions == len(set(labels.tolist()))
    assert report.neuron_domain == "box"
    assert report.dead_neurons == tuple(net.neuron_address(int(i))
                                        for i in plr.dead_neurons(boxed))
    assert report.always_active_neurons == tuple(net.neuron_address(int(i))
                                                 for i in plr.always_active_neurons(boxed))
    assert report.mean_active_fraction == plr.mean_active_fraction(boxed)
    assert report.bounds == plr.region_bounds(net)
    assert report.bounds.first_layer <= report.n_regions <= report.bounds.serra
    assert report.seconds > 0


def test_analyze_without_box_or_data():
    report = plr.analyze(THREE_LINES)
    assert (report.n_regions, report.n_linear_regions, report.n_bounded_regions) == (7, 4, 1)
    assert report.box_lower is None and report.n_regions_box is None
    assert report.n_points is None and report.n_occupied_regions is None
    assert report.neuron_domain == "R^d" and report.dead_neurons == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.n_regions = 0


def test_analyze_reports_dead_neurons_by_layer_and_unit():
    report = plr.analyze(case_network("dead_constant_neurons_d2"))
    assert report.dead_neurons == ((0, 3),) and report.always_active_neurons == ((0, 4),)


def test_analyze_rejects_bad_domain_and_data():
    with pytest.raises(plr.InvalidDomainError):
        plr.analyze(THREE_LINES, box=([0, 0], [1, 1]))
    with pytest.raises(plr.InvalidDomainError):
        plr.analyze(THREE_LINES, box=plr.Box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(plr.InvalidNetworkError):
        plr.analyze(THREE_LINES, data=np.zeros((3, 5)))
