"""Compiled kernels of the 2-D engine: layer-wise clipping of convex polygons.

The kernels are compiled with numba when it is installed (``cache=True``: compiled once
per machine); without numba, or with ``NUMBA_DISABLE_JIT=1``, the same code runs as plain
Python, correct but much slower. :mod:`plregions.engines.plane` is the interface;
nothing here is public.

Conventions. Polygons are convex with counter-clockwise vertices. Edge ``i`` runs from
vertex ``i`` to vertex ``i + 1`` and carries a label ``2 * chord + side``: ``chord`` is
the segment that created it (chords ``0 .. k0 - 1`` are the domain's sides, later chords
are cuts of a cell by a line) and ``side`` is 0 on the positive side of the cutting line
and 1 on the negative side. Every vertex carries an id; a vertex copied into both halves
of a split keeps its id. A neuron's form on a cell is a row ``(a, b, c, grad_mag,
const_mag)``: its pre-activation is ``a s + b t + c`` there, and the two magnitudes are
the sizes of the terms summed to make ``(a, b)`` and ``c`` (as in
:func:`plregions.engines.layerwise.layer_forms`), to tell a form that cancels to rounding
noise from a true hyperplane.

The search is an explicit depth-first walk over the levels (no recursion, so that the
compiled code can be cached); the parts of the cells on the current path live in flat
pools used as a stack, so memory follows the depth, not the number of regions.
"""

from __future__ import annotations

import math

import numpy as np

try:  # numba is a dependency, but the kernels must also run without it.
    from numba import njit

    COMPILED = True
except ImportError:  # pragma: no cover - exercised only without numba
    COMPILED = False

    def njit(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda function: function


# Room for this many more vertices is kept in a part's slot; a part that outgrows its
# slot moves to a new one.
SLACK = 4

__all__ = ["COMPILED", "run_clipping", "adjacency_and_euler", "sorted_edges_and_csr"]


# --- growable buffers ------------------------------------------------------------------------

@njit(cache=True)
def _resized_1d(a, size, keep):
    """A 1-D array of ``size`` entries, the first ``keep`` copied from ``a`` and the others
    uninitialised (their pages become resident only when written, which matters for the
    output of a million regions)."""
    new = np.empty(size, dtype=a.dtype)
    for i in range(keep):
        new[i] = a[i]
    return new


@njit(cache=True)
def _resized_2d(a, size, keep):
    """A 2-D array of ``size`` rows, the first ``keep`` copied from ``a``, the others
    uninitialised."""
    new = np.empty((size, a.shape[1]), dtype=a.dtype)
    for i in range(keep):
        for j in range(a.shape[1]):
            new[i, j] = a[i, j]
    return new


@njit(cache=True)
def _scratch(size):
    """The scratch arrays of one cut (:func:`_cut_parts`): ``(tx, ty, tid, tlab, dist,
    cls, ix, iy, iid)``, room for ``size`` vertices each."""
    return (np.empty(size), np.empty(size), np.empty(size, dtype=np.int32),
            np.empty(size, dtype=np.int32), np.empty(size), np.empty(size, dtype=np.int64),
            np.empty(size), np.empty(size), np.empty(size, dtype=np.int32))


@njit(cache=True)
def _larger(size, need, divisor):
    """The size a buffer of ``size`` entries grows to when ``need`` are wanted: by
    ``1 / divisor`` at least."""
    return max(need, size + size // divisor)


# --- one cell, one layer ---------------------------------------------------------------------

@njit(cache=True)
def _exact_form(level, i, forms, bits, unit_off, w_rows, wt_off, bias, slope, is_neuron):
    """Unit ``i``'s form at ``level >= 1`` summed afresh from the parent's forms, and the
    sizes of the terms summed to make it: ``(a, b, c, grad_mag, const_mag)``.

    The forms of a part are updated incrementally from its siblings', which leaves
    rounding residues where the true form cancels; a form that may be constant is
    therefore recomputed here, in the order the other engines use, before it is judged.
    """
    u0 = unit_off[level - 1]
    n = unit_off[level] - u0
    off = wt_off[level] + i * n
    a = 0.0
    b = 0.0
    c = bias[unit_off[level] + i]
    g = 0.0
    h = abs(c)
    for u in range(n):
        if is_neuron[u0 + u] == 0 or bits[level - 1, u] == 1:
            s = 1.0
        else:
            s = slope[u0 + u]
        if s == 0.0:
            continue
        w = w_rows[off + u]
        f0 = s * forms[level - 1, 0, u]
        f1 = s * forms[level - 1, 1, u]
        f2 = s * forms[level - 1, 2, u]
        a += w * f0
        b += w * f1
        c += w * f2
        g += abs(w) * math.sqrt(f0 * f0 + f1 * f1)
        h += abs(w) * abs(f2)
    return a, b, c, g, h


UNDECIDED = 2   # a base bit not yet decided (see _classify_layer)


@njit(cache=True)
def _disc_sides(level, u0, n, forms, w_l1, gscale, is_neuron, disc_x, disc_y, reach2, parallel,
                base_bits):
    """The first pass of :func:`_classify_layer`, branch-free so that it vectorizes.

    A neuron whose form is clearly a line (gradient norm above ``parallel`` times the
    bound ``w_l1 * gscale`` on the size of its terms) that misses the disc (squared
    reach ``reach2``) gets its side as base bit; other neurons get :data:`UNDECIDED`
    and units that are not neurons 0.
    """
    for u in range(n):
        a = forms[level, 0, u]
        b = forms[level, 1, u]
        c = forms[level, 2, u]
        norm2 = a * a + b * b
        t = parallel * (w_l1[u0 + u] * gscale)
        sc = a * disc_x + b * disc_y + c
        neuron = is_neuron[u0 + u] != 0
        plain = (norm2 > t * t) & (sc * sc > norm2 * reach2)
        base_bits[level, u] = np.uint8(neuron & plain & (sc > 0)) \
            + np.uint8(UNDECIDED) * np.uint8(neuron & ~plain)


@njit(cache=True)
def _classify_layer(level, px, py, p0, pn, disc_x, disc_y, disc_r, forms, bits, base_bits,
                    cross, lines, grad_max, mag0, unit_off, w_rows, wt_off, w_l1, bias, slope,
                    is_neuron, eps, parallel):
    """Sort the layer's neurons into constant, one-sided and crossing for one cell.

    Sets ``base_bits`` (crossing neurons get 0) and lists the crossing neurons in
    ``cross`` with their unit normal and offset in ``lines``. Returns their number.
    A form is a hyperplane iff its gradient's norm exceeds ``parallel`` times the size of
    the terms summed to make it; that size is bounded first by ``w_l1 * grad_max``
    (``grad_max[0]`` is 1: the first layer's ``w_l1`` is that size), and when the bound
    does not decide the form is recomputed exactly (:func:`_exact_form`). A disc holding
    the cell ``(disc_x, disc_y, disc_r)`` decides most one-sided lines without visiting
    vertices, in a first pass over all neurons (:func:`_disc_sides`); the others are
    visited one by one.
    """
    u0 = unit_off[level]
    n = unit_off[level + 1] - u0
    _disc_sides(level, u0, n, forms, w_l1, grad_max[level], is_neuron, disc_x, disc_y,
                (disc_r + eps) ** 2, parallel, base_bits)
    nc = 0
    for u in range(n):
        if base_bits[level, u] != UNDECIDED:
            continue
        base_bits[level, u] = 0
        a = forms[level, 0, u]
        b = forms[level, 1, u]
        c = forms[level, 2, u]
        norm2 = a * a + b * b
        gm = w_l1[u0 + u] * grad_max[level]
        cm = mag0[u, 1] if level == 0 else np.inf
        if not norm2 > (parallel * gm) ** 2:
            if level > 0:
                a, b, c, gm, cm = _exact_form(level, u, forms, bits, unit_off, w_rows,
                                              wt_off, bias, slope, is_neuron)
                forms[level, 0, u] = a
                forms[level, 1, u] = b
                forms[level, 2, u] = c
                norm2 = a * a + b * b
            if not norm2 > (parallel * gm) ** 2:
                # Identically constant on the cell: active iff the constant is > 0.
                if c > parallel * cm:
                    base_bits[level, u] = 1
                continue
        sc = a * disc_x + b * disc_y + c
        if sc * sc > norm2 * (disc_r + eps) ** 2:
            if sc > 0:
                base_bits[level, u] = 1
            continue
        norm = math.sqrt(norm2)
        nx = a / norm
        ny = b / norm
        o = c / norm
        smin = np.inf
        smax = -np.inf
        ssum = 0.0
        for i in range(p0, p0 + pn):
            s = nx * px[i] + ny * py[i] + o
            ssum += s
            smin = min(smin, s)
            smax = max(smax, s)
        if smin < -eps and smax > eps:
            cross[level, nc] = u
            lines[level, nc, 0] = nx
            lines[level, nc, 1] = ny
            lines[level, nc, 2] = o
            nc += 1
        elif smax > eps:
            base_bits[level, u] = 1
        elif smin >= -eps and ssum > 0:
            # The cell lies within eps of the line (it holds no ball of radius eps):
            # the side of its vertex centroid decides.
            base_bits[level, u] = 1
    if level + 1 < unit_off.shape[0] - 1:
        # A bound on the gradients of the next layer's inputs, whatever the bits.
        gmax = 0.0
        for u in range(n):
            if is_neuron[u0 + u] == 0:
                s = 1.0
            else:
                s = max(1.0, abs(slope[u0 + u]))
            gmax = max(gmax, s * math.sqrt(forms[level, 0, u] ** 2 + forms[level, 1, u] ** 2))
        grad_max[level + 1] = gmax
    return nc


@njit(cache=True)
def _add_scaled_row(forms, level, w, start, m, f0, f1, f2):
    """``forms[level, k, :m] += w[start:start + m] * f_k`` for ``k = 0, 1, 2``.

    (Indices, not views: a view of an array costs two atomic reference counts. One loop,
    not three: it reads each weight once and vectorizes, twice as fast.)
    """
    for i in range(m):
        wi = w[start + i]
        forms[level, 0, i] += wi * f0
        forms[level, 1, i] += wi * f1
        forms[level, 2, i] += wi * f2


@njit(cache=True)
def _base_forms(level, forms, base, base_bits, unit_off, w_rows, wt_off, bias, slope, is_neuron,
                scaled):
    """Forms of layer ``level + 1`` with the base bits of layer ``level``.

    One dot product per unit of layer ``level + 1`` and coefficient, over the rows of its
    weights (``w_rows``: the weights ``(n_{l+1}, n_l)`` row-major); ``scaled`` is scratch.
    """
    u0 = unit_off[level]
    n = unit_off[level + 1] - u0
    v0 = unit_off[level + 1]
    m = unit_off[level + 2] - v0
    off = wt_off[level + 1]
    g0 = scaled[0]
    g1 = scaled[1]
    g2 = scaled[2]
    for u in range(n):
        if is_neuron[u0 + u] == 0 or base_bits[level, u] == 1:
            s = 1.0
        else:
            s = slope[u0 + u]
        g0[u] = s * forms[level, 0, u]
        g1[u] = s * forms[level, 1, u]
        g2[u] = s * forms[level, 2, u]
    for i in range(m):
        base[level, 0, i], base[level, 1, i], base[level, 2, i] = _dot3(
            w_rows, off + i * n, n, g0, g1, g2)
        base[level, 2, i] += bias[v0 + i]


@njit(cache=True, fastmath={"reassoc", "contract"})
def _dot3(w, start, n, g0, g1, g2):
    """``(v @ g0[:n], v @ g1[:n], v @ g2[:n])`` for ``v = w[start:start + n]`` (summed in
    any order, so that it vectorizes)."""
    a0 = 0.0
    a1 = 0.0
    a2 = 0.0
    for u in range(n):
        a0 += w[start + u] * g0[u]
        a1 += w[start + u] * g1[u]
        a2 += w[start + u] * g2[u]
    return a0, a1, a2


@njit(cache=True)
def _child_forms(level, nc, forms, base, bits, cross, unit_off, wt, wt_off, slope):
    """Forms of layer ``level + 1`` on the current part of ``level`` (whose bits are set):
    the base plus one update per active crossing neuron."""
    u0 = unit_off[level]
    m = unit_off[level + 2] - unit_off[level + 1]
    off = wt_off[level + 1]
    nxt = level + 1
    for i in range(m):
        forms[nxt, 0, i] = base[level, 0, i]
        forms[nxt, 1, i] = base[level, 1, i]
        forms[nxt, 2, i] = base[level, 2, i]
    for ci in range(nc):
        u = cross[level, ci]
        if bits[level, u] == 0:
            continue
        ds = 1.0 - slope[u0 + u]
        _add_scaled_row(forms, nxt, wt, off + u * m, m, ds * forms[level, 0, u],
                        ds * forms[level, 1, u], ds * forms[level, 2, u])


@njit(cache=True)
def _bit(bits, row, i):
    """Bit ``i`` of a row of packed bits."""
    return (bits[row, i >> 3] >> (i & 7)) & 1


@njit(cache=True)
def _set_bit(bits, row, i, value):
    """Set bit ``i`` of a row of packed bits to ``value`` (0 or 1, or a bool), branch-free:
    in the disc tests that settle most parts, the side is a coin toss that a branch would
    mispredict half of the time."""
    q = i >> 3
    mask = np.uint8(1 << (i & 7))
    bits[row, q] = (bits[row, q] & ~mask) | (mask * np.uint8(value))


@njit(cache=True)
def _flip(level, nc, pbits, previous, child, cross, unit_off, neuron_id, bits, packed, forms,
          wt, wt_off, slope, update_forms):
    """Move the bits, packed bits and (with ``update_forms``) the next layer's forms from
    part ``previous`` to part ``child``, siblings of one cell: one update per crossing
    neuron whose bit differs (neighbours differ in one). Returns the number of updates.
    """
    u0 = unit_off[level]
    m = unit_off[level + 2] - unit_off[level + 1] if update_forms else 0
    off = wt_off[level + 1] if update_forms else 0
    flips = 0
    for q in range((nc + 7) >> 3):
        diff = pbits[child, q] ^ pbits[previous, q]
        if diff == 0:
            continue
        for t in range(8):
            ci = 8 * q + t
            if (diff >> t) & 1 == 0 or ci >= nc:
                continue
            flips += 1
            now = (pbits[child, q] >> t) & 1
            u = cross[level, ci]
            bits[level, u] = now
            g = neuron_id[u0 + u]
            packed[level, g >> 3] ^= np.uint8(1 << (7 - (g & 7)))
            if update_forms:
                ds = 1.0 - slope[u0 + u]
                if now == 0:
                    ds = -ds
                _add_scaled_row(forms, level + 1, wt, off + u * m, m, ds * forms[level, 0, u],
                                ds * forms[level, 1, u], ds * forms[level, 2, u])
    return flips


@njit(cache=True)
def _hilbert_key(x, y):
    """Position of the cell ``(x, y)`` of a 65536 x 65536 grid along a Hilbert curve."""
    d = 0
    s = 32768
    while s > 0:
        rx = 1 if x & s else 0
        ry = 1 if y & s else 0
        d += s * s * ((3 * rx) ^ ry)
        if ry == 0:
            if rx == 1:
                x = 65535 - x
                y = 65535 - y
            x, y = y, x
        s >>= 1
    return d


@njit(cache=True)
def _spatial_order(pcx, pcy, cb, n, order, keys):
    """``order[cb:cb + n]``: the parts sorted along a Hilbert curve of their centres, so
    that consecutive parts are mostly neighbours (few bits differ between them: on the
    parts of 800 random lines, 1.6 on average, against 2.3 along a Morton curve)."""
    x0 = np.inf
    x1 = -np.inf
    y0 = np.inf
    y1 = -np.inf
    for j in range(cb, cb + n):
        x0 = min(x0, pcx[j])
        x1 = max(x1, pcx[j])
        y0 = min(y0, pcy[j])
        y1 = max(y1, pcy[j])
    sx = 65535.0 / (x1 - x0) if x1 > x0 else 0.0
    sy = 65535.0 / (y1 - y0) if y1 > y0 else 0.0
    for j in range(cb, cb + n):
        keys[j] = _hilbert_key(np.int64((pcx[j] - x0) * sx), np.int64((pcy[j] - y0) * sy))
        order[j] = j
    _sort_segment(keys, order, cb, cb + n)


@njit(cache=True)
def _disc(x, y, p0, k):
    """Vertex mean of a polygon and its largest distance to a vertex."""
    cx = 0.0
    cy = 0.0
    for i in range(p0, p0 + k):
        cx += x[i]
        cy += y[i]
    cx /= k
    cy /= k
    r2 = 0.0
    for i in range(p0, p0 + k):
        r2 = max(r2, (x[i] - cx) ** 2 + (y[i] - cy) ** 2)
    return cx, cy, math.sqrt(r2)


@njit(cache=True)
def _crossing(px, py, qx, qy, dp, dq, chord_lines, edge_chord, nx, ny, o):
    """Where the line ``nx x + ny y + o = 0`` crosses the edge from ``p`` to ``q`` (signed
    distances ``dp`` and ``dq``, of opposite signs), which lies on chord ``edge_chord``.

    The point is solved from the two lines, so that its rounding error is relative to its
    own coordinates: interpolating between the edge's end points would carry their
    rounding error, which is relative to theirs (the corners of a window holding far
    vertices, say). Should rounding put the solved point off the edge, the interpolated
    one is taken.
    """
    mx = chord_lines[edge_chord, 1]
    my = -chord_lines[edge_chord, 0]
    mo = chord_lines[edge_chord, 2]
    det = mx * ny - my * nx
    ex = qx - px
    ey = qy - py
    if det != 0.0:
        cx = (my * o - mo * ny) / det
        cy = (nx * mo - mx * o) / det
        s = (cx - px) * ex + (cy - py) * ey
        if 0.0 <= s <= ex * ex + ey * ey:
            return cx, cy
    t = dp / (dp - dq)
    return px + t * ex, py + t * ey


@njit(cache=True)
def _cut_parts(x, y, vid, lab, st, ln, cap, pbits, dcx, dcy, drr, cb, n_sub, first, lo, hi,
               row_bytes, alloc, total, spare, ci, nx, ny, o, eps, tx, ty, tid, tlab, dist,
               cls, ix, iy, iid, counters, chord_lines, chord_neuron, neuron):
    """Cut parts ``first`` (if ``>= 0``) and ``lo .. hi - 1`` of one cell by one line, in
    place; new parts are appended after the cell's ``n_sub`` parts.

    Part ``j`` is entry ``cb + j`` of the part arrays: its vertices are
    ``st .. st + ln - 1`` of the vertex arrays (in a slot of ``cap`` vertices), its
    crossing bits ``pbits`` (packed) and a disc ``(dcx, dcy, drr)`` holding it. A part is cut only
    when it has vertices farther than ``eps`` on both sides; then its positive half stays
    in its slot (or moves to a new one at ``alloc`` when it outgrows it) and its negative
    half gets a new slot, each with room for ``spare`` more vertices. Otherwise its bit
    ``ci`` is its side. Every cut makes a chord: its line (direction and offset) goes to
    ``chord_lines`` and the line's neuron to ``chord_neuron`` (room for ``n_sub`` more is
    the caller's to provide; so is room in the vertex and part pools).

    A new part gets a copy of the ``row_bytes`` bytes of its parent's bits.

    Returns ``(n_parts, alloc, total_vertices)``.
    """
    m = n_sub
    n_cut = hi - lo + (1 if first >= 0 else 0)
    for k in range(n_cut):
        if first < 0:
            j = lo + k
        else:
            j = first if k == 0 else lo + k - 1
        sc = nx * dcx[j] + ny * dcy[j] + o
        if abs(sc) > drr[j] + eps:
            # The disc is on one side (most parts, for most lines).
            _set_bit(pbits, j, ci, sc > 0)
            continue
        s0 = st[j]
        k = ln[j]
        has_pos = False
        has_neg = False
        ssum = 0.0
        for i in range(k):
            s = nx * x[s0 + i] + ny * y[s0 + i] + o
            dist[i] = s
            ssum += s
            if s > eps:
                cls[i] = 1
                has_pos = True
            elif s < -eps:
                cls[i] = -1
                has_neg = True
            else:
                cls[i] = 0
        if not (has_pos and has_neg):
            _set_bit(pbits, j, ci, 1 if has_pos or (not has_neg and ssum > 0) else 0)
            continue
        chord = counters[0]
        first_id = counters[1]
        counters[0] = chord + 1
        chord_lines[chord, 0] = -ny
        chord_lines[chord, 1] = nx
        chord_lines[chord, 2] = o
        chord_neuron[chord] = neuron
        for i in range(k):
            nxt = i + 1 if i + 1 < k else 0
            if cls[i] * cls[nxt] < 0:
                ix[i], iy[i] = _crossing(x[s0 + i], y[s0 + i], x[s0 + nxt], y[s0 + nxt],
                                         dist[i], dist[nxt], chord_lines, lab[s0 + i] >> 1,
                                         nx, ny, o)
                iid[i] = counters[1]
                counters[1] += 1
        new0 = alloc
        k_pos = 0
        k_neg = 0
        for side in range(1, -1, -1):
            sign = 1 if side == 1 else -1
            label = 2 * chord + 1 - side
            # The positive half goes to scratch (its slot is being read), the negative
            # half straight to the new slot.
            q = 0
            for i in range(k):
                nxt = i + 1 if i + 1 < k else 0
                ci_ = sign * cls[i]
                cj_ = sign * cls[nxt]
                if ci_ >= 0:
                    plab_ = label if (ci_ == 0 and cj_ < 0) else lab[s0 + i]
                    if side == 1:
                        tx[q] = x[s0 + i]
                        ty[q] = y[s0 + i]
                        tid[q] = vid[s0 + i]
                        tlab[q] = plab_
                    else:
                        x[new0 + q] = x[s0 + i]
                        y[new0 + q] = y[s0 + i]
                        vid[new0 + q] = vid[s0 + i]
                        lab[new0 + q] = plab_
                    q += 1
                if ci_ * cj_ < 0:
                    plab_ = label if cj_ < 0 else lab[s0 + i]
                    if side == 1:
                        tx[q] = ix[i]
                        ty[q] = iy[i]
                        tid[q] = iid[i]
                        tlab[q] = plab_
                    else:
                        x[new0 + q] = ix[i]
                        y[new0 + q] = iy[i]
                        vid[new0 + q] = iid[i]
                        lab[new0 + q] = plab_
                    q += 1
            if side == 1:
                k_pos = q
            else:
                k_neg = q
        # A half exists only if it holds a ball of radius > eps, as in the general engine:
        # otherwise the part is not cut and goes whole to the side of the thicker half.
        r_pos = _thickness(tx, ty, 0, k_pos, eps)
        r_neg = _thickness(x, y, new0, k_neg, eps)
        if r_pos <= eps or r_neg <= eps:
            counters[0] = chord
            counters[1] = first_id
            _set_bit(pbits, j, ci, 1 if r_pos >= r_neg else 0)
            continue
        jn = cb + m
        cap[jn] = k_neg + spare
        alloc += cap[jn]
        if k_pos > cap[j]:
            s0 = alloc
            st[j] = s0
            cap[j] = k_pos + spare
            alloc += cap[j]
        for i in range(k_pos):
            x[s0 + i] = tx[i]
            y[s0 + i] = ty[i]
            vid[s0 + i] = tid[i]
            lab[s0 + i] = tlab[i]
        total += k_pos + k_neg - k
        ln[j] = k_pos
        st[jn] = new0
        ln[jn] = k_neg
        for q in range(row_bytes):
            pbits[jn, q] = pbits[j, q]
        _set_bit(pbits, j, ci, 1)
        _set_bit(pbits, jn, ci, 0)
        dcx[j], dcy[j], drr[j] = _disc(x, y, s0, k_pos)
        dcx[jn], dcy[jn], drr[jn] = _disc(x, y, new0, k_neg)
        m += 1
    return m, alloc, total


@njit(cache=True)
def _compact_parts(x, y, vid, lab, st, ln, cap, cb, n, start, spare):
    """Move the slots of parts ``cb .. cb + n - 1`` together from ``start`` on, each with
    room for ``spare`` more vertices, dropping the space of slots left behind by cuts.

    Returns the new end of the row.
    """
    size = 0
    for j in range(cb, cb + n):
        size += ln[j] + spare
    tx = np.empty(size)
    ty = np.empty(size)
    tid = np.empty(size, dtype=np.int32)
    tlab = np.empty(size, dtype=np.int32)
    w = 0
    for j in range(cb, cb + n):
        s0 = st[j]
        for i in range(ln[j]):
            tx[w + i] = x[s0 + i]
            ty[w + i] = y[s0 + i]
            tid[w + i] = vid[s0 + i]
            tlab[w + i] = lab[s0 + i]
        st[j] = start + w
        cap[j] = ln[j] + spare
        w += cap[j]
    for i in range(w):
        x[start + i] = tx[i]
        y[start + i] = ty[i]
        vid[start + i] = tid[i]
        lab[start + i] = tlab[i]
    return start + w


@njit(cache=True)
def _det3(a1, b1, c1, a2, b2, c2, a3, b3, c3):
    """Determinant of the 3 x 3 matrix with rows ``(a_i, b_i, c_i)``."""
    return a1 * (b2 * c3 - c2 * b3) - b1 * (a2 * c3 - c2 * a3) + c1 * (a2 * b3 - b2 * a3)


@njit(cache=True)
def _thickness(x, y, p0, k, eps):
    """The inradius of a convex polygon where it is at most ``eps``, else a value above.

    ``area / perimeter`` and then the ball around the area centroid give lower bounds in
    ``O(k)``; only when both are ``<= eps`` is the largest inscribed ball found exactly:
    its centre is equidistant from three sides (or two parallel ones), so every triple of
    sides is tried (the polygon is then tiny, and ``k`` small).
    """
    if k < 3:
        return 0.0
    # Cheapest first: r >= area / perimeter for a convex set, and its perimeter is at
    # most its bounding box's (no square roots).
    area2 = 0.0
    xmin = xmax = x[p0]
    ymin = ymax = y[p0]
    for i in range(k):
        j = i + 1 if i + 1 < k else 0
        area2 += x[p0 + i] * y[p0 + j] - x[p0 + j] * y[p0 + i]
        xmin = min(xmin, x[p0 + i])
        xmax = max(xmax, x[p0 + i])
        ymin = min(ymin, y[p0 + i])
        ymax = max(ymax, y[p0 + i])
    bound = 0.5 * area2 / (2.0 * ((xmax - xmin) + (ymax - ymin)) + 1e-300)
    if bound > 2.0 * eps:  # margin for the rounding of the shoelace sum
        return bound
    _, _, rad = _centroid_ball(x, y, p0, k)
    if rad > eps:
        return rad
    best = 0.0
    nx = np.empty(k)
    ny = np.empty(k)
    off = np.empty(k)
    valid = np.zeros(k, dtype=np.bool_)
    for i in range(k):
        j = i + 1 if i + 1 < k else 0
        ex = x[p0 + j] - x[p0 + i]
        ey = y[p0 + j] - y[p0 + i]
        length = math.sqrt(ex * ex + ey * ey)
        if length > 0.0:
            # Inward unit normal of a counter-clockwise polygon: distance n . p - off.
            nx[i] = -ey / length
            ny[i] = ex / length
            off[i] = nx[i] * x[p0 + i] + ny[i] * y[p0 + i]
            valid[i] = True
    for a in range(k):
        if not valid[a]:
            continue
        for b in range(a + 1, k):
            if not valid[b]:
                continue
            for c in range(b + 1, k):
                if not valid[c]:
                    continue
                # n . p - r = off for the three sides (Cramer's rule on (px, py, r)).
                det = _det3(nx[a], ny[a], -1.0, nx[b], ny[b], -1.0, nx[c], ny[c], -1.0)
                if det == 0.0:
                    continue
                px = _det3(off[a], ny[a], -1.0, off[b], ny[b], -1.0, off[c], ny[c], -1.0) / det
                py = _det3(nx[a], off[a], -1.0, nx[b], off[b], -1.0, nx[c], off[c], -1.0) / det
                r = _det3(nx[a], ny[a], off[a], nx[b], ny[b], off[b], nx[c], ny[c], off[c]) / det
                if r <= best:
                    continue
                inside = True
                for m in range(k):
                    if valid[m] and nx[m] * px + ny[m] * py - off[m] < r * (1.0 - 1e-9):
                        inside = False
                        break
                if inside:
                    best = r
    return max(best, rad)


@njit(cache=True)
def _centroid_ball(x, y, p0, k):
    """Area centroid of a convex polygon and the radius of the largest ball around it."""
    x0 = x[p0]
    y0 = y[p0]
    area2 = 0.0
    mx = 0.0
    my = 0.0
    for i in range(k):
        j = i + 1 if i + 1 < k else 0
        xi = x[p0 + i] - x0
        yi = y[p0 + i] - y0
        xj = x[p0 + j] - x0
        yj = y[p0 + j] - y0
        cr = xi * yj - xj * yi
        area2 += cr
        mx += (xi + xj) * cr
        my += (yi + yj) * cr
    gx = 0.0
    gy = 0.0
    if area2 > 0:
        gx = mx / (3.0 * area2)
        gy = my / (3.0 * area2)
    else:
        for i in range(k):
            gx += (x[p0 + i] - x0) / k
            gy += (y[p0 + i] - y0) / k
    rad = np.inf
    for i in range(k):
        j = i + 1 if i + 1 < k else 0
        ex = x[p0 + j] - x[p0 + i]
        ey = y[p0 + j] - y[p0 + i]
        length = math.sqrt(ex * ex + ey * ey)
        if length == 0.0:
            continue
        d = (ex * (gy - (y[p0 + i] - y0)) - ey * (gx - (x[p0 + i] - x0))) / length
        rad = min(rad, d)
    return gx + x0, gy + y0, max(rad, 0.0)


# --- the search --------------------------------------------------------------------------------

# Codes the search returns to its driver (:func:`run_clipping`), which grows the named
# buffers and resumes it. The search never replaces an array itself: numba counts the
# references of an array variable reassigned in a loop atomically on every iteration,
# which cost half the kernel's time when the buffers grew in place.
DONE = 0
NEED_ROOM = 1

# Slots of the search's resumable state (an int64 array).
ST_LEVEL, ST_CELL, ST_ENTER, ST_REGIONS, ST_OUT_V = 0, 1, 2, 3, 4
# (and, while a cell is being cut: the next line, the parts so far, the end of the row's
# slots and its vertices)
ST_CUTTING, ST_LINE, ST_N_SUB, ST_ALLOC, ST_TOTAL = 5, 6, 7, 8, 9
# (and, once the first COARSE_LINES lines have cut the whole cell: the coarse part being
# cut, the next of its lines, their number, its first descendant, the coarse parts)
ST_COARSE, ST_POS, ST_N_OWN, ST_FIRST, ST_N_COARSE = 10, 11, 12, 13, 14
N_STATE = 15
# A cell crossed by COARSE_MIN lines or more is cut by its first COARSE_LINES lines
# whole; then each of those coarse parts, with its descendants, is cut only by the
# remaining lines that pass through its disc (the others give it its bits at once,
# which its descendants copy). With n random lines, testing every line against every
# part costs n^3 / 6; this, about (n / COARSE_LINES)^2 tests for each part.
COARSE_LINES, COARSE_MIN = 32, 96
# Slots of the sizes the search asks for.
NEED_V, NEED_P, NEED_SCRATCH, NEED_CHORDS, NEED_R, NEED_OUT_V = 0, 1, 2, 3, 4, 5
# (and how many entries of the vertex and part pools are in use, to be kept)
KEEP_V, KEEP_P = 6, 7


@njit(cache=True)
def _search(state, need, mag0, unit_off, wt, w_rows, wt_off, w_l1, bias, slope,
            is_neuron, neuron_id, n_bytes, eps, parallel, store, limit, forms, base, scaled,
            base_packed, packed, base_bits, bits, cross, own, lines, grad_max, n_cross, n_child,
            next_child, previous, updates, vbase, vtop, cbase, n_parts, vx, vy, vid, vlab, pst,
            pln, pcap, pcx, pcy, prr, pbits, porder, pkeys, tx, ty, tid, tlab, dist, cls, ix,
            iy, iid, counters, chord_lines, chord_neuron, patterns, points, radii, indptr, oxy,
            olab, oid):
    """The depth-first search of :func:`run_clipping`, from the point ``state`` holds.

    Runs until every region is found (returns :data:`DONE`) or a buffer is too small for
    the next step (returns :data:`NEED_ROOM` with the sizes wanted in ``need``; the step
    is then taken on resumption: entering a cell, the next cut of the cell being cut, or
    storing a region).
    """
    L = unit_off.shape[0] - 1
    nb = max(n_bytes, 1)
    level = state[ST_LEVEL]
    cell = state[ST_CELL]
    enter = state[ST_ENTER] == 1
    n_regions = state[ST_REGIONS]
    n_out_v = state[ST_OUT_V]
    cutting = state[ST_CUTTING] == 1
    ci0 = state[ST_LINE]
    n_sub = state[ST_N_SUB]
    alloc = state[ST_ALLOC]
    total = state[ST_TOTAL]
    cp = state[ST_COARSE]
    pos = state[ST_POS]
    n_own = state[ST_N_OWN]
    first_d = state[ST_FIRST]
    n_coarse = state[ST_N_COARSE]
    status = DONE
    while True:
        if enter:
            # Cut cell `cell` of row `level` by layer `level`; its parts go to row level + 1.
            g = cbase[level] + cell
            p0 = pst[g]
            pn = pln[g]
            nc = _classify_layer(level, vx, vy, p0, pn, pcx[g], pcy[g], prr[g], forms, bits,
                                 base_bits, cross, lines, grad_max, mag0, unit_off, w_rows,
                                 wt_off, w_l1, bias, slope, is_neuron, eps, parallel)
            n_cross[level] = nc
            row = level + 1
            slot = pn + min(nc, SLACK)
            cb = cbase[level] + n_parts[level]
            alloc = vtop[level]
            if (tx.shape[0] < pn + nc or vx.shape[0] < alloc + slot
                    or pst.shape[0] < cb + 1):
                need[NEED_SCRATCH] = 2 * (pn + nc)
                need[NEED_V] = alloc + slot
                need[NEED_P] = cb + 1
                need[KEEP_V] = alloc
                need[KEEP_P] = cb
                status = NEED_ROOM
                break
            enter = False
            u0 = unit_off[level]
            for q in range(nb):
                base_packed[level, q] = 0
            for u in range(unit_off[level + 1] - u0):
                g = neuron_id[u0 + u]
                if g >= 0 and base_bits[level, u] == 1:
                    base_packed[level, g >> 3] |= np.uint8(1 << (7 - (g & 7)))
            if level < L - 1:
                _base_forms(level, forms, base, base_bits, unit_off, w_rows, wt_off, bias, slope,
                            is_neuron, scaled)
            vbase[row] = alloc
            cbase[row] = cb
            for i in range(pn):
                vx[alloc + i] = vx[p0 + i]
                vy[alloc + i] = vy[p0 + i]
                vid[alloc + i] = vid[p0 + i]
                vlab[alloc + i] = vlab[p0 + i]
            pst[cb] = alloc
            pln[cb] = pn
            pcap[cb] = slot
            pcx[cb], pcy[cb], prr[cb] = _disc(vx, vy, alloc, pn)
            alloc += slot
            n_sub = 1
            total = pn
            cutting = True
            ci0 = 0
        if cutting:
            row = level + 1
            cb = cbase[row]
            nc = n_cross[level]
            row_bytes = (nc + 7) >> 3
            coarse = COARSE_LINES if nc >= COARSE_MIN else nc
            while True:
                if ci0 < coarse:
                    # The first lines cut every part of the cell.
                    ci = ci0
                    first = -1
                    lo = cb
                    left = nc - 1 - ci
                else:
                    # Then each coarse part, with its descendants, by its own lines.
                    if coarse == nc or cp >= n_coarse:
                        break
                    j = cb + cp
                    if pos < 0:
                        n_own = 0
                        for cl in range(coarse, nc):
                            sc = (lines[level, cl, 0] * pcx[j] + lines[level, cl, 1] * pcy[j]
                                  + lines[level, cl, 2])
                            if abs(sc) > prr[j] + eps:
                                _set_bit(pbits, j, cl, sc > 0)
                            else:
                                own[n_own] = cl
                                n_own += 1
                        pos = 0
                        first_d = cb + n_sub
                    if pos >= n_own:
                        cp += 1
                        pos = -1
                        continue
                    ci = own[pos]
                    first = j
                    lo = first_d
                    left = n_own - 1 - pos
                spare = min(left, SLACK)
                if alloc - vbase[row] > 2 * (total + n_sub * SLACK) + 4096:
                    # Cuts leave old slots behind: pack the row when half of it is waste.
                    alloc = _compact_parts(vx, vy, vid, vlab, pst, pln, pcap, cb, n_sub,
                                           vbase[row], spare + 1)
                need_v = alloc + 2 * (total + n_sub * (1 + spare))
                need_p = cb + 2 * n_sub
                need_c = counters[0] + n_sub
                if (vx.shape[0] < need_v or pst.shape[0] < need_p
                        or chord_lines.shape[0] < need_c):
                    # Out of room in the middle of the cell: this cut on resumption.
                    need[NEED_V] = need_v
                    need[NEED_P] = need_p
                    need[NEED_CHORDS] = need_c
                    need[KEEP_V] = alloc
                    need[KEEP_P] = cb + n_sub
                    status = NEED_ROOM
                    break
                n_sub, alloc, total = _cut_parts(
                    vx, vy, vid, vlab, pst, pln, pcap, pbits, pcx, pcy, prr, cb, n_sub, first,
                    lo, cb + n_sub, row_bytes, alloc, total, spare, ci, lines[level, ci, 0],
                    lines[level, ci, 1], lines[level, ci, 2], eps, tx, ty, tid, tlab, dist,
                    cls, ix, iy, iid, counters, chord_lines, chord_neuron,
                    neuron_id[unit_off[level] + cross[level, ci]])
                if ci0 < coarse:
                    ci0 += 1
                    if ci0 == coarse:
                        cp = 0
                        pos = -1
                        n_coarse = n_sub
                else:
                    pos += 1
            if status == NEED_ROOM:
                break
            cutting = False
            vtop[row] = alloc
            n_parts[row] = n_sub
            n_child[level] = n_sub
            next_child[level] = 0
            previous[level] = -1
            if level < L - 1 and n_sub > 2:
                _spatial_order(pcx, pcy, cb, n_sub, porder, pkeys)
            else:
                for j in range(cb, cb + n_sub):
                    porder[j] = j
        if next_child[level] >= n_child[level]:
            if level == 0:
                break
            level -= 1
            continue
        row = level + 1
        gc = porder[cbase[row] + next_child[level]]
        if level == L - 1 and store != 0:
            k = pln[gc]
            if patterns.shape[0] < n_regions + 1 or oxy.shape[0] < n_out_v + k:
                need[NEED_R] = n_regions + 1
                need[NEED_OUT_V] = n_out_v + k
                status = NEED_ROOM
                break
        child = gc - cbase[row]
        next_child[level] += 1
        nc = n_cross[level]
        u0 = unit_off[level]
        inner = level < L - 1
        if inner or store != 0:
            # The child's bits, packed bits and (inside) the next layer's forms. Siblings
            # are in an order where neighbours follow each other: the previous one's are
            # updated where the bits differ, and recomputed from the cell's base when
            # the updates since the last recomputation outnumber the rows it sums, which
            # bounds both their rounding error and their cost by twice a recomputation's.
            if previous[level] < 0 or (inner and updates[level] >= max(64, nc)):
                for q in range(nb):
                    packed[level, q] = base_packed[level, q]
                for ci in range(nc):
                    if _bit(pbits, gc, ci) == 1:
                        g = neuron_id[u0 + cross[level, ci]]
                        packed[level, g >> 3] |= np.uint8(1 << (7 - (g & 7)))
                for u in range(unit_off[level + 1] - u0):
                    bits[level, u] = base_bits[level, u]
                for ci in range(nc):
                    bits[level, cross[level, ci]] = _bit(pbits, gc, ci)
                if inner:
                    _child_forms(level, nc, forms, base, bits, cross, unit_off, wt, wt_off,
                                 slope)
                updates[level] = 0
            else:
                updates[level] += _flip(level, nc, pbits, previous[level], gc, cross,
                                        unit_off, neuron_id, bits, packed, forms, wt, wt_off,
                                        slope, inner)
            previous[level] = gc
        if inner:
            level = row
            cell = child
            enter = True
            continue
        # A region.
        r = n_regions
        n_regions += 1
        if limit > 0 and n_regions > limit:
            break
        if store == 0:
            continue
        for q in range(nb):
            byte = packed[0, q]
            for lv in range(1, L):
                byte |= packed[lv, q]
            patterns[r, q] = byte
        p0 = pst[gc]
        k = pln[gc]
        for i in range(k):
            oxy[n_out_v + i, 0] = vx[p0 + i]
            oxy[n_out_v + i, 1] = vy[p0 + i]
            olab[n_out_v + i] = vlab[p0 + i]
            oid[n_out_v + i] = vid[p0 + i]
        n_out_v += k
        indptr[r + 1] = n_out_v
        gx, gy, rad = _centroid_ball(vx, vy, p0, k)
        points[r, 0] = gx
        points[r, 1] = gy
        radii[r] = rad
    state[ST_LEVEL] = level
    state[ST_CELL] = cell
    state[ST_ENTER] = 1 if enter else 0
    state[ST_REGIONS] = n_regions
    state[ST_OUT_V] = n_out_v
    state[ST_CUTTING] = 1 if cutting else 0
    state[ST_LINE] = ci0
    state[ST_N_SUB] = n_sub
    state[ST_ALLOC] = alloc
    state[ST_TOTAL] = total
    state[ST_COARSE] = cp
    state[ST_POS] = pos
    state[ST_N_OWN] = n_own
    state[ST_FIRST] = first_d
    state[ST_N_COARSE] = n_coarse
    return status


@njit(cache=True)
def run_clipping(root_x, root_y, root_id, root_lab, forms0, mag0, unit_off, wt, w_rows, wt_off,
                 w_l1, bias, slope, is_neuron, neuron_id, chord_lines, n_bytes, eps, parallel,
                 store, limit):
    """Enumerate every region of the network inside the convex polygon ``root``.

    Parameters
    ----------
    root_x, root_y, root_id, root_lab : the domain polygon (coordinates, vertex ids,
        edge labels).
    forms0 : float64 (n_0, 3), the first layer's forms; mag0 (n_0, 2) their magnitudes.
    unit_off : int64 (L + 1,), units of layer l are ``unit_off[l] .. unit_off[l + 1] - 1``.
    wt, w_rows, wt_off : the weights of layers ``l >= 1``, flattened, layer ``l`` starting at
        ``wt_off[l]``: transposed ``(n_{l-1}, n_l)`` and as they are ``(n_l, n_{l-1})``,
        both row-major; w_l1 the 1-norm of each unit's weight row.
    bias, slope, is_neuron, neuron_id : per unit (neuron_id is the global neuron index or -1).
    chord_lines : float64 (k0, 3), the domain's sides as lines: the unit direction
        ``(d0, d1)`` of side ``i`` and the offset ``o`` of its line
        ``d1 x - d0 y + o = 0``. The chords made by cuts are appended.
    n_bytes, eps, parallel, store : packed pattern width, distance threshold, relative
        threshold of constant forms, and 0 to count only.
    limit : stop after region ``limit + 1`` (0: no limit); the caller raises.

    Returns
    -------
    (n_regions, patterns, points, radii, indptr, xy, labels, ids, chord_lines,
     chord_neuron, n_ids)
        with ``xy`` (n_vertices, 2), int32 ``labels`` and ``ids``, and the neuron of every
        chord (-1 for the domain's sides); arrays may be views of larger buffers.

    The search (:func:`_search`) runs in its buffers until one is too small; this driver
    then grows it and resumes the search.
    """
    L = unit_off.shape[0] - 1
    maxw = 1
    for lv in range(L):
        maxw = max(maxw, unit_off[lv + 1] - unit_off[lv])
    forms = np.zeros((L, 3, maxw))
    base = np.zeros((L, 3, maxw))
    scaled = np.zeros((3, maxw))
    nb = max(n_bytes, 1)
    base_packed = np.zeros((L, nb), dtype=np.uint8)   # packed base bits of each level
    packed = np.zeros((L, nb), dtype=np.uint8)        # packed bits of the current child
    base_bits = np.zeros((L, maxw), dtype=np.uint8)
    bits = np.zeros((L, maxw), dtype=np.uint8)
    cross = np.zeros((L, maxw), dtype=np.int64)
    own = np.zeros(maxw, dtype=np.int64)   # a coarse part's own lines (see COARSE_LINES)
    lines = np.zeros((L, maxw, 3))
    grad_max = np.zeros(L)
    grad_max[0] = 1.0   # the first layer's w_l1 is the size of its terms
    n_cross = np.zeros(L, dtype=np.int64)
    n_child = np.zeros(L, dtype=np.int64)
    next_child = np.zeros(L, dtype=np.int64)
    k0 = root_x.shape[0]
    # Pools: row l (the parts of the current cell of level l - 1; row 0 is the domain)
    # uses vertices vbase[l] .. vtop[l] - 1 and parts cbase[l] .. cbase[l] + n_parts[l] - 1.
    # Rows are a stack: entering a cell of level l overwrites rows > l.
    cap_v = max(1024, 4 * k0)
    cap_p = 256
    vx = np.empty(cap_v)
    vy = np.empty(cap_v)
    vid = np.empty(cap_v, dtype=np.int32)
    vlab = np.empty(cap_v, dtype=np.int32)
    pst = np.empty(cap_p, dtype=np.int64)
    pln = np.empty(cap_p, dtype=np.int64)
    pcap = np.empty(cap_p, dtype=np.int64)
    pcx = np.empty(cap_p)
    pcy = np.empty(cap_p)
    prr = np.empty(cap_p)
    pbits = np.zeros((cap_p, (maxw + 7) // 8), dtype=np.uint8)  # crossing bits, packed
    porder = np.empty(cap_p, dtype=np.int64)
    pkeys = np.empty(cap_p, dtype=np.int64)
    previous = np.full(L, -1, dtype=np.int64)
    updates = np.zeros(L, dtype=np.int64)
    vbase = np.zeros(L + 1, dtype=np.int64)
    vtop = np.zeros(L + 1, dtype=np.int64)
    cbase = np.zeros(L + 1, dtype=np.int64)
    n_parts = np.zeros(L + 1, dtype=np.int64)
    tx, ty, tid, tlab, dist, cls, ix, iy, iid = _scratch(64)
    counters = np.zeros(2, dtype=np.int64)  # chords, vertex ids
    counters[0] = chord_lines.shape[0]
    counters[1] = k0
    chord_lines = _resized_2d(chord_lines, max(64, chord_lines.shape[0]), chord_lines.shape[0])
    chord_neuron = np.full(chord_lines.shape[0], -1, dtype=np.int64)
    # Outputs.
    cap_r = 1024 if store else 1
    patterns = np.zeros((cap_r, nb), dtype=np.uint8)
    points = np.empty((cap_r, 2))
    radii = np.empty(cap_r)
    indptr = np.zeros(cap_r + 1, dtype=np.int64)
    oxy = np.empty((8 * cap_r, 2))
    olab = np.empty(8 * cap_r, dtype=np.int32)
    oid = np.empty(8 * cap_r, dtype=np.int32)

    for i in range(forms0.shape[0]):
        for k in range(3):
            forms[0, k, i] = forms0[i, k]
    for i in range(k0):
        vx[i] = root_x[i]
        vy[i] = root_y[i]
        vid[i] = root_id[i]
        vlab[i] = root_lab[i]
    pst[0] = 0
    pln[0] = k0
    pcx[0], pcy[0], prr[0] = _disc(vx, vy, 0, k0)
    vtop[0] = k0
    n_parts[0] = 1

    state = np.zeros(N_STATE, dtype=np.int64)
    state[ST_ENTER] = 1
    need = np.zeros(8, dtype=np.int64)
    while _search(state, need, mag0, unit_off, wt, w_rows, wt_off, w_l1, bias, slope,
                  is_neuron, neuron_id, n_bytes, eps, parallel, store, limit, forms, base,
                  scaled, base_packed, packed, base_bits, bits, cross, own, lines, grad_max,
                  n_cross, n_child, next_child, previous, updates, vbase, vtop, cbase, n_parts,
                  vx, vy, vid, vlab, pst, pln, pcap, pcx, pcy, prr, pbits, porder, pkeys, tx,
                  ty, tid, tlab, dist, cls, ix, iy, iid, counters, chord_lines, chord_neuron,
                  patterns, points, radii, indptr, oxy, olab, oid) == NEED_ROOM:
        # Grow what the search asked for, each group of buffers to one size, keeping
        # the entries in use; the patterns, the largest output, by a quarter (a small
        # step keeps the copy made while growing small), everything else by half.
        if need[NEED_SCRATCH] > tx.shape[0]:
            tx, ty, tid, tlab, dist, cls, ix, iy, iid = _scratch(need[NEED_SCRATCH])
        if need[NEED_V] > vx.shape[0]:
            size = _larger(vx.shape[0], need[NEED_V], 2)
            keep = need[KEEP_V]
            vx = _resized_1d(vx, size, keep)
            vy = _resized_1d(vy, size, keep)
            vid = _resized_1d(vid, size, keep)
            vlab = _resized_1d(vlab, size, keep)
        if need[NEED_P] > pst.shape[0]:
            size = _larger(pst.shape[0], need[NEED_P], 2)
            keep = need[KEEP_P]
            pst = _resized_1d(pst, size, keep)
            pln = _resized_1d(pln, size, keep)
            pcap = _resized_1d(pcap, size, keep)
            pcx = _resized_1d(pcx, size, keep)
            pcy = _resized_1d(pcy, size, keep)
            prr = _resized_1d(prr, size, keep)
            pbits = _resized_2d(pbits, size, keep)
            porder = _resized_1d(porder, size, keep)
            pkeys = _resized_1d(pkeys, size, keep)
        if need[NEED_CHORDS] > chord_lines.shape[0]:
            size = _larger(chord_lines.shape[0], need[NEED_CHORDS], 2)
            chord_lines = _resized_2d(chord_lines, size, counters[0])
            chord_neuron = _resized_1d(chord_neuron, size, counters[0])
        if need[NEED_R] > patterns.shape[0]:
            size = _larger(patterns.shape[0], need[NEED_R], 4)
            r = state[ST_REGIONS]
            patterns = _resized_2d(patterns, size, r)
            points = _resized_2d(points, size, r)
            radii = _resized_1d(radii, size, r)
            indptr = _resized_1d(indptr, size + 1, r + 1)
        if need[NEED_OUT_V] > oxy.shape[0]:
            size = _larger(oxy.shape[0], need[NEED_OUT_V], 2)
            n_out_v = state[ST_OUT_V]
            oxy = _resized_2d(oxy, size, n_out_v)
            olab = _resized_1d(olab, size, n_out_v)
            oid = _resized_1d(oid, size, n_out_v)
    n_regions = state[ST_REGIONS]
    n_out_v = state[ST_OUT_V]
    return (n_regions, patterns[:n_regions], points[:n_regions], radii[:n_regions],
            indptr[:n_regions + 1], oxy[:n_out_v], olab[:n_out_v], oid[:n_out_v],
            chord_lines[:counters[0]], chord_neuron[:counters[0]], counters[1])


# --- adjacency and the Euler check -----------------------------------------------------------

@njit(cache=True)
def _root(parent, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


@njit(cache=True)
def _sort_segment(keys, idx, start, stop):
    """Sort ``idx[start:stop]`` by ``keys[idx]`` (Shell sort; the segments are short)."""
    n = stop - start
    gap = 1
    while gap < n // 3:
        gap = 3 * gap + 1
    while gap >= 1:
        for i in range(start + gap, stop):
            v = idx[i]
            key = keys[v]
            j = i
            while j >= start + gap and keys[idx[j - gap]] > key:
                idx[j] = idx[j - gap]
                j -= gap
            idx[j] = v
        gap //= 3


@njit(cache=True)
def _end_sine(chord_lines, ch, label):
    """``|sin|`` of the angle between chord ``ch`` and the chord of edge label ``label``."""
    other = label >> 1
    return abs(chord_lines[ch, 0] * chord_lines[other, 1]
               - chord_lines[ch, 1] * chord_lines[other, 0])


@njit(cache=True)
def _same_bit(patterns, ra, rb, g):
    """Neuron ``g`` (none if ``g < 0``) has the same bit in the packed patterns of two
    regions."""
    if g < 0:
        return True
    mask = np.uint8(1 << (7 - (g & 7)))
    return (patterns[ra, g >> 3] & mask) == (patterns[rb, g >> 3] & mask)


@njit(cache=True)
def adjacency_and_euler(indptr, xy, labels, ids, chord_lines, chord_neuron, patterns, n_ids,
                        n_domain, eps_facet, rounding):
    """Facet-adjacent pairs, the counts V and E of the subdivision, and which regions touch
    the domain's boundary.

    Every polygon edge lies on a chord (its label) and covers an interval of the chord's
    parameter ``t = direction . point``; on each chord the edges of either side tile it.
    The end points of all these edges, of both sides, are the chord's *break points*.
    Two consecutive break points are one vertex of the subdivision unless the segment
    between them is a facet (DESIGN.md section 1): unless a point of it lies farther than
    the threshold from both lines that end it there (the polygon edges meeting the chord
    at the two break points). With ``s1, s2`` the sines of those lines' angles with the
    chord, that largest distance is ``gap * s1 * s2 / (s1 + s2)``. Measured across the
    end lines it is well conditioned where the break points are not: a line nearly
    parallel to the chord moves its break point far along the chord for a rounding error
    of its position, and two regions meeting at a single vertex then seem to share a
    piece of the chord. The threshold is ``eps_facet``, and never below ``rounding``
    times the coordinates of the break points (the precision of float64 there).

    The vertices found this way split each chord into its edges, and ``V - E + F = 1``
    is checked on that subdivision. Two regions are adjacent iff their edges on opposite
    sides of a chord share one of its edges, and no neuron of a line ending their two
    edges is active in one region and inactive in the other. That second, exact test
    comes from continuity: every pre-activation keeps its sign across the relative
    interior of a facet, so only the neurons vanishing on the facet flip; a neuron whose
    line crosses the chord where the two edges end flips only between regions that meet
    in that single point (rounding can make such edges seem to overlap, by any amount
    when the line crosses at a shallow angle and its position is uncertain).
    ``chord_neuron`` gives the neuron of each chord (-1 for the domain's sides,
    chords ``0 .. n_domain - 1``) and ``patterns`` the packed activation patterns.
    Memory: a few numbers per edge.

    Returns ``(pairs (m, 2) with pairs[:, 0] < pairs[:, 1], n_vertices, n_edges,
    touches (n,) uint8)``.
    """
    n = indptr.shape[0] - 1
    ne = labels.shape[0]
    n_chords = chord_lines.shape[0]
    region = np.empty(ne, dtype=np.int32)
    count = np.zeros(n_chords + 1, dtype=np.int64)
    touches = np.zeros(max(n, 1), dtype=np.uint8)
    for r in range(n):
        for e in range(indptr[r], indptr[r + 1]):
            region[e] = r
            ch = labels[e] >> 1
            count[ch + 1] += 1
            if ch < n_domain:
                touches[r] = 1
    for ch in range(n_chords):
        count[ch + 1] += count[ch]
    order = np.empty(ne, dtype=np.int64)
    fill = count[:n_chords].copy()
    for e in range(ne):
        ch = labels[e] >> 1
        order[fill[ch]] = e
        fill[ch] += 1
    pairs = np.empty((max(ne // 4, 16), 2), dtype=np.int64)
    n_pairs = 0
    longest = 1
    for ch in range(n_chords):
        longest = max(longest, count[ch + 1] - count[ch])
    lo = np.empty(longest)
    hi = np.empty(longest)
    id_lo = np.empty(longest, dtype=np.int64)
    id_hi = np.empty(longest, dtype=np.int64)
    sin_lo = np.empty(longest)
    nr_lo = np.empty(longest, dtype=np.int64)
    nr_hi = np.empty(longest, dtype=np.int64)
    sin_hi = np.empty(longest)
    mag_lo = np.empty(longest)
    mag_hi = np.empty(longest)
    local = np.empty(longest, dtype=np.int64)
    pos = np.empty(longest, dtype=np.int64)
    neg = np.empty(longest, dtype=np.int64)
    vpos = np.empty(longest + 1, dtype=np.int64)   # vertex index of each break point
    vneg = np.empty(longest + 1, dtype=np.int64)
    parent = np.arange(n_ids)
    used = np.zeros(n_ids, dtype=np.uint8)
    n_edges = 0
    for ch in range(n_chords):
        start = count[ch]
        k = count[ch + 1] - start
        if k == 0:
            continue
        d0 = chord_lines[ch, 0]
        d1 = chord_lines[ch, 1]
        for q in range(k):
            e = order[start + q]
            r = region[e]
            f = e + 1 if e + 1 < indptr[r + 1] else indptr[r]
            p = e - 1 if e > indptr[r] else indptr[r + 1] - 1
            ta = d0 * xy[e, 0] + d1 * xy[e, 1]
            tb = d0 * xy[f, 0] + d1 * xy[f, 1]
            sa = _end_sine(chord_lines, ch, labels[p])
            sb = _end_sine(chord_lines, ch, labels[f])
            ma = max(abs(xy[e, 0]), abs(xy[e, 1]))
            mb = max(abs(xy[f, 0]), abs(xy[f, 1]))
            na = chord_neuron[labels[p] >> 1]
            nb = chord_neuron[labels[f] >> 1]
            if ta <= tb:
                lo[q], hi[q], id_lo[q], id_hi[q] = ta, tb, ids[e], ids[f]
                sin_lo[q], sin_hi[q], mag_lo[q], mag_hi[q] = sa, sb, ma, mb
                nr_lo[q], nr_hi[q] = na, nb
            else:
                lo[q], hi[q], id_lo[q], id_hi[q] = tb, ta, ids[f], ids[e]
                sin_lo[q], sin_hi[q], mag_lo[q], mag_hi[q] = sb, sa, mb, ma
                nr_lo[q], nr_hi[q] = nb, na
            local[q] = q
        _sort_segment(lo, local, 0, k)
        n_pos = 0
        n_neg = 0
        for q in range(k):
            if labels[order[start + local[q]]] & 1 == 0:
                pos[n_pos] = local[q]
                n_pos += 1
            else:
                neg[n_neg] = local[q]
                n_neg += 1
        # Break points: each side's are lo of every piece and hi of the last. Merge the
        # two sorted sequences into vertices, numbered along the chord.
        i = 0 if n_pos > 0 else 1
        j = 0 if n_neg > 0 else 1
        n_vert = -1
        last_t = 0.0
        last_s = 0.0
        last_m = 0.0
        last_id = 0
        while i <= n_pos or j <= n_neg:
            if i > n_pos and j > n_neg:
                break
            tp = np.inf
            if i <= n_pos:
                tp = lo[pos[i]] if i < n_pos else hi[pos[n_pos - 1]]
            tn = np.inf
            if j <= n_neg:
                tn = lo[neg[j]] if j < n_neg else hi[neg[n_neg - 1]]
            if tp <= tn:
                t = tp
                if i < n_pos:
                    v, s, mg = id_lo[pos[i]], sin_lo[pos[i]], mag_lo[pos[i]]
                else:
                    q = pos[n_pos - 1]
                    v, s, mg = id_hi[q], sin_hi[q], mag_hi[q]
            else:
                t = tn
                if j < n_neg:
                    v, s, mg = id_lo[neg[j]], sin_lo[neg[j]], mag_lo[neg[j]]
                else:
                    q = neg[n_neg - 1]
                    v, s, mg = id_hi[q], sin_hi[q], mag_hi[q]
            used[v] = 1
            same = False
            if n_vert >= 0:
                both = last_s + s
                reach = (t - last_t) * (last_s * s / both) if both > 0 else 0.0
                same = reach <= max(eps_facet, rounding * max(last_m, mg))
            if same:
                ra = _root(parent, v)
                rb = _root(parent, last_id)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
            else:
                n_vert += 1
            if tp <= tn:
                vpos[i] = n_vert
                i += 1
            else:
                vneg[j] = n_vert
                j += 1
            last_t = t
            last_s = s
            last_m = mg
            last_id = v
        n_edges += n_vert
        # Pairs: a two-pointer walk over the two sides' tilings, in vertex numbers.
        i = 0
        j = 0
        while i < n_pos and j < n_neg:
            qp = pos[i]
            qn = neg[j]
            ra = region[order[start + qp]]
            rb = region[order[start + qn]]
            if (max(vpos[i], vneg[j]) < min(vpos[i + 1], vneg[j + 1])
                    and _same_bit(patterns, ra, rb, nr_lo[qp])
                    and _same_bit(patterns, ra, rb, nr_hi[qp])
                    and _same_bit(patterns, ra, rb, nr_lo[qn])
                    and _same_bit(patterns, ra, rb, nr_hi[qn])):
                if n_pairs == pairs.shape[0]:
                    grown = np.empty((2 * n_pairs, 2), dtype=np.int64)
                    for c in range(n_pairs):
                        grown[c, 0] = pairs[c, 0]
                        grown[c, 1] = pairs[c, 1]
                    pairs = grown
                pairs[n_pairs, 0] = min(ra, rb)
                pairs[n_pairs, 1] = max(ra, rb)
                n_pairs += 1
            if vpos[i + 1] < vneg[j + 1]:
                i += 1
            elif vpos[i + 1] > vneg[j + 1]:
                j += 1
            else:
                i += 1
                j += 1
    n_vertices = 0
    for v in range(n_ids):
        if used[v] == 1 and _root(parent, v) == v:
            n_vertices += 1
    out = np.empty((n_pairs, 2), dtype=np.int64)
    for q in range(n_pairs):
        out[q, 0] = pairs[q, 0]
        out[q, 1] = pairs[q, 1]
    return out, n_vertices, n_edges, touches[:n]


@njit(cache=True)
def sorted_edges_and_csr(pairs, n):
    """Sort adjacent pairs ``i < j`` by ``(i, j)`` and build both-way CSR neighbour lists.

    Returns ``(edges (m, 2), indptr (n + 1,), neighbors (2 m,))``, neighbours sorted.
    """
    m = pairs.shape[0]
    degree = np.zeros(n + 1, dtype=np.int64)
    first = np.zeros(n + 1, dtype=np.int64)
    for q in range(m):
        first[pairs[q, 0] + 1] += 1
        degree[pairs[q, 0] + 1] += 1
        degree[pairs[q, 1] + 1] += 1
    for i in range(n):
        first[i + 1] += first[i]
        degree[i + 1] += degree[i]
    fill = first[:n].copy()
    second = np.empty(m, dtype=np.int64)
    for q in range(m):
        i = pairs[q, 0]
        second[fill[i]] = pairs[q, 1]
        fill[i] += 1
    edges = np.empty((m, 2), dtype=np.int64)
    for i in range(n):
        _sort_values(second, first[i], first[i + 1])
        for q in range(first[i], first[i + 1]):
            edges[q, 0] = i
            edges[q, 1] = second[q]
    neighbors = np.empty(2 * m, dtype=np.int64)
    fill = degree[:n].copy()
    for q in range(m):
        i = edges[q, 0]
        j = edges[q, 1]
        neighbors[fill[i]] = j
        fill[i] += 1
        neighbors[fill[j]] = i
        fill[j] += 1
    for i in range(n):
        _sort_values(neighbors, degree[i], degree[i + 1])
    return edges, degree, neighbors


@njit(cache=True)
def _sort_values(values, start, stop):
    """Insertion sort of ``values[start:stop]`` (short runs)."""
    for i in range(start + 1, stop):
        v = values[i]
        j = i
        while j > start and values[j - 1] > v:
            values[j] = values[j - 1]
            j -= 1
        values[j] = v
