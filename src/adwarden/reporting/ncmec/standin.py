"""A local stand-in for NCMEC's ISPWS, so the client is tested over real HTTP without touching NCMEC.

It implements the same endpoints (``/status``, ``/xsd``, ``/submit``, ``/upload``, ``/fileinfo``,
``/finish``, ``/retract``) with HTTP Basic auth, validates every ``<report>`` and ``<fileDetails>``
against the XSD (answering ``4100`` with the problems, as NCMEC does), keeps what it receives in memory
(and, optionally, in a directory), enforces the report life cycle (``5001`` unknown report, ``5101``
already retracted, ``5102`` already finished) and can be told to fail the next N calls:

==================  ============================================================================
``timeout``         wait ``delay`` seconds, then answer ``1000`` without doing anything
``lost_response``   do the work, then wait ``delay`` seconds before answering (a lost reply)
``slow``            wait ``delay`` seconds, then answer normally
``code1000``        answer HTTP 200 with response code 1000 (server error)
``code4100``        answer HTTP 200 with response code 4100 (validation failed)
``http500``         answer HTTP 500 with a non-XML body
==================  ============================================================================

Faults are set from Python (``StandinState.fail_next``) or over HTTP (``POST /_standin/fail`` with JSON
``{"mode": "code1000", "count": 2, "endpoint": "finish", "delay": 1.0}``), which is what
``adwarden dev ncmec-server`` exposes. It is a development tool: it binds to loopback by default.

Example::

    with StandinServer(username="u", password="p") as server:
        client = NCMECClient(server.url, "u", "p")
        server.state.fail_next("code1000", endpoint="submit")
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import json
import re
import secrets
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adwarden.reporting.ncmec.validate import (
    BUNDLED_XSD,
    XMLSyntaxProblem,
    parse_with_lines,
    validate_file_details_xml,
    validate_report_xml,
)

FAULT_MODES = frozenset({"timeout", "lost_response", "slow", "code1000", "code4100", "http500"})
ENDPOINTS = frozenset({"status", "xsd", "submit", "upload", "fileinfo", "finish", "retract"})


@dataclass
class Fault:
    mode: str
    remaining: int
    endpoint: str | None = None
    delay: float = 1.0


@dataclass
class StoredFile:
    file_id: str
    file_name: str
    content: bytes
    md5: str


@dataclass
class StandinReport:
    report_id: int
    xml: bytes
    status: str = "open"  # open | finished | retracted
    files: dict[str, StoredFile] = field(default_factory=dict)
    file_details: dict[str, bytes] = field(default_factory=dict)
    finish_calls: int = 0


class StandinState:
    """What the stand-in has received, and the faults it still has to inject. Thread-safe."""

    def __init__(self, store_dir: Path | None = None, first_report_id: int = 100001) -> None:
        self._lock = threading.Lock()
        self.reports: dict[int, StandinReport] = {}
        self.faults: list[Fault] = []
        self.calls: list[str] = []
        self.store_dir = store_dir
        self._next_id = first_report_id

    def fail_next(self, mode: str, count: int = 1, *, endpoint: str | None = None, delay: float = 1.0) -> None:
        """Make the next ``count`` calls (to ``endpoint``, or to any endpoint) fail in ``mode``."""
        if mode not in FAULT_MODES:
            raise ValueError(f"unknown fault mode {mode!r}; choose one of {sorted(FAULT_MODES)}")
        if endpoint is not None and endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}; choose one of {sorted(ENDPOINTS)}")
        with self._lock:
            self.faults.append(Fault(mode, count, endpoint, delay))

    def take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            self.calls.append(endpoint)
            for fault in self.faults:
                if fault.remaining > 0 and fault.endpoint in (None, endpoint):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def new_report(self, xml: bytes) -> StandinReport:
        with self._lock:
            report = StandinReport(self._next_id, xml)
            self._next_id += 1
            self.reports[report.report_id] = report
        self._save(report.report_id, "report.xml", xml)
        return report

    def _save(self, report_id: int, name: str, content: bytes) -> None:
        if self.store_dir is None:
            return
        folder = self.store_dir / str(report_id)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)

    def summary(self) -> list[dict[str, object]]:
        with self._lock:
            return [
                {
                    "report_id": r.report_id,
                    "status": r.status,
                    "files": [{"file_id": f.file_id, "file_name": f.file_name, "md5": f.md5} for f in r.files.values()],
                    "file_details": sorted(r.file_details),
                    "finish_calls": r.finish_calls,
                }
                for r in self.reports.values()
            ]


def _response(code: int, description: str, *, status: int = 200, **extra: str | int | None) -> Response:
    root = ET.Element("reportResponse")
    ET.SubElement(root, "responseCode").text = str(code)
    ET.SubElement(root, "responseDescription").text = description
    for tag in ("reportId", "fileId", "hash"):
        value = extra.get(tag)
        if value is not None:
            ET.SubElement(root, tag).text = str(value)
    body = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    return Response(body, status_code=status, media_type="text/xml")


def _done_response(report: StandinReport) -> Response:
    root = ET.Element("reportDoneResponse")
    ET.SubElement(root, "responseCode").text = "0"
    ET.SubElement(root, "reportId").text = str(report.report_id)
    files = ET.SubElement(root, "files")
    for file_id in report.files:
        ET.SubElement(files, "fileId").text = file_id
    return Response(ET.tostring(root, encoding="UTF-8", xml_declaration=True), media_type="text/xml")


_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def create_standin_app(
    *, username: str, password: str, state: StandinState | None = None, xsd: Path = BUNDLED_XSD
) -> Starlette:
    """The stand-in as an ASGI app; ``app.state.standin`` is its :class:`StandinState`."""
    standin = state or StandinState()
    expected = f"{username}:{password}".encode()

    def authorized(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            given = base64.b64decode(header[6:].strip(), validate=True)
        except (binascii.Error, ValueError):
            return False
        return secrets.compare_digest(given, expected)

    def report_or_error(report_id_text: str | None, *, for_update: bool) -> StandinReport | Response:
        if report_id_text is None or not report_id_text.strip().isdigit():
            return _response(4000, "Invalid request: missing or non-numeric report id")
        report = standin.reports.get(int(report_id_text))
        if report is None:
            return _response(5001, "Report does not exist")
        if for_update and report.status == "finished":
            return _response(5102, "Report already finished", reportId=report.report_id)
        if for_update and report.status == "retracted":
            return _response(5101, "Report already retracted", reportId=report.report_id)
        return report

    async def handle(endpoint: str, request: Request) -> Response:
        if not authorized(request):
            response = _response(2000, "Authentication required", status=401)
            response.headers["WWW-Authenticate"] = 'Basic realm="ispws"'
            return response
        fault = standin.take_fault(endpoint)
        if fault is not None:
            if fault.mode == "timeout":
                await asyncio.sleep(fault.delay)
                return _response(1000, "Server error (injected timeout)")
            if fault.mode == "slow":
                await asyncio.sleep(fault.delay)
            elif fault.mode == "code1000":
                return _response(1000, "Server error (injected)")
            elif fault.mode == "code4100":
                return _response(4100, "Validation failed (injected)")
            elif fault.mode == "http500":
                return Response("Internal Server Error", status_code=500, media_type="text/plain")
        response = await _dispatch(endpoint, request)
        if fault is not None and fault.mode == "lost_response":
            await asyncio.sleep(fault.delay)
        return response

    async def _dispatch(endpoint: str, request: Request) -> Response:
        if endpoint == "status":
            return _response(0, f"Remote User : {username}")
        if endpoint == "xsd":
            return Response(xsd.read_bytes(), media_type="text/xml")
        if endpoint == "submit":
            body = await request.body()
            problems = validate_report_xml(body, xsd=xsd)
            if problems:
                return _response(4100, "Validation failed: " + " | ".join(map(str, problems)))
            report = standin.new_report(body)
            return _response(0, "Success", reportId=report.report_id)
        if endpoint == "upload":
            async with request.form() as form:
                id_value = form.get("id")
                found = report_or_error(id_value if isinstance(id_value, str) else None, for_update=True)
                if isinstance(found, Response):
                    return found
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    return _response(4000, "Invalid request: multipart field 'file' is missing")
                content = await upload.read()
                name = upload.filename or "file"
            file_id = uuid.uuid4().hex
            md5 = hashlib.md5(content).hexdigest()
            found.files[file_id] = StoredFile(file_id, name, content, md5)
            standin._save(found.report_id, f"file-{file_id}-{_SAFE_NAME.sub('_', name)[:80]}", content)
            return _response(0, "Success", reportId=found.report_id, fileId=file_id, hash=md5)
        if endpoint == "fileinfo":
            body = await request.body()
            problems = validate_file_details_xml(body, xsd=xsd)
            if problems:
                return _response(4100, "Validation failed: " + " | ".join(map(str, problems)))
            try:
                root = parse_with_lines(body).root
            except XMLSyntaxProblem as exc:  # pragma: no cover - validation catches this first
                return _response(4110, f"Malformed XML: {exc}")
            found = report_or_error(root.findtext("reportId"), for_update=True)
            if isinstance(found, Response):
                return found
            file_id = (root.findtext("fileId") or "").strip()
            if file_id not in found.files:
                return _response(5002, "File does not exist", reportId=found.report_id)
            found.file_details[file_id] = body
            standin._save(found.report_id, f"fileinfo-{file_id}.xml", body)
            return _response(0, "Success", reportId=found.report_id)
        async with request.form() as form:
            id_value = form.get("id")
        found = report_or_error(id_value if isinstance(id_value, str) else None, for_update=True)
        if isinstance(found, Response):
            return found
        if endpoint == "finish":
            found.finish_calls += 1
            found.status = "finished"
            return _done_response(found)
        found.status = "retracted"
        return _response(0, "Success", reportId=found.report_id)

    def route(endpoint: str, method: str) -> Route:
        async def endpoint_fn(request: Request) -> Response:
            return await handle(endpoint, request)

        return Route(f"/{endpoint}", endpoint_fn, methods=[method])

    async def control_fail(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "authentication required"}, status_code=401)
        try:
            data = json.loads(await request.body())
            standin.fail_next(
                str(data["mode"]),
                int(data.get("count", 1)),
                endpoint=data.get("endpoint"),
                delay=float(data.get("delay", 1.0)),
            )
        except (ValueError, KeyError, TypeError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"ok": True})

    async def control_reports(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"error": "authentication required"}, status_code=401)
        return JSONResponse(standin.summary())

    routes = [route("status", "GET"), route("xsd", "GET")]
    routes += [route(name, "POST") for name in ("submit", "upload", "fileinfo", "finish", "retract")]
    routes += [
        Route("/_standin/fail", control_fail, methods=["POST"]),
        Route("/_standin/reports", control_reports, methods=["GET"]),
    ]
    app = Starlette(routes=routes)
    app.state.standin = standin
    return app


class StandinServer:
    """Run the stand-in with uvicorn in a background thread on a loopback port (0 = ephemeral)."""

    def __init__(
        self,
        *,
        username: str = "esp-user",
        password: str = "esp-password",
        host: str = "127.0.0.1",
        port: int = 0,
        store_dir: Path | None = None,
    ) -> None:
        self.state = StandinState(store_dir=store_dir)
        self.app = create_standin_app(username=username, password=password, state=self.state)
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws="none",
            http="h11",
            timeout_graceful_shutdown=1,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> StandinServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the NCMEC stand-in did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> StandinServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
