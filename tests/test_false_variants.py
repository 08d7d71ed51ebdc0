"""Hand-made false variants of true links must be refuted (the checker rejects, not only accepts)."""

from __future__ import annotations

import pytest

import derive

PREAMBLE = r"""
$$y_i(z_i) = \frac{e^{z_i}}{\sum_{k=1}^K e^{z_k}}$$

$$C = -\sum_{k=1}^K t_k \log y_k$$
"""

APPENDIX = r"""
$$y_k = \frac{e^{z_k}}{\sum_{j=1}^J e^{z_j}}$$
"""

# (name, preamble, wrong equation): each must have exactly one link, refuted.
VARIANTS = [
    ("3.1 sign", PREAMBLE, r"\frac{\partial C}{\partial z_i} = \sum_{k=1}^K t_k \frac{\partial \log y_k}{\partial z_i}"),
    ("4.2 no 1/y", PREAMBLE, r"-\sum_{k=1}^K t_k \frac{\partial \log y_k}{\partial y_k} \frac{\partial y_k}{\partial z_i} = -\sum_{k=1}^K t_k y_k \frac{\partial y_k}{\partial z_i}"),
    ("5.1 wrong factor", PREAMBLE, r"\frac{\partial y_k}{\partial z_i} = y_i (1\{k = i\} - y_i)"),
    ("5.1 plus", PREAMBLE, r"\frac{\partial y_k}{\partial z_i} = y_k (1\{k = i\} + y_i)"),
    ("6.2 lost t", PREAMBLE, r"-\sum_{k=1}^K \frac{t_k}{y_k} y_k (1\{k = i\} - y_i) = -\sum_{k=1}^K (1\{k = i\} - y_i)"),
    ("7.3 kept sum", PREAMBLE, r"-\sum_{k=1}^K t_k 1\{k = i\} + \sum_{k=1}^K t_k y_i = -t_k + y_i"),
    ("7.4 sign", PREAMBLE, r"-t_i + y_i = t_i - y_i"),
    ("gradient doubled", PREAMBLE, r"\frac{\partial C}{\partial z_i} = 2 (y_i - t_i)"),
    ("9.1 no minus", APPENDIX, r"\frac{\partial y_{k=i}}{\partial z_i} = \frac{e^{z_{k=i}} \sum e^{z_j} + e^{z_{k=i}}e^{z_i}}{(\sum e^{z_j})^2}"),
    ("9.4 square", APPENDIX, r"y_{k=i} (1 - \frac{e^{z_i}}{\sum e^{z_j}}) = y_{k=i}(1 - y_i^2)"),
    ("10.2 sign", APPENDIX, r"{0\sum e^{z_j} - e^{z_{k \not= i}}e^{z_i} \over (\sum {e^{z_j}})^2} = {e^{z_{k \not= i}}e^{z_i} \over (\sum {e^{z_j}})^2}"),
    ("10.4 wrong power", APPENDIX, r"- \frac{e^{z_{k \not= i}}}{\sum {e^{z_j}}} \frac{e^{z_i}}{(\sum {e^{z_j}})^2} = - y_{k \not= i} y_i"),
    ("11.1 no indicator", APPENDIX, r"\frac{\partial y_k}{\partial z_i} = - y_k y_i"),
    ("sum limit shifted", PREAMBLE, r"\sum_{k=1}^K t_k 1\{k = i\} = \sum_{k=2}^K t_k 1\{k = i\}"),
]


@pytest.mark.parametrize("name,preamble,wrong", VARIANTS, ids=[v[0] for v in VARIANTS])
def test_false_variant_is_not_proved(name, preamble, wrong):
    report = derive.check_text(preamble + "\n$$" + wrong + "$$\n", "variant.md")
    eq = report.equations[-1]
    assert eq.kind == "claim", eq.error
    (lk,) = eq.links
    assert lk.verdict.value != "proved"
    if name == "11.1 no indicator":  # true only when k ≠ i: refuted, with that note
        assert lk.verdict.value == "refuted" and not lk.needs
        assert lk.reason in ("holds when i ≠ k", "holds when k ≠ i")
        assert lk.counterexample.indices["i"] == lk.counterexample.indices["k"]
    elif name == "5.1 wrong factor":  # true only when k = i
        assert lk.verdict.value == "refuted" and not lk.needs
        assert lk.reason in ("holds when i = k", "holds when k = i")
        assert lk.counterexample.indices["i"] != lk.counterexample.indices["k"]
    elif name == "sum limit shifted":
        # wrong only when i = 1; nothing gives i a range, so it holds if 2 ≤ i ≤ K
        assert lk.verdict.value == "conditional"
        assert [a.text for a in lk.needs] == ["2 ≤ i ≤ K"] and not lk.needs[0].stated
    else:
        assert lk.verdict.value == "refuted", (lk.verdict, lk.reason)
        assert lk.counterexample is not None
        assert lk.counterexample.lhs != pytest.approx(lk.counterexample.rhs)


def test_a_true_identity_that_looks_swapped_is_proved():
    # y_k(δ_ki − y_i) = y_i(δ_ki − y_k) holds: it needs the split into k = i and k ≠ i
    report = derive.check_text(
        PREAMBLE + r"$$y_k (1\{k = i\} - y_i) = y_i (1\{k = i\} - y_k)$$", "swap.md")
    assert report.equations[-1].links[0].verdict.value == "proved"
