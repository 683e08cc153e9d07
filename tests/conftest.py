"""Shared pytest configuration: slow tests run only on request.

Tests marked ``@pytest.mark.slow`` are deselected unless ``PLREGIONS_SLOW=1`` is set in the
environment or the marker expression (``-m ...``) mentions ``slow``.
"""

import os


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PLREGIONS_SLOW") == "1" or "slow" in (config.getoption("markexpr") or ""):
        return
    keep = [item for item in items if item.get_closest_marker("slow") is None]
    dropped = [item for item in items if item.get_closest_marker("slow") is not None]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep
