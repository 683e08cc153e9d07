"""ONNX operator converters, one module per operator family, in one registry."""

from plregions.importers.onnx_ops import (activations, arithmetic, conv, gemm,  # noqa: F401
                                          normalization, shapes)
from plregions.importers.onnx_ops.registry import CONVERTERS, VAR, OnnxConverter, OnnxNode

__all__ = ["CONVERTERS", "VAR", "OnnxConverter", "OnnxNode"]
