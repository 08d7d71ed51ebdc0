"""Finding display equations in Markdown: the first stage of reading a document.

The document is read as CommonMark reads it (markdown-it-py's ``commonmark`` preset),
with mdit-py-plugins for dollar math and amsmath environments, so that what a Markdown
renderer shows as display math is checked, and nothing else:

* display math: ``$$…$$`` (on its own lines or inside a paragraph), ``\\[…\\]`` and
  ``\\\\[…\\\\]``, the ``equation``/``align``/``gather``/``multline``/``eqnarray``
  environments (and ``aligned``/``split`` inside ``$$``), and GitHub's fenced
  ````` ```math ````` blocks;
* never checked: inline math ``$…$``, code (fenced, indented, inline), HTML blocks and
  comments, front matter, image descriptions.

Each equation keeps its offset in the file (``text`` maps 1:1 onto the file span it came
from, with container markup such as a blockquote's ``>`` blanked out), so every later error
can be reported as FILE:LINE:COL (:func:`source_error` makes one). markdown-it is
imported on first use, not with this module. No sympy here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import replace
from typing import Any

from derive.reading.cases import cases_of_equations
from derive.records import frozen
from derive.report.model import SourceError

ENVIRONMENTS = ("equation", "equation*", "align", "align*", "gather", "gather*",
                "multline", "multline*", "eqnarray", "eqnarray*", "alignat", "alignat*",
                "flalign", "flalign*")


@frozen
class RawEquation:
    """One display equation: its source text with row separators blanked out."""

    text: str  # same length as the file span it came from, so offsets map 1:1
    offset: int  # file offset of text[0]
    line: int  # 1-based line of the opening delimiter
    delimiter: str  # $$ | \[ | \\[ | ```math | equation | align | … | unclosed:<opener>
    display: int = 0  # 1-based place of its display among the document's displays
    row: int = 0  # 1-based row when the display holds several equations (aligned rows), else 0
    section: int = 0  # how many headings come before it (a new section may redefine a name)
    part: int = 0  # how many headings of the top two levels (# and ##) come before it


_BEGIN = re.compile(r"\\begin\{(" + "|".join(re.escape(e) for e in ENVIRONMENTS) + r")\}")
# environments of rows that people nest inside $$ or \[ (MathJax renders align* there too)
_ALIGNED = re.compile(r"\\(?:begin|end)\{(?:aligned|split|gathered|align\*?|eqnarray\*?|"
                      r"gather\*?|flalign\*?|multline\*?)\}")
_AMS_OPEN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")
_ALIGNAT_ARG = re.compile(r"[ \t]*\{[^{}\n]*\}")
# inline content worth an inline parse: anything else cannot hold display math
_INLINE_NEEDED = re.compile(r"\$\$|\\\[|\\begin\{")
_CONTAINERS = ("blockquote_open", "list_item_open")  # what holds blocks of its own
_MATH_FENCE = re.compile(r"(`{3,}|~{3,})[ \t]*math\b")
# nested containers deeper than this are not read by markdown-it; derive refuses them
_MAX_NESTING = 40


def line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


# --------------------------------------------------------------------------- the parser

_PARSER = None


def _parser():
    """The markdown-it parser, built once (markdown-it is imported here, on first use)."""
    global _PARSER
    if _PARSER is not None:
        return _PARSER
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"maxNesting": _MAX_NESTING})
    md.use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_labels=True, allow_space=True, allow_digits=True,
           allow_blank_lines=True, double_inline=True)
    md.use(amsmath_plugin)
    # nothing that only decorates text is needed to find math
    md.disable(["emphasis", "entity", "newline", "text_join"], ignoreInvalid=True)
    _wrap(md.block.ruler, "front_matter", _front_matter_rule)
    _wrap(md.block.ruler, "math_block", _math_block_rule)
    _wrap(md.block.ruler, "amsmath", _amsmath_rule)
    _wrap(md.block.ruler, "fence", _fence_rule)
    md.block.ruler.after("math_block", "derive_bracket_block", _bracket_block)
    _wrap(md.inline.ruler, "math_inline", _math_inline_rule)
    md.inline.ruler.after("math_inline", "derive_inline_display", _inline_display)
    md.core.ruler.at("inline", _core_inline)
    _PARSER = md
    return md


def _wrap(ruler, name: str, make) -> None:
    """Replace rule ``name`` by ``make(original)``, keeping what it may interrupt."""
    rule = ruler.__rules__[ruler.__find__(name)]
    ruler.at(name, make(rule.fn), {"alt": list(rule.alt)})


def _core_inline(state) -> None:
    """Parse the inline content of a block only where display math may be."""
    md = state.md
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if _INLINE_NEEDED.search(token.content):
                md.inline.parse(token.content, md, state.env, token.children)


def _front_matter_rule(original):
    """Front matter is exactly what derive reads as front matter (split_front_matter)."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        body = state.env.get("derive_body_start")
        if start_line != 0 or not body:
            return False
        if silent:
            return True
        last = bisect_right(state.env["derive_starts"], body) - 1  # the body's first line
        token = state.push("front_matter", "", 0)
        token.hidden = True
        token.block = True
        token.markup = "---"
        token.map = [0, last]
        state.line = last
        return True

    return rule


def _blanks(state, first: int, last: int) -> list[tuple[int, int]]:
    """The container markup (a blockquote's ``>``) that starts lines first..last."""
    starts = state.env["derive_starts"]
    out = []
    for line in range(first, last + 1):
        if state.bMarks[line] > starts[line]:
            out.append((starts[line], state.bMarks[line]))
    return out


def _math_block_rule(original):
    """dollarmath's ``$$`` block, with the exact span of its body recorded."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not original(state, start_line, end_line, silent):
            return False
        if silent:
            return True
        token = state.tokens[-1]
        last = state.line - 1
        src = state.src
        opener = state.bMarks[start_line] + state.tShift[start_line]
        if last == start_line and "$$" in token.content:
            # "$$a$$ $$b$$" on one line is two equations, not one with "$$ $$" inside it
            state.tokens.pop()
            state.line = start_line
            return False
        lo = opener + 2 if last == start_line else state.bMarks[last]
        closer = src.rfind("$$", lo, state.eMarks[last])
        token.meta = {"derive": (opener, "$$", opener + 2, closer,
                                 _blanks(state, start_line + 1, last))}
        return True

    return rule


def _amsmath_rule(original):
    """mdit-py-plugins' amsmath block, with the exact span of its body recorded."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not original(state, start_line, end_line, silent):
            return False
        if silent:
            return True
        token = state.tokens[-1]
        last = state.line - 1
        src = state.src
        opener = state.bMarks[start_line] + state.tShift[start_line]
        m = _AMS_OPEN.match(src, opener)
        assert m is not None  # the rule above matched this opening
        env = m.group(1)
        body = m.end()
        if env.startswith("alignat"):  # \begin{alignat}{2}: the column count is no math
            arg = _ALIGNAT_ARG.match(src, body)
            body = arg.end() if arg else body
        closing = "\\end{" + env + "}"
        lo = state.bMarks[last] + state.tShift[last]
        closer = lo + len(src[lo:state.eMarks[last]].rstrip()) - len(closing)
        token.meta = {"derive": (opener, env, min(body, closer), closer,
                                 _blanks(state, start_line + 1, last))}
        return True

    return rule


def _fence_rule(original):
    """CommonMark's fence; a ```` ```math ```` fence (GitHub's display math) is recorded."""

    def rule(state, start_line: int, end_line: int, silent: bool) -> bool:
        if not original(state, start_line, end_line, silent):
            return False
        if silent:
            return True
        token = state.tokens[-1]
        words = token.info.split()
        if not words or words[0] != "math":
            return True
        src, starts = state.src, state.env["derive_starts"]
        opener = state.bMarks[start_line] + state.tShift[start_line]
        last = state.line - 1  # the closing fence, if there is one
        if last > start_line and _closes_fence(state, last, token.markup):
            last -= 1
        first = start_line + 1
        body_start = starts[first] if first < len(starts) else len(src)
        body_end = state.eMarks[last] if last >= first else body_start
        token.meta = {"derive": (opener, "```math", body_start, max(body_start, body_end),
                                 _blanks(state, first, last))}
        return True

    return rule


def _closes_fence(state, line: int, markup: str) -> bool:
    if state.sCount[line] - state.blkIndent >= 4:
        return False
    text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].rstrip(" \t")
    return len(text) >= len(markup) and text == markup[0] * len(text)


def _bracket_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """``\\[…\\]`` (and ``\\\\[…\\\\]``) on their own lines, as dollarmath reads ``$$``."""
    if state.is_code_block(start_line):
        return False
    src = state.src
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if src.startswith("\\\\[", pos):
        opener, closer = "\\\\[", "\\\\]"
    elif src.startswith("\\[", pos):
        opener, closer = "\\[", "\\]"
    else:
        return False
    body = pos + len(opener)
    line = start_line
    text = src[body:state.eMarks[line]]
    while True:
        at = text.find(closer)
        if at >= 0:
            if at + len(closer) != len(text.rstrip()):
                return False  # text after the closer: a paragraph (read inline)
            end = (body if line == start_line else
                   state.bMarks[line] + state.tShift[line]) + at
            break
        line += 1
        if line >= end_line:
            return False  # never closed here: read inline (and reported there)
        text = src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
    if silent:
        return True
    state.line = line + 1
    token = state.push("math_block", "math", 0)
    token.block = True
    token.markup = opener
    token.content = src[body:end]
    token.map = [start_line, state.line]
    token.meta = {"derive": (pos, opener, body, end, _blanks(state, start_line + 1, line))}
    return True


def _math_inline_rule(original):
    """dollarmath's inline rule; ``$$…$$`` inside a paragraph gets its position recorded."""

    def rule(state, silent: bool) -> bool:
        start = state.pos
        if not original(state, silent):
            return False
        if not silent:
            token = state.tokens[-1]
            if token.type == "math_inline_double":
                token.meta = {"derive": (start, "$$", start + 2, state.pos - 2)}
        return True

    return rule


def _inline_display(state, silent: bool) -> bool:
    """Display math inside a paragraph: ``\\[…\\]``, ``\\\\[…\\\\]``, an environment, and an
    opener that is never closed (``$$``, which dollarmath's inline rule did not take)."""
    src, pos = state.src, state.pos
    ch = src[pos]
    if ch == "$":
        if not src.startswith("$$", pos):
            return False
        if src.startswith("$$$$", pos):  # an empty display
            opener, body, end, after = "$$", pos + 2, pos + 2, pos + 4
        else:
            opener, body, end, after = "unclosed:$$", pos + 2, pos + 2, pos + 2
    elif ch == "\\":
        m = None
        if src.startswith("\\\\[", pos):
            opener, closer = "\\\\[", "\\\\]"
        elif src.startswith("\\[", pos):
            opener, closer = "\\[", "\\]"
        else:
            m = _BEGIN.match(src, pos)
            if not m:
                return False
            opener, closer = m.group(1), "\\end{" + m.group(1) + "}"
        body = m.end() if m else pos + len(opener)
        end = src.find(closer, body)
        if end < 0:
            opener = "unclosed:" + (m.group(0) if m else opener)
            end = after = body
        else:
            after = end + len(closer)
    else:
        return False
    if not silent:
        token = state.push("derive_display", "math", 0)
        token.meta = {"derive": (pos, opener, body, end)}
    state.pos = after
    return True


# --------------------------------------------------------------------------- finding

def find_equations(text: str) -> list[RawEquation]:
    """Every display equation in a Markdown text, in order of appearance."""
    if "$" not in text and "\\" not in text and not _MATH_FENCE.search(text):
        return []  # nothing could be display math: no parse needed
    from derive.reading.frontmatter import split_front_matter

    # markdown-it would turn "\r\n" into "\n" and NUL into U+FFFD; doing it here, one
    # character for one, keeps every offset in its source the same as in the file
    src = text.replace("\r\n", " \n").replace("\r", "\n").replace("\0", "\ufffd")
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", src))
    env: dict[str, Any] = {"derive_starts": starts}
    _, body_line = split_front_matter(text)
    if body_line > 1:
        env["derive_body_start"] = _nth_line_start(text, body_line)
    try:
        tokens = _parser().parse(src, env)
    except RecursionError:  # only a pathological text; refused, never passed over
        return [RawEquation("", 0, 1, "error:Markdown nested too deeply to read", 1)]
    spans: list[tuple[int, str, int, int, list]] = []
    headings = [starts[token.map[0]] for token in tokens
                if token.type == "heading_open" and token.map]
    parts = [starts[token.map[0]] for token in tokens
             if token.type == "heading_open" and token.map and token.tag in ("h1", "h2")]
    for token in tokens:
        meta = token.meta
        if meta and "derive" in meta:
            spans.append(meta["derive"])
        elif token.level >= _MAX_NESTING - 1 and token.type in _CONTAINERS:
            _too_deep(token, src, starts, spans)
        elif token.type == "inline" and token.children:
            _inline_spans(token, src, starts, spans)
    spans.sort(key=lambda s: s[0])
    found: list[RawEquation] = []
    line_no, counted, display = 1, 0, 0
    for opener, kind, body_start, body_end, blanks in spans:
        line_no += text.count("\n", counted, opener)
        counted = opener
        display += 1
        if kind.startswith(("unclosed:", "error:")):
            found.append(RawEquation("", body_start, line_no, kind, display))
            continue
        body = text[body_start:body_end]
        if blanks:
            body = _blank_spans(body, body_start, blanks)
        body_line = line_no + text.count("\n", opener, body_start)  # a fence's is the next
        rows = _rows(body, body_start, body_line, kind, line_no)
        section, part = bisect_right(headings, opener), bisect_right(parts, opener)
        found.extend(replace(r, display=display, row=k if len(rows) > 1 else 0, section=section,
                             part=part) for k, r in enumerate(rows, start=1))
    return found


def _nth_line_start(text: str, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        pos = text.find("\n", pos) + 1
        if pos == 0:
            return len(text)
    return pos


def _blank_spans(body: str, offset: int, blanks) -> str:
    chars = list(body)
    for a, b in blanks:
        for k in range(max(a - offset, 0), min(b - offset, len(chars))):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _too_deep(token, src: str, starts: list[int], spans: list) -> None:
    """A container nested deeper than markdown-it reads: its content was skipped, so
    display math in it is refused rather than passed over."""
    first, last = token.map
    a = starts[first]
    b = starts[last] if last < len(starts) else len(src)
    region = src[a:b]
    if _INLINE_NEEDED.search(region) or _MATH_FENCE.search(region):
        spans.append((a, f"error:Markdown nested more than {_MAX_NESTING} levels deep "
                         "(blockquotes or lists); derive does not read inside it", a, a, []))


def _inline_spans(token, src: str, starts: list[int], spans: list) -> None:
    """Display math found inside a paragraph or heading, mapped back onto the file."""
    mapper = None
    for child in token.children:
        meta = child.meta
        if not meta or "derive" not in meta:
            continue
        if mapper is None:
            mapper = _InlineMap(token.content, token.map[0], src, starts)
        opener, kind, body, end = meta["derive"]
        a, b = mapper.offset(body), mapper.offset(end)
        spans.append((mapper.offset(opener), kind, a, max(a, b), mapper.blanks(a, b)))


class _InlineMap:
    """Inline content (a paragraph's lines, container markup and indentation taken off)
    back to file offsets: each content line, less leading spaces, is the tail of its
    source line (the last one before trailing spaces; a heading's before its closing #s)."""

    def __init__(self, content: str, first_line: int, src: str, starts: list[int]):
        self.segments: list[tuple[int, int, int, int]] = []  # content start, end, file
        cpos = 0  # offset of the content, and file offset of the line's start
        for j, line in enumerate(content.split("\n")):
            number = first_line + j
            ls = starts[number]
            le = starts[number + 1] - 1 if number + 1 < len(starts) else len(src)
            phys = src[ls:le]
            lead = len(line) - len(line.lstrip(" "))
            core = line[lead:]
            if phys.endswith(core):
                base = le - len(core)
            elif phys.rstrip().endswith(core):
                base = ls + len(phys.rstrip()) - len(core)
            else:
                base = ls + max(phys.rfind(core), 0)
            self.segments.append((cpos + lead, cpos + len(line), base, ls))
            cpos += len(line) + 1

    def offset(self, pos: int) -> int:
        for start, end, base, _ in self.segments:
            if pos <= end:
                return base + max(pos - start, 0)
        start, end, base, _ = self.segments[-1]
        return base + (end - start)

    def blanks(self, a: int, b: int) -> list[tuple[int, int]]:
        """What precedes each continuation line's content in the file, inside [a, b)."""
        return [(ls, base) for _, _, base, ls in self.segments[1:]
                if a <= ls and base > ls and ls < b]


#: a row that goes on with the side before it: it begins with an operator (after an '&')
_CONTINUED = re.compile(r"\s*&?(?:\s|\\q?quad(?![A-Za-z])|\\[,;:! ]|~)*"
                        r"(?:[-+*/]|\\cdot(?![A-Za-z])|\\times(?![A-Za-z])|\\pm)")


def _plain_term(row: str) -> bool:
    """A row with no relation, arrow or prose of its own: the rest of the side before it."""
    from derive.reading.relations import split_display
    from derive.reading.tokenizer import ParseError

    try:
        return not split_display(row.replace("&", " ")).cut and "\\begin" not in row and \
            "\\end" not in row
    except ParseError:
        return False


def _top_level_break(body: str) -> bool:
    """Is there a line break ``\\\\`` outside braces, not just before an '=' (which continues
    the chain: layout.continuation)? MathJax breaks a display there: one equation a row."""
    depth = 0
    k = 0
    while k < len(body):
        ch = body[k]
        if ch == "\\" and body.startswith("\\\\", k):
            if depth == 0 and not re.match(r"\\\\(\[[^\]]*\])?\s*(\\\\\s*)*&?\s*=",
                                           body[k:]):
                return True
            k += 2
            continue
        if ch == "\\":
            k += 2
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        k += 1
    return False


def _rows(body: str, offset: int, line: int, kind: str, head: int) -> list[RawEquation]:
    """Split an aligned body into equations: rows that start with '&=' continue the chain.

    ``line`` is the line of body[0]; ``head`` that of the opening delimiter, which an
    equation that is not split into rows is reported at."""
    written, rewritten = body, cases_of_equations(body)  # cases whose rows are equations
    body = rewritten if rewritten is not None else body
    aligned = kind.startswith(("align", "eqnarray", "gather", "multline", "flalign")) or (
        _ALIGNED.search(body)) or rewritten is not None
    broken = not aligned and "\\begin" not in body and _top_level_break(body)
    if not aligned and not broken:
        return [RawEquation(body, offset, head, kind)]
    chars = list(body)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if chars[k] != "\n":
                chars[k] = " "

    for m in _ALIGNED.finditer(body):
        blank(m.start(), m.end())
    text = "".join(chars)
    rows: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"\\\\(\[[^\]]*\])?", text):
        rows.append((start, m.start()))
        blank(m.start(), m.end())
        start = m.end()
    rows.append((start, len(text)))
    text = "".join(chars)
    groups: list[list[tuple[int, int]]] = []
    for a, b in rows:
        row = text[a:b]
        if not row.strip():
            continue
        first = row.split("&", 1)[0] if "&" in row else None
        continues = first is not None and not first.strip() and row.split("&", 1)[1].lstrip(
        ).startswith("=") or (broken and row.lstrip().startswith("=")) or (
            "=" not in row and (_CONTINUED.match(row) is not None or _plain_term(row)))
        # L = x \\ + y, L = x \\ y: the side before it, broken (TeX reads on across \\)
        if continues and groups:
            groups[-1].append((a, b))
        else:
            groups.append([(a, b)])
    out = []
    for n, group in enumerate(groups):
        a, b = group[0][0], group[-1][1]
        if rewritten is not None:  # the rows span the whole cases, from its \begin line
            a = len(written) - len(written.lstrip()) if n == 0 else a
            b = len(written.rstrip()) if n == len(groups) - 1 else b
        seg = list(text[a:b])
        for k, ch in enumerate(seg):
            if ch == "&":
                seg[k] = " "
        first = "".join(seg)
        lead = 0 if rewritten is not None and n == 0 else len(first) - len(first.lstrip())
        eq_line = line + body.count("\n", 0, a + lead)
        out.append(RawEquation(first, offset + a, eq_line, kind))
    return out


def source_error(file: str, text: str, offset: int, message: str) -> SourceError:
    """The error ``message`` at ``offset`` of ``text``, located by line, column and line text."""
    line, col = line_col(text, offset)
    lines = text.split("\n")
    snippet = lines[line - 1] if 0 < line <= len(lines) else ""
    if len(snippet) > 200:  # keep the caret's neighbourhood readable on huge lines
        start = max(col - 100, 0)
        snippet, col = snippet[start:start + 200], col - start
    return SourceError(message, line, col, snippet.replace("\t", " "), file)
