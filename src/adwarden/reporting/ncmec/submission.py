"""Drive a :mod:`~adwarden.reporting.ncmec.flow` submission against an :class:`NCMECClient`.

The driver persists the state (through the ``persist`` callback) before each call (write-ahead marker)
and after each successful one, so a crash or a network failure at any point leaves a state that
:func:`recover_submission` can resume or retract. On an error the state is persisted as it stands and the
:class:`~adwarden.domain.errors.ExternalServiceError` propagates with NCMEC's code and description: the
draft is never lost.

Example::

    state = run_submission(client, report_xml=xml, media=case.media, state=SubmissionState(),
                           read_media=read_path, persist=save_state)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from adwarden.domain.errors import Conflict, ExternalServiceError, InputError
from adwarden.reporting.ncmec.build import build_file_details_xml
from adwarden.reporting.ncmec.client import NCMECClient, ResponseCode
from adwarden.reporting.ncmec.flow import (
    Action,
    Done,
    FileInfoSent,
    Finish,
    Finished,
    RecoveryPolicy,
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
from adwarden.reporting.ncmec.model import MediaFile
from adwarden.reporting.ncmec.validate import validate_file_details_xml

Persist = Callable[[SubmissionState], None]
ReadMedia = Callable[[MediaFile], bytes]


def read_media_path(media: MediaFile) -> bytes:
    """Default ``read_media``: ``media.source`` is a local file path."""
    return Path(media.source).read_bytes()


def _execute(
    client: NCMECClient,
    state: SubmissionState,
    action: Action,
    *,
    report_xml: bytes,
    media: dict[str, MediaFile],
    keys: Sequence[str],
    read_media: ReadMedia,
) -> SubmissionState:
    if isinstance(action, Submit):
        response = client.submit(report_xml)
        assert response.report_id is not None
        return advance(state, Submitted(response.report_id), keys)
    assert state.report_id is not None
    if isinstance(action, Upload):
        item = media[action.key]
        content = read_media(item)
        response = client.upload(state.report_id, item.file_name, content)
        assert response.file_id is not None
        local_md5 = hashlib.md5(content).hexdigest()
        if response.hash and response.hash.lower() != local_md5:
            raise ExternalServiceError(
                f"NCMEC upload of {item.file_name}: server MD5 {response.hash} != local {local_md5}; "
                "the file will be uploaded again on resume"
            )
        return advance(state, Uploaded(action.key, response.file_id), keys)
    if isinstance(action, SendFileInfo):
        details = build_file_details_xml(media[action.key], report_id=state.report_id, file_id=action.file_id)
        problems = validate_file_details_xml(details)
        if problems:
            raise InputError("; ".join(map(str, problems)), record=f"media {action.key}", field="fileDetails")
        client.file_info(details)
        return advance(state, FileInfoSent(action.key), keys)
    if isinstance(action, Finish):
        try:
            done = client.finish(action.report_id)
        except ExternalServiceError as exc:
            # A finish whose answer was lost, retried or resumed: NCMEC already has it as a CyberTip.
            if exc.code == ResponseCode.REPORT_ALREADY_FINISHED:
                return advance(state, Finished(tuple(v for _, v in state.uploaded)), keys)
            raise
        return advance(state, Finished(done.file_ids), keys)
    if isinstance(action, Retract):
        try:
            client.retract(action.report_id)
        except ExternalServiceError as exc:
            if exc.code == ResponseCode.REPORT_ALREADY_RETRACTED:
                return advance(state, Retracted(), keys)
            if exc.code == ResponseCode.REPORT_ALREADY_FINISHED:
                raise Conflict(f"report {action.report_id} was already finished at NCMEC; it cannot be retracted") from exc
            raise
        return advance(state, Retracted(), keys)
    raise TypeError(f"cannot execute {action!r}")  # pragma: no cover


def _drive(
    client: NCMECClient,
    state: SubmissionState,
    choose: Callable[[SubmissionState], Action],
    *,
    report_xml: bytes,
    media: Sequence[MediaFile],
    read_media: ReadMedia,
    persist: Persist,
) -> SubmissionState:
    by_key = {m.key: m for m in media}
    keys = [m.key for m in media]
    while True:
        action = choose(state)
        if isinstance(action, Done):
            return state
        state = begin(state, action)
        persist(state)
        state = _execute(client, state, action, report_xml=report_xml, media=by_key, keys=keys, read_media=read_media)
        persist(state)
        if isinstance(action, Retract):
            return state


def run_submission(
    client: NCMECClient,
    *,
    report_xml: bytes,
    media: Sequence[MediaFile],
    state: SubmissionState,
    persist: Persist,
    read_media: ReadMedia = read_media_path,
) -> SubmissionState:
    """Submit, upload every file, describe it, finish. Starts wherever ``state`` stands.

    Raises :class:`Conflict` when the report is already finished (never finished twice) or retracted.
    """
    if state.step is Step.FINISHED:
        raise Conflict(f"report {state.report_id} is already finished; it is never finished twice")
    if state.step is Step.RETRACTED:
        raise Conflict(f"report {state.report_id} was retracted; draft a new report instead")
    keys = [m.key for m in media]
    return _drive(
        client,
        state,
        lambda s: next_action(s, keys),
        report_xml=report_xml,
        media=media,
        read_media=read_media,
        persist=persist,
    )


def retract_submission(client: NCMECClient, *, state: SubmissionState, persist: Persist) -> SubmissionState:
    """Retract an opened, unfinished report."""
    if state.report_id is None or not state.is_open:
        raise Conflict(f"cannot retract a report that is {state.step.value}")
    return _drive(
        client,
        state,
        lambda s: Retract(s.report_id) if s.is_open and s.report_id is not None else Done(),
        report_xml=b"",
        media=(),
        read_media=read_media_path,
        persist=persist,
    )


def recover_submission(
    client: NCMECClient,
    *,
    report_xml: bytes,
    media: Sequence[MediaFile],
    state: SubmissionState,
    persist: Persist,
    policy: RecoveryPolicy,
    read_media: ReadMedia = read_media_path,
) -> SubmissionState:
    """Resume or retract a submission found unfinished after a crash; terminal states are left alone."""
    keys = [m.key for m in media]
    first = recovery_action(state, keys, policy)
    if isinstance(first, Done):
        return state
    if isinstance(first, Retract):
        return retract_submission(client, state=state, persist=persist)
    return run_submission(
        client, report_xml=report_xml, media=media, state=state, persist=persist, read_media=read_media
    )
