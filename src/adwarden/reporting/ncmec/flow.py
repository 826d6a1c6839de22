"""The submission of one CyberTipline report as a pure, resumable state machine.

::

    draft ──submit──► submitted ──upload*──► files_uploaded ──fileinfo*──► fileinfo_sent ──finish──► finished
                          │                        │                              │
                          └────────────────────────┴────────── retract ───────────┴──► retracted

A report at NCMEC is only a CyberTip once ``/finish`` succeeds; an opened but unfinished report is a
loose end. The state is recorded after every step (the service stores it with the case), so after a crash
the submission is either *resumed* from the recorded step or *retracted* — never left dangling — and a
report is never finished twice (:class:`~adwarden.domain.errors.Conflict`).

``in_flight`` is a write-ahead marker: the driver records which call it is about to make before making it.
If the process dies mid-call, recovery knows the outcome is unknown (for ``finish``, resuming simply asks
again and NCMEC's ``5102 already finished`` settles it).

This module does no I/O; :mod:`adwarden.reporting.ncmec.submission` drives it against a client.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Literal

from adwarden.domain.errors import Conflict, InputError


class Step(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    FILES_UPLOADED = "files_uploaded"
    FILEINFO_SENT = "fileinfo_sent"
    FINISHED = "finished"
    RETRACTED = "retracted"


OPEN_STEPS = frozenset({Step.SUBMITTED, Step.FILES_UPLOADED, Step.FILEINFO_SENT})
TERMINAL_STEPS = frozenset({Step.FINISHED, Step.RETRACTED})


@dataclass(frozen=True)
class SubmissionState:
    """Where one report's submission stands. ``uploaded`` maps media keys to NCMEC file ids, in order."""

    step: Step = Step.DRAFT
    report_id: int | None = None
    uploaded: tuple[tuple[str, str], ...] = ()
    described: tuple[str, ...] = ()
    finished_file_ids: tuple[str, ...] = ()
    in_flight: str | None = None

    def file_id(self, key: str) -> str | None:
        return dict(self.uploaded).get(key)

    @property
    def is_open(self) -> bool:
        """Opened at NCMEC but neither finished nor retracted: must be resumed or retracted."""
        return self.step in OPEN_STEPS

    def to_json(self) -> str:
        return json.dumps(
            {
                "step": self.step.value,
                "report_id": self.report_id,
                "uploaded": [list(p) for p in self.uploaded],
                "described": list(self.described),
                "finished_file_ids": list(self.finished_file_ids),
                "in_flight": self.in_flight,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> SubmissionState:
        try:
            data = json.loads(text)
            return cls(
                step=Step(data["step"]),
                report_id=data.get("report_id"),
                uploaded=tuple((str(k), str(v)) for k, v in data.get("uploaded", [])),
                described=tuple(str(k) for k in data.get("described", [])),
                finished_file_ids=tuple(str(f) for f in data.get("finished_file_ids", [])),
                in_flight=data.get("in_flight"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"not a submission state: {exc}", record="submission state") from exc


# -- actions: what to do next --------------------------------------------------------------------


@dataclass(frozen=True)
class Submit:
    name: str = field(default="submit", init=False)


@dataclass(frozen=True)
class Upload:
    key: str
    name: str = field(default="upload", init=False)


@dataclass(frozen=True)
class SendFileInfo:
    key: str
    file_id: str
    name: str = field(default="fileinfo", init=False)


@dataclass(frozen=True)
class Finish:
    report_id: int
    name: str = field(default="finish", init=False)


@dataclass(frozen=True)
class Retract:
    report_id: int
    name: str = field(default="retract", init=False)


@dataclass(frozen=True)
class Done:
    name: str = field(default="done", init=False)


Action = Submit | Upload | SendFileInfo | Finish | Retract | Done


# -- events: what happened -----------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    report_id: int


@dataclass(frozen=True)
class Uploaded:
    key: str
    file_id: str


@dataclass(frozen=True)
class FileInfoSent:
    key: str


@dataclass(frozen=True)
class Finished:
    file_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retracted:
    pass


Event = Submitted | Uploaded | FileInfoSent | Finished | Retracted


def next_action(state: SubmissionState, media_keys: Sequence[str]) -> Action:
    """The next call to make to move ``state`` towards ``finished``."""
    if state.step in TERMINAL_STEPS:
        return Done()
    if state.step is Step.DRAFT:
        return Submit()
    assert state.report_id is not None
    uploaded = dict(state.uploaded)
    for key in media_keys:
        if key not in uploaded:
            return Upload(key)
    for key in media_keys:
        if key not in state.described:
            return SendFileInfo(key, uploaded[key])
    return Finish(state.report_id)


def begin(state: SubmissionState, action: Action) -> SubmissionState:
    """Record that ``action`` is about to be sent (write-ahead), refusing impossible actions."""
    if isinstance(action, Finish) and state.step is Step.FINISHED:
        raise Conflict(f"report {state.report_id} is already finished; it is never finished twice")
    if isinstance(action, Retract) and state.step not in OPEN_STEPS:
        raise Conflict(f"cannot retract a report that is {state.step.value}")
    if isinstance(action, Done):
        return state
    return replace(state, in_flight=action.name)


def _after_files(state: SubmissionState, media_keys: Sequence[str]) -> Step:
    uploaded = {k for k, _ in state.uploaded}
    if not all(k in uploaded for k in media_keys):
        return Step.SUBMITTED
    if not all(k in state.described for k in media_keys):
        return Step.FILES_UPLOADED
    return Step.FILEINFO_SENT


def advance(state: SubmissionState, event: Event, media_keys: Sequence[str]) -> SubmissionState:
    """The state after ``event``. Raises :class:`Conflict` for a transition the protocol forbids."""
    if isinstance(event, Submitted):
        if state.step is not Step.DRAFT:
            raise Conflict(f"report already submitted as {state.report_id}")
        opened = replace(state, step=Step.SUBMITTED, report_id=event.report_id, in_flight=None)
        return replace(opened, step=_after_files(opened, media_keys))
    if isinstance(event, Uploaded):
        if state.step not in (Step.SUBMITTED, Step.FILES_UPLOADED):
            raise Conflict(f"cannot upload a file to a report that is {state.step.value}")
        if event.key not in media_keys:
            raise Conflict(f"media {event.key!r} is not part of this report")
        uploaded = tuple((k, v) for k, v in state.uploaded if k != event.key) + ((event.key, event.file_id),)
        described = tuple(k for k in state.described if k != event.key)  # a re-upload needs new details
        nxt = replace(state, uploaded=uploaded, described=described, in_flight=None)
        return replace(nxt, step=_after_files(nxt, media_keys))
    if isinstance(event, FileInfoSent):
        if state.file_id(event.key) is None:
            raise Conflict(f"file details for {event.key!r} before the file was uploaded")
        if state.step not in OPEN_STEPS:
            raise Conflict(f"cannot describe a file of a report that is {state.step.value}")
        described = state.described if event.key in state.described else (*state.described, event.key)
        nxt = replace(state, described=described, in_flight=None)
        return replace(nxt, step=_after_files(nxt, media_keys))
    if isinstance(event, Finished):
        if state.step is Step.FINISHED:
            raise Conflict(f"report {state.report_id} is already finished; it is never finished twice")
        if state.step is not Step.FILEINFO_SENT:
            raise Conflict(f"cannot finish a report that is {state.step.value}")
        return replace(state, step=Step.FINISHED, finished_file_ids=event.file_ids, in_flight=None)
    if isinstance(event, Retracted):
        if state.step not in OPEN_STEPS:
            raise Conflict(f"cannot retract a report that is {state.step.value}")
        return replace(state, step=Step.RETRACTED, in_flight=None)
    raise TypeError(f"unknown event {event!r}")  # pragma: no cover - exhaustive above


RecoveryPolicy = Literal["resume", "retract"]


def recovery_action(state: SubmissionState, media_keys: Sequence[str], policy: RecoveryPolicy) -> Action:
    """What to do with a submission found unfinished after a crash.

    ``resume`` continues from the recorded step; ``retract`` abandons an opened report. A draft that never
    reached NCMEC has nothing to retract, so ``retract`` leaves it as a draft (:class:`Done`).
    """
    if state.step in TERMINAL_STEPS:
        return Done()
    if policy == "resume":
        return next_action(state, media_keys)
    if state.step is Step.DRAFT or state.report_id is None:
        return Done()
    return Retract(state.report_id)
