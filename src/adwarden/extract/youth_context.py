"""Is a youth word about the advertised person, now? The context rules every youth cue goes through.

A youth word is a reason to send a post to the restricted child-safety queue only when it describes the
person advertised, as they are now. The same word often does not:

==============  ===========================================================================================
reason          examples (the youth word is what a lexicon or the youth extractor matched)
==============  ===========================================================================================
``negated``     "not a teen", "no teens", "nothing underage", "no soy menor", "не малолетка", "不是学生"
``past``        "ex high school cheerleader, now 25", "former cheerleader", "back in high school",
                "a friend from middle school",
                "when I was a teen", "in my teens", "exalumna de secundaria"
``reader``      disclaimers to the reader or about clients: "if you are under 18, leave", "no one under 18",
                "underage use of this site is prohibited", "no young guys"
``qualification``  job requirements: "Education: High School", "high school diploma or GED"
``other_sense``  "minor" as an adjective: "minor repairs", "minor body work"
``name``        a youth word written as a name: "Lolita Blue Star", "ask for Loli" (title case, not
                after a youth word such as "young"); allowlisted names ("Lolli", "Lolly", "Lola") never match
==============  ===========================================================================================

:func:`youth_context` returns the reason a hit does not count, or ``None`` when it counts. It reads a
short window of the original text around the hit (lower-cased), never the whole post, so it costs
microseconds per youth hit and nothing for posts without one. The rules are classes of use, each with
synthetic tests (tests/detect/test_lexicon_youth.py); none was written for a particular ad.

>>> youth_context("ex high school cheerleader, now 25", 3, 14)
'past'
>>> youth_context("sweet high school girl", 6, 17) is None
True
"""

from __future__ import annotations

import re

from adwarden.extract.retrie import trie_pattern

__all__ = ["ALLOWLIST", "UNDERAGE_NAME_TERMS", "youth_context"]

#: Words that contain or look like a youth term but are names or chat words; never youth cues.
ALLOWLIST = frozenset({"lol", "lolz", "lolol", "lolli", "lolly", "lollie", "lola", "loly", "lolo", "lollo", "lolla",
                       "teena", "tina", "lolitas'"})
#: Youth terms that are also given names: in title case and not after a youth word, they are a name.
UNDERAGE_NAME_TERMS = frozenset({"lolita", "loli", "lolis", "lolitas"})

_WINDOW = 40
# A clause boundary: the context of a word stops at the end of its sentence or line.
_CLAUSE = re.compile(r"[.!?;\n\r|•·]")

_NEGATION = re.compile(
    r"(?:^|[^\w'])(?:not|no|never|nor|non|nobody|no one|none|nothing|without|isn'?t|aren'?t|ain'?t|am not|i'm not|"
    r"im not|don'?t|doesn'?t|no longer|not a|not an|not some|"
    r"ni|sin|nada|nunca|jamas|jamás|no soy|não|nao|sem|nunca|pas|jamais|ne suis pas|ni|non sono|senza|mai|"
    r"не|нет|без|никогда|不是|不|没有|沒有|非)"
    r"\W*(?:(?:a|an|some|any|un|una|uma|une|un'|so|too|really|real|soy|sou|sono|suis|es|é|è|e|am|is|я)\W+)?\Z"
)
_PAST_BEFORE = re.compile(
    r"(?:^|\W)(?:ex|ex-|former|formerly|retired|used to be|use to be|back in|back when|when i was|when i was a|"
    r"since|i was a|i was an|was a|was an|graduated|graduated from|out of|finished|after|"
    r"exalumna|ex alumna|antigua|cuando era|cuando fui|fui|quand j'etais|quand j'étais|ancienne|quando ero|ero una|"
    r"quando eu era|eu era|fui|когда я была|когда мне было|бывшая|以前|曾经|当年)"
    r"\W+(?:\w+\W+){0,2}\Z"
)
_PAST_AFTER = re.compile(r"\A\W*(?:\w+\W+){0,3}?(?:years ago|back then|in the past|now\s+(?:i'?m\s+|i am\s+)?(?P<now>\d{2})|"
                         r"hace años|há anos|il y a|anni fa|лет назад|以前)")
_PAST_TERM_AFTER = re.compile(r"\A\s*(?:years|days|grad|graduate|reunion|sweetheart)\b")
_IN_MY = re.compile(r"in my\W+\Z")
_FROM = re.compile(r"(?:^|\W)from\W+(?:the\W+|my\W+)?\Z")  # "a friend from middle school" (school words only)
_READER_BEFORE = re.compile(
    r"(?:if you are|if you're|if youre|you are|you're|you must|must be|anyone|anybody|no one|noone|nobody|persons?|"
    r"people|viewers?|visitors?|users?|no|any|si eres|si es|si tienes|se você|se voce|si vous|se sei|если вам|если ты|"
    r"(?:prohibit|forbidden|not allowed|not permitted|prohibid|proibid|interdit|vietat|запрещ)\w*)"
    r"\W+(?:\w+\W+){0,4}\Z"
)
_READER_AFTER = re.compile(
    r"\A\W*(?:use|users?|usage|persons?|people|individuals|viewers?|visitors?|access|viewing|browsing|"
    r"is prohibited|are prohibited|not allowed|prohibited|must leave|leave now|please leave|please exit|exit|"
    r"guys|men|boys|clients|customers|callers|are not|is not|may not|must not|will be|strictly|"
    r"prohibid|no permitid|proibid|interdit|vietat|запрещ|禁止)"
)
# For words that name minors, a negation a few words back still negates: "does not contain images of minors".
_NEGATION_FAR = re.compile(r"(?:^|[^\w'])(?:not|no|non|não|nao|pas|ni|не|нет)\W+(?:\w+\W+){0,4}\Z|(?:没有|不|非)")
# "minor repairs": the adjective, not a child (a noun follows that is not about a person).
_ADJECTIVE_AFTER = re.compile(r"\A[ \t]+(?!(?:girl|girls|female|child|teen|here|myself|and|but|so|who|looking|"
                              r"seeking|available|ready|in|at|for|with|from|of|or|i|im|age|aged)\b)[a-z]{3,}")
_CLIENT_TERMS_AFTER = re.compile(r"\A\W*(?:guys|men|boys|gentlemen|clients|customers|callers|dudes)\b")
_QUALIFICATION = re.compile(
    r"degree|diploma|ged\b|graduate|education|qualification|equivalent|required|requirement|must have|preferred|"
    r"resume|employment|applicants?|titulo|título|bachillerato|educacion|educación|estudios|escolaridade|completo|"
    r"concluido|diplome|diplôme|diploma|образование|学历"
)
_YOUTH_BEFORE = re.compile(r"(?:young|little|lil|teen|tiny|baby|sweet little|petite|jovencita|novinha)\W+\Z")
_UNDERAGE_READER_TERMS = frozenset({
    "under 18", "under age", "underage", "minor", "minors", "under the age", "menor", "menores", "menor de edad",
    "menor de idade", "mineur", "mineure", "mineurs", "minorenne", "minorenni", "малолет", "несовершеннолетн", "未成年",
})
# Every word any rule below starts from. A youth word with none of them in its clause (most hits) is decided
# after one scan of each window instead of ten.
_TRIGGER_WORDS = """
not no never nor non nobody none nothing without isn't isnt aren't arent ain't aint don't dont doesn't doesnt
ni sin nada nunca jamas jamás não nao sem pas jamais ne senza mai не нет без никогда ex ex- former formerly retired used
back when since was graduated out finished after from exalumna antigua cuando fui quand j'etais j'étais ancienne quando
ero eu когда бывшая if you're youre must anyone anybody noone nobody person persons people viewer viewers
visitor visitors user users usage any si se sei vous если prohibited prohibit forbidden allowed permitted prohibido
prohibida proibido proibida interdit interdite vietato vietata запрещено запрещен ago then past now hace há il anni
лет access viewing browsing leave exit guys men boys clients customers callers gentlemen dudes strictly degree diploma
ged graduate education qualification equivalent required requirement preferred resume employment applicant
applicants titulo título bachillerato educacion educación estudios escolaridade completo concluido diplome diplôme
образование years days grad reunion sweetheart
""".split()
_TRIGGER = re.compile(r"(?<![\w'])(?:" + trie_pattern(sorted(set(_TRIGGER_WORDS))) + r")(?![\w'])|不|没有|沒有|非|以前|曾经|当年|禁止|学历")
_SCHOOL_WORDS = ("school", "colegio", "escola", "secundaria", "prepa", "ensino", "lycee", "lycée", "liceo", "школ", "学")


def _before(text: str, start: int) -> str:
    window = text[max(0, start - _WINDOW) : start].lower()
    cut = max((m.end() for m in _CLAUSE.finditer(window)), default=0)
    return window[cut:]


def _after(text: str, end: int) -> str:
    window = text[end : end + _WINDOW].lower()
    m = _CLAUSE.search(window)
    return window[: m.start()] if m else window


def youth_context(text: str, start: int, end: int, allow: frozenset[str] = frozenset()) -> str | None:
    """Why the youth word at ``text[start:end]`` (original text) is not about the advertised person now,
    or ``None`` when it is: ``"negated"``, ``"past"``, ``"reader"``, ``"qualification"``, ``"other_sense"``,
    ``"name"`` or
    ``"allowlist"`` (:data:`ALLOWLIST` plus ``allow``, e.g. a lexicon's own list)."""
    word = text[start:end]
    low = word.lower()
    bare = low.strip(" .,!?")
    if bare in ALLOWLIST or bare in allow:
        return "allowlist"
    before = _before(text, start)
    after = _after(text, end)
    if low in UNDERAGE_NAME_TERMS and word[:1].isupper() and not word.isupper() and not _YOUTH_BEFORE.search(before):
        return "name"
    if low.startswith("teen") and _IN_MY.search(before):
        return "past"  # "in my teens"
    if _FROM.search(before) and any(w in low for w in _SCHOOL_WORDS):
        return "past"  # "a friend from middle school"; but "a girl from Lima, young teen" is not past
    if bare != "minor" and _TRIGGER.search(before) is None and _TRIGGER.search(after) is None:
        return None
    if _NEGATION.search(before):
        return "negated"
    if bare == "minor" and _ADJECTIVE_AFTER.match(after):
        return "other_sense"
    underage = any(t in low for t in _UNDERAGE_READER_TERMS)
    if underage and (_READER_BEFORE.search(before) or _READER_AFTER.match(after)):
        return "reader"
    if underage and _NEGATION_FAR.search(before):
        return "negated"
    if _CLIENT_TERMS_AFTER.match(after):
        return "reader"  # "no young guys", "teen boys welcome": about clients
    if _PAST_BEFORE.search(before) or _PAST_TERM_AFTER.match(after):
        return "past"
    later = _PAST_AFTER.match(after)
    if later is not None and (later.group("now") is None or int(later.group("now")) >= 18):
        return "past"  # "ex cheerleader, now 25"; but "teen, now 16" is a minor now
    if any(w in low for w in _SCHOOL_WORDS) and (_QUALIFICATION.search(before) or _QUALIFICATION.search(after)):
        return "qualification"
    return None
