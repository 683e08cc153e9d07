"""ONNX operator converters, one module per operator family, in one registry."""

from plregions.importers.onnx_ops import (  # noqa: F401  (each module registers its ops)
    activations,
    arithmetic,
    clamps,
    conv,
    extrema,
    gemm,
    normalization,
    shapes,
)
from plregions.importers.onnx_ops.registry import CONVERTERS, VAR, OnnxConverter, OnnxNode

__all__ = ["CONVERTERS", "VAR", "OnnxConverter", "OnnxNode"]
