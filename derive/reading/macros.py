"""A document's own LaTeX macros: ``\\newcommand``, ``\\renewcommand``, ``\\def``,
``\\DeclareMathOperator``.

Books define shorthands once (``\\newcommand{\\sumN}{\\sum_{n = 1}^N}``,
``\\newcommand{\\dadb}[2]{\\frac{\\partial #1}{\\partial #2}}``) and use them in every display.
This module owns finding those definitions in a document (:func:`collect`), the table in
force while the document is read (:func:`in_force`, a context variable that
``document.read_document`` sets, so that the tokenizer needs no extra argument threaded
through every parse), and one use's replacement text (:func:`expand`); and, kept alike, the
words the document declares as names (:func:`words_in_force`: ``derive: functions:
[Softmax]`` lets bare ``Softmax(x)`` be read as one name). The tokenizer reads
the replacement in place of the use; every token it gives is placed at the use (the last at
its end), so an error inside points at the macro as written.

What is refused, never guessed: a macro that derive already knows (``\\renewcommand{\\log}``),
a body with letters written together outside a word macro (``\\newcommand{\\ab}{ab}``: a·b or
one name?), expansions nested deeper than :data:`MAX_DEPTH` or longer than
:data:`MAX_LENGTH`, and a use with fewer arguments than the macro takes. No sympy here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from derive.records import frozen

MAX_DEPTH = 8  # a macro whose body uses a macro, and so on
MAX_LENGTH = 5_000  # characters of one expansion
MAX_MACROS = 500
MAX_TOKENS = 20_000  # tokens one side may hold once its macros are read

_DEFINITION = re.compile(
    r"\\(?:(?:re)?newcommand|providecommand)\*?\s*(?:\{\s*\\([A-Za-z]+)\s*\}|\\([A-Za-z]+))"
    r"\s*(?:\[\s*([1-9])\s*\])?\s*\{"
    r"|\\def\s*\\([A-Za-z]+)\s*\{"
    r"|\\DeclareMathOperator\*?\s*\{\s*\\([A-Za-z]+)\s*\}\s*\{")
_WORDS = re.compile(r"\\(?:text|textrm|mathrm|operatorname|mathit|mbox|textit)\s*\{[^{}]*\}")
_COMMANDS = re.compile(r"\\[A-Za-z]+|#[1-9]")
_RUN = re.compile(r"[A-Za-z]{2,}")


class MacroError(Exception):
    """A macro that cannot be read; ``pos`` is an offset in the text that was being read."""

    def __init__(self, message: str, pos: int = 0):
        super().__init__(message)
        self.message, self.pos = message, pos


@frozen
class Macro:
    """One definition: its name (without the backslash), arguments and body as written."""

    name: str
    args: int
    body: str


_IN_FORCE: ContextVar[dict[str, Macro] | None] = ContextVar("derive_macros", default=None)


def _group_end(text: str, q: int) -> int:
    """The offset after the brace group whose '{' is at q - 1, or -1 if it never closes."""
    depth = 1
    while q < len(text):
        ch = text[q]
        if ch == "\\":
            q += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        q += 1
        if depth == 0:
            return q
    return -1


def collect(text: str) -> dict[str, Macro]:
    """Every macro the document defines, by name (a later definition replaces an earlier)."""
    out: dict[str, Macro] = {}
    for m in _DEFINITION.finditer(text):
        name = m.group(1) or m.group(2) or m.group(4) or m.group(5)
        end = _group_end(text, m.end())
        if end < 0 or len(out) >= MAX_MACROS:
            continue
        body = text[m.end():end - 1]
        if m.group(5):  # \DeclareMathOperator{\sech}{sech}: a named operator
            body = f"\\operatorname{{{body.strip()}}}"
        out[name] = Macro(name, int(m.group(3) or 0), body)
    return out


def definitions_only(text: str) -> bool:
    """Does this display hold nothing but macro definitions?"""
    stripped = text
    for m in reversed(list(_DEFINITION.finditer(text))):
        end = _group_end(text, m.end())
        if end > 0:
            stripped = stripped[:m.start()] + stripped[end:]
    return bool(_DEFINITION.search(text)) and not stripped.strip()


@contextmanager
def in_force(table: dict[str, Macro]) -> Iterator[None]:
    """Read with these macros (the tokenizer looks them up) until the block ends."""
    token = _IN_FORCE.set(table or None)
    try:
        yield
    finally:
        _IN_FORCE.reset(token)


def current() -> dict[str, Macro] | None:
    return _IN_FORCE.get()


#: the words the document declares as names (derive: functions: [Softmax, log]): written as
#: bare letters, each is read as that one name, never as a product of its letters
_DECLARED_WORDS: ContextVar[tuple[str, ...]] = ContextVar("derive_words", default=())


@contextmanager
def words_in_force(words: tuple[str, ...]) -> Iterator[None]:
    """Read with these declared words (longest first, as the tokenizer tries them)."""
    token = _DECLARED_WORDS.set(tuple(sorted(set(words), key=lambda w: (-len(w), w))))
    try:
        yield
    finally:
        _DECLARED_WORDS.reset(token)


def current_words() -> tuple[str, ...]:
    return _DECLARED_WORDS.get()


def expand(macro: Macro, src: str, q: int, known: frozenset[str]) -> tuple[str, int]:
    """The replacement of a use of ``macro`` whose name ends at ``q`` in ``src``, and the
    offset after its arguments."""
    if macro.name in known:
        raise MacroError(f"the document redefines \\{macro.name}, which derive reads as "
                         "usual: rename the macro")
    run = _RUN.search(_COMMANDS.sub(" ", _WORDS.sub(" ", macro.body)))
    if run is not None:
        raise MacroError(f"the macro \\{macro.name} writes letters together "
                         f"({run.group(0)}): a product or one name? write "
                         "\\cdot between factors, or \\operatorname{…} for a name, in its "
                         "definition")
    args = []
    for _ in range(macro.args):
        while q < len(src) and src[q] == " ":
            q += 1
        if q < len(src) and src[q] == "{":
            end = _group_end(src, q + 1)
            if end < 0:
                raise MacroError(f"an argument of \\{macro.name} is never closed")
            args.append(src[q + 1:end - 1])
            q = end
        elif q < len(src) and not src[q].isspace():
            args.append(src[q])
            q += 1
        else:
            raise MacroError(f"\\{macro.name} takes {macro.args} argument(s)")
    body = re.sub(r"#([1-9])", lambda m: args[int(m.group(1)) - 1]
                  if int(m.group(1)) <= len(args) else m.group(0), macro.body)
    if len(body) > MAX_LENGTH:
        raise MacroError(f"the expansion of \\{macro.name} is too long")
    return " " + body + " ", q
