"""Gathering a document's declarations from every place they may be written.

Owns the order in which they apply: book-wide ``derive.yaml`` files (outermost first), then
the chapter's sidecar, then the front matter, each over the ones before it. Reading YAML
and the meaning of each key belong to :mod:`derive.reading.frontmatter`. Also what the
reader takes from them before any display is read: the names of a declared function, the
words declared so (read as one name where written as bare letters), the body without the
front matter.
"""

from __future__ import annotations

from derive.reading.frontmatter import (
    Declarations,
    FrontMatterError,
    declarations,
    parse_yaml,
    split_front_matter,
)
from derive.report.model import SourceError


def gather_declarations(text: str, source: str, sidecar: tuple[str, str] | None,
                        folders: tuple[tuple[str, str], ...]
                        ) -> tuple[list[SourceError], Declarations, int]:
    """The declarations in force for a document, the errors met reading them (each at its
    own file, line and column), and the line where the document's body begins."""
    errors: list[SourceError] = []
    fm_text, body_line = split_front_matter(text)
    data: dict = {}
    # book-wide derive.yaml files (outermost first), then the chapter's sidecar: each over
    # the ones before it, and the front matter over all of them
    for path, side_text in (*folders, *([sidecar] if sidecar is not None else [])):
        try:
            side = parse_yaml(side_text)
            side = side.get("derive", side) if isinstance(side.get("derive"), dict) else side
            data["derive"] = _merge_derive(data.get("derive", {}), side)
        except FrontMatterError as exc:
            errors.append(SourceError(exc.message, exc.line, exc.column,
                                      _line(side_text, exc.line), path))
    if fm_text is not None:
        try:
            own = parse_yaml(fm_text)
            block = own.get("derive")
            if isinstance(block, dict) and isinstance(data.get("derive"), dict):
                own["derive"] = _merge_derive(data["derive"], block)
            data = {**data, **own} if "derive" in own else {**own, **data}
        except FrontMatterError as exc:
            errors.append(SourceError(exc.message, exc.line + 1, exc.column,
                                      _line(text, exc.line + 1), source))
    decl = Declarations()
    if data:
        try:
            decl = declarations(data, _assumption_lines(fm_text or ""))
        except FrontMatterError as exc:
            errors.append(SourceError(exc.message, exc.line + 1, exc.column,
                                      _line(text, exc.line + 1), source))
    return errors, decl, body_line


def _merge_derive(base: dict, block: dict) -> dict:
    """``block`` over ``base``: lists joined (no repeats), mappings merged, the rest replaced."""
    merged = dict(base)
    for key, value in block.items():
        if isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + [v for v in value if v not in merged[key]]
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _assumption_lines(fm: str) -> dict[str, int]:
    for n, line in enumerate(fm.split("\n"), start=1):
        if line.strip().startswith("assumptions"):
            return {"assumptions": n + 2}
    return {}


def _line(text: str, n: int) -> str:
    lines = text.split("\n")
    return lines[n - 1] if 0 < n <= len(lines) else ""


def function_names(name: str) -> tuple[str, ...]:
    """A declared function's names as the reader may name it: a word's command (\\sech) and
    its \\operatorname{…} (Softmax written bare is read so), else the letter."""
    name = name.strip()
    if name.isalpha() and len(name) > 1:
        return ("\\" + name, f"\\operatorname{{{name}}}")
    return (name,)


def declared_words(decl: Declarations) -> tuple[str, ...]:
    """The declared functions that are words (Softmax, log): read as one name even where the
    document writes them as bare letters."""
    return tuple(f.strip() for f in decl.functions
                 if len(f.strip()) > 1 and f.strip().isascii() and f.strip().isalpha())


def blank_front_matter(text: str, body_line: int) -> str:
    """The text with its front matter blanked, lines and columns kept."""
    if body_line <= 1:
        return text
    lines = text.split("\n")
    head = "\n".join(" " * len(x) for x in lines[: body_line - 1])
    return head + "\n" + "\n".join(lines[body_line - 1:])
