"""Saving and loading networks as ``.npz`` files (no pickle)."""

from __future__ import annotations

import os
import re
import zipfile

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.network.layers import ACTIVATION_KINDS, Activation
from plregions.network.network import Network, _as_float_array, from_arrays

__all__ = ["save_network", "load_npz"]

FORMAT = "plregions-network-1"


def save_network(net: Network, path: str | os.PathLike) -> None:
    """Save a network to ``path`` (``.npz``).

    The file holds ``W0, b0, W1, b1, ...`` with ``W`` of shape (n_out, n_in), one
    ``slope{l}`` array of negative slopes per hidden layer, the activation kinds and the
    input shape. It loads without pickle.
    """
    if not isinstance(net, Network):
        raise InvalidNetworkError(
            f"save_network takes a plregions Network, got {type(net).__name__}"
        )
    arrays = {"format": np.array(FORMAT)}
    layers = [*net.hidden, net.output]
    for index, layer in enumerate(layers):
        arrays[f"W{index}"] = layer.weight
        arrays[f"b{index}"] = layer.bias
    for index, layer in enumerate(net.hidden):
        arrays[f"slope{index}"] = layer.negative_slope
        arrays[f"kind{index}"] = np.array(layer.kind)
    arrays["input_shape"] = np.array(net.input_shape, dtype=np.int64)
    np.savez(path, **arrays)


MAKE_ONE = "make one from a network with plregions.save_network(net, path)"
"""The remedy named by every error about a file that is not a network."""

_LAYER_KEY = re.compile(r"^(W|b|slope|kind)(\d+)$")


def load_npz(path: str | os.PathLike) -> Network:
    """Load a network saved by :func:`save_network`, or a plain ``W0, b0, W1, b1, ...``
    file (ReLU after every layer but the last).

    Every array in the file must be used: layers are numbered consecutively from 0, one
    optional ``slope{i}`` and ``kind{i}`` per hidden layer, plus ``input_shape`` and
    ``format``. Anything else (a gap in the numbering, an unknown activation kind, an
    extra array, complex weights) raises :class:`~plregions.InvalidNetworkError` naming
    it, instead of loading a different network.
    """
    try:
        handle = open(path, "rb")  # closed below, also when np.load fails
    except OSError as err:
        raise InvalidNetworkError(
            f"{path}: cannot be read as a .npz network ({err.strerror or err})"
        ) from None
    with handle:
        try:
            data = np.load(handle, allow_pickle=False)
        except EOFError:
            raise InvalidNetworkError(
                f"{path}: the file is empty, not a plregions network (.npz); {MAKE_ONE}"
            ) from None
        except (ValueError, OSError, zipfile.BadZipFile):
            # np.load takes what is neither .npy nor .npz for a pickle, which it refuses.
            raise InvalidNetworkError(
                f"{path}: not a plregions network file (an .npz archive of arrays W0, b0, "
                f"W1, b1, ...); {MAKE_ONE}"
            ) from None
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise InvalidNetworkError(
                f"{path}: holds a single array (.npy data), not a plregions network file "
                f"(an .npz archive of arrays W0, b0, W1, b1, ...); {MAKE_ONE}"
            )
        with data:
            try:
                return _network_from_arrays(path, data)
            except InvalidNetworkError as err:
                if str(err).startswith(f"{path}:"):
                    raise
                raise InvalidNetworkError(f"{path}: {err}") from None
            except (ValueError, zipfile.BadZipFile, EOFError, OSError):
                raise InvalidNetworkError(
                    f"{path}: cannot be read as a network: it holds arrays that are not "
                    "plain numbers or are damaged (plregions never unpickles objects); "
                    f"{MAKE_ONE}"
                ) from None


def _sorted_keys(keys) -> list[str]:
    """Array names in a reader's order: ``W0, b0, ..., W10`` (numbers compared as numbers)."""
    def order(key):
        match = _LAYER_KEY.match(key)
        return (0, int(match.group(2)), "Wbslopekind".index(match.group(1)), key) if match \
            else (1, 0, 0, key)
    return sorted(keys, key=order)


def _check_unused(path, keys: set[str], n_layers: int) -> None:
    """Refuse arrays no part of the network reads, saying which names were expected."""
    n_hidden = n_layers - 1
    expected = {"format", "input_shape"}
    expected |= {f"{p}{i}" for p in ("W", "b") for i in range(n_layers)}
    expected |= {f"{p}{i}" for p in ("slope", "kind") for i in range(n_hidden)}
    unused = _sorted_keys(keys - expected)
    if not unused:
        return
    layer_arrays = [k for k in unused if _LAYER_KEY.match(k)]
    if any(_LAYER_KEY.match(k).group(1) in "Wb" for k in layer_arrays):
        why = (f"layers are numbered consecutively from 0, and W{n_layers} is missing, so "
               f"the network stops at W{n_layers - 1}")
    elif layer_arrays:
        why = (f"slope{{i}} and kind{{i}} belong to hidden layers 0 to {n_hidden - 1}"
               if n_hidden else "slope{i} and kind{i} belong to hidden layers, and "
               "this network has none")
    else:
        why = "a network file holds no other arrays"
    these = (f"arrays {', '.join(unused)} are" if len(unused) > 1 else
             f"array {unused[0]} is")
    raise InvalidNetworkError(
        f"{path}: {these} not used ({why}); expected W0, b0, W1, b1, "
        "... numbered consecutively, optional slope{i} and kind{i} per hidden layer, "
        f"input_shape and format; remove or rename them, or {MAKE_ONE}"
    )


def _activation(path, data, keys: set[str], i: int):
    """The activation of hidden layer ``i`` from ``slope{i}`` and ``kind{i}``."""
    kind = None
    if f"kind{i}" in keys:
        kind = str(data[f"kind{i}"])
        if kind not in ACTIVATION_KINDS:
            raise InvalidNetworkError(
                f"{path}: kind{i} is {kind!r}, not a known activation kind; known kinds: "
                f"{', '.join(ACTIVATION_KINDS)} (plregions handles piecewise-linear "
                "activations only)"
            )
    if f"slope{i}" not in keys:
        if kind in (None, "relu"):
            return "relu"
        if kind == "identity":
            return "identity"
        raise InvalidNetworkError(
            f"{path}: kind{i} is {kind!r} but slope{i} is missing; store the layer's "
            f"negative slopes as slope{i} (one per unit, or one for all)"
        )
    slope = _as_float_array(data[f"slope{i}"], f"{path}: slope{i}", (0, 1))
    return Activation(kind or "prelu", slope)


def _input_shape(path, data) -> tuple[int, ...]:
    shape = np.asarray(data["input_shape"])
    if (shape.ndim != 1 or shape.dtype.kind not in "iu" or shape.size == 0
            or np.any(shape < 1)):
        raise InvalidNetworkError(
            f"{path}: input_shape is {shape.tolist()!r}; expected a 1-D array of positive "
            "whole numbers, the shape of one input before flattening"
        )
    return tuple(int(s) for s in shape)


def _network_from_arrays(path, data) -> Network:
    keys = set(data.files)
    if "format" in keys and str(data["format"]) != FORMAT:
        raise InvalidNetworkError(
            f"{path}: format {str(data['format'])!r} is not {FORMAT!r}, the one this "
            "version of plregions reads; save the network again with this version's "
            "plregions.save_network"
        )
    n_layers = 0
    while f"W{n_layers}" in keys:
        n_layers += 1
    if n_layers == 0:
        found = ", ".join(_sorted_keys(keys)) or "none"
        raise InvalidNetworkError(
            f"{path}: no arrays named W0, b0, W1, b1, ... (found: {found}); "
            f"{MAKE_ONE}, or name the arrays that way (W0 is the first layer's weight)"
        )
    missing = [f"b{i}" for i in range(n_layers) if f"b{i}" not in keys]
    if missing:
        raise InvalidNetworkError(f"{path}: missing bias arrays {missing}")
    _check_unused(path, keys, n_layers)
    weights = [data[f"W{i}"] for i in range(n_layers)]
    biases = [data[f"b{i}"] for i in range(n_layers)]
    activations = [_activation(path, data, keys, i) for i in range(n_layers - 1)]
    input_shape = _input_shape(path, data) if "input_shape" in keys else None
    return from_arrays(weights, biases, activations, input_shape=input_shape)
