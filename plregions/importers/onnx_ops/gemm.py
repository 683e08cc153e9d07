"""Gemm and MatMul."""

from __future__ import annotations

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.affine import AffineTensor
from plregions.importers.onnx_ops.registry import is_var, register


def _check_product(node, inputs):
    if len(inputs) >= 2 and is_var(inputs[0]) and is_var(inputs[1]):
        return "multiplies two input-dependent tensors (not piecewise linear)"
    return None


def _t(value):
    if isinstance(value, AffineTensor):
        return aff.transpose(value)
    return aff.as_constant(value).T


@register("Gemm", check=_check_product)
def gemm(node, A, B, C=None):
    """``Y = alpha * A' @ B' + beta * C`` with ``A'``, ``B'`` transposed on request."""
    alpha = float(node.attr("alpha", 1.0))
    beta = float(node.attr("beta", 1.0))
    if node.attr("transA", 0):
        A = _t(A)
    if node.attr("transB", 0):
        B = _t(B)
    Y = aff.matmul(A, B, what="Gemm")
    if alpha != 1.0:
        Y = aff.multiply(Y, alpha)
    if C is not None and beta != 0.0:
        C = aff.multiply(C, beta) if isinstance(C, AffineTensor) else aff.as_constant(C) * beta
        Y = aff.add(Y, C, what="Gemm bias")
        if Y.shape != (A.shape[0], B.shape[1]):
            raise InvalidNetworkError(
                f"Gemm: bias C broadcasts the result to {Y.shape}, expected "
                f"{(A.shape[0], B.shape[1])}"
            )
    return Y


@register("MatMul", check=_check_product)
def matmul(node, A, B):
    """``A @ B`` with numpy semantics."""
    return aff.matmul(A, B, what="MatMul")
