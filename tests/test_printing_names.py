"""Names in residuals, counterexamples and stand-in reasons print as the document writes them
(𝛉, ŷ, sigmoid(z)), never as the engine's sympy spelling (mathbf(theta), hat(y),
operatorname(sigmoid)@z)."""

from __future__ import annotations

import json

import pytest

import derive
from derive.engine.printing import shown_key, shown_name
from derive.reading.names import name_text


@pytest.mark.parametrize(("py", "shown"), [
    ("mathbf(theta)", "𝛉"), ("hat(y)", name_text("\\hat{y}")),
    ("operatorname(sigmoid)@z", "sigmoid(z)"),
    ("l@y,hat(y)", f"l(y, {name_text(chr(92) + 'hat{y}')})"),
    ("hat(mathbf(beta))", "𝛃̂"), ("x", "x"), ("sigma", "σ"),
])
def test_shown_name(py, shown):
    assert shown_name(py) == shown


def test_a_counterexample_key_keeps_plain_names_as_they_were():
    assert shown_key("sigma") == "sigma" and shown_key("mathbf(theta)") == "𝛉"


def test_no_sympy_spelling_reaches_the_report():
    text = (r"$$\frac{\partial}{\partial \boldsymbol{\theta}} \log P(X \mid \boldsymbol{\theta})"
            r" = \frac{\partial}{\partial \boldsymbol{\theta}} P(X \mid \boldsymbol{\theta})"
            r"$$" "\n\n"
            r"$$\log(\text{sigmoid}_k(\mathbf{z})) = z_k$$" "\n")
    report = derive.check_text(text, jobs=1)
    dumped = json.dumps(report.to_dict(), ensure_ascii=False)
    for spelling in ("mathbf(", "operatorname(", "@z"):
        assert spelling not in dumped, spelling
    assert all(lk.verdict.value != "proved" for e in report.equations for lk in e.links)
