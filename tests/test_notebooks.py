"""The notebooks and the expressivity benchmark scripts run, in their small settings.

Every script in ``benchmarks/expressivity`` runs as a subprocess (warnings as errors) with
a temporary ``--out`` CSV and ``--plot`` PNG; its own assertions (counts within their
bounds, constructions at their exact counts) must pass, and the CSV is checked again
here. Every notebook is executed with nbclient on the ``python3`` kernel and must run
without errors and without writing to stderr (where warnings go). The notebooks in git
carry no outputs and match ``notebooks/make_notebooks.py``.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SCRIPTS = ROOT / "benchmarks" / "expressivity"

COLUMNS = {
    "depth_vs_width": ["family", "d", "depth", "width", "n_neurons", "seed", "domain",
                       "n_regions", "n_linear_regions", "expected", "first_layer",
                       "general_position", "montufar_bound", "serra_bound", "seconds"],
    "initialization": ["init", "bias_scale", "d", "depth", "width", "n_neurons", "seed",
                       "n_regions_box", "box_volume", "regions_per_volume", "n_lines",
                       "line_length", "transitions_per_length", "max_pieces_on_line",
                       "serra_bound", "serra_bound_line", "seconds"],
    "training": ["seed", "epoch", "loss", "accuracy", "n_regions_box", "n_occupied_regions",
                 "n_points", "n_points_alone", "n_regions_slice", "n_lines",
                 "mean_pieces_line", "transitions_per_length", "serra_bound_box",
                 "serra_bound_slice", "serra_bound_line", "seconds"],
    "activations": ["activation", "d", "depth", "width", "n_neurons", "seed", "domain",
                    "n_regions", "n_linear_regions", "montufar_bound", "serra_bound",
                    "seconds"],
    "dead_neurons": ["condition", "lr", "seed", "epochs", "loss", "accuracy", "n_neurons",
                     "n_dead_box", "n_dead_data", "n_always_active_box", "n_regions_box",
                     "n_regions_pruned", "mean_active_regions", "mean_active_points",
                     *[f"regions_active_bin{k}" for k in range(8)], "serra_bound",
                     "seconds"],
}
# Scripts whose small run takes more than about 30 s here are marked slow.
SLOW_SCRIPTS: set[str] = set()

# jupyter_core warns about its coming move to platformdirs when JUPYTER_PLATFORM_DIRS is
# unset; harmless for executing notebooks.
JUPYTER_PATHS = pytest.mark.filterwarnings(
    "ignore:Jupyter is migrating its paths:DeprecationWarning")


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory):
    """One folder for the scripts' CSVs, shared with the expressivity notebook."""
    return tmp_path_factory.mktemp("expressivity_results")


def run_script(name: str, folder: Path) -> list[dict]:
    out, png = folder / f"{name}.csv", folder / f"{name}.png"
    proc = subprocess.run(
        [sys.executable, "-W", "error", str(SCRIPTS / f"{name}.py"), "--out", str(out),
         "--plot", str(png), "--quiet"],
        capture_output=True, text=True, timeout=900, cwd=folder)
    assert proc.returncode == 0, f"{name}.py failed:\n{proc.stderr[-4000:]}"
    assert png.stat().st_size > 1000
    with out.open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS[name]
        rows = list(reader)
    assert rows, f"{name}.py wrote no rows"
    return rows


def num(row, key):
    return float(row[key]) if row[key] != "" else None


def check_depth_vs_width(rows):
    for row in rows:
        n = num(row, "n_regions")
        assert n <= num(row, "serra_bound") <= num(row, "montufar_bound")
        if row["family"] == "random" and row["domain"] == "R^d":
            assert num(row, "first_layer") <= n
        if row["family"] != "random":
            assert n == num(row, "expected")
        if row["family"] == "telgarsky":
            assert n == 2 ** int(row["depth"])
        if row["family"] == "serra" and row["d"] == "1" and int(row["width"]) >= 3:
            assert n == num(row, "serra_bound")      # Serra's bound is exact for one input
    families = {row["family"] for row in rows}
    assert families == {"random", "montufar", "serra", "telgarsky"}


def check_initialization(rows):
    zero_bias = {}
    for row in rows:
        assert num(row, "n_regions_box") <= num(row, "serra_bound")
        assert num(row, "max_pieces_on_line") <= num(row, "serra_bound_line")
        if num(row, "bias_scale") == 0:
            zero_bias.setdefault((row["depth"], row["seed"]), set()).add(row["n_regions_box"])
    assert zero_bias and all(len(v) == 1 for v in zero_bias.values())


def check_training(rows):
    for row in rows:
        assert num(row, "n_regions_box") <= num(row, "serra_bound_box")
        assert num(row, "n_regions_slice") <= num(row, "serra_bound_slice")
        assert num(row, "n_occupied_regions") <= min(num(row, "n_regions_box"),
                                                     num(row, "n_points"))
        assert num(row, "n_points_alone") <= num(row, "n_occupied_regions")
    assert num(rows[-1], "accuracy") > 0.9


def check_activations(rows):
    for row in rows:
        n, n_lin = num(row, "n_regions"), num(row, "n_linear_regions")
        assert 1 <= n_lin <= n <= num(row, "montufar_bound")
        if row["activation"] == "relu":
            assert n <= num(row, "serra_bound")
        if row["activation"] == "identity":
            assert n == n_lin == 1


def check_dead_neurons(rows):
    for row in rows:
        assert num(row, "n_regions_pruned") == num(row, "n_regions_box")
        assert num(row, "n_dead_box") <= num(row, "n_dead_data")
        hist = sum(num(row, f"regions_active_bin{k}") for k in range(8))
        assert hist == num(row, "n_regions_box")
        assert num(row, "n_regions_box") <= num(row, "serra_bound")


CHECKS = {"depth_vs_width": check_depth_vs_width, "initialization": check_initialization,
          "training": check_training, "activations": check_activations,
          "dead_neurons": check_dead_neurons}


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.slow) if name in SLOW_SCRIPTS else name
    for name in COLUMNS])
def test_expressivity_script(name, results_dir):
    CHECKS[name](run_script(name, results_dir))


def execute(path: Path, timeout: int = 600):
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    stderr = [out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
              if out.get("output_type") == "stream" and out.get("name") == "stderr"]
    assert not stderr, f"{path.name} wrote to stderr (a warning?):\n" + "\n".join(stderr)
    return nb


@JUPYTER_PATHS
def test_tutorial_notebook():
    nb = execute(NOTEBOOKS / "01_tutorial.ipynb")
    images = [out for cell in nb.cells for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert len(images) >= 5


@JUPYTER_PATHS
def test_real_data_notebook():
    execute(NOTEBOOKS / "03_real_data.ipynb")


@JUPYTER_PATHS
def test_expressivity_notebook(results_dir, monkeypatch):
    # Reads the CSVs the script tests above wrote (about 10 s); alone, it runs the five
    # scripts itself first (under a minute).
    monkeypatch.setenv("PLREGIONS_RESULTS", str(results_dir))
    nb = execute(NOTEBOOKS / "02_expressivity.ipynb", timeout=900)
    images = [out for cell in nb.cells for out in cell.get("outputs", [])
              if "image/png" in out.get("data", {})]
    assert len(images) == len(COLUMNS)


def test_notebooks_are_generated_and_stripped():
    proc = subprocess.run([sys.executable, str(NOTEBOOKS / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    import nbformat

    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name
        assert os.sep + "tmp" + os.sep not in path.read_text(encoding="utf-8")
