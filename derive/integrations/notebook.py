"""IPython integration: ``%load_ext derive``, then ``%derive`` and ``%%derive``.

    %derive softmax-cross-entropy          # a built-in name or a Markdown file
    %derive notes/softmax.md

    %%derive
    $$\\frac{d}{dx} x^2 = 2x$$

Both magics run the check and return the :class:`~derive.Report`, which the
notebook shows through its ``_repr_html_`` (or Markdown/LaTeX) and keeps as ``_``
and ``Out[n]``. A cell that is bare LaTeX (no ``$$``, ``\\[`` or ``\\begin``) is
checked as one display equation. Options for the check: ``--seed N``,
``--timeout SECONDS``. IPython itself is only imported by IPython.
"""

from __future__ import annotations

import shlex

USAGE = "usage: %derive [--seed N] [--timeout SECONDS] NAME_OR_PATH"


def _options(line: str) -> tuple[dict, list[str]]:
    """Split a magic's line into check options and the remaining words."""
    words = shlex.split(line)
    options: dict = {}
    rest: list[str] = []
    k = 0
    while k < len(words):
        word = words[k]
        key, _, value = word.partition("=")
        if key in ("--seed", "--timeout"):
            if not value:
                if k + 1 >= len(words):
                    raise ValueError(f"{key} needs a value")
                k += 1
                value = words[k]
            try:
                options[key[2:]] = int(value) if key == "--seed" else (float(value) or None)
            except ValueError:
                raise ValueError(f"{key}: not a number: {value!r}") from None
        else:
            rest.append(word)
        k += 1
    return options, rest


def derive_magic(line: str, cell: str | None = None):
    """``%derive NAME_OR_PATH`` checks a target; ``%%derive`` checks the cell's text."""
    from derive.app.api import check, check_text
    from derive.errors import InputError
    from derive.integrations.testing import as_markdown

    try:
        options, rest = _options(line)
    except ValueError as exc:
        raise _usage_error(f"%derive: {exc}") from None
    try:
        if cell is not None:
            source = rest[0] if rest else "<cell>"
            return check_text(as_markdown(cell), source, **options)
        if len(rest) != 1:
            raise _usage_error(USAGE)
        return check(rest[0], **options)
    except InputError as exc:
        raise _usage_error(f"derive: {exc}") from None


def _usage_error(message: str) -> Exception:
    try:
        from IPython.core.error import UsageError
    except ImportError:  # pragma: no cover - only IPython calls the magics
        return ValueError(message)
    return UsageError(message)


def load_ipython_extension(ipython) -> None:
    """Register ``%derive`` and ``%%derive`` with an IPython shell."""
    ipython.register_magic_function(_line_magic, "line", "derive")
    ipython.register_magic_function(_cell_magic, "cell", "derive")


def _line_magic(line: str):
    """%derive [--seed N] [--timeout SECONDS] NAME_OR_PATH: check it, return the Report."""
    return derive_magic(line)


def _cell_magic(line: str, cell: str):
    """%%derive [--seed N] [--timeout SECONDS] [SOURCE]: check the cell's Markdown or LaTeX."""
    return derive_magic(line, cell)


def unload_ipython_extension(ipython) -> None:  # pragma: no cover - symmetry only
    magics = ipython.magics_manager.magics
    magics["line"].pop("derive", None)
    magics["cell"].pop("derive", None)
