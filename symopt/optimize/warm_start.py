"""Warm starts: remember the final basis of a model's LP and hand it to the next solve.

``symopt.solve(model, warm_start=True)`` solves as usual and keeps the final basis of
the LP (per model object, weakly referenced, so nothing outlives the model). The next
``solve(model, warm_start=True)`` — typically after a `Param` changed costs, bounds or
right-hand sides, as in a parameter sweep — passes that basis to HiGHS, which then
needs only the few pivots the change calls for. The basis is used only when the new LP
has the same columns and rows (by name, in order); otherwise the solve starts cold and
says so in ``Solution.warnings``. MILPs, nonlinear problems and the native LP methods do
not take a basis: asking for a warm start there adds a warning, never a silent no-op.
"""
from __future__ import annotations

import weakref
from typing import Any

__all__ = ["basis_for", "remember"]

_BASES: "weakref.WeakKeyDictionary[Any, tuple]" = weakref.WeakKeyDictionary()


def basis_for(owner: Any, lp: Any) -> tuple[tuple | None, str | None]:
    """``(basis, warning)``: the remembered basis for ``lp``, or why there is none."""
    if lp.is_mip:
        return None, "warm_start applies to LPs; this MILP was solved from scratch"
    try:
        saved = _BASES.get(owner)
    except TypeError:
        saved = None
    if saved is None:
        return None, None       # the first solve: nothing to reuse yet, nothing to warn of
    col_names, row_names, basis = saved
    if col_names != tuple(lp.col_names) or row_names != tuple(lp.row_names):
        return None, "warm_start: the LP's columns or rows changed, so it started cold"
    return basis, None


def remember(owner: Any, lp: Any, result: Any) -> None:
    """Keep ``result``'s final basis for the next warm solve of ``owner``."""
    col_basis, row_basis = result.get("col_basis"), result.get("row_basis")
    if col_basis is None or row_basis is None or lp.is_mip:
        return
    try:
        _BASES[owner] = (tuple(lp.col_names), tuple(lp.row_names), (col_basis, row_basis))
    except TypeError:
        pass    # an owner that cannot be weakly referenced gets no warm start
