"""Slices of the input space: segments and planes, domains of dimension 1 and 2.

A slice is the image of an affine map ``p -> origin + M @ p`` from a parameter space
(``R`` for a segment, ``R^2`` for a plane) into the network's input space. Restricting a
network to a slice is precomposition with that map
(:func:`plregions.network.restriction.restrict_network`); its regions are then computed in
the slice's own coordinates, and mapped back with :meth:`Plane.to_input` or
:meth:`Segment.to_input`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidArgumentError, InvalidDomainError
from plregions.geometry.domains import Box, check_not_missing
from plregions.geometry.tolerance import DEFAULT_TOLERANCE

__all__ = ["Segment", "Plane"]


def _point(value, name: str) -> np.ndarray:
    """A finite float64 vector (image-like arrays flattened in C order), read-only."""
    check_not_missing(value, name)
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise InvalidDomainError(f"{name}: cannot be read as a float array ({err})") from None
    if raw.dtype.kind not in "biuf":
        # Objects such as Fraction and numeric strings convert; complex numbers do not.
        try:
            if raw.dtype.kind not in "OUS":
                raise TypeError
            raw = raw.astype(np.float64)
        except (TypeError, ValueError):
            raise InvalidDomainError(
                f"{name}: is not an array of real numbers (got {type(value).__name__} of "
                f"dtype {raw.dtype}); give one real coordinate per network input") from None
    arr = np.array(raw, dtype=np.float64)
    if arr.ndim == 0:
        arr = arr[None]
    if arr.ndim > 1:
        # Image-like inputs are flattened in C order, as the network does.
        arr = arr.reshape(-1)
    if arr.size == 0:
        raise InvalidDomainError(f"{name}: is empty; give one coordinate per network input")
    if not np.all(np.isfinite(arr)):
        raise InvalidDomainError(f"{name}: contains NaN or infinite values")
    return _read_only(arr)


def _read_only(arr: np.ndarray) -> np.ndarray:
    """``arr`` (a fresh array the slice owns), made read-only: slices are frozen, and a
    direction changed after validation could make them degenerate."""
    arr.setflags(write=False)
    return arr


def _norm(vec: np.ndarray) -> float:
    """Euclidean norm without overflow or underflow of the squares (1e-170, 1e200)."""
    biggest = float(np.abs(vec).max())
    if biggest == 0 or not np.isfinite(biggest):
        return biggest
    return biggest * float(np.linalg.norm(vec / biggest))


def _array(value, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(f"{what}: cannot be read as a float array ({err})") from None
    if not np.all(np.isfinite(arr)):
        raise InvalidArgumentError(f"{what}: contains NaN or infinite values")
    return arr


def _input_rows(X, d: int, what: str, n_params: int) -> np.ndarray:
    """Input points as an array of shape (n, d), the convention of ``Network.check_inputs``.

    ``(n, d)``, one point ``(d,)``, or ``(n, ...)`` with ``d`` entries per point (images,
    flattened in C order). Anything else is refused: a reshape would silently regroup
    the numbers into other points. ``n_params`` is the slice's dimension, named in the
    message when the points look like slice coordinates already.
    """
    arr = _array(X, what)
    if arr.ndim == 1 and arr.size == d:
        return arr[None, :]
    if arr.ndim >= 2 and int(np.prod(arr.shape[1:])) == d:
        return arr.reshape(arr.shape[0], d)
    shape = tuple(arr.shape)
    found = f"has {shape[1]} columns" if arr.ndim == 2 else f"has shape {shape}"
    hint = ""
    if arr.ndim == 2 and shape[1] == n_params:
        hint = "; points in slice coordinates need no projection"
    elif arr.ndim == 2 and arr.size == d:
        hint = f"; one image of shape {shape} is X[None] or X.reshape(1, -1)"
    raise InvalidArgumentError(
        f"{what}: X {found} but the slice lies in R^{d}; give input points as an array of "
        f"shape (n, {d}), one column per network input (or (n, ...) arrays of {d} entries "
        f"per point, flattened in C order){hint}")


def _same_length(named: dict[str, np.ndarray], what: str) -> int:
    sizes = {name: arr.size for name, arr in named.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name} has {size}" for name, size in sizes.items())
        raise InvalidDomainError(
            f"{what}: {listed} entries; all must have one entry per network input"
        )
    return next(iter(sizes.values()))


@dataclass(frozen=True, eq=False)
class Segment:
    """The segment ``{start + s (end - start) : 0 <= s <= 1}`` of the input space.

    A one-dimensional domain: ``plr.partition(net, segment)`` gives the activation
    regions met by the segment, as intervals of the parameter ``s``.

    Parameters
    ----------
    start, end : array_like with n_in entries
        Its end points in the input space: vectors of shape (n_in,), or arrays of any
        shape with n_in entries such as one (8, 8) image, flattened in C order (so
        ``Segment(image_a, image_b)`` works where :func:`plregions.region_at` wants
        ``image.reshape(-1)`` or ``image[None]``). They must differ.

    Examples
    --------
    >>> import plregions as plr
    >>> seg = plr.Segment([0.0, 0.0], [2.0, 0.0])
    >>> seg.to_input([0.5]).tolist()
    [[1.0, 0.0]]
    >>> seg.project([[1.5, 3.0]]).tolist(), seg.distance([[1.5, 3.0]]).tolist()
    ([0.75], [3.0])
    """

    start: np.ndarray
    end: np.ndarray

    def __init__(self, start, end):
        start = _point(start, "Segment start")
        end = _point(end, "Segment end")
        _same_length({"start": start, "end": end}, "Segment")
        if np.array_equal(start, end):
            raise InvalidDomainError(
                f"Segment has zero length (start and end are both {start.tolist()!r}); "
                "give two different points"
            )
        with np.errstate(over="ignore"):
            step = end - start
        if not np.all(np.isfinite(step)):
            raise InvalidDomainError(
                "Segment: end - start overflows float64 (coordinates up to "
                f"{float(max(np.abs(start).max(), np.abs(end).max())):.3g}); give end points "
                "nearer each other, or rescale the inputs")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def dim(self) -> int:
        """Dimension of the slice: 1."""
        return 1

    @property
    def ambient_dim(self) -> int:
        """Dimension of the input space the segment lies in."""
        return int(self.start.size)

    @property
    def length(self) -> float:
        """Euclidean length in the input space."""
        return _norm(self.end - self.start)

    @property
    def bounds(self) -> np.ndarray:
        """ndarray of shape (1, 2): the parameter range ``[[0, 1]]``."""
        return np.array([[0.0, 1.0]])

    def affine_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(M, c)`` with ``x = M @ [s] + c``: ndarray (n_in, 1) and (n_in,)."""
        return (self.end - self.start)[:, None], self.start.copy()

    def parameter_domain(self) -> Box:
        """The parameter interval ``[0, 1]`` as a 1-D :class:`Box`."""
        return Box([0.0], [1.0])

    def to_input(self, s) -> np.ndarray:
        """Input-space points of parameters ``s``.

        Parameters
        ----------
        s : float or array_like of shape (n,) or (n, 1)

        Returns
        -------
        ndarray of shape (n, n_in)
        """
        s = _array(s, "Segment.to_input")
        if s.ndim == 2 and s.shape[1] == 1:
            s = s[:, 0]
        elif s.ndim == 0:
            s = s[None]
        elif s.ndim != 1:
            raise InvalidArgumentError(
                f"Segment.to_input: s has shape {tuple(s.shape)}; give the parameters as an "
                "array of shape (n,) (or (n, 1)), one number per point")
        return self.start + s[:, None] * (self.end - self.start)

    def project(self, X) -> np.ndarray:
        """Parameters ``s`` of the orthogonal projections of input points on the line.

        ``s`` is not clipped: points beyond the ends get ``s < 0`` or ``s > 1``.

        Parameters
        ----------
        X : array_like of shape (n, n_in)
            Or one point of shape (n_in,), or (n, ...) images with n_in pixels each
            (flattened in C order, as the network does).

        Returns
        -------
        ndarray of shape (n,)
        """
        X = _input_rows(X, self.ambient_dim, "Segment.project", 1)
        step = self.end - self.start
        length = self.length
        return ((X - self.start) @ (step / length)) / length

    def distance(self, X) -> np.ndarray:
        """Euclidean distances of input points (as in :meth:`project`) to the segment's line.

        Returns
        -------
        ndarray of shape (n,)
        """
        X = _input_rows(X, self.ambient_dim, "Segment.distance", 1)
        return np.linalg.norm(X - self.to_input(self.project(X)), axis=1)

    def __repr__(self) -> str:
        if self.ambient_dim <= 4:
            return f"Segment(start={self.start.tolist()}, end={self.end.tolist()})"
        return f"Segment(in R^{self.ambient_dim}, length={self.length:.4g})"


@dataclass(frozen=True, eq=False)
class Plane:
    """The plane ``{origin + s u + t v}`` of the input space, optionally bounded.

    A two-dimensional domain: ``plr.partition(net, plane)`` gives the activation regions
    met by the plane as convex polygons in the coordinates ``(s, t)``.

    Parameters
    ----------
    origin, u, v : array_like with n_in entries
        A point of the plane and two directions spanning it: vectors of shape (n_in,), or
        arrays of any shape with n_in entries such as one (8, 8) image, flattened in C
        order. ``u`` and ``v`` must be non-zero and not parallel.
    bounds : ((s_lo, s_hi), (t_lo, t_hi)), optional
        The rectangle of parameters kept, with ``lo < hi``. ``None`` (the default) is the
        whole plane.

    Attributes
    ----------
    anchors : ndarray of shape (3, 2) or None
        For a plane built by :meth:`through`, the ``(s, t)`` coordinates of its three
        defining points.

    Examples
    --------
    >>> import plregions as plr
    >>> plane = plr.Plane([0, 0, 1], [1, 0, 0], [0, 1, 0], bounds=((-1, 1), (-1, 1)))
    >>> plane.to_input([[0.5, -0.5]]).tolist()
    [[0.5, -0.5, 1.0]]
    >>> plane.area
    4.0
    >>> plane.project([[0.5, -0.5, 3.0]]).tolist(), plane.distance([[0.5, -0.5, 3.0]]).tolist()
    ([[0.5, -0.5]], [2.0])

    Points are rows; a single point may be a vector. Other shapes are refused rather than
    regrouped:

    >>> plane.project([[0.5, -0.5]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    plregions.errors.InvalidArgumentError: Plane.project: X has 2 columns but the slice ...
    """

    origin: np.ndarray
    u: np.ndarray
    v: np.ndarray
    bounds: np.ndarray | None
    anchors: np.ndarray | None

    def __init__(self, origin, u, v, bounds=None, *, anchors=None):
        origin = _point(origin, "Plane origin")
        u = _point(u, "Plane u")
        v = _point(v, "Plane v")
        _same_length({"origin": origin, "u": u, "v": v}, "Plane")
        if origin.size < 2:
            raise InvalidDomainError(
                "a Plane needs an input space of 2 or more dimensions, got points with 1 "
                "entry; for a 1-input network use plr.Segment(a, b) or plr.Box([lo], [hi])"
            )
        for name, vec in (("u", u), ("v", v)):
            if not np.any(vec != 0):
                raise InvalidDomainError(
                    f"Plane {name} is the zero vector; give two non-zero, non-parallel "
                    "directions u and v"
                )
        sine = _sine(u, v)
        if not sine > DEFAULT_TOLERANCE.parallel:
            raise InvalidDomainError(
                f"Plane u and v are parallel (the sine of their angle is {sine:.3g}); they "
                "must span a plane"
            )
        if bounds is not None:
            bounds = _read_only(_bounds(bounds))
        if anchors is not None:
            anchors = _read_only(np.array(anchors, dtype=np.float64))
        object.__setattr__(self, "origin", origin)
        object.__setattr__(self, "u", u)
        object.__setattr__(self, "v", v)
        object.__setattr__(self, "bounds", bounds)
        object.__setattr__(self, "anchors", anchors)

    @classmethod
    def through(cls, p1, p2, p3, margin: float = 0.1) -> Plane:
        """The plane through three points, bounded around them.

        The coordinates are orthonormal (distances in ``(s, t)`` are distances in the
        input space): ``p1`` is the origin, ``u`` points from ``p1`` to ``p2`` and ``v`` is
        the unit direction of ``p3 - p1`` orthogonal to ``u``. The bounds are the smallest
        rectangle holding the three points, widened on every side by ``margin`` times its
        larger side.

        Parameters
        ----------
        p1, p2, p3 : array_like with n_in entries each
            Three points that are not collinear: vectors of shape (n_in,), or arrays of
            any shape with n_in entries, such as three (8, 8) images, each flattened in C
            order.
        margin : float
            Non-negative.

        Examples
        --------
        >>> import plregions as plr
        >>> plane = plr.Plane.through([0, 0, 0], [2, 0, 0], [0, 1, 0], margin=0.5)
        >>> plane.anchors.tolist()
        [[0.0, 0.0], [2.0, 0.0], [0.0, 1.0]]
        >>> plane.bounds.tolist()
        [[-1.0, 3.0], [-1.0, 2.0]]
        """
        p1 = _point(p1, "Plane.through p1")
        p2 = _point(p2, "Plane.through p2")
        p3 = _point(p3, "Plane.through p3")
        _same_length({"p1": p1, "p2": p2, "p3": p3}, "Plane.through")
        try:
            margin = float(margin)
        except (TypeError, ValueError):
            raise InvalidDomainError(f"Plane.through margin must be a number, got {margin!r}") \
                from None
        if not (margin >= 0 and np.isfinite(margin)):
            raise InvalidDomainError(f"Plane.through margin = {margin!r}; it must be >= 0")
        a, b = p2 - p1, p3 - p1
        na, nb = _norm(a), _norm(b)
        size = max(na, nb, _norm(p3 - p2))
        if size == 0 or na == 0 or nb == 0:
            raise InvalidDomainError(
                "Plane.through: two of the points p1, p2, p3 coincide; give three points "
                "that are not collinear"
            )
        u = a / na
        w = b - (b @ u) * u
        nw = _norm(w)
        if not nw > DEFAULT_TOLERANCE.parallel * nb:
            raise InvalidDomainError(
                "Plane.through: the points p1, p2, p3 are collinear (p3 lies on the line "
                "through p1 and p2); give three points that span a plane"
            )
        v = w / nw
        anchors = np.array([[0.0, 0.0], [na, 0.0], [b @ u, nw]])
        lo, hi = anchors.min(axis=0), anchors.max(axis=0)
        pad = margin * float((hi - lo).max())
        bounds = np.stack([lo - pad, hi + pad], axis=1)
        return cls(p1, u, v, bounds, anchors=anchors)

    @property
    def dim(self) -> int:
        """Dimension of the slice: 2."""
        return 2

    @property
    def ambient_dim(self) -> int:
        """Dimension of the input space the plane lies in."""
        return int(self.origin.size)

    @property
    def is_bounded(self) -> bool:
        return self.bounds is not None

    @property
    def area(self) -> float:
        """Area of the parameter rectangle (``inf`` for the whole plane)."""
        if self.bounds is None:
            return float("inf")
        return float(np.prod(self.bounds[:, 1] - self.bounds[:, 0]))

    def affine_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(M, c)`` with ``x = M @ [s, t] + c``: ndarray (n_in, 2) and (n_in,)."""
        return np.stack([self.u, self.v], axis=1), self.origin.copy()

    def parameter_domain(self) -> Box | None:
        """The parameter rectangle as a 2-D :class:`Box`, or ``None`` for the whole plane."""
        if self.bounds is None:
            return None
        return Box(self.bounds[:, 0], self.bounds[:, 1])

    def to_input(self, st) -> np.ndarray:
        """Input-space points of parameters ``(s, t)``.

        Parameters
        ----------
        st : array_like of shape (n, 2), or (2,) for one point

        Returns
        -------
        ndarray of shape (n, n_in)
        """
        st = _array(st, "Plane.to_input")
        if st.shape == (2,):
            st = st[None, :]
        if st.ndim != 2 or st.shape[1] != 2:
            raise InvalidArgumentError(
                f"Plane.to_input: st has shape {tuple(st.shape)}; give the parameters as an "
                "array of shape (n, 2), one row (s, t) per point")
        M, c = self.affine_map()
        return st @ M.T + c

    def project(self, X) -> np.ndarray:
        """Coordinates ``(s, t)`` of the orthogonal projections of input points.

        The projection is on the whole plane: it may fall outside :attr:`bounds`, and a
        point far from the plane lands where a different region may be (see
        :meth:`distance`).

        Parameters
        ----------
        X : array_like of shape (n, n_in)
            Or one point of shape (n_in,), or (n, ...) images with n_in pixels each,
            such as (n, 8, 8) (flattened in C order, as the network does; one image is
            ``image[None]``). Any other shape is refused.

        Returns
        -------
        ndarray of shape (n, 2)
        """
        X = _input_rows(X, self.ambient_dim, "Plane.project", 2)
        M, c = self.affine_map()
        return np.linalg.lstsq(M, (X - c).T, rcond=None)[0].T

    def distance(self, X) -> np.ndarray:
        """Euclidean distances of input points (as in :meth:`project`) to the plane.

        To the whole plane, whatever its bounds.

        Returns
        -------
        ndarray of shape (n,)
        """
        X = _input_rows(X, self.ambient_dim, "Plane.distance", 2)
        return np.linalg.norm(X - self.to_input(self.project(X)), axis=1)

    def __repr__(self) -> str:
        where = (f"origin={self.origin.tolist()}, u={self.u.tolist()}, v={self.v.tolist()}"
                 if self.ambient_dim <= 4 else f"in R^{self.ambient_dim}")
        box = "" if self.bounds is None else f", bounds={self.bounds.tolist()}"
        return f"Plane({where}{box})"


def _sine(u: np.ndarray, v: np.ndarray) -> float:
    """Sine of the angle between two non-zero vectors, from unit vectors (no overflow or
    underflow of their squared lengths) as the length of the part of one orthogonal to
    the other (accurate for nearly parallel vectors, unlike ``sqrt(1 - cos^2)``)."""
    u_hat = u / _norm(u)
    v_hat = v / _norm(v)
    return _norm(v_hat - (u_hat @ v_hat) * u_hat)


def _bounds(bounds) -> np.ndarray:
    try:
        arr = np.array(bounds, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidDomainError(f"Plane bounds: cannot be read as numbers ({err})") from None
    if arr.shape != (2, 2):
        raise InvalidDomainError(
            f"Plane bounds has shape {arr.shape}; give ((s_lo, s_hi), (t_lo, t_hi))"
        )
    if not np.all(np.isfinite(arr)):
        raise InvalidDomainError(
            "Plane bounds contains NaN or infinite values; for the whole plane pass bounds=None"
        )
    for axis, name in enumerate("st"):
        lo, hi = (float(v) for v in arr[axis])
        if not lo < hi:
            raise InvalidDomainError(
                f"Plane bounds for {name}: lo = {lo!r} >= hi = {hi!r}; give (lo, hi) with lo < hi"
            )
    return arr
