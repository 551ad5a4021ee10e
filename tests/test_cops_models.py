"""The COPS models of benchmarks/: the `.opt` files and the Python API build the same NLP.

At the smallest size each `.opt` file (benchmarks/cops/) and its Python-API twin
(benchmarks/cops_models.py) must compile to the same number of variables and
constraints, the same objective at the start point, and the same multiset of
constraint violations there (rows may be ordered and offset differently). The elec
file starts from a spiral instead of random points, so only its sizes are compared.
The CasADi builder (bench extra) must give the same objective and violations too.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

from symopt import dsl
from symopt.analysis import analyze
from symopt.compile.from_model import compile_model

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import cops_models  # noqa: E402

SMALL = {"chain": 8, "camshape": 12, "polygon": 6, "elec": 5, "steering": 8, "rocket": 8,
         "glider": 6}


def opt_text(name: str, size: int) -> str:
    text = (BENCHMARKS / "cops" / f"{name}.opt").read_text()
    return re.sub(r"^param (nh|n|nv) = \d+", lambda m: f"param {m.group(1)} = {size}", text,
                  count=1, flags=re.MULTILINE)


def violations(nlp, x: np.ndarray) -> np.ndarray:
    g = nlp.constraints.values(x)
    gap = np.maximum(nlp.row_lower - g, 0.0) + np.maximum(g - nlp.row_upper, 0.0)
    return np.sort(gap)


@pytest.mark.parametrize("name", sorted(cops_models.MODELS))
def test_opt_file_and_python_api_build_the_same_nlp(name, tmp_path):
    path = tmp_path / f"{name}.opt"
    path.write_text(opt_text(name, SMALL[name]))
    from_file = compile_model(analyze(dsl.load(path)))
    builder = cops_models.SymoptBuilder(name)
    from_api = compile_model(analyze(builder.build(cops_models.MODELS[name], SMALL[name])))
    assert from_file.num_cols == from_api.num_cols
    assert from_file.num_rows == from_api.num_rows
    if name == "elec":
        return
    np.testing.assert_allclose(from_file.fun(from_file.x0), from_api.fun(from_api.x0),
                               rtol=1e-12)
    np.testing.assert_allclose(violations(from_file, from_file.x0),
                               violations(from_api, from_api.x0), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", sorted(cops_models.MODELS))
def test_casadi_builder_matches_the_symopt_model(name):
    casadi = pytest.importorskip("casadi")
    size = SMALL[name]
    peer = cops_models.CasadiBuilder(name).build(cops_models.MODELS[name], size)
    ours = compile_model(analyze(
        cops_models.SymoptBuilder(name).build(cops_models.MODELS[name], size)))
    x0 = np.concatenate(peer.x0)
    np.testing.assert_allclose(x0, ours.x0)
    f = casadi.Function("f", [casadi.vertcat(*peer.x)], [peer.f, casadi.vertcat(*peer.g)])
    f_value, g_value = (np.asarray(v, float).ravel() for v in f(x0))
    sense = -1.0 if ours.sense == "max" else 1.0
    np.testing.assert_allclose(peer.sign * f_value[0], sense * ours.fun(x0), rtol=1e-12)
    lower, upper = np.concatenate(peer.lbg), np.concatenate(peer.ubg)
    gap = np.sort(np.maximum(lower - g_value, 0) + np.maximum(g_value - upper, 0))
    np.testing.assert_allclose(gap, violations(ours, x0), rtol=1e-10, atol=1e-12)
