"""The ``plregions`` command line.

It parses arguments, calls the public API of :mod:`plregions` and prints what came back;
errors of plregions and missing files become one line on stderr and exit code 1
(argument errors: exit code 2, from argparse, with the usage of the command at fault). A
reader that closes the pipe early (``plregions slice ... --json | head -c 10``) ends the
run quietly, with exit code 141 (128 + SIGPIPE, as a shell reports a process that SIGPIPE
stopped).

Every command takes ``--trusted``, ``--backend`` and ``--max-regions N`` (default
1,000,000; ``0`` or ``none``: no limit). Past N regions the library stops with
:class:`~plregions.RegionLimitError`, printed as one line that says how many regions were
found and how to go on (a box, a slice, a larger limit); ``analyze``, and ``count`` in all
of R^d, also warn on stderr before starting when the upper bound from the layer widths
exceeds N. With ``--json`` every command describes domains alike, as an object with a
``"kind"`` (``{"kind": "R^d", "dim": 4}``, ``{"kind": "box", "lower": .., "upper": ..}``).

Commands
--------
``plregions analyze [MODEL] [--box LO HI | --lower L.. --upper U..] [--max-regions N] [--json]``
    Without MODEL: the bundled network trained on Fisher's Iris data, analysed in all of
    R^4 and in the bounding box of the 150 flowers, with the training points.
``plregions count MODEL [--box LO HI | --lower L.. --upper U..] [--max-regions N] [--json]``
    Activation, linear and (in R^d) bounded regions of a saved network.
``plregions plot MODEL DOMAIN -o FILE`` and ``plregions slice MODEL DOMAIN``
    See :mod:`plregions.plotting.cli_commands`.

MODEL is a network file (.npz, .onnx, .pt) or the name of a bundled network, in any
case: ``iris`` (4-8-8-3, Fisher's Iris) or ``digits`` (64-64-64-64-10, the 8x8
handwritten digits). A file of that name in the working directory wins over the bundled
network, with a note on stderr; a MODEL that is neither is refused with the bundled
names.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import warnings
from pathlib import Path

import plregions as plr
from plregions.plotting.cli_commands import (
    add_max_regions_argument,
    add_model_arguments,
    add_plot_parser,
    add_slice_parser,
    describe_box,
    domain_json,
)

__all__ = ["main"]

EXIT_ERROR = 1
EXIT_BROKEN_PIPE = 141

BOX_HELP = """\
domain: all of R^d unless a box is given, either as
  --box LO HI                      the cube [LO, HI]^d, or
  --lower L1 .. Ld --upper U1 .. Ud  one bound per coordinate (a single number is
                                   used for every coordinate)"""


BUNDLED = {"iris": plr.default_network, "digits": plr.digits_network}
"""Bundled networks the command line knows by name."""

MODEL_HELP = ("a network file (.npz, .onnx, .pt), or a bundled network: "
              + " or ".join(BUNDLED))


def _bundled_name(name: str) -> str | None:
    """The bundled network a MODEL argument names, in any case (``IRIS``), or None."""
    return name.lower() if name.lower() in BUNDLED else None


# The remedies plr.load_network names in Python terms (TRUSTED_HINT and MODULE_HINT of
# plregions/importers/files.py), said as the command line's: --trusted, and Python for a
# state_dict, which needs its model class. tests/test_cli.py checks the rewrite.
_CLI_WORDING = {
    "pass trusted=True": "pass --trusted",
    "pass module=<an instance of the model class>":
        "use Python: plregions.load_network(path, module=<an instance of the model class>)",
}


def _command_line_wording(err: plr.InvalidNetworkError) -> plr.InvalidNetworkError:
    """The library's error, with its Python remedies said as the command line's."""
    text = str(err)
    for python, command_line in _CLI_WORDING.items():
        text = text.replace(python, command_line)
    return type(err)(text)


def load_model(name: str, trusted: bool = False) -> plr.Network:
    """The network a MODEL argument names: a file, or else a bundled network.

    A file wins over the bundled network of the same name, with a note on stderr; a name
    that is neither is refused with the bundled names.
    """
    bundled = _bundled_name(name)
    if bundled is not None and not Path(name).is_file():
        return BUNDLED[bundled]()
    if bundled is not None:
        print(f"plregions: note: reading the file {name} in the working directory, not the "
              f"bundled network {bundled} (run elsewhere to use the bundled one)",
              file=sys.stderr)
    elif not Path(name).exists():
        raise plr.InvalidNetworkError(
            f"{name}: no such file, and not a bundled network; give a network file (.npz, "
            f".onnx, .pt) or a bundled name: {', '.join(BUNDLED)}")
    try:
        return plr.load_network(name, trusted=trusted)
    except plr.InvalidNetworkError as err:
        raise _command_line_wording(err) from None


def bundled_class_names(name: str) -> list[str] | None:
    """The class names of the bundled network a MODEL argument names (for legends), or
    None for a file."""
    bundled = _bundled_name(name)
    if bundled is None or Path(name).is_file():
        return None
    if bundled == "iris":
        return list(plr.load_iris()[2])
    return [str(digit) for digit in range(10)]


_NEGATIVE_NUMBER = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^-(inf|infinity)$",
                              re.IGNORECASE)


def _add_domain_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("domain", BOX_HELP)
    group.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"),
                       help="the box [LO, HI]^d")
    group.add_argument("--lower", nargs="+", type=float, metavar="L",
                       help="lower bounds: one number, or one per input coordinate")
    group.add_argument("--upper", nargs="+", type=float, metavar="U",
                       help="upper bounds: one number, or one per input coordinate")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object instead of text")
    add_model_arguments(parser)
    add_max_regions_argument(parser)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="plregions",
        description="Exact polyhedral regions of piecewise-linear (ReLU-family) networks.",
    )
    parser.add_argument("--version", action="version", version=f"plregions {plr.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    analyze = commands.add_parser(
        "analyze", help="count and describe the regions of a network",
        description="Count and describe the activation and linear regions of a network in "
                    "all of R^d and, with a box, in the box. Without MODEL: the bundled "
                    "network trained on Fisher's Iris data, in R^4 and in the bounding box "
                    "of the 150 flowers.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    analyze.add_argument("model", nargs="?", metavar="MODEL",
                         help=MODEL_HELP + "; default: iris, with its data")
    _add_domain_arguments(analyze)
    analyze.set_defaults(run=_analyze, subparser=analyze)
    count = commands.add_parser(
        "count", help="count the regions of a network",
        description="Count the activation regions and linear regions of a network in all "
                    "of R^d (with its bounded regions) or in a box.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    count.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    _add_domain_arguments(count)
    count.add_argument("--activation-only", action="store_true",
                       help="count activation regions only, streaming them (memory-light; "
                            "no linear or bounded regions)")
    count.set_defaults(run=_count, subparser=count)
    plot = add_plot_parser(commands, load_network=load_model, model_help=MODEL_HELP,
                           class_names=bundled_class_names)
    slice_ = add_slice_parser(commands, load_network=load_model, model_help=MODEL_HELP)
    for p in (parser, analyze, count, plot, slice_):
        # Bounds such as -1e-9 or -inf are numbers, not options.
        p._negative_number_matcher = _NEGATIVE_NUMBER
    return parser


def _box_bounds(args, parser: argparse.ArgumentParser):
    """``(lower, upper)`` lists from the domain arguments, or None for all of R^d.

    Checked before any model is loaded, so that argument errors come first.
    """
    if args.box is not None:
        if args.lower is not None or args.upper is not None:
            parser.error("give either --box LO HI or --lower/--upper, not both")
        return [args.box[0]], [args.box[1]]
    if args.lower is None and args.upper is None:
        return None
    if args.lower is None or args.upper is None:
        parser.error("--lower and --upper go together; give both (or --box LO HI)")
    return args.lower, args.upper


def _box(bounds, n_in: int) -> plr.Box | None:
    """The box (None for all of R^d); one number stands for every coordinate, other
    lengths are checked by the library."""
    if bounds is None:
        return None
    lower, upper = bounds
    return plr.Box(lower * n_in if len(lower) == 1 else lower,
                   upper * n_in if len(upper) == 1 else upper)


def _size(n: int) -> str:
    """``n`` in words a reader takes in: ``26,569`` or ``about 10^57``."""
    return f"{n:,}" if n < 10**9 else f"about 10^{len(str(n)) - 1}"


def _warn_if_large(net: plr.Network, max_regions: int | None, *,
                   box_too: bool = False) -> None:
    """One line on stderr when the widths allow more regions in all of R^d than
    ``max_regions``; only for runs that partition all of R^d (``box_too``: ``analyze``
    with a box, which partitions both)."""
    if max_regions is None:
        return
    b = plr.region_bounds(net, first_layer=False)
    bound = min(v for v in (b.patterns, b.montufar, b.serra) if v is not None)
    if bound > max_regions:
        fewer = ("analyze counts all of R^d as well as the box; plregions count MODEL --box "
                 "counts the box alone" if box_too else
                 "a box (--box LO HI) or a slice (plregions slice) holds fewer")
        print(f"plregions: warning: {net.architecture} may have up to {_size(bound)} "
              f"activation regions in R^{net.n_in} (bound from its widths), more than "
              f"--max-regions {max_regions}: this may take long and stop at the limit; "
              f"{fewer}", file=sys.stderr)


def _smaller_slice(args) -> str:
    """What makes the domain of ``slice`` or ``plot`` smaller, in the options given."""
    if args.plane is not None or args.plane_file is not None:
        return "a smaller plane (a smaller --margin, or closer points)"
    if args.origin is not None:
        return ("a smaller part of the plane (--bounds S0 S1 T0 T1)" if args.bounds is None
                else "a smaller part of the plane (narrower --bounds)")
    if getattr(args, "segment", None) is not None or getattr(args, "segment_file", None):
        return "a shorter segment (closer ends)"
    if args.box is not None or args.lower is not None:
        return "a smaller box"
    return "a box (--box LO HI) instead of all of R^d"


def _limit_message(err: plr.RegionLimitError, args) -> str:
    """The error line of a run stopped at ``--max-regions``, with the command's remedies."""
    command = args.command
    if command in ("slice", "plot"):
        fixes = f"{'draw' if command == 'plot' else 'count'} {_smaller_slice(args)}"
    else:
        fixes = ("count a smaller domain (--box LO HI or --lower/--upper) or a plane or "
                 "segment (plregions slice MODEL --plane-file FILE or --segment-file FILE)")
    outcome = "nothing is drawn" if command == "plot" else "no count is printed"
    return (f"{err.reason}, more than --max-regions {err.max_regions}, so {outcome}; "
            f"{fixes}, or raise --max-regions (0: no limit)")


def _neurons(addresses) -> str:
    if not addresses:
        return "none"
    return f"{len(addresses)}: " + ", ".join(f"({layer}, {unit})" for layer, unit in addresses)


def _report_text(report: plr.RegionReport, title: str, box_name: str,
                 points_name: str) -> str:
    d = report.n_in
    out = [title,
           f"  architecture {report.architecture}, hidden activations "
           f"{', '.join(report.activations) or 'none'}; {report.n_neurons} neurons; "
           f"input dimension {d}"]
    if report.box_lower is not None:
        out.append(f"  {box_name}: {describe_box(report.box_lower, report.box_upper)}")
    out.append("")
    whole = f"all of R^{d}"
    if report.box_lower is not None:
        out += [f"  {'':28}{whole:>14}{box_name:>24}",
                f"  {'activation regions':28}{report.n_regions:>14}{report.n_regions_box:>24}",
                f"  {'linear regions':28}{report.n_linear_regions:>14}"
                f"{report.n_linear_regions_box:>24}",
                f"  {'bounded activation regions':28}{report.n_bounded_regions:>14}{'-':>24}"]
    else:
        out += [f"  {'':28}{whole:>14}",
                f"  {'activation regions':28}{report.n_regions:>14}",
                f"  {'linear regions':28}{report.n_linear_regions:>14}",
                f"  {'bounded activation regions':28}{report.n_bounded_regions:>14}"]
    if report.n_points is not None:
        out += ["",
                f"{points_name}: {report.n_points}, lying in",
                f"  {report.n_occupied_regions} of the {report.n_regions} activation regions "
                f"of R^{d}",
                f"  {report.n_occupied_linear_regions} of the {report.n_linear_regions} "
                f"linear regions of R^{d}",
                f"  ({report.n_points_on_boundary} on a region boundary, each counted in "
                "the first region it touches)"]
    where = f"the {box_name}" if report.neuron_domain == "box" else whole
    out += ["",
            f"Neurons in {where} (as (layer, unit), counted from 0):",
            f"  dead (inactive in every activation region): {_neurons(report.dead_neurons)}",
            "  always active (active in every activation region): "
            f"{_neurons(report.always_active_neurons)}",
            "  mean fraction of active neurons per activation region: "
            f"{report.mean_active_fraction:.3f}"]
    b = report.bounds
    widths = "-".join(str(w) for w in b.widths)
    rows = [(f"2^{report.n_neurons} activation patterns", b.patterns),
            ("Montufar (2017)", b.montufar),
            ("Serra, Tjandraatmadja, Ramalingam (2018), Thm 1", b.serra)]
    out += ["",
            f"Upper bounds on activation regions (hence on linear regions) in R^{d},",
            f"for input dimension {d} and hidden widths {widths}:"]
    out += [f"  {name:50}{'n/a' if value is None else value:>16}" for name, value in rows]
    out += ["Lower bound: activation regions of the first layer alone, exact",
            f"  (Zaslavsky 1975): {b.first_layer}",
            "",
            f"Time: {report.seconds:.2f} s"]
    return "\n".join(out)


def _report_json(report: plr.RegionReport, model: str) -> dict:
    b = report.bounds
    box_domain = None if report.box_lower is None else {
        "kind": "box", "lower": list(report.box_lower), "upper": list(report.box_upper)}
    result = {
        "model": model,
        "architecture": report.architecture,
        "activations": list(report.activations),
        "input_dim": report.n_in,
        "n_neurons": report.n_neurons,
        "n_regions": report.n_regions,
        "n_linear_regions": report.n_linear_regions,
        "domain": {"kind": "R^d", "dim": report.n_in},
        "n_bounded_regions": report.n_bounded_regions,
        "box": None,
        "data": None,
        "neurons": {
            "domain": box_domain if report.neuron_domain == "box" else
            {"kind": "R^d", "dim": report.n_in},
            "dead": [list(a) for a in report.dead_neurons],
            "always_active": [list(a) for a in report.always_active_neurons],
            "mean_active_fraction": report.mean_active_fraction,
        },
        "bounds": {"patterns": b.patterns, "montufar": b.montufar, "serra": b.serra,
                   "first_layer": b.first_layer},
        "seconds": report.seconds,
    }
    if report.box_lower is not None:
        result["box"] = {"domain": box_domain, "n_regions": report.n_regions_box,
                         "n_linear_regions": report.n_linear_regions_box}
    if report.n_points is not None:
        result["data"] = {"n_points": report.n_points,
                          "n_points_on_boundary": report.n_points_on_boundary,
                          "n_occupied_regions": report.n_occupied_regions,
                          "n_occupied_linear_regions": report.n_occupied_linear_regions}
    return result


def _analyze(args, parser) -> int:
    bounds = _box_bounds(args, parser)
    if args.model is None or (_bundled_name(args.model) == "iris"
                              and not Path(args.model).is_file()):
        net = plr.default_network()
        X, _, _ = plr.load_iris()
        box = _box(bounds, net.n_in)
        box_name = "box"
        if box is None:
            box = plr.Box(X.min(axis=0), X.max(axis=0))
            box_name = "data bounding box"
        model = "bundled Iris network"
        title = (f"plregions analyze: the bundled Iris network (a ReLU MLP trained on Fisher's "
                 f"{X.shape[0]} Iris flowers, inputs in cm)")
    else:
        net = load_model(args.model, trusted=args.trusted)
        X, box, box_name = None, _box(bounds, net.n_in), "box"
        model = args.model
        title = f"plregions analyze: {args.model}"
    _warn_if_large(net, args.max_regions, box_too=box is not None)
    report = plr.analyze(net, box=box, data=X, backend=args.backend,
                         max_regions=args.max_regions)
    if args.json:
        print(json.dumps(_report_json(report, model)))
    else:
        print(_report_text(report, title, box_name, "Training points"))
    return 0


def _count(args, parser) -> int:
    bounds = _box_bounds(args, parser)
    net = load_model(args.model, trusted=args.trusted)
    box = _box(bounds, net.n_in)
    result = {"model": args.model, "architecture": net.architecture, "input_dim": net.n_in,
              "n_neurons": net.n_neurons, "domain": domain_json(box, net.n_in)}
    if box is None:  # a box holds fewer regions than the widths allow in all of R^d
        _warn_if_large(net, args.max_regions)
    start = time.perf_counter()
    if args.activation_only:
        result["n_regions"] = plr.count_regions(net, box, backend=args.backend,
                                                max_regions=args.max_regions)
    else:
        part = plr.partition(net, box, backend=args.backend, max_regions=args.max_regions)
        result["n_regions"] = len(part)
        result["n_linear_regions"] = part.n_linear_regions
        if box is None:
            result["n_bounded_regions"] = part.n_bounded_regions
    result["seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result))
        return 0
    where = (f"all of R^{net.n_in}" if box is None else
             f"the box {describe_box(box.lower, box.upper)}")
    lines = [f"{args.model}: architecture {net.architecture}, {net.n_neurons} neurons, "
             f"input dimension {net.n_in}",
             f"in {where}:",
             f"  activation regions: {result['n_regions']}"]
    if "n_linear_regions" in result:
        lines.append(f"  linear regions: {result['n_linear_regions']}")
    if "n_bounded_regions" in result:
        lines.append(f"  bounded activation regions: {result['n_bounded_regions']}")
    lines.append(f"Time: {result['seconds']:.2f} s")
    print("\n".join(lines))
    return 0


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that flushing it at exit raises no second
    BrokenPipeError (the recipe of the Python docs, "Note on SIGPIPE")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (captured in tests)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def main(argv: list[str] | None = None) -> int:
    """Run the ``plregions`` command line with ``argv`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 1 when plregions reports an error or a file is
        missing, 2 for invalid arguments, 141 when stdout's reader has gone.

    Examples
    --------
    >>> from plregions.cli import main
    >>> main(["--version"])
    plregions 0.1.0
    0
    """
    parser = _parser()
    with warnings.catch_warnings():  # restores showwarning for callers in Python
        warnings.showwarning = _print_warning
        return _run(parser, argv)


def _print_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning of the library as one line on stderr, like the command's own warnings
    (not Python's two lines with a source line of plregions)."""
    print(f"plregions: warning: {message}", file=sys.stderr)


def _run(parser: argparse.ArgumentParser, argv: list[str] | None) -> int:
    """Parse ``argv``, run the command and map its errors to exit codes."""
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said with the usage of the command they were given to
            args.subparser.error(f"unrecognized arguments: {' '.join(unknown)}")
        code = args.run(args, args.subparser)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except SystemExit as stop:  # argparse: --help, --version, bad arguments
        return stop.code if isinstance(stop.code, int) else EXIT_ERROR
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except plr.RegionLimitError as err:
        print(f"plregions: error: {_limit_message(err, args)}", file=sys.stderr)
        return EXIT_ERROR
    except (plr.PLRegionsError, FileNotFoundError) as err:
        message = str(err).splitlines()[0] if str(err) else type(err).__name__
        print(f"plregions: error: {message}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("plregions: interrupted", file=sys.stderr)
        return 130
