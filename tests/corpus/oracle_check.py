#!/usr/bin/env python3
"""Independent numeric oracle for the corpus of issue #17.

This script does NOT import derive.  Every link of every display equation in
tests/corpus/*.md (and in the injected copies) whose expectation is stored in a
``.expect.json`` file has its two sides written here by hand, as plain numpy
functions of a sampled environment (logits of both signs, targets that are
free, on the simplex or one-hot, indices, scalars).  Derivatives are central
finite differences.  For each link the script evaluates both sides at
K = 2..6 (K = 1 too where it is meaningful) over every target family, decides
"true" / "needs" / "false", and compares that with the stored ``expected``.

    python tests/corpus/oracle_check.py            # table; exit 1 on disagreement
    python tests/corpus/oracle_check.py --write    # also rewrite the "numeric:" part of each "how"
"""
from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TOL = 1e-6          # relative agreement needed for "holds"
H = 1e-5            # finite-difference step
SAMPLES = 6         # points per (K, family)
FAMILIES = ("free", "simplex", "onehot")

# ----------------------------------------------------------------- helpers
def sm(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()

def S(z):
    return float(np.exp(z).sum())

def fd(f, z, k):
    """d f(z) / d z_k by central differences (f returns a float or an array)."""
    zp = np.array(z, dtype=float); zm = zp.copy()
    zp[k] += H; zm[k] -= H
    return (np.asarray(f(zp)) - np.asarray(f(zm))) / (2 * H)

def d1(f, x):
    return (f(x + H) - f(x - H)) / (2 * H)

def fd_rel(f, z, k):
    """as fd, with a step relative to |z_k| (for functions of probabilities near 0)."""
    h = H * max(abs(z[k]), 1e-300)
    zp = np.array(z, dtype=float); zm = zp.copy()
    zp[k] += h; zm[k] -= h
    return (np.asarray(f(zp)) - np.asarray(f(zm))) / (2 * h)

def grad(f, z):
    return np.array([fd(f, z, k) for k in range(len(z))])

def jac(f, z):
    """J[r, c] = d f_r / d z_c."""
    return np.array([fd(f, z, c) for c in range(len(z))]).T

def sig(x):
    return 1.0 / (1.0 + np.exp(-x))

# --------------------------------------------------------------- sampling
def make_env(rng, K, family, case=None):
    e = {"K": K, "family": family}
    e["z"] = rng.normal(0.0, 2.0, K)
    if family == "free":
        e["t"] = rng.normal(0.0, 1.5, K)
    elif family == "simplex":
        e["t"] = rng.dirichlet(np.ones(K))
    else:
        e["t"] = np.zeros(K); e["t"][rng.integers(K)] = 1.0
    e["i"] = int(rng.integers(K))
    if case == "distinct":
        e["j"] = int(rng.choice([k for k in range(K) if k != e["i"]]))
    elif case == "same":
        e["j"] = e["i"]
    else:
        e["j"] = int(rng.integers(K))
    e["u"] = rng.uniform(0.05, 0.95, K)       # probabilities, one per class
    e["X"] = rng.normal(0.0, 1.5, K)
    e["Y"] = rng.normal(0.0, 1.5, K)
    e["v"] = rng.normal(0.0, 2.0, K)
    e["x"] = float(rng.normal(0.0, 1.5))
    e["w"] = float(rng.normal(0.0, 1.5))
    e["b"] = float(rng.normal(0.0, 1.5))
    e["m"] = float(rng.normal(0.0, 3.0))
    e["gamma"] = float(rng.uniform(0.5, 3.0))
    e["T"] = float(rng.uniform(0.5, 4.0))
    e["alpha"] = float(rng.uniform(0.1, 1.0))
    e["c"] = rng.normal(0.0, 1.0, K)
    e["bit"] = float(rng.integers(2))
    # a set of positive classes (gombru's multi-label softmax loss) not containing j
    others = [k for k in range(K) if k != e["j"]] or [e["j"]]
    M = int(rng.integers(1, len(others) + 1))
    P = list(rng.choice(others, size=M, replace=False))
    e["P"] = P; e["M"] = M; e["pi"] = int(P[0])
    # linear regression with a bias column (muyinanhai): m = K samples, 2 features
    e["A"] = np.column_stack([np.ones(K), rng.normal(0.0, 1.5, (K, 2))])
    e["theta"] = rng.normal(0.0, 1.0, 3)
    e["xs"] = rng.normal(0.0, 1.5, 3)          # one free feature vector (x_0 free)
    e["ys"] = float(rng.normal(0.0, 1.5))
    e["xj"] = float(rng.normal(0.0, 1.5))
    e["quot"] = False
    return e

def onehot_at_i(e, rng):
    e["t"] = np.zeros(e["K"]); e["t"][e["i"]] = 1.0

def simplex(e, rng):
    e["t"] = rng.dirichlet(np.ones(e["K"]))

def t_i_is_one(e, rng):
    e["t"] = np.array(e["t"], dtype=float); e["t"][e["i"]] = 1.0

ASSUME = {"simplex": simplex, "onehot_at_i": onehot_at_i, "t_i_is_one": t_i_is_one}

# ------------------------------------------------------------------ links
L = {}   # (slug, display index, position) -> (lhs, rhs, opts)

def link(slug, n, p, lhs, rhs, **opts):
    L[(slug, n, p)] = (lhs, rhs, opts)

# ---- chicm-softmax-gradient: o = z, k = i, wrong class j, labels y = t
s = "chicm-softmax-gradient"
pk = lambda e: sm(e["z"])[e["i"]]
Ld6 = lambda e: (lambda z: -e["t"][e["i"]] * math.log(sm(z)[e["i"]]))
nlogpk = lambda e: (lambda z: -math.log(sm(z)[e["i"]]))
logpk = lambda e: (lambda z: math.log(sm(z)[e["i"]]))
pk_of = lambda e: (lambda z: sm(z)[e["i"]])
ek_over_S = lambda e: (lambda z: math.exp(z[e["i"]]) / S(z))
inv_S = lambda z: 1.0 / S(z)
ek = lambda e: math.exp(e["z"][e["i"]])
dS = lambda e, k: fd(S, e["z"], k)
link(s, 6, 2, lambda e: -e["t"][e["i"]] * math.log(pk(e)), lambda e: -math.log(pk(e)), assume="t_i_is_one")
for n, k in ((8, "i"),):
    pass
A8 = lambda e: fd(nlogpk(e), e["z"], e["i"])
B8 = lambda e: -fd(logpk(e), e["z"], e["i"])
C8 = lambda e: -1 / pk(e) * fd(pk_of(e), e["z"], e["i"])
link(s, 8, 1, lambda e: fd(Ld6(e), e["z"], e["i"]), A8, assume="t_i_is_one")
link(s, 8, 2, A8, B8)
link(s, 8, 3, B8, C8)
C9 = lambda e: -1 / pk(e) * fd(ek_over_S(e), e["z"], e["i"])
D9 = lambda e: -1 / pk(e) * (ek(e) * S(e["z"]) - dS(e, e["i"]) * ek(e)) / S(e["z"]) ** 2
link(s, 9, 1, C8, C9)
link(s, 9, 2, C9, D9)
E10 = lambda e: -1 / pk(e) * (ek(e) / S(e["z"]) - ek(e) * dS(e, e["i"]) / S(e["z"]) ** 2)
link(s, 10, 1, D9, E10)
F11 = lambda e: -1 / pk(e) * (pk(e) - ek(e) * dS(e, e["i"]) / S(e["z"]) ** 2)
link(s, 11, 1, E10, F11)
G12 = lambda e: -1 / pk(e) * (pk(e) - ek(e) ** 2 / S(e["z"]) ** 2)
H12 = lambda e: -1 / pk(e) * (pk(e) - pk(e) ** 2)
link(s, 12, 1, lambda e: fd(Ld6(e), e["z"], e["i"]), G12, assume="t_i_is_one")
link(s, 12, 2, G12, H12)
link(s, 12, 3, H12, lambda e: pk(e) - 1)
DJ = dict(case="distinct")
A13 = lambda e: fd(nlogpk(e), e["z"], e["j"])
B13 = lambda e: -fd(logpk(e), e["z"], e["j"])
C13 = lambda e: -1 / pk(e) * fd(pk_of(e), e["z"], e["j"])
link(s, 13, 1, lambda e: fd(Ld6(e), e["z"], e["j"]), A13, assume="t_i_is_one", **DJ)
link(s, 13, 2, A13, B13, **DJ)
link(s, 13, 3, B13, C13, **DJ)
C14 = lambda e: -1 / pk(e) * fd(ek_over_S(e), e["z"], e["j"])
D14 = lambda e: -ek(e) / pk(e) * fd(inv_S, e["z"], e["j"])
link(s, 14, 1, C13, C14, **DJ)
link(s, 14, 2, C14, D14, **DJ)
E15 = lambda e: -ek(e) / pk(e) * (-1) * 1 / S(e["z"]) ** 2 * dS(e, e["j"])
link(s, 15, 1, D14, E15, **DJ)
F16 = lambda e: ek(e) / pk(e) / S(e["z"]) ** 2 * math.exp(e["z"][e["j"]])
G16 = lambda e: 1 / pk(e) * (ek(e) / S(e["z"])) * (math.exp(e["z"][e["j"]]) / S(e["z"]))
link(s, 16, 1, E15, F16, **DJ)
link(s, 16, 2, F16, G16, **DJ)
H17 = lambda e: 1 / pk(e) * pk(e) * sm(e["z"])[e["j"]]
link(s, 17, 1, G16, H17, **DJ)
link(s, 17, 2, H17, lambda e: sm(e["z"])[e["j"]], **DJ)
link("injected/" + s, 17, 2, H17, lambda e: sm(e["z"])[e["i"]], **DJ)
Lgen = lambda e: (lambda z: -float(np.dot(e["t"], np.log(sm(z)))))
link(s, 18, 1, lambda e: grad(Lgen(e), e["z"]), lambda e: sm(e["z"]) - e["t"], assume="simplex")
FIX = dict(fixed=True, tol=5e-4)
def _ex19(e):
    return sm(np.array([2.0, 3.0, 4.0])) - np.array([0.0, 1.0, 0.0])
link(s, 19, 1, _ex19, lambda e: np.array([0.090, -0.775, 0.665]), **FIX)

# ---- petersen-softmax-cross-entropy: x = z, y = t, c = m
s = "petersen-softmax-cross-entropy"
si = lambda e: (lambda z: sm(z)[e["i"]])
link(s, 4, 1, lambda e: sm(e["z"] + e["m"])[e["i"]],
     lambda e: math.exp(e["z"][e["i"]] + e["m"]) / np.exp(e["z"] + e["m"]).sum())
link(s, 4, 2, lambda e: math.exp(e["z"][e["i"]] + e["m"]) / np.exp(e["z"] + e["m"]).sum(),
     lambda e: math.exp(e["z"][e["i"]]) * math.exp(e["m"]) / (np.exp(e["z"]) * math.exp(e["m"])).sum())
link(s, 4, 3, lambda e: math.exp(e["z"][e["i"]]) * math.exp(e["m"]) / (np.exp(e["z"]) * math.exp(e["m"])).sum(),
     lambda e: math.exp(e["z"][e["i"]]) / S(e["z"]))
P5 = lambda e: (S(e["z"]) * math.exp(e["z"][e["i"]]) - math.exp(2 * e["z"][e["i"]])) / S(e["z"]) ** 2
link(s, 5, 1, lambda e: fd(si(e), e["z"], e["i"]), P5, K=(1, 2, 3, 4, 5, 6))
link(s, 5, 2, P5, lambda e: sm(e["z"])[e["i"]] - sm(e["z"])[e["i"]] ** 2, K=(1, 2, 3, 4, 5, 6))
link("injected/" + s, 5, 2, P5, lambda e: sm(e["z"])[e["i"]] + sm(e["z"])[e["i"]] ** 2)
P6 = lambda e: (S(e["z"]) * 0 - math.exp(e["z"][e["i"]] + e["z"][e["j"]])) / S(e["z"]) ** 2
link(s, 6, 1, lambda e: fd(si(e), e["z"], e["j"]), P6, **DJ)
link(s, 6, 2, P6, lambda e: -sm(e["z"])[e["i"]] * sm(e["z"])[e["j"]], **DJ)
link(s, 8, 1, lambda e: jac(sm, e["z"]), lambda e: np.diag(sm(e["z"])) - np.outer(sm(e["z"]), sm(e["z"])))
link(s, 10, 2, lambda e: -float(np.sum(e["t"] * np.log(sm(e["z"])))),
     lambda e: -float(e["t"] @ np.log(sm(e["z"]))))
Hs = lambda e: (lambda sv: -float(e["t"] @ np.log(sv)))
G1 = lambda e: np.array([fd_rel(Hs(e), sm(e["z"]), k) for k in range(e["K"])])
G2 = lambda e: -e["t"] @ np.array([fd_rel(np.log, sm(e["z"]), c) for c in range(e["K"])]).T
G3 = lambda e: -e["t"] @ np.diag(1.0 / sm(e["z"]))
link(s, 11, 1, G1, G2)
link(s, 11, 2, G2, G3)
link(s, 11, 3, G3, lambda e: -e["t"] / sm(e["z"]))
Hx = lambda e: (lambda z: -float(e["t"] @ np.log(sm(z))))
Jx = lambda e: np.diag(sm(e["z"])) - np.outer(sm(e["z"]), sm(e["z"]))
link(s, 12, 1, lambda e: grad(Hx(e), e["z"]), lambda e: (-e["t"] / sm(e["z"])) @ Jx(e))
Q1 = lambda e: -(e["t"] / sm(e["z"])) @ Jx(e)
Q2 = lambda e: (e["t"] / sm(e["z"])) @ np.outer(sm(e["z"]), sm(e["z"])) - (e["t"] / sm(e["z"])) @ np.diag(sm(e["z"]))
Q3 = lambda e: e["t"] @ np.tile(sm(e["z"]), (e["K"], 1)) - e["t"]
link(s, 13, 1, lambda e: grad(Hx(e), e["z"]), Q1)
link(s, 13, 2, Q1, Q2)
link(s, 13, 3, Q2, Q3)
link(s, 13, 4, Q3, lambda e: sm(e["z"]) - e["t"], assume="simplex")

# ---- gombru-cross-entropy-losses: scores s = z, probabilities u, author's f(s) = 1/(1+e^s)
s = "gombru-cross-entropy-losses"
fa = lambda x: 1.0 / (1.0 + math.exp(x))
def bce2_assume(e, rng):
    e["u"] = np.array(e["u"]); e["u"][1] = 1 - e["u"][0]
    e["t"] = np.array(e["t"], dtype=float); e["t"][1] = 1 - e["t"][0]
def bce2f_assume(e, rng):
    e["z"] = np.array(e["z"]); e["z"][1] = -e["z"][0]          # f(s_2) = 1 - f(s_1)
    e["t"] = np.array(e["t"], dtype=float); e["t"][1] = 1 - e["t"][0]
K2 = dict(K=(2,))
link(s, 4, 2, lambda e: -float(sum(e["t"][k] * math.log(e["u"][k]) for k in range(2))),
     lambda e: -e["t"][0] * math.log(e["u"][0]) - (1 - e["t"][0]) * math.log(1 - e["u"][0]), assume=bce2_assume, **K2)
nlogsp = lambda e, p: (lambda z: -math.log(sm(z)[p]))
link(s, 6, 1, lambda e: fd(nlogsp(e, e["i"]), e["z"], e["i"]), lambda e: sm(e["z"])[e["i"]] - 1, K=(1, 2, 3, 4, 5, 6))
link("injected/" + s, 6, 1, lambda e: fd(nlogsp(e, e["i"]), e["z"], e["i"]), lambda e: sm(e["z"])[e["i"]])
link(s, 7, 1, lambda e: fd(nlogsp(e, e["i"]), e["z"], e["j"]), lambda e: sm(e["z"])[e["j"]], **DJ)
CEM = lambda e: (lambda z: sum(-math.log(sm(z)[p]) for p in e["P"]) / e["M"])
link(s, 9, 1, lambda e: fd(CEM(e), e["z"], e["pi"]),
     lambda e: 1 / e["M"] * ((sm(e["z"])[e["pi"]] - 1) + (e["M"] - 1) * sm(e["z"])[e["pi"]]), **DJ)
link(s, 10, 1, lambda e: fd(CEM(e), e["z"], e["j"]), lambda e: sm(e["z"])[e["j"]], **DJ)
link(s, 11, 2, lambda e: -float(sum(e["t"][k] * math.log(fa(e["z"][k])) for k in range(2))),
     lambda e: -e["t"][0] * math.log(fa(e["z"][0])) - (1 - e["t"][0]) * math.log(1 - fa(e["z"][0])), assume=bce2f_assume, **K2)
CEb = lambda t: (lambda x: -t * math.log(fa(x)) - (1 - t) * math.log(1 - fa(x)))
link(s, 13, 1, lambda e: d1(CEb(e["t"][0]), e["z"][0]),
     lambda e: e["t"][0] * (fa(e["z"][0]) - 1) + (1 - e["t"][0]) * fa(e["z"][0]))
link(s, 14, 1, lambda e: d1(CEb(e["bit"]), e["z"][0]),
     lambda e: fa(e["z"][0]) - 1 if e["bit"] == 1 else fa(e["z"][0]))
def fl_assume(e, rng):
    e["t"] = np.array(e["t"], dtype=float); e["t"][0] = e["bit"]; e["t"][1] = 1 - e["bit"]
    e["u"] = np.array(e["u"]); e["u"][1] = 1 - e["u"][0]
def _fl_cases(e):
    t1, s1, g = e["t"][0], e["u"][0], e["gamma"]
    if t1 == 1:
        return -(1 - s1) ** g * math.log(s1)
    if t1 == 0:
        return -(1 - (1 - s1)) ** g * math.log(1 - s1)
    return float("nan")
link(s, 16, 1, lambda e: -float(sum((1 - e["u"][k]) ** e["gamma"] * e["t"][k] * math.log(e["u"][k]) for k in range(2))),
     _fl_cases, assume=fl_assume, **K2)
FLp = lambda g: (lambda x: -(1 - fa(x)) ** g * math.log(fa(x)))
link(s, 17, 1, lambda e: d1(FLp(e["gamma"]), e["z"][0]),
     lambda e: (1 - fa(e["z"][0])) ** e["gamma"] * (e["gamma"] * fa(e["z"][0]) * math.log(fa(e["z"][0])) + fa(e["z"][0]) - 1))

# ---- cicero-quotient-rule: concrete f(x) = sin(1.3x) + 0.5x, g(x) = 2 + cos(x)
s = "cicero-quotient-rule"
f_ = lambda x: math.sin(1.3 * x) + 0.5 * x
g_ = lambda x: 2.0 + math.cos(x)
fp = lambda x: d1(f_, x)
gp = lambda x: d1(g_, x)
q_ = lambda x: f_(x) / g_(x)
SC = dict(K=(1,), families=("free",))
link(s, 3, 1, lambda e: d1(q_, e["x"]), lambda e: (g_(e["x"]) * fp(e["x"]) - f_(e["x"]) * gp(e["x"])) / g_(e["x"]) ** 2, **SC)
link("injected/" + s, 3, 1, lambda e: d1(q_, e["x"]), lambda e: (g_(e["x"]) * fp(e["x"]) + f_(e["x"]) * gp(e["x"])) / g_(e["x"]) ** 2, **SC)
def y_quot(e, rng):
    e["quot"] = True
yfun = lambda e: q_ if e["quot"] else (lambda x: f_(x) * g_(x))
link(s, 4, 1, lambda e: d1(yfun(e), e["x"]), lambda e: (g_(e["x"]) * fp(e["x"]) - f_(e["x"]) * gp(e["x"])) / g_(e["x"]) ** 2, assume=y_quot, **SC)
link(s, 5, 1, lambda e: d1(q_, e["x"]), lambda e: (fp(e["x"]) * g_(e["x"]) - gp(e["x"]) * f_(e["x"])) / g_(e["x"]) ** 2, **SC)
link(s, 6, 2, lambda e: q_(e["x"]), lambda e: f_(e["x"]) * g_(e["x"]) ** -1, **SC)
link(s, 8, 1, lambda e: d1(q_, e["x"]), lambda e: fp(e["x"]) * g_(e["x"]) ** -1 + d1(lambda x: g_(x) ** -1, e["x"]) * f_(e["x"]), **SC)
link(s, 10, 1, lambda e: d1(lambda x: g_(x) ** -1, e["x"]), lambda e: -1 * g_(e["x"]) ** -2 * gp(e["x"]), **SC)
R11 = lambda e: fp(e["x"]) / g_(e["x"]) + f_(e["x"]) * -gp(e["x"]) / g_(e["x"]) ** 2
link(s, 11, 1, lambda e: d1(q_, e["x"]), R11, **SC)
link(s, 12, 1, R11, lambda e: (fp(e["x"]) * g_(e["x"]) - f_(e["x"]) * gp(e["x"])) / g_(e["x"]) ** 2, **SC)

# ---- tonkic-sigmoid
s = "tonkic-sigmoid"
sg = lambda x: 1.0 / (1.0 + math.exp(-x))
link(s, 2, 1, lambda e: d1(sg, e["x"]), lambda e: sg(e["x"]) * (1 - sg(e["x"])), **SC)
link("injected/" + s, 2, 1, lambda e: d1(sg, e["x"]), lambda e: sg(e["x"]) * (1 + sg(e["x"])), **SC)
link(s, 3, 1, lambda e: d1(sg, e["x"]), lambda e: math.exp(-e["x"]) / (1 + math.exp(-e["x"])) ** 2, **SC)

# ---- mnn-log-softmax: y = softmax(x), z = log y; k = j
s = "mnn-log-softmax"
lz = lambda e: (lambda x: math.log(sm(x)[e["i"]]))
SAME = dict(case="same", K=(1, 2, 3, 4, 5, 6))
link(s, 1, 1, lambda e: fd(lz(e), e["z"], e["j"]), lambda e: 1 / sm(e["z"])[e["i"]] * sm(e["z"])[e["i"]] * (1 - sm(e["z"])[e["i"]]), **SAME)
link(s, 1, 2, lambda e: 1 / sm(e["z"])[e["i"]] * sm(e["z"])[e["i"]] * (1 - sm(e["z"])[e["i"]]), lambda e: 1 - sm(e["z"])[e["j"]], **SAME)
M2 = lambda e: 1 / sm(e["z"])[e["i"]] * (-sm(e["z"])[e["i"]] * sm(e["z"])[e["j"]])
link(s, 2, 1, lambda e: fd(lz(e), e["z"], e["j"]), M2, **DJ)
link(s, 2, 2, M2, lambda e: -sm(e["z"])[e["j"]], **DJ)
link("injected/" + s, 2, 2, M2, lambda e: -sm(e["z"])[e["i"]], **DJ)
logsm = lambda x: np.log(sm(x))
link(s, 3, 1, lambda e: jac(logsm, e["z"]), lambda e: np.eye(e["K"]) - np.tile(sm(e["z"]), (e["K"], 1)))
ell = lambda e: (lambda zz: float(np.sum(e["c"] * zz ** 2)))
link(s, 4, 1, lambda e: grad(lambda x: ell(e)(logsm(x)), e["z"]),
     lambda e: jac(logsm, e["z"]).T @ grad(ell(e), logsm(e["z"])))
Z1 = lambda e: math.log(math.exp(e["z"][e["i"]] - e["m"]) / np.exp(e["z"] - e["m"]).sum())
link(s, 6, 1, lambda e: math.log(sm(e["z"])[e["i"]]), Z1, K=(1, 2, 3, 4, 5, 6))
link(s, 6, 2, Z1, lambda e: e["z"][e["i"]] - e["m"] - math.log(np.exp(e["z"] - e["m"]).sum()), K=(1, 2, 3, 4, 5, 6))

# ---- psvishnu-entropy-kl: p = t (simplex only), q = softmax(z)
s = "psvishnu-entropy-kl"
SX = dict(families=("simplex",), K=(1, 2, 3, 4, 5, 6))
ent = lambda e: -float(np.sum(e["t"] * np.log(e["t"])))
crs = lambda e: -float(np.sum(e["t"] * np.log(sm(e["z"]))))
kl = lambda e: float(np.sum(e["t"] * np.log(e["t"] / sm(e["z"]))))
link(s, 1, 2, ent, lambda e: -float(sum(e["t"][k] * math.log(e["t"][k]) for k in range(e["K"]))), **SX)
link(s, 1, 3, lambda e: -float(sum(e["t"][k] * math.log(e["t"][k]) for k in range(e["K"]))),
     lambda e: -float(np.dot(e["t"], np.log(e["t"]))), **SX)
K3 = lambda e: float(np.sum(e["t"] * np.log(e["t"]) - e["t"] * np.log(sm(e["z"]))))
link(s, 3, 2, K3, kl, **SX)
link("injected/" + s, 3, 2, K3, lambda e: float(np.sum(e["t"] * np.log(sm(e["z"]) / e["t"]))), **SX)
link(s, 5, 1, kl, K3, **SX)
link(s, 5, 2, kl, lambda e: float(np.dot(e["t"], np.log(e["t"]))) - float(np.dot(e["t"], np.log(sm(e["z"])))), **SX)
link(s, 5, 3, kl, lambda e: ent(e) - crs(e), **SX)
link(s, 5, 4, kl, lambda e: ent(e) - crs(e), **SX)

# ---- kiotto-mse-linear-regression: n = K samples X, targets y = Y, weight w, bias b
s = "kiotto-mse-linear-regression"
LS = lambda e: (lambda w: float(np.mean((w * e["X"] + e["b"] - e["Y"]) ** 2)))
KK = dict(K=(1, 2, 3, 4, 5, 6), families=("free",))
yhat = lambda e: e["w"] * e["X"] + e["b"]
link(s, 4, 1, lambda e: float(np.mean((yhat(e) - e["Y"]) ** 2)), lambda e: float(np.sum((e["w"] * e["X"] + e["b"] - e["Y"]) ** 2)) / e["K"], **KK)
link(s, 6, 2, lambda e: yhat(e) - e["Y"], lambda e: e["w"] * e["X"] + e["b"] - e["Y"], **KK)
link(s, 7, 1, lambda e: float(np.mean((yhat(e) - e["Y"]) ** 2)), lambda e: float(np.sum((yhat(e) - e["Y"]) ** 2)) / e["K"], **KK)
def _sum_d_ei2(e):
    tot = 0.0
    for i in range(e["K"]):
        tot += d1(lambda w: (w * e["X"][i] + e["b"] - e["Y"][i]) ** 2, e["w"])
    return tot / e["K"]
R9 = lambda e: float(np.sum(2 * (yhat(e) - e["Y"]) * e["X"])) / e["K"]
link(s, 8, 1, lambda e: d1(LS(e), e["w"]), _sum_d_ei2, **KK)
link(s, 9, 1, _sum_d_ei2, R9, **KK)
link(s, 11, 1, lambda e: d1(LS(e), e["w"]), R9, **KK)
link(s, 12, 1, R9, lambda e: 2 / e["K"] * float(np.sum(e["X"] * (e["w"] * e["X"] + e["b"] - e["Y"]))), **KK)
link("injected/" + s, 12, 1, R9, lambda e: 1 / e["K"] * float(np.sum(e["X"] * (e["w"] * e["X"] + e["b"] - e["Y"]))), **KK)
link(s, 14, 1, lambda e: float(np.sum(e["X"] * (yhat(e) - e["Y"]))) / e["K"],
     lambda e: float(np.sum(e["X"] * (e["w"] * e["X"] + e["b"] - e["Y"]))) / e["K"], **KK)

# ---- muyinanhai-linear-regression: m = K samples, design A (first column 1), theta, y = Y
s = "muyinanhai-linear-regression"
Jt = lambda e: (lambda th: 0.5 * float(np.sum((e["A"] @ th - e["Y"]) ** 2)))
def x0_is_one(e, rng):
    e["xs"] = np.array(e["xs"]); e["xs"][0] = 1.0
link(s, 2, 2, lambda e: float(e["theta"] @ e["xs"]), lambda e: e["theta"][0] + e["theta"][1] * e["xs"][1] + e["theta"][2] * e["xs"][2], assume=x0_is_one, **KK)
link("injected/" + s, 2, 2, lambda e: float(e["theta"] @ e["xs"]), lambda e: e["theta"][1] * e["xs"][1] + e["theta"][2] * e["xs"][2], assume=x0_is_one, **KK)
jj = 1
link(s, 4, 1, lambda e: e["theta"][jj], lambda e: e["theta"][jj] - e["alpha"] * Jt(e)(e["theta"]), **KK)
R5 = lambda e: float(np.sum(e["A"] @ e["theta"] - e["Y"])) * e["xj"]
link(s, 5, 1, lambda e: fd(Jt(e), e["theta"], jj), R5, **KK)
link(s, 5, 2, R5, lambda e: (float(e["theta"] @ e["xs"]) - e["ys"]) * e["xj"], **KK)

# ---- minitorch-softmax-derivative: x = z, n = K, z-index = j (distinct from i)
s = "minitorch-softmax-derivative"
sI = lambda e: sm(e["z"])[e["i"]]
T1 = lambda e: math.exp(e["z"][e["i"]]) / S(e["z"]) - math.exp(2 * e["z"][e["i"]]) / S(e["z"]) ** 2
T2 = lambda e: math.exp(e["z"][e["i"]]) / S(e["z"]) * (1 - math.exp(e["z"][e["i"]]) / S(e["z"]))
T3 = lambda e: sI(e) * (1 - sI(e))
T4 = lambda e: sI(e) - sI(e) ** 2
KA = dict(K=(1, 2, 3, 4, 5, 6))
link(s, 2, 1, lambda e: fd(si(e), e["z"], e["i"]), T1, **KA)
link(s, 2, 2, T1, T2, **KA)
link(s, 2, 3, T2, T3, **KA)
link(s, 2, 4, T3, T4, **KA)
link("injected/" + s, 2, 4, T3, lambda e: sI(e) + sI(e) ** 2, **KA)
sZ = lambda e: (lambda z: sm(z)[e["j"]])
U1 = lambda e: 0 - math.exp(e["z"][e["j"]] + e["z"][e["i"]]) / S(e["z"]) ** 2
link(s, 3, 1, lambda e: fd(sZ(e), e["z"], e["i"]), U1, **DJ)
link(s, 3, 2, U1, lambda e: -sm(e["z"])[e["j"]] * sI(e), **DJ)
colsum = lambda e: float(np.sum(fd(sm, e["z"], e["i"])))
V1 = lambda e: sI(e) - sI(e) ** 2 + (e["K"] - 1) * (-sm(e["z"])[e["j"]] * sI(e))
link(s, 4, 1, colsum, V1, **DJ)
link(s, 4, 2, V1, lambda e: sI(e) - e["K"] * sm(e["z"])[e["j"]] * sI(e), **DJ)

# ---- prettyvault-softmax-jacobian: a = z
s = "prettyvault-softmax-jacobian"
dl = lambda e: 1.0 if e["i"] == e["j"] else 0.0
W1 = lambda e: fd(lambda z: math.exp(z[e["i"]]) / S(z), e["z"], e["j"])
W2 = lambda e: sm(e["z"])[e["i"]] * (dl(e) - sm(e["z"])[e["j"]])
link(s, 2, 1, lambda e: fd(si(e), e["z"], e["j"]), W1, **KA)
link(s, 2, 2, W1, W2, **KA)
link(s, 3, 1, lambda e: fd(S, e["z"], e["j"]), lambda e: math.exp(e["z"][e["j"]]), **KA)
link("injected/" + s, 3, 1, lambda e: fd(S, e["z"], e["j"]), lambda e: math.exp(e["z"][e["i"]]), **KA)
link(s, 4, 1, lambda e: fd(lambda z: math.exp(z[e["i"]]), e["z"], e["j"]), lambda e: math.exp(e["z"][e["i"]]) if e["i"] == e["j"] else 0.0, **KA)
X2 = lambda e: (dl(e) * math.exp(e["z"][e["i"]]) * S(e["z"]) - math.exp(e["z"][e["j"]]) * math.exp(e["z"][e["i"]])) / S(e["z"]) ** 2
X3 = lambda e: math.exp(e["z"][e["i"]]) / S(e["z"]) * (dl(e) * S(e["z"]) - math.exp(e["z"][e["j"]])) / S(e["z"])
G5 = lambda e: (fd(lambda z: math.exp(z[e["i"]]), e["z"], e["j"]) * S(e["z"])
                - fd(S, e["z"], e["j"]) * math.exp(e["z"][e["i"]])) / S(e["z"]) ** 2   # (g'h - h'g)/h^2
link(s, 5, 1, lambda e: fd(sZ(e), e["z"], e["j"]), G5, **KA)   # as printed: e^{a_j} in the numerator
link(s, 5, 2, G5, X2, **KA)
link(s, 5, 3, X2, X3, **KA)
link(s, 5, 4, X3, W2, **KA)

# ---- gitycc-distillation: q = softmax(z / T), labels y = t, teacher p = softmax(v)
s = "gitycc-distillation"
qT = lambda e: (lambda z: sm(z / e["T"]))
def C2(e):
    return lambda z: float(np.sum(-e["t"] * np.log(qT(e)(z)) - (1 - e["t"]) * np.log(1 - qT(e)(z))))
def C1(e):
    p = sm(e["v"])
    return lambda z: float(np.sum(-p * np.log(qT(e)(z)) - (1 - p) * np.log(1 - qT(e)(z))))
link(s, 5, 1, lambda e: fd(C2(e), e["z"], e["i"]), lambda e: 1 / e["T"] * (qT(e)(e["z"])[e["i"]] - e["t"][e["i"]]))
link("injected/" + s, 5, 1, lambda e: fd(C2(e), e["z"], e["i"]), lambda e: 1 / e["T"] * (e["t"][e["i"]] - qT(e)(e["z"])[e["i"]]))
link(s, 8, 1, lambda e: fd(C1(e), e["z"], e["i"]), lambda e: 1 / e["T"] * (qT(e)(e["z"])[e["i"]] - sm(e["v"])[e["i"]]))

# ---- hoadm-softmax-ce-gradient
s = "hoadm-softmax-ce-gradient"
link(s, 1, 1, lambda e: fd(Lgen(e), e["z"], e["i"]), lambda e: sm(e["z"])[e["i"]] - e["t"][e["i"]], assume="simplex", K=(1, 2, 3, 4, 5, 6))
link("injected/" + s, 1, 1, lambda e: fd(Lgen(e), e["z"], e["i"]), lambda e: sm(e["z"])[e["i"]] + e["t"][e["i"]], assume="simplex", K=(1, 2, 3, 4, 5, 6))

# ---- caramdir-tanh
s = "caramdir-tanh"
link(s, 2, 1, lambda e: d1(math.tanh, e["x"]), lambda e: 1 - math.tanh(e["x"]) ** 2, **SC)
link("injected/" + s, 2, 1, lambda e: d1(math.tanh, e["x"]), lambda e: 1 + math.tanh(e["x"]) ** 2, **SC)

# ---- caramdir-logistic-regression: m = K examples (rows of A, first column 1), theta, labels y = t
s = "caramdir-logistic-regression"
CA = dict(K=(1, 2, 3, 4, 5, 6))
Jlog = lambda e: (lambda th: float(np.mean(-(e["t"] * np.log(sig(e["A"] @ th)) + (1 - e["t"]) * np.log(1 - sig(e["A"] @ th))))))
link(s, 5, 1, lambda e: fd(Jlog(e), e["theta"], 1), lambda e: float(np.mean((sig(e["A"] @ e["theta"]) - e["t"]) * e["A"][:, 1])), **CA)
link("injected/" + s, 5, 1, lambda e: fd(Jlog(e), e["theta"], 1), lambda e: float(np.mean((sig(e["A"] @ e["theta"]) + e["t"]) * e["A"][:, 1])), **CA)
link(s, 6, 1, lambda e: grad(Jlog(e), e["theta"]), lambda e: e["A"].T @ (sig(e["A"] @ e["theta"]) - e["t"]) / e["K"], **CA)
that = lambda th: np.concatenate([[0.0], th[1:]])
def Jlogreg(e):
    return lambda th: 1 / (2 * e["K"]) * (float(np.sum(-(e["t"] * np.log(sig(e["A"] @ th)) + (1 - e["t"]) * np.log(1 - sig(e["A"] @ th)))))
                                          + e["gamma"] * float(np.sum(th[1:] ** 2)))
link(s, 8, 1, lambda e: grad(Jlogreg(e), e["theta"]),
     lambda e: 1 / e["K"] * (e["A"].T @ (sig(e["A"] @ e["theta"]) - e["t"]) + e["gamma"] * that(e["theta"])), **CA)

# ---- caramdir-linear-regression: X = A^T ((n+1) x m), Y
s = "caramdir-linear-regression"
CL = dict(K=(1, 2, 3, 4, 5, 6), families=("free",))
res = lambda e, th: th @ e["A"].T - e["Y"]
Jlin = lambda e: (lambda th: 1 / (2 * e["K"]) * float(np.sum((e["A"] @ th - e["Y"]) ** 2)))
link(s, 3, 2, lambda e: Jlin(e)(e["theta"]), lambda e: 1 / (2 * e["K"]) * float(res(e, e["theta"]) @ res(e, e["theta"])), **CL)
link(s, 4, 1, lambda e: fd(Jlin(e), e["theta"], 1), lambda e: 1 / e["K"] * float(np.sum((e["A"] @ e["theta"] - e["Y"]) * e["A"][:, 1])), **CL)
link("injected/" + s, 4, 1, lambda e: fd(Jlin(e), e["theta"], 1), lambda e: 1 / (2 * e["K"]) * float(np.sum((e["A"] @ e["theta"] - e["Y"]) * e["A"][:, 1])), **CL)
link(s, 5, 1, lambda e: grad(Jlin(e), e["theta"]), lambda e: 1 / e["K"] * (e["A"].T @ res(e, e["theta"])), **CL)
Jlinreg = lambda e: (lambda th: 1 / (2 * e["K"]) * (float(np.sum((e["A"] @ th - e["Y"]) ** 2)) + e["gamma"] * float(np.sum(th[1:] ** 2))))
link(s, 8, 1, lambda e: Jlinreg(e)(e["theta"]),
     lambda e: 1 / (2 * e["K"]) * (float(res(e, e["theta"]) @ res(e, e["theta"])) + e["gamma"] * float(that(e["theta"]) @ that(e["theta"]))), **CL)
link(s, 9, 1, lambda e: grad(Jlinreg(e), e["theta"]), lambda e: 1 / e["K"] * (e["A"].T @ res(e, e["theta"]) + e["gamma"] * that(e["theta"])), **CL)

# ---- stackexchange-softmax-temperature: y = softmax(z), xi = -sum t log y, C = K, i
s = "stackexchange-softmax-temperature"
xi = lambda e: (lambda z: -float(np.dot(e["t"], np.log(sm(z)))))
y_ = lambda e: sm(e["z"])
dyj = lambda e, j: fd(lambda z: sm(z)[j], e["z"], e["i"])
oth = lambda e: [j for j in range(e["K"]) if j != e["i"]]
SE1 = lambda e: -sum(fd(lambda z, j=j: e["t"][j] * math.log(sm(z)[j]), e["z"], e["i"]) for j in range(e["K"]))
SE2 = lambda e: -sum(e["t"][j] * fd(lambda z, j=j: math.log(sm(z)[j]), e["z"], e["i"]) for j in range(e["K"]))
SE3 = lambda e: -sum(e["t"][j] / y_(e)[j] * dyj(e, j) for j in range(e["K"]))
SE4 = lambda e: -e["t"][e["i"]] / y_(e)[e["i"]] * dyj(e, e["i"]) - sum(e["t"][j] / y_(e)[j] * dyj(e, j) for j in oth(e))
SE5 = lambda e: -e["t"][e["i"]] / y_(e)[e["i"]] * y_(e)[e["i"]] * (1 - y_(e)[e["i"]]) - sum(e["t"][j] / y_(e)[j] * (-y_(e)[j] * y_(e)[e["i"]]) for j in oth(e))
SE5i = lambda e: -e["t"][e["i"]] / y_(e)[e["i"]] * y_(e)[e["i"]] * (1 + y_(e)[e["i"]]) - sum(e["t"][j] / y_(e)[j] * (-y_(e)[j] * y_(e)[e["i"]]) for j in oth(e))
SE6 = lambda e: -e["t"][e["i"]] + e["t"][e["i"]] * y_(e)[e["i"]] + sum(e["t"][j] * y_(e)[e["i"]] for j in oth(e))
SE7 = lambda e: -e["t"][e["i"]] + float(np.sum(e["t"] * y_(e)[e["i"]]))
SE8 = lambda e: -e["t"][e["i"]] + y_(e)[e["i"]] * float(np.sum(e["t"]))
SE9 = lambda e: y_(e)[e["i"]] - e["t"][e["i"]]
KA1 = dict(K=(1, 2, 3, 4, 5, 6))
for p, (a, b) in enumerate([(lambda e: fd(xi(e), e["z"], e["i"]), SE1), (SE1, SE2), (SE2, SE3), (SE3, SE4), (SE4, SE5), (SE5, SE6), (SE6, SE7), (SE7, SE8)], 1):
    link(s, 2, p, a, b, **KA1)
link(s, 2, 9, SE8, SE9, assume="simplex", **KA1)
link("injected/" + s, 2, 5, SE4, SE5i, **KA1)
link("injected/" + s, 2, 6, SE5i, SE6, **KA1)

# ---- sonfl-linear-regression: one example x = xs (x_0 free), y = ys, theta, i = 1
s = "sonfl-linear-regression"
hx = lambda e, th: float(th @ e["xs"])
half = lambda e: (lambda th: 0.5 * (hx(e, th) - e["ys"]) ** 2)
SO = dict(K=(1,), families=("free",))
link(s, 1, 2, lambda e: float(sum(e["theta"][k] * e["xs"][k] for k in range(3))), lambda e: float(e["theta"] @ e["xs"]), **SO)
link(s, 4, 1, lambda e: 0.0, lambda e: fd(half(e), e["theta"], 1), **SO)   # J = min over theta: a constant
S5 = lambda e: 2 * 0.5 * (hx(e, e["theta"]) - e["ys"]) * fd(lambda th: hx(e, th) - e["ys"], e["theta"], 1)
link(s, 5, 1, lambda e: fd(half(e), e["theta"], 1), S5, **SO)
S6 = lambda e: (hx(e, e["theta"]) - e["ys"]) * fd(lambda th: float(th @ e["xs"]) - e["ys"], e["theta"], 1)
link(s, 6, 1, S5, S6, **SO)
link(s, 6, 2, S6, lambda e: (hx(e, e["theta"]) - e["ys"]) * e["xs"][1], **SO)
link("injected/" + s, 6, 2, S6, lambda e: (hx(e, e["theta"]) + e["ys"]) * e["xs"][1], **SO)

# ---- triton-logsumexp: X = rows (z, v) (M = 2, N = K), entry (i, j) with row i = i mod 2, k = the other row or i
s = "triton-logsumexp"
Xm = lambda e: np.vstack([e["z"], e["v"]])
ri = lambda e: e["i"] % 2
rk = lambda e: int(e["bit"])
lse_r = lambda r: (lambda X: math.log(float(np.exp(X[r]).sum())))
def fdX(f, X, r, c):
    Xp = np.array(X, dtype=float); Xn = Xp.copy(); Xp[r, c] += H; Xn[r, c] -= H
    return (f(Xp) - f(Xn)) / (2 * H)
Srow = lambda e, r: float(np.exp(Xm(e)[r]).sum())
dSrow = lambda e, r: fdX(lambda X: float(np.exp(X[r]).sum()), Xm(e), ri(e), e["j"])
TL = dict(K=(1, 2, 3, 4, 5, 6))
link(s, 3, 1, lambda e: d1(math.exp, e["x"]), lambda e: math.exp(e["x"]), **SC)
link("injected/" + s, 3, 1, lambda e: d1(math.exp, e["x"]), lambda e: math.exp(-e["x"]), **SC)
link(s, 4, 1, lambda e: d1(math.log, e["u"][0]), lambda e: 1 / e["u"][0], **SC)
link(s, 6, 1, lambda e: fdX(lse_r(rk(e)), Xm(e), ri(e), e["j"]), lambda e: 1 / Srow(e, rk(e)) * dSrow(e, rk(e)), **TL)
L9 = lambda e: 1 / Srow(e, ri(e)) * dSrow(e, ri(e))
link(s, 9, 1, lambda e: fdX(lse_r(ri(e)), Xm(e), ri(e), e["j"]), L9, **TL)
L10 = lambda e: 1 / Srow(e, rk(e)) * dSrow(e, rk(e))   # row k, as display 9 writes it
link(s, 10, 1, L10, L9, assume=lambda e, rng: e.__setitem__("bit", float(ri(e))), **TL)
L11 = lambda e: 1 / Srow(e, ri(e)) * Xm(e)[ri(e), e["j"]]
link(s, 11, 1, L9, L11, **TL)
link(s, 12, 1, L11, lambda e: Xm(e)[ri(e), e["j"]] / Srow(e, ri(e)), **TL)
fL = lambda e: (lambda L: float(np.sum(e["c"][:2] * L ** 2)) if len(e["c"]) >= 2 else float(e["c"][0] * L[0] ** 2 + L[1] ** 2))
Lv = lambda X: np.array([math.log(float(np.exp(X[r]).sum())) for r in range(2)])
dfL = lambda e, r: fd(fL(e), Lv(Xm(e)), r)
C14 = lambda e: sum(dfL(e, r) * fdX(lse_r(r), Xm(e), ri(e), e["j"]) for r in range(2))
C15 = lambda e: dfL(e, ri(e)) * fdX(lse_r(ri(e)), Xm(e), ri(e), e["j"])
C16 = lambda e: dfL(e, ri(e)) * Xm(e)[ri(e), e["j"]] / Srow(e, ri(e))
link(s, 14, 1, lambda e: fdX(lambda X: fL(e)(Lv(X)), Xm(e), ri(e), e["j"]), C14, **TL)
link(s, 15, 1, C14, C15, **TL)
link(s, 16, 1, C15, C16, **TL)
link(s, 17, 1, C16, lambda e: dfL(e, ri(e)) * math.exp(Xm(e)[ri(e), e["j"]]) / Srow(e, ri(e)), **TL)


# ---- leenashekhar-kl-gaussian: q = N(mu, sigma^2) with mu = b, sigma = 2 alpha; p = N(0, 1)
def _links_leenashekhar_kl_gaussian():   # a function, so that its helper names stay local
    s = "leenashekhar-kl-gaussian"
    def _grid(mu, sd):
        z = np.linspace(min(mu - 14 * sd, -14.0), max(mu + 14 * sd, 14.0), 40001)
        return z, z[1] - z[0]
    def _integral(f, mu, sd):
        z, dz = _grid(mu, sd)
        y = f(z)
        return float((y.sum() - 0.5 * (y[0] + y[-1])) * dz)
    npdf = lambda z, mu, sd: np.exp(-(z - mu) ** 2 / (2 * sd ** 2)) / np.sqrt(2 * np.pi * sd ** 2)
    mu_ = lambda e: e["b"]
    sd_ = lambda e: 2 * e["alpha"]
    qz = lambda e: (lambda z: npdf(z, mu_(e), sd_(e)))
    pz = lambda z: npdf(z, 0.0, 1.0)
    Iq = lambda e, g: _integral(lambda z: qz(e)(z) * g(z), mu_(e), sd_(e))
    KLq = lambda e: Iq(e, lambda z: np.log(qz(e)(z)) - np.log(pz(z)))
    B1 = lambda e: -Iq(e, lambda z: np.log(pz(z))) - (-Iq(e, lambda z: np.log(qz(e)(z))))
    B2 = lambda e: -Iq(e, lambda z: np.log(pz(z))) + Iq(e, lambda z: np.log(qz(e)(z)))
    KLS = dict(K=(1,), families=("free",))
    link(s, 1, 1, KLq, B1, **KLS)
    link(s, 1, 2, B1, B2, **KLS)
    link(s, 1, 3, B2, lambda e: Iq(e, lambda z: np.log(qz(e)(z) / pz(z))), **KLS)
    L3 = lambda e: math.log(1 / math.sqrt(2 * math.pi * sd_(e) ** 2)) + (-(e["x"] - mu_(e)) ** 2 / (2 * sd_(e) ** 2))
    link(s, 3, 1, lambda e: math.log(npdf(e["x"], mu_(e), sd_(e))), L3, **KLS)
    link(s, 3, 2, L3, lambda e: -0.5 * math.log(2 * math.pi * sd_(e) ** 2) - (e["x"] - mu_(e)) ** 2 / (2 * sd_(e) ** 2), **KLS)
    E0 = lambda e: -Iq(e, lambda z: np.log(qz(e)(z)))
    E1 = lambda e: Iq(e, lambda z: 0.5 * np.log(2 * np.pi * sd_(e) ** 2) + (z - mu_(e)) ** 2 / (2 * sd_(e) ** 2))
    E2 = lambda e: 0.5 * math.log(2 * math.pi * sd_(e) ** 2) * Iq(e, lambda z: 1.0 + 0 * z) + 1 / (2 * sd_(e) ** 2) * Iq(e, lambda z: (z - mu_(e)) ** 2)
    E3 = lambda e: 0.5 * math.log(2 * math.pi * sd_(e) ** 2) + 0.5
    link(s, 4, 1, E0, E1, **KLS)
    link(s, 4, 2, E1, E2, **KLS)
    link(s, 4, 3, E2, E3, **KLS)
    link(s, 4, 4, E3, lambda e: 0.5 * math.log(2 * math.pi) + 0.5 * math.log(sd_(e) ** 2) + 0.5, **KLS)
    C2 = lambda e: 0.5 * math.log(2 * math.pi) * Iq(e, lambda z: 1.0 + 0 * z) + 0.5 * Iq(e, lambda z: z ** 2)
    link(s, 5, 1, E0, E1, **KLS)
    link(s, 5, 2, E1, C2, **KLS)
    link(s, 5, 3, C2, lambda e: 0.5 * math.log(2 * math.pi) + 0.5 * (mu_(e) ** 2 + sd_(e) ** 2), **KLS)
    K1 = lambda e: (0.5 * math.log(2 * math.pi) + 0.5 * (mu_(e) ** 2 + sd_(e) ** 2) - 0.5 * math.log(2 * math.pi)
                    - 0.5 * math.log(sd_(e) ** 2) - 0.5)
    link(s, 6, 1, KLq, K1, **KLS)
    link(s, 6, 2, K1, lambda e: -0.5 * (1 + math.log(sd_(e) ** 2) + - mu_(e) ** 2 - sd_(e) ** 2), **KLS)
    link("injected/" + s, 6, 2, K1, lambda e: -0.5 * (1 + math.log(sd_(e) ** 2) + - mu_(e) ** 2 + sd_(e) ** 2), **KLS)
    # D dimensions: mu = X (D = K), sigma = u + 0.5; the LHS integrates each dimension numerically
    def _kl_diag(e):
        return sum(_integral(lambda z, m=m, sd=sd: npdf(z, m, sd) * (np.log(npdf(z, m, sd)) - np.log(pz(z))), m, sd)
                   for m, sd in zip(e["X"], e["u"] + 0.5))
    def _kl_sum_printed(e):
        m, sd = (e["X"], e["u"] + 0.5) if e.get("indexed") else (np.full(e["K"], e["X"][0]), np.full(e["K"], e["u"][0] + 0.5))
        return -0.5 * float(np.sum(1 + np.log(sd ** 2) + - m ** 2 - sd ** 2))
    def kl_indexed(e, rng):
        e["indexed"] = True
    link(s, 7, 1, _kl_diag, _kl_sum_printed, assume=kl_indexed, K=(1, 2, 3, 4, 5, 6), families=("free",))

_links_leenashekhar_kl_gaussian()

# ---- mshlis-focal-gradient: p = u_0, gamma; a = T is the factor that \propto leaves open
def _links_mshlis_focal_gradient():   # a function, so that its helper names stay local
    s = "mshlis-focal-gradient"
    P1 = dict(K=(1,), families=("free",))
    pp = lambda e: e["u"][0]
    gg = lambda e: e["gamma"]
    FLa = lambda e: (lambda p: -e["T"] * (1 - p) ** gg(e) * math.log(p))
    FGLa = lambda e: (lambda p: -e["T"] * (1 - pp(e)) ** gg(e) * math.log(p))      # the factor held constant
    CEdot = lambda e: d1(lambda p: -math.log(p), pp(e))
    F1 = lambda e: -(1 - pp(e)) ** gg(e) / pp(e) + gg(e) * (1 - pp(e)) ** (gg(e) - 1) * math.log(pp(e))
    F2 = lambda e: -(1 - pp(e)) ** gg(e) * CEdot(e) + gg(e) * (1 - pp(e)) ** (gg(e) - 1) * math.log(pp(e))
    F3 = lambda e: -(1 - pp(e)) ** gg(e) * CEdot(e) + e.get("R", e["m"])
    def unit_factor(e, rng):
        e["T"] = 1.0
    def r_is_residual(e, rng):
        e["R"] = gg(e) * (1 - pp(e)) ** (gg(e) - 1) * math.log(pp(e))
    link(s, 3, 1, lambda e: d1(FLa(e), pp(e)), F1, assume=unit_factor, **P1)
    link(s, 3, 2, F1, F2, **P1)
    link(s, 3, 3, F2, F3, assume=r_is_residual, **P1)
    link(s, 3, 4, lambda e: d1(FGLa(e), pp(e)), lambda e: -(1 - pp(e)) ** gg(e) / pp(e), assume=unit_factor, **P1)
    link(s, 3, 5, lambda e: -(1 - pp(e)) ** gg(e) / pp(e), lambda e: -(1 - pp(e)) ** gg(e) * CEdot(e), **P1)
    ng = lambda e: 1 + int(2 * e["gamma"])                      # an integer exponent, 2..6
    _gl = np.polynomial.legendre.leggauss(80)
    def _int_1_to_p(f, p):
        xg, wg = _gl
        zz = (1 - p) / 2 * xg + (1 + p) / 2
        return float(-(1 - p) / 2 * np.sum(wg * f(zz)))          # ∫_1^p = -∫_p^1
    Lint = lambda e: _int_1_to_p(lambda z: -(1 - z) ** ng(e) / z, pp(e))
    Lsum = lambda e, sgn=-1: sgn * math.log(pp(e)) - sum(math.comb(ng(e), i) * ((-pp(e)) ** i - (-1) ** i) / i for i in range(1, ng(e) + 1))
    link(s, 4, 2, Lint, Lsum, **P1)
    link("injected/" + s, 4, 2, Lint, lambda e: Lsum(e, +1), **P1)

_links_mshlis_focal_gradient()

# ---- mcv4u-quotient-rule: x > 0
def _links_mcv4u_quotient_rule():   # a function, so that its helper names stay local
    s = "mcv4u-quotient-rule"
    xq = lambda e: 0.1 + abs(e["x"])
    MQ = dict(K=(1,), families=("free",))
    def dq(f):
        return lambda e: d1(f, xq(e))
    f1 = lambda x: (x ** 2 + 2 * x) / (x + 1)
    f2 = lambda x: (x ** 3 - 4 * x) / (x ** 2 + 1)
    f3 = lambda x: 5 / (x ** 2 + 1)
    f4 = lambda x: math.sqrt(x) / (x + 2)
    f5 = lambda x: 3 / (x ** -2 + 4)
    MQR = {
     2: (f1, lambda x: ((x + 1) * (2 * x + 2) - (x ** 2 + 2 * x) * (1)) / (x + 1) ** 2),
     3: (f1, lambda x: ((x + 1) * (2 * x + 2) - (x ** 2 + 2 * x)) / (x + 1) ** 2),
     4: (f1, lambda x: (2 * x ** 2 + 2 * x + 2 * x + 2 - x ** 2 - 2 * x) / (x + 1) ** 2),
     5: (f1, lambda x: (x ** 2 + 2) / (x + 1) ** 2),
     6: (f1, lambda x: (x ** 2 + 2) / (x + 1) ** 2),
     8: (f2, lambda x: ((x ** 2 + 1) * (3 * x ** 2 - 4) - (x ** 3 - 4 * x) * (2 * x)) / (x ** 2 + 1) ** 2),
     9: (f2, lambda x: ((x ** 2 + 1) * (3 * x ** 2 - 4) - 2 * x * (x ** 3 - 4 * x)) / (x ** 2 + 1) ** 2),
     10: (f2, lambda x: (3 * x ** 4 - 4 * x ** 2 + 3 * x ** 2 - 4 - 2 * x ** 4 + 8 * x ** 2) / (x ** 2 + 1) ** 2),
     11: (f2, lambda x: (x ** 4 + 7 * x ** 2 - 4) / (x ** 2 + 1) ** 2),
     12: (f2, lambda x: (x ** 4 + 7 * x ** 2 - 4) / (x ** 2 + 1) ** 2),
     14: (f3, lambda x: ((x ** 2 + 1) * (0) - (5) * (2 * x)) / (x ** 2 + 1) ** 2),
     15: (f3, lambda x: (-10 * x) / (x ** 2 + 1) ** 2),
     16: (f3, lambda x: (-10 * x) / (x ** 2 + 1) ** 2),
     18: (f4, lambda x: ((x + 2) * (0.5 * x ** -0.5) - math.sqrt(x) * (1)) / (x + 2) ** 2),
     19: (f4, lambda x: (0.5 * (x + 2) * x ** -0.5 - x ** 0.5) / (x + 2) ** 2),
     20: (f4, lambda x: ((x + 2) / (2 * x ** 0.5) - x ** 0.5) / (x + 2) ** 2),
     21: (f4, lambda x: ((x + 2) / (2 * math.sqrt(x)) - math.sqrt(x)) / (x + 2) ** 2),
     23: (f5, lambda x: ((x ** -2 + 4) * (0) - (3) * (-2 * x ** -3)) / (x ** -2 + 4) ** 2),
     24: (f5, lambda x: (6 * x ** -3) / (x ** -2 + 4) ** 2),
     25: (f5, lambda x: (6 * x ** -3) / (x ** -2 + 4) ** 2),
    }
    for n, (fn, rhs) in MQR.items():
        link(s, n, 1, dq(fn), (lambda r: (lambda e: r(xq(e))))(rhs), **MQ)
    link("injected/" + s, 15, 1, dq(f3), lambda e: (10 * xq(e)) / (xq(e) ** 2 + 1) ** 2, **MQ)

_links_mcv4u_quotient_rule()

# ---- poscomp-chain-rule: concrete f(u) = sin(1.3u) + 0.5u, g(x) = 2 + cos(x) for the general rule
def _links_poscomp_chain_rule():   # a function, so that its helper names stay local
    s = "poscomp-chain-rule"
    fo = lambda u: math.sin(1.3 * u) + 0.5 * u
    gi = lambda x: 2.0 + math.cos(x)
    comp = lambda x: fo(gi(x))
    CR = lambda e: d1(fo, gi(e["x"])) * d1(gi, e["x"])
    link(s, 2, 1, lambda e: d1(comp, e["x"]), CR, **SC)
    link(s, 3, 1, lambda e: d1(comp, e["x"]), CR, **SC)
    link(s, 4, 1, lambda e: d1(lambda x: math.sin(x ** 2), e["x"]), lambda e: math.cos(e["x"] ** 2) * 2 * e["x"], **SC)
    link("injected/" + s, 4, 1, lambda e: d1(lambda x: math.sin(x ** 2), e["x"]), lambda e: math.cos(e["x"] ** 2) * e["x"], **SC)

_links_poscomp_chain_rule()

# ---- x35yao-logistic-regression: N = K examples x_i = rows of A[:, 1:], w = theta[1:], b, labels y = t
def _links_x35yao_logistic_regression():   # a function, so that its helper names stay local
    s = "x35yao-logistic-regression"
    XL = lambda e: e["A"][:, 1:]
    wl = lambda e: e["theta"][1:]
    zl = lambda e, w=None, b=None: XL(e) @ (wl(e) if w is None else w) + (e["b"] if b is None else b)
    Lp = lambda e: (lambda p: -float(np.sum(e["t"] * np.log(p) + (1 - e["t"]) * np.log(1 - p))))
    pl = lambda e: sig(zl(e))
    ii = lambda e: e["i"]
    LR = dict(K=(1, 2, 3, 4, 5, 6))
    def fd_p(f, pv, k):        # a step relative to the distance from 0 and 1
        h = H * min(pv[k], 1 - pv[k])
        a = np.array(pv, dtype=float); b = a.copy(); a[k] += h; b[k] -= h
        return (f(a) - f(b)) / (2 * h)
    link(s, 4, 1, lambda e: fd_p(Lp(e), pl(e), ii(e)),
         lambda e: -e["t"][ii(e)] / pl(e)[ii(e)] + (1 - e["t"][ii(e)]) / (1 - pl(e)[ii(e)]), **LR)
    link(s, 5, 1, lambda e: d1(sig, zl(e)[ii(e)]), lambda e: pl(e)[ii(e)] * (1 - pl(e)[ii(e)]), **LR)
    X6 = lambda e: (-e["t"][ii(e)] / pl(e)[ii(e)] + (1 - e["t"][ii(e)]) / (1 - pl(e)[ii(e)])) * pl(e)[ii(e)] * (1 - pl(e)[ii(e)])
    link(s, 6, 1, lambda e: fd(lambda zz: Lp(e)(sig(zz)), zl(e), ii(e)), X6, **LR)
    link(s, 6, 2, X6, lambda e: pl(e)[ii(e)] - e["t"][ii(e)], **LR)
    link("injected/" + s, 6, 2, X6, lambda e: e["t"][ii(e)] - pl(e)[ii(e)], **LR)
    link(s, 7, 1, lambda e: grad(lambda w: Lp(e)(sig(zl(e, w=w))), wl(e)), lambda e: XL(e).T @ (pl(e) - e["t"]), **LR)
    link(s, 8, 1, lambda e: d1(lambda b: Lp(e)(sig(zl(e, b=b))), e["b"]), lambda e: float(np.sum(pl(e) - e["t"])), **LR)

_links_x35yao_logistic_regression()

# ---- iceory-softmax-loss: x = z, y = softmax(z), one-hot label t (free/simplex/onehot sampled), C = K
def _links_iceory_softmax_loss():   # a function, so that its helper names stay local
    s = "iceory-softmax-loss"
    yI = lambda e: sm(e["z"])[e["i"]]
    yJ = lambda e: sm(e["z"])[e["j"]]
    eX = lambda e, k: math.exp(e["z"][k])
    SS = lambda e: S(e["z"])
    SAMEK = dict(case="same", stated=True, K=(1, 2, 3, 4, 5, 6))  # {\rm if}~i=j, in the display
    I3 = lambda e: (eX(e, e["j"]) * SS(e) - eX(e, e["i"]) * eX(e, e["i"])) / SS(e) ** 2
    I4 = lambda e: eX(e, e["i"]) / SS(e) * (SS(e) - eX(e, e["i"])) / SS(e)
    link(s, 2, 2, lambda e: fd(lambda z: sm(z)[e["i"]], e["z"], e["j"]), lambda e: fd(lambda z: sm(z)[e["i"]], e["z"], e["i"]), **SAMEK)
    link(s, 2, 3, lambda e: fd(lambda z: sm(z)[e["i"]], e["z"], e["i"]), I3, **SAMEK)
    link(s, 2, 4, I3, I4, **SAMEK)
    link(s, 2, 5, I4, lambda e: yI(e) * (1 - yI(e)), **SAMEK)
    link("injected/" + s, 2, 5, I4, lambda e: yI(e) * (1 + yI(e)), **SAMEK)
    Sk = lambda e: float(sum(math.e ** k for k in range(1, e["K"] + 1)))   # \sum e^k as printed
    J1 = lambda e: fd(lambda z: math.exp(z[e["j"]]) / Sk(e), e["z"], e["j"])
    J2 = lambda e: (0 * SS(e) - eX(e, e["i"]) * eX(e, e["j"])) / SS(e) ** 2
    J3 = lambda e: -eX(e, e["i"]) / SS(e) * eX(e, e["j"]) / SS(e)
    link(s, 3, 1, lambda e: fd(lambda z: sm(z)[e["i"]], e["z"], e["j"]), J1, **DJ)
    link(s, 3, 2, J1, J2, **DJ)
    link(s, 3, 3, J2, J3, **DJ)
    link(s, 3, 4, J3, lambda e: -yI(e) * yJ(e), **DJ)
    Lce = lambda e: (lambda z: -float(np.sum(e["t"] * np.log(sm(z)))))
    yv = lambda e: sm(e["z"])
    dyc = lambda e, c: fd(lambda z: sm(z)[c], e["z"], e["i"])
    ot = lambda e: [j for j in range(e["K"]) if j != e["i"]]
    Q1 = lambda e: -sum(fd(lambda z, c=c: e["t"][c] * math.log(sm(z)[c]), e["z"], e["i"]) for c in range(e["K"]))
    Q2 = lambda e: -sum(e["t"][c] * fd(lambda z, c=c: math.log(sm(z)[c]), e["z"], e["i"]) for c in range(e["K"]))
    Q3 = lambda e: -sum(e["t"][c] / yv(e)[c] * dyc(e, c) for c in range(e["K"]))
    Q4 = lambda e: -e["t"][e["i"]] / yI(e) * dyc(e, e["i"]) - sum(e["t"][j] / yv(e)[j] * dyc(e, j) for j in ot(e))
    Q5 = lambda e: -e["t"][e["i"]] / yI(e) * yI(e) * (1 - yI(e)) - sum(e["m"] * e["t"][j] / yv(e)[j] * (-yI(e) * yv(e)[j]) for j in ot(e))   # the stray \partial: a factor m
    Q6 = lambda e: -e["t"][e["i"]] + e["t"][e["i"]] * yI(e) + sum(e["t"][j] * yI(e) for j in ot(e))
    Q7 = lambda e: -e["t"][e["i"]] + yI(e) * float(np.sum(e["t"]))
    CE1 = dict(K=(1, 2, 3, 4, 5, 6))
    for p, (a, b_) in enumerate([(lambda e: fd(Lce(e), e["z"], e["i"]), Q1), (Q1, Q2), (Q2, Q3), (Q3, Q4), (Q4, Q5), (Q5, Q6), (Q6, Q7)], 1):
        link(s, 6, p, a, b_, **CE1)
    link(s, 6, 8, Q7, lambda e: yI(e) - e["t"][e["i"]], assume="simplex", **CE1)

_links_iceory_softmax_loss()

# ---- triton-mse: A = rows (z, v), B = rows (c, Y) (M = 2, N = K); entry (i mod 2, j); printed row k = bit
def _links_triton_mse():   # a function, so that its helper names stay local
    s = "triton-mse"
    Am = lambda e: np.vstack([e["z"], e["v"]])
    Bm = lambda e: np.vstack([e["c"], e["Y"]])
    MN = lambda e: 2 * e["K"]
    mse = lambda A, B: float(np.mean((A - B) ** 2))
    TM = dict(K=(1, 2, 3, 4, 5, 6))
    link(s, 3, 1, lambda e: d1(lambda x: (x - e["w"]) ** 2, e["x"]), lambda e: 2 * (e["x"] - e["w"]), **SC)
    link(s, 4, 1, lambda e: d1(lambda y: (y - e["x"]) ** 2, e["w"]), lambda e: 2 * (e["w"] - e["x"]), **SC)
    def _printed_sum(e, A, B):
        k = rk(e)
        return 1 / MN(e) * sum(sum((A[k, l] - B[k, l]) ** 2 for l in range(e["K"])) for p in range(2))
    dA = lambda e, f: fdX(f, Am(e), ri(e), e["j"])
    dB = lambda e, f: fdX(f, Bm(e), ri(e), e["j"])
    M6 = lambda e: dA(e, lambda A: _printed_sum(e, A, Bm(e)))
    M7 = lambda e: dA(e, lambda A: 1 / MN(e) * (A[ri(e), e["j"]] - Bm(e)[ri(e), e["j"]]) ** 2)
    link(s, 6, 1, lambda e: dA(e, lambda A: mse(A, Bm(e))), M6, **TM)
    link(s, 7, 1, M6, M7, **TM)
    link(s, 8, 1, M7, lambda e: 1 / MN(e) * 2 * (Am(e)[ri(e), e["j"]] - Bm(e)[ri(e), e["j"]]), **TM)
    N6 = lambda e: dB(e, lambda B: _printed_sum(e, Am(e), B))
    N7 = lambda e: dB(e, lambda B: 1 / MN(e) * (Am(e)[ri(e), e["j"]] - B[ri(e), e["j"]]) ** 2)
    link(s, 10, 1, lambda e: dB(e, lambda B: mse(Am(e), B)), N6, **TM)
    link(s, 11, 1, N6, N7, **TM)
    link(s, 12, 1, N7, lambda e: 1 / MN(e) * 2 * (Bm(e)[ri(e), e["j"]] - Am(e)[ri(e), e["j"]]), **TM)
    link("injected/" + s, 12, 1, N7, lambda e: 1 / MN(e) * 2 * (Am(e)[ri(e), e["j"]] - Bm(e)[ri(e), e["j"]]), **TM)
    fo_ = lambda m: math.sin(m) + m ** 2
    dfo = lambda e: d1(fo_, mse(Am(e), Bm(e)))
    dfv = lambda e: dfo(e) if e.get("df_named") else e["m"]
    def df_is_derivative(e, rng):
        e["df_named"] = True
    link(s, 14, 1, lambda e: dA(e, lambda A: fo_(mse(A, Bm(e)))), lambda e: dfo(e) * dA(e, lambda A: mse(A, Bm(e))), **TM)
    link(s, 15, 1, lambda e: dfo(e) * dA(e, lambda A: mse(A, Bm(e))),
         lambda e: dfv(e) * 1 / MN(e) * 2 * (Am(e)[ri(e), e["j"]] - Bm(e)[ri(e), e["j"]]), assume=df_is_derivative, **TM)
    link(s, 18, 1, lambda e: dB(e, lambda B: fo_(mse(Am(e), B))), lambda e: dfo(e) * dB(e, lambda B: mse(Am(e), B)), **TM)
    link(s, 19, 1, lambda e: dfo(e) * dB(e, lambda B: mse(Am(e), B)),
         lambda e: dfv(e) * 1 / MN(e) * 2 * (Bm(e)[ri(e), e["j"]] - Am(e)[ri(e), e["j"]]), assume=df_is_derivative, **TM)
_links_triton_mse()

# --------------------------------------------------------------- engine
def rel_err(a, b):
    a = np.asarray(a, dtype=float); b = np.asarray(b, dtype=float)
    if a.shape != b.shape or not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return float("inf")
    return float(np.max(np.abs(a - b) / (1.0 + np.maximum(np.abs(a), np.abs(b)))))

def run(lhs, rhs, opts, assume=None, seed=0):
    if opts.get("fixed"):
        e = {}
        err = float(np.max(np.abs(np.asarray(lhs(e)) - np.asarray(rhs(e)))))
        return err, 1, err <= opts.get("tol", TOL)
    rng = np.random.default_rng(seed)
    worst, count = 0.0, 0
    for K in opts.get("K", (2, 3, 4, 5, 6)):
        if opts.get("case") == "distinct" and K < 2:
            continue
        for fam in opts.get("families", FAMILIES):
            for _ in range(SAMPLES):
                e = make_env(rng, K, fam, opts.get("case"))
                if assume is not None:
                    (ASSUME[assume] if isinstance(assume, str) else assume)(e, rng)
                worst = max(worst, rel_err(lhs(e), rhs(e)))
                count += 1
    return worst, count, worst < TOL

def classify(lhs, rhs, opts):
    err, n, ok = run(lhs, rhs, opts)
    if ok and opts.get("case") == "distinct" and not opts.get("stated"):
        # the display does not state that the indices differ (only the prose does): a link
        # that fails where they coincide holds only under that assumption
        err_same, _, ok_same = run(lhs, rhs, {**opts, "case": "same"}, seed=2)
        if not ok_same:
            return "needs", err_same, n, err
    if ok and opts.get("case") == "same" and not opts.get("stated"):
        # likewise a link checked only where the indices coincide, a case the prose states
        distinct = {**opts, "case": "distinct", "K": tuple(k for k in opts.get("K", (2,))
                                                            if k >= 2) or (2,)}
        err_other, _, ok_other = run(lhs, rhs, distinct, seed=2)
        if not ok_other:
            return "needs", err_other, n, err
    if ok:
        return "true", err, n, None
    if "assume" in opts:
        err2, n2, ok2 = run(lhs, rhs, opts, assume=opts["assume"], seed=1)
        return ("needs" if ok2 else "false"), err, n, err2
    return "false", err, n, None

def category(expected):
    return "needs" if expected.startswith("needs:") else expected

def expect_files():
    return sorted(HERE.glob("*.expect.json")) + sorted((HERE / "injected").glob("*.expect.json"))

def check(write=False, verbose=True):
    problems = []
    rows = []
    for path in expect_files():
        slug = path.name[: -len(".expect.json")]
        tag = ("injected/" + slug) if path.parent.name == "injected" else slug
        data = json.loads(path.read_text(encoding="utf-8"))
        changed = False
        for disp in data["displays"]:
            for ln in disp.get("links", []):
                key = (tag, disp["index"], ln["position"])
                fn = L.get(key) or L.get((slug, disp["index"], ln["position"]))
                if fn is None:
                    problems.append(f"{tag} {disp['index']}.{ln['position']}: no oracle functions")
                    continue
                got, err, n, err2 = classify(*fn)
                want = category(ln["expected"])
                fams = "/".join(fn[2].get("families", FAMILIES)) if not fn[2].get("fixed") else "fixed example"
                Ks = fn[2].get("K", (2, 3, 4, 5, 6))
                num = (f"numeric: max rel |lhs-rhs| = {err:.1e} over {n} points"
                       + ("" if fn[2].get("fixed") else f" (K={min(Ks)}..{max(Ks)}, {fams})"))
                if err2 is not None:
                    num += f"; under the assumption: {err2:.1e}"
                how = ln.get("how", "")
                base = how.split("; numeric:")[0] if "; numeric:" in how else how
                new_how = f"{base}; {num}" if base else num
                if new_how != how:
                    ln["how"] = new_how; changed = True
                ok = got == want
                rows.append((tag, disp["index"], ln["position"], want, got, err, "ok" if ok else "DISAGREES"))
                if not ok:
                    problems.append(f"{tag} {disp['index']}.{ln['position']}: expected {want}, numbers say {got} (err {err:.1e})")
        if write and changed:
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if verbose:
        print(f"{'document':44} {'link':>6} {'expected':>9} {'numbers':>8} {'max err':>9}")
        for tag, n, p, want, got, err, flag in rows:
            print(f"{tag:44} {f'{n}.{p}':>6} {want:>9} {got:>8} {err:9.1e} {flag}")
        print(f"{len(rows)} links checked, {len(problems)} problems")
        for pr in problems:
            print("  " + pr)
    return rows, problems

if __name__ == "__main__":
    _, probs = check(write="--write" in sys.argv)
    sys.exit(1 if probs else 0)
