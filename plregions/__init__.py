"""plregions: the exact geometry of piecewise-linear (ReLU-family) networks.

The whole public API is re-exported here.
"""

from plregions.analysis.bounds import (
    RegionBounds,
    characteristic_polynomial,
    general_position_bound,
    montufar_bound,
    region_bounds,
    serra_bound,
    zaslavsky_bounded_count,
    zaslavsky_count,
)
from plregions.analysis.graph import region_graph
from plregions.analysis.stats import (
    RegionReport,
    always_active_neurons,
    analyze,
    dead_neurons,
    mean_active_fraction,
    occupied_regions,
)
from plregions.datasets import default_network, digits_network, load_digits, load_iris
from plregions.engines.line import AffinePiece, LinePieces, affine_pieces
from plregions.errors import (
    EngineFallbackWarning,
    InvalidArgumentError,
    InvalidDomainError,
    InvalidNetworkError,
    MissingDependencyError,
    PLRegionsError,
    PLRegionsWarning,
    RegionLimitError,
    ResolutionWarning,
    SolverError,
    UnsupportedLayerError,
)
from plregions.geometry import Box, Polytope, Tolerance
from plregions.geometry.slices import Plane, Segment
from plregions.importers import from_onnx, from_sklearn, from_torch, load_network
from plregions.network import Activation, Network, from_arrays, save_network
from plregions.partition import Facet, Partition, Region, count_regions, partition, region_at
from plregions.plotting import plot_affine_pieces, plot_partition, plot_region_graph, plot_surface

__version__ = "0.1.0"

__all__ = [
    "Activation", "Box", "EngineFallbackWarning", "Facet", "InvalidArgumentError",
    "InvalidDomainError", "InvalidNetworkError",
    "MissingDependencyError", "Network", "PLRegionsError", "PLRegionsWarning", "Partition",
    "Polytope", "Region", "RegionLimitError", "ResolutionWarning",
    "SolverError", "Tolerance", "UnsupportedLayerError", "count_regions", "from_arrays",
    "partition", "region_at", "region_graph", "save_network",
    "RegionBounds", "RegionReport", "always_active_neurons", "analyze",
    "characteristic_polynomial", "dead_neurons", "general_position_bound",
    "mean_active_fraction", "montufar_bound", "occupied_regions", "region_bounds",
    "serra_bound", "zaslavsky_bounded_count", "zaslavsky_count",
    "from_onnx", "from_sklearn", "from_torch", "load_network",
    "default_network", "digits_network", "load_digits", "load_iris",
    "AffinePiece", "LinePieces", "Plane", "Segment", "affine_pieces",
    "plot_affine_pieces", "plot_partition", "plot_region_graph", "plot_surface",
]
