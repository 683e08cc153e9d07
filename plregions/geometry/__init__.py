"""Geometry: domains, tolerances, halfspaces and the LP layer."""

from plregions.geometry.domains import Box, Polytope, normalize_halfspaces
from plregions.geometry.lp import BACKENDS, LPStats, certified_ball, check_backend, facet_margin
from plregions.geometry.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["Box", "Polytope", "normalize_halfspaces", "BACKENDS", "LPStats", "certified_ball",
           "check_backend", "facet_margin", "DEFAULT_TOLERANCE", "Tolerance"]
