"""The columnar result of an enumeration: :class:`Partition` and its :class:`Region` views."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from plregions.engines.halfspaces import RegionRows, iter_region_rows, point_pattern, region_rows
from plregions.errors import InvalidArgumentError
from plregions.geometry.hyperplanes import group_hyperplanes
from plregions.geometry.lp import LPStats, recession_cone_is_zero
from plregions.geometry.tolerance import Tolerance
from plregions.network import Network

__all__ = ["Partition", "Region", "Facet", "Frame", "group_rows"]


@dataclass(frozen=True)
class Frame:
    """The coordinates the engines work in: ``x = center + scale * y``, with the centre
    and scale :func:`~plregions.partition.api.resolve_domain` gives a domain (all of R^d:
    centred at 0, of scale 1, except a whole plane, whose scale is that of its coordinates).

    A bounded domain is moved to the origin and scaled to unit size before any LP, so
    that the LP solvers' absolute tolerances and float64 rounding act at the domain's own
    scale (a box of side 1e-10, or one far from the origin, keeps its regions).
    """

    center: np.ndarray
    scale: float

    @property
    def is_identity(self) -> bool:
        return self.scale == 1.0 and not np.any(self.center)

    def network(self, net: Network, tol: Tolerance) -> Network:
        if self.is_identity:
            return net
        from plregions.network.restriction import restrict_network

        d = net.n_in
        return restrict_network(net, self.scale * np.eye(d), self.center, rel_tol=1e-15)

    def halfspaces(self, A, b):
        return A, (b - A @ self.center) / self.scale

    def to_frame(self, x):
        return (np.asarray(x, dtype=float) - self.center) / self.scale

    def to_input(self, y):
        return self.center + self.scale * np.asarray(y, dtype=float)

    def leaves_to_input(self, leaves):
        from plregions.engines.layerwise import LeafRegion

        if self.is_identity:
            yield from leaves
            return
        for leaf in leaves:
            yield LeafRegion(leaf.pattern, self.to_input(leaf.point), leaf.radius * self.scale)


@dataclass(frozen=True)
class Facet:
    """One facet of a region.

    Attributes
    ----------
    neighbor : int
        The region across the facet; -1 where the facet lies on the domain's boundary;
        -2 where the region across is not held by the partition (a region from
        :func:`~plregions.region_at`).
    neurons : tuple of int
        Neurons whose hyperplane makes the facet (empty for a pure domain facet).
    normal : ndarray of shape (d,)
        Unit outward normal.
    offset : float
        The facet's hyperplane is ``normal @ x = offset``.
    point : ndarray of shape (d,)
        A point of the facet's relative interior.
    """

    neighbor: int
    neurons: tuple[int, ...]
    normal: np.ndarray
    offset: float
    point: np.ndarray


@dataclass(frozen=True, eq=False)
class Region:
    """A light view of one activation region of a :class:`Partition` (built on demand)."""

    partition: Partition = field(repr=False)
    index: int

    @property
    def pattern(self) -> np.ndarray:
        """bool ndarray of shape (n_neurons,): the activation pattern."""
        return self.partition.activation_pattern(self.index)

    @property
    def interior_point(self) -> np.ndarray:
        """ndarray of shape (n_in,): the centre of a certified interior ball."""
        return self.partition.interior_points[self.index]

    @property
    def radius(self) -> float:
        """Radius of that ball (a lower bound on the Chebyshev radius)."""
        return float(self.partition.radii[self.index])

    @cached_property
    def rows(self) -> RegionRows:
        return self.partition.region_rows(self.index)

    @property
    def halfspaces(self) -> tuple[np.ndarray, np.ndarray]:
        """``(A, b)``: the region's closure is ``{x : A x <= b}`` (unit-norm rows)."""
        return self.rows.A, self.rows.b

    @property
    def local_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(A, c)``: the network's output is ``A @ x + c`` on the region."""
        return self.partition.network.local_maps(self.pattern).output

    def __call__(self, X) -> np.ndarray:
        """Evaluate the region's affine map: ndarray (n, n_in) -> (n, n_out)."""
        A, c = self.local_map
        return np.atleast_2d(np.asarray(X, dtype=float)) @ A.T + c

    def contains(self, X) -> np.ndarray:
        """Whether each point lies in the region's closure (within the facet tolerance)."""
        A, b = self.halfspaces
        X = np.atleast_2d(np.asarray(X, dtype=float))
        slack = self.partition.tolerance.facet * self.partition.scale
        return np.all(X @ A.T <= b + slack, axis=1)

    @property
    def is_bounded(self) -> bool:
        return bool(self.partition.is_bounded[self.index])

    @cached_property
    def facets(self) -> list[Facet]:
        """Every facet, those on the domain's boundary included."""
        return self.partition.region_facets(self.index)

    def vertices(self) -> np.ndarray:
        """Vertices of a bounded region, ndarray of shape (n_vertices, n_in).

        Available in dimension <= 4; raises ``ValueError`` for unbounded regions (they
        have no finite vertex description).
        """
        from plregions.geometry.vertices import polytope_vertices

        if not self.is_bounded:
            raise InvalidArgumentError(
                f"region {self.index} is unbounded; it has no vertex description (partition "
                "a Box to get bounded regions)")
        if self.partition.polygons is not None:
            return self.partition.polygons[self.index].copy()
        A, b = self.halfspaces
        return polytope_vertices(A, b, self.interior_point)

    def __repr__(self) -> str:
        bits = "".join("1" if v else "0" for v in self.pattern)
        return f"Region({self.index}, pattern={bits}, radius={self.radius:.3g})"


class Partition:
    """Every activation region of a network on a domain, stored by columns.

    Attributes
    ----------
    network : Network
    domain : Box, Polytope or None
        For a slice, the parameter domain of the slice (its bounds, or ``None``).
    patterns : ndarray of uint8, shape (n_regions, ceil(n_neurons / 8))
        Packed activation patterns (``numpy.packbits`` along axis 1, big-endian bits).
    interior_points : ndarray of shape (n_regions, n_in)
        One certified interior point per region.
    radii : ndarray of shape (n_regions,)
        Radius of a ball around that point inside the region.
    seconds : float
        Time taken by the enumeration.
    lp_stats : LPStats
        LPs solved by the enumeration.
    method : str
        The engine that produced it.
    polygons : Polygons or None
        From the 2-D engine: every region's polygon, vertices in order (for plots).
    input_slice : Plane, Segment or None
        The slice of the input space the partition lives on; then :attr:`network` is the
        network restricted to it and :attr:`input_network` the original one.
    """

    def __init__(self, network: Network, domain, patterns: np.ndarray,
                 interior_points: np.ndarray, radii: np.ndarray, *, halfspaces, scale: float,
                 tolerance: Tolerance, backend: str, method: str, seconds: float,
                 lp_stats: LPStats, frame: Frame | None = None, adjacency=None,
                 is_bounded: np.ndarray | None = None, polygons=None, input_slice=None,
                 input_network: Network | None = None):
        self.network = network
        self.domain = domain
        self.patterns = patterns
        self.interior_points = interior_points
        self.radii = radii
        self._A0, self._b0 = halfspaces
        self.scale = scale
        self.tolerance = tolerance
        self.backend = backend
        self.method = method
        self.seconds = seconds
        self.lp_stats = lp_stats
        self.graph_lp_stats = LPStats()
        self.frame = frame if frame is not None else Frame(np.zeros(network.n_in), 1.0)
        # Engines that know more (the 2-D and 1-D ones) fill these cached values.
        if adjacency is not None:
            self.__dict__["adjacency"] = adjacency
        if is_bounded is not None:
            self.__dict__["is_bounded"] = is_bounded
        self.polygons = polygons
        self.input_slice = input_slice
        self.input_network = network if input_network is None else input_network

    @property
    def input_points(self) -> np.ndarray:
        """The interior points in the network's input space, ndarray (n_regions, n_in).

        For a partition of a slice (:class:`~plregions.Plane` or
        :class:`~plregions.Segment`) :attr:`interior_points` are in the slice's
        coordinates and these are their images; otherwise the two are the same.
        """
        if self.input_slice is None:
            return self.interior_points
        return self.input_slice.to_input(self.interior_points)

    # -- basic access --------------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.patterns.shape[0])

    @property
    def n_regions(self) -> int:
        """Number of activation regions."""
        return len(self)

    def __getitem__(self, index: int) -> Region:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"region {index} out of range for {n} regions")
        return Region(self, int(index) % n)

    def __iter__(self):
        return (Region(self, i) for i in range(len(self)))

    def __repr__(self) -> str:
        dom = f"R^{self.network.n_in}" if self.domain is None else repr(self.domain)
        if self.input_slice is not None:
            dom = repr(self.input_slice)
        return f"Partition({len(self)} activation regions of {self.network.architecture} on {dom})"

    @property
    def n_neurons(self) -> int:
        return self.network.n_neurons

    def activation_pattern(self, index: int) -> np.ndarray:
        """The bool pattern of one region, shape (n_neurons,)."""
        return np.unpackbits(self.patterns[index], count=self.n_neurons).astype(bool)

    @property
    def activation_patterns(self) -> np.ndarray:
        """All patterns unpacked: bool ndarray of shape (n_regions, n_neurons)."""
        return np.unpackbits(self.patterns, axis=1, count=self.n_neurons).astype(bool)

    @cached_property
    def neuron_layers(self) -> np.ndarray:
        """ndarray of int, shape (n_neurons,): the hidden layer of each neuron."""
        net = self.network
        return np.concatenate([np.full(net.neuron_slice(i).stop - net.neuron_slice(i).start, i)
                               for i in range(len(net.hidden))] or [np.zeros(0)]).astype(np.int64)

    @cached_property
    def _index(self) -> dict[bytes, int]:
        return {row.tobytes(): i for i, row in enumerate(self.patterns)}

    def index_of(self, pattern) -> int:
        """Index of the region with this activation pattern, or -1 if there is none."""
        packed = np.packbits(np.asarray(pattern, dtype=bool))
        return self._index.get(packed.tobytes(), -1)

    def find(self, X) -> np.ndarray:
        """Region index of each point (-1 on a boundary or outside the domain).

        Parameters
        ----------
        X : array_like of shape (n, n_in)

        Returns
        -------
        ndarray of int, shape (n,)
        """
        X = self.network.check_inputs(X)
        pats = np.packbits(self.network.activation_patterns(X), axis=1)
        out = np.array([self._index.get(p.tobytes(), -1) for p in pats], dtype=np.int64)
        if self._A0.shape[0]:
            outside = np.any(X @ self._A0.T >= self._b0, axis=1)
            out[outside] = -1
        zs = self.network.preactivations(X)
        touching = np.zeros(X.shape[0], dtype=bool)
        for z, layer in zip(zs, self.network.hidden):
            touching |= np.any(z[:, layer.is_neuron] == 0, axis=1)
        # A pre-activation exactly 0 is a boundary unless it is identically 0 on the
        # region (a dead neuron makes no boundary): check those few points exactly.
        for p in np.flatnonzero(touching & (out >= 0)):
            rows = self.region_rows(int(out[p]))
            if np.any(rows.A[rows.labels >= 0] @ X[p] >= rows.b[rows.labels >= 0]):
                out[p] = -1
        # A pattern found nowhere may come from rounding noise on a neuron that is
        # identically zero on the point's region: redo those points on exact forms.
        inside = np.ones(X.shape[0], dtype=bool)
        if self._A0.shape[0]:
            inside = ~np.any(X @ self._A0.T >= self._b0, axis=1)
        for p in np.flatnonzero((out < 0) & inside & ~touching):
            pattern, on_boundary = point_pattern(self.network, X[p], self.tolerance)
            if not on_boundary:
                out[p] = self.index_of(pattern)
        return out

    def region_rows(self, index: int) -> RegionRows:
        """Halfspaces of region ``index`` in input coordinates."""
        return region_rows(self.network, self.activation_pattern(index), self._A0, self._b0,
                           self.tolerance)

    @cached_property
    def _frame_problem(self):
        A, b = self.frame.halfspaces(self._A0, self._b0)
        return self.frame.network(self.network, self.tolerance), A, b

    def iter_frame_rows(self, indices=None):
        """:meth:`frame_rows` of many regions (all by default), computed in chunks."""
        net, A, b = self._frame_problem
        patterns = self.activation_patterns if indices is None else np.unpackbits(
            self.patterns[np.asarray(indices, dtype=np.int64)], axis=1,
            count=self.n_neurons).astype(bool)
        return iter_region_rows(net, patterns, A, b, self.tolerance)

    def frame_rows(self, index: int) -> RegionRows:
        """Halfspaces of region ``index`` in the engine's unit frame (see :class:`Frame`)."""
        net, A, b = self._frame_problem
        return region_rows(net, self.activation_pattern(index), A, b, self.tolerance)

    # -- derived per-region data ---------------------------------------------------------
    @cached_property
    def output_maps(self) -> tuple[np.ndarray, np.ndarray]:
        """The affine output map of every region.

        Returns
        -------
        (A, c) : ndarray of shape (n_regions, n_out, n_in) and (n_regions, n_out)
        """
        return _output_maps(self.network, self.activation_patterns)

    @cached_property
    def is_bounded(self) -> np.ndarray:
        """bool ndarray of shape (n_regions,): whether each region's closure is bounded.

        Every region of a box or bounded polytope is bounded; in all of R^d (or an
        unbounded polyhedron) one LP per region decides.
        """
        if self.domain is not None and getattr(self.domain, "is_bounded", False):
            return np.ones(len(self), dtype=bool)
        return np.array([
            recession_cone_is_zero(rows.A, self.tolerance.facet, self.backend,
                                   self.graph_lp_stats)
            for rows in self.iter_frame_rows()], dtype=bool)

    @property
    def n_bounded_regions(self) -> int:
        """Number of activation regions with a bounded closure."""
        return int(self.is_bounded.sum())

    # -- facets and adjacency ------------------------------------------------------------
    def region_facets(self, index: int) -> list[Facet]:
        """All facets of one region (LP per candidate hyperplane)."""
        from plregions.partition.adjacency import region_facets

        return region_facets(self, index)

    @cached_property
    def adjacency(self):
        """The region graph's edges: see :class:`plregions.partition.adjacency.Adjacency`."""
        from plregions.partition.adjacency import compute_adjacency

        return compute_adjacency(self)

    @property
    def edges(self) -> np.ndarray:
        """ndarray of int, shape (n_edges, 2): facet-adjacent pairs ``i < j``."""
        return self.adjacency.edges

    @cached_property
    def linear_region_labels(self) -> np.ndarray:
        """ndarray of int, shape (n_regions,): the linear region of each activation region.

        Linear regions (DESIGN.md section 1) are the connected components left after
        merging facet-adjacent regions whose affine output maps are equal.
        """
        from plregions.partition.adjacency import linear_region_labels

        return linear_region_labels(self)

    @property
    def n_linear_regions(self) -> int:
        """Number of linear regions (maximal connected sets where the network is affine)."""
        if len(self) == 0:
            return 0
        return int(self.linear_region_labels.max() + 1)


OUTPUT_MAP_CHUNK = 4096
"""Regions whose output maps are composed together (bounds the working memory)."""


def _output_maps(net: Network, patterns: np.ndarray, order: str | None = None):
    """Output maps ``(A, c)`` of many patterns at once.

    Each region's map is a product of the layers' weights with the slopes its pattern
    selects. The product is formed from the side whose running factor is smaller: from
    the input (``n_in + 1`` columns per unit) or from the output (``n_out`` rows), with
    one matrix product per layer for a whole chunk of regions.

    ``order`` (``"input"`` or ``"output"``) overrides that choice, for tests.
    """
    n, d, n_out = patterns.shape[0], net.n_in, net.output.n_out
    if order is None:
        order = "output" if n_out < d + 1 else "input"
    compose = _maps_from_output if order == "output" else _maps_from_input
    A = np.empty((n, n_out, d))
    c = np.empty((n, n_out))
    for start in range(0, n, OUTPUT_MAP_CHUNK):
        stop = min(n, start + OUTPUT_MAP_CHUNK)
        A[start:stop], c[start:stop] = compose(net, patterns[start:stop])
    return A, c


def _maps_from_input(net: Network, patterns: np.ndarray):
    """Input to output: every unit's affine form ``(m, n_units, d + 1)``, layer by layer."""
    m, d = patterns.shape[0], net.n_in
    Z = np.zeros((d, m, d + 1))  # unit-major, so each layer is one matrix product
    Z[np.arange(d), :, np.arange(d)] = 1.0
    for index, layer in enumerate(net.hidden):
        Z = (layer.weight @ Z.reshape(Z.shape[0], -1)).reshape(layer.n_out, m, d + 1)
        Z[:, :, d] += layer.bias[:, None]
        Z *= layer.slopes(patterns[:, net.neuron_slice(index)]).T[:, :, None]
    out = (net.output.weight @ Z.reshape(Z.shape[0], -1)).reshape(-1, m, d + 1)
    out[:, :, d] += net.output.bias[:, None]
    out = out.transpose(1, 0, 2)
    return out[:, :, :d], out[:, :, d]


def _maps_from_output(net: Network, patterns: np.ndarray):
    """Output to input: the row vectors ``(m, n_out, n_units)`` that map each layer's
    units to the outputs, and the constant they collect on the way."""
    m = patterns.shape[0]
    R = np.broadcast_to(net.output.weight, (m, *net.output.weight.shape))
    c = np.broadcast_to(net.output.bias, (m, net.output.n_out)).copy()
    for index in range(len(net.hidden) - 1, -1, -1):
        layer = net.hidden[index]
        R = R * layer.slopes(patterns[:, net.neuron_slice(index)])[:, None, :]
        c += R @ layer.bias
        R = (R.reshape(-1, layer.n_out) @ layer.weight).reshape(m, -1, layer.n_in)
    return R, c


def group_rows(rows: RegionRows, scale: float, tol: Tolerance):
    """Group a region's rows that lie on one hyperplane with the same orientation."""
    return group_hyperplanes(rows.A, -rows.b, scale, tol.parallel, oriented=True)

