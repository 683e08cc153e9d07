"""Picture of a network restricted to a line: its affine pieces and breakpoints."""

from __future__ import annotations

import numpy as np

from plregions.engines.line import LinePieces
from plregions.errors import InvalidArgumentError

__all__ = ["plot_affine_pieces"]


def plot_affine_pieces(pieces: LinePieces, *, output=None, ax=None, breakpoints: bool = True,
                       window=None, color=None, linewidth: float = 1.5):
    """Draw the restricted function ``s -> net(line(s))`` with its breakpoints.

    The curve is drawn through the breakpoints (exact: the function is affine between
    them); unbounded end pieces are drawn over ``window``.

    Parameters
    ----------
    pieces : LinePieces
        From :func:`plregions.affine_pieces`.
    output : int, optional
        The output to draw; all of them by default.
    ax : matplotlib Axes, optional
    breakpoints : bool
        Mark the breakpoints.
    window : (s_lo, s_hi), optional
        The parameter range drawn; by default the domain, or for an unbounded line the
        breakpoints with a margin.

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
    if not isinstance(pieces, LinePieces):
        raise InvalidArgumentError(
            f"plot_affine_pieces takes the LinePieces of plr.affine_pieces, got "
            f"{type(pieces).__name__}")
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
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
        lo, hi = (float(v) for v in window)
        if not lo < hi:
            raise InvalidArgumentError(f"window must be (s_lo, s_hi) with s_lo < s_hi, got "
                                       f"{window!r}")
    s = np.concatenate([[lo], inner[(inner > lo) & (inner < hi)], [hi]])
    values = pieces(s)
    outputs = range(values.shape[1]) if output is None else [output]
    for o in outputs:
        if not 0 <= o < values.shape[1]:
            raise InvalidArgumentError(f"output={o} but the network has {values.shape[1]} "
                                       "outputs")
        (line,) = ax.plot(s, values[:, o], color=color, linewidth=linewidth,
                          label=f"output {o}")
        line.set_gid(f"output {o}")
        if breakpoints and s.size > 2:
            (marks,) = ax.plot(s[1:-1], values[1:-1, o], "o", color=line.get_color(),
                               markersize=4)
            marks.set_gid("breakpoints")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("s" if pieces.segment is not None else "x")
    ax.set_ylabel("output")
    return ax
