"""Exact polygon pieces for plots: regions clipped to a window, class cells, level sets.

Everything here is plain numpy on the polygons an engine computed (or on a region's
halfspaces); no LP is solved.
"""

from __future__ import annotations

import numpy as np

from plregions.errors import InvalidArgumentError
from plregions.partition import Partition

__all__ = ["clip_polygon", "region_polygons", "class_cells", "decision_segments",
           "plot_window", "default_window", "interior_window", "format_window",
           "check_partition"]


def clip_polygon(poly: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
    """The part of a convex polygon where ``a @ x <= b`` (Sutherland-Hodgman).

    Parameters
    ----------
    poly : ndarray of shape (k, 2)
        Counter-clockwise vertices.
    a : ndarray of shape (2,)
    b : float

    Returns
    -------
    ndarray of shape (m, 2)
        Counter-clockwise; empty when nothing is left.

    Examples
    --------
    >>> import numpy as np
    >>> square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> clip_polygon(square, np.array([1.0, 0.0]), 0.5).tolist()
    [[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]
    """
    if poly.shape[0] == 0:
        return poly
    s = poly @ a - b
    if np.all(s <= 0):
        return poly
    if np.all(s >= 0):
        return np.zeros((0, 2))
    out = []
    k = poly.shape[0]
    for i in range(k):
        j = (i + 1) % k
        if s[i] <= 0:
            out.append(poly[i])
        if (s[i] < 0 < s[j]) or (s[j] < 0 < s[i]):
            t = s[i] / (s[i] - s[j])
            out.append(poly[i] + t * (poly[j] - poly[i]))
    return np.array(out).reshape(-1, 2)


def _box_polygon(window: np.ndarray) -> np.ndarray:
    (x0, x1), (y0, y1) = window
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def _clip_to_window(poly: np.ndarray, window: np.ndarray) -> np.ndarray:
    (x0, x1), (y0, y1) = window
    for a, b in (((1.0, 0.0), x1), ((-1.0, 0.0), -x0), ((0.0, 1.0), y1), ((0.0, -1.0), -y0)):
        poly = clip_polygon(poly, np.array(a), b)
    return poly


def check_partition(part, function: str):
    """Refuse anything but a :class:`~plregions.Partition` of a 2-D domain."""
    if not isinstance(part, Partition):
        raise InvalidArgumentError(
            f"{function} takes a Partition (from plr.partition(net, domain)), got "
            f"{type(part).__name__}")
    if part.network.n_in != 2:
        raise InvalidArgumentError(
            f"this plot needs a 2-D partition (a Plane slice, or a 2-input network); this "
            f"one has {part.network.n_in} coordinates")


def default_window(part) -> np.ndarray | None:
    """The ``[[x_lo, x_hi], [y_lo, y_hi]]`` drawn when no window is given: the domain's
    box, else the window the 2-D engine clipped unbounded regions to; None when the
    partition has neither (all of R^2, or a whole plane, partitioned by the general
    engine)."""
    domain = part.domain
    if domain is not None and hasattr(domain, "lower") and hasattr(domain, "upper"):
        return np.stack([domain.lower, domain.upper], axis=1).astype(float)
    if part.polygons is not None:
        return np.asarray(part.polygons.window, dtype=float)
    return None


def interior_window(part) -> np.ndarray:
    """A window holding every region's interior point with a margin of a tenth of their
    extent (at least 1), its ends rounded outwards to a tenth of that extent: the window
    suggested for a partition without a :func:`default_window`.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[-3.0, 5.0], [0.0]])
    >>> part = plr.partition(net, method="layerwise")     # lines x = 3 and y = -5
    >>> window = interior_window(part)
    >>> bool(((window[:, 0] < part.interior_points) & (part.interior_points < window[:, 1])).all())
    True
    """
    points = part.interior_points
    lo, hi = points.min(axis=0), points.max(axis=0)
    extent = max(float((hi - lo).max()), 1.0)
    step = 10.0 ** np.floor(np.log10(extent / 10))
    return np.column_stack([np.floor((lo - extent / 10) / step) * step,
                            np.ceil((hi + extent / 10) / step) * step])


def format_window(window) -> list[str]:
    """The four ends ``x_lo, x_hi, y_lo, y_hi`` of a window as short strings (at most 12
    significant digits).

    Examples
    --------
    >>> format_window([[0.1 + 0.2, 1.0], [-1.6e9, 3e19]])
    ['0.3', '1', '-1600000000', '3e+19']
    """
    return [f"{value:.12g}" for value in np.asarray(window, dtype=float).ravel()]


def plot_window(part, window=None) -> np.ndarray:
    """The ``[[x_lo, x_hi], [y_lo, y_hi]]`` shown for a 2-D partition.

    The given ``window``, else :func:`default_window`; a partition without one is refused
    with a window to pass (:func:`interior_window`).
    """
    check_partition(part, "this plot")
    if window is not None:
        try:
            given = np.asarray(window, dtype=float)
        except (TypeError, ValueError):
            given = np.full(1, np.nan)
        if (given.shape != (2, 2) or not np.all(np.isfinite(given))
                or not np.all(given[:, 0] < given[:, 1])):
            raise InvalidArgumentError(
                "window must be ((x_lo, x_hi), (y_lo, y_hi)), finite, with lo < hi, got "
                f"{window!r}")
        return given
    found = default_window(part)
    if found is None:
        (x0, x1), (y0, y1) = np.reshape(format_window(interior_window(part)), (2, 2))
        raise InvalidArgumentError(
            f"this partition of {_unbounded(part)} has no box to draw in (the general engine "
            f"made it, without polygons); pass window=((x_lo, x_hi), (y_lo, y_hi)), for "
            f"instance window=(({x0}, {x1}), ({y0}, {y1})), which holds an interior point "
            "of every region")
    return found


def _unbounded(part) -> str:
    return "all of R^2" if part.input_slice is None else "a whole plane"


def region_polygons(part, window: np.ndarray) -> list[np.ndarray]:
    """Every region's polygon inside ``window``, counter-clockwise (empty when outside).

    Uses the 2-D engine's polygons when the partition has them, otherwise clips the
    window by each region's halfspaces.
    """
    out = []
    if part.polygons is not None:
        inside = (np.all(part.polygons.vertices >= window[:, 0]) and
                  np.all(part.polygons.vertices <= window[:, 1]))
        for i in range(len(part)):
            poly = np.asarray(part.polygons[i], dtype=float)
            out.append(poly if inside else _clip_to_window(poly, window))
        return out
    box = _box_polygon(window)
    for i in range(len(part)):
        A, b = part[i].halfspaces
        poly = box
        for a_row, b_val in zip(A, b):
            poly = clip_polygon(poly, a_row, b_val)
            if poly.shape[0] == 0:
                break
        out.append(poly)
    return out


def _class_maps(A: np.ndarray, c: np.ndarray):
    """Per-class affine scores; one output is read as the two scores ``(0, y)``."""
    if A.shape[0] == 1:
        return np.vstack([np.zeros_like(A), A]), np.concatenate([[0.0], c])
    return A, c


def class_cells(poly: np.ndarray, A: np.ndarray, c: np.ndarray):
    """The cells of a region's polygon where each class is the predicted one.

    Parameters
    ----------
    poly : ndarray of shape (k, 2)
    A, c : ndarray of shape (n_out, 2) and (n_out,)
        The network's output on the region. With one output the classes are ``y <= 0``
        (0) and ``y > 0`` (1); otherwise the argmax.

    Returns
    -------
    list of (int, ndarray of shape (m, 2))
        ``(class, polygon)`` for each non-empty cell.
    """
    A, c = _class_maps(A, c)
    cells = []
    for k in range(A.shape[0]):
        cell = poly
        for j in range(A.shape[0]):
            if j == k:
                continue
            # Class k beats j where (A_j - A_k) x <= c_k - c_j.
            cell = clip_polygon(cell, A[j] - A[k], c[k] - c[j])
            if cell.shape[0] == 0:
                break
        if cell.shape[0] >= 3 and _area(cell) > 0:
            cells.append((k, cell))
    return cells


def decision_segments(poly: np.ndarray, A: np.ndarray, c: np.ndarray) -> list[np.ndarray]:
    """Segments of the decision boundary inside one region's polygon.

    Where two classes tie for the largest score (one output: where it is 0).

    Returns
    -------
    list of ndarray of shape (2, 2)
    """
    A, c = _class_maps(A, c)
    segments = []
    n = A.shape[0]
    for k in range(n):
        for j in range(k + 1, n):
            g, h = A[k] - A[j], c[k] - c[j]
            norm = np.linalg.norm(g)
            if norm == 0:
                continue
            seg = _line_in_polygon(poly, g / norm, h / norm)
            if seg is None:
                continue
            for m in range(n):
                if m in (k, j) or seg is None:
                    continue
                # Keep where class m does not beat k: (A_m - A_k) x <= c_k - c_m.
                seg = _clip_segment(seg, A[m] - A[k], c[k] - c[m])
            if seg is not None:
                segments.append(seg)
    return segments


def _line_in_polygon(poly: np.ndarray, normal: np.ndarray, offset: float):
    """The chord of a convex polygon on the line ``normal @ x + offset = 0``."""
    direction = np.array([-normal[1], normal[0]])
    foot = -offset * normal
    lo, hi = -np.inf, np.inf
    k = poly.shape[0]
    for i in range(k):
        p, q = poly[i], poly[(i + 1) % k]
        edge = q - p
        # Inside of a CCW polygon: cross(edge, x - p) >= 0.
        a = edge[0] * direction[1] - edge[1] * direction[0]
        b = edge[0] * (foot[1] - p[1]) - edge[1] * (foot[0] - p[0])
        if a == 0:
            if b < 0:
                return None
            continue
        t = -b / a
        if a > 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
    if not hi > lo:
        return None
    return np.array([foot + lo * direction, foot + hi * direction])


def _clip_segment(seg: np.ndarray, a: np.ndarray, b: float):
    s0, s1 = seg @ a - b
    if s0 <= 0 and s1 <= 0:
        return seg
    if s0 >= 0 and s1 >= 0:
        return None
    t = s0 / (s0 - s1)
    cut = seg[0] + t * (seg[1] - seg[0])
    return np.array([seg[0], cut]) if s0 < 0 else np.array([cut, seg[1]])


def _area(poly: np.ndarray) -> float:
    x, y = poly[:, 0], poly[:, 1]
    return float((x * np.roll(y, -1) - np.roll(x, -1) * y).sum() / 2)
