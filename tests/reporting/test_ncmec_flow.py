"""The pure submission state machine."""

from __future__ import annotations

import pytest

from adwarden.domain.errors import Conflict, InputError
from adwarden.reporting.ncmec.flow import (
    Done,
    FileInfoSent,
    Finish,
    Finished,
    Retract,
    Retracted,
    SendFileInfo,
    Step,
    SubmissionState,
    Submit,
    Submitted,
    Upload,
    Uploaded,
    advance,
    begin,
    next_action,
    recovery_action,
)

KEYS = ["a", "b"]


def test_happy_path_with_media() -> None:
    s = SubmissionState()
    assert next_action(s, KEYS) == Submit()
    s = advance(s, Submitted(7), KEYS)
    assert (s.step, s.report_id) == (Step.SUBMITTED, 7)
    assert next_action(s, KEYS) == Upload("a")
    s = advance(s, Uploaded("a", "fa"), KEYS)
    assert s.step is Step.SUBMITTED and next_action(s, KEYS) == Upload("b")
    s = advance(s, Uploaded("b", "fb"), KEYS)
    assert s.step is Step.FILES_UPLOADED
    assert next_action(s, KEYS) == SendFileInfo("a", "fa")
    s = advance(s, FileInfoSent("a"), KEYS)
    s = advance(s, FileInfoSent("b"), KEYS)
    assert s.step is Step.FILEINFO_SENT and next_action(s, KEYS) == Finish(7)
    s = advance(s, Finished(("fa", "fb")), KEYS)
    assert s.step is Step.FINISHED and next_action(s, KEYS) == Done()


def test_text_only_goes_straight_to_finish() -> None:
    s = advance(SubmissionState(), Submitted(9), [])
    assert s.step is Step.FILEINFO_SENT
    assert next_action(s, []) == Finish(9)


def test_never_finished_twice() -> None:
    s = advance(advance(SubmissionState(), Submitted(1), []), Finished(), [])
    with pytest.raises(Conflict, match="never finished twice"):
        advance(s, Finished(), [])
    with pytest.raises(Conflict, match="never finished twice"):
        begin(s, Finish(1))


def test_cannot_finish_before_files_are_described() -> None:
    s = advance(SubmissionState(), Submitted(1), KEYS)
    with pytest.raises(Conflict, match="cannot finish"):
        advance(s, Finished(), KEYS)
    with pytest.raises(Conflict, match="before the file was uploaded"):
        advance(s, FileInfoSent("a"), KEYS)


def test_retract_only_open_reports() -> None:
    with pytest.raises(Conflict):
        advance(SubmissionState(), Retracted(), [])
    opened = advance(SubmissionState(), Submitted(3), KEYS)
    retracted = advance(opened, Retracted(), KEYS)
    assert retracted.step is Step.RETRACTED
    with pytest.raises(Conflict):
        advance(retracted, Retracted(), KEYS)
    finished = advance(advance(SubmissionState(), Submitted(4), []), Finished(), [])
    with pytest.raises(Conflict, match="cannot retract"):
        begin(finished, Retract(4))


def test_reupload_invalidates_file_details() -> None:
    s = advance(SubmissionState(), Submitted(1), ["a"])
    s = advance(s, Uploaded("a", "f1"), ["a"])
    s = advance(s, FileInfoSent("a"), ["a"])
    assert s.step is Step.FILEINFO_SENT
    with pytest.raises(Conflict):
        advance(s, Uploaded("a", "f2"), ["a"])  # no uploads once everything is described


def test_write_ahead_marker_and_json_round_trip() -> None:
    s = begin(advance(SubmissionState(), Submitted(5), KEYS), Upload("a"))
    assert s.in_flight == "upload"
    s = advance(s, Uploaded("a", "fa"), KEYS)
    assert s.in_flight is None
    assert SubmissionState.from_json(s.to_json()) == s
    with pytest.raises(InputError):
        SubmissionState.from_json('{"step": "exploded"}')


@pytest.mark.parametrize(
    ("state", "policy", "expected"),
    [
        (SubmissionState(), "resume", Submit()),
        (SubmissionState(), "retract", Done()),
        (SubmissionState(step=Step.SUBMITTED, report_id=8), "resume", Upload("a")),
        (SubmissionState(step=Step.SUBMITTED, report_id=8), "retract", Retract(8)),
        (SubmissionState(step=Step.FINISHED, report_id=8), "resume", Done()),
        (SubmissionState(step=Step.RETRACTED, report_id=8), "retract", Done()),
    ],
)
def test_recovery_never_leaves_a_report_dangling(state: SubmissionState, policy: str, expected: object) -> None:
    assert recovery_action(state, KEYS, policy) == expected  # type: ignore[arg-type]


def test_report_case_json_round_trip() -> None:
    from adwarden.reporting.ncmec.codec import case_from_json, case_to_json

    from .ncmec_cases import GOLDEN_CASES

    for make in GOLDEN_CASES.values():
        case = make()
        assert case_from_json(case_to_json(case)) == case
    with pytest.raises(InputError):
        case_from_json('{"case_id": "x"}')
    with pytest.raises(InputError):
        case_from_json("not json")
