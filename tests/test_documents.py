"""Documents as people write them: the post's transcription, its correction, other notations,
and the library of worked derivations (each of which must check clean)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, EXAMPLES, ROOT, link

import derive
from derive.reading.frontmatter import parse_yaml, split_front_matter

NOTATIONS = sorted((DATA / "notations").glob("*.md"))
PACKAGE_LIBRARY = sorted((ROOT / "derive" / "library").glob("*.md"))
# the worked derivations, which check clean (the post as published is a built-in too)
LIBRARY = [p for p in PACKAGE_LIBRARY if p.stem != "softmax-cross-entropy"]


def expected(path: Path) -> list[str]:
    fm, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return list(parse_yaml(fm).get("expect", [])) if fm else []


def verdicts(report) -> list[str]:
    return [f"{e.index}.{lk.position} {lk.verdict.value}" for e in report.equations
            for lk in e.links]


def test_transcription_gives_the_builtins_verdicts(post_report, transcription_report):
    assert verdicts(transcription_report) == verdicts(post_report)
    for a, b in zip(transcription_report.equations, post_report.equations):
        assert (a.index, a.kind, len(a.links)) == (b.index, b.kind, len(b.links))
        if a.chain or b.chain:
            assert a.chain.verdict == b.chain.verdict
            assert [n.latex for n in a.chain.needs] == [n.latex for n in b.chain.needs]


def test_transcription_shows_the_erratum(transcription_report):
    assert link(transcription_report, 7, 2).verdict.value == "refuted"
    assert link(transcription_report, 7, 3).verdict.value == "refuted"
    assert any("redefined" in n for n in transcription_report.notes)
    eq7 = next(e for e in transcription_report.equations if e.index == 7)
    assert eq7.chain.verdict.value == "conditional" and not eq7.chain.needs[0].stated


def test_the_authors_correction():
    report = derive.check(str(EXAMPLES / "softmax-cross-entropy-corrected.md"))
    assert link(report, 7, 2).verdict.value == "proved"
    l3 = link(report, 7, 3)
    assert l3.verdict.value == "conditional"
    assert [a.latex for a in l3.needs] == [r"\sum_{k=1}^{K} t_{k} = 1"]
    assert l3.needs[0].stated is False
    assert report.exit_code == 1


def test_a_declared_assumption_turns_conditional_into_proved():
    text = (EXAMPLES / "softmax-cross-entropy-corrected.md").read_text(encoding="utf-8")
    declared = 'derive:\n  assumptions:\n    - "\\\\sum_{k=1}^{K} t_k = 1"\n'
    text = text.replace("---\n", "---\n" + declared, 1)
    report = derive.check_text(text, "declared.md")
    l3 = link(report, 7, 3)
    assert l3.verdict.value == "proved"
    assert [a.stated for a in l3.needs] == [True]  # the report says the link used it
    eq7 = next(e for e in report.equations if e.index == 7)
    assert eq7.chain.verdict.value == "proved"
    assert report.exit_code == 0


@pytest.mark.parametrize("path", NOTATIONS, ids=[p.stem for p in NOTATIONS])
def test_other_notations(path):
    want = expected(path)
    assert want, "each notation document lists its expected verdicts"
    report = derive.check(str(path))
    assert not report.has_errors, [e.error.located for e in report.equations if e.error]
    assert verdicts(report) == want
    assert any(v.endswith("refuted") for v in want)  # each has a false claim
    assert any(v.endswith("proved") for v in want)


def test_at_least_five_notation_documents():
    assert len(NOTATIONS) >= 5


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_documents_check_clean(path):
    report = derive.check(str(path))
    assert report.exit_code == 0, [(e.index, [(lk.position, lk.verdict.value, lk.reason)
                                               for lk in e.links]) for e in report.equations]
    want = expected(path)
    if want:
        assert verdicts(report) == want
    assert all(lk.rule for lk in report.links)


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_documents_are_builtins(path):
    assert path.stem in derive.builtins()
    assert derive.check(path.stem).exit_code == 0


def test_library_has_the_required_derivations():
    names = {p.stem for p in LIBRARY}
    for required in ("sigmoid-bce", "logsumexp-gradient", "softmax-jacobian",
                     "softmax-temperature", "label-smoothing", "mse-linear", "log-softmax"):
        assert required in names


def test_examples_library_points_at_the_package_library():
    assert sorted(p.name for p in (EXAMPLES / "library").glob("*.md")) == [
        p.name for p in PACKAGE_LIBRARY]


def test_a_link_by_a_definition_names_the_definition_it_used():
    # the rule unfolding one function's definition used to unfold every function's, and the
    # first definition in the document was named as the reason
    text = ("$$ x = 3 $$\n\n$$ g(y) = 5 y $$\n\n$$ u(y) = \\sum_{k=1}^n a_k y $$\n\n"
            "$$ E = u(2) = 2 \\sum_{k=1}^n a_k $$\n")
    link = derive.check_text(text, jobs=1).equations[-1].links[-1]
    assert link.verdict.value == "proved"
    assert "definition of u" in link.rule, link.rule
