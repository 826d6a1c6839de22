"""Word-level differences between two versions of a post, for the case view's version history.

Why word level: an edit that swaps a phone number or adds "new in town" must stand out; a character diff of a
rewritten ad is unreadable. The output is data (operations with text), escaped by the template.

>>> [(o.op, o.text) for o in word_diff("call 555-0101 today", "call 555-0199 today")]
[('equal', 'call '), ('delete', '555-0101'), ('insert', '555-0199'), ('equal', ' today')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class DiffOp:
    op: Literal["equal", "insert", "delete"]
    text: str


def word_diff(old: str, new: str) -> list[DiffOp]:
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(DiffOp("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(DiffOp("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(DiffOp("insert", "".join(b[j1:j2])))
    return out
