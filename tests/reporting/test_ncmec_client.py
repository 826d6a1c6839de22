"""The ISPWS client and the submission driver against the stand-in NCMEC server, over real HTTP."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from adwarden.domain.errors import ConfigError, Conflict, ExternalServiceError
from adwarden.reporting.ncmec.build import build_report_xml
from adwarden.reporting.ncmec.client import Exchange, NCMECClient, RetryPolicy, parse_response
from adwarden.reporting.ncmec.environment import NCMECEnvironment, resolve_base_url
from adwarden.reporting.ncmec.flow import Step, SubmissionState
from adwarden.reporting.ncmec.model import MediaFile, ReportCase
from adwarden.reporting.ncmec.standin import StandinServer
from adwarden.reporting.ncmec.submission import recover_submission, retract_submission, run_submission
from adwarden.reporting.ncmec.validate import validate_file_details_xml

from .ncmec_cases import ad_with_images, text_only_trafficking

USER, PASSWORD = "esp-test", "s3cret-test"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StandinServer]:
    with StandinServer(username=USER, password=PASSWORD, store_dir=tmp_path / "standin") as srv:
        yield srv


class Recorder:
    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.exchanges: list[Exchange] = []
        self.states: list[SubmissionState] = []


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def ispws(server: StandinServer, rec: Recorder) -> Iterator[NCMECClient]:
    with NCMECClient(
        server.url,
        USER,
        PASSWORD,
        timeout=0.5,
        retry=RetryPolicy(attempts=3, base_delay=0.01, multiplier=2.0),
        on_exchange=rec.exchanges.append,
        sleep=rec.sleeps.append,
    ) as c:
        yield c


def _noise_png(seed: int) -> bytes:
    """An abstract noise image (never real photos)."""
    pixels = np.random.default_rng(seed).integers(0, 255, size=(24, 24, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def image_case(tmp_path: Path) -> ReportCase:
    case = ad_with_images(tmp_path)
    for i, media in enumerate(case.media):
        Path(media.source).write_bytes(_noise_png(i))
    return case


def _submit(ispws: NCMECClient, case: ReportCase, rec: Recorder, state: SubmissionState | None = None) -> SubmissionState:
    return run_submission(
        ispws, report_xml=build_report_xml(case), media=case.media, state=state or SubmissionState(), persist=rec.states.append
    )


def test_status_and_xsd(ispws: NCMECClient) -> None:
    assert ispws.status().ok
    assert b"<xs:schema" in ispws.fetch_xsd()


def test_bad_credentials_are_not_retried(server: StandinServer, rec: Recorder) -> None:
    with NCMECClient(server.url, USER, "wrong", sleep=rec.sleeps.append) as bad:
        with pytest.raises(ExternalServiceError) as err:
            bad.status()
    assert err.value.code == 2000
    assert server.state.calls == [] and rec.sleeps == []


def test_full_flow_submit_upload_fileinfo_finish(
    server: StandinServer, ispws: NCMECClient, rec: Recorder, image_case: ReportCase, tmp_path: Path
) -> None:
    state = _submit(ispws, image_case, rec)
    assert state.step is Step.FINISHED
    assert server.state.calls == ["submit", "upload", "upload", "fileinfo", "fileinfo", "finish"]
    [report] = server.state.reports.values()
    assert report.report_id == state.report_id and report.status == "finished"
    assert report.xml == build_report_xml(image_case)
    md5s = {f.md5 for f in report.files.values()}
    assert md5s == {hashlib.md5(Path(m.source).read_bytes()).hexdigest() for m in image_case.media}
    assert set(report.file_details) == set(report.files) == set(state.finished_file_ids)
    for details in report.file_details.values():
        assert validate_file_details_xml(details) == []
    # Persisted before and after every call; the last persisted state is the final one.
    assert rec.states[-1] == state
    assert [s.in_flight for s in rec.states[:2]] == ["submit", None]
    # Every response was handed over for storage.
    assert [e.endpoint for e in rec.exchanges] == server.state.calls
    assert all(e.http_status == 200 for e in rec.exchanges)
    # The optional store directory holds what was received.
    assert (tmp_path / "standin" / str(report.report_id) / "report.xml").read_bytes() == report.xml


def test_text_only_case_is_filed(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    state = _submit(ispws, text_only_trafficking(), rec)
    assert state.step is Step.FINISHED
    assert server.state.calls == ["submit", "finish"]


def test_code_1000_is_retried_with_backoff(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    server.state.fail_next("code1000", 2, endpoint="submit")
    state = _submit(ispws, text_only_trafficking(), rec)
    assert state.step is Step.FINISHED
    assert server.state.calls == ["submit", "submit", "submit", "finish"]
    assert rec.sleeps == [0.01, 0.02]
    assert len(server.state.reports) == 1


def test_http_500_is_retried(server: StandinServer, ispws: NCMECClient, rec: Recorder, image_case: ReportCase) -> None:
    server.state.fail_next("http500", 1, endpoint="upload")
    assert _submit(ispws, image_case, rec).step is Step.FINISHED
    assert server.state.calls.count("upload") == 3
    assert rec.exchanges[1].http_status == 500


def test_timeout_is_retried(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    server.state.fail_next("timeout", 1, endpoint="finish", delay=1.0)
    state = _submit(ispws, text_only_trafficking(), rec)
    assert state.step is Step.FINISHED
    assert any(e.error and "Timeout" in e.error for e in rec.exchanges)
    assert [r.finish_calls for r in server.state.reports.values()] == [1]


def test_slow_response_within_timeout_is_fine(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    server.state.fail_next("slow", 1, endpoint="submit", delay=0.1)
    assert _submit(ispws, text_only_trafficking(), rec).step is Step.FINISHED
    assert rec.sleeps == []


def test_validation_failure_is_not_retried(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    bad = build_report_xml(text_only_trafficking()).replace(b"Child Sex Trafficking", b"Trafficking")
    with pytest.raises(ExternalServiceError) as err:
        ispws.submit(bad)
    assert err.value.code == 4100
    assert "incidentType" in (err.value.description or "")
    assert server.state.calls == ["submit"] and rec.sleeps == []
    assert server.state.reports == {}


def test_injected_4100_keeps_state_resumable(
    server: StandinServer, ispws: NCMECClient, rec: Recorder, image_case: ReportCase
) -> None:
    server.state.fail_next("code4100", 1, endpoint="fileinfo")
    with pytest.raises(ExternalServiceError) as err:
        _submit(ispws, image_case, rec)
    assert err.value.code == 4100 and "4100" in str(err.value)
    stuck = rec.states[-1]
    assert stuck.step is Step.FILES_UPLOADED and stuck.in_flight == "fileinfo"
    done = _submit(ispws, image_case, rec, state=stuck)
    assert done.step is Step.FINISHED
    assert len(server.state.reports) == 1 and server.state.calls.count("upload") == 2


def test_giving_up_keeps_the_draft(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    server.state.fail_next("code1000", 3, endpoint="submit")
    with pytest.raises(ExternalServiceError, match="gave up after 3 attempts") as err:
        _submit(ispws, text_only_trafficking(), rec)
    assert err.value.code == 1000
    assert rec.states[-1].step is Step.DRAFT and rec.states[-1].in_flight == "submit"
    assert _submit(ispws, text_only_trafficking(), rec, state=rec.states[-1]).step is Step.FINISHED


def test_lost_finish_response_is_never_a_double_finish(
    server: StandinServer, ispws: NCMECClient, rec: Recorder
) -> None:
    server.state.fail_next("lost_response", 1, endpoint="finish", delay=1.0)
    state = _submit(ispws, text_only_trafficking(), rec)
    assert state.step is Step.FINISHED
    assert server.state.calls == ["submit", "finish", "finish"]  # the retry got 5102 "already finished"
    [report] = server.state.reports.values()
    assert report.finish_calls == 1
    calls_before = list(server.state.calls)
    with pytest.raises(Conflict, match="never finished twice"):
        _submit(ispws, text_only_trafficking(), rec, state=state)
    assert server.state.calls == calls_before


def _crash_on_second_file(case: ReportCase) -> tuple[list[int], object]:
    seen: list[int] = []

    def read(media: MediaFile) -> bytes:
        seen.append(1)
        if len(seen) == 2:
            raise KeyboardInterrupt("simulated crash")
        return Path(media.source).read_bytes()

    return seen, read


def test_resume_after_crash(server: StandinServer, ispws: NCMECClient, rec: Recorder, image_case: ReportCase) -> None:
    _, read = _crash_on_second_file(image_case)
    with pytest.raises(KeyboardInterrupt):
        run_submission(
            ispws, report_xml=build_report_xml(image_case), media=image_case.media,
            state=SubmissionState(), persist=rec.states.append, read_media=read,  # type: ignore[arg-type]
        )
    crashed = SubmissionState.from_json(rec.states[-1].to_json())  # as stored
    assert crashed.is_open and len(crashed.uploaded) == 1 and crashed.in_flight == "upload"
    final = recover_submission(
        ispws, report_xml=build_report_xml(image_case), media=image_case.media, state=crashed,
        persist=rec.states.append, policy="resume",
    )
    assert final.step is Step.FINISHED
    [report] = server.state.reports.values()
    assert len(report.files) == 2 and report.status == "finished"


def test_retract_after_crash(server: StandinServer, ispws: NCMECClient, rec: Recorder, image_case: ReportCase) -> None:
    _, read = _crash_on_second_file(image_case)
    with pytest.raises(KeyboardInterrupt):
        run_submission(
            ispws, report_xml=build_report_xml(image_case), media=image_case.media,
            state=SubmissionState(), persist=rec.states.append, read_media=read,  # type: ignore[arg-type]
        )
    final = recover_submission(
        ispws, report_xml=b"", media=image_case.media, state=rec.states[-1], persist=rec.states.append, policy="retract"
    )
    assert final.step is Step.RETRACTED
    [report] = server.state.reports.values()
    assert report.status == "retracted"
    with pytest.raises(Conflict):
        retract_submission(ispws, state=final, persist=rec.states.append)
    # NCMEC refuses anything further on a retracted report.
    with pytest.raises(ExternalServiceError) as err:
        ispws.finish(report.report_id)
    assert err.value.code == 5101


def test_crash_after_finish_before_recording(server: StandinServer, ispws: NCMECClient, rec: Recorder) -> None:
    xml = build_report_xml(text_only_trafficking())
    opened = run_submission(ispws, report_xml=xml, media=(), state=SubmissionState(), persist=rec.states.append)
    # Pretend the process died after NCMEC finished but before the state was stored:
    recorded = next(s for s in rec.states if s.in_flight == "finish")
    with pytest.raises(Conflict, match="already finished at NCMEC"):
        recover_submission(ispws, report_xml=xml, media=(), state=recorded, persist=rec.states.append, policy="retract")
    resumed = recover_submission(ispws, report_xml=xml, media=(), state=recorded, persist=rec.states.append, policy="resume")
    assert resumed.step is Step.FINISHED and resumed.report_id == opened.report_id


def test_unknown_report_is_an_error_not_a_retry(ispws: NCMECClient, rec: Recorder) -> None:
    with pytest.raises(ExternalServiceError) as err:
        ispws.finish(999)
    assert err.value.code == 5001 and rec.sleeps == []


def test_control_endpoint_injects_faults(server: StandinServer, ispws: NCMECClient) -> None:
    r = httpx.post(f"{server.url}/_standin/fail", json={"mode": "code1000", "count": 1, "endpoint": "status"}, auth=(USER, PASSWORD))
    assert r.status_code == 200
    assert ispws.status().ok
    assert server.state.calls == ["status", "status"]
    bad = httpx.post(f"{server.url}/_standin/fail", json={"mode": "explode"}, auth=(USER, PASSWORD))
    assert bad.status_code == 400
    assert httpx.get(f"{server.url}/_standin/reports", auth=(USER, PASSWORD)).json() == []


def test_parse_response_shapes() -> None:
    done = parse_response(b"<reportDoneResponse><responseCode>0</responseCode><reportId>5</reportId><files><fileId>a</fileId></files></reportDoneResponse>")
    assert done.ok and done.report_id == 5 and done.file_ids == ("a",)  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        parse_response(b"<html>oops</html>")


def test_environment_defaults_to_test(caplog: pytest.LogCaptureFixture) -> None:
    assert NCMECEnvironment.parse(None) is NCMECEnvironment.TEST
    assert NCMECEnvironment.parse("") is NCMECEnvironment.TEST
    assert NCMECEnvironment.TEST.base_url == "https://exttest.cybertip.org/ispws"
    assert NCMECEnvironment.parse("Production").base_url == "https://report.cybertip.org/ispws"
    with pytest.raises(ConfigError, match="'prod' is not an NCMEC environment"):
        NCMECEnvironment.parse("prod")
    with caplog.at_level(logging.INFO, logger="adwarden.reporting.ncmec.environment"):
        assert resolve_base_url(NCMECEnvironment.PRODUCTION) == "https://report.cybertip.org/ispws"
        assert resolve_base_url(NCMECEnvironment.TEST, "http://127.0.0.1:9/") == "http://127.0.0.1:9"
    assert "PRODUCTION" in caplog.records[0].getMessage() and caplog.records[0].levelno == logging.WARNING


def test_standin_enforces_the_protocol(server: StandinServer, ispws: NCMECClient) -> None:
    report_id = ispws.submit(build_report_xml(text_only_trafficking())).report_id
    assert report_id is not None
    details = b"<fileDetails><reportId>%d</reportId><fileId>nope</fileId></fileDetails>" % report_id
    with pytest.raises(ExternalServiceError) as err:
        ispws.file_info(details)
    assert err.value.code == 5002
    r = httpx.post(f"{server.url}/upload", data={"id": str(report_id)}, auth=(USER, PASSWORD))
    assert b"<responseCode>4000</responseCode>" in r.content
    assert ispws.finish(report_id).ok
    with pytest.raises(ExternalServiceError) as err:
        ispws.upload(report_id, "late.png", b"x")
    assert err.value.code == 5102


def test_upload_md5_mismatch_is_not_recorded_as_uploaded(tmp_path: Path) -> None:
    """A corrupted upload (server MD5 differs) leaves the file un-uploaded, so resume sends it again."""

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/submit"):
            body = b"<reportResponse><responseCode>0</responseCode><responseDescription>ok</responseDescription><reportId>7</reportId></reportResponse>"
        else:
            body = (b"<reportResponse><responseCode>0</responseCode><responseDescription>ok</responseDescription>"
                    b"<reportId>7</reportId><fileId>f1</fileId><hash>00000000000000000000000000000000</hash></reportResponse>")
        return httpx.Response(200, content=body)

    case = ad_with_images(tmp_path)
    for media in case.media:
        Path(media.source).write_bytes(_noise_png(3))
    states: list[SubmissionState] = []
    with NCMECClient("http://ispws.invalid", "u", "p", transport=httpx.MockTransport(handler)) as mock:
        with pytest.raises(ExternalServiceError, match="MD5"):
            run_submission(mock, report_xml=build_report_xml(case), media=case.media, state=SubmissionState(),
                           persist=states.append)
    assert states[-1].step is Step.SUBMITTED and states[-1].uploaded == ()
