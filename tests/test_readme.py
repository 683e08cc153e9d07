"""The README's Python examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
# A line ``print(...)  # 2272 ...`` promises output whose first word is ``2272``: comments
# whose first word holds a digit are values the README states, checked when it runs.
PROMISE = re.compile(r"^(\s*)print\((.*)\)\s*#\s*(\S*\d\S*?):?(\s.*)?$")


def with_checked_prints(code: str) -> str:
    lines = []
    for line in code.splitlines():
        match = PROMISE.match(line)
        if match:
            indent, args, value, _ = match.groups()
            line = f"{indent}__promise__({value!r}, {args})"
        lines.append(line)
    return "\n".join(lines)


def promise(value, *args):
    printed = " ".join(map(str, args))
    print(printed)
    assert printed.split()[0] == value, f"the README says {value}, the code prints {printed!r}"


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    code = with_checked_prints(BLOCKS[index])
    exec(compile(code, f"README block {index}", "exec"), {"__promise__": promise})


def test_readme_states_values_that_are_checked():
    promised = [line for block in BLOCKS for line in block.splitlines() if PROMISE.match(line)]
    assert any("2272" in line for line in promised) and len(promised) >= 5


def test_readme_opens_with_the_two_setup_commands():
    text = README.read_text()
    first = re.search(r"```bash\n(.*?)```", text, flags=re.S)
    assert first is not None and text.index(first.group(0)) < text.index("##")
    lines = [ln for ln in first.group(1).splitlines() if ln.strip()]
    assert len(lines) == 2
    assert "plregions analyze" in lines[0] and "pytest" in lines[1]
    ci = (README.parent / ".ci" / "run").read_text()
    for line in lines:
        assert line in ci
