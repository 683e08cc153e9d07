"""The affine output map of every region, composed in batches from either end."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import plregions as plr

partition_module = importlib.import_module("plregions.partition.partition")


def _reference(net, pattern):
    """One region's map by the definition: multiply the layers out, one at a time."""
    A, c = np.eye(net.n_in), np.zeros(net.n_in)
    offset = 0
    for layer in net.hidden:
        A, c = layer.weight @ A, layer.weight @ c + layer.bias
        slope = layer.negative_slope.copy()
        units = np.flatnonzero(layer.is_neuron)
        slope[units] = np.where(pattern[offset:offset + units.size], 1.0, slope[units])
        offset += units.size
        A, c = slope[:, None] * A, slope * c
    return net.output.weight @ A, net.output.weight @ c + net.output.bias


def _random_net(rng, n_in, widths, n_out):
    weights, biases, acts = [], [], []
    for a, b in zip([n_in, *widths], [*widths, n_out]):
        weights.append(rng.normal(size=(b, a)))
        biases.append(rng.normal(size=b))
    for w in widths:
        kind = rng.integers(4)
        acts.append(["relu", ("leaky_relu", 0.1), ("prelu", np.where(rng.random(w) < 0.3, 1.0,
                                                                      rng.uniform(-1, 1, w))),
                     "identity"][kind])
    return plr.from_arrays(weights, biases, acts)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("order", ["input", "output"])
def test_batched_maps_match_the_definition(seed, order, monkeypatch):
    rng = np.random.default_rng(seed)
    n_in, n_out = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    widths = [int(w) for w in rng.integers(1, 9, size=rng.integers(0, 4))]
    net = _random_net(rng, n_in, widths, n_out)
    patterns = rng.random((37, net.n_neurons)) < 0.5
    monkeypatch.setattr(partition_module, "OUTPUT_MAP_CHUNK", 10)  # several chunks
    A, c = partition_module._output_maps(net, patterns, order=order)
    assert A.shape == (37, n_out, n_in) and c.shape == (37, n_out)
    for i in range(37):
        A_ref, c_ref = _reference(net, patterns[i])
        np.testing.assert_allclose(A[i], A_ref, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(c[i], c_ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n_out", [1, 5])
def test_maps_agree_with_the_network_at_interior_points(n_out):
    rng = np.random.default_rng(7)
    net = _random_net(rng, 2, [6, 6], n_out)
    part = plr.partition(net, plr.Box([-2, -2], [2, 2]))
    A, c = part.output_maps
    X = part.input_points
    np.testing.assert_allclose(np.einsum("nij,nj->ni", A, X) + c, net(X), rtol=1e-9, atol=1e-9)
