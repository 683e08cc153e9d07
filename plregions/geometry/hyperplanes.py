"""Affine forms on a region: which are constant, which share a hyperplane."""

from __future__ import annotations

import numpy as np

__all__ = ["classify_forms", "group_hyperplanes", "ball_halves"]


def classify_forms(W: np.ndarray, c: np.ndarray, grad_magnitude: np.ndarray,
                   const_magnitude: np.ndarray, rel_tol: float):
    """Split affine forms ``W x + c`` into constants and hyperplanes.

    Parameters
    ----------
    W : ndarray of shape (m, d)
    c : ndarray of shape (m,)
    grad_magnitude, const_magnitude : ndarray of shape (m,)
        The size of the terms that were summed to make each row of ``W`` and each entry
        of ``c`` (so that a sum that cancels to rounding noise is recognised as zero).
    rel_tol : float

    Returns
    -------
    is_plane : ndarray of bool, shape (m,)
        The form has a non-zero gradient.
    constant_positive : ndarray of bool, shape (m,)
        For the constant forms, whether the constant is > 0 (an identically-zero form is
        not positive: the neuron is inactive).
    normals : ndarray of shape (m, d)
        Unit normals (rows of constant forms are zero).
    offsets : ndarray of shape (m,)
        ``c / ||W||``, so that the signed distance of x to the hyperplane is
        ``normals @ x + offsets``.
    """
    norms = np.linalg.norm(W, axis=1)
    is_plane = norms > rel_tol * grad_magnitude
    constant_positive = ~is_plane & (c > rel_tol * const_magnitude)
    safe = np.where(is_plane, norms, 1.0)
    normals = np.where(is_plane[:, None], W / safe[:, None], 0.0)
    offsets = np.where(is_plane, c / safe, 0.0)
    return is_plane, constant_positive, normals, offsets


def group_hyperplanes(normals: np.ndarray, offsets: np.ndarray, scale: float, tol: float,
                      oriented: bool = False):
    """Group unit-normal hyperplanes that coincide.

    Parameters
    ----------
    normals : ndarray of shape (m, d)
    offsets : ndarray of shape (m,)
    scale : float
        Offsets are compared after dividing by it.
    tol : float
    oriented : bool
        If True, ``(n, o)`` and ``(-n, -o)`` are different (halfspaces); otherwise they are
        one hyperplane with opposite orientation.

    Returns
    -------
    group : ndarray of int, shape (m,)
        Group index of each hyperplane; group ``g`` is represented by its first member.
    orientation : ndarray of {+1, -1}, shape (m,)
        +1 if the member points the same way as its group's representative.
    representatives : ndarray of int
        Index of each group's first member.
    """
    m = normals.shape[0]
    group = np.arange(m, dtype=np.int64)
    orientation = np.ones(m, dtype=np.int64)
    key = np.hstack([normals, offsets[:, None] / scale])
    if m * m * key.shape[1] > 4_000_000:
        return _group_rowwise(key, tol, oriented)
    same = np.max(np.abs(key[:, None, :] - key[None, :, :]), axis=2) <= tol
    if oriented:
        opposite = np.zeros_like(same)
    else:
        opposite = np.max(np.abs(key[:, None, :] + key[None, :, :]), axis=2) <= tol
    match = np.triu(same | opposite, 1)
    if match.any():
        for i in range(m):
            if group[i] != i:
                continue  # already joined to an earlier representative
            for j in np.flatnonzero(match[i]):
                if group[j] == j:
                    group[j] = i
                    orientation[j] = 1 if same[i, j] else -1
    reps, group = np.unique(group, return_inverse=True)
    return group.astype(np.int64), orientation, reps.astype(np.int64)


def _group_rowwise(key: np.ndarray, tol: float, oriented: bool):
    """Memory-light variant of :func:`group_hyperplanes` for very many hyperplanes."""
    m = key.shape[0]
    group = np.arange(m, dtype=np.int64)
    orientation = np.ones(m, dtype=np.int64)
    for i in range(m):
        if group[i] != i:
            continue
        rest = np.arange(i + 1, m)
        rest = rest[group[rest] == rest]
        same = np.max(np.abs(key[rest] - key[i]), axis=1) <= tol
        group[rest[same]] = i
        if not oriented:
            opposite = ~same & (np.max(np.abs(key[rest] + key[i]), axis=1) <= tol)
            group[rest[opposite]] = i
            orientation[rest[opposite]] = -1
    reps, group = np.unique(group, return_inverse=True)
    return group.astype(np.int64), orientation, reps.astype(np.int64)


def ball_halves(center: np.ndarray, radius: float, normal: np.ndarray, distance: float):
    """Balls inside each half of ``B(center, radius)`` cut by a hyperplane.

    ``distance`` is the signed distance ``normal @ center + offset`` of the center; the
    positive side is ``normal @ x + offset > 0``. Valid when ``|distance| < radius``.

    Returns
    -------
    (positive_center, positive_radius), (negative_center, negative_radius)
    """
    pos = (center + normal * ((radius - distance) / 2), (radius + distance) / 2)
    neg = (center - normal * ((radius + distance) / 2), (radius - distance) / 2)
    return pos, neg
