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
    # sides[j]: +-1 the cell lies on that side of group j and the row bounds it,
    # +-2 it lies on that side and the row is redundant, 0 not decided yet.
    root_sides = np.zeros(reps.size, dtype=np.int8)
    first, crossing = None, []
    for j in range(reps.size):
        parts = _split_cell(ws, N, O, (x_P, r_P, root_sides), j, splitter.min_radius)
        if len(parts) == 1:
            root_sides[j] = parts[0][2][j]
        else:
            crossing.append(j)
            first = first or parts
    if not crossing:
        cells = [(x_P, r_P, root_sides)]
    else:
        cells = [(x, r, _root_merge(sides, root_sides, crossing[0])) for x, r, sides in first]
        for j in crossing[1:]:
            new_cells = []
            for cell in cells:
                new_cells.extend(_split_cell(ws, N, O, cell, j, splitter.min_radius))
            cells = new_cells
    out = []
    for x, r, sides in cells:
        cell_bits = bits.copy()
        cell_bits[plane_idx] = (np.sign(sides[group]) * orient) > 0
        keep = np.abs(sides) == 1
        s = np.sign(sides[keep]).astype(float)
        A = np.concatenate([A_P, -s[:, None] * N[keep]])
        b = np.concatenate([b_P, s * O[keep]])
        out.append(((A, b, x, r), cell_bits))
    return out


def _root_merge(sides, root_sides, j):
    merged = root_sides.copy()
    merged[j] = sides[j]
    return merged


def _extra_rows(N, O, sides):
    keep = np.abs(sides) == 1
    s = np.sign(sides[keep]).astype(float)
    return -s[:, None] * N[keep], s * O[keep]


def _split_cell(ws: BallWorkspace, N, O, cell, j, min_radius):
    """Split ``cell = (x, r, sides)`` by group ``j``'s hyperplane ``N[j] x + O[j] = 0``.

    Returns one or two cells; a cell that the hyperplane misses is returned with side
    +-2 (its row is redundant).
    """
    x, r, sides = cell
    n, o = N[j], O[j]
    v = float(n @ x + o)
    if abs(v) < r:
        children = []
        for side, center, rad in ((1, x + n * ((r - v) / 2), (r + v) / 2),
                                  (-1, x - n * ((r + v) / 2), (r - v) / 2)):
            new = sides.copy()
            new[j] = side
            if rad <= min_radius:
                A1, b1 = _extra_rows(N, O, new)
                found = ws.ball(A1, b1)
                if found is None:
                    continue
                center, rad = found
            children.append((center, rad, new))
        if len(children) == 1:
            children[0][2][j] *= 2
        return children
    same = 1 if v > 0 else -1
    far = sides.copy()
    far[j] = -same
    A1, b1 = _extra_rows(N, O, far)
    found = ws.ball(A1, b1)
    near = sides.copy()
    if found is None:
        near[j] = 2 * same
        return [(x, r, near)]
    near[j] = same
    return [(x, r, near), (found[0], found[1], far)]
