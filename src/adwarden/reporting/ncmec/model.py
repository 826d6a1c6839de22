"""The input of a CyberTipline report, as frozen values.

A :class:`ReportCase` holds everything AdWarden knows about one case in the shape NCMEC's ISPWS
schema (``cyber_tipline.xsd``) expects, but without any XML: :func:`adwarden.reporting.ncmec.build.build_report_xml`
turns it into the ``<report>`` document and :func:`~adwarden.reporting.ncmec.lint.missing_requirements`
says what is missing before any network call. Keeping the values free of XML means the service layer can
build a case from storage, a reviewer can edit it, and golden-file tests pin the exact output.

Every datetime must be timezone-aware (NCMEC receives them as UTC ``xs:dateTime``); naive datetimes are
reported by ``missing_requirements`` rather than silently assumed to be UTC.

Example::

    case = ReportCase(
        case_id="case-42",
        incident_datetime=datetime(2026, 3, 1, 14, 5, tzinfo=UTC),
        web_page_urls=("https://ads.example.com/post/1001",),
        reporter=Reporter(first_name="Dana", last_name="Reyes", email="safety@example.com"),
    )
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum


class IncidentType(StrEnum):
    """The eight CyberTipline incident types, spelled exactly as the XSD enumerates them."""

    CHILD_PORNOGRAPHY = "Child Pornography (possession, manufacture, and distribution)"
    CHILD_SEX_TRAFFICKING = "Child Sex Trafficking"
    CHILD_SEX_TOURISM = "Child Sex Tourism"
    CHILD_SEXUAL_MOLESTATION = "Child Sexual Molestation"
    MISLEADING_DOMAIN_NAME = "Misleading Domain Name"
    MISLEADING_WORDS_OR_IMAGES = "Misleading Words or Digital Images on the Internet"
    ONLINE_ENTICEMENT = "Online Enticement of Children for Sexual Acts"
    UNSOLICITED_OBSCENE_MATERIAL = "Unsolicited Obscene Material Sent to a Child"


class IpEventName(StrEnum):
    """What the user was doing when an IP address was captured (XSD ``ipCaptureType``)."""

    LOGIN = "Login"
    REGISTRATION = "Registration"
    PURCHASE = "Purchase"
    UPLOAD = "Upload"
    OTHER = "Other"
    UNKNOWN = "Unknown"


class PhoneType(StrEnum):
    MOBILE = "Mobile"
    HOME = "Home"
    BUSINESS = "Business"
    WORK = "Work"
    FAX = "Fax"
    INTERNET = "Internet"
    RECOVERY = "Recovery"


class EmailType(StrEnum):
    HOME = "Home"
    WORK = "Work"
    BUSINESS = "Business"
    RECOVERY = "Recovery"


class AddressType(StrEnum):
    HOME = "Home"
    BUSINESS = "Business"
    BILLING = "Billing"
    SHIPPING = "Shipping"
    TECHNICAL = "Technical"


class FileRelevance(StrEnum):
    REPORTED = "Reported"
    SUPPLEMENTAL = "Supplemental Reported"


class IndustryClassification(StrEnum):
    """Only for signatories of the industry hash-sharing MOU (A = prepubescent, B = pubescent;
    1 = sex act, 2 = lascivious exhibition)."""

    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"


class FileAnnotation(StrEnum):
    """Per-file annotations (XSD ``fileAnnotations``), in schema order."""

    ANIME_DRAWING_VIRTUAL_HENTAI = "animeDrawingVirtualHentai"
    POTENTIAL_MEME = "potentialMeme"
    VIRAL = "viral"
    POSSIBLE_SELF_PRODUCTION = "possibleSelfProduction"
    PHYSICAL_HARM = "physicalHarm"
    VIOLENCE_GORE = "violenceGore"
    BESTIALITY = "bestiality"
    LIVE_STREAMING = "liveStreaming"
    INFANT = "infant"
    GENERATIVE_AI = "generativeAi"


@dataclass(frozen=True)
class Phone:
    """A phone number. ``number`` is the national or E.164 form; ``country_calling_code`` is like ``+1``."""

    number: str
    type: PhoneType | None = None
    country_calling_code: str | None = None
    extension: str | None = None
    verified: bool | None = None


@dataclass(frozen=True)
class Email:
    address: str
    type: EmailType | None = None
    verified: bool | None = None


@dataclass(frozen=True)
class Address:
    """A postal address. ``state`` is a US two-letter code; ``country`` an ISO 3166 alpha-2 code."""

    street: str | None = None
    city: str | None = None
    zip_code: str | None = None
    state: str | None = None
    non_usa_state: str | None = None
    country: str | None = None
    type: AddressType | None = None


@dataclass(frozen=True)
class Person:
    """The XSD ``person``: used for the reporting person, the reported person and victims."""

    first_name: str | None = None
    last_name: str | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    addresses: tuple[Address, ...] = ()
    age: int | None = None
    date_of_birth: date | None = None

    def is_empty(self) -> bool:
        return not (
            self.first_name
            or self.last_name
            or self.phones
            or self.emails
            or self.addresses
            or self.age is not None
            or self.date_of_birth is not None
        )


class HasPerson:
    """A record that carries some of :class:`Person`'s fields under the same names (a contact, a reported
    account, a victim). :meth:`person` is the XSD ``person`` part of it: every ``Person`` field the record has,
    copied by name, so a field added to both is carried over without anyone remembering to."""

    def person(self) -> Person:
        return Person(**{f.name: getattr(self, f.name) for f in fields(Person) if hasattr(self, f.name)})


@dataclass(frozen=True)
class IpCaptureEvent:
    """An IP address seen for the user, with the event and time when known."""

    ip_address: str
    event_name: IpEventName | None = None
    date_time: datetime | None = None
    possible_proxy: bool | None = None
    port: int | None = None


@dataclass(frozen=True)
class DeviceId:
    id_type: str
    id_value: str
    event_name: IpEventName | None = None
    date_time: datetime | None = None


@dataclass(frozen=True)
class EstimatedLocation:
    city: str | None = None
    region: str | None = None
    country_code: str | None = None
    verified: bool | None = None
    timestamp: datetime | None = None


@dataclass(frozen=True)
class AccountDisabled:
    """When and whether an account was disabled. ``reenabled_date`` only applies to temporary disabling."""

    disabled_date: datetime | None = None
    user_notified: bool | None = None
    user_notified_date: datetime | None = None
    reenabled_date: datetime | None = None


@dataclass(frozen=True)
class ContactPerson(HasPerson):
    """A person NCMEC or law enforcement may contact (XSD ``contactPerson``)."""

    first_name: str | None = None
    last_name: str | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()


@dataclass(frozen=True)
class Reporter:
    """The platform filing the report; normally filled from settings (``ADWARDEN_REPORTER_*``).

    The XSD has no company-name field, so ``company_name`` opens ``companyTemplate``.
    ``company_template`` is boilerplate included in every report (company name, how legal process is
    served, retention, a 24-hour emergency number).
    """

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    company_name: str | None = None
    company_template: str | None = None
    terms_of_service: str | None = None
    legal_url: str | None = None
    contact: ContactPerson | None = None


@dataclass(frozen=True)
class ReportedPerson(HasPerson):
    """One account (or person) being reported. A network of accounts is several of these sharing a
    ``group_identifier``."""

    esp_identifier: str | None = None
    esp_service: str | None = None
    screen_name: str | None = None
    display_names: tuple[str, ...] = ()
    profile_urls: tuple[str, ...] = ()
    profile_bio: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[Email, ...] = ()
    phones: tuple[Phone, ...] = ()
    addresses: tuple[Address, ...] = ()
    ip_capture_events: tuple[IpCaptureEvent, ...] = ()
    device_ids: tuple[DeviceId, ...] = ()
    prior_ct_reports: tuple[int, ...] = ()
    group_identifier: str | None = None
    account_temporarily_disabled: AccountDisabled | None = None
    account_permanently_disabled: AccountDisabled | None = None
    estimated_location: EstimatedLocation | None = None
    additional_info: str | None = None


@dataclass(frozen=True)
class Victim(HasPerson):
    """A (possible) victim. ``age`` is the best estimate (e.g. a stated age); say how it was estimated in
    ``additional_info``."""

    first_name: str | None = None
    last_name: str | None = None
    age: int | None = None
    date_of_birth: date | None = None
    phones: tuple[Phone, ...] = ()
    emails: tuple[Email, ...] = ()
    esp_identifier: str | None = None
    screen_name: str | None = None
    display_names: tuple[str, ...] = ()
    profile_urls: tuple[str, ...] = ()
    school_name: str | None = None
    estimated_location: EstimatedLocation | None = None
    additional_info: str | None = None


@dataclass(frozen=True)
class ReportAnnotations:
    """Presence flags: the XSD fixes each to ``true``, so a flag is either sent as ``true`` or left out."""

    sextortion: bool = False
    csam_solicitation: bool = False
    minor_to_minor_interaction: bool = False
    spam: bool = False
    sadistic_online_exploitation: bool = False

    def is_empty(self) -> bool:
        return not (
            self.sextortion
            or self.csam_solicitation
            or self.minor_to_minor_interaction
            or self.spam
            or self.sadistic_online_exploitation
        )


@dataclass(frozen=True)
class FileHash:
    hash_type: str
    value: str


@dataclass(frozen=True)
class MediaFile:
    """One file to upload with the report, and what goes in its ``<fileDetails>``.

    ``source`` says where the bytes are (a path or a blob key); the builder never reads it, the
    submission driver does, through a ``read_media`` callable.
    """

    key: str
    file_name: str
    source: str
    original_file_name: str | None = None
    uploaded_to_esp_timestamp: datetime | None = None
    location_of_file: str | None = None
    file_viewed_by_esp: bool | None = None
    exif_viewed_by_esp: bool | None = None
    publicly_available: bool | None = None
    file_relevance: FileRelevance | None = None
    annotations: frozenset[FileAnnotation] = frozenset()
    industry_classification: IndustryClassification | None = None
    original_file_hashes: tuple[FileHash, ...] = ()
    ip_capture_event: IpCaptureEvent | None = None
    additional_info: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawEnforcement:
    """Set when the case started from a law-enforcement request or was already reported to police."""

    agency_name: str
    case_number: str | None = None
    reported_to_le: bool | None = None


@dataclass(frozen=True)
class ReportCase:
    """Everything one CyberTipline report says. ``escalate`` needs ``escalation_reason`` (NCMEC escalates
    a report when ``escalateToHighPriority`` holds text, so the reason *is* the flag on the wire).

    ``victim_hints`` are facts in the case that point at a victim (a stated age under 18, a first name in
    the ad); the linter warns when they exist but no :class:`Victim` was given.
    """

    case_id: str
    incident_datetime: datetime
    reporter: Reporter
    incident_type: IncidentType = IncidentType.CHILD_SEX_TRAFFICKING
    incident_datetime_description: str | None = None
    platform: str | None = None
    escalate: bool = False
    escalation_reason: str | None = None
    annotations: ReportAnnotations = field(default_factory=ReportAnnotations)
    web_page_urls: tuple[str, ...] = ()
    third_party_hosted_content: bool | None = None
    web_page_additional_info: str | None = None
    law_enforcement: LawEnforcement | None = None
    reported_people: tuple[ReportedPerson, ...] = ()
    victims: tuple[Victim, ...] = ()
    additional_info: str | None = None
    media: tuple[MediaFile, ...] = ()
    victim_hints: tuple[str, ...] = ()
