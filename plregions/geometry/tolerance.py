"""The one tolerance object of plregions (DESIGN.md section 3)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Tolerance", "DEFAULT_TOLERANCE"]


@dataclass(frozen=True)
class Tolerance:
    """Numerical thresholds, each relative to the scale of the problem.

    All halfspaces are stored with unit-norm normals, so radii and margins are distances
    in input space. ``scale`` is the size of the domain (half the largest side of a box,
    or 1 for all of R^d, or larger when the network's hyperplanes sit far away); every
    distance threshold below is multiplied by it.

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
            if not (0 < value < 1e-2):
                raise ValueError(
                    f"Tolerance.{name} = {value!r}; it must be a small positive number "
                    "(between 0 and 1e-2)"
                )


DEFAULT_TOLERANCE = Tolerance()
