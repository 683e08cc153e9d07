"""Input domains: all of R^d (``None``), boxes and polytopes.

Each domain turns itself into unit-normal halfspaces ``A x <= b``; only what meets its
open interior counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidDomainError

__all__ = ["Box", "Polytope", "normalize_halfspaces"]


def normalize_halfspaces(A: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Scale every row of ``A x <= b`` to a unit normal; all-zero rows must be dropped first."""
    norms = np.linalg.norm(A, axis=1)
    return A / norms[:, None], b / norms


# The smallest scale float64 resolves at coordinates of size 1: a domain's scale is
# never below this times its largest coordinate (see Tolerance).
PRECISION_FLOOR = 1e-7


def check_not_missing(value, name: str) -> None:
    """Refuse ``None`` and arrays with a ``None`` entry, naming them (numpy would read
    ``None`` as NaN, and the message would speak of NaN)."""
    if value is None:
        raise InvalidDomainError(
            f"{name}: is missing (got None); give a number for every coordinate")
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        return  # the caller's conversion says what is wrong
    if raw.dtype == object and any(item is None for item in raw.reshape(-1)):
        raise InvalidDomainError(
            f"{name}: has a missing entry (None); give a number for every coordinate")


def _vector(value, name: str) -> np.ndarray:
    check_not_missing(value, name)
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidDomainError(f"{name}: cannot be read as a float array ({err})") from None
    if arr.ndim == 0:
        arr = arr[None]
    if arr.ndim != 1:
        raise InvalidDomainError(f"{name}: expected a 1-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidDomainError(f"{name}: contains NaN or infinite values")
    return arr


@dataclass(frozen=True, eq=False)
class Box:
    """The closed box ``lower <= x <= upper``.

    Parameters
    ----------
    lower, upper : array_like of shape (d,)
        ``lower[i] < upper[i]`` for every coordinate.

    Examples
    --------
    >>> import plregions as plr
    >>> plr.Box([-1, -1], [1, 1]).dim
    2
    """

    lower: np.ndarray
    upper: np.ndarray

    def __init__(self, lower, upper):
        lower = _vector(lower, "Box lower")
        upper = _vector(upper, "Box upper")
        if lower.shape != upper.shape:
            raise InvalidDomainError(
                f"Box lower has {lower.size} entries but upper has {upper.size}; "
                "give one bound per input coordinate"
            )
        bad = np.flatnonzero(~(lower < upper))
        if bad.size:
            i = int(bad[0])
            what = "zero width" if lower[i] == upper[i] else "lower > upper"
            raise InvalidDomainError(
                f"Box coordinate {i}: lower = {float(lower[i])!r}, upper = "
                f"{float(upper[i])!r} ({what}); "
                "every coordinate needs lower < upper (for a lower-dimensional domain use "
                "a Plane or Segment slice)"
            )
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def dim(self) -> int:
        return int(self.lower.size)

    @property
    def scale(self) -> float:
        """Half the largest side, floored at :data:`PRECISION_FLOOR` times the largest
        coordinate."""
        magnitude = max(np.abs(self.lower).max(), np.abs(self.upper).max())
        return float(max(np.max(self.upper - self.lower) / 2, PRECISION_FLOOR * magnitude))

    @property
    def is_bounded(self) -> bool:
        return True

    def halfspaces(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit-normal halfspaces ``A x <= b``: ndarray (2d, d) and (2d,)."""
        eye = np.eye(self.dim)
        return np.vstack([eye, -eye]), np.concatenate([self.upper, -self.lower])

    def volume(self) -> float:
        return float(np.prod(self.upper - self.lower))

    def __repr__(self) -> str:
        return f"Box(lower={self.lower.tolist()}, upper={self.upper.tolist()})"


@dataclass(frozen=True, eq=False)
class Polytope:
    """The closed polytope ``{x : A x <= b}`` with non-empty interior.

    Parameters
    ----------
    A : array_like of shape (m, d)
    b : array_like of shape (m,)
    """

    A: np.ndarray
    b: np.ndarray

    def __init__(self, A, b):
        try:
            A = np.array(A, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise InvalidDomainError(
                f"Polytope A: cannot be read as a float array ({err})") from None
        b = _vector(b, "Polytope b")
        if A.ndim != 2:
            raise InvalidDomainError(f"Polytope A: expected shape (m, d), got {A.shape}")
        if A.shape[0] != b.size:
            raise InvalidDomainError(
                f"Polytope A has {A.shape[0]} rows but b has {b.size} entries; "
                "give one bound per row"
            )
        if not np.all(np.isfinite(A)):
            raise InvalidDomainError("Polytope A: contains NaN or infinite values")
        norms = np.linalg.norm(A, axis=1)
        zero = norms == 0
        if np.any(zero & (b < 0)):
            raise InvalidDomainError(
                f"Polytope row {int(np.flatnonzero(zero & (b < 0))[0])} reads 0 <= b with "
                "b < 0: the polytope is empty"
            )
        A, b = A[~zero], b[~zero]
        A, b = normalize_halfspaces(A, b)
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "b", b)
        if A.shape[0] == 0:
            raise InvalidDomainError("Polytope has no constraint; use domain=None for all of R^d")
        magnitude = float(max(1.0, np.abs(b).max()))
        center, radius = _chebyshev_center(A, b, magnitude)
        if radius <= 1e-9 * magnitude:
            raise InvalidDomainError(
                "Polytope has an empty interior (its largest inscribed ball has radius "
                f"{max(radius, 0.0):.3g}); for a lower-dimensional domain use a Plane or "
                "Segment slice"
            )
        object.__setattr__(self, "center", center)
        object.__setattr__(self, "radius", radius)
        bounded = _positively_spanning(A)
        object.__setattr__(self, "is_bounded", bounded)
        floor = PRECISION_FLOOR * max(magnitude, float(np.abs(center).max()))
        object.__setattr__(self, "_scale", max(min(radius, magnitude), floor))

    @property
    def dim(self) -> int:
        return int(self.A.shape[1])

    @property
    def scale(self) -> float:
        """The inscribed radius (at most the largest |b|), floored like :attr:`Box.scale`."""
        return self._scale

    def halfspaces(self) -> tuple[np.ndarray, np.ndarray]:
        """Unit-normal halfspaces ``A x <= b`` (all-zero rows removed)."""
        return self.A, self.b

    def __repr__(self) -> str:
        return f"Polytope({self.A.shape[0]} halfspaces in R^{self.dim})"


def _positively_spanning(A: np.ndarray) -> bool:
    """Whether ``{y : A y <= 0} = {0}`` (the polytope is bounded), by one HiGHS LP."""
    from scipy.optimize import linprog

    k, d = A.shape
    if k <= d or np.linalg.matrix_rank(A) < d:
        return False
    # max t  s.t.  A^T lam = 0, lam_i >= t, sum(lam) <= 1
    c = np.zeros(k + 1)
    c[-1] = -1.0
    G = np.hstack([-np.eye(k), np.ones((k, 1))])
    G = np.vstack([G, np.r_[np.ones(k), 0.0]])
    h = np.r_[np.zeros(k), 1.0]
    res = linprog(c, A_ub=G, b_ub=h, A_eq=np.hstack([A.T, np.zeros((d, 1))]), b_eq=np.zeros(d),
                  bounds=[(None, None)] * k + [(None, 1.0)], method="highs")
    return bool(res.status == 0 and -res.fun > 1e-12)


def _chebyshev_center(A: np.ndarray, b: np.ndarray, scale: float) -> tuple[np.ndarray, float]:
    """Largest inscribed ball of a polytope, by one HiGHS LP (validation only)."""
    from scipy.optimize import linprog

    m, d = A.shape
    cap = 1e6 * scale
    c = np.zeros(d + 1)
    c[-1] = -1.0
    res = linprog(c, A_ub=np.hstack([A, np.ones((m, 1))]), b_ub=b,
                  bounds=[(None, None)] * d + [(-cap, cap)], method="highs")
    if res.status != 0:
        raise InvalidDomainError(f"Polytope: could not find an interior point ({res.message})")
    return res.x[:d], float(res.x[-1])
