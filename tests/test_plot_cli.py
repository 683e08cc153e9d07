"""``plregions plot``: what the saved figure holds (legends, colour bars, points, the drawn
outputs, the title and the saved box), read from the figure's artists, never pixels; and
drawing options that mean nothing for the picture refused with a usage error."""

from __future__ import annotations

import argparse
import json
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from test_plotting import by_gid  # noqa: E402  (one gid lookup for both test files)

import plregions as plr  # noqa: E402
from plregions.plotting.cli_commands import add_plot_parser  # noqa: E402

BUNDLED = {"iris": plr.default_network, "digits": plr.digits_network}
NAMES = {"iris": plr.load_iris().species, "digits": [str(k) for k in range(10)]}


def load(name, trusted=False):
    return BUNDLED[name]() if name in BUNDLED else plr.load_network(name, trusted=trusted)


def cli(argv, class_names=None):
    parser = argparse.ArgumentParser(prog="plregions")
    commands = parser.add_subparsers(dest="command", required=True)
    add_plot_parser(commands, load_network=load, class_names=class_names)
    args = parser.parse_args(["plot", *argv])
    return args.run(args, args.subparser)


@pytest.fixture
def saved(monkeypatch):
    """Every figure the command saves, with the keyword arguments of ``savefig``."""
    figures = []
    original = Figure.savefig

    def savefig(self, fname, **kwargs):
        figures.append((self, kwargs))
        return original(self, fname, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return figures


def the_axes(saved):
    (fig, _), = saved
    return fig.axes[0]


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "no legend"
    return [t.get_text() for t in legend.get_texts()]


@pytest.fixture(scope="module")
def iris():
    X, y, species = plr.load_iris()
    means = np.array([X[y == k].mean(axis=0) for k in range(3)])
    return X, y, species, means


def iris_plane_args(means):
    return ["iris", "--plane", *map(str, means.ravel()), "--margin", "0.5"]


@pytest.fixture(scope="module")
def digit_ends():
    X, y, _ = plr.load_digits()
    return np.stack([X[np.flatnonzero(y == d)[0]] for d in (1, 7)])


def segment_args(ends):
    return ["digits", "--segment", *map(str, ends.ravel())]


# --- legends, names and colour bars ---------------------------------------------------------------

def test_color_by_class_has_a_legend_of_the_classes(iris, saved, tmp_path):
    *_, species, means = iris
    out = str(tmp_path / "iris.png")
    assert cli([*iris_plane_args(means), "--color-by", "class", "--decision-boundary",
                "-o", out], class_names=NAMES.get) == 0
    ax = the_axes(saved)
    assert legend_texts(ax) == [*species, "decision boundary"]
    # Beside the axes, not over the regions.
    assert ax.get_legend()._loc == matplotlib.legend.Legend.codes["upper left"]
    # Without names from the main CLI: the output indices; --class-names wins.
    assert cli([*iris_plane_args(means), "--color-by", "class", "-o", out]) == 0
    assert legend_texts(the_axes(saved[1:])) == ["class 0", "class 1", "class 2"]
    assert cli([*iris_plane_args(means), "--color-by", "class", "-o", out,
                "--class-names", "a", "b", "c"], class_names=NAMES.get) == 0
    assert legend_texts(the_axes(saved[2:])) == ["a", "b", "c"]


def test_color_by_output_has_a_labelled_colour_bar(iris, saved, tmp_path):
    *_, means = iris
    assert cli([*iris_plane_args(means), "--color-by", "output", "--output", "2", "-o",
                str(tmp_path / "out.png")]) == 0
    ax = the_axes(saved)
    bar = by_gid(ax, "regions").colorbar
    assert bar is not None and bar.ax.get_ylabel() == "output 2"


def test_points_and_labels_from_files_are_projected_on_the_plane(iris, saved, tmp_path):
    X, y, species, means = iris
    np.save(tmp_path / "X.npy", X)
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "y.txt", y, fmt="%d")
    (tmp_path / "names.txt").write_text("\n".join(species[k] for k in y) + "\n")
    plane = plr.Plane.through(*means, margin=0.5)
    for points, labels in (("X.npy", "y.txt"), ("X.csv", "names.txt")):
        saved.clear()
        assert cli([*iris_plane_args(means), "--color-by", "class", "--points",
                    str(tmp_path / points), "--labels", str(tmp_path / labels), "-o",
                    str(tmp_path / "points.png")], class_names=NAMES.get) == 0
        ax = the_axes(saved)
        dots = by_gid(ax, "points")
        np.testing.assert_allclose(dots.get_offsets(), plane.project(X), atol=1e-9)
        np.testing.assert_array_equal(dots.get_array(), y)
        assert legend_texts(ax) == list(species)
    # Points without labels: white dots, no legend needed.
    saved.clear()
    assert cli([*iris_plane_args(means), "--points", str(tmp_path / "X.npy"), "-o",
                str(tmp_path / "points.png")]) == 0
    assert len(by_gid(the_axes(saved), "points").get_offsets()) == 150


def test_bad_point_and_label_files(iris, tmp_path):
    X, y, _, means = iris
    np.save(tmp_path / "X3.npy", X[:, :3])
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "y.npy", y[:10])
    out = str(tmp_path / "unused.png")
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"--points .*X3.npy: holds an array of shape \(150, 3\); it must "
                             "hold one input of 4 numbers per row"):
        cli([*iris_plane_args(means), "--points", str(tmp_path / "X3.npy"), "-o", out])
    with pytest.raises(plr.InvalidArgumentError,
                       match="--labels .*y.npy: holds 10 labels but --points holds 150 points"):
        cli([*iris_plane_args(means), "--points", str(tmp_path / "X.npy"), "--labels",
             str(tmp_path / "y.npy"), "-o", out])
    with pytest.raises(plr.InvalidArgumentError, match="cannot read it"):
        cli([*iris_plane_args(means), "--points", str(tmp_path / "missing.csv"), "-o", out])


# --- segments: the outputs asked for, a legend, the predicted class ------------------------------

def test_segment_of_the_digit_logits_has_a_legend(digit_ends, saved, tmp_path):
    assert cli([*segment_args(digit_ends), "-o", str(tmp_path / "seg.png")]) == 0
    ax = the_axes(saved)
    assert legend_texts(ax) == [f"output {k}" for k in range(10)]
    saved.clear()
    assert cli([*segment_args(digit_ends), "-o", str(tmp_path / "seg.png")],
               class_names=NAMES.get) == 0
    assert legend_texts(the_axes(saved)) == NAMES["digits"]


def test_segment_honours_output(digit_ends, saved, tmp_path):
    assert cli([*segment_args(digit_ends), "--output", "3", "-o",
                str(tmp_path / "seg.png")]) == 0
    ax = the_axes(saved)
    assert [ln.get_gid() for ln in ax.lines if ln.get_gid() != "breakpoints"] == ["output 3"]
    # One curve: nothing for a legend to tell apart.
    assert ax.get_legend() is None


def test_segment_color_by_class_shades_the_predicted_digit(digit_ends, saved, tmp_path):
    assert cli([*segment_args(digit_ends), "--color-by", "class", "--decision-boundary",
                "-o", str(tmp_path / "seg.png")], class_names=NAMES.get) == 0
    ax = the_axes(saved)
    assert by_gid(ax, "classes").get_array().tolist() == [1, 7]
    assert len(by_gid(ax, "decision boundary").get_segments()) == 1
    assert legend_texts(ax) == [*NAMES["digits"], "decision boundary"]


@pytest.mark.parametrize("options, message", [
    (["--kind", "graph"], "--kind graph draws 2-D domains"),
    (["--kind", "surface"], "--kind surface draws 2-D domains"),
    (["--color-by", "region"], "--color-by region has no meaning along a segment"),
    (["--color-by", "output"], "--color-by output has no meaning along a segment"),
    (["--points", "X.npy"], "--points draws data on a 2-D domain"),
    (["--output", "10"], "--output 10: 64-64-64-64-10 has 10 outputs"),
    (["--class-names", "a", "b"], "--class-names has 2 names but 64-64-64-64-10 has 10"),
], ids=["graph", "surface", "region", "output", "points", "output-range", "names"])
def test_segment_refuses_options_without_meaning(digit_ends, tmp_path, capsys, options,
                                                 message):
    with pytest.raises(SystemExit) as exit_:
        cli([*segment_args(digit_ends), *options, "-o", str(tmp_path / "seg.png")])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "seg.png").exists()


@pytest.mark.parametrize("options, message", [
    (["--kind", "graph", "--color-by", "class"], "--color-by has no meaning with --kind graph"),
    (["--kind", "graph", "--output", "1"], "--output has no meaning with --kind graph"),
    (["--kind", "surface", "--decision-boundary"],
     "--decision-boundary has no meaning with --kind surface"),
    (["--output", "1"], "--output goes with --color-by output"),
    (["--color-by", "region", "--class-names", "a", "b", "c"],
     "--class-names names the classes of --color-by class or of --labels"),
    (["--labels", "y.txt"], "--labels goes with --points"),
], ids=["graph-color", "graph-output", "surface-boundary", "output", "names", "labels"])
def test_plane_refuses_options_without_meaning(iris, tmp_path, capsys, options, message):
    *_, means = iris
    with pytest.raises(SystemExit) as exit_:
        cli([*iris_plane_args(means), *options, "-o", str(tmp_path / "plane.png")])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


# --- the saved figure: tight, shaped like the slice, short numbers in the title -----------------

def test_figures_are_saved_tight_and_shaped_like_the_slice(iris, digit_ends, saved, tmp_path):
    *_, means = iris
    out = str(tmp_path / "plane.png")
    assert cli([*iris_plane_args(means), "-o", out]) == 0
    assert cli([*iris_plane_args(means), "--kind", "graph", "-o", out]) == 0
    assert cli([*iris_plane_args(means), "--kind", "surface", "-o", out]) == 0
    assert cli([*segment_args(digit_ends), "-o", out]) == 0
    assert [kwargs.get("bbox_inches") for _, kwargs in saved] == ["tight"] * 4
    plane = plr.Plane.through(*means, margin=0.5)
    (s0, s1), (t0, t1) = plane.bounds
    assert (s1 - s0) > 1.5 * (t1 - t0)             # a wide slice: a wide figure
    width, height = saved[0][0].get_size_inches()
    assert width > 1.3 * height


def test_titles_carry_three_significant_digits(iris, digit_ends, saved, tmp_path):
    *_, means = iris
    out = str(tmp_path / "plane.png")
    assert cli([*iris_plane_args(means), "-o", out]) == 0
    assert cli([*segment_args(digit_ends), "-o", out]) == 0
    plane_title, segment_title = (fig.axes[0].get_title() for fig, _ in saved)
    (s0, s1), (t0, t1) = plr.Plane.through(*means, margin=0.5).bounds
    assert plane_title == (f"4-8-8-3 on a plane of R^4, s in [{s0:.3g}, {s1:.3g}], "
                           f"t in [{t0:.3g}, {t1:.3g}]")
    length = np.linalg.norm(digit_ends[1] - digit_ends[0])
    assert segment_title == f"64-64-64-64-10 on a segment of R^64 of length {length:.3g}"
    for title in (plane_title, segment_title):
        for number in re.findall(r"\d+\.\d+", title):
            assert len(number.replace(".", "").lstrip("0")) <= 3, title


# --- what the tester found: windows, labels, JSON keys ------------------------------------------

def test_a_partition_without_polygons_asks_for_the_window_option(tmp_path, monkeypatch, capsys):
    # The general engine (as when the 2-D engine declines lines that lie far out) gives
    # no polygons, so no window holding every vertex.
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[-3e8, 5e8], [0.0]])
    path = str(tmp_path / "far.npz")
    plr.save_network(net, path)
    general = plr.partition(net, method="layerwise")
    monkeypatch.setattr("plregions.plotting.cli_commands.partition",
                        lambda *args, **kwargs: general)
    out = str(tmp_path / "far.png")
    with pytest.raises(plr.InvalidArgumentError) as err:
        cli([path, "-o", out])
    suggested = re.search(r"pass --window XLO XHI YLO YHI, for instance --window (\S+) (\S+) "
                          r"(\S+) (\S+) \(it holds an interior point of every region\)",
                          str(err.value))
    assert suggested is not None, str(err.value)
    assert "window=" not in str(err.value)          # no Python argument on the command line
    capsys.readouterr()
    assert cli([path, "-o", out, "--window", *suggested.groups(), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["window"] == np.reshape([float(v) for v in suggested.groups()], (2, 2)).tolist()
    # Any window, on any 2-D picture; never along a segment.
    for kind in ("regions", "graph", "surface"):
        assert cli([path, "-o", out, "--kind", kind, "--window", "2", "4", "-6", "-4"]) == 0
    with pytest.raises(SystemExit) as exit_:
        cli([path, "-o", out, "--window", "2", "1", "-6", "-4"])
    assert exit_.value.code == 2
    assert "give XLO XHI YLO YHI, finite, with XLO < XHI" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli([path, "--segment", "0", "0", "1", "1", "-o", out, "--window", "0", "1", "0", "1"])
    assert "--window bounds the picture of a 2-D domain" in capsys.readouterr().err


def test_labels_must_be_classes_of_the_network(iris, tmp_path):
    X, y, species, means = iris
    np.save(tmp_path / "X.npy", X[:5])
    (tmp_path / "l7.txt").write_text("0\n1\n2\n7\n0\n")
    (tmp_path / "names.txt").write_text("\n".join(species[k] for k in y[:5]) + "\n")
    (tmp_path / "typo.txt").write_text("setosa\nsetosa\nsetosa\nvirginca\nsetosa\n")
    points = ["--points", str(tmp_path / "X.npy"), "-o", str(tmp_path / "unused.png")]
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"--labels .*l7.txt: label 7 is not a class of 4-8-8-3: a label "
                             r"is an output index 0 to 2 \(one class per output\) or a class "
                             r"name \(setosa, versicolor, virginica\)"):
        cli([*iris_plane_args(means), *points, "--labels", str(tmp_path / "l7.txt")],
            class_names=NAMES.get)
    # Names without names for the classes: the option that names them.
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"--labels .*names.txt: holds class names \('setosa'\) but the "
                             r"classes have no names; name the 3 classes in output order with "
                             r"--class-names NAME \.\., or give output indices 0 to 2"):
        cli([*iris_plane_args(means), *points, "--labels", str(tmp_path / "names.txt")])
    with pytest.raises(plr.InvalidArgumentError,
                       match=r"holds 'virginca', not among the class names setosa, "
                             r"versicolor, virginica"):
        cli([*iris_plane_args(means), *points, "--labels", str(tmp_path / "typo.txt")],
            class_names=NAMES.get)


def test_plot_json_has_the_counts_of_every_command(iris, digit_ends, tmp_path, capsys):
    *_, means = iris
    net = plr.default_network()
    part = plr.partition(net, plr.Plane.through(*means, margin=0.5))
    assert cli([*iris_plane_args(means), "-o", str(tmp_path / "p.png"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["model"] == "iris" and got["architecture"] == "4-8-8-3"
    assert (got["input_dim"], got["n_neurons"]) == (4, 16)
    assert (got["n_regions"], got["n_linear_regions"]) == (len(part), part.n_linear_regions)
    np.testing.assert_allclose(got["window"], plr.Plane.through(*means, margin=0.5).bounds)
    assert "n_bounded_regions" not in got          # a bounded plane
    assert cli([*segment_args(digit_ends), "-o", str(tmp_path / "s.png"), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    segment = plr.partition(plr.digits_network(), plr.Segment(*digit_ends))
    assert (got["architecture"], got["input_dim"], got["n_neurons"]) == (
        "64-64-64-64-10", 64, 192)
    assert (got["n_regions"], got["n_linear_regions"]) == (len(segment),
                                                           segment.n_linear_regions)
    assert len(got["breakpoints"]) == len(segment) - 1 and "window" not in got
