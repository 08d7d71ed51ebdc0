"""Many files: results streamed in input order, one total, the concise format, one JSON schema
for one file or many, the progress bar, colour conventions, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
from pathlib import Path

import pytest

import derive
from derive.report.render import JsonStream, dumps, json_document, plural, problem_text, total_text

ROOT = Path(__file__).resolve().parent.parent
OK = "$$2 a = a + a$$\n"
WRONG = "$$2 a = a + 3 a$$\n"
NEEDS = "$$\\sum_{k=1}^K t_k y_i = y_i$$\n"
BAD = "$$2 a = a + a$$\n\n$$x = \\frac{1}{y$$\n"
CONCISE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): "
                     r"(?P<verdict>refuted|conditional|unknown|error): (?P<what>.+)$")


def _env(extra: dict | None = None) -> dict:
    env = {**os.environ, **(extra or {})}
    for name in ("NO_COLOR", "FORCE_COLOR"):
        if name not in (extra or {}):
            env.pop(name, None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "derive", *args], cwd=cwd, capture_output=True,
                          text=True, env=_env(env), timeout=300)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    for name, text in (("a.md", OK), ("b.md", WRONG), ("c.md", NEEDS), ("d.md", BAD)):
        (tmp_path / name).write_text(text)
    return tmp_path


def test_plain_output_is_in_input_order_with_one_total(docs):
    r = run(docs, "check", "d.md", "a.md", "missing.md", "b.md", "--no-cache", "-f", "plain")
    assert r.returncode == 2
    heads = [line for line in r.stdout.splitlines() if line.startswith("derive: ")]
    assert heads == ["derive: d.md", "derive: a.md", "derive: b.md"]
    total = r.stdout[r.stdout.index("\nTotal\n"):].splitlines()
    assert total[2] == ("  3 links in 3 files: ✓ 2 proved, ✗ 1 refuted, ~ 0 conditional, "
                        "? 0 unknown; 1 file not checked")
    assert total[3] == "  2 files with problems, 1 file not checked:"
    assert [line.split()[0] for line in total[4:]] == ["d.md", "b.md", "missing.md"]
    assert "1 reading error" in total[4] and "✗ 1 refuted" in total[5]
    assert "not checked: no such file" in total[6]
    assert r.stdout.count("Total") == 1
    # stderr: each file's messages in the order of the files
    assert r.stderr.index("d.md:3:") < r.stderr.index("missing.md")


def test_one_file_has_no_total_but_its_summary(docs):
    r = run(docs, "check", "a.md", "--no-cache", "-f", "plain")
    assert r.returncode == 0 and "Total" not in r.stdout and "Summary" in r.stdout


def test_a_total_with_every_link_proved(docs):
    (docs / "e.md").write_text(OK)
    r = run(docs, "check", "a.md", "e.md", "--no-cache", "-f", "plain")
    assert r.returncode == 0
    assert r.stdout.endswith("Total\n  2 links in 2 files: ✓ 2 proved, ✗ 0 refuted, "
                             "~ 0 conditional, ? 0 unknown\n  every link of every file is proved\n")


def test_concise_prints_only_problems_one_a_line(docs):
    r = run(docs, "check", "a.md", "b.md", "c.md", "d.md", "--no-cache", "-f", "concise")
    assert r.returncode == 2
    *problems, last = r.stdout.splitlines()
    parsed = [CONCISE.match(line) for line in problems]
    assert all(parsed), problems
    assert [(m["file"], m["line"], m["col"], m["verdict"]) for m in parsed] == [
        ("b.md", "1", "1", "refuted"), ("c.md", "1", "1", "conditional"),
        ("d.md", "3", "15", "error")]
    assert parsed[0]["what"].startswith("link 1.1 2 a = a + 3 a (by algebra); counterexample")
    assert "needs Σ_k t_k = 1 (not stated in the document)" in parsed[1]["what"]
    assert last == ("4 links in 4 files: ✓ 2 proved, ✗ 1 refuted, ~ 1 conditional, ? 0 unknown; "
                    "3 files with problems")
    assert "\x1b[" not in r.stdout


def test_concise_on_the_post():
    r = run(ROOT, "check", "softmax-cross-entropy", "--no-cache", "-f", "concise")
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert [CONCISE.match(x)["verdict"] for x in lines[:-1]] == [
        "refuted", "refuted", "conditional"]
    assert lines[0].startswith("softmax-cross-entropy:52:1: refuted: link 7.2 ")
    assert "suggested right side" in lines[0]
    assert lines[2].startswith("softmax-cross-entropy:52:1: conditional: chain 7 ")
    assert lines[-1] == ("19 links in 1 file: ✓ 17 proved, ✗ 2 refuted, ~ 0 conditional, "
                         "? 0 unknown; 1 file with problems")


def test_json_has_one_top_level_for_one_file_or_many(docs):
    one = json.loads(run(docs, "check", "a.md", "--no-cache", "-f", "json").stdout)
    many = json.loads(run(docs, "check", "a.md", "b.md", "--no-cache", "-f", "json").stdout)
    assert list(one) == list(many) == ["schema", "reports", "ok", "exit_code", "files", "counts",
                                       "problems", "errors", "seed", "equations"]
    assert one["schema"] == many["schema"] == "derive.report/2"
    assert [x["schema"] for x in many["reports"]] == ["derive.report/1"] * 2
    assert one["ok"] and one["files"] == 1 and one["problems"] == []
    assert many["files"] == 2 and many["exit_code"] == 1 and not many["ok"]
    assert many["counts"] == {"proved": 1, "refuted": 1, "conditional": 0, "unknown": 0}
    assert many["problems"] == [{"source": "b.md", "exit_code": 1, "text": "✗ 1 refuted"}]
    # the flat index: every link of every report, with where it is (what the canaries'
    # before-stop hook reads: a proof there must be seen)
    flat = [(e["source"], lk["verdict"]) for e in many["equations"] for lk in e["links"]]
    full = [(r["source"], lk["verdict"]) for r in many["reports"] for e in r["equations"]
            for lk in e["links"] or []]
    assert flat == full and ("a.md", "proved") in flat and ("b.md", "refuted") in flat


def test_json_lists_targets_that_could_not_be_checked(docs):
    r = run(docs, "check", "a.md", "missing.md", "--no-cache", "-f", "json")
    data = json.loads(r.stdout)
    assert r.returncode == 2 and data["exit_code"] == 2 and data["ok"] is False
    assert data["errors"] == [{"target": "missing.md", "message":
                               "missing.md: no such file, directory or built-in derivation "
                               "(see `derive list`)"}]


def test_the_streamed_json_is_the_json_document():
    reports = [derive.check_text(OK, "a.md"), derive.check_text(WRONG, "b.md")]
    for some in ([], reports[:1], reports):
        stream = JsonStream()
        text = stream.head() + "".join(stream.report(r) for r in some) + stream.tail(
            [("x.md", "x.md: no such file")])
        assert text == dumps(json_document(some, [("x.md", "x.md: no such file")])) + "\n"
        assert json.loads(text)["files"] == len(some)


def test_results_are_streamed_as_each_file_is_checked(docs):
    """The second target is a named pipe written to only once the first file's result has
    been read from the command's output: that output cannot wait for the end."""
    fifo = docs / "later.md"
    os.mkfifo(fifo)
    p = subprocess.Popen([sys.executable, "-m", "derive", "check", "b.md", str(fifo),
                          "--no-cache", "-f", "concise", "-j", "1"], cwd=docs,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), text=True)
    try:
        ready, _, _ = select.select([p.stdout], [], [], 120)
        assert ready, "no output before the second file was given"
        first = p.stdout.readline()
        assert first.startswith("b.md:1:1: refuted: link 1.1"), first
        with open(fifo, "w") as w:
            w.write(WRONG)
        rest = p.stdout.read()
        p.wait(timeout=120)
    finally:
        p.kill()
    assert p.returncode == 1
    assert rest.splitlines()[0].startswith(f"{fifo}:1:1: refuted: ")
    assert rest.splitlines()[-1].startswith("2 links in 2 files")


def test_markdown_and_github_totals(docs):
    md = run(docs, "check", "a.md", "b.md", "--no-cache", "-f", "markdown")
    assert md.stdout.count("# derive: ") == 2
    assert md.stdout.rstrip().endswith("| `b.md` | ✗ 1 refuted |")
    assert "## Total\n\n**2 links in 2 files: ✓ 1 proved, ✗ 1 refuted" in md.stdout
    gh = run(docs, "check", "a.md", "b.md", "--no-cache", "-f", "github")
    last = gh.stdout.splitlines()[-1]
    assert last.startswith("::notice title=derive%3A total::2 links in 2 files")
    assert last.endswith("problems in b.md.")
    one = run(docs, "check", "a.md", "--no-cache", "-f", "github")
    assert "derive%3A total" not in one.stdout


def test_counts_are_plural_only_when_they_should_be():
    assert plural(1, "link") == "1 link" and plural(0, "link") == "0 links"
    assert plural(2, "file") == "2 files"
    one = derive.check_text(OK, "a.md")
    assert total_text([one]) == ("1 link in 1 file: ✓ 1 proved, ✗ 0 refuted, ~ 0 conditional, "
                                 "? 0 unknown")
    assert total_text([one, one], 1).startswith("2 links in 2 files") and \
        total_text([one, one], 1).endswith("; 1 file not checked")
    assert problem_text(one) == ""
    bad = derive.check_text(BAD, "d.md")
    assert problem_text(bad) == "1 reading error"


# --------------------------------------------------------------------------- colour


@pytest.mark.parametrize("args, env, coloured", [
    ((), {}, False),  # a pipe: plain
    ((), {"FORCE_COLOR": "1"}, True),  # FORCE_COLOR works into a pipe
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
    (("--no-color",), {"FORCE_COLOR": "1"}, False),  # --no-color is --color never
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),  # NO_COLOR first
    (("--color", "always"), {"NO_COLOR": "1"}, True),  # a flag over the environment
    (("--color", "always"), {}, True),
])
def test_colour_conventions(docs, args, env, coloured):
    r = run(docs, "check", "b.md", "--no-cache", *args, env=env)
    assert r.returncode == 1
    assert ("\x1b[" in r.stdout) is coloured
    assert "✗ refuted" in r.stdout


def test_concise_colours_the_verdict_only_when_asked(docs):
    r = run(docs, "check", "b.md", "--no-cache", "-f", "concise", "--color", "always")
    assert r.stdout.startswith("b.md:1:1: \x1b[1;31mrefuted\x1b[0m: link 1.1")


# --------------------------------------------------------------------------- progress


def _on_a_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """Run with stdout and stderr on one pseudo-terminal; return the code and what it shows."""
    import pty

    main, other = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "derive", *args], cwd=cwd, stdin=other,
                         stdout=other, stderr=other, env=_env({"TERM": "xterm"}))
    os.close(other)
    out = b""
    try:
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end is closed
                break
            if not chunk:
                break
            out += chunk
        p.wait(timeout=300)
    finally:
        p.kill()
        os.close(main)
    return p.returncode, out.decode("utf-8", "replace")


def test_a_progress_bar_on_a_terminal_taken_down_before_each_result(docs):
    code, shown = _on_a_terminal(docs, "check", "a.md", "b.md", "--no-cache", "-f", "concise")
    assert code == 1
    assert "0/2" in shown and "1/2" in shown and "━" in shown  # the bar, per file
    assert "\x1b[2K" in shown  # the bar's line is erased before a result is written
    assert shown.index("1/2") < shown.index("b.md:1:1:")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.split("\x1b[2K")[-1])
    assert "b.md:1:1:" in plain and "2 links in 2 files" in plain


def test_no_progress_bar_for_one_file_with_no_progress_or_into_a_pipe(docs):
    _, one = _on_a_terminal(docs, "check", "a.md", "--no-cache", "-f", "concise")
    assert "━" not in one
    _, off = _on_a_terminal(docs, "check", "a.md", "b.md", "--no-cache", "-f", "concise",
                            "--no-progress")
    assert "━" not in off
    piped = run(docs, "check", "a.md", "b.md", "--no-cache", "-f", "concise")
    assert "━" not in piped.stderr and piped.stderr == ""


# --------------------------------------------------------------------------- pre-commit


def test_the_pre_commit_hook_definition():
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "derive" and hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["derive", "check"]
    assert "markdown" in hook["types"]
    example = yaml.safe_load((ROOT / "examples" / "ci" / "pre-commit-config.yaml").read_text())
    ids = [h["id"] for repo in example["repos"] for h in repo["hooks"]]
    assert "derive" in ids
    text = (ROOT / "examples" / "ci" / "pre-commit-config.yaml").read_text()
    assert "is an error" not in text  # a file without display equations is not an error


def test_the_workflow_does_not_install_the_users_own_repository():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((ROOT / "examples" / "ci" / "github-workflow.yml").read_text())
    assert flow["env"]["DERIVE_PACKAGE"] != "."
