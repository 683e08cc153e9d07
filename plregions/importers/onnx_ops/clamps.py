"""Clip, HardSigmoid, Abs and Shrink: up to two breakpoints per entry, as ReLU units.

The units and their edge cases are those of :mod:`plregions.importers.ramps`, shared with
the torch importer. Here: how ONNX gives the bounds (inputs from opset 11, attributes
before, the element type's limits for "no bound"), ``HardSigmoid(z) = Clip(alpha * z +
beta, 0, 1)``, and ``Shrink`` with ``bias == lambd >= 0`` (soft shrinkage; the other forms
are discontinuous). A Clip without a finite bound and ``Shrink`` with ``lambd = 0`` are the
identity and make no layer.
"""

from __future__ import annotations

import numpy as np

from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import identity_stage, is_var, register
from plregions.importers.ramps import (
    abs_units,
    bound_problem,
    clamp_units,
    hard_sigmoid_units,
    is_unbounded,
    shrink_units,
)

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


def _clip_bounds(node, lo=None, hi=None):
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
    return bound_problem(*_clip_bounds(node, *inputs[1:3]))


def _plan_clip(node, inputs):
    """No layer for a Clip without bounds (or with only the "no bound" values)."""
    if node.opset >= 11:
        given = [pos for pos in (1, 2) if pos < len(node.inputs) and node.inputs[pos]]
        if any(inputs[pos] is None for pos in given):
            return None                        # computed from shapes: known when built
        lo, hi = _clip_bounds(node, *inputs[1:3])
    else:
        lo, hi = _clip_bounds(node)
    return [identity_stage(node)] if is_unbounded(lo, hi) else None


@register("Clip", activation=True, check=_check_clip, plan=_plan_clip)
def clip(node, X, lo=None, hi=None):
    lo, hi = _clip_bounds(node, lo, hi)
    return clamp_units(X, lo, hi, what="Clip")


@register("HardSigmoid", activation=True)
def hard_sigmoid(node, X):
    # ONNX stores float attributes, and their defaults, as float32.
    alpha = float(node.attr("alpha", np.float32(0.2)))
    beta = float(node.attr("beta", 0.5))
    return hard_sigmoid_units(X, alpha, beta, what="HardSigmoid")


# -- Abs and Shrink -------------------------------------------------------------------------

@register("Abs", activation=True)
def abs_(node, X):
    return abs_units(X)


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


def _plan_shrink(node, inputs):
    """No layer for ``Shrink`` with ``bias = lambd = 0``, the identity."""
    return [identity_stage(node)] if float(node.attr("lambd", 0.5)) == 0.0 else None


@register("Shrink", activation=True, check=_check_shrink, plan=_plan_shrink)
def shrink(node, X):
    return shrink_units(X, node.attr("lambd", 0.5), what="Shrink")
