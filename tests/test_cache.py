"""The on-disk cache of reports: it never changes a verdict, ignores what it cannot read,
lives where it is told, is bypassed by --no-cache, and a hit imports no sympy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import derive
from derive.app import cache
from derive.report.model import (
    Assumption,
    Chain,
    Counterexample,
    Equation,
    Link,
    Report,
    SourceError,
    Verdict,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TRUE_DOC = "$$(a + b)^2 = a^2 + 2 a b + b^2$$\n"


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    """Every test gets its own cache directory and fresh counters."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(folder))
    for k in cache.stats:
        monkeypatch.setitem(cache.stats, k, 0)
    return folder


def _entries(folder: Path) -> list[Path]:
    return sorted((folder / "reports").glob("*.json")) if (folder / "reports").exists() else []


def _no_seconds(data):
    if isinstance(data, dict):
        return {k: _no_seconds(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_no_seconds(v) for v in data]
    return data


def _same(a: Report, b: Report) -> None:
    assert cache.without_seconds(a) == cache.without_seconds(b)
    assert _no_seconds(a.to_dict()) == _no_seconds(b.to_dict())
    from derive.report.render import render

    assert render(a, "plain") == render(b, "plain")


def _doc(text: str, source: str = "notes.md"):
    from derive.reading.document import read_document

    return read_document(text, source)


def _checked(doc) -> Report:
    """The document's text checked through the front door, with the cache."""
    return derive.check_text(doc.text, doc.source, cache=True, sidecar=doc.sidecar)


# --------------------------------------------------------------------------- round trip

CX = Counterexample(size={"K": 2}, indices={"i": 1},
                    values={"z": [0, 0.5], "t": [1, 0], "a": "1/3"}, lhs=0.25,
                    rhs=float("inf"), family="one-hot")
NEEDS = (Assumption(r"\sum_k t_k = 1", "Σ_k t_k = 1", stated=False),
         Assumption(r"k \neq i", "k ≠ i", stated=True))
HANDBUILT = Report(
    source="notes/x.md", title="A title", seed=7, engine="derive-engine/1", seconds=1.5,
    summary=("one", "two"), notes=("a note",), assumptions=NEEDS[:1],
    errors=(SourceError("bad front matter", 1, 2, "---", "notes/x.md"),),
    equations=(
        Equation(1, 3, "definition", "y = e^z", "y = e^z", defines="y", notes=("redefined",)),
        Equation(2, 5, "claim", "a = b = c", "a = b = c", cases=NEEDS[1:], links=(
            Link(1, "a", "b", Verdict.PROVED, "symbolic", "algebra", "a", "b", seconds=0.125),
            Link(2, "b", "c", Verdict.REFUTED, "numeric", "expansion", "b", "c", derived="d",
                 derived_text="d", counterexample=CX, suggestion="d", residual="b - c",
                 residual_text="b − c", seconds=1e-7),
            Link(3, "c", "d", Verdict.CONDITIONAL, "symbolic", "sum", needs=NEEDS),
            Link(4, "d", "e", Verdict.UNKNOWN, "none", "no rule found",
                 reason="no symbolic proof, and no counterexample at K = 2..6"),
        ), chain=Chain(Verdict.CONDITIONAL, "a", "e", "numeric", NEEDS, CX, "r", "a", "e", "r",
                       "because")),
        Equation(3, 9, "error", r"\frac{a", r"\frac{a",
                 error=SourceError("unbalanced braces", 9, 3, r"$$\frac{a$$", "notes/x.md")),
    ))


def test_report_round_trips_field_for_field():
    data = json.loads(json.dumps(cache.report_to_dict(HANDBUILT)))
    back = cache.report_from_dict(data)
    assert back == HANDBUILT
    assert back.to_dict() == HANDBUILT.to_dict()
    assert isinstance(back.equations, tuple) and isinstance(back.equations[1].links, tuple)
    assert back.equations[1].links[1].verdict is Verdict.REFUTED
    assert back.equations[1].links[2].needs == NEEDS
    assert back.equations[1].chain.counterexample.values["z"] == [0, 0.5]
    from derive.report.render import FORMATS, render

    for fmt in FORMATS:
        assert render(back, fmt) == render(HANDBUILT, fmt)


def test_report_from_dict_rejects_foreign_data():
    data = cache.report_to_dict(HANDBUILT)
    for bad in ({**data, "surprise": 1}, {k: v for k, v in data.items() if k != "source"},
                {**data, "equations": [{"index": 1}]}, [], "text"):
        with pytest.raises((TypeError, ValueError, KeyError)):
            cache.report_from_dict(bad)


# --------------------------------------------------------------------------- verdicts

TARGETS = [*derive.builtins(), str(EXAMPLES / "softmax-cross-entropy.md"),
           str(EXAMPLES / "softmax-cross-entropy-corrected.md")]


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: Path(t).stem)
def test_cache_never_changes_a_verdict(target):
    cold = derive.check(target, cache=False)
    first = derive.check(target, cache=True)  # a miss: checked and stored
    assert cache.stats["misses"] == 1 and cache.stats["stores"] == 1
    warm = derive.check(target, cache=True)  # a hit
    assert cache.stats["hits"] == 1 and cache.stats["errors"] == 0
    _same(cold, first)
    _same(cold, warm)
    assert warm == first  # a hit is the stored report itself, timings included
    assert warm.exit_code == cold.exit_code


def test_the_post_still_has_its_two_refuted_links():
    derive.check("softmax-cross-entropy", cache=True)
    warm = derive.check("softmax-cross-entropy", cache=True)
    assert cache.stats["hits"] == 1
    assert warm.counts == {"proved": 17, "refuted": 2, "conditional": 0, "unknown": 0}


def test_a_hit_does_not_run_the_checker(monkeypatch):
    doc = _doc(TRUE_DOC)
    cold = _checked(doc)
    import derive.engine.check

    def boom(*a, **k):
        raise AssertionError("the checker ran on a cache hit")

    monkeypatch.setattr(derive.engine.check, "check_document", boom)
    assert _checked(doc) == cold


def test_text_and_document_lookups_share_a_key():
    first = derive.check_text(TRUE_DOC, "notes.md", cache=True)
    key = cache.key(TRUE_DOC, "notes.md", seed=0, timeout=20.0)
    assert cache.document_key(_doc(TRUE_DOC, "notes.md"), seed=0, timeout=20.0) == key
    assert cache.load(key) == first
    assert cache.stats == {"hits": 1, "misses": 1, "stores": 1, "errors": 0}


def test_everything_that_can_change_a_report_changes_the_key():
    base = cache.cache_key("text", "a.md", 0, "timeout=20.0")
    assert base == cache.cache_key("text", "a.md", 0, "timeout=20.0")
    others = {cache.cache_key("text!", "a.md", 0, "timeout=20.0"),
              cache.cache_key("text", "b.md", 0, "timeout=20.0"),
              cache.cache_key("text", "a.md", 1, "timeout=20.0"),
              cache.cache_key("text", "a.md", 0, "timeout=5.0"),
              cache.cache_key("tex", "ta.md", 0, "timeout=20.0")}
    assert base not in others and len(others) == 5
    keys = {cache.key(TRUE_DOC, "a.md", seed=0, timeout=20.0),
            cache.key(TRUE_DOC, "a.md", seed=0, timeout=None),
            cache.key(TRUE_DOC, "a.md", seed=0, timeout=20.0, sidecar=("a.derive.yaml", "")),
            cache.key(TRUE_DOC, "a.md", seed=0, timeout=20.0, sidecar=("a.derive.yaml", "x"))}
    assert len(keys) == 4


def test_a_builtin_is_keyed_by_its_library_file():
    from derive.app import registry

    text = registry.library_text("softmax-cross-entropy")
    assert "builtin:" in text and "title:" in text  # its rules, lines and title are text
    want = cache.key(text, "softmax-cross-entropy", seed=0, timeout=20.0)
    report = derive.check("softmax-cross-entropy", cache=True)
    assert cache.load(want) == report


def test_a_builtin_is_looked_up_before_it_is_read(monkeypatch):
    first = derive.check("softmax-cross-entropy", cache=True)  # a miss: read, checked, stored
    from derive.reading import document

    def no_reading(*args, **kwargs):
        raise AssertionError("a cache hit read the document")

    monkeypatch.setattr(document, "read_document", no_reading)
    again = derive.check("softmax-cross-entropy", cache=True)
    assert cache.stats["hits"] == 1 and again == first


def test_a_builtin_s_rules_and_title_are_part_of_its_key(monkeypatch):
    from derive.app import registry

    text = registry.library_text("softmax-cross-entropy")
    derive.check("softmax-cross-entropy", cache=True)
    titled = text.replace("title: \"Derivative", "title: \"Another title, derivative", 1)
    monkeypatch.setattr(registry, "library_text", lambda name: titled)
    report = derive.check("softmax-cross-entropy", cache=True)
    assert cache.stats["misses"] == 2 and report.title.startswith("Another title")
    fewer = text.replace('      3: {1: "linearity of the derivative"}\n', "", 1)
    assert fewer != text
    monkeypatch.setattr(registry, "library_text", lambda name: fewer)
    derive.check("softmax-cross-entropy", cache=True)
    assert cache.stats["misses"] == 3 and cache.stats["hits"] == 0


def test_reports_cut_short_by_the_time_limit_are_not_stored(cache_home):
    timed_out = Report("x.md", (Equation(1, 1, "claim", "a = b", links=(
        Link(1, "a", "b", Verdict.UNKNOWN, "timeout", "unknown (time limit)"),)),))
    assert not cache.cacheable(timed_out)
    assert cache.store("k" * 64, timed_out) is False
    assert _entries(cache_home) == []
    assert cache.cacheable(HANDBUILT) and cache.store("f" * 64, HANDBUILT)
    assert cache.lookup("f" * 64) == HANDBUILT


def test_a_report_that_would_not_read_back_exactly_is_not_stored(cache_home):
    odd = Counterexample({"K": 2}, {}, {"z": [Fraction(1, 3)]}, 0.0, 1.0)
    report = Report("x.md", (Equation(1, 1, "claim", "a = b", links=(
        Link(1, "a", "b", Verdict.REFUTED, "numeric", "r", counterexample=odd),)),))
    assert cache.store("e" * 64, report) is False
    assert cache.lookup("e" * 64) is None
    assert _entries(cache_home) == []


# --------------------------------------------------------------------------- failures

def _garbage(key: str) -> list[bytes]:
    good = {"schema": cache.SCHEMA, "key": key, "report": cache.report_to_dict(HANDBUILT)}
    broken = json.loads(json.dumps(good))
    broken["report"]["equations"][1]["links"][0]["verdict"] = "maybe"
    return [b"", b"\x00\xff\xfe", b"{", b'{"schema": "derive.cache/1"}', b"[1, 2]",
            json.dumps({**good, "schema": "derive.cache/0"}).encode(),
            json.dumps({**good, "key": "0" * 64}).encode(),  # another document's report
            json.dumps(broken).encode()]


@pytest.mark.parametrize("n", range(8))
def test_corrupt_entries_are_ignored_and_replaced(cache_home, n):
    doc = _doc(TRUE_DOC)
    cold = derive.check_text(TRUE_DOC, "notes.md", cache=False)
    key = cache.document_key(doc, seed=0, timeout=20.0)
    path = cache.entry_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_garbage(key)[n])
    got = _checked(doc)
    _same(got, cold)
    assert cache.stats["errors"] == 1 and cache.stats["misses"] == 1
    assert cache.lookup(key) == got  # the fresh check replaced the corrupt entry


def test_an_unwritable_cache_falls_back_to_a_fresh_check(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(blocker / "cache"))
    cold = derive.check_text(TRUE_DOC, cache=False)
    for _ in range(2):
        _same(derive.check_text(TRUE_DOC, cache=True), cold)
    assert cache.stats["stores"] == 0 and cache.stats["errors"] == 2
    assert blocker.read_text() == "not a directory"


def test_a_directory_in_the_way_of_an_entry_is_a_miss(cache_home):
    doc = _doc(TRUE_DOC)
    key = cache.document_key(doc, seed=0, timeout=20.0)
    cache.entry_path(key).mkdir(parents=True)
    report = _checked(doc)
    assert report.exit_code == 0 and cache.stats["stores"] == 0
    assert not list(cache.entry_path(key).parent.glob(".tmp-*"))  # no temporary file left


def test_writes_are_atomic_and_leave_no_temporary_files(cache_home):
    derive.check_text(TRUE_DOC, cache=True)
    files = list((cache_home / "reports").iterdir())
    assert len(files) == 1 and files[0].suffix == ".json" and not files[0].name.startswith(".")
    entry = json.loads(files[0].read_text(encoding="utf-8"))
    assert entry["schema"] == cache.SCHEMA and entry["key"] == files[0].stem
    assert cache.clear() == 1 and _entries(cache_home) == []


# --------------------------------------------------------------------------- location

def test_cache_dir_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "explicit"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("DERIVE_CACHE_DIR")
    assert cache.cache_dir() == tmp_path / "xdg" / "derive"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "derive"
    monkeypatch.setenv("DERIVE_CACHE_DIR", "")  # empty means unset
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "derive"


def test_derive_cache_dir_is_respected(tmp_path, monkeypatch, cache_home):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    derive.check_text(TRUE_DOC, cache=True)
    assert len(_entries(cache_home)) == 1
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


# --------------------------------------------------------------------------- the CLI

def _cli(*args, cache_dir: Path, importtime: bool = False):
    env = dict(os.environ)
    env["DERIVE_CACHE_DIR"] = str(cache_dir)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("NO_COLOR", None)
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "derive", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


def _poison(path: Path, cache_dir: Path, monkeypatch) -> None:
    """Store a report that refutes the (true) document under the CLI's key for it."""
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(cache_dir))
    doc = _doc(path.read_text(), str(path))
    key = cache.document_key(doc, seed=0, timeout=20.0)
    from dataclasses import replace

    true = derive.check_text(doc.text, str(path), cache=False)
    eq = true.equations[0]
    bad = replace(eq, links=(replace(eq.links[0], verdict=Verdict.REFUTED),))
    assert cache.store(key, replace(true, equations=(bad,)))


def test_no_cache_bypasses_the_cache(tmp_path, monkeypatch):
    f = tmp_path / "ok.md"
    f.write_text(TRUE_DOC)
    fresh = tmp_path / "fresh"
    assert _cli("check", str(f), "--no-cache", cache_dir=fresh).returncode == 0
    assert not fresh.exists()  # nothing written
    poisoned = tmp_path / "poisoned"
    _poison(f, poisoned, monkeypatch)
    before = {p: p.read_bytes() for p in _entries(poisoned)}
    assert _cli("check", str(f), "--format", "json", cache_dir=poisoned).returncode == 1
    bypass = _cli("check", str(f), "--format", "json", "--no-cache", cache_dir=poisoned)
    assert bypass.returncode == 0, bypass.stderr
    assert json.loads(bypass.stdout)["counts"]["proved"] == 1
    assert {p: p.read_bytes() for p in _entries(poisoned)} == before


def _imports(stderr: str) -> set[str]:
    out = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            out.add(line.rsplit("|", 1)[1].strip())
    return out


def test_a_warm_cli_run_imports_no_sympy(tmp_path):
    target = str(EXAMPLES / "softmax-cross-entropy.md")
    cold = _cli("check", target, "--format", "json", cache_dir=tmp_path / "c")
    assert cold.returncode == 1, cold.stderr
    assert len(_entries(tmp_path / "c")) == 1
    warm = _cli("check", target, "--format", "json", cache_dir=tmp_path / "c", importtime=True)
    assert warm.returncode == 1
    modules = _imports(warm.stderr)
    assert "derive.app.cache" in modules  # the marker: the cache was consulted
    assert not {m for m in modules if m == "sympy" or m.startswith(("sympy.", "mpmath"))}
    assert _no_seconds(json.loads(warm.stdout)) == _no_seconds(json.loads(cold.stdout))


def test_importing_the_cache_costs_no_sympy():
    code = ("import sys, derive.app.cache; "
            "print('sympy' in sys.modules, 'derive.engine.check' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.stdout.split() == ["False", "False"]


# --------------------------------------------------------------------------- hostile entries
# (issue #15: the cache cannot be turned against the run that reads it)

def _key_and_path(text: str = TRUE_DOC):
    doc = _doc(text)
    key = cache.document_key(doc, seed=0, timeout=20.0)
    path = cache.entry_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    return doc, key, path


def test_a_fifo_at_an_entry_s_path_is_a_miss_not_a_hang(cache_home):
    doc, key, path = _key_and_path()
    os.mkfifo(path)
    assert cache.lookup(key) is None  # opened without blocking, and never read
    report = _checked(doc)
    assert report.exit_code == 0
    assert path.is_file() and cache.lookup(key) == report  # replaced by a real entry


@pytest.mark.parametrize("target", ["/dev/zero", "elsewhere.json"])
def test_a_symlink_at_an_entry_s_path_is_a_miss(cache_home, target):
    doc, key, path = _key_and_path()
    if target == "elsewhere.json":  # even to a good entry: the cache follows no links
        good = path.parent / "good"
        cache.store(key, derive.check_text(TRUE_DOC, "notes.md", cache=False))
        os.replace(path, good)
        target = str(good)
    os.symlink(target, path)
    assert cache.lookup(key) is None
    assert cache.stats["errors"] == 1
    report = _checked(doc)
    assert report.exit_code == 0 and not path.is_symlink()
    if target != "/dev/zero":
        assert Path(target).exists()  # the link was replaced, not what it pointed at


def test_an_entry_over_the_size_cap_is_a_miss(cache_home, monkeypatch):
    doc, key, path = _key_and_path()
    cache.store(key, derive.check_text(TRUE_DOC, "notes.md", cache=False))
    assert cache.lookup(key) is not None
    monkeypatch.setattr(cache, "MAX_ENTRY_BYTES", path.stat().st_size // 2)  # (timings vary)
    assert cache.lookup(key) is None
    assert cache.store(key, derive.check_text(TRUE_DOC, "notes.md", cache=False)) is False


def _report_with(link: Link | None = None, chain: Chain | None = None,
                 error: SourceError | None = None) -> Report:
    links = (link,) if link else (Link(1, "a", "b", Verdict.PROVED, "symbolic", "algebra"),)
    kind = "error" if error else "claim"
    return Report("x.md", (Equation(1, 1, kind, "a = b", links=() if error else links,
                                    chain=chain, error=error),))


UNDECIDED = [
    Link(1, "a", "b", Verdict.UNKNOWN, "timeout", "undetermined (time limit)",
         reason="time limit (20 s)"),
    Link(1, "a", "b", Verdict.UNKNOWN, "none", "undetermined",
         reason="the engine failed on this link (MemoryError: )"),
    Link(1, "a", "b", Verdict.UNKNOWN, "none", "undetermined",
         reason="the engine failed on this link (RecursionError: maximum recursion depth)"),
    Link(1, "a", "b", Verdict.UNKNOWN, "none", "undetermined", reason="internal error"),
    Link(1, "a", "b", Verdict.UNKNOWN, "none", "undetermined", reason=None),
    Link(1, "a", "b", Verdict.UNKNOWN, "none", "undetermined", reason="something new"),
]


@pytest.mark.parametrize("link", UNDECIDED, ids=lambda lk: str(lk.reason)[:20])
def test_a_link_the_engine_could_not_decide_is_never_stored(cache_home, link):
    report = _report_with(link)
    assert not cache.cacheable(report)
    assert cache.store("a" * 64, report) is False and _entries(cache_home) == []


@pytest.mark.parametrize("chain", [
    Chain(Verdict.UNKNOWN, "a", "c", "timeout", reason="time limit (20 s)"),
    Chain(Verdict.UNKNOWN, "a", "c", "none", reason="the engine failed (MemoryError)"),
])
def test_a_chain_the_engine_could_not_decide_is_never_stored(chain):
    assert not cache.cacheable(_report_with(chain=chain))


def test_an_equation_the_engine_failed_on_is_never_stored():
    failed = SourceError("the engine failed on this equation (MemoryError: )", 1, 1, "", "x.md")
    assert not cache.cacheable(_report_with(error=failed))
    unreadable = SourceError("unbalanced braces", 1, 1, "", "x.md")  # the document's own fault
    assert cache.cacheable(_report_with(error=unreadable))


def test_decided_verdicts_and_a_mathematical_unknown_are_stored():
    for verdict in (Verdict.PROVED, Verdict.REFUTED, Verdict.CONDITIONAL):
        assert cache.cacheable(_report_with(Link(1, "a", "b", verdict, "symbolic", "algebra")))
    unknown = Link(1, "a", "b", Verdict.UNKNOWN, "none", "no rule found",
                   reason="no symbolic proof, and no counterexample at K = 2..6")
    assert cache.cacheable(_report_with(unknown))


def test_a_real_engine_failure_is_not_replayed(monkeypatch):
    """A MemoryError under one run's limits is reported for that run only: the next run
    checks again (and gets the real verdict)."""
    from derive.engine import check as checker

    real = checker._check_link

    def out_of_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(checker, "_check_link", out_of_memory)
    first = derive.check_text(TRUE_DOC, "notes.md", cache=True)
    assert first.equations[0].links[0].verdict is Verdict.UNKNOWN
    assert cache.stats["stores"] == 0
    monkeypatch.setattr(checker, "_check_link", real)
    again = derive.check_text(TRUE_DOC, "notes.md", cache=True)
    assert again.equations[0].links[0].verdict is Verdict.PROVED
    assert cache.stats["misses"] == 2 and cache.stats["stores"] == 1


def test_the_fingerprint_covers_python_and_mpmath(monkeypatch):
    base = cache.engine_fingerprint()

    def fresh():
        monkeypatch.setattr(cache, "_FINGERPRINT", None)
        return cache.engine_fingerprint()

    assert fresh() == base
    version = sys.version
    monkeypatch.setattr(sys, "version", version + " (another build)")
    assert fresh() != base
    monkeypatch.setattr(sys, "version", version)
    assert fresh() == base
    real = cache._module_version
    monkeypatch.setattr(cache, "_module_version",
                        lambda name: "0.0-other" if name == "mpmath" else real(name))
    assert fresh() != base
    monkeypatch.setattr(cache, "_module_version", real)
    assert fresh() == base
    monkeypatch.setenv("MPMATH_NOGMPY", "1")  # a backend chosen otherwise
    assert fresh() != base
    import mpmath

    assert mpmath.__version__ in cache._module_version("mpmath")
    assert cache._module_version("no_such_module_here") == "absent"


def test_the_fingerprint_costs_no_import():
    code = ("import sys, derive.app.cache as c; c.engine_fingerprint(); "
            "print(sorted(m for m in ('sympy', 'mpmath', 'derive.engine.check') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_derive_cache_dir_and_clear(tmp_path, cache_home):
    derive.check_text(TRUE_DOC, cache=True)
    assert len(_entries(cache_home)) == 1
    r = _cli("cache", "dir", cache_dir=cache_home)
    assert r.returncode == 0 and r.stdout.strip() == str(cache_home)
    r = _cli("cache", "clear", cache_dir=cache_home)
    assert r.returncode == 0 and "removed 1 cached report " in r.stdout, r.stderr
    assert _entries(cache_home) == []
    r = _cli("cache", cache_dir=cache_home)
    assert r.returncode == 2 and "dir or clear" in r.stderr
    r = _cli("cache", "--help", cache_dir=cache_home)
    assert r.returncode == 0 and "trusted" in r.stdout and "--no-cache" in r.stdout


def test_a_poisoned_entry_is_gone_after_cache_clear(tmp_path, monkeypatch):
    f = tmp_path / "ok.md"
    f.write_text(TRUE_DOC)
    poisoned = tmp_path / "poisoned"
    _poison(f, poisoned, monkeypatch)
    assert _cli("check", str(f), cache_dir=poisoned).returncode == 1  # trusted, as documented
    assert _cli("cache", "clear", cache_dir=poisoned).returncode == 0
    assert _cli("check", str(f), cache_dir=poisoned).returncode == 0


def test_cache_commands_import_no_sympy(tmp_path):
    for action in ("dir", "clear"):
        r = _cli("cache", action, cache_dir=tmp_path / "c", importtime=True)
        assert r.returncode == 0
        assert not {m for m in _imports(r.stderr) if m == "sympy" or m.startswith("sympy.")}
