"""The independent numeric gradient check (finite differences, numpy, no sympy)."""

from __future__ import annotations

import pytest

np = pytest.importorskip("numpy")

from derive.engine.gradcheck import gradient_check, loss, softmax  # noqa: E402


@pytest.mark.parametrize("K", [2, 10, 1000, 10_000])
def test_softmax_cross_entropy_gradient_is_y_minus_t(K):
    r = gradient_check(K, seed=1)
    assert r["ok"], r
    assert r["max_abs_error"] < 1e-6


@pytest.mark.parametrize("method", ["hoisted", "direct"])
def test_both_methods_agree(method):
    assert gradient_check(300, seed=2, method=method)["ok"]


def test_a_wrong_gradient_is_caught():
    def wrong(z, t):  # the post's erratum: Σ_k y_i instead of Σ_k t_k y_i
        return len(z) * softmax(z) - t

    r = gradient_check(50, seed=3, gradient=wrong)
    assert not r["ok"] and r["max_abs_error"] > 1e-3


def test_loss_is_stable_for_large_logits():
    z = np.array([1000.0, 0.0, -1000.0])
    t = np.array([1.0, 0.0, 0.0])
    assert np.isfinite(loss(z, t)) and loss(z, t) == pytest.approx(0.0, abs=1e-12)
