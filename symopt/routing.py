"""Routing: which `symopt.optimize` front door and method solve a problem, and why.

One table decides: the capability flags of ``symopt.optimize.methods.METHODS``. The
default choice per problem class is

=========================  ====================================================
problem class              front door and method
=========================  ====================================================
LP, MILP                   ``solve_lp`` (its default method; ``highs`` if asked)
unconstrained NLP          ``minimize``: ``trust-exact`` with the exact Hessian
                           (n <= 200), ``trust-ncg`` with exact sparse Hessian
                           products (sparse Hessian), else ``l-bfgs-b``
bound-constrained NLP      ``minimize``: ``interior-point`` with the exact sparse
                           Hessian (n >= 1000, sparse Hessian), else ``l-bfgs-b``
... a sum of squares       ``least_squares`` on the residuals (n <= 200, dense
                           Jacobian): ``lm``, or ``trf`` when there are bounds
constrained NLP            ``minimize``: ``interior-point`` (sparse exact Jacobian and
                           Lagrangian Hessian); a quadratic program (quadratic
                           objective, linear constraints) to ``tol=1e-12``
a convex QP, n < 300       ``minimize``: ``highs-qp`` (HiGHS's QP solver; bounds
                           only or linear constraints, Hessian checked PSD)
equations                  ``root``: ``hybr`` with the exact Jacobian
fit                        ``curve_fit``: ``lm``, or ``trf`` when there are bounds
=========================  ====================================================

A user may force the front door (``solver``) and the method; a method that cannot
handle the problem (bounds, constraints) raises a `RoutingError` listing those that can.

>>> plan = route(Structure.describe("unconstrained NLP", "no constraints", 2))
>>> plan.front_door, plan.method
('minimize', 'trust-exact')
>>> route(Structure.describe("constrained NLP", "a constraint", 2), method="bfgs")
Traceback (most recent call last):
...
symopt.errors.RoutingError: method 'bfgs' of minimize cannot handle general constraints (the problem is a constrained NLP); methods that can: interior-point, slsqp
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from symopt.analysis import PROBLEM_CLASSES, Structure
from symopt.errors import InputError, RoutingError
from symopt.optimize.methods import METHODS, lookup

__all__ = ["Plan", "route", "CLASSES"]

#: each problem class of `symopt.analysis` -> the front doors that can solve it
CLASSES = {
    "LP": ("linprog",), "MILP": ("linprog",),
    "unconstrained NLP": ("minimize", "least_squares"),
    "bound-constrained NLP": ("minimize", "least_squares"),
    "constrained NLP": ("minimize",), "equations": ("root", "least_squares"),
    "fit": ("curve_fit", "least_squares"),
}
assert tuple(CLASSES) == PROBLEM_CLASSES, "every class of symopt.analysis has its front doors"
DENSE_NEWTON_LIMIT = 200          # trust-exact factorizes a dense n x n Hessian
SPARSE_HESSIAN_PER_COLUMN = 50    # trust-ncg when the Hessian has at most this many nnz / column
LEAST_SQUARES_LIMIT = 200         # least_squares works with a dense residual Jacobian ...
DENSE_JACOBIAN_ENTRIES = 4_000_000  # ... of at most this many entries (32 MB)
QP_TOL = 1e-12                    # interior-point tolerance for a recognized quadratic program
BOUNDED_INTERIOR_POINT_FROM = 1000  # bounds only: interior-point from this many variables
QP_HIGHS_LIMIT = 300              # a convex QP with fewer variables goes to HiGHS's QP solver


@dataclass(frozen=True)
class Plan:
    """The routing decision: class and why, front door, method and why, options."""

    problem_class: str
    class_reason: str
    front_door: str
    method: str | None
    method_reason: str
    options: dict = field(default_factory=dict)

    @property
    def solver(self) -> str:
        return f"symopt.optimize.{'solve_lp' if self.front_door == 'linprog' else self.front_door}"

    def explain(self) -> str:
        """A few lines naming the class, why, and the solver and method chosen, and why."""
        method = self.method or "its default method"
        lines = [f"problem class: {self.problem_class}",
                 f"  because {self.class_reason}" if self.class_reason else "",
                 f"solver: {self.solver}, method: {method}",
                 f"  because {self.method_reason}"]
        if self.options:
            lines.append("options: " + ", ".join(f"{k}={v!r}" for k, v in self.options.items()))
        return "\n".join(line for line in lines if line)


def _default(problem_class: str, num_variables: int, hessian_nnz: int | None,
             has_bounds: bool, squares: bool = False, quadratic: bool = False,
             convex: bool | None = None) -> tuple[str, str | None, str]:
    if squares and problem_class.endswith("NLP") and num_variables <= LEAST_SQUARES_LIMIT:
        method = "trf" if has_bounds else "lm"
        return ("least_squares", method,
                "the objective is a sum of squares: "
                + ("trust-region reflective (bounds)" if has_bounds else "Levenberg-Marquardt")
                + " on the residuals with their exact Jacobian")
    if problem_class in ("LP", "MILP"):
        return "linprog", None, "linear objective and constraints: solve_lp with its default method"
    if quadratic and convex and num_variables < QP_HIGHS_LIMIT:
        return ("minimize", "highs-qp",
                f"a convex quadratic program (its constant Hessian is positive semidefinite) "
                f"with {num_variables} variables (< {QP_HIGHS_LIMIT}): HiGHS's active-set QP "
                "solver, faster than the interior point at this size (benchmarks/qp.py)")
    if problem_class == "constrained NLP" and quadratic:
        return ("minimize", "interior-point",
                "a quadratic program (quadratic objective, linear constraints): the "
                f"interior-point method with the exact Hessian, to tol={QP_TOL:g} so the "
                "objective is accurate to about 1e-9 relative" + _convexity_note(
                    num_variables, convex))
    if problem_class == "constrained NLP":
        return ("minimize", "interior-point",
                "general constraints: the primal-dual interior-point method with the exact "
                "sparse Jacobian and Hessian of the Lagrangian")
    if problem_class == "bound-constrained NLP":
        return _bounded(num_variables, hessian_nnz, quadratic, convex)
    if problem_class == "equations":
        return "root", "hybr", "a square system of equations: Powell's hybrid method with the exact Jacobian"
    if problem_class == "fit":
        if has_bounds:
            return "curve_fit", "trf", "a least-squares fit with bounded parameters: trust-region reflective"
        return "curve_fit", "lm", "a least-squares fit: Levenberg-Marquardt with the exact Jacobian"
    if num_variables <= DENSE_NEWTON_LIMIT:
        return ("minimize", "trust-exact",
                f"{num_variables} variables (<= {DENSE_NEWTON_LIMIT}): Newton trust region with the exact Hessian")
    per_column = (hessian_nnz or 0) / max(num_variables, 1)
    if hessian_nnz is not None and per_column <= SPARSE_HESSIAN_PER_COLUMN:
        return ("minimize", "trust-ncg",
                f"{num_variables} variables with a sparse Hessian ({hessian_nnz} nonzeros): "
                "Newton-CG trust region with exact Hessian-vector products")
    return ("minimize", "l-bfgs-b",
            f"{num_variables} variables and a dense Hessian: limited-memory BFGS with the exact gradient")


def _convexity_note(num_variables: int, convex: bool | None) -> str:
    if num_variables >= QP_HIGHS_LIMIT:
        return ""
    if convex is None:
        return (f" (with fewer than {QP_HIGHS_LIMIT} variables, solve() hands a QP whose compiled"
                " Hessian proves positive semidefinite to HiGHS's QP solver instead)")
    return "; the Hessian is not positive semidefinite, so not HiGHS's convex QP solver"


def _bounded(num_variables: int, hessian_nnz: int | None, quadratic: bool = False,
             convex: bool | None = None) -> tuple[str, str, str]:
    """Bounds only: the interior point with the exact sparse Hessian once the problem is
    large and its Hessian sparse (benchmarks/bound_constrained.py: from 10^3 variables it is
    as fast or faster than L-BFGS-B and ends optimal where L-BFGS-B stops 'inaccurate'),
    L-BFGS-B below that or with a dense Hessian (no n x n factorization)."""
    per_column = (hessian_nnz or 0) / max(num_variables, 1)
    if (num_variables >= BOUNDED_INTERIOR_POINT_FROM and hessian_nnz is not None
            and per_column <= SPARSE_HESSIAN_PER_COLUMN):
        return ("minimize", "interior-point",
                f"only bounds, {num_variables} variables (>= {BOUNDED_INTERIOR_POINT_FROM}) and "
                f"a sparse Hessian ({hessian_nnz} nonzeros, {per_column:.1f} per column): the "
                "interior-point method with the exact sparse Hessian, which beats L-BFGS-B at "
                "this size (see benchmarks/bound_constrained.py)"
                + (f"; a quadratic objective: to tol={QP_TOL:g}" if quadratic else ""))
    why = (f"{num_variables} variables (< {BOUNDED_INTERIOR_POINT_FROM})"
           if num_variables < BOUNDED_INTERIOR_POINT_FROM else
           f"a dense Hessian ({per_column:.0f} nonzeros per column)" if hessian_nnz is not None
           else "no Hessian pattern known")
    return ("minimize", "l-bfgs-b",
            f"only bounds on the variables and {why}: L-BFGS-B handles the bounds directly"
            + (_convexity_note(num_variables, convex) if quadratic else ""))


def _check_method(problem_class: str, front_door: str, method: str, has_bounds: bool,
                  quadratic: bool = False) -> str:
    try:
        entry = lookup(front_door, method)
    except InputError as exc:
        raise RoutingError(str(exc)) from None
    needs = []
    if problem_class == "constrained NLP":
        needs.append(("constraints", "general constraints"))
    if has_bounds or problem_class == "bound-constrained NLP":
        needs.append(("bounds", "bounds on the variables"))
    if not quadratic:
        needs.append(("nonquadratic", "a non-quadratic objective or nonlinear constraints"))
    table = METHODS[front_door]
    for flag, words in needs:
        if not getattr(entry, flag):
            able = sorted(name for name, m in table.items()
                          if all(getattr(m, f) for f, _ in needs))
            raise RoutingError(f"method {method!r} of {front_door} cannot handle {words} "
                               f"(the problem is a {problem_class}); methods that can: "
                               f"{', '.join(able) or 'none'}")
    return method.lower()


def _resolve_solver(solver: str, method: str | None) -> tuple[str, str | None]:
    """Accept a front door name, or a method name given as the solver (``solver='highs'``)."""
    name = solver.lower().replace("solve_lp", "linprog")
    if name in METHODS or name == "curve_fit":
        return name, method
    doors = [door for door, table in METHODS.items() if name in table]
    if len(doors) == 1 and method is None:
        return doors[0], name
    raise RoutingError(f"unknown solver {solver!r}; expected one of "
                       f"{', '.join(sorted([*METHODS, 'curve_fit']))} or a method name of one")


def route(structure: Structure, solver: str | None = None, method: str | None = None,
          options: dict | None = None, *, num_variables: int | None = None,
          hessian_nnz: int | None = None, has_bounds: bool | None = None,
          convex: bool | None = None) -> Plan:
    """Choose the front door and method for ``structure``, an analysis `Structure` (from
    `symopt.analysis.analyze` or `Structure.describe`). Keyword figures override what the
    structure says (a compiled problem may know them exactly); ``convex`` tells whether a
    quadratic program's constant Hessian is positive semidefinite (None: not known).
    """
    if not isinstance(structure, Structure):
        raise TypeError(f"route takes a symopt.analysis.Structure, got {type(structure).__name__}"
                        " (use Structure.describe for a problem without a model)")
    problem_class = structure.problem_class
    reason = "; ".join(structure.reasons)
    n = num_variables if num_variables is not None else structure.num_variables
    bounded = bool(has_bounds if has_bounds is not None else structure.has_bounds)
    residuals = len(structure.objective_nonlinear)
    squares = (structure.sum_of_squares
               and n * max(residuals, 1) <= DENSE_JACOBIAN_ENTRIES)
    quadratic = bool(getattr(structure, "quadratic_program", False))
    door, chosen, why = _default(problem_class, n, hessian_nnz, bounded, squares, quadratic,
                                 convex)
    options = dict(options or {})
    if quadratic and method is None and solver is None and chosen == "interior-point":
        options.setdefault("tol", QP_TOL)
    if door == "least_squares" and chosen == "lm" and 0 < residuals < n:   # lm needs m >= n
        chosen, why = "trf", (f"the objective is a sum of {residuals} square(s) in {n} "
                              "variables: trust-region reflective (Levenberg-Marquardt needs "
                              "at least as many residuals as variables)")
    if solver is None and method is not None and method.lower() not in _table(door):
        door = next((d for d in CLASSES[problem_class] if method.lower() in _table(d)), door)
    if solver is not None:
        door_forced, method = _resolve_solver(solver, method)
        if door_forced not in CLASSES[problem_class]:
            raise RoutingError(f"solver {solver!r} cannot solve a {problem_class}; use "
                               f"{' or '.join(CLASSES[problem_class])}")
        if door_forced != door:
            door, chosen = door_forced, None
            why = f"the solver {door} was asked for"
    if method is not None:
        chosen = _check_method(problem_class, "least_squares" if door == "curve_fit" else door,
                               method, bounded, quadratic)
        why = f"the method {chosen!r} was asked for"
    elif chosen is None and door in ("minimize", "root"):   # a solver asked for, no method
        default_door, default_method, _ = _default(problem_class, n, hessian_nnz, bounded)
        chosen = default_method if default_door == door else \
            ("hybr" if door == "root" else "l-bfgs-b" if bounded else "bfgs")
    elif chosen is None and door in ("least_squares", "curve_fit"):
        chosen = "trf" if bounded else "lm"
    return Plan(problem_class, reason, door, chosen, why, options)


def _table(door: str) -> dict:
    return METHODS.get("least_squares" if door == "curve_fit" else door, {})
