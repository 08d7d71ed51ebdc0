"""Tests for derive.report.render: every format shows every piece of a hand-built report.

The report below is built by hand (no checker, no sympy) so the renderers are
tested as pure formatters: one proved, one refuted, one conditional and one
unknown link, a chain, a definition and a reading error.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from derive.report.model import (
    Assumption,
    Chain,
    Counterexample,
    Equation,
    Link,
    Report,
    SourceError,
    Verdict,
)
from derive.report.render import (
    FORMATS,
    counts_text,
    github,
    html,
    latex,
    markdown,
    render,
    terminal,
)

SOURCE = "notes/softmax.md"

SUM_ONE = Assumption(latex=r"\sum_k t_k = 1", text="sum_k t_k = 1", stated=False)
K_NE_I = Assumption(latex=r"k \neq i", text="k != i", stated=True)

PROVED = Link(position=1, lhs=r"\frac{\partial L}{\partial z_i}",
              rhs=r"\sum_k t_k (s_i - \delta_{ik})", verdict=Verdict.PROVED,
              method="symbolic", rule="chain rule",
              lhs_text="dL/dz_i", rhs_text="Sum_k t_k*(s_i - delta_ik)")
REFUTED = Link(position=2, lhs=r"\sum_k t_k (s_i - \delta_{ik})", rhs=r"s_i + t_i",
               verdict=Verdict.REFUTED, method="numeric", rule="linearity | sum",
               lhs_text="Sum_k t_k*(s_i - delta_ik)", rhs_text="s_i + t_i",
               derived=r"s_i \sum_k t_k - t_i", derived_text="s_i*Sum_k t_k - t_i",
               counterexample=Counterexample(size={"K": 2}, indices={"i": 1},
                                             values={"z": [0, 0], "t": [0.5, 0.5]},
                                             lhs=0.0, rhs=1.0),
               suggestion=r"s_i - t_i", residual=r"-2 t_i", residual_text="-2*t_i")
CONDITIONAL = Link(position=3, lhs=r"s_i \sum_k t_k - t_i", rhs=r"s_i - t_i",
                   verdict=Verdict.CONDITIONAL, method="symbolic", rule="factor out s_i",
                   lhs_text="s_i*Sum_k t_k - t_i", rhs_text="s_i - t_i",
                   needs=(SUM_ONE, K_NE_I))
UNKNOWN = Link(position=4, lhs=r"s_i - t_i", rhs=r"\mathrm{tanh}(z_i)_{50\%}",
               verdict=Verdict.UNKNOWN, method="timeout", rule="magic",
               lhs_text="s_i - t_i", rhs_text="tanh(z_i)_50%",
               reason="time limit of 5 s reached")
CHAIN = Chain(verdict=Verdict.CONDITIONAL, lhs=r"\frac{\partial L}{\partial z_i}",
              rhs=r"\mathrm{tanh}(z_i)_{50\%}", method="numeric", needs=(SUM_ONE,),
              lhs_text="dL/dz_i", rhs_text="tanh(z_i)_50%")
ERROR = SourceError(message="unbalanced braces", line=21, column=9,
                    snippet=r"$$ \frac{a}{b $$", file=SOURCE)

DEFINITION = Equation(index=1, line=3, kind="definition", latex=r"s_i = e^{z_i} / Z",
                      text="s_i = exp(z_i)/Z", defines="s_i")
CLAIM = Equation(index=2, line=9, kind="claim", latex="...", text="...",
                 links=(PROVED, REFUTED, CONDITIONAL, UNKNOWN), chain=CHAIN,
                 notes=("the sum runs over k = 1..K",))
BROKEN = Equation(index=3, line=21, kind="error", latex=r"\frac{a}{b", error=ERROR)

REPORT = Report(source=SOURCE, equations=(DEFINITION, CLAIM, BROKEN),
                title="Softmax gradient_check #1 & co",
                summary=("1 of 4 links is refuted.", "Fix link 2 first."),
                notes=("numeric checks used seed 0",),
                assumptions=(Assumption(latex=r"K \ge 2", text="K >= 2", stated=True),),
                seed=0, engine="test", seconds=1.25)

CEX_TEXT = "K=2, i=1, z=(0, 0), t=(0.5, 0.5)"

# Format name -> function from the report to text. "terminal" is rich without colour.
RENDERERS = {
    "plain": terminal.render_plain,
    "terminal": lambda r: terminal.render_rich(r, width=120, color=False),
    "markdown": markdown.render,
    "html": html.render,
    "latex": latex.render,
    "fragment": latex.render_fragment,
}


def _pieces_plain() -> list[str]:
    return [
        "Equation 1", "line 3", "definition", "s_i",  # the definition, briefly
        "Equation 2", "line 9", "claim",
        "dL/dz_i", "Sum_k t_k*(s_i - delta_ik)", "chain rule", "✓ proved",
        "s_i + t_i", "✗ refuted", "s_i*Sum_k t_k - t_i", CEX_TEXT, "lhs = 0", "rhs = 1",
        "-2*t_i", "s_i - t_i", "~ conditional", "sum_k t_k = 1",
        "(not stated in the document)", "k != i", "(stated)",
        "? unknown", "time limit of 5 s reached", "tanh(z_i)_50%",
        "chain", "first side vs last", "the sum runs over k = 1..K",
        "unbalanced braces", f"{SOURCE}:21:9", r"\frac{a}{b $$",
        counts_text(REPORT), "1 of 4 links is refuted.", "Fix link 2 first.",
        "numeric checks used seed 0", "1 reading error",
    ]


@pytest.mark.parametrize("name", ["plain", "terminal"])
def test_text_formats_show_every_piece(name: str) -> None:
    out = RENDERERS[name](REPORT)
    for piece in _pieces_plain():
        assert piece in out, f"{name} lacks {piece!r}"
    assert "\x1b" not in out
    assert out.count("by linearity | sum") == 1


def test_plain_is_deterministic_and_narrow() -> None:
    out = terminal.render_plain(REPORT)
    assert out == terminal.render_plain(REPORT)
    assert all(len(line) <= 100 for line in out.splitlines())
    # One line per link: statement, rule, verdict.
    row = next(line for line in out.splitlines() if "[2]" in line)
    assert row.index("s_i + t_i") < row.index("by linearity") < row.index("✗ refuted")
    narrow = terminal.render_plain(REPORT, width=40)
    assert "✗ refuted" in narrow and CEX_TEXT.split(",")[0] in narrow


def test_plain_two_dimensional_forms_stay_intact() -> None:
    link = Link(position=1, lhs="1/x", rhs="x^-1", verdict=Verdict.PROVED, method="symbolic",
                rule="power", lhs_text="1\n─\nx", rhs_text=" -1\nx")
    rep = Report(source="a.md", equations=(Equation(1, 1, "claim", "", links=(link,)),))
    out = terminal.render_plain(rep)
    assert "─ =" in out and "by power" in out


def test_terminal_colours() -> None:
    out = terminal.render_rich(REPORT, width=120, color=True)
    assert "\x1b[" in out
    assert "\x1b[1;32m" in out  # proved: bold green
    assert "\x1b[1;31m" in out  # refuted: bold red


def _pieces_latex() -> list[str]:
    return [
        r"\frac{\partial L}{\partial z_i}", r"s_i + t_i", r"s_i \sum_k t_k - t_i", "s_i - t_i",
        r"-2 t_i", r"\sum_k t_k = 1", r"k \neq i", "K=2",
    ]


@pytest.mark.parametrize("name", ["markdown", "html", "latex", "fragment"])
def test_math_formats_show_every_piece(name: str) -> None:
    out = RENDERERS[name](REPORT)
    for piece in _pieces_latex():
        assert piece in out, f"{name} lacks {piece!r}"
    words = ["proved", "refuted", "conditional", "unknown", "chain rule", "factor out",
             "not stated in the document", "stated", "time limit of 5", "the rule gives",
             "first side vs last", "Equation 1", "Equation 2", "unbalanced braces",
             "1 of 4 links is refuted.", "numeric checks used seed 0", "the sum runs over",
             "suggest", "residual", "counterexample", "line 3", "line 9", "defin",
             "reading error", "Fix link 2 first."]
    for word in words:
        assert word in out, f"{name} lacks {word!r}"


@pytest.mark.parametrize("name", ["markdown", "html", "latex"])
def test_math_formats_show_counterexample_values(name: str) -> None:
    out = RENDERERS[name](REPORT)
    assert "z=(0, 0)" in out and "t=(0.5, 0.5)" in out
    assert "lhs = 0" in out and "rhs = 1" in out


def test_markdown_table_and_pipes() -> None:
    out = markdown.render(REPORT)
    assert out.startswith("# ")
    assert "| link | statement | rule | verdict |" in out
    assert r"linearity \| sum" in out
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    assert r"$\frac{\partial L}{\partial z_i} = \sum_k t_k (s_i - \delta_{ik})$" in row
    assert "✓ proved" in row
    # Every table row has exactly 5 unescaped pipes (4 columns).
    for line in out.splitlines():
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 5, line


def test_html_is_self_contained() -> None:
    for out in (html.render(REPORT), html.render_page(REPORT)):
        assert "http://" not in out and "https://" not in out
        assert "<script" not in out and "<link" not in out and "@import" not in out
        assert "<math" in out and "<mfrac>" in out  # typeset as MathML, not LaTeX source
        assert r"\(" not in out and "xmlns" not in out
        assert ('<annotation encoding="application/x-tex">\\frac{\\partial L}{\\partial z_i}'
                "</annotation>") in out
        assert "&amp; co" in out  # title escaped
        assert "derive-refuted" in out and "derive-proved" in out
    page = html.render_page(REPORT)
    assert page.lower().startswith("<!doctype html>")
    assert "<title>" in page and "</html>" in page
    assert REPORT._repr_mimebundle_()["text/html"] == html.render(REPORT)


def test_html_escapes_math() -> None:
    link = Link(position=1, lhs="a < b", rhs="b > a", verdict=Verdict.PROVED, method="symbolic",
                rule="<flip>")
    rep = Report(source="x.md", equations=(Equation(1, 1, "claim", "", links=(link,)),))
    out = html.render(rep)
    assert "<mo>&#x0003C;</mo>" in out and "&lt;flip&gt;" in out
    assert '<annotation encoding="application/x-tex">a &lt; b</annotation>' in out
    assert '<annotation encoding="application/x-tex">= b &gt; a</annotation>' in out
    assert "a < b" not in out


def test_html_formula_the_converter_refuses_is_shown_as_source() -> None:
    from derive.report.render.mathml import formula, split_top_level, to_mathml

    assert to_mathml(r"\begin{foo}").startswith('<code class="derive-tex">')
    assert split_top_level(r"a = 1\{k = i\} = (b = c)") == ["a", r"1\{k = i\}", "(b = c)"]
    assert formula("a = b").count('class="derive-math"') == 2


def test_html_summary_sentences_are_separate() -> None:
    out = html.render(REPORT)
    assert "<li>1 of 4 links is refuted.</li><li>Fix link 2 first.</li>" in out


def test_latex_escapes_text() -> None:
    out = latex.render(REPORT)
    assert out.startswith(r"\documentclass{article}")
    assert r"\usepackage{amsmath}" in out and r"\usepackage{amssymb}" in out
    assert r"gradient\_check \#1 \& co" in out
    assert r"\end{document}" in out
    frag = latex.render_fragment(REPORT)
    assert frag.startswith("$$") and frag.rstrip().endswith("$$")
    assert r"\text{" in frag and "\\begin{array}" in frag
    assert REPORT._repr_mimebundle_()["text/latex"] == frag


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
@pytest.mark.parametrize("which", ["document", "fragment"])
def test_latex_compiles(tmp_path: Path, which: str) -> None:
    if which == "document":
        source = latex.render(REPORT)
    else:  # the fragment must be valid LaTeX too (nbconvert sends it to pdflatex)
        source = ("\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
                  "\\begin{document}\n" + latex.render_fragment(REPORT) + "\n\\end{document}\n")
    (tmp_path / "report.tex").write_text(source, encoding="utf-8")
    proc = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                           "report.tex"], check=False, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (tmp_path / "report.pdf").exists()
    assert "Missing character" not in (tmp_path / "report.log").read_text(errors="replace")


def test_github_lines() -> None:
    out = github.render(REPORT)
    lines = out.splitlines()
    assert all(line.startswith("::") for line in lines)
    assert lines[0] == ("::error file=notes/softmax.md,line=9,"
                        "title=derive%3A equation 2 link 2 refuted::"
                        "Sum_k t_k*(s_i - delta_ik) = s_i + t_i (by linearity | sum) is false: "
                        "the rule gives s_i*Sum_k t_k - t_i; "
                        f"counterexample {CEX_TEXT}, where lhs = 0, rhs = 1; "
                        "residual lhs - rhs = -2*t_i; suggested right side: s_i - t_i")
    warn = [line for line in lines if line.startswith("::warning")]
    assert warn[0].startswith("::warning file=notes/softmax.md,line=9,"
                              "title=derive%3A equation 2 link 3 conditional::")
    assert "sum_k t_k = 1 (not stated in the document)" in warn[0]
    assert "k != i (stated)" in warn[0]
    assert warn[1].startswith("::warning file=notes/softmax.md,line=9,"
                              "title=derive%3A equation 2 chain conditional::")
    unknown = [line for line in lines if "link 4" in line]
    assert unknown == [
        ("::error file=notes/softmax.md,line=9,title=derive%3A equation 2 link 4 unknown::"
         "s_i - t_i = tanh(z_i)_50%25 (by magic) is undecided: time limit of 5 s reached")]
    reading = [line for line in lines if "col=" in line]
    assert reading == [("::error file=notes/softmax.md,line=21,col=9,"
                        "title=derive%3A reading error in equation 3::unbalanced braces")]
    assert lines[-1].startswith("::notice title=derive%3A summary::")
    assert counts_text(REPORT) in lines[-1]
    assert len(lines) == 6


def test_github_escaping_and_file() -> None:
    err = SourceError(message="bad\nthing 100%", line=2, column=1, file="<string>")
    rep = Report(source="a,b:c.md", equations=(), errors=(err,))
    lines = github.render(rep).splitlines()
    assert lines[0] == ("::error file=a%2Cb%3Ac.md,line=2,col=1,title=derive%3A reading error"
                        "::bad%0Athing 100%25")
    lines = github.render(rep, file="other.md").splitlines()
    assert lines[0].startswith("::error file=other.md,line=2,col=1,")


def test_all_proved_report() -> None:
    rep = Report(source="ok.md", equations=(Equation(1, 4, "claim", "", links=(PROVED,)),),
                 summary=("Everything is proved.",))
    assert github.render(rep).splitlines() == [
        ("::notice title=derive%3A summary::1 link: ✓ 1 proved, ✗ 0 refuted, "
         "~ 0 conditional, ? 0 unknown. Everything is proved.")]
    for name, fn in RENDERERS.items():
        out = fn(rep)
        assert "1 proved" in out and "the rule gives" not in out, name
        assert "reading error" not in out and "Equation 1" in out, name


def test_dispatch() -> None:
    assert set(FORMATS) == {"plain", "terminal", "json", "markdown", "html", "latex", "github",
                            "concise"}
    for fmt in FORMATS:
        out = render(REPORT, fmt, width=90, color=False)
        assert isinstance(out, str) and out
        if fmt != "terminal":
            assert "\x1b" not in out
    assert render(REPORT, "plain") == terminal.render_plain(REPORT, width=100)
    assert render(REPORT, "json") == REPORT.to_json()
    assert render(REPORT, "html").lower().startswith("<!doctype html>")
    assert "\x1b[" in render(REPORT, "terminal", color=True)
    assert "\x1b" not in render(REPORT, "terminal", color=False)
    with pytest.raises(ValueError, match="unknown format"):
        render(REPORT, "pdf")


def test_renderers_import_no_sympy() -> None:
    root = Path(__file__).resolve().parents[1] / "derive" / "render"
    for path in root.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(import|from)\s+sympy", text, re.MULTILINE), path


def test_print_rich_and_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system="standard")
    terminal.print_rich(REPORT, console)
    out = console.file.getvalue()
    assert "\x1b[" in out and "✗ refuted" in out and "by chain rule" in out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b" not in render(REPORT, "terminal")


def test_equations_and_links_render_themselves_in_notebooks():
    import derive

    report = derive.check("softmax-cross-entropy")
    eq = report.equations[6]
    link = eq.links[1]
    for obj in (report, eq, link):
        bundle = obj._repr_mimebundle_()
        assert set(bundle) == {"text/html", "text/markdown", "text/latex"}
        assert "refuted" in bundle["text/html"] and "<" in bundle["text/html"]
        assert "refuted" in bundle["text/markdown"]
        assert bundle["text/latex"].strip()
    assert "1, 0" in link._repr_mimebundle_()["text/html"]  # the counterexample t = (1, 0)
    assert set(report._repr_mimebundle_(include=["text/html"])) == {"text/html"}
    assert "text/latex" not in report._repr_mimebundle_(exclude=["text/latex"])


# ---------------------------------------------------------------------------
# Terminal layout: widths, one verdict column, wrapping at operators (issue #18)


def _post():
    import derive

    return derive.check("softmax-cross-entropy")


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_plain_honours_the_width(width: int) -> None:
    out = terminal.render_plain(_post(), width=width)
    assert max(terminal._cells(line) for line in out.splitlines()) <= width


def test_plain_at_80_columns_wraps_under_the_statement_at_operators() -> None:
    lines = terminal.render_plain(_post(), width=80).splitlines()
    eq9 = lines[lines.index("Equation 9 · line 72 · claim"):]
    eq9 = eq9[:eq9.index("")]
    # link 9.2 wraps before its "=", under its own statement; rule and verdict below it
    k = next(i for i, line in enumerate(eq9) if line.startswith("  [2] "))
    assert eq9[k] == "  [2] (e^{z_{k=i}} (Σ e^{z_j}) − e^{z_{k=i}} e^{z_i})/(Σ e^{z_j})^2"
    assert eq9[k + 1] == "        = e^{z_{k=i}}/(Σ e^{z_j}) ((Σ e^{z_j}) − e^{z_i})/(Σ e^{z_j})"
    assert eq9[k + 2].startswith("      by algebra ")
    for line in eq9[1:]:  # nothing starts at column 0 or breaks inside a name
        assert line.startswith("  ") and not line.rstrip().endswith(("(", "{", "_", "^"))


@pytest.mark.parametrize("width", [80, 100, 120])
def test_one_verdict_column_per_equation(width: int) -> None:
    out = terminal.render_plain(_post(), width=width)
    for block in out.split("\n\n"):
        cols = {line.index(word) for line in block.splitlines() if line.startswith("  ")
                and ("by " in line) for word in ("✓ proved", "✗ refuted") if word in line}
        assert len(cols) <= 1, block


def test_wrap_formula_cuts_only_at_operators() -> None:
    assert terminal.wrap_formula("a + b(c + d) = e + f", 14, 14) == ["a + b(c + d)", "= e + f"]
    assert terminal.wrap_formula("a + b(c + d)", 8, 8) == ["a", "+ b(c", "+ d)"]
    assert terminal.wrap_formula("x = y", 80, 80) == ["x = y"]
    assert terminal.wrap_formula("abcdefghijkl", 4, 4) == ["abcdefghijkl"]  # never cut a name
    assert terminal.wrap_formula("∂log y_k/∂y_k = z", 8, 8) == ["∂log y_k/∂y_k", "= z"]


def test_suggestion_is_shown_in_the_statements_notation() -> None:
    post = _post()
    for out in (terminal.render_plain(post), github.render(post)):
        assert "suggested right side: −Σ_{k=1}^K t_k 1{k=i} + Σ_{k=1}^K t_k y_i" in out
        assert r"\sum" not in out
    assert post.equations[6].links[1].suggestion == (
        r"-\sum_{k=1}^K t_k 1\{k = i\} + \sum_{k=1}^K t_k y_i")  # the model keeps LaTeX
    assert r"\sum_{k=1}^K t_k y_i" in latex.render(post)


def test_reading_errors_are_printed_once_on_a_terminal() -> None:
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), width=100, force_terminal=False)
    terminal.print_rich(REPORT, console)  # as the command line does: errors go to stderr
    out = console.file.getvalue()
    assert "reading error at line 21, column 9: unbalanced braces" in out
    assert r"\frac{a}{b $$" not in out and f"{SOURCE}:21:9" not in out
    # Captured (no stderr beside it), the error is shown whole.
    assert f"{SOURCE}:21:9" in terminal.render_rich(REPORT, width=100, color=False)


def test_plain_output_of_the_command_honours_columns() -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "COLUMNS": "70", "DERIVE_NO_CACHE": "1", "NO_COLOR": "1",
           "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-m", "derive", "check", "softmax-cross-entropy",
                          "--format", "plain", "-j", "1"], env=env, capture_output=True,
                         text=True, timeout=300).stdout
    widest = max(len(line) for line in out.splitlines())
    assert 60 < widest <= 70, widest  # and --width still wins over $COLUMNS
