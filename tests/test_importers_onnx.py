"""from_onnx: the imported network is the same function as onnxruntime's (and the ONNX
reference evaluator's) on random inputs and inside every region."""

import re
import sys
import warnings

import numpy as np
import pytest

import plregions as plr
from plregions.errors import InvalidNetworkError, MissingDependencyError, UnsupportedLayerError

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

DOUBLE, FLOAT = TensorProto.DOUBLE, TensorProto.FLOAT


# -- helpers --------------------------------------------------------------------------------

def make_model(nodes, x_shape, initializers=(), *, elem=DOUBLE, opset=17, extra_opsets=(),
               inputs=None, outputs=None):
    """A one-input, one-output model; ``initializers`` maps names to arrays."""
    dtype = np.float64 if elem == DOUBLE else np.float32
    inits = [numpy_helper.from_array(np.asarray(v).astype(
        dtype if np.asarray(v).dtype.kind == "f" else np.asarray(v).dtype), k)
        for k, v in dict(initializers).items()]
    graph = helper.make_graph(
        nodes, "test_graph",
        inputs or [helper.make_tensor_value_info("x", elem, list(x_shape))],
        outputs or [helper.make_tensor_value_info("y", elem, None)], inits)
    opsets = [helper.make_opsetid("", opset), *extra_opsets]
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 10
    return model


def reference(model, X, sample_shape, *, runtime="ort"):
    """The model's output on each sample (batch of one), flattened: (n, n_out)."""
    elem = model.graph.input[0].type.tensor_type.elem_type
    dtype = np.float64 if elem == DOUBLE else np.float32
    dims = model.graph.input[0].type.tensor_type.shape.dim
    batched = len(dims) == len(sample_shape) + 1
    name = model.graph.input[0].name
    if runtime == "ort":
        session = ort.InferenceSession(model.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        run = session.run
    else:
        run = ReferenceEvaluator(model).run
    out = []
    for x in np.asarray(X, dtype=np.float64):
        x = x.reshape(sample_shape).astype(dtype)
        out.append(np.asarray(run(None, {name: x[None] if batched else x})[0],
                              dtype=np.float64).ravel())
    return np.array(out)


def assert_same(net, model, X, sample_shape, rtol, runtime="ort"):
    want = reference(model, X, sample_shape, runtime=runtime)
    got = net(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


def assert_same_on_regions(net, model, rtol, box=1.0, runtime="ort"):
    part = plr.partition(net, plr.Box(-box * np.ones(net.n_in), box * np.ones(net.n_in)))
    assert len(part) >= 2
    assert_same(net, model, part.input_points, net.input_shape, rtol, runtime=runtime)


def random_inputs(d, n=32, seed=0):
    return np.random.default_rng(seed).normal(scale=2.0, size=(n, d))


def rng(seed):
    return np.random.default_rng(seed)


def mlp_nodes():
    """Gemm(transB) -> Relu -> Gemm(transB): a 2-5-3 network in the torch layout."""
    r = rng(1)
    inits = {"W1": r.normal(size=(5, 2)), "b1": r.normal(size=5),
             "W2": r.normal(size=(3, 5)), "b2": r.normal(size=3)}
    nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1, name="fc1"),
             helper.make_node("Relu", ["h"], ["a"], name="act1"),
             helper.make_node("Gemm", ["a", "W2", "b2"], ["y"], transB=1, name="fc2")]
    return nodes, inits


# -- exports from torch ---------------------------------------------------------------------

def export_torch(model, example, path, **kwargs):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (example,), str(path), input_names=["x"], output_names=["y"],
                          **kwargs)
    return onnx.load(str(path))


def op_types(model):
    return [node.op_type for node in model.graph.node]


def test_torch_export_gemm_with_trans_b(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 4),
                                 torch.nn.ReLU(), torch.nn.Linear(4, 2)).eval()
    model = export_torch(module, torch.randn(1, 2), tmp_path / "mlp.onnx", dynamo=False,
                         dynamic_axes={"x": {0: "batch"}}, keep_initializers_as_inputs=True)
    assert len(model.graph.input) == 7          # older exports list the weights as inputs
    assert op_types(model) == ["Gemm", "Relu", "Gemm", "Relu", "Gemm"]
    assert helper.get_attribute_value(model.graph.node[0].attribute[-1]) == 1   # transB
    net = plr.from_onnx(tmp_path / "mlp.onnx")
    assert net.architecture == "2-6-4-2"
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-5)
    assert_same_on_regions(net, model, rtol=1e-5)
    # The same function as the torch model and as its from_torch import.
    np.testing.assert_allclose(net.hidden[0].weight, plr.from_torch(module).hidden[0].weight)


@pytest.mark.slow          # the torch.export-based exporter takes ~15 s to warm up
def test_torch_dynamo_export(tmp_path):
    torch = pytest.importorskip("torch")
    pytest.importorskip("onnxscript")
    torch.manual_seed(1)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LeakyReLU(0.2),
                                 torch.nn.Linear(4, 2)).eval()
    model = export_torch(module, torch.randn(1, 3), tmp_path / "dyn.onnx", dynamo=True)
    net = plr.from_onnx(model)
    assert net.architecture == "3-4-2"
    assert_same(net, model, random_inputs(3), (3,), rtol=1e-5)


def test_torch_export_matmul_add_without_transpose(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(2)

    class MatMulAdd(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.randn(2, 5))     # (in, out), Keras-like
            self.b = torch.nn.Parameter(torch.randn(5))
            self.out = torch.nn.Linear(5, 1)

        def forward(self, x):
            return self.out(torch.relu(x @ self.w + self.b))

    model = export_torch(MatMulAdd().eval(), torch.randn(1, 2), tmp_path / "mm.onnx",
                         dynamo=False)
    assert op_types(model)[:3] == ["MatMul", "Add", "Relu"]
    net = plr.from_onnx(model)
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-5)
    assert_same_on_regions(net, model, rtol=1e-5)


def test_torch_export_linear_on_3d_input_is_matmul_add(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(3)
    module = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(),
                                 torch.nn.Linear(4, 2)).eval()
    model = export_torch(module, torch.randn(1, 2, 3), tmp_path / "seq.onnx", dynamo=False)
    assert "MatMul" in op_types(model) and "Gemm" not in op_types(model)
    net = plr.from_onnx(model)
    assert net.input_shape == (2, 3) and net.n_out == 4
    assert_same(net, model, random_inputs(6), (2, 3), rtol=1e-5)


@pytest.mark.parametrize("fold", [True, False])
def test_torch_export_conv_batch_norm(tmp_path, fold):
    torch = pytest.importorskip("torch")
    torch.manual_seed(4)
    module = torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
        torch.nn.BatchNorm2d(4), torch.nn.PReLU(4), torch.nn.Flatten(), torch.nn.Linear(16, 2))
    with torch.no_grad():
        bn = module[1]
        bn.running_mean.uniform_(-1, 1)
        bn.running_var.uniform_(0.5, 2)
        bn.weight.uniform_(-1, 1)
        bn.bias.uniform_(-1, 1)
    module.eval()
    model = export_torch(module, torch.randn(1, 2, 6, 6), tmp_path / "conv.onnx", dynamo=False,
                         do_constant_folding=fold)
    assert ("BatchNormalization" in op_types(model)) == (not fold)
    net = plr.from_onnx(model)
    assert net.input_shape == (2, 6, 6)
    assert_same(net, model, random_inputs(72), (2, 6, 6), rtol=1e-5)


# -- Gemm and MatMul corner cases -----------------------------------------------------------

@pytest.mark.parametrize("alpha, beta", [(1.0, 1.0), (0.5, 2.0), (-1.5, 0.0)])
@pytest.mark.parametrize("trans_b", [0, 1])
@pytest.mark.parametrize("bias_shape", [(4,), (1, 4), ()])
def test_gemm_alpha_beta_trans_b_and_bias_shapes(alpha, beta, trans_b, bias_shape):
    r = rng(5)
    W = r.normal(size=(4, 3)) if trans_b else r.normal(size=(3, 4))
    inits = {"W": W, "b": r.normal(size=bias_shape), "W2": r.normal(size=(4, 2))}
    nodes = [helper.make_node("Gemm", ["x", "W", "b"], ["h"], alpha=alpha, beta=beta,
                              transB=trans_b),
             helper.make_node("Relu", ["h"], ["a"]),
             helper.make_node("MatMul", ["a", "W2"], ["y"])]
    model = make_model(nodes, ["N", 3], inits)
    net = plr.from_onnx(model)
    assert net.architecture == "3-4-2"
    assert_same(net, model, random_inputs(3), (3,), rtol=1e-9)


def test_one_linear_layer_in_three_onnx_forms_is_one_network():
    # The same torch Linear as Gemm(transB=1), as MatMul + Add with the transposed weight,
    # and as Transpose (of the weight) + Gemm(transB=0).
    r = rng(17)
    W, b = r.normal(size=(4, 3)), r.normal(size=4)
    forms = {
        "gemm": [helper.make_node("Gemm", ["x", "W", "b"], ["h"], transB=1)],
        "matmul_add": [helper.make_node("MatMul", ["x", "Wt"], ["m"]),
                       helper.make_node("Add", ["m", "b"], ["h"])],
        "transpose_gemm": [helper.make_node("Transpose", ["W"], ["WT"], perm=[1, 0]),
                           helper.make_node("Gemm", ["x", "WT", "b"], ["h"])],
    }
    nets = []
    for nodes in forms.values():
        model = make_model([*nodes, helper.make_node("Relu", ["h"], ["y"])], ["N", 3],
                           {"W": W, "Wt": W.T, "b": b})
        nets.append(plr.from_onnx(model))
        assert_same(nets[-1], model, random_inputs(3), (3,), rtol=1e-9)
    for net in nets:
        assert net.architecture == "3-4-4"
        np.testing.assert_array_equal(net.hidden[0].weight, W)
        np.testing.assert_array_equal(net.hidden[0].bias, b)


def test_transpose_then_gemm_with_trans_a():
    r = rng(6)
    inits = {"W": r.normal(size=(3, 4)), "b": r.normal(size=(1, 4))}
    nodes = [helper.make_node("Transpose", ["x"], ["xt"], perm=[1, 0]),
             helper.make_node("Gemm", ["xt", "W", "b"], ["h"], transA=1, alpha=2.0),
             helper.make_node("Relu", ["h"], ["y"])]
    model = make_model(nodes, [1, 3], inits)
    net = plr.from_onnx(model)
    assert_same(net, model, random_inputs(3), (3,), rtol=1e-9)


def test_gemm_with_the_input_on_the_right():
    r = rng(7)
    inits = {"W": r.normal(size=(4, 3)), "c": r.normal(size=(4, 1))}
    nodes = [helper.make_node("Gemm", ["W", "x", "c"], ["h"], transB=1, beta=0.5),
             helper.make_node("Relu", ["h"], ["y"])]
    model = make_model(nodes, [1, 3], inits)
    net = plr.from_onnx(model)
    assert net.architecture == "3-4-4"
    assert_same(net, model, random_inputs(3), (3,), rtol=1e-9)


def test_matmul_add_and_constant_on_the_left():
    r = rng(8)
    inits = {"W": r.normal(size=(2, 5)), "b": r.normal(size=5), "V": r.normal(size=(3, 1))}
    nodes = [helper.make_node("MatMul", ["x", "W"], ["m"]),
             helper.make_node("Add", ["b", "m"], ["h"]),
             helper.make_node("Relu", ["h"], ["a"]),
             helper.make_node("MatMul", ["V", "a"], ["y"])]        # (3, 1) @ (1, 5)
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    assert net.n_out == 15
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


# -- Flatten, reshapes and other data movement -----------------------------------------------

@pytest.mark.parametrize("axis, last", [(0, 12), (1, 12), (2, 6), (3, 2), (-1, 2), (4, 1)])
def test_flatten_axis(axis, last):
    r = rng(9)
    nodes = [helper.make_node("Flatten", ["x"], ["f"], axis=axis),
             helper.make_node("MatMul", ["f", "W"], ["h"]),
             helper.make_node("Relu", ["h"], ["y"])]
    model = make_model(nodes, [1, 2, 3, 2], {"W": r.normal(size=(last, 3))})
    net = plr.from_onnx(model)
    assert net.input_shape == (2, 3, 2)
    assert net.n_out == 3 * 12 // last
    assert_same(net, model, random_inputs(12), (2, 3, 2), rtol=1e-9)


def test_reshape_transpose_slice_concat_and_shape_arithmetic():
    r = rng(10)
    inits = {"shape": np.array([0, -1, 2], dtype=np.int64), "c": r.normal(size=(1, 12, 1)),
             "minus_one": np.array([-1], dtype=np.int64), "zero": np.array(0, dtype=np.int64),
             "starts": np.array([1], dtype=np.int64), "ends": np.array([3], dtype=np.int64),
             "axes": np.array([2], dtype=np.int64), "c2": r.normal(size=12),
             "unsq": np.array([0], dtype=np.int64)}
    nodes = [
        helper.make_node("Reshape", ["x", "shape"], ["r"]),              # (1, 12, 2)
        helper.make_node("Transpose", ["r"], ["t"], perm=[0, 2, 1]),       # (1, 2, 12)
        helper.make_node("Sub", ["t", "c2"], ["s"]),                      # (1, 2, 12)
        helper.make_node("Mul", ["r", "c"], ["m"]),                       # (1, 12, 2)
        helper.make_node("Div", ["m", "c"], ["d"]),
        helper.make_node("Neg", ["d"], ["n"]),
        helper.make_node("Slice", ["x", "starts", "ends", "axes"], ["sl"]),   # (1, 3, 2, 2)
        helper.make_node("Shape", ["x"], ["shp"]),
        helper.make_node("Gather", ["shp", "zero"], ["batch"]),
        helper.make_node("Unsqueeze", ["batch", "unsq"], ["batch1"]),
        helper.make_node("Concat", ["batch1", "minus_one"], ["flat_shape"], axis=0),
        helper.make_node("Reshape", ["sl", "flat_shape"], ["slf"]),          # (1, 12)
        helper.make_node("Reshape", ["n", "flat_shape"], ["nf"]),            # (1, 24)
        helper.make_node("Reshape", ["s", "flat_shape"], ["sf"]),            # (1, 24)
        helper.make_node("Concat", ["slf", "nf", "sf"], ["cat"], axis=1),    # (1, 60)
        helper.make_node("Relu", ["cat"], ["a"]),
        helper.make_node("ReduceSum", ["a", "unsq"], ["y"], keepdims=0),     # (60,)
    ]
    model = make_model(nodes, ["N", 3, 4, 2], inits)
    net = plr.from_onnx(model)
    assert net.n_out == 60 and net.n_neurons == 60
    assert_same(net, model, random_inputs(24), (3, 4, 2), rtol=1e-9)


def test_identity_dropout_cast_squeeze_unsqueeze_gather_sum():
    r = rng(11)
    inits = {"ratio": np.array(0.5), "train": np.array(False), "ax": np.array([1], np.int64),
             "idx": np.array([2, 0], np.int64), "W": r.normal(size=(3, 3)),
             "k": r.normal(size=3)}
    nodes = [
        helper.make_node("Identity", ["x"], ["i"]),
        helper.make_node("Dropout", ["i", "ratio", "train"], ["dr"]),
        helper.make_node("Cast", ["dr"], ["cast"], to=DOUBLE),
        helper.make_node("Unsqueeze", ["cast", "ax"], ["u"]),            # (1, 1, 3)
        helper.make_node("Squeeze", ["u", "ax"], ["sq"]),                # (1, 3)
        helper.make_node("Gather", ["sq", "idx"], ["g"], axis=1),        # (1, 2)
        helper.make_node("MatMul", ["sq", "W"], ["h"]),
        helper.make_node("Sum", ["h", "k", "sq"], ["s"]),
        helper.make_node("LeakyRelu", ["s"], ["a"], alpha=2.5),
        helper.make_node("Concat", ["a", "g"], ["y"], axis=1),
    ]
    model = make_model(nodes, ["N", 3], inits)
    net = plr.from_onnx(model)
    assert net.n_neurons == 3
    assert_same(net, model, random_inputs(3), (3,), rtol=1e-9)


@pytest.mark.parametrize("mode, value", [("constant", 0.0), ("constant", 1.5),
                                         ("reflect", None), ("edge", None)])
def test_pad_and_expand(mode, value):
    r = rng(18)
    inits = {"pads": np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64), "shape": np.array(
        [2, 1, 1, 1], np.int64), "W": r.normal(size=(6, 2))}
    pad_inputs = ["x", "pads"] + (["v"] if value is not None else [])
    if value is not None:
        inits["v"] = np.array(value)
    nodes = [helper.make_node("Pad", pad_inputs, ["p"], mode=mode),       # (1, 2, 6, 6)
             helper.make_node("Expand", ["p", "shape"], ["e"]),           # (2, 2, 6, 6)
             helper.make_node("MatMul", ["e", "W"], ["h"]),
             helper.make_node("Relu", ["h"], ["y"])]
    model = make_model(nodes, [1, 2, 3, 3], inits)
    net = plr.from_onnx(model)
    assert net.n_out == 2 * 2 * 6 * 2
    assert_same(net, model, random_inputs(18), (2, 3, 3), rtol=1e-9)


def test_old_opset_dropout_and_unsqueeze_attributes():
    r = rng(12)
    nodes = [helper.make_node("Dropout", ["x"], ["d"], ratio=0.3),
             helper.make_node("Unsqueeze", ["d"], ["u"], axes=[1]),
             helper.make_node("MatMul", ["u", "W"], ["h"]),
             helper.make_node("Relu", ["h"], ["y"])]
    model = make_model(nodes, [1, 2], {"W": r.normal(size=(2, 3))}, opset=11)
    net = plr.from_onnx(model)
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)


# -- activations ----------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [0.01, 2.5, -0.5])
def test_leaky_relu_alpha(alpha):
    nodes, inits = mlp_nodes()
    nodes[1] = helper.make_node("LeakyRelu", ["h"], ["a"], alpha=alpha)
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    # ONNX stores float attributes in float32: the slope is exactly that float32 number.
    np.testing.assert_array_equal(net.hidden[0].negative_slope, np.full(5, np.float32(alpha)))
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


def test_prelu_per_channel_slopes():
    r = rng(13)
    slope = np.array([[[0.2]], [[-1.5]], [[3.0]]])                # (C, 1, 1)
    inits = {"W": r.normal(size=(3, 2, 2, 2)), "s": slope}
    nodes = [helper.make_node("Conv", ["x", "W"], ["c"]),
             helper.make_node("PRelu", ["c", "s"], ["y"])]
    model = make_model(nodes, [1, 2, 3, 3], inits, elem=FLOAT)
    net = plr.from_onnx(model)
    np.testing.assert_allclose(net.hidden[0].negative_slope,
                               np.repeat(slope.ravel(), 4).astype(np.float32))
    assert_same(net, model, random_inputs(18), (2, 3, 3), rtol=1e-5)


def test_trailing_relu_keeps_an_identity_output_layer():
    nodes, inits = mlp_nodes()
    nodes.append(helper.make_node("Relu", ["y"], ["z"]))
    nodes[2].output[0] = "y"
    model = make_model(nodes, ["N", 2], inits,
                       outputs=[helper.make_tensor_value_info("z", DOUBLE, None)])
    net = plr.from_onnx(model)
    assert net.architecture == "2-5-3-3"
    np.testing.assert_array_equal(net.output.weight, np.eye(3))
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


# -- clamps, absolute values, shrinkage and elementwise extrema -----------------------------

def assert_same_layers(got, want):
    """The same network, array for array."""
    assert got.architecture == want.architecture
    for a, b in zip(got.hidden, want.hidden):
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)
        np.testing.assert_array_equal(a.negative_slope, b.negative_slope)
    np.testing.assert_array_equal(got.output.weight, want.output.weight)
    np.testing.assert_array_equal(got.output.bias, want.output.bias)


def with_activation(node, extra_inits=(), *, elem=DOUBLE, opset=17):
    """The 2-5-3 MLP with ``node`` (reading h, writing a) as its activation."""
    nodes, inits = mlp_nodes()
    nodes[1] = node
    return make_model(nodes, ["N", 2], {**inits, **dict(extra_inits)}, elem=elem, opset=opset)


def clip_node(opset, lo=None, hi=None):
    """Clip h -> a with constant bounds: inputs from opset 11, attributes before."""
    if opset >= 11:
        names = ["h", "" if lo is None else "lo", "" if hi is None else "hi"]
        while names[-1] == "":
            names.pop()
        inits = {k: np.array(v) for k, v in (("lo", lo), ("hi", hi)) if v is not None}
        return helper.make_node("Clip", names, ["a"], name="clip"), inits
    attrs = {k: v for k, v in (("min", lo), ("max", hi)) if v is not None}
    return helper.make_node("Clip", ["h"], ["a"], name="clip", **attrs), {}


@pytest.mark.parametrize("opset", [7, 11, 13])
def test_clip_min_zero_is_exactly_the_relu_network(opset):
    # ONNX Runtime has float32 Clip kernels only before opset 12.
    relu = plr.from_onnx(with_activation(helper.make_node("Relu", ["h"], ["a"]), elem=FLOAT,
                                         opset=opset))
    model = with_activation(*clip_node(opset, lo=0.0), elem=FLOAT, opset=opset)
    net = plr.from_onnx(model)
    assert_same_layers(net, relu)
    assert net.n_neurons == 5 and net.hidden[0].kind == "relu"
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-5)


@pytest.mark.parametrize("opset", [7, 13])
@pytest.mark.parametrize("lo, hi, n_neurons", [
    (0.5, None, 5), (None, 0.3, 5), (-0.5, 0.7, 10), (0.25, 0.25, 0), (0.7, -0.5, 0)])
def test_clip_bounds_as_inputs_or_attributes(opset, lo, hi, n_neurons):
    elem = DOUBLE if opset >= 12 else FLOAT
    rtol = 1e-9 if elem == DOUBLE else 1e-5
    # onnxruntime's Clip-6 refuses min > max, which ONNX defines from opset 11 on.
    runtime = "reference" if opset < 11 and n_neurons == 0 and lo > hi else "ort"
    model = with_activation(*clip_node(opset, lo, hi), elem=elem, opset=opset)
    net = plr.from_onnx(model)
    assert net.n_neurons == n_neurons
    assert_same(net, model, random_inputs(2), (2,), rtol=rtol, runtime=runtime)
    if n_neurons:
        assert_same_on_regions(net, model, rtol=rtol, box=3.0)
    else:                                   # min >= max: the constant max, as ONNX says
        out = net(random_inputs(2))
        np.testing.assert_allclose(out, np.broadcast_to(out[0], out.shape), rtol=1e-12)


def test_clip_without_bounds_is_no_layer_and_type_limits_are_no_bound():
    lowest, largest = -np.finfo(np.float32).max, np.finfo(np.float32).max
    for node, inits, opset in [
            (helper.make_node("Clip", ["h"], ["a"]), {}, 13),
            (*clip_node(7, lowest, largest), 7),
            (*clip_node(13, -np.inf, np.finfo(np.float64).max), 13)]:
        net = plr.from_onnx(with_activation(node, inits, opset=opset))
        assert net.architecture == "2-3"
    # One-sided with the other bound at its default: exactly the ReLU network.
    relu = plr.from_onnx(with_activation(helper.make_node("Relu", ["h"], ["a"]), opset=7))
    assert_same_layers(plr.from_onnx(with_activation(*clip_node(7, 0.0, largest), opset=7)),
                       relu)


def test_clip_bounds_computed_from_shapes():
    # The bound is only known when the network is built (it comes from Shape).
    nodes, inits = mlp_nodes()
    nodes[1:2] = [helper.make_node("Shape", ["h"], ["s"]),
                  helper.make_node("Gather", ["s", "one"], ["n"], axis=0),
                  helper.make_node("Cast", ["n"], ["nf"], to=DOUBLE),
                  helper.make_node("Div", ["nf", "ten"], ["lo"]),
                  helper.make_node("Clip", ["h", "lo"], ["a"])]
    model = make_model(nodes, ["N", 2], {**inits, "one": np.array(1, np.int64),
                                         "ten": np.array(10.0)})
    net = plr.from_onnx(model)
    assert net.n_neurons == 5
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9, box=3.0)


def test_clip_to_input_dependent_or_nan_bounds_is_refused():
    nodes, inits = mlp_nodes()
    nodes[1:2] = [helper.make_node("ReduceMean", ["h"], ["m"], keepdims=1),
                  helper.make_node("Clip", ["h", "m"], ["c"], name="clip_var"),
                  helper.make_node("Clip", ["c", "", "nan"], ["a"], name="clip_nan")]
    model = make_model(nodes, ["N", 2], {**inits, "nan": np.array(np.nan)}, opset=13)
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_onnx(model)
    assert info.value.unsupported == [
        "clip_var (op Clip, domain ai.onnx, opset 13): clips to an input-dependent min "
        "('m'); only constant bounds are supported (Max(x, lo) and Min(x, hi) of two "
        "input-dependent tensors are converted)",
        "clip_nan (op Clip, domain ai.onnx, opset 13): has a NaN bound"]


@pytest.mark.parametrize("alpha, beta", [(None, None), (0.5, -0.2), (-0.3, 0.4), (0.0, 0.7)])
def test_hard_sigmoid(alpha, beta):
    attrs = {k: v for k, v in (("alpha", alpha), ("beta", beta)) if v is not None}
    node = helper.make_node("HardSigmoid", ["h"], ["a"], **attrs)
    model = with_activation(node)
    net = plr.from_onnx(model)
    assert net.n_neurons == (0 if alpha == 0.0 else 10)
    X = random_inputs(2)
    # onnxruntime has a float32 kernel only; the ONNX reference evaluator runs float64.
    assert_same(net, model, X, (2,), rtol=1e-12, runtime="reference")
    model32 = with_activation(node, elem=FLOAT)
    assert_same(plr.from_onnx(model32), model32, X, (2,), rtol=1e-5)
    if alpha != 0.0:
        assert_same_on_regions(net, model, rtol=1e-12, box=4.0, runtime="reference")


def test_abs():
    model = with_activation(helper.make_node("Abs", ["h"], ["a"]))
    net = plr.from_onnx(model)
    assert net.n_neurons == 10 and net.architecture == "2-10-3"
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


@pytest.mark.parametrize("lambd", [0.5, 0.0, 1.25])
def test_soft_shrink(lambd):
    node = helper.make_node("Shrink", ["h"], ["a"], bias=lambd, lambd=lambd)
    model = with_activation(node)
    net = plr.from_onnx(model)
    # With lambd = 0 Shrink is the identity: no breakpoint, so no neuron and no layer.
    assert net.architecture == ("2-3" if lambd == 0.0 else "2-10-3")
    # onnxruntime computes Shrink in float32 even on doubles; the reference runs float64.
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-12, runtime="reference")
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-6)
    if lambd != 0.0:
        assert_same_on_regions(net, model, rtol=1e-12, box=3.0, runtime="reference")


def test_abs_zero_shrink_and_relu_difference_count_activation_and_linear_regions():
    # |x| = relu(x) + relu(-x): 2 and 2. Shrink(x, 0) = x: no neuron, 1 and 1. A graph that
    # writes relu(x) - relu(-x) = x has two neurons: 2 activation regions, 1 linear region.
    relu_difference = [helper.make_node("Relu", ["x"], ["p"]),
                       helper.make_node("Neg", ["x"], ["m"]),
                       helper.make_node("Relu", ["m"], ["n"]),
                       helper.make_node("Sub", ["p", "n"], ["y"])]
    for nodes, counts in [([helper.make_node("Abs", ["x"], ["y"])], (2, 2)),
                          ([helper.make_node("Shrink", ["x"], ["y"], bias=0.0, lambd=0.0)],
                           (1, 1)),
                          (relu_difference, (2, 1))]:
        part = plr.partition(plr.from_onnx(make_model(nodes, ["N", 1])),
                             plr.Box([-1.0], [1.0]))
        assert (len(part), part.n_linear_regions) == counts


@pytest.mark.parametrize("lo, hi, n_neurons", [
    (-1e30, 0.5, 10), (-0.5, 1e30, 10), (-1e30, 1e30, 10), (-1e300, None, 5),
    (None, 2e4, 5)])
def test_clip_with_huge_finite_bounds_is_exact(lo, hi, n_neurons):
    # min + relu(z - min) computes z as (z - min) + min, all of z lost for min = -1e30: such
    # a bound is anchored on the other bound or on z itself (a pass-through unit) instead.
    model = with_activation(*clip_node(13, lo, hi))
    net = plr.from_onnx(model)
    assert net.n_neurons == n_neurons
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-12)
    part = plr.partition(net, plr.Box([-3.0, -3.0], [3.0, 3.0]))
    small = [b if b is not None and abs(b) < 1e4 else None for b in (lo, hi)]
    reachable = with_activation(*clip_node(13, *small))
    assert len(part) == len(plr.partition(plr.from_onnx(reachable),
                                          plr.Box([-3.0, -3.0], [3.0, 3.0])))
    assert_same(net, model, part.interior_points, (2,), rtol=1e-12)


@pytest.mark.parametrize("op", ["Max", "Min"])
def test_max_min_with_huge_constants_is_exact_entry_by_entry(op):
    nodes, inits = mlp_nodes()
    nodes[1:] = [helper.make_node(op, ["h", "c"], ["y"])]      # the output is Max(h, c)
    inits["c"] = np.array([-1e30, 1e30, 0.5, -1e300, 1e300])
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    assert net.n_neurons == 5
    X = random_inputs(2)
    # Entries that are h itself must keep all of h, next to entries of 1e30 or 1e300.
    np.testing.assert_allclose(net(X), reference(model, X, (2,)), rtol=1e-12, atol=1e-12)


def test_thresholded_relu_with_alpha_zero_is_relu():
    relu = plr.from_onnx(with_activation(helper.make_node("Relu", ["h"], ["a"])))
    node = helper.make_node("ThresholdedRelu", ["h"], ["a"], alpha=0.0)
    assert_same_layers(plr.from_onnx(with_activation(node)), relu)


def test_discontinuous_activations_are_all_refused_with_the_reason():
    nodes = [helper.make_node("ThresholdedRelu", ["x"], ["t"], name="thr"),
             helper.make_node("Shrink", ["t"], ["s"], bias=0.5, lambd=0.25, name="hard"),
             helper.make_node("Shrink", ["s"], ["y"], bias=-0.5, lambd=-0.5, name="neg")]
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_onnx(make_model(nodes, [1, 2]))
    assert info.value.unsupported == [
        "thr (op ThresholdedRelu, domain ai.onnx, opset 17): is discontinuous at alpha=1.0, "
        "where it jumps from 0 to alpha; only alpha=0, which is Relu, is converted "
        "(continuous look-alikes that are: Relu(x - alpha), Clip(x, min=alpha) and Shrink "
        "with bias == lambd)",
        "hard (op Shrink, domain ai.onnx, opset 17): is discontinuous at -lambd and lambd "
        "because bias=0.5 differs from lambd=0.25 (Shrink with bias == lambd, the soft "
        "shrinkage, is converted)",
        "neg (op Shrink, domain ai.onnx, opset 17): is discontinuous at 0.5 because "
        "lambd=-0.5 is negative (Shrink with bias == lambd >= 0, the soft shrinkage, is "
        "converted)"]


@pytest.mark.parametrize("op", ["Max", "Min"])
def test_max_min_against_constants_broadcast(op):
    r = rng(20)
    relu_like = {"c": np.zeros(5)}
    model = with_activation(helper.make_node(op, ["h", "c"], ["a"]), relu_like)
    net = plr.from_onnx(model)
    assert net.n_neurons == 5
    if op == "Max":                       # Max(h, 0) is Relu(h), unit for unit
        assert_same_layers(net, plr.from_onnx(
            with_activation(helper.make_node("Relu", ["h"], ["a"]))))
    # Constants of a larger shape broadcast the output: (2, 1, 5), then (2, 1, 3).
    nodes, inits = mlp_nodes()
    nodes[1:] = [helper.make_node(op, ["c1", "h", "c2"], ["a"]),
                 helper.make_node("MatMul", ["a", "V"], ["y"])]
    inits.update(c1=r.normal(size=(2, 1, 5)), c2=r.normal(size=5), V=r.normal(size=(5, 3)))
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    assert net.n_neurons == 10 and net.n_out == 6
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9, box=2.0)


def two_branches(op, order=("a", "b"), extra=()):
    """Max/Min of a = x W1 + b1 (1, 4) and b = mean of x W3 (1, 1), then a dense layer."""
    r = rng(21)
    inits = {"W1": r.normal(size=(2, 4)), "b1": r.normal(size=4), "W3": r.normal(size=(2, 3)),
             "W2": r.normal(size=(4, 3)), **dict(extra)}
    nodes = [helper.make_node("MatMul", ["x", "W1"], ["m1"]),
             helper.make_node("Add", ["m1", "b1"], ["a"]),
             helper.make_node("MatMul", ["x", "W3"], ["m3"]),
             helper.make_node("ReduceMean", ["m3"], ["b"], axes=[1], keepdims=1),
             helper.make_node(op, [*order, *dict(extra)], ["e"], name="extremum"),
             helper.make_node("MatMul", ["e", "W2"], ["y"])]
    return make_model(nodes, ["N", 2], inits, opset=17)


@pytest.mark.parametrize("op", ["Max", "Min"])
@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_max_min_of_two_input_dependent_tensors_broadcast(op, order):
    model = two_branches(op, order)
    net = plr.from_onnx(model)
    assert net.n_neurons == 4                    # relu(a - b), b carried through
    assert len(net.hidden) == 1
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9, box=2.0)


@pytest.mark.parametrize("op", ["Max", "Min"])
def test_variadic_max_min_is_a_balanced_tree(op):
    r = rng(22)
    inits = {f"W{k}": r.normal(size=(2, 3)) for k in range(5)}
    inits.update(c=r.normal(size=3), V=r.normal(size=(3, 2)))
    nodes = [helper.make_node("MatMul", ["x", f"W{k}"], [f"v{k}"]) for k in range(5)]
    nodes += [helper.make_node(op, ["v0", "v1", "c", "v2", "v3", "v4"], ["e"]),
              helper.make_node("MatMul", ["e", "V"], ["y"])]
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    # 5 -> 3 -> 2 -> 1 operands in three layers of 2, 1 and 1 pairs, then the constant.
    assert len(net.hidden) == 4
    assert [layer.n_neurons for layer in net.hidden] == [6, 3, 3, 3]
    assert_same(net, model, random_inputs(2, n=64), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9, box=2.0)


def test_max_min_of_one_operand_or_a_repeated_one():
    for node, architecture in [(helper.make_node("Max", ["h"], ["a"]), "2-3"),
                               (helper.make_node("Min", ["h", "h"], ["a"]), "2-3"),
                               (helper.make_node("Max", ["h", "h", "c"], ["a"]), "2-5-3")]:
        model = with_activation(node, {"c": np.full(5, 0.5)})
        net = plr.from_onnx(model)
        assert net.architecture == architecture
        assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)


def test_torch_export_of_clamps_abs_and_extrema(tmp_path):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional

    class Clamps(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1, self.fc2 = torch.nn.Linear(2, 4), torch.nn.Linear(2, 4)
            self.out = torch.nn.Linear(28, 2)

        def forward(self, x):
            a, b = self.fc1(x), self.fc2(x)
            return self.out(torch.cat([
                F.relu6(a), F.hardtanh(b, -0.5, 0.5), F.hardsigmoid(a), torch.abs(b),
                torch.clamp(a, min=0.25), torch.maximum(a, b),
                torch.minimum(a, torch.tensor(0.3))], dim=1))

    torch.manual_seed(3)
    module = Clamps().eval()
    model = export_torch(module, torch.randn(1, 2), tmp_path / "clamps.onnx", dynamo=False,
                         opset_version=17, dynamic_axes={"x": {0: "batch"}})
    assert {"Clip", "HardSigmoid", "Abs", "Max", "Min"} <= set(op_types(model))
    net = plr.from_onnx(model)
    assert net.n_neurons == plr.from_torch(module).n_neurons == 8 * 4 + 4 * 3
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-5)
    assert_same_on_regions(net, model, rtol=1e-5, box=2.0)
    with torch.no_grad():
        want = module(torch.as_tensor(random_inputs(2), dtype=torch.float64).float())
    np.testing.assert_allclose(net(random_inputs(2)), want.double().numpy(), atol=1e-5)


def test_unsupported_activations_are_all_listed_with_the_fix():
    nodes = [helper.make_node("HardSwish", ["x"], ["a"], name="hswish"),
             helper.make_node("Elu", ["a"], ["b"], name="elu"),
             helper.make_node("Clip", ["b", "x"], ["c"], name="clip"),
             helper.make_node("ThresholdedRelu", ["c"], ["d"], alpha=0.5, name="thr"),
             helper.make_node("Fold", ["d"], ["y"], domain="com.example", name="fold")]
    model = make_model(nodes, [1, 2], extra_opsets=[helper.make_opsetid("com.example", 3)])
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_onnx(model)
    listed = info.value.unsupported
    assert [entry.split(":")[0] for entry in listed] == [
        "hswish (op HardSwish, domain ai.onnx, opset 17)",
        "elu (op Elu, domain ai.onnx, opset 17)",
        "clip (op Clip, domain ai.onnx, opset 17)",
        "thr (op ThresholdedRelu, domain ai.onnx, opset 17)",
        "fold (op Fold, domain com.example, opset 3)"]
    message = str(info.value)
    assert message.startswith("the ONNX model has 5 node(s)")
    assert "HardSwish is x * HardSigmoid(x), piecewise quadratic" in message
    assert "operators of the domain(s) com.example are not converted" in message
    assert message.endswith("the supported operators are listed in help(plregions.from_onnx): "
                            "replace or remove these nodes (for example by exporting the "
                            "model without them) and import it again")


# -- batch norm and convolutions ------------------------------------------------------------

def test_batch_norm_after_matmul_without_bias():
    r = rng(14)
    inits = {"W": r.normal(size=(2, 4)), "s": r.normal(size=4), "b": r.normal(size=4),
             "m": r.normal(size=4), "v": r.uniform(0.5, 2, size=4), "W2": r.normal(size=(4, 1))}
    nodes = [helper.make_node("MatMul", ["x", "W"], ["h"]),
             helper.make_node("BatchNormalization", ["h", "s", "b", "m", "v"], ["n"],
                              epsilon=1e-3),
             helper.make_node("Relu", ["n"], ["a"]),
             helper.make_node("MatMul", ["a", "W2"], ["y"])]
    model = make_model(nodes, ["N", 2], inits)
    net = plr.from_onnx(model)
    assert np.any(net.hidden[0].bias != 0)       # the shift survives without a bias
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


CONV_CASES = [
    dict(),
    dict(strides=[2, 2], pads=[1, 1, 1, 1]),
    dict(dilations=[2, 1], pads=[2, 0, 1, 1]),
    dict(group=2, strides=[1, 2]),
    dict(auto_pad="SAME_UPPER", strides=[2, 2]),
    dict(auto_pad="SAME_LOWER", strides=[2, 1], dilations=[1, 2]),
    dict(auto_pad="VALID", group=2, dilations=[2, 2]),
]


@pytest.mark.parametrize("attrs", CONV_CASES)
@pytest.mark.parametrize("bias", [True, False])
def test_conv_stride_padding_dilation_groups(attrs, bias):
    r = rng(15)
    groups = attrs.get("group", 1)
    inits = {"W": r.normal(size=(4, 4 // groups, 3, 2)), "B": r.normal(size=4)}
    nodes = [helper.make_node("Conv", ["x", "W", "B"] if bias else ["x", "W"], ["c"],
                              kernel_shape=[3, 2], **attrs),
             helper.make_node("Relu", ["c"], ["y"])]
    shape = (4, 6, 5)
    X = random_inputs(int(np.prod(shape)), n=8)
    model64 = make_model(nodes, [1, *shape], inits)
    net = plr.from_onnx(model64)
    assert_same(net, model64, X, shape, rtol=1e-9, runtime="reference")
    if attrs.get("auto_pad", "").startswith("SAME") and "dilations" in attrs:
        return                    # onnxruntime does not implement this combination
    model32 = make_model(nodes, [1, *shape], inits, elem=FLOAT)   # ORT has float32 Conv only
    assert_same(plr.from_onnx(model32), model32, X, shape, rtol=1e-5)


def test_conv_1d_batch_norm_and_pooling():
    r = rng(16)
    inits = {"W": r.normal(size=(3, 2, 3)), "s": r.normal(size=3), "b": r.normal(size=3),
             "m": r.normal(size=3), "v": r.uniform(0.5, 2, size=3),
             "W2": r.normal(size=(2, 3, 2)), "ax": np.array([2], np.int64)}
    nodes = [helper.make_node("Conv", ["x", "W"], ["c"], pads=[1, 1], strides=[2]),
             helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["n"]),
             helper.make_node("Relu", ["n"], ["a"]),
             helper.make_node("AveragePool", ["a"], ["p"], kernel_shape=[2], strides=[1]),
             helper.make_node("Conv", ["a", "W2"], ["c2"]),
             helper.make_node("GlobalAveragePool", ["c2"], ["g"]),
             helper.make_node("ReduceMean", ["p"], ["pm"], axes=[2], keepdims=1),
             helper.make_node("Concat", ["g", "pm"], ["y"], axis=1)]
    model = make_model(nodes, [1, 2, 7], inits, elem=FLOAT, opset=13)
    net = plr.from_onnx(model)
    assert_same(net, model, random_inputs(14), (2, 7), rtol=1e-5)


# -- refusals -------------------------------------------------------------------------------

def test_unsupported_nodes_are_all_listed_with_op_domain_and_opset():
    nodes = [helper.make_node("Tanh", ["x"], ["t"], name="squash"),
             helper.make_node("Sigmoid", ["t"], ["s"], name="gate"),
             helper.make_node("MaxPool", ["s"], ["p"], kernel_shape=[1], name="pool"),
             helper.make_node("MyOp", ["p"], ["q"], domain="com.example", name="custom"),
             helper.make_node("Softmax", ["q"], ["y"], name="probs")]
    model = make_model(nodes, [1, 2, 3], extra_opsets=[helper.make_opsetid("com.example", 1)])
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_onnx(model)
    assert info.value.unsupported == [
        "squash (op Tanh, domain ai.onnx, opset 17)",
        "gate (op Sigmoid, domain ai.onnx, opset 17)",
        "pool (op MaxPool, domain ai.onnx, opset 17)",
        "custom (op MyOp, domain com.example, opset 1)",
        "probs (op Softmax, domain ai.onnx, opset 17)",
    ]
    message = str(info.value)
    assert message.startswith("the ONNX model has 5 node(s) that are not piecewise linear")
    assert "read the outputs as logits" in message and "use AveragePool" in message


def test_constant_subgraphs_of_any_op_are_evaluated():
    inits = {"k": np.array([0.0, 1.0])}
    nodes = [helper.make_node("Sigmoid", ["k"], ["sk"]),          # constant: folded
             helper.make_node("Mul", ["x", "sk"], ["y"])]
    model = make_model(nodes, [1, 2], inits)
    net = plr.from_onnx(model)
    np.testing.assert_allclose(net([[2.0, 2.0]]), [[1.0, 2.0 / (1 + np.exp(-1.0))]])


def test_training_mode_nodes_are_refused():
    inits = {"r": np.array(0.5), "t": np.array(True), "s": np.ones(2), "b": np.zeros(2),
             "m": np.zeros(2), "v": np.ones(2)}
    nodes = [helper.make_node("Dropout", ["x", "r", "t"], ["d"], name="drop"),
             helper.make_node("BatchNormalization", ["d", "s", "b", "m", "v"],
                              ["y", "mean_out", "var_out"], training_mode=1, name="bn")]
    model = make_model(nodes, [1, 2], inits)
    with pytest.raises(UnsupportedLayerError, match=re.escape(
            "drop (op Dropout, domain ai.onnx, opset 17): has training_mode=True (random); "
            "export the model in eval mode; bn (op BatchNormalization, domain ai.onnx, "
            "opset 17): is in training mode")):
        plr.from_onnx(model)


def test_nonlinear_products_are_refused():
    nodes = [helper.make_node("Mul", ["x", "x"], ["sq"], name="square"),
             helper.make_node("Div", ["sq", "x"], ["y"], name="ratio")]
    with pytest.raises(UnsupportedLayerError, match=r"square .*multiplies two input-dependent"
                       r".*ratio .*divides by an input-dependent"):
        plr.from_onnx(make_model(nodes, [1, 2]))


def test_inputs_outputs_and_shapes_are_checked():
    nodes, inits = mlp_nodes()
    two_inputs = make_model(nodes, None, inits, inputs=[
        helper.make_tensor_value_info("x", DOUBLE, [1, 2]),
        helper.make_tensor_value_info("z", DOUBLE, [1, 2])])
    with pytest.raises(InvalidNetworkError, match=r"the model has 2 inputs \(x, z\)"):
        plr.from_onnx(two_inputs)
    two_outputs = make_model(nodes, [1, 2], inits, outputs=[
        helper.make_tensor_value_info("y", DOUBLE, None),
        helper.make_tensor_value_info("a", DOUBLE, None)])
    with pytest.raises(InvalidNetworkError, match=r"the model has 2 outputs \(y, a\)"):
        plr.from_onnx(two_outputs)
    unknown = make_model(nodes, ["N", "features"], inits)
    with pytest.raises(InvalidNetworkError, match=r"unknown sizes; pass input_shape"):
        plr.from_onnx(unknown)
    net = plr.from_onnx(unknown, input_shape=(2,))
    assert_same(net, unknown, random_inputs(2), (2,), rtol=1e-9)
    with pytest.raises(InvalidNetworkError, match=r"input_shape \(3,\) contradicts"):
        plr.from_onnx(make_model(nodes, ["N", 2], inits), input_shape=(3,))
    with pytest.raises(InvalidNetworkError, match=r"expects a path, an onnx.ModelProto"):
        plr.from_onnx(42)


def test_shape_errors_name_the_node():
    nodes = [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")]
    model = make_model(nodes, [1, 3], {"W": np.ones((2, 2))})
    with pytest.raises(InvalidNetworkError, match=r"mm \(op MatMul.*shapes \(1, 3\) and "
                       r"\(2, 2\) do not multiply"):
        plr.from_onnx(model)


def test_missing_onnx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'plregions\[onnx\]'"):
        plr.from_onnx("model.onnx")


# -- files ----------------------------------------------------------------------------------

def test_load_network_by_suffix(tmp_path):
    nodes, inits = mlp_nodes()
    model = make_model(nodes, ["N", 2], inits)
    path = tmp_path / "mlp.onnx"
    onnx.save(model, str(path))
    net = plr.load_network(path)
    assert_same(net, model, random_inputs(2), (2,), rtol=1e-9)
    npz = tmp_path / "mlp.npz"
    plr.save_network(net, npz)
    np.testing.assert_array_equal(plr.load_network(str(npz))(random_inputs(2)),
                                  net(random_inputs(2)))
    (tmp_path / "broken.onnx").write_bytes(b"not a model")
    with pytest.raises(InvalidNetworkError, match=r"broken.onnx: cannot be read as an ONNX"):
        plr.load_network(tmp_path / "broken.onnx")
    with pytest.raises(InvalidNetworkError, match=r"unknown file type '.h5'; load_network "
                       r"reads .npz, .onnx, .pt, .pth files"):
        plr.load_network(tmp_path / "model.h5")
    with pytest.raises(InvalidNetworkError, match=r"missing.onnx: no such file"):
        plr.load_network(tmp_path / "missing.onnx")
