"""`OptimizeResult`: scipy's result object, a dict with attribute access.

>>> r = OptimizeResult(x=[1.0], fun=0.5, success=True, status=0, message="ok")
>>> r.fun
0.5
>>> r["status"]
0
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["OptimizeResult", "OptimizeWarning"]


class OptimizeWarning(UserWarning):
    """A solve finished but something about its answer is doubtful (as scipy's)."""


class OptimizeResult(dict):
    """The result of a solve: ``x``, ``fun``, ``success``, ``status``, ``message`` and more.

    Which fields exist depends on the solver, as in scipy; ``keys()`` lists them.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    __setattr__ = dict.__setitem__  # type: ignore[assignment]
    __delattr__ = dict.__delitem__  # type: ignore[assignment]

    def __repr__(self) -> str:
        if not self:
            return f"{type(self).__name__}()"
        width = max(len(str(k)) for k in self) + 1
        with np.printoptions(threshold=20, edgeitems=3, precision=8):
            lines = []
            for key, value in sorted(self.items(), key=lambda kv: str(kv[0])):
                text = repr(value).replace("\n", "\n" + " " * (width + 2))
                lines.append(f"{str(key).rjust(width)}: {text}")
        return "\n".join(lines)

    def __dir__(self) -> list[str]:
        return list(self.keys())
