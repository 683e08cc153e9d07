"""The :class:`Network` type, its construction from arrays and its evaluation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.network.layers import Activation, HiddenLayer, OutputLayer

__all__ = ["Network", "from_arrays", "LocalMaps"]


def _real(value, what: str):
    """``value`` unchanged, or the real part of a complex array whose imaginary parts are
    all zero; complex values with a non-zero imaginary part are refused (converting them
    to float would drop it with only a warning)."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        return value  # not array-like: the float conversion reports it
    if not np.iscomplexobj(arr):
        return value
    if np.any(arr.imag != 0):
        raise InvalidNetworkError(
            f"{what}: has complex values (imaginary parts up to {np.max(np.abs(arr.imag)):g}); "
            "plregions works with real numbers: pass real arrays (np.real(...) if the "
            "imaginary parts are rounding noise)"
        )
    return arr.real


def _as_float_array(value, what: str, ndim: tuple[int, ...]) -> np.ndarray:
    value = _real(value, what)
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InvalidNetworkError(f"{what}: cannot be read as a float array ({err})") from None
    if arr.ndim not in ndim:
        want = " or ".join(f"{n}-D" for n in ndim)
        raise InvalidNetworkError(f"{what}: expected a {want} array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidNetworkError(
            f"{what}: contains NaN or infinite values; every weight and bias must be finite"
        )
    return arr


MAGNITUDE_RANGE = (1e-100, 1e100)
"""Largest weight of a layer must lie in this range (or the layer be all zeros).

Region geometry is composed layer by layer in float64: products of layers at 1e160 (or
1e-200) overflow (or underflow) and would silently give wrong counts, so such layers are
refused with the fix (positive rescaling changes no region)."""


def _check_magnitude(W: np.ndarray, index: int) -> None:
    # Biases are not checked: a huge one (an importer's unreachable clamp bound, say) is
    # only added, never multiplied up the layers by more than the weights allow.
    size = float(np.max(np.abs(W)))
    low, high = MAGNITUDE_RANGE
    if size == 0.0 or low <= size <= high:
        return
    raise InvalidNetworkError(
        f"layer {index}: its largest weight is {size:.3g}, outside "
        f"[{low:g}, {high:g}] where float64 composes layers safely; rescale it: multiplying "
        "a hidden layer's weights and biases by c > 0 and dividing the next layer's weights "
        "by c changes no region (for the last layer, scale the outputs)")


@dataclass(frozen=True, eq=False)
class LocalMaps:
    """The affine maps that hold on one activation region.

    Attributes
    ----------
    preactivations : list of (ndarray of shape (n_l, n_in), ndarray of shape (n_l,))
        For every hidden layer ``l``, ``z_l(x) = A_l @ x + c_l`` on the region.
    output : tuple of ndarray of shape (n_out, n_in) and ndarray of shape (n_out,)
        The network's output ``y(x) = A @ x + c`` on the region.
    """

    preactivations: list[tuple[np.ndarray, np.ndarray]]
    output: tuple[np.ndarray, np.ndarray]


class Network:
    """A feed-forward piecewise-linear network (DESIGN.md section 1).

    ``h0 = x``, ``z_l = W_l h_{l-1} + b_l``, ``h_l = act_l(z_l)`` for the hidden layers,
    ``y = W_out h_L + b_out``. Build one with :func:`from_arrays` or an importer.

    Parameters
    ----------
    hidden : sequence of HiddenLayer
    output : OutputLayer
    input_shape : tuple of int, optional
        Shape of one input before flattening (C order), for image-like models.
    """

    def __init__(self, hidden: Sequence[HiddenLayer], output: OutputLayer,
                 input_shape: tuple[int, ...] | None = None):
        self.hidden = tuple(hidden)
        self.output = output
        n_in = self.hidden[0].n_in if self.hidden else output.n_in
        self.input_shape = tuple(input_shape) if input_shape is not None else (n_in,)
        if int(np.prod(self.input_shape)) != n_in:
            raise InvalidNetworkError(
                f"input_shape {self.input_shape} has {int(np.prod(self.input_shape))} entries "
                f"but the first layer takes {n_in} inputs"
            )
        offsets = np.cumsum([0] + [layer.n_neurons for layer in self.hidden])
        self._neuron_offsets = offsets

    # -- sizes ---------------------------------------------------------------------------
    @property
    def n_in(self) -> int:
        """Input dimension d."""
        return self.hidden[0].n_in if self.hidden else self.output.n_in

    @property
    def n_out(self) -> int:
        return self.output.n_out

    @property
    def n_neurons(self) -> int:
        """Number of hidden units with a breakpoint (pass-through units excluded)."""
        return int(self._neuron_offsets[-1])

    @property
    def widths(self) -> tuple[int, ...]:
        """Units per hidden layer."""
        return tuple(layer.n_out for layer in self.hidden)

    @property
    def architecture(self) -> str:
        """``"d-w1-...-wL-n_out"``."""
        return "-".join(str(n) for n in (self.n_in, *self.widths, self.n_out))

    def neuron_slice(self, layer: int) -> slice:
        """Global neuron indices of hidden layer ``layer``."""
        return slice(int(self._neuron_offsets[layer]), int(self._neuron_offsets[layer + 1]))

    def neuron_address(self, index: int) -> tuple[int, int]:
        """``(layer, unit)`` of global neuron ``index``."""
        if not 0 <= index < self.n_neurons:
            raise IndexError(f"neuron {index} out of range for {self.n_neurons} neurons")
        layer = int(np.searchsorted(self._neuron_offsets, index, side="right") - 1)
        units = np.flatnonzero(self.hidden[layer].is_neuron)
        return layer, int(units[index - self._neuron_offsets[layer]])

    def __repr__(self) -> str:
        kinds = ",".join(layer.kind for layer in self.hidden) or "none"
        return f"Network({self.architecture}, activations={kinds}, neurons={self.n_neurons})"

    # -- evaluation ----------------------------------------------------------------------
    def check_inputs(self, X) -> np.ndarray:
        """Return ``X`` as a float array of shape (n, n_in), flattening image-like inputs."""
        X = _real(X, "inputs")
        try:
            X = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidNetworkError(
                f"inputs must be numbers, got {type(X).__name__}; pass an array of shape "
                "(n_points, n_in)"
            ) from None
        if not np.all(np.isfinite(X)):
            raise InvalidNetworkError(
                "inputs contain NaN or infinite values; every coordinate must be finite"
            )
        if X.ndim == 1:
            if X.shape[0] != self.n_in:
                raise InvalidNetworkError(
                    f"input has {X.shape[0]} entries but the network takes {self.n_in}; "
                    "pass an array of shape (n_points, n_in)"
                )
            return X[None, :]
        if X.ndim > 2:
            X = X.reshape(X.shape[0], -1)
        if X.shape[1] != self.n_in:
            raise InvalidNetworkError(
                f"inputs have {X.shape[1]} columns but the network takes {self.n_in}; "
                "pass an array of shape (n_points, n_in)"
            )
        return X

    def __call__(self, X) -> np.ndarray:
        """Evaluate the network on a batch: ndarray of shape (n, n_in) -> (n, n_out)."""
        h = self.check_inputs(X)
        for layer in self.hidden:
            z = h @ layer.weight.T + layer.bias
            h = np.where(z > 0, z, layer.negative_slope * z)
        return h @ self.output.weight.T + self.output.bias

    def preactivations(self, X) -> list[np.ndarray]:
        """Pre-activations of every hidden layer, each of shape (n, n_l)."""
        h = self.check_inputs(X)
        out = []
        for layer in self.hidden:
            z = h @ layer.weight.T + layer.bias
            out.append(z)
            h = np.where(z > 0, z, layer.negative_slope * z)
        return out

    def activation_patterns(self, X) -> np.ndarray:
        """Activation pattern of each point: bool array of shape (n, n_neurons).

        Neuron ``i`` is active iff its pre-activation is ``> 0``.
        """
        zs = self.preactivations(X)
        if not zs:
            return np.zeros((self.check_inputs(X).shape[0], 0), dtype=bool)
        return np.concatenate([z[:, layer.is_neuron] > 0 for z, layer in zip(zs, self.hidden)],
                              axis=1)

    def local_maps(self, pattern) -> LocalMaps:
        """The affine maps of the pre-activations and the output on pattern's region.

        Parameters
        ----------
        pattern : array_like of bool, shape (n_neurons,)
        """
        pattern = np.asarray(pattern, dtype=bool)
        if pattern.shape != (self.n_neurons,):
            raise InvalidNetworkError(
                f"pattern has shape {pattern.shape} but the network has {self.n_neurons} neurons"
            )
        M = np.eye(self.n_in)
        c = np.zeros(self.n_in)
        pre = []
        for index, layer in enumerate(self.hidden):
            A = layer.weight @ M
            cz = layer.weight @ c + layer.bias
            pre.append((A, cz))
            slope = layer.slopes(pattern[self.neuron_slice(index)])
            M = slope[:, None] * A
            c = slope * cz
        return LocalMaps(pre, (self.output.weight @ M, self.output.weight @ c + self.output.bias))


def from_arrays(weights: Sequence, biases: Sequence, activations: Sequence | None = None,
                *, input_shape: tuple[int, ...] | None = None) -> Network:
    """Build a network from weight and bias arrays.

    Parameters
    ----------
    weights : sequence of array_like, each of shape (n_out, n_in)
        One per layer, the torch convention. Every layer but the last is hidden.
        (A Keras kernel has shape (n_in, n_out): pass its transpose.)
    biases : sequence of array_like, each of shape (n_out,)
        A bias of shape (1, n_out) or (n_out, 1) is accepted and flattened.
    activations : sequence, optional
        One per hidden layer: ``"relu"`` (default), ``"identity"``,
        ``("leaky_relu", alpha)``, ``("prelu", alphas)`` or an :class:`Activation`.
    input_shape : tuple of int, optional
        Shape of one input before flattening.

    Returns
    -------
    Network

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> net([[-2.0], [3.0]]).ravel().tolist()      # |x|
    [2.0, 3.0]
    """
    weights, biases = list(weights), list(biases)
    if len(weights) == 0:
        raise InvalidNetworkError("empty network: give at least one weight matrix")
    if len(weights) != len(biases):
        raise InvalidNetworkError(
            f"got {len(weights)} weight matrices but {len(biases)} bias vectors; "
            "give one bias per layer (zeros for a layer without bias)"
        )
    n_hidden = len(weights) - 1
    if activations is None:
        activations = ["relu"] * n_hidden
    activations = list(activations)
    if len(activations) != n_hidden:
        raise InvalidNetworkError(
            f"got {len(activations)} activations for {n_hidden} hidden layers; give one "
            "per layer except the last, which is affine"
        )
    hidden = []
    n_prev = None
    for index, (W, b) in enumerate(zip(weights, biases)):
        W = _as_float_array(W, f"layer {index}: weight", (2,))
        b = _as_float_array(b, f"layer {index}: bias", (1, 2))
        if b.ndim == 2:
            if 1 not in b.shape:
                raise InvalidNetworkError(
                    f"layer {index}: bias has shape {b.shape}; expected ({W.shape[0]},)"
                )
            b = b.ravel()
        if W.shape[0] == 0 or W.shape[1] == 0:
            raise InvalidNetworkError(f"layer {index}: weight has shape {W.shape}; no layer "
                                      "may have zero inputs or outputs")
        if b.shape[0] != W.shape[0]:
            raise InvalidNetworkError(
                f"layer {index}: bias has {b.shape[0]} entries but weight has {W.shape[0]} "
                "rows; weights are (n_out, n_in), the torch convention (transpose a Keras kernel)"
            )
        if n_prev is not None and W.shape[1] != n_prev:
            raise InvalidNetworkError(
                f"layer {index}: weight has {W.shape[1]} columns but layer {index - 1} has "
                f"{n_prev} outputs; consecutive layers must chain (weights are (n_out, n_in))"
            )
        n_prev = W.shape[0]
        _check_magnitude(W, index)
        if index == n_hidden:
            output = OutputLayer(W, b)
            break
        spec = activations[index]
        if isinstance(spec, tuple) and len(spec) == 2:
            spec = (spec[0], _real(spec[1], f"hidden layer {index}: {spec[0]} slope"))
        act = Activation.parse(spec, index)
        given = np.asarray(_real(act.negative_slope, f"hidden layer {index}: negative slope"),
                           dtype=float)
        if given.ndim > 1 or (given.ndim == 1 and given.shape != (W.shape[0],)):
            raise InvalidNetworkError(
                f"hidden layer {index}: {given.size} PReLU slopes for {W.shape[0]} units; "
                "give one slope per unit or a single shared slope"
            )
        slope = np.broadcast_to(given, (W.shape[0],))
        if not np.all(np.isfinite(slope)):
            raise InvalidNetworkError(f"hidden layer {index}: negative slopes must be finite")
        hidden.append(HiddenLayer(W, b, np.array(slope, dtype=float), act.kind))
    return Network(hidden, output, input_shape=input_shape)
