"""The chain's fast text paths give exactly the text the plain encoder gives, so stored chains still verify."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adwarden.domain.audit import GENESIS_HASH, event_hash
from adwarden.domain.json_text import canonical_json

#: The definition of canonical JSON the chain was written with (docs/audit.md): a fresh encoder per call.
REFERENCE_OPTIONS: dict[str, Any] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False,
                                     "default": str}


def reference_hash(prev_hash: str, seq: int, *fields: str) -> str:
    body = json.dumps([seq, *fields], **REFERENCE_OPTIONS)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


# Any text a field may hold: quotes, backslashes, control characters, non-ASCII (not lone surrogates, which
# UTF-8 cannot carry to the hash in either path).
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


@given(seq=st.integers(min_value=0, max_value=2**63), name=texts, actor=texts, subject_type=texts, subject_id=texts,
       payload=json_values, created_at=texts)
def test_event_hash_is_the_hash_of_the_canonical_list(seq: int, name: str, actor: str, subject_type: str,
                                                      subject_id: str, payload: Any, created_at: str) -> None:
    payload_json = canonical_json(payload)
    got = event_hash(prev_hash=GENESIS_HASH, seq=seq, name=name, actor=actor, subject_type=subject_type,
                     subject_id=subject_id, payload_json=payload_json, created_at=created_at)
    assert got == reference_hash(GENESIS_HASH, seq, name, actor, subject_type, subject_id, payload_json, created_at)


@given(payload=json_values)
def test_canonical_json_is_the_reference_encoding(payload: Any) -> None:
    assert canonical_json(payload) == json.dumps(payload, **REFERENCE_OPTIONS)


def test_values_json_cannot_hold_are_written_as_text_as_before() -> None:
    payload = {"when": datetime(2026, 12, 2, 1, 0, tzinfo=UTC), "day": date(2026, 12, 2), "nan": float("nan"),
               "b": 1, "a": "é"}
    assert canonical_json(payload) == json.dumps(payload, **REFERENCE_OPTIONS)


def test_a_seq_that_is_not_a_plain_int_is_hashed_as_the_encoder_writes_it() -> None:
    # True is an int subclass the encoder writes as "true": the written-out path must not apply to it.
    got = event_hash(prev_hash=GENESIS_HASH, seq=True, name="n", actor="a", subject_type="t", subject_id="s",
                     payload_json="{}", created_at="c")
    assert got == reference_hash(GENESIS_HASH, True, "n", "a", "t", "s", "{}", "c")
