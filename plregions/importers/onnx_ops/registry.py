"""The registry of ONNX operator converters (one small function per operator).

A converter receives the :class:`OnnxNode` and the values of the node's inputs, in order:
an :class:`~plregions.importers.affine.AffineTensor` for an input-dependent tensor, a numpy
array for a constant, ``None`` for an omitted optional input. It returns the value of the
node's first output, or a tuple with one value per output. An activation converter returns
an :class:`~plregions.importers.program.ActivationOutput`.

A converter may come with a static ``check(node, inputs)`` run before any conversion, on the
inputs with every input-dependent tensor replaced by :data:`VAR`; it returns why the node
cannot be converted, or None, so that every problem of a model is listed at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers.affine import AffineTensor

__all__ = ["OnnxNode", "OnnxConverter", "CONVERTERS", "register", "VAR", "is_var",
           "require_constant"]

ONNX_DOMAINS = ("", "ai.onnx")


class _Var:
    """Stands for an input-dependent tensor in static checks."""

    def __repr__(self) -> str:
        return "<input-dependent tensor>"


VAR = _Var()


def is_var(value) -> bool:
    """Whether a converter input depends on the model's input."""
    return isinstance(value, (AffineTensor, _Var))


@dataclass(frozen=True)
class OnnxNode:
    """One node of an ONNX graph, with its attributes decoded.

    Attributes
    ----------
    name, op_type, domain : str
    opset : int
        The opset version of the node's domain in the model.
    attributes : dict
        Attribute values (strings decoded, tensors as numpy arrays).
    inputs, outputs : tuple of str
        Value names; an omitted optional input is ``""``.
    used_outputs : tuple of bool
        Whether each output is read by a later node or is the graph's output.
    """

    name: str
    op_type: str
    domain: str
    opset: int
    attributes: dict = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    used_outputs: tuple[bool, ...] = ()

    def attr(self, key: str, default=None):
        return self.attributes.get(key, default)

    def describe(self) -> str:
        name = self.name or "<unnamed>"
        return (f"{name} (op {self.op_type}, domain {self.domain or 'ai.onnx'}, "
                f"opset {self.opset})")


@dataclass(frozen=True)
class OnnxConverter:
    fn: Callable
    activation: bool = False
    check: Callable | None = None


CONVERTERS: dict[str, OnnxConverter] = {}


def register(*op_types: str, activation: bool = False, check: Callable | None = None):
    """Register the decorated function as the converter of ``op_types`` (domain ai.onnx)."""
    def decorate(fn):
        for op_type in op_types:
            CONVERTERS[op_type] = OnnxConverter(fn, activation, check)
        return fn
    return decorate


def require_constant(*positions: int, what: str = "input"):
    """A static check: the inputs at ``positions`` (when given) must be constants."""
    def check(node: OnnxNode, inputs: list) -> str | None:
        for pos in positions:
            if pos < len(inputs) and is_var(inputs[pos]):
                return (f"its {what} {pos} ({node.inputs[pos]!r}) depends on the model's "
                        "input; only constant values are supported there")
        return None
    return check


def int_list(value, what: str) -> list[int]:
    """Shape-like constant (attribute or input) as a list of ints."""
    if value is None:
        raise InvalidNetworkError(f"{what} is missing")
    return [int(v) for v in np.asarray(value).ravel()]
