"""Brute force over activation patterns: the test oracle for tiny networks.

Neuron by neuron in global order, each sign is tried and kept when the polyhedron of the
signs chosen so far still holds a ball of radius above the tolerance. It shares no
splitting logic with the other engines: only the network's local maps and the LP layer.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from plregions.engines.layerwise import LeafRegion
from plregions.errors import InvalidNetworkError
from plregions.geometry.lp import LPStats, certified_ball
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["iter_regions_brute", "BRUTE_MAX_NEURONS"]

BRUTE_MAX_NEURONS = 24


def _neuron_forms(net: Network, bits: np.ndarray, index: int):
    """Affine form (w, c) of neuron ``index`` given the bits of all earlier layers."""
    layer, unit = net.neuron_address(index)
    M = np.eye(net.n_in)
    c = np.zeros(net.n_in)
    for l in range(layer):
        hidden = net.hidden[l]
        W = hidden.weight @ M
        cz = hidden.weight @ c + hidden.bias
        slope = hidden.slopes(bits[net.neuron_slice(l)])
        M, c = slope[:, None] * W, slope * cz
    hidden = net.hidden[layer]
    w = hidden.weight[unit] @ M
    cz = hidden.weight[unit] @ c + hidden.bias[unit]
    mag_w = np.abs(hidden.weight[unit]) @ np.linalg.norm(M, axis=1)
    mag_c = np.abs(hidden.weight[unit]) @ np.abs(c) + abs(hidden.bias[unit])
    return w, cz, mag_w, mag_c


def iter_regions_brute(net: Network, A0: np.ndarray, b0: np.ndarray, scale: float,
                       tol: Tolerance, backend: str, stats: LPStats) -> Iterator[LeafRegion]:
    """Yield every activation region by trying both signs of every neuron."""
    n = net.n_neurons
    if n > BRUTE_MAX_NEURONS:
        raise InvalidNetworkError(
            f"the brute-force engine tries up to 2^n patterns and takes at most "
            f"{BRUTE_MAX_NEURONS} neurons; this network has {n}. Use method='auto'"
        )
    min_r, max_r = tol.radius * scale, 1e3 * scale
    root = certified_ball(A0, b0, min_r, max_r, backend, stats)
    if root is None:
        return
    bits = np.zeros(n, dtype=bool)

    def visit(index, A, b, ball):
        if index == n:
            yield LeafRegion(bits.copy(), ball[0], ball[1])
            return
        w, cz, mag_w, mag_c = _neuron_forms(net, bits, index)
        norm = float(np.linalg.norm(w))
        if norm <= tol.parallel * mag_w:
            # Constant on this polyhedron: the sign is forced.
            bits[index] = cz > tol.parallel * mag_c
            yield from visit(index + 1, A, b, ball)
            return
        for active in (True, False):
            sign = -1.0 if active else 1.0  # active: -(w x + c) <= 0
            A2 = np.vstack([A, sign * w / norm])
            b2 = np.append(b, -sign * cz / norm)
            found = certified_ball(A2, b2, min_r, max_r, backend, stats)
            if found is not None:
                bits[index] = active
                yield from visit(index + 1, A2, b2, found)

    yield from visit(0, A0, b0, root)
