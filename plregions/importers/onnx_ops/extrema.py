"""Max and Min: elementwise, over any number of inputs, with numpy broadcasting.

Of two input-dependent tensors, ``Max(a, b) = b + relu(a - b)`` and
``Min(a, b) = a - relu(a - b)``: a hidden layer of the units ``relu(a - b)``, then an affine
step that adds the operand, carried through that layer by pass-through units. ``k``
input-dependent operands are paired off in a balanced tree of ``ceil(log2 k)`` such layers.
Constant operands are reduced to one constant ``c`` and take one more layer (one without
input-dependent partner, none): ``Max(m, c) = c + relu(m - c)``,
``Min(m, c) = c - relu(c - m)`` (built by :mod:`plregions.importers.ramps`, shared with the
torch importer). An operand given twice counts once (``Max(x, x) = x``).
"""

from __future__ import annotations

import functools

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import (
    Stage,
    identity_stage,
    is_var,
    register_plan,
    stage_key,
)
from plregions.importers.ramps import extremum_units, extremum_value, extremum_with_constant


def _bound_by_constants(larger: bool, what: str, value, *constants):
    reduce = np.maximum if larger else np.minimum
    try:
        bound = functools.reduce(reduce, [aff.as_constant(c) for c in constants])
    except ValueError:
        raise InvalidNetworkError(
            f"{what}: constant operands of shapes {[np.shape(c) for c in constants]} do not "
            "broadcast"
        ) from None
    return extremum_with_constant(larger, value, bound, what=what)


@register_plan("Max", "Min")
def plan_extremum(node, inputs) -> list[Stage]:
    """The stages of a Max or Min node (see the module's docstring)."""
    larger = node.op_type == "Max"
    what = node.op_type
    given = [(name, value) for name, value in zip(node.inputs, inputs) if name]
    variables = list(dict.fromkeys(name for name, value in given if is_var(value)))
    constants = [name for name, value in given if not is_var(value)]
    out = node.outputs[0]
    stages: list[Stage] = []
    level = 0
    while len(variables) > 1:
        paired = []
        for i in range(0, len(variables) - 1, 2):
            a, b = variables[i], variables[i + 1]
            units = stage_key(node, f"units {level}.{i // 2}")
            last = len(variables) == 2 and not constants
            value = out if last else stage_key(node, f"value {level}.{i // 2}")
            stages.append(Stage((a, b), units, functools.partial(extremum_units, what=what),
                                activation=True))
            stages.append(Stage((b if larger else a, units), value,
                                functools.partial(extremum_value, larger, what=what)))
            paired.append(value)
        if len(variables) % 2:
            paired.append(variables[-1])
        variables = paired
        level += 1
    (result,) = variables
    if constants:
        stages.append(Stage((result, *constants), out,
                            functools.partial(_bound_by_constants, larger, what),
                            activation=True))
    elif not stages:
        stages.append(identity_stage(node, result))
    return stages
