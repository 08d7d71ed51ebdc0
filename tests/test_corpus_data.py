"""Data checks for the corpus of real derivations (issue #17).

These tests do not import derive: they check the corpus files against each
other and run the independent numeric oracle (tests/corpus/oracle_check.py).
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
DISPLAY = re.compile(r"\$\$(.*?)\$\$", re.S)
SOURCES = sorted(p for p in CORPUS.glob("*.md") if p.name != "README.md")


def displays(text):
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in DISPLAY.finditer(text)]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_corpus_is_not_empty():
    assert len(SOURCES) >= 10


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_source_comment_and_expectations(md):
    text = md.read_text(encoding="utf-8")
    assert text.startswith("<!-- source: http"), "first line must credit the source"
    assert "transcribed verbatim" in text.split("-->", 1)[0]
    assert not text.lstrip().startswith("---"), "no derive front matter in corpus files"
    exp = load(md.with_name(md.stem + ".expect.json"))
    found = displays(text)
    assert len(exp["displays"]) == len(found)
    for n, (d, (line, latex)) in enumerate(zip(exp["displays"], found), 1):
        assert d["index"] == n
        assert d["line"] == line
        assert d["latex"] == latex.strip()
        assert d["kind"] in ("definition", "claim", "not-checkable")
        for ln in d["links"]:
            assert ln["expected"] in ("true", "false") or ln["expected"].startswith("needs: ")
            assert ln["how"].startswith("by hand: ") and "numeric: " in ln["how"]
        if d["kind"] == "not-checkable":
            assert not d["links"]


@pytest.mark.parametrize("md", SOURCES, ids=lambda p: p.stem)
def test_injected_copy_differs_in_exactly_one_display(md):
    inj = CORPUS / "injected" / md.name
    orig_d = displays(md.read_text(encoding="utf-8"))
    inj_d = displays(inj.read_text(encoding="utf-8"))
    assert len(orig_d) == len(inj_d)
    changed = [n for n, (a, b) in enumerate(zip(orig_d, inj_d), 1) if a[1] != b[1]]
    assert len(changed) == 1
    n = changed[0]
    e0 = load(md.with_name(md.stem + ".expect.json"))
    e1 = load(inj.with_name(md.stem + ".expect.json"))
    assert len(e1["displays"]) == len(inj_d)
    d0, d1 = e0["displays"][n - 1], e1["displays"][n - 1]
    assert d1["kind"] in ("claim", "definition") and d1["links"]  # a checked link (a definition chain has links from position 2)
    diff = [(a, b) for a, b in zip(d0["links"], d1["links"]) if a != b]
    assert diff, "the injected display must change a link"
    assert any(b["expected"] == "false" and (a["lhs"], a["rhs"]) != (b["lhs"], b["rhs"]) for a, b in diff)
    for k, (a, b) in enumerate(zip(e0["displays"], e1["displays"]), 1):
        if k != n:
            assert [x["expected"] for x in a["links"]] == [x["expected"] for x in b["links"]]


def test_oracle_agrees_with_every_stored_expectation():
    spec = importlib.util.spec_from_file_location("corpus_oracle", CORPUS / "oracle_check.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rows, problems = mod.check(write=False, verbose=False)
    assert rows
    assert problems == []
    links = sum(len(d["links"]) for p in CORPUS.glob("*.expect.json") for d in load(p)["displays"])
    links += sum(len(d["links"]) for p in (CORPUS / "injected").glob("*.expect.json") for d in load(p)["displays"])
    assert len(rows) == links


def test_oracle_does_not_import_derive():
    src = (CORPUS / "oracle_check.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+derive\b", src, re.M)
