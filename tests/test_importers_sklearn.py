"""from_sklearn: the imported network computes the MLP's logits exactly."""

import sys
import warnings

import numpy as np
import pytest

import plregions as plr
from plregions.errors import InvalidNetworkError, MissingDependencyError, UnsupportedLayerError

pytest.importorskip("sklearn")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402


def fit(estimator, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)   # a few iterations suffice here
        return estimator.fit(X, y)


def data(seed=0, n=60, d=2):
    X = np.random.default_rng(seed).normal(size=(n, d))
    return X


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def region_points(net):
    part = plr.partition(net, plr.Box(-2 * np.ones(net.n_in), 2 * np.ones(net.n_in)))
    assert len(part) >= 2
    return part.interior_points


def test_regressor_relu_multi_output_matches_predict():
    X = data(0)
    Y = np.column_stack([np.abs(X[:, 0]) - X[:, 1], X.sum(axis=1)])
    mlp = fit(MLPRegressor(hidden_layer_sizes=(5, 4), max_iter=30, random_state=0), X, Y)
    net = plr.from_sklearn(mlp)
    assert net.architecture == "2-5-4-2"
    np.testing.assert_array_equal(net.hidden[0].weight, mlp.coefs_[0].T)   # (in, out) -> (out, in)
    for points in (X, region_points(net)):
        np.testing.assert_allclose(net(points), mlp.predict(points), rtol=1e-9, atol=1e-12)


def test_regressor_single_output_is_a_column():
    X = data(1)
    mlp = fit(MLPRegressor(hidden_layer_sizes=(4,), max_iter=20, random_state=1), X, X[:, 0])
    net = plr.from_sklearn(mlp)
    assert net.n_out == 1
    np.testing.assert_allclose(net(X)[:, 0], mlp.predict(X), rtol=1e-9, atol=1e-12)


def test_multiclass_classifier_outputs_logits():
    X = data(2)
    y = np.digitize(X[:, 0] + X[:, 1], [-0.5, 0.5])                    # 3 classes
    clf = fit(MLPClassifier(hidden_layer_sizes=(6,), max_iter=40, random_state=2), X, y)
    net = plr.from_sklearn(clf)
    assert net.n_out == 3
    for points in (X, region_points(net)):
        np.testing.assert_allclose(softmax(net(points)), clf.predict_proba(points),
                                   rtol=1e-9, atol=1e-12)
        np.testing.assert_array_equal(clf.classes_[net(points).argmax(axis=1)],
                                      clf.predict(points))


def test_binary_classifier_has_one_logit():
    X = data(3)
    clf = fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=40, random_state=3), X,
              X[:, 0] > X[:, 1])
    net = plr.from_sklearn(clf)
    assert net.n_out == 1
    p = 1 / (1 + np.exp(-net(X)[:, 0]))
    np.testing.assert_allclose(p, clf.predict_proba(X)[:, 1], rtol=1e-9, atol=1e-12)


def test_identity_hidden_layers_compose_into_one_affine_map():
    X = data(4)
    mlp = fit(MLPRegressor(hidden_layer_sizes=(5, 3), activation="identity", max_iter=20,
                           random_state=4), X, X @ [1.0, -2.0])
    net = plr.from_sklearn(mlp)
    assert net.architecture == "2-1" and net.n_neurons == 0
    np.testing.assert_allclose(net(X)[:, 0], mlp.predict(X), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_smooth_activations_are_refused(activation):
    X = data(5)
    mlp = fit(MLPRegressor(hidden_layer_sizes=(3,), activation=activation, max_iter=5,
                           random_state=5), X, X[:, 0])
    with pytest.raises(UnsupportedLayerError, match=rf"MLPRegressor has "
                       rf"activation='{activation}' in its hidden layers, which is not "
                       r"piecewise linear; refit it with activation='relu'") as info:
        plr.from_sklearn(mlp)
    assert info.value.unsupported == [f"MLPRegressor.activation='{activation}'"]


def test_unfitted_and_foreign_estimators_are_refused():
    with pytest.raises(InvalidNetworkError, match=r"this MLPClassifier is not fitted yet "
                       r"\(it has no coefs_\); call .fit\(X, y\) first"):
        plr.from_sklearn(MLPClassifier())
    from sklearn.linear_model import LinearRegression

    with pytest.raises(InvalidNetworkError, match=r"expects a fitted sklearn.neural_network"
                       r".MLPClassifier or MLPRegressor, got LinearRegression"):
        plr.from_sklearn(LinearRegression())


def test_missing_sklearn_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn.neural_network", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'plregions\[sklearn\]'"):
        plr.from_sklearn(object())
