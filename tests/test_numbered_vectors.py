"""Vectors numbered from 0 (reading/numbered.py): θ_0 written in an equation that writes
the vector θ makes θ run over 0..|θ| − 1 (|θ| entries, one included), and what θ equals in
size runs so too. Expected verdicts by hand: θ^T x = Σ_{k=0}^{|θ|−1} θ_k x_k."""

from __future__ import annotations

import pytest

import derive


def _links(text: str) -> list[str]:
    report = derive.check_text(text, jobs=1)
    return [lk.verdict.value for e in report.equations for lk in e.links]


@pytest.mark.parametrize(("text", "verdicts"), [
    # muyinanhai's h_θ = θ^T x = θ_0 + θ_1 x_1 + … θ_n x_n: true only with x_0 = 1 (prose)
    (r"$$h = \theta^T x = \theta_0 + \theta_1 x_1 + \cdots + \theta_n x_n$$", ["refuted"]),
    # only two entries written: false for |θ| = 3
    (r"$$\theta^T x = \theta_0 x_0 + \theta_1 x_1$$", ["refuted"]),
    # true for |θ| = 1 only (one entry, θ_0): refuted at |θ| = 2
    (r"$$\theta^T x = \theta_0 x_0$$", ["refuted"]),
    (r"$$u = \theta^T x + \theta_0 x_0$$" "\n\n"
     r"$$\frac{\partial u}{\partial \theta_0} = 2 x_0$$", ["proved"]),
    (r"$$u = \theta^T x + \theta_0 x_0$$" "\n\n"
     r"$$\frac{\partial u}{\partial \theta_0} = x_0$$", ["refuted"]),
])
def test_numbered_from_zero(text, verdicts):
    assert _links(text) == verdicts


def test_what_a_vector_numbered_from_0_multiplies_is_numbered_from_0_too():
    # x_0 is written only in a later scalar equation; x is of θ's size, which starts at 0
    text = (r"$$u = \theta^T x + \theta_0$$" "\n\n"
            r"$$\frac{\partial u}{\partial \theta_0} = x_0 + 1$$" "\n\n"
            r"$$\frac{\partial u}{\partial \theta_0} = x_0$$" "\n")
    assert _links(text) == ["proved", "refuted"]
    # with nothing numbered from 0 beside it, x_0 and a vector x from 1 stay refused
    report = derive.check_text(r"$$u = w^T x$$" "\n\n" r"$$v = x_0$$" "\n", jobs=1)
    assert "x_0 is written" in report.equations[0].error.message


def test_entry_0_written_only_in_another_section_reads_as_before():
    # β_0 of a scalar model elsewhere says nothing about the vector β of a later equation
    report = derive.check_text(r"$$y = \beta_0 + \beta_1 x$$" "\n\n"
                               r"$$u = \beta^T z$$" "\n\n" r"$$u = \sum_{k=1}^{n} \beta_k z_k$$"
                               "\n", jobs=1)
    assert not any("numbered from 0" in n for e in report.equations for n in e.notes)


def test_a_vector_numbered_from_0_against_one_read_from_1_is_a_shape_error():
    report = derive.check_text(r"$$\theta^T x = \theta_0 x_0 + \sum_{k=1}^{K} \theta_k x_k$$"
                               "\n\n" r"$$s = \theta^T y$$" "\n\n"
                               r"$$s = \sum_{k=1}^{K} \theta_k y_k$$" "\n", jobs=1)
    assert not any(lk.verdict.value == "proved" for lk in report.links)
