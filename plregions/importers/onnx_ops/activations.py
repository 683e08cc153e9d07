"""Relu, LeakyRelu and PRelu: ``act(z) = z`` for ``z > 0`` and ``alpha * z`` otherwise."""

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
    alpha = float(node.attr("alpha", 0.01))
    return ActivationOutput(X, np.full(X.shape, alpha), "leaky_relu")


@register("PRelu", activation=True, check=require_constant(1, what="slope input"))
def prelu(node, X, slope):
    """The slope broadcasts to X (unidirectional), one slope per unit."""
    slopes = aff.broadcast_constant(slope, X.shape, "PRelu slope")
    return ActivationOutput(X, np.array(slopes), "prelu")
