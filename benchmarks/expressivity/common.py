"""Shared helpers of the expressivity benchmarks: networks, lines, training, CSV.

Everything here goes through the public API of plregions (``import plregions as plr``).
Networks are kept as plain lists of numpy arrays ``weights`` (each of shape
``(n_out, n_in)``, the torch convention) and ``biases`` until they are handed to
``plr.from_arrays``, so that they can be trained and pruned with numpy.

Contents
--------
- command line: :func:`make_parser`, :class:`Progress`
- random networks: :func:`random_network` (He, Glorot, LeCun initialisation)
- constructions with known exact counts: :func:`sawtooth_network` (Telgarsky),
  :func:`fold_network` (Montúfar et al. 2014 and Serra et al. 2018)
- lines: :func:`count_on_segment`, :func:`random_segment`
- bounds: :func:`check_bounds`
- training: :func:`train_mlp` (numpy, seeded, full-batch or mini-batch, Adam or SGD)
- data: :func:`iris_standardised`
- CSV: :func:`write_csv`, :func:`read_csv`
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections.abc import Iterable, Sequence
from itertools import combinations
from math import comb
from pathlib import Path

import numpy as np

import plregions as plr

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
INITS = ("he", "glorot", "lecun")


# -- command line --------------------------------------------------------------------------
def make_parser(name: str, doc: str) -> argparse.ArgumentParser:
    """The arguments every script takes: ``--seed``, ``--out``, ``--full``, ``--plot``,
    ``--replot`` and ``--quiet``."""
    parser = argparse.ArgumentParser(
        description=doc.strip().splitlines()[0],
        epilog=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0,
                        help="base seed; every network and line derives from it (default 0)")
    parser.add_argument("--out", type=Path, default=RESULTS / f"{name}.csv",
                        help="CSV file to write (default: results/%(prog)s.csv beside the "
                             "script)".replace("%(prog)s", name))
    parser.add_argument("--full", action="store_true",
                        help="the full settings documented above (minutes, not seconds)")
    parser.add_argument("--plot", type=Path, default=None, metavar="FILE.png",
                        help="draw the figure from the CSV into this PNG file")
    parser.add_argument("--replot", action="store_true",
                        help="do not compute: draw --plot from the existing --out CSV")
    parser.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    return parser


class Progress:
    """A progress line on stderr: ``label  12/40  30%  4.1 s  eta 9.6 s``.

    On a terminal the line is redrawn in place; otherwise (logs, subprocesses) it is
    printed at most about ten times.
    """

    def __init__(self, total: int, label: str, *, quiet: bool = False):
        self.total, self.label, self.quiet = max(int(total), 1), label, quiet
        self.done = 0
        self.start = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self._last_decile = -1

    def step(self, info: str = "") -> None:
        self.done += 1
        if self.quiet:
            return
        elapsed = time.perf_counter() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        line = (f"{self.label}  {self.done}/{self.total}  {100 * self.done // self.total:3d}%"
                f"  {elapsed:.1f} s  eta {eta:.1f} s  {info}")
        if self.tty:
            end = "\n" if self.done >= self.total else ""
            print("\r" + line.ljust(100)[:100], end=end, file=sys.stderr, flush=True)
        else:
            decile = 10 * self.done // self.total
            if decile != self._last_decile:
                self._last_decile = decile
                print(line, file=sys.stderr, flush=True)


# -- random networks -------------------------------------------------------------------------
def init_std(scheme: str, fan_in: int, fan_out: int) -> float:
    """Standard deviation of the weights of one layer under an initialisation scheme.

    He (Kaiming) ``sqrt(2 / fan_in)``, Glorot (Xavier) ``sqrt(2 / (fan_in + fan_out))``,
    LeCun ``sqrt(1 / fan_in)``; all Gaussian with mean 0.
    """
    if scheme == "he":
        return float(np.sqrt(2.0 / fan_in))
    if scheme == "glorot":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    if scheme == "lecun":
        return float(np.sqrt(1.0 / fan_in))
    raise ValueError(f"unknown initialisation {scheme!r}; choose one of {', '.join(INITS)}")


def random_network(n_in: int, widths: Sequence[int], rng: np.random.Generator, *,
                   init: str = "he", bias_scale: float = 0.1, n_out: int = 1):
    """Gaussian weights and biases of a network ``n_in - widths - n_out``.

    Returns
    -------
    weights, biases : lists of ndarray
        ``weights[l]`` of shape ``(n_{l+1}, n_l)``; biases Gaussian with standard
        deviation ``bias_scale`` (0 gives zero biases).
    """
    dims = [n_in, *widths, n_out]
    weights, biases = [], []
    for fan_in, fan_out in zip(dims[:-1], dims[1:]):
        weights.append(rng.normal(0.0, init_std(init, fan_in, fan_out), (fan_out, fan_in)))
        biases.append(rng.normal(0.0, 1.0, fan_out) * bias_scale)
    return weights, biases


# -- constructions with exact counts ----------------------------------------------------------
def sawtooth_network(depth: int):
    """Telgarsky's sawtooth: the tent map ``m(x) = 2 relu(x) - 4 relu(x - 1/2)`` composed
    ``depth`` times, with ``depth`` hidden layers of width 2.

    ``m^L`` has exactly ``2^L`` linear pieces on ``[0, 1]`` (Telgarsky 2016).
    """
    weights = [np.array([[1.0], [1.0]])]
    biases = [np.array([0.0, -0.5])]
    for _ in range(depth - 1):
        weights.append(np.array([[2.0, -4.0], [2.0, -4.0]]))
        biases.append(np.array([0.0, -0.5]))
    weights.append(np.array([[2.0, -4.0]]))
    biases.append(np.array([0.0]))
    return weights, biases


def fold_1d(n_units: int, kind: str):
    """One coordinate's fold: ``n_units`` ReLUs whose sum ``f`` maps each of its pieces of
    ``[0, 1]`` onto ``[0, 1]`` (alternately up and down).

    ``kind="montufar"``: knots ``k / p`` and units ``relu(x - k / p)``, ``k = 0 .. p-1``:
    ``p`` pieces (Montúfar et al. 2014; the tent map for ``p = 2``).
    ``kind="serra"`` (``p >= 3``): ``p + 1`` pieces of lengths ``a, a, 2a, 2a, a, ..., a``
    with ``a = 1 / (p + 3)``; the unit at the fourth knot is flipped,
    ``relu(t_3 - x) = relu(x - t_3) - (x - t_3)``, which supplies the first piece's slope,
    so ``p`` units make ``p + 1`` pieces (Serra, Tjandraatmadja and Ramalingam 2018).
    For ``p = 3`` this is the fold of the ground-truth case ``serra_1d_w3_L2_R``.

    Returns
    -------
    sign : ndarray of shape (p,)
        Unit ``k`` computes ``relu(sign[k] * (x - knot[k]))``.
    knot : ndarray of shape (p,)
    coef, const : ndarray of shape (p,), float
        ``f(x) = coef @ units + const`` on ``[0, 1]``.
    n_pieces : int
    """
    p = int(n_units)
    if kind == "montufar" or p < 3:
        knots = np.arange(p) / p
        slopes = p * (-1.0) ** np.arange(p)
        coef = np.diff(slopes, prepend=0.0)
        sign = np.ones(p)
        f = (sign, knots, coef, 0.0, p)
    elif kind == "serra":
        a = 1.0 / (p + 3)
        lengths = np.full(p + 1, a)
        lengths[2:4] = 2 * a
        ends = np.cumsum(lengths)
        knots = np.concatenate([[0.0], ends[:-1]])        # piece i starts at knots[i]
        slopes = (-1.0) ** np.arange(p + 1) / lengths
        sign = np.ones(p)
        sign[2] = -1.0                                     # the unit at knot t_3 is flipped
        coef = np.diff(slopes)                             # kinks at t_1 .. t_p
        coef[2] = -slopes[0]                               # the flipped unit's coefficient
        const = slopes[0] * knots[3]                       # f(0) = 0
        f = (sign, knots[1:], coef, const, p + 1)
    else:
        raise ValueError(f"unknown fold {kind!r}; choose 'montufar' or 'serra'")
    _check_fold(*f)
    return f


def _check_fold(sign, knot, coef, const, n_pieces) -> None:
    """Assert that the fold maps each of its ``n_pieces`` pieces onto [0, 1]."""
    x = np.linspace(0.0, 1.0, 20001)
    units = np.maximum(sign[None, :] * (x[:, None] - knot[None, :]), 0.0)
    f = units @ coef + const
    assert np.all(f > -1e-9) and np.all(f < 1 + 1e-9), "fold leaves [0, 1]"
    turns = np.count_nonzero(np.diff(np.sign(np.diff(f))) != 0)
    assert turns == n_pieces - 1, (turns, n_pieces)


def generic_hyperplanes(n: int, d: int, rng: np.random.Generator, *, tries: int = 300):
    """``n`` hyperplanes ``A u + c = 0`` in general position whose every vertex (every
    intersection of ``min(n, d)`` of them) lies inside the open cube ``(0, 1)^d``, with
    ``A u + c > 0`` at the cube's centre.

    Inside the cube such an arrangement has exactly ``sum_{j <= d} C(n, j)`` regions:
    every flat of the arrangement meets the cube (Zaslavsky's count restricted to a convex
    set). The hyperplanes are tangent to a sphere around the cube's centre,
    ``a_i . (u - centre) = r`` with random unit normals ``a_i``; the vertices then sit at
    ``centre + r A_S^{-1} 1``, so ``r`` is chosen to bring the farthest into
    ``[0.05, 0.95]^d``. Normals are redrawn until every ``min(n, d)`` of them are
    independent, no further hyperplane passes near a vertex and, when ``n > d``, the
    normals positively span R^d: then ``relu(A u + c)`` has no region where every unit is
    off, so a ReLU layer on these hyperplanes has a non-zero gradient everywhere.
    In R^1 the hyperplanes are ``n`` distinct points of ``(0.1, 0.9)``.
    """
    if d == 1:                                        # n distinct points of (0, 1)
        points = np.linspace(0.1, 0.9, n) + rng.uniform(-0.02, 0.02, n)
        A = np.where(points > 0.5, -1.0, 1.0)[:, None]   # every unit on at u = 1/2
        return A, -A[:, 0] * points
    centre = np.full(d, 0.5)
    k = min(n, d)
    subsets = np.array(list(combinations(range(n), k)), dtype=np.int64)
    best, best_score = None, 0.0
    for attempt in range(tries):
        if best_score > 2e-3 or (attempt >= 30 and best_score > 1e-7):
            break
        A = rng.normal(size=(n, d))
        A /= np.linalg.norm(A, axis=1, keepdims=True)
        if n > d and not _positively_spanning(A):
            continue
        M = A[subsets]                                   # (n_subsets, k, d)
        # the point of each intersection nearest the centre, for r = 1
        ones = np.ones((len(subsets), k, 1))
        if k == d:
            if np.min(np.abs(np.linalg.det(M))) < 1e-12:
                continue
            V = np.linalg.solve(M, ones)[..., 0]
        else:
            V = np.einsum("sdk,sk->sd", np.linalg.pinv(M), ones[..., 0])
        r = 0.45 / np.max(np.abs(V))
        score = r
        if n > k:
            residual = np.abs(V @ A.T - 1.0) * r        # distance of vertex s to plane i
            residual[np.arange(len(subsets))[:, None], subsets] = np.inf
            score = min(r, 10 * float(np.min(residual)))
        if score > best_score:
            best, best_score = (A, r), score
    if best is None or best_score < 1e-8:
        raise RuntimeError(f"no generic arrangement of {n} hyperplanes in the cube of R^{d} "
                           f"after {tries} draws")
    A, r = best
    # relu(-(a . (u - centre) - r)) is on at the centre
    return -A, A @ centre + r


def _positively_spanning(A) -> bool:
    """Whether no direction ``v`` has ``A v > 0`` (an LP: max t with ``A v >= t``)."""
    from scipy.optimize import linprog

    n, d = A.shape
    res = linprog(np.r_[np.zeros(d), -1.0], A_ub=np.c_[-A, np.ones(n)], b_ub=np.zeros(n),
                  bounds=[(-1, 1)] * d + [(None, 1)], method="highs")
    return bool(res.status == 0 and -res.fun < 1e-7)


def fold_network(n_in: int, widths: Sequence[int], rng: np.random.Generator, *,
                 kind: str = "montufar"):
    """The lower-bound construction of Montúfar et al. (2014) or Serra et al. (2018).

    Every hidden layer but the last folds each input coordinate with ``p_l =
    floor(n_l / n_in)`` units (:func:`fold_1d`), mapping each of ``m_l^n_in`` sub-boxes of
    ``[0, 1]^n_in`` onto the unit cube (``m_l = p_l`` for Montúfar, ``p_l + 1`` for Serra
    when ``p_l >= 3``); left-over units are dead (zero weights, bias -1). The last hidden
    layer places ``n_L`` hyperplanes in general position with all vertices inside the cube
    (:func:`generic_hyperplanes`). Output weights are Gaussian, so adjacent regions carry
    different affine maps.

    Returns
    -------
    weights, biases : lists of ndarray
    expected : int
        The exact number of activation regions on the box ``[0, 1]^n_in``:
        ``prod_{l<L} m_l^n_in * sum_{j <= n_in} C(n_L, j)``.
    """
    d = n_in
    widths = list(widths)
    weights, biases = [], []
    expected = 1
    # u = P h + q: the folded coordinates (in [0, 1]^d) as an affine map of the last layer
    P, q = np.eye(d), np.zeros(d)
    for width in widths[:-1]:
        p = width // d
        if p < 1:
            raise ValueError(f"width {width} < input dimension {d}: nothing to fold")
        sign, knot, coef, const, pieces = fold_1d(p, kind)
        expected *= pieces ** d
        W = np.zeros((width, P.shape[1]))
        b = np.full(width, -1.0)                        # left-over units stay dead
        P_next = np.zeros((d, width))
        q_next = np.zeros(d)
        for j in range(d):
            rows = slice(j * p, (j + 1) * p)
            W[rows] = sign[:, None] * P[j][None, :]
            b[rows] = sign * (q[j] - knot)
            P_next[j, rows] = coef
            q_next[j] = const
        weights.append(W)
        biases.append(b)
        P, q = P_next, q_next
    A, c = generic_hyperplanes(widths[-1], d, rng)
    weights.append(A @ P)
    biases.append(A @ q + c)
    expected *= sum(comb(widths[-1], j) for j in range(min(widths[-1], d) + 1))
    weights.append(rng.normal(size=(1, widths[-1])))
    biases.append(np.zeros(1))
    return weights, biases, expected


def construction_applies(n_in: int, widths: Sequence[int]) -> bool:
    """Whether :func:`fold_network` can build this architecture (every width >= n_in)."""
    return all(w >= n_in for w in widths[:-1])


# -- lines ----------------------------------------------------------------------------------
def count_on_segment(net, start, end) -> int:
    """Activation regions (pieces) of ``net`` met by the segment from ``start`` to ``end``,
    counted exactly on the network restricted to the segment (``plr.Segment``)."""
    return plr.count_regions(net, plr.Segment(start, end))


def random_segment(d: int, rng: np.random.Generator, *, half_length: float = 1.0,
                   box: float = 1.0):
    """A segment of length ``2 half_length`` through a uniform point of ``[-box, box]^d``
    in a uniformly random direction: ``(start, end)``."""
    centre = rng.uniform(-box, box, d)
    direction = rng.normal(size=d)
    direction /= np.linalg.norm(direction)
    return centre - half_length * direction, centre + half_length * direction


# -- bounds -----------------------------------------------------------------------------------
def check_bounds(n_regions: int, widths: Sequence[int], n_in: int, *, relu: bool = True,
                 lower: int = 1, what: str = "") -> None:
    """Assert ``lower <= n_regions <= serra_bound <= montufar_bound`` (Serra only for ReLU).

    Both upper bounds are for all of R^n_in, so they hold for any sub-domain too.
    """
    montufar = plr.montufar_bound(widths, n_in)
    assert lower <= n_regions <= montufar, (what, lower, n_regions, montufar)
    if relu:
        serra = plr.serra_bound(widths, n_in)
        assert n_regions <= serra <= montufar, (what, n_regions, serra, montufar)


# -- training ---------------------------------------------------------------------------------
def forward(weights, biases, X):
    """Logits and the per-layer (input, pre-activation) pairs, for backpropagation."""
    h, cache = X, []
    for index, (W, b) in enumerate(zip(weights, biases)):
        z = h @ W.T + b
        cache.append((h, z))
        h = z if index == len(weights) - 1 else np.maximum(z, 0.0)
    return h, cache


def loss_and_grads(weights, biases, X, y):
    """Mean softmax cross-entropy and its gradients with respect to weights and biases."""
    logits, cache = forward(weights, biases, X)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = X.shape[0]
    loss = float(-log_p[np.arange(n), y].mean())
    delta = np.exp(log_p)
    delta[np.arange(n), y] -= 1.0
    delta /= n
    grad_w, grad_b = [None] * len(weights), [None] * len(weights)
    for index in range(len(weights) - 1, -1, -1):
        h, z = cache[index]
        if index < len(weights) - 1:
            delta = delta * (z > 0)
        grad_w[index] = delta.T @ h
        grad_b[index] = delta.sum(axis=0)
        delta = delta @ weights[index]
    return loss, grad_w, grad_b


def accuracy(weights, biases, X, y) -> float:
    return float((forward(weights, biases, X)[0].argmax(axis=1) == y).mean())


def train_mlp(X, y, widths: Sequence[int], *, epochs: int, lr: float,
              rng: np.random.Generator, optimizer: str = "adam", batch_size: int | None = None,
              init: str = "he", checkpoints: Iterable[int] = ()):
    """Train a ReLU classifier ``n_in - widths - n_classes`` with numpy; yield snapshots.

    Softmax cross-entropy; ``optimizer="adam"`` (beta1 0.9, beta2 0.999) or plain
    ``"sgd"``; full batch when ``batch_size`` is None, else shuffled mini-batches drawn
    from ``rng``. Yields ``(epoch, weights, biases, loss, accuracy)`` (copies) at every
    epoch listed in ``checkpoints`` (epoch 0 is the initialisation).
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    n_classes = int(y.max()) + 1
    weights, biases = random_network(X.shape[1], widths, rng, init=init, bias_scale=0.0,
                                     n_out=n_classes)
    params = weights + biases
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    checkpoints = set(checkpoints)
    step = 0

    def snapshot(epoch):
        loss = loss_and_grads(weights, biases, X, y)[0]
        return (epoch, [W.copy() for W in weights], [b.copy() for b in biases], loss,
                accuracy(weights, biases, X, y))

    if 0 in checkpoints:
        yield snapshot(0)
    n = X.shape[0]
    for epoch in range(1, max(checkpoints, default=0) + 1):
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        size = n if batch_size is None else batch_size
        for first in range(0, n, size):
            batch = order[first:first + size]
            _, grad_w, grad_b = loss_and_grads(weights, biases, X[batch], y[batch])
            grads = grad_w + grad_b
            step += 1
            for k, g in enumerate(grads):
                if optimizer == "adam":
                    m[k] = beta1 * m[k] + (1 - beta1) * g
                    v[k] = beta2 * v[k] + (1 - beta2) * g * g
                    update = (m[k] / (1 - beta1 ** step)) / (
                        np.sqrt(v[k] / (1 - beta2 ** step)) + eps)
                elif optimizer == "sgd":
                    update = g
                else:
                    raise ValueError(f"unknown optimizer {optimizer!r}; 'adam' or 'sgd'")
                params[k] -= lr * update            # in place: weights/biases see it
        if epoch in checkpoints:
            yield snapshot(epoch)


# -- data -------------------------------------------------------------------------------------
def iris_standardised():
    """Iris (``plr.load_iris()``) with each measurement standardised to mean 0, std 1.

    Returns ``X`` of shape (150, 4), ``y`` of shape (150,), the species names, and the
    mean and standard deviation used.
    """
    X, y, species = plr.load_iris()
    mean, std = X.mean(axis=0), X.std(axis=0)
    return (X - mean) / std, y, species, mean, std


def data_box(X, margin: float = 0.1):
    """The bounding box of the points, enlarged by ``margin`` times its size per side."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * (hi - lo)
    return plr.Box(lo - pad, hi + pad)


# -- solver failures --------------------------------------------------------------------------
SKIPPED: list[str] = []


def skip(what: str, err: Exception) -> None:
    """Record a setting left out because plregions raised ``plr.SolverError`` on it.

    Such a network has no trustworthy count, so its rows are dropped (never written with
    a guess); the settings are listed on stderr at the end of the run.
    """
    SKIPPED.append(f"{what}: {err}")
    print(f"skipped {what}: {type(err).__name__}: {err}", file=sys.stderr)


# -- CSV --------------------------------------------------------------------------------------
def write_csv(path: Path, rows: list[dict], columns: Sequence[str]) -> Path:
    """Write ``rows`` (dicts keyed by ``columns``; None is written empty) as CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), extrasaction="raise")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if row.get(k) is None else _fmt(row.get(k)))
                             for k in columns})
    return path


def _fmt(value):
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def read_csv(path: Path) -> dict[str, np.ndarray]:
    """Columns of a CSV as arrays: float where every entry parses (empty -> nan), else str."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path}: no rows")
    table = {}
    for key in rows[0]:
        values = [row[key] for row in rows]
        try:
            table[key] = np.array([float(v) if v != "" else np.nan for v in values])
        except ValueError:
            table[key] = np.array(values)
    return table


def finish(args, run, plot, columns: Sequence[str]) -> int:
    """Run (unless ``--replot``), write the CSV, check its columns, plot if asked."""
    if not args.replot:
        rows = run(args)
        write_csv(args.out, rows, columns)
        print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
        if SKIPPED:
            print(f"{len(SKIPPED)} setting(s) skipped after a plr.SolverError:\n  "
                  + "\n  ".join(SKIPPED), file=sys.stderr)
    table = read_csv(args.out)
    missing = [c for c in columns if c not in table]
    if missing:
        raise SystemExit(f"{args.out}: missing columns {missing}; rerun without --replot")
    if args.plot is not None:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = plot(table)
        args.plot.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(args.plot, dpi=100)
        plt.close(fig)
        print(f"wrote figure {args.plot}", file=sys.stderr)
    return 0
