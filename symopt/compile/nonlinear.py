"""The compiled nonlinear problems: `NonlinearProgram`, `EquationSystem`, `FitProblem`.

Each is a frozen dataclass holding `VectorFunction` objects (exact sparse derivatives)
plus everything the solver and the way back need: start point, bounds, column and row
order with names, the objects behind them (model variables or sympy symbols), and the
sense. The methods give scipy's callables: ``fun``/``jac``/``hess``/``hessp`` for
``minimize`` (already in minimization sense), ``constraints()`` in scipy's dict form,
``fun``/``jac`` for ``root``, ``residuals``/``residual_jacobian`` and ``model``/
``model_jacobian`` for ``least_squares`` and ``curve_fit``.

>>> import sympy
>>> from symopt.compile.from_sympy import compile_minimize
>>> x, y = sympy.symbols("x y")
>>> nlp = compile_minimize((x - 1) ** 2 + (y - 2) ** 2, [x, y], [0.0, 0.0])
>>> nlp.fun(np.array([1.0, 2.0])), nlp.jac(np.array([0.0, 0.0])).tolist()
(0.0, [-2.0, -4.0])
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Callable

import numpy as np

from symopt.compile.derivatives import VectorFunction
from symopt.compile.lagrangian import SparseDerivatives

__all__ = ["NonlinearProgram", "EquationSystem", "FitProblem"]


@dataclass(frozen=True, eq=False)
class NonlinearProgram:
    """``min/max f(x)  s.t.  row_lower <= g(x) <= row_upper,  col_lower <= x <= col_upper``."""

    objective: VectorFunction          # one row: f
    constraints: VectorFunction        # m rows: g (m may be 0)
    x0: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    sense: str = "min"
    name: str = ""
    objective_name: str = "objective"
    col_names: tuple[str, ...] = ()
    row_names: tuple[str, ...] = ()
    columns: tuple = ()                # the variable objects behind the columns
    rows: tuple = ()                   # the constraint objects behind the rows
    #: for a sum-of-squares objective ``c + 0.5 * |R(x)|^2``: builds ``R`` on first use
    residual_builder: Callable[[], VectorFunction] | None = None

    @property
    def num_cols(self) -> int:
        return self.x0.size

    @property
    def num_rows(self) -> int:
        return self.constraints.num_rows

    @cached_property
    def residual(self) -> VectorFunction:
        """``R`` with ``f = constant + 0.5 * |R(x)|^2`` (only for a sum-of-squares objective)."""
        if self.residual_builder is None:
            raise ValueError(f"the objective of '{self.name}' is not a sum of squares")
        return self.residual_builder()

    def residual_values(self, x: np.ndarray) -> np.ndarray:
        return self.residual.values(x)

    def residual_jacobian(self, x: np.ndarray) -> np.ndarray:
        return self.residual.jacobian_dense(x)

    @property
    def sign(self) -> float:
        """+1 for min, -1 for max: the solver minimizes ``sign * f``."""
        return -1.0 if self.sense == "max" else 1.0

    @property
    def has_bounds(self) -> bool:
        return bool(np.isfinite(self.col_lower).any() or np.isfinite(self.col_upper).any())

    @property
    def hessian_nnz(self) -> int:
        """Nonzeros in the lower triangle of the objective's Hessian."""
        return self.objective.hessian_nnz

    def objective_value(self, x: np.ndarray) -> float:
        """f(x) in the model's own sense."""
        return float(self.objective.values(x)[0])

    def fun(self, x: np.ndarray) -> float:
        return self.sign * float(self.objective.values(x)[0])

    def jac(self, x: np.ndarray) -> np.ndarray:
        return self.sign * self.objective.gradient(x)

    def hess(self, x: np.ndarray) -> np.ndarray:
        return self.objective.hessian_dense(x, np.array([self.sign]))

    def hessp(self, x: np.ndarray, p: np.ndarray) -> np.ndarray:
        return self.objective.hessian_product(x, np.array([self.sign]), np.asarray(p, float))

    def lagrangian_hessian(self, x: np.ndarray, multipliers: np.ndarray) -> np.ndarray:
        """Dense Hessian of ``L = sign * f(x) - multipliers . g(x)`` (one multiplier per row)."""
        hess = self.hess(x)
        if self.num_rows:
            hess -= self.constraints.hessian_dense(x, np.asarray(multipliers, dtype=float))
        return hess

    @cached_property
    def sparse_derivatives(self) -> SparseDerivatives:
        """Sparse Jacobian and Lagrangian Hessian with patterns fixed once (interior point)."""
        return SparseDerivatives(self)

    def bounds(self) -> list[tuple[float | None, float | None]]:
        """Column bounds as scipy's list of (lower, upper) pairs, None for infinite."""
        return [(None if np.isinf(lo) else float(lo), None if np.isinf(hi) else float(hi))
                for lo, hi in zip(self.col_lower, self.col_upper)]

    def constraint_groups(self) -> dict[str, np.ndarray]:
        """Row indices by role: ``eq`` (lower == upper), ``lower`` and ``upper`` (finite sides)."""
        lo, hi = self.row_lower, self.row_upper
        equal = lo == hi
        return {"eq": np.flatnonzero(equal),
                "lower": np.flatnonzero(~equal & np.isfinite(lo)),
                "upper": np.flatnonzero(~equal & np.isfinite(hi))}

    def constraints_scipy(self) -> list[dict[str, Any]]:
        """The rows as scipy's constraint dicts: one ``eq`` then one ``ineq`` (``>= 0``)."""
        groups = self.constraint_groups()
        eq, lower, upper = groups["eq"], groups["lower"], groups["upper"]
        g = self.constraints
        out = []
        if eq.size:
            out.append({"type": "eq", "fun": lambda x: g.values(x)[eq] - self.row_lower[eq],
                        "jac": lambda x: g.jacobian_dense(x)[eq]})
        if lower.size or upper.size:
            def fun(x: np.ndarray) -> np.ndarray:
                values = g.values(x)
                return np.concatenate((values[lower] - self.row_lower[lower],
                                       self.row_upper[upper] - values[upper]))

            def jac(x: np.ndarray) -> np.ndarray:
                dense = g.jacobian_dense(x)
                return np.vstack((dense[lower], -dense[upper]))
            out.append({"type": "ineq", "fun": fun, "jac": jac})
        return out


@dataclass(frozen=True, eq=False)
class EquationSystem:
    """A square system ``F(x) = 0`` with ``F = body - rhs`` row by row."""

    residual: VectorFunction
    x0: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    name: str = ""
    col_names: tuple[str, ...] = ()
    row_names: tuple[str, ...] = ()
    columns: tuple = ()
    rows: tuple = ()

    @property
    def num_cols(self) -> int:
        return self.x0.size

    @property
    def num_rows(self) -> int:
        return self.residual.num_rows

    def fun(self, x: np.ndarray) -> np.ndarray:
        return self.residual.values(x)

    def jac(self, x: np.ndarray) -> np.ndarray:
        return self.residual.jacobian_dense(x)


@dataclass(frozen=True, eq=False)
class FitProblem:
    """``observed ~ model(independent; parameters)``: one `VectorFunction` row per data point."""

    model: VectorFunction              # rows: data points, columns: parameters
    p0: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    observed: np.ndarray
    independent: dict[str, np.ndarray]
    dependent_name: str = "y"
    parameter_names: tuple[str, ...] = ()
    columns: tuple = ()
    sigma: np.ndarray | None = None
    absolute_sigma: bool = False
    expression: str = ""
    name: str = ""

    @property
    def num_cols(self) -> int:
        return self.p0.size

    @property
    def num_points(self) -> int:
        return self.observed.size

    @property
    def has_bounds(self) -> bool:
        return bool(np.isfinite(self.lower).any() or np.isfinite(self.upper).any())

    def predict(self, parameters: np.ndarray) -> np.ndarray:
        return self.model.values(parameters)

    def curve(self, xdata: Any, *parameters: float) -> np.ndarray:
        """scipy's ``f(xdata, *params)`` (the data are compiled in; ``xdata`` is ignored)."""
        return self.model.values(np.asarray(parameters, dtype=float))

    def curve_jacobian(self, xdata: Any, *parameters: float) -> np.ndarray:
        return self.model.jacobian_dense(np.asarray(parameters, dtype=float))

    def weights(self) -> np.ndarray:
        return np.ones(self.num_points) if self.sigma is None else 1.0 / self.sigma

    def residuals(self, parameters: np.ndarray) -> np.ndarray:
        """Weighted residuals ``(model - observed) / sigma`` for ``least_squares``."""
        return (self.model.values(parameters) - self.observed) * self.weights()

    def residual_jacobian(self, parameters: np.ndarray) -> np.ndarray:
        return self.model.jacobian_dense(parameters) * self.weights()[:, None]
