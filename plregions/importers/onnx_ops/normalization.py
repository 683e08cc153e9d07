"""BatchNormalization in inference mode, folded into a per-channel scale and shift."""

from __future__ import annotations

import numpy as np

from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import is_var, register


def _check_batch_norm(node, inputs):
    if any(is_var(v) for v in inputs[1:]):
        return "its scale, bias, mean or variance depends on the model's input"
    if (node.attr("training_mode", 0) or node.attr("is_test", 1) == 0
            or any(node.used_outputs[1:])):
        return ("is in training mode (it normalises with the batch statistics); export the "
                "model in eval mode")
    if not node.attr("spatial", 1):
        return "uses spatial=0 (per-activation statistics, opset < 9); not supported"
    return None


@register("BatchNormalization", check=_check_batch_norm)
def batch_normalization(node, X, scale, B, mean, var):
    eps = float(node.attr("epsilon", 1e-5))
    s = aff.as_constant(scale) / np.sqrt(aff.as_constant(var) + eps)
    shift = aff.as_constant(B) - aff.as_constant(mean) * s
    return aff.scale_shift_channels(X, s, shift, axis=1, what="BatchNormalization")
