"""The registry of ONNX operator converters (one small function per operator).

A converter receives the :class:`OnnxNode` and the values of the node's inputs, in order:
an :class:`~plregions.importers.affine.AffineTensor` for an input-dependent tensor, a numpy
array for a constant, ``None`` for an omitted optional input. It returns the value of the
node's first output, or a tuple with one value per output. An activation converter returns
an :class:`~plregions.importers.program.ActivationOutput`.

A converter may come with a static ``check(node, inputs)`` run before any conversion, on the
inputs with every input-dependent tensor replaced by :data:`VAR`; it returns why the node
cannot be converted, or None, so that every problem of a model is listed at once.

A node that does not convert into one step of a fixed kind (``Max`` of four input-dependent
tensors takes two activation layers, ``Clip`` without bounds takes none) comes with a
``plan(node, inputs)``, called on the same inputs as the check, that returns its
:class:`Stage` objects, or None to convert the node as one step with ``fn``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers.affine import VAR, is_var

__all__ = ["OnnxNode", "OnnxConverter", "Stage", "CONVERTERS", "register", "VAR", "is_var",
           "require_constant", "stage_key", "identity_stage", "register_plan"]

ONNX_DOMAINS = ("", "ai.onnx")


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
class Stage:
    """One of the steps a node converts into when it needs several.

    Attributes
    ----------
    inputs : tuple of str
        Keys of the values ``fn`` reads: the node's value names, or outputs of earlier
        stages of the same node.
    output : str
        Key of the value ``fn`` returns: the node's output for the last stage, a key made
        with :func:`stage_key` otherwise.
    fn : callable
        ``fn(*values)`` returns the value (an ``ActivationOutput`` for an activation stage).
    activation : bool
        Whether the stage is an activation (it starts a new hidden layer).
    """

    inputs: tuple[str, ...]
    output: str
    fn: Callable
    activation: bool = False


def stage_key(node: OnnxNode, label: str) -> str:
    """A key for an intermediate value of ``node``'s stages that no ONNX value can have
    (ONNX names are strings without NUL characters)."""
    return f"{node.outputs[0]}\x00{label}"


def _identity(value):
    return value


def identity_stage(node: OnnxNode, source: str | None = None) -> Stage:
    """The stage that makes ``node``'s output ``source`` itself (default: its first input),
    for a node that computes the identity (a Clip without bounds): no layer."""
    return Stage((node.inputs[0] if source is None else source,), node.outputs[0], _identity)


@dataclass(frozen=True)
class OnnxConverter:
    """How one operator converts: ``fn`` (one step), ``check``, ``plan`` (several steps)."""

    fn: Callable | None
    activation: bool = False
    check: Callable | None = None
    plan: Callable | None = None


CONVERTERS: dict[str, OnnxConverter] = {}


def register(*op_types: str, activation: bool = False, check: Callable | None = None,
             plan: Callable | None = None):
    """Register the decorated function as the converter of ``op_types`` (domain ai.onnx)."""
    def decorate(fn):
        for op_type in op_types:
            CONVERTERS[op_type] = OnnxConverter(fn, activation, check, plan)
        return fn
    return decorate


def register_plan(*op_types: str, check: Callable | None = None):
    """Register the decorated function as the plan of ``op_types`` (domain ai.onnx), which
    always convert through the stages it returns."""
    def decorate(plan):
        for op_type in op_types:
            CONVERTERS[op_type] = OnnxConverter(None, check=check, plan=plan)
        return plan
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
