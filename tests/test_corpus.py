"""derive on the corpus of real derivations (tests/corpus, issue #17): never a false proof.

Every link of every transcribed source, and of each copy with one injected error, has an
expectation found without derive (by hand and by tests/corpus/oracle_check.py). Whatever
derive cannot read yet, what it does decide must agree: it never proves a link expected
false (or needing an assumption it does not name), never refutes a link expected true (unless
the expectation assumes a case stated only in prose, "case i = k", and derive's refutation says
the link holds exactly there), and never proves an injected error.
benchmarks/corpus_report.py prints the full scoreboard.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from corpus_scoring import display_links, expected_link

import derive

CORPUS = Path(__file__).resolve().parent / "corpus"
SOURCES = sorted(p for p in [*CORPUS.glob("*.md"), *(CORPUS / "injected").glob("*.md")]
                 if p.name != "README.md")


def _links(path: Path):
    want = json.loads(path.with_suffix(".expect.json").read_text(encoding="utf-8"))
    report = derive.check(str(path), jobs=1)
    _, by_display = display_links(report)
    for d in want["displays"]:
        got = by_display.get(d["index"], {})
        for lk in d.get("links", []):
            yield d["index"], {**lk, "case": _prose_case(d.get("note", ""))}, \
                expected_link(lk, got)


def _prose_case(note: str) -> frozenset[str] | None:
    """The case a display's expectation assumes from the prose ("case i = k"), as the two
    letters, or None."""
    m = re.search(r"\bcase ([a-z]) = ([a-z])\b", note)
    return frozenset(m.groups()) if m else None


def _names_the_case(reason: str | None, case: frozenset[str] | None) -> bool:
    """A refutation that says the link holds exactly in the case the prose assumes ("holds
    when i = k"): derive reads the display as written, and names the case it needs."""
    m = re.fullmatch(r"holds when ([a-z]) = ([a-z])", reason or "")
    return case is not None and m is not None and frozenset(m.groups()) == case


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(CORPUS)) for p in SOURCES])
def test_what_derive_decides_on_real_derivations_is_right(path):
    wrong = []
    for index, want, link in _links(path):
        if link is None:
            continue
        verdict = link.verdict.value
        if verdict == "proved" and want["expected"] != "true":
            wrong.append((index, want["position"], want["expected"], verdict))
        if verdict == "refuted" and want["expected"] == "true" and \
                not _names_the_case(link.reason, want["case"]):
            wrong.append((index, want["position"], want["expected"], verdict, link.reason))
        if verdict == "conditional" and want["expected"] == "false" and not link.needs:
            wrong.append((index, want["position"], want["expected"], verdict))
    assert wrong == []


def test_the_corpus_is_there():
    assert len([p for p in SOURCES if p.parent == CORPUS]) >= 19
