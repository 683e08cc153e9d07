"""Pictures of 2-D partitions: the regions, the region graph and the output surface.

Every function draws what a partition holds (polygons from the 2-D engine, or polygons
clipped from halfspaces), takes ``ax=None`` (the current axes), returns the axes, and
never calls ``plt.show()`` or changes rcParams. matplotlib is imported inside the
functions. The drawn artists carry a ``gid`` (``"regions"``, ``"boundaries"``,
``"decision boundary"``, ``"points"``, ``"graph nodes"``, ``"graph edges"``,
``"surface"``) so that callers can find them.
"""

from __future__ import annotations

import numpy as np

from plregions.errors import InvalidArgumentError
from plregions.plotting.polygons import class_cells, decision_segments, plot_window, region_polygons

__all__ = ["plot_partition", "plot_region_graph", "plot_surface", "COLOR_BY"]

COLOR_BY = ("region", "linear_region", "output", "class")


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.gca()


def _axis_labels(part, ax):
    if part.input_slice is not None:
        ax.set_xlabel("s")
        ax.set_ylabel("t")
    else:
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")


def _region_colors(labels: np.ndarray, cmap):
    """One colour per label, neighbouring labels far apart in the colour map."""
    import matplotlib

    cmap = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    n = int(labels.max()) + 1 if labels.size else 1
    # A fixed scramble of the labels so that consecutive regions get distant colours.
    order = np.random.default_rng(0).permutation(n)
    return cmap((order[labels] % 20 + 0.5) / 20)


def _class_colors(n_classes: int, labels, cmap):
    """A discrete colour map and norm giving class ``k`` the ``k``-th colour."""
    import matplotlib
    from matplotlib.colors import BoundaryNorm, ListedColormap

    if labels is not None and np.size(labels):
        n_classes = max(n_classes, int(np.max(labels)) + 1)
    base = matplotlib.colormaps[cmap or ("tab10" if n_classes <= 10 else "tab20")]
    listed = ListedColormap(base(np.arange(n_classes) % base.N))
    return listed, BoundaryNorm(np.arange(n_classes + 1) - 0.5, n_classes)


def plot_partition(part, *, color_by: str = "region", output: int = 0, ax=None, cmap=None,
                   boundaries: bool = True, edgecolor="black", linewidth: float = 0.4,
                   points=None, labels=None, decision_boundary: bool = False, window=None,
                   alpha: float = 1.0):
    """Draw the activation regions of a 2-D partition.

    Parameters
    ----------
    part : Partition
        Of a 2-input network on a box or R^2, or of a :class:`~plregions.Plane` slice
        (coordinates ``(s, t)``).
    color_by : {"region", "linear_region", "output", "class"}
        One colour per activation region, one per linear region, the value of output
        ``output`` (exact: each region's affine map, Gouraud-shaded over its polygon), or
        the predicted class (argmax of the outputs; with one output, ``y > 0``), with each
        region cut exactly where the class changes.
    output : int
        The output shown by ``color_by="output"``.
    ax : matplotlib Axes, optional
    cmap : str or Colormap, optional
    boundaries : bool
        Draw the region boundaries.
    points : array_like of shape (n, 2), optional
        Data points in the partition's coordinates (for a plane slice,
        ``plane.project(X)``), drawn on top.
    labels : array_like of int, shape (n,), optional
        Class labels of the points: label ``k`` gets the colour of class ``k``.
    decision_boundary : bool
        Draw where the predicted class changes (exact segments).
    window : ((x_lo, x_hi), (y_lo, y_hi)), optional
        The part of the plane drawn; by default the domain, or for all of R^2 a window
        holding every vertex. Polygons are clipped to it.
    alpha : float

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> import matplotlib
    >>> from matplotlib.figure import Figure
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, -1.0]]], [[0.0, 0.0], [0.0]])
    >>> part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    >>> ax = plr.plot_partition(part, ax=Figure().add_subplot())
    >>> len(ax.collections[0].get_paths())
    4
    """
    from matplotlib.collections import LineCollection, PolyCollection

    if color_by not in COLOR_BY:
        raise InvalidArgumentError(
            f"color_by={color_by!r}; choose one of {', '.join(map(repr, COLOR_BY))}")
    window = plot_window(part, window)
    ax = _axes(ax)
    polys = region_polygons(part, window)
    keep = [i for i, p in enumerate(polys) if p.shape[0] >= 3]
    edge = edgecolor if boundaries else "none"
    if color_by in ("region", "linear_region"):
        labels_ = (np.arange(len(part)) if color_by == "region"
                   else part.linear_region_labels)
        colors = _region_colors(np.asarray(labels_)[keep], cmap or "tab20")
        faces = PolyCollection([polys[i] for i in keep], facecolors=colors, edgecolors=edge,
                               linewidths=linewidth, alpha=alpha)
        faces.set_gid("regions")
        ax.add_collection(faces)
    elif color_by == "output":
        A, c = part.output_maps
        if not 0 <= output < A.shape[1]:
            raise InvalidArgumentError(
                f"output={output} but the network has {A.shape[1]} outputs")
        xs, ys, zs, tris, start = [], [], [], [], 0
        for i in keep:
            poly = polys[i]
            k = poly.shape[0]
            xs.append(poly[:, 0])
            ys.append(poly[:, 1])
            zs.append(poly @ A[i, output] + c[i, output])
            tris += [(start, start + j, start + j + 1) for j in range(1, k - 1)]
            start += k
        mesh = ax.tripcolor(np.concatenate(xs), np.concatenate(ys), np.array(tris),
                            np.concatenate(zs), shading="gouraud", cmap=cmap or "viridis",
                            alpha=alpha)
        mesh.set_gid("regions")
    else:
        A, c = part.output_maps
        cells, classes = [], []
        for i in keep:
            for k, cell in class_cells(polys[i], A[i], c[i]):
                cells.append(cell)
                classes.append(k)
        class_cmap, class_norm = _class_colors(max(2, A.shape[1]), labels, cmap)
        # The class of every cell is the collection's data array (get_array()).
        faces = PolyCollection(cells, array=np.array(classes, dtype=float), cmap=class_cmap,
                               norm=class_norm, edgecolors="none", alpha=alpha)
        faces.set_gid("regions")
        ax.add_collection(faces)
    if boundaries and color_by in ("output", "class"):
        outline = PolyCollection([polys[i] for i in keep], facecolors="none",
                                 edgecolors=edgecolor, linewidths=linewidth)
        outline.set_gid("boundaries")
        ax.add_collection(outline)
    if decision_boundary:
        A, c = part.output_maps
        segments = [seg for i in keep for seg in decision_segments(polys[i], A[i], c[i])]
        lines = LineCollection(segments, colors="red", linewidths=max(1.5, 3 * linewidth),
                               label="decision boundary")
        lines.set_gid("decision boundary")
        ax.add_collection(lines)
    if points is not None:
        points = np.asarray(points, dtype=float).reshape(-1, 2)
        if labels is None:
            scatter = ax.scatter(points[:, 0], points[:, 1], c="white", edgecolors="black",
                                 s=18, zorder=3)
        else:
            # Label k gets the colour of class k (as the cells of color_by="class").
            labels = np.asarray(labels, dtype=int).reshape(-1)
            n_out = part.network.n_out
            label_cmap, label_norm = _class_colors(max(2, n_out), labels,
                                                   cmap if color_by == "class" else None)
            scatter = ax.scatter(points[:, 0], points[:, 1], c=labels, cmap=label_cmap,
                                 norm=label_norm, edgecolors="black", s=18, zorder=3)
        scatter.set_gid("points")
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_aspect("equal", adjustable="box")
    _axis_labels(part, ax)
    return ax


def plot_region_graph(part, *, ax=None, node_size: float = 12.0, node_color="black",
                      edge_color="0.45", boundaries: bool = True, window=None):
    """Draw the region graph of a 2-D partition, nodes at the regions' interior points.

    Parameters
    ----------
    part : Partition
        Of a 2-D domain (see :func:`plot_partition`).
    boundaries : bool
        Draw the regions' outlines underneath, in light grey.

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    >>> ax = plr.plot_region_graph(part, ax=Figure().add_subplot())
    >>> [len(c.get_segments()) for c in ax.collections if c.get_gid() == "graph edges"]
    [4]
    """
    from matplotlib.collections import LineCollection, PolyCollection

    window = plot_window(part, window)
    ax = _axes(ax)
    if boundaries:
        polys = [p for p in region_polygons(part, window) if p.shape[0] >= 3]
        outline = PolyCollection(polys, facecolors="none", edgecolors="0.75", linewidths=0.5)
        outline.set_gid("boundaries")
        ax.add_collection(outline)
    points = part.interior_points
    edges = part.edges
    lines = LineCollection(points[edges] if edges.size else np.zeros((0, 2, 2)),
                           colors=edge_color, linewidths=0.8)
    lines.set_gid("graph edges")
    ax.add_collection(lines)
    nodes = ax.scatter(points[:, 0], points[:, 1], s=node_size, c=node_color, zorder=3)
    nodes.set_gid("graph nodes")
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_aspect("equal", adjustable="box")
    _axis_labels(part, ax)
    return ax


def plot_surface(part, *, output: int = 0, ax=None, cmap="viridis", edgecolor="black",
                 linewidth: float = 0.2, window=None):
    """Draw a scalar output over a 2-D domain as a 3-D piecewise-planar surface.

    Each region's polygon is lifted by the region's affine map of output ``output``:
    the surface is exact, one planar facet per region.

    Parameters
    ----------
    part : Partition
        Of a 2-D domain (see :func:`plot_partition`).
    output : int
    ax : matplotlib 3-D Axes, optional
        By default a new 3-D axes in the current figure.

    Returns
    -------
    matplotlib 3-D Axes

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> part = plr.partition(net, plr.Box([-1, -1], [1, 1]))
    >>> ax = plr.plot_surface(part, ax=Figure().add_subplot(projection="3d"))
    >>> sorted(ax.collections[0].get_array().tolist())     # mean vertex height of each facet
    [0.0, 0.5, 0.5, 1.0]
    """
    import matplotlib
    from mpl_toolkits.mplot3d.art3d import Poly3DCollection

    window = plot_window(part, window)
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gcf().add_subplot(projection="3d")
    elif getattr(ax, "name", "") != "3d":
        raise InvalidArgumentError("plot_surface needs 3-D axes: add_subplot(projection='3d')")
    A, c = part.output_maps
    if not 0 <= output < A.shape[1]:
        raise InvalidArgumentError(f"output={output} but the network has {A.shape[1]} outputs")
    polys = region_polygons(part, window)
    keep = [i for i, p in enumerate(polys) if p.shape[0] >= 3]
    faces = [np.column_stack([polys[i], polys[i] @ A[i, output] + c[i, output]])
             for i in keep]
    # Each facet is coloured by its mean height, kept as the collection's data array.
    heights = np.array([f[:, 2].mean() for f in faces]) if faces else np.zeros(0)
    cm = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    surface = Poly3DCollection(faces, array=heights, cmap=cm, edgecolors=edgecolor,
                               linewidths=linewidth)
    surface.set_gid("surface")
    # Limits are set below (autolim would read the padding of ragged faces).
    ax.add_collection3d(surface, autolim=False)
    z = np.concatenate([f[:, 2] for f in faces]) if faces else np.zeros(1)
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    pad = 0.05 * (z.max() - z.min()) or 0.5
    ax.set_zlim(z.min() - pad, z.max() + pad)
    _axis_labels(part, ax)
    ax.set_zlabel(f"output {output}")
    return ax
