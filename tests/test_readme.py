"""README's snippets run as written: every Python block in order, every `symopt` command line.

Python blocks share one namespace, as a reader running them in one session would. Command
lines run through the real entry point in a scratch folder that sees the repository's
examples (the files they write, such as production.mps, land there).
"""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from snippets import run_blocks
from symopt.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
PYTHON = [code for lang, code in BLOCKS if lang == "python"]
COMMANDS = [line.split("#")[0].strip() for lang, code in BLOCKS if lang == ""
            for line in code.splitlines() if line.startswith("symopt ")]


def test_the_readme_has_snippets_to_check():
    assert len(PYTHON) >= 3 and len(COMMANDS) >= 4


def test_python_snippets_run_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    namespace = run_blocks(PYTHON, "README")
    # the answers the transport snippet states in its comments
    assert namespace["result"].objective == pytest.approx(153.675)


def test_command_lines_run(tmp_path, monkeypatch, capsys):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS:
        code = main(shlex.split(command)[1:])
        assert code == 0, f"`{command}` exited {code}: {capsys.readouterr().err[-500:]}"
