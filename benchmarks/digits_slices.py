"""The bundled digits network on a plane through three images and along a segment.

Partitions the plane through three digit images (the first 0, 6 and 8 of
:func:`plregions.datasets.load_digits`) and the segment from the first 1 to the first 7
with the exact 2-D and 1-D engines, prints the counts, and draws the two README figures:

- ``digits_plane.png``: the activation regions on the plane coloured by predicted digit
  (left) and one colour per region (right), with the three images at their points;
- ``digits_segment.png``: the ten logits along the segment, with the breakpoints and the
  images at both ends and where the predicted digit changes.

Usage::

    python benchmarks/digits_slices.py [--out-dir DIR] [--digits 0 6 8] [--segment 1 7]

Needs matplotlib only (a base dependency); the network is read from the package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

import plregions as plr
from plregions.datasets import digits_network, load_digits

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "docs" / "figures"


def first_of(y: np.ndarray, digits) -> list[int]:
    """Index of the first image of each digit."""
    return [int(np.flatnonzero(y == d)[0]) for d in digits]


def plane_slice(net, X, indices, margin: float = 0.25):
    """The plane through three images and its partition."""
    plane = plr.Plane.through(*X[indices], margin=margin)
    return plane, plr.partition(net, plane)


def segment_pieces(net, X, indices):
    """The segment between two images and the network's affine pieces along it."""
    return plr.affine_pieces(net, plr.Segment(X[indices[0]], X[indices[1]]))


def _image_at(ax, image, xy, zoom: float = 2.2, offset=(0, 0)):
    from matplotlib.offsetbox import AnnotationBbox, OffsetImage

    picture = OffsetImage(image, zoom=zoom, cmap="gray_r")
    picture.get_children()[0].set_clim(0, 16)
    box = AnnotationBbox(picture,
                         xy, xybox=offset, boxcoords="offset points", frameon=True,
                         pad=0.15, arrowprops={"arrowstyle": "-", "lw": 0.8}
                         if offset != (0, 0) else None)
    ax.add_artist(box)


def draw_plane(net, part, plane, images, digits, path: Path) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    fig, axes = plt.subplots(1, 2, figsize=(11, 5.2), layout="constrained")
    plr.plot_partition(part, color_by="class", decision_boundary=True, linewidth=0.15,
                       ax=axes[0])
    plr.plot_partition(part, color_by="region", linewidth=0.15, ax=axes[1])
    offsets = [(-38, -38), (38, -38), (0, 42)]
    for ax in axes:
        ax.plot(*plane.anchors.T, "o", color="white", markeredgecolor="black", ms=6)
        for (s, t), image, offset in zip(plane.anchors, images, offsets):
            _image_at(ax, image, (s, t), offset=offset)
        ax.set_xlabel("s (pixel units)")
        ax.set_ylabel("t (pixel units)")
    counts = (f"{len(part):,} activation regions, {part.n_linear_regions:,} linear regions, "
              f"{part.edges.shape[0]:,} adjacent pairs")
    classes = np.unique(net(part.input_points).argmax(axis=1))
    # plot_partition colours class k with colour k of tab10.
    axes[0].legend(handles=[Patch(color=plt.get_cmap("tab10")(k), label=f"digit {k}")
                            for k in classes], loc="upper right", fontsize=8, framealpha=0.9)
    axes[0].set_title("predicted digit (exact decision boundary in red)")
    axes[1].set_title("activation regions")
    fig.suptitle(f"digits network {net.architecture} on the plane through a "
                 f"{digits[0]}, a {digits[1]} and an {digits[2]}: {counts}", fontsize=10)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw_segment(net, pieces, images, digits, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    plr.plot_affine_pieces(pieces, ax=ax)
    for line, digit in zip(ax.get_lines()[::2], range(pieces.slopes.shape[1])):
        line.set_label(f"digit {digit}")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=8)
    ax.set_xlabel(f"s: the image (1 - s) a + s b, a a {digits[0]}, b a {digits[1]} "
                  "(dotted: the predicted digit changes)")
    ax.set_ylabel("logits")
    ax.set_title(f"the ten logits from a {digits[0]} (s = 0) to a {digits[1]} (s = 1): "
                 f"{len(pieces.bounds) - 1} affine pieces, "
                 f"{len(pieces.breakpoints)} breakpoints", fontsize=10, pad=44)
    # Where the predicted digit changes: the winning logit of each piece's midpoint.
    mids = 0.5 * (pieces.bounds[:-1] + pieces.bounds[1:])
    winners = (pieces.intercepts + pieces.slopes * mids[:, None]).argmax(axis=1)
    changes = []
    for i in np.flatnonzero(winners[1:] != winners[:-1]):
        # On piece i + 1 or i, the exact crossing of the two winning logits.
        a, b = winners[i], winners[i + 1]
        for piece in (i, i + 1):
            ds = pieces.slopes[piece, a] - pieces.slopes[piece, b]
            s = (pieces.intercepts[piece, b] - pieces.intercepts[piece, a]) / ds if ds else None
            if s is not None and pieces.bounds[piece] <= s <= pieces.bounds[piece + 1]:
                changes.append(s)
                break
    low, high = ax.get_ylim()
    ends = [(0.0, images[0]), (1.0, images[1])]
    start, end = images[0].ravel(), images[1].ravel()
    ends += [(s, ((1 - s) * start + s * end).reshape(8, 8)) for s in changes]
    for s in changes:
        ax.axvline(s, color="black", linestyle=":", linewidth=1)
    for s, image in ends:
        _image_at(ax, image, (s, high), offset=(0, 24))
    ax.set_ylim(low, high)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--digits", type=int, nargs=3, default=[0, 6, 8],
                        help="the plane passes through the first image of each digit")
    parser.add_argument("--segment", type=int, nargs=2, default=[1, 7],
                        help="the segment joins the first images of two digits")
    parser.add_argument("--no-plot", action="store_true", help="print the counts only")
    args = parser.parse_args(argv)

    X, y, images = load_digits()
    net = digits_network()
    plane_idx, segment_idx = first_of(y, args.digits), first_of(y, args.segment)
    plane, part = plane_slice(net, X, plane_idx)
    pieces = segment_pieces(net, X, segment_idx)
    summary = {"network": net.architecture, "plane_through": plane_idx,
               "plane_regions": len(part), "plane_linear_regions": part.n_linear_regions,
               "plane_adjacent_pairs": int(part.edges.shape[0]),
               "segment": segment_idx, "segment_pieces": len(pieces.bounds) - 1}
    print(json.dumps(summary))
    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        args.out_dir.mkdir(parents=True, exist_ok=True)
        draw_plane(net, part, plane, images[plane_idx], args.digits,
                   args.out_dir / "digits_plane.png")
        draw_segment(net, pieces, images[segment_idx], args.segment,
                     args.out_dir / "digits_segment.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
