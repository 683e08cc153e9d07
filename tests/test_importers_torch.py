"""from_torch: the imported network is the same function as the PyTorch model."""

import re
import sys
import warnings

import numpy as np
import pytest

import plregions as plr
from plregions.errors import InvalidNetworkError, MissingDependencyError, UnsupportedLayerError

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional


# -- helpers --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def seeded_torch():
    """Every test starts from the same torch seed (tests that need another seed set it)."""
    torch.manual_seed(0)


def torch_out(model, X, input_shape=None):
    """The model's output on a batch, as float64 numpy of shape (n, n_out)."""
    dtype = next(model.parameters()).dtype if any(True for _ in model.parameters()) else (
        torch.float64)
    X = np.asarray(X, dtype=np.float64)
    if input_shape is not None:
        X = X.reshape(X.shape[0], *input_shape)
    with torch.no_grad():
        out = model(torch.as_tensor(X, dtype=dtype))
    return out.double().numpy().reshape(X.shape[0], -1)


def assert_same(net, model, X, rtol, input_shape=None):
    want = torch_out(model, X, input_shape)
    got = net(np.asarray(X, dtype=np.float64).reshape(len(X), -1))
    scale = max(1.0, float(np.abs(want).max()))
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


def assert_same_on_regions(net, model, rtol, box=1.0):
    """Equal at the interior point of every region of the partition on [-box, box]^d."""
    part = plr.partition(net, plr.Box(-box * np.ones(net.n_in), box * np.ones(net.n_in)))
    assert len(part) >= 2
    assert_same(net, model, part.interior_points, rtol)
    return part


def random_inputs(d, n=64, seed=0, scale=2.0):
    return np.random.default_rng(seed).normal(scale=scale, size=(n, d))


def randomize_batch_norm(model, seed=0):
    gen = torch.Generator().manual_seed(seed)
    for mod in model.modules():
        if isinstance(mod, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = mod.num_features
            with torch.no_grad():
                mod.running_mean.copy_(torch.rand(n, generator=gen) * 2 - 1)
                mod.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
                if mod.affine:
                    mod.weight.copy_(torch.rand(n, generator=gen) * 2 - 1)
                    mod.bias.copy_(torch.rand(n, generator=gen) * 2 - 1)
    return model


# -- sequential models ----------------------------------------------------------------------

def test_sequential_float64_matches_on_points_and_regions():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 6), nn.ReLU(), nn.Linear(6, 5), nn.ReLU(),
                          nn.Linear(5, 3)).double()
    net = plr.from_torch(model)
    assert net.architecture == "2-6-5-3"
    assert [layer.kind for layer in net.hidden] == ["relu", "relu"]
    np.testing.assert_array_equal(net.hidden[0].weight, model[0].weight.detach().numpy())
    assert_same(net, model, random_inputs(2), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


def test_float32_model_matches_to_float32_precision():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 7), nn.ReLU(), nn.Linear(7, 4), nn.ReLU(),
                          nn.Linear(4, 2))
    net = plr.from_torch(model)
    assert net.hidden[0].weight.dtype == np.float64
    assert_same(net, model, random_inputs(2), rtol=1e-5)
    assert_same_on_regions(net, model, rtol=1e-5)


def test_nested_sequential_identity_dropout_compose_into_one_layer():
    torch.manual_seed(2)
    model = nn.Sequential(
        nn.Sequential(nn.Linear(3, 4), nn.Identity(), nn.Dropout(0.3), nn.Linear(4, 5)),
        nn.ReLU(),
        nn.Sequential(nn.Sequential(nn.Linear(5, 3)), nn.Dropout(0.5)),
        nn.Linear(3, 2),
    ).double().eval()
    net = plr.from_torch(model)
    # Linear-Identity-Dropout-Linear is one affine map, and so is Linear-Dropout-Linear.
    assert net.architecture == "3-5-2"
    W0 = model[0][3].weight.detach().numpy() @ model[0][0].weight.detach().numpy()
    np.testing.assert_allclose(net.hidden[0].weight, W0, rtol=1e-12)
    assert_same(net, model, random_inputs(3), rtol=1e-9)


def test_pure_affine_model_has_no_hidden_layer():
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2)).double()
    net = plr.from_torch(model)
    assert net.hidden == () and net.architecture == "3-2"
    assert_same(net, model, random_inputs(3), rtol=1e-9)


# -- activations ----------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [0.01, 0.5, 2.5, -0.7])
def test_leaky_relu_any_slope_is_z_or_alpha_z(alpha):
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(2, 5), nn.LeakyReLU(alpha), nn.Linear(5, 1)).double()
    net = plr.from_torch(model)
    assert net.hidden[0].kind == "leaky_relu"
    np.testing.assert_array_equal(net.hidden[0].negative_slope, np.full(5, alpha))
    assert_same(net, model, random_inputs(2), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


def test_leaky_relu_with_alpha_above_one_is_not_max():
    # With alpha = 3, act(-1) = -3, while max(alpha z, z) would give -1.
    model = nn.Sequential(nn.Linear(1, 1), nn.LeakyReLU(3.0)).double()
    with torch.no_grad():
        model[0].weight.fill_(1.0)
        model[0].bias.fill_(0.0)
    net = plr.from_torch(model)
    assert net([[-1.0], [2.0]]).ravel().tolist() == [-3.0, 2.0]


def test_prelu_shared_and_per_channel_on_conv_outputs():
    torch.manual_seed(4)
    shared = nn.Sequential(nn.Linear(2, 4), nn.PReLU(), nn.Linear(4, 1)).double()
    with torch.no_grad():
        shared[1].weight.fill_(-0.3)
    net = plr.from_torch(shared)
    np.testing.assert_array_equal(net.hidden[0].negative_slope, np.full(4, -0.3))
    assert_same(net, shared, random_inputs(2), rtol=1e-9)

    per_channel = nn.Sequential(nn.Conv2d(1, 3, 2), nn.PReLU(3), nn.Flatten(),
                                nn.Linear(12, 2)).double()
    with torch.no_grad():
        per_channel[1].weight.copy_(torch.tensor([0.1, 1.7, -0.4], dtype=torch.float64))
    net = plr.from_torch(per_channel, input_shape=(1, 3, 3))
    # One slope per unit: each channel's slope repeated over its 2 x 2 outputs (C order).
    np.testing.assert_array_equal(net.hidden[0].negative_slope,
                                  np.repeat([0.1, 1.7, -0.4], 4))
    assert net.hidden[0].kind == "prelu"
    assert_same(net, per_channel, random_inputs(9), rtol=1e-9, input_shape=(1, 3, 3))


def test_trailing_relu_is_a_hidden_layer_with_identity_output():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3), nn.ReLU()).double()
    net = plr.from_torch(model)
    assert net.architecture == "2-4-3-3"
    np.testing.assert_array_equal(net.output.weight, np.eye(3))
    np.testing.assert_array_equal(net.output.bias, np.zeros(3))
    X = random_inputs(2)
    assert np.all(net(X) >= 0)
    assert_same(net, model, X, rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


# -- clamps, absolute values and elementwise extrema ----------------------------------------

class Around(nn.Module):
    """``Linear(2, 4) -> op -> Linear(4, 3)``, the first layer scaled so that on [-1, 1]^2
    the op's input spans about [-14, 14] and meets every breakpoint (6 for ReLU6)."""

    def __init__(self, op):
        super().__init__()
        self.fc = nn.Linear(2, 4)
        self.op = op if isinstance(op, nn.Module) else None
        self.fn = None if isinstance(op, nn.Module) else op
        self.head = nn.Linear(4, 3)
        with torch.no_grad():
            self.fc.weight.mul_(8.0)
            self.fc.bias.mul_(4.0)

    def forward(self, x):
        h = self.fc(x)
        return self.head(self.op(h) if self.op is not None else self.fn(h))


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


# (name, op, neurons): the op is applied to the 4 entries of the first layer's output.
PIECEWISE_OPS = [
    ("clamp(min=a)", lambda h: torch.clamp(h, min=0.5), 4),
    ("x.clamp(max=b)", lambda h: h.clamp(max=-0.5), 4),
    ("clamp_min", lambda h: torch.clamp_min(h, -1.0), 4),
    ("x.clamp_max", lambda h: h.clamp_max(2.0), 4),
    ("clip(a, b)", lambda h: torch.clip(h, -1.0, 2.0), 8),
    ("x.clamp(min=a, max=b)", lambda h: h.clamp(min=-3.0, max=0.5), 8),
    # Per-entry bounds; where min >= max (entries 2 and 3) torch gives the constant max.
    ("clamp(tensor bounds)", lambda h: torch.clamp(h, f64([-1.0, 0.0, 2.0, 1.0]),
                                                   f64([1.0, 3.0, 1.0, 1.0])), 4),
    ("hardtanh", lambda h: F.hardtanh(h, -2.0, 3.0), 8),
    ("Hardtanh", nn.Hardtanh(-0.5, 0.5), 8),
    ("relu6", F.relu6, 8),
    ("ReLU6", nn.ReLU6(), 8),
    ("hardsigmoid", F.hardsigmoid, 8),
    ("Hardsigmoid", nn.Hardsigmoid(), 8),
    ("threshold(t, t)", lambda h: F.threshold(h, 0.3, 0.3), 4),
    ("Threshold(t, t)", nn.Threshold(-0.2, -0.2), 4),
    ("abs()", abs, 8),
    ("torch.abs", torch.abs, 8),
    ("x.abs()", lambda h: h.abs(), 8),
    ("softshrink", F.softshrink, 8),
    ("Softshrink", nn.Softshrink(1.5), 8),
    ("maximum(z, zeros_like(z))", lambda h: torch.maximum(h, torch.zeros_like(h)), 4),
    ("max(z, tensor(0))", lambda h: torch.max(h, torch.tensor(0.0)), 4),
    ("x.max(constant)", lambda h: h.max(f64([0.5, -0.5, 1.0, 0.0])), 4),
    ("minimum(constant, z)", lambda h: torch.minimum(f64([0.0, 1.0, -1.0, 2.0]), h), 4),
    ("fmin(z, ones_like(z))", lambda h: torch.fmin(h, torch.ones_like(h)), 4),
    ("fmax(z, full_like(z))", lambda h: torch.fmax(h, torch.full_like(h, -0.7)), 4),
    ("RReLU (eval)", nn.RReLU(0.1, 0.3), 4),
    ("rrelu(training=False)", lambda h: F.rrelu(h, 0.1, 0.3, training=False), 4),
]


@pytest.mark.parametrize("op, neurons", [case[1:] for case in PIECEWISE_OPS],
                         ids=[case[0] for case in PIECEWISE_OPS])
def test_piecewise_linear_ops_match_the_model(op, neurons):
    torch.manual_seed(20)
    model = Around(op).double().eval()
    net = plr.from_torch(model)
    assert net.n_neurons == neurons
    assert_same(net, model, random_inputs(2, n=200, seed=1, scale=1.5), rtol=1e-12)
    part = assert_same_on_regions(net, model, rtol=1e-12)
    # Every neuron's hyperplane meets the box (the op's breakpoints are in range), so
    # there are more regions than one hyperplane makes.
    assert len(part) > 2


def test_clamp_at_zero_and_maximum_with_zero_are_relu():
    torch.manual_seed(21)
    relu = Around(nn.ReLU()).double().eval()
    want = plr.from_torch(relu)
    for op in (lambda h: torch.clamp(h, min=0), lambda h: h.clamp(min=0.0),
               lambda h: torch.maximum(h, torch.zeros_like(h)),
               lambda h: torch.max(h, torch.tensor(0.0)), lambda h: F.threshold(h, 0, 0)):
        model = Around(op).double().eval()
        model.load_state_dict(relu.state_dict())
        net = plr.from_torch(model)
        assert net.architecture == want.architecture == "2-4-3"
        assert [layer.kind for layer in net.hidden] == ["relu"]
        for got, expected in ((net.hidden[0], want.hidden[0]), (net.output, want.output)):
            np.testing.assert_array_equal(got.weight, expected.weight)
            np.testing.assert_array_equal(got.bias, expected.bias)
        np.testing.assert_array_equal(net.hidden[0].negative_slope, np.zeros(4))


def test_shifted_relu_folds_the_shifts_into_the_biases():
    # clamp(w x + c, min=a) = a + relu(w x + c - a): the unit has bias c - a, and the next
    # layer adds W_out @ a to its bias.
    model = Around(lambda h: h.clamp(min=1.5)).double().eval()
    net = plr.from_torch(model)
    W, c = model.fc.weight.detach().numpy(), model.fc.bias.detach().numpy()
    W_out, c_out = model.head.weight.detach().numpy(), model.head.bias.detach().numpy()
    np.testing.assert_array_equal(net.hidden[0].weight, W)
    np.testing.assert_allclose(net.hidden[0].bias, c - 1.5, rtol=1e-15)
    np.testing.assert_array_equal(net.output.weight, W_out)
    np.testing.assert_allclose(net.output.bias, c_out + W_out @ np.full(4, 1.5), rtol=1e-14)


def test_two_sided_ops_use_two_units_per_entry_recombined_by_the_next_layer():
    model = Around(nn.Hardtanh(-1.0, 2.0)).double().eval()
    net = plr.from_torch(model)
    W, c = model.fc.weight.detach().numpy(), model.fc.bias.detach().numpy()
    W_out = model.head.weight.detach().numpy()
    # Units relu(z + 1) then relu(z - 2); the output is W_out (u1 - u2 - 1) + c_out.
    np.testing.assert_array_equal(net.hidden[0].weight, np.vstack([W, W]))
    np.testing.assert_allclose(net.hidden[0].bias, np.concatenate([c + 1.0, c - 2.0]),
                               rtol=1e-15)
    np.testing.assert_array_equal(net.output.weight, np.hstack([W_out, -W_out]))
    np.testing.assert_allclose(net.output.bias, model.head.bias.detach().numpy()
                               - W_out @ np.ones(4), rtol=1e-14)
    # |z|: units relu(z), relu(-z), both read with the same weight.
    model = Around(torch.abs).double().eval()
    net = plr.from_torch(model)
    W, c = model.fc.weight.detach().numpy(), model.fc.bias.detach().numpy()
    W_out = model.head.weight.detach().numpy()
    np.testing.assert_array_equal(net.hidden[0].weight, np.vstack([W, -W]))
    np.testing.assert_array_equal(net.hidden[0].bias, np.concatenate([c, -c]))
    np.testing.assert_array_equal(net.output.weight, np.hstack([W_out, W_out]))
    np.testing.assert_array_equal(net.output.bias, model.head.bias.detach().numpy())


def test_clamp_with_min_above_max_is_a_constant_without_neurons():
    model = Around(lambda h: torch.clamp(h, min=2.0, max=1.0)).double().eval()
    net = plr.from_torch(model)
    assert net.n_neurons == 0
    X = random_inputs(2)
    assert_same(net, model, X, rtol=1e-12)
    assert np.ptp(net(X), axis=0).max() == 0.0
    assert len(plr.partition(net, plr.Box([-1, -1], [1, 1]))) == 1


def assert_same_layers(got, want):
    assert got.architecture == want.architecture
    for a, b in zip([*got.hidden, got.output], [*want.hidden, want.output]):
        np.testing.assert_array_equal(a.weight, b.weight)
        np.testing.assert_array_equal(a.bias, b.bias)


def with_weights_of(reference, op):
    """``Around(op)`` with the weights of the model ``reference``."""
    model = Around(op).double().eval()
    model.load_state_dict(reference.state_dict())
    return model


@pytest.mark.parametrize("lo, hi, neurons", [
    (-1e30, 1.0, 8), (-1.0, 1e30, 8), (-1e30, 1e30, 8), (-1e30, None, 4), (None, 1e30, 4),
    (-2e4, 3e4, 8), (-1e300, 0.5, 8)])
def test_clamp_with_huge_finite_bounds_is_exact(lo, hi, neurons):
    # lo + relu(z - lo) computes z as (z - lo) + lo: all of z is lost for lo = -1e30. Such a
    # bound is anchored on the other bound or on z itself (a pass-through unit) instead.
    model = Around(lambda h: torch.clamp(h, lo, hi)).double().eval()
    net = plr.from_torch(model)
    assert net.n_neurons == neurons
    assert_same(net, model, random_inputs(2, n=200, seed=4, scale=1.5), rtol=1e-12)
    # On the box the huge bounds are never reached: the regions are those of the clamp
    # without them.
    small = [b if b is not None and abs(b) < 1e4 else None for b in (lo, hi)]
    reachable = with_weights_of(model, (lambda h: torch.clamp(h, *small)) if any(
        b is not None for b in small) else nn.Identity())
    box = plr.Box([-1.0, -1.0], [1.0, 1.0])
    part = plr.partition(net, box)
    assert len(part) == len(plr.partition(plr.from_torch(reachable), box))
    assert_same(net, model, part.interior_points, rtol=1e-12)


def test_infinite_bounds_are_no_bound_and_no_bound_is_no_layer():
    inf = float("inf")
    one_sided = Around(lambda h: torch.clamp(h, max=1.0)).double().eval()
    for op in (lambda h: torch.clamp(h, -inf, 1.0), lambda h: F.hardtanh(h, -inf, 1.0)):
        assert_same_layers(plr.from_torch(with_weights_of(one_sided, op)),
                           plr.from_torch(one_sided))
    identity = Around(nn.Identity()).double().eval()
    for op in (lambda h: torch.clamp(h, -inf, inf), lambda h: h.clamp_min(-inf),
               lambda h: torch.clamp_max(h, inf), nn.Hardtanh(-inf, inf)):
        assert_same_layers(plr.from_torch(with_weights_of(identity, op)),
                           plr.from_torch(identity))
    # Per-entry bounds that are all infinite: pass-through units, no neuron.
    model = with_weights_of(identity, lambda h: torch.clamp(h, f64([-inf] * 4)))
    net = plr.from_torch(model)
    assert net.architecture == "2-4-3" and net.n_neurons == 0
    assert_same(net, model, random_inputs(2), rtol=1e-12)


def test_softshrink_with_lambda_zero_is_the_identity_without_a_layer():
    # softshrink(z, 0) = z has no breakpoint: no neuron and no layer, not the two opposite
    # units relu(z) - relu(-z) of a hyperplane that the model does not have.
    identity = Around(nn.Identity()).double().eval()
    for op in (nn.Softshrink(0.0), lambda h: F.softshrink(h, 0.0),
               lambda h: F.softshrink(h, lambd=0)):
        assert_same_layers(plr.from_torch(with_weights_of(identity, op)),
                           plr.from_torch(identity))


class ReluDifference(nn.Module):
    def forward(self, x):
        return F.relu(x) - F.relu(-x)


@pytest.mark.parametrize("model, n_regions, n_linear", [
    (nn.Softshrink(0.0), 1, 1), (ReluDifference().eval(), 2, 1), (nn.Softshrink(0.5), 3, 3)])
def test_softshrink_zero_counts_no_region_a_written_relu_difference_does(model, n_regions,
                                                                         n_linear):
    # Activation regions are those of the neurons as imported: the identity has none, the
    # model that writes relu(x) - relu(-x) has two neurons and two activation regions.
    part = plr.partition(plr.from_torch(model, input_shape=(1,)), plr.Box([-1.0], [1.0]))
    assert (len(part), part.n_linear_regions) == (n_regions, n_linear)


class BadBounds(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.tanh = nn.Hardtanh()
        self.tanh.min_val = 2.0                 # nn.Hardtanh(2.0, 1.0) asserts, this does not
        self.shrink = nn.Softshrink()
        self.shrink.lambd = -1.0

    def forward(self, x):
        h = self.fc(x)
        return (F.hardtanh(h, 1.0, -1.0) + self.tanh(h) + F.softshrink(h, -0.5) + self.shrink(h)
                + torch.clamp(h, min=float("inf")) + h.clamp_max(float("nan"))
                + torch.maximum(h, torch.tensor(float("inf"))))


def test_bounds_torch_refuses_or_that_make_no_finite_network_are_listed():
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_torch(BadBounds().eval())
    infinite = ("has a lower bound of +inf or an upper bound of -inf, which makes the output "
                "infinite (a network's values must be finite; use a finite bound)")
    assert info.value.unsupported == [
        "forward: hardtanh() [function, fx node hardtanh]: has min_val=1.0 above "
        "max_val=-1.0, which torch refuses too (swap them; torch.clamp(x, min, max), which "
        "is converted, gives max where min > max)",
        "tanh (Hardtanh): has min_val=2.0 above max_val=1.0, which torch refuses too (swap "
        "them; torch.clamp(x, min, max), which is converted, gives max where min > max)",
        "forward: softshrink() [function, fx node softshrink]: has lambd=-0.5, which torch "
        "refuses too (softshrink needs lambd >= 0)",
        "shrink (Softshrink): has lambd=-1.0, which torch refuses too (softshrink needs "
        "lambd >= 0)",
        f"forward: clamp() [function, fx node clamp]: {infinite}",
        "forward: .clamp_max() [tensor method, fx node clamp_max]: has a NaN bound",
        f"forward: maximum() [function, fx node maximum]: {infinite}"]


class InPlaceClamps(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.head = nn.Linear(3, 2)
        with torch.no_grad():
            self.fc.weight.mul_(4.0)

    def forward(self, x):
        h = self.fc(x)
        h.clamp_(min=-0.5)                    # later readers of h read the clamped value
        g = F.hardtanh(h, -0.2, 0.7, inplace=True)
        return self.head(g) + F.relu6(h * 8.0, inplace=True).sum(dim=1, keepdim=True)


def test_in_place_clamps_change_later_readers():
    torch.manual_seed(22)
    model = InPlaceClamps().double().eval()
    net = plr.from_torch(model)
    assert_same(net, model, random_inputs(2, n=200, seed=2, scale=1.0), rtol=1e-12)
    assert_same_on_regions(net, model, rtol=1e-12)


class Extrema(nn.Module):
    """Elementwise max and min of two input-dependent tensors."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = nn.Linear(2, 3)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        a, b = self.a(x), self.b(x)
        return self.head(torch.cat([torch.maximum(a, b), b.min(a)], dim=1))


def test_maximum_of_two_input_dependent_tensors():
    torch.manual_seed(23)
    model = Extrema().double().eval()
    net = plr.from_torch(model)
    # max(a, b) = b + relu(a - b) and min(b, a) = a - relu(a - b): 6 neurons, and the
    # operands they add back are carried through by pass-through units.
    assert net.n_neurons == 6 and net.hidden[0].kind == "mixed"
    assert_same(net, model, random_inputs(2, n=200, seed=3), rtol=1e-12)
    assert_same_on_regions(net, model, rtol=1e-12)

    class Same(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 3)

        def forward(self, x):
            h = self.fc(x)
            return torch.maximum(h, h)

    net = plr.from_torch(Same().double().eval())
    assert net.n_neurons == 0 and net.architecture == "2-3"


def test_rrelu_in_training_mode_is_refused():
    model = nn.Sequential(nn.Linear(2, 3), nn.RReLU(), nn.Linear(3, 1)).double()
    with pytest.raises(InvalidNetworkError, match=r"1 \(RReLU\); call model.eval\(\)"):
        plr.from_torch(model)
    net = plr.from_torch(model.eval())
    np.testing.assert_allclose(net.hidden[0].negative_slope, np.full(3, (1 / 8 + 1 / 3) / 2))


class AlmostPiecewiseLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 4)
        self.shrink = nn.Hardshrink()
        self.swish = nn.Hardswish()
        self.step = nn.Threshold(0.1, 0.0)

    def forward(self, x):
        h = self.fc(x)
        a = self.shrink(h) + self.swish(h) + self.step(h) + F.hardswish(h)
        b = torch.clamp(h, min=x.sum(dim=1, keepdim=True)) + h.max(dim=1, keepdim=True)[0]
        return a + b + F.rrelu(h, training=True) + torch.min(h) + torch.clamp(h)


def test_refused_piecewise_ops_are_all_listed_with_the_reason_and_the_fix():
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_torch(AlmostPiecewiseLinear().eval())
    err = info.value
    names = [entry.split(":")[0] if entry.startswith(("shrink", "swish", "step")) else
             entry.split(": ")[1] for entry in err.unsupported]
    assert names == [
        "shrink (Hardshrink)", "swish (Hardswish)", "step (Threshold)",
        "hardswish() [function, fx node hardswish]", "clamp() [function, fx node clamp]",
        ".max() [tensor method, fx node max_1]", "rrelu() [function, fx node rrelu]",
        "min() [function, fx node min_1]", "clamp() [function, fx node clamp_1]",
    ]
    message = str(err)
    assert message.startswith("the model has 9 operation(s)")
    for reason in (
            "(Hardshrink): is discontinuous at -lambd and lambd",
            "(Hardswish): is x * relu6(x + 3) / 6, piecewise quadratic",
            "(Threshold): is discontinuous at 0.1 because the value 0.0 differs",
            "clamp]: clamps to an input-dependent bound (write torch.maximum(x, lo)",
            "max_1]: takes the maximum over a dimension, a reduction",
            "rrelu]: draws random slopes with training=True",
            "min_1]: takes the minimum over all entries",
            "clamp_1]: clamps with neither min nor max"):
        assert reason in message


# -- batch norm, convolutions, pooling ------------------------------------------------------

def test_batch_norm_1d_folded_after_linear_without_bias():
    torch.manual_seed(6)
    model = nn.Sequential(nn.Linear(2, 4, bias=False), nn.BatchNorm1d(4), nn.ReLU(),
                          nn.Linear(4, 2, bias=False), nn.BatchNorm1d(2, affine=False))
    model = randomize_batch_norm(model.double()).eval()
    net = plr.from_torch(model)
    # The shift -mean * scale + beta is kept although the Linear has no bias.
    assert np.any(net.hidden[0].bias != 0) and np.any(net.output.bias != 0)
    assert_same(net, model, random_inputs(2), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


def test_batch_norm_2d_after_conv_without_bias():
    torch.manual_seed(7)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1, bias=False), nn.BatchNorm2d(3),
                          nn.ReLU(), nn.Flatten(), nn.Linear(27, 2))
    model = randomize_batch_norm(model.double()).eval()
    net = plr.from_torch(model, input_shape=(2, 3, 3))
    assert_same(net, model, random_inputs(18), rtol=1e-9, input_shape=(2, 3, 3))


def test_batch_norm_without_running_stats_is_refused():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3, track_running_stats=False)).eval()
    with pytest.raises(UnsupportedLayerError, match=r"1 \(BatchNorm1d\): has "
                       r"track_running_stats=False"):
        plr.from_torch(model)


CONV2D_CASES = [
    dict(in_channels=2, out_channels=3, kernel_size=3),
    dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, padding=1),
    dict(in_channels=2, out_channels=3, kernel_size=2, dilation=2, padding=(1, 2)),
    dict(in_channels=4, out_channels=6, kernel_size=3, groups=2, stride=(1, 2), bias=False),
    dict(in_channels=3, out_channels=3, kernel_size=3, groups=3, padding="same"),
    dict(in_channels=2, out_channels=2, kernel_size=(2, 3), stride=2, dilation=(1, 2),
         padding=1),
    dict(in_channels=2, out_channels=2, kernel_size=3, padding=1, padding_mode="reflect"),
]


@pytest.mark.parametrize("kwargs", CONV2D_CASES)
def test_conv2d_dense_matrix_is_exact(kwargs):
    torch.manual_seed(8)
    conv = nn.Conv2d(**kwargs).double()
    shape = (kwargs["in_channels"], 6, 7)
    model = nn.Sequential(conv, nn.ReLU(), nn.Flatten()).double()
    net = plr.from_torch(model, input_shape=shape)
    assert net.input_shape == shape
    d = int(np.prod(shape))
    # The first layer is the convolution's dense matrix: check it column by column.
    basis = torch.eye(d, dtype=torch.float64).reshape(d, *shape)
    with torch.no_grad():
        dense = (conv(basis) - conv(torch.zeros(1, *shape, dtype=torch.float64)))
    np.testing.assert_allclose(net.hidden[0].weight, dense.reshape(d, -1).numpy().T,
                               rtol=1e-12, atol=1e-12)
    assert_same(net, model, random_inputs(d), rtol=1e-9, input_shape=shape)


@pytest.mark.parametrize("kwargs", [
    dict(in_channels=2, out_channels=3, kernel_size=3),
    dict(in_channels=2, out_channels=4, kernel_size=3, stride=2, padding=2, dilation=2),
    dict(in_channels=4, out_channels=2, kernel_size=2, groups=2, bias=False),
])
def test_conv1d(kwargs):
    torch.manual_seed(9)
    shape = (kwargs["in_channels"], 9)
    model = nn.Sequential(nn.Conv1d(**kwargs), nn.LeakyReLU(0.2), nn.Flatten()).double()
    net = plr.from_torch(model, input_shape=shape)
    assert_same(net, model, random_inputs(int(np.prod(shape))), rtol=1e-9, input_shape=shape)


@pytest.mark.parametrize("pool", [
    nn.AvgPool2d(2), nn.AvgPool2d(3, stride=2, padding=1),
    nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False, ceil_mode=True),
    nn.AvgPool1d(3, stride=2), nn.AdaptiveAvgPool2d((2, 3)),
])
def test_average_pooling(pool):
    torch.manual_seed(10)
    one_d = isinstance(pool, nn.AvgPool1d)
    shape = (2, 7) if one_d else (2, 5, 6)
    conv = nn.Conv1d(2, 2, 1) if one_d else nn.Conv2d(2, 2, 1)
    model = nn.Sequential(conv, nn.ReLU(), pool, nn.Flatten()).double()
    net = plr.from_torch(model, input_shape=shape)
    assert_same(net, model, random_inputs(int(np.prod(shape))), rtol=1e-9, input_shape=shape)


def test_image_inputs_flatten_in_c_order():
    torch.manual_seed(11)
    model = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3),
                          nn.ReLU(), nn.Unflatten(1, (3, 1)), nn.Flatten(), nn.Linear(3, 2))
    model = model.double()
    net = plr.from_torch(model, input_shape=(1, 3, 3))
    X = random_inputs(9).reshape(-1, 1, 3, 3)
    want = torch_out(model, X)
    np.testing.assert_allclose(net(X.reshape(len(X), -1)), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(net(X), want, rtol=1e-9, atol=1e-12)   # (n, 1, 3, 3) too


def test_conv_model_without_input_shape_asks_for_it():
    model = nn.Sequential(nn.Conv2d(1, 2, 2), nn.ReLU())
    with pytest.raises(InvalidNetworkError, match=r"pass input_shape, the shape of one "
                       r"sample without the batch axis"):
        plr.from_torch(model)


# -- graphs traced with torch.fx -------------------------------------------------------------

class Residual(nn.Module):
    """Functional relu, one ReLU module reused twice and two skip connections."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 3)
        self.fc2 = nn.Linear(3, 2)
        self.fc3 = nn.Linear(2, 2)
        self.act = nn.ReLU()

    def forward(self, x):
        h = self.act(self.fc1(x))
        h = self.act(self.fc2(h) + x)              # the same ReLU module, reused
        return self.fc3(F.relu(h) - 0.5 * x) + x


def test_residual_model_becomes_mixed_layers():
    torch.manual_seed(12)
    model = Residual().double().eval()
    net = plr.from_torch(model)
    assert [layer.kind for layer in net.hidden] == ["mixed", "mixed", "mixed"]
    # Layer 1: 3 ReLU units plus x carried by 2 pass-through units, and so on.
    assert net.widths == (5, 4, 4)
    assert net.n_neurons == 3 + 2 + 2
    np.testing.assert_array_equal(net.hidden[0].negative_slope, [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(net.hidden[0].is_neuron, [1, 1, 1, 0, 0])
    assert_same(net, model, random_inputs(2), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


class Branches(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(2, 3)
        self.b = nn.Linear(2, 2)
        self.head = nn.Linear(5, 1)

    def forward(self, x):
        left = torch.relu(self.a(x))
        right = F.leaky_relu(self.b(x), negative_slope=0.25)
        return self.head(torch.cat([left, right], dim=1))


def test_parallel_branches_share_one_layer():
    torch.manual_seed(13)
    model = Branches().double().eval()
    net = plr.from_torch(model)
    assert net.architecture == "2-5-1"
    assert net.hidden[0].kind == "mixed"
    np.testing.assert_array_equal(net.hidden[0].negative_slope, [0, 0, 0, 0.25, 0.25])
    assert_same(net, model, random_inputs(2), rtol=1e-9)
    assert_same_on_regions(net, model, rtol=1e-9)


class Reshapes(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 2)
        self.fc = nn.Linear(8, 2)
        self.scale = nn.Parameter(torch.tensor([2.0, -1.0]))

    def forward(self, x):
        h = self.conv(x).relu()
        h = h.view(x.size(0), -1)
        h = torch.flatten(h.reshape(-1, 2, 4).permute(0, 2, 1), 1)
        h = h.permute(0, 1)[:, :8]
        return (self.fc(h) * self.scale / 4 - 1).mean(dim=1, keepdim=True) + x[:, 0, 0, :1]


def test_views_slices_and_arithmetic():
    torch.manual_seed(14)
    model = Reshapes().double().eval()
    net = plr.from_torch(model, input_shape=(1, 3, 3))
    assert net.n_out == 1
    assert_same(net, model, random_inputs(9), rtol=1e-9, input_shape=(1, 3, 3))


class ShapeArithmetic(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        n, features = x.shape
        half = x.size(1) // 2
        slope = torch.tensor([0.5], dtype=x.dtype, device=x.device)
        h = F.prelu(self.fc(x), slope).reshape(n, half, features // half)
        return h.sum(dim=-1) * x.dim()


def test_values_computed_from_shapes():
    model = ShapeArithmetic().double().eval()
    net = plr.from_torch(model)
    assert net.architecture == "4-4-2"
    assert_same(net, model, random_inputs(4), rtol=1e-9)


class InPlace(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 3)
        self.out = nn.Linear(3, 1)

    def forward(self, x):
        y = self.fc(x)
        z = F.relu(y, inplace=True)        # y itself is now relu(y)
        return self.out(y + z)


def test_in_place_relu_changes_later_readers():
    torch.manual_seed(15)
    model = InPlace().double().eval()
    net = plr.from_torch(model)
    assert net.architecture == "2-3-1"
    assert_same(net, model, random_inputs(2), rtol=1e-9)


# -- refusals -------------------------------------------------------------------------------

class NotPiecewiseLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.block = nn.Sequential(nn.GELU(), nn.SiLU(), nn.Tanh())
        self.pool = nn.MaxPool1d(2)
        self.head = nn.Sequential(nn.Linear(2, 2), nn.Sigmoid(), nn.Softmax(dim=1))

    def forward(self, x):
        h = self.block(self.fc(x))
        h = F.gelu(h) + torch.relu(h)
        return self.head(self.pool(h.unsqueeze(1)).squeeze(1))


def test_unsupported_layers_are_all_listed_with_their_names():
    model = NotPiecewiseLinear().eval()
    with pytest.raises(UnsupportedLayerError) as info:
        plr.from_torch(model)
    err = info.value
    assert err.unsupported == [
        "block.0 (GELU)", "block.1 (SiLU)", "block.2 (Tanh)",
        "forward: gelu() [function, fx node gelu]",
        "pool (MaxPool1d)", "head.1 (Sigmoid)", "head.2 (Softmax)",
    ]
    message = str(err)
    assert message.startswith("the model has 7 operation(s) that are not piecewise linear")
    assert "read the outputs as logits" in message and "max pooling" in message
    assert isinstance(err, NotImplementedError)


def test_unsupported_function_inside_a_submodule_names_the_submodule():
    class Inner(nn.Module):
        def forward(self, x):
            return torch.tanh(x)

    class Outer(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)
            self.inner = Inner()

        def forward(self, x):
            return self.inner(self.fc(x))

    with pytest.raises(UnsupportedLayerError, match=re.escape(
            "inner.forward: tanh() [function, fx node tanh]")):
        plr.from_torch(Outer().eval())


def test_training_mode_is_refused_with_the_fix():
    model = nn.Sequential(nn.Linear(2, 3), nn.Dropout(0.5), nn.ReLU(), nn.BatchNorm1d(3))
    with pytest.raises(InvalidNetworkError, match=r"training mode.*1 \(Dropout\), "
                       r"3 \(BatchNorm1d\); call model.eval\(\) before"):
        plr.from_torch(model)
    plr.from_torch(model.eval())


def test_training_mode_of_a_plain_linear_relu_stack_is_harmless():
    torch.manual_seed(16)
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)).double()
    assert model.training
    assert_same(plr.from_torch(model), model, random_inputs(2), rtol=1e-9)


def test_custom_module_in_training_mode_is_refused():
    with pytest.raises(InvalidNetworkError, match=r"<root> \(Residual\).*call model.eval\(\)"):
        plr.from_torch(Residual())


def test_functional_dropout_in_training_is_refused():
    class Drop(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return F.dropout(self.fc(x), 0.2) + F.dropout(x, 0.3, training=self.training)

    with pytest.raises(UnsupportedLayerError, match=r"dropout\(\) \[function, fx node "
                       r"dropout\]: applies dropout with training=True") as info:
        plr.from_torch(Drop().eval())
    assert len(info.value.unsupported) == 1       # the second one follows self.training


def test_untraceable_model_is_refused():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) if x.sum() > 0 else -x

    with pytest.raises(UnsupportedLayerError, match=r"could not be traced with torch.fx"):
        plr.from_torch(Branchy().eval())


def test_product_of_two_input_dependent_tensors_is_refused():
    class Square(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) * x

    with pytest.raises(UnsupportedLayerError, match=r"multiplies two input-dependent"):
        plr.from_torch(Square().eval())


def test_bad_arguments():
    with pytest.raises(InvalidNetworkError, match=r"expects a torch.nn.Module, got dict"):
        plr.from_torch({"0.weight": torch.zeros(2, 2)})

    class TwoInputs(nn.Module):
        def forward(self, x, y):
            return x + y

    with pytest.raises(InvalidNetworkError, match=r"takes 2 inputs \(x, y\)"):
        plr.from_torch(TwoInputs().eval(), input_shape=(2,))

    class Pair(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x), x

    with pytest.raises(InvalidNetworkError, match=r"returns a tuple, list or dict"):
        plr.from_torch(Pair().eval())


def test_single_leaf_module_is_imported():
    torch.manual_seed(17)
    lin = nn.Linear(3, 2).double()
    net = plr.from_torch(lin)
    assert net.architecture == "3-2"
    assert_same(net, lin, random_inputs(3), rtol=1e-9)


def test_missing_torch_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'plregions\[torch\]'"):
        plr.from_torch(object())


# -- files ----------------------------------------------------------------------------------

def test_load_network_pt_files(tmp_path):
    torch.manual_seed(18)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double().eval()
    X = random_inputs(2)

    state = tmp_path / "weights.pt"
    torch.save(model.state_dict(), state)
    fresh = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1)).double()
    assert_same(plr.load_network(state, module=fresh), model, X, rtol=1e-9)
    with pytest.raises(InvalidNetworkError, match=r"pass module=<an instance of the model "
                       r"class>.*trusted=True"):
        plr.load_network(state)
    with pytest.raises(InvalidNetworkError, match=r"the state_dict does not fit the module"):
        plr.load_network(state, module=nn.Sequential(nn.Linear(3, 4)))

    whole = tmp_path / "model.pth"
    torch.save(model, whole)
    with pytest.raises(InvalidNetworkError, match=r"unpickling a module can run arbitrary"):
        plr.load_network(whole)
    assert_same(plr.load_network(whole, trusted=True), model, X, rtol=1e-9)
    with pytest.raises(InvalidNetworkError, match=r"cannot be read with weights_only=True"):
        plr.load_network(whole, module=fresh)

    scripted = tmp_path / "scripted.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)     # torch.jit is deprecated
        torch.jit.save(torch.jit.script(model), scripted)
    with pytest.raises(InvalidNetworkError, match=r"TorchScript archive"):
        plr.load_network(scripted)
