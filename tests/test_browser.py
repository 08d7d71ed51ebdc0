"""The HTML report and the executed tour notebook, loaded in a real browser.

Headless Chromium (Debian's `chromium`; .ci/run installs it) opens the page of
`derive check softmax-cross-entropy --format html` and the tour notebook executed
by nbclient and converted by nbconvert (lab template, so JupyterLab's own table
rules apply). The browser measures the laid-out page (scripts/screenshots.py):
these tests assert that no network request is made, that every formula is typeset
as MathML (fractions stacked, subscripts lowered, one box per formula: no break
inside), and that no table cell overflows. Without Chromium they are skipped, with
the reason shown. `python scripts/screenshots.py` writes the same pages as PNGs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("derive_screenshots",
                                               ROOT / "scripts" / "screenshots.py")
shots = importlib.util.module_from_spec(_spec)
sys.modules["derive_screenshots"] = shots
_spec.loader.exec_module(shots)

pytestmark = pytest.mark.skipif(
    shots.chromium() is None,
    reason="chromium is not installed (apt-get install chromium; .ci/run installs it)")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def report_page(workdir) -> dict:
    return shots.load(shots.report_html(), workdir, "report")


@pytest.fixture(scope="module")
def notebook_page(workdir) -> dict:
    pytest.importorskip("nbconvert", reason="nbconvert is not installed (the test extra)")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    return shots.load(shots.notebook_html(), workdir, "notebook")


@pytest.fixture(params=["report", "notebook"])
def page(request) -> dict:
    return request.getfixturevalue(f"{request.param}_page")


def test_the_recorder_sees_requests(workdir):
    # The check below is only worth something if a page that does fetch is caught.
    html = ('<!doctype html><html><body><img src="http://example.com/x.png">'
            '<link rel="stylesheet" href="https://cdn.example.org/a.css"></body></html>')
    got = shots.load(html, workdir, "control")["requests"]
    assert got == ["http://example.com/x.png", "https://cdn.example.org/a.css"]


def test_no_network_request(page):
    assert page["requests"] == []


def test_every_formula_is_typeset(page):
    g = page["geometry"]
    assert g["fallbacks"] == 0  # no formula was left as LaTeX source
    maths = g["maths"]
    assert len(maths) > 40
    fracs = subs = 0
    for m in maths:
        box = m["box"]
        assert box["width"] > 0 and box["height"] > 0, m["tex"]
        assert m["display"].endswith("math"), m  # laid out as MathML, not as inline text
        assert m["rects"] == 1, m["tex"]  # one box: never broken across lines
        assert m["annotation"] is None or m["annotation"]["width"] == 0, m["tex"]
        for num, den in m["fracs"]:
            assert num["bottom"] <= den["top"] + 0.5, m["tex"]  # numerator over denominator
            fracs += 1
        for base, sub in m["subs"]:
            assert sub["bottom"] > base["bottom"], m["tex"]  # the subscript is lowered
            assert sub["left"] >= base["right"] - 0.5, m["tex"]
            subs += 1
    assert fracs > 20 and subs > 100


def test_no_cell_overflows(page):
    g = page["geometry"]
    cells = g["cells"]
    assert cells
    for cell in cells:
        assert cell["content_right"] <= cell["box"]["right"] + 1, cell
        assert cell["scroll"] <= cell["client"] + 1, cell
    for piece in g["pieces"]:  # a formula piece is never clipped in its cell
        assert piece["scroll"] <= piece["client"] + 1, piece
    for report in g["reports"]:
        assert report["right"] <= g["viewport"]
    assert g["width"] <= g["viewport"]  # no horizontal scrolling of the page


def test_cells_are_left_aligned_and_statements_have_room(page):
    # JupyterLab right-aligns table cells and fixes the table layout; derive's CSS wins.
    cells = page["geometry"]["cells"]
    for cell in cells:
        assert cell["align"] == ("right" if cell["cls"] == "derive-pos" else "left"), cell
    statements = [c for c in cells if c["cls"] == "derive-stmt"]
    rules = [c for c in cells if c["cls"] == "derive-rule"]
    assert statements and rules
    # The statement column is as wide as its widest formula piece needs (no collapse).
    assert max(c["box"]["width"] for c in statements) > 300
