"""Entry points: :func:`partition`, :func:`count_regions`, :func:`region_at`."""

from __future__ import annotations

import time

import numpy as np

from plregions.engines.brute import iter_regions_brute
from plregions.engines.layerwise import iter_regions_layerwise
from plregions.errors import InvalidArgumentError, InvalidDomainError, InvalidNetworkError
from plregions.geometry.domains import Box, Polytope
from plregions.geometry.lp import LPStats, certified_ball, check_backend
from plregions.geometry.tolerance import DEFAULT_TOLERANCE, Tolerance
from plregions.network import Network
from plregions.partition.partition import Frame, Partition, Region

__all__ = ["partition", "count_regions", "region_at", "METHODS"]

METHODS = ("auto", "layerwise", "brute")


def _check_network(net) -> Network:
    if not isinstance(net, Network):
        raise InvalidNetworkError(
            f"expected a plregions Network, got {type(net).__name__}; build one with "
            "plr.from_arrays, plr.from_torch, plr.from_onnx, plr.from_sklearn or plr.load_network"
        )
    return net


def resolve_domain(net: Network, domain):
    """Halfspaces, scale and a certified starting ball for ``domain``."""
    d = net.n_in
    if domain is None:
        # The scale of R^d is 1 whatever the network: a far-away hyperplane must not
        # coarsen the tolerance everywhere else (partition a Box for other scales).
        return np.zeros((0, d)), np.zeros(0), 1.0, np.zeros(d), 1e3
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
    raise InvalidDomainError(
        f"unsupported domain {type(domain).__name__}; use None (all of R^d), "
        "plr.Box(lower, upper) or plr.Polytope(A, b)"
    )


def _iter_leaves(net, domain, method, tolerance, backend, stats):
    if method not in METHODS:
        raise InvalidArgumentError(
            f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    check_backend(backend)
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE
    elif not isinstance(tolerance, Tolerance):
        raise InvalidArgumentError(
            f"tolerance must be a plregions.Tolerance, got {type(tolerance).__name__}")
    A0, b0, scale, x0, r0 = resolve_domain(net, domain)
    frame = Frame.of_domain(domain, x0, scale)
    net_f, (A0f, b0f) = frame.network(net, tolerance), frame.halfspaces(A0, b0)
    if method == "brute":
        leaves = iter_regions_brute(net_f, A0f, b0f, 1.0, tolerance, backend, stats)
    else:
        leaves = iter_regions_layerwise(net_f, A0f, b0f, frame.to_frame(x0), r0 / frame.scale,
                                        1.0, tolerance, backend, stats)
    return frame.leaves_to_input(leaves), (A0, b0), scale, tolerance, frame


def partition(net: Network, domain=None, *, method: str = "auto", backend: str = "daqp",
              tolerance: Tolerance | None = None) -> Partition:
    """Every activation region of ``net`` on ``domain``, exactly.

    Parameters
    ----------
    net : Network
    domain : None, Box or Polytope
        ``None`` is all of R^d. Only regions meeting the domain's interior count.
    method : {"auto", "layerwise", "brute"}
        ``"layerwise"`` (the default for any dimension) splits layer by layer;
        ``"brute"`` tries every pattern (tiny networks, for testing).
    backend : {"daqp", "highs", "cvxpy"}
        LP solver. Every backend gives the same partition.
    tolerance : Tolerance, optional

    Returns
    -------
    Partition

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 1.0]]],
    ...                       [[0.0, 0.0, -1.0], [0.0]])
    >>> part = plr.partition(net)          # three lines in general position
    >>> len(part), part.n_bounded_regions, part.n_linear_regions
    (7, 1, 7)
    """
    net = _check_network(net)
    stats = LPStats()
    start = time.perf_counter()
    leaves, halfspaces, scale, tolerance, frame = _iter_leaves(net, domain, method, tolerance,
                                                               backend, stats)
    packed, points_arr, radii = collect_leaves(leaves, net.n_neurons, net.n_in)
    seconds = time.perf_counter() - start
    return Partition(net, domain, packed, points_arr, radii,
                     halfspaces=halfspaces, scale=scale, tolerance=tolerance, backend=backend,
                     method="brute" if method == "brute" else "layerwise", seconds=seconds,
                     lp_stats=stats, frame=frame)


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
                  tolerance: Tolerance | None = None) -> int:
    """Number of activation regions of ``net`` on ``domain``.

    Regions stream out of the engine and are counted, not stored: memory grows with the
    network's depth and the regions of one parent, not with the count.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> plr.count_regions(net)
    3
    """
    net = _check_network(net)
    leaves = _iter_leaves(net, domain, method, tolerance, backend, LPStats())[0]
    return sum(1 for _ in leaves)


def region_at(net: Network, x, domain=None, *, tolerance: Tolerance | None = None,
              backend: str = "daqp") -> Region:
    """The activation region containing the point ``x``.

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
    x = net.check_inputs(x)
    if x.shape[0] != 1:
        raise InvalidDomainError(f"region_at takes one point, got {x.shape[0]}")
    tolerance = tolerance or DEFAULT_TOLERANCE
    A0, b0, scale, x0, _ = resolve_domain(net, domain)
    frame = Frame.of_domain(domain, x0, scale)
    if A0.shape[0] and np.any(A0 @ x[0] >= b0):
        raise InvalidDomainError(f"point {x[0].tolist()} is not inside the domain's interior")
    pattern = net.activation_patterns(x)[0]
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
