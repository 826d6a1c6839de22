"""Evidence spans over post text, cut into segments a template renders (escaped) with one mark per kind.

Pure: text and spans in, segments out. Why segments and not HTML: the template escapes every piece, so hostile
ad text can never become markup, and overlapping spans (an indicator inside a price) are split at every
boundary so each character carries all the kinds that cover it. Bidirectional control characters (used to
make text read differently than it is stored) are cut out as their own segments and shown by code point.

>>> segs = highlight("call 555-0101 now", [Span(5, 13, "phone", "+12065550101")])
>>> [(s.text, s.kinds) for s in segs]
[('call ', ()), ('555-0101', ('phone',)), (' now', ())]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: Kinds in the order their marks are listed (a segment in a phone and an indicator shows both).
KINDS = ("phone", "email", "handle", "url", "payment", "age", "price", "indicator", "bank", "location")
#: Unicode bidirectional controls (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str
    label: str = ""


@dataclass(frozen=True)
class Segment:
    text: str
    kinds: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    control: bool = False  # a bidi control, shown as its code point

    @property
    def title(self) -> str:
        return "; ".join(self.labels)


def _split_controls(text: str, kinds: tuple[str, ...], labels: tuple[str, ...]) -> Iterable[Segment]:
    buf: list[str] = []
    for ch in text:
        if ch in BIDI_CONTROLS:
            if buf:
                yield Segment("".join(buf), kinds, labels)
                buf = []
            yield Segment(f"U+{ord(ch):04X}", kinds, labels, control=True)
        else:
            buf.append(ch)
    if buf:
        yield Segment("".join(buf), kinds, labels)


def highlight(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Cut ``text`` at every span boundary; spans outside the text or empty are ignored."""
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text), *(s.start for s in valid), *(s.end for s in valid)})
    out: list[Segment] = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in valid if s.start <= lo and hi <= s.end]
        kinds = tuple(k for k in KINDS if any(s.kind == k for s in covering))
        kinds += tuple(sorted({s.kind for s in covering} - set(KINDS)))
        labels = tuple(dict.fromkeys(s.label for s in covering if s.label))
        out.extend(_split_controls(text[lo:hi], kinds, labels))
    return out
