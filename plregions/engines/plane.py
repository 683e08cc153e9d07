"""The 2-D engine: exact polygons by layer-wise convex-polygon clipping, no LPs.

Inside a region of layers ``< l`` every pre-activation of layer ``l`` is affine, so the
neurons of layer ``l`` are straight lines there. The engine walks the layers depth first;
for each cell it classifies the layer's neurons (identically constant: active iff the
constant is ``> 0``; one-sided: the side decides; crossing) and cuts the cell by the
crossing lines one after the other, cutting each current part they cross. A line cuts a
polygon only when vertices lie farther than ``eps = Tolerance.radius * scale`` on both of
its sides, so a line through a vertex, along an edge, or coinciding with an earlier line
(of this layer or another) cuts nothing and puts the part on the side of its other
vertices: coincident neurons are one line and flip together. The next layer's forms are
computed once per cell for a base pattern (one dot product per unit and coefficient);
the parts of a cell are then visited along a Morton curve of their centres, and each
part's forms are its previous sibling's plus one rank-one update per crossing neuron
whose bit differs (usually one or two).

In all of R^2 the same search runs in a square window that is grown until it provably
holds every vertex of the partition and meets every region
(:func:`enumerate_plane`); the regions touching its boundary are then exactly the
unbounded ones.

Every cut creates a *chord* shared by the two parts; both sides keep the chord's label on
their edges. A new vertex is solved from the cutting line and the line of the edge it
cuts (not interpolated between the edge's end points), so that its rounding error is
relative to its own coordinates, also in a window reaching far out. At the end the end
points of the edges on each chord are merged into the vertices of the subdivision: two
are one unless the piece of chord between them is a facet, a point of it lying farther
than ``Tolerance.facet * scale`` (and than :data:`ROUNDING` times the coordinates there)
from both lines that end it. Two regions are adjacent iff their edges on one chord share
a piece and no neuron of the lines ending those edges flips between them: across a
facet only the neurons vanishing on it flip (DESIGN.md section 1), while regions that
meet in a single vertex differ in a neuron whose line crosses the chord there. The
counts of vertices ``V`` and edges ``E`` of the subdivision satisfy ``V - E + F = 1``
(checked). The per-cell work runs in compiled kernels
(:mod:`plregions.engines.clipping`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.engines import clipping
from plregions.engines.halfspaces import iter_region_rows
from plregions.errors import InvalidNetworkError, RegionLimitError
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["Polygons", "PlaneResult", "EulerCheckError", "enumerate_polygons",
           "enumerate_plane", "box_polygon"]


# Break points of the subdivision are solved from two lines, so their rounding errors are
# a few units in the last place of their own coordinates: a margin below this many times
# a break point's largest coordinate is not resolved there (64 units, with room to spare;
# it matters only far from the origin, where it exceeds ``Tolerance.facet``).
ROUNDING = 64 * float(np.finfo(float).eps)


class EulerCheckError(RuntimeError):
    """The subdivision failed ``V - E + F = 1`` (a numerically degenerate input)."""


@dataclass(frozen=True)
class Polygons:
    """The convex polygon of every region, in CSR form.

    Attributes
    ----------
    indptr : ndarray of int, shape (n_regions + 1,)
    vertices : ndarray of shape (n_vertices, 2)
        Region ``i`` is ``vertices[indptr[i]:indptr[i + 1]]``, counter-clockwise.
    window : ndarray of shape (2, 2)
        ``[[x_lo, x_hi], [y_lo, y_hi]]``: the box the polygons were clipped to (the
        domain, or for all of R^2 a box holding every vertex of the partition, so that
        unbounded regions are cut at it).
    euler : tuple of int or None
        ``(V, E, F)``: vertices, edges and faces of the subdivision of the window
        (``V - E + F = 1``, checked by the engine).
    """

    indptr: np.ndarray
    vertices: np.ndarray
    window: np.ndarray
    euler: tuple[int, int, int] | None = None

    def __len__(self) -> int:
        return int(self.indptr.size - 1)

    def __getitem__(self, index: int) -> np.ndarray:
        return self.vertices[self.indptr[index]:self.indptr[index + 1]]

    def areas(self) -> np.ndarray:
        """ndarray of shape (n_regions,): the area of every polygon (shoelace)."""
        n = len(self)
        counts = np.diff(self.indptr)
        nxt = np.arange(1, self.vertices.shape[0] + 1)
        nxt[self.indptr[1:][counts > 0] - 1] = self.indptr[:-1][counts > 0]
        x, y = self.vertices[:, 0], self.vertices[:, 1]
        cross = x * y[nxt] - x[nxt] * y
        region = np.repeat(np.arange(n), counts)
        return np.bincount(region, weights=cross, minlength=n) / 2


@dataclass(frozen=True)
class PlaneResult:
    """Everything the 2-D engine computes.

    Attributes
    ----------
    patterns : ndarray of uint8, shape (n_regions, ceil(n_neurons / 8))
    interior_points : ndarray of shape (n_regions, 2)
        Area centroids.
    radii : ndarray of shape (n_regions,)
        Radius of a ball around the centroid inside the polygon.
    polygons : Polygons
    edges : ndarray of int, shape (n_edges, 2)
        Facet-adjacent pairs ``i < j``, sorted.
    touches_window : ndarray of bool, shape (n_regions,)
        The polygon has an edge on the window's boundary.
    euler : tuple of int
        ``(V, E, F)`` of the subdivision.
    neighbors : tuple of ndarray or None
        ``(indptr, neighbors)``: CSR lists of every region's neighbours, sorted.
    """

    patterns: np.ndarray
    interior_points: np.ndarray
    radii: np.ndarray
    polygons: Polygons | None
    edges: np.ndarray | None
    touches_window: np.ndarray | None
    euler: tuple[int, int, int] | None
    neighbors: tuple[np.ndarray, np.ndarray] | None = None


def box_polygon(lower, upper) -> np.ndarray:
    """Counter-clockwise corners of a 2-D box: ndarray of shape (4, 2)."""
    (x0, y0), (x1, y1) = lower, upper
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)


def _net_arrays(net: Network):
    """The network's hidden layers as the flat arrays the kernels take."""
    widths = [layer.n_out for layer in net.hidden]
    unit_off = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    wt_parts, row_parts, wt_off, pos = [], [], np.zeros(len(widths), dtype=np.int64), 0
    for index, layer in enumerate(net.hidden[1:], start=1):
        wt_off[index] = pos
        part = np.ascontiguousarray(layer.weight.T, dtype=float).ravel()
        wt_parts.append(part)
        row_parts.append(np.ascontiguousarray(layer.weight, dtype=float).ravel())
        pos += part.size
    is_neuron = np.concatenate([layer.is_neuron for layer in net.hidden])
    neuron_id = np.full(int(unit_off[-1]), -1, dtype=np.int64)
    neuron_id[is_neuron] = np.arange(net.n_neurons)
    w_l1 = np.concatenate([np.abs(layer.weight).sum(axis=1) for layer in net.hidden])
    return (unit_off, np.concatenate(wt_parts) if wt_parts else np.zeros(1),
            np.concatenate(row_parts) if row_parts else np.zeros(1), wt_off, w_l1,
            np.concatenate([layer.bias for layer in net.hidden]).astype(float),
            np.concatenate([layer.negative_slope for layer in net.hidden]).astype(float),
            is_neuron.astype(np.uint8), neuron_id)


def _first_forms(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """Forms of the first layer on the whole plane, (n_0, 3), and their magnitudes,
    (n_0, 2), as :func:`~plregions.engines.layerwise.layer_forms` makes them."""
    layer = net.hidden[0]
    W, b = layer.weight, layer.bias
    return (np.ascontiguousarray(np.column_stack([W, b])),
            np.ascontiguousarray(np.column_stack([np.abs(W).sum(axis=1), np.abs(b)])))


def enumerate_polygons(net: Network, polygon: np.ndarray, scale: float, tol: Tolerance, *,
                       store: bool = True, check: bool = True, max_regions: int | None = None,
                       where: str = "in the polygon") -> PlaneResult:
    """Every region of a 2-input network inside a convex polygon.

    Parameters
    ----------
    net : Network
        With ``n_in == 2``.
    polygon : ndarray of shape (k, 2)
        A convex polygon, counter-clockwise.
    scale : float
        The domain's scale (see :class:`~plregions.geometry.tolerance.Tolerance`).
    store : bool
        Keep polygons, patterns and adjacency; ``False`` only counts (the result then
        holds empty arrays and ``None``).
    check : bool
        Verify ``V - E + F = 1`` (raises :class:`EulerCheckError` otherwise).
    max_regions : int, optional
        The kernel stops at region ``max_regions + 1`` and
        :class:`~plregions.errors.RegionLimitError` is raised (``where`` says where).

    Returns
    -------
    PlaneResult
    """
    if net.n_in != 2:
        raise InvalidNetworkError(
            f"the 2-D engine needs a 2-input network, got {net.n_in} inputs")
    polygon = np.ascontiguousarray(polygon, dtype=float)
    k0 = polygon.shape[0]
    n_bytes = (net.n_neurons + 7) // 8
    eps = tol.radius * scale
    if not net.hidden:
        # An affine network: the domain is one region.
        return _single_region(polygon, n_bytes, store)
    sides = np.roll(polygon, -1, axis=0) - polygon
    side_dirs = sides / np.linalg.norm(sides, axis=1)[:, None]
    # The domain's sides as chords: direction (d0, d1), line d1 x - d0 y + o = 0.
    side_lines = np.column_stack([side_dirs, side_dirs[:, 0] * polygon[:, 1]
                                  - side_dirs[:, 1] * polygon[:, 0]])
    (n, patterns, points, radii, indptr, vertices, labels, ids, chord_lines, chord_neuron,
     n_ids) = clipping.run_clipping(
        polygon[:, 0].copy(), polygon[:, 1].copy(), np.arange(k0, dtype=np.int64),
        2 * np.arange(k0, dtype=np.int64), *_first_forms(net), *_net_arrays(net), side_lines,
        n_bytes, eps, tol.parallel, 1 if store else 0, max_regions or 0)
    n = int(n)
    if max_regions is not None and n > max_regions:
        raise RegionLimitError(f"stopped after finding {n} activation regions {where}", n,
                               max_regions)
    if not store:
        return PlaneResult(np.zeros((n, 0), dtype=np.uint8), np.zeros((n, 0)), np.zeros(0),
                           None, None, None, None)
    # The kernel's outputs are views of buffers grown by half: keep exact-size copies.
    # (One at a time, so that each buffer is freed before the next copy.)
    patterns = patterns[:, :n_bytes].copy()
    points = points.copy()
    radii = radii.copy()
    indptr = indptr.copy()
    vertices = vertices.copy()
    pairs, n_vertices, n_edges, touches = clipping.adjacency_and_euler(
        indptr, vertices, labels, ids, chord_lines, chord_neuron, patterns, int(n_ids), k0,
        tol.facet * scale, ROUNDING)
    del labels, ids
    edges, csr_indptr, csr_neighbors = clipping.sorted_edges_and_csr(pairs, n)
    euler = (int(n_vertices), int(n_edges), n)
    if check and euler[0] - euler[1] + euler[2] != 1:
        raise EulerCheckError(
            f"the 2-D engine's subdivision has V - E + F = {euler[0]} - {euler[1]} + "
            f"{euler[2]} != 1; the input is numerically degenerate"
        )
    touches = touches.astype(bool)
    window = np.stack([polygon.min(axis=0), polygon.max(axis=0)], axis=1)
    return PlaneResult(patterns, points, radii, Polygons(indptr, vertices, window, euler),
                       edges, touches, euler, (csr_indptr, csr_neighbors))


def _single_region(polygon, n_bytes, store) -> PlaneResult:
    x, y = polygon[:, 0], polygon[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    centroid = np.array([((x + np.roll(x, -1)) * cross).sum(),
                         ((y + np.roll(y, -1)) * cross).sum()]) / (6 * area)
    sides = np.roll(polygon, -1, axis=0) - polygon
    normals = np.column_stack([sides[:, 1], -sides[:, 0]]) / np.linalg.norm(sides, axis=1)[:, None]
    radius = float(np.min(np.einsum("ij,ij->i", polygon - centroid, normals)))
    window = np.stack([polygon.min(axis=0), polygon.max(axis=0)], axis=1)
    euler = (polygon.shape[0], polygon.shape[0], 1)
    polys = (Polygons(np.array([0, polygon.shape[0]]), polygon.copy(), window, euler)
             if store else None)
    return PlaneResult(np.zeros((1, n_bytes), dtype=np.uint8), centroid[None, :],
                       np.array([radius]), polys,
                       np.zeros((0, 2), dtype=np.int64) if store else None,
                       np.ones(1, dtype=bool) if store else None,
                       euler if store else None,
                       (np.zeros(2, dtype=np.int64), np.zeros(0, dtype=np.int64)))


# --- all of R^2 ------------------------------------------------------------------------------

class WindowTooLarge(RuntimeError):
    """The vertices of the partition lie too far out for a numerically safe window."""


def _initial_halfwidth(net: Network, scale: float) -> float:
    """Half the side of a square around 0 holding every vertex of the first layer's lines."""
    forms = _first_forms(net)[0]
    norms = np.linalg.norm(forms[:, :2], axis=1)
    planes = norms > 0
    normals = forms[planes, :2] / norms[planes, None]
    offsets = forms[planes, 2] / norms[planes]
    reach = [scale]
    if offsets.size:
        reach.append(float(np.abs(offsets).max()))
        a1, b1 = normals[:, 0][:, None], normals[:, 1][:, None]
        a2, b2 = normals[:, 0][None, :], normals[:, 1][None, :]
        det = a1 * b2 - a2 * b1
        ok = np.abs(det) > 1e-6
        if ok.any():
            c1, c2 = -offsets[:, None], -offsets[None, :]
            with np.errstate(divide="ignore", invalid="ignore"):
                x = (c1 * b2 - c2 * b1) / det
                y = (a1 * c2 - a2 * c1) / det
            reach.append(float(np.max(np.maximum(np.abs(x[ok]), np.abs(y[ok])))))
    return 2.0 * max(reach)


def _outside_points(net: Network, result: PlaneResult, center, halfwidth, tol: Tolerance,
                    scale: float) -> np.ndarray:
    """Points the window must hold for the partition of R^2 to be the clipped one.

    For every region touching the window, its true closure ``{x : A x <= b}`` (all of its
    rows, from its pattern) is examined edge by edge: each finite vertex must lie well
    inside the window, and each edge that is a whole line must meet it. Then every
    vertex of the partition of R^2 lies inside the window and every region meets it (a
    missing region would border a found one across an edge that meets the window), so
    the regions touching the window's boundary are exactly the unbounded ones.
    """
    eps = tol.radius * scale
    inner = 0.9 * halfwidth
    far = [np.zeros((0, 2))]
    touching = np.flatnonzero(result.touches_window)
    if touching.size == 0:
        return np.zeros((0, 2))
    patterns = np.unpackbits(result.patterns[touching], axis=1,
                             count=net.n_neurons).astype(bool)
    for rows in iter_region_rows(net, patterns, np.zeros((0, 2)), np.zeros(0), tol):
        A, b = rows.A, rows.b
        if A.shape[0] == 0:
            continue
        dirs = np.column_stack([-A[:, 1], A[:, 0]])
        feet = A * b[:, None]
        den = A @ dirs.T                        # den[j, i] = A_j . d_i
        num = b[:, None] - A @ feet.T           # num[j, i] = b_j - A_j . p_i
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = num / den
        tiny = tol.parallel
        lo = np.where(den < -tiny, ratio, -np.inf).max(axis=0)
        hi = np.where(den > tiny, ratio, np.inf).min(axis=0)
        blocked = np.any((np.abs(den) <= tiny) & (num < -eps), axis=0)
        is_edge = ~blocked & (hi - lo > eps)
        # Finite end points of edges are vertices of the region.
        for t in (lo, hi):
            ok = is_edge & np.isfinite(t)
            points = feet[ok] + t[ok, None] * dirs[ok]
            far.append(points[np.max(np.abs(points - center), axis=1) > inner])
        # A whole line bounding the region: its point nearest the centre must be inside.
        whole = is_edge & ~np.isfinite(lo) & ~np.isfinite(hi)
        foot = feet[whole] + ((center - feet[whole]) * dirs[whole]).sum(axis=1)[:, None] \
            * dirs[whole]
        far.append(foot[np.max(np.abs(foot - center), axis=1) > inner])
    return np.concatenate(far).reshape(-1, 2)


def enumerate_plane(net: Network, scale: float, tol: Tolerance, *, store: bool = True,
                    check: bool = True, max_rounds: int = 20, max_regions: int | None = None,
                    where: str = "in all of R^2") -> PlaneResult:
    """Every region of a 2-input network on all of R^2, with exact boundedness.

    The regions are computed in a square window that provably holds every vertex of the
    partition and meets every region (see :func:`_outside_points`; the window grows until
    that holds). Regions touching the window's boundary are exactly the unbounded ones:
    ``touches_window`` is the complement of boundedness. A window holds no more regions
    than the plane, so ``max_regions`` is checked in every window.
    """
    center = np.zeros(2)
    if not net.hidden:
        window = box_polygon(center - scale, center + scale)
        return enumerate_polygons(net, window, scale, tol, store=store, check=check,
                                  max_regions=max_regions, where=where)
    halfwidth = _initial_halfwidth(net, scale)
    for _ in range(max_rounds):
        if halfwidth > 1e8 * scale:
            raise WindowTooLarge(
                f"vertices of the partition lie beyond {halfwidth:.3g}, too far from the "
                f"domain's scale {scale:.3g} for the 2-D engine"
            )
        polygon = box_polygon(center - halfwidth, center + halfwidth)
        result = enumerate_polygons(net, polygon, scale, tol, store=True, check=check,
                                    max_regions=max_regions, where=where)
        far = _outside_points(net, result, center, halfwidth, tol, scale)
        if far.shape[0] == 0:
            if not store:
                n = result.patterns.shape[0]
                return PlaneResult(np.zeros((n, 0), dtype=np.uint8), np.zeros((n, 0)),
                                   np.zeros(0), None, None, None, None)
            return result
        halfwidth = 2.0 * max(halfwidth, float(np.max(np.abs(far - center))))
    raise WindowTooLarge(f"no safe window found after {max_rounds} rounds")
