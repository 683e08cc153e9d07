"""Write the notebooks of this folder from the cell sources below (outputs stripped).

The notebooks are generated, not edited by hand: change a cell here and run

    python notebooks/make_notebooks.py

which rewrites ``01_tutorial.ipynb``, ``02_expressivity.ipynb`` and ``03_real_data.ipynb``
without outputs (``tests/test_notebooks.py`` executes them). ``--check`` only reports
whether the files on disk match the sources (exit status 1 if not).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

FIND_REPO = '''\
def find_repo(start=None):
    """The plregions checkout holding this notebook (the folder with benchmarks/)."""
    start = Path.cwd() if start is None else start
    for folder in [start, *start.parents]:
        if (folder / "benchmarks" / "expressivity").is_dir():
            return folder
    raise FileNotFoundError("run this notebook from inside the plregions checkout")


REPO = find_repo()'''

TUTORIAL = [
    ("md", """\
# The piecewise-linear universe: ReLU networks, computed exactly

A network built from affine layers and ReLUs is a *continuous piecewise-linear function*:
its input space is cut into convex polyhedra, and on each of them the network is one
affine map. `plregions` enumerates those pieces **exactly** (no sampling, no grid), so
every number below is a count, not an estimate.

Two words are used throughout, as in the literature:

* an **activation region** is the set of inputs that switch on exactly the same neurons
  (one activation pattern);
* a **linear region** is a maximal connected set on which the network is affine:
  neighbouring activation regions whose affine maps happen to be equal merge into one.

So `linear <= activation`, and the two can differ."""),
    ("code", """\
import matplotlib.pyplot as plt
import numpy as np

import plregions as plr

rng = np.random.default_rng(0)"""),
    ("md", """\
## 1. Without a nonlinearity, depth buys nothing

Three affine layers with the identity as "activation" compose to one affine map: the
whole plane is a single region, whatever the widths."""),
    ("code", """\
weights = [rng.normal(size=(5, 2)), rng.normal(size=(5, 5)), rng.normal(size=(1, 5))]
biases = [rng.normal(size=5), rng.normal(size=5), rng.normal(size=1)]
stack = plr.from_arrays(weights, biases, activations=["identity", "identity"])
part = plr.partition(stack)
A, c = part[0].local_map
print(f"{len(part)} activation region, {part.n_linear_regions} linear region")
assert len(part) == part.n_linear_regions == 1
assert np.allclose(A, weights[2] @ weights[1] @ weights[0])     # the product of the layers"""),
    ("md", """\
## 2. One kink: |x| and x

`|x| = relu(x) + relu(-x)` and `x = relu(x) - relu(-x)` use the same two neurons, so
they have the same two activation regions, `x < 0` and `x > 0`. But the second one is
the identity: its two affine maps are equal and merge into **one** linear region."""),
    ("code", """\
hidden_w, hidden_b = [[1.0], [-1.0]], [0.0, 0.0]
absolute = plr.from_arrays([hidden_w, [[1.0, 1.0]]], [hidden_b, [0.0]])
identity = plr.from_arrays([hidden_w, [[1.0, -1.0]]], [hidden_b, [0.0]])
fig, axes = plt.subplots(1, 2, figsize=(8, 2.8), layout="constrained")
for ax, (name, net) in zip(axes, [("relu(x) + relu(-x)", absolute),
                                  ("relu(x) - relu(-x)", identity)]):
    part = plr.partition(net)
    plr.plot_affine_pieces(plr.affine_pieces(net, plr.Box([-2.0], [2.0])), ax=ax)
    ax.set_title(f"{name}: {len(part)} activation, {part.n_linear_regions} linear regions",
                 fontsize=9)
    ax.set_xlabel("x")
assert (len(plr.partition(absolute)), plr.partition(absolute).n_linear_regions) == (2, 2)
assert (len(plr.partition(identity)), plr.partition(identity).n_linear_regions) == (2, 1)"""),
    ("md", """\
## 3. Hinges, one at a time, build any piecewise-linear function

A continuous piecewise-linear function on `[0, 1]` with knots `t_0 < t_1 < ... < t_m`
and slopes `s_0, ..., s_m` is

`f(x) = f(t_0) + s_0 (x - t_0) + sum_k (s_k - s_{k-1}) relu(x - t_k)`,

and the linear term is itself two ReLUs (section 2). Adding the hinges one by one, each
new neuron adds exactly one piece on `[0, 1]`, and at the end the network *is* the
target function."""),
    ("code", """\
knots = np.array([0.0, 0.15, 0.3, 0.5, 0.65, 0.8, 0.9])
values = rng.uniform(-1, 1, knots.size + 1)
ends = np.append(knots, 1.0)
slopes = np.diff(values) / np.diff(ends)

def target(x):
    return np.interp(x, ends, values)

def hinge_network(n_hinges):
    # relu(x - t0) - relu(t0 - x) = x - t0 carries the first slope; then one hinge per knot
    w = [[1.0], [-1.0]] + [[1.0]] * n_hinges
    b = [-knots[0], knots[0]] + [-t for t in knots[1:1 + n_hinges]]
    out = [slopes[0], -slopes[0]] + list(np.diff(slopes)[:n_hinges])
    return plr.from_arrays([w, [out]], [b, [values[0]]])

fig, ax = plt.subplots(figsize=(6.5, 3.2), layout="constrained")
unit = plr.Box([0.0], [1.0])
for k in range(len(knots)):
    net = hinge_network(k)
    n = plr.count_regions(net, unit)
    assert n == k + 1, (k, n)                   # one new piece per hinge
    plr.plot_affine_pieces(plr.affine_pieces(net, unit), ax=ax, breakpoints=False,
                           linewidth=1)
    ax.lines[-1].set_label(f"{2 + k} neurons: {n} piece{'s' * (n > 1)}")
x = rng.uniform(0, 1, 1000)
assert np.allclose(net(x[:, None]).ravel(), target(x))  # the last network is the target
ax.plot(ends, values, "ko", ms=4, label="target")
ax.set_ylim(values.min() - 1, values.max() + 1)
ax.set_title("adding hinges one by one: one more piece on [0, 1] each time", fontsize=9)
ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1, 0.5));"""),
    ("md", """\
## 4. Sparsity and dead neurons, measured exactly

With zero biases and symmetric random weights, every pre-activation is symmetric about
0 over the draw of the weights: on average half the neurons fire. `plregions` gives the
exact picture for one network: the activation pattern of every region, hence the
fraction of neurons on in each region, the neurons that are off in *every* region of a
domain (dead there) and those always on (acting as the identity there). With only two
inputs, a few deeper neurons are often dead already at initialisation: the first layer
maps the plane onto a 2-D surface of R^8 that a deeper neuron's hyperplane can miss."""),
    ("code", """\
def he_network(widths, n_in=2, bias_scale=0.0, seed=1):
    r = np.random.default_rng(seed)
    dims = [n_in, *widths, 1]
    ws = [r.normal(0, np.sqrt(2 / a), (b, a)) for a, b in zip(dims[:-1], dims[1:])]
    bs = [r.normal(0, 1, b) * bias_scale for b in dims[1:]]
    return ws, bs

box = plr.Box([-1, -1], [1, 1])
ws, bs = he_network([8, 8, 8])
part = plr.partition(plr.from_arrays(ws, bs), box)
fractions = part.activation_patterns.mean(axis=1)
points = rng.uniform(-1, 1, (20000, 2))
at_points = plr.from_arrays(ws, bs).activation_patterns(points).mean()
print(f"{len(part)} regions; mean active fraction over regions "
      f"{plr.mean_active_fraction(part):.3f}, at random points {at_points:.3f}")
print("dead:", plr.dead_neurons(part), " always active:", plr.always_active_neurons(part))"""),
    ("md", """\
Now push the biases of the second layer down by 1.5: more neurons never fire on the box
(and those of layer 3 that only listened to them follow). A dead neuron contributes
neither a boundary nor a value, so deleting it (and its outgoing weights) leaves the
partition of the box unchanged: the counts agree exactly."""),
    ("code", """\
bs_shifted = [bs[0], bs[1] - 1.5, bs[2], bs[3]]
shifted = plr.partition(plr.from_arrays(ws, bs_shifted), box)
dead = plr.dead_neurons(shifted)
print(f"{len(shifted)} regions, dead neurons {dead.tolist()} "
      f"(layer, unit) = {[plr.from_arrays(ws, bs_shifted).neuron_address(i) for i in dead]}")

keep = [np.flatnonzero(~np.isin(np.arange(8) + 8 * l, dead)) for l in range(3)]
w_pruned = [ws[0][keep[0]], ws[1][keep[1]][:, keep[0]], ws[2][keep[2]][:, keep[1]],
            ws[3][:, keep[2]]]
b_pruned = [bs_shifted[0][keep[0]], bs_shifted[1][keep[1]], bs_shifted[2][keep[2]],
            bs_shifted[3]]
pruned = plr.count_regions(plr.from_arrays(w_pruned, b_pruned), box)
print(f"after deleting the dead neurons: {pruned} regions")
assert pruned == len(shifted)

fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
bins = np.linspace(0, 1, 25)
ax.hist(fractions, bins=bins, alpha=0.6, label="biases 0")
ax.hist(shifted.activation_patterns.mean(axis=1), bins=bins, alpha=0.6,
        label="layer-2 biases - 1.5")
ax.axvline(0.5, color="k", lw=0.8)
ax.set_xlabel("fraction of neurons active in a region")
ax.set_ylabel("regions")
ax.legend(fontsize=8);"""),
    ("md", """\
## 5. Leaky and parametric ReLU

A LeakyReLU `max(z, a z)` (or a PReLU with one slope per neuron) keeps a slope on the
negative side. With the same weights, the boundaries move (a neuron's pre-activation
now depends on the *negative* parts of the layer before), and no region has a
constant output any more, so neighbouring regions rarely merge: linear regions equal
activation regions. A slope of 1 makes the unit the identity: no kink, one region."""),
    ("code", """\
ws, bs = he_network([3, 3, 3], bias_scale=0.5, seed=3)
alphas = [rng.uniform(0, 0.5, 3) for _ in range(3)]
variants = {"relu": ["relu"] * 3, "leaky_relu 0.1": [("leaky_relu", 0.1)] * 3,
            "prelu": [("prelu", a) for a in alphas], "leaky_relu 1.0": [("leaky_relu", 1.0)] * 3}
fig, axes = plt.subplots(1, 4, figsize=(12, 3.3), layout="constrained")
window = ((-3, 3), (-3, 3))
for ax, (name, acts) in zip(axes, variants.items()):
    part = plr.partition(plr.from_arrays(ws, bs, acts))
    plr.plot_partition(part, color_by="linear_region", ax=ax, window=window)
    ax.set_title(f"{name}: {len(part)} activation,\\n{part.n_linear_regions} linear regions "
                 "(colours)", fontsize=9)
    assert part.n_linear_regions <= len(part)
assert len(plr.partition(plr.from_arrays(ws, bs, variants["leaky_relu 1.0"]))) == 1"""),
    ("md", """\
## 6. He initialisation: regions track neurons, not depth

The upper bounds of Montúfar (2017) and Serra et al. (2018) grow exponentially with
depth. At initialisation (He: weights with variance `2 / fan_in`), Hanin and Rolnick
(2019) showed that the number of regions met by a box grows like the number of neurons
to the power `d`, whatever the depth. Here is width 8 in the plane: depth multiplies the
bound, not the count (see `02_expressivity.ipynb` for the full sweep)."""),
    ("code", """\
print(f"{'depth':>5} {'neurons':>7} {'regions in box':>15} {'Serra bound (R^2)':>18}")
for depth in range(1, 7):
    widths = [8] * depth
    counts = [plr.count_regions(plr.from_arrays(*he_network(widths, bias_scale=0.1,
                                                            seed=s)), box)
              for s in range(3)]
    bound = plr.serra_bound(widths, 2)
    assert max(counts) <= bound
    print(f"{depth:5d} {8 * depth:7d} {np.mean(counts):15.1f} {bound:18d}")"""),
    ("md", """\
## 7. The piecewise-linear universe

A deeper network draws a finer mosaic. Three hidden layers of 32 ReLUs cut the square
`[-2, 2]^2` into thousands of convex polygons; each carries its own affine map, and the
output surface is one planar facet per polygon."""),
    ("code", """\
ws, bs = he_network([32, 32, 32], bias_scale=0.5, seed=7)
net = plr.from_arrays(ws, bs)
part = plr.partition(net, plr.Box([-2, -2], [2, 2]))
print(part, f"in {part.seconds:.2f} s")
fig = plt.figure(figsize=(11, 5), layout="constrained")
ax = fig.add_subplot(1, 2, 1)
plr.plot_partition(part, ax=ax, linewidth=0.15)
ax.set_title(f"{len(part)} activation regions of a 2-32-32-32-1 network", fontsize=10)
ax3 = fig.add_subplot(1, 2, 2, projection="3d")
plr.plot_surface(part, ax=ax3, linewidth=0.05)
ax3.set_title("the output: one planar facet per region", fontsize=10);"""),
]

EXPRESSIVITY = [
    ("md", """\
# Expressivity: the benchmark scripts' results

This notebook draws the figures of the scripts in `benchmarks/expressivity/` from their
CSV files. A missing CSV is made first by running its script in its small default
setting (seconds to a minute each). For the full settings, run a script with `--full`
(see its `--help`) and rerun this notebook.

CSV files are read from `benchmarks/expressivity/results/`, or from the folder named by
the environment variable `PLREGIONS_RESULTS`."""),
    ("code", '''\
import importlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np


''' + FIND_REPO + '''
SCRIPTS = REPO / "benchmarks" / "expressivity"
RESULTS = Path(os.environ.get("PLREGIONS_RESULTS", SCRIPTS / "results"))
sys.path.insert(0, str(SCRIPTS))
import common  # noqa: E402  (the benchmark scripts' shared helpers, found above)


def results(name):
    """The CSV of one script as a dict of columns (running the script if needed)."""
    path = RESULTS / f"{name}.csv"
    if not path.exists():
        run = subprocess.run([sys.executable, str(SCRIPTS / f"{name}.py"), "--out", str(path),
                              "--quiet"], capture_output=True, text=True)
        if run.returncode:
            raise RuntimeError(f"{name}.py failed:\\n{run.stderr}")
        print(f"ran {name}.py in its small setting: {path.name}")
    return importlib.import_module(name), common.read_csv(path)'''),
    ("md", """\
## Depth against width at a fixed neuron budget

Random networks (He initialisation) against the upper bounds of Montúfar (2017) and Serra
et al. (2018), and against the lower-bound constructions of Montúfar et al. (2014) and
Serra et al. (2018), which reach their exact counts (the script asserts it). In one input
dimension Serra's bound is exact and the construction attains it: depth wins
exponentially. Random networks are nowhere near the bounds: at a fixed budget the
shallow network has about the most regions, and the counts fall as the layers get
narrow."""),
    ("code", '''\
module, table = results("depth_vs_width")
module.plot(table)
constructions = np.isin(table["family"], ["montufar", "serra", "telgarsky"])
assert np.all(table["n_regions"][constructions] == table["expected"][constructions])
print(f"{constructions.sum()} constructions, every one at its exact count")'''),
    ("md", """\
## Initialisation: He, Glorot, LeCun and the biases

Region density in a box and boundary density along random lines grow polynomially with
the number of neurons N (Hanin and Rolnick 2019: like N^d and N), not exponentially with
depth. With zero biases the
three schemes differ only by a positive factor per layer, so they give the same regions
(every boundary then passes through the origin: the regions are cones)."""),
    ("code", '''\
module, table = results("initialization")
module.plot(table);'''),
    ("md", """\
## Training on Iris

Regions in the data box, on the plane through the three class means and along segments
between flowers of different species, epoch by epoch, next to the regions that hold a
flower."""),
    ("code", '''\
module, table = results("training")
module.plot(table);'''),
    ("md", """\
## ReLU, LeakyReLU, PReLU

The same weights with different activations: activation regions (solid) and linear
regions (dashed). Only ReLU networks lose linear regions (where a whole layer is off the
output is constant, and such neighbours merge)."""),
    ("code", '''\
module, table = results("activations")
module.plot(table);'''),
    ("md", """\
## Dying ReLUs and sparsity

Plain SGD with a large learning rate kills neurons: they are off on the whole data box.
Deleting them does not change a single region (asserted by the script). The last panel
shows how many neurons are on per region, against the 50 % of symmetric
pre-activations."""),
    ("code", '''\
module, table = results("dead_neurons")
module.plot(table);'''),
]

REAL_DATA = [
    ("md", """\
# Real data: the bundled Iris network, exactly

`plr.default_network()` is a 4-8-8-3 ReLU network trained on Fisher's Iris data
(`plr.load_iris()`): four measurements in cm in, three species logits out. Here are its
regions in all of R^4 and around the data, slices through flowers with the exact
decision boundary, the network along a segment between two flowers, and the region
graph; then the same on images: the bundled network trained on the 8x8 handwritten
digits, on a plane through three digit images and along the segment between two."""),
    ("code", """\
import matplotlib.pyplot as plt
import networkx as nx
import numpy as np

import plregions as plr

X, y, species = plr.load_iris()
net = plr.default_network()
print(net, f"accuracy {np.mean(net(X).argmax(axis=1) == y):.3f}")"""),
    ("md", """\
## Counts, bounds and the regions that hold data

`plr.analyze` partitions R^4 and the data's bounding box, finds the regions holding the
150 flowers, and lists dead and always-active neurons and the bounds."""),
    ("code", """\
lo, hi = X.min(axis=0), X.max(axis=0)
box = plr.Box(lo - 0.1 * (hi - lo), hi + 0.1 * (hi - lo))
report = plr.analyze(net, box=box, data=X)
for field in ("n_regions", "n_linear_regions", "n_bounded_regions", "n_regions_box",
              "n_occupied_regions", "n_points_on_boundary", "dead_neurons",
              "always_active_neurons", "mean_active_fraction"):
    print(f"{field:>24}: {getattr(report, field)}")
print(f"{'bounds':>24}: {report.bounds}")
assert report.n_regions_box <= report.n_regions <= report.bounds.serra"""),
    ("md", """\
## A slice through three flowers

`plr.Plane.through` spans the plane through one flower of each species. The regions on
it are convex polygons; coloured by the predicted species, with the exact decision
boundary in red. The flowers are drawn at their orthogonal projections onto the plane
(they do not lie on it, except the three anchors), each in the colour of its true
species, the colour of the cells where the network predicts that species: a flower on a
cell of another colour is one whose projection the network assigns to another species."""),
    ("code", """\
anchors = [int(np.flatnonzero(y == k)[5]) for k in range(3)]
plane = plr.Plane.through(*X[anchors], margin=0.4)
part = plr.partition(net, plane)
print(part)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
plr.plot_partition(part, ax=axes[0], linewidth=0.3)
axes[0].set_title(f"{len(part)} activation regions on the plane", fontsize=10)
plr.plot_partition(part, color_by="class", ax=axes[1], decision_boundary=True,
                   linewidth=0.2, alpha=0.75, points=plane.project(X), labels=y,
                   class_names=species, legend=True)
axes[1].set_title("predicted species and the exact decision boundary", fontsize=10);"""),
    ("md", """\
## Along a segment between two flowers

The network restricted to the segment from a *versicolor* to a *virginica* flower: exact
breakpoints and one affine piece of each logit between them."""),
    ("code", """\
start, end = X[np.flatnonzero(y == 1)[0]], X[np.flatnonzero(y == 2)[0]]
pieces = plr.affine_pieces(net, plr.Segment(start, end))
fig, ax = plt.subplots(figsize=(7, 3), layout="constrained")
plr.plot_affine_pieces(pieces, ax=ax)
ax.legend([f"logit {name}" for name in species], fontsize=8)
ax.set_xlabel("s (0 = versicolor flower, 1 = virginica flower)")
ax.set_title(f"{len(pieces.slopes)} pieces on the segment", fontsize=10)
assert len(pieces.slopes) == plr.count_regions(net, plr.Segment(start, end))"""),
    ("md", """\
## The region graph

One node per region of the slice, one edge per pair of regions sharing a facet,
labelled with the neuron(s) whose hyperplane makes it. Which neurons make the most
facets, and how far apart (in region steps) are the three anchor flowers?"""),
    ("code", """\
graph = plr.region_graph(part)
print(f"{graph.number_of_nodes()} regions, {graph.number_of_edges()} adjacent pairs, "
      f"connected: {nx.is_connected(graph)}")
facets_per_neuron = np.zeros(net.n_neurons, dtype=int)
for _, _, neurons in graph.edges(data="neurons"):
    facets_per_neuron[list(neurons)] += 1
top = np.argsort(facets_per_neuron)[::-1][:5]
print("neurons making the most facets (layer, unit): facets")
for i in top:
    print(f"  {net.neuron_address(int(i))}: {facets_per_neuron[i]}")
anchor_regions = part.find(plane.project(X[anchors]))
steps = [nx.shortest_path_length(graph, int(anchor_regions[a]), int(anchor_regions[b]))
         for a, b in ((0, 1), (1, 2), (0, 2))]
print("region steps between the anchor flowers (setosa-versicolor, versicolor-virginica, "
      f"setosa-virginica): {steps}")

fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), layout="constrained")
plr.plot_region_graph(part, ax=axes[0], node_size=6)
axes[0].set_title("region graph on the slice (nodes at interior points)", fontsize=10)
degrees = np.array([d for _, d in graph.degree()])
axes[1].hist(degrees, bins=np.arange(degrees.max() + 2) - 0.5)
axes[1].set_xlabel("neighbours of a region (facets)")
axes[1].set_ylabel("regions");"""),
    ("md", """\
## Images: a plane through three handwritten digits

`plr.digits_network()` is a 64-64-64-64-10 ReLU network trained on 75 % of the 1,797 8x8
digits of `plr.load_digits()` (pixels 0..16, flattened row by row; retrained by
`benchmarks/train_digits.py`). A plane through three images is a 2-D slice of its
64-dimensional input space; the 2-D engine partitions it exactly in milliseconds. The
held-out images are drawn at their projections onto the plane, in the colour of their
true digit."""),
    ("code", """\
X_img, y_img, images = plr.load_digits()
digits_net = plr.digits_network()
through = [int(np.flatnonzero(y_img == d)[0]) for d in (0, 6, 8)]
digit_plane = plr.Plane.through(*X_img[through], margin=0.25)
digit_part = plr.partition(digits_net, digit_plane)
print(digit_part, f"{digit_part.n_linear_regions} linear regions")
near = np.isin(y_img, (0, 6, 8))
fig, axes = plt.subplots(1, 2, figsize=(11, 4.8), layout="constrained")
plr.plot_partition(digit_part, ax=axes[0], linewidth=0.1)
axes[0].set_title(f"{len(digit_part)} activation regions on the plane", fontsize=10)
plr.plot_partition(digit_part, color_by="class", ax=axes[1], decision_boundary=True,
                   linewidth=0.05, alpha=0.8, points=digit_plane.project(X_img[near]),
                   labels=y_img[near], legend=True,
                   class_names=[f"digit {d}" for d in range(10)])
axes[1].set_title("predicted digit; the 0s, 6s and 8s projected onto the plane", fontsize=10);"""),
    ("md", """\
## Along the segment from a 1 to a 7

The ten logits along the straight path from an image of a 1 to an image of a 7, with the
exact breakpoints, and the blended image where the predicted digit changes."""),
    ("code", """\
one, seven = (X_img[np.flatnonzero(y_img == d)[0]] for d in (1, 7))
digit_pieces = plr.affine_pieces(digits_net, plr.Segment(one, seven))
# Where the logits of 1 and 7 cross: solve c1 + m1 s = c7 + m7 s on each piece and keep
# the solution that lies in its piece.
c, m, bounds = digit_pieces.intercepts, digit_pieces.slopes, digit_pieces.bounds
with np.errstate(divide="ignore", invalid="ignore"):
    s_cross = (c[:, 7] - c[:, 1]) / (m[:, 1] - m[:, 7])
inside = (bounds[:-1] <= s_cross) & (s_cross <= bounds[1:])
s_change = float(s_cross[inside][0])
around = plr.Segment(one, seven).to_input([s_change - 1e-3, s_change + 1e-3])
print(f"{len(digit_pieces.slopes)} affine pieces; the logits of 1 and 7 cross at "
      f"s = {s_change:.4f}; predicted just before and after: "
      f"{digits_net(around).argmax(axis=1).tolist()}")
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained",
                         gridspec_kw={"width_ratios": [3, 1]})
plr.plot_affine_pieces(digit_pieces, ax=axes[0])
axes[0].set_xlabel("s (0 = the 1, 1 = the 7)")
axes[0].set_ylabel("logits")
axes[1].imshow(((1 - s_change) * one + s_change * seven).reshape(8, 8), cmap="gray_r")
axes[1].set_title(f"the image at s = {s_change:.2f}", fontsize=10)
axes[1].axis("off");"""),
]

NOTEBOOKS = {
    "01_tutorial.ipynb": TUTORIAL,
    "02_expressivity.ipynb": EXPRESSIVITY,
    "03_real_data.ipynb": REAL_DATA,
}


def build(cells) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for index, (kind, source) in enumerate(cells):
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell["id"] = f"cell-{index:02d}"            # stable ids: no diff between runs
        nb.cells.append(cell)
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that the notebooks on disk match these sources")
    args = parser.parse_args(argv)
    stale = []
    for name, cells in NOTEBOOKS.items():
        text = nbformat.writes(build(cells)) + "\n"
        path = HERE / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python notebooks/make_notebooks.py",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
