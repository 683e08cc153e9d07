"""Small dense LPs: the backends and the certified decisions built on them.

Every LP plregions solves has the form

    maximize t  over (x, t) in R^d x R
    subject to  G [x; t] <= h,   E [x; t] = e,   t_lo <= t <= t_hi,

with a few tens of rows. Three backends solve it: ``"daqp"`` (a dense dual active-set
solver in C, the fast default, about 10 microseconds per LP here), ``"highs"`` (HiGHS
through scipy, the verifier and fallback) and ``"cvxpy"`` (for parity tests).

A backend's answer is never trusted blindly: :func:`certified_ball` recomputes the
radius of the ball it returns from the constraints themselves, and an unclear answer
goes to the next, stronger backend. A solver that stops without an answer is never read
as "empty": if every backend fails, :class:`~plregions.errors.SolverError` is raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


# --- backends: each returns (x, t) with the optimal point, or None when it gave no answer;
# --- infeasibility is reported as (None, -inf).

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
        if kkt_residual(f, A, info["lam"]) > KKT_TOL:
            return None  # stopped short of the optimum: let a stronger solver decide
        return x[:d], float(x[d])
    if flag == -1:
        return None, -np.inf
    return None


KKT_TOL = 1e-9


def kkt_residual(f: np.ndarray, A: np.ndarray, lam: np.ndarray) -> float:
    """Largest entry of ``f + lam_bounds + A.T @ lam_rows`` (DAQP's stationarity condition).

    DAQP solves LPs by proximal-point iterations, which can stop early on flat,
    ill-conditioned problems (two hyperplanes at a tiny angle) while reporting success;
    its multipliers then violate stationarity, and this residual shows it.
    """
    n = f.size
    return float(np.max(np.abs(f + lam[:n] + A.T @ lam[n:n + A.shape[0]])))


def _solve_highs(G, h, E, e, t_lo, t_hi):
    from scipy.optimize import linprog

    n = G.shape[1]
    c = np.zeros(n)
    c[-1] = -1.0
    res = linprog(c, A_ub=G if G.shape[0] else None, b_ub=h if G.shape[0] else None,
                  A_eq=E if E.shape[0] else None, b_eq=e if E.shape[0] else None,
                  bounds=[(None, None)] * (n - 1) + [(t_lo, t_hi)], method="highs")
    if res.status == 0:
        return res.x[:-1], float(res.x[-1])
    if res.status == 2:
        return None, -np.inf
    return None


def _solve_cvxpy(G, h, E, e, t_lo, t_hi):
    import cvxpy as cp

    n = G.shape[1]
    z = cp.Variable(n)
    cons = [z[-1] >= t_lo, z[-1] <= t_hi]
    if G.shape[0]:
        cons.append(G @ z <= h)
    if E.shape[0]:
        cons.append(E @ z == e)
    prob = cp.Problem(cp.Maximize(z[-1]), cons)
    try:
        prob.solve(solver=cp.CLARABEL)
    except cp.error.SolverError:
        return None
    if prob.status == cp.OPTIMAL:
        return np.asarray(z.value[:-1]), float(z.value[-1])
    if prob.status == cp.INFEASIBLE:
        return None, -np.inf
    return None


_SOLVERS = {"daqp": _solve_daqp, "highs": _solve_highs, "cvxpy": _solve_cvxpy}


def solve_max_t(G, h, E, e, t_lo, t_hi, backend: str, stats: LPStats | None = None):
    """Solve ``max t`` with one backend; ``None`` when it stopped without an answer."""
    if stats is not None:
        stats.calls[backend] += 1
    return _SOLVERS[backend](G, h, E, e, t_lo, t_hi)


def _fallback_chain(backend: str) -> tuple[str, ...]:
    return (backend,) if backend == "highs" else (backend, "highs")


_EMPTY_EQ = np.zeros((0, 0))


def certified_radius(A: np.ndarray, b: np.ndarray, x: np.ndarray, cap: float) -> float:
    """Radius of the ball around ``x`` inside ``{y : A y <= b}`` (unit rows), capped.

    Computed from the constraints themselves, never taken from a solver.
    """
    return min(float(np.min(b - A @ x)), cap) if b.size else cap


SOLVER_RESOLUTION = 1e-7  # HiGHS's default primal feasibility tolerance


def _polish_vertex(A, b, x, t, max_radius):
    """Re-solve the Chebyshev LP's optimal vertex exactly from its active rows.

    A solver's optimum may violate constraints by up to its feasibility tolerance; the
    vertex it stands for is the solution of its ``d + 1`` tightest rows
    ``A_i x + r = b_i``, which least squares recovers to rounding error.
    Returns the polished centre and its certified radius.
    """
    k, d = A.shape
    if k < d + 1:
        return x, -np.inf
    slack = b - A @ x - t
    tight = np.argsort(slack)[: d + 1]
    G = np.hstack([A[tight], np.ones((d + 1, 1))])
    try:
        z = np.linalg.solve(G, b[tight])
    except np.linalg.LinAlgError:
        z = np.linalg.lstsq(G, b[tight], rcond=None)[0]
    center = z[:d]
    if not np.all(np.isfinite(center)):
        return x, -np.inf
    return center, certified_radius(A, b, center, max_radius)


def certified_ball(A: np.ndarray, b: np.ndarray, min_radius: float, max_radius: float,
                   backend: str = "daqp", stats: LPStats | None = None):
    """The largest ball in ``{x : A x <= b}`` (unit-normal rows), certified.

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
    last_t = np.inf
    for name in _fallback_chain(backend):
        answer = solve_max_t(G, b, E, E[:, 0], -max_radius, max_radius, name, stats)
        if answer is None:
            if stats is not None:
                stats.fallbacks += 1
            continue
        x, t = answer
        if x is None or t <= min_radius:
            return None
        radius = certified_radius(A, b, x, max_radius)
        if radius > min_radius:
            return x, radius
        x, radius = _polish_vertex(A, b, x, t, max_radius)
        if radius > min_radius:
            return x, radius
        if stats is not None:
            stats.fallbacks += 1
        last_t = t
    if last_t <= SOLVER_RESOLUTION:
        # Every solver claims a ball only within its own feasibility tolerance and none
        # can be certified: the region, if any, is thinner than LP solvers resolve.
        return None
    raise SolverError(
        "no LP backend could decide whether a region exists (largest inscribed ball "
        f"near the tolerance {min_radius:.3g}); try a larger Tolerance(radius=...) or "
        "backend='highs'"
    )


def facet_margin(A: np.ndarray, b: np.ndarray, row: int, group: np.ndarray,
                 min_margin: float, max_margin: float, backend: str = "daqp",
                 stats: LPStats | None = None):
    """Decide whether ``A[row] x <= b[row]`` is a facet of ``{x : A x <= b}``.

    The rows in ``group`` (which includes ``row``) lie on the same hyperplane and are left
    out of the margin constraints.

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
    for name in _fallback_chain(backend):
        answer = solve_max_t(G, h, E, e, -max_margin, max_margin, name, stats)
        if answer is None:
            if stats is not None:
                stats.fallbacks += 1
            continue
        x, t = answer
        if x is None or t <= min_margin:
            return None
        x = x - (A[row] @ x - b[row]) * A[row]  # back onto the hyperplane exactly
        margin = certified_radius(G[:, :d], h, x, max_margin)
        if margin > min_margin:
            return x
        if stats is not None:
            stats.fallbacks += 1
    raise SolverError(
        "no LP backend could decide whether a facet exists (margin near the tolerance "
        f"{min_margin:.3g}); try a larger Tolerance(facet=...) or backend='highs'"
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
        if answer is None or answer[0] is None:
            if stats is not None:
                stats.fallbacks += 1
            continue
        lam, t = answer
        if t <= min_margin:
            return False
        lam = np.maximum(lam, 0.0)
        if np.linalg.norm(A.T @ lam) <= 1e-9 * max(1.0, lam.sum()) and lam.min() > 0:
            return True
        if stats is not None:
            stats.fallbacks += 1
    raise SolverError("no LP backend could decide whether a region is bounded; try "
                      "backend='highs'")


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
        self.bl[d] = -max_radius
        self.sense = np.zeros(n + cap, dtype=np.int32)
        self.H = np.zeros((n, n))
        self.f = np.zeros(n)
        self.f[d] = -1.0

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
            if flag == 1:
                if x[d] <= self.min_radius:
                    # "Empty" is trusted only with multipliers that prove optimality.
                    if kkt_residual(self.f, G[:k], info["lam"]) <= KKT_TOL:
                        return None
                    flag = 0
                center = x[:d]
                radius = certified_radius(G[:k, :d], h[:k], center, self.max_radius)
                if radius > self.min_radius:
                    return center, radius
            if self.stats is not None:
                self.stats.fallbacks += 1
            backend = "highs"
        else:
            backend = self.backend
        return certified_ball(G[:k, :d].copy(), h[:k].copy(), self.min_radius,
                              self.max_radius, backend, self.stats)
