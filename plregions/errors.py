"""Exceptions raised by plregions.

Every error raised on purpose derives from :class:`PLRegionsError` and also from the
builtin exception a caller would naturally catch (``ValueError`` for bad input,
``NotImplementedError`` for unsupported layers, ``ImportError`` for a missing optional
dependency, ``RuntimeError`` for a solver that gave no answer).
"""

from __future__ import annotations

__all__ = [
    "PLRegionsError",
    "InvalidNetworkError",
    "InvalidDomainError",
    "InvalidArgumentError",
    "UnsupportedLayerError",
    "MissingDependencyError",
    "SolverError",
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


def missing_dependency(package: str, extra: str, purpose: str) -> MissingDependencyError:
    """Build the error raised when an optional package cannot be imported."""
    return MissingDependencyError(
        f"{purpose} needs the optional package {package!r}, which is not installed; "
        f"install it with: pip install 'plregions[{extra}]'"
    )
