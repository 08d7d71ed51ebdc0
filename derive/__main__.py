"""``python -m derive``: the same as the ``derive`` command."""

from derive.app.cli import run

run()
