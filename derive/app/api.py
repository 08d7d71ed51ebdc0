"""The library's entry points: check a built-in, a file, a directory or a Markdown text.

Owns target resolution (built-in name, path, ``-`` for stdin) and safe reading of
files (binary, non-UTF-8, missing and oversized input become :class:`InputError`).
Everything heavy (sympy) is imported only when a check actually runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from derive.errors import InputError
from derive.report.model import Report

MAX_BYTES = 2_000_000  # larger inputs are refused with a clear message, not read into sympy


def engine():
    """The checker module, imported on first use (sympy comes with it). How the process
    imports it is its own business: the command line tunes its collector around this (see
    derive.app.cli); a library caller's process is left as it is."""
    from derive.engine import check as checker

    return checker


#: How long a named pipe (a FIFO, or ``<(…)``) may stay silent, no writer having sent a byte
#: or closed it, before the read gives up: unattended, a pipe nobody writes to must not hang.
PIPE_IDLE_SECONDS = 60.0


def _too_large(name: str, size: int | None = None) -> InputError:
    got = f"{size:,} bytes" if size is not None else f"more than {MAX_BYTES:,} bytes"
    return InputError(f"{name}: input too large ({got}; the limit is {MAX_BYTES:,})")


def _read_capped(read) -> bytes:
    """Up to MAX_BYTES + 1 bytes from ``read(n)`` (which returns b"" at the end)."""
    chunks, total = [], 0
    while total <= MAX_BYTES:
        chunk = read(MAX_BYTES + 1 - total)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_stdin() -> bytes:
    stream = sys.stdin
    if stream is None:
        raise InputError("<stdin>: no standard input")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            return _read_capped(buffer.read)
        fd = stream.fileno()
    except (OSError, ValueError) as exc:
        raise InputError(f"<stdin>: cannot read ({getattr(exc, 'strerror', None) or exc})") \
            from None
    return _read_fd(fd, "<stdin>")


def _read_fd(fd: int, name: str) -> bytes:
    try:
        return _read_capped(lambda n: os.read(fd, min(n, 1 << 20)))
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def _read_pipe(fd: int, name: str) -> bytes:
    """A named pipe opened without blocking: wait (poll) for a writer's bytes or its end, at
    most PIPE_IDLE_SECONDS between two, and read no more than the cap."""
    import select

    poller = select.poll()
    poller.register(fd, select.POLLIN)
    chunks, total = [], 0
    while total <= MAX_BYTES:
        if not poller.poll(PIPE_IDLE_SECONDS * 1000):
            raise InputError(f"{name}: nothing was written to this pipe for "
                             f"{PIPE_IDLE_SECONDS:g} s")
        try:
            chunk = os.read(fd, min(MAX_BYTES + 1 - total, 1 << 20))
        except BlockingIOError:
            continue
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def _read_file(path: str) -> bytes:
    """A regular file or a named pipe, never more than MAX_BYTES + 1 bytes of it; anything
    else (a device such as /dev/zero, a socket, a directory) is refused before a read."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # (without blocking: a FIFO nobody writes to opens at once)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        try:
            st = os.fstat(fd)
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
        if stat.S_ISDIR(st.st_mode):
            raise InputError(f"{path}: is a directory")
        if stat.S_ISFIFO(st.st_mode):
            return _read_pipe(fd, path)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{path}: not a regular file (a device or a socket), not read")
        if st.st_size > MAX_BYTES:
            raise _too_large(path, st.st_size)
        return _read_fd(fd, path)
    finally:
        os.close(fd)


def read_source(path: str) -> str:
    """Read a Markdown file as UTF-8 text, or raise InputError with one clear line.

    At most MAX_BYTES + 1 bytes are ever read (of a file, a pipe or standard input), so an
    endless input (``yes | derive check -``) is refused as too large, not read into memory.
    """
    if path == "-":
        data = _read_stdin()
        name = "<stdin>"
    else:
        data = _read_file(path)
        name = path
    if len(data) > MAX_BYTES:
        raise _too_large(name)
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not Markdown text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"{name}:{line}:{col}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                         "save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n")


def markdown_files(path: str) -> list[str]:
    """A file as itself; a directory as every ``*.md`` below it, in sorted order."""
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*.md") if f.is_file())
        if not files:
            raise InputError(f"{path}: no Markdown (*.md) files in this directory")
        return files
    return [path]


SIDECAR_SUFFIXES = (".derive.yaml", ".derive.yml")


def sidecar_for(path: str) -> tuple[str, str] | None:
    """The declarations file beside a document: notes.md → notes.derive.yaml."""
    if path == "-":
        return None
    p = Path(path)
    for suffix in SIDECAR_SUFFIXES:
        candidate = p.with_name(p.stem + suffix)
        if candidate.is_file():
            return str(candidate), read_source(str(candidate))
    return None


FOLDER_DECLARATIONS = ("derive.yaml", "derive.yml")


def folder_declarations(path: str) -> tuple[tuple[str, str], ...]:
    """Book-wide declarations: a ``derive.yaml`` in the document's folder or any folder above
    it, up to the project's root (the first with a pyproject.toml or .git), outermost first,
    as (path, YAML text). A chapter's sidecar and front matter win over them."""
    if path == "-":
        return ()
    found: list[tuple[str, str]] = []
    folder = Path(path).resolve().parent
    while True:
        for name in FOLDER_DECLARATIONS:
            candidate = folder / name
            if candidate.is_file():
                found.append((str(candidate), read_source(str(candidate))))
                break
        if (folder / "pyproject.toml").exists() or (folder / ".git").exists() or \
                folder.parent == folder:
            break
        folder = folder.parent
    return tuple(reversed(found))


def check_text(markdown: str, source: str = "<string>", *, seed: int = 0,
               timeout: float | None = 20.0, jobs: int | str = 1, cache: bool = False,
               sidecar: tuple[str, str] | None = None,
               folders: tuple[tuple[str, str], ...] = ()) -> Report:
    """Check every display equation of a Markdown text (with the declarations file
    ``sidecar``, (path, YAML text), if any).

    With ``cache``, the report is looked up first, by what it depends on (the text, its
    source name, the sidecar, the seed, the time limit): a hit costs neither the reader nor
    sympy. A fresh report is stored when it is decided (see derive.app.cache)."""
    key = None
    if cache:
        from derive.app import cache as store

        key = store.key(markdown, source, seed=seed, timeout=timeout, sidecar=sidecar,
                        folders=folders)
        report = store.load(key)
        if report is not None:
            return report

    from derive.reading.document import read_document

    # read, then import the engine, in this process: a reader forked to read while sympy was
    # imported saved nothing measurable on the post and lost time on a document ten times
    # as long (see the README's Performance), and was removed
    doc = read_document(markdown, source, sidecar=sidecar, folders=folders)
    report = engine().check_document(doc, seed=seed, timeout=timeout, jobs=jobs)
    if key is not None:
        store.store(key, report)
    return report


def check_builtin(name: str, *, seed: int = 0, timeout: float | None = 20.0,
                  jobs: int | str = 1, cache: bool = False) -> Report:
    """A built-in derivation: its library file, checked under its name."""
    from derive.app import registry

    if name not in registry.names():
        raise InputError(f"{name}: not a built-in derivation (see `derive list`)")
    return check_text(registry.library_text(name), name, seed=seed, timeout=timeout,
                      jobs=jobs, cache=cache)


def check(target: str | os.PathLike, *, seed: int = 0, timeout: float | None = 20.0,
          jobs: int | str = 1, cache: bool = False, source: str | None = None) -> Report:
    """Check a built-in derivation (by name) or a Markdown file (by path; ``-`` is stdin).

    A file is read with its sidecar (``notes.md`` → ``notes.derive.yaml``) and its front
    matter, as :func:`read` reads it; ``source`` names it in the report (default: the path
    as given, ``<stdin>`` for ``-``).

    ``jobs`` > 1 checks the equations in that many forked worker processes, and
    ``"auto"`` picks a number from the document's size and the usable CPUs (the command
    line's default). The library's default is 1: a notebook kernel, or any process with
    threads of its own, should not be forked.
    """
    from derive.app import registry as builtins

    target = os.fspath(target)
    if builtins.is_builtin(target):
        return check_builtin(target, seed=seed, timeout=timeout, jobs=jobs, cache=cache)
    text, name, sidecar = read_target(target, source)
    return check_text(text, name, seed=seed, timeout=timeout, jobs=jobs, cache=cache,
                      sidecar=sidecar, folders=folder_declarations(os.fspath(target)))


def read_target(path: str | os.PathLike, source: str | None = None
                ) -> tuple[str, str, tuple[str, str] | None]:
    """A Markdown file (``-`` is stdin) as :func:`check` reads it: its text, the name it
    goes by in the report, and its sidecar (path and text) or None."""
    path = os.fspath(path)
    text = read_source(path)
    name = source if source is not None else ("<stdin>" if path == "-" else path)
    return text, name, sidecar_for(path)


def read(path: str | os.PathLike, source: str | None = None):
    """The document :func:`check` would check, read but not checked (no sympy): its
    equations, declarations (front matter and sidecar) and reading errors. For tools that
    list a document's equations before checking it, such as the pytest plugin."""
    from derive.reading.document import read_document

    text, name, sidecar = read_target(path, source)
    return read_document(text, name, sidecar=sidecar,
                         folders=folder_declarations(os.fspath(path)))
