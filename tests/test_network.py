"""Networks: evaluation against a hand-written numpy reference, patterns, local maps, storage."""

from __future__ import annotations

import numpy as np
import pytest

import plregions as plr
from plregions.network import load_npz

KINDS = ["relu", "leaky_small", "leaky_big", "leaky_negative", "prelu", "mixed", "identity"]


def activation_spec(kind, width, rng):
    """(spec for from_arrays, per-unit negative slopes)."""
    if kind == "relu":
        return "relu", np.zeros(width)
    if kind == "leaky_small":
        return ("leaky_relu", 0.01), np.full(width, 0.01)
    if kind == "leaky_big":
        return ("leaky_relu", 2.5), np.full(width, 2.5)
    if kind == "leaky_negative":
        return ("leaky_relu", -0.5), np.full(width, -0.5)
    if kind == "prelu":
        slopes = rng.uniform(-1.0, 3.0, size=width)
        return ("prelu", slopes), slopes
    if kind == "mixed":
        slopes = np.where(np.arange(width) % 2 == 0, 1.0, 0.0)  # pass-through and ReLU
        return ("prelu", slopes), slopes
    return "identity", np.ones(width)


def reference_forward(weights, biases, slopes, X):
    """Forward pass written independently: act(z) = ((1 + a) z + (1 - a) |z|) / 2."""
    h = np.asarray(X, dtype=float)
    for W, b, a in zip(weights[:-1], biases[:-1], slopes):
        z = h @ np.asarray(W).T + b
        h = ((1 + a) * z + (1 - a) * np.abs(z)) / 2
    return h @ np.asarray(weights[-1]).T + biases[-1]


def random_network(rng, kinds, d=3, n_out=2):
    widths = [int(rng.integers(2, 6)) for _ in kinds]
    sizes = [d, *widths, n_out]
    weights = [rng.normal(size=(o, i)) for i, o in zip(sizes[:-1], sizes[1:])]
    biases = [rng.normal(size=o) for o in sizes[1:]]
    specs, slopes = zip(*(activation_spec(k, w, rng) for k, w in zip(kinds, widths)))
    return plr.from_arrays(weights, biases, list(specs)), weights, biases, list(slopes)


@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_reference(kind):
    rng = np.random.default_rng(KINDS.index(kind))
    net, weights, biases, slopes = random_network(rng, [kind, "relu", kind])
    X = rng.normal(size=(200, 3)) * 3
    assert np.allclose(net(X), reference_forward(weights, biases, slopes, X), rtol=1e-12,
                       atol=1e-12)
    assert net(X).shape == (200, 2)
    assert net(X[0]).shape == (1, 2)


def test_leaky_relu_above_one_is_not_max():
    """LeakyReLU with alpha > 1 is alpha*z for z <= 0 and z for z > 0 (not max(z, alpha z))."""
    net = plr.from_arrays([[[1.0]], [[1.0]]], [[0.0], [0.0]], [("leaky_relu", 3.0)])
    assert net([[-2.0], [2.0]]).ravel().tolist() == [-6.0, 2.0]
    neg = plr.from_arrays([[[1.0]], [[1.0]]], [[0.0], [0.0]], [("leaky_relu", -1.0)])
    assert neg([[-2.0], [2.0]]).ravel().tolist() == [2.0, 2.0]


def test_affine_network_without_hidden_layers():
    net = plr.from_arrays([[[1.0, 2.0]]], [[0.5]])
    assert net.n_neurons == 0
    assert net([[1.0, 1.0]]).tolist() == [[3.5]]
    assert net.activation_patterns([[1.0, 1.0]]).shape == (1, 0)
    assert len(plr.partition(net)) == 1



@pytest.mark.parametrize("d", [1, 2, 3, 5])
@pytest.mark.parametrize("bounded", [False, True], ids=["R^d", "box"])
def test_affine_network_has_one_region_the_whole_domain(d, bounded):
    """No hidden layer: one region, the domain itself; no facet inside; bounded iff the
    domain is (a 3-input case used to crash while rebuilding the region's halfspaces)."""
    net = plr.from_arrays([np.ones((2, d))], [np.zeros(2)])
    box = plr.Box([-1.0] * d, [2.0] * d) if bounded else None
    part = plr.partition(net, box)
    assert (len(part), part.n_linear_regions) == (1, 1)
    assert part.n_bounded_regions == int(bounded)
    facets = part[0].facets
    assert all(f.neighbor == -1 and f.neurons == () for f in facets)
    assert len(facets) == (2 * d if bounded else 0)   # the box's own faces only
    graph = plr.region_graph(part)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (1, 0)
    assert part.find(np.full((1, d), 0.5)).tolist() == [0]
    report = plr.analyze(net, box=box)
    assert (report.n_regions, report.n_linear_regions, report.n_bounded_regions) == (1, 1, 0)
    assert report.n_regions_box == (1 if bounded else None)


def test_sizes_and_neuron_addresses():
    net = plr.from_arrays([np.ones((3, 2)), np.ones((4, 3)), np.ones((1, 4))],
                          [np.zeros(3), np.zeros(4), [0.0]],
                          [("prelu", [0.0, 1.0, 0.5]), "identity"])
    assert net.n_in == 2 and net.n_out == 1
    assert net.widths == (3, 4)
    assert net.architecture == "2-3-4-1"
    assert net.n_neurons == 2  # the pass-through unit and the identity layer are no neurons
    assert net.neuron_address(0) == (0, 0)
    assert net.neuron_address(1) == (0, 2)
    assert net.neuron_slice(1) == slice(2, 2)
    with pytest.raises(IndexError):
        net.neuron_address(2)


def test_bias_shapes_accepted():
    a = plr.from_arrays([np.eye(2), np.ones((1, 2))], [[[1.0, -1.0]], [[0.5]]])
    b = plr.from_arrays([np.eye(2), np.ones((1, 2))], [[[1.0], [-1.0]], [0.5]])
    X = np.random.default_rng(3).normal(size=(20, 2))
    assert np.array_equal(a(X), b(X))
    assert a.hidden[0].bias.shape == (2,)


def test_inputs_are_converted_once():
    net = plr.from_arrays([np.eye(2).astype(np.float32), np.ones((1, 2), dtype=np.int64)],
                          [np.zeros(2, dtype=np.float16), [0]])
    assert net.hidden[0].weight.dtype == np.float64
    assert net.output.weight.dtype == np.float64
    assert net([[1, 2]]).dtype == np.float64


# ----------------------------------------------------------------------------------------
# Activation patterns and local maps
# ----------------------------------------------------------------------------------------
def test_activation_patterns_active_iff_positive():
    # Neuron 0: x; neuron 1: dead (zero weights and bias); neuron 2: constant 1;
    # neuron 3: pass-through (slope 1); neuron 4: -x.
    net = plr.from_arrays([[[1.0], [0.0], [0.0], [1.0], [-1.0]], np.ones((1, 5))],
                          [[0.0, 0.0, 1.0, 0.0, 0.0], [0.0]],
                          [("prelu", [0.0, 0.0, 0.0, 1.0, 0.2])])
    assert net.n_neurons == 4
    P = net.activation_patterns([[2.0], [0.0], [-3.0]])
    assert P.tolist() == [[True, False, True, False],
                          [False, False, True, False],  # z = 0 exactly is inactive
                          [False, False, True, True]]


def test_second_layer_identically_zero_is_inactive():
    # Layer 2 computes relu(x) - relu(x) = 0 everywhere.
    net = plr.from_arrays([[[1.0], [1.0]], [[1.0, -1.0]], [[1.0]]],
                          [[0.0, 0.0], [0.0], [0.0]])
    P = net.activation_patterns(np.random.default_rng(0).normal(size=(50, 1)))
    assert not P[:, 2].any()


@pytest.mark.parametrize("kind", KINDS)
def test_local_maps_match_the_network(kind):
    rng = np.random.default_rng(100 + KINDS.index(kind))
    net, *_ = random_network(rng, [kind, "leaky_big", "relu"], d=3, n_out=2)
    X = rng.normal(size=(30, 3)) * 2
    patterns = net.activation_patterns(X)
    zs = net.preactivations(X)
    Y = net(X)
    for n, (x, p) in enumerate(zip(X, patterns)):
        maps = net.local_maps(p)
        assert len(maps.preactivations) == 3
        for (A, c), z in zip(maps.preactivations, zs):
            assert np.allclose(A @ x + c, z[n], rtol=1e-10, atol=1e-10)
        A, c = maps.output
        assert A.shape == (2, 3) and c.shape == (2,)
        assert np.allclose(A @ x + c, Y[n], rtol=1e-10, atol=1e-10)


def test_local_maps_refuse_a_wrong_pattern():
    net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    with pytest.raises(plr.InvalidNetworkError, match=r"pattern has shape \(3,\) but the "
                       r"network has 2 neurons"):
        net.local_maps([True, False, True])


# ----------------------------------------------------------------------------------------
# Storage
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kinds", [["relu"], ["leaky_big", "prelu"], ["mixed", "identity"],
                                   ["leaky_negative", "leaky_small", "relu"]],
                         ids=lambda kinds: "-".join(kinds))
def test_save_load_round_trip(tmp_path, kinds):
    rng = np.random.default_rng(len(kinds))
    net, *_ = random_network(rng, kinds, d=4, n_out=3)
    path = tmp_path / "net.npz"
    plr.save_network(net, path)
    with np.load(path, allow_pickle=False) as data:  # no pickle needed to read it
        assert all(data[key].dtype != object for key in data.files)
    loaded = load_npz(path)
    X = rng.normal(size=(100, 4))
    assert np.array_equal(loaded(X), net(X))
    assert np.array_equal(loaded.activation_patterns(X), net.activation_patterns(X))
    assert loaded.architecture == net.architecture
    assert loaded.n_neurons == net.n_neurons
    for a, b in zip(loaded.hidden, net.hidden):
        assert np.array_equal(a.negative_slope, b.negative_slope)
        assert a.kind == b.kind


def test_save_load_keeps_the_input_shape(tmp_path):
    rng = np.random.default_rng(4)
    net = plr.from_arrays([rng.normal(size=(3, 12)), rng.normal(size=(1, 3))],
                          [np.zeros(3), [0.0]], input_shape=(3, 2, 2))
    plr.save_network(net, tmp_path / "img.npz")
    loaded = load_npz(tmp_path / "img.npz")
    assert loaded.input_shape == (3, 2, 2)
    X = rng.normal(size=(5, 3, 2, 2))
    assert np.array_equal(loaded(X), net(X))


def test_load_plain_arrays(tmp_path):
    """A plain W0, b0, W1, b1 file is a ReLU network."""
    rng = np.random.default_rng(5)
    W0, b0, W1, b1 = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(1, 4)), [0.3]
    np.savez(tmp_path / "plain.npz", W0=W0, b0=b0, W1=W1, b1=b1)
    net = load_npz(tmp_path / "plain.npz")
    X = rng.normal(size=(50, 2))
    assert np.allclose(net(X), np.maximum(X @ W0.T + b0, 0) @ W1.T + b1, rtol=1e-12)
    assert net.hidden[0].kind == "relu"


# ----------------------------------------------------------------------------------------
# Image-like inputs
# ----------------------------------------------------------------------------------------
def test_image_like_inputs_are_flattened_in_c_order():
    rng = np.random.default_rng(6)
    W0, W1 = rng.normal(size=(5, 12)), rng.normal(size=(2, 5))
    b0, b1 = rng.normal(size=5), rng.normal(size=2)
    net = plr.from_arrays([W0, W1], [b0, b1], input_shape=(1, 3, 4))
    assert net.input_shape == (1, 3, 4) and net.n_in == 12
    X = rng.normal(size=(7, 1, 3, 4))
    expected = reference_forward([W0, W1], [b0, b1], [np.zeros(5)], X.reshape(7, 12))
    assert np.allclose(net(X), expected, rtol=1e-12)
    fortran = reference_forward([W0, W1], [b0, b1], [np.zeros(5)],
                                X.reshape(7, 12, order="F"))
    assert not np.allclose(net(X), fortran)
    assert np.array_equal(net.activation_patterns(X), net.activation_patterns(X.reshape(7, 12)))
    # Lists and other array-likes work too.
    assert np.allclose(net(X.tolist()), expected, rtol=1e-12)


@pytest.mark.parametrize("scale", [1e160, 1e-200])
def test_weights_beyond_float64_composition_are_refused(scale):
    # Three lines, scaled: 7 regions at any scale in exact arithmetic, but products of
    # such layers overflow (or underflow) in float64 and every engine went wrong.
    with pytest.raises(plr.InvalidNetworkError, match="rescale it"):
        plr.from_arrays([np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]) * scale,
                         np.array([[1.0, 1.0, 1.0]])], [np.array([0.0, 0.0, -1.0]), [0.0]])


@pytest.mark.parametrize("scale", [1e30, 1e-30])
def test_weights_far_from_one_still_count_exactly(scale):
    net = plr.from_arrays([np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]) * scale,
                           np.array([[1.0, 1.0, 1.0]]) * scale],
                          [np.array([0.0, 0.0, -1.0]) * scale, [0.0]])
    for method in ("auto", "layerwise", "brute"):
        assert len(plr.partition(net, method=method)) == 7
