"""The one tolerance object of plregions (DESIGN.md section 3)."""

from __future__ import annotations

from dataclasses import dataclass

from plregions.errors import InvalidArgumentError

__all__ = ["Tolerance", "DEFAULT_TOLERANCE"]


@dataclass(frozen=True)
class Tolerance:
    """Numerical thresholds, each relative to the scale of the problem.

    All halfspaces are stored with unit-norm normals, so radii and margins are distances
    in input space. Every distance threshold below is multiplied by the domain's
    ``scale``: half the largest side of a box, the inscribed radius of a polytope, 1 for
    all of R^d (partition a box to analyse a network whose geometry lives at another
    scale) and 1 in the input space for a whole :class:`~plregions.Plane` (in its
    coordinates, 1 over the largest singular value of ``[u v]``); it is never below
    ``1e-7`` times the largest coordinate of the domain, the precision floor of float64
    arithmetic there. A region smaller than that is not counted, so a domain much larger
    than the network's regions resolves fewer of them: ``plr.partition`` then warns
    (:class:`~plregions.ResolutionWarning`). A form whose coefficients cancel to less
    than ``parallel`` times the size of the terms that made them is identically zero.

    Attributes
    ----------
    radius : float
        A region exists only if it holds a ball of radius ``> radius * scale``
        (its certified Chebyshev radius).
    facet : float
        A facet exists only if a point of its hyperplane satisfies every other constraint
        with margin ``> facet * scale``.
    parallel : float
        Two unit-normal halfspaces ``(a, b)`` and ``(a', b')`` lie on one hyperplane when
        ``max(|a - a'|, |b - b'| / scale) <= parallel`` (or the same with ``-a'``).
    affine_map : float
        Two affine output maps are equal (for linear regions) when every coefficient
        differs by at most ``affine_map`` times the largest coefficient of the two.
    """

    radius: float = 1e-9
    facet: float = 1e-9
    parallel: float = 1e-9
    affine_map: float = 1e-9

    def __post_init__(self):
        for name in ("radius", "facet", "parallel", "affine_map"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0 < value < 1e-2):
                raise InvalidArgumentError(
                    f"Tolerance.{name} = {value!r}; it must be a small positive number "
                    "(between 0 and 1e-2)"
                )


DEFAULT_TOLERANCE = Tolerance()
