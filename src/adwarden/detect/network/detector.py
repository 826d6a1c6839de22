"""Network facts -> evidence for the policy.

The linker computes facts about the network a post belongs to (:func:`~adwarden.detect.network.movement.network_facts`
plus ``network_id`` and ``template_size``) and hands them to screening as ``ScreenContext.network``. This
detector turns the facts that matter into :class:`~adwarden.domain.Evidence`, each naming the fact and its
value, so a reviewer reads "one phone used with 4 names across 3 cities" rather than a bare score. The
thresholds are constructor arguments; the weights are proposals the policy may re-weight by label.

>>> from adwarden.detect.network.detector import evidence_from_facts
>>> ev = evidence_from_facts({"size": 12, "distinct_cities": 3, "km_travelled": 900.0, "names_per_phone": 4,
...                           "cities": ["Seattle, WA", "Portland, OR", "Boise, ID"]})
>>> sorted(e.label for e in ev)
['circuit_movement', 'many_names_one_phone', 'network_member']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from adwarden.detect.base import Detector, ScreenContext
from adwarden.domain import Evidence

__all__ = ["NetworkDetector", "NetworkThresholds", "evidence_from_facts"]

_DETECTOR = "network"


@dataclass(frozen=True)
class NetworkThresholds:
    """When a network fact becomes evidence."""

    min_size: int = 2
    large_network: int = 10
    circuit_cities: int = 3
    circuit_km: float = 300.0
    names_per_phone: int = 3
    ages_per_phone: int = 3
    phones_per_name: int = 3
    names_per_image: int = 2
    template_size: int = 5


def evidence_from_facts(facts: Mapping[str, Any], t: NetworkThresholds | None = None) -> list[Evidence]:
    """The evidence a post's network facts support (empty when the post is in no network)."""
    t = t or NetworkThresholds()
    size = int(facts.get("size") or 0)
    if size < t.min_size:
        return []
    net = facts.get("network_id")
    base: dict[str, Any] = {"network_id": net} if net else {}
    out = [
        Evidence(
            _DETECTOR,
            "network_member",
            weight=2.0 if size < t.large_network else 5.0,
            category="network",
            value=f"linked with {size - 1} other post(s)",
            attrs={**base, "size": size},
        )
    ]
    cities = int(facts.get("distinct_cities") or 0)
    km = float(facts.get("km_travelled") or 0.0)
    if cities >= t.circuit_cities and km >= t.circuit_km:
        out.append(
            Evidence(
                _DETECTOR,
                "circuit_movement",
                weight=15.0,
                category="network",
                value=f"{cities} cities, {km:.0f} km in posting-time order: "
                + " -> ".join(list(facts.get("cities") or [])[:8])
                + _untimed_note(facts),
                attrs={**base, "distinct_cities": cities, "km_travelled": km},
            )
        )
    # weights are points on the policy's 0-100 scale (proposals: the policy scales and caps them)
    checks: Sequence[tuple[str, str, int, float, str]] = (
        ("names_per_phone", "many_names_one_phone", t.names_per_phone, 15.0, "{v} names used with one phone"),
        ("ages_per_phone", "many_ages_one_phone", t.ages_per_phone, 10.0, "{v} stated ages used with one phone"),
        ("phones_per_name", "many_phones_one_name", t.phones_per_name, 10.0, "one name used with {v} phones"),
        ("names_per_image", "same_photo_many_names", t.names_per_image, 15.0, "one photo used under {v} names"),
        ("template_size", "shared_template", t.template_size, 5.0, "text template shared by {v} posts"),
    )
    for key, label, limit, weight, text in checks:
        v = int(facts.get(key) or 0)
        if v >= limit:
            out.append(
                Evidence(_DETECTOR, label, weight=weight, category="network", value=text.format(v=v), attrs={**base, key: v})
            )
    return out


class NetworkDetector(Detector):
    """Evidence from the facts of the network a post belongs to (``ScreenContext.network``)."""

    version: ClassVar[str] = "1"

    def __init__(self, thresholds: NetworkThresholds | None = None) -> None:
        self.thresholds = thresholds or NetworkThresholds()

    def detect(self, ctx: ScreenContext) -> Sequence[Evidence]:
        if not ctx.network:
            return ()
        return evidence_from_facts(ctx.network, self.thresholds)


def _untimed_note(facts: Mapping[str, Any]) -> str:
    """Say when posts had no posting time: they are not part of the route, so it may be incomplete."""
    n = int(facts.get("untimed_posts") or 0)
    return f" ({n} post(s) without a posting time left out)" if n else ""
