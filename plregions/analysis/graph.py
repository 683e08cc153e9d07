"""The region graph (DESIGN.md section 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plregions.errors import InvalidArgumentError
from plregions.partition.partition import Partition

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["region_graph"]


def region_graph(part: Partition) -> nx.Graph:
    """The region graph of a partition.

    One node per activation region (``0 .. len(part) - 1``, with attributes ``pattern``
    (bool array) and ``point`` (an interior point)) and one edge per pair of regions whose
    closures share a facet, with attribute ``neurons``: the tuple of neurons whose
    hyperplane makes the facet. Costs one LP per candidate facet the first time.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> g = plr.region_graph(plr.partition(net))
    >>> g.number_of_nodes(), g.number_of_edges()
    (3, 2)
    """
    import networkx as nx

    if not isinstance(part, Partition):
        raise InvalidArgumentError(
            f"region_graph takes a Partition, got {type(part).__name__}; compute one with "
            "plr.partition(net, domain)")
    graph = nx.Graph()
    patterns = part.activation_patterns
    for i in range(len(part)):
        graph.add_node(i, pattern=patterns[i], point=part.interior_points[i])
    adjacency = part.adjacency
    for (i, j), neurons in zip(adjacency.edges.tolist(), adjacency.neurons):
        graph.add_edge(i, j, neurons=neurons)
    return graph
