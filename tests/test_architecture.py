"""Imports run one way (DESIGN.md section 2, STYLE.md habit 1) and optional packages stay
optional (habit 5).

The pipeline: importers -> network -> geometry -> engines -> partition -> analysis ->
plotting, CLI. Each module may import only from earlier stages (and ``errors``); the test
reads the source with ``ast``, so imports inside functions count too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plregions"

FOUNDATION = {"errors"}
ALLOWED = {
    "errors": set(),
    "network": FOUNDATION,
    "geometry": FOUNDATION,
    "engines": FOUNDATION | {"network", "geometry"},
    "importers": FOUNDATION | {"network"},
    "partition": FOUNDATION | {"network", "geometry", "engines"},
    "analysis": FOUNDATION | {"network", "geometry", "engines", "partition"},
    "plotting": FOUNDATION | {"network", "geometry", "engines", "partition", "analysis"},
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(path: Path, name: str | None = None) -> list[tuple[str, str | None, int]]:
    """Every plregions import in a file: (module, imported name or None, line).

    ``name`` is the file's dotted module name (derived from its path by default).
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    name = name or module_name(path)
    package = name if is_package(path) else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names
                      if alias.name.split(".")[0] == "plregions"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "plregions":
                continue
            for alias in node.names:
                sub = PACKAGE.parent.joinpath(*module.split("."), alias.name)
                if sub.with_suffix(".py").exists() or (sub / "__init__.py").exists():
                    found.append((f"{module}.{alias.name}", None, node.lineno))
                else:
                    found.append((module, alias.name, node.lineno))
    return found


def stage_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def source_files():
    return sorted(PACKAGE.rglob("*.py"))


def public_names() -> set[str]:
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("plregions/__init__.py defines no __all__")


def lp_names() -> set[str]:
    tree = ast.parse((PACKAGE / "geometry" / "lp.py").read_text())
    names = {node.name for node in tree.body
             if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__"
                                                for t in node.targets):
            names |= set(ast.literal_eval(node.value))
    return names


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_imports_run_one_way(stage):
    folder = PACKAGE / stage
    files = [folder.with_suffix(".py")] if stage == "errors" else sorted(folder.rglob("*.py"))
    violations = []
    for path in files:
        if not path.exists():
            continue
        for module, _, line in imports_of(path):
            target = stage_of(module)
            if target == stage:
                continue
            if target is None or target not in ALLOWED[stage]:
                violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}")
    assert not violations, f"{stage} may import only {sorted(ALLOWED[stage])}:\n" + "\n".join(
        violations)


def test_plotting_never_solves_an_lp():
    lp = lp_names()
    violations = []
    for path in sorted((PACKAGE / "plotting").rglob("*.py")):
        for module, name, line in imports_of(path):
            if module == "plregions.geometry.lp" or (module == "plregions.geometry"
                                                     and name in lp):
                violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports "
                                  f"{module}{'.' + name if name else ''}")
    assert not violations, "\n".join(violations)


def cli_files():
    return [p for p in [PACKAGE / "cli.py", PACKAGE / "__main__.py",
                        *sorted((PACKAGE / "cli").rglob("*.py"))] if p.exists()]


def public_attribute_uses(path: Path) -> list[tuple[str, int]]:
    """``plr.name`` uses in a file, for every alias ``plr`` of ``import plregions``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases = {alias.asname or alias.name for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names
               if alias.name == "plregions"}
    return [(node.attr, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.value.id in aliases]


def test_cli_uses_only_the_public_api():
    files = cli_files()
    if not files:
        pytest.skip("no CLI module yet")
    public = public_names()
    violations = []
    for path in files:
        own = module_name(path).split(".")[:2]
        for module, name, line in imports_of(path):
            if module.split(".")[:2] == own:  # the CLI's own submodules
                continue
            if module == "plregions" and (name is None or name in public):
                continue
            if module == "plregions.cli" and path.name == "__main__.py":
                continue  # python -m plregions runs the CLI
            if module == "plregions.plotting.cli_commands":
                continue  # the plot and slice subcommands live with the plotting stage
            violations.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"
                              f"{'.' + name if name else ''}")
        violations += [f"{path.relative_to(PACKAGE.parent)}:{line} uses plregions.{attr}, "
                       "which is not in plregions.__all__"
                       for attr, line in public_attribute_uses(path)
                       if attr not in public and not attr.startswith("__")]
    assert not violations, "the CLI may import only `plregions` and its __all__:\n" + \
        "\n".join(violations)


def test_the_checker_sees_relative_and_function_level_imports(tmp_path):
    """The ast walk resolves relative imports and finds imports inside functions."""
    fake = tmp_path / "fake.py"
    fake.write_text("def f():\n    from ..geometry import lp\n"
                    "    import plregions.engines.brute\n    from . import network\n")
    found = {m for m, _, _ in imports_of(fake, "plregions.network.fake")}
    assert found == {"plregions.geometry.lp", "plregions.engines.brute",
                     "plregions.network.network"}
    assert stage_of("plregions.geometry.lp") == "geometry"
    assert any(m == "plregions.errors" for m, _, _ in imports_of(PACKAGE / "network"
                                                                 / "network.py"))


HEAVY = ["torch", "onnx", "onnxruntime", "sklearn", "dask", "matplotlib.pyplot"]


def test_import_plregions_stays_light():
    code = ("import sys, plregions\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"import plregions loaded {result.stdout.strip()}"
