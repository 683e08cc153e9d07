"""Plots of what plregions computed (matplotlib is imported inside the functions).

Every plot takes ``ax=None`` (then it draws on a new pyplot figure, never on the current
axes) and returns the axes it drew on; none calls ``plt.show()`` or changes rcParams.
:func:`class_palette` is the one class -> colour mapping the plots use, for callers who
draw more in the same colours; :func:`class_intervals` the predicted class along a line.
"""

from plregions.plotting.pieces import class_intervals, plot_affine_pieces
from plregions.plotting.regions import (
    class_palette,
    plot_partition,
    plot_region_graph,
    plot_surface,
)

__all__ = ["plot_affine_pieces", "plot_partition", "plot_region_graph", "plot_surface",
           "class_palette", "class_intervals"]
