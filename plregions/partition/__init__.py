"""Partitions: the columnar result, its region views, adjacency and the entry points."""

from plregions.partition.api import count_regions, partition, region_at
from plregions.partition.partition import Facet, Partition, Region

__all__ = ["Facet", "Partition", "Region", "count_regions", "partition", "region_at"]
