"""Tensors that are affine functions of a network's hidden state, and the linear operations
on them that the importers need.

An importer walks a model's graph once. Every tensor that depends on the model's input is
held as an :class:`AffineTensor`: its value is ``M @ h + c`` reshaped to the tensor's shape,
where ``h`` is the current hidden state (the input ``x`` before the first activation, then
the output of the last hidden layer built). Linear and affine operations (Linear, Gemm,
MatMul, convolution, pooling, batch normalisation, reshapes, additions ...) act on ``M`` and
``c`` exactly, so consecutive affine operations compose into one layer by construction.

The coefficients are stored *stacked*: an array of shape ``(*shape, n_state + 1)`` whose last
axis holds the coefficients of ``h`` followed by the constant term. Index operations
(reshape, transpose, slicing, concatenation, broadcasting) then act on the leading axes and
leave the last axis alone; scaling by a constant acts on every column; adding a constant
touches only the last column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError

__all__ = ["AffineTensor", "VAR", "is_var", "as_constant", "add", "subtract", "multiply",
           "divide", "negate", "reshape", "transpose", "concatenate", "take", "index", "reduce",
           "matmul", "linear", "convolve", "scale_shift_channels", "broadcast_constant"]


@dataclass(frozen=True, eq=False)
class AffineTensor:
    """A tensor whose value is an affine function of the hidden state ``h``.

    Attributes
    ----------
    coef : ndarray of shape (*shape, n_state + 1)
        ``value[i] = coef[i, :-1] @ h + coef[i, -1]`` for every multi-index ``i``.
    """

    coef: np.ndarray

    @classmethod
    def identity(cls, shape: tuple[int, ...]) -> AffineTensor:
        """The state itself, read as a tensor of ``shape`` (C order)."""
        size = int(np.prod(shape))
        coef = np.zeros((size, size + 1))
        coef[np.arange(size), np.arange(size)] = 1.0
        return cls(coef.reshape(*shape, size + 1))

    @classmethod
    def from_matrix(cls, M: np.ndarray, c: np.ndarray, shape: tuple[int, ...]) -> AffineTensor:
        """Build from ``M`` of shape (size, n_state) and ``c`` of shape (size,)."""
        return cls(np.concatenate([M, c[:, None]], axis=1).reshape(*shape, M.shape[1] + 1))

    @classmethod
    def constant(cls, value, n_state: int) -> AffineTensor:
        """A constant tensor, as an affine function with zero coefficients."""
        value = np.asarray(value, dtype=np.float64)
        coef = np.zeros((*value.shape, n_state + 1))
        coef[..., -1] = value
        return cls(coef)

    @property
    def shape(self) -> tuple[int, ...]:
        return self.coef.shape[:-1]

    @property
    def ndim(self) -> int:
        return self.coef.ndim - 1

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    @property
    def n_state(self) -> int:
        return self.coef.shape[-1] - 1

    @property
    def M(self) -> np.ndarray:
        """Coefficients of the state, shape (size, n_state)."""
        return self.coef.reshape(self.size, self.n_state + 1)[:, :-1]

    @property
    def c(self) -> np.ndarray:
        """Constant term, shape (size,)."""
        return self.coef.reshape(self.size, self.n_state + 1)[:, -1]

    def __repr__(self) -> str:
        return f"AffineTensor(shape={self.shape}, n_state={self.n_state})"


class _Var:
    """Stands for an input-dependent tensor in the importers' static checks."""

    def __repr__(self) -> str:
        return "<input-dependent tensor>"


VAR = _Var()


def is_var(value) -> bool:
    """Whether a converter's operand depends on the model's input (an
    :class:`AffineTensor`, or :data:`VAR` in a static check)."""
    return isinstance(value, (AffineTensor, _Var))


def as_constant(value) -> np.ndarray:
    """A constant operand (number, array, torch tensor) as a float64 array."""
    if hasattr(value, "detach"):                      # a torch tensor
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def _lift(value, n_state: int) -> AffineTensor:
    if isinstance(value, AffineTensor):
        return value
    return AffineTensor.constant(as_constant(value), n_state)


def broadcast_constant(value, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Broadcast a constant to ``shape`` (numpy rules), saying what failed if it cannot."""
    value = as_constant(value)
    try:
        return np.broadcast_to(value, shape)
    except ValueError:
        raise InvalidNetworkError(
            f"{what}: a constant of shape {value.shape} does not broadcast to the tensor "
            f"shape {shape}"
        ) from None


def _broadcast_shapes(a: tuple, b: tuple, what: str) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        raise InvalidNetworkError(f"{what}: shapes {a} and {b} do not broadcast") from None


def add(a, b, what: str = "add") -> AffineTensor:
    """``a + b``, numpy broadcasting; at least one operand is an :class:`AffineTensor`."""
    if not isinstance(a, AffineTensor):
        a, b = b, a
    if isinstance(b, AffineTensor):
        shape = _broadcast_shapes(a.shape, b.shape, what)
        K = a.n_state + 1
        return AffineTensor(np.broadcast_to(a.coef, (*shape, K))
                            + np.broadcast_to(b.coef, (*shape, K)))
    b = as_constant(b)
    shape = _broadcast_shapes(a.shape, b.shape, what)
    coef = np.array(np.broadcast_to(a.coef, (*shape, a.n_state + 1)))
    coef[..., -1] += b
    return AffineTensor(coef)


def negate(a: AffineTensor) -> AffineTensor:
    """``-a``."""
    return AffineTensor(-a.coef)


def subtract(a, b, what: str = "sub") -> AffineTensor:
    """``a - b``; either operand may be constant."""
    if isinstance(b, AffineTensor):
        return add(a, negate(b), what)
    return add(a, -as_constant(b), what)


def multiply(a, b, what: str = "mul") -> AffineTensor:
    """``a * b`` where exactly one operand is an :class:`AffineTensor`."""
    if not isinstance(a, AffineTensor):
        a, b = b, a
    if isinstance(b, AffineTensor):
        raise InvalidNetworkError(
            f"{what}: the product of two input-dependent tensors is not piecewise linear"
        )
    b = as_constant(b)
    _broadcast_shapes(a.shape, b.shape, what)
    return AffineTensor(a.coef * b[..., None])


def divide(a: AffineTensor, b, what: str = "div") -> AffineTensor:
    """``a / b`` with a constant divisor."""
    if isinstance(b, AffineTensor):
        raise InvalidNetworkError(
            f"{what}: dividing by an input-dependent tensor is not piecewise linear"
        )
    b = as_constant(b)
    _broadcast_shapes(a.shape, b.shape, what)
    return AffineTensor(a.coef / b[..., None])


def reshape(a: AffineTensor, shape: Sequence[int], what: str = "reshape") -> AffineTensor:
    """Reshape in C order; one entry may be -1."""
    shape = tuple(int(s) for s in shape)
    try:
        return AffineTensor(a.coef.reshape(*shape, a.n_state + 1))
    except ValueError:
        raise InvalidNetworkError(
            f"{what}: cannot reshape a tensor of shape {a.shape} to {shape}"
        ) from None


def _axis(axis: int, ndim: int, what: str) -> int:
    axis = int(axis)
    if not -ndim <= axis < ndim:
        raise InvalidNetworkError(f"{what}: axis {axis} is out of range for {ndim} dimensions")
    return axis % ndim


def transpose(a: AffineTensor, perm: Sequence[int] | None = None,
              what: str = "transpose") -> AffineTensor:
    """Permute the axes (reverse them when ``perm`` is None)."""
    if perm is None:
        perm = tuple(reversed(range(a.ndim)))
    perm = tuple(_axis(p, a.ndim, what) for p in perm)
    if sorted(perm) != list(range(a.ndim)):
        raise InvalidNetworkError(f"{what}: {perm} is not a permutation of {a.ndim} axes")
    return AffineTensor(np.transpose(a.coef, (*perm, a.ndim)))


def concatenate(values: Sequence, axis: int, what: str = "concat") -> AffineTensor:
    """Concatenate tensors (affine or constant) along ``axis``."""
    n_state = next(v.n_state for v in values if isinstance(v, AffineTensor))
    tensors = [_lift(v, n_state) for v in values]
    axis = _axis(axis, tensors[0].ndim, what)
    try:
        return AffineTensor(np.concatenate([t.coef for t in tensors], axis=axis))
    except ValueError:
        raise InvalidNetworkError(
            f"{what}: cannot concatenate shapes {[t.shape for t in tensors]} on axis {axis}"
        ) from None


def take(a: AffineTensor, indices, axis: int, what: str = "gather") -> AffineTensor:
    """``numpy.take`` along ``axis`` with constant integer indices."""
    axis = _axis(axis, a.ndim, what)
    indices = np.asarray(indices, dtype=np.int64)
    n = a.shape[axis]
    if np.any(indices < -n) or np.any(indices >= n):
        raise InvalidNetworkError(f"{what}: index out of range for axis of length {n}")
    return AffineTensor(np.take(a.coef, indices % n, axis=axis))


def index(a: AffineTensor, key, what: str = "getitem") -> AffineTensor:
    """Basic indexing (integers, slices, None, Ellipsis) of the tensor's axes."""
    if not isinstance(key, tuple):
        key = (key,)
    for item in key:
        if not (item is None or item is Ellipsis or isinstance(item, (int, slice))):
            raise InvalidNetworkError(
                f"{what}: only integers, slices, None and ... can index an input-dependent "
                f"tensor, got {type(item).__name__}"
            )
    if Ellipsis not in key:
        key = (*key, Ellipsis)
    return AffineTensor(a.coef[(*key, slice(None))])


def reduce(a: AffineTensor, axes, keepdims: bool, mean: bool, what: str = "reduce"
           ) -> AffineTensor:
    """Sum or mean over ``axes`` (all axes when None)."""
    if axes is None:
        axes = tuple(range(a.ndim))
    elif isinstance(axes, int):
        axes = (axes,)
    axes = tuple(sorted({_axis(ax, a.ndim, what) for ax in axes}))
    fn = np.mean if mean else np.sum
    return AffineTensor(fn(a.coef, axis=axes, keepdims=keepdims))


def matmul(a, b, what: str = "matmul") -> AffineTensor:
    """``a @ b`` (numpy rules) where exactly one operand is an :class:`AffineTensor`."""
    if isinstance(a, AffineTensor) and isinstance(b, AffineTensor):
        raise InvalidNetworkError(
            f"{what}: the product of two input-dependent tensors is not piecewise linear"
        )
    a_vector = (a.ndim if isinstance(a, AffineTensor) else np.ndim(a)) == 1
    b_vector = (b.ndim if isinstance(b, AffineTensor) else np.ndim(b)) == 1
    try:
        if isinstance(a, AffineTensor):
            b = as_constant(b)
            coef = a.coef[None] if a.ndim == 1 else a.coef          # (..., m, k, K)
            m, k, K = coef.shape[-3:]
            rows = np.moveaxis(coef, -1, -3).reshape(*coef.shape[:-3], K * m, k)
            out = np.matmul(rows, b[:, None] if b.ndim == 1 else b)  # (..., K m, n)
            out = np.moveaxis(out.reshape(*out.shape[:-2], K, m, out.shape[-1]), -3, -1)
        else:
            a = as_constant(a)
            coef = b.coef[:, None, :] if b.ndim == 1 else b.coef      # (..., m, n, K)
            m, n, K = coef.shape[-3:]
            out = np.matmul(a[None] if a.ndim == 1 else a,
                            coef.reshape(*coef.shape[:-2], n * K))    # (..., p, n K)
            out = out.reshape(*out.shape[:-1], n, K)
    except ValueError:
        sa = a.shape if isinstance(a, AffineTensor) else np.shape(a)
        sb = b.shape if isinstance(b, AffineTensor) else np.shape(b)
        raise InvalidNetworkError(f"{what}: shapes {sa} and {sb} do not multiply") from None
    if a_vector:
        out = out[..., 0, :, :]                                       # drop the m axis
    if b_vector:
        out = out[..., 0, :]                                          # drop the n axis
    return AffineTensor(out)


def linear(a: AffineTensor, weight, bias=None, what: str = "linear") -> AffineTensor:
    """``a @ weight.T + bias`` with ``weight`` of shape (n_out, n_in): a dense layer."""
    weight = as_constant(weight)
    if weight.ndim != 2 or a.ndim == 0 or a.shape[-1] != weight.shape[1]:
        raise InvalidNetworkError(
            f"{what}: weight of shape {weight.shape} (n_out, n_in) cannot act on a tensor of "
            f"shape {a.shape}; the last axis must have n_in = "
            f"{weight.shape[-1] if weight.ndim else '?'} entries"
        )
    coef = np.einsum("...kK,jk->...jK", a.coef, weight)
    if bias is not None:
        coef[..., -1] += as_constant(bias)
    return AffineTensor(coef)


def scale_shift_channels(a: AffineTensor, scale, shift, axis: int = 1,
                         what: str = "batch norm") -> AffineTensor:
    """``a * scale + shift`` with one scale and shift per entry of ``axis`` (the channels)."""
    axis = _axis(axis, a.ndim, what)
    scale, shift = as_constant(scale).ravel(), as_constant(shift).ravel()
    if scale.shape[0] != a.shape[axis] or shift.shape[0] != a.shape[axis]:
        raise InvalidNetworkError(
            f"{what}: {scale.shape[0]} channel parameters for a tensor of shape {a.shape} "
            f"with {a.shape[axis]} channels on axis {axis}"
        )
    view = [1] * a.ndim
    view[axis] = -1
    coef = a.coef * scale.reshape(*view, 1)
    coef[..., -1] += shift.reshape(view)
    return AffineTensor(coef)


def convolve(a: AffineTensor, weight, bias, *, strides: Sequence[int],
             pads_begin: Sequence[int], pads_end: Sequence[int], dilations: Sequence[int],
             groups: int, what: str = "conv") -> AffineTensor:
    """N-d cross-correlation with zero padding, as the deep-learning frameworks define it.

    ``a`` has shape (N, C_in, *spatial); ``weight`` has shape
    (C_out, C_in / groups, *kernel). The result is exact index arithmetic on the
    coefficients: every output entry is the weighted sum of the input entries under the
    kernel, so this equals multiplying by the convolution's dense matrix.
    """
    weight = as_constant(weight)
    n_sp = weight.ndim - 2
    if a.ndim != n_sp + 2:
        raise InvalidNetworkError(
            f"{what}: a {n_sp}-d convolution needs an input of shape (N, C, {n_sp} spatial "
            f"axes), got shape {a.shape}"
        )
    c_out, c_in_g = weight.shape[:2]
    if groups < 1 or a.shape[1] != c_in_g * groups or c_out % groups:
        raise InvalidNetworkError(
            f"{what}: weight of shape {weight.shape} with groups={groups} expects "
            f"{c_in_g * groups} input channels and output channels divisible by the groups; "
            f"the input has shape {a.shape}"
        )
    kernel = weight.shape[2:]
    pad = [(0, 0), (0, 0), *zip(pads_begin, pads_end), (0, 0)]
    x = np.pad(a.coef, [(int(p), int(q)) for p, q in pad])
    out_sp = [(x.shape[2 + i] - dilations[i] * (kernel[i] - 1) - 1) // strides[i] + 1
              for i in range(n_sp)]
    if min(out_sp, default=1) < 1:
        raise InvalidNetworkError(
            f"{what}: kernel {tuple(kernel)} with dilation {tuple(dilations)} does not fit in "
            f"the padded input of spatial shape {x.shape[2:-1]}"
        )
    out = np.zeros((a.shape[0], c_out, *out_sp, a.n_state + 1))
    c_out_g = c_out // groups
    for g in range(groups):
        xg = x[:, g * c_in_g:(g + 1) * c_in_g]
        wg = weight[g * c_out_g:(g + 1) * c_out_g]
        acc = out[:, g * c_out_g:(g + 1) * c_out_g]
        for offset in np.ndindex(*kernel):
            window = tuple(slice(o * d, o * d + (n - 1) * s + 1, s)
                           for o, d, n, s in zip(offset, dilations, out_sp, strides))
            patch = xg[(slice(None), slice(None), *window)]
            acc += np.einsum("oc,nc...->no...", wg[(slice(None), slice(None), *offset)], patch)
    if bias is not None:
        out[..., -1] += as_constant(bias).reshape(-1, *([1] * n_sp))
    return AffineTensor(out)
