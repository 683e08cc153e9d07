"""The general-dimension engine: layer-wise enumeration by incremental splitting.

Inside a region of layers ``< l`` every pre-activation of layer ``l`` is affine, so the
neurons of layer ``l`` are true hyperplanes there. The engine walks the layers depth
first: for each parent region it groups the layer's hyperplanes (coincident and opposite
neurons are one hyperplane; constant neurons are none), keeps those that cross the
parent, and inserts them one at a time, splitting every current cell they cross.

Each cell carries a certified interior ball. A hyperplane through the ball splits the
cell without any LP (each side holds half a ball); otherwise one Chebyshev LP on the far
side decides. Memory is O(depth x cells of one parent): regions stream out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from plregions.geometry.hyperplanes import ball_halves, classify_forms, group_hyperplanes
from plregions.geometry.lp import LPStats, certified_ball
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["iter_regions_layerwise", "LeafRegion", "layer_forms"]


@dataclass(frozen=True)
class LeafRegion:
    """One activation region as produced by an engine."""

    pattern: np.ndarray  # bool, (n_neurons,)
    point: np.ndarray  # (d,), centre of a certified interior ball
    radius: float


def layer_forms(layer, M: np.ndarray, c: np.ndarray):
    """Pre-activation forms of ``layer`` given the affine map ``h = M x + c`` of its input.

    Returns ``(W, cz, grad_magnitude, const_magnitude)``.
    """
    W = layer.weight @ M
    cz = layer.weight @ c + layer.bias
    absW = np.abs(layer.weight)
    grad_mag = absW @ np.linalg.norm(M, axis=1)
    const_mag = absW @ np.abs(c) + np.abs(layer.bias)
    return W, cz, grad_mag, const_mag


class _Splitter:
    """Shared state of one enumeration: tolerances, LP backend, counters."""

    def __init__(self, d: int, scale: float, tol: Tolerance, backend: str, stats: LPStats):
        self.d = d
        self.scale = scale
        self.tol = tol
        self.min_radius = tol.radius * scale
        self.max_radius = 1e3 * scale
        self.backend = backend
        self.stats = stats

    def ball(self, A, b):
        return certified_ball(A, b, self.min_radius, self.max_radius, self.backend, self.stats)

    def split(self, cell, normal, offset, known_far=None):
        """Split ``cell = (A, b, x, r)`` by ``normal @ x + offset = 0``.

        Returns ``[(side, child), ...]`` with side +1 (positive side) or -1 and child a
        cell tuple; one entry when the hyperplane misses the cell's interior.
        """
        A, b, x, r = cell
        v = float(normal @ x + offset)
        children = []
        row_pos = (-normal, offset)  # positive side: -(n x + o) <= 0
        row_neg = (normal, -offset)  # negative side:   n x + o  <= 0
        if abs(v) < r:
            (cp, rp), (cn, rn) = ball_halves(x, r, normal, v)
            for side, (row_a, row_b), center, rad in ((1, row_pos, cp, rp), (-1, row_neg, cn, rn)):
                A2 = np.vstack([A, row_a])
                b2 = np.append(b, row_b)
                if rad <= self.min_radius:
                    found = self.ball(A2, b2)
                    if found is None:
                        continue
                    center, rad = found
                children.append((side, (A2, b2, center, rad)))
            return children
        same = 1 if v > 0 else -1
        row_same, row_far = (row_pos, row_neg) if same > 0 else (row_neg, row_pos)
        A_far = np.vstack([A, row_far[0]])
        b_far = np.append(b, row_far[1])
        found = known_far if known_far is not None else self.ball(A_far, b_far)
        if found is None:
            return [(same, cell)]
        children.append((same, (np.vstack([A, row_same[0]]), np.append(b, row_same[1]), x, r)))
        children.append((-same, (A_far, b_far, found[0], found[1])))
        return children


def iter_regions_layerwise(net: Network, A0: np.ndarray, b0: np.ndarray, start_point: np.ndarray,
                           start_radius: float, scale: float, tol: Tolerance, backend: str,
                           stats: LPStats) -> Iterator[LeafRegion]:
    """Yield every activation region of ``net`` inside ``{x : A0 x <= b0}``.

    Parameters
    ----------
    A0, b0 : ndarray of shape (k, d) and (k,)
        The domain's unit-normal halfspaces (k = 0 for all of R^d).
    start_point, start_radius : ndarray of shape (d,), float
        A certified ball inside the domain.
    scale : float
        The domain's scale (see :class:`~plregions.geometry.tolerance.Tolerance`).
    """
    d = net.n_in
    splitter = _Splitter(d, scale, tol, backend, stats)
    root = (A0, b0, start_point, start_radius)
    n_layers = len(net.hidden)
    if n_layers == 0:
        yield LeafRegion(np.zeros(0, dtype=bool), start_point, start_radius)
        return
    # Depth-first over layers: stack entries are (layer index, cell, bits so far, M, c).
    stack = [(0, root, [], np.eye(d), np.zeros(d))]
    while stack:
        layer_index, cell, bits, M, c = stack.pop()
        layer = net.hidden[layer_index]
        W, cz, grad_mag, const_mag = layer_forms(layer, M, c)
        children = _split_by_layer(splitter, cell, layer, W, cz, grad_mag, const_mag)
        last = layer_index == n_layers - 1
        for child, layer_bits in children:
            new_bits = [*bits, layer_bits]
            if last:
                yield LeafRegion(np.concatenate(new_bits), child[2], child[3])
                continue
            slope = layer.negative_slope.copy()
            active_units = np.zeros(layer.n_out, dtype=bool)
            active_units[layer.is_neuron] = layer_bits
            slope[active_units] = 1.0
            stack.append((layer_index + 1, child, new_bits, slope[:, None] * W, slope * cz))


def _split_by_layer(splitter: _Splitter, parent, layer, W, cz, grad_mag, const_mag):
    """All cells of one layer's hyperplane arrangement inside ``parent``.

    Returns a list of ``(cell, bits)`` with bits the activation of the layer's neurons.
    """
    neuron = layer.is_neuron
    Wn, czn = W[neuron], cz[neuron]
    is_plane, constant_positive, normals, offsets = classify_forms(
        Wn, czn, grad_mag[neuron], const_mag[neuron], splitter.tol.parallel)
    plane_idx = np.flatnonzero(is_plane)
    base_bits = constant_positive.copy()
    if plane_idx.size == 0:
        return [(parent, base_bits)]
    group, orient, reps = group_hyperplanes(normals[plane_idx], offsets[plane_idx],
                                            splitter.scale, splitter.tol.parallel)
    # Which groups cross the parent at all, and on which side it lies otherwise.
    crossing = []
    fixed_side = np.zeros(reps.size, dtype=np.int64)
    first_split = None
    for g, rep in enumerate(reps):
        n, o = normals[plane_idx[rep]], offsets[plane_idx[rep]]
        parts = splitter.split(parent, n, o)
        if len(parts) == 1:
            fixed_side[g] = parts[0][0]
        else:
            crossing.append(g)
            if first_split is None:
                first_split = parts
    cells = [(parent, np.zeros(reps.size, dtype=np.int64))]
    if crossing:
        cells = [(child, _with_side(fixed_side, crossing[0], side)) for side, child in first_split]
        for g in crossing[1:]:
            n, o = normals[plane_idx[reps[g]]], offsets[plane_idx[reps[g]]]
            new_cells = []
            for cell, sides in cells:
                for side, child in splitter.split(cell, n, o):
                    new_cells.append((child, _with_side(sides, g, side)))
            cells = new_cells
    else:
        cells = [(parent, fixed_side)]
    out = []
    for cell, sides in cells:
        bits = base_bits.copy()
        bits[plane_idx] = (sides[group] * orient) > 0
        out.append((cell, bits))
    return out


def _with_side(sides: np.ndarray, g: int, side: int) -> np.ndarray:
    sides = sides.copy()
    sides[g] = side
    return sides
