"""Restriction of a network to an affine slice of its input space (precomposition)."""

from __future__ import annotations

import numpy as np

from plregions.errors import InvalidDomainError
from plregions.network.layers import HiddenLayer, OutputLayer
from plregions.network.network import Network

__all__ = ["restrict_network"]


def restrict_network(net: Network, M, c, *, rel_tol: float = 1e-9) -> Network:
    """The network ``p -> net(M @ p + c)``, with the same neurons in the same order.

    Only the first layer changes: ``W0 -> W0 @ M`` and ``b0 -> W0 @ c + b0``. The
    activation pattern of ``p`` in the restricted network is the pattern of ``M @ p + c``
    in ``net``, so regions of the restricted network are the slices of ``net``'s regions.

    Slopes of the new first layer that cancel to rounding noise (at most ``rel_tol``
    times the size of the terms summed to make them) are set to exactly zero, so that a
    neuron whose hyperplane is parallel to the slice becomes an exactly constant neuron
    of the restriction rather than a hyperplane far away; so is the constant of such a
    neuron when it cancels likewise (the slice lies in its hyperplane). The constants of
    neurons that cross the slice are kept as computed: there a cancellation is where the
    hyperplane crosses, and zeroing it would move the crossing (``relu(x - 10 - 1e-8)``
    along ``x`` from 10 to 11 crosses at ``1e-8``, not at 0).

    Parameters
    ----------
    net : Network
    M : array_like of shape (n_in, k)
    c : array_like of shape (n_in,)
    rel_tol : float
        Pass ``Tolerance.parallel``.

    Returns
    -------
    Network
        With ``k`` inputs.

    Examples
    --------
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0, -1.0]], [[1.0]]], [[0.0], [0.0]])
    >>> line = restrict_network(net, [[1.0], [1.0]], [0.0, 0.0])   # x = y = s
    >>> line.hidden[0].weight.tolist(), line.hidden[0].bias.tolist()
    ([[0.0]], [0.0])
    """
    M = np.asarray(M, dtype=float)
    c = np.asarray(c, dtype=float)
    if M.ndim != 2 or M.shape[0] != net.n_in or c.shape != (net.n_in,):
        raise InvalidDomainError(
            f"the slice lies in R^{M.shape[0] if M.ndim == 2 else '?'} but the network "
            f"takes {net.n_in} inputs; give slice points with one entry per network input"
        )
    first = net.hidden[0] if net.hidden else net.output
    W, b = first.weight, first.bias
    W2 = W @ M
    b2 = W @ c + b
    W2[np.abs(W2) <= rel_tol * (np.abs(W) @ np.abs(M))] = 0.0
    parallel = ~np.any(W2 != 0, axis=1)
    b2[parallel & (np.abs(b2) <= rel_tol * (np.abs(W) @ np.abs(c) + np.abs(b)))] = 0.0
    if net.hidden:
        layer = net.hidden[0]
        hidden = [HiddenLayer(W2, b2, layer.negative_slope, layer.kind), *net.hidden[1:]]
        return Network(hidden, net.output, input_shape=(M.shape[1],))
    return Network([], OutputLayer(W2, b2), input_shape=(M.shape[1],))
