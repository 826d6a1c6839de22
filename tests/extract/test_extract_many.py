"""extract_many: one extraction per distinct text, the same results as extract_all post by post."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adwarden.extract import Extractor, Fact, extract_all, extract_many, register, unregister
from adwarden.extract.base import ExtractContext

_TEXT = "New in Seattle, call 206-555-0147 or mail ana@example.com, 24/7 incall"
_UK = "Call 020 7946 0018 now"  # a number only in the UK's numbering plan
_POSTS: list[tuple[str, str | None, str | None]] = [
    (_TEXT, None, None),
    (_TEXT, "https://seattle.example.com/ad/2065550148", None),  # same text, a phone only in the URL
    (_UK, None, None),
    (_UK, "https://example.co.uk/ad/1", None),  # same text, another region from the URL
    (_UK, None, "London"),  # same text, another region from the location
    ("text 206 555 0199", "text 206 555 0199", None),  # the text is the URL itself
    ("text 206 555 0199", None, None),
    (_TEXT, None, None),
    ("", None, None),
]


def test_equal_to_extract_all_one_by_one() -> None:
    many = extract_many(_POSTS, region="US")
    one = [extract_all(t, url=u, location=loc, region="US") for t, u, loc in _POSTS]
    assert many == one
    # the same text gives what each post's own URL and region make of it
    assert [f.value for f in many[0].phones] == ["+12065550147"]
    assert [(f.value, f.attrs.get("source")) for f in many[1].phones] == [
        ("+12065550147", None), ("+12065550148", "url")]
    assert [[f.value for f in e.phones] for e in many[2:5]] == [[], ["+442079460018"], ["+442079460018"]]


def test_repeated_text_is_extracted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import adwarden.extract as ex

    calls: list[str] = []
    real = ex._text_facts

    def counting(text: str, *args: object) -> list[Fact]:
        calls.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ex, "_text_facts", counting)
    posts = [(_TEXT, f"https://example.com/ad/{i}", None) for i in range(5)] + [(_TEXT, None, None)] * 3
    many = extract_many(posts)
    assert calls == [_TEXT]
    assert many == [extract_all(t, url=u, location=loc) for t, u, loc in posts]


class _UrlReader(Extractor):
    """A plug-in that reads the URL field from the text's context: results cannot be shared by text."""

    kind = "handle"

    def extract(self, ctx: ExtractContext) -> Iterator[Fact]:
        if ctx.url and ctx.text != ctx.url:
            yield Fact("handle", ctx.url.rsplit("/", 1)[-1], 0, 0)


def test_plug_in_extractors_see_every_post() -> None:
    register(_UrlReader)
    try:
        posts = [(_TEXT, "https://example.com/ad/a1", None), (_TEXT, "https://example.com/ad/b2", None)]
        many = extract_many(posts)
        assert [[f.value for f in e.handles if f.start == 0 and f.end == 0] for e in many] == [["a1"], ["b2"]]
        assert many == [extract_all(t, url=u, location=loc) for t, u, loc in posts]
    finally:
        unregister(_UrlReader.name())
