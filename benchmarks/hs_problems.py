"""Hock-Schittkowski test problems with known optima, for symopt's constrained NLP methods.

Each problem is written once, from Hock & Schittkowski, "Test Examples for Nonlinear
Programming Codes" (1981), as a function of the variable list ``x`` and a namespace
``fn`` of elementary functions (``exp``, ``log``, ``sin``, ``cos``, ``sqrt``). It
returns the objective and the constraints as ``(expression, lower, upper)`` triples
(``None``: no limit; ``lower == upper``: an equality). The same function builds a
`symopt.Model` (`model`) or evaluates with numbers (`evaluate`). ``x0`` is the book's
start point, ``f_star`` its optimal value. Used by benchmarks/hock_schittkowski.py and
tests/test_optimize_nlp_agreement.py.

>>> problem = PROBLEMS[71]
>>> round(evaluate(problem, [1.0, 4.742999, 3.821151, 1.379408])[0], 4)
17.014
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Callable, Sequence

import numpy as np

NUMPY = SimpleNamespace(exp=np.exp, log=np.log, sin=np.sin, cos=np.cos, sqrt=np.sqrt)
SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class HSProblem:
    """One problem: its number, start, bounds, optimal value and definition."""

    number: int
    x0: tuple[float, ...]
    f_star: float
    define: Callable          # (x, fn) -> (objective, [(expression, lower, upper), ...])
    lower: tuple = ()         # per variable, None for no bound (default: all free)
    upper: tuple = ()

    @property
    def name(self) -> str:
        return f"hs{self.number:03d}"

    def bounds(self) -> list[tuple[float | None, float | None]]:
        n = len(self.x0)
        lower = self.lower or (None,) * n
        upper = self.upper or (None,) * n
        return list(zip(lower, upper))


PROBLEMS: dict[int, HSProblem] = {}


def problem(number: int, x0: Sequence[float], f_star: float, lower=(), upper=()):
    """Register the decorated definition as problem ``number``."""
    def register(define: Callable) -> Callable:
        PROBLEMS[number] = HSProblem(number, tuple(x0), f_star, define, tuple(lower),
                                     tuple(upper))
        return define
    return register


def model(hs: HSProblem, shift: dict[int, float] | None = None):
    """The problem as a `symopt.Model` (Python API): x[0..n-1], one constraint family c.

    A start outside the bounds (HS 21) is moved onto them, as the solvers would do.
    ``shift`` moves the bounds of constraint ``k`` by ``shift[k]`` (a right-hand-side
    perturbation, for sensitivities).
    """
    import symopt
    m = symopt.Model(hs.name)
    n = len(hs.x0)
    bounds = hs.bounds()
    lower = [-np.inf if lo is None else lo for lo, _ in bounds]
    upper = [np.inf if hi is None else hi for _, hi in bounds]
    start = np.clip(np.asarray(hs.x0, float), lower, upper)
    m.x = symopt.Var(range(n), bounds=lambda _, i: bounds[i],
                     initialize={i: float(v) for i, v in enumerate(start)})
    fn = SimpleNamespace(exp=symopt.exp, log=symopt.log, sin=symopt.sin, cos=symopt.cos,
                         sqrt=symopt.sqrt)
    objective, constraints = hs.define([m.x[i] for i in range(n)], fn)
    m.objective = symopt.Objective(expr=objective)

    def rule(_, k):
        expression, lower, upper = constraints[k]
        delta = (shift or {}).get(k, 0.0)
        lower = None if lower is None else lower + delta
        upper = None if upper is None else upper + delta
        if lower is not None and upper is not None:
            return expression == lower if lower == upper else symopt.between(lower, expression, upper)
        return expression <= upper if lower is None else expression >= lower
    m.c = symopt.Constraint(range(len(constraints)), rule=rule)
    return m


def evaluate(hs: HSProblem, x: Sequence[float]) -> tuple[float, np.ndarray]:
    """Objective and largest constraint/bound violation at ``x``, in numbers."""
    objective, constraints = hs.define(list(np.asarray(x, float)), NUMPY)
    violation = 0.0
    for expression, lower, upper in constraints:
        violation = max(violation, 0.0 if lower is None else lower - expression,
                        0.0 if upper is None else expression - upper)
    for value, (lower, upper) in zip(x, hs.bounds()):
        violation = max(violation, 0.0 if lower is None else lower - value,
                        0.0 if upper is None else value - upper)
    return float(objective), float(violation)


# ----- the problems ------------------------------------------------------------------------
@problem(6, (-1.2, 1.0), 0.0)
def _hs6(x, fn):
    return (1 - x[0]) ** 2, [(10 * (x[1] - x[0] ** 2), 0, 0)]


@problem(7, (2.0, 2.0), -math.sqrt(3))
def _hs7(x, fn):
    return fn.log(1 + x[0] ** 2) - x[1], [((1 + x[0] ** 2) ** 2 + x[1] ** 2 - 4, 0, 0)]


@problem(9, (0.0, 0.0), -0.5)
def _hs9(x, fn):
    return (fn.sin(math.pi * x[0] / 12) * fn.cos(math.pi * x[1] / 16),
            [(4 * x[0] - 3 * x[1], 0, 0)])


@problem(10, (-10.0, 10.0), -1.0)
def _hs10(x, fn):
    return x[0] - x[1], [(-3 * x[0] ** 2 + 2 * x[0] * x[1] - x[1] ** 2 + 1, 0, None)]


@problem(11, (4.9, 0.1), -8.498464223)
def _hs11(x, fn):
    return (x[0] - 5) ** 2 + x[1] ** 2 - 25, [(-x[0] ** 2 + x[1], 0, None)]


@problem(12, (0.0, 0.0), -30.0)
def _hs12(x, fn):
    return (0.5 * x[0] ** 2 + x[1] ** 2 - x[0] * x[1] - 7 * x[0] - 7 * x[1],
            [(25 - 4 * x[0] ** 2 - x[1] ** 2, 0, None)])


@problem(14, (2.0, 2.0), 9 - 2.875 * math.sqrt(7))
def _hs14(x, fn):
    return ((x[0] - 2) ** 2 + (x[1] - 1) ** 2,
            [(x[0] - 2 * x[1] + 1, 0, 0), (-x[0] ** 2 / 4 - x[1] ** 2 + 1, 0, None)])


@problem(15, (-2.0, 1.0), 306.5, upper=(0.5, None))
def _hs15(x, fn):
    return (100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2,
            [(x[0] * x[1] - 1, 0, None), (x[0] + x[1] ** 2, 0, None)])


@problem(21, (-1.0, -1.0), -99.96, lower=(2, -50), upper=(50, 50))
def _hs21(x, fn):
    return 0.01 * x[0] ** 2 + x[1] ** 2 - 100, [(10 * x[0] - x[1] - 10, 0, None)]


@problem(26, (-2.6, 2.0, 2.0), 0.0)
def _hs26(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 4,
            [((1 + x[1] ** 2) * x[0] + x[2] ** 4 - 3, 0, 0)])


@problem(27, (2.0, 2.0, 2.0), 0.04)
def _hs27(x, fn):
    return 0.01 * (x[0] - 1) ** 2 + (x[1] - x[0] ** 2) ** 2, [(x[0] + x[2] ** 2 + 1, 0, 0)]


@problem(28, (-4.0, 1.0, 1.0), 0.0)
def _hs28(x, fn):
    return (x[0] + x[1]) ** 2 + (x[1] + x[2]) ** 2, [(x[0] + 2 * x[1] + 3 * x[2] - 1, 0, 0)]


@problem(35, (0.5, 0.5, 0.5), 1 / 9, lower=(0, 0, 0))
def _hs35(x, fn):
    return (9 - 8 * x[0] - 6 * x[1] - 4 * x[2] + 2 * x[0] ** 2 + 2 * x[1] ** 2 + x[2] ** 2
            + 2 * x[0] * x[1] + 2 * x[0] * x[2], [(3 - x[0] - x[1] - 2 * x[2], 0, None)])


@problem(39, (2.0, 2.0, 2.0, 2.0), -1.0)
def _hs39(x, fn):
    return -x[0], [(x[1] - x[0] ** 3 - x[2] ** 2, 0, 0), (x[0] ** 2 - x[1] - x[3] ** 2, 0, 0)]


@problem(40, (0.8, 0.8, 0.8, 0.8), -0.25)
def _hs40(x, fn):
    return (-x[0] * x[1] * x[2] * x[3],
            [(x[0] ** 3 + x[1] ** 2 - 1, 0, 0), (x[0] ** 2 * x[3] - x[2], 0, 0),
             (x[3] ** 2 - x[1], 0, 0)])


@problem(42, (1.0, 1.0, 1.0, 1.0), 28 - 10 * SQRT2)
def _hs42(x, fn):
    return ((x[0] - 1) ** 2 + (x[1] - 2) ** 2 + (x[2] - 3) ** 2 + (x[3] - 4) ** 2,
            [(x[0] - 2, 0, 0), (x[2] ** 2 + x[3] ** 2 - 2, 0, 0)])


@problem(43, (0.0, 0.0, 0.0, 0.0), -44.0)
def _hs43(x, fn):
    return (x[0] ** 2 + x[1] ** 2 + 2 * x[2] ** 2 + x[3] ** 2 - 5 * x[0] - 5 * x[1]
            - 21 * x[2] + 7 * x[3],
            [(8 - x[0] ** 2 - x[1] ** 2 - x[2] ** 2 - x[3] ** 2 - x[0] + x[1] - x[2] + x[3],
              0, None),
             (10 - x[0] ** 2 - 2 * x[1] ** 2 - x[2] ** 2 - 2 * x[3] ** 2 + x[0] + x[3], 0, None),
             (5 - 2 * x[0] ** 2 - x[1] ** 2 - x[2] ** 2 - 2 * x[0] + x[1] + x[3], 0, None)])


@problem(46, (SQRT2 / 2, 1.75, 0.5, 2.0, 2.0), 0.0)
def _hs46(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[2] - 1) ** 2 + (x[3] - 1) ** 4 + (x[4] - 1) ** 6,
            [(x[0] ** 2 * x[3] + fn.sin(x[3] - x[4]) - 1, 0, 0),
             (x[1] + x[2] ** 4 * x[3] ** 2 - 2, 0, 0)])


@problem(47, (2.0, SQRT2, -1.0, 2 - SQRT2, 0.5), 0.0)
def _hs47(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 3 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 4,
            [(x[0] + x[1] ** 2 + x[2] ** 3 - 3, 0, 0), (x[1] - x[2] ** 2 + x[3] - 1, 0, 0),
             (x[0] * x[4] - 1, 0, 0)])


@problem(48, (3.0, 5.0, -3.0, 2.0, -2.0), 0.0)
def _hs48(x, fn):
    return ((x[0] - 1) ** 2 + (x[1] - x[2]) ** 2 + (x[3] - x[4]) ** 2,
            [(x[0] + x[1] + x[2] + x[3] + x[4] - 5, 0, 0), (x[2] - 2 * (x[3] + x[4]) + 3, 0, 0)])


@problem(49, (10.0, 7.0, 2.0, -3.0, 0.8), 0.0)
def _hs49(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[2] - 1) ** 2 + (x[3] - 1) ** 4 + (x[4] - 1) ** 6,
            [(x[0] + x[1] + x[2] + 4 * x[3] - 7, 0, 0), (x[2] + 5 * x[4] - 6, 0, 0)])


@problem(50, (35.0, -31.0, 11.0, 5.0, -5.0), 0.0)
def _hs50(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 2,
            [(x[0] + 2 * x[1] + 3 * x[2] - 6, 0, 0), (x[1] + 2 * x[2] + 3 * x[3] - 6, 0, 0),
             (x[2] + 2 * x[3] + 3 * x[4] - 6, 0, 0)])


@problem(51, (2.5, 0.5, 2.0, -1.0, 0.5), 0.0)
def _hs51(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[1] + x[2] - 2) ** 2 + (x[3] - 1) ** 2 + (x[4] - 1) ** 2,
            [(x[0] + 3 * x[1] - 4, 0, 0), (x[2] + x[3] - 2 * x[4], 0, 0), (x[1] - x[4], 0, 0)])


@problem(52, (2.0, 2.0, 2.0, 2.0, 2.0), 1859 / 349)
def _hs52(x, fn):
    return ((4 * x[0] - x[1]) ** 2 + (x[1] + x[2] - 2) ** 2 + (x[3] - 1) ** 2 + (x[4] - 1) ** 2,
            [(x[0] + 3 * x[1], 0, 0), (x[2] + x[3] - 2 * x[4], 0, 0), (x[1] - x[4], 0, 0)])


@problem(53, (2.0, 2.0, 2.0, 2.0, 2.0), 176 / 43, lower=(-10,) * 5, upper=(10,) * 5)
def _hs53(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[1] + x[2] - 2) ** 2 + (x[3] - 1) ** 2 + (x[4] - 1) ** 2,
            [(x[0] + 3 * x[1], 0, 0), (x[2] + x[3] - 2 * x[4], 0, 0), (x[1] - x[4], 0, 0)])


@problem(60, (2.0, 2.0, 2.0), 0.03256820025, lower=(-10,) * 3, upper=(10,) * 3)
def _hs60(x, fn):
    return ((x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 4,
            [(x[0] * (1 + x[1] ** 2) + x[2] ** 4 - 4 - 3 * SQRT2, 0, 0)])


@problem(65, (-5.0, 5.0, 0.0), 0.9535288567, lower=(-4.5, -4.5, -5), upper=(4.5, 4.5, 5))
def _hs65(x, fn):
    return ((x[0] - x[1]) ** 2 + (x[0] + x[1] - 10) ** 2 / 9 + (x[2] - 5) ** 2,
            [(48 - x[0] ** 2 - x[1] ** 2 - x[2] ** 2, 0, None)])


@problem(71, (1.0, 5.0, 5.0, 1.0), 17.0140173, lower=(1,) * 4, upper=(5,) * 4)
def _hs71(x, fn):
    return (x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2],
            [(x[0] * x[1] * x[2] * x[3], 25, None),
             (x[0] ** 2 + x[1] ** 2 + x[2] ** 2 + x[3] ** 2, 40, 40)])


@problem(76, (0.5, 0.5, 0.5, 0.5), -4.681818181, lower=(0,) * 4)
def _hs76(x, fn):
    return (x[0] ** 2 + 0.5 * x[1] ** 2 + x[2] ** 2 + 0.5 * x[3] ** 2 - x[0] * x[2]
            + x[2] * x[3] - x[0] - 3 * x[1] + x[2] - x[3],
            [(5 - x[0] - 2 * x[1] - x[2] - x[3], 0, None),
             (4 - 3 * x[0] - x[1] - 2 * x[2] + x[3], 0, None),
             (x[1] + 4 * x[2] - 1.5, 0, None)])


@problem(77, (2.0,) * 5, 0.24150513)
def _hs77(x, fn):
    return ((x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[2] - 1) ** 2 + (x[3] - 1) ** 4
            + (x[4] - 1) ** 6,
            [(x[0] ** 2 * x[3] + fn.sin(x[3] - x[4]) - 2 * SQRT2, 0, 0),
             (x[1] + x[2] ** 4 * x[3] ** 2 - 8 - SQRT2, 0, 0)])


def _hs78_constraints(x):
    return [(x[0] ** 2 + x[1] ** 2 + x[2] ** 2 + x[3] ** 2 + x[4] ** 2 - 10, 0, 0),
            (x[1] * x[2] - 5 * x[3] * x[4], 0, 0), (x[0] ** 3 + x[1] ** 3 + 1, 0, 0)]


@problem(78, (-2.0, 1.5, 2.0, -1.0, -1.0), -2.91970041)
def _hs78(x, fn):
    return x[0] * x[1] * x[2] * x[3] * x[4], _hs78_constraints(x)


@problem(79, (2.0,) * 5, 0.0787768209)
def _hs79(x, fn):
    return ((x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - x[3]) ** 4
            + (x[3] - x[4]) ** 4,
            [(x[0] + x[1] ** 2 + x[2] ** 3 - 2 - 3 * SQRT2, 0, 0),
             (x[1] - x[2] ** 2 + x[3] + 2 - 2 * SQRT2, 0, 0), (x[0] * x[4] - 2, 0, 0)])


_BOX_80 = dict(lower=(-2.3, -2.3, -3.2, -3.2, -3.2), upper=(2.3, 2.3, 3.2, 3.2, 3.2))


@problem(80, (-2.0, 2.0, 2.0, -1.0, -1.0), 0.0539498478, **_BOX_80)
def _hs80(x, fn):
    return fn.exp(x[0] * x[1] * x[2] * x[3] * x[4]), _hs78_constraints(x)


@problem(81, (-2.0, 2.0, 2.0, -1.0, -1.0), 0.0539498478, **_BOX_80)
def _hs81(x, fn):
    return (fn.exp(x[0] * x[1] * x[2] * x[3] * x[4]) - 0.5 * (x[0] ** 3 + x[1] ** 3 + 1) ** 2,
            _hs78_constraints(x))


@problem(100, (1.0, 2.0, 0.0, 4.0, 0.0, 1.0, 1.0), 680.6300573)
def _hs100(x, fn):
    return ((x[0] - 10) ** 2 + 5 * (x[1] - 12) ** 2 + x[2] ** 4 + 3 * (x[3] - 11) ** 2
            + 10 * x[4] ** 6 + 7 * x[5] ** 2 + x[6] ** 4 - 4 * x[5] * x[6] - 10 * x[5]
            - 8 * x[6],
            [(127 - 2 * x[0] ** 2 - 3 * x[1] ** 4 - x[2] - 4 * x[3] ** 2 - 5 * x[4], 0, None),
             (282 - 7 * x[0] - 3 * x[1] - 10 * x[2] ** 2 - x[3] + x[4], 0, None),
             (196 - 23 * x[0] - x[1] ** 2 - 6 * x[5] ** 2 + 8 * x[6], 0, None),
             (-4 * x[0] ** 2 - x[1] ** 2 + 3 * x[0] * x[1] - 2 * x[2] ** 2 - 5 * x[5]
              + 11 * x[6], 0, None)])


@problem(106, (5000.0, 5000.0, 5000.0, 200.0, 350.0, 150.0, 225.0, 425.0), 7049.24802,
         lower=(100, 1000, 1000, 10, 10, 10, 10, 10),
         upper=(10000, 10000, 10000, 1000, 1000, 1000, 1000, 1000))
def _hs106(x, fn):
    return (x[0] + x[1] + x[2],
            [(1 - 0.0025 * (x[3] + x[5]), 0, None), (1 - 0.0025 * (x[4] + x[6] - x[3]), 0, None),
             (1 - 0.01 * (x[7] - x[4]), 0, None),
             (x[0] * x[5] - 833.33252 * x[3] - 100 * x[0] + 83333.333, 0, None),
             (x[1] * x[6] - 1250 * x[4] - x[1] * x[3] + 1250 * x[3], 0, None),
             (x[2] * x[7] - 1250000 - x[2] * x[4] + 2500 * x[4], 0, None)])


@problem(113, (2.0, 3.0, 5.0, 5.0, 1.0, 2.0, 7.0, 3.0, 6.0, 10.0), 24.3062091)
def _hs113(x, fn):
    return (x[0] ** 2 + x[1] ** 2 + x[0] * x[1] - 14 * x[0] - 16 * x[1] + (x[2] - 10) ** 2
            + 4 * (x[3] - 5) ** 2 + (x[4] - 3) ** 2 + 2 * (x[5] - 1) ** 2 + 5 * x[6] ** 2
            + 7 * (x[7] - 11) ** 2 + 2 * (x[8] - 10) ** 2 + (x[9] - 7) ** 2 + 45,
            [(105 - 4 * x[0] - 5 * x[1] + 3 * x[6] - 9 * x[7], 0, None),
             (-10 * x[0] + 8 * x[1] + 17 * x[6] - 2 * x[7], 0, None),
             (8 * x[0] - 2 * x[1] - 5 * x[8] + 2 * x[9] + 12, 0, None),
             (-3 * (x[0] - 2) ** 2 - 4 * (x[1] - 3) ** 2 - 2 * x[2] ** 2 + 7 * x[3] + 120,
              0, None),
             (-5 * x[0] ** 2 - 8 * x[1] - (x[2] - 6) ** 2 + 2 * x[3] + 40, 0, None),
             (-0.5 * (x[0] - 8) ** 2 - 2 * (x[1] - 4) ** 2 - 3 * x[4] ** 2 + x[5] + 30, 0, None),
             (-x[0] ** 2 - 2 * (x[1] - 2) ** 2 + 2 * x[0] * x[1] - 14 * x[4] + 6 * x[5], 0, None),
             (3 * x[0] - 6 * x[1] - 12 * (x[8] - 8) ** 2 + 7 * x[9], 0, None)])


def solved(hs: HSProblem, fun: float | None, x, rtol: float = 1e-6,
           feasibility: float = 1e-6) -> bool:
    """True when ``x`` is feasible and its objective matches the known optimum."""
    if fun is None or x is None or not np.isfinite(fun):
        return False
    value, violation = evaluate(hs, x)
    return violation <= feasibility and abs(value - hs.f_star) <= rtol * max(1.0, abs(hs.f_star))
