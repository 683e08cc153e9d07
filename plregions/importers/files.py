"""Load a network from a file by its suffix: :func:`load_network`."""

from __future__ import annotations

import os
import pathlib
import pickle
import warnings
import zipfile
from collections.abc import Sequence

from plregions.errors import InvalidNetworkError, missing_dependency
from plregions.network import Network, load_npz

__all__ = ["load_network"]

_SUFFIXES = (".npz", ".onnx", ".pt", ".pth")


def _is_torchscript(path: pathlib.Path) -> bool:
    """TorchScript archives (``torch.jit.save``) hold compiled code, not an eager module."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return any(name.split("/", 1)[-1].startswith(("code/", "constants.pkl"))
                   for name in archive.namelist())


TRUSTED_HINT = "pass trusted=True"
"""How the error messages of :func:`load_network` say to allow unpickling (the command
line rewrites it as its own option, ``--trusted``: keep the wording in step)."""

MODULE_HINT = "pass module=<an instance of the model class>"
"""How the error messages of :func:`load_network` say to load a state_dict."""

_SAVE_HINT = ("save a whole model with torch.save(model, path), or its weights with "
              "torch.save(model.state_dict(), path)")


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    line = text[0] if text else ""
    return f"{type(err).__name__}: {line[:120]}" if line else type(err).__name__


def _not_torch(path, err: BaseException) -> InvalidNetworkError:
    """The error for a file torch.load cannot read at all."""
    return InvalidNetworkError(
        f"{path}: not a PyTorch model or state_dict that torch.load can read "
        f"({_first_line(err)}); {_SAVE_HINT}"
    )


def _load_torch(path: pathlib.Path, module, trusted: bool, input_shape) -> Network:
    try:
        import torch
    except ImportError:
        raise missing_dependency("torch", "torch", f"loading {path.name}") from None
    from plregions.importers.torch_models import from_torch

    if _is_torchscript(path):
        raise InvalidNetworkError(
            f"{path}: is a TorchScript archive (torch.jit.save), which torch.fx cannot trace; "
            "pass the eager module to plregions.from_torch, or export it to ONNX and load "
            "the .onnx file"
        )
    if module is not None:
        try:
            with warnings.catch_warnings():
                # Said of plain pickles, which are refused below with their own message.
                warnings.filterwarnings("ignore", message="Detected pickle protocol")
                state = torch.load(path, map_location="cpu", weights_only=True)
        except pickle.UnpicklingError as err:
            if "weights only load failed" not in str(err).lower():
                raise _not_torch(path, err) from None
            raise InvalidNetworkError(
                f"{path}: module= was given, so a state_dict was expected, but the file "
                "cannot be read with weights_only=True (it holds more than weights); if it "
                f"holds a whole pickled module you trust, {TRUSTED_HINT} instead of module="
            ) from None
        except Exception as err:  # torch and zipfile raise several kinds on other files
            raise _not_torch(path, err) from None
        if not isinstance(state, dict):
            raise InvalidNetworkError(
                f"{path}: module= was given, so a state_dict was expected, but the file "
                f"holds a {type(state).__name__}"
            )
        try:
            module.load_state_dict(state)
        except RuntimeError as err:
            raise InvalidNetworkError(
                f"{path}: the state_dict does not fit the module given as module= "
                f"({type(module).__name__}): {err}"
            ) from None
        module.eval()
        return from_torch(module, input_shape=input_shape)
    if not trusted:
        raise InvalidNetworkError(
            f"{path}: a .pt/.pth file is either a state_dict (weights only, no architecture) "
            "or a whole pickled module, and unpickling a module can run arbitrary code. "
            f"Either {MODULE_HINT} to load a state_dict into it, or, only for a file you "
            f"trust, {TRUSTED_HINT} to unpickle a module saved with torch.save(model, path)"
        )
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except (AttributeError, ImportError) as err:
        raise InvalidNetworkError(
            f"{path}: holds a pickled module whose class cannot be imported here "
            f"({_first_line(err)}); run where the model's code is importable, or save its "
            f"state_dict and {MODULE_HINT}"
        ) from None
    except Exception as err:  # unpickling raises anything on a file that is not torch's
        raise _not_torch(path, err) from None
    if not isinstance(obj, torch.nn.Module):
        what = ("a state_dict (weights only, no architecture)" if isinstance(obj, dict) else
                f"an object of type {type(obj).__name__}")
        raise InvalidNetworkError(
            f"{path}: holds {what}, not a torch.nn.Module; for a state_dict {MODULE_HINT}"
        )
    obj.eval()
    return from_torch(obj, input_shape=input_shape)


def load_network(path: str | os.PathLike, *, input_shape: Sequence[int] | None = None,
                 module=None, trusted: bool = False) -> Network:
    """Load a network from a file, choosing the reader by the file's suffix.

    ``.npz``
        A network saved by :func:`plregions.save_network`, or arrays ``W0, b0, W1, b1, ...``
        (ReLU after every layer but the last). Read without pickle; arrays it would not
        use (a gap in the numbering, an unknown activation kind) are refused, not dropped.
    ``.onnx``
        Read with :func:`plregions.from_onnx` (``pip install 'plregions[onnx]'``).
    ``.pt``, ``.pth``
        PyTorch files (``pip install 'plregions[torch]'``). A state_dict carries no
        architecture: pass ``module=``, an instance of the model class, and the weights are
        loaded into it with ``torch.load(weights_only=True)`` (safe), put in eval mode and
        imported with :func:`plregions.from_torch`. A whole module saved with
        ``torch.save(model, path)`` is unpickled only with ``trusted=True``, because
        unpickling can run arbitrary code. TorchScript archives are refused.

    Parameters
    ----------
    path : str or path-like
    input_shape : sequence of int, optional
        Shape of one input sample, passed to the torch and ONNX importers (refused for a
        ``.npz`` file, which stores its own).
    module : torch.nn.Module, optional
        For a ``.pt``/``.pth`` state_dict: the model to load the weights into (refused
        for other file types, which hold their architecture).
    trusted : bool, default False
        For a ``.pt``/``.pth`` file holding a pickled module: allow unpickling it.

    Returns
    -------
    Network

    Examples
    --------
    >>> import os, tempfile
    >>> import plregions as plr
    >>> net = plr.from_arrays([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])
    >>> path = os.path.join(tempfile.mkdtemp(), "abs.npz")
    >>> plr.save_network(net, path)
    >>> plr.load_network(path)([[-3.0]]).tolist()
    [[3.0]]
    """
    path = pathlib.Path(os.fspath(path))
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InvalidNetworkError(
            f"{path}: unknown file type {suffix or '(no suffix)'!r}; load_network reads "
            f"{', '.join(_SUFFIXES)} files; for an in-memory model use plregions.from_torch, "
            "from_onnx or from_sklearn"
        )
    if not path.is_file():
        raise InvalidNetworkError(f"{path}: no such file")
    if module is not None and suffix not in (".pt", ".pth"):
        raise InvalidNetworkError(
            f"{path}: module= is for PyTorch state_dicts (.pt, .pth); a {suffix} file holds "
            "its own architecture: drop module="
        )
    if suffix == ".npz":
        if input_shape is not None:
            raise InvalidNetworkError(
                f"{path}: input_shape= is for .onnx, .pt and .pth files; a .npz network "
                "stores its own input shape (plregions.save_network keeps it): drop "
                "input_shape="
            )
        return load_npz(path)
    if suffix == ".onnx":
        from plregions.importers.onnx_graphs import from_onnx

        return from_onnx(path, input_shape=input_shape)
    return _load_torch(path, module, trusted, input_shape)
