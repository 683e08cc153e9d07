"""Import a fitted scikit-learn MLP as a :class:`~plregions.network.Network`:
:func:`from_sklearn`."""

from __future__ import annotations

import numpy as np

from plregions.errors import InvalidNetworkError, UnsupportedLayerError, missing_dependency
from plregions.network import Network, from_arrays

__all__ = ["from_sklearn"]

_SUPPORTED_ACTIVATIONS = ("relu", "identity")


def from_sklearn(estimator) -> Network:
    """Import a fitted ``MLPClassifier`` or ``MLPRegressor`` as the same function.

    scikit-learn stores each weight matrix as ``coefs_[l]`` of shape (n_in, n_out); the
    network holds their transposes (the (n_out, n_in) convention). Hidden layers must use
    ``activation="relu"`` or ``"identity"``; identity hidden layers are affine, so they are
    composed with the layer after them and do not appear in the network.

    For an ``MLPClassifier`` the network's output is the vector of *logits*, the values
    before the output activation: ``predict_proba`` is ``softmax(net(X))`` for several
    classes and ``[1 - s, s]`` with ``s = 1 / (1 + exp(-net(X)))`` for two classes (one
    logit). The regions are those of the logits; the softmax or logistic function is
    monotone and does not create regions. For an ``MLPRegressor`` ``net(X)`` equals
    ``predict(X)`` (as a column for one target).

    Parameters
    ----------
    estimator : sklearn.neural_network.MLPClassifier or MLPRegressor
        A fitted estimator.

    Returns
    -------
    Network

    Raises
    ------
    UnsupportedLayerError
        For a hidden activation other than relu or identity (``tanh``, ``logistic``).
    InvalidNetworkError
        For another kind of estimator or an unfitted one.
    MissingDependencyError
        If scikit-learn is not installed (``pip install 'plregions[sklearn]'``).

    Examples
    --------
    >>> import pytest; _ = pytest.importorskip("sklearn")
    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor
    >>> import plregions as plr
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2)); y = np.abs(X[:, 0]) - X[:, 1]
    >>> mlp = MLPRegressor(hidden_layer_sizes=(6,), max_iter=50, random_state=0)
    >>> mlp = mlp.set_params(solver="lbfgs").fit(X, y)
    >>> net = plr.from_sklearn(mlp)
    >>> net.architecture
    '2-6-1'
    >>> bool(np.allclose(net(X)[:, 0], mlp.predict(X), rtol=1e-12, atol=1e-12))
    True
    """
    try:
        from sklearn.exceptions import NotFittedError
        from sklearn.neural_network import MLPClassifier, MLPRegressor
        from sklearn.utils.validation import check_is_fitted
    except ImportError:
        raise missing_dependency("scikit-learn", "sklearn", "plregions.from_sklearn") from None
    if not isinstance(estimator, (MLPClassifier, MLPRegressor)):
        raise InvalidNetworkError(
            f"from_sklearn expects a fitted sklearn.neural_network.MLPClassifier or "
            f"MLPRegressor, got {type(estimator).__name__}"
        )
    name = type(estimator).__name__
    try:
        check_is_fitted(estimator, "coefs_")
    except NotFittedError:
        raise InvalidNetworkError(
            f"this {name} is not fitted yet (it has no coefs_); call .fit(X, y) first"
        ) from None
    activation = estimator.activation
    if activation not in _SUPPORTED_ACTIVATIONS:
        raise UnsupportedLayerError(
            f"{name} has activation={activation!r} in its hidden layers, which is not "
            f"piecewise linear; refit it with activation='relu' (or 'identity')",
            [f"{name}.activation={activation!r}"],
        )
    weights = [np.asarray(W, dtype=np.float64).T for W in estimator.coefs_]
    biases = [np.asarray(b, dtype=np.float64) for b in estimator.intercepts_]
    if activation == "identity":
        W, b = weights[0], biases[0]
        for W_next, b_next in zip(weights[1:], biases[1:]):
            W, b = W_next @ W, W_next @ b + b_next
        weights, biases = [W], [b]
    return from_arrays(weights, biases, ["relu"] * (len(weights) - 1))
