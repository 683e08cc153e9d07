"""Importers: networks from PyTorch, ONNX, scikit-learn and files, as the same function.

Each importer walks the model's graph, composes affine operations exactly and lays the
piecewise-linear activations out as hidden layers (see :mod:`plregions.importers.program`).
torch, onnx and scikit-learn are imported inside the functions that need them, so
``import plregions`` stays light.
"""

from plregions.importers.files import load_network
from plregions.importers.onnx_graphs import from_onnx
from plregions.importers.sklearn_mlps import from_sklearn
from plregions.importers.torch_models import from_torch

__all__ = ["from_torch", "from_onnx", "from_sklearn", "load_network"]
