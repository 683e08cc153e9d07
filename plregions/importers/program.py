"""From a model's dataflow graph to a sequential :class:`~plregions.network.Network`.

Every importer turns its model into a list of :class:`Step` objects in topological order:
affine steps (anything linear or affine in its input-dependent operands) and activation steps
(a piecewise-linear activation with its breakpoint at 0, applied elementwise). This module
lays the steps out as hidden layers:

* The *depth* of a value is the largest number of activation steps on a path from the input
  to it. Hidden layer ``k`` holds every activation step of depth ``k``, so parallel branches
  share a layer and the network is as shallow as the graph allows.
* Affine steps between two activations compose into the weights of the next layer (nothing
  is evaluated numerically but the composition of the affine maps).
* A value that is still needed after a layer (a skip connection, a branch that joins later)
  is carried through it by identity *pass-through* units (negative slope 1, no breakpoint):
  either the value itself or, when that is smaller, the whole current state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers.affine import AffineTensor, as_constant
from plregions.network import Activation, Network, from_arrays

__all__ = ["Step", "ActivationOutput", "build_network"]


@dataclass(frozen=True)
class ActivationOutput:
    """What an activation step returns: its input and one negative slope per unit.

    Attributes
    ----------
    x : AffineTensor
        The pre-activation.
    negative_slope : ndarray of shape x.shape
        Slope for ``z <= 0`` of every unit (0 for ReLU); ``act(z) = z`` for ``z > 0``.
    kind : str
        ``"relu"``, ``"leaky_relu"`` or ``"prelu"``.
    combine : callable, optional
        The step's value as an affine function of the units: ``combine(u)`` with ``u`` the
        :class:`AffineTensor` of the units ``act(x)`` (shape ``x.shape``) returns the value
        (any shape). It lets one operation use several units per entry, recombined by the
        next layer (``|z| = relu(z) + relu(-z)``) or shifted after the activation
        (``clamp(z, min=a) = a + relu(z - a)``). None: the value is the units themselves.
    """

    x: AffineTensor
    negative_slope: np.ndarray
    kind: str
    combine: Callable[[AffineTensor], AffineTensor] | None = None


@dataclass(frozen=True, eq=False)
class Step:
    """One operation of a model's graph that depends on the model's input.

    Attributes
    ----------
    name : str
        How the model names the operation (used in error messages).
    inputs : tuple of str
        Keys of the values it reads, input-dependent or constant.
    outputs : tuple of str
        Keys of the values it writes.
    apply : callable
        ``apply(values)`` with ``values`` a mapping from key to value returns a tuple with
        one value per output (an :class:`AffineTensor`, a constant, or a Python value such as
        a shape); for an activation step it returns one :class:`ActivationOutput`.
    activation : bool
        Whether the step is a piecewise-linear activation (it starts a new hidden layer).
    """

    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    apply: Callable[[Mapping[str, object]], tuple]
    activation: bool = False


def _kind(kinds: set[str], has_pass_through: bool) -> str:
    if has_pass_through or len(kinds) != 1:
        return "mixed"
    return next(iter(kinds))


def _selection(n_rows: int, offset: int, n_state: int, shape: tuple[int, ...]) -> AffineTensor:
    coef = np.zeros((n_rows, n_state + 1))
    coef[np.arange(n_rows), offset + np.arange(n_rows)] = 1.0
    return AffineTensor(coef.reshape(*shape, n_state + 1))


def build_network(steps: Sequence[Step], constants: Mapping[str, object], input_key: str,
                  input_shape: tuple[int, ...], output_key: str, *,
                  tensor_shape: tuple[int, ...] | None = None,
                  model_name: str = "model") -> Network:
    """Lay the steps of a graph out as a sequential network.

    Parameters
    ----------
    steps : sequence of Step
        In topological order; every step reads at least one input-dependent value.
    constants : mapping of str to object
        Values that do not depend on the input (weights, shapes, numbers).
    input_key : str
        Key of the model's input.
    input_shape : tuple of int
        Shape of one input sample (the network's ``input_shape``).
    output_key : str
        Key of the model's output; it is flattened in C order.
    tensor_shape : tuple of int, optional
        Shape of the input tensor as the graph sees it (for example with a leading batch
        axis of length 1); defaults to ``input_shape``.
    model_name : str
        Used in error messages.

    Returns
    -------
    Network
    """
    tensor_shape = tuple(input_shape if tensor_shape is None else tensor_shape)
    # Keep only what the output depends on.
    needed = {output_key}
    kept = []
    for step in reversed(steps):
        if needed.intersection(step.outputs):
            kept.append(step)
            needed.update(step.inputs)
    kept.reverse()

    depth = {input_key: 0}
    step_depth = []
    for step in kept:
        d = max((depth[key] for key in step.inputs if key in depth), default=0)
        d += int(step.activation)
        step_depth.append(d)
        for key in step.outputs:
            depth[key] = d
    n_layers = max(step_depth, default=0)
    by_depth = [[] for _ in range(n_layers + 1)]
    for step, d in zip(kept, step_depth):
        by_depth[d].append(step)

    pending = Counter(key for step in kept for key in set(step.inputs))
    producer = {key: step for step in kept if not step.activation for key in step.outputs}
    values: dict[str, object] = dict(constants)
    values[input_key] = AffineTensor.identity(tensor_shape)
    n_state = int(np.prod(tensor_shape))
    weights, biases, activations = [], [], []

    def evaluate(step: Step):
        try:
            return step.apply(values)
        except InvalidNetworkError as err:
            raise InvalidNetworkError(f"{model_name}: {step.name}: {err}") from None

    def run(step: Step):
        result = evaluate(step)
        for key in set(step.inputs):
            pending[key] -= 1
            if (pending[key] == 0 and key != output_key
                    and isinstance(values.get(key), AffineTensor)):
                del values[key]
        return result

    for d in range(n_layers + 1):
        acts = [step for step in by_depth[d] if step.activation]
        if d > 0:
            n_state = _build_layer(acts, values, pending, producer, output_key, n_state, run,
                                   evaluate, weights, biases, activations)
        for step in by_depth[d]:
            if step.activation:
                continue
            result = run(step)
            if len(result) != len(step.outputs):
                raise InvalidNetworkError(
                    f"{model_name}: {step.name}: produced {len(result)} values for "
                    f"{len(step.outputs)} outputs"
                )
            values.update(zip(step.outputs, result))

    out = values[output_key]
    if not isinstance(out, AffineTensor):
        out = AffineTensor.constant(as_constant(out), n_state)
    if out.size == 0:
        raise InvalidNetworkError(f"{model_name}: the output is empty (shape {out.shape})")
    weights.append(out.M)
    biases.append(out.c)
    return from_arrays(weights, biases, activations, input_shape=input_shape)


def _build_layer(acts, values, pending, producer, output_key, n_state, run, evaluate,
                 weights, biases, activations) -> int:
    """Append the hidden layer of the activation steps ``acts``; return its width.

    Values still needed later are carried through pass-through units, except those that
    an affine step can recompute from other carried values after the layer (``0.5 * x``
    when ``x`` is carried anyway): recomputing is exact and costs no units.
    """
    use_here = Counter(key for step in acts for key in set(step.inputs))
    live = [key for key, value in values.items()
            if isinstance(value, AffineTensor)
            and (key == output_key or pending[key] > use_here[key])]
    carried = dict.fromkeys(live)
    recompute = []
    for key in reversed(live):                      # values are in topological order
        step = producer.get(key)
        if step is None:
            continue
        sources = [k for k in step.inputs if isinstance(values.get(k), AffineTensor)]
        if sources and all(k in carried or k in recompute for k in sources) and all(
                k in values for k in step.inputs):
            del carried[key]
            recompute.append(key)
    recompute.reverse()

    rows_W, rows_b, slopes, kinds, placed = [], [], [], set(), []
    offset = 0
    for step in acts:
        (out,) = run(step)
        rows_W.append(out.x.M)
        rows_b.append(out.x.c)
        slopes.append(np.broadcast_to(out.negative_slope, out.x.shape).ravel())
        kinds.add(out.kind)
        placed.append((step.outputs[0], offset, out.x.shape, out.combine))
        offset += out.x.size
    carry_state = sum(values[key].size for key in carried) > n_state
    if carry_state:
        rows_W.append(np.eye(n_state))
        rows_b.append(np.zeros(n_state))
        slopes.append(np.ones(n_state))
    else:
        for key in carried:
            rows_W.append(values[key].M)
            rows_b.append(values[key].c)
            slopes.append(np.ones(values[key].size))
    padded = sum(rows.shape[0] for rows in rows_W) == 0
    if padded:
        # Every activation of the layer has zero units (a clamp with min >= max is a
        # constant): one pass-through unit of weight 0 keeps the layer well formed and adds
        # no neuron.
        rows_W.append(np.zeros((1, n_state)))
        rows_b.append(np.zeros(1))
        slopes.append(np.ones(1))
    W = np.concatenate(rows_W, axis=0)
    n_new = W.shape[0]
    weights.append(W)
    biases.append(np.concatenate(rows_b))
    activations.append(Activation(_kind(kinds, bool(carried) or padded),
                                  np.concatenate(slopes).astype(float)))
    for key, start, shape, combine in placed:
        units = _selection(int(np.prod(shape)), start, n_new, shape)
        values[key] = units if combine is None else combine(units)
    start = offset
    for key in carried:
        value = values[key]
        if carry_state:
            coef = np.zeros((value.size, n_new + 1))
            coef[:, offset:offset + n_state] = value.M
            coef[:, -1] = value.c
            values[key] = AffineTensor(coef.reshape(*value.shape, n_new + 1))
        else:
            values[key] = _selection(value.size, start, n_new, value.shape)
            start += value.size
    for key in recompute:
        step = producer[key]
        values[key] = evaluate(step)[step.outputs.index(key)]
    return n_new
