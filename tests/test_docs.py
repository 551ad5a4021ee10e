"""The guides' Python examples run as written (README's are checked by test_readme.py, the
language guide's Python section by test_model.py): every block of a guide in order, in one
namespace, from the repository root, writing its files into a scratch folder."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ["insight.md", "reports.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_python_blocks_run(guide, tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / guide).read_text(), re.S)
    assert blocks, f"docs/{guide} has no Python example to check"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__guide__"}
    for number, code in enumerate(blocks, 1):
        try:
            exec(compile(code, f"docs/{guide} block {number}", "exec"), namespace)
        except Exception as exc:  # the block's number and error, not a bare traceback
            pytest.fail(f"docs/{guide} python block {number} fails: {type(exc).__name__}: {exc}")
