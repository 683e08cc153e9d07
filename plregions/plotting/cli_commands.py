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
[--points FILE [--labels FILE]] [--class-names NAME ..]``
``plregions slice MODEL DOMAIN [--json]``

Both take ``--max-regions N`` (default 1,000,000; ``0`` or ``none``: no limit): with more
regions than that on the slice, the library raises
:class:`~plregions.errors.RegionLimitError` and nothing is drawn or printed but the
error. Both take ``--trusted`` and ``--backend`` like ``count`` and ``analyze``
(:func:`add_model_arguments`). ``plot -o FILE`` must end in a format matplotlib writes
(no suffix: ``.png``) and ``--dpi`` lies in :data:`DPI_RANGE`; both are checked while
parsing, before any model is loaded. With ``--json``, the domain is an object with a
``"kind"`` field, as in every command (:func:`domain_json`).

DOMAIN is one of ``--plane P1 P2 P3`` (3 x n_in numbers: the plane through three inputs,
with ``--margin``), ``--plane-file FILE`` (the same three inputs as the rows of a file),
``--origin O --u U --v V [--bounds S0 S1 T0 T1]``, ``--segment A B`` (2 x n_in numbers)
or ``--segment-file FILE``, or for a 2-input (plot, slice) or 1-input network
``--box LO HI`` / ``--lower .. --upper ..`` (nothing: all of R^n_in).

``plot`` refuses, with a usage error (exit 2), drawing options that mean nothing for the
picture asked for (``--color-by`` on a region graph, ``--kind graph`` on a segment, ...)
instead of ignoring them. Figures are saved with tight bounding boxes, sized from the
slice's aspect ratio, with a legend for classes and a colour bar for an output.
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
from plregions.plotting.pieces import plot_affine_pieces
from plregions.plotting.polygons import plot_window
from plregions.plotting.regions import (
    COLOR_BY,
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
                                input after the other), bounded around them (--margin)
  --plane-file FILE             the same, the three inputs being the rows of FILE (.npy,
                                or text: .csv, .txt; images are flattened in C order)
  --origin O.. --u U.. --v V..  the plane origin + s u + t v, with --bounds S0 S1 T0 T1
                                (without --bounds: the whole plane)
  --segment A.. B..             the segment from input A to input B (2 x n_in numbers)
  --segment-file FILE           the same, A and B being the two rows of FILE
  --box LO HI                   the square [LO, HI]^n_in (2-input or 1-input networks)
  --lower L.. --upper U..       a box, one bound per input (or one for all)
  (nothing)                     all of R^n_in, for a 2-input or 1-input network"""


def _add_domain_arguments(parser: argparse.ArgumentParser, segment: bool = True) -> None:
    group = parser.add_argument_group("domain", DOMAIN_HELP)
    group.add_argument("--plane", nargs="+", type=float, metavar="X",
                       help="three inputs the plane passes through (3 x n_in numbers)")
    group.add_argument("--plane-file", metavar="FILE",
                       help="a .npy, .csv or .txt file whose three rows are the inputs the "
                            "plane passes through")
    group.add_argument("--margin", type=float, default=0.1,
                       help="with --plane: margin around the three points, as a fraction of "
                            "their extent (default 0.1)")
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
    """The value of ``-o``: a file whose suffix matplotlib can write (none: ``.png``)."""
    from matplotlib.figure import Figure

    folder = os.path.dirname(text)
    if folder and not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: no directory {folder!r}")
    suffix = os.path.splitext(text)[1]
    if not suffix or suffix == ".":
        return text.rstrip(".") + ".png"
    formats = Figure().canvas.get_supported_filetypes()
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
    if (args.lower is None) != (args.upper is None):
        parser.error("--lower and --upper go together")


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
        return Plane.through(p1, p2, p3, margin=args.margin)
    if getattr(args, "segment_file", None) is not None:
        a, b = read_inputs(args.segment_file, 2, d, "--segment-file")
        return Segment(a, b)
    if args.plane is not None:
        if len(args.plane) != 3 * d:
            raise InvalidDomainError(
                f"--plane has {len(args.plane)} numbers but the network takes {d} inputs; "
                f"give three inputs of {d} numbers each ({3 * d} numbers)")
        p1, p2, p3 = np.reshape(args.plane, (3, d))
        return Plane.through(p1, p2, p3, margin=args.margin)
    if args.origin is not None:
        bounds = None if args.bounds is None else np.reshape(args.bounds, (2, 2))
        return Plane(args.origin, args.u, args.v, bounds=bounds)
    if getattr(args, "segment", None) is not None:
        if len(args.segment) != 2 * d:
            raise InvalidDomainError(
                f"--segment has {len(args.segment)} numbers but the network takes {d} "
                f"inputs; give two inputs of {d} numbers each ({2 * d} numbers)")
        a, b = np.reshape(args.segment, (2, d))
        return Segment(a, b)
    if args.box is not None:
        return Box([args.box[0]] * d, [args.box[1]] * d)
    if args.lower is not None:
        lower = args.lower * d if len(args.lower) == 1 else args.lower
        upper = args.upper * d if len(args.upper) == 1 else args.upper
        return Box(lower, upper)
    return None


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


def run_plot(args, parser) -> int:
    """Handler of ``plregions plot``."""
    from matplotlib.figure import Figure

    _check_domain_arguments(args, parser)
    net = args.load_model(args.model, trusted=args.trusted)
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
            labels = read_labels(args.labels, points.shape[0])
    start = time.perf_counter()
    if one_d:
        pieces = affine_pieces(net, domain, max_regions=args.max_regions)
        fig = Figure(figsize=(7.0, 3.5), layout="constrained")
        several = args.output is None and net.n_out > 1
        legend = several or args.color_by == "class" or args.decision_boundary
        plot_affine_pieces(pieces, output=args.output, classes=args.color_by == "class",
                           decision_boundary=args.decision_boundary, class_names=class_names,
                           legend=LEGEND_BESIDE if legend else False, ax=fig.add_subplot())
        summary = {"n_regions": len(pieces), "breakpoints": pieces.breakpoints.tolist()}
    else:
        # Checked before partitioning: a box of R^64 could take hours.
        if not isinstance(domain, Plane) and net.n_in != 2:
            raise InvalidDomainError(
                f"plot draws 2-D domains: this network takes {net.n_in} inputs; give "
                "--plane, --origin/--u/--v or --segment")
        part = partition(net, domain, backend=args.backend, max_regions=args.max_regions)
        output = 0 if args.output is None else args.output
        if args.kind == "surface":
            fig = Figure(figsize=(7.0, 6.0), layout="constrained")
            plot_surface(part, output=output, ax=fig.add_subplot(projection="3d"))
        else:
            width, height = figure_size(plot_window(part))
            # Room for the axis labels and the title around the equal-aspect drawing.
            fig = Figure(figsize=(width + 1.0, height + 1.0), layout="constrained")
            if args.kind == "graph":
                plot_region_graph(part, ax=fig.add_subplot())
            else:
                color_by = args.color_by or "region"
                legend = color_by == "class" or labels is not None or args.decision_boundary
                plot_partition(part, color_by=color_by, output=output,
                               decision_boundary=args.decision_boundary, points=points,
                               labels=labels, class_names=class_names,
                               legend=LEGEND_BESIDE if legend else False,
                               ax=fig.add_subplot())
        summary = {"n_regions": len(part)}
    # A title on the axes, not the figure: the tight box then keeps no gap above them.
    fig.axes[0].set_title(f"{net.architecture} on {_describe(domain, net.n_in)}", fontsize=9)
    try:
        fig.savefig(args.file, dpi=args.dpi, bbox_inches="tight")
    except OSError as err:
        raise InvalidArgumentError(f"-o {args.file}: cannot write it ({err.strerror or err})"
                                   ) from None
    summary.update({"file": args.file, "model": args.model,
                    "domain": domain_json(domain, net.n_in),
                    "seconds": time.perf_counter() - start})
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
    domain = _domain(args, net)
    start = time.perf_counter()
    part = partition(net, domain, backend=args.backend, max_regions=args.max_regions)
    result = {"model": args.model, "architecture": net.architecture, "input_dim": net.n_in,
              "slice": _describe(domain, net.n_in), "domain": domain_json(domain, net.n_in),
              "slice_dim": part.network.n_in,
              "n_regions": len(part), "n_linear_regions": part.n_linear_regions}
    if part.domain is None:
        result["n_bounded_regions"] = part.n_bounded_regions
    if part.polygons is not None:
        result["n_vertices"], result["n_edges"], _ = part.polygons.euler
    result["n_adjacent_pairs"] = int(part.edges.shape[0])
    result["method"] = part.method
    result["seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result))
        return 0
    lines = [f"{args.model}: architecture {net.architecture}, input dimension {net.n_in}",
             f"on {result['slice']}:",
             f"  activation regions: {result['n_regions']}",
             f"  linear regions: {result['n_linear_regions']}"]
    if "n_bounded_regions" in result:
        lines.append(f"  bounded activation regions: {result['n_bounded_regions']}")
    lines.append(f"  adjacent pairs: {result['n_adjacent_pairs']}")
    lines.append(f"Time: {result['seconds']:.2f} s ({result['method']} engine)")
    print("\n".join(lines))
    return 0
