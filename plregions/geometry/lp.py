"""Small dense LPs: the backends and the certified decisions built on them.

Every LP plregions solves has the form

    maximize t  over (x, t) in R^d x R
    subject to  G [x; t] <= h,   E [x; t] = e,   t_lo <= t <= t_hi,

with a few tens of rows. Three backends solve it: ``"daqp"`` (a dense dual active-set
solver in C, the fast default, about 10 microseconds per LP here), ``"highs"`` (HiGHS
through scipy, the verifier and fallback) and ``"cvxpy"`` (for parity tests).

A backend's answer is never trusted blindly. The LPs are posed so that they always have
an optimum (``t`` is free below), and both answers are certified: a ball by recomputing
its radius from the constraints themselves, "no ball" by a dual certificate rebuilt from
the rows the optimum rests on (:func:`upper_bound_certificate`). An answer that cannot
be certified is finished by a small numpy simplex (:func:`crossover`), then goes to the
next, stronger backend; unbounded wedges too thin for either are handled by
:func:`_wedge_point`. A solver that stops without an answer is never read
as "empty": if every backend fails, :class:`~plregions.errors.SolverError` is raised.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from plregions.errors import InvalidArgumentError, SolverError, missing_dependency

__all__ = ["BACKENDS", "LPStats", "solve_max_t", "certified_ball", "facet_margin",
           "recession_cone_is_zero", "BallWorkspace",
           "check_backend"]

BACKENDS = ("daqp", "highs", "cvxpy")


@dataclass
class LPStats:
    """Counts of LPs solved, by backend, and of fallbacks to a stronger backend."""

    calls: dict[str, int] = field(default_factory=lambda: {name: 0 for name in BACKENDS})
    fallbacks: int = 0

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def check_backend(backend: str) -> str:
    """Validate an LP backend name, raising with the choices if it is unknown."""
    if backend not in BACKENDS:
        raise InvalidArgumentError(
            f"unknown LP backend {backend!r}; choose one of {', '.join(BACKENDS)}"
        )
    if backend == "cvxpy":
        try:
            import cvxpy  # noqa: F401
        except ImportError:
            raise missing_dependency("cvxpy", "cvxpy", "the cvxpy LP backend") from None
    return backend


# --- backends: each returns (x, t, support, y) at an optimum, where support holds the
# --- indices of the rows of G whose multipliers are positive (the rows the optimum rests
# --- on) and y those multipliers and then E's, or None when it gave no answer. The LPs
# --- solved here are always feasible (t is free below), so a claim of infeasibility is
# --- no answer either.

_H_CACHE: dict[int, np.ndarray] = {}


def _solve_daqp(G, h, E, e, t_lo, t_hi):
    import daqp

    n = G.shape[1]
    d = n - 1
    H = _H_CACHE.get(n)
    if H is None:
        H = _H_CACHE[n] = np.zeros((n, n))
    f = np.zeros(n)
    f[-1] = -1.0
    k, q = G.shape[0], E.shape[0]
    A = np.vstack([G, E]) if q else G
    bu = np.empty(n + k + q)
    bl = np.empty(n + k + q)
    bu[:d] = np.inf
    bl[:d] = -np.inf
    bu[d], bl[d] = t_hi, t_lo
    bu[n:n + k] = h
    bl[n:n + k] = -np.inf
    sense = np.zeros(n + k + q, dtype=np.int32)
    if q:
        bu[n + k:] = e
        bl[n + k:] = e
        sense[n + k:] = 5
    x, _, flag, info = daqp.solve(H, f, A, bu, bl, sense, eps_prox=-1, primal_tol=1e-10)
    if flag == 1:
        lam = info["lam"][n:]
        support = np.flatnonzero(lam[:k] > 0)
        return x[:d], float(x[d]), support, np.concatenate([lam[support], lam[k:]])
    return None


# HiGHS as the verifier: its tightest feasibility tolerances. With the defaults (1e-7)
# it stops at degenerate optima of near-parallel rows whose multipliers certify nothing.
# An iteration limit, far above what LPs of tens of rows need, because on some
# near-degenerate ones the simplex cycles for ever.
_HIGHS_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10,
                  "maxiter": 5000}


def _solve_highs(G, h, E, e, t_lo, t_hi):
    from scipy.optimize import linprog

    n = G.shape[1]
    c = np.zeros(n)
    c[-1] = -1.0
    # The dual simplex first; on near-degenerate rows it sometimes stops with no status
    # at all, where the interior-point method (with crossover) still reaches the optimum.
    for method in ("highs-ds", "highs-ipm"):
        res = linprog(c, A_ub=G if G.shape[0] else None, b_ub=h if G.shape[0] else None,
                      A_eq=E if E.shape[0] else None, b_eq=e if E.shape[0] else None,
                      bounds=[(None, None)] * (n - 1) + [(_finite(t_lo), _finite(t_hi))],
                      method=method, options=_HIGHS_OPTIONS)
        if res.status == 0:
            y_G = -res.ineqlin.marginals if G.shape[0] else np.zeros(0)
            y_E = -res.eqlin.marginals if E.shape[0] else np.zeros(0)
            support = np.flatnonzero(y_G > 0)
            return res.x[:-1], float(res.x[-1]), support, np.concatenate([y_G[support], y_E])
    return None


def _finite(value: float):
    return float(value) if np.isfinite(value) else None


def _solve_cvxpy(G, h, E, e, t_lo, t_hi):
    import cvxpy as cp

    n = G.shape[1]
    z = cp.Variable(n)
    cons = [z[-1] <= t_hi]
    if np.isfinite(t_lo):
        cons.append(z[-1] >= t_lo)
    if G.shape[0]:
        cons.append(G @ z <= h)
    if E.shape[0]:
        cons.append(E @ z == e)
    prob = cp.Problem(cp.Maximize(z[-1]), cons)
    try:
        with warnings.catch_warnings():
            # "Solution may be inaccurate": the status says so too, and nothing it
            # returns is used uncertified.
            warnings.simplefilter("ignore", UserWarning)
            prob.solve(solver=cp.CLARABEL)
    except cp.error.SolverError:
        return None
    if prob.status == cp.OPTIMAL:
        support = np.zeros(0, dtype=np.int64)
        if G.shape[0]:
            # An interior-point method leaves every multiplier slightly positive: the
            # support is the rows whose multiplier is not negligible.
            y = np.asarray(cons[-2 if E.shape[0] else -1].dual_value, dtype=float)
            support = np.flatnonzero(y > 1e-6 * max(float(y.max()), 1e-300))
        return np.asarray(z.value[:-1]), float(z.value[-1]), support, None
    return None


_SOLVERS = {"daqp": _solve_daqp, "highs": _solve_highs, "cvxpy": _solve_cvxpy}


def solve_max_t(G, h, E, e, t_lo, t_hi, backend: str, stats: LPStats | None = None):
    """Solve ``max t`` with one backend.

    Returns
    -------
    (x, t, support, y) or None
        The optimal ``x`` and ``t``, the indices of the rows of ``G`` that carry a
        positive multiplier, and the backend's multipliers of those rows followed by
        those of ``E`` (``None`` if it gives none); ``None`` when the backend stopped
        without an answer.
    """
    if stats is not None:
        stats.calls[backend] += 1
    return _SOLVERS[backend](G, h, E, e, t_lo, t_hi)


def _fallback_chain(backend: str) -> tuple[str, ...]:
    return (backend,) if backend == "highs" else (backend, "highs")


CERTIFICATE_TOL = 1e-13
"""Largest float64 residual ``max |G_x.T y|`` (unit rows, ``y_t = 1``) of a dual certificate.

By weak duality, multipliers ``y >= 0`` on rows of ``G [x; t] <= h`` (and free ones on
``E [x; t] = e``) with ``G.T y + E.T y_E = (0, ..., 0, 1)`` prove ``t <= h @ y + e @ y_E``
at every feasible point. In floating point the x-part of that sum leaves a residual
``r`` and the bound becomes ``h @ y + r |x|_inf``: it can miss a ball only farther than
``(threshold - bound) / r`` from the origin, in a thin wedge (rows at tiny angles, as
deep LeakyReLU networks make them). A solver's multipliers, stationary only to 1e-9,
are not accepted; multipliers recomputed from the rows to this residual are, and
where they are not, the certificate is recomputed in exact rational arithmetic from
the float64 rows themselves (``r = 0``). Regions of all of R^d that hold balls only
beyond that distance (1e4 from the origin for the default tolerance and a bound of 0)
can therefore be missed; partition a Box to decide them (its rows bound every point).
"""


def upper_bound_certificate(G: np.ndarray, h: np.ndarray, E: np.ndarray, e: np.ndarray,
                            support: np.ndarray, y: np.ndarray | None = None,
                            threshold: float = -np.inf) -> float:
    """An upper bound on ``max t`` proved by weak duality from the rows ``support``.

    Parameters
    ----------
    G, h, E, e : ndarray
        The LP (see :func:`solve_max_t`); the last column of ``G`` and ``E`` is ``t``'s.
    support : ndarray of int
        Rows of ``G`` that carry the certificate (those with a positive multiplier at a
        solver's optimum).
    y : ndarray, optional
        A solver's multipliers of those rows and then of the rows of ``E``; tried first.
    threshold : float
        The bound the caller needs: the rational recomputation is skipped once a
        float64 bound is at or below it.

    Returns
    -------
    float
        ``h[support] @ y + e @ y_E`` for multipliers ``y >= 0`` (and free ``y_E``) with
        ``G[support].T @ y + E.T @ y_E = (0, ..., 0, 1)`` up to :data:`CERTIFICATE_TOL`
        (or exactly), or ``inf`` when these rows give no such certificate.
    """
    s = support.size
    if s == 0:
        return np.inf
    M = np.vstack([G[support], E]).T if E.shape[0] else G[support].T
    h_s = h[support]
    n = M.shape[0]
    target = np.zeros(n)
    target[-1] = 1.0
    guesses = [] if y is None else [y]
    try:
        if M.shape[1] != n:
            raise np.linalg.LinAlgError
        guesses.append(np.linalg.solve(M, target))
    except np.linalg.LinAlgError:
        guesses.append(np.linalg.lstsq(M, target, rcond=None)[0])
    best = np.inf
    for guess in guesses:
        best = min(best, _float_bound(M, h_s, e, s, guess))
        if best <= threshold:
            return best
    for guess in guesses:
        best = min(best, _exact_bound(M, h_s, e, s, guess))
        if best <= threshold:
            break
    return best


def _normalised(M, s, y):
    """Multipliers ``y`` clipped to ``>= 0`` on the first ``s`` and scaled so t's is 1."""
    y = np.array(y, dtype=float)
    if y.shape != (M.shape[1],) or not np.all(np.isfinite(y)):
        return None
    y[:s] = np.maximum(y[:s], 0.0)
    total = float(M[-1] @ y)
    if not total > 0:
        return None
    return y / total


def _float_bound(M, h_s, e, s, y) -> float:
    """The float64 bound of multipliers ``y`` if their residual is within tolerance."""
    y = _normalised(M, s, y)
    if y is None or not float(np.max(np.abs(M[:-1] @ y))) <= CERTIFICATE_TOL:
        return np.inf
    return float(h_s @ y[:s] + e @ y[s:])


EXACT_MAX_SIZE = 40
"""Largest system (coordinates) whose certificate is recomputed in rational arithmetic."""


def _exact_bound(M, h_s, e, s, guide) -> float:
    """The bound of exact rational multipliers on these rows, or ``inf``.

    Solves ``M y = (0, ..., 0, 1)`` in fractions by Gauss-Jordan elimination, with the
    free multipliers (if any) fixed at the float guide's values; the certificate holds
    only if the system is consistent and ``y >= 0`` on the first ``s``.
    """
    n, m = M.shape
    guide = _normalised(M, s, guide)
    if guide is None or n > EXACT_MAX_SIZE:
        return np.inf
    rows = [[Fraction(float(v)) for v in M[i]] + [Fraction(int(i == n - 1))] for i in range(n)]
    pivots = []
    r = 0
    for c in range(m):
        p = next((i for i in range(r, n) if rows[i][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        inv = 1 / rows[r][c]
        rows[r] = [v * inv for v in rows[r]]
        for i in range(n):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
        if r == n:
            break
    if any(row[m] != 0 for row in rows[r:]):
        return np.inf  # inconsistent: these rows prove no bound
    y = [None] * m
    free = [c for c in range(m) if c not in pivots]
    for c in free:
        y[c] = Fraction(max(float(guide[c]), 0.0) if c < s else float(guide[c]))
    for i, c in enumerate(pivots):
        y[c] = rows[i][m] - sum((rows[i][f] * y[f] for f in free), Fraction(0))
    if any(y[c] < 0 for c in range(s)):
        return np.inf
    bound = sum((Fraction(float(h_s[i])) * y[i] for i in range(s)), Fraction(0))
    bound += sum((Fraction(float(e[i - s])) * y[i] for i in range(s, m)), Fraction(0))
    # Round up, so the float never understates the exact bound.
    value = float(bound)
    return value if Fraction(value) >= bound else float(np.nextafter(value, np.inf))


_EMPTY_EQ = np.zeros((0, 0))


def certified_radius(A: np.ndarray, b: np.ndarray, x: np.ndarray, cap: float) -> float:
    """Radius of the ball around ``x`` inside ``{y : A y <= b}`` (unit rows), capped.

    Computed from the constraints themselves, never taken from a solver, and charged a
    bound on its own rounding error (which grows with ``|x|``), so that it is a true lower
    bound even at points far from the origin.
    """
    if not b.size:
        return cap
    if not np.all(np.isfinite(x)):
        return -np.inf
    slack = b - A @ x
    rounding = (A.shape[1] + 2) * np.finfo(float).eps * (np.abs(b) + np.abs(A) @ np.abs(x))
    return min(float(np.min(slack - rounding)), cap)


SOLVER_RESOLUTION = 1e-7  # HiGHS's default primal feasibility tolerance


def crossover(G: np.ndarray, h: np.ndarray, E: np.ndarray, e: np.ndarray, t_hi: float,
              z: np.ndarray | None = None, active=(), max_pivots: int | None = None):
    """Pivot from an approximate optimum of ``max t`` to an optimal vertex, in numpy.

    A small dense primal simplex on ``G z <= h, E z = e, t <= t_hi`` (``z = (x, t)``,
    every row of ``G`` with ``t``-coefficient 1): from ``z`` with the rows ``active``
    tight it moves along an edge that raises ``t`` until a row blocks it, and drops a
    row whose multiplier is negative at a vertex. It finishes what a first-order solver
    leaves near a degenerate optimum (rows at tiny angles), in microseconds instead of a
    call to HiGHS. Nothing it returns is trusted: callers certify the vertex's multipliers
    (:func:`upper_bound_certificate`) or recompute the ball at the point.

    Returns
    -------
    (z, rows) or None
        An optimal vertex and its ``n - len(E)`` active rows of ``G`` (``rows`` is
        ``None`` when ``t`` reached ``t_hi``), or ``None`` when the pivots stalled.
    """
    n = G.shape[1]
    q = E.shape[0]
    e_t = np.zeros(n)
    e_t[-1] = 1.0
    if z is None:
        # Start on the equalities, at the lowest row: feasible since t is free below.
        z = np.zeros(n)
        if q:
            z[:-1] = np.linalg.lstsq(E[:, :-1], e, rcond=None)[0]
        slack = h - G[:, :-1] @ z[:-1]
        z[-1] = float(np.min(slack)) if slack.size else t_hi
        active = [int(np.argmin(slack))] if slack.size else []
    active = [int(i) for i in active]
    for _ in range(max_pivots or 4 * n):
        K = np.vstack([G[active], E]) if q else G[active]
        if K.shape[0] == n:
            try:
                z = np.linalg.solve(K, np.concatenate([h[active], e]))
                y = np.linalg.solve(K.T, e_t)
            except np.linalg.LinAlgError:
                return None
            y_g = y[:len(active)]
            if y_g.size == 0 or y_g.min() >= 0:
                return z, np.array(active, dtype=np.int64)
            leave = int(np.argmin(y_g))
            rhs = np.zeros(n)
            rhs[leave] = -1.0
            p = np.linalg.solve(K, rhs)  # leaves row `leave`, keeps the others tight
            active.pop(leave)
        else:
            if K.shape[0]:
                _, _, Vt = np.linalg.svd(K)
                null = Vt[K.shape[0]:]
                p = null.T @ (null @ e_t)  # steepest ascent of t keeping K's rows tight
                if not p[-1] > 1e-15 * np.linalg.norm(p):
                    # t cannot rise on this face: walk along it (t unchanged) to a vertex,
                    # in a direction some row blocks.
                    p = null[0]
                    rate = G @ p
                    rate[active] = 0.0
                    if not np.any(rate > 0):
                        p = -p
                        if not np.any(rate < 0):
                            return None
            else:
                p = e_t.copy()
        slack = h - G @ z
        rate = G @ p
        rate[active] = 0.0
        blocking = rate > 0
        steps = np.full(rate.shape, np.inf)
        steps[blocking] = np.maximum(slack[blocking], 0.0) / rate[blocking]
        to_cap = (t_hi - z[-1]) / p[-1] if p[-1] > 0 else np.inf
        j = int(np.argmin(steps)) if steps.size else -1
        if j < 0 or steps[j] >= to_cap:
            if not np.isfinite(to_cap):
                return None
            return z + to_cap * p, None
        z = z + steps[j] * p
        active.append(j)
    return None


def _decide(G, h, E, e, t_hi, answer, threshold, margin_at):
    """Certify a solver's answer to ``max t`` against ``threshold``.

    Returns ``x`` (a point whose recomputed margin ``margin_at(x)`` exceeds
    ``threshold``), ``False`` (a dual certificate proves ``max t <= threshold``) or
    ``None`` (neither could be certified, even after a :func:`crossover` from the
    solver's point).
    """
    if answer is not None:
        x, t, support, y = answer
        if t > threshold:
            if margin_at(x) > threshold:
                return x
        elif upper_bound_certificate(G, h, E, e, support, y, threshold) <= threshold:
            return False
        settled = crossover(G, h, E, e, t_hi, np.append(x, t), support)
    else:
        settled = crossover(G, h, E, e, t_hi)
    if settled is None:
        return None
    z, rows = settled
    if margin_at(z[:-1]) > threshold:
        return z[:-1]
    if rows is not None and \
            upper_bound_certificate(G, h, E, e, rows, None, threshold) <= threshold:
        return False
    return None


def certified_ball(A: np.ndarray, b: np.ndarray, min_radius: float, max_radius: float,
                   backend: str = "daqp", stats: LPStats | None = None):
    """The largest ball in ``{x : A x <= b}`` (unit-normal rows), certified.

    The Chebyshev LP ``max t s.t. A x + t <= b, t <= max_radius`` leaves ``t`` free below,
    so it always has an optimum (a negative one for an empty polyhedron) and a solver's
    "infeasible" can never be mistaken for an answer. Both answers are certified: a ball
    by recomputing its radius from the constraints, "no ball" by a dual certificate
    (:func:`upper_bound_certificate`) rebuilt from the rows the optimum rests on.

    Parameters
    ----------
    A : ndarray of shape (k, d)
        Unit-norm rows.
    b : ndarray of shape (k,)
    min_radius : float
        A ball must be larger than this to count.
    max_radius : float
        Radii are capped here (unbounded polyhedra).

    Returns
    -------
    (center, radius) or None
        ``None`` when the polyhedron holds no ball of radius ``> min_radius``; otherwise a
        center and the radius recomputed from the constraints (``> min_radius``).
    """
    k, d = A.shape
    G = np.empty((k, d + 1))
    G[:, :d] = A
    G[:, d] = 1.0
    E = _EMPTY_EQ.reshape(0, d + 1)
    claims = []

    def radius_at(x):
        return certified_radius(A, b, x, max_radius)

    for name in _fallback_chain(backend):
        answer = solve_max_t(G, b, E, E[:, 0], -np.inf, max_radius, name, stats)
        found = _decide(G, b, E, E[:, 0], max_radius, answer, min_radius, radius_at)
        if found is False:
            return None
        if found is not None:
            return found, radius_at(found)
        if answer is not None:
            claims.append(answer[1])
        if stats is not None:
            stats.fallbacks += 1
    far = _wedge_point(A, b, None, max_radius, backend, stats)
    if far is not None:
        x, margin = far
        radius = certified_radius(A, b, x, max_radius)
        if radius > min_radius:
            return x, radius
        if margin > WEDGE_NOISE:
            _raise_thin_wedge("region", margin)
    if claims and max(claims) <= SOLVER_RESOLUTION:
        # Every solver finds at most a ball within its own feasibility tolerance, none
        # can be certified either way and the polyhedron is no far wedge: the region, if
        # any, is thinner than LP solvers resolve (a flat cell), and is no region.
        return None
    raise SolverError(
        "no LP backend could decide whether a region exists (the solvers' answers "
        f"{_format_claims(claims)} could be certified neither as a ball of radius > "
        f"{min_radius:.3g} nor as no such ball); the region is numerically degenerate at "
        "double precision: partition a Box around the region of interest, or use a "
        "larger Tolerance(radius=...)"
    )


WEDGE_TOL = 1e-12
"""Smallest margin ``-max(A y)`` (unit rows, ``|y|_inf <= 1``) of a certified wedge direction.

An unbounded polyhedron whose recession cone ``{y : A y <= 0}`` has interior holds
balls of every radius far enough along an interior direction ``y``. With a margin
``m`` the ball of radius ``R`` lies about ``R / m`` from the origin; above this margin
the rounding of ``A x`` there (about ``1e-16 |x|``) stays far below ``R``, so the ball's
radius, recomputed from the rows, certifies it.
"""

WEDGE_NOISE = 1e-14
"""Margins below this are rounding noise of ``A y``: no evidence of a wedge."""


def _wedge_point(A, b, equality, max_radius, backend, stats):
    """A point deep inside a far wedge of ``{x : A x <= b}`` (and on ``equality``).

    Solves ``max s s.t. A y + s <= 0, |y|_inf <= 1`` (and ``a @ y = 0`` for
    ``equality = (a, beta)``), a bounded, well-scaled LP, then recomputes the margin
    ``m = -max(A y)`` of the direction found. Returns ``(x, m)`` with ``x`` far along
    ``y`` (where, if ``m > WEDGE_TOL``, the ball of radius ``max_radius`` fits), ``(x, m)``
    with a small ``m`` when the direction is too thin to certify, or ``None`` when no
    direction has a positive margin.
    """
    k, d = A.shape
    G = np.zeros((k + 2 * d, d + 1))
    G[:k, :d] = A
    G[:k, d] = 1.0
    G[k:k + d, :d] = np.eye(d)
    G[k + d:, :d] = -np.eye(d)
    h = np.zeros(k + 2 * d)
    h[k:] = 1.0
    E = np.zeros((0 if equality is None else 1, d + 1))
    x0 = np.zeros(d)
    if equality is not None:
        a, beta = equality
        E[0, :d] = a
        x0 = a * beta  # the hyperplane's point nearest the origin
    best = None
    for name in _fallback_chain(backend):
        answer = solve_max_t(G, h, E, E[:, 0], -np.inf, 1.0, name, stats)
        if answer is None:
            continue
        y = answer[0]
        if equality is not None:
            y = y - (a @ y) * a
        margin = -float(np.max(A @ y)) if k else 1.0
        if margin > 0 and (best is None or margin > best[1]):
            best = (y, margin)
        if margin > WEDGE_TOL:
            break
    if best is None:
        return None
    y, margin = best
    # Far enough along y that every row has slack 2 * max_radius, whatever its start.
    start = float(np.max(A @ x0 - b)) if k else 0.0
    x = x0 + y * ((2.0 * max_radius + max(start, 0.0)) / max(margin, WEDGE_TOL))
    if equality is not None:
        x = x - (a @ x - beta) * a
    return x, margin


def _raise_thin_wedge(what: str, margin: float):
    raise SolverError(
        f"no LP backend could decide whether a {what} exists: its polyhedron is an "
        f"unbounded wedge whose opening (margin {margin:.3g} of a unit direction) is too "
        "thin for double precision to tell whether it holds a ball; this is undecidable "
        "at double precision in all of R^d: partition a Box (a bounded domain cuts the "
        "wedge off) or perturb the network's weights"
    )


def _format_claims(claims) -> str:
    return "[" + ", ".join(f"{t:.3g}" for t in claims) + "]" if claims else "(none)"


def facet_margin(A: np.ndarray, b: np.ndarray, row: int, group: np.ndarray,
                 min_margin: float, max_margin: float, backend: str = "daqp",
                 stats: LPStats | None = None):
    """Decide whether ``A[row] x <= b[row]`` is a facet of ``{x : A x <= b}``.

    The rows in ``group`` (which includes ``row``) lie on the same hyperplane and are left
    out of the margin constraints. As in :func:`certified_ball` the margin LP is always
    feasible and both answers are certified.

    Returns
    -------
    ndarray of shape (d,) or None
        A point of the facet's relative interior whose margin to every other constraint is
        ``> min_margin``, or ``None`` when the row is not a facet.
    """
    k, d = A.shape
    others = np.ones(k, dtype=bool)
    others[np.asarray(group, dtype=np.int64)] = False
    G = np.empty((int(others.sum()), d + 1))
    G[:, :d] = A[others]
    G[:, d] = 1.0
    h = b[others]
    E = np.zeros((1, d + 1))
    E[0, :d] = A[row]
    e = b[row:row + 1]
    claims = []

    def on_plane(x):
        return x - (A[row] @ x - b[row]) * A[row]  # onto the hyperplane exactly

    def margin_at(x):
        return certified_radius(G[:, :d], h, on_plane(x), max_margin)

    for name in _fallback_chain(backend):
        answer = solve_max_t(G, h, E, e, -np.inf, max_margin, name, stats)
        found = _decide(G, h, E, e, max_margin, answer, min_margin, margin_at)
        if found is False:
            return None
        if found is not None:
            return on_plane(found)
        if answer is not None:
            claims.append(answer[1])
        if stats is not None:
            stats.fallbacks += 1
    far = _wedge_point(G[:, :d], h, (A[row], float(b[row])), max_margin, backend, stats)
    if far is not None:
        x, margin = far
        if certified_radius(G[:, :d], h, x, max_margin) > min_margin:
            return x
        if margin > WEDGE_NOISE:
            _raise_thin_wedge("facet", margin)
    raise SolverError(
        "no LP backend could decide whether a facet exists (the solvers' margins "
        f"{_format_claims(claims)} could be certified neither above nor below "
        f"{min_margin:.3g}); the facet is numerically degenerate at double precision: "
        "partition a Box around it, or use a larger Tolerance(facet=...)"
    )


def recession_cone_is_zero(A: np.ndarray, min_margin: float, backend: str = "daqp",
                           stats: LPStats | None = None) -> bool:
    """Whether ``{y : A y <= 0} = {0}``, i.e. ``{x : A x <= b}`` is bounded when non-empty.

    The cone is ``{0}`` iff the rows of ``A`` have full rank and positively span: there is
    ``lambda > 0`` with ``A.T @ lambda = 0``. One LP maximises ``min(lambda)`` over
    ``sum(lambda) <= 1``; the answer is checked against the constraints.
    """
    k, d = A.shape
    if k <= d or np.linalg.matrix_rank(A) < d:
        return False
    n = k + 1
    G = np.zeros((k + 1, n))
    G[:k, :k] = -np.eye(k)
    G[:k, k] = 1.0  # t - lambda_i <= 0
    G[k, :k] = 1.0  # sum(lambda) <= 1
    h = np.zeros(k + 1)
    h[k] = 1.0
    E = np.zeros((d, n))
    E[:, :k] = A.T
    e = np.zeros(d)
    for name in _fallback_chain(backend):
        answer = solve_max_t(G, h, E, e, -1.0, 1.0, name, stats)
        if answer is not None:
            lam, t, support, y = answer
            if t <= min_margin:
                # "Unbounded" needs a dual certificate, like "no ball".
                bound = upper_bound_certificate(G, h, E, e, support, y, min_margin)
                if bound <= min_margin:
                    return False
                if stats is not None:
                    stats.fallbacks += 1
                continue
            lam = np.maximum(lam, 0.0)
            if np.linalg.norm(A.T @ lam) <= 1e-9 * max(1.0, lam.sum()) and lam.min() > 0:
                return True
        if stats is not None:
            stats.fallbacks += 1
    raise SolverError("no LP backend could decide whether a region is bounded (its "
                      "recession cone is numerically degenerate at double precision); "
                      "partition a Box, where every region is bounded, or ask for "
                      "counts that do not need boundedness")


class BallWorkspace:
    """Certified Chebyshev balls of many polyhedra sharing a prefix of rows.

    The polyhedra are ``{x : A0 x <= b0, A1 x <= b1}`` with a fixed prefix ``(A0, b0)``
    and a few extra rows ``(A1, b1)`` that change from call to call. With the ``"daqp"``
    backend the LP data live in preallocated buffers, so a call costs the solver's time
    and little else; other backends (and every unclear answer) go through
    :func:`certified_ball`.

    Parameters
    ----------
    A0 : ndarray of shape (k0, d)
        Unit-norm rows.
    b0 : ndarray of shape (k0,)
    max_extra : int
        The largest number of extra rows of any call.
    min_radius, max_radius : float
        As in :func:`certified_ball`.
    """

    def __init__(self, A0, b0, max_extra, min_radius, max_radius, backend="daqp",
                 stats: LPStats | None = None):
        k0, d = A0.shape
        n = d + 1
        cap = k0 + max_extra
        self.k0, self.d, self.n = k0, d, n
        self.min_radius, self.max_radius = min_radius, max_radius
        self.backend, self.stats = backend, stats
        self.G = np.empty((cap, n))
        self.G[:k0, :d] = A0
        self.G[:, d] = 1.0
        self.h = np.empty(cap)
        self.h[:k0] = b0
        self.bu = np.empty(n + cap)
        self.bu[:d] = np.inf
        self.bu[d] = max_radius
        self.bu[n:n + k0] = b0
        self.bl = np.full(n + cap, -np.inf)
        self.sense = np.zeros(n + cap, dtype=np.int32)
        self.H = np.zeros((n, n))
        self.f = np.zeros(n)
        self.f[d] = -1.0
        self._no_eq = np.zeros((0, n))

    def ball(self, A1: np.ndarray, b1: np.ndarray):
        """Certified ball of the polyhedron with extra rows ``A1 x <= b1``, or None."""
        k0, d, n = self.k0, self.d, self.n
        k = k0 + A1.shape[0]
        G, h = self.G, self.h
        G[k0:k, :d] = A1
        h[k0:k] = b1
        if self.backend == "daqp":
            import daqp

            self.bu[n + k0:n + k] = b1
            if self.stats is not None:
                self.stats.calls["daqp"] += 1
            x, _, flag, info = daqp.solve(self.H, self.f, G[:k], self.bu[:n + k],
                                          self.bl[:n + k], self.sense[:n + k], eps_prox=-1,
                                          primal_tol=1e-10)
            answer = None
            if flag == 1:
                lam = info["lam"][n:n + k]
                support = np.flatnonzero(lam > 0)
                answer = (x[:d], float(x[d]), support, lam[support])
            rows_A, rows_b = G[:k, :d], h[:k]

            def radius_at(x):
                return certified_radius(rows_A, rows_b, x, self.max_radius)

            found = _decide(G[:k], h[:k], self._no_eq, self._no_eq[:, 0], self.max_radius,
                            answer, self.min_radius, radius_at)
            if found is False:
                return None
            if found is not None:
                return found, radius_at(found)
            if self.stats is not None:
                self.stats.fallbacks += 1
            backend = "highs"
        else:
            backend = self.backend
        return certified_ball(G[:k, :d].copy(), h[:k].copy(), self.min_radius,
                              self.max_radius, backend, self.stats)
