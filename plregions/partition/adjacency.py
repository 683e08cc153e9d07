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


def iter_facet_candidates(part, index: int, include_domain: bool = False):
    """Yield ``(row, group_rows, neighbor_index, flipped_neurons)`` per candidate hyperplane.

    ``neighbor_index`` is -1 for a candidate on the domain's boundary (only yielded with
    ``include_domain``) and -2 when the pattern across is not a region of the partition.
    """
    from plregions.partition.partition import group_rows

    rows = part.region_rows(index)
    pattern = part.activation_pattern(index)
    group, _, reps = group_rows(rows, part.scale, part.tolerance)
    for g, rep in enumerate(reps):
        members = np.flatnonzero(group == g)
        labels = rows.labels[members]
        if np.any(labels < 0):
            if include_domain:
                yield rep, members, -1, tuple(int(v) for v in labels[labels >= 0])
            continue
        vanishing = np.union1d(labels, rows.zero_neurons)
        across = neighbor_pattern(part.network, pattern, rows.A[rep], vanishing, part.tolerance)
        j = part.index_of(across)
        flipped = tuple(int(v) for v in np.flatnonzero(across != pattern))
        yield rep, members, (j if j >= 0 else -2), flipped


def _facet_point(part, rows, rep, members):
    return facet_margin(rows.A, rows.b, rep, members, part.tolerance.facet * part.scale,
                        1e3 * part.scale, part.backend, part.graph_lp_stats)


def region_facets(part, index: int):
    """All facets of region ``index``, the domain's included (one LP per candidate)."""
    from plregions.partition.partition import Facet

    rows = part.region_rows(index)
    facets = []
    for rep, members, j, flipped in iter_facet_candidates(part, index, include_domain=True):
        if j == -2:
            continue
        point = _facet_point(part, rows, rep, members)
        if point is not None:
            facets.append(Facet(int(j), flipped, rows.A[rep].copy(), float(rows.b[rep]), point))
    return facets


def compute_adjacency(part, pairs_filter=None) -> Adjacency:
    """Every facet-adjacent pair of regions.

    Parameters
    ----------
    pairs_filter : callable (i, j) -> bool, optional
        Only candidate pairs it accepts are checked (used for linear regions).
    """
    found: dict[tuple[int, int], tuple[int, ...]] = {}
    rejected: set[tuple[int, int, tuple[int, ...]]] = set()
    for i in range(len(part)):
        rows = None
        for rep, members, j, flipped in iter_facet_candidates(part, i):
            if j < 0:
                continue
            key = (min(i, j), max(i, j))
            if key in found or (key[0], key[1], flipped) in rejected:
                continue
            if pairs_filter is not None and not pairs_filter(i, j):
                continue
            if rows is None:
                rows = part.region_rows(i)
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
    Ai, Aj = A[i] * scale, A[j] * scale
    size = max(1.0, np.abs(Ai).max(initial=0), np.abs(Aj).max(initial=0),
               np.abs(c[i]).max(initial=0), np.abs(c[j]).max(initial=0))
    diff = max(np.abs(Ai - Aj).max(initial=0), np.abs(c[i] - c[j]).max(initial=0))
    return diff <= tol * size


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
        edges = compute_adjacency(part, pairs_filter=equal).edges
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
