"""Named operators derive knows without a definition (reading/builtins.py): sigmoid, softplus
and softmax's entries, read like a definition written where they are first used."""

from __future__ import annotations

import derive


def _verdicts(text: str) -> list[str]:
    return [lk.verdict.value for e in derive.check_text(text, jobs=1).equations
            for lk in e.links]


def test_sigmoid_and_softplus_are_built_in_and_wrong_steps_are_refuted():
    assert _verdicts("$$ y = \\operatorname{sigmoid}(x) $$\n\n"
                     "$$ \\frac{dy}{dx} = y (1 - y) $$\n\n"
                     "$$ \\frac{dy}{dx} = y (1 + y) $$\n") == ["proved", "refuted"]
    assert _verdicts("$$ \\mathrm{softplus}'(x) = \\mathrm{sigmoid}(x) $$\n\n"
                     "$$ \\text{softplus}'(x) = \\text{sigmoid}(-x) $$\n") == [
        "proved", "refuted"]


def test_softmax_entries_are_built_in_for_the_family_they_are_applied_to():
    text = ("$$ p_i = \\operatorname{softmax}(z)_i $$\n\n"
            "$$ \\frac{\\partial p_i}{\\partial z_j} = p_i (1\\{i = j\\} - p_j) $$\n\n"
            "$$ \\frac{\\partial p_i}{\\partial z_j} = p_i (1\\{i = j\\} + p_j) $$\n")
    assert _verdicts(text) == ["proved", "refuted"]
    report = derive.check_text(text, jobs=1)
    assert "softmax(z) is built in" in " ".join(report.equations[0].notes)


def test_a_documents_own_definition_wins():
    # the document defines sigmoid as something else: its definition is the one read
    assert _verdicts("$$ \\operatorname{sigmoid}(u) = 2 u $$\n\n"
                     "$$ \\operatorname{sigmoid}'(x) = 2 $$\n") == ["proved"]


def test_a_built_in_reads_the_definitions_in_force_where_it_is_first_used():
    # z = 2w before the first use: softmax(z) depends on w; z defined only after: undetermined
    ranged = "$$ S = \\sum_{j=1}^{K} z_j $$\n\n"
    before = _verdicts(ranged + "$$ z_i = 2 w_i $$\n\n$$ p_i = \\operatorname{softmax}(z)_i $$"
                       "\n\n$$ \\frac{\\partial p_i}{\\partial w_i} = 0 $$\n")
    after = _verdicts(ranged + "$$ p_i = \\operatorname{softmax}(z)_i $$\n\n$$ z_i = 2 w_i $$"
                      "\n\n$$ \\frac{\\partial p_i}{\\partial w_i} = 0 $$\n")
    assert before == ["refuted"] and after == ["unknown"]


def test_a_built_in_that_cannot_be_read_here_says_so():
    eqs = derive.check_text("$$ z_i = 2 w_i $$\n\n$$ p_i = \\operatorname{softmax}(z)_i $$\n",
                            jobs=1).equations
    assert eqs[1].kind == "error" and "softmax(z) is built in" in eqs[1].error.message
