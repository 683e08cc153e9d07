"""Vertices of bounded polytopes given by halfspaces (for views and plots in low d)."""

from __future__ import annotations

import numpy as np

__all__ = ["polytope_vertices"]


def polytope_vertices(A: np.ndarray, b: np.ndarray, interior_point: np.ndarray,
                      merge_tol: float = 1e-9) -> np.ndarray:
    """Vertices of the bounded polytope ``{x : A x <= b}``.

    Parameters
    ----------
    A : ndarray of shape (k, d)
    b : ndarray of shape (k,)
    interior_point : ndarray of shape (d,)
        A point strictly inside.
    merge_tol : float
        Vertices closer than this (relative to the polytope's size) are one vertex.

    Returns
    -------
    ndarray of shape (n_vertices, d)
        In 2-D ordered counter-clockwise; otherwise sorted lexicographically.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    >>> polytope_vertices(A, np.array([1.0, 1.0, 0.0]), np.array([0.3, 0.3])).round(6).tolist()
    [[1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]]
    """
    from scipy.spatial import HalfspaceIntersection

    d = A.shape[1]
    if d == 1:
        a = A[:, 0]
        upper = np.min(b[a > 0] / a[a > 0])
        lower = np.max(b[a < 0] / a[a < 0])
        return np.array([[lower], [upper]])
    hs = HalfspaceIntersection(np.hstack([A, -b[:, None]]), np.asarray(interior_point, float))
    pts = hs.intersections
    size = max(1.0, float(np.abs(pts).max()))
    keys = np.round(pts / (merge_tol * size * 1e3)).astype(np.int64)
    _, first = np.unique(keys, axis=0, return_index=True)
    pts = pts[np.sort(first)]
    if d == 2:
        center = pts.mean(axis=0)
        angles = np.arctan2(pts[:, 1] - center[1], pts[:, 0] - center[0])
        return pts[np.argsort(angles)]
    return pts[np.lexsort(pts.T[::-1])]
