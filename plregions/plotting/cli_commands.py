"""The ``plot`` and ``slice`` subcommands of the ``plregions`` command line.

They register on the main parser's subcommands with :func:`add_plot_parser` and
:func:`add_slice_parser`; each sets ``run`` (the handler, called as
``run(args, subparser)`` and returning the exit code) and ``subparser`` as defaults, like
the other subcommands. Handlers only parse, call the library and print; plregions errors
propagate to the main CLI, which turns them into one line on stderr. The main CLI hands
in its model loader (``plregions.load_network``, which reads .npz, .onnx and .pt files);
without it only .npz networks load, since this module sits in the plotting stage and does
not import the importers.

``plregions plot MODEL DOMAIN -o FILE.png [--kind regions|graph|surface] [--color-by ..]
[--window XLO XHI YLO YHI] [--points FILE [--labels FILE]] [--class-names NAME ..]``
``plregions slice MODEL DOMAIN [--json]``

Both take ``--max-regions N`` (default 1,000,000; ``0`` or ``none``: no limit): with more
regions than that on the slice, the library raises
:class:`~plregions.errors.RegionLimitError` and nothing is drawn or printed but the
error. Both take ``--trusted`` and ``--backend`` like ``count`` and ``analyze``
(:func:`add_model_arguments`). ``plot -o FILE`` must end in a format matplotlib writes
(no suffix: ``.png``), and be neither ``-`` nor a directory, so that the file written is
the file named; ``--dpi`` lies in :data:`DPI_RANGE`; both are checked while parsing,
before any model is loaded. With ``--json``, both print the counts every command prints
(the domain as an object with a ``"kind"`` field, :func:`domain_json`) and keys of their
own; README.md lists every key.

DOMAIN is one of ``--plane P1 P2 P3`` (3 x n_in numbers: the plane through three inputs,
with ``--margin``), ``--plane-file FILE`` (the same three inputs as the rows of a file),
``--origin O --u U --v V [--bounds S0 S1 T0 T1]``, ``--segment A B`` (2 x n_in numbers)
or ``--segment-file FILE``, or for a 2-input or 1-input network ``--box LO HI`` /
``--lower .. --upper ..`` (nothing: all of R^n_in). Numbers that do not fit the network,
a ``--margin`` below 0 or without a plane through points, and a network of more than two
inputs without a slice are usage errors (exit 2), checked once the model is loaded and
before anything is computed.

``plot`` refuses, with a usage error (exit 2), drawing options that mean nothing for the
picture asked for (``--color-by`` on a region graph, ``--kind graph`` on a segment, ...)
instead of ignoring them. Figures are saved with tight bounding boxes, with a legend for
classes and a colour bar for an output; pictures of a 2-D domain are sized from the drawn
window's aspect ratio, surfaces and pictures along a segment have fixed sizes
(:data:`~plregions.plotting.regions.SURFACE_FIGSIZE`,
:data:`~plregions.plotting.pieces.PIECES_FIGSIZE`). The window is ``--window``, else the
partition's own; a partition of all of R^2 by the general engine has none, and the error
suggests a ``--window``.
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from plregions.engines.line import affine_pieces
from plregions.errors import InvalidArgumentError, InvalidDomainError
from plregions.geometry.domains import Box
from plregions.geometry.slices import Plane, Segment
from plregions.network import Network, load_npz
from plregions.partition import partition
from plregions.plotting.pieces import PIECES_FIGSIZE, plot_affine_pieces
from plregions.plotting.polygons import (
    default_window,
    format_window,
    interior_window,
    plot_window,
)
from plregions.plotting.regions import (
    COLOR_BY,
    SURFACE_FIGSIZE,
    figure_size,
    plot_partition,
    plot_region_graph,
    plot_surface,
)

__all__ = ["add_plot_parser", "add_slice_parser", "add_max_regions_argument",
           "add_model_arguments", "describe_box", "domain_json", "DEFAULT_MAX_REGIONS",
           "DPI_RANGE"]

DEFAULT_MAX_REGIONS = 1_000_000
"""The command line's default ``--max-regions``."""

DOMAIN_HELP = """\
the slice or domain, one of:
  --plane X.. Y.. Z..           the plane through three inputs (3 x n_in numbers, one
                                input after the other), bounded around them (--margin M)
  --plane-file FILE             the same, the three inputs being the rows of FILE (.npy,
                                or text: .csv, .txt; images are flattened in C order)
  --origin O.. --u U.. --v V..  the plane origin + s u + t v, with --bounds S0 S1 T0 T1
                                (without --bounds: the whole plane)
  --segment A.. B..             the segment from input A to input B (2 x n_in numbers)
  --segment-file FILE           the same, A and B being the two rows of FILE
  --box LO HI                   the square [LO, HI]^n_in (2-input or 1-input networks)
  --lower L.. --upper U..       a box, one bound per input (or one for all)
  (nothing)                     all of R^n_in, for a 2-input or 1-input network
A network of more than two inputs needs a plane or a segment (plregions count and
analyze count all of R^d or a box)."""


def _add_domain_arguments(parser: argparse.ArgumentParser, segment: bool = True) -> None:
    group = parser.add_argument_group("domain", DOMAIN_HELP)
    group.add_argument("--plane", nargs="+", type=float, metavar="X",
                       help="three inputs the plane passes through (3 x n_in numbers)")
    group.add_argument("--plane-file", metavar="FILE",
                       help="a .npy, .csv or .txt file whose three rows are the inputs the "
                            "plane passes through")
    group.add_argument("--margin", type=_margin, default=None, metavar="M",
                       help="with --plane or --plane-file: margin around the three points, "
                            f"as a fraction of their extent, >= 0 (default {DEFAULT_MARGIN})")
    group.add_argument("--origin", nargs="+", type=float, metavar="O")
    group.add_argument("--u", nargs="+", type=float, metavar="U")
    group.add_argument("--v", nargs="+", type=float, metavar="V")
    group.add_argument("--bounds", nargs=4, type=float, metavar=("S0", "S1", "T0", "T1"),
                       help="with --origin/--u/--v: the parameter rectangle")
    if segment:
        group.add_argument("--segment", nargs="+", type=float, metavar="X",
                           help="the segment between two inputs (2 x n_in numbers)")
        group.add_argument("--segment-file", metavar="FILE",
                           help="a .npy, .csv or .txt file whose two rows are the ends of "
                                "the segment")
    group.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"))
    group.add_argument("--lower", nargs="+", type=float, metavar="L")
    group.add_argument("--upper", nargs="+", type=float, metavar="U")


DEFAULT_MARGIN = 0.1
"""The default ``--margin`` of ``--plane`` and ``--plane-file``."""


def _margin(text: str) -> float:
    """The value of ``--margin``: a finite number >= 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a fraction of the points' extent (e.g. 0.1), got {text!r}") from None
    if not (np.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            f"expected a margin >= 0 (a fraction of the points' extent; 0: none), got {text}")
    return value


def _max_regions(text: str) -> int | None:
    """The value of ``--max-regions``: a positive int, or None for ``0`` / ``none``."""
    if text.strip().lower() in ("0", "none"):
        return None
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of regions (0 or none: no limit), got {text!r}"
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"expected a positive number of regions (0 or none: no limit), got {value}")
    return value


def add_max_regions_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-regions N`` (default :data:`DEFAULT_MAX_REGIONS`) to ``parser``."""
    parser.add_argument(
        "--max-regions", type=_max_regions, default=DEFAULT_MAX_REGIONS, metavar="N",
        help=f"stop with an error after more than N regions (default {DEFAULT_MAX_REGIONS:,}"
             "; 0 or none: no limit)")


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--trusted`` and ``--backend``, shared by every command that loads a model."""
    parser.add_argument("--trusted", action="store_true",
                        help="allow unpickling a whole PyTorch module saved with torch.save "
                             "(.pt/.pth); only for files you trust")
    parser.add_argument("--backend", choices=("daqp", "highs", "cvxpy"), default="daqp",
                        help="LP solver (default: daqp); every backend gives the same counts")


DPI_RANGE = (10, 1200)
"""Resolutions ``plot --dpi`` accepts: 1200 dpi already makes a 7200-pixel-wide image."""


def _dpi(text: str) -> int:
    """The value of ``--dpi``: a whole number in :data:`DPI_RANGE`."""
    lo, hi = DPI_RANGE
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of dots per inch ({lo} to {hi}), got {text!r}") from None
    if not lo <= value <= hi:
        raise argparse.ArgumentTypeError(
            f"expected {lo} to {hi} dots per inch, got {value}")
    return value


def _image_file(text: str) -> str:
    """The value of ``-o``: a file whose suffix matplotlib can write (none: ``.png``).

    Standard output (``-``), a directory and a name that is only a suffix (``.png``) are
    refused: the file written is always the file named.
    """
    from matplotlib.figure import Figure

    if text == "-":
        raise argparse.ArgumentTypeError(
            "plot writes an image file, not standard output; give a file name such as "
            "plot.png")
    folder, name = os.path.split(text)
    if not name or name in (".", "..") or os.path.isdir(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is a directory; give an image file in it, such as "
            f"{os.path.join(text, 'plot.png')}")
    if folder and not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: no directory {folder!r}")
    formats = Figure().canvas.get_supported_filetypes()
    stem, suffix = os.path.splitext(name)
    if stem.startswith(".") and not suffix and stem[1:].lower() in formats:
        raise argparse.ArgumentTypeError(
            f"{text!r} is a suffix without a name; give a file name such as "
            f"{os.path.join(folder, 'plot' + stem)}")
    if not suffix or suffix == ".":
        return text.rstrip(".") + ".png"
    if suffix[1:].lower() not in formats:
        raise argparse.ArgumentTypeError(
            f"cannot write {suffix!r} images; give a file ending in one of "
            f"{', '.join('.' + f for f in sorted(formats))} (e.g. {text[:-len(suffix)]}.png)")
    return text


def describe_box(lower, upper, max_parts: int = 6) -> str:
    """``[0, 1]^3 x [-1, 2]``: runs of equal intervals as powers, at most ``max_parts``
    parts (the middle ones elided for a long box)."""
    runs: list[list] = []
    for lo, hi in zip(lower, upper):
        if runs and runs[-1][0] == (lo, hi):
            runs[-1][1] += 1
        else:
            runs.append([(lo, hi), 1])
    parts = [f"[{lo:g}, {hi:g}]" + (f"^{n}" if n > 1 else "") for (lo, hi), n in runs]
    if len(parts) > max_parts:
        parts = [*parts[:max_parts - 2], "...", parts[-1]]
        return " x ".join(parts) + f" (a box of R^{len(lower)})"
    return " x ".join(parts)


def domain_json(domain, d: int) -> dict:
    """The JSON object every command prints for a domain, with a ``"kind"`` field:
    ``{"kind": "R^d", "dim": d}``, ``{"kind": "box", "lower": [..], "upper": [..]}``,
    ``{"kind": "plane", "origin", "u", "v", "bounds"}`` or
    ``{"kind": "segment", "start", "end"}``."""
    if domain is None:
        return {"kind": "R^d", "dim": d}
    if isinstance(domain, Plane):
        bounds = None if domain.bounds is None else np.asarray(domain.bounds).tolist()
        return {"kind": "plane", "origin": np.asarray(domain.origin).tolist(),
                "u": np.asarray(domain.u).tolist(), "v": np.asarray(domain.v).tolist(),
                "bounds": bounds}
    if isinstance(domain, Segment):
        return {"kind": "segment", "start": np.asarray(domain.start).tolist(),
                "end": np.asarray(domain.end).tolist()}
    return {"kind": "box", "lower": np.asarray(domain.lower).tolist(),
            "upper": np.asarray(domain.upper).tolist()}


def _check_domain_arguments(args, parser) -> None:
    """Argument conflicts, checked before the model is loaded."""
    given = [name for name, on in (
        ("--plane", args.plane is not None),
        ("--plane-file", args.plane_file is not None),
        ("--segment-file", getattr(args, "segment_file", None) is not None),
        ("--origin/--u/--v", any(getattr(args, k) is not None for k in ("origin", "u", "v"))),
        ("--segment", getattr(args, "segment", None) is not None),
        ("--box", args.box is not None),
        ("--lower/--upper", args.lower is not None or args.upper is not None)) if on]
    if len(given) > 1:
        parser.error(f"give one domain, not {' and '.join(given)}")
    if args.plane is not None and len(args.plane) % 3:
        parser.error(f"--plane takes 3 x n_in numbers (three inputs), got {len(args.plane)}")
    if getattr(args, "segment", None) is not None and len(args.segment) % 2:
        parser.error(f"--segment takes 2 x n_in numbers (two inputs), got {len(args.segment)}")
    if given == ["--origin/--u/--v"] and any(getattr(args, k) is None
                                              for k in ("origin", "u", "v")):
        parser.error("--origin, --u and --v go together")
    if args.bounds is not None and given != ["--origin/--u/--v"]:
        parser.error("--bounds goes with --origin/--u/--v")
    if args.margin is not None and given not in (["--plane"], ["--plane-file"]):
        parser.error("--margin goes with --plane or --plane-file (the margin around the "
                     "three points); with --origin/--u/--v, give --bounds S0 S1 T0 T1")
    if (args.lower is None) != (args.upper is None):
        parser.error("--lower and --upper go together")


SLICE_OPTIONS = "--plane, --plane-file, --origin/--u/--v, --segment or --segment-file"


def _check_domain_fits(args, parser, net: Network, command: str) -> None:
    """Numbers that do not fit the network's inputs, and boxes of more than two inputs,
    are argument errors (checked once the model is loaded)."""
    d = net.n_in
    for option, per_input, count in (("--plane", 3, len(args.plane or ())),
                                     ("--segment", 2, len(getattr(args, "segment", None) or ()))):
        if count and count != per_input * d:
            words = {3: "three", 2: "two"}[per_input]
            parser.error(
                f"{option} has {count} numbers but {net.architecture} takes {d} inputs; give "
                f"{words} inputs of {d} numbers each ({per_input * d} numbers)")
    for option in ("origin", "u", "v"):
        value = getattr(args, option)
        if value is not None and len(value) != d:
            parser.error(f"--{option} has {len(value)} numbers but {net.architecture} takes "
                         f"{d} inputs; give {d} numbers")
    for option in ("lower", "upper"):
        value = getattr(args, option)
        if value is not None and len(value) not in (1, d):
            parser.error(f"--{option} has {len(value)} numbers but {net.architecture} takes "
                         f"{d} inputs; give {d} numbers, or one for every input")
    is_slice = any(getattr(args, k, None) is not None for k in (
        "plane", "plane_file", "origin", "segment", "segment_file"))
    if d > 2 and not is_slice:
        box = ("--box" if args.box is not None else
               "--lower/--upper" if args.lower is not None else None)
        given = f"{box} gives a box of R^{d}, not a slice: " if box else ""
        if command == "slice":
            parser.error(
                f"{given}slice counts the regions on a plane or a segment of the input space "
                f"of {net.architecture}, which takes {d} inputs; give one with "
                f"{SLICE_OPTIONS} (to count all of R^{d} or a box, use plregions count "
                f"{args.model} [--box LO HI], or plregions analyze {args.model})")
        parser.error(
            f"{given}plot draws a plane or a segment of the input space of "
            f"{net.architecture}, which takes {d} inputs; give one with {SLICE_OPTIONS}")


def read_inputs(path: str, n_rows: int, d: int, option: str) -> np.ndarray:
    """The ``n_rows`` inputs stored in a file, as an array of shape ``(n_rows, d)``.

    ``.npy`` files are read without pickle; any other suffix is read as text (numbers
    separated by commas or white space, one input per line). Each row is flattened in C
    order, so a ``(3, 8, 8)`` array of images gives three inputs of 64 numbers.
    """
    rows = _read_rows(path, option, InvalidDomainError)
    if rows.ndim == 0 or rows.shape[0] != n_rows:
        found = "a single number" if rows.ndim == 0 else f"{rows.shape[0]} rows"
        raise InvalidDomainError(
            f"{option} {path}: holds {found}; it must hold exactly {n_rows} inputs, one "
            "per row")
    rows = rows.reshape(n_rows, -1)
    if rows.shape[1] != d:
        raise InvalidDomainError(
            f"{option} {path}: its inputs have {rows.shape[1]} numbers but the network "
            f"takes {d} inputs")
    return rows


def _domain(args, net: Network):
    """The domain the arguments describe, for this network."""
    d = net.n_in
    if args.plane_file is not None:
        p1, p2, p3 = read_inputs(args.plane_file, 3, d, "--plane-file")
        return Plane.through(p1, p2, p3, margin=_margin_of(args))
    if getattr(args, "segment_file", None) is not None:
        a, b = read_inputs(args.segment_file, 2, d, "--segment-file")
        return Segment(a, b)
    if args.plane is not None:
        p1, p2, p3 = np.reshape(args.plane, (3, d))
        return Plane.through(p1, p2, p3, margin=_margin_of(args))
    if args.origin is not None:
        bounds = None if args.bounds is None else np.reshape(args.bounds, (2, 2))
        return Plane(args.origin, args.u, args.v, bounds=bounds)
    if getattr(args, "segment", None) is not None:
        a, b = np.reshape(args.segment, (2, d))
        return Segment(a, b)
    if args.box is not None:
        return Box([args.box[0]] * d, [args.box[1]] * d)
    if args.lower is not None:
        lower = args.lower * d if len(args.lower) == 1 else args.lower
        upper = args.upper * d if len(args.upper) == 1 else args.upper
        return Box(lower, upper)
    return None


def _margin_of(args) -> float:
    return DEFAULT_MARGIN if args.margin is None else args.margin


def _describe(domain, d: int) -> str:
    if domain is None:
        return f"R^{d}"
    if isinstance(domain, Plane):
        if domain.bounds is None:
            return f"the whole plane {domain!r}"
        (s0, s1), (t0, t1) = domain.bounds
        return f"a plane of R^{d}, s in [{s0:.3g}, {s1:.3g}], t in [{t0:.3g}, {t1:.3g}]"
    if isinstance(domain, Segment):
        return f"a segment of R^{d} of length {domain.length:.3g}"
    return describe_box(domain.lower, domain.upper)


# --- plot -----------------------------------------------------------------------------------

def _loader(load_network):
    def load(path, trusted=False):
        if load_network is not None:
            return load_network(path, trusted=trusted)
        if not str(path).endswith(".npz"):
            raise InvalidDomainError(
                f"{path}: this command reads .npz networks here; other formats need the "
                "model loader of the main plregions command")
        return load_npz(path)

    return load


def add_plot_parser(subparsers, *, load_network=None, class_names=None,
                    model_help: str = "a network file (.npz, .onnx, .pt)"
                    ) -> argparse.ArgumentParser:
    """Register ``plregions plot`` on the main parser's subcommands.

    Parameters
    ----------
    subparsers : the object returned by ``ArgumentParser.add_subparsers``
    load_network : callable, optional
        ``(name, trusted=False) -> Network``; the main CLI passes its loader (files and
        bundled names).
    class_names : callable, optional
        ``name -> sequence of str or None``: the names of a model's classes (one per
        output), for legends when ``--class-names`` is not given; the main CLI can name
        the classes of its bundled networks.
    model_help : str
        Help text of the MODEL argument.
    """
    plot = subparsers.add_parser(
        "plot", help="draw the regions of a network on a plane, a box or a segment",
        description="Draw the exact activation regions of a network on a 2-D slice (a "
                    "plane through three inputs, or origin + s u + t v), on a box for a "
                    "2-input network, or the function along a segment, into an image file.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    plot.add_argument("model", metavar="MODEL", help=model_help)
    _add_domain_arguments(plot)
    plot.add_argument("-o", "--file", required=True, metavar="FILE", type=_image_file,
                      help="the image to write: .png, .pdf, .svg or another format "
                           "matplotlib writes (no suffix: .png)")
    plot.add_argument("--kind", choices=("regions", "graph", "surface"), default="regions",
                      help="the regions (default), the region graph, or a 3-D surface of "
                           "one output")
    plot.add_argument("--color-by", choices=COLOR_BY, default=None,
                      help="colour of the regions (default: one per activation region); "
                           "class adds a legend of the classes, output a colour bar; on a "
                           "segment only class, shading the predicted class")
    plot.add_argument("--output", type=int, default=None, metavar="K",
                      help="the output shown by --color-by output and --kind surface "
                           "(default 0); on a segment, the one output drawn (default: all)")
    plot.add_argument("--decision-boundary", action="store_true",
                      help="draw where the predicted class changes")
    plot.add_argument("--window", nargs=4, type=float, metavar=("XLO", "XHI", "YLO", "YHI"),
                      help="the part of a 2-D domain drawn, in its coordinates (s, t on a "
                           "plane); by default the box or the plane's --bounds, or for all "
                           "of R^2 or a whole plane the window holding every vertex. Needed "
                           "when the general engine partitioned all of R^2 (the error "
                           "suggests one)")
    plot.add_argument("--points", metavar="FILE",
                      help="data points to draw: the rows of a .npy, .csv or .txt file, in "
                           "the input space (one input per row, images flattened in C "
                           "order), projected on the plane")
    plot.add_argument("--labels", metavar="FILE",
                      help="with --points: the class of each point, one per row (output "
                           "indices 0, 1, ... or class names); a point takes the colour of "
                           "its class")
    plot.add_argument("--class-names", nargs="+", metavar="NAME",
                      help="names of the classes in output order, for the legend")
    plot.add_argument("--dpi", type=_dpi, default=150,
                      help=f"resolution of raster images, {DPI_RANGE[0]} to {DPI_RANGE[1]} "
                           "(default 150)")
    plot.add_argument("--json", action="store_true",
                      help="print one JSON object describing the picture")
    add_model_arguments(plot)
    add_max_regions_argument(plot)
    plot.set_defaults(run=run_plot, subparser=plot, load_model=_loader(load_network),
                      class_names_of=class_names)
    return plot


def read_points(path: str, d: int, option: str = "--points") -> np.ndarray:
    """The inputs stored in a file (any number of rows), as an array of shape ``(n, d)``.

    Read as :func:`read_inputs` reads them: ``.npy`` without pickle (a ``(n, 8, 8)``
    array of images gives ``n`` inputs of 64 numbers), any other suffix as text.
    """
    rows = _read_rows(path, option)
    if rows.ndim == 1 and d == 1:
        rows = rows[:, None]
    if rows.ndim < 2 or int(np.prod(rows.shape[1:])) != d:
        raise InvalidArgumentError(
            f"{option} {path}: holds an array of shape {tuple(rows.shape)}; it must hold one "
            f"input of {d} numbers per row (the network takes {d} inputs)")
    return rows.reshape(rows.shape[0], d)


def read_labels(path: str, n_points: int, option: str = "--labels") -> np.ndarray:
    """One class per point from a file: ``.npy``, or text with one label per line.

    Labels are output indices ``0, 1, ...`` or, when some label is not a number, class
    names (returned as strings).
    """
    try:
        if str(path).endswith(".npy"):
            labels = np.load(path, allow_pickle=False)
        else:
            with open(path, encoding="utf-8") as handle:
                words = [word for line in handle.read().splitlines()
                         if line.strip() and not line.lstrip().startswith("#")
                         for word in line.replace(",", " ").split()]
            try:
                labels = np.array([float(w) for w in words])
            except ValueError:
                labels = np.array(words)
    except OSError as err:
        raise InvalidArgumentError(f"{option} {path}: cannot read it ({err.strerror})") \
            from None
    except ValueError as err:
        raise InvalidArgumentError(f"{option} {path}: not an array of labels ({err})") from None
    labels = np.asarray(labels).reshape(-1) if np.ndim(labels) else np.asarray(labels)
    if labels.shape != (n_points,):
        raise InvalidArgumentError(
            f"{option} {path}: holds {labels.size} labels but --points holds {n_points} "
            "points; give one label per point")
    return labels


def _read_rows(path: str, option: str, error=InvalidArgumentError) -> np.ndarray:
    """The numbers in a ``.npy`` file (no pickle) or a text file (one row per line,
    commas or white space, ``#`` comments), raising ``error`` with the fix."""
    try:
        if str(path).endswith(".npy"):
            rows = np.load(path, allow_pickle=False)
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read().replace(",", " ")
            rows = np.array([[float(v) for v in line.split()] for line in text.splitlines()
                             if line.strip() and not line.lstrip().startswith("#")])
    except OSError as err:
        raise error(f"{option} {path}: cannot read it ({err.strerror})") from None
    except ValueError as err:
        raise error(
            f"{option} {path}: not a file of numbers ({err}); give a .npy array or a text "
            "file with one input per line") from None
    return np.asarray(rows, dtype=float)


def _check_drawing_arguments(args, parser, one_d: bool) -> None:
    """Refuse drawing options that mean nothing for the picture asked for."""
    def refuse(option: str, reason: str):
        parser.error(f"{option} {reason}")

    if args.labels is not None and args.points is None:
        refuse("--labels", "goes with --points (the points it labels)")
    if args.window is not None:
        (x0, x1), (y0, y1) = np.reshape(args.window, (2, 2))
        if not (np.all(np.isfinite(args.window)) and x0 < x1 and y0 < y1):
            refuse("--window", f"{' '.join(f'{v:g}' for v in args.window)}: give XLO XHI "
                   "YLO YHI, finite, with XLO < XHI and YLO < YHI")
    if one_d:
        where = "along a segment (or a 1-input network's line)"
        if args.kind != "regions":
            refuse(f"--kind {args.kind}", f"draws 2-D domains; {where} plot draws the "
                   "outputs (drop --kind, or give --plane)")
        if args.color_by not in (None, "class"):
            refuse(f"--color-by {args.color_by}", f"has no meaning {where}: plot draws the "
                   "outputs, --output K one of them, --color-by class shades the predicted "
                   "class")
        if args.points is not None:
            refuse("--points", f"draws data on a 2-D domain, not {where}")
        if args.window is not None:
            refuse("--window", f"bounds the picture of a 2-D domain; {where} plot draws "
                   "the whole segment")
        return
    if args.kind == "graph":
        for option, on in (("--color-by", args.color_by is not None),
                           ("--output", args.output is not None),
                           ("--decision-boundary", args.decision_boundary),
                           ("--points", args.points is not None),
                           ("--class-names", args.class_names is not None)):
            if on:
                refuse(option, "has no meaning with --kind graph (nodes and edges only)")
    elif args.kind == "surface":
        for option, on in (("--color-by", args.color_by is not None),
                           ("--decision-boundary", args.decision_boundary),
                           ("--points", args.points is not None),
                           ("--class-names", args.class_names is not None)):
            if on:
                refuse(option, "has no meaning with --kind surface (the surface of --output "
                               "K, coloured by height)")
    else:
        if args.output is not None and args.color_by != "output":
            refuse("--output", "goes with --color-by output, --kind surface or a segment")
        if args.class_names is not None and args.color_by != "class" and args.labels is None:
            refuse("--class-names", "names the classes of --color-by class or of --labels")


def _class_names(args, parser, net: Network):
    """The classes' names: --class-names, else the model's own (bundled networks)."""
    n_classes = max(2, net.n_out)
    if args.class_names is not None:
        if len(args.class_names) != n_classes:
            parser.error(
                f"--class-names has {len(args.class_names)} names but {net.architecture} has "
                f"{n_classes} classes (one per output; two for one output: y <= 0, y > 0)")
        return list(args.class_names)
    if args.class_names_of is not None:
        names = args.class_names_of(args.model)
        if names is not None and len(names) == n_classes:
            return [str(name) for name in names]
    return None


# A legend beside the axes (the saved figure's tight box takes it in): never over the
# regions, and room for ten classes.
LEGEND_BESIDE = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0,
                 "fontsize": "small"}


def _check_labels(labels: np.ndarray, path: str, net: Network, class_names) -> np.ndarray:
    """The classes of ``--labels``: output indices ``0 .. n_classes - 1`` or names from
    ``class_names``, refused otherwise with the command line's options."""
    n_classes = max(2, net.n_out)
    indices = f"output indices 0 to {n_classes - 1}"
    if labels.dtype.kind in "USO":
        words = sorted({str(v) for v in labels.tolist()})
        if class_names is None:
            raise InvalidArgumentError(
                f"--labels {path}: holds class names ({_listed(words)}) but the classes have "
                f"no names; name the {n_classes} classes in output order with --class-names "
                f"NAME .., or give {indices}")
        unknown = [w for w in words if w not in class_names]
        if unknown:
            raise InvalidArgumentError(
                f"--labels {path}: holds {_listed(unknown)}, not among the class names "
                f"{', '.join(class_names)}; give those names (--class-names sets them) or "
                f"{indices}")
        return labels
    wrong = [v for v in labels.tolist() if not (v == round(v) and 0 <= v < n_classes)]
    if wrong:
        names = "" if class_names is None else f" or a class name ({', '.join(class_names)})"
        one_out = ", two for one output: y <= 0, y > 0" if net.n_out == 1 else ""
        raise InvalidArgumentError(
            f"--labels {path}: label {wrong[0]:g} is not a class of {net.architecture}: a "
            f"label is an output index 0 to {n_classes - 1} (one class per output{one_out})"
            f"{names}")
    return labels.astype(np.int64)


def _listed(words: list[str], at_most: int = 3) -> str:
    """``'a', 'b', 'c', ...``: the first few words, quoted."""
    shown = ", ".join(repr(w) for w in words[:at_most])
    return shown + (", ..." if len(words) > at_most else "")


def _counts_json(args, net: Network, domain, part) -> dict:
    """The keys every ``slice`` and ``plot`` JSON object starts with (README, "Command
    line and the main job", lists them all)."""
    result = {"model": args.model, "architecture": net.architecture, "input_dim": net.n_in,
              "n_neurons": net.n_neurons, "domain": domain_json(domain, net.n_in),
              "n_regions": len(part), "n_linear_regions": part.n_linear_regions}
    if part.domain is None:
        result["n_bounded_regions"] = part.n_bounded_regions
    return result


def _window(args, part) -> np.ndarray:
    """The window drawn: ``--window``, else the partition's own; a partition without one
    (all of R^2 from the general engine) is refused with a ``--window`` to pass."""
    if args.window is None and default_window(part) is None:
        where, bound = (("all of R^2", "a box (--box LO HI)") if part.input_slice is None
                        else ("the whole plane", "a part of the plane (--bounds S0 S1 T0 T1)"))
        raise InvalidArgumentError(
            f"plot cannot bound the picture: the general engine partitioned {where}, "
            "without polygons to draw a window around; pass --window XLO XHI YLO YHI, for "
            f"instance --window {' '.join(format_window(interior_window(part)))} (it holds "
            f"an interior point of every region), or draw {bound}")
    return plot_window(part, None if args.window is None else np.reshape(args.window, (2, 2)))


def run_plot(args, parser) -> int:
    """Handler of ``plregions plot``."""
    from matplotlib.figure import Figure

    _check_domain_arguments(args, parser)
    net = args.load_model(args.model, trusted=args.trusted)
    # Checked before partitioning: a box of R^64 could take hours.
    _check_domain_fits(args, parser, net, "plot")
    domain = _domain(args, net)
    one_d = isinstance(domain, Segment) or (net.n_in == 1 and not isinstance(domain, Plane))
    _check_drawing_arguments(args, parser, one_d)
    class_names = _class_names(args, parser, net)
    if args.output is not None and not 0 <= args.output < net.n_out:
        parser.error(f"--output {args.output}: {net.architecture} has {net.n_out} outputs "
                     f"(0 to {net.n_out - 1})")
    points = labels = None
    if args.points is not None:
        points = read_points(args.points, net.n_in)
        if isinstance(domain, Plane) and domain.ambient_dim == 2:
            # A plane of R^2 is all of it: input points and (s, t) both have 2 columns.
            points = domain.project(points)
        if args.labels is not None:
            labels = _check_labels(read_labels(args.labels, points.shape[0]), args.labels,
                                   net, class_names)
    start = time.perf_counter()
    # Along a segment the affine pieces are drawn; the partition is needed there only for
    # the counts --json prints (its linear regions).
    part = (partition(net, domain, backend=args.backend, max_regions=args.max_regions)
            if not one_d or args.json else None)
    summary = {} if part is None else _counts_json(args, net, domain, part)
    if one_d:
        pieces = affine_pieces(net, domain, max_regions=args.max_regions)
        summary.setdefault("n_regions", len(pieces))
        fig = Figure(figsize=PIECES_FIGSIZE, layout="constrained")
        several = args.output is None and net.n_out > 1
        legend = several or args.color_by == "class" or args.decision_boundary
        plot_affine_pieces(pieces, output=args.output, classes=args.color_by == "class",
                           decision_boundary=args.decision_boundary, class_names=class_names,
                           legend=LEGEND_BESIDE if legend else False, ax=fig.add_subplot())
        summary["breakpoints"] = pieces.breakpoints.tolist()
    else:
        window = _window(args, part)
        output = 0 if args.output is None else args.output
        if args.kind == "surface":
            fig = Figure(figsize=SURFACE_FIGSIZE, layout="constrained")
            plot_surface(part, output=output, window=window,
                         ax=fig.add_subplot(projection="3d"))
        else:
            width, height = figure_size(window)
            # Room for the axis labels and the title around the equal-aspect drawing.
            fig = Figure(figsize=(width + 1.0, height + 1.0), layout="constrained")
            if args.kind == "graph":
                plot_region_graph(part, window=window, ax=fig.add_subplot())
            else:
                color_by = args.color_by or "region"
                legend = color_by == "class" or labels is not None or args.decision_boundary
                plot_partition(part, color_by=color_by, output=output,
                               decision_boundary=args.decision_boundary, points=points,
                               labels=labels, class_names=class_names, window=window,
                               legend=LEGEND_BESIDE if legend else False,
                               ax=fig.add_subplot())
        summary["window"] = window.tolist()
    # A title on the axes, not the figure: the tight box then keeps no gap above them.
    fig.axes[0].set_title(f"{net.architecture} on {_describe(domain, net.n_in)}", fontsize=9)
    try:
        # The format named, so that matplotlib never adds a suffix of its own.
        fig.savefig(args.file, dpi=args.dpi, bbox_inches="tight",
                    format=os.path.splitext(args.file)[1][1:].lower())
    except OSError as err:
        raise InvalidArgumentError(f"-o {args.file}: cannot write it ({err.strerror or err})"
                                   ) from None
    summary.update({"file": args.file, "seconds": time.perf_counter() - start})
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"wrote {args.file}: {summary['n_regions']} activation regions of "
              f"{net.architecture} on {_describe(domain, net.n_in)}")
    return 0


# --- slice ------------------------------------------------------------------------------------

def add_slice_parser(subparsers, *, load_network=None,
                    model_help: str = "a network file (.npz, .onnx, .pt)"
                    ) -> argparse.ArgumentParser:
    """Register ``plregions slice`` on the main parser's subcommands.

    Parameters
    ----------
    subparsers : the object returned by ``ArgumentParser.add_subparsers``
    load_network : callable, optional
        ``(name, trusted=False) -> Network``; the main CLI passes its loader (files and
        bundled names).
    model_help : str
        Help text of the MODEL argument.
    """
    cut = subparsers.add_parser(
        "slice", help="count the regions met by a plane or a segment",
        description="Count, exactly, the activation and linear regions of a network met by "
                    "a 2-D slice (a plane) or a 1-D slice (a segment) of its input space.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    cut.add_argument("model", metavar="MODEL", help=model_help)
    _add_domain_arguments(cut)
    cut.add_argument("--json", action="store_true",
                     help="print one JSON object instead of text")
    add_model_arguments(cut)
    add_max_regions_argument(cut)
    cut.set_defaults(run=run_slice, subparser=cut, load_model=_loader(load_network))
    return cut


def run_slice(args, parser) -> int:
    """Handler of ``plregions slice``."""
    _check_domain_arguments(args, parser)
    net = args.load_model(args.model, trusted=args.trusted)
    _check_domain_fits(args, parser, net, "slice")
    domain = _domain(args, net)
    start = time.perf_counter()
    part = partition(net, domain, backend=args.backend, max_regions=args.max_regions)
    result = _counts_json(args, net, domain, part)
    result.update({"slice": _describe(domain, net.n_in), "slice_dim": part.network.n_in})
    if part.polygons is not None:
        result["n_polygon_vertices"], result["n_polygon_edges"], _ = part.polygons.euler
    result["n_adjacent_pairs"] = int(part.edges.shape[0])
    result["method"] = part.method
    result["seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result))
        return 0
    lines = [f"{args.model}: architecture {net.architecture}, {net.n_neurons} neurons, "
             f"input dimension {net.n_in}",
             f"on {result['slice']}:",
             f"  activation regions: {result['n_regions']}",
             f"  linear regions: {result['n_linear_regions']}"]
    if "n_bounded_regions" in result:
        lines.append(f"  bounded activation regions: {result['n_bounded_regions']}")
    lines.append(f"  adjacent pairs of regions (edges of the region graph): "
                 f"{result['n_adjacent_pairs']}")
    lines.append(f"Time: {result['seconds']:.2f} s ({result['method']} engine)")
    print("\n".join(lines))
    return 0
