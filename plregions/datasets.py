"""Bundled data: Fisher's Iris measurements, the 8x8 handwritten digits, and a ReLU
network trained on each.

The files live in ``plregions/data`` (see the README there for their sources and
format) and are read with :mod:`importlib.resources`, so they work from an installed
wheel as well as from a source checkout.
"""

from __future__ import annotations

import csv
import gzip
import io
from importlib import resources
from typing import NamedTuple

import numpy as np

from plregions.network import Network, load_npz

__all__ = ["IrisData", "IRIS_FEATURES", "load_iris", "default_network", "DigitsData",
           "load_digits", "digits_network"]

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


class DigitsData(NamedTuple):
    """The 8x8 handwritten digits (UCI optical recognition test set, as in scikit-learn).

    Attributes
    ----------
    X : ndarray of shape (1797, 64)
        Each image flattened in C order (row by row), pixel values 0..16 as floats.
    y : ndarray of int, shape (1797,)
        The digit shown, 0..9.
    images : ndarray of shape (1797, 8, 8)
        The same pixels as ``X``, as images.
    """

    X: np.ndarray
    y: np.ndarray
    images: np.ndarray


def load_digits() -> DigitsData:
    """The 1,797 handwritten digits of scikit-learn's ``load_digits``: 8x8 images, 10 classes.

    Read from the copy bundled with plregions (scikit-learn's ``digits.csv.gz``, unchanged;
    scikit-learn is not needed). Unpacks as ``X, y, images = load_digits()``.

    Returns
    -------
    DigitsData
        ``X`` of shape (1797, 64) with pixel values 0..16, ``y`` of shape (1797,) with
        values 0..9, and ``images`` of shape (1797, 8, 8).

    Examples
    --------
    >>> from plregions.datasets import load_digits
    >>> X, y, images = load_digits()
    >>> X.shape, y.shape, images.shape
    ((1797, 64), (1797,), (1797, 8, 8))
    >>> int(y[0]), images[0, 1].tolist()
    (0, [0.0, 0.0, 13.0, 15.0, 10.0, 15.0, 5.0, 0.0])
    >>> np.bincount(y).tolist()
    [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    """
    raw = gzip.decompress(_data_file("digits.csv.gz").read_bytes())
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.float64)
    X = np.ascontiguousarray(table[:, :64])
    y = table[:, 64].astype(np.int64)
    return DigitsData(X, y, X.reshape(-1, 8, 8))


def digits_network() -> Network:
    """The bundled ReLU network trained on the 8x8 digits.

    A 64-64-64-64-10 multilayer perceptron (three hidden ReLU layers of 64 units) trained
    by ``benchmarks/train_digits.py`` (scikit-learn's ``MLPClassifier``, seeded) on 75 % of
    :func:`load_digits`; it takes the raw pixels 0..16 of a flattened image and outputs
    one logit per digit.

    Returns
    -------
    Network

    Examples
    --------
    >>> from plregions.datasets import digits_network, load_digits
    >>> net = digits_network()
    >>> net.architecture, net.n_neurons
    ('64-64-64-64-10', 192)
    >>> X, y, _ = load_digits()
    >>> bool((net(X).argmax(axis=1) == y).mean() >= 0.95)
    True
    """
    with resources.as_file(_data_file("digits_mlp.npz")) as path:
        return load_npz(path)
