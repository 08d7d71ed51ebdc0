"""Reading the document in a second process while the first imports the engine
(derive.app.parallel.read_while_importing; no longer used by the front door, which reads in
its own process).

Each case runs in a fresh interpreter: forking from a test runner that has threads is
refused (and should be), and the engine must not be imported yet.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POST = ROOT / "examples" / "softmax-cross-entropy.md"

COUNT_FORKS = """
import os, sys
from derive.app import parallel
parent = os.getpid()
forks = []
_real_fork = os.fork
def _counting_fork():
    pid = _real_fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = _counting_fork
parallel.usable_cpus = lambda: {cpus}
"""


def _run(code: str, cpus: int = 2) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", COUNT_FORKS.format(cpus=cpus)
                           + textwrap.dedent(code)],
                          capture_output=True, text=True, cwd=ROOT, timeout=180)


def _out(code: str, cpus: int = 2) -> str:
    r = _run(code, cpus)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_the_document_is_read_by_another_process_and_comes_back_whole():
    out = _out("""
        engine, doc = parallel.read_while_importing(
            lambda: {"reader": os.getpid(), "text": "é" * 3, "nested": [(1, 2.5), None]},
            lambda: "the engine", "auto")
        print(engine, doc["reader"] != parent, doc["text"], doc["nested"], len(forks))
    """)
    assert out == "the engine True ééé [(1, 2.5), None] 1"


def test_one_process_when_jobs_is_1_or_there_is_one_cpu():
    code = """
        engine, doc = parallel.read_while_importing(lambda: os.getpid(), lambda: "e", {jobs!r})
        print(engine, doc == parent, len(forks))
    """
    assert _out(code.format(jobs=1)) == "e True 0"
    assert _out(code.format(jobs="auto"), cpus=1) == "e True 0"
    assert _out(code.format(jobs=3)) == "e False 1"


def test_an_error_while_reading_is_raised_in_the_parent():
    out = _out("""
        from derive.errors import InputError
        def read():
            raise InputError("notes.md:3:7: not UTF-8 text")
        try:
            parallel.read_while_importing(read, lambda: "e", "auto")
        except InputError as exc:
            print("raised:", exc)
    """)
    assert out == "raised: notes.md:3:7: not UTF-8 text"


def test_a_failed_import_stops_and_reaps_the_reader():
    out = _out("""
        import time
        def import_engine():
            raise ImportError("no sympy here")
        try:
            parallel.read_while_importing(lambda: time.sleep(30), import_engine, "auto")
        except ImportError as exc:
            try:
                os.waitpid(forks[0], os.WNOHANG)
                print("reader left behind")
            except ChildProcessError:
                print("raised:", exc, "and the reader is gone")
    """)
    assert out == "raised: no sympy here and the reader is gone"


def test_the_command_line_reads_in_its_own_process_and_reports_as_with_one(tmp_path):
    """The front door reads, then imports the engine, in one process: a forked reader did
    not pay (see the README's Performance); -j auto forks only to check."""
    marker = str(tmp_path / "reader-pid")
    probe = f"""
        from derive.reading import document
        _read = document.read_document
        def read_document(*args, **kwargs):
            with open({marker!r}, "w") as f:
                f.write(str(os.getpid()))
            return _read(*args, **kwargs)
        document.read_document = read_document
        from derive.app.cli import main
        code = main(["check", {str(POST)!r}, "--format", "json", "--no-cache"{{extra}}])
        reader = int(open({marker!r}).read())
        print("READER", reader == parent, code, file=sys.stderr)
    """
    reports = {}
    for extra in (", '-j', 'auto'", ", '-j', '1'"):
        r = _run(probe.replace("{extra}", extra))
        assert r.returncode == 0, r.stderr
        assert "READER True 1" in r.stderr
        report = json.loads(r.stdout)["reports"][0]
        reports[extra] = [(link["verdict"], link["lhs"], link["rhs"], link["residual"])
                          for eq in report["equations"] for link in eq["links"]]
    auto, one = reports.values()
    assert auto == one
    assert [v for v, *_ in auto].count("refuted") == 2 and len(auto) == 19


def test_a_reader_that_dies_is_replaced_by_reading_here():
    out = _out("""
        def read():
            if os.getpid() != parent:
                os._exit(3)  # as if killed before it could send the document
            return "read here"
        engine, doc = parallel.read_while_importing(read, lambda: "e", "auto")
        print(engine, doc, len(forks))
    """)
    assert out == "e read here 1"
