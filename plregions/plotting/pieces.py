"""Picture of a network restricted to a line: its affine pieces and breakpoints."""

from __future__ import annotations

import numpy as np

from plregions.engines.line import LinePieces
from plregions.errors import InvalidArgumentError
from plregions.plotting.regions import _class_handles, check_output, class_palette

__all__ = ["plot_affine_pieces", "class_intervals", "PIECES_FIGSIZE"]

PIECES_FIGSIZE = (7.0, 3.5)
"""Inches of the new figure :func:`plot_affine_pieces` draws on when no axes are given."""


def class_intervals(pieces: LinePieces, lo: float, hi: float):
    """The predicted class along ``[lo, hi]``, cut exactly where it changes.

    The class is the argmax of the outputs (with one output: 1 where ``y > 0``, else 0).
    Each affine piece is cut where two outputs cross inside it; neighbouring intervals
    of the same class are merged.

    Parameters
    ----------
    pieces : LinePieces
    lo, hi : float
        Finite, ``lo < hi``.

    Returns
    -------
    edges : ndarray of shape (m + 1,)
        Increasing, from ``lo`` to ``hi``; interval ``j`` is ``[edges[j], edges[j + 1]]``.
    classes : ndarray of int, shape (m,)
        Its class; consecutive entries differ.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [-0.5]])
    >>> edges, classes = class_intervals(plr.affine_pieces(net), -2.0, 2.0)  # |x| - 0.5
    >>> edges.tolist(), classes.tolist()
    ([-2.0, -0.5, 0.5, 2.0], [1, 0, 1])
    """
    slopes, intercepts = pieces.slopes, pieces.intercepts
    if slopes.shape[1] == 1:
        slopes = np.column_stack([np.zeros_like(slopes), slopes])
        intercepts = np.column_stack([np.zeros_like(intercepts), intercepts])
    n = slopes.shape[1]
    j, k = np.triu_indices(n, 1)
    edges, classes = [lo], []
    for i in range(len(pieces)):
        a, b = max(pieces.bounds[i], lo), min(pieces.bounds[i + 1], hi)
        if not a < b:
            continue
        m, c = slopes[i], intercepts[i]
        dm = m[j] - m[k]
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = (c[k] - c[j]) / dm
        cuts = np.unique(cross[(dm != 0) & (cross > a) & (cross < b)])
        ends = np.concatenate([[a], cuts, [b]])
        middles = (ends[:-1] + ends[1:]) / 2
        winners = np.argmax(middles[:, None] * m + c, axis=1)
        for end, winner in zip(ends[1:], winners):
            if classes and classes[-1] == winner:
                edges[-1] = end
            else:
                classes.append(int(winner))
                edges.append(end)
    return np.array(edges, dtype=float), np.array(classes, dtype=np.int64)


def plot_affine_pieces(pieces: LinePieces, *, output=None, ax=None, breakpoints: bool = True,
                       window=None, color=None, linewidth: float = 1.5, classes: bool = False,
                       decision_boundary: bool = False, class_names=None, class_cmap=None,
                       legend: bool | dict = False):
    """Draw the restricted function ``s -> net(line(s))`` with its breakpoints.

    The curve is drawn through the breakpoints (exact: the function is affine between
    them); unbounded end pieces are drawn over ``window``.

    Parameters
    ----------
    pieces : LinePieces
        From :func:`plregions.affine_pieces`.
    output : int, optional
        The index of the one output to draw, from 0 to n_out - 1; all of them by default.
    ax : matplotlib Axes, optional
        By default a new 7 x 3.5 inch pyplot figure (:data:`PIECES_FIGSIZE`; the parameter
        and the outputs have no common scale to shape it by).
    breakpoints : bool
        Mark the breakpoints.
    window : (s_lo, s_hi), optional
        The parameter range drawn, finite and inside the domain (``[0, 1]`` along a
        segment); by default the domain, or for an unbounded line the breakpoints with a
        margin.
    color : color, optional
        The colour of the curves; by default matplotlib's colour cycle, or with
        ``classes=True`` the class colours (output ``k`` in the colour of class ``k``).
    classes : bool
        Shade the background by the predicted class (argmax of all the outputs; with one
        output, ``y > 0``), cut exactly where it changes (:func:`class_intervals`), in the
        colours of :func:`~plregions.plotting.class_palette`, as ``plot_partition`` colours
        class cells.
    decision_boundary : bool
        Mark where the predicted class changes with vertical lines.
    class_names : sequence of str, optional
        Names of the classes in output order: the labels of the curves (and, for one
        output, of the two shaded classes ``y <= 0``, ``y > 0``).
    class_cmap : str or Colormap, optional
        The class colours (see :func:`~plregions.plotting.class_palette`).
    legend : bool or dict
        Add a legend of the curves (``"output k"`` or the class name), of the shaded
        classes for one output (named as ``plot_partition`` names them: ``"y <= 0"``,
        ``"y > 0"``), and of the decision boundary when the class changes in the window.
        A dict gives keyword arguments of ``Axes.legend``.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, -2.0]]], [[0.0, -1.0], [0.0]])
    >>> ax = plr.plot_affine_pieces(plr.affine_pieces(net, plr.Box([-1.0], [2.0])),
    ...                             ax=Figure().add_subplot())
    >>> ax.lines[0].get_xydata().tolist()
    [[-1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [2.0, 0.0]]
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap

    if not isinstance(pieces, LinePieces):
        raise InvalidArgumentError(
            f"plot_affine_pieces takes the LinePieces of plr.affine_pieces, got "
            f"{type(pieces).__name__}")
    n_out = pieces.slopes.shape[1]
    if output is not None:
        output = check_output(output, n_out)
    n_classes = max(2, n_out)
    if class_names is not None and len(class_names) < n_classes:
        raise InvalidArgumentError(
            f"class_names has {len(class_names)} names but there are {n_classes} classes "
            "(one per network output, two for one output); give one name per class")
    bounds = pieces.bounds.copy()
    inner = pieces.breakpoints
    if window is None:
        lo, hi = bounds[0], bounds[-1]
        if not (np.isfinite(lo) and np.isfinite(hi)):
            span = (inner.max() - inner.min()) if inner.size > 1 else 1.0
            center = inner.mean() if inner.size else 0.0
            margin = max(span, 1.0) * 0.5
            lo = lo if np.isfinite(lo) else min(inner.min(initial=center), center) - margin
            hi = hi if np.isfinite(hi) else max(inner.max(initial=center), center) + margin
    else:
        lo, hi = _check_window(window, bounds[0], bounds[-1])
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=PIECES_FIGSIZE, layout="constrained").add_subplot()
    palette = class_palette(n_classes, class_cmap)
    s = np.concatenate([[lo], inner[(inner > lo) & (inner < hi)], [hi]])
    values = pieces(s)
    handles = []
    for o in range(n_out) if output is None else [output]:
        name = (str(class_names[o]) if class_names is not None and n_out > 1
                else f"output {o}")
        shade = palette[o] if classes and color is None and n_out > 1 else color
        (line,) = ax.plot(s, values[:, o], color=shade, linewidth=linewidth, label=name)
        line.set_gid(f"output {o}")
        handles.append(line)
        if breakpoints and s.size > 2:
            (marks,) = ax.plot(s[1:-1], values[1:-1, o], "o", color=line.get_color(),
                               markersize=4)
            marks.set_gid("breakpoints")
    if classes or decision_boundary:
        edges, winners = class_intervals(pieces, lo, hi)
    if classes:
        spans = [[(a, 0.0), (b, 0.0), (b, 1.0), (a, 1.0)] for a, b in zip(edges[:-1], edges[1:])]
        # The class of every span is the collection's data array (get_array()); x is data,
        # y spans the axes.
        shading = PolyCollection(spans, array=winners.astype(float),
                                 cmap=ListedColormap(palette),
                                 norm=BoundaryNorm(np.arange(n_classes + 1) - 0.5, n_classes),
                                 edgecolors="none", alpha=0.25, zorder=0,
                                 transform=ax.get_xaxis_transform())
        shading.set_gid("classes")
        ax.add_collection(shading, autolim=False)
        if n_out == 1:
            handles += _class_handles(sorted(set(winners.tolist())), palette, n_out,
                                      class_names, patches=True)
    if decision_boundary:
        changes = edges[1:-1]
        lines = ax.vlines(changes, 0, 1, transform=ax.get_xaxis_transform(), colors="red",
                          linestyles="dashed", linewidths=1.0, label="decision boundary")
        lines.set_gid("decision boundary")
        if changes.size:  # no legend entry for a boundary that is not in the window
            handles.append(lines)
    if legend and handles:
        options = {"fontsize": "small"}
        if isinstance(legend, dict):
            options.update(legend)
        ax.legend(handles=handles, **options)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("s" if pieces.segment is not None else "x")
    ax.set_ylabel("output" if output is None else f"output {output}")
    return ax


def _check_window(window, start: float, end: float) -> tuple[float, float]:
    """``(s_lo, s_hi)`` from a ``window`` argument, finite and inside ``[start, end]``."""
    try:
        lo, hi = (float(v) for v in window)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"window must be two numbers (s_lo, s_hi), got {window!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise InvalidArgumentError(
            f"window must be (s_lo, s_hi), finite, with s_lo < s_hi, got {window!r}")
    if lo < start or hi > end:
        raise InvalidArgumentError(
            f"window={window!r} reaches outside the line's domain [{start:g}, {end:g}] (the "
            "function is computed there only); give s_lo, s_hi inside it")
    return lo, hi
