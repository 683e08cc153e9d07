"""The code base passes its linter (ruff, configured in pyproject.toml; a test extra)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert "No module named ruff" not in run.stderr, "install the test extras: '.[test]'"
    assert run.returncode == 0, run.stdout + run.stderr
