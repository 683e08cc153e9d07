"""Import an ONNX model as a :class:`~plregions.network.Network`: :func:`from_onnx`."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from plregions.errors import InvalidNetworkError, UnsupportedLayerError, missing_dependency
from plregions.importers.onnx_ops import CONVERTERS, VAR, OnnxNode
from plregions.importers.onnx_ops.registry import ONNX_DOMAINS, Stage
from plregions.importers.program import Step, build_network
from plregions.network import Network

__all__ = ["from_onnx"]

_FLOAT_TYPES = (1, 10, 11, 16)   # FLOAT, FLOAT16, DOUBLE, BFLOAT16
_NOT_PL_HINT = {
    "Softmax": "a final Softmax/LogSoftmax/Sigmoid does not change the regions: export the "
               "model without it and read the outputs as logits",
    "MaxPool": "max pooling is piecewise linear but not of the form act(W x + b) with one "
               "breakpoint per unit; use AveragePool or a strided convolution",
    "HardSwish": "HardSwish is x * HardSigmoid(x), piecewise quadratic; HardSigmoid, Clip "
                 "and Relu are converted",
}
_FIX = ("the supported operators are listed in help(plregions.from_onnx): replace or remove "
        "these nodes (for example by exporting the model without them) and import it again")


def _import_onnx():
    try:
        import onnx
        import onnx.numpy_helper
        import onnx.reference
    except ImportError:
        raise missing_dependency("onnx", "onnx", "plregions.from_onnx") from None
    return onnx


def _load(onnx, model):
    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray)):
        return onnx.load_from_string(bytes(model))
    if isinstance(model, (str, os.PathLike)):
        try:
            return onnx.load(os.fspath(model))
        except (OSError, ValueError) as err:
            raise InvalidNetworkError(f"{model}: cannot be read as an ONNX model ({err})") from None
        except Exception as err:  # protobuf's DecodeError does not derive from ValueError
            raise InvalidNetworkError(
                f"{model}: cannot be read as an ONNX model ({type(err).__name__}: {err})"
            ) from None
    raise InvalidNetworkError(
        f"from_onnx expects a path, an onnx.ModelProto or serialized bytes, got "
        f"{type(model).__name__}"
    )


def _tensor_shapes(value_info, input_shape):
    """Shape the graph sees (batch axis of length 1) and the shape of one sample."""
    ttype = value_info.type.tensor_type
    if ttype.elem_type not in _FLOAT_TYPES:
        raise InvalidNetworkError(
            f"input {value_info.name!r} has ONNX element type {ttype.elem_type}, expected a "
            "floating-point tensor"
        )
    if not ttype.HasField("shape"):
        dims = None
    else:
        dims = [d.dim_value if d.HasField("dim_value") and d.dim_value > 0 else None
                for d in ttype.shape.dim]
    if input_shape is not None:
        sample = tuple(int(s) for s in input_shape)
        if dims is None or len(dims) == len(sample) + 1:
            known = [] if dims is None else dims[1:]
            if dims is not None and dims[0] not in (None, 1):
                raise InvalidNetworkError(
                    f"input {value_info.name!r} has a fixed batch axis of {dims[0]}; "
                    "plregions evaluates the model on one sample"
                )
            tensor = (1, *sample)
        elif len(dims) == len(sample):
            known, tensor = dims, sample
        else:
            raise InvalidNetworkError(
                f"input_shape {sample} does not fit the model's input {value_info.name!r} of "
                f"rank {len(dims)}; give the shape of one sample without the batch axis"
            )
        for k, s in zip(known, sample):
            if k is not None and k != s:
                raise InvalidNetworkError(
                    f"input_shape {sample} contradicts the model's input shape {dims}"
                )
        return tensor, sample
    if dims is None or not dims:
        raise InvalidNetworkError(
            f"the model's input {value_info.name!r} has no static shape; pass input_shape, "
            "the shape of one sample without the batch axis"
        )
    batched = len(dims) >= 2 and dims[0] in (None, 1)
    sample = dims[1:] if batched else dims
    if any(s is None for s in sample):
        raise InvalidNetworkError(
            f"the model's input {value_info.name!r} has shape "
            f"{['?' if d is None else d for d in dims]} with unknown sizes; pass input_shape, "
            "the shape of one sample without the batch axis"
        )
    sample = tuple(sample)
    return ((1, *sample) if batched else sample), sample


def _reference_apply(onnx, proto, opsets):
    """Evaluate a node whose inputs are all known numbers (constants or shapes)."""
    def apply(values):
        names = [name for name in proto.input if name]
        feeds = {name: np.asarray(values[name]) for name in names}
        evaluator = onnx.reference.ReferenceEvaluator(proto, opsets=opsets)
        return tuple(evaluator.run(None, feeds))
    return apply


def _converter_apply(conv, node: OnnxNode):
    def apply(values):
        inputs = [values[name] if name else None for name in node.inputs]
        while inputs and inputs[-1] is None:
            inputs.pop()
        result = conv.fn(node, *inputs)
        if not isinstance(result, tuple):
            result = (result,)
        return (result + (None,) * len(node.outputs))[:len(node.outputs)]
    return apply


def _stage_apply(stage: Stage):
    def apply(values):
        return (stage.fn(*(values[key] for key in stage.inputs)),)
    return apply


def from_onnx(path_or_model, input_shape: Sequence[int] | None = None) -> Network:
    """Import an ONNX model as the exact same piecewise-linear function.

    Supported operators (domain ai.onnx): ``Gemm`` (``alpha``, ``beta``, ``transA``,
    ``transB``, bias of shape (n,), (1, n) or scalar), ``MatMul``, ``Add``, ``Sub``,
    ``Mul``/``Div`` by constants, ``Neg``, ``Sum``, ``Relu``, ``LeakyRelu`` (any alpha),
    ``PRelu``, ``ThresholdedRelu`` with ``alpha=0``, ``Clip`` (constant bounds, as inputs
    from opset 11 and as attributes before), ``HardSigmoid``, ``Abs``, ``Shrink`` with
    ``bias == lambd >= 0`` (soft shrinkage), elementwise ``Max`` and ``Min`` (any number of
    operands, input-dependent or constant, broadcasting),
    ``Conv`` (strides, pads, auto_pad, dilations, group), ``AveragePool``,
    ``GlobalAveragePool``, ``BatchNormalization`` (inference), ``Flatten`` (any axis),
    ``Reshape``, ``Transpose``, ``Squeeze``, ``Unsqueeze``, ``Concat``, ``Gather``,
    ``Slice``, ``Expand``, ``Pad`` (constant, reflect, edge, wrap), ``ReduceMean``,
    ``ReduceSum``, ``Cast`` to float, ``Identity`` and ``Dropout`` (inference).
    Operators on constants alone, and shape computations (``Shape`` and what follows from
    it), are evaluated with the ONNX reference evaluator, whatever they are.

    Operators with several breakpoints per entry become several ReLU units per entry,
    recombined by the next layer (``Clip(z, min=a, max=b) = a + relu(z - a) - relu(z - b)``,
    ``Abs(z) = relu(z) + relu(-z)``; ``Clip(z, min=0)`` is exactly ``Relu(z)``). ``Max`` and
    ``Min`` of two input-dependent tensors take a layer of their own:
    ``Max(a, b) = b + relu(a - b)``, with ``b`` carried through the layer. ``Shrink`` with
    ``lambd = 0`` and ``Clip`` without finite bounds are the identity: no neuron, no layer.
    The construction and its edge cases (infinite and very large bounds, ``min >= max``) are
    those of :mod:`plregions.importers.ramps`, shared with :func:`~plregions.from_torch`.

    The model is evaluated on one sample: a batch axis (first axis of unknown size or of
    size 1, in a tensor of rank >= 2) gets length 1, and the output is flattened in C order.

    Parameters
    ----------
    path_or_model : str, path-like, onnx.ModelProto or bytes
    input_shape : sequence of int, optional
        Shape of one input sample without the batch axis; needed only when the model's
        input has unknown sizes besides the batch axis.

    Returns
    -------
    Network

    Raises
    ------
    UnsupportedLayerError
        Listing every unsupported node with its name, operator, domain and opset.
    InvalidNetworkError
        For a model with several inputs or outputs, or whose shapes do not fit.
    MissingDependencyError
        If onnx is not installed (``pip install 'plregions[onnx]'``).

    Examples
    --------
    >>> import pytest; onnx = pytest.importorskip("onnx")
    >>> import numpy as np
    >>> from onnx import TensorProto, helper, numpy_helper
    >>> import plregions as plr
    >>> W = numpy_helper.from_array(np.array([[1.0, 2.0], [3.0, 4.0]]), "W")
    >>> graph = helper.make_graph(
    ...     [helper.make_node("Gemm", ["x", "W"], ["z"], transB=1),
    ...      helper.make_node("Relu", ["z"], ["y"])], "g",
    ...     [helper.make_tensor_value_info("x", TensorProto.DOUBLE, ["N", 2])],
    ...     [helper.make_tensor_value_info("y", TensorProto.DOUBLE, ["N", 2])], [W])
    >>> net = plr.from_onnx(helper.make_model(graph))
    >>> net([[1.0, -1.0]]).tolist()            # relu(W @ x), then an identity output
    [[0.0, 0.0]]
    >>> net([[1.0, 1.0]]).tolist()
    [[3.0, 7.0]]
    """
    onnx = _import_onnx()
    model = _load(onnx, path_or_model)
    if model.functions:
        import onnx.inliner

        model = onnx.inliner.inline_local_functions(model)
    graph = model.graph
    opsets = {imp.domain or "": int(imp.version) for imp in model.opset_import}
    constants: dict[str, object] = {
        init.name: onnx.numpy_helper.to_array(init) for init in graph.initializer}
    if len(graph.sparse_initializer):
        raise InvalidNetworkError("sparse initializers are not supported; densify them first")
    real_inputs = [vi for vi in graph.input if vi.name not in constants]
    if len(real_inputs) != 1:
        raise InvalidNetworkError(
            f"the model has {len(real_inputs)} inputs "
            f"({', '.join(vi.name for vi in real_inputs)}); plregions imports models with "
            "exactly one input tensor"
        )
    if len(graph.output) != 1:
        raise InvalidNetworkError(
            f"the model has {len(graph.output)} outputs "
            f"({', '.join(o.name for o in graph.output)}); plregions imports models with "
            "exactly one output tensor"
        )
    input_name, output_name = real_inputs[0].name, graph.output[0].name
    tensor_shape, sample_shape = _tensor_shapes(real_inputs[0], input_shape)

    read = {name for node in graph.node for name in node.input if name} | {output_name}
    tensors = {input_name}          # values that depend on the input's entries
    metas: set[str] = set()         # values computed from shapes of such tensors
    steps: list[Step] = []
    unsupported: list[str] = []
    notes: list[str] = []
    foreign: list[str] = []         # domains of unsupported nodes other than ai.onnx
    for index, proto in enumerate(graph.node):
        domain = proto.domain or ""
        opset = opsets.get(domain) or (opsets.get("ai.onnx", 0) if domain == "" else 0)
        attributes = {}
        for attr in proto.attribute:
            value = onnx.helper.get_attribute_value(attr)
            if isinstance(value, bytes):
                value = value.decode()
            elif isinstance(value, onnx.TensorProto):
                value = onnx.numpy_helper.to_array(value)
            attributes[attr.name] = value
        node = OnnxNode(proto.name or f"node_{index}", proto.op_type, domain, opset,
                        attributes, tuple(proto.input), tuple(proto.output),
                        tuple(name in read for name in proto.output))
        names = [name for name in proto.input if name]
        outputs = tuple(name for name in proto.output)
        if any(name in tensors for name in names):
            conv = CONVERTERS.get(proto.op_type) if domain in ONNX_DOMAINS else None
            if conv is None:
                unsupported.append(node.describe())
                if domain not in ONNX_DOMAINS and domain not in foreign:
                    foreign.append(domain)
                hint = _NOT_PL_HINT.get(proto.op_type.replace("Log", ""))
                if hint and hint not in notes:
                    notes.append(hint)
                tensors.update(outputs)
                continue
            marked = [(VAR if name in tensors else constants.get(name)) if name else None
                      for name in proto.input]
            if conv.check is not None:
                problem = conv.check(node, marked)
                if problem:
                    unsupported.append(f"{node.describe()}: {problem}")
                    tensors.update(outputs)
                    continue
            stages = conv.plan(node, marked) if conv.plan is not None else None
            producing_meta = proto.op_type in ("Shape", "Size")
            (metas if producing_meta else tensors).update(outputs)
            if stages is not None:
                steps.extend(Step(node.describe(), tuple(dict.fromkeys(stage.inputs)),
                                  (stage.output,), _stage_apply(stage),
                                  activation=stage.activation) for stage in stages)
                continue
            steps.append(Step(node.describe(), tuple(names), outputs,
                              _converter_apply(conv, node), activation=conv.activation))
        elif any(name in metas for name in names):
            metas.update(outputs)
            steps.append(Step(node.describe(), tuple(names), outputs,
                              _reference_apply(onnx, proto, opsets)))
        else:
            missing = [name for name in names if name not in constants]
            if missing:
                raise InvalidNetworkError(
                    f"{node.describe()} reads {missing}, which no earlier node produces; "
                    "the graph must be topologically sorted"
                )
            try:
                values = _reference_apply(onnx, proto, opsets)(constants)
            except Exception as err:  # the reference evaluator raises many kinds
                raise InvalidNetworkError(
                    f"{node.describe()}: evaluating this constant node failed "
                    f"({type(err).__name__}: {err})"
                ) from None
            constants.update(zip(outputs, values))

    if unsupported:
        if foreign:
            notes.append(f"operators of the domain(s) {', '.join(foreign)} are not converted; "
                         "export the model with standard ai.onnx operators")
        extra = "".join(f"; {note}" for note in [*notes, _FIX])
        raise UnsupportedLayerError(
            f"the ONNX model has {len(unsupported)} node(s) that are not piecewise linear "
            "with one breakpoint per unit, or that plregions cannot convert: "
            f"{'; '.join(unsupported)}{extra}",
            unsupported,
        )
    if output_name not in tensors:
        raise InvalidNetworkError("the model's output does not depend on its input")
    name = model.graph.name or "ONNX model"
    return build_network(steps, constants, input_name, sample_shape, output_name,
                         tensor_shape=tensor_shape, model_name=name)

