"""Bundled data: Fisher's Iris measurements and a ReLU network trained on them.

Both files live in ``plregions/data`` (see the README there for their source and
format) and are read with :mod:`importlib.resources`, so they work from an installed
wheel as well as from a source checkout.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import NamedTuple

import numpy as np

from plregions.network import Network, load_npz

__all__ = ["IrisData", "IRIS_FEATURES", "load_iris", "default_network"]

IRIS_FEATURES = ("sepal length (cm)", "sepal width (cm)", "petal length (cm)",
                 "petal width (cm)")
"""Names of the four Iris measurements, in column order."""



def _data_file(name: str):
    # plregions/data is plain package data (no __init__.py), reached from the package.
    return resources.files("plregions") / "data" / name


class IrisData(NamedTuple):
    """Fisher's Iris data set.

    Attributes
    ----------
    X : ndarray of shape (150, 4)
        Sepal length, sepal width, petal length and petal width in cm
        (see ``IRIS_FEATURES``).
    y : ndarray of int, shape (150,)
        Species index of each flower: 0, 1 or 2.
    species : tuple of str
        ``species[k]`` names species ``k``.
    """

    X: np.ndarray
    y: np.ndarray
    species: tuple[str, ...]


def load_iris() -> IrisData:
    """Fisher's Iris measurements: 150 flowers, 4 measurements, 3 species.

    Read from the copy bundled with plregions (as shipped by scikit-learn; Fisher 1936).
    Unpacks as ``X, y, species = load_iris()``.

    Returns
    -------
    IrisData
        ``X`` of shape (150, 4) in cm, ``y`` of shape (150,) with values 0, 1, 2, and the
        three species names.

    Examples
    --------
    >>> from plregions.datasets import load_iris
    >>> X, y, species = load_iris()
    >>> X.shape, y.shape, species
    ((150, 4), (150,), ('setosa', 'versicolor', 'virginica'))
    >>> X[0].tolist(), int(y[0])
    ([5.1, 3.5, 1.4, 0.2], 0)
    """
    text = _data_file("iris.csv").read_text(encoding="ascii")
    rows = list(csv.reader(io.StringIO(text)))
    n_samples, n_features = int(rows[0][0]), int(rows[0][1])
    species = tuple(rows[0][2:])
    body = rows[1:1 + n_samples]
    X = np.array([[float(v) for v in row[:n_features]] for row in body])
    y = np.array([int(row[n_features]) for row in body], dtype=np.int64)
    return IrisData(X, y, species)


def default_network() -> Network:
    """The bundled ReLU network trained on the Iris data.

    A 4-8-8-3 multilayer perceptron (two hidden ReLU layers of 8 units) trained by
    ``benchmarks/train_iris.py`` on all 150 flowers. It takes the raw measurements in cm
    (the input standardisation is folded into its first layer) and outputs one logit per
    species.

    Returns
    -------
    Network

    Examples
    --------
    >>> from plregions.datasets import default_network, load_iris
    >>> net = default_network()
    >>> net.architecture, net.n_neurons
    ('4-8-8-3', 16)
    >>> X, y, _ = load_iris()
    >>> bool((net(X).argmax(axis=1) == y).mean() >= 0.95)
    True
    """
    with resources.as_file(_data_file("iris_mlp.npz")) as path:
        return load_npz(path)
