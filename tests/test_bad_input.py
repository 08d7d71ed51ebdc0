"""Bad input through the command line: one clear message, exit 2, no traceback.

Every case runs ``python -m derive check …`` in a subprocess, in a temporary directory
with a private cache. A problem inside a file is reported once, as FILE:LINE:COL
(with the line and a caret), and every other equation of the same file is still
checked (the JSON report shows its links and verdicts). A problem with a whole file
(binary, not UTF-8, missing, too large, a directory without Markdown) is one line, and
the other targets of the same command are still checked.

Also here: the time limit (a pathological equation costs about the limit and becomes
unknown or an error with a reason, while an easy one next to it is proved) and
reproducibility (two runs give byte-identical JSON apart from timings, and the report
records the seed).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EASY = "$$1 + 1 = 2$$"
SOFTMAX = ("$$y_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}}$$\n\n"
           "$$\\sum_{k=1}^{K} y_k = 1$$")


@pytest.fixture
def cli(tmp_path):
    """Run the CLI in tmp_path (its cwd) with a private cache and HOME."""
    env = {**os.environ, "HOME": str(tmp_path), "DERIVE_CACHE_DIR": str(tmp_path / ".cache"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
           "NO_COLOR": "1"}
    env.pop("DERIVE_NO_CACHE", None)

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "derive", "check", *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=timeout)

    run.dir = tmp_path
    return run


def _no_traceback(proc: subprocess.CompletedProcess) -> None:
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback" not in stream, stream[-3000:]


LOCATED = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<msg>.+)$")


def located_errors(stderr: str) -> list[tuple[str, int, int, str]]:
    out = []
    for line in stderr.splitlines():
        m = LOCATED.match(line)
        if m:
            out.append((m["file"], int(m["line"]), int(m["col"]), m["msg"]))
    return out


def _report(proc) -> dict:
    data = json.loads(proc.stdout)
    assert data["schema"] == "derive.report/2", data.get("schema")
    assert len(data["reports"]) == 1
    report = data["reports"][0]
    assert report["schema"] == "derive.report/1", report.get("schema")
    return report


def _verdicts(report: dict) -> list[tuple[str, list[str]]]:
    return [(e["kind"], [lk["verdict"] for lk in e["links"]]) for e in report["equations"]]


def _write(cli, name: str, text: str | bytes) -> Path:
    path = cli.dir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- inside a file

# (name, the bad equation, expected line, column, words the message must contain)
IN_FILE = [
    ("unbalanced", "$$\\frac{a}{b = 1$$", 5, 11, ["unbalanced", "never closed"]),
    ("unbalanced-close", "$$a = b}$$", 5, 8, ["unbalanced", "closes nothing"]),
    ("unknown-macro", "$$x = 1 + \\foo{2}$$", 5, 11, ["\\foo"]),
    ("vector-equals-scalar", "$$\\alpha = \\vec{v}$$", 5, 12, ["a scalar and a vector"]),
    ("dangling", "$$x = $$", 5, 7, ["empty"]),
    ("double-equals", "$$a = = b$$", 5, 7, ["empty"]),
    ("empty", "$$ $$", 5, None, ["empty"]),
    ("nested", "$$" + "(" * 5000 + "x" + ")" * 5000 + " = x$$", 5, None, ["nest"]),
    ("nested-braces", "$$" + "{" * 3000 + "x" + "}" * 3000 + " = x$$", 5, None, ["nest"]),
    ("unclosed-display", "$$x = 1", 5, None, ["never closed"]),
    ("newton-dot", "$$\\dot{f(p)} = 2p$$", 5, 3, ["\\dot", "write", "\\frac{d}{dp}"]),
    ("bare-partial", "$$\\partial f = 1$$", 5, 3, ["\\partial y / \\partial x"]),
]


@pytest.mark.parametrize("name,bad,line,col,words", IN_FILE, ids=[c[0] for c in IN_FILE])
def test_a_bad_equation_is_one_located_message(cli, name, bad, line, col, words):
    text = f"# Notes\n\n{EASY}\n\n{bad}\n\n" + SOFTMAX + "\n"
    if name == "unclosed-display":  # nothing after an unclosed $$ can be read
        text = f"# Notes\n\n{EASY}\n\n{SOFTMAX}\n\n{bad}\n"
        line = 9
    path = _write(cli, f"{name}.md", text)
    t0 = time.perf_counter()
    proc = cli(path.name, "--format", "json", "--timeout", "10")
    assert time.perf_counter() - t0 < 60
    _no_traceback(proc)
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    errors = located_errors(proc.stderr)
    assert len(errors) == 1, proc.stderr
    file, eline, ecol, msg = errors[0]
    assert file == path.name
    assert eline == line, proc.stderr
    if col is not None:
        assert ecol == col, proc.stderr
    for w in words:
        assert w in msg, msg
    # the caret line follows the snippet
    lines = proc.stderr.splitlines()
    k = next(n for n, s in enumerate(lines) if LOCATED.match(s))
    assert len(lines) >= k + 3 and lines[k + 2].strip() == "^", proc.stderr
    # every other equation is still checked
    report = _report(proc)
    kinds = _verdicts(report)
    assert ("claim", ["proved"]) in kinds, kinds
    assert kinds.count(("claim", ["proved"])) == 2, kinds
    errs = [e for e in report["equations"] if e["kind"] == "error"]
    assert len(errs) == 1 and errs[0]["error"]["line"] == line, errs
    assert report["exit_code"] == 2


def test_a_display_that_begins_with_equals_continues_the_chain_before_it():
    import derive

    report = derive.check_text("$$= y$$\n\n$$a + b = b + a$$\n\n$$= a + b$$\n\n$$= 2 a$$\n",
                               "cont.md", jobs=1)
    first, chain, cont, wrong = report.equations
    assert first.kind == "error" and "begins with '='" in first.error.message
    assert (first.error.line, first.error.column) == (1, 3)
    assert [lk.verdict.value for lk in cont.links] == ["proved"]  # b + a = a + b
    assert cont.links[0].lhs == "b + a"
    assert [lk.verdict.value for lk in wrong.links] == ["refuted"]  # a + b = 2a


def test_several_bad_equations_each_get_their_message(cli):
    text = "\n\n".join([EASY, "$$x = $$", "$$a = \\foo$$", "$$\\frac{1}{2 = 1$$", SOFTMAX,
                        "$$2 + 2 = 4$$"]) + "\n"
    path = _write(cli, "many.md", text)
    proc = cli(path.name, "--format", "json")
    _no_traceback(proc)
    assert proc.returncode == 2
    errors = located_errors(proc.stderr)
    assert [(e[1], e[2]) for e in errors] == [(3, 7), (5, 7), (7, 11)], proc.stderr
    assert "\\foo" in errors[1][3]
    kinds = _verdicts(_report(proc))
    assert kinds.count(("claim", ["proved"])) == 3, kinds


@pytest.mark.parametrize("fmt", ["plain", "markdown", "html", "github", "latex"])
def test_other_formats_report_the_error_too(cli, fmt):
    path = _write(cli, "bad.md", f"{EASY}\n\n$$x = \\foo$$\n")
    proc = cli(path.name, "--format", fmt)
    _no_traceback(proc)
    assert proc.returncode == 2
    assert [(e[1], e[2]) for e in located_errors(proc.stderr)] == [(3, 7)], proc.stderr
    assert proc.stdout.strip()


# --------------------------------------------------------------------------- whole files

def _one_line_message(proc, *words) -> str:
    lines = [s for s in proc.stderr.splitlines() if s.strip()]
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


FILES = [
    ("binary", b"$$1 + 1 = 2$$\n\x00\x01\x02\x03\xff binary", ["binary"]),
    ("latin1", "$$1 + 1 = 2$$\ncaf\u00e9 na\u00efve\n".encode("latin-1"), ["UTF-8"]),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), ["binary"]),
]


@pytest.mark.parametrize("name,data,words", FILES, ids=[f[0] for f in FILES])
def test_an_unreadable_file_is_one_line(cli, name, data, words):
    path = _write(cli, f"{name}.md", data)
    proc = cli(path.name, "--format", "json")
    _no_traceback(proc)
    assert proc.returncode == 2
    _one_line_message(proc, path.name, *words)


def test_a_non_utf8_file_names_the_line_and_column(cli):
    """The bad byte has a place in the file: say where (line 2, column 4 here)."""
    path = _write(cli, "latin1.md", "$$1 + 1 = 2$$\ncaf\u00e9\n".encode("latin-1"))
    proc = cli(path.name)
    assert proc.returncode == 2
    line = _one_line_message(proc, "UTF-8")
    assert f"{path.name}:2:4" in line, line


def test_a_missing_file(cli):
    proc = cli("no-such-file.md", "--format", "json")
    _no_traceback(proc)
    assert proc.returncode == 2
    _one_line_message(proc, "no-such-file.md", "no such file")
    assert proc.stdout.strip() == ""


def test_a_directory_without_markdown(cli):
    folder = cli.dir / "empty"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text("$$1 + 1 = 2$$\n")
    proc = cli("empty", "--format", "json")
    _no_traceback(proc)
    assert proc.returncode == 2
    _one_line_message(proc, "empty", ".md")


def test_a_ten_megabyte_file_is_refused_quickly(cli):
    path = cli.dir / "huge.md"
    with path.open("w", encoding="utf-8") as f:
        f.write(EASY + "\n")
        line = "$$x_{1} = 1$$ " + "word " * 18 + "\n"
        while f.tell() < 10_000_000:
            f.write(line)
    assert path.stat().st_size >= 10_000_000
    t0 = time.perf_counter()
    proc = cli(path.name, "--format", "json", timeout=60)
    elapsed = time.perf_counter() - t0
    _no_traceback(proc)
    assert proc.returncode == 2
    _one_line_message(proc, path.name, "too large")
    assert elapsed < 10, elapsed


def test_a_huge_stdin_is_refused_quickly(cli):
    env_run = cli
    data = (EASY + "\n") * 700_000  # ~9.8 MB
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "derive", "check", "-", "--format", "json"],
                          input=data, cwd=env_run.dir, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT),
                                           "DERIVE_CACHE_DIR": str(env_run.dir / ".c")})
    assert time.perf_counter() - t0 < 15
    _no_traceback(proc)
    assert proc.returncode == 2
    _one_line_message(proc, "too large")


def test_good_targets_are_still_checked_next_to_bad_ones(cli):
    good = _write(cli, "good.md", f"{EASY}\n\n{SOFTMAX}\n")
    _write(cli, "binary.md", b"\x00\x01")
    proc = cli("missing.md", "binary.md", good.name, "--format", "json")
    _no_traceback(proc)
    assert proc.returncode == 2
    lines = [s for s in proc.stderr.splitlines() if s.strip()]
    assert len(lines) == 2 and "missing.md" in lines[0] and "binary.md" in lines[1], lines
    data = json.loads(proc.stdout)
    reports = data["reports"]
    assert [r["source"] for r in reports] == ["good.md"]
    assert _verdicts(reports[0]) == [("claim", ["proved"]), ("definition", []),
                                      ("claim", ["proved"])]


# --------------------------------------------------------------------------- time limit

SLOW = "$$(a + b + c + d)^{25} (a - b + c - d)^{25} = ((a + c)^2 - (b + d)^2)^{25}$$"
HUGE = "$$10^{10^{10}} = 1$$"
SLOW_NUMERIC = "$$\\sum_{k=1}^{90000} \\frac{1}{k(k+1)} = 1 - \\frac{1}{90001}$$"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_time_limit_holds(cli, jobs):
    text = "\n\n".join([EASY, HUGE, SLOW, SLOW_NUMERIC, SOFTMAX]) + "\n"
    path = _write(cli, "slow.md", text)
    limit = 2.0
    t0 = time.perf_counter()
    proc = cli(path.name, "--format", "json", "--timeout", str(limit), "--no-cache", "-j", jobs,
               timeout=120)
    elapsed = time.perf_counter() - t0
    _no_traceback(proc)
    report = _report(proc)
    eqs = report["equations"]
    assert eqs[0]["links"][0]["verdict"] == "proved"
    # 10^(10^10): refused as an error with a reason (or undecided with one), never a hang
    huge = eqs[1]
    if huge["kind"] == "error":
        assert huge["error"]["message"] and huge["error"]["line"] == 3
    else:
        assert huge["links"][0]["verdict"] == "unknown" and huge["links"][0]["reason"]
    for slow in eqs[2:4]:
        (lk,) = slow["links"]
        assert lk["verdict"] in ("unknown", "proved"), lk
        if lk["verdict"] == "unknown":
            assert lk["reason"] and ("time" in lk["reason"] or "limit" in lk["reason"]), lk
        assert lk["seconds"] <= limit + 1.0, lk
    assert eqs[-1]["links"][0]["verdict"] == "proved"
    assert elapsed < 2 * limit + 20, elapsed  # two pathological links, plus start-up
    assert proc.returncode in (2, 3), proc.returncode


# --------------------------------------------------------------------------- reproducibility

SECONDS = re.compile(r'"seconds": [-+0-9.eE]+')


def _without_seconds(stdout: str) -> str:
    data = json.loads(stdout)

    def drop(x):
        if isinstance(x, dict):
            return {k: drop(v) for k, v in x.items() if k != "seconds"}
        if isinstance(x, list):
            return [drop(v) for v in x]
        return x

    return json.dumps(drop(data), indent=2, ensure_ascii=False)


@pytest.mark.parametrize("target", ["softmax-cross-entropy",
                                    str(ROOT / "examples" / "softmax-cross-entropy.md")])
def test_json_is_reproducible(cli, target):
    first = cli(target, "--format", "json")  # fills the cache
    second = cli(target, "--format", "json")  # may come from the cache
    third = cli(target, "--format", "json", "--no-cache")
    for proc in (first, second, third):
        _no_traceback(proc)
        assert proc.returncode == 1, proc.stderr  # the post has two refuted links
    a, b, c = (SECONDS.sub('"seconds": 0', p.stdout) for p in (first, second, third))
    assert a == b, "a second run differs from the first"
    assert a == c, "a run without the cache differs"
    assert _without_seconds(first.stdout) == _without_seconds(third.stdout)
    assert json.loads(first.stdout)["seed"] == 0


def test_the_seed_is_recorded_and_changes_nothing_it_should_not(cli):
    runs = {seed: cli("softmax-cross-entropy", "--format", "json", "--seed", str(seed),
                      "--no-cache") for seed in (0, 7)}
    for seed, proc in runs.items():
        assert proc.returncode == 1, proc.stderr
        data = json.loads(proc.stdout)
        assert data["seed"] == seed
        assert data["counts"] == {"proved": 17, "refuted": 2, "conditional": 0, "unknown": 0}
    again = cli("softmax-cross-entropy", "--format", "json", "--seed", "7", "--no-cache")
    assert SECONDS.sub("", again.stdout) == SECONDS.sub("", runs[7].stdout)


def test_a_display_that_goes_on_from_an_unread_one_checks_its_own_links_only():
    import derive

    text = ("$$L = \\frac{\\partial}{o} x$$\n\n$$= z = w$$\n\n"
            "$$\\frac{\\partial z}{\\partial w} = 0$$\n\n$$= 2 w = w + w$$\n\n"
            "$$= a$$\n")
    bad, gone_on, use, chained, alone = derive.check_text(text, "gap.md", jobs=1).equations
    assert bad.kind == "error"
    # the link from the unread side is not checked, and the report says so; z = w is a
    # claim (refuted), never a definition of z
    assert gone_on.kind == "claim" and [lk.verdict.value for lk in gone_on.links] == ["refuted"]
    assert any("line 1" in n and "not checked" in n for n in gone_on.notes)
    assert use.links[0].verdict.value == "unknown"  # z stays undefined
    # a display read after it goes on from its last side again
    assert [lk.verdict.value for lk in chained.links] == ["refuted", "proved"]
    # a display of one side after an unread one has nothing to check: skipped, with why
    report2 = derive.check_text("$$L = \\frac{\\partial}{o} x$$\n\n$$= a$$\n", "g2.md", jobs=1)
    assert report2.equations[1].kind == "skipped"
    assert any("could not be read" in n for n in report2.equations[1].notes)


def test_boxes_side_by_side_draw_a_vector_and_are_never_a_product():
    import derive

    report = derive.check_text("$$o = \\boxed{2}\\boxed{3}\\boxed{4}$$\n\n$$o = 24$$\n",
                               "box.md", jobs=1)
    drawn, claim = report.equations
    assert drawn.kind == "error" and "side by side" in drawn.error.message
    assert (drawn.error.line, drawn.error.column) == (1, 7)
    assert all(lk.verdict.value != "proved" for lk in claim.links)
    one = derive.check_text("$$\\boxed{a + b = b + a}$$\n", "b1.md", jobs=1)
    assert [lk.verdict.value for lk in one.equations[0].links] == ["proved"]


def test_a_sum_whose_range_cannot_be_told_says_how_to_write_it():
    import derive

    report = derive.check_text("$$p_j = \\frac{e^j}{\\sum_{i} e^i}$$\n", "r.md", jobs=1)
    message = report.equations[0].error.message
    assert "cannot tell the range of \\sum_{i}" in message
    assert "\\sum_{i=1}^{K}" in message and "indices" in message


def test_an_error_in_a_side_carried_into_the_next_display_is_placed_where_it_is_written():
    import derive

    text = ("$$h(x) = x^2$$\n\n$$a = b + h_{k}(x) =$$\n\nsome words here in between\n\n"
            "$$= c$$\n")
    errors = [e.error for e in derive.check_text(text, "carry.md", jobs=1).equations
              if e.kind == "error"]
    assert [(e.line, e.column) for e in errors] == [(3, 11)]  # at h_{k}, not at line 8


def test_a_parameter_subscript_on_a_defined_function_names_its_parameters():
    import derive

    head = "$$h(x) = \\sum_{i=0}^{n} \\theta_i x_i$$\n\n"
    good = derive.check_text(head + "$$\\frac{\\partial}{\\partial \\theta_j} h_{\\theta}(x) "
                             "= x_j$$\n", "p.md", jobs=1)
    assert [lk.verdict.value for lk in good.equations[1].links] == ["proved"]
    wrong = derive.check_text(head + "$$\\frac{\\partial}{\\partial \\theta_j} h_{\\theta}(x) "
                              "= \\theta_j$$\n", "p.md", jobs=1)
    assert [lk.verdict.value for lk in wrong.equations[1].links] == ["refuted"]
    # a subscript that the body does not read as a family is no parameter: still refused
    other = derive.check_text(head + "$$h_{k}(x) = x_k$$\n", "p.md", jobs=1)
    assert other.equations[1].kind == "error"
    assert "not a family" in other.equations[1].error.message


def test_refusals_of_real_notation_say_how_to_write_it():
    import derive

    cases = {
        "$$x = \\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}$$\n": "a matrix written out",
        "$$CE = -\\sum_{i=1}^{C=2} t_i s_i$$\n": "write the limit alone",
        "$$y = e^-{x}$$\n": "write e^{-x}",
        "$$\\theta_j = \\theta_j - a$$\n": ":=",
    }
    for text, advice in cases.items():
        eq = derive.check_text(text, "adv.md", jobs=1).equations[0]
        assert eq.kind == "error" and advice in eq.error.message, (text, eq.error)
