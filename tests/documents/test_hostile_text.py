"""An ad cannot block its own report: any character a field can hold ends in a valid document.

Property tests drive the CyberTip, IC3 and evidence-package builders with arbitrary Unicode (every
category, surrogates and noncharacters included) and check the result is valid, with replacements visible.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pypdf
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from adwarden.documents.filenames import safe_component, safe_file_name
from adwarden.documents.pdf import SummaryPdf, find_fonts
from adwarden.documents.xmltext import xml_safe
from adwarden.legal.package import PackageInput, build_package, member_name_problem, verify_package
from adwarden.legal.signing import fingerprint
from adwarden.reporting.ic3 import EvidenceFile, build_ic3_package, complaint_from_case
from adwarden.reporting.ncmec.build import build_file_details_xml, build_report_xml
from adwarden.reporting.ncmec.model import ReportedPerson, Victim
from adwarden.reporting.ncmec.validate import validate_file_details_xml, validate_report_xml
from tests.legal.factories import T0, make_post, make_request
from tests.reporting.ncmec_cases import ad_with_images, possible_minor_escalated

ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=40)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
PREPARED = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
NAMES = ("Анна Петрова", "山田花子", "Ελένη")


def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_xml_safe_replaces_visibly() -> None:
    assert xml_safe("ok\ttab\nline") == ("ok\ttab\nline", 0)
    assert xml_safe("a\uffffb\ufffe\x00\x1b\x85") == ("a[U+FFFF]b[U+FFFE][U+0000][U+001B][U+0085]", 5)
    assert xml_safe("\ud800") == ("[U+D800]", 1)


def test_noncharacter_in_ad_text_still_makes_a_valid_report() -> None:
    case = replace(possible_minor_escalated(), additional_info="Ad text: call now \uffff\ufffe",
                   escalation_reason="Reviewer: stated age 16\x07\x1b")
    xml = build_report_xml(case)
    assert validate_report_xml(xml) == []
    root = ET.fromstring(xml)
    info = root.findtext("additionalInfo") or ""
    assert "call now [U+FFFF][U+FFFE]" in info and "4 character(s)" in info
    assert root.findtext("incidentSummary/escalateToHighPriority") == "Reviewer: stated age 16[U+0007][U+001B]"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(info=ANY_TEXT, reason=ANY_TEXT, name=ANY_TEXT, screen=ANY_TEXT)
@example(info="\ud800\uffff", reason="\x00", name="\udfff", screen="\x1b")
def test_report_xml_is_valid_for_any_text(info: str, reason: str, name: str, screen: str) -> None:
    base = possible_minor_escalated()
    case = replace(
        base,
        additional_info=info,
        escalation_reason=reason,
        reported_people=(ReportedPerson(screen_name=screen, display_names=(name,)),),
        victims=(Victim(first_name=name, age=16),),
    )
    xml = build_report_xml(case)
    assert validate_report_xml(xml) == [], xml


@settings(max_examples=30, deadline=None)
@given(name=ANY_TEXT, info=ANY_TEXT)
@example(name="\ud800", info="\uffff\x00")
def test_file_details_xml_is_valid_for_any_text(name: str, info: str) -> None:
    media = replace(ad_with_images().media[0], original_file_name=name, additional_info=(info,))
    assert validate_file_details_xml(build_file_details_xml(media, report_id=1, file_id="f-1")) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(info=ANY_TEXT, file_name=ANY_TEXT)
@example(info="\ud800\uffff\x00", file_name="\udfff../x")
def test_ic3_package_builds_for_any_text(info: str, file_name: str) -> None:
    case = replace(possible_minor_escalated(), additional_info=info, escalation_reason=info)
    data = build_ic3_package(complaint_from_case(case, prepared_at=PREPARED), [EvidenceFile(file_name, b"x")])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        json.loads(z.read("complaint.json"))
        z.read("summary.html").decode("utf-8")
        assert z.read("summary.pdf").startswith(b"%PDF-")
        for member in z.namelist():
            assert member_name_problem(member) is None, member


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=ANY_TEXT, media_name=ANY_TEXT)
@example(body="\ud800\uffff\x00", media_name="\udfff")
def test_evidence_package_builds_and_verifies_for_any_text(tmp_path: Path, body: str, media_name: str) -> None:
    post = make_post()
    version = post.versions[0]
    hostile = replace(version, content=replace(version.content, body=body, title=body))
    post = replace(post, versions=(hostile,))
    out = tmp_path / "pkg.zip"
    build_package(
        out,
        PackageInput(request=make_request(), posts=[post], produced_by="liaison", recipient="Det. Morgan",
                     created_at=T0, media_files={media_name or "x": b"blob"}),
        signing_key=KEY,
    )
    assert verify_package(out, trusted_fingerprints=[fingerprint(KEY.public_key())]).ok


def test_ic3_pdf_keeps_non_latin_names() -> None:
    assert find_fonts().regular is not None, "scripts/ensure-fonts.sh installs the PDF fonts"
    case = replace(possible_minor_escalated(), victims=(Victim(first_name=NAMES[0], age=16),),
                   additional_info=f"Names in the ad: {NAMES[1]}, {NAMES[2]}")
    with zipfile.ZipFile(io.BytesIO(build_ic3_package(complaint_from_case(case, prepared_at=PREPARED)))) as z:
        text = _pdf_text(z.read("summary.pdf"))
    for name in NAMES:
        assert name in text
    assert "?" * 3 not in text


def test_evidence_pdf_keeps_non_latin_names(tmp_path: Path) -> None:
    post = make_post()
    version = post.versions[0]
    named = replace(version, content=replace(version.content, title=NAMES[0], body=f"{NAMES[1]} {NAMES[2]}"))
    out = tmp_path / "pkg.zip"
    build_package(
        out,
        PackageInput(request=make_request(), posts=[replace(post, versions=(named,))], produced_by="liaison",
                     recipient="Det. Morgan", created_at=T0),
        signing_key=KEY,
    )
    with zipfile.ZipFile(out) as z:
        text = _pdf_text(z.read("summary.pdf"))
    for name in NAMES:
        assert name in text


def test_pdf_marks_what_it_cannot_draw() -> None:
    pdf = SummaryPdf(title="t", created_at=PREPARED)
    pdf.line("bell\x07 nonchar\uffff")
    text = _pdf_text(pdf.output())
    assert "bell<U+0007> nonchar<U+FFFF>" in text and "2 character(s)" in text


def test_one_file_name_sanitizer() -> None:
    assert safe_file_name("C:\\Users\\me\\фото 1.jpg") == "фото_1.jpg"
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..") == "file"
    assert safe_file_name("name\u202egpj.exe") == "name_gpj.exe"
    assert safe_file_name("photo 1.jpg", taken={"photo_1.jpg"}) == "photo_1-2.jpg"
    assert safe_component("山田\x00花子") == "山田_花子"


@given(ANY_TEXT)
def test_file_names_are_always_safe(name: str) -> None:
    assert member_name_problem(safe_file_name(name)) is None
    assert member_name_problem(safe_component(name)) is None
