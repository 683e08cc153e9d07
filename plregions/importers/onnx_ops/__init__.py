"""ONNX operator converters, one module per operator family, in one registry."""

from plregions.importers.onnx_ops import activations, arithmetic, conv, gemm, normalization, shapes  # noqa: F401
from plregions.importers.onnx_ops.registry import CONVERTERS, VAR, OnnxConverter, OnnxNode

__all__ = ["CONVERTERS", "VAR", "OnnxConverter", "OnnxNode"]
