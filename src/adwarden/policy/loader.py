"""Load and validate a policy file as a whole, reporting every problem at once as ``FILE:LINE: message``.

A policy is deployed data that decides what happens to posts, so it is checked completely before it is
used: structure and types, names against the detectors' :class:`~adwarden.detect.vocabulary.Vocabulary`,
ranges and ordering of thresholds, and rules that can never fire or do nothing. Nothing is built unless
there are no problems; :class:`~adwarden.domain.PolicyError` carries them all (``policy check`` prints them).

>>> from adwarden.policy import load_policy
>>> load_policy().queues["child-safety"].restricted
True
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from adwarden.detect.vocabulary import Vocabulary
from adwarden.domain import Action, PolicyError
from adwarden.domain.source_lines import LineIndex
from adwarden.policy.model import (
    DEFAULT_LABELS,
    AllOf,
    AnyOf,
    Condition,
    DecisionLabel,
    EvidenceTest,
    NetworkTest,
    NotOf,
    Policy,
    Queue,
    RiskTest,
    Rule,
    Scoring,
)
from adwarden.policy.stranding import stranding_problems

T = TypeVar("T")
KeyPath = tuple[str | int, ...]

DEFAULT_POLICY_NAME = "default_policy.toml"

_TOP_KEYS = {"policy", "queues", "detectors", "categories", "languages", "rules", "labels"}
_POLICY_KEYS = {"version", "description", "review_threshold", "hold_threshold", "block_threshold", "default_queue"}
_QUEUE_KEYS = {"name", "priority", "restricted", "description", "sla_hours"}
_LABEL_KEYS = {"name", "violating", "category", "description"}
_SCORING_KEYS = {"scale", "cap"}
_RULE_KEYS = {
    "id", "description", "when", "add", "min_risk", "queue", "priority", "action", "max_action", "preserve",
    "open_case", "enabled",
}
_EVIDENCE_KEYS = {"detector", "label", "category", "bank", "kind", "language", "min_count", "min_points", "distinct"}
_OPS = ("ge", "gt", "le", "lt", "eq")


def default_policy_text() -> bytes:
    """Bytes of the packaged, documented default policy (``docs/policy.md`` explains it)."""
    return resources.files("adwarden.policy").joinpath(DEFAULT_POLICY_NAME).read_bytes()


def load_policy(path: str | Path | None = None, *, vocabulary: Vocabulary | None = None) -> Policy:
    """Load and validate a policy; ``None`` loads the packaged default policy.

    ``vocabulary`` lists the detectors, labels, categories and network facts a policy may name; by default
    the built-in detectors' (:func:`adwarden.detect.registry.default_vocabulary`). Raises
    :class:`~adwarden.domain.PolicyError` with every problem as ``FILE:LINE: message``.
    """
    if path is None:
        return parse_policy(default_policy_text(), source=f"<packaged>/{DEFAULT_POLICY_NAME}", vocabulary=vocabulary)
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PolicyError([f"{p}: cannot read policy: {exc.strerror or exc}"]) from exc
    return parse_policy(data, source=str(p), vocabulary=vocabulary)


def parse_policy(data: bytes, *, source: str = "<policy>", vocabulary: Vocabulary | None = None) -> Policy:
    """Validate policy bytes (see :func:`load_policy`)."""
    if vocabulary is None:
        from adwarden.detect.registry import default_vocabulary

        vocabulary = default_vocabulary()
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError([f"{source}: not valid UTF-8 (byte {exc.start})"]) from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError([f"{source}:{_toml_error_line(exc)}: invalid TOML: {exc}"]) from exc
    checker = _Checker(source, LineIndex.from_text(text), vocabulary)
    policy = checker.build(doc, digest)
    if checker.problems or policy is None:
        raise PolicyError(sorted(checker.problems, key=_line_of_problem))
    return policy


def _line_of_problem(problem: str) -> int:
    parts = problem.rsplit(": ", 1)[0].split(":")
    for part in reversed(parts):
        if part.isdigit():
            return int(part)
    return 0


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int:
    msg = str(exc)
    marker = "(at line "
    if marker in msg:
        tail = msg.split(marker, 1)[1]
        digits = "".join(ch for ch in tail.split(",", 1)[0] if ch.isdigit())
        if digits:
            return int(digits)
    return 1


class _Checker:
    """Walks the parsed document, collecting problems and building the typed policy."""

    def __init__(self, source: str, lines: LineIndex, vocab: Vocabulary) -> None:
        self.source = source
        self.lines = lines
        self.vocab = vocab
        self.problems: list[str] = []

    # -- reporting --------------------------------------------------------------------------------------
    def error(self, path: KeyPath, message: str) -> None:
        line = self.lines.line_of(path) or 1
        self.problems.append(f"{self.source}:{line}: {message}")

    def tables_of(self, raw: list[Any], section: str, noun: str) -> Iterator[tuple[int, KeyPath, dict[str, Any]]]:
        """The members of the ``[[section]]`` array with their index and key path; one that is not a table is
        reported ("each ``noun`` must be a table") and skipped, so the rest are still checked."""
        for i, item in enumerate(raw):
            path: KeyPath = (section, i)
            if not isinstance(item, dict):
                self.error(path, f"each {noun} must be a table")
                continue
            yield i, path, item

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], path: KeyPath, what: str) -> None:
        for key in table:
            if key not in allowed:
                self.error((*path, key), f"unknown key {key!r} in {what} (expected one of: {', '.join(sorted(allowed))})")

    # -- typed getters ----------------------------------------------------------------------------------
    def get(
        self, table: Mapping[str, Any], key: str, path: KeyPath, kind: type[T] | tuple[type, ...], default: T | None,
        *, required: bool = False, check: Callable[[Any], str | None] | None = None,
    ) -> Any:
        if key not in table:
            if required:
                self.error(path, f"missing required key {key!r}")
            return default
        value = table[key]
        expected = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, expected) and not (isinstance(value, bool) and bool not in expected)
        if not ok:
            names = " or ".join(t.__name__ for t in expected)
            self.error((*path, key), f"{key} must be {names}, got {type(value).__name__} {value!r}")
            return default
        if check is not None:
            msg = check(value)
            if msg:
                self.error((*path, key), f"{key} {msg}")
                return default
        return value

    @staticmethod
    def in_range(lo: float, hi: float) -> Callable[[Any], str | None]:
        def check(v: Any) -> str | None:
            return None if lo <= v <= hi else f"must be between {lo:g} and {hi:g}, got {v!r}"

        return check

    def action(self, table: Mapping[str, Any], key: str, path: KeyPath) -> Action | None:
        raw = self.get(table, key, path, str, None)
        if raw is None:
            return None
        try:
            return Action(raw)
        except ValueError:
            self.error((*path, key), f"{key} must be one of {', '.join(a.value for a in Action)}, got {raw!r}")
            return None

    # -- document ---------------------------------------------------------------------------------------
    def build(self, doc: Mapping[str, Any], digest: str) -> Policy | None:
        self.unknown_keys(doc, _TOP_KEYS, (), "the policy file")
        head = doc.get("policy")
        if not isinstance(head, dict):
            self.error(("policy",), "missing [policy] table (version, thresholds, default_queue)")
            head = {}
        p: KeyPath = ("policy",)
        self.unknown_keys(head, _POLICY_KEYS, p, "[policy]")
        version = self.get(head, "version", p, str, "", required=True)
        description = self.get(head, "description", p, str, "")
        pct = self.in_range(0, 100)
        review = float(self.get(head, "review_threshold", p, (int, float), 50.0, required=True, check=pct))
        hold = float(self.get(head, "hold_threshold", p, (int, float), review, check=pct))
        block = float(self.get(head, "block_threshold", p, (int, float), 100.0, check=pct))
        if hold > block:
            self.error((*p, "hold_threshold"), f"hold_threshold ({hold:g}) must not exceed block_threshold ({block:g})")
        queues = self.build_queues(doc.get("queues"))
        default_queue = self.get(head, "default_queue", p, str, "general", required=True)
        if queues and default_queue not in queues:
            self.error((*p, "default_queue"), f"unknown queue {default_queue!r} (declared: {', '.join(queues)})")
        elif default_queue in queues and queues[default_queue].restricted:
            self.error((*p, "default_queue"), f"default_queue {default_queue!r} is restricted; use an open queue")
        detectors = self.build_scoring(doc.get("detectors", {}), "detectors", set(self.vocab.detectors))
        categories = self.build_scoring(doc.get("categories", {}), "categories", set(self.vocab.categories))
        languages = self.build_scoring(doc.get("languages", {}), "languages", set(self.vocab.languages))
        rules = self.build_rules(doc.get("rules", []), queues, detectors, categories)
        labels = self.build_labels(doc.get("labels"))
        for path, message in stranding_problems(review, hold, block, rules, doc.get("rules", []), queues):
            self.error(path, message)
        if self.problems:
            return None
        return Policy(
            version=version, digest=digest, source=self.source, review_threshold=review, hold_threshold=hold,
            block_threshold=block, default_queue=default_queue, queues=queues, rules=rules,
            detectors=detectors, categories=categories, description=description, languages=languages,
            labels=labels,
        )

    def build_labels(self, raw: Any) -> dict[str, DecisionLabel]:
        """Decision labels; the defaults when the file declares none. ``not-violating`` must exist."""
        if raw is None:
            return {lb.name: lb for lb in DEFAULT_LABELS}
        out: dict[str, DecisionLabel] = {}
        if not isinstance(raw, list) or not raw:
            self.error(("labels",), "labels must be a non-empty array of [[labels]] tables")
            return out
        for _, path, lb in self.tables_of(raw, "labels", "label"):
            self.unknown_keys(lb, _LABEL_KEYS, path, "[[labels]]")
            name = self.get(lb, "name", path, str, None, required=True)
            violating = self.get(lb, "violating", path, bool, None, required=True)
            if name is None or violating is None:
                continue
            if name in out:
                self.error((*path, "name"), f"label {name!r} is declared twice")
                continue
            out[name] = DecisionLabel(name, violating, self.get(lb, "category", path, str, ""),
                                      self.get(lb, "description", path, str, ""))
        if out and not any(not lb.violating for lb in out.values()):
            self.error(("labels",), "declare at least one label with violating = false (e.g. not-violating)")
        return out

    def build_queues(self, raw: Any) -> dict[str, Queue]:
        out: dict[str, Queue] = {}
        if not isinstance(raw, list) or not raw:
            self.error(("queues",), "declare at least one [[queues]] table")
            return out
        for _, path, q in self.tables_of(raw, "queues", "queue"):
            self.unknown_keys(q, _QUEUE_KEYS, path, "[[queues]]")
            name = self.get(q, "name", path, str, None, required=True)
            prio = self.get(q, "priority", path, int, 50, check=self.in_range(0, 100))
            restricted = self.get(q, "restricted", path, bool, False)
            desc = self.get(q, "description", path, str, "")
            sla = float(self.get(q, "sla_hours", path, (int, float), 24.0, check=self.in_range(0.01, 24 * 365)))
            if name is None:
                continue
            if name in out:
                self.error((*path, "name"), f"queue {name!r} is declared twice")
                continue
            out[name] = Queue(name, prio, restricted, desc, sla)
        return out

    def build_scoring(self, raw: Any, section: str, known: set[str]) -> dict[str, Scoring]:
        out: dict[str, Scoring] = {}
        if not isinstance(raw, dict):
            self.error((section,), f"[{section}] must be a table of tables")
            return out
        for name, body in raw.items():
            path: KeyPath = (section, name)
            if name not in known:
                what = {"detectors": "detector", "categories": "category"}.get(section, "language")
                self.error(path, f"unknown {what} {name!r} (known: {', '.join(sorted(known))})")
                continue
            if not isinstance(body, dict):
                self.error(path, f"[{section}.{name}] must be a table with scale and/or cap")
                continue
            self.unknown_keys(body, _SCORING_KEYS, path, f"[{section}.{name}]")
            scale = float(self.get(body, "scale", path, (int, float), 1.0, check=self.in_range(0, 100)))
            cap = self.get(body, "cap", path, (int, float), None, check=self.in_range(0, 100))
            out[name] = Scoring(scale, None if cap is None else float(cap))
        return out

    def build_rules(
        self, raw: Any, queues: Mapping[str, Queue], detectors: Mapping[str, Scoring],
        categories: Mapping[str, Scoring],
    ) -> tuple[Rule, ...]:
        if not isinstance(raw, list):
            self.error(("rules",), "rules must be an array of [[rules]] tables")
            return ()
        out: list[Rule] = []
        seen: set[str] = set()
        for i, path, r in self.tables_of(raw, "rules", "rule"):
            n_before = len(self.problems)
            self.unknown_keys(r, _RULE_KEYS, path, "[[rules]]")
            rid = self.get(r, "id", path, str, f"rules[{i}]", required=True)
            if rid in seen:
                self.error((*path, "id"), f"rule id {rid!r} is used twice")
            seen.add(rid)
            if "when" not in r:
                self.error(path, f"rule {rid!r} has no 'when' condition")
                when: Condition | None = None
            else:
                when = self.condition(r["when"], (*path, "when"), rid)
            add = float(self.get(r, "add", path, (int, float), 0.0, check=self.in_range(-100, 100)))
            min_risk = self.get(r, "min_risk", path, (int, float), None, check=self.in_range(0, 100))
            queue = self.get(r, "queue", path, str, None)
            if queue is not None and queue not in queues:
                self.error((*path, "queue"), f"rule {rid!r}: unknown queue {queue!r} (declared: {', '.join(queues)})")
            priority = self.get(r, "priority", path, int, None, check=self.in_range(0, 100))
            action = self.action(r, "action", path)
            max_action = self.action(r, "max_action", path)
            if action is not None and max_action is not None and _sev(action) > _sev(max_action):
                self.error((*path, "action"), f"rule {rid!r}: action {action.value!r} is above its own max_action {max_action.value!r}")
            preserve = self.get(r, "preserve", path, bool, False)
            open_case = self.get(r, "open_case", path, bool, False)
            enabled = self.get(r, "enabled", path, bool, True)
            desc = self.get(r, "description", path, str, "")
            if not (add or min_risk is not None or queue or priority is not None or action or max_action or preserve or open_case):
                self.error(path, f"rule {rid!r} has no effect (set add, min_risk, queue, priority, action, max_action, preserve or open_case)")
            if when is not None:
                self.check_can_fire(when, (*path, "when"), rid, detectors, categories)
            if len(self.problems) == n_before and when is not None:
                out.append(Rule(
                    id=rid, when=when, description=desc, add=add,
                    min_risk=None if min_risk is None else float(min_risk), queue=queue, priority=priority,
                    action=action, max_action=max_action, preserve=preserve, open_case=open_case, enabled=enabled,
                ))
        return tuple(out)

    # -- conditions -------------------------------------------------------------------------------------
    def condition(self, raw: Any, path: KeyPath, rid: str) -> Condition | None:
        if not isinstance(raw, dict):
            self.error(path, f"rule {rid!r}: a condition must be a table, got {type(raw).__name__}")
            return None
        combinators = [k for k in ("any", "all", "not") if k in raw]
        if combinators:
            if len(raw) != 1:
                self.error(path, f"rule {rid!r}: '{combinators[0]}' must be the only key of its table (found {', '.join(raw)})")
                return None
            key = combinators[0]
            if key == "not":
                inner = self.condition(raw["not"], (*path, "not"), rid)
                return None if inner is None else NotOf(inner)
            items = raw[key]
            if not isinstance(items, list) or not items:
                self.error((*path, key), f"rule {rid!r}: '{key}' needs a non-empty list of conditions")
                return None
            parsed = [self.condition(it, (*path, key, j), rid) for j, it in enumerate(items)]
            if any(p is None for p in parsed):
                return None
            conds = tuple(p for p in parsed if p is not None)
            return AnyOf(conds) if key == "any" else AllOf(conds)
        if "network" in raw:
            return self.network_test(raw, path, rid)
        if "risk_at_least" in raw:
            if len(raw) != 1:
                self.error(path, f"rule {rid!r}: 'risk_at_least' must be alone in its table")
                return None
            v = self.get(raw, "risk_at_least", path, (int, float), None, check=self.in_range(0, 100))
            return None if v is None else RiskTest(float(v))
        return self.evidence_test(raw, path, rid)

    def network_test(self, raw: Mapping[str, Any], path: KeyPath, rid: str) -> Condition | None:
        fact = self.get(raw, "network", path, str, None)
        if fact is None:
            return None
        ok = True
        if fact not in self.vocab.network_facts:
            self.error((*path, "network"), f"rule {rid!r}: unknown network fact {fact!r} (known: {', '.join(sorted(self.vocab.network_facts))})")
            ok = False
        ops = [k for k in raw if k != "network"]
        bad = [k for k in ops if k not in _OPS]
        if bad:
            self.error((*path, bad[0]), f"rule {rid!r}: unknown comparison {bad[0]!r} (use one of {', '.join(_OPS)})")
            return None
        if len(ops) != 1:
            self.error(path, f"rule {rid!r}: a network test needs exactly one comparison ({', '.join(_OPS)}), found {len(ops)}")
            return None
        op = ops[0]
        value = self.get(raw, op, path, (int, float), None)
        if value is None or not ok:
            return None
        if fact != "names_per_phone" and value < 0 and op in ("le", "lt", "eq"):
            self.error((*path, op), f"rule {rid!r}: network.{fact} is never negative, so this test never holds")
            return None
        return NetworkTest(fact, op, float(value))  # type: ignore[arg-type]

    def evidence_test(self, raw: Mapping[str, Any], path: KeyPath, rid: str) -> Condition | None:
        self.unknown_keys(raw, _EVIDENCE_KEYS, path, "an evidence condition")
        detector = self.get(raw, "detector", path, str, None)
        label = self.get(raw, "label", path, str, None)
        category = self.get(raw, "category", path, str, None)
        bank = self.get(raw, "bank", path, str, None)
        kind = self.get(raw, "kind", path, str, None)
        language = self.get(raw, "language", path, str, None)
        min_count = self.get(raw, "min_count", path, int, 1)
        min_points = self.get(raw, "min_points", path, (int, float), None, check=self.in_range(0, 100))
        distinct = self.get(raw, "distinct", path, bool, True)
        if not any(v is not None for v in (detector, label, category, bank, kind, language)):
            self.error(path, f"rule {rid!r}: an evidence condition needs at least one of detector, label, category, bank, kind, language")
            return None
        if language is not None and language not in self.vocab.languages:
            self.error((*path, "language"), f"rule {rid!r}: unknown language {language!r} (known: {', '.join(sorted(self.vocab.languages))})")
            return None
        if min_count < 1:
            self.error((*path, "min_count"), f"rule {rid!r}: min_count must be at least 1, got {min_count}")
            return None
        if (bank is not None or kind is not None) and detector is None:
            detector = "bank"
        if detector is not None and detector not in self.vocab.detectors:
            self.error((*path, "detector"), f"rule {rid!r}: unknown detector {detector!r} (known: {', '.join(sorted(self.vocab.detectors))})")
            return None
        open_cats = detector is not None and self.vocab.detectors[detector].categories is None
        if category is not None and category not in self.vocab.categories and not open_cats:
            self.error((*path, "category"), f"rule {rid!r}: unknown category {category!r} (known: {', '.join(sorted(self.vocab.categories))})")
            return None
        return EvidenceTest(detector, label, category, bank, kind, language, min_count,
                            None if min_points is None else float(min_points), distinct)

    def check_can_fire(
        self, cond: Condition, path: KeyPath, rid: str, detectors: Mapping[str, Scoring],
        categories: Mapping[str, Scoring],
    ) -> None:
        """Report conditions that no evidence can ever satisfy (a rule that can never fire)."""
        if isinstance(cond, (AnyOf, AllOf)):
            key = "any" if isinstance(cond, AnyOf) else "all"
            for j, item in enumerate(cond.items):
                self.check_can_fire(item, (*path, key, j), rid, detectors, categories)
            if isinstance(cond, AllOf):
                self.check_network_bounds(cond, path, rid)
            return
        if isinstance(cond, NotOf):
            self.check_can_fire(cond.item, (*path, "not"), rid, detectors, categories)
            return
        if not isinstance(cond, EvidenceTest):
            return
        never = "so this rule can never fire"
        if cond.min_points is not None:
            cap = _cap_for(cond, detectors, categories)
            if cap is not None and cond.min_points > cap:
                self.error((*path, "min_points"), f"rule {rid!r}: min_points {cond.min_points:g} exceeds the cap {cap:g} on that evidence, {never}")
        if cond.label is not None and cond.distinct and cond.min_count > 1:
            self.error((*path, "min_count"), f"rule {rid!r}: one label counts once when distinct = true, so min_count {cond.min_count} > 1 {never}")
        if cond.detector is None:
            return
        dv = self.vocab.detectors[cond.detector]
        if cond.label is not None and dv.labels is not None and cond.label not in dv.labels:
            hint = _closest(cond.label, dv.labels)
            self.error((*path, "label"), f"rule {rid!r}: detector {cond.detector!r} never emits label {cond.label!r}{hint}, {never}")
        if cond.category is not None and dv.categories is not None and cond.category not in dv.categories:
            self.error((*path, "category"), f"rule {rid!r}: detector {cond.detector!r} never emits category {cond.category!r}, {never}")
        if cond.kind is not None and dv.kinds is not None and cond.kind not in dv.kinds:
            self.error((*path, "kind"), f"rule {rid!r}: detector {cond.detector!r} has no kind {cond.kind!r} (kinds: {', '.join(sorted(dv.kinds))}), {never}")

    def check_network_bounds(self, cond: AllOf, path: KeyPath, rid: str) -> None:
        lo: dict[str, float] = {}
        hi: dict[str, float] = {}
        for item in cond.items:
            if isinstance(item, NetworkTest):
                if item.op in ("ge", "gt", "eq"):
                    lo[item.fact] = max(lo.get(item.fact, float("-inf")), item.value + (1e-9 if item.op == "gt" else 0))
                if item.op in ("le", "lt", "eq"):
                    hi[item.fact] = min(hi.get(item.fact, float("inf")), item.value - (1e-9 if item.op == "lt" else 0))
        for fact in lo:
            if fact in hi and lo[fact] > hi[fact]:
                self.error(path, f"rule {rid!r}: 'all' requires network.{fact} >= {lo[fact]:g} and <= {hi[fact]:g}, so this rule can never fire")


def _cap_for(cond: EvidenceTest, detectors: Mapping[str, Scoring], categories: Mapping[str, Scoring]) -> float | None:
    caps = []
    if cond.category is not None and cond.category in categories and categories[cond.category].cap is not None:
        caps.append(categories[cond.category].cap)
    if cond.detector is not None and cond.detector in detectors and detectors[cond.detector].cap is not None:
        caps.append(detectors[cond.detector].cap)
    return min((c for c in caps if c is not None), default=None)


def _closest(word: str, options: frozenset[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _sev(action: Action) -> int:
    from adwarden.domain import ACTION_SEVERITY

    return ACTION_SEVERITY[action]
