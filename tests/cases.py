"""Known-answer problems every method and `symopt.solve` run (as CVXPY's solver test helpers
and MathOptInterface's test suite do): LPs with their duals, NLPs with their multipliers,
square systems and a fit. Each answer was worked out by hand (see each docstring).

Every case comes twice: as arrays for the `symopt.optimize` front doors, and as a `Model`
(``case.model()``) for `symopt.solve`; duals follow `symopt.solution.types`: the change of
the objective, in the model's own sense, per unit increase of the row's active bound.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from symopt import Constraint, Model, Objective, Var, exp, maximize, minimize
from symopt.optimize.linear_program import LinearProgram


@dataclass(frozen=True)
class LPCase:
    name: str
    lp: LinearProgram
    objective: float
    x: tuple[float, ...]
    duals: tuple[float, ...]             # per row, model sense
    model: Callable[[], Model] = field(repr=False, default=None)


def _wyndor() -> Model:
    m = Model("wyndor")
    m.doors, m.windows = Var(bounds=(0, None)), Var(bounds=(0, None))
    m.profit = Objective(expr=3 * m.doors + 5 * m.windows, sense=maximize)
    m.plant1 = Constraint(expr=m.doors <= 4)
    m.plant2 = Constraint(expr=2 * m.windows <= 12)
    m.plant3 = Constraint(expr=3 * m.doors + 2 * m.windows <= 18)
    return m


def _cover() -> Model:
    m = Model("cover")
    m.x, m.y = Var(bounds=(0, None)), Var(bounds=(0, None))
    m.cost = Objective(expr=2 * m.x + 3 * m.y, sense=minimize)
    m.need1 = Constraint(expr=m.x + m.y >= 4)
    m.need2 = Constraint(expr=m.x + 3 * m.y >= 6)
    return m


def _ranged() -> Model:
    m = Model("ranged")
    m.x, m.y = Var(), Var(bounds=(0, 10))
    m.obj = Objective(expr=m.x - m.y, sense=minimize)
    m.total = Constraint(expr=m.x + m.y == 2)
    m.spread = Constraint(expr=(-1, m.x - 2 * m.y, 1))
    return m


LP_CASES = (
    # Hillier & Lieberman's Wyndor Glass: optimum (2, 6), profit 36, shadow prices 0, 1.5, 1
    LPCase("wyndor", LinearProgram.from_arrays(
        c=[3, 5], A=[[1, 0], [0, 2], [3, 2]], row_upper=[4, 12, 18], sense="max"),
        36.0, (2.0, 6.0), (0.0, 1.5, 1.0), _wyndor),
    # a covering LP: vertex (3, 1) where y1 + y2 = 2, y1 + 3 y2 = 3, so duals 1.5, 0.5
    LPCase("cover", LinearProgram.from_arrays(
        c=[2, 3], A=[[1, 1], [1, 3]], row_lower=[4, 6]), 9.0, (3.0, 1.0), (1.5, 0.5), _cover),
    # an equality, a ranged row at its lower end and a free column: x = y = 1, objective 0;
    # d1 + d2 = 1 and d1 - 2 d2 = -1 give duals 1/3 and 2/3
    LPCase("ranged", LinearProgram.from_arrays(
        c=[1, -1], A=[[1, 1], [1, -2]], row_lower=[2, -1], row_upper=[2, 1],
        col_lower=[-np.inf, 0], col_upper=[np.inf, 10]),
        0.0, (1.0, 1.0), (1 / 3, 2 / 3), _ranged),
)


@dataclass(frozen=True)
class NLPCase:
    name: str
    fun: Callable
    jac: Callable
    hess: Callable
    x0: tuple[float, ...]
    x: tuple[float, ...]
    objective: float                      # in the model's sense (minimize: as fun)
    bounds: tuple | None = None
    constraints: tuple = ()               # scipy-style dicts (for the minimize front door)
    duals: tuple[float, ...] = ()         # per model constraint, model sense
    model: Callable[[], Model] = field(repr=False, default=None)

    @property
    def needs(self) -> tuple[bool, bool]:
        """(bounds, constraints): what a method must handle."""
        return self.bounds is not None, bool(self.constraints)


def _rosenbrock_model() -> Model:
    m = Model("rosenbrock")
    m.x, m.y = Var(initialize=-1.2), Var(initialize=1.0)
    m.f = Objective(expr=100 * (m.y - m.x ** 2) ** 2 + (1 - m.x) ** 2)
    return m


def _boxed_model() -> Model:
    m = Model("boxed")
    m.x, m.y = Var(bounds=(None, 1), initialize=0.0), Var(bounds=(0, 3), initialize=0.5)
    m.f = Objective(expr=(m.x - 2) ** 2 + (m.y - 1) ** 2)
    return m


def _disc_model() -> Model:
    m = Model("nearest")
    m.x, m.y = Var(initialize=2.0), Var(initialize=0.0)
    m.f = Objective(expr=m.x ** 2 + m.y ** 2)
    m.half = Constraint(expr=m.x + m.y >= 1)
    return m


def _product_model() -> Model:
    m = Model("product")
    m.x, m.y = Var(initialize=1.0), Var(initialize=3.0)
    m.f = Objective(expr=m.x * m.y, sense=maximize)
    m.sum = Constraint(expr=m.x + m.y == 4)
    return m


NLP_CASES = (
    NLPCase("rosenbrock",
            lambda v: 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2,
            lambda v: np.array([-400 * v[0] * (v[1] - v[0] ** 2) - 2 * (1 - v[0]),
                                200 * (v[1] - v[0] ** 2)]),
            lambda v: np.array([[1200 * v[0] ** 2 - 400 * v[1] + 2, -400 * v[0]],
                                [-400 * v[0], 200.0]]),
            (-1.2, 1.0), (1.0, 1.0), 0.0, model=_rosenbrock_model),
    # the unconstrained optimum (2, 1) is cut off by x <= 1: x* = (1, 1), f* = 1
    NLPCase("boxed",
            lambda v: (v[0] - 2) ** 2 + (v[1] - 1) ** 2,
            lambda v: np.array([2 * (v[0] - 2), 2 * (v[1] - 1)]),
            lambda v: 2 * np.eye(2),
            (0.0, 0.5), (1.0, 1.0), 1.0, bounds=((None, 1), (0, 3)), model=_boxed_model),
    # the point of x + y >= 1 nearest the origin: (1/2, 1/2), f* = 1/2, multiplier 1
    NLPCase("nearest",
            lambda v: v[0] ** 2 + v[1] ** 2, lambda v: 2 * np.asarray(v, float),
            lambda v: 2 * np.eye(2), (2.0, 0.0), (0.5, 0.5), 0.5,
            constraints=({"type": "ineq", "fun": lambda v: v[0] + v[1] - 1,
                          "jac": lambda v: np.array([1.0, 1.0])},),
            duals=(1.0,), model=_disc_model),
    # max x y on x + y = 4 (minimize -x y): (2, 2), f* = 4, d f*/d rhs = rhs / 2 = 2
    NLPCase("product",
            lambda v: -v[0] * v[1], lambda v: -np.array([v[1], v[0]]),
            lambda v: -np.array([[0.0, 1.0], [1.0, 0.0]]), (1.0, 3.0), (2.0, 2.0), 4.0,
            constraints=({"type": "eq", "fun": lambda v: v[0] + v[1] - 4,
                          "jac": lambda v: np.array([1.0, 1.0])},),
            duals=(2.0,), model=_product_model),
)


@dataclass(frozen=True)
class SystemCase:
    name: str
    fun: Callable
    jac: Callable
    x0: tuple[float, ...]
    x: tuple[float, ...]
    model: Callable[[], Model] = field(repr=False, default=None)


def _circle_model() -> Model:
    m = Model("circle")
    m.x, m.y = Var(initialize=1.0), Var(initialize=0.5)
    m.ring = Constraint(expr=m.x ** 2 + m.y ** 2 == 4)
    m.diagonal = Constraint(expr=m.x == m.y)
    return m


def _exp_model() -> Model:
    m = Model("exponential")
    m.x, m.y = Var(initialize=0.5), Var(initialize=1.0)
    m.c1 = Constraint(expr=exp(m.x) + m.y == 3)
    m.c2 = Constraint(expr=m.x - m.y == float(np.log(2)) - 1)
    return m


SQRT2 = float(np.sqrt(2.0))
SYSTEM_CASES = (
    SystemCase("circle", lambda v: np.array([v[0] ** 2 + v[1] ** 2 - 4, v[0] - v[1]]),
               lambda v: np.array([[2 * v[0], 2 * v[1]], [1.0, -1.0]]),
               (1.0, 0.5), (SQRT2, SQRT2), _circle_model),
    # e^x + y = 3 and x - y = ln 2 - 1: x = ln 2, y = 1
    SystemCase("exponential",
               lambda v: np.array([np.exp(v[0]) + v[1] - 3, v[0] - v[1] - np.log(2) + 1]),
               lambda v: np.array([[np.exp(v[0]), 1.0], [1.0, -1.0]]),
               (0.5, 1.0), (float(np.log(2)), 1.0), _exp_model),
)


@dataclass(frozen=True)
class FitCase:
    name: str
    curve: Callable                        # curve(t, *p)
    jac: Callable                          # d curve / d p, shape (points, parameters)
    t: Any
    y: Any
    p0: tuple[float, ...]
    p: tuple[float, ...]


_T = np.linspace(0.0, 4.0, 30)
FIT_CASES = (
    # exact data of 3 e^(-0.7 t): the fit recovers a = 3, k = 0.7
    FitCase("decay", lambda t, a, k: a * np.exp(-k * t),
            lambda t, a, k: np.column_stack([np.exp(-k * t), -a * t * np.exp(-k * t)]),
            _T, 3.0 * np.exp(-0.7 * _T), (1.0, 0.1), (3.0, 0.7)),
)
