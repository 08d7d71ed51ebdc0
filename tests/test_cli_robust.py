"""The command line under hostile conditions (issue #15): endless and odd inputs are read
only up to the limit, every option's value is checked by argparse, a closed pipe never turns
a failing check into success, and a worker that dies is a clean error."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from derive.app import api
from derive.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
TRUE_DOC = "$$2 a = a + a$$\n"
FALSE_DOC = "$$2 a = a + 3 a$$\n"
LIMIT = f"{api.MAX_BYTES:,}"


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.pop("NO_COLOR", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["DERIVE_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _limit_memory():  # a reader that read everything would fail here, not eat the machine
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(tmp_path: Path, *args, **kwargs):
    kwargs.setdefault("capture_output", True)
    return subprocess.run([sys.executable, "-m", "derive", *args], text=True, cwd=tmp_path,
                          env=_env(tmp_path), timeout=120, **kwargs)


def _clean(stderr: str) -> None:
    for noise in ("Traceback", "Exception ignored", "BrokenPipeError", "Error:"):
        assert noise not in stderr, stderr


# --------------------------------------------------------------------------- bounded reading

def test_an_endless_stdin_is_refused_at_the_limit(tmp_path):
    yes = subprocess.Popen(["yes", "$$a=a$$"], stdout=subprocess.PIPE)
    try:
        r = run(tmp_path, "check", "-", stdin=yes.stdout, preexec_fn=_limit_memory)
    finally:
        yes.stdout.close()
        yes.kill()
        yes.wait()
    assert r.returncode == 2
    _clean(r.stderr)
    assert "<stdin>" in r.stderr and "too large" in r.stderr and LIMIT in r.stderr
    assert r.stderr.strip().count("\n") == 0


def test_dev_zero_is_refused_without_reading_it(tmp_path):
    r = run(tmp_path, "check", "/dev/zero", preexec_fn=_limit_memory)
    assert r.returncode == 2
    _clean(r.stderr)
    assert "/dev/zero" in r.stderr and "not a regular file" in r.stderr


def test_an_endless_named_pipe_is_refused_at_the_limit(tmp_path):
    fifo = tmp_path / "endless.md"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"yes '$$a=a$$' > '{fifo}'"],
                              stderr=subprocess.DEVNULL)
    try:
        r = run(tmp_path, "check", str(fifo), preexec_fn=_limit_memory)
    finally:
        writer.kill()
        writer.wait()
    assert r.returncode == 2
    _clean(r.stderr)
    assert str(fifo) in r.stderr and "too large" in r.stderr and LIMIT in r.stderr


def test_a_named_pipe_with_a_document_is_checked(tmp_path):
    fifo = tmp_path / "piped.md"
    os.mkfifo(fifo)

    def write():
        with open(fifo, "w") as f:
            f.write(FALSE_DOC)

    t = threading.Thread(target=write)
    t.start()
    try:
        r = run(tmp_path, "check", str(fifo), "--no-cache", "--format", "json", "-j", "1")
    finally:
        t.join(timeout=60)
    assert r.returncode == 1, r.stderr
    assert '"refuted": 1' in r.stdout


def test_a_named_pipe_nobody_writes_to_gives_up(tmp_path, monkeypatch):
    fifo = tmp_path / "silent.md"
    os.mkfifo(fifo)
    monkeypatch.setattr(api, "PIPE_IDLE_SECONDS", 0.2)
    with pytest.raises(InputError, match="nothing was written"):
        api.read_source(str(fifo))


def test_the_limit_is_exact_for_files_and_stdin(tmp_path, monkeypatch):
    monkeypatch.setattr(api, "MAX_BYTES", 100)
    at = tmp_path / "at.md"
    at.write_bytes(b"a" * 99 + b"\n")
    assert len(api.read_source(str(at))) == 100
    over = tmp_path / "over.md"
    over.write_bytes(b"a" * 100 + b"\n")
    with pytest.raises(InputError, match=r"over\.md: input too large \(101 bytes; the limit"):
        api.read_source(str(over))

    class Stdin:
        def __init__(self, data):
            import io

            self.buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin(b"a" * 100))
    assert api.read_source("-") == "a" * 100
    monkeypatch.setattr(sys, "stdin", Stdin(b"a" * 10_000))
    with pytest.raises(InputError, match="<stdin>: input too large"):
        api.read_source("-")
    assert sys.stdin.buffer.tell() == 101  # no more than the limit and one byte was read


def test_a_directory_and_a_missing_file_are_still_one_line(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        api.read_source(str(tmp_path))
    with pytest.raises(InputError, match="no such file"):
        api.read_source(str(tmp_path / "missing.md"))


# --------------------------------------------------------------------------- option values

@pytest.mark.parametrize("args, message", [
    (["--timeout", "-1"], "at least 0"),
    (["--timeout", "nan"], "finite"),
    (["--timeout", "inf"], "finite"),
    (["--timeout", "-inf"], "finite"),
    (["--timeout", "1e308"], "at most 86400"),
    (["--timeout", "soon"], "expected a number of seconds"),
    (["--width", "0"], "from 40 to 1000"),
    (["--width", "-5"], "from 40 to 1000"),
    (["--width", "100000"], "from 40 to 1000"),
    (["--width", "wide"], "expected a whole number"),
    (["--jobs", "0"], "must be at least 1"),
    (["--jobs", "-3"], "must be at least 1"),
    (["--jobs", "100000"], "at most 256"),
    (["--jobs", "1.5"], "expected a number or 'auto'"),
    (["--seed", "-1"], "from 0 to 4294967295"),
    (["--seed", str(10**30)], "from 0 to 4294967295"),
    (["--seed", "1e3"], "expected a whole number"),
])
def test_bad_option_values_are_usage_errors(tmp_path, args, message):
    (tmp_path / "ok.md").write_text(TRUE_DOC)
    option, value = args
    r = run(tmp_path, "check", "ok.md", "--no-cache", f"{option}={value}")  # (=-inf: a value)
    assert r.returncode == 2
    _clean(r.stderr)
    assert "usage:" in r.stderr and message in r.stderr and option in r.stderr
    assert r.stdout == ""


def test_the_option_checks_in_process():
    from derive.app.cli import main

    assert main(["check", "softmax-cross-entropy", "--timeout", "nan"]) == 2
    assert main(["check", "softmax-cross-entropy", "--width", "0"]) == 2


def test_good_option_values_at_the_edges_are_accepted(tmp_path):
    (tmp_path / "ok.md").write_text(TRUE_DOC)
    r = run(tmp_path, "check", "ok.md", "--no-cache", "--timeout", "0", "--width", "40",
            "--seed", "4294967295", "-j", "1")
    assert r.returncode == 0, r.stderr
    r = run(tmp_path, "check", "ok.md", "--no-cache", "--timeout", "86400", "--width", "1000",
            "--seed", "0", "-j", "auto")
    assert r.returncode == 0, r.stderr


# --------------------------------------------------------------------------- broken pipes

# the program as its console script runs it, leaving through os._exit or the usual exit
PIPE_PROBE = """
import sys
from derive.app import cli
cli._may_leave_at_once = lambda: {at_once}
sys.argv = ["derive", *{args!r}]
cli.run()
"""


def _into_a_closed_pipe(tmp_path: Path, args: list[str], at_once: bool = True):
    """Run the program with a standard output whose reader has gone already."""
    code = PIPE_PROBE.format(args=args, at_once=at_once)
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=tmp_path, env=_env(tmp_path))
    p.stdout.close()  # nobody will read: every write to it fails with EPIPE
    try:
        stderr = p.stderr.read().decode()
        p.wait(timeout=120)
    finally:
        p.kill()
    return p.returncode, stderr


def _documents(tmp_path: Path, n: int, text: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    for k in range(n):
        (folder / f"doc{k:02}.md").write_text(text)
    return folder


@pytest.mark.parametrize("at_once", [True, False], ids=["os._exit", "usual-exit"])
@pytest.mark.parametrize("fmt", ["plain", "json", "terminal", "github"])
def test_a_closed_pipe_keeps_a_failing_check_failing(tmp_path, fmt, at_once):
    _documents(tmp_path, 3, FALSE_DOC)
    code, stderr = _into_a_closed_pipe(tmp_path, ["check", "docs", "--format", fmt, "-j", "1"],
                                       at_once)
    assert code == 1, stderr
    assert stderr == ""


@pytest.mark.parametrize("at_once", [True, False], ids=["os._exit", "usual-exit"])
def test_a_closed_pipe_is_never_success(tmp_path, at_once):
    (tmp_path / "ok.md").write_text(TRUE_DOC)
    for fmt in ("plain", "terminal", "json"):
        code, stderr = _into_a_closed_pipe(tmp_path, ["check", "ok.md", "--format", fmt],
                                           at_once)
        assert code == 141, (fmt, stderr)
        assert stderr == ""
    code, stderr = _into_a_closed_pipe(tmp_path, ["list"], at_once)
    assert code == 141 and stderr == ""


def test_a_closed_pipe_keeps_reading_errors_on_stderr(tmp_path):
    (tmp_path / "bad.md").write_text("$$2 a = a + a$$\n\n$$x = \\frac{1}{y$$\n")
    code, stderr = _into_a_closed_pipe(tmp_path, ["check", "bad.md", "--no-cache"])
    assert code == 2
    assert "bad.md:3:" in stderr
    _clean(stderr)


def test_head_of_many_refuted_documents_exits_non_zero(tmp_path):
    _documents(tmp_path, 40, FALSE_DOC)
    r = subprocess.run(["bash", "-c", f"{sys.executable} -m derive check docs | head -1; "
                                      "echo \"${PIPESTATUS[0]}\" >&2"],
                       capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
                       timeout=300)
    assert r.stdout.startswith("derive: docs/doc00.md")
    assert r.stderr.strip() == "1", r.stderr


# --------------------------------------------------------------------------- dead workers

KILL_PROBE = """
import os, signal, sys, time
from derive.engine import check as checker
from derive.app import cli

parent, original = os.getpid(), checker.check_equation

def dying(*args):
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
    time.sleep(0.2)  # so that the worker surely takes an equation
    return original(*args)

checker.check_equation = dying
sys.argv = ["derive", "check", "softmax-cross-entropy", {ok!r}, "--no-cache", "-j", "2",
            "--format", "json"]
cli.run()
"""


def test_a_worker_killed_during_the_check_is_a_clean_error(tmp_path):
    (tmp_path / "ok.md").write_text(TRUE_DOC)  # one link: checked in one process, unharmed
    r = subprocess.run([sys.executable, "-c", KILL_PROBE.format(ok="ok.md")],
                       capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path),
                       timeout=300)
    assert r.returncode == 2, r.stderr
    _clean(r.stderr)
    assert "softmax-cross-entropy: a worker process was killed by signal 9" in r.stderr
    assert "did not finish" in r.stderr
    import json

    data = json.loads(r.stdout)  # the other target's report is still printed
    assert [x["source"] for x in data["reports"]] == ["ok.md"]
    assert data["reports"][0]["ok"] is True and data["exit_code"] == 2
    assert [e["target"] for e in data["errors"]] == ["softmax-cross-entropy"]
