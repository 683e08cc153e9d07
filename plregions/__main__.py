"""``python -m plregions``: the command line (see :mod:`plregions.cli`)."""

from plregions.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
