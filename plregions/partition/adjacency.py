"""Facets, the region graph's edges and linear regions.

Across a facet of a region, every neuron keeps its sign except those whose
pre-activation vanishes on the facet's hyperplane (proof: a neuron that is non-zero on the
facet's relative interior keeps its sign nearby by continuity; one that vanishes there is,
on the far side, a multiple of the facet's equation). So each facet faces exactly one
region, whose pattern is computed without any LP (``neighbor_pattern``), and one LP per
candidate confirms that the hyperplane really is a facet. Candidates whose far pattern is
not a region of the partition are not facets; each edge is confirmed once, from the side
that meets it first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.engines.halfspaces import neighbor_pattern
from plregions.geometry.lp import facet_margin

__all__ = ["Adjacency", "compute_adjacency", "region_facets", "linear_region_labels",
           "iter_facet_candidates"]


@dataclass(frozen=True)
class Adjacency:
    """Edges of the region graph.

    Attributes
    ----------
    edges : ndarray of int, shape (n_edges, 2)
        Pairs ``i < j`` of regions whose closures share a facet.
    neurons : list of tuple of int
        For each edge, the neurons whose hyperplane makes the shared facet (those that
        flip between the two regions; coincident neurons flip together).
    indptr, neighbors : ndarray of int
        CSR form: the neighbours of region ``i`` are
        ``neighbors[indptr[i]:indptr[i + 1]]``.
    """

    edges: np.ndarray
    neurons: list[tuple[int, ...]]
    indptr: np.ndarray
    neighbors: np.ndarray


def iter_facet_candidates(part, index: int, include_domain: bool = False, rows=None,
                          include_missing: bool = False):
    """Yield ``(row, group_rows, neighbor_index, flipped_neurons)`` per candidate facet.

    Candidates are the region's hyperplanes whose far pattern is a region of the
    partition (``neighbor_index >= 0``), with ``include_domain`` the domain's own
    hyperplanes (``neighbor_index = -1``) and with ``include_missing`` the others
    (``neighbor_index = -2``: a region not held by this partition, as for
    :func:`~plregions.region_at`). Each still needs an LP to be confirmed. Rows are in
    the engine's unit frame.
    """
    from plregions.partition.partition import group_rows

    net = part._frame_problem[0]
    rows = part.frame_rows(index) if rows is None else rows
    pattern = part.activation_pattern(index)
    group, _, reps = group_rows(rows, 1.0, part.tolerance)
    layer_of = part.neuron_layers
    if reps.size == group.size:
        members_of = [(int(r),) for r in reps]
    else:
        order = np.argsort(group, kind="stable")
        cuts = np.searchsorted(group[order], np.arange(1, reps.size))
        members_of = [tuple(m.tolist()) for m in np.split(order, cuts)]
    n_neurons = pattern.size
    first_label = rows.labels[reps]
    on_domain = np.array([rows.labels[list(m)].min() < 0 for m in members_of]) \
        if reps.size != group.size else first_label < 0
    flips = np.zeros((reps.size, n_neurons), dtype=bool)
    if reps.size == group.size and rows.zero_neurons.size == 0:
        # Generic case: only a hyperplane's own neuron vanishes on it, so crossing it
        # flips exactly that neuron (the earlier layers are unchanged).
        inner = np.flatnonzero(~on_domain)
        flips[inner, first_label[inner]] = True
        slow = []
    else:
        slow = []
        for g in np.flatnonzero(~on_domain):
            labels = rows.labels[list(members_of[g])]
            if rows.zero_neurons.size == 0 and np.ptp(layer_of[labels]) == 0:
                flips[g, labels] = True
            else:
                slow.append(g)
    across_all = pattern[None, :] ^ flips
    for g in slow:
        labels = rows.labels[list(members_of[g])]
        vanishing = np.union1d(labels, rows.zero_neurons)
        across_all[g] = neighbor_pattern(net, pattern, rows.A[reps[g]], vanishing, part.tolerance)
    keys = np.packbits(across_all, axis=1)
    lookup = part._index
    for g in range(reps.size):
        rep, members = int(reps[g]), members_of[g]
        if on_domain[g]:
            if include_domain:
                labels = rows.labels[list(members)]
                yield rep, members, -1, tuple(int(v) for v in labels[labels >= 0])
            continue
        j = lookup.get(keys[g].tobytes(), -1)
        if j >= 0 or include_missing:
            yield (rep, members, j if j >= 0 else -2,
                   tuple(np.flatnonzero(across_all[g] != pattern).tolist()))


def _facet_point(part, rows, rep, members):
    return facet_margin(rows.A, rows.b, rep, members, part.tolerance.facet, 1e3, part.backend,
                        part.graph_lp_stats)


def region_facets(part, index: int):
    """All facets of region ``index``, the domain's included (one LP per candidate)."""
    from plregions.partition.partition import Facet

    rows = part.frame_rows(index)
    frame = part.frame
    facets = []
    for rep, members, j, flipped in iter_facet_candidates(part, index, True, rows, True):
        point = _facet_point(part, rows, rep, members)
        if point is not None:
            normal = rows.A[rep].copy()
            offset = float(normal @ frame.center + frame.scale * rows.b[rep])
            facets.append(Facet(int(j), flipped, normal, offset, frame.to_input(point)))
    return facets


def compute_adjacency(part, pairs_filter=None, regions=None) -> Adjacency:
    """Every facet-adjacent pair of regions.

    Parameters
    ----------
    pairs_filter : callable (i, j) -> bool, optional
        Only candidate pairs it accepts are checked (used for linear regions).
    regions : ndarray of int, optional
        Only facets of these regions are searched.
    """
    found: dict[tuple[int, int], tuple[int, ...]] = {}
    rejected: set[tuple[int, int, tuple[int, ...]]] = set()
    order = np.arange(len(part)) if regions is None else np.asarray(regions, dtype=np.int64)
    for i, rows in zip(order.tolist(), part.iter_frame_rows(None if regions is None else order)):
        for rep, members, j, flipped in iter_facet_candidates(part, i, rows=rows):
            if j < 0:
                continue
            key = (min(i, j), max(i, j))
            if key in found or (key[0], key[1], flipped) in rejected:
                continue
            if pairs_filter is not None and not pairs_filter(i, j):
                continue
            if _facet_point(part, rows, rep, members) is not None:
                found[key] = flipped
            else:
                rejected.add((key[0], key[1], flipped))
    keys = sorted(found)
    edges = np.array(keys, dtype=np.int64).reshape(-1, 2)
    neurons = [found[k] for k in keys]
    n = len(part)
    if edges.size:
        both = np.concatenate([edges, edges[:, ::-1]])
        order = np.lexsort((both[:, 1], both[:, 0]))
        both = both[order]
        indptr = np.searchsorted(both[:, 0], np.arange(n + 1))
        neighbors = both[:, 1].copy()
    else:
        indptr = np.zeros(n + 1, dtype=np.int64)
        neighbors = np.zeros(0, dtype=np.int64)
    return Adjacency(edges, neurons, indptr, neighbors)


def _maps_equal(A, c, i, j, scale, tol) -> bool:
    # Gradients (times the domain's scale) and constants are compared each relative to
    # their own size, with no absolute floor: tiny boxes, tiny output weights and large
    # output biases all keep their pieces.
    Ai, Aj = A[i] * scale, A[j] * scale
    size_a = max(np.abs(Ai).max(initial=0), np.abs(Aj).max(initial=0))
    if np.abs(Ai - Aj).max(initial=0) > tol * size_a:
        return False
    size_c = max(size_a, np.abs(c[i]).max(initial=0), np.abs(c[j]).max(initial=0))
    return np.abs(c[i] - c[j]).max(initial=0) <= tol * size_c


def _possible_equal_maps(A, c, scale, tol) -> np.ndarray:
    """Regions whose output map may equal another region's (a superset, never missing one).

    Maps are projected on a fixed direction; two maps equal within the tolerance have
    projections within ``tol * size * ||direction||_1`` of each other, so only neighbours in
    sorted order within that window can be equal.
    """
    n = A.shape[0]
    flat = np.hstack([A.reshape(n, -1) * scale, c.reshape(n, -1)])
    direction = np.random.default_rng(0).uniform(0.5, 1.0, size=flat.shape[1])
    proj = flat @ direction
    size = np.abs(flat).max(axis=1) if flat.shape[1] else np.zeros(n)
    window = tol * 2 * size * direction.sum() + 1e-12 * np.abs(proj)
    order = np.argsort(proj, kind="stable")
    sp, sw = proj[order], window[order]
    close = np.diff(sp) <= np.maximum(sw[1:], sw[:-1])
    partners = np.zeros(n, dtype=bool)
    partners[order[1:][close]] = True
    partners[order[:-1][close]] = True
    return partners


def linear_region_labels(part) -> np.ndarray:
    """Linear region of every activation region (union of facet-adjacent equal maps)."""
    n = len(part)
    A, c = part.output_maps
    tol = part.tolerance.affine_map

    def equal(i, j):
        return _maps_equal(A, c, i, j, part.scale, tol)

    if "adjacency" in part.__dict__:
        edges = part.adjacency.edges
    else:
        partners = _possible_equal_maps(A, c, part.scale, tol)
        if not partners.any():
            return np.arange(n, dtype=np.int64)
        edges = compute_adjacency(part, pairs_filter=equal, regions=np.flatnonzero(partners)).edges
    parent = np.arange(n)

    def root(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in edges:
        if equal(i, j):
            ri, rj = root(i), root(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([root(i) for i in range(n)])
    _, labels = np.unique(roots, return_inverse=True)
    return labels.astype(np.int64)
