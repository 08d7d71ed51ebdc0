"""Tests for the IPython integration: the tour notebook, executed, and the magics.

The notebook runs in a real ipykernel (kernel "python3") through nbclient, in the
examples/ directory, with the repository on PYTHONPATH. The magics are also run
directly in an IPython InteractiveShell.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "derive-tour.ipynb"


def _texts(cell) -> str:
    """Everything a code cell printed or returned, as one string."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif out["output_type"] in ("execute_result", "display_data"):
            parts.extend(str(v) for v in out["data"].values())
        elif out["output_type"] == "error":
            parts.append("\n".join(out["traceback"]))
    return "\n".join(parts)


def _result(cell) -> dict:
    results = [o for o in cell["outputs"] if o["output_type"] == "execute_result"]
    assert len(results) == 1, _texts(cell)
    return results[0]["data"]


def test_notebook_is_stored_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)
    assert any(c.source.startswith("%%derive") for c in code)
    assert any("%load_ext derive" in c.source for c in code)


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [old])])
    try:
        client = nbclient.NotebookClient(
            nb, timeout=120, kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
        client.execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    return [c for c in nb.cells if c.cell_type == "code"]


def _cell(cells, start: str):
    found = [c for c in cells if c.source.lstrip().startswith(start)]
    assert len(found) == 1, f"no single cell starting with {start!r}"
    return found[0]


def test_notebook_runs_without_errors(executed):
    for cell in executed:
        assert not [o for o in cell.outputs if o["output_type"] == "error"], _texts(cell)


def test_notebook_shows_the_post_with_its_refutation(executed):
    data = _result(_cell(executed, "import derive"))
    html = data["text/html"]
    assert "refuted" in html and "proved" in html
    assert "K=2, i=1, t=(1, 0), z=(0, 0)" in html and "lhs = -0.5, rhs = 0" in html
    assert "text/markdown" in data and "text/latex" in data
    counts = _texts(_cell(executed, "report.ok"))
    assert "(False, 1, {'proved': 17, 'refuted': 2, 'conditional': 0, 'unknown': 0})" in counts


def test_notebook_inspects_the_counterexample(executed):
    out = _texts(_cell(executed, "eq7 = report.equations[6]"))
    assert "link 7.2 (source line 52): refuted" in out
    assert "counterexample:  K=2, i=1, t=(1, 0), z=(0, 0)" in out
    assert "there lhs = -0.5 but rhs = 0.0" in out
    assert r"\sum_{k=1}^K t_k y_i" in out  # the suggested right side
    assert "by hand: lhs = -0.5, rhs = 0.0" in _texts(_cell(executed, "import math"))


def test_notebook_repairs_the_post(executed):
    out = _texts(_cell(executed, "published ="))
    assert "7.2  proved" in out and "7.3  conditional" in out
    assert "'refuted': 0" in out and "'conditional': 1" in out
    assert "not stated" in _texts(_cell(executed, "link73 ="))
    out = _texts(_cell(executed, "from derive.integrations.testing import assert_holds"))
    assert "(True, {'proved': 19, 'refuted': 0, 'conditional': 0, 'unknown': 0})" in out


def test_notebook_cell_magic_gives_a_report(executed):
    data = _result(_cell(executed, "%%derive"))
    html = data["text/html"]
    assert "every step holds (4 links proved for every size)" in html and "✗ 0 refuted" in html
    assert data["text/plain"].startswith("<Report ")
    out = _texts(_cell(executed, "mine = _"))
    assert "{'proved': 4, 'refuted': 0, 'conditional': 0, 'unknown': 0}" in out
    assert "2.1  proved" in out and "3.2  proved" in out


def test_notebook_json_and_line_magic(executed):
    out = _texts(_cell(executed, "import json"))
    assert "derive.report/1 False" in out
    assert '"K": 2, "i": 1, "t": [1, 0], "z": [0, 0], "lhs": -0.5, "rhs": 0.0' in out
    assert "# derive: softmax-cross-entropy, repaired" in _texts(
        _cell(executed, "from derive.report.render import render"))
    assert "refuted" in _result(_cell(executed, "%derive softmax-cross-entropy"))["text/html"]


# ---------------------------------------------------------------------------
# The magics in an InteractiveShell


@pytest.fixture
def shell():
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    ip = InteractiveShell.instance(config=config)
    ip.run_line_magic("load_ext", "derive")
    yield ip
    InteractiveShell.clear_instance()


def test_line_magic_checks_a_builtin(shell):
    report = shell.run_line_magic("derive", "softmax-cross-entropy")
    assert report.counts["refuted"] == 2 and not report.ok


def test_line_magic_options_and_a_file(shell, tmp_path):
    path = tmp_path / "notes.md"
    path.write_text("$$(a + b)^2 = a^2 + 2ab + b^2$$\n", encoding="utf-8")
    report = shell.run_line_magic("derive", f"--seed 7 --timeout=5 {path}")
    assert report.ok and report.seed == 7 and report.source == str(path)


def test_cell_magic_returns_the_report_as_out(shell):
    result = shell.run_cell("%%derive\n\\sum_{k=1}^K t_k y_i = \\sum_{k=1}^K y_i\n",
                            store_history=True)
    report = result.result
    assert report is shell.user_ns["_"]
    assert report.counts["refuted"] == 1
    assert "refuted" in report._repr_mimebundle_()["text/html"]
    shell.run_cell("%%derive mine.md\n$$x + x = 2x$$\n", store_history=True)
    assert shell.user_ns["_"].ok and shell.user_ns["_"].source == "mine.md"


def test_magic_errors_are_usage_errors(shell):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="no such file"):
        shell.run_line_magic("derive", "missing.md")
    with pytest.raises(UsageError, match="usage: %derive"):
        shell.run_line_magic("derive", "")
    with pytest.raises(UsageError, match="not a number"):
        shell.run_line_magic("derive", "--seed x softmax-cross-entropy")


def test_importing_the_notebook_module_is_cheap():
    code = ("import sys, derive.integrations.notebook; "
            "heavy = [m for m in ('IPython', 'sympy') if m in sys.modules]; "
            "print(heavy); sys.exit(1 if heavy else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
