"""An HTTP client for NCMEC's CyberTipline reporting web service (ISPWS).

The protocol (NCMEC's ISPWS documentation; also implemented by Boostport/ncmec-go and ROOST Coop):

* ``GET  /status`` — check connectivity and credentials.
* ``POST /submit`` — the ``<report>`` XML (``text/xml``) → ``<reportResponse>`` with the new ``reportId``.
* ``POST /upload`` — multipart fields ``id`` (report id) and ``file`` → ``fileId`` and the MD5 ``hash``.
* ``POST /fileinfo`` — one ``<fileDetails>`` per uploaded file.
* ``POST /finish`` — form ``id``; → ``<reportDoneResponse>``. Until then the report is not a CyberTip.
* ``POST /retract`` — form ``id``; abandons an unfinished report.
* ``GET  /xsd`` — the current schema.

Every answer carries a ``responseCode`` (0 = success) and NCMEC may put an error code inside an HTTP 200,
so the client judges the body, not the status line. Transient failures (connection errors, timeouts, 5xx,
``1000 server error`` and the other server-side save failures) are retried with exponential back-off;
validation failures (4100) and refusals are never retried, because sending the same bytes again cannot
succeed. Any failure that is left raises :class:`~adwarden.domain.errors.ExternalServiceError` carrying
NCMEC's code and description.

Retrying a POST whose response was lost can repeat its effect: a repeated ``/finish`` answers 5102
("already finished") and a repeated ``/retract`` 5101, which the submission driver treats as done; a
repeated ``/submit`` may leave an unfinished orphan report on NCMEC's side that is never finished, so it
never becomes a CyberTip.

Example::

    with NCMECClient(base_url, "user", "secret") as client:
        report_id = client.submit(build_report_xml(case)).report_id
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

import httpx

from adwarden.domain.errors import ExternalServiceError
from adwarden.reporting.ncmec.validate import XMLSyntaxProblem, parse_with_lines

log = logging.getLogger(__name__)


class ResponseCode(IntEnum):
    """ISPWS response codes (non-exhaustive; unknown codes are kept as plain ints)."""

    SUCCESS = 0
    SERVER_ERROR = 1000
    SAVE_FAILED = 1100
    UPLOAD_FAILED = 1110
    FILE_UPLOAD_FAILED = 1111
    RESOURCE_NOT_FOUND = 1210
    UPDATE_FAILED = 1300
    AUTHENTICATION_REQUIRED = 2000
    NOT_AUTHORIZED = 3000
    NOT_AUTHORIZED_FOR_SUBMISSIONS = 3100
    NOT_AUTHORIZED_FOR_UPDATES = 3300
    INVALID_REQUEST = 4000
    VALIDATION_FAILED = 4100
    MALFORMED_XML = 4110
    MALFORMED_FILE = 4200
    REPORT_DOES_NOT_EXIST = 5001
    FILE_DOES_NOT_EXIST = 5002
    REPORT_ALREADY_RETRACTED = 5101
    REPORT_ALREADY_FINISHED = 5102


# Server-side failures that a later attempt may not hit. Everything else is an answer about the request
# itself and would come back the same.
TRANSIENT_CODES = frozenset(
    {
        ResponseCode.SERVER_ERROR,
        ResponseCode.SAVE_FAILED,
        ResponseCode.UPLOAD_FAILED,
        ResponseCode.FILE_UPLOAD_FAILED,
        ResponseCode.UPDATE_FAILED,
    }
)


@dataclass(frozen=True)
class ReportResponse:
    """A ``<reportResponse>``."""

    response_code: int
    description: str
    report_id: int | None = None
    file_id: str | None = None
    hash: str | None = None

    @property
    def ok(self) -> bool:
        return self.response_code == ResponseCode.SUCCESS


@dataclass(frozen=True)
class FinishResponse:
    """A ``<reportDoneResponse>``: the report is now a CyberTip."""

    response_code: int
    report_id: int
    file_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.response_code == ResponseCode.SUCCESS


@dataclass(frozen=True)
class Exchange:
    """One HTTP round trip, handed to ``on_exchange`` so the service can store every response."""

    endpoint: str
    attempt: int
    http_status: int | None
    body: bytes
    error: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off: ``base_delay * multiplier**n`` capped at ``max_delay``, ``attempts`` in all."""

    attempts: int = 4
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0

    def delay(self, retry_number: int) -> float:
        return float(min(self.max_delay, self.base_delay * self.multiplier**retry_number))


def _child_text(root: ET.Element, tag: str) -> str | None:
    elem = root.find(tag)
    if elem is None or elem.text is None:
        return None
    return elem.text.strip()


def parse_response(body: bytes) -> ReportResponse | FinishResponse:
    """Parse a ``<reportResponse>`` or ``<reportDoneResponse>``; ``ValueError`` if it is neither."""
    try:
        root = parse_with_lines(body).root
    except XMLSyntaxProblem as exc:
        raise ValueError(f"response is not XML: {exc}") from exc
    code_text = _child_text(root, "responseCode")
    if code_text is None or not code_text.lstrip("-").isdigit():
        raise ValueError(f"<{root.tag}> has no numeric responseCode")
    code = int(code_text)
    report_id_text = _child_text(root, "reportId")
    report_id = int(report_id_text) if report_id_text and report_id_text.isdigit() else None
    if root.tag == "reportDoneResponse":
        files = tuple((e.text or "").strip() for e in root.iterfind("files/fileId"))
        return FinishResponse(response_code=code, report_id=report_id or 0, file_ids=files)
    if root.tag != "reportResponse":
        raise ValueError(f"unexpected response element <{root.tag}>")
    return ReportResponse(
        response_code=code,
        description=_child_text(root, "responseDescription") or "",
        report_id=report_id,
        file_id=_child_text(root, "fileId"),
        hash=_child_text(root, "hash"),
    )


class _Retry(Exception):
    """Internal: this attempt failed in a way worth retrying."""

    def __init__(self, error: ExternalServiceError) -> None:
        self.error = error


class NCMECClient:
    """Synchronous ISPWS client. ``transport`` and ``sleep`` are injectable for tests."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        on_exchange: Callable[[Exchange], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.on_exchange = on_exchange
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=httpx.BasicAuth(username, password),
            timeout=timeout,
            transport=transport,
            headers={"User-Agent": "AdWarden-CyberTipline-client"},
        )

    def __enter__(self) -> NCMECClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- transport -------------------------------------------------------------------------------

    def _record(self, exchange: Exchange) -> None:
        if self.on_exchange is not None:
            self.on_exchange(exchange)

    def _once(self, endpoint: str, attempt: int, send: Callable[[], httpx.Response]) -> ReportResponse | FinishResponse:
        try:
            response = send()
        except httpx.TransportError as exc:
            kind = type(exc).__name__
            self._record(Exchange(endpoint, attempt, None, b"", error=f"{kind}: {exc}"))
            raise _Retry(ExternalServiceError(f"NCMEC {endpoint}: network failure ({kind}: {exc})")) from exc
        body = response.content
        self._record(Exchange(endpoint, attempt, response.status_code, body))
        try:
            parsed = parse_response(body)
        except ValueError as exc:
            error = ExternalServiceError(
                f"NCMEC {endpoint}: HTTP {response.status_code} with an unreadable body ({exc})",
                description=body[:500].decode("utf-8", "replace"),
            )
            if response.status_code >= 500:
                raise _Retry(error) from exc
            raise error from exc
        code = parsed.response_code
        if code == ResponseCode.SUCCESS and response.status_code < 400:
            return parsed
        description = parsed.description if isinstance(parsed, ReportResponse) else ""
        error = ExternalServiceError(
            f"NCMEC {endpoint}: response code {code} ({description or 'no description'}), HTTP {response.status_code}",
            code=code,
            description=description,
        )
        if code in TRANSIENT_CODES or (code == ResponseCode.SUCCESS and response.status_code >= 500):
            raise _Retry(error)
        if response.status_code >= 500 and code not in _FINAL_CODES:
            raise _Retry(error)
        raise error

    def _call(self, endpoint: str, send: Callable[[], httpx.Response]) -> ReportResponse | FinishResponse:
        last: ExternalServiceError | None = None
        for attempt in range(1, self.retry.attempts + 1):
            try:
                return self._once(endpoint, attempt, send)
            except _Retry as transient:
                last = transient.error
                if attempt < self.retry.attempts:
                    pause = self.retry.delay(attempt - 1)
                    log.warning("%s; retry %d in %.2fs", last, attempt, pause)
                    self._sleep(pause)
        assert last is not None
        raise ExternalServiceError(
            f"{last} (gave up after {self.retry.attempts} attempts)", code=last.code, description=last.description
        )

    def _report_response(self, endpoint: str, send: Callable[[], httpx.Response]) -> ReportResponse:
        parsed = self._call(endpoint, send)
        if not isinstance(parsed, ReportResponse):
            raise ExternalServiceError(f"NCMEC {endpoint}: expected <reportResponse>, got <reportDoneResponse>")
        return parsed

    # -- endpoints -------------------------------------------------------------------------------

    def status(self) -> ReportResponse:
        """Connectivity and credentials check."""
        return self._report_response("status", lambda: self._http.get("/status"))

    def submit(self, report_xml: bytes) -> ReportResponse:
        """Open a report; the answer carries NCMEC's ``report_id``."""
        response = self._report_response(
            "submit",
            lambda: self._http.post("/submit", content=report_xml, headers={"Content-Type": "text/xml; charset=utf-8"}),
        )
        if response.report_id is None:
            raise ExternalServiceError("NCMEC submit: success without a reportId", code=response.response_code)
        return response

    def upload(self, report_id: int, file_name: str, content: bytes) -> ReportResponse:
        """Upload one file to an open report; the answer carries its ``file_id`` and MD5 ``hash``."""
        response = self._report_response(
            "upload",
            lambda: self._http.post(
                "/upload",
                data={"id": str(report_id)},
                files={"file": (file_name, content, "application/octet-stream")},
            ),
        )
        if not response.file_id:
            raise ExternalServiceError("NCMEC upload: success without a fileId", code=response.response_code)
        return response

    def file_info(self, file_details_xml: bytes) -> ReportResponse:
        """Describe one uploaded file (``<fileDetails>``)."""
        return self._report_response(
            "fileinfo",
            lambda: self._http.post(
                "/fileinfo", content=file_details_xml, headers={"Content-Type": "text/xml; charset=utf-8"}
            ),
        )

    def finish(self, report_id: int) -> FinishResponse:
        """Complete the report: from here on it is a CyberTip and cannot be retracted."""
        parsed = self._call("finish", lambda: self._http.post("/finish", data={"id": str(report_id)}))
        if isinstance(parsed, FinishResponse):
            return parsed
        return FinishResponse(response_code=parsed.response_code, report_id=parsed.report_id or report_id)

    def retract(self, report_id: int) -> ReportResponse:
        """Abandon an unfinished report."""
        return self._report_response("retract", lambda: self._http.post("/retract", data={"id": str(report_id)}))

    def fetch_xsd(self) -> bytes:
        """The live schema from ``GET /xsd`` (retried like any other call)."""
        last: Exception | None = None
        for attempt in range(1, self.retry.attempts + 1):
            try:
                response = self._http.get("/xsd")
            except httpx.TransportError as exc:
                last = exc
            else:
                self._record(Exchange("xsd", attempt, response.status_code, b""))
                if response.status_code == 200 and b"<xs:schema" in response.content[:2000]:
                    return response.content
                if response.status_code < 500:
                    raise ExternalServiceError(f"NCMEC xsd: HTTP {response.status_code}, not a schema")
                last = ExternalServiceError(f"NCMEC xsd: HTTP {response.status_code}")
            if attempt < self.retry.attempts:
                self._sleep(self.retry.delay(attempt - 1))
        raise ExternalServiceError(f"NCMEC xsd: gave up after {self.retry.attempts} attempts ({last})")


# Codes that say something definite about the request even when they arrive with a 5xx status.
_FINAL_CODES = frozenset(
    {
        ResponseCode.AUTHENTICATION_REQUIRED,
        ResponseCode.NOT_AUTHORIZED,
        ResponseCode.NOT_AUTHORIZED_FOR_SUBMISSIONS,
        ResponseCode.NOT_AUTHORIZED_FOR_UPDATES,
        ResponseCode.INVALID_REQUEST,
        ResponseCode.VALIDATION_FAILED,
        ResponseCode.MALFORMED_XML,
        ResponseCode.MALFORMED_FILE,
        ResponseCode.REPORT_DOES_NOT_EXIST,
        ResponseCode.FILE_DOES_NOT_EXIST,
        ResponseCode.REPORT_ALREADY_RETRACTED,
        ResponseCode.REPORT_ALREADY_FINISHED,
    }
)
