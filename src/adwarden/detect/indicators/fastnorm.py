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


def _build_tables() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """(code point -> byte, byte -> leet letter or 0, byte -> is word character)."""
    from adwarden.extract.normalize import fold

    lut = np.full(0x110000, SPACE, dtype=np.uint8)
    for cp in range(128):
        ch = chr(cp)
        if ch.isalnum():
            lut[cp] = ord(ch.lower())
        elif ch in "@$":
            lut[cp] = cp  # kept for leetspeak (s3x, $exy) and e-mail-like tokens
    for cp in range(128, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            lut[cp] = DROP
            continue
        ch = chr(cp)
        try:
            folded = fold(ch).text
        except ValueError:  # pragma: no cover - defensive: fold never raises on a single char
            continue
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
    for a, b in zip(_LEET_FROM, _LEET_TO, strict=True):
        leet[ord(a)] = ord(b)
    word = np.zeros(256, dtype=np.bool_)
    for cp in range(256):
        ch = chr(cp)
        word[cp] = (ch.isascii() and ch.isalnum()) or cp in (OTHER_LETTER, ord("@"), ord("$"))
    return lut, leet, word


@functools.cache
def tables() -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Tables are built once per process (about a second) on first use."""
    return _build_tables()


_IS_LETTER = np.zeros(256, dtype=np.bool_)
_IS_LETTER[ord("a") : ord("z") + 1] = True
_IS_LETTER[OTHER_LETTER] = True


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text, padded so it starts and ends with one space, and the map back to the original.

    ``keep[i]`` says whether original character ``i`` survived; ``shift`` is 1 when a leading pad space was
    added (the text did not already start with a separator).
    """

    text: str
    keep: npt.NDArray[np.bool_]
    length: int
    shift: int

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` of a phrase (no pad spaces) back to the original text.

        The original span runs from the phrase's first character to where the next surviving character
        begins, so squashed repeats (``sooo``) and invisible characters inside the phrase are covered.
        """
        positions = np.flatnonzero(self.keep)
        first = int(positions[start - self.shift])
        k = end - self.shift
        stop = int(positions[k]) if k < len(positions) else self.length
        return first, stop


def _codes(text: str) -> npt.NDArray[np.uint8]:
    lut, _leet, _word = tables()
    if text.isascii():
        raw = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        return lut[raw]
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return lut[cps]


def normalize_fast(text: str) -> Normalized:
    """Fold ``text`` for phrase matching (see the module docstring). Returns padded text and its map."""
    _lut, leet, word = tables()
    u = _codes(text)
    n = len(u)
    if n >= 3:
        lv = leet[u]
        if lv.any():
            is_word = word[u]
            is_letter = _IS_LETTER[u]
            mid = (lv[1:-1] != 0) & is_word[:-2] & is_word[2:] & (is_letter[:-2] | is_letter[2:])
            if mid.any():
                u = u.copy()
                idx = np.flatnonzero(mid) + 1
                u[idx] = lv[idx]
    # Runs of 3+ of one character keep two (English has real double letters: "teen" is not "ten");
    # runs of spaces keep one; invisible characters are dropped.
    keep = np.ones(n, dtype=np.bool_)
    if n >= 2:
        eq1 = u[1:] == u[:-1]
        sp = eq1 & (u[1:] == SPACE)
        if n >= 3:
            eq1[1:] &= u[2:] == u[:-2]
            eq1[0] = False
            eq1 |= sp
        else:
            eq1 = sp
        keep[1:] = ~eq1
    if not text.isascii():
        keep &= u != DROP
    body = u[keep].tobytes().decode("latin-1")
    shift = 0 if body.startswith(" ") else 1
    return Normalized((" " if shift else "") + body + ("" if body.endswith(" ") else " "), keep, len(text), shift)


def normalize_phrase(phrase: str) -> str:
    """Normalize a lexicon phrase exactly as text is normalized (without the pads, single-spaced)."""
    norm = normalize_fast(phrase).text
    return " ".join(norm.split())
