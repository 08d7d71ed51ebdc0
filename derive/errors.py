"""Errors about the input as a whole (a missing file, bytes that are not text).

Problems inside a document are never exceptions: they are located
:class:`~derive.report.model.SourceError` values in the report.
"""

from __future__ import annotations


class InputError(Exception):
    """The target cannot be read at all; the CLI prints it as one line and exits 2."""
