"""Exceptions raised by plregions.

Every error raised on purpose derives from :class:`PLRegionsError` and also from the
builtin exception a caller would naturally catch (``ValueError`` for bad input,
``NotImplementedError`` for unsupported layers, ``ImportError`` for a missing optional
dependency, ``RuntimeError`` for a solver that gave no answer or an enumeration stopped at
its ``max_regions`` limit).
"""

from __future__ import annotations

import operator

__all__ = [
    "PLRegionsError",
    "InvalidNetworkError",
    "InvalidDomainError",
    "InvalidArgumentError",
    "UnsupportedLayerError",
    "MissingDependencyError",
    "SolverError",
    "RegionLimitError",
    "PLRegionsWarning",
    "ResolutionWarning",
    "EngineFallbackWarning",
]


class PLRegionsError(Exception):
    """Base class of every error raised by plregions."""


class InvalidNetworkError(PLRegionsError, ValueError):
    """A network's arrays do not describe a valid piecewise-linear network."""


class InvalidDomainError(PLRegionsError, ValueError):
    """A domain (box, polytope, plane, segment) is empty, degenerate or mismatched."""


class InvalidArgumentError(PLRegionsError, ValueError):
    """An option (method, backend, tolerance, ...) has a value that is not allowed."""


class UnsupportedLayerError(PLRegionsError, NotImplementedError):
    """A model holds layers or operations that are not piecewise linear.

    Parameters
    ----------
    unsupported : list of str
        One entry per offending layer or operation, naming it as the model does.
    message : str
        The full explanation.
    """

    def __init__(self, message: str, unsupported: list[str] | None = None):
        super().__init__(message)
        self.unsupported = list(unsupported or [])


class MissingDependencyError(PLRegionsError, ImportError):
    """An optional dependency is needed; the message names the pip extra to install."""


class SolverError(PLRegionsError, RuntimeError):
    """Every LP solver tried stopped without a reliable answer."""


class RegionLimitError(PLRegionsError, RuntimeError):
    """An enumeration stopped: the domain holds more regions than ``max_regions``.

    No count is returned in that case, never a truncated one.

    Parameters
    ----------
    reason : str
        What was found, without the remedies, e.g. ``"stopped after finding 51
        activation regions in all of R^64"`` (front ends add their own remedies).
    n_found : int
        Regions known to exist when the enumeration stopped (found so far, or a proven
        lower bound); always ``> max_regions``.
    max_regions : int
        The limit.
    """

    def __init__(self, reason: str, n_found: int, max_regions: int):
        super().__init__(
            f"{reason}, more than max_regions={max_regions}; no count is returned. To get "
            "one, give a smaller domain (plr.Box(lower, upper)), a 2-D plr.Plane or "
            "1-D plr.Segment slice, or a larger max_regions (None: no limit)")
        self.reason = reason
        self.n_found = n_found
        self.max_regions = max_regions

    def __reduce__(self):
        return type(self), (self.reason, self.n_found, self.max_regions)


class PLRegionsWarning(UserWarning):
    """A result is right by plregions' definitions but may not be what was meant."""


class ResolutionWarning(PLRegionsWarning):
    """Many regions found are close to the tolerance's resolution at the domain's scale.

    A region exists only if it holds a ball of radius above ``tolerance.radius * scale``
    (see :class:`~plregions.Tolerance`); when many of those found are only a few times
    larger, smaller ones probably exist and are not counted, and a larger domain (a
    larger scale) resolves fewer of them.
    """


class EngineFallbackWarning(PLRegionsWarning):
    """The exact 2-D engine declined a domain, and the general engine (slower by orders
    of magnitude) ran instead."""


def check_max_regions(max_regions) -> int | None:
    """``max_regions`` (of partition, count_regions, analyze, affine_pieces) as an int,
    or None (no limit)."""
    if max_regions is None:
        return None
    try:
        if isinstance(max_regions, bool):
            raise TypeError
        limit = operator.index(max_regions)
    except TypeError:
        raise InvalidArgumentError(
            f"max_regions must be a positive integer or None (no limit), got "
            f"{max_regions!r} of type {type(max_regions).__name__}") from None
    if limit < 1:
        raise InvalidArgumentError(
            f"max_regions = {limit}; it must be >= 1, or None for no limit")
    return limit


def missing_dependency(package: str, extra: str, purpose: str) -> MissingDependencyError:
    """Build the error raised when an optional package cannot be imported."""
    return MissingDependencyError(
        f"{purpose} needs the optional package {package!r}, which is not installed; "
        f"install it with: pip install 'plregions[{extra}]'"
    )
