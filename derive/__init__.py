"""derive: a symbolic derivation verifier.

Checks every ``=`` of a derivation written in Markdown + LaTeX for every size (a
symbolic number of classes K), refutes wrong steps with re-checked counterexamples,
names the rule that carries each step, and suggests repairs.

    >>> import derive
    >>> report = derive.check("softmax-cross-entropy")
    >>> report.ok, report.counts["refuted"]
    (False, 2)

Importing ``derive`` is cheap: sympy is loaded only when a check runs.
"""

from __future__ import annotations

__version__ = "0.1.0"

from derive.errors import InputError
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

__all__ = [
    "__version__", "check", "check_text", "builtins", "Report", "Equation", "Link", "Chain",
    "Verdict", "Assumption", "Counterexample", "SourceError", "InputError",
    "load_ipython_extension",
]


def check(target, **options) -> Report:
    """Check a built-in derivation by name, or a Markdown file by path (``-`` is stdin)."""
    from derive.app.api import check as _check

    return _check(target, **options)


def check_text(markdown: str, source: str = "<string>", **options) -> Report:
    """Check the display equations of a Markdown text."""
    from derive.app.api import check_text as _check_text

    return _check_text(markdown, source, **options)


def builtins() -> list[str]:
    """The names of the built-in derivations."""
    from derive.app.registry import names

    return names()


def load_ipython_extension(ipython) -> None:  # pragma: no cover - exercised in the notebook test
    """`%load_ext derive`: register the %derive and %%derive magics."""
    from derive.integrations.notebook import load_ipython_extension as _load

    _load(ipython)
