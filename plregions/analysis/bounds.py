"""Exact counts for hyperplane arrangements and upper bounds on the number of regions.

Every count is an exact Python ``int``.

- :func:`general_position_bound`: ``sum_{i=0}^{d} C(n, i)``, the number of regions of
  ``n`` hyperplanes in general position in R^d (Schläfli; Buck 1943; Zaslavsky 1975), and
  the largest number any ``n`` hyperplanes can make.
- :func:`characteristic_polynomial`, :func:`zaslavsky_count`,
  :func:`zaslavsky_bounded_count`: the exact numbers for one given arrangement, parallel,
  coincident and central hyperplanes included (Zaslavsky 1975).
- :func:`montufar_bound`, :func:`serra_bound`: upper bounds on the number of activation
  regions of a deep ReLU network from its layer widths alone (Montúfar 2017; Serra,
  Tjandraatmadja and Ramalingam 2018). Every linear region is a union of activation
  regions, so they bound linear regions as well.
- :func:`region_bounds`: all of them for one network.

References
----------
T. Zaslavsky, "Facing up to arrangements: face-count formulas for partitions of space by
hyperplanes", Memoirs of the AMS 154 (1975).
R. P. Stanley, "An introduction to hyperplane arrangements", IAS/Park City Mathematics
Series 13 (2007), Lectures 1-3.
G. Montúfar, "Notes on the number of linear regions of deep neural networks", Sampling
Theory and Applications (SampTA) 2017.
T. Serra, C. Tjandraatmadja, S. Ramalingam, "Bounding and counting linear regions of deep
neural networks", ICML 2018, Theorem 1.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.geometry.hyperplanes import group_hyperplanes
from plregions.geometry.tolerance import DEFAULT_TOLERANCE, Tolerance
from plregions.network import Network

__all__ = ["general_position_bound", "characteristic_polynomial", "zaslavsky_count",
           "zaslavsky_bounded_count", "montufar_bound", "serra_bound", "RegionBounds",
           "region_bounds"]


# -- validation --------------------------------------------------------------------------
def _count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool):
        raise InvalidNetworkError(f"{name} must be an integer, got {value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise InvalidNetworkError(f"{name} must be an integer, got {value!r}") from None
    if value < minimum:
        raise InvalidNetworkError(f"{name} = {value}; it must be >= {minimum}")
    return value


def _widths(widths, n_in) -> tuple[tuple[int, ...], int]:
    n_in = _count(n_in, "input dimension n_in", 1)
    if isinstance(widths, (str, bytes)) or not isinstance(widths, Sequence | np.ndarray):
        raise InvalidNetworkError(
            f"widths must be a sequence of hidden-layer widths, got {widths!r}")
    widths = tuple(_count(w, f"widths[{i}]", 1) for i, w in enumerate(widths))
    return widths, n_in


# -- one layer: arrangements -------------------------------------------------------------
def general_position_bound(n: int, d: int) -> int:
    """Regions of ``n`` hyperplanes in general position in R^d: ``sum_{i=0}^{d} C(n, i)``.

    No arrangement of ``n`` hyperplanes in R^d has more regions, so this is the exact
    maximum for a network with one hidden layer of ``n`` neurons and ``d`` inputs.

    Parameters
    ----------
    n : int
        Number of hyperplanes, ``n >= 0``.
    d : int
        Dimension, ``d >= 0``.

    Returns
    -------
    int

    Examples
    --------
    >>> import plregions as plr
    >>> plr.general_position_bound(3, 2)       # 3 generic lines in the plane
    7
    >>> plr.general_position_bound(3, 5)       # n <= d: every pattern, 2^n
    8
    """
    n = _count(n, "n", 0)
    d = _count(d, "d", 0)
    return sum(comb(n, i) for i in range(min(n, d) + 1))


@dataclass(frozen=True)
class _Arrangement:
    """Distinct hyperplanes ``normals @ x + offsets = 0`` (unit normals)."""

    normals: np.ndarray
    offsets: np.ndarray
    scale: float
    tol: float


def _arrangement(weights, biases, tolerance: Tolerance | None) -> _Arrangement:
    tol = (tolerance or DEFAULT_TOLERANCE).parallel
    try:
        W = np.array(weights, dtype=np.float64)
        b = np.array(biases, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidNetworkError(f"weights and biases must be float arrays ({err})") from None
    if W.ndim != 2 or W.shape[1] == 0:
        raise InvalidNetworkError(
            f"weights: expected a 2-D array of shape (n_hyperplanes, d) with d >= 1, "
            f"got shape {W.shape}")
    if b.shape != (W.shape[0],):
        raise InvalidNetworkError(
            f"biases has shape {b.shape} but weights has {W.shape[0]} rows; give one bias "
            "per hyperplane")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
        raise InvalidNetworkError("weights and biases must be finite")
    norms = np.linalg.norm(W, axis=1)
    # A row with zero weights is a constant neuron: it makes no hyperplane.
    keep = norms > tol * max(1.0, norms.max(initial=0.0))
    normals = W[keep] / norms[keep, None]
    offsets = b[keep] / norms[keep]
    scale = float(max(1.0, np.abs(offsets).max(initial=0.0)))
    _, _, reps = group_hyperplanes(normals, offsets, scale, tol)
    return _Arrangement(normals[reps], offsets[reps], scale, tol)


def _flats(arr: _Arrangement) -> tuple[list[int], list[list[int]]]:
    """The intersection semilattice: every non-empty intersection of the hyperplanes.

    Flats are generated level by level: a flat of dimension ``k - 1`` is a flat of
    dimension ``k`` cut by a hyperplane that neither contains it nor runs parallel to it.
    A flat is keyed by the set of hyperplanes that contain it, so coincident intersections
    (three lines through one point) are one flat.

    Returns
    -------
    dims : list of int
        Dimension of each flat; flat 0 is the whole space.
    parents : list of list of int
        For each flat, the flats of one dimension more that contain it (its covers).
    """
    A, c, tol, scale = arr.normals, arr.offsets, arr.tol, arr.scale
    m, d = A.shape
    # each flat: its hyperplanes, a point on it and an orthonormal basis (d, k) of its
    # directions
    keys: list[frozenset[int]] = [frozenset()]
    points, bases, dims, parents = [np.zeros(d)], [np.eye(d)], [d], [[]]
    index = {frozenset(): 0}
    level = [0]
    while level:
        next_level = []
        for f in level:
            key, p, N = keys[f], points[f], bases[f]
            if N.shape[1] == 0:
                continue
            proj = A @ N
            seen: set[int] = set()  # hyperplanes whose cut of f is already known
            for h in range(m):
                if h in key or h in seen:
                    continue
                g = proj[h]
                gg = float(g @ g)
                if gg <= tol * tol:
                    continue  # parallel to the flat without containing it: no intersection
                q = p - (A[h] @ p + c[h]) / gg * (N @ g)
                _, _, vt = np.linalg.svd(g[None, :])
                N2 = N @ vt[1:].T
                on = np.abs(A @ q + c) <= tol * scale
                if N2.shape[1]:
                    on &= np.all(np.abs(A @ N2) <= tol, axis=1)
                members = key | {h} | frozenset(np.flatnonzero(on).tolist())
                seen |= members
                j = index.get(members)
                if j is None:
                    j = len(keys)
                    index[members] = j
                    keys.append(members)
                    points.append(q)
                    bases.append(N2)
                    dims.append(N2.shape[1])
                    parents.append([f])
                    next_level.append(j)
                else:
                    parents[j].append(f)
        level = next_level
    return dims, parents


def _mobius(parents: list[list[int]]) -> list[int]:
    """Möbius function mu(whole space, X) of every flat X.

    ``mu(X) = -sum of mu(Y)`` over the flats Y strictly containing X, found by following
    covers upwards (every flat above X is reached by a chain of covers).
    """
    mu = [1]
    above: list[frozenset[int]] = [frozenset()]
    for f in range(1, len(parents)):
        up = frozenset().union(*(above[g] | {g} for g in parents[f]))
        above.append(up)
        mu.append(-sum(mu[g] for g in up))
    return mu


def characteristic_polynomial(weights, biases, *, tolerance: Tolerance | None = None
                              ) -> tuple[int, ...]:
    """Characteristic polynomial of the arrangement ``{x : weights @ x + biases = 0}``.

    ``chi(t) = sum over flats X of mu(X) t^dim(X)``, the sum running over every non-empty
    intersection X of hyperplanes (the whole space included) with ``mu`` the Möbius
    function of the intersection semilattice (Stanley 2007, Lecture 1). Rows with zero
    weights make no hyperplane; coincident rows (equal up to a non-zero factor, either
    sign) are one hyperplane.

    Parameters
    ----------
    weights : array_like of shape (m, d)
        One row per hyperplane (a layer's weight matrix).
    biases : array_like of shape (m,)
    tolerance : Tolerance, optional
        ``tolerance.parallel`` decides when unit normals and offsets are equal, when a
        point lies on a hyperplane and when a hyperplane is parallel to a flat.

    Returns
    -------
    tuple of int, length d + 1
        The coefficients, constant term first: ``chi(t) = sum_k coef[k] t^k``.

    Notes
    -----
    Cost: ``O(F m (m + d) d)`` time to generate the F flats and ``O(F^2)`` at worst for
    the Möbius function, where ``F <= sum_{k=0}^{d} C(m, k)`` (equality in general
    position). Fine for tens of hyperplanes in low dimension; the number of flats grows
    like ``m^d``.

    Examples
    --------
    >>> import plregions as plr
    >>> plr.characteristic_polynomial([[1, 0], [0, 1], [1, 1]], [0, 0, -1])
    (3, -3, 1)
    >>> plr.characteristic_polynomial([[1, 0], [0, 1], [1, 1]], [0, 0, 0])   # central
    (2, -3, 1)
    """
    arr = _arrangement(weights, biases, tolerance)
    d = arr.normals.shape[1]
    dims, parents = _flats(arr)
    coef = [0] * (d + 1)
    for dim, mu in zip(dims, _mobius(parents)):
        coef[dim] += mu
    return tuple(coef)


def zaslavsky_count(weights, biases, *, tolerance: Tolerance | None = None) -> int:
    """Exact number of regions of the arrangement ``{x : weights @ x + biases = 0}`` in R^d.

    Zaslavsky's theorem: ``r = (-1)^d chi(-1)``, with ``chi`` the characteristic
    polynomial (:func:`characteristic_polynomial`). Parallel, coincident and central
    hyperplanes are handled exactly; rows with zero weights make no hyperplane. For the
    weights and biases of a network's first hidden layer this is the exact number of
    activation regions of that layer alone, a lower bound for the whole network.

    Parameters
    ----------
    weights : array_like of shape (m, d)
    biases : array_like of shape (m,)
    tolerance : Tolerance, optional

    Returns
    -------
    int

    Notes
    -----
    Cost as for :func:`characteristic_polynomial`: polynomial in the number of flats,
    which is at most ``sum_{k<=d} C(m, k)``.

    Examples
    --------
    >>> import plregions as plr
    >>> plr.zaslavsky_count([[1, 0], [0, 1], [1, 1]], [0, 0, -1])   # general position
    7
    >>> plr.zaslavsky_count([[1, 0], [0, 1], [1, 1]], [0, 0, 0])    # through one point
    6
    >>> plr.zaslavsky_count([[1, 0], [2, 0], [1, 0]], [0, 0, -1])   # coincident, parallel
    3
    """
    chi = characteristic_polynomial(weights, biases, tolerance=tolerance)
    d = len(chi) - 1
    return (-1) ** d * sum(coef * (-1) ** k for k, coef in enumerate(chi))


def zaslavsky_bounded_count(weights, biases, *, tolerance: Tolerance | None = None) -> int:
    """Exact number of bounded regions of the arrangement ``{x : weights @ x + biases = 0}``.

    Zaslavsky's theorem: ``b = (-1)^rank chi(1)`` when the normals span R^d (rank d), and
    0 otherwise (every region then contains a line).

    Parameters
    ----------
    weights : array_like of shape (m, d)
    biases : array_like of shape (m,)
    tolerance : Tolerance, optional

    Returns
    -------
    int

    Examples
    --------
    >>> import plregions as plr
    >>> plr.zaslavsky_bounded_count([[1, 0], [0, 1], [1, 1]], [0, 0, -1])
    1
    >>> plr.zaslavsky_bounded_count([[1, 0], [1, 0]], [0, -1])     # two parallel lines
    0
    """
    chi = characteristic_polynomial(weights, biases, tolerance=tolerance)
    d = len(chi) - 1
    rank = d - next(k for k, coef in enumerate(chi) if coef != 0)
    if rank < d:
        return 0
    return (-1) ** rank * sum(chi)


# -- deep networks -----------------------------------------------------------------------
def montufar_bound(widths: Sequence[int], n_in: int) -> int:
    """Montúfar's (2017) upper bound on the activation regions of a deep ReLU network.

    ``prod_{l=1}^{L} sum_{j=0}^{d_l} C(n_l, j)`` with ``d_l = min(n_0, n_1, ..., n_l)``,
    where ``n_0 = n_in`` and ``n_l`` are the hidden widths (Montúfar 2017, as stated in
    Serra et al. 2018, Section 3). Including ``n_l`` in the minimum changes nothing, since
    ``sum_{j<=n} C(n, j) = 2^n``. The argument (on each region, layer ``l`` sees an affine
    image of dimension at most ``min(n_0, ..., n_{l-1})`` and cuts it with ``n_l``
    hyperplanes) holds for any activation with one breakpoint, LeakyReLU included.

    Parameters
    ----------
    widths : sequence of int
        Neurons per hidden layer, ``n_1, ..., n_L``.
    n_in : int
        Input dimension ``n_0``.

    Returns
    -------
    int

    Examples
    --------
    >>> import plregions as plr
    >>> plr.montufar_bound([2, 2], 2)      # (1 + 2 + 1) * (1 + 2 + 1)
    16
    >>> plr.montufar_bound([8, 8], 4)      # 163 * 163
    26569
    """
    widths, n_in = _widths(widths, n_in)
    bound, d = 1, n_in
    for n in widths:
        d = min(d, n)
        bound *= sum(comb(n, j) for j in range(d + 1))
    return bound


def serra_bound(widths: Sequence[int], n_in: int) -> int:
    """Serra, Tjandraatmadja and Ramalingam's (2018) upper bound for deep ReLU networks.

    Theorem 1: at most ``sum over (j_1, ..., j_L) in J of prod_l C(n_l, j_l)`` activation
    regions, with ``J = {(j_1, ..., j_L) : 0 <= j_l <= min(n_0, n_1 - j_1, ...,
    n_{l-1} - j_{l-1}, n_l) for all l}``. It never exceeds :func:`montufar_bound`, equals
    :func:`general_position_bound` for one hidden layer, and is exact for ``n_0 = 1``.
    It relies on inactive ReLUs outputting 0 (the image of a region has dimension at most
    the number of active units), so it holds for ReLU, not LeakyReLU.

    Parameters
    ----------
    widths : sequence of int
        ReLUs per hidden layer, ``n_1, ..., n_L``.
    n_in : int
        Input dimension ``n_0``.

    Returns
    -------
    int

    Notes
    -----
    Summed by dynamic programming over the running minimum
    ``min(n_0, n_1 - j_1, ..., n_l - j_l)``: ``O(L n_0 max n_l)`` big-integer operations
    instead of enumerating ``J``.

    Examples
    --------
    >>> import plregions as plr
    >>> plr.serra_bound([2, 2], 2)         # 1*4 + 2*(1 + 2) + 1*1
    11
    >>> plr.serra_bound([3, 3], 1)         # exact for one input: (3 + 1)^2
    16
    """
    widths, n_in = _widths(widths, n_in)
    # weight[k]: sum of prod C(n_i, j_i) over the j's chosen so far whose running
    # minimum min(n_0, n_1 - j_1, ..., n_l - j_l) equals k
    weight = {n_in: 1}
    for n in widths:
        nxt: dict[int, int] = {}
        for k, w in weight.items():
            for j in range(min(k, n) + 1):
                key = min(k, n - j)
                nxt[key] = nxt.get(key, 0) + w * comb(n, j)
        weight = nxt
    return sum(weight.values())


@dataclass(frozen=True)
class RegionBounds:
    """What is known about a network's number of regions before computing them.

    Attributes
    ----------
    n_in : int
    widths : tuple of int
        Neurons per hidden layer.
    patterns : int
        ``2^n_neurons``: one activation region per activation pattern at most.
    montufar : int or None
        :func:`montufar_bound`; None when a hidden layer holds pass-through units (its
        width and its neuron count differ).
    serra : int or None
        :func:`serra_bound`; None unless every hidden unit is a ReLU (it does not hold for
        LeakyReLU).
    first_layer : int or None
        :func:`zaslavsky_count` of the first hidden layer: the exact number of activation
        regions of that layer alone in R^d, a lower bound for the whole network; None when
        not asked for (``region_bounds(net, first_layer=False)``).
    """

    n_in: int
    widths: tuple[int, ...]
    patterns: int
    montufar: int | None
    serra: int | None
    first_layer: int | None


def region_bounds(net: Network, *, tolerance: Tolerance | None = None,
                  first_layer: bool = True) -> RegionBounds:
    """Upper bounds on the activation regions of ``net`` in R^d, and a lower bound.

    Linear regions are unions of activation regions, so the upper bounds hold for them
    too. The upper bounds take ``O(L n_0 max n_l)`` big-integer operations; the lower
    bound walks the first layer's intersection lattice, which grows like the regions of
    that layer (``2^64`` flats for 64 generic hyperplanes in R^64).

    Parameters
    ----------
    net : Network
    tolerance : Tolerance, optional
        Used for the first layer's arrangement.
    first_layer : bool
        Compute the lower bound :attr:`RegionBounds.first_layer`; ``False`` leaves it
        None and returns the upper bounds at once, whatever the first layer.

    Returns
    -------
    RegionBounds

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [1.0, -1.0]],
    ...                        [[1.0, 1.0]]], [[0.0, 0.0], [-1.0, 0.0], [0.0]])
    >>> b = plr.region_bounds(net)
    >>> b.patterns, b.montufar, b.serra, b.first_layer
    (16, 16, 11, 4)
    >>> plr.region_bounds(net, first_layer=False).first_layer is None
    True
    """
    if not isinstance(net, Network):
        raise InvalidNetworkError(f"expected a plregions Network, got {type(net).__name__}")
    widths = tuple(layer.n_neurons for layer in net.hidden)
    all_neurons = all(layer.n_neurons == layer.n_out for layer in net.hidden)
    all_relu = all_neurons and all(np.all(layer.negative_slope == 0) for layer in net.hidden)
    if not first_layer:
        lower = None
    elif net.hidden and net.hidden[0].n_neurons:
        first = net.hidden[0]
        lower = zaslavsky_count(first.weight[first.is_neuron], first.bias[first.is_neuron],
                                tolerance=tolerance)
    else:
        lower = 1
    return RegionBounds(
        n_in=net.n_in,
        widths=widths,
        patterns=2 ** net.n_neurons,
        montufar=montufar_bound(widths, net.n_in) if all_neurons else None,
        serra=serra_bound(widths, net.n_in) if all_relu else None,
        first_layer=lower,
    )
