"""NLP sensitivities to symbolic Params: dx*/dp, dλ*/dp and df*/dp by the implicit function theorem.

At a local optimum with an unchanging active set, the KKT conditions (stationarity of the
Lagrangian, the active rows and bounds held as equalities) define ``x*(p)`` and the
multipliers implicitly. Differentiating them gives one linear system per param with the
exact Hessian of the Lagrangian and the exact Jacobian (symopt's compiled derivatives):

    [ H    -J_A^T  -E_B ] [dx ]     [ -d/dp grad_x L      ]
    [ J_A    0      0   ] [dλ ]  =  [ -d/dp (g_A - b_A)   ]
    [ E_B^T  0      0   ] [dz ]     [  d/dp (active bound) ]

The dependence of the model's functions on a param at the fixed point ``(x*, λ*)`` is
taken by central differences of the model rebuilt at ``p ± h`` (the rules that read a
symbolic Param run again); everything else is exact. ``df*/dp`` follows by the chain rule.
The answer holds while the active set does not change; a singular system (degenerate
active set, or a second-order condition that fails) is reported, not guessed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from symopt.analysis import analyze
from symopt.errors import InputError
from symopt.solution.optimality import on_bound

__all__ = ["NLPSensitivity", "nlp_sensitivity"]

@dataclass(frozen=True)
class NLPSensitivity:
    """Derivatives of the optimum per symbolic param, keyed by the user's names."""

    parameters: dict[str, float]
    dx: dict[str, dict[str, float]]          # param -> variable -> d x*/d p
    dduals: dict[str, dict[str, float]]      # param -> constraint -> d λ*/d p (active rows)
    dobjective: dict[str, float]             # param -> d f*/d p
    active: tuple[str, ...]                  # the active rows and bounds assumed to stay so


def _active(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """+1 at the upper side, -1 at the lower side, 0 inactive (equalities count as lower)."""
    side = np.where(on_bound(values, upper), 1, 0)
    return np.where(on_bound(values, lower), -1, side)


def _compiled(model: Any) -> Any:
    # sympy comes with the nonlinear compiler: imported here, so LP solves never load it
    from symopt.compile.from_model import compile_model
    return compile_model(analyze(model))


def _rebuilt(model: Any, param: Any, value: float, base: Any) -> Any:
    with model.params_at({param.name: value}) as moved:
        program = _compiled(moved)
    if program.col_names != base.col_names or program.row_names != base.row_names:
        raise InputError(f"moving param '{param.name}' changes the model's variables or "
                         "constraints; its sensitivity is not defined")
    return program


def _at(program: Any, x: np.ndarray, row_side: np.ndarray, col_side: np.ndarray) -> tuple:
    """What the KKT system needs from one build: grad F, J, g and the active bounds."""
    row_bound = np.where(row_side > 0, program.row_upper, program.row_lower)
    col_bound = np.where(col_side > 0, program.col_upper, program.col_lower)
    body = program.constraints.values(x) if program.num_rows else np.zeros(0)
    jac = program.constraints.jacobian_dense(x) if program.num_rows else np.zeros((0, x.size))
    return program.jac(x), jac, body, row_bound, col_bound, program.objective_value(x)


def nlp_sensitivity(model: Any, params: list, step: float = 1e-5) -> NLPSensitivity:
    """dx*/dp, dλ*/dp, df*/dp at the point written back onto ``model`` by its last solve."""
    structure = analyze(model)
    program = _compiled(model)
    x = np.array([float(v.value) for v in structure.variables])
    sign = program.sign
    duals = np.array([0.0 if r.dual is None else float(r.dual) for r in structure.constraints])
    mu = sign * duals
    body = program.constraints.values(x) if program.num_rows else np.zeros(0)
    row_side = _active(body, program.row_lower, program.row_upper)
    col_side = _active(x, program.col_lower, program.col_upper)
    rows, cols = np.flatnonzero(row_side), np.flatnonzero(col_side)
    hessian = program.lagrangian_hessian(x, mu)
    jac_active = (program.constraints.jacobian_dense(x)[rows] if program.num_rows
                  else np.zeros((0, x.size)))
    n, a, b = x.size, rows.size, cols.size
    kkt = np.zeros((n + a + b, n + a + b))
    kkt[:n, :n] = hessian
    kkt[:n, n:n + a] = -jac_active.T
    kkt[n:n + a, :n] = jac_active
    kkt[n + a:, :n][np.arange(b), cols] = 1.0
    kkt[:n, n + a:][cols, np.arange(b)] = -1.0
    if np.linalg.matrix_rank(kkt) < kkt.shape[0]:
        raise InputError("the KKT matrix at the optimum is singular (a degenerate active set "
                         "or a failing second-order condition): the optimum does not move "
                         "smoothly with the params")
    out_dx, out_dl, out_df = {}, {}, {}
    for param in params:
        base_value = param.value
        h = step * max(1.0, abs(base_value))
        plus = _at(_rebuilt(model, param, base_value + h, program), x, row_side, col_side)
        minus = _at(_rebuilt(model, param, base_value - h, program), x, row_side, col_side)
        with np.errstate(invalid="ignore"):     # inactive infinite bounds: inf - inf
            d = [(p - q) / (2 * h) for p, q in zip(plus, minus)]
        d_grad = d[0] - d[1].T @ mu
        rhs = np.concatenate([-d_grad, -(d[2][rows] - d[3][rows]), d[4][cols]])
        solution = np.linalg.solve(kkt, rhs)
        dx = solution[:n]
        dmu = solution[n:n + a]
        gradient = sign * program.jac(x)
        out_dx[param.name] = dict(zip(program.col_names, dx.tolist()))
        out_dl[param.name] = {program.row_names[i]: float(sign * v) for i, v in zip(rows, dmu)}
        out_df[param.name] = float(gradient @ dx + d[5])
    active = tuple([program.row_names[i] for i in rows]
                   + [f"bound of {program.col_names[j]}" for j in cols])
    return NLPSensitivity({p.name: p.value for p in params}, out_dx, out_dl, out_df, active)
