"""Markdown as CommonMark reads it, and front matter as YAML (issue #15).

What a Markdown renderer shows as display math is checked, and nothing else: not code
(fenced, indented, inline), not HTML blocks or comments, not front matter. GitHub's
```` ```math ```` fences are display math. Every equation keeps its exact place in the file.

Front matter (and a sidecar) is any valid YAML, read by PyYAML's safe loader: keys other
than derive's are ignored, derive's own are validated with errors that name the key and its
line, and deep nesting or an alias bomb is a clean refusal (exit 2, a message, no traceback).
"""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import derive
from derive.reading.document import read_document
from derive.reading.frontmatter import (
    MAX_ALIAS_EXPANSION,
    MAX_DEPTH,
    FrontMatterError,
    declarations,
    parse_yaml,
    split_front_matter,
)
from derive.reading.markdown import find_equations, line_col

ROOT = Path(__file__).resolve().parent.parent
TRUE = "$$(a + b)^2 = a^2 + 2 a b + b^2$$"
CONDITIONAL = "$$\\sum_{k=1}^K t_k y_i = y_i$$"  # needs Σ_k t_k = 1


def run_cli(path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(path.parent), "NO_COLOR": "1",
           "DERIVE_CACHE_DIR": str(path.parent / ".cache"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", "derive", "check", str(path), "--no-cache",
                           "-j", "1"], capture_output=True, text=True, cwd=path.parent,
                          env=env, timeout=300)


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def found(text: str) -> list[str]:
    return [e.text.strip() for e in find_equations(text)]


def verdicts(report) -> list[str]:
    return [lk.verdict.value for e in report.equations for lk in e.links]


def exact(text: str) -> None:
    """Every equation's text lies over its file span: each character is the file's, or a
    space over container markup (a blockquote's >, indentation) or a row separator."""
    for e in find_equations(text):
        span = text[e.offset:e.offset + len(e.text)]
        assert len(span) == len(e.text), e
        rows = {k for m in ALIGNED.finditer(span) for k in range(m.start(), m.end())}
        unaligned = "".join(" " if k in rows else c for k, c in enumerate(span))
        rows |= {k for m in ROW_BREAK.finditer(unaligned) for k in range(m.start(), m.end())}
        for k, (a, b) in enumerate(zip(e.text, span)):
            assert a == b or (a == " " and (b in " \t>&" or k in rows)), (e, span)


ALIGNED = re.compile(r"\\(begin|end)\{(aligned|split|gathered)\}")
ROW_BREAK = re.compile(r"\\\\(\[[^\]]*\])?")


# --------------------------------------------------------------------------- Markdown

def test_equations_in_html_comments_are_not_checked():
    text = f"<!--\n$$1 + 1 = 3$$\n-->\n\nText <!-- $$2 = 3$$ --> here.\n\n{TRUE}\n"
    assert found(text) == ["(a + b)^2 = a^2 + 2 a b + b^2"]
    report = derive.check_text(text, "comment.md")
    assert verdicts(report) == ["proved"] and report.exit_code == 0


def test_an_indented_code_block_is_not_checked():
    text = f"Some prose.\n\n    $$1 + 1 = 3$$\n\n{TRUE}\n"
    assert found(text) == ["(a + b)^2 = a^2 + 2 a b + b^2"]
    assert derive.check_text(text, "indented.md").exit_code == 0


def test_a_four_backtick_fence_holding_a_three_backtick_fence(tmp_path):
    """It used to hide the rest of the file: "no display equations found", exit 0."""
    text = ("````markdown\n```\n$$2 = 3$$\n```\n$$4 = 5$$\n````\n\n"
            "After the fence:\n\n$$1 + 1 = 3$$\n\n" + TRUE + "\n")
    assert found(text) == ["1 + 1 = 3", "(a + b)^2 = a^2 + 2 a b + b^2"]
    assert [e.line for e in find_equations(text)] == [10, 12]
    proc = run_cli(write(tmp_path, "fence.md", text))
    no_traceback(proc)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "refuted" in proc.stdout


def test_a_math_fence_is_display_math(tmp_path):
    """GitHub's documented display-math form: it used to be skipped ("every step holds")."""
    text = "# Notes\n\n```math\n1 + 1 = 3\n```\n\n" + TRUE + "\n"
    (fence, after) = find_equations(text)
    assert (fence.delimiter, fence.line, fence.text.strip()) == ("```math", 3, "1 + 1 = 3")
    assert text[fence.offset:fence.offset + len(fence.text)] == fence.text
    report = derive.check_text(text, "math-fence.md")
    assert verdicts(report) == ["refuted", "proved"]
    proc = run_cli(write(tmp_path, "math-fence.md", text))
    no_traceback(proc)
    assert proc.returncode == 1, proc.stdout + proc.stderr


def test_math_fences_in_other_forms():
    assert found("~~~math\na = a\n~~~\n") == ["a = a"]
    assert found("> ```math\n> a = a\n> ```\n") == ["a = a"]
    assert found("```math\na = a\n") == ["a = a"]  # unclosed: a fence runs to the end
    assert found("```python\na = 1\n```\n```mathematica\nb = 2\n```\n") == []


def test_code_is_never_checked():
    text = ("```\n$$1 = 2$$\n```\n\n~~~\n\\[ 1 = 2 \\]\n~~~\n\n"
            "Inline `$$1 = 2$$` and ``\\[ 1 = 2 \\]`` code.\n\n" + TRUE + "\n")
    assert found(text) == ["(a + b)^2 = a^2 + 2 a b + b^2"]


def test_html_blocks_and_image_descriptions_are_not_checked():
    text = "<div>\n$$1 = 2$$\n</div>\n\n![$$1 = 2$$](plot.png)\n\n" + TRUE + "\n"
    assert found(text) == ["(a + b)^2 = a^2 + 2 a b + b^2"]


def test_inline_dollar_math_is_not_checked():
    assert found("Let $x = 1$ and $y = 2$ be given; \\(z = 3\\) too.\n") == []


def test_display_math_forms_kept():
    text = ("$$a = a$$\n\n\\[ b = b \\]\n\n\\\\[ c = c \\\\]\n\n"
            "Prose with $$d = d$$ inside, and \\[ e = e \\] too.\n\n"
            "\\begin{equation} f = f \\end{equation}\n\n"
            "\\begin{align}\ng + g &= 2 g \\\\\n  &= g \\cdot 2\n\\end{align}\n\n"
            "$$\\begin{aligned} h + h &= 2 h \\\\ &= h \\cdot 2 \\end{aligned}$$\n\n"
            "$$i = i$$ $$j = j$$\n\n$$k = k$$ (eq1)\n")
    eqs = find_equations(text)
    assert [e.text.split()[0] for e in eqs] == list("abcdefghijk")
    assert [e.delimiter for e in eqs] == ["$$", "\\[", "\\\\[", "$$", "\\[", "equation",
                                          "align", "$$", "$$", "$$", "$$"]
    doc = read_document(text, "forms.md")
    assert [len(e.sides) for e in doc.equations if e.latex.startswith(("g", "h"))] == [3, 3]
    exact(text)


def test_front_matter_is_not_markdown():
    text = "---\ntitle: $$1 = 2$$\n---\n" + TRUE + "\n"
    assert found(text) == ["(a + b)^2 = a^2 + 2 a b + b^2"]
    # what derive does not read as front matter is read as Markdown
    assert found("----\n$$a = a$$\n----\n") == ["a = a"]


def test_unclosed_delimiters_are_errors():
    for text, opener in [("Text\n\n$$x = 1\n", "$$"), ("Text \\[ x = 1\n", "\\["),
                         ("\\begin{align}\nx &= 1\n", "\\begin{align}")]:
        doc = read_document(text, "u.md")
        (eq,) = doc.equations
        assert eq.kind == "error", text
        assert f"display math opened with {opener} is never closed" in eq.error.message
        line = 3 if opener == "$$" else 1
        col = text.split("\n")[line - 1].index(opener[:2]) + 1
        assert (eq.error.line, eq.error.column) == (line, col), (text, eq.error)


def test_an_equation_after_an_unclosed_one_is_still_found():
    text = "$$x = 1\n\nand later \\[ 1 + 1 = 3 \\] here.\n"
    eqs = find_equations(text)
    assert [e.delimiter for e in eqs] == ["unclosed:$$", "\\["]
    report = derive.check_text(text, "u.md")
    assert verdicts(report) == ["refuted"] and report.exit_code == 2


def test_empty_display_is_an_error():
    for text in ("$$$$\n", "$$ $$\n", "Text $$$$ here.\n"):
        (eq,) = read_document(text, "e.md").equations
        assert eq.kind == "error" and "empty" in eq.error.message


def test_markdown_nested_too_deep_is_refused_not_skipped():
    text = ">" * 45 + " $$1 + 1 = 3$$\n"
    doc = read_document(text, "deep.md")
    assert [e.kind for e in doc.equations] == ["error"]
    report = derive.check_text(text, "deep.md")
    assert report.exit_code == 2
    assert found(">" * 45 + " no math here\n") == []


# --------------------------------------------------------------------------- exact places

def located(text: str) -> tuple[int, int]:
    (eq,) = [e for e in read_document(text, "t.md").equations if e.kind == "error"]
    return eq.error.line, eq.error.column


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    return line_col(text, at)


@pytest.mark.parametrize("text", [
    "intro\n\n$$x = 1 + \\foo$$\n",
    "> quoted\n>\n> $$x = 1 + \\foo$$\n",
    "> $$\n> x = 1 + \\foo\n> $$\n",
    "> > $$\n> > y = 2\n> > x = 1 + \\foo\n> > $$\n",
    "- item\n\n  $$\n  x = 1 + \\foo\n  $$\n",
    "1. item\n   - inner\n\n     $$x = 1 + \\foo$$\n",
    "Prose with $$x = 1 + \\foo$$ in it.\n",
    "> Prose with $$y\n> = 1 + \\foo$$ in it.\n",
    "Prose\n   over lines $$x =\n      1 + \\foo$$ and on.\n",
    "# Heading $$x = 1 + \\foo$$ #\n",
    "$$y = 1$$\r\n\r\n$$x = 1 + \\foo$$\r\n",
    "\t$$x = 1$$\n\n-\t$$x = 1 + \\foo$$\n",
    "> \\[\n> x = 1 + \\foo\n> \\]\n",
    "> \\begin{align}\n> x &= 1 + \\foo\n> \\end{align}\n",
    "> ```math\n> x = 1 + \\foo\n> ```\n",
    "text \\begin{equation} x = 1 + \\foo \\end{equation}\n",
    "\ufeff$$x = 1 + \\foo$$\n",
])
def test_errors_are_located_exactly(text):
    assert located(text) == where(text, "\\foo")
    exact(text)


def test_lines_and_offsets_of_equations():
    text = ("---\ntitle: t\n---\n\n> $$\n> a = b\n> $$\n\n- $$c = d$$\n\n"
            "Text $$e\n= f$$.\n\n```math\ng = h\n```\n")
    eqs = find_equations(text)
    assert [e.line for e in eqs] == [5, 9, 11, 14]
    assert [e.text.split() for e in eqs] == [["a", "=", "b"], ["c", "=", "d"],
                                             ["e", "=", "f"], ["g", "=", "h"]]
    assert [line_col(text, e.offset) for e in eqs] == [(5, 5), (9, 5), (11, 8), (15, 1)]
    exact(text)
    assert text[eqs[0].offset:eqs[0].offset + len(eqs[0].text)] == "\n> a = b\n> "
    assert eqs[0].text == "\n  a = b\n  "


PREFIXES = ["", "> ", "> > ", ">", "  ", "- ", "1. ", "> - ", ">\t", "-\t"]


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.sampled_from(PREFIXES), st.sampled_from(["$$", "\\[", "\\begin{equation}"]),
       st.lists(st.sampled_from(["x", "y + 1", "= y", "\\frac{a}{b}", "c - z"]), min_size=1,
                max_size=4), st.booleans(), st.sampled_from(["", "Intro text.\n\n", "# H\n"]))
def test_offsets_are_exact_in_containers(prefix, opener, rows, inline, head):
    closer = {"$$": "$$", "\\[": "\\]", "\\begin{equation}": "\\end{equation}"}[opener]
    cont = re.sub(r"[-*+]|[0-9]+[.)]", lambda m: " " * len(m.group(0)), prefix)
    if inline:
        body = "\n".join([prefix + "Some " + opener + rows[0]]
                         + [cont + r for r in rows[1:]]) + closer + " end.\n"
    else:
        body = "\n".join([prefix + opener] + [cont + r for r in rows] + [cont + closer]) + "\n"
    text = head + body
    eqs = [e for e in find_equations(text) if not e.delimiter.startswith("unclosed")]
    assert len(eqs) == 1, (text, eqs)
    assert eqs[0].text.split() == " ".join(rows).split()
    exact(text)


# --------------------------------------------------------------------------- YAML

JEKYLL = """---
layout: post
title: "Softmax"  # a comment after a quoted scalar
tags:
  - "math"   # a comment after a quoted list item
  - 'ml'
summary: >
  A folded
  scalar.
notes: |
  A literal
  scalar.
authors:
  - name: Lee
    url: https://example.org
  - name: Other
date: 2016-05-11
draft: false
weight: 3
defaults: &defaults {lang: en}
params:
  <<: *defaults
  custom: !mytag value
derive: {assumptions: ["\\\\sum_{k=1}^{K} t_k = 1"]}
---

"""


def test_jekyll_and_hugo_front_matter_is_accepted(tmp_path):
    report = derive.check_text(JEKYLL + CONDITIONAL + "\n", "post.md")
    assert not report.errors and report.exit_code == 0
    assert verdicts(report) == ["proved"]
    assert report.title == "Softmax"
    proc = run_cli(write(tmp_path, "post.md", JEKYLL + CONDITIONAL + "\n"))
    no_traceback(proc)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_yaml_values_as_written():
    fm, body_line = split_front_matter(JEKYLL)
    assert body_line == 26
    data = parse_yaml(fm)
    assert data["tags"] == ["math", "ml"]
    assert data["summary"] == "A folded scalar.\n" and data["notes"] == "A literal\nscalar.\n"
    assert data["authors"] == [{"name": "Lee", "url": "https://example.org"}, {"name": "Other"}]
    assert data["params"] == {"lang": "en", "custom": "value"}
    assert data["weight"] == "3" and data["draft"] == "false"  # scalars as written
    assert data["derive"] == {"assumptions": ["\\sum_{k=1}^{K} t_k = 1"]}
    assert parse_yaml("a:\nb: ~\nc: null\n") == {"a": None, "b": None, "c": None}
    assert parse_yaml("") == {} and parse_yaml("# only a comment\n") == {}


def test_the_declaration_forms():
    text = ("---\nderive:\n  indices:\n    k: [1, K]\n    j: \"[1, J]\"\n"
            "  constants: [T]\n  functions:\n    - g\n  families: h\n"
            "  assumptions:\n    - \"\\\\sum_{k=1}^{K} t_k = 1\"\n    - T > 0\n---\n")
    decl = read_document(text + "$$T = T$$\n", "d.md").declarations
    assert decl.indices == {"k": "[1, K]", "j": "[1, J]"}
    assert (decl.constants, decl.functions, decl.families) == (("T",), ("g",), ("h",))
    assert decl.assumptions == (("\\sum_{k=1}^{K} t_k = 1", 11), ("T > 0", 12))
    # plain strings, so reports and documents pickle and compare as before
    for value in [*decl.indices, *decl.indices.values(), *decl.constants,
                  *(a for a, _ in decl.assumptions)]:
        assert type(value) is str
    pickle.loads(pickle.dumps(decl))


def test_a_flow_mapping_gives_each_assumption_its_line():
    text = ('---\ntitle: t\nderive: {assumptions: ["a = b", "\\\\frac{"]}\n---\n\n'
            "$$x = x$$\n")
    doc = read_document(text, "f.md")
    assert doc.declarations.assumptions == (("a = b", 3), ("\\frac{", 3))
    (err,) = doc.errors
    assert err.line == 3 and "\\frac{" in err.message


def test_an_assumption_error_names_its_own_line():
    text = ('---\nderive:\n  assumptions:\n    - "a = b"\n    # a comment\n'
            '    - "\\\\frac{ = 1"\n---\n\n$$x = x$$\n')
    (err,) = read_document(text, "a.md").errors
    assert err.line == 6, err


@pytest.mark.parametrize("block,line,col,words", [
    ("derive:\n  functions: {a: 1}", 4, 14, ["derive.functions", "list of names"]),
    ("derive:\n  constants:\n    - T\n    - [a, b]", 6, 7, ["derive.constants", "a list"]),
    ("derive:\n  bogus: [x]", 4, 3, ["derive.bogus", "unknown key"]),
    ("derive:\n  indices: [1, K]", 4, 12, ["derive.indices", "range"]),
    ("derive:\n  indices:\n    k: {lo: 1}", 5, 5, ["derive.indices.k", "range"]),
    ("derive:\n  indices:\n    k: [1, 2, 3]", 5, 5, ["derive.indices.k", "range"]),
    ("derive: [a, b]", 3, 9, ["'derive:'", "mapping"]),
    ("derive:\n  assumptions: {a: b}", 4, 16, ["derive.assumptions"]),
])
def test_a_derive_key_of_the_wrong_type_is_named_with_its_line(block, line, col, words):
    text = f"---\ntitle: t\n{block}\n---\n\n$$x = x$$\n"
    doc = read_document(text, "w.md")
    (err,) = doc.errors
    assert (err.line, err.column) == (line, col), err
    for w in words:
        assert w in err.message, err.message
    assert derive.check_text(text, "w.md").exit_code == 2


def test_a_wrong_type_through_the_command_line(tmp_path):
    path = write(tmp_path, "w.md", "---\ntitle: t\nderive:\n  functions: {a: 1}\n---\n\n"
                 + TRUE + "\n")
    proc = run_cli(path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "w.md:4:14: 'derive.functions' must be a list of names" in proc.stderr


def deep_mapping(n: int, indent: str = "") -> str:
    return "".join(indent + "  " * i + f"k{i}:\n" for i in range(n))


def test_a_1000_deep_mapping_in_front_matter_is_refused(tmp_path):
    text = "---\nnotes:\n" + deep_mapping(1000, "  ") + "---\n\n" + TRUE + "\n"
    doc = read_document(text, "deep.md")
    (err,) = doc.errors
    # the 64th level (a key of the 63rd nested mapping) is on line 65 of the file
    assert "nested more than" in err.message and err.line == 1 + MAX_DEPTH
    proc = run_cli(write(tmp_path, "deep.md", text))
    no_traceback(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "nested more than 64 levels deep" in proc.stderr


def test_a_1000_deep_mapping_in_a_sidecar_is_refused(tmp_path):
    path = write(tmp_path, "notes.md", TRUE + "\n")
    write(tmp_path, "notes.derive.yaml", deep_mapping(1000))
    proc = run_cli(path)
    no_traceback(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "notes.derive.yaml:" in proc.stderr and "nested more than" in proc.stderr


@pytest.mark.parametrize("text", [
    "[" * 1000 + "]" * 1000,
    "a: " + "{b: " * 1000 + "c" + "}" * 1000,
    "a:\n" + "".join("  " * (i + 1) + "-\n" for i in range(1000)),
    "a: &a [*a]",  # an alias that contains itself
])
def test_deep_yaml_in_every_form_is_a_clean_error(text):
    with pytest.raises(FrontMatterError) as exc:
        parse_yaml(text)
    assert "nested more than" in exc.value.message


def billion_laughs(levels: int = 9) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused(tmp_path):
    with pytest.raises(FrontMatterError) as exc:
        parse_yaml(billion_laughs())
    assert "aliases expand" in exc.value.message and exc.value.line == 2
    text = "---\n" + billion_laughs() + "---\n\n" + TRUE + "\n"
    proc = run_cli(write(tmp_path, "bomb.md", text))
    no_traceback(proc)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "bomb.md:3:" in proc.stderr and "aliases expand" in proc.stderr


def test_small_aliases_are_fine():
    data = parse_yaml("a: &x [1, 2]\nb: [*x, *x]\nc: *x\n")
    assert data == {"a": ["1", "2"], "b": [["1", "2"], ["1", "2"]], "c": ["1", "2"]}
    assert MAX_ALIAS_EXPANSION >= 1000


@pytest.mark.parametrize("text,line,col,words", [
    ("a: 'open", 1, 9, ["invalid YAML", "quoted"]),
    ("a: 1\nb:\n\t- x", 3, 1, ["invalid YAML"]),
    ("a: 1\na: 2", 2, 1, ["duplicate key 'a'"]),
    ("- a\n- b", 1, 1, ["mapping"]),
    ("a: *nothing", 1, 4, ["undefined alias"]),
    ("a: \x01", 1, 4, ["invalid YAML", "U+0001"]),
    ("a: 1\n--- \nb: 2", 2, 1, ["single document"]),
])
def test_invalid_yaml_is_located(text, line, col, words):
    with pytest.raises(FrontMatterError) as exc:
        parse_yaml(text)
    assert (exc.value.line, exc.value.column) == (line, col), exc.value.message
    for w in words:
        assert w in exc.value.message


def test_other_keys_are_ignored_whatever_they_hold():
    data = parse_yaml("x: !!python/object:os.system [touch PWNED]\n"
                      "? [complex, key]\n: value\nderive:\n  constants: [c]\n")
    assert declarations(data).constants == ("c",)
    assert not Path("PWNED").exists()


def test_crlf_front_matter():
    text = "---\r\ntitle: x\r\nderive:\r\n  constants: [c]\r\n  bogus: 1\r\n---\r\n$$c = c$$\r\n"
    doc = read_document(text, "crlf.md")
    (err,) = doc.errors
    assert (err.line, err.column) == (5, 3) and "derive.bogus" in err.message
    doc = read_document(text.replace("  bogus: 1\r\n", ""), "crlf.md")
    assert doc.declarations.constants == ("c",) and not doc.errors
    assert [e.latex for e in doc.equations] == ["c = c"]


def test_markdown_it_and_yaml_are_imported_on_first_use_only():
    code = ("import sys, derive.reading.markdown, derive.reading.frontmatter, "
            "derive.reading.document\n"
            "assert 'markdown_it' not in sys.modules and 'yaml' not in sys.modules\n"
            "derive.reading.markdown.find_equations('plain prose, no display math')\n"
            "derive.reading.frontmatter.parse_yaml('')\n"
            "assert 'markdown_it' not in sys.modules and 'yaml' not in sys.modules\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)


def test_a_sidecar_error_names_the_declarations_file_line(tmp_path):
    path = write(tmp_path, "s.md", TRUE + "\n")
    write(tmp_path, "s.derive.yaml", "constants: [c]\nfunctions: {a: 1}\n")
    proc = run_cli(path)
    no_traceback(proc)
    assert proc.returncode == 2
    assert "line 2 of the declarations file" in proc.stderr


FRAGMENTS = ["Prose. ", "$$a = b$$", "$$", "\\[", "\\]", "\\\\[", "\\\\]", "$x = y$", "`$$c$$`",
             "```", "```math", "~~~", "<!-- ", " -->", "> ", "- ", "1. ", "    ", "\t", "\n",
             "\n\n", "\r\n", "\\begin{align}", "\\end{align}", "&= d", "\\\\", "# ", "e = f",
             "\\begin{aligned}", "\\end{aligned}", "<div>", "$", "\\$", "*", "[", "](u)", "\\"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_every_equation_lies_over_its_source(text):
    lines = text.count("\n") + 1
    for e in find_equations(text):
        assert 1 <= e.line <= lines
        assert 0 <= e.offset <= len(text)
        first, last = line_col(text, e.offset)[0], line_col(text, e.offset + len(e.text))[0]
        # at the opener (a fence: the line before its body), or (a row of an aligned
        # block) at the row's first character
        fence = e.delimiter == "```math" and e.line == first - 1
        assert fence or first <= e.line <= last, (e, text)
    exact(text)
    read_document(text, "fragments.md")
