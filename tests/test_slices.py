"""Slices as domains: Segment and Plane, their validation and partitions of them."""

from __future__ import annotations

import numpy as np
import pytest

import plregions as plr


def net_of(d, seed=0, widths=(6, 4)):
    rng = np.random.default_rng(seed)
    sizes = [d, *widths, 2]
    return plr.from_arrays([rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])],
                           [rng.normal(size=b) for b in sizes[1:]])


# --- validation --------------------------------------------------------------------------------

@pytest.mark.parametrize("build, match", [
    (lambda: plr.Plane([0, 0, 0], [1, 0, 0], [2, 0, 0]), "u and v are parallel"),
    (lambda: plr.Plane([0, 0, 0], [1, 2, 3], [-2, -4, -6]), "u and v are parallel"),
    (lambda: plr.Plane([0, 0, 0], [0, 0, 0], [0, 1, 0]), "u is the zero vector"),
    (lambda: plr.Plane([0, 0, 0], [1, 0, 0], [0, 0, 0]), "v is the zero vector"),
    (lambda: plr.Plane([0, 0], [1, 0, 0], [0, 1, 0]), "origin has 2, u has 3, v has 3"),
    (lambda: plr.Plane([0, 0], [1, 0], [0, 1], bounds=((1, 0), (0, 1))),
     "bounds for s: lo = 1.0 >= hi = 0.0"),
    (lambda: plr.Plane([0, 0], [1, 0], [0, 1], bounds=((0, 1), (2, 2))),
     "bounds for t: lo = 2.0 >= hi = 2.0"),
    (lambda: plr.Plane([0, 0], [1, 0], [0, 1], bounds=(0, 1)), "bounds has shape \\(2,\\)"),
    (lambda: plr.Plane([0, 0], [1, 0], [0, 1], bounds=((0, np.inf), (0, 1))),
     "NaN or infinite"),
    (lambda: plr.Plane([0, np.nan], [1, 0], [0, 1]), "origin: contains NaN"),
    (lambda: plr.Plane.through([0, 0, 0], [1, 1, 1], [2, 2, 2]), "collinear"),
    (lambda: plr.Plane.through([1, 2], [1, 2], [0, 1]), "coincide"),
    (lambda: plr.Plane.through([0, 0], [1, 0], [0, 1], margin=-1), "margin = -1.0"),
    (lambda: plr.Plane.through([0, 0], [1, 0, 0], [0, 1]), "p1 has 2, p2 has 3"),
    (lambda: plr.Segment([1.0, 2.0], [1.0, 2.0]), "zero length"),
    (lambda: plr.Segment([1.0, 2.0], [1.0, 2.0, 3.0]), "start has 2, end has 3"),
    (lambda: plr.Segment([], []), "is empty"),
    (lambda: plr.Plane([0], [1], [2]), "needs an input space of 2 or more dimensions"),
], ids=["parallel", "antiparallel", "zero-u", "zero-v", "sizes", "s-bounds", "t-bounds",
        "bounds-shape", "infinite-bounds", "nan", "collinear", "coincident-points",
        "negative-margin", "through-sizes", "zero-segment", "segment-sizes", "empty",
        "one-input"])
def test_degenerate_slices_are_refused(build, match):
    with pytest.raises(plr.InvalidDomainError, match=match):
        build()


def test_dimension_mismatch_with_the_network():
    net = net_of(4)
    with pytest.raises(plr.InvalidDomainError, match="plane lies in R\\^3 but the network takes 4"):
        plr.partition(net, plr.Plane([0, 0, 0], [1, 0, 0], [0, 1, 0]))
    with pytest.raises(plr.InvalidDomainError,
                       match="segment lies in R\\^2 but the network takes 4"):
        plr.count_regions(net, plr.Segment([0, 0], [1, 1]))
    with pytest.raises(plr.InvalidDomainError, match="slice of the input space"):
        plr.region_at(net, np.zeros(4), plr.Segment(np.zeros(4), np.ones(4)))


@pytest.mark.parametrize("build, match", [
    (lambda: plr.Plane(None, [1, 0], [0, 1]), "Plane origin: is missing \\(got None\\)"),
    (lambda: plr.Plane([0, 0], None, [0, 1]), "Plane u: is missing"),
    (lambda: plr.Plane([0, None], [1, 0], [0, 1]), "origin: has a missing entry \\(None\\)"),
    (lambda: plr.Plane(["a", "b"], [1, 0], [0, 1]), "origin: is not an array of real numbers"),
    (lambda: plr.Plane([0, 0], [1j, 0], [0, 1]), "u: is not an array of real numbers"),
    (lambda: plr.Segment(None, [1.0]), "Segment start: is missing"),
    (lambda: plr.Segment([0.0], [None]), "Segment end: has a missing entry"),
    (lambda: plr.Segment([-1e308], [1e308]), "end - start overflows float64"),
], ids=["plane-none", "u-none", "none-entry", "strings", "complex", "segment-none",
        "segment-none-entry", "overflow"])
def test_missing_or_non_numeric_points_are_named(build, match):
    with pytest.raises(plr.InvalidDomainError, match=match):
        build()


@pytest.mark.parametrize("size", [1e-170, 1e200])
def test_plane_directions_of_any_size(size):
    # The squared lengths under- or overflowed: "parallel (the sine of their angle is nan)".
    plane = plr.Plane([0.0] * 4, [size, 0, 0, 0], [0, size, 0, 0])
    assert np.allclose(plane.project([[size, 2 * size, 0, 0]]), [[1.0, 2.0]])
    with pytest.raises(plr.InvalidDomainError, match="parallel \\(the sine of their angle is 0"):
        plr.Plane([0.0] * 4, [size, 0, 0, 0], [3 * size, 0, 0, 0])
    with pytest.raises(plr.InvalidDomainError, match="parallel \\(the sine of their angle is 1e-1"):
        plr.Plane([0.0] * 2, [size, 0], [size, 1e-12 * size])
    assert plr.Plane([0.0] * 2, [size, 0], [size, 1e-6 * size]).ambient_dim == 2


@pytest.mark.parametrize("start, end", [
    ([1e12, 0, 0, 0], [1e12 + 100, 0, 0, 0]),
    ([0.0], [1e-10]),
    ([1e6, 1e6, 0], [1e6 + 2e-4, 1e6, 0]),
    ([0.0, 0.0], [1e-200, 0.0]),
], ids=["far", "short", "short-and-far", "tiny"])
def test_segments_whose_end_points_differ_are_accepted(start, end):
    # They were refused as "zero length" (the test was relative to the coordinates).
    seg = plr.Segment(start, end)
    step = np.array(end, dtype=float) - np.array(start, dtype=float)
    assert seg.length == np.abs(step).max()
    assert np.allclose(seg.project(seg.to_input([0.25, 1.0])), [0.25, 1.0])


def test_slices_are_read_only():
    # Changing u after validation made the plane degenerate (u = v) and still partitioned.
    plane = plr.Plane.through([0, 0, 0], [1, 0, 0], [0, 1, 0])
    seg = plr.Segment([0.0, 0.0], [1.0, 1.0])
    arrays = {"origin": plane.origin, "u": plane.u, "v": plane.v, "bounds": plane.bounds,
              "anchors": plane.anchors, "start": seg.start, "end": seg.end}
    for name, array in arrays.items():
        with pytest.raises(ValueError, match="read-only"):
            array[0] = array[-1]
        assert not array.flags.writeable, name
    # What the slices hand out for computing is the caller's to change.
    M, c = plane.affine_map()
    M[0, 0] = 5.0
    c[0] = 5.0
    assert plane.u[0] == 1.0 and plane.origin[0] == 0.0
    # Arrays given by the caller are copied, not frozen.
    u = np.array([1.0, 0.0, 0.0])
    plr.Plane([0, 0, 0], u, [0, 1, 0])
    u[0] = 2.0


def test_invalid_domain_error_is_a_value_error():
    with pytest.raises(ValueError):
        plr.Segment([0.0], [0.0])


# --- geometry of slices ---------------------------------------------------------------------------

def test_plane_through_three_points_is_orthonormal_and_holds_them():
    rng = np.random.default_rng(1)
    p1, p2, p3 = rng.normal(size=(3, 7))
    plane = plr.Plane.through(p1, p2, p3, margin=0.25)
    assert np.isclose(np.linalg.norm(plane.u), 1) and np.isclose(np.linalg.norm(plane.v), 1)
    assert abs(plane.u @ plane.v) < 1e-12
    assert np.allclose(plane.to_input(plane.anchors), [p1, p2, p3])
    assert np.allclose(plane.project([p1, p2, p3]), plane.anchors)
    lo, hi = plane.anchors.min(axis=0), plane.anchors.max(axis=0)
    pad = 0.25 * (hi - lo).max()
    assert np.allclose(plane.bounds[:, 0], lo - pad) and np.allclose(plane.bounds[:, 1], hi + pad)
    # Distances in the plane's coordinates are distances in the input space.
    assert np.isclose(np.linalg.norm(plane.anchors[1] - plane.anchors[2]),
                      np.linalg.norm(p2 - p3))


def test_image_like_points_are_flattened():
    images = np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2) ** 1.5
    plane = plr.Plane.through(*images)
    assert plane.ambient_dim == 4
    assert np.allclose(plane.to_input(plane.anchors), images.reshape(3, 4))


def test_segment_map():
    seg = plr.Segment([1.0, 1.0, 1.0], [3.0, 1.0, -1.0])
    assert seg.ambient_dim == 3 and seg.dim == 1
    assert np.isclose(seg.length, np.sqrt(8))
    assert np.allclose(seg.to_input([0.0, 0.5, 1.0]), [[1, 1, 1], [2, 1, 0], [3, 1, -1]])


# --- shapes of points: rows of the input space or of the slice's parameters --------------------

def test_project_refuses_arrays_that_are_not_rows_of_the_input_space():
    plane = plr.Plane.through([0, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0])
    # (6, 2) used to be regrouped into 3 points of R^4.
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"Plane.project: X has 2 columns but the slice lies in R\^4; give "
                             r"input points as an array of shape \(n, 4\).*slice coordinates "
                             "need no projection"):
        plane.project(np.zeros((6, 2)))
    with pytest.raises(plr.InvalidArgumentError, match=r"X has 3 columns"):
        plane.project(np.zeros((4, 3)))
    with pytest.raises(plr.InvalidArgumentError, match=r"X has shape \(8,\)"):
        plane.project(np.zeros(8))
    with pytest.raises(plr.InvalidArgumentError, match="NaN or infinite"):
        plane.project([[0, 0, np.nan, 0]])
    with pytest.raises(plr.InvalidArgumentError, match=r"Plane.distance: X has 5 columns"):
        plane.distance(np.zeros((1, 5)))
    assert isinstance(plr.InvalidArgumentError("x"), ValueError)


def test_to_input_refuses_parameters_of_the_wrong_shape():
    plane = plr.Plane([0, 0, 1], [1, 0, 0], [0, 1, 0])
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"Plane.to_input: st has shape \(2, 3\); give the parameters as "
                             r"an array of shape \(n, 2\)"):
        plane.to_input(np.zeros((2, 3)))
    with pytest.raises(plr.InvalidArgumentError, match=r"st has shape \(4,\)"):
        plane.to_input(np.zeros(4))
    assert plane.to_input([2.0, 3.0]).tolist() == [[2.0, 3.0, 1.0]]     # one point
    assert plane.to_input(np.zeros((0, 2))).shape == (0, 3)
    seg = plr.Segment([0.0, 0.0], [2.0, 4.0])
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"Segment.to_input: s has shape \(3, 2\); give the parameters "
                             r"as an array of shape \(n,\)"):
        seg.to_input(np.zeros((3, 2)))
    assert seg.to_input(0.5).tolist() == [[1.0, 2.0]]
    assert seg.to_input([[0.5], [1.0]]).tolist() == [[1.0, 2.0], [2.0, 4.0]]


def test_projections_and_distances_are_exact():
    plane = plr.Plane([0, 0, 1], [2, 0, 0], [0, 1, 0])
    X = [[1.0, 3.0, 1.0], [4.0, -1.0, 4.0], [0.0, 0.0, -1.0]]
    assert plane.project(X).tolist() == [[0.5, 3.0], [2.0, -1.0], [0.0, 0.0]]
    assert plane.distance(X).tolist() == [0.0, 3.0, 2.0]
    assert plane.project([4.0, -1.0, 4.0]).tolist() == [[2.0, -1.0]]    # one point
    seg = plr.Segment([1.0, 0.0, 0.0], [1.0, 4.0, 0.0])
    X = [[1.0, 1.0, 0.0], [5.0, -2.0, 3.0]]
    assert seg.project(X).tolist() == [0.25, -0.5]       # not clipped to [0, 1]
    assert seg.distance(X).tolist() == [0.0, 5.0]


def test_images_are_points_as_the_network_reads_them():
    # A point may be any array of n_in entries (Plane.through, Segment); batches of points
    # are (n, n_in) or (n, ...) images, as Network.check_inputs reads them.
    X, y, images = plr.load_digits()
    plane = plr.Plane.through(*images[:3])
    assert np.array_equal(plane.origin, X[0])
    assert np.allclose(plane.project(images[:3]), plane.anchors)
    assert np.allclose(plane.project(X[:3]), plane.anchors)
    assert np.allclose(plane.project(images[0][None]), plane.anchors[:1])
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"X has 8 columns but the slice lies in R\^64.*one image of shape "
                             r"\(8, 8\) is X\[None\]"):
        plane.project(images[0])
    seg = plr.Segment(images[0], images[1])
    assert np.allclose(seg.project(images[:2]), [0.0, 1.0])
    assert np.allclose(seg.distance(images[:2]), 0.0)


# --- partitions of slices ----------------------------------------------------------------------

@pytest.mark.parametrize("d", [3, 5])
def test_plane_slice_agrees_with_the_general_engine(d):
    net = net_of(d, seed=d)
    rng = np.random.default_rng(d)
    plane = plr.Plane.through(*rng.normal(size=(3, d)), margin=0.5)
    part = plr.partition(net, plane)
    assert part.method == "plane" and part.input_slice is plane
    assert part.input_network is net and part.network.n_in == 2
    reference = plr.partition(net, plane, method="layerwise")
    assert {r.tobytes() for r in part.patterns} == {r.tobytes() for r in reference.patterns}
    keys = [r.tobytes() for r in part.patterns]
    ref = [r.tobytes() for r in reference.patterns]
    assert ({frozenset((keys[i], keys[j])) for i, j in part.edges.tolist()}
            == {frozenset((ref[i], ref[j])) for i, j in reference.edges.tolist()})
    assert plr.count_regions(net, plane) == len(part)
    # Coordinates both in the slice and in the input space.
    assert part.interior_points.shape == (len(part), 2)
    assert part.input_points.shape == (len(part), d)
    assert np.allclose(part.input_points, plane.to_input(part.interior_points))
    assert np.array_equal(net.activation_patterns(part.input_points), part.activation_patterns)
    assert np.isclose(part.polygons.areas().sum(), plane.area)
    # The restricted network's outputs are the network's outputs on the plane.
    st = rng.uniform(plane.bounds[:, 0], plane.bounds[:, 1], size=(50, 2))
    assert np.allclose(part.network(st), net(plane.to_input(st)))
    assert "Plane" in repr(part)


def test_whole_plane_slice_has_unbounded_regions():
    net = net_of(3, seed=11, widths=(4,))
    plane = plr.Plane([0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 1.0])
    part = plr.partition(net, plane)
    assert part.domain is None and part.method == "plane"
    reference = plr.partition(net, plane, method="layerwise")
    assert len(part) == len(reference)
    assert part.n_bounded_regions == reference.n_bounded_regions


def test_plane_in_a_two_input_network_matches_the_box():
    net = net_of(2, seed=4)
    plane = plr.Plane([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], bounds=((-1, 1), (-2, 2)))
    by_plane = plr.partition(net, plane)
    by_box = plr.partition(net, plr.Box([-1, -2], [1, 2]))
    assert {r.tobytes() for r in by_plane.patterns} == {r.tobytes() for r in by_box.patterns}


def test_plane_parallel_to_a_neuron_makes_it_constant():
    # Neuron 0 depends only on x3; on the plane x3 = 0.5 it is the constant 0.5 - 0.5 = 0
    # (inactive, no boundary); neuron 1 (x3 - 0.2) is the constant 0.3 (active).
    net = plr.from_arrays([[[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [[1.0, 1.0, 1.0]]],
                          [[-0.5, -0.2, 0.0], [0.0]])
    plane = plr.Plane([0.0, 0.0, 0.5], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], bounds=((-1, 1), (-1, 1)))
    part = plr.partition(net, plane)
    assert len(part) == 2
    assert part.activation_patterns[:, :2].tolist() == [[False, True], [False, True]]


def test_segment_partition_reports_both_coordinates():
    net = net_of(4, seed=2)
    seg = plr.Segment(np.full(4, -2.0), np.full(4, 2.0))
    part = plr.partition(net, seg)
    assert part.method == "line" and part.interior_points.shape == (len(part), 1)
    assert np.allclose(part.input_points, seg.to_input(part.interior_points[:, 0]))
    pieces = plr.affine_pieces(net, seg)
    assert len(pieces) == len(part)


@pytest.mark.parametrize("method", ["auto", "layerwise"])
def test_a_crossing_whose_constant_cancels_is_kept_on_every_slice(method):
    # relu(x - 10 - 1e-8) crosses x from 10 to 11 at 1e-8: restricted to the slice its
    # constant cancels to 1e-9 of its terms, which must stay (zeroing it, as for a
    # neuron parallel to the slice, moved the crossing to the slice's edge: 1 region).
    net = plr.from_arrays([[[1.0, 0.0]], [[1.0]]], [[-10 - 1e-8], [0.0]])
    segment = plr.Segment([10.0, 0.0], [11.0, 0.0])
    plane = plr.Plane([10.0, 0.0], [1.0, 0.0], [0.0, 1.0], bounds=((0, 1), (0, 1)))
    for domain in (segment, plane):
        part = plr.partition(net, domain, method=method)
        assert len(part) == plr.count_regions(net, domain, method=method) == 2
        assert sorted(part.activation_patterns[:, 0].tolist()) == [False, True]
    far = plr.from_arrays([[[1.0, 0, 0, 0]], [[1.0]]], [[-1e12 - 50], [0.0]])
    along = plr.Segment([1e12, 0, 0, 0], [1e12 + 100, 0, 0, 0])
    part = plr.partition(far, along, method=method)
    assert len(part) == 2
    assert np.allclose(sorted(part.input_points[:, 0] - 1e12), [25, 75], atol=1e-3)
