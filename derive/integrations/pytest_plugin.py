"""pytest plugin: every claim of a derivation becomes a test item.

    pytest --derive docs/ --derive notes/softmax.md

or, in the ini file, ``derive_paths = docs`` (one path a line). Each ``--derive`` takes
one path (repeat it for more); with either, a Markdown file named as an ordinary pytest
argument (``pytest --derive docs/ notes.md``) is checked too. Directories are searched
recursively for ``*.md``. Each file yields one item per claim equation (and per
definition that carries further ``=`` links), named ``FILE::eq7`` after the equation's
place in the file, plus a ``FILE::reading`` item when some of the file cannot be read.
An item passes when all its links, and its chain, are proved.

Files are read and checked through :mod:`derive.app.api`, the command line's own front door:
sidecars (``notes.derive.yaml``) and front matter count, and the seed and time limit of
``[tool.derive]`` in pyproject.toml apply, so every item has the verdict ``derive check``
gives. Every item carries the marker ``derive`` (``-m derive``, ``-m "not derive"``).

Collection only reads the documents (no sympy); each file is checked once, the
first time one of its items runs, and the report is kept on the file's collector.
Item ids and order depend on the file contents only, so pytest-xdist workers all
collect the same items, and all the items of one file go to one worker (under
``--dist load``, the default of ``-n``, the plugin's scheduler keeps each file's items
together; ``loadfile`` and ``loadscope`` do by themselves, and ``loadgroup`` through the
``xdist_group`` mark each item carries), so no file is checked twice. This module
imports nothing but the standard library and pytest: loading the plugin without
``--derive`` costs nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

_FILES = pytest.StashKey[frozenset]()  # the resolved *.md files to collect


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derive", "derivation checking (derive)")
    group.addoption("--derive", action="append", default=[], metavar="PATH",
                    help="check the derivations in this Markdown file or directory (every "
                         "*.md below it): one test item per claim, marked `derive`. Repeat "
                         "it for more paths; Markdown files given as test paths are then "
                         "checked too")
    parser.addini("derive_paths", type="linelist", default=[],
                  help="Markdown files or directories whose derivations are checked, as "
                       "with --derive (relative to the ini file)")


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.md") if p.is_file())
    return [path]


def _roots(config: pytest.Config) -> list[Path]:
    out: list[Path] = []
    here = Path(config.invocation_params.dir)
    for arg in config.getoption("derive") or []:
        out.append(here / arg)
    base = config.inipath.parent if config.inipath else config.rootpath
    for arg in config.getini("derive_paths") or []:
        out.append(base / arg)
    for p in out:
        if not p.exists():
            raise pytest.UsageError(f"derive: {p}: no such file or directory")
    return out


def _covered(path: Path, args: list[str], here: Path) -> bool:
    for arg in args:
        a = Path(os.path.abspath(here / arg.split("::", 1)[0]))
        if path == a or a in path.parents:
            return True
    return False


def _named_markdown(config: pytest.Config) -> list[Path]:
    """The Markdown files given as ordinary pytest arguments (``pytest --derive d notes.md``)."""
    given = set(config.invocation_params.args)  # (not testpaths, nor an option's value)
    here = Path(config.invocation_params.dir)
    out = []
    for arg in config.args:
        if arg not in given:
            continue
        p = here / arg.split("::", 1)[0]
        if p.suffix.lower() in (".md", ".markdown") and p.is_file():
            out.append(p)
    return out


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "derive: a derivation checked by derive (pytest --derive, derive_paths)")
    roots = _roots(config)
    if not roots:
        config.stash[_FILES] = frozenset()
        return
    files = [Path(os.path.abspath(f)) for root in roots for f in _expand(root)]
    files += [Path(os.path.abspath(f)) for f in _named_markdown(config)]
    config.stash[_FILES] = frozenset(files)
    if not files:
        return
    _settings(config)  # a bad [tool.derive] is a usage error before anything is collected
    # Files outside the collection arguments are added to them, so that
    # `pytest tests/ --derive docs/` collects docs/ too (in a fixed order).
    here = Path(config.invocation_params.dir)
    for f in dict.fromkeys(files):
        if not _covered(f, config.args, here):
            config.args.append(str(f))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under ``--dist load`` (what ``-n`` does by default), a scheduler that sends all the
    items of one Markdown file to one worker, and every other item as ``load`` would
    (``loadgroup``'s scheduling, with each derive file as a group)."""
    dist = config.getvalue("dist")
    if dist not in ("load", "loadgroup") or not config.stash.get(_FILES, frozenset()):
        return None
    from xdist.scheduler import LoadGroupScheduling, LoadScopeScheduling

    # Under loadgroup too: the xdist_group mark each item carries is not honoured by every
    # pytest and xdist pair (pytest 9.2 with xdist 3.8 checks a file's items on both
    # workers), so derive's files are grouped here, and other items as loadgroup would.
    base = LoadGroupScheduling if dist == "loadgroup" else LoadScopeScheduling

    class ByDeriveFile(base):  # type: ignore[valid-type, misc]
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            if "::" in nodeid and path.lower().endswith((".md", ".markdown")):
                return path
            return super()._split_scope(nodeid) if dist == "loadgroup" else nodeid

    return ByDeriveFile(config, log)


_SETTINGS = pytest.StashKey[dict]()  # seed and timeout, as `derive check` would use them


def _settings(config: pytest.Config) -> dict:
    """The seed and time limit `derive check` would use here: [tool.derive] in the nearest
    pyproject.toml (from the directory pytest was started in), else its defaults."""
    if _SETTINGS not in config.stash:
        from derive.app.config import ConfigError, load

        try:
            conf = load(config.invocation_params.dir)
        except ConfigError as exc:
            raise pytest.UsageError(f"derive: {exc}") from None
        timeout = conf.get("timeout", 20.0)
        config.stash[_SETTINGS] = {"seed": conf.get("seed", 0), "timeout": timeout or None}
    return config.stash[_SETTINGS]


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    files = parent.config.stash.get(_FILES, frozenset())
    if files and Path(os.path.abspath(file_path)) in files:
        return DeriveFile.from_parent(parent, path=file_path)
    return None


class DeriveFailure(Exception):
    """An item's explanation, shown as is instead of a traceback."""


class DeriveFile(pytest.File):
    """One Markdown file: read at collection, checked once when its first item runs."""

    _report = None
    _failure: str | None = None

    def _source(self) -> str:
        try:
            return self.path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return str(self.path)

    def collect(self):
        from derive.app.api import read
        from derive.errors import InputError

        try:
            doc = read(self.path, self._source())
        except InputError as exc:
            yield DeriveReading.from_parent(self, name="reading", messages=(str(exc),), line=1)
            return
        errors = list(doc.errors) + [eq.error for eq in doc.equations
                                     if eq.kind == "error" and eq.error is not None]
        if errors:  # (a file with no display equations has nothing to collect: no items)
            errors.sort(key=lambda e: (e.line, e.column))
            yield DeriveReading.from_parent(self, name="reading",
                                            messages=tuple(e.located for e in errors),
                                            line=errors[0].line)
        for eq in doc.equations:
            if eq.kind == "claim" or (eq.kind == "definition" and len(eq.sides) > 2):
                from derive.report.model import equation_label

                yield DeriveItem.from_parent(self, name=f"eq{equation_label(eq.index, eq.row)}",
                                             index=eq.index, row=eq.row, line=eq.line,
                                             kind=eq.kind)

    def report(self):
        """The file's report, checked on first use (and the check's failure, if any)."""
        if self._report is None and self._failure is None:
            from derive.app import api
            from derive.errors import InputError

            try:
                self._report = api.check(self.path, source=self._source(),
                                         **_settings(self.config))
            except InputError as exc:
                self._failure = str(exc)
        if self._failure is not None:
            raise DeriveFailure(self._failure)
        return self._report


class _DeriveNode(pytest.Item):
    parent: DeriveFile  # every item is collected from its file
    line = 1

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.add_marker("derive")
        if self.config.pluginmanager.hasplugin("xdist"):  # --dist loadgroup: one file, one group
            self.add_marker(pytest.mark.xdist_group(self.parent.nodeid))

    def reportinfo(self):
        return self.path, self.line - 1, f"[derive] {self.nodeid}"

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, DeriveFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)


class DeriveItem(_DeriveNode):
    """One equation: passes when every link of it, and its chain, is proved."""

    def __init__(self, *, index: int, row: int = 0, line: int, kind: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.index, self.row, self.line, self.kind = index, row, line, kind

    def runtest(self) -> None:
        report = self.parent.report()
        eq = next((e for e in report.equations
                   if (e.index, e.row) == (self.index, self.row)), None)
        if eq is None:
            raise DeriveFailure(f"{report.source}:{self.line}: equation {self.name[2:]} "
                                "was not checked")
        if not eq.ok:
            from derive.integrations.testing import explain_equation

            raise DeriveFailure(explain_equation(eq, report.source))


class DeriveReading(_DeriveNode):
    """The reading errors of a file, located as FILE:LINE:COL."""

    def __init__(self, *, messages: tuple[str, ...], line: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.messages, self.line = messages, line

    def runtest(self) -> None:
        raise DeriveFailure("\n".join(self.messages))
