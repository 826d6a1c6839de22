"""The composition root: settings -> database, detectors, policy, screener, live networks. Built once per process.

Edges (CLI, API, jobs) call :func:`build_runtime`; the core never reads settings itself. Everything a process
screens with is decided here, from declared lists, and nowhere else: no module registers anything when it is
imported, so a post gets the same verdict whether it came through the API, a file, a rescan or library code.

* Detectors: :data:`BUILTIN_DETECTORS`, then plug-ins from the ``adwarden.detectors`` entry-point group, each a
  :class:`DetectorSpec` (a name and a factory). A spec marked ``stored`` reads state kept in the database (banks,
  models) and is rebuilt whenever that state changes; the others are built once.
* Policy: the most recently activated policy in the database, else ``ADWARDEN_POLICY_PATH``, else the packaged one.
* Freshness: :meth:`Runtime.current_screener` compares the database's screening-state version (bumped by every
  bank change, policy activation and classifier model change, in their transactions) with the one the screener was built from, under the
  row's lock, so a change committed by another process is used by the very next batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from adwarden.config import Settings
from adwarden.detect.base import Detector, DetectorRegistry
from adwarden.detect.classifier.records import ModelStatus
from adwarden.domain import Actor, PostInput
from adwarden.networks.live import LiveNetworks
from adwarden.pipeline import WARM_UP_POST, Screener, Screening
from adwarden.storage.sql import screening_state
from adwarden.storage.sql.database import Connection, Database

if TYPE_CHECKING:  # pragma: no cover
    from adwarden.detect.banks.index import BankIndex
    from adwarden.policy import Policy
    from adwarden.screening.service import IngestOutcome, Prepared

log = logging.getLogger(__name__)

#: The entry-point group a third-party detector registers under (a :class:`DetectorSpec`).
DETECTOR_ENTRY_POINTS = "adwarden.detectors"


@dataclass(frozen=True)
class DetectorSources:
    """What a detector factory may read: the settings, and the stored state loaded for this screener."""

    settings: Settings
    db: Database | None = None
    bank_index: BankIndex | None = None


@dataclass(frozen=True)
class DetectorSpec:
    """A declared detector: ``build`` returns it (or None when it has nothing to do, e.g. no banks)."""

    name: str
    build: Callable[[DetectorSources], Detector | None]
    stored: bool = False


def _indicator(src: DetectorSources) -> Detector:
    from adwarden.detect.indicators import IndicatorDetector

    return IndicatorDetector(lexicon_path=src.settings.lexicon_path)


def _facts(_src: DetectorSources) -> Detector:
    from adwarden.detect.facts import FactsDetector

    return FactsDetector()


def _banks(src: DetectorSources) -> Detector | None:
    from adwarden.detect.banks.detector import BankDetector

    return BankDetector(src.bank_index) if src.bank_index is not None and src.bank_index.size else None


def _network(_src: DetectorSources) -> Detector:
    from adwarden.detect.network.detector import NetworkDetector

    return NetworkDetector()


def _has_model(src: DetectorSources, status: ModelStatus) -> bool:
    """Whether a model with ``status`` is stored: asked first, so that a store without one never imports the
    model service (and scikit-learn with it, about a second of CPU at every start-up)."""
    if src.db is None:
        return False
    from adwarden.storage.sql import classifier_models

    with src.db.read() as conn:
        return bool(classifier_models.models_with_status(conn, status))


def _classifier(src: DetectorSources) -> Detector | None:
    if not _has_model(src, ModelStatus.PROMOTED):
        return None
    from adwarden.models_service import load_promoted_detector

    return load_promoted_detector(src.db) if src.db is not None else None


def _shadow_classifier(src: DetectorSources) -> Detector | None:
    if not _has_model(src, ModelStatus.SHADOW):
        return None
    from adwarden.models_service import load_shadow_detector

    return load_shadow_detector(src.db) if src.db is not None else None


#: The built-in detectors, in the order they run, declared the way a plug-in declares its own.
BUILTIN_DETECTORS: tuple[DetectorSpec, ...] = (
    DetectorSpec("indicator", _indicator),
    DetectorSpec("facts", _facts),
    DetectorSpec("bank", _banks, stored=True),
    DetectorSpec("network", _network),
    DetectorSpec("classifier", _classifier, stored=True),  # the promoted reviewer-trained model
    DetectorSpec("shadow_classifier", _shadow_classifier, stored=True),  # scores recorded, verdicts unchanged
)


def declared_detectors() -> tuple[DetectorSpec, ...]:
    """Built-ins, then plug-ins from the ``adwarden.detectors`` entry points; a duplicate name is refused."""
    specs = list(BUILTIN_DETECTORS)
    for ep in entry_points(group=DETECTOR_ENTRY_POINTS):
        spec = ep.load()
        if not isinstance(spec, DetectorSpec):
            raise TypeError(f"entry point {ep.name!r} in {DETECTOR_ENTRY_POINTS} is not a DetectorSpec")
        specs.append(spec)
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"detector declared twice: {', '.join(dupes)}")
    return tuple(specs)


@dataclass(frozen=True)
class BaseDetectors:
    """The detectors that do not depend on stored state, built once and shared by every screener the process
    builds (the lexicon automaton, the costliest part, on the first post screened)."""

    by_name: dict[str, Detector]

    @classmethod
    def build(cls, settings: Settings, specs: Sequence[DetectorSpec] | None = None) -> BaseDetectors:
        src = DetectorSources(settings=settings)
        built: dict[str, Detector] = {}
        for spec in specs if specs is not None else declared_detectors():
            if spec.stored:
                continue
            detector = spec.build(src)
            if detector is not None:
                built[spec.name] = detector
        return cls(built)


def stored_detectors(settings: Settings, *, bank_index: BankIndex | None = None, db: Database | None = None,
                     specs: Sequence[DetectorSpec] | None = None) -> dict[str, Detector]:
    """The ``stored`` detectors (banks, models) built from the given state, by spec name (absent when a factory
    has nothing to do). Kept apart so a Spark job can ship them to executors instead of the database."""
    src = DetectorSources(settings=settings, db=db, bank_index=bank_index)
    out: dict[str, Detector] = {}
    for spec in specs if specs is not None else declared_detectors():
        if spec.stored and (detector := spec.build(src)) is not None:
            out[spec.name] = detector
    return out


def compose_screener(settings: Settings, base: BaseDetectors, *, bank_index: BankIndex | None = None,
                     policy: Policy | None = None, db: Database | None = None,
                     specs: Sequence[DetectorSpec] | None = None,
                     stored: Mapping[str, Detector] | None = None) -> Screener:
    """The screener: every declared detector in declared order (stored ones from the given state, or ``stored``
    when they were built elsewhere) + the policy."""
    from adwarden.policy import load_policy

    declared = specs if specs is not None else declared_detectors()
    built = stored if stored is not None else stored_detectors(settings, bank_index=bank_index, db=db, specs=declared)
    registry = DetectorRegistry()
    for spec in declared:
        detector = built.get(spec.name) if spec.stored else base.by_name.get(spec.name)
        if detector is not None:
            registry.register(detector)
    return Screener(registry, policy or load_policy(settings.policy_path), region=settings.default_region)


@dataclass(frozen=True)
class ScreeningSnapshot:
    """The stored part of a screener at one screening-state version: the policy and the ``stored`` detectors.

    Why: a Spark executor cannot read the database; it gets this (pickled, broadcast) and composes the same
    screener with its own stateless detectors (:func:`compose_screener` with ``stored``)."""

    version: int
    policy: Policy
    stored: Mapping[str, Detector]


def build_screener(settings: Settings, base: BaseDetectors | None = None) -> Screener:
    """The screener with nothing stored (no banks, the configured policy): for pure library use and tests."""
    return compose_screener(settings, base or BaseDetectors.build(settings))


@dataclass
class Runtime:
    """What a running AdWarden process holds: settings, the database, the screener and the live networks."""

    settings: Settings
    db: Database
    base: BaseDetectors
    networks: LiveNetworks
    screener: Screener = field(init=False)
    #: The screening-state version the screener was built from.
    screening_version: int = field(default=-1, init=False)
    #: The API's group-commit writer, when this process serves the API.
    batcher: Any = field(default=None, init=False)
    #: What the screener was built from (policy, stored detectors), for jobs that screen elsewhere.
    snapshot: ScreeningSnapshot = field(init=False)

    def __post_init__(self) -> None:
        self.refresh_screener()

    def refresh_screener(self) -> Screener:
        """Rebuild the screener from what is stored now (banks, active policy) and remember its version."""
        from adwarden.retro.banks import load_bank_index
        from adwarden.retro.policies import active_policy

        s = self.settings
        with self.db.read() as conn:
            version = screening_state.read(conn)  # read first: a change landing meanwhile is caught next time
            policy = active_policy(conn)
        index = load_bank_index(self.db, key=s.bank_hmac_key.encode("utf-8"), region=s.default_region)
        stored = stored_detectors(s, bank_index=index, db=self.db)
        self.screener = compose_screener(s, self.base, policy=policy, stored=stored)
        self.screening_version = version
        self.snapshot = ScreeningSnapshot(version, self.screener.policy, stored)
        return self.screener

    def current_screener(self, conn: Connection) -> Screener:
        """Inside a write transaction: lock the screening state and return a screener built from it."""
        if screening_state.read_locked(conn) != self.screening_version:
            self.refresh_screener()
        return self.screener

    def is_current(self) -> bool:
        with self.db.read() as conn:
            return screening_state.read(conn) == self.screening_version

    def ingest(self, items: Sequence[PostInput], *, actor: Actor, screenings: Sequence[Screening] | None = None,
               prepared: Sequence[Prepared] | None = None) -> list[IngestOutcome]:
        """Store and screen ``items`` the one way every edge does (see :func:`adwarden.screening.service.ingest_posts`)."""
        from adwarden.screening.collector import freeze_now_and_then
        from adwarden.screening.service import ingest_posts

        outcomes = ingest_posts(self.db, items, self.screener, actor=actor, networks=self.networks,
                                current=self.current_screener, screenings=screenings,
                                prepared=prepared)
        # A file ingest grows the live linker by thousands of objects a second; without this the collector's
        # full passes over them took a sixth of the writer's time (see freeze_long_lived).
        freeze_now_and_then()
        return outcomes

    def network_facts(self, conn: Connection, post_id: str) -> dict[str, Any]:
        """The stored post's network facts, as ingest gives them to screening."""
        return self.networks.facts_for(conn, post_id)


def build_runtime(settings: Settings, *, migrate: bool = True, base: BaseDetectors | None = None) -> Runtime:
    """The one place a process is wired. ``base`` lets tests share the costly stateless detectors."""
    from adwarden.reporting.ncmec.environment import log_environment

    log_environment(settings)
    db = Database(settings.resolved_database_url)
    if migrate:
        db.migrate()
    return Runtime(settings=settings, db=db, base=base or BaseDetectors.build(settings), networks=LiveNetworks())


def warm_up(runtime: Runtime) -> None:
    """Build everything that is otherwise built on first use (the gazetteers, normalizer tables, the live
    linker from storage), so a server's first requests do not pay for it. The API calls this before it serves.

    The network facts' gazetteer (cities with coordinates, for movement) is built on the first post that joins
    a network; it takes a second or more, which the API's writer spent holding every request queued behind it."""
    runtime.screener.screen(WARM_UP_POST)
    warm_up_storing(runtime)


def warm_up_storing(runtime: Runtime) -> None:
    """The storing side of :func:`warm_up`: the movement gazetteer and the live linker (from storage), then
    the long-lived objects frozen. A file ingest calls it while its screening worker warms up the screener, so
    the two start-ups overlap."""
    from adwarden.detect.network.movement import resolve_place
    from adwarden.screening.collector import freeze_long_lived

    resolve_place("Seattle, WA")
    with runtime.db.read() as conn:
        runtime.networks.facts_for(conn, "")
    freeze_long_lived()
