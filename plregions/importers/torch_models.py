"""Import a PyTorch module as a :class:`~plregions.network.Network`: :func:`from_torch`."""

from __future__ import annotations

from collections.abc import Sequence

from plregions.errors import InvalidNetworkError, UnsupportedLayerError, missing_dependency
from plregions.importers.program import Step, build_network
from plregions.importers.ramps import extremum_units, extremum_value
from plregions.importers.torch_ops import LATER, VAR, registries
from plregions.network import Network

__all__ = ["from_torch"]

# Hints for common non-piecewise-linear layers, appended to the refusal.
_HINTS = {
    "softmax": "a final Softmax/LogSoftmax/Sigmoid does not change the regions: import the "
               "model without it and read the outputs as logits",
    "maxpool": "max pooling is piecewise linear but not of the form act(W x + b) with one "
               "breakpoint per unit; replace it with AvgPool or a strided convolution",
}
_MODE_DEPENDENT = ("Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                   "FeatureAlphaDropout", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "RReLU")


def _import_torch():
    try:
        import torch
        import torch.fx  # noqa: F401
    except ImportError:
        raise missing_dependency("torch", "torch", "plregions.from_torch") from None
    return torch


def _check_eval_mode(module) -> None:
    """Refuse a module whose output in training mode differs from eval mode."""
    offending = []
    for name, sub in module.named_modules():
        if not sub.training:
            continue
        cls = type(sub)
        is_torch_nn = cls.__module__.startswith("torch.nn")
        if cls.__name__ in _MODE_DEPENDENT or not is_torch_nn:
            offending.append(f"{name or '<root>'} ({cls.__name__})")
    if offending:
        raise InvalidNetworkError(
            "the model is in training mode, where Dropout and BatchNorm (and possibly a "
            "custom forward that reads self.training) compute a random or batch-dependent "
            f"function; modules in training mode: {', '.join(offending)}; "
            "call model.eval() before plregions.from_torch(model)"
        )


def _trace(torch, module):
    """Trace ``module`` with torch.fx; a bare torch.nn leaf is wrapped in a Sequential."""
    cls = type(module)
    if cls.__module__.startswith("torch.nn") and not isinstance(module, torch.nn.Sequential):
        module = torch.nn.Sequential(module)
    try:
        return torch.fx.symbolic_trace(module)
    except Exception as err:  # torch.fx raises many kinds (TraceError, TypeError, ...)
        name = type(module).__name__
        raise UnsupportedLayerError(
            f"{name}.forward could not be traced with torch.fx ({type(err).__name__}: {err}); "
            "plregions imports models whose forward is a fixed graph of supported operations "
            "(no Python control flow on tensor values)",
            [f"{name}.forward (not traceable by torch.fx)"],
        ) from None


def _describe(node, modules) -> str:
    """How a model names one fx node, for error messages."""
    if node.op == "call_module":
        return f"{node.target} ({type(modules[node.target]).__name__})"
    stack = node.meta.get("nn_module_stack") or {}
    owner = list(stack.values())[-1][0] if stack else ""
    where = f"{owner}.forward" if owner else "forward"
    if node.op == "call_method":
        return f"{where}: .{node.target}() [tensor method, fx node {node.name}]"
    fname = getattr(node.target, "__name__", str(node.target))
    return f"{where}: {fname}() [function, fx node {node.name}]"


def _fetch(root, target: str):
    obj = root
    for part in target.split("."):
        obj = getattr(obj, part)
    return obj


def _alias_in_place(graph, modules) -> None:
    """After an in-place op on ``x``, later readers of ``x`` read the op's result."""
    order = {node: i for i, node in enumerate(graph.nodes)}
    for node in list(graph.nodes):
        in_place = bool(node.kwargs.get("inplace", False))
        if node.op == "call_method" and str(node.target).endswith("_"):
            in_place = True
        elif node.op == "call_function" and getattr(node.target, "__name__", "").endswith("_"):
            in_place = True
        elif node.op == "call_module":
            in_place = bool(getattr(modules[node.target], "inplace", False))
        if not in_place or not node.args or not hasattr(node.args[0], "users"):
            continue
        source = node.args[0]
        for user in list(source.users):
            if user is not node and order[user] > order[node]:
                user.replace_input_with(source, node)


def _infer_input_shape(gm, graph, modules, registries_) -> tuple[int, ...]:
    """``(in_features,)`` of the first Linear that reads the input, through elementwise
    operations only."""
    from torch.nn.functional import linear

    module_convs, function_convs, method_convs = registries_
    elementwise = ("Identity", "Dropout", "Dropout1d", "AlphaDropout", "BatchNorm1d")
    placeholder = next(n for n in graph.nodes if n.op == "placeholder")
    frontier, seen = [placeholder], set()
    while frontier:
        node = frontier.pop(0)
        for user in node.users:
            if user in seen or not user.args or user.args[0] is not node:
                continue
            seen.add(user)
            if user.op == "call_module":
                mod = modules[user.target]
                if type(mod).__name__ == "Linear":
                    return (mod.in_features,)
                conv = module_convs.get(type(mod))
                if conv is not None and (conv.activation or type(mod).__name__ in elementwise):
                    frontier.append(user)
            elif user.op == "call_function" and user.target is linear:
                weight = user.args[1] if len(user.args) > 1 else user.kwargs.get("weight")
                if getattr(weight, "op", None) == "get_attr":
                    return (int(_fetch(gm, weight.target).shape[1]),)
            else:
                conv = (method_convs.get(user.target) if user.op == "call_method"
                        else function_convs.get(user.target))
                if conv is not None and conv.activation:
                    frontier.append(user)
    raise InvalidNetworkError(
        "cannot tell the input shape: the model does not start with a Linear layer; pass "
        "input_shape, the shape of one sample without the batch axis, e.g. "
        "input_shape=(1, 28, 28) for a Conv2d with one input channel"
    )


def _hint(description: str) -> str | None:
    low = description.lower()
    if "softmax" in low or "sigmoid" in low:
        return _HINTS["softmax"]
    if "maxpool" in low or "max_pool" in low:
        return _HINTS["maxpool"]
    return None


def from_torch(module, input_shape: Sequence[int] | None = None) -> Network:
    """Import a PyTorch model as the exact same piecewise-linear function.

    The model is traced with ``torch.fx``, so it may be a (nested) ``nn.Sequential`` or a
    module whose ``forward`` applies ReLU functionally, reuses one ReLU module at several
    depths, or adds skip connections: branches become parallel units of one hidden layer and
    values needed later are carried through identity pass-through units (a layer of kind
    ``"mixed"``). Consecutive affine operations are composed into one layer.

    Supported: ``Linear``, ``ReLU``, ``LeakyReLU`` (any slope: ``act(z) = z`` for ``z > 0``,
    ``alpha * z`` otherwise), ``PReLU`` (shared or one slope per channel), ``RReLU`` (eval
    mode: slope ``(lower + upper) / 2``), ``Identity``,
    ``Flatten``, ``Unflatten``, ``Dropout`` (eval mode), ``BatchNorm1d/2d`` (running
    statistics, folded), ``Conv1d/2d`` (stride, padding, dilation, groups), ``AvgPool1d/2d``,
    ``AdaptiveAvgPool1d/2d``, ``ZeroPad1d/2d``, their functional forms, and the tensor
    operations ``+ - * /`` by constants, ``@`` with a constant, ``cat``, ``view``,
    ``reshape``, ``flatten``, ``permute``, ``transpose``, ``squeeze``, ``unsqueeze``, slicing,
    ``mean`` and ``sum``. A ReLU as the last layer is kept: the network gets a final
    identity output layer.

    Clamps, absolute values and elementwise extrema become ReLU units, one per breakpoint,
    recombined affinely by the next layer (shifts before and after the activation go into
    the biases): ``clamp``/``clip``/``clamp_min`` with ``min=a`` is ``a + relu(z - a)`` (ReLU
    itself for ``a = 0``), with ``max=b`` it is ``b - relu(b - z)``, with both it is
    ``a + relu(z - a) - relu(z - b)`` (two units per entry; the constant ``b`` where
    ``a >= b``, as in torch); ``Hardtanh``, ``ReLU6`` and ``Hardsigmoid`` are such clamps;
    ``Threshold(t, t)`` is ``clamp(min=t)``; ``abs(z) = relu(z) + relu(-z)``;
    ``Softshrink`` is ``relu(z - l) - relu(-z - l)``; ``torch.maximum``/``minimum``/``max``/
    ``min``/``fmax``/``fmin`` with a constant operand (``torch.zeros_like(z)``, a constant
    tensor) are clamps, and of two input-dependent tensors ``max(a, b) = b + relu(a - b)``.
    Bounds are constants (numbers or tensors, broadcast as in torch); an infinite bound is
    no bound, and a bound beyond :data:`plregions.importers.ramps.LARGE_BOUND` in magnitude
    is anchored so that it costs no precision. ``Softshrink(0)`` and a clamp without finite
    bounds are the identity: no neuron, no layer. The construction and its edge cases are
    those of :mod:`plregions.importers.ramps`, shared with :func:`~plregions.from_onnx`.

    Parameters
    ----------
    module : torch.nn.Module
        In eval mode (``model.eval()``) if it holds Dropout, BatchNorm or a custom
        ``forward``.
    input_shape : sequence of int, optional
        Shape of one input sample without the batch axis, e.g. ``(1, 28, 28)``. Needed
        unless the model starts with a ``Linear`` layer. Image-like inputs are flattened in
        C order: ``net(X)`` takes ``X`` of shape (n, prod(input_shape)) or
        (n, *input_shape).

    Returns
    -------
    Network
        ``net(x)`` equals ``module(x)`` (float64 arithmetic on the model's weights) for a
        batch of inputs; a model output of shape (1, *out) is flattened to (prod(out),).

    Raises
    ------
    UnsupportedLayerError
        Listing every module and function that is not piecewise linear of the supported
        form (GELU, SiLU, Tanh, Sigmoid, MaxPool, Softmax, Hardswish, Hardshrink, a
        Threshold whose value differs from its threshold, ``max`` over a dimension, a
        clamp to input-dependent bounds, ...), each with its qualified name in the model
        and, where there is one, the reason and the fix.
    InvalidNetworkError
        For a model in training mode, or one whose shapes do not fit.
    MissingDependencyError
        If torch is not installed (``pip install 'plregions[torch]'``).

    Examples
    --------
    >>> import pytest; torch = pytest.importorskip("torch")
    >>> import numpy as np
    >>> import plregions as plr
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(),
    ...                             torch.nn.Linear(8, 1))
    >>> net = plr.from_torch(model)
    >>> net.architecture
    '2-8-1'
    >>> x = torch.randn(5, 2)
    >>> bool(np.allclose(net(x.numpy()), model(x).detach().numpy(), rtol=1e-5, atol=1e-6))
    True
    """
    torch = _import_torch()
    if not isinstance(module, torch.nn.Module):
        raise InvalidNetworkError(
            f"from_torch expects a torch.nn.Module, got {type(module).__name__}; for a "
            "state_dict, load it into an instance of the model class first"
        )
    _check_eval_mode(module)
    gm = _trace(torch, module)
    graph = gm.graph
    modules = dict(gm.named_modules())
    regs = registries()
    module_convs, function_convs, method_convs = regs
    _alias_in_place(graph, modules)

    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    if len(placeholders) != 1:
        raise InvalidNetworkError(
            f"the model's forward takes {len(placeholders)} inputs "
            f"({', '.join(n.name for n in placeholders)}); plregions imports models with "
            "exactly one input tensor"
        )
    if input_shape is None:
        input_shape = _infer_input_shape(gm, graph, modules, regs)
    input_shape = tuple(int(s) for s in input_shape)
    if any(s < 1 for s in input_shape):
        raise InvalidNetworkError(f"input_shape {input_shape} must have positive entries")

    constants: dict[str, object] = {}
    variables = {placeholders[0].name}     # tensors that depend on the input's entries
    metas: set[str] = set()                  # values computed from such tensors' shapes
    steps: list[Step] = []
    unsupported: list[str] = []
    notes: list[str] = []
    output_key = None

    def value_or_var(n):
        if n.name in variables:
            return VAR
        return LATER if n.name in metas else constants.get(n.name)

    with torch.no_grad():
        for node in graph.nodes:
            if node.op == "placeholder":
                continue
            if node.op == "output":
                result = node.args[0]
                if not isinstance(result, torch.fx.Node):
                    raise InvalidNetworkError(
                        "the model returns a tuple, list or dict; plregions imports models "
                        "that return one tensor (wrap the model to return the one you need)"
                    )
                output_key = result.name
                continue
            if node.op == "get_attr":
                constants[node.name] = _fetch(gm, node.target)
                continue
            inputs = []
            torch.fx.node.map_arg((node.args, node.kwargs), inputs.append)
            keys = tuple(dict.fromkeys(n.name for n in inputs))
            if not any(key in variables for key in keys):
                if any(key in metas for key in keys):
                    # Computed from shapes (x.size(0) * 2, torch.tensor(..., dtype=x.dtype)):
                    # run the operation itself once the shapes are known.
                    metas.add(node.name)
                    steps.append(Step(_describe(node, modules), keys, (node.name,),
                                      _make_execute(torch, node, modules)))
                else:
                    # Constant folding: the operation does not depend on the input.
                    constants[node.name] = _make_execute(torch, node, modules)(constants)[0]
                continue
            if _produces_meta(node):
                metas.add(node.name)
            else:
                variables.add(node.name)
            mod = modules[node.target] if node.op == "call_module" else None
            if node.op == "call_module":
                conv = module_convs.get(type(mod))
            elif node.op == "call_method":
                conv = method_convs.get(node.target)
            else:
                conv = function_convs.get(node.target)
            description = _describe(node, modules)
            if conv is None:
                unsupported.append(description)
                hint = _hint(description)
                if hint and hint not in notes:
                    notes.append(hint)
                continue
            if conv.check is not None:
                sargs, skwargs = torch.fx.node.map_arg((node.args, node.kwargs), value_or_var)
                problem = conv.check(mod, *sargs, **skwargs) if mod is not None else (
                    conv.check(*sargs, **skwargs))
                if problem:
                    unsupported.append(f"{description}: {problem}")
                    continue
            if conv.extremum is not None:
                operands = _extremum_operands(torch, node)
                if operands and all(op.name in variables for op in operands):
                    steps.extend(_extremum_steps(node, operands, conv.extremum == "max",
                                                 description))
                    continue
            if conv.identity is not None:
                source = node.args[0] if node.args else node.kwargs.get("input")
                sargs, skwargs = torch.fx.node.map_arg((node.args, node.kwargs), value_or_var)
                same = conv.identity(mod, *sargs, **skwargs) if mod is not None else (
                    conv.identity(*sargs, **skwargs))
                if same and isinstance(source, torch.fx.Node) and source.name in variables:
                    steps.append(_identity_step(node, source.name, description))
                    continue
            steps.append(Step(description, tuple(dict.fromkeys(n.name for n in inputs)),
                              (node.name,), _make_apply(torch, node, conv, mod),
                              activation=conv.activation))

    if unsupported:
        extra = "".join(f"; {note}" for note in notes)
        raise UnsupportedLayerError(
            f"the model has {len(unsupported)} operation(s) that are not piecewise linear "
            "with one breakpoint per unit, or that plregions cannot convert: "
            f"{'; '.join(unsupported)}{extra}",
            unsupported,
        )
    if output_key not in variables:
        raise InvalidNetworkError("the model's output does not depend on its input")
    return build_network(steps, constants, placeholders[0].name, input_shape, output_key,
                         tensor_shape=(1, *input_shape), model_name=type(module).__name__)


def _produces_meta(node) -> bool:
    """Whether an operation on an input-dependent tensor reads only its shape or type."""
    import torch

    if node.op == "call_method":
        return node.target in ("size", "dim")
    if node.op == "call_function" and node.target is getattr and len(node.args) >= 2:
        return node.args[1] in ("shape", "ndim", "dtype", "device")
    return node.op == "call_function" and node.target in (
        torch.zeros_like, torch.ones_like, torch.full_like)


def _extremum_operands(torch, node) -> list:
    """The fx nodes of ``input`` and ``other`` of ``maximum(input, other)``, when both are."""
    args = list(node.args[:2])
    for name in ("input", "other")[len(args):]:
        if name in node.kwargs:
            args.append(node.kwargs[name])
    if len(args) != 2 or not all(isinstance(a, torch.fx.Node) for a in args):
        return []
    return args


def _extremum_steps(node, operands, larger: bool, description: str) -> list[Step]:
    """``max(a, b) = b + relu(a - b)``, ``min(a, b) = a - relu(a - b)`` of two
    input-dependent tensors: an activation step, then an affine step that reads the
    operand it adds (carried through the layer by pass-through units)."""
    ka, kb = (op.name for op in operands)
    if ka == kb:                                # max(x, x) = x, without a unit
        return [_identity_step(node, ka, description)]
    what = "maximum" if larger else "minimum"
    key = f"{node.name}:units"                  # fx names are identifiers: no clash
    kept = kb if larger else ka
    return [Step(description, (ka, kb), (key,),
                 lambda values: (extremum_units(values[ka], values[kb], what=what),),
                 activation=True),
            Step(description, (key, kept), (node.name,),
                 lambda values: (extremum_value(larger, values[kept], values[key],
                                                what=what),))]


def _identity_step(node, source: str, description: str) -> Step:
    """The step that makes ``node``'s value the value ``source``: no layer."""
    return Step(description, (source,), (node.name,), lambda values: (values[source],))


def _make_execute(torch, node, modules):
    """Run an fx node on known values (constants, shapes), as the model would."""
    def execute(values):
        args, kwargs = torch.fx.node.map_arg((node.args, node.kwargs), lambda n: values[n.name])
        with torch.no_grad():
            if node.op == "call_module":
                return (modules[node.target](*args, **kwargs),)
            if node.op == "call_method":
                return (getattr(args[0], node.target)(*args[1:], **kwargs),)
            return (node.target(*args, **kwargs),)
    return execute


def _make_apply(torch, node, conv, mod):
    def apply(values):
        args, kwargs = torch.fx.node.map_arg((node.args, node.kwargs), lambda n: values[n.name])
        if mod is not None:
            return (conv.fn(mod, *args, **kwargs),)
        return (conv.fn(*args, **kwargs),)
    return apply

