"""Saving and loading networks as ``.npz`` files (no pickle)."""

from __future__ import annotations

import os

import numpy as np

from plregions.errors import InvalidNetworkError
from plregions.network.layers import ACTIVATION_KINDS, Activation
from plregions.network.network import Network, from_arrays

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


def load_npz(path: str | os.PathLike) -> Network:
    """Load a network saved by :func:`save_network`, or a plain ``W0, b0, W1, b1, ...``
    file (ReLU after every layer but the last)."""
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as err:
        raise InvalidNetworkError(f"{path}: cannot be read as a .npz network ({err})") from None
    with data:
        try:
            return _network_from_arrays(path, data)
        except ValueError as err:
            if isinstance(err, InvalidNetworkError):
                raise
            raise InvalidNetworkError(
                f"{path}: cannot be read as a network: it holds arrays that are not plain "
                "numbers (plregions never unpickles objects); save networks with "
                "plregions.save_network"
            ) from None


def _network_from_arrays(path, data) -> Network:
    keys = set(data.files)
    n_layers = 0
    while f"W{n_layers}" in keys:
        n_layers += 1
    if n_layers == 0:
        raise InvalidNetworkError(
            f"{path}: no arrays named W0, b0, W1, b1, ...; save networks with "
            "plregions.save_network or name the arrays that way"
        )
    missing = [f"b{i}" for i in range(n_layers) if f"b{i}" not in keys]
    if missing:
        raise InvalidNetworkError(f"{path}: missing bias arrays {missing}")
    weights = [data[f"W{i}"] for i in range(n_layers)]
    biases = [data[f"b{i}"] for i in range(n_layers)]
    activations = []
    for i in range(n_layers - 1):
        if f"slope{i}" not in keys:
            activations.append("relu")
            continue
        kind = str(data[f"kind{i}"]) if f"kind{i}" in keys else "prelu"
        if kind not in ACTIVATION_KINDS:
            kind = "prelu"
        activations.append(Activation(kind, np.asarray(data[f"slope{i}"], dtype=float)))
    input_shape = tuple(int(s) for s in data["input_shape"]) if "input_shape" in keys else None
    return from_arrays(weights, biases, activations, input_shape=input_shape)
