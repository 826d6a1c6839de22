"""What the linker needs to know about one post: :class:`LinkRecord`, and helpers that build it.

Why a separate record: linking runs in three places (in process at ingest, over a whole corpus file, and as a
Spark job) and over stored posts, so it reads a small, flat, picklable value instead of domain objects or ORM
rows. Everything in it is already normalized: identifiers are ``(kind, value)`` pairs with the values the
extractors produce (E.164 phones, lower-case e-mails, handles as ``platform:name``), image hashes are PDQ hex.

>>> r = record_from_post({"external_id": "p1", "body": "Call (206) 555-0147", "account": {"id": "u1"}})
>>> ("account", "default:u1") in r.identifiers
True
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from adwarden.detect.network.names import find_ages, find_names
from adwarden.extract.facts import slot_setters

if TYPE_CHECKING:  # pragma: no cover - typing only
    from adwarden.domain import Identifier, PostInput
    from adwarden.extract.facts import Extraction

__all__ = ["LINK_KINDS", "LinkRecord", "link_identifier", "record_from_identifiers", "record_from_input",
           "record_from_post"]

#: Every kind of link the linker knows. ``text``, ``image`` (near-duplicate PDQ) and ``persona`` (only with
#: ``LinkConfig.persona``) are computed, the rest are
#: identifiers carried by the record. ``--no-link KIND`` names one of these.
LINK_KINDS = (
    "phone",
    "email",
    "handle",
    "payment",
    "url",
    "account",
    "device",
    "ip",
    "image_sha256",
    "image",
    "text",
    "persona",
)

_PDQ_RE = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True, init=False)
class LinkRecord:
    """One post as the linker sees it.

    ``post_id`` is unique in a corpus (AdWarden's stored id, or ``site:external_id`` for a file); two sites may
    use the same ``external_id``. ``identifiers`` are ``(kind, value)`` pairs, ``image_hashes`` PDQ hashes as
    64 hex digits. ``names`` and ``ages`` are the persons' names and stated ages the ad uses (for "many persons
    on one phone"); ``lat``/``lon`` locate the ad when known.
    """

    post_id: str
    external_id: str = ""
    site: str = "default"
    text: str = ""
    identifiers: tuple[tuple[str, str], ...] = ()
    image_hashes: tuple[str, ...] = ()
    posted_at: datetime | None = None
    location: str | None = None
    lat: float | None = None
    lon: float | None = None
    names: tuple[str, ...] = ()
    ages: tuple[int, ...] = ()
    category: str | None = None

    def __init__(
        self, post_id: str, external_id: str = "", site: str = "default", text: str = "",
        identifiers: tuple[tuple[str, str], ...] = (), image_hashes: tuple[str, ...] = (),
        posted_at: datetime | None = None, location: str | None = None, lat: float | None = None,
        lon: float | None = None, names: tuple[str, ...] = (), ages: tuple[int, ...] = (), category: str | None = None,
    ) -> None:
        # What the generated __init__ of a frozen dataclass does (``object.__setattr__`` per field), through the
        # slots' own setters: a scan builds one record per ad, and this takes about a quarter of the time.
        s = _RECORD_SET
        s[0](self, post_id)
        s[1](self, external_id)
        s[2](self, site)
        s[3](self, text)
        s[4](self, identifiers)
        s[5](self, image_hashes)
        s[6](self, posted_at)
        s[7](self, location)
        s[8](self, lat)
        s[9](self, lon)
        s[10](self, names)
        s[11](self, ages)
        s[12](self, category)

    def __reduce__(self) -> tuple[type[LinkRecord], tuple[Any, ...]]:
        """Pickle as the constructor's arguments: a scan's workers send every record to the main process, and
        this takes about half the time of the dataclass's field-by-field ``__getstate__``/``__setstate__``."""
        return LinkRecord, _FIELDS_OF(self)


_FIELDS_OF = operator.attrgetter(*(f.name for f in fields(LinkRecord)))
#: The ``__set__`` of each field's slot descriptor, in field order (see ``LinkRecord.__init__``).
_RECORD_SET = slot_setters(LinkRecord)


def _parse_time(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _account_identifiers(site: str, account: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    if not account:
        return []
    out: list[tuple[str, str]] = []
    if account.get("id"):
        out.append(("account", f"{site}:{account['id']}"))
    if account.get("email"):
        out.append(("email", str(account["email"]).strip().lower()))
    if account.get("phone"):
        phone = re.sub(r"[^\d+]", "", str(account["phone"]))
        if phone:
            out.append(("phone", phone if phone.startswith("+") else f"+1{phone}" if len(phone) == 10 else phone))
    if account.get("device_id"):
        out.append(("device", str(account["device_id"])))
    if account.get("ip"):
        out.append(("ip", str(account["ip"]).strip()))
    return out


def _media(media: Iterable[Mapping[str, Any]] | None) -> tuple[list[tuple[str, str]], list[str]]:
    ids: list[tuple[str, str]] = []
    pdqs: list[str] = []
    for m in media or ():
        sha = m.get("sha256")
        if sha:
            ids.append(("image_sha256", str(sha).lower()))
        pdq = m.get("pdq")
        if pdq and _PDQ_RE.match(str(pdq).lower()):
            pdqs.append(str(pdq).lower())
    return ids, pdqs


def _from_extraction(extraction: Extraction) -> tuple[list[tuple[str, str]], tuple[int, ...], tuple[float, float] | None]:
    ids: list[tuple[str, str]] = []
    for fact in extraction.identifiers():
        if fact.kind == "handle":
            platform = fact.attrs.get("platform")
            ids.append(("handle", f"{platform}:{fact.value}" if platform else fact.value))
        else:
            ids.append((fact.kind, fact.value))
    ages: list[int] = []
    for fact in extraction.ages:
        try:
            ages.append(int(float(fact.value)))
        except ValueError:
            continue
    where: tuple[float, float] | None = None
    for fact in extraction.locations:
        lat, lon = fact.attrs.get("lat"), fact.attrs.get("lon")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            where = (float(lat), float(lon))
            break
    return ids, tuple(sorted(set(ages))) if ages else (), where


def _dedupe(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(pairs))


def record_from_post(
    post: Mapping[str, Any], *, post_id: str | None = None, extraction: Extraction | None = None
) -> LinkRecord:
    """Build a record from a post dict in the ingest JSON schema (a corpus file line, a generated post).

    When ``extraction`` is ``None`` the text is run through :func:`adwarden.extract.extract_all`. ``post_id``
    defaults to ``site:external_id`` so equal external ids on two sites stay two posts.
    """
    location = post.get("location")
    account = post.get("account")
    media = post.get("media")
    return _record(
        post_id, str(post.get("site") or "default"), str(post.get("external_id") or ""),
        "\n".join(str(p) for p in (post.get("title"), post.get("body")) if p),
        post.get("url"), location if isinstance(location, str) else None, post.get("posted_at"),
        post.get("category"), account if isinstance(account, Mapping) else None,
        media if isinstance(media, list) else None, extraction,
    )


def record_from_input(post: PostInput, *, post_id: str, extraction: Extraction | None = None,
                      keep_text: bool = True, names: tuple[str, ...] | None = None,
                      text: str | None = None, stated_ages: tuple[int, ...] | None = None) -> LinkRecord:
    """Build a record from a validated :class:`~adwarden.domain.PostInput` (the ingest path).

    The same record as :func:`record_from_post` of the post's dict, built from the attributes directly (a
    scan builds one per ad). With ``keep_text=False`` the record's ``text`` is empty: a scan keeps the text's
    signature instead, and names and ages are still read from the text. ``names``, when the caller already
    knows :func:`~adwarden.detect.network.names.find_names` of the text, is used instead of searching again,
    and so is ``stated_ages`` for :func:`~adwarden.detect.network.names.find_ages`; ``text``, when the caller
    already has ``post.text``, spares joining it again.
    """
    a = post.account
    return _record(
        post_id, str(post.site or "default"), str(post.external_id or ""), post.text if text is None else text,
        post.url, post.location, post.posted_at, post.category,
        None if a is None else {"id": a.id, "email": a.email, "phone": a.phone, "ip": a.ip, "device_id": a.device_id},
        [{"sha256": m.sha256, "pdq": m.pdq} for m in post.media] if post.media else None,
        extraction, keep_text, names, stated_ages,
    )


def _record(
    post_id: str | None, site: str, external_id: str, text: str, url: str | None, location: str | None,
    posted_at: Any, category: Any, account: Mapping[str, Any] | None, media: Iterable[Mapping[str, Any]] | None,
    extraction: Extraction | None, keep_text: bool = True, names: tuple[str, ...] | None = None,
    stated_ages: tuple[int, ...] | None = None,
) -> LinkRecord:
    """The record both builders make, from the post's fields once read (see :func:`record_from_input`).

    Positional, and skipping the steps with nothing to do (no account, no media, no identifier): a scan makes
    one per ad (about 5.4 -> 3.8 µs per synthetic ad besides the name and age searches)."""
    if extraction is None:
        from adwarden.extract import extract_all

        extraction = extract_all(text, url=url, location=location)
    ids, ages, where = _from_extraction(extraction)
    if account:
        ids.extend(_account_identifiers(site, account))
    pdqs: tuple[str, ...] = ()
    if media:
        media_ids, media_pdqs = _media(media)
        ids.extend(media_ids)
        pdqs = tuple(dict.fromkeys(media_pdqs))
    found_ages = find_ages(text) if stated_ages is None else stated_ages  # sorted and distinct, as ``ages`` is
    return LinkRecord(
        post_id or f"{site}:{external_id}",
        external_id,
        site,
        text if keep_text else "",
        _dedupe(ids),
        pdqs,
        _parse_time(posted_at),
        location if location else None,
        where[0] if where else None,
        where[1] if where else None,
        find_names(text) if names is None else names,
        tuple(sorted(set(ages) | set(found_ages))) if ages and found_ages else ages or found_ages,
        str(category) if category else None,
    )


def link_identifier(kind: str, value: str, platform: str | None = None) -> tuple[str, str] | None:
    """A stored identifier (:func:`adwarden.pipeline.identifiers_for`, the ``identifiers`` table) as a linker
    ``(kind, value)``; ``None`` for kinds the linker does not use (``md5``) and for ``pdq`` (an image hash)."""
    if kind in ("md5", "pdq"):
        return None
    if kind == "sha256":
        return ("image_sha256", value.lower())
    if kind == "handle" and platform:
        return ("handle", f"{platform}:{value}")
    return (kind, value)


def record_from_identifiers(
    post: PostInput, *, post_id: str, identifiers: Sequence[Identifier], pdqs: Sequence[str] | None = None
) -> LinkRecord:
    """The record of a stored post version from the identifiers screening stored for it, so that the ingest-time
    linker and a rebuild from storage see exactly the same identifiers in the same order."""
    text = post.text
    pairs = [p for i in identifiers if (p := link_identifier(i.kind, i.value, i.platform)) is not None]
    hashes = pdqs if pdqs is not None else [i.value.lower() for i in identifiers if i.kind == "pdq"]
    posted = post.posted_at
    if posted is not None and posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    return LinkRecord(
        post_id=post_id,
        external_id=post.external_id,
        site=post.site,
        text=text,
        identifiers=_dedupe(pairs),
        image_hashes=tuple(dict.fromkeys(h for h in hashes if _PDQ_RE.match(h))),
        posted_at=posted,
        location=post.location,
        names=find_names(text),
        ages=find_ages(text),
        category=post.category,
    )
