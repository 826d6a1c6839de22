"""The scan's findings as one JSON-ready document: what the HTML report shows and ``scan.json`` holds.

Sections: ``corpus`` and ``totals``; ``networks`` (every network, riskiest first; the ``top`` ids are the
largest and riskiest ones, which carry templates and sample posts); ``timeline`` (posts per day); ``cities``;
``minors`` (posts stating an age under 18 or underage language, with the stated text and an excerpt);
``indicators`` (evidence labels by number of posts); ``ignored_identifiers`` (hubs); ``rejected`` and
``duplicates`` with file and line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from adwarden import __version__
from adwarden.detect.network.model import LinkResult
from adwarden.detect.network.movement import resolve_place
from adwarden.scan.networks import RowsJob, add_templates, network_rows, size_histogram
from adwarden.scan.state import ScanState

__all__ = ["build_summary"]

#: How many networks of each ranking (largest, riskiest) the report shows in full.
TOP_NETWORKS = 15
#: Stated-minor posts listed (all are counted; the JSON lists the same number).
MAX_MINORS = 200
SAMPLE_POSTS = 3
EXCERPT_CHARS = 280


def _excerpt(text: str, start: int | None = None, end: int | None = None) -> dict[str, Any]:
    """A window of ``text`` around ``start:end`` with the span's offsets inside the window."""
    if start is None or end is None:
        cut = text[:EXCERPT_CHARS]
        return {"text": cut + ("..." if len(text) > EXCERPT_CHARS else ""), "mark": None}
    lo = max(0, start - EXCERPT_CHARS // 2)
    hi = min(len(text), end + EXCERPT_CHARS // 2)
    prefix = "..." if lo > 0 else ""
    return {"text": prefix + text[lo:hi] + ("..." if hi < len(text) else ""),
            "mark": [len(prefix) + start - lo, len(prefix) + end - lo]}


def _timeline(state: ScanState) -> list[dict[str, Any]]:
    import pyarrow as pa
    import pyarrow.compute as pc

    days = pc.value_counts(state.table.column("posted_at").cast(pa.date32()).drop_null())
    pairs = sorted(zip(days.field("values").to_pylist(), days.field("counts").to_pylist(), strict=True))
    return [{"day": d.isoformat(), "posts": n} for d, n in pairs]


def _cities(state: ScanState, limit: int = 25) -> list[dict[str, Any]]:
    import pyarrow.compute as pc

    loc = state.table.column("location")
    # value_counts keeps the order of first appearance, as the Counter over the records did (ties of most_common)
    raw = pc.value_counts(loc.filter(pc.not_equal(loc, "")))
    places: Counter[str] = Counter()
    for loc_, n in zip(raw.field("values").to_pylist(), raw.field("counts").to_pylist(), strict=True):
        p = resolve_place(loc_)
        places[p.label if p is not None else loc_.strip()] += n
    return [{"city": c, "posts": n} for c, n in places.most_common(limit)]


def _post_refs(state: ScanState, posts: Sequence[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i, r in zip(posts, state.records_at(posts), strict=True):
        path, line = state.where(i)
        out[i] = {"external_id": r.external_id, "site": r.site, "file": path, "line": line,
                  "risk": round(float(state.risk[i]), 1),
                  "posted_at": r.posted_at.isoformat() if r.posted_at else None, "location": r.location}
    return out


def _minors(state: ScanState) -> dict[str, Any]:
    posts = sorted({m.post for m in state.minors})
    shown = state.minors[: MAX_MINORS * 2]
    first: dict[int, Any] = {}
    for m in shown:
        first.setdefault(m.post, m)
    picked = list(first.values())[:MAX_MINORS]
    texts = state.texts_of(m.post for m in picked)
    refs = _post_refs(state, [m.post for m in picked])
    items = [{**refs[m.post], "label": m.label, "stated": m.value,
              "excerpt": _excerpt(texts[m.post], m.start, m.end)} for m in picked]
    return {"posts": len(posts), "listed": items}


def _samples(state: ScanState, rows: Sequence[dict[str, Any]]) -> None:
    wanted = [i for row in rows for i in row["_members"][:SAMPLE_POSTS]]
    texts = state.texts_of(wanted)
    refs = _post_refs(state, wanted)
    for row in rows:
        row["samples"] = [{**refs[i], "excerpt": _excerpt(texts[i])}
                          for i in row["_members"][:SAMPLE_POSTS]]


def build_summary(state: ScanState, result: LinkResult, *, inputs: Sequence[str], seconds: dict[str, float],
                  versions: dict[str, str], rows_job: RowsJob | None = None) -> dict[str, Any]:
    """The findings document (see the module docstring). Rows keep a private ``_members`` list of post indices
    for the Parquet writer; :func:`public` drops it. ``rows_job`` (started by the caller before its other
    threads) builds the network rows on two cores."""
    rows = rows_job.rows() if rows_job is not None else network_rows(state, result)
    largest = sorted(rows, key=lambda r: (-r["size"], -r["risk"], r["id"]))[:TOP_NETWORKS]
    riskiest = rows[:TOP_NETWORKS]
    top = list({r["id"]: r for r in [*riskiest, *largest]}.values())
    add_templates(state, result, top)
    _samples(state, top)
    networked = sum(r["size"] for r in rows)
    totals = {
        "files": len(state.sources),
        "bytes": sum(s.size for s in state.sources),
        "records": state.read,
        "accepted": state.count + len(state.duplicates),
        "posts": state.count,
        "rejected": len(state.rejected),
        "duplicates": len(state.duplicates),
        "networks": len(rows),
        "networked_posts": networked,
        "largest_network": max((r["size"] for r in rows), default=0),
        "identifiers": int(result.stats.get("identifiers", 0)),
        "hubs_ignored": len(result.ignored),
        "posts_with_stated_minor": len({m.post for m in state.minors}),
        "actions": state.action_counts(),
    }
    return {
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "adwarden": __version__,
        "versions": versions,
        "corpus": {"inputs": list(inputs), "files": [s.path for s in state.sources]},
        "totals": totals,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "top": {"riskiest": [r["id"] for r in riskiest], "largest": [r["id"] for r in largest]},
        "networks": rows,
        "network_sizes": [{"size": s, "networks": n} for s, n in size_histogram(rows)],
        "timeline": _timeline(state),
        "cities": _cities(state),
        "minors": _minors(state),
        "indicators": [{"label": k, "posts": v} for k, v in state.labels.most_common(30)],
        "ignored_identifiers": [i.to_json() for i in sorted(result.ignored, key=lambda x: -x.posts)[:200]],
        "ignored_posts": [p.to_json() for p in result.ignored_posts[:200]],
        "rejected": state.rejected,
        "duplicates": state.duplicates,
    }
