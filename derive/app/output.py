"""What ``derive check`` writes, as each file is checked: the reports on standard output in
the chosen format, reading errors on standard error, the totals at the end, and a progress
bar on standard error while files are checked (when it is a terminal). A closed standard
output is seen at once, and the rest of the output goes to /dev/null.

Imports no sympy; rich only for the terminal format and the progress bar.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: neither is imported unless output needs it
    from rich.console import Console

    from derive.report.render import JsonStream


def _use_color(args, stream) -> bool | None:
    """True or False when a flag or the environment decides (--color, NO_COLOR,
    FORCE_COLOR, in that order), else whether ``stream`` is a terminal."""
    if args.color == "always":
        return True
    if args.color == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Output:
    """The output of ``derive check``, written as each file is checked, in input order: the
    file's report on stdout (in the chosen format), then its reading errors on stderr;
    at the end the totals of all files (when there are several, or always for concise
    and json). A progress bar on stderr, when it is a terminal and there are two files or
    more, is taken down while anything is written."""

    def __init__(self, args, n: int) -> None:
        self.args, self.n = args, n
        self.broken = sys.stdout is None  # (started with its standard output closed)
        self.count = 0  # files begun
        self.reports = 0  # reports written
        fmt = args.format
        if fmt == "auto":
            fmt = "terminal" if _use_color(args, sys.stdout) else "plain"
        self.color = _use_color(args, sys.stdout)
        if fmt == "terminal" and self.color is False and (
                args.color == "never" or os.environ.get("NO_COLOR")):
            fmt = "plain"
        self.fmt = fmt
        self.console: Console | None = None
        self.json: JsonStream | None = None
        self.progress = _progress(args, n)

    # -- writing, with a closed pipe seen at once (the rest of stdout goes nowhere)
    def _write(self, text: str) -> None:
        if self.broken or not text:
            return
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            self._broke()

    def _broke(self) -> None:
        self.broken = True
        _silence(sys.stdout)

    def stderr(self, lines: list[str]) -> None:
        if not lines or sys.stderr is None:
            return
        self.pause()
        try:
            for line in lines:
                print(line, file=sys.stderr)
            sys.stderr.flush()
        except BrokenPipeError:
            _silence(sys.stderr)

    def pause(self) -> None:
        if self.progress is not None:
            self.progress.hide()

    def checking(self, target: str) -> None:
        if self.progress is not None:
            self.progress.show(target, self.count)
        self.count += 1

    def _rich(self):
        if self.console is None:
            from rich.console import Console

            force = True if self.color else None
            self.console = Console(width=self.args.width, force_terminal=force,
                                   no_color=False if self.color else None)
        return self.console

    def report(self, report) -> None:
        self.pause()
        first = not self.reports
        self.reports += 1
        fmt = self.fmt
        if fmt == "json":
            from derive.report.render import JsonStream

            if self.json is None:
                self.json = JsonStream()
                self._write(self.json.head())
            self._write(self.json.report(report))
        elif fmt == "terminal":
            if not self.broken:
                from derive.report.render.terminal import print_rich

                try:
                    if not first:
                        self._rich().print()
                    print_rich(report, self._rich())
                    sys.stdout.flush()
                except (SystemExit, BrokenPipeError):  # (rich's answer to a broken pipe)
                    self._broke()
        elif fmt == "concise":
            from derive.report.render.concise import problems

            self._write("".join(line + "\n" for line in problems(report, bool(self.color))))
        else:
            from derive.report.render import render

            text = render(report, fmt, width=self.args.width or columns_from_environment())
            text = text if text.endswith("\n") else text + "\n"
            self._write(("\n" if not first and fmt != "github" else "") + text)
        lines = [e.located for e in report.errors]  # located reading errors go to stderr
        lines += [eq.error.located for eq in report.equations if eq.error is not None]
        self.stderr(lines)

    def finish(self, reports, unchecked, code: int) -> None:
        self.pause()
        fmt = self.fmt
        if fmt == "json":
            if self.json is not None:
                self._write(self.json.tail(unchecked, code))
        elif fmt == "concise":
            from derive.report.render import total_text

            if reports or unchecked:
                bad = sum(1 for r in reports if not r.ok)
                self._write(total_text(reports, len(unchecked))
                            + (f"; {_plural(bad, 'file')} with problems" if bad else "") + "\n")
        elif len(reports) + len(unchecked) > 1 and reports:
            self._write_total(reports, unchecked)
        if not self.broken:
            try:
                sys.stdout.flush()
            except BrokenPipeError:
                self._broke()

    def _write_total(self, reports, unchecked) -> None:
        from derive.report.render import problem_text, total_text

        total = total_text(reports, len(unchecked))
        bad = [(r.source, problem_text(r)) for r in reports if not r.ok]
        n_bad = len(bad)
        bad += [(t, f"not checked: {_without(message, t)}") for t, message in unchecked]
        fmt = self.fmt
        if fmt == "github":
            from derive.report.render.github import command

            words = total + (f"; problems in {', '.join(s for s, _ in bad)}" if bad else "")
            self._write(command("notice", words + ".", title="derive: total") + "\n")
            return
        if fmt == "markdown":
            rows = "".join(f"| `{s}` | {p} |\n" for s, p in bad)
            table = f"\n| file | problems |\n|---|---|\n{rows}" if bad else ""
            self._write(f"\n## Total\n\n**{total}**\n{table}")
            return
        lines = [total]
        if bad:
            width = max(len(s) for s, _ in bad)
            head = [_plural(n_bad, "file") + " with problems"] if n_bad else []
            head += [f"{_plural(len(unchecked), 'file')} not checked"] if unchecked else []
            lines.append(", ".join(head) + ":")
            lines += [f"  {s:<{width}}  {p}" for s, p in bad]
        else:
            lines.append("every link of every file is proved")
        if fmt == "terminal":
            if self.broken:
                return
            from rich.text import Text

            try:
                console = self._rich()
                console.print()
                console.print(Text("Total", style="bold"))
                for i, line in enumerate(lines):
                    style = "green" if not bad else ("red" if i > 0 else "")
                    console.print(Text("  " + line, style=style))
                sys.stdout.flush()
            except (SystemExit, BrokenPipeError):
                self._broke()
            return
        self._write("\nTotal\n" + "".join(f"  {line}\n" for line in lines))


def _plural(n: int, word: str) -> str:
    return f"{n} {word if n == 1 else word + 's'}"


def _without(message: str, target: str) -> str:
    """An error message without the target's name it starts with."""
    return message[len(target) + 2:] if message.startswith(target + ": ") else message


def _progress(args, n: int):
    """A progress bar on stderr, or None: only when stderr is a terminal, for two files or
    more, and not with --no-progress."""
    if n < 2 or args.no_progress or os.environ.get("TERM") == "dumb":
        return None
    try:
        if sys.stderr is None or not sys.stderr.isatty():
            return None
    except (AttributeError, ValueError, OSError):
        return None
    return _Bar(n, color=args.color != "never" and not os.environ.get("NO_COLOR"))


class _Bar:
    """rich's progress bar, refreshed by hand (a refreshing thread would keep the check from
    forking its workers): shown while a file is checked, taken down while output is
    written (stdout and stderr may be the same terminal)."""

    def __init__(self, total: int, color: bool) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(stderr=True, no_color=None if color else True)
        self.bar = Progress(TextColumn("derive"), BarColumn(), MofNCompleteColumn(),
                            TextColumn("{task.description}"), console=console,
                            transient=True, auto_refresh=False, redirect_stdout=False,
                            redirect_stderr=False)
        self.task = self.bar.add_task("", total=total)
        self.shown = False

    def show(self, target: str, done: int) -> None:
        self.bar.update(self.task, completed=done, description=target)
        if not self.shown:
            self.bar.start()
            self.shown = True
        self.bar.refresh()

    def hide(self) -> None:
        if self.shown:
            self.bar.stop()
            self.shown = False


def _silence(stream) -> None:
    """Point ``stream``'s file descriptor at /dev/null (what is still buffered goes there)."""
    if stream is None:
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


def columns_from_environment() -> int | None:
    """$COLUMNS, as text output honours it when no --width is given (None: the renderer's
    own default); out-of-range values are clamped to what --width accepts."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return None
    from derive.app.cli import MAX_WIDTH, MIN_WIDTH

    return min(max(columns, MIN_WIDTH), MAX_WIDTH) if columns > 0 else None
