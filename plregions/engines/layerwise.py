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

from plregions.geometry.hyperplanes import classify_forms, group_hyperplanes
from plregions.geometry.lp import BallWorkspace, LPStats
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

    def workspace(self, A, b, max_extra) -> BallWorkspace:
        return BallWorkspace(A, b, max_extra, self.min_radius, self.max_radius, self.backend,
                             self.stats)


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

    Returns a list of ``(cell, bits)`` with ``cell = (A, b, x, r)`` and ``bits`` the
    activation of the layer's neurons.
    """
    neuron = layer.is_neuron
    is_plane, constant_positive, normals, offsets = classify_forms(
        W[neuron], cz[neuron], grad_mag[neuron], const_mag[neuron], splitter.tol.parallel)
    plane_idx = np.flatnonzero(is_plane)
    bits = constant_positive
    if plane_idx.size == 0:
        return [(parent, bits)]
    group, orient, reps = group_hyperplanes(normals[plane_idx], offsets[plane_idx],
                                            splitter.scale, splitter.tol.parallel)
    N = normals[plane_idx[reps]]
    O = offsets[plane_idx[reps]]
    A_P, b_P, x_P, r_P = parent
    ws = splitter.workspace(A_P, b_P, reps.size + 1)
    # Row 2j bounds the positive side of group j (-(n x + o) <= 0), row 2j+1 the negative.
    table_A = np.empty((2 * reps.size, N.shape[1]))
    table_A[0::2], table_A[1::2] = -N, N
    table_b = np.empty(2 * reps.size)
    table_b[0::2], table_b[1::2] = O, -O
    rows = (table_A, table_b)
    # A cell is (x, r, sides, row ids): sides[j] is +-1 when the cell lies on that side of
    # group j and the row bounds it, +-2 when the row is redundant, 0 when not decided yet.
    root = (x_P, r_P, np.zeros(reps.size, dtype=np.int8), ())
    first, crossing = None, []
    for j in range(reps.size):
        parts = _split_cell(ws, rows, N, O, root, j, splitter.min_radius)
        if len(parts) == 1:
            root[2][j] = parts[0][2][j]
        else:
            crossing.append(j)
            first = first or parts
    if not crossing:
        cells = [root]
    else:
        cells = []
        for x, r, sides, ids in first:
            merged = root[2].copy()
            merged[crossing[0]] = sides[crossing[0]]
            cells.append((x, r, merged, ids))
        for j in crossing[1:]:
            new_cells = []
            for cell in cells:
                new_cells.extend(_split_cell(ws, rows, N, O, cell, j, splitter.min_radius))
            cells = new_cells
    out = []
    for x, r, sides, ids in cells:
        cell_bits = bits.copy()
        cell_bits[plane_idx] = (np.sign(sides[group]) * orient) > 0
        ids = list(ids)
        A = np.concatenate([A_P, table_A[ids]])
        b = np.concatenate([b_P, table_b[ids]])
        out.append(((A, b, x, r), cell_bits))
    return out


def _split_cell(ws: BallWorkspace, rows, N, O, cell, j, min_radius):
    """Split ``cell = (x, r, sides, row ids)`` by group ``j``'s hyperplane.

    Returns one or two cells; a cell that the hyperplane misses is returned with side
    +-2 (its row is redundant and not added).
    """
    x, r, sides, ids = cell
    table_A, table_b = rows
    n, o = N[j], O[j]
    v = float(n @ x + o)
    if abs(v) < r:
        children = []
        for side, row, center, rad in ((1, 2 * j, x + n * ((r - v) / 2), (r + v) / 2),
                                       (-1, 2 * j + 1, x - n * ((r + v) / 2), (r - v) / 2)):
            new_ids = (*ids, row)
            if rad <= min_radius:
                found = ws.ball(table_A[list(new_ids)], table_b[list(new_ids)])
                if found is None:
                    continue
                center, rad = found
            new = sides.copy()
            new[j] = side
            children.append((center, rad, new, new_ids))
        if len(children) == 1:
            x1, r1, new, _ = children[0]
            new[j] *= 2
            children = [(x1, r1, new, ids)]
        return children
    same = 1 if v > 0 else -1
    far_ids = (*ids, 2 * j + (1 if same > 0 else 0))
    found = ws.ball(table_A[list(far_ids)], table_b[list(far_ids)])
    near = sides.copy()
    if found is None:
        near[j] = 2 * same
        return [(x, r, near, ids)]
    near[j] = same
    far = sides.copy()
    far[j] = -same
    near_ids = (*ids, 2 * j + (0 if same > 0 else 1))
    return [(x, r, near, near_ids), (found[0], found[1], far, far_ids)]
