"""The 1-D engine: exact breakpoints by layer-wise interval splitting, no LPs.

Inside an interval on which layers ``< l`` keep their pattern, every pre-activation of
layer ``l`` is affine in the line's parameter ``s``: a neuron is identically constant there
(active iff the constant is ``> 0``) or vanishes at one point ``s* = -c / a``. The roots
farther than ``eps = Tolerance.radius * scale`` from both ends split the interval; roots
closer than ``eps`` to each other are one breakpoint (coincident neurons flip together);
a root at an end splits nothing. Every layer is processed for all intervals at once with
array operations (no Python loop over intervals).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from plregions.errors import (
    InvalidArgumentError,
    InvalidDomainError,
    InvalidNetworkError,
    RegionLimitError,
    check_max_regions,
)
from plregions.geometry.domains import Box
from plregions.geometry.slices import Segment
from plregions.geometry.tolerance import DEFAULT_TOLERANCE, Tolerance
from plregions.network import Network
from plregions.network.restriction import restrict_network

__all__ = ["AffinePiece", "LinePieces", "affine_pieces", "enumerate_intervals"]


@dataclass(frozen=True)
class AffinePiece:
    """One affine piece of a network restricted to a line.

    Attributes
    ----------
    lower, upper : float
        The piece is the open interval ``lower < s < upper`` of the line's parameter
        (``-inf`` / ``inf`` at the ends of an unbounded line).
    slope, intercept : ndarray of shape (n_out,)
        The network's output is ``intercept + slope * s`` on the piece.
    pattern : ndarray of bool, shape (n_neurons,)
        The activation pattern on the piece.
    """

    lower: float
    upper: float
    slope: np.ndarray
    intercept: np.ndarray
    pattern: np.ndarray

    def __call__(self, s) -> np.ndarray:
        """Evaluate the piece's affine map: array_like (n,) -> ndarray (n, n_out)."""
        s = np.asarray(s, dtype=float).reshape(-1)
        return self.intercept + s[:, None] * self.slope


@dataclass(frozen=True)
class LinePieces:
    """A network restricted to a line: its breakpoints and affine pieces.

    Attributes
    ----------
    bounds : ndarray of shape (n_pieces + 1,)
        Increasing; piece ``i`` is ``bounds[i] < s < bounds[i + 1]``. The first and last
        entries are the ends of the domain (``-inf`` / ``inf`` for an unbounded line).
    slopes, intercepts : ndarray of shape (n_pieces, n_out)
        The output is ``intercepts[i] + slopes[i] * s`` on piece ``i``.
    patterns : ndarray of uint8, shape (n_pieces, ceil(n_neurons / 8))
        Packed activation patterns (``numpy.packbits`` along axis 1).
    n_neurons : int
    segment : Segment or None
        The segment of the input space the parameter ``s`` runs along, when there is one
        (then ``s = 0`` is its start and ``s = 1`` its end); ``None`` when ``s`` is the
        input of a 1-input network.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])   # |x|
    >>> pieces = plr.affine_pieces(net, plr.Box([-1.0], [2.0]))
    >>> pieces.breakpoints.tolist(), pieces.slopes.ravel().tolist()
    ([0.0], [-1.0, 1.0])
    """

    bounds: np.ndarray
    slopes: np.ndarray
    intercepts: np.ndarray
    patterns: np.ndarray
    n_neurons: int
    segment: object | None = None

    def __len__(self) -> int:
        return int(self.bounds.size - 1)

    @property
    def n_pieces(self) -> int:
        """Number of affine pieces (= activation regions met by the line)."""
        return len(self)

    @property
    def breakpoints(self) -> np.ndarray:
        """ndarray of shape (n_pieces - 1,): the parameters where the pattern changes."""
        return self.bounds[1:-1]

    @property
    def activation_patterns(self) -> np.ndarray:
        """bool ndarray of shape (n_pieces, n_neurons)."""
        return np.unpackbits(self.patterns, axis=1, count=self.n_neurons).astype(bool)

    @property
    def input_breakpoints(self) -> np.ndarray:
        """ndarray of shape (n_pieces - 1, n_in): the breakpoints in the input space."""
        if self.segment is None:
            return self.breakpoints[:, None].copy()
        return self.segment.to_input(self.breakpoints)

    def __getitem__(self, index: int) -> AffinePiece:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"piece {index} out of range for {n} pieces")
        i = int(index) % n
        pattern = np.unpackbits(self.patterns[i], count=self.n_neurons).astype(bool)
        return AffinePiece(float(self.bounds[i]), float(self.bounds[i + 1]),
                           self.slopes[i].copy(), self.intercepts[i].copy(), pattern)

    def __iter__(self) -> Iterator[AffinePiece]:
        return (self[i] for i in range(len(self)))

    def piece_index(self, s) -> np.ndarray:
        """Index of the piece holding each parameter (``-1`` outside the domain; a
        breakpoint counts for the piece on its right)."""
        s = np.asarray(s, dtype=float).reshape(-1)
        index = np.searchsorted(self.bounds, s, side="right") - 1
        index[(s < self.bounds[0]) | (s > self.bounds[-1])] = -1
        index[s == self.bounds[-1]] = len(self) - 1
        return index

    def __call__(self, s) -> np.ndarray:
        """Evaluate the restricted function: array_like (n,) -> ndarray (n, n_out)."""
        s = np.asarray(s, dtype=float).reshape(-1)
        index = self.piece_index(s)
        if np.any(index < 0):
            raise ValueError("some parameters lie outside the line's domain "
                             f"[{self.bounds[0]}, {self.bounds[-1]}]")
        return self.intercepts[index] + s[:, None] * self.slopes[index]


@dataclass(frozen=True)
class IntervalResult:
    """What :func:`enumerate_intervals` computes (bool patterns, ordered pieces)."""

    bounds: np.ndarray
    patterns: np.ndarray  # bool (n_pieces, n_neurons)
    slopes: np.ndarray
    intercepts: np.ndarray


def enumerate_intervals(net: Network, lower: float, upper: float, scale: float,
                        tol: Tolerance, max_regions: int | None = None,
                        where: str = "on the line") -> IntervalResult:
    """Every activation region of a 1-input network on the interval ``[lower, upper]``.

    Parameters
    ----------
    net : Network
        With ``n_in == 1``.
    lower, upper : float
        ``lower < upper``; either may be infinite.
    scale : float
        The domain's scale (see :class:`~plregions.geometry.tolerance.Tolerance`).
    max_regions : int, optional
        Raise :class:`~plregions.errors.RegionLimitError` as soon as a layer leaves more
        intervals than this (later layers only cut them further), before the next
        layer's arrays are built.
    where : str
        Where the regions are, for that error's message.

    Returns
    -------
    IntervalResult
        Pieces in increasing order of ``s``.
    """
    if net.n_in != 1:
        raise InvalidNetworkError(
            f"the 1-D engine needs a 1-input network, got {net.n_in} inputs")
    eps = tol.radius * scale
    reach = max(1.0, scale)
    lo = np.array([float(lower)])
    hi = np.array([float(upper)])
    # Affine map of the current layer's input on each interval: h = M s + c.
    M = np.ones((1, 1))
    c = np.zeros((1, 1))
    Mmag = np.ones((1, 1))   # |M| (the norm of a 1-column row)
    cmag = np.zeros((1, 1))  # |c|
    bits = []
    for depth, layer in enumerate(net.hidden, start=1):
        A = M @ layer.weight.T                  # (m, n) slopes of the pre-activations
        C = c @ layer.weight.T + layer.bias     # (m, n) constants
        absW = np.abs(layer.weight)
        gmag = Mmag @ absW.T
        kmag = cmag @ absW.T + np.abs(layer.bias)
        neuron = layer.is_neuron
        is_plane = (np.abs(A) > tol.parallel * gmag) & neuron
        const_pos = ~is_plane & (C > tol.parallel * kmag)
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = np.where(is_plane, -C / np.where(is_plane, A, 1.0), np.nan)
        crossing = is_plane & (roots > lo[:, None] + eps) & (roots < hi[:, None] - eps)
        parent, unit = np.nonzero(crossing)
        t = roots[parent, unit]
        order = np.lexsort((t, parent))
        parent, t = parent[order], t[order]
        # Roots closer than eps on one interval are one breakpoint.
        keep = np.ones(t.size, dtype=bool)
        if t.size > 1:
            same = (parent[1:] == parent[:-1]) & (t[1:] - t[:-1] <= eps)
            keep[1:] = ~same
        parent, t = parent[keep], t[keep]
        # Each interval becomes its pieces: cuts at its roots.
        m = lo.size
        n_cuts = np.bincount(parent, minlength=m)
        n_new = n_cuts + 1
        total = m + t.size
        if max_regions is not None and total > max_regions:
            raise RegionLimitError(
                f"stopped at hidden layer {depth} of {len(net.hidden)} after finding {total} "
                f"activation regions {where}", total, max_regions)
        new_parent = np.repeat(np.arange(m), n_new)
        first = np.concatenate([[0], np.cumsum(n_new)[:-1]])
        new_lo = np.empty(new_parent.size)
        new_hi = np.empty(new_parent.size)
        new_lo[first] = lo
        new_hi[first + n_cuts] = hi
        rank = np.arange(t.size) - np.concatenate([[0], np.cumsum(n_cuts)[:-1]])[parent]
        slot = first[parent] + rank
        new_hi[slot] = t
        new_lo[slot + 1] = t
        # A point inside each piece, far from its ends, decides the signs.
        finite_lo, finite_hi = np.isfinite(new_lo), np.isfinite(new_hi)
        with np.errstate(invalid="ignore"):
            middle = (new_lo + new_hi) / 2
        probe = np.where(finite_lo & finite_hi, middle,
                         np.where(finite_hi, new_hi - reach,
                                  np.where(finite_lo, new_lo + reach, 0.0)))
        A_new, C_new = A[new_parent], C[new_parent]
        z = A_new * probe[:, None] + C_new
        active = np.where(is_plane[new_parent], z > 0, const_pos[new_parent])
        bits = [b[new_parent] for b in bits]
        bits.append(active[:, neuron])
        slope = np.where(active | ~neuron, 1.0, layer.negative_slope)
        M = slope * A_new
        c = slope * C_new
        Mmag = np.abs(slope) * np.abs(A_new)
        cmag = np.abs(slope) * np.abs(C_new)
        lo, hi = new_lo, new_hi
    slopes = M @ net.output.weight.T
    intercepts = c @ net.output.weight.T + net.output.bias
    bounds = np.concatenate([lo, hi[-1:]])
    patterns = (np.concatenate(bits, axis=1) if bits
                else np.zeros((lo.size, 0), dtype=bool))
    return IntervalResult(bounds, patterns, slopes, intercepts)


def affine_pieces(net: Network, domain=None, *, tolerance: Tolerance | None = None,
                  max_regions: int | None = None) -> LinePieces:
    """The network restricted to a line, as exact breakpoints and affine pieces.

    Parameters
    ----------
    net : Network
    domain : Segment, Box or None
        A :class:`~plregions.Segment` of the input space (any input dimension; the
        parameter ``s`` runs from 0 at its start to 1 at its end), or for a 1-input
        network a 1-D :class:`~plregions.Box` or ``None`` (all of R; ``s`` is the input).
    tolerance : Tolerance, optional
    max_regions : int, optional
        As in :func:`~plregions.partition`: past it, a
        :class:`~plregions.RegionLimitError` (the engine stops at the layer that passes
        it), never a truncated list.

    Returns
    -------
    LinePieces
        One piece per activation region met by the line, in order.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> pieces = plr.affine_pieces(net, plr.Segment([-1.0, -2.0], [3.0, 2.0]))
    >>> pieces.breakpoints.tolist()                     # x = 0 at s = 1/4, y = 0 at s = 1/2
    [0.25, 0.5]
    >>> pieces.input_breakpoints.tolist()
    [[0.0, -1.0], [1.0, 0.0]]
    >>> [p.slope.tolist() for p in pieces]              # d(relu(x) + relu(y))/ds
    [[0.0], [4.0], [8.0]]
    """
    if not isinstance(net, Network):
        raise InvalidNetworkError(f"expected a plregions Network, got {type(net).__name__}")
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE
    elif not isinstance(tolerance, Tolerance):
        raise InvalidArgumentError(
            f"tolerance must be a plregions.Tolerance, got {type(tolerance).__name__}")
    max_regions = check_max_regions(max_regions)
    segment = None
    if isinstance(domain, Segment):
        if domain.ambient_dim != net.n_in:
            raise InvalidDomainError(
                f"the segment lies in R^{domain.ambient_dim} but the network takes "
                f"{net.n_in} inputs; give end points with one entry per input")
        segment = domain
        M, c = domain.affine_map()
        net = restrict_network(net, M, c, rel_tol=tolerance.parallel)
        lower, upper = 0.0, 1.0
    elif domain is None or isinstance(domain, Box):
        if net.n_in != 1:
            raise InvalidDomainError(
                f"affine_pieces takes a Segment for a {net.n_in}-input network (a Box or "
                "None only for a 1-input network)")
        if domain is None:
            lower, upper = -np.inf, np.inf
        else:
            if domain.dim != 1:
                raise InvalidDomainError(
                    f"the box is {domain.dim}-dimensional but the network takes 1 input")
            lower, upper = float(domain.lower[0]), float(domain.upper[0])
    else:
        raise InvalidDomainError(
            f"affine_pieces takes a Segment, a 1-D Box or None, got {type(domain).__name__}")
    # Work in the unit frame of the interval, as the other engines do.
    if np.isfinite(lower):
        center, half = (lower + upper) / 2, (upper - lower) / 2
        half = max(half, 1e-7 * max(abs(lower), abs(upper)))
    else:
        center, half = 0.0, 1.0
    framed = net if (center == 0.0 and half == 1.0) else restrict_network(
        net, [[half]], [center], rel_tol=1e-15)
    lo_f = (lower - center) / half if np.isfinite(lower) else lower
    hi_f = (upper - center) / half if np.isfinite(upper) else upper
    res = enumerate_intervals(framed, lo_f, hi_f, 1.0, tolerance, max_regions,
                              "on the segment" if segment is not None else "on the line")
    bounds = np.where(np.isfinite(res.bounds), center + half * res.bounds, res.bounds)
    bounds[0], bounds[-1] = lower, upper
    slopes = res.slopes / half
    intercepts = res.intercepts - slopes * center
    packed = np.packbits(res.patterns, axis=1).reshape(res.patterns.shape[0],
                                                       (net.n_neurons + 7) // 8)
    return LinePieces(bounds, slopes, intercepts, packed, net.n_neurons, segment)
