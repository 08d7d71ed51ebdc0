"""Front matter and sidecar declarations: YAML, read by PyYAML's safe loader.

derive reads declarations (indices, functions, families, constants, assumptions)
from a document's front matter under a ``derive:`` key, or from a sidecar file. Any
valid YAML is accepted (Jekyll's and Hugo's front matter included: comments, quoted and
folded scalars, flow and block collections, lists of mappings, anchors and merge keys);
keys other than derive's own are ignored, and derive's own are validated, with errors
that name the key and its line.

The text is composed into PyYAML's node tree with ``yaml.SafeLoader`` (nothing is ever
constructed from a tag, nothing is evaluated) and turned into plain data: every scalar is
the string as written (``1`` stays ``"1"``, ``no`` stays ``"no"``; only a null is None),
lists and mappings stay lists and mappings. Nesting deeper than :data:`MAX_DEPTH` levels,
aliases that expand to more than :data:`MAX_ALIAS_EXPANSION` values (a "billion laughs")
and duplicate keys are refused with a :class:`FrontMatterError`, never a traceback.
PyYAML is imported on first use.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import field

from derive.records import frozen

MAX_DEPTH = 64  # nested collections, counted through aliases too
MAX_ALIAS_EXPANSION = 10_000  # values produced by expanding aliases


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line  # 1-based, relative to the start of the front matter text
        self.column = column


@frozen
class Declarations:
    """What a document declares about its own notation. All values are LaTeX strings."""

    indices: dict[str, str] = field(default_factory=dict)  # letter -> "[1, K]"
    functions: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    constants: tuple[str, ...] = ()
    assumptions: tuple[tuple[str, int], ...] = ()  # (LaTeX, source line)
    title: str = ""
    expect: tuple[str, ...] = ()
    # derive.builtin, for a document transcribed from elsewhere (a built-in post): the line
    # of each equation in the original, and {equation: {link position: rule}}
    lines: tuple[int, ...] = ()
    rules: dict[int, dict[int, str]] = field(default_factory=dict)
    # vectors and matrices: name -> its sizes (["K"] or ["K", "D"]), and the layout of a
    # derivative of a vector by a vector (numerator, the Jacobian, unless declared)
    shapes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    layout: str = "numerator"


# --------------------------------------------------------------------------- values
# Parsed values remember the line they were written on (relative to the YAML text) and
# whether that text was a document's front matter, so that errors can name their line.

class _FrontMatterText(str):
    """The front matter of a document, as split_front_matter returns it (a str)."""


class _Str(str):
    line: int = 1
    column: int = 1
    in_front_matter: bool = False


class _List(list):
    __slots__ = ("line", "column", "in_front_matter", "item_lines")


class _Map(dict):
    __slots__ = ("line", "column", "in_front_matter")


class _ComplexKey:
    """A mapping key that is itself a list or a mapping: never one of derive's keys."""

    __slots__ = ("line", "column", "in_front_matter")

    def __init__(self, at: tuple[int, int], in_front_matter: bool):
        (self.line, self.column), self.in_front_matter = at, in_front_matter

    def __repr__(self) -> str:
        return "a non-scalar key"


def _line(value, default: int = 1) -> int:
    return getattr(value, "line", default)


# --------------------------------------------------------------------------- parsing

_LOADER = None


def _loader_class():
    global _LOADER
    if _LOADER is None:
        import yaml

        class Loader(yaml.SafeLoader):
            """The safe loader, composing at most MAX_DEPTH nested collections."""

            def __init__(self, stream):
                super().__init__(stream)
                self.derive_depth = 0
                self.derive_alias_index = None

            def compose_node(self, parent, index):
                if self.check_event(yaml.AliasEvent):
                    if self.derive_alias_index is None:
                        self.derive_alias_index = self.peek_event().start_mark.index
                    return super().compose_node(parent, index)
                self.derive_depth += 1
                try:
                    if self.derive_depth > MAX_DEPTH:
                        raise _TooDeep(self.peek_event().start_mark.index)
                    return super().compose_node(parent, index)
                finally:
                    self.derive_depth -= 1

        _LOADER = Loader
    return _LOADER


class _TooDeep(Exception):
    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class _Position:
    """Character offsets in a YAML text to 1-based (line, column), counting only "\\n" as
    a line break, as derive does everywhere (PyYAML's own marks count more)."""

    def __init__(self, text: str):
        self.starts = [0]
        pos = text.find("\n")
        while pos >= 0:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def __call__(self, index: int) -> tuple[int, int]:
        n = bisect_right(self.starts, index)
        return n, index - self.starts[n - 1] + 1


def parse_yaml(text: str, *, front_matter: bool | None = None) -> dict:
    """Parse a YAML mapping into nested dicts/lists of strings (None for a null).

    ``front_matter``: whether the text is a document's front matter (its values' lines are
    then lines of the document, less one); by default, whether split_front_matter gave it.
    """
    if not text.strip():
        return _Map()
    import yaml
    from yaml.nodes import MappingNode

    where = _Position(text)
    loader = None
    try:
        loader = _loader_class()(text)
        node = loader.get_single_node()
        alias_at = loader.derive_alias_index
    except _TooDeep as exc:
        raise FrontMatterError(f"YAML nested more than {MAX_DEPTH} levels deep",
                               *where(exc.index)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        line, col = where(mark.index) if mark is not None else (1, 1)
        raise FrontMatterError(f"invalid YAML: {what}", line, col) from None
    except yaml.YAMLError as exc:  # the reader: a character YAML does not allow
        position = getattr(exc, "position", 0) or 0
        reason = getattr(exc, "reason", None) or "unreadable text"
        char = getattr(exc, "character", None)
        if isinstance(char, str) and len(char) == 1:
            char = ord(char)
        shown = f" (U+{char:04X})" if isinstance(char, int) else ""
        raise FrontMatterError(f"invalid YAML: {reason}{shown}", *where(position)) from None
    except RecursionError:
        raise FrontMatterError("YAML nested too deeply", 1) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return _Map()
    if not isinstance(node, MappingNode):
        raise FrontMatterError("front matter must be a mapping of keys",
                               *where(node.start_mark.index))
    if front_matter is None:
        front_matter = isinstance(text, _FrontMatterText)
    convert = _Convert(where, front_matter, alias_at)
    return convert.value(node, 1)


class _Convert:
    """PyYAML's node tree to plain values, expanding aliases within the bounds."""

    NULL = "tag:yaml.org,2002:null"
    MERGE = "tag:yaml.org,2002:merge"

    def __init__(self, where: _Position, in_front_matter: bool, alias_at: int | None):
        self.where = where
        self.fm = in_front_matter
        self.alias_at = alias_at
        self.seen: set[int] = set()
        self.expanded = 0

    def line(self, node) -> int:
        return self.where(node.start_mark.index)[0]

    def at(self, node) -> tuple[int, int]:
        return self.where(node.start_mark.index)

    def mark(self, out, node):
        (out.line, out.column), out.in_front_matter = self.at(node), self.fm
        return out

    def visit(self, node, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise FrontMatterError(f"YAML nested more than {MAX_DEPTH} levels deep "
                                   "(through aliases)", *self.where(node.start_mark.index))
        if id(node) in self.seen:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_EXPANSION:
                at = self.alias_at if self.alias_at is not None else node.start_mark.index
                raise FrontMatterError(f"YAML aliases expand to more than "
                                       f"{MAX_ALIAS_EXPANSION:,} values", *self.where(at))
        else:
            self.seen.add(id(node))

    def value(self, node, depth: int):
        from yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.visit(node, depth)
        if isinstance(node, ScalarNode):
            if node.tag == self.NULL:
                return None
            return self.mark(_Str(node.value), node)
        if isinstance(node, SequenceNode):
            items = self.mark(_List(self.value(item, depth + 1) for item in node.value), node)
            items.item_lines = [self.line(item) for item in node.value]
            return items
        assert isinstance(node, MappingNode)
        mapping = self.mark(_Map(), node)
        merged: dict = {}
        for key_node, value_node in self.pairs(node, depth, merged):
            key = self.key(key_node)
            if key in mapping:
                raise FrontMatterError(f"duplicate key {str(key)!r}",
                                       *self.where(key_node.start_mark.index))
            mapping[key] = self.value(value_node, depth + 1)
        for key, value_node in merged.items():  # explicit keys win
            if key not in mapping:
                mapping[key] = self.value(value_node, depth + 1)
        return mapping

    def key(self, node):
        from yaml.nodes import ScalarNode

        if isinstance(node, ScalarNode):
            return self.mark(_Str(node.value), node)
        return _ComplexKey(self.at(node), self.fm)

    def pairs(self, node, depth: int, merged: dict) -> list:
        """The mapping's own pairs; what ``<<`` merge keys bring in goes into ``merged``."""
        from yaml.nodes import MappingNode, SequenceNode

        own = []
        for key_node, value_node in node.value:
            if key_node.tag != self.MERGE:
                own.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:  # the first mapping named wins
                self.visit(source, depth + 1)
                if not isinstance(source, MappingNode):
                    raise FrontMatterError("a merge key '<<' must name mappings",
                                           *self.where(source.start_mark.index))
                inner: dict = {}
                for k, v in self.pairs(source, depth + 1, inner):
                    merged.setdefault(self.key(k), v)
                for k, v in inner.items():
                    merged.setdefault(k, v)
        return own


def split_front_matter(text: str) -> tuple[str | None, int]:
    """Return (front matter text or None, the line number where the body starts)."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None, 1
    lines = text.split("\n")
    for n in range(1, len(lines)):
        if lines[n].rstrip() in ("---", "..."):
            return _FrontMatterText("\n".join(lines[1:n])), n + 2
    return None, 1


# --------------------------------------------------------------------------- validation

_KEYS = ("indices", "functions", "families", "constants", "assumptions", "builtin", "shapes",
         "layout")


def declarations(data: dict, line_of: dict[str, int] | None = None) -> Declarations:
    """Turn parsed front matter into Declarations, validating the ``derive:`` block.

    A FrontMatterError's line is relative to the front matter text, as parse_yaml's are;
    an error in a sidecar's declarations names the line of that file in its message."""
    title = data.get("title")
    expect = data.get("expect")
    block = data.get("derive")
    if block is None:
        block = {}
    if not isinstance(block, dict):
        _fail("'derive:' must hold a mapping of indices, functions, families, constants "
              "and assumptions", block)
    for key in block:
        if key not in _KEYS:
            _fail(f"unknown key 'derive.{key}' (expected one of: {', '.join(sorted(_KEYS))})",
                  key if hasattr(key, "in_front_matter") else block)

    def names(key: str) -> tuple[str, ...]:
        v = block.get(key)
        if v is None or v == "":
            return ()
        if isinstance(v, str):
            return (str(v).strip(),)
        if not isinstance(v, list):
            _fail(f"'derive.{key}' must be a list of names", v)
        for item in v:
            if not isinstance(item, str) or not item.strip():
                message = f"'derive.{key}' must be a list of names; this item is {_kind(item)}"
                if hasattr(item, "in_front_matter"):
                    _fail(message, item)
                _fail(message, v, _item_line(v, item))
        return tuple(str(x).strip() for x in v)

    indices = block.get("indices")
    if indices is None or indices == "":
        indices = {}
    if not isinstance(indices, dict):
        _fail("'derive.indices' must map each index to a range like [1, K]", indices)
    ranges: dict[str, str] = {}
    for letter, rng in indices.items():
        at = letter if hasattr(letter, "in_front_matter") else indices
        if not isinstance(letter, str) or not letter.strip():
            _fail("'derive.indices' must map each index (a letter) to a range like [1, K]",
                  at)
        if isinstance(rng, list) and len(rng) == 2 and all(
                isinstance(x, str) and x.strip() for x in rng):
            ranges[str(letter).strip()] = "[" + ", ".join(str(x).strip() for x in rng) + "]"
        elif isinstance(rng, str) and rng.strip():
            ranges[str(letter).strip()] = str(rng).strip()
        else:
            _fail(f"'derive.indices.{letter}' must be a range like [1, K], not "
                  f"{_kind(rng)}", at)

    original_lines, rules = _builtin(block.get("builtin"))
    assumptions = names("assumptions")
    at = (line_of or {}).get("assumptions", 1)
    raw = block.get("assumptions")
    lines = [at] * len(assumptions)
    if isinstance(raw, list):
        lines = [x.line + 1 if getattr(x, "in_front_matter", False) else at for x in raw]
    elif isinstance(raw, _Str) and raw.in_front_matter:
        lines = [raw.line + 1]
    shapes: dict[str, tuple[str, ...]] = {}
    raw_shapes = block.get("shapes") or {}
    if not isinstance(raw_shapes, dict):
        _fail("'derive.shapes' must map each vector or matrix to its sizes, like x: [K]",
              raw_shapes)
    for name, dims in raw_shapes.items():
        if not (isinstance(name, str) and isinstance(dims, list) and 1 <= len(dims) <= 2
                and all(isinstance(d, (str, int)) and str(d).strip() for d in dims)):
            _fail(f"'derive.shapes.{name}' must be a list of one size (a vector, [K]) or two "
                  "(a matrix, [K, D])", name if hasattr(name, "in_front_matter") else raw_shapes)
        shapes[str(name).strip()] = tuple(str(d).strip() for d in dims)
    layout = block.get("layout") or "numerator"
    if layout not in ("numerator", "denominator"):
        _fail("'derive.layout' must be numerator or denominator", layout)
    return Declarations(
        shapes=shapes, layout=str(layout),
        indices=ranges,
        functions=names("functions"), families=names("families"),
        constants=names("constants"),
        assumptions=tuple(zip(assumptions, lines)),
        title=str(title) if isinstance(title, str) else "",
        expect=tuple(str(x) for x in expect if isinstance(x, str))
        if isinstance(expect, list) else (),
        lines=original_lines, rules=rules,
    )


def _number(value, what: str, where) -> int:
    if not isinstance(value, str) or not value.strip().isdigit() or int(value) < 1:
        _fail(f"'{what}' must be a whole number from 1, not {_kind(value)}", where)
    return int(value)


def _builtin(block) -> tuple[tuple[int, ...], dict[int, dict[int, str]]]:
    """``derive.builtin``: ``lines`` (each equation's line in the original, increasing) and
    ``rules`` ({equation number: {link position: rule name}})."""
    if block is None:
        return (), {}
    if not isinstance(block, dict) or not set(block) <= {"lines", "rules"}:
        _fail("'derive.builtin' must be a mapping with 'lines' and 'rules'", block)
    raw = block.get("lines") or []
    if not isinstance(raw, list):
        _fail("'derive.builtin.lines' must be a list of line numbers", raw)
    lines = tuple(_number(x, "derive.builtin.lines", x if hasattr(x, "line") else raw)
                  for x in raw)
    if any(b <= a for a, b in zip(lines, lines[1:])):
        _fail("'derive.builtin.lines' must increase", raw)
    table = block.get("rules") or {}
    if not isinstance(table, dict):
        _fail("'derive.builtin.rules' must map equation numbers to {link: rule}", table)
    rules: dict[int, dict[int, str]] = {}
    for eq, links in table.items():
        n = _number(eq, "derive.builtin.rules", eq if hasattr(eq, "line") else table)
        if not isinstance(links, dict):
            _fail(f"'derive.builtin.rules.{n}' must map link positions to rules", eq)
        rules[n] = {}
        for pos, rule in links.items():
            k = _number(pos, f"derive.builtin.rules.{n}", pos if hasattr(pos, "line") else links)
            if not isinstance(rule, str) or not rule.strip():
                _fail(f"'derive.builtin.rules.{n}.{k}' must be a rule's name", links)
            rules[n][k] = str(rule)
    return lines, rules


def _kind(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, str):
        return repr(str(value))
    return "a list" if isinstance(value, list) else "a mapping"


def _item_line(items, item) -> int:
    lines = getattr(items, "item_lines", None)
    for k, x in enumerate(items):
        if x is item and lines:
            return lines[k]
    return _line(item, _line(items))


def _fail(message: str, where, line: int | None = None):
    """Raise for a value of the front matter at its line; for one of a sidecar file, name
    that file's line in the message (the caller reports it against the document)."""
    column = getattr(where, "column", 1) if line is None else 1
    line = _line(where) if line is None else line
    if getattr(where, "in_front_matter", False):
        raise FrontMatterError(message, line, column)
    if hasattr(where, "in_front_matter"):
        raise FrontMatterError(f"{message} (line {line} of the declarations file)", 1)
    raise FrontMatterError(message, 1)
