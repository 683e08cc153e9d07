"""Layers and activations of a piecewise-linear network (DESIGN.md section 1).

A hidden unit computes ``act(z) = z`` for ``z > 0`` and ``alpha * z`` otherwise, with a
per-unit negative slope ``alpha``: ReLU has ``alpha = 0``, LeakyReLU and PReLU have their
slopes (any real value, including ``alpha > 1``), and an identity pass-through unit has
``alpha = 1``: it has no breakpoint and is not a neuron.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from plregions.errors import InvalidNetworkError

__all__ = ["Activation", "HiddenLayer", "OutputLayer", "ACTIVATION_KINDS"]

ACTIVATION_KINDS = ("relu", "leaky_relu", "prelu", "identity", "mixed")


@dataclass(frozen=True)
class Activation:
    """A piecewise-linear activation with its breakpoint at 0.

    Parameters
    ----------
    kind : {"relu", "leaky_relu", "prelu", "identity"}
        The activation family.
    negative_slope : float or ndarray of shape (n_units,)
        Slope for ``z <= 0``: 0 for ReLU, one value for LeakyReLU, one per unit for PReLU,
        1 for identity. A PReLU unit with slope 1 is a pass-through unit.
    """

    kind: str
    negative_slope: float | np.ndarray = 0.0

    @classmethod
    def parse(cls, spec: object, layer: int) -> Activation:
        """Turn ``"relu"``, ``"identity"``, ``("leaky_relu", a)``, ``("prelu", [..])``
        or an :class:`Activation` into an :class:`Activation`."""
        if isinstance(spec, Activation):
            return spec
        if isinstance(spec, str):
            name = spec.lower().replace("-", "_")
            if name == "relu":
                return cls("relu", 0.0)
            if name in ("identity", "linear", "none"):
                return cls("identity", 1.0)
            if name in ("leaky_relu", "leakyrelu"):
                raise InvalidNetworkError(
                    f"hidden layer {layer}: activation 'leaky_relu' needs its slope; "
                    "pass ('leaky_relu', alpha), e.g. ('leaky_relu', 0.01)"
                )
            if name == "prelu":
                raise InvalidNetworkError(
                    f"hidden layer {layer}: activation 'prelu' needs its slopes; "
                    "pass ('prelu', alphas) with one slope per unit"
                )
        elif isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[0], str):
            name = spec[0].lower().replace("-", "_")
            if name in ("leaky_relu", "leakyrelu"):
                try:
                    slope = np.asarray(spec[1], dtype=float)
                except (TypeError, ValueError):
                    raise InvalidNetworkError(
                        f"hidden layer {layer}: leaky_relu slope {spec[1]!r} is not a number"
                    ) from None
                if slope.ndim != 0:
                    raise InvalidNetworkError(
                        f"hidden layer {layer}: leaky_relu takes one slope, got shape "
                        f"{slope.shape}; use ('prelu', alphas) for one slope per unit"
                    )
                return cls("leaky_relu", float(slope))
            if name == "prelu":
                try:
                    slopes = np.asarray(spec[1], dtype=float)
                except (TypeError, ValueError):
                    raise InvalidNetworkError(
                        f"hidden layer {layer}: prelu slopes {spec[1]!r} are not numbers"
                    ) from None
                if slopes.ndim > 1:
                    raise InvalidNetworkError(
                        f"hidden layer {layer}: prelu slopes have shape {slopes.shape}; give "
                        "one slope per unit (a 1-D array) or a single shared slope"
                    )
                return cls("prelu", slopes)
        raise InvalidNetworkError(
            f"hidden layer {layer}: unknown activation {spec!r}; expected one of "
            "'relu', 'identity', ('leaky_relu', alpha), ('prelu', alphas)"
        )


@dataclass(frozen=True, eq=False)
class HiddenLayer:
    """An affine map followed by a piecewise-linear activation.

    Attributes
    ----------
    weight : ndarray of shape (n_out, n_in)
    bias : ndarray of shape (n_out,)
    negative_slope : ndarray of shape (n_out,)
        Per-unit slope for ``z <= 0``; a unit with slope exactly 1 is a pass-through unit.
    kind : str
        The activation family the layer was built with (for reports).
    """

    weight: np.ndarray
    bias: np.ndarray
    negative_slope: np.ndarray
    kind: str = "relu"
    is_neuron: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "is_neuron", self.negative_slope != 1.0)

    @property
    def n_in(self) -> int:
        return self.weight.shape[1]

    @property
    def n_out(self) -> int:
        return self.weight.shape[0]

    @property
    def n_neurons(self) -> int:
        """Units with a breakpoint (pass-through units excluded)."""
        return int(self.is_neuron.sum())

    def slopes(self, active) -> np.ndarray:
        """The slope of every unit given which of the layer's neurons are active.

        Parameters
        ----------
        active : array_like of bool, shape (..., n_neurons)
            One bit per neuron (pass-through units excluded), for one region or many.

        Returns
        -------
        ndarray of shape (..., n_out)
            1 for active neurons and pass-through units, the negative slope otherwise.
        """
        active = np.asarray(active, dtype=bool)
        slope = np.broadcast_to(self.negative_slope, (*active.shape[:-1], self.n_out)).copy()
        units = np.flatnonzero(self.is_neuron)
        slope[..., units] = np.where(active, 1.0, self.negative_slope[units])
        return slope


@dataclass(frozen=True, eq=False)
class OutputLayer:
    """The final affine map ``y = W h + b`` (no activation)."""

    weight: np.ndarray
    bias: np.ndarray

    @property
    def n_in(self) -> int:
        return self.weight.shape[1]

    @property
    def n_out(self) -> int:
        return self.weight.shape[0]
