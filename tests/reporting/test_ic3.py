from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import replace
from datetime import UTC, datetime

from adwarden.reporting.ic3 import (
    EvidenceFile,
    FinancialTransaction,
    build_ic3_package,
    complaint_from_case,
    render_summary_html,
    safe_file_name,
)

from .ncmec_cases import network_of_ads, possible_minor_escalated

PREPARED = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def test_complaint_prefilled_from_case() -> None:
    c = complaint_from_case(
        possible_minor_escalated(),
        prepared_at=PREPARED,
        cybertip_report_ids=(100001,),
        financial_transactions=(FinancialTransaction("Gift card", "200.00", payment_method="prepaid card"),),
    )
    assert c.complainant.emails == ("child-safety@example.com",)
    assert c.complainant.business_name == "Example Classifieds Inc."
    [victim] = c.victims
    assert victim.age == 16 and victim.role == "Victim (possible minor)"
    [subject] = c.subjects
    assert subject.phones == ("2065550147",)
    assert subject.emails == ("sunny.bookings@example.com",)
    assert subject.ip_addresses == ("198.51.100.23",)
    assert "account acct-7001" in subject.account_identifiers
    assert subject.address == "Seattle, WA, US"
    assert c.description.startswith("URGENT: Ad states")
    assert c.urls == ("https://classifieds.example.com/ads/3001",)
    assert c.incident_start == "2026-03-01T14:05:00Z"


def test_package_contents_and_safe_names() -> None:
    complaint = complaint_from_case(network_of_ads(), prepared_at=PREPARED, cybertip_report_ids=(100002,))
    evidence = [
        EvidenceFile("../../etc/passwd", b"ad text one", "ad 2001 text"),
        EvidenceFile("C:\\Windows\\ad 2002.txt", b"ad text two"),
        EvidenceFile("ad_2002.txt", b"clash"),
        EvidenceFile("\x00\n..", b"empty name"),
    ]
    data = build_ic3_package(complaint, evidence)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
        assert names[:3] == ["complaint.json", "summary.html", "summary.pdf"]
        assert names[3:] == ["evidence/passwd", "evidence/ad_2002.txt", "evidence/ad_2002-2.txt", "evidence/file"]
        for name in names:
            assert not name.startswith("/") and ".." not in name.split("/")
        doc = json.loads(z.read("complaint.json"))
        assert doc["form"] == "IC3 complaint"
        assert len(doc["subjects"]) == 3
        assert doc["related_cybertip_ids"] == [100002]
        assert doc["evidence"][0]["sha256"] == hashlib.sha256(b"ad text one").hexdigest()
        assert z.read("evidence/ad_2002-2.txt") == b"clash"
        html = z.read("summary.html").decode()
        assert "Information about the subject(s)" in html and "poster_2" in html
        assert "Reported to NCMEC CyberTipline, report 100002" in html
        assert z.read("summary.pdf").startswith(b"%PDF-")
    # Deterministic for the same inputs, so the hash can be audited.
    assert build_ic3_package(complaint, evidence) == data


def test_html_is_escaped_and_pdf_survives_non_latin_text() -> None:
    case = replace(possible_minor_escalated(), additional_info="<img src=x onerror=alert(1)> 新しい 🌸")
    complaint = complaint_from_case(case, prepared_at=PREPARED)
    html = render_summary_html(complaint)
    assert "<img src=x" not in html and "&lt;img src=x" in html
    with zipfile.ZipFile(io.BytesIO(build_ic3_package(complaint))) as z:
        assert z.read("summary.pdf").startswith(b"%PDF-")


def test_safe_file_name_rules() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..") == "file"
    assert safe_file_name(".hidden") == "_hidden"
    assert safe_file_name("photo 1.jpg", taken={"photo_1.jpg"}) == "photo_1-2.jpg"
    assert safe_file_name("Ünïcödé.txt") == "Ünïcödé.txt"  # letters of any script are kept as written
    long = safe_file_name("a" * 500 + ".txt")
    assert len(long) <= 120 and long.endswith(".txt")
