"""Safety: text in a document is data, never code.

Python payloads (``__import__("os").system("touch PWNED")``, ``eval``, ``exec``,
``lambda``, dunder walks) and TeX shell escapes are placed in the math (sides,
fractions, subscripts, exponents, sum limits, function calls, aligned rows) and in the
YAML front matter (title, every ``derive:`` key, assumptions, expectations). Each
document is read and checked — in-process and through the CLI — with a fresh temporary
working directory and HOME, and the marker file must not appear, whatever the verdict or
error. A control test shows the payloads are live: handed to ``sympy.sympify`` they do
create the marker.

A static test parses every module of the ``derive`` package and refuses calls that turn
text into code: ``eval``, ``exec``, ``compile``, ``__import__``, ``sympify``/``parse_expr``/
``parse_latex`` and ``S("…")`` with a non-literal or string argument.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

import derive
from derive.reading.document import read_document

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "derive"
MARK = "PWNED"

PAYLOADS = [
    f'__import__("os").system("touch {MARK}")',
    f"__import__('os').system('touch {MARK}')",
    f'eval("open(\'{MARK}\', \'w\').close()")',
    f'exec("open(\'{MARK}\', \'w\').close()")',
    f"open('{MARK}', 'w').close()",
    "lambda: 0",
    "().__class__.__bases__[0].__subclasses__()",
    f'os.system("touch {MARK}")',
    f'(lambda: __import__("os").system("touch {MARK}"))()',
    "[c for c in ().__class__.__base__.__subclasses__()]",
    f'getattr(__builtins__, "exec")("open(\'{MARK}\',\'w\')")',
    f"\\immediate\\write18{{touch {MARK}}}",
    f"\\write18{{touch {MARK}}}",
    f"\\input{{|touch {MARK}}}",
    f"$(touch {MARK})",
    f"`touch {MARK}`",
]

# Where a payload goes in the math; {p} is the payload.
MATH_PLACES = [
    "$$x = {p}$$",
    "$${p} = x$$",
    "$$\\frac{{{p}}}{{2}} = x$$",
    "$$\\frac{{1}}{{{p}}} = x$$",
    "$$y_{{{p}}} = 1$$",
    "$$e^{{{p}}} = 1$$",
    "$$\\sum_{{k=1}}^{{{p}}} z_k = 1$$",
    "$$\\log({p}) = 0$$",
    "$$f({p}) = 1$$",
    "$$\\sigma(u) = {p}$$\n\n$$\\sigma(1) = 2$$",
    "\\begin{{align}}\nx &= {p} \\\\\n  &= 1\n\\end{{align}}",
    "$$x = 1 \\quad \\text{{{p}}}$$",
    "$$x = 1$$ and `{p}` in prose.\n\n```\n{p}\n```\n\n$$y = {p}$$",
]

# Where a payload goes in the front matter.
FRONT_PLACES = [
    'title: "{q}"',
    "title: {p}",
    "derive:\n  functions: [{p}]",
    'derive:\n  functions: ["{q}"]',
    "derive:\n  constants: [{p}]",
    "derive:\n  families: [{p}]",
    'derive:\n  indices:\n    k: "{q}"',
    "derive:\n  indices:\n    {p}: \"[1, K]\"",
    'derive:\n  assumptions:\n    - "{q}"',
    "derive:\n  assumptions: [{p}]",
    'expect: ["{q}"]',
    "{p}: 1",
    "derive: {p}",
]


def _yaml_quoted(p: str) -> str:
    return p.replace("\\", "\\\\").replace('"', '\\"')


def math_documents():
    for place in MATH_PLACES:
        for p in PAYLOADS:
            yield place.format(p=p) + "\n\n$$1 + 1 = 2$$\n"


def front_documents():
    for place in FRONT_PLACES:
        for p in PAYLOADS:
            head = place.format(p=p, q=_yaml_quoted(p))
            yield f"---\n{head}\n---\n\n$$x = {p}$$\n\n$$1 + 1 = 2$$\n"


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A fresh cwd and HOME; fails the test if the marker shows up anywhere below them."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DERIVE_CACHE_DIR", str(tmp_path / "cache"))
    yield work
    found = [str(p) for p in tmp_path.rglob(f"*{MARK}*")]
    assert not found, f"a payload ran: {found}"


def _assert_no_marker(where: Path) -> None:
    found = [str(p) for p in where.rglob(f"*{MARK}*")]
    assert not found, f"a payload ran: {found}"
    assert not Path(MARK).exists()


def test_payloads_are_live(tmp_path):
    """Control: the payloads do run when text is evaluated (here by sympify), so the tests
    below would see the marker if derive evaluated any text."""
    code = (
        "import sympy\n"
        f"payload = {PAYLOADS[0]!r}\n"
        "try:\n"
        "    sympy.sympify(payload)\n"
        "except Exception:\n"
        "    pass\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, check=True, timeout=120,
                   capture_output=True)
    assert (tmp_path / MARK).exists()


def test_math_payloads_are_only_read(sandbox):
    docs = list(math_documents())
    assert len(docs) >= 150
    for text in docs:
        doc = read_document(text, "payload.md")
        assert doc.equations
        _assert_no_marker(sandbox)


def test_math_payloads_are_checked_safely(sandbox):
    for text in math_documents():
        report = derive.check_text(text, source="payload.md", timeout=5)
        _assert_no_marker(sandbox)
        # the payload never becomes maths: its equation is an error, and 1 + 1 = 2 still holds
        last = report.equations[-1]
        assert last.kind == "claim" and last.links[0].verdict.value == "proved", text
        assert report.exit_code == 2, (text, report.exit_code)
        assert report.to_json()


def test_front_matter_payloads_are_checked_safely(sandbox):
    docs = list(front_documents())
    assert len(docs) >= 150
    for text in docs:
        report = derive.check_text(text, source="payload.md", timeout=5)
        _assert_no_marker(sandbox)
        last = report.equations[-1]
        assert last.kind == "claim" and last.links[0].verdict.value == "proved", text
        assert report.exit_code == 2, (text, report.exit_code)


def test_payloads_through_the_cli(tmp_path):
    """The whole path a user runs, in a subprocess, with the on-disk cache enabled."""
    work = tmp_path / "work"
    work.mkdir()
    docs = list(math_documents())[::7] + list(front_documents())[::7]
    for n, text in enumerate(docs):
        (work / f"doc{n:03}.md").write_text(text, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "DERIVE_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for fmt in ("json", "plain", "html"):
        args = [sys.executable, "-m", "derive", "check", ".", "--format", fmt, "--timeout", "5"]
        if fmt == "html":
            args[4] = str(work / "doc000.md")
        proc = subprocess.run(args, cwd=work, env=env, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 2, (fmt, proc.returncode, proc.stderr[-2000:])
        assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
        _assert_no_marker(tmp_path)


# --------------------------------------------------------------------------- static check

BUILTIN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
TEXT_TO_SYMPY = {"sympify", "parse_expr", "parse_latex", "parse_mathematica", "S"}


def _modules() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 15, files
    return files


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _harmless_number(args: list[ast.expr]) -> bool:
    """S(1), sympify(0): a numeric literal is not text."""
    return len(args) == 1 and isinstance(args[0], ast.Constant) and isinstance(
        args[0].value, (int, float)) and not isinstance(args[0].value, bool)


def offending_calls(source: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        if isinstance(node.func, ast.Name) and name in BUILTIN_CALLS:
            out.append((node.lineno, name))
        elif name in TEXT_TO_SYMPY and not _harmless_number(node.args):
            out.append((node.lineno, name))
    return out


def offending_tokens(source: str) -> list[tuple[int, str]]:
    """The grep: NAME '(' for the same names, with comments and strings left out."""
    out = []
    toks = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
            if t.type not in (tokenize.COMMENT, tokenize.STRING, tokenize.NL, tokenize.NEWLINE)]
    for n, tok in enumerate(toks):
        prev = toks[n - 1] if n else None
        nxt = toks[n + 1] if n + 1 < len(toks) else None
        if tok.type != tokenize.NAME or nxt is None or nxt.string != "(":
            continue
        if prev is not None and prev.string in ("def", "class"):
            continue  # defining a method called eval (sympy's Function.eval) is no call
        if tok.string in ("sympify", "parse_expr", "parse_latex"):
            out.append((tok.start[0], tok.string))
        elif tok.string in BUILTIN_CALLS and not (prev is not None and prev.string == "."):
            out.append((tok.start[0], tok.string))
    return out


def test_the_static_check_can_fail():
    bad = ('import sympy as sp\nx = sp.sympify(text)\ny = eval(s)\nz = sp.S("x")\n'
           'exec(code)  # run\nw = sp.parse_expr(t)\n')
    assert [n for _, n in offending_calls(bad)] == ["sympify", "eval", "S", "exec",
                                                    "parse_expr"]
    assert [n for _, n in offending_tokens(bad)] == ["sympify", "eval", "exec", "parse_expr"]
    good = ('"""Never sympify( text."""\n# eval(x) in a comment\nmsg = "exec(" + s\n'
            "one = sp.S(1)\nclass F:\n    def eval(cls, x):\n        return x.evalf()\n")
    assert offending_calls(good) == []
    assert offending_tokens(good) == []


def test_no_text_becomes_code_in_the_package():
    problems = []
    for path in _modules():
        source = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT)
        problems += [f"{rel}:{line}: {name}(…)" for line, name in offending_calls(source)]
        problems += [f"{rel}:{line}: {name}( (grep)" for line, name in offending_tokens(source)]
    assert not problems, "calls that can turn text into code:\n" + "\n".join(problems)
