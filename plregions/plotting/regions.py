"""Pictures of 2-D partitions: the regions, the region graph and the output surface.

Every function draws what a partition holds (polygons from the 2-D engine, or polygons
clipped from halfspaces), takes ``ax=None``, returns the axes, and never calls
``plt.show()`` or changes rcParams. With ``ax=None``, :func:`plot_partition` and
:func:`plot_region_graph` draw on a new pyplot figure shaped like the drawn window
(:func:`figure_size`), :func:`plot_surface` on a new 7 x 6 inch one (its 3-D box keeps
matplotlib's default proportions). matplotlib is imported inside the functions. The drawn
artists carry a ``gid`` (``"regions"``, ``"boundaries"``, ``"decision boundary"``,
``"points"``, ``"graph nodes"``, ``"graph edges"``, ``"surface"``) so that callers can
find them.
"""

from __future__ import annotations

import warnings

import numpy as np

from plregions.errors import InvalidArgumentError
from plregions.geometry.slices import Plane
from plregions.plotting.polygons import (
    check_partition,
    class_cells,
    decision_segments,
    plot_window,
    region_polygons,
)

__all__ = ["plot_partition", "plot_region_graph", "plot_surface", "class_palette",
           "figure_size", "check_output", "class_label", "COLOR_BY", "SURFACE_FIGSIZE"]

COLOR_BY = ("region", "linear_region", "output", "class")

SURFACE_FIGSIZE = (7.0, 6.0)
"""Inches of the new figure :func:`plot_surface` draws on when no axes are given."""

ONE_OUTPUT_CLASSES = ("y <= 0", "y > 0")
"""The names of the two classes of a network with one output (the sign of ``y``)."""


def check_output(output, n_out: int) -> int:
    """``output`` as the index of one of ``n_out`` network outputs, or an error saying
    which indices there are.

    Examples
    --------
    >>> check_output(2, 3)
    2
    >>> check_output(2.5, 3)
    Traceback (most recent call last):
    ...
    plregions.errors.InvalidArgumentError: output=2.5: give the index of one network ...
    """
    if isinstance(output, (bool, np.bool_)) or not isinstance(output, (int, np.integer)):
        raise InvalidArgumentError(
            f"output={output!r}: give the index of one network output, an int from 0 to "
            f"{n_out - 1}")
    if not 0 <= output < n_out:
        raise InvalidArgumentError(
            f"output={output} but the network has {n_out} outputs; give 0 to {n_out - 1}")
    return int(output)


def class_label(k: int, n_out: int, class_names=None) -> str:
    """The legend label of class ``k``: its name, else ``"y <= 0"`` / ``"y > 0"`` for a
    network with one output, else ``"class k"``."""
    if class_names is not None:
        return str(class_names[k])
    return ONE_OUTPUT_CLASSES[k] if n_out == 1 else f"class {k}"


def figure_size(window, longer: float = 6.0) -> tuple[float, float]:
    """A figure size in inches with the aspect ratio of ``window``, ``longer`` on its
    longer side (the ratio kept between 1:3 and 3:1).

    Parameters
    ----------
    window : ((x_lo, x_hi), (y_lo, y_hi))
    longer : float

    Examples
    --------
    >>> figure_size(((0, 4), (0, 1)))
    (6.0, 2.0)
    >>> figure_size(((0, 1), (0, 2)))
    (3.0, 6.0)
    """
    (x0, x1), (y0, y1) = np.asarray(window, dtype=float)
    ratio = float(np.clip((y1 - y0) / (x1 - x0), 1 / 3, 3))
    if ratio <= 1:
        return (float(longer), float(longer * ratio))
    return (float(longer / ratio), float(longer))


def _axes(ax, window, projection=None):
    """``ax``, or the axes of a new pyplot figure shaped like ``window``."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    width, height = figure_size(window)
    # Room for the axis labels and ticks around the equal-aspect drawing.
    fig = plt.figure(figsize=(width + 1.0, height + 0.8), layout="constrained")
    return fig.add_subplot(projection=projection)


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


def class_palette(n_classes: int, cmap=None) -> np.ndarray:
    """The colour of every class index: one mapping for cells, data points and legends.

    Parameters
    ----------
    n_classes : int
    cmap : str or Colormap, optional
        A qualitative colour map (at most 32 colours, such as ``"tab10"`` or ``"Set1"``)
        gives class ``k`` its ``k``-th colour (cycling); a continuous one (``"viridis"``) is
        sampled at ``n_classes`` evenly spaced points. Default: ``"tab10"`` up to 10
        classes, ``"tab20"`` up to 20, ``"turbo"`` (sampled) beyond.

    Returns
    -------
    ndarray of shape (n_classes, 4)
        RGBA.

    Examples
    --------
    >>> import matplotlib
    >>> bool((class_palette(3)[2] == matplotlib.colormaps["tab10"](2)).all())
    True
    """
    import matplotlib

    if cmap is None:
        cmap = "tab10" if n_classes <= 10 else "tab20" if n_classes <= 20 else "turbo"
    base = matplotlib.colormaps[cmap] if isinstance(cmap, str) else cmap
    if base.N <= 32:
        return np.asarray(base(np.arange(n_classes) % base.N))
    return np.asarray(base(np.linspace(0.0, 1.0, n_classes) if n_classes > 1 else [0.0]))


def _class_labels(labels, n_points: int, class_names, n_classes: int) -> np.ndarray:
    """Point labels as class indices below ``n_classes``, checked (names are looked up in
    ``class_names``)."""
    raw = np.asarray(labels)
    if raw.ndim == 2 and raw.shape[1] == 1:
        raw = raw[:, 0]
    if raw.shape != (n_points,):
        raise InvalidArgumentError(
            f"labels has shape {raw.shape} but there are {n_points} points; give one class "
            "label per point")
    if raw.dtype.kind in "USO":
        if class_names is None:
            raise InvalidArgumentError(
                "labels are not integers; pass class_names to look them up, or give class "
                "indices 0, 1, ...")
        index = {str(name): k for k, name in enumerate(class_names)}
        unknown = sorted({str(v) for v in raw.tolist()} - index.keys())
        if unknown:
            raise InvalidArgumentError(
                f"labels {unknown} are not in class_names {list(map(str, class_names))}")
        found = np.array([index[str(v)] for v in raw.tolist()], dtype=np.int64)
    else:
        if raw.dtype.kind == "b":
            raw = raw.astype(np.int64)
        if raw.size and (raw.dtype.kind not in "iuf" or not np.all(raw == np.round(raw))
                         or raw.min() < 0):
            raise InvalidArgumentError(
                "labels must be class indices 0, 1, ... (the index of the network output "
                f"that predicts the class), got {raw[:5].tolist()}...")
        found = raw.astype(np.int64)
    shown = raw.tolist() if raw.dtype.kind in "USO" else found.tolist()
    beyond = sorted({str(v) for v, k in zip(shown, found.tolist()) if k >= n_classes})
    if beyond:
        names = "" if class_names is None else " or one of the names in class_names"
        raise InvalidArgumentError(
            f"labels hold {', '.join(beyond[:5])}, which is not a class: the network has "
            f"{n_classes} classes, and a label is an output index 0 to {n_classes - 1} (one "
            f"class per output; two for one output: y <= 0, y > 0){names}")
    return found


def _partition_points(part, points, window: np.ndarray) -> np.ndarray:
    """``points`` as (n, 2) coordinates of the partition, checked; input points of a
    Plane slice are projected on it (with a warning when some lie far from it)."""
    try:
        arr = np.asarray(points, dtype=float)
    except (TypeError, ValueError) as err:
        raise InvalidArgumentError(f"points: cannot be read as numbers ({err})") from None
    plane = part.input_slice if isinstance(part.input_slice, Plane) else None
    d = plane.ambient_dim if plane is not None else None
    if arr.ndim == 2 and arr.shape[1] == 2:
        return arr
    if plane is not None and arr.ndim >= 2 and int(np.prod(arr.shape[1:])) == d:
        st = plane.project(arr)
        far = float(plane.distance(arr).max(initial=0.0))
        size = float(np.hypot(*(window[:, 1] - window[:, 0])))
        if far > size:
            warnings.warn(
                f"points lie up to {far:.3g} from the plane, farther than the size of the "
                f"drawn window ({size:.3g}); they are drawn at their projections, whose "
                "regions may not be theirs", UserWarning, stacklevel=3)
        return st
    found = (f"have {arr.shape[1]} columns" if arr.ndim == 2
             else f"have shape {tuple(arr.shape)}")
    if plane is not None:
        raise InvalidArgumentError(
            f"points {found}; for a plane slice pass input points of shape (n, {d}) "
            f"(projected on the plane) or plane.project(X) (2 columns: s, t)")
    raise InvalidArgumentError(
        f"points {found}; give an array of shape (n, 2) in the partition's coordinates")


def plot_partition(part, *, color_by: str = "region", output: int = 0, ax=None, cmap=None,
                   boundaries: bool = True, edgecolor="black", linewidth: float = 0.4,
                   points=None, labels=None, decision_boundary: bool = False, window=None,
                   alpha: float = 1.0, class_names=None, class_cmap=None,
                   legend: bool | dict = False, colorbar: bool = True):
    """Draw the activation regions of a 2-D partition.

    Parameters
    ----------
    part : Partition
        Of a 2-input network on a box or R^2, or of a :class:`~plregions.Plane` slice
        (coordinates ``(s, t)``).
    color_by : {"region", "linear_region", "output", "class"}
        One colour per activation region, one per linear region, the value of output
        ``output`` (exact: each region's affine map, Gouraud-shaded over its polygon), or
        the predicted class (argmax of the outputs; with one output, the classes
        ``y <= 0`` and ``y > 0``), with each region cut exactly where the class changes.
    output : int
        The index of the output shown by ``color_by="output"``, from 0 to n_out - 1.
    ax : matplotlib Axes, optional
        By default a new pyplot figure, shaped like the drawn window.
    cmap : str or Colormap, optional
        The regions' colour map: ``"tab20"`` for regions and linear regions, ``"viridis"``
        for the output; for ``color_by="class"`` the class colours (as ``class_cmap``).
    boundaries : bool
        Draw the region boundaries.
    points : array_like of shape (n, 2), optional
        Data points in the partition's coordinates, drawn on top. For a
        :class:`~plregions.Plane` slice of R^n_in (n_in != 2), input points of shape
        ``(n, n_in)`` (or ``(n, ...)`` images) are projected on the plane
        (``plane.project(X)``), with a ``UserWarning`` when some lie farther from the
        plane than the size of the drawn window. Any other shape is refused.
    labels : array_like of shape (n,), optional
        The points' classes: indices ``0, 1, ...`` of the network outputs (``0`` and ``1``,
        ``y <= 0`` and ``y > 0``, for one output), or names from ``class_names``; any
        other label is refused. Class ``k`` is drawn in the colour of class ``k`` in every mode,
        which for ``color_by="class"`` is the colour of the cells where the network
        predicts ``k``: a point on a cell of another colour is misclassified (for a plane
        slice: at its projection).
    decision_boundary : bool
        Draw where the predicted class changes (exact segments).
    window : ((x_lo, x_hi), (y_lo, y_hi)), optional
        The part of the plane drawn; by default the domain, or for all of R^2 (or a whole
        plane) the 2-D engine's window holding every vertex. A partition of all of R^2
        made by the general engine (when the 2-D engine declines) has no vertices, so it
        needs a window: the error raised without one suggests a window holding an
        interior point of every region. Polygons are clipped to the window.
    alpha : float
        Opacity of the regions (the points stay opaque).
    class_names : sequence of str, optional
        Names of the classes in output order, for the legend and for named ``labels``
        (default ``"class k"``; ``"y <= 0"``, ``"y > 0"`` for one output).
    class_cmap : str or Colormap, optional
        The class colours (see :func:`class_palette`); by default ``cmap`` when
        ``color_by="class"``, else ``"tab10"``.
    legend : bool or dict
        Add a legend: one entry per class drawn (the cells' and the points' colour), and
        the decision boundary when some is drawn; nothing else has a legend entry, so
        ``legend=True`` needs ``color_by="class"``, ``labels`` or ``decision_boundary``.
        A dict gives keyword arguments of ``Axes.legend`` (default
        ``loc="upper right"``: matplotlib's ``"best"`` searches every drawn polygon).
    colorbar : bool
        With ``color_by="output"``, add a colour bar labelled ``"output k"`` beside the
        axes (it takes its room from them).

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

    Points take the colour of their class, the colour of the cells of that class:

    >>> ax = plr.plot_partition(part, color_by="class", points=[[0.5, -0.5], [-0.5, 0.5]],
    ...                         labels=[1, 0], class_names=["y <= 0", "y > 0"], legend=True,
    ...                         ax=Figure().add_subplot())
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['y <= 0', 'y > 0']
    """
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.colors import BoundaryNorm, ListedColormap

    check_partition(part, "plot_partition")
    if color_by not in COLOR_BY:
        raise InvalidArgumentError(
            f"color_by={color_by!r}; choose one of {', '.join(map(repr, COLOR_BY))}")
    if labels is not None and points is None:
        raise InvalidArgumentError("labels are given without points; pass points=... too")
    n_out = part.network.n_out
    if color_by == "output":
        output = check_output(output, n_out)
    if legend and color_by != "class" and labels is None and not decision_boundary:
        raise InvalidArgumentError(
            "legend=True has nothing to list: it names the classes of color_by='class' or "
            "of labelled points, and the decision boundary")
    # Classes are the outputs (two for one output: y <= 0, y > 0).
    n_classes = max(2, n_out)
    if class_names is not None and len(class_names) < n_classes:
        raise InvalidArgumentError(
            f"class_names has {len(class_names)} names but there are {n_classes} classes "
            "(one per network output, two for one output: y <= 0, y > 0); give one name "
            "per class")
    window = plot_window(part, window)
    if points is not None:
        points = _partition_points(part, points, window)
        if labels is not None:
            labels = _class_labels(labels, points.shape[0], class_names, n_classes)
    # One class -> colour mapping (and norm) shared by the class cells, the points and the
    # legend, so that class k has one colour everywhere.
    if class_names is not None:
        n_classes = len(class_names)
    palette = class_palette(n_classes, class_cmap if class_cmap is not None else (
        cmap if color_by == "class" else None))
    ax = _axes(ax, window)
    class_map = ListedColormap(palette)
    class_norm = BoundaryNorm(np.arange(n_classes + 1) - 0.5, n_classes)
    polys = region_polygons(part, window)
    keep = [i for i, p in enumerate(polys) if p.shape[0] >= 3]
    edge = edgecolor if boundaries else "none"
    shown_classes: set[int] = set()
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
        if colorbar:
            ax.figure.colorbar(mesh, ax=ax, label=f"output {output}", shrink=0.8)
    else:
        A, c = part.output_maps
        cells, classes = [], []
        for i in keep:
            for k, cell in class_cells(polys[i], A[i], c[i]):
                cells.append(cell)
                classes.append(k)
        shown_classes.update(classes)
        # The class of every cell is the collection's data array (get_array()).
        faces = PolyCollection(cells, array=np.array(classes, dtype=float), cmap=class_map,
                               norm=class_norm, edgecolors="none", alpha=alpha)
        faces.set_gid("regions")
        ax.add_collection(faces)
    if boundaries and color_by in ("output", "class"):
        outline = PolyCollection([polys[i] for i in keep], facecolors="none",
                                 edgecolors=edgecolor, linewidths=linewidth)
        outline.set_gid("boundaries")
        ax.add_collection(outline)
    handles = []
    if decision_boundary:
        A, c = part.output_maps
        segments = [seg for i in keep for seg in decision_segments(polys[i], A[i], c[i])]
        lines = LineCollection(segments, colors="red", linewidths=max(1.5, 3 * linewidth),
                               label="decision boundary")
        lines.set_gid("decision boundary")
        ax.add_collection(lines)
        if segments:  # no legend entry for a boundary that is not in the window
            handles.append(lines)
    if points is not None:
        if labels is None:
            scatter = ax.scatter(points[:, 0], points[:, 1], c="white", edgecolors="black",
                                 s=18, zorder=3)
        else:
            # The label is the collection's data array, coloured by the class mapping.
            scatter = ax.scatter(points[:, 0], points[:, 1], c=labels.astype(float),
                                 cmap=class_map, norm=class_norm, edgecolors="black", s=18,
                                 zorder=3)
            shown_classes.update(labels.tolist())
        scatter.set_gid("points")
    handles = _class_handles(sorted(shown_classes), palette, n_out, class_names,
                             patches=color_by == "class") + handles
    if legend and handles:
        options = {"loc": "upper right", "fontsize": "small"}
        if isinstance(legend, dict):
            options.update(legend)
        ax.legend(handles=handles, **options)
    ax.set_xlim(*window[0])
    ax.set_ylim(*window[1])
    ax.set_aspect("equal", adjustable="box")
    _axis_labels(part, ax)
    return ax


def _class_handles(classes, palette, n_out: int, class_names, patches: bool) -> list:
    """Legend entries in the class colours (named by :func:`class_label`): patches for
    class cells, else markers."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = []
    for k in classes:
        name = class_label(k, n_out, class_names)
        if patches:
            handles.append(Patch(facecolor=palette[k], edgecolor="black", linewidth=0.5,
                                 label=name))
        else:
            handles.append(Line2D([], [], marker="o", linestyle="none", markersize=5,
                                  markerfacecolor=palette[k], markeredgecolor="black",
                                  label=name))
    return handles


def plot_region_graph(part, *, ax=None, node_size: float = 12.0, node_color="black",
                      edge_color="0.45", boundaries: bool = True, window=None):
    """Draw the region graph of a 2-D partition, nodes at the regions' interior points.

    Parameters
    ----------
    part : Partition
        Of a 2-D domain (see :func:`plot_partition`).
    ax : matplotlib Axes, optional
        By default a new pyplot figure, shaped like the drawn window.
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

    check_partition(part, "plot_region_graph")
    window = plot_window(part, window)
    ax = _axes(ax, window)
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
        The index of the output drawn, from 0 to n_out - 1.
    ax : matplotlib 3-D Axes, optional
        By default the 3-D axes of a new 7 x 6 inch pyplot figure
        (:data:`SURFACE_FIGSIZE`; not shaped like the window: the 3-D box keeps
        matplotlib's default proportions).

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

    check_partition(part, "plot_surface")
    output = check_output(output, part.network.n_out)
    window = plot_window(part, window)
    if ax is not None and getattr(ax, "name", "") != "3d":
        raise InvalidArgumentError("plot_surface needs 3-D axes: add_subplot(projection='3d')")
    A, c = part.output_maps
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.figure(figsize=SURFACE_FIGSIZE, layout="constrained").add_subplot(
            projection="3d")
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
