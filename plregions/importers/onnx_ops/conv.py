"""Conv and AveragePool as exact index arithmetic (the dense matrix, never materialised)."""

from __future__ import annotations

import math

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import register, require_constant


def _pads(node, spatial, kernel, strides, dilations):
    """Begin and end padding per spatial axis, from ``pads`` or ``auto_pad``."""
    n = len(kernel)
    auto_pad = node.attr("auto_pad", "NOTSET")
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        begin, end = [], []
        for size, k, s, d in zip(spatial, kernel, strides, dilations):
            total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
            small = total // 2
            if auto_pad == "SAME_UPPER":
                begin.append(small)
                end.append(total - small)
            else:
                begin.append(total - small)
                end.append(small)
        return begin, end
    if auto_pad == "VALID":
        return [0] * n, [0] * n
    if auto_pad != "NOTSET":
        raise InvalidNetworkError(f"{node.op_type}: unknown auto_pad {auto_pad!r}")
    pads = [int(p) for p in node.attr("pads", [0] * (2 * n))]
    if len(pads) != 2 * n:
        raise InvalidNetworkError(f"{node.op_type}: pads has {len(pads)} entries, expected {2 * n}")
    return pads[:n], pads[n:]


@register("Conv", check=require_constant(1, 2, what="weight/bias input"))
def conv(node, X, W, B=None):
    W = aff.as_constant(W)
    kernel = [int(k) for k in node.attr("kernel_shape", W.shape[2:])]
    if tuple(kernel) != W.shape[2:]:
        raise InvalidNetworkError(
            f"Conv: kernel_shape {kernel} does not match the weight's shape {W.shape}"
        )
    n = len(kernel)
    strides = [int(s) for s in node.attr("strides", [1] * n)]
    dilations = [int(d) for d in node.attr("dilations", [1] * n)]
    begin, end = _pads(node, X.shape[2:], kernel, strides, dilations)
    return aff.convolve(X, W, B, strides=strides, pads_begin=begin, pads_end=end,
                        dilations=dilations, groups=int(node.attr("group", 1)), what="Conv")


def _check_average_pool(node, inputs):
    n_pads = sum(int(p) for p in node.attr("pads", []))
    if node.attr("ceil_mode", 0):
        return "uses ceil_mode=1 (not supported; export with ceil_mode=False)"
    if node.attr("auto_pad", "NOTSET") not in ("NOTSET", "VALID") or (
            n_pads and not node.attr("count_include_pad", 0)):
        return ("pads without counting the padding (count_include_pad=0); not supported")
    return None


@register("AveragePool", check=_check_average_pool)
def average_pool(node, X):
    """A depthwise convolution with weights ``1 / prod(kernel_shape)``."""
    kernel = [int(k) for k in node.attr("kernel_shape")]
    n = len(kernel)
    channels = X.shape[1]
    W = np.full((channels, 1, *kernel), 1.0 / np.prod(kernel))
    strides = [int(s) for s in node.attr("strides", [1] * n)]
    dilations = [int(d) for d in node.attr("dilations", [1] * n)]
    begin, end = _pads(node, X.shape[2:], kernel, strides, dilations)
    return aff.convolve(X, W, None, strides=strides, pads_begin=begin, pads_end=end,
                        dilations=dilations, groups=channels, what="AveragePool")


@register("GlobalAveragePool")
def global_average_pool(node, X):
    return aff.reduce(X, tuple(range(2, X.ndim)), keepdims=True, mean=True)
