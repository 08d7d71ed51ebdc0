"""A document's own macros (reading/macros.py): read where they are used, never guessed."""

from __future__ import annotations

import derive

MACROS = ("$$\n\\newcommand{\\sumN}{\\sum_{n = 1}^N}\n"
          "\\newcommand{\\dadb}[2]{\\frac{\\partial #1}{\\partial #2}}\n"
          "\\def\\half{\\frac{1}{2}}\n\\DeclareMathOperator{\\sgm}{sigmoid}\n$$\n\n")


def _eqs(body: str):
    return derive.check_text(MACROS + body, jobs=1).equations


def test_macros_are_read_where_they_are_used():
    eqs = _eqs("$$ L = \\half \\sumN (y_n - w x_n)^2 $$\n\n"
               "$$ \\dadb{L}{w} = -\\sumN (y_n - w x_n) x_n $$\n\n"
               "$$ \\dadb{L}{w} = \\sumN (y_n - w x_n) x_n $$\n\n"
               "$$ \\frac{d}{du} \\sgm(u) = \\sgm(u) (1 - \\sgm(u)) $$\n")
    assert eqs[0].kind == "skipped" and "defines macros" in eqs[0].notes[0]
    assert eqs[1].kind == "definition"
    assert [e.links[0].verdict.value for e in eqs[2:]] == ["proved", "refuted", "proved"]


def test_what_a_macro_cannot_say_plainly_is_refused_at_its_use():
    text = ("$$\n\\newcommand{\\ab}{ab}\n\\renewcommand{\\log}{\\ln}\n"
            "\\newcommand{\\loop}{\\loop}\n\\newcommand{\\two}[2]{#1 + #2}\n$$\n\n"
            "$$ y = \\ab $$\n\n$$ y = \\log x $$\n\n$$ y = \\loop $$\n\n$$ y = \\two{a} $$\n")
    eqs = derive.check_text(text, jobs=1).equations
    messages = [e.error.message for e in eqs[1:]]
    assert "letters together" in messages[0]  # a·b, or the name ab? never guessed
    assert "redefines \\log" in messages[1]
    assert "nested more than" in messages[2]
    assert "takes 2 argument" in messages[3]
    assert all(e.error.column > 1 for e in eqs[1:])  # located at the use


def test_macros_belong_to_their_document():
    derive.check_text(MACROS, jobs=1)
    eqs = derive.check_text("$$ y = \\sumN x_n $$\n", jobs=1).equations
    assert eqs[0].kind == "error" and "unknown macro \\sumN" in eqs[0].error.message


def test_a_macro_bomb_is_refused_quickly():
    bomb = "".join(f"\\newcommand{{\\m{c}}}{{\\m{chr(ord(c) + 1)}" * 1 + f"\\m{chr(ord(c) + 1)}" * 9
                   + "}\n" for c in "abcdefg") + "\\newcommand{\\mh}{x}\n"
    eqs = derive.check_text(f"$$\n{bomb}$$\n\n$$ y = \\ma $$\n", jobs=1).equations
    assert eqs[-1].kind == "error" and "too long" in eqs[-1].error.message
