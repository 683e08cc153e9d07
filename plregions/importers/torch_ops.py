"""Converters from PyTorch modules, functions and tensor methods to affine steps and
piecewise-linear activations.

Three registries, filled on first use (torch is imported only then): modules by class,
functions by identity (``torch.relu`` and ``torch.nn.functional.relu`` are different
objects) and tensor methods by name. A converter takes the operation's arguments as the
model passes them, with every input-dependent tensor replaced by an
:class:`~plregions.importers.affine.AffineTensor` and every constant tensor left as is, and
returns the result. Activation converters return an
:class:`~plregions.importers.program.ActivationOutput`.

Convolutions and poolings are applied by pushing the columns of the affine coefficients
(one sample per column, float64) through the torch operation itself, without its bias:
the result is the operation's dense matrix times the coefficients, with torch's own
semantics for stride, padding, dilation, groups, ``ceil_mode`` and ``count_include_pad``.
"""

from __future__ import annotations

import builtins
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.importers import affine as aff
from plregions.importers.affine import VAR, AffineTensor, is_var
from plregions.importers.program import ActivationOutput
from plregions.importers.ramps import (
    abs_units,
    bound_problem,
    clamp_units,
    extremum_with_constant,
    hard_sigmoid_units,
    is_unbounded,
    shrink_units,
)

__all__ = ["TorchConverter", "registries", "VAR", "LATER"]


class _Later:
    """Stands, in static checks, for a constant computed from the input's shape
    (``torch.zeros_like(x)``): its value is known only when the network is built."""

    def __repr__(self) -> str:
        return "<constant computed from shapes>"


LATER = _Later()


@dataclass(frozen=True)
class TorchConverter:
    """How one module class, function or method is converted.

    Attributes
    ----------
    fn : callable
        ``fn(*args, **kwargs)`` (modules: ``fn(module, *args, **kwargs)``).
    activation : bool
        Whether it is a piecewise-linear activation.
    check : callable, optional
        ``check(*args, **kwargs)`` (modules: with the module first) on the arguments with
        input-dependent tensors replaced by :data:`VAR` and constants computed from shapes
        by :data:`LATER`; returns why the call cannot be converted, or None.
    extremum : {"max", "min"}, optional
        An elementwise maximum or minimum of ``(input, other)``: when both are
        input-dependent the importer builds it from
        :func:`~plregions.importers.ramps.extremum_units`, as an activation step and an
        affine step; ``fn`` handles one constant operand.
    identity : callable, optional
        ``identity(*args, **kwargs)`` (modules: with the module first) on the same arguments
        as ``check``: whether this call is the identity on its input (``softshrink`` with
        ``lambd=0``, a clamp without finite bounds), which the importer then converts
        without a layer. ``fn`` must give the same function when it says no or cannot
        tell (pass-through units).
    """

    fn: Callable
    activation: bool = False
    check: Callable | None = None
    extremum: str | None = None
    identity: Callable | None = None


# -- helpers ---------------------------------------------------------------------------------

def _torch():
    import torch

    return torch


def _t64(value):
    """A constant as a float64 torch tensor."""
    torch = _torch()
    if isinstance(value, torch.Tensor):
        return value.detach().to(dtype=torch.float64, device="cpu")
    return torch.as_tensor(np.asarray(value, dtype=np.float64))


def _push(x: AffineTensor, fn: Callable, what: str) -> AffineTensor:
    """Apply a *linear* torch function of a batch to every column of ``x``'s coefficients."""
    if x.ndim == 0 or x.shape[0] != 1:
        raise InvalidNetworkError(f"{what}: expected a batch of one sample, got shape {x.shape}")
    torch = _torch()
    cols = np.ascontiguousarray(np.moveaxis(x.coef, -1, 0)[:, 0])      # (K, *sample)
    with torch.no_grad():
        out = fn(torch.from_numpy(cols)).numpy()
    return AffineTensor(np.moveaxis(out[:, None], 0, -1))


def _add_channel_bias(x: AffineTensor, bias) -> AffineTensor:
    if bias is None:
        return x
    coef = x.coef.copy()
    coef[..., -1] += aff.as_constant(bias).reshape(-1, *([1] * (x.ndim - 2)))
    return AffineTensor(coef)


def _identity(x, *args, **kwargs):
    return x


def _dims(args) -> tuple[int, ...]:
    """``view(2, 3)``, ``view((2, 3))`` and ``view(torch.Size([2, 3]))`` alike."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(a) for a in args)


def _slopes_per_channel(x: AffineTensor, weight, what: str) -> np.ndarray:
    w = aff.as_constant(weight).ravel()
    if w.size == 1:
        return np.full(x.shape, float(w[0]))
    if x.ndim < 2 or x.shape[1] != w.size:
        raise InvalidNetworkError(
            f"{what}: {w.size} PReLU slopes need a tensor with {w.size} channels on axis 1, "
            f"got shape {x.shape}"
        )
    return np.broadcast_to(w.reshape(-1, *([1] * (x.ndim - 2))), x.shape)


# -- activations -----------------------------------------------------------------------------

def _relu(input, inplace=False):
    return ActivationOutput(input, np.zeros(input.shape), "relu")


def _leaky_relu(input, negative_slope=0.01, inplace=False):
    return ActivationOutput(input, np.full(input.shape, float(negative_slope)), "leaky_relu")


def _prelu(input, weight):
    return ActivationOutput(input, _slopes_per_channel(input, weight, "prelu"), "prelu")


def _relu_module(m, input):
    return _relu(input)


def _leaky_relu_module(m, input):
    return _leaky_relu(input, m.negative_slope)


def _prelu_module(m, input):
    return _prelu(input, m.weight)


# -- clamps, absolute values and elementwise extrema ---------------------------------------
#
# Piecewise linear with one or two breakpoints per entry: ReLU units recombined by the next
# layer, built by plregions.importers.ramps (shared with the ONNX importer), which documents
# the construction and its edge cases.

def _lower(fn: Callable) -> Callable:
    """``fn(input, min, None)`` as a function of ``clamp_min``'s arguments."""
    return lambda input, min: fn(input, min, None)


def _upper(fn: Callable) -> Callable:
    """``fn(input, None, max)`` as a function of ``clamp_max``'s arguments."""
    return lambda input, max: fn(input, None, max)


def _clamp(input, min=None, max=None, *, out=None):
    return clamp_units(input, min, max, what="clamp")


def _clamp_min(input, min):
    return clamp_units(input, min, None, what="clamp_min")


def _clamp_max(input, max):
    return clamp_units(input, None, max, what="clamp_max")


def _hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    return clamp_units(input, min_val, max_val, what="hardtanh")


def _relu6(input, inplace=False):
    return clamp_units(input, 0.0, 6.0, what="relu6")


def _hardsigmoid(input, inplace=False):
    # relu6(x + 3) / 6 = clamp(x / 6 + 1/2, 0, 1)
    return hard_sigmoid_units(input, 1.0 / 6.0, 0.5, what="hardsigmoid")


def _threshold(input, threshold, value, inplace=False):
    # x if x > threshold else value: max(x, threshold) when value == threshold.
    problem = _check_threshold(input, threshold, value)
    if problem:
        raise InvalidNetworkError(f"threshold {problem}")
    return clamp_units(input, threshold, None, what="threshold")


def _abs(input):
    return abs_units(input)


def _softshrink(input, lambd=0.5):
    return shrink_units(input, lambd, what="softshrink")


def _extremum(larger: bool):
    """``maximum(input, other)`` (or minimum) with one constant operand."""
    name = "maximum" if larger else "minimum"

    def convert(input, other):
        if not isinstance(input, AffineTensor):
            input, other = other, input
        return extremum_with_constant(larger, input, other, what=name)
    return convert


def _is_number(value) -> bool:
    """A constant known before the network is built, of one entry (it broadcasts to any
    shape without changing it)."""
    return value is None or (value is not LATER and not is_var(value)
                             and np.ndim(aff.as_constant(value)) == 0)


def _clamp_is_identity(input, min=None, max=None, **kwargs):
    return _is_number(min) and _is_number(max) and is_unbounded(min, max)


def _hardtanh_is_identity(input, min_val=-1.0, max_val=1.0, inplace=False):
    return _clamp_is_identity(input, min_val, max_val)


def _softshrink_is_identity(input, lambd=0.5):
    return _is_number(lambd) and lambd is not None and float(lambd) == 0.0


def _check_clamp(input, min=None, max=None, **kwargs):
    if min is None and max is None:
        return "clamps with neither min nor max, which torch refuses too"
    if is_var(min) or is_var(max):
        return ("clamps to an input-dependent bound (write torch.maximum(x, lo) and "
                "torch.minimum(x, hi), which are converted)")
    if min is LATER or max is LATER:
        return None                                 # checked when the network is built
    return bound_problem(min, max)


_MISSING = object()


def _check_extremum(larger: bool):
    name = "maximum" if larger else "minimum"

    def check(input, other=_MISSING, *args, **kwargs):
        if other is _MISSING and not args and not kwargs:
            over = "all entries"
        elif isinstance(other, (int, bool)) or "dim" in kwargs or args:
            over = "a dimension"
        else:
            other = kwargs.get("other", other)
            constant = input if is_var(other) else other
            if is_var(constant) or constant is LATER or constant is _MISSING:
                return None                 # two input-dependent operands, or known later
            return bound_problem(constant, None) if larger else bound_problem(None, constant)
        return (f"takes the {name} over {over}, a reduction with no single breakpoint per "
                f"unit, like max pooling (the elementwise torch.{name}(x, other) is "
                "converted)")
    return check


def _check_hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val is LATER or max_val is LATER:
        return None
    if float(min_val) > float(max_val):
        return (f"has min_val={float(min_val)} above max_val={float(max_val)}, which torch "
                "refuses too (swap them; torch.clamp(x, min, max), which is converted, gives "
                "max where min > max)")
    return bound_problem(min_val, max_val)


def _check_hardtanh_module(m, input):
    return _check_hardtanh(input, m.min_val, m.max_val)


def _check_softshrink(input, lambd=0.5):
    if lambd is not LATER and float(lambd) < 0:
        return f"has lambd={float(lambd)}, which torch refuses too (softshrink needs lambd >= 0)"
    return None


def _check_threshold(input, threshold, value, inplace=False):
    if is_var(threshold) or is_var(value):
        return "thresholds at an input-dependent value"
    if threshold is LATER or value is LATER:
        return None                                 # checked when the network is built
    if float(threshold) != float(value):
        return (f"is discontinuous at {threshold} because the value {value} differs from the "
                "threshold (threshold(x, t, t) = max(x, t) is converted)")
    return None


def _check_threshold_module(m, input):
    return _check_threshold(input, m.threshold, m.value)


def _check_rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    if training:
        return ("draws random slopes with training=True (pass training=self.training and "
                "call model.eval(): the slope is then (lower + upper) / 2)")
    return None


def _rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    return _leaky_relu(input, (lower + upper) / 2)


def _refuse(reason: str):
    """A converter that always refuses, saying why and what to do instead."""
    def check(*args, **kwargs):
        return reason
    return TorchConverter(_identity, check=check)


_DISCONTINUOUS_SHRINK = ("is discontinuous at -lambd and lambd, not a continuous "
                         "piecewise-linear function (Softshrink, its continuous form, is "
                         "converted)")
_HARDSWISH = ("is x * relu6(x + 3) / 6, piecewise quadratic (Hardsigmoid, ReLU6 and "
              "Hardtanh are converted)")


def _like(fill):
    """``zeros_like(x)``, ``ones_like(x)``: a constant of ``x``'s shape (float64)."""
    def convert(input, *args, dtype=None, layout=None, device=None, pin_memory=False,
                requires_grad=False, memory_format=None):
        return _torch().full(tuple(input.shape), float(fill), dtype=_torch().float64)
    return convert


def _full_like(input, fill_value, *, dtype=None, layout=None, device=None, pin_memory=False,
               requires_grad=False, memory_format=None):
    return _torch().full(tuple(input.shape), float(fill_value), dtype=_torch().float64)


# -- affine modules --------------------------------------------------------------------------

def _linear(input, weight, bias=None):
    return aff.linear(input, weight, bias)


def _linear_module(m, input):
    return aff.linear(input, m.weight, m.bias, what="Linear")


def _conv_module(m, input):
    torch = _torch()
    F = torch.nn.functional
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[m.weight.dim() - 2]
    w = _t64(m.weight)
    if m.padding_mode == "zeros":
        def fn(cols):
            return conv(cols, w, None, m.stride, m.padding, m.dilation, m.groups)
    else:
        pad = m._reversed_padding_repeated_twice

        def fn(cols):
            return conv(F.pad(cols, pad, mode=m.padding_mode), w, None, m.stride, 0,
                        m.dilation, m.groups)
    return _add_channel_bias(_push(input, fn, type(m).__name__), m.bias)


def _conv_function(conv):
    def convert(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        w = _t64(weight)
        out = _push(input, lambda cols: conv(cols, w, None, stride, padding, dilation, groups),
                    conv.__name__)
        return _add_channel_bias(out, bias)
    return convert


def _pushed_function(fn):
    """A linear torch function whose extra arguments are all constants (pooling)."""
    def convert(input, *args, **kwargs):
        return _push(input, lambda cols: fn(cols, *args, **kwargs), fn.__name__)
    return convert


def _pushed_module(m, input):
    """A linear parameter-free torch module (pooling): apply it to the columns."""
    return _push(input, m, type(m).__name__)


def _batch_norm_fold(input, running_mean, running_var, weight, bias, eps, what):
    mean, var = aff.as_constant(running_mean), aff.as_constant(running_var)
    scale = 1.0 / np.sqrt(var + eps)
    if weight is not None:
        scale = scale * aff.as_constant(weight)
    shift = -mean * scale
    if bias is not None:
        shift = shift + aff.as_constant(bias)
    return aff.scale_shift_channels(input, scale, shift, axis=1, what=what)


def _batch_norm_module(m, input):
    return _batch_norm_fold(input, m.running_mean, m.running_var, m.weight, m.bias, m.eps,
                            type(m).__name__)


def _batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
                momentum=0.1, eps=1e-05):
    return _batch_norm_fold(input, running_mean, running_var, weight, bias, eps, "batch_norm")


def _flatten(input, start_dim=0, end_dim=-1):
    nd = input.ndim
    if nd == 0:
        return aff.reshape(input, (1,))
    s, e = start_dim % nd, end_dim % nd
    shape = input.shape
    return aff.reshape(input, (*shape[:s], int(np.prod(shape[s:e + 1])), *shape[e + 1:]),
                       what="flatten")


def _flatten_module(m, input):
    return _flatten(input, m.start_dim, m.end_dim)


def _unflatten(input, dim, sizes):
    d = dim % input.ndim
    sizes = tuple(int(s) for s in sizes)
    return aff.reshape(input, (*input.shape[:d], *sizes, *input.shape[d + 1:]),
                       what="unflatten")


def _unflatten_module(m, input):
    return _unflatten(input, m.dim, m.unflattened_size)


# -- arithmetic and shapes -------------------------------------------------------------------

def _times(other, alpha):
    """``alpha * other`` of ``torch.add(input, other, alpha=alpha)``."""
    if alpha == 1:
        return other
    if isinstance(other, AffineTensor):
        return aff.multiply(other, alpha)
    return aff.as_constant(other) * alpha


def _add(input, other, *, alpha=1):
    return aff.add(input, _times(other, alpha))


def _sub(input, other, *, alpha=1):
    return aff.subtract(input, _times(other, alpha))


def _rsub(input, other, *, alpha=1):
    return _sub(other, input, alpha=alpha)


def _mul(input, other):
    return aff.multiply(input, other)


def _div(input, other, *, rounding_mode=None):
    return aff.divide(input, other)


def _check_product(input, other, *args, **kwargs):
    """For ``mul`` and ``matmul``."""
    if is_var(input) and is_var(other):
        return "multiplies two input-dependent tensors (not piecewise linear)"
    return None


def _check_div(input, other, *args, rounding_mode=None, **kwargs):
    if is_var(other):
        return "divides by an input-dependent tensor (not piecewise linear)"
    if rounding_mode is not None:
        return f"divides with rounding_mode={rounding_mode!r} (not piecewise linear)"
    return None


def _neg(input):
    return aff.negate(input)


def _matmul(input, other):
    return aff.matmul(input, other)


def _getitem(obj, key):
    if isinstance(obj, AffineTensor):
        return aff.index(obj, key)
    return operator.getitem(obj, key)


def _getattr(obj, name, *default):
    if isinstance(obj, AffineTensor):
        if name == "shape":
            return _torch().Size(obj.shape)
        if name == "ndim":
            return obj.ndim
        if name == "dtype":                 # plregions computes in float64 on the CPU
            return _torch().float64
        if name == "device":
            return _torch().device("cpu")
        if name in ("T", "mT"):
            perm = list(range(obj.ndim))
            if name == "T":
                perm.reverse()
            else:
                perm[-2:] = perm[-1], perm[-2]
            return aff.transpose(obj, perm)
    return builtins.getattr(obj, name, *default)


def _check_getattr(obj, name, *default):
    if is_var(obj) and name not in ("shape", "ndim", "dtype", "device", "T", "mT"):
        return f"reads the attribute {name!r} of an input-dependent tensor"
    return None


def _cat(tensors, dim=0):
    return aff.concatenate(list(tensors), dim)


def _reshape(input, *shape):
    return aff.reshape(input, _dims(shape))


def _transpose(input, dim0, dim1):
    perm = list(range(input.ndim))
    d0, d1 = dim0 % input.ndim, dim1 % input.ndim
    perm[d0], perm[d1] = perm[d1], perm[d0]
    return aff.transpose(input, perm)


def _permute(input, *dims):
    return aff.transpose(input, _dims(dims))


def _t(input):
    return aff.transpose(input) if input.ndim == 2 else input


def _squeeze(input, dim=None):
    shape = input.shape
    if dim is None:
        axes = [i for i, n in enumerate(shape) if n == 1]
    else:
        dims = (dim,) if isinstance(dim, int) else tuple(dim)
        axes = [d % input.ndim for d in dims if shape[d % input.ndim] == 1]
    return aff.reshape(input, tuple(n for i, n in enumerate(shape) if i not in axes))


def _unsqueeze(input, dim):
    d = dim % (input.ndim + 1)
    return aff.reshape(input, (*input.shape[:d], 1, *input.shape[d:]))


def _reduction(mean):
    def convert(input, dim=None, keepdim=False, *, dtype=None):
        return aff.reduce(input, dim, keepdim, mean)
    return convert


def _size(input, dim=None):
    return _torch().Size(input.shape) if dim is None else input.shape[dim]


def _ndim(input):
    return input.ndim


def _pad(input, pad, mode="constant", value=None):
    torch = _torch()
    if mode == "constant" and value not in (None, 0, 0.0):
        raise InvalidNetworkError(f"pad: constant padding with value {value} is not supported")
    return _push(input, lambda cols: torch.nn.functional.pad(cols, pad, mode=mode),
                 "pad")


def _check_dropout(input, p=0.5, training=True, inplace=False):
    if training and p != 0:
        return ("applies dropout with training=True, which is random; pass "
                "training=self.training and call model.eval()")
    return None


def _dropout(input, p=0.5, training=True, inplace=False):
    return input


def _check_batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
                      *args, **kwargs):
    if training or running_mean is None or running_var is None:
        return ("normalises with the statistics of the batch (training=True or no running "
                "statistics); it is not a function of one input")
    return None


def _check_batch_norm_module(m, *args, **kwargs):
    if m.running_mean is None or m.running_var is None:
        return ("has track_running_stats=False, so it normalises with the statistics of the "
                "batch even in eval mode; it is not a function of one input")
    return None


def _check_pad(input, pad, mode="constant", value=None):
    if mode == "constant" and value not in (None, 0, 0.0):
        return f"pads with the constant {value} (only zero padding is supported)"
    return None


def _check_module_padding(m, *args, **kwargs):
    if m.padding_mode != "zeros" and isinstance(m.padding, str):
        return f"combines padding={m.padding!r} with padding_mode={m.padding_mode!r}"
    return None


# -- registries ------------------------------------------------------------------------------

@functools.cache
def registries() -> tuple[dict, dict, dict]:
    """The module, function and method registries: ``(modules, functions, methods)``."""
    torch = _torch()
    nn, F = torch.nn, torch.nn.functional
    C = TorchConverter
    modules = {
        nn.Linear: C(_linear_module),
        nn.ReLU: C(_relu_module, activation=True),
        nn.LeakyReLU: C(_leaky_relu_module, activation=True),
        nn.PReLU: C(_prelu_module, activation=True),
        # In eval mode (from_torch refuses training mode) RReLU has the slope (l + u) / 2.
        nn.RReLU: C(lambda m, x: _leaky_relu(x, (m.lower + m.upper) / 2), activation=True),
        nn.ReLU6: C(lambda m, x: _hardtanh(x, m.min_val, m.max_val), activation=True),
        nn.Hardtanh: C(lambda m, x: _hardtanh(x, m.min_val, m.max_val), activation=True,
                       check=_check_hardtanh_module,
                       identity=lambda m, x: _hardtanh_is_identity(x, m.min_val, m.max_val)),
        nn.Hardsigmoid: C(lambda m, x: _hardsigmoid(x), activation=True),
        nn.Threshold: C(lambda m, x: _threshold(x, m.threshold, m.value), activation=True,
                        check=_check_threshold_module),
        nn.Softshrink: C(lambda m, x: _softshrink(x, m.lambd), activation=True,
                         check=lambda m, x: _check_softshrink(x, m.lambd),
                         identity=lambda m, x: _softshrink_is_identity(x, m.lambd)),
        nn.Hardshrink: _refuse(_DISCONTINUOUS_SHRINK),
        nn.Hardswish: _refuse(_HARDSWISH),
        nn.Identity: C(lambda m, x: x),
        nn.Flatten: C(_flatten_module),
        nn.Unflatten: C(_unflatten_module),
        nn.Conv1d: C(_conv_module, check=_check_module_padding),
        nn.Conv2d: C(_conv_module, check=_check_module_padding),
        nn.AvgPool1d: C(_pushed_module),
        nn.AvgPool2d: C(_pushed_module),
        nn.AdaptiveAvgPool1d: C(_pushed_module),
        nn.AdaptiveAvgPool2d: C(_pushed_module),
        nn.ZeroPad1d: C(_pushed_module),
        nn.ZeroPad2d: C(_pushed_module),
        nn.BatchNorm1d: C(_batch_norm_module, check=_check_batch_norm_module),
        nn.BatchNorm2d: C(_batch_norm_module, check=_check_batch_norm_module),
    }
    for cls in (nn.Dropout, nn.Dropout1d, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                nn.FeatureAlphaDropout):
        modules[cls] = C(lambda m, x: x)

    functions = {}

    def put(fns, conv):
        for fn in fns:
            functions[fn] = conv

    put([F.relu, torch.relu, torch.relu_, F.relu_], C(_relu, activation=True))
    put([F.leaky_relu, F.leaky_relu_], C(_leaky_relu, activation=True))
    put([F.prelu, torch.prelu], C(_prelu, activation=True))
    put([F.rrelu, F.rrelu_, torch.rrelu, torch.rrelu_],
        C(_rrelu, activation=True, check=_check_rrelu))
    clamp = C(_clamp, activation=True, check=_check_clamp, identity=_clamp_is_identity)
    clamp_min = C(_clamp_min, activation=True, check=_lower(_check_clamp),
                  identity=_lower(_clamp_is_identity))
    clamp_max = C(_clamp_max, activation=True, check=_upper(_check_clamp),
                  identity=_upper(_clamp_is_identity))
    put([torch.clamp, torch.clip, torch.clamp_, torch.clip_], clamp)
    put([torch.clamp_min, torch.clamp_min_], clamp_min)
    put([torch.clamp_max, torch.clamp_max_], clamp_max)
    put([F.hardtanh, F.hardtanh_],
        C(_hardtanh, activation=True, check=_check_hardtanh, identity=_hardtanh_is_identity))
    put([F.relu6], C(_relu6, activation=True))
    put([F.hardsigmoid], C(_hardsigmoid, activation=True))
    put([F.threshold, F.threshold_, torch.threshold, torch.threshold_],
        C(_threshold, activation=True, check=_check_threshold))
    put([F.softshrink], C(_softshrink, activation=True, check=_check_softshrink,
                          identity=_softshrink_is_identity))
    put([operator.abs, torch.abs, torch.absolute, torch.abs_], C(_abs, activation=True))
    put([torch.maximum, torch.max, torch.fmax],
        C(_extremum(True), activation=True, check=_check_extremum(True), extremum="max"))
    put([torch.minimum, torch.min, torch.fmin],
        C(_extremum(False), activation=True, check=_check_extremum(False), extremum="min"))
    put([F.hardshrink, torch.hardshrink], _refuse(_DISCONTINUOUS_SHRINK))
    put([F.hardswish], _refuse(_HARDSWISH))
    put([torch.zeros_like], C(_like(0.0)))
    put([torch.ones_like], C(_like(1.0)))
    put([torch.full_like], C(_full_like))
    put([F.linear], C(_linear))
    put([F.conv1d], C(_conv_function(F.conv1d)))
    put([F.conv2d], C(_conv_function(F.conv2d)))
    for fn in (F.avg_pool1d, F.avg_pool2d, F.adaptive_avg_pool1d, F.adaptive_avg_pool2d):
        put([fn], C(_pushed_function(fn)))
    put([F.pad], C(_pad, check=_check_pad))
    put([F.dropout, F.dropout1d, F.dropout2d, F.dropout3d, F.alpha_dropout,
         F.feature_alpha_dropout], C(_dropout, check=_check_dropout))
    put([torch.dropout], C(_dropout, check=_check_dropout))
    put([F.batch_norm], C(_batch_norm, check=_check_batch_norm))
    put([operator.add, torch.add], C(_add))
    put([operator.sub, torch.sub, torch.subtract], C(_sub))
    put([torch.rsub], C(_rsub))
    put([operator.mul, torch.mul, torch.multiply], C(_mul, check=_check_product))
    put([operator.truediv, torch.div, torch.divide, torch.true_divide],
        C(_div, check=_check_div))
    put([operator.neg, torch.neg, torch.negative], C(_neg))
    put([operator.pos], C(_identity))
    put([operator.matmul, torch.matmul, torch.mm], C(_matmul, check=_check_product))
    put([operator.getitem], C(_getitem))
    put([builtins.getattr], C(_getattr, check=_check_getattr))
    put([torch.cat, torch.concat, torch.concatenate], C(_cat))
    put([torch.flatten], C(_flatten))
    put([torch.unflatten], C(_unflatten))
    put([torch.reshape], C(_reshape))
    put([torch.transpose, torch.swapaxes], C(_transpose))
    put([torch.permute], C(_permute))
    put([torch.t], C(_t))
    put([torch.squeeze], C(_squeeze))
    put([torch.unsqueeze], C(_unsqueeze))
    put([torch.mean], C(_reduction(mean=True)))
    put([torch.sum], C(_reduction(mean=False)))

    methods = {
        "relu": C(_relu, activation=True),
        "relu_": C(_relu, activation=True),
        "abs": C(_abs, activation=True), "abs_": C(_abs, activation=True),
        "absolute": C(_abs, activation=True), "absolute_": C(_abs, activation=True),
        "hardshrink": _refuse(_DISCONTINUOUS_SHRINK),
        "view": C(_reshape), "reshape": C(_reshape),
        "flatten": C(_flatten), "unflatten": C(_unflatten),
        "permute": C(_permute), "transpose": C(_transpose), "t": C(_t),
        "contiguous": C(_identity), "clone": C(_identity), "detach": C(_identity),
        "size": C(_size), "dim": C(_ndim),
        "add": C(_add), "add_": C(_add),
        "sub": C(_sub), "sub_": C(_sub),
        "mul": C(_mul, check=_check_product), "mul_": C(_mul, check=_check_product),
        "div": C(_div, check=_check_div), "div_": C(_div, check=_check_div),
        "neg": C(_neg),
        "matmul": C(_matmul, check=_check_product),
        "mean": C(_reduction(mean=True)), "sum": C(_reduction(mean=False)),
        "squeeze": C(_squeeze), "unsqueeze": C(_unsqueeze),
    }
    for names, conv in (
            (("clamp", "clip", "clamp_", "clip_"), clamp),
            (("clamp_min", "clamp_min_"), clamp_min),
            (("clamp_max", "clamp_max_"), clamp_max),
            (("maximum", "max", "fmax"),
             C(_extremum(True), activation=True, check=_check_extremum(True), extremum="max")),
            (("minimum", "min", "fmin"),
             C(_extremum(False), activation=True, check=_check_extremum(False), extremum="min"))):
        methods.update(dict.fromkeys(names, conv))
    return modules, functions, methods
