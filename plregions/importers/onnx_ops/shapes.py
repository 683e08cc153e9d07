"""Operators that move, select or cast entries: Flatten, Reshape, Transpose, Identity,
Dropout, Shape, Size, Squeeze, Unsqueeze, Concat, Gather, Slice, Cast, Expand, Pad, ReduceMean,
ReduceSum."""

from __future__ import annotations

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.affine import AffineTensor
from plregions.importers.onnx_ops.registry import int_list, is_var, register, require_constant


@register("Identity")
def identity(node, X):
    return X


@register("Flatten")
def flatten(node, X):
    """To 2-D: ``(prod(shape[:axis]), prod(shape[axis:]))``."""
    axis = int(node.attr("axis", 1))
    if not -X.ndim <= axis <= X.ndim:
        raise InvalidNetworkError(f"Flatten: axis {axis} out of range for shape {X.shape}")
    if axis < 0:
        axis += X.ndim
    return aff.reshape(X, (int(np.prod(X.shape[:axis])), int(np.prod(X.shape[axis:]))),
                       what="Flatten")


@register("Reshape", check=require_constant(1, what="shape input"))
def reshape(node, X, shape):
    target = int_list(shape, "Reshape shape")
    if not node.attr("allowzero", 0):
        target = [X.shape[i] if s == 0 and i < X.ndim else s for i, s in enumerate(target)]
    return aff.reshape(X, target, what="Reshape")


@register("Transpose")
def transpose(node, X):
    perm = node.attr("perm")
    return aff.transpose(X, None if perm is None else [int(p) for p in perm])


def _check_dropout(node, inputs):
    if node.attr("is_test", 1) == 0 and node.opset < 7:
        return "has is_test=0 (training mode); export the model in eval mode"
    if len(inputs) > 2 and inputs[2] is not None:
        if is_var(inputs[2]):
            return "its training_mode input depends on the model's input"
        if bool(np.asarray(inputs[2]).ravel()[0]):
            return "has training_mode=True (random); export the model in eval mode"
    if any(node.used_outputs[1:]):
        return "its mask output is used; the mask only exists in training mode"
    return None


@register("Dropout", check=_check_dropout)
def dropout(node, X, ratio=None, training_mode=None):
    return (X, None)


@register("Shape")
def shape(node, X):
    start, end = node.attr("start", 0), node.attr("end", None)
    return np.array(X.shape, dtype=np.int64)[start:end]


@register("Size")
def size(node, X):
    return np.array(X.size, dtype=np.int64)


def _axes(node, inputs_axes):
    if node.opset >= 13 or node.attr("axes") is None:
        return None if inputs_axes is None else int_list(inputs_axes, "axes")
    return [int(a) for a in node.attr("axes")]


@register("Squeeze", check=require_constant(1, what="axes input"))
def squeeze(node, X, axes=None):
    axes = _axes(node, axes)
    if axes is None:
        axes = [i for i, n in enumerate(X.shape) if n == 1]
    axes = {a % X.ndim for a in axes}
    if any(X.shape[a] != 1 for a in axes):
        raise InvalidNetworkError(f"Squeeze: axes {sorted(axes)} of shape {X.shape} are not 1")
    return aff.reshape(X, [n for i, n in enumerate(X.shape) if i not in axes])


@register("Unsqueeze", check=require_constant(1, what="axes input"))
def unsqueeze(node, X, axes=None):
    axes = _axes(node, axes)
    ndim = X.ndim + len(axes)
    axes = sorted(a % ndim for a in axes)
    shape = list(X.shape)
    for a in axes:
        shape.insert(a, 1)
    return aff.reshape(X, shape)


@register("Concat")
def concat(node, *values):
    return aff.concatenate(list(values), int(node.attr("axis")), what="Concat")


@register("Gather", check=require_constant(1, what="indices input"))
def gather(node, X, indices):
    return aff.take(X, indices, int(node.attr("axis", 0)))


@register("Slice", check=require_constant(1, 2, 3, 4, what="starts/ends/axes/steps input"))
def slice_(node, X, starts=None, ends=None, axes=None, steps=None):
    if node.opset < 10:
        starts, ends, axes = node.attr("starts"), node.attr("ends"), node.attr("axes")
    starts, ends = int_list(starts, "Slice starts"), int_list(ends, "Slice ends")
    axes = list(range(len(starts))) if axes is None else int_list(axes, "Slice axes")
    steps = [1] * len(starts) if steps is None else int_list(steps, "Slice steps")
    key = [slice(None)] * X.ndim
    for start, end, axis, step in zip(starts, ends, axes, steps):
        key[axis % X.ndim] = slice(*slice(start, end, step).indices(X.shape[axis % X.ndim]))
    return aff.index(X, tuple(key))


_FLOAT_TYPES = (1, 10, 11, 16)   # FLOAT, FLOAT16, DOUBLE, BFLOAT16


def _check_cast(node, inputs):
    if node.attr("to") not in _FLOAT_TYPES:
        return f"casts an input-dependent tensor to the non-float type {node.attr('to')}"
    return None


@register("Cast", check=_check_cast)
def cast(node, X):
    return X


def _reduce(node, X, axes, mean):
    if node.opset >= 18 or (not mean and node.opset >= 13) or node.attr("axes") is None:
        axes = None if axes is None else int_list(axes, "axes")
    else:
        axes = [int(a) for a in node.attr("axes")]
    keepdims = bool(node.attr("keepdims", 1))
    if axes is None or len(axes) == 0:
        if node.attr("noop_with_empty_axes", 0):
            return X
        axes = None
    return aff.reduce(X, axes, keepdims, mean)


@register("ReduceMean", check=require_constant(1, what="axes input"))
def reduce_mean(node, X, axes=None):
    return _reduce(node, X, axes, mean=True)


@register("ReduceSum", check=require_constant(1, what="axes input"))
def reduce_sum(node, X, axes=None):
    return _reduce(node, X, axes, mean=False)





@register("Expand", check=require_constant(1, what="shape input"))
def expand(node, X, shape):
    """Broadcast to ``shape`` (numpy rules, both ways)."""
    target = tuple(np.broadcast_shapes(X.shape, tuple(int_list(shape, "Expand shape"))))
    return aff.add(X, np.zeros(target), what="Expand")


_PAD_MODES = {"constant": "constant", "reflect": "reflect", "edge": "edge", "wrap": "wrap"}


def _check_pad(node, inputs):
    if any(is_var(v) for v in inputs[1:]):
        return "its pads, constant value or axes depend on the model's input"
    if node.attr("mode", "constant") not in _PAD_MODES:
        return f"uses the unknown mode {node.attr('mode')!r}"
    return None


@register("Pad", check=_check_pad)
def pad(node, X, pads=None, constant_value=None, axes=None):
    """Constant, reflect, edge or wrap padding: every padded entry is an affine expression."""
    if node.opset < 11:
        pads, constant_value = node.attr("pads"), node.attr("value", 0.0)
    pads = int_list(pads, "Pad pads")
    axes = list(range(X.ndim)) if axes is None else [a % X.ndim for a in int_list(axes, "axes")]
    if len(pads) != 2 * len(axes) or min(pads, default=0) < 0:
        raise InvalidNetworkError(
            f"Pad: pads {pads} must hold a non-negative begin and end for each of the axes "
            f"{axes}"
        )
    width = [(0, 0)] * (X.ndim + 1)
    for i, axis in enumerate(axes):
        width[axis] = (pads[i], pads[i + len(axes)])
    mode = _PAD_MODES[node.attr("mode", "constant")]
    coef = np.pad(X.coef, width, mode=mode)
    value = 0.0 if constant_value is None else float(np.asarray(constant_value).ravel()[0])
    if mode == "constant" and value != 0.0:
        inside = np.pad(np.ones(X.shape), width[:-1])
        coef[..., -1] += value * (1.0 - inside)
    return AffineTensor(coef)
