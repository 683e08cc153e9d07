"""Clamps, absolute values, soft shrinkage and elementwise extrema as ReLU units.

Both importers build these functions here: PyTorch's ``clamp``/``clip``, ``clamp_min``,
``clamp_max``, ``hardtanh``, ``relu6``, ``hardsigmoid``, ``threshold(x, t, t)``, ``abs``,
``softshrink``, ``maximum`` and ``minimum``, and ONNX's Clip, HardSigmoid, Abs, Shrink, Max
and Min.

They are piecewise linear with up to two breakpoints per entry, where a neuron has one. Each
entry becomes one ReLU unit ``relu(+-x - t)`` per breakpoint, and the next layer recombines
the units affinely (the ``combine`` of the
:class:`~plregions.importers.program.ActivationOutput`), with the constants before and
after the activation folded into the layers' biases:

===============================  =========================================================
``clamp(x, min=a)``              ``a + relu(x - a)``
``clamp(x, max=b)``              ``b - relu(b - x)``
``clamp(x, min=a, max=b)``       ``a + relu(x - a) - relu(x - b)`` (``a < b``)
``hardsigmoid(x)``               ``clamp(alpha * x + beta, 0, 1)`` (torch: ``alpha = 1/6``,
                                 ``beta = 1/2``)
``abs(x)``                       ``relu(x) + relu(-x)``
``softshrink(x, l)``             ``relu(x - l) - relu(-x - l)`` (``l > 0``)
``max(a, b)``, ``min(a, b)``     ``b + relu(a - b)``, ``a - relu(a - b)`` (two
                                 input-dependent tensors: ``a`` or ``b`` is carried through
                                 the layer)
===============================  =========================================================

So ``clamp(x, min=0)`` is exactly ``relu(x)``: the same unit with the same weights.

Edge cases, the same in both importers:

* An infinite bound is no bound: ``clamp(x, -inf, b)`` is one unit per entry, and an entry
  with no finite bound is ``x`` itself, carried by a pass-through unit (negative slope 1,
  no breakpoint, not a neuron). The importers turn a clamp with no finite bound at all into
  no layer where they can tell from the model alone.
* ``a == b`` and ``a > b``: the constant ``b``, with no unit, as ``torch.clamp`` and ONNX
  Clip define it. (``hardtanh`` with ``min_val > max_val``, which torch refuses, is refused
  by the torch importer's check.)
* A NaN bound, a lower bound of +inf and an upper bound of -inf are refused
  (:func:`bound_problem`): the output would be NaN or infinite.
* A bound of magnitude above :data:`LARGE_BOUND` is not made a constant of the next layer:
  ``a + relu(x - a)`` would compute ``x`` as ``(x - a) + a``, with an absolute rounding error
  of about ``|a| * 1.1e-16`` (all of ``x`` for ``a = 1e30``). Such an entry is anchored on
  the small bound if there is one, ``b - relu(b - x) + relu(a - x)``, else on ``x`` itself,
  ``x + relu(a - x) - relu(x - b)`` with ``x`` carried by a pass-through unit. Where the
  large bound is not active its unit is exactly 0, so the value is exact; the neurons and
  their hyperplanes are the same as in the table.
* ``softshrink(x, 0)`` is ``x``: it has no breakpoint, so it is converted as the identity
  (pass-through units, or no layer where the importer can tell from the model alone), not as
  ``relu(x) - relu(-x)``. Activation regions are those of the network's neurons as imported
  (DESIGN.md, "Definitions"); the two opposite units would add a hyperplane that no
  parameter of the model puts there, where the function, and every neuron the model's author
  wrote, is unchanged. A model that writes ``relu(x) - relu(-x)`` itself keeps its two
  neurons. A negative ``l`` is refused (torch refuses it; ONNX's Shrink is then
  discontinuous).

Examples
--------
>>> import numpy as np
>>> from plregions.importers.affine import AffineTensor
>>> x = AffineTensor.identity((1,))
>>> out = clamp_units(x, -1.0, 2.0, what="clamp")
>>> out.x.M.ravel().tolist(), out.x.c.tolist()          # units relu(x + 1), relu(x - 2)
([1.0, 1.0], [1.0, -2.0])
>>> value = out.combine(AffineTensor.identity((2,)))     # -1 + u1 - u2
>>> value.M.tolist(), value.c.tolist()
([[1.0, -1.0]], [-1.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.affine import AffineTensor
from plregions.importers.program import ActivationOutput

__all__ = ["LARGE_BOUND", "Ramp", "ramp_units", "bound_problem", "is_unbounded", "clamp_units",
           "hard_sigmoid_units", "abs_units", "shrink_units", "extremum_units",
           "extremum_value", "extremum_with_constant"]

LARGE_BOUND = 1e4
"""Largest bound magnitude that becomes a constant of the next layer (see the module's
docstring); it adds a rounding error of at most about ``1e4 * 1.1e-16 = 1.1e-12`` to the
value where the bound is not active. A larger bound costs a pass-through unit per entry
when the other bound is large too or absent."""


@dataclass(frozen=True)
class Ramp:
    """ReLU units ``relu(sign * x[e] - shift[e])``, one for every entry ``e`` with a nonzero
    ``weight[e]``, added to the value's entry ``e`` with factor ``weight[e]``.

    Attributes
    ----------
    sign : float
        +1 or -1.
    shift, weight : ndarray of shape (size,)
        Per entry of the value, flattened in C order.
    """

    sign: float
    shift: np.ndarray
    weight: np.ndarray


def ramp_units(x: AffineTensor, shape: tuple[int, ...], ramps: Sequence[Ramp],
               offset: np.ndarray, passed: np.ndarray | None = None) -> ActivationOutput:
    """The activation step whose value is ``offset + passed * x + sum of the ramps``.

    Parameters
    ----------
    x : AffineTensor
        The pre-activation; it broadcasts to ``shape``.
    shape : tuple of int
        Shape of the value.
    ramps : sequence of Ramp
        Their units come first, ramp by ramp, in the order of the entries.
    offset : ndarray of shape (size,)
        The constant of each entry of the value.
    passed : ndarray of shape (size,), optional
        Entries (nonzero factors) that are ``x`` itself there, carried by pass-through units
        (negative slope 1, no breakpoint, not neurons).

    Returns
    -------
    ActivationOutput
        Units of kind ``"relu"`` (``"mixed"`` with pass-through units) and the ``combine``
        that makes the value from them.
    """
    K = x.n_state + 1
    flat = np.broadcast_to(x.coef, (*shape, K)).reshape(-1, K)
    rows, slopes, placed, start = [], [], [], 0
    for ramp in ramps:
        entries = np.flatnonzero(ramp.weight)
        coef = ramp.sign * flat[entries]
        coef[:, -1] -= ramp.shift[entries]
        rows.append(coef)
        slopes.append(np.zeros(entries.size))
        placed.append((entries, start, ramp.weight[entries]))
        start += entries.size
    has_passed = passed is not None and np.any(passed)
    if has_passed:
        entries = np.flatnonzero(passed)
        rows.append(flat[entries])
        slopes.append(np.ones(entries.size))
        placed.append((entries, start, passed[entries]))
    units = AffineTensor(np.concatenate(rows, axis=0) if rows else np.zeros((0, K)))
    size = int(np.prod(shape))
    offset = np.array(offset, dtype=np.float64)

    def combine(u: AffineTensor) -> AffineTensor:
        coef = np.zeros((size, u.n_state + 1))
        coef[:, -1] = offset
        for entries, first, weight in placed:
            coef[entries] += weight[:, None] * u.coef[first:first + entries.size]
        return AffineTensor(coef.reshape(*shape, u.n_state + 1))

    negative_slope = np.concatenate(slopes) if slopes else np.zeros(0)
    return ActivationOutput(units, negative_slope, "mixed" if has_passed else "relu", combine)


def _as_bounds(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """The bounds as arrays, with None as -inf (lower) and +inf (upper)."""
    return (np.asarray(-np.inf if lo is None else aff.as_constant(lo)),
            np.asarray(np.inf if hi is None else aff.as_constant(hi)))


def bound_problem(lo=None, hi=None) -> str | None:
    """Why constant clamp bounds cannot be converted, or None.

    Parameters
    ----------
    lo, hi : array_like or None
        The lower and upper bound (None: no bound).

    Returns
    -------
    str or None
        A reason that reads after the operation's name: ``"has a NaN bound"``.
    """
    lo, hi = _as_bounds(lo, hi)
    if np.isnan(lo).any() or np.isnan(hi).any():
        return "has a NaN bound"
    if (lo == np.inf).any() or (hi == -np.inf).any():
        return ("has a lower bound of +inf or an upper bound of -inf, which makes the output "
                "infinite (a network's values must be finite; use a finite bound)")
    return None


def is_unbounded(lo=None, hi=None) -> bool:
    """Whether neither bound has a finite entry (the clamp is the identity)."""
    lo, hi = _as_bounds(lo, hi)
    return not (np.isfinite(lo).any() or np.isfinite(hi).any())


def clamp_units(x: AffineTensor, lo=None, hi=None, *, what: str) -> ActivationOutput:
    """``min(max(x, lo), hi)`` with constant bounds, as ReLU units.

    Parameters
    ----------
    x : AffineTensor
    lo, hi : array_like or None
        Bounds that broadcast with ``x`` (numpy rules); None, ``-inf`` (lower) and ``+inf``
        (upper) mean no bound. Where ``lo >= hi`` the value is ``hi``.
    what : str
        Names the operation in error messages.

    Returns
    -------
    ActivationOutput
        Units as the module's docstring tells, entry by entry.

    Raises
    ------
    InvalidNetworkError
        For the bounds :func:`bound_problem` refuses, or bounds that do not broadcast.
    """
    problem = bound_problem(lo, hi)
    if problem:
        raise InvalidNetworkError(f"{what}: {problem}")
    lo, hi = _as_bounds(lo, hi)
    try:
        shape = tuple(np.broadcast_shapes(x.shape, lo.shape, hi.shape))
    except ValueError:
        raise InvalidNetworkError(
            f"{what}: bounds of shapes {lo.shape} and {hi.shape} do not broadcast with the "
            f"tensor shape {x.shape}"
        ) from None
    lo = np.broadcast_to(lo, shape).ravel()
    hi = np.broadcast_to(hi, shape).ravel()
    has_lo, has_hi = np.isfinite(lo), np.isfinite(hi)
    constant = has_lo & has_hi & (lo >= hi)
    ramp = ~constant
    # Where the value's constant comes from: a small lower bound, else a small upper bound,
    # else x itself (a pass-through unit); see "large bound" in the module's docstring.
    at_lo = ramp & has_lo & (np.abs(lo) <= LARGE_BOUND)      # lo + relu(x - lo)
    at_hi = ramp & ~at_lo & has_hi & (np.abs(hi) <= LARGE_BOUND)  # hi - relu(hi - x)
    at_x = ramp & ~at_lo & ~at_hi                            # x
    cap = has_hi & (at_lo | at_x)                            #    - relu(x - hi)
    floor = has_lo & (at_hi | at_x)                          #    + relu(lo - x)
    offset = np.where(at_lo, lo, np.where(at_hi | constant, hi, 0.0))
    ramps = [Ramp(1.0, lo, at_lo.astype(float)), Ramp(1.0, hi, -cap.astype(float)),
             Ramp(-1.0, -hi, -at_hi.astype(float)), Ramp(-1.0, -lo, floor.astype(float))]
    return ramp_units(x, shape, ramps, offset, passed=at_x.astype(float))


def hard_sigmoid_units(x: AffineTensor, alpha: float, beta: float, *,
                       what: str) -> ActivationOutput:
    """``clamp(alpha * x + beta, 0, 1)``; with ``alpha = 0`` the constant, without units."""
    if alpha == 0.0:
        return ramp_units(x, x.shape, [], np.full(x.size, min(max(beta, 0.0), 1.0)))
    z = aff.add(aff.multiply(x, alpha, what=what), beta, what=what)
    return clamp_units(z, 0.0, 1.0, what=what)


def abs_units(x: AffineTensor) -> ActivationOutput:
    """``|x| = relu(x) + relu(-x)``."""
    zero, one = np.zeros(x.size), np.ones(x.size)
    return ramp_units(x, x.shape, [Ramp(1.0, zero, one), Ramp(-1.0, zero, one)], zero)


def shrink_units(x: AffineTensor, lambd: float, *, what: str) -> ActivationOutput:
    """Soft shrinkage ``relu(x - l) - relu(-x - l)``; ``l = 0`` is ``x`` (pass-through units).

    Raises
    ------
    InvalidNetworkError
        For a negative ``lambd``.
    """
    lambd = float(lambd)
    if lambd < 0:
        raise InvalidNetworkError(
            f"{what}: lambd={lambd} is negative; soft shrinkage needs lambd >= 0")
    zero = np.zeros(x.size)
    if lambd == 0.0:
        return ramp_units(x, x.shape, [], zero, passed=np.ones(x.size))
    shift, one = np.full(x.size, lambd), np.ones(x.size)
    return ramp_units(x, x.shape, [Ramp(1.0, shift, one), Ramp(-1.0, shift, -one)], zero)


def extremum_units(a, b, *, what: str) -> ActivationOutput:
    """The units ``relu(a - b)`` of ``max(a, b)`` or ``min(a, b)`` of two input-dependent
    tensors (numpy broadcasting); :func:`extremum_value` adds the operand back."""
    diff = aff.subtract(a, b, what=what)
    return ActivationOutput(diff, np.zeros(diff.shape), "relu")


def extremum_value(larger: bool, operand, units, *, what: str) -> AffineTensor:
    """``max(a, b) = b + units`` (``larger``, ``operand`` is ``b``) or
    ``min(a, b) = a - units`` (``operand`` is ``a``), after :func:`extremum_units`."""
    if larger:
        return aff.add(operand, units, what=what)
    return aff.subtract(operand, units, what=what)


def extremum_with_constant(larger: bool, x: AffineTensor, constant, *,
                           what: str) -> ActivationOutput:
    """``max(x, c) = clamp(x, min=c)`` or ``min(x, c) = clamp(x, max=c)``."""
    if larger:
        return clamp_units(x, lo=constant, what=what)
    return clamp_units(x, hi=constant, what=what)
