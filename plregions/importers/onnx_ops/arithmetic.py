"""Elementwise Add, Sub, Mul, Div, Neg and Sum (with numpy broadcasting)."""

from __future__ import annotations

import functools

from plregions.importers import affine as aff
from plregions.importers.onnx_ops.registry import is_var, register


def _check_mul(node, inputs):
    if is_var(inputs[0]) and is_var(inputs[1]):
        return "multiplies two input-dependent tensors (not piecewise linear)"
    return None


def _check_div(node, inputs):
    if is_var(inputs[1]):
        return "divides by an input-dependent tensor (not piecewise linear)"
    return None


@register("Add")
def add(node, A, B):
    return aff.add(A, B, what="Add")


@register("Sub")
def sub(node, A, B):
    return aff.subtract(A, B, what="Sub")


@register("Mul", check=_check_mul)
def mul(node, A, B):
    return aff.multiply(A, B, what="Mul")


@register("Div", check=_check_div)
def div(node, A, B):
    return aff.divide(A, B, what="Div")


@register("Neg")
def neg(node, X):
    return aff.negate(X)


@register("Sum")
def sum_(node, *values):
    return functools.reduce(lambda a, b: aff.add(a, b, what="Sum"), values)
