"""Relu, LeakyRelu, PRelu (``act(z) = z`` for ``z > 0`` and ``alpha * z`` otherwise) and
ThresholdedRelu with alpha = 0, which is Relu."""

from __future__ import annotations

import numpy as np

from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import register, require_constant
from plregions.importers.program import ActivationOutput


@register("Relu", activation=True)
def relu(node, X):
    return ActivationOutput(X, np.zeros(X.shape), "relu")


@register("LeakyRelu", activation=True)
def leaky_relu(node, X):
    alpha = float(node.attr("alpha", np.float32(0.01)))  # ONNX defaults are float32
    return ActivationOutput(X, np.full(X.shape, alpha), "leaky_relu")


@register("PRelu", activation=True, check=require_constant(1, what="slope input"))
def prelu(node, X, slope):
    """The slope broadcasts to X (unidirectional), one slope per unit."""
    slopes = aff.broadcast_constant(slope, X.shape, "PRelu slope")
    return ActivationOutput(X, np.array(slopes), "prelu")


def _check_thresholded_relu(node, inputs):
    alpha = float(node.attr("alpha", 1.0))
    if alpha != 0.0:
        return (f"is discontinuous at alpha={alpha}, where it jumps from 0 to alpha; only "
                "alpha=0, which is Relu, is converted (continuous look-alikes that are: "
                "Relu(x - alpha), Clip(x, min=alpha) and Shrink with bias == lambd)")
    return None


@register("ThresholdedRelu", activation=True, check=_check_thresholded_relu)
def thresholded_relu(node, X):
    return relu(node, X)
