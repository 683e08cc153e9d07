"""Plots check the drawn data (patches, vertex coordinates), never pixels (Agg backend)."""

from __future__ import annotations

import argparse
import json
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import plregions as plr  # noqa: E402
from plregions.plotting.cli_commands import add_plot_parser, add_slice_parser  # noqa: E402


def axes(projection=None):
    return Figure().add_subplot(projection=projection)


def by_gid(ax, gid):
    found = [c for c in ax.collections if c.get_gid() == gid]
    assert len(found) == 1, [c.get_gid() for c in ax.collections]
    return found[0]


@pytest.fixture(scope="module")
def net2():
    rng = np.random.default_rng(0)
    return plr.from_arrays([rng.normal(size=(6, 2)), rng.normal(size=(4, 6)),
                            rng.normal(size=(3, 4))],
                           [rng.normal(size=6) * 0.5, rng.normal(size=4) * 0.5, np.zeros(3)])


@pytest.fixture(scope="module")
def box_part(net2):
    return plr.partition(net2, plr.Box([-2, -1], [2, 1]))


def test_regions_are_drawn_from_the_ordered_polygons(box_part):
    ax = plr.plot_partition(box_part, ax=axes())
    faces = by_gid(ax, "regions")
    paths = faces.get_paths()
    assert len(paths) == len(box_part)
    for i, path in enumerate(paths):
        drawn = path.vertices[:len(box_part.polygons[i])]
        assert np.allclose(drawn, box_part.polygons[i])
        # Never outside the box.
        assert np.all(path.vertices >= [-2 - 1e-12, -1 - 1e-12])
        assert np.all(path.vertices <= [2 + 1e-12, 1 + 1e-12])
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 1.0)
    # Neighbouring region indices get different colours.
    colors = faces.get_facecolors()
    assert len({tuple(c) for c in colors}) > 1


def test_color_by_linear_region_shares_colours_within_a_linear_region():
    # relu(x) - relu(-x) = x: two activation regions, one linear region.
    net = plr.from_arrays([[[1.0, 0.0], [-1.0, 0.0]], [[1.0, -1.0]]], [[0.0, 0.0], [0.0]])
    part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    ax = plr.plot_partition(part, color_by="linear_region", ax=axes())
    colors = by_gid(ax, "regions").get_facecolors()
    assert len(colors) == 2 and np.allclose(colors[0], colors[1])


def test_color_by_output_is_exact_on_every_vertex(net2, box_part):
    ax = plr.plot_partition(box_part, color_by="output", output=1, ax=axes())
    mesh = by_gid(ax, "regions")
    # Gouraud shading of each polygon, with the network's output at every vertex.
    vertices = np.concatenate([box_part.polygons[i] for i in range(len(box_part))])
    assert np.allclose(mesh.get_array(), net2(vertices)[:, 1], atol=1e-9)
    n_triangles = sum(len(box_part.polygons[i]) - 2 for i in range(len(box_part)))
    triangles = mesh.get_paths()
    assert len(triangles) == n_triangles
    drawn = np.unique(np.round(np.concatenate([t.vertices for t in triangles]), 12), axis=0)
    assert np.array_equal(drawn, np.unique(np.round(vertices, 12), axis=0))
    assert by_gid(ax, "boundaries").get_paths()


def test_color_by_class_cuts_regions_where_the_argmax_changes(net2, box_part):
    ax = plr.plot_partition(box_part, color_by="class", decision_boundary=True, ax=axes())
    cells = by_gid(ax, "regions")
    classes = cells.get_array().astype(int)
    assert len(cells.get_paths()) == len(classes) >= len(box_part)
    # The class of every cell is the argmax at its centroid, and the cells tile the box.
    area = 0.0
    for path, k in zip(cells.get_paths(), classes):
        poly = path.vertices[:-1] if np.allclose(path.vertices[0], path.vertices[-1]) \
            else path.vertices
        x, y = poly[:, 0], poly[:, 1]
        area += (x * np.roll(y, -1) - np.roll(x, -1) * y).sum() / 2
        centroid = poly.mean(axis=0)
        assert np.argmax(net2(centroid[None, :])[0]) == k
    assert np.isclose(area, 8.0)
    # Decision-boundary segments lie where two outputs tie for the maximum.
    boundary = by_gid(ax, "decision boundary")
    segments = boundary.get_segments()
    assert segments
    for seg in segments:
        mid = np.mean(seg, axis=0)
        y = np.sort(net2(mid[None, :])[0])
        assert np.isclose(y[-1], y[-2], atol=1e-9)


def test_binary_decision_boundary_is_the_zero_level_set():
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [-0.5]])
    part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    ax = plr.plot_partition(part, color_by="class", decision_boundary=True, ax=axes())
    segments = by_gid(ax, "decision boundary").get_segments()
    for seg in segments:
        assert np.allclose(net(np.asarray(seg)), 0.0, atol=1e-12)
    # relu(x) + relu(y) = 0.5: three segments (one per quadrant it crosses).
    assert len(segments) == 3


def test_points_and_plane_slices(net2):
    rng = np.random.default_rng(1)
    net = plr.from_arrays([rng.normal(size=(5, 4)), rng.normal(size=(2, 5))],
                          [rng.normal(size=5), np.zeros(2)])
    X = rng.normal(size=(3, 4))
    plane = plr.Plane.through(*X, margin=0.3)
    part = plr.partition(net, plane)
    ax = plr.plot_partition(part, points=plane.project(X), labels=[0, 1, 1], ax=axes())
    assert np.allclose(by_gid(ax, "points").get_offsets(), plane.anchors)
    assert ax.get_xlabel() == "s" and ax.get_ylabel() == "t"
    assert len(by_gid(ax, "regions").get_paths()) == len(part)
    # Points of class k take the colour of the cells of class k.
    ax = plr.plot_partition(part, color_by="class", points=plane.project(X), labels=[1, 1, 0],
                            ax=axes())
    cells = by_gid(ax, "regions")
    dots = by_gid(ax, "points")
    colour_of = {int(k): tuple(cells.to_rgba(k)) for k in (0, 1)}
    assert [tuple(c) for c in dots.to_rgba(dots.get_array())] == [colour_of[1], colour_of[1],
                                                                   colour_of[0]]


def test_unbounded_regions_are_cut_at_the_window(net2):
    part = plr.partition(net2)
    window = ((-3, 3), (-2, 2))
    ax = plr.plot_partition(part, window=window, ax=axes())
    paths = by_gid(ax, "regions").get_paths()
    assert 0 < len(paths) <= len(part)
    for path in paths:
        assert np.all(path.vertices >= [-3 - 1e-12, -2 - 1e-12])
        assert np.all(path.vertices <= [3 + 1e-12, 2 + 1e-12])
    # The clipped pieces tile the window.
    area = 0.0
    for path in paths:
        v = path.vertices[:-1]
        area += (v[:, 0] * np.roll(v[:, 1], -1) - np.roll(v[:, 0], -1) * v[:, 1]).sum() / 2
    assert np.isclose(area, 24.0)


def test_layerwise_partitions_are_drawn_from_their_halfspaces(net2):
    part = plr.partition(net2, plr.Box([-2, -1], [2, 1]), method="layerwise")
    assert part.polygons is None
    ax = plr.plot_partition(part, ax=axes())
    assert len(by_gid(ax, "regions").get_paths()) == len(part)


def test_region_graph_nodes_sit_at_interior_points(box_part):
    ax = plr.plot_region_graph(box_part, ax=axes())
    nodes = by_gid(ax, "graph nodes")
    assert np.allclose(nodes.get_offsets(), box_part.interior_points)
    edges = by_gid(ax, "graph edges").get_segments()
    assert len(edges) == len(box_part.edges)
    for (i, j), seg in zip(box_part.edges, edges):
        assert np.allclose(seg, box_part.interior_points[[i, j]])


def test_surface_lifts_each_polygon_by_its_local_map(net2, box_part):
    ax = plr.plot_surface(box_part, output=2, ax=axes("3d"))
    surface = by_gid(ax, "surface")
    heights = surface.get_array()
    assert len(heights) == len(box_part)
    expected = [net2(box_part.polygons[i])[:, 2].mean() for i in range(len(box_part))]
    assert np.allclose(heights, expected, atol=1e-9)
    zlo, zhi = ax.get_zlim()
    values = net2(box_part.polygons.vertices)[:, 2]
    assert zlo <= values.min() and zhi >= values.max()
    with pytest.raises(plr.InvalidArgumentError, match="3-D axes"):
        plr.plot_surface(box_part, ax=axes())


def test_affine_pieces_plot_goes_through_the_breakpoints():
    rng = np.random.default_rng(2)
    net = plr.from_arrays([rng.normal(size=(6, 3)), rng.normal(size=(2, 6))],
                          [rng.normal(size=6), np.zeros(2)])
    pieces = plr.affine_pieces(net, plr.Segment([-1, -1, -1], [1, 1, 1]))
    ax = plr.plot_affine_pieces(pieces, output=1, ax=axes())
    line = [ln for ln in ax.lines if ln.get_gid() == "output 1"][0]
    s, y = line.get_xydata().T
    assert np.allclose(s, pieces.bounds)
    assert np.allclose(y, net(pieces.segment.to_input(s))[:, 1])
    marks = [ln for ln in ax.lines if ln.get_gid() == "breakpoints"][0]
    assert np.allclose(marks.get_xdata(), pieces.breakpoints)


def test_affine_pieces_plot_of_an_unbounded_line():
    net = plr.from_arrays([[[1.0], [1.0]], [[1.0, -2.0]]], [[0.0, -1.0], [0.0]])
    ax = plr.plot_affine_pieces(plr.affine_pieces(net), ax=axes())
    lo, hi = ax.get_xlim()
    assert lo < 0 and hi > 1
    assert ax.lines[0].get_xydata().shape == (4, 2)


@pytest.fixture
def pyplot_figures():
    """pyplot, closing every figure a test opens."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    yield plt
    for num in set(plt.get_fignums()) - before:
        plt.close(num)


def test_default_axes_are_new_figures_and_rcparams_stay(box_part, pyplot_figures):
    plt = pyplot_figures
    before = dict(matplotlib.rcParams)
    plt.figure()
    current = plt.gca()
    first = plr.plot_partition(box_part)
    second = plr.plot_affine_pieces(plr.affine_pieces(box_part.network,
                                                      plr.Segment([-2, -1], [2, 1])))
    third = plr.plot_region_graph(box_part)
    fourth = plr.plot_surface(box_part)
    fifth = plr.plot_partition(box_part)
    figures = [ax.figure for ax in (first, second, third, fourth, fifth)]
    assert current.figure not in figures and not current.collections
    assert len({id(f) for f in figures}) == 5
    assert fourth.name == "3d"
    # Each new figure is one axes (no earlier drawing underneath).
    assert all(len(f.axes) == 1 for f in figures)
    assert dict(matplotlib.rcParams) == before


def test_default_figure_follows_the_window_aspect(box_part, pyplot_figures):
    # The box is 4 x 2: a wide figure, never a square canvas.
    width, height = plr.plot_partition(box_part).figure.get_size_inches()
    assert width > 1.4 * height
    tall = plr.plot_partition(box_part, window=((-0.5, 0.5), (-1, 1)))
    width, height = tall.figure.get_size_inches()
    assert height > width
    assert plr.plotting.regions.figure_size(((0, 1), (0, 100))) == (2.0, 6.0)


def test_color_by_output_has_a_labelled_colorbar(box_part):
    ax = plr.plot_partition(box_part, color_by="output", output=1, ax=axes())
    bar = by_gid(ax, "regions").colorbar
    assert bar is not None and bar.ax.get_ylabel() == "output 1"
    assert len(ax.figure.axes) == 2
    ax = plr.plot_partition(box_part, color_by="output", colorbar=False, ax=axes())
    assert by_gid(ax, "regions").colorbar is None and len(ax.figure.axes) == 1
    # No colour bar for categorical colours.
    ax = plr.plot_partition(box_part, color_by="class", ax=axes())
    assert len(ax.figure.axes) == 1


# -- points: their shape is checked; input points of a plane slice are projected -----------------

@pytest.fixture(scope="module")
def plane_slice():
    rng = np.random.default_rng(1)
    net = plr.from_arrays([rng.normal(size=(5, 4)), rng.normal(size=(3, 5))],
                          [rng.normal(size=5), np.zeros(3)])
    X = rng.normal(size=(20, 4))
    plane = plr.Plane.through(*X[:3], margin=0.3)
    return net, X, plane, plr.partition(net, plane)


def test_input_points_of_a_plane_slice_are_projected(plane_slice):
    _, X, plane, part = plane_slice
    ax = plr.plot_partition(part, points=X, labels=np.arange(20) % 3, ax=axes())
    offsets = by_gid(ax, "points").get_offsets()
    assert offsets.shape == (20, 2)
    np.testing.assert_allclose(offsets, plane.project(X), atol=1e-12)
    np.testing.assert_allclose(offsets[:3], plane.anchors, atol=1e-12)
    # The projection given by the caller is drawn as it is.
    ax = plr.plot_partition(part, points=plane.project(X), ax=axes())
    np.testing.assert_array_equal(by_gid(ax, "points").get_offsets(), plane.project(X))
    # Images are rows of pixels.
    ax = plr.plot_partition(part, points=X.reshape(20, 2, 2), ax=axes())
    np.testing.assert_allclose(by_gid(ax, "points").get_offsets(), plane.project(X),
                               atol=1e-12)


def test_points_far_from_the_plane_warn_with_their_distance(plane_slice):
    _, X, plane, part = plane_slice
    normal = np.linalg.svd(np.stack([plane.u, plane.v]))[2][-1]
    far = X[:2] + 1000.0 * normal
    with pytest.warns(UserWarning, match="points lie up to 1e\\+03 from the plane, farther "
                                         "than the size of the drawn window"):
        ax = plr.plot_partition(part, points=far, ax=axes())
    np.testing.assert_allclose(by_gid(ax, "points").get_offsets(), plane.anchors[:2],
                               atol=1e-9)


def test_points_of_the_wrong_shape_are_refused(plane_slice, box_part):
    _, X, plane, part = plane_slice
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"points have 3 columns; for a plane slice pass input points of "
                             r"shape \(n, 4\) \(projected on the plane\) or plane.project\(X\)"):
        plr.plot_partition(part, points=X[:, :3], ax=axes())
    # 150 rows of 4 numbers on a 2-input network's box were drawn as 300 points.
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"points have 4 columns; give an array of shape \(n, 2\)"):
        plr.plot_partition(box_part, points=np.zeros((150, 4)), ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match=r"points have shape \(2,\)"):
        plr.plot_partition(box_part, points=[0.5, 0.5], ax=axes())
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"labels has shape \(40,\) but there are 20 points"):
        plr.plot_partition(part, points=X, labels=np.zeros(40, dtype=int), ax=axes())
    # A column of labels is one label per point.
    ax = plr.plot_partition(part, points=X, labels=(np.arange(20) % 3)[:, None], ax=axes())
    np.testing.assert_array_equal(by_gid(ax, "points").get_array(), np.arange(20) % 3)


# -- along a segment: the outputs, their legend and the predicted class --------------------------

@pytest.fixture(scope="module")
def digit_pieces():
    X, y, _ = plr.load_digits()
    net = plr.digits_network()
    one, seven = (X[np.flatnonzero(y == d)[0]] for d in (1, 7))
    return net, plr.affine_pieces(net, plr.Segment(one, seven))


def test_segment_legend_names_every_output(digit_pieces):
    _, pieces = digit_pieces
    ax = plr.plot_affine_pieces(pieces, legend=True, ax=axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"output {k}"
                                                                  for k in range(10)]
    names = [f"digit {k}" for k in range(10)]
    ax = plr.plot_affine_pieces(pieces, legend=True, class_names=names, ax=axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == names
    ax = plr.plot_affine_pieces(pieces, output=3, ax=axes())
    assert [ln.get_gid() for ln in ax.lines if ln.get_gid() != "breakpoints"] == ["output 3"]
    assert ax.get_ylabel() == "output 3"
    with pytest.raises(plr.InvalidArgumentError, match="output=10 but the network has 10"):
        plr.plot_affine_pieces(pieces, output=10, ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="class_names has 3 names"):
        plr.plot_affine_pieces(pieces, class_names="abc", ax=axes())


def test_segment_classes_are_shaded_exactly_where_the_argmax_changes(digit_pieces):
    net, pieces = digit_pieces
    ax = plr.plot_affine_pieces(pieces, classes=True, decision_boundary=True, legend=True,
                                ax=axes())
    shading = by_gid(ax, "classes")
    spans = [path.vertices[:4, 0] for path in shading.get_paths()]
    edges = np.array([spans[0][0]] + [span[1] for span in spans])
    classes = shading.get_array().astype(int)
    assert edges[0] == 0.0 and edges[-1] == 1.0 and np.all(np.diff(edges) > 0)
    assert np.all(classes[1:] != classes[:-1])
    # The class of every span is the argmax inside it; at a change two outputs tie.
    s = np.random.default_rng(0).uniform(0, 1, 500)
    span = np.searchsorted(edges, s) - 1
    argmax = net(pieces.segment.to_input(s)).argmax(axis=1)
    assert np.array_equal(argmax, classes[span])
    top = np.sort(net(pieces.segment.to_input(edges[1:-1])), axis=1)
    np.testing.assert_allclose(top[:, -1], top[:, -2], atol=1e-9)
    # The picture: the one to seven, a change from 1 to 7.
    assert classes.tolist() == [1, 7]
    boundary = by_gid(ax, "decision boundary")
    np.testing.assert_allclose([seg[0][0] for seg in boundary.get_segments()], edges[1:-1])
    # Output k is drawn in the colour of class k.
    ax.figure.draw_without_rendering()
    colours = shading.get_facecolors()
    palette = plr.plotting.class_palette(10)
    for k, colour in zip(classes, colours):
        np.testing.assert_allclose(colour[:3], palette[k][:3])
        line = [ln for ln in ax.lines if ln.get_gid() == f"output {k}"][0]
        np.testing.assert_allclose(matplotlib.colors.to_rgba(line.get_color()), palette[k])
    assert ax.get_legend().get_texts()[-1].get_text() == "decision boundary"


def test_one_output_classes_are_the_sign():
    net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [-0.5]])  # |x| - 0.5
    pieces = plr.affine_pieces(net, plr.Box([-2.0], [2.0]))
    edges, classes = plr.plotting.class_intervals(pieces, -2.0, 2.0)
    assert edges.tolist() == [-2.0, -0.5, 0.5, 2.0] and classes.tolist() == [1, 0, 1]
    ax = plr.plot_affine_pieces(pieces, classes=True, legend=True, ax=axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", "y <= 0",
                                                                   "y > 0"]
    ax = plr.plot_affine_pieces(pieces, classes=True, legend=True, ax=axes(),
                                class_names=["inside", "outside"])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", "inside",
                                                                   "outside"]


def test_bad_arguments(box_part):
    with pytest.raises(plr.InvalidArgumentError, match="color_by='colour'"):
        plr.plot_partition(box_part, color_by="colour", ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="output=7"):
        plr.plot_partition(box_part, color_by="output", output=7, ax=axes())
    # Each a PLRegionsError (a ValueError too) that names the argument and the fix, never
    # an IndexError, TypeError or AttributeError from deep inside.
    pieces = plr.affine_pieces(box_part.network, plr.Segment([-2, -1], [2, 1]))
    index = r"give the index of one network output, an int from 0 to 2"
    for call, message in (
            (lambda: plr.plot_partition(box_part, color_by="output", output=2.5, ax=axes()),
             "output=2.5: " + index),
            (lambda: plr.plot_partition(box_part, color_by="output", output="1", ax=axes()),
             "output='1': " + index),
            (lambda: plr.plot_surface(box_part, output=1.0, ax=axes("3d")),
             "output=1.0: " + index),
            (lambda: plr.plot_affine_pieces(pieces, output=True, ax=axes()),
             "output=True: " + index),
            (lambda: plr.plot_affine_pieces(pieces, window=(-0.5, 1.5), ax=axes()),
             r"window=\(-0.5, 1.5\) reaches outside the line's domain \[0, 1\]"),
            (lambda: plr.plot_affine_pieces(pieces, window=(0, np.inf), ax=axes()),
             "window must be \\(s_lo, s_hi\\), finite"),
            (lambda: plr.plot_affine_pieces(pieces, window=3, ax=axes()),
             "window must be two numbers"),
            (lambda: plr.plot_partition(3), r"plot_partition takes a Partition \(from "
                                            r"plr.partition\(net, domain\)\), got int"),
            (lambda: plr.plot_region_graph(pieces), "plot_region_graph takes a Partition"),
            (lambda: plr.plot_surface(None), "plot_surface takes a Partition"),
            (lambda: plr.plot_partition(box_part, window=((0, 1), (0, np.nan)), ax=axes()),
             "window must be .* finite")):
        with pytest.raises(plr.InvalidArgumentError, match=message):
            call()
    net3 = plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(2), np.zeros(1)])
    part3 = plr.partition(net3, plr.Box([0, 0, 0], [1, 1, 1]))
    with pytest.raises(plr.InvalidArgumentError, match="needs a 2-D partition"):
        plr.plot_partition(part3, ax=axes())


def test_a_partition_of_r2_without_polygons_says_which_window_to_pass():
    # Lines x = 3 and y = -5, partitioned by the general engine: no polygons, no box.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[-3.0, 5.0], [0.0]])
    part = plr.partition(net, method="layerwise")
    assert part.polygons is None and part.domain is None
    for plot in (plr.plot_partition, plr.plot_region_graph):
        with pytest.raises(plr.InvalidArgumentError) as err:
            plot(part, ax=axes())
        assert "all of R^2 has no box to draw in" in str(err.value)
    suggested = re.search(r"pass window=\(\(x_lo, x_hi\), \(y_lo, y_hi\)\), for instance "
                          r"window=\(\((\S+), (\S+)\), \((\S+), (\S+)\)\), which holds an "
                          r"interior point of every region", str(err.value))
    assert suggested is not None, str(err.value)
    window = np.reshape([float(v) for v in suggested.groups()], (2, 2))
    inside = (window[:, 0] < part.interior_points) & (part.interior_points < window[:, 1])
    assert inside.all()
    # The window suggested draws every region.
    ax = plr.plot_partition(part, window=window, ax=axes())
    assert sum(p.vertices.shape[0] >= 3 for p in by_gid(ax, "regions").get_paths()) == 4


def test_labels_that_are_not_classes_are_named(three_classes):
    _, part = three_classes
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"labels hold 7, which is not a class: the network has 3 "
                             r"classes, and a label is an output index 0 to 2"):
        plr.plot_partition(part, points=POINTS, labels=[0, 1, 7, 2], class_names="abc",
                           ax=axes())


def test_one_output_classes_have_the_same_names_in_every_plot():
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [-0.5]])
    part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    ax = plr.plot_partition(part, color_by="class", legend=True, ax=axes())
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    pieces = plr.affine_pieces(net, plr.Segment([-1, -1], [1, 1]))
    ax = plr.plot_affine_pieces(pieces, classes=True, legend=True, ax=axes())
    assert names == ["y <= 0", "y > 0"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["output 0", *names]


def test_the_legend_lists_a_decision_boundary_only_when_one_is_drawn(three_classes):
    net, _ = three_classes
    # Class 0 (x1 largest) everywhere in this box: no decision boundary inside it.
    part = plr.partition(net, plr.Box([0.5, -0.1], [1.0, 0.1]))
    ax = plr.plot_partition(part, color_by="class", decision_boundary=True, legend=True,
                            ax=axes())
    assert by_gid(ax, "decision boundary").get_segments() == []
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 0"]
    # Nothing else to list: no legend, and no error (the boundary was asked for).
    ax = plr.plot_partition(part, decision_boundary=True, legend=True, ax=axes())
    assert ax.get_legend() is None
    pieces = plr.affine_pieces(net, plr.Segment([0.5, 0.0], [1.0, 0.0]))
    ax = plr.plot_affine_pieces(pieces, decision_boundary=True, legend=True, ax=axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [f"output {k}"
                                                                  for k in range(3)]
    # Where the class changes, the boundary is listed.
    part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    ax = plr.plot_partition(part, decision_boundary=True, legend=True, ax=axes())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["decision boundary"]


def test_default_figures_of_surfaces_and_lines_have_the_documented_sizes(box_part,
                                                                         pyplot_figures):
    surface = plr.plot_surface(box_part)
    pieces = plr.plot_affine_pieces(plr.affine_pieces(box_part.network,
                                                      plr.Segment([-2, -1], [2, 1])))
    assert tuple(surface.figure.get_size_inches()) == plr.plotting.regions.SURFACE_FIGSIZE
    assert tuple(pieces.figure.get_size_inches()) == plr.plotting.pieces.PIECES_FIGSIZE
    assert plr.plotting.regions.SURFACE_FIGSIZE == (7.0, 6.0)
    assert plr.plotting.pieces.PIECES_FIGSIZE == (7.0, 3.5)


# --- command line --------------------------------------------------------------------------------

def cli(argv):
    parser = argparse.ArgumentParser(prog="plregions")
    commands = parser.add_subparsers(dest="command", required=True)
    add_plot_parser(commands, load_network=plr.load_network)
    add_slice_parser(commands, load_network=plr.load_network)
    args = parser.parse_args(argv)
    return args.run(args, args.subparser)


@pytest.fixture(scope="module")
def model4(tmp_path_factory):
    rng = np.random.default_rng(5)
    net = plr.from_arrays([rng.normal(size=(8, 4)), rng.normal(size=(6, 8)),
                           rng.normal(size=(3, 6))],
                          [rng.normal(size=8), rng.normal(size=6), np.zeros(3)])
    path = tmp_path_factory.mktemp("models") / "net4.npz"
    plr.save_network(net, path)
    return net, str(path)


def test_cli_slice_json_counts(model4, capsys):
    net, path = model4
    points = np.random.default_rng(6).normal(size=(3, 4))
    assert cli(["slice", path, "--plane", *map(str, points.ravel()), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    part = plr.partition(net, plr.Plane.through(*points))
    assert out["n_regions"] == len(part) and out["n_linear_regions"] == part.n_linear_regions
    assert out["slice_dim"] == 2 and out["method"] == "plane"
    # Euler's formula on the polygons (edges of the polygons, the boundary's included).
    assert out["n_polygon_vertices"] - out["n_polygon_edges"] + out["n_regions"] == 1
    assert out["n_adjacent_pairs"] == len(part.edges) and out["n_neurons"] == net.n_neurons
    assert cli(["slice", path, "--segment", *map(str, points[:2].ravel()), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_regions"] == plr.count_regions(net, plr.Segment(points[0], points[1]))
    assert cli(["slice", path, "--origin", "0", "0", "0", "0", "--u", "1", "0", "0", "0",
                "--v", "0", "1", "0", "0", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "n_bounded_regions" in out


def test_cli_slice_text(model4, capsys):
    _, path = model4
    assert cli(["slice", path, "--origin", "0", "0", "0", "0", "--u", "1", "0", "0", "0",
                "--v", "0", "1", "0", "0", "--bounds", "-1", "1", "-1", "1"]) == 0
    text = capsys.readouterr().out
    assert "activation regions:" in text and "plane engine" in text


def test_cli_plot_writes_a_png(model4, tmp_path, capsys):
    _, path = model4
    points = np.random.default_rng(7).normal(size=(3, 4))
    options = {"regions": ["--color-by", "class", "--decision-boundary"], "graph": [],
               "surface": ["--output", "1"]}
    for kind in ("regions", "graph", "surface"):
        image = tmp_path / f"{kind}.png"
        assert cli(["plot", path, "--plane", *map(str, points.ravel()), "--kind", kind,
                    *options[kind], "-o", str(image), "--dpi", "40", "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["file"] == str(image)
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = tmp_path / "segment.png"
    assert cli(["plot", path, "--segment", *map(str, points[:2].ravel()), "-o", str(image),
                "--dpi", "40"]) == 0
    assert "wrote" in capsys.readouterr().out and image.exists()


def test_cli_plot_box_for_a_two_input_network(tmp_path, capsys):
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    path = tmp_path / "net2.npz"
    plr.save_network(net, path)
    image = tmp_path / "box.png"
    assert cli(["plot", str(path), "--box", "-1", "1", "-o", str(image), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_regions"] == 4


def test_cli_without_a_loader_reads_npz_only(model4, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="plregions")
    commands = parser.add_subparsers(dest="command", required=True)
    add_slice_parser(commands)
    _, path = model4
    args = parser.parse_args(["slice", path, "--segment", *["0"] * 4, *["1"] * 4])
    assert args.run(args, args.subparser) == 0
    args = parser.parse_args(["slice", str(tmp_path / "net.onnx"), "--box", "0", "1"])
    with pytest.raises(plr.InvalidDomainError, match="reads .npz networks here"):
        args.run(args, args.subparser)


def test_cli_domain_errors(model4, capsys):
    _, path = model4
    with pytest.raises(SystemExit):
        cli(["slice", path, "--plane", "1", "2"])                 # not 3 x n_in numbers
    with pytest.raises(SystemExit):
        cli(["slice", path, "--box", "0", "1", "--segment", "0", "1"])
    with pytest.raises(SystemExit):
        cli(["slice", path, "--origin", "0", "0", "0", "0"])      # no --u/--v
    with pytest.raises(plr.InvalidDomainError, match="collinear"):
        cli(["slice", path, "--plane", *["0"] * 4, *["1"] * 4, *["2"] * 4])
    capsys.readouterr()
    # Numbers that do not fit the network, and boxes of R^4, are usage errors too.
    for argv, message in (
            (["slice", path, "--plane", "0", "0", "0", "1", "0", "0", "0", "1", "0"],
             "--plane has 9 numbers but 4-8-6-3 takes 4 inputs; give three inputs of 4 "
             "numbers each (12 numbers)"),
            (["plot", path, "--box", "0", "1", "-o", "unused.png"],
             "--box gives a box of R^4, not a slice: plot draws a plane or a segment")):
        with pytest.raises(SystemExit) as exit_:
            cli(argv)
        assert exit_.value.code == 2 and message in capsys.readouterr().err


def test_surface_of_many_ragged_polygons_draws_cleanly():
    # Polygons with different vertex counts; limits come from the data, not from the
    # padding matplotlib adds to ragged faces (warnings are errors here).
    rng = np.random.default_rng(7)
    sizes = [2, 24, 24, 1]
    net = plr.from_arrays([rng.normal(0, np.sqrt(2 / a), size=(b, a))
                           for a, b in zip(sizes[:-1], sizes[1:])],
                          [rng.normal(0, 0.5, size=b) for b in sizes[1:]])
    part = plr.partition(net, plr.Box([-2, -2], [2, 2]))
    ax = plr.plot_surface(part, ax=axes("3d"), linewidth=0.05)
    ax.figure.canvas.draw()
    values = net(part.polygons.vertices)[:, 0]
    zlo, zhi = ax.get_zlim()
    assert np.isfinite([zlo, zhi]).all() and zlo <= values.min() and zhi >= values.max()
    assert ax.get_xlim() == (-2.0, 2.0)


# -- one colour per class: cells, points and legend -------------------------------------------

@pytest.fixture(scope="module")
def three_classes():
    """``y = (x1, x2, -x1 - x2)`` through ReLU pairs (``relu(x) - relu(-x) = x``): class 0
    where x1 is largest, 1 where x2 is, 2 where -x1 - x2 is."""
    net = plr.from_arrays(
        [[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]],
         [[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, 0.0, -1.0], [-1.0, -1.0, 1.0, 1.0]]],
        [np.zeros(4), np.zeros(3)])
    return net, plr.partition(net, plr.Box([-1, -1], [1, 1]))


# Three points on cells of their own class, the last one (class 2) on a class-0 cell.
POINTS = np.array([[0.8, 0.1], [0.1, 0.8], [-0.7, -0.6], [0.9, 0.0]])
LABELS = np.array([0, 1, 2, 2])


def drawn(ax, gid):
    """The facecolours matplotlib draws (mapped from the data array at draw time)."""
    ax.figure.draw_without_rendering()
    return by_gid(ax, gid).get_facecolors()


def cell_under(cells, point):
    hits = [i for i, path in enumerate(cells.get_paths()) if path.contains_point(point)]
    assert len(hits) == 1
    return hits[0]


@pytest.mark.parametrize("cmap", [None, "Set1", "viridis", matplotlib.colormaps["Dark2"]])
def test_points_take_the_colour_of_the_cells_of_their_class(three_classes, cmap):
    net, part = three_classes
    assert net(POINTS).argmax(axis=1).tolist() == [0, 1, 2, 0]
    ax = plr.plot_partition(part, color_by="class", points=POINTS, labels=LABELS, cmap=cmap,
                            alpha=0.6, ax=axes())
    cell_colours = drawn(ax, "regions")
    dot_colours = drawn(ax, "points")
    cells = by_gid(ax, "regions")
    classes = cells.get_array().astype(int)
    assert set(classes.tolist()) == {0, 1, 2}
    # Every cell of class k has one colour, distinct from the other classes' colours...
    colour_of = {}
    for k in range(3):
        rgb = np.unique(cell_colours[classes == k, :3], axis=0)
        assert len(rgb) == 1
        colour_of[k] = rgb[0]
    assert len(np.unique(np.array(list(colour_of.values())), axis=0)) == 3
    assert np.allclose(cell_colours[:, 3], 0.6)
    # ... and every point of class k is drawn in it (opaque).
    for label, colour in zip(LABELS, dot_colours):
        np.testing.assert_array_equal(colour[:3], colour_of[label])
        assert colour[3] == 1.0
    # The cell under each point: its own colour, except under the misclassified point.
    under = [classes[cell_under(cells, p)] for p in POINTS]
    assert under == [0, 1, 2, 0]
    expected = plr.plotting.class_palette(3, cmap)
    np.testing.assert_array_equal(dot_colours, expected[LABELS])


def test_binary_network_points_share_the_colours_of_y_above_and_below_zero():
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [-0.5]])
    part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    points = np.array([[0.9, 0.9], [-0.9, -0.9]])      # y = 1.3 and y = -0.5
    ax = plr.plot_partition(part, color_by="class", points=points, labels=[1, 0], ax=axes())
    cells = by_gid(ax, "regions")
    cell_colours = drawn(ax, "regions")
    dots = drawn(ax, "points")
    for point, colour in zip(points, dots):
        np.testing.assert_array_equal(colour, cell_colours[cell_under(cells, point)])


@pytest.mark.parametrize("color_by", ["region", "linear_region", "output"])
def test_class_colours_of_points_are_the_same_in_every_mode(three_classes, color_by):
    _, part = three_classes
    reference = drawn(plr.plot_partition(part, color_by="class", points=POINTS,
                                         labels=LABELS, ax=axes()), "points")
    # The regions' own colour map does not change what colour class k is.
    ax = plr.plot_partition(part, color_by=color_by, points=POINTS, labels=LABELS,
                            cmap="tab20b" if color_by != "output" else "magma", ax=axes())
    np.testing.assert_array_equal(drawn(ax, "points"), reference)
    # class_cmap chooses the class colours in every mode.
    ax = plr.plot_partition(part, color_by=color_by, points=POINTS, labels=LABELS,
                            class_cmap="Dark2", ax=axes())
    np.testing.assert_array_equal(drawn(ax, "points"),
                                  plr.plotting.class_palette(3, "Dark2")[LABELS])


def test_legend_lists_each_class_in_its_colour(three_classes):
    _, part = three_classes
    names = ["east", "north", "south-west"]
    ax = plr.plot_partition(part, color_by="class", points=POINTS, labels=LABELS,
                            class_names=names, legend=True, decision_boundary=True,
                            ax=axes())
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [*names, "decision boundary"]
    cells = by_gid(ax, "regions")
    cell_colours = drawn(ax, "regions")
    classes = cells.get_array().astype(int)
    for k, patch in enumerate(legend.get_patches()):
        np.testing.assert_array_equal(patch.get_facecolor()[:3],
                                      cell_colours[classes == k][0, :3])
    # Labels may be the class names.
    ax = plr.plot_partition(part, color_by="class", points=POINTS,
                            labels=[names[k] for k in LABELS], class_names=names, ax=axes())
    np.testing.assert_array_equal(by_gid(ax, "points").get_array(), LABELS)
    # Without class cells, the legend shows the points' classes as markers.
    ax = plr.plot_partition(part, points=POINTS, labels=[0, 2, 2, 2], legend=True, ax=axes())
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 2"]
    palette = plr.plotting.class_palette(3)
    for marker, k in zip(legend.legend_handles, (0, 2)):
        np.testing.assert_array_equal(matplotlib.colors.to_rgba(marker.get_markerfacecolor()),
                                      palette[k])
    # A fixed corner by default (not matplotlib's slow "best"); a dict sets the options.
    assert legend._loc == matplotlib.legend.Legend.codes["upper right"]
    ax = plr.plot_partition(part, points=POINTS, labels=LABELS, ax=axes(),
                            legend={"loc": "lower left", "title": "digits"})
    assert ax.get_legend()._loc == matplotlib.legend.Legend.codes["lower left"]
    assert ax.get_legend().get_title().get_text() == "digits"


def test_bad_labels_and_legends(three_classes):
    _, part = three_classes
    with pytest.raises(plr.InvalidArgumentError, match=r"labels has shape \(3,\) but there "
                       r"are 4 points"):
        plr.plot_partition(part, points=POINTS, labels=[0, 1, 2], ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="must be class indices"):
        plr.plot_partition(part, points=POINTS, labels=[0, 1, -1, 2], ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="must be class indices"):
        plr.plot_partition(part, points=POINTS, labels=[0, 1, 0.5, 2], ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="pass class_names"):
        plr.plot_partition(part, points=POINTS, labels=list("abca"), ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match=r"labels \['d'\] are not in"):
        plr.plot_partition(part, points=POINTS, labels=list("abcd"), class_names="abc",
                           ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="labels are given without points"):
        plr.plot_partition(part, labels=LABELS, ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="class_names has 2 names but there "
                       "are 3 classes"):
        plr.plot_partition(part, color_by="class", class_names=["a", "b"], ax=axes())
    with pytest.raises(plr.InvalidArgumentError, match="legend=True has nothing to list"):
        plr.plot_partition(part, legend=True, ax=axes())
