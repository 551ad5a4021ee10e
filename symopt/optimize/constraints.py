"""Bounds and constraints as scipy.optimize spells them, and their one normal form.

``Bounds``, ``LinearConstraint`` and ``NonlinearConstraint`` mirror scipy's classes; scipy's
constraint dicts (``{'type': 'eq' | 'ineq', 'fun': ..., 'jac': ..., 'args': ...}``) are
accepted too. :func:`normalize_constraints` turns any mix of them into
:class:`ConstraintRows`: equality rows ``c_eq(x) = 0`` and inequality rows ``c_in(x) >= 0``,
each with its Jacobian and a map back to the constraint the user gave.

>>> import numpy as np
>>> rows = normalize_constraints([{"type": "ineq", "fun": lambda x: 1 - x[0] - x[1]},
...                               LinearConstraint([[1, -1]], lb=0, ub=0)], np.zeros(2))
>>> rows.eq(np.array([2.0, 1.0])), rows.ineq(np.array([2.0, 1.0]))
(array([1.]), array([-2.]))
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from symopt.errors import InputError
from symopt.optimize.finite_differences import FD_METHODS, approx_derivative

__all__ = ["Bounds", "LinearConstraint", "NonlinearConstraint", "ConstraintRows",
           "normalize_bounds", "normalize_constraints"]


class Bounds:
    """Simple bounds ``lb <= x <= ub`` (scalars broadcast; ``-inf``/``inf`` for none).

    >>> Bounds([0, -1], [1, np.inf]).lb
    array([ 0., -1.])
    """

    def __init__(self, lb: Any = -np.inf, ub: Any = np.inf, keep_feasible: Any = False):
        self.lb = np.asarray(lb, dtype=float)
        self.ub = np.asarray(ub, dtype=float)
        self.keep_feasible = keep_feasible

    def __repr__(self) -> str:
        return f"Bounds({self.lb!r}, {self.ub!r})"


class LinearConstraint:
    """Linear constraint ``lb <= A @ x <= ub``; equal bounds make an equality.

    >>> LinearConstraint([[1, 1]], 1, 1).A
    array([[1., 1.]])
    """

    def __init__(self, A: Any, lb: Any = -np.inf, ub: Any = np.inf, keep_feasible: Any = False):
        # a scipy.sparse matrix stays sparse (milp, linprog take it as it is)
        self.A = A if hasattr(A, "tocsc") else np.atleast_2d(np.asarray(A, dtype=float))
        self.lb = np.asarray(lb, dtype=float)
        self.ub = np.asarray(ub, dtype=float)
        self.keep_feasible = keep_feasible


class NonlinearConstraint:
    """Nonlinear constraint ``lb <= fun(x) <= ub``; ``jac`` a callable or '2-point'/'3-point'.

    >>> c = NonlinearConstraint(lambda x: x[0] ** 2 + x[1] ** 2, -np.inf, 1.0)
    >>> float(c.ub)
    1.0
    """

    def __init__(self, fun: Callable[..., Any], lb: Any, ub: Any, jac: Any = "2-point",
                 hess: Any = None, keep_feasible: Any = False,
                 finite_diff_rel_step: Any = None, finite_diff_jac_sparsity: Any = None):
        self.fun, self.jac, self.hess = fun, jac, hess
        self.lb = np.asarray(lb, dtype=float)
        self.ub = np.asarray(ub, dtype=float)
        self.keep_feasible = keep_feasible
        self.finite_diff_rel_step = finite_diff_rel_step


def normalize_bounds(bounds: Any, n: int) -> tuple[np.ndarray, np.ndarray] | None:
    """``(lb, ub)`` arrays of length ``n`` from a ``Bounds`` or ``(min, max)`` pairs.

    ``None`` in a pair means unbounded. Returns None when nothing is bounded.

    >>> normalize_bounds([(0, None), (None, 2)], 2)
    (array([  0., -inf]), array([inf,  2.]))
    """
    if bounds is None:
        return None
    if isinstance(bounds, Bounds):
        lb, ub = bounds.lb, bounds.ub
    else:
        pairs = list(bounds)
        if len(pairs) != n or any(np.ndim(p) != 1 or len(p) != 2 for p in pairs):
            raise InputError(f"bounds must be a Bounds object or a sequence of {n} (min, max) "
                             f"pairs (one per variable), got {bounds!r}")
        lb = [-np.inf if p[0] is None else p[0] for p in pairs]
        ub = [np.inf if p[1] is None else p[1] for p in pairs]
    try:
        lb = np.broadcast_to(np.asarray(lb, dtype=float), (n,)).copy()
        ub = np.broadcast_to(np.asarray(ub, dtype=float), (n,)).copy()
    except ValueError:
        raise InputError(f"bounds must have one entry per variable ({n}), got lb of shape "
                         f"{np.shape(lb)} and ub of shape {np.shape(ub)}") from None
    if np.any(np.isnan(lb)) or np.any(np.isnan(ub)):
        raise InputError("bounds contain NaN; use -inf/inf (or None) for a missing bound")
    bad = np.flatnonzero(lb > ub)
    if bad.size:
        i = int(bad[0])
        raise InputError(f"bounds: lower bound {lb[i]} exceeds upper bound {ub[i]} for "
                         f"variable {i}; every lb must be <= ub")
    if np.all(np.isneginf(lb)) and np.all(np.isposinf(ub)):
        return None
    return lb, ub


@dataclass
class _Block:
    """One user constraint turned into rows: ``value(x)`` and ``jacobian(x)`` of all its rows."""

    value: Callable[[np.ndarray], np.ndarray]
    jacobian: Callable[[np.ndarray], np.ndarray]
    eq_rows: np.ndarray       # which rows are equalities (value - lb = 0)
    lo_rows: np.ndarray       # other rows with a finite lower bound (value - lb >= 0)
    up_rows: np.ndarray       # rows with a finite upper bound (ub - value >= 0)
    lb: np.ndarray
    ub: np.ndarray


@dataclass
class ConstraintRows:
    """All constraints as ``eq(x) = 0`` and ``ineq(x) >= 0``, with Jacobians.

    ``multipliers(lam_eq, lam_in)`` maps row multipliers back to one array per user
    constraint (see :func:`symopt.optimize._nonlinear.slsqp.minimize_slsqp` for the sign convention).
    """

    blocks: list[_Block] = field(default_factory=list)

    @property
    def n_eq(self) -> int:
        return sum(b.eq_rows.size for b in self.blocks)

    @property
    def n_ineq(self) -> int:
        return sum(b.lo_rows.size + b.up_rows.size for b in self.blocks)

    def eq(self, x: np.ndarray) -> np.ndarray:
        parts = [b.value(x)[b.eq_rows] - b.lb[b.eq_rows] for b in self.blocks]
        return np.concatenate(parts) if parts else np.zeros(0)

    def ineq(self, x: np.ndarray) -> np.ndarray:
        parts = []
        for b in self.blocks:
            v = b.value(x)
            parts += [v[b.lo_rows] - b.lb[b.lo_rows], b.ub[b.up_rows] - v[b.up_rows]]
        return np.concatenate(parts) if parts else np.zeros(0)

    def eq_jac(self, x: np.ndarray, n: int) -> np.ndarray:
        parts = [b.jacobian(x)[b.eq_rows] for b in self.blocks]
        return np.vstack(parts) if parts else np.zeros((0, n))

    def ineq_jac(self, x: np.ndarray, n: int) -> np.ndarray:
        parts = []
        for b in self.blocks:
            J = b.jacobian(x)
            parts += [J[b.lo_rows], -J[b.up_rows]]
        return np.vstack(parts) if parts else np.zeros((0, n))

    def multipliers(self, lam_eq: np.ndarray, lam_in: np.ndarray) -> list[np.ndarray]:
        out, ie, ii = [], 0, 0
        for b in self.blocks:
            m = np.zeros(b.lb.size)
            m[b.eq_rows] = lam_eq[ie:ie + b.eq_rows.size]
            ie += b.eq_rows.size
            m[b.lo_rows] += lam_in[ii:ii + b.lo_rows.size]
            ii += b.lo_rows.size
            m[b.up_rows] -= lam_in[ii:ii + b.up_rows.size]
            ii += b.up_rows.size
            out.append(m)
        return out


def normalize_constraints(constraints: Any, x0: np.ndarray) -> ConstraintRows:
    """Turn a constraint dict/object, or a sequence of them, into :class:`ConstraintRows`.

    Each constraint function is evaluated once at ``x0`` to learn its number of rows.
    """
    if constraints is None:
        return ConstraintRows()
    if isinstance(constraints, (dict, LinearConstraint, NonlinearConstraint)):
        constraints = [constraints]
    return ConstraintRows([_block(c, x0, k) for k, c in enumerate(constraints)])


def _block(con: Any, x0: np.ndarray, k: int) -> _Block:
    n = x0.size
    if isinstance(con, LinearConstraint):
        A = con.A
        if A.shape[1] != n:
            raise InputError(f"constraints[{k}]: LinearConstraint.A must have {n} columns "
                             f"(one per variable), got shape {A.shape}")
        return _ranged_block(lambda x: A @ x, lambda x: A, con.lb, con.ub, A.shape[0], k)
    if isinstance(con, NonlinearConstraint):
        fun = vector_function(con.fun, (), f"constraints[{k}].fun")
        jac = _jacobian_function(con.jac, fun, (), k, con.finite_diff_rel_step, n)
        return _ranged_block(fun, jac, con.lb, con.ub, fun(x0).size, k)
    if isinstance(con, dict):
        return _dict_block(con, x0, k)
    raise InputError(f"constraints[{k}] must be a dict with 'type' and 'fun', a "
                     f"LinearConstraint or a NonlinearConstraint, got {type(con).__name__}")


def dict_constraint_parts(con: dict, k: int) -> tuple[str, Callable, tuple, Any]:
    """(kind "eq"/"ineq", fun, args, jac) of scipy's dict constraint number ``k``, checked
    (unknown keys, a bad type, a fun that is not callable are InputErrors). Shared by every
    method that accepts dict constraints."""
    unknown = set(con) - {"type", "fun", "jac", "args"}
    if unknown:
        raise InputError(f"constraints[{k}] has unknown key(s) {sorted(unknown)}; "
                         "valid keys: type, fun, jac, args")
    kind = str(con.get("type", "")).lower()
    if kind not in ("eq", "ineq"):
        raise InputError(f"constraints[{k}]['type'] must be 'eq' or 'ineq', got "
                         f"{con.get('type')!r}")
    if not callable(con.get("fun")):
        raise InputError(f"constraints[{k}]['fun'] must be a callable returning the "
                         "constraint value(s)")
    args = con.get("args", ())
    return kind, con["fun"], args if isinstance(args, tuple) else (args,), con.get("jac")


def _dict_block(con: dict, x0: np.ndarray, k: int) -> _Block:
    kind, raw, args, _ = dict_constraint_parts(con, k)
    fun = vector_function(raw, args, f"constraints[{k}]['fun']")
    jac = _jacobian_function(con.get("jac") or "2-point", fun, args, k, None, x0.size)
    m = fun(x0).size
    lb = np.zeros(m)
    ub = np.zeros(m) if kind == "eq" else np.full(m, np.inf)
    return _rows_from_bounds(fun, jac, lb, ub)


def vector_function(fun: Callable, args: tuple, name: str) -> Callable[[np.ndarray], np.ndarray]:
    """``fun(x, *args)`` as a 1-D float array; anything else is an InputError naming ``name``."""
    def value(x: np.ndarray) -> np.ndarray:
        v = np.atleast_1d(np.asarray(fun(x, *args), dtype=float))
        if v.ndim != 1:
            raise InputError(f"{name} must return a scalar or a 1-D array, got shape {v.shape}")
        return v
    return value


def _jacobian_function(jac: Any, fun: Callable, args: tuple, k: int, rel_step: Any,
                       n: int) -> Callable[[np.ndarray], np.ndarray]:
    if callable(jac):
        def exact(x: np.ndarray) -> np.ndarray:
            J = np.atleast_2d(np.asarray(jac(x, *args), dtype=float))
            if J.shape[1] != n:
                raise InputError(f"constraints[{k}] jac must return an array with {n} columns "
                                 f"(one per variable), got shape {J.shape}")
            return J
        return exact
    if isinstance(jac, str) and jac in FD_METHODS:
        return lambda x: np.atleast_2d(approx_derivative(fun, x, method=jac, rel_step=rel_step))
    raise InputError(f"constraints[{k}] jac must be a callable or one of {FD_METHODS}, "
                     f"got {jac!r}")


def _ranged_block(fun: Callable, jac: Callable, lb: Any, ub: Any, m: int, k: int) -> _Block:
    return _rows_from_bounds(fun, jac, *constraint_ranges(lb, ub, m, k))


def constraint_ranges(lb: Any, ub: Any, m: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """``lb``/``ub`` of constraint number ``k`` broadcast to its ``m`` rows, checked."""
    try:
        lb = np.broadcast_to(np.asarray(lb, dtype=float), (m,)).copy()
        ub = np.broadcast_to(np.asarray(ub, dtype=float), (m,)).copy()
    except ValueError:
        raise InputError(f"constraints[{k}]: lb and ub must be scalars or have one entry per "
                         f"constraint row ({m}), got shapes {np.shape(lb)} and {np.shape(ub)}"
                         ) from None
    bad = np.flatnonzero(lb > ub)
    if bad.size:
        raise InputError(f"constraints[{k}]: lb[{bad[0]}] = {lb[bad[0]]} exceeds "
                         f"ub[{bad[0]}] = {ub[bad[0]]}")
    return lb, ub


def _rows_from_bounds(fun: Callable, jac: Callable, lb: np.ndarray, ub: np.ndarray) -> _Block:
    eq = lb == ub
    return _Block(fun, jac, np.flatnonzero(eq), np.flatnonzero(~eq & np.isfinite(lb)),
                  np.flatnonzero(~eq & np.isfinite(ub)), lb, ub)
