"""Vectorised phrase normalization for the indicator matcher's hot path.

The indicator matcher must read at least 50 MB/s of ad text on one core, i.e. about 10 microseconds for a
typical 500-character ad. The shared normalizer (:func:`adwarden.extract.normalize.normalize`) is exact and
general but walks the text in Python; here the same kinds of folding are done with numpy over the code
points, and the map back to the original text is only built when a phrase was found.

Folding (each step is applied to the lexicon phrases too, so both sides agree):

* every code point goes through one lookup table built from the shared :func:`~adwarden.extract.normalize.fold`
  (NFKC, case, Cyrillic/Greek look-alikes, full-width and mathematical letters and digits, accents);
  invisible characters (zero-width joiners, variation selectors, combining marks) are dropped; punctuation
  and symbols become a space; letters of other scripts become one placeholder so they still count as part
  of a word; a few emoji with a known coded meaning become reserved tokens;
* leetspeak: a digit ``0 1 3 4 5 7 8`` or ``@ $`` between word characters, with a letter on one side,
  becomes the letter it imitates (``y0ung``, ``t33n``, ``fr3sh``), while ``24/7`` or ``18`` are left alone;
* runs of three or more of one character keep two (``sooo`` -> ``soo``, ``teeeen`` -> ``teen``) and runs of
  separators become one space; the lexicon adds a doubled-letter variant of each phrase so ``baaaby`` (two
  after squashing) still matches ``baby``;
* spaced-out words (``n e w``) are matched through a variant the lexicon compiles for each phrase.

The normalized text is padded with one space on each side and phrases are stored as `` phrase ``, so the
automaton itself enforces word boundaries.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SPACE = 0x20
DROP = 0x00
OTHER_LETTER = 0x80  # a letter of a script the lexicon does not cover: part of a word, never matches

#: Emoji with a coded meaning in ads (Wang et al. 2019 lexicon expansion; DHS/NCMEC emoji guidance) map to
#: reserved tokens so a lexicon phrase can name them. The token is the emoji itself in phrases.
EMOJI_TOKENS: dict[str, int] = {
    "\U0001f352": 0x81,  # cherry: "virgin"/young
    "\U0001f36d": 0x82,  # lollipop: young
    "\U0001f467": 0x83,  # girl
    "\U0001f9d2": 0x84,  # child
    "\U0001f476": 0x85,  # baby
    "\U0001f339": 0x86,  # rose: money ("roses")
    "\U0001f4b0": 0x87,  # money bag
    "\U0001f4b5": 0x88,  # dollar banknote
    "\U0001f6ec": 0x89,  # airplane arriving: new in town
    "\u2708": 0x8A,  # airplane
    "\U0001f451": 0x8B,  # crown: "daddy"/pimp
    "\U0001f36c": 0x8C,  # candy: young
    "\U0001f384": 0x8D,  # (reserved)
    "\U0001f338": 0x8E,  # cherry blossom: young
    "\U0001f53a": 0x8F,  # red triangle: ("new")
}
TOKEN_CHAR = {tok: chr(tok) for tok in EMOJI_TOKENS.values()}

_LEET_FROM = "0134578@$"
_LEET_TO = "oieastbas"


# Character classes of folded bytes, as bits, so the leetspeak test is a few bitwise operations.
LETTER = 1  # a-z or a letter of another script
WORD = 2  # letters, digits, @ and $ (anything that can be part of a word)
LEET = 4  # a digit or symbol that imitates a letter


@dataclass(frozen=True)
class Tables:
    fold: npt.NDArray[np.uint8]  # code point -> folded byte
    classes: npt.NDArray[np.uint8]  # folded byte -> LETTER | WORD | LEET bits
    leet: npt.NDArray[np.uint8]  # folded byte -> the letter it imitates (0 if none)
    fold_ascii: bytes  # the first 128 entries of ``fold`` (plus identity above) as a bytes.translate table
    class_bytes: bytes  # ``classes`` as a bytes.translate table (a 256-entry lookup at memory speed)


def _char_fold() -> Callable[[str], str]:
    """The shared normalizer's per-character fold, so both agree on look-alikes and digits (no copy of the
    table here, and no silent fallback: if extraction's fold changes, the matcher follows it)."""
    from adwarden.extract.normalize import fold_char

    return getattr(fold_char, "__wrapped__", fold_char)


def _build_tables() -> Tables:
    fold_char = _char_fold()
    lut = np.full(0x110000, SPACE, dtype=np.uint8)
    for cp in range(128):
        ch = chr(cp)
        if ch.isalnum():
            lut[cp] = ord(ch.lower())
        elif ch in "@$":
            lut[cp] = cp  # kept for leetspeak (s3x, $exy)
    for cp in range(128, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            lut[cp] = DROP
            continue
        ch = chr(cp)
        folded = fold_char(ch)
        if folded == "":
            lut[cp] = DROP
        elif folded[0].isascii():
            c0 = folded[0]
            lut[cp] = ord(c0) if c0.isalnum() else SPACE
        elif ch.isalpha():
            lut[cp] = OTHER_LETTER
    # Variation selectors and tag characters in the supplementary planes vanish too.
    lut[0xE0000:0xE0080] = DROP
    lut[0xE0100:0xE01F0] = DROP
    for emoji, tok in EMOJI_TOKENS.items():
        lut[ord(emoji)] = tok
    leet = np.zeros(256, dtype=np.uint8)
    classes = np.zeros(256, dtype=np.uint8)
    for cp in range(256):
        ch = chr(cp)
        if ("a" <= ch <= "z") or cp == OTHER_LETTER:
            classes[cp] |= LETTER | WORD
        if ch.isascii() and ch.isalnum() or ch in "@$":
            classes[cp] |= WORD
    for x, y in zip(_LEET_FROM, _LEET_TO, strict=True):
        leet[ord(x)] = ord(y)
        classes[ord(x)] |= LEET
    fold_ascii = bytes(lut[:128].tolist()) + bytes(range(128, 256))
    return Tables(lut, classes, leet, fold_ascii, classes.tobytes())


@functools.cache
def tables() -> Tables:
    """Tables are built once per process (under a second) on first use."""
    return _build_tables()


SEP = 0x01  # between texts of a batch: neither a word character nor a space, so no phrase crosses it
_JOIN = " \x1e "  # what goes between texts before folding; the middle character becomes SEP


@dataclass(frozen=True, slots=True)
class Normalized:
    """Folded text of a batch: ``text`` starts and ends with a space; texts are separated by `` SEP ``.

    ``keep[g]`` says whether character ``g`` of the joined original survived; ``starts[i]`` is where text
    ``i`` begins in the joined original. :meth:`locate` maps a normalized span back to (text, start, end).
    """

    text: str
    keep: npt.NDArray[np.bool_]
    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]

    def positions(self) -> npt.NDArray[np.intp]:
        """Joined-original index of each normalized character after the leading pad."""
        return np.flatnonzero(self.keep)


def _fold_codes(joined: str) -> npt.NDArray[np.uint8]:
    tb = tables()
    if joined.isascii():
        return np.frombuffer(bytearray(joined.encode("ascii").translate(tb.fold_ascii)), dtype=np.uint8)
    return tb.fold.take(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32))


def normalize_batch(texts: list[str]) -> Normalized:
    """Fold many texts in one vectorised pass (see the module docstring)."""
    tb = tables()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lengths[:-1] + len(_JOIN), out=starts[1:])
    u = _fold_codes(_JOIN.join(texts))
    if len(texts) > 1:
        u[starts[1:] - 2] = SEP
    n = len(u)
    if n >= 3:
        # Leetspeak: an imitating character between two word characters, a letter on at least one side.
        c = np.frombuffer(u.tobytes().translate(tb.class_bytes), dtype=np.uint8)
        left, mid, right = c[:-2], c[1:-1], c[2:]
        hit = ((mid & LEET) & ((left & right & WORD) << 1) & (((left | right) & LETTER) << 2)) != 0
        if hit.any():
            idx = np.flatnonzero(hit) + 1
            u[idx] = tb.leet.take(u[idx])
    # Runs of 3+ of one character keep two (English has real double letters: "teen" is not "ten");
    # runs of spaces keep one; invisible characters are dropped.
    keep = np.ones(n, dtype=np.bool_)
    if n >= 2:
        same = u[1:] == u[:-1]
        space_run = same & (u[1:] == SPACE)
        if n >= 3:
            same[1:] &= u[2:] == u[:-2]
            same[0] = False
        else:
            same[:] = False
        keep[1:] = ~(same | space_run)
    if n and u[0] == SPACE:
        keep[0] = False  # the pad supplies the leading space
    keep &= u != DROP
    body = u[keep].tobytes().decode("latin-1")
    return Normalized(" " + body + ("" if body.endswith(" ") else " "), keep, starts, lengths)


def normalize_fast(text: str) -> Normalized:
    """Fold one text (a batch of one)."""
    return normalize_batch([text])


def normalize_phrase(phrase: str) -> str:
    """Normalize a lexicon phrase exactly as text is normalized (without the pads, single-spaced)."""
    return " ".join(normalize_fast(phrase).text.split(" ")).strip()
