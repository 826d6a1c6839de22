"""The one PDF renderer for summaries (evidence packages, IC3 packages): Unicode in, every glyph shown.

fpdf2's core fonts are Latin-1 only, so names written in Cyrillic, Greek, Arabic or CJK came out as ``?``.
This renderer embeds TrueType fonts found on the machine: DejaVu Sans (Latin, Greek, Cyrillic, Arabic,
Hebrew, Armenian, Georgian...) as the body font and a CJK font (Droid Sans Fallback, WenQuanYi, Noto CJK)
as fpdf2's per-glyph fallback. ``scripts/ensure-fonts.sh`` installs them from Debian's packages.

A character no embedded font can draw, and every control character, is written as ``<U+XXXX>`` and
counted; :meth:`SummaryPdf.output` ends the document with a note saying how many, so nothing is dropped
silently. Without any TrueType font (a bare machine) it falls back to Helvetica and Latin-1, with the same
visible markers; :func:`font_status` says which applies.

Example::

    pdf = SummaryPdf(title="Evidence package r-1", created_at=when)
    pdf.line("Evidence package r-1", size=15, bold=True)
    pdf.line("Имя: Анна, 名前: 花子")
    data = pdf.output()
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

#: Body fonts tried in order: (regular, bold). The first whose regular file exists is used.
BODY_FONTS: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
#: Fallback fonts for glyphs the body font lacks (CJK above all); every one that exists is used.
FALLBACK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class FontSet:
    """The TrueType files a renderer embeds; empty ``regular`` means core Helvetica (Latin-1 only)."""

    regular: str | None
    bold: str | None
    fallbacks: tuple[str, ...]


@cache
def _cmap(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True, fontNumber=0) as font:
        return frozenset(font.getBestCmap())


def find_fonts(body: Sequence[tuple[str, str]] = BODY_FONTS, fallbacks: Sequence[str] = FALLBACK_FONTS) -> FontSet:
    """The fonts present on this machine, from the candidate paths."""
    regular = bold = None
    for reg, b in body:
        if Path(reg).is_file():
            regular, bold = reg, (b if Path(b).is_file() else None)
            break
    extra = tuple(f for f in fallbacks if Path(f).is_file() and f != regular)
    return FontSet(regular, bold, extra)


def font_status(fonts: FontSet | None = None) -> str:
    """One line for operators: which fonts the PDFs embed, or that only Latin-1 can be shown."""
    fonts = fonts or find_fonts()
    if fonts.regular is None:
        return "no TrueType font found: PDFs show Latin-1 only (run scripts/ensure-fonts.sh)"
    return "PDF fonts: " + ", ".join(Path(p).name for p in (fonts.regular, *fonts.fallbacks))


@cache
def _coverage(fonts: FontSet) -> frozenset[int]:
    if fonts.regular is None:
        return frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100))
    out: set[int] = set(_cmap(fonts.regular))
    for path in fonts.fallbacks:
        out |= _cmap(path)
    return frozenset(out)


class SummaryPdf:
    """A one-column text document: lines of wrapped text in a regular or bold Unicode font."""

    def __init__(
        self,
        *,
        title: str,
        created_at: datetime,
        author: str | None = None,
        page_format: str = "A4",
        fonts: FontSet | None = None,
    ) -> None:
        self.fonts = fonts or find_fonts()
        self._covered = _coverage(self.fonts)
        self.replaced = 0
        self._pdf = FPDF(format=page_format)
        self._pdf.set_creation_date(created_at)
        self._family = "Helvetica"
        if self.fonts.regular is not None:
            self._family = "body"
            self._pdf.add_font("body", "", self.fonts.regular)
            self._pdf.add_font("body", "B", self.fonts.bold or self.fonts.regular)
            names = []
            for i, path in enumerate(self.fonts.fallbacks):
                self._pdf.add_font(f"fallback{i}", "", path)
                names.append(f"fallback{i}")
            if names:
                self._pdf.set_fallback_fonts(names, exact_match=False)
        self._pdf.set_title(self.printable(title, count=False))
        if author:
            self._pdf.set_author(self.printable(author, count=False))
        self._pdf.set_auto_page_break(auto=True, margin=15)
        self._pdf.add_page()

    def printable(self, text: object, *, count: bool = True) -> str:
        """``text`` with controls and glyphs no embedded font has written as ``<U+XXXX>``."""
        out: list[str] = []
        for ch in str(text):
            code = ord(ch)
            if ch == "\n":
                out.append(ch)
            elif ch == "\t":
                out.append("    ")
            elif ch == "\r":
                continue
            elif code < 0x20 or 0x7F <= code < 0xA0 or code not in self._covered:
                out.append(f"<U+{code:04X}>")
                if count:
                    self.replaced += 1
            else:
                out.append(ch)
        return "".join(out)

    def line(self, text: object, *, size: float = 10, bold: bool = False) -> None:
        """One paragraph, wrapped at any character (ad text may have no spaces)."""
        self._pdf.set_font(self._family, style="B" if bold else "", size=size)
        self._pdf.multi_cell(
            0, size * 0.5, self.printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
        )

    def gap(self, mm: float = 2) -> None:
        self._pdf.ln(mm)

    def output(self) -> bytes:
        """The PDF bytes, ending with a note when characters had to be shown as code points."""
        if self.replaced:
            self.gap()
            self.line(
                f"Note: {self.replaced} character(s) that no embedded font can draw, or that are control "
                "characters, are shown as <U+XXXX> (their code point). The JSON files hold the exact text.",
                size=8,
            )
        return bytes(self._pdf.output())
