"""Notation as people write it (issue #17): each construct read as meant, or refused with a
message that says how to write it — never silently misread."""

from __future__ import annotations

import derive

SOFTMAX = r"$$p_i = \frac{e^{a_i}}{\sum_{k=1}^{N} e^{a_k}}$$" "\n\n"


def _verdicts(text: str) -> list[str]:
    report = derive.check_text(text, jobs=1)
    return [e.error.message if e.kind == "error" else
            ",".join(lk.verdict.value for lk in e.links) for e in report.equations]


def test_cases_are_read_as_the_two_cases_of_a_condition():
    body = SOFTMAX + "\n\n".join([
        r"$$\frac{\partial p_i}{\partial a_j} = \begin{cases} p_i(1 - p_j) & i = j \\"
        r" -p_j p_i & i \neq j \end{cases}$$",
        r"$$\frac{\partial p_i}{\partial a_j} = \begin{cases} p_i(1 - p_i) & \text{if } i = j \\"
        r" -p_i p_j & \text{otherwise} \end{cases}$$",
        r"$$\frac{\partial p_i}{\partial a_j} = \begin{cases} p_i & i = j \\"
        r" -p_j p_i & i \neq j \end{cases}$$",  # false where i = j
    ])
    assert _verdicts(body)[1:] == ["proved", "proved", "refuted"]


def test_a_case_that_is_neither_exhaustive_nor_disjoint_is_refused():
    (msg,) = _verdicts(r"$$f = \begin{cases} 1 & i = j \\ 0 & i = k \end{cases}$$")
    assert "a = b and a ≠ b" in msg


def test_a_side_condition_is_the_stated_case():
    body = SOFTMAX + "\n\n".join([
        r"$$\frac{\partial p_i}{\partial a_j} = -p_j p_i \quad \text{if } i \neq j$$",
        r"$$\frac{\partial p_i}{\partial a_j} = p_i (1 - p_j), \; i = j$$",
        r"$$\frac{\partial p_i}{\partial a_j} = p_i (1 - p_j) \quad i \neq j$$",
    ])
    report = derive.check_text(body, jobs=1)
    assert [lk.verdict.value for lk in report.links] == ["proved", "proved", "refuted"]
    assert [c.text for c in report.equations[1].cases] == ["i ≠ j"]


def test_an_equation_beside_another_is_no_case_and_no_product():
    """a = b \\quad b = 2 once read "b = 2" as a case (b is no index) and dropped it from the
    definition; Σ z = 1 \\quad Σ z = 2 was one chain through the product 1·Σ z, its first link
    "proved". Each is two equations; a case beside an equation needs an index."""
    body = "\n\n".join([
        r"$$a = b \quad b = 2$$",
        r"$$a = 3$$",
        r"$$\sum_{k=1}^K z_k = 1 \quad \sum_{k=1}^K z_k = 2$$",
        r"$$y_k = 1 \quad k = 1$$",
    ])
    report = derive.check_text(body, jobs=1)
    kinds = [(e.index, e.kind, e.defines) for e in report.equations]
    assert kinds[:2] == [(1, "definition", "a"), (1, "definition", "b")]
    assert [lk.verdict.value for lk in report.equations[2].links] == ["refuted"]  # a = 2
    assert [(e.index, e.row) for e in report.equations[3:5]] == [(3, 1), (3, 2)]
    assert all(len(e.links) == 1 and e.links[0].verdict.value == "refuted"
               for e in report.equations[3:5])
    assert "would be read for every index" in report.equations[5].error.message  # k: a case


def test_names_that_are_words_and_named_functions():
    body = "\n\n".join([
        r"$$\text{MSE} = \frac{1}{2} (a - b)^2$$",
        r"$$\frac{\partial \text{MSE}}{\partial a} = a - b$$",
        r"$$\operatorname{sigmoid}(u) = \frac{1}{1 + e^{-u}}$$",
        r"$$\frac{d}{du} \operatorname{sigmoid}(u) = \operatorname{sigmoid}(u)"
        r"(1 - \operatorname{sigmoid}(u))$$",
        r"$$\operatorname{tanh}(x) = \tanh x$$",
        r"$$\mathrm{softmax}(z) + 1 = 2$$",  # applied but never defined: never a product
        r"$$a = \text{ if } b$$",  # prose inside a display
    ])
    got = _verdicts(body)
    assert got[1] == "proved" and got[3] == "proved" and got[4] == "proved"
    assert got[5] == "unknown"  # false for some function of z, but softmax has no definition
    eq = derive.check_text(body, jobs=1).equations[5]
    assert any("unknown function" in n for n in eq.notes)
    assert "words inside math" in got[6]


def test_powers_written_on_a_function_name():
    got = _verdicts(r"$$\tanh^2 x + \frac{1}{\cosh^2 x} = 1 + \frac{1}{(\cosh x)^{2}}"
                    r" - \frac{1}{(\cosh x)^{2}} + (\tanh x)^2 - 1 + \frac{1}{(\cosh x)^2}$$"
                    "\n\n" r"$$\sin^{-1} x = x$$" "\n\n" r"$$\log^2 x = (\log x)^2$$")
    assert got[0] == "proved" and got[2] == "proved"
    assert "no power" in got[1]  # sin^{-1} is the inverse function: refused, not a power


def test_a_display_continues_the_chain_of_the_one_before():
    got = _verdicts("$$c = (a + b)^2 =$$\n\n$$= a^2 + 2 a b + b^2$$\n\n$$= (b + a)^2$$\n\n"
                    "$$a + b \\\\\n = b + a \\\\\n = b + a + 1$$\n")
    assert got == ["", "proved", "proved", "proved,refuted"]


def test_a_bare_sum_over_a_family_without_a_range_holds_for_every_size():
    report = derive.check_text(
        r"$$p_j = \frac{e^{o_j}}{\sum_k e^{o_k}}$$" "\n\n" r"$$\sum_j p_j = 1$$" "\n\n"
        r"$$\sum_j p_j = 2 p_1$$", jobs=1)
    assert [lk.verdict.value for lk in report.links] == ["proved", "refuted"]
    assert any("runs over all of o" in n for e in report.equations for n in e.notes)


def test_a_written_differential_is_refused_not_multiplied():
    (msg,) = _verdicts(r"$$d(\frac{u}{v}) = \frac{du \cdot v - dv \cdot u}{v^2}$$")
    assert "differential" in msg


def test_a_sum_that_leaves_an_index_out():
    body = SOFTMAX + "\n\n".join([r"$$\sum_{k \neq i} p_k = 1 - p_i$$",
                                  r"$$\sum_{k=1, k \ne i}^{N} p_k p_i = p_i - p_i^2$$",
                                  r"$$\sum_{k \neq i} p_k = 1$$"])
    assert _verdicts(body)[1:] == ["proved", "proved", "refuted"]
