"""Configuration in ``pyproject.toml``, under ``[tool.derive]``, as ruff, mypy and pytest keep
theirs::

    [tool.derive]
    paths = ["docs"]      # what `derive check` checks when no TARGET is given
    seed = 0
    timeout = 20          # seconds per link; 0 for none
    format = "concise"    # any --format
    jobs = "auto"         # or a number

The file is found by walking up from the current directory to the first
``pyproject.toml`` that has a ``[tool.derive]`` table (one without it is passed over, as
ruff does). Flags given on the command line override it. Every key and value is
checked, and an error names the file and the key (:class:`ConfigError`, an
:class:`~derive.errors.InputError`: exit 2). ``paths`` are relative to the file's
folder. The TOML reader (``tomllib``, or the ``tomli`` package before Python 3.11) is
imported only when such a file is found, never for ``--help``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from derive.errors import InputError

KEYS = ("paths", "seed", "timeout", "format", "jobs")


class ConfigError(InputError):
    """A ``[tool.derive]`` table that cannot be used: the message names the file and key."""


def find(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` with a ``[tool.derive]`` table, from ``start`` (the
    current directory) up to the root of the file system; None when there is none."""
    here = Path(os.path.abspath(start if start is not None else os.getcwd()))
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        try:
            text = candidate.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not _may_have_table(text):  # a cheap first look: most files are never parsed
            continue
        try:
            tool = _parse(candidate, text).get("tool", {})
        except ConfigError:
            if re.search(_TABLE, text, re.MULTILINE):  # derive's table, in a file not TOML
                raise
            continue
        if isinstance(tool, dict) and "derive" in tool:
            return candidate
    return None


_TABLE = r"^\s*\[\s*tool\s*\.\s*derive\b"  # [tool.derive], [tool.derive.x]
_PATTERNS = (
    _TABLE,
    r"^\s*tool\s*(\.\s*derive\b|=)",  # tool.derive.x = …, tool = {…} at the top level
    r"^\s*\[\s*tool\s*\]",  # [tool], with …
    r"^\s*derive\s*[.=]",  # … derive = {…} under it
)


def _may_have_table(text: str) -> bool:
    """Whether a pyproject.toml may hold derive's table, without parsing it (derive's own
    names a script `derive = …`, which is no table)."""
    if "derive" not in text:
        return False
    table, dotted, tool, key = (re.search(p, text, re.MULTILINE) for p in _PATTERNS)
    return bool(table or dotted or (tool and key))


def _toml() -> ModuleType:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError("reading pyproject.toml needs the tomli package on Python "
                              "3.10 (pip install tomli)") from None
    return tomllib


def _parse(path: Path, text: str) -> dict[str, Any]:
    tomllib = _toml()
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def load(start: str | os.PathLike | None = None) -> dict[str, Any]:
    """The validated settings of the nearest ``[tool.derive]`` (an empty dict when there is
    none), with ``paths`` made relative to the current directory where they can be, and
    the file's path under the key ``"file"``."""
    path = find(start)
    if path is None:
        return {}
    table = _parse(path, path.read_text(encoding="utf-8"))["tool"]["derive"]
    return validate(table, path)


def validate(table: Any, path: Path | str) -> dict[str, Any]:
    """``table`` checked key by key: unknown keys and wrong values are ConfigErrors."""
    where = f"{path}: [tool.derive]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    out: dict[str, Any] = {"file": str(path)}
    for key, value in table.items():
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (the keys are "
                              f"{', '.join(KEYS)})")
        try:
            out[key] = _VALIDATORS[key](value, Path(path).parent)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"{where}: {key}: {exc}") from None
    return out


def _argument(check, text: str):
    import argparse

    try:
        return check(text)
    except argparse.ArgumentTypeError as exc:
        raise ValueError(str(exc)) from None


def _seed(value: Any, base: Path) -> int:
    from derive.app.cli import _seed as seed

    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected a whole number, not {value!r}")
    return _argument(seed, str(value))


def _timeout(value: Any, base: Path) -> float:
    from derive.app.cli import _timeout as timeout

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number of seconds, not {value!r}")
    return _argument(timeout, repr(float(value)))


def _jobs(value: Any, base: Path) -> int | str:
    from derive.app.cli import _jobs as jobs

    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"expected a number or 'auto', not {value!r}")
    return _argument(jobs, str(value))


def _format(value: Any, base: Path) -> str:
    from derive.app.cli import FORMAT_CHOICES

    if value not in FORMAT_CHOICES:
        raise ValueError(f"expected one of {', '.join(FORMAT_CHOICES)}, not {value!r}")
    return value


def _paths(value: Any, base: Path) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or \
            not all(isinstance(v, str) and v for v in value):
        raise TypeError(f"expected a list of paths, not {value!r}")
    out = []
    for v in value:
        p = base / v
        try:
            rel = os.path.relpath(p)
        except ValueError:  # (another drive)
            rel = str(p)
        out.append(rel if not rel.startswith("..") or len(rel) < len(str(p)) else str(p))
    return out


_VALIDATORS = {"seed": _seed, "timeout": _timeout, "jobs": _jobs, "format": _format,
               "paths": _paths}
