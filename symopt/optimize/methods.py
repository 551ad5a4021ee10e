"""The one capability table of symopt.optimize: every method of every front door.

Front doors dispatch through it (importing the implementing module on first use) and
reject unknown methods with the list of known ones; the router reads the capability
flags to choose a method. A method is listed only when it works.

>>> METHODS["minimize"]["bfgs"].uses_gradient
True
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from symopt.errors import InputError

__all__ = ["Method", "METHODS", "NOT_OFFERED", "lookup", "check_options"]


@dataclass(frozen=True)
class Method:
    """One solver method: where it lives and what it can handle."""

    module: str
    function: str
    bounds: bool = False
    constraints: bool = False       # general (in)equality constraints
    uses_gradient: bool = False     # benefits from an exact first derivative (jac)
    uses_hessian: bool = False      # benefits from an exact second derivative (hess / hessp)
    raw_constraints: bool = False   # takes the constraints as given (keeps sparse Jacobians)
    nonquadratic: bool = True       # False: quadratic programs only (constant Hessian, linear rows)
    summary: str = ""

    def load(self) -> Callable[..., Any]:
        return getattr(importlib.import_module(self.module), self.function)


_M = "symopt.optimize."

METHODS: dict[str, dict[str, Method]] = {
    "minimize": {
        "nelder-mead": Method(_M + "_nonlinear.nelder_mead", "minimize_nelder_mead", bounds=True,
                              summary="derivative-free simplex search"),
        "cg": Method(_M + "_nonlinear.cg", "minimize_cg", uses_gradient=True,
                     summary="nonlinear conjugate gradients (Polak-Ribiere+)"),
        "bfgs": Method(_M + "_nonlinear.bfgs", "minimize_bfgs", uses_gradient=True,
                       summary="quasi-Newton BFGS with a Wolfe line search"),
        "l-bfgs-b": Method(_M + "_nonlinear.lbfgsb", "minimize_lbfgsb", bounds=True, uses_gradient=True,
                           summary="limited-memory BFGS with bounds"),
        "newton-cg": Method(_M + "_nonlinear.newton_cg", "minimize_newton_cg", uses_gradient=True,
                            uses_hessian=True, summary="truncated Newton (line search)"),
        "trust-ncg": Method(_M + "_nonlinear.trust_ncg", "minimize_trust_ncg", uses_gradient=True,
                            uses_hessian=True, summary="Newton trust region, Steihaug CG"),
        "trust-exact": Method(_M + "_nonlinear.trust_exact", "minimize_trust_exact", uses_gradient=True,
                              uses_hessian=True, summary="Newton trust region, exact subproblem"),
        "slsqp": Method(_M + "_nonlinear.slsqp", "minimize_slsqp", bounds=True, constraints=True,
                        uses_gradient=True, summary="sequential quadratic programming"),
        "interior-point": Method(_M + "_nonlinear.interior_point", "minimize_interior_point",
                                 bounds=True, constraints=True, uses_gradient=True,
                                 uses_hessian=True, raw_constraints=True,
                                 summary="primal-dual barrier method (IPOPT family): sparse "
                                         "KKT systems, filter line search, restoration"),
        "highs-qp": Method(_M + "_nonlinear.highs_qp", "minimize_highs_qp", bounds=True,
                           constraints=True, uses_gradient=True, uses_hessian=True,
                           raw_constraints=True, nonquadratic=False,
                           summary="HiGHS's active-set QP solver: convex quadratic objective "
                                   "(checked), linear constraints"),
    },
    "root": {
        "hybr": Method(_M + "_systems.hybr", "root_hybr", uses_gradient=True,
                       summary="Powell hybrid dogleg with rank-one updates"),
        "lm": Method(_M + "_systems.root_lm", "root_lm", uses_gradient=True,
                     summary="Levenberg-Marquardt on the residuals"),
        "broyden1": Method(_M + "_systems.broyden", "root_broyden1", summary="Broyden's good method"),
        "broyden2": Method(_M + "_systems.broyden", "root_broyden2", summary="Broyden's bad method"),
        "newton": Method(_M + "_systems.newton", "root_newton", uses_gradient=True,
                         summary="damped Newton with the exact Jacobian"),
    },
    "least_squares": {
        "trf": Method(_M + "_systems.trf", "least_squares_trf", bounds=True, uses_gradient=True,
                      summary="trust-region reflective, bounds"),
        "lm": Method(_M + "_systems.lm", "least_squares_lm", uses_gradient=True,
                     summary="Levenberg-Marquardt (MINPACK style)"),
    },
    "linprog": {
        "simplex": Method(_M + "_linear.simplex", "solve_simplex", bounds=True, constraints=True,
                          summary="bounded revised dual simplex (bound flipping, Harris, "
                                  "steepest edge), primal clean-up, ranging"),
        "interior-point": Method(_M + "_linear.interior_point", "solve_interior_point", bounds=True,
                                 constraints=True,
                                 summary="presolve, homogeneous Mehrotra predictor-corrector, "
                                         "crossover to a basis"),
        "highs": Method(_M + "_linear.highs", "solve_highs", bounds=True, constraints=True,
                        summary="HiGHS, the default for LPs and MILPs (it picks its algorithm)"),
        "highs-ds": Method(_M + "_linear.highs", "solve_highs_ds", bounds=True, constraints=True,
                           summary="HiGHS dual simplex"),
        "highs-ipm": Method(_M + "_linear.highs", "solve_highs_ipm", bounds=True, constraints=True,
                            summary="HiGHS interior point with crossover"),
        "branch-and-bound": Method(_M + "_linear.branch_and_bound", "solve_milp", bounds=True,
                                   constraints=True,
                                   summary="symopt's own MILP branch and bound on native simplex "
                                           "nodes (no presolve, cuts or heuristics)"),
    },
}


#: scipy.optimize's methods that symopt.optimize does not offer: asking for one says so
#: (rather than calling a scipy name unknown)
NOT_OFFERED: dict[str, frozenset[str]] = {
    "minimize": frozenset({"powell", "cobyla", "cobyqa", "tnc", "trust-constr", "dogleg",
                           "trust-krylov"}),
    "root": frozenset({"anderson", "linearmixing", "diagbroyden", "excitingmixing", "krylov",
                       "df-sane"}),
    "least_squares": frozenset({"dogbox"}),
    "linprog": frozenset({"revised simplex"}),
}


def lookup(front_door: str, method: str) -> Method:
    """The method called ``method`` (case-insensitive) of ``front_door``, or a clear error.

    >>> lookup("minimize", "COBYLA")
    Traceback (most recent call last):
    ...
    symopt.errors.InputError: method 'COBYLA' of scipy's minimize is not offered by symopt.optimize; offered: bfgs, cg, interior-point, l-bfgs-b, nelder-mead, newton-cg, slsqp, trust-exact, trust-ncg
    """
    table = METHODS[front_door]
    key = str(method).lower()
    if key in table:
        return table[key]
    offered = ", ".join(sorted(table))
    if key in NOT_OFFERED.get(front_door, ()):
        raise InputError(f"method {method!r} of scipy's {front_door} is not offered by "
                         f"symopt.optimize; offered: {offered}")
    raise InputError(f"unknown method {method!r} for {front_door}; known methods: {offered}")


def check_options(options: Mapping[str, Any] | None, known: Iterable[str], what: str) -> None:
    """The one check of option names, with one wording, for every front door and method.

    >>> check_options({"maxiter": 5, "colour": 1}, ("maxiter", "tol"), "method 'bfgs' of minimize")
    Traceback (most recent call last):
    ...
    symopt.errors.InputError: unknown option 'colour' for method 'bfgs' of minimize; known options: maxiter, tol
    """
    known = set(known)
    unknown = sorted(set(options or ()) - known)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise InputError(f"unknown option{'s' if len(unknown) > 1 else ''} {names} for {what}; "
                         f"known options: {', '.join(sorted(known))}")
