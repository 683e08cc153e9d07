"""Bad input is refused with a message that names what was expected and what arrived.

Every error is a :class:`plregions.PLRegionsError` and also the builtin a caller would
catch (``ValueError`` for bad input).
"""

from __future__ import annotations

import numpy as np
import pytest

import plregions as plr
from plregions.network import load_npz

RELU_1D = ([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])


def abs_net():
    return plr.from_arrays(*RELU_1D)


def line_net():
    return plr.from_arrays([[[1.0, 0.0]], [[1.0]]], [[0.0], [0.0]])


def wide_net(n):
    rng = np.random.default_rng(0)
    return plr.from_arrays([rng.normal(size=(n, 2)), np.ones((1, n))], [rng.normal(size=n), [0.0]])


CASES = [
    # id, call, exception, builtin, message pattern
    ("weights_do_not_chain",
     lambda: plr.from_arrays([np.ones((3, 2)), np.ones((1, 4))], [np.zeros(3), [0.0]]),
     plr.InvalidNetworkError, ValueError,
     r"layer 1: weight has 4 columns but layer 0 has 3 outputs; consecutive layers must chain"),
    ("nan_weight",
     lambda: plr.from_arrays([[[np.nan, 1.0]], [[1.0]]], [[0.0], [0.0]]),
     plr.InvalidNetworkError, ValueError, r"layer 0: weight: contains NaN or infinite values"),
    ("inf_bias",
     lambda: plr.from_arrays([[[1.0, 1.0]], [[1.0]]], [[0.0], [np.inf]]),
     plr.InvalidNetworkError, ValueError, r"layer 1: bias: contains NaN or infinite values"),
    ("unknown_activation",
     lambda: plr.from_arrays(*RELU_1D, ["gelu"]),
     plr.InvalidNetworkError, ValueError,
     r"hidden layer 0: unknown activation 'gelu'; expected one of 'relu', 'identity'"),
    ("unknown_activation_tuple",
     lambda: plr.from_arrays(*RELU_1D, [("elu", 1.0)]),
     plr.InvalidNetworkError, ValueError, r"unknown activation \('elu', 1\.0\)"),
    ("leaky_relu_without_slope",
     lambda: plr.from_arrays(*RELU_1D, ["leaky_relu"]),
     plr.InvalidNetworkError, ValueError, r"'leaky_relu' needs its slope"),
    ("too_many_activations",
     lambda: plr.from_arrays(*RELU_1D, ["relu", "relu"]),
     plr.InvalidNetworkError, ValueError, r"got 2 activations for 1 hidden layers"),
    ("non_finite_slope",
     lambda: plr.from_arrays(*RELU_1D, [("leaky_relu", np.inf)]),
     plr.InvalidNetworkError, ValueError, r"hidden layer 0: negative slopes must be finite"),
    ("empty_network",
     lambda: plr.from_arrays([], []),
     plr.InvalidNetworkError, ValueError, r"empty network: give at least one weight matrix"),
    ("weights_and_biases_differ_in_number",
     lambda: plr.from_arrays([[[1.0]], [[1.0]]], [[0.0]]),
     plr.InvalidNetworkError, ValueError, r"got 2 weight matrices but 1 bias vectors"),
    ("bias_wrong_length",
     lambda: plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(3), [0.0]]),
     plr.InvalidNetworkError, ValueError,
     r"layer 0: bias has 3 entries but weight has 2 rows"),
    ("bias_wrong_2d_shape",
     lambda: plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros((2, 2)), [0.0]]),
     plr.InvalidNetworkError, ValueError, r"layer 0: bias has shape \(2, 2\); expected \(2,\)"),
    ("weight_not_2d",
     lambda: plr.from_arrays([np.ones(3), np.ones((1, 3))], [np.zeros(3), [0.0]]),
     plr.InvalidNetworkError, ValueError, r"layer 0: weight: expected a 2-D array, got shape"),
    ("weight_not_numeric",
     lambda: plr.from_arrays([[["a"]], [[1.0]]], [[0.0], [0.0]]),
     plr.InvalidNetworkError, ValueError, r"layer 0: weight: cannot be read as a float array"),
    ("zero_width_layer",
     lambda: plr.from_arrays([np.ones((0, 2)), np.ones((1, 0))], [np.zeros(0), [0.0]]),
     plr.InvalidNetworkError, ValueError, r"layer 0: weight has shape \(0, 2\)"),
    ("input_wrong_dimension_batch",
     lambda: abs_net()(np.ones((4, 3))),
     plr.InvalidNetworkError, ValueError, r"inputs have 3 columns but the network takes 1"),
    ("input_wrong_dimension_point",
     lambda: line_net()(np.ones(3)),
     plr.InvalidNetworkError, ValueError, r"input has 3 entries but the network takes 2"),
    ("input_shape_mismatch",
     lambda: plr.from_arrays([np.ones((2, 6)), np.ones((1, 2))], [np.zeros(2), [0.0]],
                             input_shape=(2, 2)),
     plr.InvalidNetworkError, ValueError,
     r"input_shape \(2, 2\) has 4 entries but the first layer takes 6 inputs"),
    ("box_lower_above_upper",
     lambda: plr.Box([0.0, 1.0], [1.0, 0.5]),
     plr.InvalidDomainError, ValueError,
     r"Box coordinate 1: .*\(lower > upper\); every coordinate needs lower < upper"),
    ("box_zero_width",
     lambda: plr.Box([0.0, 1.0], [0.0, 2.0]),
     plr.InvalidDomainError, ValueError, r"Box coordinate 0: .*\(zero width\)"),
    ("box_lengths_differ",
     lambda: plr.Box([0.0, 0.0], [1.0]),
     plr.InvalidDomainError, ValueError, r"Box lower has 2 entries but upper has 1"),
    ("box_nan",
     lambda: plr.Box([np.nan], [1.0]),
     plr.InvalidDomainError, ValueError, r"Box lower: contains NaN or infinite values"),
    ("box_none",
     lambda: plr.Box(None, [1.0]),
     plr.InvalidDomainError, ValueError, r"Box lower: is missing \(got None\)"),
    ("box_none_entry",
     lambda: plr.Box([0.0, 0.0], [1.0, None]),
     plr.InvalidDomainError, ValueError, r"Box upper: has a missing entry \(None\)"),
    ("polytope_empty",
     lambda: plr.Polytope([[1.0, 0.0], [-1.0, 0.0]], [0.0, -1.0]),
     plr.InvalidDomainError, ValueError, r"Polytope"),
    ("polytope_flat",
     lambda: plr.Polytope([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]],
                          [0.0, 0.0, 1.0, 1.0]),
     plr.InvalidDomainError, ValueError, r"Polytope has an empty interior"),
    ("polytope_zero_row_negative",
     lambda: plr.Polytope([[0.0, 0.0], [1.0, 0.0]], [-1.0, 1.0]),
     plr.InvalidDomainError, ValueError,
     r"Polytope row 0 reads 0 <= b with b < 0: the polytope is empty"),
    ("polytope_rows_and_b_differ",
     lambda: plr.Polytope(np.ones((3, 2)), np.ones(2)),
     plr.InvalidDomainError, ValueError, r"Polytope A has 3 rows but b has 2 entries"),
    ("polytope_A_not_2d",
     lambda: plr.Polytope(np.ones(3), np.ones(3)),
     plr.InvalidDomainError, ValueError, r"Polytope A: expected shape \(m, d\), got \(3,\)"),
    ("polytope_b_not_1d",
     lambda: plr.Polytope(np.ones((3, 2)), np.ones((3, 1))),
     plr.InvalidDomainError, ValueError, r"Polytope b: expected a 1-D array"),
    ("domain_wrong_dimension_box",
     lambda: plr.partition(line_net(), plr.Box([0.0], [1.0])),
     plr.InvalidDomainError, ValueError,
     r"the domain is 1-dimensional but the network takes 2 inputs"),
    ("domain_wrong_dimension_polytope",
     lambda: plr.count_regions(abs_net(), plr.Polytope(np.vstack([np.eye(2), -np.eye(2)]),
                                                       np.ones(4))),
     plr.InvalidDomainError, ValueError,
     r"the domain is 2-dimensional but the network takes 1 inputs"),
    ("domain_unsupported_type",
     lambda: plr.partition(abs_net(), [0.0, 1.0]),
     plr.InvalidDomainError, ValueError, r"unsupported domain list"),
    ("unknown_method",
     lambda: plr.partition(abs_net(), method="magic"),
     plr.InvalidArgumentError, ValueError,
     r"unknown method 'magic'; choose one of auto, layerwise, brute"),
    ("unknown_backend",
     lambda: plr.partition(abs_net(), backend="gurobi"),
     plr.InvalidArgumentError, ValueError,
     r"unknown LP backend 'gurobi'; choose one of daqp, highs, cvxpy"),
    ("unknown_backend_count",
     lambda: plr.count_regions(abs_net(), backend="glpk"),
     plr.InvalidArgumentError, ValueError, r"unknown LP backend 'glpk'"),
    ("not_a_network",
     lambda: plr.partition([[1.0]]),
     plr.InvalidNetworkError, ValueError, r"expected a plregions Network, got list"),
    ("region_at_boundary",
     lambda: plr.region_at(abs_net(), [0.0]),
     plr.InvalidDomainError, ValueError,
     r"point \[0\.0\] lies on the boundary of neuron\(s\) \[0, 1\]"),
    ("region_at_outside_domain",
     lambda: plr.region_at(line_net(), [2.0, 0.5], plr.Box([-1.0, -1.0], [1.0, 1.0])),
     plr.InvalidDomainError, ValueError, r"point \[2\.0, 0\.5\] is not inside the domain"),
    ("region_at_two_points",
     lambda: plr.region_at(line_net(), [[1.0, 0.0], [2.0, 0.0]]),
     plr.InvalidDomainError, ValueError, r"region_at takes one point, got 2"),
    ("nan_input",
     lambda: abs_net()([[np.nan]]),
     plr.InvalidNetworkError, ValueError, r"inputs contain NaN or infinite values"),
    ("inf_input_region_at",
     lambda: plr.region_at(abs_net(), [np.inf]),
     plr.InvalidNetworkError, ValueError, r"inputs contain NaN or infinite values"),
    ("tolerance_too_large",
     lambda: plr.partition(abs_net(), tolerance=plr.Tolerance(radius=0.5)),
     plr.PLRegionsError, ValueError,
     r"Tolerance\.radius = 0\.5; it must be a small positive number"),
    ("polytope_without_rows",
     lambda: plr.Polytope(np.zeros((0, 2)), np.zeros(0)),
     plr.InvalidDomainError, ValueError, r"Polytope has no constraint; use domain=None"),
    ("save_not_a_network",
     lambda: plr.save_network([[1.0]], "unused.npz"),
     plr.InvalidNetworkError, ValueError, r"save_network takes a plregions Network, got list"),
    ("plane_method_on_wrong_dimension",
     lambda: plr.partition(abs_net(), method="plane"),
     plr.PLRegionsError, ValueError, r"method='plane' needs a 2-D domain"),
    ("brute_force_too_many_neurons",
     lambda: plr.partition(wide_net(25), method="brute"),
     plr.InvalidNetworkError, ValueError,
     r"takes at most 24 neurons; this network has 25\. Use method='auto'"),
]


@pytest.mark.parametrize("call, exception, builtin, pattern", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_error(call, exception, builtin, pattern):
    with pytest.raises(exception, match=pattern) as info:
        call()
    assert isinstance(info.value, plr.PLRegionsError)
    assert isinstance(info.value, builtin)


def test_brute_force_limit_is_exact():
    """24 neurons are still allowed (the brute-force engine only refuses more)."""
    net = plr.from_arrays([np.vstack([np.eye(2)] * 12), np.ones((1, 24))],
                          [np.zeros(24), [0.0]])
    assert net.n_neurons == 24
    assert plr.count_regions(net, method="brute") == 4


@pytest.mark.parametrize("bad", ["missing", "garbage", "no_arrays", "missing_bias"])
def test_load_npz_errors(tmp_path, bad):
    path = tmp_path / "net.npz"
    if bad == "garbage":
        path.write_bytes(b"not a zip file")
    elif bad == "no_arrays":
        np.savez(path, x=np.ones(3))
    elif bad == "missing_bias":
        np.savez(path, W0=np.ones((2, 1)), b0=np.zeros(2), W1=np.ones((1, 2)))
    pattern = {"missing": "cannot be read as a .npz network",
               "garbage": r"not a plregions network file .*plregions\.save_network",
               "no_arrays": r"no arrays named W0, b0, W1, b1, \.\.\. \(found: x\)",
               "missing_bias": r"missing bias arrays \['b1'\]"}[bad]
    with pytest.raises(plr.InvalidNetworkError, match=pattern) as info:
        load_npz(path)
    assert isinstance(info.value, ValueError)
    assert "allow_pickle" not in str(info.value)


TWO_LAYERS = {"W0": np.ones((3, 2)), "b0": np.zeros(3), "W1": np.ones((1, 3)),
              "b1": np.zeros(1)}


@pytest.mark.parametrize("arrays, pattern", [
    ({"W0": np.ones((3, 2)), "b0": np.zeros(3), "W2": np.ones((1, 3)), "b2": np.zeros(1)},
     r"arrays W2, b2 are not used \(layers are numbered consecutively from 0, and W1 is "
     r"missing.*expected W0, b0, W1, b1"),
    ({**TWO_LAYERS, "slope0": np.zeros(3), "kind0": np.array("sigmoid")},
     r"kind0 is 'sigmoid', not a known activation kind; known kinds: relu, leaky_relu, "
     "prelu, identity, mixed"),
    ({**TWO_LAYERS, "kind0": np.array("leaky_relu")},
     "kind0 is 'leaky_relu' but slope0 is missing"),
    ({**TWO_LAYERS, "mean": np.zeros(2)}, r"array mean is not used"),
    ({**TWO_LAYERS, "slope1": np.zeros(1)},
     r"array slope1 is not used \(slope\{i\} and kind\{i\} belong to hidden layers 0 to 0"),
    ({**TWO_LAYERS, "W0": np.ones((3, 2)) * (1 + 0.5j)},
     r"layer 0: weight: has complex values \(imaginary parts up to 0\.5\)"),
    ({**TWO_LAYERS, "slope0": np.full(3, 0.1 + 1j)}, "slope0: has complex values"),
    ({**TWO_LAYERS, "format": np.array("plregions-network-9")},
     "format 'plregions-network-9' is not 'plregions-network-1'"),
    ({**TWO_LAYERS, "input_shape": np.array([1.5])}, "input_shape is .*positive whole"),
], ids=["gap", "sigmoid", "kind_without_slope", "extra", "slope_of_no_layer", "complex",
        "complex_slope", "format", "input_shape"])
def test_load_npz_refuses_arrays_it_would_not_use(tmp_path, arrays, pattern):
    """Nothing in the file is silently dropped or reinterpreted."""
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(plr.InvalidNetworkError, match=pattern) as info:
        load_npz(path)
    assert str(info.value).startswith(f"{path}: ")


@pytest.mark.parametrize("content, pattern", [
    (b"", "the file is empty, not a plregions network"),
    (b"PK\x03\x04broken", "not a plregions network file"),
    (b"hello\n", r"not a plregions network file .*save_network\(net, path\)"),
], ids=["empty", "broken_zip", "text"])
def test_load_npz_of_files_that_are_no_archive(tmp_path, content, pattern):
    path = tmp_path / "bad.npz"
    path.write_bytes(content)
    with pytest.raises(plr.InvalidNetworkError, match=pattern):
        load_npz(path)


def test_load_npz_of_a_single_npy_array(tmp_path):
    np.save(tmp_path / "one.npy", np.ones(3))
    (tmp_path / "one.npy").rename(tmp_path / "one.npz")
    with pytest.raises(plr.InvalidNetworkError, match=r"holds a single array \(\.npy data\)"):
        load_npz(tmp_path / "one.npz")


def test_load_npz_accepts_complex_arrays_with_zero_imaginary_parts(tmp_path):
    np.savez(tmp_path / "net.npz", **{**TWO_LAYERS, "W0": np.ones((3, 2)) + 0j})
    assert load_npz(tmp_path / "net.npz")([[1.0, 2.0]]).tolist() == [[9.0]]


def test_complex_weights_slopes_and_inputs_are_refused():
    """Casting to float would drop the imaginary parts with only a ComplexWarning."""
    with pytest.raises(plr.InvalidNetworkError, match="layer 0: weight: has complex values"):
        plr.from_arrays([np.ones((2, 3)) * 1j], [np.zeros(2)])
    with pytest.raises(plr.InvalidNetworkError, match="layer 1: bias: has complex values"):
        plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(2), [1 + 1j]])
    with pytest.raises(plr.InvalidNetworkError,
                       match="hidden layer 0: leaky_relu slope: has complex values"):
        plr.from_arrays([np.ones((2, 3)), np.ones((1, 2))], [np.zeros(2), [0.0]],
                        [("leaky_relu", 0.1 + 0.2j)])
    net = plr.from_arrays([np.ones((2, 3)) + 0j, np.ones((1, 2))], [np.zeros(2), [0.0]],
                          [("prelu", np.array([0.1, 0.2]) + 0j)])
    assert net.hidden[0].negative_slope.tolist() == [0.1, 0.2]
    with pytest.raises(plr.InvalidNetworkError, match="inputs: has complex values"):
        net([[1j, 0.0, 0.0]])
    assert net(np.array([[1 + 0j, 0.0, 0.0]])).tolist() == [[2.0]]


def test_load_npz_refuses_pickles(tmp_path):
    path = tmp_path / "net.npz"
    np.savez(path, W0=np.array([{"evil": 1}], dtype=object), b0=np.zeros(1))
    with pytest.raises(plr.InvalidNetworkError):
        load_npz(path)



def test_prelu_slopes_of_wrong_length():
    with pytest.raises(plr.InvalidNetworkError,
                       match=r"hidden layer 0: 3 PReLU slopes for 2 units"):
        plr.from_arrays(*RELU_1D, [("prelu", [0.1, 0.2, 0.3])])


def test_prelu_slopes_not_1d():
    with pytest.raises(plr.InvalidNetworkError, match=r"hidden layer 0: .*slope"):
        plr.from_arrays(*RELU_1D, [("prelu", [[0.1, 0.2]])])


def test_leaky_relu_slope_not_a_number():
    with pytest.raises(plr.InvalidNetworkError, match=r"hidden layer 0: .*slope"):
        plr.from_arrays(*RELU_1D, [("leaky_relu", "abc")])


def test_bad_tolerance():
    with pytest.raises(ValueError, match=r"Tolerance\.radius = -1") as info:
        plr.Tolerance(radius=-1)
    assert isinstance(info.value, plr.PLRegionsError)


def test_box_message_prints_plain_numbers():
    with pytest.raises(plr.InvalidDomainError,
                       match=r"Box coordinate 1: lower = 1\.0, upper = 0\.5 \(lower > upper\)"):
        plr.Box([0.0, 1.0], [1.0, 0.5])


def test_tolerance_of_wrong_type():
    with pytest.raises(plr.PLRegionsError, match="tolerance must be a plregions.Tolerance"):
        plr.partition(abs_net(), tolerance=1e-9)


def test_region_graph_of_something_else():
    with pytest.raises(plr.PLRegionsError, match="region_graph takes a Partition, got int"):
        plr.region_graph(3)


def test_plane_method_message_names_the_domain():
    with pytest.raises(plr.PLRegionsError, match=r"got all of R\^1"):
        plr.partition(abs_net(), method="plane")


# -- files of the wrong kind for load_network ----------------------------------------------
def _tiny_torch_files(tmp_path):
    import pickle

    (tmp_path / "garbage.pt").write_text("hello\n")
    (tmp_path / "empty.pt").write_bytes(b"")
    with open(tmp_path / "plain_pickle.pt", "wb") as handle:
        pickle.dump({"weight": [1.0]}, handle)


@pytest.mark.parametrize("name", ["garbage.pt", "empty.pt", "plain_pickle.pt"])
@pytest.mark.parametrize("how", ["trusted", "module"])
def test_load_network_of_files_torch_cannot_read(tmp_path, name, how):
    torch = pytest.importorskip("torch")
    _tiny_torch_files(tmp_path)
    kwargs = {"trusted": True} if how == "trusted" else {"module": torch.nn.Linear(1, 1)}
    if name == "plain_pickle.pt" and how == "module":
        pattern = "cannot be read with weights_only=True .*pass trusted=True instead of module="
    else:
        pattern = (r"not a PyTorch model or state_dict that torch\.load can read \(.*\); "
                   r"save a whole model with torch\.save\(model, path\)")
    with pytest.raises(plr.InvalidNetworkError, match=pattern) as info:
        plr.load_network(tmp_path / name, **kwargs)
    assert len(str(info.value).splitlines()) == 1


def test_load_network_refuses_options_the_file_type_does_not_use(tmp_path):
    path = tmp_path / "abs.npz"
    plr.save_network(abs_net(), path)
    with pytest.raises(plr.InvalidNetworkError, match=r"module= is for PyTorch state_dicts "
                       r"\(\.pt, \.pth\); a \.npz file holds its own architecture"):
        plr.load_network(path, module=object())
    with pytest.raises(plr.InvalidNetworkError, match="input_shape= is for .onnx, .pt"):
        plr.load_network(path, input_shape=(1,))
    assert plr.load_network(path, trusted=True).architecture == "1-2-1"   # nothing to trust
