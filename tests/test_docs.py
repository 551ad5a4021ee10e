"""The guides' Python examples run as written (README's are checked by test_readme.py, the
language guide's Python section by test_model.py): every block of a guide in order, in one
namespace, in a scratch folder holding a copy of the examples (the files they write land
there)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from snippets import PYTHON_BLOCK, run_blocks

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ["insight.md", "reports.md"]


@pytest.mark.parametrize("guide", GUIDES)
def test_the_guides_python_blocks_run(guide, tmp_path, monkeypatch, capsys):
    blocks = PYTHON_BLOCK.findall((ROOT / "docs" / guide).read_text())
    assert blocks, f"docs/{guide} has no Python example to check"
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    run_blocks(blocks, f"docs/{guide}")
