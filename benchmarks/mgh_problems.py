"""Moré, Garbow & Hillstrom (1981) test problems, written from the paper's definitions.

J. J. Moré, B. S. Garbow, K. E. Hillstrom, "Testing Unconstrained Optimization Software",
ACM TOMS 7 (1981) 17-41. Each problem is a residual vector ``F(x)`` (length m) with
``f(x) = sum F_i(x)^2``, a standard start and the known minimum values (global, and the
local ones the paper lists).

Each residual function is written once, generically in ``op`` (``numpy`` or ``sympy``):
evaluated with numpy it is the residual; with sympy symbols it gives exact expressions
from which ``load()`` derives the exact Jacobian, gradient and Hessian and turns them into
numpy functions (a benchmark helper only; the symopt package never lambdifies user text).

>>> p = next(q for q in load() if q.name == "Rosenbrock")
>>> float(p.f(p.x0)), p.grad(p.x0).round(1).tolist()
(24.2, [-215.6, -88.0])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import sympy

__all__ = ["Problem", "load", "SPECS"]


@dataclass
class Problem:
    """One MGH problem with exact derivatives (numpy callables)."""

    name: str
    n: int
    m: int
    x0: np.ndarray
    minima: tuple[float, ...]           # known minimum values of f (global first)
    F: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    J: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    f: Callable[[np.ndarray], float] = field(repr=False)
    grad: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    hess: Callable[[np.ndarray], np.ndarray] = field(repr=False)

    @property
    def square(self) -> bool:
        return self.m == self.n

    def solved(self, fx: float, atol: float = 1e-8) -> bool:
        """True when ``fx`` reaches one of the known minima (``atol`` + 1e-4 relative)."""
        return bool(np.isfinite(fx)) and any(fx <= fs + atol + 1e-4 * abs(fs)
                                             for fs in self.minima)


def _sqrt(op: Any, v: Any) -> Any:
    return op.sqrt(v)


def rosenbrock(x, op):
    return [10 * (x[1] - x[0] ** 2), 1 - x[0]]


def freudenstein_roth(x, op):
    return [-13 + x[0] + ((5 - x[1]) * x[1] - 2) * x[1],
            -29 + x[0] + ((x[1] + 1) * x[1] - 14) * x[1]]


def powell_badly_scaled(x, op):
    return [1e4 * x[0] * x[1] - 1, op.exp(-x[0]) + op.exp(-x[1]) - 1.0001]


def brown_badly_scaled(x, op):
    return [x[0] - 1e6, x[1] - 2e-6, x[0] * x[1] - 2]


def beale(x, op):
    y = [1.5, 2.25, 2.625]
    return [y[i] - x[0] * (1 - x[1] ** (i + 1)) for i in range(3)]


def jennrich_sampson(x, op):
    return [2 + 2 * i - (op.exp(i * x[0]) + op.exp(i * x[1])) for i in range(1, 11)]


def helical_valley(x, op):
    if op is sympy:
        shift = sympy.Piecewise((sympy.Rational(1, 2), x[0] < 0), (0, True))
    else:
        shift = 0.5 if x[0] < 0 else 0.0
    theta = op.atan(x[1] / x[0]) / (2 * op.pi) + shift
    return [10 * (x[2] - 10 * theta), 10 * (op.sqrt(x[0] ** 2 + x[1] ** 2) - 1), x[2]]


def bard(x, op):
    y = [0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10,
         4.39]
    out = []
    for i in range(1, 16):
        u, v = i, 16 - i
        out.append(y[i - 1] - (x[0] + u / (v * x[1] + min(u, v) * x[2])))
    return out


def gaussian(x, op):
    y = [0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420,
         0.1295, 0.0540, 0.0175, 0.0044, 0.0009]
    return [x[0] * op.exp(-x[1] * ((8 - i) / 2 - x[2]) ** 2 / 2) - y[i - 1]
            for i in range(1, 16)]


def meyer(x, op):
    y = [34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744, 8261, 7030, 6005, 5147, 4427,
         3820, 3307, 2872]
    return [x[0] * op.exp(x[1] / (45 + 5 * i + x[2])) - y[i - 1] for i in range(1, 17)]


def box_3d(x, op):
    out = []
    for i in range(1, 11):
        t = 0.1 * i
        out.append(op.exp(-t * x[0]) - op.exp(-t * x[1])
                   - x[2] * (np.exp(-t) - np.exp(-10 * t)))
    return out


def powell_singular(x, op):
    return [x[0] + 10 * x[1], np.sqrt(5) * (x[2] - x[3]), (x[1] - 2 * x[2]) ** 2,
            np.sqrt(10) * (x[0] - x[3]) ** 2]


def wood(x, op):
    return [10 * (x[1] - x[0] ** 2), 1 - x[0], np.sqrt(90) * (x[3] - x[2] ** 2), 1 - x[2],
            np.sqrt(10) * (x[1] + x[3] - 2), (x[1] - x[3]) / np.sqrt(10)]


def kowalik_osborne(x, op):
    y = [0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246]
    u = [4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625]
    return [y[i] - x[0] * (u[i] ** 2 + u[i] * x[1]) / (u[i] ** 2 + u[i] * x[2] + x[3])
            for i in range(11)]


def brown_dennis(x, op):
    out = []
    for i in range(1, 21):
        t = i / 5
        out.append((x[0] + t * x[1] - np.exp(t)) ** 2
                   + (x[2] + x[3] * np.sin(t) - np.cos(t)) ** 2)
    return out


def osborne_1(x, op):
    y = [0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751, 0.718,
         0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490, 0.478, 0.467,
         0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406]
    return [y[i] - (x[0] + x[1] * op.exp(-10 * i * x[3]) + x[2] * op.exp(-10 * i * x[4]))
            for i in range(33)]


def biggs_exp6(x, op):
    out = []
    for i in range(1, 14):
        t = 0.1 * i
        y = np.exp(-t) - 5 * np.exp(-10 * t) + 3 * np.exp(-4 * t)
        out.append(x[2] * op.exp(-t * x[0]) - x[3] * op.exp(-t * x[1])
                   + x[5] * op.exp(-t * x[4]) - y)
    return out


def watson(x, op):
    n = len(x)
    out = []
    for i in range(1, 30):
        t = i / 29
        s1 = sum((j - 1) * x[j - 1] * t ** (j - 2) for j in range(2, n + 1))
        s2 = sum(x[j - 1] * t ** (j - 1) for j in range(1, n + 1))
        out.append(s1 - s2 ** 2 - 1)
    return out + [x[0], x[1] - x[0] ** 2 - 1]


def extended_rosenbrock(x, op):
    out = []
    for i in range(0, len(x), 2):
        out += [10 * (x[i + 1] - x[i] ** 2), 1 - x[i]]
    return out


def extended_powell(x, op):
    out = []
    for i in range(0, len(x), 4):
        out += powell_singular(x[i:i + 4], op)
    return out


def penalty_1(x, op):
    a = np.sqrt(1e-5)
    return [a * (xi - 1) for xi in x] + [sum(xi ** 2 for xi in x) - 0.25]


def penalty_2(x, op):
    n, a = len(x), np.sqrt(1e-5)
    out = [x[0] - 0.2]
    for i in range(2, n + 1):
        y = np.exp(i / 10) + np.exp((i - 1) / 10)
        out.append(a * (op.exp(x[i - 1] / 10) + op.exp(x[i - 2] / 10) - y))
    for i in range(n + 1, 2 * n):
        out.append(a * (op.exp(x[i - n] / 10) - np.exp(-1 / 10)))
    return out + [sum((n - j + 1) * x[j - 1] ** 2 for j in range(1, n + 1)) - 1]


def variably_dimensioned(x, op):
    s = sum((j + 1) * (x[j] - 1) for j in range(len(x)))
    return [xi - 1 for xi in x] + [s, s ** 2]


def trigonometric(x, op):
    n = len(x)
    c = sum(op.cos(xj) for xj in x)
    return [n - c + (i + 1) * (1 - op.cos(x[i])) - op.sin(x[i]) for i in range(n)]


def brown_almost_linear(x, op):
    n = len(x)
    s = sum(x)
    prod = 1
    for xj in x:
        prod = prod * xj
    return [x[i] + s - (n + 1) for i in range(n - 1)] + [prod - 1]


def discrete_boundary_value(x, op):
    n = len(x)
    h = 1 / (n + 1)
    out = []
    for i in range(n):
        t = (i + 1) * h
        left = x[i - 1] if i > 0 else 0
        right = x[i + 1] if i < n - 1 else 0
        out.append(2 * x[i] - left - right + h ** 2 * (x[i] + t + 1) ** 3 / 2)
    return out


def discrete_integral_equation(x, op):
    n = len(x)
    h = 1 / (n + 1)
    t = [(j + 1) * h for j in range(n)]
    cube = [(x[j] + t[j] + 1) ** 3 for j in range(n)]
    out = []
    for i in range(n):
        s1 = sum(t[j] * cube[j] for j in range(i + 1))
        s2 = sum((1 - t[j]) * cube[j] for j in range(i + 1, n))
        out.append(x[i] + h * ((1 - t[i]) * s1 + t[i] * s2) / 2)
    return out


def broyden_tridiagonal(x, op):
    n = len(x)
    return [(3 - 2 * x[i]) * x[i] - (x[i - 1] if i > 0 else 0)
            - 2 * (x[i + 1] if i < n - 1 else 0) + 1 for i in range(n)]


def broyden_banded(x, op):
    n = len(x)
    out = []
    for i in range(n):
        band = [j for j in range(max(0, i - 5), min(n - 1, i + 1) + 1) if j != i]
        out.append(x[i] * (2 + 5 * x[i] ** 2) + 1 - sum(x[j] * (1 + x[j]) for j in band))
    return out


def linear_full_rank(x, op, m=10):
    n = len(x)
    s = sum(x)
    return [x[i] - 2 * s / m - 1 for i in range(n)] + [-2 * s / m - 1 for _ in range(m - n)]


def chebyquad(x, op):
    n = len(x)
    out = []
    for i in range(1, n + 1):
        total = 0
        for xj in x:
            y = 2 * xj - 1
            t_prev, t_cur = 1, y
            for _ in range(i - 1):
                t_prev, t_cur = t_cur, 2 * y * t_cur - t_prev
            total = total + t_cur
        integral = -1 / (i * i - 1) if i % 2 == 0 else 0.0
        out.append(total / n - integral)
    return out


#: name, residual function, n, m, start, known minima of f
SPECS: list[tuple[str, Callable, int, int, list[float], tuple[float, ...]]] = [
    ("Rosenbrock", rosenbrock, 2, 2, [-1.2, 1.0], (0.0,)),
    ("Freudenstein-Roth", freudenstein_roth, 2, 2, [0.5, -2.0], (0.0, 48.9842)),
    ("Powell badly scaled", powell_badly_scaled, 2, 2, [0.0, 1.0], (0.0,)),
    ("Brown badly scaled", brown_badly_scaled, 2, 3, [1.0, 1.0], (0.0,)),
    ("Beale", beale, 2, 3, [1.0, 1.0], (0.0,)),
    ("Jennrich-Sampson", jennrich_sampson, 2, 10, [0.3, 0.4], (124.362,)),
    ("Helical valley", helical_valley, 3, 3, [-1.0, 0.0, 0.0], (0.0,)),
    ("Bard", bard, 3, 15, [1.0, 1.0, 1.0], (8.21487e-3, 17.4286)),
    ("Gaussian", gaussian, 3, 15, [0.4, 1.0, 0.0], (1.12793e-8,)),
    ("Meyer", meyer, 3, 16, [0.02, 4000.0, 250.0], (87.9458,)),
    ("Box 3-D", box_3d, 3, 10, [0.0, 10.0, 20.0], (0.0,)),
    ("Powell singular", powell_singular, 4, 4, [3.0, -1.0, 0.0, 1.0], (0.0,)),
    ("Wood", wood, 4, 6, [-3.0, -1.0, -3.0, -1.0], (0.0,)),
    ("Kowalik-Osborne", kowalik_osborne, 4, 11, [0.25, 0.39, 0.415, 0.39],
     (3.07505e-4, 1.02734e-3)),
    ("Brown-Dennis", brown_dennis, 4, 20, [25.0, 5.0, -5.0, -1.0], (85822.2,)),
    ("Osborne 1", osborne_1, 5, 33, [0.5, 1.5, -1.0, 0.01, 0.02], (5.46489e-5,)),
    ("Biggs EXP6", biggs_exp6, 6, 13, [1.0, 2.0, 1.0, 1.0, 1.0, 1.0], (0.0, 5.65565e-3)),
    ("Watson", watson, 6, 31, [0.0] * 6, (2.28767e-3,)),
    ("Extended Rosenbrock", extended_rosenbrock, 10, 10, [-1.2, 1.0] * 5, (0.0,)),
    ("Extended Powell", extended_powell, 8, 8, [3.0, -1.0, 0.0, 1.0] * 2, (0.0,)),
    ("Penalty I", penalty_1, 4, 5, [1.0, 2.0, 3.0, 4.0], (2.24997e-5,)),
    ("Penalty II", penalty_2, 4, 8, [0.5] * 4, (9.37629e-6,)),
    ("Variably dimensioned", variably_dimensioned, 10, 12, [1 - j / 10 for j in range(1, 11)],
     (0.0,)),
    ("Trigonometric", trigonometric, 10, 10, [0.1] * 10, (0.0, 2.79506e-5)),
    ("Brown almost-linear", brown_almost_linear, 10, 10, [0.5] * 10, (0.0, 1.0)),
    ("Discrete boundary value", discrete_boundary_value, 10, 10,
     [(j / 11) * (j / 11 - 1) for j in range(1, 11)], (0.0,)),
    ("Discrete integral equation", discrete_integral_equation, 10, 10,
     [(j / 11) * (j / 11 - 1) for j in range(1, 11)], (0.0,)),
    ("Broyden tridiagonal", broyden_tridiagonal, 10, 10, [-1.0] * 10, (0.0,)),
    ("Broyden banded", broyden_banded, 10, 10, [-1.0] * 10, (0.0,)),
    ("Linear full rank", linear_full_rank, 5, 10, [1.0] * 5, (5.0,)),
    ("Chebyquad", chebyquad, 8, 8, [j / 9 for j in range(1, 9)], (3.51687e-3,)),
]


def _build(name: str, residuals: Callable, n: int, m: int, x0: list[float],
           minima: tuple[float, ...]) -> Problem:
    """Differentiate each residual (not ``f``, whose expansion is costly): ``grad = 2 J'F``
    and ``hess = 2 (J'J + sum_i F_i hess(F_i))``, all exact."""
    xs = sympy.symbols(f"x0:{n}", real=True)
    F = [sympy.sympify(r) for r in residuals(list(xs), sympy)]
    if len(F) != m:
        raise ValueError(f"{name}: {len(F)} residuals, expected {m}")
    J = [[sympy.diff(r, v) for v in xs] for r in F]
    second = [[[sympy.diff(J[i][j], xs[k]) if k >= j else 0 for k in range(n)]
               for j in range(n)] for i in range(m)]
    modules = [{"atan": np.arctan}, "numpy"]
    F_num = sympy.lambdify([xs], F, modules)
    J_num = sympy.lambdify([xs], J, modules)
    S_num = sympy.lambdify([xs], second, modules)

    def residual(x: np.ndarray) -> np.ndarray:
        return np.asarray(F_num(np.asarray(x, dtype=float)), dtype=float).reshape(m)

    def jacobian(x: np.ndarray) -> np.ndarray:
        return np.asarray(J_num(np.asarray(x, dtype=float)), dtype=float).reshape(m, n)

    def hessian(x: np.ndarray) -> np.ndarray:
        upper = np.einsum("i,ijk->jk", residual(x),
                          np.asarray(S_num(np.asarray(x, dtype=float)), dtype=float))
        Jx = jacobian(x)
        return 2 * (Jx.T @ Jx + upper + np.triu(upper, 1).T)

    return Problem(name, n, m, np.array(x0, dtype=float), minima, residual, jacobian,
                   lambda x: float(np.sum(residual(x) ** 2)),
                   lambda x: 2 * jacobian(x).T @ residual(x), hessian)


def load(names: list[str] | None = None) -> list[Problem]:
    """Build the problems (all, or those named), deriving exact derivatives with sympy."""
    return [_build(*spec) for spec in SPECS if names is None or spec[0] in names]
