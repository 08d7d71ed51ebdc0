"""derive's own bugs are not verdicts (issue #14, item 7).

An exception raised by derive's own code while a link is checked is an internal error on
that link: unknown, method ``internal``, the exception and its place named, never cached.
An exception from sympy or mpmath is the engine failing on that input. And no document
derive ships or tests with may produce either an internal error or an internal
disagreement (a proof the independent evaluator contradicts).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import derive
import derive.engine.normal
from derive.app import cache

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = sorted(
    [*(ROOT / "derive" / "library").glob("*.md"), *(ROOT / "examples").glob("*.md"),
     *(ROOT / "tests" / "data" / "notations").glob("*.md"),
     *(ROOT / "tests" / "data" / "soundness").glob("*.md"),
     *(ROOT / "tests" / "corpus").glob("*.md"),
     *(ROOT / "tests" / "corpus" / "injected").glob("*.md")])
DOCUMENTS = [p for p in DOCUMENTS if p.name != "README.md"]


def test_a_bug_in_derive_is_an_internal_error_never_a_verdict(monkeypatch):
    # a programming error planted in derive's normaliser: range() over a string
    monkeypatch.setattr(derive.engine.normal, "MAX_PASSES", "six")
    report = derive.check_text("$$a + b = b + a$$", jobs=1)
    (lk,) = report.links
    assert lk.verdict.value == "unknown" and lk.method == "internal"
    assert "internal error in derive (TypeError" in lk.reason
    assert "normal.py:" in lk.reason and "bug in derive" in lk.reason
    assert not cache.cacheable(report)


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_no_document_gives_an_internal_error_or_disagreement(path):
    report = derive.check(str(path), jobs=1, timeout=20)
    bad = [(e.index, lk.position, lk.reason) for e in report.equations for lk in e.links
           if lk.method == "internal" or "internal" in (lk.reason or "")]
    bad += [(e.index, "chain", e.chain.reason) for e in report.equations
            if e.chain is not None and e.chain.method == "internal"]
    bad += [(e.index, "error", e.error.message) for e in report.equations
            if e.error is not None and "internal error" in e.error.message]
    assert bad == []
