"""The halfspaces of one activation region, rebuilt from its pattern."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.engines.layerwise import layer_forms
from plregions.geometry.hyperplanes import classify_forms
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["RegionRows", "region_rows", "iter_region_rows", "neighbor_pattern",
           "point_pattern"]


@dataclass(frozen=True)
class RegionRows:
    """Unit-normal halfspaces ``A x <= b`` of a region's closure.

    Attributes
    ----------
    A : ndarray of shape (k, d)
    b : ndarray of shape (k,)
    labels : ndarray of int, shape (k,)
        The neuron of each row, or ``-1 - j`` for row ``j`` of the domain.
    zero_neurons : ndarray of int
        Neurons whose pre-activation is identically zero on the region.
    """

    A: np.ndarray
    b: np.ndarray
    labels: np.ndarray
    zero_neurons: np.ndarray


def _patterned_forms(net: Network, pattern: np.ndarray):
    """Yield, for each hidden layer, (global neuron ids, forms, magnitudes) under pattern."""
    d = net.n_in
    M, c = np.eye(d), np.zeros(d)
    for index, layer in enumerate(net.hidden):
        W, cz, gmag, cmag = layer_forms(layer, M, c)
        ids = np.arange(net.neuron_slice(index).start, net.neuron_slice(index).stop)
        keep = layer.is_neuron
        yield ids, W[keep], cz[keep], gmag[keep], cmag[keep]
        slope = layer.slopes(pattern[ids])
        M, c = slope[:, None] * W, slope * cz


def region_rows(net: Network, pattern: np.ndarray, A0: np.ndarray, b0: np.ndarray,
                tol: Tolerance) -> RegionRows:
    """All halfspaces that define the region of ``pattern`` inside the domain ``A0 x <= b0``."""
    rows_A, rows_b, labels, zero = [A0], [b0], [-1 - np.arange(A0.shape[0])], []
    for ids, W, cz, gmag, cmag in _patterned_forms(net, pattern):
        is_plane, positive, normals, offsets = classify_forms(W, cz, gmag, cmag, tol.parallel)
        active = pattern[ids]
        sign = np.where(active, -1.0, 1.0)  # active: -(n x + o) <= 0
        rows_A.append(sign[is_plane, None] * normals[is_plane])
        rows_b.append(-sign[is_plane] * offsets[is_plane])
        labels.append(ids[is_plane])
        is_zero = np.abs(cz) <= tol.parallel * np.maximum(cmag, 1e-300)
        zero.append(ids[~is_plane & ~positive & is_zero])
    # A network without hidden layers is affine: its one region is the whole domain.
    zero_neurons = np.concatenate(zero) if zero else np.zeros(0)
    return RegionRows(np.vstack(rows_A), np.concatenate(rows_b),
                      np.concatenate(labels).astype(np.int64), zero_neurons.astype(np.int64))


def iter_region_rows(net: Network, patterns: np.ndarray, A0: np.ndarray, b0: np.ndarray,
                     tol: Tolerance):
    """:func:`region_rows` of many patterns, computed in vectorized chunks.

    Parameters
    ----------
    patterns : ndarray of bool, shape (n, n_neurons)

    Yields
    ------
    RegionRows
        One per pattern, in order.
    """
    d = net.n_in
    n_neurons = net.n_neurons
    chunk = max(1, int(2_000_000 // max(1, n_neurons * d)))
    domain_labels = -1 - np.arange(A0.shape[0])
    if not net.hidden:  # affine: every region is the whole domain
        for _ in range(patterns.shape[0]):
            yield RegionRows(A0, b0, domain_labels.astype(np.int64), np.zeros(0, np.int64))
        return
    for start in range(0, patterns.shape[0], chunk):
        P = patterns[start:start + chunk]
        m = P.shape[0]
        M = np.broadcast_to(np.eye(d), (m, d, d))
        c = np.zeros((m, d))
        forms, consts, gmags, cmags = [], [], [], []
        for index, layer in enumerate(net.hidden):
            absW = np.abs(layer.weight)
            W = layer.weight @ M  # one matrix product per region, in BLAS
            cz = c @ layer.weight.T + layer.bias
            gmag = np.linalg.norm(M, axis=2) @ absW.T
            cmag = np.abs(c) @ absW.T + np.abs(layer.bias)
            keep = layer.is_neuron
            forms.append(W[:, keep])
            consts.append(cz[:, keep])
            gmags.append(gmag[:, keep])
            cmags.append(cmag[:, keep])
            slope = layer.slopes(P[:, net.neuron_slice(index)])
            M = slope[:, :, None] * W
            c = slope * cz
        F = np.concatenate(forms, axis=1)
        Cz = np.concatenate(consts, axis=1)
        G = np.concatenate(gmags, axis=1)
        Cm = np.concatenate(cmags, axis=1)
        norms = np.linalg.norm(F, axis=2)
        is_plane = norms > tol.parallel * G
        positive = ~is_plane & (Cz > tol.parallel * Cm)
        zero = ~is_plane & ~positive & (np.abs(Cz) <= tol.parallel * np.maximum(Cm, 1e-300))
        safe = np.where(is_plane, norms, 1.0)
        sign = np.where(P, -1.0, 1.0)
        rows_A = (sign / safe)[:, :, None] * F
        rows_b = -sign * Cz / safe
        ids = np.arange(n_neurons)
        for i in range(m):
            sel = is_plane[i]
            yield RegionRows(np.vstack([A0, rows_A[i, sel]]), np.concatenate([b0, rows_b[i, sel]]),
                             np.concatenate([domain_labels, ids[sel]]).astype(np.int64),
                             ids[zero[i]].astype(np.int64))


def point_pattern(net: Network, x: np.ndarray, tol: Tolerance):
    """The activation pattern of one point, with identically-constant neurons exact.

    The forward pass is done on the local affine forms, so a neuron whose pre-activation
    is identically zero on the point's region is inactive even where rounding makes its
    value a tiny non-zero number.

    Returns
    -------
    pattern : ndarray of bool, shape (n_neurons,)
    on_boundary : bool
        Some neuron with a non-constant form is exactly 0 at ``x``.
    """
    d = net.n_in
    M, c = np.eye(d), np.zeros(d)
    bits, on_boundary = [], False
    for layer in net.hidden:
        W, cz, gmag, cmag = layer_forms(layer, M, c)
        keep = layer.is_neuron
        is_plane, positive, _, _ = classify_forms(W[keep], cz[keep], gmag[keep], cmag[keep],
                                                  tol.parallel)
        z = W[keep] @ x + cz[keep]
        active = np.where(is_plane, z > 0, positive)
        on_boundary |= bool(np.any(is_plane & (z == 0)))
        bits.append(active)
        slope = layer.slopes(active)
        M, c = slope[:, None] * W, slope * cz
    pattern = np.concatenate(bits) if bits else np.zeros(0, dtype=bool)
    return pattern, on_boundary


def neighbor_pattern(net: Network, pattern: np.ndarray, normal: np.ndarray,
                     vanishing: np.ndarray, tol: Tolerance) -> np.ndarray:
    """The pattern just across a facet of ``pattern``'s region.

    Parameters
    ----------
    normal : ndarray of shape (d,)
        Unit outward normal of the facet.
    vanishing : ndarray of int
        Neurons whose pre-activation vanishes on the facet's hyperplane on this side (the
        facet's own neurons and those identically zero here). Every other neuron keeps
        its sign across the facet, by continuity. A vanishing neuron's pre-activation on
        the far side is a multiple of the facet's equation: it is active there iff its
        gradient points outward.
    """
    bits = pattern.copy()
    d = net.n_in
    M, c = np.eye(d), np.zeros(d)
    for index, layer in enumerate(net.hidden):
        W, cz, gmag, _ = layer_forms(layer, M, c)
        sl = net.neuron_slice(index)
        units = np.flatnonzero(layer.is_neuron)
        here = vanishing[(vanishing >= sl.start) & (vanishing < sl.stop)]
        if here.size:
            local = units[here - sl.start]
            slope_out = W[local] @ normal
            bits[here] = slope_out > tol.parallel * np.maximum(gmag[local], 1e-300)
        slope = layer.slopes(bits[sl])
        M, c = slope[:, None] * W, slope * cz
    return bits
