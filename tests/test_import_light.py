"""``import plregions`` stays light, and the importers depend only on the network layer."""

import ast
import json
import pathlib
import subprocess
import sys

import plregions

HEAVY = ("torch", "onnx", "onnxruntime", "onnxscript", "sklearn", "dask")
IMPORTERS = pathlib.Path(plregions.__file__).parent / "importers"


def test_import_plregions_loads_no_heavy_optional_package():
    code = ("import json, sys; import plregions; "
            f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == []


def test_importers_are_exported():
    for name in ("from_torch", "from_onnx", "from_sklearn", "load_network"):
        assert name in plregions.__all__
        assert callable(getattr(plregions, name))


def module_imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module


def test_importers_import_only_network_and_errors():
    allowed = ("plregions.network", "plregions.errors", "plregions.importers")
    files = sorted(IMPORTERS.rglob("*.py"))
    assert len(files) >= 5
    for path in files:
        for name in module_imports(path):
            if name.split(".")[0] == "plregions":
                assert name.startswith(allowed), f"{path.name} imports {name}"


def test_heavy_packages_are_imported_inside_functions_only():
    for path in sorted(IMPORTERS.rglob("*.py")):
        top_level = ast.parse(path.read_text()).body
        for node in top_level:
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in HEAVY, f"{path.name} imports {name} at import"
