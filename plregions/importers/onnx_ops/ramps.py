"""Clip, HardSigmoid, Abs and Shrink: up to two breakpoints per entry, as ReLU units.

Each entry's value is a constant plus a weighted sum of ramps ``relu(+-z - t)``; the ramps
are the units of one hidden layer and the next layer recombines them, with the constants
before and after the activation folded into the biases:

================================  ==================================================
``Clip(z, min=a)``                ``a + relu(z - a)``
``Clip(z, max=b)``                ``b - relu(b - z)``
``Clip(z, min=a, max=b)``         ``a + relu(z - a) - relu(z - b)`` (``a < b``; the
                                  constant ``b`` when ``a >= b``, as ONNX defines it)
``HardSigmoid(z)``                ``Clip(alpha * z + beta, 0, 1)``
``Abs(z)``                        ``relu(z) + relu(-z)``
``Shrink(z, bias=l, lambd=l)``    ``relu(z - l) - relu(-z - l)`` (soft shrinkage, ``l >= 0``)
================================  ==================================================

So ``Clip(z, min=0)`` is exactly ``Relu(z)``: the same units with the same weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.affine import AffineTensor
from plregions.importers.onnx_ops.registry import OnnxNode, Stage, is_var, register
from plregions.importers.program import ActivationOutput

__all__ = ["Ramp", "ramp_units", "clamp_units"]


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


def clamp_units(x: AffineTensor, lo=None, hi=None, *, what: str) -> ActivationOutput:
    """``min(max(x, lo), hi)`` with constant bounds, as ReLU units.

    Parameters
    ----------
    x : AffineTensor
    lo, hi : array_like or None
        Bounds that broadcast with ``x`` (numpy rules); None, ``-inf`` (lower) and ``+inf``
        (upper) mean no bound. Where ``lo >= hi`` the value is ``hi``. An entry with no
        bound at all is carried by a pass-through unit.
    what : str
        Names the operation in error messages.

    Returns
    -------
    ActivationOutput
    """
    lo = np.asarray(-np.inf if lo is None else aff.as_constant(lo))
    hi = np.asarray(np.inf if hi is None else aff.as_constant(hi))
    if np.isnan(lo).any() or np.isnan(hi).any():
        raise InvalidNetworkError(f"{what}: a bound is NaN, which makes the output NaN")
    if (lo == np.inf).any() or (hi == -np.inf).any():
        raise InvalidNetworkError(
            f"{what}: a lower bound of +inf or an upper bound of -inf makes the output "
            "infinite; a network's values must be finite"
        )
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
    up = has_lo & ~constant                        # lo + relu(x - lo)
    cap = up & has_hi                              #    - relu(x - hi)
    down = has_hi & ~has_lo                        # hi - relu(hi - x)
    offset = np.where(up, lo, np.where(has_hi, hi, 0.0))
    ramps = [Ramp(1.0, lo, up.astype(float)), Ramp(1.0, hi, -cap.astype(float)),
             Ramp(-1.0, -hi, -down.astype(float))]
    return ramp_units(x, shape, ramps, offset, passed=(~has_lo & ~has_hi).astype(float))


# -- Clip -----------------------------------------------------------------------------------

# ONNX's defaults for absent bounds are the lowest and largest numbers of the element type;
# exporters write them out for "no bound".
_TYPE_LIMITS = (float(np.finfo(np.float32).max), float(np.finfo(np.float64).max))


def _clip_bound(value, lower: bool):
    """A Clip bound as an array, with ONNX's "no bound" values as -inf / +inf."""
    if value is None:
        return None
    bound = aff.as_constant(value)
    sign = -1.0 if lower else 1.0
    no_bound = np.isin(bound, [sign * limit for limit in _TYPE_LIMITS])
    return np.where(no_bound, sign * np.inf, bound)


def _clip_bounds(node: OnnxNode, lo=None, hi=None):
    """The (min, max) of a Clip node: inputs from opset 11, attributes before."""
    if node.opset < 11:
        lo, hi = node.attr("min"), node.attr("max")
    return _clip_bound(lo, lower=True), _clip_bound(hi, lower=False)


def _check_clip(node, inputs):
    if node.opset >= 11:
        for pos, name in ((1, "min"), (2, "max")):
            if pos < len(inputs) and is_var(inputs[pos]):
                return (f"clips to an input-dependent {name} ({node.inputs[pos]!r}); only "
                        "constant bounds are supported (Max(x, lo) and Min(x, hi) of two "
                        "input-dependent tensors are converted)")
    lo, hi = _clip_bounds(node, *inputs[1:3])
    for bound in (lo, hi):
        if bound is not None and np.isnan(bound).any():
            return "has a NaN bound"
    if (lo is not None and (lo == np.inf).any()) or (hi is not None and (hi == -np.inf).any()):
        return "has min = +inf or max = -inf, which makes the output infinite"
    return None


def _plan_clip(node, inputs):
    """No layer for a Clip without bounds (or with only the "no bound" values)."""
    if node.opset >= 11:
        given = [pos for pos in (1, 2) if pos < len(node.inputs) and node.inputs[pos]]
        if any(inputs[pos] is None for pos in given):
            return None                        # computed from shapes: known when built
        lo, hi = _clip_bounds(node, *inputs[1:3])
    else:
        lo, hi = _clip_bounds(node)
    if any(bound is not None and np.isfinite(bound).any() for bound in (lo, hi)):
        return None
    return [Stage((node.inputs[0],), node.outputs[0], lambda value: value)]


@register("Clip", activation=True, check=_check_clip, plan=_plan_clip)
def clip(node, X, lo=None, hi=None):
    lo, hi = _clip_bounds(node, lo, hi)
    return clamp_units(X, lo, hi, what="Clip")


@register("HardSigmoid", activation=True)
def hard_sigmoid(node, X):
    # ONNX stores float attributes, and their defaults, as float32.
    alpha = float(node.attr("alpha", np.float32(0.2)))
    beta = float(node.attr("beta", 0.5))
    if alpha == 0.0:                           # the constant clip(beta, 0, 1): no units
        return ramp_units(X, X.shape, [], np.full(X.size, min(max(beta, 0.0), 1.0)))
    z = aff.add(aff.multiply(X, alpha, what="HardSigmoid"), beta, what="HardSigmoid")
    return clamp_units(z, 0.0, 1.0, what="HardSigmoid")


# -- Abs and Shrink -------------------------------------------------------------------------

@register("Abs", activation=True)
def abs_(node, X):
    zero, one = np.zeros(X.size), np.ones(X.size)
    return ramp_units(X, X.shape, [Ramp(1.0, zero, one), Ramp(-1.0, zero, one)], zero)


def _check_shrink(node, inputs):
    bias, lambd = float(node.attr("bias", 0.0)), float(node.attr("lambd", 0.5))
    if bias != lambd:
        return (f"is discontinuous at -lambd and lambd because bias={bias} differs from "
                f"lambd={lambd} (Shrink with bias == lambd, the soft shrinkage, is "
                "converted)")
    if lambd < 0:
        return (f"is discontinuous at {-lambd} because lambd={lambd} is negative (Shrink "
                "with bias == lambd >= 0, the soft shrinkage, is converted)")
    return None


@register("Shrink", activation=True, check=_check_shrink)
def shrink(node, X):
    lambd = np.full(X.size, float(node.attr("lambd", 0.5)))
    one = np.ones(X.size)
    return ramp_units(X, X.shape, [Ramp(1.0, lambd, one), Ramp(-1.0, lambd, -one)],
                      np.zeros(X.size))
