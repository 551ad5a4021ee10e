"""A fast feasibility oracle for the IIS deletion filter: one HiGHS instance, hot starts.

The deletion filter of `symopt.optimize._linear.infeasibility.find_iis` asks, dozens of
times, whether the LP restricted to some rows and column bounds is infeasible. Building
and solving a fresh LP for each question costs a model hand-over and a cold start
every time. Here the zero-objective LP is given to HiGHS once; each question only
relaxes or restores the bounds that changed since the last one (``changeRowsBounds``,
``changeColsBounds``) and HiGHS re-solves from its previous basis, usually in a few dual
simplex pivots. Presolve stays off so that every "infeasible" comes with HiGHS's dual
ray, which is checked as a Farkas certificate before it is believed; a question the
simplex leaves undecided is asked again with presolve (an answer without a ray).

>>> import numpy as np
>>> from symopt.optimize.linear_program import LinearProgram
>>> lp = LinearProgram.from_arrays(c=[1, 1], A=[[1, 1], [1, 1]],
...     row_lower=[-np.inf, 5], row_upper=[3, np.inf])
>>> oracle = HighsFeasibility(lp)
>>> oracle(np.array([True, True]), np.array([True, True]))[0]
True
>>> oracle(np.array([True, False]), np.array([True, True]))[0]
False
"""
from __future__ import annotations

from dataclasses import replace

import highspy
import numpy as np

from symopt.optimize._linear.highs import highs_model, new_highs
from symopt.optimize.linear_program import LinearProgram

__all__ = ["HighsFeasibility"]

_S = highspy.HighsModelStatus


class HighsFeasibility:
    """``oracle(rows, cols) -> (infeasible, farkas)`` for masks of kept rows and bounds."""

    def __init__(self, lp: LinearProgram):
        self.lp = lp
        m, n = lp.A.shape
        self.h = new_highs()
        self.h.setOptionValue("presolve", "off")
        self.h.setOptionValue("solver", "simplex")
        zero = replace(lp, c=np.zeros(n), offset=0.0, sense="min", integrality=None)
        self.h.passModel(highs_model(zero))
        self.rows, self.cols = np.ones(m, bool), np.ones(n, bool)

    def __call__(self, rows: np.ndarray, cols: np.ndarray) -> tuple[bool, np.ndarray | None]:
        from symopt.optimize._linear.infeasibility import believed_certificate
        self._sync(rows, cols)
        self.h.run()
        status = self.h.getModelStatus()
        if status not in (_S.kOptimal, _S.kInfeasible):
            self.h.setOptionValue("presolve", "on")    # undecided: ask again with presolve
            self.h.run()
            self.h.setOptionValue("presolve", "off")
            return self.h.getModelStatus() == _S.kInfeasible, None
        if status != _S.kInfeasible:
            return False, None
        _, found, ray = self.h.getDualRay()
        if not found:
            return True, None
        return believed_certificate(self.lp, rows, cols, np.asarray(ray, dtype=float))

    def _sync(self, rows: np.ndarray, cols: np.ndarray) -> None:
        lp = self.lp
        for kept, before, lower, upper, change in (
                (rows, self.rows, lp.row_lower, lp.row_upper, self.h.changeRowsBounds),
                (cols, self.cols, lp.col_lower, lp.col_upper, self.h.changeColsBounds)):
            changed = np.flatnonzero(kept != before)
            if changed.size:    # a dropped row or column is freed, a kept one restored
                keep = kept[changed]
                change(changed.size, changed.astype(np.int32),
                       np.where(keep, lower[changed], -np.inf),
                       np.where(keep, upper[changed], np.inf))
        self.rows, self.cols = rows.copy(), cols.copy()
