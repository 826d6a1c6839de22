"""E-mails, URLs, social and messaging handles, and payment handles.

All patterns run on the folded text (lower case, look-alike letters and full-width forms already
ASCII), so ``ＢＯＢ＠ｅｘａｍｐｌｅ．ｃｏｍ`` is an ordinary e-mail. Every repetition in these patterns
is bounded, so no input can make them backtrack for long.

Handles need a platform cue (``ig:``, ``snap -``, ``follow me on twitter @``, ``kik me``) or a
profile URL (``instagram.com/name``, ``t.me/name``); a bare ``@name`` is kept with platform
``unknown``. Cash App tags (``$name``) need a payment cue or a tag that cannot be a word, because
``$exy`` and ``$pecials`` are common.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

from adwarden.extract.base import ExtractContext, Extractor, register
from adwarden.extract.cues import add_terms, cue_hits_of
from adwarden.extract.facts import Fact
from adwarden.extract.literals import LiteralLedScan
from adwarden.extract.normalize import Folded
from adwarden.extract.retrie import trie_pattern
from adwarden.extract.spans import SpanSet
from adwarden.extract.wordsets import add_words, word_hits

__all__ = ["EmailExtractor", "HandleExtractor", "PaymentExtractor", "UrlExtractor"]

_TLDS = (
    "com|net|org|edu|gov|info|biz|co|us|uk|ca|au|de|fr|es|it|nl|be|ch|at|se|no|dk|fi|ie|pl|ru|in|br|mx|"
    "jp|cn|kr|za|nz|me|io|tv|cc|xxx|online|site|club|live|app|dev|xyz|top|pro|mobi|name|email"
)
_EMAIL = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._%+-]{0,63})@([a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,4}\.[a-z]{2,12})(?![\w-])"
)
# Spelled-out forms: "name at domain dot com", "name (at) domain [dot] com", "name @ domain . com".
_AT = r"(?:\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*|\s+at\s+|\s*@\s*)"
_DOT = r"(?:\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*|\s+dot\s+|\s*\.\s*)"
# Spelled-out e-mails are found from their "at" (literal-led, fast to scan), then read forwards
# (domain, dot, TLD) with an anchored pattern and backwards (local part) character by character.
# Two scans instead of one alternation: a pattern that starts with the literal "at" is searched for at
# C speed, while an alternation led by {a, @} is tried at every "a" (CPU per ad, synthetic 4.2 -> 1.3 µs,
# WA 2013 4.7 -> 1.9 µs; bench/bench_extract_scans.py).
# The hits of the two cannot overlap, so their union in order is what the alternation finds.
_AT_WORD = re.compile(r"at(?<=[\s(\[{<]at)(?=[\s)\]}>])")
_AT_SIGN = re.compile(r"@(?=\s)|@(?<=\s@)")
_AFTER_AT = re.compile(
    rf"[\s)\]}}>]{{0,3}}([a-z0-9-]{{1,63}}(?:{_DOT}[a-z0-9-]{{1,63}}){{0,3}}){_DOT}({_TLDS})\b"
)
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._+-")
_SPELLED_DOT = re.compile(_DOT)
_WELL_KNOWN_MAIL = frozenset(
    "gmail yahoo hotmail outlook aol icloud live msn protonmail proton gmx mail yandex zoho comcast me".split()
)

# URLs are found from two literal anchors (fast to scan): a scheme or "www.", and a "." followed by
# a known top-level domain, from which the host is read backwards.
_URL_START = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}|\\^`]{1,2000}")
_TLD_HIT = re.compile(rf"\.(?:{_TLDS})(?![\w-])")
_URL_PATH = re.compile(r"/[^\s<>\"'()\[\]{}|\\^`]{0,2000}")
_HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")
_TRAILING = ".,;:!?*'\")]}>"


def _at_hits(text: str) -> list[re.Match[str]]:
    """The spelled or spaced "at" of every e-mail written out, in order (see ``_AT_WORD``)."""
    hits = list(_AT_WORD.finditer(text))
    if "@" in text:
        hits.extend(_AT_SIGN.finditer(text))
        hits.sort(key=lambda m: m.start())
    return hits


def _email_matches(text: str) -> list[re.Match[str]]:
    """``list(_EMAIL.finditer(text))``, with the pattern tried only where a match can begin.

    ``_EMAIL`` begins with a look-behind, so ``re`` would try it at every position of the text. Every
    match holds exactly one ``@`` (neither part may contain one), has at most 64 characters before it,
    begins with ``[a-z0-9]`` after a character outside ``[\\w.+-]`` and ends at the next ``@`` at the
    latest (where its closing look-ahead holds as at the end of the text). So for each ``@`` the
    pattern is tried, in order, only at the positions before it that :data:`_LOCAL_START` finds
    (WA 2013 ads that have an ``@``, CPU per ad: 18.5 -> 7.0 µs); the matches come in the order of their ``@``.
    """
    out: list[re.Match[str]] = []
    pos = 0
    n = len(text)
    at = text.find("@")
    while at >= 0:
        nxt = text.find("@", at + 1)
        lo = max(pos, at - 64)
        if lo < at:
            end = n if nxt < 0 else nxt
            for s in _LOCAL_START.finditer(text, lo, at):
                m = _EMAIL.match(text, s.start(), end)
                if m is not None:
                    out.append(m)
                    pos = m.end()
                    break
        at = nxt
    return out


# Where an e-mail's local part can begin: a letter or digit after a character that is not one of
# the local part's (those other than "%" all fail the look-behind of _EMAIL).
_LOCAL_START = re.compile(r"(?<![a-z0-9._+\-])[a-z0-9]")


def _email_facts(folded: Folded) -> Iterator[tuple[str, int, int]]:
    text = folded.text
    if "@" in text:
        for m in _email_matches(text):
            yield f"{m.group(1)}@{m.group(2)}".rstrip("."), m.start(), m.end()
    for m in _at_hits(text):
        after = _AFTER_AT.match(text, m.end())
        if after is None:
            continue
        # Local part: skip the opening bracket/space before "at", then read back over e-mail chars.
        i = m.start()
        steps = 0
        while i > 0 and text[i - 1] in " \t([{<" and steps < 3:
            i -= 1
            steps += 1
        end_local = i
        while i > 0 and text[i - 1] in _LOCAL_CHARS and end_local - i < 64:
            i -= 1
        local = text[i:end_local].strip(".")
        if not local or i == m.start():
            continue
        raw = text[i : after.end()]
        domain = _SPELLED_DOT.sub(".", after.group(1))
        tld = after.group(2)
        spelled_at = m.group() == "at" and text[m.start() - 1].isspace()
        if spelled_at and domain.split(".")[0] not in _WELL_KNOWN_MAIL and " dot " not in raw:
            continue  # "meet at the hotel.com"-like prose: needs a known mail host or a spelled dot
        yield f"{local}@{domain}.{tld}", i, after.end()


@register
class EmailExtractor(Extractor):
    """E-mail addresses, lower case, including ``name at domain dot com`` forms."""

    kind = "email"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        seen: set[int] = set()
        for value, a, b in _email_facts(folded):
            if a in seen:
                continue
            seen.add(a)
            start, end = folded.span(a, b)
            yield Fact("email", value, start, end)


def canonical_url(raw: str) -> tuple[str, str]:
    """(canonical URL, domain): lower-case host without ``www.``, scheme kept or ``http``, no fragment.

    >>> canonical_url("WWW.Example.com/Profile/Jane/")
    ('http://example.com/Profile/Jane', 'example.com')
    """
    scheme = "http"
    rest = raw
    m = re.match(r"(?i)(https?)://", raw)
    if m:
        scheme = m.group(1).lower()
        rest = raw[m.end() :]
    host, sep, path = rest.partition("/")
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    host = host.split("@")[-1].split(":")[0]
    path = path.split("#")[0].rstrip("/")
    return (f"{scheme}://{host}/{path}" if path else f"{scheme}://{host}"), host


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    """Folded-text spans of links (``http://``, ``www.``) and bare domains (``example.com/jane``)."""
    taken_until = -1
    if "http" in text or "www." in text:
        for m in _URL_START.finditer(text):
            a = m.start()
            if a > 0 and text[a - 1].isalnum():
                continue
            yield a, m.end()
            taken_until = m.end()
    spans_end = taken_until
    for m in _TLD_HIT.finditer(text):
        dot = m.start()
        if dot < spans_end:
            continue
        a = dot
        while a > 0 and text[a - 1] in _HOST_CHARS and dot - a < 253:
            a -= 1
        while a < dot and text[a] in ".-":
            a += 1
        if a == dot or (a > 0 and text[a - 1] in "@/:"):
            continue  # no host, the domain of an e-mail, or part of a longer URL already seen
        b = m.end()
        path = _URL_PATH.match(text, b)
        if path is not None:
            b = path.end()
        spans_end = b
        yield a, b


@register
class UrlExtractor(Extractor):
    """Links and bare domains (``example.com/jane``), canonicalized; ``attrs["domain"]`` for grouping."""

    kind = "url"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        text = folded.text
        if "." not in text:
            return
        original = ctx.text
        for a, b in _url_spans(text):
            while b > a and text[b - 1] in _TRAILING:
                b -= 1
            if b - a < 4 or (b < len(text) and text[b] == "@"):
                continue
            start, end = folded.span(a, b)
            raw = original[start:end] if folded.offsets is None else text[a:b]
            url, domain = canonical_url(raw)
            if "." not in domain:
                continue
            yield Fact("url", url, start, end, MappingProxyType({"domain": domain}))


# Platform cue words -> platform name.
_PLATFORM_WORDS: dict[str, str] = {
    "instagram": "instagram", "insta": "instagram", "ig": "instagram", "instagr.am": "instagram",
    "twitter": "twitter", "tweet": "twitter", "tw": "twitter", "twtr": "twitter",
    "snapchat": "snapchat", "snap": "snapchat", "sc": "snapchat", "snapchat id": "snapchat",
    "telegram": "telegram", "tg": "telegram", "tele": "telegram",
    "whatsapp": "whatsapp", "whats app": "whatsapp", "whatsap": "whatsapp", "watsapp": "whatsapp", "wa": "whatsapp",
    "kik": "kik", "kik me": "kik", "kik messenger": "kik",
    "wechat": "wechat", "we chat": "wechat", "weixin": "wechat", "wechat id": "wechat",
    "line id": "line", "skype": "skype", "onlyfans": "onlyfans", "only fans": "onlyfans",
    "fansly": "fansly", "tiktok": "tiktok", "tik tok": "tiktok", "facebook": "facebook", "fb": "facebook",
    "signal": "signal", "discord": "discord", "reddit": "reddit", "viber": "viber",
}
_PROFILE_DOMAINS = (
    "instagram.com/", "instagr.am/", "twitter.com/", "x.com/", "snapchat.com/add/", "t.me/", "telegram.me/",
    "wa.me/", "kik.me/", "onlyfans.com/", "fansly.com/", "tiktok.com/@", "facebook.com/", "fb.com/",
    "linktr.ee/", "allmylinks.com/",
)
# Platform words come from the shared cue scan (adwarden.extract.cues); profile domains from a
# literal-led scan of their own, only when the text has a "/".
add_terms("handle_cue", {w: p for w, p in _PLATFORM_WORDS.items() if "." not in w})
_PROFILE_RE = LiteralLedScan(trie_pattern(_PROFILE_DOMAINS, after_first=r"(?<![a-z0-9].)"), _PROFILE_DOMAINS)
_AFTER_CUE = re.compile(
    r"((?:\s{0,3}(?:me|us|id|name|username|user|handle|acct|account|is|at|on|add|or|@|:|=|-|>|\(|\)|\.|\*|#)){0,5}\s{0,3})"
    r"([a-z0-9_][a-z0-9_.\-]{1,29})"
)
_PROFILE_NAME = re.compile(r"@?([a-z0-9_][a-z0-9_.\-]{0,59})")
_STRONG_CONNECTOR = re.compile(r"[@:=>#\-]|\bid\b|\bis\b|\bname\b|\bhandle\b|\busername\b|\badd\b")
_PROFILE_PLATFORM = {
    "instagram.com/": "instagram", "instagr.am/": "instagram", "twitter.com/": "twitter", "x.com/": "twitter",
    "snapchat.com/add/": "snapchat", "t.me/": "telegram", "telegram.me/": "telegram", "wa.me/": "whatsapp",
    "kik.me/": "kik", "onlyfans.com/": "onlyfans", "fansly.com/": "fansly", "tiktok.com/@": "tiktok",
    "facebook.com/": "facebook", "fb.com/": "facebook", "linktr.ee/": "linktree", "allmylinks.com/": "allmylinks",
}
_PLATFORM_BY_CUE = {**{w.replace(" ", ""): p for w, p in _PLATFORM_WORDS.items()}, **_PLATFORM_WORDS}
_BARE_AT = re.compile(r"@(?<![\w.@]@)\s?([a-z0-9_][a-z0-9_.]{1,29})")
# Words that follow a cue but are not handles ("snap me for pics", "ig below").
_NOT_HANDLE = frozenset(
    """
    me us at on or and the for to is it my your you i a an in of with only if now too also below above here
    there this that name id handle user username add me2 pics pic pictures photos videos vids info more
    msg message text call dm dms pm follow only just please pls plz available avail com net org http https
    www no not any all app account acct fans ok okay yes new hmu
    """.split()
)


def _clean_handle(value: str) -> str:
    return value.rstrip("._-")


def _handle_facts(ctx: ExtractContext) -> Iterator[tuple[str, str, int, int, str]]:
    """(platform, handle, folded start, folded end, how) for every handle."""
    text = ctx.folded.text
    covered = SpanSet()
    n = len(text)
    if "/" in text:
        for m in _PROFILE_RE.matches(text):
            e = m.end()
            pm = _PROFILE_NAME.match(text, e)
            if pm is None:
                continue
            value = _clean_handle(pm.group(1))
            if not value or value in _NOT_HANDLE or value in _PROFILE_SKIP:
                continue
            covered.add(m.start(), pm.end())
            yield _PROFILE_PLATFORM[m.group()], value, m.start(), pm.start(1) + len(value), "url"
    for platform, _s, e in cue_hits_of(ctx, "handle_cue"):
        am = _AFTER_CUE.match(text, e)
        if am is None:
            continue
        value = _clean_handle(am.group(2))
        hs = am.start(2)
        if value in _NOT_HANDLE or value in _PLATFORM_BY_CUE or len(value) < 2:
            continue
        if covered.covers(hs):
            continue
        strong = bool(_STRONG_CONNECTOR.search(am.group(1)))
        looks_handle = any(c.isdigit() or c == "_" or c == "." for c in value)
        if not (strong or looks_handle):
            continue
        if value.replace(".", "").replace("-", "").isdigit() and len(value) >= 7:
            continue  # a phone number after "whatsapp:" is a phone, found by the phone extractor
        if am.end(2) < n and text[am.end(2)] == "@":
            continue  # an e-mail address
        covered.add(hs, hs + len(value))
        yield platform, value, hs, hs + len(value), "cue"
    if "@" in text:
        for m in _BARE_AT.finditer(text):
            value = _clean_handle(m.group(1))
            if value in _NOT_HANDLE or len(value) < 2 or covered.covers(m.start(1)):
                continue
            if m.end(1) < n and text[m.end(1)] in "@":
                continue
            yield "unknown", value, m.start(), m.start(1) + len(value), "at"


_PROFILE_SKIP = frozenset({"p", "reel", "home", "share", "watch", "pages", "profile.php", "explore", "add"})


@register
class HandleExtractor(Extractor):
    """Social and messaging handles with their platform; value lower case, without ``@``."""

    kind = "handle"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        seen: set[tuple[str, str]] = set()
        for platform, value, a, b, how in _handle_facts(ctx):
            if (platform, value) in seen:
                continue
            seen.add((platform, value))
            start, end = folded.span(a, b)
            yield Fact("handle", value, start, end, MappingProxyType({"platform": platform, "via": how}))


_CASHTAG = re.compile(r"\$(?<![\w$]\$)([a-z][a-z0-9_\-]{1,19})\b")
_PAY_CUE = re.compile(r"cash\s?app|cashapp|\bcash\b|\bca\$h|\bsend\b|\bpay\b|\bdeposit|\bsquare cash")
_PAY_WORDS = ("venmo", "paypal", "zelle", "chime", "apple", "cash")
# Led by a word boundary, which ``re`` would try at every position: tried only where a service is named.
_PAY_HANDLE = LiteralLedScan(
    r"\b(venmo|paypal|zelle|chime|apple\s?pay|cash\s?app|cashapp)\b"
    r"(?:\s{0,3}(?:me|at|is|to|id|@|:|=|-|>|\.me/|\.com/|\.app/)){1,4}\s{0,3}"
    r"(\$?[a-z0-9_][a-z0-9_.@\-]{1,40})",
    _PAY_WORDS,
)
add_words("payment_words", _PAY_WORDS)  # found by the shared literal pass (adwarden.extract.wordsets)
_PAY_URL = re.compile(r"\b(?:https?://)?(?:www\.)?(paypal\.me|venmo\.com(?:/u)?|cash\.app|cash\.me)/(\$?[a-z0-9_][a-z0-9_.\-]{0,40})")
# Gift cards: found from the literal "card" (fast), the brand read from the words just before it.
_CARD = re.compile(r"cards?(?![a-z])")
_CARD_BRAND = re.compile(
    r"(?<![a-z])(amazon|itunes|apple|google\s?play|steam|vanilla(?:\s?visa)?|ebay|walmart|target|sephora|"
    r"green\s?dot|netspend|prepaid)?\s?(?:gift\s?)?\Z"
)
_PAY_PLATFORM = {
    "venmo": "venmo", "paypal": "paypal", "zelle": "zelle", "chime": "chime", "applepay": "applepay",
    "cashapp": "cashapp", "paypal.me": "paypal", "venmo.com": "venmo", "venmo.com/u": "venmo",
    "cash.app": "cashapp", "cash.me": "cashapp",
}
_CASH_NOT_TAG = frozenset("exy pecial pecials ex weet ervice ervices hot hh hr qv".split())


def _payment_facts(ctx: ExtractContext) -> Iterator[tuple[str, str, int, int, dict[str, Any]]]:
    text = ctx.folded.text
    taken: set[int] = set()
    pay_words = word_hits(ctx, "payment_words")
    named = bool(pay_words)
    if not named:
        pass  # no payment service named: only cash tags and gift cards below
    elif "/" in text:
        for m in _PAY_URL.finditer(text):
            platform = _PAY_PLATFORM[m.group(1)]
            tag = m.group(2).rstrip("._-")
            value = ("$" + tag.lstrip("$")) if platform == "cashapp" else tag
            taken.add(m.start(2))
            yield platform, value, m.start(), m.start(2) + len(m.group(2)), {}
    for m in _PAY_HANDLE.matches_at(text, sorted({a for a, _b in pay_words})) if named else ():
        platform = _PAY_PLATFORM.get(re.sub(r"\s", "", m.group(1)), "unknown")
        tag = m.group(2).rstrip("._-")
        if tag in _NOT_HANDLE or m.start(2) in taken or (tag.isdigit() and len(tag) < 7):
            continue
        value = ("$" + tag.lstrip("$")) if platform == "cashapp" else tag
        taken.add(m.start(2) + (1 if tag.startswith("$") else 0))
        yield platform, value, m.start(2), m.start(2) + len(m.group(2)), {}
    if "$" in text:
        for m in _CASHTAG.finditer(text):
            tag = m.group(1)
            if m.start(1) in taken or tag in _CASH_NOT_TAG:
                continue
            cue = _PAY_CUE.search(text, max(0, m.start() - 40), m.start()) is not None
            odd = any(c.isdigit() or c == "_" for c in tag)
            if not (cue or odd):
                continue
            yield "cashapp", "$" + tag, m.start(), m.end(), {}
    if "card" in text:
        for m in _CARD.finditer(text):
            s = m.start()
            if s > 0 and text[s - 1].isalpha() and not text[max(0, s - 4) : s] == "gift":
                continue
            before = text[max(0, s - 30) : s]
            bm = _CARD_BRAND.search(before)
            if bm is None or (bm.group(1) is None and not before.rstrip().endswith("gift")):
                continue
            brand = re.sub(r"\s", "", bm.group(1)) if bm.group(1) else "any"
            start = s - (len(before) - bm.start())
            yield "gift_card", f"gift_card:{brand}", start, m.end(), {"linkable": False}


@register
class PaymentExtractor(Extractor):
    """Payment handles: Cash App ``$tag``, Venmo, PayPal.me, Zelle; gift-card mentions (not linkable)."""

    kind = "payment"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        folded = ctx.folded
        seen: set[str] = set()
        for platform, value, a, b, extra in _payment_facts(ctx):
            if value in seen:
                continue
            seen.add(value)
            start, end = folded.span(a, b)
            yield Fact("payment", value, start, end, MappingProxyType({"platform": platform, **extra}))
