"""Statistics of a partition (dead and always-active neurons, activity, occupied regions)
and :func:`analyze`, which gathers them with the counts and bounds in one report."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from plregions.analysis.bounds import RegionBounds, region_bounds
from plregions.errors import InvalidArgumentError, InvalidDomainError
from plregions.geometry import Box, Tolerance
from plregions.network import Network
from plregions.partition import Partition, partition

__all__ = ["dead_neurons", "always_active_neurons", "mean_active_fraction",
           "occupied_regions", "RegionReport", "analyze"]


def _check_partition(part) -> Partition:
    if not isinstance(part, Partition):
        raise InvalidArgumentError(f"expected a plregions Partition, got {type(part).__name__}; "
                        "compute one with plr.partition(net, domain)")
    return part


def dead_neurons(part: Partition) -> np.ndarray:
    """Neurons inactive in every activation region of the partition.

    On the partition's domain such a neuron never fires (except on a set of measure
    zero): removing it does not change the network there.

    Parameters
    ----------
    part : Partition

    Returns
    -------
    ndarray of int, shape (n_dead,)
        Global neuron indices in increasing order (``net.neuron_address(i)`` gives the
        ``(layer, unit)`` of neuron ``i``).

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -5.0], [0.0]])
    >>> plr.dead_neurons(plr.partition(net, plr.Box([-1], [1]))).tolist()
    [1]
    >>> plr.dead_neurons(plr.partition(net)).tolist()    # in all of R it fires for x > 5
    []
    """
    patterns = _check_partition(part).activation_patterns
    return np.flatnonzero(~patterns.any(axis=0))


def always_active_neurons(part: Partition) -> np.ndarray:
    """Neurons active in every activation region of the partition.

    On the partition's domain such a neuron acts as the identity: it adds no boundary.

    Parameters
    ----------
    part : Partition

    Returns
    -------
    ndarray of int, shape (n_always_active,)
        Global neuron indices in increasing order.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, 5.0], [0.0]])
    >>> plr.always_active_neurons(plr.partition(net, plr.Box([-1], [1]))).tolist()
    [1]
    """
    patterns = _check_partition(part).activation_patterns
    return np.flatnonzero(patterns.all(axis=0))


def mean_active_fraction(part: Partition) -> float:
    """Mean, over the activation regions, of the fraction of neurons active in the region.

    Every region counts once, whatever its size.

    Parameters
    ----------
    part : Partition

    Returns
    -------
    float
        In [0, 1]; 0 for a network without neurons.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> plr.mean_active_fraction(plr.partition(net))    # patterns 00, 10, 11
    0.5
    """
    patterns = _check_partition(part).activation_patterns
    if patterns.size == 0:
        return 0.0
    return float(patterns.mean(axis=1).mean())


def _preactivation_signs(part: Partition, X: np.ndarray) -> np.ndarray:
    """Sign of every neuron's pre-activation at each point: int8 array of shape
    (n, n_neurons), 0 where it is zero up to the rounding of the forward pass
    (``tolerance.parallel`` times the size of the terms that made it)."""
    net, tol = part.network, part.tolerance.parallel
    h, signs = X, []
    for z, layer in zip(net.preactivations(X), net.hidden):
        size = np.abs(h) @ np.abs(layer.weight).T + np.abs(layer.bias)
        sign = np.where(np.abs(z) <= tol * size, 0, np.sign(z)).astype(np.int8)
        signs.append(sign[:, layer.is_neuron])
        h = np.where(z > 0, z, layer.negative_slope * z)
    return np.concatenate(signs, axis=1) if signs else np.zeros((X.shape[0], 0), np.int8)


def _regions_of_points(part: Partition, X) -> tuple[np.ndarray, np.ndarray]:
    """The region of every point of the closed domain, and which points lie outside it.

    :meth:`Partition.find` places the points of the regions' interiors. A point on a
    region boundary or on the domain's boundary lies in the closure of one or more
    regions: it goes to the lowest-indexed of them. The candidates are the regions whose
    pattern agrees with the point's pre-activations wherever these are not zero (a
    neuron at zero is active on one side and inactive on the other); each is confirmed
    with :meth:`Region.contains`.

    Returns
    -------
    regions : ndarray of int, shape (n,)
        -1 for the points outside the closed domain (and for any point no region
        holds within the tolerance, which rounding alone could cause).
    outside : ndarray of bool, shape (n,)
    """
    X = part.network.check_inputs(X)
    regions = part.find(X)
    outside = np.zeros(X.shape[0], dtype=bool)
    todo = np.flatnonzero(regions < 0)
    if todo.size == 0:
        return regions, outside
    rows = part.region_rows(0)
    on_domain = rows.labels < 0  # the domain's own rows, the same in every region
    slack = part.tolerance.facet * part.scale
    outside[todo] = np.any(X[todo] @ rows.A[on_domain].T > rows.b[on_domain] + slack, axis=1)
    todo = todo[~outside[todo]]
    patterns = part.activation_patterns
    for p, sign in zip(todo, _preactivation_signs(part, X[todo])):
        fixed = sign != 0
        candidates = np.flatnonzero(np.all(patterns[:, fixed] == (sign[fixed] > 0), axis=1))
        for index in candidates:
            if part[int(index)].contains(X[p])[0]:
                regions[p] = index
                break
    return regions, outside


def occupied_regions(part: Partition, X) -> np.ndarray:
    """The activation regions that hold at least one of the points ``X``.

    Regions are taken closed, like the domain: a point on the domain's boundary counts
    in the region whose closure holds it, and a point on a region boundary (some
    pre-activation exactly 0), which lies in the closure of several regions, counts in
    the lowest-indexed of them. Points outside the domain lie in no region: they are
    left out with a warning that says how many. (:meth:`Partition.find`, by contrast,
    gives -1 for every point outside the open regions.)

    Parameters
    ----------
    part : Partition
    X : array_like of shape (n_points, n_in)
        In the partition's coordinates (``(s, t)`` or ``t`` for a slice).

    Returns
    -------
    ndarray of int, shape (n_occupied,)
        Region indices in increasing order.

    Warns
    -----
    UserWarning
        When some points lie outside the partition's domain.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> part = plr.partition(net, plr.Box([-1], [2]))     # [-1, 0], [0, 1], [1, 2]
    >>> plr.occupied_regions(part, [[0.2], [0.5], [2.0]]).size   # 2.0: on the box's edge
    2
    >>> part.find([[2.0]]).tolist()                          # in no open region
    [-1]
    """
    regions, outside = _regions_of_points(_check_partition(part), X)
    n_outside = int(np.count_nonzero(outside))
    if n_outside:
        warnings.warn(
            f"{n_outside} of the {regions.size} points lie outside the partition's domain "
            "and are in no region; partition a domain that holds them to count them",
            UserWarning, stacklevel=2)
    return np.unique(regions[regions >= 0])


@dataclass(frozen=True)
class RegionReport:
    """Everything :func:`analyze` found about a network, in one record.

    Counts of activation regions and of linear regions are kept apart (DESIGN.md
    section 1). Fields about a box or data are None when none was given.

    Attributes
    ----------
    architecture : str
        ``"d-w1-...-wL-n_out"``.
    activations : tuple of str
        Activation family of each hidden layer.
    n_in : int
        Input dimension d.
    n_neurons : int
    n_regions : int
        Activation regions in all of R^d.
    n_linear_regions : int
        Linear regions in all of R^d.
    n_bounded_regions : int
        Activation regions of R^d with a bounded closure.
    box_lower, box_upper : tuple of float or None
        The box, when one was given.
    n_regions_box, n_linear_regions_box : int or None
        Activation and linear regions meeting the box's interior.
    n_points : int or None
        Number of data points given.
    n_points_on_boundary : int or None
        Data points on a region boundary (some pre-activation exactly 0), each counted in
        the lowest-indexed region whose closure holds it (as :func:`occupied_regions`).
    n_occupied_regions : int or None
        Activation regions of R^d holding at least one data point: the number
        :func:`occupied_regions` gives for the partition of R^d, and also for the
        partition of the box when every point lies in the (closed) box.
    n_occupied_linear_regions : int or None
        Linear regions of R^d holding at least one data point.
    neuron_domain : str
        Where the next three fields were measured: ``"box"`` when a box was given, else
        ``"R^d"``.
    dead_neurons : tuple of (int, int)
        ``(layer, unit)`` of each neuron inactive in every activation region there.
    always_active_neurons : tuple of (int, int)
        ``(layer, unit)`` of each neuron active in every activation region there.
    mean_active_fraction : float
        Mean over the activation regions there of the fraction of active neurons.
    bounds : RegionBounds
        Theoretical bounds for the architecture.
    seconds : float
        Wall-clock time of the whole analysis.
    """

    architecture: str
    activations: tuple[str, ...]
    n_in: int
    n_neurons: int
    n_regions: int
    n_linear_regions: int
    n_bounded_regions: int
    box_lower: tuple[float, ...] | None
    box_upper: tuple[float, ...] | None
    n_regions_box: int | None
    n_linear_regions_box: int | None
    n_points: int | None
    n_points_on_boundary: int | None
    n_occupied_regions: int | None
    n_occupied_linear_regions: int | None
    neuron_domain: str
    dead_neurons: tuple[tuple[int, int], ...]
    always_active_neurons: tuple[tuple[int, int], ...]
    mean_active_fraction: float
    bounds: RegionBounds
    seconds: float


def analyze(net: Network, *, box: Box | None = None, data=None, backend: str = "daqp",
            tolerance: Tolerance | None = None, max_regions: int | None = None
            ) -> RegionReport:
    """Count and describe the regions of ``net`` in all of R^d and, optionally, in a box.

    Computes the partition of R^d (activation, linear and bounded regions), the partition
    of ``box`` if given (activation and linear regions), the regions holding the points
    ``data`` if given, dead and always-active neurons and the mean fraction of active
    neurons (in the box when one is given, else in R^d), and the bounds of
    :func:`region_bounds`.

    Parameters
    ----------
    net : Network
    box : Box, optional
    data : array_like of shape (n_points, n_in), optional
    backend : {"daqp", "highs", "cvxpy"}
        LP solver, as for :func:`partition`.
    tolerance : Tolerance, optional
    max_regions : int, optional
        As for :func:`partition`, for each of the two partitions: more regions than this
        in R^d or in the box raise :class:`~plregions.RegionLimitError`. ``None``: no
        limit.

    Returns
    -------
    RegionReport

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0, 0.0]]],
    ...                       [[0.0, 0.0, -1.0], [0.0]])
    >>> rep = plr.analyze(net, box=plr.Box([-1, -1], [0.5, 0.5]), data=[[2.0, 2.0]])
    >>> rep.n_regions, rep.n_linear_regions, rep.n_bounded_regions
    (7, 4, 1)
    >>> rep.n_regions_box, rep.n_occupied_regions, rep.dead_neurons
    (4, 1, ((0, 2),))
    """
    start = time.perf_counter()
    if box is not None and not isinstance(box, Box):
        raise InvalidDomainError(f"box must be a plregions Box, got {type(box).__name__}")
    whole = partition(net, None, backend=backend, tolerance=tolerance,
                      max_regions=max_regions)
    n_linear = whole.n_linear_regions
    n_bounded = whole.n_bounded_regions
    n_points = on_boundary = occupied = occupied_linear = None
    if data is not None:
        X = net.check_inputs(data)
        n_points = int(X.shape[0])
        on_boundary = int(np.count_nonzero(whole.find(X) < 0))  # R^d has no boundary
        regions = occupied_regions(whole, X)
        occupied = int(regions.size)
        occupied_linear = int(np.unique(whole.linear_region_labels[regions]).size)
    if box is not None:
        in_box = partition(net, box, backend=backend, tolerance=tolerance,
                           max_regions=max_regions)
        n_regions_box, n_linear_box = len(in_box), in_box.n_linear_regions
        lower, upper = tuple(box.lower.tolist()), tuple(box.upper.tolist())
        where, neuron_part = "box", in_box
    else:
        n_regions_box = n_linear_box = lower = upper = None
        where, neuron_part = "R^d", whole

    def addresses(indices):
        return tuple(net.neuron_address(int(i)) for i in indices)

    return RegionReport(
        architecture=net.architecture,
        activations=tuple(layer.kind for layer in net.hidden),
        n_in=net.n_in,
        n_neurons=net.n_neurons,
        n_regions=len(whole),
        n_linear_regions=n_linear,
        n_bounded_regions=n_bounded,
        box_lower=lower,
        box_upper=upper,
        n_regions_box=n_regions_box,
        n_linear_regions_box=n_linear_box,
        n_points=n_points,
        n_points_on_boundary=on_boundary,
        n_occupied_regions=occupied,
        n_occupied_linear_regions=occupied_linear,
        neuron_domain=where,
        dead_neurons=addresses(dead_neurons(neuron_part)),
        always_active_neurons=addresses(always_active_neurons(neuron_part)),
        mean_active_fraction=mean_active_fraction(neuron_part),
        bounds=region_bounds(net, tolerance=tolerance),
        seconds=time.perf_counter() - start,
    )
