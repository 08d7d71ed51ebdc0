"""The built-in derivations: names, titles and where their text comes from.

Every built-in is a Markdown file of ``derive/library/``, checked by its name as a file
is by its path. ``softmax-cross-entropy`` is the classic post "Derivative of softmax
under Cross-Entropy Error function" (Lee, 2016) as published; its front matter gives
the post's own line of each equation and the rule each link is meant to use. The
others are worked derivations. This module is light (no sympy): ``derive list`` only
needs names and titles.
"""

from __future__ import annotations

import os

from derive.records import frozen

#: Listed first, in this order; the rest of the library follows in alphabetical order.
FIRST = ("softmax-cross-entropy",)

#: How many lines of a file's front matter are looked through for its title.
_TITLE_LINES = 40


@frozen
class Builtin:
    name: str
    title: str


def _title(text: str, default: str) -> str:
    """The ``title:`` of a file's front matter (read by hand: ``derive list`` needs no YAML)."""
    lines = text.split("\n", _TITLE_LINES + 1)
    if not lines or lines[0].rstrip() != "---":
        return default
    for line in lines[1:_TITLE_LINES + 1]:
        if line.rstrip() in ("---", "..."):
            break
        if line.startswith("title:"):
            return line[6:].strip().strip('"')
    return default


def builtins() -> list[Builtin]:
    out: list[Builtin] = []
    try:
        folder = _library_folder()
        entries = [p for p in folder.iterdir() if p.name.endswith(".md")]
    except (FileNotFoundError, NotADirectoryError, ModuleNotFoundError):
        return out
    order = {name: n for n, name in enumerate(FIRST)}
    entries.sort(key=lambda p: (order.get(p.name[:-3], len(order)), p.name))
    for entry in entries:
        name = entry.name[:-3]
        out.append(Builtin(name, _title(entry.read_text(encoding="utf-8"), name)))
    return out


def names() -> list[str]:
    return [b.name for b in builtins()]


def is_builtin(target: str) -> bool:
    """Whether a target names a built-in: a file or folder of that name here wins (and a
    path is tested first, so that checking a file never lists the library)."""
    return not os.path.exists(target) and target in names()


def library_text(name: str) -> str:
    return (_library_folder() / f"{name}.md").read_text(encoding="utf-8")


def _library_folder():
    # imported here: importlib.resources brings tempfile, shutil and random (about 10 ms),
    # which a check of a file never needs
    from importlib import resources

    return resources.files("derive") / "library"
