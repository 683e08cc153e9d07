"""Entry points: :func:`partition`, :func:`count_regions`, :func:`region_at`."""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from plregions.engines.brute import iter_regions_brute
from plregions.engines.halfspaces import point_pattern
from plregions.engines.layerwise import iter_regions_layerwise
from plregions.errors import (
    EngineFallbackWarning,
    InvalidArgumentError,
    InvalidDomainError,
    InvalidNetworkError,
    RegionLimitError,
    ResolutionWarning,
    SolverError,
    check_max_regions,
)
from plregions.geometry.domains import Box, Polytope
from plregions.geometry.lp import LPStats, certified_ball, check_backend
from plregions.geometry.slices import Plane, Segment
from plregions.geometry.tolerance import DEFAULT_TOLERANCE, Tolerance
from plregions.network import Network
from plregions.network.restriction import restrict_network
from plregions.partition.partition import Frame, Partition, Region

__all__ = ["partition", "count_regions", "region_at", "METHODS"]

METHODS = ("auto", "layerwise", "brute", "plane", "line")


def _check_network(net) -> Network:
    if not isinstance(net, Network):
        raise InvalidNetworkError(
            f"expected a plregions Network, got {type(net).__name__}; build one with "
            "plr.from_arrays, plr.from_torch, plr.from_onnx, plr.from_sklearn or plr.load_network"
        )
    return net


def resolve_domain(net: Network, domain, input_slice=None):
    """Halfspaces, scale and a certified starting ball for ``domain`` (of the slice
    ``input_slice``, when there is one)."""
    d = net.n_in
    if domain is None:
        # The scale of R^d is 1 whatever the network: a far-away hyperplane must not
        # coarsen the tolerance everywhere else (partition a Box for other scales). On a
        # whole plane, 1 in the input space: see _plane_scale.
        scale = 1.0 if input_slice is None else _plane_scale(input_slice)
        return np.zeros((0, d)), np.zeros(0), scale, np.zeros(d), 1e3 * scale
    if isinstance(domain, (Box, Polytope)):
        if domain.dim != d:
            raise InvalidDomainError(
                f"the domain is {domain.dim}-dimensional but the network takes {d} inputs; "
                "give a domain of the network's input dimension"
            )
        A0, b0 = domain.halfspaces()
        scale = domain.scale
        if isinstance(domain, Box):
            center = (domain.lower + domain.upper) / 2
            radius = float(np.min(domain.upper - domain.lower) / 2)
        else:
            center = domain.center
            radius = min(float(np.min(b0 - A0 @ center)), 1e3 * scale)
        return A0, b0, scale, center, radius
    if isinstance(domain, (Plane, Segment)):
        raise InvalidDomainError(
            f"a {type(domain).__name__} is a slice of the input space, handled by "
            "plr.partition and plr.count_regions (use part.find with slice coordinates)"
        )
    raise InvalidDomainError(
        f"unsupported domain {type(domain).__name__}; use None (all of R^d), "
        "plr.Box(lower, upper), plr.Polytope(A, b), plr.Plane(...) or plr.Segment(a, b)"
    )


def _plane_scale(plane: Plane) -> float:
    """The scale of a whole plane, in its coordinates ``(s, t)``: ``1 / sigma``, with
    ``sigma`` the largest singular value of ``[u v]``.

    Then the tolerance means the same on the plane whatever the lengths of ``u`` and
    ``v``: a region holding a disc of radius ``r`` of the input space (in the plane)
    holds one of radius ``r / sigma`` in ``(s, t)``, so every region the tolerance
    resolves in the input space is found (``Plane(o, 1e6 * u, 1e6 * v)`` has the
    regions of ``Plane(o, u, v)``).
    """
    M, _ = plane.affine_map()
    return 1.0 / float(np.linalg.svd(M, compute_uv=False)[0])


def _check_tolerance(tolerance) -> Tolerance:
    if tolerance is None:
        return DEFAULT_TOLERANCE
    if not isinstance(tolerance, Tolerance):
        raise InvalidArgumentError(
            f"tolerance must be a plregions.Tolerance, got {type(tolerance).__name__}")
    return tolerance


def slice_problem(net: Network, domain, tolerance: Tolerance):
    """``(network, domain, slice)`` to enumerate.

    A :class:`Plane` or :class:`Segment` becomes the network precomposed with the slice's
    affine map, on the slice's parameter domain; other domains are left as they are
    (``slice`` is then ``None``).
    """
    if not isinstance(domain, (Plane, Segment)):
        return net, domain, None
    if domain.ambient_dim != net.n_in:
        raise InvalidDomainError(
            f"the {type(domain).__name__.lower()} lies in R^{domain.ambient_dim} but the "
            f"network takes {net.n_in} inputs; give slice points with one entry per input"
        )
    M, c = domain.affine_map()
    return (restrict_network(net, M, c, rel_tol=tolerance.parallel),
            domain.parameter_domain(), domain)


def _where(domain, input_slice, n_in: int) -> str:
    """Where regions are counted, for messages: ``"in all of R^4"``, ``"on the plane"``."""
    if input_slice is not None:
        return f"on the {type(input_slice).__name__.lower()}"
    if domain is None:
        return f"in all of R^{n_in}"
    return f"in the {type(domain).__name__.lower()}"


def _limited(leaves, max_regions: int | None, where: str) -> Iterator:
    """``leaves``, raising :class:`RegionLimitError` at the ``max_regions + 1``-th one."""
    if max_regions is None:
        yield from leaves
        return
    for n_found, leaf in enumerate(leaves, start=1):
        if n_found > max_regions:
            raise RegionLimitError(f"stopped after finding {n_found} activation regions "
                                   f"{where}", n_found, max_regions)
        yield leaf


# A first-layer normal joins the independent set when it lies at least this far from the
# span of the normals already chosen (unit normals; far above rounding errors).
_INDEPENDENT = 1e-6


def _first_layer_cross(net: Network, A0, b0, x0, scale: float, tolerance: Tolerance,
                       stop_at: int) -> int:
    """``k`` first-layer hyperplanes with independent normals crossing inside the domain.

    Then the domain holds at least ``2^k`` activation regions: near a point ``x*`` of
    the chosen hyperplanes' intersection every one of their ``2^k`` sign patterns holds a
    ball of radius ``t``, which the remaining hyperplanes of each layer (flat inside a
    region of the earlier layers) cut into pieces, one of them holding a ball of radius
    ``t / (k_l + 1)`` for ``k_l`` cuts (Bang's plank theorem). ``t`` is chosen so that
    the ball left after every layer still exceeds ``tolerance.radius * scale``: those
    regions exist for the engines too. Greedy, nearest hyperplanes to the domain's
    centre ``x0`` first, stopping at ``stop_at``; ``O(n_1 stop_at^2 d)``.
    """
    if not net.hidden:
        return 0
    layer = net.hidden[0]
    W, c = layer.weight[layer.is_neuron], layer.bias[layer.is_neuron]
    norms = np.linalg.norm(W, axis=1)
    # A neuron with zero weights is constant and makes no hyperplane.
    keep = norms > tolerance.parallel * max(1.0, norms.max(initial=0.0))
    N, O = W[keep] / norms[keep, None], c[keep] / norms[keep]
    t = 2 * tolerance.radius * scale * math.prod(h.n_neurons + 1 for h in net.hidden)
    a_norms = np.linalg.norm(A0, axis=1)
    chosen, basis = [], np.zeros((net.n_in, 0))
    for i in np.argsort(np.abs(N @ x0 + O)):
        if len(chosen) == stop_at:
            break
        residual = N[i] - basis @ (basis.T @ N[i])
        size = float(np.linalg.norm(residual))
        if size < _INDEPENDENT:
            continue
        rows = [*chosen, i]
        NS = N[rows]
        step = np.linalg.lstsq(NS, -(NS @ x0 + O[rows]), rcond=None)[0]
        x_star = x0 + step
        sigma_min = float(np.linalg.svd(NS, compute_uv=False)[-1])
        # The balls of radius t in every orthant around x* lie within this distance of it.
        if A0.shape[0] and (sigma_min <= 0 or np.any(
                b0 - A0 @ x_star <= t * (1 + math.sqrt(len(rows)) / sigma_min) * a_norms)):
            continue
        chosen.append(i)
        basis = np.column_stack([basis, residual / size])
    return len(chosen)


def _check_lower_bound(net: Network, A0, b0, x0, scale: float, tolerance: Tolerance,
                       max_regions: int | None, where: str) -> None:
    """Raise :class:`RegionLimitError` before enumerating when the first layer alone
    provably makes more than ``max_regions`` regions."""
    if max_regions is None:
        return
    k = _first_layer_cross(net, A0, b0, x0, scale, tolerance, max_regions.bit_length())
    if 2 ** k > max_regions:
        raise RegionLimitError(
            f"stopped before enumerating: the first layer alone makes at least 2^{k} = "
            f"{2 ** k} activation regions {where} ({k} of its hyperplanes, with independent "
            "normals, cross inside it; no more were looked for)", 2 ** k, max_regions)


def _low_dim_engine(net: Network, domain, method: str) -> str | None:
    """``"plane"``, ``"line"`` or ``None`` (the general engines) for ``method``."""
    if method not in METHODS:
        raise InvalidArgumentError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    fits = domain is None or isinstance(domain, Box)
    engine = {1: "line", 2: "plane"}.get(net.n_in) if fits else None
    if method == "auto":
        return engine
    if method in ("plane", "line") and engine != method:
        k = 2 if method == "plane" else 1
        slice_name = "Plane" if method == "plane" else "Segment"
        got = (f"all of R^{net.n_in}" if domain is None
               else f"a {type(domain).__name__} for a {net.n_in}-input network")
        raise InvalidArgumentError(
            f"method={method!r} needs a {k}-D domain (a Box or all of R^{k} for a {k}-input "
            f"network, or a {slice_name}); got {got}")
    return method if method in ("plane", "line") else None


class _Declined(Exception):
    """The 2-D engine declined a domain (its reason is the message); the general engine
    runs instead."""


@contextmanager
def _after_declining(reason: str | None):
    """Add the 2-D engine's reason for declining to a :class:`SolverError` of the general
    engine that ran instead (both engines then failed, and the user needs both reasons)."""
    try:
        yield
    except SolverError as err:
        if reason is None:
            raise
        raise SolverError(f"{err} (the exact 2-D engine, tried first, declined: {reason})"
                          ) from err


def _low_dim_partition(net: Network, domain, engine: str, tolerance: Tolerance, backend: str,
                       input_slice, input_network: Network, store: bool = True,
                       max_regions: int | None = None, explicit: bool = False):
    """Partition by the 2-D or 1-D engine; :class:`_Declined` when it declines (the
    general engine then runs; with ``explicit``, when that engine was asked for by name,
    a :class:`SolverError` says why instead).

    The engines stop as soon as they have found more than ``max_regions`` regions."""
    from plregions.engines.line import enumerate_intervals
    from plregions.engines.plane import (
        EulerCheckError,
        Polygons,
        WindowTooLarge,
        box_polygon,
        enumerate_plane,
        enumerate_polygons,
    )
    from plregions.partition.adjacency import Adjacency

    start = time.perf_counter()
    A0, b0, scale, x0, _ = resolve_domain(net, domain, input_slice)
    frame = Frame(x0, scale)
    net_f = frame.network(net, tolerance)
    n = net.n_neurons
    where = _where(domain, input_slice, net.n_in)
    if engine == "line":
        if domain is None:
            lo, hi = -np.inf, np.inf
        else:
            lo, hi = float(frame.to_frame(domain.lower)[0]), float(frame.to_frame(domain.upper)[0])
        res = enumerate_intervals(net_f, lo, hi, 1.0, tolerance, max_regions, where)
        m = res.patterns.shape[0]
        if not store:
            return m
        bounds = frame.to_input(res.bounds[:, None])[:, 0]
        finite = np.isfinite(res.bounds)
        bounds[~finite] = res.bounds[~finite]
        lo_b, hi_b = bounds[:-1], bounds[1:]
        reach = max(1.0, scale)
        bounded = np.isfinite(lo_b) & np.isfinite(hi_b)
        with np.errstate(invalid="ignore"):
            middle, half = (lo_b + hi_b) / 2, (hi_b - lo_b) / 2
        points = np.where(bounded, middle, np.where(np.isfinite(hi_b), hi_b - reach,
                                                    np.where(np.isfinite(lo_b), lo_b + reach,
                                                             0.0)))[:, None]
        radii = np.where(bounded, half, reach)
        packed = np.packbits(res.patterns, axis=1).reshape(m, (n + 7) // 8)
        edges = np.column_stack([np.arange(m - 1), np.arange(1, m)]).astype(np.int64)
        csr = None
        polygons = None
    else:
        try:
            if domain is None:
                res = enumerate_plane(net_f, 1.0, tolerance, store=store,
                                      max_regions=max_regions, where=where)
            else:
                corners = frame.to_frame(box_polygon(domain.lower, domain.upper))
                res = enumerate_polygons(net_f, corners, 1.0, tolerance, store=store,
                                         max_regions=max_regions, where=where)
        except (EulerCheckError, WindowTooLarge) as err:
            if explicit:
                raise SolverError(
                    f"method='plane' cannot partition this domain: {err}. Use "
                    "method='auto' (it falls back to the general engine), or bound the "
                    "domain (a Box, or Plane bounds=...)") from None
            raise _Declined(str(err)) from None
        m = res.patterns.shape[0]
        if not store:
            return m
        packed = res.patterns
        # The engine's arrays are fresh: move them to input coordinates in place.
        points = _frame_to_input_inplace(frame, res.interior_points)
        radii = res.radii * frame.scale
        edges = res.edges
        csr = res.neighbors
        bounded = ~res.touches_window if domain is None else np.ones(m, dtype=bool)
        polygons = Polygons(res.polygons.indptr,
                            _frame_to_input_inplace(frame, res.polygons.vertices),
                            frame.to_input(res.polygons.window.T).T, res.polygons.euler)
    if csr is not None:
        indptr, neighbors = csr
    elif edges.size:
        both = np.concatenate([edges, edges[:, ::-1]])
        both = both[np.lexsort((both[:, 1], both[:, 0]))]
        indptr = np.searchsorted(both[:, 0], np.arange(m + 1))
        neighbors = both[:, 1].copy()
    else:
        indptr, neighbors = np.zeros(m + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    adjacency = Adjacency(edges, _FlippedNeurons(packed, edges, n), indptr, neighbors)
    return Partition(net, domain, packed, points, radii, halfspaces=(A0, b0), scale=scale,
                     tolerance=tolerance, backend=backend, method=engine,
                     seconds=time.perf_counter() - start, lp_stats=LPStats(), frame=frame,
                     adjacency=adjacency, is_bounded=bounded, polygons=polygons,
                     input_slice=input_slice, input_network=input_network)


def _frame_to_input_inplace(frame: Frame, points: np.ndarray) -> np.ndarray:
    """``frame.to_input(points)``, overwriting ``points`` (no second copy of big arrays)."""
    if not frame.is_identity:
        points *= frame.scale
        points += frame.center
    return points


class _FlippedNeurons(Sequence):
    """The neurons that flip across each edge, computed when asked for (a light list)."""

    def __init__(self, patterns: np.ndarray, edges: np.ndarray, n_neurons: int):
        self._patterns, self._edges, self._n = patterns, edges, n_neurons

    def __len__(self) -> int:
        return int(self._edges.shape[0])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        i, j = self._edges[index]
        diff = np.unpackbits(self._patterns[i] ^ self._patterns[j], count=self._n)
        return tuple(int(v) for v in np.flatnonzero(diff))


def _iter_leaves(net, domain, method, tolerance, backend, stats, max_regions=None,
                 input_slice=None):
    """Regions streamed by the general engines, in input coordinates.

    With ``max_regions``, the first layer is checked first (:func:`_check_lower_bound`)
    and the stream raises :class:`RegionLimitError` at its ``max_regions + 1``-th region.
    """
    if method not in METHODS:
        raise InvalidArgumentError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    check_backend(backend)
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE
    elif not isinstance(tolerance, Tolerance):
        raise InvalidArgumentError(
            f"tolerance must be a plregions.Tolerance, got {type(tolerance).__name__}")
    A0, b0, scale, x0, r0 = resolve_domain(net, domain, input_slice)
    where = _where(domain, input_slice, net.n_in)
    _check_lower_bound(net, A0, b0, x0, scale, tolerance, max_regions, where)
    frame = Frame(x0, scale)
    net_f, (A0f, b0f) = frame.network(net, tolerance), frame.halfspaces(A0, b0)
    if method == "brute":
        leaves = iter_regions_brute(net_f, A0f, b0f, 1.0, tolerance, backend, stats)
    else:
        leaves = iter_regions_layerwise(net_f, A0f, b0f, frame.to_frame(x0), r0 / frame.scale,
                                        1.0, tolerance, backend, stats)
    leaves = _limited(frame.leaves_to_input(leaves), max_regions, where)
    return leaves, (A0, b0), scale, tolerance, frame


def partition(net: Network, domain=None, *, method: str = "auto", backend: str = "daqp",
              tolerance: Tolerance | None = None, max_regions: int | None = None
              ) -> Partition:
    """Every activation region of ``net`` on ``domain``, exactly.

    Parameters
    ----------
    net : Network
    domain : None, Box, Polytope, Plane or Segment
        ``None`` is all of R^d. Only regions meeting the domain's interior count. A
        :class:`~plregions.Plane` or :class:`~plregions.Segment` slice is handled by
        restricting the network to it: the partition's :attr:`~Partition.network` is then
        the restricted network, its coordinates are the slice's parameters, and
        :attr:`~Partition.input_points` maps its interior points back.
    method : {"auto", "layerwise", "brute", "plane", "line"}
        ``"auto"`` takes the exact 2-D polygon engine (``"plane"``) for 2-D domains (a
        Box or all of R^2 for a 2-input network, and Plane slices), the 1-D engine
        (``"line"``) for 1-D ones, and ``"layerwise"`` (layer-by-layer splitting with
        LPs) otherwise; ``"brute"`` tries every pattern (tiny networks, for testing).
        Should the 2-D engine's Euler check ever fail (a numerically degenerate input),
        ``"auto"`` falls back to ``"layerwise"``: :attr:`Partition.method` tells which
        engine ran.
    backend : {"daqp", "highs", "cvxpy"}
        LP solver. Every backend gives the same partition.
    tolerance : Tolerance, optional
    max_regions : int, optional
        Stop and raise :class:`~plregions.RegionLimitError` as soon as more than this many
        regions are found (never return a truncated partition); ``None``, the default, is
        no limit. The general engines stream regions and stop at once (and before
        starting when the first layer alone provably makes more, so that all of R^64
        fails in milliseconds, not hours); the 2-D and 1-D engines run to the end
        (vectorized) and the limit is checked before anything else is built.

    Returns
    -------
    Partition

    Raises
    ------
    RegionLimitError
        The domain holds more than ``max_regions`` regions; the message says how many
        were found and how to go on (a smaller Box, a Plane or Segment slice, or a larger
        ``max_regions``).

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
    ...                       [[0.0, 0.0, -1.0], [0.0]])
    >>> part = plr.partition(net)          # three lines in general position
    >>> len(part), part.n_bounded_regions, part.n_linear_regions
    (7, 1, 7)
    >>> try:
    ...     plr.partition(net, max_regions=5)
    ... except plr.RegionLimitError as err:
    ...     print(err.reason)
    stopped after finding 6 activation regions in all of R^2
    """
    input_network, net, domain, input_slice, tolerance, max_regions = _problem(
        net, domain, tolerance, max_regions)
    part, method, declined = _low_dim_first(net, domain, method, backend, tolerance,
                                            input_slice, input_network, max_regions, True)
    if part is not None:
        return _checked_resolution(part)
    stats = LPStats()
    start = time.perf_counter()
    with _after_declining(declined):
        leaves, halfspaces, scale, tolerance, frame = _iter_leaves(
            net, domain, method, tolerance, backend, stats, max_regions, input_slice)
        packed, points_arr, radii = collect_leaves(leaves, net.n_neurons, net.n_in)
    seconds = time.perf_counter() - start
    return _checked_resolution(Partition(
        net, domain, packed, points_arr, radii, halfspaces=halfspaces, scale=scale,
        tolerance=tolerance, backend=backend,
        method="brute" if method == "brute" else "layerwise", seconds=seconds,
        lp_stats=stats, frame=frame, input_slice=input_slice, input_network=input_network))


# ResolutionWarning: when at least this fraction of the regions, and NEAR_COUNT of them,
# hold no ball of NEAR times the resolution (random networks: 0.2 % of 16,067 regions in
# [-3, 3]^2 and none of the bundled networks' slices; the Iris network's plane with a
# margin of 1e5, whose regions all are still found, 40 %, and 37 % with a margin of 1e6,
# which loses 6). One or two small regions are more likely made on purpose.
NEAR, NEAR_FRACTION, NEAR_COUNT = 100.0, 0.01, 3


def _checked_resolution(part):
    """``part``, after a :class:`ResolutionWarning` if many of its regions are close to
    the tolerance's resolution (a sign that smaller ones were not resolved)."""
    resolution = part.tolerance.radius * part.scale
    near = int(np.count_nonzero(part.radii < NEAR * resolution))
    if near >= max(NEAR_COUNT, NEAR_FRACTION * len(part)):
        warnings.warn(
            f"{near} of the {len(part)} activation regions hold no ball of radius "
            f"{NEAR:g} times the resolution ({resolution:.3g}: tolerance.radius "
            f"{part.tolerance.radius:g} times the domain's scale {part.scale:.3g}); "
            "regions smaller than the resolution are not counted, and more are probably "
            "there. Partition a smaller domain around the features of interest, or pass "
            "plr.Tolerance(radius=...) smaller", ResolutionWarning, stacklevel=3)
    return part


def _problem(net, domain, tolerance, max_regions):
    """The checked arguments of :func:`partition` and :func:`count_regions`, with the
    network restricted to a slice: ``(input_network, network, domain, slice, tolerance,
    max_regions)``."""
    input_network = _check_network(net)
    tolerance = _check_tolerance(tolerance)
    max_regions = check_max_regions(max_regions)
    net, domain, input_slice = slice_problem(input_network, domain, tolerance)
    return input_network, net, domain, input_slice, tolerance, max_regions


def _low_dim_first(net, domain, method, backend, tolerance, input_slice, input_network,
                   max_regions, store):
    """The 2-D or 1-D engine's partition (or count, without ``store``) when one fits the
    domain: ``(result, method, declined)``. ``result`` is ``None`` when none fits or it
    declined; then ``method`` is the general engine's and ``declined`` the reason (after
    an :class:`EngineFallbackWarning`)."""
    engine = _low_dim_engine(net, domain, method)
    if engine is None:
        return None, method, None
    check_backend(backend)
    try:
        return _low_dim_partition(net, domain, engine, tolerance, backend, input_slice,
                                  input_network, store=store, max_regions=max_regions,
                                  explicit=method == engine), method, None
    except _Declined as reason:
        warnings.warn(
            f"the exact 2-D engine declined this domain ({reason}); the general engine "
            "runs instead, slower by orders of magnitude. Bound the domain (a Box, or Plane "
            "bounds=...) to keep the 2-D engine", EngineFallbackWarning, stacklevel=3)
        return None, "layerwise", str(reason)


def collect_leaves(leaves, n_neurons: int, d: int, chunk: int = 8192):
    """Columnar arrays from a stream of leaves, packed chunk by chunk.

    Returns ``(patterns, points, radii)``: uint8 (n, ceil(n_neurons / 8)), float (n, d) and
    float (n,). Memory is the final arrays plus one chunk of Python objects.
    """
    nbytes = (n_neurons + 7) // 8
    packed_parts, point_parts, radius_parts = [], [], []
    patterns, points, radii = [], [], []

    def flush():
        if patterns:
            packed_parts.append(np.packbits(np.array(patterns, dtype=bool).reshape(
                len(patterns), n_neurons), axis=1).reshape(len(patterns), nbytes))
            point_parts.append(np.array(points, dtype=float).reshape(len(points), d))
            radius_parts.append(np.array(radii, dtype=float))
            patterns.clear()
            points.clear()
            radii.clear()

    for leaf in leaves:
        patterns.append(leaf.pattern)
        points.append(leaf.point)
        radii.append(leaf.radius)
        if len(patterns) == chunk:
            flush()
    flush()
    if not packed_parts:
        return np.zeros((0, nbytes), dtype=np.uint8), np.zeros((0, d)), np.zeros(0)
    return (np.concatenate(packed_parts), np.concatenate(point_parts),
            np.concatenate(radius_parts))


def count_regions(net: Network, domain=None, *, method: str = "auto", backend: str = "daqp",
                  tolerance: Tolerance | None = None, max_regions: int | None = None) -> int:
    """Number of activation regions of ``net`` on ``domain``.

    Regions stream out of the engine and are counted, not stored: memory grows with the
    network's depth and the regions of one parent, not with the count. Arguments as for
    :func:`partition`; with ``max_regions``, more regions than that raise
    :class:`~plregions.RegionLimitError` instead of returning a count.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> plr.count_regions(net)
    3
    >>> plr.count_regions(net, max_regions=3)
    3
    """
    input_network, net, domain, input_slice, tolerance, max_regions = _problem(
        net, domain, tolerance, max_regions)
    count, method, declined = _low_dim_first(net, domain, method, backend, tolerance,
                                             input_slice, input_network, max_regions, False)
    if count is not None:
        return int(count)
    with _after_declining(declined):
        leaves = _iter_leaves(net, domain, method, tolerance, backend, LPStats(), max_regions,
                              input_slice)[0]
        return sum(1 for _ in leaves)


def region_at(net: Network, x, domain=None, *, tolerance: Tolerance | None = None,
              backend: str = "daqp") -> Region:
    """The activation region containing the point ``x``.

    ``x`` is one point: shape ``(n_in,)``, or any shape of ``n_in`` entries (an image).
    Raises ``ValueError`` when ``x`` lies on a region boundary (some pre-activation is
    exactly 0) or outside the domain.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> plr.region_at(net, [2.0]).pattern.tolist()
    [True, False]
    """
    net = _check_network(net)
    if np.ndim(x) > 1 and np.size(x) == net.n_in:
        x = np.reshape(x, (1, net.n_in))  # one point given as an image, e.g. (8, 8)
    x = net.check_inputs(x)
    if x.shape[0] != 1:
        raise InvalidDomainError(f"region_at takes one point, got {x.shape[0]}")
    tolerance = tolerance or DEFAULT_TOLERANCE
    A0, b0, scale, x0, _ = resolve_domain(net, domain)
    frame = Frame(x0, scale)
    if A0.shape[0] and np.any(A0 @ x[0] >= b0):
        raise InvalidDomainError(f"point {x[0].tolist()} is not inside the domain's interior")
    pattern, _ = point_pattern(net, x[0], tolerance)
    stats = LPStats()
    packed = np.packbits(pattern)[None, :].reshape(1, (net.n_neurons + 7) // 8)
    part = Partition(net, domain, packed, x.copy(), np.zeros(1), halfspaces=(A0, b0),
                     scale=scale, tolerance=tolerance, backend=check_backend(backend),
                     method="point", seconds=0.0, lp_stats=stats, frame=frame)
    rows = part.region_rows(0)
    # A pre-activation exactly 0 at x is a boundary unless it is identically 0 there.
    on = rows.labels[(rows.labels >= 0) & (rows.A @ x[0] >= rows.b)]
    if on.size:
        raise InvalidDomainError(
            f"point {x[0].tolist()} lies on the boundary of neuron(s) "
            f"{sorted(set(on.tolist()))} (pre-activation exactly 0); it belongs to no "
            "activation region"
        )
    frows = part.frame_rows(0)
    found = certified_ball(frows.A, frows.b, tolerance.radius, 1e3, backend, stats)
    if found is not None:
        part.interior_points[0] = frame.to_input(found[0])
        part.radii[0] = found[1] * frame.scale
    return part[0]
