"""Running a document's Python examples as a reader would: in order, in one namespace."""
from __future__ import annotations

import re

import pytest

PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def run_blocks(blocks: list[str], where: str) -> dict:
    """Execute ``blocks`` in one namespace; a failure names the block and its error."""
    namespace: dict = {"__name__": "__snippets__"}
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"{where} python block {number}", "exec"), namespace)
        except Exception as exc:  # the block's number and error, not a bare traceback
            pytest.fail(f"{where} python block {number} fails: {type(exc).__name__}: {exc}")
    return namespace
