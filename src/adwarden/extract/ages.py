"""Stated ages, each kept only with evidence that it is the advertised person's age.

A two-digit number is a candidate only when an *age cue* sits next to it, and the fact records
which cue (``attrs["cue"]``), the cue's words as written (``attrs["evidence"]``) and the cue's
language, so a reviewer sees why a number was read as an age:

=========  =====================================================================================
cue        examples
=========  =====================================================================================
field      ``Age 22``, ``Age: 22``, ``age : \\n 19``, ``Poster's age: 26``, ``edad: 22``, ``idade 22``,
           ``âge : 22``, ``età: 22``, ``возраст: 22``, ``年龄：22``
suffix     ``22 y/o``, ``22yo``, ``22 yrs``, ``22 years old``, ``22 years young``, ``18 years of age``,
           ``22 años``, ``22 anos``, ``22 ans``, ``22 anni``, ``22 года``, ``22 лет``, ``22岁``
self       ``i'm 22``, ``i am twenty-two``, ``tengo 16``, ``j'ai 16``, ``мне 16``, ``我16``
turned     ``just turned 18``, ``turned 18 last week``, ``acabo de cumplir 18``, ``acabei de fazer 18``
past       ``when I was 16`` (``attrs["past"]``: the person's age then, not now)
title      ``Sweet and new in town - 21`` at the end of a line: Backpage printed the poster's age
           field after the title like this
range      ``women 21-30 years of age``, ``19 to 25 yo``: both ends (``attrs["range"]``)
=========  =====================================================================================

Numbers are digits or number words in English, Spanish, Portuguese, French, Italian, Russian and
Chinese (:func:`adwarden.extract.numwords.spelled_numbers`). What is never an age: prices
(``$220``), heights (``5'2``), measurements (``34D``), times (``24/7``, ``30 min``), years
(``since 1999``) and ages of someone else: "clients 25-50", "men over 40", "gentlemen 30 to 60
years old" (a client word right before the number drops it). Plausible range 10-79; an age under 18
is kept as stated (it matters most). Requirements ("must be 18 or older") are told apart later by
:func:`adwarden.detect.facts.is_age_requirement`.

>>> [(f.value, f.attrs["cue"]) for f in ages_of("Sweet Ana - 22\\nTengo veintidós años")]
[('22', 'title'), ('22', 'suffix')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.cues import add_terms, cue_hits_of
from adwarden.extract.facts import Fact, position
from adwarden.extract.normalize import fold
from adwarden.extract.numwords import SPELLED_LANGUAGES, spelled_numbers
from adwarden.extract.retrie import trie_pattern

__all__ = ["AgeExtractor", "ages_of", "find_ages"]

_MIN_AGE, _MAX_AGE = 10, 79
_TITLE_MIN_AGE = 18  # "- 16" at a line end is too often a count or a price to send anyone to child safety


def _f(word: str) -> str:
    return fold(word).text


# ---- numbers ------------------------------------------------------------------------------------------------
_WORD_VALUE: dict[str, int] = {}
_WORD_LANG: dict[str, str] = {}
for _lang in SPELLED_LANGUAGES:
    for _w, _v in spelled_numbers(_lang).items():
        _WORD_VALUE.setdefault(_w, _v)
        _WORD_LANG.setdefault(_w, _lang)
_LATIN_WORDS = sorted((w for w in _WORD_VALUE if w.isascii()), key=len, reverse=True)
_OTHER_WORDS = sorted((w for w in _WORD_VALUE if not w.isascii()), key=len, reverse=True)
_SPELLED = "(?:" + trie_pattern(_LATIN_WORDS) + "|" + "|".join(map(re.escape, _OTHER_WORDS)) + ")"
_NUM = rf"(?P<num>(?<!\d)\d{{2}}(?!\d)|(?<![a-z]){_SPELLED}(?![a-z]))"

# ---- cues ---------------------------------------------------------------------------------------------------
# Suffix cues (the number comes before them). Each scan is led by a literal ("y", "an") so ``re`` skips
# text fast; the scans for other languages run only when a substring test says they can match.
_SUFFIX_EN = re.compile(r"y(?:o|/o|\.o\.?|rs?\.?(?:\s?old)?|ears?(?:[\s-]?old|\s+young|\s+of\s+age))(?![a-z])")
_SUFFIX_ROMANCE = re.compile(r"an(?:os(?:\s+de\s+idade)?|itos|inhos|s|ni)(?![a-z])")  # años/anos, ans, anni
_ROMANCE_LANG = {"ans": "fr", "anni": "it", "aninhos": "pt"}  # anos/anitos: es or pt, see find_ages
_SUFFIX_OTHER = re.compile(
    "(?P<ru>(?:" + "|".join(map(re.escape, map(_f, ["лет", "годик", "годика", "годиков", "года", "год"])))
    + r")(?![a-zа-я]))|(?P<zh>周岁|週歲|岁|歲)"
)
# Most ads that are not ASCII only have emoji: substring tests (fast) decide whether these scans can match.
_OTHER_SUFFIX_HINTS = (_f("лет"), _f("год"), "岁", "歲")
# "22 years" alone is an age only after a self cue; "10 años de experiencia" never is.
_NOT_AGE_AFTER_SUFFIX = re.compile(r"\s*(?:of\s+experience|experience|in\s+business|de\s+experien|d'experience|"
                                   r"di\s+esperienz|in\s+the\s+business|ago|atras)")

# English field, self, turned and past cues go through the shared cue scan (one scan for all extractors).
add_terms("age_cue", {
    "age": "field:en", "aged": "field:en", "i'm": "self:en", "im": "self:en", "i am": "self:en",
    "turned": "turned:en", "just turned": "turned:en", "turning": "turned:en", "barely": "turned:en",
    "i was": "past:en",
})
# Cues of other languages written in Latin letters join the same scan (each word once: "cumplir" also
# covers "acabo de cumplir 18"); Cyrillic and Chinese cues are few and only looked for in texts that are
# not ASCII.
add_terms("age_cue", {
    "edad": "field:es", "idade": "field:pt", "eta": "field:it", "cumpli": "turned:es", "cumplo": "turned:es",
    "cumplir": "turned:es", "cumplidos": "turned:es", "fazer": "turned:pt", "fiz": "turned:pt",
    "d'avoir": "turned:fr", "compiuto": "turned:it",
})
_OTHER_TERMS = {
    _f("возраст"): "field:ru", _f("мне"): "self:ru", _f("исполнилось"): "turned:ru",
    "年龄": "field:zh", "年齡": "field:zh", "岁数": "field:zh", "歲數": "field:zh", "我今年": "self:zh",
    "今年": "self:zh", "我": "self:zh",
}
_OTHER_CUE_HINTS = (_f("возраст"), _f("мне"), _f("исполнилось"), "年", "岁", "歲", "我")
# Literal-led, without a leading lookbehind (which would make ``re`` try every position); the word
# boundary is checked on each hit instead.
_OTHER_CUES = re.compile("|".join(map(re.escape, sorted(_OTHER_TERMS, key=len, reverse=True))))
_CUE_TAIL = re.compile(r"\s{0,12}(?:is\s|es\s|de\s)?[:=\-]?\s{0,12}(?:only\s|just\s|now\s|about\s|around\s|apenas\s|solo\s|"
                       r"sólo\s|so\s|seulement\s|solo\s|solamente\s)?\s?")
_NUM_AFTER = re.compile(
    rf"{_NUM}(?![\w'\"%$/]|[.,]\d|\s?(?:min|hr|hour|inch|lbs|pounds|kg|ft|feet|cm|dollars|roses|am\b|pm\b|\$|usd|"
    rf"years?\s+(?:ago|of\s+experience|experience)))"
)
# A range "18-35" in front of a suffix cue: both ends are read.
# The number right before a suffix cue: digits (a range "18-35" gives both ends) or a number word, found
# by looking back from the cue (a search over the window with every number word costs far more).
_DIGITS_BEFORE = re.compile(
    r"(?<![a-z0-9_$.'/#])(?:(?P<lo>\d{2})\s?(?:-|–|to|a|à|" + _f("до") + r")\s?)?(?P<num>\d{2})[\s-]{0,3}\Z"
)
_MAX_WORD_LEN = max(map(len, _WORD_VALUE))
# Someone else's age: the person advertised is not a client ("clients 25-50", "men over 40").
_OTHER_PERSON = re.compile(trie_pattern([
    "client", "clients", "customer", "customers", "men", "gentlemen", "gents", "guys", "male", "males", "callers",
    "clientes", "hombres", "caballeros", "senores", "homens", "senhores", "hommes", "messieurs", "uomini", "signori",
    _f("мужчин"), _f("мужчины"), _f("клиентов"), _f("клиенты"), "男士", "客人",
]))
_GAP = re.compile(r"\W{1,3}(?:\w+\W{1,3}){0,3}")


def _other_person(text: str, start: int) -> bool:
    """Is the number at ``start`` the age of someone else: a client word at most four words before it?"""
    lo = max(0, start - 40)
    for m in _OTHER_PERSON.finditer(text, lo, start):
        a, b = m.span()
        if (a == 0 or not text[a - 1].isalpha()) and (gap := _GAP.fullmatch(text, b, start)) is not None and gap:
            return True
    return False
_TITLE_AGE = re.compile(r"(?P<dash> - )(?P<num>\d{2})[ \t\r]*(?:$|\s-\s)", re.MULTILINE)
_LETTER = re.compile(r"[^\W\d_]")
_NUMBER_CHAIN = re.compile(r"\d\s-\s\d+\Z")
# "in this business for 12yrs", "desde hace 10 años": a duration, not an age.
_DURATION_BEFORE = re.compile(r"(?<![a-z])(?:for|since|past|last|over|hace|desde|ha|há|per|da|depuis|pendant|" + _f("уже") + r")\s+\Z")
_RATE_LINE = re.compile(r"(?:\d\s*(?:min|mins|minutes|hr|hrs|hour|hours|h|hh)|\A\W*(?:\d+\W*)?(?:(?:qv|qk|fh|hh|hhr|half|"
                        r"hour|hr|overnight|incall|outcall|in|out|special|rate)\W*)+)\s*\Z")


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each of its 11 fields through object.__setattr__
class _Candidate:
    num_start: int
    num_end: int
    start: int  # the whole statement (cue and number), folded
    end: int
    raw: str
    cue: str
    language: str
    cue_start: int
    cue_end: int
    past: bool = False
    range: bool = False


def _value(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    return _WORD_VALUE.get(raw)


def _suffix_matches(text: str) -> Iterator[tuple[re.Match[str], str]]:
    for m in _SUFFIX_EN.finditer(text):
        yield m, "en"
    for m in _SUFFIX_ROMANCE.finditer(text):
        if _NOT_AGE_AFTER_SUFFIX.match(text, m.end()) is None:  # "10 años de experiencia"
            yield m, _ROMANCE_LANG.get(m.group(), "es")
    if not text.isascii() and any(h in text for h in _OTHER_SUFFIX_HINTS):
        for m in _SUFFIX_OTHER.finditer(text):
            yield m, m.lastgroup or "ru"


def _number_before(text: str, s: int) -> tuple[int, int, int | None] | None:
    """(number start, number end, range start or None) of the number that ends right before ``s``."""
    lo = max(0, s - 40)
    end = s
    while end > lo and text[end - 1] in " -":
        end -= 1
    if s - end > 3 or end == lo:
        return None
    if text[end - 1].isdigit():
        m = _DIGITS_BEFORE.search(text, lo, s)
        if m is None:
            return None
        return m.start("num"), m.end("num"), m.start("lo") if m.group("lo") else None
    for i in range(max(lo, end - _MAX_WORD_LEN), end):
        if text[i:end] in _WORD_VALUE and (i == 0 or not text[i - 1].isalpha() or not text[i].isascii()):
            return i, end, None
    return None


def _suffix_candidates(text: str, out: list[_Candidate]) -> None:
    for m, lang in _suffix_matches(text):
        s = m.start()
        if lang != "zh" and s > 0 and text[s - 1].isalpha():
            j = s - 1
            while j > 0 and text[j - 1].isalpha():
                j -= 1
            if text[j:s] not in _WORD_VALUE:
                continue  # "22yo" and "twentyyo" are cues; "toyo", "fans", "banos" are not
        found = _number_before(text, s)
        if found is None:
            continue
        a, b, range_start = found
        if range_start is not None:
            lo_end = range_start + 2
            for na, nb in ((range_start, lo_end), (a, b)):
                out.append(_Candidate(na, nb, range_start, m.end(), text[na:nb], "range", lang, s, m.end(), range=True))
            continue
        if not _DURATION_BEFORE.search(text, max(0, a - 12), a):
            out.append(_Candidate(a, b, a, m.end(), text[a:b], "suffix", lang, s, m.end()))


def _after_cue(text: str, kind: str, lang: str, s: int, e: int, out: list[_Candidate]) -> None:
    tail = _CUE_TAIL.match(text, e)
    pos = tail.end() if tail is not None else e
    after = _NUM_AFTER.match(text, pos)
    if after is None:
        return
    cue = "past" if kind == "past" else kind
    out.append(_Candidate(after.start("num"), after.end("num"), s, after.end(), after.group("num"), cue, lang, s, e,
                          past=kind == "past"))


def _title_candidates(text: str, out: list[_Candidate]) -> None:
    if " - " not in text:
        return
    for m in _TITLE_AGE.finditer(text):
        if not _TITLE_MIN_AGE <= int(m.group("num")) <= _MAX_AGE:
            continue  # "Qv - 80": find_ages would drop it; the checks below are the costly part
        line = text.rfind("\n", 0, m.start()) + 1
        line_start = max(line, m.start() - 60)  # a title's last words suffice
        head = text[line_start : m.start("num")].rstrip(" -")
        if _NUMBER_CHAIN.search(head, max(0, len(head) - 16)):
            continue  # "206 - 555 - 0147 - 24": the last link of a chain of numbers (a phone), not a title
        short = line_start == line and len(head) <= 30 and len(head.split()) <= 3
        if not _LETTER.search(head) or (short and _RATE_LINE.search(head)):
            continue  # "Qv - 60", "incall 30 min - 80": a rate line, not a title
        out.append(_Candidate(m.start("num"), m.end("num"), m.start("dash") + 1, m.end("num"), m.group("num"),
                              "title", "", m.start("dash") + 1, m.end("num")))


def _candidates(ctx: ExtractContext) -> list[_Candidate]:
    text = ctx.folded.text
    out: list[_Candidate] = []
    _suffix_candidates(text, out)
    for value, s, e in cue_hits_of(ctx, "age_cue"):
        cue, lang = value.split(":")
        if lang == "it" and "à" not in ctx.text[slice(*ctx.folded.span(s, e))].lower():
            continue  # "eta" is an age only when written "età" ("ETA 20 min" is an arrival time)
        _after_cue(text, cue, lang, s, e, out)
    if not text.isascii() and any(h in text for h in _OTHER_CUE_HINTS):
        for m in _OTHER_CUES.finditer(text):
            ms, me = m.span()
            cue, lang = _OTHER_TERMS[m.group()].split(":")
            if lang == "ru" and ((ms > 0 and text[ms - 1].isalpha()) or (me < len(text) and text[me].isalpha())):
                continue
            _after_cue(text, cue, lang, ms, me, out)
    _title_candidates(text, out)
    return out


_CUE_ORDER = {"past": 0, "field": 1, "self": 2, "turned": 3, "suffix": 4, "range": 5, "title": 6}


def find_ages(ctx: ExtractContext) -> list[Fact]:
    """The age facts of one text, in order, one per number (see the module docstring).

    Several cues around one number ("I am 19 yo") make one statement: one fact whose span covers them
    all; its ``cue`` is the most specific one (a past age stays past).
    """
    text = ctx.folded.text
    by_number: dict[int, list[_Candidate]] = {}
    for c in _candidates(ctx):
        age = _value(c.raw)
        low = _TITLE_MIN_AGE if c.cue == "title" else _MIN_AGE
        if age is None or not low <= age <= _MAX_AGE:
            continue
        if c.cue in ("suffix", "range") and _other_person(text, c.start):
            continue  # "clients 25-50 years old"
        by_number.setdefault(c.num_start, []).append(c)
    facts: list[Fact] = []
    for group in by_number.values():
        if len(group) == 1:
            c = group[0]
            a, b = min(c.start, c.cue_start), max(c.end, c.cue_end)
        else:
            c = min(group, key=lambda g: _CUE_ORDER[g.cue])
            a = min(min(g.start, g.cue_start) for g in group)
            b = max(max(g.end, g.cue_end) for g in group)
        start, end = ctx.folded.span(a, b)
        # "age: 16" is the same form field in every language: only a spelled number or a worded cue has one.
        language = _WORD_LANG.get(c.raw) or next((g.language for g in group if g.language and
                                                  not (g.cue == "field" and g.language == "en")), "")
        if language == "es" and c.cue in ("suffix", "range") and "ñ" not in ctx.text[start:end].lower():
            language = "pt"  # "anos": Portuguese, or Spanish typed without ñ; the number word decides if spelled
        attrs: dict[str, object] = {"spelled": not c.raw.isdigit(), "cue": c.cue,
                                    "evidence": " ".join(ctx.text[start:end].split())}
        if language:
            attrs["language"] = language
        if c.past:
            attrs["past"] = True
        if any(g.range for g in group):
            attrs["range"] = True
        facts.append(Fact("age", str(_value(c.raw)), start, end, MappingProxyType(attrs)))
    if len(facts) > 1:
        facts.sort(key=position)
    return facts


@register
class AgeExtractor(Extractor):
    """Stated ages (10-79) tied to an age cue; the cue is the fact's evidence."""

    kind = "age"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        yield from find_ages(ctx)


def ages_of(text: str) -> list[Fact]:
    """The ages of ``text`` alone (for the doctest and quick checks)."""
    return find_ages(ExtractContext(text))
