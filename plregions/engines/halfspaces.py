"""The halfspaces of one activation region, rebuilt from its pattern."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.engines.layerwise import layer_forms
from plregions.geometry.hyperplanes import classify_forms
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["RegionRows", "region_rows", "neighbor_pattern"]


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
        yield ids, W[layer.is_neuron], cz[layer.is_neuron], gmag[layer.is_neuron], cmag[layer.is_neuron]
        slope = layer.negative_slope.copy()
        units = np.flatnonzero(layer.is_neuron)
        slope[units] = np.where(pattern[ids], 1.0, layer.negative_slope[units])
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
        zero.append(ids[~is_plane & ~positive & (np.abs(cz) <= tol.parallel * np.maximum(cmag, 1e-300))])
    return RegionRows(np.vstack(rows_A), np.concatenate(rows_b),
                      np.concatenate(labels).astype(np.int64), np.concatenate(zero).astype(np.int64))


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
        slope = layer.negative_slope.copy()
        slope[units] = np.where(bits[sl], 1.0, layer.negative_slope[units])
        M, c = slope[:, None] * W, slope * cz
    return bits
