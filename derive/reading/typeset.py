"""How a tree is written back: as LaTeX (:func:`latex_of`) and as plain text (:func:`text_of`).

Owns the printers of :mod:`derive.reading.syntax`'s nodes: precedence and grouping, the
spelling of subscripts, samples (x^{(i)}), class labels (y_i in f_{y_i}) and whole vectors
and matrices given to a function, and the layout of derivatives, sums and indicators. A
printer only writes what the tree holds: no maths, no sympy. :func:`derive.reading.syntax.
to_latex` and ``to_text`` are the public names.
"""

from __future__ import annotations

from derive.reading.names import (
    SAMPLE,
    applied_parts,
    label_parts,
    name_text,
    separators_latex,
    separators_text,
)
from derive.reading.syntax import (
    Add,
    Apply,
    BigOp,
    Case,
    Deriv,
    Exp,
    Frac,
    Func,
    Indicator,
    Log,
    Mul,
    Neg,
    Node,
    Num,
    Paren,
    Pow,
    Sym,
)

# --------------------------------------------------------------------------- LaTeX printer

_PREC_ADD, _PREC_MUL, _PREC_NEG, _PREC_POW, _PREC_ATOM = 1, 2, 3, 4, 5


def _prec(node: Node) -> int:
    if isinstance(node, Add):
        return _PREC_ADD
    if isinstance(node, (Mul, BigOp)) or (isinstance(node, Deriv) and node.operator):
        return _PREC_MUL
    if isinstance(node, Neg):
        return _PREC_NEG
    if isinstance(node, Frac) and node.style == "slash":
        return _PREC_MUL
    if isinstance(node, Pow) or (isinstance(node, Sym) and node.name.endswith(SAMPLE) and
                                 node.sub):  # x^{(i)} is written with a superscript
        return _PREC_POW
    return _PREC_ATOM


def _side_latex(side: str) -> str:
    label = label_parts(side)  # 1(y_i = k): the label y_i
    return f"{label[0]}_{{{label[1]}}}" if label else side


def case_latex(case: Case) -> str:
    op = "=" if case.equal else (case.style if case.style != "=" else r"\neq")
    sep = "" if op == "=" else " "
    left, right = _side_latex(case.left), _side_latex(case.right)
    return f"{left}{sep}{op}{sep}{right}" if op != "=" else f"{left} = {right}"


def _sub_latex(sym: Sym) -> str:
    if sym.name.endswith(SAMPLE) and sym.sub:
        rest = Sym(sym.name[:-len(SAMPLE)], sym.sub[1:], braced=True)
        return "^{(" + latex_of(sym.sub[0]) + ")}" + _sub_latex(rest)
    if sym.case is not None:
        c = sym.case
        op = "=" if c.equal else (r"\not=" if c.style == r"\not=" else c.style or r"\neq")
        inner = f"{c.left}={c.right}" if c.equal else f"{c.left} {op} {c.right}"
        return "_{" + inner + "}"
    if not sym.sub:
        return ""
    labelled = len(sym.sub) > 1 and any(isinstance(s, Sym) and label_parts(s.name) for s in sym.sub)
    inner = ("," if labelled else "").join(latex_of(s) for s in sym.sub)
    if len(sym.sub) == 1 and len(inner) == 1 and not sym.braced:
        return "_" + inner
    return "_{" + inner + "}"


def latex_of(node: Node) -> str:
    """Print a tree back to LaTeX in the author's notation."""
    return _latex(node)


def _wrap(node: Node, min_prec: int) -> str:
    text = _latex(node)
    return f"({text})" if _prec(node) < min_prec else text


def _group(text: str) -> str:
    return "{" + text + "}"


def _whole_matrix(node: Node) -> str | None:
    """The name of a whole matrix given to a function (a vec of rows of X_{ab}), else None."""
    row = node.body if isinstance(node, BigOp) and node.kind == "vec" else None
    entry = row.body if isinstance(row, BigOp) and row.kind == "vec" else None
    return entry.name if isinstance(entry, Sym) and len(entry.sub) == 2 else None


def _latex(node: Node) -> str:  # noqa: C901 - one case per node type
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Sym):
        base = node.name[:-len(SAMPLE)] if node.name.endswith(SAMPLE) and node.sub else node.name
        label = label_parts(base)
        base = f"{label[0]}_{{{label[1]}}}" if label else base  # f_{y_i}: the label y_i
        applied = applied_parts(base)
        if applied is not None:
            base = f"{applied[0]}({applied[1]})"
        return base + _sub_latex(node)
    if isinstance(node, Apply):
        seps = separators_latex(node.seps, node.style, len(node.args))
        inner = _latex(node.args[0]) + "".join(w + _latex(a) for w, a in zip(seps, node.args[1:]))
        close = "]" if node.brackets == "[" else ")"
        return _latex(node.func) + "'" * node.primes + node.brackets + inner + close
    if isinstance(node, Func):
        if node.name == "sqrt":
            return "\\sqrt{" + _latex(node.arg) + "}"
        inner = _latex(node.arg)
        return f"\\{node.name}" + (inner if isinstance(node.arg, Paren) else f"({inner})")
    if isinstance(node, Neg):
        return "-" + _wrap(node.arg, _PREC_MUL)
    if isinstance(node, Add):
        out = []
        for n, term in enumerate(node.terms):
            if isinstance(term, Neg):
                body = _wrap(term.arg, _PREC_MUL)
                out.append(("-" if n == 0 else " - ") + body)
            else:
                out.append(("" if n == 0 else " + ") + _latex(term))
        return "".join(out)
    if isinstance(node, Mul):
        parts = []
        for n, f in enumerate(node.factors):
            text = _wrap(f, _PREC_MUL + 1 if n else _PREC_MUL) if not isinstance(f, BigOp) else (
                _latex(f) if n == len(node.factors) - 1 else f"({_latex(f)})")
            if isinstance(f, Neg) and n:
                text = f"({_latex(f)})"
            op = node.ops[n - 1] if n and len(node.ops) >= n else ""
            if n == 0:
                parts.append(text)
            elif op:
                parts.append(f" {op} {text}")
            else:
                prev = parts[-1]
                glue = "" if (prev.endswith("}") or prev.endswith(")")) and text[:1] in "(" else " "
                if text[:1].isdigit() and not isinstance(f, Indicator):  # x 2 typesets as x2
                    glue = " \\cdot "
                parts.append(glue + text)
        return "".join(parts)
    if isinstance(node, Frac):
        if node.style == "over":
            return "{" + _latex(node.num) + " \\over " + _latex(node.den) + "}"
        if node.style == "slash":
            return _wrap(node.num, _PREC_MUL) + "/" + _wrap(node.den, _PREC_POW)
        return f"\\{node.style}{_group(_latex(node.num))}{_group(_latex(node.den))}"
    if isinstance(node, Pow):
        return _wrap(node.base, _PREC_ATOM) + "^" + _group(_latex(node.exp))
    if isinstance(node, Exp):
        if node.style == "exp":
            inner = _latex(node.arg)
            return "\\exp" + inner if isinstance(node.arg, Paren) else "\\exp(" + inner + ")"
        return "e^" + _group(_latex(node.arg))
    if isinstance(node, Log):
        arg = node.arg
        inner = _latex(arg)
        if isinstance(arg, (Sym, Apply, Paren, Num, Frac, BigOp)):
            sep = "" if isinstance(arg, Paren) else " "
            return f"\\{node.style}{sep}{inner}"
        return f"\\{node.style}({inner})"
    if isinstance(node, Paren):
        opened = {"(": "(", "[": "[", "{": "{", "\\{": "\\{"}.get(node.open, node.open)
        closed = {")": ")", "]": "]", "}": "}", "\\}": "\\}"}.get(node.close, node.close)
        return opened + _latex(node.inner) + closed
    if isinstance(node, BigOp) and node.kind == "vec" and isinstance(node.body, Sym):
        if node.written == "dots" and node.lo is not None and node.hi is not None:
            b = node.body.name  # f(z_1, \ldots, z_k), as written
            return f"{b}_{{{_latex(node.lo)}}}, \\ldots, {b}_{{{_latex(node.hi)}}}"
        if len(node.body.sub) > 1:  # a row of a family of more indices: 𝐱^{(i)}
            return _latex(Sym(node.body.name, node.body.sub[:-1]))
        return "\\mathbf{" + node.body.name + "}"  # a whole vector given to a function
    if _whole_matrix(node):
        return "\\mathbf{" + str(_whole_matrix(node)) + "}"  # a whole matrix: rows of entries
    if isinstance(node, BigOp) and node.kind == "vec":  # its entries, as given: (x_k + 1)_k
        entry = _latex(node.body.inner if isinstance(node.body, Paren) else node.body)
        return (f"\\left({entry}\\right)_{{{node.index}={_latex(node.lo)}}}^"
                f"{{{_latex(node.hi)}}}" if node.lo is not None and node.hi is not None else
                f"\\left({entry}\\right)_{{{node.index}}}")
    if isinstance(node, BigOp):
        head = "\\" + node.kind
        if node.written == "bare":
            return head + " " + _wrap(node.body, _PREC_MUL)
        if node.written == "index":
            return head + "_{" + str(node.index) + "} " + _wrap(node.body, _PREC_MUL)
        if node.index is not None and node.lo is not None:
            head += "_{" + node.index + "=" + _latex(node.lo) + "}"
        elif node.index is not None:
            head += "_{" + node.index + "}"
        if node.hi is not None:
            hi = _latex(node.hi)
            head += "^" + (hi if len(hi) == 1 else _group(hi))
        return head + " " + _wrap(node.body, _PREC_MUL)
    if isinstance(node, Indicator):
        c = node.case
        if node.style in ("delta", "delta,"):
            sep = "," if node.style == "delta," else ""
            return "\\delta_{" + c.left + sep + c.right + "}"
        cond = case_latex(c)
        if node.style == "1()":
            return f"1({cond})"
        if node.style.endswith("[]"):
            head = {"[]": "", "mathbb[]": "\\mathbb{1}", "mathbf[]": "\\mathbf{1}"}[node.style]
            return f"{head}[{cond}]"
        if node.style == "mathbb":
            return "\\mathbb{1}\\{" + cond + "\\}"
        if node.style == "mathbf":
            return "\\mathbf{1}\\{" + cond + "\\}"
        if node.style == "mathbb_":
            return "\\mathbb{1}_{" + cond + "}"
        return "1\\{" + cond + "\\}"
    if isinstance(node, Deriv):
        d = {"partial": "\\partial", "d": "d", "mathrm": "\\mathrm{d}"}[node.style]
        order = len(node.wrt)
        num = d + (f"^{order}" if order > 1 else "")
        den = _deriv_den(node, d)
        if node.operator:
            head = f"\\frac{{{num}}}{{{den}}}"
            return head + " " + _wrap(node.expr, _PREC_POW)
        body = _latex(node.expr)
        if node.frac == "over":
            return "{" + num + " " + body + " \\over " + den + "}"
        return f"\\frac{{{num} {body}}}{{{den}}}"
    raise TypeError(f"cannot print {type(node).__name__}")


def _deriv_den(node: Deriv, d: str) -> str:
    groups: list[tuple[Sym, int]] = []
    for v in node.wrt:
        if groups and groups[-1][0] == v:
            groups[-1] = (v, groups[-1][1] + 1)
        else:
            groups.append((v, 1))
    parts = []
    for v, n in groups:
        parts.append(d + " " + _latex(v) + (f"^{n}" if n > 1 else ""))
    return " ".join(parts)


# --------------------------------------------------------------------------- text printer

def text_of(node: Node) -> str:
    """Print a tree as readable plain text (Unicode, one line)."""
    return _text(node)


def _twrap(node: Node, min_prec: int) -> str:
    text = _text(node)
    return f"({text})" if _prec(node) < min_prec else text


def _sub_text(sym: Sym) -> str:
    if sym.name.endswith(SAMPLE) and sym.sub:
        return "^(" + _text(sym.sub[0]) + ")" + _sub_text(Sym(sym.name[:-len(SAMPLE)], sym.sub[1:]))
    if sym.case is not None:
        c = sym.case
        return "_{" + c.left + ("=" if c.equal else "≠") + c.right + "}"
    if not sym.sub:
        return ""
    # a label among several subscripts, W_{y_i,j}: commas, or it would read as W_{y_ij}
    labelled = len(sym.sub) > 1 and any(isinstance(s, Sym) and label_parts(s.name) for s in sym.sub)
    inner = ("," if labelled else "").join(_text(s) for s in sym.sub)
    return "_" + inner if len(inner) == 1 else "_{" + inner + "}"


def _text(node: Node) -> str:  # noqa: C901
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Sym):
        if node.name.endswith(SAMPLE) and node.sub:
            return name_text(node.name[:-len(SAMPLE)]) + _sub_text(node)
        return name_text(node.name) + _sub_text(node)
    if isinstance(node, Apply):
        seps = separators_text(node.seps, node.style, len(node.args))
        inner = _text(node.args[0]) + "".join(w + _text(a) for w, a in zip(seps, node.args[1:]))
        close = "]" if node.brackets == "[" else ")"
        return _text(node.func) + "′" * node.primes + node.brackets + inner + close
    if isinstance(node, Func):
        inner = _text(node.arg)
        name = "√" if node.name == "sqrt" else node.name
        return name + (inner if isinstance(node.arg, Paren) else f"({inner})")
    if isinstance(node, Neg):
        return "−" + _twrap(node.arg, _PREC_MUL)
    if isinstance(node, Add):
        out = []
        for n, term in enumerate(node.terms):
            if isinstance(term, Neg):
                out.append(("−" if n == 0 else " − ") + _twrap(term.arg, _PREC_MUL))
            else:
                out.append(("" if n == 0 else " + ") + _text(term))
        return "".join(out)
    if isinstance(node, Mul):
        parts = []
        for n, f in enumerate(node.factors):
            t = _twrap(f, _PREC_MUL + 1 if n else _PREC_MUL)
            if isinstance(f, BigOp) and n < len(node.factors) - 1:
                t = f"({t})"
            if isinstance(f, Neg) and n:
                t = f"({_text(f)})"
            parts.append(t)
        if any(node.ops):
            return " · ".join(parts)
        # (x 2 x reads like x²x or 2 as a subscript: a number after the first factor gets a dot)
        return parts[0] + "".join(
            (" · " if t[:1].isdigit() and not isinstance(f, Indicator) else " ") + t
            for t, f in zip(parts[1:], node.factors[1:]))
    if isinstance(node, Frac):
        return _twrap(node.num, _PREC_POW) + "/" + _twrap(node.den, _PREC_POW)
    if isinstance(node, Pow):
        return _twrap(node.base, _PREC_ATOM) + "^" + _twrap(node.exp, _PREC_ATOM)
    if isinstance(node, Exp):
        if node.style == "exp":
            inner = _text(node.arg)
            return "exp" + inner if isinstance(node.arg, Paren) else "exp(" + inner + ")"
        inner = _text(node.arg)
        return "e^" + (inner if len(inner) == 1 else "{" + inner + "}")
    if isinstance(node, Log):
        inner = _text(node.arg)
        if isinstance(node.arg, (Sym, Num, Apply, Paren)):
            sep = "" if isinstance(node.arg, Paren) else " "
            return f"{node.style}{sep}{inner}"
        return f"{node.style}({inner})"
    if isinstance(node, Paren):
        return "(" + _text(node.inner) + ")"
    if isinstance(node, BigOp) and node.kind == "vec" and isinstance(node.body, Sym):
        if node.written == "dots" and node.lo is not None and node.hi is not None:
            b = name_text(node.body.name)
            return f"{b}_{_text(node.lo)}, …, {b}_{_text(node.hi)}"
        if len(node.body.sub) > 1:  # a row of a family of more indices: 𝐱^{(i)}
            return _text(Sym(node.body.name, node.body.sub[:-1]))
        return name_text(node.body.name)  # a whole vector given to a function
    if _whole_matrix(node):
        return name_text(str(_whole_matrix(node)))  # a whole matrix: rows of entries
    if isinstance(node, BigOp) and node.kind == "vec":  # its entries, as given
        entry = _text(node.body.inner if isinstance(node.body, Paren) else node.body)
        return (f"({entry})_{{{node.index}={_text(node.lo)}..{_text(node.hi)}}}"
                if node.lo is not None and node.hi is not None else f"({entry})_{node.index}")
    if isinstance(node, BigOp):
        sym = "Σ" if node.kind == "sum" else "Π"
        if node.written == "bare":
            return sym + " " + _twrap(node.body, _PREC_MUL)
        if node.written == "index":
            return sym + "_" + str(node.index) + " " + _twrap(node.body, _PREC_MUL)
        if node.index is not None and node.lo is not None:
            sym += "_{" + node.index + "=" + _text(node.lo) + "}"
        elif node.index is not None:
            sym += "_" + node.index
        if node.hi is not None:
            sym += "^" + _twrap(node.hi, _PREC_ATOM)
        return sym + " " + _twrap(node.body, _PREC_MUL)
    if isinstance(node, Indicator):
        c = node.case
        if node.style.startswith("delta"):
            return "δ_" + c.left + c.right
        return "1{" + name_text(c.left) + ("=" if c.equal else "≠") + name_text(c.right) + "}"
    if isinstance(node, Deriv):
        d = "∂" if node.style == "partial" else "d"
        order = len(node.wrt)
        num = d + (f"^{order}" if order > 1 else "")
        if order <= 1:
            den = "".join(d + _text(v) for v in node.wrt)
        else:
            den = _deriv_den(node, d).replace("\\partial ", "∂").replace("d ", "d")
        if node.operator:
            return f"{num}/{den} " + _twrap(node.expr, _PREC_POW)
        body = _text(node.expr)
        if isinstance(node.expr, (Sym, Apply, Log, Exp, Paren)):  # (a Paren prints its own)
            return f"{num}{body}/{den}"
        return f"{num}({body})/{den}"
    raise TypeError(f"cannot print {type(node).__name__}")


__all__ = ["latex_of", "text_of", "case_latex"]
