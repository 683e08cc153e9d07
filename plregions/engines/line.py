"""The 1-D engine: exact breakpoints by layer-wise interval splitting, no LPs.

Inside an interval on which layers ``< l`` keep their pattern, every pre-activation of
layer ``l`` is affine in the line's parameter ``s``: a neuron is identically constant there
(active iff the constant is ``> 0``) or vanishes at one point ``s* = -c / a``. Every layer
is processed for all intervals at once with array operations (no Python loop over
intervals).

Resolution. A region exists only if it holds a ball of radius ``> eps = Tolerance.radius *
scale``, so every piece is longer than ``w = 2 eps`` (and than ``Tolerance.parallel *
scale``, within which roots are one breakpoint, as coincident neurons are). The roots of an
interval are taken from the left: a root more than ``w`` beyond the last breakpoint (or
the interval's start) and more than ``w`` before the interval's end is a breakpoint; the
others stay inside a piece, within ``w`` of one of its ends. A piece's pattern (and so its
affine map) is the one on its longest stretch free of roots. Hence

- for the first hidden layer, every interval of constant pattern longer than ``w`` (every
  activation region, when ``Tolerance.parallel <= 2 Tolerance.radius`` as by default) is
  one piece with its own pattern, whose ends are within ``w`` of the interval's; deeper
  layers find their roots with these maps, exact but for ``w`` at each end of a piece, so
  longer intervals (a few ``w`` per layer) are found in the same way;
- a run of roots closer together than ``w`` (which holds no activation region) is cut
  into pieces just longer than ``w``, never merged into one breakpoint: on every piece
  the returned affine map differs from the network by at most ``2 L w Lip``, with ``L``
  the number of hidden layers and ``Lip`` the Lipschitz bound
  ``max |W_out| |W_L| ... |W_1|`` along the line (ReLU networks);
- a root within ``w`` of an end of the domain splits nothing.
"""

from __future__ import annotations

import operator
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
from plregions.geometry.domains import PRECISION_FLOOR, Box
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
        try:
            if isinstance(index, (bool, np.bool_)):
                raise TypeError
            index = operator.index(index)
        except TypeError:
            raise InvalidArgumentError(
                f"pieces are indexed by an integer, got {index!r} of type "
                f"{type(index).__name__}; to find the piece holding a parameter s use "
                "piece_index(s)") from None
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
        breakpoint counts for the piece on its right; NaN is refused)."""
        s = _parameters(s, "piece_index")
        index = np.searchsorted(self.bounds, s, side="right") - 1
        index[(s < self.bounds[0]) | (s > self.bounds[-1])] = -1
        index[s == self.bounds[-1]] = len(self) - 1
        return index

    def __call__(self, s) -> np.ndarray:
        """Evaluate the restricted function: array_like (n,) -> ndarray (n, n_out).

        Parameters outside the domain, NaN or infinite are refused
        (:class:`~plregions.InvalidArgumentError`)."""
        s = _parameters(s, "LinePieces", finite=True)
        index = self.piece_index(s)
        if np.any(index < 0):
            raise InvalidArgumentError(
                f"{int(np.sum(index < 0))} parameters lie outside the line's domain "
                f"[{self.bounds[0]}, {self.bounds[-1]}], e.g. s = {float(s[index < 0][0])!r}")
        return self.intercepts[index] + s[:, None] * self.slopes[index]


def _parameters(s, what: str, finite: bool = False) -> np.ndarray:
    """Parameters ``s`` as a float vector, refusing NaN (it lies in no piece) and, with
    ``finite``, infinities (where affine maps have no value)."""
    try:
        s = np.asarray(s, dtype=float).reshape(-1)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(
            f"{what}: the parameters s cannot be read as numbers ({err})") from None
    bad = np.isnan(s) | (finite & np.isinf(s))
    if np.any(bad):
        kind = "NaN or infinite values" if finite else "NaN"
        raise InvalidArgumentError(
            f"{what}: the parameters s contain {kind} ({int(np.sum(bad))} of {s.size}, "
            f"e.g. {float(s[bad][0])!r}); give finite numbers inside the line's domain")
    return s


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
        Pieces in increasing order of ``s``; they tile ``[lower, upper]`` and each is
        longer than :func:`min_piece_length` (see the module docstring for what happens to
        roots closer together than that).
    """
    if net.n_in != 1:
        raise InvalidNetworkError(
            f"the 1-D engine needs a 1-input network, got {net.n_in} inputs")
    width = min_piece_length(tol, scale)
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
        inside = is_plane & (roots > lo[:, None]) & (roots < hi[:, None])
        parent, unit = np.nonzero(inside)
        t = roots[parent, unit]
        order = np.lexsort((t, parent))
        parent, t = parent[order], t[order]
        cut = _select_cuts(lo, hi, parent, t, width)
        total = lo.size + int(cut.sum())
        if max_regions is not None and total > max_regions:
            raise RegionLimitError(
                f"stopped at hidden layer {depth} of {len(net.hidden)} after finding {total} "
                f"activation regions {where}", total, max_regions)
        new_lo, new_hi, new_parent, probe = _split(lo, hi, parent, t, cut, reach)
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


def min_piece_length(tol: Tolerance, scale: float) -> float:
    """The length a piece must exceed: ``2 * radius * scale`` (a region holds a ball of
    radius ``> radius * scale``), and at least ``parallel * scale`` (closer roots are one
    breakpoint, as coincident hyperplanes are for the general engine)."""
    return max(2 * tol.radius, tol.parallel) * scale


def _select_cuts(lo, hi, parent, t, width) -> np.ndarray:
    """Which roots become breakpoints: bool ndarray of shape (k,).

    ``t`` holds the roots inside the intervals ``(lo, hi)``, sorted by ``(parent, t)``.
    Within each interval, from the left: a root becomes a breakpoint when it lies more
    than ``width`` beyond the previous breakpoint (or ``lo``) and more than ``width``
    before ``hi``; the others stay inside a piece. This is a chain (whether a root is a
    breakpoint depends on the last one chosen), followed for all intervals at once by
    pointer doubling: ``O(k log k)`` array operations, no Python loop over roots.
    """
    k = t.size
    candidate = (t - lo[parent] > width) & (hi[parent] - t > width)
    index = np.flatnonzero(candidate)
    cp, ct = parent[index], t[index]
    n = index.size
    cut = np.zeros(k, dtype=bool)
    if n == 0:
        return cut
    # The candidates of one interval are contiguous and the intervals are ordered and
    # disjoint, so ct is increasing: the next breakpoint after candidate i is the first
    # candidate of the same interval beyond ct[i] + width (n, a sink, when there is none).
    nxt = np.searchsorted(ct, ct + width, side="right")
    found = np.flatnonzero(nxt < n)
    nxt[found[cp[nxt[found]] != cp[found]]] = n
    jump = np.append(nxt, n)
    chosen = np.zeros(n + 1, dtype=bool)
    # The first candidate of each interval is always a breakpoint.
    chosen[np.flatnonzero(np.r_[True, cp[1:] != cp[:-1]])] = True
    # Invariant: chosen holds next^j(first) for j < 2^r and jump is next^(2^r).
    while True:
        reached = jump[np.flatnonzero(chosen[:n])]
        reached = reached[reached < n]
        if reached.size == 0:
            break
        chosen[reached] = True
        jump = jump[jump]
    cut[index] = chosen[:n]
    return cut


def _split(lo, hi, parent, t, cut, reach):
    """The pieces of the intervals ``(lo, hi)`` after cutting at the chosen roots.

    Returns ``(lo, hi, parent, probe)``: each piece's ends, the interval it comes from
    and the point that decides its pattern, the middle of its longest stretch free of
    roots (the roots that were not chosen cut it into stretches; only that stretch is
    sure to hold no sub-resolution sliver).
    """
    m = lo.size
    # Every root splits its interval into stretches ...
    n_roots = np.bincount(parent, minlength=m)
    n_stretch = n_roots + 1
    stretch_parent = np.repeat(np.arange(m), n_stretch)
    first = np.concatenate([[0], np.cumsum(n_stretch)[:-1]])
    s_lo = np.empty(stretch_parent.size)
    s_hi = np.empty(stretch_parent.size)
    s_lo[first] = lo
    s_hi[first + n_roots] = hi
    rank = np.arange(t.size) - np.concatenate([[0], np.cumsum(n_roots)[:-1]])[parent]
    slot = first[parent] + rank
    s_hi[slot] = t
    s_lo[slot + 1] = t
    # ... and the chosen roots group the stretches into pieces.
    starts_piece = np.zeros(stretch_parent.size, dtype=bool)
    starts_piece[first] = True
    starts_piece[slot[cut] + 1] = True
    piece = np.cumsum(starts_piece) - 1
    begin = np.flatnonzero(starts_piece)
    end = np.append(begin[1:], stretch_parent.size) - 1
    length = s_hi - s_lo                      # inf for an unbounded stretch, never nan
    longest = np.lexsort((-length, piece))    # per piece, its longest stretch first
    best = longest[np.searchsorted(piece[longest], np.arange(begin.size))]
    b_lo, b_hi = s_lo[best], s_hi[best]
    finite_lo, finite_hi = np.isfinite(b_lo), np.isfinite(b_hi)
    with np.errstate(invalid="ignore"):
        middle = (b_lo + b_hi) / 2
    probe = np.where(finite_lo & finite_hi, middle,
                     np.where(finite_hi, b_hi - reach,
                              np.where(finite_lo, b_lo + reach, 0.0)))
    return s_lo[begin], s_hi[end], stretch_parent[begin], probe


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
        lower, upper = 0.0, 1.0
        center, half = 0.5, _half_width(domain, tolerance)
        step = domain.end - domain.start
        # One restriction from the input space straight to the unit frame of [0, 1].
        framed = restrict_network(net, (half * step)[:, None], domain.start + 0.5 * step,
                                  rel_tol=tolerance.parallel)
    elif domain is None or isinstance(domain, Box):
        if net.n_in != 1:
            raise InvalidDomainError(
                f"affine_pieces takes a Segment for a {net.n_in}-input network (a Box or "
                "None only for a 1-input network)")
        if domain is None:
            lower, upper = -np.inf, np.inf
            center, half = 0.0, 1.0
        else:
            if domain.dim != 1:
                raise InvalidDomainError(
                    f"the box is {domain.dim}-dimensional but the network takes 1 input")
            lower, upper = float(domain.lower[0]), float(domain.upper[0])
            # The unit frame of the interval, as the other engines use (Box.scale).
            center, half = (lower + upper) / 2, domain.scale
            if (upper - lower) / half <= min_piece_length(tolerance, 1.0):
                raise InvalidDomainError(
                    f"the box [{lower!r}, {upper!r}] is {upper - lower:.3g} long, too short "
                    "for float64 to resolve at coordinates of that size; give a longer box "
                    "or move the problem nearer the origin")
        framed = net if (center == 0.0 and half == 1.0) else restrict_network(
            net, [[half]], [center], rel_tol=1e-15)
    else:
        raise InvalidDomainError(
            f"affine_pieces takes a Segment, a 1-D Box or None, got {type(domain).__name__}")
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


def _half_width(segment: Segment, tol: Tolerance) -> float:
    """Half the width, in the parameter ``s``, of the unit frame of a segment.

    ``1/2`` (the frame is ``[0, 1]``) unless the segment is so short for the size of its
    coordinates that the precision floor of float64 there is longer: as for a
    :class:`~plregions.Box`, the scale never falls below ``1e-7`` times the largest
    coordinate. A segment that cannot hold one piece at that scale is refused.
    """
    step = segment.end - segment.start
    biggest = float(np.abs(step).max())
    magnitude = float(max(np.abs(segment.start).max(), np.abs(segment.end).max()))
    length = segment.length
    floor = PRECISION_FLOOR * magnitude / length if length > 0 else np.inf
    if not biggest >= np.finfo(float).tiny:
        raise InvalidDomainError(
            f"the segment is {length:.3g} long, below the smallest normal float64 "
            f"({np.finfo(float).tiny:.3g}); the 1-D engine cannot resolve it. Rescale the "
            "inputs (e.g. multiply them, and divide the first layer's weights, by a common "
            "factor)")
    if not 1.0 / floor > min_piece_length(tol, 1.0):
        raise InvalidDomainError(
            f"the segment is {length:.3g} long, too short for float64 to resolve at "
            f"coordinates of size {magnitude:.3g} (the 1-D engine resolves lengths down to "
            f"about {2 * tol.radius * PRECISION_FLOOR * magnitude:.3g} there); give end "
            "points farther apart, or rescale the inputs (e.g. multiply them, and divide "
            "the first layer's weights, by a common factor)")
    return max(0.5, floor)
