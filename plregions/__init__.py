"""plregions: the exact geometry of piecewise-linear (ReLU-family) networks.

The whole public API is re-exported here.
"""

from plregions.analysis.graph import region_graph
from plregions.errors import (InvalidDomainError, InvalidNetworkError, MissingDependencyError,
                              PLRegionsError, SolverError, UnsupportedLayerError)
from plregions.geometry import Box, Polytope, Tolerance
from plregions.importers import from_onnx, from_sklearn, from_torch, load_network
from plregions.network import Activation, Network, from_arrays, save_network
from plregions.partition import Facet, Partition, Region, count_regions, partition, region_at

__version__ = "0.1.0"

__all__ = [
    "Activation", "Box", "Facet", "InvalidDomainError", "InvalidNetworkError",
    "MissingDependencyError", "Network", "PLRegionsError", "Partition", "Polytope", "Region",
    "SolverError", "Tolerance", "UnsupportedLayerError", "count_regions", "from_arrays",
    "partition", "region_at", "region_graph", "save_network",
    "from_onnx", "from_sklearn", "from_torch", "load_network",
]
