"""The linker record of a validated post (``record_from_input``, built once per ad in a scan) must be the record
of the same post as a dict (``record_from_post``): same identifiers in the same order, names, ages, time."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

from adwarden.detect.network.records import record_from_input, record_from_post
from adwarden.domain import Account, MediaRef, PostInput
from adwarden.extract import extract_all

PDQ = "ab" * 32


def _as_dict(p: PostInput) -> dict[str, object]:
    d: dict[str, object] = {k: getattr(p, k) for k in
                            ("external_id", "site", "category", "title", "body", "location", "posted_at", "url")}
    if p.account is not None:
        d["account"] = dataclasses.asdict(p.account)
    d["media"] = [{"sha256": m.sha256, "pdq": m.pdq} for m in p.media]
    return d


POSTS = [
    PostInput(external_id="a1", title="Kira new in town", body="Hi, my name is Kira. I am 22, 23yo friend. "
              "Call 206-555-0147 or kira@example.com, ask for Jade", location="Seattle, WA",
              posted_at=datetime(2026, 11, 1, 10, 0), category="personals", url="https://example.com/a1",
              account=Account(id="u1", email=" U1@Example.com ", phone="(206) 555-0148", ip="10.0.0.1",
                              device_id="d1"),
              media=(MediaRef(sha256="0" * 64, pdq=PDQ), MediaRef(pdq="not hex"), MediaRef(sha256="0" * 64))),
    PostInput(external_id="a2", site="other", body="aged 19, 19 years young, this is Mia",
              posted_at=datetime(2026, 11, 2, 8, 0, tzinfo=timezone(timedelta(hours=-5)))),
    PostInput(external_id="a3", title="Oak table", location="", category=""),
    PostInput(external_id="a4", body="I'm 30. Call me Ava at 555-0199 in Boise, ID", location="Boise, ID",
              account=Account(id="u4")),
]


def test_record_from_input_equals_record_from_post() -> None:
    for p in POSTS:
        ex = extract_all(p.text, url=p.url, location=p.location)
        want = record_from_post(_as_dict(p), post_id=f"{p.site}:{p.external_id}", extraction=ex)
        got = record_from_input(p, post_id=f"{p.site}:{p.external_id}", extraction=ex)
        assert got == want
        assert record_from_input(p, post_id=f"{p.site}:{p.external_id}") == want  # extracts itself
        assert record_from_input(p, post_id=want.post_id, extraction=ex, keep_text=False) == dataclasses.replace(
            want, text="")
    first = record_from_input(POSTS[0], post_id="x")
    assert first.names == ("Kira", "Jade") and first.ages[:2] == (22, 23) and first.image_hashes == (PDQ,)
    assert ("email", "u1@example.com") in first.identifiers and ("device", "d1") in first.identifiers


def test_records_pickle_to_equal_records() -> None:
    import pickle

    recs = [record_from_input(p, post_id=f"{p.site}:{p.external_id}") for p in POSTS]
    assert pickle.loads(pickle.dumps(recs, protocol=pickle.HIGHEST_PROTOCOL)) == recs
    assert all(r.text for r in pickle.loads(pickle.dumps(recs)))


def test_record_constructor_sets_every_field() -> None:
    """The hand-written ``LinkRecord.__init__`` (slot setters instead of the dataclass's) keeps the dataclass's
    field order, defaults, equality, hashing, freezing and pickling."""
    import pickle

    from adwarden.detect.network.records import LinkRecord

    names = [f.name for f in dataclasses.fields(LinkRecord)]
    values: list[object] = ["p1", "e1", "s1", "t1", (("phone", "+12065550147"),), (PDQ,),
                            datetime(2026, 11, 1, tzinfo=UTC), "Seattle", 47.6, -122.3, ("Kira",), (22,), "c1"]
    assert len(values) == len(names)
    by_position = LinkRecord(*values)  # type: ignore[arg-type]
    by_name = LinkRecord(**dict(zip(names, values, strict=True)))  # type: ignore[arg-type]
    assert [getattr(by_position, n) for n in names] == values
    assert by_name == by_position and hash(by_name) == hash(by_position)
    assert pickle.loads(pickle.dumps(by_position)) == by_position
    assert dataclasses.replace(by_position, site="s2").site == "s2"
    defaults = LinkRecord("p2")
    assert [getattr(defaults, f.name) for f in dataclasses.fields(LinkRecord)][1:] == [
        f.default for f in dataclasses.fields(LinkRecord)][1:]
    try:
        by_position.site = "x"  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("LinkRecord must stay frozen")
