"""Worker processes (-j N and -j auto): how many, how the work is handed out, and that the
report never depends on it. Forking runs in fresh subprocesses: a pytest-xdist worker has
threads of its own, and derive refuses to fork a process with threads (it checks serially)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

from derive.app import parallel
from derive.reading.document import read_document

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHAIN = r"""
Let $K$ be the number of classes, $k$ an index from 1 to $K$.

$$ y_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}} $$

$$ \sum_{k=1}^{K} y_k = \frac{\sum_{k=1}^{K} e^{z_k}}{\sum_{j=1}^{K} e^{z_j}} = 1 $$
"""


def _doc(text: str):
    return read_document(text, "doc.md")


# --------------------------------------------------------------------------- how many

@pytest.mark.parametrize("content, expected", [
    ("max 100000\n", None),  # cgroup v2 without a quota
    ("200000 100000\n", 2),
    ("150000 100000\n", 2),  # a part of a CPU counts as one
    ("50000 100000\n", 1),
    ("garbage\n", None),
])
def test_cgroup_v2_quota(tmp_path, content, expected):
    (tmp_path / "cpu.max").write_text(content)
    assert parallel.cgroup_quota(str(tmp_path)) == expected


@pytest.mark.parametrize("quota, period, expected", [("-1", "100000", None),
                                                     ("300000", "100000", 3)])
def test_cgroup_v1_quota(tmp_path, quota, period, expected):
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text(quota)
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text(period)
    assert parallel.cgroup_quota(str(tmp_path)) == expected


def test_no_cgroup_files_means_no_quota(tmp_path):
    assert parallel.cgroup_quota(str(tmp_path)) is None


def test_usable_cpus_takes_the_smaller_of_affinity_and_quota(monkeypatch):
    monkeypatch.setattr(parallel, "cgroup_quota", lambda: 1)
    assert parallel.usable_cpus() == 1
    monkeypatch.setattr(parallel, "cgroup_quota", lambda: None)
    assert parallel.usable_cpus() >= 1


def _post(times: int = 1):
    from derive.app import registry

    text = registry.library_text("softmax-cross-entropy")
    return read_document("\n\n".join([text] * times), "post.md")


def test_auto_jobs(monkeypatch):
    monkeypatch.setattr(parallel, "_can_fork", lambda: True)
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 8)
    assert parallel.auto_jobs(_doc(CHAIN)) == 1  # 2 links: not worth a fork
    assert parallel.auto_jobs(_post()) == 2  # 19 links: one worker per 8
    assert parallel.auto_jobs(_post(10)) == 8  # 190 links, but 8 CPUs
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 1)
    assert parallel.auto_jobs(_post(10)) == 1


def test_a_definition_s_first_equals_sign_is_no_link():
    doc = _doc(CHAIN)
    assert [parallel._links(eq) for eq in doc.equations] == [0, 2]


def test_no_fork_while_threads_run():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not parallel._can_fork()
        assert parallel.auto_jobs(_post(10)) == 1
    finally:
        stop.set()
        t.join()


# --------------------------------------------------------------------------- the queue

@pytest.mark.parametrize("n", [0, 1, 7, 5000])  # 5000 > _QUEUE_BLOCKS: blocks of several
def test_the_queue_hands_out_every_number_once(n):
    indices = list(range(3, 3 + n))
    read, next_index = parallel._queue(indices)
    back_r, back_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # take what it can, slowly, and report it
        try:
            got = []
            for k in iter(next_index, None):
                got.append(k)
            os.write(back_w, json.dumps(got).encode())
        finally:
            os._exit(0)
    os.close(back_w)
    mine = list(iter(next_index, None))
    with os.fdopen(back_r) as f:
        theirs = json.loads(f.read())
    os.waitpid(pid, 0)
    os.close(read)
    assert sorted(mine + theirs) == indices
    assert not set(mine) & set(theirs)
    assert mine == sorted(mine) and theirs == sorted(theirs)  # each in document order


# --------------------------------------------------------------------------- forked checks

def _script(body: str) -> subprocess.CompletedProcess:
    code = textwrap.dedent(body)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=600,
                          env={**os.environ, "PYTHONPATH": ROOT})


def test_workers_give_the_serial_report_and_share_the_work(tmp_path):
    log = tmp_path / "pids"
    r = _script(f"""
        import os, dataclasses
        from derive.engine import check as checker
        from derive.app import parallel
        from derive.app import registry
        from derive.reading.document import read_document
        from derive.engine.translate import Symbols

        text = registry.library_text("softmax-cross-entropy")
        doc = read_document(text + "\\n\\n" + text, "post.md")
        original = checker.check_equation

        def logged(*args):
            with open({str(log)!r}, "a") as f:
                f.write(f"{{os.getpid()}}\\n")
            return original(*args)

        checker.check_equation = logged

        def plain(eqs):
            return [dataclasses.replace(e, links=tuple(dataclasses.replace(lk, seconds=0.0)
                                                       for lk in e.links)) for e in eqs]

        symbols = Symbols.for_document(doc)
        serial = plain([original(doc, eq, symbols, 0, 20.0) for eq in doc.equations])
        assert parallel._can_fork()
        open({str(log)!r}, "w").close()
        assert plain(parallel.map_equations(checker.check_equation, doc, 0, 20.0, 2)) == serial
        pids = open({str(log)!r}).read().split()
        assert len(pids) == len(doc.equations), (len(pids), len(doc.equations))
        assert len(set(pids)) == 2, set(pids)
        assert plain(parallel.map_equations(checker.check_equation, doc, 0, 20.0, 3)) == serial
        # workers still exiting when collected are reaped by the next call, not left behind
        import time
        time.sleep(0.5)
        parallel.map_equations(checker.check_equation, doc, 0, 20.0, 1)
        assert parallel._EXITING == []
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            pass  # no child left, not even a zombie
        else:
            raise AssertionError("a worker was left unreaped")
        print("ok", len(doc.equations))
    """)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.startswith("ok 22")


def test_a_worker_s_failure_is_raised_in_the_parent():
    r = _script("""
        import os, time
        from derive.engine import check as checker
        from derive.app import parallel
        from derive.app import registry
        from derive.reading.document import read_document

        text = registry.library_text("softmax-cross-entropy")
        doc = read_document(text, "post.md")
        parent, original = os.getpid(), checker.check_equation

        def failing(*args):
            if os.getpid() != parent:
                raise ValueError("broken in a worker")
            time.sleep(0.2)  # so that the worker surely takes an equation
            return original(*args)

        checker.check_equation = failing
        try:
            parallel.map_equations(checker.check_equation, doc, 0, 20.0, 2)
        except ValueError as exc:
            print("raised", exc)
    """)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip() == "raised broken in a worker"


@pytest.mark.parametrize("value, message", [("0", "must be at least 1"),
                                            ("two", "expected a number or 'auto'")])
def test_bad_jobs_are_refused(value, message):
    p = subprocess.run([sys.executable, "-m", "derive", "check", "softmax-cross-entropy",
                        "-j", value], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": ROOT}, timeout=120)
    assert p.returncode == 2
    assert message in p.stderr
