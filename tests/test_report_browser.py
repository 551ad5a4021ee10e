"""The HTML report opened in a real headless browser (Debian's chromium).

A small probe script is appended to a copy of each page; after the page's load event it
records on <body> how many tables exist and how many images decoded to a non-empty
picture. chromium's --dump-dom prints the DOM after that, and --screenshot takes a
picture of the page. Skipped when chromium is not installed.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from report_oracle import (
    map_back,
    exponential_fit_solution, infeasible_lp, production_lp, rosenbrock_solution, scipy_solve_lp,
)
from symopt.report import plots, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

PROBE = """<script>
window.addEventListener('load', () => {
  const images = Array.from(document.images);
  const loaded = images.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0);
  document.body.setAttribute('data-images', images.length + '/' + loaded.length);
  document.body.setAttribute('data-tables', document.querySelectorAll('table tbody tr').length);
});
</script>"""


def chromium_command(profile: Path, *args: str) -> list[str]:
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--virtual-time-budget=5000", *args]


def lp_solution():
    lp = production_lp()
    return map_back(lp, scipy_solve_lp(lp), scipy_solve_lp)


def infeasible_solution():
    lp = infeasible_lp()
    return map_back(lp, scipy_solve_lp(lp), scipy_solve_lp)


KINDS = {
    "lp": (lp_solution, ["variables", "constraints", "cost-ranging", "rhs-ranging"], 1),
    "infeasible": (infeasible_solution, ["iis-constraints"], 0),
    "fit": (exponential_fit_solution, ["parameters", "correlation", "residuals"], 1),
    "nlp": (rosenbrock_solution, ["variables", "constraints"], 1),
}


@pytest.fixture(scope="module")
def browser_runs(tmp_path_factory):
    """Every page's DOM after load, and a screenshot, from chromium runs made side by side."""
    folder = tmp_path_factory.mktemp("browser")
    running = {}
    for kind, (make, _, _) in KINDS.items():
        probe = folder / f"{kind}.html"
        probe.write_text(render(make(), "html").replace("</body>", PROBE + "</body>"),
                         encoding="utf-8")
        running[kind] = subprocess.Popen(
            chromium_command(folder / f"profile-{kind}", "--dump-dom", probe.as_uri()),
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    shot = folder / "shot.png"
    running["screenshot"] = subprocess.Popen(
        chromium_command(folder / "profile-shot", f"--screenshot={shot}", "--window-size=1200,900",
                         (folder / "lp.html").as_uri()),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    outputs = {kind: process.communicate(timeout=120)[0] for kind, process in running.items()}
    outputs["screenshot"] = shot.read_bytes() if shot.exists() else b""
    return outputs


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_html_report_renders_in_chromium(kind, browser_runs):
    _, tables, pictures = KINDS[kind]
    if not plots.matplotlib_available():
        pictures = 0
    dom = browser_runs[kind]
    body = re.search(r"<body[^>]*>", dom)
    assert body, f"chromium printed no DOM: {dom[:200]!r}"
    for key in tables:
        assert f'id="{key}"' in dom, key
    assert f'data-images="{pictures}/{pictures}"' in body.group(0)
    rows = int(re.search(r'data-tables="(\d+)"', body.group(0)).group(1))
    assert rows >= len(tables)


def test_screenshot_is_a_picture_of_the_page(browser_runs):
    data = browser_runs["screenshot"]
    assert data.startswith(b"\x89PNG") and len(data) > 10_000
