"""The command line (in process and once through ``python -m plregions``) and the
bundled Iris data and network it analyses by default."""

import json
import subprocess
import sys
import warnings
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
    box_domain = {"kind": "box", "lower": box.lower.tolist(), "upper": box.upper.tolist()}
    assert got["domain"] == {"kind": "R^d", "dim": 4}
    assert got["box"] == {"domain": box_domain, "n_regions": report.n_regions_box,
                          "n_linear_regions": report.n_linear_regions_box}
    assert got["neurons"]["domain"] == box_domain
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
    box_domain = {"kind": "box", "lower": [-1.0] * 3, "upper": [1.0] * 3}
    assert got["box"]["domain"] == got["neurons"]["domain"] == box_domain
    assert got["data"] is None and got["domain"] == {"kind": "R^d", "dim": 3}
    code, out, _ = run(capsys, "analyze", path)
    assert code == 0 and "box" not in out and f"{got['n_regions']}" in out
    got = run_json(capsys, "analyze", path)
    assert got["box"] is None and got["neurons"]["domain"] == {"kind": "R^d", "dim": 3}


# -- count -------------------------------------------------------------------------------
def test_count_json_keys_and_values(capsys, small_model):
    net, path = small_model
    got = run_json(capsys, "count", path)
    part = plr.partition(net)
    assert {"n_regions", "n_linear_regions", "n_bounded_regions", "n_neurons", "input_dim",
            "seconds"} <= set(got)
    assert (got["n_regions"], got["n_linear_regions"], got["n_bounded_regions"]) == \
        (len(part), part.n_linear_regions, part.n_bounded_regions)
    assert (got["n_neurons"], got["input_dim"]) == (7, 3)
    assert got["domain"] == {"kind": "R^d", "dim": 3}


@pytest.mark.parametrize("domain_args", [
    ["--box", "-0.5", "2"],
    ["--lower", "-0.5", "--upper", "2"],
    ["--lower", "-0.5", "-0.5", "-0.5", "--upper", "2", "2", "2"],
])
def test_count_in_a_box(capsys, small_model, domain_args):
    net, path = small_model
    got = run_json(capsys, "count", path, *domain_args)
    part = plr.partition(net, plr.Box([-0.5] * 3, [2.0] * 3))
    assert got["domain"] == {"kind": "box", "lower": [-0.5] * 3, "upper": [2.0] * 3}
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
    note, _ = err.strip().splitlines()              # and a note says so, on one line
    assert note == ("plregions: note: reading the file digits in the working directory, "
                    "not the bundled network digits (run elsewhere to use the bundled one)")


@pytest.mark.parametrize("name", ["IRIS", "Iris", "DIGITS"])
def test_bundled_names_in_any_case(capsys, name):
    got = run_json(capsys, "count", name, "--box", "5.5", "5.6", "--activation-only")
    assert got["architecture"] == ("4-8-8-3" if name.lower() == "iris" else "64-64-64-64-10")


def test_analyze_by_an_upper_case_name_uses_the_iris_data(capsys):
    got = run_json(capsys, "analyze", "IRIS")
    assert got["model"] == "bundled Iris network" and got["data"]["n_points"] == 150


@pytest.mark.parametrize("command", ["count", "analyze", "slice", "plot"])
def test_unknown_model_names_list_the_bundled_networks(capsys, command):
    extra = {"slice": ["--segment", "0", "1"], "plot": ["--segment", "0", "1", "-o", "x.png"]}
    code, out, err = run(capsys, command, "irs", *extra.get(command, []))
    assert_clean_error(code, out, err, "irs: no such file, and not a bundled network",
                       "bundled name: iris, digits")
    assert len(err.strip().splitlines()) == 1


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


# -- plot: output file and resolution, checked while parsing ---------------------------------
IRIS_PLANE = ["--plane", "5", "3", "1.4", "0.2", "6", "2.8", "4.3", "1.3", "6.5", "3", "5.5",
              "2"]


@pytest.mark.parametrize("argv, fragment", [
    (["-o", "dg.xyz"], "argument -o/--file: cannot write '.xyz' images; give a file ending "
                       "in one of"),
    (["-o", "dg.png", "--dpi", "0"], "argument --dpi: expected 10 to 1200 dots per inch, got 0"),
    (["-o", "dg.png", "--dpi", "-5"], "expected 10 to 1200 dots per inch, got -5"),
    (["-o", "dg.png", "--dpi", "100000"], "expected 10 to 1200 dots per inch, got 100000"),
    (["-o", "dg.png", "--dpi", "7.5"], "expected a whole number of dots per inch"),
    (["-o", "no/such/dir/dg.png"], "no directory 'no/such/dir'"),
], ids=["format", "dpi0", "dpi-5", "dpi-huge", "dpi-float", "folder"])
def test_plot_refuses_bad_output_and_dpi(capsys, tmp_path, monkeypatch, argv, fragment):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "plot", "iris", *IRIS_PLANE, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert fragment in err.strip().splitlines()[-1]
    assert list(tmp_path.iterdir()) == []


def test_plot_without_suffix_writes_and_names_a_png(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "plot", "iris", *IRIS_PLANE, "-o", "noext", "--dpi", "20")
    assert code == 0, err
    assert out.startswith("wrote noext.png: ")
    assert [p.name for p in tmp_path.iterdir()] == ["noext.png"]
    got = run_json(capsys, "plot", "iris", *IRIS_PLANE, "-o", "pic.svg", "--dpi", "20")
    assert got["file"] == "pic.svg" and (tmp_path / "pic.svg").read_text().startswith("<?xml")
    assert got["domain"]["kind"] == "plane" and len(got["domain"]["origin"]) == 4


def test_plot_region_limit_says_nothing_is_drawn(capsys, tmp_path):
    code, out, err = run(capsys, "plot", "iris", *IRIS_PLANE, "-o", str(tmp_path / "a.png"),
                         "--max-regions", "3")
    assert_clean_error(code, out, err, "more than --max-regions 3, so nothing is drawn; "
                                       "draw a smaller plane (a smaller --margin, or closer "
                                       "points)")
    assert "count" not in err


@pytest.mark.parametrize("domain, remedy", [
    (["--origin", *"0000", "--u", *"1000", "--v", *"0100"],
     "count a smaller part of the plane (--bounds S0 S1 T0 T1)"),
    (["--origin", *"0000", "--u", *"1000", "--v", *"0100", "--bounds", "-9", "9", "-9", "9"],
     "count a smaller part of the plane (narrower --bounds)"),
    (["--segment", *"0000", "9", "9", "9", "9"], "count a shorter segment (closer ends)"),
], ids=["whole-plane", "bounds", "segment"])
def test_slice_region_limit_names_the_options_given(capsys, domain, remedy):
    code, out, err = run(capsys, "slice", "iris", *domain, "--max-regions", "1")
    assert_clean_error(code, out, err, remedy)
    assert "--margin" not in err


# -- --trusted and --backend on every command that loads a model ------------------------------
@pytest.mark.parametrize("backend", ["daqp", "highs"])
def test_slice_and_plot_take_backend_and_trusted(capsys, tmp_path, small_model, backend):
    net, path = small_model
    a, b, c = np.random.default_rng(3).normal(size=(3, 3))
    plane = ["--plane", *map(str, np.concatenate([a, b, c]))]
    got = run_json(capsys, "slice", path, *plane, "--backend", backend, "--trusted")
    assert got["n_regions"] == len(plr.partition(net, plr.Plane.through(a, b, c)))
    assert got["domain"]["kind"] == "plane"
    code, out, err = run(capsys, "plot", path, *plane, "--backend", backend, "--trusted",
                         "-o", str(tmp_path / "p.png"), "--dpi", "20")
    assert code == 0, err and f"wrote {tmp_path / 'p.png'}" in out
    got = run_json(capsys, "slice", path, "--segment", *map(str, np.concatenate([a, b])))
    assert got["domain"] == {"kind": "segment", "start": a.tolist(), "end": b.tolist()}


@pytest.mark.parametrize("command", ["count", "slice"])
def test_pt_messages_name_the_command_line_options(capsys, tmp_path, command):
    torch = pytest.importorskip("torch")
    path = tmp_path / "weights.pt"
    torch.save(torch.nn.Linear(2, 1).state_dict(), path)
    extra = ["--segment", "0", "0", "1", "1"] if command == "slice" else []
    code, out, err = run(capsys, command, str(path), *extra)
    assert_clean_error(code, out, err, "pass --trusted", "use Python: plregions.load_network("
                       "path, module=<an instance of the model class>)")
    assert "trusted=True" not in err
    code, out, err = run(capsys, command, str(path), *extra, "--trusted")
    assert_clean_error(code, out, err, "holds a state_dict (weights only, no architecture), "
                                       "not a torch.nn.Module")
    (tmp_path / "garbage.pt").write_text("hello\n")
    code, out, err = run(capsys, command, str(tmp_path / "garbage.pt"), *extra, "--trusted")
    assert_clean_error(code, out, err, "not a PyTorch model or state_dict that torch.load "
                                       "can read")


# -- the width-bound warning, box descriptions, affine networks -------------------------------
def test_count_in_a_box_does_not_warn_about_all_of_r_d(capsys):
    box = ["--lower", "5.5", "2.8", "3.5", "1", "--upper", "6", "3", "4", "1.3"]
    code, out, err = run(capsys, "count", "iris", *box, "--max-regions", "28")
    assert code == 0 and err == "" and "activation regions: 28" in out
    code, out, err = run(capsys, "count", "iris", "--max-regions", "28")
    assert code == 1 and err.startswith("plregions: warning: 4-8-8-3 may have up to 26,569")


def test_analyze_with_a_box_warns_that_it_counts_all_of_r_d_too(capsys, small_model):
    _, path = small_model
    code, out, err = run(capsys, "analyze", path, "--box", "-1", "1", "--max-regions", "2")
    assert code == 1 and out == ""
    warning = err.strip().splitlines()[0]
    assert warning.startswith("plregions: warning: 3-4-3-2 may have up to")
    assert "analyze counts all of R^d as well as the box" in warning


@pytest.mark.parametrize("lower, upper, text", [
    ([7.9] * 64, [8.0] * 64, "[7.9, 8]^64"),
    ([0, 0, 0, -1], [1, 1, 1, 2], "[0, 1]^3 x [-1, 2]"),
    ([0, 1, 0], [1, 2, 1], "[0, 1] x [1, 2] x [0, 1]"),
    (list(range(64)), list(range(1, 65)),
     "[0, 1] x [1, 2] x [2, 3] x [3, 4] x ... x [63, 64] (a box of R^64)"),
])
def test_box_descriptions_stay_short(lower, upper, text):
    from plregions.plotting.cli_commands import describe_box

    assert describe_box(lower, upper) == text


def test_count_prints_a_64_dimensional_box_in_one_short_line(capsys, tmp_path):
    rng = np.random.default_rng(9)
    path = tmp_path / "wide.npz"
    plr.save_network(plr.from_arrays([rng.normal(size=(3, 64)), np.ones((1, 3))],
                                     [rng.normal(size=3), [0.0]]), path)
    code, out, err = run(capsys, "count", str(path), "--lower", "7.9", "--upper", "8")
    assert code == 0, err
    assert "in the box [7.9, 8]^64:" in out.splitlines()


def test_analyze_an_affine_network_of_three_inputs(capsys, tmp_path):
    path = tmp_path / "aff3.npz"
    plr.save_network(plr.from_arrays([np.ones((2, 3))], [np.zeros(2)]), path)
    got = run_json(capsys, "analyze", str(path), "--box", "-1", "1")
    assert (got["n_regions"], got["n_bounded_regions"], got["box"]["n_regions"]) == (1, 0, 1)


def test_plot_legends_name_the_classes_of_bundled_networks(capsys, tmp_path, monkeypatch):
    from plregions.cli import bundled_class_names

    assert bundled_class_names("IRIS") == ["setosa", "versicolor", "virginica"]
    assert bundled_class_names("digits") == [str(k) for k in range(10)]
    monkeypatch.chdir(tmp_path)
    assert bundled_class_names("model.npz") is None
    (tmp_path / "iris").write_text("W0")
    assert bundled_class_names("iris") is None           # the file, not the bundled network
    code, out, err = run(capsys, "plot", "digits", *["--segment", *["0"] * 64, *["1"] * 64],
                         "--color-by", "class", "-o", "seg.png", "--dpi", "20")
    assert code == 0, err


# -- what the tester found: output files, slices required, usage errors, pipes, JSON keys -------
@pytest.mark.parametrize("target, fragment", [
    ("outdir/", "'outdir/' is a directory; give an image file in it, such as outdir/plot.png"),
    ("outdir", "'outdir' is a directory; give an image file in it, such as outdir/plot.png"),
    ("-", "plot writes an image file, not standard output; give a file name such as "
          "plot.png"),
    ("outdir/.png", "'outdir/.png' is a suffix without a name; give a file name such as "
                    "outdir/plot.png"),
], ids=["slash", "directory", "stdout", "suffix"])
def test_plot_refuses_outputs_that_name_no_file(capsys, tmp_path, monkeypatch, target,
                                                fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "outdir").mkdir()
    code, out, err = run(capsys, "plot", "iris", *IRIS_PLANE, "-o", target)
    assert code == 2 and out == ""
    assert "usage: plregions plot" in err and fragment in err.strip().splitlines()[-1]
    assert [p.name for p in tmp_path.iterdir()] == ["outdir"]
    assert list((tmp_path / "outdir").iterdir()) == []


def test_plot_writes_the_file_it_names(capsys, tmp_path, monkeypatch):
    # A suffix in capitals, and a hidden file: written under the name printed.
    monkeypatch.chdir(tmp_path)
    for target in ("pic.PNG", ".pic.png"):
        code, out, err = run(capsys, "plot", "iris", *IRIS_PLANE, "-o", target, "--dpi", "20")
        assert (code, err) == (0, "") and out.startswith(f"wrote {target}: ")
        assert (tmp_path / target).read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".pic.png", "pic.PNG"]


@pytest.mark.parametrize("argv, fragment", [
    (["slice", "iris"], "slice counts the regions on a plane or a segment of the input space "
                        "of 4-8-8-3, which takes 4 inputs; give one with --plane, "
                        "--plane-file, --origin/--u/--v, --segment or --segment-file (to "
                        "count all of R^4 or a box, use plregions count iris [--box LO HI], "
                        "or plregions analyze iris)"),
    (["slice", "digits", "--box", "0", "1"], "--box gives a box of R^64, not a slice"),
    (["plot", "iris", "-o", "x.png"], "plot draws a plane or a segment of the input space of "
                                      "4-8-8-3, which takes 4 inputs"),
    (["slice", "iris", "--plane", "1", "2", "3"],
     "--plane has 3 numbers but 4-8-8-3 takes 4 inputs; give three inputs of 4 numbers "
     "each (12 numbers)"),
    (["slice", "iris", "--plane", *map(str, range(24))], "--plane has 24 numbers"),
    (["slice", "iris", "--segment", "1", "2"], "--segment has 2 numbers but 4-8-8-3 takes 4"),
    (["slice", "iris", "--origin", "0", "--u", *"1000", "--v", *"0100"],
     "--origin has 1 numbers but 4-8-8-3 takes 4 inputs"),
    (["slice", "iris", "--segment", *"00001111", "--lower", "0", "0", "--upper", "1", "1"],
     "give one domain"),
    (["slice", "iris", "--plane", *map(str, range(12)), "--margin", "-1"],
     "argument --margin: expected a margin >= 0 (a fraction of the points' extent; 0: none), "
     "got -1"),
    (["slice", "iris", "--plane", *map(str, range(12)), "--margin", "nan"],
     "expected a margin >= 0"),
    (["slice", "iris", "--origin", *"0000", "--u", *"1000", "--v", *"0100", "--margin", "1"],
     "--margin goes with --plane or --plane-file (the margin around the three points); "
     "with --origin/--u/--v, give --bounds S0 S1 T0 T1"),
    (["slice", "iris", "--segment", *"00001111", "--margin", "1"], "--margin goes with"),
], ids=["slice-no-domain", "slice-box", "plot-no-domain", "plane-3", "plane-24", "segment-2",
        "origin-1", "two-domains", "margin-negative", "margin-nan", "margin-origin",
        "margin-segment"])
def test_domain_arguments_that_do_not_fit_are_usage_errors(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "Traceback" not in err
    assert f"usage: plregions {argv[0]}" in err
    assert fragment in err.strip().splitlines()[-1]


def test_unknown_options_print_the_usage_of_their_command(capsys):
    code, out, err = run(capsys, "slice", "iris", "--plane", *map(str, range(12)), "--bogus")
    assert code == 2 and out == ""
    assert err.startswith("usage: plregions slice ")
    assert err.strip().splitlines()[-1] == ("plregions slice: error: unrecognized arguments: "
                                            "--bogus")


class ClosedPipe:
    """A stdout whose reader has gone."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_ends_the_run_quietly(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["slice", "iris", *IRIS_PLANE, "--json"]) == 141
    monkeypatch.undo()
    assert capsys.readouterr().err == ""
    # And as a real process, whose stdout is closed before it writes (no message at exit).
    with subprocess.Popen([sys.executable, "-m", "plregions", "slice", "iris", *IRIS_PLANE,
                           "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          cwd=tmp_path) as child:
        child.stdout.close()
        err = child.stderr.read().decode()
        code = child.wait(timeout=300)
    assert (code, err) == (141, "")


def _documented_keys() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Command line and the main job")
    return text[start:text.index("\n## ", start + 1)]


def test_every_json_key_is_documented_in_the_readme(capsys, tmp_path, small_model):
    _, path = small_model
    two = tmp_path / "two.npz"
    plr.save_network(plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]],
                                     [[0.0, 0.0], [0.0]]), two)
    outputs = {
        "count": run_json(capsys, "count", path),
        "count --box": run_json(capsys, "count", path, "--box", "-1", "1"),
        "analyze": run_json(capsys, "analyze", path, "--box", "-1", "1"),
        "slice": run_json(capsys, "slice", "iris", *IRIS_PLANE),
        "slice R^2": run_json(capsys, "slice", str(two)),
        "slice --segment": run_json(capsys, "slice", path, "--segment", *"000111"),
        "plot": run_json(capsys, "plot", str(two), "-o", str(tmp_path / "p.png"), "--dpi",
                         "20"),
        "plot --segment": run_json(capsys, "plot", path, "--segment", *"000111", "-o",
                                   str(tmp_path / "s.png"), "--dpi", "20"),
    }
    section = _documented_keys()
    for command, got in outputs.items():
        for key in got:
            assert f"`{key}`" in section, f"{command} --json prints {key!r}, undocumented"
    for command in ("count", "analyze", "slice", "plot"):
        for key in ("n_regions", "n_linear_regions", "n_neurons", "input_dim", "architecture",
                    "domain", "seconds"):
            assert key in outputs[command], (command, key)
    assert "n_bounded_regions" in outputs["plot"] and "n_bounded_regions" in outputs["count"]
    assert "n_polygon_edges" in outputs["slice"] and "n_edges" not in outputs["slice"]


def test_plot_without_a_window_names_the_option_and_warnings_take_one_line(
        capsys, tmp_path, monkeypatch):
    net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[-3e8, 5e8], [0.0]])
    path = str(tmp_path / "far.npz")
    plr.save_network(net, path)
    general = plr.partition(net, method="layerwise")

    def declined(*args, **kwargs):  # as when the 2-D engine declines lines far out
        warnings.warn("the exact 2-D engine declined this domain", plr.EngineFallbackWarning,
                      stacklevel=2)
        return general

    monkeypatch.setattr("plregions.plotting.cli_commands.partition", declined)
    with warnings.catch_warnings():
        warnings.simplefilter("always", plr.EngineFallbackWarning)
        code, out, err = run(capsys, "plot", path, "-o", str(tmp_path / "far.png"))
    assert (code, out) == (1, "")
    warning, error = err.strip().splitlines()
    assert warning == "plregions: warning: the exact 2-D engine declined this domain"
    assert error.startswith("plregions: error: plot cannot bound the picture: the general "
                            "engine partitioned all of R^2")
    assert "pass --window XLO XHI YLO YHI, for instance --window " in error
    assert error.endswith("or draw a box (--box LO HI)") and "window=" not in error
    assert list(tmp_path.iterdir()) == [tmp_path / "far.npz"]
