"""The post schema, shared by the HTTP API (documented in OpenAPI) and file ingest.

Only ``external_id`` and one of ``title``/``body`` are required. Unknown fields are ignored so that platforms
can send richer records; limits (field length, body size) are enforced here so every entry point applies the
same ones. Naive timestamps are read as UTC.

Every text field is checked for lone surrogates and C0 control characters (tab, newline and carriage return
excepted): PostgreSQL cannot store NUL in ``text``, and control characters in ids or contact details are a
sign of a broken export, not of something a reviewer should see.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from adwarden.domain import Account, InputError, MediaRef, PostInput

MAX_FIELD_CHARS = 2000
MAX_BODY_CHARS = 256 * 1024
MAX_MEDIA = 100

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_HEX_DIGITS = re.compile("[0-9a-f]*")


#: The media hash fields with their length in hexadecimal characters.
_PLAIN_HASHES = {"sha256": 64, "md5": 32, "pdq": 64}


def _hex_hash(v: str, want: int) -> str | None:
    """``v`` in lower case when that is ``want`` hexadecimal characters, else None (the rule of
    :meth:`MediaIn._hex`, shared by the plain validation path)."""
    v = v.lower()
    return v if len(v) == want and _HEX_DIGITS.fullmatch(v) is not None else None


def check_text(v: str | None) -> str | None:
    """Refuse text that cannot be stored or shown safely: lone surrogates (from undecodable bytes) and C0
    control characters other than tab, newline and carriage return. The caller's field name is added by
    pydantic (e.g. ``account.email``)."""
    if v is None:
        return None
    try:
        v.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"is not valid UTF-8 text (position {exc.start})") from None
    bad = _CONTROL.search(v)
    if bad is not None:
        raise ValueError(
            f"contains control character U+{ord(bad.group()):04X} at position {bad.start()}"
            " (only tab, newline and carriage return are allowed)"
        )
    return v


def _int_as_text(v: Any) -> Any:
    # Numeric ids are common in exports; accept them as their decimal text.
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return v


class AccountIn(BaseModel):
    """The posting account as the platform knows it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    id: str = Field(..., min_length=1, max_length=255, description="Platform's account id.")
    email: str | None = Field(None, max_length=320)
    phone: str | None = Field(None, max_length=64)
    ip: str | None = Field(None, max_length=64)
    device_id: str | None = Field(None, max_length=255)

    @field_validator("id", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return _int_as_text(v)

    @field_validator("id", "email", "phone", "ip", "device_id")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return check_text(v)


class MediaIn(BaseModel):
    """A media item: a URL and/or hashes. Pixels are not sent to AdWarden by default."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    url: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    sha256: str | None = Field(None, description="Hex SHA-256 of the file.")
    md5: str | None = Field(None, description="Hex MD5 of the file.")
    pdq: str | None = Field(None, description="PDQ perceptual hash, 64 hex characters.")
    pdq_quality: int | None = Field(None, ge=0, le=100)

    @field_validator("url")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return check_text(v)

    @field_validator("sha256", "md5", "pdq")
    @classmethod
    def _hex(cls, v: str | None, info: Any) -> str | None:
        if v is None:
            return None
        want = _PLAIN_HASHES[info.field_name]
        h = _hex_hash(v, want)
        if h is None:
            raise ValueError(f"must be {want} hexadecimal characters")
        return h


class PostIn(BaseModel):
    """A post submitted for screening."""

    model_config = ConfigDict(
        extra="ignore",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "external_id": "p-123",
                    "site": "example-classifieds",
                    "category": "personals",
                    "title": "New in town this week",
                    "body": "Call 206-555-0147",
                    "location": "Seattle, WA",
                    "posted_at": "2026-11-01T10:00:00Z",
                    "url": "https://example.com/p-123",
                    "account": {"id": "u-9", "email": "u9@example.com"},
                    "media": [{"url": "https://example.com/i/1.jpg", "sha256": "0" * 64}],
                }
            ]
        },
    )
    external_id: str = Field(..., min_length=1, max_length=500, description="The platform's id of the post.")
    site: str = Field("default", min_length=1, max_length=200, description="Which site or product it came from.")
    category: str | None = Field(None, max_length=200)
    title: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    body: str | None = Field(None, max_length=MAX_BODY_CHARS)
    location: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    posted_at: datetime | None = None
    url: str | None = Field(None, max_length=MAX_FIELD_CHARS)
    account: AccountIn | None = None
    media: list[MediaIn] = Field(default_factory=list, max_length=MAX_MEDIA)

    @field_validator("external_id", "site", mode="before")
    @classmethod
    def _id_as_text(cls, v: Any) -> Any:
        return _int_as_text(v)

    @field_validator("title", "body", "location", "category", "url", "external_id", "site")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return check_text(v)

    @field_validator("posted_at")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        if v is None:
            return None
        if v.tzinfo is None:
            return v.replace(tzinfo=UTC)
        try:
            return v.astimezone(UTC)
        except OverflowError:
            # e.g. 9999-12-31T23:00-05:00 is in year 10000 in UTC; pydantic does not wrap OverflowError.
            raise ValueError("is out of range once converted to UTC (years 1 to 9999)") from None

    @model_validator(mode="after")
    def _needs_text(self) -> PostIn:
        if not (self.title or self.body):
            raise ValueError("one of title or body is required")
        return self

    def to_domain(self) -> PostInput:
        account = None
        if self.account is not None:
            a = self.account
            account = Account(id=a.id, email=a.email, phone=a.phone, ip=a.ip, device_id=a.device_id)
        return PostInput(
            external_id=self.external_id,
            site=self.site,
            category=self.category,
            title=self.title,
            body=self.body,
            location=self.location,
            posted_at=self.posted_at,
            url=self.url,
            account=account,
            media=tuple(
                MediaRef(url=m.url, sha256=m.sha256, md5=m.md5, pdq=m.pdq, pdq_quality=m.pdq_quality)
                for m in self.media
            ),
        )


def _field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(record)"


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    """``(field path, message)`` for every problem pydantic found, e.g. ``("media[0].sha256", "...")``."""
    out = []
    for err in exc.errors(include_url=False):
        msg = err["msg"].removeprefix("Value error, ")
        out.append((_field_path(tuple(err["loc"])), msg))
    return out


#: The plain text fields of :class:`PostIn` with their length limits (min, max), for :func:`_plain_post`.
_PLAIN_FIELDS = {
    "external_id": (1, 500), "site": (1, 200), "category": (0, 200), "title": (0, MAX_FIELD_CHARS),
    "body": (0, MAX_BODY_CHARS), "location": (0, MAX_FIELD_CHARS), "url": (0, MAX_FIELD_CHARS),
}
#: The one timestamp form :func:`_plain_post` reads itself (what exports write); any other goes to pydantic.
_ISO_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?")


def _plain_post(data: dict[str, Any]) -> PostInput | None:
    """The post :class:`PostIn` would make of ``data``, for the common record that certainly passes, or
    ``None`` for anything else (which then goes through pydantic, so every refusal and its message are
    pydantic's own).

    Why: pydantic's validation with its field validators was about half of the per-record cost of reading a
    file (a file ingest worker reads a record with an account and two media in about 35 µs instead of 60 with
    pydantic, bench/bench_ingest_worker.py). "Certainly passes" means: ``external_id`` a string and every
    other text field given a string or ``None``; no whitespace to strip at either end (Python's
    ``str.isspace`` covers every character pydantic strips); lengths within the limits; text that :func:`check_text` accepts; ``posted_at`` absent, ``None`` or
    ``YYYY-MM-DDTHH:MM:SS`` with up to six fraction digits and ``Z`` or an offset, read by
    :meth:`datetime.fromisoformat` (the same instant as pydantic's parser); title or body non-empty;
    ``account`` absent, ``None`` or an object whose ``id`` is such a string and whose other fields are
    (:func:`_plain_account`); ``media`` absent or a list of at most :data:`MAX_MEDIA` objects whose ``url`` is
    such a string, whose hashes are hexadecimal strings of their length and whose ``pdq_quality`` is an integer
    0-100 (:func:`_plain_media`). ``tests/ingest/test_schema.py`` compares both paths on random records."""
    values: dict[str, Any] = {}
    for name, (lo, hi) in _PLAIN_FIELDS.items():
        v = data.get(name)
        if v is None:
            if name == "external_id" or (name == "site" and name in data):
                return None
            continue
        if type(v) is not str or not lo <= len(v) <= hi or (v and (v[0].isspace() or v[-1].isspace())):
            return None
        values[name] = v
    if not (values.get("title") or values.get("body")):
        return None
    try:
        check_text("\n".join(values.values()))
    except ValueError:
        return None
    posted = data.get("posted_at")
    if posted is not None:
        if type(posted) is not str or _ISO_UTC.fullmatch(posted) is None:
            return None
        try:
            when = datetime.fromisoformat(posted)
            values["posted_at"] = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
        except (ValueError, OverflowError):
            return None
    raw_account = data.get("account")
    if raw_account is not None:
        account = _plain_account(raw_account)
        if account is None:
            return None
        values["account"] = account
    if "media" in data:
        media = _plain_media(data["media"])
        if media is None:
            return None
        values["media"] = media
    return PostInput(**values)


#: The text fields of :class:`AccountIn` with their length limits (min, max), for :func:`_plain_account`.
_PLAIN_ACCOUNT_FIELDS = {"id": (1, 255), "email": (0, 320), "phone": (0, 64), "ip": (0, 64), "device_id": (0, 255)}


def _plain_text(v: Any, lo: int, hi: int) -> bool:
    """Whether ``v`` is a string pydantic keeps as it is (no whitespace to strip) within ``lo..hi`` characters."""
    return type(v) is str and lo <= len(v) <= hi and not (v and (v[0].isspace() or v[-1].isspace()))


def _plain_account(raw: Any) -> Account | None:
    """The :class:`Account` :class:`AccountIn` makes of ``raw`` when it certainly passes (see :func:`_plain_post`),
    else None."""
    if type(raw) is not dict:
        return None
    values: dict[str, str] = {}
    for name, (lo, hi) in _PLAIN_ACCOUNT_FIELDS.items():
        v = raw.get(name)
        if v is None:
            if name == "id":
                return None
            continue
        if not _plain_text(v, lo, hi):
            return None
        values[name] = v
    try:
        check_text("\n".join(values.values()))
    except ValueError:
        return None
    return Account(**values)


def _plain_media(raw: Any) -> tuple[MediaRef, ...] | None:
    """The media :class:`MediaIn` makes of ``raw`` (a list) when each item certainly passes, else None."""
    if type(raw) is not list or len(raw) > MAX_MEDIA:
        return None
    out: list[MediaRef] = []
    for item in raw:
        if type(item) is not dict:
            return None
        values: dict[str, Any] = {}
        url = item.get("url")
        if url is not None:
            if not _plain_text(url, 0, MAX_FIELD_CHARS):
                return None
            try:
                check_text(url)
            except ValueError:
                return None
            values["url"] = url
        for name, want in _PLAIN_HASHES.items():
            v = item.get(name)
            if v is None:
                continue
            h = _hex_hash(v, want) if _plain_text(v, want, want) else None
            if h is None:
                return None
            values[name] = h
        quality = item.get("pdq_quality")
        if quality is not None:
            if type(quality) is not int or not 0 <= quality <= 100:
                return None
            values["pdq_quality"] = quality
        out.append(MediaRef(**values))
    return tuple(out)


def validate_post(
    data: Any, *, record: str, max_body_chars: int = MAX_BODY_CHARS, max_field_chars: int = MAX_FIELD_CHARS
) -> PostInput:
    """Validate one raw record into a :class:`PostInput` or raise :class:`InputError` naming record and field."""
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, got {type(data).__name__}", record=record)
    post: PostIn | PostInput | None = _plain_post(data)
    if post is None:
        try:
            post = PostIn.model_validate(data)
        except ValidationError as exc:
            problems = validation_problems(exc)
            field, msg = problems[0]
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise InputError(msg + more, record=record, field=field) from None
    if post.body is not None and len(post.body) > max_body_chars:
        raise InputError(f"body is over the size limit of {max_body_chars} characters", record=record, field="body")
    for name in ("title", "location", "url", "category"):
        value = getattr(post, name)
        if value is not None and len(value) > max_field_chars:
            raise InputError(f"longer than {max_field_chars} characters", record=record, field=name)
    return post if isinstance(post, PostInput) else post.to_domain()
