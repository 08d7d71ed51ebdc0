"""Fuzzing the reader and the checker with hypothesis: never a traceback.

Whatever the input, reading (:func:`derive.reading.document.read_document`) and checking
(:func:`derive.check_text`) must return: a problem in the text comes back as an
equation of kind ``"error"`` (or a document-level error) with a line and a column
inside the text, never as an exception.

Inputs:

* token soup: random strings of the grammar's own tokens
  (:data:`derive.reading.parser.TOKEN_SAMPLES`) wrapped in ``$$…$$``, one or several per
  document, sometimes after front matter;
* grammar-shaped expressions (sums, fractions, exponentials, indicators, derivatives
  of the softmax family) so that the checker itself runs, not only the parser;
* arbitrary unicode text and arbitrary bytes (decoded, and as files).

The default budget is small (200 examples for reading, 25 for a full check) so CI stays
fast; DERIVE_FUZZ_SCALE=10 multiplies it, DERIVE_FUZZ_RANDOM=1 draws fresh examples
instead of the fixed, derandomised sequence.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import derive
from derive.app.api import read_source
from derive.errors import InputError
from derive.reading.document import read_document
from derive.reading.parser import TOKEN_SAMPLES
from derive.report.model import SourceError

SCALE = max(1, int(os.environ.get("DERIVE_FUZZ_SCALE", "1")))
RANDOM = bool(os.environ.get("DERIVE_FUZZ_RANDOM"))


def budget(n: int):
    return settings(max_examples=n * SCALE, deadline=None, derandomize=not RANDOM,
                    database=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.data_too_large])


READ = budget(200)
CHECK = budget(25)
KINDS = {"definition", "claim", "error", "skipped"}
VERDICTS = {"proved", "refuted", "conditional", "unknown"}


# --------------------------------------------------------------------------- strategies

tokens = st.lists(st.sampled_from(TOKEN_SAMPLES), min_size=0, max_size=40)
glue = st.sampled_from(["", " "])


@st.composite
def token_equation(draw) -> str:
    return draw(glue).join(draw(tokens))


@st.composite
def token_document(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append("---\ntitle: " + draw(token_equation()) + "\n---\n")
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(st.sampled_from(["", "Some prose.\n", "\n", "- a list item\n"])))
        open_, close = draw(st.sampled_from([("$$", "$$"), ("\\[", "\\]"),
                                             ("\\begin{align}", "\\end{align}"),
                                             ("$$", "")]))  # sometimes never closed
        parts.append(open_ + draw(token_equation()) + close + "\n")
    return "\n".join(parts)


LEAVES = ["z_i", "z_k", "z_j", "y_i", "y_k", "t_k", "t_i", "1", "2", "0.5", "K", "u",
          "1\\{k = i\\}", "\\delta_{ki}", "y_{k=i}", "y_{k \\neq i}"]


def _expr():
    leaf = st.sampled_from(LEAVES)

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from([" + ", " - ", " ", " \\cdot "]), inner).map(
                "".join),
            inner.map(lambda a: "-" + a),
            st.tuples(inner, inner).map(lambda p: f"\\frac{{{p[0]}}}{{{p[1]}}}"),
            inner.map(lambda a: f"e^{{{a}}}"),
            inner.map(lambda a: f"\\log({a})"),
            inner.map(lambda a: f"({a})"),
            inner.map(lambda a: f"({a})^2"),
            inner.map(lambda a: f"\\sum_{{k=1}}^K {a}"),
            inner.map(lambda a: f"\\sum_{{j=1}}^{{K}} ({a})"),
            inner.map(lambda a: f"\\frac{{\\partial}}{{\\partial z_i}} ({a})"),
            inner.map(lambda a: f"\\frac{{\\partial {a}}}{{\\partial z_i}}"),
        )

    return st.recursive(leaf, extend, max_leaves=6)


SOFTMAX = "$$y_k = \\frac{e^{z_k}}{\\sum_{j=1}^K e^{z_j}}$$\n\n"


@st.composite
def shaped_document(draw) -> str:
    sides = draw(st.lists(_expr(), min_size=1, max_size=3))
    head = SOFTMAX if draw(st.booleans()) else ""
    return head + "$$" + " = ".join(sides) + "$$\n"


# --------------------------------------------------------------------------- invariants

def _located(err: SourceError, text: str) -> None:
    assert isinstance(err, SourceError)
    assert err.message and err.message.strip(), err
    lines = text.split("\n")
    assert 1 <= err.line <= len(lines) + 1, (err, len(lines))
    assert err.column >= 1, err
    assert "Traceback" not in err.message


def assert_read_ok(text: str) -> None:
    doc = read_document(text, "fuzz.md")
    for e in doc.errors:
        _located(e, text)
    for eq in doc.equations:
        assert eq.kind in KINDS, eq.kind
        if eq.kind == "error":
            assert eq.error is not None, eq
            _located(eq.error, text)


def assert_check_ok(text: str) -> None:
    report = derive.check_text(text, source="fuzz.md", timeout=2)
    for e in report.errors:
        _located(e, text)
    for eq in report.equations:
        assert eq.kind in KINDS
        if eq.kind == "error":
            assert eq.error is not None
            _located(eq.error, text)
            assert not eq.links
        for link in eq.links:
            assert link.verdict.value in VERDICTS
            if link.verdict.value == "refuted":
                assert link.counterexample is not None, link
            if link.verdict.value == "unknown":
                assert link.reason, link
    assert report.exit_code in (0, 1, 2, 3)
    assert report.to_json()


# --------------------------------------------------------------------------- reading

@READ
@given(token_document())
def test_read_token_soup(text):
    assert_read_ok(text)


@READ
@given(st.lists(st.sampled_from(TOKEN_SAMPLES), max_size=60).map("".join))
def test_read_single_token_equation(body):
    assert_read_ok("$$" + body + "$$\n")


@READ
@given(shaped_document())
def test_read_shaped_expressions(text):
    assert_read_ok(text)


@READ
@given(st.text(max_size=300))
def test_read_unicode_text(text):
    assert_read_ok(text)
    assert_read_ok("$$" + text + "$$")
    assert_read_ok("---\n" + text + "\n---\n$$x = 1$$\n")


@READ
@given(st.binary(max_size=300))
def test_read_bytes_as_text(data):
    assert_read_ok(data.decode("utf-8", errors="replace"))
    assert_read_ok(data.decode("latin-1"))


@budget(50)
@given(st.binary(max_size=300))
def test_read_bytes_as_a_file(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "input.md"
    path.write_bytes(data)
    try:
        text = read_source(str(path))
    except InputError as exc:  # the one allowed failure: a clear one-line message
        assert str(exc) and "\n" not in str(exc)
        return
    assert_read_ok(text)


@budget(100)
@given(st.text(alphabet=st.sampled_from(list("abc: -[]{}\"'#\\\n")), max_size=200))
def test_read_front_matter_noise(yaml):
    assert_read_ok("---\n" + yaml + "\n---\n\n$$x = 1$$\n")
    assert_read_ok("---\nderive:\n" + yaml + "\n---\n\n$$x = 1$$\n")


# --------------------------------------------------------------------------- checking

@CHECK
@given(token_document())
def test_check_token_soup(text):
    assert_check_ok(text)


@CHECK
@given(shaped_document())
def test_check_shaped_expressions(text):
    assert_check_ok(text)


@budget(10)
@given(st.text(max_size=200))
def test_check_unicode_text(text):
    assert_check_ok(text)


# --------------------------------------------------------------------------- known cases

@pytest.mark.parametrize("text", [
    "$$$$", "$$ $$", "$$=$$", "$$==$$", "$$x =$$", "$$= x$$", "$$x == y$$", "$$\\$$",
    "$${$$", "$$}$$", "$$\\frac$$", "$$\\frac{}{}$$", "$$\\sum$$", "$$\\sum_{k=1}$$",
    "$$e^$$", "$$x_$$", "$$\\left($$", "$$\\right)$$", "$$1\\{k = i$$", "$$\\mathbb{1}$$",
    "$$\\partial$$", "$$\\frac{\\partial}{\\partial}$$", "$$x^{y^{z}}$$", "$$^2$$",
    "$$_k$$", "$$\\delta_{}$$", "$$y_{k=}$$", "$$\\not$$", "$$\\neq$$", "$$((((((x$$",
    "$$" + "{" * 500 + "$$", "$$" + "(" * 3000 + "x" + ")" * 3000 + "$$",
    "$$" + "x^{" * 400 + "1" + "}" * 400 + " = 1$$", "$$" + "-" * 2000 + "x = x$$",
    "---\n---\n", "---\nderive: [\n---\n$$x=1$$",
    "---\nderive:\n  indices:\n    k: oops\n---\n$$x=1$$",
    "---\nderive:\n  assumptions: [\"\\\\frac{\"]\n---\n$$x = 1$$",
    "\ufeff$$x = 1$$", "$$x = 1$$\r\n$$y = 2$$\r\n", "$$x\x00 = 1$$",
])
def test_known_awkward_inputs(text):
    assert_read_ok(text)
    assert_check_ok(text)


def test_an_error_is_located_at_the_culprit():
    """The harness's invariants can fail: a located error points at the bad token."""
    text = "intro\n\n$$x = 1 + \\foo$$\n"
    doc = read_document(text, "t.md")
    (eq,) = doc.equations
    assert eq.kind == "error"
    assert (eq.error.line, eq.error.column) == (3, 11)
    assert "\\foo" in eq.error.message
