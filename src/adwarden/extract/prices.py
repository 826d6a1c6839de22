"""Prices and rates: value + currency word + minutes.

Ads hide money behind code words (roses, donations, candies, ``$$$``) and quote rates per time unit
(``qv``, ``hh``, ``hr``, ``fh``, ``30 min``, ``overnight``). One regex pass finds *durations* and
*amounts*; then each amount gets a duration:

* written together (``150hh``, ``$200/hr``, ``200 roses per hour``) -- that duration;
* otherwise the duration right before it or right after it, separated only by punctuation or
  space. When both are that close (``30 min - 200 roses 90 min - 450 roses``), the order the ad uses
  most (duration-then-amount or amount-then-duration) decides;
* otherwise the last duration before it within the same line (``1h - 300 roses 350 roses``: both
  are one-hour rates, incall and outcall).

Currency words are normalized to the singular: ``rose``, ``dollar``, ``donation``, ``candy``,
``kiss``, ``pound``, ``euro``. A bare number is a price only when a duration is written next to it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.facts import Fact
from adwarden.extract.literals import AnyOf, occurs_within
from adwarden.extract.retrie import trie_pattern
from adwarden.extract.spans import SpanSet
from adwarden.extract.wordsets import add_words, word_hits

__all__ = ["PriceExtractor", "find_prices"]

_CURRENCY_WORDS = {
    "rose": "rose", "roses": "rose", "r": "rose", "rozes": "rose", "rosez": "rose",
    "dollar": "dollar", "dollars": "dollar", "usd": "dollar", "bucks": "dollar", "$": "dollar",
    "donation": "donation", "donations": "donation", "don": "donation", "dono": "donation",
    "candy": "candy", "candies": "candy", "kisses": "kiss", "kiss": "kiss",
    "gbp": "pound", "£": "pound", "eur": "euro", "euro": "euro", "euros": "euro", "€": "euro",
    "cad": "dollar", "aud": "dollar", "bills": "dollar", "$$": "dollar", "$$$": "dollar",
    "dolares": "dollar", "dolar": "dollar", "pesos": "peso", "peso": "peso",
}
_CUR_AFTER = (
    r"(?:roses|rose|rozes|rosez|r|dollars|dollar|dolares|dolar|usd|bucks|donations|donation|dono|don|candies|candy|"
    r"kisses|kiss|gbp|eur|euros|euro|cad|aud|bills|pesos|peso|\${1,3}|£|€)"
)

# Units after a number, in English and the languages of foreign ads ("1 ora", "2 horas", "30 minuti").
_UNITS = (
    r"minutes|minute|minutos|minuto|minuti|mins|min|m|hours|hour|horas|hora|hrs|hr|ore|ora|h|nights|night|"
    r"noches|noche|notte"
)
# Tokens that start with a currency sign or with the first digit of a run (the left context is checked
# after the first character). ``re`` derives no first-character class for an alternation of groups
# and would try this at every position, so the extractor matches it only at those starts
# (:func:`_num_matches`).
_NUM_TOKENS = re.compile(
    rf"(?P<pre>[$£€])\s?(?P<pn>\d{{1,2}},\d{{3}}(?!\d)|\d{{1,5}}(?:\.\d{{1,2}}(?!\d))?)(?!\d)"
    r"|(?P<num>\d(?<![\w.$£€/:']\d)\d{0,4}(?:\.\d{1,2}(?!\d))?)(?!\d)(?P<kilo>k(?![a-z]))?"
    r"(?:"
    # a range with a currency word after it: "100-200 roses"
    rf"\s?-\s?(?P<hi>\d{{2,5}})\s?(?P<rcur>{_CUR_AFTER})(?![a-z])"
    # amount followed by a currency word
    rf"|\s?(?P<cur>{_CUR_AFTER})(?![a-z])"
    # duration: number + unit ("30 min", "2 1/2 hrs", "1 night")
    rf"|(?P<half>\s1/2)?\s?-?\s?(?P<du>{_UNITS})(?![a-z])"
    # a bare number (a price only when a duration is next to it)
    r"|(?P<bare>)(?![\d'\"%:]|\.(?!\s|$)|/(?!\s?(?:hr|hour|h\b|hh|qv|min|fh))|"
    r"\s?(?:lbs|lb|kg|yo|y/o|yrs|years|inch|in\b|ft|cm|pounds|kilos))"
    r")"
)
# Durations written as words: a trie of literal phrases (fast to scan); left word boundary checked
# in Python.
_WORD_DURATIONS: dict[str, int] = {
    "qv": 15, "quick visit": 15, "quickie": 15, "qk": 15, "hh": 30, "half hour": 30, "half hr": 30,
    "half an hour": 30, "half an hr": 30, "fh": 60, "full hour": 60, "hr": 60, "hour": 60, "an hour": 60,
    "a hour": 60, "one hour": 60, "one hr": 60, "two hours": 120, "two hrs": 120, "three hours": 180,
    "three hrs": 180, "four hours": 240, "hour and a half": 90, "hour and half": 90, "hour & a half": 90,
    "hour & half": 90, "hour n half": 90, "an hour and a half": 90, "one hour and a half": 90,
    "hr and a half": 90, "hr and half": 90, "overnight": 480, "over night": 480, "all night": 480,
    "night": 480, "one night": 480, "ovn": 480, "on": 480, "half day": 720, "full day": 1440,
    "thirty minutes": 30, "fifteen minutes": 15, "twenty minutes": 20, "forty five minutes": 45,
    "sixty minutes": 60, "ninety minutes": 90,
    # Italian, Spanish, Portuguese
    "mezz'ora": 30, "mezzora": 30, "mezz ora": 30, "un'ora": 60, "un ora": 60, "media hora": 30, "una hora": 60,
    "meia hora": 30, "uma hora": 60, "toda la noche": 480, "tutta la notte": 480, "noche": 480, "notte": 480,
    # a bare "h" standing for hour: only read where a rate list puts it (see _word_tokens)
    "h": 60,
}
_WORD_KEYS = {k.replace(" ", ""): v for k, v in _WORD_DURATIONS.items()}
# A plain ``finditer`` over the windows: a scan led by word starts (adwarden.extract.wordstarts) or by
# the automaton (adwarden.extract.literals) was measured no faster inside these short, digit-dense
# windows (WA 2013: 5.8 µs per ad plain, 7.4 and 6.9 µs; bench/bench_extract_scans.py).
_WORD_TOKENS = re.compile(
    "(?:"
    + trie_pattern({v for k in _WORD_DURATIONS for v in (k, k.replace(" ", ""))}, after_first=r"(?<![a-z].)")
    + ")(?![a-z])"
)
_CODE_MINUTES = {
    "qv": 15, "quickvisit": 15, "quickie": 15, "qk": 15, "hh": 30, "halfhour": 30, "halfhr": 30,
    "fh": 60, "fullhour": 60, "hr": 60, "hour": 60, "overnight": 480, "allnight": 480, "night": 480,
    "ovn": 480, "on": 480,
}
_UNIT_MINUTES = {
    "minutes": 1, "minute": 1, "mins": 1, "min": 1, "m": 1, "hours": 60, "hour": 60, "hrs": 60, "hr": 60,
    "h": 60, "nights": 480, "night": 480, "minutos": 1, "minuto": 1, "minuti": 1, "horas": 60, "hora": 60,
    "ore": 60, "ora": 60, "noches": 480, "noche": 480, "notte": 480,
}
_WORD_NUM = {"half": 0.5, "one": 1, "two": 2, "three": 3, "four": 4, "an": 1, "a": 1, "1/2": 0.5}
# Between an amount and its duration when written together ("$200/hr", "80 roses for hh", "50 = 15 min").
_JOINED = re.compile(r"\s{0,2}(?:/|per|an?|for|each|x|=|@)?\s{0,2}")
_LIST_BREAK = re.compile(r"[,;\n]|\.\s")
_CLOSE = re.compile(r"^[\s\-:=>~*|,.()\[\]@]{0,6}$")


@dataclass(slots=True)
class _Tok:
    kind: str  # "amt" | "dur" | "bare"
    start: int
    end: int
    value: float = 0.0
    currency: str = ""
    minutes: int = 0
    range_low: bool = False  # "100" of "100-200 roses": takes the minutes of the high end


# Every amount has a digit, so only the text around digits is tokenized: durations written as words
# ("qv", "overnight") matter only next to an amount. Digits inside a phone number found by the
# phone extractor (``ctx.memo["phone_spans"]``) are not amounts.
_DIGIT_RUN = re.compile(r"\d\d*")  # not "\d+": see adwarden.extract.numwords._DIGITS_RE
_WINDOW_PAD = 32


def _windows(
    text: str, runs: list[tuple[int, int]] | None = None, skip: SpanSet | None = None
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    n = len(text)
    if runs is None:
        runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
    covers = skip.covers if skip else None  # looked up once: this loop runs for every digit run
    last_a, last_b = -1, -1
    for s, e in runs:
        if covers is not None and covers(s):
            continue
        a = s - _WINDOW_PAD if s > _WINDOW_PAD else 0
        b = e + _WINDOW_PAD if e + _WINDOW_PAD < n else n
        if last_b >= 0 and a <= last_b:
            last_b = b
            out[-1] = (last_a, b)
        else:
            last_a, last_b = a, b
            out.append((a, b))
    return out


def _tokens(
    text: str,
    runs: list[tuple[int, int]] | None = None,
    skip: SpanSet | None = None,
    hints: list[tuple[int, int]] | None = None,
) -> list[_Tok]:
    toks: list[_Tok] = []
    if runs is None:
        runs = [m.span() for m in _DIGIT_RUN.finditer(text)]
    windows = _windows(text, runs, skip)
    if not windows:
        return toks
    starts: list[int] | None = None
    for wa, wb in windows:
        # "5'4", "24/7", "100%": digits with no currency or time unit near them
        if not (_HINTS.within(text, wa, wb) if hints is None else occurs_within(hints, wa, wb)):
            continue
        if starts is None:
            starts = _token_starts(text, runs)
        _num_tokens(text, wa, wb, toks, starts)
        _word_tokens(text, wa, wb, toks)
    if skip:
        toks = [t for t in toks if not skip.covers(t.start)]
    toks.sort(key=lambda t: t.start)
    return toks


def _token_starts(text: str, runs: list[tuple[int, int]]) -> list[int]:
    """Sorted positions where a :data:`_NUM_TOKENS` match can begin: currency signs and digit-run starts.

    Its first branch begins with ``[$£€]``, its second with a digit that no word character precedes,
    i.e. the first digit of a run. ``re`` finds no first-character class for an alternation of groups
    and tries such a pattern at every position of a window, so the windows are matched only here
    (see :func:`_num_matches`).
    """
    starts = [a for a, _b in runs]
    if "$" in text or "£" in text or "€" in text:
        starts.extend(m.start() for m in _CURRENCY_SIGN.finditer(text))
        starts.sort()
    return starts


_CURRENCY_SIGN = re.compile("[$£€]")


def _num_matches(text: str, wa: int, wb: int, starts: list[int]) -> list[re.Match[str]]:
    """``list(_NUM_TOKENS.finditer(text, wa, wb))``, tried only at ``starts`` (see :func:`_token_starts`).

    Candidates before the end of the previous match are skipped, as ``finditer`` resumes there; no
    match can begin between candidates, so the matches are the same.
    """
    out: list[re.Match[str]] = []
    match = _NUM_TOKENS.match
    last = wa
    for s in starts[bisect_left(starts, wa) :]:
        if s >= wb:
            break
        if s < last:
            continue
        m = match(text, s, wb)
        if m is not None:
            out.append(m)
            last = m.end()
    return out


def _num_tokens(text: str, wa: int, wb: int, toks: list[_Tok], starts: list[int]) -> None:
    for m in _num_matches(text, wa, wb, starts):
        # One call for the groups every token reads (each m.group(name) is a call and a name lookup).
        pre, num, kilo, rcur, cur, du, bare = m.group("pre", "num", "kilo", "rcur", "cur", "du", "bare")
        if pre is not None:
            toks.append(_Tok("amt", m.start(), m.end(), float(m.group("pn").replace(",", "")), _CURRENCY_WORDS[pre]))
            continue
        if kilo is not None:  # "1.5k", "2k": thousands, an amount only (never a duration)
            if du is not None or rcur is not None:
                continue
            num = str(float(num) * 1000).removesuffix(".0")
        if rcur is not None:
            currency = _CURRENCY_WORDS.get(rcur, "dollar")
            if len(num) >= 2:
                toks.append(_Tok("amt", m.start(), m.end("num"), float(num), currency, range_low=True))
            toks.append(_Tok("amt", m.start("hi"), m.end(), float(m.group("hi")), currency))
        elif cur is not None:
            if cur == "r" and not (m.end() >= len(text) or text[m.end()] in " /-\n,.;)"):
                continue
            toks.append(_Tok("amt", m.start(), m.end(), float(num), _CURRENCY_WORDS.get(cur, "dollar")))
        elif du is not None:
            qty = float(num) + (0.5 if m.group("half") else 0.0)
            unit = _UNIT_MINUTES[du]
            if unit == 60 and qty > 12:
                # "150hr", "200 h": a price next to "hour", not a 150-hour booking; which price the
                # unit belongs to is decided by the layout of the whole ad (see find_prices).
                toks.append(_Tok("bare", m.start(), m.end("num"), qty))
                toks.append(_Tok("dur", m.start("du"), m.end("du"), minutes=60))
                continue
            minutes = int(round(qty * unit))
            if 5 <= minutes <= 1440:
                toks.append(_Tok("dur", m.start(), m.end(), minutes=minutes))
        elif bare is not None and len(num) >= 2 and "." not in num:
            code = _CODE_BEFORE.search(text, max(0, m.start() - 5), m.start())
            if code is not None:  # "USD 200": a currency code before the amount
                toks.append(_Tok("amt", code.start(), m.end(), float(num), _CURRENCY_WORDS[code.group(1)]))
            else:
                toks.append(_Tok("bare", m.start(), m.end(), float(num)))


_CODE_BEFORE = re.compile(r"(?<![a-z])(usd|eur|gbp|cad|aud)\s?\Z")


def _word_tokens(text: str, wa: int, wb: int, toks: list[_Tok]) -> None:
    for m in _WORD_TOKENS.finditer(text, wa, wb):
        s = m.start()
        if s > 0 and text[s - 1].isalpha():
            continue
        word = m.group()
        if word == "on" and not _is_overnight_on(text, s):
            continue
        if word == "h" and not _is_rate_h(text, s):
            continue
        toks.append(_Tok("dur", s, m.end(), minutes=_WORD_KEYS[word.replace(" ", "")]))


def _is_overnight_on(text: str, pos: int) -> bool:
    """"on" is overnight only in a rate list: followed by a separator and a number."""
    return re.match(r"on\s?[-:=]\s?[$£€]?\d", text[pos : pos + 12]) is not None


def _is_rate_h(text: str, pos: int) -> bool:
    """A lone "h" is an hour in a rate list: "/h", or right before an amount ("h 180€", "h: $200").

    After a number ("150 h") the "h" is already that number's unit (see ``_NUM_TOKENS``).
    """
    if pos > 0 and text[pos - 1] == "/":
        return True
    before = text[max(0, pos - 3) : pos].rstrip()
    if before and before[-1].isdigit():
        return False
    return re.match(r"h\s?[-:=]?\s?[$£€]?\d", text[pos : pos + 8]) is not None


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def find_prices(
    text: str,
    runs: list[tuple[int, int]] | None = None,
    skip: list[tuple[int, int]] | None = None,
    hints: list[tuple[int, int]] | None = None,
) -> Iterator[tuple[float, str, int | None, int, int]]:
    """(value, currency, minutes or None, start, end) for every price in a folded text.

    ``runs`` are the digit runs of ``text`` if already known; numbers inside ``skip`` spans (phone
    numbers) are ignored. ``hints``: the sorted spans of every price hint in ``text`` (from the shared
    literal pass, :mod:`adwarden.extract.wordsets`), so no window is searched for them again.
    """
    toks = _tokens(text, runs, SpanSet(skip) if skip else None, hints)
    if not toks:
        return
    n = len(toks)
    # Which order does the ad use when an amount and a duration sit next to each other? Explicit
    # joiners ("=", "for", "/") count most; pairs across a list break (comma, new line) least.
    votes_before = votes_after = 0.0
    for i in range(n - 1):
        a, b = toks[i], toks[i + 1]
        if (a.kind == "bare" and not 20 <= a.value <= 5000) or (b.kind == "bare" and not 20 <= b.value <= 5000):
            continue
        gap = text[a.end : b.start]
        if not _CLOSE.match(gap) and not _JOINED.fullmatch(gap):
            continue
        if gap.strip() and _JOINED.fullmatch(gap):
            weight = 3.0
        elif _LIST_BREAK.search(gap):
            weight = 0.25
        elif " " not in gap:
            weight = 2.0  # "10 mins-50 roses": written together
        else:
            weight = 1.0
        if a.kind == "dur" and b.kind in ("amt", "bare"):
            votes_before += weight
        elif a.kind in ("amt", "bare") and b.kind == "dur":
            votes_after += weight
    # A tie goes to the order of the first entry of the list.
    first = next((t for t in toks if t.kind in ("amt", "dur")), None)
    if first is not None:
        if first.kind == "dur":
            votes_before += 0.5
        else:
            votes_after += 0.5
    prefer_before = votes_before >= votes_after
    last_durs: list[_Tok | None] = []
    last: _Tok | None = None
    for t in toks:
        last_durs.append(last)
        if t.kind == "dur":
            last = t
    for i, t in enumerate(toks):
        if t.kind == "dur":
            continue
        # The low end of a range ("100-200 roses for fh") is read where its high end is.
        k = i + 1 if t.range_low and i + 1 < n else i
        minutes, tight = _minutes_for(text, toks, k, last_durs[k], prefer_before)
        if t.kind == "bare":
            if minutes is None or not tight or not 20 <= t.value <= 5000:
                continue
            yield t.value, "", minutes, t.start, t.end
        elif t.value > 0:
            yield t.value, t.currency, minutes, t.start, t.end


def _minutes_for(
    text: str, toks: list[_Tok], i: int, last_dur: _Tok | None, prefer_before: bool
) -> tuple[int | None, bool]:
    """(minutes, whether a duration sits right next to it) for amount ``toks[i]``."""
    t = toks[i]
    n = len(toks)
    prev_t = toks[i - 1] if i > 0 else None
    next_t = toks[i + 1] if i + 1 < n else None
    after_gap = text[t.end : next_t.start] if next_t is not None else ""
    before_gap = text[prev_t.end : t.start] if prev_t is not None else ""
    next_dur = next_t is not None and next_t.kind == "dur"
    prev_dur = prev_t is not None and prev_t.kind == "dur"
    joined_after = next_dur and (after_gap == "" or (after_gap.strip() != "" and _JOINED.fullmatch(after_gap) is not None))
    joined_before = prev_dur and before_gap.strip() != "" and _JOINED.fullmatch(before_gap) is not None
    tight_after = next_dur and (joined_after or (_CLOSE.match(after_gap) is not None and not _LIST_BREAK.search(after_gap)))
    tight_before = prev_dur and _CLOSE.match(before_gap) is not None and not _LIST_BREAK.search(before_gap)
    tight = tight_before or tight_after
    if next_t is not None and joined_after and not (joined_before and prefer_before):
        return next_t.minutes, tight
    if prev_t is not None and joined_before:
        return prev_t.minutes, tight
    if prev_t is not None and next_t is not None and tight_before and tight_after:
        return (prev_t.minutes if prefer_before else next_t.minutes), tight
    if prev_t is not None and tight_before and prefer_before:
        return prev_t.minutes, tight
    if next_t is not None and tight_after and not prefer_before:
        return next_t.minutes, tight
    if prev_t is not None and tight_before:
        return prev_t.minutes, tight
    if last_dur is not None and prefer_before and "\n" not in text[last_dur.end : t.start] and (
        t.start - last_dur.end <= 40
    ):
        return last_dur.minutes, tight
    if next_t is not None and tight_after:
        return next_t.minutes, tight
    return None, tight


# Substrings without which no price can be found (all looked for in one pass, see adwarden.extract.literals).
_PRICE_HINTS = (
    "min", "hr", "night", "$", "hh", "hour", "0h", "€", "ros", "half", "fh", "kiss", "cand", "0 r", "qv",
    "quick", "aud", "£", "0r", "eur", "5h", "bill", "5 r", "dollar", "qk", "donat", "dono", "roz", "buck",
    "usd", "gbp", "cad", "ovn", "hora", " ora", "'ora", " ore", "dolar", "peso", "notte", "noche",
)
_HINTS = AnyOf(_PRICE_HINTS)  # for find_prices called on a bare text
add_words("price_hints", _PRICE_HINTS)


@register
class PriceExtractor(Extractor):
    """Prices with their currency word and the minutes they buy (``None`` when no unit is stated)."""

    kind = "price"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        text = folded.text
        hints = word_hits(ctx, "price_hints")
        if not hints:
            return  # no currency word, sign or time unit anywhere: no price (a third of all ads)
        memo = ctx.memo
        for value, currency, minutes, a, b in find_prices(text, memo.get("digit_runs"), memo.get("phone_spans"), hints):
            start, end = folded.span(a, b)
            shown = str(int(value)) if value == int(value) else str(value)
            yield Fact("price", shown, start, end, MappingProxyType({"currency": currency, "minutes": minutes}))
