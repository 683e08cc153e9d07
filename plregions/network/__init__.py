"""Networks: layers, construction from arrays, evaluation, local affine maps, storage."""

from plregions.network.layers import Activation, HiddenLayer, OutputLayer
from plregions.network.network import LocalMaps, Network, from_arrays
from plregions.network.storage import load_npz, save_network

__all__ = ["Activation", "HiddenLayer", "OutputLayer", "LocalMaps", "Network", "from_arrays",
           "load_npz", "save_network"]
