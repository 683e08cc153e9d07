"""The ground-truth cases (``tests/data/ground_truth.json``) as networks and domains."""

from __future__ import annotations

import json
import pathlib

import numpy as np

import plregions as plr

DATA = pathlib.Path(__file__).parent / "data" / "ground_truth.json"
CASES = json.loads(DATA.read_text())["cases"]


def case_network(case):
    return plr.from_arrays([np.array(layer["weight"], dtype=float) for layer in case["layers"]],
                           [np.array(layer["bias"], dtype=float) for layer in case["layers"]])


def case_domain(case):
    if case["domain"] is None:
        return None
    box = case["domain"]["box"]
    return plr.Box(box["lower"], box["upper"])
