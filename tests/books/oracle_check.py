#!/usr/bin/env python3
"""Independent numeric oracle for the book corpus (tests/books, issue #19).

This script does NOT import derive. Every link with a stored expectation in
tests/books/<book>/<chapter>.expect.json has its two sides written here by hand as numpy
functions ``f(rng, assume) -> (lhs, rhs)``: ``rng`` draws sizes (examples, features,
classes between 1 and 8), values of both signs, probabilities, one-hot labels; ``assume``
imposes the assumption the expectation names (``needs: …``) and is ignored by links that
need none. Derivatives are central finite differences, vectors and matrices get random
shapes.

A link is ``true`` when both sides agree (relative error < 1e-6) at every one of the
TRIALS points drawn without the assumption, ``needs`` when they disagree somewhere but agree
at every point drawn with it, else ``false``.

    python tests/books/oracle_check.py            # table; exit 1 on any disagreement
    python tests/books/oracle_check.py --write    # also rewrite the "numeric:" part of each "how"
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TOL = 1e-6
H = 1e-6
TRIALS = 40
LINKS: dict = {}


def link(chapter, display, position):
    def put(f):
        LINKS[(chapter, display, position)] = f
        return f
    return put


# ----------------------------------------------------------------- helpers
def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def smax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def lse(z):
    m = np.max(z)
    return float(m + np.log(np.exp(z - m).sum()))


def d1(f, x):
    return (f(x + H) - f(x - H)) / (2 * H)


def grad(f, v):
    """d f / d v, entry by entry, for a vector or matrix v (same shape as v, or f's shape + v's)."""
    v = np.array(v, dtype=float)
    out = []
    for k in np.ndindex(v.shape):
        vp, vm = v.copy(), v.copy()
        vp[k] += H
        vm[k] -= H
        out.append((np.asarray(f(vp)) - np.asarray(f(vm))) / (2 * H))
    res = np.array(out)
    return res.reshape(v.shape + res.shape[1:])


def rel(a, b):
    a = np.atleast_1d(np.asarray(a, dtype=float))
    b = np.atleast_1d(np.asarray(b, dtype=float))
    scale = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return float(np.max(np.abs(a - b) / scale))


def onehot(r, n, k):
    y = np.zeros((n, k))
    y[np.arange(n), r.integers(0, k, n)] = 1.0
    return y


def simplex(r, k):
    return r.dirichlet(np.ones(k))


# ------------------------------------------- d2l: maximum likelihood
ML = "d2l/maximum-likelihood"


def coin(r, a=False, counts=False):
    nH, nT = int(r.integers(0, 15)), int(r.integers(0, 15))
    if counts:
        nH, nT = 9, 4
    return nH, nT, float(r.uniform(0.02, 0.98))


@link(ML, 5, 1)
def _ml5(r, a):
    nH, nT, t = coin(r, counts=a)
    return t**nH * (1 - t)**nT, t**9 * (1 - t)**4


@link(ML, 6, 1)
def _ml6a(r, a):
    nH, nT, t = coin(r)
    if a:
        nH, nT = int(r.integers(1, 15)), int(r.integers(1, 15))
        t = nH / (nH + nT)
    return 0.0, d1(lambda s: s**nH * (1 - s)**nT, t)


@link(ML, 6, 2)
def _ml6b(r, a):
    nH, nT, t = coin(r, counts=a)
    return d1(lambda s: s**nH * (1 - s)**nT, t), d1(lambda s: s**9 * (1 - s)**4, t)


@link(ML, 6, 3)
def _ml6c(r, a):
    t = r.normal(0, 1.5)
    return d1(lambda s: s**9 * (1 - s)**4, t), 9 * t**8 * (1 - t)**4 - 4 * t**9 * (1 - t)**3


@link(ML, 6, 4)
def _ml6d(r, a):
    t = r.normal(0, 1.5)
    return 9 * t**8 * (1 - t)**4 - 4 * t**9 * (1 - t)**3, t**8 * (1 - t)**3 * (9 - 13 * t)


@link(ML, 7, 1)
def _ml7(r, a):
    n = int(10 ** r.integers(1, 6))
    return -math.log(2**n), n * math.log(1 / 2)  # log((1/2)^n) from the exact integer 2^n


@link(ML, 9, 1)
def _ml9a(r, a):
    nH, nT, t = coin(r)
    return -math.log(t**nH * (1 - t)**nT), -math.log(t**nH * (1 - t)**nT)


@link(ML, 9, 2)
def _ml9b(r, a):
    nH, nT, t = coin(r)
    return -math.log(t**nH * (1 - t)**nT), -(nH * math.log(t) + nT * math.log(1 - t))


def factors(r, a):
    """p_i(θ) (display 10) and P_i(θ) (displays 11-13): the same functions when a."""
    n = int(r.integers(1, 7))
    A, B = r.normal(0, 1, n), r.normal(0, 1, n)
    C, D = (A, B) if a else (r.normal(0, 1, n), r.normal(0, 1, n))
    return (lambda t: sig(A * t + B)), (lambda t: sig(C * t + D)), float(r.normal(0, 1.5))


@link(ML, 11, 1)
def _ml11(r, a):
    p, P, t = factors(r, a)
    dP = d1(P, t)
    rhs = sum(dP[i] * np.prod(np.delete(P(t), i)) for i in range(len(P(t))))
    return d1(lambda s: np.prod(p(s)), t), rhs


@link(ML, 12, 1)
def _ml12(r, a):
    p, P, t = factors(r, a)
    return -math.log(np.prod(p(t))), -np.sum(np.log(P(t)))


@link(ML, 13, 1)
def _ml13(r, a):
    p, P, t = factors(r, a)
    return -d1(lambda s: math.log(np.prod(p(s))), t), float(np.sum(d1(P, t) / P(t)))


@link(ML, 15, 1)
def _ml15a(r, a):
    p, _, t = factors(r, True)
    whole = np.prod(p(t)) if a else float(sig(r.normal(0, 2)))
    return -math.log(whole), -np.sum(np.log(p(t)))


@link(ML, 15, 2)
def _ml15b(r, a):
    p, _, t = factors(r, True)
    written = 0.0
    for v in p(t):  # -log p_1 - log p_2 ⋯ - log p_n, term by term
        written -= math.log(v)
    return written, -float(np.sum(np.log(p(t))))


# ----------------------------------------- d2l: softmax regression loss
SR = "d2l/softmax-regression-loss"


@link(SR, 2, 1)
def _sr2a(r, a):
    P = r.uniform(0.05, 0.95, int(r.integers(1, 8)))
    return -math.log(np.prod(P)), float(np.sum(-np.log(P)))


@link(SR, 2, 2)
def _sr2b(r, a):
    n, q = int(r.integers(1, 8)), int(r.integers(2, 7))
    y = onehot(r, n, q)
    yh = np.array([simplex(r, q) for _ in range(n)])
    P = np.prod(yh**y, axis=1) if a else r.uniform(0.05, 0.95, n)
    return float(np.sum(-np.log(P))), float(np.sum(-np.sum(y * np.log(yh), axis=1)))


def sm_env(r, a_hat=False, a_sum=False):
    q = int(r.integers(2, 8))
    o = r.normal(0, 2, q)
    y = simplex(r, q) if a_sum else r.normal(0, 1.5, q)
    yh = smax(o) if a_hat else simplex(r, q)
    return o, y, yh


@link(SR, 4, 1)
def _sr4a(r, a):
    o, y, yh = sm_env(r, a_hat=a)
    return -np.sum(y * np.log(yh)), -np.sum(y * np.log(np.exp(o) / np.exp(o).sum()))


@link(SR, 4, 2)
def _sr4b(r, a):
    o, y, _ = sm_env(r)
    S = np.exp(o).sum()
    return -np.sum(y * np.log(np.exp(o) / S)), np.sum(y * np.log(S)) - np.sum(y * o)


@link(SR, 4, 3)
def _sr4c(r, a):
    o, y, _ = sm_env(r, a_sum=a)
    return np.sum(y * lse(o)) - np.sum(y * o), lse(o) - np.sum(y * o)


@link(SR, 5, 1)
def _sr5a(r, a):
    o, y, yh = sm_env(r, a_hat=a, a_sum=a)
    j = int(r.integers(len(o)))
    loss = (lambda v: -np.sum(y * np.log(smax(v)))) if a else (lambda v: -np.sum(y * np.log(yh)))
    return grad(loss, o)[j], np.exp(o[j]) / np.exp(o).sum() - y[j]


@link(SR, 5, 2)
def _sr5b(r, a):
    o, y, _ = sm_env(r)
    j = int(r.integers(len(o)))
    return np.exp(o[j]) / np.exp(o).sum() - y[j], smax(o)[j] - y[j]


# ----------------------------------- d2l: information theory, cross-entropy
IT = "d2l/information-theory-cross-entropy"


def bern(r):
    n = int(r.integers(1, 8))
    return r.uniform(0.02, 0.98, n), r.integers(0, 2, n).astype(float)


@link(IT, 1, 2)
def _it1b(r, a):
    pi, y = bern(r)
    prod = np.prod(pi**y * (1 - pi)**(1 - y))
    return math.log(prod if a else r.uniform(0.01, 1.0)), math.log(prod)


@link(IT, 1, 3)
def _it1c(r, a):
    pi, _ = bern(r)
    y = r.normal(0.5, 1.0, len(pi))  # the identity holds for real y too
    lhs = math.log(np.prod(pi**y * (1 - pi)**(1 - y)))
    return lhs, float(np.sum(y * np.log(pi) + (1 - y) * np.log(1 - pi)))


@link(IT, 3, 1)
def _it3(r, a):
    k = int(r.integers(1, 8))
    p, q = simplex(r, k), simplex(r, k)
    ce = -np.sum(p * np.log(q))
    if a:
        H_, kl = -np.sum(p * np.log(p)), np.sum(p * np.log(p / q))
    else:
        H_, kl = r.normal(0, 2), r.normal(0, 2)
    return ce, H_ + kl


@link(IT, 7, 3)
def _it7(r, a):
    k = int(r.integers(1, 8))
    p = simplex(r, k) if a else r.uniform(0.01, 1.0, k)
    return float(np.sum(p)), 1.0


def multi(r):
    n, k = int(r.integers(1, 8)), int(r.integers(2, 7))
    return onehot(r, n, k), simplex(r, k)


@link(IT, 9, 2)
def _it9b(r, a):
    y, pi = multi(r)
    prod = np.prod([np.prod(pi**yi) for yi in y])
    return math.log(prod if a else r.uniform(0.01, 1.0)), math.log(prod)


@link(IT, 9, 3)
def _it9c(r, a):
    y, pi = multi(r)
    vec_power = [np.prod(pi**yi) for yi in y]  # display 8: p^z = Π_j p_j^{z_j}
    return math.log(np.prod(vec_power)), math.log(np.prod(pi[None, :]**y))


@link(IT, 9, 4)
def _it9d(r, a):
    y, pi = multi(r)
    return math.log(np.prod(pi[None, :]**y)), float(np.sum(y * np.log(pi)[None, :]))


# ------------------------------- d2l: linear regression, normal distribution
LR = "d2l/linear-regression-normal"


@link(LR, 5, 1)
def _lr5(r, a):
    n, d = int(r.integers(1, 8)), int(r.integers(1, 5))
    X, w, b, s = r.normal(0, 1, (n, d)), r.normal(0, 1, d), r.normal(), r.uniform(0.5, 2.0)
    y = r.normal(0, 2, n)
    res = y - X @ w - b
    dens = np.exp(-res**2 / (2 * s**2)) / np.sqrt(2 * np.pi * s**2)
    p = dens if a else r.uniform(0.01, 1.0, n)
    rhs = np.sum(0.5 * np.log(2 * np.pi * s**2) + res**2 / (2 * s**2))
    return -math.log(np.prod(p)), float(rhs)


# ---------------------------------------------- cs231n: backprop intuitions
BP = "cs231n/backprop-intuitions"


def xy(r):
    return float(r.normal(0, 2)), float(r.normal(0, 2))


@link(BP, 1, 2)
def _bp1b(r, a):
    x, y = xy(r)
    return d1(lambda s: s * y, x), y


@link(BP, 1, 3)
def _bp1c(r, a):
    x, y = xy(r)
    return d1(lambda s: x * s, y), x


@link(BP, 2, 1)
def _bp2(r, a):
    x = float(r.normal(0, 1.5))
    cubic = (lambda t: t**3 - 2 * t, lambda t: 3 * t**2 - 2)
    f, df = [(np.sin, np.cos), (np.exp, np.exp), cubic][int(r.integers(3))]
    h = 1e-8  # the quotient at a small h stands for the limit
    return df(x), (f(x + h) - f(x)) / h


@link(BP, 3, 2)
def _bp3b(r, a):
    x, y = xy(r)
    return d1(lambda s: s + y, x), 1.0


@link(BP, 3, 3)
def _bp3c(r, a):
    x, y = xy(r)
    return d1(lambda s: x + s, y), 1.0


def maxpair(r, a):
    x, y = xy(r)
    if not a and r.random() < 0.3:
        y = x
    return x, y


@link(BP, 4, 2)
def _bp4b(r, a):
    x, y = maxpair(r, a)
    return d1(lambda s: max(s, y), x), float(x >= y)


@link(BP, 4, 3)
def _bp4c(r, a):
    x, y = maxpair(r, a)
    return d1(lambda s: max(x, s), y), float(y >= x)


def nonzero(r):
    x = float(r.normal(0, 2))
    return x if abs(x) > 0.2 else 0.2 + abs(x)


@link(BP, 6, 2)
def _bp6b(r, a):
    x = nonzero(r)
    return d1(lambda s: 1 / s, x), -1 / x**2


@link(BP, 6, 4)
def _bp6d(r, a):
    x, c = nonzero(r), float(r.normal(0, 2))
    f = (lambda s: c + s) if a else (lambda s: 1 / s)
    return d1(f, x), 1.0


@link(BP, 6, 6)
def _bp6f(r, a):
    x = float(r.normal(0, 2))
    return d1(np.exp, x), np.exp(x)


@link(BP, 6, 8)
def _bp6h(r, a):
    x, c = float(r.normal(0, 2)), float(r.normal(0, 2))
    f = (lambda s: c * s) if a else np.exp
    return d1(f, x), c


@link(BP, 7, 2)
def _bp7b(r, a):
    x = float(r.normal(0, 3))
    return d1(sig, x), np.exp(-x) / (1 + np.exp(-x))**2


@link(BP, 7, 3)
def _bp7c(r, a):
    x = float(r.normal(0, 3))
    e = np.exp(-x)
    return e / (1 + e)**2, ((1 + e - 1) / (1 + e)) * (1 / (1 + e))


@link(BP, 7, 4)
def _bp7d(r, a):
    x = float(r.normal(0, 3))
    e = np.exp(-x)
    return ((1 + e - 1) / (1 + e)) * (1 / (1 + e)), (1 - sig(x)) * sig(x)


# --------------------------------------------- cs231n: softmax case study
CS = "cs231n/case-study-softmax"


@link(CS, 3, 2)
def _cs3(r, a):
    f = r.normal(0, 2, int(r.integers(1, 8)))
    yi = int(r.integers(len(f)))
    return -math.log(np.exp(f[yi]) / np.exp(f).sum()), -math.log(smax(f)[yi])


@link(CS, 4, 1)
def _cs4(r, a):
    f = r.normal(0, 2, int(r.integers(1, 8)))
    yi = int(r.integers(len(f)))
    k = yi if r.random() < 0.5 else int(r.integers(len(f)))
    Li = lambda v: -math.log(np.exp(v[yi]) / np.exp(v).sum())  # noqa: E731
    return grad(Li, f)[k], smax(f)[k] - float(yi == k)


# ------------------------------------- d2l: single variable calculus, rules
SV = "d2l/single-variable-calculus-rules"


def smooth(r):
    """a random smooth, non-affine function of one variable"""
    a, b, c, d = r.normal(0, 1, 4)
    return lambda t: a * np.sin(b * t + d) + c * t**2


def rules(r, a, combine):
    g, h = smooth(r), smooth(r)
    f = combine(g, h) if a else smooth(r)
    return f, g, h, float(r.normal(0, 1.5)), float(r.normal(0, 1.0))


def plus(g, h):
    return lambda t: g(t) + h(t)


def times(g, h):
    return lambda t: g(t) * h(t)


def compose(g, h):
    return lambda t: g(h(t))


@link(SV, 1, 1)
def _sv1a(r, a):
    f, g, h, x, e = rules(r, a, plus)
    return f(x + e), g(x + e) + h(x + e)


@link(SV, 1, 2)
def _sv1b(r, a):
    f, g, h, x, e = rules(r, a, plus)
    dg, dh = d1(g, x), d1(h, x)
    return g(x) + e * dg + h(x) + e * dh, g(x) + h(x) + e * (dg + dh)


@link(SV, 1, 3)
def _sv1c(r, a):
    f, g, h, x, e = rules(r, a, plus)
    dg, dh = d1(g, x), d1(h, x)
    return g(x) + h(x) + e * (dg + dh), f(x) + e * (dg + dh)


@link(SV, 2, 1)
def _sv2a(r, a):
    f, g, h, x, e = rules(r, a, times)
    return f(x + e), g(x + e) * h(x + e)


@link(SV, 2, 2)
def _sv2b(r, a):
    f, g, h, x, e = rules(r, a, times)
    dg, dh = d1(g, x), d1(h, x)
    rhs = g(x) * h(x) + e * (g(x) * dh + dg * h(x)) + e**2 * dg * dh
    return (g(x) + e * dg) * (h(x) + e * dh), rhs


@link(SV, 2, 3)
def _sv2c(r, a):
    f, g, h, x, e = rules(r, a, times)
    dg, dh = d1(g, x), d1(h, x)
    tail = e * (g(x) * dh + dg * h(x)) + e**2 * dg * dh
    return g(x) * h(x) + tail, f(x) + tail


@link(SV, 3, 1)
def _sv3(r, a):
    f, g, h, x, e = rules(r, a, times)
    dg, dh = d1(g, x), d1(h, x)
    return (f(x + e) - f(x)) / e, g(x) * dh + dg * h(x) + e * dg * dh


@link(SV, 4, 1)
def _sv4a(r, a):
    f, g, h, x, e = rules(r, a, compose)
    return f(x + e), g(h(x + e))


@link(SV, 4, 2)
def _sv4b(r, a):
    f, g, h, x, e = rules(r, a, compose)
    dh, dg_at_h = d1(h, x), d1(g, h(x))
    return g(h(x)) + e * dh * dg_at_h, f(x) + e * dg_at_h * dh


def sv5_sides(x):
    u = 1 + (x - 1)**10
    return [d1(lambda t: np.log(1 + (t - 1)**10), x),
            u**-1 * d1(lambda t: 1 + (t - 1)**10, x),
            u**-1 * (d1(lambda t: 1.0 + 0 * t, x) + d1(lambda t: (t - 1)**10, x)),
            u**-1 * (0 + 10 * (x - 1)**9 * d1(lambda t: t - 1, x)),
            10 * u**-1 * (x - 1)**9,
            10 * (x - 1)**9 / u]


for _p in range(1, 6):
    link(SV, 5, _p)(lambda r, a, p=_p: tuple(sv5_sides(float(r.uniform(-0.6, 2.6))))[p - 1:p + 1])


# ------------------------------------------------ d2l: backpropagation
BK = "d2l/backprop"


def mlp(r):
    d, hh, q = (int(v) for v in r.integers(1, 5, 3))
    x, y = r.normal(0, 1, d), r.normal(0, 1, q)
    W1, W2, lam = r.normal(0, 1, (hh, d)), r.normal(0, 1, (q, hh)), float(r.uniform(0.1, 2.0))
    cross = bool(r.integers(2))  # l: squared error or softmax cross-entropy against y
    loss = (lambda o: lse(o) - smax(y) @ o) if cross else (lambda o: 0.5 * np.sum((o - y)**2))
    s = lambda A, B: lam / 2 * (np.sum(A**2) + np.sum(B**2))  # noqa: E731
    J = lambda A, B: loss(B @ np.tanh(A @ x)) + s(A, B)  # noqa: E731
    return dict(x=x, W1=W1, W2=W2, lam=lam, loss=loss, s=s, J=J)


def contract(up, jac):
    """prod as the prose defines it: Σ_i up_i · ∂(out_i)/∂(in), jac indexed [in..., out_i]."""
    return np.tensordot(jac, up, axes=([jac.ndim - 1], [0]))


def prod_or_random(r, a, value):
    return value if a else r.normal(0, 1, np.shape(value))


@link(BK, 8, 1)
def _bk8a(r, a):
    L, s = r.normal(0, 2, 2)
    return d1(lambda v: v + s, L), 1.0


@link(BK, 8, 2)
def _bk8b(r, a):
    L, s = r.normal(0, 2, 2)
    return d1(lambda v: L + v, s), 1.0


def bk_o(r):
    m = mlp(r)
    o = m["W2"] @ np.tanh(m["W1"] @ m["x"])
    return m, o, grad(m["loss"], o)  # ∂L/∂o


@link(BK, 9, 1)
def _bk9a(r, a):
    m, o, dLdo = bk_o(r)
    sv = m["s"](m["W1"], m["W2"])
    dJdo = grad(lambda v: m["loss"](v) + sv, o)
    return dJdo, prod_or_random(r, a, 1.0 * dLdo)


@link(BK, 9, 2)
def _bk9b(r, a):
    m, o, dLdo = bk_o(r)
    return prod_or_random(r, a, 1.0 * dLdo), dLdo


@link(BK, 10, 1)
def _bk10a(r, a):
    m = mlp(r)
    return grad(lambda A: m["s"](A, m["W2"]), m["W1"]), m["lam"] * m["W1"]


@link(BK, 10, 2)
def _bk10b(r, a):
    m = mlp(r)
    return grad(lambda B: m["s"](m["W1"], B), m["W2"]), m["lam"] * m["W2"]


def bk_w2(r, a):
    m, o, dJdo = bk_o(r)
    hv = np.tanh(m["W1"] @ m["x"])
    chain = contract(dJdo, grad(lambda B: B @ hv, m["W2"])) + \
        1.0 * grad(lambda B: m["s"](m["W1"], B), m["W2"])
    return m, hv, dJdo, prod_or_random(r, a, chain)


@link(BK, 11, 1)
def _bk11a(r, a):
    m, hv, dJdo, prods = bk_w2(r, a)
    return grad(lambda B: m["J"](m["W1"], B), m["W2"]), prods


@link(BK, 11, 2)
def _bk11b(r, a):
    m, hv, dJdo, prods = bk_w2(r, a)
    return prods, np.outer(dJdo, hv) + m["lam"] * m["W2"]


def bk_h(r, a):
    m, o, dJdo = bk_o(r)
    hv = np.tanh(m["W1"] @ m["x"])
    chain = contract(dJdo, grad(lambda v: m["W2"] @ v, hv))
    return m, hv, dJdo, prod_or_random(r, a, chain)


@link(BK, 12, 1)
def _bk12a(r, a):
    m, hv, dJdo, prods = bk_h(r, a)
    return grad(lambda v: m["loss"](m["W2"] @ v), hv), prods


@link(BK, 12, 2)
def _bk12b(r, a):
    m, hv, dJdo, prods = bk_h(r, a)
    return prods, m["W2"].T @ dJdo


def bk_z(r, a):
    m = mlp(r)
    z = m["W1"] @ m["x"]
    dJdh = grad(lambda v: m["loss"](m["W2"] @ v), np.tanh(z))
    chain = contract(dJdh, grad(np.tanh, z))
    return m, z, dJdh, prod_or_random(r, a, chain)


@link(BK, 13, 1)
def _bk13a(r, a):
    m, z, dJdh, prods = bk_z(r, a)
    return grad(lambda v: m["loss"](m["W2"] @ np.tanh(v)), z), prods


@link(BK, 13, 2)
def _bk13b(r, a):
    m, z, dJdh, prods = bk_z(r, a)
    return prods, dJdh * (1 - np.tanh(z)**2)


def bk_w1(r, a):
    m = mlp(r)
    z = m["W1"] @ m["x"]
    dJdz = grad(lambda v: m["loss"](m["W2"] @ np.tanh(v)), z)
    chain = contract(dJdz, grad(lambda A: A @ m["x"], m["W1"])) + \
        1.0 * grad(lambda A: m["s"](A, m["W2"]), m["W1"])
    return m, dJdz, prod_or_random(r, a, chain)


@link(BK, 14, 1)
def _bk14a(r, a):
    m, dJdz, prods = bk_w1(r, a)
    return grad(lambda A: m["J"](A, m["W2"]), m["W1"]), prods


@link(BK, 14, 2)
def _bk14b(r, a):
    m, dJdz, prods = bk_w1(r, a)
    return prods, np.outer(dJdz, m["x"]) + m["lam"] * m["W1"]


sys.path.insert(0, str(HERE))
from book_links import define_mlbook  # noqa: E402  (the mlbook links, in their own file)

define_mlbook(link, sig, smax, lse, grad)


# ------------------------------------------------------------------ driver
def judge(f, seed):
    r = np.random.default_rng(seed)
    plain = max(rel(*f(r, False)) for _ in range(TRIALS))
    if plain < TOL:
        return "true", plain, None
    assumed = max(rel(*f(r, True)) for _ in range(TRIALS))
    return ("needs" if assumed < TOL else "false"), plain, assumed


def numeric(verdict, plain, assumed):
    if verdict == "true":
        return f"numeric: max rel |lhs-rhs| = {plain:.1e} over {TRIALS} random points"
    head = f"numeric: sides differ (max rel {plain:.2g}) over {TRIALS} random points"
    if verdict == "needs":
        return head + f"; with the assumption imposed, max rel {assumed:.1e} over {TRIALS} points"
    return head + f"; still differ (max rel {assumed:.2g}) with the named reading imposed"


def chapters():
    return sorted(p for p in HERE.glob("*/*.expect.json"))


def main(argv):
    write = "--write" in argv
    bad = 0
    seen = set()
    for path in chapters():
        ch = f"{path.parent.name}/{path.name[:-len('.expect.json')]}"
        data = json.loads(path.read_text(encoding="utf-8"))
        for disp in data["displays"] + data.get("not_read_by_derive", []):
            key = disp.get("index", disp.get("id"))
            for lk in disp["links"]:
                f = LINKS.get((ch, key, lk["position"]))
                if f is None:
                    print(f"{ch} {key}.{lk['position']}: no oracle function")
                    bad += 1
                    continue
                seen.add((ch, key, lk["position"]))
                seed = sum(map(ord, f"{ch}:{key}:{lk['position']}"))  # fixed, reproducible
                verdict, plain, assumed = judge(f, seed)
                want = lk["expected"].split(":")[0]
                ok = verdict == want
                bad += not ok
                print(f"{'ok ' if ok else 'BAD'} {ch:<40} {key!s:>3}.{lk['position']:<2} "
                      f"expected {want:<5} oracle {verdict:<5} plain {plain:.1e}")
                if write:
                    hand = lk["how"].split("; numeric: ", 1)[0]
                    lk["how"] = hand + "; " + numeric(verdict, plain, assumed)
        if write:
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    extra = set(LINKS) - seen
    for k in sorted(map(str, extra)):
        print("oracle function with no expectation:", k)
    bad += len(extra)
    print(f"\n{len(seen)} links checked, {bad} disagreements")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
