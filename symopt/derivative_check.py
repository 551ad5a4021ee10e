"""`check_derivatives`: hand-written gradients and Hessians held against the exact ones.

A wrong derivative is the commonest reason a solver stalls, and finite differences (what
``scipy.optimize.check_grad`` offers) can only say "roughly". Given the function
symbolically, symopt knows the exact derivatives, so it can name the entry that is wrong
and by how much. The reference is:

* the **exact** derivative when ``fun`` is a sympy expression or a `Model` (its objective);
* **central finite differences** when ``fun`` is a plain Python callable (said so in the
  result, with a looser default tolerance).

>>> import sympy as sp
>>> x, y = sp.symbols("x y")
>>> f = (1 - x)**2 + 100*(y - x**2)**2
>>> good = lambda v: [-2*(1 - v[0]) - 400*v[0]*(v[1] - v[0]**2), 200*(v[1] - v[0]**2)]
>>> bad = lambda v: [-2*(1 - v[0]) - 400*v[0]*(v[1] - v[0]**2), 100*(v[1] - v[0]**2)]
>>> check_derivatives(f, good, x=[0.5, 0.3], variables=[x, y]).ok
True
>>> print(check_derivatives(f, bad, x=[0.5, 0.3], variables=[x, y]))
gradient: WRONG at y: 5, the exact value is 10 (error 5; exact reference)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from symopt.errors import InputError

__all__ = ["check_derivatives", "DerivativeCheck", "Comparison"]


@dataclass(frozen=True)
class Comparison:
    """One derivative compared entry by entry with its reference."""

    name: str                    # "gradient" or "hessian"
    ok: bool
    max_error: float
    worst: str                   # the worst entry, in the variables' names
    given: float
    reference: float

    def __str__(self) -> str:
        if self.ok:
            return (f"{self.name}: agrees (largest error {self.max_error:.1e}, at "
                    f"{self.worst})")
        return (f"{self.name}: WRONG at {self.worst}: {self.given:.6g}, the exact value is "
                f"{self.reference:.6g} (error {self.max_error:.2g}")


@dataclass(frozen=True)
class DerivativeCheck:
    """The outcome: one `Comparison` per derivative given, and what they were checked against."""

    comparisons: list[Comparison] = field(default_factory=list)
    reference: str = "exact"     # "exact" or "finite differences"

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)

    def __str__(self) -> str:
        suffix = "; exact reference)" if self.reference == "exact" else "; finite differences)"
        return "\n".join(str(c) + (suffix if not c.ok else "") for c in self.comparisons)


def check_derivatives(fun: Any, jac: Callable | None = None, hess: Callable | None = None,
                      x: Sequence[float] | None = None, *, variables: Sequence[Any] | None = None,
                      rtol: float | None = None, atol: float = 1e-8) -> DerivativeCheck:
    """Compare ``jac(x)`` and ``hess(x)`` with the derivatives of ``fun`` at ``x``.

    Parameters
    ----------
    fun : sympy expression, `Model` or callable
        The function. A sympy expression needs ``variables`` (the symbols, in the order of
        ``x``); a Model's objective is taken in the order of ``analyze(model).variables``.
    jac, hess : callable, optional
        The user's gradient ``jac(x) -> (n,)`` and Hessian ``hess(x) -> (n, n)``.
    x : sequence of float
        The point.
    rtol, atol : float
        An entry passes when ``|given - reference| <= atol + rtol * |reference|``;
        ``rtol`` defaults to 1e-8 against exact derivatives and 1e-4 against finite
        differences.
    """
    if x is None:
        raise InputError("check_derivatives needs the point x at which to compare")
    if jac is None and hess is None:
        raise InputError("check_derivatives needs jac or hess (or both) to check")
    point = np.asarray(x, dtype=float).ravel()
    names, gradient, hessian, reference = _references(fun, variables, point)
    rtol = (1e-8 if reference == "exact" else 1e-4) if rtol is None else rtol
    comparisons = []
    if jac is not None:
        given = _call(jac, point, (point.size,), "jac")
        comparisons.append(_compare("gradient", given, gradient(point), names, rtol, atol))
    if hess is not None:
        given = _call(hess, point, (point.size, point.size), "hess")
        comparisons.append(_compare("hessian", given, hessian(point), names, rtol, atol))
    return DerivativeCheck(comparisons, reference)


def _references(fun: Any, variables: Any, point: np.ndarray) -> tuple:
    """Names of the variables and reference gradient/Hessian functions of ``fun``."""
    if hasattr(fun, "objectives") and hasattr(fun, "variables"):
        from symopt.analysis import analyze
        from symopt.compile.from_model import compile_model
        structure = analyze(fun)
        program = compile_model(structure)
        names = [v.name for v in structure.variables]
        _check_size(point, len(names))
        return (names, program.objective.gradient,
                lambda z: program.objective.hessian_dense(z, np.array([1.0])), "exact")
    if callable(fun) and not hasattr(fun, "free_symbols"):
        from symopt.optimize.finite_differences import approx_derivative
        names = [f"x[{i}]" for i in range(point.size)]

        def gradient(z: np.ndarray) -> np.ndarray:
            return np.asarray(approx_derivative(fun, z, method="3-point"), dtype=float).ravel()
        return (names, gradient,
                lambda z: np.asarray(approx_derivative(gradient, z, method="3-point")),
                "finite differences")
    if variables is None:
        raise InputError("check_derivatives of a sympy expression needs variables=[...] "
                         "(its symbols, in the order of x)")
    from symopt.compile.from_sympy import compile_minimize
    program = compile_minimize(fun, list(variables), point)
    _check_size(point, len(variables))
    return ([str(v) for v in variables], program.objective.gradient,
            lambda z: program.objective.hessian_dense(z, np.array([1.0])), "exact")


def _check_size(point: np.ndarray, n: int) -> None:
    if point.size != n:
        raise InputError(f"x has {point.size} entries but the function has {n} variables")


def _call(function: Callable, point: np.ndarray, shape: tuple, label: str) -> np.ndarray:
    value = np.asarray(function(point.copy()), dtype=float)
    if value.size != int(np.prod(shape)):
        raise InputError(f"{label}(x) returned shape {value.shape}; expected {shape}")
    return value.reshape(shape)


def _compare(label: str, given: np.ndarray, reference: np.ndarray, names: list[str],
             rtol: float, atol: float) -> Comparison:
    reference = np.asarray(reference, dtype=float).reshape(given.shape)
    error = np.abs(given - reference)
    excess = error - (atol + rtol * np.abs(reference))
    worst = np.unravel_index(int(np.argmax(excess)), given.shape)
    where = ", ".join(names[i] for i in worst) if given.ndim == 2 else names[worst[0]]
    return Comparison(label, bool(np.all(excess <= 0)), float(error[worst]), where,
                      float(given[worst]), float(reference[worst]))
