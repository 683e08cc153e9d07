"""Enumeration engines. Each yields :class:`LeafRegion` objects for one domain."""

from plregions.engines.brute import iter_regions_brute
from plregions.engines.layerwise import LeafRegion, iter_regions_layerwise

__all__ = ["LeafRegion", "iter_regions_brute", "iter_regions_layerwise"]
