"""Find the line of any key in a TOML document, so validation errors can say ``FILE:LINE``.

:mod:`tomllib` parses TOML but forgets where things were. Policy, lexicon and bank errors must point an editor
at the offending line, so this module scans the source once and records, for every key path it can see, the
line where it is defined: table headers (``[a.b]``, ``[[rules]]`` with its array index), ``key = value``
lines, keys inside inline tables, and the elements of multi-line arrays. It is a locator, not a parser: the
document has already been parsed by :mod:`tomllib`, so malformed input never reaches it.

>>> idx = LineIndex.from_text('[policy]\\nversion = "1"\\n[[rules]]\\nid = "a"\\n[[rules]]\\nid = "b"\\n')
>>> idx.line_of(("rules", 1, "id"))
6
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*'")


def _split_dotted(key: str) -> list[str]:
    """Split ``a."b.c".d`` into parts, honouring quotes."""
    parts: list[str] = []
    buf = ""
    quote: str | None = None
    for ch in key:
        if quote:
            if ch == quote:
                quote = None
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
    parts.append(buf.strip())
    return parts


@dataclass
class _Frame:
    """An open ``[`` (array: counts elements) or ``{`` (inline table: remembers the current key)."""

    bracket: str
    index: int = 0
    marked: bool = False
    key: str | None = None


@dataclass
class _ValueScanner:
    """Scans one (possibly multi-line) value, recording element and inline-key lines under ``base``."""

    base: Path
    lines: dict[Path, int]
    stack: list[_Frame] = field(default_factory=list)
    in_string: str | None = None

    def _path(self) -> Path:
        out: list[str | int] = []
        for frame in self.stack:
            if frame.bracket == "[":
                out.append(frame.index)
            elif frame.key is not None:
                out.append(frame.key)
        return (*self.base, *out)

    def _mark(self, lineno: int) -> None:
        if self.stack and self.stack[-1].bracket == "[" and not self.stack[-1].marked:
            self.stack[-1].marked = True
            self.lines.setdefault(self._path(), lineno)

    def feed(self, text: str, lineno: int) -> bool:
        """Scan ``text``; return True while brackets remain open."""
        j, n = 0, len(text)
        while j < n:
            ch = text[j]
            if self.in_string:
                if ch == "\\" and self.in_string == '"':
                    j += 2
                    continue
                if ch == self.in_string:
                    self.in_string = None
                j += 1
                continue
            top = self.stack[-1] if self.stack else None
            if top is not None and top.bracket == "{" and ch not in " \t,}":
                m = _BARE_KEY.match(text, j)
                if m and text[m.end() :].lstrip().startswith("="):
                    top.key = m.group(0).strip("\"'")
                    self.lines.setdefault(self._path(), lineno)
                    j = text.index("=", m.end()) + 1
                    continue
            if ch == "#":
                break
            if ch in "\"'":
                self._mark(lineno)
                self.in_string = ch
            elif ch in "[{":
                self._mark(lineno)
                self.stack.append(_Frame(ch))
            elif ch in "]}":
                if self.stack:
                    self.stack.pop()
            elif ch == ",":
                if top is not None and top.bracket == "[":
                    top.index += 1
                    top.marked = False
                elif top is not None:
                    top.key = None
            elif not ch.isspace():
                self._mark(lineno)
            j += 1
        return bool(self.stack)


class LineIndex:
    """Map key paths (``("rules", 2, "when", "any", 0, "label")``) to 1-based line numbers."""

    def __init__(self, lines: dict[Path, int]) -> None:
        self._lines = lines

    @classmethod
    def from_text(cls, text: str) -> LineIndex:
        lines: dict[Path, int] = {}
        array_counts: dict[Path, int] = {}
        table: Path = ()
        scanner: _ValueScanner | None = None
        for lineno, raw in enumerate(text.splitlines(), start=1):
            if scanner is not None:
                if not scanner.feed(raw, lineno):
                    scanner = None
                continue
            stripped = raw.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if stripped.startswith("[["):
                end = stripped.find("]]")
                parts = _split_dotted(stripped[2 : end if end > 0 else None])
                base = (*cls._resolve(parts[:-1], array_counts), parts[-1])
                n = array_counts.get(base, 0)
                array_counts[base] = n + 1
                table = (*base, n)
                lines.setdefault(base, lineno)
                lines[table] = lineno
                continue
            if stripped.startswith("["):
                end = stripped.find("]")
                table = cls._resolve(_split_dotted(stripped[1 : end if end > 0 else None]), array_counts)
                lines[table] = lineno
                continue
            eq = _find_eq(stripped)
            if eq < 0:
                continue
            key_path = (*table, *_split_dotted(stripped[:eq]))
            lines.setdefault(key_path, lineno)
            sc = _ValueScanner(key_path, lines)
            if sc.feed(stripped[eq + 1 :], lineno):
                scanner = sc
        return cls(lines)

    @staticmethod
    def _resolve(path: list[str], array_counts: dict[Path, int]) -> Path:
        """``rules.when`` after ``[[rules]]`` means the LAST element of ``rules``."""
        out: list[str | int] = []
        for part in path:
            out.append(part)
            n = array_counts.get(tuple(out))
            if n is not None:
                out.append(n - 1)
        return tuple(out)

    def line_of(self, path: Sequence[str | int]) -> int | None:
        """Line of ``path`` or of its closest recorded ancestor (``None`` when nothing matches)."""
        p = tuple(path)
        while p:
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return None


def _find_eq(line: str) -> int:
    """Index of the ``=`` separating key and value (outside quotes), or -1."""
    quote: str | None = None
    for k, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return k
        elif ch == "#":
            return -1
    return -1
