"""An optional on-disk cache of reports, so that an unchanged document costs about a
Python start-up.

A whole report is cached, keyed by a hash of everything that can change a verdict:
the document's text and source name, the seed, the time limit, derive's version,
the engine name (``derive.engine.check.ENGINE``), a fingerprint of derive's own source
files, the Python implementation and version, the installed sympy and mpmath (and the
arithmetic backends they may use). A report is stored only when it is decided
(:func:`cacheable`: no time-out, no engine failure, no internal error anywhere in it; an
unknown only for the mathematical reason) and only when it reads back as exactly the
report that was checked.

The cache lives in ``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else
``~/.cache/derive``. Entries are written atomically (a temporary file, then
:func:`os.replace`) and read only from regular files, never through a symbolic link and
never more than MAX_ENTRY_BYTES (a FIFO, a link to /dev/zero, a directory are misses).
Every cache failure (an unwritable directory, a corrupt or foreign file) silently falls
back to a fresh check.

The cache is trusted as derive's code is: an entry is a report, and whoever can write
to the folder can change what derive reports (``--no-cache`` bypasses it, ``derive cache
clear`` empties it).

The cache is a store: :func:`key` names a report by everything it depends on, :func:`load`
answers a key, :func:`store` keeps a report under one; :mod:`derive.app.api` drives it
(looks up, checks on a miss, stores). It imports neither the api nor sympy.
:func:`report_to_dict` / :func:`report_from_dict` serialise a report losslessly
(``Report.to_dict()`` is the public schema and leaves out the plain-text forms
the renderers show, so it cannot be read back exactly).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from derive import __version__
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

if TYPE_CHECKING:  # pragma: no cover
    from derive.reading.document import Document

SCHEMA = "derive.cache/1"
_PACKAGE = Path(__file__).resolve().parent.parent  # the derive package: its source is keyed

# counters for tests and benchmarks: hits, misses, stores, errors (ignored failures)
stats = {"hits": 0, "misses": 0, "stores": 0, "errors": 0}


# --------------------------------------------------------------------------- location

def cache_dir() -> Path:
    """``$DERIVE_CACHE_DIR``, else ``$XDG_CACHE_HOME/derive``, else ``~/.cache/derive``."""
    explicit = os.environ.get("DERIVE_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "derive"
    return Path.home() / ".cache" / "derive"


def entry_path(key: str) -> Path:
    return cache_dir() / "reports" / f"{key}.json"


# --------------------------------------------------------------------------- keys

_FINGERPRINT: str | None = None


#: Environment variables that choose an arithmetic backend, and so can change a result.
_BACKEND_VARIABLES = ("SYMPY_GROUND_TYPES", "MPMATH_NOGMPY", "MPMATH_NOSAGE", "MPMATH_NOPYTHON")


def engine_fingerprint() -> str:
    """What identifies the engine: derive's version, ENGINE and source files; the Python
    implementation and version; the versions of sympy and mpmath and of the arithmetic
    backends they would use (gmpy2, python-flint), and the variables that choose those.

    Read from files, not imported, so that it costs no sympy. Computed once a process.
    """
    global _FINGERPRINT
    if _FINGERPRINT is None:
        import sys

        h = hashlib.sha256()
        checker = (_PACKAGE / "engine" / "check.py").read_text(encoding="utf-8")
        m = re.search(r'^ENGINE\s*=\s*"([^"]*)"', checker, re.M)
        for part in (__version__, m.group(1) if m else "?", _sympy_version()):
            _feed(h, part)
        _feed(h, f"{sys.implementation.name} {sys.implementation.cache_tag} {sys.version} "
                 f"{sys.platform} {sys.maxsize} {sys.float_info!r}")
        for name in ("mpmath", "gmpy2", "flint"):
            _feed(h, f"{name}={_module_version(name)}")
        for var in _BACKEND_VARIABLES:
            _feed(h, f"{var}={os.environ.get(var)!r}")
        for path in sorted(_PACKAGE.rglob("*")):
            if path.suffix in (".py", ".md") and path.is_file() and "__pycache__" not in path.parts:
                _feed(h, path.relative_to(_PACKAGE).as_posix())
                h.update(path.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


def _module_version(name: str) -> str:
    """A module's version without importing it (the same whether it is imported or not):
    where it is, the version its ``__init__.py`` (or ``version.py``) writes, and the
    ``*.dist-info`` folders beside it; "absent" when it is not installed."""
    from importlib.util import find_spec

    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return "?"
    if spec is None:
        return "absent"
    if not spec.origin:
        return "?"
    origin = Path(spec.origin)
    found = [str(origin)]
    if spec.submodule_search_locations:  # a package: look for its version in the source
        for file in ("__init__.py", "version.py", "_version.py"):
            try:
                text = (origin.parent / file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            v = re.search(r'__version__\s*=\s*["\']([^"\']+)', text)
            if v:
                found.append(v.group(1))
                break
        site = origin.parent.parent
    else:
        site = origin.parent
    try:
        found += sorted(p.name for p in site.glob(f"{name}-*.dist-info"))
        found += sorted(p.name for p in site.glob(f"python_{name}-*.dist-info"))
    except OSError:
        pass
    return " ".join(found)


def _sympy_version() -> str:
    import sys

    mod = sys.modules.get("sympy")
    if mod is not None:
        return str(getattr(mod, "__version__", "?"))
    from importlib.util import find_spec

    try:
        spec = find_spec("sympy")
        origin = spec.origin if spec else None
        if origin:
            text = (Path(origin).parent / "release.py").read_text(encoding="utf-8")
            m = re.search(r'__version__\s*=\s*["\']([^"\']+)', text)
            if m:
                return m.group(1)
    except (OSError, ValueError, ImportError):
        pass
    return "?"


def _feed(h, part: str) -> None:
    data = part.encode("utf-8", "surrogatepass")
    h.update(len(data).to_bytes(8, "big"))
    h.update(data)


def cache_key(text: str, source: str, seed: int, extra: str = "") -> str:
    """The hash of a report's key: the document text and source, the seed, anything
    ``extra`` (the options) and the engine fingerprint."""
    h = hashlib.sha256()
    for part in (SCHEMA, engine_fingerprint(), source, str(int(seed)), extra, text):
        _feed(h, part)
    return h.hexdigest()


def key(text: str, source: str, *, seed: int, timeout: float | None,
        sidecar: tuple[str, str] | None = None,
        folders: tuple[tuple[str, str], ...] = ()) -> str:
    """The key of the report of a Markdown text: everything it depends on (the text with
    its front matter, the name it goes by, its sidecar's path and text, the seed, the time
    limit), and the engine fingerprint."""
    extra = f"timeout={float(timeout) if timeout else 0.0!r}"
    if sidecar:
        extra += ";sidecar=" + json.dumps(list(sidecar), ensure_ascii=False)
    if folders:  # book-wide derive.yaml files
        extra += ";folders=" + json.dumps([list(f) for f in folders], ensure_ascii=False)
    return cache_key(text, source, seed, extra)


def document_key(doc: Document, *, seed: int, timeout: float | None) -> str:
    """:func:`key` of the text ``doc`` was read from."""
    return key(doc.text, doc.source, seed=seed, timeout=timeout, sidecar=doc.sidecar,
               folders=doc.folders)


# --------------------------------------------------------------------------- the store

def load(key: str) -> Report | None:
    """The stored report for ``key`` (a hit), or None (a miss: missing, unreadable, corrupt
    or foreign); counted in :data:`stats`."""
    report = lookup(key)
    stats["hits" if report is not None else "misses"] += 1
    return report


#: The largest entry read or written (a report of a 2 MB document is well below it).
MAX_ENTRY_BYTES = 64 << 20


def _read_entry(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path``, at most MAX_ENTRY_BYTES; None for anything
    else: a missing file, a symbolic link (to /dev/zero, say), a FIFO (opened without
    blocking, and never read), a directory, a device, or a file over the cap."""
    import stat

    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):  # no entry (or no cache folder)
        return None
    except OSError:  # a symbolic link (ELOOP), no permission, ...
        stats["errors"] += 1
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY_BYTES:
            stats["errors"] += 1
            return None
        chunks, total = [], 0
        while total <= MAX_ENTRY_BYTES:
            chunk = os.read(fd, min(MAX_ENTRY_BYTES + 1 - total, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_ENTRY_BYTES:  # it grew while read
            stats["errors"] += 1
            return None
        return b"".join(chunks)
    except OSError:
        stats["errors"] += 1
        return None
    finally:
        os.close(fd)


def lookup(key: str) -> Report | None:
    """The cached report for ``key``, or None (missing, unreadable, corrupt or foreign)."""
    data = _read_entry(entry_path(key))
    if data is None:
        return None
    try:
        entry = json.loads(data.decode("utf-8"))
        if entry.get("schema") != SCHEMA or entry.get("key") != key:
            raise ValueError("not this entry")
        return report_from_dict(entry["report"])
    except Exception:  # a corrupt entry is a miss; the fresh check overwrites it
        stats["errors"] += 1
        return None


#: The one reason for which an undecided verdict is cached: a mathematical one (the engine
#: found neither a proof nor a counterexample), which the same engine gives every time.
DECIDED_UNKNOWN = ("no symbolic proof, and no counterexample",)

#: Words of a verdict, a rule or a message that say the engine itself was cut short or
#: failed (a time limit, an engine failure, an internal error): such a report says
#: something about that run, not about the document, and is never stored.
FAILURE_MARKS = ("time limit", "timed out", "timeout", "engine failed", "the engine",
                 "internal error", "error:", "memoryerror", "recursionerror", "out of memory",
                 "a worker")


def _failed(*texts: str | None) -> bool:
    return any(m in t.lower() for t in texts if t for m in FAILURE_MARKS)


def _settled(verdict: Verdict, method: str, reason: str | None, *texts: str | None) -> bool:
    if method == "timeout" or _failed(reason, *texts):
        return False
    if verdict is Verdict.UNKNOWN:
        return bool(reason and reason.startswith(DECIDED_UNKNOWN))
    return True


def cacheable(report: Report) -> bool:
    """Only a decided report says something about the document alone: every verdict is
    proved, refuted or conditional, or unknown for the mathematical reason the engine
    would give again (no proof and no counterexample). A time limit, an engine failure
    (a MemoryError under one limit must not be served under another) or an internal
    error anywhere (a link, a chain, an equation that could not be checked, a message) and
    nothing is stored. When in doubt, it is not cached."""
    for eq in report.equations:
        for link in eq.links:
            if not _settled(link.verdict, link.method, link.reason, link.rule):
                return False
        chain = eq.chain
        if chain is not None and not _settled(chain.verdict, chain.method, chain.reason):
            return False
        if eq.error is not None and _failed(eq.error.message):
            return False
        if _failed(*eq.notes):
            return False
    if any(_failed(e.message) for e in report.errors):
        return False
    return not _failed(*report.summary, *report.notes)


def store(key: str, report: Report) -> bool:
    """Write ``report`` under ``key`` atomically; False (silently) if it was not stored."""
    if not cacheable(report):
        return False
    import tempfile

    tmp = None
    try:
        body = report_to_dict(report)
        if report_from_dict(json.loads(json.dumps(body))) != report:
            raise ValueError("the report does not read back exactly")
        payload = json.dumps({"schema": SCHEMA, "key": key, "created": time.time(),
                              "report": body}, ensure_ascii=False, allow_nan=True)
        if len(payload.encode("utf-8")) > MAX_ENTRY_BYTES:
            raise ValueError("too large to be read back")
        path = entry_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload)
        os.replace(tmp, path)
        tmp = None
        stats["stores"] += 1
        return True
    except Exception:
        stats["errors"] += 1
        return False
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def clear() -> int:
    """Remove every cached report (and any temporary file a writer left); the number of
    reports removed. Symbolic links are removed, never followed."""
    n = 0
    folder = cache_dir() / "reports"
    try:
        entries = list(folder.iterdir())
    except OSError:
        return 0
    for p in entries:
        if p.suffix == ".json":
            try:
                p.unlink()
                if not p.name.startswith(".tmp-"):
                    n += 1
            except OSError:
                pass
    return n


# --------------------------------------------------------------------------- (de)serialising

def report_to_dict(report: Report) -> dict[str, Any]:
    """Every field of the report and of everything in it, as JSON-ready data."""
    return _encode(report)


def _encode(obj: Any) -> Any:
    if isinstance(obj, Verdict):
        return obj.value
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _encode(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (tuple, list)):
        return [_encode(x) for x in obj]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise TypeError(f"a non-string key {k!r} does not survive JSON")
            out[k] = _encode(v)
        return out
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    raise TypeError(f"cannot cache a {type(obj).__name__}")


def _opt(decode):
    return lambda v: None if v is None else decode(v)


def _many(decode):
    return lambda v: tuple(decode(x) for x in v)


def _build(cls, decoders: dict):
    names = {f.name for f in fields(cls)}

    def decode(d: dict):
        if not isinstance(d, dict) or not set(d) <= names:
            raise ValueError(f"not a {cls.__name__}: {d!r:.80}")
        return cls(**{k: decoders[k](v) if k in decoders else v for k, v in d.items()})

    return decode


def _values(v: dict) -> dict:
    return {k: list(x) if isinstance(x, list) else x for k, x in v.items()}


_assumption = _build(Assumption, {})
_counterexample = _build(Counterexample, {"size": dict, "indices": dict, "values": _values})
_source_error = _build(SourceError, {})
_link = _build(Link, {"verdict": Verdict, "needs": _many(_assumption),
                      "counterexample": _opt(_counterexample)})
_chain = _build(Chain, {"verdict": Verdict, "needs": _many(_assumption),
                        "counterexample": _opt(_counterexample)})
_equation = _build(Equation, {"links": _many(_link), "chain": _opt(_chain),
                              "cases": _many(_assumption), "notes": tuple, "names": tuple,
                              "error": _opt(_source_error)})
_report = _build(Report, {"equations": _many(_equation), "summary": tuple, "notes": tuple,
                          "assumptions": _many(_assumption), "errors": _many(_source_error)})


def report_from_dict(d: dict[str, Any]) -> Report:
    """The :class:`Report` that :func:`report_to_dict` wrote, rebuilt field for field."""
    return _report(d)


def without_seconds(report: Report) -> Report:
    """The report with every timing set to zero (for comparing two runs)."""
    eqs = tuple(replace(eq, links=tuple(replace(link, seconds=0.0) for link in eq.links))
                for eq in report.equations)
    return replace(report, equations=eqs, seconds=0.0)
