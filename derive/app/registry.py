"""The built-in derivations: names, titles and where their text comes from.

``softmax-cross-entropy`` is the classic post "Derivative of softmax under
Cross-Entropy Error function" (2016) as published: its 11 display equations with
the post's own numbering and source lines, and the rule each link is meant to use.
The other built-ins are the worked derivations shipped in ``derive/library/``.
This module is light (no sympy): ``derive list`` only needs names and titles.
"""

from __future__ import annotations

import os

from derive.records import frozen

POST_TITLE = "Derivative of softmax under Cross-Entropy Error function (2016 blog post, as published)"

# (source line in the post, LaTeX, {link position: rule}) for the 11 display equations.
POST: tuple[tuple[int, str, dict[int, str]], ...] = (
    (18, r"y_i(z_i) = \frac{e^{z_i}}{\sum_{k=1}^K e^{z_k}}", {}),
    (26, r"C = -\sum_{k=1}^K t_k \log y_k", {}),
    (34, r"\frac{\partial C}{\partial z_i} = -\sum_{k=1}^K t_k \frac{\partial \log y_k}{\partial z_i}",
     {1: "linearity of the derivative"}),
    (38, r"\frac{\partial C}{\partial z_i} = -\sum_{k=1}^K t_k \frac{\partial \log y_k}{\partial y_k}"
         r" \frac{\partial y_k}{\partial z_i} = -\sum_{k=1}^K \frac{t_k}{y_k} \frac{\partial y_k}"
         r"{\partial z_i}",
     {1: "chain rule", 2: "derivative of log"}),
    (42, r"\frac{\partial y_k}{\partial z_i} = y_k (1\{k = i\} - y_i)",
     {1: "the result of (11), derived later"}),
    (48, r"\frac{\partial C}{\partial z_i} = -\sum_{k=1}^K \frac{t_k}{y_k} y_k (1\{k = i\} - y_i)"
         r" = -\sum_{k=1}^K t_k (1\{k = i\} - y_i)",
     {1: "substitution of (5)", 2: "cancellation"}),
    (52, r"\frac{\partial C}{\partial z_i} = -\sum_{k=1}^K t_k (1\{k = i\} - y_i) = -\sum_{k=1}^K"
         r" t_k 1\{k = i\} + \sum_{k=1}^K y_i = -t_i + y_i = y_i - t_i",
     {1: "substitution of (6)", 2: "expansion of the sum", 3: "indicator sifting and sum of a constant",
      4: "algebra"}),
    (64, r"y_k = \frac{e^{z_k}}{\sum_{j=1}^J e^{z_j}}", {}),
    (72, r"\frac{\partial y_{k=i}}{\partial z_i} = \frac{e^{z_{k=i}} \sum e^{z_j} - e^{z_{k=i}}"
         r"e^{z_i}}{(\sum e^{z_j})^2} = \frac{e^{z_{k=i}}}{\sum e^{z_j}} \frac{(\sum e^{z_j}) -"
         r" e^{z_i}}{\sum e^{z_j}} = y_{k=i} (1 - \frac{e^{z_i}}{\sum e^{z_j}}) = y_{k=i}(1 - y_i)",
     {1: "quotient rule", 2: "algebra", 3: "definition of y (8)", 4: "definition of y (8)"}),
    (80, r" {\partial y_{k \not= i} \over \partial z_i} = {0\sum e^{z_j} - e^{z_{k \not= i}}e^{z_i}"
         r" \over (\sum {e^{z_j}})^2} =  {-e^{z_{k \not= i}}e^{z_i} \over (\sum {e^{z_j}})^2} = -"
         r" \frac{e^{z_{k \not= i}}}{\sum {e^{z_j}}} \frac{e^{z_i}}{\sum {e^{z_j}}} = - y_{k \not="
         r" i} y_i ",
     {1: "quotient rule", 2: "algebra", 3: "algebra", 4: "definition of y (8)"}),
    (87, r"\frac{\partial y_k}{\partial z_i} = y_k (1\{k = i\} - y_i)",
     {1: "merging the cases"}),
)


@frozen
class Builtin:
    name: str
    title: str


def _library() -> list[Builtin]:
    out = []
    try:
        folder = _library_folder()
        entries = sorted(p for p in folder.iterdir() if p.name.endswith(".md"))
    except (FileNotFoundError, NotADirectoryError, ModuleNotFoundError):
        return out
    for entry in entries:
        title = entry.name[:-3]
        for line in entry.read_text(encoding="utf-8").split("\n")[:10]:
            if line.startswith("title:"):
                title = line[6:].strip().strip('"')
                break
        out.append(Builtin(entry.name[:-3], title))
    return out


def builtins() -> list[Builtin]:
    return [Builtin("softmax-cross-entropy", POST_TITLE), *_library()]


def names() -> list[str]:
    return [b.name for b in builtins()]


def is_builtin(target: str) -> bool:
    """Whether a target names a built-in: a file or folder of that name here wins (and a
    path is tested first, so that checking a file never lists the library)."""
    return not os.path.exists(target) and target in names()


def post_text() -> tuple[str, dict[int, dict[int, str]]]:
    """The post's equations laid out on their source lines, and the rules per equation."""
    lines: list[str] = []
    rules: dict[int, dict[int, str]] = {}
    for n, (line, latex, named) in enumerate(POST, start=1):
        while len(lines) < line - 1:
            lines.append("")
        lines.append("$$" + latex + "$$")
        if named:
            rules[n] = named
    return "\n".join(lines) + "\n", rules


def library_text(name: str) -> str:
    return (_library_folder() / f"{name}.md").read_text(encoding="utf-8")


def _library_folder():
    # imported here: importlib.resources brings tempfile, shutil and random (about 10 ms),
    # which a check of a file never needs
    from importlib import resources

    return resources.files("derive") / "library"
