"""Plots of what plregions computed (matplotlib is imported inside the functions).

Every plot takes ``ax=None`` and returns the axes it drew on; none calls ``plt.show()``
or changes rcParams.
"""

from plregions.plotting.pieces import plot_affine_pieces
from plregions.plotting.regions import plot_partition, plot_region_graph, plot_surface

__all__ = ["plot_affine_pieces", "plot_partition", "plot_region_graph", "plot_surface"]
