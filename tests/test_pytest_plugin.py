"""Tests for the pytest plugin (``pytest --derive``) and derive.integrations.testing's assertions.

The plugin tests run pytest inside pytest with the ``pytester`` fixture, on a copy
of the published softmax/cross-entropy post: its equation 7 has two refuted links
and a conditional chain, every other claim is proved.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import derive
from derive.integrations.testing import (
    assert_holds,
    assert_refuted,
    explain_equation,
    explain_report,
)

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]
POST = (ROOT / "examples" / "softmax-cross-entropy.md").read_text(encoding="utf-8")
CLAIMS = ["eq3", "eq4", "eq5", "eq6", "eq7", "eq9", "eq10", "eq11"]  # 1, 2 and 8 define


def _installed() -> bool:
    return any(ep.name == "derive" and ep.value == "derive.integrations.pytest_plugin"
               for ep in entry_points(group="pytest11"))


# With the package installed the entry point loads the plugin; loading it a second
# time with -p would be refused by pluggy.
PLUGIN = () if _installed() else ("-p", "derive.integrations.pytest_plugin")


@pytest.fixture(scope="module")
def engine() -> None:
    # `pytester` restores sys.modules when a test ends, dropping every module first
    # imported during the test; a later half re-import would give two copies of
    # derive.reading.syntax that do not recognise each other's nodes. So the whole engine is
    # loaded (by one check) before the first `pytester` is set up.
    explain_report(derive.check_text(POST))


@pytest.fixture
def post(engine: None, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    path = pytester.path / "post.md"
    path.write_text(POST, encoding="utf-8")
    return path


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest(*PLUGIN, "-p", "no:cacheprovider", *args)


def test_one_item_per_claim_and_only_eq7_fails(pytester, post):
    result = _run(pytester, "-v", "--derive", "post.md")
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines(["*post.md::eq7 FAILED*"])
    for name in CLAIMS:
        if name != "eq7":
            result.stdout.fnmatch_lines([f"*post.md::{name} PASSED*"])
    out = result.stdout.str()
    # the explanation: where, which links, the evidence and the repair
    assert "post.md:72: equation 7 (claim) is not proved" in out
    assert "link 7.2: ✗ refuted  (by expansion of the sum)" in out
    assert "link 7.3: ✗ refuted" in out
    assert "link 7.1" not in out and "link 7.4" not in out  # proved links are not listed
    assert ("counterexample: K=2, i=1, t=(1, 0), z=(0, 0) (from the one-hot family), "
            "where lhs = -0.5, rhs = 0") in out
    assert r"suggested right side: -\sum_{k=1}^K t_k 1\{k = i\} + \sum_{k=1}^K t_k y_i" in out
    assert "residual lhs - rhs:" in out
    assert "chain, first side vs last: ~ conditional" in out
    assert "needs: Σ_k t_k = 1 (not stated in the document)" in out
    # no traceback into derive
    assert "Traceback" not in out
    assert "derive/checker.py" not in out and "pytest_plugin.py" not in out


def test_ids_order_and_location(pytester, post):
    items, _ = pytester.inline_genitems(*PLUGIN, "--derive", str(post))
    assert [item.nodeid for item in items] == [f"post.md::{n}" for n in CLAIMS]
    eq7 = items[CLAIMS.index("eq7")]
    path, line, domain = eq7.reportinfo()
    assert Path(path) == post and line == 71  # 0-based: the equation is on line 72
    assert eq7.location == ("post.md", 71, "[derive] post.md::eq7")


def test_collect_only_is_deterministic(pytester, post):
    first = _run(pytester, "--collect-only", "-q", "--derive", "post.md").stdout.lines
    second = _run(pytester, "--collect-only", "-q", "--derive", ".").stdout.lines
    ids = [line for line in first if "::" in line]
    assert ids == [f"post.md::{n}" for n in CLAIMS]
    assert [line for line in second if "::" in line] == ids


def test_ini_derive_paths(pytester, post):
    docs = pytester.path / "docs" / "sub"
    docs.mkdir(parents=True)
    post.rename(docs / "post.md")
    (pytester.path / "docs" / "notes.txt").write_text("$$a = b$$\n")  # not *.md: ignored
    pytester.makeini("[pytest]\nderive_paths =\n    docs\n")
    result = _run(pytester, "-v")
    result.assert_outcomes(passed=7, failed=1)
    result.stdout.fnmatch_lines(["*docs/sub/post.md::eq7 FAILED*"])


def test_paths_outside_the_test_arguments_are_collected(pytester, post):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    docs = pytester.path / "docs"
    docs.mkdir()
    post.rename(docs / "post.md")
    result = _run(pytester, "test_plain.py", "--derive", "docs")
    result.assert_outcomes(passed=8, failed=1)


def test_without_derive_nothing_is_collected(pytester, post):
    result = _run(pytester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_missing_path_is_a_usage_error(pytester, post):
    result = _run(pytester, "--derive", "missing.md")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "missing.md: no such file or directory" in result.stderr.str()


def test_reading_errors_become_a_failing_item(pytester, post):
    (pytester.path / "bad.md").write_text(
        "# Notes\n\n$$a = \\frac{1}{$$\n\n$$(a + b)^2 = a^2 + 2ab + b^2$$\n", encoding="utf-8")
    (pytester.path / "latin1.md").write_bytes("$$x = \xe9$$\n".encode("latin-1"))
    result = _run(pytester, "-v", "--derive", "bad.md", "--derive", "latin1.md")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*bad.md::reading FAILED*", "*bad.md::eq2 PASSED*", "*latin1.md::reading FAILED*",
    ])
    out = result.stdout.str()
    assert "bad.md:3:" in out  # FILE:LINE:COL: message
    assert "latin1.md:" in out and "not UTF-8 text" in out
    assert "Traceback" not in out


def test_definitions_with_further_links_are_items(pytester, post):
    (pytester.path / "defs.md").write_text(
        "$$f(x) = x^2 + 2x + 1 = (x + 1)^2$$\n\n$$g(x) = x^2$$\n\n"
        "$$f(x) - g(x) = 2x + 1$$\n\n$$h(x) = (x + 1)^2 = x^2 + 1$$\n", encoding="utf-8")
    result = _run(pytester, "-v", "--derive", "defs.md")
    result.stdout.fnmatch_lines(["*defs.md::eq1 PASSED*", "*defs.md::eq3 PASSED*",
                                 "*defs.md::eq4 FAILED*"])
    result.assert_outcomes(passed=2, failed=1)  # g(x) = x^2 only defines: no item
    out = result.stdout.str()
    assert "defs.md:7: equation 4 (definition) is not proved" in out
    assert "link 4.2: ✗ refuted" in out and "Traceback" not in out


@pytest.mark.parametrize("dist", ["load", "loadfile"])
def test_xdist_gives_the_same_outcome(pytester, post, dist):
    pytest.importorskip("xdist")
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-n", "2",
                                           "--dist", dist, "--derive", "post.md")
    result.assert_outcomes(passed=7, failed=1)
    out = result.stdout.str()
    assert "FAILED post.md::eq7" in out
    assert "counterexample: K=2, i=1, t=(1, 0), z=(0, 0)" in out
    assert "Traceback" not in out


def test_loading_the_plugin_does_not_import_sympy():
    code = ("import sys, derive.integrations.pytest_plugin; "
            "heavy = [m for m in ('sympy', 'derive.engine.check', 'derive.reading.parser') "
            "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_collection_does_not_import_sympy(pytester, post):
    pytester.makeconftest(
        "import sys\n"
        "def pytest_collection_finish(session):\n"
        "    open('sympy.txt', 'w').write(str('sympy' in sys.modules))\n")
    pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-q")  # no --derive
    assert (pytester.path / "sympy.txt").read_text() == "False"
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-q",
                                           "--collect-only", "--derive", "post.md")
    assert "post.md::eq7" in result.stdout.str()
    assert (pytester.path / "sympy.txt").read_text() == "False"


# ---------------------------------------------------------------------------
# derive.integrations.testing


def test_assert_holds_bare_latex_chain():
    report = assert_holds(r"(a + b)^2 = (a + b)(a + b) = a^2 + 2ab + b^2")
    assert report.ok and report.counts["proved"] == 2


def test_assert_holds_markdown_document():
    report = assert_holds("Some prose.\n\n$$\\frac{d}{d u} e^{2u} = 2 e^{2u}$$\n")
    assert report.counts["proved"] == 1


def test_assert_holds_with_assumptions():
    claim = r"\sum_{k=1}^K t_k y_i = y_i"
    with pytest.raises(AssertionError) as info:
        assert_holds(claim)
    message = str(info.value)
    assert "link 1.1: ~ conditional" in message
    assert "needs: Σ_k t_k = 1 (not stated in the document)" in message
    report = assert_holds(claim, assumptions=[r"\sum_{k=1}^K t_k = 1"])
    assert report.ok and [a.latex for a in report.assumptions] == [r"\sum_{k=1}^K t_k = 1"]


def test_assert_holds_failure_explains_like_the_plugin():
    with pytest.raises(AssertionError) as info:
        assert_holds(POST, source="post.md")
    message = str(info.value)
    assert "post.md:72: equation 7 (claim) is not proved" in message
    assert "counterexample: K=2, i=1, t=(1, 0), z=(0, 0)" in message
    assert "where lhs = -0.5, rhs = 0" in message
    assert r"suggested right side: -t_i + K y_i" in message
    assert "equation 3" not in message  # proved equations are not mentioned


def test_assert_holds_merges_assumptions_into_front_matter():
    repaired = POST.replace(r"+ \sum_{k=1}^K y_i", r"+ \sum_{k=1}^K t_ky_i")
    assert repaired != POST and POST.startswith("---\n")
    report = assert_holds(repaired, assumptions=[r"\sum_{k=1}^K t_k = 1"])
    assert report.counts == {"proved": 19, "refuted": 0, "conditional": 0, "unknown": 0}
    assert report.title.startswith("Derivative of softmax")  # the original front matter stays


def test_assert_refuted():
    report = assert_refuted(POST)
    assert report.counts["refuted"] == 2
    assert_refuted(r"\sum_{k=1}^K t_k y_i = \sum_{k=1}^K y_i")
    with pytest.raises(AssertionError, match="expected a refuted link, got: 1.1 proved"):
        assert_refuted(r"(a + b)^2 = a^2 + 2ab + b^2")
    with pytest.raises(AssertionError, match="cannot be read"):
        assert_refuted(r"a = \frac{1}{")


def test_explain_equation_is_empty_for_a_proved_equation():
    report = assert_holds(r"x + x = 2x")
    assert explain_equation(report.equations[0], report.source) == ""


# ---------------------------------------------------------------------------
# the plugin goes through derive.app.api, as the command line does


NEEDS_SUM = "$$\\sum_{k=1}^K t_k y_i = y_i$$\n"  # conditional on Σ_k t_k = 1 unless declared
SIDECAR = 'assumptions:\n  - "\\\\sum_{k=1}^{K} t_k = 1"\n'


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("NO_COLOR", None)
    return subprocess.run([sys.executable, "-m", "derive", "check", *args, "--no-cache"],
                          cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def test_a_sidecar_counts_as_it_does_for_the_command_line(pytester, post):
    (pytester.path / "notes.md").write_text(NEEDS_SUM, encoding="utf-8")
    (pytester.path / "bare.md").write_text(NEEDS_SUM, encoding="utf-8")
    (pytester.path / "notes.derive.yaml").write_text(SIDECAR, encoding="utf-8")
    assert _cli(pytester.path, "notes.md").returncode == 0
    assert _cli(pytester.path, "bare.md").returncode == 1
    result = _run(pytester, "-v", "--derive", "notes.md", "--derive", "bare.md")
    result.stdout.fnmatch_lines(["*bare.md::eq1 FAILED*", "*notes.md::eq1 PASSED*"])
    result.assert_outcomes(passed=1, failed=1)


def test_items_have_the_verdicts_of_the_command_line(pytester, post):
    import json

    (pytester.path / "notes.md").write_text(NEEDS_SUM, encoding="utf-8")
    (pytester.path / "notes.derive.yaml").write_text(SIDECAR, encoding="utf-8")
    cli = json.loads(_cli(pytester.path, "post.md", "notes.md", "--format", "json").stdout)
    want = {f"{r['source']}::eq{e['index']}": all(
                link["verdict"] == "proved" for link in e["links"])
            and (e["chain"] is None or e["chain"]["verdict"] == "proved")
            for r in cli["reports"] for e in r["equations"] if e["links"]}
    result = _run(pytester, "-v", "-rA", "--derive", "post.md", "--derive", "notes.md")
    got = {}
    for line in result.stdout.lines:
        for word in ("PASSED", "FAILED"):
            if line.startswith(word + " "):
                got[line.split()[1]] = word == "PASSED"
    assert got == want and list(got.values()).count(False) == 1


def test_a_bad_tool_derive_table_is_a_usage_error_naming_the_key(pytester, post):
    pytester.makepyprojecttoml("[tool.derive]\nseed = -1\n")
    result = _run(pytester, "--derive", "post.md")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "[tool.derive]: seed: must be from 0 to 4294967295" in result.stderr.str()


def test_derive_takes_one_path_and_markdown_test_paths_are_checked(pytester, post):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    (pytester.path / "notes.md").write_text("$$2 a = a + a$$\n", encoding="utf-8")
    result = _run(pytester, "-v", "--derive", "post.md", "test_plain.py", "notes.md")
    result.stdout.fnmatch_lines(["*test_plain.py::test_plain PASSED*"])
    result.stdout.fnmatch_lines(["*notes.md::eq1 PASSED*"])
    result.assert_outcomes(passed=9, failed=1)  # post.md's 8 items, notes.md's, test_plain


def test_a_markdown_test_path_is_not_collected_without_derive(pytester, post):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = _run(pytester, "test_plain.py")
    result.assert_outcomes(passed=1)


def test_the_derive_marker_selects_and_deselects(pytester, post):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    only = _run(pytester, "--strict-markers", "-m", "derive", "test_plain.py",
                "--derive", "post.md")
    only.assert_outcomes(passed=7, failed=1, deselected=1)
    without = _run(pytester, "--strict-markers", "-m", "not derive", "test_plain.py",
                   "--derive", "post.md")
    without.assert_outcomes(passed=1, deselected=8)
    items, _ = pytester.inline_genitems(*PLUGIN, "--derive", "post.md", "test_plain.py")
    marked = [item.nodeid for item in items if item.get_closest_marker("derive") is not None]
    assert marked == [f"post.md::{n}" for n in CLAIMS]  # (and not test_plain)


CHECK_LOG = """
import os
from derive.app import api

_check = api.check

def check(target, **kwargs):
    with open(os.path.join({folder!r}, "checks.log"), "a") as log:
        log.write(f"{{os.getpid()}} {{os.path.basename(os.fspath(target))}}\\n")
    return _check(target, **kwargs)

api.check = check
"""


@pytest.mark.parametrize("dist", ["load", "loadgroup", "loadscope", "loadfile"])
def test_under_xdist_each_file_is_checked_once(pytester, post, dist):
    pytest.importorskip("xdist")
    (pytester.path / "again.md").write_text(POST, encoding="utf-8")
    pytester.makeconftest(CHECK_LOG.format(folder=str(pytester.path)))
    result = pytester.runpytest_subprocess(*PLUGIN, "-p", "no:cacheprovider", "-n", "2",
                                           "--dist", dist, "--derive", "post.md",
                                           "--derive", "again.md")
    result.assert_outcomes(passed=14, failed=2)
    checked = sorted(line.split()[1] for line in
                     (pytester.path / "checks.log").read_text().splitlines())
    assert checked == ["again.md", "post.md"]  # each file once, by one worker
    assert "Traceback" not in result.stdout.str()
