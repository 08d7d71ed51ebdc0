"""How a document's structure bears on what its names mean.

- A book's parts (its # and ## headings) may use one letter two ways: plain x_n for one
  feature in a part on simple regression, bold 𝐱_n for the feature vectors in the next.
  How a bold family and its plain entries are written is read per part; within one part the
  two stay refused (one name or two?).
- A name written as a value in a claim is not defined by a later ``name = …`` (a book's
  "rearranging, we find that p̂_n = σ(β̂ᵀ𝐱_n)"): that equation is a claim about it, with a
  note, unless written with ``:=``. Steps after it are never proved "by definition".
"""

from __future__ import annotations

import derive


def _equations(text: str):
    return derive.check_text(text, jobs=1).equations


_SIMPLE = ("## Simple regression\n\n"
           "$$ r_n = y_n - b x_n $$\n\n"
           "$$ \\frac{\\partial r_n}{\\partial b} = - x_n $$\n\n")
_MULTIPLE = ("## Multiple regression\n\n"
             "$$ e_n = y_n - \\mathbf{w}^\\top \\mathbf{x}_n $$\n\n"
             "$$ \\frac{\\partial e_n}{\\partial \\mathbf{w}} = - \\mathbf{x}_n $$\n\n")


def test_a_letter_plain_in_one_part_and_bold_in_the_next_is_read_in_each():
    eqs = _equations(_SIMPLE + _MULTIPLE)
    assert [e.kind for e in eqs] == ["definition", "claim", "definition", "claim"], \
        [(e.kind, e.error) for e in eqs]
    assert eqs[1].links[0].verdict.value == "proved"
    assert eqs[3].links[0].verdict.value == "proved"


def test_a_false_step_in_either_part_is_still_refuted():
    wrong = _SIMPLE.replace("= - x_n", "= x_n") + _MULTIPLE.replace(
        "= - \\mathbf{x}_n", "= \\mathbf{x}_n")
    eqs = _equations(wrong)
    assert eqs[1].links[0].verdict.value == "refuted"
    assert eqs[3].links[0].verdict.value == "refuted"


def test_the_two_in_one_part_stay_refused():
    one_part = _SIMPLE + _MULTIPLE.replace("## Multiple regression", "### Multiple regression")
    eqs = _equations(one_part)
    assert any(e.kind == "error" and "written too" in e.error.message for e in eqs), \
        [(e.kind, e.error) for e in eqs]


_CLAIM_FIRST = ("$$ f(p_n) = \\log \\frac{p_n}{1 - p_n} = b x_n $$\n\n"
                "$$ p_n = \\frac{1}{1 + e^{-b x_n}} $$\n\n"
                "$$ \\frac{\\partial p_n}{\\partial b} = p_n (1 - p_n) x_n $$\n")


def test_a_name_claimed_about_is_not_defined_by_a_later_equation():
    eqs = _equations(_CLAIM_FIRST)
    assert eqs[1].kind == "claim"
    assert any("claim before" in n for n in eqs[1].notes), eqs[1].notes
    assert eqs[2].links[0].verdict.value != "proved"


def test_an_explicit_definition_after_a_claim_defines():
    eqs = _equations(_CLAIM_FIRST.replace("$$ p_n = ", "$$ p_n := "))
    assert eqs[1].kind == "definition"
    assert eqs[2].links[0].verdict.value == "proved"


# -- a written-out matrix that is skipped takes its entries with it, unless they are its own

_WRITTEN_OUT = ("$$ \\mathbf{y} = \\begin{bmatrix} y_1 \\\\ \\dots \\\\ y_N \\end{bmatrix}, "
                "\\hspace{1em} \\mathbf{X} = \\begin{bmatrix} \\mathbf{x}_1^\\top \\\\ \\dots "
                "\\\\ \\mathbf{x}_N^\\top \\end{bmatrix} $$\n\n")


def test_entries_of_a_skipped_matrix_of_other_vectors_are_unknown_later():
    # X's rows are the x_n: with that lost, a claim relating X to the x_n is not judged
    eqs = _equations(_WRITTEN_OUT + "$$ \\sum_{n=1}^N y_n \\mathbf{x}_n^\\top \\mathbf{w} "
                     "= \\mathbf{y}^\\top \\mathbf{X} \\mathbf{w} $$\n")
    assert eqs[0].kind == "skipped"
    link = eqs[1].links[0]
    assert link.verdict.value == "unknown" and "could not be read" in link.reason, link


def test_a_skipped_vector_of_its_own_entries_takes_nothing_away():
    eqs = _equations(_WRITTEN_OUT + "$$ \\mathbf{y}^\\top (2 \\mathbf{y}) = 2 \\sum_n y_n^2 $$\n")
    assert eqs[1].links[0].verdict.value == "proved"


def test_under_a_new_heading_a_name_claimed_about_before_may_be_defined():
    text = "## Example 1\n\n" + _CLAIM_FIRST.split("$$ p_n = ")[0] + \
        "## Example 2\n\n$$ p_n = \\frac{1}{1 + e^{-b x_n}} $$\n\n" \
        "$$ \\frac{\\partial p_n}{\\partial b} = p_n (1 - p_n) x_n $$\n"
    eqs = _equations(text)
    assert eqs[1].kind == "definition"
    assert eqs[2].links[0].verdict.value == "proved"
