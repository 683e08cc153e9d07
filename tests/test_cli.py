"""The command line (in process and once through ``python -m plregions``) and the
bundled Iris data and network it analyses by default."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import plregions as plr
from plregions.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def iris():
    X, y, species = plr.load_iris()
    net = plr.default_network()
    box = plr.Box(X.min(axis=0), X.max(axis=0))
    return X, y, net, box, plr.analyze(net, box=box, data=X)


@pytest.fixture
def small_model(tmp_path):
    rng = np.random.default_rng(2)
    net = plr.from_arrays([rng.normal(size=(4, 3)), rng.normal(size=(3, 4)),
                           rng.normal(size=(2, 3))],
                          [rng.normal(size=4), rng.normal(size=3), rng.normal(size=2)])
    path = tmp_path / "small.npz"
    plr.save_network(net, path)
    return net, str(path)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert len(out.strip().splitlines()) == 1          # one JSON object on one line
    return json.loads(out)


# -- bundled data ------------------------------------------------------------------------
def test_load_iris():
    X, y, species = plr.load_iris()
    assert X.shape == (150, 4) and X.dtype == np.float64
    assert y.shape == (150,) and np.bincount(y).tolist() == [50, 50, 50]
    assert species == ("setosa", "versicolor", "virginica")
    assert X.min(axis=0).tolist() == [4.3, 2.0, 1.0, 0.1]
    assert X.max(axis=0).tolist() == [7.9, 4.4, 6.9, 2.5]


def test_default_network_classifies_raw_measurements():
    X, y, _ = plr.load_iris()
    net = plr.default_network()
    assert net.architecture == "4-8-8-3" and net.widths == (8, 8)
    assert all(layer.kind == "relu" for layer in net.hidden)
    assert (net(X).argmax(axis=1) == y).mean() >= 0.95


def test_training_script_reproduces_the_bundled_network(tmp_path):
    out = tmp_path / "iris.npz"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "train_iris.py"),
                             "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    retrained, bundled = plr.load_network(out), plr.default_network()
    for new, old in zip([*retrained.hidden, retrained.output], [*bundled.hidden, bundled.output]):
        np.testing.assert_allclose(new.weight, old.weight, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(new.bias, old.bias, rtol=1e-6, atol=1e-9)


# -- analyze -----------------------------------------------------------------------------
def test_analyze_iris_json_equals_the_library(capsys, iris):
    X, _, net, box, report = iris
    got = run_json(capsys, "analyze")
    assert got["architecture"] == "4-8-8-3"
    assert got["input_dim"] == 4 and got["n_neurons"] == 16
    assert got["n_regions"] == report.n_regions == len(plr.partition(net))
    assert got["n_linear_regions"] == report.n_linear_regions
    assert got["n_bounded_regions"] == report.n_bounded_regions
    assert got["box"] == {"lower": box.lower.tolist(), "upper": box.upper.tolist(),
                          "n_regions": report.n_regions_box,
                          "n_linear_regions": report.n_linear_regions_box}
    assert report.n_regions_box == plr.count_regions(net, box)
    assert got["data"] == {"n_points": 150, "n_points_on_boundary": report.n_points_on_boundary,
                           "n_occupied_regions": report.n_occupied_regions,
                           "n_occupied_linear_regions": report.n_occupied_linear_regions}
    assert got["neurons"]["dead"] == [list(a) for a in report.dead_neurons]
    assert got["neurons"]["always_active"] == [list(a) for a in report.always_active_neurons]
    assert got["neurons"]["mean_active_fraction"] == report.mean_active_fraction
    assert got["bounds"] == {"patterns": 2 ** 16, "montufar": plr.montufar_bound([8, 8], 4),
                             "serra": plr.serra_bound([8, 8], 4), "first_layer": 163}
    assert got["seconds"] > 0


def test_analyze_iris_text_through_python_m(iris):
    """The default report, run once as a real process."""
    _, _, _, _, report = iris
    result = subprocess.run([sys.executable, "-m", "plregions", "analyze"],
                            capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()

    def row(label):
        return next(line.split()[len(label.split()):] for line in lines
                    if line.strip().startswith(label))

    assert row("activation regions") == [str(report.n_regions), str(report.n_regions_box)]
    assert row("linear regions") == [str(report.n_linear_regions),
                                     str(report.n_linear_regions_box)]
    assert row("bounded activation regions") == [str(report.n_bounded_regions), "-"]
    text = result.stdout
    assert "all of R^4" in text and "data bounding box" in text
    assert f"{report.n_occupied_regions} of the {report.n_regions} activation regions" in text
    assert (f"{report.n_occupied_linear_regions} of the {report.n_linear_regions} linear "
            "regions") in text
    assert "dead (inactive in every activation region)" in text
    assert "always active (active in every activation region)" in text
    assert f"per activation region: {report.mean_active_fraction:.3f}" in text
    for value in (report.bounds.patterns, report.bounds.montufar, report.bounds.serra):
        assert str(value) in text
    assert "Time:" in text


def test_analyze_saved_network_with_box(capsys, small_model):
    net, path = small_model
    got = run_json(capsys, "analyze", path, "--box", "-1", "1")
    box = plr.Box([-1.0] * 3, [1.0] * 3)
    part = plr.partition(net, box)
    assert got["box"]["n_regions"] == len(part)
    assert got["box"]["n_linear_regions"] == part.n_linear_regions
    assert got["n_regions"] == plr.count_regions(net)
    assert got["data"] is None and got["neurons"]["domain"] == "box"
    code, out, _ = run(capsys, "analyze", path)
    assert code == 0 and "box" not in out and f"{got['n_regions']}" in out


# -- count -------------------------------------------------------------------------------
def test_count_json_keys_and_values(capsys, small_model):
    net, path = small_model
    got = run_json(capsys, "count", path)
    part = plr.partition(net)
    assert {"n_regions", "n_linear_regions", "n_bounded_regions", "n_neurons", "input_dim",
            "seconds"} <= set(got)
    assert (got["n_regions"], got["n_linear_regions"], got["n_bounded_regions"]) == \
        (len(part), part.n_linear_regions, part.n_bounded_regions)
    assert (got["n_neurons"], got["input_dim"], got["domain"]) == (7, 3, "R^3")


@pytest.mark.parametrize("domain_args", [
    ["--box", "-0.5", "2"],
    ["--lower", "-0.5", "--upper", "2"],
    ["--lower", "-0.5", "-0.5", "-0.5", "--upper", "2", "2", "2"],
])
def test_count_in_a_box(capsys, small_model, domain_args):
    net, path = small_model
    got = run_json(capsys, "count", path, *domain_args)
    part = plr.partition(net, plr.Box([-0.5] * 3, [2.0] * 3))
    assert got["domain"] == {"box": {"lower": [-0.5] * 3, "upper": [2.0] * 3}}
    assert (got["n_regions"], got["n_linear_regions"]) == (len(part), part.n_linear_regions)
    assert "n_bounded_regions" not in got                # meaningful for R^d only


def test_count_per_coordinate_box_and_text(capsys, small_model):
    net, path = small_model
    code, out, _ = run(capsys, "count", path, "--lower", "-1", "0", "-2", "--upper", "1", "3",
                       "0.5")
    n = plr.count_regions(net, plr.Box([-1, 0, -2], [1, 3, 0.5]))
    assert code == 0
    assert f"activation regions: {n}" in out and "[-1, 1] x [0, 3] x [-2, 0.5]" in out


def test_count_activation_only(capsys, small_model):
    net, path = small_model
    got = run_json(capsys, "count", path, "--activation-only")
    assert got["n_regions"] == plr.count_regions(net) and "n_linear_regions" not in got


# -- errors ------------------------------------------------------------------------------
def assert_clean_error(code, out, err, *fragments):
    assert code != 0 and out == ""
    lines = err.strip().splitlines()
    assert lines[-1].startswith("plregions")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in lines[-1]


def test_missing_file(capsys, tmp_path):
    code, out, err = run(capsys, "count", str(tmp_path / "nope.npz"))
    assert_clean_error(code, out, err, "nope.npz", "no such file")
    assert len(err.strip().splitlines()) == 1


def test_unreadable_and_unknown_files(capsys, tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_text("not a zip")
    assert_clean_error(*run(capsys, "analyze", str(bad)), "bad.npz")
    other = tmp_path / "model.txt"
    other.write_text("W0")
    assert_clean_error(*run(capsys, "count", str(other)), "model.txt")


def test_box_of_wrong_dimension(capsys, small_model):
    _, path = small_model
    code, out, err = run(capsys, "count", path, "--lower", "0", "0", "--upper", "1", "1")
    assert_clean_error(code, out, err, "2-dimensional", "3 inputs")
    assert code == 1


@pytest.mark.parametrize("domain_args", [["--box", "1", "-1"], ["--box", "0", "0"],
                                         ["--lower", "0", "1", "0", "--upper", "1"]])
def test_box_lower_not_below_upper(capsys, small_model, domain_args):
    _, path = small_model
    code, out, err = run(capsys, "count", path, *domain_args)
    assert_clean_error(code, out, err, "lower", "upper")
    assert code == 1


@pytest.mark.parametrize("argv", [
    ["count"],                                              # MODEL missing
    ["frobnicate"],
    ["count", "m.npz", "--box", "0", "1", "--lower", "0"],  # two domains
    ["count", "m.npz", "--lower", "0"],                     # --upper missing
    ["count", "m.npz", "--box", "0", "x"],
])
def test_bad_arguments(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert "error:" in err.strip().splitlines()[-1]


def test_version_and_help(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"plregions {plr.__version__}"
    code, out, _ = run(capsys, "count", "--help")
    assert code == 0 and "--lower" in out and "--box LO HI" in out


# -- bundled networks by name, slice inputs from files ----------------------------------------
def _first_images(*digits):
    X, y, images = plr.load_digits()
    return X, images[[int(np.flatnonzero(y == d)[0]) for d in digits]]


def test_bundled_names_load_the_bundled_networks(capsys, iris):
    got = run_json(capsys, "count", "iris", "--activation-only")
    assert got["architecture"] == "4-8-8-3" and got["n_regions"] == len(plr.partition(iris[2]))
    by_name, default = run_json(capsys, "analyze", "iris"), run_json(capsys, "analyze")
    del by_name["seconds"], default["seconds"]
    assert by_name == default and default["model"] == "bundled Iris network"


def test_a_file_of_a_bundled_name_wins(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "digits").write_text("W0")
    code, out, err = run(capsys, "slice", "digits", "--segment", *["0"] * 128)
    assert_clean_error(code, out, err, "digits")   # the file was read, and refused


def test_slice_digits_through_images_in_files(capsys, tmp_path):
    X, three = _first_images(0, 6, 8)
    np.save(tmp_path / "three.npy", three)             # (3, 8, 8) images, flattened in C order
    got = run_json(capsys, "slice", "digits", "--plane-file", str(tmp_path / "three.npy"),
                   "--margin", "0.25")
    assert (got["n_regions"], got["n_adjacent_pairs"], got["method"]) == (2272, 4440, "plane")
    _, two = _first_images(1, 7)
    np.savetxt(tmp_path / "two.csv", two.reshape(2, 64), delimiter=",")
    got = run_json(capsys, "slice", "digits", "--segment-file", str(tmp_path / "two.csv"))
    assert (got["n_regions"], got["method"]) == (31, "line")
    out_png = tmp_path / "digits.png"
    code, out, err = run(capsys, "plot", "digits", "--plane-file", str(tmp_path / "three.npy"),
                         "--margin", "0.25", "--color-by", "class", "--decision-boundary",
                         "-o", str(out_png))
    assert code == 0, err
    assert "2272 activation regions" in out and out_png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("content, fragment", [
    (np.zeros((2, 64)), "holds 2 rows; it must hold exactly 3 inputs"),
    (np.zeros((3, 63)), "have 63 numbers but the network takes 64 inputs"),
    (np.float64(1.0), "holds a single number"),
], ids=["rows", "width", "scalar"])
def test_bad_input_files(capsys, tmp_path, content, fragment):
    path = tmp_path / "points.npy"
    np.save(path, content)
    assert_clean_error(*run(capsys, "slice", "digits", "--plane-file", str(path)), fragment)


def test_unreadable_input_files(capsys, tmp_path):
    text = tmp_path / "points.txt"
    text.write_text("1 2 x\n")
    assert_clean_error(*run(capsys, "slice", "digits", "--segment-file", str(text)),
                       "not a file of numbers")
    assert_clean_error(*run(capsys, "slice", "digits", "--segment-file",
                            str(tmp_path / "missing.csv")), "cannot read it")
    code, out, err = run(capsys, "slice", "digits", "--plane-file", str(text), "--segment",
                         *["0"] * 128)
    assert code == 2 and "give one domain" in err
