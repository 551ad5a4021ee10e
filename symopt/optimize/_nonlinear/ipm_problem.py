"""The interior-point method's view of a problem: one vector of constraint rows with ranges.

The user's constraints (scipy's dicts, ``LinearConstraint``, ``NonlinearConstraint``, in any
mix) become one stacked function ``c(x)`` with row ranges ``cl <= c(x) <= cu`` (an equality
has ``cl == cu``; a dict ``'ineq'`` row is ``0 <= fun(x)``) and a sparse Jacobian in CSR form.
Each block keeps its own Jacobian as the user gives it (dense array, or any scipy.sparse
matrix); blocks with a fixed pattern are stacked without re-sorting.

The Hessian of the Lagrangian ``L = obj_factor * f(x) + v @ c(x)`` comes from, in order:

1. the ``lagrangian_hess(x, obj_factor, v)`` hook (the whole Lagrangian, used by the
   compiler), or
2. the objective's ``hess`` plus every ``NonlinearConstraint.hess(x, v_block)`` (scipy's
   convention, ``sum_i v_i * hess c_i(x)``); linear blocks add nothing;

otherwise :attr:`RowFunctions.has_hessian` is False and the method runs L-BFGS.

>>> import numpy as np
>>> from symopt.optimize.constraints import LinearConstraint
>>> rows = RowFunctions.from_constraints([LinearConstraint([[1, 1]], 1, 1),
...                                       {"type": "ineq", "fun": lambda x: x[0]}], np.zeros(2))
>>> rows.cl.tolist(), rows.cu.tolist(), rows.values(np.array([2.0, 3.0])).tolist()
([1.0, 0.0], [1.0, inf], [5.0, 2.0])
>>> rows.jacobian(np.zeros(2)).toarray().tolist()
[[1.0, 1.0], [1.0, 0.0]]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

from symopt.errors import InputError
from symopt.optimize.constraints import (
    LinearConstraint, NonlinearConstraint, constraint_ranges, dict_constraint_parts,
    vector_function,
)
from symopt.optimize.finite_differences import FD_METHODS, approx_derivative

__all__ = ["RowFunctions", "as_csr", "lower_triangle"]


def as_csr(matrix: Any, shape: tuple[int, int], name: str) -> sp.csr_matrix:
    """``matrix`` (dense or any scipy.sparse) as CSR of ``shape``, or an InputError."""
    out = matrix.tocsr() if sp.issparse(matrix) else sp.csr_matrix(
        np.atleast_2d(np.asarray(matrix, dtype=float)))
    if out.shape != shape:
        raise InputError(f"{name} must have shape {shape}, got {out.shape}")
    return out


def lower_triangle(matrix: Any, n: int, name: str) -> sp.coo_matrix:
    """The lower triangle (diagonal included) of a symmetric ``n x n`` matrix as COO.

    A matrix given as its lower triangle only is returned as it is."""
    if sp.issparse(matrix):
        out = matrix.tocoo()
    else:
        out = sp.coo_matrix(np.atleast_2d(np.asarray(matrix, dtype=float)))
    if out.shape != (n, n):
        raise InputError(f"{name} must return an ({n}, {n}) matrix, got {out.shape}")
    keep = out.row >= out.col
    return sp.coo_matrix((out.data[keep], (out.row[keep], out.col[keep])), shape=(n, n))


@dataclass
class _Block:
    """One user constraint: ``lb <= fun(x) <= ub`` with its Jacobian and (maybe) Hessian."""

    fun: Callable[[np.ndarray], np.ndarray]
    jac: Callable[[np.ndarray], Any]
    hess: Callable[[np.ndarray, np.ndarray], Any] | None   # None: no exact Hessian
    linear: bool
    lb: np.ndarray
    ub: np.ndarray


class RowFunctions:
    """All constraint rows ``cl <= c(x) <= cu`` of a problem, stacked in the given order."""

    def __init__(self, blocks: list[_Block], n: int):
        self.blocks, self.n = blocks, n
        self.cl = np.concatenate([b.lb for b in blocks]) if blocks else np.zeros(0)
        self.cu = np.concatenate([b.ub for b in blocks]) if blocks else np.zeros(0)
        self.m = self.cl.size
        self.sizes = [b.lb.size for b in blocks]
        self.starts = np.concatenate(([0], np.cumsum(self.sizes))).astype(int)

    @classmethod
    def from_constraints(cls, constraints: Any, x0: np.ndarray) -> "RowFunctions":
        """Rows from scipy's constraint forms (None, one, or a sequence of them)."""
        if constraints is None:
            constraints = []
        elif isinstance(constraints, (dict, LinearConstraint, NonlinearConstraint)):
            constraints = [constraints]
        return cls([_block(c, x0, k) for k, c in enumerate(constraints)], x0.size)

    @property
    def has_hessian(self) -> bool:
        """True when every nonlinear block gives its Hessian."""
        return all(b.linear or b.hess is not None for b in self.blocks)

    def values(self, x: np.ndarray) -> np.ndarray:
        if not self.blocks:
            return np.zeros(0)
        return np.concatenate([b.fun(x) for b in self.blocks])

    def jacobian(self, x: np.ndarray) -> sp.csr_matrix:
        if not self.blocks:
            return sp.csr_matrix((0, self.n))
        parts = [as_csr(b.jac(x), (b.lb.size, self.n), f"constraints[{k}] jac")
                 for k, b in enumerate(self.blocks)]
        return parts[0] if len(parts) == 1 else sp.vstack(parts, format="csr")

    def hessian(self, x: np.ndarray, v: np.ndarray) -> sp.coo_matrix | None:
        """Lower triangle of ``sum_i v_i hess c_i(x)`` (None when all blocks are linear)."""
        parts = []
        for k, b in enumerate(self.blocks):
            vk = v[self.starts[k]:self.starts[k + 1]]
            if b.linear or not np.any(vk):
                continue
            parts.append(lower_triangle(b.hess(x, vk), self.n, f"constraints[{k}].hess"))
        if not parts:
            return None
        return sp.coo_matrix(sum(p.tocsr() for p in parts))

    def per_block(self, values: np.ndarray) -> list[np.ndarray]:
        """``values`` (one per row) split into one array per user constraint."""
        return [values[self.starts[k]:self.starts[k + 1]].copy() for k in range(len(self.blocks))]


def _block(con: Any, x0: np.ndarray, k: int) -> _Block:
    n = x0.size
    if isinstance(con, LinearConstraint):
        A = sp.csr_matrix(con.A) if not sp.issparse(con.A) else con.A.tocsr()
        if A.shape[1] != n:
            raise InputError(f"constraints[{k}]: LinearConstraint.A must have {n} columns "
                             f"(one per variable), got shape {A.shape}")
        lb, ub = constraint_ranges(con.lb, con.ub, A.shape[0], k)
        return _Block(lambda x: A @ x, lambda x: A, None, True, lb, ub)
    if isinstance(con, NonlinearConstraint):
        fun = vector_function(con.fun, (), f"constraints[{k}].fun")
        jac = _jacobian(con.jac, fun, (), k)
        hess = con.hess if callable(con.hess) else None
        lb, ub = constraint_ranges(con.lb, con.ub, fun(x0).size, k)
        return _Block(fun, jac, hess, False, lb, ub)
    if isinstance(con, dict):
        return _dict_block(con, x0, k)
    raise InputError(f"constraints[{k}] must be a dict with 'type' and 'fun', a "
                     f"LinearConstraint or a NonlinearConstraint, got {type(con).__name__}")


def _dict_block(con: dict, x0: np.ndarray, k: int) -> _Block:
    kind, raw, args, _ = dict_constraint_parts(con, k)
    fun = vector_function(raw, args, f"constraints[{k}]['fun']")
    jac = _jacobian(con.get("jac") or "2-point", fun, args, k)
    m = fun(x0).size
    ub = np.zeros(m) if kind == "eq" else np.full(m, np.inf)
    return _Block(fun, jac, None, False, np.zeros(m), ub)


def _jacobian(jac: Any, fun: Callable, args: tuple, k: int) -> Callable[[np.ndarray], Any]:
    if callable(jac):
        return lambda x: jac(x, *args)
    if isinstance(jac, str) and jac in FD_METHODS:
        return lambda x: np.atleast_2d(approx_derivative(fun, x, method=jac))
    raise InputError(f"constraints[{k}] jac must be a callable or one of {FD_METHODS}, "
                     f"got {jac!r}")


